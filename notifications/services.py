"""Writing notifications into the outbox; the only entry point other apps call."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Notification, NotificationPreference


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


def _email_wanted(user_id: int | None, event: str) -> bool:
    if user_id is None:
        return True
    pref = NotificationPreference.objects.filter(user_id=user_id, event=event).first()
    return pref is None or pref.email_enabled


def _publish(notification_id: int) -> None:
    from .tasks import deliver

    deliver.delay(notification_id)


def _deliver_after_commit(notification_id: int) -> None:
    """Queue the delivery once the event is committed. `robust` keeps a broker outage from
    failing the request that caused the event: the row stays pending and the sweeper
    (Celery beat, every minute) queues it again when the broker is back."""
    transaction.on_commit(partial(_publish, notification_id), robust=True)


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
    `context` must be JSON-serialisable. Returns the rows written now.
    """
    written: list[Notification] = []
    for recipient in recipients:
        channels = [Notification.Channel.EMAIL]
        if in_app and recipient.user_id is not None:
            channels.append(Notification.Channel.IN_APP)
        for channel in channels:
            key = f"{dedupe_key}:{recipient.user_id or recipient.email}:{channel}"
            row = Notification(
                recipient_id=recipient.user_id,
                email=recipient.email,
                language=recipient.language
                if recipient.language in dict(settings.LANGUAGES)
                else settings.LANGUAGE_CODE,
                event=event,
                context=context,
                channel=channel,
                idempotency_key=key,
            )
            if channel == Notification.Channel.IN_APP:
                # In-app rows are delivered by being written.
                row.status = Notification.Status.SENT
                row.sent_at = timezone.now()
            elif not _email_wanted(recipient.user_id, event):
                row.status = Notification.Status.SKIPPED
            try:
                with transaction.atomic():
                    row.save()
            except IntegrityError:
                continue  # already written for this occurrence
            written.append(row)
            if row.status == Notification.Status.PENDING:
                _deliver_after_commit(row.pk)
    return written


UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def unsubscribe_token(*, user_id: int, event: str) -> str:
    """A signed token that turns off one kind of email for one user, without logging in."""
    return signing.dumps({"u": user_id, "e": event}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, str]:
    """The (user id, event) of a token; raises signing.BadSignature if forged or older than a
    year (a link in an old email then asks the user to log in and use the preferences page)."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=timedelta(days=365))
    return int(data["u"]), str(data["e"])


def preference_set(*, user_id: int, event: str, email_enabled: bool) -> NotificationPreference:
    """Turn one kind of email on or off for a user. Raises ValueError for an event that
    cannot be switched off."""
    from .events import EVENTS

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
    """Put failed email rows back to pending and queue their delivery after commit."""
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update()
            .filter(
                pk__in=ids, status=Notification.Status.FAILED, channel=Notification.Channel.EMAIL
            )
            .values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=rows).update(
            status=Notification.Status.PENDING, attempts=0
        )
        for pk in rows:
            _deliver_after_commit(pk)
    return len(rows)


def outbox_health() -> dict:
    """How many emails wait, and for how long the oldest has waited (for /healthz)."""
    pending = Notification.objects.filter(
        status=Notification.Status.PENDING, channel=Notification.Channel.EMAIL
    )
    oldest = pending.order_by("created_at").values_list("created_at", flat=True).first()
    age = (timezone.now() - oldest).total_seconds() if oldest else 0
    return {"pending": pending.count(), "oldest_pending_seconds": round(age, 1)}
