"""Forms of the students' journey: profile, entry, pre-assignment, offer and interview choices."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from accounts.fields import SingleLineCharField

from .files import MAX_FILES_PER_ENTRY, validate_upload
from .models import StudentProfile


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by its content (applicants.files)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(
                attrs={"accept": ".pdf,.png,.jpg,.jpeg,.gif,.webp,.docx,.xlsx,.pptx"}
            ),
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(uploads) > MAX_FILES_PER_ENTRY:
            raise ValidationError(
                _("At most %(n)d files per entry.") % {"n": MAX_FILES_PER_ENTRY}, code="too_many"
            )
        errors = []
        for upload in uploads:
            try:
                validate_upload(upload)
            except ValidationError as exc:
                errors.extend(f"{upload.name}: {message}" for message in exc.messages)
        if errors:
            raise ValidationError(errors)
        return list(uploads)


class ProfileForm(forms.ModelForm):
    name = SingleLineCharField(label=_("Name"), max_length=100)
    name_kana = SingleLineCharField(label=_("Name in kana"), max_length=100)
    preferred_language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    class Meta:
        model = StudentProfile
        fields = [
            "university",
            "faculty",
            "year",
            "graduation_year",
            "hometown",
            "current_residence",
            "phone",
            "leave_of_absence",
            "can_commute",
            "commute_days_per_week",
            "can_reside",
            "can_work_remotely",
            "skills",
            "bio",
            "portfolio_url",
        ]
        widgets = {
            "skills": forms.Textarea(attrs={"rows": 3}),
            "bio": forms.Textarea(attrs={"rows": 5}),
        }
        field_classes = dict.fromkeys(
            ("university", "faculty", "hometown", "current_residence", "phone"),
            SingleLineCharField,
        )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].initial = user.name
        self.fields["name_kana"].initial = user.name_kana
        self.fields["preferred_language"].initial = user.preferred_language
        for name in StudentProfile.REQUIRED_FOR_ENTRY:
            self.fields[name].required = True
        for name, limit in (("skills", 2000), ("bio", 5000)):
            self.fields[name].max_length = limit
            self.fields[name].validators.append(MaxLengthValidator(limit))
            self.fields[name].widget.attrs["maxlength"] = limit
        self.fields["year"].widget.attrs.update(min=1, max=9)
        self.fields["commute_days_per_week"].widget.attrs.update(min=1, max=7)

    def clean(self):
        data = super().clean()
        if data.get("can_commute") and not data.get("commute_days_per_week"):
            self.add_error("commute_days_per_week", _("Say how many days a week you can commute."))
        days = data.get("commute_days_per_week")
        if days is not None and not 1 <= days <= 7:
            self.add_error("commute_days_per_week", _("Between 1 and 7 days a week."))
        year = data.get("year")
        if year is not None and not 1 <= year <= 9:
            self.add_error("year", _("Between 1 and 9."))
        return data


class EntryForm(forms.Form):
    motivation = forms.CharField(
        label=_("Motivation"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Why this project, and what you want to build with the host."),
    )
    answer = forms.CharField(
        label=_("Pre-assignment answer"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("You can also hand it in later, before the pre-assignment deadline."),
    )
    files = MultipleFileField(
        label=_("Pre-assignment files"),
        help_text=_("PDF, images or Office documents, 10 MB each at most."),
    )
    consent = forms.BooleanField(
        label=_("I agree that my profile is shared with the host and the region's coordinators."),
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        if not project.pre_assignment_brief:
            del self.fields["answer"]
            del self.fields["files"]


class PreAssignmentForm(forms.Form):
    answer = forms.CharField(
        label=_("Pre-assignment answer"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    files = MultipleFileField(
        label=_("Files"), help_text=_("PDF, images or Office documents, 10 MB each at most.")
    )

    def clean(self):
        data = super().clean()
        if not data.get("answer") and not data.get("files") and not self.errors:
            raise ValidationError(_("Write an answer or add a file."), code="empty")
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AcceptOfferForm(forms.Form):
    """Accepting one offer asks whether to withdraw the student's other open entries."""

    withdraw = forms.MultipleChoiceField(
        label=_("Withdraw these other entries"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, others, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["withdraw"].choices = [(str(a.pk), a.project.title) for a in others]
        self.fields["withdraw"].initial = [str(a.pk) for a in others]
