"""Reads about hosts and projects that need care: permissions, joins."""

from config.fetching import list_fetch_mode
from programs.selectors import is_coordinator_of
from projects.models import HostMembership, Project


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


def host_waiting(user) -> dict:
    """What awaits a host member: projects sent back, entries to screen, interviews to set."""
    applications = Project._meta.get_field("applications").related_model
    mine = applications.objects.filter(project__organization__memberships__user=user)
    return {
        "changes_requested": host_projects(user).filter(status=Project.Status.CHANGES_REQUESTED),
        "to_screen": mine.filter(status="submitted").count(),
        "interviews_to_set": mine.filter(status="interviewing")
        .exclude(interviews__status__in=["proposed", "scheduled"])
        .count(),
    }


def application_status_labels() -> dict[str, str]:
    """The entry states' labels, read from the related model (applicants is not imported)."""
    applications = Project._meta.get_field("applications").related_model
    return dict(applications._meta.get_field("status").choices)
