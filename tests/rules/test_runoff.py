"""SPEC 5.6, ranked_choice: instant runoff, one test per rule, every round worked out by hand."""

from decimal import Decimal as D

import pytest

from governance.result import RunoffRound, TallyResult
from governance.runoff import instant_runoff
from governance.tally import SnapshotVoter, tally

ABCD = ["a", "b", "c", "d"]


def ranked(model, voters, rankings, options=ABCD, q="20", t="50"):
    ballots = {
        subject: {"choice": "abstain"} if ranking == "abstain" else {"ranking": list(ranking)}
        for subject, ranking in rankings.items()
    }
    return tally(model, D(q), D(t), voters, ballots, voting_type="ranked_choice", options=options)


def scores(*rounds):
    return [r.scores for r in rounds]


# Options a, c, b, d. v1 4 x [a, b]; v2 3 x [b, c]; v3 2 x [c, b]; v4 1 x [d, c]: P = 10.
#   round 1: a 4, b 3, c 2, d 1 - no majority (> 5); d is lowest and eliminated
#   round 2: a 4, b 3, c 3 - b and c tie for lowest; c had less in round 1 (2 < 3): c eliminated
#            (by position alone b, the later option, would have gone)
#   round 3: a 4, b 5, 1 exhausted (v4's d and c are both out); 5 * 2 > 9: b wins with 5
CLASSIC = [SnapshotVoter("v1", D(4)), SnapshotVoter("v2", D(3)), SnapshotVoter("v3", D(2)), SnapshotVoter("v4", D(1))]
CLASSIC_RANKINGS = {"v1": "ab", "v2": "bc", "v3": "cb", "v4": "dc"}
CLASSIC_OPTIONS = ["a", "c", "b", "d"]


def test_each_round_counts_a_ballot_for_its_highest_ranked_option_still_standing():
    result = ranked("weighted", CLASSIC, CLASSIC_RANKINGS, options=CLASSIC_OPTIONS)
    assert result.rounds == (
        RunoffRound({"a": D(4), "b": D(3), "c": D(2), "d": D(1)}, D(0), "d"),
        RunoffRound({"a": D(4), "b": D(3), "c": D(3)}, D(0), "c"),
        RunoffRound({"a": D(4), "b": D(5)}, D(1), None),
    )
    assert result.winner == "b"


def test_result_options_are_the_first_round():
    assert ranked("weighted", CLASSIC, CLASSIC_RANKINGS).options == {"a": D(4), "b": D(3), "c": D(2), "d": D(1)}


def test_a_majority_of_the_rounds_counted_weight_wins_at_once():
    # a 6 of 10 in round 1: 12 > 10.
    result = ranked("weighted", CLASSIC, {"v1": "a", "v2": "ab", "v3": "b", "v4": "c"})
    assert result.rounds == (RunoffRound({"a": D(7), "b": D(2), "c": D(1), "d": D(0)}, D(0), None),)
    assert result.winner == "a"


def test_exactly_half_is_no_majority():
    # round 1: a 5, b 5 of 10; lowest c, d at 0: d (later) then c go; a 5, b 5 tie for lowest,
    # tied in the previous round too: b, the later option, is eliminated; a wins with 5 of 5.
    result = ranked("weighted", CLASSIC, {"v1": "a", "v2": "b", "v3": "b", "v4": "a"})
    assert [r.eliminated for r in result.rounds] == ["d", "c", "b", None]
    assert result.rounds[-1] == RunoffRound({"a": D(5)}, D(5), None)
    assert result.winner == "a"


def test_passed_iff_winners_final_score_times_100_at_least_t_times_p():
    # The classic winner b ends with 5 of P = 10 (1 exhausted): 500 >= 50 * 10 passes, 51 % does not.
    assert ranked("weighted", CLASSIC, CLASSIC_RANKINGS, options=CLASSIC_OPTIONS, t="50").outcome == "passed"
    assert ranked("weighted", CLASSIC, CLASSIC_RANKINGS, options=CLASSIC_OPTIONS, t="51").outcome == "rejected"


def test_tie_for_lowest_in_the_first_round_eliminates_the_later_option():
    # a 2, b 1, c 1 of 4: c (after b in options) goes; a 2, b 1 with 1 exhausted: 4 > 3, a wins.
    voters = [SnapshotVoter(s, D(1)) for s in "wxyz"]
    result = ranked("weighted", voters, {"w": "a", "x": "b", "y": "c", "z": "a"}, options=["a", "b", "c"])
    assert scores(*result.rounds) == [{"a": 2, "b": 1, "c": 1}, {"a": 2, "b": 1}]
    assert [r.eliminated for r in result.rounds] == ["c", None]
    assert (result.winner, result.outcome) == ("a", "passed")  # 200 >= 50 * 4


def test_ties_at_every_step_previous_round_first_then_later_position():
    # Options b, a, c, d. p 3 [a]; q 2 [b]; r 2 [c, b]; s 1 [d, a]
    #   round 1: a 3, b 2, c 2, d 1 -> d (lowest alone)
    #   round 2: a 4, b 2, c 2 -> b and c tie, and tied in round 1: c, the later option
    #   round 3: a 4, b 4 -> a and b tie for lowest; b had less in round 2 (2 < 4): b, although
    #            a is the later option
    #   round 4: a 4 with 4 exhausted: 8 > 4, a wins
    voters = [SnapshotVoter("p", D(3)), SnapshotVoter("q", D(2)), SnapshotVoter("r", D(2)), SnapshotVoter("s", D(1))]
    result = ranked("weighted", voters, {"p": "a", "q": "b", "r": "cb", "s": "da"}, options=["b", "a", "c", "d"])
    assert scores(*result.rounds) == [
        {"a": 3, "b": 2, "c": 2, "d": 1}, {"a": 4, "b": 2, "c": 2}, {"a": 4, "b": 4}, {"a": 4},
    ]
    assert [r.eliminated for r in result.rounds] == ["d", "c", "b", None]
    assert [r.exhausted for r in result.rounds] == [0, 0, 0, 4]
    assert result.winner == "a"


def test_the_previous_round_breaks_a_tie_only_one_round_back_then_the_later_option_goes():
    # options x, y, a, b, z, w. X 2 [x]; Y 3 [y]; A 10 [a]; B 10 [b]; Z 1 [z, x]; W 1.5 [w]
    #   round 1: x 2, y 3, a 10, b 10, z 1, w 1.5 -> z; its 1 goes to x
    #   round 2: x 3, y 3, a 10, b 10, w 1.5 -> w (exhausted)
    #   round 3: x 3, y 3, a 10, b 10 -> x and y tie, and tied in round 2: y, the later, goes
    #            (two rounds back x had less: that round is not consulted)
    #   round 4: x 3, a 10, b 10 -> x; round 5: a 10, b 10, tied before too -> b; round 6: a wins
    options = ["x", "y", "a", "b", "z", "w"]
    ballots = [(D(2), ("x",)), (D(3), ("y",)), (D(10), ("a",)), (D(10), ("b",)), (D(1), ("z", "x")),
               (D("1.5"), ("w",))]
    result = instant_runoff(options, ballots)
    assert [r.eliminated for r in result.rounds] == ["z", "w", "y", "x", "b", None]
    assert result.rounds[2].scores == {"x": 3, "y": 3, "a": 10, "b": 10}
    assert result.winner == "a"


def test_a_ballot_whose_options_are_all_eliminated_is_exhausted():
    # x ranks only c; c goes in round 1 (lowest): x's 1 is exhausted from round 2 on.
    voters = [SnapshotVoter("x", D(1)), SnapshotVoter("y", D(2)), SnapshotVoter("z", D(2))]
    result = ranked("weighted", voters, {"x": "c", "y": "a", "z": "b"}, options=["a", "b", "c"])
    assert [(r.exhausted, r.eliminated) for r in result.rounds] == [(0, "c"), (1, "b"), (3, None)]
    # round 2: a 2, b 2 tie; both 2 in round 1 too: b (later) goes, z's [b] is exhausted as well;
    # round 3: a 2 of 2 counted wins.
    assert result.winner == "a"
    assert result.outcome == "rejected"  # 2 * 100 < 50 * 5: the exhausted ballots still count in P


def test_every_ballot_exhausted_or_abstaining_gives_no_winner():
    voters = [SnapshotVoter("x", D(1)), SnapshotVoter("y", D(2))]
    result = ranked("weighted", voters, {"x": "abstain", "y": "abstain"}, options=["a", "b", "c"])
    assert [r.eliminated for r in result.rounds] == ["c", "b", None]
    assert result.rounds[-1] == RunoffRound({"a": D(0)}, D(0), None)
    assert (result.winner, result.quorum_reached, result.outcome) == (None, True, "rejected")


def test_one_option_standing_wins_iff_it_has_weight():
    assert instant_runoff(["a"], [(D(1), ("a",))]).winner == "a"
    assert instant_runoff(["a"], [(D(0), ("a",))]).winner is None
    assert instant_runoff(["a"], []).rounds == (RunoffRound({"a": D(0)}, D(0), None),)


def test_abstentions_count_toward_quorum_and_not_in_the_rounds():
    # W 10; v1 (4) ranks a; v2 (3) abstains: cast 7 reaches a 70 % quorum; P = 4.
    result = ranked("weighted", CLASSIC, {"v1": "a", "v2": "abstain"}, q="70")
    assert result.rounds[0].scores == {"a": 4, "b": 0, "c": 0, "d": 0}
    assert (result.abstain, result.quorum_reached, result.winner, result.outcome) == (D(3), True, "a", "passed")
    assert ranked("weighted", CLASSIC, {"v1": "a", "v2": "abstain"}, q="71").outcome == "expired"


def test_delegated_power_follows_the_chain_to_the_terminal_voters_ranking():
    # b (5) delegates to a, who ranks [x, y]; c (3) ranks [y].
    voters = [SnapshotVoter("a", D(1)), SnapshotVoter("b", D(5), "a"), SnapshotVoter("c", D(3))]
    rankings = {"a": "xy", "c": "y"}
    weighted = ranked("weighted", voters, rankings, options=["x", "y"])
    delegated = ranked("delegated", voters, rankings, options=["x", "y"])
    assert (weighted.rounds[0].scores, weighted.winner) == ({"x": 1, "y": 3}, "y")
    assert (delegated.rounds[0].scores, delegated.winner, delegated.voters) == ({"x": 6, "y": 3}, "x", 3)


def test_simple_and_quadratic_weights():
    simple = ranked("simple", CLASSIC, CLASSIC_RANKINGS)
    # 1 each: a 1, b 1, c 1, d 1 -> d; a 1, b 1, c 2 -> b (tied with a; 1 = 1 before; b later);
    # a 1, c 3 (v2's [b, c] moves to c): c wins.
    assert [r.eliminated for r in simple.rounds] == ["d", "b", None]
    assert simple.winner == "c"
    quadratic = ranked("quadratic", CLASSIC, CLASSIC_RANKINGS)
    assert quadratic.rounds[0].scores == {"a": 2, "b": D("1.73205081"), "c": D("1.41421356"), "d": 1}


def test_ranked_result_json_lists_every_round_and_round_trips():
    result = ranked("weighted", CLASSIC, CLASSIC_RANKINGS, options=CLASSIC_OPTIONS)
    body = result.to_json()
    assert (body["voting_type"], body["winner"], body["early"]) == ("ranked_choice", "b", False)
    assert "yes" not in body and "no" not in body
    assert body["options"] == {"a": "4.00000000", "b": "3.00000000", "c": "2.00000000", "d": "1.00000000"}
    assert body["rounds"][2] == {"scores": {"a": "4.00000000", "b": "5.00000000"}, "exhausted": "1.00000000",
                                 "eliminated": None}
    assert TallyResult.from_json(body) == result


def test_malformed_runoff_input_is_a_programming_error():
    with pytest.raises(ValueError):
        instant_runoff([], [])
    with pytest.raises(ValueError):
        instant_runoff(["a", "b"], [(D(1), ("a", "a"))])
    with pytest.raises(ValueError):
        instant_runoff(["a", "b"], [(D(1), ("z",))])
    with pytest.raises(ValueError):
        instant_runoff(["a", "b"], [(D(-1), ("a",))])
