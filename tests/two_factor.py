"""Signing in with two factors in tests: an authenticator, its current code, a full session."""

import time

from allauth.account.models import EmailAddress
from allauth.mfa import app_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core.cache import cache
from django.urls import reverse

from accounts.two_factor import authentication_records

PASSWORD = "pass-Word-123"  # tests.factories.UserFactory's
CODE_MARGIN_SECONDS = 3


def verify_email(user) -> None:
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def enrol(user) -> str:
    """Give `user` an authenticator app and recovery codes, as enrolling does; returns the
    TOTP secret (in clear: what the app holds)."""
    verify_email(user)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def code(secret: str) -> str:
    """The authenticator's code now. allauth takes each code once: a test that signs in twice
    clears the cache of used codes between.

    A code is good in its own 30-second period only (no tolerance): one read in the last
    seconds of a period can reach the server in the next and be refused (a browser journey on
    a busy machine takes a second or two from here to the check), so then it waits for the
    next period."""
    left = app_settings.TOTP_PERIOD - time.time() % app_settings.TOTP_PERIOD
    if left < CODE_MARGIN_SECONDS:
        time.sleep(left + 0.05)
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def forget_used_codes() -> None:
    cache.clear()


def sign_in(client, user, *, second_factor: bool = True) -> None:
    """Sign `client` in as `user` without the forms, with the session records allauth keeps:
    the password, and the second factor when `second_factor`."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session.update(authentication_records(user=user, second_factor=second_factor))
    session.save()


def sign_in_through_forms(client, user, secret: str | None = None, password: str = PASSWORD):
    """The sign-in form, then the authenticator's code when `secret` is given; returns the
    last response."""
    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    if secret is not None and response.status_code == 302:
        response = client.post(reverse("mfa_authenticate"), {"code": code(secret)})
    return response


def has_authenticator(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
