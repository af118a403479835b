"""Fault: Redis stopped while 500 students enter a project; nothing may be lost or sent twice.

    make fault-redis        # or: .venv/bin/python -m tests.perf.fault_redis_down [-n 500]

What it does, on this machine only (127.0.0.1):

1. Recreates the database `jissen_fault`, migrates it, and builds one published project (a host
   member and a coordinator of its region) and N students with complete profiles.
2. Starts a real Celery worker (prefork, 2 processes) whose mail goes to a local SMTP sink
   (aiosmtpd) that counts every message by its X-Notification-Key header.
3. Stops Redis (`redis-cli shutdown nosave`) and submits N entries through
   `applicants.services.application_submit`, from 20 threads, while the broker is away. Each
   submission's outcome (returned or raised) and time are recorded, and the on-commit publishes
   that failed are counted (their tracebacks are logged by Django; here they are only counted).
   While Redis is still down, a few requests go through Django's test client in this process
   (the project index, /healthz, a login, a contact form) to show what else an outage touches.
4. Starts Redis again (the machine's own command line) and plays beat: `sweep_pending.delay(
   older_than_seconds=0)`, again each time the worker has emptied the queue, until every email
   row of those entries is sent (beat does the same every 60 s; the wait here is shorter).
5. Checks: N entries saved, no submission raised, every email row sent, the sink got each key
   exactly once, and this process publishes again after Redis returned (no restart).

Redis is shared with the rest of the machine: it is down for the submissions only (about half
a minute), and it is started again in a `finally`, whatever happens (Ctrl-C and SIGTERM
included). Redis runs without persistence here,
so a restart empties it (other users of Redis lose their queued messages too).

Exit 0 when every check holds; 1 otherwise. A submission that raised fails the run even when
nothing was lost: the web view would have answered 500 to a student whose entry was saved.
"""

import argparse
import itertools
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVER = os.environ.get("FAULT_SERVER_URL", "postgres://postgres@127.0.0.1:5432")
DB_URL = f"{SERVER}/jissen_fault"
REDIS_PORT = 6379
REDIS_URL = os.environ.get("FAULT_REDIS_URL", f"redis://127.0.0.1:{REDIS_PORT}/13")
# The machine's Redis, exactly as it was started (no persistence, loopback only).
REDIS_START = [
    "redis-server",
    "--daemonize",
    "yes",
    "--bind",
    "127.0.0.1",
    "-::1",
    "--port",
    str(REDIS_PORT),
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    "/var/lib/redis",
    "--logfile",
    "/var/log/redis/ci.log",
]
STUDENT_PASSWORD = "fault-pass-2027"
SWEEP_AT_MOST_EVERY = 2  # seconds between sweeps (beat: 60 s), and only once the queue is empty


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--entries", type=int, default=500)
    parser.add_argument("--threads", type=int, default=20)
    parser.add_argument("--timeout", type=int, default=300, help="seconds to wait for delivery")
    args = parser.parse_args()

    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=DB_URL,
        REDIS_URL=REDIS_URL,
        CELERY_TASK_ALWAYS_EAGER="False",
        DJANGO_DEBUG="False",
        LOG_LEVEL="WARNING",
    )
    sys.path.insert(0, str(ROOT))
    # SIGTERM unwinds like Ctrl-C, so the `finally` that starts Redis again always runs.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not _redis_up():
        print("Redis does not answer on 127.0.0.1:6379 before the run; start it first.")
        return 2
    _recreate_database()

    import django

    django.setup()
    import redis
    from django.core.management import call_command

    from tests.smtp_sink import CountingHandler, start_sink
    from tests.workers import start_worker, wait_for

    step("migrate jissen_fault")
    call_command("migrate", verbosity=0)
    redis.Redis.from_url(REDIS_URL).flushdb()  # our own database number only
    project, students = _build(args.entries)
    step(f"built project {project.pk} and {len(students)} students")

    handler = CountingHandler()
    sink = start_sink(handler)
    log = Path(tempfile.mkdtemp(prefix="jissen-fault-")) / "worker.log"
    worker = start_worker(
        log,
        pool="prefork",
        concurrency=2,
        email_url=f"smtp://127.0.0.1:{sink.port}",
        settings_module="config.settings.local",
        db_url=DB_URL,
        loglevel="INFO",
    )
    result: dict = {}
    try:
        step(f"worker started (log: {log}); waiting until it answers a ping")
        if not wait_for(_worker_ready, 60, step=0.5):
            print(log.read_text()[-4000:])
            return 1
        result = _run(args, project, students, handler, worker, wait_for)
    finally:
        if not _redis_up():
            step("finally: Redis is down; starting it again")
            _start_redis()
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
        sink.stop()
        from django.db import connections

        connections.close_all()
    return _report(result, log)


def _run(args, project, students, handler, worker, wait_for) -> dict:
    import redis
    from django.db import close_old_connections, connection

    from applicants.models import Application
    from applicants.services import application_submit
    from notifications.models import Notification
    from notifications.tasks import sweep_pending

    connection.close()  # the threads open their own; the main one reopens when needed
    step(f"stopping Redis: redis-cli -p {REDIS_PORT} shutdown nosave")
    subprocess.run(["redis-cli", "-p", str(REDIS_PORT), "shutdown", "nosave"], check=False)
    if not wait_for(lambda: not _redis_up(), 10, step=0.1):
        raise SystemExit("Redis did not stop")
    down_at = time.monotonic()

    outcomes: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    seconds: list[float] = []
    lock = threading.Lock()

    def enter(student) -> None:
        began = time.monotonic()
        try:
            application_submit(
                student=student,
                project=project,
                motivation="Redis が止まっていても応募したい。",
                consent=True,
            )
            outcome = "returned"
        except Exception as exc:  # what a view would see
            outcome = "raised"
            with lock:
                errors[f"{type(exc).__module__}.{type(exc).__name__}: {exc}"[:160]] += 1
        finally:
            close_old_connections()
            connection.close()
        with lock:
            outcomes[outcome] += 1
            seconds.append(time.monotonic() - began)

    step(f"Redis is down; submitting {len(students)} entries from {args.threads} threads")
    with counted_logs("django.db.backends.base", "django.request") as logged:
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=args.threads) as pool:
            list(pool.map(enter, students))
        submit_seconds = time.monotonic() - started
        failed_publishes = logged["django.db.backends.base"]
        probes = _probe_outage(students[0])
        connection.close()
    saved = Application.objects.filter(project=project).count()
    emails = Notification.objects.filter(
        channel=Notification.Channel.EMAIL, idempotency_key__startswith="application:"
    )
    pending_while_down = emails.filter(status=Notification.Status.PENDING).count()
    seconds.sort()
    latency = {
        "median": round(seconds[len(seconds) // 2], 2),
        "p95": round(seconds[int(len(seconds) * 0.95)], 2),
        "max": round(seconds[-1], 2),
    }
    step(
        f"submitted in {submit_seconds:.1f} s: {outcomes['returned']} returned, "
        f"{outcomes['raised']} raised; {saved} entries in the database; "
        f"{emails.count()} email rows, {pending_while_down} pending; "
        f"{failed_publishes} on-commit publishes failed (logged); per entry {latency} s"
    )
    for message, count in errors.most_common(5):
        print(f"    {count} × {message}")
    for label, outcome in probes.items():
        print(f"    while Redis is down: {label:<28} {outcome}")
    worker_alive = worker.poll() is None

    step("starting Redis again: " + " ".join(a if a else '""' for a in REDIS_START))
    _start_redis()
    if not wait_for(_redis_up, 15, step=0.1):
        raise SystemExit("Redis did not come back")
    down_seconds = time.monotonic() - down_at
    step(f"Redis was down for {down_seconds:.1f} s; worker alive throughout: {worker_alive}")

    # After Redis returns, this process publishes again without a restart of its own.
    publish_error = ""
    try:
        sweep_pending.delay(older_than_seconds=0)
    except Exception as exc:
        publish_error = f"{type(exc).__name__}: {exc}"
    step("sweep 1 queued" + (f" — FAILED: {publish_error}" if publish_error else ""))

    queue = redis.Redis.from_url(REDIS_URL)
    expected_keys = set(emails.values_list("idempotency_key", flat=True))
    started = time.monotonic()
    last_sweep = started
    sweeps = 1

    def all_sent() -> bool:
        return not emails.exclude(status=Notification.Status.SENT).exists() and all(
            handler.keys.get(k, 0) >= 1 for k in expected_keys
        )

    deadline = started + args.timeout
    while time.monotonic() < deadline and not all_sent():
        time.sleep(0.5)
        if time.monotonic() - last_sweep < SWEEP_AT_MOST_EVERY or queue.llen("celery"):
            continue
        if all_sent():
            break
        sweep_pending.delay(older_than_seconds=0)
        sweeps += 1
        last_sweep = time.monotonic()
        left = emails.exclude(status=Notification.Status.SENT).count()
        step(f"queue empty, sweep {sweeps} queued; {left} email rows not sent yet")
    deliver_seconds = time.monotonic() - started
    step(f"delivery finished in {deliver_seconds:.1f} s; waiting 3 s for late duplicates")
    time.sleep(3)

    delivered = Counter({k: handler.keys.get(k, 0) for k in expected_keys})
    statuses = Counter(emails.values_list("status", flat=True))
    return {
        "entries": len(students),
        "returned": outcomes["returned"],
        "raised": outcomes["raised"],
        "errors": dict(errors),
        "failed_publishes": failed_publishes,
        "latency": latency,
        "probes": probes,
        "saved": saved,
        "email_rows": len(expected_keys),
        "pending_while_down": pending_while_down,
        "statuses": dict(statuses),
        "lost": sum(1 for n in delivered.values() if n == 0),
        "duplicated": sum(n - 1 for n in delivered.values() if n > 1),
        "unexpected_keys": sum(
            1 for k in handler.keys if k.startswith("application:") and k not in expected_keys
        ),
        "sweeps": sweeps,
        "submit_seconds": round(submit_seconds, 1),
        "redis_down_seconds": round(down_seconds, 1),
        "deliver_seconds": round(deliver_seconds, 1),
        "publish_after_restart": publish_error or "ok",
        "worker_alive": worker_alive and worker.poll() is None,
    }


def _probe_outage(student) -> dict[str, str]:
    """A few requests through Django's test client while Redis is down: status, rows, and for
    a server error the exception and the project's innermost line on its way."""
    from django.test import Client

    from programs.models import Inquiry

    client = Client(raise_request_exception=True, HTTP_HOST="127.0.0.1")

    def call(method: str, path: str, data=None) -> str:
        try:
            response = getattr(client, method)(path, data or {})
        except Exception as exc:
            return f"500 — {type(exc).__module__}.{type(exc).__name__} via {_origin(exc)}"
        return str(response.status_code)

    out = {
        "GET /projects/": call("get", "/projects/"),
        "GET /healthz": call("get", "/healthz"),
    }
    login = call("post", "/accounts/login/", {"login": student.email, "password": STUDENT_PASSWORD})
    out["POST /accounts/login/"] = f"{login} (logged in: {'_auth_user_id' in client.session})"
    before = Inquiry.objects.count()
    inquiry = call(
        "post",
        "/contact/",
        {
            "kind": "general",
            "name": "障害 試験",
            "email": "fault-inquiry@example.jp",
            "message": "Redis が止まっているときの問い合わせです。",
            "consent": "on",
        },
    )
    out["POST /contact/ (inquiry)"] = f"{inquiry} (saved: {Inquiry.objects.count() - before})"
    return out


def _origin(exc: BaseException) -> str:
    """Who called the cache or the broker that failed: the frame before the first one inside
    django/core/cache, kombu or redis (else the innermost frame of the project's own code)."""
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    for before, frame in itertools.pairwise(frames):
        if any(part in frame.filename for part in ("django/core/cache", "/kombu/", "/redis/")):
            return f"{_short(before.filename)}:{before.lineno} ({before.name})"
    own = [f for f in frames if "/.venv/" not in f.filename]
    return f"{_short(own[-1].filename)}:{own[-1].lineno}" if own else "?"


def _short(filename: str) -> str:
    if "/site-packages/" in filename:
        return filename.split("/site-packages/", 1)[1]
    return str(Path(filename).relative_to(ROOT)) if filename.startswith(str(ROOT)) else filename


class counted_logs:
    """Counts the records of some loggers and keeps them off the console meanwhile."""

    def __init__(self, *names: str):
        import logging

        self.names = names
        self.counts: Counter[str] = Counter()
        counts = self.counts

        class Handler(logging.Handler):
            def emit(self, record):
                counts[record.name] += 1

        self.handler = Handler()
        self.loggers = [logging.getLogger(name) for name in names]

    def __enter__(self) -> Counter[str]:
        for logger in self.loggers:
            logger.addHandler(self.handler)
            logger.propagate = False
        return self.counts

    def __exit__(self, *exc) -> None:
        for logger in self.loggers:
            logger.removeHandler(self.handler)
            logger.propagate = True


def _report(result: dict, log: Path) -> int:
    if not result:
        print("RESULT: FAILED before the fault was injected")
        return 1
    print()
    rows = [
        ("entries submitted while Redis was down", result["entries"]),
        ("  application_submit returned", result["returned"]),
        ("  application_submit raised", result["raised"]),
        (
            "  on-commit publishes that failed (logged, row left pending)",
            result["failed_publishes"],
        ),
        ("  seconds per submission", result["latency"]),
        ("entries saved", result["saved"]),
        ("email notifications written", result["email_rows"]),
        ("  pending while Redis was down", result["pending_while_down"]),
        ("  statuses at the end", result["statuses"]),
        ("lost (never reached the sink)", result["lost"]),
        ("duplicated (reached the sink twice or more)", result["duplicated"]),
        ("sweeps run", result["sweeps"]),
        ("Redis down (s)", result["redis_down_seconds"]),
        ("submitting took (s)", result["submit_seconds"]),
        ("delivery after Redis returned took (s)", result["deliver_seconds"]),
        ("publish from this process after Redis returned", result["publish_after_restart"]),
        ("worker survived without a restart", result["worker_alive"]),
    ]
    for label, value in rows:
        print(f"  {label:<62} {value}")
    for label, outcome in result["probes"].items():
        print(f"  {'while Redis was down: ' + label:<62} {outcome}")
    ok = (
        result["saved"] == result["entries"]
        and result["raised"] == 0
        and result["email_rows"] > 0
        and result["statuses"] == {"sent": result["email_rows"]}
        and result["lost"] == 0
        and result["duplicated"] == 0
        and result["unexpected_keys"] == 0
        and result["publish_after_restart"] == "ok"
    )
    print()
    if result["raised"]:
        print(
            f"FINDING: application_submit raised for {result['raised']} of {result['entries']} "
            "entries although each entry was committed: the on-commit publish to the broker "
            "raised out of the atomic block, so EntryCreateView would answer 500 for a saved "
            "entry (and Django drops the remaining on-commit callbacks of that transaction)."
        )
    print("RESULT:", "every entry saved, every notification delivered once" if ok else "FAILED")
    if not ok:
        print(f"(worker log: {log})")
    return 0 if ok else 1


def _build(count: int):
    """One published project (member + coordinator) and `count` students, bulk-inserted."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from accounts.models import User
    from applicants.models import StudentProfile
    from projects.models import Project
    from tests.flow import project_in

    with transaction.atomic():
        project, _member, _coordinator = project_in(Project.Status.PUBLISHED)
        password = make_password(STUDENT_PASSWORD)
        users = User.objects.bulk_create(
            User(
                email=f"fault-student{i}@example.jp",
                name=f"障害 学生{i}",
                name_kana=f"ショウガイ ガクセイ{i}",
                password=password,
            )
            for i in range(count)
        )
        StudentProfile.objects.bulk_create(
            StudentProfile(
                user=u,
                university="北海道大学",
                faculty="経済学部",
                year=3,
                current_residence="札幌市",
                bio="地域の食と観光に関心があります。",
            )
            for u in users
        )
    return project, users


def _worker_ready() -> bool:
    from config.celery_app import app

    try:
        return bool(app.control.ping(timeout=1))
    except Exception:
        return False


def _redis_up() -> bool:
    done = subprocess.run(
        ["redis-cli", "-p", str(REDIS_PORT), "ping"], capture_output=True, text=True, timeout=5
    )
    return done.stdout.strip() == "PONG"


def _start_redis() -> None:
    subprocess.run(REDIS_START, check=False)


def _recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute('DROP DATABASE IF EXISTS "jissen_fault" WITH (FORCE)')
        conn.execute('CREATE DATABASE "jissen_fault"')


T0 = time.monotonic()


def step(message: str) -> None:
    print(f"[{time.monotonic() - T0:6.1f}s] {message}", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
