"""With the real services: PostgreSQL, Redis and a Celery worker in its own process."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from config.celery_app import app as celery_app
from notifications.models import Notification
from notifications.services import Recipient, notify
from notifications.tasks import sweep_pending
from tests.factories import UserFactory
from tests.workers import start_worker, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(tmp_path):
    """A real `celery worker` on the test database; tasks from this process go through Redis."""
    import redis

    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    log = tmp_path / "worker.log"
    process = start_worker(log)
    was_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if celery_app.control.ping(timeout=0.5):
            break
        assert process.poll() is None, log.read_text()
    else:
        process.kill()
        pytest.fail("the worker did not answer: " + log.read_text())
    try:
        yield log
    finally:
        celery_app.conf.task_always_eager = was_eager
        process.terminate()
        process.wait(timeout=20)


def test_worker_delivers_a_notification_written_in_a_committed_transaction(worker):
    user = UserFactory(email="worker-check@example.jp")
    with transaction.atomic():
        rows = notify(
            event="inquiry_acknowledged",
            recipients=[Recipient.of(user)],
            context={"inquiry_id": 7, "name": "worker 確認", "organization": ""},
            dedupe_key="worker-check:1",
        )
    row = next(r for r in rows if r.channel == "email")
    assert wait_for(lambda: Notification.objects.get(pk=row.pk).status == "sent"), (
        worker.read_text()
    )
    row.refresh_from_db()
    assert row.attempts == 1
    assert "worker-check@example.jp" in worker.read_text()


def test_sweeper_on_the_worker_requeues_rows_left_pending(worker):
    user = UserFactory(email="sweep-check@example.jp")
    # As if Redis had been down when the event happened: a pending row and no task.
    row = Notification.objects.create(
        recipient=user,
        email=user.email,
        event="inquiry_acknowledged",
        context={"inquiry_id": 8, "name": "sweep", "organization": ""},
        channel="email",
        idempotency_key="sweep-check:1",
    )
    Notification.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    sweep_pending.delay()
    assert wait_for(lambda: Notification.objects.get(pk=row.pk).status == "sent"), (
        worker.read_text()
    )


def test_healthz_reports_postgres_and_redis(client):
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["database"]["vendor"] == "postgresql"
    assert body["broker"]["kind"] == "redis"
