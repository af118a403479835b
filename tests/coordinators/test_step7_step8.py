"""Step 7 (start orientation) and step 8 (reviews), the end of a placement and its surveys."""

import datetime as dt
import itertools

import pytest
from django.contrib.messages import constants as levels
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from accounts.workflow import InvalidTransition, TransitionNotAllowed
from coordinators import services
from coordinators.models import ReviewSession, Survey, SurveyQuestion, SurveyResponse
from notifications.models import Notification
from tests.coordinators.test_admin import ORIENTATIONS, appoint, levels_for, run_action
from tests.factories import CoordinatorFactory, HostMemberFactory, RegionFactory
from tests.flow import placement_in

pytestmark = pytest.mark.django_db


def _schedule(placement, coordinator, days=5):
    start = (timezone.now() + dt.timedelta(days=days)).replace(microsecond=0)
    return services.orientation_schedule(
        placement=placement,
        actor=coordinator,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        place="北見市民会館",
    )


def test_orientation_invites_all_three_with_ics_and_a_move_keeps_the_uid(
    django_capture_on_commit_callbacks,
):
    placement, student, member, coordinator = placement_in("preparing")
    with django_capture_on_commit_callbacks(execute=True):
        orientation = _schedule(placement, coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        _schedule(placement, coordinator, days=7)
    invites = {}
    for message in mail.outbox:
        for name, content, _mime in message.attachments:
            if name == "invite.ics":
                event = next(iter(Calendar.from_ical(content).walk("VEVENT")))
                invites.setdefault(message.to[0], []).append(
                    (str(event["uid"]), int(event["sequence"]))
                )
    assert set(invites) >= {student.email, member.email, coordinator.email}
    uids = {uid for pairs in invites.values() for uid, _ in pairs}
    assert uids == {f"orientation-{orientation.calendar_uid}@jissen"}
    assert [seq for _, seq in invites[student.email]] == [1, 2]


def test_holding_the_orientation_records_goals_and_activates_the_placement():
    placement, _student, _member, coordinator = placement_in("preparing")
    orientation = _schedule(placement, coordinator)
    with pytest.raises(ValueError):
        services.orientation_record(
            orientation=orientation,
            actor=coordinator,
            student_goals="",
            host_goals="販路を広げる",
            coordinator_goals="伴走する",
            student_attended=True,
            host_attended=True,
            coordinator_attended=True,
        )
    services.orientation_record(
        orientation=orientation,
        actor=coordinator,
        student_goals="商品を3つ企画する",
        host_goals="販路を広げる",
        coordinator_goals="月1回の振り返り",
        student_attended=True,
        host_attended=True,
        coordinator_attended=False,
    )
    placement.refresh_from_db()
    orientation.refresh_from_db()
    assert placement.status == "active"
    assert orientation.held_at is not None and not orientation.coordinator_attended
    assert placement.status_changes.last().to_status == "active"


def test_only_the_regions_coordinator_schedules_and_only_while_preparing():
    placement, _student, member, _coordinator = placement_in("preparing")
    for outsider in (member, CoordinatorFactory()):
        with pytest.raises(TransitionNotAllowed):
            _schedule(placement, outsider)
    active, *_rest, coordinator = placement_in("active")
    with pytest.raises(InvalidTransition):
        _schedule(active, coordinator)


@pytest.mark.parametrize("weeks", [2, 4])
def test_review_plan_lays_out_regular_midterm_and_final_sessions(weeks):
    placement, *_rest, coordinator = placement_in("active")
    sessions = services.review_plan_set(placement=placement, actor=coordinator, every_weeks=weeks)
    kinds = [s.kind for s in sessions]
    assert kinds.count("midterm") == 1 and kinds.count("final") == 1
    regular = [s.due_on for s in sessions if s.kind == "regular"]
    assert all((b - a).days == 7 * weeks for a, b in itertools.pairwise(regular))
    # Setting it again replaces what was not held yet.
    services.review_plan_set(placement=placement, actor=coordinator, every_weeks=weeks)
    assert ReviewSession.objects.filter(placement=placement).count() == len(sessions)
    with pytest.raises(ValueError):
        services.review_plan_set(placement=placement, actor=coordinator, every_weeks=3)


def test_each_party_writes_their_part_and_at_risk_alerts_coordinators(
    django_capture_on_commit_callbacks,
):
    placement, student, member, coordinator = placement_in("active")
    review = ReviewSession.objects.create(placement=placement, due_on=timezone.localdate())
    services.review_record(review=review, actor=student, part="student", notes="商品案を2つ出した")
    services.review_record(review=review, actor=member, part="host", notes="よく動いている")
    with pytest.raises(TransitionNotAllowed):
        services.review_record(review=review, actor=student, part="coordinator", notes="x")
    with pytest.raises(TransitionNotAllowed):
        services.review_record(review=review, actor=HostMemberFactory(), part="host", notes="x")
    with django_capture_on_commit_callbacks(execute=True):
        services.review_record(
            review=review,
            actor=coordinator,
            part="coordinator",
            notes="販路開拓が遅れ気味",
            progress="目標の半分",
            health="at_risk",
            next_actions="来週までに3社に連絡",
        )
    review.refresh_from_db()
    assert review.held_at and review.health == "at_risk"
    assert (review.student_notes, review.host_notes) == ("商品案を2つ出した", "よく動いている")
    assert Notification.objects.filter(event="review_at_risk", recipient=coordinator).exists()


def test_host_supervisor_answers_through_the_signed_link():
    placement, *_rest, coordinator = placement_in("active")
    review = ReviewSession.objects.create(placement=placement, due_on=timezone.localdate())
    token = services.review_host_link_issue(review=review, actor=coordinator)
    found = services.review_host_link_read(token)
    assert found == review
    services.review_record(review=found, actor=None, part="host", notes="現場の声", via_link=True)
    review.refresh_from_db()
    assert review.host_notes == "現場の声"
    import django.core.signing

    with pytest.raises(django.core.signing.BadSignature):
        services.review_host_link_read(token + "x")


def _survey(audience):
    survey = Survey.objects.create(title=f"{audience}アンケート", audience=audience)
    SurveyQuestion.objects.create(survey=survey, position=1, kind="rating", text="満足度")
    SurveyQuestion.objects.create(
        survey=survey, position=2, kind="choice", text="また参加したい?", choices=["はい", "いいえ"]
    )
    SurveyQuestion.objects.create(
        survey=survey, position=3, kind="text", text="感想", required=False
    )
    return survey


def test_finishing_a_placement_sends_surveys_once_and_answers_are_checked():
    placement, student, member, coordinator = placement_in("active")
    student_survey, _host_survey = _survey("student"), _survey("host")
    services.placement_finish(placement=placement, actor=coordinator)
    placement.refresh_from_db()
    assert placement.status == "completed"
    responses = SurveyResponse.objects.filter(placement=placement)
    assert {(r.survey.audience, r.respondent_id) for r in responses} >= {
        ("student", student.pk),
        ("host", member.pk),
    }
    assert services.survey_send_for(placement=placement) == []
    mine = responses.get(respondent=student, survey=student_survey)
    q1, q2, _q3 = student_survey.questions.all()
    with pytest.raises(ValueError):
        services.survey_answer(
            response=mine, actor=student, answers={str(q1.pk): "7", str(q2.pk): "はい"}
        )
    with pytest.raises(ValueError):
        services.survey_answer(response=mine, actor=student, answers={str(q1.pk): "4"})
    with pytest.raises(TransitionNotAllowed):
        services.survey_answer(response=mine, actor=member, answers={})
    services.survey_answer(
        response=mine, actor=student, answers={str(q1.pk): "4", str(q2.pk): "はい"}
    )
    mine.refresh_from_db()
    assert mine.submitted_at and mine.answers == {str(q1.pk): 4, str(q2.pk): "はい"}


def test_ending_early_needs_a_reason_and_still_sends_surveys():
    placement, *_rest, coordinator = placement_in("active")
    _survey("student")
    services.placement_finish(
        placement=placement, actor=coordinator, ended_early_reason="家庭の事情"
    )
    placement.refresh_from_db()
    assert placement.status == "ended_early" and placement.ended_reason == "家庭の事情"
    assert SurveyResponse.objects.filter(placement=placement).exists()


# Cancelling the start orientation ----------------------------------------------------------


def _calendars(outbox):
    """Each address's calendar invitations in order: (method, uid, sequence)."""
    found = {}
    for message in outbox:
        for name, content, _mime in message.attachments:
            if name == "invite.ics":
                cal = Calendar.from_ical(content)
                event = next(iter(cal.walk("VEVENT")))
                found.setdefault(message.to[0], []).append(
                    (str(cal["method"]), str(event["uid"]), int(event["sequence"]))
                )
    return found


def _uid(orientation):
    return f"orientation-{orientation.calendar_uid}@jissen"


def test_cancelling_the_orientation_sends_everyone_a_cancel_with_the_same_uid(
    django_capture_on_commit_callbacks,
):
    placement, student, member, coordinator = placement_in("preparing")
    member.preferred_language = "en"
    member.save(update_fields=["preferred_language"])
    with django_capture_on_commit_callbacks(execute=True):
        orientation = _schedule(placement, coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        services.orientation_cancel(
            orientation=orientation, actor=coordinator, reason="会場が使えなくなったため"
        )
    orientation.refresh_from_db()
    assert orientation.cancelled_at is not None and orientation.calendar_sequence == 2
    uid = _uid(orientation)
    calendars = _calendars(mail.outbox)
    for person in (student, member, coordinator):
        assert calendars[person.email] == [("REQUEST", uid, 1), ("CANCEL", uid, 2)]
    rows = Notification.objects.filter(event="orientation_cancelled", channel="email")
    assert {r.email for r in rows} == {student.email, member.email, coordinator.email}
    (to_member,) = [
        m for m in mail.outbox if m.to == [member.email] and "cancelled" in m.subject.lower()
    ]
    assert "Start orientation cancelled" in to_member.subject
    assert "会場が使えなくなったため" in to_member.body
    placement.refresh_from_db()
    assert placement.status == "preparing"


def test_only_the_regions_coordinator_cancels_and_only_an_orientation_still_to_hold():
    placement, _student, member, coordinator = placement_in("preparing")
    orientation = _schedule(placement, coordinator)
    for outsider in (member, CoordinatorFactory()):
        with pytest.raises(TransitionNotAllowed):
            services.orientation_cancel(orientation=orientation, actor=outsider)
    orientation.refresh_from_db()
    assert orientation.cancelled_at is None and orientation.calendar_sequence == 1
    assert not Notification.objects.filter(event="orientation_cancelled").exists()
    services.orientation_cancel(orientation=orientation, actor=coordinator)
    with pytest.raises(InvalidTransition):
        services.orientation_cancel(orientation=orientation, actor=coordinator)
    assert Notification.objects.filter(event="orientation_cancelled", channel="email").count() == 3
    # A held orientation is history, not an appointment to call off.
    held_placement, *_rest, held_coordinator = placement_in("preparing")
    held = _schedule(held_placement, held_coordinator)
    services.orientation_record(
        orientation=held,
        actor=held_coordinator,
        student_goals="商品を3つ企画する",
        host_goals="販路を広げる",
        coordinator_goals="月1回の振り返り",
        student_attended=True,
        host_attended=True,
        coordinator_attended=True,
    )
    with pytest.raises(InvalidTransition):
        services.orientation_cancel(orientation=held, actor=held_coordinator)
    held.refresh_from_db()
    assert held.cancelled_at is None


def test_a_cancelled_orientation_is_scheduled_again_as_a_new_invitation(
    django_capture_on_commit_callbacks,
):
    placement, student, _member, coordinator = placement_in("preparing")
    with django_capture_on_commit_callbacks(execute=True):
        orientation = _schedule(placement, coordinator)
        services.orientation_cancel(orientation=orientation, actor=coordinator)
    cancelled_uid = _uid(orientation)
    # Until it is scheduled again it cannot be recorded as held.
    goals = {
        "student_goals": "商品を3つ企画する",
        "host_goals": "販路を広げる",
        "coordinator_goals": "月1回の振り返り",
        "student_attended": True,
        "host_attended": True,
        "coordinator_attended": True,
    }
    with pytest.raises(InvalidTransition):
        services.orientation_record(orientation=orientation, actor=coordinator, **goals)
    with django_capture_on_commit_callbacks(execute=True):
        again = _schedule(placement, coordinator, days=9)
    assert again.pk == orientation.pk and again.cancelled_at is None
    # Calendars drop a cancelled UID for good: the new date comes as a new event.
    assert _uid(again) != cancelled_uid
    assert _calendars(mail.outbox)[student.email] == [
        ("REQUEST", cancelled_uid, 1),
        ("CANCEL", cancelled_uid, 2),
        ("REQUEST", _uid(again), 3),
    ]
    services.orientation_record(orientation=again, actor=coordinator, **goals)
    placement.refresh_from_db()
    assert placement.status == "active"


def test_ending_a_placement_before_its_orientation_cancels_the_orientation(
    django_capture_on_commit_callbacks,
):
    placement, student, member, coordinator = placement_in("preparing")
    _survey("student")
    with django_capture_on_commit_callbacks(execute=True):
        orientation = _schedule(placement, coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        services.placement_finish(
            placement=placement, actor=coordinator, ended_early_reason="体調不良のため"
        )
    placement.refresh_from_db()
    orientation.refresh_from_db()
    assert placement.status == "ended_early"
    assert orientation.cancelled_at is not None
    uid = _uid(orientation)
    calendars = _calendars(mail.outbox)
    for person in (student, member, coordinator):
        assert calendars[person.email] == [("REQUEST", uid, 1), ("CANCEL", uid, 2)]
    # The attendees read a neutral reason; the personal one stays in the placement's history.
    cancelled = [m for m in mail.outbox if "オリエンテーション中止" in m.subject]
    assert len(cancelled) == 3
    assert not any("体調不良" in m.body for m in cancelled)
    # It never started: no survey asks about it.
    assert not SurveyResponse.objects.filter(placement=placement).exists()
    # The placement is over: the orientation cannot come back.
    with pytest.raises(InvalidTransition):
        _schedule(placement, coordinator, days=9)


def test_ending_a_placement_after_its_orientation_cancels_nothing(
    django_capture_on_commit_callbacks,
):
    placement, _student, _member, coordinator = placement_in("preparing")
    orientation = _schedule(placement, coordinator)
    services.orientation_record(
        orientation=orientation,
        actor=coordinator,
        student_goals="商品を3つ企画する",
        host_goals="販路を広げる",
        coordinator_goals="月1回の振り返り",
        student_attended=True,
        host_attended=True,
        coordinator_attended=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.placement_finish(
            placement=placement, actor=coordinator, ended_early_reason="家庭の事情"
        )
    orientation.refresh_from_db()
    assert orientation.cancelled_at is None
    assert not Notification.objects.filter(event="orientation_cancelled").exists()


def test_coordinators_cancel_the_orientation_in_the_admin(
    client, django_capture_on_commit_callbacks
):
    placement, student, member, _ = placement_in("preparing")
    coordinator = appoint(placement.application.project.region)
    orientation = _schedule(placement, coordinator)
    outsider = appoint(RegionFactory())
    client.force_login(outsider)
    run_action(client, ORIENTATIONS, "cancel_orientation", orientation, reason="x")
    orientation.refresh_from_db()
    assert orientation.cancelled_at is None

    client.force_login(coordinator)
    page = run_action(client, ORIENTATIONS, "cancel_orientation", orientation)
    assert page.templates[0].name == "admin/action_form.html"
    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(
            client, ORIENTATIONS, "cancel_orientation", orientation, reason="台風の接近のため"
        )
    orientation.refresh_from_db()
    assert orientation.cancelled_at is not None
    assert levels_for(response, orientation) == [levels.SUCCESS]
    uid = _uid(orientation)
    calendars = _calendars(mail.outbox)
    for person in (student, member, coordinator):
        assert calendars[person.email] == [("CANCEL", uid, 2)]
    rows = Notification.objects.filter(event="orientation_cancelled", channel="email")
    sent = rows.count()
    again = run_action(client, ORIENTATIONS, "cancel_orientation", orientation, reason="再送")
    assert levels_for(again, orientation) == [levels.ERROR]
    assert rows.count() == sent
