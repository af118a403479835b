"""`manage.py run_periodic`: Celery beat's schedule run in-process, for the embedded default."""

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from celery import Celery
from celery.schedules import BaseSchedule, maybe_schedule, schedule
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from config.celery_app import app as celery_app

logger = logging.getLogger(__name__)

# The longest sleep between two looks at the schedule, as celery beat's default scheduler.
MAX_WAIT_SECONDS = 300.0


@dataclass
class Entry:
    """One line of CELERY_BEAT_SCHEDULE and when it last ran."""

    name: str
    task: str
    schedule: BaseSchedule
    last_run_at: datetime
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)


class PeriodicRunner:
    """Runs the entries of a beat schedule that are due, one tick at a time.

    The tasks are found by their registered names in the Celery app, so this module imports
    none of the apps that define them. An interval entry (a number of seconds) runs at the
    first tick and then every interval; a crontab entry waits for its next time. A task that
    fails is logged and the others still run. The clock is the app's (`app.now()`).
    """

    def __init__(
        self,
        beat_schedule: dict,
        *,
        app: Celery,
        run: Callable[[Entry], None] | None = None,
    ):
        self.app = app
        self.run = run or self.run_task
        now = app.now()
        self.entries = []
        for name, spec in beat_schedule.items():
            when = maybe_schedule(spec["schedule"], app=app)
            interval = type(when) is schedule
            self.entries.append(
                Entry(
                    name=name,
                    task=spec["task"],
                    schedule=when,
                    last_run_at=now - when.run_every if interval else now,
                    args=tuple(spec.get("args", ())),
                    kwargs=dict(spec.get("kwargs", {})),
                )
            )

    def tick(self) -> float:
        """Run every due entry once; returns the seconds until the next one is due."""
        waits = [MAX_WAIT_SECONDS]
        for entry in self.entries:
            due, next_in = entry.schedule.is_due(entry.last_run_at)
            if due:
                entry.last_run_at = self.app.now()
                try:
                    self.run(entry)
                except Exception:
                    logger.exception("periodic task %s (%s) failed", entry.name, entry.task)
            waits.append(next_in)
        return max(0.0, min(waits))

    def run_task(self, entry: Entry) -> None:
        """Run the entry's task here and now, whatever the broker (raises what the task raises)."""
        task = self.app.tasks.get(entry.task)
        if task is None:
            raise LookupError(f"no task registered as {entry.task!r}")
        logger.debug("running periodic task %s (%s)", entry.name, entry.task)
        task.apply(args=entry.args, kwargs=entry.kwargs, throw=True)


class Command(BaseCommand):
    help = (
        "Run the periodic tasks of CELERY_BEAT_SCHEDULE in this process at their intervals "
        "(scheduled publication, reminders, the outbox sweeper) where no celery beat runs: "
        "the embedded default, with Celery eager. `make run` starts it next to runserver."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once",
            action="store_true",
            help="Run what is due now (every interval task), then stop.",
        )

    def handle(self, *args, once=False, verbosity=1, **options):
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            raise CommandError(
                "Celery is not eager here (REDIS_URL is set): run `celery -A config beat` and a "
                "worker instead of this command."
            )
        if verbosity < 2:
            # Eager runs log every task's success at INFO; a failure still shows.
            logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
        # What a worker does at start: import every app's tasks module, registering its tasks.
        celery_app.loader.import_default_modules()
        runner = PeriodicRunner(settings.CELERY_BEAT_SCHEDULE, app=celery_app)
        if once:
            runner.tick()
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_args: stop.set())
        self.stdout.write(
            f"Periodic tasks: {len(runner.entries)} scheduled, run in this process "
            "(stop with Ctrl-C)."
        )
        try:
            while not stop.is_set():
                wait = runner.tick()
                # As a worker between tasks: no connection kept past its age or once broken.
                close_old_connections()
                stop.wait(wait)
        except KeyboardInterrupt:
            pass
