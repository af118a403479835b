"""Forms for the parties of a placement: their part of a review, and a survey."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SurveyQuestion


class ReviewPartForm(forms.Form):
    notes = forms.CharField(
        label=_("Your notes"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What went well, what was hard, what you want to try next."),
    )


class SurveyForm(forms.Form):
    """One field per question of the survey, by kind."""

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        for question in survey.questions.all():
            name = str(question.pk)
            if question.kind == SurveyQuestion.Kind.RATING:
                field = forms.TypedChoiceField(
                    choices=[(i, str(i)) for i in range(1, 6)],
                    coerce=int,
                    widget=forms.RadioSelect,
                )
            elif question.kind == SurveyQuestion.Kind.CHOICE:
                field = forms.ChoiceField(
                    choices=[(c, c) for c in question.choices], widget=forms.RadioSelect
                )
            else:
                field = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
            field.label = question.text
            field.required = question.required
            self.fields[name] = field
