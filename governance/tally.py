"""The tally and the decision of a proposal (SPEC 5.3).

`decide` turns summed weights into a result and is usable alone (the database path sums in SQL);
`tally` is the whole computation over a snapshot and a set of ballots, for live comparisons and
tests. All comparisons use the exact sums; only reported ratios are rounded.
"""

from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Mapping, Sequence

from governance.delegation import resolve_delegation
from governance.power import EXACT, as_decimal, decimal_text, exact_sum, model_weight, ratio
from governance.vocabulary import GOVERNANCE_MODELS, VOTE_CHOICES

_DECIMAL_FIELDS = (
    "quorum_percent", "pass_threshold_percent", "total_weight", "yes", "no", "abstain",
    "participation",
)


@dataclass(frozen=True)
class SnapshotVoter:
    """One member of the eligibility snapshot: base power and delegate as frozen at activation."""

    subject_id: str
    power: Decimal
    delegate_id: str | None = None


@dataclass(frozen=True)
class TallyResult:
    """The figures stored in `proposals.result` and served as the tally (SPEC 8.4)."""

    model: str
    quorum_percent: Decimal
    pass_threshold_percent: Decimal
    total_weight: Decimal
    yes: Decimal
    no: Decimal
    abstain: Decimal
    participation: Decimal
    support: Decimal | None
    quorum_reached: bool
    voters: int
    outcome: str

    def to_json(self) -> dict:
        """The SPEC 8.4 shape: decimals as strings with exactly 8 places, support null if None."""
        body = {"model": self.model}
        for name in _DECIMAL_FIELDS:
            body[name] = decimal_text(getattr(self, name))
        body["support"] = None if self.support is None else decimal_text(self.support)
        body["quorum_reached"] = self.quorum_reached
        body["voters"] = self.voters
        body["outcome"] = self.outcome
        return body

    @classmethod
    def from_json(cls, d: Mapping) -> "TallyResult":
        """Rebuild a result from `to_json` output (e.g. a stored `proposals.result`)."""
        decimals = {name: as_decimal(d[name]) for name in _DECIMAL_FIELDS}
        support = d.get("support")
        return cls(
            model=d["model"],
            support=None if support is None else as_decimal(support),
            quorum_reached=bool(d["quorum_reached"]),
            voters=int(d["voters"]),
            outcome=d["outcome"],
            **decimals,
        )


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
    if model not in GOVERNANCE_MODELS:
        raise ValueError(f"unknown governance model {model!r}")
    q, t = as_decimal(quorum_percent), as_decimal(pass_threshold_percent)
    w, yes, no, abstain = (as_decimal(v) for v in (total_weight, yes, no, abstain))
    if min(q, t, w, yes, no, abstain) < 0 or voters < 0:
        raise ValueError("tally figures must be >= 0")
    with localcontext(EXACT):
        cast = yes + no + abstain
        decisive = yes + no
        quorum_reached = w > 0 and cast * 100 >= q * w
        carried = decisive > 0 and yes * 100 >= t * decisive
    if not quorum_reached:
        outcome = "expired"
    elif carried:
        outcome = "passed"
    else:
        outcome = "rejected"
    return TallyResult(
        model=model,
        quorum_percent=q,
        pass_threshold_percent=t,
        total_weight=w,
        yes=yes,
        no=no,
        abstain=abstain,
        participation=ratio(cast, w),
        support=None if decisive == 0 else ratio(yes, decisive),
        quorum_reached=quorum_reached,
        voters=voters,
        outcome=outcome,
    )


def tally(
    model: str,
    quorum_percent: Decimal,
    pass_threshold_percent: Decimal,
    voters: Sequence[SnapshotVoter],
    ballots: Mapping[str, str],
) -> TallyResult:
    """Tally `ballots` (subject -> choice) against the snapshot `voters` under `model`.

    simple / weighted / quadratic: W = sum of model weights over the snapshot; each ballot of a
    snapshot member counts its own weight; `voters` = counted ballots. delegated: W = sum of base
    powers; totals follow `resolve_delegation`; `voters` = members whose power was cast.
    Ballots of subjects outside the snapshot are ignored. Raises ValueError for a duplicate
    snapshot member, an unknown choice or model.
    """
    if model not in GOVERNANCE_MODELS:
        raise ValueError(f"unknown governance model {model!r}")
    powers: dict[str, Decimal] = {}
    for voter in voters:
        if voter.subject_id in powers:
            raise ValueError(f"duplicate snapshot member {voter.subject_id!r}")
        powers[voter.subject_id] = as_decimal(voter.power)

    if model == "delegated":
        delegates = {v.subject_id: v.delegate_id for v in voters}
        totals = resolve_delegation(powers, delegates, ballots)
        return decide(
            model, quorum_percent, pass_threshold_percent, exact_sum(powers.values()),
            totals.yes, totals.no, totals.abstain, totals.counted,
        )

    weights = {subject: model_weight(model, power) for subject, power in powers.items()}
    cast: dict[str, list[Decimal]] = {choice: [] for choice in VOTE_CHOICES}
    for subject, choice in ballots.items():
        if subject not in weights:
            continue
        if choice not in VOTE_CHOICES:
            raise ValueError(f"unknown choice {choice!r} for {subject!r}")
        cast[choice].append(weights[subject])
    return decide(
        model, quorum_percent, pass_threshold_percent, exact_sum(weights.values()),
        exact_sum(cast["yes"]), exact_sum(cast["no"]), exact_sum(cast["abstain"]),
        sum(len(v) for v in cast.values()),
    )
