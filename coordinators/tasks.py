"""Periodic reminders about reviews and the coordinators' weekly digest (Celery beat)."""

from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from applicants.models import Application, Placement
from notifications.services import Recipient, localized, notify
from programs.models import Inquiry, PamphletRequest, Region
from projects.models import Project
from projects.selectors import project_members

from .models import ReviewSession


def _review_context(review: ReviewSession) -> dict:
    application = review.placement.application
    return {
        "review_id": review.pk,
        "placement_id": review.placement_id,
        "project_title": application.project.title,
        "student_name": str(application.student),
        "kind": localized(ReviewSession.Kind(review.kind).label),
        "due_on": review.due_on.isoformat(),
    }


def _reviews(**filters):
    return ReviewSession.objects.filter(
        held_at__isnull=True, placement__status=Placement.Status.ACTIVE, **filters
    ).select_related(
        "placement__application__student",
        "placement__application__project__region",
    )


@shared_task
def send_review_reminders() -> int:
    """Remind the three parties of a review due within two days; alert coordinators of a
    missed one (past its date, not held). Each is sent once per review."""
    today = timezone.localdate()
    written = 0
    for review in _reviews(due_on__gte=today, due_on__lte=today + timedelta(days=2)):
        project = review.placement.application.project
        people = [
            review.placement.application.student,
            *project_members(project),
            *project.region.coordinators.filter(is_active=True),
        ]
        with transaction.atomic():
            written += len(
                notify(
                    event="review_due",
                    recipients=[Recipient.of(u) for u in {u.pk: u for u in people}.values()],
                    context=_review_context(review),
                    dedupe_key=f"review:{review.pk}:due",
                )
            )
    for review in _reviews(due_on__lt=today):
        project = review.placement.application.project
        with transaction.atomic():
            written += len(
                notify(
                    event="review_missed",
                    recipients=[
                        Recipient.of(u) for u in project.region.coordinators.filter(is_active=True)
                    ],
                    context=_review_context(review),
                    dedupe_key=f"review:{review.pk}:missed",
                )
            )
    return written


def digest_for(user: User, regions: list[Region]) -> dict:
    """What waits in a coordinator's regions, counted in one query per kind."""
    region_ids = [r.pk for r in regions]
    today = timezone.localdate()
    leads = PamphletRequest.objects.filter(region__in=region_ids, status=PamphletRequest.Status.NEW)
    inquiries = Inquiry.objects.filter(region__in=region_ids, status=Inquiry.Status.NEW)
    projects = Project.objects.filter(region__in=region_ids).aggregate(
        submitted=Count("pk", filter=Q(status=Project.Status.SUBMITTED)),
        published=Count("pk", filter=Q(status=Project.Status.PUBLISHED)),
    )
    entries = Application.objects.filter(
        project__region__in=region_ids, status=Application.Status.SUBMITTED
    ).count()
    missed = _reviews(
        due_on__lt=today, placement__application__project__region__in=region_ids
    ).count()
    return {
        "regions": "・".join(r.name for r in regions),
        "new_leads": leads.count(),
        "new_inquiries": inquiries.count(),
        "projects_to_review": projects["submitted"],
        "projects_published": projects["published"],
        "entries_waiting": entries,
        "reviews_missed": missed,
    }


@shared_task
def send_weekly_digests() -> int:
    """One digest a week for each coordinator, of what waits in their regions."""
    year, week, _ = timezone.localdate().isocalendar()
    coordinators = User.objects.filter(is_active=True, coordinated_regions__isnull=False).distinct()
    written = 0
    for user in coordinators:
        regions = list(Region.objects.filter(coordinators=user))
        with transaction.atomic():
            written += len(
                notify(
                    event="coordinator_digest",
                    recipients=[Recipient.of(user)],
                    context={**digest_for(user, regions), "week": f"{year}-W{week:02d}"},
                    dedupe_key=f"digest:{user.pk}:{year}-W{week:02d}",
                    in_app=False,
                )
            )
    return written
