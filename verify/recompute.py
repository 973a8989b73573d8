"""The tally recomputation of the offline verifier: one function, one branch per voting type.

`recompute_result` is the only place that knows how a voting type turns the snapshot and the
ballots into the figures of `result`; a new voting type (SPEC 5.6) is one more branch here that
calls its pure rule in governance/.
"""

from collections.abc import Mapping, Sequence

from governance.power import as_decimal
from governance.receipts import Ballot
from governance.tally import SnapshotVoter, tally


class UnsupportedVotingType(ValueError):
    """A voting type this verifier cannot recompute yet."""


def recompute_result(
    settings: Mapping, voters: Sequence[SnapshotVoter], ballots: Sequence[Ballot]
) -> dict:
    """The `result` figures (SPEC 8.4 JSON) that `settings` give for `voters` and `ballots`.

    Raises UnsupportedVotingType for a voting type not handled here, ValueError for a ballot the
    voting type does not accept or an unknown model.
    """
    voting_type = settings.get("voting_type", "basic")
    if voting_type == "basic":
        return _basic(settings, voters, ballots)
    raise UnsupportedVotingType(f"this verifier cannot recompute voting type {voting_type!r}")


def _basic(settings: Mapping, voters: Sequence[SnapshotVoter], ballots: Sequence[Ballot]) -> dict:
    choices = {}
    for ballot in ballots:
        if set(ballot.ballot) != {"choice"}:
            raise ValueError(f"ballot of {ballot.voter_id}: a basic ballot is {{\"choice\": ...}}")
        choices[ballot.voter_id] = ballot.ballot["choice"]
    return tally(
        settings["governance_model"], as_decimal(settings["quorum_percent"]),
        as_decimal(settings["pass_threshold_percent"]), voters, choices,
    ).to_json()
