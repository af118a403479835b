"""The outbox row's allowed status moves, checked without the database."""

import itertools

import pytest

from notifications.models import Notification
from notifications.services import InvalidTransition, notification_set_status

S = Notification.Status
ALLOWED = {
    (S.PENDING, S.SENT),
    (S.PENDING, S.FAILED),
    (S.PENDING, S.SKIPPED),
    (S.FAILED, S.PENDING),  # the admin's retry
}
EVERY_PAIR = list(itertools.product(S.values, repeat=2))


@pytest.mark.parametrize(("source", "target"), EVERY_PAIR)
def test_can_transition_to_allows_exactly_the_table(source, target):
    row = Notification(status=source)
    assert row.can_transition_to(target) is ((source, target) in ALLOWED)


@pytest.mark.parametrize(("source", "target"), sorted(ALLOWED))
def test_set_status_makes_an_allowed_move(source, target):
    row = Notification(status=source)
    notification_set_status(notification=row, status=target)
    assert row.status == target


@pytest.mark.parametrize(("source", "target"), [pair for pair in EVERY_PAIR if pair not in ALLOWED])
def test_set_status_refuses_a_forbidden_move_and_leaves_the_status(source, target):
    row = Notification(status=source)
    with pytest.raises(InvalidTransition):
        notification_set_status(notification=row, status=target)
    assert row.status == source


def test_a_sent_email_cannot_go_back_to_pending_but_a_failed_one_can():
    sent, failed = Notification(status=S.SENT), Notification(status=S.FAILED)
    assert not sent.can_transition_to(S.PENDING)
    assert failed.can_transition_to(S.PENDING)
