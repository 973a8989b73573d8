"""The decimal figures the engine stores and reads (SPEC 3: money and power are numeric(30,8)).

The range, decided once: a stored decimal has at most 8 places and an absolute value below
10^22 (at most 22 digits before the point), which is what numeric(30,8) holds. Every decimal a
request writes is checked against it (`parse_decimal`), and every result a ledger writes
(`require_in_range`), so that nothing is accepted that the column cannot hold or that could not
be read back. Sums that are not stored in such a column (a delegated weight, `W`, a tally's
figures) are exact whatever their size: governance.power sums them in a 120-digit context and
decimal_text writes them exactly.

A decimal in a request is a JSON string of one strict grammar, or a JSON number of the same range:

    decimal  = ["-"] integer ["." 1*8digit]
    integer  = "0" / nonzero *21digit          ; digits are the ASCII 0-9 only

(JSON's own number grammar without an exponent.) So "12.5", "-0.00000001" and "0" are decimals;
" 5", "+5", "5.", ".5", "05", "1e3", "١٢" (non-ASCII digits), "NaN" and "Infinity" are not.
JSON numbers (12.5, 1e3) are read by value and must be in the range too.
"""

from __future__ import annotations

import re
from decimal import Decimal

PLACES = 8
INTEGER_DIGITS = 22
LIMIT = Decimal(10) ** INTEGER_DIGITS  # exclusive: |x| < 10^22
# The grammar above, ASCII only (no re.UNICODE digit classes); anchored with fullmatch.
PATTERN = rf"-?(0|[1-9][0-9]{{0,{INTEGER_DIGITS - 1}}})(\.[0-9]{{1,{PLACES}}})?"
_GRAMMAR = re.compile(PATTERN, re.ASCII)
# Loose enough to tell "too many digits" from "not a decimal" in a message.
_LOOSE = re.compile(r"-?[0-9]+(\.[0-9]+)?", re.ASCII)
# A JSON integer literal longer than this cannot be any field's value (the widest is a decimal of
# 22 integer digits); the body parser refuses it before Python turns it into an int.
MAX_INTEGER_LITERAL_DIGITS = 40

NOT_A_DECIMAL = 'must be a decimal string such as "12.5": ASCII digits, an optional leading "-", no exponent'
TOO_LARGE = f"must be less than 10^{INTEGER_DIGITS} in absolute value (at most {INTEGER_DIGITS} digits before the point)"
TOO_PRECISE = f"at most {PLACES} decimal places"


class DecimalOutOfRange(ValueError):
    """A decimal the columns cannot hold: more than 8 places, or |x| >= 10^22."""


def range_problem(value: Decimal) -> str | None:
    """Why numeric(30,8) cannot hold `value` (TOO_LARGE, TOO_PRECISE), or None when it can.
    Judged on the representation, with no arithmetic, so that "1e1000000" cannot overflow."""
    if not value.is_finite():
        return NOT_A_DECIMAL
    if not value.is_zero() and value.adjusted() >= INTEGER_DIGITS:
        return TOO_LARGE
    if value.as_tuple().exponent < -PLACES:
        return TOO_PRECISE
    return None


def require_in_range(value: Decimal, what: str = "the value") -> Decimal:
    """`value` unchanged when the columns hold it; DecimalOutOfRange (a ValueError) otherwise."""
    problem = range_problem(value)
    if problem is not None:
        raise DecimalOutOfRange(f"{what} {problem}")
    return value


def parse_decimal(value) -> Decimal:
    """A request's decimal: a string of the grammar above, or an int or Decimal (a JSON number)
    in the range. Raises ValueError with a message for the caller otherwise (floats and booleans
    included: JSON numbers are parsed as Decimal, never float)."""
    if isinstance(value, str):
        if _GRAMMAR.fullmatch(value):
            return Decimal(value)
        if _LOOSE.fullmatch(value):  # digits, maybe too many of them
            integer, _, fraction = value.lstrip("-").partition(".")
            if len(fraction) > PLACES:
                raise ValueError(TOO_PRECISE)
            if len(integer.lstrip("0")) > INTEGER_DIGITS:
                raise ValueError(TOO_LARGE)
        raise ValueError(NOT_A_DECIMAL)
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise ValueError(NOT_A_DECIMAL)
    number = Decimal(value)
    problem = range_problem(number)
    if problem is not None:
        raise ValueError(problem)
    return number
