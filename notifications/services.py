"""Writing notifications into the outbox; the only entry point other apps call."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
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


def _email_wanted(user_id: int | None, event: str) -> bool:
    if user_id is None:
        return True
    pref = NotificationPreference.objects.filter(user_id=user_id, event=event).first()
    return pref is None or pref.email_enabled


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
    from .tasks import deliver

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
                deliver.delay_on_commit(row.pk)
    return written
