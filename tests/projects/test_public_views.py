"""The public pages: project index, project page, region pages, feed, sitemap, robots.txt."""

import datetime as dt
import os
import re
import xml.etree.ElementTree as ET
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects.models import Project
from tests.factories import (
    CoordinatorFactory,
    HostOrganizationFactory,
    RegionFactory,
    TermFactory,
    ThemeFactory,
    UserFactory,
)
from tests.flow import project_in

pytestmark = pytest.mark.django_db
S = Project.Status
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
INDEX = reverse("projects:project-list")
MAX_QUERIES = 8


def _detail(project) -> str:
    return reverse("projects:project-detail", args=[project.pk])


def _published(n: int, **kwargs) -> list[Project]:
    """n published projects, each with its own host, region and two themes."""
    projects = []
    for _ in range(n):
        project = project_in(S.PUBLISHED, **kwargs)[0]
        project.themes.add(ThemeFactory(), ThemeFactory())
        projects.append(project)
    return projects


def _meta(html: str, key: str) -> str | None:
    match = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', html)
    return unescape(match.group(1)) if match else None


def _card(html: str, title: str) -> str:
    """The <article> of the project card that carries `title`."""
    return next(part for part in html.split("<article")[1:] if title in part)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# --------------------------------------------------------------------------------------
# The index
# --------------------------------------------------------------------------------------


def test_index_lists_published_and_closed_projects_and_marks_closed_ones(client):
    published = project_in(S.PUBLISHED, title="公開中のプロジェクト")[0]
    closed = project_in(S.CLOSED, title="募集を終えたプロジェクト")[0]
    draft = project_in(S.DRAFT, title="下書きのプロジェクト")[0]
    response = client.get(INDEX)
    html = response.content.decode()
    assert response.status_code == 200
    assert published.title in html and closed.title in html
    assert draft.title not in html
    assert "募集終了" in _card(html, closed.title)
    open_card = _card(html, published.title)
    assert "募集中" in open_card and "募集終了" not in open_card


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("region=kushiro", {"remote"}),
        ("season=spring", {"remote"}),
        ("term={spring}", {"remote"}),
        ("duration=1-2", {"short"}),
        ("duration=6-12", {"remote"}),
        ("style=remote", {"remote"}),
        ("theme=tourism", {"short"}),
        ("kind=npo", {"remote"}),
        ("open=on", {"short"}),
        ("q=釧路湿原", {"remote"}),
        ("q=しれとこ観光", {"short"}),
        ("", {"short", "remote"}),
    ],
)
def test_index_filters_from_the_query_string(client, query, expected):
    kushiro = RegionFactory(slug="kushiro", name="釧路", name_en="Kushiro")
    spring = TermFactory(
        season="spring",
        year=2028,
        entry_opens_on=dt.date(2027, 11, 1),
        entry_closes_on=dt.date(2027, 12, 31),
        starts_on=dt.date(2028, 2, 1),
        ends_on=dt.date(2028, 12, 31),
    )
    short = project_in(
        S.PUBLISHED,
        organization=HostOrganizationFactory(name="しれとこ観光協会", kind="company"),
        duration_months=2,
        term=TermFactory(),
    )[0]
    short.themes.add(ThemeFactory(slug="tourism"))
    remote = project_in(
        S.CLOSED,
        organization=HostOrganizationFactory(name="NPO法人湿原の会", kind="npo", region=kushiro),
        title="釧路湿原の記録をデジタルで残す",
        duration_months=10,
        participation_style=Project.ParticipationStyle.REMOTE,
        term=spring,
    )[0]
    names = {"short": short, "remote": remote}
    response = client.get(f"{INDEX}?{query.format(spring=spring.pk)}")
    shown = {p.pk for p in response.context["projects"]}
    assert shown == {names[n].pk for n in expected}


def test_query_string_round_trips_into_the_form(client):
    region = RegionFactory(slug="hakodate", name="函館", name_en="Hakodate")
    term = TermFactory()
    ThemeFactory(slug="food", name="食・農業")
    query = (
        f"q=%E6%9C%9D%E5%B8%82&region={region.slug}&term={term.pk}&season=summer&duration=3-5"
        "&style=hybrid&theme=food&kind=npo&open=on&sort=deadline"
    )
    response = client.get(f"{INDEX}?{query}")
    form = response.context["form"]
    assert form["q"].value() == "朝市"
    assert form["region"].value() == "hakodate"
    assert form["term"].value() == str(term.pk)
    assert form["sort"].value() == "deadline"
    html = response.content.decode()
    assert 'value="朝市"' in html
    for name, value in [
        ("region", "hakodate"),
        ("term", str(term.pk)),
        ("season", "summer"),
        ("duration", "3-5"),
        ("style", "hybrid"),
        ("theme", "food"),
        ("kind", "npo"),
        ("sort", "deadline"),
    ]:
        select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
        assert re.search(rf'<option value="{re.escape(value)}" selected>', select), name
    assert re.search(r'<input type="checkbox" name="open"[^>]* checked', html)
    assert 'method="get"' in html
    # The filter panel is open on a phone when a filter in it is set.
    assert 'id="filter-panel"' in html and "collapse d-md-block show" in html


def test_index_paginates_by_twenty_and_keeps_the_query_in_page_links(client):
    _published(23, summary="流氷の町で観光をつくる")
    first = client.get(f"{INDEX}?q=流氷")
    assert len(first.context["projects"]) == 20
    assert first.context["page"].paginator.count == 23
    html = first.content.decode()
    assert "?q=%E6%B5%81%E6%B0%B7&amp;page=2" in html
    second = client.get(f"{INDEX}?q=流氷&page=2")
    assert len(second.context["projects"]) == 3
    assert not {p.pk for p in first.context["projects"]} & {
        p.pk for p in second.context["projects"]
    }


def test_a_page_past_the_end_shows_the_last_page_and_garbage_the_first(client):
    _published(21)
    past = client.get(f"{INDEX}?page=99")
    assert past.status_code == 200
    assert past.context["page"].number == 2
    assert len(past.context["projects"]) == 1
    assert client.get(f"{INDEX}?page=abc").context["page"].number == 1


def test_index_sorts_by_the_sort_parameter(client):
    long_one = project_in(S.PUBLISHED, duration_months=12)[0]
    short_one = project_in(S.PUBLISHED, duration_months=1)[0]
    newest = [p.pk for p in client.get(INDEX).context["projects"]]
    shortest = [p.pk for p in client.get(f"{INDEX}?sort=short").context["projects"]]
    longest = [p.pk for p in client.get(f"{INDEX}?sort=long").context["projects"]]
    assert newest == [short_one.pk, long_one.pk]
    assert shortest == [short_one.pk, long_one.pk]
    assert longest == [long_one.pk, short_one.pk]


def test_index_query_count_is_the_same_for_3_and_30_projects(client, django_assert_max_num_queries):
    _published(3)
    few = _queries(client, f"{INDEX}?sort=deadline")
    _published(27)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(f"{INDEX}?sort=deadline")
    assert len(response.context["projects"]) == 20
    many = _queries(client, f"{INDEX}?sort=deadline")
    assert few == many <= MAX_QUERIES


def test_signed_in_index_query_count_is_constant_too(client):
    # Signing in adds the session, the user and the header's bell: a fixed few, not per row.
    client.force_login(UserFactory())
    _published(3)
    few = _queries(client, INDEX)
    _published(27)
    assert few == _queries(client, INDEX) <= MAX_QUERIES + 4


def test_filtered_index_query_count_stays_constant(client, django_assert_max_num_queries):
    region = RegionFactory(slug="asahikawa")
    theme = ThemeFactory(slug="craft")
    url = f"{INDEX}?region=asahikawa&theme=craft&term={TermFactory().pk}&q=プロジェクト&open=on"
    for project in _published(3, organization=HostOrganizationFactory(region=region)):
        project.themes.add(theme)
    few = _queries(client, url)
    for project in _published(27, organization=HostOrganizationFactory(region=region)):
        project.themes.add(theme)
    with django_assert_max_num_queries(MAX_QUERIES):
        assert len(client.get(url).context["projects"]) == 20
    assert few == _queries(client, url) <= MAX_QUERIES


# --------------------------------------------------------------------------------------
# A project's page
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status",
    [S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED, S.APPROVED, S.IN_PROGRESS, S.CANCELLED],
)
def test_a_project_that_is_not_public_gives_404(client, status):
    project = project_in(status)[0]
    assert client.get(_detail(project)).status_code == 404


def test_an_unknown_id_gives_404(client):
    assert client.get(reverse("projects:project-detail", args=[987654])).status_code == 404


def test_published_project_page_shows_what_a_student_needs_and_the_entry_button(client):
    deadline = timezone.now() + dt.timedelta(days=20)
    project = project_in(
        S.PUBLISHED,
        organization=HostOrganizationFactory(
            name="株式会社オホーツク流氷堂",
            industry="食品製造",
            website="https://ryuhyo.example.jp/",
            description="網走で三代続く菓子店です。",
        ),
        challenge="冬の観光客が減っている",
        outcomes="新商品3点の発売",
        participation_style=Project.ParticipationStyle.HYBRID,
        commute_days_per_week=3,
        location="網走市",
        housing_support="町営住宅を用意します",
        travel_support="月2往復まで支給",
        stipend="月5万円",
        capacity=2,
        pre_assignment_brief="網走の冬の魅力を一つ書いてください",
        entry_deadline=deadline,
    )[0]
    project.themes.add(ThemeFactory(name="観光"))
    coordinator = CoordinatorFactory(region=project.region, name="北野 あかり")
    response = client.get(_detail(project))
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        project.title,
        project.vision,
        "冬の観光客が減っている",
        project.intern_role,
        "新商品3点の発売",
        "6か月",
        "ハイブリッド",
        "週3日",
        "網走市",
        "町営住宅を用意します",
        "月2往復まで支給",
        "月5万円",
        "2名",
        "網走の冬の魅力を一つ書いてください",
        "#観光",
        "株式会社オホーツク流氷堂",
        "食品製造",
        "https://ryuhyo.example.jp/",
        "網走で三代続く菓子店です。",
        coordinator.name,
    ]:
        assert text in html, text
    assert coordinator.email not in html
    entry_url = reverse("applicants:entry-create", args=[project.pk])
    assert f'href="{entry_url}"' in html
    assert 'data-testid="entry-closed"' not in html


def test_closed_project_page_shows_entry_closed_and_no_entry_button(client):
    project = project_in(S.CLOSED)[0]
    response = client.get(_detail(project))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("applicants:entry-create", args=[project.pk]) not in html
    assert 'data-testid="entry-closed"' in html
    assert "募集終了" in html


def test_published_project_past_its_deadline_shows_no_entry_button(client):
    project = project_in(S.PUBLISHED, entry_deadline=timezone.now() - dt.timedelta(hours=1))[0]
    html = client.get(_detail(project)).content.decode()
    assert reverse("applicants:entry-create", args=[project.pk]) not in html
    assert 'data-testid="entry-closed"' in html


def test_project_page_has_open_graph_and_twitter_card_tags(client):
    project = project_in(S.PUBLISHED, summary="函館の朝市から全国へ")[0]
    html = client.get(_detail(project)).content.decode()
    url = f"http://testserver{_detail(project)}"
    assert _meta(html, "og:title") == project.title
    assert _meta(html, "og:description") == "函館の朝市から全国へ"
    assert _meta(html, "og:url") == url
    assert _meta(html, "og:type") == "article"
    assert _meta(html, "og:site_name") == "北海道チャレンジコミュニティ"
    assert _meta(html, "og:locale") == "ja_JP"
    assert _meta(html, "og:locale:alternate") == "en_US"
    assert _meta(html, "og:image") == "http://testserver/static/img/og-default.png"
    assert _meta(html, "twitter:card") == "summary_large_image"
    assert _meta(html, "twitter:title") == project.title
    assert _meta(html, "twitter:description") == "函館の朝市から全国へ"
    assert f'<link rel="canonical" href="{url}">' in html


# Every public page, with what its share card should say (url name, args).
PUBLIC_PAGES = [
    ("programs:home", ()),
    ("programs:for-hosts", ()),
    ("programs:for-students", ()),
    ("programs:pamphlet", ()),
    ("programs:pamphlet-request", ()),
    ("programs:inquiry-create", ()),
    ("programs:privacy", ()),
    ("projects:project-list", ()),
    ("projects:region-list", ()),
    ("projects:region-detail", ("kitami",)),
    ("projects:project-detail", None),
]


def _title(html: str) -> str:
    """The page's own title: the <title> without the site-wide suffix."""
    title = unescape(re.search(r"<title>(.*?)</title>", html, re.S).group(1))
    return title.rsplit(" | ", 1)[0]


@pytest.mark.parametrize(
    ("language", "locale", "alternate"), [("ja", "ja_JP", "en_US"), ("en", "en_US", "ja_JP")]
)
@pytest.mark.parametrize(("name", "args"), PUBLIC_PAGES)
def test_every_public_page_has_its_share_card(client, name, args, language, locale, alternate):
    region = RegionFactory(slug="kitami", name="北見", name_en="Kitami", description="ハッカのまち")
    project = project_in(S.PUBLISHED, organization=HostOrganizationFactory(region=region))[0]
    path = reverse(name, args=(project.pk,) if args is None else args)
    client.cookies["django_language"] = language
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    title, description = _title(html), _meta(html, "description")
    assert title and description
    assert _meta(html, "og:title") == _meta(html, "twitter:title") == title
    assert _meta(html, "og:description") == _meta(html, "twitter:description") == description
    assert _meta(html, "og:url") == f"http://testserver{path}"
    assert f'<link rel="canonical" href="http://testserver{path}">' in html
    expected_type = "article" if name == "projects:project-detail" else "website"
    assert _meta(html, "og:type") == expected_type
    assert _meta(html, "og:site_name")
    assert (_meta(html, "og:locale"), _meta(html, "og:locale:alternate")) == (locale, alternate)
    assert _meta(html, "og:image") == "http://testserver/static/img/og-default.png"
    assert (_meta(html, "og:image:width"), _meta(html, "og:image:height")) == ("1200", "630")
    assert _meta(html, "twitter:card") == "summary_large_image"
    assert 'name="robots"' not in html


def test_the_share_image_is_a_small_png_of_the_declared_size():
    from django.contrib.staticfiles import finders
    from PIL import Image

    path = finders.find("img/og-default.png")
    assert path, "static/img/og-default.png is missing"
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.size == (1200, 630)
    assert os.path.getsize(path) < 100_000


def test_project_page_is_in_english_when_asked(client):
    project = project_in(S.CLOSED)[0]
    client.cookies["django_language"] = "en"
    html = client.get(_detail(project)).content.decode()
    assert "Entry closed" in html and "The host" in html


def test_project_page_query_count_is_constant(client, django_assert_max_num_queries):
    project = _published(1)[0]
    few = _queries(client, _detail(project))
    project.themes.add(*[ThemeFactory() for _ in range(5)])
    for _ in range(5):
        CoordinatorFactory(region=project.region)
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(_detail(project))
    assert few == _queries(client, _detail(project)) <= MAX_QUERIES


# --------------------------------------------------------------------------------------
# Regions
# --------------------------------------------------------------------------------------


def test_region_page_shows_description_coordinators_and_only_open_projects(client):
    region = RegionFactory(slug="kitami", name="北見", description="玉ねぎとハッカのまち")
    org = HostOrganizationFactory(region=region)
    open_one = project_in(S.PUBLISHED, organization=org, title="募集中の北見プロジェクト")[0]
    closed = project_in(S.CLOSED, organization=org, title="締切済の北見プロジェクト")[0]
    late = project_in(
        S.PUBLISHED,
        organization=org,
        title="期限切れの北見プロジェクト",
        entry_deadline=timezone.now() - dt.timedelta(days=1),
    )[0]
    elsewhere = project_in(S.PUBLISHED, title="他の地域のプロジェクト")[0]
    coordinator = CoordinatorFactory(region=region, name="大地 ひかる")
    response = client.get(reverse("projects:region-detail", args=["kitami"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "玉ねぎとハッカのまち" in html
    assert coordinator.name in html and coordinator.email not in html
    assert open_one.title in html
    for project in (closed, late, elsewhere):
        assert project.title not in html
    assert _meta(html, "og:url") == "http://testserver/regions/kitami/"


def test_unknown_region_gives_404(client):
    assert client.get(reverse("projects:region-detail", args=["atlantis"])).status_code == 404


def test_region_list_links_every_region_with_its_open_count(client):
    sapporo = RegionFactory(slug="sapporo", name="札幌")
    RegionFactory(slug="hakodate", name="函館")
    _published(2, organization=HostOrganizationFactory(region=sapporo))
    response = client.get(reverse("projects:region-list"))
    html = response.content.decode()
    assert reverse("projects:region-detail", args=["sapporo"]) in html
    assert reverse("projects:region-detail", args=["hakodate"]) in html
    counts = {r.slug: r.open_count for r in response.context["regions"]}
    assert counts["sapporo"] == 2 and counts["hakodate"] == 0


def test_region_page_query_count_is_the_same_for_3_and_30_projects(
    client, django_assert_max_num_queries
):
    region = RegionFactory(slug="obihiro")
    url = reverse("projects:region-detail", args=["obihiro"])
    _published(3, organization=HostOrganizationFactory(region=region))
    CoordinatorFactory(region=region, name="十勝 はるか")
    few = _queries(client, url)
    for _ in range(27):
        _published(1, organization=HostOrganizationFactory(region=region))
    CoordinatorFactory(region=region, name="帯広 そら")
    with django_assert_max_num_queries(MAX_QUERIES):
        assert len(client.get(url).context["projects"]) == 20
    assert few == _queries(client, url) <= MAX_QUERIES


def test_region_list_query_count_is_constant(client, django_assert_max_num_queries):
    _published(3)
    few = _queries(client, reverse("projects:region-list"))
    _published(10)
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(reverse("projects:region-list"))
    assert few == _queries(client, reverse("projects:region-list"))


# --------------------------------------------------------------------------------------
# Feed, sitemap, robots.txt
# --------------------------------------------------------------------------------------


def test_feed_is_atom_with_the_newly_published_project(client):
    project = _published(1, summary="道東の牧場から")[0]
    closed = project_in(S.CLOSED)[0]
    draft = project_in(S.DRAFT)[0]
    response = client.get(reverse("projects:project-feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own response)
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}title").text
    assert root.find(f"{ATOM}updated") is not None
    entries = root.findall(f"{ATOM}entry")
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    assert f"http://testserver{_detail(project)}" in links
    assert f"http://testserver{_detail(draft)}" not in links
    assert f"http://testserver{_detail(closed)}" not in links
    entry = entries[links.index(f"http://testserver{_detail(project)}")]
    assert entry.find(f"{ATOM}title").text == project.title
    assert entry.find(f"{ATOM}summary").text == "道東の牧場から"
    assert entry.find(f"{ATOM}id").text
    assert entry.find(f"{ATOM}published") is not None
    assert entry.find(f"{ATOM}author/{ATOM}name").text == project.organization.name


def test_feed_query_count_is_constant(client, django_assert_max_num_queries):
    _published(2)
    few = _queries(client, reverse("projects:project-feed"))
    _published(10)
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(reverse("projects:project-feed"))
    assert few == _queries(client, reverse("projects:project-feed"))


def test_sitemap_lists_public_projects_regions_and_static_pages(client):
    published = project_in(S.PUBLISHED)[0]
    closed = project_in(S.CLOSED)[0]
    draft = project_in(S.DRAFT)[0]
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 (our own response)
    locs = {u.find(f"{SITEMAP}loc").text for u in root.findall(f"{SITEMAP}url")}
    base = "http://testserver"
    assert f"{base}{_detail(published)}" in locs
    assert f"{base}{_detail(closed)}" in locs
    assert f"{base}{_detail(draft)}" not in locs
    assert f"{base}/" in locs and f"{base}{INDEX}" in locs
    assert f"{base}/regions/{published.region.slug}/" in locs
    for name, args in PUBLIC_PAGES:
        if args == ():
            assert f"{base}{reverse(name)}" in locs, name
    # Thank-you pages follow a form; they are not pages to find.
    assert f"{base}{reverse('programs:inquiry-done')}" not in locs


def test_robots_txt_points_at_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()


def test_index_and_pages_carry_no_inline_script_or_style(client):
    project = _published(1)[0]
    user = UserFactory()
    client.force_login(user)
    for url in (INDEX, _detail(project), reverse("projects:region-list")):
        html = client.get(url).content.decode()
        assert "<script>" not in html and " style=" not in html and "<style" not in html
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
