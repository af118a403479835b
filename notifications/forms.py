"""The email preferences form: one checkbox per kind of event a user may switch off."""

from django import forms

from .events import EVENTS


class PreferencesForm(forms.Form):
    def __init__(self, *args, enabled: dict[str, bool], **kwargs):
        super().__init__(*args, **kwargs)
        for name, event in EVENTS.items():
            if event.optional:
                self.fields[name] = forms.BooleanField(
                    label=event.label, required=False, initial=enabled.get(name, True)
                )
