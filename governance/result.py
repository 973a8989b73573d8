"""The result of a tally, as `proposals.result` stores it and the tally route serves it (SPEC 8.4).

Basic proposals carry the 5.3 figures (`yes`, `no`, `support` ...); the voting types of 5.6 carry
`voting_type`, `options` (option -> score; the first round for ranked_choice), `winner`, `rounds`
(ranked_choice) and `early` instead of `yes` / `no` (their `support` is null: it is defined by
yes and no only).
A basic result gains an `early` key only when it was decided early, so stored basic results keep
their shape.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping

from governance.power import as_decimal, decimal_text, ratio, reaches_quorum
from governance.vocabulary import GOVERNANCE_MODELS

_COMMON_DECIMALS = ("quorum_percent", "pass_threshold_percent", "total_weight")


def _scores_json(scores: Mapping[str, Decimal]) -> dict:
    return {option: decimal_text(score) for option, score in scores.items()}


def _scores(d: Mapping) -> dict[str, Decimal]:
    return {option: as_decimal(score) for option, score in d.items()}


@dataclass(frozen=True)
class RunoffRound:
    """One round of an instant runoff (SPEC 5.6).

    `scores`: each option still standing -> the weight of the ballots counting for it;
    `exhausted`: the non-abstaining weight whose ballots name no standing option;
    `eliminated`: the option dropped after this round, None in the last round.
    Invariant: sum(scores) + exhausted == P (cast minus abstentions).
    """

    scores: dict[str, Decimal]
    exhausted: Decimal
    eliminated: str | None

    def to_json(self) -> dict:
        return {
            "scores": _scores_json(self.scores),
            "exhausted": decimal_text(self.exhausted),
            "eliminated": self.eliminated,
        }

    @classmethod
    def from_json(cls, d: Mapping) -> "RunoffRound":
        return cls(_scores(d["scores"]), as_decimal(d["exhausted"]), d["eliminated"])


@dataclass(frozen=True)
class TallyResult:
    """The figures of a tally (SPEC 5.3, 5.6, 8.4).

    `yes` and `no` are None, and `options` / `winner` set, for every voting type but `basic`;
    `rounds` is set for `ranked_choice` only. `early` is True when the proposal passed early.
    """

    model: str
    quorum_percent: Decimal
    pass_threshold_percent: Decimal
    total_weight: Decimal
    yes: Decimal | None
    no: Decimal | None
    abstain: Decimal
    participation: Decimal
    support: Decimal | None
    quorum_reached: bool
    voters: int
    outcome: str
    voting_type: str = "basic"
    options: dict[str, Decimal] | None = None
    winner: str | None = None
    rounds: tuple[RunoffRound, ...] | None = None
    early: bool = False

    def to_json(self) -> dict:
        """The SPEC 8.4 shape: decimals as strings with exactly 8 places, support null if None.

        basic: model, quorum_percent, pass_threshold_percent, total_weight, yes, no, abstain,
        participation, support, quorum_reached, voters, outcome (and `early: true` if early).
        Other types: the same without yes and no, plus voting_type, options, winner, early, and
        rounds for ranked_choice.
        """
        body = {"model": self.model}
        for name in _COMMON_DECIMALS:
            body[name] = decimal_text(getattr(self, name))
        if self.voting_type == "basic":
            body["yes"], body["no"] = decimal_text(self.yes), decimal_text(self.no)
        body["abstain"] = decimal_text(self.abstain)
        body["participation"] = decimal_text(self.participation)
        body["support"] = None if self.support is None else decimal_text(self.support)
        body["quorum_reached"] = self.quorum_reached
        body["voters"] = self.voters
        body["outcome"] = self.outcome
        if self.voting_type != "basic":
            body["voting_type"] = self.voting_type
            body["options"] = _scores_json(self.options)
            body["winner"] = self.winner
            if self.rounds is not None:
                body["rounds"] = [r.to_json() for r in self.rounds]
        if self.early or self.voting_type != "basic":
            body["early"] = self.early
        return body

    @classmethod
    def from_json(cls, d: Mapping) -> "TallyResult":
        """Rebuild a result from `to_json` output (e.g. a stored `proposals.result`)."""
        voting_type = d.get("voting_type", "basic")
        basic = voting_type == "basic"
        support, rounds = d.get("support"), d.get("rounds")
        return cls(
            model=d["model"],
            yes=as_decimal(d["yes"]) if basic else None,
            no=as_decimal(d["no"]) if basic else None,
            abstain=as_decimal(d["abstain"]),
            participation=as_decimal(d["participation"]),
            support=None if support is None else as_decimal(support),
            quorum_reached=bool(d["quorum_reached"]),
            voters=int(d["voters"]),
            outcome=d["outcome"],
            voting_type=voting_type,
            options=None if basic else _scores(d["options"]),
            winner=d.get("winner"),
            rounds=None if rounds is None else tuple(RunoffRound.from_json(r) for r in rounds),
            early=bool(d.get("early", False)),
            **{name: as_decimal(d[name]) for name in _COMMON_DECIMALS},
        )


def settle(
    model: str,
    quorum_percent: Decimal,
    pass_threshold_percent: Decimal,
    total_weight: Decimal,
    cast: Decimal,
    abstain: Decimal,
    voters: int,
    carried: bool,
    **figures,
) -> TallyResult:
    """A result under the rules every voting type shares (SPEC 5.3, 5.6).

    quorum_reached iff cast * 100 >= q * W and W > 0 (`cast` includes abstentions);
    participation = cast / W rounded half-even to 8 places (0 when W = 0); outcome: no quorum ->
    expired, else passed iff `carried` (the voting type's own pass rule), else rejected.
    `figures` are the type's own fields (yes, no, support; or voting_type, options, winner,
    rounds). Raises ValueError for an unknown model, negative figures or abstain > cast.
    """
    if model not in GOVERNANCE_MODELS:
        raise ValueError(f"unknown governance model {model!r}")
    if min(quorum_percent, pass_threshold_percent, total_weight, abstain) < 0 or abstain > cast or voters < 0:
        raise ValueError("tally figures must be >= 0, abstain <= cast")
    quorum_reached = reaches_quorum(cast, total_weight, quorum_percent)
    return TallyResult(
        model=model,
        quorum_percent=quorum_percent,
        pass_threshold_percent=pass_threshold_percent,
        total_weight=total_weight,
        abstain=abstain,
        participation=ratio(cast, total_weight),
        quorum_reached=quorum_reached,
        voters=voters,
        outcome="expired" if not quorum_reached else "passed" if carried else "rejected",
        **figures,
    )
