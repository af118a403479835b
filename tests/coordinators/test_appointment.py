"""Coordinators are appointed through one service, and the public pages name only those who
agreed to be named (issue 12, findings 3 and 8)."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.workflow import TransitionNotAllowed
from coordinators.models import CoordinatorProfile
from coordinators.services import COORDINATOR_GROUP, coordinator_appoint, coordinator_dismiss
from programs.models import RegionCoordinator
from projects.models import Project
from tests.factories import CoordinatorFactory, RegionFactory, StaffFactory, UserFactory
from tests.flow import project_in
from tests.two_factor import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    sign_in(client, StaffFactory())
    return client


# Appointing ------------------------------------------------------------------------------------


def test_staff_appoint_a_coordinator_from_the_profile_page(staff_client):
    region, other = RegionFactory(), RegionFactory()
    user = UserFactory()
    response = staff_client.post(
        reverse("admin:coordinators_coordinatorprofile_add"),
        {"user": user.pk, "regions": [region.pk, other.pk], "title": "地域コーディネーター"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert user.is_staff
    assert user.groups.filter(name=COORDINATOR_GROUP).exists()
    assert set(user.coordinated_regions.all()) == {region, other}
    assert CoordinatorProfile.objects.get(user=user).title == "地域コーディネーター"


def test_unticking_every_region_dismisses_the_coordinator(staff_client):
    region, other = RegionFactory(), RegionFactory()
    user = UserFactory()
    coordinator_appoint(user=user, region=region)
    profile = coordinator_appoint(user=user, region=other)
    url = reverse("admin:coordinators_coordinatorprofile_change", args=[profile.pk])
    response = staff_client.post(url, {"regions": [other.pk], "title": "", "organization": ""})
    assert response.status_code == 302
    assert list(user.coordinated_regions.all()) == [other]
    response = staff_client.post(url, {"regions": [], "title": ""})
    assert response.status_code == 200  # a coordinator has a region: dismiss by deleting
    assert "regions" in response.context["adminform"].form.errors
    # Deleting the profile dismisses them from every region.
    response = staff_client.post(
        reverse("admin:coordinators_coordinatorprofile_delete", args=[profile.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.coordinated_regions.exists()
    assert not user.is_staff


def test_dismissing_from_the_last_region_takes_the_admin_rights_away():
    region = RegionFactory()
    user = UserFactory()
    coordinator_appoint(user=user, region=region)
    coordinator_dismiss(user=user, region=region, actor=StaffFactory())
    user.refresh_from_db()
    assert not user.coordinated_regions.exists()
    assert not user.groups.filter(name=COORDINATOR_GROUP).exists()
    assert not user.is_staff


def test_dismissing_keeps_the_rights_a_superuser_has_anyway():
    region = RegionFactory()
    staff = StaffFactory()
    coordinator_appoint(user=staff, region=region)
    coordinator_dismiss(user=staff, region=region, actor=StaffFactory())
    staff.refresh_from_db()
    assert staff.is_staff


def test_only_programme_staff_appoint_or_dismiss():
    region = RegionFactory()
    coordinator = CoordinatorFactory(region=region)
    user = UserFactory()
    with pytest.raises(TransitionNotAllowed):
        coordinator_appoint(user=user, region=region, actor=coordinator)
    assert not user.coordinated_regions.exists()
    with pytest.raises(TransitionNotAllowed):
        coordinator_dismiss(user=coordinator, region=region, actor=coordinator)
    assert coordinator.coordinated_regions.filter(pk=region.pk).exists()


def test_a_coordinator_cannot_appoint_in_the_admin(client):
    region = RegionFactory()
    coordinator = UserFactory()
    coordinator_appoint(user=coordinator, region=region)
    sign_in(client, coordinator)
    user = UserFactory()
    response = client.post(
        reverse("admin:coordinators_coordinatorprofile_add"),
        {"user": user.pk, "regions": [region.pk]},
    )
    assert response.status_code == 403
    assert not user.coordinated_regions.exists()


def test_the_region_page_adds_no_coordinator(staff_client):
    """The region's admin page lists its coordinators and whether they are named in public;
    it appoints nobody (that is the profile's page, through the service)."""
    region = RegionFactory()
    coordinator = CoordinatorFactory(region=region)
    page = staff_client.get(reverse("admin:programs_region_change", args=[region.pk]))
    assert page.status_code == 200
    formset = page.context["inline_admin_formsets"][0].formset
    assert formset.prefix == "coordinator_roles"
    # its row, and no blank one to add another (the admin's max_num 0 without add permission)
    assert formset.total_form_count() == formset.initial_form_count() == 1
    assert formset.max_num == 0
    assert "coordinators" not in page.context["adminform"].form.fields
    assert coordinator.email in page.content.decode() or coordinator.name in page.content.decode()


# Named in public only when agreed -------------------------------------------------------------


def _region_form(region, role, *, is_public: bool) -> dict:
    return {
        "name": region.name,
        "name_en": region.name_en,
        "slug": region.slug,
        "description": region.description,
        "description_en": region.description_en,
        "position": region.position,
        "coordinator_roles-TOTAL_FORMS": "1",
        "coordinator_roles-INITIAL_FORMS": "1",
        "coordinator_roles-MIN_NUM_FORMS": "0",
        "coordinator_roles-MAX_NUM_FORMS": "1000",
        "coordinator_roles-0-id": str(role.pk),
        "coordinator_roles-0-region": str(region.pk),
        **({"coordinator_roles-0-is_public": "on"} if is_public else {}),
    }


def test_a_coordinator_not_named_in_public_is_on_no_public_page(client, settings, staff_client):
    settings.PUBLIC_PAGE_CACHE_TIMEOUT = 600  # as in production: the pages are cached
    cache.clear()
    project, _member, coordinator = project_in(Project.Status.PUBLISHED)
    coordinator.name = "北見 ひかり"
    coordinator.save()
    region = project.region
    pages = [
        reverse("projects:region-detail", args=[region.slug]),
        reverse("projects:project-detail", args=[project.pk]),
    ]
    visitor = type(client)()
    for url in pages:
        assert "北見 ひかり" in visitor.get(url).content.decode(), url
        assert "北見 ひかり" in visitor.get(url).content.decode(), url  # from the cache now

    role = RegionCoordinator.objects.get(region=region, user=coordinator)
    response = staff_client.post(
        reverse("admin:programs_region_change", args=[region.pk]),
        _region_form(region, role, is_public=False),
    )
    assert response.status_code == 302
    role.refresh_from_db()
    assert not role.is_public
    for url in pages:
        assert "北見 ひかり" not in visitor.get(url).content.decode(), url


def test_the_setting_is_per_region():
    region, other = RegionFactory(), RegionFactory()
    user = UserFactory(name="二地域 コーディネーター")
    coordinator_appoint(user=user, region=region)
    coordinator_appoint(user=user, region=other, is_public=False)
    from projects.selectors.public import region_coordinators

    assert region_coordinators(region) == [user]
    assert region_coordinators(other) == []
