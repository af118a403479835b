"""Forms of the students' journey."""

from django import forms
from django.utils.translation import gettext_lazy as _


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
    consent = forms.BooleanField(
        label=_("I agree that my profile is shared with the host and the region's coordinators."),
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        if not project.pre_assignment_brief:
            del self.fields["answer"]
