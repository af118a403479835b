"""Admin pages for coordinators: the regional pipeline board, the funnel and survey results."""

import csv

from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from config.cache import cached
from programs.models import Region, Term
from programs.selectors import regions_coordinated_by

from . import selectors
from .models import Survey


def admin_frame(request) -> dict:
    """The admin's context for these pages, as admin.site.each_context() gives it, less the
    list of apps: these pages hide the sidebar that shows it, and building it costs two
    permission queries on every request."""
    site = admin.site
    script_name = request.META["SCRIPT_NAME"]
    return {
        "site_title": site.site_title,
        "site_header": site.site_header,
        "site_url": script_name if site.site_url == "/" and script_name else site.site_url,
        "has_permission": site.has_permission(request),
        "available_apps": [],
        "is_popup": False,
        "is_nav_sidebar_enabled": False,
        "log_entries": site.get_log_entries(request),
    }


class PipelineRegionListView(TemplateView):
    """The regions the user coordinates (all of them for programme staff)."""

    template_name = "coordinators/admin/pipeline_index.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            **admin_frame(self.request),
            "title": _("Regional pipelines"),
            "regions": list(regions_coordinated_by(self.request.user).order_by("position", "id")),
        }


class RegionPageMixin:
    """A page about one of the user's regions; another region's slug gives 404."""

    page: str = ""

    def dispatch(self, request, *args, **kwargs):
        self.region: Region = get_object_or_404(
            regions_coordinated_by(request.user), slug=kwargs["region_slug"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_terms(self) -> list[Term]:
        """Every term, for the filter: one query, which also finds the chosen term."""
        if not hasattr(self, "_terms"):
            self._terms = list(Term.objects.select_related("program").order_by("-starts_on", "pk"))
        return self._terms

    def get_term(self) -> Term | None:
        value = self.request.GET.get("term", "")
        return next((t for t in self.get_terms() if str(t.pk) == value), None)

    def get_context_data(self, **kwargs):
        term = self.get_term()
        return {
            **super().get_context_data(**kwargs),
            **admin_frame(self.request),
            "region": self.region,
            "term": term,
            "terms": self.get_terms(),
            "term_query": f"?term={term.pk}" if term else "",
            "page": self.page,
        }


class PipelineBoardView(RegionPageMixin, TemplateView):
    """Every host at its step of the flow and every entry by status, with what is overdue."""

    template_name = "coordinators/admin/pipeline_board.html"
    page = "board"

    body_template = "coordinators/admin/_pipeline_board_body.html"
    thresholds = {
        "lead": selectors.LEAD_CONTACT_DAYS,
        "inquiry": selectors.INQUIRY_ANSWER_DAYS,
        "entry": selectors.ENTRY_WAIT_DAYS,
    }

    def get_context_data(self, **kwargs):
        term = self.get_term()
        # Read only where something asks for it (tests do; the page uses the body).
        board = SimpleLazyObject(
            lambda: selectors.cached_pipeline_board(region=self.region, term=term)
        )
        body, as_of = self.body(board, term)
        return {
            **super().get_context_data(**kwargs),
            "title": _("Pipeline of %(region)s") % {"region": self.region.name},
            "board": board,
            "board_body": body,
            "as_of": as_of,
        }

    def body(self, board, term) -> tuple[str, object]:
        """The columns and counts as HTML, with the time their data was computed.

        Rendering some 200 cards costs more than reading the cached data, so the HTML is
        kept too, under the same version as the data (selectors.pipeline_cache_key): any
        change to what the board reads starts a new one. It holds no form and nothing of the
        user's (the page's own frame, with its CSRF token, is rendered per request).
        """
        key = selectors.pipeline_cache_key("board-html", self.region, term)
        context = {"board": board, "term": term, "thresholds": self.thresholds}
        return cached(
            key,
            lambda: (render_to_string(self.body_template, context), board.now),
            settings.PIPELINE_CACHE_TIMEOUT,
        )


# The funnel chart's geometry, in SVG user units (it scales with the page).
CHART_WIDTH = 760
CHART_VALUE_ROOM = 90
CHART_BAR_HEIGHT = 24
CHART_GAP = 10


def bar_chart(rows: list[tuple[str, float, str]], *, label_width: int = 190) -> dict:
    """Horizontal bars for (label, value, shown value): positions and widths for the template."""
    top = max((value for _label, value, _shown in rows), default=0) or 1
    room = CHART_WIDTH - label_width - CHART_VALUE_ROOM
    bars = []
    for index, (label, value, shown) in enumerate(rows):
        y = CHART_GAP + index * (CHART_BAR_HEIGHT + CHART_GAP)
        width = round(room * value / top, 1)
        bars.append(
            {
                "label": label,
                "shown": shown,
                "y": y,
                "width": width,
                "text_y": y + CHART_BAR_HEIGHT * 0.7,
                "value_x": label_width + width + 6,
            }
        )
    return {
        "width": CHART_WIDTH,
        "height": CHART_GAP + len(rows) * (CHART_BAR_HEIGHT + CHART_GAP),
        "label_x": label_width - 8,
        "bar_x": label_width,
        "bar_height": CHART_BAR_HEIGHT,
        "bars": bars,
    }


class PipelineFunnelView(RegionPageMixin, TemplateView):
    """Leads to completed placements for a region and term: counts, rates and median times."""

    template_name = "coordinators/admin/pipeline_funnel.html"
    page = "funnel"

    def get_context_data(self, **kwargs):
        funnel = selectors.cached_pipeline_funnel(
            region=self.region, term=self.get_term(), terms=self.get_terms()
        )
        measured = [d for d in funnel.durations if d.median is not None]
        return {
            **super().get_context_data(**kwargs),
            "title": _("Funnel of %(region)s") % {"region": self.region.name},
            "funnel": funnel,
            "as_of": funnel.now,
            "funnel_chart": bar_chart(
                [(str(s.label), s.count, str(s.count)) for s in funnel.stages]
            ),
            "duration_chart": bar_chart(
                [
                    (
                        str(d.label),
                        d.median_days,
                        _("%(days)s days") % {"days": f"{d.median_days:.1f}"},
                    )
                    for d in measured
                ],
                label_width=270,
            ),
        }


class SurveyReportView(RegionPageMixin, TemplateView):
    """Survey results of a region and term, and the raw answers as CSV (`?format=csv`)."""

    template_name = "coordinators/admin/survey_report.html"
    page = "surveys"

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv":
            return self.csv_response()
        return super().get(request, *args, **kwargs)

    def csv_response(self) -> HttpResponse:
        value = self.request.GET.get("survey", "")
        survey = None
        if value:
            survey = get_object_or_404(Survey, pk=value) if value.isdigit() else None
        term = self.get_term()
        rows = selectors.survey_csv_rows(region=self.region, term=term, survey=survey)
        name = "-".join(
            part
            for part in (
                "survey-answers",
                self.region.slug,
                f"{term.year}-{term.season}" if term else "",
                f"survey{survey.pk}" if survey else "",
            )
            if part
        )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        # The byte-order mark tells Excel the file is UTF-8, so Japanese opens correctly.
        response.write("\ufeff")
        csv.writer(response).writerows(rows)
        return response

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": _("Survey results of %(region)s") % {"region": self.region.name},
            "results": selectors.survey_results(region=self.region, term=self.get_term()),
        }


def admin_page(view):
    """The admin's login, staff check and CSRF around one of these pages."""
    return admin.site.admin_view(view.as_view())
