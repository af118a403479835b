"""Benchmark: N notifications through one Celery worker into a local SMTP sink.

    make bench-notifications       # or: .venv/bin/python -m tests.perf.bench_notifications -n 3000

The events are written first (outbox rows and queued tasks, as a burst of activity would),
then one worker starts and delivers them: its rate is the figure. The time to write them is
printed beside it.

Needs PostgreSQL and Redis (BENCH_DATABASE_URL, BENCH_REDIS_URL; defaults are this machine's).
Prints notifications per second and how many were lost or duplicated.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--count", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes (prefork)")
    args = parser.parse_args()

    default_db = "postgres://postgres@127.0.0.1:5432/jissen_bench"
    db_url = os.environ.get("BENCH_DATABASE_URL", default_db)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=db_url,
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
        CELERY_TASK_ALWAYS_EAGER="False",
        DJANGO_DEBUG="False",
    )
    sys.path.insert(0, str(ROOT))
    _ensure_database(db_url)

    import django

    django.setup()
    import logging

    import redis
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction

    from accounts.models import User
    from notifications.models import Notification
    from notifications.services import Recipient, notify
    from tests.smtp_sink import CountingHandler, start_sink
    from tests.workers import start_worker, wait_for

    call_command("migrate", verbosity=0)
    Notification.objects.filter(event="bench").delete()
    Notification.objects.filter(idempotency_key__startswith="bench:").delete()
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    users = [
        User.objects.get_or_create(email=f"bench{i}@example.jp", defaults={"name": f"計測 {i}"})[0]
        for i in range(20)
    ]
    # The sink runs in this process, on the worker's cores: its INFO line for every SMTP
    # command (aiosmtpd's "mail.log", at the root logger's level) is the harness's cost, not
    # the delivery's.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    handler = CountingHandler()
    sink = start_sink(handler)
    log = Path(tempfile.mkdtemp()) / "worker.log"
    run = time.time_ns()
    started = time.monotonic()
    for batch in range(0, args.count, 100):
        with transaction.atomic():
            for i in range(batch, min(batch + 100, args.count)):
                notify(
                    event="project_published",
                    recipients=[Recipient.of(users[i % len(users)])],
                    context={"project_id": i, "title": f"計測用プロジェクト {i}"},
                    dedupe_key=f"bench:{run}:{i}",
                    in_app=False,
                )
    enqueued = time.monotonic() - started
    worker = start_worker(
        log,
        pool="prefork",
        concurrency=args.concurrency,
        email_url=f"smtp://127.0.0.1:{sink.port}",
        settings_module="config.settings.local",
        db_url=db_url,
        loglevel="WARNING",
    )
    try:
        # The clock starts when the first email arrives (the worker has booted).
        if not wait_for(lambda: handler.accepted > 0, 60, step=0.01):
            print(log.read_text())
            return 1
        started = time.monotonic()
        first = handler.accepted
        done = wait_for(lambda: handler.accepted >= args.count, 600, step=0.05)
        elapsed = time.monotonic() - started
        rate = (args.count - first) / elapsed if elapsed else 0.0
        wait_for(lambda: False, 2)  # let late duplicates, if any, arrive
        delivered = len([k for k in handler.keys if k.startswith(f"bench:{run}:")])
        result = {
            "notifications": args.count,
            "worker_processes": args.concurrency,
            "seconds": round(elapsed, 2),
            "enqueue_seconds": round(enqueued, 2),
            "per_second": round(rate, 1),
            "lost": args.count - delivered,
            "duplicated": handler.duplicates(),
            "completed": done,
        }
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        sink.stop()
    columns = {
        "notifications": "notifications",
        "worker processes": "worker_processes",
        "written in s": "enqueue_seconds",
        "delivered in s": "seconds",
        "per second": "per_second",
        "lost": "lost",
        "duplicated": "duplicated",
    }
    print()
    print("| " + " | ".join(columns) + " |")
    print("|" + "---:|" * len(columns))
    print("| " + " | ".join(str(result[key]) for key in columns.values()) + " |")
    out = ROOT / "bench" / "notifications.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    return 0 if result["lost"] == 0 and result["duplicated"] == 0 else 1


def _ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    raise SystemExit(main())
