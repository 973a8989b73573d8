"""The rules a ballot meets (SPEC 5.2): admission, eligibility since the snapshot, the ballot
policy with and without vote change."""

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance.ballot_policy import Ballot, admit_ballot, ballot_counts, standing_ballots, still_eligible
from governance.errors import AlreadyVoted, NotEligible, VotingClosed

T0 = datetime(2025, 1, 1, tzinfo=timezone.utc)
START, END = T0, T0 + timedelta(days=1)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_a_ballot_is_admitted_while_the_proposal_is_active_and_open():
    admit_ballot("active", START, START, END, True)
    admit_ballot("active", END - timedelta(microseconds=1), START, END, True)


@pytest.mark.parametrize("status", ["draft", "passed", "rejected", "expired", "executed", "canceled"])
def test_a_ballot_on_a_proposal_that_is_not_active_is_voting_closed(status):
    with pytest.raises(VotingClosed):
        admit_ballot(status, at(1), START, END, True)


@pytest.mark.parametrize("submitted", [START - timedelta(microseconds=1), END, END + timedelta(days=1)])
def test_a_ballot_submitted_outside_the_window_is_voting_closed(submitted):
    with pytest.raises(VotingClosed):
        admit_ballot("active", submitted, START, END, True)


@pytest.mark.parametrize("status, submitted, message", [
    ("active", END, "voting closed at 2025-01-02T00:00:00Z"),
    ("active", END + timedelta(days=3), "voting closed at 2025-01-02T00:00:00Z"),
    ("active", START - timedelta(seconds=1), "voting opens at 2025-01-01T00:00:00Z"),
    ("passed", END, "voting closed at 2025-01-02T00:00:00Z: the proposal is passed"),
    ("expired", at(1), "voting closed at 2025-01-02T00:00:00Z: the proposal is expired"),
    ("draft", at(1), "voting has not opened: the proposal is a draft, not yet activated"),
    ("canceled", at(1), "voting is closed: the proposal is canceled"),
])
def test_voting_closed_says_when(status, submitted, message):
    with pytest.raises(VotingClosed) as refused:
        admit_ballot(status, submitted, START, END, True)
    assert refused.value.message == message


def test_voting_closed_is_judged_before_eligibility():
    with pytest.raises(VotingClosed):
        admit_ballot("active", END, START, END, False)
    with pytest.raises(NotEligible):
        admit_ballot("active", at(1), START, END, False)


def test_only_snapshot_members_are_eligible():
    assert still_eligible(True, "active", False)
    assert not still_eligible(False, "active", False)


def test_a_voter_banned_since_the_snapshot_may_no_longer_vote():
    assert not still_eligible(True, "active", True)  # by moderation
    assert not still_eligible(True, "banned", False)  # in the DAO


@pytest.mark.parametrize("status", ["left", "pending", None])
def test_other_status_changes_since_the_snapshot_keep_the_vote(status):
    assert still_eligible(True, status, False)


def test_with_vote_change_the_last_submitted_ballot_stands_whatever_the_order():
    ballots = [Ballot("b", "alice", at(2)), Ballot("c", "alice", at(3)), Ballot("a", "alice", at(1))]
    assert standing_ballots(ballots, True) == {"alice": "c"}


def test_without_vote_change_the_first_submitted_ballot_stands():
    ballots = [Ballot("b", "alice", at(2)), Ballot("a", "alice", at(1)), Ballot("c", "bob", at(3))]
    assert standing_ballots(ballots, False) == {"alice": "a", "bob": "c"}


@pytest.mark.parametrize("change", [True, False])
def test_of_ballots_submitted_at_the_same_instant_the_earlier_given_stands(change):
    ballots = [Ballot("x", "alice", at(1)), Ballot("y", "alice", at(1))]
    assert standing_ballots(ballots, change) == {"alice": "x"}


@given(st.lists(st.tuples(st.sampled_from("abc"), st.integers(0, 5)), max_size=20), st.booleans())
def test_one_ballot_stands_per_voter_and_it_is_the_extreme_one(entries, change):
    ballots = [Ballot(i, voter, at(minute)) for i, (voter, minute) in enumerate(entries)]
    standing = standing_ballots(ballots, change)
    assert set(standing) == {b.voter for b in ballots}
    for voter, key in standing.items():
        times = [b.submitted_at for b in ballots if b.voter == voter]
        assert ballots[key].submitted_at == (max(times) if change else min(times))


def test_the_standing_ballot_once_written_is_the_vote():
    assert ballot_counts(True, True, True) is True
    assert ballot_counts(True, True, False) is True


def test_with_vote_change_every_other_ballot_is_superseded():
    assert ballot_counts(False, True, True) is False
    assert ballot_counts(True, False, True) is False  # a vote submitted later was already stored


@pytest.mark.parametrize("standing, written", [(False, True), (True, False)])
def test_without_vote_change_every_other_ballot_fails_already_voted(standing, written):
    with pytest.raises(AlreadyVoted):
        ballot_counts(standing, written, False)
