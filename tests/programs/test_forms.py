"""The forms of steps 1 and 2: limits from the models, email and phone checks, the honeypot."""

import pytest
from django.utils import translation

from programs.forms import InquiryForm, PamphletRequestForm
from programs.models import Inquiry, PamphletRequest
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db


def _lead_data(region, **overrides):
    data = {
        "organization_name": "帯広市役所",
        "organization_kind": "municipality",
        "contact_name": "鈴木 花子",
        "email": "suzuki@city.example.jp",
        "phone": "",
        "region": str(region.pk),
        "consent": "on",
    }
    data.update(overrides)
    return data


def _inquiry_data(**overrides):
    data = {
        "kind": "general",
        "organization_name": "",
        "name": "高橋 健",
        "email": "takahashi@example.jp",
        "phone": "",
        "region": "",
        "message": "始め方を教えてください。",
        "consent": "on",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("form_class", "model", "fields"),
    [
        (
            PamphletRequestForm,
            PamphletRequest,
            ["organization_name", "contact_name", "email", "phone"],
        ),
        (InquiryForm, Inquiry, ["organization_name", "name", "email", "phone"]),
    ],
)
def test_max_lengths_match_the_model_fields(form_class, model, fields):
    form = form_class()
    for name in fields:
        assert form.fields[name].max_length == model._meta.get_field(name).max_length


def test_a_valid_request_cleans_to_what_the_service_takes():
    region = RegionFactory()
    form = PamphletRequestForm(data=_lead_data(region, phone="+81 155 12 3456"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["region"] == region
    assert form.cleaned_data["consent"] is True
    assert not form.is_spam()


@pytest.mark.parametrize(
    "phone", ["011-123-4567", "0155123456", "+81 11 123 4567", "(011) 123-4567"]
)
def test_phone_numbers_people_write_are_accepted(phone):
    assert PamphletRequestForm(data=_lead_data(RegionFactory(), phone=phone)).is_valid()


@pytest.mark.parametrize("phone", ["call me", "123", "011-123-4567 ext. 5", "++81 11 123"])
def test_other_phone_input_is_refused(phone):
    form = PamphletRequestForm(data=_lead_data(RegionFactory(), phone=phone))
    assert not form.is_valid()
    assert "phone" in form.errors


def test_email_must_be_an_address():
    form = InquiryForm(data=_inquiry_data(email="takahashi at example"))
    assert not form.is_valid()
    assert list(form.errors) == ["email"]


def test_consent_is_required_on_both_forms():
    assert "consent" in PamphletRequestForm(data=_lead_data(RegionFactory(), consent="")).errors
    assert "consent" in InquiryForm(data=_inquiry_data(consent="")).errors


def test_inquiry_region_is_optional_and_not_sure_is_offered():
    form = InquiryForm(data=_inquiry_data())
    assert form.is_valid(), form.errors
    assert form.cleaned_data["region"] is None
    with translation.override("en"):
        assert form.fields["region"].empty_label == "Not sure yet"


def test_inquiry_message_is_limited():
    form = InquiryForm(data=_inquiry_data(message="あ" * 4001))
    assert "message" in form.errors


def test_inquiry_kinds_are_the_models():
    assert [value for value, _label in InquiryForm().fields["kind"].choices] == [
        "company",
        "municipality",
        "general",
    ]


def test_regions_are_named_in_the_page_language():
    RegionFactory(name="函館", name_en="Hakodate")
    field = PamphletRequestForm().fields["region"]
    with translation.override("ja"):
        assert "函館" in [label for _value, label in field.choices]
    with translation.override("en"):
        assert "Hakodate" in [label for _value, label in field.choices]


def test_a_filled_honeypot_is_spam_even_when_the_rest_is_valid():
    form = InquiryForm(data=_inquiry_data(website="https://spam.example"))
    assert form.is_spam()


def test_full_width_phone_numbers_are_stored_in_ascii():
    form = PamphletRequestForm(data=_lead_data(RegionFactory(), phone="０１１ー１２３−４５６７"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "011-123-4567"
