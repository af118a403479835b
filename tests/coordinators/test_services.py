"""Appointing a coordinator gives them their region's admin, and only theirs."""

import pytest

from coordinators.services import coordinator_appoint
from tests.factories import HostOrganizationFactory, RegionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_appointed_coordinator_uses_the_admin_for_their_region_only(client):
    region, other = RegionFactory(), RegionFactory()
    mine = HostOrganizationFactory(region=region, name="北見ハッカ工房")
    theirs = HostOrganizationFactory(region=other, name="函館朝市商会")
    user = UserFactory()
    coordinator_appoint(user=user, region=region, title="地域コーディネーター")
    coordinator_appoint(user=user, region=region)  # twice is fine
    client.force_login(user)
    assert client.get("/admin/").status_code == 200
    listing = client.get("/admin/projects/hostorganization/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert mine.name in html and theirs.name not in html
    assert client.get(f"/admin/projects/hostorganization/{mine.pk}/change/").status_code == 200
    other_page = client.get(f"/admin/projects/hostorganization/{theirs.pk}/change/")
    assert other_page.status_code in (302, 404)
    for path in (
        "/admin/programs/pamphletrequest/",
        "/admin/programs/inquiry/",
        "/admin/projects/project/",
        "/admin/projects/intakeinterview/",
        "/admin/applicants/application/",
        "/admin/applicants/interview/",
        "/admin/applicants/placement/",
        "/admin/coordinators/reviewsession/",
        "/admin/coordinators/orientation/",
        "/admin/projects/project/add/",
        "/admin/projects/intakeinterview/add/",
    ):
        assert client.get(path).status_code == 200, path
    assert client.get("/admin/accounts/user/").status_code == 403


def test_migrate_brings_the_appointed_coordinators_group_up_to_date():
    from django.contrib.auth.models import Permission
    from django.core.management.sql import emit_post_migrate_signal

    from coordinators.services import coordinator_group

    group = coordinator_group()
    upload = Permission.objects.get(content_type__app_label="programs", codename="add_pamphlet")
    group.permissions.remove(upload)  # as the group stood before the grant
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert group.permissions.filter(pk=upload.pk).exists()
