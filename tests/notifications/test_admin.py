"""The outbox in the admin: filters and the retry action."""

import pytest
from django.core import mail

from notifications.models import Notification
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_staff_retries_failed_rows_from_the_admin(client, django_capture_on_commit_callbacks):
    staff = StaffFactory()
    row = Notification.objects.create(
        recipient=UserFactory(),
        email="failed@example.jp",
        event="project_approved",
        context={"project_id": 1, "title": "再送テスト"},
        channel="email",
        status="failed",
        attempts=5,
        last_error="SMTPServerDisconnected",
        idempotency_key="retry:1",
    )
    client.force_login(staff)
    listing = client.get("/admin/notifications/notification/?status__exact=failed")
    assert listing.status_code == 200
    assert "failed@example.jp" in listing.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/notifications/notification/",
            {"action": "retry_failed", "_selected_action": [row.pk]},
        )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 1
    assert [m.to for m in mail.outbox] == [["failed@example.jp"]]
