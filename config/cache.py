"""Django's Redis cache, failing open: with Redis down, reads miss and writes are dropped.

The cache holds rate-limit counters and cached pages, nothing that must survive; a Redis
outage should make the platform slower, never make a login or a form answer 500.
"""

import logging
import uuid
from collections.abc import Callable

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _tolerant(name: str, default):
    method = getattr(RedisCache, name)

    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except RedisError as exc:
            logger.warning("cache %s failed, carrying on without it: %s", name, exc)
            return default() if callable(default) else default

    wrapper.__name__ = name
    return wrapper


class TolerantRedisCache(RedisCache):
    _get = _tolerant("get", None)

    def get(self, key, default=None, version=None):
        value = self._get(key, default, version)
        return default if value is None else value

    get_many = _tolerant("get_many", dict)
    has_key = _tolerant("has_key", False)
    # add() answering True lets a rate limiter through instead of refusing everyone.
    add = _tolerant("add", True)
    set = _tolerant("set", None)
    set_many = _tolerant("set_many", list)
    touch = _tolerant("touch", False)
    delete = _tolerant("delete", False)
    delete_many = _tolerant("delete_many", None)
    incr = _tolerant("incr", 1)
    decr = _tolerant("decr", 0)
    clear = _tolerant("clear", None)


def drop_now_and_on_commit(*keys: str) -> None:
    """Delete cache keys now and again when the surrounding transaction commits.

    For the version keys of cached results (the public pages, the board and funnel, the
    entry lists): the second drop is the one that matters in production, since a result
    computed between the first drop and the commit read the old rows and was stored under a
    version the commit then ends; the first covers code (and tests) whose transaction never
    commits. Outside a transaction both run at once.
    """
    from django.core.cache import cache
    from django.db import transaction

    if not keys:
        return
    keys = list(keys)
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def current_versions(*keys: str) -> list[str]:
    """The token of each version key (one cache read for all); a missing one starts anew.

    For the versions that key cached results (the board and funnel, the entry lists, the
    admin lists): a version ends when `drop_now_and_on_commit` drops its key or the cache
    evicts it. With the cache down every call starts new versions, so nothing stale is ever
    read: the pages fail open and compute their data each time.
    """
    from django.core.cache import cache

    found = cache.get_many(list(keys))
    tokens = []
    for key in keys:
        token = found.get(key)
        if not token:
            token = uuid.uuid4().hex
            if not cache.add(key, token, timeout=None):
                # Another request started it first: share its token (and its results).
                token = cache.get(key) or token
        tokens.append(token)
    return tokens


def cached(key: str | None, compute: Callable, timeout: int):
    """`compute()`, kept under `key` for `timeout` seconds; a None key (that cache turned
    off) computes every time. For results that are never None (counts, data, HTML)."""
    from django.core.cache import cache

    if key is None:
        return compute()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value
