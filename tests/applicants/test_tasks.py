"""Interview and pre-assignment reminders: sent in their window, once each."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.template import engines
from django.utils import timezone

from applicants import services
from applicants.models import Interview
from applicants.tasks import send_interview_reminders, send_pre_assignment_reminders, time_left
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


# The reminder's words follow the actual day and time left ---------------------------------

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def strict_templates():
    """Missing variables render as a marker instead of silently as ''."""
    engine = engines["django"].engine
    previous = engine.string_if_invalid
    engine.string_if_invalid = "MISSING<%s>"
    yield
    engine.string_if_invalid = previous


@pytest.mark.parametrize(
    ("now", "start", "expected"),
    [
        # The same day in Tokyo, though in UTC the interview falls on the next day.
        ("2027-07-03 08:00", "2027-07-03 11:00", {"day": "today", "hours_left": 3}),
        ("2027-07-02 19:00", "2027-07-03 15:00", {"day": "tomorrow", "hours_left": 20}),
        # 2½ hours before, but past midnight: tomorrow.
        ("2027-07-02 22:00", "2027-07-03 00:30", {"day": "tomorrow", "hours_left": 3}),
        # Under 90 minutes the time left is told in minutes.
        ("2027-07-03 14:20", "2027-07-03 15:00", {"day": "today", "hours_left": 0}),
    ],
)
def test_time_left_takes_the_day_from_the_tokyo_date(now, start, expected):
    def tokyo(text):
        return dt.datetime.fromisoformat(text).replace(tzinfo=TOKYO)

    result = time_left(tokyo(now), tokyo(start))
    assert {k: result[k] for k in expected} == expected
    assert result["minutes_left"] == (tokyo(start) - tokyo(now)).seconds // 60


def _book(start_tokyo: dt.datetime):
    """A student reading Japanese and an interviewer reading English, with an interview
    scheduled at `start_tokyo` (the flow books the first slot, three days ahead)."""
    with time_machine.travel(start_tokyo - dt.timedelta(days=3), tick=False):
        _interview, student, member, _ = interview_in(Interview.Status.SCHEDULED)
    member.preferred_language = "en"
    member.save(update_fields=["preferred_language"])
    return student, member


def _reminder_mail(user):
    (message,) = [m for m in mail.outbox if m.to == [user.email]]
    return message


def test_a_24h_reminder_hours_before_says_today_with_the_hours_left(
    django_capture_on_commit_callbacks, strict_templates
):
    student, member = _book(dt.datetime(2027, 7, 3, 15, 0, tzinfo=TOKYO))
    with (
        time_machine.travel(dt.datetime(2027, 7, 3, 12, 0, tzinfo=TOKYO)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        send_interview_reminders()
    assert _reminders("24h").count() == 2
    ja, en = _reminder_mail(student), _reminder_mail(member)
    assert "本日15:00から面談です（あと約3時間）" in ja.subject
    assert "7月3日は、" in ja.body and "開始は15:00、あと約3時間です。" in ja.body
    assert "Interview today at 15:00 (in about 3 hours)" in en.subject
    assert "is today, 3 July, at 15:00, in about 3 hours." in en.body
    for message in (ja, en):
        html = message.alternatives[0].content
        for text in (message.subject, message.body, html):
            assert "明日" not in text and "tomorrow" not in text.lower()
            assert "MISSING" not in text


def test_a_24h_reminder_the_day_before_says_tomorrow_with_date_and_time(
    django_capture_on_commit_callbacks, strict_templates
):
    student, member = _book(dt.datetime(2027, 7, 3, 10, 30, tzinfo=TOKYO))
    with (
        time_machine.travel(dt.datetime(2027, 7, 2, 14, 0, tzinfo=TOKYO)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        send_interview_reminders()
    ja, en = _reminder_mail(student), _reminder_mail(member)
    assert "明日7月3日 10:30から面談です" in ja.subject
    assert "明日7月3日は、" in ja.body and "開始は10:30、あと約21時間です。" in ja.body
    assert "Interview tomorrow, 3 July at 10:30" in en.subject
    assert "is tomorrow, 3 July, at 10:30 (in about 21 hours)." in en.body
    for message in (ja, en):
        for text in (message.subject, message.body, message.alternatives[0].content):
            assert "本日" not in text and "today" not in text and "MISSING" not in text


def test_the_1h_reminder_gives_the_start_time_and_the_minutes_left(
    django_capture_on_commit_callbacks, strict_templates
):
    student, member = _book(dt.datetime(2027, 7, 3, 15, 0, tzinfo=TOKYO))
    with (
        time_machine.travel(dt.datetime(2027, 7, 3, 14, 20, tzinfo=TOKYO)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        send_interview_reminders()
    assert _reminders("1h").count() == 2
    ja, en = _reminder_mail(student), _reminder_mail(member)
    assert "面談がまもなく始まります（15:00〜）" in ja.subject
    assert "15:00から始まります（あと約40分）。" in ja.body
    assert "starts at 15:00, in about 40 minutes." in en.body


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
