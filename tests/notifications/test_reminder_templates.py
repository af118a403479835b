"""The reminders a coordinator sends from the admin render in both languages, completely."""

import pytest
from django.template import engines

from accounts.models import User
from notifications import delivery
from notifications.events import EVENTS
from notifications.models import Notification

APP = {
    "application_id": 41,
    "project_id": 7,
    "project_title": "牧場の未来をつくる <Farm> & Co",
    "student_name": "山田 花子",
}
CONTEXTS = {
    "pre_assignment_reminder": {**APP, "deadline": "2027-07-01T14:59:00+00:00"},
    "interview_pick_reminder": {**APP, "interview_id": 11},
    "review_part_reminder": {
        "review_id": 13,
        "placement_id": 9,
        "project_title": APP["project_title"],
        "student_name": APP["student_name"],
        "kind": {"__i18n__": {"ja": "中間", "en": "Midterm"}},
        "due_on": "2027-09-01",
    },
}
LINKS = {
    "pre_assignment_reminder": "http://testserver/me/entries/41/",
    "interview_pick_reminder": "http://testserver/me/entries/41/",
    "review_part_reminder": "http://testserver/reviews/13/",
}


@pytest.fixture
def strict_templates():
    engine = engines["django"].engine
    previous = engine.string_if_invalid
    engine.string_if_invalid = "MISSING<%s>"
    yield
    engine.string_if_invalid = previous


def test_the_reminders_are_in_the_catalogue():
    assert set(CONTEXTS) <= set(EVENTS)


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
