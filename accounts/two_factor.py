"""Who must sign in with two factors, and whether this session gave the second one."""

import time
from collections.abc import Callable

from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
    get_authentication_records,
    record_authentication,
)
from allauth.account.internal.userkit import user_id_to_str
from django.conf import settings
from django.http import HttpRequest

# Predicates a higher app registers (through its AppConfig.ready) for the accounts that see
# students' personal data without being staff: programs registers "coordinates a region".
# accounts cannot ask those apps itself (they sit above it).
_ROLE_CHECKS: list[Callable[[object], bool]] = []

# The record allauth writes into the session when a second factor was given (at sign-in, on
# re-authentication) and that `record_second_factor` writes on enrolment.
SECOND_FACTOR_METHOD = "mfa"


def register_two_factor_role(check: Callable[[object], bool]) -> None:
    """Add a predicate that makes an account one that must use two factors (idempotent)."""
    if check not in _ROLE_CHECKS:
        _ROLE_CHECKS.append(check)


def is_two_factor_required() -> bool:
    """Whether the platform requires two factors of the accounts that need them (on in
    production; the embedded default and the tests switch it off, their tests on)."""
    return settings.MFA_REQUIRED


def needs_two_factors(user) -> bool:
    """True for an account that can see students' personal data: staff, superusers and
    everyone a registered predicate names (a region's coordinators, however appointed).

    Staff and superusers cost no query; the predicates run only for the others.
    """
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return any(check(user) for check in _ROLE_CHECKS)


def has_given_second_factor(request: HttpRequest) -> bool:
    """Whether the second factor was given in this session, by this user."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == SECOND_FACTOR_METHOD for record in records)


def record_second_factor(request: HttpRequest, user, authenticator) -> None:
    """Note in the session that `user` just proved they hold `authenticator` (its enrolment
    asks for a code from it), as allauth notes a code given at sign-in."""
    record_authentication(
        request,
        user,
        SECOND_FACTOR_METHOD,
        id=authenticator.pk,
        type=authenticator.type,
        reauthenticated=True,
    )


def confirm_sign_in(request: HttpRequest, user) -> None:
    """Mark what this session's sign-in was made with (the password, the code) as confirmed
    now, so that allauth's re-authentication counts it for its few minutes."""
    records = get_authentication_records(request, user)
    if records:
        request.session[AUTHENTICATION_METHODS_SESSION_KEY] = [
            {**record, "reauthenticated": True} for record in records
        ]


def authentication_records(*, user, second_factor: bool) -> dict:
    """The session keys allauth keeps after a sign-in by password (and a code, when
    `second_factor`): for tests and tools that sign a user in without the forms."""
    now = time.time()
    records = [{"method": "password", "at": now, "email": user.email}]
    if second_factor:
        records.append({"method": SECOND_FACTOR_METHOD, "at": now, "type": "totp"})
    return {
        AUTHENTICATION_METHODS_SESSION_KEY: records,
        _AUTHENTICATION_METHODS_USER_SESSION_KEY: user_id_to_str(user),
    }
