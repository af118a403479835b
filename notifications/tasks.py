"""Celery tasks that deliver outbox rows; each takes an id and is idempotent."""

import logging
import smtplib
import socket
from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from .delivery import send_email
from .models import Notification

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
RETRYABLE = (smtplib.SMTPException, ConnectionError, socket.timeout, OSError)


@shared_task(bind=True, max_retries=MAX_ATTEMPTS - 1, acks_late=True)
def deliver(self, notification_id: int) -> str:
    """Send one email notification once; retry connection errors with backoff."""
    with transaction.atomic():
        row = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=notification_id, status=Notification.Status.PENDING)
            .first()
        )
        if row is None:
            return "nothing to do"
        row.attempts += 1
        try:
            send_email(row)
        except RETRYABLE as exc:
            row.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
            if row.attempts >= MAX_ATTEMPTS:
                row.status = Notification.Status.FAILED
                row.save(update_fields=["attempts", "last_error", "status"])
                logger.error("notification %s failed for good: %s", row.pk, row.last_error)
                return "failed"
            row.save(update_fields=["attempts", "last_error"])
            countdown = min(600, 2**row.attempts * 5)
            transaction.on_commit(
                lambda: deliver.apply_async((notification_id,), countdown=countdown)
            )
            return "retrying"
        row.status = Notification.Status.SENT
        row.sent_at = timezone.now()
        row.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    return "sent"


@shared_task
def sweep_pending(older_than_seconds: int = 60) -> int:
    """Re-queue email rows left pending (the broker or worker was down when they were made)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(
        Notification.objects.filter(
            status=Notification.Status.PENDING,
            channel=Notification.Channel.EMAIL,
            created_at__lt=cutoff,
        )
        .order_by("created_at", "id")  # the oldest first after an outage
        .values_list("pk", flat=True)[:500]
    )
    for pk in ids:
        deliver.delay(pk)
    return len(ids)
