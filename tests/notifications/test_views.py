"""The bell, the notifications page, email preferences and the signed unsubscribe link."""

import re

import pytest
from django.core import mail, signing
from django.test import Client

from notifications.events import EVENTS, Event
from notifications.models import EmailSuppression, Notification, NotificationPreference
from notifications.services import Recipient, notify, unsubscribe_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _tell(user, n=1, event="project_approved"):
    for i in range(n):
        notify(
            event=event,
            recipients=[Recipient.of(user)],
            context={"project_id": i, "title": f"プロジェクト{i}"},
            dedupe_key=f"test:{event}:{i}",
        )


def test_bell_shows_the_unread_count(client):
    user = UserFactory()
    _tell(user, 3)
    client.force_login(user)
    html = client.get("/").content.decode()
    assert 'data-testid="unread-count">3<' in html


def test_notifications_page_lists_own_in_app_rows_only(client):
    user, other = UserFactory(), UserFactory()
    _tell(user, 2)
    _tell(other, 1, event="project_published")
    client.force_login(user)
    response = client.get("/notifications/")
    assert response.status_code == 200
    assert len(response.context["items"]) == 2
    assert "承認" in response.content.decode()


def test_mark_read_and_mark_all_read(client):
    user = UserFactory()
    _tell(user, 3)
    client.force_login(user)
    first = Notification.objects.filter(recipient=user, channel="in_app").first()
    response = client.post(f"/notifications/{first.pk}/read/")
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    client.post("/notifications/read-all/")
    assert not Notification.objects.filter(recipient=user, channel="in_app", read_at=None).exists()


def test_someone_elses_notification_gives_404(client):
    owner, intruder = UserFactory(), UserFactory()
    _tell(owner)
    row = Notification.objects.get(recipient=owner, channel="in_app")
    client.force_login(intruder)
    assert client.post(f"/notifications/{row.pk}/read/").status_code == 404
    row.refresh_from_db()
    assert row.read_at is None


def test_mark_read_is_post_only(client):
    user = UserFactory()
    _tell(user)
    row = Notification.objects.get(recipient=user, channel="in_app")
    client.force_login(user)
    assert client.get(f"/notifications/{row.pk}/read/").status_code == 405


def test_notification_pages_need_login(client):
    assert client.get("/notifications/").status_code == 302
    assert client.get("/notifications/preferences/").status_code == 302


def test_preferences_turn_an_email_off_and_it_is_honoured(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory()
    client.force_login(user)
    form = client.get("/notifications/preferences/").context["form"]
    assert "project_approved" in form.fields
    assert "application_offered" in form.fields  # every email to a user can be turned off
    assert "pamphlet_requested" not in form.fields  # a visitor's one-off answer
    data = {name: "on" for name in form.fields if name != "project_approved"}
    assert client.post("/notifications/preferences/", data).status_code == 302
    assert (
        NotificationPreference.objects.get(user=user, event="project_approved").email_enabled
        is False
    )
    with django_capture_on_commit_callbacks(execute=True):
        _tell(user)
    assert mail.outbox == []
    assert Notification.objects.get(recipient=user, channel="in_app").status == "sent"


def test_unsubscribe_link_works_without_login_and_get_changes_nothing(client):
    user = UserFactory()
    token = unsubscribe_token(user_id=user.pk, event="project_approved")
    page = client.get(f"/notifications/unsubscribe/{token}/")
    assert page.status_code == 200
    assert not NotificationPreference.objects.exists()
    done = client.post(f"/notifications/unsubscribe/{token}/")
    assert done.status_code == 200
    assert (
        NotificationPreference.objects.get(user=user, event="project_approved").email_enabled
        is False
    )


def test_a_forged_unsubscribe_link_gives_404(client):
    assert client.get("/notifications/unsubscribe/forged-token/").status_code == 404
    assert client.post("/notifications/unsubscribe/forged-token/").status_code == 404


def test_unsubscribing_after_the_account_was_deleted_says_there_is_nothing_to_stop(client):
    user = UserFactory()
    token = unsubscribe_token(user_id=user.pk, event="project_approved")
    user.delete()
    page = client.get(f"/notifications/unsubscribe/{token}/")
    assert page.status_code == 404 and page.context["nothing"] is True
    done = client.post(f"/notifications/unsubscribe/{token}/")
    assert done.status_code == 404 and done.context["nothing"] is True
    assert not NotificationPreference.objects.exists()


def test_the_same_link_works_while_the_account_exists(client):
    user = UserFactory()
    token = unsubscribe_token(user_id=user.pk, event="project_approved")
    assert client.post(f"/notifications/unsubscribe/{token}/").status_code == 200
    assert NotificationPreference.objects.filter(user=user, email_enabled=False).exists()


def test_emails_carry_the_unsubscribe_link_and_one_click_header(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _tell(user)
    message = mail.outbox[0]
    assert "/notifications/unsubscribe/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["Message-ID"].startswith("<")


# --- emails to addresses without an account ------------------------------------------------

VISITOR = "Visitor@Example.jp"


def _pamphlet(key: str, email: str = VISITOR, event: str = "pamphlet_requested") -> Notification:
    (row,) = notify(
        event=event,
        recipients=[Recipient(email=email, language="en")],
        context={"lead_id": 3, "organization": "", "name": "Hanako", "inquiry_id": 4},
        dedupe_key=key,
    )
    return row


def _link_in(message) -> str:
    match = re.search(r"http://testserver(/notifications/unsubscribe/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_a_visitors_email_carries_a_signed_link_and_matching_one_click_headers(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        _pamphlet("lead:1")
    (message,) = mail.outbox
    link = _link_in(message)
    assert message.extra_headers["List-Unsubscribe"] == f"<http://testserver{link}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = message.alternatives[0].content
    assert f'href="http://testserver{link}"' in html


def test_a_visitors_link_works_without_login_and_stops_the_next_email_of_that_kind(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        first = _pamphlet("lead:1")
    link = _link_in(mail.outbox[0])
    # A mail client's one-click POST: no login, no CSRF token.
    anonymous = Client(enforce_csrf_checks=True)
    page = anonymous.get(link)
    assert page.status_code == 200 and not EmailSuppression.objects.exists()
    done = anonymous.post(link, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and done.context["for_address"] is True
    assert EmailSuppression.objects.filter(
        email="visitor@example.jp", event="pamphlet_requested"
    ).exists()
    assert anonymous.post(link).status_code == 200  # a second click changes nothing
    assert EmailSuppression.objects.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        again = _pamphlet("lead:2", email="visitor@example.jp")
        other_kind = _pamphlet("inquiry:4", event="inquiry_acknowledged")
        other_address = _pamphlet("lead:3", email="someone@example.jp")
    assert again.status == "skipped"
    assert other_kind.status == "pending" and other_address.status == "pending"
    assert sorted(m.to[0] for m in mail.outbox[1:]) == ["Visitor@Example.jp", "someone@example.jp"]
    first.refresh_from_db()
    assert first.status == "sent"  # the email already sent is not affected


@pytest.mark.parametrize("tamper", ["payload", "signature", "other_salt"])
def test_a_tampered_visitor_link_is_refused(client, tamper):
    token = unsubscribe_token(email=VISITOR, event="pamphlet_requested")
    payload, timestamp, signature = token.rsplit(":", 2)
    if tamper == "payload":
        other = unsubscribe_token(email="victim@example.jp", event="pamphlet_requested")
        token = ":".join([other.rsplit(":", 2)[0], timestamp, signature])
    elif tamper == "signature":
        token = ":".join(
            [payload, timestamp, signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")]
        )
    else:
        token = signing.dumps({"m": VISITOR, "e": "pamphlet_requested"}, compress=True)
    assert client.get(f"/notifications/unsubscribe/{token}/").status_code == 404
    assert client.post(f"/notifications/unsubscribe/{token}/").status_code == 404
    assert not EmailSuppression.objects.exists()


def test_a_visitor_kind_turned_off_by_link_can_be_turned_on_in_preferences(client):
    user = UserFactory()
    token = unsubscribe_token(user_id=user.pk, event="inquiry_acknowledged")
    client.post(f"/notifications/unsubscribe/{token}/")
    client.force_login(user)
    form = client.get("/notifications/preferences/").context["form"]
    assert "inquiry_acknowledged" in form.fields
    assert "pamphlet_requested" not in form.fields


# --- a kind that cannot be stopped ---------------------------------------------------------


@pytest.fixture
def essential_event(monkeypatch):
    """`project_approved` as if it were an email everybody must get (a security notice)."""
    name = "project_approved"
    monkeypatch.setitem(EVENTS, name, Event(name, EVENTS[name].label, optional=False))
    return name


def test_an_essential_email_links_to_the_preferences_page_instead(
    client, essential_event, django_capture_on_commit_callbacks
):
    user = UserFactory()
    preference_off = NotificationPreference.objects.create(
        user=user, event=essential_event, email_enabled=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        _tell(user)
    (message,) = mail.outbox  # sent whatever the stored preference says
    assert "/notifications/unsubscribe/" not in message.body
    assert "http://testserver/notifications/preferences/" in message.body
    assert "http://testserver/notifications/preferences/" in message.alternatives[0].content
    assert "List-Unsubscribe" not in message.extra_headers
    token = unsubscribe_token(user_id=user.pk, event=essential_event)
    assert client.post(f"/notifications/unsubscribe/{token}/").status_code == 404
    client.force_login(user)
    page = client.get("/notifications/preferences/")
    assert essential_event not in page.context["form"].fields
    assert EVENTS[essential_event].label in page.context["always"]
    assert preference_off.event == essential_event
