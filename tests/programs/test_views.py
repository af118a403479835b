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
