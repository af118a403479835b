"""Celery tasks that deliver outbox rows; each takes an id and is idempotent."""

import logging
import smtplib
import socket
from functools import partial

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction

from . import services
from .delivery import send_email
from .models import Notification

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
RETRYABLE = (smtplib.SMTPException, ConnectionError, socket.timeout, OSError)
# The database itself is out of reach: nothing can be recorded, the row stays pending and the
# sweeper queues it again once the database answers.
DATABASE_DOWN = (OperationalError, InterfaceError)


def retry_countdown(attempts: int) -> int:
    """Seconds before the next try after `attempts` failed ones: 10, 20, 40, 80 … at most 600
    (below the broker's visibility timeout, STYLE.md)."""
    return min(600, 2**attempts * 5)


def _describe(exc: BaseException) -> str:
    return f"{exc.__class__.__name__}: {exc}"[:2000]


def _retry_later(notification_id: int, countdown: int) -> None:
    deliver.apply_async((notification_id,), countdown=countdown)


@shared_task(acks_late=True)
def deliver(notification_id: int) -> str:
    """Send one email notification once; retry connection errors with backoff.

    Any other error (a broken template, a bad context, the soft time limit) will not go away by
    itself: the attempt is counted and the row marked failed at once, with the error kept, for
    the admin to retry once the cause is fixed.
    """
    try:
        return _attempt(notification_id)
    except DATABASE_DOWN:
        raise
    except Exception as exc:
        # The attempt's transaction has rolled back; record the failure in a new one.
        logger.exception("notification %s failed for good", notification_id)
        row = services.notification_fail(notification_id=notification_id, error=_describe(exc))
        return "failed" if row is not None else "nothing to do"


def _attempt(notification_id: int) -> str:
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
            if row.attempts >= MAX_ATTEMPTS:
                services.notification_mark_failed(notification=row, error=_describe(exc))
                logger.error("notification %s failed for good: %s", row.pk, row.last_error)
                return "failed"
            countdown = retry_countdown(row.attempts)
            services.notification_schedule_retry(
                notification=row, error=_describe(exc), countdown=countdown
            )
            # `robust`: with the broker down the row keeps its next_attempt_at and the sweeper
            # queues it a minute after that.
            transaction.on_commit(partial(_retry_later, notification_id, countdown), robust=True)
            return "retrying"
        services.notification_mark_sent(notification=row)
    return "sent"


@shared_task
def sweep_pending(older_than_seconds: int = 60) -> int:
    """Re-queue email rows left pending (the broker or worker was down when they were made, or
    a retry's message was lost), respecting scheduled retries; in chunks, so that a backlog
    after an outage clears in a few runs (NOTIFICATIONS_SWEEP_BATCH_SIZE rows per query, at
    most NOTIFICATIONS_SWEEP_LIMIT per run)."""
    return services.outbox_requeue_stale(
        older_than_seconds=older_than_seconds,
        batch_size=settings.NOTIFICATIONS_SWEEP_BATCH_SIZE,
        limit=settings.NOTIFICATIONS_SWEEP_LIMIT,
    )
