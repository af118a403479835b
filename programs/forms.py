"""Forms of steps 1 and 2: the pamphlet request and the inquiry, with their spam guards."""

import unicodedata

from django import forms
from django.core.validators import RegexValidator
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.fields import PersonNameField, SingleLineCharField

from .models import Inquiry, OrganizationKind, PamphletRequest, Region

PHONE_VALIDATOR = RegexValidator(
    r"^\+?[0-9(][0-9 ()\-]{8,28}$",
    _("Enter a phone number of digits, e.g. 011-123-4567 or +81 11 123 4567."),
)


# Dashes people type in Japanese phone numbers, read as "-".
DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc"), "-")


class PhoneField(SingleLineCharField):
    """Full-width digits and Japanese dashes become ASCII before the pattern is checked."""

    def to_python(self, value):
        value = super().to_python(value)
        return unicodedata.normalize("NFKC", value).translate(DASHES).strip()


class RegionChoiceField(forms.ModelChoiceField):
    """Regions by their name in the page's language."""

    def label_from_instance(self, obj: Region) -> str:
        return obj.name_en if get_language() == "en" else obj.name


class SpamGuardedForm(forms.Form):
    """A honeypot field people never see; a bot that fills it in is thanked and ignored."""

    honeypot_name = "website"

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "consent" in self.fields:
            self.fields["consent"].help_text = format_html(
                '<a href="{}">{}</a>', reverse("programs:privacy"), _("Read the privacy policy")
            )

    def is_spam(self) -> bool:
        return bool(self.data.get(self.honeypot_name, "").strip())


def _field(
    model, name: str, field_class: type[SingleLineCharField] = SingleLineCharField, **kwargs
) -> SingleLineCharField:
    """A one-line text field with the label and max length of the model's field."""
    model_field = model._meta.get_field(name)
    kwargs.setdefault("label", capfirst(model_field.verbose_name))
    return field_class(max_length=model_field.max_length, **kwargs)


def _email(model) -> forms.EmailField:
    model_field = model._meta.get_field("email")
    return forms.EmailField(
        label=capfirst(model_field.verbose_name),
        max_length=model_field.max_length,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


def _phone(model) -> PhoneField:
    model_field = model._meta.get_field("phone")
    return PhoneField(
        label=capfirst(model_field.verbose_name),
        max_length=model_field.max_length,
        required=False,
        validators=[PHONE_VALIDATOR],
        help_text=_("Optional. For a call back from the coordinator."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )


class PamphletRequestForm(SpamGuardedForm):
    organization_name = _field(
        PamphletRequest,
        "organization_name",
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    organization_kind = forms.ChoiceField(
        label=_("Kind of organisation"), choices=[("", "---------"), *OrganizationKind.choices]
    )
    # The one thing the email to this (unverified) address repeats: PersonNameField.
    contact_name = _field(
        PamphletRequest,
        "contact_name",
        PersonNameField,
        label=_("Your name"),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = _email(PamphletRequest)
    phone = _phone(PamphletRequest)
    region = RegionChoiceField(
        label=_("Region"),
        queryset=Region.objects.order_by("position", "id"),
        help_text=_("The coordinator of this region will get in touch."),
    )
    consent = forms.BooleanField(
        label=_("I agree to the privacy policy and to be contacted by the region's coordinator."),
    )

    field_order = [
        "organization_name",
        "organization_kind",
        "contact_name",
        "email",
        "phone",
        "region",
        "consent",
        "website",
    ]


class InquiryForm(SpamGuardedForm):
    kind = forms.ChoiceField(
        label=_("What is your inquiry about?"),
        choices=Inquiry.Kind.choices,
        widget=forms.RadioSelect,
    )
    organization_name = _field(
        Inquiry,
        "organization_name",
        required=False,
        help_text=_("Your company, municipality or school, if any."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    # The one thing the email to this (unverified) address repeats: PersonNameField.
    name = _field(
        Inquiry,
        "name",
        PersonNameField,
        label=_("Your name"),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = _email(Inquiry)
    phone = _phone(Inquiry)
    region = RegionChoiceField(
        label=_("Region"),
        queryset=Region.objects.order_by("position", "id"),
        required=False,
        empty_label=_("Not sure yet"),
        help_text=_("We pass your message to that region's coordinator."),
    )
    message = forms.CharField(
        label=_("Message"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What would you like to start, or to know? Up to 4,000 characters."),
    )
    consent = forms.BooleanField(
        label=_("I agree to the privacy policy."),
    )

    field_order = [
        "kind",
        "organization_name",
        "name",
        "email",
        "phone",
        "region",
        "message",
        "consent",
        "website",
    ]
