"""Fault: PostgreSQL restarted under load; the platform recovers without a restart of its own.

    make fault-postgres     # or: .venv/bin/python -m tests.perf.fault_postgres_restart

What it does, on this machine only (loopback):

1. Recreates the database `jissen_fault`, migrates it and fills it with `seed_scale --small`.
2. Starts gunicorn with the production settings (3 sync workers, persistent connections with
   health checks as configured: CONN_MAX_AGE 60, CONN_HEALTH_CHECKS) — see
   tests/perf/load_journeys.py, `Platform`.
3. Runs a load from 8 threads: the project index (with pages and filters), project pages and
   /healthz, without pause, each request recorded with its time and status.
4. After a calm phase, restarts PostgreSQL: `pg_ctlcluster --skip-systemctl-redirect 15 main
   restart` (this ends every connection to the server, other users' too).
5. Keeps the load on for a recovery window, then stops.

Checks (exit 1 when one fails): gunicorn's master and its workers are the same processes as
before; requests succeed again within `--recover-within` seconds (default 10) after the
restart command returned; no request fails in the last `--quiet-tail` seconds (default 10);
no request failed before the restart. Prints the errors during the outage, per second.
"""

import argparse
import os
import random
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.perf.load_journeys import Browser, Platform  # noqa: E402

PYTHON = sys.executable
SERVER = os.environ.get("FAULT_SERVER_URL", "postgres://postgres@127.0.0.1:5432")
DB_URL = f"{SERVER}/jissen_fault"
RESTART = ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "restart"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--calm", type=float, default=10, help="seconds of load before")
    parser.add_argument("--after", type=float, default=30, help="seconds of load after")
    parser.add_argument("--recover-within", type=float, default=10)
    parser.add_argument("--quiet-tail", type=float, default=10)
    args = parser.parse_args()

    _prepare()
    with psycopg.connect(DB_URL) as conn:
        projects = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM projects_project WHERE status IN ('published', 'closed')"
            )
        ]
    records: list[tuple[float, str, int, str]] = []  # (seconds since start, route, status, error)
    stop = threading.Event()

    with Platform(
        database_url=DB_URL,
        redis_url=os.environ.get("FAULT_REDIS_URL", "redis://127.0.0.1:6379/13"),
        workers=3,
    ) as platform:
        master = platform.web.pid
        workers_before = platform.web_worker_pids()
        step(f"gunicorn {master} (workers {sorted(workers_before)}) on {platform.base}")
        t0 = time.monotonic()

        def load(number: int) -> None:
            rng = random.Random(number)
            browser = Browser(platform.base, timeout=15)
            while not stop.is_set():
                choice = rng.random()
                if choice < 0.25:
                    route, path = "GET /healthz", "/healthz"
                elif choice < 0.6:
                    route, path = "GET /projects/", f"/projects/?page={rng.randint(1, 8)}"
                elif choice < 0.75:
                    route, path = "GET /projects/?filters", "/projects/?open=on&sort=deadline"
                else:
                    route, path = "GET /projects/<pk>/", f"/projects/{rng.choice(projects)}/"
                result = browser.request("GET", path)
                records.append((time.monotonic() - t0, route, result.status, result.error[:80]))
                if result.status == 0 or result.status >= 500:
                    time.sleep(0.05)  # a real client backs off a little after an error

        threads = [
            threading.Thread(target=load, args=(n,), daemon=True) for n in range(args.threads)
        ]
        for thread in threads:
            thread.start()
        time.sleep(args.calm)
        before = list(records)
        step(f"calm phase: {len(before)} requests, {sum(_failed(r) for r in before)} failed")

        step("restarting PostgreSQL: " + " ".join(RESTART))
        restart_at = time.monotonic() - t0
        done = subprocess.run(RESTART, capture_output=True, text=True)
        restarted_at = time.monotonic() - t0
        step(
            f"restart command returned {done.returncode} after {restarted_at - restart_at:.1f} s"
            + (f": {done.stderr.strip()}" if done.returncode else "")
        )
        time.sleep(args.after)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        end = time.monotonic() - t0
        workers_after = platform.web_worker_pids()
        master_alive = platform.web.poll() is None
        problems = platform.log_problems()

    return _report(
        args,
        records,
        restart_at=restart_at,
        restarted_at=restarted_at,
        end=end,
        restart_ok=done.returncode == 0,
        same_workers=workers_before == workers_after,
        master_alive=master_alive,
        problems=problems,
    )


def _failed(record) -> bool:
    return record[2] == 0 or record[2] >= 400


def _report(
    args,
    records,
    *,
    restart_at,
    restarted_at,
    end,
    restart_ok,
    same_workers,
    master_alive,
    problems,
) -> int:
    records = sorted(records)
    before = [r for r in records if r[0] < restart_at]
    after = [r for r in records if r[0] >= restart_at]
    failures = [r for r in after if _failed(r)]
    # The first moment after the restart returned from which every request succeeded.
    last_failure = max((r[0] for r in failures), default=restart_at)
    recovered_after = max(0.0, last_failure - restarted_at)
    tail = [r for r in records if r[0] >= end - args.quiet_tail]
    print()
    print(f"requests: {len(records)} in {end:.0f} s ({len(records) / end:.0f}/s)")
    print(f"  before the restart: {len(before)}, failed {sum(_failed(r) for r in before)}")
    print(f"  from the restart on: {len(after)}, failed {len(failures)}")
    if failures:
        first = min(r[0] for r in failures)
        print(
            f"  errors from {first - restart_at:+.1f} s to {last_failure - restart_at:+.1f} s "
            f"after the restart began (the command took {restarted_at - restart_at:.1f} s)"
        )
        kinds = Counter((r[1], r[2], r[3]) for r in failures)
        for (route, status, error), n in kinds.most_common(10):
            print(f"    {n:>5} × {route} → {status or 'no answer'} {error}")
        per_second: dict[int, Counter] = defaultdict(Counter)
        for r in after:
            per_second[int(r[0] - restart_at)]["failed" if _failed(r) else "ok"] += 1
        print("  per second from the restart (ok/failed):")
        print(
            "    "
            + "  ".join(
                f"{s:+d}s {c['ok']}/{c['failed']}"
                for s, c in sorted(per_second.items())
                if s <= recovered_after + restarted_at - restart_at + 2
            )
        )
    print(f"  last {args.quiet_tail:.0f} s: {len(tail)} requests, {sum(map(_failed, tail))} failed")
    print(f"recovered (every request succeeds) {recovered_after:.1f} s after the restart returned")
    print(f"gunicorn master alive: {master_alive}; same worker processes: {same_workers}")
    if problems:
        print(
            f"gunicorn log: {len(problems)} problem lines (errors logged for the failed requests)"
        )
    ok = (
        restart_ok
        and master_alive
        and same_workers
        and not any(_failed(r) for r in before)
        and recovered_after <= args.recover_within
        and not any(_failed(r) for r in tail)
        and len(tail) > 0
    )
    print("RESULT:", "recovered without a restart of gunicorn" if ok else "FAILED")
    return 0 if ok else 1


def _prepare() -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute('DROP DATABASE IF EXISTS "jissen_fault" WITH (FORCE)')
        conn.execute('CREATE DATABASE "jissen_fault"')
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "False",
        "DATABASE_URL": DB_URL,
        "REDIS_URL": "",
        "EMAIL_URL": "",
    }
    step("migrating and seeding jissen_fault (seed_scale --small)")
    for command in (["migrate", "--noinput", "-v", "0"], ["seed_scale", "--small"]):
        subprocess.run(
            [PYTHON, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )


T0 = time.monotonic()


def step(message: str) -> None:
    print(f"[{time.monotonic() - T0:6.1f}s] {message}", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
