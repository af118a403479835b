"""Steps 7 and 8 of a coordinator, in the browser: the start orientation of an accepted entry
scheduled and recorded in the admin (goals, attendance), two reviews held (the second at risk,
which the pipeline board raises), the placement completed; the student answers the survey and
the region's survey report shows it."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applicants import services as applicant_services
from applicants.models import Application, Placement
from coordinators.models import (
    Orientation,
    ReviewPlan,
    ReviewSession,
    Survey,
    SurveyQuestion,
    SurveyResponse,
)
from coordinators.services import coordinator_appoint
from notifications.models import Notification
from projects.models import Project
from tests.factories import (
    HostMemberFactory,
    HostOrganizationFactory,
    ProjectFactory,
    RegionFactory,
    StudentFactory,
    UserFactory,
)
from tests.flow import project_in
from tests.two_factor import enrol

from .journey import (
    admin_action,
    console_errors,
    failed_responses,
    field,
    link_in,
    mail_to,
    sign_in_with_code,
    success_message,
    verified_email,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

COORDINATOR_EMAIL = "coordinator@kitami.example.jp"
STUDENT_EMAIL = "suzuki.hina@student.example.jp"
STUDENT_NAME = "鈴木 陽菜"
ORGANIZATION = "株式会社オホーツク木工"
TITLE = "オホーツクの森から、木のおもちゃの新しい売り方をつくる"
PLACE = "北見市民会館 2階 会議室"
MEETING_URL = "https://meet.example.jp/kitami-start"
GOALS = {
    "学生の目標": "木のおもちゃのオンライン販売を立ち上げ、3か月で100個を売る。",
    "受入団体の目標": "若い世代に届く売り方を学生と一緒に見つける。",
    "コーディネーターの目標": "月に一度の振り返りで、学生と受入団体の対話を支える。",
}
STUDENT_NOTES = "販売ページの試作をつくりました。写真の撮り方に悩んでいます。"
FIRST_REVIEW = "販売ページの試作ができ、目標に向けて順調に進んでいる。"
SECOND_REVIEW = "注文の発送が追いつかず、学生の負担が大きくなっている。"
HOST_NOTES = "発送作業を社員で分担する段取りを考えます。"
SURVEY_TITLE = "インターン修了アンケート（学生）"
SURVEY_TEXT = "地域の人と一緒に商品を届ける仕事の面白さを知りました。"
PASSWORD = "pass-Word-123"


def _local(moment: dt.datetime) -> str:
    """A datetime-local input's value, in Japan time."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _events(event: str) -> set[tuple[str, str]]:
    """Who got a notification of `event`, and by which channel: (email, channel)."""
    rows = Notification.objects.filter(event=event).select_related("recipient")
    return {(row.recipient.email, row.channel) for row in rows}


def _student_survey() -> tuple[Survey, SurveyQuestion, SurveyQuestion, SurveyQuestion]:
    """The survey the programme sends its students when an internship ends (set up by staff)."""
    survey = Survey.objects.create(
        title=SURVEY_TITLE,
        audience=Survey.Audience.STUDENT,
        introduction="インターンシップをふりかえって、率直にお答えください。",
    )
    rating = survey.questions.create(
        position=1, kind=SurveyQuestion.Kind.RATING, text="インターンシップの満足度"
    )
    choice = survey.questions.create(
        position=2,
        kind=SurveyQuestion.Kind.CHOICE,
        text="後輩にこのプログラムをすすめたいですか",
        choices=["ぜひすすめたい", "どちらともいえない", "すすめない"],
    )
    text = survey.questions.create(
        position=3, kind=SurveyQuestion.Kind.TEXT, text="いちばん学んだこと"
    )
    return survey, rating, choice, text


def _accepted_entry(project: Project, member, student) -> Application:
    """The student's entry to `project`, walked to mutual agreement by the host member and the
    student through the services."""
    entry = applicant_services.application_submit(
        student=student, project=project, motivation="木の温かさを全国に届けたい", consent=True
    )
    entry = applicant_services.application_screen(application=entry, actor=member)
    entry = applicant_services.application_invite_to_interview(application=entry, actor=member)
    entry = applicant_services.application_offer(application=entry, actor=member)
    return applicant_services.application_accept(application=entry, actor=student).application


def _current_step(page):
    """The step (1–8) the step tracker of the page marks as the current one."""
    return page.locator('.step-tracker [aria-current="step"]')


def _at_risk_count(page):
    """The number the pipeline board gives for the internships at risk or off track."""
    attention = page.get_by_role("region", name="対応が必要なこと")
    item = attention.get_by_role("listitem").filter(has_text="要注意・要対応のインターン")
    return item.locator("strong")


def _login_site(page, email: str) -> None:
    page.goto("/accounts/login/")
    field(page, "メール").fill(email)
    field(page, "パスワード").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("button", name="ログアウト")).to_be_visible()


def _hold_review(admin, placement, review, notes: str, *, health: str) -> None:
    """The coordinator opens `review` from the placement's page and writes their part."""
    admin.goto(f"/admin/applicants/placement/{placement.pk}/change/")
    row = admin.locator("#reviews-group tr").filter(has_text=f"{review.due_on:%Y年%-m月%-d日}")
    row.get_by_role("link").click()
    expect(admin).to_have_url(re.compile(rf"/reviewsession/{review.pk}/change/$"))
    field(admin, "コーディネーターのメモ").fill(notes)
    field(admin, "目標に対する進捗").fill("ゴールシートの目標に沿って確認しました。")
    field(admin, "進行状況").select_option(label=health)
    field(admin, "次のアクション").fill("次回までに発送の段取りを見直す。")
    admin.get_by_role("button", name="保存して編集を続ける").click()
    expect(admin.locator(".messagelist .success")).to_be_visible()


def test_coordinator_from_orientation_to_survey_report(page, new_page, settings):
    region = RegionFactory(slug="kitami", name="北見", name_en="Kitami")
    coordinator = UserFactory(email=COORDINATOR_EMAIL, name="北見 次郎")
    coordinator_appoint(user=coordinator, region=region)
    # As in production, the coordinator signs in with two factors.
    settings.MFA_REQUIRED = True
    secret = enrol(coordinator)
    verified_email(coordinator)
    project, member, _ = project_in(
        Project.Status.PUBLISHED,
        project=ProjectFactory(
            organization=HostOrganizationFactory(name=ORGANIZATION, region=region), title=TITLE
        ),
    )
    student_user = StudentFactory(email=STUDENT_EMAIL, name=STUDENT_NAME)
    verified_email(student_user)
    # A second member of the host: the review pages once failed when a host had two.
    HostMemberFactory(organization=project.organization)
    application = _accepted_entry(project, member, student_user)
    placement = application.placement
    survey, rating, choice, text = _student_survey()
    assert placement.status == Placement.Status.PREPARING

    # The coordinator finds the accepted entry at step 7 on the region's board ---------------
    # As in production, the coordinator signs in with the password and the authenticator's code.
    admin = page
    errors, failed = console_errors(admin), failed_responses(admin)
    sign_in_with_code(admin, COORDINATOR_EMAIL, PASSWORD, secret)
    admin.goto(f"/admin/pipeline/{region.slug}/")
    expect(admin.get_by_role("heading", level=1, name="北見のパイプライン")).to_be_visible()
    started = admin.locator(".pipeline-column-started")
    expect(started.locator(".pipeline-card")).to_contain_text(ORGANIZATION)
    expect(_at_risk_count(admin)).to_have_text("0")

    # Step 7: the start orientation is scheduled from the placement's page -------------------
    admin.goto(f"/admin/applicants/placement/{placement.pk}/change/")
    expect(_current_step(admin)).to_have_text("7 プロジェクトスタート")
    admin_action(admin, "スタートオリエンテーションの日程を決める…")
    expect(
        admin.get_by_role("heading", name="スタートオリエンテーションの日程を決める")
    ).to_be_visible()
    # 10 a.m. in Japan is the same day in UTC (Orientation.__str__ shows the UTC date).
    day = timezone.localdate() + dt.timedelta(days=10)
    starts_at = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    field(admin, "開始日時").fill(_local(starts_at))
    field(admin, "終了日時").fill(_local(starts_at + dt.timedelta(hours=2)))
    field(admin, "場所").fill(PLACE)
    field(admin, "ミーティングURL").fill(MEETING_URL)
    admin.get_by_role("button", name="スタートオリエンテーションの日程を決める").click()
    expect(success_message(admin)).to_contain_text(
        "スタートオリエンテーションの日程を決め、招待を送りました"
    )
    orientation = Orientation.objects.get(placement=placement)
    assert (orientation.starts_at, orientation.place, orientation.meeting_url) == (
        starts_at,
        PLACE,
        MEETING_URL,
    )
    invited = _events("orientation_scheduled")
    for person in (STUDENT_EMAIL, member.email, COORDINATOR_EMAIL):
        assert {(person, "email"), (person, "in_app")} <= invited
    invitation = mail_to(STUDENT_EMAIL, "スタートオリエンテーションの日時が決まりました")
    assert PLACE in invitation.body
    assert [name for name, *_ in invitation.attachments] == ["invite.ics"]

    # ... and recorded once held: each party's goals and who attended -----------------------
    admin.goto(f"/admin/applicants/placement/{placement.pk}/change/")
    admin.locator("#orientation-group").get_by_role("link", name="表示").click()
    expect(
        admin.get_by_role("heading", level=1, name="スタートオリエンテーションを表示")
    ).to_be_visible()
    admin_action(admin, "スタートオリエンテーションの実施を記録する…")
    expect(
        admin.get_by_role("heading", name="スタートオリエンテーションの実施を記録する")
    ).to_be_visible()
    for label, goal in GOALS.items():
        field(admin, label).fill(goal)
    field(admin, "学生の出席").check()
    field(admin, "受入団体の出席").check()
    field(admin, "コーディネーターの出席").check()
    admin.get_by_role("button", name="スタートオリエンテーションの実施を記録する").click()
    expect(success_message(admin)).to_contain_text("インターン実施が始まりました")
    for goal in GOALS.values():
        expect(admin.get_by_text(goal)).to_be_visible()
    placement.refresh_from_db()
    orientation.refresh_from_db()
    assert placement.status == Placement.Status.ACTIVE
    assert placement.status_changes.latest("created_at").actor == coordinator
    assert orientation.held_at is not None
    assert (orientation.student_goals, orientation.host_goals, orientation.coordinator_goals) == (
        tuple(GOALS.values())
    )
    assert (
        orientation.student_attended,
        orientation.host_attended,
        orientation.coordinator_attended,
    ) == (True, True, True)

    # Step 8: the reviews are laid out every four weeks ---------------------------------------
    admin.goto(f"/admin/applicants/placement/{placement.pk}/change/")
    expect(_current_step(admin)).to_have_text("8 成果を振り返る")
    admin_action(admin, "振り返りの頻度を設定する…")
    admin.get_by_label("4週間ごと").check()
    admin.get_by_role("button", name="振り返りの頻度を設定する").click()
    expect(success_message(admin)).to_contain_text("振り返りの予定を作成しました")
    assert ReviewPlan.objects.get(placement=placement).every_weeks == 4
    first, second = placement.reviews.order_by("due_on")[:2]
    assert (first.kind, second.kind) == (ReviewSession.Kind.REGULAR, ReviewSession.Kind.REGULAR)
    assert second.due_on - first.due_on == dt.timedelta(weeks=4)
    reviews = admin.locator("#reviews-group")
    expect(reviews).to_contain_text(f"{first.due_on:%Y年%-m月%-d日}")

    # The student writes their part of the first review --------------------------------------
    student = new_page()
    console_errors(student, errors)
    failed_responses(student, failed)
    _login_site(student, STUDENT_EMAIL)
    student.goto(f"/reviews/{first.pk}/")
    expect(student.get_by_role("heading", level=1, name="振り返り")).to_be_visible()
    expect(student.get_by_text(TITLE)).to_be_visible()
    field(student, "あなたのメモ").fill(STUDENT_NOTES)
    student.get_by_role("button", name="記入内容を保存する").click()
    expect(success_message(student)).to_contain_text("振り返りの記入内容を保存しました")
    expect(field(student, "あなたのメモ")).to_have_value(STUDENT_NOTES)

    # ... the coordinator holds it: on track --------------------------------------------------
    _hold_review(admin, placement, first, FIRST_REVIEW, health="順調")
    expect(admin.locator(".field-student_notes")).to_contain_text(STUDENT_NOTES)
    first.refresh_from_db()
    assert (first.student_notes, first.coordinator_notes) == (STUDENT_NOTES, FIRST_REVIEW)
    assert (first.health, first.held_at is not None) == (ReviewSession.Health.ON_TRACK, True)
    assert not Notification.objects.filter(event="review_at_risk").exists()

    # The host supervisor writes their part of the second one through the signed link ------
    admin.goto(f"/admin/coordinators/reviewsession/{second.pk}/change/")
    # Viewing the page issues no link: the coordinator issues one (the button's action).
    admin.locator('button[value="issue_host_link"]').click()
    expect(admin.locator(".messagelist .success")).to_be_visible()
    host_link = admin.get_by_role("textbox", name="受入団体の担当者用リンク").input_value()
    supervisor = new_page()
    console_errors(supervisor, errors)
    failed_responses(supervisor, failed)
    supervisor.goto(urlsplit(host_link).path)
    expect(supervisor.get_by_text(TITLE)).to_be_visible()
    field(supervisor, "あなたのメモ").fill(HOST_NOTES)
    supervisor.get_by_role("button", name="記入内容を保存する").click()
    expect(supervisor.get_by_role("status")).to_have_text(
        "ありがとうございます。振り返りの記入内容を保存しました。"
    )

    # ... and the coordinator holds it: at risk ----------------------------------------------
    _hold_review(admin, placement, second, SECOND_REVIEW, health="要注意")
    expect(admin.locator(".field-host_notes")).to_contain_text(HOST_NOTES)
    second.refresh_from_db()
    assert (second.host_notes, second.health) == (HOST_NOTES, ReviewSession.Health.AT_RISK)
    at_risk = _events("review_at_risk")
    assert {(COORDINATOR_EMAIL, "email"), (COORDINATOR_EMAIL, "in_app")} <= at_risk
    assert not {email for email, _channel in at_risk} & {STUDENT_EMAIL, member.email}
    alert_mail = mail_to(COORDINATOR_EMAIL, "振り返りで「要注意」と判断されました")
    assert TITLE in alert_mail.subject and STUDENT_NAME in alert_mail.body

    # The board raises the placement at risk ------------------------------------------------
    admin.goto(f"/admin/pipeline/{region.slug}/")
    expect(_at_risk_count(admin)).to_have_text("1")
    attention = admin.get_by_role("region", name="対応が必要なこと")
    alert = attention.locator(".pipeline-review-alerts li")
    expect(alert).to_have_count(1)
    expect(alert).to_contain_text("直近の振り返り：要注意")
    expect(alert).to_contain_text(f"{STUDENT_NAME} · {TITLE}")
    host_card = admin.locator(".pipeline-column-reviewing .pipeline-card")
    expect(host_card).to_contain_text(ORGANIZATION)
    expect(host_card).to_have_class(re.compile(r"\bis-at-risk\b"))
    alert.get_by_role("link", name="直近の振り返り：要注意").click()
    expect(admin).to_have_url(
        re.compile(rf"/admin/coordinators/reviewsession/{second.pk}/change/$")
    )

    # The placement is completed: the surveys go out ---------------------------------------
    admin.goto(f"/admin/applicants/placement/{placement.pk}/change/")
    admin_action(admin, "インターン実施を完了にする")
    expect(success_message(admin)).to_contain_text("を完了にし、アンケートを送りました")
    placement.refresh_from_db()
    assert placement.status == Placement.Status.COMPLETED
    response = SurveyResponse.objects.get(survey=survey, respondent=student_user)
    assert (response.placement, response.region, response.submitted_at) == (placement, region, None)
    assert {(STUDENT_EMAIL, "email"), (STUDENT_EMAIL, "in_app")} <= _events("survey_requested")
    assert (STUDENT_EMAIL, "email") in _events("placement_completed")

    # The student answers the survey from the email ----------------------------------------
    survey_path = link_in(
        mail_to(STUDENT_EMAIL, "アンケートへのご回答のお願い"), r"^/surveys/\d+/$"
    )
    student.goto(survey_path)
    expect(student.get_by_role("heading", level=1, name=SURVEY_TITLE)).to_be_visible()
    student.get_by_role("group", name=rating.text).get_by_label("4", exact=True).check()
    student.get_by_role("group", name=choice.text).get_by_label("ぜひすすめたい").check()
    field(student, text.text).fill(SURVEY_TEXT)
    student.get_by_role("button", name="回答を送信する").click()
    thanks = success_message(student).filter(
        has_text="アンケートへのご回答ありがとうございました。"
    )
    expect(thanks).to_be_visible()
    expect(student.get_by_role("status").filter(has_text="回答済みです")).to_be_visible()
    response.refresh_from_db()
    assert response.submitted_at is not None
    assert response.answers == {
        str(rating.pk): 4,
        str(choice.pk): "ぜひすすめたい",
        str(text.pk): SURVEY_TEXT,
    }

    # The region's survey report shows the answer -------------------------------------------
    admin.goto(f"/admin/pipeline/{region.slug}/")
    admin.get_by_role("link", name="アンケート結果").click()
    expect(admin.get_by_role("heading", level=1, name="北見のアンケート結果")).to_be_visible()
    report = admin.get_by_role("region", name=re.compile(SURVEY_TITLE))
    expect(report).to_contain_text("提出済みの回答 1件")
    expect(report).to_contain_text("平均 4.00 / 5（回答 1件）")
    expect(
        report.get_by_role("table", name=choice.text).get_by_role("row", name="ぜひすすめたい")
    ).to_contain_text("1")
    expect(report.locator(".pipeline-texts")).to_have_text(SURVEY_TEXT)

    # Once the placement is over, the board no longer counts it at risk --------------------
    admin.get_by_role("link", name="パイプライン", exact=True).click()
    expect(_at_risk_count(admin)).to_have_text("0")
    expect(admin.locator(".pipeline-review-alerts")).to_have_count(0)

    assert page.csp_violations == []
    # Product gap: the admin's pages link no icon (only templates/base.html does), so Chromium
    # asks for /favicon.ico, which is not found; that is the one error tolerated here.
    missing_icon = [e for e in errors if "404" in e and e.endswith("/favicon.ico>")]
    assert [e for e in errors if e not in missing_icon] == []
    assert failed == []
