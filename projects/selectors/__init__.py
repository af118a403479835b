"""Reads about hosts and projects that need care: permissions, joins."""

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import get_language

from config.fetching import list_fetch_mode
from programs.models import Term
from programs.selectors import is_coordinator_of
from projects.models import HostMembership, Project, Theme


def is_host_member(user, organization_id: int) -> bool:
    if not user or not user.is_authenticated:
        return False
    return HostMembership.objects.filter(organization_id=organization_id, user=user).exists()


def may_edit_project(user, project: Project) -> bool:
    """Host members edit their own projects; coordinators those of their regions."""
    return is_host_member(user, project.organization_id) or is_coordinator_of(
        user, project.region_id
    )


def project_members(project: Project):
    return [
        m.user
        for m in HostMembership.objects.filter(
            organization_id=project.organization_id
        ).select_related("user")
    ]


# Where a project stands in the eight steps of the flow (the host's step tracker).
PROJECT_STEP = {
    Project.Status.DRAFT: 4,
    Project.Status.SUBMITTED: 4,
    Project.Status.CHANGES_REQUESTED: 4,
    Project.Status.APPROVED: 5,
    Project.Status.PUBLISHED: 5,
    Project.Status.CLOSED: 6,
    Project.Status.IN_PROGRESS: 7,
    Project.Status.COMPLETED: 8,
    Project.Status.CANCELLED: None,
}


def host_projects(user):
    """The projects of the organisations `user` is a member of (scoped before any fetch)."""
    return (
        Project.objects.filter(organization__memberships__user=user)
        .select_related("organization", "region", "term")
        .order_by("-updated_at", "-id")
        .fetch_mode(list_fetch_mode())
    )


def application_counts(project_ids: list[int]) -> dict[int, dict[str, int]]:
    """Entries per status for the given projects only, in one grouped query."""
    from django.db.models import Count

    applications = Project._meta.get_field("applications").related_model
    rows = (
        applications.objects.filter(project_id__in=project_ids)
        .values("project_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[int, dict[str, int]] = {pk: {} for pk in project_ids}
    for row in rows:
        counts[row["project_id"]][row["status"]] = row["n"]
    return counts


# The entry states a host screens: new entries, and those whose screening has started.
TO_SCREEN = ("submitted", "screening")


def host_waiting(*, projects: list[Project], counts: dict[int, dict[str, int]]) -> dict:
    """What awaits a host member, each item with the place where they act on it.

    `projects` and `counts` are the dashboard's (host_projects, application_counts): the
    projects sent back and the entries to screen come from them without a query; the entries
    whose interview is still to be set take one query, whatever the number of projects.
    """
    labels = application_status_labels()
    to_screen = [
        {"project": p, "status": status, "label": labels.get(status, status), "count": n}
        for p in projects
        for status in TO_SCREEN
        if (n := counts.get(p.pk, {}).get(status, 0))
    ]
    applications = Project._meta.get_field("applications").related_model
    by_id = {p.pk: p for p in projects}
    rows = (
        applications.objects.filter(project_id__in=list(by_id), status="interviewing")
        .exclude(interviews__status__in=["proposed", "scheduled"])
        .order_by("project_id", "pk")
        .values_list("pk", "project_id", "student__name", "student__email")
    )
    interviews = [
        {"application_id": pk, "project": by_id[project_id], "student": name or email}
        for pk, project_id, name, email in rows
    ]
    return {
        "changes_requested": [p for p in projects if p.status == Project.Status.CHANGES_REQUESTED],
        "to_screen": sum(item["count"] for item in to_screen),
        "to_screen_items": to_screen,
        "interviews_to_set": len(interviews),
        "interview_items": interviews,
    }


def application_status_labels() -> dict[str, str]:
    """The entry states' labels, read from the related model (applicants is not imported)."""
    applications = Project._meta.get_field("applications").related_model
    return dict(applications._meta.get_field("status").choices)


# Comparing two submitted versions --------------------------------------------------------

# Where each field stands on the project's form: a comparison lists the fields in that order.
_FIELD_ORDER = {f.name: n for n, f in enumerate(Project._meta.get_fields())}


def _version_field(name: str) -> models.Field | None:
    try:
        return Project._meta.get_field(name)
    except FieldDoesNotExist:  # a key since removed from the model
        return None


def version_field_label(name: str) -> str:
    """The field's translated name, or the key itself for a field since removed."""
    field = _version_field(name)
    return str(field.verbose_name) if field is not None else name


def version_changed_fields(old: dict, new: dict) -> list[str]:
    """The keys whose value differs between two snapshots, in the form's order."""
    names = [n for n in old.keys() | new.keys() if old.get(n) != new.get(n)]
    return sorted(names, key=lambda n: (_FIELD_ORDER.get(n, len(_FIELD_ORDER)), n))


def _names(snapshots, changed: list[str]) -> tuple[dict, dict]:
    """The terms and themes named by the changed fields, one query each (none when unchanged)."""
    term_ids = {d.get("term") for d in snapshots if d.get("term")} if "term" in changed else ()
    slugs = {s for d in snapshots for s in d.get("themes") or ()} if "themes" in changed else ()
    terms = Term.objects.in_bulk(term_ids) if term_ids else {}
    themes = Theme.objects.in_bulk(slugs, field_name="slug") if slugs else {}
    return terms, themes


def localised_name(obj) -> str:
    """A region or theme by its English name when the page is in English."""
    if (get_language() or "").startswith("en") and getattr(obj, "name_en", ""):
        return obj.name_en
    return obj.name


def version_value(name: str, value, *, terms: dict, themes: dict) -> str:
    """A snapshot's value as the host typed or chose it: the term's name, the themes' names,
    a choice's label, a date in the page's format; "—" for nothing."""
    if value in (None, "", []):
        return "—"
    if name == "term":
        term = terms.get(value)
        return str(term) if term is not None else str(value)
    if name == "themes":
        return ", ".join(
            localised_name(themes[slug]) if slug in themes else str(slug) for slug in value
        )
    field = _version_field(name)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return date_format(moment, "DATETIME_FORMAT")
    elif isinstance(field, models.DateField) and isinstance(value, str):
        day = parse_date(value)
        if day is not None:
            return date_format(day, "DATE_FORMAT")
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def version_diff(old: dict, new: dict) -> list[dict]:
    """The fields that differ between two snapshots (ProjectVersion.data), each with its label
    and both values as a person reads them. At most two queries: the terms and the themes."""
    names = version_changed_fields(old, new)
    if not names:
        return []
    terms, themes = _names((old, new), names)
    return [
        {
            "name": name,
            "field": version_field_label(name),
            "before": version_value(name, old.get(name), terms=terms, themes=themes),
            "after": version_value(name, new.get(name), terms=terms, themes=themes),
        }
        for name in names
    ]
