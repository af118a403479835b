"""What the big admin lists compute, kept until the next write: a list's count, its date
span and its page of rows as HTML (accounts.admin.BigListAdminMixin).

Each result is stored under a hash of the SQL that computes it (the user's region scope,
filters, search, sorting and page are all in it), the request's query string, the user and
the language, and under one version of all the data. Any save or delete of any row starts a
new version (the receivers below, connected in AccountsConfig.ready), now and on commit
(`config.cache`), so a list never shows a row older than the last write; a sign-in's
`last_login` and session rows are not data any list shows. ADMIN_LIST_CACHE_TIMEOUT bounds
what a change made around the models (a bulk UPDATE, a data migration) can leave, and how
long a column that moves with the clock can lag. With the cache down every request gets a
fresh version and computes its page: nothing stale is read.
"""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import translation
from django.utils.functional import cached_property

from config.cache import cached as config_cached
from config.cache import current_versions, drop_now_and_on_commit

VERSION_KEY = "admin-lists:version"
PREFIX = "admin-lists"
# Saves that change nothing a list shows.
IGNORED_MODELS = frozenset({"sessions.session"})
SIGN_IN_FIELDS = frozenset({"last_login"})


def data_version() -> str:
    """The current version of all the data (one cache read); a missing one starts anew."""
    return current_versions(VERSION_KEY)[0]


def invalidate() -> None:
    drop_now_and_on_commit(VERSION_KEY)


def request_version(request) -> str:
    """The data version for this request: read once, shared by the page's lookups."""
    version = getattr(request, "_admin_list_version", None)
    if version is None:
        version = request._admin_list_version = data_version()
    return version


def _digest(queryset) -> str:
    """A hash of the queryset's SQL and parameters, computed once per queryset object (the
    changelist's count, date span and rows all start from the same one)."""
    digest = getattr(queryset, "_list_cache_digest", None)
    if digest is None:
        sql, params = queryset.query.sql_with_params()
        digest = hashlib.sha256(repr((queryset.db, sql, params)).encode()).hexdigest()
        queryset._list_cache_digest = digest
    return digest


def key_for(kind: str, queryset, *extra: object, version: str) -> str | None:
    """The cache key of what `queryset` (with `extra`: the page, the user, the query
    string...) gives in `version` and the current language; None when
    ADMIN_LIST_CACHE_TIMEOUT is 0."""
    if settings.ADMIN_LIST_CACHE_TIMEOUT <= 0:
        return None
    digest = hashlib.sha256(repr((_digest(queryset), extra)).encode()).hexdigest()
    language = translation.get_language() or ""
    return ":".join((PREFIX, kind, digest, language, version))


def cached(key: str | None, compute: Callable):
    """`compute()`, or what it gave under `key` in this version."""
    return config_cached(key, compute, settings.ADMIN_LIST_CACHE_TIMEOUT)


class CachedCountPaginator(Paginator):
    """The admin's paginator with its COUNT kept in `version`."""

    def __init__(self, *args, version: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version

    @cached_property
    def count(self) -> int:
        key = None
        if hasattr(self.object_list, "query"):
            key = key_for("count", self.object_list, version=self.version)
        return cached(key, lambda: Paginator.count.func(self))


def _saved(sender, raw=False, update_fields=None, **kwargs) -> None:
    if raw or (update_fields is not None and set(update_fields) <= SIGN_IN_FIELDS):
        return
    invalidate()


def _deleted(sender, **kwargs) -> None:
    invalidate()


def _relation_changed(sender, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        invalidate()


def connect() -> None:
    """Called once from AccountsConfig.ready(): every model's writes end the version. Each
    model is connected by name, so the ignored ones (sessions) keep Django's fast delete."""
    from django.apps import apps

    for model in apps.get_models():
        label = model._meta.label_lower
        if label in IGNORED_MODELS:
            continue
        post_save.connect(_saved, sender=model, dispatch_uid=f"admin-lists-save-{label}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"admin-lists-delete-{label}")
    m2m_changed.connect(_relation_changed, dispatch_uid="admin-lists-m2m")
