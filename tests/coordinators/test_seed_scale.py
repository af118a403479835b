"""`manage.py seed_scale --small`: the synthetic load data, its sizes, shape and second run."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, OuterRef, Q, Subquery

from accounts.models import User
from applicants.models import (
    Application,
    ApplicationStatusChange,
    Interview,
    InterviewSlot,
    Placement,
    StudentProfile,
)
from coordinators.management.commands.seed_scale import DOMAIN, PASSWORD, SMALL
from coordinators.services import COORDINATOR_GROUP
from programs.models import Region, Term
from projects.models import (
    HostMembership,
    HostOrganization,
    IntakeInterview,
    IntakeInterviewStatusChange,
    Project,
    ProjectStatusChange,
)

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_scale", "--small", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded() -> str:
    return seed()


def test_builds_the_small_size(seeded):
    assert HostOrganization.objects.count() == SMALL.hosts
    assert Project.objects.count() == SMALL.projects
    assert StudentProfile.objects.count() == SMALL.students
    assert Application.objects.count() == SMALL.entries
    assert User.objects.exclude(email__endswith=f"@{DOMAIN}").count() == 0
    # Every host has an owner; every student profile is complete.
    assert HostMembership.objects.filter(role="owner").count() == SMALL.hosts
    assert not [p for p in StudentProfile.objects.all() if p.completeness < 100]


def test_every_region_gets_hosts_and_every_term_is_used(seeded):
    regions = Region.objects.annotate(n=Count("hosts"))
    assert sorted(r.slug for r in regions) == sorted(
        ["sapporo", "kitami", "obihiro", "asahikawa", "hakodate"]
    )
    assert all(r.n > 0 for r in regions), {r.slug: r.n for r in regions}
    assert Term.objects.count() == 8
    assert Project.objects.values("term").distinct().count() >= 4
    for region in regions:
        coordinators = list(region.coordinators.all())
        assert len(coordinators) == 2
        assert all(u.groups.filter(name=COORDINATOR_GROUP).exists() for u in coordinators)


def test_most_projects_are_public_and_entries_take_many_paths(seeded):
    public = Project.objects.filter(status__in=("published", "closed")).count()
    assert public >= 0.75 * SMALL.projects
    assert set(Project.objects.values_list("status", flat=True)) >= {
        "published",
        "closed",
        "completed",
        "in_progress",
    }
    assert set(Application.objects.values_list("status", flat=True)) >= {
        "submitted",
        "screening",
        "interviewing",
        "rejected",
        "withdrawn",
        "accepted",
    }
    assert Interview.objects.count() > 0
    assert InterviewSlot.objects.filter(chosen=True).count() == (
        Interview.objects.exclude(status="proposed").count()
    )
    # A placement per acceptance, never more acceptances than places.
    assert Placement.objects.count() == Application.objects.filter(status="accepted").count()
    assert not Project.objects.annotate(
        taken=Count("applications", filter=Q(applications__status="accepted"))
    ).filter(taken__gt=F("capacity"))


def test_each_status_ends_its_history(seeded):
    for model, history, fk in (
        (Application, ApplicationStatusChange, "application"),
        (Project, ProjectStatusChange, "project"),
    ):
        last = history.objects.filter(**{fk: OuterRef("pk")}).order_by("-created_at", "-id")
        rows = model.objects.annotate(last=Subquery(last.values("to_status")[:1]))
        assert not rows.exclude(status=F("last")).exists(), model.__name__
    # Each intake's outcome has its decision row too.
    last = IntakeInterviewStatusChange.objects.filter(intake=OuterRef("pk")).order_by("-id")
    intakes = IntakeInterview.objects.annotate(last=Subquery(last.values("to_status")[:1]))
    assert intakes.exists()
    assert not intakes.exclude(outcome=F("last")).exists()


def test_accounts_log_in_with_the_published_password(seeded, client):
    assert client.login(email=f"student0@{DOMAIN}", password=PASSWORD)


def test_a_second_run_refuses_and_reset_rebuilds_the_same_data(seeded):
    titles = list(Project.objects.order_by("id").values_list("title", flat=True))
    with pytest.raises(CommandError, match="--reset"):
        seed()
    assert Application.objects.count() == SMALL.entries
    seed("--reset")
    assert Application.objects.count() == SMALL.entries
    assert list(Project.objects.order_by("id").values_list("title", flat=True)) == titles
