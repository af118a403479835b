"""An outbox email's wire form: the message Django's own builder makes, built faster."""

import email
import email.policy
import re

import pytest
from django.core.mail import EmailMultiAlternatives
from django.test import override_settings
from django.utils.encoding import punycode

from accounts.models import User
from notifications import delivery
from notifications.models import Notification
from tests.notifications.test_templates import CONTEXTS
from tests.smtp_sink import CountingHandler, start_sink

CALENDAR = {
    "uid": "interview-9@jissen",
    "sequence": 2,
    "start": "2027-07-03T01:30:00+00:00",
    "end": "2027-07-03T02:30:00+00:00",
    "summary": "面接: 函館の朝市",
    "method": "CANCEL",
}
HOST = User(pk=901, email="host@example.jp", name="佐藤 一郎")


def _row(event="project_published", language="ja", *, recipient=None, **fields) -> Notification:
    return Notification(
        pk=77,
        event=event,
        language=language,
        context=fields.pop("context", CONTEXTS.get(event)),
        email=fields.pop("email", "student@example.jp"),
        channel="email",
        idempotency_key=f"k:{event}:{language}",
        recipient=recipient,
        **fields,
    )


def _parse(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def _ours(message) -> bytes:
    return message.message(policy=email.policy.SMTP).as_bytes()


def _djangos(message) -> bytes:
    return EmailMultiAlternatives.message(message, policy=email.policy.SMTP).as_bytes()


def _summary(parsed) -> tuple:
    """A parsed message's headers and parts, in forms that do not depend on the encoding."""
    # Not the subject: where the modern folder splits a Japanese subject into encoded words it
    # may drop a space ("お知らせ: 牧場" arrives as "お知らせ:牧場"); ours must keep it.
    names = ("From", "To", "Message-ID", "X-Notification-Key")
    headers = {name: str(parsed[name]) for name in names}
    headers["List-Unsubscribe"] = str(parsed["List-Unsubscribe"] or "").strip()
    headers["List-Unsubscribe-Post"] = str(parsed["List-Unsubscribe-Post"] or "")
    parts = []
    for part in parsed.walk():
        if part.is_multipart():
            parts.append(part.get_content_type())
            continue
        content = part.get_content().replace("\r\n", "\n")
        params = dict(part.get_params()[1:])
        parts.append((part.get_content_type(), params, part.get_filename(), content))
    return headers, parts


@pytest.mark.parametrize(
    "row",
    [
        *(pytest.param(_row(event, "ja"), id=f"{event}-ja") for event in sorted(CONTEXTS)),
        pytest.param(_row("project_approved", "en", recipient=HOST), id="account-en"),
        pytest.param(
            _row(
                "interview_scheduled",
                context={**CONTEXTS["interview_scheduled"], "calendar": CALENDAR},
            ),
            id="calendar",
        ),
        pytest.param(_row(email="student@例え.jp"), id="idn-domain"),
    ],
)
def test_the_wire_form_is_djangos_message_with_the_unsubscribe_url_whole(row):
    message = delivery.build_message(row)
    ours, djangos = _ours(message), _djangos(message)
    assert _summary(_parse(ours)) == _summary(_parse(djangos))
    assert _parse(ours)["Subject"] == message.subject
    # SMTP's line ends throughout, no line over RFC 5322's limit.
    assert b"\n" not in ours.replace(b"\r\n", b"")
    assert max(len(line) for line in ours.split(b"\r\n")) <= 998
    # The one-click link is readable by RFC 2369 clients: whole, not in encoded words.
    header = re.search(rb"^List-Unsubscribe:((?:.|\r\n[ \t])*)\r\n", ours, re.MULTILINE)
    assert (
        header.group(1).replace(b"\r\n", b"").strip().decode()
        == (message.extra_headers["List-Unsubscribe"])
    )


def test_names_go_as_encoded_words_and_domains_in_idna():
    parsed = _parse(_ours(delivery.build_message(_row(email="student@例え.jp"))))
    (sender,) = parsed["From"].addresses
    assert sender.display_name == "北海道チャレンジコミュニティ"
    assert str(parsed["To"]) == f"student@{punycode('例え.jp')}"
    assert parsed["Subject"].startswith("[Jissen] ")


def test_a_header_value_with_a_line_break_is_refused():
    message = delivery.build_message(_row())
    message.extra_headers["X-Notification-Key"] = "k\r\nBcc: someone@example.jp"
    with pytest.raises(ValueError, match="linefeed"):
        message.message()


class _KeepingHandler(CountingHandler):
    def __init__(self):
        super().__init__()
        self.received: list[bytes] = []
        self.peers: set = set()

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope.content)
        self.peers.add(session.peer)
        return await super().handle_DATA(server, session, envelope)


def test_emails_sent_over_smtp_arrive_whole_over_one_connection():
    handler = _KeepingHandler()
    sink = start_sink(handler)
    smtp = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": sink.port, "timeout": 5},
        }
    }
    rows = [
        _row(),
        _row(
            "interview_scheduled", context={**CONTEXTS["interview_scheduled"], "calendar": CALENDAR}
        ),
    ]
    try:
        with override_settings(MAILERS=smtp):
            for row in rows:
                delivery.send_email(row)
    finally:
        sink.stop()
    assert len(handler.peers) == 1  # the connection stayed open between the two
    assert dict(handler.keys) == {row.idempotency_key: 1 for row in rows}
    for row, raw in zip(rows, handler.received, strict=True):
        message = delivery.build_message(row)
        assert _summary(_parse(raw)) == _summary(_parse(_djangos(message)))
        assert _parse(raw)["Subject"] == message.subject
