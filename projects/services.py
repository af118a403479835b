"""Writes for steps 3–5: intake interviews, host organisations and the project's moves."""

from datetime import datetime

from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from accounts.models import Invitation, User
from accounts.services import invitation_create
from accounts.workflow import InvalidTransition, TransitionNotAllowed, apply_transition
from notifications.services import Recipient, notify
from programs.models import Region
from programs.selectors import is_coordinator_of

from .models import (
    HostMembership,
    HostOrganization,
    IntakeInterview,
    IntakeInterviewStatusChange,
    Project,
    ProjectStatusChange,
    ProjectVersion,
)
from .selectors import is_host_member, may_edit_project, project_members

# Fields of a project copied into each submitted version and into a follow-up project.
CONTENT_FIELDS = (
    "title",
    "summary",
    "vision",
    "challenge",
    "intern_role",
    "outcomes",
    "duration_months",
    "starts_on",
    "ends_on",
    "participation_style",
    "commute_days_per_week",
    "location",
    "housing_support",
    "travel_support",
    "stipend",
    "capacity",
    "pre_assignment_brief",
    "pre_assignment_deadline",
    "entry_deadline",
    "term",
)


def host_organization_create(*, name: str, kind: str, region: Region, **fields) -> HostOrganization:
    """Create a host organisation."""
    return HostOrganization.objects.create(name=name, kind=kind, region=region, **fields)


def host_membership_add(
    *,
    organization: HostOrganization,
    user: User,
    role: str = HostMembership.Role.MEMBER,
    title: str = "",
) -> HostMembership:
    """Make `user` a member of `organization` (idempotent)."""
    membership, _created = HostMembership.objects.get_or_create(
        organization=organization, user=user, defaults={"role": role, "title": title}
    )
    return membership


def intake_record_outcome(
    *, intake: IntakeInterview, outcome: str, actor: User, note: str = ""
) -> tuple[IntakeInterview, Invitation | None]:
    """Decide an intake interview: proceed, put on hold or decline (IntakeInterview.TRANSITIONS).

    Preconditions: the move is in the table ("proceed" is final, so its invitation goes out
    once) and the actor coordinates the intake's region or is programme staff.
    Side effects: the outcome and its date, an outcome-change row; on "proceed" the host
    organisation (unless one is linked already) and a host-account invitation to the contact,
    emailed after commit. Raises ValueError for an unknown outcome, InvalidTransition for a
    move the table forbids (the same outcome again included), TransitionNotAllowed for anyone
    else.
    """
    if outcome not in IntakeInterview.Outcome.values:
        raise ValueError(f"unknown outcome {outcome!r}")

    def stamp(obj: IntakeInterview) -> None:
        # Runs on the locked row, after the move and the actor are checked.
        obj.decided_at = timezone.now()
        if outcome == IntakeInterview.Outcome.PROCEED and obj.organization_id is None:
            obj.organization = host_organization_create(
                name=obj.organization_name,
                kind=obj.organization_kind,
                region=obj.region,
                contact_email=obj.contact_email,
                inquiry=obj.inquiry,
            )

    invitation = None
    with transaction.atomic():
        intake = apply_transition(
            model=IntakeInterview,
            pk=intake.pk,
            target=outcome,
            actor=actor,
            history=IntakeInterviewStatusChange,
            history_fk="intake",
            may=lambda user, obj: is_coordinator_of(user, obj.region_id),
            note=note,
            before_save=stamp,
            field="outcome",
        )
        if outcome == IntakeInterview.Outcome.PROCEED:
            invitation, token = invitation_create(
                email=intake.contact_email,
                kind=Invitation.Kind.HOST_MEMBER,
                payload={
                    "organization_id": intake.organization_id,
                    "organization_name": intake.organization.name,
                },
                invited_by=actor,
            )
            notify(
                event="host_invited",
                recipients=[
                    Recipient(email=intake.contact_email, language=intake.contact_language)
                ],
                context={
                    "organization": intake.organization_name,
                    "name": intake.contact_name,
                    "token": token,
                },
                dedupe_key=f"invitation:{invitation.pk}",
                in_app=False,
            )
    return intake, invitation


def project_create(*, organization: HostOrganization, actor: User, title: str, **fields) -> Project:
    """Create a draft project for a host. Raises TransitionNotAllowed for outsiders."""
    if not (
        is_host_member(actor, organization.pk) or is_coordinator_of(actor, organization.region_id)
    ):
        raise TransitionNotAllowed(f"{actor} may not create projects for {organization}")
    themes = fields.pop("themes", None)
    with transaction.atomic():
        project = Project.objects.create(
            organization=organization,
            region_id=organization.region_id,
            title=title,
            created_by=actor,
            **fields,
        )
        ProjectStatusChange.objects.create(project=project, actor=actor, to_status=project.status)
        if themes:
            project.themes.set(themes)
    return project


# Hosts edit a project while it is theirs to change: before review, or when sent back.
EDITABLE_STATES = frozenset({Project.Status.DRAFT, Project.Status.CHANGES_REQUESTED})


class ProjectLocked(Exception):
    """The project is under review or published: its content cannot change now."""


def project_update(*, project: Project, actor: User, **fields) -> Project:
    """Change the content of a draft (or a project sent back with changes requested).

    Raises TransitionNotAllowed for outsiders, ProjectLocked in any other state.
    """
    themes = fields.pop("themes", None)
    unknown = set(fields) - set(CONTENT_FIELDS) - {"summary"}
    if unknown:
        raise ValueError(f"not content fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        if not may_edit_project(actor, locked):
            raise TransitionNotAllowed(f"{actor} may not edit project {project.pk}")
        if locked.status not in EDITABLE_STATES:
            raise ProjectLocked(f"project {project.pk} is {locked.status}")
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.full_clean(exclude=["organization", "region", "created_by", "based_on"])
        locked.save()
        if themes is not None:
            locked.themes.set(themes)
    return locked


def host_invitation_accept(*, token: str, user: User) -> HostMembership:
    """Use a host invitation: the user becomes a member of the invited organisation.

    Raises accounts.services.InvitationInvalid for a forged, used or expired link, and
    InvitationInvalid too when the signed-in user's email is not the invited one.
    """
    from accounts.services import InvitationInvalid, invitation_accept, invitation_read

    invitation = invitation_read(token)
    if invitation.email.lower() != user.email.lower():
        raise InvitationInvalid("the invitation is for another email address")
    with transaction.atomic():
        invitation = invitation_accept(token=token, user=user)
        organization = HostOrganization.objects.get(pk=invitation.payload["organization_id"])
        return host_membership_add(
            organization=organization, user=user, role=HostMembership.Role.OWNER
        )


def project_copy(*, source: Project, actor: User) -> Project:
    """Start the host's next project from a past one (steps 4–8 repeat).

    Raises InvalidTransition for a draft still being edited (draft, changes requested):
    that one is changed, not copied.
    """
    if source.status in EDITABLE_STATES:
        raise InvalidTransition(f"project {source.pk} is still being edited")
    fields = {f: getattr(source, f) for f in CONTENT_FIELDS if f != "title"}
    fields.update(starts_on=None, ends_on=None, entry_deadline=None, pre_assignment_deadline=None)
    project = project_create(
        organization=source.organization,
        actor=actor,
        title=source.title,
        based_on=source,
        themes=list(source.themes.all()),
        **fields,
    )
    return project


def _snapshot(project: Project) -> dict:
    data = model_to_dict(project, fields=CONTENT_FIELDS)
    data["themes"] = sorted(project.themes.values_list("slug", flat=True))
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}


def _coordinators(project: Project) -> list[Recipient]:
    users = project.region.coordinators.filter(is_active=True)
    return [Recipient.of(u) for u in users]


def _members(project: Project) -> list[Recipient]:
    return [Recipient.of(u) for u in project_members(project)]


def _move(
    project: Project,
    *,
    target: str,
    actor: User,
    may,
    note: str = "",
    before_save=None,
) -> Project:
    return apply_transition(
        model=Project,
        pk=project.pk,
        target=target,
        actor=actor,
        history=ProjectStatusChange,
        history_fk="project",
        may=may,
        note=note,
        before_save=before_save,
    )


def _coordinates(user, project: Project) -> bool:
    return is_coordinator_of(user, project.region_id)


def project_submit(*, project: Project, actor: User) -> Project:
    """Send a draft (or a changed project) to the coordinators for review; keeps a version.

    Raises InvalidTransition unless draft or changes_requested, TransitionNotAllowed for outsiders.
    """
    with transaction.atomic():
        project = _move(project, target=Project.Status.SUBMITTED, actor=actor, may=may_edit_project)
        number = project.versions.count() + 1
        ProjectVersion.objects.create(
            project=project, number=number, data=_snapshot(project), submitted_by=actor
        )
        notify(
            event="project_submitted",
            recipients=_coordinators(project),
            context={"project_id": project.pk, "title": project.title, "version": number},
            dedupe_key=f"project:{project.pk}:submitted:v{number}",
        )
    return project


def project_request_changes(*, project: Project, actor: User, comment: str) -> Project:
    """A coordinator sends the project back with a comment the host sees.

    Raises InvalidTransition unless submitted, TransitionNotAllowed for non-coordinators,
    ValueError without a comment.
    """
    if not comment.strip():
        raise ValueError("a comment is required")
    with transaction.atomic():
        project = _move(
            project,
            target=Project.Status.CHANGES_REQUESTED,
            actor=actor,
            may=_coordinates,
            note=comment,
        )
        notify(
            event="project_changes_requested",
            recipients=_members(project),
            context={"project_id": project.pk, "title": project.title, "comment": comment},
            dedupe_key=f"project:{project.pk}:changes:{project.status_changes.count()}",
        )
    return project


def project_approve(*, project: Project, actor: User, note: str = "") -> Project:
    """A coordinator approves a submitted project.

    Raises InvalidTransition, TransitionNotAllowed.
    """
    with transaction.atomic():
        project = _move(
            project, target=Project.Status.APPROVED, actor=actor, may=_coordinates, note=note
        )
        notify(
            event="project_approved",
            recipients=_members(project),
            context={"project_id": project.pk, "title": project.title},
            dedupe_key=f"project:{project.pk}:approved:{project.status_changes.count()}",
        )
    return project


def project_publish(*, project: Project, actor: User | None, at: datetime | None = None) -> Project:
    """Publish an approved project now, or schedule it with `at` (the status moves when the
    time comes, through this same function with actor None from the scheduler).

    Raises InvalidTransition unless approved (or reopening a closed one), TransitionNotAllowed.
    """
    now = timezone.now()
    with transaction.atomic():
        if at is not None and at > now:
            locked = Project.objects.select_for_update().get(pk=project.pk)
            if not locked.can_transition_to(Project.Status.PUBLISHED):
                raise InvalidTransition(f"project {project.pk} cannot be published")
            if not _coordinates(actor, locked):
                raise TransitionNotAllowed(f"{actor} may not publish project {project.pk}")
            locked.publish_at = at
            locked.save(update_fields=["publish_at", "updated_at"])
            return locked

        def stamp(obj: Project) -> None:
            obj.published_at = obj.published_at or now
            obj.publish_at = None
            obj.closed_at = None

        project = _move(
            project,
            target=Project.Status.PUBLISHED,
            actor=actor,
            may=lambda user, obj: user is None or _coordinates(user, obj),
            before_save=stamp,
        )
        notify(
            event="project_published",
            recipients=_members(project),
            context={"project_id": project.pk, "title": project.title},
            dedupe_key=f"project:{project.pk}:published:{project.status_changes.count()}",
        )
    return project


def project_close(*, project: Project, actor: User | None) -> Project:
    """Close entry (by a coordinator, or the scheduler at the entry deadline)."""

    def stamp(obj: Project) -> None:
        obj.closed_at = timezone.now()

    with transaction.atomic():
        return _move(
            project,
            target=Project.Status.CLOSED,
            actor=actor,
            may=lambda user, obj: user is None or _coordinates(user, obj),
            before_save=stamp,
        )


def project_start(*, project: Project, actor: User) -> Project:
    """Interns are at work: the project is in progress.

    Raises InvalidTransition, TransitionNotAllowed.
    """
    with transaction.atomic():
        return _move(project, target=Project.Status.IN_PROGRESS, actor=actor, may=_coordinates)


def project_complete(*, project: Project, actor: User) -> Project:
    """The project is over. Raises InvalidTransition, TransitionNotAllowed."""
    with transaction.atomic():
        return _move(project, target=Project.Status.COMPLETED, actor=actor, may=_coordinates)


def project_cancel(*, project: Project, actor: User, reason: str = "") -> Project:
    """Cancel an open project: hosts before approval, coordinators at any open state.

    Raises InvalidTransition from in_progress, completed or cancelled; TransitionNotAllowed.
    """

    def may(user, obj: Project) -> bool:
        if _coordinates(user, obj):
            return True
        before_approval = {
            Project.Status.DRAFT,
            Project.Status.SUBMITTED,
            Project.Status.CHANGES_REQUESTED,
        }
        return obj.status in before_approval and is_host_member(user, obj.organization_id)

    with transaction.atomic():
        project = _move(project, target=Project.Status.CANCELLED, actor=actor, may=may, note=reason)
        notify(
            event="project_cancelled",
            recipients=_members(project) + _coordinators(project),
            context={"project_id": project.pk, "title": project.title, "reason": reason},
            dedupe_key=f"project:{project.pk}:cancelled",
        )
    return project
