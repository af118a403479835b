"""Production settings: secrets required, HTTPS only, SMTP mail."""

from .base import *  # noqa: F403
from .base import env, smtp_mailers

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
# The key of the two-factor secrets at rest is its own, not derived from SECRET_KEY: rotating
# one must not lock every coordinator out (docs/security.md).
MFA_ENCRYPTION_KEYS = env.list("MFA_ENCRYPTION_KEYS")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# https://docs.djangoproject.com/en/6.1/howto/deployment/checklist/
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
# /healthz is probed over plain HTTP by the load balancer and compose.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Sessions are read from the cache (Redis) and written through to the database: one query
# less on every signed-in page; with Redis down they come from the database (the cache fails
# open, config/cache.py).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Production mail goes over SMTP (EMAIL_URL), never to the console (mail.E001).
MAILERS = smtp_mailers(env("EMAIL_URL", default="smtp://localhost:25"))
