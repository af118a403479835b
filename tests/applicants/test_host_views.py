"""The host's side of step 6: entry list and detail, screening, interviews, offers; others 404."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.utils import timezone

from applicants import selectors
from applicants.models import Application, Interview, InterviewFeedback
from notifications.models import Notification
from projects.models import Project
from tests.factories import CoordinatorFactory, HostMemberFactory, StudentFactory
from tests.flow import application_in, interview_in, project_in

pytestmark = pytest.mark.django_db
A = Application.Status
I = Interview.Status  # noqa: E741


def _list(project) -> str:
    return f"/host/projects/{project.pk}/entries/"


def _detail(application) -> str:
    return f"/host/entries/{application.pk}/"


def _local(value: dt.datetime) -> str:
    """A time as a datetime-local input sends it (the site's time zone)."""
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def _soon(days: int = 3, hours: int = 0) -> dt.datetime:
    start = timezone.localtime() + dt.timedelta(days=days, hours=hours)
    return start.replace(minute=0, second=0, microsecond=0)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _has_japanese(text: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)


def _propose_data(member=None, **overrides) -> dict:
    start = _soon()
    data = {
        "propose-slot_1_start": _local(start),
        "propose-slot_1_end": _local(start + dt.timedelta(hours=1)),
        "propose-slot_2_start": _local(start + dt.timedelta(days=1)),
        "propose-slot_2_end": _local(start + dt.timedelta(days=1, hours=1)),
        "propose-mode": "online",
        "propose-meeting_url": "https://meet.example.jp/kitami-hakka",
        "propose-place": "",
    }
    if member is not None:
        data["propose-interviewers"] = [member.pk]
    data.update(overrides)
    return data


# Who sees what -------------------------------------------------------------------------


def test_host_member_sees_their_projects_entries_with_profile_and_status(client):
    project, member, _ = project_in(Project.Status.PUBLISHED)
    first, first_student, *_ = application_in(A.SUBMITTED, project=project)
    second, second_student, *_ = application_in(A.SCREENING, project=project)
    other, *_ = application_in(A.SUBMITTED)  # another host's project
    client.force_login(member)
    response = client.get(_list(project))
    assert response.status_code == 200
    assert {a.pk for a in response.context["entries"]} == {first.pk, second.pk}
    html = response.content.decode()
    assert str(first_student) in html and str(second_student) in html
    assert "北海道大学" in html
    assert f"/host/entries/{first.pk}/" in html
    assert f"/host/entries/{other.pk}/" not in html
    assert "選考中" in html or "Screening" in html


def test_list_filters_by_status_and_ignores_an_unknown_one(client):
    project, member, _ = project_in(Project.Status.PUBLISHED)
    submitted, *_ = application_in(A.SUBMITTED, project=project)
    screening, *_ = application_in(A.SCREENING, project=project)
    client.force_login(member)
    response = client.get(_list(project), {"status": "screening"})
    assert [a.pk for a in response.context["entries"]] == [screening.pk]
    everything = client.get(_list(project), {"status": "nonsense"})
    assert {a.pk for a in everything.context["entries"]} == {submitted.pk, screening.pk}


def test_htmx_filter_gets_only_the_list_fragment(client):
    project, member, _ = project_in(Project.Status.PUBLISHED)
    application_in(A.SUBMITTED, project=project)
    client.force_login(member)
    fragment = client.get(_list(project), {"status": "submitted"}, headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert fragment.status_code == 200
    assert html.lstrip().startswith('<div id="entries"') and "<html" not in html


def test_list_is_paginated_by_twenty_and_keeps_the_filter(client):
    project, member, _ = project_in(Project.Status.PUBLISHED)
    for _ in range(21):
        application_in(A.SUBMITTED, project=project)
    client.force_login(member)
    first = client.get(_list(project), {"status": "submitted"})
    assert len(first.context["entries"]) == 20
    assert "?status=submitted&amp;page=2" in first.content.decode()
    second = client.get(_list(project), {"status": "submitted", "page": 2})
    assert len(second.context["entries"]) == 1


def _post_urls(application, interview) -> list[str]:
    return [
        f"/host/entries/{application.pk}/screen/",
        f"/host/entries/{application.pk}/invite/",
        f"/host/entries/{application.pk}/offer/",
        f"/host/entries/{application.pk}/decline/",
        f"/host/entries/{application.pk}/interviews/",
        f"/host/interviews/{interview.pk}/schedule/",
        f"/host/interviews/{interview.pk}/complete/",
        f"/host/interviews/{interview.pk}/no-show/",
        f"/host/interviews/{interview.pk}/cancel/",
        f"/host/interviews/{interview.pk}/feedback/",
    ]


@pytest.mark.parametrize("outsider", ["other_host", "student", "other_region_coordinator"])
def test_outsiders_get_404_on_the_list_the_detail_and_every_post(client, outsider):
    interview, student, _member, _ = interview_in(I.PROPOSED)
    application = interview.application
    user = {
        "other_host": lambda: HostMemberFactory(),
        "student": lambda: student,
        "other_region_coordinator": lambda: CoordinatorFactory(),
    }[outsider]()
    client.force_login(user)
    assert client.get(_list(application.project)).status_code == 404
    assert client.get(_detail(application)).status_code == 404
    start = _soon()
    data = {
        "decline-reason": "fit",
        f"schedule-{interview.pk}-starts_at": _local(start),
        f"schedule-{interview.pk}-ends_at": _local(start + dt.timedelta(hours=1)),
        **_propose_data(),
    }
    for url in _post_urls(application, interview):
        assert client.post(url, data).status_code == 404, url
    application.refresh_from_db()
    interview.refresh_from_db()
    assert (application.status, interview.status) == (A.INTERVIEWING, I.PROPOSED)
    assert Interview.objects.filter(application=application).count() == 1


def test_anonymous_visitors_are_sent_to_log_in(client):
    application, *_ = application_in(A.SUBMITTED)
    response = client.get(_detail(application))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_coordinator_of_the_region_uses_the_pages_another_region_gets_404(client):
    application, _student, _member, coordinator = application_in(A.SUBMITTED)
    client.force_login(coordinator)
    assert client.get(_list(application.project)).status_code == 200
    assert client.get(_detail(application)).status_code == 200
    response = client.post(f"/host/entries/{application.pk}/screen/")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == A.SCREENING
    assert application.status_changes.last().actor == coordinator

    client.force_login(CoordinatorFactory())
    assert client.get(_list(application.project)).status_code == 404
    assert client.get(_detail(application)).status_code == 404
    assert client.post(f"/host/entries/{application.pk}/invite/").status_code == 404


def test_get_never_changes_anything(client):
    application, _student, member, _ = application_in(A.SUBMITTED)
    client.force_login(member)
    for action in ("screen", "invite", "offer", "decline"):
        assert client.get(f"/host/entries/{application.pk}/{action}/").status_code == 405
    application.refresh_from_db()
    assert application.status == A.SUBMITTED


# The detail page -----------------------------------------------------------------------


def test_detail_shows_profile_consent_motivation_answer_files_and_history(client):
    project, member, _ = project_in(Project.Status.PUBLISHED)
    Project.objects.filter(pk=project.pk).update(pre_assignment_brief="北見の冬の魅力を3つ")
    application, student, *_ = application_in(A.SCREENING, project=project)
    Application.objects.filter(pk=application.pk).update(
        pre_assignment_answer="流氷、ハッカ、焼肉", pre_assignment_submitted_at=timezone.now()
    )
    application.files.create(
        file="applications/x/abc",
        original_name="企画書.pdf",
        content_type="application/pdf",
        size=10,
    )
    client.force_login(member)
    response = client.get(_detail(application))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("経済学部", "地域で挑戦したい", "流氷、ハッカ、焼肉", "企画書.pdf", str(student)):
        assert text in html
    assert timezone.localtime(application.profile_shared_at).strftime("%Y-%m-%d") in html
    history = response.context["history"]
    assert [row["change"].to_status for row in history] == [A.SUBMITTED, A.SCREENING]
    assert history[-1]["to_label"] == str(dict(A.choices)[A.SCREENING])
    # Only the moves the table allows from "screening" are offered.
    assert response.context["actions"] == [A.INTERVIEWING, A.OFFERED, A.REJECTED]
    assert f"/host/entries/{application.pk}/screen/" not in html
    assert f"/host/entries/{application.pk}/offer/" in html


# Moving an entry -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "action", "target"),
    [
        (A.SUBMITTED, "screen", A.SCREENING),
        (A.SUBMITTED, "invite", A.INTERVIEWING),
        (A.SCREENING, "invite", A.INTERVIEWING),
        (A.SCREENING, "offer", A.OFFERED),
        (A.INTERVIEWING, "offer", A.OFFERED),
    ],
)
def test_each_action_moves_the_status_and_writes_the_history(client, source, action, target):
    application, _student, member, _ = application_in(source)
    client.force_login(member)
    response = client.post(f"/host/entries/{application.pk}/{action}/")
    assert response.status_code == 302 and response.url == _detail(application)
    application.refresh_from_db()
    assert application.status == target
    last = application.status_changes.last()
    assert (last.from_status, last.to_status, last.actor) == (source, target, member)
    [message] = _messages(response)
    assert _has_japanese(message)


@pytest.mark.parametrize(
    ("source", "refused", "allowed"),
    [
        (A.SUBMITTED, "offer", "screen"),
        (A.SCREENING, "screen", "invite"),
        (A.INTERVIEWING, "invite", "offer"),
        (A.OFFERED, "screen", None),
        (A.REJECTED, "invite", None),
        (A.WITHDRAWN, "offer", None),
    ],
)
def test_an_action_not_allowed_now_is_refused_with_a_message_and_changes_nothing(
    client, source, refused, allowed
):
    application, _student, member, _ = application_in(source)
    history = application.status_changes.count()
    client.force_login(member)
    response = client.post(f"/host/entries/{application.pk}/{refused}/")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == source
    assert application.status_changes.count() == history
    [message] = _messages(response)
    assert _has_japanese(message) and application.get_status_display() in message
    if allowed:
        client.post(f"/host/entries/{application.pk}/{allowed}/")
        application.refresh_from_db()
        assert application.status != source


def test_decline_requires_a_reason_and_keeps_the_message(client):
    application, _student, member, _ = application_in(A.SCREENING)
    client.force_login(member)
    response = client.post(
        f"/host/entries/{application.pk}/decline/",
        {"decline-reason": "", "decline-message": "またの挑戦をお待ちしています"},
    )
    assert response.status_code == 400
    errors = response.context["decline_form"].errors["reason"]
    assert _has_japanese(" ".join(errors))
    assert "またの挑戦をお待ちしています" in response.content.decode()
    application.refresh_from_db()
    assert application.status == A.SCREENING


def test_decline_emails_the_student_the_message(client, django_capture_on_commit_callbacks):
    application, student, member, _ = application_in(A.INTERVIEWING)
    client.force_login(member)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/host/entries/{application.pk}/decline/",
            {"decline-reason": "schedule", "decline-message": "日程が合わず残念です"},
        )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == A.REJECTED
    assert (application.decline_reason, application.declined_by) == ("schedule", member)
    last = application.status_changes.last()
    assert (last.from_status, last.to_status) == (A.INTERVIEWING, A.REJECTED)
    assert Notification.objects.filter(
        event="application_rejected", channel="email", email=student.email
    ).exists()
    [email] = [m for m in mail.outbox if student.email in m.to]
    assert "日程が合わず残念です" in email.body


# Interviews ----------------------------------------------------------------------------


def test_proposing_times_creates_the_interview_and_emails_the_student(
    client, django_capture_on_commit_callbacks
):
    application, student, member, _ = application_in(A.INTERVIEWING)
    colleague = HostMemberFactory(organization=application.project.organization)
    client.force_login(member)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/host/entries/{application.pk}/interviews/", _propose_data(colleague)
        )
    assert response.status_code == 302
    interview = Interview.objects.get(application=application)
    assert response.url == f"{_detail(application)}#interview-{interview.pk}"
    assert interview.status == I.PROPOSED
    assert interview.slots.count() == 2
    assert list(interview.participants.all()) == [colleague]
    assert interview.meeting_url == "https://meet.example.jp/kitami-hakka"
    assert Notification.objects.filter(
        event="interview_proposed", channel="email", email=student.email
    ).exists()
    assert any(student.email in m.to for m in mail.outbox)


def test_interviewers_are_chosen_among_the_organisations_members_only(client):
    application, _student, member, _ = application_in(A.INTERVIEWING)
    client.force_login(member)
    stranger = HostMemberFactory()
    response = client.post(f"/host/entries/{application.pk}/interviews/", _propose_data(stranger))
    assert response.status_code == 400
    assert "interviewers" in response.context["propose_form"].errors
    assert not Interview.objects.exists()


def _past() -> dt.datetime:
    return timezone.localtime() - dt.timedelta(days=1)


# The times are computed when each test runs, not when pytest collects the module: a run that
# crosses the hour would otherwise type one time and look for another.
_URL = "https://meet.example.jp/kitami-hakka"


@pytest.mark.parametrize(
    ("overrides", "field", "typed"),
    [
        (
            lambda: {
                "propose-slot_1_start": _local(_soon(hours=2)),
                "propose-slot_1_end": _local(_soon(hours=1)),
            },
            "slot_1_end",
            lambda: _URL,
        ),
        (lambda: {"propose-meeting_url": ""}, "meeting_url", lambda: _local(_soon())),
        (
            lambda: {"propose-mode": "onsite", "propose-meeting_url": "", "propose-place": ""},
            "place",
            lambda: _local(_soon()),
        ),
        (
            lambda: {
                "propose-slot_1_start": "",
                "propose-slot_1_end": "",
                "propose-slot_2_start": "",
                "propose-slot_2_end": "",
            },
            "slot_1_start",
            lambda: _URL,
        ),
        (
            lambda: {
                "propose-slot_2_start": _local(_past()),
                "propose-slot_2_end": _local(_past() + dt.timedelta(hours=1)),
            },
            "slot_2_start",
            lambda: _URL,
        ),
        (lambda: {"propose-slot_2_end": ""}, "slot_2_end", lambda: _local(_soon(days=4))),
    ],
    ids=["end-before-start", "online-no-url", "onsite-no-place", "no-slot", "past", "half"],
)
def test_bad_slot_input_shows_the_error_by_the_field_keeps_what_was_typed_writes_nothing(
    client, overrides, field, typed
):
    application, _student, member, _ = application_in(A.INTERVIEWING)
    client.force_login(member)
    data = _propose_data(member, **overrides())
    response = client.post(f"/host/entries/{application.pk}/interviews/", data)
    assert response.status_code == 400
    form = response.context["propose_form"]
    assert field in form.errors
    assert _has_japanese(" ".join(form.errors[field]))
    html = response.content.decode()
    assert typed() in html
    assert f'id="id_propose-{field}_error"' in html  # the error sits by its field
    assert not Interview.objects.filter(application=application).exists()
    application.refresh_from_db()
    assert application.status == A.INTERVIEWING


def test_proposing_is_refused_unless_the_entry_is_interviewing(client):
    application, _student, member, _ = application_in(A.SCREENING)
    client.force_login(member)
    response = client.post(f"/host/entries/{application.pk}/interviews/", _propose_data(member))
    assert response.status_code == 302
    assert _messages(response) and not Interview.objects.exists()


def test_setting_a_time_directly_schedules_and_sends_an_ics(
    client, django_capture_on_commit_callbacks
):
    interview, student, member, _ = interview_in(I.PROPOSED)
    client.force_login(member)
    start = _soon(days=5)
    prefix = f"schedule-{interview.pk}"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/host/interviews/{interview.pk}/schedule/",
            {
                f"{prefix}-starts_at": _local(start),
                f"{prefix}-ends_at": _local(start + dt.timedelta(hours=1)),
            },
        )
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.status == I.SCHEDULED
    assert interview.starts_at == start
    assert interview.status_changes.last().to_status == I.SCHEDULED
    [email] = [m for m in mail.outbox if student.email in m.to]
    names = [attachment[0] for attachment in email.attachments]
    assert names == ["invite.ics"]


def test_setting_a_time_that_ends_before_it_starts_keeps_the_input(client):
    interview, _student, member, _ = interview_in(I.PROPOSED)
    client.force_login(member)
    start = _soon(days=5)
    prefix = f"schedule-{interview.pk}"
    response = client.post(
        f"/host/interviews/{interview.pk}/schedule/",
        {
            f"{prefix}-starts_at": _local(start),
            f"{prefix}-ends_at": _local(start - dt.timedelta(hours=1)),
        },
    )
    assert response.status_code == 400
    [row] = response.context["interviews"]
    assert "ends_at" in row["schedule_form"].errors
    assert _local(start) in response.content.decode()
    interview.refresh_from_db()
    assert interview.status == I.PROPOSED


@pytest.mark.parametrize(("action", "target"), [("complete", I.COMPLETED), ("no-show", I.NO_SHOW)])
def test_a_held_interview_is_marked_completed_or_no_show(client, action, target):
    interview, _student, member, _ = interview_in(I.SCHEDULED)
    client.force_login(member)
    # Before it is scheduled the same button is refused (same set-up, both moves).
    proposed, _s, proposed_member, _c = interview_in(I.PROPOSED)
    client.force_login(proposed_member)
    refused = client.post(f"/host/interviews/{proposed.pk}/{action}/")
    proposed.refresh_from_db()
    assert proposed.status == I.PROPOSED and _has_japanese(_messages(refused)[0])
    client.force_login(member)
    response = client.post(f"/host/interviews/{interview.pk}/{action}/")
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.status == target
    last = interview.status_changes.last()
    assert (last.from_status, last.to_status, last.actor) == (I.SCHEDULED, target, member)


def test_cancel_needs_a_reason_and_tells_the_student(client, django_capture_on_commit_callbacks):
    interview, student, member, _ = interview_in(I.SCHEDULED)
    client.force_login(member)
    url = f"/host/interviews/{interview.pk}/cancel/"
    empty = client.post(url, {f"cancel-{interview.pk}-reason": ""})
    assert empty.status_code == 400
    interview.refresh_from_db()
    assert interview.status == I.SCHEDULED
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {f"cancel-{interview.pk}-reason": "担当者の急病のため"})
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.status == I.CANCELLED
    assert interview.status_changes.last().note == "担当者の急病のため"
    assert any(student.email in m.to for m in mail.outbox)


def test_feedback_is_saved_per_interviewer(client):
    interview, _student, member, coordinator = interview_in(I.COMPLETED)
    colleague = HostMemberFactory(organization=interview.application.project.organization)
    interview.participants.add(colleague)
    url = f"/host/interviews/{interview.pk}/feedback/"
    prefix = f"feedback-{interview.pk}"
    client.force_login(member)
    client.post(url, {f"{prefix}-recommendation": "yes", f"{prefix}-notes": "主体性がある"})
    client.post(
        url, {f"{prefix}-recommendation": "strong_yes", f"{prefix}-notes": "再考して強く推薦"}
    )
    client.force_login(colleague)
    client.post(url, {f"{prefix}-recommendation": "no", f"{prefix}-notes": "時期が合わない"})
    rows = {f.author: f for f in InterviewFeedback.objects.filter(interview=interview)}
    assert set(rows) == {member, colleague}
    assert (rows[member].recommendation, rows[member].notes) == ("strong_yes", "再考して強く推薦")
    assert rows[colleague].recommendation == "no"
    missing = client.post(url, {f"{prefix}-notes": "推薦を選び忘れ"})
    assert missing.status_code == 400
    assert "推薦を選び忘れ" in missing.content.decode()
    client.force_login(coordinator)
    page = client.get(_detail(interview.application)).content.decode()
    assert "再考して強く推薦" in page and "時期が合わない" in page


def test_feedback_before_the_interview_is_refused(client):
    interview, _student, member, _ = interview_in(I.PROPOSED)
    client.force_login(member)
    prefix = f"feedback-{interview.pk}"
    response = client.post(
        f"/host/interviews/{interview.pk}/feedback/", {f"{prefix}-recommendation": "yes"}
    )
    assert response.status_code == 302
    assert _messages(response)
    assert not InterviewFeedback.objects.exists()


# Queries do not grow with the rows -----------------------------------------------------

# session, user, project (with the host-side check), status counts, page count, page rows,
# and the header (membership, unread notifications).
LIST_QUERIES = 8
# session, user, entry with student, profile and project, history, files, interviews, slots,
# interviewers, feedback, the organisation's members (interviewer choices) and the header.
DETAIL_QUERIES = 12


def _project_with_entries(n: int):
    project, member, _ = project_in(Project.Status.PUBLISHED)
    applications = [application_in(A.SUBMITTED, project=project)[0] for _ in range(n)]
    return project, member, applications


@pytest.mark.parametrize("n", [3, 30])
def test_the_list_keeps_a_constant_number_of_queries(client, django_assert_max_num_queries, n):
    project, member, _ = _project_with_entries(n)
    client.force_login(member)
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(_list(project))
    assert len(response.context["entries"]) == min(n, 20)


@pytest.mark.parametrize("n", [3, 30])
def test_the_detail_keeps_a_constant_number_of_queries(client, django_assert_max_num_queries, n):
    _project, member, applications = _project_with_entries(n)
    application = applications[0]
    for _ in range(2):
        application.files.create(
            file="applications/x/f",
            original_name="資料.pdf",
            content_type="application/pdf",
            size=1,
        )
    client.force_login(member)
    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get(_detail(application))
    assert response.status_code == 200


def test_the_detail_of_an_entry_with_interviews_keeps_the_same_bound(
    client, django_assert_max_num_queries
):
    interview, _student, member, _ = interview_in(I.COMPLETED)
    for n in range(3):
        colleague = HostMemberFactory(organization=interview.application.project.organization)
        interview.participants.add(colleague)
        InterviewFeedback.objects.create(
            interview=interview, author=colleague, recommendation="yes", notes=f"メモ{n}"
        )
    client.force_login(member)
    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get(_detail(interview.application))
    assert response.status_code == 200


def test_the_list_selector_needs_no_query_per_row():
    from django.db import models

    project, _member, _ = _project_with_entries(3)
    rows = selectors.host_entry_list(project=project).fetch_mode(models.FETCH_RAISE)
    assert [r.student.student_profile.university for r in rows] == ["北海道大学"] * 3


def test_students_cannot_reach_the_host_pages_even_with_their_own_entry(client):
    application, student, *_ = application_in(A.SUBMITTED)
    client.force_login(StudentFactory())
    assert client.get(_detail(application)).status_code == 404
    client.force_login(student)
    assert client.post(f"/host/entries/{application.pk}/screen/").status_code == 404


def test_an_accepted_entry_is_at_step_seven_with_no_host_action(
    client, django_assert_max_num_queries
):
    application, _student, member, _ = application_in(A.ACCEPTED)
    client.force_login(member)
    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get(_detail(application))
    assert response.context["step"] == 7
    assert response.context["actions"] == []
    assert response.context["propose_form"] is None


def test_the_decline_forms_do_not_offer_the_project_cancelled_reason():
    from applicants.admin import DeclineForm
    from applicants.forms_host import EntryDeclineForm

    for form in (EntryDeclineForm(), DeclineForm()):
        values = [value for value, _label in form.fields["reason"].choices]
        assert Application.DeclineReason.PROJECT_CANCELLED not in values
        assert Application.DeclineReason.CAPACITY in values
