"""`manage.py run_periodic`: the beat schedule run in-process where no celery beat runs."""

import datetime as dt
import logging
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from config.celery_app import app
from programs.management.commands.run_periodic import MAX_WAIT_SECONDS, PeriodicRunner
from projects import services
from projects.models import Project
from tests.flow import project_in

JST = ZoneInfo("Asia/Tokyo")
START = dt.datetime(2027, 4, 5, 8, 58, 0, tzinfo=JST)  # a Monday, two minutes before 9:00

SCHEDULE = {
    "every-minute": {"task": "demo.every_minute", "schedule": 60.0},
    "every-five-minutes": {"task": "demo.every_five", "schedule": dt.timedelta(minutes=5)},
    "nine-oclock": {"task": "demo.nine", "schedule": crontab(hour=9, minute=0)},
}


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def recording_runner(schedule=SCHEDULE, fail=()):
    ran: list[str] = []

    def run(entry):
        ran.append(entry.name)
        if entry.name in fail:
            raise RuntimeError(f"{entry.name} broke")

    return PeriodicRunner(schedule, app=app, run=run), ran


def test_first_tick_runs_the_interval_tasks_not_the_crontab_ones(clock):
    runner, ran = recording_runner()
    wait = runner.tick()
    assert ran == ["every-minute", "every-five-minutes"]
    assert wait == pytest.approx(60)


def test_ticks_respect_each_interval(clock):
    runner, ran = recording_runner()
    runner.tick()
    ran.clear()

    clock.shift(30)
    assert runner.tick() == pytest.approx(30)  # nothing due; the minute task in 30 s
    assert ran == []

    clock.shift(30)
    runner.tick()
    assert ran == ["every-minute"]
    ran.clear()

    clock.shift(59)
    runner.tick()
    assert ran == []

    clock.shift(1)  # 9:00: the crontab's time, and the minute task again
    runner.tick()
    assert sorted(ran) == ["every-minute", "nine-oclock"]
    ran.clear()

    clock.shift(3 * 60)  # 9:03, five minutes after the start
    runner.tick()
    assert ran == ["every-minute", "every-five-minutes"]


def test_a_late_tick_runs_a_task_once_not_once_per_missed_interval(clock):
    runner, ran = recording_runner()
    runner.tick()
    ran.clear()
    clock.shift(10 * 60)  # the machine slept
    runner.tick()
    assert ran.count("every-minute") == 1
    ran.clear()
    clock.shift(1)
    runner.tick()
    assert ran == []


def test_the_crontab_task_runs_once_a_day(clock):
    runner, ran = recording_runner({"nine-oclock": SCHEDULE["nine-oclock"]})
    assert runner.tick() <= MAX_WAIT_SECONDS
    for _minute in range(24 * 60):
        clock.shift(60)
        runner.tick()
    assert ran == ["nine-oclock"]


def test_a_failing_task_is_logged_and_the_others_still_run(clock, caplog):
    runner, ran = recording_runner(fail={"every-minute"})
    with caplog.at_level(logging.ERROR):
        runner.tick()
    assert ran == ["every-minute", "every-five-minutes"]
    [record] = caplog.records
    assert "every-minute" in record.getMessage()
    assert record.exc_info is not None
    clock.shift(60)
    ran.clear()
    runner.tick()
    assert ran == ["every-minute"]  # tried again at its next time


def test_unknown_task_name_is_logged_not_fatal(clock, caplog):
    runner = PeriodicRunner({"typo": {"task": "nowhere.tasks.nothing", "schedule": 60.0}}, app=app)
    with caplog.at_level(logging.ERROR):
        runner.tick()
    assert "typo" in caplog.text
    assert "no task registered as 'nowhere.tasks.nothing'" in caplog.text


@pytest.mark.django_db  # importing the tasks runs Celery's Django fixup, which checks models
def test_every_task_of_the_beat_schedule_is_registered():
    app.loader.import_default_modules()
    missing = [
        spec["task"]
        for spec in settings.CELERY_BEAT_SCHEDULE.values()
        if spec["task"] not in app.tasks
    ]
    assert missing == []


@pytest.mark.django_db
def test_once_runs_the_real_tasks_and_publishes_a_scheduled_project():
    project, _member, coordinator = project_in(Project.Status.APPROVED)
    at = timezone.now() + dt.timedelta(minutes=5)
    services.project_publish(project=project, actor=coordinator, at=at)
    with time_machine.travel(at + dt.timedelta(minutes=1)):
        call_command("run_periodic", "--once")
    project.refresh_from_db()
    assert project.status == Project.Status.PUBLISHED


def test_refuses_to_run_where_celery_is_not_eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with pytest.raises(CommandError, match="celery -A config beat"):
        call_command("run_periodic", "--once")
