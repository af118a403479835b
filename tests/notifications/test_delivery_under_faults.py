"""1,000 notifications through a real worker into an SMTP sink; the worker is SIGKILLed midway."""

import os
import signal

import pytest
from django.conf import settings
from django.db import transaction

from config.celery_app import app as celery_app
from notifications.models import Notification
from notifications.services import Recipient, notify
from notifications.tasks import sweep_pending
from tests.factories import UserFactory
from tests.smtp_sink import CountingHandler, start_sink
from tests.workers import start_worker, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
TOTAL = 1000


# Emails go in batches of 50: the kill falls after the last email of one batch, or in the middle
# of one, whose rest the restarted worker's own sweep sends.
@pytest.mark.parametrize("kill_at", [400, 437], ids=["between-batches", "midway-through-a-batch"])
def test_every_notification_is_delivered_exactly_once_across_a_worker_kill(tmp_path, kill_at):
    import redis

    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    state = {"worker": None, "killed": False}

    def kill_midway(number: int) -> bool:
        # Runs inside the sink before it acknowledges message `number`: the worker dies with
        # the message unacknowledged, as when a machine goes down mid-send.
        if number == kill_at and not state["killed"]:
            state["killed"] = True
            os.kill(state["worker"].pid, signal.SIGKILL)
            return False
        return True

    handler = CountingHandler(on_message=kill_midway)
    sink = start_sink(handler)
    log = tmp_path / "worker.log"
    was_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        state["worker"] = start_worker(log, email_url=f"smtp://127.0.0.1:{sink.port}")
        users = [UserFactory(email=f"fault{i}@example.jp") for i in range(10)]
        with transaction.atomic():
            for i in range(TOTAL):
                notify(
                    event="project_published",
                    recipients=[Recipient.of(users[i % 10])],
                    context={"project_id": i, "title": f"障害試験 {i}"},
                    dedupe_key=f"fault:{i}",
                    in_app=False,
                )
        assert wait_for(lambda: state["killed"], 60), log.read_text()
        state["worker"].wait(timeout=10)
        # The worker comes back (as a supervisor would restart it) and beat's sweeper runs.
        state["worker"] = start_worker(log, email_url=f"smtp://127.0.0.1:{sink.port}")
        sent = Notification.objects.filter(status="sent")
        assert wait_for(lambda: sent.count() >= TOTAL - 1, 120), log.read_text()
        sweep_pending.delay(older_than_seconds=0)
        assert wait_for(lambda: sent.count() == TOTAL, 60), log.read_text()
    finally:
        celery_app.conf.task_always_eager = was_eager
        if state["worker"] and state["worker"].poll() is None:
            state["worker"].terminate()
            state["worker"].wait(timeout=30)
        sink.stop()
    assert handler.accepted == TOTAL
    assert len(handler.keys) == TOTAL
    assert handler.duplicates() == 0
    assert not Notification.objects.exclude(status="sent").exists()
