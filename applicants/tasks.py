"""Periodic reminders about interviews and pre-assignments (Celery beat)."""

from datetime import datetime, timedelta

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from notifications.services import Recipient, localized, notify

from .models import Application, Interview


def time_left(now: datetime, starts_at: datetime) -> dict:
    """When an interview is, as the reminder's words need it: its day ("today" or "tomorrow" by
    the programme's local date, Asia/Tokyo, whatever the recipient's language) and the time
    left, in whole hours from 90 minutes on (0 below) and in minutes."""
    zone = timezone.get_default_timezone()
    days = (timezone.localtime(starts_at, zone).date() - timezone.localtime(now, zone).date()).days
    minutes = max(1, round((starts_at - now).total_seconds() / 60))
    return {
        "day": {0: "today", 1: "tomorrow"}.get(days, ""),
        "hours_left": (minutes + 30) // 60 if minutes >= 90 else 0,
        "minutes_left": minutes,
    }


@shared_task
def send_interview_reminders() -> int:
    """Remind student and interviewers 24 hours and 1 hour before a scheduled interview.

    The 24-hour reminder goes out anywhere from 24 hours to 1 hour before, so its words come
    from the actual day and time left (`time_left`), not from the window.
    Each reminder is sent once per scheduled time: the key holds the calendar sequence, so a
    rescheduled interview is reminded again and a repeat run writes nothing.
    """
    now = timezone.now()
    windows = (
        ("24h", now + timedelta(hours=1), now + timedelta(hours=24)),
        ("1h", now, now + timedelta(hours=1)),
    )
    written = 0
    for label, after, until in windows:
        interviews = (
            Interview.objects.filter(
                status=Interview.Status.SCHEDULED, starts_at__gt=after, starts_at__lte=until
            )
            .select_related("application__student", "application__project")
            .prefetch_related("participants")
        )
        for interview in interviews:
            application = interview.application
            people = [application.student, *interview.participants.all()]
            with transaction.atomic():
                written += len(
                    notify(
                        event="interview_reminder",
                        recipients=[Recipient.of(u) for u in people],
                        context={
                            "application_id": application.pk,
                            "project_id": application.project_id,
                            "project_title": application.project.title,
                            "student_name": str(application.student),
                            "interview_id": interview.pk,
                            "starts_at": interview.starts_at.isoformat(),
                            "hours": 24 if label == "24h" else 1,
                            **time_left(now, interview.starts_at),
                            "mode": localized(Interview.Mode(interview.mode).label),
                            "meeting_url": interview.meeting_url,
                            "place": interview.place,
                        },
                        dedupe_key=f"interview:{interview.pk}:reminder:{label}:{interview.calendar_sequence}",
                    )
                )
    return written


@shared_task
def send_pre_assignment_reminders() -> int:
    """Remind students whose pre-assignment (事前課題) is due within 48 hours and not handed in."""
    now = timezone.now()
    applications = Application.objects.filter(
        status__in=Application.ACTIVE_STATES,
        pre_assignment_submitted_at__isnull=True,
        project__pre_assignment_deadline__gt=now,
        project__pre_assignment_deadline__lte=now + timedelta(hours=48),
    ).select_related("student", "project")
    written = 0
    for application in applications:
        with transaction.atomic():
            written += len(
                notify(
                    event="pre_assignment_due",
                    recipients=[Recipient.of(application.student)],
                    context={
                        "application_id": application.pk,
                        "project_id": application.project_id,
                        "project_title": application.project.title,
                        "student_name": str(application.student),
                        "deadline": application.project.pre_assignment_deadline.isoformat(),
                    },
                    dedupe_key=f"application:{application.pk}:pre_assignment_due",
                )
            )
    return written


@shared_task
def anonymise_expired_data() -> dict[str, int]:
    """The retention job: closed entries and inactive accounts past their period (settings)."""
    from .services import retention_anonymise

    return retention_anonymise()
