"""The parties' pages: their part of a review (also through the host's signed link) and surveys."""

import pytest
from django.utils import timezone

from coordinators import services
from coordinators.models import ReviewSession, Survey, SurveyQuestion, SurveyResponse
from tests.factories import HostMemberFactory, StudentFactory
from tests.flow import application_in, placement_in

pytestmark = pytest.mark.django_db


def _review():
    placement, student, member, coordinator = placement_in("active")
    review = ReviewSession.objects.create(placement=placement, due_on=timezone.localdate())
    return review, student, member, coordinator


def test_student_and_host_write_their_own_part(client):
    review, student, member, _ = _review()
    client.force_login(student)
    assert client.post(f"/reviews/{review.pk}/", {"notes": "試作品が完成"}).status_code == 302
    client.force_login(member)
    client.post(f"/reviews/{review.pk}/", {"notes": "期待以上"})
    review.refresh_from_db()
    assert (review.student_notes, review.host_notes) == ("試作品が完成", "期待以上")


def test_a_host_with_several_members_opens_the_review_for_each_party(client):
    # Reviews were once found through a join on the memberships: one row per member, and a
    # server error as soon as a host had two.
    review, student, member, _ = _review()
    second = HostMemberFactory(organization=member.host_memberships.get().organization)
    for user in (student, member, second):
        client.force_login(user)
        response = client.get(f"/reviews/{review.pk}/")
        assert response.status_code == 200, user
        assert review.placement.application.project.title in response.content.decode()


def test_others_get_404_on_a_review(client):
    review, *_ = _review()
    for outsider in (StudentFactory(), HostMemberFactory()):
        client.force_login(outsider)
        assert client.get(f"/reviews/{review.pk}/").status_code == 404
        assert client.post(f"/reviews/{review.pk}/", {"notes": "x"}).status_code == 404


def test_empty_notes_are_refused_with_a_message(client):
    review, student, *_ = _review()
    client.force_login(student)
    response = client.post(f"/reviews/{review.pk}/", {"notes": ""})
    assert response.status_code == 400 and response.context["form"].errors["notes"]


def test_host_supervisor_link_works_without_login_and_a_forged_one_does_not(client):
    review, *_rest, coordinator = _review()
    token = services.review_host_link_issue(review=review, actor=coordinator)
    assert client.get(f"/reviews/link/{token}/").status_code == 200
    client.post(f"/reviews/link/{token}/", {"notes": "現場から見て順調"})
    review.refresh_from_db()
    assert review.host_notes == "現場から見て順調"
    assert client.get(f"/reviews/link/{token[:-2]}xx/").status_code == 404


def test_survey_is_answered_by_its_respondent_only(client):
    placement, student, _member, coordinator = placement_in("active")
    survey = Survey.objects.create(title="学生アンケート", audience="student")
    rating = SurveyQuestion.objects.create(survey=survey, kind="rating", text="満足度")
    services.placement_finish(placement=placement, actor=coordinator)
    response = SurveyResponse.objects.get(respondent=student)
    client.force_login(StudentFactory())
    assert client.get(f"/surveys/{response.pk}/").status_code == 404
    client.force_login(student)
    bad = client.post(f"/surveys/{response.pk}/", {})
    assert bad.status_code == 400
    client.post(f"/surveys/{response.pk}/", {str(rating.pk): "5"})
    response.refresh_from_db()
    assert response.answers == {str(rating.pk): 5} and response.submitted_at


def test_the_entry_pages_lead_the_student_and_the_host_to_their_part_of_each_review(client):
    review, student, member, _ = _review()
    application = review.placement.application
    second = ReviewSession.objects.create(
        placement=review.placement, due_on=timezone.localdate(), student_notes="書きました"
    )
    client.force_login(student)
    html = client.get(f"/me/entries/{application.pk}/").content.decode()
    assert f'href="/reviews/{review.pk}/"' in html and f'href="/reviews/{second.pk}/"' in html
    assert "あなたの記入は済んでいます" in html and "まだ記入していません" in html
    client.force_login(member)
    html = client.get(f"/host/entries/{application.pk}/").content.decode()
    assert f'href="/reviews/{review.pk}/"' in html
    assert "あなたの記入は済んでいます" not in html  # the host has written neither part


def test_an_entry_without_a_placement_shows_no_reviews(client):
    application, student, _member, _ = application_in("submitted")
    client.force_login(student)
    html = client.get(f"/me/entries/{application.pk}/").content.decode()
    assert 'id="reviews-heading"' not in html
