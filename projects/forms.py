"""The host's forms: accepting an invitation, and designing a project in sections."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout
from django import forms
from django.contrib.auth import password_validation
from django.core.validators import MaxLengthValidator
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.fields import IdMultipleChoiceField, SingleLineCharField
from accounts.models import User

from .models import Project, Theme


class InvitationSignupForm(forms.Form):
    name = SingleLineCharField(label=_("Your name"), max_length=100)
    name_kana = SingleLineCharField(label=_("Your name in kana"), max_length=100, required=False)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_password2(self):
        first, second = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if first and second and first != second:
            raise forms.ValidationError(_("The two passwords differ."))
        password_validation.validate_password(second, User(email=self.email))
        return second

    def clean(self):
        data = super().clean()
        if User.objects.filter(email__iexact=self.email).exists():
            raise forms.ValidationError(
                _("An account with this email address exists already: please log in first.")
            )
        return data


def _guide(text) -> HTML:
    return HTML(format_html('<p class="form-guide small text-body-secondary">{}</p>', text))


class ProjectForm(forms.ModelForm):
    """A project in sections, each with a short guide to what makes a good answer."""

    themes = IdMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Project
        fields = [
            "title",
            "summary",
            "term",
            "themes",
            "vision",
            "challenge",
            "intern_role",
            "outcomes",
            "duration_months",
            "starts_on",
            "ends_on",
            "participation_style",
            "commute_days_per_week",
            "location",
            "housing_support",
            "travel_support",
            "stipend",
            "capacity",
            "pre_assignment_brief",
            "pre_assignment_deadline",
            "entry_deadline",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "pre_assignment_deadline": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "entry_deadline": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "vision": forms.Textarea(attrs={"rows": 4}),
            "challenge": forms.Textarea(attrs={"rows": 4}),
            "intern_role": forms.Textarea(attrs={"rows": 4}),
            "outcomes": forms.Textarea(attrs={"rows": 4}),
            "housing_support": forms.Textarea(attrs={"rows": 2}),
            "travel_support": forms.Textarea(attrs={"rows": 2}),
            "pre_assignment_brief": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("vision", "intern_role", "outcomes"):
            self.fields[name].required = True
        # TextFields have no length in the database; the form bounds what a page can hold.
        for name in (
            "vision",
            "challenge",
            "intern_role",
            "outcomes",
            "housing_support",
            "travel_support",
            "pre_assignment_brief",
        ):
            self.fields[name].max_length = 5000
            self.fields[name].validators.append(MaxLengthValidator(5000))
            self.fields[name].widget.attrs["maxlength"] = 5000
        self.fields["duration_months"].widget.attrs.update(min=1, max=12)
        self.fields["capacity"].widget.attrs.update(min=1, max=50)
        self.fields["commute_days_per_week"].widget.attrs.update(min=1, max=7)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                _("The project"),
                _guide(_("A title and a line that make an outsider want to join.")),
                "title",
                "summary",
                "term",
                "themes",
            ),
            Fieldset(
                _("The future you want to build"),
                _guide(
                    _(
                        "Not today's problem but the region or company you want to create. "
                        "Say it so that people who want to build that future recognise themselves."
                    )
                ),
                "vision",
                "challenge",
            ),
            Fieldset(
                _("The intern's role as a producer"),
                _guide(
                    _(
                        "What the student makes or brings about, as your right hand, not as a "
                        "visitor: the part of the work that is theirs."
                    )
                ),
                "intern_role",
                "outcomes",
            ),
            Fieldset(
                _("Duration and participation"),
                _guide(
                    _(
                        "One month at least, usually six months to a year. Students from the "
                        "town commute three or four days a week; others live in the region or "
                        "work online."
                    )
                ),
                Div("duration_months", "starts_on", "ends_on", css_class="form-row-3"),
                "participation_style",
                "commute_days_per_week",
                "location",
            ),
            Fieldset(
                _("Support"),
                _guide(_("Housing, travel and a stipend make it possible for students from afar.")),
                "housing_support",
                "travel_support",
                "stipend",
                "capacity",
            ),
            Fieldset(
                _("Pre-assignment and entry"),
                _guide(
                    _(
                        "An optional pre-assignment (事前課題) helps both sides understand each "
                        "other's motives before the interview."
                    )
                ),
                "pre_assignment_brief",
                "pre_assignment_deadline",
                "entry_deadline",
            ),
        )

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends <= starts:
            self.add_error("ends_on", _("The end must come after the start."))
        months = data.get("duration_months")
        if months is not None and not 1 <= months <= 12:
            self.add_error("duration_months", _("A project lasts from 1 to 12 months."))
        style = data.get("participation_style")
        days = data.get("commute_days_per_week")
        needs_days = style in (
            Project.ParticipationStyle.COMMUTE,
            Project.ParticipationStyle.HYBRID,
        )
        if needs_days and not days:
            self.add_error("commute_days_per_week", _("Say how many days a week on site."))
        if days is not None and not 1 <= days <= 7:
            self.add_error("commute_days_per_week", _("Between 1 and 7 days a week."))
        if data.get("capacity") is not None and data["capacity"] < 1:
            self.add_error("capacity", _("At least one intern."))
        return data

    def _post_clean(self):
        # The model's constraints mirror the checks above; the field errors are the clearer ones.
        if self.errors:
            return
        super()._post_clean()
