"""Writing notifications into the outbox; the only entry point other apps call."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .events import EVENTS
from .models import EmailSuppression, Notification, NotificationPreference


class InvalidTransition(Exception):
    """The outbox row's status may not move from its current value to the requested one."""


class NothingToUnsubscribe(Exception):
    """An unsubscribe link whose account is gone, or whose kind of email cannot be stopped."""


@dataclass(frozen=True)
class Recipient:
    """Whom to tell: a user (id, email, language) or a bare address of a visitor."""

    email: str
    user_id: int | None = None
    language: str = "ja"

    @classmethod
    def of(cls, user) -> "Recipient":
        return cls(email=user.email, user_id=user.pk, language=user.preferred_language)


I18N = "__i18n__"


def localized(value) -> dict:
    """A translatable label stored in every language, so the email shows the recipient's own:
    `context={"mode": localized(interview.get_mode_display())}` (a lazy string works too)."""
    from django.utils import translation

    texts = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts[code] = str(value)
    return {I18N: texts}


def resolve_localized(context: dict, language: str) -> dict:
    """The context with each `localized()` value replaced by its text in `language`."""
    return {
        key: (value[I18N].get(language) or next(iter(value[I18N].values())))
        if isinstance(value, dict) and I18N in value
        else value
        for key, value in context.items()
    }


def notification_set_status(*, notification: Notification, status: str) -> None:
    """Move an outbox row to `status` in memory; the caller saves it (with its other fields).

    The one place a notification's status changes. Raises InvalidTransition when
    `Notification.TRANSITIONS` does not allow the move.
    """
    if not notification.can_transition_to(status):
        raise InvalidTransition(
            f"notification {notification.pk}: {notification.status} → {status} is not allowed"
        )
    notification.status = status


def normalise_email(email: str) -> str:
    return email.strip().lower()


def suppressed_emails(*, emails, event: str) -> set[str]:
    """Of `emails`, those (normalised) that have stopped this kind of email with the signed
    link of an earlier one. For staff only (the intake's warning that no invitation went):
    a page a visitor sees must not tell, or it shows anyone an address's choice."""
    wanted = {normalise_email(email) for email in emails}
    return set(
        EmailSuppression.objects.filter(email__in=wanted, event=event).values_list(
            "email", flat=True
        )
    )


def email_suppressed(*, email: str, event: str) -> bool:
    return bool(suppressed_emails(emails=[email], event=event))


def _emails_wanted(recipients: list[Recipient], event: str):
    """Whether each recipient still takes this kind of email: `wanted(recipient)`, from one
    query for the accounts' preferences and one for the visitors' suppressions."""
    spec = EVENTS.get(event)
    if spec is not None and not spec.optional:
        return lambda recipient: True
    user_ids = [r.user_id for r in recipients if r.user_id is not None]
    switched_off = set(
        NotificationPreference.objects.filter(
            user_id__in=user_ids, event=event, email_enabled=False
        ).values_list("user_id", flat=True)
        if user_ids
        else ()
    )
    addresses = [r.email for r in recipients if r.user_id is None]
    suppressed = suppressed_emails(emails=addresses, event=event) if addresses else set()

    def wanted(recipient: Recipient) -> bool:
        if recipient.user_id is None:
            return normalise_email(recipient.email) not in suppressed
        return recipient.user_id not in switched_off

    return wanted


def _write_new(rows: list[Notification]) -> list[Notification]:
    """Insert the rows whose idempotency key is not written yet (one query to read the keys,
    one to insert); the rows written now. Should another transaction write one of the keys
    in between, the insert fails as a whole and the rows go in one by one instead."""
    if not rows:
        return []
    keys = [row.idempotency_key for row in rows]
    existing = set(
        Notification.objects.filter(idempotency_key__in=keys).values_list(
            "idempotency_key", flat=True
        )
    )
    new = []
    for row in rows:  # a recipient named twice is written once
        if row.idempotency_key not in existing:
            existing.add(row.idempotency_key)
            new.append(row)
    try:
        with transaction.atomic():
            return Notification.objects.bulk_create(new)
    except IntegrityError:
        written = []
        for row in new:
            try:
                with transaction.atomic():
                    row.save()
            except IntegrityError:
                continue  # written meanwhile for this occurrence
            written.append(row)
        return written


# At most this many emails in one delivery task. A task sends its emails one after another over
# the worker process's mail connection, so the broker round trip and the task's own overhead are
# paid once per batch; and a batch ends well inside the soft time limit even when the mail
# server answers slowly.
DELIVERY_BATCH_SIZE = 50


def outbox_publish(*, ids: list[int], countdown: int | None = None) -> None:
    """Queue the delivery of these email rows, DELIVERY_BATCH_SIZE ids per task.

    Publishes at once: call it after commit. Raises the broker's error when it is down (the rows
    stay pending and the sweeper queues them again).
    """
    from .tasks import deliver_batch

    for start in range(0, len(ids), DELIVERY_BATCH_SIZE):
        batch = ids[start : start + DELIVERY_BATCH_SIZE]
        if countdown:
            deliver_batch.apply_async((batch,), countdown=countdown)
        else:
            deliver_batch.delay(batch)


class _TransactionOutbox:
    """The pending emails written in one transaction, queued together when it commits."""

    def __init__(self, hooks: list):
        # The connection's list of on-commit hooks: a commit or a rollback replaces it, so a
        # new list means a new transaction.
        self.hooks = hooks
        self.ids: list[int] = []
        self.queued = False


class _QueueOnCommit:
    """The on-commit hook of one notify() call.

    After the commit the first hook to run queues the emails of the whole transaction, so a
    transaction that writes many notifications makes a few tasks rather than one per email;
    the other hooks find them queued. A hook run while the transaction is still open (a test
    capturing on-commit callbacks) queues only its own rows.
    """

    def __init__(self, outbox: _TransactionOutbox, ids: list[int]):
        self.outbox = outbox
        self.ids = ids

    def __call__(self) -> None:
        if transaction.get_connection().in_atomic_block:
            outbox_publish(ids=self.ids)
        elif not self.outbox.queued:
            # Marked first: with the broker down the other hooks must not each wait for it.
            self.outbox.queued = True
            outbox_publish(ids=self.outbox.ids)


def _deliver_after_commit(notification_ids: list[int]) -> None:
    """Queue the delivery of these rows once the transaction commits, with the other rows it
    wrote. `robust` keeps a broker outage from failing the request that caused the event: the
    rows stay pending and the sweeper (Celery beat, every minute) queues them again when the
    broker is back. The ids of rows a savepoint rolled back may be queued too: the task finds
    no pending row for them and skips them."""
    if not notification_ids:
        return
    connection = transaction.get_connection()
    outbox = getattr(connection, "notifications_outbox", None)
    if outbox is None or outbox.queued or outbox.hooks is not connection.run_on_commit:
        outbox = connection.notifications_outbox = _TransactionOutbox(connection.run_on_commit)
    outbox.ids.extend(notification_ids)
    transaction.on_commit(_QueueOnCommit(outbox, notification_ids), robust=True)


def notify(
    *,
    event: str,
    recipients: Iterable[Recipient],
    context: dict[str, Any],
    dedupe_key: str,
    in_app: bool = True,
) -> list[Notification]:
    """Write one outbox row per recipient and channel, and deliver emails after commit.

    Call inside the transaction of the event: a rollback leaves no row. `dedupe_key`
    names the event occurrence (e.g. "project:12:submitted:v3"); with the recipient and
    channel it forms the row's idempotency key, so calling twice writes nothing new.
    `context` must be JSON-serialisable. An email the recipient switched off (a preference,
    or the link in an earlier email of this kind to their address) is written as skipped.
    Returns the rows written now.
    """
    recipients = list(recipients)
    wanted = _emails_wanted(recipients, event)
    rows: list[Notification] = []
    for recipient in recipients:
        channels = [Notification.Channel.EMAIL]
        if in_app and recipient.user_id is not None:
            channels.append(Notification.Channel.IN_APP)
        for channel in channels:
            row = Notification(
                recipient_id=recipient.user_id,
                email=recipient.email,
                language=recipient.language
                if recipient.language in dict(settings.LANGUAGES)
                else settings.LANGUAGE_CODE,
                event=event,
                context=context,
                channel=channel,
                idempotency_key=f"{dedupe_key}:{recipient.user_id or recipient.email}:{channel}",
            )
            if channel == Notification.Channel.IN_APP:
                # In-app rows are delivered by being written.
                notification_set_status(notification=row, status=Notification.Status.SENT)
                row.sent_at = timezone.now()
            elif not wanted(recipient):
                notification_set_status(notification=row, status=Notification.Status.SKIPPED)
            rows.append(row)
    written = _write_new(rows)
    pending = [row.pk for row in written if row.status == Notification.Status.PENDING]
    _deliver_after_commit(pending)
    return written


UNSUBSCRIBE_SALT = "notifications.unsubscribe"


@dataclass(frozen=True)
class UnsubscribeLink:
    """What a signed unsubscribe link stops: one kind of email, for an account or an address."""

    event: str
    user_id: int | None = None
    email: str = ""


def unsubscribe_token(*, event: str, user_id: int | None = None, email: str = "") -> str:
    """A signed token that stops one kind of email without logging in: for an account
    (`user_id`, it turns the preference off) or for an address without one (`email`, it
    records a suppression)."""
    if user_id is not None:
        data = {"u": user_id, "e": event}
    elif email:
        data = {"m": normalise_email(email), "e": event}
    else:
        raise ValueError("an unsubscribe token needs a user id or an email address")
    return signing.dumps(data, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str) -> UnsubscribeLink:
    """What a token stops; raises signing.BadSignature if forged or older than a year (a link
    in an old email then asks the user to log in and use the preferences page)."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=timedelta(days=365))
    try:
        if "u" in data:
            return UnsubscribeLink(event=str(data["e"]), user_id=int(data["u"]))
        return UnsubscribeLink(event=str(data["e"]), email=str(data["m"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise signing.BadSignature("malformed unsubscribe token") from exc


def unsubscribe_check(link: UnsubscribeLink) -> None:
    """Raise NothingToUnsubscribe when the link's kind of email cannot be stopped (unknown or
    not optional) or its account has been deleted since the email was sent."""
    spec = EVENTS.get(link.event)
    if spec is None or not spec.optional:
        raise NothingToUnsubscribe(link.event)
    if link.user_id is not None and not get_user_model().objects.filter(pk=link.user_id).exists():
        raise NothingToUnsubscribe(link.event)


def unsubscribe_apply(*, link: UnsubscribeLink) -> None:
    """Stop the link's kind of email: turn the account's preference off, or suppress the address.

    Idempotent. Later emails of that kind are written as skipped; those already sent or queued
    are not recalled. Raises NothingToUnsubscribe as `unsubscribe_check` does, also when the
    account disappears while this runs.
    """
    unsubscribe_check(link)
    if link.user_id is None:
        EmailSuppression.objects.get_or_create(email=normalise_email(link.email), event=link.event)
        return
    try:
        with transaction.atomic():
            NotificationPreference.objects.update_or_create(
                user_id=link.user_id, event=link.event, defaults={"email_enabled": False}
            )
    except IntegrityError:
        # The account was deleted between the check and the write.
        raise NothingToUnsubscribe(link.event) from None


def preference_set(*, user_id: int, event: str, email_enabled: bool) -> NotificationPreference:
    """Turn one kind of email on or off for a user. Raises ValueError for an event that
    cannot be switched off."""
    spec = EVENTS.get(event)
    if spec is None or (not spec.optional and not email_enabled):
        raise ValueError(f"emails of {event!r} cannot be turned off")
    pref, _created = NotificationPreference.objects.update_or_create(
        user_id=user_id, event=event, defaults={"email_enabled": email_enabled}
    )
    return pref


def notification_mark_read(*, user, notification_id: int) -> int:
    """Mark one of the user's in-app notifications read; returns how many rows changed."""
    return Notification.objects.filter(
        pk=notification_id,
        recipient=user,
        channel=Notification.Channel.IN_APP,
        read_at__isnull=True,
    ).update(read_at=timezone.now())


def notification_mark_all_read(*, user) -> int:
    """Mark all of the user's in-app notifications read; returns how many rows changed."""
    return Notification.objects.filter(
        recipient=user, channel=Notification.Channel.IN_APP, read_at__isnull=True
    ).update(read_at=timezone.now())


def notification_retry(*, ids) -> int:
    """Put failed email rows back to pending and queue their delivery after commit.

    Rows that are not failed emails are left alone. Returns how many were queued again.
    """
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update().filter(
                pk__in=ids, status=Notification.Status.FAILED, channel=Notification.Channel.EMAIL
            )
        )
        for row in rows:
            notification_set_status(notification=row, status=Notification.Status.PENDING)
            row.attempts = 0
            row.next_attempt_at = None
            row.save(update_fields=["status", "attempts", "next_attempt_at"])
        _deliver_after_commit([row.pk for row in rows])
    return len(rows)


def notification_claim(*, notification_id: int) -> Notification | None:
    """Lock a pending email row for its delivery and return it with its recipient (whom the
    templates name); None when it is no longer pending or another task holds it.

    Call in the transaction that sends the email and records the outcome: the lock keeps a
    duplicate task from sending it too until that transaction ends.
    """
    return (
        Notification.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("recipient")
        .filter(
            pk=notification_id,
            status=Notification.Status.PENDING,
            channel=Notification.Channel.EMAIL,
        )
        .first()
    )


def outbox_pending_ids(*, ids: Iterable[int]) -> list[int]:
    """Of `ids`, those of email rows still pending, in the given order (one query): a batch
    delivered twice finds nothing left to do without locking each row."""
    ids = list(dict.fromkeys(ids))
    pending = set(
        Notification.objects.filter(
            pk__in=ids, status=Notification.Status.PENDING, channel=Notification.Channel.EMAIL
        ).values_list("pk", flat=True)
    )
    return [pk for pk in ids if pk in pending]


def outbox_defer(*, ids: list[int], countdown: int) -> None:
    """Queue the delivery of these pending emails again in `countdown` seconds without counting
    an attempt (the rest of a batch when the mail server could not be reached), and stamp that
    time as their next attempt, so the sweeper waits for it."""
    Notification.objects.filter(pk__in=ids, status=Notification.Status.PENDING).update(
        next_attempt_at=timezone.now() + timedelta(seconds=countdown)
    )
    transaction.on_commit(partial(outbox_publish, ids=ids, countdown=countdown), robust=True)


def _record_delivery(notification: Notification, fields: tuple[str, ...]) -> None:
    # A locked row's bookkeeping, written with UPDATE rather than save(): the sending task
    # writes one per email, and the save signals' receivers (which drop cached pages and lists)
    # have nothing to drop for an outbox row.
    Notification.objects.filter(pk=notification.pk).update(
        **{field: getattr(notification, field) for field in fields}
    )


def notification_mark_sent(*, notification: Notification) -> None:
    """Record a successful delivery of a locked pending row (the sending task's last step)."""
    notification_set_status(notification=notification, status=Notification.Status.SENT)
    notification.sent_at = timezone.now()
    notification.next_attempt_at = None
    _record_delivery(
        notification, ("attempts", "status", "sent_at", "last_error", "next_attempt_at")
    )


def notification_schedule_retry(*, notification: Notification, error: str, countdown: int) -> None:
    """Record a failed attempt of a locked pending row whose delivery is tried again in
    `countdown` seconds; the sweeper leaves it alone until a minute after that."""
    notification.last_error = error[:2000]
    notification.next_attempt_at = timezone.now() + timedelta(seconds=countdown)
    _record_delivery(notification, ("attempts", "last_error", "next_attempt_at"))


def notification_mark_failed(*, notification: Notification, error: str) -> None:
    """Record the last failed attempt of a locked pending row: failed for good, the error kept
    (the admin may retry it)."""
    notification_set_status(notification=notification, status=Notification.Status.FAILED)
    notification.last_error = error[:2000]
    notification.next_attempt_at = None
    _record_delivery(notification, ("attempts", "status", "last_error", "next_attempt_at"))


def notification_fail(*, notification_id: int, error: str) -> Notification | None:
    """Count an attempt and mark a pending email failed for good, in a transaction of its own.

    For a delivery whose transaction rolled back on an error that no retry will cure: the
    attempt, the error and the failed status are written after the rollback. Returns None when
    the row is no longer pending (another delivery settled it meanwhile).
    """
    with transaction.atomic():
        row = (
            Notification.objects.select_for_update()
            .filter(pk=notification_id, status=Notification.Status.PENDING)
            .first()
        )
        if row is None:
            return None
        row.attempts += 1
        notification_mark_failed(notification=row, error=error)
    return row


def outbox_requeue_stale(
    *, older_than_seconds: int = 60, batch_size: int = 500, limit: int = 10_000
) -> int:
    """Queue the delivery of pending emails that no task is going to deliver: written more than
    `older_than_seconds` ago and not waiting for a retry due within that time.

    Works oldest first in chunks of `batch_size`, at most `limit` rows per call, each chunk
    queued as tasks of DELIVERY_BATCH_SIZE. Each row queued gets `next_attempt_at = now`, which
    keeps it out of the later chunks of this call and out of the next sweep for a minute.
    Returns how many rows were queued.
    """
    now = timezone.now()
    cutoff = now - timedelta(seconds=older_than_seconds)
    due = Notification.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lt=cutoff),
        status=Notification.Status.PENDING,
        channel=Notification.Channel.EMAIL,
        created_at__lt=cutoff,
    ).order_by("created_at", "id")  # the oldest first after an outage
    queued = 0
    while queued < limit:
        ids = list(due.values_list("pk", flat=True)[: min(batch_size, limit - queued)])
        if not ids:
            break
        # Stamped before publishing: an eager or quick worker may already reschedule a retry.
        Notification.objects.filter(pk__in=ids, status=Notification.Status.PENDING).update(
            next_attempt_at=now
        )
        outbox_publish(ids=ids)
        queued += len(ids)
    return queued


def outbox_health() -> dict:
    """How many emails wait, and for how long the oldest has waited (for /healthz)."""
    pending = Notification.objects.filter(
        status=Notification.Status.PENDING, channel=Notification.Channel.EMAIL
    )
    oldest = pending.order_by("created_at").values_list("created_at", flat=True).first()
    age = (timezone.now() - oldest).total_seconds() if oldest else 0
    return {"pending": pending.count(), "oldest_pending_seconds": round(age, 1)}
