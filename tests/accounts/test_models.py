"""The custom user and invitations."""

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, transaction

from accounts.models import Invitation, User
from accounts.services import InvitationInvalid, invitation_accept, invitation_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_email_is_the_login_and_is_stored_lowercase():
    user = User.objects.create_user(email="Hanako@Example.JP", password="x-Secret-123")
    assert user.email == "hanako@example.jp"
    assert User.USERNAME_FIELD == "email"
    assert user.check_password("x-Secret-123")
    assert user.preferred_language == "ja"


def test_email_is_unique():
    UserFactory(email="a@example.jp")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(email="a@example.jp")


def test_preferred_language_is_checked_by_the_database():
    user = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=user.pk).update(preferred_language="fr")


def test_superuser_has_the_flags():
    admin = User.objects.create_superuser(email="admin@example.jp", password="x")
    assert admin.is_staff and admin.is_superuser


def test_invitation_is_single_use():
    _invitation, token = invitation_create(
        email="host@example.jp", kind="host_member", payload={"organization_id": 1}, invited_by=None
    )
    user = UserFactory(email="host@example.jp")
    assert invitation_accept(token=token, user=user).accepted_by == user
    with pytest.raises(InvitationInvalid):
        invitation_accept(token=token, user=user)


def test_invitation_expires():
    with time_machine.travel(dt.datetime(2027, 1, 1, tzinfo=dt.UTC), tick=False):
        _invitation, token = invitation_create(
            email="host@example.jp", kind="host_member", payload={}, invited_by=None
        )
    with (
        time_machine.travel(dt.datetime(2027, 2, 1, tzinfo=dt.UTC), tick=False),
        pytest.raises(InvitationInvalid),
    ):
        invitation_accept(token=token, user=UserFactory())


def test_forged_invitation_token_is_refused():
    with pytest.raises(InvitationInvalid):
        invitation_accept(token="not-a-token", user=UserFactory())


def test_invitation_kind_is_checked_by_the_database():
    invitation, _ = invitation_create(
        email="a@example.jp", kind="host_member", payload={}, invited_by=None
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.filter(pk=invitation.pk).update(kind="emperor")
