"""Interview and pre-assignment reminders: sent in their window, once each."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from applicants import services
from applicants.models import Interview
from applicants.tasks import send_interview_reminders, send_pre_assignment_reminders
from notifications.models import Notification
from projects.models import Project
from tests.flow import application_in, interview_in, project_in

pytestmark = pytest.mark.django_db


def _reminders(label=None):
    rows = Notification.objects.filter(event="interview_reminder", channel="email")
    if label:
        rows = rows.filter(idempotency_key__contains=f":reminder:{label}:")
    return rows


def test_interview_reminders_24h_and_1h_before_each_once():
    interview, student, member, _ = interview_in(Interview.Status.SCHEDULED)
    start = interview.starts_at
    with time_machine.travel(start - dt.timedelta(hours=30)):
        assert send_interview_reminders() == 0
    with time_machine.travel(start - dt.timedelta(hours=20)):
        send_interview_reminders()
        send_interview_reminders()
    assert {r.email for r in _reminders("24h")} == {student.email, member.email}
    assert _reminders("1h").count() == 0
    with time_machine.travel(start - dt.timedelta(minutes=40)):
        send_interview_reminders()
        send_interview_reminders()
    assert _reminders("1h").count() == 2
    assert _reminders().count() == 4


def test_a_rescheduled_interview_is_reminded_again():
    interview, student, member, _ = interview_in(Interview.Status.SCHEDULED)
    with time_machine.travel(interview.starts_at - dt.timedelta(hours=20)):
        send_interview_reminders()
    services.interview_request_new_slots(interview=interview, actor=member)
    start = interview.starts_at + dt.timedelta(days=1)
    services.interview_schedule(
        interview=interview, actor=member, starts_at=start, ends_at=start + dt.timedelta(hours=1)
    )
    with time_machine.travel(start - dt.timedelta(hours=20)):
        send_interview_reminders()
    assert _reminders("24h").filter(email=student.email).count() == 2


def test_cancelled_interviews_are_not_reminded():
    interview, _student, member, _ = interview_in(Interview.Status.SCHEDULED)
    services.interview_cancel(interview=interview, actor=member)
    with time_machine.travel(interview.starts_at - dt.timedelta(hours=20)):
        assert send_interview_reminders() == 0


def test_pre_assignment_reminder_only_for_entries_without_it_and_once():
    project, _, _ = project_in(Project.Status.PUBLISHED)
    Project.objects.filter(pk=project.pk).update(
        pre_assignment_deadline=timezone.now() + dt.timedelta(hours=30)
    )
    _waiting, student, *_ = application_in("submitted", project=project)
    done, *_ = application_in("screening", project=project)
    done.pre_assignment_submitted_at = timezone.now()
    done.save(update_fields=["pre_assignment_submitted_at"])
    send_pre_assignment_reminders()
    send_pre_assignment_reminders()
    rows = Notification.objects.filter(event="pre_assignment_due", channel="email")
    assert [r.email for r in rows] == [student.email]
