"""Step 1: reading the pamphlet, downloading its PDF, and asking for it with the request form."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from programs.models import Pamphlet, PamphletRequest
from tests.factories import CoordinatorFactory, RegionFactory, StaffFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _pamphlet(language="ja", version="1", content=b"%PDF-1.4 uploaded", **kwargs):
    return Pamphlet.objects.create(
        title="パンフレット",
        language=language,
        version=version,
        file=SimpleUploadedFile(f"pamphlet-{language}-{version}.pdf", content),
        **kwargs,
    )


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


# ------------------------------------------------------------------------------
# Reading online
# ------------------------------------------------------------------------------


def test_pamphlet_reads_online_in_japanese_with_the_flow_and_the_five_regions(client):
    response = client.get("/pamphlet/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ja">' in html
    assert "北海道の実践型インターンシップ" in html
    assert "大切にしていること" in html
    assert "パンフレットを読む" in html  # step 1 of the flow
    for region in ("札幌", "北見", "帯広", "旭川", "函館"):
        assert region in html
    assert "実在の人物の発言ではありません" in html  # the voices are labelled as made up
    assert 'href="/pamphlet/download/"' in html
    assert 'href="/pamphlet/request/"' in html


def test_pamphlet_reads_online_in_english(client):
    _english(client)
    html = client.get("/pamphlet/").content.decode()
    assert '<html lang="en">' in html
    assert "Practical internships in Hokkaido" in html
    assert "Examples from five regions" in html
    assert "not quotations of real people" in html
    assert "Download the PDF" in html


BODY = """# 未来をつくるプロジェクト
地域の企業と学生が、半年から1年かけて
新しい事業をつくります。

## 受入先の声
- 説明会: https://example.jp/session
- <script>alert("x")</script>

# はじめかた
コーディネーターにご相談ください。"""


def test_pamphlet_shows_the_newest_current_versions_own_text(client):
    _pamphlet(version="1", body="# 古い版の見出し\n古い本文")
    _pamphlet(version="2", body=BODY)
    html = client.get("/pamphlet/").content.decode()
    assert '<h2 id="part-1" class="h3 mt-4 mb-3">未来をつくるプロジェクト</h2>' in html
    assert '<h2 id="part-2" class="h3 mt-4 mb-3">はじめかた</h2>' in html
    assert '<h3 class="h5 mt-3">受入先の声</h3>' in html
    assert "<p>地域の企業と学生が、半年から1年かけて<br>新しい事業をつくります。</p>" in html
    assert '<a href="#part-1">未来をつくるプロジェクト</a>' in html  # the contents
    assert '<a href="https://example.jp/session" rel="nofollow">' in html
    assert "古い本文" not in html
    # The built-in text gives way to the version's own; the buttons and the version stay.
    assert "大切にしていること" not in html
    assert 'href="/pamphlet/download/"' in html
    assert "PDF（バージョン 2）" in html


def test_pamphlet_text_is_escaped_never_run_as_html(client):
    _pamphlet(body=BODY + '\n\n<img src=x onerror="alert(1)">')
    html = client.get("/pamphlet/").content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=" in html


@pytest.mark.parametrize(
    "versions",
    [
        [],  # nothing uploaded
        [{"version": "1", "body": ""}],  # a version without its own text
        [{"version": "1", "body": BODY}, {"version": "2", "body": ""}],  # the newest has none
        [{"version": "1", "body": BODY, "is_current": False}],  # withdrawn
        [{"version": "1", "body": " \n\n "}],  # only blank lines
    ],
)
def test_pamphlet_falls_back_to_the_built_in_text(client, versions):
    for fields in versions:
        _pamphlet(**fields)
    html = client.get("/pamphlet/").content.decode()
    assert "大切にしていること" in html
    assert "未来をつくるプロジェクト</h2>" not in html


def test_text_follows_the_page_language(client):
    _pamphlet(language="ja", body=BODY)
    _pamphlet(language="en", body="# Building the future\nA project with students.")
    assert "未来をつくるプロジェクト</h2>" in client.get("/pamphlet/").content.decode()
    _english(client)
    html = client.get("/pamphlet/").content.decode()
    assert '<h2 id="part-1" class="h3 mt-4 mb-3">Building the future</h2>' in html
    assert "未来をつくるプロジェクト" not in html


def test_english_page_without_an_english_text_shows_the_built_in_english(client):
    _pamphlet(language="ja", body=BODY)
    _english(client)
    html = client.get("/pamphlet/").content.decode()
    assert "What we value" in html
    assert "未来をつくるプロジェクト" not in html


# ------------------------------------------------------------------------------
# Download
# ------------------------------------------------------------------------------


def test_download_serves_the_newest_current_upload_of_the_language(client):
    _pamphlet(version="1", content=b"%PDF-1.4 old")
    _pamphlet(version="2", content=b"%PDF-1.4 newest")
    _pamphlet(version="3", content=b"%PDF-1.4 withdrawn", is_current=False)
    _pamphlet(language="en", version="9", content=b"%PDF-1.4 english")
    response = client.get("/pamphlet/download/")
    assert response.status_code == 200
    assert _body(response) == b"%PDF-1.4 newest"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "hokkaido-challenge-pamphlet-ja-2.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_download_follows_the_page_language_and_the_email_link_language(client):
    _pamphlet(language="ja", content=b"%PDF-1.4 ja")
    _pamphlet(language="en", content=b"%PDF-1.4 en")
    assert _body(client.get("/pamphlet/download/?lang=en")) == b"%PDF-1.4 en"
    _english(client)
    assert _body(client.get("/pamphlet/download/")) == b"%PDF-1.4 en"
    assert _body(client.get("/pamphlet/download/?lang=ja")) == b"%PDF-1.4 ja"


@pytest.mark.parametrize("language", ["ja", "en"])
def test_download_falls_back_to_the_shipped_pdf(client, language):
    _pamphlet(language="ja" if language == "en" else "en")  # another language only
    _pamphlet(language=language, version="old", is_current=False)
    if language == "en":
        _english(client)
    response = client.get("/pamphlet/download/")
    assert response.status_code == 200
    body = _body(response)
    assert body.startswith(b"%PDF")
    shipped = ROOT / "static" / "pamphlet" / f"hokkaido-challenge-pamphlet-{language}.pdf"
    assert body == shipped.read_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"hokkaido-challenge-pamphlet-{language}.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_download_falls_back_when_the_uploaded_file_is_gone(client):
    pamphlet = _pamphlet()
    pamphlet.file.storage.delete(pamphlet.file.name)
    response = client.get("/pamphlet/download/")
    assert response.status_code == 200
    assert _body(response).startswith(b"%PDF-1.4\n")


def test_download_never_serves_an_upload_that_is_not_a_pdf(client, caplog):
    # Uploaded before the admin checked files (the audit's evil.exe): the shipped PDF instead.
    Pamphlet.objects.create(
        title="evil",
        language="ja",
        version="9",
        file=SimpleUploadedFile("evil.exe", b"MZ\x90\x00 this program cannot be run"),
    )
    response = client.get("/pamphlet/download/")
    assert response.status_code == 200
    body = _body(response)
    shipped = ROOT / "static" / "pamphlet" / "hokkaido-challenge-pamphlet-ja.pdf"
    assert body == shipped.read_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert ".exe" not in response["Content-Disposition"]
    assert "is not a PDF" in caplog.text


def test_download_name_is_safe_whatever_the_version_says(client):
    _pamphlet(version='2027/春 "x"<b>')
    response = client.get("/pamphlet/download/")
    disposition = response["Content-Disposition"]
    assert 'filename="hokkaido-challenge-pamphlet-ja-2027-x-b.pdf"' in disposition
    assert response["Content-Type"] == "application/pdf"


def test_shipped_pdfs_are_a_few_a4_pages():
    for language in ("ja", "en"):
        data = (
            ROOT / "static" / "pamphlet" / f"hokkaido-challenge-pamphlet-{language}.pdf"
        ).read_bytes()
        assert data.startswith(b"%PDF")
        assert 3 <= data.count(b"/Type /Page\n") <= 6
        assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in data  # A4


def test_build_script_writes_both_pdfs_reproducibly(tmp_path):
    for out in ("a", "b"):
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "scripts" / "build_pamphlet.py"),
                "--out",
                str(tmp_path / out),
            ],
            check=True,
            cwd=ROOT,
            capture_output=True,
            env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        )
    for language in ("ja", "en"):
        name = f"hokkaido-challenge-pamphlet-{language}.pdf"
        first = (tmp_path / "a" / name).read_bytes()
        assert first.startswith(b"%PDF")
        assert first == (tmp_path / "b" / name).read_bytes()
    # Japanese is set in reportlab's built-in CID font, not a downloaded one.
    assert (
        b"HeiseiKakuGo-W5" in (tmp_path / "a" / "hokkaido-challenge-pamphlet-ja.pdf").read_bytes()
    )


# ------------------------------------------------------------------------------
# Request form
# ------------------------------------------------------------------------------


def _request_data(region, **overrides):
    data = {
        "organization_name": "株式会社北見ファーム",
        "organization_kind": "company",
        "contact_name": "佐藤 一郎",
        "email": "sato@farm.example.jp",
        "phone": "0157-12-3456",
        "region": region.pk,
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_request_form_shows_every_field_with_a_label(client):
    RegionFactory(name="北見", name_en="Kitami")
    html = client.get("/pamphlet/request/").content.decode()
    assert "パンフレット請求" in html
    for field in ("organization_name", "organization_kind", "contact_name", "email", "phone"):
        assert f'for="id_{field}"' in html
    assert 'for="id_consent"' in html
    assert ">北見</option>" in html
    assert 'href="/privacy/"' in html


def test_request_writes_one_lead_and_emails_the_link_and_the_coordinators(
    client, django_capture_on_commit_callbacks
):
    region = RegionFactory(name="北見", name_en="Kitami")
    coordinator = CoordinatorFactory(region=region)
    CoordinatorFactory()  # of another region: not told
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/pamphlet/request/", _request_data(region))
    assert response.status_code == 302
    assert response["Location"] == "/pamphlet/request/thanks/"
    lead = PamphletRequest.objects.get()
    assert (lead.organization_name, lead.contact_name, lead.region) == (
        "株式会社北見ファーム",
        "佐藤 一郎",
        region,
    )
    assert lead.phone == "0157-12-3456"
    assert lead.consent is True
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["sato@farm.example.jp", coordinator.email]
    )
    to_requester = next(m for m in mail.outbox if m.to == ["sato@farm.example.jp"])
    assert "http://testserver/pamphlet/download/?lang=ja" in to_requester.body
    html = to_requester.alternatives[0][0]
    assert 'href="http://testserver/pamphlet/download/?lang=ja"' in html
    thanks = client.get(response["Location"]).content.decode()
    assert "パンフレットのご請求ありがとうございます" in thanks


def test_request_in_english_sends_the_english_link(client, django_capture_on_commit_callbacks):
    region = RegionFactory()
    _english(client)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/pamphlet/request/", _request_data(region))
    to_requester = next(m for m in mail.outbox if m.to == ["sato@farm.example.jp"])
    assert "Download the pamphlet" in to_requester.body
    assert "http://testserver/pamphlet/download/?lang=en" in to_requester.body


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"organization_name": None}, "organization_name", "このフィールドは必須です。"),
        ({"contact_name": ""}, "contact_name", "このフィールドは必須です。"),
        ({"email": "not-an-email"}, "email", "有効なメールアドレスを入力してください。"),
        ({"organization_name": "株" * 201}, "organization_name", "200 文字以下"),
        ({"phone": "call me"}, "phone", "電話番号を数字で入力してください"),
        ({"consent": None}, "consent", "このフィールドは必須です。"),
        ({"organization_kind": "bank"}, "organization_kind", "正しく選択してください。"),
    ],
)
def test_bad_request_shows_the_error_keeps_the_values_and_writes_nothing(
    client, overrides, field, message
):
    region = RegionFactory()
    data = _request_data(region, **overrides)
    response = client.post("/pamphlet/request/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}_error"' in html  # next to the field, tied by aria-describedby
    assert 'role="alert"' in html
    assert 'aria-invalid="true"' in html
    if field != "contact_name":
        assert 'value="佐藤 一郎"' in html
    if field != "organization_name":
        assert 'value="株式会社北見ファーム"' in html
    assert not PamphletRequest.objects.exists()
    assert mail.outbox == []


def test_filled_honeypot_is_thanked_but_writes_nothing(client, django_capture_on_commit_callbacks):
    region = RegionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/pamphlet/request/", _request_data(region, website="http://spam.example")
        )
    assert response.status_code == 302
    assert response["Location"] == "/pamphlet/request/thanks/"
    assert not PamphletRequest.objects.exists()
    assert mail.outbox == []


def test_honeypot_is_hidden_from_people_and_keyboards(client):
    html = client.get("/pamphlet/request/").content.decode()
    start = html.index('class="hp-field"')
    wrapper = html[start - 10 : html.index("</div>", html.index('name="website"'))]
    assert 'aria-hidden="true"' in wrapper
    assert 'tabindex="-1"' in wrapper
    assert 'autocomplete="off"' in wrapper


def test_fourth_request_from_one_address_within_the_hour_is_refused(client):
    region = RegionFactory()
    for n in range(3):
        response = client.post(
            "/pamphlet/request/", _request_data(region, organization_name=f"団体{n}")
        )
        assert response.status_code == 302
    response = client.post(
        "/pamphlet/request/", _request_data(region, organization_name="四つ目の団体")
    )
    assert response.status_code == 429
    html = response.content.decode()
    assert "この1時間に何度も送信がありました" in html
    assert 'value="四つ目の団体"' in html
    assert PamphletRequest.objects.count() == 3


def test_rate_limit_message_is_translated(client):
    region = RegionFactory()
    _english(client)
    for _n in range(3):
        client.post("/pamphlet/request/", _request_data(region))
    response = client.post("/pamphlet/request/", _request_data(region))
    assert response.status_code == 429
    assert "several messages from this email address" in response.content.decode()


def test_eleventh_request_from_one_ip_within_the_hour_is_refused(client):
    region = RegionFactory()
    for n in range(10):
        response = client.post(
            "/pamphlet/request/",
            _request_data(region, email=f"person{n}@example.jp"),
            REMOTE_ADDR="203.0.113.7",
        )
        assert response.status_code == 302
    response = client.post(
        "/pamphlet/request/",
        _request_data(region, email="other@example.jp"),
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 429
    response = client.post(
        "/pamphlet/request/",
        _request_data(region, email="other@example.jp"),
        REMOTE_ADDR="198.51.100.1",
    )
    assert response.status_code == 302
    assert PamphletRequest.objects.count() == 11


def test_invalid_posts_do_not_count_towards_the_limit(client):
    region = RegionFactory()
    for _n in range(5):
        client.post("/pamphlet/request/", _request_data(region, consent=None))
    assert client.post("/pamphlet/request/", _request_data(region)).status_code == 302


def test_staff_get_the_lead_when_the_region_has_no_coordinator(
    client, django_capture_on_commit_callbacks
):
    staff = StaffFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/pamphlet/request/", _request_data(RegionFactory()))
    assert staff.email in [m.to[0] for m in mail.outbox]


def test_a_request_from_an_address_that_stopped_the_links_gets_none_and_the_same_thanks(
    client, django_capture_on_commit_callbacks
):
    from notifications.models import EmailSuppression

    region = RegionFactory()
    EmailSuppression.objects.create(email="sato@farm.example.jp", event="pamphlet_requested")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/pamphlet/request/", _request_data(region), follow=True)
    html = response.content.decode()
    # Issue 12: the page does not tell whether the address stopped the links (no ?unsent=1).
    assert response.redirect_chain[-1][0] == "/pamphlet/request/thanks/"
    assert PamphletRequest.objects.count() == 1  # the lead still reaches the coordinators
    assert not [m for m in mail.outbox if "sato@farm.example.jp" in m.to]
    assert "送っていません" not in html
    # Without the stop, the same thanks.
    other = client.post("/pamphlet/request/", _request_data(region, email="new@farm.example.jp"))
    assert other.url == "/pamphlet/request/thanks/"
