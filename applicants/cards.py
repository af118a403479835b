"""The entry lists people reload most, kept as rendered HTML: a student's cards on My page
and a project's entries table for its host.

Each fragment is stored under the versions of what it shows: the student's (their entries,
interviews and placements, and the projects they entered), or the project's (its entries,
itself, and its entrants' names and universities), plus one shared version for the
organisations and regions named on every card. `applicants/signals.py` drops a version when
one of those rows is saved or deleted, now and on commit (`config.cache`), so the next
request renders afresh; ENTRY_LIST_CACHE_TIMEOUT bounds what a change made around the models
(a bulk UPDATE, a data migration) can leave. With the cache down every request gets fresh
versions and renders the page: nothing stale is read.

The key holds the owner's id and the language, so one user's HTML never answers for another,
and the views look it up only after their access checks have passed.
"""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.utils import translation
from django.utils.safestring import SafeString

from config.cache import cached, current_versions, drop_now_and_on_commit

SHARED_VERSION_KEY = "entry-lists:version:shared"
HTML_PREFIX = "entry-lists:html"


def student_version_key(student_id: int) -> str:
    return f"entry-lists:version:student:{student_id}"


def project_version_key(project_id: int) -> str:
    return f"entry-lists:version:project:{project_id}"


def html_key(kind: str, version_key: str, *parts: object) -> str | None:
    """The cache key of one fragment in the current versions and language; None when
    ENTRY_LIST_CACHE_TIMEOUT turns the cache off."""
    if settings.ENTRY_LIST_CACHE_TIMEOUT <= 0:
        return None
    tokens = current_versions(version_key, SHARED_VERSION_KEY)
    language = translation.get_language() or ""
    return ":".join((HTML_PREFIX, kind, *map(str, parts), language, *tokens))


def cached_html(key: str | None, render: Callable[[], SafeString]) -> SafeString:
    """The fragment stored under `key`, rendered and stored when missing. `render` is a
    template's output, escaped and marked safe by the template engine; the cache pickles it
    whole, so the stored fragment comes back as the same SafeString."""
    return cached(key, render, settings.ENTRY_LIST_CACHE_TIMEOUT)


def drop_students(student_ids: Iterable[int]) -> None:
    drop_now_and_on_commit(*(student_version_key(pk) for pk in set(student_ids) if pk))


def drop_projects(project_ids: Iterable[int]) -> None:
    drop_now_and_on_commit(*(project_version_key(pk) for pk in set(project_ids) if pk))


def drop_shared() -> None:
    drop_now_and_on_commit(SHARED_VERSION_KEY)
