"""Base settings: everything the platform needs, read from the environment (django-environ)."""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
# A .env file is read only on request (compose passes its variables directly), so a copied
# .env.example on the host cannot point `make run` at compose's hostnames by surprise.
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=False):
    env.read_env(str(BASE_DIR / ".env"), overwrite=False)

# ------------------------------------------------------------------------------
# General
# ------------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# The embedded default needs no secret; production.py insists on a real one.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-embedded-default-do-not-use-in-production")
# Former keys that still verify sessions and signed links while a new SECRET_KEY rolls out
# (docs/security.md, "Rotating keys"). https://docs.djangoproject.com/en/6.1/ref/settings/#secret-key-fallbacks
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
# Absolute links in emails and calendar invitations are built on this.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# https://docs.djangoproject.com/en/6.1/topics/i18n/
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# ------------------------------------------------------------------------------
# Databases: a SQLite file in the project folder unless DATABASE_URL is set.
# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-db-url
# ------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # No JIT: it compiled for 30–215 ms on the dashboards' aggregates, longer than they run;
    # short OLTP queries never gain from it.
    # https://www.postgresql.org/docs/current/jit-decision.html
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
else:
    # WAL lets the dev server read while a Celery task writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ------------------------------------------------------------------------------
# URLs and apps
# ------------------------------------------------------------------------------
ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

DJANGO_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    # django.contrib.admin, signed into through allauth only (accounts/admin_site.py).
    "accounts.admin_site.SiteAdminConfig",
]
THIRD_PARTY_APPS = [
    "crispy_forms",
    "crispy_bootstrap5",
    "allauth",
    "allauth.account",
    "allauth.mfa",
]
LOCAL_APPS = [
    "accounts",
    "programs",
    "projects",
    "applicants",
    "coordinators",
    "notifications",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

# ------------------------------------------------------------------------------
# Authentication (django-allauth, email as the login)
# https://docs.allauth.org/en/latest/account/configuration.html
# ------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "programs:home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_UNIQUE_EMAIL = True
# A password change ends the sessions, this one included.
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
# Two-factor authentication (TOTP with recovery codes). Every account that can see students'
# personal data (staff, superusers and every region's coordinator) counts as signed in only
# once it gave its second factor in the session (accounts.middleware.TwoFactorMiddleware);
# sensitive changes ask for it again (re-authentication), and secrets are kept encrypted
# (accounts.mfa.MFAAdapter). docs/security.md explains the whole.
# https://docs.allauth.org/en/latest/mfa/configuration.html
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_REQUIRED = env.bool("MFA_REQUIRED", default=True)
MFA_ADAPTER = "accounts.mfa.MFAAdapter"
# Fernet keys (comma-separated; the first encrypts, all decrypt) for the TOTP secrets and
# recovery-code seeds at rest. Without any, a key derived from SECRET_KEY (the embedded
# default); production.py insists on its own. Rotating: docs/security.md.
MFA_ENCRYPTION_KEYS = env.list("MFA_ENCRYPTION_KEYS", default=[])
# Codes shown in authenticator apps under this name.
MFA_TOTP_ISSUER = "北海道チャレンジコミュニティ"
# Changing a password or an address, and managing the authenticator or the recovery codes,
# ask for the password again (the authenticator's code for an account that has one) when
# the last confirmation is older than ACCOUNT_REAUTHENTICATION_TIMEOUT (5 min).
# An account without a password (created by staff) confirms with a code sent by email.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
# The account's owner hears of every change to its password, addresses and authenticators.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_FORMS = {
    "change_password": "accounts.forms.ChangePasswordForm",
}
# After 5 failed logins for an account (its email) or from an address, the next attempts
# are refused for 15 minutes. https://docs.allauth.org/en/latest/account/rate_limits.html
ACCOUNT_RATE_LIMITS = {"login_failed": "5/15m/ip,5/15m/key"}
# Before that lockout, failed logins are slowed (accounts.adapter.AccountAdapter): from the
# `after_failures`-th consecutive failure on, the next attempt is refused unchecked until
# `first_delay` seconds have passed, doubling per further failure (2, 4, 8 s ...) up to
# `max_delay`; the count is kept `window` seconds after the last failure, and a successful
# login clears the account's count. Nothing sleeps in the request.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
LOGIN_SLOWDOWN = {
    "after_failures": env.int("LOGIN_SLOWDOWN_AFTER_FAILURES", default=2),
    "first_delay": env.int("LOGIN_SLOWDOWN_FIRST_DELAY", default=2),
    "max_delay": env.int("LOGIN_SLOWDOWN_MAX_DELAY", default=60),
    "window": env.int("LOGIN_SLOWDOWN_WINDOW", default=15 * 60),
}
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# ------------------------------------------------------------------------------
# Middleware
# ------------------------------------------------------------------------------
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.PrivateCacheMiddleware",
    "accounts.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
]

# ------------------------------------------------------------------------------
# Static and media files
# https://whitenoise.readthedocs.io/en/stable/django.html
# ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (pamphlets, pre-assignments) are private: served through views only.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 11 * 1024 * 1024
# The largest pamphlet PDF the admin accepts (programs/files.py).
PAMPHLET_MAX_UPLOAD_BYTES = 20 * 1024 * 1024

# ------------------------------------------------------------------------------
# Templates
# ------------------------------------------------------------------------------
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.messages.context_processors.messages",
                "programs.context_processors.site",
                "notifications.context_processors.bell",
            ],
        },
    }
]
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# ------------------------------------------------------------------------------
# Security
# https://docs.djangoproject.com/en/6.1/ref/csp/
# ------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# How many proxies of our own (load balancer, nginx) stand in front of the web containers.
# Behind N of them the client's address is the Nth from the right of X-Forwarded-For (the
# part to its left is whatever the client sent); 0 ignores the header, so a client cannot
# pick the address its rate limits count. allauth's limits (logins) and the public forms'
# (accounts.adapter.client_ip) both use it.
# https://docs.allauth.org/en/latest/common/configuration.html
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    # The admin's templates carry style attributes; scripts stay strict (nonces only).
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}

# ------------------------------------------------------------------------------
# Email (Django 6.1 MAILERS). Console unless EMAIL_URL is set.
# https://docs.djangoproject.com/en/6.1/topics/email/
# ------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="北海道チャレンジコミュニティ <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_SUBJECT_PREFIX = "[Jissen] "


def smtp_mailers(email_url: str) -> dict:
    """MAILERS for an SMTP server given as a URL (smtp://user:pass@host:port, smtp+tls://...)."""
    parsed = env.email_url_config(email_url)
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": parsed["EMAIL_HOST"],
                "port": parsed.get("EMAIL_PORT") or 25,
                "username": parsed.get("EMAIL_HOST_USER") or None,
                "password": parsed.get("EMAIL_HOST_PASSWORD") or None,
                "use_tls": bool(parsed.get("EMAIL_USE_TLS")),
                "use_ssl": bool(parsed.get("EMAIL_USE_SSL")),
                "timeout": 20,
            },
        }
    }


EMAIL_URL = env("EMAIL_URL", default="")
if EMAIL_URL:
    MAILERS = smtp_mailers(EMAIL_URL)
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# ------------------------------------------------------------------------------
# Celery: Redis when REDIS_URL is set, else tasks run eagerly in the web process.
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
# ------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
# A task in flight when a worker dies goes back to the queue (STYLE.md, traps).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
# Longer than the longest task and every countdown: a lost task returns in 15 min, not 1 h.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 15 * 60}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing a task gives up quickly when the broker is down (the outbox row stays pending
# and the sweeper queues it later), so a request never hangs on Redis.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_WORKER_SEND_TASK_EVENTS = True
CELERY_TASK_SEND_SENT_EVENT = True
# The outbox sweeper (notifications.tasks.sweep_pending) queues pending rows this many per
# query and at most NOTIFICATIONS_SWEEP_LIMIT a run: a backlog after an outage clears in a
# few minutes without one run holding the worker.
NOTIFICATIONS_SWEEP_BATCH_SIZE = env.int("NOTIFICATIONS_SWEEP_BATCH_SIZE", default=500)
NOTIFICATIONS_SWEEP_LIMIT = env.int("NOTIFICATIONS_SWEEP_LIMIT", default=10_000)
CELERY_BEAT_SCHEDULE = {
    "notifications-sweep-pending": {
        "task": "notifications.tasks.sweep_pending",
        "schedule": 60.0,
    },
    "projects-publish-scheduled": {
        "task": "projects.tasks.publish_scheduled_projects",
        "schedule": 60.0,
    },
    "projects-entry-deadline-alerts": {
        "task": "projects.tasks.send_entry_deadline_alerts",
        "schedule": crontab(hour=9, minute=0),
    },
    "applicants-interview-reminders": {
        "task": "applicants.tasks.send_interview_reminders",
        "schedule": 300.0,
    },
    "applicants-pre-assignment-reminders": {
        "task": "applicants.tasks.send_pre_assignment_reminders",
        "schedule": crontab(minute=0),
    },
    "applicants-retention": {
        "task": "applicants.tasks.anonymise_expired_data",
        "schedule": crontab(hour=3, minute=30),
    },
    "coordinators-review-reminders": {
        "task": "coordinators.tasks.send_review_reminders",
        "schedule": crontab(hour=8, minute=30),
    },
    "coordinators-weekly-digest": {
        "task": "coordinators.tasks.send_weekly_digests",
        "schedule": crontab(hour=8, minute=0, day_of_week="mon"),
    },
}

# ------------------------------------------------------------------------------
# Caches
# ------------------------------------------------------------------------------
if REDIS_URL:
    # Fails open (config/cache.py): a Redis outage must not turn logins into errors.
    CACHES = {
        "default": {
            "BACKEND": "config.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    # Without Redis (the embedded default), a cache on disk: the web process, the in-process
    # beat of `make run` (run_periodic) and several gunicorn workers share it, so a change
    # made in one drops the cached pages, lists and counters of all. Memory per process would
    # keep each one's stale copies until they expire.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env("CACHE_DIR", default=str(BASE_DIR / ".cache")),
        }
    }
# Anonymous public pages (projects/page_cache.py) are cached whole and dropped when the data
# they show changes; this bounds how long a change made around the models (a bulk UPDATE,
# seed_scale) can stay visible. 0 turns the cache off.
PUBLIC_PAGE_CACHE_TIMEOUT = env.int("PUBLIC_PAGE_CACHE_TIMEOUT", default=600)
# At most this many pages are stored a minute (projects/page_cache.py): what a flood of
# distinct search URLs can add to the Redis that also holds sessions and login counters.
PUBLIC_PAGE_CACHE_STORES_PER_MINUTE = env.int("PUBLIC_PAGE_CACHE_STORES_PER_MINUTE", default=600)
# The coordinators' pipeline board and funnel (coordinators/selectors.py) keep their computed
# data until a row they read changes, and at most this long: days in a step and overdue flags
# move with the clock. 0 turns it off.
PIPELINE_CACHE_TIMEOUT = env.int("PIPELINE_CACHE_TIMEOUT", default=300)
# A student's entry cards on My page and a project's entries table for its host
# (applicants/cards.py) are kept as HTML until a row they show changes, and at most this
# long. 0 turns it off.
ENTRY_LIST_CACHE_TIMEOUT = env.int("ENTRY_LIST_CACHE_TIMEOUT", default=600)
# The big admin lists (accounts/list_cache.py) keep their count, date span and page of rows
# until the next write anywhere, and at most this long. 0 turns it off.
ADMIN_LIST_CACHE_TIMEOUT = env.int("ADMIN_LIST_CACHE_TIMEOUT", default=120)

# ------------------------------------------------------------------------------
# Admin and logging
# ------------------------------------------------------------------------------
ADMIN_URL = env("DJANGO_ADMIN_URL", default="admin/")
ADMINS = []
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"verbose": {"format": "%(levelname)s %(asctime)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "verbose"}},
    "root": {"level": env("LOG_LEVEL", default="INFO"), "handlers": ["console"]},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# How long personal data is kept (APPI; the privacy policy states the same periods).
RETENTION = {
    # Declined, withdrawn and offer-declined entries: texts and files removed after this.
    "closed_entry_days": env.int("RETENTION_CLOSED_ENTRY_DAYS", default=365),
    # Student accounts without login for this long (and nothing running) are deleted.
    "inactive_account_days": env.int("RETENTION_INACTIVE_ACCOUNT_DAYS", default=3 * 365),
}

# Labels of the programme shown on the public site.
PROGRAMME_NAME = _("Hokkaido Challenge Community")

# How list pages load a field their queryset did not fetch: "peers" (one query for the whole
# page) here, "raise" in the tests (config/fetching.py).
LIST_FETCH_MODE = "peers"
