"""The rules a ballot meets (SPEC 5.2): when a vote is admitted, who may still vote, and which of
a voter's ballots stands.

A ballot is judged by the time the API accepted it (`submitted_at`), never by when a worker
reaches it. With vote change allowed the ballot submitted last stands, whatever order the workers
process them in; without it the first stands and every later one fails `already_voted`.
"""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime

from governance.errors import AlreadyVoted, NotEligible, VotingClosed
from governance.lifecycle import vote_window_open
from governance.times import utc_text


@dataclass(frozen=True)
class Ballot:
    """One submitted vote: `key` identifies it to the caller (e.g. its job id)."""

    key: Hashable
    voter: str
    submitted_at: datetime


def still_eligible(in_snapshot: bool, member_status: str | None, banned: bool) -> bool:
    """True iff a subject may vote on an active proposal: it is in the proposal's eligibility
    snapshot and has not been banned since, neither by moderation (`banned`) nor in the DAO
    (`member_status` 'banned'). Any other status, or none, keeps the snapshot's word: a member
    who left after the snapshot still votes."""
    return in_snapshot and member_status != "banned" and not banned


def admit_ballot(
    proposal_status: str,
    submitted_at: datetime,
    start_at: datetime | None,
    end_at: datetime | None,
    eligible: bool,
) -> None:
    """Raise VotingClosed unless the proposal is active and `submitted_at` falls in its window
    (governance.lifecycle.vote_window_open; `end_at` is when voting ends, the close included:
    lifecycle.voting_ends_at), saying when voting opens or closed; then NotEligible unless
    `eligible`."""
    if proposal_status == "draft":
        raise VotingClosed("voting has not opened: the proposal is a draft, not yet activated")
    if proposal_status != "active":
        if proposal_status == "canceled" or end_at is None:
            raise VotingClosed(f"voting is closed: the proposal is {proposal_status}")
        raise VotingClosed(f"voting closed at {utc_text(end_at)}: the proposal is {proposal_status}")
    if start_at is not None and submitted_at < start_at:
        raise VotingClosed(f"voting opens at {utc_text(start_at)}")
    if not vote_window_open(submitted_at, start_at, end_at):
        raise VotingClosed(f"voting closed at {utc_text(end_at)}" if end_at is not None else "voting is not open")
    if not eligible:
        raise NotEligible("not in this proposal's eligibility snapshot, or banned since")


def standing_ballots(ballots: Iterable[Ballot], allow_vote_change: bool) -> dict[str, Hashable]:
    """voter -> the key of the one ballot of each voter that is to be written: the one submitted
    last with vote change allowed, the first without. Of ballots submitted at the same instant
    the earlier in `ballots` stands."""
    standing: dict[str, Ballot] = {}
    for ballot in ballots:
        held = standing.get(ballot.voter)
        if held is None or (
            ballot.submitted_at > held.submitted_at
            if allow_vote_change
            else ballot.submitted_at < held.submitted_at
        ):
            standing[ballot.voter] = ballot
    return {voter: ballot.key for voter, ballot in standing.items()}


def ballot_counts(is_standing: bool, written: bool, allow_vote_change: bool) -> bool:
    """The fate of an admitted ballot once the standing ones were written.

    `written`: the database kept the voter's standing ballot (it refuses it when the voter already
    voted and vote change is off, or holds a vote submitted later). True: the ballot is the
    voter's vote now (`vote_cast`). False: it was superseded (vote change allowed). Without vote
    change a ballot that is not the voter's vote raises AlreadyVoted.
    """
    if is_standing and written:
        return True
    if allow_vote_change:
        return False
    raise AlreadyVoted("this DAO does not allow changing a vote")
