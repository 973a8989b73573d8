"""SPEC 5.3, one test per rule, plus the edge cases that decide real votes."""

from decimal import Decimal as D

import pytest

from governance.power import model_weight
from governance.tally import SnapshotVoter, TallyResult, decide, tally


def snapshot(*members):
    """members: (subject, power) or (subject, power, delegate)."""
    return [SnapshotVoter(m[0], D(m[1]), m[2] if len(m) > 2 else None) for m in members]


# --- the models ---------------------------------------------------------------------------

def test_simple_weight_of_every_member_is_one():
    voters = snapshot(("a", "7"), ("b", "0"), ("c", "2"))
    result = tally("simple", D(0), D(50), voters, {"a": "yes", "b": "no"})
    assert (result.total_weight, result.yes, result.no, result.voters) == (D(3), D(1), D(1), 2)


def test_weighted_weight_of_member_is_its_power():
    voters = snapshot(("a", "7"), ("b", "2.5"), ("c", "0.5"))
    result = tally("weighted", D(0), D(50), voters, {"a": "no", "b": "yes"})
    assert (result.total_weight, result.yes, result.no) == (D("10.0"), D("2.5"), D(7))


def test_quadratic_weight_of_member_is_sqrt_of_power():
    voters = snapshot(("a", "9"), ("b", "4"), ("c", "2"))
    result = tally("quadratic", D(0), D(50), voters, {"a": "yes", "b": "no", "c": "abstain"})
    assert result.yes == D(3)
    assert result.no == D(2)
    assert result.abstain == D("1.41421356")
    assert result.total_weight == D("6.41421356")


def test_delegated_weight_is_own_power_plus_power_of_every_chain_reaching_member():
    voters = snapshot(("a", "1"), ("b", "2", "a"), ("c", "4", "b"), ("d", "8"))
    result = tally("delegated", D(0), D(50), voters, {"a": "yes", "d": "no"})
    assert (result.yes, result.no, result.total_weight, result.voters) == (D(7), D(8), D(15), 4)


# --- exact decimals -----------------------------------------------------------------------

def test_weights_are_exact_decimals_sqrt_with_28_digits_rounded_half_even_to_8_places():
    assert model_weight("quadratic", D(2)) == D("1.41421356")
    assert model_weight("quadratic", D("0.00000002")) == D("0.00014142")
    assert model_weight("quadratic", D("0.00000001")) == D("0.0001")
    assert model_weight("quadratic", D(3)) == D("1.73205081")  # 1.7320508075... rounds up
    assert model_weight("quadratic", D(0)) == D(0)


def test_sums_are_exact():
    voters = snapshot(*[(f"m{i}", "0.1") for i in range(10)])
    result = tally("weighted", D(100), D(50), voters, {f"m{i}": "yes" for i in range(10)})
    assert result.yes == result.total_weight == D(1)
    assert result.quorum_reached  # an inexact float sum of 0.1 x 10 would miss a 100 % quorum


# --- delegated (liquid) voting --------------------------------------------------------------

def test_member_who_votes_directly_always_votes_with_own_power():
    # b delegates to a, but b votes itself: b's power follows b's own choice, not a's.
    voters = snapshot(("a", "5"), ("b", "3", "a"))
    result = tally("delegated", D(0), D(50), voters, {"a": "yes", "b": "no"})
    assert (result.yes, result.no) == (D(5), D(3))


def test_power_of_non_voter_follows_chain_to_first_direct_voter():
    # e -> d -> c -> b -> a; c and a voted. e and d stop at c, b reaches a.
    voters = snapshot(("a", "1"), ("b", "2", "a"), ("c", "4", "b"), ("d", "8", "c"), ("e", "16", "d"))
    result = tally("delegated", D(0), D(50), voters, {"a": "yes", "c": "no"})
    assert (result.yes, result.no, result.voters) == (D(3), D(28), 5)


def test_chain_ending_at_non_voter_who_delegates_no_further_leaves_power_uncast():
    # c -> b -> a, nobody on the chain voted; d votes alone.
    voters = snapshot(("a", "1"), ("b", "2", "a"), ("c", "4", "b"), ("d", "8"))
    result = tally("delegated", D(0), D(50), voters, {"d": "yes"})
    assert (result.yes, result.no, result.abstain) == (D(8), D(0), D(0))
    assert result.voters == 1
    assert result.total_weight == D(15)


def test_chain_running_into_cycle_leaves_power_uncast():
    # x -> a -> b -> c -> a: a cycle with no direct voter on it; z votes alone.
    voters = snapshot(("a", "1", "b"), ("b", "2", "c"), ("c", "4", "a"), ("x", "8", "a"), ("z", "16"))
    result = tally("delegated", D(0), D(50), voters, {"z": "no"})
    assert (result.yes, result.no, result.voters) == (D(0), D(16), 1)


def test_cycle_with_a_direct_voter_on_it_resolves_to_that_voter():
    voters = snapshot(("a", "1", "b"), ("b", "2", "c"), ("c", "4", "a"))
    result = tally("delegated", D(0), D(50), voters, {"b": "abstain"})
    assert result.abstain == D(7)


def test_delegations_are_those_of_the_snapshot():
    # a delegates to outsider o, who votes: o is not in the snapshot, so its vote and a's power
    # are not counted.
    voters = snapshot(("a", "3", "o"), ("b", "1"))
    result = tally("delegated", D(0), D(50), voters, {"o": "yes", "b": "no"})
    assert (result.yes, result.no, result.voters, result.total_weight) == (D(0), D(1), 1, D(4))


# --- the figures ------------------------------------------------------------------------------

def test_total_weight_is_sum_of_model_weights_over_snapshot():
    voters = snapshot(("a", "4"), ("b", "1"), ("c", "2"))
    assert tally("simple", D(0), D(50), voters, {}).total_weight == D(3)
    assert tally("weighted", D(0), D(50), voters, {}).total_weight == D(7)
    assert tally("quadratic", D(0), D(50), voters, {}).total_weight == D("4.41421356")
    assert tally("delegated", D(0), D(50), voters, {}).total_weight == D(7)


def test_yes_no_abstain_are_summed_weights_cast_for_each_choice_after_delegation():
    voters = snapshot(("a", "1"), ("b", "2", "a"), ("c", "3", "d"), ("d", "4"), ("e", "5", "f"), ("f", "6"))
    result = tally("delegated", D(0), D(50), voters, {"a": "yes", "d": "no", "f": "abstain"})
    assert (result.yes, result.no, result.abstain) == (D(3), D(7), D(11))


def test_participation_is_cast_weight_over_total_weight():
    result = decide("weighted", D(20), D(50), D(3), D(1), D(0), D(0), 1)
    assert result.participation == D("0.33333333")
    assert decide("weighted", D(20), D(50), D(3), D(1), D(1), D(0), 2).participation == D("0.66666667")


def test_participation_is_zero_when_total_weight_is_zero():
    result = tally("weighted", D(0), D(50), snapshot(("a", "0"), ("b", "0")), {"a": "yes"})
    assert result.total_weight == 0
    assert result.participation == 0
    assert not result.quorum_reached
    assert result.outcome == "expired"


def test_quorum_reached_iff_cast_times_100_at_least_q_times_w():
    assert decide("weighted", D(20), D(50), D(10), D(2), D(0), D(0), 1).quorum_reached  # exactly 20 %
    assert not decide("weighted", D(20), D(50), D(10), D("1.99999999"), D(0), D(0), 1).quorum_reached
    # exact comparison: 1/3 of W against a 33.33333333 % quorum
    assert decide("weighted", D("33.33333333"), D(50), D(3), D(1), D(0), D(0), 1).quorum_reached
    assert not decide("weighted", D("33.33333334"), D(50), D(3), D(1), D(0), D(0), 1).quorum_reached


def test_quorum_never_reached_when_total_weight_is_zero():
    assert not decide("weighted", D(0), D(50), D(0), D(0), D(0), D(0), 0).quorum_reached


def test_support_is_yes_over_yes_plus_no_and_abstain_counts_toward_quorum_only():
    result = decide("weighted", D(50), D(50), D(10), D(2), D(1), D(3), 3)
    assert result.quorum_reached  # 6 of 10 cast, 3 of them abstain
    assert result.support == D("0.66666667")
    assert result.outcome == "passed"


def test_support_is_null_when_yes_plus_no_is_zero():
    result = decide("weighted", D(20), D(50), D(4), D(0), D(0), D(4), 4)
    assert result.support is None
    assert result.to_json()["support"] is None


def test_all_abstain_reaches_quorum_and_is_rejected():
    voters = snapshot(("a", "1"), ("b", "1"))
    result = tally("simple", D(50), D(50), voters, {"a": "abstain", "b": "abstain"})
    assert result.quorum_reached
    assert result.outcome == "rejected"
    assert result.participation == D(1)


def test_outcome_expired_when_quorum_not_reached():
    assert decide("weighted", D(50), D(50), D(10), D(4), D(0), D(0), 1).outcome == "expired"


def test_outcome_passed_on_exact_tie_at_threshold():
    assert decide("weighted", D(0), D(50), D(10), D(3), D(3), D(0), 2).outcome == "passed"
    assert decide("weighted", D(0), D("66.66666667"), D(3), D(2), D(1), D(0), 2).outcome == "rejected"
    assert decide("weighted", D(0), D("66.66666666"), D(3), D(2), D(1), D(0), 2).outcome == "passed"


def test_outcome_rejected_below_threshold():
    assert decide("weighted", D(0), D(50), D(10), D("2.99999999"), D(3), D(0), 2).outcome == "rejected"


def test_quorum_exactly_reached_then_decided_by_threshold():
    voters = snapshot(*[(f"m{i}", "1") for i in range(10)])
    result = tally("simple", D(20), D(50), voters, {"m0": "yes", "m1": "no"})
    assert result.quorum_reached
    assert result.participation == D("0.2")
    assert result.outcome == "passed"  # 1 : 1 is exactly 50 %


def test_result_stores_all_figures_with_decimals_as_8_place_strings():
    result = decide("quadratic", D(20), D("50.5"), D("12.5"), D("1.41421356"), D(1), D(0), 2)
    assert result.to_json() == {
        "model": "quadratic",
        "quorum_percent": "20.00000000",
        "pass_threshold_percent": "50.50000000",
        "total_weight": "12.50000000",
        "yes": "1.41421356",
        "no": "1.00000000",
        "abstain": "0.00000000",
        "participation": "0.19313708",
        "support": "0.58578644",
        "quorum_reached": False,
        "voters": 2,
        "outcome": "expired",
    }
    assert TallyResult.from_json(result.to_json()) == result


def test_same_ballots_can_be_tallied_under_another_model_for_comparison():
    voters = snapshot(("a", "9"), ("b", "1"), ("c", "1"), ("d", "1"))
    ballots = {"a": "no", "b": "yes", "c": "yes", "d": "yes"}
    assert tally("simple", D(0), D(50), voters, ballots).outcome == "passed"
    assert tally("weighted", D(0), D(50), voters, ballots).outcome == "rejected"
    assert tally("quadratic", D(0), D(50), voters, ballots).outcome == "passed"  # 3 : 3


def test_ballots_outside_snapshot_are_ignored():
    result = tally("weighted", D(0), D(50), snapshot(("a", "2")), {"a": "no", "zed": "yes"})
    assert (result.yes, result.no, result.voters) == (D(0), D(2), 1)


def test_rejects_unknown_model_choice_and_duplicate_member():
    with pytest.raises(ValueError):
        tally("plurality", D(0), D(50), snapshot(("a", "1")), {})
    with pytest.raises(ValueError):
        tally("simple", D(0), D(50), snapshot(("a", "1")), {"a": "maybe"})
    with pytest.raises(ValueError):
        tally("simple", D(0), D(50), snapshot(("a", "1"), ("a", "2")), {})
    with pytest.raises(ValueError):
        decide("simple", D(0), D(50), D(1), D(-1), D(0), D(0), 0)
