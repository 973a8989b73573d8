"""The proposal state machine (SPEC 5.1) over every (status, action) pair, and its windows."""

from datetime import datetime, timedelta, timezone

import pytest

from governance.errors import InvalidState, ValidationFailed
from governance.lifecycle import (
    voting_ends_at,
    ACTIONS,
    activation_window,
    already_done,
    check_draft_window,
    check_request,
    ensure_allowed,
    require_end_after_start,
    require_end_in_future,
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


def test_end_after_start_is_checked_only_when_both_are_given():
    require_end_after_start(T0, T0 + timedelta(microseconds=1))
    require_end_after_start(None, T0)
    require_end_after_start(T0, None)
    for end in (T0, T0 - timedelta(days=1)):
        with pytest.raises(ValidationFailed) as caught:
            require_end_after_start(T0, end)
        assert caught.value.errors == {"end_at": ["must be after start_at"]}


def test_end_in_the_future_is_checked_only_when_given():
    require_end_in_future(T0 + timedelta(microseconds=1), T0)
    require_end_in_future(None, T0)
    with pytest.raises(ValidationFailed) as caught:
        require_end_in_future(T0, T0)
    assert caught.value.errors == {"end_at": ["must be in the future"]}


def test_a_draft_window_needs_end_after_start_then_in_the_future():
    check_draft_window(None, None, T0)
    check_draft_window(T0 - timedelta(days=2), T0 + timedelta(days=1), T0)  # a past start is fine
    with pytest.raises(ValidationFailed) as caught:
        check_draft_window(T0 - timedelta(days=1), T0 - timedelta(days=2), T0)
    assert caught.value.errors == {"end_at": ["must be after start_at"]}
    with pytest.raises(ValidationFailed) as caught:
        check_draft_window(None, T0 - timedelta(days=1), T0)
    assert caught.value.errors == {"end_at": ["must be in the future"]}


def _request(status, action, start_at=None, end_at=None):
    check_request(status, action, now=T0, start_at=start_at, end_at=end_at, voting_period_seconds=60)


@pytest.mark.parametrize("status", PROPOSAL_STATUSES)
@pytest.mark.parametrize("action", ["activate", "close", "execute", "cancel"])
def test_a_request_passes_when_already_done_or_allowed_and_is_invalid_state_otherwise(status, action):
    if (status, action) in DONE or (status, action) in ALLOWED or (status, action) == ("active", "close"):
        _request(status, action)
    else:
        with pytest.raises(InvalidState):
            _request(status, action)


def test_an_activation_request_whose_window_cannot_open_is_refused():
    with pytest.raises(ValidationFailed):
        _request("draft", "activate", end_at=T0 - timedelta(days=1))
    _request("active", "activate", end_at=T0 - timedelta(days=1))  # already done: its job is a no-op
    _request("draft", "cancel", end_at=T0 - timedelta(days=1))  # only activation opens a window


def test_voting_ends_at_the_close_when_it_came_before_the_scheduled_end():
    end = datetime(2025, 1, 2, tzinfo=timezone.utc)
    assert voting_ends_at(end, None) == end
    assert voting_ends_at(end, end - timedelta(hours=1)) == end - timedelta(hours=1)
    assert voting_ends_at(end, end + timedelta(hours=1)) == end  # closed after the end: the end stands
    assert voting_ends_at(None, end) == end
