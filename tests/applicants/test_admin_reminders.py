"""A coordinator reminds students from the entries list: once a day per reminder, only of what
waits on the student, only in their own regions."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.messages import constants as levels
from django.utils import timezone

from applicants import services
from applicants.models import Application
from coordinators.services import coordinator_appoint
from notifications.models import Notification
from projects.models import Project
from tests.factories import UserFactory
from tests.flow import application_in, interview_in, project_in

pytestmark = pytest.mark.django_db

ENTRIES = "/admin/applicants/application/"


def appoint(region):
    coordinator = UserFactory(preferred_language="ja")
    coordinator_appoint(user=coordinator, region=region)
    return coordinator


def remind(client, *entries):
    response = client.post(
        ENTRIES,
        {"action": "send_reminder", "index": 0, "_selected_action": [e.pk for e in entries]},
        follow=True,
    )
    return [(m.level, m.message) for m in response.context["messages"]]


def emails(event, user) -> int:
    return Notification.objects.filter(event=event, recipient=user, channel="email").count()


def entry_with_pre_assignment():
    project, _member, _coordinator = project_in(
        Project.Status.PUBLISHED,
        pre_assignment_brief="地域の課題を一つ選び、解決策を800字で書いてください。",
        pre_assignment_deadline=timezone.now() + dt.timedelta(days=10),
    )
    application, student, _member, _coordinator = application_in(
        Application.Status.SUBMITTED, project=project
    )
    return application, student


def test_the_pre_assignment_reminder_goes_once_a_day_to_the_student(client):
    application, student = entry_with_pre_assignment()
    client.force_login(appoint(application.project.region))

    first = remind(client, application)
    again = remind(client, application)

    assert emails("pre_assignment_reminder", student) == 1
    assert [(level, re.sub(r"\D", "", text)) for level, text in first] == [(levels.SUCCESS, "1")]
    # The second click the same day: skipped as already reminded.
    assert [(level, re.sub(r"\D", "", text)) for level, text in again] == [(levels.WARNING, "1")]
    with time_machine.travel(timezone.now() + dt.timedelta(days=1)):
        remind(client, application)
    assert emails("pre_assignment_reminder", student) == 2
    # Only the student hears of it.
    assert set(
        Notification.objects.filter(event="pre_assignment_reminder").values_list(
            "recipient", flat=True
        )
    ) == {student.pk}


def test_no_reminder_once_the_pre_assignment_is_in(client):
    application, student = entry_with_pre_assignment()
    services.application_pre_assignment_submit(
        application=application, actor=student, answer="私は牧場の販路を考えました。"
    )
    client.force_login(appoint(application.project.region))

    messages = remind(client, application)

    assert not Notification.objects.filter(event="pre_assignment_reminder").exists()
    assert [level for level, _text in messages] == [levels.WARNING]


def test_a_student_who_has_not_picked_an_interview_time_is_reminded(client):
    interview, student, _member, _coordinator = interview_in("proposed")
    client.force_login(appoint(interview.application.project.region))

    remind(client, interview.application)
    remind(client, interview.application)

    rows = Notification.objects.filter(event="interview_pick_reminder", channel="email")
    assert [(r.recipient_id, r.context["interview_id"]) for r in rows] == [
        (student.pk, interview.pk)
    ]


def test_a_picked_interview_needs_no_reminder(client):
    interview, _student, _member, _coordinator = interview_in("scheduled")
    client.force_login(appoint(interview.application.project.region))

    remind(client, interview.application)

    assert not Notification.objects.filter(event="interview_pick_reminder").exists()


def test_reminders_report_sent_and_skipped_rows_in_one_go(client):
    application, student = entry_with_pre_assignment()
    region = application.project.region
    # An entry to a project without a pre-assignment waits on nothing from its student.
    plain, *_ = project_in(Project.Status.PUBLISHED, organization__region=region)
    idle, idle_student, *_ = application_in(Application.Status.SUBMITTED, project=plain)
    client.force_login(appoint(region))

    messages = remind(client, application, idle)

    assert [(level, re.sub(r"\D", "", text)) for level, text in messages] == [
        (levels.SUCCESS, "1"),
        (levels.WARNING, "1"),
    ]
    assert emails("pre_assignment_reminder", student) == 1
    assert not Notification.objects.filter(recipient=idle_student, event__endswith="_reminder")


def test_a_coordinator_cannot_remind_in_another_region(client):
    application, _student = entry_with_pre_assignment()
    outsider = appoint(project_in(Project.Status.PUBLISHED)[0].region)
    client.force_login(outsider)

    messages = remind(client, application)

    assert not Notification.objects.filter(event="pre_assignment_reminder").exists()
    # Another region's entry is not in the user's list: nothing was selected that they may see.
    assert [level for level, _text in messages] == [levels.WARNING]


def test_the_service_refuses_a_coordinator_of_another_region():
    from accounts.workflow import TransitionNotAllowed

    application, _student = entry_with_pre_assignment()
    outsider = appoint(project_in(Project.Status.PUBLISHED)[0].region)

    with pytest.raises(TransitionNotAllowed):
        services.application_remind(application=application, actor=outsider)
    assert (
        services.application_remind(
            application=application, actor=appoint(application.project.region)
        )
        == 1
    )
