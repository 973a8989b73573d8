"""Scores, winner and outcome of the multi-option voting types (SPEC 5.6).

single_choice and approval: an option's score is the summed weight of the ballots that name it
(an approval ballot gives its full weight to every option it approves); the winner is the option
with the highest score, and a tie for the highest means no winner. ranked_choice: the winner and
its final score come from the instant runoff (runoff.py). With P = cast minus the abstaining
weight: not quorum -> expired; quorum, a winner and winner's score * 100 >= t * P -> passed;
else rejected.
"""

from decimal import Decimal, localcontext
from typing import Iterable, Mapping, Sequence

from governance.power import EXACT, as_decimal
from governance.result import TallyResult, settle
from governance.runoff import Runoff


def option_scores(
    options: Sequence[str], ballots: Iterable[tuple[Decimal, Sequence[str]]]
) -> dict[str, Decimal]:
    """The score of every option (0 if unnamed) in the order of `options`, summed exactly.

    `ballots`: (weight, options named) of every non-abstaining single_choice or approval
    ballot. Raises ValueError for an unknown option or a negative weight.
    """
    scores = {option: Decimal(0) for option in options}
    with localcontext(EXACT):
        for weight, named in ballots:
            if weight < 0:
                raise ValueError("a ballot's weight must be >= 0")
            for option in named:
                if option not in scores:
                    raise ValueError(f"unknown option {option!r}")
                scores[option] += weight
    return scores


def top_option(scores: Mapping[str, Decimal]) -> str | None:
    """The option with the strictly highest score; None on a tie for the highest (or no option)."""
    if not scores:
        return None
    best = max(scores.values())
    leaders = [option for option, score in scores.items() if score == best]
    return leaders[0] if len(leaders) == 1 else None


def decide_options(
    model: str,
    quorum_percent: Decimal,
    pass_threshold_percent: Decimal,
    total_weight: Decimal,
    cast: Decimal,
    abstain: Decimal,
    voters: int,
    voting_type: str,
    scores: Mapping[str, Decimal] | None = None,
    runoff: Runoff | None = None,
) -> TallyResult:
    """Decide a single_choice / approval proposal from its option `scores`, or a ranked_choice
    one from its `runoff`, under the rules of this module.

    `cast`: the summed weights of every counted ballot, abstentions included (for approval it is
    not the sum of the scores); `abstain`: the abstaining part of it. The result's `options`
    are `scores`, or the runoff's first round; `rounds` are the runoff's. participation =
    cast / W rounded half-even to 8 places; support is None. Raises ValueError for an unknown
    model, a voting type without its scores or runoff, negative figures or abstain > cast.
    """
    ranked = voting_type == "ranked_choice"
    if voting_type not in ("single_choice", "approval", "ranked_choice"):
        raise ValueError(f"not a multi-option voting type: {voting_type!r}")
    if (runoff is None) == ranked or (scores is None) != ranked:
        raise ValueError(f"{voting_type} is decided from {'a runoff' if ranked else 'scores'}")
    q, t, w, cast, abstain = (
        as_decimal(v) for v in (quorum_percent, pass_threshold_percent, total_weight, cast, abstain)
    )
    if ranked:
        scores, winner = runoff.rounds[0].scores, runoff.winner
        final = None if winner is None else runoff.rounds[-1].scores[winner]
    else:
        winner = top_option(scores)
        final = None if winner is None else scores[winner]
    with localcontext(EXACT):
        carried = winner is not None and final * 100 >= t * (cast - abstain)
    return settle(
        model, q, t, w, cast, abstain, voters, carried,
        yes=None, no=None, support=None, voting_type=voting_type, options=dict(scores),
        winner=winner, rounds=runoff.rounds if ranked else None,
    )
