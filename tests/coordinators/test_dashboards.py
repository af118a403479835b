"""The coordinators' dashboards in the admin: the pipeline board, the funnel and survey results."""

import csv
import datetime as dt
import io
import re
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applicants import services as applicant_services
from applicants.models import Application
from coordinators import selectors
from coordinators import services as coordinator_services
from coordinators.models import ReviewSession, Survey, SurveyQuestion, SurveyResponse
from coordinators.services import coordinator_appoint
from programs import services as program_services
from projects import services as project_services
from projects.models import Project
from tests.factories import (
    HostOrganizationFactory,
    IntakeInterviewFactory,
    ProjectFactory,
    RegionFactory,
    StaffFactory,
    StudentFactory,
    TermFactory,
    UserFactory,
)
from tests.flow import APPLICATION_PATH, PROJECT_PATH

pytestmark = pytest.mark.django_db

JST = ZoneInfo("Asia/Tokyo")
T0 = dt.datetime(2027, 1, 11, 10, 0, tzinfo=JST)
DAY = dt.timedelta(days=1)


def at(days: float = 0) -> dt.datetime:
    return T0 + dt.timedelta(days=days)


@contextmanager
def clock(moment: dt.datetime):
    with time_machine.travel(moment, tick=False):
        yield


def appoint(region):
    coordinator = UserFactory()
    coordinator_appoint(user=coordinator, region=region)
    return coordinator


# Building states through the services, as the coordinator (or the student) would ------------


def make_lead(region, coordinator, status="new", name="リード"):
    s = program_services
    lead = s.lead_create(
        organization_name=name,
        organization_kind="company",
        contact_name="試験 太郎",
        email="lead@example.jp",
        region=region,
        consent=True,
    )
    if status in ("contacted", "closed"):
        lead = s.lead_mark_contacted(lead=lead, actor=coordinator)
    if status == "converted":
        lead = s.lead_mark_converted(lead=lead, actor=coordinator)
    if status == "closed":
        lead = s.lead_close(lead=lead, actor=coordinator)
    return lead


def make_inquiry(region, coordinator, status="new", name="問い合わせ"):
    s = program_services
    inquiry = s.inquiry_create(
        kind="company",
        name="問合 花子",
        email="ask@example.jp",
        message="始め方を知りたい",
        region=region,
        organization_name=name,
    )
    if status in ("answered", "closed"):
        inquiry = s.inquiry_mark_answered(inquiry=inquiry, actor=coordinator)
    if status == "closed":
        inquiry = s.inquiry_close(inquiry=inquiry, actor=coordinator)
    return inquiry


def make_intake(region, coordinator, outcome="pending", name="面接先", held_at=None):
    intake = IntakeInterviewFactory(
        region=region, organization_name=name, coordinator=coordinator, held_at=held_at or at()
    )
    if outcome != "pending":
        intake, _invitation = project_services.intake_record_outcome(
            intake=intake, outcome=outcome, actor=coordinator
        )
    return intake


def walk_project(project, status, coordinator):
    s = project_services
    steps = {
        "submit": lambda p: s.project_submit(project=p, actor=coordinator),
        "request_changes": lambda p: s.project_request_changes(
            project=p, actor=coordinator, comment="成果をもう少し具体的に"
        ),
        "approve": lambda p: s.project_approve(project=p, actor=coordinator),
        "publish": lambda p: s.project_publish(project=p, actor=coordinator),
        "close": lambda p: s.project_close(project=p, actor=coordinator),
        "start": lambda p: s.project_start(project=p, actor=coordinator),
        "complete": lambda p: s.project_complete(project=p, actor=coordinator),
        "cancel": lambda p: s.project_cancel(project=p, actor=coordinator),
    }
    # The main line's paths are prefixes of each other: continue from where the project is.
    path, walked = PROJECT_PATH[status], PROJECT_PATH[project.status]
    assert path[: len(walked)] == walked, (project.status, status)
    for step in path[len(walked) :]:
        project = steps[step](project)
    return project


def make_host(region, coordinator, status=None, name="受入先", **project_fields):
    host = HostOrganizationFactory(region=region, name=name)
    project = None
    if status is not None:
        project = ProjectFactory(organization=host, title=f"{name}のプロジェクト", **project_fields)
        project = walk_project(project, status, coordinator)
    return host, project


def make_entry(project, coordinator, status, name="学生"):
    s = applicant_services
    student = StudentFactory(name=name)
    application = s.application_submit(
        student=student, project=project, motivation="地域で挑戦したい", consent=True
    )
    steps = {
        "screen": lambda a: s.application_screen(application=a, actor=coordinator),
        "interview": lambda a: s.application_invite_to_interview(application=a, actor=coordinator),
        "offer": lambda a: s.application_offer(application=a, actor=coordinator),
        "accept": lambda a: s.application_accept(application=a, actor=student).application,
        "reject": lambda a: s.application_reject(
            application=a, actor=coordinator, reason="capacity", message="今回は見送ります"
        ),
        "withdraw": lambda a: s.application_withdraw(application=a, actor=student),
        "decline_offer": lambda a: s.application_decline_offer(application=a, actor=student),
    }
    for step in APPLICATION_PATH[status]:
        application = steps[step](application)
    application.refresh_from_db()
    return application


def activate(application, coordinator):
    return applicant_services.placement_activate(placement=application.placement, actor=coordinator)


def columns(board, side="host_columns") -> dict[str, list[str]]:
    return {c.key: sorted(card.title for card in c.cards) for c in getattr(board, side)}


def counts(board, side="host_columns") -> dict[str, int]:
    return {c.key: c.count for c in getattr(board, side)}


def card(board, title):
    for column in (*board.host_columns, *board.entry_columns):
        for item in column.cards:
            if item.title == title:
                return column.key, item
    raise AssertionError(f"no card {title!r}")


# The board ---------------------------------------------------------------------------------


@pytest.fixture
def built():
    """A region with something at every step, and a second region that must not show."""
    region, elsewhere = RegionFactory(name="北見"), RegionFactory(name="函館")
    coordinator, other = appoint(region), appoint(elsewhere)
    with clock(at(0)):
        make_lead(region, coordinator, "new", "新規リード")
        make_lead(region, coordinator, "contacted", "連絡済みリード")
        make_lead(region, coordinator, "converted", "転換済みリード")
        make_lead(region, coordinator, "closed", "終了リード")
        make_inquiry(region, coordinator, "new", "新規相談")
        make_inquiry(region, coordinator, "answered", "回答済み相談")
        make_inquiry(region, coordinator, "closed", "終了相談")
        make_intake(region, coordinator, "pending", "面接待ち")
        make_intake(region, coordinator, "hold", "面接保留")
        make_intake(region, coordinator, "decline", "面接見送り")
        make_intake(region, coordinator, "proceed", "面接通過")  # a host with no project yet
        make_host(region, coordinator, Project.Status.DRAFT, "設計中")
        make_host(region, coordinator, Project.Status.CHANGES_REQUESTED, "修正中")
        make_host(region, coordinator, Project.Status.APPROVED, "承認済み")
        _h, published = make_host(region, coordinator, Project.Status.PUBLISHED, "募集中")
        _h, selecting = make_host(region, coordinator, Project.Status.PUBLISHED, "選考中")
        _h, preparing = make_host(region, coordinator, Project.Status.PUBLISHED, "準備中")
        _h, running = make_host(region, coordinator, Project.Status.PUBLISHED, "実施中")
        _h, finished = make_host(region, coordinator, Project.Status.PUBLISHED, "二巡目")
        make_host(elsewhere, other, Project.Status.PUBLISHED, "他地域")

        make_entry(published, coordinator, "submitted", "提出さん")
        make_entry(selecting, coordinator, "screening", "選考さん")
        make_entry(selecting, coordinator, "interviewing", "面談さん")
        make_entry(selecting, coordinator, "rejected", "見送りさん")
        walk_project(selecting, Project.Status.CLOSED, coordinator)
        make_entry(preparing, coordinator, "accepted", "準備さん")
        walk_project(preparing, Project.Status.CLOSED, coordinator)
        activate(make_entry(running, coordinator, "accepted", "実施さん"), coordinator)
        make_entry(running, coordinator, "withdrawn", "辞退さん")
        walk_project(running, Project.Status.IN_PROGRESS, coordinator)
        done = make_entry(finished, coordinator, "accepted", "修了さん")
        activate(done, coordinator)
        walk_project(finished, Project.Status.IN_PROGRESS, coordinator)
        coordinator_services.placement_finish(placement=done.placement, actor=coordinator)
        project_services.project_complete(project=finished, actor=coordinator)
        project_services.project_copy(source=finished, actor=coordinator)
    return region, elsewhere, coordinator


def test_board_puts_every_host_at_its_step_and_every_entry_by_status(built):
    region, _elsewhere, _coordinator = built
    with clock(at(1)):
        board = selectors.pipeline_board(region=region)
    assert columns(board) == {
        "pamphlet": ["新規リード", "連絡済みリード"],
        "consultation": ["回答済み相談", "新規相談"],
        "intake": ["面接保留", "面接待ち"],
        "design": ["修正中", "設計中", "面接通過"],
        "recruiting": ["募集中", "承認済み"],
        "interviews": ["選考中"],
        "started": ["準備中"],
        "reviewing": ["実施中"],
        "next_cycle": ["二巡目"],
    }
    assert counts(board) == {
        "pamphlet": 2,
        "consultation": 2,
        "intake": 2,
        "design": 3,
        "recruiting": 2,
        "interviews": 1,
        "started": 1,
        "reviewing": 1,
        "next_cycle": 1,
    }
    assert columns(board, "entry_columns") == {
        "submitted": ["提出さん"],
        "screening": ["選考さん"],
        "interviewing": ["面談さん"],
        "offered": [],
        "accepted": ["修了さん", "実施さん", "準備さん"],
        "rejected": ["見送りさん"],
        "withdrawn": ["辞退さん"],
        "offer_declined": [],
    }
    assert board.hosts_total == 15 and board.entries_total == 8
    _column, repeat = card(board, "二巡目")
    assert (repeat.cycle, repeat.step, repeat.detail) == (2, 4, Project.Status.DRAFT.label)
    _column, fresh = card(board, "面接通過")
    assert fresh.project_pk is None
    # Nothing waited long enough to be overdue one day later.
    assert board.counts == dict.fromkeys(board.counts, 0)


def test_board_cards_link_to_their_admin_change_pages_and_the_page_shows_the_counts(built, client):
    region, _elsewhere, coordinator = built
    with clock(at(1)):
        client.force_login(coordinator)
        response = client.get(f"/admin/pipeline/{region.slug}/")
    assert response.status_code == 200
    board = response.context["board"]
    assert counts(board)["design"] == 3
    html = response.content.decode()
    _column, lead = card(board, "新規リード")
    _column, entry = card(board, "面談さん")
    _column, host = card(board, "選考中")
    assert lead.url == f"/admin/programs/pamphletrequest/{lead.pk}/change/"
    assert entry.url == f"/admin/applicants/application/{entry.pk}/change/"
    assert host.url == f"/admin/projects/hostorganization/{host.pk}/change/"
    assert host.project_url == f"/admin/projects/project/{host.project_pk}/change/"
    for url in (lead.url, entry.url, host.url, host.project_url):
        assert f'href="{url}"' in html
    assert "他地域" not in html
    assert 'id="hosts-design"' in html and ' style="' not in html


def test_term_filter_keeps_the_terms_hosts_and_entries_and_every_lead(built, client):
    region, _elsewhere, coordinator = built
    coordinator_term = TermFactory(season="spring", year=2027)
    with clock(at(1)):
        _host, other_term = make_host(
            region, coordinator, Project.Status.PUBLISHED, "春募集", term=coordinator_term
        )
        make_entry(other_term, coordinator, "submitted", "春の学生")
        board = selectors.pipeline_board(region=region, term=coordinator_term)
        everything = selectors.pipeline_board(region=region)
    assert columns(board)["recruiting"] == ["春募集"]
    assert columns(board)["pamphlet"] == ["新規リード", "連絡済みリード"]
    assert board.entries_total == 1
    assert "春募集" in columns(everything)["recruiting"] and everything.entries_total == 9
    client.force_login(coordinator)
    response = client.get(f"/admin/pipeline/{region.slug}/?term={coordinator_term.pk}")
    assert response.context["board"].entries_total == 1


def test_decided_entries_show_the_newest_cards_and_link_the_rest(client, monkeypatch):
    region = RegionFactory()
    coordinator = appoint(region)
    monkeypatch.setattr(selectors, "ENTRY_CARD_LIMIT", 2)
    with clock(at(0)):
        _host, project = make_host(region, coordinator, Project.Status.PUBLISHED, "募集中")
    for day, name in enumerate(["一人目", "二人目", "三人目"]):
        with clock(at(day)):
            make_entry(project, coordinator, "rejected", name)
    with clock(at(3)):
        for name in ("提出1", "提出2", "提出3"):
            make_entry(project, coordinator, "submitted", name)
        board = selectors.pipeline_board(region=region)
    rejected = next(c for c in board.entry_columns if c.key == "rejected")
    submitted = next(c for c in board.entry_columns if c.key == "submitted")
    assert [c.title for c in rejected.cards] == ["三人目", "二人目"]
    assert (rejected.count, rejected.more) == (3, 1)
    # Open entries are capped too: those waiting longest are drawn.
    assert (submitted.count, submitted.more, len(submitted.cards)) == (3, 1, 2)
    assert board.entries_total == 6
    assert rejected.more_url == (
        "/admin/applicants/application/"
        f"?status__exact=rejected&project__region__id__exact={region.pk}"
    )
    with clock(at(3)):
        client.force_login(coordinator)
        listing = client.get(rejected.more_url)
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 3


def test_with_a_term_chosen_a_columns_link_lists_that_terms_entries_only(client, monkeypatch):
    region = RegionFactory()
    coordinator = appoint(region)
    monkeypatch.setattr(selectors, "ENTRY_CARD_LIMIT", 1)
    spring = TermFactory(season="spring", year=2027)
    with clock(at(0)):
        _host, project = make_host(
            region, coordinator, Project.Status.PUBLISHED, "春募集", term=spring
        )
        _other, elsewhere = make_host(region, coordinator, Project.Status.PUBLISHED, "秋募集")
        for name in ("春1", "春2"):
            make_entry(project, coordinator, "rejected", name)
        make_entry(elsewhere, coordinator, "rejected", "秋1")
        board = selectors.pipeline_board(region=region, term=spring)
    rejected = next(c for c in board.entry_columns if c.key == "rejected")
    assert (rejected.count, rejected.more) == (2, 1)
    assert rejected.more_url.endswith(f"&project__term__id__exact={spring.pk}")
    with clock(at(0)):
        client.force_login(coordinator)
        listing = client.get(rejected.more_url)
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 2


def test_time_in_step_comes_from_the_latest_status_change():
    region = RegionFactory()
    coordinator = appoint(region)
    with clock(at(0)):
        _host, project = make_host(region, coordinator, Project.Status.SUBMITTED, "審査中")
    with clock(at(4)):
        project_services.project_approve(project=project, actor=coordinator)
    with clock(at(10.5)):
        board = selectors.pipeline_board(region=region)
    column, host = card(board, "審査中")
    assert column == "recruiting"
    assert host.since == at(4) and host.days == 6


def test_overdue_leads_inquiries_and_entries_after_3_2_and_5_days():
    region = RegionFactory()
    coordinator = appoint(region)
    with clock(at(0)):
        make_lead(region, coordinator, "new", "遅いリード")
        make_lead(region, coordinator, "new", "連絡したリード")
        make_inquiry(region, coordinator, "new", "遅い相談")
        _host, project = make_host(region, coordinator, Project.Status.PUBLISHED, "募集中")
        make_entry(project, coordinator, "submitted", "待ちさん")
        moved = make_entry(project, coordinator, "submitted", "動いたさん")
    contacted = region.leads.get(organization_name="連絡したリード")
    with clock(at(1)):
        program_services.lead_mark_contacted(lead=contacted, actor=coordinator)
    with clock(at(4)):
        applicant_services.application_screen(application=moved, actor=coordinator)

    def flags(moment):
        with clock(moment):
            board = selectors.pipeline_board(region=region)
        found = {
            item.title: [f.code for f in item.flags]
            for column in (*board.host_columns, *board.entry_columns)
            for item in column.cards
            if item.flags
        }
        return found, board.counts

    minute = dt.timedelta(minutes=1)
    assert flags(at(2) - minute)[0] == {}
    assert flags(at(2) + minute)[0] == {"遅い相談": ["inquiry_unanswered"]}
    assert flags(at(3) + minute)[0] == {
        "遅いリード": ["lead_not_contacted"],
        "遅い相談": ["inquiry_unanswered"],
    }
    found, board_counts = flags(at(5) + minute)
    assert found == {
        "遅いリード": ["lead_not_contacted"],
        "遅い相談": ["inquiry_unanswered"],
        "待ちさん": ["entry_waiting"],
    }
    assert board_counts == {
        "leads_not_contacted": 1,
        "inquiries_unanswered": 1,
        "entries_waiting": 1,
        "reviews_missed": 0,
        "reviews_at_risk": 0,
    }
    inquiry = region.inquiries.get()
    with clock(at(6)):
        program_services.inquiry_mark_answered(inquiry=inquiry, actor=coordinator)
    assert "遅い相談" not in flags(at(30))[0]


def test_missed_reviews_and_the_latest_held_reviews_health_raise_alerts(client):
    region = RegionFactory()
    coordinator = appoint(region)
    with clock(at(0)):
        _h, project = make_host(region, coordinator, Project.Status.PUBLISHED, "実施先")
        application = make_entry(project, coordinator, "accepted", "実施さん")
        placement = activate(application, coordinator)
        first = ReviewSession.objects.create(placement=placement, due_on=at(7).date())
        second = ReviewSession.objects.create(placement=placement, due_on=at(14).date())

    def review_flags(moment):
        with clock(moment):
            board = selectors.pipeline_board(region=region)
        _column, host = card(board, "実施先")
        _column, entry = card(board, "実施さん")
        assert [f.code for f in host.flags] == [f.code for f in entry.flags]
        return [f.code for f in host.flags], board

    assert review_flags(at(7))[0] == []  # due today is not missed yet
    codes, board = review_flags(at(8))
    assert codes == ["review_missed"] and board.counts["reviews_missed"] == 1
    assert board.review_alerts[0].url == f"/admin/coordinators/reviewsession/{first.pk}/change/"
    with clock(at(9)):
        coordinator_services.review_record(
            review=first, actor=coordinator, part="coordinator", notes="遅れ", health="at_risk"
        )
    codes, board = review_flags(at(10))
    assert codes == ["review_at_risk"] and board.counts["reviews_at_risk"] == 1
    with clock(at(10)):
        client.force_login(coordinator)
        html = client.get(f"/admin/pipeline/{region.slug}/").content.decode()
    assert f"/admin/coordinators/reviewsession/{first.pk}/change/" in html
    with clock(at(14)):
        coordinator_services.review_record(
            review=second, actor=coordinator, part="coordinator", notes="順調", health="on_track"
        )
    assert review_flags(at(20))[0] == []


# The funnel --------------------------------------------------------------------------------


@pytest.fixture
def funnel_data():
    """Exact data for the 2027 summer term of one region, with noise outside it."""
    region, elsewhere = RegionFactory(), RegionFactory()
    coordinator, other = appoint(region), appoint(elsewhere)
    previous = TermFactory(
        season="spring",
        year=2026,
        entry_opens_on=dt.date(2026, 10, 1),
        entry_closes_on=dt.date(2026, 12, 20),
        starts_on=dt.date(2027, 2, 10),
        ends_on=dt.date(2027, 9, 30),
    )
    term = TermFactory()  # 2027 summer: entry closes 2027-06-30
    with clock(dt.datetime(2026, 12, 1, 10, tzinfo=JST)):  # before the term's window
        make_lead(region, coordinator, "new", "前期のリード")
        make_inquiry(region, coordinator, "new", "前期の相談")
        make_intake(region, coordinator, held_at=dt.datetime(2026, 12, 1, 10, tzinfo=JST))
    with clock(at(0)):
        leads = [make_lead(region, coordinator, "new", f"リード{i}") for i in range(4)]
        inquiries = [make_inquiry(region, coordinator, "new", f"相談{i}") for i in range(2)]
        make_intake(region, coordinator, held_at=at(0))
        make_intake(region, coordinator, "hold", held_at=at(1))
        make_lead(elsewhere, other, "new", "他地域のリード")
    with clock(at(1)):
        program_services.lead_mark_contacted(lead=leads[0], actor=coordinator)
    with clock(at(3)):
        program_services.lead_mark_contacted(lead=leads[1], actor=coordinator)
    with clock(at(0.5)):
        program_services.inquiry_mark_answered(inquiry=inquiries[0], actor=coordinator)
    with clock(at(1.5)):
        program_services.inquiry_mark_answered(inquiry=inquiries[1], actor=coordinator)

    s = project_services
    with clock(at(10)):
        _h, p1 = make_host(region, coordinator, Project.Status.SUBMITTED, "一社目")
        _h, p2 = make_host(region, coordinator, Project.Status.SUBMITTED, "二社目")
        make_host(region, coordinator, Project.Status.DRAFT, "三社目")
        make_host(region, coordinator, Project.Status.SUBMITTED, "四社目")
    with clock(at(11)):
        s.project_request_changes(project=p2, actor=coordinator, comment="具体的に")
    with clock(at(12)):
        s.project_approve(project=p1, actor=coordinator)
        s.project_submit(project=p2, actor=coordinator)
    with clock(at(13)):
        s.project_publish(project=p1, actor=coordinator)
    with clock(at(14)):
        s.project_approve(project=p2, actor=coordinator)
    with clock(at(16)):
        s.project_publish(project=p2, actor=coordinator)
        # Another term's project and entry in the same region count only without a term.
        _h, spring = make_host(
            region, coordinator, Project.Status.PUBLISHED, "春の受入先", term=previous
        )
        make_entry(spring, coordinator, "submitted", "春の学生")

    with clock(at(20)):
        make_entry(p1, coordinator, "submitted", "提出")
        make_entry(p1, coordinator, "rejected", "見送り")
        make_entry(p2, coordinator, "interviewing", "面談")
        make_entry(p2, coordinator, "offer_declined", "辞退")
        first = make_entry(p1, coordinator, "offered", "合意1")
        second = make_entry(p2, coordinator, "offered", "合意2")
    with clock(at(30)):
        first = applicant_services.application_accept(application=first, actor=first.student)
    with clock(at(40)):
        second = applicant_services.application_accept(application=second, actor=second.student)
    with clock(at(35)):
        applicant_services.placement_activate(placement=first, actor=coordinator)
    with clock(at(47)):
        applicant_services.placement_activate(placement=second, actor=coordinator)
    with clock(at(135)):
        applicant_services.placement_complete(placement=first, actor=coordinator)
    return region, term, coordinator


FUNNEL_COUNTS = {
    "leads": 4,
    "inquiries": 2,
    "intakes": 2,
    "projects": 4,
    "published": 2,
    "entries": 6,
    "interviews": 4,
    "matches": 2,
    "started": 2,
    "completed": 1,
}


def test_funnel_counts_rates_and_medians_equal_the_data(funnel_data):
    region, term, _coordinator = funnel_data
    funnel = selectors.pipeline_funnel(region=region, term=term)
    assert funnel.window == (dt.date(2026, 12, 20), dt.date(2027, 6, 30))
    assert {s.key: s.count for s in funnel.stages} == FUNNEL_COUNTS
    assert [s.rate for s in funnel.stages] == [
        None,
        2 / 4,
        2 / 2,
        4 / 2,
        2 / 4,
        6 / 2,
        4 / 6,
        2 / 4,
        2 / 2,
        1 / 2,
    ]
    medians = {d.key: (d.samples, d.median) for d in funnel.durations}
    assert medians == {
        "lead_contacted": (2, 2 * DAY),  # 1 and 3 days
        "inquiry_answered": (2, DAY),  # 12 and 36 hours
        "project_approved": (2, 3 * DAY),  # first submission to approval: 2 and 4 days
        "project_published": (2, 1.5 * DAY),  # 1 and 2 days
        "entry_accepted": (2, 15 * DAY),  # 10 and 20 days
        "placement_active": (2, 6 * DAY),  # 5 and 7 days
        "placement_completed": (1, 100 * DAY),
    }


def test_funnel_without_a_term_counts_the_whole_region(funnel_data):
    region, _term, _coordinator = funnel_data
    funnel = selectors.pipeline_funnel(region=region)
    assert funnel.window is None
    assert {s.key: s.count for s in funnel.stages} == {
        **FUNNEL_COUNTS,
        "leads": 5,
        "inquiries": 3,
        "intakes": 3,
        "projects": 5,
        "published": 3,
        "entries": 7,
    }


def test_funnel_page_draws_the_chart_and_the_same_numbers_in_a_table(funnel_data, client):
    region, term, coordinator = funnel_data
    client.force_login(coordinator)
    response = client.get(f"/admin/pipeline/{region.slug}/funnel/?term={term.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('<svg class="pipeline-chart"')
    svg = html[start : html.index("</svg>", start)]
    widths = [float(w) for w in re.findall(r'<rect class="chart-bar"[^>]* width="([\d.]+)"', svg)]
    assert len(widths) == 10
    # Bars are proportional to the counts; the widest is the largest stage (6 entries).
    top = max(widths)
    assert [w / top * 6 for w in widths] == pytest.approx(list(FUNNEL_COUNTS.values()), abs=0.01)
    table = html[html.index('<table class="pipeline-table">') :]
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</th>\s*<td class=\"num\">(\d+)</td>", table)
    assert [int(n) for _label, n in rows[:10]] == list(FUNNEL_COUNTS.values())
    assert "50.0%" in table and "300.0%" in table
    assert ' style="' not in html


# Survey results ----------------------------------------------------------------------------


@pytest.fixture
def surveys():
    region, elsewhere = RegionFactory(), RegionFactory()
    coordinator, other = appoint(region), appoint(elsewhere)
    student_survey = Survey.objects.create(title="学生アンケート", audience="student")
    rating = SurveyQuestion.objects.create(
        survey=student_survey, position=1, kind="rating", text="満足度"
    )
    choice = SurveyQuestion.objects.create(
        survey=student_survey,
        position=2,
        kind="choice",
        text="また参加したい?",
        choices=["はい", "いいえ", "わからない"],
    )
    text = SurveyQuestion.objects.create(
        survey=student_survey, position=3, kind="text", text="感想", required=False
    )
    host_survey = Survey.objects.create(title="受入先アンケート", audience="host")
    SurveyQuestion.objects.create(survey=host_survey, position=1, kind="rating", text="満足度")

    def finished(reg, coord, name):
        _h, project = make_host(reg, coord, Project.Status.PUBLISHED, name)
        application = make_entry(project, coord, "accepted", f"{name}の学生")
        placement = activate(application, coord)
        coordinator_services.placement_finish(placement=placement, actor=coord)
        return SurveyResponse.objects.get(survey=student_survey, placement=placement)

    answers = [
        ("一社目", {rating: 5, choice: "はい", text: "=SUM(A1)"}),
        ("二社目", {rating: 4, choice: "はい", text: "楽しかった"}),
        ("三社目", {rating: 4, choice: "いいえ"}),
    ]
    for name, values in answers:
        response = finished(region, coordinator, name)
        coordinator_services.survey_answer(
            response=response,
            actor=response.respondent,
            answers={str(q.pk): str(v) for q, v in values.items()},
        )
    finished(region, coordinator, "未回答")  # sent, never submitted
    outside = finished(elsewhere, other, "他地域")
    coordinator_services.survey_answer(
        response=outside,
        actor=outside.respondent,
        answers={str(rating.pk): "1", str(choice.pk): "いいえ"},
    )
    return region, coordinator, student_survey, host_survey


def test_survey_results_aggregate_submitted_answers_of_the_region(surveys):
    region, _coordinator, student_survey, host_survey = surveys
    results = {r.survey.pk: r for r in selectors.survey_results(region=region)}
    assert results[host_survey.pk].responses == 0
    student = results[student_survey.pk]
    assert student.responses == 3
    rating, choice, text = student.questions
    assert (rating.answered, rating.average) == (3, 4.33)
    assert rating.counts == [(1, 0), (2, 0), (3, 0), (4, 2), (5, 1)]
    assert choice.counts == [("はい", 2), ("いいえ", 1), ("わからない", 0)]
    assert sorted(text.texts) == ["=SUM(A1)", "楽しかった"]


def test_survey_page_shows_the_results(surveys, client):
    region, coordinator, _student_survey, _host_survey = surveys
    client.force_login(coordinator)
    response = client.get(f"/admin/pipeline/{region.slug}/surveys/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "4.33" in html and "楽しかった" in html and "学生アンケート" in html
    assert ' style="' not in html


def test_survey_csv_has_a_bom_a_header_and_one_row_per_submitted_response(surveys, client):
    region, coordinator, student_survey, host_survey = surveys
    client.force_login(coordinator)
    response = client.get(
        f"/admin/pipeline/{region.slug}/surveys/?format=csv&survey={student_survey.pk}"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert len(header) == 7 + 3 and header[-3:] == ["満足度", "また参加したい?", "感想"]
    assert sorted(tuple(row[-3:]) for row in body) == [
        ("4", "いいえ", ""),
        ("4", "はい", "楽しかった"),
        ("5", "はい", "'=SUM(A1)"),  # a formula is kept as text for spreadsheets
    ]
    assert {row[1] for row in body} == {"学生アンケート"}

    everything = client.get(f"/admin/pipeline/{region.slug}/surveys/?format=csv")
    rows = list(csv.reader(io.StringIO(everything.content.decode("utf-8-sig"))))
    assert rows[0][-4:] == [
        "受入先アンケート: 満足度",
        "学生アンケート: 満足度",
        "学生アンケート: また参加したい?",
        "学生アンケート: 感想",
    ]
    assert len(rows) == 1 + 3
    assert host_survey.pk  # the host survey has columns but no submitted rows


# Access ------------------------------------------------------------------------------------

PAGES = ("", "funnel/", "surveys/", "surveys/?format=csv")


def test_a_coordinator_of_another_region_gets_404_and_staff_see_every_region(client):
    sapporo, hakodate = RegionFactory(slug="sapporo"), RegionFactory(slug="hakodate")
    coordinator = appoint(sapporo)
    client.force_login(coordinator)
    for page in PAGES:
        assert client.get(f"/admin/pipeline/sapporo/{page}").status_code == 200, page
        assert client.get(f"/admin/pipeline/hakodate/{page}").status_code == 404, page
    index = client.get("/admin/pipeline/")
    assert [r.slug for r in index.context["regions"]] == ["sapporo"]
    client.force_login(StaffFactory())
    for page in PAGES:
        for region in (sapporo, hakodate):
            assert client.get(f"/admin/pipeline/{region.slug}/{page}").status_code == 200
    assert {r.slug for r in client.get("/admin/pipeline/").context["regions"]} >= {
        "sapporo",
        "hakodate",
    }
    # Staff without a region (is_staff only) see none.
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/admin/pipeline/sapporo/").status_code == 404


def test_anonymous_users_are_sent_to_the_admin_login(client):
    RegionFactory(slug="sapporo")
    for page in ("/admin/pipeline/", *(f"/admin/pipeline/sapporo/{p}" for p in PAGES)):
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/?next=")
    client.force_login(StudentFactory())  # not staff: the admin's login too
    assert client.get("/admin/pipeline/sapporo/").status_code == 302


def test_admin_index_links_the_pipelines(client):
    region = RegionFactory()
    client.force_login(appoint(region))
    html = client.get("/admin/").content.decode()
    assert 'href="/admin/pipeline/"' in html


# Queries -----------------------------------------------------------------------------------


def grow(region, coordinator, start: int, stop: int, survey: Survey) -> None:
    """Rows at every step: per index a lead, an inquiry, an intake, a host and an entry."""
    rating = survey.questions.get()
    with clock(at(0)):
        for i in range(start, stop):
            make_lead(region, coordinator, "new", f"リード{i}")
            make_inquiry(region, coordinator, "new", f"相談{i}")
            make_intake(region, coordinator, "pending", f"面接{i}")
            _host, project = make_host(region, coordinator, Project.Status.PUBLISHED, f"先{i}")
            status = ("submitted", "screening", "accepted", "accepted")[i % 4]
            application = make_entry(project, coordinator, status, f"学生{i}")
            if status != Application.Status.ACCEPTED:
                continue
            placement = activate(application, coordinator)
            ReviewSession.objects.create(placement=placement, due_on=at(-3).date())
            held = ReviewSession.objects.create(placement=placement, due_on=at(-10).date())
            coordinator_services.review_record(
                review=held, actor=coordinator, part="coordinator", notes="x", health="at_risk"
            )
            if i % 4 == 3:
                coordinator_services.placement_finish(placement=placement, actor=coordinator)
                response = SurveyResponse.objects.get(placement=placement, survey=survey)
                coordinator_services.survey_answer(
                    response=response, actor=response.respondent, answers={str(rating.pk): "4"}
                )


def test_dashboards_use_the_same_number_of_queries_for_3_and_30_rows(client, settings):
    # What the pages cost when they compute their data (the cache's own test is in
    # test_pipeline_cache.py): without it, each request counts from the database.
    settings.PIPELINE_CACHE_TIMEOUT = 0
    region = RegionFactory()
    coordinator = appoint(region)
    survey = Survey.objects.create(title="学生アンケート", audience="student")
    SurveyQuestion.objects.create(survey=survey, kind="rating", text="満足度")
    term = TermFactory()
    urls = [
        f"/admin/pipeline/{region.slug}/",
        f"/admin/pipeline/{region.slug}/?term={term.pk}",
        f"/admin/pipeline/{region.slug}/funnel/",
        f"/admin/pipeline/{region.slug}/funnel/?term={term.pk}",
        f"/admin/pipeline/{region.slug}/surveys/",
        f"/admin/pipeline/{region.slug}/surveys/?format=csv",
    ]

    def measure() -> dict[str, int]:
        found = {}
        with clock(at(1)):
            client.force_login(coordinator)
            for url in urls:
                with CaptureQueriesContext(connection) as queries:
                    assert client.get(url).status_code == 200
                found[url] = len(queries)
        return found

    grow(region, coordinator, 0, 3, survey)
    measure()  # warm the process-wide caches (content types, templates)
    small = measure()
    grow(region, coordinator, 3, 30, survey)
    with clock(at(1)):
        board = selectors.pipeline_board(region=region)
    assert board.entries_total == 30 and board.counts["reviews_missed"] == 7
    large = measure()
    assert large == small
    # The admin pages' limit (issue 7), with the session and the user among them.
    assert max(small.values()) <= 10, small


def test_a_long_host_column_shows_the_first_cards_and_links_to_the_rest(client):
    from coordinators.selectors import HOST_CARD_LIMIT, pipeline_board
    from programs import services as program_services
    from tests.factories import RegionFactory

    region = RegionFactory()
    for i in range(HOST_CARD_LIMIT + 5):
        program_services.lead_create(
            organization_name=f"株式会社リード{i}",
            organization_kind="company",
            contact_name="担当 太郎",
            email=f"lead{i}@example.jp",
            region=region,
            consent=True,
        )
    # Leads of the region that left step 1 are neither in the column nor in the list it links.
    coordinator = appoint(region)
    make_lead(region, coordinator, "converted", "転換済み")
    make_lead(region, coordinator, "closed", "終了")
    column = next(c for c in pipeline_board(region=region).host_columns if c.key == "pamphlet")
    assert column.count == HOST_CARD_LIMIT + 5
    assert len(column.cards) == HOST_CARD_LIMIT and column.more == 5
    assert column.more_url.startswith("/admin/programs/pamphletrequest/?id__in=")
    staff = StaffFactory()
    client.force_login(staff)
    listing = client.get(column.more_url)
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == column.count


def test_a_column_longer_than_an_id_list_links_to_its_states_in_the_region(monkeypatch):
    monkeypatch.setattr(selectors, "HOST_CARD_LIMIT", 1)
    monkeypatch.setattr(selectors, "LINKED_IDS_LIMIT", 2)
    region = RegionFactory()
    coordinator = appoint(region)
    with clock(at(0)):
        for name in ("一社目", "二社目", "三社目"):
            make_lead(region, coordinator, "new", name)
        column = next(
            c for c in selectors.pipeline_board(region=region).host_columns if c.key == "pamphlet"
        )
    assert (column.count, len(column.cards), column.more) == (3, 1, 2)
    assert column.more_url == (
        f"/admin/programs/pamphletrequest/?status__in=new,contacted&region__id__exact={region.pk}"
    )
