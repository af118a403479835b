"""Every allowed and every forbidden move of entries, interviews and placements."""

import datetime as dt

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from icalendar import Calendar

from accounts.workflow import InvalidTransition, TransitionNotAllowed
from applicants import services
from applicants.models import Application, Interview, Placement
from notifications.models import Notification
from projects import services as project_services
from projects.models import Project
from tests.factories import CoordinatorFactory, HostMemberFactory, StudentFactory, UserFactory
from tests.flow import application_in, interview_in, placement_in, project_in

pytestmark = pytest.mark.django_db
A = Application.Status
I = Interview.Status  # noqa: E741
P = Placement.Status


def _application_call(target, application, student, member):
    s = services
    calls = {
        A.SCREENING: lambda: s.application_screen(application=application, actor=member),
        A.INTERVIEWING: lambda: s.application_invite_to_interview(
            application=application, actor=member
        ),
        A.OFFERED: lambda: s.application_offer(application=application, actor=member),
        A.ACCEPTED: lambda: s.application_accept(application=application, actor=student),
        A.REJECTED: lambda: s.application_reject(
            application=application, actor=member, reason="fit", message="また挑戦してください"
        ),
        A.WITHDRAWN: lambda: s.application_withdraw(application=application, actor=student),
        A.OFFER_DECLINED: lambda: s.application_decline_offer(
            application=application, actor=student
        ),
    }
    return calls[target]()


@pytest.mark.parametrize("source", A.values)
@pytest.mark.parametrize("target", [t for t in A.values if t != A.SUBMITTED])
def test_every_application_move_is_allowed_or_refused_by_the_table(source, target):
    application, student, member, _ = application_in(source)
    history_before = application.status_changes.count()
    if Application.TRANSITIONS.allows(source, target):
        _application_call(target, application, student, member)
        application.refresh_from_db()
        assert application.status == target
        last = application.status_changes.last()
        assert (last.from_status, last.to_status) == (source, target)
    else:
        with pytest.raises(InvalidTransition):
            _application_call(target, application, student, member)
        application.refresh_from_db()
        assert application.status == source
        assert application.status_changes.count() == history_before


def test_entry_is_one_per_student_and_project_even_when_sent_twice():
    project, _, _ = project_in(Project.Status.PUBLISHED)
    student = StudentFactory()
    first = services.application_submit(
        student=student, project=project, motivation="挑戦したい", consent=True
    )
    second = services.application_submit(
        student=student, project=project, motivation="二回目", consent=True
    )
    assert first.pk == second.pk
    assert Application.objects.filter(student=student, project=project).count() == 1


def test_database_refuses_a_second_entry_for_the_same_project():
    application, student, _, _ = application_in(A.SUBMITTED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(
            student=student,
            project=application.project,
            motivation="x",
            profile_shared_at=timezone.now(),
        )


@pytest.mark.parametrize(
    "status", [Project.Status.DRAFT, Project.Status.APPROVED, Project.Status.CLOSED]
)
def test_entry_only_while_the_project_is_open(status):
    project, _, _ = project_in(status)
    with pytest.raises(services.EntryNotOpen):
        services.application_submit(
            student=StudentFactory(), project=project, motivation="x", consent=True
        )


def test_entry_after_the_deadline_is_refused():
    project, _, _ = project_in(Project.Status.PUBLISHED)
    Project.objects.filter(pk=project.pk).update(
        entry_deadline=timezone.now() - dt.timedelta(minutes=1)
    )
    with pytest.raises(services.EntryNotOpen):
        services.application_submit(
            student=StudentFactory(), project=project, motivation="x", consent=True
        )


def test_entry_needs_a_complete_profile_and_consent():
    project, _, _ = project_in(Project.Status.PUBLISHED)
    with pytest.raises(services.ProfileIncomplete):
        services.application_submit(
            student=UserFactory(), project=project, motivation="x", consent=True
        )
    with pytest.raises(ValueError):
        services.application_submit(
            student=StudentFactory(), project=project, motivation="x", consent=False
        )


def test_entry_confirms_to_the_student_and_tells_the_host(django_capture_on_commit_callbacks):
    project, member, coordinator = project_in(Project.Status.PUBLISHED)
    student = StudentFactory()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        application = services.application_submit(
            student=student, project=project, motivation="地域の未来を一緒に", consent=True
        )
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([student.email, member.email, coordinator.email])
    assert application.profile_shared_at is not None


def test_other_hosts_and_students_cannot_move_an_entry():
    application, student, _member, _ = application_in(A.SUBMITTED)
    with pytest.raises(TransitionNotAllowed):
        services.application_screen(application=application, actor=HostMemberFactory())
    with pytest.raises(TransitionNotAllowed):
        services.application_screen(application=application, actor=student)
    with pytest.raises(TransitionNotAllowed):
        services.application_withdraw(application=application, actor=StudentFactory())


def test_accept_creates_the_placement_with_its_history():
    application, student, _member, _ = application_in(A.OFFERED)
    placement = services.application_accept(application=application, actor=student)
    assert placement.status == P.PREPARING
    assert placement.application == application
    assert placement.status_changes.get().to_status == P.PREPARING


def test_reject_records_reason_message_and_who():
    application, _student, member, _ = application_in(A.SCREENING)
    services.application_reject(
        application=application, actor=member, reason="schedule", message="日程が合いませんでした"
    )
    application.refresh_from_db()
    assert application.decline_reason == "schedule"
    assert application.declined_by == member
    with pytest.raises(ValueError):
        services.application_reject(application=application, actor=member, reason="nonsense")


@pytest.mark.parametrize("source", sorted(Application.ACTIVE_STATES))
def test_the_regions_coordinator_may_decline_an_entry_and_another_regions_may_not(source):
    application, _student, _member, coordinator = application_in(source)
    with pytest.raises(TransitionNotAllowed):
        services.application_reject(
            application=application, actor=CoordinatorFactory(), reason="fit"
        )
    application.refresh_from_db()
    assert application.status == source
    services.application_reject(application=application, actor=coordinator, reason="fit")
    application.refresh_from_db()
    assert (application.status, application.declined_by) == (A.REJECTED, coordinator)
    change = application.status_changes.last()
    assert (change.from_status, change.actor) == (source, coordinator)


def test_the_host_withdraws_an_offer_and_the_student_is_told(django_capture_on_commit_callbacks):
    application, student, member, _ = application_in(A.OFFERED)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_reject(
            application=application, actor=member, reason="other", message="事情が変わりました"
        )
    application.refresh_from_db()
    assert application.status == A.REJECTED
    assert application.status_changes.last().from_status == A.OFFERED
    (row,) = Notification.objects.filter(
        recipient=student,
        channel="email",
        event__in=["application_rejected", "application_project_cancelled"],
    )
    assert row.event == "application_rejected"
    # Once declined, the offer cannot be accepted any more.
    with pytest.raises(InvalidTransition):
        services.application_accept(application=application, actor=student)


def test_the_project_cancelled_reason_is_refused_while_the_project_is_open():
    application, _student, member, coordinator = application_in(A.INTERVIEWING)
    for actor in (member, coordinator):
        with pytest.raises(InvalidTransition):
            services.application_reject(
                application=application, actor=actor, reason="project_cancelled"
            )
    application.refresh_from_db()
    assert (application.status, application.decline_reason) == (A.INTERVIEWING, "")
    assert application.status_changes.last().to_status == A.INTERVIEWING
    assert not Notification.objects.filter(
        event__in=["application_rejected", "application_project_cancelled"]
    ).exists()
    assert "project_cancelled" not in dict(Application.CHOSEN_DECLINE_REASONS)
    assert set(dict(Application.CHOSEN_DECLINE_REASONS)) == set(
        Application.DeclineReason.values
    ) - {"project_cancelled"}


def test_an_entry_of_a_cancelled_project_is_told_the_project_was_cancelled(
    django_capture_on_commit_callbacks,
):
    interview, student, _member, coordinator = interview_in(I.SCHEDULED)
    application = interview.application
    project_services.project_cancel(
        project=application.project, actor=coordinator, reason="受入中止"
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_reject(
            application=application,
            actor=coordinator,
            reason="project_cancelled",
            message="受入中止",
        )
    application.refresh_from_db()
    interview.refresh_from_db()
    assert (application.status, application.decline_reason) == (A.REJECTED, "project_cancelled")
    assert interview.status == I.CANCELLED
    rows = Notification.objects.filter(recipient=student, channel="email")
    assert not rows.filter(event="application_rejected").exists()
    (told,) = rows.filter(event="application_project_cancelled")
    assert (told.context["placement"], told.context["message"]) == (False, "受入中止")
    (cancelled,) = rows.filter(event="interview_cancelled")
    assert cancelled.context["reason"]["__i18n__"]["en"] == "The project was cancelled"
    assert cancelled.context["calendar"]["method"] == "CANCEL"
    subjects = [m.subject for m in _mail_to(student)]
    assert sum("プロジェクト中止のお知らせ" in s for s in subjects) == 1


def _interview_call(target, interview, student, member):
    s = services
    start = timezone.now() + dt.timedelta(days=5)
    calls = {
        I.PROPOSED: lambda: s.interview_request_new_slots(interview=interview, actor=student),
        I.SCHEDULED: lambda: s.interview_schedule(
            interview=interview,
            actor=member,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
        ),
        I.COMPLETED: lambda: s.interview_complete(interview=interview, actor=member),
        I.CANCELLED: lambda: s.interview_cancel(interview=interview, actor=member),
        I.NO_SHOW: lambda: s.interview_mark_no_show(interview=interview, actor=member),
    }
    return calls[target]()


@pytest.mark.parametrize(
    ("source", "target"), [(s, t) for s in I.values for t in I.values if s != t]
)
def test_every_interview_move_is_allowed_or_refused_by_the_table(source, target):
    interview, student, member, _ = interview_in(source)
    if Interview.TRANSITIONS.allows(source, target):
        _interview_call(target, interview, student, member)
        interview.refresh_from_db()
        assert interview.status == target
        last = interview.status_changes.last()
        assert (last.from_status, last.to_status) == (source, target)
    else:
        with pytest.raises(InvalidTransition):
            _interview_call(target, interview, student, member)
        interview.refresh_from_db()
        assert interview.status == source


def test_student_picks_a_slot_and_only_that_slot_is_chosen():
    interview, student, _member, _ = interview_in(I.PROPOSED)
    slot = interview.slots.last()
    interview = services.interview_schedule(interview=interview, actor=student, slot=slot)
    assert (interview.starts_at, interview.ends_at) == (slot.starts_at, slot.ends_at)
    assert list(interview.slots.filter(chosen=True)) == [slot]
    assert interview.calendar_sequence == 1


def test_student_cannot_set_a_time_directly_and_strangers_cannot_pick():
    interview, student, _member, _ = interview_in(I.PROPOSED)
    start = timezone.now() + dt.timedelta(days=2)
    with pytest.raises(TransitionNotAllowed):
        services.interview_schedule(
            interview=interview,
            actor=student,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
        )
    with pytest.raises(TransitionNotAllowed):
        services.interview_schedule(
            interview=interview, actor=StudentFactory(), slot=interview.slots.first()
        )


def test_interviews_only_for_entries_in_interviewing():
    application, _student, member, _ = application_in(A.SCREENING)
    start = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(InvalidTransition):
        services.interview_propose(
            application=application,
            actor=member,
            slots=[(start, start + dt.timedelta(hours=1))],
            mode="online",
        )


# An entry that ends takes its open interviews with it ---------------------------------------


def _invite(message):
    """The calendar attached to an email, or None."""
    for name, content, _mimetype in message.attachments:
        if name == "invite.ics":
            return Calendar.from_ical(content)
    return None


def _mail_to(user):
    return [message for message in mail.outbox if message.to == [user.email]]


ENTRY_EXITS = {
    A.WITHDRAWN: (
        "student",
        lambda a, student, member: services.application_withdraw(
            application=a, actor=student, reason="他社の内定を受けたため"
        ),
        "The student withdrew the entry.",
    ),
    A.REJECTED: (
        "member",
        lambda a, student, member: services.application_reject(
            application=a, actor=member, reason="fit", message="またの挑戦を"
        ),
        "The entry was declined.",
    ),
    A.OFFER_DECLINED: (
        "student",
        lambda a, student, member: services.application_decline_offer(
            application=a, actor=student, reason="家庭の事情"
        ),
        "The student declined the offer.",
    ),
}


def _entry_with_a_scheduled_and_a_proposed_interview():
    scheduled, student, member, _ = interview_in(I.SCHEDULED)
    application = scheduled.application
    start = timezone.now() + dt.timedelta(days=6)
    proposed = services.interview_propose(
        application=application,
        actor=member,
        slots=[(start, start + dt.timedelta(hours=1))],
        mode=Interview.Mode.ONSITE,
        place="北見市役所",
    )
    member.preferred_language = "en"
    member.save(update_fields=["preferred_language"])
    return application, scheduled, proposed, student, member


@pytest.mark.parametrize("target", sorted(ENTRY_EXITS))
def test_an_entry_that_ends_cancels_its_interviews_and_their_invitations(
    target, django_capture_on_commit_callbacks
):
    application, scheduled, proposed, student, member = (
        _entry_with_a_scheduled_and_a_proposed_interview()
    )
    if target == A.OFFER_DECLINED:
        services.application_offer(application=application, actor=member)
    who, call, reason = ENTRY_EXITS[target]
    actor = {"student": student, "member": member}[who]
    booked = scheduled.calendar_sequence
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call(application, student, member)
    application.refresh_from_db()
    assert application.status == target
    for interview, source in ((scheduled, I.SCHEDULED), (proposed, I.PROPOSED)):
        interview.refresh_from_db()
        assert interview.status == I.CANCELLED
        last = interview.status_changes.last()
        assert (last.from_status, last.to_status, last.actor) == (source, I.CANCELLED, actor)
    # One cancellation per interview and participant; only the scheduled one had an invitation.
    rows = Notification.objects.filter(event="interview_cancelled", channel="email")
    assert sorted((r.context["interview_id"], r.email) for r in rows) == sorted(
        (i.pk, u.email) for i in (scheduled, proposed) for u in (student, member)
    )
    for person in (student, member):
        calendars = [c for c in map(_invite, _mail_to(person)) if c is not None]
        assert len(calendars) == 1
        (cal,) = calendars
        event = next(iter(cal.walk("VEVENT")))
        assert str(cal["method"]) == "CANCEL"
        assert str(event["uid"]) == f"interview-{scheduled.calendar_uid}@jissen"
        assert int(event["sequence"]) == booked + 1 == scheduled.calendar_sequence
    # The interviewers read a neutral reason in their language, not the student's own words.
    cancelled_for_member = [m for m in _mail_to(member) if "Interview cancelled" in m.subject]
    assert len(cancelled_for_member) == 2
    assert all(reason in m.body for m in cancelled_for_member)
    assert not any("他社" in m.body or "家庭" in m.body for m in mail.outbox)


def test_a_refused_end_of_an_entry_leaves_its_interviews_alone():
    application, _scheduled, _proposed, student, _member = (
        _entry_with_a_scheduled_and_a_proposed_interview()
    )
    # Interviewing: declining an offer is refused, withdrawing is allowed.
    with pytest.raises(InvalidTransition):
        services.application_decline_offer(application=application, actor=student)
    assert set(application.interviews.values_list("status", flat=True)) == {
        I.SCHEDULED,
        I.PROPOSED,
    }
    assert not Notification.objects.filter(event="interview_cancelled").exists()
    services.application_withdraw(application=application, actor=student)
    assert set(application.interviews.values_list("status", flat=True)) == {I.CANCELLED}


def test_deleting_a_students_account_cancels_the_interviewers_invitation(
    django_capture_on_commit_callbacks,
):
    interview, student, member, _ = interview_in(I.SCHEDULED)
    uid = f"interview-{interview.calendar_uid}@jissen"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.student_account_delete(user=student)
    assert not Interview.objects.filter(pk=interview.pk).exists()
    (message,) = _mail_to(member)
    cal = _invite(message)
    event = next(iter(cal.walk("VEVENT")))
    assert (str(cal["method"]), str(event["uid"])) == ("CANCEL", uid)
    assert int(event["sequence"]) == interview.calendar_sequence + 1


def _placement_call(target, placement, coordinator):
    s = services
    calls = {
        P.ACTIVE: lambda: s.placement_activate(placement=placement, actor=coordinator),
        P.COMPLETED: lambda: s.placement_complete(placement=placement, actor=coordinator),
        P.ENDED_EARLY: lambda: s.placement_end_early(
            placement=placement, actor=coordinator, reason="学業に専念するため"
        ),
    }
    return calls[target]()


@pytest.mark.parametrize(
    ("source", "target"),
    [(s, t) for s in P.values for t in (P.ACTIVE, P.COMPLETED, P.ENDED_EARLY) if s != t],
)
def test_every_placement_move_is_allowed_or_refused_by_the_table(source, target):
    placement, _student, _member, coordinator = placement_in(source)
    if Placement.TRANSITIONS.allows(source, target):
        _placement_call(target, placement, coordinator)
        placement.refresh_from_db()
        assert placement.status == target
        last = placement.status_changes.last()
        assert (last.from_status, last.to_status) == (source, target)
    else:
        with pytest.raises(InvalidTransition):
            _placement_call(target, placement, coordinator)
        placement.refresh_from_db()
        assert placement.status == source


def test_only_the_regions_coordinator_moves_a_placement():
    placement, student, member, _ = placement_in(P.PREPARING)
    for actor in (student, member):
        with pytest.raises(TransitionNotAllowed):
            services.placement_activate(placement=placement, actor=actor)


def test_completing_a_placement_tells_student_and_host(django_capture_on_commit_callbacks):
    placement, student, member, coordinator = placement_in(P.ACTIVE)
    with django_capture_on_commit_callbacks(execute=True):
        services.placement_complete(placement=placement, actor=coordinator)
    rows = Notification.objects.filter(event="placement_completed", channel="email")
    assert {r.email for r in rows} >= {student.email, member.email}


def test_the_last_place_goes_to_one_student_the_other_gets_capacity_full():
    project, _, _ = project_in(Project.Status.PUBLISHED)
    Project.objects.filter(pk=project.pk).update(capacity=1)
    project.refresh_from_db()
    first, first_student, *_ = application_in(A.OFFERED, project=project)
    second, second_student, *_ = application_in(A.OFFERED, project=project)
    services.application_accept(application=first, actor=first_student)
    with pytest.raises(services.CapacityFull):
        services.application_accept(application=second, actor=second_student)
    second.refresh_from_db()
    assert second.status == A.OFFERED
    assert Placement.objects.filter(application__project=project).count() == 1


def test_interviewers_record_feedback_once_each_and_outsiders_cannot():
    interview, student, member, _ = interview_in(I.COMPLETED)
    services.interview_feedback_record(interview=interview, author=member, recommendation="yes")
    services.interview_feedback_record(
        interview=interview, author=member, recommendation="strong_yes", notes="主体性が高い"
    )
    assert interview.feedback.get().recommendation == "strong_yes"
    with pytest.raises(TransitionNotAllowed):
        services.interview_feedback_record(
            interview=interview, author=student, recommendation="yes"
        )
    proposed, _, member2, _ = interview_in(I.PROPOSED)
    with pytest.raises(InvalidTransition):
        services.interview_feedback_record(interview=proposed, author=member2, recommendation="no")
