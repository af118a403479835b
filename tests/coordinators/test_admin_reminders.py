"""A coordinator reminds the parties of a due review to write their part: only those whose part
is empty, once a day, only in their own regions."""

import datetime as dt

import pytest
from django.contrib.messages import constants as levels
from django.utils import timezone

from accounts.workflow import InvalidTransition, TransitionNotAllowed
from applicants.models import Placement
from coordinators import services
from coordinators.models import ReviewSession
from coordinators.services import coordinator_appoint
from notifications.models import Notification
from projects.models import Project
from projects.selectors import project_members
from tests.factories import UserFactory
from tests.flow import placement_in, project_in

pytestmark = pytest.mark.django_db

REVIEWS = "/admin/coordinators/reviewsession/"


def appoint(region):
    coordinator = UserFactory(preferred_language="ja")
    coordinator_appoint(user=coordinator, region=region)
    return coordinator


def due_review(days=2, status=Placement.Status.ACTIVE):
    placement, student, member, _coordinator = placement_in(status)
    review = ReviewSession.objects.create(
        placement=placement, due_on=timezone.localdate() + dt.timedelta(days=days)
    )
    return review, student, member


def remind(client, *reviews):
    response = client.post(
        REVIEWS,
        {"action": "send_reminder", "index": 0, "_selected_action": [r.pk for r in reviews]},
        follow=True,
    )
    return [(m.level, m.message) for m in response.context["messages"]]


def reminded() -> set[int]:
    rows = Notification.objects.filter(event="review_part_reminder", channel="email")
    return set(rows.values_list("recipient", flat=True))


def test_the_student_and_the_host_members_are_reminded_once_a_day(client):
    review, student, member = due_review()
    coordinator = appoint(review.placement.application.project.region)
    client.force_login(coordinator)

    first = remind(client, review)
    again = remind(client, review)

    members = {u.pk for u in project_members(review.placement.application.project)}
    assert member.pk in members
    assert reminded() == {student.pk, *members}
    assert coordinator.pk not in reminded()
    assert [level for level, _text in first] == [levels.SUCCESS]
    assert [level for level, _text in again] == [levels.WARNING]
    assert Notification.objects.filter(event="review_part_reminder", channel="email").count() == (
        1 + len(members)
    )


def test_only_the_party_whose_part_is_empty_is_reminded(client):
    review, student, member = due_review()
    services.review_record(review=review, actor=student, part="student", notes="販路を3件開拓")
    client.force_login(appoint(review.placement.application.project.region))

    remind(client, review)

    assert student.pk not in reminded() and member.pk in reminded()


@pytest.mark.parametrize(
    ("days", "status"),
    [(30, Placement.Status.ACTIVE), (2, Placement.Status.PREPARING)],
    ids=["more than a week away", "placement not running"],
)
def test_a_review_that_is_not_due_is_skipped(client, days, status):
    review, _student, _member = due_review(days=days, status=status)
    client.force_login(appoint(review.placement.application.project.region))

    messages = remind(client, review)

    assert reminded() == set()
    assert [level for level, _text in messages] == [levels.WARNING]


def test_a_missed_review_is_still_due():
    review, student, _member = due_review(days=-3)
    coordinator = appoint(review.placement.application.project.region)

    assert services.review_remind(review=review, actor=coordinator) >= 2
    assert student.pk in reminded()


def test_a_held_review_is_not_due():
    review, _student, _member = due_review()
    coordinator = appoint(review.placement.application.project.region)
    services.review_record(
        review=review, actor=coordinator, part="coordinator", notes="順調", health="on_track"
    )

    with pytest.raises(InvalidTransition):
        services.review_remind(review=review, actor=coordinator)


def test_a_coordinator_of_another_region_cannot_remind(client):
    review, _student, _member = due_review()
    outsider = appoint(project_in(Project.Status.PUBLISHED)[0].region)

    with pytest.raises(TransitionNotAllowed):
        services.review_remind(review=review, actor=outsider)
    client.force_login(outsider)
    remind(client, review)
    assert reminded() == set()
