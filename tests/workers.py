"""Start a real Celery worker process on the test database (for tests marked `services`)."""

import os
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def database_url() -> str:
    """The URL of the database the tests use right now (pytest-django's test database)."""
    db = connection.settings_dict
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{db['USER']}@{host}:{port}/{db['NAME']}"


def start_worker(
    log: Path,
    *,
    pool: str = "solo",
    concurrency: int = 1,
    email_url: str = "",
    settings_module: str = "config.settings.test",
    db_url: str | None = None,
    loglevel: str = "INFO",
) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DATABASE_URL": db_url or database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "False",
    }
    if email_url:
        env["EMAIL_URL"] = email_url
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        f"--pool={pool}",
        f"--loglevel={loglevel}",
        f"--hostname=test-{time.monotonic_ns()}@%h",
    ]
    if pool == "prefork":
        command.append(f"--concurrency={concurrency}")
    with log.open("a") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_for(predicate, seconds: float = 30, step: float = 0.2) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False
