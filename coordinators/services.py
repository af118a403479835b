"""Writes for coordinators: appointing one to a region with access to the admin."""

import logging
import uuid
from datetime import timedelta

from django.contrib.auth.models import Group, Permission
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import is_programme_staff
from accounts.workflow import InvalidTransition, TransitionNotAllowed
from applicants.models import Application, Placement
from applicants.services import (
    application_reject,
    entry_context,
    placement_activate,
    placement_complete,
    placement_end_early,
)
from notifications.services import Recipient, localized, notify
from programs.models import Region
from programs.selectors import is_coordinator_of
from programs.services import region_coordinator_add, region_coordinator_remove
from projects.models import Project
from projects.selectors import is_host_member, project_members
from projects.services import project_cancel

from .models import (
    CoordinatorProfile,
    Orientation,
    ReviewPlan,
    ReviewSession,
    Survey,
    SurveyQuestion,
    SurveyResponse,
)

COORDINATOR_GROUP = "regional-coordinators"
appointment_log = logging.getLogger("coordinators.appointments")

# What the admin lets a coordinator do, per model: v(iew), a(dd), c(hange), d(elete).
# Every one of these admins is scoped to the coordinator's regions (programs.admin).
COORDINATOR_PERMISSIONS: dict[str, dict[str, str]] = {
    "programs": {
        "region": "v",
        "program": "v",
        "term": "v",
        # Any coordinator uploads a new version or withdraws one; only staff delete.
        "pamphlet": "vac",
        "pamphletrequest": "vc",
        "pamphletrequeststatuschange": "v",
        "inquiry": "vc",
        "inquirystatuschange": "v",
    },
    "projects": {
        "hostorganization": "vac",
        "hostmembership": "vacd",
        "intakeinterview": "vac",
        "intakeinterviewstatuschange": "v",
        "theme": "v",
        "project": "vac",
        "projectstatuschange": "v",
        "projectversion": "v",
    },
    "applicants": {
        "application": "v",
        "applicationstatuschange": "v",
        "applicationfile": "v",
        "interview": "vc",
        "interviewslot": "v",
        "interviewfeedback": "v",
        "interviewstatuschange": "v",
        "placement": "v",
        "placementstatuschange": "v",
    },
    "coordinators": {
        "coordinatorprofile": "v",
        "orientation": "vac",
        "reviewplan": "vac",
        "reviewsession": "vac",
        "survey": "v",
        "surveyquestion": "v",
        "surveyresponse": "v",
    },
}
_ACTIONS = {"v": "view", "a": "add", "c": "change", "d": "delete"}


def coordinator_group() -> Group:
    """The group carrying the coordinators' admin permissions, created or brought up to date."""
    group, _created = Group.objects.get_or_create(name=COORDINATOR_GROUP)
    wanted = Q(pk__in=[])
    for app_label, models in COORDINATOR_PERMISSIONS.items():
        for model, letters in models.items():
            codenames = [f"{_ACTIONS[letter]}_{model}" for letter in letters]
            wanted |= Q(content_type__app_label=app_label, codename__in=codenames)
    group.permissions.set(Permission.objects.filter(wanted))
    return group


def coordinator_appoint(
    *, user: User, region: Region, actor: User | None = None, is_public: bool = True, **profile
) -> CoordinatorProfile:
    """Make `user` a coordinator of `region`: admin access, the group, the region row and a
    profile (idempotent). The one way coordinators are appointed.

    A coordinator sees students' personal data, so from the account's next request it counts
    as signed in only once it gave a second factor in its session (accounts.two_factor): a
    session it has open with a password alone stops there, and an account without an
    authenticator enrols one first. `actor` (None for data set-up) must be programme staff;
    `profile` fills a new profile (title, organization, phone, bio). Raises
    TransitionNotAllowed for any other actor.
    """
    if actor is not None and not is_programme_staff(actor):
        raise TransitionNotAllowed(f"{actor} may not appoint coordinators")
    with transaction.atomic():
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        user.groups.add(coordinator_group())
        region_coordinator_add(region=region, user=user, is_public=is_public)
        coordinator_profile, _created = CoordinatorProfile.objects.get_or_create(
            user=user, defaults=profile
        )
    appointment_log.info(
        "user %s appointed coordinator of region %s by %s",
        user.pk,
        region.slug,
        actor.pk if actor else "set-up",
    )
    return coordinator_profile


def coordinator_dismiss(*, user: User, region: Region, actor: User) -> None:
    """`user` no longer coordinates `region`. Without a region left, the coordinators' group
    goes, and `is_staff` with it unless the account has other admin rights (superuser, another
    group, permissions of its own). Raises TransitionNotAllowed unless `actor` is programme
    staff.
    """
    if not is_programme_staff(actor):
        raise TransitionNotAllowed(f"{actor} may not dismiss coordinators")
    with transaction.atomic():
        region_coordinator_remove(region=region, user=user)
        if not user.coordinated_regions.exists():
            user.groups.remove(coordinator_group())
            other_rights = (
                user.is_superuser or user.groups.exists() or user.user_permissions.exists()
            )
            if user.is_staff and not other_rights:
                user.is_staff = False
                user.save(update_fields=["is_staff"])
    appointment_log.info(
        "user %s dismissed as coordinator of region %s by %s", user.pk, region.slug, actor.pk
    )


# Step 7: the start orientation --------------------------------------------------------------


def _placement_people(placement: Placement) -> list:
    application = placement.application
    project = application.project
    people = [application.student, *project_members(project)]
    people += list(project.region.coordinators.filter(is_active=True))
    return list({u.pk: u for u in people}.values())


def orientation_calendar(orientation: Orientation, *, method: str = "REQUEST") -> dict:
    project = orientation.placement.application.project
    return {
        "uid": f"orientation-{orientation.calendar_uid}@jissen",
        "sequence": orientation.calendar_sequence,
        "start": orientation.starts_at.isoformat(),
        "end": orientation.ends_at.isoformat(),
        "stamp": timezone.now().isoformat(),
        "summary": f"スタートオリエンテーション / Start orientation: {project.title}",
        "location": orientation.meeting_url or orientation.place,
        "method": method,
    }


def orientation_schedule(
    *,
    placement: Placement,
    actor: User,
    starts_at,
    ends_at,
    place: str = "",
    meeting_url: str = "",
) -> Orientation:
    """Set (or move) the start orientation; host, student and coordinator get an invitation.

    A move keeps the invitation's UID with a higher SEQUENCE. A cancelled orientation can be
    scheduled again while the placement is preparing: that is a new invitation, with a new UID.
    Raises TransitionNotAllowed unless a coordinator of the region, InvalidTransition unless the
    placement is preparing, ValueError when the end is not after the start.
    """
    if ends_at <= starts_at:
        raise ValueError("the orientation ends after it starts")
    with transaction.atomic():
        placement = (
            Placement.objects.select_for_update()
            .select_related("application__project__region", "application__student")
            .get(pk=placement.pk)
        )
        if not is_coordinator_of(actor, placement.application.project.region_id):
            raise TransitionNotAllowed(f"{actor} does not coordinate this placement")
        if placement.status != Placement.Status.PREPARING:
            raise InvalidTransition("the orientation starts a placement that is preparing")
        orientation = Orientation.objects.filter(placement=placement).first() or Orientation(
            placement=placement
        )
        orientation.starts_at, orientation.ends_at = starts_at, ends_at
        orientation.place, orientation.meeting_url = place, meeting_url
        orientation.coordinator = actor
        if orientation.cancelled_at is not None:
            # Calendars take a cancelled event as gone for good (a REQUEST for its UID may be
            # ignored), so the new date is a new event. The sequence keeps growing: the dedupe
            # keys below never repeat.
            orientation.calendar_uid = uuid.uuid4()
            orientation.cancelled_at = None
        orientation.calendar_sequence += 1
        orientation.full_clean()
        orientation.save()
        notify(
            event="orientation_scheduled",
            recipients=[Recipient.of(u) for u in _placement_people(placement)],
            context={
                "placement_id": placement.pk,
                "project_title": placement.application.project.title,
                "student_name": str(placement.application.student),
                "starts_at": starts_at.isoformat(),
                "place": place,
                "meeting_url": meeting_url,
                "sequence": orientation.calendar_sequence,
                "calendar": orientation_calendar(orientation),
            },
            dedupe_key=f"orientation:{orientation.pk}:scheduled:{orientation.calendar_sequence}",
        )
    return orientation


orientation_log = logging.getLogger("coordinators.orientations")


def orientation_cancel(
    *, orientation: Orientation, actor: User, reason: str | Promise = ""
) -> Orientation:
    """Call off a start orientation not held yet: everyone invited gets the CANCEL of the
    invitation (same UID, higher SEQUENCE), after commit.

    `reason` is shown to them; a lazy translation shows in each one's language. The orientation
    can then be scheduled again (`orientation_schedule`, a new invitation). Raises
    TransitionNotAllowed unless a coordinator of the region (or staff), InvalidTransition when it
    was held or is cancelled already.
    """
    with transaction.atomic():
        # The placement first, as orientation_schedule locks it: a move and a cancel queue up.
        placement = (
            Placement.objects.select_for_update(of=("self",))
            .select_related("application__project__region", "application__student")
            .get(pk=orientation.placement_id)
        )
        orientation = Orientation.objects.select_for_update().get(pk=orientation.pk)
        orientation.placement = placement
        if not is_coordinator_of(actor, placement.application.project.region_id):
            raise TransitionNotAllowed(f"{actor} does not coordinate this placement")
        if orientation.held_at is not None:
            raise InvalidTransition(f"orientation {orientation.pk} was held")
        if orientation.cancelled_at is not None:
            raise InvalidTransition(f"orientation {orientation.pk} is cancelled already")
        orientation.cancelled_at = timezone.now()
        orientation.calendar_sequence += 1
        orientation.save(update_fields=["cancelled_at", "calendar_sequence"])
        notify(
            event="orientation_cancelled",
            recipients=[Recipient.of(u) for u in _placement_people(placement)],
            context={
                "placement_id": placement.pk,
                "project_title": placement.application.project.title,
                "student_name": str(placement.application.student),
                "starts_at": orientation.starts_at.isoformat(),
                "reason": localized(reason) if isinstance(reason, Promise) else reason,
                "calendar": orientation_calendar(orientation, method="CANCEL"),
            },
            dedupe_key=f"orientation:{orientation.pk}:cancelled:{orientation.calendar_sequence}",
        )
    orientation_log.info(
        "orientation %s of placement %s cancelled by user %s: %s",
        orientation.pk,
        placement.pk,
        actor.pk,
        reason,
    )
    return orientation


def orientation_record(
    *,
    orientation: Orientation,
    actor: User,
    student_goals: str,
    host_goals: str,
    coordinator_goals: str,
    student_attended: bool,
    host_attended: bool,
    coordinator_attended: bool,
) -> Orientation:
    """Record the held orientation (each party's goals, who attended): the placement starts.

    Raises TransitionNotAllowed unless a coordinator of the region, InvalidTransition when the
    placement is no longer preparing or the orientation is cancelled (schedule it again first),
    ValueError without the three goals.
    """
    if not (student_goals.strip() and host_goals.strip() and coordinator_goals.strip()):
        raise ValueError("the goal sheet needs each party's goals")
    with transaction.atomic():
        # The placement first, then the orientation: the order every service here locks in.
        Placement.objects.select_for_update().filter(pk=orientation.placement_id).first()
        orientation = Orientation.objects.select_for_update().get(pk=orientation.pk)
        if orientation.cancelled_at is not None:
            raise InvalidTransition(f"orientation {orientation.pk} is cancelled")
        orientation.student_goals = student_goals
        orientation.host_goals = host_goals
        orientation.coordinator_goals = coordinator_goals
        orientation.student_attended = student_attended
        orientation.host_attended = host_attended
        orientation.coordinator_attended = coordinator_attended
        orientation.held_at = timezone.now()
        orientation.save()
        placement_activate(placement=orientation.placement, actor=actor)
    return orientation


# Step 8: reviews ---------------------------------------------------------------------------


def review_plan_set(
    *, placement: Placement, actor: User, every_weeks: int, midterm_on=None, final_on=None
) -> list[ReviewSession]:
    """Set a placement's review cadence and lay out its sessions from start to end.

    Sessions not yet held are replaced; held ones stay. Raises TransitionNotAllowed unless a
    coordinator of the region, ValueError for a cadence other than 2 or 4 weeks.
    """
    if every_weeks not in ReviewPlan.Cadence.values:
        raise ValueError("reviews come every 2 or 4 weeks")
    with transaction.atomic():
        placement = Placement.objects.select_related("application__project").get(pk=placement.pk)
        project = placement.application.project
        if not is_coordinator_of(actor, project.region_id):
            raise TransitionNotAllowed(f"{actor} does not coordinate this placement")
        start = placement.starts_on or project.starts_on or timezone.localdate()
        end = placement.ends_on or project.ends_on or start + timedelta(weeks=24)
        final_on = final_on or end
        midterm_on = midterm_on or start + (end - start) / 2
        ReviewPlan.objects.update_or_create(
            placement=placement,
            defaults={"every_weeks": every_weeks, "midterm_on": midterm_on, "final_on": final_on},
        )
        ReviewSession.objects.filter(placement=placement, held_at__isnull=True).delete()
        held_dates = set(
            ReviewSession.objects.filter(placement=placement).values_list("due_on", flat=True)
        )
        sessions = []
        due = start + timedelta(weeks=every_weeks)
        while due < final_on:
            if due not in held_dates and abs((due - midterm_on).days) > 3:
                sessions.append(ReviewSession(placement=placement, kind="regular", due_on=due))
            due += timedelta(weeks=every_weeks)
        for kind, day in (("midterm", midterm_on), ("final", final_on)):
            if day not in held_dates:
                sessions.append(ReviewSession(placement=placement, kind=kind, due_on=day))
        return ReviewSession.objects.bulk_create(sorted(sessions, key=lambda s: s.due_on))


REVIEW_PARTS = ("student", "host", "coordinator")


def review_record(
    *,
    review: ReviewSession,
    actor: User | None,
    part: str,
    notes: str,
    progress: str = "",
    health: str = "",
    next_actions: str = "",
    via_link: bool = False,
) -> ReviewSession:
    """Write one party's part of a review. The coordinator's part also records progress
    against the goals, the health and the next actions, and marks the session held.

    The student's and the host's parts are written while the review takes them
    (`ReviewSession.is_open_for_parts`: not held, placement under way); the coordinator may
    still correct theirs afterwards. `via_link` lets a host supervisor answer through the
    review's signed link without an account, while the review has a live link. Raises
    TransitionNotAllowed when the actor is not that party (or the link is gone),
    InvalidTransition when the review no longer takes the student's or the host's part,
    ValueError for an unknown part or health.
    """
    if part not in REVIEW_PARTS:
        raise ValueError(f"unknown part {part!r}")
    if health and health not in ReviewSession.Health.values:
        raise ValueError(f"unknown health {health!r}")
    with transaction.atomic():
        review = (
            ReviewSession.objects.select_for_update()
            .select_related("placement__application__project")
            .get(pk=review.pk)
        )
        application = review.placement.application
        project = application.project
        allowed = {
            "student": actor is not None and actor.pk == application.student_id,
            "host": (via_link and review.has_live_host_link())
            or (actor is not None and is_host_member(actor, project.organization_id)),
            "coordinator": actor is not None and is_coordinator_of(actor, project.region_id),
        }[part]
        if not allowed:
            raise TransitionNotAllowed(
                f"{actor} may not write the {part}'s part of review {review.pk}"
            )
        if part != "coordinator" and not review.is_open_for_parts():
            # Held, the review is the record of the dialogue; before the start or after the
            # end of the placement there is nothing to review.
            raise InvalidTransition(f"review {review.pk} no longer takes the {part}'s part")
        setattr(review, f"{part}_notes", notes)
        if part == "coordinator":
            review.progress = progress
            review.health = health
            review.next_actions = next_actions
            review.held_at = review.held_at or timezone.now()
        review.save()
        if part == "coordinator" and health in (
            ReviewSession.Health.AT_RISK,
            ReviewSession.Health.OFF_TRACK,
        ):
            notify(
                event="review_at_risk",
                recipients=[
                    Recipient.of(u) for u in project.region.coordinators.filter(is_active=True)
                ],
                context={
                    "review_id": review.pk,
                    "placement_id": review.placement_id,
                    "project_title": project.title,
                    "student_name": str(application.student),
                    "health": localized(ReviewSession.Health(health).label),
                },
                dedupe_key=f"review:{review.pk}:at_risk:{health}",
            )
    return review


# The host supervisor's link: signed over the review's current secret, with no timestamp, so the
# token is the same on every call while the link lives; issuing draws a new secret (the old link
# ends), revoking clears it, and the stored issue time bounds it to HOST_LINK_DAYS. The salt
# differs from the timestamped links of before, which therefore no longer verify.
REVIEW_LINK_SALT = "coordinators.review-host-link.v2"
review_link_log = logging.getLogger("coordinators.review_host_link")


def _review_link_signer() -> signing.Signer:
    return signing.Signer(salt=REVIEW_LINK_SALT)


def review_host_link_token(review: ReviewSession) -> str | None:
    """The token of the review's live host link, from its stored state; None without one."""
    if not review.has_live_host_link():
        return None
    return _review_link_signer().sign_object({"r": review.pk, "t": str(review.host_token)})


def review_host_link_read(token: str) -> ReviewSession:
    """The review behind a live host link. Raises signing.BadSignature (forged) or
    ReviewSession.DoesNotExist (reissued, revoked or expired)."""
    data = _review_link_signer().unsign_object(token)
    issued_since = timezone.now() - timedelta(days=ReviewSession.HOST_LINK_DAYS)
    return ReviewSession.objects.select_related("placement__application__project").get(
        pk=data["r"], host_token=data["t"], host_link_issued_at__gt=issued_since
    )


def review_host_link_issue(*, review: ReviewSession, actor: User) -> str:
    """Issue a link for the host supervisor's part of a review and return its token.

    The link works for ReviewSession.HOST_LINK_DAYS from now; any link issued before stops
    working at once (a new secret). Records who issued it and when. Raises
    TransitionNotAllowed unless a coordinator of the review's region (or staff),
    InvalidTransition when the review no longer takes the host's part (held, or its placement
    not under way).
    """
    with transaction.atomic():
        review = (
            ReviewSession.objects.select_for_update()
            .select_related("placement__application__project")
            .get(pk=review.pk)
        )
        if not is_coordinator_of(actor, review.placement.application.project.region_id):
            raise TransitionNotAllowed(f"{actor} may not issue a link for review {review.pk}")
        if not review.is_open_for_parts():
            raise InvalidTransition(f"review {review.pk} no longer takes the host's part")
        review.host_token = uuid.uuid4()
        review.host_link_issued_at = timezone.now()
        review.host_link_issued_by = actor
        review.host_link_revoked_at = review.host_link_revoked_by = None
        review.save(
            update_fields=[
                "host_token",
                "host_link_issued_at",
                "host_link_issued_by",
                "host_link_revoked_at",
                "host_link_revoked_by",
            ]
        )
    review_link_log.info(
        "review %s: host link issued by user %s, valid until %s",
        review.pk,
        actor.pk,
        review.host_link_valid_until.isoformat(),
    )
    return review_host_link_token(review)


def review_host_link_revoke(*, review: ReviewSession, actor: User) -> None:
    """Revoke the review's link for the host supervisor: it stops working at once.

    Records who revoked it and when; a new link can be issued afterwards. Raises
    TransitionNotAllowed unless a coordinator of the review's region (or staff),
    InvalidTransition when the review has no link (never issued, or revoked already).
    """
    with transaction.atomic():
        review = (
            ReviewSession.objects.select_for_update(of=("self",))
            .select_related("placement__application__project")
            .get(pk=review.pk)
        )
        if not is_coordinator_of(actor, review.placement.application.project.region_id):
            raise TransitionNotAllowed(f"{actor} may not revoke the link of review {review.pk}")
        if review.host_token is None:
            raise InvalidTransition(f"review {review.pk} has no link to revoke")
        review.host_token = None
        review.host_link_revoked_at = timezone.now()
        review.host_link_revoked_by = actor
        review.save(update_fields=["host_token", "host_link_revoked_at", "host_link_revoked_by"])
    review_link_log.info("review %s: host link revoked by user %s", review.pk, actor.pk)


# The end of a placement, and surveys ----------------------------------------------------


def placement_finish(
    *, placement: Placement, actor: User, ended_early_reason: str = ""
) -> Placement:
    """Complete the placement (or end it early with a reason) and send the surveys.

    Ending early also cancels a start orientation not held yet and still to come, so its
    invitation leaves everyone's calendar (the early end's reason stays in the placement's
    history; the attendees see a neutral one). The surveys ask about an internship that took
    place: a placement ended before it started (still preparing) gets none. Raises
    InvalidTransition, TransitionNotAllowed (from the placement's services).
    """
    with transaction.atomic():
        # The placement is locked first, as everywhere here (placement, then orientation).
        status = (
            Placement.objects.select_for_update()
            .values_list("status", flat=True)
            .get(pk=placement.pk)
        )
        started = status != Placement.Status.PREPARING
        if ended_early_reason:
            placement = placement_end_early(
                placement=placement, actor=actor, reason=ended_early_reason
            )
            upcoming = Orientation.objects.filter(
                placement=placement,
                held_at__isnull=True,
                cancelled_at__isnull=True,
                ends_at__gt=timezone.now(),
            ).first()
            if upcoming is not None:
                orientation_cancel(
                    orientation=upcoming,
                    actor=actor,
                    reason=_("The internship was ended before the orientation."),
                )
        else:
            placement = placement_complete(placement=placement, actor=actor)
        if started:
            survey_send_for(placement=placement)
    return placement


# Cancelling a project with its entries ----------------------------------------------------

cancel_log = logging.getLogger("coordinators.project_cancel")


def project_cancel_with_entries(*, project: Project, actor: User, reason: str) -> Project:
    """Cancel a published or closed project and close its entries with it, in one transaction.

    The project moves through projects.services.project_cancel, whose rules on who may cancel
    and when apply. Each open entry (submitted, screening, interviewing, offered) is declined
    with the reason "project_cancelled" through application_reject: its interviews are
    cancelled (a scheduled one's invitation with a CANCEL) and the student is told that the
    project was cancelled. Each placement still preparing ends early through placement_finish
    (its start orientation is cancelled the same way), and its student is told the same.
    Finished entries and placements stay as they are. `reason` goes into every history row
    and to the people told.
    Raises TransitionNotAllowed (the actor), InvalidTransition (the project's state, or one of
    its placements already running: the project is under way, end that placement first),
    ValueError without a reason. When it raises, nothing has changed and nothing is sent.
    """
    if not reason.strip():
        raise ValueError("a reason is required")
    with transaction.atomic():
        project = project_cancel(project=project, actor=actor, reason=reason)
        placements = list(
            Placement.objects.select_for_update(of=("self",))
            .filter(
                application__project=project,
                status__in=[Placement.Status.PREPARING, Placement.Status.ACTIVE],
            )
            .order_by("pk")
        )
        if any(p.status == Placement.Status.ACTIVE for p in placements):
            # An intern is at work: the project is under way, which no cancel undoes.
            raise InvalidTransition(f"project {project.pk} has a placement under way")
        # Locked in a fixed order, so a student's withdrawal or acceptance waits for this.
        entries = list(
            Application.objects.select_for_update()
            .filter(project=project, status__in=Application.ACTIVE_STATES)
            .order_by("pk")
        )
        for application in entries:
            application_reject(
                application=application,
                actor=actor,
                reason=Application.DeclineReason.PROJECT_CANCELLED,
                message=reason,
            )
        for placement in placements:
            placement = placement_finish(
                placement=placement, actor=actor, ended_early_reason=reason
            )
            application = placement.application
            notify(
                event="application_project_cancelled",
                recipients=[Recipient.of(application.student)],
                context=entry_context(application, message=reason, placement=True),
                dedupe_key=f"application:{application.pk}:project_cancelled",
            )
    cancel_log.info(
        "project %s cancelled by user %s: %d entries declined, %d placements ended",
        project.pk,
        actor.pk,
        len(entries),
        len(placements),
    )
    return project


def survey_send_for(*, placement: Placement) -> list[SurveyResponse]:
    """One pending survey response per active survey and person of the placement (idempotent)."""
    application = placement.application
    project = application.project
    audiences = {
        Survey.Audience.STUDENT: [application.student],
        Survey.Audience.HOST: list(project_members(project)),
        Survey.Audience.COORDINATOR: list(project.region.coordinators.filter(is_active=True)),
    }
    made = []
    for survey in Survey.objects.filter(is_active=True):
        for person in audiences.get(survey.audience, []):
            response, created = SurveyResponse.objects.get_or_create(
                survey=survey,
                placement=placement,
                respondent=person,
                defaults={"region_id": project.region_id, "term_id": project.term_id},
            )
            if created:
                made.append(response)
                notify(
                    event="survey_requested",
                    recipients=[Recipient.of(person)],
                    context={
                        "response_id": response.pk,
                        "survey_title": survey.title,
                        "project_title": project.title,
                    },
                    dedupe_key=f"survey-response:{response.pk}",
                )
    return made


def survey_answer(*, response: SurveyResponse, actor: User, answers: dict) -> SurveyResponse:
    """Store a person's answers to their survey. Raises TransitionNotAllowed for anyone else,
    ValueError for a missing required answer or a rating outside 1–5."""
    with transaction.atomic():
        response = SurveyResponse.objects.select_for_update().get(pk=response.pk)
        if actor is None or response.respondent_id != actor.pk:
            raise TransitionNotAllowed("only the respondent answers their survey")
        cleaned = {}
        for question in response.survey.questions.all():
            value = answers.get(str(question.pk))
            if value in (None, ""):
                if question.required:
                    raise ValueError(f"question {question.pk} is required")
                continue
            if question.kind == SurveyQuestion.Kind.RATING:
                value = int(value)
                if not 1 <= value <= 5:
                    raise ValueError("ratings go from 1 to 5")
            elif question.kind == SurveyQuestion.Kind.CHOICE and value not in question.choices:
                raise ValueError(f"{value!r} is not a choice of question {question.pk}")
            cleaned[str(question.pk)] = value
        response.answers = cleaned
        response.submitted_at = timezone.now()
        response.save(update_fields=["answers", "submitted_at"])
    return response


# Reminders a coordinator sends from the admin -------------------------------------------------

reminder_log = logging.getLogger("coordinators.reminders")

# A review is "due" for a reminder from this many days before its date, and after it.
REVIEW_REMINDER_DAYS = 7


def review_remind(*, review: ReviewSession, actor: User) -> int:
    """Remind the parties whose part of a due review is not written yet: the student, and the
    host's members for the host's part.

    Due means not held, of a running placement, dated within REVIEW_REMINDER_DAYS or past.
    Sent at most once a day (the dedupe key holds the date), so a repeated click writes
    nothing. Returns how many people were reminded now (0: already reminded today). Raises
    TransitionNotAllowed unless the actor coordinates the project's region (or is staff),
    InvalidTransition when the review is not due or both parts are written.
    """
    with transaction.atomic():
        review = ReviewSession.objects.select_related(
            "placement__application__student", "placement__application__project"
        ).get(pk=review.pk)
        application = review.placement.application
        project = application.project
        if not is_coordinator_of(actor, project.region_id):
            raise TransitionNotAllowed(f"{actor} may not remind for review {review.pk}")
        today = timezone.localdate()
        if (
            review.held_at is not None
            or review.placement.status != Placement.Status.ACTIVE
            or review.due_on > today + timedelta(days=REVIEW_REMINDER_DAYS)
        ):
            raise InvalidTransition(f"review {review.pk} is not due")
        people = []
        if not review.student_notes.strip():
            people.append(application.student)
        if not review.host_notes.strip():
            people += project_members(project)
        recipients = {u.pk: Recipient.of(u) for u in people if u.is_active}
        if not recipients:
            raise InvalidTransition(f"review {review.pk} waits on no one")
        rows = notify(
            event="review_part_reminder",
            recipients=recipients.values(),
            context={
                "review_id": review.pk,
                "placement_id": review.placement_id,
                "project_title": project.title,
                "student_name": str(application.student),
                "kind": localized(ReviewSession.Kind(review.kind).label),
                "due_on": review.due_on.isoformat(),
            },
            dedupe_key=f"review:{review.pk}:part_reminder:{today.isoformat()}",
        )
        reminded = len({row.recipient_id for row in rows})
    reminder_log.info(
        "review %s: %d of %d people reminded by user %s",
        review.pk,
        reminded,
        len(recipients),
        actor.pk,
    )
    return reminded
