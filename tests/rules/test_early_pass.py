"""SPEC 5.6, early pass: where it is allowed, and when a live tally decides a proposal early."""

from dataclasses import replace
from decimal import Decimal as D

import pytest

from governance.early_pass import dao_refusals, early_pass_refusals, passes_early
from governance.tally import decide, tally, SnapshotVoter


def test_allowed_only_without_vote_change_under_simple_weighted_or_quadratic_for_basic():
    for model in ("simple", "weighted", "quadratic"):
        assert early_pass_refusals(False, model, "basic") == []
    assert len(early_pass_refusals(True, "weighted", "basic")) == 1
    assert len(early_pass_refusals(False, "delegated", "basic")) == 1
    assert len(early_pass_refusals(False, "weighted", "ranked_choice")) == 1
    assert len(early_pass_refusals(True, "delegated", "approval")) == 3


def test_a_dao_may_turn_it_on_only_if_its_settings_and_every_type_rule_allow_it():
    assert dao_refusals(False, "weighted", None) == []
    assert dao_refusals(False, "weighted", {"treasury": {"quorum_percent": "30.00000000"}}) == []
    assert dao_refusals(False, "delegated", {"treasury": {"governance_model": "simple"}}) == [
        "needs the governance model to be one of: simple, weighted, quadratic"]
    assert dao_refusals(True, "simple", {"general": {"voting_type": "approval"}}) == [
        "needs allow_vote_change false: a changed vote could undo the outcome",
        "type_rules.general: needs the basic voting type",
    ]
    assert dao_refusals(False, "simple", {"membership": {"governance_model": "delegated"}}) == [
        "type_rules.membership: needs the governance model to be one of: simple, weighted, quadratic"]


def live(yes, no, abstain, w="10", q="20", t="50"):
    return decide("weighted", D(q), D(t), D(w), D(yes), D(no), D(abstain), 1)


def test_passes_once_quorum_is_reached_and_yes_beats_t_of_everything_still_possible():
    # W 10: yes 6, no 0, R 4: 600 >= 50 * 10.
    assert passes_early(live("6", "0", "0"))
    # yes 5, R 5: 500 >= 500, the tie the final rule would pass too.
    assert passes_early(live("5", "0", "0"))
    # yes 4, R 6: 400 < 500.
    assert not passes_early(live("4", "0", "0"))
    # yes 6, no 1, abstain 1, R 2: 600 >= 50 * 9.
    assert passes_early(live("6", "1", "1"))
    # yes 4, no 1, R 5: 400 < 50 * 10 (all of R voting no would reject).
    assert not passes_early(live("4", "1", "0"))
    # a 2/3 threshold: yes 6, no 0, R 4: 600 < 66.67 * 10; yes 7, R 3: 700 >= 666.67.
    assert not passes_early(live("6", "0", "0", t="66.66666667"))
    assert passes_early(live("7", "0", "0", t="66.66666667"))


def test_abstentions_are_no_longer_open_weight():
    # yes 3, abstain 4, R 3: 300 >= 50 * (3 + 0 + 3).
    assert passes_early(live("3", "0", "4"))


def test_not_before_quorum():
    # yes 6 of 10 against a 70 % quorum: not reached.
    assert not passes_early(live("6", "0", "0", q="70"))
    assert passes_early(live("7", "0", "0", q="70"))


def test_not_on_an_all_abstain_tally_even_at_a_zero_threshold():
    # At t = 0 the formula holds for yes = no = 0, but the final rule would reject: no early pass.
    assert not passes_early(live("0", "0", "5", t="0"))
    assert passes_early(live("0", "1", "5", t="0"))  # 0 >= 0 with a decisive vote: passes at close too


def test_the_result_of_an_early_pass_says_so():
    result = live("6", "0", "0")
    assert replace(result, early=True).to_json()["early"] is True
    assert result.outcome == "passed"


def test_refused_for_results_it_does_not_apply_to():
    delegated = tally("delegated", D(0), D(50), [SnapshotVoter("a", D(1))], {"a": "yes"})
    with pytest.raises(ValueError):
        passes_early(delegated)
    ranked = tally("weighted", D(0), D(50), [SnapshotVoter("a", D(1))], {"a": {"ranking": ["x"]}},
                   voting_type="ranked_choice", options=["x", "y"])
    with pytest.raises(ValueError):
        passes_early(ranked)
