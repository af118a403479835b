"""The admin's header has the site's language switch, on every admin page, without a script."""

import re

import pytest
from django.urls import reverse

from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def switch_in(html: str) -> str:
    """The admin header's language switch form."""
    header = re.search(r'<header id="header">.*?</header>', html, re.S).group(0)
    return re.search(r'<form class="language-switch.*?</form>', header, re.S).group(0)


# The admin has no login page of its own any more (it hands over to the site's sign-in, whose
# header has the switch): its index and a list stand for every admin page.
@pytest.mark.parametrize("url_name", ["admin:index", "admin:programs_region_changelist"])
def test_every_admin_header_offers_japanese_and_english(client, url_name):
    client.force_login(StaffFactory())
    url = reverse(url_name)
    form = switch_in(client.get(url).content.decode())

    assert f'action="{reverse("language-switch")}"' in form
    assert 'method="post"' in form
    assert f'name="next" value="{url}"' in form
    assert re.findall(r'name="language" value="(\w+)"', form) == ["ja", "en"]
    assert 'value="ja" lang="ja"' in form and "aria-current" in form
    # CSP: the switch is a plain form; nothing in it runs script.
    assert "<script" not in form and not re.search(r"\son\w+=", form)


def test_switching_turns_the_admin_english_and_back(client):
    client.force_login(StaffFactory())
    admin = reverse("admin:index")
    assert '<html lang="ja"' in client.get(admin).content.decode()

    response = client.post(reverse("language-switch"), {"language": "en", "next": admin})
    assert response.status_code == 302 and response["Location"] == admin
    page = client.get(admin).content.decode()
    assert '<html lang="en"' in page
    assert re.search(r'value="en" lang="en"\s+class="[^"]*"\s+aria-current="true"', switch_in(page))

    client.post(reverse("language-switch"), {"language": "ja", "next": admin})
    assert '<html lang="ja"' in client.get(admin).content.decode()


def test_the_admin_style_for_the_switch_carries_the_csp_nonce(client):
    client.force_login(StaffFactory())
    response = client.get(reverse("admin:index"))
    html = response.content.decode()
    style = re.search(r"<style[^>]*>\s*#branding", html)
    assert style is not None
    policy = response.get("Content-Security-Policy") or response.get(
        "Content-Security-Policy-Report-Only", ""
    )
    nonce = re.search(r"'nonce-([^']+)'", policy)
    if nonce:
        assert f'nonce="{nonce.group(1)}"' in style.group(0)
