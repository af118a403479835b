"""Constraints held by the database itself, not only by forms."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from applicants.models import Application, Interview, InterviewSlot, Placement, StudentProfile
from coordinators.models import ReviewSession
from notifications.models import Notification
from programs.models import Inquiry, PamphletRequest, Term
from projects.models import HostMembership, IntakeInterview, Project
from tests.factories import (
    HostMemberFactory,
    IntakeInterviewFactory,
    ProjectFactory,
    StudentFactory,
    TermFactory,
    UserFactory,
)
from tests.flow import application_in, interview_in, placement_in

pytestmark = pytest.mark.django_db


def _refused(queryset, **values):
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset.update(**values)


@pytest.mark.parametrize("months", [0, 13])
def test_project_duration_is_one_to_twelve_months(months):
    project = ProjectFactory()
    _refused(Project.objects.filter(pk=project.pk), duration_months=months)


def test_project_duration_of_one_month_is_fine():
    project = ProjectFactory(duration_months=1)
    assert project.duration_months == 1


def test_project_ends_after_it_starts():
    project = ProjectFactory()
    _refused(Project.objects.filter(pk=project.pk), ends_on=project.starts_on)
    _refused(
        Project.objects.filter(pk=project.pk), ends_on=project.starts_on - dt.timedelta(days=1)
    )


def test_project_capacity_and_commute_days_are_sane():
    project = ProjectFactory()
    _refused(Project.objects.filter(pk=project.pk), capacity=0)
    _refused(Project.objects.filter(pk=project.pk), commute_days_per_week=8)


def test_term_ends_after_start_and_entry_closes_after_opening():
    term = TermFactory()
    _refused(Term.objects.filter(pk=term.pk), ends_on=term.starts_on)
    _refused(
        Term.objects.filter(pk=term.pk), entry_closes_on=term.entry_opens_on - dt.timedelta(days=1)
    )


def test_interview_ends_after_start_and_scheduled_needs_a_time():
    interview, *_ = interview_in(Interview.Status.SCHEDULED)
    _refused(Interview.objects.filter(pk=interview.pk), ends_at=interview.starts_at)
    _refused(Interview.objects.filter(pk=interview.pk), starts_at=None)


def test_only_one_slot_is_chosen_per_interview():
    interview, *_ = interview_in(Interview.Status.SCHEDULED)
    other = interview.slots.filter(chosen=False).first()
    _refused(InterviewSlot.objects.filter(pk=other.pk), chosen=True)


def test_slot_ends_after_start():
    interview, *_ = interview_in(Interview.Status.PROPOSED)
    slot = interview.slots.first()
    _refused(InterviewSlot.objects.filter(pk=slot.pk), ends_at=slot.starts_at)


def test_placement_ends_after_start():
    placement, *_ = placement_in(Placement.Status.PREPARING)
    _refused(Placement.objects.filter(pk=placement.pk), ends_on=placement.starts_on)


def test_host_membership_is_unique_per_user_and_organisation():
    member = HostMemberFactory()
    membership = member.host_memberships.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        HostMembership.objects.create(organization=membership.organization, user=member)


def test_student_profile_year_range():
    student = StudentFactory()
    _refused(StudentProfile.objects.filter(user=student), year=0)


@pytest.mark.parametrize(
    ("model", "field", "make"),
    [
        (Project, "status", lambda: ProjectFactory()),
        (Project, "participation_style", lambda: ProjectFactory()),
        (Application, "status", lambda: application_in("submitted")[0]),
        (Interview, "status", lambda: interview_in("proposed")[0]),
        (Interview, "mode", lambda: interview_in("proposed")[0]),
        (Placement, "status", lambda: placement_in("preparing")[0]),
        (IntakeInterview, "outcome", lambda: IntakeInterviewFactory()),
        (Term, "season", lambda: TermFactory()),
    ],
)
def test_every_status_value_is_checked_by_the_database(model, field, make):
    obj = make()
    _refused(model.objects.filter(pk=obj.pk), **{field: "bogus"})


def test_lead_inquiry_review_and_notification_values_are_checked():
    from tests.factories import RegionFactory

    region = RegionFactory()
    lead = PamphletRequest.objects.create(
        organization_name="x",
        organization_kind="npo",
        contact_name="x",
        email="x@example.jp",
        region=region,
        consent=True,
    )
    _refused(PamphletRequest.objects.filter(pk=lead.pk), status="bogus")
    _refused(PamphletRequest.objects.filter(pk=lead.pk), consent=False)
    inquiry = Inquiry.objects.create(kind="general", name="x", email="x@example.jp", message="?")
    _refused(Inquiry.objects.filter(pk=inquiry.pk), status="bogus")
    placement, *_ = placement_in("active")
    review = ReviewSession.objects.create(placement=placement, due_on=timezone.localdate())
    _refused(ReviewSession.objects.filter(pk=review.pk), health="bogus")
    note = Notification.objects.create(
        recipient=UserFactory(), event="x", channel="email", idempotency_key="k1"
    )
    _refused(Notification.objects.filter(pk=note.pk), status="bogus")
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(event="x", channel="email", idempotency_key="k1")
