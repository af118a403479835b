"""Steps 1 to 5 of a host, in the browser: the pamphlet and the inquiry, the intake interview in
the admin, the invitation, the project designed, reviewed, changed, approved and published, and
found on the public index by a Japanese search term."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Invitation
from coordinators.services import coordinator_appoint
from programs.models import Inquiry, PamphletRequest
from projects.models import HostMembership, IntakeInterview, Project
from tests.factories import RegionFactory, UserFactory
from tests.flow import project_in
from tests.two_factor import enrol

from .journey import (
    admin_action,
    field,
    link_in,
    mail_to,
    sign_in_with_code,
    success_message,
    verified_email,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HOST_EMAIL = "yamada@tokachi-farm.example.jp"
ORGANIZATION = "株式会社十勝ファーム"
TITLE = "十勝の畑から新しいおやつをつくるプロジェクト"
COMMENT = "成果を数字で書いてください。例えば、試作品の数と試食会の回数です。"
FIXED_OUTCOMES = "試作品を3つつくり、帯広で試食会を2回ひらく。"


def test_host_from_pamphlet_to_published_project(page, new_page, settings):
    region = RegionFactory(slug="tokachi", name="十勝", name_en="Tokachi")
    coordinator = UserFactory(email="coordinator@tokachi.example.jp", name="十勝 太郎")
    coordinator_appoint(user=coordinator, region=region)
    # As in production, the coordinator signs in with two factors.
    settings.MFA_REQUIRED = True
    secret = enrol(coordinator)
    verified_email(coordinator)
    # Another published project: on the index, but not found by the search term.
    other, _member, _coordinator = project_in(
        Project.Status.PUBLISHED, title="函館の港で観光案内をつくるプロジェクト"
    )

    # Step 1: a visitor asks for the pamphlet -------------------------------------------------
    visitor = page
    visitor.goto("/pamphlet/request/")
    expect(visitor.get_by_role("heading", level=1, name="パンフレット請求")).to_be_visible()
    field(visitor, "会社・団体名").fill(ORGANIZATION)
    field(visitor, "団体の種別").select_option(label="企業")
    field(visitor, "お名前").fill("山田 花子")
    field(visitor, "メールアドレス").fill(HOST_EMAIL)
    field(visitor, "電話番号").fill("0155-12-3456")
    field(visitor, "地域").select_option(label="十勝")
    visitor.get_by_label(re.compile("プライバシーポリシーに同意し")).check()
    visitor.get_by_role("button", name="請求する").click()
    expect(visitor).to_have_url(re.compile(r"/pamphlet/request/thanks/$"))
    expect(
        visitor.get_by_role("heading", level=1, name="パンフレットのご請求ありがとうございます")
    ).to_be_visible()
    lead = PamphletRequest.objects.get(email=HOST_EMAIL)
    assert (lead.organization_name, lead.region, lead.consent) == (ORGANIZATION, region, True)
    assert "/pamphlet/download/" in mail_to(HOST_EMAIL).body

    # Step 2: ... and sends an inquiry --------------------------------------------------------
    visitor.goto("/contact/")
    visitor.get_by_label("企業から").check()
    field(visitor, "会社・団体名").fill(ORGANIZATION)
    field(visitor, "お名前").fill("山田 花子")
    field(visitor, "メールアドレス").fill(HOST_EMAIL)
    field(visitor, "地域").select_option(label="十勝")
    field(visitor, "お問い合わせ内容").fill("学生と一緒に新しい商品をつくりたいと考えています。")
    visitor.get_by_label("プライバシーポリシーに同意します。").check()
    visitor.get_by_role("button", name="お問い合わせを送信する").click()
    expect(visitor).to_have_url(re.compile(r"/contact/thanks/$"))
    expect(
        visitor.get_by_role("heading", level=1, name="お問い合わせありがとうございます")
    ).to_be_visible()
    inquiry = Inquiry.objects.get(email=HOST_EMAIL)
    assert (inquiry.kind, inquiry.region) == (Inquiry.Kind.COMPANY, region)

    # Step 3: the coordinator records the intake interview in the admin -----------------------
    admin = new_page()
    sign_in_with_code(admin, coordinator.email, "pass-Word-123", secret)
    expect(admin.get_by_role("button", name="ログアウト")).to_be_visible()
    # The lead and the inquiry of the region are in the coordinator's lists.
    admin.goto("/admin/programs/pamphletrequest/")
    expect(admin.locator("#result_list")).to_contain_text(ORGANIZATION)
    admin.goto("/admin/programs/inquiry/")
    expect(admin.locator("#result_list")).to_contain_text("山田 花子")

    admin.goto("/admin/projects/intakeinterview/add/")
    expect(field(admin, "地域")).to_have_value(str(region.pk))
    admin.get_by_label("日付:").fill(f"{timezone.localdate() - dt.timedelta(days=1):%Y-%m-%d}")
    admin.get_by_label("時刻:").fill("10:00")
    field(admin, "会社・団体名").fill(ORGANIZATION)
    field(admin, "団体の種別").select_option(label="企業")
    field(admin, "担当者名").fill("山田 花子")
    field(admin, "連絡先メールアドレス").fill(HOST_EMAIL)
    field(admin, "出席者").fill("山田 花子 / 代表取締役\n佐藤 一郎 / 総務部長")
    field(admin, "メモ").fill("新商品の開発に学生の視点がほしい。")
    admin.get_by_role("button", name="保存して編集を続ける").click()
    expect(admin.locator(".messagelist .success")).to_be_visible()

    admin_action(admin, "結果を記録：進める（受入団体を招待）")
    expect(admin.locator(".messagelist .success")).to_contain_text(ORGANIZATION)
    intake = IntakeInterview.objects.get(contact_email=HOST_EMAIL)
    assert intake.outcome == IntakeInterview.Outcome.PROCEED
    assert intake.attendees == [
        {"name": "山田 花子", "title": "代表取締役"},
        {"name": "佐藤 一郎", "title": "総務部長"},
    ]
    organization = intake.organization
    assert (organization.name, organization.region) == (ORGANIZATION, region)

    invitation_mail = mail_to(HOST_EMAIL, "受入先アカウント作成のご案内")
    invitation_path = link_in(invitation_mail, r"^/host/invitations/[^/]+/$")

    # The host accepts the invitation and creates an account ----------------------------------
    host = new_page()
    host.goto(invitation_path)
    expect(host.get_by_role("heading", level=1, name="プロジェクトづくりへの招待")).to_be_visible()
    expect(host.get_by_text(ORGANIZATION)).to_be_visible()
    field(host, "お名前").fill("山田 花子")
    field(host, "氏名（カナ）").fill("ヤマダ ハナコ")
    field(host, "パスワード").fill("tokachi-Oyatsu-2027")
    field(host, "パスワード（確認）").fill("tokachi-Oyatsu-2027")
    host.get_by_role("button", name="招待を受ける").click()
    expect(host).to_have_url(re.compile(r"/host/$"))
    expect(success_message(host)).to_contain_text("ようこそ")
    expect(host.get_by_role("heading", level=1, name="プロジェクト管理")).to_be_visible()

    # Step 4: the host designs a project and submits it ---------------------------------------
    host.get_by_role("link", name=f"{ORGANIZATION}の新しいプロジェクト").click()
    expect(host.get_by_role("heading", level=1, name="新しいプロジェクトをつくる")).to_be_visible()
    field(host, "タイトル").fill(TITLE)
    field(host, "概要").fill("十勝の野菜で、子どもが喜ぶおやつを学生と一緒に開発します。")
    field(host, "このプロジェクトがつくる未来").fill(
        "十勝の畑の恵みが、毎日のおやつとして全国の家庭に届く未来。"
    )
    field(host, "インターン生の役割（つくる側として）").fill(
        "商品企画の責任者として、試作から試食会の運営までを担います。"
    )
    field(host, "期待する成果").fill("新しいおやつの試作品。")
    field(host, "期間（か月）").fill("6")
    field(host, "参加形態").select_option(label="住み込み")
    field(host, "募集人数").fill("2")
    host.get_by_role("button", name="下書きを保存する").click()
    expect(success_message(host)).to_have_text("下書きを保存しました。")
    expect(host.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    host.get_by_role("button", name="審査に提出する").click()
    expect(success_message(host)).to_contain_text("提出しました。")
    project = Project.objects.get(title=TITLE)
    assert (project.status, project.organization) == (Project.Status.SUBMITTED, organization)

    # Step 4 again: the coordinator asks for a change, with a comment -------------------------
    admin.goto(f"/admin/projects/project/{project.pk}/change/")
    admin_action(admin, "修正依頼を出す…")
    expect(admin.get_by_role("heading", name="修正依頼を出す")).to_be_visible()
    field(admin, "受入団体へのコメント").fill(COMMENT)
    admin.get_by_role("button", name="修正依頼を出す").click()
    expect(admin.locator(".messagelist .success")).to_contain_text("修正依頼を出しました")
    project.refresh_from_db()
    assert project.status == Project.Status.CHANGES_REQUESTED

    # The host sees the comment, fixes the outcomes and submits again -------------------------
    host.goto("/host/")
    host.get_by_role("link", name=f"「{TITLE}」に修正依頼があります").click()
    review = host.get_by_role("alert").filter(has_text="コーディネーターからの修正依頼")
    expect(review).to_contain_text(COMMENT)
    field(host, "期待する成果").fill(FIXED_OUTCOMES)
    host.get_by_role("button", name="下書きを保存する").click()
    expect(success_message(host)).to_have_text("下書きを保存しました。")
    host.get_by_role("button", name="審査に提出する").click()
    expect(success_message(host)).to_contain_text("提出しました。")

    # Step 5: the coordinator approves and publishes ------------------------------------------
    admin.goto(f"/admin/projects/project/{project.pk}/change/")
    admin_action(admin, "承認する")
    expect(admin.locator(".messagelist .success")).to_contain_text("承認しました")
    admin_action(admin, "今すぐ公開")
    expect(admin.locator(".messagelist .success")).to_contain_text("公開しました")

    # The project is on the index and found by a Japanese search term -------------------------
    visitor.goto("/projects/")
    expect(visitor.get_by_role("link", name=TITLE)).to_be_visible()
    expect(visitor.get_by_role("link", name=other.title)).to_be_visible()
    field(visitor, "キーワード").fill("新しいおやつ")
    visitor.get_by_role("button", name="検索").click()
    expect(visitor).to_have_url(re.compile(r"[?&]q=%E6%96%B0"))
    expect(visitor.get_by_role("link", name=TITLE)).to_be_visible()
    expect(visitor.get_by_role("link", name=other.title)).to_have_count(0)
    visitor.get_by_role("link", name=TITLE).click()
    expect(visitor.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    expect(visitor.get_by_text(FIXED_OUTCOMES)).to_be_visible()

    # What is stored at the end ---------------------------------------------------------------
    project.refresh_from_db()
    assert project.status == Project.Status.PUBLISHED
    assert project.published_at is not None
    assert project.outcomes == FIXED_OUTCOMES
    assert list(project.status_changes.order_by("created_at", "id").values_list("to_status")) == [
        (Project.Status.DRAFT,),
        (Project.Status.SUBMITTED,),
        (Project.Status.CHANGES_REQUESTED,),
        (Project.Status.SUBMITTED,),
        (Project.Status.APPROVED,),
        (Project.Status.PUBLISHED,),
    ]
    assert project.status_changes.get(to_status=Project.Status.CHANGES_REQUESTED).note == COMMENT
    versions = list(project.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].data["outcomes"] != versions[1].data["outcomes"] == FIXED_OUTCOMES
    invitation = Invitation.objects.get(email=HOST_EMAIL)
    assert invitation.accepted_by.email == HOST_EMAIL
    assert HostMembership.objects.filter(
        organization=organization, user=invitation.accepted_by
    ).exists()
    assert page.csp_violations == []
