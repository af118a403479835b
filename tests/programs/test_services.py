"""Leads (step 1) and inquiries (step 2): creation, routing and every move."""

import pytest
from django.core import mail

from accounts.workflow import InvalidTransition, TransitionNotAllowed
from programs import services
from programs.models import Inquiry, PamphletRequest
from tests.factories import CoordinatorFactory, RegionFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _lead(region=None):
    return services.lead_create(
        organization_name="株式会社北見ファーム",
        organization_kind="company",
        contact_name="佐藤 一郎",
        email="sato@farm.example.jp",
        region=region or RegionFactory(),
        consent=True,
    )


def test_pamphlet_request_sends_the_link_and_tells_the_regions_coordinators(
    django_capture_on_commit_callbacks,
):
    region = RegionFactory()
    coordinator = CoordinatorFactory(region=region)
    CoordinatorFactory()  # of another region: not told
    with django_capture_on_commit_callbacks(execute=True):
        lead = _lead(region)
    assert lead.status == PamphletRequest.Status.NEW
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["sato@farm.example.jp", coordinator.email]
    )
    assert lead.status_changes.get().to_status == "new"


def test_pamphlet_request_without_consent_is_refused():
    with pytest.raises(ValueError):
        services.lead_create(
            organization_name="x",
            organization_kind="company",
            contact_name="x",
            email="x@example.jp",
            region=RegionFactory(),
            consent=False,
        )
    assert not PamphletRequest.objects.exists()


LEAD_CALLS = {
    "contacted": services.lead_mark_contacted,
    "converted": services.lead_mark_converted,
    "closed": services.lead_close,
}


def _lead_in(source, coordinator, region):
    lead = _lead(region)
    path = {
        "new": [],
        "contacted": ["contacted"],
        "converted": ["converted"],
        "closed": ["closed"],
    }[source]
    for step in path:
        lead = LEAD_CALLS[step](lead=lead, actor=coordinator)
    return lead


@pytest.mark.parametrize(
    ("source", "target"),
    [(s, t) for s in PamphletRequest.Status.values for t in LEAD_CALLS if s != t],
)
def test_every_lead_move_is_allowed_or_refused_by_the_table(source, target):
    region = RegionFactory()
    coordinator = CoordinatorFactory(region=region)
    lead = _lead_in(source, coordinator, region)
    if PamphletRequest.TRANSITIONS.allows(source, target):
        lead = LEAD_CALLS[target](lead=lead, actor=coordinator)
        assert lead.status == target
        assert lead.status_changes.last().from_status == source
    else:
        with pytest.raises(InvalidTransition):
            LEAD_CALLS[target](lead=lead, actor=coordinator)
        lead.refresh_from_db()
        assert lead.status == source


def test_contacting_a_lead_stamps_the_time_and_outsiders_cannot():
    region = RegionFactory()
    lead = _lead(region)
    with pytest.raises(TransitionNotAllowed):
        services.lead_mark_contacted(lead=lead, actor=CoordinatorFactory())
    lead = services.lead_mark_contacted(lead=lead, actor=CoordinatorFactory(region=region))
    assert lead.contacted_at is not None


def _inquiry(region):
    return services.inquiry_create(
        kind="company",
        name="田中 太郎",
        email="tanaka@example.jp",
        message="始め方を知りたい",
        region=region,
    )


def test_inquiry_goes_to_the_region_coordinators_and_is_acknowledged(
    django_capture_on_commit_callbacks,
):
    region = RegionFactory()
    coordinator = CoordinatorFactory(region=region)
    with django_capture_on_commit_callbacks(execute=True):
        _inquiry(region)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["tanaka@example.jp", coordinator.email])


def test_inquiry_for_a_region_without_coordinators_goes_to_staff(
    django_capture_on_commit_callbacks,
):
    staff = StaffFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _inquiry(RegionFactory())
    assert staff.email in [m.to[0] for m in mail.outbox]


INQUIRY_CALLS = {
    "new": services.inquiry_reopen,
    "answered": services.inquiry_mark_answered,
    "closed": services.inquiry_close,
}


@pytest.mark.parametrize(
    ("source", "target"),
    [(s, t) for s in Inquiry.Status.values for t in Inquiry.Status.values if s != t],
)
def test_every_inquiry_move_is_allowed_or_refused_by_the_table(source, target):
    region = RegionFactory()
    coordinator = CoordinatorFactory(region=region)
    inquiry = _inquiry(region)
    if source != "new":
        inquiry = INQUIRY_CALLS[source](inquiry=inquiry, actor=coordinator)
    if Inquiry.TRANSITIONS.allows(source, target):
        inquiry = INQUIRY_CALLS[target](inquiry=inquiry, actor=coordinator)
        assert inquiry.status == target
    else:
        with pytest.raises(InvalidTransition):
            INQUIRY_CALLS[target](inquiry=inquiry, actor=coordinator)
        inquiry.refresh_from_db()
        assert inquiry.status == source
