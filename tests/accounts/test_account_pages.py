"""Every allauth page is in the site's own design, in Japanese, with errors by their fields."""

import datetime as dt
from html.parser import HTMLParser

import pytest
import time_machine
from allauth.account.forms import default_token_generator
from allauth.account.internal.flows.login import record_authentication
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-Word-123"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _Elements(HTMLParser):
    """Every element of a page in document order: its tag, attributes and text."""

    def __init__(self):
        super().__init__()
        self.elements: list[dict] = []
        self._open: list[dict] = []

    def handle_starttag(self, tag, attrs):
        in_main = tag == "main" or any(e["tag"] == "main" for e in self._open)
        element = {"tag": tag, "attrs": {k: v or "" for k, v in attrs}, "text": "", "main": in_main}
        self.elements.append(element)
        if tag not in VOID:
            self._open.append(element)

    def handle_endtag(self, tag):
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index]["tag"] == tag:
                del self._open[index:]
                return

    def handle_data(self, data):
        for element in self._open:
            element["text"] += data


class Page:
    def __init__(self, response):
        assert response.status_code == 200, response.status_code
        self.html = response.content.decode()
        parser = _Elements()
        parser.feed(self.html)
        self.elements = parser.elements

    def find(self, tag=None, *, everywhere=False, **attrs) -> list[dict]:
        """Elements of the page's main part (or of the whole page) with these attributes."""
        return [
            e
            for e in self.elements
            if (everywhere or e["main"])
            and (tag is None or e["tag"] == tag)
            and all(e["attrs"].get(k.rstrip("_")) == v for k, v in attrs.items())
        ]

    def one(self, tag=None, *, everywhere=False, **attrs) -> dict:
        found = self.find(tag, everywhere=everywhere, **attrs)
        assert len(found) == 1, (tag, attrs, len(found))
        return found[0]

    def classes(self, element) -> set[str]:
        return set(element["attrs"].get("class", "").split())

    def h1(self) -> str:
        return " ".join(self.one("h1")["text"].split())

    def labelled_input(self, name: str) -> dict:
        """The form field `name` (id_<name>), checked to have a visible label of its own."""
        control = self.one(id=f"id_{name}")
        label = self.one("label", for_=control["attrs"]["id"])
        assert label["text"].strip()
        return control

    def errors_beside(self, name: str) -> str:
        """The error text tied to the control `name` (is-invalid, aria-describedby)."""
        control = self.labelled_input(name)
        assert "is-invalid" in self.classes(control)
        assert control["attrs"].get("aria-invalid") == "true"
        texts = []
        for ref in control["attrs"]["aria-describedby"].split():
            target = self.one(id=ref)
            if "invalid-feedback" in self.classes(target):
                texts.append(" ".join(target["text"].split()))
        assert texts, f"no error tied to {name}"
        return " ".join(texts)


def ja(message: str) -> str:
    with translation.override("ja"):
        translated = translation.gettext(message)
    assert translated != message, f"no Japanese for {message!r}"
    return translated


def assert_site_design(page: Page, *, layout: str) -> None:
    """The site's header and footer, Bootstrap, phone-ready, and none of allauth's own chrome."""
    assert '<html lang="ja">' in page.html
    assert page.find("meta", everywhere=True, name="viewport")
    assert page.find("link", everywhere=True, href="/static/vendor/bootstrap/css/bootstrap.min.css")
    assert "site-header" in page.classes(page.one("header", everywhere=True))
    assert "site-footer" in page.classes(page.one("footer", everywhere=True))
    assert ja("Menu:") not in page.html and "Menu:" not in page.html
    account_page = page.one(tag="div", class_="container py-4 py-md-5 account-page")
    assert account_page
    assert page.find(tag="div", class_="card shadow-sm")
    if layout == "manage":
        nav = page.one("nav", **{"aria-labelledby": "account-nav-title"})
        assert ja("Email Addresses") in nav["text"]
    for form in page.find("form", class_="account-form"):
        assert form["attrs"]["method"] == "post"
    for button in page.find("button"):
        if button["attrs"].get("type") == "submit" and button["text"].strip():
            assert "btn" in page.classes(button)
    # Inline scripts carry the page's nonce (script-src has no 'unsafe-inline'); files come
    # from our own static files, which 'self' allows.
    for script in page.find("script", everywhere=True):
        if script["attrs"].get("type") == "application/json":
            continue
        if script["attrs"].get("src"):
            assert script["attrs"]["src"].startswith("/static/"), script
        else:
            assert script["attrs"].get("nonce"), script


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def verified_user(email="hanako@example.jp", **kwargs):
    user = UserFactory(email=email, **kwargs)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def log_in(client, user, *, reauthenticate=False):
    """Through the login form; `reauthenticate` also confirms the password again, as allauth
    asks before the two-factor settings."""
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    if reauthenticate:
        confirmed = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        assert confirmed.status_code == 302
    return response


# Pages for visitors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "heading"),
    [
        ("account_login", "Sign In"),
        ("account_signup", "Sign Up"),
        ("account_reset_password", "Password Reset"),
        ("account_reset_password_done", "Password Reset"),
        ("account_reset_password_from_key_done", "Change Password"),
        ("account_email_verification_sent", "Verify Your Email Address"),
    ],
)
def test_visitor_pages_are_in_the_site_design_and_in_japanese(client, url_name, heading):
    page = Page(client.get(reverse(url_name)))
    assert_site_design(page, layout="entrance")
    assert page.h1() == ja(heading)
    assert page.one("h1")["attrs"]["class"] == "h3 mb-3"


def test_login_form_has_labelled_fields_and_a_full_width_button(client):
    page = Page(client.get(reverse("account_login")))
    for name in ("login", "password", "remember"):
        page.labelled_input(name)
    assert "form-control" in page.classes(page.labelled_input("login"))
    assert "form-check-input" in page.classes(page.labelled_input("remember"))
    submit = page.one("button", type="submit")
    assert {"btn", "btn-primary", "w-100"} <= page.classes(submit)
    assert page.find("a", href=reverse("account_reset_password"))
    assert page.find("a", href=reverse("account_signup"))


def test_wrong_password_is_announced_above_the_form(client):
    verified_user()
    page = Page(
        client.post(reverse("account_login"), {"login": "hanako@example.jp", "password": "nope"})
    )
    alert = page.one(id="form-errors")
    assert {"alert", "alert-danger"} <= page.classes(alert)
    assert alert["attrs"]["role"] == "alert"
    assert ja("The email address and/or password you specified are not correct.") in alert["text"]


def test_signup_errors_are_shown_beside_their_fields(client):
    UserFactory(email="taken@example.jp")
    EmailAddress.objects.create(
        user=UserFactory._meta.model.objects.get(email="taken@example.jp"),
        email="taken@example.jp",
        verified=True,
        primary=True,
    )
    page = Page(
        client.post(
            reverse("account_signup"),
            {"email": "not-an-address", "password1": "short", "password2": "other"},
        )
    )
    assert_site_design(page, layout="entrance")
    assert ja("Enter a valid email address.") in page.errors_beside("email")
    assert page.errors_beside("password1")
    # Help about passwords stays tied to the field next to the error.
    password1 = page.labelled_input("password1")
    assert "id_password1_helptext" in password1["attrs"]["aria-describedby"].split()
    assert "is-invalid" not in page.classes(page.labelled_input("password2"))


def test_password_reset_errors_are_beside_the_email_field(client):
    page = Page(client.post(reverse("account_reset_password"), {"email": "nonsense"}))
    assert ja("Enter a valid email address.") in page.errors_beside("email")


def test_password_reset_with_a_bad_link_says_so(client):
    url = reverse("account_reset_password_from_key", kwargs={"uidb36": "1", "key": "bad-key"})
    page = Page(client.get(url, follow=True))
    assert_site_design(page, layout="entrance")
    assert page.h1() == ja("Bad Token")
    assert page.find("a", href=reverse("account_reset_password"))


def test_password_reset_from_the_emailed_link_shows_the_new_password_form(client):
    user = verified_user()
    url = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    response = client.get(url, follow=True)
    page = Page(response)
    assert_site_design(page, layout="entrance")
    assert page.h1() == ja("Change Password")
    page.labelled_input("password1")
    page.labelled_input("password2")

    page = Page(
        client.post(response.redirect_chain[-1][0], {"password1": "abc", "password2": "abd"})
    )
    assert page.errors_beside("password1")


def test_email_confirmation_page_asks_to_confirm_the_address(client):
    user = UserFactory(email="new@example.jp")
    address = EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    key = EmailConfirmationHMAC(address).key
    page = Page(client.get(reverse("account_confirm_email", kwargs={"key": key})))
    assert_site_design(page, layout="entrance")
    assert page.h1() == ja("Confirm Email Address")
    assert "new@example.jp" in page.html
    assert {"btn", "btn-primary"} <= page.classes(page.one("button", type="submit"))


def test_an_expired_confirmation_link_says_so(client):
    page = Page(client.get(reverse("account_confirm_email", kwargs={"key": "expired"})))
    assert_site_design(page, layout="entrance")
    assert page.h1() == ja("Confirm Email Address")
    assert page.find("a", href=reverse("account_email"))


# Pages for signed-in users -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "heading", "layout"),
    [
        ("account_email", "Email Addresses", "manage"),
        ("account_change_password", "Change Password", "manage"),
        ("account_logout", "Sign Out", "manage"),
        ("account_reauthenticate", "Confirm Access", "entrance"),
        ("mfa_index", "Two-Factor Authentication", "manage"),
        ("mfa_activate_totp", "Activate Authenticator App", "manage"),
    ],
)
def test_signed_in_pages_are_in_the_site_design_and_in_japanese(client, url_name, heading, layout):
    log_in(client, verified_user(), reauthenticate=True)
    page = Page(client.get(reverse(url_name)))
    assert_site_design(page, layout=layout)
    assert page.h1() == ja(heading)


def test_account_menu_marks_the_current_page(client):
    log_in(client, verified_user())
    page = Page(client.get(reverse("account_change_password")))
    current = page.one("a", **{"aria-current": "page"})
    assert current["attrs"]["href"] == reverse("account_change_password")
    assert "active" in page.classes(current)


def test_email_addresses_are_a_labelled_group_of_choices(client):
    user = verified_user()
    EmailAddress.objects.create(user=user, email="second@example.jp", verified=False)
    log_in(client, user)
    page = Page(client.get(reverse("account_email")))
    legend = page.one("legend")
    assert ja("The following email addresses are associated with your account:") in legend["text"]
    radios = page.find("input", type="radio", name="email")
    assert {r["attrs"]["value"] for r in radios} == {"hanako@example.jp", "second@example.jp"}
    badges = {
        r["attrs"]["value"]: page.one("label", for_=r["attrs"]["id"])["text"].split()
        for r in radios
    }
    assert ja("Unverified") in badges["second@example.jp"]
    assert ja("Verified") in badges["hanako@example.jp"]
    assert {r["text"].strip() for r in page.find("button", type="submit")} >= {
        ja("Make Primary"),
        ja("Re-send Verification"),
        ja("Remove"),
        ja("Add Email"),
    }


def test_adding_a_bad_email_shows_the_error_beside_the_field(client):
    log_in(client, verified_user())
    page = Page(client.post(reverse("account_email"), {"action_add": "", "email": "nope"}))
    assert_site_design(page, layout="manage")
    assert ja("Enter a valid email address.") in page.errors_beside("email")


def test_adding_an_email_address_still_works(client):
    user = verified_user()
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as clock:
        log_in(client, user)
        # Adding an address is a sensitive change: once the sign-in is more than five
        # minutes old, the password is asked again first.
        clock.shift(dt.timedelta(minutes=6))
        response = client.post(
            reverse("account_email"), {"action_add": "", "email": "other@example.jp"}
        )
        assert response.url.startswith(reverse("account_reauthenticate"))
        assert not EmailAddress.objects.filter(user=user, email="other@example.jp").exists()
        client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        response = client.post(
            reverse("account_email"), {"action_add": "", "email": "other@example.jp"}
        )
        assert response.status_code == 302
        assert EmailAddress.objects.filter(user=user, email="other@example.jp").exists()


def test_password_change_errors_are_beside_their_fields(client):
    log_in(client, verified_user())
    page = Page(
        client.post(
            reverse("account_change_password"),
            {"oldpassword": "wrong", "password1": "abc", "password2": "abd"},
        )
    )
    assert ja("Please type your current password.") in page.errors_beside("oldpassword")
    assert page.errors_beside("password1")


def test_a_user_without_a_password_is_offered_to_set_one(client):
    user = verified_user()
    user.set_unusable_password()
    user.save()
    client.force_login(user)
    # Setting one is a sensitive change: with no password to confirm, a code by email.
    response = client.get(reverse("account_set_password"))
    assert response.url.startswith(reverse("account_request_reauthentication_code"))
    request = RequestFactory().get("/")
    request.session, request.user = client.session, user
    record_authentication(request, user, method="code", reauthenticated=True)
    request.session.save()
    page = Page(client.get(reverse("account_set_password")))
    assert_site_design(page, layout="manage")
    assert page.h1() == ja("Set Password")
    page.labelled_input("password1")


def test_reauthentication_with_a_wrong_password_shows_the_error_beside_it(client):
    log_in(client, verified_user())
    page = Page(client.post(reverse("account_reauthenticate"), {"password": "wrong"}))
    assert ja("Incorrect password.") in page.errors_beside("password")


def test_authenticator_activation_shows_the_qr_code_and_errors_beside_the_code(client):
    log_in(client, verified_user(), reauthenticate=True)
    page = Page(client.post(reverse("mfa_activate_totp"), {"code": "000000"}))
    assert_site_design(page, layout="manage")
    qr = page.one("img")
    assert qr["attrs"]["src"].startswith("data:image/svg+xml")
    assert qr["attrs"]["alt"]
    secret = page.one("input", id="authenticator_secret")
    assert "readonly" in secret["attrs"]
    assert page.one("label", for_="authenticator_secret")
    assert page.errors_beside("code")


def test_two_factor_pages_for_a_user_with_an_authenticator(client):
    user = verified_user()
    log_in(client, user, reauthenticate=True)
    TOTP.activate(user, generate_totp_secret())
    recovery_codes = RecoveryCodes.activate(user)

    page = Page(client.get(reverse("mfa_index")))
    assert_site_design(page, layout="manage")
    assert len(page.find("section", class_="card mb-3")) == 2

    page = Page(client.get(reverse("mfa_deactivate_totp")))
    assert page.h1() == ja("Deactivate Authenticator App")
    assert {"btn", "btn-danger"} <= page.classes(page.one("button", type="submit"))

    page = Page(client.get(reverse("mfa_view_recovery_codes")))
    assert_site_design(page, layout="manage")
    assert page.h1() == ja("Recovery Codes")
    codes = page.one("textarea", id="recovery_codes")
    assert "readonly" in codes["attrs"]
    assert codes["text"].split() == recovery_codes.get_unused_codes()
    assert page.one("label", for_="recovery_codes")

    page = Page(client.get(reverse("mfa_generate_recovery_codes")))
    assert page.h1() == ja("Recovery Codes")


def test_sign_in_asks_for_the_authenticator_code_in_the_site_design(client):
    user = verified_user()
    TOTP.activate(user, generate_totp_secret())
    response = log_in(client, user)
    assert response.url == reverse("mfa_authenticate")
    page = Page(client.get(reverse("mfa_authenticate")))
    assert_site_design(page, layout="entrance")
    assert page.h1() == ja("Two-Factor Authentication")
    page.labelled_input("code")

    page = Page(client.post(reverse("mfa_authenticate"), {"code": "000000"}))
    assert ja("Incorrect code.") in page.errors_beside("code")
    assert "_auth_user_id" not in client.session
