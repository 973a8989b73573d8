"""Secret ballots (SPEC 5.6): what stays visible of a `secret_until_close` proposal while active.

Secrecy by access, not by cryptography: the server knows every choice; it shows none of them,
and no per-choice figure, to anyone, whatever their entitlements, until the proposal is
finalized. The redactions keep only what is named below (an allow-list, so a field added later
stays hidden until it is named here).

A canceled secret proposal is never revealed: SPEC 5.6 reveals the ballots at finalization, and
a cancel is none. Revealing them on cancel would let whoever may cancel (the author, any
`can_manage_proposals`) read every ballot of a running secret vote, at the price of a vote that
decides nothing.
"""

from typing import Mapping

from governance.vocabulary import BALLOT_SECRECY, OUTCOMES

# The statuses of a finalized proposal: its ballots are revealed.
REVEALED_STATUSES = (*OUTCOMES, "executed")

TALLY_VISIBLE = ("voters", "participation", "quorum_reached")
VOTE_VISIBLE = ("proposal_id", "voter_id", "submitted_at")
VOTE_CAST_VISIBLE = ("proposal_id", "proposal_slug", "voter", "submitted_at")


def ballots_hidden(ballot_secrecy: str, status: str) -> bool:
    """True while the ballots of a proposal must not be shown: its (frozen) secrecy is
    `secret_until_close` and it was not finalized (it is active, or was canceled; a draft has no
    ballots). A finalized proposal (REVEALED_STATUSES) shows everything. Raises ValueError for
    an unknown secrecy."""
    if ballot_secrecy not in BALLOT_SECRECY:
        raise ValueError(f"unknown ballot secrecy {ballot_secrecy!r}")
    return ballot_secrecy == "secret_until_close" and status not in REVEALED_STATUSES


def _kept(data: Mapping, visible: tuple[str, ...]) -> dict:
    return {key: data[key] for key in visible if key in data}


def redact_tally(tally: Mapping) -> dict:
    """A tally or result JSON (result.TallyResult.to_json) reduced to voters, participation and
    quorum_reached."""
    return _kept(tally, TALLY_VISIBLE)


def redact_vote(vote: Mapping) -> dict:
    """A vote answer (SPEC 8.4 `vote`) reduced to the proposal, the voter and the time it was
    submitted: no choice, ballot, power or weight."""
    return _kept(vote, VOTE_VISIBLE)


def redact_vote_cast(data: Mapping) -> dict:
    """The data of a `vote_cast` event (or a vote job's result) reduced to the proposal, the
    voter and the submission time: no choice, ballot or weight."""
    return _kept(data, VOTE_CAST_VISIBLE)
