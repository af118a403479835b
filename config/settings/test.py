"""Test settings: fast hashing, mail in memory, tasks eager unless the services run."""

from .base import *  # noqa: F403
from .base import REDIS_URL, env

SECRET_KEY = "test-secret-key-not-for-anything-else-0123456789abcdef"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEBUG = False
SITE_URL = "http://testserver"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
MEDIA_ROOT = BASE_DIR / ".pytest-media"  # noqa: F405
# With REDIS_URL the tests marked `services` talk to a real worker; the rest stay eager.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
ACCOUNT_RATE_LIMITS = {"login_failed": "5/15m/ip,5/15m/key"}
# Static files come from the finders (no collectstatic before tests).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
# Tests sign staff in directly; the tests of the sign-in (tests/accounts/test_two_factor.py,
# tests/security/, the browser journeys) turn the requirement on.
MFA_REQUIRED = False
# A list page that touches a field its queryset did not fetch fails (config/fetching.py).
LIST_FETCH_MODE = "raise"
