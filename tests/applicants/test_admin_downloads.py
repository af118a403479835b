"""Who downloaded a student's file: shown, read-only, on the file's admin page, to those who
may see the file (its region's coordinators and staff) and to nobody else."""

import pytest

from applicants.models import Application, ApplicationFile, ApplicationFileDownload
from applicants.services import application_file_download_log
from coordinators.services import coordinator_appoint
from tests.factories import RegionFactory, StaffFactory, UserFactory
from tests.flow import application_in

pytestmark = pytest.mark.django_db

FILES = "/admin/applicants/applicationfile/"


def appoint(region):
    """A coordinator as the programme makes one: staff, in the group, listed on the region."""
    coordinator = UserFactory()
    coordinator_appoint(user=coordinator, region=region)
    return coordinator


@pytest.fixture
def downloaded():
    """A pre-assignment file its host member downloaded twice; returns (file, host member)."""
    application, _student, member, _coordinator = application_in(Application.Status.SCREENING)
    record = ApplicationFile.objects.create(
        application=application,
        file="applications/x/answer",
        original_name="事前課題.pdf",
        content_type="application/pdf",
        size=1024,
    )
    application_file_download_log(record=record, user=member)
    application_file_download_log(record=record, user=member)
    return record, member


def inline_of(response):
    (formset,) = [
        f
        for f in response.context["inline_admin_formsets"]
        if f.opts.model is ApplicationFileDownload
    ]
    return formset


@pytest.mark.parametrize("who", ["coordinator of the region", "staff"])
def test_the_file_page_lists_its_downloads_read_only(client, downloaded, who):
    record, member = downloaded
    region = record.application.project.region
    client.force_login(appoint(region) if who != "staff" else StaffFactory())

    response = client.get(f"{FILES}{record.pk}/change/")

    assert response.status_code == 200
    formset = inline_of(response)
    rows = [form.instance for form in formset.formset.forms]
    assert [(row.user, row.file) for row in rows] == [(member, record)] * 2
    assert not formset.has_add_permission
    assert not formset.has_change_permission
    assert not formset.has_delete_permission
    assert str(member) in response.content.decode()


def test_a_coordinator_of_another_region_sees_neither_the_file_nor_its_downloads(
    client, downloaded
):
    record, _member = downloaded
    client.force_login(appoint(RegionFactory()))

    assert client.get(f"{FILES}{record.pk}/change/").status_code == 404
    listed = client.get(FILES).context["cl"].result_list
    assert record not in listed


def test_the_download_log_has_no_admin_of_its_own(client, downloaded):
    client.force_login(StaffFactory())
    assert client.get("/admin/applicants/applicationfiledownload/").status_code == 404


def test_deleting_a_file_takes_its_downloads_with_it(client, downloaded):
    record, _member = downloaded
    client.force_login(StaffFactory())
    response = client.post(f"{FILES}{record.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not ApplicationFileDownload.objects.exists()
