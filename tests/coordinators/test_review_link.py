"""The host supervisor's link to a review (issue 12, finding 5): issued, reissued, revoked and
expired by its stored state, and refusing writes once the review is held or the internship
is not under way."""

import datetime as dt

import pytest
import time_machine
from django.contrib.messages import constants as levels
from django.core import signing
from django.utils import timezone

from accounts.workflow import InvalidTransition, TransitionNotAllowed
from applicants.models import Placement
from coordinators import services
from coordinators.models import ReviewSession
from tests.coordinators.test_admin import REVIEWS, appoint, levels_for, messages_of
from tests.factories import HostMemberFactory, RegionFactory, StaffFactory, StudentFactory
from tests.flow import placement_in

pytestmark = pytest.mark.django_db

P = Placement.Status
ISSUE, REVOKE = "issue_host_link", "revoke_host_link"
# The change page's actions post under this name (accounts.admin.CHANGE_FORM_ACTION).
CHANGE_FORM_ACTION = "CHANGE_FORM-action"
BUTTON = f'name="{CHANGE_FORM_ACTION}" value="{{}}"'


@pytest.fixture(autouse=True)
def _english(client):
    """The pages in English, the source language of the texts asserted here."""
    client.cookies["django_language"] = "en"


def review_of(status=P.ACTIVE):
    """The first review of a placement in `status`, laid out by its plan; with the placement's
    student, host member and a coordinator appointed to its region (admin access)."""
    placement, student, member, planner = placement_in(P.ACTIVE)
    services.review_plan_set(placement=placement, actor=planner, every_weeks=4)
    coordinator = appoint(placement.application.project.region)
    if status == P.COMPLETED:
        services.placement_finish(placement=placement, actor=coordinator)
    elif status == P.ENDED_EARLY:
        services.placement_finish(
            placement=placement, actor=coordinator, ended_early_reason="体調不良のため"
        )
    review = ReviewSession.objects.filter(placement=placement).order_by("due_on").first()
    return review, student, member, coordinator


def link(token: str) -> str:
    return f"/reviews/link/{token}/"


def hold(review, coordinator):
    services.review_record(
        review=review, actor=coordinator, part="coordinator", notes="順調", health="on_track"
    )


def row(review) -> dict:
    """The review's stored row, every column."""
    return ReviewSession.objects.filter(pk=review.pk).values().get()


def admin_action(client, review, action):
    """Press a button of the review's change page: it posts the page's form with the action
    after the (unchosen) drop-down of actions, as a browser does."""
    url = f"{REVIEWS}{review.pk}/change/"
    data = {CHANGE_FORM_ACTION: ["", action], "_selected_action": review.pk}
    return client.post(url, data, follow=True)


# The lifecycle -----------------------------------------------------------------------------------


def test_issue_reissue_and_revoke_decide_which_link_works(client):
    review, _student, _member, coordinator = review_of()

    token = services.review_host_link_issue(review=review, actor=coordinator)

    assert client.get(link(token)).status_code == 200
    written = client.post(link(token), {"notes": "現場から見て順調"})
    assert written.status_code == 200 and written.context["done"]
    review.refresh_from_db()
    assert review.host_notes == "現場から見て順調"
    assert review.host_link_issued_by == coordinator
    assert review.host_link_valid_until == review.host_link_issued_at + dt.timedelta(days=60)

    new = services.review_host_link_issue(review=review, actor=coordinator)

    assert new != token
    assert client.get(link(token)).status_code == 404
    assert client.post(link(token), {"notes": "古いリンクから"}).status_code == 404
    assert client.get(link(new)).status_code == 200
    review.refresh_from_db()
    assert review.host_notes == "現場から見て順調"

    services.review_host_link_revoke(review=review, actor=coordinator)

    assert client.get(link(new)).status_code == 404
    assert client.post(link(new), {"notes": "取り消し後"}).status_code == 404
    review.refresh_from_db()
    assert review.host_notes == "現場から見て順調"
    assert (review.host_token, review.host_link_revoked_by) == (None, coordinator)
    assert review.host_link_revoked_at is not None
    assert services.review_host_link_token(review) is None
    with pytest.raises(InvalidTransition):
        services.review_host_link_revoke(review=review, actor=coordinator)


def test_the_token_is_the_same_on_every_call_while_the_link_lives():
    review, *_rest, coordinator = review_of()
    assert services.review_host_link_token(review) is None  # none issued yet

    issued = services.review_host_link_issue(review=review, actor=coordinator)
    review.refresh_from_db()

    assert services.review_host_link_token(review) == issued
    assert services.review_host_link_token(review) == issued
    assert services.review_host_link_read(issued) == review


def test_the_link_expires_60_days_after_it_was_issued(client):
    review, *_rest, coordinator = review_of()
    issued_at = timezone.now()
    with time_machine.travel(issued_at, tick=False):
        token = services.review_host_link_issue(review=review, actor=coordinator)

    with time_machine.travel(issued_at + dt.timedelta(days=60, seconds=-1), tick=False):
        assert client.get(link(token)).status_code == 200
    with time_machine.travel(issued_at + dt.timedelta(days=60), tick=False):
        assert client.get(link(token)).status_code == 404
        assert client.post(link(token), {"notes": "期限切れ"}).status_code == 404
        review.refresh_from_db()
        assert services.review_host_link_token(review) is None
    assert review.host_notes == ""


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: signing.dumps({"r": 1, "t": "x"}, salt="coordinators.review-host-link"),
        lambda token: "not-a-token",
    ],
    ids=["forged", "old-style", "garbage"],
)
def test_a_forged_token_gives_404(client, tamper):
    review, *_rest, coordinator = review_of()
    token = services.review_host_link_issue(review=review, actor=coordinator)

    assert client.get(link(tamper(token))).status_code == 404
    assert client.post(link(tamper(token)), {"notes": "偽物"}).status_code == 404


def test_a_link_from_before_issuing_was_recorded_no_longer_works(client):
    # As the migration leaves the rows of the time before: a review without a token.
    review, *_rest = review_of()
    old = signing.dumps({"r": review.pk, "t": "anything"}, salt="coordinators.review-host-link")

    assert review.host_token is None and review.host_link_issued_at is None
    assert client.get(link(old)).status_code == 404


# Who may issue and revoke ------------------------------------------------------------------------


def test_only_a_coordinator_of_the_region_or_staff_issues_and_revokes():
    review, student, member, coordinator = review_of()
    outsiders = (appoint(RegionFactory()), student, member, HostMemberFactory(), StudentFactory())
    for outsider in outsiders:
        with pytest.raises(TransitionNotAllowed):
            services.review_host_link_issue(review=review, actor=outsider)
    assert row(review)["host_token"] is None

    staff_token = services.review_host_link_issue(review=review, actor=StaffFactory())
    token = services.review_host_link_issue(review=review, actor=coordinator)
    assert staff_token != token

    for outsider in outsiders:
        with pytest.raises(TransitionNotAllowed):
            services.review_host_link_revoke(review=review, actor=outsider)
    review.refresh_from_db()
    assert services.review_host_link_token(review) == token
    services.review_host_link_revoke(review=review, actor=StaffFactory())


def test_issuing_and_revoking_are_logged(caplog):
    review, *_rest, coordinator = review_of()
    with caplog.at_level("INFO", logger="coordinators.review_host_link"):
        services.review_host_link_issue(review=review, actor=coordinator)
        services.review_host_link_revoke(review=review, actor=coordinator)
    logged = [r.getMessage() for r in caplog.records if r.name == "coordinators.review_host_link"]
    assert len(logged) == 2
    assert all(str(review.pk) in text and str(coordinator.pk) in text for text in logged)


# Writes once the review is held or the internship is not under way -------------------------------


def test_a_held_review_refuses_writes_through_the_link(client):
    review, _student, _member, coordinator = review_of()
    token = services.review_host_link_issue(review=review, actor=coordinator)
    # The same set-up takes the write while the review is open ...
    services.review_record(review=review, actor=None, part="host", notes="前半", via_link=True)

    hold(review, coordinator)

    with pytest.raises(InvalidTransition):
        services.review_record(
            review=review, actor=None, part="host", notes="後から", via_link=True
        )
    page = client.get(link(token))
    assert page.status_code == 200
    html = page.content.decode()
    assert "form" not in page.context and 'name="notes"' not in html
    assert "前半" in html and "This link no longer takes changes" in html
    refused = client.post(link(token), {"notes": "後から"})
    assert refused.status_code == 409
    assert 'name="notes"' not in refused.content.decode()
    assert row(review)["host_notes"] == "前半"


@pytest.mark.parametrize("status", [P.COMPLETED, P.ENDED_EARLY])
def test_an_ended_placement_refuses_writes_through_the_link(client, status):
    review, _student, _member, coordinator = review_of()
    token = services.review_host_link_issue(review=review, actor=coordinator)
    services.review_record(review=review, actor=None, part="host", notes="前半", via_link=True)
    if status == P.COMPLETED:
        services.placement_finish(placement=review.placement, actor=coordinator)
    else:
        services.placement_finish(
            placement=review.placement, actor=coordinator, ended_early_reason="体調不良のため"
        )

    with pytest.raises(InvalidTransition):
        services.review_record(
            review=review, actor=None, part="host", notes="後から", via_link=True
        )
    page = client.get(link(token))
    assert page.status_code == 200 and "form" not in page.context
    assert "前半" in page.content.decode()
    assert client.post(link(token), {"notes": "後から"}).status_code == 409
    assert row(review)["host_notes"] == "前半"


@pytest.mark.parametrize("status", [P.COMPLETED, P.ENDED_EARLY])
def test_no_link_is_issued_for_a_review_that_takes_no_changes(status):
    review, *_rest, coordinator = review_of(status)
    with pytest.raises(InvalidTransition):
        services.review_host_link_issue(review=review, actor=coordinator)
    open_review, *_rest, open_coordinator = review_of()
    hold(open_review, open_coordinator)
    with pytest.raises(InvalidTransition):
        services.review_host_link_issue(review=open_review, actor=open_coordinator)
    assert row(review)["host_token"] is None and row(open_review)["host_token"] is None


def test_a_link_without_a_live_link_on_the_review_writes_nothing():
    # The view reads the token first; the service checks again under the row's lock.
    review, *_rest, coordinator = review_of()
    services.review_host_link_issue(review=review, actor=coordinator)
    services.review_host_link_revoke(review=review, actor=coordinator)
    with pytest.raises(TransitionNotAllowed):
        services.review_record(review=review, actor=None, part="host", notes="x", via_link=True)


# The parties' own page follows the same rule -----------------------------------------------------


def test_a_held_review_refuses_the_parties_own_part(client):
    review, student, member, coordinator = review_of()
    services.review_record(review=review, actor=student, part="student", notes="試作品が完成")
    hold(review, coordinator)

    for party, part, shown in ((student, "student", "試作品が完成"), (member, "host", "")):
        with pytest.raises(InvalidTransition):
            services.review_record(review=review, actor=party, part=part, notes="後から")
        client.force_login(party)
        page = client.get(f"/reviews/{review.pk}/")
        assert page.status_code == 200 and "form" not in page.context
        html = page.content.decode()
        assert "Your part no longer takes changes" in html and shown in html
        assert client.post(f"/reviews/{review.pk}/", {"notes": "後から"}).status_code == 409
    assert (row(review)["student_notes"], row(review)["host_notes"]) == ("試作品が完成", "")


@pytest.mark.parametrize("status", [P.COMPLETED, P.ENDED_EARLY])
def test_an_ended_placement_refuses_the_parties_own_part(client, status):
    review, student, *_rest = review_of(status)
    with pytest.raises(InvalidTransition):
        services.review_record(review=review, actor=student, part="student", notes="後から")
    client.force_login(student)
    assert client.get(f"/reviews/{review.pk}/").status_code == 200
    assert client.post(f"/reviews/{review.pk}/", {"notes": "後から"}).status_code == 409
    assert row(review)["student_notes"] == ""
    # The entry's page no longer asks for the part either.
    entry = client.get(f"/me/entries/{review.placement.application_id}/").content.decode()
    assert f'href="/reviews/{review.pk}/"' in entry and "still to write" not in entry


def test_the_entry_page_asks_for_the_part_of_an_open_review_only(client, django_assert_num_queries):
    review, student, *_rest = review_of()
    client.force_login(student)
    entry = f"/me/entries/{review.placement.application_id}/"
    assert "Your part is still to write" in client.get(entry).content.decode()
    # The reviews come through the placement: reading each one's placement costs no query.
    placement = review.placement
    with django_assert_num_queries(1):
        assert all(r.is_open_for_parts() for r in placement.reviews.all())


def test_a_placement_not_started_takes_no_part():
    placement, student, _member, coordinator = placement_in(P.PREPARING)
    review = services.review_plan_set(placement=placement, actor=coordinator, every_weeks=4)[0]
    with pytest.raises(InvalidTransition):
        services.review_record(review=review, actor=student, part="student", notes="まだ")
    with pytest.raises(InvalidTransition):
        services.review_host_link_issue(review=review, actor=coordinator)


def test_the_coordinator_still_corrects_their_part_of_a_held_review():
    review, *_rest, coordinator = review_of()
    hold(review, coordinator)
    services.review_record(
        review=review, actor=coordinator, part="coordinator", notes="訂正", health="at_risk"
    )
    assert row(review)["coordinator_notes"] == "訂正"


# The admin ---------------------------------------------------------------------------------------


def test_viewing_the_admin_page_mints_nothing_and_shows_the_same_link(client):
    review, _student, _member, coordinator = review_of()
    token = services.review_host_link_issue(review=review, actor=coordinator)
    before = row(review)
    client.force_login(coordinator)

    first = client.get(f"{REVIEWS}{review.pk}/change/").content.decode()
    second = client.get(f"{REVIEWS}{review.pk}/change/").content.decode()

    url = f'value="http://testserver{link(token)}"'
    assert url in first and url in second
    assert row(review) == before
    review.refresh_from_db()
    until = timezone.localtime(review.host_link_valid_until)
    assert f"Valid until {until:%Y-%m-%d %H:%M}." in first
    assert BUTTON.format(ISSUE) in first and BUTTON.format(REVOKE) in first
    assert "Issue a new link (the old one stops working)" in first
    assert "Whoever has it can write the host" in first


def test_without_a_live_link_the_admin_offers_to_issue_one(client):
    review, _student, _member, coordinator = review_of()
    client.force_login(coordinator)

    html = client.get(f"{REVIEWS}{review.pk}/change/").content.decode()

    assert "/reviews/link/" not in html
    assert "Issue a link" in html and BUTTON.format(ISSUE) in html
    assert BUTTON.format(REVOKE) not in html
    assert row(review)["host_token"] is None


def test_the_admin_buttons_issue_reissue_and_revoke(client):
    review, _student, _member, coordinator = review_of()
    client.force_login(coordinator)

    issued = admin_action(client, review, ISSUE)
    assert levels_for(issued, review) == [levels.SUCCESS]
    review.refresh_from_db()
    first = services.review_host_link_token(review)
    assert first and review.host_link_issued_by == coordinator
    assert f"http://testserver{link(first)}" in issued.content.decode()

    admin_action(client, review, ISSUE)
    review.refresh_from_db()
    second = services.review_host_link_token(review)
    assert second != first
    assert client.get(link(first)).status_code == 404

    revoked = admin_action(client, review, REVOKE)
    assert levels_for(revoked, review) == [levels.SUCCESS]
    review.refresh_from_db()
    assert review.host_token is None and review.host_link_revoked_by == coordinator
    assert client.get(link(second)).status_code == 404
    assert "/reviews/link/" not in revoked.content.decode()


def test_the_admin_refuses_to_issue_for_a_held_review(client):
    review, _student, _member, coordinator = review_of()
    hold(review, coordinator)
    client.force_login(coordinator)

    page = client.get(f"{REVIEWS}{review.pk}/change/").content.decode()
    refused = admin_action(client, review, ISSUE)

    assert BUTTON.format(ISSUE) not in page
    assert [level for level, _text in messages_of(refused)] == [levels.ERROR]
    assert row(review)["host_token"] is None


def test_a_coordinator_of_another_region_gets_404_in_the_admin(client):
    review, _student, _member, coordinator = review_of()
    services.review_host_link_issue(review=review, actor=coordinator)
    before = row(review)
    client.force_login(appoint(RegionFactory()))

    assert client.get(f"{REVIEWS}{review.pk}/change/").status_code == 404
    for action in (ISSUE, REVOKE):
        data = {CHANGE_FORM_ACTION: action, "_selected_action": review.pk}
        assert client.post(f"{REVIEWS}{review.pk}/change/", data).status_code == 404
    assert row(review) == before
