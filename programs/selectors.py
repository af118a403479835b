"""Reads for the public site and for routing to regions."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_programme_staff

from .models import Region

# The eight steps of the flow (はじめるまでのフロー); labels are translated.
FLOW_STEPS = (
    (1, _("Read the pamphlet"), _("Imagine what your town or company could build with a student.")),
    (2, _("Ask a coordinator"), _("A regional coordinator tells you how to start where you are.")),
    (3, _("Intake interview"), _("A talk with your HR or division head about the idea.")),
    (
        4,
        _("Design the project"),
        _("Decide the outcome you want and work an outsider wants to join."),
    ),
    (5, _("Recruit"), _("The project is published and announced across Japan.")),
    (
        6,
        _("Interviews"),
        _("Entries come in; you and the students get to know each other's motives."),
    ),
    (
        7,
        _("Project start"),
        _("Host, student and coordinator state their goals at the start orientation."),
    ),
    (
        8,
        _("Review the results"),
        _("Regular review dialogues, and the issues for the next project."),
    ),
)


def flow_steps() -> tuple:
    return FLOW_STEPS


def region_list() -> QuerySet[Region]:
    return Region.objects.order_by("position", "id")


def regions_coordinated_by(user) -> QuerySet[Region]:
    if not user.is_authenticated:
        return Region.objects.none()
    if is_programme_staff(user):
        return Region.objects.all()
    return Region.objects.filter(coordinators=user)


def is_coordinator_of(user, region_id: int | None) -> bool:
    """True for programme staff and for a coordinator of that region."""
    if not user or not user.is_authenticated:
        return False
    if is_programme_staff(user):
        return True
    if region_id is None:
        return False
    return Region.objects.filter(pk=region_id, coordinators=user).exists()
