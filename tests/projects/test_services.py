"""Every allowed and every forbidden move of a project, through its services."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.utils import timezone

from accounts.workflow import InvalidTransition, TransitionNotAllowed
from notifications.models import Notification
from projects import services
from projects.models import Project, ProjectVersion
from tests.factories import (
    CoordinatorFactory,
    HostMemberFactory,
    IntakeInterviewFactory,
    StudentFactory,
)
from tests.flow import project_in

pytestmark = pytest.mark.django_db
S = Project.Status


def _call(target, project, member, coordinator):
    calls = {
        S.SUBMITTED: lambda: services.project_submit(project=project, actor=member),
        S.CHANGES_REQUESTED: lambda: services.project_request_changes(
            project=project, actor=coordinator, comment="期間を見直してください"
        ),
        S.APPROVED: lambda: services.project_approve(project=project, actor=coordinator),
        S.PUBLISHED: lambda: services.project_publish(project=project, actor=coordinator),
        S.CLOSED: lambda: services.project_close(project=project, actor=coordinator),
        S.IN_PROGRESS: lambda: services.project_start(project=project, actor=coordinator),
        S.COMPLETED: lambda: services.project_complete(project=project, actor=coordinator),
        S.CANCELLED: lambda: services.project_cancel(project=project, actor=coordinator),
    }
    return calls[target]()


TARGETS = [t for t in S.values if t != S.DRAFT]  # nothing moves back into draft


@pytest.mark.parametrize("source", S.values)
@pytest.mark.parametrize("target", TARGETS)
def test_every_project_move_is_allowed_or_refused_by_the_table(source, target):
    project, member, coordinator = project_in(source)
    history_before = project.status_changes.count()
    if Project.TRANSITIONS.allows(source, target):
        moved = _call(target, project, member, coordinator)
        assert moved.status == target
        project.refresh_from_db()
        assert project.status == target
        last = project.status_changes.last()
        assert (last.from_status, last.to_status) == (source, target)
        assert last.actor in (member, coordinator)
    else:
        with pytest.raises(InvalidTransition):
            _call(target, project, member, coordinator)
        project.refresh_from_db()
        assert project.status == source
        assert project.status_changes.count() == history_before


def test_host_of_another_organisation_cannot_submit():
    project, _member, _coordinator = project_in(S.DRAFT)
    outsider = HostMemberFactory()
    with pytest.raises(TransitionNotAllowed):
        services.project_submit(project=project, actor=outsider)
    project.refresh_from_db()
    assert project.status == S.DRAFT


def test_host_member_cannot_approve_their_own_project_but_coordinator_can():
    project, member, coordinator = project_in(S.SUBMITTED)
    with pytest.raises(TransitionNotAllowed):
        services.project_approve(project=project, actor=member)
    assert services.project_approve(project=project, actor=coordinator).status == S.APPROVED


def test_coordinator_of_another_region_cannot_publish():
    project, _member, _coordinator = project_in(S.APPROVED)
    with pytest.raises(TransitionNotAllowed):
        services.project_publish(project=project, actor=CoordinatorFactory())


def test_host_can_cancel_before_approval_but_not_after():
    draft, member, _ = project_in(S.DRAFT)
    assert services.project_cancel(project=draft, actor=member).status == S.CANCELLED
    published, member2, _ = project_in(S.PUBLISHED)
    with pytest.raises(TransitionNotAllowed):
        services.project_cancel(project=published, actor=member2)


def test_submit_keeps_a_version_each_time_and_notifies_coordinators_on_commit(
    django_capture_on_commit_callbacks,
):
    project, member, coordinator = project_in(S.DRAFT)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.project_submit(project=project, actor=member)
    assert len(callbacks) >= 1
    services.project_request_changes(project=project, actor=coordinator, comment="もう少し具体的に")
    project.title = "改訂版"
    project.save()
    services.project_submit(project=project, actor=member)
    versions = list(ProjectVersion.objects.filter(project=project).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].data["title"] == "改訂版"
    row = Notification.objects.get(
        event="project_submitted", recipient=coordinator, channel="email", context__version=1
    )
    assert row.status == Notification.Status.SENT
    assert any(coordinator.email in m.to for m in mail.outbox)


def test_request_changes_needs_a_comment_and_records_it():
    project, _member, coordinator = project_in(S.SUBMITTED)
    with pytest.raises(ValueError):
        services.project_request_changes(project=project, actor=coordinator, comment="  ")
    services.project_request_changes(project=project, actor=coordinator, comment="成果を数字で")
    assert project.status_changes.last().note == "成果を数字で"


def test_a_failed_move_leaves_no_notification():
    project, member, _ = project_in(S.SUBMITTED)
    before = Notification.objects.count()
    with pytest.raises(TransitionNotAllowed):
        services.project_approve(project=project, actor=member)
    assert Notification.objects.count() == before


def test_scheduled_publish_sets_the_time_without_moving():
    import datetime as dt

    from django.utils import timezone

    project, _member, coordinator = project_in(S.APPROVED)
    at = timezone.now() + dt.timedelta(days=2)
    project = services.project_publish(project=project, actor=coordinator, at=at)
    assert project.status == S.APPROVED
    assert project.publish_at == at


def test_copy_starts_the_next_project_as_a_draft_from_a_past_one():
    project, member, _ = project_in(S.COMPLETED)
    follow_up = services.project_copy(source=project, actor=member)
    assert follow_up.status == S.DRAFT
    assert follow_up.based_on == project
    assert follow_up.vision == project.vision
    assert follow_up.entry_deadline is None


def test_intake_proceed_creates_the_host_and_invites_its_contact(
    django_capture_on_commit_callbacks,
):
    intake = IntakeInterviewFactory()
    coordinator = CoordinatorFactory(region=intake.region)
    with django_capture_on_commit_callbacks(execute=True):
        intake, invitation = services.intake_record_outcome(
            intake=intake, outcome="proceed", actor=coordinator
        )
    assert intake.organization.name == intake.organization_name
    assert intake.organization.region == intake.region
    assert invitation.email == intake.contact_email
    assert invitation.payload == {
        "organization_id": intake.organization_id,
        "organization_name": intake.organization.name,
    }
    assert [m.to for m in mail.outbox] == [[intake.contact_email]]


def test_intake_hold_invites_nobody_and_outsiders_cannot_record():
    intake = IntakeInterviewFactory()
    with pytest.raises(TransitionNotAllowed):
        services.intake_record_outcome(intake=intake, outcome="hold", actor=CoordinatorFactory())
    intake, invitation = services.intake_record_outcome(
        intake=intake, outcome="hold", actor=CoordinatorFactory(region=intake.region)
    )
    assert intake.outcome == "hold"
    assert invitation is None
    assert intake.organization is None


# Wrong actors: every move refused to everyone but its own actor ---------------------------

# For each transition service: the state it moves from, and how to call it.
MOVES = {
    "submit": (S.DRAFT, lambda p, actor: services.project_submit(project=p, actor=actor)),
    "request_changes": (
        S.SUBMITTED,
        lambda p, actor: services.project_request_changes(
            project=p, actor=actor, comment="期間を見直してください"
        ),
    ),
    "approve": (S.SUBMITTED, lambda p, actor: services.project_approve(project=p, actor=actor)),
    "publish": (S.APPROVED, lambda p, actor: services.project_publish(project=p, actor=actor)),
    "schedule_publication": (
        S.APPROVED,
        lambda p, actor: services.project_publish(
            project=p, actor=actor, at=timezone.now() + dt.timedelta(days=2)
        ),
    ),
    "close": (S.PUBLISHED, lambda p, actor: services.project_close(project=p, actor=actor)),
    "start": (S.CLOSED, lambda p, actor: services.project_start(project=p, actor=actor)),
    "complete": (S.IN_PROGRESS, lambda p, actor: services.project_complete(project=p, actor=actor)),
    # After approval only a coordinator may cancel (before it, the host may too).
    "cancel": (S.APPROVED, lambda p, actor: services.project_cancel(project=p, actor=actor)),
}

# Who may make each move besides a coordinator of the project's region (and programme staff):
# the host's own members may submit, and the scheduler (actor None) publishes and closes.
ALSO_ALLOWED = {"submit": {"host_member"}, "publish": {"none"}, "close": {"none"}}

WRONG_ACTORS = {
    "host_member": lambda project, member: member,
    "other_host": lambda project, member: HostMemberFactory(),
    "student": lambda project, member: StudentFactory(),
    "other_coordinator": lambda project, member: CoordinatorFactory(),
    "anonymous": lambda project, member: AnonymousUser(),
    "none": lambda project, member: None,
}


def _footprint(project: Project) -> tuple:
    """Everything a move writes: the row's state, its history, versions, notifications, mail."""
    project.refresh_from_db()
    return (
        project.status,
        project.publish_at,
        project.published_at,
        project.closed_at,
        project.status_changes.count(),
        project.versions.count(),
        Notification.objects.count(),
        len(mail.outbox),
    )


@pytest.mark.parametrize(
    ("move", "who"),
    [(m, w) for m in MOVES for w in WRONG_ACTORS if w not in ALSO_ALLOWED.get(m, ())],
)
def test_every_move_is_refused_to_a_wrong_actor_and_changes_nothing(
    move, who, django_capture_on_commit_callbacks
):
    source, call = MOVES[move]
    project, member, coordinator = project_in(source)
    actor = WRONG_ACTORS[who](project, member)
    before = _footprint(project)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(TransitionNotAllowed),
    ):
        call(project, actor)

    assert callbacks == []
    assert _footprint(project) == before
    # The same move from the same state goes through for the region's coordinator.
    with django_capture_on_commit_callbacks(execute=True):
        call(project, coordinator)
    assert _footprint(project) != before
