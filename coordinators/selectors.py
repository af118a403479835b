"""Reads for the coordinators' dashboards: the pipeline board, the funnel and survey results."""

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, Window
from django.db.models.functions import Coalesce, RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from applicants.models import Application, Placement
from programs.models import Inquiry, PamphletRequest, Region, Term
from projects.models import HostOrganization, IntakeInterview, Project

from .models import ReviewSession, Survey, SurveyQuestion, SurveyResponse

# What counts as overdue on the board (DESIGN.md: the coordinator answers quickly).
LEAD_CONTACT_DAYS = 3
INQUIRY_ANSWER_DAYS = 2
ENTRY_WAIT_DAYS = 5
# Decided entries shown per status on the board (the rest are a link away).
ENTRY_CARD_LIMIT = 30
HOST_CARD_LIMIT = 40

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
    return reverse(f"admin:{model_name}_change", args=[pk])


def _days(now: dt.datetime, since: dt.datetime | None) -> int | None:
    return None if since is None else max((now - since).days, 0)


def _waited(now: dt.datetime, since: dt.datetime | None, days: int) -> bool:
    return since is not None and now - since > dt.timedelta(days=days)


def _name(name: str | None, email: str | None) -> str:
    return name or email or "—"


def pipeline_board(*, region: Region, term: Term | None = None, now=None) -> Board:
    """Every host of `region` at its step and every entry by status, in nine queries.

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
    host_columns["pamphlet"].cards = _lead_cards(region, now, counts)
    host_columns["consultation"].cards = _inquiry_cards(region, now, counts)
    host_columns["intake"].cards = _intake_cards(region, now)
    flags, review_alerts = _review_flags(region, term, timezone.localdate(now), counts)
    in_intake = {card.organization_id for card in host_columns["intake"].cards}
    for column, card in _host_cards(region, term, now, flags):
        if not (column == "design" and card.project_pk is None and card.pk in in_intake):
            # (A host with no project whose intake is still open is shown at step 3.)
            host_columns[column].cards.append(card)
    changelists = {
        "pamphlet": ("programs_pamphletrequest", "region__id__exact"),
        "consultation": ("programs_inquiry", "region__id__exact"),
        "intake": ("projects_intakeinterview", "region__id__exact"),
    }
    for column in host_columns.values():
        # Flagged cards first, then those that have waited longest; at scale a column shows
        # the first HOST_CARD_LIMIT and links to the full list, so the page stays small.
        column.cards.sort(key=lambda card: (not card.flags, *_oldest_first(card)))
        if len(column.cards) > HOST_CARD_LIMIT:
            column.total = len(column.cards)
            column.cards = column.cards[:HOST_CARD_LIMIT]
            model, lookup = changelists.get(
                column.key, ("projects_hostorganization", "region__id__exact")
            )
            column.more_url = f"{reverse(f'admin:{model}_changelist')}?{lookup}={region.pk}"
    return Board(
        region=region,
        term=term,
        now=now,
        host_columns=list(host_columns.values()),
        entry_columns=_entry_columns(region, term, now, flags, counts),
        review_alerts=review_alerts,
        counts=counts,
    )


def _lead_cards(region: Region, now: dt.datetime, counts: dict) -> list[Card]:
    """Step 1: leads that did not become an inquiry or a host yet."""
    leads = (
        PamphletRequest.objects.filter(region=region, status__in=[LS.NEW, LS.CONTACTED])
        .filter(
            ~Exists(HostOrganization.objects.filter(lead=OuterRef("pk"))),
            ~Exists(Inquiry.objects.filter(lead=OuterRef("pk"))),
        )
        .annotate(since=Max("status_changes__created_at"))
        .values("pk", "organization_name", "contact_name", "status", "created_at", "since")
    )
    labels = dict(LS.choices)
    cards = []
    for lead in leads:
        since = lead["since"] or lead["created_at"]
        card = Card(
            "lead",
            lead["pk"],
            lead["organization_name"],
            f"{lead['contact_name']} · {labels[lead['status']]}",
            _admin_url("programs_pamphletrequest", lead["pk"]),
            since,
            _days(now, since),
        )
        if lead["status"] == LS.NEW and _waited(now, since, LEAD_CONTACT_DAYS):
            card.flags.append(Flag("lead_not_contacted", _("Not contacted")))
            counts["leads_not_contacted"] += 1
        cards.append(card)
    return cards


def _inquiry_cards(region: Region, now: dt.datetime, counts: dict) -> list[Card]:
    """Step 2: open inquiries that led to no intake interview or host yet."""
    inquiries = (
        Inquiry.objects.filter(region=region, status__in=[IS.NEW, IS.ANSWERED])
        .filter(
            ~Exists(IntakeInterview.objects.filter(inquiry=OuterRef("pk"))),
            ~Exists(HostOrganization.objects.filter(inquiry=OuterRef("pk"))),
        )
        .annotate(since=Max("status_changes__created_at"))
        .values("pk", "organization_name", "name", "kind", "status", "created_at", "since")
    )
    labels, kinds = dict(IS.choices), dict(Inquiry.Kind.choices)
    cards = []
    for inquiry in inquiries:
        since = inquiry["since"] or inquiry["created_at"]
        card = Card(
            "inquiry",
            inquiry["pk"],
            inquiry["organization_name"] or inquiry["name"],
            f"{kinds[inquiry['kind']]} · {labels[inquiry['status']]}",
            _admin_url("programs_inquiry", inquiry["pk"]),
            since,
            _days(now, since),
        )
        if inquiry["status"] == IS.NEW and _waited(now, since, INQUIRY_ANSWER_DAYS):
            card.flags.append(Flag("inquiry_unanswered", _("Unanswered")))
            counts["inquiries_unanswered"] += 1
        cards.append(card)
    return cards


def _intake_cards(region: Region, now: dt.datetime) -> list[Card]:
    """Step 3: intake interviews whose outcome is pending or on hold (no status rows: the
    step starts when the interview is recorded, or when it was put on hold)."""
    intakes = IntakeInterview.objects.filter(
        region=region,
        outcome__in=[IntakeInterview.Outcome.PENDING, IntakeInterview.Outcome.HOLD],
    ).values(
        "pk",
        "organization_name",
        "organization_id",
        "outcome",
        "held_at",
        "decided_at",
        "created_at",
    )
    labels = dict(IntakeInterview.Outcome.choices)
    cards = []
    for intake in intakes:
        since = intake["decided_at"] or intake["created_at"]
        held = timezone.localtime(intake["held_at"]).date()
        cards.append(
            Card(
                "intake",
                intake["pk"],
                intake["organization_name"],
                f"{labels[intake['outcome']]} · {held:%Y-%m-%d}",
                _admin_url("projects_intakeinterview", intake["pk"]),
                since,
                _days(now, since),
                organization_id=intake["organization_id"],
            )
        )
    return cards


def _review_flags(
    region: Region, term: Term | None, today: dt.date, counts: dict
) -> tuple[dict[int, list[Flag]], list[ReviewAlert]]:
    """Step 8's alerts per entry: reviews missed, and the health of the latest held review."""
    reviews = ReviewSession.objects.filter(
        placement__status=Placement.Status.ACTIVE, placement__application__project__region=region
    )
    if term is not None:
        reviews = reviews.filter(placement__application__project__term=term)
    flags: dict[int, list[Flag]] = defaultdict(list)
    alerts: list[ReviewAlert] = []
    latest_held: dict[int, dict] = {}
    for review in reviews.values(
        "pk",
        "due_on",
        "held_at",
        "health",
        "placement__application_id",
        "placement__application__student__name",
        "placement__application__student__email",
        "placement__application__project__title",
    ).order_by("due_on", "pk"):
        application_id = review["placement__application_id"]
        if review["held_at"] is None and review["due_on"] < today:
            url = _admin_url("coordinators_reviewsession", review["pk"])
            label = _("Review missed (due %(date)s)") % {"date": f"{review['due_on']:%Y-%m-%d}"}
            flags[application_id].append(Flag("review_missed", label, url=url))
            alerts.append(_review_alert(review, url, "overdue", label))
            counts["reviews_missed"] += 1
        held = latest_held.get(application_id)
        if review["held_at"] is not None and (
            held is None or (review["held_at"], review["pk"]) > (held["held_at"], held["pk"])
        ):
            latest_held[application_id] = review
    health_labels = dict(ReviewSession.Health.choices)
    for application_id, review in latest_held.items():
        if review["health"] in (ReviewSession.Health.AT_RISK, ReviewSession.Health.OFF_TRACK):
            url = _admin_url("coordinators_reviewsession", review["pk"])
            label = _("Latest review: %(health)s") % {"health": health_labels[review["health"]]}
            flags[application_id].append(
                Flag(f"review_{review['health']}", label, severity="risk", url=url)
            )
            alerts.append(_review_alert(review, url, "risk", label))
            counts["reviews_at_risk"] += 1
    return flags, alerts


def _host_cards(
    region: Region, term: Term | None, now: dt.datetime, flags: dict[int, list[Flag]]
) -> list[tuple[str, Card]]:
    """Steps 4–8 and ↺: each host at the furthest step of its open projects."""
    projects_by_host: dict[int, list[dict]] = defaultdict(list)
    for project in (
        Project.objects.filter(region=region)
        .annotate(since=Max("status_changes__created_at"))
        .values("pk", "organization_id", "title", "status", "term_id", "created_at", "since")
    ):
        project["since"] = project["since"] or project["created_at"]
        projects_by_host[project["organization_id"]].append(project)
    # Placements of finished projects cannot move a host any more; history is left out.
    placements = Placement.objects.filter(
        application__project__region=region,
        application__project__status__in=PLACEMENT_PROJECT_STATES,
    )
    if term is not None:
        placements = placements.filter(application__project__term=term)
    placements_by_project: dict[int, list[dict]] = defaultdict(list)
    for placement in placements.annotate(since=Max("status_changes__created_at")).values(
        "pk", "status", "application_id", "application__project_id", "created_at", "since"
    ):
        placement["since"] = placement["since"] or placement["created_at"]
        placements_by_project[placement["application__project_id"]].append(placement)

    status_labels = dict(PS.choices)
    found = []
    for host in HostOrganization.objects.filter(region=region).values("pk", "name", "created_at"):
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
    """Entries by status: every open one; of the decided ones, which pile up term after term,
    the newest ENTRY_CARD_LIMIT per status, with the full count from one grouped query."""
    columns = {value: Column(value, "", label) for value, label in Application.Status.choices}
    applications = Application.objects.filter(project__region=region)
    if term is not None:
        applications = applications.filter(project__term=term)
    totals = dict(applications.order_by().values_list("status").annotate(n=Count("pk")))
    changelist = reverse("admin:applicants_application_changelist")
    for status in columns:
        columns[status].total = totals.get(status, 0)
        columns[
            status
        ].more_url = f"{changelist}?status__exact={status}&project__region__id__exact={region.pk}"
    # Open entries: the ones waiting longest; decided ones: the newest. At most
    # ENTRY_CARD_LIMIT of each status are drawn, the rest are a click away in the changelist.
    shown = applications.annotate(
        newest=Window(
            RowNumber(), partition_by=F("status"), order_by=[F("created_at").desc(), F("pk").desc()]
        ),
        oldest=Window(
            RowNumber(), partition_by=F("status"), order_by=[F("created_at").asc(), F("pk").asc()]
        ),
    ).filter(
        Q(status__in=Application.ACTIVE_STATES, oldest__lte=ENTRY_CARD_LIMIT)
        | Q(status__in=CAPPED_ENTRY_STATES, newest__lte=ENTRY_CARD_LIMIT)
    )
    # Every waiting entry counts, drawn or not.
    counts["entries_waiting"] += (
        applications.filter(status=AS.SUBMITTED)
        .annotate(since=Coalesce(Max("status_changes__created_at"), F("created_at")))
        .filter(since__lt=now - dt.timedelta(days=ENTRY_WAIT_DAYS))
        .count()
    )
    placement_labels = dict(Placement.Status.choices)
    for entry in (
        Application.objects.filter(pk__in=shown.values("pk"))
        .annotate(since=Max("status_changes__created_at"))
        .values(
            "pk",
            "status",
            "created_at",
            "since",
            "student__name",
            "student__email",
            "project__title",
            "project__organization__name",
            "placement__status",
        )
        .order_by("created_at", "pk")
    ):
        since = entry["since"] or entry["created_at"]
        detail = f"{entry['project__title']} · {entry['project__organization__name']}"
        if entry["placement__status"]:
            detail += f" · {placement_labels[entry['placement__status']]}"
        card = Card(
            "entry",
            entry["pk"],
            _name(entry["student__name"], entry["student__email"]),
            detail,
            _admin_url("applicants_application", entry["pk"]),
            since,
            _days(now, since),
            flags=list(flags.get(entry["pk"], [])),
        )
        if entry["status"] == AS.SUBMITTED and _waited(now, since, ENTRY_WAIT_DAYS):
            card.flags.insert(0, Flag("entry_waiting", _("Waiting for a reply")))
        columns[entry["status"]].cards.append(card)
    for status in CAPPED_ENTRY_STATES:
        columns[status].cards.reverse()  # newest first: the rest are in the changelist
    return list(columns.values())


def _oldest_first(card: Card) -> tuple:
    """Cards that have waited longest in their step come first."""
    return (card.since is None, card.since or dt.datetime.min.replace(tzinfo=dt.UTC), card.pk)


def _review_alert(review: dict, url: str, severity: str, label: str) -> ReviewAlert:
    return ReviewAlert(
        review_id=review["pk"],
        url=url,
        severity=severity,
        label=str(label),
        student=_name(
            review["placement__application__student__name"],
            review["placement__application__student__email"],
        ),
        project_title=review["placement__application__project__title"],
        due_on=review["due_on"],
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

    @property
    def rate_percent(self) -> float | None:
        return None if self.rate is None else self.rate * 100


@dataclass
class StepDuration:
    key: str
    label: str
    samples: int
    median: dt.timedelta | None

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

    def stage(self, key: str) -> Stage:
        return next(s for s in self.stages if s.key == key)

    def duration(self, key: str) -> StepDuration:
        return next(d for d in self.durations if d.key == key)


def term_window(term: Term) -> tuple[dt.date | None, dt.date]:
    """The run-up to a term's entry deadline: after the previous term's deadline (of the same
    programme), up to and including this one's. The first term's window has no start."""
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


def _first(to_status: str | Iterable[str]) -> Min:
    """The first time a row moved to `to_status` (one of them, for a list)."""
    statuses = [to_status] if isinstance(to_status, str) else list(to_status)
    return Min("status_changes__created_at", filter=Q(status_changes__to_status__in=statuses))


def _median(
    pairs: Iterable[tuple[dt.datetime | None, dt.datetime | None]],
) -> tuple[int, dt.timedelta | None]:
    spans = [(b - a).total_seconds() for a, b in pairs if a is not None and b is not None]
    if not spans:
        return 0, None
    return len(spans), dt.timedelta(seconds=statistics.median(spans))


def pipeline_funnel(*, region: Region, term: Term | None = None) -> Funnel:
    """Leads → … → completed for a region (and term), with rates and medians, in six queries.

    Each stage from "projects" on is a subset of the one before: "published" counts projects
    that were ever published, "interviews" entries that reached an interview or an offer,
    "matches" entries accepted, "started" placements that became active, "completed" those
    completed. Times come from the first status-change row of each move. A term adds one
    query (its window).
    """
    window = term_window(term) if term is not None else None
    leads = list(
        PamphletRequest.objects.filter(Q(region=region) & _in_window("created_at", window))
        .annotate(contacted=_first(LS.CONTACTED))
        .values_list("created_at", "contacted")
    )
    inquiries = list(
        Inquiry.objects.filter(Q(region=region) & _in_window("created_at", window))
        .annotate(answered=_first(IS.ANSWERED))
        .values_list("created_at", "answered")
    )
    intakes = IntakeInterview.objects.filter(
        Q(region=region) & _in_window("held_at", window)
    ).count()

    project_qs = Project.objects.filter(region=region)
    application_qs = Application.objects.filter(project__region=region)
    placement_qs = Placement.objects.filter(application__project__region=region)
    if term is not None:
        project_qs = project_qs.filter(term=term)
        application_qs = application_qs.filter(project__term=term)
        placement_qs = placement_qs.filter(application__project__term=term)
    projects = list(
        project_qs.annotate(
            submitted=_first(PS.SUBMITTED),
            approved=_first(PS.APPROVED),
            published=_first(PS.PUBLISHED),
        ).values("submitted", "approved", "published")
    )
    applications = {
        row["pk"]: row
        for row in application_qs.annotate(
            submitted=_first(AS.SUBMITTED),
            interviewed=_first([AS.INTERVIEWING, AS.OFFERED]),
            accepted=_first(AS.ACCEPTED),
        ).values("pk", "created_at", "submitted", "interviewed", "accepted")
    }
    placements = list(
        placement_qs.annotate(
            active=_first(Placement.Status.ACTIVE), completed=_first(Placement.Status.COMPLETED)
        ).values("application_id", "active", "completed")
    )

    counts = {
        "leads": len(leads),
        "inquiries": len(inquiries),
        "intakes": intakes,
        "projects": len(projects),
        "published": sum(p["published"] is not None for p in projects),
        "entries": len(applications),
        "interviews": sum(a["interviewed"] is not None for a in applications.values()),
        "matches": sum(a["accepted"] is not None for a in applications.values()),
        "started": sum(p["active"] is not None for p in placements),
        "completed": sum(p["completed"] is not None for p in placements),
    }
    stages = []
    for key, label in FUNNEL_STAGES:
        stage = Stage(key, label, counts[key])
        if stages and stages[-1].count:
            stage.rate = stage.count / stages[-1].count
        stages.append(stage)

    def accepted_at(application_id: int) -> dt.datetime | None:
        row = applications.get(application_id)
        return row and row["accepted"]

    pairs = {
        "lead_contacted": leads,
        "inquiry_answered": inquiries,
        "project_approved": [(p["submitted"], p["approved"]) for p in projects],
        "project_published": [(p["approved"], p["published"]) for p in projects],
        "entry_accepted": [
            (a["submitted"] or a["created_at"], a["accepted"]) for a in applications.values()
        ],
        "placement_active": [(accepted_at(p["application_id"]), p["active"]) for p in placements],
        "placement_completed": [(p["active"], p["completed"]) for p in placements],
    }
    durations = [StepDuration(key, label, *_median(pairs[key])) for key, label in FUNNEL_DURATIONS]
    return Funnel(region=region, term=term, window=window, stages=stages, durations=durations)


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
