"""Reads for the coordinators' dashboards: the pipeline board, the funnel and survey results."""

import datetime as dt
import functools
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Aggregate,
    BigIntegerField,
    Count,
    DateTimeField,
    DurationField,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from applicants.models import Application, ApplicationStatusChange, Placement
from config.cache import current_versions, drop_now_and_on_commit
from programs.models import Inquiry, PamphletRequest, Region, Term
from projects.models import HostOrganization, IntakeInterview, Project

from .models import ReviewSession, Survey, SurveyQuestion, SurveyResponse

# What counts as overdue on the board (DESIGN.md: the coordinator answers quickly).
LEAD_CONTACT_DAYS = 3
INQUIRY_ANSWER_DAYS = 2
ENTRY_WAIT_DAYS = 5
# Cards shown per column on the board, flagged and longest waiting first (decided entries:
# the newest); the column keeps its full count and links to the rest in the admin list.
ENTRY_CARD_LIMIT = 12
HOST_CARD_LIMIT = 12
# A host-side column links to its own rows by id up to this many (about 2 KB of URL).
LINKED_IDS_LIMIT = 300

PS = Project.Status
AS = Application.Status
LS = PamphletRequest.Status
IS = Inquiry.Status

# The host side of the board: the eight steps of the flow and the repeat (key, mark, label, hint).
HOST_COLUMNS = (
    ("pamphlet", "1", pgettext_lazy("pipeline", "Pamphlet"), _("A lead, not yet a host")),
    ("consultation", "2", pgettext_lazy("pipeline", "Consultation"), _("An open inquiry")),
    ("intake", "3", pgettext_lazy("pipeline", "Intake interview"), _("Outcome pending or on hold")),
    ("design", "4", pgettext_lazy("pipeline", "Project design"), _("Draft, in review, sent back")),
    ("recruiting", "5", pgettext_lazy("pipeline", "Recruiting"), _("Approved or published")),
    ("interviews", "6", pgettext_lazy("pipeline", "Interviews"), _("Entry closed, selecting")),
    ("started", "7", pgettext_lazy("pipeline", "Project start"), _("A placement preparing")),
    ("reviewing", "8", pgettext_lazy("pipeline", "Reviewing"), _("A placement active")),
    (
        "next_cycle",
        "↺",
        pgettext_lazy("pipeline", "Next cycle"),
        _("Completed a project; the next one"),
    ),
)
STEP_KEYS = {int(mark): key for key, mark, _label, _hint in HOST_COLUMNS if mark.isdigit()}

# Where a project's own status puts its host; placements can move it further (7, 8).
PROJECT_STATUS_STEP = {
    PS.DRAFT: 4,
    PS.SUBMITTED: 4,
    PS.CHANGES_REQUESTED: 4,
    PS.APPROVED: 5,
    PS.PUBLISHED: 5,
    PS.CLOSED: 6,
    PS.IN_PROGRESS: 7,
}
CAPPED_ENTRY_STATES = (AS.ACCEPTED, AS.REJECTED, AS.WITHDRAWN, AS.OFFER_DECLINED)
# Statuses of projects whose placements decide steps 7 and 8.
PLACEMENT_PROJECT_STATES = (PS.PUBLISHED, PS.CLOSED, PS.IN_PROGRESS)


@dataclass
class Flag:
    """Something on a card that needs attention: overdue (期限超過) or at risk (要注意)."""

    code: str
    label: str
    severity: str = "overdue"
    url: str = ""

    def __post_init__(self):
        self.label = str(self.label)


@dataclass
class Card:
    kind: str
    pk: int
    title: str
    detail: str
    url: str
    since: dt.datetime | None
    days: int | None
    flags: list[Flag] = field(default_factory=list)
    # Only on hosts: the project the step comes from, the cycle and, in ↺, the step within it.
    project_title: str = ""
    project_url: str = ""
    project_pk: int | None = None
    organization_id: int | None = None
    cycle: int = 1
    step: int | None = None

    @property
    def is_overdue(self) -> bool:
        return any(f.severity == "overdue" for f in self.flags)

    @property
    def is_at_risk(self) -> bool:
        return any(f.severity == "risk" for f in self.flags)


@dataclass
class Column:
    key: str
    mark: str
    label: str
    hint: str = ""
    cards: list[Card] = field(default_factory=list)
    # Set where only the newest cards are shown: the column's full count and its changelist.
    total: int | None = None
    more_url: str = ""

    def __post_init__(self):
        # Plain text in the language of the request that computed the board (the cache key
        # carries it): a lazy string is rebuilt as a new class each time it is unpickled.
        self.label, self.hint = str(self.label), str(self.hint)

    @property
    def count(self) -> int:
        return len(self.cards) if self.total is None else self.total

    @property
    def more(self) -> int:
        return self.count - len(self.cards)


@dataclass
class ReviewAlert:
    review_id: int
    url: str
    severity: str
    label: str
    student: str
    project_title: str
    due_on: dt.date


@dataclass
class Board:
    region: Region
    term: Term | None
    now: dt.datetime
    host_columns: list[Column]
    entry_columns: list[Column]
    review_alerts: list[ReviewAlert]
    counts: dict[str, int]

    @property
    def hosts_total(self) -> int:
        return sum(c.count for c in self.host_columns)

    @property
    def entries_total(self) -> int:
        return sum(c.count for c in self.entry_columns)


def _admin_url(model_name: str, pk: int) -> str:
    head, tail = _change_url_parts(model_name, get_script_prefix(), get_urlconf())
    return f"{head}/{pk}/{tail}"


@functools.lru_cache(maxsize=64)
def _change_url_parts(model_name: str, _prefix: str, _urlconf) -> tuple[str, str]:
    """A model's admin change URL around its pk, reversed once: a board has hundreds of
    cards, and reverse() costs a fifth of a millisecond each on a busy machine."""
    head, tail = reverse(f"admin:{model_name}_change", args=[0]).rsplit("/0/", 1)
    return head, tail


def _days(now: dt.datetime, since: dt.datetime | None) -> int | None:
    return None if since is None else max((now - since).days, 0)


def _waited(now: dt.datetime, since: dt.datetime | None, days: int) -> bool:
    return since is not None and now - since > dt.timedelta(days=days)


def _name(name: str | None, email: str | None) -> str:
    return name or email or "—"


def _latest_change(model, ref: str = "pk") -> Subquery:
    """When the row of `model` at `ref` last changed status (NULL without a status-change row).

    A correlated subquery reads a few index entries per row shown, where MAX over a join
    grouped the whole history of the region."""
    relation = model._meta.get_field("status_changes")
    return Subquery(
        relation.related_model.objects.filter(**{relation.field.name: OuterRef(ref)})
        .order_by("-created_at")
        .values("created_at")[:1]
    )


def pipeline_board(*, region: Region, term: Term | None = None, now=None) -> Board:
    """Every host of `region` at its step and every entry by status, in five queries whatever
    the size of the region: steps 1–3, placements with their reviews, hosts with their
    projects, the entries' counts, and the entries drawn.

    With `term`, hosts and entries are those of the term's projects; leads, inquiries and
    intake interviews have no term and are always shown.
    """
    now = now or timezone.now()
    counts = dict.fromkeys(
        (
            "leads_not_contacted",
            "inquiries_unanswered",
            "entries_waiting",
            "reviews_missed",
            "reviews_at_risk",
        ),
        0,
    )
    host_columns = {key: Column(key, mark, label, hint) for key, mark, label, hint in HOST_COLUMNS}
    early = _early_rows(region)
    host_columns["pamphlet"].cards = _lead_cards(early["lead"], now, counts)
    host_columns["consultation"].cards = _inquiry_cards(early["inquiry"], now, counts)
    host_columns["intake"].cards = _intake_cards(early["intake"], now)
    placements_by_project, flags, review_alerts = _placements_and_reviews(
        region, term, timezone.localdate(now), counts
    )
    in_intake = {card.organization_id for card in host_columns["intake"].cards}
    for column, card in _host_cards(region, term, now, placements_by_project, flags):
        if not (column == "design" and card.project_pk is None and card.pk in in_intake):
            # (A host with no project whose intake is still open is shown at step 3.)
            host_columns[column].cards.append(card)
    # Where a capped column's rest is listed: the admin list of exactly the column's rows (by
    # id), or past LINKED_IDS_LIMIT (a URL must stay short) of the region's rows in the column's
    # states where the list can filter them (a host's step is computed, not stored).
    changelists = {
        "pamphlet": ("programs_pamphletrequest", f"status__in={LS.NEW},{LS.CONTACTED}&"),
        "consultation": ("programs_inquiry", f"status__in={IS.NEW},{IS.ANSWERED}&"),
        "intake": (
            "projects_intakeinterview",
            f"outcome__in={IntakeInterview.Outcome.PENDING},{IntakeInterview.Outcome.HOLD}&",
        ),
    }
    for column in host_columns.values():
        # Flagged cards first, then those that have waited longest; at scale a column shows
        # the first HOST_CARD_LIMIT and links to the full list, so the page stays small.
        column.cards.sort(key=lambda card: (not card.flags, *_oldest_first(card)))
        if len(column.cards) > HOST_CARD_LIMIT:
            model, states = changelists.get(column.key, ("projects_hostorganization", ""))
            if len(column.cards) <= LINKED_IDS_LIMIT:
                ids = ",".join(str(pk) for pk in sorted(card.pk for card in column.cards))
                query = f"id__in={ids}"
            else:
                query = f"{states}region__id__exact={region.pk}"
            column.more_url = f"{reverse(f'admin:{model}_changelist')}?{query}"
            column.total = len(column.cards)
            column.cards = column.cards[:HOST_CARD_LIMIT]
    return Board(
        region=region,
        term=term,
        now=now,
        host_columns=list(host_columns.values()),
        entry_columns=_entry_columns(region, term, now, flags, counts),
        review_alerts=review_alerts,
        counts=counts,
    )


# The columns of one UNION ALL over leads, inquiries and intake interviews (steps 1–3).
EARLY_FIELDS = (
    "b_kind",
    "b_pk",
    "b_title",
    "b_name",
    "b_sub",
    "b_status",
    "b_since",
    "b_organization",
    "b_held",
)


def _early_rows(region: Region) -> dict[str, list[dict]]:
    """Steps 1–3 in one query: leads that did not become an inquiry or a host yet, open
    inquiries that led to no intake interview or host yet, and intake interviews whose outcome
    is pending or on hold (these have no status rows: the step starts when the interview is
    recorded, or when it was put on hold)."""
    # Typed NULLs: PostgreSQL matches the parts' column types pairwise, from the left.
    no_id = Cast(Value(None), output_field=BigIntegerField())
    no_time = Cast(Value(None), output_field=DateTimeField())
    leads = (
        PamphletRequest.objects.filter(region=region, status__in=[LS.NEW, LS.CONTACTED])
        .filter(
            ~Exists(HostOrganization.objects.filter(lead=OuterRef("pk"))),
            ~Exists(Inquiry.objects.filter(lead=OuterRef("pk"))),
        )
        .annotate(
            b_kind=Value("lead"),
            b_pk=F("pk"),
            b_title=F("organization_name"),
            b_name=F("contact_name"),
            b_sub=Value(""),
            b_status=F("status"),
            b_since=Coalesce(_latest_change(PamphletRequest), F("created_at")),
            b_organization=no_id,
            b_held=no_time,
        )
    )
    inquiries = (
        Inquiry.objects.filter(region=region, status__in=[IS.NEW, IS.ANSWERED])
        .filter(
            ~Exists(IntakeInterview.objects.filter(inquiry=OuterRef("pk"))),
            ~Exists(HostOrganization.objects.filter(inquiry=OuterRef("pk"))),
        )
        .annotate(
            b_kind=Value("inquiry"),
            b_pk=F("pk"),
            b_title=F("organization_name"),
            b_name=F("name"),
            b_sub=F("kind"),
            b_status=F("status"),
            b_since=Coalesce(_latest_change(Inquiry), F("created_at")),
            b_organization=no_id,
            b_held=no_time,
        )
    )
    intakes = IntakeInterview.objects.filter(
        region=region,
        outcome__in=[IntakeInterview.Outcome.PENDING, IntakeInterview.Outcome.HOLD],
    ).annotate(
        b_kind=Value("intake"),
        b_pk=F("pk"),
        b_title=F("organization_name"),
        b_name=Value(""),
        b_sub=Value(""),
        b_status=F("outcome"),
        b_since=Coalesce(F("decided_at"), F("created_at")),
        b_organization=F("organization_id"),
        b_held=F("held_at"),
    )
    parts = [qs.order_by().values_list(*EARLY_FIELDS) for qs in (leads, inquiries, intakes)]
    rows: dict[str, list[dict]] = defaultdict(list)
    for values in parts[0].union(*parts[1:], all=True).order_by():
        row = {
            name.removeprefix("b_"): value for name, value in zip(EARLY_FIELDS, values, strict=True)
        }
        rows[row["kind"]].append(row)
    return rows


def _lead_cards(leads: list[dict], now: dt.datetime, counts: dict) -> list[Card]:
    """Step 1: leads that did not become an inquiry or a host yet."""
    labels = dict(LS.choices)
    cards = []
    for lead in leads:
        card = Card(
            "lead",
            lead["pk"],
            lead["title"],
            f"{lead['name']} · {labels[lead['status']]}",
            _admin_url("programs_pamphletrequest", lead["pk"]),
            lead["since"],
            _days(now, lead["since"]),
        )
        if lead["status"] == LS.NEW and _waited(now, lead["since"], LEAD_CONTACT_DAYS):
            card.flags.append(Flag("lead_not_contacted", _("Not contacted")))
            counts["leads_not_contacted"] += 1
        cards.append(card)
    return cards


def _inquiry_cards(inquiries: list[dict], now: dt.datetime, counts: dict) -> list[Card]:
    """Step 2: open inquiries that led to no intake interview or host yet."""
    labels, kinds = dict(IS.choices), dict(Inquiry.Kind.choices)
    cards = []
    for inquiry in inquiries:
        card = Card(
            "inquiry",
            inquiry["pk"],
            inquiry["title"] or inquiry["name"],
            f"{kinds[inquiry['sub']]} · {labels[inquiry['status']]}",
            _admin_url("programs_inquiry", inquiry["pk"]),
            inquiry["since"],
            _days(now, inquiry["since"]),
        )
        if inquiry["status"] == IS.NEW and _waited(now, inquiry["since"], INQUIRY_ANSWER_DAYS):
            card.flags.append(Flag("inquiry_unanswered", _("Unanswered")))
            counts["inquiries_unanswered"] += 1
        cards.append(card)
    return cards


def _intake_cards(intakes: list[dict], now: dt.datetime) -> list[Card]:
    """Step 3: intake interviews whose outcome is pending or on hold."""
    labels = dict(IntakeInterview.Outcome.choices)
    cards = []
    for intake in intakes:
        held = timezone.localtime(intake["held"]).date()
        cards.append(
            Card(
                "intake",
                intake["pk"],
                intake["title"],
                f"{labels[intake['status']]} · {held:%Y-%m-%d}",
                _admin_url("projects_intakeinterview", intake["pk"]),
                intake["since"],
                _days(now, intake["since"]),
                organization_id=intake["organization"],
            )
        )
    return cards


def _placements_and_reviews(
    region: Region, term: Term | None, today: dt.date, counts: dict
) -> tuple[dict[int, list[dict]], dict[int, list[Flag]], list[ReviewAlert]]:
    """One query for the placements that can move hosts to steps 7 and 8 (those of projects
    still open; history is left out) and for the reviews of the active ones, which raise
    step 8's alerts."""
    # A placement belongs to an accepted entry, and no move leaves "accepted": the condition
    # lets the database start from the few accepted entries instead of every entry.
    placements = Placement.objects.filter(
        application__status=AS.ACCEPTED, application__project__region=region
    ).filter(
        Q(application__project__status__in=PLACEMENT_PROJECT_STATES)
        | Q(status=Placement.Status.ACTIVE)
    )
    if term is not None:
        placements = placements.filter(application__project__term=term)
    rows = (
        placements.annotate(since=Coalesce(_latest_change(Placement), F("created_at")))
        .values(
            "pk",
            "status",
            "since",
            "application_id",
            "application__project_id",
            "application__project__status",
            "application__project__title",
            "application__student__name",
            "application__student__email",
            "reviews__pk",
            "reviews__due_on",
            "reviews__held_at",
            "reviews__health",
        )
        .order_by("reviews__due_on", "reviews__pk")
    )
    placements_by_project: dict[int, list[dict]] = defaultdict(list)
    seen: set[int] = set()
    reviews = []
    for row in rows:
        if row["pk"] not in seen:
            seen.add(row["pk"])
            if row["application__project__status"] in PLACEMENT_PROJECT_STATES:
                placements_by_project[row["application__project_id"]].append(row)
        if row["reviews__pk"] is not None and row["status"] == Placement.Status.ACTIVE:
            reviews.append(row)
    flags, alerts = _review_flags(reviews, today, counts)
    return placements_by_project, flags, alerts


def _review_flags(
    reviews: list[dict], today: dt.date, counts: dict
) -> tuple[dict[int, list[Flag]], list[ReviewAlert]]:
    """Step 8's alerts per entry: reviews missed, and the health of the latest held review."""
    flags: dict[int, list[Flag]] = defaultdict(list)
    alerts: list[ReviewAlert] = []
    latest_held: dict[int, dict] = {}
    for review in reviews:
        application_id = review["application_id"]
        if review["reviews__held_at"] is None and review["reviews__due_on"] < today:
            url = _admin_url("coordinators_reviewsession", review["reviews__pk"])
            label = _("Review missed (due %(date)s)") % {
                "date": f"{review['reviews__due_on']:%Y-%m-%d}"
            }
            flags[application_id].append(Flag("review_missed", label, url=url))
            alerts.append(_review_alert(review, url, "overdue", label))
            counts["reviews_missed"] += 1
        held = latest_held.get(application_id)
        if review["reviews__held_at"] is not None and (
            held is None
            or (review["reviews__held_at"], review["reviews__pk"])
            > (held["reviews__held_at"], held["reviews__pk"])
        ):
            latest_held[application_id] = review
    health_labels = dict(ReviewSession.Health.choices)
    for application_id, review in latest_held.items():
        health = review["reviews__health"]
        if health in (ReviewSession.Health.AT_RISK, ReviewSession.Health.OFF_TRACK):
            url = _admin_url("coordinators_reviewsession", review["reviews__pk"])
            label = _("Latest review: %(health)s") % {"health": health_labels[health]}
            flags[application_id].append(Flag(f"review_{health}", label, severity="risk", url=url))
            alerts.append(_review_alert(review, url, "risk", label))
            counts["reviews_at_risk"] += 1
    return flags, alerts


def _host_cards(
    region: Region,
    term: Term | None,
    now: dt.datetime,
    placements_by_project: dict[int, list[dict]],
    flags: dict[int, list[Flag]],
) -> list[tuple[str, Card]]:
    """Steps 4–8 and ↺: each host at the furthest step of its open projects (one query:
    the region's hosts, each joined to its projects in the region)."""
    rows = (
        HostOrganization.objects.filter(region=region)
        .annotate(region_project=FilteredRelation("projects", condition=Q(projects__region=region)))
        .values(
            "pk",
            "name",
            "created_at",
            "region_project__pk",
            "region_project__title",
            "region_project__status",
            "region_project__term_id",
        )
        .annotate(
            project_since=Coalesce(
                _latest_change(Project, ref="region_project__pk"),
                F("region_project__created_at"),
            )
        )
        .order_by("name", "pk")
    )
    hosts: dict[int, dict] = {}
    projects_by_host: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        hosts.setdefault(
            row["pk"], {"pk": row["pk"], "name": row["name"], "created_at": row["created_at"]}
        )
        if row["region_project__pk"] is not None:
            projects_by_host[row["pk"]].append(
                {
                    "pk": row["region_project__pk"],
                    "title": row["region_project__title"],
                    "status": row["region_project__status"],
                    "term_id": row["region_project__term_id"],
                    "since": row["project_since"],
                }
            )
    status_labels = dict(PS.choices)
    found = []
    for host in hosts.values():
        projects = projects_by_host.get(host["pk"], [])
        placed = _host_card(host, projects, placements_by_project, term=term, now=now)
        if placed is None:
            continue
        column, card = placed
        if card.project_pk is not None:
            project = next(p for p in projects if p["pk"] == card.project_pk)
            card.project_title = project["title"]
            card.project_url = _admin_url("projects_project", card.project_pk)
            card.detail = status_labels[project["status"]]
        for project in projects:
            for placement in placements_by_project.get(project["pk"], []):
                card.flags += flags.get(placement["application_id"], [])
        found.append((column, card))
    return found


def _entry_columns(
    region: Region, term: Term | None, now: dt.datetime, flags: dict[int, list[Flag]], counts
) -> list[Column]:
    """Entries by status in two queries. The first counts each status (and the entries
    waiting) in one pass and finds, by an index walk per status, the submission time of its
    ENTRY_CARD_LIMIT-th card: from the oldest for open entries (those that waited longest),
    from the newest for decided ones (which pile up term after term). The second draws the
    cards up to those times."""
    columns = {value: Column(value, "", label) for value, label in Application.Status.choices}
    applications = Application.objects.filter(project__region=region)
    if term is not None:
        applications = applications.filter(project__term=term)
    limit = ENTRY_CARD_LIMIT

    def bound(status: str) -> Max:
        """The submission time of the status's ENTRY_CARD_LIMIT-th card (NULL if fewer). An
        uncorrelated subquery: the database runs it once, an index walk, not once per row."""
        order = ("-created_at", "-pk") if status in CAPPED_ENTRY_STATES else ("created_at", "pk")
        nth = applications.filter(status=status).order_by(*order).values("created_at")
        return Max(Subquery(nth[limit - 1 : limit]))

    # An entry waits from its submission: no move leads back to "submitted", so its time in
    # the step is its age.
    cutoff = now - dt.timedelta(days=ENTRY_WAIT_DAYS)
    per_status = {
        row["status"]: row
        for row in applications.order_by()
        .values("status")
        .annotate(
            n=Count("pk"),
            waiting=Count("pk", filter=Q(created_at__lt=cutoff)),
            **{f"bound_{status}": bound(status) for status in columns},
        )
    }
    changelist = reverse("admin:applicants_application_changelist")
    drawn = Q(pk__in=[])
    for status, column in columns.items():
        column.more_url = (
            f"{changelist}?status__exact={status}&project__region__id__exact={region.pk}"
            + (f"&project__term__id__exact={term.pk}" if term is not None else "")
        )
        row = per_status.get(status)
        column.total = row["n"] if row else 0
        if not column.total:
            continue
        if status == AS.SUBMITTED:
            counts["entries_waiting"] += row["waiting"]
        edge = row[f"bound_{status}"]
        if edge is None:
            drawn |= Q(status=status)
        elif status in CAPPED_ENTRY_STATES:
            drawn |= Q(status=status, created_at__gte=edge)
        else:
            drawn |= Q(status=status, created_at__lte=edge)
    placement_labels = dict(Placement.Status.choices)
    for entry in (
        applications.filter(drawn)
        .annotate(since=Coalesce(_latest_change(Application), F("created_at")))
        .values(
            "pk",
            "status",
            "since",
            "student__name",
            "student__email",
            "project__title",
            "project__organization__name",
            "placement__status",
        )
        .order_by("created_at", "pk")
    ):
        detail = f"{entry['project__title']} · {entry['project__organization__name']}"
        if entry["placement__status"]:
            detail += f" · {placement_labels[entry['placement__status']]}"
        card = Card(
            "entry",
            entry["pk"],
            _name(entry["student__name"], entry["student__email"]),
            detail,
            _admin_url("applicants_application", entry["pk"]),
            entry["since"],
            _days(now, entry["since"]),
            flags=list(flags.get(entry["pk"], [])),
        )
        if entry["status"] == AS.SUBMITTED and _waited(now, entry["since"], ENTRY_WAIT_DAYS):
            card.flags.insert(0, Flag("entry_waiting", _("Waiting for a reply")))
        columns[entry["status"]].cards.append(card)
    for status, column in columns.items():
        # Entries submitted at the same moment as the last one drawn can pass the limit.
        if status in CAPPED_ENTRY_STATES:
            column.cards = column.cards[::-1][:ENTRY_CARD_LIMIT]  # newest first
        else:
            column.cards = column.cards[:ENTRY_CARD_LIMIT]
    return list(columns.values())


def _oldest_first(card: Card) -> tuple:
    """Cards that have waited longest in their step come first."""
    return (card.since is None, card.since or dt.datetime.min.replace(tzinfo=dt.UTC), card.pk)


def _review_alert(review: dict, url: str, severity: str, label: str) -> ReviewAlert:
    return ReviewAlert(
        review_id=review["reviews__pk"],
        url=url,
        severity=severity,
        label=str(label),
        student=_name(review["application__student__name"], review["application__student__email"]),
        project_title=review["application__project__title"],
        due_on=review["reviews__due_on"],
    )


def _project_step(project: dict, placements: list[dict]) -> tuple[int, dt.datetime]:
    """The step a project puts its host at, and since when (placements decide 7 and 8)."""
    by_status: dict[str, list[dt.datetime]] = defaultdict(list)
    for placement in placements:
        by_status[placement["status"]].append(placement["since"])
    finished = by_status[Placement.Status.COMPLETED] + by_status[Placement.Status.ENDED_EARLY]
    if by_status[Placement.Status.ACTIVE]:
        return 8, max(by_status[Placement.Status.ACTIVE])
    if by_status[Placement.Status.PREPARING]:
        return 7, max(by_status[Placement.Status.PREPARING])
    if project["status"] == PS.IN_PROGRESS and finished:
        return 8, max(finished)
    return PROJECT_STATUS_STEP[project["status"]], project["since"]


def _host_card(
    host: dict,
    projects: list[dict],
    placements_by_project: dict[int, list[dict]],
    *,
    term: Term | None,
    now: dt.datetime,
) -> tuple[str, Card] | None:
    """The column and card of one host, or None when the term filter leaves it out."""
    completed = [p for p in projects if p["status"] == PS.COMPLETED]
    in_scope = [p for p in projects if term is None or p["term_id"] == term.pk]
    if term is not None and not in_scope:
        return None
    steps = [
        (*_project_step(p, placements_by_project.get(p["pk"], [])), p["pk"])
        for p in in_scope
        if p["status"] in PROJECT_STATUS_STEP
    ]
    card = Card(
        "host",
        host["pk"],
        host["name"],
        "",
        _admin_url("projects_hostorganization", host["pk"]),
        host["created_at"],
        _days(now, host["created_at"]),
        cycle=len(completed) + 1,
    )
    if steps:
        step, since, card.project_pk = max(steps, key=lambda s: (s[0], s[1]))
        card.since, card.days = since, _days(now, since)
        if completed:
            card.step = step
            return "next_cycle", card
        return STEP_KEYS[step], card
    if completed:
        last = max(completed, key=lambda p: (p["since"], p["pk"]))
        card.project_pk = last["pk"]
        card.since, card.days = last["since"], _days(now, last["since"])
        card.cycle = len(completed)
        return "next_cycle", card
    # A host from an intake that proceeded, with no project yet (or only cancelled ones).
    return "design", card


# The funnel ----------------------------------------------------------------------------------

FUNNEL_STAGES = (
    ("leads", pgettext_lazy("funnel", "Leads")),
    ("inquiries", pgettext_lazy("funnel", "Inquiries")),
    ("intakes", pgettext_lazy("funnel", "Intake interviews")),
    ("projects", pgettext_lazy("funnel", "Projects")),
    ("published", pgettext_lazy("funnel", "Published")),
    ("entries", pgettext_lazy("funnel", "Entries")),
    ("interviews", pgettext_lazy("funnel", "Interviews")),
    ("matches", pgettext_lazy("funnel", "Matches")),
    ("started", pgettext_lazy("funnel", "Started")),
    ("completed", pgettext_lazy("funnel", "Completed")),
)

FUNNEL_DURATIONS = (
    ("lead_contacted", _("Lead requested → contacted")),
    ("inquiry_answered", _("Inquiry received → answered")),
    ("project_approved", _("Project submitted → approved")),
    ("project_published", _("Project approved → published")),
    ("entry_accepted", _("Entry submitted → accepted")),
    ("placement_active", _("Accepted → placement active")),
    ("placement_completed", _("Placement active → completed")),
)


@dataclass
class Stage:
    key: str
    label: str
    count: int
    # This stage's count over the previous one's (None for the first, or after a zero).
    rate: float | None = None

    def __post_init__(self):
        self.label = str(self.label)

    @property
    def rate_percent(self) -> float | None:
        return None if self.rate is None else self.rate * 100


@dataclass
class StepDuration:
    key: str
    label: str
    samples: int
    median: dt.timedelta | None

    def __post_init__(self):
        self.label = str(self.label)

    @property
    def median_days(self) -> float | None:
        return None if self.median is None else self.median.total_seconds() / 86400


@dataclass
class Funnel:
    region: Region
    term: Term | None
    # With a term: the days whose leads, inquiries and intakes count (they have no term).
    window: tuple[dt.date | None, dt.date] | None
    stages: list[Stage]
    durations: list[StepDuration]
    # When the numbers were counted (the page shows it: they may come from the cache).
    now: dt.datetime | None = None

    def stage(self, key: str) -> Stage:
        return next(s for s in self.stages if s.key == key)

    def duration(self, key: str) -> StepDuration:
        return next(d for d in self.durations if d.key == key)


def term_window(term: Term, terms: list[Term] | None = None) -> tuple[dt.date | None, dt.date]:
    """The run-up to a term's entry deadline: after the previous term's deadline (of the same
    programme), up to and including this one's. The first term's window has no start.
    With `terms` (every term, already loaded), no query."""
    if terms is not None:
        earlier = [
            t.entry_closes_on
            for t in terms
            if t.program_id == term.program_id and t.entry_closes_on < term.entry_closes_on
        ]
        return max(earlier, default=None), term.entry_closes_on
    previous = (
        Term.objects.filter(program_id=term.program_id, entry_closes_on__lt=term.entry_closes_on)
        .order_by("-entry_closes_on")
        .values_list("entry_closes_on", flat=True)
        .first()
    )
    return previous, term.entry_closes_on


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _in_window(field_name: str, window: tuple[dt.date | None, dt.date] | None) -> Q:
    if window is None:
        return Q()
    start, end = window
    q = Q(**{f"{field_name}__lt": _local_midnight(end + dt.timedelta(days=1))})
    if start is not None:
        q &= Q(**{f"{field_name}__gte": _local_midnight(start + dt.timedelta(days=1))})
    return q


def _first_change(model, to_status: str | Iterable[str], ref: str = "pk") -> Subquery:
    """The first time the row of `model` at `ref` moved to `to_status` (one of them, for a
    list): a correlated subquery, one index probe per row."""
    statuses = [to_status] if isinstance(to_status, str) else list(to_status)
    relation = model._meta.get_field("status_changes")
    return Subquery(
        relation.related_model.objects.filter(
            **{relation.field.name: OuterRef(ref), "to_status__in": statuses}
        )
        .order_by("created_at")
        .values("created_at")[:1]
    )


def _span(start, end) -> ExpressionWrapper:
    """The time from `start` to `end`, NULL when either is missing."""
    return ExpressionWrapper(end - start, output_field=DurationField())


class Median(Aggregate):
    """PostgreSQL's median of intervals (percentile_cont interpolates, like
    statistics.median: the mean of the two middle values of an even count)."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def _in_sql_median() -> bool:
    return connection.vendor == "postgresql"


def _aggregate(queryset, counts: dict, spans: dict[str, Expression]) -> tuple[dict, dict]:
    """`counts` and, per span, its samples and median over `queryset`, in one query: where the
    database has no median (SQLite), the samples are counted there and the medians are left
    to _fallback_medians()."""
    extra: dict = {f"{key}__samples": Count(span) for key, span in spans.items()}
    if _in_sql_median():
        extra |= {f"{key}__median": Median(span) for key, span in spans.items()}
    row = queryset.order_by().aggregate(**counts, **extra)
    durations = {key: (row[f"{key}__samples"], row.get(f"{key}__median")) for key in spans}
    return {key: row[key] for key in counts}, durations


def _fallback_medians(parts: dict[str, tuple]) -> dict[str, dt.timedelta | None]:
    """Medians without a median function: the spans alone (one column and a key, never the
    rows), for every duration in one UNION ALL, then statistics.median."""
    queries = [
        queryset.order_by()
        .annotate(m_key=Value(key), m_span=span)
        .filter(m_span__isnull=False)
        .values_list("m_key", "m_span")
        for key, (queryset, span) in parts.items()
    ]
    spans: dict[str, list[float]] = defaultdict(list)
    for key, span in queries[0].union(*queries[1:], all=True).order_by():
        spans[key].append(span.total_seconds())
    return {
        key: dt.timedelta(seconds=statistics.median(values)) if values else None
        for key, values in spans.items()
    }


def pipeline_funnel(
    *, region: Region, term: Term | None = None, terms: list[Term] | None = None
) -> Funnel:
    """Leads → … → completed for a region (and term), with rates and medians, counted and
    measured by the database in four queries whatever the size of the region (SQLite, which
    has no median, adds one for the spans). `terms`, the terms a page already loaded, spare
    the query for the term's window.

    Each stage from "projects" on is a subset of the one before: "published" counts projects
    that were ever published, "interviews" entries that reached an interview or an offer,
    "matches" entries accepted, "started" placements that became active, "completed" those
    completed. Times come from the first status-change row of each move.
    """
    window = term_window(term, terms) if term is not None else None
    leads = PamphletRequest.objects.filter(Q(region=region) & _in_window("created_at", window))
    leads = leads.annotate(contacted=_first_change(PamphletRequest, LS.CONTACTED))
    inquiries = Inquiry.objects.filter(Q(region=region) & _in_window("created_at", window))
    inquiries = inquiries.annotate(answered=_first_change(Inquiry, IS.ANSWERED))
    intakes = IntakeInterview.objects.filter(Q(region=region) & _in_window("held_at", window))

    project_qs = Project.objects.filter(region=region)
    application_qs = Application.objects.filter(project__region=region)
    placement_qs = Placement.objects.filter(application__project__region=region)
    if term is not None:
        project_qs = project_qs.filter(term=term)
        application_qs = application_qs.filter(project__term=term)
        placement_qs = placement_qs.filter(application__project__term=term)
    project_qs = project_qs.annotate(
        submitted=_first_change(Project, PS.SUBMITTED),
        approved=_first_change(Project, PS.APPROVED),
        published=_first_change(Project, PS.PUBLISHED),
    )
    # A placement is made when its entry is accepted (and "accepted" is final), so the
    # placements also give the matches and the entries' time to acceptance.
    placement_qs = placement_qs.annotate(
        accepted=_first_change(Application, AS.ACCEPTED, ref="application_id"),
        entry_submitted=Coalesce(
            _first_change(Application, AS.SUBMITTED, ref="application_id"),
            F("application__created_at"),
        ),
        active=_first_change(Placement, Placement.Status.ACTIVE),
        completed=_first_change(Placement, Placement.Status.COMPLETED),
    )
    spans = {
        "lead_contacted": (leads, _span(F("created_at"), F("contacted"))),
        "inquiry_answered": (inquiries, _span(F("created_at"), F("answered"))),
        "project_approved": (project_qs, _span(F("submitted"), F("approved"))),
        "project_published": (project_qs, _span(F("approved"), F("published"))),
        "entry_accepted": (placement_qs, _span(F("entry_submitted"), F("accepted"))),
        "placement_active": (placement_qs, _span(F("accepted"), F("active"))),
        "placement_completed": (placement_qs, _span(F("active"), F("completed"))),
    }

    def on(queryset) -> dict[str, Expression]:
        return {key: span for key, (qs, span) in spans.items() if qs is queryset}

    # Steps 1–3 are small tables: one query counts and measures them as scalar subqueries.
    early = {}
    for name, queryset in (("leads", leads), ("inquiries", inquiries), ("intakes", intakes)):
        early[f"n_{name}"] = _scalar(queryset, Count("pk"))
        for key, span in on(queryset).items():
            early[f"{key}__samples"] = _scalar(queryset, Count(span))
            if _in_sql_median():
                early[f"{key}__median"] = _scalar(queryset, Median(span))
    row = Region.objects.filter(pk=region.pk).values(**early).get()
    counts = {f"n_{name}": row[f"n_{name}"] or 0 for name in ("leads", "inquiries", "intakes")}
    durations = {
        key: (row[f"{key}__samples"] or 0, row.get(f"{key}__median"))
        for key in ("lead_contacted", "inquiry_answered")
    }
    found, measured = _aggregate(
        project_qs,
        {"n_projects": Count("pk"), "n_published": Count("pk", filter=Q(published__isnull=False))},
        on(project_qs),
    )
    counts |= found
    durations |= measured
    # An interview or an offer: one index probe per entry of the region.
    reached_interview = Exists(
        ApplicationStatusChange.objects.filter(
            application=OuterRef("pk"), to_status__in=[AS.INTERVIEWING, AS.OFFERED]
        )
    )
    counts |= application_qs.order_by().aggregate(
        n_entries=Count("pk"), n_interviews=Count("pk", filter=Q(reached_interview))
    )
    found, measured = _aggregate(
        placement_qs,
        {
            "n_matches": Count("pk", filter=Q(accepted__isnull=False)),
            "n_started": Count("pk", filter=Q(active__isnull=False)),
            "n_completed": Count("pk", filter=Q(completed__isnull=False)),
        },
        on(placement_qs),
    )
    counts |= found
    durations |= measured
    if not _in_sql_median():
        medians = _fallback_medians({key: spans[key] for key, _label in FUNNEL_DURATIONS})
        durations = {
            key: (samples, medians.get(key)) for key, (samples, _none) in durations.items()
        }

    stages = []
    for key, label in FUNNEL_STAGES:
        stage = Stage(key, label, counts[f"n_{key}"])
        if stages and stages[-1].count:
            stage.rate = stage.count / stages[-1].count
        stages.append(stage)
    steps = [
        StepDuration(
            key, label, durations[key][0], durations[key][1] if durations[key][0] else None
        )
        for key, label in FUNNEL_DURATIONS
    ]
    return Funnel(
        region=region,
        term=term,
        window=window,
        stages=stages,
        durations=steps,
        now=timezone.now(),
    )


def _scalar(queryset, aggregate) -> Subquery:
    """`aggregate` over `queryset` (rows of one region) as a scalar subquery."""
    return Subquery(
        queryset.order_by().values("region").annotate(value=aggregate).values("value")[:1]
    )


# The cache of the board and the funnel --------------------------------------------------------

PIPELINE_VERSION_KEY = "pipeline:version"
PIPELINE_PREFIX = "pipeline:data"


def pipeline_version() -> str:
    """The current version of everything the board and the funnel read (one cache read);
    a new one starts when the last was dropped (`invalidate_pipeline`) or evicted."""
    return current_versions(PIPELINE_VERSION_KEY)[0]


def invalidate_pipeline() -> None:
    """Start a new version of the board and the funnel: every cached result is left behind
    (dropped now and on commit, as the public pages' version is)."""
    drop_now_and_on_commit(PIPELINE_VERSION_KEY)


def pipeline_cache_key(kind: str, region: Region, term: Term | None) -> str | None:
    """The cache key of something computed from the pipeline of `region` and `term` in the
    current version and language; None when PIPELINE_CACHE_TIMEOUT turns the cache off."""
    if settings.PIPELINE_CACHE_TIMEOUT <= 0:
        return None
    return ":".join(
        (
            PIPELINE_PREFIX,
            kind,
            str(region.pk),
            str(term.pk) if term is not None else "all",
            translation.get_language() or "",
            pipeline_version(),
        )
    )


def _cached(kind: str, region: Region, term: Term | None, compute):
    """The result of `compute()` for the region and term, kept for PIPELINE_CACHE_TIMEOUT
    within the current version. The language is part of the key: cards carry status labels
    translated when they were computed. The region and term are not stored (the request's own
    instances are put back), so the value holds plain data, lazy labels and dates only.
    """
    key = pipeline_cache_key(kind, region, term)
    if key is None:
        return compute()
    stored = cache.get(key)
    if stored is not None:
        return replace(stored, region=region, term=term)
    result = compute()
    cache.set(key, replace(result, region=None, term=None), settings.PIPELINE_CACHE_TIMEOUT)
    return result


def cached_pipeline_board(*, region: Region, term: Term | None = None) -> Board:
    """`pipeline_board`, from the cache while nothing it reads has changed (and for at most
    PIPELINE_CACHE_TIMEOUT seconds: days in a step and overdue flags move with the clock)."""
    return _cached("board", region, term, lambda: pipeline_board(region=region, term=term))


def cached_pipeline_funnel(
    *, region: Region, term: Term | None = None, terms: list[Term] | None = None
) -> Funnel:
    """`pipeline_funnel`, from the cache while nothing it counts has changed."""
    return _cached(
        "funnel", region, term, lambda: pipeline_funnel(region=region, term=term, terms=terms)
    )


# Survey results -----------------------------------------------------------------------------


@dataclass
class QuestionResult:
    question: SurveyQuestion
    answered: int = 0
    average: float | None = None
    # (value, count) for ratings 1–5 and for each choice, in the question's order.
    counts: list[tuple[str | int, int]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    @property
    def max_count(self) -> int:
        return max((n for _value, n in self.counts), default=0)


@dataclass
class SurveyResult:
    survey: Survey
    responses: int
    questions: list[QuestionResult]


def _submitted_responses(*, region: Region, term: Term | None, survey: Survey | None = None):
    responses = SurveyResponse.objects.filter(region=region, submitted_at__isnull=False)
    if term is not None:
        responses = responses.filter(term=term)
    if survey is not None:
        responses = responses.filter(survey=survey)
    return responses


def _surveys(survey: Survey | None = None) -> list[Survey]:
    surveys = Survey.objects.prefetch_related("questions").order_by("audience", "title", "pk")
    if survey is not None:
        surveys = surveys.filter(pk=survey.pk)
    return list(surveys)


def survey_results(*, region: Region, term: Term | None = None) -> list[SurveyResult]:
    """Per survey and question, the submitted answers of a region (and term) aggregated:
    ratings as an average and a 1–5 distribution, choices counted, free text listed."""
    answers_by_survey: dict[int, list[dict]] = defaultdict(list)
    for row in (
        _submitted_responses(region=region, term=term)
        .values("survey_id", "answers")
        .order_by("submitted_at", "pk")
    ):
        answers_by_survey[row["survey_id"]].append(row["answers"] or {})
    results = []
    for survey in _surveys():
        answer_sets = answers_by_survey.get(survey.pk, [])
        questions = []
        for question in survey.questions.all():
            values = [a.get(str(question.pk)) for a in answer_sets]
            questions.append(_question_result(question, [v for v in values if v not in (None, "")]))
        results.append(SurveyResult(survey, len(answer_sets), questions))
    return results


def _question_result(question: SurveyQuestion, values: list) -> QuestionResult:
    result = QuestionResult(question, answered=len(values))
    if question.kind == SurveyQuestion.Kind.RATING:
        ratings = [int(v) for v in values]
        result.counts = [(n, ratings.count(n)) for n in range(1, 6)]
        if ratings:
            result.average = round(statistics.fmean(ratings), 2)
    elif question.kind == SurveyQuestion.Kind.CHOICE:
        values = [str(v) for v in values]
        # Choices edited after answers came in still show what was answered.
        known = list(question.choices or [])
        known += [v for v in dict.fromkeys(values) if v not in known]
        result.counts = [(choice, values.count(choice)) for choice in known]
    else:
        result.texts = [str(v) for v in values]
    return result


# Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str | int:
    if value is None:
        return ""
    if isinstance(value, int):
        return value
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def survey_csv_rows(
    *, region: Region, term: Term | None = None, survey: Survey | None = None
) -> list[list]:
    """The raw submitted answers: a header, then one row per response, one column per question
    (of every survey, or of `survey` only)."""
    surveys = _surveys(survey)
    columns = [(s, q) for s in surveys for q in s.questions.all()]
    header = [
        str(_("Response")),
        str(_("Survey")),
        str(_("Audience")),
        str(_("Term")),
        str(_("Submitted at")),
        str(_("Respondent")),
        str(_("Project")),
        *[q.text if survey is not None else f"{s.title}: {q.text}" for s, q in columns],
    ]
    by_pk = {s.pk: s for s in surveys}
    terms = {t.pk: str(t) for t in Term.objects.all()}
    audience_labels = dict(Survey.Audience.choices)
    rows = [header]
    for response in (
        _submitted_responses(region=region, term=term, survey=survey)
        .values(
            "pk",
            "survey_id",
            "term_id",
            "answers",
            "submitted_at",
            "respondent__name",
            "respondent__email",
            "placement__application__project__title",
        )
        .order_by("survey__audience", "survey__title", "submitted_at", "pk")
    ):
        current = by_pk.get(response["survey_id"])
        if current is None:
            continue
        answers = response["answers"] or {}
        rows.append(
            [
                _cell(response["pk"]),
                _cell(current.title),
                _cell(str(audience_labels[current.audience])),
                _cell(terms.get(response["term_id"], "")),
                timezone.localtime(response["submitted_at"]).strftime("%Y-%m-%d %H:%M"),
                _cell(_name(response["respondent__name"], response["respondent__email"])),
                _cell(response["placement__application__project__title"]),
                *[_cell(answers.get(str(q.pk))) if s.pk == current.pk else "" for s, q in columns],
            ]
        )
    return rows
