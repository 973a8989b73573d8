"""Voting power: model weights and the decimal arithmetic every rule shares.

Contract (SPEC 5.3): weights are exact decimals. `sqrt` is computed with 28 significant digits and
rounded half-even to 8 decimal places; sums are exact. Floats are refused everywhere.
"""

from decimal import ROUND_HALF_EVEN, Context, Decimal, Inexact, InvalidOperation, localcontext
from fractions import Fraction
from typing import Iterable

from governance.vocabulary import GOVERNANCE_MODELS

PLACES = Decimal("0.00000001")

# Wide enough that sums and products of numeric(30,8) values are exact; Inexact is trapped so a
# silently rounded sum is impossible.
EXACT = Context(prec=120, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, Inexact])
_SQRT = Context(prec=28, rounding=ROUND_HALF_EVEN)
_ROUNDING = Context(prec=120, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation])


def as_decimal(value) -> Decimal:
    """Return `value` as a finite Decimal; accepts Decimal, int or a decimal string, never float.

    Raises TypeError for floats and bools, ValueError for anything unparsable or non-finite.
    """
    if isinstance(value, (bool, float)):
        raise TypeError(f"expected a Decimal, got {type(value).__name__}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, (int, str)):
        try:
            result = Decimal(value)
        except InvalidOperation:
            raise ValueError(f"not a decimal: {value!r}") from None
    else:
        raise TypeError(f"expected a Decimal, got {type(value).__name__}")
    if not result.is_finite():
        raise ValueError(f"not a finite decimal: {value!r}")
    return result


def quantize(d: Decimal) -> Decimal:
    """Round `d` half-even to 8 decimal places (exactly one rounding, whatever its magnitude)."""
    return as_decimal(d).quantize(PLACES, rounding=ROUND_HALF_EVEN, context=_ROUNDING.copy())


def decimal_text(value) -> str:
    """A decimal as JSON carries it: 8 places, plain notation ("0.00000000", never "0E-8")."""
    return format(quantize(value), "f")


def exact_sum(values: Iterable[Decimal]) -> Decimal:
    """Sum decimals without any rounding (raises decimal.Inexact rather than round)."""
    total = Decimal(0)
    with localcontext(EXACT):
        for value in values:
            total += value
    return total


def ratio(numerator: Decimal, denominator: Decimal) -> Decimal:
    """`numerator / denominator` rounded once, half-even, to 8 places; 0 when the denominator is 0.

    Computed over fractions so the result is the correctly rounded quotient, not a double rounding.
    """
    if denominator == 0:
        return Decimal(0).quantize(PLACES)
    scaled = round(Fraction(numerator) / Fraction(denominator) * 10**8)  # round() is half-even
    return quantize(Decimal(scaled).scaleb(-8, context=EXACT.copy()))


def reaches_quorum(cast: Decimal, total_weight: Decimal, quorum_percent: Decimal) -> bool:
    """Quorum (SPEC 5.3, 5.6): cast * 100 >= q * W and W > 0, compared exactly; `cast` counts
    every counted ballot's weight, abstentions included."""
    with localcontext(EXACT):
        return total_weight > 0 and cast * 100 >= quorum_percent * total_weight


def model_weight(model: str, power: Decimal) -> Decimal:
    """The weight of a member with base `power` under `model` (SPEC 5.3).

    simple -> 1; weighted and delegated -> power (delegated power is added by the tally);
    quadratic -> sqrt(power) at 28 significant digits, rounded half-even to 8 places.
    Raises ValueError for an unknown model or a negative power.
    """
    if model not in GOVERNANCE_MODELS:
        raise ValueError(f"unknown governance model {model!r}")
    power = as_decimal(power)
    if power < 0:
        raise ValueError("voting power must be >= 0")
    if model == "simple":
        return Decimal(1)
    if model == "quadratic":
        return quantize(_SQRT.sqrt(power))
    return power
