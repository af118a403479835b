"""Every admin list exports its rows as CSV: Excel-ready Japanese, the user's own rows only,
no secrets, a constant number of queries, and a log line per export."""

import csv
import io
import logging

import pytest
from django.contrib import admin
from django.contrib.admin.sites import site
from django.test import RequestFactory

from accounts.admin import BigListAdminMixin, export_columns
from applicants.models import Application, Placement
from coordinators.models import ReviewSession
from coordinators.services import coordinator_appoint, review_host_link_issue
from notifications.models import Notification
from projects.models import Project
from tests.factories import StaffFactory, StudentFactory, UserFactory
from tests.flow import application_in, placement_in, project_in

pytestmark = pytest.mark.django_db

ENTRIES = "/admin/applicants/application/"


def appoint(region, **user):
    coordinator = UserFactory(preferred_language="ja", **user)
    coordinator_appoint(user=coordinator, region=region)
    return coordinator


def export(client, url, *objects, select_across=False, **filters):
    """Post the action as the list does; "select all" posts the page's rows too."""
    data = {
        "action": "export_csv",
        "index": 0,
        "_selected_action": [o.pk for o in objects],
        "select_across": "1" if select_across else "0",
    }
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    return client.post(f"{url}?{query}" if query else url, data)


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def entries(count: int, project=None) -> Project:
    project = project or project_in(Project.Status.PUBLISHED, capacity=count)[0]
    for _n in range(count):
        application_in(Application.Status.SUBMITTED, project=project)
    return project


def test_entries_export_has_japanese_headers_and_labels(client):
    application, student, _member, _coordinator = application_in(Application.Status.SCREENING)
    coordinator = appoint(application.project.region)
    client.force_login(coordinator)

    header, *rows = rows_of(export(client, ENTRIES, application))

    assert header == [
        "学生",
        "プロジェクト",
        "地域",
        "ステータス",
        "提出日時",
        "事前課題の提出日時",
    ]
    assert len(rows) == 1
    row = rows[0]
    assert row[:3] == [str(student), application.project.title, str(application.project.region)]
    # The status's label, not its code.
    assert row[3] == str(Application.Status.SCREENING.label) != "screening"
    assert row[3] == "選考中"


def test_a_coordinator_exports_only_their_regions_rows_even_with_select_all(client):
    mine = entries(2)
    theirs = entries(2)
    coordinator = appoint(mine.region)
    client.force_login(coordinator)
    other = Application.objects.filter(project=theirs).first()

    first = mine.applications.first()
    _header, *everything = rows_of(export(client, ENTRIES, first, select_across=True))
    _header, *picked = rows_of(export(client, ENTRIES, other, *mine.applications.all()))

    titles = {row[1] for row in everything}
    assert titles == {mine.title} and len(everything) == 2
    # An id of another region posted by hand drops out like on the list.
    assert {row[1] for row in picked} == {mine.title} and len(picked) == 2


def test_every_registered_list_offers_the_export(client):
    client.force_login(StaffFactory(is_superuser=True))
    for model, model_admin in site._registry.items():
        request = RequestFactory().get("/")
        request.user = StaffFactory.build(is_superuser=True, is_staff=True, is_active=True)
        assert "export_csv" in model_admin.get_actions(request), model


def test_secret_columns_are_never_exported():
    class Leaky(admin.ModelAdmin):
        list_display = ("event", "idempotency_key", "email", "password", "host_token", "status")

    request = RequestFactory().get("/")
    request.user = StaffFactory.build(is_superuser=True)
    assert export_columns(Leaky(Notification, site), request) == ["event", "email", "status"]


def test_the_review_link_token_stays_out_of_the_file(client):
    placement, *_ = placement_in(Placement.Status.ACTIVE)
    project = placement.application.project
    review = ReviewSession.objects.create(placement=placement, due_on=project.starts_on)
    coordinator = appoint(project.region)
    token = review_host_link_issue(review=review, actor=coordinator)
    review.refresh_from_db()
    client.force_login(coordinator)

    content = export(client, "/admin/coordinators/reviewsession/", review).content.decode()

    assert review.host_token is not None
    assert str(review.host_token) not in content and token not in content


def test_users_export_without_the_password_hash(client):
    student = StudentFactory(name="山田 花子")
    client.force_login(StaffFactory(is_superuser=True))

    response = export(client, "/admin/accounts/user/", student)

    content = response.content.decode("utf-8-sig")
    assert "山田 花子" in content
    assert student.password not in content and "pbkdf2" not in content


def test_each_export_is_logged_with_who_what_and_how_many(client, caplog):
    project = entries(3)
    coordinator = appoint(project.region)
    client.force_login(coordinator)

    with caplog.at_level(logging.INFO, logger="audit.admin_export"):
        export(client, ENTRIES, project.applications.first(), select_across=True)

    (record,) = [r for r in caplog.records if r.name == "audit.admin_export"]
    assert (record.user_id, record.model, record.rows) == (
        coordinator.pk,
        "applicants.Application",
        3,
    )


@pytest.mark.parametrize("count", [3, 30])
def test_export_queries_do_not_grow_with_rows(client, django_assert_max_num_queries, count):
    project = entries(count)
    coordinator = appoint(project.region)
    client.force_login(coordinator)
    client.get(ENTRIES)  # the session and permissions are cached like in use

    # The action's POST builds the changelist twice in Django, so the choices of the two
    # related filters (region, term) are read twice; what matters is that rows add none.
    with django_assert_max_num_queries(11):
        _header, *rows = rows_of(
            export(client, ENTRIES, project.applications.first(), select_across=True)
        )
    assert len(rows) == count


def test_long_lists_draw_the_same_row_checkbox_as_django():
    from django import forms
    from django.contrib.admin import helpers
    from django.utils.html import format_html
    from django.utils.translation import gettext

    class Row:
        pk = 42

        def __str__(self):
            return "山田 & <b>花子</b>"

    model_admin = site._registry[Application]
    assert isinstance(model_admin, BigListAdminMixin)
    row = Row()
    django_draws = forms.CheckboxInput(
        {
            "class": "action-select",
            "aria-label": format_html(gettext("Select this object for an action - {}"), str(row)),
        },
        lambda value: False,
    ).render(helpers.ACTION_CHECKBOX_NAME, str(row.pk))
    assert model_admin.action_checkbox(row) == django_draws
