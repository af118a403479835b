"""Development settings: the embedded default with DEBUG on."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# The demo logins work without clicking a verification link.
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="optional")
# Static files come from the finders (no collectstatic for the dev server).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True

# The demo logins work without an authenticator app; production requires it (base.py).
MFA_REQUIRED = env.bool("MFA_REQUIRED", default=False)
