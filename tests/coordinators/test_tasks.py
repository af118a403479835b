"""Review reminders, missed-review alerts and the coordinators' weekly digest."""

import datetime as dt

import pytest
from django.utils import timezone

from coordinators.models import ReviewSession
from coordinators.tasks import digest_for, send_review_reminders, send_weekly_digests
from notifications.delivery import render
from notifications.models import Notification
from programs import services as program_services
from tests.factories import CoordinatorFactory, RegionFactory
from tests.flow import placement_in

pytestmark = pytest.mark.django_db


def test_review_due_reminds_all_three_parties_once_and_missed_alerts_coordinators():
    placement, student, member, coordinator = placement_in("active")
    today = timezone.localdate()
    due = ReviewSession.objects.create(placement=placement, due_on=today + dt.timedelta(days=1))
    missed = ReviewSession.objects.create(placement=placement, due_on=today - dt.timedelta(days=3))
    ReviewSession.objects.create(
        placement=placement, due_on=today - dt.timedelta(days=10), held_at=timezone.now()
    )
    send_review_reminders()
    send_review_reminders()
    due_rows = Notification.objects.filter(event="review_due", channel="email")
    assert sorted(r.email for r in due_rows) == sorted(
        [student.email, member.email, coordinator.email]
    )
    assert {r.context["review_id"] for r in due_rows} == {due.pk}
    missed_rows = Notification.objects.filter(event="review_missed", channel="email")
    assert [(r.email, r.context["review_id"]) for r in missed_rows] == [
        (coordinator.email, missed.pk)
    ]


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_review_due_email_leads_students_and_hosts_to_their_part(language):
    placement, student, _member, coordinator = placement_in("active")
    review = ReviewSession.objects.create(
        placement=placement, due_on=timezone.localdate() + dt.timedelta(days=1)
    )
    type(student).objects.update(preferred_language=language)
    send_review_reminders()
    rows = Notification.objects.filter(event="review_due", channel="email")
    for row in rows:
        text, html = render(row)[1:]
        if row.email == coordinator.email:
            assert f"/admin/coordinators/reviewsession/{review.pk}/change/" in text
        else:
            assert f"/reviews/{review.pk}/" in text, row.email
            assert f"/reviews/{review.pk}/" in html, row.email


def test_reviews_of_finished_placements_are_left_alone():
    placement, *_ = placement_in("completed")
    ReviewSession.objects.create(placement=placement, due_on=timezone.localdate())
    assert send_review_reminders() == 0


def test_weekly_digest_counts_what_waits_in_the_coordinators_regions_only():
    region, elsewhere = RegionFactory(), RegionFactory()
    coordinator = CoordinatorFactory(region=region)
    for r in (region, region, elsewhere):
        program_services.lead_create(
            organization_name="株式会社テスト",
            organization_kind="company",
            contact_name="試験 太郎",
            email="lead@example.jp",
            region=r,
            consent=True,
        )
    digest = digest_for(coordinator, [region])
    assert digest["new_leads"] == 2
    assert digest["new_inquiries"] == 0
    send_weekly_digests()
    send_weekly_digests()
    rows = Notification.objects.filter(event="coordinator_digest", recipient=coordinator)
    assert rows.count() == 1 and rows.get().channel == "email"
    assert rows.get().context["new_leads"] == 2
