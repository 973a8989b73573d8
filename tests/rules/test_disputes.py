"""The dispute state machine (SPEC 7) over every (status, action) pair."""

import pytest

from governance.disputes import ACTIONS, dispute_transition
from governance.errors import InvalidState, ValidationFailed
from governance.vocabulary import DISPUTE_STATUSES

ALLOWED = {
    ("open", "add_evidence"): "open",
    ("under_review", "add_evidence"): "under_review",
    ("open", "assign_moderator"): "under_review",
    ("under_review", "assign_moderator"): "under_review",
    ("under_review", "escalate"): "escalated",
}


@pytest.mark.parametrize("status", DISPUTE_STATUSES)
@pytest.mark.parametrize("action", [a for a in ACTIONS if a != "resolve"])
def test_every_pair(status, action):
    if (status, action) in ALLOWED:
        assert dispute_transition(status, action) == ALLOWED[(status, action)]
    else:
        with pytest.raises(InvalidState):
            dispute_transition(status, action)


@pytest.mark.parametrize("status", DISPUTE_STATUSES)
@pytest.mark.parametrize("outcome", ["resolved", "dismissed"])
def test_resolve_from_every_status(status, outcome):
    if status == "under_review":
        assert dispute_transition(status, "resolve", outcome) == outcome
    else:
        with pytest.raises(InvalidState):
            dispute_transition(status, "resolve", outcome)


@pytest.mark.parametrize("outcome", [None, "escalated", "open"])
def test_resolve_needs_resolved_or_dismissed(outcome):
    with pytest.raises(ValidationFailed) as caught:
        dispute_transition("under_review", "resolve", outcome)
    assert "outcome" in caught.value.errors


def test_final_statuses_accept_nothing():
    for status in ("resolved", "dismissed", "escalated"):
        for action in ACTIONS:
            with pytest.raises(InvalidState):
                dispute_transition(status, action, "resolved")


def test_unknown_status_or_action_is_a_programming_error():
    with pytest.raises(ValueError):
        dispute_transition("closed", "escalate")
    with pytest.raises(ValueError):
        dispute_transition("open", "close")
