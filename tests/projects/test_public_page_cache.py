"""The anonymous page cache of the public pages: served, invalidated, and never personal."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects import services as project_services
from projects.models import Project
from tests.factories import (
    CoordinatorFactory,
    HostMemberFactory,
    HostOrganizationFactory,
    ProjectFactory,
    RegionFactory,
    ThemeFactory,
    UserFactory,
)
from tests.flow import project_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]
S = Project.Status
INDEX = reverse("projects:project-list")


def _detail(project) -> str:
    return reverse("projects:project-detail", args=[project.pk])


def _get(client, url: str):
    """The response and the number of queries it took."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, len(ctx.captured_queries)


@pytest.fixture
def published():
    region = RegionFactory(slug="kitami", name="北見", name_en="Kitami")
    organization = HostOrganizationFactory(region=region, name="ハッカ記念農園")
    project = project_in(S.PUBLISHED, organization=organization, title="玉ねぎの加工品をつくる")[0]
    project.themes.add(ThemeFactory(slug="food", name="食", name_en="Food"))
    CoordinatorFactory(region=region, name="大地 ひかる")
    return project


def _urls(project) -> list[str]:
    return [
        INDEX,
        f"{INDEX}?q=玉ねぎ&region=kitami",
        f"{INDEX}?page=2",
        _detail(project),
        reverse("projects:region-list"),
        reverse("projects:region-detail", args=["kitami"]),
    ]


def test_second_anonymous_request_is_served_from_the_cache_with_no_query(client, published):
    for url in _urls(published):
        first, queries = _get(client, url)
        assert queries > 0
        second, queries = _get(client, url)
        assert queries == 0, url
        assert second.content == first.content
        assert second["Content-Type"] == first["Content-Type"]


def test_cached_page_carries_no_csrf_token_no_nonce_and_sets_no_cookie(client, published):
    for url in _urls(published):
        for response, _queries in (_get(client, url), _get(client, url)):
            html = response.content.decode()
            assert "csrfmiddlewaretoken" not in html, url
            assert not re.search(r'nonce="[^"]+"', html), url
            assert "nonce-" not in response["Content-Security-Policy"]
            assert not response.cookies, url
            # Nothing of a signed-in visitor: no logout form, no bell, no "my page".
            assert reverse("account_logout") not in html
            assert reverse("applicants:my-page") not in html
    # The pages' scripts still load: they are static files, allowed by 'self'.
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_language_switch_is_a_form_without_a_token(client, published):
    html = client.get(INDEX).content.decode()
    form = re.search(r'<form class="language-switch.*?</form>', html, re.S).group(0)
    assert f'action="{reverse("language-switch")}"' in form
    assert 'name="language" value="en"' in form and "csrf" not in form


def test_language_switch_works_without_a_csrf_token():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("language-switch"), {"language": "en", "next": INDEX})
    assert response.status_code == 302 and response["Location"] == INDEX
    assert response.cookies["django_language"].value == "en"
    assert '<html lang="en">' in client.get(INDEX).content.decode()


def test_language_switch_refuses_get_and_foreign_next():
    client = Client(enforce_csrf_checks=True)
    assert client.get(reverse("language-switch"), {"language": "en"}).status_code == 405
    response = client.post(
        reverse("language-switch"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_language_variants_are_cached_separately(client, published):
    ja, _ = _get(client, _detail(published))
    client.cookies["django_language"] = "en"
    en, queries = _get(client, _detail(published))
    assert queries > 0
    assert '<html lang="en">' in en.content.decode() and "Kitami" in en.content.decode()
    en_again, queries = _get(client, _detail(published))
    assert queries == 0 and en_again.content == en.content
    client.cookies["django_language"] = "ja"
    ja_again, queries = _get(client, _detail(published))
    assert queries == 0 and ja_again.content == ja.content
    assert '<html lang="ja">' in ja_again.content.decode()


def test_query_string_is_part_of_the_key(client, published):
    project_in(S.PUBLISHED, title="別の地域の酪農プロジェクト")
    everything, _ = _get(client, INDEX)
    searched, queries = _get(client, f"{INDEX}?q=玉ねぎ")
    assert queries > 0
    assert "別の地域の酪農プロジェクト" in everything.content.decode()
    assert "別の地域の酪農プロジェクト" not in searched.content.decode()


def test_signed_in_users_are_never_served_or_stored(client, published):
    anonymous, _ = _get(client, INDEX)
    user = UserFactory(name="山田 花子")
    client.force_login(user)
    signed_in, queries = _get(client, INDEX)
    assert queries > 0
    assert reverse("account_logout") in signed_in.content.decode()
    _, queries = _get(client, INDEX)
    assert queries > 0  # again rendered for them, not served from the cache
    # A page rendered for them never reaches an anonymous visitor.
    other = Client()
    for url in _urls(published):
        client.get(url)
        html = other.get(url).content.decode()
        assert reverse("account_logout") not in html and str(user) not in html
    assert other.get(INDEX).content == anonymous.content


def test_a_visitor_with_a_message_waiting_is_not_served_from_the_cache(client, published):
    _get(client, INDEX)
    client.cookies["messages"] = "pending"
    _, queries = _get(client, INDEX)
    assert queries > 0


def _publish_another(project):
    return project_in(S.PUBLISHED, title="新しく公開した函館の観光プロジェクト")[0]


def _edit_title(project):
    # A coordinator's correction in the admin saves the model directly.
    project.title = "玉ねぎの加工品を全国へ届ける"
    project.save()


def _close(project):
    project_services.project_close(project=project, actor=None)


def _cancel(project):
    coordinator = project.region.coordinators.first()
    project_services.project_cancel(project=project, actor=coordinator, reason="受入中止")


def _delete(project):
    project.versions.all().delete()
    project.status_changes.all().delete()
    project.delete()


def _rename_host(project):
    project.organization.name = "ミント記念農園"
    project.organization.save()


def _rename_theme(project):
    theme = project.themes.get()
    theme.name = "食と農"
    theme.save()


def _add_theme(project):
    project.themes.add(ThemeFactory(slug="tourism", name="観光まちづくり"))


def _rename_region(project):
    project.region.name = "オホーツク北見"
    project.region.save()


def _rename_coordinator(project):
    coordinator = project.region.coordinators.get(name="大地 ひかる")
    coordinator.name = "大地 みのり"
    coordinator.save()


def _add_coordinator(project):
    CoordinatorFactory(region=project.region, name="流氷 あおい")


def _delete_coordinator(project):
    project.region.coordinators.get(name="大地 ひかる").delete()


@pytest.mark.parametrize(
    ("change", "url", "before", "after"),
    [
        (_publish_another, "index", None, "新しく公開した函館の観光プロジェクト"),
        (_edit_title, "index", "玉ねぎの加工品をつくる", "玉ねぎの加工品を全国へ届ける"),
        (_edit_title, "detail", "玉ねぎの加工品をつくる", "玉ねぎの加工品を全国へ届ける"),
        (_close, "detail", 'data-testid="entry-button"', 'data-testid="entry-closed"'),
        (_close, "region", "玉ねぎの加工品をつくる", None),
        (_cancel, "index", "玉ねぎの加工品をつくる", None),
        (_delete, "index", "玉ねぎの加工品をつくる", None),
        (_rename_host, "index", "ハッカ記念農園", "ミント記念農園"),
        (_rename_host, "search", "玉ねぎの加工品をつくる", None),
        (_rename_theme, "detail", "#食<", "#食と農<"),
        (_add_theme, "index", None, "#観光まちづくり"),
        (_rename_region, "regions", ">北見<", "オホーツク北見"),
        (_rename_coordinator, "region", "大地 ひかる", "大地 みのり"),
        (_add_coordinator, "detail", None, "流氷 あおい"),
        (_delete_coordinator, "region", "大地 ひかる", None),
    ],
)
def test_a_change_to_what_a_page_shows_invalidates_it(
    client, published, django_capture_on_commit_callbacks, change, url, before, after
):
    path = {
        "index": INDEX,
        "search": f"{INDEX}?q=ハッカ記念",
        "detail": _detail(published),
        "region": reverse("projects:region-detail", args=["kitami"]),
        "regions": reverse("projects:region-list"),
    }[url]
    html = client.get(path).content.decode()
    if before:
        assert before in html
    if after:
        assert after not in html
    assert _get(client, path)[1] == 0  # cached
    with django_capture_on_commit_callbacks(execute=True):
        change(published)
    html = client.get(path).content.decode()
    if before:
        assert before not in html
    if after:
        assert after in html


def test_a_project_never_public_leaves_the_cached_pages_alone(
    client, published, django_capture_on_commit_callbacks
):
    """Submitting, approving or editing a project that was never published changes no public
    page: on a busy day those writes must not empty the cache of every visitor's pages. Its
    publication does (test above)."""
    pages = [INDEX, _detail(published), reverse("projects:region-detail", args=["kitami"])]
    draft = ProjectFactory(organization=published.organization, title="審査中のプロジェクト")
    for path in pages:
        client.get(path)
    member = HostMemberFactory(organization=draft.organization)
    coordinator = published.region.coordinators.first()
    with django_capture_on_commit_callbacks(execute=True):
        draft = project_services.project_submit(project=draft, actor=member)
        draft = project_services.project_approve(project=draft, actor=coordinator)
        draft.summary = "承認後の修正"
        draft.save()
    for path in pages:
        assert _get(client, path)[1] == 0, path  # still the cached page
    with django_capture_on_commit_callbacks(execute=True):
        project_services.project_publish(project=draft, actor=coordinator)
    assert "審査中のプロジェクト" in client.get(INDEX).content.decode()


def test_the_page_cache_changes_version_when_an_entry_deadline_passes(client, published):
    deadline = timezone.now() + dt.timedelta(hours=1)
    project_in(S.PUBLISHED, title="締切間近の札幌プロジェクト", entry_deadline=deadline)
    open_only = f"{INDEX}?open=on"
    assert "締切間近の札幌プロジェクト" in client.get(open_only).content.decode()
    assert _get(client, open_only)[1] == 0
    with time_machine.travel(deadline + dt.timedelta(minutes=1)):
        html = client.get(open_only).content.decode()
    assert "締切間近の札幌プロジェクト" not in html
    assert "玉ねぎの加工品をつくる" in html


def test_uncached_index_query_count_is_the_same_for_3_and_30_projects(client):
    from django.core.cache import cache

    def uncached(url):
        cache.clear()
        return _get(client, url)

    for _ in range(3):
        project_in(S.PUBLISHED)[0].themes.add(ThemeFactory())
    few = [uncached(url)[1] for url in (INDEX, f"{INDEX}?page=1&sort=deadline&q=販路")]
    for _ in range(27):
        project_in(S.PUBLISHED)[0].themes.add(ThemeFactory())
    response, _ = uncached(f"{INDEX}?page=2")
    assert len(response.context["projects"]) == 10
    many = [uncached(url)[1] for url in (INDEX, f"{INDEX}?page=1&sort=deadline&q=販路")]
    assert few == many
    assert max(many) <= 9  # version, 3 menus, count, ids, rows, themes (+ session for none)


def test_deep_pages_keep_the_order_of_every_sort(client, settings):
    settings.PUBLIC_PAGE_CACHE_TIMEOUT = 0  # each page rendered, its context inspected
    projects = [project_in(S.PUBLISHED, duration_months=1 + n % 12)[0] for n in range(25)]
    newest = sorted(projects, key=lambda p: (p.published_at, p.pk), reverse=True)
    page2 = client.get(f"{INDEX}?page=2").context["projects"]
    assert [p.pk for p in page2] == [p.pk for p in newest[20:]]
    longest = sorted(projects, key=lambda p: (-p.duration_months, -p.published_at.timestamp()))
    page2 = client.get(f"{INDEX}?sort=long&page=2").context["projects"]
    assert [p.pk for p in page2] == [p.pk for p in longest[20:]]
    assert client.get(f"{INDEX}?page=2").context["page"].paginator.count == 25


def test_pages_still_answer_when_the_cache_is_down(client, published, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.TolerantRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    for url in _urls(published):
        for _ in range(2):
            assert _get(client, url)[1] > 0  # rendered: no cache to serve it from


@pytest.mark.parametrize(
    "query",
    [
        "?utm_source=x",  # a parameter the page does not read
        "?q=玉ねぎ&q=加工",  # one read twice
        "?q=" + "あ" * 101,  # longer than the search box takes
        "?page=abc",
        "?page=1000000",
    ],
)
def test_made_up_query_strings_are_answered_but_not_stored(client, published, query):
    first, _queries = _get(client, INDEX + query)
    second, queries = _get(client, INDEX + query)
    assert queries > 0  # rendered again: nothing was stored
    assert second.content.decode().count("玉ねぎ") == first.content.decode().count("玉ねぎ")


def test_no_more_than_the_budget_of_pages_is_stored_a_minute(client, published, settings):
    settings.PUBLIC_PAGE_CACHE_STORES_PER_MINUTE = 2
    with time_machine.travel(dt.datetime(2027, 5, 1, 10, 0, 5, tzinfo=dt.UTC), tick=False):
        for term in ("玉ねぎ", "加工品", "ハッカ"):
            _get(client, f"{INDEX}?q={term}")
        assert _get(client, f"{INDEX}?q=玉ねぎ")[1] == 0
        assert _get(client, f"{INDEX}?q=加工品")[1] == 0
        assert _get(client, f"{INDEX}?q=ハッカ")[1] > 0  # the third of the minute: not stored
    with time_machine.travel(dt.datetime(2027, 5, 1, 10, 1, 5, tzinfo=dt.UTC), tick=False):
        _get(client, f"{INDEX}?q=ハッカ")  # a new minute, a new budget
        assert _get(client, f"{INDEX}?q=ハッカ")[1] == 0
