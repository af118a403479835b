"""Writes for accounts: invitations that are signed, expiring and single use."""

from datetime import timedelta

from django.core import signing
from django.db import transaction
from django.utils import timezone

from .models import Invitation, PersonalDataChange, User

INVITATION_SALT = "accounts.invitation"
INVITATION_DAYS = 14


class InvitationInvalid(Exception):
    """The link is forged, expired or already used."""


def invitation_create(
    *, email: str, kind: str, payload: dict, invited_by: User | None, days: int = INVITATION_DAYS
) -> tuple[Invitation, str]:
    """Create an invitation and return it with its signed token (put the token in the link)."""
    now = timezone.now()
    invitation = Invitation.objects.create(
        email=email.lower(),
        kind=kind,
        payload=payload,
        invited_by=invited_by,
        expires_at=now + timedelta(days=days),
    )
    return invitation, invitation_token(invitation)


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"id": invitation.pk, "email": invitation.email}, salt=INVITATION_SALT)


def invitation_read(token: str) -> Invitation:
    """The usable invitation behind a token; raises InvitationInvalid otherwise."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=timedelta(days=INVITATION_DAYS))
    except signing.BadSignature as exc:
        raise InvitationInvalid("bad or expired signature") from exc
    invitation = Invitation.objects.filter(pk=data["id"], email=data["email"]).first()
    if invitation is None or not invitation.is_usable:
        raise InvitationInvalid("unknown, used or expired invitation")
    return invitation


def invitation_accept(*, token: str, user: User) -> Invitation:
    """Mark the invitation used by `user`; raises InvitationInvalid if it cannot be used."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=timedelta(days=INVITATION_DAYS))
    except signing.BadSignature as exc:
        raise InvitationInvalid("bad or expired signature") from exc
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().filter(pk=data["id"]).first()
        if invitation is None or invitation.email != data["email"] or not invitation.is_usable:
            raise InvitationInvalid("unknown, used or expired invitation")
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return invitation


def user_create(
    *, email: str, password: str, name: str = "", name_kana: str = "", language: str = "ja"
) -> User:
    """Create an account whose address is already proven (it came through an invitation link)."""
    from allauth.account.models import EmailAddress

    with transaction.atomic():
        user = User.objects.create_user(
            email=email,
            password=password,
            name=name,
            name_kana=name_kana,
            preferred_language=language,
        )
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def personal_data_record(*, subject: User | None, actor: User | None, record: str, fields) -> None:
    """Write the audit row of a change to someone's personal data (field names only)."""
    fields = sorted(fields)
    if fields:
        PersonalDataChange.objects.create(
            subject=subject, actor=actor, record=record, fields=fields
        )


def user_update(
    *, user: User, name: str, name_kana: str, preferred_language: str, actor: User | None = None
) -> User:
    """Change a user's names and preferred language; the change is audited."""
    new = {"name": name, "name_kana": name_kana, "preferred_language": preferred_language}
    changed = [field for field, value in new.items() if getattr(user, field) != value]
    for field, value in new.items():
        setattr(user, field, value)
    user.full_clean(exclude=["password", "email"])
    with transaction.atomic():
        user.save(update_fields=list(new))
        personal_data_record(subject=user, actor=actor or user, record="account", fields=changed)
    return user
