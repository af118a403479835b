"""Steps 6 and 7 of a student, in the browser: sign up and confirm the email, complete the profile,
enter a project with a pre-assignment file, pick an interview time, accept the offer; on the host
side a member proposes the times, marks the interview held and makes the offer."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from applicants.models import Application, Interview, Placement
from projects.models import Project
from tests.flow import project_in

from .journey import field, link_in, mail_to, success_message, verified_email

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

STUDENT_EMAIL = "sato.misaki@student.example.jp"
PASSWORD = "Hokkaido-Challenge-2027"
TITLE = "釧路の港町で、地元の魚を使った新しい朝ごはんをつくる"
BRIEF = "釧路の朝ごはんについて、あなたのアイデアをA4一枚にまとめてください。"
MOTIVATION = "港町の暮らしに関わりながら、食の企画を最後までやり遂げたいと考えています。"
MEETING_URL = "https://meet.example.jp/kushiro-entry"


def _slot(days: int, hour: int) -> tuple[dt.datetime, dt.datetime]:
    """A one-hour interview time `days` from today at `hour` o'clock, Japan time."""
    day = timezone.localdate() + dt.timedelta(days=days)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    return start, start + dt.timedelta(hours=1)


def test_student_from_sign_up_to_accepted_offer(page, new_page, tmp_path):
    project, member, _coordinator = project_in(
        Project.Status.PUBLISHED, title=TITLE, pre_assignment_brief=BRIEF, capacity=1
    )
    verified_email(member)
    assignment = tmp_path / "朝ごはんのアイデア.pdf"
    assignment.write_bytes(
        b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )

    # The student signs up and confirms the email address -------------------------------------
    student = page
    student.goto("/accounts/signup/")
    field(student, "メール").fill(STUDENT_EMAIL)
    field(student, "パスワード").fill(PASSWORD)
    field(student, "パスワード（確認）").fill(PASSWORD)
    student.get_by_role("main").get_by_role("button", name="ユーザー登録").click()
    expect(student).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    expect(student.get_by_role("heading", level=1)).to_have_text("メールアドレスを確認してください")
    confirmation = link_in(mail_to(STUDENT_EMAIL), r"^/accounts/confirm-email/[^/]+/$")
    student.goto(confirmation)
    expect(student.get_by_text(STUDENT_EMAIL)).to_be_visible()
    student.get_by_role("button", name="確認する").click()
    # allauth logs in on confirmation only with ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION (off): the
    # student is told the address is confirmed, on the login page.
    expect(student).to_have_url(re.compile(r"/accounts/login/$"))
    expect(student.get_by_role("status")).to_have_text(f"{STUDENT_EMAIL} を確認しました。")
    field(student, "メール").fill(STUDENT_EMAIL)
    field(student, "パスワード").fill(PASSWORD)
    student.get_by_role("main").get_by_role("button", name="ログイン").click()
    expect(student.get_by_role("button", name="ログアウト")).to_be_visible()

    # ... completes the profile ---------------------------------------------------------------
    student.goto("/me/profile/")
    expect(student.get_by_role("heading", level=1, name="プロフィール")).to_be_visible()
    field(student, "氏名").fill("佐藤 美咲")
    field(student, "氏名（カナ）").fill("サトウ ミサキ")
    field(student, "大学").fill("北海道教育大学")
    field(student, "学部").fill("教育学部")
    field(student, "学年").fill("3")
    field(student, "現在の居住地").fill("釧路市")
    field(student, "自己紹介").fill("地域の食文化を、観光の力で次の世代につなぎたいです。")
    student.get_by_role("button", name="保存する").click()
    expect(success_message(student)).to_have_text("プロフィールを保存しました。")

    # ... and enters the project with a pre-assignment file -----------------------------------
    student.goto(f"/projects/{project.pk}/")
    expect(student.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    student.get_by_role("link", name="エントリーする").first.click()
    expect(student.get_by_role("heading", level=1, name="エントリー")).to_be_visible()
    expect(student.get_by_text(BRIEF)).to_be_visible()
    field(student, "志望動機").fill(MOTIVATION)
    field(student, "事前課題のファイル").set_input_files(assignment)
    student.get_by_label(re.compile("プロフィールを受入団体と地域コーディネーターに共有")).check()
    student.get_by_role("button", name="エントリーを送信する").click()
    expect(student.get_by_role("heading", level=1, name="エントリーを送信しました")).to_be_visible()
    expect(success_message(student)).to_contain_text("エントリーを送信しました。")
    application = Application.objects.get(student__email=STUDENT_EMAIL, project=project)
    assert application.files.get().original_name == assignment.name

    # The host member screens the entry and proposes interview times --------------------------
    host = new_page()
    host.goto("/accounts/login/")
    field(host, "メール").fill(member.email)
    field(host, "パスワード").fill("pass-Word-123")
    host.get_by_role("main").get_by_role("button", name="ログイン").click()
    expect(host.get_by_role("button", name="ログアウト")).to_be_visible()
    host.goto(f"/host/entries/{application.pk}/")
    expect(host.get_by_role("heading", level=1, name=re.compile("佐藤 美咲"))).to_be_visible()
    expect(host.get_by_text(MOTIVATION)).to_be_visible()
    expect(host.get_by_role("link", name=assignment.name)).to_be_visible()
    host.get_by_role("button", name="選考を開始する").click()
    expect(success_message(host)).to_contain_text("選考を始めました")
    host.get_by_role("button", name="面談に招待する").click()
    expect(success_message(host)).to_contain_text("学生を面談に招待しました")

    first, second = _slot(7, 10), _slot(8, 14)
    for number, (start, end) in ((1, first), (2, second)):
        option = host.get_by_role("group", name=f"候補 {number}")
        field(option, "開始日時").fill(timezone.localtime(start).strftime("%Y-%m-%dT%H:%M"))
        field(option, "終了日時").fill(timezone.localtime(end).strftime("%Y-%m-%dT%H:%M"))
    host.get_by_label("オンライン").check()
    field(host, "ミーティングURL").fill(MEETING_URL)
    host.get_by_role("button", name="候補日時を学生に送る").click()
    expect(success_message(host)).to_contain_text("候補日時を学生に送りました。")

    # The student picks the second time on the entry's page ----------------------------------
    picked, picked_end = (timezone.localtime(t) for t in second)
    student.goto(f"/me/entries/{application.pk}/")
    expect(student.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    expect(student.get_by_text("次へ: 面談の日時を選ぶ")).to_be_visible()
    times = student.get_by_role("group", name="日時を選ぶ")
    expect(times.get_by_role("radio")).to_have_count(2)
    times.get_by_label(f"{picked:%Y-%m-%d %H:%M} – {picked_end:%H:%M}", exact=True).check()
    student.get_by_role("button", name="この日時にする").click()
    expect(success_message(student)).to_contain_text("面談の日時が決まりました。")
    expect(student.get_by_role("link", name=MEETING_URL)).to_be_visible()
    assert mail_to(STUDENT_EMAIL).to == [STUDENT_EMAIL]

    # The host marks the interview held and makes the offer -----------------------------------
    host.reload()
    expect(host.get_by_text("(学生が選んだ日時)")).to_be_visible()
    host.get_by_role("button", name="実施済みにする").click()
    expect(success_message(host)).to_contain_text("面談を実施済みにしました。")
    host.get_by_role("button", name="オファーする").click()
    expect(success_message(host)).to_contain_text("オファーを送りました。")

    # The student accepts the offer ----------------------------------------------------------
    student.goto(f"/me/entries/{application.pk}/")
    offer = student.get_by_role("region", name="オファーが届いています")
    expect(offer).to_be_visible()
    offer.get_by_role("button", name="オファーを承諾する").click()
    expect(success_message(student)).to_have_text(
        "おめでとうございます。受入団体との双方合意が成立しました。"
    )
    expect(student.get_by_text(f"{project.organization.name} · 双方合意")).to_be_visible()
    expect(student.get_by_text("次へ: スタートオリエンテーションの準備をする")).to_contain_text(
        f"{project.starts_on:%Y-%m-%d}"
    )
    expect(student.get_by_role("region", name="オファーが届いています")).to_have_count(0)
    student.get_by_role("link", name="マイページ").first.click()
    entry = student.get_by_role("article").filter(has=student.get_by_role("link", name=TITLE))
    expect(entry).to_contain_text("双方合意")
    expect(entry).to_contain_text("1次面談: 完了")

    # What is stored at the end ---------------------------------------------------------------
    user = User.objects.get(email=STUDENT_EMAIL)
    assert user.emailaddress_set.get().verified
    assert (user.name, user.student_profile.university) == ("佐藤 美咲", "北海道教育大学")
    application.refresh_from_db()
    assert application.status == Application.Status.ACCEPTED
    assert application.pre_assignment_submitted_at is not None
    interview = application.interviews.get()
    assert interview.status == Interview.Status.COMPLETED
    assert (interview.starts_at, interview.meeting_url) == (second[0], MEETING_URL)
    assert Placement.objects.filter(application=application).exists()
    assert page.csp_violations == []
