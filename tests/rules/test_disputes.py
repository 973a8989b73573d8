"""The dispute state machine (SPEC 7, issue 11) over every (status, action) pair."""

import re
from datetime import datetime, timedelta, timezone

import pytest

from governance.disputes import (
    ACTIONS, PENDING_STATUSES, dispute_transition, escalation_due_at, platform_only, require_escalator,
)
from governance.errors import Forbidden, InvalidState, ValidationFailed
from governance.vocabulary import DISPUTE_STATUSES

OPENED = datetime(2030, 1, 1, tzinfo=timezone.utc)
DUE = escalation_due_at(OPENED, 3600)
ALLOWED = {
    ("open", "add_evidence"): "open",
    ("under_review", "add_evidence"): "under_review",
    ("open", "assign_moderator"): "under_review",
    ("under_review", "assign_moderator"): "under_review",
    ("under_review", "escalate"): "escalated",
    ("open", "escalate"): "escalated",  # once due
    ("escalated", "assign_moderator"): "escalated",
}


@pytest.mark.parametrize("status", DISPUTE_STATUSES)
@pytest.mark.parametrize("action", [a for a in ACTIONS if a != "resolve"])
def test_every_pair(status, action):
    if (status, action) in ALLOWED:
        assert dispute_transition(status, action, now=DUE, escalation_due=DUE) == ALLOWED[(status, action)]
    else:
        with pytest.raises(InvalidState):
            dispute_transition(status, action, now=DUE, escalation_due=DUE)


@pytest.mark.parametrize("status", DISPUTE_STATUSES)
@pytest.mark.parametrize("outcome", ["resolved", "dismissed"])
def test_resolve_from_every_status(status, outcome):
    if status in ("under_review", "escalated"):
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
    for status in ("resolved", "dismissed"):
        for action in ACTIONS:
            with pytest.raises(InvalidState):
                dispute_transition(status, action, "resolved", now=DUE, escalation_due=DUE)


def test_an_escalated_dispute_takes_no_evidence_and_no_second_escalation():
    for action in ("add_evidence", "escalate"):
        with pytest.raises(InvalidState):
            dispute_transition("escalated", action, now=DUE, escalation_due=DUE)


@pytest.mark.parametrize("now, allowed", [
    (OPENED, False), (DUE - timedelta(microseconds=1), False), (DUE, True), (DUE + timedelta(days=9), True),
])
def test_an_open_dispute_is_escalated_only_once_no_moderator_took_it_in_time(now, allowed):
    if allowed:
        assert dispute_transition("open", "escalate", now=now, escalation_due=DUE) == "escalated"
    else:
        with pytest.raises(InvalidState, match=re.escape(DUE.isoformat())):
            dispute_transition("open", "escalate", now=now, escalation_due=DUE)


def test_an_open_dispute_without_the_times_is_not_escalated():
    with pytest.raises(InvalidState):
        dispute_transition("open", "escalate")
    assert dispute_transition("under_review", "escalate") == "escalated"  # no waiting under review


def test_escalation_is_due_the_configured_time_after_opening():
    assert escalation_due_at(OPENED, 259200) == OPENED + timedelta(days=3)
    assert escalation_due_at(OPENED, 0) == OPENED


def test_only_platform_moderators_act_on_an_escalated_dispute():
    assert platform_only("escalated")
    assert not any(platform_only(status) for status in ("open", "under_review", "resolved", "dismissed"))
    assert PENDING_STATUSES == ("open", "under_review", "escalated")


def test_only_a_party_escalates_an_open_dispute():
    require_escalator("open", True)
    require_escalator("under_review", True)
    require_escalator("under_review", False)  # its moderator
    with pytest.raises(Forbidden):
        require_escalator("open", False)


def test_unknown_status_or_action_is_a_programming_error():
    with pytest.raises(ValueError):
        dispute_transition("closed", "escalate")
    with pytest.raises(ValueError):
        dispute_transition("open", "close")
