"""What a visitor types reaches only coordinators (issue 12, findings 6 and 7): single-line
fields of one line, emails to unverified addresses that repeat nothing but a clean name, and
thanks pages that say the same whatever an address has stopped."""

import re

import pytest
from django import forms
from django.conf import settings
from django.core import mail
from django.utils import translation
from django.utils.html import escape

from applicants.forms import ProfileForm
from notifications import delivery
from notifications.models import EmailSuppression, Notification
from programs.forms import InquiryForm, PamphletRequestForm
from projects.forms import InvitationSignupForm
from tests.factories import CoordinatorFactory, RegionFactory, StudentFactory

pytestmark = pytest.mark.django_db

# Line breaks, tabs and other controls (Cc), line and paragraph separators (Zl, Zp), and
# invisible format characters (Cf): zero-width, joiners, bidi overrides and isolates, the BOM.
NOT_ON_ONE_LINE = {
    "CR": "\r",
    "LF": "\n",
    "CRLF": "\r\n",
    "tab": "\t",
    "vertical tab": "\x0b",
    "form feed": "\x0c",
    "NUL": "\x00",
    "escape": "\x1b",
    "delete": "\x7f",
    "next line": "\x85",
    "line separator": "\u2028",
    "paragraph separator": "\u2029",
    "zero-width space": "\u200b",
    "zero-width joiner": "\u200d",
    "right-to-left mark": "\u200f",
    "right-to-left override": "\u202e",
    "left-to-right isolate": "\u2066",
    "byte order mark": "\ufeff",
    "soft hyphen": "\u00ad",
}
BAD = pytest.mark.parametrize("bad", list(NOT_ON_ONE_LINE.values()), ids=list(NOT_ON_ONE_LINE))

SINGLE_LINE_ERROR = "Write this on one line"
ADDRESS_ERROR = "Enter your name only"

NAME = "佐藤 一郎"
HOSTILE_ORGANIZATION = "Your account is locked: sign in at https://evil.example/login"
HOSTILE_MESSAGE = (
    "Dear customer,\nyour parcel is held at customs.\n"
    "Pay the fee at https://evil.example/parcel or call 0120-999-999."
)
HOSTILE_PHONE = "0120-999-998"
VISITOR = "visitor@farm.example.jp"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _lead_data(region, **overrides) -> dict:
    return {
        "organization_name": "株式会社北見ファーム",
        "organization_kind": "company",
        "contact_name": NAME,
        "email": VISITOR,
        "phone": "0157-12-3456",
        "region": str(region.pk),
        "consent": "on",
        "website": "",
        **overrides,
    }


def _inquiry_data(region=None, **overrides) -> dict:
    return {
        "kind": "company",
        "organization_name": "株式会社旭川木工",
        "name": NAME,
        "email": VISITOR,
        "phone": "0166-12-3456",
        "region": str(region.pk) if region else "",
        "message": "受け入れを始めるには何から準備すればよいですか。",
        "consent": "on",
        "website": "",
        **overrides,
    }


def _signup_data(**overrides) -> dict:
    password = "hakka-Winter-2027"
    return {
        "name": "北見 花子",
        "name_kana": "キタミ ハナコ",
        "password1": password,
        "password2": password,
        **overrides,
    }


def _profile_data(**overrides) -> dict:
    return {
        "university": "北海道大学",
        "faculty": "経済学部",
        "year": "3",
        "hometown": "北見市",
        "current_residence": "札幌市",
        "phone": "090-1234-5678",
        "leave_of_absence": "no",
        "can_commute": "on",
        "commute_days_per_week": "3",
        "bio": "地域の食と観光に関心があります。",
        "name": "北海 太郎",
        "name_kana": "ホッカイ タロウ",
        "preferred_language": "ja",
        **overrides,
    }


def _pamphlet_form(**overrides):
    return PamphletRequestForm(data=_lead_data(RegionFactory(), **overrides))


def _inquiry_form(**overrides):
    return InquiryForm(data=_inquiry_data(**overrides))


def _signup_form(**overrides):
    return InvitationSignupForm(data=_signup_data(**overrides), email="host@example.jp")


def _profile_form(**overrides):
    student = StudentFactory()
    return ProfileForm(
        data=_profile_data(**overrides), instance=student.student_profile, user=student
    )


# Every single-line text field of the forms people fill in from outside: the two public forms,
# the host's invitation signup and the student's profile.
SINGLE_LINE_FIELDS = [
    (_pamphlet_form, "organization_name"),
    (_pamphlet_form, "contact_name"),
    (_pamphlet_form, "phone"),
    (_inquiry_form, "organization_name"),
    (_inquiry_form, "name"),
    (_inquiry_form, "phone"),
    (_signup_form, "name"),
    (_signup_form, "name_kana"),
    (_profile_form, "name"),
    (_profile_form, "name_kana"),
    (_profile_form, "university"),
    (_profile_form, "faculty"),
    (_profile_form, "hometown"),
    (_profile_form, "current_residence"),
    (_profile_form, "phone"),
]
FIELDS = pytest.mark.parametrize(
    ("make_form", "field"),
    SINGLE_LINE_FIELDS,
    ids=[f"{make.__name__.strip('_')}-{field}" for make, field in SINGLE_LINE_FIELDS],
)


def _codes(form, field: str) -> list[str]:
    return [error.code for error in form.errors.as_data().get(field, [])]


# ------------------------------------------------------------------------------
# Single-line fields (finding 6)
# ------------------------------------------------------------------------------


@FIELDS
def test_the_unchanged_form_is_valid(make_form, field):
    form = make_form()
    assert form.is_valid(), form.errors


@FIELDS
@BAD
@pytest.mark.parametrize("where", ["inside", "at the end"])
def test_single_line_fields_refuse_line_breaks_and_control_characters(make_form, field, bad, where):
    value = f"北見{bad}ファーム" if where == "inside" else f"0157123456{bad}"
    form = make_form(**{field: value})
    assert not form.is_valid()
    # One clear message, on that field only (NUL included: not Django's own second one).
    assert _codes(form, field) == ["single_line"]
    assert list(form.errors) == [field]
    with translation.override("en"):
        assert str(form.errors[field][0]).startswith(SINGLE_LINE_ERROR)


@pytest.mark.parametrize(
    "value",
    ["山田　花子", "Mary-Jane O'Neil", "J. R. R. Tolkien", "ジョン・スミス", "北見 (Kitami)"],
)
def test_spaces_and_punctuation_of_real_names_are_kept(value):
    form = _inquiry_form(name=value)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == value


def test_every_single_line_text_field_of_the_outside_forms_uses_the_shared_field():
    from accounts.fields import SingleLineCharField

    for make_form in (_pamphlet_form, _inquiry_form, _signup_form, _profile_form):
        form = make_form()
        for name, field in form.fields.items():
            one_line = (
                # An email or URL field checks its own format.
                not isinstance(field, forms.EmailField | forms.URLField)
                and isinstance(field, forms.CharField)
                and not isinstance(field.widget, forms.Textarea | forms.PasswordInput)
                and name != getattr(form, "honeypot_name", None)
            )
            if one_line:
                assert isinstance(field, SingleLineCharField), (type(form).__name__, name)


@pytest.mark.parametrize("field", ["contact_name", "organization_name"])
def test_a_refused_request_keeps_everything_the_visitor_typed(client, field):
    region = RegionFactory()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = _lead_data(region, **{field: "北見\r\nファーム"})
    response = client.post("/pamphlet/request/", data)
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    html = response.content.decode()
    # The message is next to the field, and in the summary at the top.
    assert html.count(escape(str(form.errors[field][0]))) == 2
    assert re.search(rf'name="{field}"[^>]*is-invalid|is-invalid[^>]*name="{field}"', html)
    for name in ("organization_name", "contact_name", "email", "phone"):
        if name != field:
            assert f'value="{escape(data[name])}"' in html, name
    assert re.search(rf'<option value="{region.pk}" selected>', html)
    assert re.search(r'<option value="company" selected>', html)
    assert re.search(r'name="consent"[^>]*checked', html)


def test_a_refused_inquiry_keeps_the_message_and_everything_else(client):
    region = RegionFactory()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = _inquiry_data(region, name="佐藤\u202e一郎", message="一行目\n二行目")
    response = client.post("/contact/", data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["name"]
    html = response.content.decode()
    assert SINGLE_LINE_ERROR in html
    assert "一行目\n二行目</textarea>" in html  # the message may span lines
    for name in ("organization_name", "email", "phone"):
        assert f'value="{escape(data[name])}"' in html, name
    assert re.search(rf'<option value="{region.pk}" selected>', html)
    assert re.search(r'value="company"[^>]*checked', html)


# ------------------------------------------------------------------------------
# The visitor's name: the one thing an email to their address repeats
# ------------------------------------------------------------------------------

ADDRESS_LIKE = [
    "https://evil.example",
    "sato http://x",
    "www.evil",
    "WWW.EVIL",
    "sato@evil",
    "evil.example",
    "Sato (evil.co)",
    "go to evil.example now",
    "192.168.0.1",
    "ｅｖｉｌ．ｅｘａｍｐｌｅ",  # full width
    "evil。example",  # an ideographic full stop is a dot in a domain
    "sato＠evil",
    "例え.jp",
    "sato//evil.example",
]


@pytest.mark.parametrize("value", ADDRESS_LIKE)
@pytest.mark.parametrize(
    ("make_form", "field"), [(_pamphlet_form, "contact_name"), (_inquiry_form, "name")]
)
def test_a_name_that_reads_as_an_address_is_refused(make_form, field, value):
    form = make_form(**{field: value})
    assert not form.is_valid()
    assert _codes(form, field) == ["address_like"]
    with translation.override("en"):
        assert str(form.errors[field][0]).startswith(ADDRESS_ERROR)


def test_an_organisation_may_be_named_by_its_domain():
    # Only coordinators read it: the visitor's own email does not repeat it.
    form = _pamphlet_form(organization_name="note.com株式会社")
    assert form.is_valid(), form.errors


# ------------------------------------------------------------------------------
# The emails to the address the visitor typed (finding 6)
# ------------------------------------------------------------------------------


def _sent_to(address: str) -> list[tuple[str, str, str]]:
    return [(m.subject, m.body, m.alternatives[0][0]) for m in mail.outbox if m.to == [address]]


def _assert_repeats_only_the_name(parts) -> None:
    for part in parts:
        for hostile in (
            "evil.example",
            "Your account is locked",
            "parcel",
            "customs",
            "0120-999",
            HOSTILE_PHONE,
            "株式会社",
        ):
            assert hostile not in part, (hostile, part)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_pamphlet_email_repeats_only_the_name(
    client, django_capture_on_commit_callbacks, language
):
    region = RegionFactory()
    coordinator = CoordinatorFactory(region=region)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    data = _lead_data(region, organization_name=HOSTILE_ORGANIZATION, phone=HOSTILE_PHONE)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/pamphlet/request/", data).status_code == 302
    ((subject, text, html),) = _sent_to(VISITOR)
    _assert_repeats_only_the_name([subject, text, html])
    assert NAME in text and NAME in html
    assert "/pamphlet/download/" in text  # still the link they asked for
    # The coordinators' email keeps the details: they read it in their signed-in inbox.
    ((_subject, internal, _html),) = _sent_to(coordinator.email)
    assert HOSTILE_ORGANIZATION in internal


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_inquiry_acknowledgement_repeats_only_the_name(
    client, django_capture_on_commit_callbacks, language
):
    region = RegionFactory()
    coordinator = CoordinatorFactory(region=region)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    data = _inquiry_data(
        region,
        organization_name=HOSTILE_ORGANIZATION,
        message=HOSTILE_MESSAGE,
        phone=HOSTILE_PHONE,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/contact/", data).status_code == 302
    ((subject, text, html),) = _sent_to(VISITOR)
    _assert_repeats_only_the_name([subject, text, html])
    assert NAME in text and NAME in html
    ((_subject, internal, _html),) = _sent_to(coordinator.email)
    assert HOSTILE_ORGANIZATION in internal and "evil.example/parcel" in internal


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize(
    ("event", "context"),
    [
        ("pamphlet_requested", {"lead_id": 3, "download_url": "http://testserver/x.pdf"}),
        ("inquiry_acknowledged", {"inquiry_id": 5}),
    ],
)
def test_a_queued_email_written_before_the_change_repeats_only_the_name(event, context, language):
    # Outbox rows written before the fix still carry the organisation (and may carry more):
    # the templates themselves never show it.
    row = Notification(
        event=event,
        language=language,
        context={
            **context,
            "name": NAME,
            "organization": HOSTILE_ORGANIZATION,
            "message": HOSTILE_MESSAGE,
            "phone": HOSTILE_PHONE,
        },
        email=VISITOR,
        channel="email",
        idempotency_key="k",
    )
    subject, text, html = delivery.render(row)
    _assert_repeats_only_the_name([subject, text, html])
    assert NAME in text and NAME in html


# ------------------------------------------------------------------------------
# The thanks pages (finding 7)
# ------------------------------------------------------------------------------

# The per-response values: the CSRF token and the CSP nonce.
VOLATILE = re.compile(rb'((?:name="csrfmiddlewaretoken" value|nonce|csrf-token" content)=")[^"]*"')


def _stable(content: bytes) -> bytes:
    return VOLATILE.sub(rb'\1"', content)


def _stable_headers(response) -> dict:
    return {k: re.sub(r"'nonce-[^']*'", "'nonce'", v) for k, v in response.headers.items()}


FORMS = pytest.mark.parametrize(
    ("url", "data", "event"),
    [
        ("/pamphlet/request/", _lead_data, "pamphlet_requested"),
        ("/contact/", _inquiry_data, "inquiry_acknowledged"),
    ],
    ids=["pamphlet", "inquiry"],
)


@FORMS
@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_thanks_page_is_the_same_whatever_the_address_has_stopped(
    client, django_capture_on_commit_callbacks, url, data, event, language
):
    region = RegionFactory()
    EmailSuppression.objects.create(email="stopped@example.jp", event=event)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    answers = []
    for address in ("stopped@example.jp", "open@example.jp"):
        with django_capture_on_commit_callbacks(execute=True):
            posted = client.post(url, data(region, email=address))
        page = client.get(posted["Location"])
        answers.append(
            (posted.status_code, posted["Location"], posted.content, page.status_code, page)
        )
    (status, location, body, page_status, page), other = answers
    assert (status, location, body, page_status) == other[:4]
    assert status == 302 and page_status == 200
    assert _stable(page.content) == _stable(other[4].content)
    assert _stable_headers(page) == _stable_headers(other[4])
    # The suppression still holds: the open address got its email, the other none.
    assert [m.to for m in mail.outbox] == [["open@example.jp"]]


@pytest.mark.parametrize("path", ["/pamphlet/request/thanks/", "/contact/thanks/"])
def test_an_old_unsent_link_shows_the_same_thanks_page(client, path):
    plain = client.get(path)
    old = client.get(f"{path}?unsent=1")
    assert old.status_code == plain.status_code == 200
    # Only the language switch's way back differs: it returns to the address as opened.
    assert _stable(old.content).replace(b"?unsent=1", b"") == _stable(plain.content)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_pamphlet_thanks_page_links_to_the_pamphlet_itself(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get("/pamphlet/request/thanks/").content.decode()
    assert 'href="/pamphlet/"' in html
    assert 'href="/pamphlet/download/"' in html
    # True whether or not an email went.
    if language == "en":
        assert "If this email address can receive our emails" in html
        assert "We have sent the link" not in html
