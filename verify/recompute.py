"""The tally recomputation of the offline verifier: one function over every voting type and model.

`recompute_result` hands the snapshot and the ballots to the same pure rule the engine decides
with (governance.tally.tally), under the settings frozen in the signed receipt: the model,
quorum and threshold, the voting type (absent: basic) and, for the types other than basic, the
proposal's options. A voting type the rule does not know is refused, never guessed.
"""

from collections.abc import Mapping, Sequence

from governance.power import as_decimal
from governance.receipts import Ballot
from governance.tally import SnapshotVoter, tally


def recompute_result(
    settings: Mapping, voters: Sequence[SnapshotVoter], ballots: Sequence[Ballot]
) -> dict:
    """The `result` figures (SPEC 8.4 JSON) that `settings` give for `voters` and `ballots`.

    Raises KeyError for a missing model, quorum or threshold, ValueError for an unknown model or
    voting type, invalid options, or a ballot the voting type does not accept (a basic ballot is
    exactly {"choice": ...}).
    """
    voting_type = settings.get("voting_type", "basic")
    options = settings.get("options") or ()
    if not isinstance(options, (list, tuple)):
        raise ValueError("settings.options must be a list of option labels")
    return tally(
        settings["governance_model"], as_decimal(settings["quorum_percent"]),
        as_decimal(settings["pass_threshold_percent"]), voters,
        {ballot.voter_id: dict(ballot.ballot) for ballot in ballots}, voting_type, list(options),
    ).to_json()
