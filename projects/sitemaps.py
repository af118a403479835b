"""The sitemap (/sitemap.xml): the public pages, the public projects and the regions."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from programs.models import Region

from .models import Project
from .selectors.public import sitemap_projects


class StaticPagesSitemap(Sitemap):
    """Every public page that is not a project or a region; a thank-you page is not listed
    (it follows a form), nor the pamphlet's PDF (the pamphlet page links it)."""

    # URL name -> (priority, how often it changes).
    PAGES = {
        "programs:home": (1.0, "weekly"),
        "projects:project-list": (0.9, "daily"),
        "projects:region-list": (0.7, "weekly"),
        "programs:for-hosts": (0.8, "monthly"),
        "programs:for-students": (0.8, "monthly"),
        "programs:pamphlet": (0.7, "monthly"),
        "programs:pamphlet-request": (0.5, "yearly"),
        "programs:inquiry-create": (0.5, "yearly"),
        "programs:privacy": (0.2, "yearly"),
    }

    def items(self) -> list[str]:
        return list(self.PAGES)

    def location(self, item: str) -> str:
        return reverse(item)

    def priority(self, item: str) -> float:
        return self.PAGES[item][0]

    def changefreq(self, item: str) -> str:
        return self.PAGES[item][1]


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
