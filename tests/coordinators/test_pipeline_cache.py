"""The pipeline board's and funnel's cached data: served again, dropped on every change."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applicants import services as applicant_services
from coordinators import selectors
from coordinators import services as coordinator_services
from coordinators.models import ReviewSession
from projects.models import Project
from tests.coordinators.test_dashboards import (
    activate,
    appoint,
    at,
    clock,
    make_entry,
    make_host,
    make_inquiry,
    make_lead,
    walk_project,
)
from tests.factories import RegionFactory, TermFactory

pytestmark = pytest.mark.django_db

# What a request reads besides the board's or funnel's data: the session, the user, the
# region (with the user's right to it) and the terms of the filter.
FRAME_TABLES = ("django_session", "accounts_user", "programs_region", "programs_term")


@pytest.fixture
def world():
    """A region with a lead, a published project with a waiting and an active entry (with a
    review due), and a host whose project is approved but not published yet."""
    region = RegionFactory(name="札幌")
    coordinator = appoint(region)
    with clock(at(0)):
        make_lead(region, coordinator, "new", "最初のリード")
        _host, project = make_host(region, coordinator, Project.Status.PUBLISHED, "募集先")
        waiting = make_entry(project, coordinator, "submitted", "待ちさん")
        placement = activate(make_entry(project, coordinator, "accepted", "実施さん"), coordinator)
        review = ReviewSession.objects.create(placement=placement, due_on=at(20).date())
        _host, approved = make_host(region, coordinator, Project.Status.APPROVED, "承認先")
    return {
        "region": region,
        "coordinator": coordinator,
        "project": project,
        "waiting": waiting,
        "placement": placement,
        "review": review,
        "approved": approved,
    }


def login(client, user) -> None:
    # Signed in on the tests' clock, so the session is still valid at their moments.
    with clock(at(1)):
        client.force_login(user)


def get(client, url, moment):
    """The response to `url` at `moment`, and the SQL it ran."""
    with clock(moment), CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries.captured_queries]


def numbers(client, region, moment, query=""):
    """Everything the two pages count, as the coordinator sees them."""
    board, _sql = get(client, f"/admin/pipeline/{region.slug}/{query}", moment)
    funnel, _sql = get(client, f"/admin/pipeline/{region.slug}/funnel/{query}", moment)
    b, f = board.context["board"], funnel.context["funnel"]
    # The columns as drawn (their HTML is cached too) say the same as the data.
    drawn = dict(re.findall(r'data-column="([\w-]+)" data-count="(\d+)"', board.content.decode()))
    assert drawn == {
        **{f"hosts-{c.key}": str(c.count) for c in b.host_columns},
        **{f"entries-{c.key}": str(c.count) for c in b.entry_columns},
    }
    return {
        **{f"host:{c.key}": c.count for c in b.host_columns},
        **{f"entry:{c.key}": c.count for c in b.entry_columns},
        **{f"count:{key}": value for key, value in b.counts.items()},
        **{f"funnel:{s.key}": s.count for s in f.stages},
        **{f"median:{d.key}": d.median for d in f.durations},
    }


def only_frame(sql: list[str]) -> bool:
    return all(any(table in query for table in FRAME_TABLES) for query in sql)


@pytest.mark.parametrize("page", ["", "funnel/"])
@pytest.mark.parametrize("with_term", [False, True])
def test_a_second_request_reads_only_the_frame_and_shows_the_same_data(
    world, client, page, with_term
):
    region = world["region"]
    query = f"?term={world['project'].term_id}" if with_term else ""
    url = f"/admin/pipeline/{region.slug}/{page}{query}"
    login(client, world["coordinator"])
    first, first_sql = get(client, url, at(1))
    second, second_sql = get(client, url, at(1) + dt.timedelta(minutes=1))
    assert not only_frame(first_sql)
    assert only_frame(second_sql) and len(second_sql) <= 4, second_sql
    key = "funnel" if page else "board"
    computed, cached = first.context[key], second.context[key]
    assert cached.now == computed.now
    # The request's own region and term are put back into what the cache returns.
    assert cached.region is second.context["region"] and cached.term == second.context["term"]
    if page:
        assert cached.stages == computed.stages and cached.durations == computed.durations
    else:
        assert cached.host_columns == computed.host_columns
        assert cached.entry_columns == computed.entry_columns
        assert cached.counts == computed.counts


def finish_placement(w):
    coordinator_services.placement_finish(placement=w["placement"], actor=w["coordinator"])


def hold_review_at_risk(w):
    coordinator_services.review_record(
        review=w["review"],
        actor=w["coordinator"],
        part="coordinator",
        notes="遅れ",
        health="at_risk",
    )


CHANGES = {
    "new entry": (
        lambda w: make_entry(w["project"], w["coordinator"], "submitted", "新しい学生"),
        {"entry:submitted": 1, "funnel:entries": 1},
    ),
    "entry moved on": (
        lambda w: applicant_services.application_screen(
            application=w["waiting"], actor=w["coordinator"]
        ),
        {"entry:submitted": -1, "entry:screening": 1},
    ),
    "placement completed": (finish_placement, {"funnel:completed": 1}),
    "review held at risk": (hold_review_at_risk, {"count:reviews_at_risk": 1}),
    "new lead": (
        lambda w: make_lead(w["region"], w["coordinator"], "new", "新しいリード"),
        {"host:pamphlet": 1, "funnel:leads": 1},
    ),
    "new inquiry": (
        lambda w: make_inquiry(w["region"], w["coordinator"], "new", "新しい相談"),
        {"host:consultation": 1, "funnel:inquiries": 1},
    ),
    "project published": (
        lambda w: walk_project(w["approved"], Project.Status.PUBLISHED, w["coordinator"]),
        {"funnel:published": 1},
    ),
}


@pytest.mark.parametrize("change", CHANGES)
def test_each_change_is_on_the_very_next_request(world, client, change):
    make_change, expected = CHANGES[change]
    login(client, world["coordinator"])
    before = numbers(client, world["region"], at(1))
    assert numbers(client, world["region"], at(1)) == before  # now from the cache
    with clock(at(1)):
        make_change(world)
    after = numbers(client, world["region"], at(1))
    moved = {
        key: after[key] - before[key]
        for key in before
        if after[key] != before[key] and key.startswith(("host:", "entry:", "count:", "funnel:"))
    }
    assert {key: moved.get(key) for key in expected} == expected, moved


def test_regions_and_terms_are_cached_apart(world, client):
    region = world["region"]
    other = RegionFactory(name="旭川")
    coordinator = world["coordinator"]
    coordinator_services.coordinator_appoint(user=coordinator, region=other)
    other_term = TermFactory(season="spring", year=2028)
    with clock(at(0)):
        make_lead(other, coordinator, "new", "旭川のリード")
    login(client, coordinator)
    here = numbers(client, region, at(1))
    there = numbers(client, other, at(1))
    assert (here["host:pamphlet"], there["host:pamphlet"]) == (1, 1)
    assert (here["entry:submitted"], there["entry:submitted"]) == (1, 0)
    in_term = numbers(client, region, at(1), f"?term={other_term.pk}")
    assert in_term["entry:submitted"] == 0 and in_term["funnel:entries"] == 0
    # Each one again, now from the cache, is still its own.
    assert numbers(client, region, at(1)) == here
    assert numbers(client, other, at(1)) == there
    assert numbers(client, region, at(1), f"?term={other_term.pk}") == in_term


def test_cached_data_lasts_the_timeout_then_the_clock_moves_the_flags(world, client, settings):
    settings.PIPELINE_CACHE_TIMEOUT = 300
    region = world["region"]
    url = f"/admin/pipeline/{region.slug}/"
    login(client, world["coordinator"])
    # The lead was asked for at at(0): not contacted for 3 days makes it overdue.
    just_before = at(3) - dt.timedelta(minutes=1)
    first, _sql = get(client, url, just_before)
    assert first.context["board"].counts["leads_not_contacted"] == 0
    within, sql = get(client, url, just_before + dt.timedelta(seconds=290))
    assert only_frame(sql)
    assert within.context["board"].counts["leads_not_contacted"] == 0
    assert within.context["board"].now == first.context["board"].now
    after, sql = get(client, url, just_before + dt.timedelta(seconds=310))
    assert not only_frame(sql)
    assert after.context["board"].counts["leads_not_contacted"] == 1
    assert after.context["board"].now > first.context["board"].now


def test_a_timeout_of_0_computes_every_request(world, client, settings):
    settings.PIPELINE_CACHE_TIMEOUT = 0
    login(client, world["coordinator"])
    for page in ("", "funnel/"):
        url = f"/admin/pipeline/{world['region'].slug}/{page}"
        _first, _sql = get(client, url, at(1))
        _second, sql = get(client, url, at(1))
        assert not only_frame(sql)


def test_the_pages_say_when_their_data_was_computed(world, client):
    login(client, world["coordinator"])
    for page in ("", "funnel/"):
        url = f"/admin/pipeline/{world['region'].slug}/{page}"
        # at(1) is 10:00 in Tokyo; a minute later the cached data is still "as of 10:00".
        for moment in (at(1), at(1) + dt.timedelta(minutes=1)):
            response, _sql = get(client, url, moment)
            html = response.content.decode()
            shown = re.search(r'class="help pipeline-as-of">([^<]*)<time datetime="([^"]+)"', html)
            assert shown and "10:00" in shown[1], html
            assert dt.datetime.fromisoformat(shown[2]) == at(1)


def test_with_the_cache_down_every_request_computes_and_is_current(world, client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.TolerantRedisCache",
            # Nothing listens on port 1: every cache call fails at once.
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    login(client, world["coordinator"])
    url = f"/admin/pipeline/{world['region'].slug}/"
    first, _sql = get(client, url, at(1))
    second, sql = get(client, url, at(1))
    assert not only_frame(sql)
    assert first.context["board"].counts == second.context["board"].counts
    with clock(at(1)):
        make_lead(world["region"], world["coordinator"], "new", "新しいリード")
    third, _sql = get(client, url, at(1))
    pamphlet = next(c for c in third.context["board"].host_columns if c.key == "pamphlet")
    assert pamphlet.count == 2


def test_the_cached_board_and_funnel_hold_no_model_instances(world):
    with clock(at(1)):
        selectors.cached_pipeline_board(region=world["region"])
        selectors.cached_pipeline_funnel(region=world["region"])
    version = selectors.pipeline_version()
    for kind in ("board", "funnel"):
        stored = cache.get(
            f"{selectors.PIPELINE_PREFIX}:{kind}:{world['region'].pk}:all:ja:{version}"
        )
        assert stored is not None and stored.region is None and stored.term is None
