"""Every event renders in both languages, for every kind of recipient, with no missing value."""

import re

import pytest

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
NAME = 'Tanaka & Sons "Sato"'
CONTEXTS = {
    "pamphlet_requested": {"lead_id": 3, "organization": "株式会社オホーツク", "name": NAME},
    "lead_received": {
        "lead_id": 3,
        "organization": "株式会社オホーツク",
        "name": NAME,
        "region": "北見",
    },
    "inquiry_acknowledged": {"inquiry_id": 5, "name": NAME, "organization": "帯広市"},
    "inquiry_received": {"inquiry_id": 5, "name": NAME, "organization": "", "message": "始め方は?"},
    "host_invited": {"organization": "旭川の木工房", "name": NAME, "token": "SECRET-TOKEN"},
    "project_submitted": {"project_id": 7, "title": "函館の朝市を未来へ", "version": 2},
    "project_changes_requested": {"project_id": 7, "title": "函館の朝市", "comment": "具体的に"},
    "project_approved": {"project_id": 7, "title": "函館の朝市を未来へ"},
    "project_published": {"project_id": 7, "title": "函館の朝市を未来へ"},
    "project_cancelled": {"project_id": 7, "title": "函館の朝市を未来へ", "reason": ""},
    "application_received": APP,
    "application_new": APP,
    "application_screening": APP,
    "application_interviewing": APP,
    "application_offered": APP,
    "application_rejected": {**APP, "message": "またのご応募を"},
    "application_project_cancelled": {
        **APP,
        "message": "受入体制が整わず <中止> & お詫び",
        "placement": True,
    },
    "application_withdrawn": APP,
    "offer_declined": APP,
    "application_accepted": {**APP, "placement_id": 9},
    "interview_proposed": {**APP, "interview_id": 11},
    "interview_scheduled": {
        **APP,
        "interview_id": 11,
        "starts_at": "2027-07-03T01:30:00+00:00",
        "sequence": 1,
    },
    "interview_cancelled": {**APP, "interview_id": 11, "reason": "体調不良"},
    "interview_unscheduled": {
        **APP,
        "interview_id": 11,
        "starts_at": "2027-07-03T01:30:00+00:00",
        "note": "授業と重なりました <再調整> & お願いします",
    },
    "placement_completed": {**APP, "placement_id": 9},
    "interview_reminder": {
        **APP,
        "interview_id": 11,
        "starts_at": "2027-07-03T01:30:00+00:00",
        "hours": 24,
        "mode": "オンライン",
        "meeting_url": "https://meet.example.jp/abc?x=1&y=2",
        "place": "",
    },
    "pre_assignment_due": {**APP, "deadline": "2027-07-01T14:59:00+00:00"},
    "entry_deadline_approaching": {
        "project_id": 7,
        "title": "函館の朝市を未来へ",
        "deadline": "2027-06-30T14:59:00+00:00",
        "entries": 1,
        "capacity": 2,
    },
    "pre_assignment_reminder": {**APP, "deadline": "2027-07-01T14:59:00+00:00"},
    "interview_pick_reminder": {**APP, "interview_id": 11},
    "review_part_reminder": {
        "review_id": 13,
        "placement_id": 9,
        "project_title": APP["project_title"],
        "student_name": APP["student_name"],
        "kind": "中間",
        "due_on": "2027-09-01",
    },
    "review_due": {
        "review_id": 13,
        "placement_id": 9,
        "project_title": APP["project_title"],
        "student_name": APP["student_name"],
        "kind": "中間",
        "due_on": "2027-09-01",
    },
    "review_missed": {
        "review_id": 13,
        "placement_id": 9,
        "project_title": APP["project_title"],
        "student_name": APP["student_name"],
        "kind": "定例",
        "due_on": "2027-09-01",
    },
    "coordinator_digest": {
        "regions": "札幌・北見",
        "new_leads": 2,
        "new_inquiries": 0,
        "projects_to_review": 1,
        "projects_published": 4,
        "entries_waiting": 3,
        "reviews_missed": 1,
        "week": "2027-W14",
    },
    "orientation_scheduled": {
        "placement_id": 9,
        "project_title": APP["project_title"],
        "student_name": APP["student_name"],
        "starts_at": "2027-08-02T00:00:00+00:00",
        "place": "帯広市役所 3階 会議室",
        "meeting_url": "https://meet.example.jp/ori?x=1&y=2",
        "sequence": 2,
    },
    "orientation_cancelled": {
        "placement_id": 9,
        "project_title": APP["project_title"],
        "student_name": APP["student_name"],
        "starts_at": "2027-08-02T00:00:00+00:00",
        "reason": {
            "__i18n__": {"ja": "インターンシップが終了したため", "en": "The internship ended"}
        },
    },
    "review_at_risk": {
        "review_id": 13,
        "placement_id": 9,
        "project_title": APP["project_title"],
        "student_name": APP["student_name"],
        "health": {"__i18n__": {"ja": "要注意", "en": "At risk"}},
    },
    "survey_requested": {
        "response_id": 17,
        "survey_title": "インターン終了アンケート",
        "project_title": APP["project_title"],
    },
}
RECIPIENTS = {
    "visitor": None,
    "host": User(pk=901, email="host@example.jp", name="佐藤 一郎"),
    "coordinator": User(pk=902, email="coord@example.jp", is_staff=True),
}


def test_every_event_in_the_catalogue_has_a_sample_context():
    assert set(CONTEXTS) == set(EVENTS)


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("event", sorted(CONTEXTS))
@pytest.mark.parametrize("who", sorted(RECIPIENTS))
def test_event_renders_completely(event, language, who, strict_templates):
    user = RECIPIENTS[who]
    row = Notification(
        event=event,
        language=language,
        context=CONTEXTS[event],
        email="x@example.jp",
        channel="email",
        idempotency_key="k",
        recipient=user,
    )
    subject, text, html = delivery.render(row)
    assert subject and "\n" not in subject
    assert text.strip() and html and "<html" in html
    for output in (subject, text, html):
        assert "MISSING" not in output
        assert "None" not in output
        assert "{{" not in output and "{%" not in output
    if event == "host_invited":
        # The token travels only inside the acceptance link.
        assert "http://testserver/host/invitations/SECRET-TOKEN/" in text
        assert text.count("SECRET-TOKEN") == 1
    else:
        assert "SECRET-TOKEN" not in text + html
    if language == "ja":
        assert re.search(r"[ぁ-んァ-ン一-龥]", subject)
    assert "http://testserver/" in text
    # Every email can stop its own kind from its footer, for an account or a bare address.
    assert "http://testserver/notifications/unsubscribe/" in text
    assert 'href="http://testserver/notifications/unsubscribe/' in html
    # HTML escapes what people typed; plain text keeps it as written.
    if "project_title" in CONTEXTS[event]:
        assert "&lt;Farm&gt; &amp; Co" in html
        assert "<Farm> & Co" in text
