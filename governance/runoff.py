"""Instant runoff over weighted rankings (SPEC 5.6, ranked_choice).

In each round every ballot counts its weight for its highest-ranked option still standing; a
ballot whose options are all eliminated is exhausted and counts no further. An option whose round
score * 2 > the round's counted weight wins. Otherwise the option with the lowest round score is
eliminated - a tie for lowest is broken by the lower score in the previous round, then by the
later position in `options` - and the next round is counted. The count stops without a winner
when a single option stands and does not win (its score is 0: every ballot is exhausted).
"""

from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Iterable, Sequence

from governance.power import EXACT
from governance.result import RunoffRound


@dataclass(frozen=True)
class Runoff:
    """The rounds of a runoff, first to last, and its winner (None if none)."""

    rounds: tuple[RunoffRound, ...]
    winner: str | None


def _grouped(options: Sequence[str], ballots: Iterable[tuple[Decimal, Sequence[str]]]):
    """Sum the weights of identical rankings: each round then visits each distinct ranking once."""
    known = set(options)
    grouped: dict[tuple[str, ...], Decimal] = {}
    with localcontext(EXACT):
        for weight, ranking in ballots:
            ranking = tuple(ranking)
            if weight < 0:
                raise ValueError("a ballot's weight must be >= 0")
            if not ranking or len(set(ranking)) != len(ranking) or not known.issuperset(ranking):
                raise ValueError(f"not a ranking of the options: {ranking!r}")
            grouped[ranking] = grouped.get(ranking, Decimal(0)) + weight
    return grouped


def _lowest(standing: list[str], scores: dict, previous: dict | None, position: dict) -> str:
    """The option to eliminate: lowest round score, then lowest previous-round score, then the
    later position in the options."""
    low = min(scores.values())
    tied = [option for option in standing if scores[option] == low]
    if previous is not None and len(tied) > 1:
        previous_low = min(previous[option] for option in tied)
        tied = [option for option in tied if previous[option] == previous_low]
    return max(tied, key=position.__getitem__)


def instant_runoff(
    options: Sequence[str], ballots: Iterable[tuple[Decimal, Sequence[str]]]
) -> Runoff:
    """Count `ballots` ((weight, ranking) of every non-abstaining ballot) by instant runoff.

    `options` are the proposal's options in their order (it breaks the last ties). Each round
    lists the standing options' scores, the exhausted weight and the option eliminated after it
    (None in the last round). Sums are exact. Raises ValueError for no options, a negative
    weight, or a ranking that is empty, repeats an option or names an unknown one.
    """
    if not options or len(set(options)) != len(options):
        raise ValueError("a runoff needs distinct options")
    grouped = _grouped(options, ballots)
    position = {option: i for i, option in enumerate(options)}
    standing = list(options)
    rounds: list[RunoffRound] = []
    previous: dict[str, Decimal] | None = None
    with localcontext(EXACT):
        total = sum(grouped.values(), Decimal(0))
        while True:
            scores = {option: Decimal(0) for option in standing}
            for ranking, weight in grouped.items():
                for option in ranking:
                    if option in scores:
                        scores[option] += weight
                        break
            counted = sum(scores.values(), Decimal(0))
            winner = next((o for o in standing if scores[o] * 2 > counted), None)
            if winner is not None or len(standing) == 1:
                rounds.append(RunoffRound(scores, total - counted, None))
                return Runoff(tuple(rounds), winner)
            eliminated = _lowest(standing, scores, previous, position)
            rounds.append(RunoffRound(scores, total - counted, eliminated))
            standing.remove(eliminated)
            previous = scores
