"""Failed logins wait longer and longer (per account and per address), then lock out."""

import datetime as dt

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core.cache import cache

from accounts.adapter import login_delay
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-Word-123"
WRONG_PASSWORD = "wrong-password"
START = dt.datetime(2027, 4, 1, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _account(email: str):
    user = UserFactory(email=email)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def attempt(client, email: str, password: str = WRONG_PASSWORD, ip: str = "192.0.2.1", **extra):
    """Post the login form from `ip`; the outcome is 'ok', a refusal's error code, or the error."""
    response = client.post(
        "/accounts/login/", {"login": email, "password": password}, REMOTE_ADDR=ip, **extra
    )
    if response.status_code == 302:
        client.logout()
        return "ok", None
    errors = response.context["form"].non_field_errors().as_data()
    assert len(errors) == 1
    return errors[0].code, (errors[0].params or {}).get("seconds")


def fail(client, email: str, ip: str = "192.0.2.1") -> None:
    assert attempt(client, email, ip=ip)[0] == "email_password_mismatch"


@pytest.mark.parametrize(
    ("failures", "seconds"), [(0, 0), (1, 0), (2, 2), (3, 4), (4, 8), (5, 16), (9, 60)]
)
def test_the_wait_doubles_from_the_second_failure_up_to_the_cap(failures, seconds):
    assert login_delay(failures) == seconds


def test_one_failure_is_not_slowed(client, clock):
    _account("hanako@example.jp")
    fail(client, "hanako@example.jp")
    assert attempt(client, "hanako@example.jp", PASSWORD) == ("ok", None)


def test_after_two_failures_even_the_right_password_waits_two_seconds(client, clock):
    _account("hanako@example.jp")
    fail(client, "hanako@example.jp")
    fail(client, "hanako@example.jp")

    assert attempt(client, "hanako@example.jp", PASSWORD) == ("login_slowed_down", 2)
    assert "_auth_user_id" not in client.session
    clock.shift(1)
    assert attempt(client, "hanako@example.jp", PASSWORD) == ("login_slowed_down", 1)
    clock.shift(1)
    assert attempt(client, "hanako@example.jp", PASSWORD) == ("ok", None)


def test_each_further_failure_doubles_the_wait(client, clock):
    _account("hanako@example.jp")
    fail(client, "hanako@example.jp")
    for expected_wait in (2, 4, 8):
        fail(client, "hanako@example.jp")
        assert attempt(client, "hanako@example.jp") == ("login_slowed_down", expected_wait)
        clock.shift(expected_wait)


def test_a_refused_early_attempt_is_not_counted_as_a_failure(client, clock):
    _account("hanako@example.jp")
    fail(client, "hanako@example.jp")
    fail(client, "hanako@example.jp")
    for _ in range(3):
        assert attempt(client, "hanako@example.jp")[0] == "login_slowed_down"
    clock.shift(2)
    fail(client, "hanako@example.jp")
    assert attempt(client, "hanako@example.jp") == ("login_slowed_down", 4)


def test_the_refusal_says_how_long_to_wait_beside_the_form(client, clock):
    _account("hanako@example.jp")
    client.cookies["django_language"] = "en"
    fail(client, "hanako@example.jp")
    fail(client, "hanako@example.jp")
    html = client.post(
        "/accounts/login/", {"login": "hanako@example.jp", "password": PASSWORD}
    ).content.decode()
    assert "Too many failed attempts. Please wait 2 seconds and try again." in html
    assert 'role="alert"' in html


def test_five_failures_lock_the_account_out_for_fifteen_minutes(client, clock):
    _account("hanako@example.jp")
    for failure in range(1, 6):
        fail(client, "hanako@example.jp")
        clock.shift(login_delay(failure))

    assert attempt(client, "hanako@example.jp", PASSWORD) == ("too_many_login_attempts", None)
    clock.shift(14 * 60 - 14)
    assert attempt(client, "hanako@example.jp", PASSWORD) == ("too_many_login_attempts", None)
    clock.shift(60)
    assert attempt(client, "hanako@example.jp", PASSWORD) == ("ok", None)


def test_a_successful_login_clears_the_accounts_count(client, clock):
    _account("hanako@example.jp")
    fail(client, "hanako@example.jp", ip="192.0.2.1")
    fail(client, "hanako@example.jp", ip="192.0.2.1")
    clock.shift(2)
    assert attempt(client, "hanako@example.jp", PASSWORD, ip="192.0.2.1") == ("ok", None)

    # From a fresh address, one more failure is the account's first again: no wait.
    fail(client, "hanako@example.jp", ip="198.51.100.7")
    assert attempt(client, "hanako@example.jp", PASSWORD, ip="198.51.100.7") == ("ok", None)


def test_failures_on_one_account_from_several_addresses_slow_that_account(client, clock):
    _account("hanako@example.jp")
    _account("taro@example.jp")
    fail(client, "hanako@example.jp", ip="192.0.2.1")
    fail(client, "hanako@example.jp", ip="192.0.2.2")

    assert attempt(client, "hanako@example.jp", ip="192.0.2.3") == ("login_slowed_down", 2)
    # The same address is not slowed for another account.
    assert attempt(client, "taro@example.jp", PASSWORD, ip="192.0.2.3") == ("ok", None)


def test_the_account_count_ignores_the_case_of_the_email(client, clock):
    _account("hanako@example.jp")
    fail(client, "Hanako@Example.jp", ip="192.0.2.1")
    fail(client, "HANAKO@example.jp", ip="192.0.2.2")
    assert attempt(client, "hanako@example.jp", ip="192.0.2.3") == ("login_slowed_down", 2)


def test_failures_from_one_address_on_several_accounts_slow_that_address(client, clock):
    for email in ("a@example.jp", "b@example.jp", "c@example.jp"):
        _account(email)
    fail(client, "a@example.jp", ip="203.0.113.9")
    fail(client, "b@example.jp", ip="203.0.113.9")

    assert attempt(client, "c@example.jp", PASSWORD, ip="203.0.113.9") == ("login_slowed_down", 2)
    # Another address reaches the same account at once.
    assert attempt(client, "c@example.jp", PASSWORD, ip="203.0.113.10") == ("ok", None)


def test_the_client_address_comes_from_the_proxy_header_when_configured(client, clock, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for email in ("a@example.jp", "b@example.jp", "c@example.jp"):
        _account(email)
    proxy = {"ip": "10.0.0.2"}
    for email in ("a@example.jp", "b@example.jp"):
        assert (
            attempt(client, email, HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy)[0]
            == "email_password_mismatch"
        )
    # The same client behind the proxy is slowed; another client behind it is not.
    assert attempt(client, "c@example.jp", HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy) == (
        "login_slowed_down",
        2,
    )
    assert attempt(
        client, "c@example.jp", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.4", **proxy
    ) == ("ok", None)


def test_the_count_is_forgotten_after_the_window(client, clock):
    _account("hanako@example.jp")
    fail(client, "hanako@example.jp")
    clock.shift(15 * 60 + 1)
    fail(client, "hanako@example.jp")
    assert attempt(client, "hanako@example.jp", PASSWORD) == ("ok", None)


def test_the_delays_follow_the_settings(client, clock, settings):
    settings.LOGIN_SLOWDOWN = {
        "after_failures": 1,
        "first_delay": 5,
        "max_delay": 60,
        "window": 900,
    }
    _account("hanako@example.jp")
    fail(client, "hanako@example.jp")
    assert attempt(client, "hanako@example.jp", PASSWORD) == ("login_slowed_down", 5)
