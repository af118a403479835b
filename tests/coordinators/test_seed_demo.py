"""`manage.py seed_demo`: every state of the flow, reached through the services, twice the same.

The tests that read the demo data share one seeding per module (it takes a second or two on
SQLite and more on PostgreSQL): `seeded` seeds once inside a transaction that is rolled back
at the end of the module, and each of those tests runs in a savepoint inside it (`db`, below),
so what one test writes (a login) is undone before the next, as in tests/security/conftest.py.
The two tests that run the command themselves start from an empty database (`django_db`) and
come first, before that transaction is opened.
"""

from collections.abc import Iterator
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

from applicants.models import Application, Interview, Placement
from coordinators import demo_data
from coordinators.admin import host_flow_step
from coordinators.models import Orientation, SurveyResponse
from coordinators.selectors import pipeline_board
from programs.models import Inquiry, PamphletRequest, Region
from projects.models import HostOrganization, IntakeInterview, Project

APPS = ("accounts", "programs", "projects", "applicants", "coordinators", "notifications")


def table_counts() -> dict[str, int]:
    models = [m for label in APPS for m in apps.get_app_config(label).get_models()]
    models.append(apps.get_model("account", "EmailAddress"))
    return {m._meta.label: m._default_manager.count() for m in models}


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def _demo_data(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[str]:
    """`seed_demo` run once for the module, inside a transaction rolled back at its end."""
    media = tmp_path_factory.mktemp("seed-demo-media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        yield seed()
        assert not connection.closed_in_transaction, "the connection was closed inside it"
        transaction.set_rollback(True)


@pytest.fixture
def db(_demo_data, django_db_blocker) -> Iterator[None]:
    """One test on the seeded data, in a savepoint rolled back afterwards. It replaces
    pytest-django's `db` in this module (whose TestCase teardown closes the connection, and
    on PostgreSQL the module's transaction with it); the name keeps these tests among the
    database tests when pytest-django orders them."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture
def seeded(_demo_data, db) -> str:
    """The demo data (seeded once per module) and the command's output."""
    return _demo_data


def host_steps() -> dict[str, int | None]:
    """Each host's step of the flow, as its admin page shows it (3 to 8, or 9: all done)."""
    return {host.name: host_flow_step(host).step for host in HostOrganization.objects.all()}


def board_steps() -> set[int]:
    """The steps (1–8) of the regional pipeline boards that have at least one card: steps 1–3
    are the leads, inquiries and intakes of would-be hosts, 3–8 the hosts themselves."""
    return {
        int(column.mark)
        for region in Region.objects.all()
        for column in pipeline_board(region=region).host_columns
        if column.mark.isdigit() and column.cards
    }


@pytest.mark.django_db
def test_running_twice_adds_nothing_and_fails_nothing():
    seed()
    first, steps = table_counts(), host_steps()
    seed()
    assert table_counts() == first
    assert host_steps() == steps
    assert first["projects.Project"] > 0
    assert first["applicants.Application"] > 0


@pytest.mark.django_db
def test_output_lists_one_login_per_role_and_the_urls():
    output = seed()
    for _label, email in demo_data.DEMO_LOGINS:
        assert email in output
    assert len(demo_data.DEMO_LOGINS) == 4
    assert demo_data.PASSWORD in output
    assert "http://127.0.0.1:8000/" in output
    assert "http://127.0.0.1:8000/admin/" in output


def test_hosts_stand_at_every_step_of_the_flow(seeded):
    assert board_steps() == set(range(1, 9))
    # Hosts exist from the intake on: every step from 3 has a host organisation at it.
    assert set(range(3, 9)) <= set(host_steps().values())


def test_step_six_is_a_closed_project_still_choosing(seeded):
    (name,) = [name for name, step in host_steps().items() if step == 6]
    project = Project.objects.get(organization__name=name, status=Project.Status.CLOSED)
    entries = set(project.applications.values_list("status", flat=True))
    assert {Application.Status.INTERVIEWING, Application.Status.OFFERED} <= entries
    assert not Placement.objects.filter(application__project=project).exists()
    assert project.entry_deadline < project.closed_at


STATES = (
    (Project, "status", Project.Status),
    (Application, "status", Application.Status),
    (Interview, "status", Interview.Status),
    (Placement, "status", Placement.Status),
    (PamphletRequest, "status", PamphletRequest.Status),
    (Inquiry, "status", Inquiry.Status),
    (IntakeInterview, "outcome", IntakeInterview.Outcome),
)


def test_every_state_is_present(seeded):
    for model, field, choices in STATES:
        present = set(model.objects.values_list(field, flat=True))
        assert present == set(choices.values), model.__name__


def test_states_come_from_the_services_with_an_audit_row(seeded):
    for model in (Project, Application, Interview, Placement, PamphletRequest, Inquiry):
        for obj in model.objects.all():
            last = obj.status_changes.order_by("-id").first()
            assert last is not None and last.to_status == obj.status, obj
    # An intake's outcome is decided by the service; "not decided yet" has no decision row.
    for intake in IntakeInterview.objects.all():
        last = intake.status_changes.order_by("-id").first()
        if intake.outcome == IntakeInterview.Outcome.PENDING:
            assert last is None, intake
        else:
            assert last is not None and last.to_status == intake.outcome, intake
            assert last.created_at == intake.decided_at, intake


def test_every_host_kind_is_present(seeded):
    kinds = set(HostOrganization.objects.values_list("kind", flat=True))
    assert kinds == {"company", "npo", "municipality", "school", "other"}


def test_every_region_has_two_coordinators_in_order(seeded):
    regions = list(Region.objects.order_by("position"))
    assert [r.slug for r in regions] == ["sapporo", "kitami", "obihiro", "asahikawa", "hakodate"]
    for region in regions:
        coordinators = list(region.coordinators.all())
        assert len(coordinators) == 2
        assert all(u.is_staff and hasattr(u, "coordinator_profile") for u in coordinators)


def test_published_projects_are_open_for_entry(seeded):
    published = Project.objects.filter(status=Project.Status.PUBLISHED)
    assert published.count() >= 3
    assert all(p.is_open_for_entry for p in published)


def test_a_follow_up_starts_from_the_completed_project(seeded):
    follow_up = Project.objects.get(based_on__isnull=False)
    assert follow_up.based_on.status == Project.Status.COMPLETED
    assert follow_up.organization_id == follow_up.based_on.organization_id
    assert follow_up.status == Project.Status.DRAFT


def test_demo_logins_work_with_the_demo_password(seeded, client):
    for _label, email in demo_data.DEMO_LOGINS:
        assert client.login(email=email, password=demo_data.PASSWORD), email
        client.logout()


def test_completed_placement_has_survey_responses_from_both_sides(seeded):
    placement = Placement.objects.get(status=Placement.Status.COMPLETED)
    responses = SurveyResponse.objects.filter(placement=placement)
    assert {r.survey.audience for r in responses} == {"student", "host"}
    assert all(r.submitted_at and r.answers for r in responses)
    assert placement.reviews.filter(kind="final", held_at__isnull=False).exists()


def test_active_placement_has_a_held_orientation_and_reviews(seeded):
    placement = Placement.objects.get(status=Placement.Status.ACTIVE)
    orientation = Orientation.objects.get(placement=placement)
    assert orientation.held_at is not None
    assert orientation.student_attended and orientation.host_attended
    assert orientation.student_goals and orientation.host_goals and orientation.coordinator_goals
    health = set(placement.reviews.filter(held_at__isnull=False).values_list("health", flat=True))
    assert {"on_track", "at_risk"} <= health
    assert placement.reviews.filter(held_at__isnull=True).exists()
    assert hasattr(placement, "review_plan")
