"""Cancelling a published or closed project closes its entries, interviews and placements."""

import datetime as dt
from collections import Counter

import pytest
from django.contrib.messages import constants as levels
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from accounts.workflow import InvalidTransition, TransitionNotAllowed
from applicants import services as applicant_services
from applicants.models import (
    Application,
    ApplicationStatusChange,
    Interview,
    InterviewStatusChange,
    Placement,
    PlacementStatusChange,
)
from coordinators import services
from coordinators.models import Orientation, Survey, SurveyResponse
from notifications import delivery
from notifications.models import Notification
from notifications.services import localized
from projects import services as project_services
from projects.models import Project, ProjectStatusChange
from tests.coordinators.test_admin import appoint, levels_for, run_action
from tests.factories import CoordinatorFactory, RegionFactory, StaffFactory, StudentFactory
from tests.flow import application_in, project_in

pytestmark = pytest.mark.django_db
A = Application.Status
I = Interview.Status  # noqa: E741
P = Placement.Status
PROJECTS = "/admin/projects/project/"
REASON = "受入先の体制が整わなくなったため"
CANCELLED_EVENT = "application_project_cancelled"


def _propose(application, member, days=3):
    start = (timezone.now() + dt.timedelta(days=days)).replace(microsecond=0)
    return applicant_services.interview_propose(
        application=application,
        actor=member,
        slots=[(start, start + dt.timedelta(hours=1))],
        mode=Interview.Mode.ONLINE,
        meeting_url="https://meet.example.jp/abc",
    )


def _world(coordinator=None):
    """A published project with an entry in every open state, an accepted one whose placement
    prepares with its orientation booked, and entries that ended before (withdrawn, declined,
    an internship ended early)."""
    project, member, region_coordinator = project_in(Project.Status.PUBLISHED)
    coordinator = coordinator or region_coordinator
    entries = {}
    for status in (A.SUBMITTED, A.SCREENING, A.INTERVIEWING, A.WITHDRAWN, A.REJECTED):
        entries[status] = application_in(status, project=project)[0]
    # Interviewing, with a booked interview (an invitation in both calendars).
    interview = _propose(entries[A.INTERVIEWING], member)
    scheduled = applicant_services.interview_schedule(
        interview=interview,
        actor=entries[A.INTERVIEWING].student,
        slot=interview.slots.get(),
    )
    # Offered, after an interview whose new times are still being proposed.
    offered = application_in(A.INTERVIEWING, project=project)[0]
    proposed = _propose(offered, member, days=4)
    entries[A.OFFERED] = applicant_services.application_offer(application=offered, actor=member)
    accepted = application_in(A.ACCEPTED, project=project)[0]
    entries[A.ACCEPTED] = accepted
    start = (timezone.now() + dt.timedelta(days=10)).replace(microsecond=0)
    orientation = services.orientation_schedule(
        placement=accepted.placement,
        actor=region_coordinator,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        place="北見市民会館",
    )
    ended = application_in(A.ACCEPTED, project=project)[0]
    applicant_services.placement_end_early(
        placement=ended.placement, actor=region_coordinator, reason="体調不良のため"
    )
    entries["ended_early"] = ended
    for application in entries.values():
        application.refresh_from_db()
    return {
        "project": project,
        "member": member,
        "coordinator": coordinator,
        "entries": entries,
        "scheduled": scheduled,
        "proposed": proposed,
        "orientation": orientation,
    }


OPEN = (A.SUBMITTED, A.SCREENING, A.INTERVIEWING, A.OFFERED)
FINISHED = (A.WITHDRAWN, A.REJECTED, "ended_early")


def _snapshot(project) -> dict:
    """Every row the cancellation could touch, and every row it could write."""
    in_project = {"application__project": project}
    return {
        "project": list(Project.objects.filter(pk=project.pk).values_list("status", "updated_at")),
        "entries": list(
            Application.objects.filter(project=project)
            .order_by("pk")
            .values_list("pk", "status", "decline_reason", "declined_by", "updated_at")
        ),
        "interviews": list(
            Interview.objects.filter(**in_project)
            .order_by("pk")
            .values_list("pk", "status", "calendar_sequence")
        ),
        "placements": list(
            Placement.objects.filter(**in_project)
            .order_by("pk")
            .values_list("pk", "status", "ended_reason")
        ),
        "orientations": list(
            Orientation.objects.filter(placement__application__project=project)
            .order_by("pk")
            .values_list("pk", "cancelled_at", "calendar_sequence")
        ),
        "history": [
            model.objects.count()
            for model in (
                ProjectStatusChange,
                ApplicationStatusChange,
                InterviewStatusChange,
                PlacementStatusChange,
            )
        ],
        "notifications": Notification.objects.count(),
        "surveys": SurveyResponse.objects.count(),
    }


def _calendars(address) -> list[tuple[str, str, int]]:
    """The calendar invitations mailed to `address`: (method, uid, sequence)."""
    found = []
    for message in mail.outbox:
        if message.to != [address]:
            continue
        for name, content, _mime in message.attachments:
            if name == "invite.ics":
                cal = Calendar.from_ical(content)
                event = next(iter(cal.walk("VEVENT")))
                found.append((str(cal["method"]), str(event["uid"]), int(event["sequence"])))
    return found


def _emails_of(user, event) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, event=event, channel="email"))


def test_cancelling_a_project_closes_every_open_entry_and_tells_each_student_once(
    django_capture_on_commit_callbacks,
):
    world = _world()
    # Active surveys ask about internships that took place: the cancelled one gets none.
    Survey.objects.create(title="終了アンケート", audience=Survey.Audience.STUDENT)
    Survey.objects.create(title="受入アンケート", audience=Survey.Audience.HOST)
    project, member, coordinator = world["project"], world["member"], world["coordinator"]
    entries = world["entries"]
    scheduled, proposed = world["scheduled"], world["proposed"]
    orientation = world["orientation"]
    before = {key: entries[key].status for key in entries}
    finished_before = {
        key: (entries[key].updated_at, entries[key].status_changes.count()) for key in FINISHED
    }
    booked = scheduled.calendar_sequence
    last_row = Notification.objects.order_by("pk").last().pk
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.project_cancel_with_entries(project=project, actor=coordinator, reason=REASON)

    project.refresh_from_db()
    assert project.status == Project.Status.CANCELLED
    last = project.status_changes.last()
    assert (last.to_status, last.actor, last.note) == (
        Project.Status.CANCELLED,
        coordinator,
        REASON,
    )

    for key in OPEN:
        application = Application.objects.get(pk=entries[key].pk)
        assert application.status == A.REJECTED
        assert application.decline_reason == Application.DeclineReason.PROJECT_CANCELLED
        assert (application.declined_by, application.decline_message) == (coordinator, REASON)
        change = application.status_changes.last()
        assert (change.from_status, change.to_status, change.actor) == (
            before[key],
            A.REJECTED,
            coordinator,
        )

    # The booked interview leaves both calendars (same UID, next SEQUENCE); the proposed one
    # had no invitation.
    for interview, source in ((scheduled, I.SCHEDULED), (proposed, I.PROPOSED)):
        interview.refresh_from_db()
        assert interview.status == I.CANCELLED
        change = interview.status_changes.last()
        assert (change.from_status, change.actor) == (source, coordinator)
    uid = f"interview-{scheduled.calendar_uid}@jissen"
    for person in (entries[A.INTERVIEWING].student, member):
        assert ("CANCEL", uid, booked + 1) in _calendars(person.email)
    addresses = {m.to[0] for m in mail.outbox}
    uids = {uid for address in addresses for _method, uid, _seq in _calendars(address)}
    assert f"interview-{proposed.calendar_uid}@jissen" not in uids
    reasons = Notification.objects.filter(event="interview_cancelled", channel="email")
    # One per interview and participant (the student and the interviewer), with the reason.
    assert len(reasons) == 4
    assert all(
        r.context["reason"] == localized(Application.DeclineReason.PROJECT_CANCELLED.label)
        for r in reasons
    )
    assert reasons[0].context["reason"]["__i18n__"]["en"] == "The project was cancelled"

    # The accepted entry stays accepted; its placement ends early, its orientation is off.
    accepted = entries[A.ACCEPTED]
    accepted.refresh_from_db()
    placement = accepted.placement
    placement.refresh_from_db()
    orientation.refresh_from_db()
    assert accepted.status == A.ACCEPTED
    assert (placement.status, placement.ended_reason) == (P.ENDED_EARLY, REASON)
    change = placement.status_changes.last()
    assert (change.from_status, change.to_status, change.actor) == (
        P.PREPARING,
        P.ENDED_EARLY,
        coordinator,
    )
    assert orientation.cancelled_at is not None
    ori_uid = f"orientation-{orientation.calendar_uid}@jissen"
    for person in (accepted.student, member, coordinator):
        assert _calendars(person.email)[-1] == ("CANCEL", ori_uid, 2)

    # Each student of a closed entry gets one email about the cancellation, never a generic
    # "declined"; besides it, only the cancellation of each interview or orientation they had
    # (the booked ones with the CANCEL for their calendar).
    others = {
        A.SUBMITTED: {},
        A.SCREENING: {},
        A.INTERVIEWING: {"interview_cancelled": 1},
        A.OFFERED: {"interview_cancelled": 1},
        A.ACCEPTED: {"orientation_cancelled": 1},
    }
    for key, expected in others.items():
        student = entries[key].student
        rows = Notification.objects.filter(recipient=student, channel="email", pk__gt=last_row)
        assert Counter(rows.values_list("event", flat=True)) == {CANCELLED_EVENT: 1, **expected}
        row = rows.get(event=CANCELLED_EVENT)
        assert row.context["placement"] is (key == A.ACCEPTED)
        assert row.context["message"] == REASON
        to_student = [m for m in mail.outbox if m.to == [student.email]]
        about = [m for m in to_student if "プロジェクト中止のお知らせ" in m.subject]
        assert len(about) == 1 and REASON in about[0].body
        assert len(to_student) == rows.count()

    # Entries that had ended before are left as they were, and their students hear nothing.
    for key in FINISHED:
        application = Application.objects.get(pk=entries[key].pk)
        assert application.status == before[key]
        assert (application.updated_at, application.status_changes.count()) == (
            finished_before[key]
        )
        assert not [m for m in mail.outbox if m.to == [application.student.email]]
    assert entries["ended_early"].placement.status_changes.count() == 2
    # The host and the coordinators hear of the project's cancellation once each.
    for person in (member, coordinator):
        assert len(_emails_of(person, "project_cancelled")) == 1


def test_programme_staff_may_cancel_with_the_entries():
    staff = StaffFactory()
    world = _world(coordinator=staff)
    services.project_cancel_with_entries(project=world["project"], actor=staff, reason=REASON)
    submitted = Application.objects.get(pk=world["entries"][A.SUBMITTED].pk)
    assert (submitted.status, submitted.declined_by) == (A.REJECTED, staff)


def _other_region_coordinator(world):
    return CoordinatorFactory()


def _in_progress(world):
    project, coordinator = world["project"], world["coordinator"]
    project_services.project_close(project=project, actor=coordinator)
    project_services.project_start(project=project, actor=coordinator)
    return coordinator


def _a_placement_under_way(world):
    project, coordinator = world["project"], world["coordinator"]
    project_services.project_close(project=project, actor=coordinator)
    applicant_services.placement_activate(
        placement=world["entries"][A.ACCEPTED].placement, actor=coordinator
    )
    return coordinator


def _the_host(world):
    return world["member"]


REFUSALS = {
    "a coordinator of another region": (_other_region_coordinator, TransitionNotAllowed),
    "a host member after approval": (_the_host, TransitionNotAllowed),
    "a project in progress": (_in_progress, InvalidTransition),
    "a closed project with an internship under way": (_a_placement_under_way, InvalidTransition),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_a_refused_cancellation_changes_nothing_at_all(case, django_capture_on_commit_callbacks):
    world = _world()
    Survey.objects.create(title="終了アンケート", audience=Survey.Audience.STUDENT)
    set_up, error = REFUSALS[case]
    actor = set_up(world)
    project = world["project"]
    before = _snapshot(project)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(error):
        services.project_cancel_with_entries(project=project, actor=actor, reason=REASON)
    assert _snapshot(project) == before
    assert mail.outbox == []


def test_a_reason_is_required_and_its_absence_changes_nothing():
    world = _world()
    before = _snapshot(world["project"])
    with pytest.raises(ValueError):
        services.project_cancel_with_entries(
            project=world["project"], actor=world["coordinator"], reason="  "
        )
    assert _snapshot(world["project"]) == before


def test_cancelling_twice_is_refused_and_sends_nothing_more(django_capture_on_commit_callbacks):
    world = _world()
    project, coordinator = world["project"], world["coordinator"]
    services.project_cancel_with_entries(project=project, actor=coordinator, reason=REASON)
    before = _snapshot(project)
    with pytest.raises(InvalidTransition):
        services.project_cancel_with_entries(project=project, actor=coordinator, reason=REASON)
    assert _snapshot(project) == before


def test_a_host_cannot_cancel_a_project_that_takes_entries(client):
    project, member, _coordinator = project_in(Project.Status.PUBLISHED)
    application, *_rest = application_in(A.SCREENING, project=project)
    client.force_login(member)
    response = client.post(f"/host/projects/{project.pk}/cancel/", {"reason": "やめます"})
    assert response.status_code == 302
    project.refresh_from_db()
    application.refresh_from_db()
    assert (project.status, application.status) == (Project.Status.PUBLISHED, A.SCREENING)
    with pytest.raises(TransitionNotAllowed):
        services.project_cancel_with_entries(project=project, actor=member, reason="やめます")
    # Before approval a host may cancel, and then there are no entries to close.
    draft, draft_member, _ = project_in(Project.Status.SUBMITTED)
    with pytest.raises(applicant_services.EntryNotOpen):
        applicant_services.application_submit(
            student=StudentFactory(), project=draft, motivation="挑戦したい", consent=True
        )
    client.force_login(draft_member)
    client.post(f"/host/projects/{draft.pk}/cancel/", {"reason": "やめます"})
    draft.refresh_from_db()
    assert draft.status == Project.Status.CANCELLED


def test_the_admin_cancel_action_closes_the_entries_and_refuses_row_by_row(client):
    world = _world()
    project, entries = world["project"], world["entries"]
    coordinator = appoint(project.region)
    running, *_rest = project_in(Project.Status.IN_PROGRESS, organization=project.organization)
    client.force_login(coordinator)

    page = run_action(client, PROJECTS, "cancel", project, running, reason="")
    assert "reason" in page.context["form"].errors
    intro = page.content.decode()
    assert "placements still preparing" in intro or "準備中のインターンシップ" in intro
    response = run_action(client, PROJECTS, "cancel", project, running, reason=REASON)

    project.refresh_from_db()
    running.refresh_from_db()
    assert (project.status, running.status) == (
        Project.Status.CANCELLED,
        Project.Status.IN_PROGRESS,
    )
    assert levels_for(response, project) == [levels.SUCCESS]
    assert levels_for(response, running) == [levels.ERROR]
    for key in OPEN:
        application = Application.objects.get(pk=entries[key].pk)
        assert (application.status, application.decline_reason) == (
            A.REJECTED,
            Application.DeclineReason.PROJECT_CANCELLED,
        )
        assert application.status_changes.last().actor == coordinator
    placement = Placement.objects.get(application=entries[A.ACCEPTED])
    assert placement.status == P.ENDED_EARLY
    assert project.status_changes.last().note == REASON


def test_a_coordinator_of_another_region_cannot_cancel_from_the_admin(client):
    world = _world()
    project = world["project"]
    client.force_login(appoint(RegionFactory()))
    run_action(client, PROJECTS, "cancel", project, reason=REASON)
    project.refresh_from_db()
    assert project.status == Project.Status.PUBLISHED
    assert Application.objects.get(pk=world["entries"][A.SUBMITTED].pk).status == A.SUBMITTED


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("placement", [False, True])
def test_the_students_email_says_the_project_was_cancelled(language, placement):
    student = StudentFactory(preferred_language=language)
    row = Notification(
        event=CANCELLED_EVENT,
        language=language,
        context={
            "application_id": 41,
            "project_id": 7,
            "project_title": "牧場の未来をつくる",
            "student_name": "山田 花子",
            "message": REASON,
            "placement": placement,
        },
        email=student.email,
        channel="email",
        idempotency_key="k",
        recipient=student,
    )
    subject, text, html = delivery.render(row)
    assert {"ja": "プロジェクト中止", "en": "Project cancelled"}[language] in subject
    assert REASON in text and REASON in html
    assert "/me/entries/41/" in text
    internship = {"ja": "インターンシップは実施されません", "en": "will not take place"}[language]
    assert (internship in text) is placement
    assert "None" not in text + html
