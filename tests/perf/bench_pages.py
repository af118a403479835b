"""Benchmark: the pages of issue 7 under 10 concurrent clients, gunicorn on the scale data.

    make bench        # or: .venv/bin/python -m tests.perf.bench_pages --duration 10

1. PostgreSQL database `jissen_bench_pages` (BENCH_PAGES_DATABASE_URL): created if missing,
   migrated, filled by `seed_scale` unless data of the same size is there, then
   VACUUM ANALYZE (what autovacuum does on a live system after a bulk load).
2. gunicorn with `config.settings.production` (DEBUG off, Redis cache as in production,
   BENCH_REDIS_URL; locmem when Redis does not answer), 2 sync workers on a free loopback port.
3. Per page: queries per request counted once in-process (test client and
   CaptureQueriesContext, a warm request first), then a 2 s warm-up and a fixed run (10 s) of
   `wrk` with 10 connections from a separate process; a small Python load process (threads,
   http.client keep-alive) stands in where wrk is not installed (`apt-get install wrk`).
4. Prints the table and the issue's targets, writes bench/results.json.

Loopback only, fixed durations: it stops by itself. The logged-in pages use session cookies
made with django.contrib.sessions for seeded users (no login form, no password hashing); the
staff and coordinator get a TOTP authenticator and a session that gave its code, which
production requires of them.
The floor is `/robots.txt`, a plain TemplateView (no query): what Django costs here.
"""

import argparse
import http.client
import json
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/jissen_bench_pages"
DEFAULT_REDIS = "redis://127.0.0.1:6379/13"
SIZES = {"hosts": 500, "projects": 10_000, "students": 20_000, "entries": 100_000}
DEEP_PAGE = 400
# A client gives up after gunicorn's own worker timeout (30 s); the requests it dropped are
# still served (sync workers), so the next page waits until the access log is quiet.
TIMEOUT = 30
# Fewer completed requests than this in a run: its percentiles are flagged in the table.
FEW = 30
# The numbers (section 3): p95 limits in ms, queries per request.
INDEX_P95, PAGE_P95, ADMIN_P95 = 50, 100, 250
INDEX_FLOOR_SHARE, DEEP_FACTOR, INDEX_FIRST_MS = 0.40, 2.0, 100
QUERIES, ADMIN_QUERIES = 8, 10
# The memory run: a warm-up of MEMORY_WARMUP requests over every page that answers within
# MEMORY_PAGE_MS alone, then MEMORY_REQUESTS more; the workers' memory is read before and after.
MEMORY_REQUESTS, MEMORY_WARMUP, MEMORY_PAGE_MS = 10_000, 2_000, 150

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d,'
    .. ' "non_2xx_3xx": %d, "socket_errors": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per page (10)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per page (2)")
    parser.add_argument("--connections", type=int, default=10, help="concurrent clients (10)")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS", 2)))
    parser.add_argument("--driver", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--only", help="comma-separated page names to run (all by default)")
    parser.add_argument("--small", action="store_true", help="seed_scale --small (a quick try)")
    parser.add_argument(
        "--memory-requests",
        type=int,
        default=MEMORY_REQUESTS,
        help=f"requests of the memory run after the pages ({MEMORY_REQUESTS}; 0 skips it)",
    )
    parser.add_argument("--drive", help=argparse.SUPPRESS)  # the Python load process
    parser.add_argument("--cookie", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drive:
        print(json.dumps(drive(args.drive, args.duration, args.connections, args.cookie)))
        return 0

    db_url = os.environ.get("BENCH_PAGES_DATABASE_URL", DEFAULT_DB)
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS)
    cache = "redis" if _redis_answers(redis_url) else "locmem"
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": db_url,
        "DJANGO_SECRET_KEY": "bench-pages-not-a-secret-" + "x" * 40,
        "MFA_ENCRYPTION_KEYS": "YmVuY2gtcGFnZXMtbm90LWEta2V5LTAxMjM0NTY3ODk=",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "False",
        "REDIS_URL": redis_url if cache == "redis" else "",
        "EMAIL_URL": "smtp://127.0.0.1:9",  # nothing is sent by these GET requests
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    driver = args.driver
    if driver == "auto":
        driver = "wrk" if shutil.which("wrk") else "python"
    sizes = (
        {"hosts": 20, "projects": 200, "students": 400, "entries": 2_000} if args.small else SIZES
    )

    _ensure_database(db_url)
    _manage(env, "migrate", "--noinput", "-v", "0")
    _seed(env, db_url, sizes, small=args.small)
    _vacuum(db_url)
    _manage(env, "collectstatic", "--noinput", "-v", "0")

    import django

    django.setup()
    pages, data, sessions = _plan(sizes)
    if args.only:
        wanted = {"floor", *args.only.split(",")}
        pages = [p for p in pages if p["name"] in wanted]
    for page in pages:
        page.update(_count_queries(page, sessions))

    log = Path(tempfile.mkdtemp()) / "access.log"
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={args.workers}",
            f"--access-logfile={log}",
            "--error-logfile=-",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
    )
    results: dict[str, dict] = {}
    floors: list[dict] = []
    rss: dict[str, float] = {}
    memory: dict = {}
    load_start = os.getloadavg()
    try:
        base = f"http://127.0.0.1:{port}"
        if not _wait_ready(base + "/robots.txt", server):
            print("gunicorn did not start", file=sys.stderr)
            return 1
        order = [p for p in pages if p["name"] == "floor"]
        order += [p for p in pages if p["name"] != "floor"] + order
        previous = 0.0
        for page in order:
            if page.get("skip"):
                results[page["name"]] = {"status": page["skip"], "url": page["path"]}
                print(f"  {page['name']}: {page['skip']}", flush=True)
                continue
            url = base + page["path"]
            cookie = sessions.get(page.get("as"), "")
            # Quiet for longer than the slowest request just measured takes alone.
            _drain(log, quiet=max(1.0, 3 * previous))
            previous = page.get("alone_ms", 0) / 1000
            seen = _log_lines(log)
            _load(driver, url, args.warmup, args.connections, cookie)
            if not rss:
                rss["after_warmup_mb"] = _worker_rss_mb(server.pid)
            figures = _load(driver, url, args.duration, args.connections, cookie)
            statuses = Counter(_statuses(log, seen))
            figures.update(
                queries=page["queries"],
                alone_ms=page["alone_ms"],
                alone_sql_ms=page["alone_sql_ms"],
                cached_ms=page["cached_ms"],
                cached_queries=page["cached_queries"],
                bytes=page["bytes"],
                url=page["path"],
                statuses=dict(statuses),
                load1=round(os.getloadavg()[0], 2),
            )
            print(
                f"  {page['name']}: {figures['rps']} req/s, p95 {figures['p95_ms']} ms, "
                f"{figures['requests']} requests, {page['queries']} queries, "
                f"{figures['errors']} errors, "
                f"statuses {dict(statuses)}, load {figures['load1']}",
                flush=True,
            )
            if page["name"] == "floor":
                floors.append(figures)
            else:
                results[page["name"]] = figures
        rss["end_mb"] = _worker_rss_mb(server.pid)
        if args.memory_requests:
            _drain(log, quiet=1.0)
            memory = _memory_run(server.pid, base, pages, sessions, args)
    finally:
        server.terminate()
        server.wait(timeout=30)
        _drop_sessions(sessions)

    floor = _mean_floor(floors)
    for figures in results.values():
        if "rps" in figures and floor.get("rps"):
            figures["floor_ratio"] = round(figures["rps"] / floor["rps"], 3)
    targets = _targets(results)
    _print_table(results, floor, targets, data, driver, args)
    if memory:
        print(
            f"memory: {memory['requests']} requests over {len(memory['pages'])} pages; workers "
            f"{memory['rss_before_mb']} MB -> {memory['rss_after_mb']} MB "
            f"({memory['growth_mb']:+} MB, {memory['growth_pct']:+}%)"
        )
    out = ROOT / "bench" / "results.json"
    out.parent.mkdir(exist_ok=True)
    report = {
        "pages": results,
        "floor": floor,
        "data": data,
        "targets": targets,
        "server": {
            "gunicorn_workers": args.workers,
            "worker_class": "sync",
            "settings": "config.settings.production",
            "cache": cache,
            "worker_rss_mb": rss,
            "memory_run": memory,
            "requests_served": sum(
                sum(f.get("statuses", {}).values()) for f in [*results.values(), *floors]
            ),
        },
        "run": {
            "driver": driver,
            "connections": args.connections,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "cpus": os.cpu_count(),
            "load_average_start": [round(x, 2) for x in load_start],
            "load_average_end": [round(x, 2) for x in os.getloadavg()],
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
        },
    }
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwritten: {out.relative_to(ROOT)}")
    return 0


# ------------------------------------------------------------------------------------------
# The database and the data
# ------------------------------------------------------------------------------------------


def _ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def _manage(env: dict, *command: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *command], cwd=ROOT, env={**os.environ, **env}, check=True
    )


def _seed(env: dict, url: str, sizes: dict, *, small: bool) -> None:
    """seed_scale unless the database already holds scale data of these sizes."""
    import psycopg

    domain = "%@scale.jissen.jp"
    with psycopg.connect(url) as conn:
        q = lambda sql: conn.execute(sql, [domain]).fetchone()[0]  # noqa: E731
        present = {
            "hosts": q(
                "SELECT count(*) FROM projects_hostorganization WHERE contact_email LIKE %s"
            ),
            "projects": q(
                "SELECT count(*) FROM projects_project p JOIN projects_hostorganization o"
                " ON o.id = p.organization_id WHERE o.contact_email LIKE %s"
            ),
            "students": q(
                "SELECT count(*) FROM applicants_studentprofile s JOIN accounts_user u"
                " ON u.id = s.user_id WHERE u.email LIKE %s"
            ),
            "entries": q(
                "SELECT count(*) FROM applicants_application a JOIN accounts_user u"
                " ON u.id = a.student_id WHERE u.email LIKE %s"
            ),
        }
    if present == sizes:
        print(f"scale data present ({present}); reusing it", flush=True)
        return
    command = ["seed_scale", *(["--small"] if small else [])]
    if any(present.values()):
        command.append("--reset")
    print(f"seeding: manage.py {' '.join(command)} (present: {present})", flush=True)
    started = time.monotonic()
    _manage(env, *command)
    print(f"seeded in {time.monotonic() - started:.1f} s", flush=True)


def _vacuum(url: str) -> None:
    import psycopg

    started = time.monotonic()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    print(f"VACUUM ANALYZE in {time.monotonic() - started:.1f} s", flush=True)


def _plan(sizes: dict) -> tuple[list[dict], dict, dict]:
    """The pages to measure, the data sizes, and a session cookie per logged-in role."""
    from django.db.models import Count
    from django.urls import Resolver404, resolve

    from accounts.models import User
    from applicants.models import Application, ApplicationStatusChange, Interview
    from projects.models import HostOrganization, Project

    domain = "@scale.jissen.jp"
    public = Project.objects.filter(status__in=("published", "closed"))
    n_public = public.count()
    deep = min(DEEP_PAGE, max(1, math.ceil(n_public / 20)))
    detail = public.filter(status="published").order_by("-published_at", "-id").first()
    student = (
        User.objects.filter(email__startswith="student", email__endswith=domain)
        .annotate(n=Count("applications"))
        .order_by("-n", "id")
        .first()
    )
    busiest = (
        Project.objects.filter(organization__contact_email__endswith=domain)
        .annotate(n=Count("applications"))
        .order_by("-n", "id")
        .first()
    )
    host = User.objects.get(
        host_memberships__organization_id=busiest.organization_id, host_memberships__role="owner"
    )
    coordinator = User.objects.get(email=f"coordinator.sapporo.1{domain}")
    staff = User.objects.get(email=f"staff{domain}")
    for user in (coordinator, staff):
        _with_totp(user)
    sessions = {
        "student": _session_cookie(student),
        "host": _session_cookie(host),
        "coordinator": _session_cookie(coordinator),
        "staff": _session_cookie(staff),
    }
    q = quote("観光")
    pages = [
        {"name": "floor", "path": "/robots.txt"},
        {"name": "index", "path": "/projects/"},
        {"name": "index_filtered", "path": "/projects/?region=sapporo&theme=tourism&open=on"},
        {"name": "index_search_ja", "path": f"/projects/?q={q}"},
        {"name": f"index_page_{deep}", "path": f"/projects/?page={deep}"},
        {"name": "project_detail", "path": f"/projects/{detail.pk}/"},
        {"name": "my_page", "path": "/me/", "as": "student"},
        {"name": "host_entries", "path": f"/host/projects/{busiest.pk}/entries/", "as": "host"},
        {"name": "pipeline_board", "path": "/admin/pipeline/sapporo/", "as": "coordinator"},
        {"name": "pipeline_funnel", "path": "/admin/pipeline/sapporo/funnel/", "as": "coordinator"},
        {"name": "admin_entries", "path": "/admin/applicants/application/", "as": "staff"},
        {
            "name": "admin_entries_coordinator",
            "path": "/admin/applicants/application/",
            "as": "coordinator",
        },
    ]
    for page in pages:
        try:
            match = resolve(urlsplit(page["path"]).path)
        except Resolver404:
            page["skip"] = "n/a"
            continue
        if match.func.__name__ == "catch_all_view":
            page["skip"] = "n/a"  # the admin's catch-all: the page is not built yet
    data = {
        **sizes,
        "host_organizations": HostOrganization.objects.filter(
            contact_email__endswith=domain
        ).count(),
        "projects_total": Project.objects.count(),
        "public_projects": n_public,
        "entries_total": Application.objects.count(),
        "entry_status_changes": ApplicationStatusChange.objects.count(),
        "interviews": Interview.objects.count(),
        "users": User.objects.count(),
        "deep_page": deep,
        "my_page_student_entries": student.n,
        "host_entries_project_entries": busiest.n,
        "host_entries_project_id": busiest.pk,
    }
    return pages, data, sessions


def _with_totp(user) -> None:
    """Production requires staff and coordinators to give a second factor in their session
    before any page (accounts.middleware.TwoFactorMiddleware): give the bench's staff an
    authenticator, and their sessions the record of its code (`_session_cookie`), so their
    pages are measured with that check passing, as for a real coordinator."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from allauth.mfa.utils import is_mfa_enabled

    if not is_mfa_enabled(user):
        TOTP.activate(user, generate_totp_secret())


def _session_cookie(user) -> str:
    """A logged-in session for `user`, as the login view would store it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from accounts.two_factor import authentication_records

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    # What allauth's sign-in leaves in the session: the password, then the code.
    store.update(authentication_records(user=user, second_factor=True))
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def _drop_sessions(sessions: dict) -> None:
    from importlib import import_module

    from django.conf import settings

    engine = import_module(settings.SESSION_ENGINE)
    for cookie in sessions.values():
        engine.SessionStore(session_key=cookie.split("=", 1)[1]).delete()


def _count_queries(page: dict, sessions: dict) -> dict:
    """One request in-process, computed and then cached; marks pages that do not answer 200.

    The pages keep computed results in the cache (anonymous public pages whole, the board's
    and funnel's data, the entry lists' and big admin lists' HTML), so each page is measured
    twice: right after the caches are dropped
    (what the first visitor after a change waits for, and the queries the page makes) and
    again from the cache (what the load below mostly sees).
    """
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts import list_cache
    from applicants import cards
    from coordinators.selectors import invalidate_pipeline
    from projects.page_cache import invalidate_public_pages

    if page.get("skip"):
        return {}
    client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
    cookie = sessions.get(page.get("as"), "")
    if cookie:
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie.split("=", 1)[1]
    client.get(page["path"])  # imports, templates, connection

    def timed() -> tuple[float, list, object]:
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page["path"])
        # Read now: the next request's request_started signal clears the query log.
        return time.perf_counter() - started, list(captured.captured_queries), response

    runs = []
    for _ in range(3):  # the best of three: other processes share these two cores
        invalidate_public_pages()
        invalidate_pipeline()
        cards.drop_shared()  # in every entry list's key
        list_cache.invalidate()
        runs.append(timed())
    computed, queries, response = min(runs, key=lambda run: run[0])
    if response.status_code != 200:
        return {"skip": f"n/a (HTTP {response.status_code} in-process)"}
    cached = [timed() for _ in range(3)]
    cached_elapsed, cached_queries, _ = min(cached, key=lambda run: run[0])
    return {
        "queries": len(queries),
        # One request alone, in this process: where the time goes before any load.
        "alone_ms": round(1000 * computed, 1),
        "alone_sql_ms": round(1000 * sum(float(q["time"]) for q in queries), 1),
        "cached_ms": round(1000 * cached_elapsed, 1),
        "cached_queries": len(cached_queries),
        "bytes": len(response.content),
    }


# ------------------------------------------------------------------------------------------
# The server and the load
# ------------------------------------------------------------------------------------------


def _redis_answers(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(url: str, server: subprocess.Popen, seconds: float = 30) -> bool:
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.2)
    return False


def _load(driver: str, url: str, seconds: int, connections: int, cookie: str) -> dict:
    """One run of the load process against `url`; figures in requests/s and milliseconds."""
    if driver == "wrk":
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(WRK_SCRIPT)
        command = [
            "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{seconds}s",
            f"--timeout={TIMEOUT}s",
            f"-s{script.name}",
        ]
        if cookie:
            command += ["-H", f"Cookie: {cookie}"]
        out = subprocess.run(
            [*command, url],
            capture_output=True,
            text=True,
            timeout=seconds + TIMEOUT + 30,
            check=True,
        ).stdout
        os.unlink(script.name)
        raw = json.loads(next(line for line in out.splitlines() if line.startswith("BENCH "))[6:])
        done = raw["requests"]

        def ms(us: float) -> float | None:
            # No response within the run: no latency to report (not zero).
            return round(us / 1000, 1) if done else None

        return {
            "rps": round(done / (raw["duration_us"] / 1e6), 1),
            "p50_ms": ms(raw["p50_us"]),
            "p95_ms": ms(raw["p95_us"]),
            "p99_ms": ms(raw["p99_us"]),
            "requests": done,
            "errors": raw["non_2xx_3xx"] + raw["socket_errors"],
        }
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.perf.bench_pages",
            f"--drive={url}",
            f"--duration={seconds}",
            f"--connections={connections}",
            f"--cookie={cookie}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=seconds + TIMEOUT + 30,
        check=True,
    ).stdout
    return json.loads(out)


def drive(url: str, seconds: float, connections: int, cookie: str) -> dict:
    """The Python load process: `connections` threads, each a keep-alive HTTP client."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = {"Cookie": cookie} if cookie else {}
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    errors = Counter()
    lock = threading.Lock()

    def client() -> None:
        mine, conn = [], None
        while time.monotonic() < deadline:
            if conn is None:
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT)
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                errors["socket"] += 1
                conn.close()
                conn = None
                continue
            mine.append(time.perf_counter() - started)
            if response.status >= 400:
                errors["status"] += 1
            if response.will_close:
                conn.close()
                conn = None
        with lock:
            latencies.extend(mine)

    began = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    latencies.sort()

    def pct(q: float) -> float | None:
        if not latencies:
            return None
        return round(1000 * latencies[min(len(latencies) - 1, round(q * (len(latencies) - 1)))], 1)

    return {
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "requests": len(latencies),
        "errors": sum(errors.values()),
    }


def _memory_run(master: int, base: str, pages: list[dict], sessions: dict, args) -> dict:
    """Does the web process's memory grow over MEMORY_REQUESTS requests (issue 7)?

    Every page that answers within MEMORY_PAGE_MS alone takes its turn, round robin, from
    `args.connections` keep-alive clients. A warm-up first fills what a worker fills once
    (imports, template and URL caches, the connection); the growth is what the next
    `args.memory_requests` add. gunicorn's max_requests is not set, so no worker is recycled
    in between (the worker pids are compared to be sure).
    """
    mix = [
        (p["path"], sessions.get(p.get("as"), ""))
        for p in pages
        if not p.get("skip") and p.get("alone_ms", 0) <= MEMORY_PAGE_MS
    ]
    _count_requests(base, mix, MEMORY_WARMUP, args.connections)
    pids_before, before = _worker_pids(master), _worker_rss_mb(master)
    started = time.monotonic()
    served = _count_requests(base, mix, args.memory_requests, args.connections)
    seconds = round(time.monotonic() - started, 1)
    pids_after, after = _worker_pids(master), _worker_rss_mb(master)
    return {
        "pages": [path for path, _ in mix],
        "warmup_requests": MEMORY_WARMUP,
        "requests": served["requests"],
        "errors": served["errors"],
        "seconds": seconds,
        "rss_before_mb": before,
        "rss_after_mb": after,
        "growth_mb": round(after - before, 1),
        "growth_pct": round(100 * (after - before) / before, 1) if before else None,
        "same_workers": pids_before == pids_after,
    }


def _count_requests(base: str, mix: list[tuple[str, str]], total: int, connections: int) -> dict:
    """Send `total` GET requests, the mix's pages in turn, from `connections` threads."""
    parts = urlsplit(base)
    counter = iter(range(total))
    lock = threading.Lock()
    tally = Counter()

    def client() -> None:
        conn = None
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                break
            path, cookie = mix[n % len(mix)]
            if conn is None:
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT)
            try:
                conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = None
                with lock:
                    tally["errors"] += 1
                continue
            with lock:
                tally["requests"] += 1
                tally["errors"] += response.status >= 400
            if response.will_close:
                conn.close()
                conn = None

    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"requests": tally["requests"], "errors": tally["errors"]}


def _worker_pids(master: int) -> set[int]:
    pids = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                pids.add(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return pids


def _drain(log: Path, quiet: float = 1.0, limit: float = 180) -> None:
    """Wait until the server has finished what earlier clients left queued."""
    deadline, last, since = time.monotonic() + limit, -1, time.monotonic()
    while time.monotonic() < deadline:
        lines = _log_lines(log)
        if lines != last:
            last, since = lines, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.2)


def _log_lines(log: Path) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0


def _statuses(log: Path, skip: int) -> list[str]:
    """HTTP statuses in the access log after line `skip` (gunicorn's default format)."""
    statuses = []
    for line in log.read_text().splitlines()[skip:]:
        try:
            statuses.append(line.split('" ', 1)[1].split()[0])
        except IndexError:
            continue
    return statuses


def _worker_rss_mb(master: int) -> float:
    """Resident memory of gunicorn's workers (the children of the master), in MB."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == master:
                status = (stat.parent / "status").read_text()
                rss = next(line for line in status.splitlines() if line.startswith("VmRSS"))
                total += int(rss.split()[1])
        except (OSError, IndexError, StopIteration, ValueError):
            continue
    return round(total / 1024, 1)


# ------------------------------------------------------------------------------------------
# Report
# ------------------------------------------------------------------------------------------


def _mean_floor(runs: list[dict]) -> dict:
    if not runs:
        return {}
    keys = ("rps", "p50_ms", "p95_ms", "p99_ms")
    floor = {k: round(sum(r[k] for r in runs) / len(runs), 1) for k in keys}
    floor.update(
        queries=runs[0]["queries"], url=runs[0]["url"], alone_ms=runs[0]["alone_ms"], runs=runs
    )
    return floor


def _targets(results: dict) -> list[dict]:
    """The issue's numbers, page by page: what was asked, what was measured, met or not."""
    targets = []

    def check(page: str, what: str, value, limit, ok: bool) -> None:
        if value is None:
            value, ok = "no response in the run", False
        targets.append({"page": page, "target": what, "value": value, "limit": limit, "met": ok})

    index = results.get("index", {})
    deep = next((k for k in results if k.startswith("index_page_")), None)
    for name, figures in results.items():
        if "rps" not in figures:
            continue
        admin = name.startswith("admin_")  # the changelists: p95 250 ms
        in_admin = admin or name.startswith("pipeline_")  # board and funnel: 10 queries
        if name.startswith("index"):
            p95 = figures["p95_ms"]
            check(name, "p95 ms", p95, INDEX_P95, p95 is not None and p95 <= INDEX_P95)
            ratio = figures.get("floor_ratio", 0)
            check(name, "share of floor", ratio, INDEX_FLOOR_SHARE, ratio >= INDEX_FLOOR_SHARE)
            first = figures.get("alone_ms")
            ok = first is not None and first <= INDEX_FIRST_MS
            check(name, "first (uncached) request ms", first, INDEX_FIRST_MS, ok)
        else:
            limit = ADMIN_P95 if admin else PAGE_P95
            p95 = figures["p95_ms"]
            check(name, "p95 ms", p95, limit, p95 is not None and p95 <= limit)
        limit = ADMIN_QUERIES if in_admin else QUERIES
        check(name, "queries", figures["queries"], limit, figures["queries"] <= limit)
    if deep and results[deep].get("rps") and index.get("rps"):
        factor = round(index["rps"] / results[deep]["rps"], 2)
        check(deep, "cost vs page 1 (rps ratio)", factor, DEEP_FACTOR, factor <= DEEP_FACTOR)
    return targets


def _print_table(results, floor, targets, data, driver, args) -> None:
    print()
    print(
        f"{data['projects_total']} projects ({data['public_projects']} public), "
        f"{data['users']} users, {data['entries_total']} entries; gunicorn {args.workers} sync "
        f"workers, {driver}, {args.connections} clients, {args.duration} s per page"
    )
    print()
    print(
        "| page | req/s | p50 ms | p95 ms | p99 ms | queries | × floor | errors "
        "| computed alone ms | cached alone ms |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    row = "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |"
    print(
        row.format(
            "floor (/robots.txt)",
            floor.get("rps"),
            floor.get("p50_ms"),
            floor.get("p95_ms"),
            floor.get("p99_ms"),
            floor.get("queries"),
            "1.00",
            sum(r["errors"] for r in floor.get("runs", [])),
            floor.get("alone_ms", "–"),
            "–",
        )
    )
    for name, f in results.items():
        if "rps" not in f:
            print(row.format(name, *(["n/a"] * 9)))
            continue
        ratio = f"{f['floor_ratio']:.2f}" if "floor_ratio" in f else "?"
        if f["requests"] < FEW:
            name = f"{name} (only {f['requests']} requests)"
        late = f"> {1000 * args.duration}"  # nothing came back within the run
        p50, p95, p99 = (late if v is None else v for v in (f["p50_ms"], f["p95_ms"], f["p99_ms"]))
        print(
            row.format(
                name,
                f["rps"],
                p50,
                p95,
                p99,
                f["queries"],
                ratio,
                f["errors"],
                f.get("alone_ms"),
                f.get("cached_ms"),
            )
        )
    missed = [t for t in targets if not t["met"]]
    print()
    print(f"targets met: {len(targets) - len(missed)} of {len(targets)}")
    for t in missed:
        print(f"  missed: {t['page']} {t['target']} = {t['value']} (limit {t['limit']})")


if __name__ == "__main__":
    raise SystemExit(main())
