"""Celery tasks that deliver outbox rows; each takes ids and is idempotent."""

import logging
import smtplib
import socket
from collections import Counter
from functools import partial

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_ready
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction

from . import services
from .delivery import send_email

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


def is_server_unreachable(exc: BaseException | None) -> bool:
    """Whether the mail server could not be reached at all, rather than refusing one email:
    the next emails would only wait for the same timeout. (SMTPException is an OSError too.)"""
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)


def _describe(exc: BaseException) -> str:
    return f"{exc.__class__.__name__}: {exc}"[:2000]


def _retry_later(notification_id: int, countdown: int) -> None:
    deliver.apply_async((notification_id,), countdown=countdown)


@shared_task(acks_late=True)
def deliver_batch(notification_ids: list[int]) -> dict[str, int]:
    """Send each of these email notifications once, in order, over the process's connection to
    the mail server; each in a transaction of its own, committed as soon as the server has
    accepted that email, so a worker killed midway sends none of them twice.

    A failure stays with its email (a retry with backoff, or failed at once, as in `deliver`)
    and the batch goes on; but when the mail server cannot be reached, the rest of the batch is
    queued again for the first retry's time instead of each email waiting for the same timeout,
    and after the soft time limit the rest is queued again at once, as a task with a limit of
    its own. Returns how many emails ended in each way.
    """
    outcomes: Counter[str] = Counter()
    ids = services.outbox_pending_ids(ids=notification_ids)
    if skipped := len(set(notification_ids)) - len(ids):
        outcomes["nothing to do"] = skipped
    for index, notification_id in enumerate(ids):
        outcome, error = _deliver_one(notification_id)
        outcomes[outcome] += 1
        rest = ids[index + 1 :]
        if rest and isinstance(error, SoftTimeLimitExceeded):
            transaction.on_commit(partial(services.outbox_publish, ids=rest), robust=True)
            break
        if rest and is_server_unreachable(error):
            services.outbox_defer(ids=rest, countdown=retry_countdown(1))
            break
    return dict(outcomes)


@shared_task(acks_late=True)
def deliver(notification_id: int) -> str:
    """Send one email notification once; retry connection errors with backoff.

    Any other error (a broken template, a bad context, the soft time limit) will not go away by
    itself: the attempt is counted and the row marked failed at once, with the error kept, for
    the admin to retry once the cause is fixed. A row's retries come through this task, each
    after its own countdown; new rows come in batches (`deliver_batch`).
    """
    outcome, _error = _deliver_one(notification_id)
    return outcome


def _deliver_one(notification_id: int) -> tuple[str, Exception | None]:
    """Deliver one row; returns the outcome and the error of a failed attempt."""
    try:
        return _attempt(notification_id)
    except DATABASE_DOWN:
        raise
    except Exception as exc:
        # The attempt's transaction has rolled back; record the failure in a new one.
        logger.exception("notification %s failed for good", notification_id)
        row = services.notification_fail(notification_id=notification_id, error=_describe(exc))
        return ("failed" if row is not None else "nothing to do"), exc


def _attempt(notification_id: int) -> tuple[str, Exception | None]:
    with transaction.atomic():
        row = services.notification_claim(notification_id=notification_id)
        if row is None:
            return "nothing to do", None
        row.attempts += 1
        try:
            send_email(row)
        except RETRYABLE as exc:
            if row.attempts >= MAX_ATTEMPTS:
                services.notification_mark_failed(notification=row, error=_describe(exc))
                logger.error("notification %s failed for good: %s", row.pk, row.last_error)
                return "failed", exc
            countdown = retry_countdown(row.attempts)
            services.notification_schedule_retry(
                notification=row, error=_describe(exc), countdown=countdown
            )
            # `robust`: with the broker down the row keeps its next_attempt_at and the sweeper
            # queues it a minute after that.
            transaction.on_commit(partial(_retry_later, notification_id, countdown), robust=True)
            return "retrying", exc
        services.notification_mark_sent(notification=row)
    return "sent", None


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


@worker_ready.connect
def sweep_on_worker_start(**kwargs) -> None:
    """A worker that starts (after a crash, a deploy) queues a sweep behind the tasks already
    waiting: the rest of a batch a killed worker was sending goes out once those are done,
    rather than after the broker's visibility timeout or a minute later with beat's sweep."""
    sweep_pending.delay(older_than_seconds=0)
