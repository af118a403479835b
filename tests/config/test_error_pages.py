"""The error pages are the site's own: Japanese first, the header and the icon, a way on."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from config.errors import bad_request, permission_denied
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_missing_page_answers_404_in_the_sites_design(client):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "ページが見つかりません" in html
    assert 'class="site-header' in html or "site-header" in html
    assert 'rel="icon"' in html
    assert 'href="/projects/"' in html


def test_a_missing_admin_page_too(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get("/admin/no-such-page/")
    assert response.status_code == 404
    assert 'rel="icon"' in response.content.decode()


def test_forbidden_and_bad_request_pages_are_translated():
    request = RequestFactory().get("/")
    request.user = UserFactory()
    request.session = {}
    forbidden = permission_denied(request, Exception()).content.decode()
    assert "アクセスできません" in forbidden and 'rel="icon"' in forbidden
    bad = bad_request(request, Exception()).content.decode()
    assert "リクエストを処理できませんでした" in bad


def test_the_server_error_page_needs_no_request():
    html = render_to_string("500.html")
    assert "エラーが発生しました" in html and 'rel="icon"' in html


def test_error_pages_tell_robots_to_leave_them_and_carry_no_share_card(client):
    html = client.get("/no-such-page/").content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert 'rel="canonical"' not in html and "og:url" not in html
    request = RequestFactory().get("/")
    request.user = UserFactory()
    request.session = {}
    for response in (permission_denied(request, Exception()), bad_request(request, Exception())):
        page = response.content.decode()
        assert "noindex" in page and 'rel="canonical"' not in page
    # An ordinary page keeps its canonical link.
    assert 'rel="canonical"' in client.get("/projects/").content.decode()
