"""Helpers the browser journeys share: form fields by their visible label, the mail a person
receives (the live server runs in this process: Celery is eager and the locmem mailer writes to
django.core.mail.outbox), and running an admin action from a row's own page."""

import re
from urllib.parse import urlsplit

from django.core import mail

from accounts.models import User


def field(page, label: str):
    """The form control whose label is `label`, with or without the required-field asterisk
    crispy forms appends ("タイトル*") or the admin's colon ("メモ:"); other labels that merely
    contain the text do not match."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*[:：]?\s*\*?\s*$"))


def mail_to(address: str, subject: str = "") -> mail.EmailMessage:
    """The newest email to `address` whose subject contains `subject`."""
    for message in reversed(mail.outbox):
        if address in message.to and subject in message.subject:
            return message
    sent = [(m.to, m.subject) for m in mail.outbox]
    raise AssertionError(f"no email to {address} about {subject!r}; sent: {sent}")


def link_in(message: mail.EmailMessage, path_pattern: str) -> str:
    """The path (and query) of the first link in the text body whose path matches
    `path_pattern`: the emails link to settings.SITE_URL, the browser to the live server."""
    for url in re.findall(r"https?://[^\s<>\"]+", message.body):
        parts = urlsplit(url)
        if re.search(path_pattern, parts.path):
            return parts.path + (f"?{parts.query}" if parts.query else "")
    raise AssertionError(f"no link matching {path_pattern!r} in:\n{message.body}")


def verified_email(user: User) -> None:
    """The allauth address of a user made by a factory, proven, so that they can log in."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def success_message(page):
    """The messages framework's success alert of the page."""
    return page.locator(".alert-success, .messagelist .success")


def admin_action(page, action_label: str) -> None:
    """Choose an action in the admin's "操作:" menu of a row's own page and run it."""
    page.get_by_label("操作:").select_option(label=action_label)
    page.get_by_role("button", name="実行").click()
    page.wait_for_load_state()


def console_errors(page, errors: list[str] | None = None) -> list[str]:
    """Start collecting what the page reports as broken, into `errors` (a new list unless
    given): console errors (a failed script, a resource not found: its address follows the
    message) and uncaught exceptions, each after the address of the page."""
    errors = [] if errors is None else errors

    def console(msg) -> None:
        if msg.type == "error":
            source = msg.location.get("url", "")
            errors.append(f"{page.url}: {msg.text}" + (f" <{source}>" if source else ""))

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    return errors


def failed_responses(page, failed: list[str] | None = None) -> list[str]:
    """Start collecting the responses with an error status the page receives (its documents and
    resources), into `failed` (a new list unless given), as "404 /path"."""
    failed = [] if failed is None else failed
    page.on(
        "response",
        lambda response: (
            failed.append(f"{response.status} {urlsplit(response.url).path}")
            if response.status >= 400
            else None
        ),
    )
    return failed


def sign_in_with_code(page, email: str, password: str, secret: str, *, goto: str = "/admin/"):
    """Sign in as production asks of coordinators and staff: open `goto`, be handed to the
    site's sign-in (the admin has no login of its own), give the password, then the code of
    the authenticator app whose secret is `secret`; lands on `goto`."""
    from playwright.sync_api import expect

    from tests.two_factor import code

    page.goto(goto)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    field(page, "メール").fill(email)
    field(page, "パスワード").fill(password)
    page.get_by_role("main").get_by_role("button", name="ログイン").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    page.get_by_placeholder("コード").fill(code(secret))
    page.get_by_role("main").get_by_role("button", name="ログイン").click()
    expect(page).to_have_url(re.compile(re.escape(goto) + "$"))
