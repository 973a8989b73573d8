"""Properties of the tally and of delegation that must hold for every snapshot."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from governance.delegation import resolve_delegation
from governance.tally import SnapshotVoter, tally
from governance.vocabulary import GOVERNANCE_MODELS

SUBJECTS = [f"s{i}" for i in range(12)]
powers_st = st.decimals(min_value=0, max_value=10**6, places=8, allow_nan=False, allow_infinity=False)
choice_st = st.sampled_from(["yes", "no", "abstain"])


@st.composite
def elections(draw):
    members = draw(st.lists(st.sampled_from(SUBJECTS), unique=True, max_size=len(SUBJECTS)))
    # delegates may point anywhere, including outside the snapshot and to oneself
    voters = [
        SnapshotVoter(m, draw(powers_st), draw(st.none() | st.sampled_from(SUBJECTS + ["outsider"])))
        for m in members
    ]
    ballots = draw(st.dictionaries(st.sampled_from(SUBJECTS + ["outsider"]), choice_st))
    return voters, ballots


@settings(max_examples=300)
@given(elections(), st.sampled_from(GOVERNANCE_MODELS))
def test_cast_weight_never_exceeds_total_weight(election, model):
    voters, ballots = election
    result = tally(model, Decimal(20), Decimal(50), voters, ballots)
    assert 0 <= result.yes + result.no + result.abstain <= result.total_weight
    assert 0 <= result.participation <= 1
    assert result.voters <= len(voters)


@settings(max_examples=300)
@given(elections())
def test_delegated_power_is_conserved(election):
    voters, ballots = election
    powers = {v.subject_id: v.power for v in voters}
    totals = resolve_delegation(powers, {v.subject_id: v.delegate_id for v in voters}, ballots)
    assert totals.yes + totals.no + totals.abstain + totals.uncast == sum(powers.values(), Decimal(0))
    assert totals.direct_voters <= totals.counted <= len(voters)


@settings(max_examples=200)
@given(elections(), st.sampled_from(GOVERNANCE_MODELS), st.randoms(use_true_random=False))
def test_result_does_not_depend_on_order_of_voters_or_votes(election, model, rnd):
    voters, ballots = election
    shuffled_voters = list(voters)
    rnd.shuffle(shuffled_voters)
    items = list(ballots.items())
    rnd.shuffle(items)
    assert tally(model, Decimal(20), Decimal(50), voters, ballots) == tally(
        model, Decimal(20), Decimal(50), shuffled_voters, dict(items)
    )


@settings(max_examples=200)
@given(elections())
def test_delegated_direct_voters_keep_their_own_power(election):
    voters, ballots = election
    # Everyone votes directly: delegation then changes nothing, as under `weighted`.
    all_direct = {v.subject_id: ballots.get(v.subject_id, "yes") for v in voters}
    delegated = tally("delegated", Decimal(20), Decimal(50), voters, all_direct)
    weighted = tally("weighted", Decimal(20), Decimal(50), voters, all_direct)
    assert (delegated.yes, delegated.no, delegated.abstain) == (weighted.yes, weighted.no, weighted.abstain)
