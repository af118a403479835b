"""Every form endpoint, fuzzed (issue 8, part 2): random and huge strings, all of Unicode,
control characters, wrong types, missing and extra fields, posted as the right user.

For every input: never a server error; a refused input (400, 409, 413, 429, or a page with a
bound form with errors) writes nothing and says why in Japanese, on the page. A fixed set of hostile
inputs (NUL, RTL override, 10 MB of text, emoji, <script>, invalid UTF-8) runs on every endpoint.

Each example runs in a savepoint that is rolled back, so every example starts from the same rows
(built once per test) and an accepted input does not change what the next one meets.
"""

import datetime as dt
import functools
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

import pytest
from django import forms
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection, models, transaction
from django.template.context import Context
from django.test import Client
from django.test.utils import ContextList
from django.utils import timezone, translation
from django.utils.html import escape
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from accounts.services import invitation_create
from applicants.models import Application, Interview, InterviewFeedback, StudentProfile
from coordinators import services as coordinator_services
from coordinators.models import ReviewSession, Survey, SurveyQuestion, SurveyResponse
from notifications.events import EVENTS
from notifications.models import NotificationPreference
from programs.models import Inquiry, OrganizationKind, Region, TermSeason
from projects.models import Project, ProjectParticipationStyle
from tests.factories import (
    CoordinatorFactory,
    HostMemberFactory,
    HostOrganizationFactory,
    RegionFactory,
    StudentFactory,
    TermFactory,
    ThemeFactory,
    UserFactory,
)
from tests.flow import application_in, interview_in, placement_in, project_in

pytestmark = pytest.mark.django_db


FUZZ = settings(
    # FUZZ_EXAMPLES=500 for a deeper run by hand; 30 keeps `make test` fast.
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "30")),
    deadline=None,
    database=None,  # nothing written into the tree; a failure prints its example
    print_blob=True,
    # No explain phase: it re-runs a failing example hundreds of times (minutes here).
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # the rows are built once per test, on purpose
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# ------------------------------------------------------------------------------
# Inputs
# ------------------------------------------------------------------------------

# All of Unicode but lone surrogates, which UTF-8 (so the test client) cannot carry; invalid
# UTF-8 is sent as raw bytes in test_hostile_inputs_are_refused_or_kept_harmless.
CHARS = st.characters(exclude_categories=("Cs",))
CONTROL = st.characters(categories=("Cc", "Cf", "Zl", "Zp", "Zs", "Co", "Cn"))
KEY_CHARS = st.characters(exclude_categories=("Cs",), exclude_characters='"\r\n')

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202eevil\u202c",
    "\ufeff",
    "\u200b",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --",
    "%s%s%n",
    "{{ 7*7 }}{% debug %}",
    "../../etc/passwd",
    "None",
    "null",
    "NaN",
    "-Infinity",
    "1e309",
    "-1",
    "0",
    "0x10",
    "９",
    "٣",
    "²",
    "¹²³",
    "𝟘",
    "\t\n\r\x0b\x0c",
    "😀👨\u200d👩\u200d👧\u200d👦🏳️\u200d🌈",
    "ｈｔｔｐｓ：／／ｅｘａｍｐｌｅ．ｊｐ",
    "javascript:alert(1)",
    "https://",
    "http://[::1",
    "a@b",
    "@@",
    "9999-12-31",
    "0001-01-01T00:00",
    "2027-02-30",
    "2027-13-01T25:61",
]


def _repeat(chunk: str, size: int) -> str:
    return (chunk * (size // len(chunk) + 1))[:size]


TEXT = st.one_of(
    st.text(CHARS, max_size=40),
    st.text(CONTROL, min_size=1, max_size=12),
    st.sampled_from(NASTY),
    # Huge strings are one drawn chunk repeated: cheap to draw, up to 100,000 characters.
    st.builds(_repeat, st.text(CHARS, min_size=1, max_size=6), st.integers(1_000, 100_000)),
)
NUMBER = st.one_of(
    st.integers(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)
WHEN = st.one_of(
    st.dates().map(str),
    st.datetimes().map(lambda d: d.isoformat()),
    st.datetimes().map(lambda d: d.isoformat(timespec="minutes")),
    st.datetimes().map(lambda d: d.strftime("%d/%m/%Y %H:%M")),
)
SCALAR = st.one_of(TEXT, NUMBER, WHEN)
JUNK = st.one_of(SCALAR, st.lists(SCALAR, max_size=4))
EXTRA = st.dictionaries(st.text(KEY_CHARS, min_size=1, max_size=20), JUNK, max_size=3)
MISSING = object()


def _future_minutes(start_hours: int = 1) -> st.SearchStrategy:
    """A datetime-local value from start_hours on, up to a year ahead (site time zone)."""
    now = timezone.localtime().replace(second=0, microsecond=0)
    return st.integers(start_hours * 60, 365 * 24 * 60).map(
        lambda m: (now + dt.timedelta(minutes=m)).strftime("%Y-%m-%dT%H:%M")
    )


ANY_DATETIME = st.datetimes(
    min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30)
).map(lambda d: d.isoformat(timespec="minutes"))
ANY_DATE = st.dates().map(lambda d: d.isoformat())
SHORT = st.text(CHARS, min_size=1, max_size=30)
TICK = st.sampled_from(["on", "true", "1", "yes", "false", "0", ""])


def _emails() -> st.SearchStrategy:
    return st.one_of(st.emails().map(str), st.just("a@example.jp"))


# ------------------------------------------------------------------------------
# Endpoints
# ------------------------------------------------------------------------------


@dataclass
class Endpoint:
    url: str
    user: object  # None: anonymous
    fields: dict[str, st.SearchStrategy]  # name -> strategy of valid values
    base: dict  # a valid submission
    text_fields: list[str]  # free-text fields, for the hostile samples
    watch: list[Callable[[], object]] = field(default_factory=list)  # rows edited in place
    method: str = "post"
    # Its free text goes through a form: a NUL or an over-long text gets a message.
    checks_text: bool = True
    show_url: str | None = None  # where the saved input shows again
    no_length_limit: tuple = ()  # text fields that may be long (passwords: hashed, not kept)
    # One client per test: its handler loads the middleware once (WhiteNoise scans the files).
    client: Client = field(default_factory=Client, repr=False)
    # The cookies of the user's session, once `sign_in` made it (None: not signed in yet).
    session_cookies: dict | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        return f"Endpoint({self.method.upper()} {self.url})"

    def sign_in(self) -> "Endpoint":
        """Sign the endpoint's user in once per test, outside the examples' savepoints: each
        example then starts from this session as it was (a request's changes to it are rolled
        back with the example), instead of writing a new session of its own."""
        self.client.cookies.clear()
        if self.user is not None:
            self.client.force_login(self.user)
        self.session_cookies = {name: morsel.value for name, morsel in self.client.cookies.items()}
        return self

    def fresh_client(self) -> Client:
        """The client with no cookies but the session of the endpoint's user."""
        if self.session_cookies is None:
            self.sign_in()
        self.client.cookies.clear()
        for name, value in self.session_cookies.items():
            self.client.cookies[name] = value
        return self.client


def _rows(queryset) -> Callable[[], list]:
    return lambda: list(queryset.order_by("pk").values())


def _pamphlet() -> Endpoint:
    regions = [RegionFactory(), RegionFactory()]
    pks = [str(r.pk) for r in regions]
    fields = {
        "organization_name": SHORT,
        "organization_kind": st.sampled_from(OrganizationKind.values),
        "contact_name": SHORT,
        "email": _emails(),
        "phone": st.sampled_from(
            ["", "011-123-4567", "+81 11 123 4567", "０１１ー１２３ー４５６７"]
        ),
        "region": st.sampled_from(pks),
        "consent": TICK,
        "website": st.just(""),
    }
    base = {
        "organization_name": "帯広市役所",
        "organization_kind": "municipality",
        "contact_name": "鈴木 花子",
        "email": "suzuki@city.example.jp",
        "phone": "",
        "region": pks[0],
        "consent": "on",
    }
    text = ["organization_name", "contact_name"]
    return Endpoint("/pamphlet/request/", None, fields, base, text)


def _inquiry() -> Endpoint:
    region = RegionFactory()
    fields = {
        "kind": st.sampled_from(Inquiry.Kind.values),
        "organization_name": SHORT,
        "name": SHORT,
        "email": _emails(),
        "phone": st.sampled_from(["", "0155123456", "(011) 123-4567"]),
        "region": st.sampled_from(["", str(region.pk)]),
        "message": SHORT,
        "consent": TICK,
        "website": st.just(""),
    }
    base = {
        "kind": "general",
        "organization_name": "",
        "name": "高橋 健",
        "email": "takahashi@example.jp",
        "phone": "",
        "region": "",
        "message": "始め方を教えてください。",
        "consent": "on",
    }
    return Endpoint("/contact/", None, fields, base, ["organization_name", "name", "message"])


def _project_fields(term, themes) -> tuple[dict, dict]:
    fields = {
        "title": SHORT,
        "summary": SHORT,
        "term": st.sampled_from(["", str(term.pk)]),
        "themes": st.lists(st.sampled_from([str(t.pk) for t in themes]), max_size=2),
        "vision": SHORT,
        "challenge": SHORT,
        "intern_role": SHORT,
        "outcomes": SHORT,
        "duration_months": st.integers(0, 13).map(str),
        "starts_on": ANY_DATE,
        "ends_on": ANY_DATE,
        "participation_style": st.sampled_from(ProjectParticipationStyle.values),
        "commute_days_per_week": st.integers(0, 8).map(str),
        "location": SHORT,
        "housing_support": SHORT,
        "travel_support": SHORT,
        "stipend": SHORT,
        "capacity": st.integers(0, 60).map(str),
        "pre_assignment_brief": SHORT,
        "pre_assignment_deadline": ANY_DATETIME,
        "entry_deadline": ANY_DATETIME,
    }
    base = {
        "title": "ハッカの香りで北見の冬をつくる",
        "summary": "北見のハッカを使った冬の新商品",
        "term": str(term.pk),
        "themes": [str(themes[0].pk)],
        "vision": "ハッカの町として全国に知られる北見",
        "challenge": "冬の観光客が少ない",
        "intern_role": "商品企画から販売まで担う",
        "outcomes": "新商品3点の発売",
        "duration_months": "6",
        "starts_on": "2027-08-01",
        "ends_on": "2028-01-31",
        "participation_style": "commute",
        "commute_days_per_week": "3",
        "location": "北見市",
        "capacity": "2",
        "pre_assignment_deadline": "2027-07-01T12:00",
        "entry_deadline": "2027-06-30T23:59",
    }
    return fields, base


PROJECT_TEXT = [
    "title",
    "summary",
    "vision",
    "challenge",
    "intern_role",
    "outcomes",
    "location",
    "housing_support",
    "travel_support",
    "stipend",
    "pre_assignment_brief",
]


def _project_create() -> Endpoint:
    organization = HostOrganizationFactory()
    member = HostMemberFactory(organization=organization)
    fields, base = _project_fields(TermFactory(), [ThemeFactory(), ThemeFactory()])
    url = f"/host/organizations/{organization.pk}/projects/new/"
    return Endpoint(url, member, fields, base, PROJECT_TEXT)


def _project_edit() -> Endpoint:
    project, member, _coordinator = project_in(Project.Status.DRAFT)
    fields, base = _project_fields(project.term, [ThemeFactory(), ThemeFactory()])
    url = f"/host/projects/{project.pk}/edit/"
    watch = [_rows(Project.objects.filter(pk=project.pk))]
    return Endpoint(url, member, fields, base, PROJECT_TEXT, watch, show_url=url)


def _project_cancel() -> Endpoint:
    project, member, _coordinator = project_in(Project.Status.DRAFT)
    watch = [_rows(Project.objects.filter(pk=project.pk))]
    url = f"/host/projects/{project.pk}/cancel/"
    # An optional reason: like the student's reason forms, a bad one (NUL, too long) is dropped
    # and the cancellation goes ahead; it must never reach the database as typed.
    reason = {"reason": SHORT}
    return Endpoint(
        url, member, reason, {"reason": "体制が整わないため"}, ["reason"], watch, checks_text=False
    )


def _entry_create() -> Endpoint:
    project, _member, _coordinator = project_in(
        Project.Status.PUBLISHED, pre_assignment_brief="北見の冬の観光を一枚で提案してください。"
    )
    fields = {"motivation": SHORT, "answer": SHORT, "consent": TICK}
    base = {"motivation": "地域で挑戦したい", "answer": "提案です", "consent": "on"}
    url = f"/projects/{project.pk}/entry/"
    return Endpoint(url, StudentFactory(), fields, base, ["motivation", "answer"])


def _profile() -> Endpoint:
    student = StudentFactory()
    fields = {
        "university": SHORT,
        "faculty": SHORT,
        "year": st.integers(0, 10).map(str),
        "graduation_year": st.integers(1900, 2100).map(str),
        "hometown": SHORT,
        "current_residence": SHORT,
        "phone": SHORT,
        "leave_of_absence": st.sampled_from(
            StudentProfile._meta.get_field("leave_of_absence").get_choices(include_blank=False)
        ).map(lambda c: c[0]),
        "can_commute": TICK,
        "commute_days_per_week": st.integers(0, 8).map(str),
        "can_reside": TICK,
        "can_work_remotely": TICK,
        "skills": SHORT,
        "bio": SHORT,
        "portfolio_url": st.sampled_from(["", "https://example.jp/portfolio", "http://例え.jp"]),
        "name": SHORT,
        "name_kana": SHORT,
        "preferred_language": st.sampled_from(["ja", "en"]),
    }
    base = {
        "university": "北海道大学",
        "faculty": "経済学部",
        "year": "3",
        "current_residence": "札幌市",
        "leave_of_absence": "no",
        "can_commute": "on",
        "commute_days_per_week": "3",
        "bio": "地域の食と観光に関心があります。",
        "name": "北海 太郎",
        "name_kana": "ホッカイ タロウ",
        "preferred_language": "ja",
    }
    text = [
        "university",
        "faculty",
        "hometown",
        "current_residence",
        "skills",
        "bio",
        "name",
        "name_kana",
    ]
    watch = [
        _rows(StudentProfile.objects.filter(user=student)),
        _rows(type(student).objects.filter(pk=student.pk)),
    ]
    return Endpoint("/me/profile/", student, fields, base, text, watch, show_url="/me/profile/")


def _pre_assignment() -> Endpoint:
    project, _member, _coordinator = project_in(
        Project.Status.PUBLISHED, pre_assignment_brief="北見の冬の観光を一枚で提案してください。"
    )
    application, student, _member, _coordinator = application_in(
        Application.Status.SUBMITTED, project=project
    )
    url = f"/me/entries/{application.pk}/pre-assignment/"
    watch = [_rows(Application.objects.filter(pk=application.pk))]
    return Endpoint(url, student, {"answer": SHORT}, {"answer": "提案書です"}, ["answer"], watch)


def _student_reason(path: str, status: str) -> Callable[[], Endpoint]:
    def build() -> Endpoint:
        application, student, _member, _coordinator = application_in(status)
        url = path.format(pk=application.pk)
        return Endpoint(
            url, student, {"reason": SHORT}, {"reason": "都合により"}, ["reason"], checks_text=False
        )

    return build


def _offer_accept() -> Endpoint:
    application, student, _member, _coordinator = application_in(Application.Status.OFFERED)
    other, *_ = application_in(Application.Status.SUBMITTED, student=student)
    fields = {"withdraw": st.lists(st.sampled_from([str(other.pk), str(application.pk)]))}
    url = f"/me/entries/{application.pk}/accept/"
    return Endpoint(url, student, fields, {"withdraw": [str(other.pk)]}, [], checks_text=False)


def _slot_pick() -> Endpoint:
    interview, student, _member, _coordinator = interview_in(Interview.Status.PROPOSED)
    slots = [str(pk) for pk in interview.slots.values_list("pk", flat=True)]
    url = f"/me/interviews/{interview.pk}/pick/"
    # The slot is an id, not text: it gets the wrong types of the hostile test.
    return Endpoint(url, student, {"slot": st.sampled_from(slots)}, {"slot": slots[0]}, [])


def _interview_other_times() -> Endpoint:
    interview, student, _member, _coordinator = interview_in(Interview.Status.PROPOSED)
    url = f"/me/interviews/{interview.pk}/other-times/"
    return Endpoint(
        url, student, {"reason": SHORT}, {"reason": "別の日程で"}, ["reason"], checks_text=False
    )


def _entry_decline() -> Endpoint:
    application, _student, member, _coordinator = application_in(Application.Status.SCREENING)
    fields = {
        "decline-reason": st.sampled_from(Application.DeclineReason.values),
        "decline-message": SHORT,
    }
    base = {"decline-reason": "fit", "decline-message": "またの機会にお待ちしています。"}
    url = f"/host/entries/{application.pk}/decline/"
    watch = [_rows(Application.objects.filter(pk=application.pk))]
    return Endpoint(url, member, fields, base, ["decline-message"], watch)


def _interview_propose() -> Endpoint:
    application, _student, member, _coordinator = application_in(Application.Status.INTERVIEWING)
    colleague = HostMemberFactory(organization=application.project.organization)
    fields = {
        "propose-mode": st.sampled_from(Interview.Mode.values),
        "propose-meeting_url": st.sampled_from(["", "https://meet.example.jp/abc"]),
        "propose-place": SHORT,
        "propose-interviewers": st.lists(st.sampled_from([str(member.pk), str(colleague.pk)])),
    }
    for n in range(1, 6):
        fields[f"propose-slot_{n}_start"] = st.one_of(_future_minutes(), ANY_DATETIME)
        fields[f"propose-slot_{n}_end"] = st.one_of(_future_minutes(2), ANY_DATETIME)
    start = timezone.localtime() + dt.timedelta(days=3)
    base = {
        "propose-mode": "online",
        "propose-meeting_url": "https://meet.example.jp/kitami-hakka",
        "propose-place": "",
        "propose-interviewers": [str(member.pk)],
        "propose-slot_1_start": start.strftime("%Y-%m-%dT%H:%M"),
        "propose-slot_1_end": (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    }
    url = f"/host/entries/{application.pk}/interviews/"
    watch = [_rows(Application.objects.filter(pk=application.pk))]
    return Endpoint(url, member, fields, base, ["propose-place"], watch)


def _interview_schedule() -> Endpoint:
    interview, _student, member, _coordinator = interview_in(Interview.Status.PROPOSED)
    p = f"schedule-{interview.pk}"
    fields = {
        f"{p}-starts_at": st.one_of(_future_minutes(), ANY_DATETIME),
        f"{p}-ends_at": st.one_of(_future_minutes(2), ANY_DATETIME),
    }
    start = timezone.localtime() + dt.timedelta(days=5)
    base = {
        f"{p}-starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        f"{p}-ends_at": (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    }
    url = f"/host/interviews/{interview.pk}/schedule/"
    watch = [_rows(Interview.objects.filter(pk=interview.pk))]
    return Endpoint(url, member, fields, base, [], watch)


def _interview_cancel() -> Endpoint:
    interview, _student, member, _coordinator = interview_in(Interview.Status.PROPOSED)
    name = f"cancel-{interview.pk}-reason"
    url = f"/host/interviews/{interview.pk}/cancel/"
    watch = [_rows(Interview.objects.filter(pk=interview.pk))]
    return Endpoint(url, member, {name: SHORT}, {name: "担当者の体調不良のため"}, [name], watch)


def _interview_feedback() -> Endpoint:
    interview, _student, member, _coordinator = interview_in(Interview.Status.SCHEDULED)
    p = f"feedback-{interview.pk}"
    fields = {
        f"{p}-recommendation": st.sampled_from(InterviewFeedback.Recommendation.values),
        f"{p}-notes": SHORT,
    }
    base = {f"{p}-recommendation": "yes", f"{p}-notes": "主体性がある"}
    url = f"/host/interviews/{interview.pk}/feedback/"
    watch = [_rows(InterviewFeedback.objects.filter(interview=interview))]
    return Endpoint(url, member, fields, base, [f"{p}-notes"], watch)


def _review() -> tuple[ReviewSession, object, object]:
    placement, student, member, _coordinator = placement_in("active")
    review = ReviewSession.objects.create(placement=placement, due_on=timezone.localdate())
    return review, student, member


def _review_part() -> Endpoint:
    review, student, _member = _review()
    url = f"/reviews/{review.pk}/"
    watch = [_rows(ReviewSession.objects.filter(pk=review.pk))]
    return Endpoint(
        url, student, {"notes": SHORT}, {"notes": "試作品が完成"}, ["notes"], watch, show_url=url
    )


def _review_host_link() -> Endpoint:
    review, _student, _member = _review()
    coordinator = CoordinatorFactory(region=review.placement.application.project.region)
    token = coordinator_services.review_host_link_issue(review=review, actor=coordinator)
    url = f"/reviews/link/{token}/"
    watch = [_rows(ReviewSession.objects.filter(pk=review.pk))]
    return Endpoint(
        url, None, {"notes": SHORT}, {"notes": "現場から見て順調"}, ["notes"], watch, show_url=url
    )


def _survey() -> Endpoint:
    placement, student, _member, coordinator = placement_in("active")
    survey = Survey.objects.create(title="学生アンケート", audience="student")
    rating = SurveyQuestion.objects.create(survey=survey, kind="rating", text="満足度")
    choice = SurveyQuestion.objects.create(
        survey=survey, kind="choice", text="また参加したいですか", choices=["はい", "いいえ"]
    )
    text = SurveyQuestion.objects.create(survey=survey, kind="text", text="感想", required=False)
    coordinator_services.placement_finish(placement=placement, actor=coordinator)
    response = SurveyResponse.objects.get(respondent=student, survey=survey)
    fields = {
        str(rating.pk): st.integers(0, 6).map(str),
        str(choice.pk): st.sampled_from(["はい", "いいえ"]),
        str(text.pk): SHORT,
    }
    base = {str(rating.pk): "5", str(choice.pk): "はい", str(text.pk): "楽しかった"}
    url = f"/surveys/{response.pk}/"
    watch = [_rows(SurveyResponse.objects.filter(pk=response.pk))]
    return Endpoint(url, student, fields, base, [str(text.pk)], watch, show_url=url)


def _preferences() -> Endpoint:
    user = UserFactory()
    optional = [name for name, event in EVENTS.items() if event.optional]
    fields = {name: TICK for name in optional}
    base = {optional[0]: "on"}
    watch = [_rows(NotificationPreference.objects.filter(user=user))]
    # Only checkboxes: every input is a valid choice of what to receive.
    return Endpoint("/notifications/preferences/", user, fields, base, [], watch, checks_text=False)


def _invitation() -> Endpoint:
    organization = HostOrganizationFactory()
    _invitation, token = invitation_create(
        email="host-contact@example.jp",
        kind="host_member",
        payload={"organization_id": organization.pk},
        invited_by=None,
    )
    password = st.sampled_from(["hakka-Winter-2027", "abc", "password", "host-contact"])
    fields = {"name": SHORT, "name_kana": SHORT, "password1": password, "password2": password}
    base = {
        "name": "北見 花子",
        "name_kana": "キタミ ハナコ",
        "password1": "hakka-Winter-2027",
        "password2": "hakka-Winter-2027",
    }
    text = ["name", "name_kana", "password1", "password2"]
    url = f"/host/invitations/{token}/"
    return Endpoint(url, None, fields, base, text, no_length_limit=("password1", "password2"))


def _project_search() -> Endpoint:
    published, _member, _coordinator = project_in(Project.Status.PUBLISHED)
    theme = ThemeFactory()
    fields = {
        "q": SHORT,
        "region": st.sampled_from(["", *Region.objects.values_list("slug", flat=True)]),
        "term": st.sampled_from(["", str(published.term_id)]),
        "season": st.sampled_from(["", *TermSeason.values]),
        "duration": st.sampled_from(["", "1-2", "3-5", "6-12"]),
        "style": st.sampled_from(["", *ProjectParticipationStyle.values]),
        "theme": st.sampled_from(["", theme.slug]),
        "kind": st.sampled_from(["", *OrganizationKind.values]),
        "open": TICK,
        "sort": st.sampled_from(["", "newest", "deadline", "shortest", "longest"]),
        "page": st.integers(-2, 5).map(str),
    }
    # A GET form: an unknown value is ignored, never an error.
    return Endpoint(
        "/projects/", None, fields, {"q": "北見"}, ["q"], method="get", checks_text=False
    )


ENDPOINTS: dict[str, Callable[[], Endpoint]] = {
    "pamphlet-request": _pamphlet,
    "inquiry": _inquiry,
    "project-search": _project_search,
    "invitation-signup": _invitation,
    "project-create": _project_create,
    "project-edit": _project_edit,
    "project-cancel": _project_cancel,
    "entry-create": _entry_create,
    "profile": _profile,
    "pre-assignment": _pre_assignment,
    "entry-withdraw": _student_reason("/me/entries/{pk}/withdraw/", Application.Status.SUBMITTED),
    "offer-decline": _student_reason("/me/entries/{pk}/decline/", Application.Status.OFFERED),
    "offer-accept": _offer_accept,
    "interview-pick": _slot_pick,
    "interview-other-times": _interview_other_times,
    "host-entry-decline": _entry_decline,
    "interview-propose": _interview_propose,
    "interview-schedule": _interview_schedule,
    "interview-cancel": _interview_cancel,
    "interview-feedback": _interview_feedback,
    "review-part": _review_part,
    "review-host-link": _review_host_link,
    "survey-answer": _survey,
    "notification-preferences": _preferences,
}


@pytest.fixture(params=list(ENDPOINTS))
def endpoint(request) -> Endpoint:
    return ENDPOINTS[request.param]().sign_in()


# ------------------------------------------------------------------------------
# Sending and checking
# ------------------------------------------------------------------------------

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")
REFUSED = {400, 409, 413, 429}


@functools.cache
def _count_all_sql() -> str:
    """One query counting the rows of every table but the sessions (a login writes one)."""
    tables = sorted(
        {
            m._meta.db_table
            for m in apps.get_models(include_auto_created=True)
            if m._meta.managed and not m._meta.proxy and m is not Session
        }
    )
    qn = connection.ops.quote_name
    # Table names come from the models, never from input.
    counts = ", ".join(f"(SELECT COUNT(*) FROM {qn(t)})" for t in tables)  # noqa: S608
    return f"SELECT {counts}"


def _state(endpoint: Endpoint) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(_count_all_sql())
        counts = cursor.fetchone()
    return counts, [read() for read in endpoint.watch]


def _send(client: Client, endpoint: Endpoint, payload, encoding: str):
    """Post (or get) `payload`: a dict as the browser would encode it, or a raw
    (content type, body) pair when encoding is "raw"."""
    if endpoint.method == "get":
        if encoding == "raw":
            return client.get(f"{endpoint.url}?{payload[1]}")
        return client.get(endpoint.url, payload)
    if encoding == "raw":
        content_type, body = payload
        return client.post(endpoint.url, body, content_type=content_type)
    if encoding == "urlencoded":
        body = urlencode(payload, doseq=True)
        return client.post(endpoint.url, body, content_type="application/x-www-form-urlencoded")
    return client.post(endpoint.url, payload)


def _bound_forms(response) -> list[forms.BaseForm]:
    """Every bound form in the rendered templates' contexts (also inside lists and dicts)."""
    if response.context is None:
        return []
    contexts = response.context if isinstance(response.context, ContextList) else [response.context]
    found, seen = [], set()

    def walk(value, depth: int) -> None:
        if depth > 4 or id(value) in seen:
            return
        seen.add(id(value))
        if isinstance(value, forms.BaseForm):
            if value.is_bound:
                found.append(value)
        elif isinstance(value, Context):
            for d in value.dicts:
                walk(d, depth + 1)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item, depth + 1)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item, depth + 1)

    for context in contexts:
        walk(context, 0)
    return found


def _error_problems(form: forms.BaseForm, body: str) -> list[str]:
    """Messages not in Japanese, or not shown on the page."""
    problems = []
    with translation.override("ja"):
        for name, errors in form.errors.as_data().items():
            for error in errors:
                # The message with neutral values in place of the user's input, so Japanese
                # typed by the user cannot make an English message pass.
                params = {
                    k: v if isinstance(v, int | float) else "X"
                    for k, v in (error.params or {}).items()
                }
                template = str(error.message % params if params else error.message)
                shown = next(iter(error))
                if not JAPANESE.search(template):
                    problems.append(f"untranslated on {name!r}: {template!r}")
                if escape(shown) not in body:
                    problems.append(f"not shown on the page: {name!r}: {shown[:200]!r}")
    return problems


def _short(payload) -> str:
    text = repr(payload)
    return text if len(text) < 600 else text[:600] + f"… ({len(text)} chars)"


@dataclass
class Outcome:
    refused: bool  # a 4xx refusal or a page with a form showing errors
    forms: list  # the bound forms with errors
    pages: list  # the response, then with `follow` the pages the input shows on


def _nul_stored() -> list[str]:
    """Every text or JSON column that holds a NUL character (PostgreSQL refuses them: a NUL
    that gets this far is a server error there)."""
    found = []
    for model in apps.get_models():
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        for row in model._base_manager.values_list(*names) if names else []:
            for name, value in zip(names, row, strict=True):
                text = value if isinstance(value, str) else json.dumps(value)
                if "\x00" in text or "\\u0000" in text:
                    found.append(f"{model._meta.label}.{name}")
    return found


def _exercise(
    endpoint: Endpoint, payload, encoding: str = "multipart", follow=False, inspect=None
) -> Outcome:
    """Send one input in a rolled-back savepoint and check the invariants: no server error;
    a refused input writes nothing, and each of its messages is in Japanese and on the page.
    `inspect` runs before the rollback."""
    cache.clear()  # the rate limits of the public forms count per test, not per run
    with transaction.atomic():
        client = endpoint.fresh_client()
        before = _state(endpoint)
        response = _send(client, endpoint, payload, encoding)
        where = f"{endpoint.method.upper()} {endpoint.url} ({encoding}) with {_short(payload)}"
        assert response.status_code < 500, f"{response.status_code} for {where}"
        body = response.content.decode("utf-8", "replace")
        if endpoint.method == "get":
            # A GET form ignores what it does not know (no message) and never writes.
            assert _state(endpoint) == before, f"a GET wrote: {where}"
            bad_forms = []
        else:
            bad_forms = [f for f in _bound_forms(response) if f.errors]
        refused = response.status_code in REFUSED or bool(bad_forms)
        if refused:
            assert _state(endpoint) == before, f"refused ({response.status_code}), wrote: {where}"
        problems = [p for f in bad_forms for p in _error_problems(f, body)]
        assert not problems, f"{problems} for {where}"
        pages = [response]
        if follow and response.status_code in (301, 302, 303):
            pages.append(client.get(response.url))
            assert pages[-1].status_code < 500, f"{pages[-1].status_code} after {where}"
        if follow and endpoint.show_url:
            pages.append(client.get(endpoint.show_url))
        if inspect is not None:
            inspect()
        transaction.set_rollback(True)
    return Outcome(refused, bad_forms, pages)


def _merge(base: dict, extra: dict) -> dict:
    return {**extra, **base}  # the form's own names win over random extra ones


def _mutate(base: dict, changes: dict) -> dict:
    data = dict(base)
    for name, value in changes.items():
        if value is MISSING:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def _payloads(endpoint: Endpoint) -> st.SearchStrategy:
    names = list(endpoint.fields)
    anything = {name: st.one_of(valid, JUNK) for name, valid in endpoint.fields.items()}
    # Random: each field valid, junk or missing.
    random_form = st.fixed_dictionaries({}, optional=anything)
    # Nearly valid: one to three fields of a good submission broken or left out, which reaches
    # the services with odd but accepted values.
    nearly_valid = st.builds(
        _mutate,
        st.just(endpoint.base),
        st.dictionaries(
            st.sampled_from(names), st.one_of(JUNK, st.just(MISSING)), min_size=1, max_size=3
        ),
    )
    return st.builds(_merge, st.one_of(nearly_valid, random_form), EXTRA)


# ------------------------------------------------------------------------------
# The tests
# ------------------------------------------------------------------------------


@FUZZ
@given(data=st.data())
def test_fuzzed_input_never_breaks_a_form(endpoint, data):
    payload = data.draw(_payloads(endpoint), label="payload")
    encoding = data.draw(st.sampled_from(["multipart", "urlencoded"]), label="encoding")
    _exercise(endpoint, payload, encoding)


TEN_MB = 10 * 1024 * 1024
SCRIPT = "<script>alert(1)</script>"
SAMPLES = {
    "nul": "北見\x00ハッカ",
    "rtl-override": "\u202etxt.exe\u202c 北見",
    "emoji": "北見😀👨\u200d👩\u200d👧\u200d👦🏳️\u200d🌈",
    "script": f'{SCRIPT}"><img src=x onerror=alert(2)>',
    # 10 MB in one field: the body stays under DATA_UPLOAD_MAX_MEMORY_SIZE (11 MB).
    "ten-mb": "あ" * (TEN_MB // 3),
}
# Wrong types in every other field (choices, ids, numbers, dates, checkboxes) at once.
WRONG_TYPES = [
    str(2**63),  # one past the largest 64-bit integer (an id no database column can hold)
    ["1", str(-(2**63) - 1), "x"],
    "NaN",
    "²",  # str.isdigit() says yes, int() says no
    "0001-01-01T00:00",
]
# Bodies a browser would not send; lone surrogates and overlong forms as raw bytes.
BAD_UTF8 = "%FF%FE%ED%A0%80%C0%AF"
RAW_BODIES = {
    "broken multipart": ("multipart/form-data; boundary=XYZ", "--XYZ\r\nContent-Disp"),
    "multipart without boundary": ("multipart/form-data", "garbage"),
    "quote in a field name": (
        "multipart/form-data; boundary=XYZ",
        '--XYZ\r\nContent-Disposition: form-data; name="a"b\r\n"\r\n\r\nx\r\n--XYZ--\r\n',
    ),
    "json": ("application/json", '{"notes": ["x"], "reason": {"a": 1}}'),
}


def _no_nul_stored() -> None:
    stored = _nul_stored()
    assert not stored, f"a NUL character was saved in {stored}"


def _unflagged(outcome: Outcome, names: list[str]) -> list[str]:
    """The fields (names as posted) without a message on the page."""
    flagged = {form.add_prefix(name) for form in outcome.forms for name in form.errors}
    return [name for name in names if name not in flagged]


def test_hostile_inputs_are_refused_or_kept_harmless(endpoint):
    """The fixed samples in every free-text field (10 MB in the first only), wrong types in
    all the other fields, then bodies a browser would not send."""
    for name, sample in SAMPLES.items():
        targets = endpoint.text_fields[:1] if name == "ten-mb" else endpoint.text_fields
        if not targets or (name == "ten-mb" and endpoint.method == "get"):
            continue  # a 10 MB URL never reaches the application
        payload = {**endpoint.base, **dict.fromkeys(targets, sample)}
        inspect = _no_nul_stored if name == "nul" else None
        outcome = _exercise(endpoint, payload, follow=name == "script", inspect=inspect)
        if name == "nul" and endpoint.checks_text:
            unflagged = _unflagged(outcome, targets)
            assert not unflagged, f"{endpoint.url} takes a NUL character in {unflagged}"
        if name == "script":
            for page in outcome.pages:
                assert SCRIPT not in page.content.decode("utf-8", "replace"), (
                    f"unescaped <script> on {page.request['PATH_INFO']} after {endpoint.url}"
                )
    others = [n for n in endpoint.fields if n not in endpoint.text_fields]
    for value in WRONG_TYPES if others else []:
        _exercise(endpoint, {**endpoint.base, **dict.fromkeys(others, value)})
    fields = [n for n in endpoint.text_fields if n not in endpoint.no_length_limit]
    if endpoint.checks_text and fields:
        # About 10 MB spread over every free-text field: each one says it is too long.
        size = TEN_MB // 3 // len(fields)
        outcome = _exercise(endpoint, {**endpoint.base, **dict.fromkeys(fields, "あ" * size)})
        unlimited = _unflagged(outcome, fields)
        assert not unlimited, (
            f"{endpoint.url} takes {size:,} characters without a message in {unlimited}"
        )
    bad_utf8 = "&".join(f"{quote(k)}={BAD_UTF8}" for k in endpoint.fields)
    _exercise(endpoint, ("application/x-www-form-urlencoded", bad_utf8), "raw")
    if endpoint.method == "post":
        for body in RAW_BODIES.values():
            _exercise(endpoint, body, "raw")


def test_a_body_over_the_upload_limit_is_a_400_not_a_500():
    endpoint = _review_part()
    response = endpoint.fresh_client().post(endpoint.url, {"notes": "x" * (12 * 1024 * 1024)})
    assert response.status_code == 400
