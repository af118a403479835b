"""Signing in with the email address, in the site's own layout and in Japanese."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_login_page_is_in_japanese_inside_the_site_layout(client):
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="ja">' in html
    assert "ログイン" in html
    assert "vendor/bootstrap/css/bootstrap.min.css" in html


def test_user_logs_in_with_email_and_password(client):
    UserFactory(email="hanako@example.jp")
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(
        user_id=UserFactory._meta.model.objects.get(email="hanako@example.jp").pk,
        email="hanako@example.jp",
        verified=True,
        primary=True,
    )
    response = client.post(
        "/accounts/login/", {"login": "hanako@example.jp", "password": "pass-Word-123"}
    )
    assert response.status_code == 302
    assert client.get("/").context["user"].email == "hanako@example.jp"


def test_wrong_password_is_refused_with_a_message(client):
    UserFactory(email="taro@example.jp")
    response = client.post("/accounts/login/", {"login": "taro@example.jp", "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
