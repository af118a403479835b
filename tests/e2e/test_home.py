"""A visitor reads the home page in Japanese, switches to English and signs in as staff."""

import pytest

from tests.factories import RegionFactory, StaffFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_visitor_reads_the_flow_in_japanese_then_english(page):
    RegionFactory(slug="hakodate", name="函館", name_en="Hakodate")
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.get_by_role("heading", level=2, name="はじめるまでの8ステップ").is_visible()
    assert page.locator(".flow-steps li").count() == 8
    assert page.get_by_text("函館", exact=True).is_visible()
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=2, name="How to start: eight steps").is_visible()
    assert page.get_by_text("Hakodate", exact=True).is_visible()
    assert page.csp_violations == []


def test_staff_signs_in_with_email_and_reaches_the_admin(page):
    StaffFactory(email="staff@example.jp")
    from allauth.account.models import EmailAddress

    from accounts.models import User

    EmailAddress.objects.create(
        user=User.objects.get(email="staff@example.jp"),
        email="staff@example.jp",
        verified=True,
        primary=True,
    )
    page.goto("/accounts/login/")
    page.get_by_label("メール").fill("staff@example.jp")
    page.get_by_label("パスワード").fill("pass-Word-123")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    page.goto("/admin/")
    assert "サイト管理" in page.content() or "管理" in page.title()
    assert page.csp_violations == []
