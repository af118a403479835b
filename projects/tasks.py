"""Periodic work on projects: scheduled publication and the entry-deadline alert (Celery beat)."""

import logging
from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from notifications.services import Recipient, notify

from . import services
from .models import Project
from .selectors import project_members

logger = logging.getLogger(__name__)

# An entry count under capacity × this is "few entries" for the deadline alert.
FEW_ENTRIES_FACTOR = 2


@shared_task
def publish_scheduled_projects() -> int:
    """Publish approved projects whose publication time has come; returns how many.

    Each project is published in a transaction of its own (a savepoint inside a caller's):
    one that fails is rolled back and logged, and the others are still published. It stays
    due, so the next run tries it again.
    """
    due = (
        Project.objects.filter(
            status=Project.Status.APPROVED,
            publish_at__isnull=False,
            publish_at__lte=timezone.now(),
        )
        .order_by("publish_at", "pk")
        .values_list("pk", flat=True)
    )
    published = 0
    for pk in list(due):
        try:
            with transaction.atomic():
                services.project_publish(project=Project(pk=pk), actor=None)
        except Exception:
            logger.exception("scheduled publication of project %s failed", pk)
            continue
        published += 1
    return published


@shared_task
def send_entry_deadline_alerts() -> int:
    """Tell hosts and coordinators when entry closes within 7 days and entries are few."""
    now = timezone.now()
    projects = (
        Project.objects.filter(
            status=Project.Status.PUBLISHED,
            entry_deadline__gt=now,
            entry_deadline__lte=now + timedelta(days=7),
        )
        .annotate(entries=Count("applications", filter=~Q(applications__status="withdrawn")))
        .select_related("region")
    )
    written = 0
    for project in projects:
        if project.entries >= project.capacity * FEW_ENTRIES_FACTOR:
            continue
        people = [*project_members(project), *project.region.coordinators.filter(is_active=True)]
        with transaction.atomic():
            written += len(
                notify(
                    event="entry_deadline_approaching",
                    recipients=[Recipient.of(u) for u in {u.pk: u for u in people}.values()],
                    context={
                        "project_id": project.pk,
                        "title": project.title,
                        "deadline": project.entry_deadline.isoformat(),
                        "entries": project.entries,
                        "capacity": project.capacity,
                    },
                    dedupe_key=f"project:{project.pk}:entry_deadline:{project.entry_deadline:%Y%m%d}",
                )
            )
    return written
