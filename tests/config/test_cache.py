"""The Redis cache fails open: with Redis unreachable, rate limits let people through."""

import pytest
from django.core.cache import caches
from django.test import override_settings

pytestmark = pytest.mark.django_db

NOWHERE = {
    "default": {
        "BACKEND": "config.cache.TolerantRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


def test_cache_calls_do_not_raise_when_redis_is_down():
    with override_settings(CACHES=NOWHERE):
        cache = caches.create_connection("default")
        assert cache.get("x") is None
        assert cache.get("x", []) == []
        assert cache.add("x", 1) is True
        cache.set("x", 1)
        assert cache.incr("x") == 1
        assert cache.get_many(["a", "b"]) == {}


def test_login_and_contact_work_while_the_cache_is_down(client):
    from tests.factories import RegionFactory, UserFactory

    UserFactory(email="down@example.jp")
    region = RegionFactory()
    with override_settings(CACHES=NOWHERE):
        login = client.post("/accounts/login/", {"login": "down@example.jp", "password": "nope"})
        assert login.status_code == 200
        contact = client.get("/contact/")
        assert contact.status_code == 200
        assert region.pk
