"""Every page of the site, opened in the browser as a role that may see it, under the production
Content Security Policy: no violation, no console error, no uncaught script error (issue 8).

The pages come from the URL configuration (tests/security/conftest.py walks it, and builds
the URLs with an id or a token for the objects of its world), so a new page is visited without
touching this file. Which role opens a page is found by asking, least privileged first: the
first role the page answers 200 with HTML is the one the browser uses. A page that answers
no role with HTML must be explained in `NOT_OPENED`, or the test fails.

Violations are seen twice: Chromium's console messages ("… violates the following Content
Security Policy directive …", type error) and the `securitypolicyviolation` events, reported
by a listener that an init script adds. Init scripts (like `page.evaluate`) run outside the
page's policy, so the listener causes no violation itself; `bypass_csp` stays off. Each page
must also have been sent the production policy (its nonce aside) and name an icon (without
one the browser asks for /favicon.ico, which is not served: a console error).
"""

import re
import runpy
import time
from collections import defaultdict
from urllib.parse import urlsplit

import pytest
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.csp import build_policy

from tests.factories import StaffFactory
from tests.security.conftest import (
    URL_ARGS,
    admin_keys,
    build_world,
    concrete_url,
    registered_admin_models,
    routes,
)

from .journey import verified_email

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Least privileged first: a page is opened as the first of these it answers 200.
SITE_ROLES = ("anonymous", "student_a", "host_a", "coordinator_x", "staff")
# The admin's pages: its login page is the anonymous visitor's.
ADMIN_ROLES = ("coordinator_x", "staff", "anonymous")

# Pages no role can open with a GET that answers HTML, and why; each one still has to exist
# in the URL configuration (a stale entry fails).
NOT_OPENED = {
    "account_logout": "signs the role out (allauth's confirmation page; its session must stay)",
    "admin:logout": "POST only",
    "admin:login": "hands over to allauth's sign-in (opened as account_login)",
    "admin:password_change": "hands over to allauth's password change",
    "set_language": "POST only (Django's view); GET redirects",
    "language-switch": "switches the language and redirects back",
    "admin:/admin/(?P<url>.*)$": "the admin's catch-all (404): see the error pages' test",
    "account_reset_password_from_key": "moves the key into the session and redirects to the "
    "key-less form, which the browser then shows: opened below",
    "account_confirm_login_code": "only during a login by code (not enabled)",
    "account_confirm_reauthentication_code": "only during a reauthentication by code",
    "account_request_reauthentication_code": "login by code is not enabled",
    "account_set_password": "only for accounts without a password",
    "account_reset_password_from_key_done": "only after a password reset",
    "mfa_authenticate": "only during a login with two factors: opened below",
    "mfa_reauthenticate": "only while reauthenticating with two factors",
    "admin:view_on_site": "no model has a page on the site (404 for everyone)",
    "admin:autocomplete": "JSON for the admin's autocomplete widgets",
}
# The old change URL of each model admin redirects to its change page, opened anyway.
NOT_OPENED.update(
    {
        admin_keys(label)["old"]: "redirects to the change page"
        for label in registered_admin_models()
    }
)


LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation(
    `${event.documentURI}: ${event.effectiveDirective} blocked ` +
    `${event.blockedURI || "?"} at ${event.sourceFile || "?"}:${event.lineNumber} ` +
    `${event.sample ? JSON.stringify(event.sample) : ""}`
  );
});
"""


def _production_policy() -> dict:
    """SECURE_CSP as the production settings make it (they must not differ from the tests')."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DJANGO_SECRET_KEY", "x" * 50)
        env.setenv("DJANGO_ALLOWED_HOSTS", "jissen.example.org")
        env.setenv("MFA_ENCRYPTION_KEYS", "6z2sNnKl1Fd2bqQHqk3Qnq0bq9gFqyQp2c6cXl0f3Xw=")
        return runpy.run_module("config.settings.production")["SECURE_CSP"]


def _without_nonce(policy: str) -> str:
    """The policy without its nonce: a page with no inline script is sent none (the public
    pages are cached whole, so they are rendered without one)."""
    return re.sub(r" 'nonce-[^']*'", "", policy)


def _is_html(response) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


def _pages(world, sessions: dict[str, Client]) -> tuple[dict[str, list[str]], list[str]]:
    """The path of every page, by the role that opens it, and the routes no role could open
    that NOT_OPENED does not explain. An admin page forbidden to every role (the add or delete
    page of rows nobody may add or delete) is Django's 403 page: see the error pages' test."""
    by_role: dict[str, list[str]] = defaultdict(list)
    unexplained = []
    for key, route in sorted(routes().items()):
        if key in NOT_OPENED or route.post_only:
            continue
        if route.params and key not in URL_ARGS:
            unexplained.append(f"{key}: an id or a token, but no entry in URL_ARGS")
            continue
        url = concrete_url(key, world)
        admin_side = key.startswith(("admin:", "pipeline:"))
        answers = {}
        for role in ADMIN_ROLES if admin_side else SITE_ROLES:
            response = sessions[role].get(url)
            if response.streaming:
                for _chunk in response.streaming_content:
                    pass
            if response.status_code == 200:
                if _is_html(response):
                    by_role[role].append(url)
                # 200 but not HTML (a file, a feed, JSON): no page to check.
                break
            answers[role] = response.status_code
        else:
            # (302 for the anonymous: the admin's login page)
            if not (admin_side and set(answers.values()) == {403, 302}):
                listed = ", ".join(f"{role}: {status}" for role, status in answers.items())
                unexplained.append(f"{key} ({url}): {listed}")
    return by_role, unexplained


def _signed_in(user) -> Client:
    """A test client whose session is signed in as `user`, with the password and the second
    factor just confirmed (allauth asks again before two-factor settings unless that was
    recent); its session cookie signs the browser in too."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    request = RequestFactory().get("/")
    request.session, request.user = client.session, user
    record_authentication(request, user, method="password", email=user.email, reauthenticated=True)
    # and the second factor given in this session, as allauth's sign-in leaves it
    record_authentication(request, user, method="mfa", type="totp", reauthenticated=True)
    request.session.save()
    return client


class Browser:
    """Browser contexts (one per person: their own cookies) whose tabs report into `problems`
    every CSP violation, console error and uncaught script error, and every page that was not
    sent the production policy."""

    def __init__(self, browser, base_url: str):
        self.browser = browser
        self.base_url = base_url
        self.policy = _without_nonce(build_policy(settings.SECURE_CSP))
        self.problems: list[str] = []
        self.contexts = []
        self.visited = 0

    def open(self, client: Client | None = None):
        """A tab in a new context, signed in with the session of `client` if given."""
        context = self.browser.new_context(base_url=self.base_url, locale="ja-JP")
        self.contexts.append(context)
        context.set_default_timeout(15_000)
        cookie = client.cookies.get(settings.SESSION_COOKIE_NAME) if client else None
        if cookie is not None:
            context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": self.base_url}])
        context.expose_function(
            "__cspViolation", lambda text: self.problems.append(f"CSP violation: {text}")
        )
        context.add_init_script(LISTENER)
        page = context.new_page()
        page.expected_error = None

        def console(msg) -> None:
            if msg.type != "error":
                return
            source = msg.location.get("url", "")
            # Chromium logs an error page's own status ("Failed to load resource: the server
            # responded with a status of 404"): expected there, and only there.
            expected = page.expected_error
            if expected and source.endswith(expected) and "status" in msg.text:
                return
            self.problems.append(f"console error on {page.url}: {msg.text} <{source}>")

        page.on("console", console)
        page.on(
            "pageerror", lambda error: self.problems.append(f"script error on {page.url}: {error}")
        )
        return page

    def visit(self, page, path: str, status: int = 200) -> None:
        page.expected_error = path if status >= 400 else None
        response = page.goto(path, wait_until="load")
        self.visited += 1
        if response is None:
            self.problems.append(f"{path}: no response")
            return
        if response.status != status:
            where = urlsplit(page.url).path
            self.problems.append(f"{path}: HTTP {response.status} in the browser (at {where})")
        header = response.header_value("content-security-policy")
        if header is None:
            self.problems.append(f"{path}: no Content-Security-Policy header")
        elif _without_nonce(header) != self.policy:
            self.problems.append(f"{path}: another policy: {header}")
        if not page.locator("link[rel~=icon]").count():
            # The browser then asks for /favicon.ico, which is not served: a console error
            # in a browser that has not cached the answer yet.
            self.problems.append(f"{path}: names no icon")
        # Let the violation events queued during the load reach the listener.
        page.evaluate("() => new Promise((done) => setTimeout(done, 0))")

    def report(self) -> str:
        return f"{len(self.problems)} problems on {self.visited} pages:\n" + "\n".join(
            dict.fromkeys(self.problems)
        )

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def tabs(browser, live_server, settings):
    # As in production (and in tests/security): coordinators and staff have two factors.
    settings.MFA_REQUIRED = True
    assert _production_policy() == settings.SECURE_CSP, "the tests must send production's CSP"
    tabs = Browser(browser, live_server.url)
    yield tabs
    tabs.close()


def test_the_checks_see_violations_and_console_errors(tabs):
    """A page under the production policy with an inline script, an inline event handler and
    a failing script: each is reported (so a clean run means something)."""
    page = tabs.open()
    body = (
        "<!doctype html><html><body>"
        "<script>document.title = 'inline';</script>"
        '<img src="data:," onload="document.title = \'handler\'">'
        "</body></html>"
    )
    canary = "/__csp-canary__/"
    policy = build_policy(settings.SECURE_CSP, nonce="abc")
    page.context.route(
        f"**{canary}",
        lambda route: route.fulfill(
            status=200,
            headers={"Content-Type": "text/html", "Content-Security-Policy": policy},
            body=body,
        ),
    )
    tabs.visit(page, canary)
    page.evaluate("() => { setTimeout(() => { throw new Error('boom'); }, 0); }")
    page.wait_for_timeout(100)

    def seen(kind: str, text: str) -> bool:
        return any(p.startswith(kind) and text in p for p in tabs.problems)

    assert seen("CSP violation", "script-src-elem blocked inline"), tabs.report()
    assert seen("CSP violation", "script-src-attr blocked inline"), tabs.report()
    assert seen("console error", "Content Security Policy"), tabs.report()
    assert seen("script error", "boom"), tabs.report()
    assert seen(canary, "names no icon"), tabs.report()
    assert page.title() == ""


def test_every_page_is_free_of_csp_violations_and_console_errors(tabs):
    started = time.monotonic()
    world = build_world()
    # The coordinator's recovery codes, for the pages that show and renew them.
    RecoveryCodes.activate(world.coordinator_x)
    # A server error while looking for the role is reported with the other pages, not raised.
    sessions = {role: _signed_in(world.users[role]) for role in SITE_ROLES[1:]}
    sessions["anonymous"] = Client(raise_request_exception=False)
    by_role, unexplained = _pages(world, sessions)
    assert not unexplained, (
        "pages no role could open: give them an object in URL_ARGS (tests/security/conftest.py) "
        "or a reason in NOT_OPENED:\n" + "\n".join(unexplained)
    )
    stale = sorted(set(NOT_OPENED) - set(routes()))
    assert not stale, f"NOT_OPENED names URLs that no longer exist: {stale}"
    assert sum(map(len, by_role.values())) > 100, dict(by_role)

    pages = {role: tabs.open(sessions[role]) for role in SITE_ROLES}
    for role, paths in by_role.items():
        for path in paths:
            tabs.visit(pages[role], path)
    # Pages reached only in the middle of a flow. A password reset link: the key moves into
    # the session, and the browser lands on the form without it.
    tabs.visit(pages["anonymous"], concrete_url("account_reset_password_from_key", world))
    assert urlsplit(pages["anonymous"].url).path.endswith("-set-password/")
    # A coordinator signs in with the password: the second factor's page follows.
    login = tabs.open()
    tabs.visit(login, "/accounts/login/")
    login.locator("input[name=login]").fill(world.coordinator_x.email)
    login.locator("input[name=password]").fill("pass-Word-123")
    login.locator("form button[type=submit]").last.click()
    login.wait_for_url("**/accounts/2fa/authenticate/")
    tabs.visit(login, "/accounts/2fa/authenticate/")

    assert not tabs.problems, tabs.report()
    print(f"{tabs.visited} pages in {time.monotonic() - started:.1f} s")


def test_the_error_pages_are_free_of_csp_violations_and_console_errors(tabs):
    """404 on the site and in the admin, and the admin's 403 (each in a new browser context)."""
    staff = StaffFactory()
    verified_email(staff)
    TOTP.activate(staff, generate_totp_secret())
    staff_client = _signed_in(staff)
    request = RequestFactory().get("/")
    request.user = staff
    read_only = next(
        model
        for model, model_admin in sorted(admin.site._registry.items(), key=lambda i: str(i[0]))
        if not model_admin.has_add_permission(request)
    )
    forbidden = reverse(f"admin:{read_only._meta.app_label}_{read_only._meta.model_name}_add")
    for client, path, status in [
        (None, "/no-such-page/", 404),
        (staff_client, "/no-such-page/", 404),
        (staff_client, "/admin/no-such-page/", 404),
        (staff_client, forbidden, 403),
    ]:
        tabs.visit(tabs.open(client), path, status)
    assert not tabs.problems, tabs.report()
