"""The host's pages: invitation, project forms, submission, versions, dashboard; others get 404."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.models import User
from projects import services
from projects.models import HostMembership, Project
from tests.factories import (
    CoordinatorFactory,
    HostMemberFactory,
    HostOrganizationFactory,
    IntakeInterviewFactory,
    StudentFactory,
    TermFactory,
    ThemeFactory,
)
from tests.flow import application_in, interview_in, project_in

pytestmark = pytest.mark.django_db


def _form_data(**overrides):
    term = TermFactory()
    data = {
        "title": "ハッカの香りで北見の冬をつくる",
        "summary": "北見のハッカを使った冬の新商品",
        "term": term.pk,
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
    }
    data.update(overrides)
    return data


def _invite(django_capture_on_commit_callbacks, email="host-contact@example.jp"):
    intake = IntakeInterviewFactory(contact_email=email, organization_name="北見ハッカ工房")
    coordinator = CoordinatorFactory(region=intake.region)
    with django_capture_on_commit_callbacks(execute=True):
        intake, _invitation = services.intake_record_outcome(
            intake=intake, outcome="proceed", actor=coordinator
        )
    body = next(m.body for m in mail.outbox if email in m.to)
    link = next(line for line in body.splitlines() if "/host/invitations/" in line)
    return intake, link.replace("http://testserver", "").strip()


def test_host_contact_accepts_the_invitation_by_creating_an_account(
    client, django_capture_on_commit_callbacks
):
    intake, path = _invite(django_capture_on_commit_callbacks)
    page = client.get(path)
    assert page.status_code == 200
    assert "北見ハッカ工房" in page.content.decode()
    response = client.post(
        path,
        {
            "name": "北見 花子",
            "name_kana": "キタミ ハナコ",
            "password1": "hakka-Winter-2027",
            "password2": "hakka-Winter-2027",
        },
    )
    assert response.status_code == 302 and response.url == "/host/"
    user = User.objects.get(email="host-contact@example.jp")
    assert HostMembership.objects.filter(user=user, organization=intake.organization).exists()
    assert client.get("/host/").status_code == 200
    # Single use: the same link again is refused.
    client.logout()
    assert client.get(path).status_code == 404


def test_invitation_with_bad_passwords_keeps_what_was_typed(
    client, django_capture_on_commit_callbacks
):
    _intake, path = _invite(django_capture_on_commit_callbacks)
    response = client.post(
        path, {"name": "北見 花子", "name_kana": "", "password1": "abc", "password2": "abd"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "北見 花子" in html
    assert response.context["form"].errors["password2"]
    assert not User.objects.filter(email="host-contact@example.jp").exists()


def test_forged_invitation_gives_404(client):
    assert client.get("/host/invitations/forged/").status_code == 404


def test_host_creates_edits_previews_and_submits_a_project(
    client, django_capture_on_commit_callbacks
):
    member = HostMemberFactory()
    organization = member.host_memberships.get().organization
    coordinator = CoordinatorFactory(region=organization.region)
    theme = ThemeFactory()
    client.force_login(member)
    response = client.post(
        f"/host/organizations/{organization.pk}/projects/new/", _form_data(themes=[theme.pk])
    )
    assert response.status_code == 302
    project = Project.objects.get(organization=organization)
    assert project.status == "draft" and list(project.themes.all()) == [theme]
    assert project.region == organization.region
    edit = client.post(f"/host/projects/{project.pk}/edit/", _form_data(title="改訂したタイトル"))
    assert edit.status_code == 302
    project.refresh_from_db()
    assert project.title == "改訂したタイトル"
    assert client.get(f"/host/projects/{project.pk}/preview/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/host/projects/{project.pk}/submit/")
    project.refresh_from_db()
    assert project.status == "submitted"
    assert any(coordinator.email in m.to for m in mail.outbox)
    # Under review the form is closed.
    locked = client.post(f"/host/projects/{project.pk}/edit/", _form_data(title="もう一度"))
    assert locked.status_code == 409
    project.refresh_from_db()
    assert project.title == "改訂したタイトル"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("vision", ""),
        ("duration_months", "13"),
        ("duration_months", "0"),
        ("ends_on", "2027-07-01"),
        ("commute_days_per_week", ""),
        ("capacity", "0"),
        ("title", "あ" * 201),
    ],
)
def test_bad_input_shows_a_translated_error_next_to_the_field_and_keeps_the_rest(
    client, field, value
):
    member = HostMemberFactory()
    organization = member.host_memberships.get().organization
    client.force_login(member)
    data = _form_data(**{field: value})
    response = client.post(f"/host/organizations/{organization.pk}/projects/new/", data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    html = response.content.decode()
    assert "北見市" in html  # what was typed elsewhere is still there
    assert not Project.objects.exists()
    error = " ".join(response.context["form"].errors[field])
    assert any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in error)
    # Next to the field, and tied to it for screen readers.
    assert f'aria-describedby="id_{field}_error"' in html
    assert f'<div id="id_{field}_error" class="invalid-feedback">' in html


def test_an_empty_choice_reads_in_japanese(client):
    member = HostMemberFactory()
    organization = member.host_memberships.get().organization
    client.force_login(member)
    html = client.get(f"/host/organizations/{organization.pk}/projects/new/").content.decode()
    assert "- 選択してください -" in html and "Select an option" not in html


def test_changes_requested_comment_is_shown_and_resubmission_makes_version_two(client):
    project, member, coordinator = project_in(Project.Status.SUBMITTED)
    services.project_request_changes(
        project=project, actor=coordinator, comment="成果を数字で示してください"
    )
    client.force_login(member)
    page = client.get(f"/host/projects/{project.pk}/edit/")
    assert "成果を数字で示してください" in page.content.decode()
    client.post(f"/host/projects/{project.pk}/edit/", _form_data(outcomes="新商品3点と売上300万円"))
    client.post(f"/host/projects/{project.pk}/submit/")
    versions = client.get(f"/host/projects/{project.pk}/versions/?a=1&b=2")
    assert versions.status_code == 200
    fields = [str(row["field"]) for row in versions.context["diff"]]
    assert "期待する成果" in fields or "expected outcomes" in fields
    assert client.get(f"/host/projects/{project.pk}/versions/?a=1&b=9").status_code == 404


def test_host_starts_the_next_project_from_a_completed_one(client):
    project, member, _ = project_in(Project.Status.COMPLETED)
    client.force_login(member)
    response = client.post(f"/host/projects/{project.pk}/copy/")
    follow_up = Project.objects.get(based_on=project)
    assert response.url == f"/host/projects/{follow_up.pk}/edit/"
    assert follow_up.status == "draft"


def test_dashboard_shows_step_tracker_counts_and_what_waits(client, django_assert_max_num_queries):
    project, member, _ = project_in(Project.Status.PUBLISHED)
    application_in("submitted", project=project)
    application_in("interviewing", project=project)
    client.force_login(member)
    response = client.get("/host/")
    assert response.status_code == 200
    row = response.context["rows"][0]
    assert row["step"] == 5 and row["total"] == 2
    assert response.context["waiting"]["to_screen"] == 1
    assert response.context["waiting"]["interviews_to_set"] == 1
    assert 'aria-current="step"' in response.content.decode()


def test_dashboard_query_count_does_not_grow_with_projects(client, django_assert_max_num_queries):
    member = HostMemberFactory()
    organization = member.host_memberships.get().organization
    client.force_login(member)

    def make(n):
        for _ in range(n):
            services.project_create(organization=organization, actor=member, title="プロジェクト")

    make(3)
    with django_assert_max_num_queries(12) as few:
        client.get("/host/")
    make(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/host/")


def test_dashboard_lists_projects_under_way_first_twenty_a_page(client):
    member = HostMemberFactory()
    organization = member.host_memberships.get().organization
    done = project_in(Project.Status.COMPLETED, organization=organization, title="終わった")[0]
    for n in range(20):
        services.project_create(organization=organization, actor=member, title=f"進行中 {n}")
    client.force_login(member)
    first = client.get("/host/")
    titles = [row["project"].title for row in first.context["rows"]]
    assert len(titles) == 20 and "終わった" not in titles
    assert first.context["page"].paginator.num_pages == 2
    second = client.get("/host/?page=2")
    assert [row["project"].pk for row in second.context["rows"]] == [done.pk]
    # What waits for the host still counts every project, not only the page's.
    assert first.context["waiting"] == second.context["waiting"]


@pytest.mark.parametrize(
    "path",
    [
        "/host/projects/{pk}/edit/",
        "/host/projects/{pk}/preview/",
        "/host/projects/{pk}/versions/",
    ],
)
def test_other_hosts_and_students_get_404_on_a_project(client, path):
    project, _member, _ = project_in(Project.Status.DRAFT)
    for outsider in (HostMemberFactory(), StudentFactory()):
        client.force_login(outsider)
        assert client.get(path.format(pk=project.pk)).status_code == 404


def test_other_hosts_cannot_submit_copy_or_create_for_another_organisation(client):
    project, _member, _ = project_in(Project.Status.DRAFT)
    outsider = HostMemberFactory()
    client.force_login(outsider)
    assert client.post(f"/host/projects/{project.pk}/submit/").status_code == 404
    assert client.post(f"/host/projects/{project.pk}/copy/").status_code == 404
    other_org = HostOrganizationFactory()
    assert client.get(f"/host/organizations/{other_org.pk}/projects/new/").status_code == 404
    project.refresh_from_db()
    assert project.status == "draft"


def test_students_have_no_host_dashboard(client):
    client.force_login(StudentFactory())
    assert client.get("/host/").status_code == 404
    client.logout()
    assert client.get("/host/").status_code == 302


# The preview is the public page, marked as a preview ---------------------------------------


def _part(html: str, pattern: str) -> str:
    """One part of a project page, with whitespace folded (the preview nests it deeper)."""
    match = re.search(pattern, html, re.S)
    assert match, pattern
    return re.sub(r"\s+", " ", match.group(0))


HEADER = r'<header class="mb-4">.*?</header>'
COORDINATORS = r'<section aria-labelledby="coordinators-heading">.*?</section>'
FACTS = r'<aside class="col-lg-4 order-lg-2".*?</aside>'


def _inert(html: str) -> str:
    """The public page's entry link as the preview draws it: the same button, with no address."""
    return re.sub(
        r'<a class="btn btn-primary btn-lg w-100" href="/projects/\d+/entry/"',
        '<a class="btn btn-primary btn-lg w-100 disabled" role="link" aria-disabled="true"',
        html,
    )


def test_preview_of_a_published_project_shows_what_its_public_page_shows(client):
    project, member, coordinator = project_in(
        Project.Status.PUBLISHED, entry_deadline=timezone.now() + dt.timedelta(days=10)
    )
    project.themes.add(ThemeFactory(name="観光"), ThemeFactory(name="食"))
    CoordinatorFactory(region=project.region, name="", email="nameless@example.jp")
    CoordinatorFactory(region=project.region, name="退任 した人", is_active=False)
    public = client.get(f"/projects/{project.pk}/").content.decode()
    client.force_login(member)
    preview = client.get(f"/host/projects/{project.pk}/preview/").content.decode()

    for pattern in (HEADER, COORDINATORS):
        assert _part(preview, pattern) == _part(public, pattern)
    assert _part(preview, FACTS) == _inert(_part(public, FACTS))
    assert "#観光" in preview and coordinator.name in preview
    assert "退任 した人" not in preview and "nameless@example.jp" not in preview
    # The entry button is there, as students will see it, and leads nowhere.
    assert 'data-testid="entry-button"' in preview
    assert f"/projects/{project.pk}/entry/" not in preview


def test_preview_of_a_draft_shows_its_themes_coordinators_and_an_inert_entry_button(client):
    project, member, coordinator = project_in(Project.Status.DRAFT)
    theme = ThemeFactory(name="ものづくり", name_en="Crafts")
    project.themes.add(theme)
    CoordinatorFactory(region=project.region, name="退任 した人", is_active=False)
    client.force_login(member)
    client.cookies["django_language"] = "en"

    response = client.get(f"/host/projects/{project.pk}/preview/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "#Crafts" in html
    assert coordinator.name in html and "退任 した人" not in html
    entry = re.search(r'<a [^>]*data-testid="entry-button"[^>]*>', html).group(0)
    assert "href" not in entry and 'aria-disabled="true"' in entry
    assert 'data-testid="entry-closed"' not in html
    banner = _part(html, r'<div [^>]*data-testid="preview-banner".*?</div>\s*</div>')
    assert "Preview — not yet public" in banner
    assert f'href="/host/projects/{project.pk}/edit/"' in banner


def test_preview_is_not_indexed_and_claims_no_public_address(client):
    project, member, _ = project_in(Project.Status.SUBMITTED)
    client.force_login(member)
    response = client.get(f"/host/projects/{project.pk}/preview/")
    html = response.content.decode()
    assert 'rel="canonical"' not in html
    assert 'property="og:' not in html and 'name="twitter:' not in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert f"<title>{project.title} | " in html


@pytest.mark.parametrize(
    ("status", "deadline_days", "shows_entry"),
    [
        (Project.Status.DRAFT, None, True),
        (Project.Status.APPROVED, 5, True),
        (Project.Status.DRAFT, -1, False),  # the deadline will have passed when published
        (Project.Status.CLOSED, None, False),
        (Project.Status.COMPLETED, None, False),
        (Project.Status.CANCELLED, None, False),
    ],
)
def test_preview_shows_entry_open_or_closed_as_the_public_page_will(
    client, status, deadline_days, shows_entry
):
    deadline = None if deadline_days is None else timezone.now() + dt.timedelta(days=deadline_days)
    project, member, _ = project_in(status, entry_deadline=deadline)
    client.force_login(member)
    html = client.get(f"/host/projects/{project.pk}/preview/").content.decode()
    assert ('data-testid="entry-button"' in html) is shows_entry
    assert ('data-testid="entry-closed"' in html) is not shows_entry


def test_preview_query_count_does_not_grow_with_themes_and_coordinators(client):
    project, member, _ = project_in(Project.Status.DRAFT)
    project.themes.add(ThemeFactory())
    client.force_login(member)
    url = f"/host/projects/{project.pk}/preview/"
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    project.themes.add(*[ThemeFactory() for _ in range(10)])
    for _ in range(10):
        CoordinatorFactory(region=project.region)
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert html.count('class="list-inline-item project-theme"') == 11
    assert len(many.captured_queries) == len(few.captured_queries) <= 10


# Comparing versions --------------------------------------------------------------------


def test_versions_page_names_the_term_themes_and_choices_not_their_codes(client):
    summer = TermFactory()
    spring = TermFactory(
        season="spring",
        year=2028,
        entry_opens_on=dt.date(2027, 11, 1),
        entry_closes_on=dt.date(2027, 12, 31),
        starts_on=dt.date(2028, 2, 1),
        ends_on=dt.date(2028, 12, 31),
    )
    food = ThemeFactory(slug="food", name="食・農業", name_en="Food and farming")
    it = ThemeFactory(slug="it", name="IT・デジタル", name_en="IT and digital")
    project, member, coordinator = project_in(Project.Status.SUBMITTED, term=summer)
    # v1 was taken on submission, before these themes; send it back and change it.
    services.project_request_changes(project=project, actor=coordinator, comment="変更を")
    services.project_update(
        project=project,
        actor=member,
        term=spring,
        themes=[food, it],
        participation_style=Project.ParticipationStyle.REMOTE,
        entry_deadline=timezone.make_aware(dt.datetime(2027, 6, 30, 18, 0)),
    )
    services.project_submit(project=project, actor=member)
    client.force_login(member)

    response = client.get(f"/host/projects/{project.pk}/versions/?a=1&b=2")

    rows = {row["name"]: row for row in response.context["diff"]}
    with translation.override("ja"):
        assert (rows["term"]["before"], rows["term"]["after"]) == (str(summer), str(spring))
        assert rows["participation_style"]["after"] == str(Project.ParticipationStyle.REMOTE.label)
        assert rows["participation_style"]["before"] == str(
            Project.ParticipationStyle.COMMUTE.label
        )
    assert rows["themes"]["before"] == "—"
    assert rows["themes"]["after"] == "食・農業, IT・デジタル"
    assert (
        "2027" in rows["entry_deadline"]["after"] and "T18" not in rows["entry_deadline"]["after"]
    )
    html = response.content.decode()
    assert "食・農業, IT・デジタル" in html and "food" not in html
    assert f'<td class="diff-ins">{spring.pk}</td>' not in html
    # English labels on an English page.
    client.cookies["django_language"] = "en"
    english = client.get(f"/host/projects/{project.pk}/versions/?a=1&b=2")
    rows = {row["name"]: row for row in english.context["diff"]}
    assert rows["themes"]["after"] == "Food and farming, IT and digital"
    assert rows["participation_style"]["after"] == "Remote"


# The dashboard: what waits, where to act on it -------------------------------------------


def test_dashboard_waiting_items_link_to_where_the_host_acts(client):
    project, member, _coordinator = project_in(Project.Status.PUBLISHED)
    organization = project.organization
    for state in ("submitted", "submitted", "screening", "interviewing", "offered"):
        application_in(state, project=project)
    waiting_interview = project.applications.get(status="interviewing")
    sent_back, _member, _ = project_in(Project.Status.CHANGES_REQUESTED, organization=organization)
    client.force_login(member)

    response = client.get("/host/")

    waiting = response.context["waiting"]
    assert waiting["to_screen"] == 3  # submitted and screening, not offered
    assert waiting["interviews_to_set"] == 1
    assert [p.pk for p in waiting["changes_requested"]] == [sent_back.pk]
    html = response.content.decode()
    entries = f"/host/projects/{project.pk}/entries/"
    assert f'href="{entries}?status=submitted"' in html
    assert f'href="{entries}?status=screening"' in html
    assert f'href="/host/entries/{waiting_interview.pk}/#propose"' in html
    assert f'href="/host/projects/{sent_back.pk}/edit/"' in _part(
        html, r'<section class="mb-4" aria-labelledby="waiting-heading">.*?</section>'
    )
    # Each link leads to a page this host may open.
    for url in (f"{entries}?status=submitted", f"/host/entries/{waiting_interview.pk}/"):
        assert client.get(url).status_code == 200


def test_an_interview_already_proposed_is_not_waiting(client):
    _interview, _student, member, _coordinator = interview_in("proposed")
    client.force_login(member)
    waiting = client.get("/host/").context["waiting"]
    assert waiting["interviews_to_set"] == 0 and waiting["interview_items"] == []


@pytest.mark.parametrize("status", Project.Status.values)
def test_the_next_project_can_start_from_any_project_not_being_edited(client, status):
    project, member, _ = project_in(status)
    client.force_login(member)
    html = client.get("/host/").content.decode()
    offered = f'action="/host/projects/{project.pk}/copy/"' in html
    assert offered is (status not in services.EDITABLE_STATES)


@pytest.mark.parametrize("status", [Project.Status.CLOSED, Project.Status.CANCELLED])
def test_host_starts_the_next_project_from_a_closed_or_cancelled_one(client, status):
    project, member, _ = project_in(status)
    client.force_login(member)
    response = client.post(f"/host/projects/{project.pk}/copy/")
    follow_up = Project.objects.get(based_on=project)
    assert response.url == f"/host/projects/{follow_up.pk}/edit/"
    assert follow_up.status == Project.Status.DRAFT
    assert follow_up.entry_deadline is None


def test_a_draft_being_edited_is_not_copied(client):
    project, member, _ = project_in(Project.Status.DRAFT)
    client.force_login(member)
    response = client.post(f"/host/projects/{project.pk}/copy/")
    assert response.url == f"/host/projects/{project.pk}/edit/"
    assert not Project.objects.filter(based_on=project).exists()


def test_dashboard_with_entries_has_the_same_query_count_for_3_and_30_projects(client):
    member = HostMemberFactory()
    organization = member.host_memberships.get().organization
    states = ("submitted", "screening", "interviewing")

    def make(n):
        for i in range(n):
            project = project_in(Project.Status.PUBLISHED, organization=organization)[0]
            application_in(states[i % 3], project=project)

    client.force_login(member)
    make(3)
    with CaptureQueriesContext(connection) as few:
        response = client.get("/host/")
    assert len(response.context["rows"]) == 3
    make(27)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/host/")
    # A page of 20 rows; what waits counts all 30 projects.
    assert len(response.context["rows"]) == 20
    assert response.context["page"].paginator.count == 30
    assert response.context["waiting"]["to_screen"] == 20
    assert response.context["waiting"]["interviews_to_set"] == 10
    assert len(many.captured_queries) == len(few.captured_queries) <= 12
