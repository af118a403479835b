"""Browser journeys: Debian's chromium driven by Playwright against the live test server."""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the
# test itself (factories) are still synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    in_ci = os.environ.get("CI", "").lower() == "true"
    for item in items:
        if "e2e" in item.keywords and not in_ci:
            item.add_marker(
                pytest.mark.skip(reason="needs /usr/bin/chromium (scripts/ensure-browser)")
            )


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def _open_page(browser, base_url: str, violations: list[str]):
    """A page in a context of its own (its own cookies: one person), whose console messages
    about the Content Security Policy are collected into `violations`."""
    context = browser.new_context(base_url=base_url, locale="ja-JP")
    # A step that cannot happen fails within seconds, not after Playwright's 30 s.
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on(
        "console",
        lambda msg: (
            violations.append(msg.text)
            if "Content Security Policy" in msg.text or "Refused to" in msg.text
            else None
        ),
    )
    page.csp_violations = violations
    return context, page


@pytest.fixture
def page(browser, live_server):
    violations: list[str] = []
    context, page = _open_page(browser, live_server.url, violations)
    yield page
    context.close()


@pytest.fixture
def new_page(browser, live_server, page):
    """Open a page for another person of a journey (a browser context of its own, so its own
    session); its CSP violations land in `page.csp_violations` too."""
    contexts = []

    def open_page():
        context, other = _open_page(browser, live_server.url, page.csp_violations)
        contexts.append(context)
        return other

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each journey starts with no rate-limit counters: the forms count submissions per IP in the
    cache, and every test's requests come from 127.0.0.1."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
