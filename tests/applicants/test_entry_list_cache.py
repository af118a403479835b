"""My page's cards and the host's entries table, kept as HTML (applicants/cards.py): a reload
reads the cache, and every change to a row they show is on the next page."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applicants import services
from applicants.models import Application, Interview, Placement, StudentProfile
from programs.models import Region
from projects.models import Project
from tests.factories import HostMemberFactory, StudentFactory
from tests.flow import application_in, placement_in, project_in

pytestmark = pytest.mark.django_db
A = Application.Status


def _get(client, path: str) -> tuple[str, int]:
    """The page without its per-request tokens (CSRF, CSP nonce), and its query count."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    page = re.sub(r'(value|nonce)="[^"]*"', "", response.content.decode())
    return page, len(queries)


def _entries_path(project) -> str:
    return f"/host/projects/{project.pk}/entries/"


# My page ---------------------------------------------------------------------------------


def test_a_reload_reads_the_cards_from_the_cache(client):
    application, student, _member, _ = application_in(A.SUBMITTED)
    client.force_login(student)
    first, computed = _get(client, "/me/")
    again, cached = _get(client, "/me/")
    assert again == first
    assert cached == computed - 2  # the entries and their interviews
    assert application.project.title in again


def test_a_move_of_the_entry_shows_on_the_next_page(client):
    application, student, member, _ = application_in(A.SUBMITTED)
    client.force_login(student)
    assert "選考中" not in _get(client, "/me/")[0]
    services.application_screen(application=application, actor=member)
    page = _get(client, "/me/")[0]
    assert "選考中" in page  # Screening


def test_proposed_interview_times_show_on_the_next_page(client):
    application, student, member, _ = application_in(A.INTERVIEWING)
    client.force_login(student)
    assert "面談の日時を選ぶ" not in _get(client, "/me/")[0]
    start = timezone.now() + dt.timedelta(days=3)
    services.interview_propose(
        application=application,
        actor=member,
        slots=[(start, start + dt.timedelta(hours=1))],
        mode=Interview.Mode.ONLINE,
        meeting_url="https://meet.example.jp/abc",
    )
    assert "面談の日時を選ぶ" in _get(client, "/me/")[0]  # Pick an interview time


def test_the_placement_moving_on_moves_the_step(client):
    placement, student, _member, coordinator = placement_in(Placement.Status.PREPARING)
    client.force_login(student)
    before = _get(client, "/me/")[0]
    services.placement_activate(placement=placement, actor=coordinator)
    after = _get(client, "/me/")[0]
    assert after != before


def test_a_renamed_project_host_or_region_shows_on_the_next_page(client):
    application, student, _member, _ = application_in(A.SUBMITTED)
    client.force_login(student)
    _get(client, "/me/")
    project = application.project
    project.title = "新しい題名のプロジェクト"
    project.save(update_fields=["title"])
    assert "新しい題名のプロジェクト" in _get(client, "/me/")[0]
    organization = project.organization
    organization.name = "改名した受け入れ先"
    organization.save(update_fields=["name"])
    assert "改名した受け入れ先" in _get(client, "/me/")[0]
    Region.objects.filter(pk=project.region_id).update(name="ほげ")  # around the models
    region = Region.objects.get(pk=project.region_id)
    region.name = "改名した地域"
    region.save(update_fields=["name"])
    assert "改名した地域" in _get(client, "/me/")[0]


def test_each_student_sees_only_their_own_cards(client):
    mine, me, _member, _ = application_in(A.SUBMITTED)
    theirs, them, _member, _ = application_in(A.SUBMITTED)
    Project.objects.filter(pk=theirs.project_id).update(title="他人のプロジェクト")
    client.force_login(them)
    assert "他人のプロジェクト" in _get(client, "/me/")[0]
    client.force_login(me)
    page = _get(client, "/me/")[0]
    assert mine.project.title in page
    assert "他人のプロジェクト" not in page


def test_the_cards_follow_the_language(client):
    _application, student, _member, _ = application_in(A.SUBMITTED)
    client.force_login(student)
    assert "提出済み" in _get(client, "/me/")[0]
    client.cookies["django_language"] = "en"
    page = _get(client, "/me/")[0]
    assert "Submitted" in page and "提出済み" not in page


def test_with_the_cache_off_every_page_is_computed(client, settings):
    settings.ENTRY_LIST_CACHE_TIMEOUT = 0
    _application, student, _member, _ = application_in(A.SUBMITTED)
    client.force_login(student)
    first = _get(client, "/me/")
    assert _get(client, "/me/")[1] == first[1]


# The host's entries table ----------------------------------------------------------------


def test_the_host_list_reload_reads_the_cache_after_the_access_check(client):
    project, member, _ = project_in(Project.Status.PUBLISHED)
    application_in(A.SUBMITTED, project=project)
    client.force_login(member)
    first, computed = _get(client, _entries_path(project))
    again, cached = _get(client, _entries_path(project))
    assert again == first
    assert cached == computed - 3  # the counts, the page's count and the entries
    # A warm cache answers nobody else: another organisation's member gets 404.
    client.force_login(HostMemberFactory())
    assert client.get(_entries_path(project)).status_code == 404


def test_a_new_entry_and_its_move_show_in_the_host_list(client):
    project, member, _ = project_in(Project.Status.PUBLISHED)
    client.force_login(member)
    assert "まだエントリーはありません" in _get(client, _entries_path(project))[0]
    application, student, _m, _c = application_in(A.SUBMITTED, project=project)
    page = _get(client, _entries_path(project))[0]
    assert str(student) in page
    services.application_screen(application=application, actor=member)
    page = _get(client, _entries_path(project) + "?status=screening")[0]
    assert str(student) in page


def test_a_student_renamed_or_moving_university_shows_in_the_host_list(client):
    project, member, _ = project_in(Project.Status.PUBLISHED)
    _application, student, _m, _c = application_in(A.SUBMITTED, project=project)
    client.force_login(member)
    _get(client, _entries_path(project))
    student.name = "改名 太郎"
    student.save(update_fields=["name"])
    assert "改名 太郎" in _get(client, _entries_path(project))[0]
    profile = StudentProfile.objects.get(user=student)
    profile.university = "新しい大学"
    profile.save()
    assert "新しい大学" in _get(client, _entries_path(project))[0]


def test_a_sign_in_keeps_the_host_list_cached(client):
    project, member, _ = project_in(Project.Status.PUBLISHED)
    _application, student, _m, _c = application_in(A.SUBMITTED, project=project)
    client.force_login(member)
    _first, computed = _get(client, _entries_path(project))
    student.last_login = timezone.now()
    student.save(update_fields=["last_login"])
    assert _get(client, _entries_path(project))[1] == computed - 3


def test_htmx_gets_the_same_list_alone(client):
    project, member, _ = project_in(Project.Status.PUBLISHED)
    _application, _student, _m, _c = application_in(A.SUBMITTED, project=project)
    client.force_login(member)
    full = _get(client, _entries_path(project))[0]
    part = client.get(_entries_path(project), headers={"HX-Request": "true"}).content.decode()
    assert part.lstrip().startswith('<div id="entries"')
    assert part.strip() in full
    assert "<html" not in part


def test_an_odd_page_number_is_answered_without_the_cache(client):
    project, member, _ = project_in(Project.Status.PUBLISHED)
    application_in(A.SUBMITTED, project=project)
    client.force_login(member)
    for page in ("x", "9" * 20, "-1"):
        first = _get(client, _entries_path(project) + f"?page={page}")
        assert _get(client, _entries_path(project) + f"?page={page}")[1] == first[1]


def test_a_deleted_entry_leaves_the_host_list(client):
    project, member, _ = project_in(Project.Status.PUBLISHED)
    _application, student, _m, _c = application_in(A.SUBMITTED, project=project)
    client.force_login(member)
    assert str(student) in _get(client, _entries_path(project))[0]
    StudentFactory()  # unrelated rows change nothing
    Application.objects.get(student=student).delete()
    assert str(student) not in _get(client, _entries_path(project))[0]
