"""Reads about entries that need care: who may see and move them."""

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
