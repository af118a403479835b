"""Forms of the host's side of step 6: declining an entry, proposing and running interviews."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.fields import IdMultipleChoiceField

from .models import Application, Interview, InterviewFeedback

MAX_SLOTS = 5


def _datetime_field(label, *, required: bool = False) -> forms.DateTimeField:
    # The browser's own picker; the value is read in the site's time zone (Asia/Tokyo).
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M"
        ),
    )


def _check_time(form: forms.Form, start_name: str, end_name: str) -> tuple | None:
    """Check one start/end pair; add the error next to the field and return the pair if good."""
    data = form.cleaned_data
    if start_name in form.errors or end_name in form.errors:
        return None
    start, end = data.get(start_name), data.get(end_name)
    if start is None and end is None:
        return None
    if start is None:
        form.add_error(start_name, _("Enter the start as well."))
        return None
    if end is None:
        form.add_error(end_name, _("Enter the end as well."))
        return None
    good = True
    if start < timezone.now():
        form.add_error(start_name, _("This time has already passed."))
        good = False
    if end <= start:
        form.add_error(end_name, _("The end must be after the start."))
        good = False
    return (start, end) if good else None


class EntryDeclineForm(forms.Form):
    """Declining an entry (見送り): a reason from the list is required."""

    reason = forms.ChoiceField(
        label=_("Reason"),
        # "The project was cancelled" is given by the project's cancellation, never chosen.
        choices=[("", _("Choose a reason")), *Application.CHOSEN_DECLINE_REASONS],
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": _("Choose the reason for declining.")},
    )
    message = forms.CharField(
        label=_("Message to the student"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
        help_text=_("Sent by email with the decision. A few kind words help the student."),
    )


class InterviewProposeForm(forms.Form):
    """Up to five times for the student to choose from, how the interview is held and who
    interviews."""

    mode = forms.ChoiceField(
        label=_("How"),
        choices=Interview.Mode.choices,
        initial=Interview.Mode.ONLINE,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    meeting_url = forms.URLField(
        label=_("Meeting URL"),
        required=False,
        widget=forms.URLInput(attrs={"class": "form-control", "placeholder": "https://"}),
        help_text=_("Required for an online interview."),
    )
    place = forms.CharField(
        label=_("Place"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text=_("Required for an interview on site: the address or the room."),
    )
    interviewers = IdMultipleChoiceField(
        label=_("Interviewers"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("If you choose nobody, you are the interviewer."),
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interviewers"].queryset = members
        for n in range(1, MAX_SLOTS + 1):
            self.fields[f"slot_{n}_start"] = _datetime_field(_("Starts at"))
            self.fields[f"slot_{n}_end"] = _datetime_field(_("Ends at"))

    def slot_rows(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return [
            (n, self[f"slot_{n}_start"], self[f"slot_{n}_end"]) for n in range(1, MAX_SLOTS + 1)
        ]

    def clean(self):
        data = super().clean()
        slots = []
        for n in range(1, MAX_SLOTS + 1):
            pair = _check_time(self, f"slot_{n}_start", f"slot_{n}_end")
            if pair:
                slots.append(pair)
        slot_errors = any(name.startswith("slot_") for name in self.errors)
        if not slots and not slot_errors:
            self.add_error("slot_1_start", _("Propose at least one time."))
        mode = data.get("mode")
        # A field already marked wrong (e.g. a malformed URL) keeps its own error.
        url_missing = not data.get("meeting_url") and "meeting_url" not in self.errors
        if mode == Interview.Mode.ONLINE and url_missing:
            self.add_error("meeting_url", _("Enter the meeting URL for an online interview."))
        place_missing = not data.get("place", "").strip() and "place" not in self.errors
        if mode == Interview.Mode.ONSITE and place_missing:
            self.add_error("place", _("Enter the place for an interview on site."))
        data["slots"] = sorted(slots)
        return data


class InterviewScheduleForm(forms.Form):
    """Setting the time of a proposed interview directly (agreed with the student elsewhere)."""

    starts_at = _datetime_field(_("Starts at"), required=True)
    ends_at = _datetime_field(_("Ends at"), required=True)

    def clean(self):
        data = super().clean()
        _check_time(self, "starts_at", "ends_at")
        return data


class InterviewCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        help_text=_("The student and the interviewers receive it by email."),
        error_messages={"required": _("Enter the reason for cancelling.")},
    )


class InterviewFeedbackForm(forms.Form):
    recommendation = forms.ChoiceField(
        label=_("Your recommendation"),
        choices=InterviewFeedback.Recommendation.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": _("Choose your recommendation.")},
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
        help_text=_("Seen by the host and the region's coordinators, never by the student."),
    )
