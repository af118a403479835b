"""The public home page, in Japanese first and English on request."""

import pytest

from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db


def test_home_page_is_japanese_by_default_with_the_eight_steps(client):
    RegionFactory(name="札幌", name_en="Sapporo", slug="sapporo")
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ja">' in html
    assert "実践型インターンシップ" in html
    assert "パンフレットを読む" in html
    assert "成果を振り返る" in html
    assert "札幌" in html
    assert "STEP 8" in html
    assert "<title>北海道チャレンジコミュニティ | 実践型インターンシップ</title>" in html


def test_language_switch_in_the_header_turns_the_site_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Read the pamphlet" in html
    assert 'name="language" value="ja"' in html


def test_signed_in_user_sees_their_preferred_language(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(preferred_language="en"))
    assert '<html lang="en">' in client.get("/").content.decode()


def test_browser_language_does_not_override_japanese_first(client):
    response = client.get("/", headers={"accept-language": "en-US,en;q=0.9"})
    assert '<html lang="ja">' in response.content.decode()
    assert response.headers["Content-Language"] == "ja"


# ------------------------------------------------------------------------------
# The public pages, in Japanese and in English
# ------------------------------------------------------------------------------

PAGES = [
    (
        "/",
        "学生と一緒に、地域の未来をつくる",
        "Build the future of your region, together with students",
    ),
    ("/for-hosts/", "企業・NPO・自治体の方へ", "For companies, NPOs and municipalities"),
    (
        "/for-students/",
        "北海道で、リーダーの右腕になる",
        "Be the right hand of a leader in Hokkaido",
    ),
    ("/privacy/", "プライバシーポリシー", "Privacy policy"),
    ("/pamphlet/", "北海道の実践型インターンシップ", "Practical internships in Hokkaido"),
    ("/pamphlet/request/", "パンフレット請求", "Request the pamphlet"),
    (
        "/pamphlet/request/thanks/",
        "パンフレットのご請求ありがとうございます",
        "Thank you for your request",
    ),
    ("/contact/", "コーディネーターに聞いてみる", "Ask a coordinator"),
    ("/contact/thanks/", "お問い合わせありがとうございます", "Thank you for your inquiry"),
]


def _h1(html: str) -> str:
    import re

    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    return " ".join(match.group(1).split()) if match else ""


@pytest.mark.parametrize(("url", "ja", "en"), PAGES)
def test_each_page_has_its_heading_in_japanese_and_in_english(client, settings, url, ja, en):
    RegionFactory(name="旭川", name_en="Asahikawa", slug="asahikawa")
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ja">' in html
    assert _h1(html) == ja
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert _h1(html) == en


def test_home_tells_what_the_programme_values_and_leads_to_pamphlet_and_inquiry(client):
    html = client.get("/").content.decode()
    for value in (
        "未来をつくるプロジェクト",
        "大人が本気で実現したいこと",
        "共につくる仲間を募る",
        "「つくる」「生む」側に立つ",
        "地域コーディネーターがいること",
    ):
        assert value in html
    assert "週3〜4日" in html
    assert 'href="/pamphlet/"' in html
    assert 'href="/contact/"' in html
    assert 'href="/for-hosts/"' in html
    assert 'href="/for-students/"' in html


def test_for_hosts_shows_the_eight_steps_the_time_it_takes_and_a_faq(client):
    html = client.get("/for-hosts/").content.decode()
    assert html.count('class="step-number') == 8
    assert "受入団体にかかる時間" in html
    assert "地域コーディネーターのサポート" in html
    assert html.count("<details>") >= 5
    assert 'href="/contact/?kind=company"' in html


def test_for_students_shows_the_three_styles_and_how_entry_works(client):
    html = client.get("/for-students/").content.decode()
    for style in ("週3〜4日", "休学", "オンライン"):
        assert style in html
    assert "エントリーの流れ" in html
    assert "事前課題" in html
    assert 'href="/accounts/signup/"' in html


def test_privacy_policy_names_who_sees_what_and_the_rights_under_the_appi(client):
    html = client.get("/privacy/").content.decode()
    for term in (
        "個人情報保護法",
        "第三者提供",
        "利用目的",
        "保存期間",
        "開示",
        "利用停止",
        "個人情報保護委員会",
    ):
        assert term in html
    assert "受入団体のメンバー" in html
    assert "地域コーディネーター" in html
    assert 'href="/contact/?kind=general"' in html


def test_footer_links_every_public_page(client):
    html = client.get("/privacy/").content.decode()
    footer = html[html.index('<footer class="site-footer') :]
    for url in (
        "/",
        "/for-hosts/",
        "/for-students/",
        "/pamphlet/",
        "/pamphlet/request/",
        "/contact/",
        "/privacy/",
    ):
        assert f'href="{url}"' in footer


def test_page_navigation_marks_the_current_page(client):
    html = client.get("/for-students/").content.decode()
    assert '<a href="/for-students/" aria-current="page">' in html


@pytest.mark.parametrize("url", ["/", "/for-hosts/"])
def test_page_query_count_does_not_grow_with_the_regions(
    client, url, django_assert_max_num_queries
):
    for n in range(3):
        RegionFactory(slug=f"few-{n}", name=f"少ない地域{n}")
    with django_assert_max_num_queries(1):
        html = client.get(url).content.decode()
    assert html.count("少ない地域") == 3
    for n in range(27):
        RegionFactory(slug=f"many-{n}", name=f"多い地域{n}")
    with django_assert_max_num_queries(1):
        html = client.get(url).content.decode()
    assert html.count("少ない地域") + html.count("多い地域") == 30


# ------------------------------------------------------------------------------
# Step 2: the inquiry form
# ------------------------------------------------------------------------------


@pytest.fixture
def _fresh_rate_limits():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _inquiry_data(region=None, **overrides):
    data = {
        "kind": "company",
        "organization_name": "株式会社旭川木工",
        "name": "田中 太郎",
        "email": "tanaka@mokko.example.jp",
        "phone": "",
        "region": region.pk if region else "",
        "message": "受け入れを始めるには何から準備すればよいですか。",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.usefixtures("_fresh_rate_limits")
def test_inquiry_goes_to_the_chosen_regions_coordinators(
    client, django_capture_on_commit_callbacks
):
    from django.core import mail

    from programs.models import Inquiry
    from tests.factories import CoordinatorFactory, StaffFactory

    region = RegionFactory(name="旭川", name_en="Asahikawa")
    coordinator = CoordinatorFactory(region=region)
    staff = StaffFactory()
    CoordinatorFactory()  # of another region
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/contact/", _inquiry_data(region))
    assert response.status_code == 302
    assert response["Location"] == "/contact/thanks/"
    inquiry = Inquiry.objects.get()
    assert (inquiry.kind, inquiry.region, inquiry.name) == ("company", region, "田中 太郎")
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted(["tanaka@mokko.example.jp", coordinator.email])
    assert staff.email not in recipients


@pytest.mark.usefixtures("_fresh_rate_limits")
@pytest.mark.parametrize("with_region", [True, False])
def test_inquiry_goes_to_staff_without_a_region_or_its_coordinators(
    client, django_capture_on_commit_callbacks, with_region
):
    from django.core import mail

    from programs.models import Inquiry
    from tests.factories import CoordinatorFactory, StaffFactory

    staff = StaffFactory()
    CoordinatorFactory()  # coordinates another region only
    region = RegionFactory() if with_region else None
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/contact/", _inquiry_data(region, kind="general", organization_name=""))
    assert Inquiry.objects.get().region == region
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["tanaka@mokko.example.jp", staff.email])


@pytest.mark.usefixtures("_fresh_rate_limits")
def test_bad_inquiry_shows_errors_keeps_the_message_and_writes_nothing(client):
    from programs.models import Inquiry

    response = client.post(
        "/contact/", _inquiry_data(email="tanaka@", consent=None, name="名" * 101)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "有効なメールアドレスを入力してください。" in html
    assert "100 文字以下" in html
    # The consent's error, once in the summary at the top and once next to the box.
    assert html.count("このフィールドは必須です。") == 2
    assert "受け入れを始めるには何から準備すればよいですか。</textarea>" in html
    assert 'value="株式会社旭川木工"' in html
    assert 'href="#id_email"' in html  # the summary links to the field
    assert not Inquiry.objects.exists()


@pytest.mark.usefixtures("_fresh_rate_limits")
def test_inquiry_honeypot_writes_nothing(client, django_capture_on_commit_callbacks):
    from django.core import mail

    from programs.models import Inquiry

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/contact/", _inquiry_data(website="buy now"))
    assert response["Location"] == "/contact/thanks/"
    assert not Inquiry.objects.exists()
    assert mail.outbox == []


@pytest.mark.usefixtures("_fresh_rate_limits")
def test_fourth_inquiry_from_one_address_is_refused_and_keeps_the_text(client):
    from programs.models import Inquiry

    for _n in range(3):
        assert client.post("/contact/", _inquiry_data()).status_code == 302
    response = client.post(
        "/contact/", _inquiry_data(email="TANAKA@mokko.example.jp", message="四通目です")
    )
    assert response.status_code == 429
    html = response.content.decode()
    assert "この1時間に何度も送信がありました" in html
    assert "四通目です</textarea>" in html
    assert Inquiry.objects.count() == 3


def test_inquiry_kind_can_be_chosen_by_the_link(client):
    import re

    html = client.get("/contact/?kind=municipality").content.decode()
    checked = re.findall(r'<input type="radio"[^>]*value="(\w+)"[^>]*checked', html)
    assert checked == ["municipality"]


@pytest.mark.usefixtures("_fresh_rate_limits")
def test_an_inquiry_from_an_address_that_stopped_confirmations_gets_the_same_thanks(
    client, django_capture_on_commit_callbacks
):
    from django.core import mail

    from notifications.models import EmailSuppression
    from programs.models import Inquiry

    EmailSuppression.objects.create(email="tanaka@mokko.example.jp", event="inquiry_acknowledged")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/contact/", _inquiry_data(RegionFactory()), follow=True)
    # Issue 12: the page does not tell whether the address stopped them (no ?unsent=1).
    assert response.redirect_chain[-1][0] == "/contact/thanks/"
    assert Inquiry.objects.count() == 1
    assert not [m for m in mail.outbox if "tanaka@mokko.example.jp" in m.to]
    assert "送っていません" not in response.content.decode()
