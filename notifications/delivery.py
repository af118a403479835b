"""Rendering an outbox row in its recipient's language and handing it to the mailer."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

from .models import Notification


def render(row: Notification) -> tuple[str, str, str | None]:
    """Subject, plain text and HTML (None when the event has no HTML template)."""
    context = {**row.context, "site_url": settings.SITE_URL, "notification": row}
    base = f"emails/{row.language}/{row.event}"
    with translation.override(row.language):
        subject = render_to_string(f"{base}.subject.txt", context)
        text = render_to_string(f"{base}.txt", context)
        try:
            html = render_to_string(f"{base}.html", context)
        except TemplateDoesNotExist:
            html = None
    return " ".join(subject.split()), text, html


def send_email(row: Notification) -> None:
    subject, text, html = render(row)
    message = EmailMultiAlternatives(
        subject=settings.EMAIL_SUBJECT_PREFIX + subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.email],
        headers={"X-Notification-Key": row.idempotency_key},
    )
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
