"""Rendering an outbox row in its recipient's language and handing it to the mailer."""

import contextlib
import hashlib
import smtplib
from datetime import UTC, datetime
from email import encoders as email_encoders
from email import policy as email_policy
from email.charset import Charset
from email.header import Header
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.signals import setting_changed
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import punycode

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


# The compat32 policy, with the line ends SMTP wants.
WIRE_POLICY = email_policy.compat32.clone(linesep="\r\n")


class OutboxEmail(EmailMultiAlternatives):
    """An outbox email whose MIME form is built with the standard library's compat32 classes.

    Django's own `message()` uses the modern email API, whose parsing and refolding of every
    header cost about 2 ms an email, near half of a worker's time per email (bench/, README).
    The compat32 classes (Django's own up to 5.2) build the same parts and headers in a quarter
    of the time. They also keep a Japanese subject's spaces where the modern folder may drop
    one between encoded words, and leave a long List-Unsubscribe URL whole where the modern
    folder turns it into encoded words, which RFC 2369 readers do not decode. Text parts and
    the attachment go as base64 of UTF-8 with CRLF line ends.
    """

    def message(self, *, policy=None):
        # `policy` is the modern one the SMTP backend asks for; these parts carry their own.
        charset = self.encoding or settings.DEFAULT_CHARSET
        msg = _text_part(self.body, "plain", charset)
        if self.alternatives:
            alternative = MIMEMultipart("alternative", policy=WIRE_POLICY)
            alternative.attach(msg)
            for content, mimetype in self.alternatives:
                alternative.attach(_text_part(content, mimetype.split("/", 1)[1], charset))
            msg = alternative
        if self.attachments:
            mixed = MIMEMultipart("mixed", policy=WIRE_POLICY)
            mixed.attach(msg)
            for filename, content, mimetype in self.attachments:
                mixed.attach(_attachment_part(filename, content, mimetype, charset))
            msg = mixed
        msg["Subject"] = _header_value(self.subject, charset)
        msg["From"] = _address(self.extra_headers.get("From", self.from_email))
        for name, addresses in (("To", self.to), ("Cc", self.cc), ("Reply-To", self.reply_to)):
            if name in self.extra_headers:
                msg[name] = _header_value(self.extra_headers[name], charset)
            elif addresses:
                msg[name] = ", ".join(_address(address) for address in addresses)
        names = {name.lower() for name in self.extra_headers}
        if "date" not in names:
            zone = timezone.get_current_timezone() if settings.EMAIL_USE_LOCALTIME else UTC
            msg["Date"] = format_datetime(datetime.now(zone))
        if "message-id" not in names:
            msg["Message-ID"] = make_msgid()
        for name, value in self.extra_headers.items():
            if name.lower() == "bcc":
                raise ValueError("Bcc is not a valid email header")
            if name.lower() not in {"from", "to", "cc", "reply-to"}:
                msg[name] = _header_value(value, charset)
        return msg


def _header_value(value, charset: str) -> str | Header:
    value = str(value)
    if "\n" in value or "\r" in value:
        raise ValueError("Header values may not contain linefeed or carriage return characters")
    return value if value.isascii() else Header(value, charset)


def _address(address: str) -> str:
    """One address for a header: a non-ASCII name as an encoded word, a non-ASCII domain in
    IDNA (a non-ASCII local part cannot be sent; the SMTP backend refuses it)."""
    name, addr = parseaddr(str(address))
    if "@" not in addr or "\n" in address or "\r" in address:
        raise ValueError(f"Invalid address {address!r}")
    local, domain = addr.rsplit("@", 1)
    return formataddr((name, f"{local}@{punycode(domain)}"), charset="utf-8")


def _text_part(text: str, subtype: str, charset: str) -> MIMEText:
    # Text in its canonical form (CRLF line ends) before base64 hides them from the transport.
    text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    return MIMEText(text, subtype, Charset(charset), policy=WIRE_POLICY)


def _attachment_part(filename: str, content, mimetype: str, charset: str) -> Message:
    """An attachment as base64; `mimetype` may carry parameters ("text/calendar; method=…")."""
    kind, *parameters = (part.strip() for part in mimetype.split(";"))
    maintype, subtype = kind.split("/", 1)
    params = dict(parameter.split("=", 1) for parameter in parameters if "=" in parameter)
    if isinstance(content, str):
        content = content.encode(params.get("charset", charset))
    part = MIMEBase(maintype, subtype, policy=WIRE_POLICY, **params)
    part.set_payload(content)
    email_encoders.encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=filename)
    return part


def build_message(row: Notification) -> EmailMultiAlternatives:
    link = unsubscribe_url(row)
    subject, text, html = render(row, link=link)
    headers = {"Message-ID": message_id(row), "X-Notification-Key": row.idempotency_key}
    if link:
        # RFC 8058 one-click unsubscribe: the link answers a POST without logging in.
        headers["List-Unsubscribe"] = f"<{link}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = OutboxEmail(
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
