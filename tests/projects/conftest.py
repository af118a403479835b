"""The public page cache in the projects tests: empty for every test, and on only when asked.

The public-view tests count the queries of rendering a page by requesting it again and again,
which a cached page would answer with none; tests of the cache itself ask for `page_cache`.
"""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _public_page_cache(request, settings):
    cache.clear()
    if "page_cache" not in request.fixturenames:
        settings.PUBLIC_PAGE_CACHE_TIMEOUT = 0  # off: every page is rendered
    yield
    cache.clear()


@pytest.fixture
def page_cache(settings):
    """The anonymous page cache, as in production."""
    settings.PUBLIC_PAGE_CACHE_TIMEOUT = 600
