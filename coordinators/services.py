"""Writes for coordinators: appointing one to a region with access to the admin."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from accounts.models import User
from programs.models import Region

from .models import CoordinatorProfile

COORDINATOR_GROUP = "regional-coordinators"

# What the admin lets a coordinator do, per model: v(iew), a(dd), c(hange), d(elete).
# Every one of these admins is scoped to the coordinator's regions (programs.admin).
COORDINATOR_PERMISSIONS: dict[str, dict[str, str]] = {
    "programs": {
        "region": "v",
        "program": "v",
        "term": "v",
        "pamphlet": "v",
        "pamphletrequest": "vc",
        "pamphletrequeststatuschange": "v",
        "inquiry": "vc",
        "inquirystatuschange": "v",
    },
    "projects": {
        "hostorganization": "vac",
        "hostmembership": "vacd",
        "intakeinterview": "vac",
        "theme": "v",
        "project": "vac",
        "projectstatuschange": "v",
        "projectversion": "v",
    },
    "applicants": {
        "application": "v",
        "applicationstatuschange": "v",
        "applicationfile": "v",
        "interview": "vc",
        "interviewslot": "v",
        "interviewfeedback": "v",
        "interviewstatuschange": "v",
        "placement": "v",
        "placementstatuschange": "v",
    },
    "coordinators": {
        "coordinatorprofile": "v",
        "orientation": "vac",
        "reviewplan": "vac",
        "reviewsession": "vac",
        "survey": "v",
        "surveyquestion": "v",
        "surveyresponse": "v",
    },
}
_ACTIONS = {"v": "view", "a": "add", "c": "change", "d": "delete"}


def coordinator_group() -> Group:
    """The group carrying the coordinators' admin permissions, created or brought up to date."""
    group, _created = Group.objects.get_or_create(name=COORDINATOR_GROUP)
    wanted = Q(pk__in=[])
    for app_label, models in COORDINATOR_PERMISSIONS.items():
        for model, letters in models.items():
            codenames = [f"{_ACTIONS[letter]}_{model}" for letter in letters]
            wanted |= Q(content_type__app_label=app_label, codename__in=codenames)
    group.permissions.set(Permission.objects.filter(wanted))
    return group


def coordinator_appoint(*, user: User, region: Region, **profile) -> CoordinatorProfile:
    """Make `user` a coordinator of `region`: admin access, the group, a profile (idempotent)."""
    with transaction.atomic():
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        user.groups.add(coordinator_group())
        region.coordinators.add(user)
        coordinator_profile, _created = CoordinatorProfile.objects.get_or_create(
            user=user, defaults=profile
        )
    return coordinator_profile
