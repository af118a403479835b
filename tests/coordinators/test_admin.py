"""Coordinators run steps 7 and 8 in the admin: the start orientation, the review cadence and
their part of each review, the end of a placement and the next cycle, through the services."""

import csv
import datetime as dt
import io

import pytest
from django.contrib.messages import constants as levels
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from applicants import services as applicant_services
from applicants.models import Application, Placement
from coordinators import services
from coordinators.models import (
    Orientation,
    ReviewPlan,
    ReviewSession,
    Survey,
    SurveyResponse,
)
from coordinators.services import coordinator_appoint
from notifications.models import Notification
from projects.models import Project
from tests.factories import RegionFactory, UserFactory
from tests.flow import application_in, placement_in, project_in

pytestmark = pytest.mark.django_db

PLACEMENTS = "/admin/applicants/placement/"
ORIENTATIONS = "/admin/coordinators/orientation/"
REVIEWS = "/admin/coordinators/reviewsession/"
RESPONSES = "/admin/coordinators/surveyresponse/"
P = Placement.Status


def appoint(region, **user):
    """A coordinator as the programme makes one: staff, in the group, listed on the region."""
    coordinator = UserFactory(**user)
    coordinator_appoint(user=coordinator, region=region)
    return coordinator


def placement_with_coordinator(status):
    placement, student, member, _ = placement_in(status)
    coordinator = appoint(placement.application.project.region)
    return placement, student, member, coordinator


def second_placement(placement, status, coordinator):
    """Another placement of the same project (so the same coordinators), moved to `status`."""
    application, student, _member, _ = application_in(
        Application.Status.ACCEPTED, project=placement.application.project
    )
    other = application.placement
    if status in (P.ACTIVE, P.COMPLETED):
        other = applicant_services.placement_activate(placement=other, actor=coordinator)
    if status == P.COMPLETED:
        other = applicant_services.placement_complete(placement=other, actor=coordinator)
    return other, student


def messages_of(response) -> list[tuple[int, str]]:
    return [(m.level, m.message) for m in response.context["messages"]]


def levels_for(response, obj) -> list[int]:
    return [level for level, text in messages_of(response) if str(obj) in text]


def run_action(client, url, action, *objects, follow=True, **form):
    """Run an action from the list; with `form`, as the second post from its intermediate page."""
    data = {"action": action, "_selected_action": [o.pk for o in objects]}
    if form:
        data.update(apply="1", **form)
    else:
        data["index"] = 0
    return client.post(url, data, follow=follow)


def local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def schedule(placement, coordinator, days=5) -> Orientation:
    start = (timezone.now() + dt.timedelta(days=days)).replace(second=0, microsecond=0)
    return services.orientation_schedule(
        placement=placement,
        actor=coordinator,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        place="北見市民会館",
    )


def invited(outbox) -> set[str]:
    """The addresses that received the orientation's calendar invitation."""
    found = set()
    for message in outbox:
        for name, content, _mime in message.attachments:
            if name == "invite.ics" and Calendar.from_ical(content).walk("VEVENT"):
                found.update(message.to)
    return found


# Step 7: the start orientation -------------------------------------------------------------


def test_scheduling_the_orientation_invites_the_three_parties(
    client, django_capture_on_commit_callbacks
):
    placement, student, member, coordinator = placement_with_coordinator(P.PREPARING)
    client.force_login(coordinator)
    start = timezone.now() + dt.timedelta(days=7)

    page = run_action(client, PLACEMENTS, "schedule_orientation", placement)
    assert page.templates[0].name == "admin/action_form.html"
    wrong = run_action(
        client,
        PLACEMENTS,
        "schedule_orientation",
        placement,
        starts_at=local(start),
        ends_at=local(start - dt.timedelta(hours=1)),
        place="北見市民会館",
    )
    assert "ends_at" in wrong.context["form"].errors
    assert not Orientation.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(
            client,
            PLACEMENTS,
            "schedule_orientation",
            placement,
            starts_at=local(start),
            ends_at=local(start + dt.timedelta(hours=2)),
            place="北見市民会館",
            meeting_url="https://meet.example.jp/start",
        )

    orientation = Orientation.objects.get(placement=placement)
    assert (orientation.place, orientation.coordinator) == ("北見市民会館", coordinator)
    assert local(orientation.starts_at) == local(start)
    assert {student.email, member.email, coordinator.email} <= invited(mail.outbox)
    assert levels_for(response, placement) == [levels.SUCCESS]


def test_scheduling_is_refused_for_a_placement_that_already_runs(client):
    active, _student, _member, coordinator = placement_with_coordinator(P.ACTIVE)
    client.force_login(coordinator)
    start = timezone.now() + dt.timedelta(days=7)

    response = run_action(
        client,
        PLACEMENTS,
        "schedule_orientation",
        active,
        starts_at=local(start),
        ends_at=local(start + dt.timedelta(hours=1)),
        place="オンライン",
    )

    assert not Orientation.objects.exists()
    assert levels_for(response, active) == [levels.ERROR]


def test_recording_the_held_orientation_keeps_the_goal_sheet_and_activates_the_placement(client):
    placement, _student, _member, coordinator = placement_with_coordinator(P.PREPARING)
    orientation = schedule(placement, coordinator)
    client.force_login(coordinator)
    goals = {
        "student_goals": "商品を3つ企画する",
        "host_goals": "販路を広げる",
        "coordinator_goals": "月1回の振り返りで伴走する",
    }

    missing = run_action(
        client, ORIENTATIONS, "record_held", orientation, **{**goals, "host_goals": " "}
    )
    assert "host_goals" in missing.context["form"].errors
    placement.refresh_from_db()
    assert placement.status == P.PREPARING

    page = f"{ORIENTATIONS}{orientation.pk}/change/"
    response = client.post(
        page,
        {
            "CHANGE_FORM-action": "record_held",
            "_selected_action": orientation.pk,
            "apply": "1",
            "student_attended": "on",
            "host_attended": "on",
            **goals,
        },
    )

    assert response.status_code == 302 and response.url == page
    placement.refresh_from_db()
    orientation.refresh_from_db()
    assert placement.status == P.ACTIVE
    assert placement.status_changes.last().actor == coordinator
    assert orientation.held_at is not None
    assert (orientation.student_goals, orientation.host_goals) == (
        goals["student_goals"],
        goals["host_goals"],
    )
    attended = (
        orientation.student_attended,
        orientation.host_attended,
        orientation.coordinator_attended,
    )
    assert attended == (True, True, False)


def test_the_placement_page_shows_its_step_and_orientation(client):
    placement, _student, _member, coordinator = placement_with_coordinator(P.PREPARING)
    orientation = schedule(placement, coordinator)
    review = ReviewSession.objects.create(placement=placement, due_on=dt.date(2027, 9, 1))
    client.force_login(coordinator)

    response = client.get(f"{PLACEMENTS}{placement.pk}/change/")

    assert response.context["step"] == 7
    html = response.content.decode()
    assert 'class="step-tracker-item is-current"' in html and 'aria-current="step"' in html
    assert "北見市民会館" in html
    assert f"{ORIENTATIONS}{orientation.pk}/change/" in html
    assert f"{REVIEWS}{review.pk}/change/" in html
    actions = dict(response.context["action_form"].fields["action"].choices)
    assert {"schedule_orientation", "set_review_cadence", "complete", "end_early"} <= set(actions)


def test_the_placement_page_reads_its_history_in_labels_and_carries_the_sites_icon(client):
    placement, _student, _member, coordinator = placement_with_coordinator(P.PREPARING)
    client.force_login(coordinator)

    html = client.get(f"{PLACEMENTS}{placement.pk}/change/").content.decode()

    assert "準備中" in html  # the first row of the history: from nothing to 準備中
    assert ">None<" not in html and "∅" not in html and "→ preparing" not in html
    assert 'rel="icon" href="/static/favicon.svg"' in html  # no request for /favicon.ico


def test_an_active_placement_stands_at_step_8(client):
    placement, _student, _member, coordinator = placement_with_coordinator(P.ACTIVE)
    client.force_login(coordinator)
    assert client.get(f"{PLACEMENTS}{placement.pk}/change/").context["step"] == 8


# Step 8: reviews ---------------------------------------------------------------------------


def test_setting_the_cadence_lays_out_the_sessions(client):
    placement, _student, _member, coordinator = placement_with_coordinator(P.ACTIVE)
    completed, _ = second_placement(placement, P.COMPLETED, coordinator)
    client.force_login(coordinator)

    wrong = run_action(client, PLACEMENTS, "set_review_cadence", placement, every_weeks="3")
    assert "every_weeks" in wrong.context["form"].errors
    response = run_action(
        client,
        PLACEMENTS,
        "set_review_cadence",
        placement,
        completed,
        every_weeks="2",
        midterm_on="",
    )

    plan = ReviewPlan.objects.get(placement=placement)
    assert plan.every_weeks == 2
    kinds = list(ReviewSession.objects.filter(placement=placement).values_list("kind", flat=True))
    assert kinds.count("midterm") == 1 and kinds.count("final") == 1
    assert kinds.count("regular") >= 5
    assert levels_for(response, placement) == [levels.SUCCESS]
    assert not ReviewSession.objects.filter(placement=completed).exists()
    assert levels_for(response, completed) == [levels.ERROR]


def test_the_coordinators_part_with_at_risk_is_stored_and_alerts(
    client, django_capture_on_commit_callbacks
):
    placement, student, _member, coordinator = placement_with_coordinator(P.ACTIVE)
    review = ReviewSession.objects.create(placement=placement, due_on=timezone.localdate())
    services.review_record(review=review, actor=student, part="student", notes="試作品ができた")
    services.review_host_link_issue(review=review, actor=coordinator)
    client.force_login(coordinator)
    url = f"{REVIEWS}{review.pk}/change/"

    page = client.get(url)
    html = page.content.decode()
    assert "試作品ができた" in html
    assert 'value="http://testserver/reviews/link/' in html
    form = page.context["adminform"].form
    assert "placement" not in form.fields and "student_notes" not in form.fields
    assert "held_at" not in form.fields

    data = {
        "kind": "regular",
        "due_on": review.due_on.isoformat(),
        "coordinator_notes": "販路開拓が遅れている",
        "progress": "目標の3割",
        "health": "",
        "next_actions": "来週までに営業先を5件",
    }
    missing = client.post(url, data)
    assert "health" in missing.context["adminform"].form.errors
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**data, "health": "at_risk"})

    assert response.status_code == 302
    review.refresh_from_db()
    assert review.health == ReviewSession.Health.AT_RISK
    assert (review.coordinator_notes, review.next_actions) == (
        "販路開拓が遅れている",
        "来週までに営業先を5件",
    )
    assert review.held_at is not None
    assert review.student_notes == "試作品ができた"
    assert Notification.objects.filter(event="review_at_risk").exists()
    at_risk = client.get(REVIEWS, {"alert": "at_risk"}).context["cl"].result_list
    assert list(at_risk) == [review]


def test_the_host_link_opens_the_hosts_part(client):
    placement, _student, _member, coordinator = placement_with_coordinator(P.ACTIVE)
    review = ReviewSession.objects.create(placement=placement, due_on=timezone.localdate())
    services.review_host_link_issue(review=review, actor=coordinator)
    client.force_login(coordinator)
    html = client.get(f"{REVIEWS}{review.pk}/change/").content.decode()
    start = html.index("http://testserver/")
    link = html[start : html.index('"', start)]
    client.logout()

    assert client.get(link.removeprefix("http://testserver")).status_code == 200


def test_missed_lists_past_reviews_not_held_of_running_placements(client):
    placement, _student, _member, coordinator = placement_with_coordinator(P.ACTIVE)
    today = timezone.localdate()
    missed = ReviewSession.objects.create(placement=placement, due_on=today - dt.timedelta(days=3))
    ReviewSession.objects.create(placement=placement, due_on=today + dt.timedelta(days=3))
    held = ReviewSession.objects.create(placement=placement, due_on=today - dt.timedelta(days=9))
    services.review_record(
        review=held, actor=coordinator, part="coordinator", notes="順調", health="on_track"
    )
    client.force_login(coordinator)

    listed = client.get(REVIEWS, {"alert": "missed"}).context["cl"].result_list

    assert list(listed) == [missed]


# The end, surveys and the next cycle -------------------------------------------------------


def test_completing_the_placement_sends_the_surveys(client, django_capture_on_commit_callbacks):
    placement, student, _member, coordinator = placement_with_coordinator(P.ACTIVE)
    preparing, other_student = second_placement(placement, P.PREPARING, coordinator)
    survey = Survey.objects.create(title="インターン実施後アンケート", audience="student")
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(client, PLACEMENTS, "complete", placement, preparing)

    placement.refresh_from_db()
    assert placement.status == P.COMPLETED
    assert SurveyResponse.objects.filter(
        survey=survey, placement=placement, respondent=student
    ).exists()
    assert any(student.email in m.to and survey.title in m.body for m in mail.outbox)
    assert levels_for(response, placement) == [levels.SUCCESS]
    preparing.refresh_from_db()
    assert preparing.status == P.PREPARING
    assert not SurveyResponse.objects.filter(respondent=other_student).exists()
    assert levels_for(response, preparing) == [levels.ERROR]


def test_ending_early_requires_a_reason_and_sends_the_surveys(client):
    placement, student, _member, coordinator = placement_with_coordinator(P.ACTIVE)
    Survey.objects.create(title="途中終了アンケート", audience="student")
    client.force_login(coordinator)

    blank = run_action(client, PLACEMENTS, "end_early", placement, reason="  ")
    assert "reason" in blank.context["form"].errors
    placement.refresh_from_db()
    assert placement.status == P.ACTIVE

    run_action(client, PLACEMENTS, "end_early", placement, reason="家庭の事情")

    placement.refresh_from_db()
    assert (placement.status, placement.ended_reason) == (P.ENDED_EARLY, "家庭の事情")
    assert placement.status_changes.last().note == "家庭の事情"
    assert SurveyResponse.objects.filter(placement=placement, respondent=student).exists()


def test_the_next_project_starts_as_a_draft_based_on_the_completed_one(client):
    completed, _student, _member, coordinator = placement_with_coordinator(P.COMPLETED)
    active, _ = second_placement(completed, P.ACTIVE, coordinator)
    source = completed.application.project
    client.force_login(coordinator)

    refused = run_action(client, PLACEMENTS, "start_next_project", active)
    assert levels_for(refused, active) == [levels.ERROR]
    assert Project.objects.filter(based_on=source).count() == 0

    response = run_action(client, PLACEMENTS, "start_next_project", completed, follow=False)

    copy = Project.objects.get(based_on=source)
    assert response.status_code == 302
    assert response.url == f"/admin/projects/project/{copy.pk}/change/"
    assert (copy.status, copy.organization, copy.title) == (
        Project.Status.DRAFT,
        source.organization,
        source.title,
    )
    assert copy.created_by == coordinator


# Region scoping ----------------------------------------------------------------------------


def test_a_coordinator_of_another_region_cannot_see_or_act(client):
    placement, _student, _member, coordinator = placement_with_coordinator(P.PREPARING)
    orientation = schedule(placement, coordinator)
    review = ReviewSession.objects.create(placement=placement, due_on=timezone.localdate())
    stranger = appoint(RegionFactory())
    client.force_login(stranger)

    for url, obj in ((PLACEMENTS, placement), (ORIENTATIONS, orientation), (REVIEWS, review)):
        assert client.get(f"{url}{obj.pk}/change/").status_code == 404, url
        assert obj not in client.get(url).context["cl"].result_list

    start = timezone.now() + dt.timedelta(days=7)
    run_action(
        client,
        PLACEMENTS,
        "schedule_orientation",
        placement,
        starts_at=local(start),
        ends_at=local(start + dt.timedelta(hours=1)),
        place="函館",
    )
    run_action(client, PLACEMENTS, "set_review_cadence", placement, every_weeks="4")
    run_action(
        client,
        ORIENTATIONS,
        "record_held",
        orientation,
        student_goals="x",
        host_goals="x",
        coordinator_goals="x",
    )
    response = client.post(
        f"{REVIEWS}{review.pk}/change/",
        {"kind": "regular", "due_on": "2027-09-01", "coordinator_notes": "x", "health": "at_risk"},
    )
    assert response.status_code == 404

    placement.refresh_from_db()
    orientation.refresh_from_db()
    review.refresh_from_db()
    assert placement.status == P.PREPARING
    assert orientation.held_at is None and orientation.place == "北見市民会館"
    assert not ReviewPlan.objects.exists() and review.health == ""


# CSV export --------------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_csv_export_has_a_bom_and_the_lists_columns(client):
    placement, student, _member, coordinator = placement_with_coordinator(P.PREPARING)
    schedule(placement, coordinator)
    review = ReviewSession.objects.create(placement=placement, due_on=dt.date(2027, 9, 1))
    Survey.objects.create(title="=アンケート", audience="student")
    (sent,) = services.survey_send_for(placement=placement)
    coordinator.preferred_language = "ja"
    coordinator.save()
    client.force_login(coordinator)

    download = run_action(client, PLACEMENTS, "export_csv", placement)

    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert download["Content-Disposition"].startswith('attachment; filename="placement-')
    header, *rows = _csv(download)
    assert header == [
        "学生",
        "プロジェクト",
        "地域",
        "ステータス",
        "スタートオリエンテーション",
        "開始日",
        "終了日",
        "合意日時",
    ]
    assert rows == [
        [
            str(student),
            str(placement.application.project),
            str(placement.application.project.region),
            "準備中",
            timezone.localtime(placement.orientation.starts_at).strftime("%Y-%m-%d %H:%M"),
            "2027-08-01",
            "2028-01-31",
            timezone.localtime(placement.created_at).strftime("%Y-%m-%d %H:%M"),
        ]
    ]
    for url, obj in (
        (ORIENTATIONS, placement.orientation),
        (REVIEWS, review),
        (RESPONSES, sent),
    ):
        changelist = client.get(url).context["cl"]
        header, *rows = _csv(run_action(client, url, "export_csv", obj))
        assert len(header) == len(changelist.list_display) - 1  # without the checkbox
        assert len(rows) == 1, url
    # A cell a spreadsheet would run as a formula is kept as text.
    assert rows[0][0] == "'=アンケート"


# Lists stay at a constant number of queries ------------------------------------------------


def _placements(rows):
    project, _member, coordinator = project_in(Project.Status.PUBLISHED, capacity=rows)
    for _n in range(rows):
        placement = application_in(Application.Status.ACCEPTED, project=project)[0].placement
        schedule(placement, coordinator)
        ReviewSession.objects.create(placement=placement, due_on=dt.date(2027, 9, 1))
    survey = Survey.objects.create(title="アンケート", audience="student")
    for placement in Placement.objects.filter(application__project=project):
        services.survey_send_for(placement=placement)
    assert SurveyResponse.objects.filter(survey=survey).count() == rows
    return project.region


LISTS = {PLACEMENTS: 10, ORIENTATIONS: 10, REVIEWS: 10, RESPONSES: 12}


@pytest.mark.parametrize("rows", [3, 30])
def test_changelist_queries_do_not_grow_with_rows(client, django_assert_max_num_queries, rows):
    coordinator = appoint(_placements(rows))
    client.force_login(coordinator)
    for url, queries in LISTS.items():
        with django_assert_max_num_queries(queries):
            response = client.get(url)
        assert len(response.context["cl"].result_list) == rows, url


def test_a_cancelled_orientation_is_listed_apart_and_struck_through(client):
    placement, _student, _member, coordinator = placement_with_coordinator(P.PREPARING)
    other, _other_student = second_placement(placement, P.PREPARING, coordinator)
    services.orientation_cancel(orientation=schedule(placement, coordinator), actor=coordinator)
    schedule(other, coordinator)
    client.force_login(coordinator)
    url = "/admin/applicants/placement/"
    scheduled = client.get(url + "?orientation=scheduled").context["cl"].result_list
    cancelled = client.get(url + "?orientation=cancelled").context["cl"].result_list
    assert [p.pk for p in scheduled] == [other.pk]
    assert [p.pk for p in cancelled] == [placement.pk]
    page = client.get(url + "?orientation=cancelled").content.decode()
    assert "<s>" in page and "中止" in page
