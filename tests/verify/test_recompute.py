"""The verifier's tally recomputation (pure)."""

from decimal import Decimal as D

import pytest

from governance.receipts import Ballot
from governance.tally import SnapshotVoter, tally
from verify.recompute import recompute_result

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


OPTIONS = ["red", "green", "blue"]
TYPED_BALLOTS = {
    "single_choice": {"a": {"choice": "green"}, "b": {"choice": "red"}, "c": {"choice": "green"}},
    "approval": {"a": {"choices": ["red", "green"]}, "b": {"choices": ["blue"]}, "c": {"choice": "abstain"}},
    "ranked_choice": {"a": {"ranking": ["blue", "red"]}, "b": {"ranking": ["red"]},
                      "c": {"ranking": ["green", "red", "blue"]}},
}


@pytest.mark.parametrize("model", ["simple", "weighted", "quadratic", "delegated"])
@pytest.mark.parametrize("voting_type", sorted(TYPED_BALLOTS))
def test_every_voting_type_is_recomputed_by_the_tally_rule_with_the_frozen_options(model, voting_type):
    settings = {"governance_model": model, "quorum_percent": "10.00000000",
                "pass_threshold_percent": "30.00000000", "voting_type": voting_type, "options": OPTIONS}
    cast = TYPED_BALLOTS[voting_type]
    expected = tally(model, D(10), D(30), VOTERS, cast, voting_type, OPTIONS).to_json()
    recomputed = recompute_result(settings, VOTERS, [Ballot(voter, ballot) for voter, ballot in cast.items()])
    assert recomputed == expected
    assert recomputed["voting_type"] == voting_type and set(recomputed["options"]) == set(OPTIONS)


def test_the_options_order_is_the_frozen_one_it_breaks_runoff_ties():
    # a and c rank different options first with equal weight: the later option is eliminated.
    voters = [SnapshotVoter("a", D(1)), SnapshotVoter("c", D(1))]
    ballots = [Ballot("a", {"ranking": ["red"]}), Ballot("c", {"ranking": ["blue"]})]
    base = {"governance_model": "simple", "quorum_percent": "0", "pass_threshold_percent": "0",
            "voting_type": "ranked_choice"}
    first = recompute_result({**base, "options": ["red", "blue"]}, voters, ballots)
    second = recompute_result({**base, "options": ["blue", "red"]}, voters, ballots)
    assert first["rounds"][0]["eliminated"] == "blue" and second["rounds"][0]["eliminated"] == "red"


@pytest.mark.parametrize("settings", [
    {"voting_type": "sortition"},
    {"voting_type": "approval"},  # no options frozen
    {"voting_type": "approval", "options": "red,green"},
    {"voting_type": "basic", "options": OPTIONS},
])
def test_settings_the_rule_cannot_decide_under_are_refused(settings):
    base = {"governance_model": "simple", "quorum_percent": "0", "pass_threshold_percent": "50"}
    with pytest.raises(ValueError):
        recompute_result({**base, **settings}, VOTERS, [Ballot("a", {"choice": "abstain"})])


def test_a_ballot_of_another_voting_type_is_refused():
    settings = {"governance_model": "simple", "quorum_percent": "0", "pass_threshold_percent": "50",
                "voting_type": "approval", "options": OPTIONS}
    with pytest.raises(ValueError):
        recompute_result(settings, VOTERS, [Ballot("a", {"ranking": ["red"]})])


@pytest.mark.parametrize("ballot", [{"choices": ["yes"]}, {"choice": "maybe"},
                                    {"choice": "yes", "weight": "9"}])
def test_a_ballot_basic_voting_does_not_accept_is_refused(ballot):
    settings = {"governance_model": "simple", "quorum_percent": "0", "pass_threshold_percent": "50"}
    with pytest.raises(ValueError):
        recompute_result(settings, VOTERS, [Ballot("a", ballot)])
