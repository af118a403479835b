"""Public pages: the project index, a project's page, region pages, the feed and the sitemap."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from django.views.i18n import set_language

from programs.models import Region
from projects.feeds import LatestProjectsFeed
from projects.forms_public import ProjectSearchForm
from projects.models import Project
from projects.page_cache import PublicPageCacheMixin
from projects.selectors import public as selectors

__all__ = [
    "LatestProjectsFeed",
    "ProjectDetailView",
    "ProjectListView",
    "RegionDetailView",
    "RegionListView",
    "RobotsView",
    "language_switch",
    "project_page_context",
]

PAGE_SIZE = 20


def _page(request, pages: selectors.IdFirstPages):
    """A page of `pages`; a number past the end shows the last page, garbage the first."""
    return Paginator(pages, PAGE_SIZE).get_page(request.GET.get("page"))


@csrf_exempt
@require_POST
def language_switch(request):
    """The header's language switch: Django's set_language, without a CSRF token.

    The switch sits on every page, and an anonymous page is cached whole (PublicPageCacheMixin):
    a token in it would be handed to every visitor, and rendering it sets a cookie that makes
    the page uncacheable. Forging this POST from another site changes only the visitor's
    language cookie (no row, no session, no account: `next` is checked against our host by
    set_language), so there is nothing for a CSRF token to protect. It stays a POST so that a
    crawler or a prefetch following links never changes the language.
    """
    return set_language(request)


class ProjectListView(PublicPageCacheMixin, TemplateView):
    """The public index of published and closed projects, searched and filtered by GET."""

    template_name = "projects/public/project_list.html"
    cache_query_params = frozenset({*ProjectSearchForm.base_fields, "page"})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Bound only when a query is given, so a bare /projects/ shows no "filtered" state.
        query = {k: v for k, v in self.request.GET.items() if k != "page"}
        form = ProjectSearchForm(query or None)
        filters = form.filters()
        page = _page(self.request, selectors.project_index_pages(filters))
        context.update(
            form=form,
            panel_fields=[form[name] for name in form.PANEL_FIELDS],
            filters=filters,
            page=page,
            projects=page.object_list,
            is_filtered=any(v for k, v in query.items() if k != "sort"),
        )
        return context


# A project the coordinators have not published yet: its page will take entries once they do.
BEFORE_PUBLICATION = frozenset(
    {
        Project.Status.DRAFT,
        Project.Status.SUBMITTED,
        Project.Status.CHANGES_REQUESTED,
        Project.Status.APPROVED,
    }
)


def project_page_context(project: Project, *, preview: bool = False) -> dict:
    """What project_detail.html shows, for the public page and for the host's preview alike.

    The preview shows a project as its public page will: a project not yet published is
    shown open for entry unless its entry deadline will have passed. It is marked `noindex`
    (no canonical link, no share card: its address is not public) and its entry button is
    inert.
    """
    is_public = project.status in selectors.PUBLIC_STATES
    if is_public or not preview:
        is_open = project.is_open_for_entry
    elif project.status in BEFORE_PUBLICATION:
        deadline = project.entry_deadline
        is_open = deadline is None or deadline > timezone.now()
    else:  # in progress, completed or cancelled: it will not take entries again
        is_open = False
    context = {
        "project": project,
        "coordinators": selectors.region_coordinators(project.region),
        "themes": list(project.themes.all()),
        "is_open": is_open,
        "is_public": is_public,
    }
    if preview:
        context.update(preview=True, noindex=True)
    return context


class ProjectDetailView(PublicPageCacheMixin, TemplateView):
    """Everything a student needs to decide, and the entry button while entry is open."""

    template_name = "projects/public/project_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = get_object_or_404(selectors.public_projects(), pk=kwargs["pk"])
        context.update(project_page_context(project))
        return context


class RegionListView(PublicPageCacheMixin, TemplateView):
    template_name = "projects/public/region_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["regions"] = selectors.regions_with_open_counts()
        return context


class RegionDetailView(PublicPageCacheMixin, TemplateView):
    """A region's description, its coordinators and the projects that take entries now."""

    template_name = "projects/public/region_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        region = get_object_or_404(Region, slug=kwargs["slug"])
        page = _page(self.request, selectors.region_open_pages(region, now=timezone.now()))
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
