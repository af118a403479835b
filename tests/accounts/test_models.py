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


def test_changes_to_personal_data_are_recorded_with_their_actor(client):
    from accounts.models import PersonalDataChange
    from tests.factories import StudentFactory

    student = StudentFactory(name="山本 葵")
    client.force_login(student)
    client.post(
        "/me/profile/",
        {
            "name": "山本 あおい",
            "name_kana": "ヤマモト アオイ",
            "preferred_language": "ja",
            "university": "北海道大学",
            "faculty": "経済学部",
            "year": "4",
            "current_residence": "札幌市",
            "leave_of_absence": "no",
            "can_commute": "on",
            "commute_days_per_week": "3",
            "bio": "地域の食と観光に関心があります。",
        },
    )
    rows = {r.record: r for r in PersonalDataChange.objects.filter(subject=student)}
    assert rows["account"].fields == ["name", "name_kana"]
    assert rows["account"].actor == student
    assert rows["student_profile"].fields == ["year"]
