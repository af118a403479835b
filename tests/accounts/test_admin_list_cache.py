"""The big admin lists keep their count, date span and page of rows until the next write
(accounts/list_cache.py): a reload reads the cache, and any write shows on the next page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applicants import services as applicant_services
from applicants.models import Application
from coordinators.services import coordinator_appoint
from tests.factories import StaffFactory, UserFactory
from tests.flow import application_in

pytestmark = pytest.mark.django_db

ENTRIES = "/admin/applicants/application/"
A = Application.Status


def _get(client, path: str = ENTRIES) -> tuple[str, int]:
    """The list's rows (the results table) and the request's query count."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    table = re.search(r'<table id="result_list".*?</table>', html, re.S)
    rows = table.group(0) if table else ""
    return rows + f"|{response.context['cl'].result_count}", len(queries)


def _coordinator_of(region):
    coordinator = UserFactory()
    coordinator_appoint(user=coordinator, region=region)
    return coordinator


def test_a_reload_reads_the_count_span_and_rows_from_the_cache(client):
    application_in(A.SUBMITTED)
    application_in(A.SCREENING)
    client.force_login(StaffFactory())
    first, computed = _get(client)
    again, cached = _get(client)
    assert again == first
    assert "|2" in again
    assert cached == computed - 4  # the count, the date span (its two ends) and the rows


def test_a_move_made_by_a_service_shows_on_the_next_list(client):
    application, _student, member, _ = application_in(A.SUBMITTED)
    client.force_login(StaffFactory())
    before, _ = _get(client)
    assert "選考中" not in before
    applicant_services.application_screen(application=application, actor=member)
    after, _ = _get(client)
    assert "選考中" in after  # Screening


def test_a_new_row_changes_the_count_on_the_next_list(client):
    application_in(A.SUBMITTED)
    client.force_login(StaffFactory())
    assert _get(client)[0].endswith("|1")
    application_in(A.SUBMITTED)
    assert _get(client)[0].endswith("|2")


def test_each_coordinator_sees_only_their_regions_rows(client):
    mine, *_ = application_in(A.SUBMITTED)
    theirs, *_ = application_in(A.SUBMITTED)
    me = _coordinator_of(mine.project.region)
    them = _coordinator_of(theirs.project.region)
    client.force_login(them)
    their_rows, _ = _get(client)
    assert str(theirs) in their_rows and str(mine) not in their_rows
    client.force_login(me)
    my_rows, _ = _get(client)
    assert str(mine) in my_rows and str(theirs) not in my_rows
    assert my_rows.endswith("|1")


def test_filters_and_pages_are_kept_apart(client):
    application_in(A.SUBMITTED)
    application_in(A.SCREENING)
    client.force_login(StaffFactory())
    everything, _ = _get(client)
    screening, _ = _get(client, ENTRIES + "?status__exact=screening")
    assert everything.endswith("|2") and screening.endswith("|1")
    assert _get(client)[0] == everything


def test_a_sign_in_keeps_the_lists_cached(client):
    application_in(A.SUBMITTED)
    staff = StaffFactory()
    client.force_login(staff)
    _rows, computed = _get(client)
    staff.last_login = timezone.now()
    staff.save(update_fields=["last_login"])
    assert _get(client)[1] == computed - 4  # the count, the two ends of the span, the rows


def test_with_the_cache_off_every_list_is_computed(client, settings):
    settings.ADMIN_LIST_CACHE_TIMEOUT = 0
    application_in(A.SUBMITTED)
    client.force_login(StaffFactory())
    first = _get(client)
    assert _get(client) == first
