"""Main pages: axe-core in Japanese at desktop and phone widths, no sideways scroll, keyboard."""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import User
from applicants.models import Application
from programs.models import Region
from projects.models import Project
from tests.factories import HostOrganizationFactory, ProjectFactory, RegionFactory
from tests.flow import application_in, project_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}

# The journeys ask for pages "responsive down to a phone, accessible (labels, contrast,
# keyboard)". axe-core comes bundled in axe-playwright-python (a dev dependency) and is injected
# with `page.evaluate`, which runs outside the page's Content Security Policy: the pages are
# checked under the policy they are served with. A violation of impact "critical", "serious" or
# "moderate" fails (the pages have none left; a new one is cheapest to fix when it appears);
# "minor" ones are printed (run with -s). Besides axe: on a phone no page is wider than the
# screen, and at both widths no header link has its words broken over two lines.
#
# WCAG 2.0, 2.1 and 2.2, levels A and AA, and axe's best practices (landmarks, heading order,
# skip link), which the keyboard and screen-reader users of these pages depend on as much.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
ASSERTED_IMPACTS = ("critical", "serious", "moderate")
# Rules switched off, each with the reason it does not apply (none so far).
DISABLED_RULES: dict[str, str] = {}


@dataclass
class World:
    region: Region
    project: Project
    other_project: Project
    draft: Project
    application: Application
    student: User
    host: User


@pytest.fixture
def world() -> World:
    region = RegionFactory(slug="tokachi", name="十勝", name_en="Tokachi")
    organization = HostOrganizationFactory(region=region, name="株式会社十勝ファーム")
    project, host, _coordinator = project_in(
        Project.Status.PUBLISHED,
        organization=organization,
        title="十勝の畑から新しいおやつをつくるプロジェクト",
    )
    other_project, _host, _coordinator = project_in(
        Project.Status.PUBLISHED, organization=organization
    )
    project_in(Project.Status.PUBLISHED, title="函館の港で観光案内をつくるプロジェクト")
    draft = ProjectFactory(organization=organization, title="帯広の商店街を元気にするプロジェクト")
    application, student, _member, _coordinator = application_in(
        Application.Status.SUBMITTED, project=project
    )
    return World(region, project, other_project, draft, application, student, host)


@dataclass
class Visit:
    """A page to check: who opens it, where, and what they do there first (e.g. send a form
    with mistakes, to check the page with its errors shown)."""

    name: str
    path: Callable[[World], str]
    role: str = "anonymous"
    then: Callable | None = None


def _send_empty(page) -> None:
    page.locator("main form[novalidate] button[type=submit]").last.click()
    page.wait_for_load_state()


def _send_without_title(page) -> None:
    page.locator("main input[name=title]").fill("")
    _send_empty(page)


VISITS = [
    Visit("home", lambda w: reverse("programs:home")),
    Visit("project index", lambda w: reverse("projects:project-list") + "?q=プロジェクト"),
    Visit("project", lambda w: reverse("projects:project-detail", args=[w.project.pk])),
    Visit("region", lambda w: reverse("projects:region-detail", args=[w.region.slug])),
    Visit("for hosts", lambda w: reverse("programs:for-hosts")),
    Visit("for students", lambda w: reverse("programs:for-students")),
    Visit("pamphlet", lambda w: reverse("programs:pamphlet")),
    Visit("pamphlet request", lambda w: reverse("programs:pamphlet-request")),
    Visit(
        "pamphlet request with errors",
        lambda w: reverse("programs:pamphlet-request"),
        then=_send_empty,
    ),
    Visit("inquiry with errors", lambda w: reverse("programs:inquiry-create"), then=_send_empty),
    Visit("login", lambda w: reverse("account_login")),
    Visit("signup", lambda w: reverse("account_signup")),
    Visit("my page", lambda w: reverse("applicants:my-page"), role="student"),
    Visit(
        "entry form with errors",
        lambda w: reverse("applicants:entry-create", args=[w.other_project.pk]),
        role="student",
        then=_send_empty,
    ),
    Visit("profile form", lambda w: reverse("applicants:profile"), role="student"),
    Visit(
        "student's entry",
        lambda w: reverse("applicants:entry-detail", args=[w.application.pk]),
        role="student",
    ),
    Visit("host dashboard", lambda w: reverse("projects:host-dashboard"), role="host"),
    Visit(
        "host's project form with errors",
        lambda w: reverse("projects:host-project-edit", args=[w.draft.pk]),
        role="host",
        then=_send_without_title,
    ),
    Visit(
        "host's entries",
        lambda w: reverse("applicants:host-entry-list", args=[w.project.pk]),
        role="host",
    ),
    Visit("notifications", lambda w: reverse("notifications:notification-list"), role="student"),
    Visit(
        "host's notifications", lambda w: reverse("notifications:notification-list"), role="host"
    ),
]


def _open(browser, live_server, viewport: dict, user=None):
    """A tab of its own (its own cookies) in Japanese, signed in as `user` if given."""
    context = browser.new_context(base_url=live_server.url, locale="ja-JP", viewport=viewport)
    context.set_default_timeout(10_000)
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context, context.new_page()


def _axe_violations(page) -> list[dict]:
    options = {
        "runOnly": {"type": "tag", "values": AXE_TAGS},
        "rules": {rule: {"enabled": False} for rule in DISABLED_RULES},
        "resultTypes": ["violations"],
    }
    return Axe().run(page, options=options).response["violations"]


def _describe(name: str, violation: dict) -> str:
    nodes = "\n".join(
        f"      {' '.join(node['target'])}: {node.get('failureSummary', '').splitlines()[-1:]}"
        for node in violation["nodes"][:6]
    )
    more = len(violation["nodes"]) - 6
    return (
        f"{name}: [{violation['impact']}] {violation['id']}: {violation['help']} "
        f"({len(violation['nodes'])} elements)\n{nodes}"
        + (f"\n      … {more} more" if more > 0 else "")
    )


# The elements that stick out past the right edge of the window (innermost first), to say
# what makes a page scroll sideways.
WIDEST_ELEMENTS = """() => {
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.right > window.innerWidth + 1 && r.width > 0) {
      out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
        (typeof el.className === "string" && el.className.trim()
          ? "." + el.className.trim().split(/\\s+/).join(".") : "") +
        ` (${Math.round(r.right)} px)`);
    }
  }
  return out.slice(-8);
}"""


# The header's links and buttons whose words are broken over two lines or more (the header
# too narrow for them): their text's line boxes start at different heights.
BROKEN_HEADER_ITEMS = """() => [...document.querySelectorAll(
    "header.site-header :is(a, button, .nav-link)")].filter((el) => {
  if (el.childElementCount || !el.getClientRects().length) return false;
  const range = document.createRange();
  range.selectNodeContents(el);
  return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1;
}).map((el) => el.textContent.trim())"""


def _check(page, name: str, problems: list[str], minor: list[str], phone: bool) -> None:
    """axe-core's violations on the page as it is now, into `problems` or `minor` by impact;
    on a phone, also whether the page scrolls sideways."""
    for violation in _axe_violations(page):
        line = _describe(name, violation)
        (problems if violation["impact"] in ASSERTED_IMPACTS else minor).append(line)
    broken = page.evaluate(BROKEN_HEADER_ITEMS)
    if broken:
        problems.append(f"{name}: header items broken over lines: {broken}")
    if phone:
        scroll_width, window_width = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]"
        )
        if scroll_width > window_width:
            wide = page.evaluate(WIDEST_ELEMENTS)
            problems.append(
                f"{name}: scrolls sideways ({scroll_width} px > {window_width} px): {wide}"
            )


def test_the_checks_see_violations_and_sideways_scrolling(browser, live_server):
    """A page with an image without text, pale text, an unnamed field, a box wider than a
    phone and a header link too narrow for its words: each is reported (so a clean run means
    something)."""
    context, page = _open(browser, live_server, PHONE)
    canary = "/__a11y-canary__/"
    body = (
        '<!doctype html><html lang="ja"><head><title>canary</title></head><body>'
        '<header class="site-header"><nav aria-label="canary">'
        '<a class="narrow" href="/">プロジェクト一覧</a></nav></header><main>'
        "<h1>canary</h1>"
        '<img src="data:,">'
        '<p class="pale">うすい文字</p>'
        '<input type="text">'
        '<div class="wide">とても広い箱</div>'
        "</main></body></html>"
    )
    style = ".pale { color: #bbb; } .wide { width: 600px; } .narrow { display: block; width: 4em; }"
    context.route(
        f"**{canary}",
        lambda route: route.fulfill(
            status=200,
            headers={"Content-Type": "text/html; charset=utf-8"},
            body=body.replace("</head>", f"<style>{style}</style></head>"),
        ),
    )
    problems, minor = [], []
    try:
        page.goto(canary)
        _check(page, "canary", problems, minor, phone=True)
    finally:
        context.close()
    report = "\n".join(problems)
    for rule in ("image-alt", "color-contrast", "label", "scrolls sideways", "header items"):
        assert rule in report, report
    assert "div.wide" in report, report


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_main_pages_pass_axe_and_fit_the_screen(browser, live_server, world, viewport):
    users = {"anonymous": None, "student": world.student, "host": world.host}
    tabs = {role: _open(browser, live_server, viewport, user) for role, user in users.items()}
    problems, minor = [], []
    try:
        for visit in VISITS:
            page = tabs[visit.role][1]
            response = page.goto(visit.path(world))
            assert response is not None and response.status == 200, (visit.name, response)
            if visit.then is not None:
                visit.then(page)
                assert page.locator(".alert-danger, .invalid-feedback").count(), visit.name
            assert page.locator("html").get_attribute("lang") == "ja", visit.name
            _check(page, visit.name, problems, minor, phone=viewport is PHONE)
    finally:
        for context, _page in tabs.values():
            context.close()
    if minor:
        print("minor:\n" + "\n".join(minor))
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


# ------------------------------------------------------------------------------------------
# The keyboard
# ------------------------------------------------------------------------------------------

FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    text: (el.innerText || el.value || el.getAttribute("aria-label") || "").trim(),
    classes: el.className && typeof el.className === "string" ? el.className : "",
    testid: el.dataset ? el.dataset.testid || "" : "",
    inHeader: !!el.closest("header.site-header"),
    outline: [style.outlineStyle, parseFloat(style.outlineWidth)],
    boxShadow: style.boxShadow,
    visible: el.getBoundingClientRect().width > 1 && el.getBoundingClientRect().height > 1,
  };
}"""

MAIN_NAV = ["プロジェクト一覧", "受入団体の方へ", "学生の方へ", "パンフレット", "お問い合わせ"]


def _tab(page) -> dict:
    page.keyboard.press("Tab")
    return page.evaluate(FOCUSED)


def _shows_focus(focused: dict) -> bool:
    style, width = focused["outline"]
    return (style != "none" and width >= 2) or focused["boxShadow"] not in ("", "none")


@pytest.mark.parametrize("where", ["home", "project"])
def test_skip_link_then_header_by_keyboard(browser, live_server, world, where):
    path = (
        reverse("programs:home")
        if where == "home"
        else reverse("projects:project-detail", args=[world.project.pk])
    )
    context, page = _open(browser, live_server, DESKTOP)
    try:
        page.goto(path)
        first = _tab(page)
        assert "skip-link" in first["classes"] and first["visible"], first
        assert _shows_focus(first), first
        page.keyboard.press("Enter")
        assert page.evaluate("() => document.activeElement.id") == "main"

        # From the top again: the header's links, then the language switch, in that order.
        page.goto(path)
        reached = []
        for _ in range(30):
            focused = _tab(page)
            if not focused["inHeader"] and reached:
                break
            if focused["inHeader"]:
                assert _shows_focus(focused), focused
                reached.append(focused["text"])
        nav = [text for text in reached if text in MAIN_NAV]
        assert nav == MAIN_NAV, reached
        assert reached[-2:] == ["日本語", "English"], reached
    finally:
        context.close()


def test_entry_button_is_reached_by_keyboard_and_shows_its_focus(browser, live_server, world):
    context, page = _open(browser, live_server, DESKTOP)
    try:
        page.goto(reverse("projects:project-detail", args=[world.project.pk]))
        for _ in range(80):
            focused = _tab(page)
            if focused["testid"] == "entry-button":
                break
        else:
            pytest.fail("Tab never reaches the entry button")
        assert focused["visible"] and _shows_focus(focused), focused
        page.keyboard.press("Enter")
        # Not signed in: the entry form sends the visitor to log in first.
        page.wait_for_url(re.compile(r"/accounts/login/"))
    finally:
        context.close()


def test_phone_menu_opens_by_keyboard(browser, live_server, world):
    """On a phone the header's links sit behind the menu button: Enter opens it and Tab goes
    through them."""
    context, page = _open(browser, live_server, PHONE)
    try:
        page.goto(reverse("programs:home"))
        for _ in range(5):
            focused = _tab(page)
            if "navbar-toggler" in focused["classes"]:
                break
        else:
            pytest.fail("Tab never reaches the menu button")
        assert _shows_focus(focused), focused
        page.keyboard.press("Enter")
        page.locator("#site-nav.show").wait_for()
        reached = [_tab(page)["text"] for _ in range(len(MAIN_NAV))]
        assert reached == MAIN_NAV, reached
    finally:
        context.close()
