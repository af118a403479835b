"""Project-wide fixtures and the rules for tests that need the real services."""

import os
import shutil
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings


def _services_configured() -> tuple[bool, str]:
    db = settings.DATABASES["default"]["ENGINE"]
    if db != "django.db.backends.postgresql":
        return False, "DATABASE_URL does not point at PostgreSQL"
    if not settings.REDIS_URL:
        return False, "REDIS_URL is not set"
    return True, ""


def pytest_configure(config):
    _redis_database_per_worker()


def _redis_database_per_worker() -> None:
    """Under pytest-xdist (`make test` and CI run with `-n`), each worker gets a Redis
    database of its own: the tests marked `services` flush it and start a Celery worker on
    its queue, which must not take the tasks of another worker's test database (nor lose its
    own to another worker's flush). gw0 keeps REDIS_URL's database; gw1 the one below, and
    so on around Redis's 16 databases."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw") or not settings.REDIS_URL:
        return
    from config.celery_app import app as celery_app

    parts = urlsplit(settings.REDIS_URL)
    database = int(parts.path.strip("/") or 0)
    url = urlunsplit(parts._replace(path=f"/{(database - int(worker[2:])) % 16}"))
    settings.REDIS_URL = settings.CELERY_BROKER_URL = url
    celery_app.conf.broker_url = url
    # The Celery workers these tests start (tests/workers.py) read it from the environment.
    os.environ["REDIS_URL"] = url


# The longest of the tests that empty the database after them (browser journeys, the tests
# marked `services`), which pytest-django runs after all the others: started first among them,
# they leave the short ones to even out the end when pytest-xdist's workers share the tail.
LONGEST_FIRST = (
    "tests/e2e/test_csp_every_page.py",
    "tests/notifications/test_delivery_under_faults.py",
    "tests/e2e/test_accessibility.py",
    "tests/e2e/test_host_journey.py",
    "tests/e2e/test_coordinator_journey.py",
    "tests/notifications/test_worker.py",
    "tests/e2e/test_student_journey.py",
)


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return (
        bool(marker and marker.kwargs.get("transaction"))
        or "live_server" in fixtures
        or "transactional_db" in fixtures
    )


def _longest_first(items) -> None:
    """Reorder the transactional tests among themselves only (they keep their places)."""
    places = [i for i, item in enumerate(items) if _transactional(item)]

    def rank(item) -> int:
        path = item.nodeid.split("::")[0]
        return LONGEST_FIRST.index(path) if path in LONGEST_FIRST else len(LONGEST_FIRST)

    for place, item in zip(places, sorted((items[i] for i in places), key=rank), strict=True):
        items[place] = item


def pytest_collection_modifyitems(config, items):
    # After pytest-django's own reordering (its hook runs first).
    _longest_first(items)
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
