"""The reminders a coordinator sends from the admin render in both languages, completely."""

import pytest

from accounts.models import User
from notifications import delivery
from notifications.models import Notification
from tests.notifications.test_templates import CONTEXTS as ALL_CONTEXTS

LINKS = {
    "pre_assignment_reminder": "http://testserver/me/entries/41/",
    "interview_pick_reminder": "http://testserver/me/entries/41/",
    "review_part_reminder": "http://testserver/reviews/13/",
}


CONTEXTS = {event: ALL_CONTEXTS[event] for event in LINKS}


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("event", sorted(CONTEXTS))
@pytest.mark.parametrize("name", ["", "佐藤 一郎"])
def test_reminder_renders_completely(event, language, name, strict_templates):
    row = Notification(
        event=event,
        language=language,
        context=CONTEXTS[event],
        email="x@example.jp",
        channel="email",
        idempotency_key="k",
        recipient=User(pk=901, email="x@example.jp", name=name),
    )
    subject, text, html = delivery.render(row)
    assert subject and "\n" not in subject
    for output in (subject, text, html):
        assert "MISSING" not in output and "None" not in output and "{{" not in output
    assert LINKS[event] in text and LINKS[event] in html
    assert "&lt;Farm&gt; &amp; Co" in html and "<Farm> & Co" in text
    if language == "ja":
        assert "リマインド" in subject
