"""Properties of the voting types of SPEC 5.6 that must hold for every snapshot and every ballot."""

from decimal import Decimal

from hypothesis import assume, event, given, settings
from hypothesis import strategies as st

from governance.delegation import resolve_delegation
from governance.early_pass import EARLY_PASS_MODELS, passes_early
from governance.power import exact_sum, model_weight
from governance.vocabulary import GOVERNANCE_MODELS as MODELS
from governance.result import TallyResult
from governance.runoff import instant_runoff
from governance.tally import SnapshotVoter, decide, tally

SUBJECTS = [f"s{i}" for i in range(10)]
LABELS = [f"o{i}" for i in range(6)]
MULTI = ("single_choice", "approval", "ranked_choice")
Q, T = Decimal(20), Decimal(50)
powers_st = st.decimals(min_value=0, max_value=10**6, places=8, allow_nan=False, allow_infinity=False)
options_st = st.lists(st.sampled_from(LABELS), min_size=2, max_size=len(LABELS), unique=True)
ABSTAIN = {"choice": "abstain"}


@st.composite
def snapshots(draw):
    members = draw(st.lists(st.sampled_from(SUBJECTS), unique=True, max_size=len(SUBJECTS)))
    # delegates may point anywhere, including outside the snapshot and to oneself
    return [
        SnapshotVoter(m, draw(powers_st), draw(st.none() | st.sampled_from(SUBJECTS + ["outsider"])))
        for m in members
    ]


def ballot_st(voting_type, options):
    if voting_type == "single_choice":
        named = st.sampled_from(options).map(lambda o: {"choice": o})
    else:
        field = "choices" if voting_type == "approval" else "ranking"
        named = st.permutations(options).flatmap(
            lambda p: st.integers(1, len(p)).map(lambda n: {field: list(p[:n])})
        )
    return st.just(ABSTAIN) | named


@st.composite
def elections(draw, voting_types=MULTI):
    voting_type = draw(st.sampled_from(voting_types))
    options = draw(options_st)
    ballots = draw(st.dictionaries(st.sampled_from(SUBJECTS + ["outsider"]), ballot_st(voting_type, options)))
    return voting_type, options, draw(snapshots()), ballots


def as_basic(ballots):
    """The same ballots as basic ones: every non-abstaining ballot a yes. The basic tally's yes is
    then P, computed by the 5.3 rules alone."""
    return {s: "abstain" if b == ABSTAIN else "yes" for s, b in ballots.items()}


def first_choices(ballots):
    return {s: b if b == ABSTAIN else {"choice": b["ranking"][0]} for s, b in ballots.items()}


@settings(max_examples=200, deadline=None)
@given(elections(), st.sampled_from(MODELS))
def test_an_options_score_never_exceeds_p_and_the_5_3_figures_are_those_of_basic(election, model):
    voting_type, options, voters, ballots = election
    result = tally(model, Q, T, voters, ballots, voting_type=voting_type, options=options)
    basic = tally(model, Q, T, voters, as_basic(ballots))
    p = basic.yes
    every_score = list(result.options.values()) + [s for r in result.rounds or () for s in r.scores.values()]
    assert all(0 <= score <= p for score in every_score)
    assert p + basic.abstain <= result.total_weight
    assert (result.total_weight, result.abstain, result.participation, result.quorum_reached, result.voters) == (
        basic.total_weight, basic.abstain, basic.participation, basic.quorum_reached, basic.voters
    )
    assert result.yes is None and result.no is None and result.support is None
    if result.outcome == "passed":
        assert result.winner is not None and result.quorum_reached


@settings(max_examples=200, deadline=None)
@given(elections(voting_types=("ranked_choice",)), st.sampled_from(MODELS))
def test_every_runoff_round_follows_the_rules_of_5_6(election, model):
    _, options, voters, ballots = election
    result = tally(model, Q, T, voters, ballots, voting_type="ranked_choice", options=options)
    p = tally(model, Q, T, voters, as_basic(ballots)).yes
    rounds = result.rounds
    assert list(rounds[0].scores) == options
    previous = None
    for i, r in enumerate(rounds):
        counted = exact_sum(r.scores.values())
        assert counted + r.exhausted == p
        assert previous is None or r.exhausted >= previous.exhausted
        last = i == len(rounds) - 1
        assert (r.eliminated is None) == last
        if not last:
            # no majority; the eliminated option is lowest, then lowest before, then the later one
            assert all(score * 2 <= counted for score in r.scores.values())
            low = min(r.scores.values())
            tied = [o for o in r.scores if r.scores[o] == low]
            if previous is not None:
                before = min(previous.scores[o] for o in tied)
                tied = [o for o in tied if previous.scores[o] == before]
            assert r.eliminated == max(tied, key=options.index)
            assert list(rounds[i + 1].scores) == [o for o in r.scores if o != r.eliminated]
        previous = r
    final = rounds[-1]
    if result.winner is None:
        assert list(final.scores.values()) == [0]  # one option standing, nothing counted for it
    else:
        assert final.scores[result.winner] * 2 > exact_sum(final.scores.values())
    assert (result.winner is None) == (p == 0)  # with any weight counted, some option wins


@st.composite
def weightless_rankings(draw):
    options = draw(options_st)
    rankings = draw(st.lists(ballot_st("ranked_choice", options).filter(lambda b: "ranking" in b), max_size=6))
    return options, [(Decimal(0), tuple(b["ranking"])) for b in rankings]


@settings(max_examples=100, deadline=None)
@given(weightless_rankings())
def test_every_ballot_exhausted_or_weightless_leaves_no_winner_after_a_round_per_option(case):
    options, ballots = case
    result = instant_runoff(options, ballots)
    assert result.winner is None
    assert len(result.rounds) == len(options)
    assert all(score == 0 for r in result.rounds for score in r.scores.values())
    assert list(result.rounds[-1].scores) == [options[0]]  # ties broken by the later position


@settings(max_examples=100, deadline=None)
@given(options_st, powers_st.filter(lambda w: w > 0))
def test_ties_at_every_step_eliminate_from_the_back_of_the_options(options, weight):
    # one ballot of equal weight for each option alone: every round is a tie for lowest,
    # tied in the round before too, until one option stands.
    result = instant_runoff(options, [(weight, (option,)) for option in options])
    assert [r.eliminated for r in result.rounds] == list(reversed(options[1:])) + [None]
    assert result.winner == options[0]


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(LABELS), st.lists(powers_st, max_size=6))
def test_one_option_standing_wins_iff_it_carries_weight(option, weights):
    result = instant_runoff([option], [(w, (option,)) for w in weights])
    assert len(result.rounds) == 1
    assert (result.winner == option) == (exact_sum(weights) > 0)


@settings(max_examples=100, deadline=None)
@given(elections(voting_types=("single_choice",)), st.sampled_from(MODELS))
def test_approval_of_one_option_and_first_round_of_a_runoff_are_single_choice(election, model):
    _, options, voters, ballots = election
    single = tally(model, Q, T, voters, ballots, voting_type="single_choice", options=options)
    approvals = {s: b if b == ABSTAIN else {"choices": [b["choice"]]} for s, b in ballots.items()}
    approval = tally(model, Q, T, voters, approvals, voting_type="approval", options=options)
    assert approval.options == single.options and approval.winner == single.winner
    assert approval.outcome == single.outcome
    rankings = {s: b if b == ABSTAIN else {"ranking": [b["choice"]]} for s, b in ballots.items()}
    ranked = tally(model, Q, T, voters, rankings, voting_type="ranked_choice", options=options)
    assert ranked.options == single.options


@settings(max_examples=100, deadline=None)
@given(elections(voting_types=("ranked_choice",)), st.sampled_from(MODELS))
def test_the_first_round_counts_first_choices(election, model):
    _, options, voters, ballots = election
    ranked = tally(model, Q, T, voters, ballots, voting_type="ranked_choice", options=options)
    single = tally(model, Q, T, voters, first_choices(ballots), voting_type="single_choice", options=options)
    assert ranked.options == single.options


@settings(max_examples=200, deadline=None)
@given(snapshots(), st.dictionaries(st.sampled_from(SUBJECTS + ["outsider"]), st.sampled_from(["yes", "no", "abstain"])),
       st.sampled_from(MODELS))
def test_the_basic_type_gives_exactly_what_the_5_3_tally_gives(voters, choices, model):
    # 5.3 restated: model weights summed per choice, or liquid delegation, then `decide`.
    powers = {v.subject_id: v.power for v in voters}
    if model == "delegated":
        totals = resolve_delegation(powers, {v.subject_id: v.delegate_id for v in voters}, choices)
        expected = decide(model, Q, T, exact_sum(powers.values()), totals.yes, totals.no, totals.abstain, totals.counted)
    else:
        weights = {s: model_weight(model, p) for s, p in powers.items()}
        cast = {c: exact_sum(weights[s] for s, x in choices.items() if x == c and s in weights) for c in ("yes", "no", "abstain")}
        counted = sum(1 for s in choices if s in weights)
        expected = decide(model, Q, T, exact_sum(weights.values()), cast["yes"], cast["no"], cast["abstain"], counted)
    assert tally(model, Q, T, voters, choices) == expected
    assert tally(model, Q, T, voters, {s: {"choice": c} for s, c in choices.items()}, voting_type="basic") == expected
    # and a single_choice vote between options named yes and no scores the same
    single = tally(model, Q, T, voters, choices, voting_type="single_choice", options=["yes", "no"])
    assert single.options == {"yes": expected.yes, "no": expected.no}
    assert (single.abstain, single.participation, single.quorum_reached) == (
        expected.abstain, expected.participation, expected.quorum_reached
    )


@settings(max_examples=100, deadline=None)
@given(elections(), st.sampled_from(MODELS), st.randoms(use_true_random=False))
def test_result_does_not_depend_on_order_of_voters_or_ballots_and_round_trips(election, model, rnd):
    voting_type, options, voters, ballots = election
    result = tally(model, Q, T, voters, ballots, voting_type=voting_type, options=options)
    shuffled_voters, items = list(voters), list(ballots.items())
    rnd.shuffle(shuffled_voters)
    rnd.shuffle(items)
    assert tally(model, Q, T, shuffled_voters, dict(items), voting_type=voting_type, options=options) == result
    assert TallyResult.from_json(result.to_json()) == result


@settings(max_examples=100, deadline=None)
@given(snapshots(), st.data(), st.sampled_from(EARLY_PASS_MODELS),
       st.decimals(min_value=0, max_value=100, places=2), st.decimals(min_value=0, max_value=100, places=2))
def test_an_early_pass_is_never_undone_by_the_ballots_still_to_come(voters, data, model, q, t):
    subjects = [v.subject_id for v in voters]
    assume(subjects)
    # mostly yes, so that many snapshots do pass early
    early = data.draw(st.dictionaries(st.sampled_from(subjects), st.sampled_from(["yes"] * 4 + ["no", "abstain"])))
    live = tally(model, q, t, voters, early)
    event(f"passes early: {passes_early(live)}")
    assume(passes_early(live))
    rest = data.draw(st.dictionaries(st.sampled_from(subjects), st.sampled_from(["yes", "no", "abstain"])))
    final = tally(model, q, t, voters, {**rest, **early})  # votes cannot change: the early ones stay
    assert final.outcome == "passed"
