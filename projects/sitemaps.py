"""The sitemap (/sitemap.xml): the public pages, the public projects and the regions."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from programs.models import Region

from .models import Project
from .selectors.public import sitemap_projects


class StaticPagesSitemap(Sitemap):
    priority = 0.8
    changefreq = "daily"

    def items(self) -> list[str]:
        return ["programs:home", "projects:project-list", "projects:region-list"]

    def location(self, item: str) -> str:
        return reverse(item)


class ProjectSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return sitemap_projects()

    def location(self, item: Project) -> str:
        return reverse("projects:project-detail", args=[item.pk])

    def lastmod(self, item: Project):
        return item.updated_at

    def priority(self, item: Project) -> float:
        # Closed pages stay reachable (they may reopen) but matter less than open ones.
        return 0.7 if item.status == Project.Status.PUBLISHED else 0.3


class RegionSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return Region.objects.order_by("position", "id")

    def location(self, item: Region) -> str:
        return reverse("projects:region-detail", args=[item.slug])


SITEMAPS = {"pages": StaticPagesSitemap, "projects": ProjectSitemap, "regions": RegionSitemap}
