"""Coordinators run steps 3–7 in the admin: intakes, the project's review and publication, and
the coordinator's moves on entries and placements, each through its service."""

import datetime as dt
import re

import pytest
from django.contrib.messages import constants as levels
from django.core import mail
from django.utils import timezone, translation

from accounts.models import Invitation
from applicants import services as applicant_services
from applicants.models import Application, Placement
from coordinators.services import coordinator_appoint
from programs.services import inquiry_create
from projects import services
from projects.models import HostOrganization, IntakeInterview, Project, ProjectVersion
from tests.factories import (
    HostOrganizationFactory,
    IntakeInterviewFactory,
    ProjectFactory,
    RegionFactory,
    StaffFactory,
    TermFactory,
    ThemeFactory,
    UserFactory,
)
from tests.flow import application_in, project_in

pytestmark = pytest.mark.django_db

INTAKES = "/admin/projects/intakeinterview/"
PROJECTS = "/admin/projects/project/"
VERSIONS = "/admin/projects/projectversion/"
ENTRIES = "/admin/applicants/application/"
PLACEMENTS = "/admin/applicants/placement/"
S = Project.Status
A = Application.Status
P = Placement.Status


def appoint(region, **user):
    """A coordinator as the programme makes one: staff, in the group, listed on the region."""
    coordinator = UserFactory(**user)
    coordinator_appoint(user=coordinator, region=region)
    return coordinator


def messages_of(response) -> list[tuple[int, str]]:
    return [(m.level, m.message) for m in response.context["messages"]]


def levels_for(response, obj) -> list[int]:
    return [level for level, text in messages_of(response) if str(obj) in text]


def run_action(client, url, action, *objects, **form):
    """Run an action from the list; with `form`, as the second post from its intermediate page."""
    data = {"action": action, "_selected_action": [o.pk for o in objects]}
    if form:
        data.update(apply="1", **form)
    else:
        data["index"] = 0
    return client.post(url, data, follow=True)


# Step 3: intake interviews -------------------------------------------------------------


def intake_data(region, **overrides):
    return {
        "region": region.pk,
        "held_at_0": "2027-03-10",
        "held_at_1": "14:00",
        "organization_name": "有限会社北見ハッカ",
        "organization_kind": "company",
        "contact_name": "山田 花子",
        "contact_email": "yamada@hakka.example.jp",
        "contact_language": "ja",
        "attendees": "山田 花子 / 人事部長\n佐藤 一郎／代表取締役\n",
        "notes": "観光向けの新商品を学生と考えたい。",
        **overrides,
    }


def test_coordinator_records_an_intake_with_its_attendees_and_it_starts_pending(client):
    region = RegionFactory()
    coordinator = appoint(region)
    client.force_login(coordinator)
    form = client.get(f"{INTAKES}add/").context["adminform"].form
    assert "outcome" not in form.fields
    assert form.initial["coordinator"] == coordinator.pk
    assert form.initial["region"] == region.pk
    assert list(form.fields["coordinator"].queryset) == [coordinator]

    response = client.post(f"{INTAKES}add/", intake_data(region, coordinator=coordinator.pk))

    assert response.status_code == 302
    intake = IntakeInterview.objects.get()
    assert intake.attendees == [
        {"name": "山田 花子", "title": "人事部長"},
        {"name": "佐藤 一郎", "title": "代表取締役"},
    ]
    assert intake.outcome == IntakeInterview.Outcome.PENDING
    assert intake.decided_at is None
    assert intake.coordinator == coordinator
    page = client.get(f"{INTAKES}{intake.pk}/change/")
    assert "山田 花子 / 人事部長\n佐藤 一郎 / 代表取締役" in page.content.decode()


def test_an_attendee_line_without_a_title_is_refused_with_a_translated_error(client):
    region = RegionFactory()
    coordinator = appoint(region, preferred_language="ja")
    client.force_login(coordinator)

    response = client.post(
        f"{INTAKES}add/", intake_data(region, attendees="山田 花子 / 人事部長\n佐藤 一郎")
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["attendees"]
    assert errors == [
        "2行目：氏名、スラッシュ、役職の順に書いてください（例：「山田 花子 / 人事部長」）。"
    ]
    assert not IntakeInterview.objects.exists()


def test_intake_region_and_inquiry_are_limited_to_the_coordinators_regions(client):
    region, other = RegionFactory(), RegionFactory()
    coordinator = appoint(region)
    appoint(other)
    theirs = inquiry_create(
        kind="company", name="函館 二郎", email="q@example.jp", message="?", region=other
    )
    client.force_login(coordinator)
    form = client.get(f"{INTAKES}add/").context["adminform"].form
    assert list(form.fields["region"].queryset) == [region]
    assert theirs not in form.fields["inquiry"].queryset

    response = client.post(f"{INTAKES}add/", intake_data(other))
    assert "region" in response.context["adminform"].form.errors
    response = client.post(f"{INTAKES}add/", intake_data(region, inquiry=theirs.pk))
    assert "inquiry" in response.context["adminform"].form.errors
    assert not IntakeInterview.objects.exists()


def test_recording_proceed_creates_the_host_and_emails_an_invitation(
    client, django_capture_on_commit_callbacks
):
    region = RegionFactory()
    coordinator = appoint(region)
    intake = IntakeInterviewFactory(region=region, organization_name="有限会社北見ハッカ")
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(client, INTAKES, "record_proceed", intake)

    intake.refresh_from_db()
    assert intake.outcome == IntakeInterview.Outcome.PROCEED
    assert intake.decided_at is not None
    organization = HostOrganization.objects.get()
    assert (intake.organization, organization.region) == (organization, region)
    assert organization.name == "有限会社北見ハッカ"
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.invited_by) == (intake.contact_email, coordinator)
    assert [m.to for m in mail.outbox] == [[intake.contact_email]]
    assert levels_for(response, intake) == [levels.SUCCESS]


def test_recording_the_same_outcome_again_does_not_invite_twice(
    client, django_capture_on_commit_callbacks
):
    region = RegionFactory()
    coordinator = appoint(region)
    pending = IntakeInterviewFactory(region=region)
    proceeded = IntakeInterviewFactory(region=region)
    services.intake_record_outcome(intake=proceeded, outcome="proceed", actor=coordinator)
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(client, INTAKES, "record_proceed", pending, proceeded)

    assert Invitation.objects.filter(email=proceeded.contact_email).count() == 1
    assert [m.to for m in mail.outbox] == [[pending.contact_email]]
    assert levels_for(response, pending) == [levels.SUCCESS]
    assert levels_for(response, proceeded) == [levels.WARNING]


@pytest.mark.parametrize(
    ("action", "outcome"), [("record_hold", "hold"), ("record_decline", "decline")]
)
def test_hold_and_decline_record_the_outcome_without_a_host_or_an_invitation(
    client, django_capture_on_commit_callbacks, action, outcome
):
    region = RegionFactory()
    coordinator = appoint(region)
    intake = IntakeInterviewFactory(region=region)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        run_action(client, INTAKES, action, intake)
    intake.refresh_from_db()
    assert intake.outcome == outcome and intake.decided_at is not None
    assert not HostOrganization.objects.exists() and not Invitation.objects.exists()
    assert mail.outbox == []


def test_intake_action_refused_by_the_service_is_reported_and_changes_nothing(rf):
    """The changelist hides other regions' rows; should one reach the action (a coordinator
    removed from the region meanwhile), the service's refusal is reported, not raised."""
    from django.contrib import admin
    from django.contrib.messages.storage.fallback import FallbackStorage

    region = RegionFactory()
    coordinator = appoint(RegionFactory())
    intake = IntakeInterviewFactory(region=region)
    request = rf.post(INTAKES)
    request.user = coordinator
    request.session = {}
    request._messages = FallbackStorage(request)
    model_admin = admin.site.get_model_admin(IntakeInterview)

    model_admin.record_proceed(request, IntakeInterview.objects.filter(pk=intake.pk))

    intake.refresh_from_db()
    assert intake.outcome == IntakeInterview.Outcome.PENDING
    assert [m.level for m in request._messages] == [levels.ERROR]


# Steps 4–5: projects ---------------------------------------------------------------------


def two_projects(legal_from, illegal_from):
    """Two projects of one region in the given states, and a coordinator of that region."""
    organization = HostOrganizationFactory()
    legal, member, _ = project_in(legal_from, organization=organization, title="ハッカの新商品")
    illegal, _, _ = project_in(illegal_from, organization=organization, title="朝市の観光案内")
    return legal, illegal, member, appoint(organization.region)


@pytest.mark.parametrize(
    ("action", "legal_from", "illegal_from", "target"),
    [
        ("approve", S.SUBMITTED, S.DRAFT, S.APPROVED),
        ("publish_now", S.APPROVED, S.SUBMITTED, S.PUBLISHED),
        ("close_entry", S.PUBLISHED, S.APPROVED, S.CLOSED),
        ("mark_in_progress", S.CLOSED, S.PUBLISHED, S.IN_PROGRESS),
        ("mark_completed", S.IN_PROGRESS, S.CLOSED, S.COMPLETED),
    ],
)
def test_project_action_moves_the_legal_row_and_reports_the_refused_one(
    client, action, legal_from, illegal_from, target
):
    legal, illegal, _member, coordinator = two_projects(legal_from, illegal_from)
    history = illegal.status_changes.count()
    client.force_login(coordinator)

    response = run_action(client, PROJECTS, action, legal, illegal)

    legal.refresh_from_db()
    illegal.refresh_from_db()
    assert legal.status == target
    last = legal.status_changes.last()
    assert (last.from_status, last.to_status, last.actor) == (legal_from, target, coordinator)
    assert illegal.status == illegal_from
    assert illegal.status_changes.count() == history
    assert levels_for(response, legal) == [levels.SUCCESS]
    assert levels_for(response, illegal) == [levels.ERROR]


def test_request_changes_asks_for_a_comment_and_mails_it_to_the_host(
    client, django_capture_on_commit_callbacks
):
    submitted, draft, member, coordinator = two_projects(S.SUBMITTED, S.DRAFT)
    client.force_login(coordinator)

    page = run_action(client, PROJECTS, "request_changes", submitted, draft)
    assert page.templates[0].name == "admin/action_form.html"
    assert str(submitted) in page.content.decode()
    blank = run_action(client, PROJECTS, "request_changes", submitted, draft, comment="  ")
    assert blank.templates[0].name == "admin/action_form.html"
    assert "comment" in blank.context["form"].errors
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED

    mail.outbox.clear()
    comment = "期待する成果を数字で書いてください。"
    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(
            client, PROJECTS, "request_changes", submitted, draft, comment=comment
        )

    submitted.refresh_from_db()
    draft.refresh_from_db()
    assert (submitted.status, draft.status) == (S.CHANGES_REQUESTED, S.DRAFT)
    assert submitted.status_changes.last().note == comment
    to_member = [m for m in mail.outbox if m.to == [member.email]]
    assert len(to_member) == 1 and comment in to_member[0].body
    assert levels_for(response, submitted) == [levels.SUCCESS]
    assert levels_for(response, draft) == [levels.ERROR]


def test_request_changes_from_the_projects_own_page_returns_to_it(client):
    submitted, _draft, _member, coordinator = two_projects(S.SUBMITTED, S.DRAFT)
    client.force_login(coordinator)
    page = f"{PROJECTS}{submitted.pk}/change/"
    first = {"CHANGE_FORM-action": "request_changes", "_selected_action": submitted.pk, "index": 0}

    form_page = client.post(page, first)
    assert form_page.status_code == 200
    assert 'name="CHANGE_FORM-action" value="request_changes"' in form_page.content.decode()
    response = client.post(
        page,
        {
            "CHANGE_FORM-action": "request_changes",
            "_selected_action": submitted.pk,
            "apply": "1",
            "comment": "期間を見直してください",
        },
    )

    assert response.status_code == 302 and response.url == page
    submitted.refresh_from_db()
    assert submitted.status == S.CHANGES_REQUESTED


def test_publish_at_schedules_an_approved_project_and_refuses_the_past(client):
    approved, submitted, _member, coordinator = two_projects(S.APPROVED, S.SUBMITTED)
    client.force_login(coordinator)
    past = (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")

    response = run_action(client, PROJECTS, "schedule_publication", approved, submitted, at=past)
    assert "at" in response.context["form"].errors
    approved.refresh_from_db()
    assert approved.publish_at is None

    when = timezone.localtime() + dt.timedelta(days=2)
    at = when.strftime("%Y-%m-%dT%H:%M")
    response = run_action(client, PROJECTS, "schedule_publication", approved, submitted, at=at)

    approved.refresh_from_db()
    submitted.refresh_from_db()
    assert approved.status == S.APPROVED
    assert timezone.localtime(approved.publish_at).strftime("%Y-%m-%dT%H:%M") == at
    assert submitted.publish_at is None
    assert levels_for(response, approved) == [levels.SUCCESS]
    assert levels_for(response, submitted) == [levels.ERROR]


def test_cancel_requires_a_reason_and_keeps_it_in_the_history(client):
    published, completed, _member, coordinator = two_projects(S.PUBLISHED, S.COMPLETED)
    client.force_login(coordinator)

    response = run_action(client, PROJECTS, "cancel", published, completed, reason="")
    assert "reason" in response.context["form"].errors
    response = run_action(client, PROJECTS, "cancel", published, completed, reason="受入体制の変更")

    published.refresh_from_db()
    completed.refresh_from_db()
    assert (published.status, completed.status) == (S.CANCELLED, S.COMPLETED)
    assert published.status_changes.last().note == "受入体制の変更"
    assert levels_for(response, completed) == [levels.ERROR]


def _add_form_data(client, url, **fields):
    """The add form's management data for its inlines, plus `fields`."""
    page = client.get(url)
    data = {}
    for inline in page.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return {**data, **fields}


PROJECT_FIELDS = {
    "title": "ハッカ畑の観光プロジェクト",
    "duration_months": "6",
    "participation_style": "commute",
    "capacity": "1",
}


def test_a_project_created_in_the_admin_takes_its_region_from_the_organisation(client):
    region = RegionFactory()
    coordinator = appoint(region)
    organization = HostOrganizationFactory(region=region)
    client.force_login(coordinator)
    form = client.get(f"{PROJECTS}add/").context["adminform"].form
    assert "region" not in form.fields and "status" not in form.fields

    data = _add_form_data(client, f"{PROJECTS}add/", organization=organization.pk, **PROJECT_FIELDS)
    response = client.post(f"{PROJECTS}add/", data)

    assert response.status_code == 302
    project = Project.objects.get()
    assert (project.region, project.status, project.created_by) == (region, S.DRAFT, coordinator)
    first = project.status_changes.get()
    assert (first.to_status, first.actor) == (S.DRAFT, coordinator)


def test_the_region_follows_a_changed_organisation(client):
    kitami, obihiro = RegionFactory(), RegionFactory()
    coordinator = appoint(kitami)
    coordinator_appoint(user=coordinator, region=obihiro)
    project = ProjectFactory(organization=HostOrganizationFactory(region=kitami), term=None)
    elsewhere = HostOrganizationFactory(region=obihiro)
    client.force_login(coordinator)
    url = f"{PROJECTS}{project.pk}/change/"

    response = client.post(
        url, _add_form_data(client, url, organization=elsewhere.pk, **PROJECT_FIELDS)
    )

    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.organization, project.region) == (elsewhere, obihiro)


def test_a_version_is_compared_with_the_one_before(client):
    project, member, _ = project_in(S.CHANGES_REQUESTED, title="旧タイトル")
    Project.objects.filter(pk=project.pk).update(title="新タイトル", capacity=3)
    services.project_submit(project=project, actor=member)
    coordinator = appoint(project.region)
    client.force_login(coordinator)
    second = ProjectVersion.objects.get(project=project, number=2)

    html = client.get(f"{VERSIONS}{second.pk}/change/").content.decode()

    assert "旧タイトル" in html and "新タイトル" in html
    changelist = client.get(VERSIONS).context["cl"]
    columns = {v.number: changelist.model_admin.changed_fields(v) for v in changelist.result_list}
    title, capacity = (Project._meta.get_field(n).verbose_name for n in ("title", "capacity"))
    assert columns[2] == f"{title}, {capacity}"
    project_page = client.get(f"{PROJECTS}{project.pk}/change/").content.decode()
    assert f"{title}, {capacity}" in project_page


# Step 6–7: entries and placements of a project (the coordinator's side) ------------------


def entries_of_one_project(*states):
    project, _member, _ = project_in(S.PUBLISHED)
    entries = [application_in(state, project=project)[0] for state in states]
    return entries, appoint(project.region)


@pytest.mark.parametrize(
    ("action", "legal_from", "illegal_from", "target"),
    [
        ("start_screening", A.SUBMITTED, A.WITHDRAWN, A.SCREENING),
        ("invite_to_interview", A.SCREENING, A.OFFERED, A.INTERVIEWING),
        ("offer", A.INTERVIEWING, A.SUBMITTED, A.OFFERED),
    ],
)
def test_entry_action_moves_the_legal_row_and_reports_the_refused_one(
    client, action, legal_from, illegal_from, target
):
    (legal, illegal), coordinator = entries_of_one_project(legal_from, illegal_from)
    client.force_login(coordinator)

    response = run_action(client, ENTRIES, action, legal, illegal)

    legal.refresh_from_db()
    illegal.refresh_from_db()
    assert (legal.status, illegal.status) == (target, illegal_from)
    assert legal.status_changes.last().actor == coordinator
    assert levels_for(response, legal) == [levels.SUCCESS]
    assert levels_for(response, illegal) == [levels.ERROR]


def test_decline_asks_for_a_reason_from_the_list_and_a_message(client):
    (screening, accepted), coordinator = entries_of_one_project(A.SCREENING, A.ACCEPTED)
    client.force_login(coordinator)

    page = run_action(client, ENTRIES, "decline", screening, accepted)
    assert set(page.context["form"].fields["reason"].choices) == set(
        Application.CHOSEN_DECLINE_REASONS
    )
    wrong = run_action(client, ENTRIES, "decline", screening, accepted, reason="nonsense")
    assert "reason" in wrong.context["form"].errors
    response = run_action(
        client, ENTRIES, "decline", screening, accepted, reason="schedule", message="日程が合わず"
    )

    screening.refresh_from_db()
    accepted.refresh_from_db()
    assert (screening.status, accepted.status) == (A.REJECTED, A.ACCEPTED)
    assert (screening.decline_reason, screening.decline_message) == ("schedule", "日程が合わず")
    assert screening.declined_by == coordinator
    assert levels_for(response, accepted) == [levels.ERROR]


def placements_of_one_project(*states):
    project, _member, _ = project_in(S.PUBLISHED)
    coordinator = appoint(project.region)
    placements = []
    for state in states:
        placement = application_in(A.ACCEPTED, project=project)[0].placement
        if state in (P.ACTIVE, P.COMPLETED):
            placement = applicant_services.placement_activate(
                placement=placement, actor=coordinator
            )
        if state == P.COMPLETED:
            placement = applicant_services.placement_complete(
                placement=placement, actor=coordinator
            )
        if state == P.ENDED_EARLY:
            placement = applicant_services.placement_end_early(
                placement=placement, actor=coordinator, reason="体調不良のため"
            )
        placements.append(placement)
    return placements, coordinator


@pytest.mark.parametrize(
    ("action", "legal_from", "illegal_from", "target"),
    [
        ("activate", P.PREPARING, P.COMPLETED, P.ACTIVE),
        ("complete", P.ACTIVE, P.PREPARING, P.COMPLETED),
    ],
)
def test_placement_action_moves_the_legal_row_and_reports_the_refused_one(
    client, action, legal_from, illegal_from, target
):
    (legal, illegal), coordinator = placements_of_one_project(legal_from, illegal_from)
    client.force_login(coordinator)

    response = run_action(client, PLACEMENTS, action, legal, illegal)

    legal.refresh_from_db()
    illegal.refresh_from_db()
    assert (legal.status, illegal.status) == (target, illegal_from)
    assert levels_for(response, legal) == [levels.SUCCESS]
    assert levels_for(response, illegal) == [levels.ERROR]


def test_ending_a_placement_early_requires_a_reason(client):
    (preparing, ended), coordinator = placements_of_one_project(P.PREPARING, P.ENDED_EARLY)
    client.force_login(coordinator)

    response = run_action(client, PLACEMENTS, "end_early", preparing, ended, reason=" ")
    assert "reason" in response.context["form"].errors
    response = run_action(client, PLACEMENTS, "end_early", preparing, ended, reason="家庭の事情")

    preparing.refresh_from_db()
    ended.refresh_from_db()
    assert (preparing.status, preparing.ended_reason) == (P.ENDED_EARLY, "家庭の事情")
    assert ended.ended_reason == "体調不良のため"
    assert levels_for(response, ended) == [levels.ERROR]


# Region scoping --------------------------------------------------------------------------


def test_another_regions_coordinator_gets_404_and_cannot_act(client):
    (entry,), _coordinator = entries_of_one_project(A.SUBMITTED)
    project = entry.project
    placement = application_in(A.ACCEPTED, project=project)[0].placement
    intake = IntakeInterviewFactory(region=project.region)
    stranger = appoint(RegionFactory())
    client.force_login(stranger)

    for url, obj in (
        (PROJECTS, project),
        (INTAKES, intake),
        (ENTRIES, entry),
        (PLACEMENTS, placement),
        (VERSIONS, project.versions.first()),
    ):
        assert client.get(f"{url}{obj.pk}/change/").status_code == 404, url
        assert obj not in client.get(url).context["cl"].result_list

    run_action(client, PROJECTS, "close_entry", project)
    run_action(client, ENTRIES, "start_screening", entry)
    run_action(client, PLACEMENTS, "activate", placement)
    run_action(client, INTAKES, "record_proceed", intake)
    for obj in (project, entry, placement, intake):
        obj.refresh_from_db()
    assert (project.status, entry.status, placement.status) == (
        S.PUBLISHED,
        A.SUBMITTED,
        P.PREPARING,
    )
    assert intake.outcome == IntakeInterview.Outcome.PENDING


def test_superuser_sees_and_moves_projects_of_every_region(client):
    mine, _, _ = project_in(S.SUBMITTED, title="北見のプロジェクト")
    theirs, _, _ = project_in(S.SUBMITTED, title="函館のプロジェクト")
    client.force_login(StaffFactory())
    listed = client.get(PROJECTS).context["cl"].result_list
    assert {mine, theirs} <= set(listed)
    run_action(client, PROJECTS, "approve", mine, theirs)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.status == theirs.status == S.APPROVED


# Lists stay at a constant number of queries ---------------------------------------------


def _projects(rows):
    organization = HostOrganizationFactory()
    for n in range(rows):
        ProjectFactory(organization=organization, title=f"プロジェクト{n}")
    return organization.region


def _intakes(rows):
    region = RegionFactory()
    IntakeInterviewFactory.create_batch(rows, region=region)
    return region


def _entries(rows):
    project, _member, _ = project_in(S.PUBLISHED)
    for _n in range(rows):
        application_in(A.SUBMITTED, project=project)
    return project.region


def _placements(rows):
    project, _member, _ = project_in(S.PUBLISHED, capacity=rows)
    for _n in range(rows):
        application_in(A.ACCEPTED, project=project)
    return project.region


def _versions(rows):
    organization = HostOrganizationFactory()
    for n in range(rows):
        project_in(S.SUBMITTED, organization=organization, title=f"版{n}")
    return organization.region


LISTS = {
    PROJECTS: (_projects, 12),
    INTAKES: (_intakes, 10),
    ENTRIES: (_entries, 10),
    PLACEMENTS: (_placements, 10),
    VERSIONS: (_versions, 10),
}


@pytest.mark.parametrize("rows", [3, 30])
@pytest.mark.parametrize("url", list(LISTS))
def test_changelist_queries_do_not_grow_with_rows(client, django_assert_max_num_queries, rows, url):
    make, queries = LISTS[url]
    coordinator = appoint(make(rows))
    client.force_login(coordinator)
    with django_assert_max_num_queries(queries):
        response = client.get(url)
    assert len(response.context["cl"].result_list) == rows


# Comparing any two versions ---------------------------------------------------------------


def _versions_of(project, member, coordinator, changes: list[dict]) -> None:
    """One more submitted version per dict of changes (sent back, changed, submitted again)."""
    for fields in changes:
        services.project_request_changes(project=project, actor=coordinator, comment="変更を")
        services.project_update(project=project, actor=member, **fields)
        services.project_submit(project=project, actor=member)


def test_a_coordinator_compares_any_two_versions_with_names_not_codes(client):
    summer = TermFactory()
    spring = TermFactory(season="spring", year=2028)
    food = ThemeFactory(slug="food", name="食・農業", name_en="Food and farming")
    project, member, coordinator = project_in(S.SUBMITTED, term=summer, title="第1版")
    _versions_of(
        project,
        member,
        coordinator,
        [
            {"title": "第2版"},
            {"term": spring, "themes": [food], "participation_style": "remote"},
        ],
    )
    client.force_login(appoint(project.region))
    url = f"{PROJECTS}{project.pk}/versions/compare/"

    response = client.get(f"{url}?a=1&b=3")

    assert response.status_code == 200
    rows = {row["name"]: row for row in response.context["diff"]}
    assert set(rows) == {"title", "term", "participation_style", "themes"}
    with translation.override("ja"):
        assert (rows["term"]["before"], rows["term"]["after"]) == (str(summer), str(spring))
    assert rows["themes"]["after"] == "食・農業"
    assert rows["participation_style"]["after"] == "リモート"
    html = response.content.decode()
    table = re.search(r'<table data-testid="version-diff">.*?</table>', html, re.S).group(0)
    assert "第1版" in table and "第2版" in table and "食・農業" in table
    assert f">{spring.pk}<" not in table and ">food<" not in table
    assert '<option value="1" selected>' in html and '<option value="3" selected>' in html
    # Without a choice: the last two versions.
    default = client.get(url)
    assert (default.context["left"].number, default.context["right"].number) == (2, 3)
    # Two versions of this project only.
    assert client.get(f"{url}?a=1&b=9").status_code == 400
    assert client.get(f"{url}?a=x&b=1").status_code == 400


def test_the_version_page_links_to_the_comparison_and_names_the_term(client):
    summer, spring = TermFactory(), TermFactory(season="spring", year=2028)
    project, member, coordinator = project_in(S.SUBMITTED, term=summer)
    _versions_of(project, member, coordinator, [{"term": spring}])
    client.force_login(appoint(project.region))
    second = ProjectVersion.objects.get(project=project, number=2)

    html = client.get(f"{VERSIONS}{second.pk}/change/").content.decode()

    with translation.override("ja"):
        assert str(summer) in html and str(spring) in html
    assert f"{PROJECTS}{project.pk}/versions/compare/?a=1&amp;b=2" in html
    project_page = client.get(f"{PROJECTS}{project.pk}/change/").content.decode()
    assert f"{PROJECTS}{project.pk}/versions/compare/?a=1&amp;b=2" in project_page


def test_another_regions_coordinator_and_hosts_cannot_compare(client):
    project, member, coordinator = project_in(S.SUBMITTED)
    _versions_of(project, member, coordinator, [{"title": "改訂"}])
    url = f"{PROJECTS}{project.pk}/versions/compare/?a=1&b=2"
    client.force_login(appoint(RegionFactory()))
    assert client.get(url).status_code == 404
    client.force_login(member)
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith("/admin/login/")
    client.force_login(StaffFactory())
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("rows", [3, 30])
def test_compare_page_queries_do_not_grow_with_versions(
    client, django_assert_max_num_queries, rows
):
    project, member, coordinator = project_in(S.SUBMITTED)
    _versions_of(project, member, coordinator, [{"title": f"第{n}版"} for n in range(rows - 1)])
    client.force_login(appoint(project.region))
    with django_assert_max_num_queries(10):
        response = client.get(f"{PROJECTS}{project.pk}/versions/compare/?a=1&b={rows}")
    assert len(response.context["versions"]) == rows


# A host runs no coordinator's move --------------------------------------------------------

PROJECT_ACTIONS = [
    ("approve", S.SUBMITTED, {}),
    ("request_changes", S.SUBMITTED, {"comment": "自分で差し戻す"}),
    ("publish_now", S.APPROVED, {}),
    ("schedule_publication", S.APPROVED, {"at": "2099-01-01T10:00"}),
    ("close_entry", S.PUBLISHED, {}),
    ("mark_in_progress", S.CLOSED, {}),
    ("mark_completed", S.IN_PROGRESS, {}),
    ("cancel", S.PUBLISHED, {"reason": "やめます"}),
]


@pytest.mark.parametrize(("action", "source", "form"), PROJECT_ACTIONS)
def test_a_host_posting_a_coordinators_action_is_refused_and_nothing_moves(
    client, action, source, form
):
    project, member, _coordinator = project_in(source)
    history = project.status_changes.count()
    data = {"action": action, "_selected_action": [project.pk], "index": 0}
    if form:
        data.update(apply="1", **form)
    client.force_login(member)
    # The admin sends whoever is not staff to its login page, before any action runs.
    response = client.post(PROJECTS, data)
    assert response.status_code == 302 and response.url.startswith("/admin/login/")
    # A host given the staff flag by mistake has no permission on projects: 403.
    member.is_staff = True
    member.save(update_fields=["is_staff"])
    assert client.post(PROJECTS, data).status_code == 403
    project.refresh_from_db()
    assert project.status == source
    assert project.publish_at is None
    assert project.status_changes.count() == history


def test_the_regions_coordinator_reads_the_intakes_decisions_on_its_page(client):
    region = RegionFactory()
    coordinator = appoint(region)
    intake = IntakeInterviewFactory(region=region)
    services.intake_record_outcome(
        intake=intake, outcome=IntakeInterview.Outcome.HOLD, actor=coordinator
    )
    client.force_login(coordinator)
    page = client.get(f"{INTAKES}{intake.pk}/change/").content.decode()
    assert "面接結果の変更" in page and "保留" in page  # the decisions inline, in labels
