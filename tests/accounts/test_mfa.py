"""Coordinators and staff must set up two-factor authentication; a password change logs out."""

import pytest

from tests.factories import CoordinatorFactory, StaffFactory, StudentFactory, UserFactory
from tests.two_factor import enrol, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def mfa_required(settings):
    settings.MFA_REQUIRED = True


@pytest.mark.parametrize("make", [StaffFactory, CoordinatorFactory])
def test_staff_without_two_factor_are_sent_to_set_it_up(client, mfa_required, make):
    client.force_login(make())
    for path in ("/admin/", "/", "/host/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/2fa/totp/activate/")
    assert client.get("/accounts/2fa/totp/activate/").status_code in (200, 302)


def test_staff_with_two_factor_go_on(client, mfa_required):
    staff = StaffFactory()
    enrol(staff)
    sign_in(client, staff)
    assert client.get("/admin/").status_code == 200


def test_students_are_not_asked_for_two_factor(client, mfa_required):
    client.force_login(StudentFactory())
    assert client.get("/me/").status_code == 200


def test_a_password_change_ends_the_session(client):
    from allauth.account.models import EmailAddress

    user = UserFactory(email="change@example.jp")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.force_login(user)
    response = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": "pass-Word-123",
            "password1": "new-Secret-456",
            "password2": "new-Secret-456",
        },
    )
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
