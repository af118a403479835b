"""The bell, the notifications page, email preferences and the signed unsubscribe link."""

import pytest
from django.core import mail

from notifications.models import Notification, NotificationPreference
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


def test_forged_or_essential_unsubscribe_links_give_404(client):
    user = UserFactory()
    assert client.get("/notifications/unsubscribe/forged-token/").status_code == 404
    essential = unsubscribe_token(user_id=user.pk, event="pamphlet_requested")
    assert client.post(f"/notifications/unsubscribe/{essential}/").status_code == 404


def test_emails_carry_the_unsubscribe_link_and_one_click_header(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _tell(user)
    message = mail.outbox[0]
    assert "/notifications/unsubscribe/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["Message-ID"].startswith("<")
