"""The filters of the shared reference lists (regions, themes): useful, and scoped so that a
coordinator learns nothing of another region through them."""

import pytest

from coordinators.services import coordinator_appoint
from tests.factories import (
    ProjectFactory,
    RegionFactory,
    StaffFactory,
    StudentFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

REGIONS = "/admin/programs/region/"
THEMES = "/admin/projects/theme/"


def appoint(region):
    coordinator = UserFactory()
    coordinator_appoint(user=coordinator, region=region)
    return coordinator


def choices(response, name: str) -> list[str]:
    """The choices of the list's filter on `name` (a field path or a parameter name)."""
    specs = response.context["cl"].filter_specs
    (spec,) = [
        s
        for s in specs
        if name in (getattr(s, "field_path", None), getattr(s, "parameter_name", None))
    ]
    return [str(c["display"]) for c in spec.choices(response.context["cl"])]


def listed(client, url: str, **query) -> set:
    response = client.get(url, query)
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


def test_regions_filter_by_their_coordinators_and_offer_only_coordinators(client):
    sapporo, kitami = RegionFactory(name="札幌"), RegionFactory(name="北見")
    mine = appoint(sapporo)
    theirs = appoint(kitami)
    student = StudentFactory(name="学生 太郎")
    client.force_login(StaffFactory())

    assert listed(client, REGIONS, coordinators__id__exact=theirs.pk) == {kitami}
    offered = choices(client.get(REGIONS), "coordinators")
    assert str(mine) in offered and str(theirs) in offered
    assert str(student) not in offered


def test_a_coordinator_filters_themes_by_their_own_regions_only(client):
    sapporo, kitami = RegionFactory(name="札幌"), RegionFactory(name="北見")
    tourism, food = ThemeFactory(name="観光"), ThemeFactory(name="食")
    ProjectFactory(organization__region=sapporo, region=sapporo).themes.add(tourism)
    ProjectFactory(organization__region=kitami, region=kitami).themes.add(food)
    client.force_login(appoint(sapporo))

    assert choices(client.get(THEMES), "region")[1:] == ["札幌"]  # after "All"
    assert listed(client, THEMES, region=sapporo.pk) == {tourism}
    # Another region's id, or junk, shows nothing rather than that region's themes.
    assert listed(client, THEMES, region=kitami.pk) == set()
    assert listed(client, THEMES, region="x") == set()
    assert listed(client, THEMES) == {tourism, food}


def test_staff_filter_themes_by_any_region(client):
    sapporo, kitami = RegionFactory(name="札幌"), RegionFactory(name="北見")
    food = ThemeFactory(name="食")
    project = ProjectFactory(organization__region=kitami, region=kitami)
    project.themes.add(food)
    ProjectFactory(organization__region=kitami, region=kitami).themes.add(food)
    client.force_login(StaffFactory())

    assert {"札幌", "北見"} <= set(choices(client.get(THEMES), "region"))
    response = client.get(THEMES, {"region": kitami.pk})
    assert list(response.context["cl"].result_list) == [food]  # once, though used twice
    assert listed(client, THEMES, region=sapporo.pk) == set()
