"""Per-request figures for the busy-day benchmark, sent back as response headers.

Only the benchmark's settings module (written by tests/perf/bench_day.py) installs these;
production never does. `X-Bench-Queries` is the number of SQL statements the request ran,
`X-Bench-Cache` the hits and misses of the platform's caches ("hits/misses"), leaving out
what every signed-in request reads whatever the caches (the session, the rate limits), and
`X-Bench-CPU` the milliseconds of CPU the worker process spent on it (sync workers: one
request at a time).
"""

import contextvars
import time

from django.db import connections

from config.cache import TolerantRedisCache

# Keys that are not a cache of the platform's pages or data.
NOT_CACHES = ("django.contrib.sessions", "allauth", "accounts:login-slowdown", "rl:")

_figures: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar(
    "bench_figures", default=None
)


def _count(hits: int, misses: int) -> None:
    figures = _figures.get()
    if figures is not None:
        figures[1] += hits
        figures[2] += misses


def _counted(key) -> bool:
    return not str(key).startswith(NOT_CACHES)


class CountingRedisCache(TolerantRedisCache):
    """The production cache, counting hits and misses of the request in progress."""

    def get(self, key, default=None, version=None):
        sentinel = object()
        value = super().get(key, sentinel, version)
        if _counted(key):
            _count(value is not sentinel, value is sentinel)
        return default if value is sentinel else value

    def get_many(self, keys, version=None):
        keys = list(keys)
        found = super().get_many(keys, version)
        counted = [key for key in keys if _counted(key)]
        hits = sum(1 for key in counted if key in found)
        _count(hits, len(counted) - hits)
        return found


class BenchMiddleware:
    """Counts the SQL statements and cache reads of each request (outermost middleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        figures = [0, 0, 0]
        token = _figures.set(figures)
        cpu = time.process_time()

        def count_query(execute, sql, params, many, context):
            figures[0] += 1
            return execute(sql, params, many, context)

        try:
            with connections["default"].execute_wrapper(count_query):
                response = self.get_response(request)
        finally:
            _figures.reset(token)
        response["X-Bench-CPU"] = f"{1000 * (time.process_time() - cpu):.2f}"
        response["X-Bench-Queries"] = str(figures[0])
        response["X-Bench-Cache"] = f"{figures[1]}/{figures[2]}"
        return response
