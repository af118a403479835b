"""Scheduled publication and the entry-deadline alert."""

import datetime as dt
from contextlib import contextmanager

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from notifications.models import Notification
from projects import services
from projects.models import Project
from projects.tasks import publish_scheduled_projects, send_entry_deadline_alerts
from tests.flow import application_in, project_in

pytestmark = pytest.mark.django_db


def test_scheduled_project_is_published_when_its_time_comes():
    project, _member, coordinator = project_in(Project.Status.APPROVED)
    at = timezone.now() + dt.timedelta(hours=2)
    services.project_publish(project=project, actor=coordinator, at=at)
    assert publish_scheduled_projects() == 0
    with time_machine.travel(at + dt.timedelta(minutes=1)):
        assert publish_scheduled_projects() == 1
    project.refresh_from_db()
    assert project.status == Project.Status.PUBLISHED
    assert project.status_changes.last().actor is None


def test_entry_deadline_alert_for_few_entries_once():
    project, member, coordinator = project_in(Project.Status.PUBLISHED)
    Project.objects.filter(pk=project.pk).update(
        entry_deadline=timezone.now() + dt.timedelta(days=3), capacity=2
    )
    application_in("submitted", project=project)
    send_entry_deadline_alerts()
    send_entry_deadline_alerts()
    rows = Notification.objects.filter(event="entry_deadline_approaching", channel="email")
    expected = {u.email for u in project.organization.members.all()} | {
        u.email for u in project.region.coordinators.all()
    }
    assert {member.email, coordinator.email} <= expected
    assert sorted(r.email for r in rows) == sorted(expected)
    assert rows.first().context["entries"] == 1


def test_no_alert_when_entries_are_plenty_or_deadline_far():
    busy, _, _ = project_in(Project.Status.PUBLISHED)
    Project.objects.filter(pk=busy.pk).update(
        entry_deadline=timezone.now() + dt.timedelta(days=3), capacity=1
    )
    application_in("submitted", project=busy)
    application_in("submitted", project=busy)
    far, _, _ = project_in(Project.Status.PUBLISHED)
    Project.objects.filter(pk=far.pk).update(entry_deadline=timezone.now() + dt.timedelta(days=30))
    assert send_entry_deadline_alerts() == 0


@contextmanager
def database_refuses_publishing(project):
    """The database itself refuses to mark `project` published (a trigger), as a row-level
    failure no code path of ours can avoid; the trigger goes with the test's transaction."""
    table = Project._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION refuse_publishing() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.id = {int(project.pk)} AND NEW.status = 'published' THEN "
                "RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$ "
                "LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER refuse_publishing BEFORE UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_publishing()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER refuse_publishing BEFORE UPDATE ON {table} "
                f"WHEN NEW.id = {int(project.pk)} AND NEW.status = 'published' "
                "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
            )
    yield


def test_one_failing_project_does_not_stop_the_others(caplog):
    now = timezone.now()
    failing, _member, _coordinator = project_in(Project.Status.APPROVED)
    others = [project_in(Project.Status.APPROVED)[0] for _n in range(2)]
    # The failing one is due first, so the run meets it before the others.
    for minutes, project in enumerate([failing, *others], start=1):
        services.project_publish(
            project=project,
            actor=project.region.coordinators.first(),
            at=now + dt.timedelta(minutes=minutes),
        )
    history = failing.status_changes.count()

    with database_refuses_publishing(failing), time_machine.travel(now + dt.timedelta(hours=1)):
        assert publish_scheduled_projects() == 2

    for project in others:
        project.refresh_from_db()
        assert project.status == Project.Status.PUBLISHED
        assert Notification.objects.filter(
            event="project_published", context__project_id=project.pk
        ).exists()
    failing.refresh_from_db()
    assert failing.status == Project.Status.APPROVED
    assert failing.publish_at is not None  # still due: the next run tries again
    assert failing.status_changes.count() == history
    assert not Notification.objects.filter(
        event="project_published", context__project_id=failing.pk
    ).exists()
    [record] = [r for r in caplog.records if r.name == "projects.tasks"]
    assert record.levelname == "ERROR"
    assert f"project {failing.pk}" in record.getMessage()
    assert record.exc_info is not None


def test_a_project_refused_once_is_published_by_the_next_run():
    project, _member, coordinator = project_in(Project.Status.APPROVED)
    at = timezone.now() + dt.timedelta(minutes=5)
    services.project_publish(project=project, actor=coordinator, at=at)
    with time_machine.travel(at + dt.timedelta(minutes=1)):
        with database_refuses_publishing(project):
            assert publish_scheduled_projects() == 0
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER refuse_publishing" + _on_table())
        assert publish_scheduled_projects() == 1
    project.refresh_from_db()
    assert project.status == Project.Status.PUBLISHED


def _on_table() -> str:
    return f" ON {Project._meta.db_table}" if connection.vendor == "postgresql" else ""
