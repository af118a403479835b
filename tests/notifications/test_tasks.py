"""Delivery tasks: errors no retry can cure fail at once; backoff and the sweeper's pace."""

import datetime as dt
import logging
import smtplib
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from billiard.exceptions import SoftTimeLimitExceeded
from django.conf import settings as django_settings
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.test import override_settings

from notifications.models import Notification
from notifications.services import Recipient, notification_retry, notify, preference_set
from notifications.tasks import MAX_ATTEMPTS, deliver, deliver_batch, sweep_pending
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2027, 4, 1, 9, 0, tzinfo=dt.UTC)
SMTP_BUSY = smtplib.SMTPConnectError(421, "busy")


def _email(user, key="task:1", event="project_approved", context=None) -> Notification:
    (row,) = notify(
        event=event,
        recipients=[Recipient.of(user)],
        context=context or {"project_id": 1, "title": "函館の朝市"},
        dedupe_key=key,
        in_app=False,
    )
    return row


@contextmanager
def _broken_template(tmp_path):
    """The Japanese plain text of `project_approved` with a syntax error, found first."""
    folder = tmp_path / "emails" / "ja"
    folder.mkdir(parents=True)
    (folder / "project_approved.txt").write_text("{% if %}壊れたテンプレート{% endif %}")
    engine = django_settings.TEMPLATES[0]
    with override_settings(TEMPLATES=[{**engine, "DIRS": [tmp_path, *engine["DIRS"]]}]):
        yield


def _retry_from_admin(client, row) -> None:
    client.force_login(StaffFactory())
    response = client.post(
        "/admin/notifications/notification/",
        {"action": "retry_failed", "_selected_action": [row.pk]},
    )
    assert response.status_code == 302


# --- errors that no retry cures -----------------------------------------------------------


def test_a_broken_template_fails_the_row_at_once_and_only_the_admin_requeues_it(
    client, caplog, tmp_path, django_capture_on_commit_callbacks
):
    user = UserFactory(preferred_language="ja")
    with _broken_template(tmp_path), django_capture_on_commit_callbacks(execute=True):
        row = _email(user)
    row.refresh_from_db()
    assert row.status == "failed" and row.attempts == 1
    assert "TemplateSyntaxError" in row.last_error
    assert row.next_attempt_at is None
    assert mail.outbox == []
    logged = [r for r in caplog.records if r.name == "notifications.tasks"]
    assert logged and logged[0].exc_info is not None  # logger.exception, with the traceback

    # The sweeper does not take it up again, however long it waits.
    with time_machine.travel(T0 + timedelta(days=1)):
        assert sweep_pending.apply().get() == 0
    row.refresh_from_db()
    assert row.status == "failed"

    # The template fixed, the admin's retry delivers it.
    with django_capture_on_commit_callbacks(execute=True):
        _retry_from_admin(client, row)
    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 1
    assert [m.to for m in mail.outbox] == [[user.email]]


def test_a_bad_context_fails_the_row_at_once(django_capture_on_commit_callbacks):
    user = UserFactory()
    # A calendar invitation without its UID cannot be built.
    context = {**{"project_id": 1, "title": "t"}, "calendar": {"summary": "面接"}}
    with django_capture_on_commit_callbacks(execute=True):
        row = _email(user, context=context)
    row.refresh_from_db()
    assert row.status == "failed" and row.attempts == 1
    assert row.last_error.startswith("KeyError")
    assert deliver.apply(args=(row.pk,)).get() == "nothing to do"


def test_the_soft_time_limit_fails_the_row_at_once():
    row = _email(UserFactory())
    with mock.patch.object(LocmemBackend, "send_messages", side_effect=SoftTimeLimitExceeded()):
        assert deliver.apply(args=(row.pk,)).get() == "failed"
    row.refresh_from_db()
    assert row.status == "failed" and row.attempts == 1
    assert "SoftTimeLimitExceeded" in row.last_error


def test_a_failure_after_a_retry_keeps_the_earlier_attempts():
    row = _email(UserFactory())
    with mock.patch.object(LocmemBackend, "send_messages", side_effect=SMTP_BUSY):
        assert deliver.apply(args=(row.pk,)).get() == "retrying"
    with mock.patch.object(LocmemBackend, "send_messages", side_effect=SoftTimeLimitExceeded()):
        assert deliver.apply(args=(row.pk,)).get() == "failed"
    row.refresh_from_db()
    assert row.status == "failed" and row.attempts == 2


# --- backoff and the sweeper ---------------------------------------------------------------


def test_retries_back_off_exponentially(django_capture_on_commit_callbacks):
    user = UserFactory()
    with time_machine.travel(T0, tick=False):
        row = _email(user)
        with mock.patch.object(LocmemBackend, "send_messages", side_effect=SMTP_BUSY):
            for attempt, countdown in enumerate([10, 20, 40, 80], start=1):
                with django_capture_on_commit_callbacks() as callbacks:
                    assert deliver.apply(args=(row.pk,)).get() == "retrying"
                row.refresh_from_db()
                assert row.attempts == attempt and row.status == "pending"
                assert row.next_attempt_at == T0 + timedelta(seconds=countdown)
                with mock.patch("notifications.tasks.deliver.apply_async") as publish:
                    for callback in callbacks:
                        callback()
                publish.assert_called_once_with((row.pk,), countdown=countdown)
            assert deliver.apply(args=(row.pk,)).get() == "failed"
    row.refresh_from_db()
    assert row.status == "failed" and row.attempts == MAX_ATTEMPTS
    assert row.next_attempt_at is None and "busy" in row.last_error


def test_the_sweeper_waits_for_a_scheduled_retry_and_requeues_it_once_overdue():
    user = UserFactory()
    with time_machine.travel(T0, tick=False):
        row = _email(user)
    tried = T0 + timedelta(minutes=5)
    with (
        time_machine.travel(tried, tick=False),
        mock.patch.object(LocmemBackend, "send_messages", side_effect=SMTP_BUSY),
    ):
        # The retry's message is lost (the worker died): only the sweeper can bring it back.
        assert deliver.apply(args=(row.pk,)).get() == "retrying"
    row.refresh_from_db()
    due = row.next_attempt_at
    assert due == tried + timedelta(seconds=10)
    for moment in (tried + timedelta(seconds=5), due, due + timedelta(seconds=59)):
        with time_machine.travel(moment, tick=False):
            assert sweep_pending.apply().get() == 0
    row.refresh_from_db()
    assert row.status == "pending" and row.attempts == 1
    with time_machine.travel(due + timedelta(seconds=61), tick=False):
        assert sweep_pending.apply().get() == 1
    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 2
    assert len(mail.outbox) == 1


def test_the_sweeper_leaves_a_new_row_to_its_own_task():
    with time_machine.travel(T0, tick=False):
        row = _email(UserFactory())
    with time_machine.travel(T0 + timedelta(seconds=30), tick=False):
        assert sweep_pending.apply().get() == 0
    with time_machine.travel(T0 + timedelta(seconds=61), tick=False):
        assert sweep_pending.apply().get() == 1
    row.refresh_from_db()
    assert row.status == "sent"


def test_a_backlog_is_queued_in_chunks_oldest_first_each_row_once(settings):
    settings.NOTIFICATIONS_SWEEP_BATCH_SIZE = 10
    settings.NOTIFICATIONS_SWEEP_LIMIT = 1000
    users = UserFactory.create_batch(3)
    rows = []
    for i in range(35):
        with time_machine.travel(T0 + timedelta(seconds=i), tick=False):
            rows.append(_email(users[i % 3], key=f"backlog:{i}"))
    later = T0 + timedelta(minutes=10)
    # The broker takes the messages; no worker has consumed them yet.
    with (
        time_machine.travel(later, tick=False),
        mock.patch("notifications.tasks.deliver_batch.delay") as publish,
    ):
        assert sweep_pending.apply().get() == 35
        # One task per chunk, the chunks oldest first.
        assert [c.args[0] for c in publish.call_args_list] == [
            [r.pk for r in rows[i : i + 10]] for i in range(0, 35, 10)
        ]
        publish.reset_mock()
        assert sweep_pending.apply().get() == 0  # queued a moment ago: not again
        assert publish.call_count == 0
    # Still pending over a minute later (the worker is behind or lost them): queued again.
    with (
        time_machine.travel(later + timedelta(seconds=61), tick=False),
        mock.patch("notifications.tasks.deliver_batch.delay") as publish,
    ):
        assert sweep_pending.apply().get() == 35
        queued = [pk for c in publish.call_args_list for pk in c.args[0]]
        assert sorted(queued) == sorted(r.pk for r in rows)


def test_a_sweep_stops_at_its_limit_and_the_next_takes_the_rest(settings):
    settings.NOTIFICATIONS_SWEEP_BATCH_SIZE = 10
    settings.NOTIFICATIONS_SWEEP_LIMIT = 20
    user = UserFactory()
    rows = []
    for i in range(25):
        with time_machine.travel(T0 + timedelta(seconds=i), tick=False):
            rows.append(_email(user, key=f"limit:{i}"))
    with (
        time_machine.travel(T0 + timedelta(minutes=10), tick=False),
        mock.patch("notifications.tasks.deliver_batch.delay") as publish,
    ):
        assert sweep_pending.apply().get() == 20
        assert sweep_pending.apply().get() == 5
    queued = [pk for c in publish.call_args_list for pk in c.args[0]]
    assert queued == [r.pk for r in rows]


def test_the_sweeper_ignores_sent_failed_skipped_and_in_app_rows(
    django_capture_on_commit_callbacks,
):
    user = UserFactory()
    with time_machine.travel(T0, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            notify(
                event="project_approved",
                recipients=[Recipient.of(user)],
                context={"project_id": 1, "title": "t"},
                dedupe_key="done:1",
            )
        with (
            mock.patch.object(LocmemBackend, "send_messages", side_effect=SoftTimeLimitExceeded()),
            django_capture_on_commit_callbacks(execute=True),
        ):
            _email(user, key="done:2")
        preference_set(user_id=user.pk, event="project_published", email_enabled=False)
        _email(user, key="done:3", event="project_published")
    assert set(Notification.objects.values_list("channel", "status")) == {
        ("email", "sent"),
        ("in_app", "sent"),
        ("email", "failed"),
        ("email", "skipped"),
    }
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        assert sweep_pending.apply().get() == 0


def test_a_failed_retry_is_logged_only_as_an_error_without_traceback(caplog):
    row = _email(UserFactory())
    with (
        caplog.at_level(logging.INFO, logger="notifications.tasks"),
        mock.patch.object(LocmemBackend, "send_messages", side_effect=SMTP_BUSY),
    ):
        for _ in range(MAX_ATTEMPTS):
            deliver.apply(args=(row.pk,))
    errors = [r for r in caplog.records if r.name == "notifications.tasks"]
    assert len(errors) == 1 and errors[0].levelno == logging.ERROR
    assert errors[0].exc_info is None


def test_retry_puts_back_only_failed_emails(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        sent = _email(user, key="retry:sent")
    with (
        mock.patch.object(LocmemBackend, "send_messages", side_effect=SoftTimeLimitExceeded()),
        django_capture_on_commit_callbacks(execute=True),
    ):
        failed = _email(user, key="retry:failed")
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_retry(ids=[sent.pk, failed.pk]) == 1
    sent.refresh_from_db()
    failed.refresh_from_db()
    assert sent.status == "sent" and sent.attempts == 1
    assert failed.status == "sent" and failed.attempts == 1
    assert len(mail.outbox) == 2


# --- batches -------------------------------------------------------------------------------


def _emails(prefix: str, n: int = 3) -> list[Notification]:
    return [_email(user, key=f"{prefix}:{i}") for i, user in enumerate(UserFactory.create_batch(n))]


def _failing_call(number: int, error: BaseException):
    """A locmem send_messages whose `number`-th call raises `error`; the others deliver."""
    real_send = LocmemBackend.send_messages
    calls = {"n": 0}

    def send(self, messages):
        calls["n"] += 1
        if calls["n"] == number:
            raise error
        return real_send(self, messages)

    return send, calls


def test_a_batch_sends_each_email_once_and_a_duplicate_batch_sends_nothing():
    rows = _emails("dup")
    ids = [r.pk for r in rows]
    assert deliver_batch.apply(args=(ids,)).get() == {"sent": 3}
    # The broker delivers the task again, or a retry of one row arrives late.
    assert deliver_batch.apply(args=(ids,)).get() == {"nothing to do": 3}
    assert deliver.apply(args=(ids[1],)).get() == "nothing to do"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in rows)
    assert set(Notification.objects.values_list("status", "attempts")) == {("sent", 1)}


def test_an_email_that_fails_for_good_does_not_stop_its_batch():
    first, broken, last = UserFactory.create_batch(3)
    no_uid = {"project_id": 1, "title": "t", "calendar": {"summary": "面接"}}
    rows = [
        _email(first, key="mixed:1"),
        _email(broken, key="mixed:2", context=no_uid),
        _email(last, key="mixed:3"),
    ]
    assert deliver_batch.apply(args=([r.pk for r in rows],)).get() == {"sent": 2, "failed": 1}
    for row in rows:
        row.refresh_from_db()
    assert [r.status for r in rows] == ["sent", "failed", "sent"]
    assert rows[1].attempts == 1 and rows[1].last_error.startswith("KeyError")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.email, last.email])


def test_an_email_the_server_refuses_is_retried_alone_and_its_batch_goes_on():
    rows = _emails("refused")
    refused = smtplib.SMTPRecipientsRefused({rows[1].email: (450, b"mailbox busy")})
    send, _calls = _failing_call(2, refused)
    with mock.patch.object(LocmemBackend, "send_messages", send):
        outcome = deliver_batch.apply(args=([r.pk for r in rows],)).get()
    assert outcome == {"sent": 2, "retrying": 1}
    for row in rows:
        row.refresh_from_db()
    assert [(r.status, r.attempts) for r in rows] == [("sent", 1), ("pending", 1), ("sent", 1)]


def test_when_the_mail_server_cannot_be_reached_the_rest_of_the_batch_waits_untried(
    django_capture_on_commit_callbacks,
):
    rows = _emails("unreachable", 4)
    send, calls = _failing_call(2, ConnectionRefusedError(111, "Connection refused"))
    with (
        time_machine.travel(T0, tick=False),
        mock.patch.object(LocmemBackend, "send_messages", send),
        django_capture_on_commit_callbacks() as callbacks,
    ):
        outcome = deliver_batch.apply(args=([r.pk for r in rows],)).get()
    assert outcome == {"sent": 1, "retrying": 1}
    assert calls["n"] == 2  # the last two were not tried, each waiting for the same timeout
    for row in rows:
        row.refresh_from_db()
    assert [(r.status, r.attempts) for r in rows] == [
        ("sent", 1),
        ("pending", 1),
        ("pending", 0),
        ("pending", 0),
    ]
    assert "ConnectionRefusedError" in rows[1].last_error
    # Both wait ten seconds, and the sweeper knows it.
    assert {r.next_attempt_at for r in rows[1:]} == {T0 + timedelta(seconds=10)}
    with (
        mock.patch("notifications.tasks.deliver.apply_async") as retry,
        mock.patch("notifications.tasks.deliver_batch.apply_async") as requeue,
    ):
        for callback in callbacks:
            callback()
    retry.assert_called_once_with((rows[1].pk,), countdown=10)
    requeue.assert_called_once_with(([rows[2].pk, rows[3].pk],), countdown=10)


def test_after_the_soft_time_limit_the_rest_of_the_batch_is_queued_again_at_once(
    django_capture_on_commit_callbacks,
):
    rows = _emails("soft")
    send, _calls = _failing_call(2, SoftTimeLimitExceeded())
    with (
        mock.patch.object(LocmemBackend, "send_messages", send),
        django_capture_on_commit_callbacks() as callbacks,
    ):
        outcome = deliver_batch.apply(args=([r.pk for r in rows],)).get()
    assert outcome == {"sent": 1, "failed": 1}
    with mock.patch("notifications.tasks.deliver_batch.delay") as requeue:
        for callback in callbacks:
            callback()
    requeue.assert_called_once_with([rows[2].pk])
    rows[2].refresh_from_db()
    assert rows[2].status == "pending" and rows[2].attempts == 0


def test_a_worker_that_starts_sweeps_at_once_behind_the_queued_tasks():
    from celery.signals import worker_ready

    with mock.patch("notifications.tasks.sweep_pending.delay") as sweep:
        worker_ready.send(sender=None)
    sweep.assert_called_once_with(older_than_seconds=0)
