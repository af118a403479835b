"""The search and filter form of the public project index (a GET form: the URL is the query)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from programs.models import OrganizationKind, Region, Term, TermSeason
from projects.models import ProjectParticipationStyle, Theme

from .selectors import localised_name
from .selectors.public import (
    SORT_DEADLINE,
    SORT_LONGEST,
    SORT_NEWEST,
    SORT_SHORTEST,
    ProjectFilters,
)


def _blank(label) -> list:
    return [("", label)]


def _select() -> forms.Select:
    return forms.Select(attrs={"class": "form-select"})


class ProjectSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Keywords"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "class": "form-control",
                "placeholder": _("e.g. tourism, 十勝, food"),
                "enterkeyhint": "search",
            }
        ),
    )
    # Regions, terms and themes are read once per request in __init__ (3 queries), then
    # both the menus and the validation use that list.
    region = forms.ChoiceField(label=_("Region"), required=False, widget=_select())
    term = forms.ChoiceField(label=_("Term"), required=False, widget=_select())
    season = forms.ChoiceField(
        label=_("Season"),
        choices=_blank(_("Any season")) + TermSeason.choices,
        required=False,
        widget=_select(),
    )
    duration = forms.ChoiceField(
        label=_("Duration"),
        choices=[
            ("", _("Any length")),
            ("1-2", _("1–2 months")),
            ("3-5", _("3–5 months")),
            ("6-12", _("6–12 months")),
        ],
        required=False,
        widget=_select(),
    )
    style = forms.ChoiceField(
        label=_("Participation style"),
        choices=_blank(_("Any style")) + ProjectParticipationStyle.choices,
        required=False,
        widget=_select(),
    )
    theme = forms.ChoiceField(label=_("Theme"), required=False, widget=_select())
    kind = forms.ChoiceField(
        label=_("Kind of host"),
        choices=_blank(_("Any kind")) + OrganizationKind.choices,
        required=False,
        widget=_select(),
    )
    open = forms.BooleanField(
        label=_("Open for entry only"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        choices=[
            (SORT_NEWEST, _("Newest first")),
            (SORT_DEADLINE, _("Entry deadline soonest")),
            (SORT_SHORTEST, _("Shortest first")),
            (SORT_LONGEST, _("Longest first")),
        ],
        required=False,
        widget=_select(),
    )

    # Filters shown in the collapsible panel; `q` and `sort` stay in view.
    PANEL_FIELDS = ("region", "term", "season", "duration", "style", "theme", "kind")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.regions = {r.slug: r for r in Region.objects.order_by("position", "id")}
        self.terms = {str(t.pk): t for t in Term.objects.order_by("-year", "season")}
        self.themes = {t.slug: t for t in Theme.objects.order_by("name")}
        self.fields["region"].choices = _blank(_("All regions")) + [
            (slug, localised_name(r)) for slug, r in self.regions.items()
        ]
        self.fields["term"].choices = _blank(_("All terms")) + [
            (pk, str(t)) for pk, t in self.terms.items()
        ]
        self.fields["theme"].choices = _blank(_("All themes")) + [
            (slug, localised_name(t)) for slug, t in self.themes.items()
        ]

    def filters(self) -> ProjectFilters:
        """The valid part of the query; an unknown value in the URL is ignored, not an error."""
        if not self.is_bound:
            return ProjectFilters()
        self.is_valid()
        data = self.cleaned_data
        return ProjectFilters(
            q=data.get("q") or "",
            region=self.regions.get(data.get("region") or ""),
            term=self.terms.get(data.get("term") or ""),
            season=data.get("season") or "",
            duration=data.get("duration") or "",
            style=data.get("style") or "",
            theme=self.themes.get(data.get("theme") or ""),
            kind=data.get("kind") or "",
            open_only=bool(data.get("open")),
            sort=data.get("sort") or SORT_NEWEST,
        )

    def has_panel_filters(self) -> bool:
        """True when a filter in the panel is set, so the panel opens on a phone."""
        if not self.is_bound:
            return False
        self.is_valid()
        return any(self.cleaned_data.get(name) for name in (*self.PANEL_FIELDS, "open"))
