"""The outbox: rows written with the event, none after a rollback, each email sent once."""

import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import transaction

from notifications.models import Notification, NotificationPreference
from notifications.services import Recipient, notify
from notifications.tasks import MAX_ATTEMPTS, deliver, sweep_pending
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CONTEXT = {"inquiry_id": 1, "name": "田中 太郎", "organization": "北見市役所"}


def _notify(user, key="inquiry:1:ack"):
    return notify(
        event="inquiry_acknowledged",
        recipients=[Recipient.of(user)],
        context=CONTEXT,
        dedupe_key=key,
    )


def test_rows_are_written_per_channel_and_in_app_counts_as_delivered():
    user = UserFactory()
    rows = _notify(user)
    assert {r.channel: r.status for r in rows} == {"email": "pending", "in_app": "sent"}


def test_a_rolled_back_event_leaves_no_notification():
    user = UserFactory()

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        _notify(user)
        raise Boom
    assert not Notification.objects.exists()


def test_the_same_event_twice_writes_nothing_new():
    user = UserFactory()
    assert len(_notify(user)) == 2
    assert _notify(user) == []
    assert Notification.objects.count() == 2


@pytest.mark.parametrize("event", ["inquiry_acknowledged", "project_published"])
def test_writing_for_many_recipients_takes_as_many_queries_as_for_two(
    event, django_assert_num_queries, django_assert_max_num_queries
):
    """One read of the keys already written, one of the preferences (for an event people may
    switch off), one insert in its savepoint: whatever the number of recipients."""
    few = [Recipient.of(UserFactory()) for _ in range(2)]
    many = [Recipient.of(UserFactory()) for _ in range(12)]
    NotificationPreference.objects.create(user_id=many[0].user_id, event=event, email_enabled=False)
    with django_assert_max_num_queries(5) as counted:
        notify(event=event, recipients=few, context=CONTEXT, dedupe_key="few")
    queries = len(counted.captured_queries)
    with django_assert_num_queries(queries):
        rows = notify(event=event, recipients=many, context=CONTEXT, dedupe_key="many")
    assert len(rows) == 24
    assert all(row.pk for row in rows)


def test_a_recipient_named_twice_is_written_once():
    user = UserFactory()
    rows = notify(
        event="inquiry_acknowledged",
        recipients=[Recipient.of(user), Recipient.of(user)],
        context=CONTEXT,
        dedupe_key="twice",
    )
    assert len(rows) == 2
    assert Notification.objects.count() == 2


def test_delivery_runs_on_commit_and_a_second_run_sends_nothing(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        rows = _notify(user)
    email_row = next(r for r in rows if r.channel == "email")
    assert len(mail.outbox) == 1
    assert deliver.apply(args=(email_row.pk,)).get() == "nothing to do"
    assert len(mail.outbox) == 1
    email_row.refresh_from_db()
    assert email_row.status == "sent" and email_row.sent_at is not None and email_row.attempts == 1


def test_smtp_failure_is_retried_then_succeeds():
    user = UserFactory()
    row = next(r for r in _notify(user) if r.channel == "email")
    real_send = LocmemBackend.send_messages
    calls = {"n": 0}

    def flaky(self, messages):
        calls["n"] += 1
        if calls["n"] <= 2:  # the first try and its one reconnect both fail
            raise smtplib.SMTPServerDisconnected("gone")
        return real_send(self, messages)

    with mock.patch.object(LocmemBackend, "send_messages", flaky):
        assert deliver.apply(args=(row.pk,)).get() == "retrying"
        row.refresh_from_db()
        assert row.status == "pending" and "SMTPServerDisconnected" in row.last_error
        assert deliver.apply(args=(row.pk,)).get() == "sent"
    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 2
    assert len(mail.outbox) == 1


def test_failing_for_good_marks_the_row_failed_and_keeps_the_error():
    user = UserFactory()
    row = next(r for r in _notify(user) if r.channel == "email")
    with mock.patch.object(
        LocmemBackend, "send_messages", side_effect=smtplib.SMTPConnectError(421, "busy")
    ):
        results = [deliver.apply(args=(row.pk,)).get() for _ in range(MAX_ATTEMPTS)]
    assert results[-1] == "failed"
    row.refresh_from_db()
    assert row.status == "failed" and row.attempts == MAX_ATTEMPTS
    assert "busy" in row.last_error


def test_email_preference_off_skips_email_but_keeps_in_app():
    user = UserFactory()
    NotificationPreference.objects.create(
        user=user, event="inquiry_acknowledged", email_enabled=False
    )
    rows = _notify(user)
    assert {r.channel: r.status for r in rows} == {"email": "skipped", "in_app": "sent"}


def test_sweeper_requeues_old_pending_rows():
    user = UserFactory()
    row = next(r for r in _notify(user) if r.channel == "email")
    assert sweep_pending.apply(kwargs={"older_than_seconds": 0}).get() == 1
    row.refresh_from_db()
    assert row.status == "sent"
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("language", ["ja", "en"])
def test_email_is_rendered_in_the_recipients_language(language, django_capture_on_commit_callbacks):
    user = UserFactory(preferred_language=language)
    with django_capture_on_commit_callbacks(execute=True):
        _notify(user)
    body = mail.outbox[0].body
    if language == "ja":
        assert "田中 太郎" in body and "様" in body
    else:
        assert "Dear 田中 太郎" in body and "Thank you" in body


def test_localized_labels_reach_each_recipient_in_their_language(
    django_capture_on_commit_callbacks,
):
    from django.utils.translation import gettext_lazy

    from notifications.services import localized

    ja_user, en_user = UserFactory(preferred_language="ja"), UserFactory(preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            event="interview_reminder",
            recipients=[Recipient.of(ja_user), Recipient.of(en_user)],
            context={
                "application_id": 1,
                "project_id": 1,
                "project_title": "テスト",
                "student_name": "学生",
                "interview_id": 1,
                "starts_at": "2027-07-03T01:30:00+00:00",
                "hours": 24,
                "mode": localized(gettext_lazy("Online")),
                "meeting_url": "",
                "place": "",
            },
            dedupe_key="localized:1",
        )
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "オンライン" in bodies[ja_user.email]
    assert "Online" in bodies[en_user.email] and "オンライン" not in bodies[en_user.email]


def test_a_broker_outage_does_not_fail_the_event_and_the_sweeper_catches_up(
    django_capture_on_commit_callbacks,
):
    from kombu.exceptions import OperationalError

    user = UserFactory()
    with (
        mock.patch("notifications.tasks.deliver_batch.delay", side_effect=OperationalError("down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        rows = _notify(user)  # no exception reaches the caller
    email_row = next(r for r in rows if r.channel == "email")
    email_row.refresh_from_db()
    assert email_row.status == "pending" and mail.outbox == []
    sweep_pending.apply(kwargs={"older_than_seconds": 0})
    email_row.refresh_from_db()
    assert email_row.status == "sent" and len(mail.outbox) == 1


# --- queued once per transaction (real commits) --------------------------------------------


def _publish_spy():
    return mock.patch("notifications.tasks.deliver_batch.delay")


@pytest.mark.django_db(transaction=True)
def test_a_transaction_queues_one_task_carrying_every_email_it_wrote():
    users = UserFactory.create_batch(3)
    with _publish_spy() as publish, transaction.atomic():
        rows = [row for i, user in enumerate(users) for row in _notify(user, key=f"tx:{i}")]
        assert publish.call_count == 0  # nothing before the commit
    emails = [r.pk for r in rows if r.channel == "email"]
    publish.assert_called_once_with(emails)


@pytest.mark.django_db(transaction=True)
def test_a_big_transaction_is_queued_in_tasks_of_the_batch_size(monkeypatch):
    from notifications import services

    monkeypatch.setattr(services, "DELIVERY_BATCH_SIZE", 3)
    users = UserFactory.create_batch(7)
    with _publish_spy() as publish, transaction.atomic():
        rows = [row for i, user in enumerate(users) for row in _notify(user, key=f"big:{i}")]
    emails = [r.pk for r in rows if r.channel == "email"]
    assert [c.args[0] for c in publish.call_args_list] == [emails[:3], emails[3:6], emails[6:]]


@pytest.mark.django_db(transaction=True)
def test_emails_in_a_rolled_back_savepoint_are_not_sent_and_the_others_are():
    first, kept, last = UserFactory.create_batch(3)

    class Undo(Exception):
        pass

    with transaction.atomic():
        # The first notify() of the transaction sits in the savepoint that rolls back.
        with pytest.raises(Undo), transaction.atomic():
            _notify(first, key="sp:first")
            raise Undo
        _notify(kept, key="sp:kept")
        with pytest.raises(Undo), transaction.atomic():
            _notify(kept, key="sp:kept-again")
            raise Undo
        _notify(last, key="sp:last")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([kept.email, last.email])
    assert set(Notification.objects.filter(channel="email").values_list("status", flat=True)) == {
        "sent"
    }


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_a_transaction_waits_for_it_once_and_still_commits():
    from kombu.exceptions import OperationalError

    users = UserFactory.create_batch(3)
    with (
        mock.patch(
            "notifications.tasks.deliver_batch.delay", side_effect=OperationalError("down")
        ) as publish,
        transaction.atomic(),
    ):
        for i, user in enumerate(users):
            _notify(user, key=f"down:{i}")
    assert publish.call_count == 1
    assert Notification.objects.filter(channel="email", status="pending").count() == 3
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_each_call_is_delivered_at_once():
    one, two = UserFactory.create_batch(2)
    _notify(one, key="auto:1")
    assert [m.to for m in mail.outbox] == [[one.email]]
    _notify(two, key="auto:2")
    assert [m.to for m in mail.outbox] == [[one.email], [two.email]]
