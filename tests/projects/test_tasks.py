"""Scheduled publication and the entry-deadline alert."""

import datetime as dt

import pytest
import time_machine
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
