"""SPEC 5.6, voting types: single_choice and approval under every power model, the pass rule,
quorum and `P`, and the result shape. Every figure is worked out by hand in the comments."""

from decimal import Decimal as D

import pytest

from governance.result import TallyResult
from governance.scores import decide_options, option_scores, top_option
from governance.tally import SnapshotVoter, tally

COLOURS = ["red", "green", "blue"]


def snapshot(*members):
    """members: (subject, power) or (subject, power, delegate)."""
    return [SnapshotVoter(m[0], D(m[1]), m[2] if len(m) > 2 else None) for m in members]


# a 9, b 4, c 1 (delegates to a), d 16 (delegates to b), e 0; a red, b green, e abstains.
FIVE = snapshot(("a", "9"), ("b", "4"), ("c", "1", "a"), ("d", "16", "b"), ("e", "0"))
FIVE_BALLOTS = {"a": {"choice": "red"}, "b": {"choice": "green"}, "e": {"choice": "abstain"}}


def single(model, q="20", t="50", voters=FIVE, ballots=FIVE_BALLOTS):
    return tally(model, D(q), D(t), voters, ballots, voting_type="single_choice", options=COLOURS)


# --- single_choice: an option's score is the summed weight of the ballots naming it -------------

def test_single_choice_simple_tie_for_highest_means_no_winner():
    # weights 1 each: red 1, green 1, blue 0; cast 3 of W 5, abstain 1, P 2.
    result = single("simple")
    assert result.options == {"red": D(1), "green": D(1), "blue": D(0)}
    assert (result.total_weight, result.abstain, result.voters) == (D(5), D(1), 3)
    assert result.winner is None
    assert result.quorum_reached and result.outcome == "rejected"


def test_single_choice_weighted_scores_are_powers():
    # red 9, green 4 (e abstains with 0); cast 13 of 30; 9 * 100 >= 50 * 13.
    result = single("weighted")
    assert result.options == {"red": D(9), "green": D(4), "blue": D(0)}
    assert (result.winner, result.outcome, result.participation) == ("red", "passed", D("0.43333333"))


def test_single_choice_quadratic_scores_are_square_roots():
    # weights a 3, b 2, c 1, d 4, e 0: W 10; red 3, green 2; 300 >= 250.
    result = single("quadratic")
    assert result.options == {"red": D(3), "green": D(2), "blue": D(0)}
    assert (result.total_weight, result.winner, result.outcome) == (D(10), "red", "passed")


def test_single_choice_delegated_power_counts_for_the_terminal_voters_ballot():
    # c's 1 counts for a (red 10), d's 16 for b (green 20); all 5 members' power is cast.
    result = single("delegated")
    assert result.options == {"red": D(10), "green": D(20), "blue": D(0)}
    assert (result.winner, result.voters, result.participation, result.outcome) == ("green", 5, D(1), "passed")


# --- approval: each ballot gives its full weight to every option it approves ---------------------

APPROVERS = snapshot(("a", "9"), ("b", "4"), ("c", "1", "a"), ("d", "16"))
APPROVALS = {"a": {"choices": ["green", "red"]}, "b": {"choices": ["green"]}}


def test_approval_weighted_scores_may_sum_past_the_cast_weight():
    # red 9, green 9 + 4 = 13; cast 13 (not 22); winner green: 1300 >= 50 * 13.
    result = tally("weighted", D(20), D(50), APPROVERS, APPROVALS, voting_type="approval", options=COLOURS)
    assert result.options == {"red": D(9), "green": D(13), "blue": D(0)}
    assert (result.winner, result.participation, result.outcome) == ("green", D("0.43333333"), "passed")


def test_approval_delegated_and_simple():
    delegated = tally("delegated", D(20), D(50), APPROVERS, APPROVALS, voting_type="approval", options=COLOURS)
    assert delegated.options == {"red": D(10), "green": D(14), "blue": D(0)}  # a carries c's 1
    assert (delegated.winner, delegated.voters) == ("green", 3)
    simple = tally("simple", D(20), D(50), APPROVERS, APPROVALS, voting_type="approval", options=COLOURS)
    assert simple.options == {"red": D(1), "green": D(2), "blue": D(0)}


def test_approval_quadratic():
    # sqrt: a 3, b 2: red 3, green 5; W = 3 + 2 + 1 + 4 = 10.
    result = tally("quadratic", D(20), D(50), APPROVERS, APPROVALS, voting_type="approval", options=COLOURS)
    assert (result.options["red"], result.options["green"], result.total_weight) == (D(3), D(5), D(10))


# --- the pass rule: quorum, a winner, and score * 100 >= t * P, P = cast - abstain ----------------

def test_pass_threshold_is_compared_with_p_which_excludes_abstentions():
    # a 3 red, b 2 green, c 5 abstains: P = 5; 300 >= 50 * 5 passes (against cast 10 it would not).
    voters = snapshot(("a", "3"), ("b", "2"), ("c", "5"))
    ballots = {"a": {"choice": "red"}, "b": {"choice": "green"}, "c": {"choice": "abstain"}}
    result = tally("weighted", D(20), D(50), voters, ballots, voting_type="single_choice", options=COLOURS)
    assert (result.abstain, result.winner, result.outcome) == (D(5), "red", "passed")
    stricter = tally("weighted", D(20), D(61), voters, ballots, voting_type="single_choice", options=COLOURS)
    assert stricter.outcome == "rejected"  # 300 < 61 * 5


def test_pass_threshold_at_exact_equality_passes():
    # approval: a 9 approves red only, b 4 green only: P 13; red 9: 900 >= t * 13 iff t <= 69.23...
    ballots = {"a": {"choices": ["red"]}, "b": {"choices": ["green"]}}
    outcome = lambda t: tally("weighted", D(0), D(t), APPROVERS, ballots, voting_type="approval", options=COLOURS).outcome
    assert outcome("69.23076923") == "passed"
    assert outcome("69.23076924") == "rejected"


def test_quorum_counts_abstentions():
    # W 10; a votes red with 1, c abstains with 5: cast 6, so a 60 % quorum is reached.
    voters = snapshot(("a", "1"), ("c", "5"), ("z", "4"))
    ballots = {"a": {"choice": "red"}, "c": {"choice": "abstain"}}
    result = tally("weighted", D(60), D(50), voters, ballots, voting_type="single_choice", options=COLOURS)
    assert result.quorum_reached and result.outcome == "passed"
    assert tally("weighted", D(60), D(50), voters, {"a": {"choice": "red"}}, voting_type="single_choice",
                 options=COLOURS).outcome == "expired"


def test_without_quorum_the_outcome_is_expired_even_with_a_winner():
    result = single("weighted", q="50")  # 13 of 30
    assert (result.winner, result.quorum_reached, result.outcome) == ("red", False, "expired")


def test_all_abstain_reaches_quorum_with_no_winner_and_is_rejected():
    ballots = {m: {"choice": "abstain"} for m in "abcd"}
    result = single("weighted", ballots=ballots)
    assert result.options == {"red": D(0), "green": D(0), "blue": D(0)}
    assert (result.winner, result.quorum_reached, result.outcome) == (None, True, "rejected")


def test_bare_choice_strings_are_single_choice_ballots_too():
    assert single("weighted", ballots={"a": "red", "b": "green", "e": "abstain"}) == single("weighted")


def test_invalid_ballots_and_options_are_programming_errors_in_the_tally():
    with pytest.raises(ValueError):
        single("weighted", ballots={"a": {"choice": "pink"}})
    with pytest.raises(ValueError):
        tally("weighted", D(0), D(50), FIVE, {}, voting_type="single_choice", options=["only"])
    with pytest.raises(ValueError):
        tally("weighted", D(0), D(50), FIVE, {}, voting_type="basic", options=COLOURS)
    with pytest.raises(ValueError):
        tally("weighted", D(0), D(50), FIVE, {}, voting_type="plurality", options=COLOURS)
    single("weighted", ballots={"outsider": {"choice": "pink"}})  # outside the snapshot: ignored


# --- the parts usable alone (the database path sums per option in SQL) ---------------------------

def test_option_scores_and_top_option():
    scores = option_scores(COLOURS, [(D(2), ("red", "blue")), (D(3), ("blue",))])
    assert scores == {"red": D(2), "green": D(0), "blue": D(5)}
    assert top_option(scores) == "blue"
    assert top_option({"red": D(2), "blue": D(2)}) is None
    with pytest.raises(ValueError):
        option_scores(COLOURS, [(D(1), ("pink",))])


def test_decide_options_from_sums():
    result = decide_options("weighted", D(20), D(50), D(30), D(13), D(0), 3, "single_choice",
                            scores={"red": D(9), "green": D(4), "blue": D(0)})
    assert result == single("weighted")
    with pytest.raises(ValueError):
        decide_options("weighted", D(20), D(50), D(30), D(13), D(14), 2, "single_choice", scores={"red": D(9)})
    with pytest.raises(ValueError):
        decide_options("weighted", D(20), D(50), D(30), D(13), D(0), 2, "ranked_choice", scores={"red": D(9)})


# --- the result (SPEC 8.4) -------------------------------------------------------------------------

def test_result_carries_voting_type_options_and_winner_and_no_yes_or_no():
    assert single("weighted").to_json() == {
        "model": "weighted",
        "quorum_percent": "20.00000000",
        "pass_threshold_percent": "50.00000000",
        "total_weight": "30.00000000",
        "abstain": "0.00000000",
        "participation": "0.43333333",
        "support": None,
        "quorum_reached": True,
        "voters": 3,
        "outcome": "passed",
        "voting_type": "single_choice",
        "options": {"red": "9.00000000", "green": "4.00000000", "blue": "0.00000000"},
        "winner": "red",
        "early": False,
    }


@pytest.mark.parametrize("model", ["simple", "weighted", "quadratic", "delegated"])
@pytest.mark.parametrize("voting_type", ["single_choice", "approval"])
def test_result_round_trips_through_json(model, voting_type):
    ballots = {"a": {"choices": ["red"]}, "b": {"choices": ["green", "blue"]}} if voting_type == "approval" else FIVE_BALLOTS
    result = tally(model, D(20), D(50), FIVE, ballots, voting_type=voting_type, options=COLOURS)
    assert TallyResult.from_json(result.to_json()) == result


def test_basic_result_keeps_its_shape_and_gains_early_only_when_early():
    basic = tally("weighted", D(20), D(50), FIVE, {"a": "yes"})
    assert "early" not in basic.to_json() and "voting_type" not in basic.to_json()
    early = TallyResult.from_json({**basic.to_json(), "early": True})
    assert early.early and early.to_json()["early"] is True
    assert TallyResult.from_json(early.to_json()) == early
