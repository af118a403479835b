"""The step tracker on the admin pages of hosts, projects, entries and placements, and the big
lists: constant queries and a date hierarchy that does not read every row."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applicants.models import Application, Placement
from coordinators.services import coordinator_appoint
from projects.models import IntakeInterview, Project
from tests.factories import HostOrganizationFactory, IntakeInterviewFactory, UserFactory
from tests.flow import application_in, placement_in, project_in

pytestmark = pytest.mark.django_db

ENTRIES = "/admin/applicants/application/"


def appoint(region):
    coordinator = UserFactory(preferred_language="ja")
    coordinator_appoint(user=coordinator, region=region)
    return coordinator


def page(client, model: str, pk: int):
    response = client.get(f"/admin/{model}/{pk}/change/")
    assert response.status_code == 200
    return response


def current(response) -> int | None:
    html = response.content.decode()
    if response.context["step"] is not None and response.context["step"] <= 8:
        assert 'aria-current="step"' in html and "is-current" in html
    return response.context["step"]


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (Project.Status.DRAFT, 4),
        (Project.Status.SUBMITTED, 4),
        (Project.Status.APPROVED, 5),
        (Project.Status.PUBLISHED, 5),
        (Project.Status.CLOSED, 6),
        (Project.Status.IN_PROGRESS, 7),
        (Project.Status.COMPLETED, 9),
        (Project.Status.CANCELLED, None),
    ],
)
def test_project_and_host_pages_show_the_step_of_the_flow(client, status, step):
    project, _member, _coordinator = project_in(status)
    client.force_login(appoint(project.region))

    assert current(page(client, "projects/project", project.pk)) == step
    host = page(client, "projects/hostorganization", project.organization_id)
    # A host with only a cancelled project is back at designing one (step 4).
    assert current(host) == (4 if step is None else step)


def test_an_active_placement_moves_its_project_and_host_to_step_8(client):
    placement, _student, _member, _coordinator = placement_in(Placement.Status.ACTIVE)
    project = placement.application.project
    client.force_login(appoint(project.region))

    assert current(page(client, "projects/project", project.pk)) == 8
    assert current(page(client, "projects/hostorganization", project.organization_id)) == 8
    assert current(page(client, "applicants/application", placement.application_id)) == 8
    assert current(page(client, "applicants/placement", placement.pk)) == 8


def test_a_host_at_its_open_intake_stands_at_step_3(client):
    host = HostOrganizationFactory()
    IntakeInterviewFactory(
        region=host.region, organization=host, outcome=IntakeInterview.Outcome.HOLD
    )
    client.force_login(appoint(host.region))

    response = page(client, "projects/hostorganization", host.pk)

    assert current(response) == 3
    assert "3" in response.context["step_caption"]


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (Application.Status.SUBMITTED, 6),
        (Application.Status.OFFERED, 6),
        (Application.Status.ACCEPTED, 7),
        (Application.Status.WITHDRAWN, None),
    ],
)
def test_entry_pages_show_the_step_of_the_flow(client, status, step):
    application, _student, _member, _coordinator = application_in(status)
    client.force_login(appoint(application.project.region))

    response = page(client, "applicants/application", application.pk)

    assert current(response) == step
    assert response.context["step_caption"]


def test_another_regions_host_page_is_not_found(client):
    project, _member, _coordinator = project_in(Project.Status.PUBLISHED)
    client.force_login(appoint(project_in(Project.Status.PUBLISHED)[0].region))

    url = f"/admin/projects/hostorganization/{project.organization_id}/change/"
    assert client.get(url).status_code == 404


# The entries list at scale -------------------------------------------------------------------


def _entries(count: int):
    project, _member, _coordinator = project_in(Project.Status.PUBLISHED, capacity=count)
    for _n in range(count):
        application_in(Application.Status.SUBMITTED, project=project)
    return project


@pytest.mark.parametrize("count", [3, 30])
def test_the_entries_list_queries_do_not_grow_with_rows(
    client, django_assert_max_num_queries, count
):
    project = _entries(count)
    client.force_login(appoint(project.region))
    client.get(ENTRIES)

    with django_assert_max_num_queries(9):
        response = client.get(ENTRIES)

    assert len(response.context["cl"].result_list) == count


def test_the_entries_list_reads_no_distinct_dates_and_counts_once(client):
    project = _entries(3)
    client.force_login(appoint(project.region))

    with CaptureQueriesContext(connection) as queries:
        response = client.get(ENTRIES)

    sql = [q["sql"].upper() for q in queries]
    assert not [q for q in sql if "DISTINCT" in q]
    assert len([q for q in sql if "COUNT(" in q and "APPLICANTS_APPLICATION" in q]) == 1
    # No join to the coordinators table: the region is matched by a subquery.
    for query in sql:
        assert 'JOIN "PROGRAMS_REGION_COORDINATORS"' not in query
    year = str(timezone.localdate().year)
    assert [c["title"] for c in response.context["cl"].date_drilldown["choices"]]
    assert f"created_at__year={year}" in response.content.decode()


def test_the_date_hierarchy_offers_the_span_of_the_list(client):
    project = _entries(2)
    coordinator = appoint(project.region)
    older = Application.objects.filter(project=project).first()
    Application.objects.filter(pk=older.pk).update(
        created_at=timezone.now() - dt.timedelta(days=800)
    )
    client.force_login(coordinator)

    years = client.get(ENTRIES).context["cl"].date_drilldown["choices"]
    titles = [choice["title"] for choice in years]

    first = timezone.localtime(timezone.now() - dt.timedelta(days=800)).year
    assert titles == [str(y) for y in range(first, timezone.localdate().year + 1)]
    months = client.get(f"{ENTRIES}?created_at__year={first}").context["cl"].date_drilldown
    assert len(months["choices"]) == 1 and months["back"]["link"]
