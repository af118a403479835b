"""Two factors for every account that sees personal data, on every way in (issue 12).

Each finding of the attacker's trial has a test here that failed before the fix:
1. /admin/login/ signed staff in with the password alone, outside the slowdown and lockout;
2. a password-only session could remove the authenticator after giving the password again;
3. a region's coordinator who was not `is_staff` read entries with no second factor;
(4. the secrets stored in clear and shown in the admin: test_mfa_secrets.py.)
"""

import datetime as dt

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.urls import reverse

from applicants.models import Application
from programs.models import RegionCoordinator
from tests.factories import CoordinatorFactory, StaffFactory, StudentFactory, UserFactory
from tests.flow import application_in
from tests.two_factor import (
    PASSWORD,
    code,
    enrol,
    forget_used_codes,
    has_authenticator,
    sign_in,
    sign_in_through_forms,
    verify_email,
)

pytestmark = pytest.mark.django_db

STUDENT_PHONE = "090-1234-5678"


@pytest.fixture(autouse=True)
def two_factors_required(settings):
    settings.MFA_REQUIRED = True


@pytest.fixture
def entry() -> Application:
    """A student's entry, with a phone number on the profile, in a region with a coordinator."""
    application, student, _member, _coordinator = application_in(Application.Status.SUBMITTED)
    student.student_profile.phone = STUDENT_PHONE
    student.student_profile.save()
    return application


def personal_data_urls(entry: Application) -> list[str]:
    return [
        reverse("applicants:host-entry-detail", args=[entry.pk]),
        reverse("applicants:host-entry-list", args=[entry.project_id]),
        reverse("admin:applicants_application_change", args=[entry.pk]),
        reverse("admin:index"),
        reverse("pipeline:board", args=[entry.project.region.slug]),
    ]


def two_factor_accounts(entry: Application):
    """Staff, a superuser, an appointed coordinator, and one only added to the region's row."""
    region = entry.project.region
    added = UserFactory()
    RegionCoordinator.objects.create(region=region, user=added)
    return {
        "staff": StaffFactory(is_superuser=False),
        "superuser": StaffFactory(),
        "coordinator": CoordinatorFactory(region=region),
        "added to the region": added,
    }


# 1. One way in ------------------------------------------------------------------------------


def test_the_admin_login_hands_over_to_the_sign_in_keeping_next(client):
    response = client.get("/admin/login/?next=/admin/applicants/application/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=%2Fadmin%2Fapplicants%2Fapplication%2F"

    response = client.get("/admin/login/")
    assert response.url == "/accounts/login/?next=%2Fadmin%2F"


def test_the_admin_login_refuses_a_next_on_another_site(client):
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response.url == "/accounts/login/?next=%2Fadmin%2F"


def test_a_password_posted_to_the_admin_login_signs_nobody_in(client, entry):
    staff = StaffFactory()
    enrol(staff)
    response = client.post(
        "/admin/login/", {"username": staff.email, "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302


def test_the_admin_password_change_is_allauths(client):
    staff = StaffFactory()
    enrol(staff)
    sign_in(client, staff)
    response = client.get("/admin/password_change/")
    assert response.status_code == 302
    assert response.url == reverse("account_change_password")


def test_the_sign_in_asks_staff_for_the_code_before_the_admin(client, entry):
    staff = StaffFactory()
    secret = enrol(staff)
    response = client.post(
        reverse("account_login"), {"login": staff.email, "password": PASSWORD, "next": "/admin/"}
    )
    assert response.url.startswith(reverse("mfa_authenticate"))
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("mfa_authenticate"), {"code": code(secret)})
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


# 3. Who needs two factors, and what a password alone reaches ---------------------------------


@pytest.mark.parametrize("role", ["staff", "superuser", "coordinator", "added to the region"])
def test_a_password_only_session_reaches_no_personal_data(client, entry, role):
    user = two_factor_accounts(entry)[role]
    enrol(user)
    sign_in(client, user, second_factor=False)
    for url in personal_data_urls(entry):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("mfa_reauthenticate")), url
        assert STUDENT_PHONE not in response.content.decode()
    # Writes are refused the same way.
    response = client.post(reverse("applicants:host-entry-screen", args=[entry.pk]))
    assert response.url.startswith(reverse("mfa_reauthenticate"))
    entry.refresh_from_db()
    assert entry.status == Application.Status.SUBMITTED


@pytest.mark.parametrize("role", ["staff", "superuser", "coordinator", "added to the region"])
def test_the_code_given_in_the_session_opens_the_pages(client, entry, role):
    user = two_factor_accounts(entry)[role]
    secret = enrol(user)
    sign_in(client, user, second_factor=False)
    # Staff that are not superusers see no region's entries (DESIGN.md), only the admin.
    target = (
        reverse("admin:index")
        if role == "staff"
        else reverse("applicants:host-entry-detail", args=[entry.pk])
    )
    response = client.get(target)
    assert response.url == f"{reverse('mfa_reauthenticate')}?next={target.replace('/', '%2F')}"
    response = client.post(response.url, {"code": code(secret)})
    assert response.status_code == 302
    assert response.url == target
    page = client.get(target)
    assert page.status_code == 200
    if role != "staff":
        assert STUDENT_PHONE in page.content.decode()


def test_an_account_without_an_authenticator_is_sent_to_enrol(client, entry):
    coordinator = two_factor_accounts(entry)["added to the region"]
    verify_email(coordinator)
    sign_in(client, coordinator, second_factor=False)
    response = client.get(reverse("applicants:host-entry-detail", args=[entry.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))
    # The sign-in steps answer; the rest of the account pages do not.
    assert client.get(reverse("mfa_activate_totp")).status_code in (200, 302)
    for name in ("account_change_password", "mfa_generate_recovery_codes"):
        assert client.get(reverse(name)).url.startswith(reverse("mfa_activate_totp"))


@pytest.mark.django_db(transaction=True)
def test_enrolling_counts_as_the_second_factor_of_the_session(client, entry, mailoutbox):
    """allauth announces the new authenticator after its transaction commits, within the
    request: this test commits for real so that it happens where it does in production."""
    coordinator = CoordinatorFactory(region=entry.project.region)
    verify_email(coordinator)
    sign_in_through_forms(client, coordinator)
    # Sent to enrol, and not asked for the password it has just given.
    response = client.get(reverse("applicants:host-entry-detail", args=[entry.pk]))
    assert response.url.startswith(reverse("mfa_activate_totp"))
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    mailoutbox.clear()
    response = client.post(reverse("mfa_activate_totp"), {"code": code(secret)})
    assert response.status_code == 302
    assert has_authenticator(coordinator)
    # The owner hears of it.
    assert [message.to for message in mailoutbox] == [[coordinator.email]]
    page = client.get(reverse("applicants:host-entry-detail", args=[entry.pk]))
    assert page.status_code == 200


def test_an_appointment_takes_effect_on_a_session_already_open(client, entry):
    """A student signed in with a password is appointed coordinator meanwhile: their next
    request needs the second factor."""
    from coordinators.services import coordinator_appoint

    student = StudentFactory()
    verify_email(student)
    sign_in(client, student, second_factor=False)
    assert client.get(reverse("applicants:my-page")).status_code == 200
    coordinator_appoint(user=student, region=entry.project.region)
    response = client.get(reverse("applicants:my-page"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))


def test_students_and_hosts_are_not_asked_for_a_second_factor(client, entry):
    sign_in(client, entry.student, second_factor=False)
    assert client.get(reverse("applicants:my-page")).status_code == 200


def test_the_requirement_can_be_switched_off_for_development(client, entry, settings):
    settings.MFA_REQUIRED = False
    staff = StaffFactory()
    sign_in(client, staff, second_factor=False)
    assert client.get(reverse("admin:index")).status_code == 200


# 2. Re-authentication: the takeover chain ----------------------------------------------------


def test_a_password_only_session_cannot_remove_or_replace_the_authenticator(client, entry):
    coordinator = CoordinatorFactory(region=entry.project.region)
    enrol(coordinator)
    sign_in(client, coordinator, second_factor=False)
    # Giving the password again is not a way forward ...
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.url.startswith(reverse("mfa_reauthenticate"))
    # ... and neither is any of the authenticator's pages.
    totp = Authenticator.objects.get(user=coordinator, type=Authenticator.Type.TOTP)
    for name in (
        "mfa_deactivate_totp",
        "mfa_activate_totp",
        "mfa_generate_recovery_codes",
        "mfa_view_recovery_codes",
        "account_email",
        "account_change_password",
    ):
        response = client.post(reverse(name), {"code": "123456", "action_remove": ""})
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("mfa_reauthenticate")), name
    assert Authenticator.objects.filter(pk=totp.pk, data=totp.data).exists()


def test_a_full_session_confirms_sensitive_changes_with_the_code_not_the_password(client):
    user = StudentFactory()
    secret = enrol(user)
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as clock:
        sign_in_through_forms(client, user, secret)
        # The sign-in itself confirms for five minutes (allauth's timeout) ...
        assert client.get(reverse("mfa_deactivate_totp")).status_code == 200
        clock.shift(dt.timedelta(minutes=6))
        _confirm_again_with_the_code(client, user, secret)


def _confirm_again_with_the_code(client, user, secret):
    """... after which a sensitive change asks again, for the code."""
    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    forget_used_codes()
    # Re-authentication is the code: the password form sends the account there.
    response = client.get(reverse("account_reauthenticate"))
    assert response.url.startswith(reverse("mfa_reauthenticate"))
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.url.startswith(reverse("mfa_reauthenticate"))
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.url.startswith(reverse("mfa_reauthenticate"))
    assert Authenticator.objects.filter(pk=totp.pk).exists()
    # The password change too asks for the code first.
    response = client.get(reverse("account_change_password"))
    assert response.url.startswith(reverse("mfa_reauthenticate"))
    # With the code, the authenticator can go.
    response = client.post(reverse("mfa_reauthenticate"), {"code": code(secret)})
    assert response.status_code == 302
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(pk=totp.pk).exists()


def test_an_account_without_an_authenticator_confirms_with_its_password(client):
    user = StudentFactory()
    verify_email(user)
    sign_in_through_forms(client, user)
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


# Slowdown and lockout on the current password of the password change ---------------------------


def test_the_current_password_of_the_password_change_is_locked_out_like_a_sign_in(client):
    user = StudentFactory()
    verify_email(user)

    def change(old: str):
        return client.post(
            reverse("account_change_password"),
            {"oldpassword": old, "password1": "New-Secret-456", "password2": "New-Secret-456"},
        )

    with time_machine.travel(dt.datetime(2027, 4, 1, 10, 0, tzinfo=dt.UTC), tick=False) as clock:
        sign_in_through_forms(client, user)
        # Each guess is checked (spaced past the slowdown and the form's own rate limit) ...
        for _ in range(5):
            clock.shift(61)
            response = change("wrong-guess")
            assert response.context["form"].errors["oldpassword"]
        # ... and after five, the right password is refused here and at the sign-in.
        clock.shift(61)
        response = change(PASSWORD)
        assert response.status_code == 200
        assert response.context["form"].errors["oldpassword"]
        user.refresh_from_db()
        assert user.check_password(PASSWORD)
        other = type(client)()
        response = sign_in_through_forms(other, user)
        assert response.status_code == 200
        assert "_auth_user_id" not in other.session
