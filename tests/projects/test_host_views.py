"""The host's pages: invitation, project forms, submission, versions, dashboard; others get 404."""

import pytest
from django.core import mail

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
from tests.flow import application_in, project_in

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
