"""The proposal state machine (SPEC 5.1) over every (status, action) pair, and its windows."""

from datetime import datetime, timedelta, timezone

import pytest

from governance.errors import InvalidState, ValidationFailed
from governance.lifecycle import (
    ACTIONS,
    activation_window,
    already_done,
    ensure_allowed,
    transition,
    vote_window_open,
)
from governance.vocabulary import PROPOSAL_STATUSES

ALLOWED = {
    ("draft", "activate"): "active",
    ("draft", "cancel"): "canceled",
    ("active", "cancel"): "canceled",
    ("passed", "execute"): "executed",
}
DONE = {
    ("active", "activate"),
    ("executed", "execute"),
    ("canceled", "cancel"),
    *((s, a) for s in ("passed", "rejected", "expired") for a in ("finalize", "close")),
}
T0 = datetime(2025, 1, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize("status", PROPOSAL_STATUSES)
@pytest.mark.parametrize("action", [a for a in ACTIONS if a not in ("finalize", "close")])
def test_every_non_finalize_pair(status, action):
    if (status, action) in ALLOWED:
        assert transition(status, action) == ALLOWED[(status, action)]
    else:
        with pytest.raises(InvalidState):
            transition(status, action)


@pytest.mark.parametrize("status", PROPOSAL_STATUSES)
@pytest.mark.parametrize("action", ["finalize", "close"])
@pytest.mark.parametrize("outcome", ["passed", "rejected", "expired"])
def test_every_finalize_pair(status, action, outcome):
    if status == "active":
        assert transition(status, action, outcome) == outcome
    else:
        with pytest.raises(InvalidState):
            transition(status, action, outcome)


@pytest.mark.parametrize("status", PROPOSAL_STATUSES)
@pytest.mark.parametrize("action", ACTIONS)
def test_already_done_for_every_pair(status, action):
    assert already_done(status, action) == ((status, action) in DONE)


@pytest.mark.parametrize("status", PROPOSAL_STATUSES)
@pytest.mark.parametrize("action", ACTIONS)
def test_a_pair_is_never_both_allowed_and_already_done(status, action):
    if already_done(status, action):
        with pytest.raises(InvalidState):
            transition(status, action, "passed" if action in ("finalize", "close") else None)


def test_finalize_needs_a_valid_outcome_and_others_take_none():
    with pytest.raises(ValueError):
        transition("active", "finalize")
    with pytest.raises(ValueError):
        transition("active", "close", "executed")
    with pytest.raises(ValueError):
        transition("draft", "activate", "passed")


def test_unknown_status_or_action_is_a_programming_error():
    with pytest.raises(ValueError):
        transition("archived", "activate")
    with pytest.raises(ValueError):
        already_done("draft", "publish")


def test_activation_starts_now_when_start_absent_or_past():
    assert activation_window(T0, None, None, 3600) == (T0, T0 + timedelta(hours=1))
    past = T0 - timedelta(days=1)
    assert activation_window(T0, past, None, 60) == (T0, T0 + timedelta(minutes=1))


def test_activation_keeps_future_start_and_given_end():
    start, end = T0 + timedelta(days=1), T0 + timedelta(days=3)
    assert activation_window(T0, start, end, 60) == (start, end)
    assert activation_window(T0, start, None, 60) == (start, start + timedelta(seconds=60))


def test_activation_refuses_end_not_after_start():
    with pytest.raises(ValidationFailed) as caught:
        activation_window(T0, None, T0, 60)
    assert "end_at" in caught.value.errors
    with pytest.raises(ValidationFailed):
        activation_window(T0, T0 + timedelta(days=2), T0 + timedelta(days=1), 60)


def test_vote_window_includes_start_and_excludes_end():
    start, end = T0, T0 + timedelta(hours=1)
    assert vote_window_open(start, start, end)
    assert vote_window_open(end - timedelta(microseconds=1), start, end)
    assert not vote_window_open(end, start, end)
    assert not vote_window_open(start - timedelta(microseconds=1), start, end)
    assert not vote_window_open(start, None, end)


@pytest.mark.parametrize("status", PROPOSAL_STATUSES)
@pytest.mark.parametrize("action", ACTIONS)
def test_ensure_allowed_agrees_with_transition(status, action):
    allowed = status == "active" if action in ("finalize", "close") else (status, action) in ALLOWED
    if allowed:
        ensure_allowed(status, action)
    else:
        with pytest.raises(InvalidState):
            ensure_allowed(status, action)
