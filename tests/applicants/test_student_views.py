"""The student's pages: profile, entry with files, My page, offers, interviews, files, data."""

import datetime as dt
import io
import json
import zipfile

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from applicants import services
from applicants.models import Application, ApplicationFile, Interview, StudentProfile
from projects.models import Project
from tests.factories import HostMemberFactory, StudentFactory, UserFactory
from tests.flow import application_in, interview_in, placement_in, project_in

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _published_with_brief(**extra):
    project, member, coordinator = project_in(Project.Status.PUBLISHED)
    Project.objects.filter(pk=project.pk).update(
        pre_assignment_brief="北見の冬の魅力を3つ挙げてください",
        pre_assignment_deadline=timezone.now() + dt.timedelta(days=10),
        **extra,
    )
    project.refresh_from_db()
    return project, member, coordinator


def test_profile_is_completed_in_the_browser_and_shows_completeness(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        "/me/profile/",
        {
            "name": "山本 葵",
            "name_kana": "ヤマモト アオイ",
            "preferred_language": "ja",
            "university": "小樽商科大学",
            "faculty": "商学部",
            "year": "2",
            "current_residence": "小樽市",
            "leave_of_absence": "considering",
            "can_commute": "on",
            "commute_days_per_week": "3",
            "bio": "地域の商店街を元気にしたい",
        },
    )
    assert response.status_code == 302
    profile = StudentProfile.objects.get(user=user)
    assert profile.missing_for_entry == []
    user.refresh_from_db()
    assert user.name_kana == "ヤマモト アオイ"
    page = client.get("/me/profile/")
    assert f'value="{profile.completeness}"' in page.content.decode()


def test_profile_with_bad_input_keeps_what_was_typed(client):
    client.force_login(UserFactory())
    response = client.post(
        "/me/profile/",
        {
            "name": "山本 葵",
            "name_kana": "ヤマモト",
            "preferred_language": "ja",
            "year": "12",
            "can_commute": "on",
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"university", "year", "commute_days_per_week"} <= set(errors)
    assert "山本 葵" in response.content.decode()
    assert not StudentProfile.objects.exists()


def test_entry_with_pre_assignment_files_and_confirmation(
    client, django_capture_on_commit_callbacks
):
    project, _member, _ = _published_with_brief()
    student = StudentFactory()
    client.force_login(student)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/projects/{project.pk}/entry/",
            {
                "motivation": "ハッカの町で商品をつくりたい",
                "answer": "流氷、ハッカ、焼肉",
                "consent": "on",
                "files": [
                    SimpleUploadedFile("案.pdf", PDF, content_type="application/pdf"),
                    SimpleUploadedFile(
                        "plan.docx", _docx(), content_type="application/octet-stream"
                    ),
                ],
            },
        )
    assert response.status_code == 302
    application = Application.objects.get(student=student, project=project)
    files = list(application.files.order_by("original_name"))
    assert [f.original_name for f in files] == ["plan.docx", "案.pdf"]
    assert files[1].content_type == "application/pdf"
    assert "案" not in files[1].file.name  # stored under a name of ours
    assert application.pre_assignment_submitted_at is not None
    assert student.email in [m.to[0] for m in mail.outbox]
    assert client.get(response.url).status_code == 200


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("virus.pdf", b"MZ\x90\x00" + b"\x00" * 100, "type"),
        ("page.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>", "polyglot"),
        (
            "drawing.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>',
            "type",
        ),
        ("empty.pdf", b"", "empty"),
        ("photo.pdf", PNG, "mismatch"),
        ("../../etc/passwd.pdf", b"root:x:0:0", "type"),
    ],
)
def test_hostile_files_are_refused_and_nothing_is_lost(client, name, content, reason):
    project, _, _ = _published_with_brief()
    client.force_login(StudentFactory())
    response = client.post(
        f"/projects/{project.pk}/entry/",
        {
            "motivation": "書いた志望動機",
            "consent": "on",
            "files": [SimpleUploadedFile(name, content)],
        },
    )
    assert response.status_code == 400
    assert "files" in response.context["form"].errors
    assert "書いた志望動機" in response.content.decode()
    assert not Application.objects.exists() and not ApplicationFile.objects.exists()


def test_oversized_and_zip_bomb_files_are_refused(client):
    project, _, _ = _published_with_brief()
    client.force_login(StudentFactory())
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024 + 1))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\x00" * (60 * 1024 * 1024))
    bomb = SimpleUploadedFile("bomb.docx", buffer.getvalue())
    for upload in (big, bomb):
        response = client.post(
            f"/projects/{project.pk}/entry/",
            {"motivation": "x", "consent": "on", "files": [upload]},
        )
        assert response.status_code == 400
    assert not Application.objects.exists()


def test_entry_after_closing_is_refused_also_by_direct_post(client):
    project, _, coordinator = project_in(Project.Status.PUBLISHED)
    from projects.services import project_close

    project_close(project=project, actor=coordinator)
    client.force_login(StudentFactory())
    response = client.post(
        f"/projects/{project.pk}/entry/", {"motivation": "まだ間に合いますか", "consent": "on"}
    )
    assert response.status_code == 409
    assert "まだ間に合いますか" in response.content.decode()
    assert not Application.objects.exists()


def test_double_submission_makes_one_entry(client):
    project, _, _ = project_in(Project.Status.PUBLISHED)
    client.force_login(StudentFactory())
    data = {"motivation": "挑戦したい", "consent": "on"}
    client.post(f"/projects/{project.pk}/entry/", data)
    client.post(f"/projects/{project.pk}/entry/", data)
    assert Application.objects.count() == 1


def test_draft_projects_cannot_be_entered(client):
    project, _, _ = project_in(Project.Status.DRAFT)
    client.force_login(StudentFactory())
    assert client.get(f"/projects/{project.pk}/entry/").status_code == 404


def test_files_are_downloaded_only_by_the_student_the_host_and_the_coordinator(client):
    project, member, coordinator = _published_with_brief()
    application, student, *_ = application_in("submitted", project=project)
    services.application_pre_assignment_submit(
        application=application,
        actor=student,
        answer="",
        files=[SimpleUploadedFile("答案.pdf", PDF)],
    )
    record = application.files.get()
    for allowed in (student, member, coordinator):
        client.force_login(allowed)
        response = client.get(f"/files/{record.pk}/")
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PDF
    for outsider in (StudentFactory(), HostMemberFactory()):
        client.force_login(outsider)
        assert client.get(f"/files/{record.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/files/{record.pk}/").status_code == 302
    # Uploaded files have no public URL: the media folder is not routed.
    assert client.get(record.file.url).status_code == 404


def test_my_page_lists_entries_with_step_next_action_and_calendar(client):
    interview, student, _member, _ = interview_in(Interview.Status.SCHEDULED)
    application_in("offered", student=student)
    client.force_login(student)
    response = client.get("/me/")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert {r["step"] for r in rows} == {6}
    actions = {str(r["action"]) for r in rows}
    assert len(actions) == 2
    assert f"/me/interviews/{interview.pk}/calendar.ics" in response.content.decode()
    ics = client.get(f"/me/interviews/{interview.pk}/calendar.ics")
    assert ics["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in ics.content


def test_my_page_query_count_does_not_grow(client, django_assert_max_num_queries):
    student = StudentFactory()
    client.force_login(student)
    application_in("submitted", student=student)
    interview_in(Interview.Status.PROPOSED)
    with django_assert_max_num_queries(20) as few:
        client.get("/me/")
    for status in ("screening", "interviewing", "offered", "rejected", "withdrawn"):
        application_in(status, student=student)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/me/")


def _entries_with_interviews(student, count: int) -> list[Interview]:
    """`count` entries of `student` in interviews, each with proposed times; every third
    interview is cancelled."""
    interviews = []
    for i in range(count):
        application, _student, member, _coordinator = application_in(
            "interviewing", student=student
        )
        start = timezone.now() + dt.timedelta(days=3 + i)
        interview = services.interview_propose(
            application=application,
            actor=member,
            slots=[(start, start + dt.timedelta(hours=1))],
            mode=Interview.Mode.ONLINE,
            meeting_url="https://meet.example.jp/abc",
        )
        if i % 3 == 2:
            interview = services.interview_cancel(interview=interview, actor=member)
        interviews.append(interview)
    return interviews


def test_my_page_makes_the_same_few_queries_for_3_and_30_entries(client, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    student = StudentFactory()
    client.force_login(student)

    def measure() -> tuple[int, object]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/me/")
        assert response.status_code == 200
        return len(queries), response

    # The cards rendered from the database (the cache of rendered cards off) ...
    settings.ENTRY_LIST_CACHE_TIMEOUT = 0
    _entries_with_interviews(student, 3)
    measure()  # warm the process-wide caches (content types, templates)
    small, response = measure()
    assert len(response.context["rows"]) == 3
    _entries_with_interviews(student, 27)
    large, response = measure()
    rows = response.context["rows"]
    assert len(rows) == 30
    # Cancelled interviews are not listed, and the others ask to pick a time.
    assert sum(len(r["interviews"]) for r in rows) == 20
    pick = {str(r["action"]) for r in rows if r["interviews"]}
    wait = {str(r["action"]) for r in rows if not r["interviews"]}
    assert len(pick) == len(wait) == 1 and pick != wait
    assert large == small
    # Issue 7: at most 8 per page, the session and the user among them.
    assert small <= 8, small

    # ... and from the cache, which skips the entries' two queries and renders the same.
    settings.ENTRY_LIST_CACHE_TIMEOUT = 600
    first, computed = measure()
    assert first == large
    cached, again = measure()
    assert cached == large - 2
    assert again.content.decode().count("<article") == 30
    assert _cards(again) == _cards(computed)


def _cards(response) -> str:
    html = response.content.decode()
    return html[html.index("<article") : html.rindex("</article>")]


def test_another_students_entry_gives_404(client):
    application, *_ = application_in("offered")
    client.force_login(StudentFactory())
    assert client.get(f"/me/entries/{application.pk}/").status_code == 404
    assert client.post(f"/me/entries/{application.pk}/accept/").status_code == 404
    assert client.post(f"/me/entries/{application.pk}/withdraw/").status_code == 404
    application.refresh_from_db()
    assert application.status == "offered"


def test_accepting_an_offer_can_withdraw_the_other_entries(client):
    application, student, *_ = application_in("offered")
    other, *_ = application_in("screening", student=student)
    kept, *_ = application_in("submitted", student=student)
    client.force_login(student)
    response = client.post(f"/me/entries/{application.pk}/accept/", {"withdraw": [str(other.pk)]})
    assert response.status_code == 302
    application.refresh_from_db()
    other.refresh_from_db()
    kept.refresh_from_db()
    assert application.status == "accepted" and hasattr(application, "placement")
    assert other.status == "withdrawn" and kept.status == "submitted"


def test_accepting_when_the_last_place_is_taken_says_so(client):
    project, _, _ = project_in(Project.Status.PUBLISHED)
    Project.objects.filter(pk=project.pk).update(capacity=1)
    first, first_student, *_ = application_in("offered", project=project)
    second, second_student, *_ = application_in("offered", project=project)
    services.application_accept(application=first, actor=first_student)
    client.force_login(second_student)
    response = client.post(f"/me/entries/{second.pk}/accept/", follow=True)
    assert "最後の枠" in response.content.decode() or "last place" in response.content.decode()
    second.refresh_from_db()
    assert second.status == "offered"


def test_student_picks_a_slot_or_asks_for_other_times(client):
    interview, student, *_ = interview_in(Interview.Status.PROPOSED)
    client.force_login(student)
    slot = interview.slots.last()
    client.post(f"/me/interviews/{interview.pk}/pick/", {"slot": slot.pk})
    interview.refresh_from_db()
    assert interview.status == "scheduled" and interview.starts_at == slot.starts_at
    client.post(f"/me/interviews/{interview.pk}/other-times/", {"reason": "試験と重なりました"})
    interview.refresh_from_db()
    assert interview.status == "proposed"
    assert interview.status_changes.last().note == "試験と重なりました"


def test_student_withdraws_with_a_reason_and_declines_an_offer(client):
    entry, student, *_ = application_in("screening")
    offer, *_ = application_in("offered", student=student)
    client.force_login(student)
    client.post(f"/me/entries/{entry.pk}/withdraw/", {"reason": "学業に専念するため"})
    client.post(f"/me/entries/{offer.pk}/decline/", {"reason": "別のプロジェクトに決めました"})
    entry.refresh_from_db()
    offer.refresh_from_db()
    assert entry.status == "withdrawn" and entry.status_changes.last().note == "学業に専念するため"
    assert offer.status == "offer_declined"


def test_pre_assignment_can_be_handed_in_later_but_not_after_the_deadline(client):
    project, _, _ = _published_with_brief()
    application, student, *_ = application_in("submitted", project=project)
    client.force_login(student)
    client.post(f"/me/entries/{application.pk}/pre-assignment/", {"answer": "後から提出します"})
    application.refresh_from_db()
    assert application.pre_assignment_answer == "後から提出します"
    Project.objects.filter(pk=project.pk).update(
        pre_assignment_deadline=timezone.now() - dt.timedelta(hours=1)
    )
    response = client.post(
        f"/me/entries/{application.pk}/pre-assignment/", {"answer": "遅れた回答"}
    )
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.pre_assignment_answer == "後から提出します"


def test_student_downloads_their_data_as_json(client):
    application, student, *_ = application_in("screening")
    client.force_login(student)
    response = client.get("/me/data.json")
    data = json.loads(response.content)
    assert data["account"]["email"] == student.email
    assert data["profile"]["university"] == "北海道大学"
    assert data["entries"][0]["project"] == application.project.title


def test_deleting_an_account_keeps_placements_without_the_person(client):
    placement, student, *_ = placement_in("active")
    application_in("submitted", student=student)
    client.force_login(student)
    assert client.post("/me/delete/", {}).status_code == 400
    client.post("/me/delete/", {"confirm": "yes"})
    student.refresh_from_db()
    assert not student.is_active and student.name == "" and "deleted-" in student.email
    kept = Application.objects.get(pk=placement.application_id)
    assert kept.motivation == ""
    assert Application.objects.filter(student=student).count() == 1
    assert not StudentProfile.objects.filter(user=student).exists()


def test_deleting_an_account_without_placements_removes_everything(client):
    _application, student, *_ = application_in("submitted")
    client.force_login(student)
    client.post("/me/delete/", {"confirm": "yes"})
    assert not User.objects.filter(pk=student.pk).exists()
    assert not Application.objects.filter(student_id=student.pk).exists()


def test_downloads_by_others_are_logged_and_shown_to_the_student(client):
    project, member, _coordinator = _published_with_brief()
    application, student, *_ = application_in("submitted", project=project)
    services.application_pre_assignment_submit(
        application=application, actor=student, answer="", files=[SimpleUploadedFile("a.pdf", PDF)]
    )
    record = application.files.get()
    client.force_login(student)
    client.get(f"/files/{record.pk}/")
    assert not record.downloads.exists()  # the student's own download is not logged
    client.force_login(member)
    client.get(f"/files/{record.pk}/")
    assert list(record.downloads.values_list("user", flat=True)) == [member.pk]
    client.force_login(student)
    page = client.get(f"/me/entries/{application.pk}/").content.decode()
    assert str(member) in page


def test_retention_anonymises_closed_entries_and_inactive_accounts():
    import time_machine

    from applicants.services import retention_anonymise

    closed, student, *_ = application_in("withdrawn")
    open_entry, *_ = application_in("submitted")
    placement, kept_student, *_ = placement_in("completed")
    with time_machine.travel(timezone.now() + dt.timedelta(days=400)):
        result = retention_anonymise()
    closed.refresh_from_db()
    open_entry.refresh_from_db()
    assert result["entries"] == 1
    assert closed.motivation == "" and closed.anonymised_at is not None
    assert open_entry.motivation != ""
    with time_machine.travel(timezone.now() + dt.timedelta(days=4 * 365)):
        retention_anonymise()
    assert not User.objects.filter(pk=student.pk).exists()
    kept_student.refresh_from_db()
    assert not kept_student.is_active  # anonymised, the completed placement is kept
    assert Application.objects.filter(pk=placement.application_id).exists()


def test_pages_of_an_accepted_entry_show_the_start_date(client):
    application, student, *_ = application_in("accepted")
    client.force_login(student)
    for path in ("/me/", f"/me/entries/{application.pk}/"):
        response = client.get(path)
        assert response.status_code == 200
        assert application.project.starts_on.strftime("%Y-%m-%d") in response.content.decode()
