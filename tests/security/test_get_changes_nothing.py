"""A GET changes nothing (issue 8, part 2): every URL of the configuration, opened with GET by
every role, leaves the row count of every table as it was and never answers a server error;
and no answer to a signed-in role may be kept by a browser's or a proxy's cache (issue 12).

URLs with an object id or a token are opened for A's objects (`URL_ARGS` in conftest.py);
views that only take POST answer GET with 405, which is checked here like any other answer.
"""

from functools import cache

import pytest
from django.apps import apps
from django.db import connection

from .conftest import ROLES, URL_ARGS, concrete_url, finish, routes

# Opening these with GET is what they are for, or would end the role's session.
SKIP = {
    "account_logout": "signs the user out (allauth asks to confirm on GET, but skip it anyway)",
    "admin:logout": "signs the user out (POST only since Django 5)",
    "set_language": "sets the language cookie; its GET redirects without writing rows",
}
# Session rows are written by signing in and by messages; not the platform's data.
IGNORED_TABLES = {"django_session"}
# Audit rows a GET must append (issue 8, part 5), per URL: only these, and only one more.
AUDIT_APPENDS = {
    # "every download of a student's file by someone other than the student is logged"
    ("applicants:file-download", "applicants_applicationfiledownload"),
}


@cache
def _tables() -> tuple[str, ...]:
    tables = set()
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        if opts.managed and not opts.proxy and not opts.swapped:
            tables.add(opts.db_table)
    return tuple(sorted(tables - IGNORED_TABLES))


def row_counts() -> dict[str, int]:
    """`Model.objects.count()` of every model (and many-to-many table), in one query."""
    # One query instead of one per model keeps the crawl fast. The table names come from the
    # models' metadata, quoted by the backend: nothing from outside reaches this SQL.
    quote = connection.ops.quote_name
    counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in _tables())  # noqa: S608
    sql = f"SELECT {counts}"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(_tables(), cursor.fetchone(), strict=True))


KEYS = sorted(key for key in routes() if key not in SKIP)


def test_the_crawl_counts_every_model():
    """The count covers every model Django knows (a table left out would hide a write)."""
    models = {m._meta.db_table for m in apps.get_models() if not m._meta.proxy}
    assert models - IGNORED_TABLES <= set(_tables())


@pytest.mark.parametrize("key", KEYS)
def test_get_changes_nothing(world, as_role, key):
    route = routes()[key]
    if route.params and key not in URL_ARGS:
        pytest.fail(f"{key} has an id or token but no entry in URL_ARGS (conftest.py)")
    url = concrete_url(key, world)
    problems = []
    # Nothing writes between one role's request and the next (switching roles only swaps the
    # client's cookies), so the counts after one request are the counts before the next.
    after = row_counts()
    for role in ROLES:
        client = as_role(role)
        client.raise_request_exception = False
        try:
            before = after
            response = client.get(url)
            finish(response)
            after = row_counts()
        finally:
            client.raise_request_exception = True
        if response.status_code >= 500:
            error = getattr(response, "exc_info", None)
            reason = f": {error[1]!r}" if error else ""
            problems.append(f"as {role}: HTTP {response.status_code}{reason}")
        changed = {
            t: f"{before[t]}→{after[t]}"
            for t in before
            if before[t] != after[t]
            and not ((key, t) in AUDIT_APPENDS and after[t] == before[t] + 1)
        }
        if changed:
            problems.append(f"as {role}: rows changed {changed} ({response.status_code})")
        # Nothing said to a signed-in user is kept by a browser or a proxy (issue 12).
        directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
        if role != "anonymous" and not {"private", "no-store"} <= directives:
            problems.append(f"as {role}: Cache-Control {response.get('Cache-Control')!r}")
    assert not problems, f"GET {url}\n" + "\n".join(problems)
