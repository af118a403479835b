"""System checks of the sign-in settings (`manage.py check --deploy` runs the deploy ones)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured


@register(Tags.security)
def check_encryption_keys(app_configs, **kwargs):
    from .mfa import _fernet

    try:
        _fernet()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="accounts.E001")]
    return []


@register(Tags.security, deploy=True)
def check_two_factor_required(app_configs, **kwargs):
    if settings.MFA_REQUIRED:
        return []
    return [
        Warning(
            "MFA_REQUIRED is off: staff and coordinators, who see students' personal data, "
            "can sign in with a password alone.",
            hint="Leave MFA_REQUIRED unset (it defaults to True) outside development.",
            id="accounts.W001",
        )
    ]


@register(Tags.security, deploy=True)
def check_own_encryption_key(app_configs, **kwargs):
    if settings.MFA_ENCRYPTION_KEYS:
        return []
    return [
        Warning(
            "MFA_ENCRYPTION_KEYS is empty: the two-factor secrets are encrypted with a key "
            "derived from SECRET_KEY.",
            hint="Set MFA_ENCRYPTION_KEYS (docs/security.md says how to make and rotate one).",
            id="accounts.W002",
        )
    ]
