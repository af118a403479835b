"""Interview emails carry .ics invitations; a change or cancellation keeps the UID."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from applicants import services
from applicants.models import Interview
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


def test_schedule_change_and_cancel_send_invitations_with_one_uid(
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
    assert len(invites) == 3
    events = [next(iter(cal.walk("VEVENT"))) for cal, _ in invites]
    assert len({str(e["uid"]) for e in events}) == 1
    sequences = [int(e["sequence"]) for e in events]
    assert sequences == sorted(sequences) and len(set(sequences)) == 3
    assert [str(cal["method"]) for cal, _ in invites] == ["REQUEST", "REQUEST", "CANCEL"]
    assert "method=CANCEL" in invites[-1][1]
    assert events[1].decoded("dtstart") == start.replace(microsecond=0)
    # The interviewer gets the same invitations.
    assert len(_invites(member.email)) == 3
