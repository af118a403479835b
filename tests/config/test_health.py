"""GET /healthz reports the database and the broker."""

import pytest

pytestmark = pytest.mark.django_db


def test_healthz_is_ok_on_the_embedded_default(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"] == {"ok": True, "kind": "eager"}


def test_healthz_is_503_when_the_broker_does_not_answer(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False


def test_healthz_is_503_when_the_database_fails(client, settings, monkeypatch):
    settings.REDIS_URL = ""
    from django.db.backends.utils import CursorWrapper

    def broken(self, *args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == {"ok": False, "error": "RuntimeError"}


def test_healthz_reports_the_age_of_the_oldest_pending_email(client, settings):
    import datetime as dt

    from django.utils import timezone

    from notifications.models import Notification
    from tests.factories import UserFactory

    settings.REDIS_URL = ""
    row = Notification.objects.create(
        recipient=UserFactory(),
        email="a@example.jp",
        event="x",
        channel="email",
        idempotency_key="k",
    )
    Notification.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=3)
    )
    outbox = client.get("/healthz").json()["outbox"]
    assert outbox["pending"] == 1
    assert 175 <= outbox["oldest_pending_seconds"] <= 200
