"""Settings: production passes the deploy checks; the embedded default needs no variables."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FERNET_KEY = "6z2sNnKl1Fd2bqQHqk3Qnq0bq9gFqyQp2c6cXl0f3Xw="


def _run(args, env_extra, tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "EMAIL_URL"))
    }
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_warnings(tmp_path):
    result = _run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": "x7#kq" * 12,
            "MFA_ENCRYPTION_KEYS": FERNET_KEY,
            "DJANGO_ALLOWED_HOSTS": "jissen.example.jp",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
            "EMAIL_URL": "smtp://mail.example.jp:587",
        },
        tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_require_a_secret_key(tmp_path):
    result = _run(
        ["check"],
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_ALLOWED_HOSTS": "jissen.example.jp",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        },
        tmp_path,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_embedded_default_uses_sqlite_eager_celery_and_console_mail():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings.local'; "
        "django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, "
        "s.MAILERS['default']['BACKEND'], s.LANGUAGE_CODE, s.TIME_ZONE)"
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "CELERY_"))
    }
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.mail.backends.console.EmailBackend",
        "ja",
        "Asia/Tokyo",
    ]


@pytest.mark.django_db
def test_every_html_response_carries_the_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "object-src 'none'" in csp
    assert "base-uri 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    # A public page kept in the anonymous page cache is rendered without a nonce: its
    # scripts are files under 'self', and nothing inline may run.
    assert "'self'" in script_src
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in csp
    # A page whose template asks for the nonce gets it in its header.
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    email = client.get("/accounts/email/").headers["Content-Security-Policy"]
    assert "'nonce-" in next(d for d in email.split(";") if d.strip().startswith("script-src"))
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_htmx_is_configured_for_the_content_security_policy(client):
    import json
    import re

    html = client.get("/").content.decode()
    config = json.loads(re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", html)[1])
    assert config["allowEval"] is False  # script-src has no 'unsafe-eval'
    assert config["allowScriptTags"] is False  # swapped HTML runs no script
    assert config["includeIndicatorStyles"] is False  # no <style> injected by htmx


def test_production_reads_sessions_from_the_cache(tmp_path):
    result = _run(
        ["shell", "-c", "from django.conf import settings; print(settings.SESSION_ENGINE)"],
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": "x7#kq" * 12,
            "MFA_ENCRYPTION_KEYS": FERNET_KEY,
            "DJANGO_ALLOWED_HOSTS": "jissen.example.jp",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        },
        tmp_path,
    )
    assert result.stdout.strip().splitlines()[-1] == "django.contrib.sessions.backends.cached_db"


@pytest.mark.django_db
def test_cached_sessions_spare_the_session_query_and_survive_a_cache_outage(client, settings):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import UserFactory

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    client.force_login(UserFactory())
    client.get("/notifications/")
    with CaptureQueriesContext(connection) as cached:
        assert client.get("/notifications/").status_code == 200
    assert not [q for q in cached.captured_queries if "django_session" in q["sql"]]
    cache.clear()  # as if Redis had lost it: read from the database, still signed in
    with CaptureQueriesContext(connection) as fallback:
        assert client.get("/notifications/").status_code == 200
    assert [q for q in fallback.captured_queries if "django_session" in q["sql"]]


def test_embedded_default_shares_its_cache_between_processes(tmp_path):
    """Without Redis, what one process drops (run_periodic publishing a project) is gone for
    the web process too: the cache is a folder, not each process's memory."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "CELERY_"))
    }
    env["CACHE_DIR"] = str(tmp_path / "cache")
    setup = (
        "import django, os, sys; os.environ['DJANGO_SETTINGS_MODULE']='config.settings.local'; "
        "django.setup(); from django.core.cache import cache; "
    )

    def run(code: str) -> str:
        out = subprocess.run(
            [sys.executable, "-c", setup + code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert out.returncode == 0, out.stderr
        return out.stdout.strip()

    run("cache.set('public-pages:version', 'v1', None)")
    assert run("print(cache.get('public-pages:version'))") == "v1"
    run("cache.delete('public-pages:version')")
    assert run("print(cache.get('public-pages:version'))") == "None"
