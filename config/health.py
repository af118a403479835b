"""GET /healthz: the database's and the broker's state, 200 when both answer, else 503."""

import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database() -> dict:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "down"; the reason is reported
        return {"ok": False, "error": exc.__class__.__name__}
    return {
        "ok": True,
        "vendor": connection.vendor,
        "ms": round(1000 * (time.monotonic() - started), 1),
    }


def _broker() -> dict:
    if not settings.REDIS_URL:
        # The embedded default runs tasks eagerly in the web process: nothing to reach.
        return {"ok": True, "kind": "eager"}
    import redis

    started = time.monotonic()
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        client.ping()
    except Exception as exc:
        return {"ok": False, "kind": "redis", "error": exc.__class__.__name__}
    return {"ok": True, "kind": "redis", "ms": round(1000 * (time.monotonic() - started), 1)}


def _outbox() -> dict:
    from notifications.services import outbox_health

    try:
        return {"ok": True, **outbox_health()}
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}


@never_cache
@require_GET
def healthz(request):
    checks = {"database": _database(), "broker": _broker()}
    healthy = all(c["ok"] for c in checks.values())
    # The outbox figures inform; a backlog alone does not make the service unavailable.
    outbox = _outbox() if checks["database"]["ok"] else {"ok": False}
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks, "outbox": outbox},
        status=200 if healthy else 503,
    )
