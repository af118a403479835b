"""Writes for accounts: invitations that are signed, expiring and single use."""

from datetime import timedelta

from django.core import signing
from django.db import transaction
from django.utils import timezone

from .models import Invitation, User

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
