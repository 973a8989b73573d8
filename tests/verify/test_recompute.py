"""The verifier's tally recomputation (pure)."""

from decimal import Decimal as D

import pytest

from governance.receipts import Ballot
from governance.tally import SnapshotVoter, tally
from verify.recompute import UnsupportedVotingType, recompute_result

VOTERS = [SnapshotVoter("a", D(4)), SnapshotVoter("b", D(1), "a"), SnapshotVoter("c", D(9))]
BALLOTS = [Ballot("a", {"choice": "yes"}), Ballot("c", {"choice": "no"})]


@pytest.mark.parametrize("model", ["simple", "weighted", "quadratic", "delegated"])
def test_basic_ballots_are_recomputed_by_the_tally_rule(model):
    settings = {"governance_model": model, "quorum_percent": "20.00000000",
                "pass_threshold_percent": "50.00000000", "voting_type": "basic"}
    expected = tally(model, D(20), D(50), VOTERS, {"a": "yes", "c": "no"}).to_json()
    assert recompute_result(settings, VOTERS, BALLOTS) == expected


def test_a_missing_voting_type_means_basic():
    settings = {"governance_model": "weighted", "quorum_percent": "0", "pass_threshold_percent": "50"}
    assert recompute_result(settings, VOTERS, BALLOTS)["outcome"] == "rejected"


def test_a_voting_type_not_handled_yet_is_said_so():
    settings = {"governance_model": "simple", "quorum_percent": "0", "pass_threshold_percent": "50",
                "voting_type": "approval"}
    with pytest.raises(UnsupportedVotingType, match="approval"):
        recompute_result(settings, VOTERS, [Ballot("a", {"choices": ["x"]})])


@pytest.mark.parametrize("ballot", [{"choices": ["yes"]}, {"choice": "maybe"},
                                    {"choice": "yes", "weight": "9"}])
def test_a_ballot_basic_voting_does_not_accept_is_refused(ballot):
    settings = {"governance_model": "simple", "quorum_percent": "0", "pass_threshold_percent": "50"}
    with pytest.raises(ValueError):
        recompute_result(settings, VOTERS, [Ballot("a", ballot)])
