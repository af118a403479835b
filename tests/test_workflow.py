"""The allowed-move tables: pure checks over every pair of states of every status field."""

import itertools

import pytest

from accounts.workflow import Transitions
from applicants.models import Application, Interview, Placement
from programs.models import Inquiry, PamphletRequest
from projects.models import Project

MODELS = [PamphletRequest, Inquiry, Project, Application, Interview, Placement]


def _pairs(model):
    return [(model, s, t) for s, t in itertools.product(model.Status.values, repeat=2)]


@pytest.mark.parametrize(
    ("model", "source", "target"),
    [p for m in MODELS for p in _pairs(m)],
    ids=lambda v: v.__name__ if isinstance(v, type) else v,
)
def test_can_transition_to_follows_the_table_without_the_database(model, source, target):
    obj = model(status=source)
    expected = target in model.TRANSITIONS.moves.get(source, frozenset())
    assert obj.can_transition_to(target) is expected


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_tables_only_name_real_states_and_never_loop_onto_themselves(model):
    states = set(model.Status.values)
    for source, targets in model.TRANSITIONS.moves.items():
        assert source in states
        assert targets <= states
        assert source not in targets


def test_design_paths_are_allowed():
    assert Project.TRANSITIONS.allows("draft", "submitted")
    assert Project.TRANSITIONS.allows("changes_requested", "submitted")
    assert not Project.TRANSITIONS.allows("completed", "cancelled")
    assert not Project.TRANSITIONS.allows("in_progress", "cancelled")
    assert Application.TRANSITIONS.allows("offered", "accepted")
    assert not Application.TRANSITIONS.allows("submitted", "accepted")
    assert Placement.TRANSITIONS.allows("active", "ended_early")
    assert not Placement.TRANSITIONS.allows("completed", "active")


def test_terminal_states_have_no_moves():
    assert Project.TRANSITIONS.targets("completed") == frozenset()
    assert Project.TRANSITIONS.targets("cancelled") == frozenset()
    for state in ("accepted", "rejected", "withdrawn", "offer_declined"):
        assert Application.TRANSITIONS.targets(state) == frozenset()


def test_transitions_pairs_lists_every_move():
    table = Transitions({"a": {"b", "c"}, "b": {"c"}})
    assert table.pairs() == [("a", "b"), ("a", "c"), ("b", "c")]
