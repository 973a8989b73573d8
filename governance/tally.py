"""The tally and the decision of a proposal (SPEC 5.3, 5.6).

`decide` turns the summed weights of a basic proposal into a result and is usable alone (the
database path sums in SQL), as is `scores.decide_options` for the other voting types; `tally` is
the whole computation over a snapshot and a set of ballots of any voting type under any model,
for live comparisons and tests. All comparisons use the exact sums; only reported ratios are
rounded.
"""

from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Mapping, Sequence

from governance.ballots import preferences, validate_ballot, validate_options
from governance.delegation import carried_power
from governance.errors import ValidationFailed
from governance.power import EXACT, as_decimal, exact_sum, model_weight, ratio
from governance.result import TallyResult, settle
from governance.runoff import instant_runoff
from governance.scores import decide_options, option_scores
from governance.vocabulary import GOVERNANCE_MODELS, VOTE_CHOICES, VOTING_TYPES

Ballot = str | Mapping  # a basic / single_choice choice, or a ballot object (ballots.py)
Preferences = tuple[str, ...] | None  # what a ballot counts for; None = abstain


@dataclass(frozen=True)
class SnapshotVoter:
    """One member of the eligibility snapshot: base power and delegate as frozen at activation."""

    subject_id: str
    power: Decimal
    delegate_id: str | None = None


def decide(
    model: str,
    quorum_percent: Decimal,
    pass_threshold_percent: Decimal,
    total_weight: Decimal,
    yes: Decimal,
    no: Decimal,
    abstain: Decimal,
    voters: int,
) -> TallyResult:
    """Decide a proposal from its summed weights (SPEC 5.3).

    participation = cast / W (0 when W = 0); quorum_reached iff cast * 100 >= q * W and W > 0;
    support = yes / (yes + no), None when yes + no = 0. Outcome: no quorum -> expired; else
    passed iff yes + no > 0 and yes * 100 >= t * (yes + no) (a tie at the threshold passes);
    else rejected. Comparisons are on exact sums; participation and support are rounded half-even
    to 8 places. Raises ValueError for an unknown model or negative figures.
    """
    q, t = as_decimal(quorum_percent), as_decimal(pass_threshold_percent)
    w, yes, no, abstain = (as_decimal(v) for v in (total_weight, yes, no, abstain))
    if min(yes, no) < 0:
        raise ValueError("tally figures must be >= 0")
    with localcontext(EXACT):
        cast = yes + no + abstain
        decisive = yes + no
        carried = decisive > 0 and yes * 100 >= t * decisive
    return settle(
        model, q, t, w, cast, abstain, voters, carried,
        yes=yes, no=no, support=None if decisive == 0 else ratio(yes, decisive),
    )


def _reader(voting_type: str, options: Sequence[str]):
    """A function from a ballot to its preferences; ValueError for an invalid ballot.

    Bare choice strings are looked up in a table made once by `validate_ballot` itself (the
    common case of large basic tallies); ballot objects are validated one by one."""
    bare: dict[str, Preferences] = {}
    for choice in (*VOTE_CHOICES, *options):
        try:
            bare[choice] = preferences(validate_ballot(voting_type, options, {"choice": choice}))
        except ValidationFailed:
            pass  # not a valid bare choice for this type

    def read(ballot: Ballot) -> Preferences:
        if isinstance(ballot, str):
            if ballot in bare:
                return bare[ballot]
            ballot = {"choice": ballot}
        try:
            return preferences(validate_ballot(voting_type, options, ballot))
        except ValidationFailed as error:
            raise ValueError(f"invalid {voting_type} ballot {ballot!r}: {error.errors}") from None

    return read


def _decided(
    voting_type: str, model: str, q: Decimal, t: Decimal, total_weight: Decimal,
    options: Sequence[str], weighted: list[tuple[Decimal, Preferences]], voters: int,
) -> TallyResult:
    """The result from every counted ballot's (weight, preferences)."""
    if voting_type == "basic":
        sums: dict[str, list[Decimal]] = {choice: [] for choice in VOTE_CHOICES}
        for weight, prefs in weighted:
            sums["abstain" if prefs is None else prefs[0]].append(weight)
        return decide(model, q, t, total_weight, *(exact_sum(sums[c]) for c in VOTE_CHOICES), voters)
    named = [(weight, prefs) for weight, prefs in weighted if prefs is not None]
    figures = dict(
        total_weight=total_weight,
        cast=exact_sum(weight for weight, _ in weighted),
        abstain=exact_sum(weight for weight, prefs in weighted if prefs is None),
        voters=voters,
        voting_type=voting_type,
    )
    if voting_type == "ranked_choice":
        return decide_options(model, q, t, runoff=instant_runoff(options, named), **figures)
    return decide_options(model, q, t, scores=option_scores(options, named), **figures)


def tally(
    model: str,
    quorum_percent: Decimal,
    pass_threshold_percent: Decimal,
    voters: Sequence[SnapshotVoter],
    ballots: Mapping[str, Ballot],
    voting_type: str = "basic",
    options: Sequence[str] = (),
) -> TallyResult:
    """Tally `ballots` (subject -> ballot) against the snapshot `voters` under `model`, for a
    proposal of `voting_type` with `options` (empty for basic).

    A ballot is an object as `ballots.validate_ballot` accepts it, or a bare choice string
    (`"yes"` = `{"choice": "yes"}`). simple / weighted / quadratic: W = sum of model weights
    over the snapshot; each ballot of a snapshot member counts its own weight; `voters` =
    counted ballots. delegated: W = sum of base powers; a member's power follows
    `delegation.carried_power` to the first direct voter on its chain and counts for that
    voter's ballot, whatever it is; `voters` = members whose power was cast. basic is decided
    by `decide` (5.3), the other types by `scores.decide_options` (5.6). Ballots of subjects
    outside the snapshot are ignored. Raises ValueError for a duplicate snapshot member, an
    invalid ballot of a snapshot member, invalid options, an unknown model or voting type.
    """
    if model not in GOVERNANCE_MODELS:
        raise ValueError(f"unknown governance model {model!r}")
    if voting_type not in VOTING_TYPES:
        raise ValueError(f"unknown voting type {voting_type!r}")
    if voting_type == "basic" and options:
        raise ValueError("a basic proposal has no options")
    if voting_type != "basic":
        try:
            options = validate_options(options)
        except ValidationFailed as error:
            raise ValueError(f"invalid options: {error.errors}") from None
    powers: dict[str, Decimal] = {}
    for voter in voters:
        if voter.subject_id in powers:
            raise ValueError(f"duplicate snapshot member {voter.subject_id!r}")
        powers[voter.subject_id] = as_decimal(voter.power)
    read = _reader(voting_type, options)
    counted = {subject: read(ballot) for subject, ballot in ballots.items() if subject in powers}
    if model == "delegated":
        carried = carried_power(powers, {v.subject_id: v.delegate_id for v in voters}, counted)
        weights, n, total_weight = carried.weights, carried.counted, exact_sum(powers.values())
    else:
        weights = {subject: model_weight(model, power) for subject, power in powers.items()}
        n, total_weight = len(counted), exact_sum(weights.values())
    weighted = [(weights[subject], prefs) for subject, prefs in counted.items()]
    q, t = as_decimal(quorum_percent), as_decimal(pass_threshold_percent)
    return _decided(voting_type, model, q, t, total_weight, options, weighted, n)
