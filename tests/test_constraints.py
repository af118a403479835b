"""Constraints held by the database itself, not only by forms: each one refuses a bad row.

Every test names the constraints it proves with `@covers(...)`; the last test reads the
`Meta.constraints` of every model of the project and fails for any that no test names, so a
new constraint comes with its test.
"""

import datetime as dt

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Invitation, User
from accounts.services import invitation_create
from applicants.models import (
    Application,
    ApplicationFile,
    Interview,
    InterviewFeedback,
    InterviewSlot,
    Placement,
    StudentProfile,
)
from coordinators.models import (
    Orientation,
    ReviewPlan,
    ReviewSession,
    Survey,
    SurveyQuestion,
    SurveyResponse,
)
from notifications.models import Notification, NotificationPreference
from programs.models import Inquiry, Pamphlet, PamphletRequest, Term
from projects.models import (
    HostMembership,
    HostOrganization,
    IntakeInterview,
    Project,
    ProjectVersion,
)
from tests.factories import (
    CoordinatorFactory,
    HostMemberFactory,
    HostOrganizationFactory,
    IntakeInterviewFactory,
    ProjectFactory,
    RegionFactory,
    StudentFactory,
    TermFactory,
    UserFactory,
)
from tests.flow import application_in, interview_in, placement_in

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("accounts", "programs", "projects", "applicants", "coordinators", "notifications")
COVERED: set[str] = set()


def covers(*names: str):
    """Mark a test as the proof of these constraints (read by the completeness test)."""
    COVERED.update(names)
    return lambda test: test


def _refused(queryset, **values):
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset.update(**values)


def _refused_create(model, **values):
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**values)


def _lead(**values) -> PamphletRequest:
    fields = {
        "organization_name": "合同会社テスト",
        "organization_kind": "npo",
        "contact_name": "山田 花子",
        "email": "lead@example.jp",
        "region": RegionFactory(),
        "consent": True,
    }
    return PamphletRequest.objects.create(**{**fields, **values})


# Projects, terms, interviews, placements -------------------------------------------------


@covers("project_duration_1_to_12_months")
@pytest.mark.parametrize("months", [0, 13])
def test_project_duration_is_one_to_twelve_months(months):
    project = ProjectFactory()
    _refused(Project.objects.filter(pk=project.pk), duration_months=months)


def test_project_duration_of_one_month_is_fine():
    project = ProjectFactory(duration_months=1)
    assert project.duration_months == 1


@covers("project_ends_after_start")
def test_project_ends_after_it_starts():
    project = ProjectFactory()
    _refused(Project.objects.filter(pk=project.pk), ends_on=project.starts_on)
    _refused(
        Project.objects.filter(pk=project.pk), ends_on=project.starts_on - dt.timedelta(days=1)
    )


@covers("project_capacity_positive", "project_commute_days_1_to_7")
def test_project_capacity_and_commute_days_are_sane():
    project = ProjectFactory()
    _refused(Project.objects.filter(pk=project.pk), capacity=0)
    _refused(Project.objects.filter(pk=project.pk), commute_days_per_week=0)
    _refused(Project.objects.filter(pk=project.pk), commute_days_per_week=8)


@covers("term_ends_after_start", "term_entry_closes_after_opening")
def test_term_ends_after_start_and_entry_closes_after_opening():
    term = TermFactory()
    _refused(Term.objects.filter(pk=term.pk), ends_on=term.starts_on)
    _refused(
        Term.objects.filter(pk=term.pk), entry_closes_on=term.entry_opens_on - dt.timedelta(days=1)
    )


@covers("term_unique_per_program")
def test_a_programme_has_one_term_per_season_and_year():
    term = TermFactory()
    fields = {
        f: getattr(term, f)
        for f in ("program", "season", "year", "entry_opens_on", "entry_closes_on")
    }
    _refused_create(Term, **fields, starts_on=term.starts_on, ends_on=term.ends_on)
    other_year = Term.objects.create(
        **{**fields, "year": term.year + 1}, starts_on=term.starts_on, ends_on=term.ends_on
    )
    assert other_year.pk


@covers("interview_ends_after_start", "interview_scheduled_has_time")
def test_interview_ends_after_start_and_scheduled_needs_a_time():
    interview, *_ = interview_in(Interview.Status.SCHEDULED)
    _refused(Interview.objects.filter(pk=interview.pk), ends_at=interview.starts_at)
    _refused(Interview.objects.filter(pk=interview.pk), starts_at=None)


@covers("interviewslot_one_chosen_per_interview")
def test_only_one_slot_is_chosen_per_interview():
    interview, *_ = interview_in(Interview.Status.SCHEDULED)
    other = interview.slots.filter(chosen=False).first()
    _refused(InterviewSlot.objects.filter(pk=other.pk), chosen=True)


@covers("interviewslot_ends_after_start")
def test_slot_ends_after_start():
    interview, *_ = interview_in(Interview.Status.PROPOSED)
    slot = interview.slots.first()
    _refused(InterviewSlot.objects.filter(pk=slot.pk), ends_at=slot.starts_at)


@covers("interviewfeedback_one_per_interviewer", "interviewfeedback_valid")
def test_one_feedback_per_interviewer_with_a_known_recommendation():
    interview, _student, member, coordinator = interview_in(Interview.Status.COMPLETED)
    feedback = InterviewFeedback.objects.create(
        interview=interview, author=member, recommendation="yes"
    )
    _refused_create(InterviewFeedback, interview=interview, author=member, recommendation="no")
    _refused(InterviewFeedback.objects.filter(pk=feedback.pk), recommendation="bogus")
    # Another interviewer of the same interview gives their own.
    InterviewFeedback.objects.create(interview=interview, author=coordinator, recommendation="no")


@covers("placement_ends_after_start")
def test_placement_ends_after_start():
    placement, *_ = placement_in(Placement.Status.PREPARING)
    _refused(Placement.objects.filter(pk=placement.pk), ends_on=placement.starts_on)


# Hosts, memberships, intake, versions ------------------------------------------------------


@covers("hostmembership_unique")
def test_host_membership_is_unique_per_user_and_organisation():
    member = HostMemberFactory()
    membership = member.host_memberships.get()
    _refused_create(HostMembership, organization=membership.organization, user=member)
    HostMembership.objects.create(organization=membership.organization, user=UserFactory())


@covers("hostmembership_role_valid")
def test_host_membership_role_is_owner_or_member():
    membership = HostMemberFactory().host_memberships.get()
    _refused(HostMembership.objects.filter(pk=membership.pk), role="admin")


@covers("host_kind_valid", "host_size_valid")
def test_host_kind_and_size_are_known_values():
    host = HostOrganizationFactory(size="10-49")
    _refused(HostOrganization.objects.filter(pk=host.pk), kind="bogus")
    _refused(HostOrganization.objects.filter(pk=host.pk), size="5000")
    HostOrganization.objects.filter(pk=host.pk).update(size="")  # unknown size is allowed


@covers("intake_kind_valid")
def test_intake_organisation_kind_is_a_known_value():
    intake = IntakeInterviewFactory()
    _refused(IntakeInterview.objects.filter(pk=intake.pk), organization_kind="bogus")


@covers("intake_contact_language_valid")
def test_intake_contact_language_is_japanese_or_english():
    intake = IntakeInterviewFactory()
    _refused(IntakeInterview.objects.filter(pk=intake.pk), contact_language="fr")


@covers("projectversion_unique")
def test_a_project_version_number_is_used_once():
    project = ProjectFactory()
    ProjectVersion.objects.create(project=project, number=1, data={})
    _refused_create(ProjectVersion, project=project, number=1, data={"title": "again"})
    ProjectVersion.objects.create(project=ProjectFactory(), number=1, data={})


# Students and entries ---------------------------------------------------------------------


@covers("studentprofile_year_range")
def test_student_profile_year_range():
    student = StudentFactory()
    _refused(StudentProfile.objects.filter(user=student), year=0)
    _refused(StudentProfile.objects.filter(user=student), year=10)


@covers("studentprofile_leave_valid", "studentprofile_commute_days_1_to_7")
def test_student_profile_leave_and_commute_days_are_sane():
    profile = StudentFactory().student_profile
    _refused(StudentProfile.objects.filter(pk=profile.pk), leave_of_absence="bogus")
    _refused(StudentProfile.objects.filter(pk=profile.pk), commute_days_per_week=0)
    _refused(StudentProfile.objects.filter(pk=profile.pk), commute_days_per_week=8)


@covers("application_one_per_student_and_project")
def test_one_application_per_student_and_project():
    application, student, *_ = application_in(Application.Status.SUBMITTED)
    fields = {
        "project": application.project,
        "motivation": "再",
        "profile_shared_at": timezone.now(),
    }
    _refused_create(Application, student=student, **fields)
    Application.objects.create(student=StudentFactory(), **fields)


@covers("application_decline_reason_valid")
def test_application_decline_reason_is_empty_or_known():
    application, *_ = application_in(Application.Status.REJECTED)
    assert application.decline_reason
    _refused(Application.objects.filter(pk=application.pk), decline_reason="bogus")


@covers("applicationfile_size_limit")
@pytest.mark.parametrize("size", [0, 10 * 1024 * 1024 + 1])
def test_application_file_is_not_empty_and_at_most_10_mb(size):
    application, *_ = application_in(Application.Status.SUBMITTED)
    fields = {
        "application": application,
        "file": "applications/x/answer",
        "original_name": "answer.pdf",
        "content_type": "application/pdf",
    }
    _refused_create(ApplicationFile, **fields, size=size)
    ApplicationFile.objects.create(**fields, size=10 * 1024 * 1024)


# Coordinators: orientation, reviews, surveys ------------------------------------------------


@covers("orientation_ends_after_start")
def test_orientation_ends_after_it_starts():
    placement, *_ = placement_in(Placement.Status.PREPARING)
    starts = timezone.now() + dt.timedelta(days=7)
    orientation = Orientation.objects.create(
        placement=placement, starts_at=starts, ends_at=starts + dt.timedelta(hours=2)
    )
    _refused(Orientation.objects.filter(pk=orientation.pk), ends_at=starts)
    _refused(Orientation.objects.filter(pk=orientation.pk), ends_at=starts - dt.timedelta(hours=1))


@covers("reviewplan_cadence_valid")
@pytest.mark.parametrize("weeks", [0, 1, 3, 8])
def test_review_cadence_is_every_two_or_four_weeks(weeks):
    placement, *_ = placement_in(Placement.Status.ACTIVE)
    plan = ReviewPlan.objects.create(placement=placement, every_weeks=2)
    _refused(ReviewPlan.objects.filter(pk=plan.pk), every_weeks=weeks)


@covers("reviewsession_kind_valid", "reviewsession_health_valid")
def test_review_kind_and_health_are_known_values():
    placement, *_ = placement_in(Placement.Status.ACTIVE)
    review = ReviewSession.objects.create(placement=placement, due_on=timezone.localdate())
    _refused(ReviewSession.objects.filter(pk=review.pk), kind="bogus")
    _refused(ReviewSession.objects.filter(pk=review.pk), health="bogus")
    ReviewSession.objects.filter(pk=review.pk).update(health="")  # not assessed yet


@covers("survey_audience_valid", "surveyquestion_kind_valid")
def test_survey_audience_and_question_kind_are_known_values():
    survey = Survey.objects.create(title="終了アンケート", audience=Survey.Audience.STUDENT)
    question = SurveyQuestion.objects.create(
        survey=survey, kind=SurveyQuestion.Kind.RATING, text="満足度は？"
    )
    _refused(Survey.objects.filter(pk=survey.pk), audience="everyone")
    _refused(SurveyQuestion.objects.filter(pk=question.pk), kind="bogus")


@covers("surveyresponse_once_each")
def test_a_person_answers_a_survey_once_per_placement():
    placement, student, *_ = placement_in(Placement.Status.COMPLETED)
    survey = Survey.objects.create(title="終了アンケート", audience=Survey.Audience.STUDENT)
    SurveyResponse.objects.create(survey=survey, placement=placement, respondent=student)
    _refused_create(SurveyResponse, survey=survey, placement=placement, respondent=student)
    other, other_student, *_ = placement_in(Placement.Status.COMPLETED)
    SurveyResponse.objects.create(survey=survey, placement=other, respondent=other_student)


def test_answers_outlive_their_respondents_however_many_leave():
    """The uniqueness holds for live rows only, on purpose: a response keeps its answers with
    respondent NULL when the person is deleted (and placement NULL when the placement is), so
    that results stay countable. Two coordinators of a region both answer the coordinators'
    survey about one placement; when both leave, both answers remain. With NULLs counted as
    equal (nulls_distinct=False) the second deletion would fail."""
    placement, *_ = placement_in(Placement.Status.COMPLETED)
    region = placement.application.project.region
    survey = Survey.objects.create(title="振り返り", audience=Survey.Audience.COORDINATOR)
    leaving = [CoordinatorFactory(region=region), CoordinatorFactory(region=region)]
    for coordinator in leaving:
        SurveyResponse.objects.create(
            survey=survey,
            placement=placement,
            respondent=coordinator,
            region=region,
            answers={"1": 4},
            submitted_at=timezone.now(),
        )
    for coordinator in leaving:
        coordinator.delete()
    kept = SurveyResponse.objects.filter(survey=survey, placement=placement)
    assert [(r.respondent_id, r.answers) for r in kept] == [(None, {"1": 4})] * 2


# Leads, inquiries, pamphlets -----------------------------------------------------------------


@covers("pamphletrequest_status_valid", "pamphletrequest_kind_valid", "pamphletrequest_consent")
def test_lead_status_kind_and_consent_are_checked():
    lead = _lead()
    _refused(PamphletRequest.objects.filter(pk=lead.pk), status="bogus")
    _refused(PamphletRequest.objects.filter(pk=lead.pk), organization_kind="bogus")
    _refused(PamphletRequest.objects.filter(pk=lead.pk), consent=False)


@covers("inquiry_status_valid", "inquiry_kind_valid")
def test_inquiry_status_and_kind_are_checked():
    inquiry = Inquiry.objects.create(kind="general", name="x", email="x@example.jp", message="?")
    _refused(Inquiry.objects.filter(pk=inquiry.pk), status="bogus")
    _refused(Inquiry.objects.filter(pk=inquiry.pk), kind="bogus")


@covers("pamphlet_unique_language_version", "pamphlet_language_valid")
def test_a_pamphlet_version_exists_once_per_language_in_a_known_language():
    fields = {"title": "パンフレット", "file": "pamphlets/2027.pdf", "version": "2027"}
    pamphlet = Pamphlet.objects.create(**fields, language="ja")
    _refused_create(Pamphlet, **fields, language="ja")
    Pamphlet.objects.create(**fields, language="en")
    _refused(Pamphlet.objects.filter(pk=pamphlet.pk), language="fr")


# Accounts and notifications ------------------------------------------------------------------


@covers("user_preferred_language_valid")
def test_preferred_language_is_japanese_or_english():
    user = UserFactory()
    _refused(User.objects.filter(pk=user.pk), preferred_language="fr")


@covers("invitation_kind_valid", "invitation_expires_after_creation")
def test_invitation_kind_is_known_and_it_expires_after_it_was_made():
    invitation, _token = invitation_create(
        email="host@example.jp", kind=Invitation.Kind.HOST_MEMBER, payload={}, invited_by=None
    )
    _refused(Invitation.objects.filter(pk=invitation.pk), kind="student")
    _refused(Invitation.objects.filter(pk=invitation.pk), expires_at=invitation.created_at)
    _refused(
        Invitation.objects.filter(pk=invitation.pk),
        expires_at=invitation.created_at - dt.timedelta(days=1),
    )


@covers("notification_status_valid", "notification_channel_valid")
def test_notification_status_and_channel_are_known_values():
    note = Notification.objects.create(
        recipient=UserFactory(), event="x", channel="email", idempotency_key="k1"
    )
    _refused(Notification.objects.filter(pk=note.pk), status="bogus")
    _refused(Notification.objects.filter(pk=note.pk), channel="sms")


@covers("notification_has_recipient_or_email")
def test_a_notification_goes_to_a_user_or_an_address():
    _refused_create(Notification, event="x", channel="email", idempotency_key="nobody")
    Notification.objects.create(
        event="x", channel="email", email="visitor@example.jp", idempotency_key="visitor"
    )
    note = Notification.objects.create(
        recipient=UserFactory(), event="x", channel="in_app", idempotency_key="user"
    )
    _refused(Notification.objects.filter(pk=note.pk), recipient=None)


def test_notification_idempotency_key_is_unique():
    Notification.objects.create(
        recipient=UserFactory(), event="x", channel="email", idempotency_key="k"
    )
    _refused_create(
        Notification, recipient=UserFactory(), event="x", channel="email", idempotency_key="k"
    )


@covers("notificationpreference_unique")
def test_one_preference_per_user_and_event():
    user = UserFactory()
    NotificationPreference.objects.create(user=user, event="digest", email_enabled=False)
    _refused_create(NotificationPreference, user=user, event="digest", email_enabled=True)
    NotificationPreference.objects.create(user=user, event="reminder", email_enabled=False)


@covers("emailsuppression_unique")
def test_an_address_suppresses_an_event_once():
    suppression = apps.get_model("notifications", "EmailSuppression")
    suppression.objects.create(email="visitor@example.jp", event="digest")
    _refused_create(suppression, email="visitor@example.jp", event="digest")
    suppression.objects.create(email="visitor@example.jp", event="reminder")


# Status values, one table for all -----------------------------------------------------------


@covers(
    "project_status_valid",
    "project_style_valid",
    "application_status_valid",
    "interview_status_valid",
    "interview_mode_valid",
    "placement_status_valid",
    "intake_outcome_valid",
    "term_season_valid",
)
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


# Completeness ---------------------------------------------------------------------------------


def test_every_constraint_of_the_project_has_a_test():
    declared = {
        constraint.name: model._meta.label
        for label in PROJECT_APPS
        for model in apps.get_app_config(label).get_models()
        for constraint in model._meta.constraints
    }
    untested = sorted(f"{model}: {name}" for name, model in declared.items() if name not in COVERED)
    assert not untested, f"constraints without a test in this file: {untested}"
    stale = sorted(COVERED - set(declared))
    assert not stale, f"tests name constraints that no model declares: {stale}"
