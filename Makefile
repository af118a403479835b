# The two commands a newcomer runs: `make run` and `make test`.
# Needs only Python 3.12 and make; uv is installed into .tools/ with pip when missing.

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.12 || command -v python3)
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
export UV_PYTHON_DOWNLOADS := never
# Trust the platform's certificate store too (a company proxy's CA, as on CI machines).
export UV_SYSTEM_CERTS := 1
export UV_PYTHON := $(PYTHON)
MANAGE := .venv/bin/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist workers for `make test` (one per core; `make test TEST_WORKERS=0` runs in one process)
TEST_WORKERS ?= auto

.PHONY: run test setup lint format messages seed clean bench-notifications

run: setup ## Set up, migrate, seed the demo data and serve http://127.0.0.1:8000
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	@echo "Serving http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/)"
	@# The periodic tasks (scheduled publication, reminders, the outbox sweeper) run next to
	@# the server, as celery beat would, and stop with it.
	@$(MANAGE) run_periodic & periodic=$$!; \
	trap 'kill $$periodic 2>/dev/null; wait $$periodic 2>/dev/null' EXIT; \
	trap 'exit 130' INT; trap 'exit 143' TERM; \
	$(MANAGE) runserver $(HOST):$(PORT)

test: setup ## Set up and run the whole suite (browser journeys included)
	scripts/ensure-browser
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run
	.venv/bin/pytest -n $(TEST_WORKERS) --dist worksteal --durations=15 $(PYTEST_ARGS)

setup: .venv/.synced

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet uv

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: setup
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

messages: setup ## Extract strings into locale/ja (needs GNU gettext) and compile them
	$(MANAGE) makemessages -l ja --no-obsolete --add-location file
	$(MANAGE) compilemessages -l ja

seed: setup
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo

clean:
	rm -rf .venv .tools db.sqlite3 staticfiles .pytest-media

bench-notifications: setup ## N notifications through one worker (2 processes) into a local SMTP sink
	.venv/bin/python -m tests.perf.bench_notifications -n $${N:-3000}

# ------------------------------------------------------------------------------
# Backups, faults and load (tests/perf; loopback only, each stops by itself; docs/deployment.md)
# ------------------------------------------------------------------------------
.PHONY: backup-check fault-redis fault-postgres load

backup-check: setup ## Seed scale data, dump it (scripts/backup.sh), restore it into an empty database, compare row counts
	.venv/bin/python -m tests.perf.check_backup_restore

fault-redis: setup ## Stop Redis during 500 entries; every entry saved, every notification sent once after it returns
	.venv/bin/python -m tests.perf.fault_redis_down

fault-postgres: setup ## Restart PostgreSQL under load; gunicorn recovers by itself
	.venv/bin/python -m tests.perf.fault_postgres_restart

load: setup ## 50 users for 5 minutes across the journeys (DURATION=60 for a short run)
	.venv/bin/python -m tests.perf.load_journeys --users $${USERS:-50} --duration $${DURATION:-300}

.PHONY: bench

bench: setup ## Pages of issue 7 at scale: gunicorn (production settings) on PostgreSQL, 10 clients, 10 s each
	.venv/bin/python -m tests.perf.bench_pages --duration $${DURATION:-10}

.PHONY: bench-day

bench-day: setup ## A busy day: 490 people, writes between reads, offered rate stepped up to the knee (bench/day.json)
	.venv/bin/python -m tests.perf.bench_day $(BENCH_DAY_ARGS)
