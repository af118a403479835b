"""The email preferences form: one checkbox per kind of event a user may switch off."""

from django import forms

from .events import EVENTS


class PreferencesForm(forms.Form):
    def __init__(self, *args, enabled: dict[str, bool], **kwargs):
        super().__init__(*args, **kwargs)
        for name, event in EVENTS.items():
            # A visitor's kind shows only once its link turned it off, so it can be turned on.
            listed = not event.visitor or enabled.get(name) is False
            if event.optional and listed:
                self.fields[name] = forms.BooleanField(
                    label=event.label, required=False, initial=enabled.get(name, True)
                )
