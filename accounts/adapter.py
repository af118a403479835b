"""allauth glue: failed logins wait longer and longer before allauth's lockout takes over."""

import hashlib
import ipaddress
import logging
import math
import time
from typing import Any

from allauth import app_settings as allauth_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import ratelimit
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import HttpRequest
from django.utils.translation import ngettext

logger = logging.getLogger(__name__)

CACHE_PREFIX = "accounts:login-slowdown"


def login_delay(failures: int) -> int:
    """Seconds a login must wait after `failures` consecutive failed attempts: nothing at
    first, then `first_delay` doubling per further failure, capped at `max_delay`."""
    conf = settings.LOGIN_SLOWDOWN
    if failures < conf["after_failures"]:
        return 0
    steps = failures - conf["after_failures"]
    return min(conf["first_delay"] * 2**steps, conf["max_delay"])


class LoginSlowdown:
    """Consecutive failed logins of one account (its normalised email) and from one address.

    Each counter lives in Django's cache (like allauth's rate limits, so every web process
    sees it) as (failures, time of the last failure) and expires `window` seconds after the
    last failure. The request never sleeps: an attempt that comes too early is refused
    before the password is even checked, and the form tells how long to wait.
    """

    def __init__(self, request: HttpRequest, *, email: str | None, ip: str | None) -> None:
        self.request = request
        self.keys: list[str] = []
        if email:
            digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
            self.account_key: str | None = f"{CACHE_PREFIX}:email:{digest}"
            self.keys.append(self.account_key)
        else:
            self.account_key = None
        if ip:
            self.keys.append(f"{CACHE_PREFIX}:ip:{ip}")

    @classmethod
    def for_credentials(cls, request: HttpRequest, adapter, **credentials: Any) -> "LoginSlowdown":
        return cls(request, email=credentials.get("email"), ip=client_address(request, adapter))

    def seconds_to_wait(self) -> int:
        """Whole seconds until the next attempt may be checked (0: go ahead)."""
        now = time.time()
        wait = 0.0
        stored = cache.get_many([*self.keys, *(f"{key}:last" for key in self.keys)])
        for key in self.keys:
            failures, last_failure = stored.get(key), stored.get(f"{key}:last")
            if failures and last_failure:
                wait = max(wait, last_failure + login_delay(failures) - now)
        return math.ceil(wait) if wait > 0 else 0

    def record_failure(self) -> None:
        """One more failure on each counter. The count goes up with the cache's atomic
        increment, so failures at the same moment from several processes all count; the
        time of the last one sits beside it."""
        now = time.time()
        window = settings.LOGIN_SLOWDOWN["window"]
        for key in self.keys:
            cache.add(key, 0, timeout=window)
            try:
                cache.incr(key)
            except ValueError:  # expired in between, or the cache is down
                cache.set(key, 1, timeout=window)
            cache.touch(key, timeout=window)
            cache.set(f"{key}:last", now, timeout=window)

    def clear_account(self) -> None:
        # The address keeps its count: one valid login of an attacker's own account must
        # not reset the slowing of the guesses made from the same address at other accounts.
        if self.account_key:
            cache.delete_many([self.account_key, f"{self.account_key}:last"])


def client_ip(request) -> str:
    """The client's address. Behind N trusted proxies (settings.TRUSTED_PROXY_COUNT, which
    allauth's ALLAUTH_TRUSTED_PROXY_COUNT follows) it is the Nth address from the right of
    X-Forwarded-For; the left part can be forged."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def client_address(request: HttpRequest, adapter) -> str | None:
    """The client's address as allauth's rate limits see it (ALLAUTH_TRUSTED_PROXY_COUNT /
    ALLAUTH_TRUSTED_CLIENT_IP_HEADER apply); an IPv6 address counts by its network prefix."""
    if request is None:
        return None
    ip = adapter.get_client_ip(request)
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        prefix = allauth_settings.RATE_LIMIT_IPV6_PREFIX
        return str(ipaddress.IPv6Network(f"{address}/{prefix}", strict=False).network_address)
    return ip


class AccountAdapter(DefaultAccountAdapter):
    """The site's allauth adapter: slows repeated failed logins down before the lockout, and
    asks accounts with an authenticator for its code when they re-authenticate."""

    def get_client_ip(self, request: HttpRequest) -> str:
        """allauth's address (TRUSTED_PROXY_COUNT applies); a request with fewer forwarded
        addresses than trusted proxies did not come through them all, and counts by its own
        peer address, as the forms' rate limits do (`client_ip`), instead of allauth's
        ImproperlyConfigured answering 500."""
        try:
            return super().get_client_ip(request)
        except ImproperlyConfigured:
            return client_ip(request)

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        # Once allauth's lockout (ACCOUNT_RATE_LIMITS["login_failed"]) applies, its own
        # message ("try again later") is the one to show, not a countdown.
        if request is not None and not self._login_locked_out(request, **credentials):
            wait = LoginSlowdown.for_credentials(request, self, **credentials).seconds_to_wait()
            if wait:
                logger.info(
                    "login attempt refused: %s s to wait (ip=%s)",
                    wait,
                    client_address(request, self),
                )
                raise ValidationError(
                    ngettext(
                        "Too many failed attempts. Please wait %(seconds)d second and try again.",
                        "Too many failed attempts. Please wait %(seconds)d seconds and try again.",
                        wait,
                    ),
                    code="login_slowed_down",
                    params={"seconds": wait},
                )
        super().pre_authenticate(request, **credentials)

    def _login_locked_out(self, request: HttpRequest, **credentials: Any) -> bool:
        key = self._get_login_attempts_cache_key(request, **credentials)
        return not ratelimit.consume(request, action="login_failed", key=key, dry_run=True)

    def authenticate(self, request: HttpRequest, **credentials: Any):
        user = super().authenticate(request, **credentials)
        if user is not None and request is not None:
            LoginSlowdown.for_credentials(request, self, **credentials).clear_account()
        return user

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        super().authentication_failed(request, **credentials)
        if request is not None:
            LoginSlowdown.for_credentials(request, self, **credentials).record_failure()

    def get_reauthentication_methods(self, user) -> list[dict]:
        """An account with an authenticator confirms a sensitive change with its code, never
        with the password alone (which is what a stolen password would offer)."""
        methods = super().get_reauthentication_methods(user)
        if user.is_authenticated and is_mfa_enabled(user):
            methods = [method for method in methods if method["id"].startswith("mfa_")]
        return methods

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials: Any) -> None:
        # allauth lifts its lockout of an account after a successful password reset; the
        # account's slowing goes with it.
        super()._delete_login_attempts_cached_email(request, **credentials)
        LoginSlowdown.for_credentials(request, self, **credentials).clear_account()
