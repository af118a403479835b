"""Interview emails carry .ics invitations; a change or cancellation keeps the UID."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from accounts.workflow import InvalidTransition
from applicants import services
from applicants.models import Interview
from notifications.models import Notification
from tests.flow import interview_in

pytestmark = pytest.mark.django_db


def _invites(to):
    found = []
    for message in mail.outbox:
        if to not in message.to:
            continue
        for name, content, mimetype in message.attachments:
            if name == "invite.ics":
                found.append((Calendar.from_ical(content), mimetype))
    return found


def _vevent(cal):
    return next(iter(cal.walk("VEVENT")))


def test_schedule_change_and_cancel_send_invitations_under_their_uids(
    django_capture_on_commit_callbacks,
):
    interview, student, member, _ = interview_in(Interview.Status.PROPOSED)
    with django_capture_on_commit_callbacks(execute=True):
        interview = services.interview_schedule(
            interview=interview, actor=student, slot=interview.slots.first()
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.interview_request_new_slots(interview=interview, actor=member)
        start = (timezone.now() + dt.timedelta(days=9)).replace(microsecond=0)
        interview = services.interview_schedule(
            interview=interview,
            actor=member,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.interview_cancel(interview=interview, actor=member, reason="都合により")
    invites = _invites(student.email)
    # Booked, the old time withdrawn, booked again, cancelled.
    assert [str(cal["method"]) for cal, _ in invites] == ["REQUEST", "CANCEL", "REQUEST", "CANCEL"]
    events = [_vevent(cal) for cal, _ in invites]
    uids = [str(e["uid"]) for e in events]
    # A change keeps the UID (booked → withdrawn; booked again → cancelled); the time booked
    # after a withdrawal is a new invitation under a new UID, which calendars do not ignore.
    assert uids[0] == uids[1] and uids[2] == uids[3] and uids[1] != uids[2]
    assert uids[3] == f"interview-{interview.calendar_uid}@jissen"
    sequences = [int(e["sequence"]) for e in events]
    assert sequences == sorted(sequences) and len(set(sequences)) == 4
    assert [str(e["status"]) for e in events] == [
        "CONFIRMED",
        "CANCELLED",
        "CONFIRMED",
        "CANCELLED",
    ]
    assert "method=CANCEL" in invites[-1][1]
    assert events[2].decoded("dtstart") == start.replace(microsecond=0)
    # The interviewer gets the same invitations.
    assert len(_invites(member.email)) == 4


def test_asking_for_new_times_withdraws_the_invitation_from_every_calendar(
    django_capture_on_commit_callbacks,
):
    interview, student, member, _ = interview_in(Interview.Status.SCHEDULED)
    booked_at = interview.starts_at
    booked = interview.calendar_sequence
    booked_uid = interview.calendar_uid
    with django_capture_on_commit_callbacks(execute=True):
        services.interview_request_new_slots(
            interview=interview, actor=student, note="試験と重なりました"
        )
    interview.refresh_from_db()
    assert interview.status == Interview.Status.PROPOSED
    assert interview.calendar_sequence == booked + 1
    assert interview.calendar_uid != booked_uid  # the next booking is a new invitation
    last = interview.status_changes.last()
    assert (last.from_status, last.to_status, last.actor) == ("scheduled", "proposed", student)
    assert sorted(message.to[0] for message in mail.outbox) == sorted([student.email, member.email])
    for person in (student, member):
        ((cal, mimetype),) = _invites(person.email)
        event = _vevent(cal)
        assert str(cal["method"]) == "CANCEL" and "method=CANCEL" in mimetype
        assert str(event["uid"]) == f"interview-{booked_uid}@jissen"
        assert int(event["sequence"]) == booked + 1
        assert event.decoded("dtstart") == booked_at.replace(microsecond=0)
    assert "試験と重なりました" in mail.outbox[0].body
    rows = Notification.objects.filter(event="interview_unscheduled", channel="email")
    assert rows.count() == 2
    # Asking again is refused (no longer scheduled) and writes nothing.
    with pytest.raises(InvalidTransition):
        services.interview_request_new_slots(interview=interview, actor=student)
    assert rows.count() == 2
    # Cancelling it now sends no second CANCEL: the time is out of the calendars already.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.interview_cancel(interview=interview, actor=member)
    assert len(mail.outbox) == 2 and not _invites(student.email) and not _invites(member.email)
