"""Step 3: every allowed and forbidden decision on an intake interview, and who may make it."""

import pytest
from django.core import mail

from accounts.models import Invitation
from accounts.workflow import InvalidTransition, TransitionNotAllowed
from notifications.models import Notification
from projects import services
from projects.models import HostOrganization, IntakeInterview, IntakeInterviewStatusChange
from tests.factories import (
    CoordinatorFactory,
    HostMemberFactory,
    HostOrganizationFactory,
    IntakeInterviewFactory,
    StaffFactory,
    StudentFactory,
)

pytestmark = pytest.mark.django_db
Outcome = IntakeInterview.Outcome


def intake_in(outcome: str, **fields) -> tuple[IntakeInterview, object]:
    """An intake with `outcome`, decided through the service; and a coordinator of its region."""
    intake = IntakeInterviewFactory(**fields)
    coordinator = CoordinatorFactory(region=intake.region)
    if outcome != Outcome.PENDING:
        intake, _invitation = services.intake_record_outcome(
            intake=intake, outcome=outcome, actor=coordinator
        )
    return intake, coordinator


def invitations_to(intake: IntakeInterview) -> int:
    return Invitation.objects.filter(email=intake.contact_email).count()


@pytest.mark.parametrize("source", Outcome.values)
@pytest.mark.parametrize("target", [o for o in Outcome.values if o != Outcome.PENDING])
def test_every_decision_is_allowed_or_refused_by_the_table(
    source, target, django_capture_on_commit_callbacks
):
    intake, coordinator = intake_in(source)
    history = list(intake.status_changes.values_list("from_status", "to_status"))
    invitations = invitations_to(intake)
    with django_capture_on_commit_callbacks(execute=True):
        if IntakeInterview.TRANSITIONS.allows(source, target):
            decided, invitation = services.intake_record_outcome(
                intake=intake, outcome=target, actor=coordinator
            )
        else:
            with pytest.raises(InvalidTransition):
                services.intake_record_outcome(intake=intake, outcome=target, actor=coordinator)
            decided, invitation = None, None
    intake.refresh_from_db()
    if decided is None:
        assert intake.outcome == source
        assert list(intake.status_changes.values_list("from_status", "to_status")) == history
        assert invitations_to(intake) == invitations
        return
    assert intake.outcome == target == decided.outcome
    assert intake.decided_at is not None
    last = intake.status_changes.last()
    assert (last.from_status, last.to_status, last.actor) == (source, target, coordinator)
    assert intake.status_changes.count() == len(history) + 1
    if target == Outcome.PROCEED:
        assert invitation is not None and invitations_to(intake) == 1
        assert intake.organization.region == intake.region
        assert [m.to for m in mail.outbox] == [[intake.contact_email]]
    else:
        assert invitation is None and invitations_to(intake) == invitations
        assert mail.outbox == []


def test_the_pending_outcome_is_never_recorded():
    for source in Outcome.values:
        assert not IntakeInterview.TRANSITIONS.allows(source, Outcome.PENDING)


def test_recording_proceed_twice_invites_once(django_capture_on_commit_callbacks):
    intake, coordinator = intake_in(Outcome.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        services.intake_record_outcome(intake=intake, outcome=Outcome.PROCEED, actor=coordinator)
        with pytest.raises(InvalidTransition):
            services.intake_record_outcome(
                intake=intake, outcome=Outcome.PROCEED, actor=coordinator
            )
    assert invitations_to(intake) == 1
    assert Notification.objects.filter(event="host_invited").count() == 1
    assert len(mail.outbox) == 1
    assert HostOrganization.objects.count() == 1
    assert list(intake.status_changes.values_list("to_status", flat=True)) == [Outcome.PROCEED]


@pytest.mark.parametrize("source", [Outcome.HOLD, Outcome.DECLINE])
def test_a_held_or_declined_intake_can_still_proceed_once(
    source, django_capture_on_commit_callbacks
):
    intake, coordinator = intake_in(source)
    with django_capture_on_commit_callbacks(execute=True):
        intake, invitation = services.intake_record_outcome(
            intake=intake, outcome=Outcome.PROCEED, actor=coordinator, note="体制が整ったとのこと"
        )
    assert invitation.payload["organization_id"] == intake.organization_id
    assert invitations_to(intake) == 1
    assert list(intake.status_changes.values_list("from_status", "to_status", "note")) == [
        (Outcome.PENDING, source, ""),
        (source, Outcome.PROCEED, "体制が整ったとのこと"),
    ]


def test_proceed_with_a_linked_host_invites_to_it_without_creating_another():
    host = HostOrganizationFactory()
    intake, coordinator = intake_in(Outcome.HOLD, region=host.region, organization=host)
    intake, invitation = services.intake_record_outcome(
        intake=intake, outcome=Outcome.PROCEED, actor=coordinator
    )
    assert intake.organization == host
    assert HostOrganization.objects.get() == host
    assert invitation.payload == {"organization_id": host.pk, "organization_name": host.name}


ACTORS = {
    "coordinator of the region": lambda intake: CoordinatorFactory(region=intake.region),
    "staff": lambda intake: StaffFactory(),
    "coordinator of another region": lambda intake: CoordinatorFactory(),
    "host member": lambda intake: HostMemberFactory(),
    "student": lambda intake: StudentFactory(),
    "nobody": lambda intake: None,
}
ALLOWED = {"coordinator of the region", "staff"}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("target", [Outcome.PROCEED, Outcome.HOLD, Outcome.DECLINE])
def test_only_the_regions_coordinators_and_staff_decide(actor, target):
    intake, _coordinator = intake_in(Outcome.PENDING)
    user = ACTORS[actor](intake)
    hosts = HostOrganization.objects.count()
    if actor in ALLOWED:
        intake, _invitation = services.intake_record_outcome(
            intake=intake, outcome=target, actor=user
        )
        assert intake.outcome == target
        assert intake.status_changes.get().actor == user
        return
    with pytest.raises(TransitionNotAllowed):
        services.intake_record_outcome(intake=intake, outcome=target, actor=user)
    intake.refresh_from_db()
    assert (intake.outcome, intake.decided_at, intake.organization_id) == (
        Outcome.PENDING,
        None,
        None,
    )
    assert not intake.status_changes.exists()
    assert not Invitation.objects.exists()
    assert HostOrganization.objects.count() == hosts


def test_an_unknown_outcome_is_refused_before_anything_is_read():
    intake, coordinator = intake_in(Outcome.PENDING)
    with pytest.raises(ValueError):
        services.intake_record_outcome(intake=intake, outcome="maybe", actor=coordinator)
    assert not intake.status_changes.exists()


def test_outcome_change_rows_read_with_the_outcome_labels():
    intake, _coordinator = intake_in(Outcome.HOLD)
    change = IntakeInterviewStatusChange.objects.get(intake=intake)
    assert str(change) == f"{Outcome.PENDING.label} → {Outcome.HOLD.label}"


@pytest.mark.parametrize(("language", "greeting"), [("ja", "ご案内"), ("en", "invit")])
def test_the_invitation_is_written_in_the_contacts_language(
    django_capture_on_commit_callbacks, language, greeting
):
    intake, coordinator = intake_in(Outcome.PENDING, contact_language=language)
    with django_capture_on_commit_callbacks(execute=True):
        services.intake_record_outcome(intake=intake, outcome=Outcome.PROCEED, actor=coordinator)
    (email,) = mail.outbox
    assert greeting in email.subject.lower()
    assert Notification.objects.get(event="host_invited").language == language


def test_the_coordinator_is_told_when_the_contact_stopped_invitations(client):
    from notifications.models import EmailSuppression

    intake, _coordinator = intake_in(Outcome.PENDING)
    EmailSuppression.objects.create(email=intake.contact_email, event="host_invited")
    client.force_login(StaffFactory())
    response = client.post(
        "/admin/projects/intakeinterview/",
        {"action": "record_proceed", "_selected_action": [intake.pk]},
        follow=True,
    )
    texts = [str(m) for m in response.context["messages"]]
    assert any(intake.contact_email in t and "招待" in t for t in texts), texts
    intake.refresh_from_db()
    assert intake.outcome == Outcome.PROCEED
    assert Notification.objects.get(event="host_invited").status == "skipped"
    assert mail.outbox == []
