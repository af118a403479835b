"""One world for the security tests, and the URL configuration walked pattern by pattern.

The world holds objects of every kind for "A" (region X, organisation A, student A) and for
"B" (region Y, organisation B, student B). It is built once per test module inside a
transaction that is rolled back at the end; every test runs in a savepoint inside it
(`db`, below), so a POST made by a test is undone before the next one; the same on SQLite and
on PostgreSQL. Coordinators are appointed with `coordinator_appoint`; everyone signs in with
`tests.two_factor.sign_in` (the second factor given where the account needs one).

`URL_ARGS` says, for every URL with an object id or token in it, how to build a concrete URL
for A's object. The matrix (test_authorization_matrix.py) says who may open it; the crawl
(test_get_changes_nothing.py) opens every URL with GET as every role.
"""

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.models import PersonalDataChange
from applicants import services as applicant_services
from applicants.models import Interview, InterviewFeedback
from coordinators import services as coordinator_services
from coordinators.models import ReviewSession, Survey, SurveyQuestion, SurveyResponse
from notifications import services as notification_services
from notifications.models import EmailSuppression, Notification
from programs import services as program_services
from programs.models import Inquiry, Pamphlet
from projects import services as project_services
from projects.models import HostMembership, Project
from tests.factories import (
    HostMemberFactory,
    HostOrganizationFactory,
    IntakeInterviewFactory,
    ProgramFactory,
    ProjectFactory,
    RegionFactory,
    StaffFactory,
    StudentFactory,
    TermFactory,
    ThemeFactory,
    UserFactory,
)
from tests.two_factor import sign_in

ROLES = (
    "anonymous",
    "student_a",
    "student_b",
    "host_a",
    "host_b",
    "coordinator_x",
    "coordinator_y",
    "staff",
)

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# ------------------------------------------------------------------------------------------
# The URL configuration, pattern by pattern
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One URL pattern: `key` is its name with namespace ("applicants:entry-detail"), or for
    an unnamed pattern the namespace and the full route ("admin:/admin/projects/project/…")."""

    key: str
    route: str
    params: tuple[str, ...]
    callback: Callable

    @property
    def view_class(self):
        return getattr(self.callback, "view_class", None)

    @property
    def post_only(self) -> bool:
        """A class-based view without `get`: its GET answers 405, its checks run on POST."""
        view = self.view_class
        return view is not None and not hasattr(view, "get") and hasattr(view, "post")


def _params(pattern) -> tuple[str, ...]:
    converters = getattr(pattern, "converters", None)
    if converters:
        return tuple(converters)
    regex = getattr(pattern, "regex", None)
    return tuple(regex.groupindex) if regex is not None else ()


def walk_urls(resolver: URLResolver | None = None, prefix="", namespace="", params=()):
    """Every URL pattern of the configuration, through every include (the admin's too)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        found = params + _params(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from walk_urls(entry, route, inner, found)
        elif isinstance(entry, URLPattern):
            if entry.name:
                key = f"{namespace}:{entry.name}" if namespace else entry.name
            else:
                key = f"{namespace}:/{route}"
            yield Route(key=key, route=route, params=found, callback=entry.callback)


def routes() -> dict[str, Route]:
    return {r.key: r for r in walk_urls()}


def base_key(key: str) -> str:
    """ "projects:project-detail[draft]" → "projects:project-detail" (a variant of one URL)."""
    return re.sub(r"\[[^\]]*\]$", "", key)


# ------------------------------------------------------------------------------------------
# How to build a concrete URL for A's object, per URL with an id or a token
# ------------------------------------------------------------------------------------------


def _forged(token: str) -> str:
    return token[:-2] + ("AA" if not token.endswith("AA") else "BB")


# A value is a function of the world returning the URL's kwargs (for `reverse`) or the path.
URL_ARGS: dict[str, Callable[[SimpleNamespace], dict | str]] = {
    # Public pages
    "projects:project-detail": lambda w: {"pk": w.project_a.pk},
    "projects:project-detail[draft]": lambda w: {"pk": w.draft_a.pk},
    "projects:region-detail": lambda w: {"slug": w.region_x.slug},
    # The host's project pages
    "projects:host-project-create": lambda w: {"organization_id": w.org_a.pk},
    "projects:host-project-edit": lambda w: {"pk": w.draft_a.pk},
    "projects:host-project-preview": lambda w: {"pk": w.draft_a.pk},
    "projects:host-project-submit": lambda w: {"pk": w.draft_a.pk},
    "projects:host-project-cancel": lambda w: {"pk": w.draft_a.pk},
    "projects:host-project-copy": lambda w: {"pk": w.project_a.pk},
    "projects:host-project-versions": lambda w: {"pk": w.project_a.pk},
    "projects:host-invitation-accept": lambda w: {"token": w.invitation_token},
    "projects:host-invitation-accept[forged]": lambda w: {"token": _forged(w.invitation_token)},
    # Notifications
    "notifications:notification-read": lambda w: {"pk": w.notification_a.pk},
    "notifications:unsubscribe": lambda w: {"token": w.unsubscribe_token},
    "notifications:unsubscribe[forged]": lambda w: {"token": _forged(w.unsubscribe_token)},
    # Reviews and surveys
    "coordinators:review-part": lambda w: {"pk": w.review_a.pk},
    "coordinators:review-host-link": lambda w: {"token": w.review_link_token},
    "coordinators:review-host-link[forged]": lambda w: {"token": _forged(w.review_link_token)},
    "coordinators:survey-answer": lambda w: {"pk": w.survey_response_a.pk},
    # The student's pages
    "applicants:entry-create": lambda w: {"pk": w.project_a.pk},
    "applicants:entry-create[draft]": lambda w: {"pk": w.draft_a.pk},
    "applicants:entry-detail": lambda w: {"pk": w.application_a.pk},
    "applicants:entry-done": lambda w: {"pk": w.application_a.pk},
    "applicants:entry-withdraw": lambda w: {"pk": w.application_a.pk},
    "applicants:offer-accept": lambda w: {"pk": w.offered_a.pk},
    "applicants:offer-decline": lambda w: {"pk": w.offered_a.pk},
    "applicants:pre-assignment": lambda w: {"pk": w.application_a.pk},
    "applicants:interview-pick": lambda w: {"pk": w.proposed_interview_a.pk},
    "applicants:interview-other-times": lambda w: {"pk": w.proposed_interview_a.pk},
    "applicants:interview-calendar": lambda w: {"pk": w.interview_a.pk},
    "applicants:file-download": lambda w: {"pk": w.file_a.pk},
    # The host's entry pages
    "applicants:host-entry-list": lambda w: {"pk": w.project_a.pk},
    "applicants:host-entry-detail": lambda w: {"pk": w.application_a.pk},
    "applicants:host-entry-screen": lambda w: {"pk": w.application_a.pk},
    "applicants:host-entry-invite": lambda w: {"pk": w.application_a.pk},
    "applicants:host-entry-offer": lambda w: {"pk": w.application_a.pk},
    "applicants:host-entry-decline": lambda w: {"pk": w.application_a.pk},
    "applicants:host-interview-propose": lambda w: {"pk": w.interviewing_a.pk},
    "applicants:host-interview-schedule": lambda w: {"pk": w.proposed_interview_a.pk},
    "applicants:host-interview-complete": lambda w: {"pk": w.interview_a.pk},
    "applicants:host-interview-no-show": lambda w: {"pk": w.interview_a.pk},
    "applicants:host-interview-cancel": lambda w: {"pk": w.interview_a.pk},
    "applicants:host-interview-feedback": lambda w: {"pk": w.interview_a.pk},
    # allauth's signed links
    "account_confirm_email": lambda w: {"key": EmailConfirmationHMAC(w.email_a).key},
    "account_reset_password_from_key": lambda w: {
        "uidb36": user_pk_to_url_str(w.student_a),
        "key": default_token_generator.make_token(w.student_a),
    },
    # The admin's pages that are not one model's
    "admin:app_list": lambda w: {"app_label": "applicants"},
    "admin:view_on_site": lambda w: {
        "content_type_id": ContentType.objects.get_for_model(Project).pk,
        "object_id": w.project_a.pk,
    },
    "admin:auth_user_password_change": lambda w: {"id": w.student_a.pk},
    "admin:projects_project_compare": lambda w: {"object_id": w.project_a.pk},
    "admin:/admin/(?P<url>.*)$": lambda w: "/admin/no-such-page/",
    # The coordinators' dashboards (mounted under the admin)
    "pipeline:board": lambda w: {"region_slug": w.region_x.slug},
    "pipeline:funnel": lambda w: {"region_slug": w.region_x.slug},
    "pipeline:surveys": lambda w: {"region_slug": w.region_x.slug},
}

# The admin's object pages (change, history, delete and the old change URL) per model: the
# object of A (or of region X) each one is opened with.
ADMIN_OBJECTS: dict[str, Callable[[SimpleNamespace], object]] = {
    "auth.group": lambda w: w.coordinator_x.groups.get(),
    "account.emailaddress": lambda w: w.email_a,
    "accounts.user": lambda w: w.student_a,
    "accounts.invitation": lambda w: w.invitation,
    "accounts.personaldatachange": lambda w: PersonalDataChange.objects.create(
        subject=w.student_a, actor=w.student_a, record="account", fields=["name"]
    ),
    "mfa.authenticator": lambda w: Authenticator.objects.filter(user=w.coordinator_x).first(),
    "programs.region": lambda w: w.region_x,
    "programs.program": lambda w: w.term.program,
    "programs.term": lambda w: w.term,
    "programs.pamphlet": lambda w: w.pamphlet,
    "programs.pamphletrequest": lambda w: w.lead_a,
    "programs.pamphletrequeststatuschange": lambda w: w.lead_a.status_changes.first(),
    "programs.inquiry": lambda w: w.inquiry_a,
    "programs.inquirystatuschange": lambda w: w.inquiry_a.status_changes.first(),
    "projects.hostorganization": lambda w: w.org_a,
    "projects.hostmembership": lambda w: HostMembership.objects.get(user=w.host_a),
    "projects.intakeinterview": lambda w: w.intake_a,
    "projects.theme": lambda w: w.theme,
    "projects.project": lambda w: w.project_a,
    "projects.projectstatuschange": lambda w: w.project_a.status_changes.first(),
    "projects.projectversion": lambda w: w.project_a.versions.first(),
    "applicants.studentprofile": lambda w: w.student_a.student_profile,
    "applicants.application": lambda w: w.application_a,
    "applicants.applicationstatuschange": lambda w: w.offered_a.status_changes.first(),
    "applicants.applicationfile": lambda w: w.file_a,
    "applicants.interview": lambda w: w.interview_a,
    "applicants.interviewslot": lambda w: w.interview_a.slots.first(),
    "applicants.interviewfeedback": lambda w: w.feedback_a,
    "applicants.interviewstatuschange": lambda w: w.interview_a.status_changes.first(),
    "applicants.placement": lambda w: w.placement_a,
    "applicants.placementstatuschange": lambda w: w.placement_a.status_changes.first(),
    "coordinators.coordinatorprofile": lambda w: w.coordinator_x.coordinator_profile,
    "coordinators.orientation": lambda w: w.placement_a.orientation,
    "coordinators.reviewplan": lambda w: w.placement_a.review_plan,
    "coordinators.reviewsession": lambda w: w.review_a,
    "coordinators.survey": lambda w: w.survey,
    "coordinators.surveyquestion": lambda w: w.survey.questions.first(),
    "coordinators.surveyresponse": lambda w: w.survey_response_a,
    "notifications.notification": lambda w: w.notification_a,
    "notifications.notificationpreference": lambda w: w.preference_a,
    "notifications.emailsuppression": lambda w: w.suppression,
}

ADMIN_PAGES = ("change", "history", "delete", "old")


def admin_keys(label: str) -> dict[str, str]:
    """The URL keys of a model's object pages in the admin, by page."""
    app_label, model = label.split(".")
    info = f"{app_label}_{model}"
    return {
        "change": f"admin:{info}_change",
        "history": f"admin:{info}_history",
        "delete": f"admin:{info}_delete",
        # The pre-1.9 change URL, kept by the admin as an unnamed redirect.
        "old": f"admin:/admin/{app_label}/{model}/<path:object_id>/",
    }


def registered_admin_models() -> list[str]:
    return sorted(m._meta.label_lower for m in admin.site._registry)


def _admin_url_args() -> dict[str, Callable]:
    args: dict[str, Callable] = {}
    for label in registered_admin_models():
        keys = admin_keys(label)
        build = ADMIN_OBJECTS.get(label)
        if build is None:
            continue  # the matrix's completeness test names it

        def kwargs(w, build=build):
            return {"object_id": build(w).pk}

        for page in ("change", "history", "delete"):
            args[keys[page]] = kwargs

        def old(w, change=keys["change"], kwargs=kwargs):
            return reverse(change, kwargs=kwargs(w)).removesuffix("change/")

        args[keys["old"]] = old
    return args


URL_ARGS.update(_admin_url_args())


def concrete_url(key: str, world) -> str:
    """The path of the URL `key` (a name, a variant "name[…]" or an unnamed route)."""
    build = URL_ARGS.get(key)
    if build is None:
        return reverse(base_key(key))
    value = build(world)
    return value if isinstance(value, str) else reverse(base_key(key), kwargs=value)


# ------------------------------------------------------------------------------------------
# The world
# ------------------------------------------------------------------------------------------


def _verified(user):
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def _published(organization, coordinator, member, **fields) -> Project:
    project = ProjectFactory(organization=organization, **fields)
    project = project_services.project_submit(project=project, actor=member)
    project = project_services.project_approve(project=project, actor=coordinator)
    project = project_services.project_publish(project=project, actor=coordinator)
    project.refresh_from_db()
    return project


def _entry(student, project, member, *steps):
    s = applicant_services
    application = s.application_submit(
        student=student, project=project, motivation="地域で挑戦したい", consent=True
    )
    moves = {
        "screen": lambda a: s.application_screen(application=a, actor=member),
        "interview": lambda a: s.application_invite_to_interview(application=a, actor=member),
        "offer": lambda a: s.application_offer(application=a, actor=member),
        "accept": lambda a: s.application_accept(application=a, actor=student).application,
    }
    for step in steps:
        application = moves[step](application)
    application.refresh_from_db()
    return application


def _propose(application, member):
    start = (timezone.now() + dt.timedelta(days=3)).replace(microsecond=0)
    return applicant_services.interview_propose(
        application=application,
        actor=member,
        slots=[
            (start, start + dt.timedelta(hours=1)),
            (start + dt.timedelta(days=1), start + dt.timedelta(days=1, hours=1)),
        ],
        mode=Interview.Mode.ONLINE,
        meeting_url="https://meet.example.jp/abc",
        interviewers=[member],
    )


def build_world() -> SimpleNamespace:
    w = SimpleNamespace()
    term = TermFactory(program=ProgramFactory())
    w.term = term
    w.theme = ThemeFactory()

    # Regions, organisations and the people of both sides
    w.region_x = RegionFactory(slug="region-x", name="地域X", name_en="Region X")
    w.region_y = RegionFactory(slug="region-y", name="地域Y", name_en="Region Y")
    w.org_a = HostOrganizationFactory(name="株式会社A", region=w.region_x)
    w.org_b = HostOrganizationFactory(name="株式会社B", region=w.region_y)
    w.student_a = _verified(StudentFactory(email="student-a@example.jp"))
    w.student_b = _verified(StudentFactory(email="student-b@example.jp"))
    w.host_a = _verified(HostMemberFactory(email="host-a@example.jp", organization=w.org_a))
    w.host_b = _verified(HostMemberFactory(email="host-b@example.jp", organization=w.org_b))
    w.coordinator_x = _verified(UserFactory(email="coordinator-x@example.jp"))
    w.coordinator_y = _verified(UserFactory(email="coordinator-y@example.jp"))
    coordinator_services.coordinator_appoint(user=w.coordinator_x, region=w.region_x)
    coordinator_services.coordinator_appoint(user=w.coordinator_y, region=w.region_y)
    w.staff = _verified(StaffFactory(email="staff@example.jp"))
    # Coordinators and staff have two-factor authentication set up, as production requires.
    w.secrets = {}
    for role in ("coordinator_x", "coordinator_y", "staff"):
        w.secrets[role] = generate_totp_secret()
        TOTP.activate(getattr(w, role), w.secrets[role])
    w.users = {role: getattr(w, role) for role in ROLES if role != "anonymous"}
    w.email_a = EmailAddress.objects.get(user=w.student_a)

    # Steps 1 to 3 in region X: a lead, an inquiry, an intake with its invitation
    w.lead_a = program_services.lead_create(
        organization_name="株式会社A",
        organization_kind="company",
        contact_name="山田 花子",
        email="lead-a@example.jp",
        region=w.region_x,
        consent=True,
    )
    program_services.lead_mark_contacted(lead=w.lead_a, actor=w.coordinator_x)
    w.inquiry_a = program_services.inquiry_create(
        kind=Inquiry.Kind.COMPANY,
        name="山田 花子",
        email="inquiry-a@example.jp",
        message="始め方を教えてください",
        region=w.region_x,
    )
    program_services.inquiry_mark_answered(inquiry=w.inquiry_a, actor=w.coordinator_x)
    w.intake_a = IntakeInterviewFactory(
        region=w.region_x, organization=w.org_a, contact_email="new-host-a@example.jp"
    )
    w.intake_a, w.invitation = project_services.intake_record_outcome(
        intake=w.intake_a, outcome="proceed", actor=w.coordinator_x
    )
    w.invitation_token = account_services.invitation_token(w.invitation)
    w.pamphlet = Pamphlet.objects.create(
        title="パンフレット", language="ja", version="2027", file=ContentFile(PDF, name="p.pdf")
    )

    # Steps 4 to 8 for A: a draft, published projects, and student A's entries in each state
    w.draft_a = ProjectFactory(organization=w.org_a, term=term)
    brief = {
        "pre_assignment_brief": "北見の冬の魅力を3つ挙げてください",
        "pre_assignment_deadline": timezone.now() + dt.timedelta(days=30),
    }
    w.project_a = _published(w.org_a, w.coordinator_x, w.host_a, term=term, **brief)
    project_a2 = _published(w.org_a, w.coordinator_x, w.host_a, term=term)
    project_a3 = _published(w.org_a, w.coordinator_x, w.host_a, term=term)
    project_a4 = _published(w.org_a, w.coordinator_x, w.host_a, term=term)
    project_a5 = _published(w.org_a, w.coordinator_x, w.host_a, term=term)

    # submitted, with a pre-assignment file
    w.application_a = _entry(w.student_a, w.project_a, w.host_a)
    applicant_services.application_pre_assignment_submit(
        application=w.application_a,
        actor=w.student_a,
        answer="雪、食、人",
        files=[SimpleUploadedFile("答案.pdf", PDF, content_type="application/pdf")],
    )
    w.file_a = w.application_a.files.get()
    # interviewing, with a scheduled interview (and feedback) and a proposed one
    w.interviewing_a = _entry(w.student_a, project_a2, w.host_a, "screen", "interview")
    interview = _propose(w.interviewing_a, w.host_a)
    w.interview_a = applicant_services.interview_schedule(
        interview=interview, actor=w.student_a, slot=interview.slots.first()
    )
    applicant_services.interview_feedback_record(
        interview=w.interview_a, author=w.host_a, recommendation="yes", notes="前向き"
    )
    w.feedback_a = InterviewFeedback.objects.get(interview=w.interview_a)
    w.proposed_interview_a = _propose(
        _entry(w.student_a, project_a3, w.host_a, "screen", "interview"), w.host_a
    )
    # offered
    w.offered_a = _entry(w.student_a, project_a4, w.host_a, "screen", "interview", "offer")
    # accepted: a placement with its orientation, review plan, reviews and surveys
    accepted = _entry(w.student_a, project_a5, w.host_a, "screen", "interview", "offer", "accept")
    w.placement_a = accepted.placement
    start = (timezone.now() + dt.timedelta(days=1)).replace(microsecond=0)
    orientation = coordinator_services.orientation_schedule(
        placement=w.placement_a,
        actor=w.coordinator_x,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        place="北見市民会館",
    )
    coordinator_services.orientation_record(
        orientation=orientation,
        actor=w.coordinator_x,
        student_goals="商品を3つ企画する",
        host_goals="販路を広げる",
        coordinator_goals="月1回の振り返り",
        student_attended=True,
        host_attended=True,
        coordinator_attended=True,
    )
    coordinator_services.review_plan_set(
        placement=w.placement_a, actor=w.coordinator_x, every_weeks=4
    )
    w.review_a = ReviewSession.objects.filter(placement=w.placement_a).order_by("due_on").first()
    coordinator_services.review_record(
        review=w.review_a, actor=w.student_a, part="student", notes="商品案を2つ出した"
    )
    w.review_link_token = coordinator_services.review_host_link_issue(
        review=w.review_a, actor=w.coordinator_x
    )
    w.survey = Survey.objects.create(title="参加後アンケート", audience=Survey.Audience.STUDENT)
    SurveyQuestion.objects.create(
        survey=w.survey, position=1, kind=SurveyQuestion.Kind.RATING, text="満足度"
    )
    host_survey = Survey.objects.create(title="受入れ後アンケート", audience=Survey.Audience.HOST)
    SurveyQuestion.objects.create(
        survey=host_survey, position=1, kind=SurveyQuestion.Kind.TEXT, text="感想"
    )
    coordinator_services.survey_send_for(placement=w.placement_a)
    w.survey_response_a = SurveyResponse.objects.get(survey=w.survey, respondent=w.student_a)
    w.placement_a.refresh_from_db()

    # Notifications of student A
    w.notification_a = (
        Notification.objects.filter(recipient=w.student_a, channel=Notification.Channel.IN_APP)
        .order_by("id")
        .first()
    )
    w.preference_a = notification_services.preference_set(
        user_id=w.student_a.pk, event="application_screening", email_enabled=True
    )
    w.suppression = EmailSuppression.objects.create(
        email="visitor@example.jp", event="pamphlet_requested"
    )
    w.unsubscribe_token = notification_services.unsubscribe_token(
        user_id=w.student_a.pk, event="application_screening"
    )

    # B's side in region Y: a published project of organisation B with student B's entry,
    # a placement with a review and a survey, so every role has objects of its own.
    w.project_b = _published(w.org_b, w.coordinator_y, w.host_b, term=term)
    w.application_b = _entry(w.student_b, w.project_b, w.host_b)
    project_b2 = _published(w.org_b, w.coordinator_y, w.host_b, term=term)
    accepted_b = _entry(w.student_b, project_b2, w.host_b, "screen", "interview", "offer", "accept")
    applicant_services.placement_activate(placement=accepted_b.placement, actor=w.coordinator_y)
    coordinator_services.review_plan_set(
        placement=accepted_b.placement, actor=w.coordinator_y, every_weeks=4
    )
    coordinator_services.survey_send_for(placement=accepted_b.placement)
    w.lead_b = program_services.lead_create(
        organization_name="株式会社B",
        organization_kind="company",
        contact_name="佐藤 太郎",
        email="lead-b@example.jp",
        region=w.region_y,
        consent=True,
    )
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[SimpleNamespace]:
    """The world, for one test module (its transaction must not wrap other modules' tests).

    Production settings for two-factor authentication: coordinators and staff have it.
    Its tests run in the savepoints of `db` (below), which replaces pytest-django's.
    """
    media = tmp_path_factory.mktemp("security-media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, MFA_REQUIRED=True),
        transaction.atomic(),
    ):
        world = build_world()
        world.media = media
        yield world
        _assert_still_open()
        transaction.set_rollback(True)


def _assert_still_open() -> None:
    """Fail loudly if something closed the connection inside the world's transaction (every
    later query would fail with a confusing error, or run outside the transaction)."""
    assert not connection.closed_in_transaction, "the connection was closed inside the world"


@pytest.fixture
def db(world, django_db_blocker) -> Iterator[None]:
    """One test inside the world: a savepoint rolled back afterwards, so a POST made by the
    test is undone before the next one.

    This replaces pytest-django's `db` for the tests of this folder that ask for it by name
    (through `as_role`): that one runs Django's TestCase.tearDownClass after every test, which
    closes the connection, and on PostgreSQL a closed connection loses the world's
    transaction. The name stays `db` because pytest-django sets up the test database for the
    tests that ask for a fixture of that name. Tests that want rows of their own use the
    `django_db` mark instead (test_fuzz_forms.py).
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        _assert_still_open()
        transaction.set_rollback(True)


def finish(response) -> None:
    """Read a streamed response to its end, so its file is closed.

    The test client closes a response itself and keeps Django's `close_old_connections` away
    from that `request_finished`; calling `response.close()` again would send it once more,
    and that closes the connection (on PostgreSQL the world's transaction with it).
    """
    if response.streaming:
        for _chunk in response.streaming_content:
            pass


@pytest.fixture(scope="module")
def _clients(world) -> dict[str, tuple[Client, dict]]:
    """One test client per role, signed in once inside the world's transaction.

    A new Client loads the middleware again, and WhiteNoise then scans every static file:
    reusing the clients keeps the thousands of requests below a minute.
    """
    clients = {}
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            # Signed in as allauth leaves a session: the password, and the authenticator's
            # code for the accounts that must give one.
            sign_in(client, world.users[role], second_factor=True)
        clients[role] = (client, {name: morsel.value for name, morsel in client.cookies.items()})
    return clients


@pytest.fixture
def as_role(world, _clients, db, settings):
    """`as_role("student_a")`: the test client of that role, with its sign-in cookie as at the
    start (a request of an earlier test may have signed it out; its session row was rolled
    back with that test)."""
    # tests/conftest.py gives every test a media folder of its own; the world's files are here.
    settings.MEDIA_ROOT = world.media

    def make(role: str) -> Client:
        client, cookies = _clients[role]
        client.cookies.clear()
        for name, value in cookies.items():
            client.cookies[name] = value
        return client

    return make
