"""Every way in asks two-factor accounts for the second factor, and every password check is
slowed and locked out (issue 12).

The URLs that check a password are found, not listed: every pattern of the URL
configuration is posted a form that carries the right password under every name a password
field takes, by a visitor and by a signed-in student, and the URLs where a password was then
checked (`User.check_password` called) are the ways in. Then, for each of them:

- a password alone for a coordinator or a staff member reaches no personal data, whether it
  is posted by a visitor or from a session that has not given the second factor;
- after five wrong passwords there, the right one is refused before it is even checked.
"""

import datetime as dt
from contextlib import contextmanager

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from tests.two_factor import PASSWORD, code, sign_in

from .conftest import URL_ARGS, concrete_url, finish, routes

NEW_PASSWORD = "New-Secret-Word-456"
# Signing out is not a way in; its POST would only end the probing session.
NOT_PROBED = {"account_logout", "admin:logout"}
# The ways in that must be found (a sanity floor: the search itself can fail).
KNOWN_WAYS_IN = {"account_login", "account_reauthenticate", "account_change_password"}
TWO_FACTOR_ROLES = ("coordinator_x", "staff")


def credentials(user: User, password: str) -> dict[str, str]:
    """A form that a password check of any shape would read."""
    return {
        "login": user.email,
        "email": user.email,
        "username": user.email,
        "password": password,
        "oldpassword": password,
        "old_password": password,
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD,
    }


@contextmanager
def checked_passwords(monkeypatch):
    """The emails of the users whose password was checked inside the block."""
    checked: list[str] = []
    original = User.check_password

    def spy(self, raw_password):
        checked.append(self.email)
        return original(self, raw_password)

    with monkeypatch.context() as patch:
        patch.setattr(User, "check_password", spy)
        yield checked


@contextmanager
def undone():
    """The block's writes (sessions included) rolled back afterwards."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def _probed_urls(world) -> dict[str, str]:
    urls = {}
    for key, route in routes().items():
        if key in NOT_PROBED or (route.params and key not in URL_ARGS):
            continue  # the authorization matrix requires every URL with an id in URL_ARGS
        urls[key] = concrete_url(key, world)
    return urls


@pytest.fixture(scope="module")
def ways_in(world, django_db_blocker):
    """{URL name: path} of every URL whose POST checks a password, as found by probing."""
    found = {}
    probe = world.student_a
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as monkeypatch:
        for key, url in _probed_urls(world).items():
            for signed_in in (False, True):
                client = Client(raise_request_exception=False)
                with undone(), checked_passwords(monkeypatch) as checked:
                    if signed_in:
                        sign_in(client, probe)
                    finish(client.post(url, credentials(probe, PASSWORD)))
                if checked:
                    found[key] = url
                    break
    return found


def test_the_ways_in_are_found_in_the_url_configuration(db, ways_in):
    assert set(ways_in) >= KNOWN_WAYS_IN, sorted(ways_in)
    # The admin's own login form checked a password alone (finding 1): it hands over now.
    assert "admin:login" not in ways_in
    assert "admin:password_change" not in ways_in


def personal_data(world) -> list[str]:
    """Pages with a student's personal data that coordinator X and staff may open."""
    return [
        reverse("applicants:host-entry-detail", args=[world.application_a.pk]),
        reverse("applicants:host-entry-list", args=[world.project_a.pk]),
        reverse("admin:applicants_application_change", args=[world.application_a.pk]),
        reverse("admin:applicants_application_changelist"),
        reverse("pipeline:board", args=[world.region_x.slug]),
    ]


def _reaches(client, urls) -> list[str]:
    reached = []
    for url in urls:
        response = client.get(url)
        finish(response)
        if response.status_code == 200:
            reached.append(url)
    return reached


@pytest.mark.parametrize("role", TWO_FACTOR_ROLES)
def test_with_both_factors_the_personal_data_is_reached(world, db, role):
    """The control: the checks below would see the pages if a session reached them."""
    client = Client()
    sign_in(client, world.users[role], second_factor=True)
    assert _reaches(client, personal_data(world)) == personal_data(world)


@pytest.mark.parametrize("role", TWO_FACTOR_ROLES)
@pytest.mark.parametrize("session", ["visitor", "password only"])
def test_a_password_alone_reaches_no_personal_data_on_any_way_in(world, db, ways_in, role, session):
    user = world.users[role]
    for key, url in ways_in.items():
        with undone():
            client = Client(raise_request_exception=False)
            if session == "password only":
                sign_in(client, user, second_factor=False)
            finish(client.post(url, credentials(user, PASSWORD)))
            reached = _reaches(client, personal_data(world))
            assert reached == [], f"a password posted to {key} as {role} reached {reached}"


def test_the_sign_in_then_the_code_reaches_the_personal_data(world, db):
    """The way in that works: the password, then the authenticator's code."""
    client = Client()
    user = world.coordinator_x
    response = client.post(reverse("account_login"), credentials(user, PASSWORD))
    assert response.url.startswith(reverse("mfa_authenticate"))
    assert _reaches(client, personal_data(world)) == []
    client.post(reverse("mfa_authenticate"), {"code": code(world.secrets["coordinator_x"])})
    assert _reaches(client, personal_data(world)) == personal_data(world)


def _lockout_cases(ways_in):
    """Each way in, with the account that uses it: a visitor's way in is tried with every
    role's password; a signed-in one (re-authentication, the password change) by a student,
    whose session needs no second factor to reach it."""
    cases = []
    for key in sorted(ways_in):
        if key == "account_login":
            cases += [(key, role) for role in ("student_a", *TWO_FACTOR_ROLES)]
        else:
            cases.append((key, "student_a"))
    return cases


def test_every_way_in_locks_out_after_five_wrong_passwords(world, db, ways_in, monkeypatch):
    for key, role in _lockout_cases(ways_in):
        user = world.users[role]
        url = ways_in[key]
        with undone(), time_machine.travel(timezone.now(), tick=False) as clock:
            client = Client(raise_request_exception=False)
            signed_in = key != "account_login"
            for attempt in range(5):
                if signed_in:
                    sign_in(client, user)
                # Past the slowdown's wait and the forms' own rate limits: every guess is
                # checked, so the count is the lockout's.
                clock.shift(dt.timedelta(seconds=61))
                with checked_passwords(monkeypatch) as checked:
                    finish(client.post(url, credentials(user, "wrong-guess")))
                assert checked, f"{key} as {role}: guess {attempt + 1} was not checked"
            clock.shift(dt.timedelta(seconds=61))
            if signed_in:
                sign_in(client, user)
            with checked_passwords(monkeypatch) as checked:
                response = client.post(url, credentials(user, PASSWORD))
                finish(response)
            assert checked == [], f"{key} as {role}: the right password was checked when locked"
            if key == "account_login":
                assert "_auth_user_id" not in client.session
            user.refresh_from_db()
            assert user.check_password(PASSWORD), f"{key} changed the password when locked"
        from django.core.cache import cache

        cache.clear()  # the next way in starts with no failures counted
