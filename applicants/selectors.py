"""Reads about entries that need care: who may see and move them."""

from config.fetching import list_fetch_mode
from programs.selectors import is_coordinator_of
from projects.selectors import is_host_member

from .models import Application


def is_host_side(user, application: Application) -> bool:
    """Host members of the project's organisation and the region's coordinators."""
    project = application.project
    return is_host_member(user, project.organization_id) or is_coordinator_of(
        user, project.region_id
    )


def is_student_of(user, application: Application) -> bool:
    return bool(user and user.is_authenticated and application.student_id == user.pk)


def student_entries(user):
    """A student's entries with everything My page shows, in a fixed number of queries."""
    from django.db.models import Prefetch

    from .models import Application, ApplicationStatusChange, Interview

    return (
        Application.objects.filter(student=user)
        .select_related("project__organization", "project__region", "placement")
        .prefetch_related(
            Prefetch(
                "interviews",
                queryset=Interview.objects.order_by("round").prefetch_related("slots"),
            ),
            Prefetch(
                "status_changes", queryset=ApplicationStatusChange.objects.order_by("created_at")
            ),
            "files__downloads__user",
        )
        .order_by("-created_at", "-id")
        .fetch_mode(list_fetch_mode())
    )


def entry_step(application) -> int | None:
    """Where an entry stands in the eight steps: interviews are 6, the start 7, reviews 8."""
    from .models import Application, Placement

    if application.status != Application.Status.ACCEPTED:
        return 6 if application.status in Application.ACTIVE_STATES else None
    placement = getattr(application, "placement", None)
    if placement is None or placement.status == Placement.Status.PREPARING:
        return 7
    return 8


# The host's side of step 6: what host members and the region's coordinators may read. --------

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.roles import is_programme_staff  # noqa: E402
from programs.models import Region  # noqa: E402
from projects.models import HostMembership, Project  # noqa: E402

from .models import (  # noqa: E402
    ApplicationStatusChange,
    Interview,
    InterviewFeedback,
)


def _host_side_condition(user, project: str = "") -> Q | Exists | None:
    """The rule of `is_host_side` as a filter on rows reached through `project` (a lookup path).

    None means every row (programme staff); a user with no rights matches nothing.
    """
    if not user or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if is_programme_staff(user):
        return None
    prefix = f"{project}__" if project else ""
    member = Exists(
        HostMembership.objects.filter(
            organization_id=OuterRef(f"{prefix}organization_id"), user=user
        )
    )
    coordinator = Exists(
        Region.objects.filter(pk=OuterRef(f"{prefix}region_id"), coordinators=user)
    )
    return member | coordinator


def _scoped(queryset: QuerySet, user, project: str = "") -> QuerySet:
    condition = _host_side_condition(user, project)
    return queryset if condition is None else queryset.filter(condition)


def host_side_projects(user) -> QuerySet[Project]:
    """Projects whose entries `user` handles: as a member of the host or a region coordinator."""
    return _scoped(Project.objects.select_related("organization", "region"), user)


def host_side_applications(user) -> QuerySet[Application]:
    """Entries `user` may see and move on the host's side (the rule of `is_host_side`)."""
    return _scoped(Application.objects.select_related("project"), user, "project")


def host_side_interviews(user) -> QuerySet[Interview]:
    """Interviews of the entries `user` may see on the host's side."""
    return _scoped(
        Interview.objects.select_related("application__project"), user, "application__project"
    )


def host_entry_list(*, project: Project, status: str | None = None) -> QuerySet[Application]:
    """A project's entries for the host, newest first, with each student and profile joined
    (the list page makes no query per row)."""
    queryset = Application.objects.filter(project=project).select_related(
        "student", "student__student_profile"
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-created_at", "-id").fetch_mode(list_fetch_mode())


def host_entry_status_counts(*, project: Project) -> dict[str, int]:
    """Entries of one project per status, in one grouped query."""
    rows = (
        Application.objects.filter(project=project)
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["status"]: row["n"] for row in rows}


def host_entry_detail(user) -> QuerySet[Application]:
    """Entries on `user`'s host side with all the detail page shows, in a fixed number of
    queries: profile, history, files, interviews with slots, interviewers and feedback."""
    return (
        host_side_applications(user)
        .select_related(
            "student",
            "student__student_profile",
            "project__organization",
            "project__region",
            "declined_by",
            "placement",
        )
        .prefetch_related(
            Prefetch(
                "status_changes",
                queryset=ApplicationStatusChange.objects.select_related("actor").order_by(
                    "created_at", "id"
                ),
            ),
            "files",
            Prefetch(
                "interviews",
                queryset=Interview.objects.order_by("round", "id").prefetch_related(
                    "slots",
                    "participants",
                    Prefetch(
                        "feedback", queryset=InterviewFeedback.objects.select_related("author")
                    ),
                ),
            ),
        )
    )


def organization_members(organization_id: int) -> QuerySet[User]:
    """The users who act for a host organisation (the interviewers to choose from)."""
    return User.objects.filter(
        host_memberships__organization_id=organization_id, is_active=True
    ).order_by("name", "email")
