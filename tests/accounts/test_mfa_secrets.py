"""Two-factor secrets are encrypted at rest and never shown (issue 12, finding 4): the TOTP
secrets and the recovery codes' seed were stored in clear and shown on the admin's
authenticator page."""

import pytest
from allauth.mfa.models import Authenticator
from django.db import connection
from django.urls import reverse

from tests.factories import StaffFactory, StudentFactory
from tests.two_factor import code, enrol, sign_in

pytestmark = pytest.mark.django_db


def _raw_data(authenticator_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator WHERE id = %s", [authenticator_id])
        return str(cursor.fetchone()[0])


def test_secrets_are_not_in_the_database_in_clear(client):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    user = StudentFactory()
    secret = enrol(user)
    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    codes = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    assert secret not in _raw_data(totp.pk)
    seed = RecoveryCodes(codes).instance.data["seed"]
    assert "gAAAA" in _raw_data(codes.pk)  # a Fernet token
    from accounts.mfa import decrypt_secret

    assert decrypt_secret(seed) not in _raw_data(codes.pk)
    # and they still work
    assert TOTP(totp).validate_code(code(secret))
    assert RecoveryCodes(codes).validate_code(RecoveryCodes(codes).get_unused_codes()[0])


def test_the_admin_never_shows_an_authenticators_secret(client):
    user = StudentFactory()
    secret = enrol(user)
    staff = StaffFactory()
    sign_in(client, staff)
    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    page = client.get(reverse("admin:mfa_authenticator_change", args=[totp.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert secret not in html
    assert totp.data["secret"] not in html
    assert "secret" not in html.lower().replace("csrfmiddlewaretoken", "")


def test_old_secrets_in_clear_are_encrypted_by_the_migration():
    from accounts.mfa import decrypt_secret, encrypted_data

    plain = {"secret": "JBSWY3DPEHPK3PXP"}
    data = encrypted_data("totp", plain)
    assert data["secret"] != plain["secret"]
    assert decrypt_secret(data["secret"]) == plain["secret"]
    assert encrypted_data("totp", data) == data  # already encrypted: left alone
    seed = {"seed": "ab" * 40, "used_mask": 3}
    data = encrypted_data("recovery_codes", seed)
    assert decrypt_secret(data["seed"]) == seed["seed"]
    assert data["used_mask"] == 3


def test_rotating_the_key_keeps_every_authenticator_working(settings):
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    from accounts.mfa import SecretUnreadable, decrypt_secret

    old = Fernet.generate_key().decode()
    settings.MFA_ENCRYPTION_KEYS = [old]
    user = StudentFactory()
    secret = enrol(user)
    new = Fernet.generate_key().decode()
    settings.MFA_ENCRYPTION_KEYS = [new, old]
    call_command("rotate_mfa_keys")
    settings.MFA_ENCRYPTION_KEYS = [new]
    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    assert decrypt_secret(totp.data["secret"]) == secret
    settings.MFA_ENCRYPTION_KEYS = [old]
    with pytest.raises(SecretUnreadable):
        decrypt_secret(totp.data["secret"])
