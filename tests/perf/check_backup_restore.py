"""Backup check: dump the scale data with scripts/backup.sh, restore it into an empty database.

    make backup-check       # or: .venv/bin/python -m tests.perf.check_backup_restore

1. Recreates the database `jissen_backup_src`, migrates it and fills it with
   `seed_scale --small` (or `seed_demo` where seed_scale does not exist).
2. `scripts/backup.sh` dumps it (pg_dump, custom format) into a temporary folder.
3. Recreates `jissen_backup_dst` empty and `scripts/restore.sh` restores the dump into it.
4. Counts the rows of every table of the public schema in both and prints them side by side.

Exits 1 when any table differs (or is missing), 0 when all match. Needs PostgreSQL with
pg_dump/pg_restore/psql on PATH (BACKUP_CHECK_SERVER_URL, default this machine's, trust auth).
`--keep` leaves both databases for a look; by default they are dropped at the end.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep both databases afterwards")
    parser.add_argument(
        "--seed-args",
        default="--small",
        help="arguments for seed_scale (default: --small)",
    )
    args = parser.parse_args()

    server = os.environ.get("BACKUP_CHECK_SERVER_URL", "postgres://postgres@127.0.0.1:5432")
    src, dst = f"{server}/jissen_backup_src", f"{server}/jissen_backup_dst"
    print(_tool_versions())

    started = time.monotonic()
    _recreate(server, "jissen_backup_src")
    _manage(src, "migrate", "--noinput", "-v", "0")
    seed = _seed_command(args.seed_args)
    print(f"seeding jissen_backup_src: manage.py {' '.join(seed)}")
    _manage(src, *seed)
    seeded = time.monotonic() - started

    try:
        with tempfile.TemporaryDirectory(prefix="jissen-backup-") as folder:
            t0 = time.monotonic()
            dump = _run(["scripts/backup.sh", folder], env={"DATABASE_URL": src}).strip()
            dumped = time.monotonic() - t0
            size = Path(dump).stat().st_size
            print(f"dumped to {Path(dump).name}: {size / 1024:.0f} KiB in {dumped:.1f} s")

            _recreate(server, "jissen_backup_dst")
            t0 = time.monotonic()
            print(_run(["scripts/restore.sh", dump, dst]).strip())
            restored = time.monotonic() - t0
            print(f"restored in {restored:.1f} s (seeding took {seeded:.1f} s)")

            # A second restore into the now full database must be refused.
            refused = subprocess.run(
                ["scripts/restore.sh", dump, dst], cwd=ROOT, capture_output=True, text=True
            )
            refused_ok = refused.returncode != 0
            print(
                "restore into a non-empty database: "
                + ("refused (as it should)" if refused_ok else "NOT refused")
            )

        before, after = _counts(src), _counts(dst)
        ok = _report(before, after) and refused_ok
    finally:
        if not args.keep:
            _drop(server, "jissen_backup_src")
            _drop(server, "jissen_backup_dst")
    print("RESULT:", "all row counts match" if ok else "MISMATCH")
    return 0 if ok else 1


def _seed_command(seed_args: str) -> list[str]:
    """seed_scale with its arguments when the command exists, else seed_demo."""
    found = subprocess.run(
        [PYTHON, "manage.py", "help", "seed_scale"],
        cwd=ROOT,
        capture_output=True,
        env=_env(),
    )
    if found.returncode == 0:
        return ["seed_scale", *seed_args.split()]
    print("seed_scale is not there: seeding with seed_demo instead")
    return ["seed_demo"]


def _report(before: dict[str, int], after: dict[str, int]) -> bool:
    tables = sorted(set(before) | set(after))
    width = max(len(t) for t in tables)
    print()
    print(f"| {'table':<{width}} | {'source':>8} | {'restored':>8} |   |")
    print(f"|{'-' * (width + 2)}|---------:|---------:|---|")
    mismatches = 0
    for table in tables:
        a, b = before.get(table), after.get(table)
        same = a == b
        mismatches += not same
        a_text = "missing" if a is None else str(a)
        b_text = "missing" if b is None else str(b)
        print(f"| {table:<{width}} | {a_text:>8} | {b_text:>8} | {'✓' if same else '✗'} |")
    total_a, total_b = sum(before.values()), sum(after.values())
    label = f"total ({len(tables)} tables)"
    print(f"| {label:<{width}} | {total_a:>8} | {total_b:>8} |   |")
    print()
    if mismatches:
        print(f"{mismatches} table(s) differ")
    return mismatches == 0 and total_a > 0


def _counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {
            table: conn.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier("public", table))
            ).fetchone()[0]
            for table in tables
        }


def _recreate(server: str, name: str) -> None:
    _drop(server, name)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _drop(server: str, name: str) -> None:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def _env(database_url: str | None = None) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "False",
        # Seeding runs its tasks eagerly and sends no mail (no broker, no SMTP needed).
        "REDIS_URL": "",
        "EMAIL_URL": "",
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _manage(database_url: str, *args: str) -> None:
    subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=_env(database_url),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _run(command: list[str], env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"{command[0]} failed with exit code {done.returncode}")
    return done.stdout


def _tool_versions() -> str:
    versions = [
        subprocess.run([tool, "--version"], capture_output=True, text=True).stdout.strip()
        for tool in ("pg_dump", "pg_restore")
    ]
    return "; ".join(versions)


if __name__ == "__main__":
    raise SystemExit(main())
