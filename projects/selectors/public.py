"""Reads for the public project index, project pages, region pages, the feed and the sitemap."""

import unicodedata
from dataclasses import dataclass

from django.db import models
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from config.fetching import list_fetch_mode
from programs.models import Region, RegionCoordinator, Term
from projects.models import Project, Theme
from projects.search import fold

# Only these states have a public page; every other state is a 404, also for a guessed id.
PUBLIC_STATES = (Project.Status.PUBLISHED, Project.Status.CLOSED)

# Duration filter: key in the URL -> inclusive range of months.
DURATION_RANGES = {"1-2": (1, 2), "3-5": (3, 5), "6-12": (6, 12)}

SORT_NEWEST = "new"
SORT_DEADLINE = "deadline"
SORT_SHORTEST = "short"
SORT_LONGEST = "long"
SORTS = (SORT_NEWEST, SORT_DEADLINE, SORT_SHORTEST, SORT_LONGEST)

# Long texts a project card never shows; a template that reads one anyway raises under
# FETCH_RAISE in the tests, and costs one query per page (FETCH_PEERS) in production.
CARD_DEFERRED = (
    "vision",
    "challenge",
    "intern_role",
    "outcomes",
    "housing_support",
    "travel_support",
    "pre_assignment_brief",
    "organization__description",
)

# The feed carries the newest projects only; older ones are in the sitemap.
FEED_SIZE = 30


@dataclass(frozen=True)
class ProjectFilters:
    """What a visitor asked the index for; every field empty means "everything public"."""

    q: str = ""
    region: Region | None = None
    term: Term | None = None
    season: str = ""
    duration: str = ""
    style: str = ""
    theme: Theme | None = None
    kind: str = ""
    open_only: bool = False
    sort: str = SORT_NEWEST

    def count_key(self) -> str:
        """Names the set of rows these filters select (the order does not change a count)."""
        pk = lambda obj: "" if obj is None else obj.pk  # noqa: E731
        parts = (self.q, pk(self.region), pk(self.term), self.season, self.duration)
        parts += (self.style, pk(self.theme), self.kind, self.open_only)
        return "index|" + "|".join(str(part) for part in parts)


def _open_q(now=None) -> Q:
    """Published and before its entry deadline: the same rule as `Project.is_open_for_entry`."""
    now = now or timezone.now()
    return Q(status=Project.Status.PUBLISHED) & (
        Q(entry_deadline__isnull=True) | Q(entry_deadline__gt=now)
    )


def search_terms(q: str) -> list[str]:
    """Split a query on any space (also the ideographic space U+3000) into at most 5 terms.

    NFKC folds full-width letters and digits (ＩＴ → IT) and half-width katakana (ｶﾌｪ → カフェ),
    so a query typed with a Japanese IME finds the same rows on SQLite and PostgreSQL, whose
    case-insensitive LIKE differ outside ASCII.
    """
    normalized = unicodedata.normalize("NFKC", q or "")
    return [t for t in normalized.split() if t][:5]


def _term_q(term: str) -> Q:
    """One term anywhere in a project's searched text (projects/search.py), as one LIKE on one
    folded column: a term of 3 characters or more on `search_text`, which PostgreSQL answers
    from its trigram index, a shorter one as a whole gram of `search_grams` (its own index).
    Both sides are folded alike (NFKC, lower case), so ＩＴ, ｉｔ and IT find the same rows."""
    folded = fold(term)
    if len(folded) <= 2:
        return Q(search_grams__contains=f" {folded} ")
    return Q(search_text__contains=folded)


def public_projects() -> QuerySet[Project]:
    """Published and closed projects with what a project card shows, in one query."""
    return (
        Project.objects.filter(status__in=PUBLIC_STATES)
        .select_related("organization", "region", "term")
        .prefetch_related("themes")
        # A relation a template touches beyond these: an error in the tests, one query for
        # the whole page in production (config/fetching.py).
        .fetch_mode(list_fetch_mode())
    )


def project_index(filters: ProjectFilters, *, now=None) -> QuerySet[Project]:
    """The public index: filters narrow, `sort` orders; the page is cut by the caller."""
    now = now or timezone.now()
    qs = public_projects().defer(*CARD_DEFERRED)
    if filters.region is not None:
        qs = qs.filter(region=filters.region)
    if filters.term is not None:
        qs = qs.filter(term=filters.term)
    if filters.season:
        qs = qs.filter(term__season=filters.season)
    if filters.duration in DURATION_RANGES:
        qs = qs.filter(duration_months__range=DURATION_RANGES[filters.duration])
    if filters.style:
        qs = qs.filter(participation_style=filters.style)
    if filters.theme is not None:
        # A semi-join, not a join: a project never appears twice.
        qs = qs.filter(
            models.Exists(
                Project.themes.through.objects.filter(
                    project_id=models.OuterRef("pk"), theme_id=filters.theme.pk
                )
            )
        )
    if filters.kind:
        qs = qs.filter(organization__kind=filters.kind)
    if filters.open_only:
        qs = qs.filter(_open_q(now))
    for term in search_terms(filters.q):
        qs = qs.filter(_term_q(term))
    return _ordered(qs, filters.sort, now)


def _ordered(qs: QuerySet[Project], sort: str, now) -> QuerySet[Project]:
    if sort == SORT_DEADLINE:
        # Open projects first, nearest deadline first; projects without a deadline after them.
        return qs.annotate(
            open_rank=Case(
                When(_open_q(now), then=Value(0)), default=1, output_field=IntegerField()
            )
        ).order_by("open_rank", F("entry_deadline").asc(nulls_last=True), "-id")
    if sort == SORT_SHORTEST:
        return qs.order_by("duration_months", "-published_at", "-id")
    if sort == SORT_LONGEST:
        return qs.order_by("-duration_months", "-published_at", "-id")
    # Every public project has published_at (publishing stamps it): the index's own order.
    return qs.order_by("-published_at", "-id")


class IdFirstPages:
    """A filtered, ordered index as Paginator pages over it: ids first, then whole rows.

    A page's ids come from the ordered query alone, which PostgreSQL answers from
    project_public_newest_idx (or the trigram index for a search) without reading, joining or
    sorting wide rows, so OFFSET 7,980 (page 400) skips index entries, not joined rows that
    spill to disk. The page's 20 rows are then fetched whole by id. The count is kept per
    filter in the public pages' cache (projects/page_cache.py) until the data changes.
    """

    ordered = True  # Paginator warns about an unordered list; the ids query has an order

    def __init__(self, queryset: QuerySet[Project], *, count_key: str):
        self.queryset = queryset
        self.count_key = count_key

    def count(self) -> int:
        from projects.page_cache import cached_count

        return cached_count(self.count_key, self.queryset.order_by().count)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Project]:
        if not isinstance(index, slice):
            raise TypeError("IdFirstPages is sliced by Paginator only")
        ids = list(self.queryset.values_list("pk", flat=True)[index])
        if not ids:
            return []
        rows = public_projects().defer(*CARD_DEFERRED).filter(pk__in=ids).order_by()
        by_id = {project.pk: project for project in rows}
        return [by_id[pk] for pk in ids if pk in by_id]


def project_index_pages(filters: ProjectFilters, *, now=None) -> IdFirstPages:
    """The public index for Paginator (see IdFirstPages)."""
    return IdFirstPages(project_index(filters, now=now), count_key=filters.count_key())


def region_coordinators(region: Region) -> list:
    """The coordinators a region's public pages name: active, with a name, and who agreed to
    be named there (`RegionCoordinator.is_public`). Only the name is shown in public, never
    the email address that `str(user)` falls back to."""
    roles = (
        RegionCoordinator.objects.filter(region=region, is_public=True, user__is_active=True)
        .exclude(user__name="")
        .select_related("user")
        .order_by("user__name")
    )
    return [role.user for role in roles]


def region_open_projects(region: Region, *, now=None) -> QuerySet[Project]:
    """A region's projects that take entries now, nearest deadline first."""
    now = now or timezone.now()
    qs = public_projects().defer(*CARD_DEFERRED).filter(_open_q(now), region=region)
    return _ordered(qs, SORT_DEADLINE, now)


def region_open_pages(region: Region, *, now=None) -> IdFirstPages:
    """A region's open projects for Paginator (see IdFirstPages)."""
    return IdFirstPages(region_open_projects(region, now=now), count_key=f"region|{region.pk}")


def regions_with_open_counts(*, now=None) -> list[Region]:
    """Every region with `open_count`: one grouped query over open projects, not a join."""
    regions = list(Region.objects.order_by("position", "id"))
    counts = dict(
        Project.objects.filter(_open_q(now))
        .order_by()
        .values("region_id")
        .annotate(n=Count("id"))
        .values_list("region_id", "n")
    )
    for region in regions:
        region.open_count = counts.get(region.pk, 0)
    return regions


def feed_projects(limit: int = FEED_SIZE) -> QuerySet[Project]:
    """The newest published projects for the Atom feed."""
    return (
        Project.objects.filter(status=Project.Status.PUBLISHED, published_at__isnull=False)
        .select_related("organization", "region")
        .prefetch_related("themes")
        .order_by("-published_at", "-id")[:limit]
    )


def sitemap_projects() -> QuerySet[Project]:
    """Published and closed projects, lightest columns only."""
    return (
        Project.objects.filter(status__in=PUBLIC_STATES)
        .only("id", "status", "updated_at")
        .order_by("-id")
    )
