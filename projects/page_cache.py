"""The anonymous page cache of the public pages, and the version that invalidates it."""

import hashlib
import time
import uuid

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import cache
from django.db.models import Min
from django.http import HttpResponse
from django.utils import timezone, translation

from config.cache import drop_now_and_on_commit

VERSION_KEY = "public-pages:version"
PAGE_PREFIX = "public-pages:page"
COUNT_PREFIX = "public-pages:count"
# Marks a request whose response may be stored: its page is rendered without a CSP nonce.
REQUEST_FLAG = "_public_page_cache"
# A query value longer than any form field's (the search box takes 100) is not stored.
MAX_PARAM_LENGTH = 100


def _timeout() -> int:
    return settings.PUBLIC_PAGE_CACHE_TIMEOUT


def _next_deadline() -> float | None:
    """When the next published project's entry deadline passes (a Unix time), or None.

    At that moment "open for entry" changes on the cards, the "open only" filter and the
    region counts, with no save to announce it; the version ends there by itself.
    """
    from projects.models import Project

    now = timezone.now()
    moment = Project.objects.filter(
        status=Project.Status.PUBLISHED, entry_deadline__gt=now
    ).aggregate(next=Min("entry_deadline"))["next"]
    return moment.timestamp() if moment else None


def public_version() -> str:
    """The current version of everything the public pages show (one cache read).

    A new version starts when the last one was dropped (`invalidate_public_pages`), evicted,
    or reached the next entry deadline; starting one costs one query. With the cache down
    every request gets a fresh version, so nothing stale is ever read: the pages fail open.
    """
    record = cache.get(VERSION_KEY)
    if record and (record["until"] is None or time.time() < record["until"]):
        return record["token"]
    record = {"token": uuid.uuid4().hex, "until": _next_deadline()}
    cache.set(VERSION_KEY, record, timeout=None)
    return record["token"]


def invalidate_public_pages() -> None:
    """Start a new version of the public pages: every cached page and count is left behind
    (dropped now and again on commit: config.cache.drop_now_and_on_commit says why)."""
    drop_now_and_on_commit(VERSION_KEY)


def cached_count(key: str, count) -> int:
    """`count()` of a filtered index, kept for the current version (`key` names the filter)."""
    if _timeout() <= 0:
        return count()
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return cache.get_or_set(f"{COUNT_PREFIX}:{public_version()}:{digest}", count, _timeout())


def _is_cacheable_request(request, query_params: frozenset = frozenset()) -> bool:
    """Anonymous GETs with no message waiting for them (a message is shown once, to one),
    whose query string holds only the page's own parameters, once each and short.

    Anything else is answered but not stored: a visitor making up parameters
    (`?x=<random>`) would otherwise store a new page for every request and fill the cache
    that also holds the sessions and the login counters."""
    if request.method not in ("GET", "HEAD"):
        return False
    for name, values in request.GET.lists():
        if name not in query_params or len(values) != 1 or len(values[0]) > MAX_PARAM_LENGTH:
            return False
        if name == "page" and not (values[0].isdigit() and len(values[0]) <= 5):
            return False
    if CookieStorage.cookie_name in request.COOKIES:
        return False
    if request.user.is_authenticated:
        return False
    # Loads the session only when the visitor has one (an anonymous session is rare).
    return not (
        settings.SESSION_COOKIE_NAME in request.COOKIES
        and request.session.get(SessionStorage.session_key)
    )


def _is_storable(request, response) -> bool:
    """A plain 200 that carries nothing of this visitor's: no cookie, no CSRF token, no nonce.

    The CSRF and session cookies are added by middleware after the view returns, so their
    triggers are checked here: a template that calls `{% csrf_token %}` or a view that writes
    the session turns the cache off for that page instead of leaking a token to everyone.
    """
    messages = getattr(request, "_messages", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not getattr(request, "_csp_nonce", None)
        and not (hasattr(request, "session") and request.session.modified)
        and not (messages is not None and messages.added_new)
        and "private" not in response.get("Cache-Control", "")
    )


def _within_store_budget() -> bool:
    """At most PUBLIC_PAGE_CACHE_STORES_PER_MINUTE pages are stored a minute, whoever asks:
    the bound on what any flood of distinct valid URLs (search terms) can put in the cache."""
    key = f"{PAGE_PREFIX}:stores:{int(time.time() // 60)}"
    cache.add(key, 0, 120)
    try:
        stored = cache.incr(key)
    except ValueError:  # the key is gone (evicted, or the cache is down): no count to keep
        return True
    return stored <= settings.PUBLIC_PAGE_CACHE_STORES_PER_MINUTE


def _page_key(request, version: str) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"{PAGE_PREFIX}:{version}:{translation.get_language()}:{path}"


class PublicPageCacheMixin:
    """Serves a public page to anonymous visitors from the cache, whole.

    Key: the version of the public data (`public_version`), the language (LanguageMiddleware
    has chosen it from the cookie) and the full path with its query string. Any save or
    delete of a project, its organisation, a theme, a region, a term, a region's coordinators
    (projects/signals.py) starts a new version; so does the next entry deadline. Entries
    expire after PUBLIC_PAGE_CACHE_TIMEOUT anyway, which bounds what a change made behind
    Django's back (a bulk UPDATE, seed_scale) can leave visible.

    What a stored page must not carry, and why it does not:
    - A CSRF token. The only form with one on an anonymous page was the language switch; it
      now posts to `language_switch` (projects/views/public.py), which needs none. Should a
      token appear again, `get_token` marks the request and the page is not stored.
    - A CSP nonce. The page's scripts are static files, allowed by 'self' in script-src;
      a stored page is rendered with an empty nonce attribute, so no nonce is generated and
      the response's policy names none. A page that generates one anyway is not stored.
    - Anything of one visitor's: only anonymous visitors are served or stored, never one with
      a message waiting, and never a response that sets a cookie or writes the session.

    PUBLIC_PAGE_CACHE_TIMEOUT = 0 turns the cache off (pages and counts). A stored page is
    answered as a fresh HttpResponse, so the middleware adds this request's headers (CSP,
    Vary, Content-Language) as for any other page. The cache fails open: with Redis down
    every lookup misses and every store is dropped.
    """

    # The query parameters the page reads; a request with any other is not stored.
    cache_query_params: frozenset = frozenset()

    def dispatch(self, request, *args, **kwargs):
        if _timeout() <= 0 or not _is_cacheable_request(request, self.cache_query_params):
            return super().dispatch(request, *args, **kwargs)
        key = _page_key(request, public_version())
        stored = cache.get(key)
        if stored is not None:
            content, content_type = stored
            return HttpResponse(content, content_type=content_type)
        setattr(request, REQUEST_FLAG, True)
        response = super().dispatch(request, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        if _is_storable(request, response) and _within_store_budget():
            cache.set(key, (response.content, response["Content-Type"]), _timeout())
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if getattr(self.request, REQUEST_FLAG, False):
            # base.html writes nonce="{{ csp_nonce }}": empty, it generates no nonce.
            context["csp_nonce"] = ""
        return context
