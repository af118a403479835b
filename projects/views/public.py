"""Public pages: the project index, a project's page, region pages, the feed and the sitemap."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import TemplateView

from programs.models import Region
from projects.feeds import LatestProjectsFeed
from projects.forms_public import ProjectSearchForm
from projects.selectors import public as selectors

__all__ = [
    "LatestProjectsFeed",
    "ProjectDetailView",
    "ProjectListView",
    "RegionDetailView",
    "RegionListView",
    "RobotsView",
]

PAGE_SIZE = 20


def _page(request, queryset):
    """A page of `queryset`; a number past the end shows the last page, garbage the first."""
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


class ProjectListView(TemplateView):
    """The public index of published and closed projects, searched and filtered by GET."""

    template_name = "projects/public/project_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Bound only when a query is given, so a bare /projects/ shows no "filtered" state.
        query = {k: v for k, v in self.request.GET.items() if k != "page"}
        form = ProjectSearchForm(query or None)
        filters = form.filters()
        page = _page(self.request, selectors.project_index(filters))
        context.update(
            form=form,
            panel_fields=[form[name] for name in form.PANEL_FIELDS],
            filters=filters,
            page=page,
            projects=page.object_list,
            is_filtered=any(v for k, v in query.items() if k != "sort"),
        )
        return context


class ProjectDetailView(TemplateView):
    """Everything a student needs to decide, and the entry button while entry is open."""

    template_name = "projects/public/project_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = get_object_or_404(selectors.public_projects(), pk=kwargs["pk"])
        context.update(
            project=project,
            coordinators=selectors.region_coordinators(project.region),
            themes=list(project.themes.all()),
            is_open=project.is_open_for_entry,
        )
        return context


class RegionListView(TemplateView):
    template_name = "projects/public/region_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["regions"] = selectors.regions_with_open_counts()
        return context


class RegionDetailView(TemplateView):
    """A region's description, its coordinators and the projects that take entries now."""

    template_name = "projects/public/region_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        region = get_object_or_404(Region, slug=kwargs["slug"])
        page = _page(self.request, selectors.region_open_projects(region, now=timezone.now()))
        context.update(
            region=region,
            coordinators=selectors.region_coordinators(region),
            page=page,
            projects=page.object_list,
        )
        return context


class RobotsView(TemplateView):
    template_name = "projects/public/robots.txt"
    content_type = "text/plain; charset=utf-8"
