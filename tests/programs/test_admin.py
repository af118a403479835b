"""Coordinators move leads and inquiries in the admin through the services, in their regions."""

import pytest
from django.contrib.messages import constants as levels
from django.utils import translation

from coordinators.services import coordinator_appoint
from programs import services
from programs.models import Inquiry, PamphletRequest
from tests.factories import RegionFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

LEADS = "/admin/programs/pamphletrequest/"
INQUIRIES = "/admin/programs/inquiry/"
L = PamphletRequest.Status
Q = Inquiry.Status


def appoint(region, **user):
    """A coordinator as the programme makes one: staff, in the group, listed on the region."""
    coordinator = UserFactory(**user)
    coordinator_appoint(user=coordinator, region=region)
    return coordinator


def messages_of(response) -> list[tuple[int, str]]:
    return [(m.level, m.message) for m in response.context["messages"]]


def run_action(client, url, action, *objects, **extra):
    data = {"action": action, "_selected_action": [o.pk for o in objects], "index": 0, **extra}
    return client.post(url, data, follow=True)


def lead_in(status, region, coordinator, name="合同会社ハッカ工房"):
    lead = services.lead_create(
        organization_name=name,
        organization_kind="company",
        contact_name="北見 太郎",
        email="lead@example.jp",
        region=region,
        consent=True,
    )
    path = {
        L.NEW: [],
        L.CONTACTED: [services.lead_mark_contacted],
        L.CONVERTED: [services.lead_mark_converted],
        L.CLOSED: [services.lead_close],
    }[status]
    for move in path:
        lead = move(lead=lead, actor=coordinator)
    lead.refresh_from_db()
    return lead


def inquiry_in(status, region, coordinator, name="旭川 花子"):
    inquiry = services.inquiry_create(
        kind="company", name=name, email="ask@example.jp", message="始め方を知りたい", region=region
    )
    path = {
        Q.NEW: [],
        Q.ANSWERED: [services.inquiry_mark_answered],
        Q.CLOSED: [services.inquiry_close],
    }[status]
    for move in path:
        inquiry = move(inquiry=inquiry, actor=coordinator)
    inquiry.refresh_from_db()
    return inquiry


@pytest.mark.parametrize(
    ("action", "legal_from", "illegal_from", "target"),
    [
        ("mark_contacted", L.NEW, L.CONVERTED, L.CONTACTED),
        ("mark_converted", L.CONTACTED, L.CLOSED, L.CONVERTED),
        ("close", L.CONTACTED, L.CONVERTED, L.CLOSED),
    ],
)
def test_lead_action_moves_the_legal_row_and_reports_the_refused_one(
    client, action, legal_from, illegal_from, target
):
    region = RegionFactory()
    coordinator = appoint(region)
    legal = lead_in(legal_from, region, coordinator, name="合同会社ハッカ工房")
    illegal = lead_in(illegal_from, region, coordinator, name="函館朝市商会")
    history = illegal.status_changes.count()
    client.force_login(coordinator)

    response = run_action(client, LEADS, action, legal, illegal)

    assert response.status_code == 200
    legal.refresh_from_db()
    illegal.refresh_from_db()
    assert legal.status == target
    last = legal.status_changes.last()
    assert (last.from_status, last.to_status, last.actor) == (legal_from, target, coordinator)
    assert illegal.status == illegal_from
    assert illegal.status_changes.count() == history
    reported = messages_of(response)
    assert [level for level, text in reported if str(legal) in text] == [levels.SUCCESS]
    assert [level for level, text in reported if str(illegal) in text] == [levels.ERROR]


def test_refusal_is_reported_in_the_coordinators_language_with_the_current_status(client):
    region = RegionFactory()
    coordinator = appoint(region, preferred_language="ja")
    converted = lead_in(L.CONVERTED, region, coordinator)
    client.force_login(coordinator)

    response = run_action(client, LEADS, "mark_contacted", converted)

    with translation.override("ja"):
        status = str(L.CONVERTED.label)
        expected = (
            f"「{converted}」は変更されませんでした。「{status}」の状態ではこの操作はできません。"
        )
    assert messages_of(response) == [(levels.ERROR, expected)]


def test_lead_contacted_stamps_the_date_through_the_service(client):
    region = RegionFactory()
    coordinator = appoint(region)
    lead = lead_in(L.NEW, region, coordinator)
    client.force_login(coordinator)
    run_action(client, LEADS, "mark_contacted", lead)
    lead.refresh_from_db()
    assert lead.contacted_at is not None


def test_action_runs_from_the_rows_own_page(client):
    region = RegionFactory()
    coordinator = appoint(region)
    lead = lead_in(L.NEW, region, coordinator)
    client.force_login(coordinator)
    page = f"{LEADS}{lead.pk}/change/"
    assert "mark_contacted" in client.get(page).content.decode()

    response = client.post(
        page,
        {"CHANGE_FORM-action": "mark_contacted", "_selected_action": lead.pk, "index": 0},
    )

    assert response.status_code == 302 and response.url == page
    lead.refresh_from_db()
    assert lead.status == L.CONTACTED


@pytest.mark.parametrize(
    ("action", "legal_from", "illegal_from", "target"),
    [
        ("mark_answered", Q.NEW, Q.CLOSED, Q.ANSWERED),
        ("close", Q.ANSWERED, Q.CLOSED, Q.CLOSED),
        ("reopen", Q.CLOSED, Q.NEW, Q.NEW),
    ],
)
def test_inquiry_action_moves_the_legal_row_and_reports_the_refused_one(
    client, action, legal_from, illegal_from, target
):
    region = RegionFactory()
    coordinator = appoint(region)
    legal = inquiry_in(legal_from, region, coordinator, name="旭川 花子")
    illegal = inquiry_in(illegal_from, region, coordinator, name="帯広 次郎")
    history = illegal.status_changes.count()
    client.force_login(coordinator)

    response = run_action(client, INQUIRIES, action, legal, illegal)

    legal.refresh_from_db()
    illegal.refresh_from_db()
    assert legal.status == target
    assert legal.status_changes.last().actor == coordinator
    assert illegal.status == illegal_from
    assert illegal.status_changes.count() == history
    reported = messages_of(response)
    assert [level for level, text in reported if str(legal) in text] == [levels.SUCCESS]
    assert [level for level, text in reported if str(illegal) in text] == [levels.ERROR]


def test_status_cannot_be_edited_on_the_change_form(client):
    region = RegionFactory()
    coordinator = appoint(region)
    inquiry = inquiry_in(Q.NEW, region, coordinator)
    client.force_login(coordinator)
    form = client.get(f"{INQUIRIES}{inquiry.pk}/change/").context["adminform"].form
    assert "status" not in form.fields


# Region scoping ----------------------------------------------------------------------


@pytest.fixture
def two_regions():
    """A coordinator of Kitami, and a lead and an inquiry in Kitami and in Hakodate."""
    kitami, hakodate = RegionFactory(name="北見"), RegionFactory(name="函館")
    coordinator = appoint(kitami)
    other = appoint(hakodate)
    return {
        "coordinator": coordinator,
        "mine": [
            lead_in(L.NEW, kitami, coordinator, name="北見ハッカ工房"),
            inquiry_in(Q.NEW, kitami, coordinator, name="北見 一郎"),
        ],
        "theirs": [
            lead_in(L.NEW, hakodate, other, name="函館朝市商会"),
            inquiry_in(Q.NEW, hakodate, other, name="函館 二郎"),
        ],
    }


def _change_url(obj):
    return f"/admin/programs/{obj._meta.model_name}/{obj.pk}/change/"


def test_coordinator_gets_404_for_another_regions_row_and_for_a_missing_one(client, two_regions):
    client.force_login(two_regions["coordinator"])
    for obj in two_regions["mine"]:
        assert client.get(_change_url(obj)).status_code == 200
    for obj in two_regions["theirs"]:
        assert client.get(_change_url(obj)).status_code == 404
        history = f"/admin/programs/{obj._meta.model_name}/{obj.pk}/history/"
        assert client.get(history).status_code == 404
    assert client.get(f"{LEADS}999999/change/").status_code == 404
    assert client.get(f"{LEADS}not-a-number/change/").status_code == 404


def test_superuser_sees_every_region_and_keeps_the_admins_missing_row_redirect(client, two_regions):
    client.force_login(StaffFactory())
    for obj in [*two_regions["mine"], *two_regions["theirs"]]:
        assert client.get(_change_url(obj)).status_code == 200
    html = client.get(LEADS).content.decode()
    assert "北見ハッカ工房" in html and "函館朝市商会" in html
    assert client.get(f"{LEADS}999999/change/").status_code == 302


def test_other_regions_rows_are_not_listed_and_actions_cannot_reach_them(client, two_regions):
    client.force_login(two_regions["coordinator"])
    html = client.get(LEADS).content.decode()
    assert "北見ハッカ工房" in html and "函館朝市商会" not in html
    lead, inquiry = two_regions["theirs"]

    response = run_action(client, LEADS, "close", lead)
    assert [level for level, _text in messages_of(response)] == [levels.WARNING]
    response = run_action(client, INQUIRIES, "mark_answered", inquiry)
    assert [level for level, _text in messages_of(response)] == [levels.WARNING]
    # Through the other row's own page the action is not even reached.
    page = _change_url(lead)
    data = {"CHANGE_FORM-action": "close", "_selected_action": lead.pk, "index": 0}
    assert client.post(page, data).status_code == 404

    lead.refresh_from_db()
    inquiry.refresh_from_db()
    assert (lead.status, inquiry.status) == (L.NEW, Q.NEW)


def test_superuser_may_act_in_any_region(client, two_regions):
    client.force_login(StaffFactory())
    lead, _inquiry = two_regions["theirs"]
    run_action(client, LEADS, "mark_contacted", lead)
    lead.refresh_from_db()
    assert lead.status == L.CONTACTED


# Lists stay at a constant number of queries ---------------------------------------------


@pytest.mark.parametrize("rows", [3, 30])
@pytest.mark.parametrize(("url", "make"), [(LEADS, lead_in), (INQUIRIES, inquiry_in)])
def test_changelist_queries_do_not_grow_with_rows(
    client, django_assert_max_num_queries, rows, url, make
):
    region = RegionFactory()
    coordinator = appoint(region)
    for n in range(rows):
        make(L.NEW, region, coordinator, name=f"行{n}")
    client.force_login(coordinator)
    with django_assert_max_num_queries(QUERIES[url]):
        response = client.get(url)
    assert len(response.context["cl"].result_list) == rows


QUERIES = {LEADS: 10, INQUIRIES: 10}
