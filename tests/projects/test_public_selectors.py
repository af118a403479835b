"""The public index's reads: filters, Japanese search, sorting, and no lazy loads per row."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import FieldFetchBlocked
from django.core.paginator import Paginator
from django.db import models
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from projects.forms_public import ProjectSearchForm
from projects.models import Project
from projects.selectors import public as selectors
from projects.selectors.public import ProjectFilters
from tests.factories import (
    HostOrganizationFactory,
    RegionFactory,
    TermFactory,
    ThemeFactory,
    UserFactory,
)
from tests.flow import project_in

pytestmark = pytest.mark.django_db
S = Project.Status
STYLE = Project.ParticipationStyle


def _ids(qs) -> list[int]:
    return [p.pk for p in qs]


@pytest.fixture
def catalogue():
    """Three public projects that differ in every filter, and non-public ones that never show."""
    now = timezone.now()
    kitami = RegionFactory(slug="kitami", name="北見", name_en="Kitami")
    obihiro = RegionFactory(slug="obihiro", name="帯広", name_en="Obihiro")
    summer = TermFactory(season="summer", year=2027)
    spring = TermFactory(
        season="spring",
        year=2028,
        entry_opens_on=dt.date(2027, 11, 1),
        entry_closes_on=dt.date(2027, 12, 31),
        starts_on=dt.date(2028, 2, 1),
        ends_on=dt.date(2028, 9, 30),
    )
    food = ThemeFactory(slug="food", name="食・農業", name_en="Food")
    it = ThemeFactory(slug="it", name="IT・DX", name_en="IT")

    onion, *_ = project_in(
        S.PUBLISHED,
        organization=HostOrganizationFactory(
            name="ハッカ記念農園株式会社", kind="company", region=kitami
        ),
        title="玉ねぎの新しい加工品をつくる",
        term=summer,
        duration_months=2,
        participation_style=STYLE.COMMUTE,
        location="北見市留辺蘂町",
        entry_deadline=now + dt.timedelta(days=10),
    )
    onion.themes.add(food)
    app, *_ = project_in(
        S.PUBLISHED,
        organization=HostOrganizationFactory(name="NPO法人とかちラボ", kind="npo", region=obihiro),
        title="ＩＴで酪農家の記録をらくにするアプリ",
        term=spring,
        duration_months=4,
        participation_style=STYLE.REMOTE,
        location="帯広市",
        entry_deadline=now - dt.timedelta(days=1),  # published, but its deadline has passed
    )
    app.themes.add(it)
    town, *_ = project_in(
        S.CLOSED,
        organization=HostOrganizationFactory(
            name="訓子府町役場", kind="municipality", region=kitami
        ),
        title="移住者を迎える町の仕組みづくり",
        term=spring,
        duration_months=9,
        participation_style=STYLE.RESIDENTIAL,
        location="訓子府町",
    )
    town.themes.add(food, it)
    hidden = [
        project_in(status, organization=HostOrganizationFactory(region=kitami), term=summer)[0]
        for status in (S.DRAFT, S.SUBMITTED, S.APPROVED, S.IN_PROGRESS, S.CANCELLED)
    ]
    for project in hidden:
        project.themes.add(food, it)
    return {
        "onion": onion,
        "app": app,
        "town": town,
        "hidden": hidden,
        "kitami": kitami,
        "obihiro": obihiro,
        "summer": summer,
        "spring": spring,
        "food": food,
        "it": it,
    }


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, {"onion", "app", "town"}),
        ({"region": "kitami"}, {"onion", "town"}),
        ({"region": "obihiro"}, {"app"}),
        ({"term": "summer"}, {"onion"}),
        ({"term": "spring"}, {"app", "town"}),
        ({"season": "spring"}, {"app", "town"}),
        ({"season": "summer"}, {"onion"}),
        ({"duration": "1-2"}, {"onion"}),
        ({"duration": "3-5"}, {"app"}),
        ({"duration": "6-12"}, {"town"}),
        ({"style": STYLE.REMOTE}, {"app"}),
        ({"style": STYLE.RESIDENTIAL}, {"town"}),
        ({"style": STYLE.HYBRID}, set()),
        ({"theme": "food"}, {"onion", "town"}),
        ({"theme": "it"}, {"app", "town"}),
        ({"kind": "npo"}, {"app"}),
        ({"kind": "municipality"}, {"town"}),
        ({"open_only": True}, {"onion"}),
        ({"region": "kitami", "theme": "it"}, {"town"}),
        ({"region": "kitami", "open_only": True}, {"onion"}),
    ],
)
def test_each_filter_narrows_the_index_to_public_projects(catalogue, filters, expected):
    # Regions, terms and themes are named by their key in the catalogue.
    kwargs = {
        k: (catalogue[v] if k in ("region", "term", "theme") else v) for k, v in filters.items()
    }
    found = set(_ids(selectors.project_index(ProjectFilters(**kwargs))))
    assert found == {catalogue[name].pk for name in expected}


def test_only_published_and_closed_projects_are_public(catalogue):
    found = _ids(selectors.public_projects())
    assert set(found) == {catalogue[n].pk for n in ("onion", "app", "town")}
    assert not set(found) & {p.pk for p in catalogue["hidden"]}


def test_a_theme_filter_never_lists_a_project_twice(catalogue):
    both = selectors.project_index(ProjectFilters(theme=catalogue["food"]))
    assert len(_ids(both)) == len(set(_ids(both)))


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("玉ねぎ", {"onion"}),  # a substring of the title
        ("加工品", {"onion"}),
        ("ハッカ記念", {"onion"}),  # a substring of the organisation's name
        ("とかちラボ", {"app"}),
        ("訓子府", {"town"}),  # title, organisation and location
        ("留辺蘂", {"onion"}),  # the location only
        ("生産者", {"onion", "app", "town"}),  # the summary (the same on every project)
        ("責任者", {"onion", "app", "town"}),  # the intern's role
        ("玉ねぎ　帯広", set()),  # terms split on the ideographic space, all must match
        ("玉ねぎ　ハッカ", {"onion"}),
        ("IT", {"app"}),  # half-width finds the full-width title
        ("ｉｔ", {"app"}),  # full-width lower case too (NFKC, then both widths)
        ("npo法人", {"app"}),
        ("存在しない言葉", set()),
    ],
)
def test_japanese_search_finds_substrings(catalogue, q, expected):
    found = set(_ids(selectors.project_index(ProjectFilters(q=q))))
    assert found == {catalogue[name].pk for name in expected}


def test_search_terms_fold_widths_and_split_on_any_space():
    assert selectors.search_terms("  玉ねぎ　ＩＴ ｶﾌｪ ") == ["玉ねぎ", "IT", "カフェ"]
    assert selectors.search_terms("") == []
    assert len(selectors.search_terms(" ".join("abcdefgh"))) == 5


def test_sort_by_deadline_puts_open_projects_first_soonest_first():
    now = timezone.now()
    later = project_in(S.PUBLISHED, entry_deadline=now + dt.timedelta(days=30))[0]
    closed = project_in(S.CLOSED, entry_deadline=now - dt.timedelta(days=3))[0]
    no_deadline = project_in(S.PUBLISHED)[0]
    soon = project_in(S.PUBLISHED, entry_deadline=now + dt.timedelta(days=2))[0]
    found = _ids(selectors.project_index(ProjectFilters(sort=selectors.SORT_DEADLINE)))
    assert found == [soon.pk, later.pk, no_deadline.pk, closed.pk]


def test_sort_by_duration_and_by_newest():
    six = project_in(S.PUBLISHED, duration_months=6)[0]
    one = project_in(S.PUBLISHED, duration_months=1)[0]
    twelve = project_in(S.PUBLISHED, duration_months=12)[0]
    assert _ids(selectors.project_index(ProjectFilters(sort=selectors.SORT_SHORTEST))) == [
        one.pk,
        six.pk,
        twelve.pk,
    ]
    assert _ids(selectors.project_index(ProjectFilters(sort=selectors.SORT_LONGEST))) == [
        twelve.pk,
        six.pk,
        one.pk,
    ]
    # Published one after the other: the last one published comes first.
    assert _ids(selectors.project_index(ProjectFilters())) == [twelve.pk, one.pk, six.pk]


def test_form_ignores_unknown_values_instead_of_failing(catalogue):
    form = ProjectSearchForm({"region": "atlantis", "duration": "99", "theme": "food"})
    filters = form.filters()
    assert filters.region is None
    assert filters.duration == ""
    assert filters.theme == catalogue["food"]


def test_region_coordinators_show_only_active_named_people():
    region = RegionFactory()
    named = UserFactory(name="佐藤 みなみ")
    nameless = UserFactory(name="")
    gone = UserFactory(name="元 コーディネーター", is_active=False)
    region.coordinators.add(named, nameless, gone)
    assert selectors.region_coordinators(region) == [named]


def test_regions_count_only_open_projects(catalogue):
    counts = {r.slug: r.open_count for r in selectors.regions_with_open_counts()}
    # Kitami: the onion project is open, the town project is closed; Obihiro's is past deadline.
    assert counts["kitami"] == 1
    assert counts["obihiro"] == 0


def test_fetch_raise_proves_a_missing_select_related_would_be_caught(catalogue):
    bare = Project.objects.filter(status=S.PUBLISHED).fetch_mode(models.FETCH_RAISE)
    with pytest.raises(FieldFetchBlocked):
        [p.organization.name for p in bare]


def _anonymous(path: str):
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    return request


def test_index_template_renders_under_fetch_raise(catalogue):
    qs = selectors.project_index(ProjectFilters()).fetch_mode(models.FETCH_RAISE)
    page = Paginator(qs, 20).get_page(1)
    form = ProjectSearchForm()
    html = render_to_string(
        "projects/public/project_list.html",
        {
            "form": form,
            "panel_fields": [form[n] for n in form.PANEL_FIELDS],
            "page": page,
            "projects": page.object_list,
        },
        request=_anonymous("/projects/"),
    )
    for name in ("onion", "app", "town"):
        assert catalogue[name].title in html
    assert "ハッカ記念農園株式会社" in html


def test_region_template_renders_under_fetch_raise(catalogue):
    region = catalogue["kitami"]
    qs = selectors.region_open_projects(region).fetch_mode(models.FETCH_RAISE)
    page = Paginator(qs, 20).get_page(1)
    html = render_to_string(
        "projects/public/region_detail.html",
        {
            "region": region,
            "coordinators": selectors.region_coordinators(region),
            "page": page,
            "projects": page.object_list,
        },
        request=_anonymous(f"/regions/{region.slug}/"),
    )
    assert catalogue["onion"].title in html
    assert catalogue["town"].title not in html  # closed: not on the region's open list
