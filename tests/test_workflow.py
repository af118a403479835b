"""The allowed-move tables, checked against tables written here independently of the models.

Each expected table below is written out by hand from DESIGN.md's states (and, for the moves
DESIGN.md leaves open, from what the services are for, with the reason beside the move). A move
added to or removed from a model's table fails here until this file says it was meant.
"""

import itertools

import pytest
from django.apps import apps

from accounts.workflow import Transitions
from applicants.models import Application, Interview, Placement
from notifications.models import Notification
from programs.models import Inquiry, PamphletRequest
from projects.models import IntakeInterview, Project


def moves(*lines: str) -> set[tuple[str, str]]:
    """ "a -> b, c" lines as a set of (source, target) pairs."""
    pairs = set()
    for line in lines:
        source, targets = (part.strip() for part in line.split("->"))
        pairs |= {(source, target.strip()) for target in targets.split(",")}
    return pairs


EXPECTED = {
    # draft → submitted → (changes_requested ↔ submitted) → approved → published → closed →
    # in_progress → completed; cancelled from any open state (before in_progress).
    Project: moves(
        "draft -> submitted, cancelled",
        "submitted -> changes_requested, approved, cancelled",
        "changes_requested -> submitted, cancelled",
        "approved -> published, cancelled",
        "published -> closed, cancelled",
        # Entry reopened after closing (a place is still free).
        "closed -> published, in_progress, cancelled",
        "in_progress -> completed",
    ),
    # submitted → screening → interviewing → offered → accepted; exits rejected (host),
    # withdrawn (student, while the entry is open), offer_declined (student, from an offer).
    Application: moves(
        # The host may invite to an interview straight from a new entry.
        "submitted -> screening, interviewing, rejected, withdrawn",
        # ... and offer after screening alone (an interview held outside the platform).
        "screening -> interviewing, offered, rejected, withdrawn",
        "interviewing -> offered, rejected, withdrawn",
        # The host side withdraws an offer (rejected), as when the whole project is cancelled
        # (coordinators.services.project_cancel_with_entries).
        "offered -> accepted, offer_declined, withdrawn, rejected",
    ),
    # proposed → scheduled → completed, or cancelled, no_show.
    Interview: moves(
        "proposed -> scheduled, cancelled",
        # Rescheduling sends a scheduled interview back to new proposed slots.
        "scheduled -> proposed, completed, cancelled, no_show",
    ),
    # preparing → active → completed, or ended_early.
    Placement: moves(
        "preparing -> active, ended_early",
        "active -> completed, ended_early",
    ),
    # Step 1: a lead is contacted, becomes an inquiry or host, or is closed (and reopened).
    PamphletRequest: moves(
        "new -> contacted, converted, closed",
        "contacted -> converted, closed",
        "closed -> contacted",
    ),
    # Step 2: an inquiry is answered and closed; a follow-up question reopens it.
    Inquiry: moves(
        "new -> answered, closed",
        "answered -> closed, new",
        "closed -> new",
    ),
    # Step 3: "proceed" is final (it invites the host once); the others can still be decided.
    IntakeInterview: moves(
        "pending -> proceed, hold, decline",
        "hold -> proceed, decline",
        "decline -> proceed, hold",
    ),
    # The outbox: delivered, failed or skipped once; only a failed email is retried.
    Notification: moves(
        "pending -> sent, failed, skipped",
        "failed -> pending",
    ),
}

# The field each table governs and its choices.
FIELDS = {IntakeInterview: ("outcome", IntakeInterview.Outcome)}


def field_of(model) -> tuple[str, type]:
    return FIELDS.get(model, ("status", getattr(model, "Status", None)))


def table_pairs(model) -> set[tuple[str, str]]:
    table = model.TRANSITIONS
    if isinstance(table, Transitions):
        return set(table.pairs())
    return {(source, target) for source, targets in table.items() for target in targets}


def ids(value):
    return value.__name__ if isinstance(value, type) else value


def test_every_model_with_a_status_machine_has_an_expected_table():
    machines = {
        model
        for model in apps.get_models()
        if hasattr(model, "TRANSITIONS") and hasattr(model, "can_transition_to")
    }
    assert machines == set(EXPECTED)


@pytest.mark.parametrize("model", list(EXPECTED), ids=ids)
def test_the_model_table_is_exactly_the_expected_one(model):
    actual = table_pairs(model)
    expected = EXPECTED[model]
    assert not actual - expected, f"moves not expected: {sorted(actual - expected)}"
    assert not expected - actual, f"expected moves missing: {sorted(expected - actual)}"


@pytest.mark.parametrize("model", list(EXPECTED), ids=ids)
def test_expected_tables_name_real_states_and_never_loop(model):
    _field, choices = field_of(model)
    states = set(choices.values)
    for source, target in EXPECTED[model]:
        assert {source, target} <= states
        assert source != target


def _every_pair():
    for model in EXPECTED:
        _field, choices = field_of(model)
        for source, target in itertools.product(choices.values, repeat=2):
            yield model, source, target


@pytest.mark.parametrize(("model", "source", "target"), list(_every_pair()), ids=ids)
def test_can_transition_to_answers_every_pair_without_the_database(model, source, target):
    field, _choices = field_of(model)
    obj = model(**{field: source})
    assert obj.can_transition_to(target) is ((source, target) in EXPECTED[model])


TERMINAL = {
    Project: {"completed", "cancelled"},
    Application: {"accepted", "rejected", "withdrawn", "offer_declined"},
    Interview: {"completed", "cancelled", "no_show"},
    Placement: {"completed", "ended_early"},
    PamphletRequest: {"converted"},
    Inquiry: set(),
    IntakeInterview: {"proceed"},
    Notification: {"sent", "skipped"},
}


@pytest.mark.parametrize("model", list(EXPECTED), ids=ids)
def test_terminal_states_have_no_moves(model):
    _field, choices = field_of(model)
    with_moves = {source for source, _target in EXPECTED[model]}
    assert set(choices.values) - with_moves == TERMINAL[model]
    for state in TERMINAL[model]:
        obj = model(**{field_of(model)[0]: state})
        assert not any(obj.can_transition_to(target) for target in choices.values)


def test_transitions_pairs_lists_every_move():
    table = Transitions({"a": {"b", "c"}, "b": {"c"}})
    assert table.pairs() == [("a", "b"), ("a", "c"), ("b", "c")]
    assert table.allows("a", "b") and not table.allows("c", "a")
