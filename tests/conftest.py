"""Project-wide fixtures and the rules for tests that need the real services."""

import os
import shutil

import pytest
from django.conf import settings


def _services_configured() -> tuple[bool, str]:
    db = settings.DATABASES["default"]["ENGINE"]
    if db != "django.db.backends.postgresql":
        return False, "DATABASE_URL does not point at PostgreSQL"
    if not settings.REDIS_URL:
        return False, "REDIS_URL is not set"
    return True, ""


def pytest_collection_modifyitems(config, items):
    configured, reason = _services_configured()
    if configured:
        return
    in_ci = os.environ.get("CI", "").lower() == "true"
    for item in items:
        if "services" not in item.keywords:
            continue
        if not in_ci:
            item.add_marker(pytest.mark.skip(reason=f"needs the real services: {reason}"))


def pytest_runtest_setup(item):
    # In CI a test marked `services` fails rather than skips when the services are missing.
    if "services" in item.keywords and os.environ.get("CI", "").lower() == "true":
        configured, reason = _services_configured()
        if not configured:
            pytest.fail(f"CI=true but the services are missing: {reason}")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    yield
    shutil.rmtree(tmp_path / "media", ignore_errors=True)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (locmem in the test settings): a public page, a
    rate-limit counter or a count cached by one test must not answer for the next, which may
    reuse the same primary keys."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield
