"""Writes for steps 1 and 2 (pamphlet requests, inquiries and their moves) and for who
coordinates a region."""

import logging

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.workflow import apply_transition
from notifications.services import Recipient, notify

from .models import (
    Inquiry,
    InquiryStatusChange,
    PamphletRequest,
    PamphletRequestStatusChange,
    Region,
    RegionCoordinator,
)
from .selectors import is_coordinator_of

logger = logging.getLogger(__name__)


def _coordinators_of(region: Region | None) -> list[Recipient]:
    if region is None:
        staff = User.objects.filter(is_superuser=True, is_active=True)
        return [Recipient.of(u) for u in staff]
    users = list(region.coordinators.filter(is_active=True))
    if not users:
        users = list(User.objects.filter(is_superuser=True, is_active=True))
    return [Recipient.of(u) for u in users]


def lead_create(
    *,
    organization_name: str,
    organization_kind: str,
    contact_name: str,
    email: str,
    region: Region,
    phone: str = "",
    consent: bool,
    language: str = "ja",
    download_url: str = "",
) -> PamphletRequest:
    """Record a pamphlet request; the requester gets the link, the coordinators a new lead.

    `download_url` (absolute) goes into the requester's email; without it the email links
    the site. Nobody has verified the address, so that email repeats only `contact_name`
    (a PersonNameField); the coordinators' has the details. Raises ValueError without consent.
    """
    if not consent:
        raise ValueError("consent is required")
    with transaction.atomic():
        lead = PamphletRequest.objects.create(
            organization_name=organization_name,
            organization_kind=organization_kind,
            contact_name=contact_name,
            email=email,
            phone=phone,
            region=region,
            consent=True,
        )
        PamphletRequestStatusChange.objects.create(lead=lead, to_status=lead.status)
        answer = {"lead_id": lead.pk, "name": contact_name}
        notify(
            event="pamphlet_requested",
            recipients=[Recipient(email=email, language=language)],
            context={**answer, "download_url": download_url} if download_url else answer,
            dedupe_key=f"lead:{lead.pk}:requested",
        )
        notify(
            event="lead_received",
            recipients=_coordinators_of(region),
            context={**answer, "organization": organization_name, "region": region.name},
            dedupe_key=f"lead:{lead.pk}:received",
        )
    return lead


def _lead_move(
    *, lead: PamphletRequest, actor: User, target: str, note: str = ""
) -> PamphletRequest:
    def stamp(obj: PamphletRequest) -> None:
        if target == PamphletRequest.Status.CONTACTED and obj.contacted_at is None:
            obj.contacted_at = timezone.now()

    with transaction.atomic():
        return apply_transition(
            model=PamphletRequest,
            pk=lead.pk,
            target=target,
            actor=actor,
            history=PamphletRequestStatusChange,
            history_fk="lead",
            may=lambda user, obj: is_coordinator_of(user, obj.region_id),
            note=note,
            before_save=stamp,
        )


def lead_mark_contacted(*, lead: PamphletRequest, actor: User, note: str = "") -> PamphletRequest:
    """A coordinator reached the requester. Raises InvalidTransition, TransitionNotAllowed."""
    return _lead_move(lead=lead, actor=actor, target=PamphletRequest.Status.CONTACTED, note=note)


def lead_mark_converted(*, lead: PamphletRequest, actor: User, note: str = "") -> PamphletRequest:
    """The lead became an inquiry or a host. Raises InvalidTransition, TransitionNotAllowed."""
    return _lead_move(lead=lead, actor=actor, target=PamphletRequest.Status.CONVERTED, note=note)


def lead_close(*, lead: PamphletRequest, actor: User, note: str = "") -> PamphletRequest:
    """Nothing more to do for this lead. Raises InvalidTransition, TransitionNotAllowed."""
    return _lead_move(lead=lead, actor=actor, target=PamphletRequest.Status.CLOSED, note=note)


def inquiry_create(
    *,
    kind: str,
    name: str,
    email: str,
    message: str,
    region: Region | None,
    organization_name: str = "",
    phone: str = "",
    language: str = "ja",
) -> Inquiry:
    """Record an inquiry, route it to the region's coordinators (staff where there are none)
    and acknowledge it to the sender.

    Nobody has verified the sender's address, so the acknowledgement repeats only `name`
    (a PersonNameField): never the organisation, the message or the phone.
    """
    with transaction.atomic():
        inquiry = Inquiry.objects.create(
            kind=kind,
            name=name,
            email=email,
            message=message,
            region=region,
            organization_name=organization_name,
            phone=phone,
        )
        InquiryStatusChange.objects.create(inquiry=inquiry, to_status=inquiry.status)
        answer = {"inquiry_id": inquiry.pk, "name": name}
        notify(
            event="inquiry_acknowledged",
            recipients=[Recipient(email=email, language=language)],
            context=answer,
            dedupe_key=f"inquiry:{inquiry.pk}:ack",
        )
        notify(
            event="inquiry_received",
            recipients=_coordinators_of(region),
            context={**answer, "organization": organization_name, "message": message[:500]},
            dedupe_key=f"inquiry:{inquiry.pk}:received",
        )
    return inquiry


def _inquiry_move(*, inquiry: Inquiry, actor: User, target: str, note: str = "") -> Inquiry:
    def stamp(obj: Inquiry) -> None:
        if target == Inquiry.Status.ANSWERED:
            obj.answered_at = timezone.now()

    def may(user, obj: Inquiry) -> bool:
        if obj.region_id is None:
            return is_coordinator_of(user, None)
        return is_coordinator_of(user, obj.region_id)

    with transaction.atomic():
        return apply_transition(
            model=Inquiry,
            pk=inquiry.pk,
            target=target,
            actor=actor,
            history=InquiryStatusChange,
            history_fk="inquiry",
            may=may,
            note=note,
            before_save=stamp,
        )


def inquiry_mark_answered(*, inquiry: Inquiry, actor: User, note: str = "") -> Inquiry:
    """A coordinator answered. Raises InvalidTransition, TransitionNotAllowed."""
    return _inquiry_move(inquiry=inquiry, actor=actor, target=Inquiry.Status.ANSWERED, note=note)


def inquiry_close(*, inquiry: Inquiry, actor: User, note: str = "") -> Inquiry:
    """Nothing more to do. Raises InvalidTransition, TransitionNotAllowed."""
    return _inquiry_move(inquiry=inquiry, actor=actor, target=Inquiry.Status.CLOSED, note=note)


def inquiry_reopen(*, inquiry: Inquiry, actor: User, note: str = "") -> Inquiry:
    """Back to new, e.g. when the sender writes again.

    Raises InvalidTransition, TransitionNotAllowed.
    """
    return _inquiry_move(inquiry=inquiry, actor=actor, target=Inquiry.Status.NEW, note=note)


# Who coordinates a region --------------------------------------------------------------------


def region_coordinator_add(*, region: Region, user: User, is_public: bool = True) -> bool:
    """Make `user` one of `region`'s coordinators (idempotent); returns whether it is new.

    Called by coordinators.services.coordinator_appoint, which also gives the admin's
    permissions: use that one. From the next request on, the account signs in with two
    factors (accounts.two_factor; programs registers "coordinates a region" there).
    """
    _role, created = RegionCoordinator.objects.get_or_create(
        region=region, user=user, defaults={"is_public": is_public}
    )
    if created:
        logger.info("user %s now coordinates region %s", user.pk, region.slug)
    return created


def region_coordinator_remove(*, region: Region, user: User) -> bool:
    """`user` no longer coordinates `region`; returns whether they did."""
    deleted, _by_model = RegionCoordinator.objects.filter(region=region, user=user).delete()
    if deleted:
        logger.info("user %s no longer coordinates region %s", user.pk, region.slug)
    return bool(deleted)
