"""Rendering an outbox row in its recipient's language and handing it to the mailer."""

import contextlib
import hashlib
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.signals import setting_changed
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .calendar import build_ics
from .events import EVENTS
from .models import Notification
from .services import resolve_localized, unsubscribe_token


def unsubscribe_url(row: Notification) -> str | None:
    """The signed link that stops this kind of email: for the account, or for the address when
    there is none. None only for a kind that cannot be stopped."""
    event = EVENTS.get(row.event)
    if event is None or not event.optional:
        return None
    if row.recipient_id is not None:
        token = unsubscribe_token(user_id=row.recipient_id, event=row.event)
    else:
        token = unsubscribe_token(email=row.email, event=row.event)
    return settings.SITE_URL + reverse("notifications:unsubscribe", args=[token])


def render_subject(row: Notification) -> str:
    context = {**resolve_localized(row.context, row.language), "site_url": settings.SITE_URL}
    with translation.override(row.language):
        subject = render_to_string(f"emails/{row.language}/{row.event}.subject.txt", context)
    return " ".join(subject.split())


def render(row: Notification, *, link: str | None = None) -> tuple[str, str, str | None]:
    """Subject, plain text and HTML (None when the event has no HTML template); `link` is the
    unsubscribe link already made for the headers, so both carry the same one."""
    link = link or unsubscribe_url(row)
    context = {
        **resolve_localized(row.context, row.language),
        "site_url": settings.SITE_URL,
        "notification": row,
        "unsubscribe_url": link,
        # An email that cannot be stopped points to the preferences page, which says so.
        "preferences_url": None
        if link
        else settings.SITE_URL + reverse("notifications:preferences"),
    }
    base = f"emails/{row.language}/{row.event}"
    with translation.override(row.language):
        subject = render_to_string(f"{base}.subject.txt", context)
        text = render_to_string(f"{base}.txt", context)
        try:
            html = render_to_string(f"{base}.html", context)
        except TemplateDoesNotExist:
            html = None
    return " ".join(subject.split()), text, html


def message_id(row: Notification) -> str:
    """The same Message-ID on every attempt, so a receiver can drop a repeated delivery."""
    digest = hashlib.sha256(row.idempotency_key.encode()).hexdigest()[:32]
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">") or "localhost"
    return f"<{digest}@{domain}>"


def build_message(row: Notification) -> EmailMultiAlternatives:
    link = unsubscribe_url(row)
    subject, text, html = render(row, link=link)
    headers = {"Message-ID": message_id(row), "X-Notification-Key": row.idempotency_key}
    if link:
        # RFC 8058 one-click unsubscribe: the link answers a POST without logging in.
        headers["List-Unsubscribe"] = f"<{link}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=settings.EMAIL_SUBJECT_PREFIX + subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.email],
        headers=headers,
    )
    if html:
        message.attach_alternative(html, "text/html")
    calendar = row.context.get("calendar")
    if calendar:
        method = calendar.get("method", "REQUEST")
        message.attach(
            "invite.ics",
            build_ics(calendar, attendee=row.email),
            f"text/calendar; charset=utf-8; method={method}",
        )
    return message


class _Mailer:
    """One open connection to the mail server per worker process, reopened when it drops.

    Opening a connection per email costs a handshake each time; a worker sending a queue of
    emails keeps one. Settings changes (tests) start a new one.
    """

    def __init__(self):
        self.connection = None

    def reset(self, **kwargs) -> None:
        if self.connection is not None:
            # Closing a connection the server already dropped may fail too; it is gone anyway.
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.connection.close()
        self.connection = None

    def send(self, message: EmailMultiAlternatives) -> None:
        if self.connection is None:
            self.connection = mailers.default
            self.connection.open()
        try:
            self.connection.send_messages([message])
        except smtplib.SMTPServerDisconnected:
            # The server closed an idle connection: reconnect once, then let errors surface.
            self.reset()
            self.connection = mailers.default
            self.connection.open()
            self.connection.send_messages([message])


_mailer = _Mailer()
setting_changed.connect(_mailer.reset)


def send_email(row: Notification) -> None:
    _mailer.send(build_message(row))
