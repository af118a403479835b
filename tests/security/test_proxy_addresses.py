"""Rate limits count the real client behind our proxies, and only behind them (issue 8).

One environment variable, TRUSTED_PROXY_COUNT, says how many proxies of ours stand in front
of gunicorn. With 1, the address the proxy appended to X-Forwarded-For is the one limited
(logins by allauth, the public forms by accounts.adapter.client_ip); with 0 the header is
ignored, so a client that sends one cannot choose the address it is counted under.
"""

import datetime as dt
import runpy
from pathlib import Path

import pytest
import time_machine
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.conf import settings as django_settings
from django.core.cache import cache

from accounts.adapter import client_ip
from programs.models import PamphletRequest
from programs.views import RATE_LIMIT_PER_IP
from tests.factories import RegionFactory, UserFactory

# Not the `db` fixture: in this folder that one is a savepoint in the world of conftest.py.
pytestmark = pytest.mark.django_db

BASE_SETTINGS = Path(__file__).resolve().parents[2] / "config" / "settings" / "base.py"
PROXY = "10.0.0.2"  # the load balancer, as gunicorn sees it
CLIENT = "203.0.113.7"
OTHER_CLIENT = "198.51.100.1"
PASSWORD = "pass-Word-123"
# allauth's lockout: ACCOUNT_RATE_LIMITS["login_failed"] = "5/15m/ip,…"
LOGIN_FAILURES_PER_IP = 5


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def proxies(settings):
    """`proxies(n)`: the settings as base.py makes them from TRUSTED_PROXY_COUNT=n."""

    def set_count(count: int) -> None:
        settings.TRUSTED_PROXY_COUNT = count
        settings.ALLAUTH_TRUSTED_PROXY_COUNT = count

    return set_count


# ------------------------------------------------------------------------------------------
# The setting
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("variable", "expected"), [(None, 0), ("1", 1), ("2", 2)])
def test_one_environment_variable_sets_the_count_for_allauth_and_the_forms(
    monkeypatch, variable, expected
):
    if variable is None:
        monkeypatch.delenv("TRUSTED_PROXY_COUNT", raising=False)
    else:
        monkeypatch.setenv("TRUSTED_PROXY_COUNT", variable)
    values = runpy.run_path(str(BASE_SETTINGS))
    assert values["TRUSTED_PROXY_COUNT"] == expected
    assert values["ALLAUTH_TRUSTED_PROXY_COUNT"] == expected


def test_the_header_is_ignored_unless_configured():
    assert django_settings.TRUSTED_PROXY_COUNT == 0
    assert django_settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0


# ------------------------------------------------------------------------------------------
# The address each limit counts
# ------------------------------------------------------------------------------------------

ADDRESSES = [
    # count, REMOTE_ADDR, X-Forwarded-For, the client's address
    (0, CLIENT, None, CLIENT),
    (0, CLIENT, "192.0.2.66", CLIENT),  # no proxy of ours: the header is the client's own
    (1, PROXY, CLIENT, CLIENT),
    (1, PROXY, f"192.0.2.66, {CLIENT}", CLIENT),  # the client's forged part is skipped
    (1, PROXY, f" 192.0.2.66 ,{CLIENT} ", CLIENT),
    (2, "10.0.0.3", f"192.0.2.66, {CLIENT}, {PROXY}", CLIENT),
    # Fewer forwarded addresses than proxies: the request skipped one of ours (a client at
    # the load balancer, past the CDN); it counts by its peer, and nothing answers 500.
    (2, PROXY, CLIENT, PROXY),
    (1, PROXY, None, PROXY),
]
RESOLVERS = {
    "allauth": lambda request: get_adapter(request).get_client_ip(request),
    "forms": client_ip,
}


@pytest.mark.parametrize("resolver", RESOLVERS)
@pytest.mark.parametrize(("count", "remote", "forwarded", "expected"), ADDRESSES)
def test_the_client_address_behind_n_proxies(
    rf, proxies, resolver, count, remote, forwarded, expected
):
    proxies(count)
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    request = rf.post("/", REMOTE_ADDR=remote, **headers)
    assert RESOLVERS[resolver](request) == expected


# ------------------------------------------------------------------------------------------
# The public forms (pamphlet request), end to end
# ------------------------------------------------------------------------------------------


def _request_pamphlet(client, region, n: int, **meta):
    data = {
        "organization_name": f"株式会社{n}",
        "organization_kind": "company",
        "contact_name": "佐藤 一郎",
        "email": f"person{n}@example.jp",  # a new address each time: only the IP limit counts
        "region": region.pk,
        "consent": "on",
        "website": "",
    }
    return client.post("/pamphlet/request/", data, **meta).status_code


def test_behind_one_proxy_the_forwarded_client_is_limited_not_the_proxy(client, proxies):
    proxies(1)
    region = RegionFactory()
    for n in range(RATE_LIMIT_PER_IP):
        # A forged address in front changes nothing: the proxy appended the real one.
        forwarded = f"192.0.2.{n}, {CLIENT}"
        assert (
            _request_pamphlet(client, region, n, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
            == 302
        )
    assert (
        _request_pamphlet(client, region, 98, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT) == 429
    )
    # Another visitor through the same proxy still gets through.
    assert (
        _request_pamphlet(client, region, 99, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=OTHER_CLIENT)
        == 302
    )
    assert PamphletRequest.objects.count() == RATE_LIMIT_PER_IP + 1


def test_without_a_proxy_a_forged_header_does_not_escape_the_limit(client, proxies):
    proxies(0)
    region = RegionFactory()
    for n in range(RATE_LIMIT_PER_IP):
        forwarded = f"192.0.2.{n}"
        assert (
            _request_pamphlet(client, region, n, REMOTE_ADDR=CLIENT, HTTP_X_FORWARDED_FOR=forwarded)
            == 302
        )
    assert (
        _request_pamphlet(client, region, 99, REMOTE_ADDR=CLIENT, HTTP_X_FORWARDED_FOR=OTHER_CLIENT)
        == 429
    )
    assert PamphletRequest.objects.count() == RATE_LIMIT_PER_IP


# ------------------------------------------------------------------------------------------
# Logins (allauth's lockout after failed logins per address), end to end
# ------------------------------------------------------------------------------------------


def _account(email: str):
    user = UserFactory(email=email)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def _login(client, email: str, password: str, **meta) -> str:
    """'ok', or the code of the form's error."""
    response = client.post("/accounts/login/", {"login": email, "password": password}, **meta)
    if response.status_code == 302:
        client.logout()
        return "ok"
    errors = response.context["form"].non_field_errors().as_data()
    assert len(errors) == 1, errors
    return errors[0].code


@pytest.fixture
def clock():
    with time_machine.travel(dt.datetime(2027, 4, 1, 10, 0, tzinfo=dt.UTC), tick=False) as t:
        yield t


def _fail_logins(client, clock, **meta) -> None:
    """Failed logins at different accounts (so only the address counts), far enough apart
    that the slowing of accounts.adapter never refuses one: allauth's lockout is what is left."""
    gap = getattr(django_settings, "LOGIN_SLOWDOWN", {}).get("max_delay", 0) + 1
    for n in range(LOGIN_FAILURES_PER_IP):
        email = f"guess{n}@example.jp"
        _account(email)
        assert _login(client, email, "wrong-password", **meta) == "email_password_mismatch"
        clock.shift(gap)


def test_behind_one_proxy_logins_are_locked_out_per_forwarded_client(client, clock, proxies):
    proxies(1)
    _account("hanako@example.jp")
    _account("taro@example.jp")
    _fail_logins(client, clock, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.1, {CLIENT}")

    locked = _login(
        client, "hanako@example.jp", PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT
    )
    assert locked == "too_many_login_attempts"
    other = _login(
        client, "taro@example.jp", PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=OTHER_CLIENT
    )
    assert other == "ok"


def test_without_a_proxy_logins_are_locked_out_whatever_the_header_says(client, clock, proxies):
    proxies(0)
    _account("hanako@example.jp")
    _fail_logins(client, clock, REMOTE_ADDR=CLIENT, HTTP_X_FORWARDED_FOR="192.0.2.1")

    locked = _login(
        client, "hanako@example.jp", PASSWORD, REMOTE_ADDR=CLIENT, HTTP_X_FORWARDED_FOR=OTHER_CLIENT
    )
    assert locked == "too_many_login_attempts"
