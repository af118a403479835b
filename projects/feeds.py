"""The Atom feed of newly published projects (django.contrib.syndication)."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .selectors.public import feed_projects


class LatestProjectsFeed(Feed):
    feed_type = Atom1Feed
    link = reverse_lazy("projects:project-list")
    subtitle = _("Projects of regional hosts that have just started recruiting students.")

    def title(self) -> str:
        return _("New projects — %(programme)s") % {"programme": settings.PROGRAMME_NAME}

    def items(self):
        return feed_projects()

    def item_title(self, item) -> str:
        return item.title

    def item_description(self, item) -> str:
        return item.summary or item.vision[:300]

    def item_link(self, item) -> str:
        return reverse("projects:project-detail", args=[item.pk])

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item) -> str:
        return item.organization.name

    def item_categories(self, item) -> list[str]:
        return [item.region.name, *(theme.name for theme in item.themes.all())]
