"""Writes for step 6: entries, interviews, mutual agreement and the placement it creates."""

import logging
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.workflow import InvalidTransition, TransitionNotAllowed, apply_transition
from notifications.services import Recipient, localized, notify
from projects.models import Project
from projects.selectors import project_members

from .models import (
    Application,
    ApplicationFile,
    ApplicationFileDownload,
    ApplicationStatusChange,
    Interview,
    InterviewFeedback,
    InterviewSlot,
    InterviewStatusChange,
    Placement,
    PlacementStatusChange,
    StudentProfile,
)
from .selectors import is_host_side, is_student_of


class EntryNotOpen(Exception):
    """The project does not take entries now."""


class ProfileIncomplete(Exception):
    """The student's profile lacks what a host needs."""


class CapacityFull(Exception):
    """Every place of the project is taken: the offer can no longer be accepted."""


def _host_recipients(project: Project) -> list[Recipient]:
    users = list(project_members(project)) + list(
        project.region.coordinators.filter(is_active=True)
    )
    seen, out = set(), []
    for u in users:
        if u.pk not in seen:
            seen.add(u.pk)
            out.append(Recipient.of(u))
    return out


def entry_context(application: Application, **extra) -> dict:
    """What every email about an entry is told: the entry, its project and its student."""
    return {
        "application_id": application.pk,
        "project_id": application.project_id,
        "project_title": application.project.title,
        "student_name": str(application.student),
        **extra,
    }


def application_submit(
    *,
    student: User,
    project: Project,
    motivation: str,
    answer: str = "",
    consent: bool,
) -> Application:
    """Enter a published project; one entry per student and project (a repeat returns the first).

    Raises EntryNotOpen, ProfileIncomplete, ValueError without consent to share the profile.
    """
    if not consent:
        raise ValueError("consent to share the profile is required")
    profile = StudentProfile.objects.filter(user=student).first()
    if profile is None or profile.missing_for_entry:
        raise ProfileIncomplete(profile.missing_for_entry if profile else ["profile"])
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        if not locked.is_open_for_entry:
            raise EntryNotOpen(f"project {project.pk} is not open for entry")
        now = timezone.now()
        try:
            with transaction.atomic():
                application = Application.objects.create(
                    student=student,
                    project=locked,
                    motivation=motivation,
                    pre_assignment_answer=answer,
                    pre_assignment_submitted_at=now if answer else None,
                    profile_shared_at=now,
                )
        except IntegrityError:
            return Application.objects.get(student=student, project=locked)
        ApplicationStatusChange.objects.create(
            application=application, actor=student, to_status=application.status
        )
        notify(
            event="application_received",
            recipients=[Recipient.of(student)],
            context=entry_context(application),
            dedupe_key=f"application:{application.pk}:submitted",
        )
        notify(
            event="application_new",
            recipients=_host_recipients(locked),
            context=entry_context(application),
            dedupe_key=f"application:{application.pk}:new",
        )
    return application


def application_pre_assignment_submit(
    *, application: Application, actor: User, answer: str, files=()
) -> Application:
    """Hand in (or complete) the pre-assignment: an answer and checked files.

    Files are checked again by content (`applicants.files.validate_upload`). Raises
    TransitionNotAllowed unless the student, EntryNotOpen after the pre-assignment deadline or
    once the entry is decided, ValueError beyond the number of files an entry may hold.
    """
    from .files import MAX_FILES_PER_ENTRY, display_name, validate_upload

    with transaction.atomic():
        application = (
            Application.objects.select_for_update().select_related("project").get(pk=application.pk)
        )
        if not is_student_of(actor, application):
            raise TransitionNotAllowed(f"{actor} may not hand in for entry {application.pk}")
        deadline = application.project.pre_assignment_deadline
        if application.status not in Application.ACTIVE_STATES or (
            deadline is not None and deadline < timezone.now()
        ):
            raise EntryNotOpen("the pre-assignment can no longer be handed in")
        if application.files.count() + len(files) > MAX_FILES_PER_ENTRY:
            raise ValueError(f"at most {MAX_FILES_PER_ENTRY} files per entry")
        for upload in files:
            kind = validate_upload(upload)
            ApplicationFile.objects.create(
                application=application,
                file=upload,
                original_name=display_name(upload.name),
                content_type=kind.content_type,
                size=upload.size,
            )
        if answer:
            application.pre_assignment_answer = answer
        if answer or files:
            application.pre_assignment_submitted_at = timezone.now()
        application.save(
            update_fields=["pre_assignment_answer", "pre_assignment_submitted_at", "updated_at"]
        )
    return application


def _move(
    application: Application, *, target: str, actor: User, may, note: str = "", before_save=None
):
    return apply_transition(
        model=Application,
        pk=application.pk,
        target=target,
        actor=actor,
        history=ApplicationStatusChange,
        history_fk="application",
        may=may,
        note=note,
        before_save=before_save,
    )


def _host_move(
    application: Application, *, target: str, actor: User, event: str, **extra
) -> Application:
    with transaction.atomic():
        application = _move(application, target=target, actor=actor, may=is_host_side)
        notify(
            event=event,
            recipients=[Recipient.of(application.student)],
            context=entry_context(application, **extra),
            dedupe_key=f"application:{application.pk}:{target}",
        )
    return application


def application_screen(*, application: Application, actor: User) -> Application:
    """The host starts screening. Raises InvalidTransition, TransitionNotAllowed."""
    return _host_move(
        application, target=Application.Status.SCREENING, actor=actor, event="application_screening"
    )


def application_invite_to_interview(*, application: Application, actor: User) -> Application:
    """The host wants to interview the student. Raises InvalidTransition, TransitionNotAllowed."""
    return _host_move(
        application,
        target=Application.Status.INTERVIEWING,
        actor=actor,
        event="application_interviewing",
    )


def application_offer(*, application: Application, actor: User) -> Application:
    """The host offers the place. Raises InvalidTransition, TransitionNotAllowed."""
    return _host_move(
        application, target=Application.Status.OFFERED, actor=actor, event="application_offered"
    )


def application_reject(
    *, application: Application, actor: User, reason: str, message: str = ""
) -> Application:
    """The host side (a host member or a coordinator of the region) declines the entry, or
    withdraws its offer, with a reason from the list and a message to the student; the entry's
    open interviews are cancelled with it.

    The reason "project_cancelled" is for the entries of a cancelled project only
    (coordinators.services.project_cancel_with_entries): the student is then told that the
    project was cancelled, not that the entry was declined. Raises InvalidTransition (that
    reason while the project is not cancelled included), TransitionNotAllowed, ValueError for
    an unknown reason.
    """
    if reason not in Application.DeclineReason.values:
        raise ValueError(f"unknown reason {reason!r}")
    cancelled = reason == Application.DeclineReason.PROJECT_CANCELLED

    def stamp(obj: Application) -> None:
        if cancelled and obj.project.status != Project.Status.CANCELLED:
            raise InvalidTransition(f"project {obj.project_id} is not cancelled")
        obj.decline_reason = reason
        obj.decline_message = message
        obj.declined_by = actor

    with transaction.atomic():
        application = _move(
            application,
            target=Application.Status.REJECTED,
            actor=actor,
            may=is_host_side,
            note=message,
            before_save=stamp,
        )
        if cancelled:
            event, context = "application_project_cancelled", {"placement": False}
            ended = Application.DeclineReason.PROJECT_CANCELLED.label
        else:
            event, context, ended = "application_rejected", {}, _("The entry was declined.")
        notify(
            event=event,
            recipients=[Recipient.of(application.student)],
            context=entry_context(application, message=message, **context),
            dedupe_key=f"application:{application.pk}:rejected",
        )
        _interviews_end_with_entry(application.interviews.all(), actor=actor, reason=ended)
    return application


def application_withdraw(*, application: Application, actor: User, reason: str = "") -> Application:
    """The student withdraws; the entry's open interviews are cancelled with it.

    Raises InvalidTransition, TransitionNotAllowed.
    """
    with transaction.atomic():
        application = _move(
            application,
            target=Application.Status.WITHDRAWN,
            actor=actor,
            may=is_student_of,
            note=reason,
        )
        notify(
            event="application_withdrawn",
            recipients=_host_recipients(application.project),
            context=entry_context(application),
            dedupe_key=f"application:{application.pk}:withdrawn",
        )
        _interviews_end_with_entry(
            application.interviews.all(), actor=actor, reason=_("The student withdrew the entry.")
        )
    return application


def application_decline_offer(
    *, application: Application, actor: User, reason: str = ""
) -> Application:
    """The student declines the offer; the entry's open interviews are cancelled with it.

    Raises InvalidTransition, TransitionNotAllowed.
    """
    with transaction.atomic():
        application = _move(
            application,
            target=Application.Status.OFFER_DECLINED,
            actor=actor,
            may=is_student_of,
            note=reason,
        )
        notify(
            event="offer_declined",
            recipients=_host_recipients(application.project),
            context=entry_context(application),
            dedupe_key=f"application:{application.pk}:offer_declined",
        )
        _interviews_end_with_entry(
            application.interviews.all(), actor=actor, reason=_("The student declined the offer.")
        )
    return application


def application_accept(*, application: Application, actor: User) -> Placement:
    """The student accepts the offer: mutual agreement (双方合意) creates the placement.

    Raises InvalidTransition unless offered, TransitionNotAllowed unless the student,
    CapacityFull when every place is taken.
    """
    with transaction.atomic():
        # Lock the project first: two students accepting its last place queue up here.
        project = Project.objects.select_for_update().get(pk=application.project_id)
        taken = Application.objects.filter(
            project_id=project.pk, status=Application.Status.ACCEPTED
        ).count()
        if taken >= project.capacity:
            raise CapacityFull(f"project {project.pk} has {taken}/{project.capacity} places taken")
        application = _move(
            application, target=Application.Status.ACCEPTED, actor=actor, may=is_student_of
        )
        placement = Placement.objects.create(
            application=application, starts_on=project.starts_on, ends_on=project.ends_on
        )
        PlacementStatusChange.objects.create(
            placement=placement, actor=actor, to_status=placement.status
        )
        notify(
            event="application_accepted",
            recipients=[Recipient.of(application.student), *_host_recipients(project)],
            context=entry_context(application, placement_id=placement.pk),
            dedupe_key=f"application:{application.pk}:accepted",
        )
    return placement


# Interviews ---------------------------------------------------------------------------


def interview_calendar(interview: Interview, *, method: str = "REQUEST") -> dict:
    """The calendar invitation of an interview: its UID stays, its SEQUENCE grows."""
    application = interview.application
    where = interview.meeting_url or interview.place or interview.get_mode_display()
    return {
        "uid": f"interview-{interview.calendar_uid}@jissen",
        "sequence": interview.calendar_sequence,
        "start": interview.starts_at.isoformat(),
        "end": interview.ends_at.isoformat(),
        "stamp": timezone.now().isoformat(),
        "summary": f"面談 / Interview: {application.project.title}",
        "location": str(where),
        "method": method,
    }


def _interview_recipients(interview: Interview) -> list[Recipient]:
    application = interview.application
    people = [Recipient.of(application.student)]
    people += [Recipient.of(u) for u in interview.participants.all()]
    return people


def interview_propose(
    *,
    application: Application,
    actor: User,
    slots: Sequence[tuple[datetime, datetime]],
    mode: str,
    meeting_url: str = "",
    place: str = "",
    interviewers: Sequence[User] = (),
) -> Interview:
    """Offer the student several times to choose from. Raises TransitionNotAllowed,
    InvalidTransition unless the entry is interviewing, ValueError without slots."""
    if not slots:
        raise ValueError("at least one slot is required")
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if not is_host_side(actor, application):
            raise TransitionNotAllowed(f"{actor} may not interview for entry {application.pk}")
        if application.status != Application.Status.INTERVIEWING:
            raise InvalidTransition("interviews are for entries in the interviewing state")
        rounds = application.interviews.count()
        interview = Interview.objects.create(
            application=application,
            round=rounds + 1,
            mode=mode,
            meeting_url=meeting_url,
            place=place,
            created_by=actor,
        )
        interview.participants.set(interviewers or [actor])
        InterviewSlot.objects.bulk_create(
            InterviewSlot(interview=interview, starts_at=s, ends_at=e) for s, e in slots
        )
        InterviewStatusChange.objects.create(
            interview=interview, actor=actor, to_status=interview.status
        )
        notify(
            event="interview_proposed",
            recipients=[Recipient.of(application.student)],
            context=entry_context(application, interview_id=interview.pk),
            dedupe_key=f"interview:{interview.pk}:proposed",
        )
    return interview


def _interview_move(
    interview: Interview, *, target: str, actor: User, may, note: str = "", before_save=None
):
    return apply_transition(
        model=Interview,
        pk=interview.pk,
        target=target,
        actor=actor,
        history=InterviewStatusChange,
        history_fk="interview",
        may=may,
        note=note,
        before_save=before_save,
    )


def _either_side(user, interview: Interview) -> bool:
    application = interview.application
    return is_student_of(user, application) or is_host_side(user, application)


def _host_side_of_interview(user, interview: Interview) -> bool:
    return is_host_side(user, interview.application)


def interview_schedule(
    *,
    interview: Interview,
    actor: User,
    slot: InterviewSlot | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
) -> Interview:
    """Fix the time: the student picks a slot, or the host sets a time directly.

    Raises InvalidTransition unless proposed, TransitionNotAllowed, ValueError for a bad time.
    """
    if slot is None and (starts_at is None or ends_at is None or ends_at <= starts_at):
        raise ValueError("a slot or a start before an end is required")

    def may(user, obj: Interview) -> bool:
        if slot is not None:
            return _either_side(user, obj)
        return _host_side_of_interview(user, obj)

    def stamp(obj: Interview) -> None:
        if slot is not None:
            if slot.interview_id != obj.pk:
                raise ValueError("the slot belongs to another interview")
            InterviewSlot.objects.filter(interview=obj).update(chosen=False)
            InterviewSlot.objects.filter(pk=slot.pk).update(chosen=True)
            obj.starts_at, obj.ends_at = slot.starts_at, slot.ends_at
        else:
            obj.starts_at, obj.ends_at = starts_at, ends_at
        obj.calendar_sequence += 1

    with transaction.atomic():
        interview = _interview_move(
            interview, target=Interview.Status.SCHEDULED, actor=actor, may=may, before_save=stamp
        )
        notify(
            event="interview_scheduled",
            recipients=_interview_recipients(interview),
            context=entry_context(
                interview.application,
                interview_id=interview.pk,
                starts_at=interview.starts_at.isoformat(),
                sequence=interview.calendar_sequence,
                calendar=interview_calendar(interview),
            ),
            dedupe_key=f"interview:{interview.pk}:scheduled:{interview.calendar_sequence}",
        )
    return interview


def interview_request_new_slots(*, interview: Interview, actor: User, note: str = "") -> Interview:
    """The time no longer works: back to proposing.

    The participants get the CANCEL of the invitation (same UID, higher SEQUENCE), so the
    old time leaves their calendars. The interview then takes a new UID: the time picked
    next comes as a new invitation, which calendars would ignore under a UID they saw
    cancelled (as a rescheduled orientation does). Raises InvalidTransition,
    TransitionNotAllowed.
    """

    cancellation = {}

    def stamp(obj: Interview) -> None:
        obj.calendar_sequence += 1
        cancellation.update(interview_calendar(obj, method="CANCEL"))
        # The SEQUENCE keeps rising under the new UID, so every dedupe key stays new.
        obj.calendar_uid = uuid.uuid4()

    with transaction.atomic():
        interview = _interview_move(
            interview,
            target=Interview.Status.PROPOSED,
            actor=actor,
            may=_either_side,
            note=note,
            before_save=stamp,
        )
        notify(
            event="interview_unscheduled",
            recipients=_interview_recipients(interview),
            context=entry_context(
                interview.application,
                interview_id=interview.pk,
                starts_at=interview.starts_at.isoformat(),
                note=note,
                calendar=cancellation,
            ),
            dedupe_key=f"interview:{interview.pk}:unscheduled:{interview.calendar_sequence}",
        )
    return interview


def interview_complete(*, interview: Interview, actor: User) -> Interview:
    """The interview took place. Raises InvalidTransition, TransitionNotAllowed."""
    with transaction.atomic():
        return _interview_move(
            interview, target=Interview.Status.COMPLETED, actor=actor, may=_host_side_of_interview
        )


def interview_mark_no_show(*, interview: Interview, actor: User) -> Interview:
    """The student did not come. Raises InvalidTransition, TransitionNotAllowed."""
    with transaction.atomic():
        return _interview_move(
            interview, target=Interview.Status.NO_SHOW, actor=actor, may=_host_side_of_interview
        )


def interview_cancel(*, interview: Interview, actor: User, reason: str | Promise = "") -> Interview:
    """Either side cancels; a scheduled interview's participants get the CANCEL of its
    invitation (same UID, higher SEQUENCE).

    `reason` is shown to the participants; a lazy translation shows in each one's language.
    Raises InvalidTransition, TransitionNotAllowed.
    """

    def stamp(obj: Interview) -> None:
        obj.calendar_sequence += 1

    with transaction.atomic():
        # Only a scheduled interview stands in calendars: a proposed one never had an
        # invitation, or had it cancelled when new times were asked for.
        was_scheduled = (
            Interview.objects.select_for_update()
            .values_list("status", flat=True)
            .get(pk=interview.pk)
            == Interview.Status.SCHEDULED
        )
        interview = _interview_move(
            interview,
            target=Interview.Status.CANCELLED,
            actor=actor,
            may=_either_side,
            note=str(reason),
            before_save=stamp,
        )
        notify(
            event="interview_cancelled",
            recipients=_interview_recipients(interview),
            context=entry_context(
                interview.application,
                interview_id=interview.pk,
                reason=localized(reason) if isinstance(reason, Promise) else reason,
                calendar=interview_calendar(interview, method="CANCEL") if was_scheduled else None,
            ),
            dedupe_key=f"interview:{interview.pk}:cancelled",
        )
    return interview


def _interviews_end_with_entry(interviews, *, actor: User, reason: Promise) -> None:
    """An entry that ends takes its open interviews (of `interviews`, a queryset) with it, each
    through interview_cancel (so a scheduled one's invitation is cancelled in the
    participants' calendars). Call inside the transaction that ends the entry, with the actor
    who ended it (a side of the interview)."""
    live = interviews.filter(
        status__in=[Interview.Status.PROPOSED, Interview.Status.SCHEDULED]
    ).order_by("pk")
    for interview in list(live):
        interview_cancel(interview=interview, actor=actor, reason=reason)


def interview_feedback_record(
    *, interview: Interview, author: User, recommendation: str, notes: str = ""
) -> InterviewFeedback:
    """An interviewer's notes and recommendation (one per interviewer; a second call updates it).

    Raises TransitionNotAllowed unless the author is on the host side, InvalidTransition before
    the interview took place, ValueError for an unknown recommendation.
    """
    if recommendation not in InterviewFeedback.Recommendation.values:
        raise ValueError(f"unknown recommendation {recommendation!r}")
    with transaction.atomic():
        interview = Interview.objects.select_related("application__project").get(pk=interview.pk)
        if not is_host_side(author, interview.application):
            raise TransitionNotAllowed(
                f"{author} may not give feedback on interview {interview.pk}"
            )
        if interview.status not in (Interview.Status.SCHEDULED, Interview.Status.COMPLETED):
            raise InvalidTransition("feedback follows a scheduled or completed interview")
        feedback, _created = InterviewFeedback.objects.update_or_create(
            interview=interview,
            author=author,
            defaults={"recommendation": recommendation, "notes": notes},
        )
    return feedback


# Placements ---------------------------------------------------------------------------


def _placement_move(
    placement: Placement, *, target: str, actor: User | None, note: str = "", before_save=None
):
    def may(user, obj: Placement) -> bool:
        from programs.selectors import is_coordinator_of

        return is_coordinator_of(user, obj.application.project.region_id)

    return apply_transition(
        model=Placement,
        pk=placement.pk,
        target=target,
        actor=actor,
        history=PlacementStatusChange,
        history_fk="placement",
        may=may,
        note=note,
        before_save=before_save,
    )


def placement_activate(*, placement: Placement, actor: User) -> Placement:
    """The start orientation was held: the internship runs. Raises InvalidTransition,
    TransitionNotAllowed unless a coordinator of the region."""
    with transaction.atomic():
        return _placement_move(placement, target=Placement.Status.ACTIVE, actor=actor)


def placement_complete(*, placement: Placement, actor: User) -> Placement:
    """The internship ended as planned. Raises InvalidTransition, TransitionNotAllowed."""
    with transaction.atomic():
        placement = _placement_move(placement, target=Placement.Status.COMPLETED, actor=actor)
        notify(
            event="placement_completed",
            recipients=[
                Recipient.of(placement.application.student),
                *_host_recipients(placement.application.project),
            ],
            context=entry_context(placement.application, placement_id=placement.pk),
            dedupe_key=f"placement:{placement.pk}:completed",
        )
    return placement


def placement_end_early(*, placement: Placement, actor: User, reason: str) -> Placement:
    """The internship stopped before its end. Raises InvalidTransition, TransitionNotAllowed,
    ValueError without a reason.

    The start orientation and the surveys belong to coordinators, which this app may not
    import: ending a placement goes through coordinators.services.placement_finish, which
    calls this, cancels a start orientation not held yet and sends the surveys.
    """
    if not reason.strip():
        raise ValueError("a reason is required")

    def stamp(obj: Placement) -> None:
        obj.ended_reason = reason

    with transaction.atomic():
        return _placement_move(
            placement,
            target=Placement.Status.ENDED_EARLY,
            actor=actor,
            note=reason,
            before_save=stamp,
        )


# Profile and personal data (APPI) ---------------------------------------------------------


def student_profile_save(*, profile: StudentProfile, actor: User | None = None) -> StudentProfile:
    """Save a student's profile (validated by its form); the changed fields are audited."""
    from accounts.services import personal_data_record

    before = StudentProfile.objects.filter(pk=profile.pk).values().first() if profile.pk else {}
    profile.full_clean()
    with transaction.atomic():
        profile.save()
        after = StudentProfile.objects.filter(pk=profile.pk).values().first()
        changed = [
            f for f, v in after.items() if f not in ("id", "updated_at") and before.get(f) != v
        ]
        personal_data_record(
            subject=profile.user,
            actor=actor or profile.user,
            record="student_profile",
            fields=changed,
        )
    return profile


def student_data_export(*, user: User) -> dict:
    """Everything kept about a student, for them to download (開示請求 under the APPI)."""
    from django.forms.models import model_to_dict

    profile = StudentProfile.objects.filter(user=user).first()
    entries = (
        Application.objects.filter(student=user)
        .select_related("project__organization")
        .prefetch_related("status_changes", "files", "interviews__slots")
    )
    return {
        "account": {
            "email": user.email,
            "name": user.name,
            "name_kana": user.name_kana,
            "preferred_language": user.preferred_language,
            "date_joined": user.date_joined.isoformat(),
        },
        "profile": model_to_dict(profile, exclude=["id", "user"]) if profile else None,
        "entries": [
            {
                "project": a.project.title,
                "host": a.project.organization.name,
                "status": a.status,
                "motivation": a.motivation,
                "pre_assignment_answer": a.pre_assignment_answer,
                "profile_shared_at": a.profile_shared_at.isoformat(),
                "submitted_at": a.created_at.isoformat(),
                "files": [f.original_name for f in a.files.all()],
                "history": [
                    {"from": c.from_status, "to": c.to_status, "at": c.created_at.isoformat()}
                    for c in a.status_changes.all()
                ],
                "interviews": [
                    {
                        "round": i.round,
                        "status": i.status,
                        "starts_at": i.starts_at.isoformat() if i.starts_at else None,
                    }
                    for i in a.interviews.all()
                ],
            }
            for a in entries
        ],
    }


def student_account_delete(*, user: User) -> None:
    """Delete a student's account. Entries tied to a running or past placement are kept for
    the host's and the programme's records, with the person's data removed; the rest goes."""
    from accounts.services import personal_data_record

    with transaction.atomic():
        personal_data_record(subject=user, actor=user, record="account_deleted", fields=["all"])
        # The entries deleted below would take their interviews with them silently, leaving a
        # live invitation in the interviewers' calendars.
        _interviews_end_with_entry(
            Interview.objects.filter(
                application__student=user, application__placement__isnull=True
            ),
            actor=user,
            reason=_("The student closed their account."),
        )
        for record in ApplicationFile.objects.filter(application__student=user):
            record.file.delete(save=False)
        ApplicationFile.objects.filter(application__student=user).delete()
        kept = Application.objects.filter(student=user, placement__isnull=False)
        kept.update(motivation="", pre_assignment_answer="", decline_message="")
        StudentProfile.objects.filter(user=user).delete()
        Application.objects.filter(student=user, placement__isnull=True).delete()
        if not kept.exists():
            user.delete()
            return
        # The placement's history stays; the person behind it does not.
        user.email = f"deleted-{user.pk}@invalid.example"
        user.name = ""
        user.name_kana = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
        user.emailaddress_set.all().delete()


def application_file_download_log(*, record: ApplicationFile, user: User) -> None:
    """Record that someone other than the student downloaded one of the student's files."""
    if user.pk != record.application.student_id:
        ApplicationFileDownload.objects.create(file=record, user=user)


def retention_anonymise(*, now=None) -> dict[str, int]:
    """Anonymise what the retention periods (settings.RETENTION) say is kept no longer:
    closed entries (declined, withdrawn, offer declined) and inactive student accounts."""
    from django.conf import settings

    now = now or timezone.now()
    periods = settings.RETENTION
    closed = Application.objects.filter(
        status__in=[
            Application.Status.REJECTED,
            Application.Status.WITHDRAWN,
            Application.Status.OFFER_DECLINED,
        ],
        anonymised_at__isnull=True,
        updated_at__lt=now - timedelta(days=periods["closed_entry_days"]),
    )
    entries = 0
    with transaction.atomic():
        for application in closed.select_for_update():
            for record in application.files.all():
                record.file.delete(save=False)
            application.files.all().delete()
            application.motivation = ""
            application.pre_assignment_answer = ""
            application.decline_message = ""
            application.anonymised_at = now
            application.save(
                update_fields=[
                    "motivation",
                    "pre_assignment_answer",
                    "decline_message",
                    "anonymised_at",
                ]
            )
            entries += 1
    cutoff = now - timedelta(days=periods["inactive_account_days"])
    inactive = (
        User.objects.filter(student_profile__isnull=False, is_active=True, is_staff=False)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
        .exclude(applications__status__in=Application.ACTIVE_STATES)
        .exclude(applications__placement__status__in=["preparing", "active"])
        .distinct()
    )
    accounts = 0
    for user in list(inactive):
        student_account_delete(user=user)
        accounts += 1
    return {"entries": entries, "accounts": accounts}


# Reminders a coordinator sends from the admin -------------------------------------------------

reminder_log = logging.getLogger("applicants.reminders")


def application_remind(*, application: Application, actor: User) -> int:
    """Remind the student of what their entry waits for from them: the pre-assignment (事前課題)
    before its deadline, and an interview time to choose from the proposed slots.

    Each reminder goes out at most once a day (the dedupe key holds the date), so a repeated
    click writes nothing. Returns how many reminders were written now (0: already reminded
    today). Raises TransitionNotAllowed unless the actor coordinates the project's region (or
    is staff), InvalidTransition when nothing waits on the student.
    """
    from programs.selectors import is_coordinator_of

    with transaction.atomic():
        application = Application.objects.select_related("student", "project").get(
            pk=application.pk
        )
        project = application.project
        if not is_coordinator_of(actor, project.region_id):
            raise TransitionNotAllowed(f"{actor} may not remind for entry {application.pk}")
        now = timezone.now()
        today = timezone.localdate(now).isoformat()
        reminders = []
        if application.status in Application.ACTIVE_STATES and application.student.is_active:
            deadline = project.pre_assignment_deadline
            if (
                project.pre_assignment_brief
                and application.pre_assignment_submitted_at is None
                and deadline is not None
                and deadline > now
            ):
                reminders.append(
                    (
                        "pre_assignment_reminder",
                        entry_context(application, deadline=deadline.isoformat()),
                        f"application:{application.pk}:pre_assignment_reminder:{today}",
                    )
                )
            waiting = application.interviews.filter(
                status=Interview.Status.PROPOSED, slots__starts_at__gt=now
            ).distinct()
            for interview_id in waiting.values_list("pk", flat=True).order_by("pk"):
                reminders.append(
                    (
                        "interview_pick_reminder",
                        entry_context(application, interview_id=interview_id),
                        f"interview:{interview_id}:pick_reminder:{today}",
                    )
                )
        if not reminders:
            raise InvalidTransition(f"entry {application.pk} waits on nothing from the student")
        written = 0
        for event, context, key in reminders:
            if notify(
                event=event,
                recipients=[Recipient.of(application.student)],
                context=context,
                dedupe_key=key,
            ):
                written += 1
    reminder_log.info(
        "entry %s: %d of %d reminders sent by user %s",
        application.pk,
        written,
        len(reminders),
        actor.pk,
    )
    return written
