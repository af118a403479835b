"""Reads about hosts and projects that need care: permissions, joins."""

from django.db.models import QuerySet

from accounts.roles import is_programme_staff
from programs.selectors import is_coordinator_of
from projects.models import HostMembership, HostOrganization, Project


def is_host_member(user, organization_id: int) -> bool:
    if not user or not user.is_authenticated:
        return False
    return HostMembership.objects.filter(organization_id=organization_id, user=user).exists()


def may_edit_project(user, project: Project) -> bool:
    """Host members edit their own projects; coordinators those of their regions."""
    return is_host_member(user, project.organization_id) or is_coordinator_of(
        user, project.region_id
    )


def organizations_for(user) -> QuerySet[HostOrganization]:
    if is_programme_staff(user):
        return HostOrganization.objects.all()
    return HostOrganization.objects.filter(memberships__user=user)


def project_members(project: Project):
    return [
        m.user
        for m in HostMembership.objects.filter(
            organization_id=project.organization_id
        ).select_related("user")
    ]
