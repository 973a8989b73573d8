"""Ledger arithmetic for treasury balances and time-credit accounts (SPEC 5.4).

Balances are never negative: a movement that would make one negative raises InsufficientFunds
and the caller changes nothing. Nor do they leave the range the columns hold (numeric(30,8):
governance.decimals): a movement that would take a balance or a lifetime total to 10^22 or beyond
raises BalanceOutOfRange (job error `balance_out_of_range`), however many movements led there.
All arithmetic is exact.
"""

from decimal import Decimal, localcontext

from governance.decimals import range_problem
from governance.errors import BalanceOutOfRange, InsufficientFunds, ValidationFailed
from governance.power import EXACT, as_decimal


def apply_delta(balance: Decimal, delta: Decimal) -> Decimal:
    """Return `balance + delta`.

    Raises ValueError when delta is zero (a no-op movement is a caller error),
    InsufficientFunds when the result would be negative and BalanceOutOfRange when it would be
    beyond what the columns hold.
    """
    balance, delta = as_decimal(balance), as_decimal(delta)
    if delta == 0:
        raise ValueError("delta must be non-zero")
    with localcontext(EXACT):
        result = balance + delta
    if result < 0:
        raise InsufficientFunds(f"balance {balance} cannot cover {delta.copy_negate()}")
    return _held(result, "the balance")


def _held(value: Decimal, what: str) -> Decimal:
    problem = range_problem(value)
    if problem is not None:
        raise BalanceOutOfRange(f"{what} would become {value:f}, which {problem}")
    return value


def positive_amount(amount) -> Decimal:
    """`amount` as a Decimal; ValidationFailed (on amount) unless it is > 0. Every movement
    between two parties moves a positive amount."""
    amount = as_decimal(amount)
    if amount <= 0:
        raise ValidationFailed("amount must be > 0", errors={"amount": ["must be greater than 0"]})
    return amount


def non_zero_amount(amount) -> Decimal:
    """`amount` as a Decimal; ValidationFailed unless it is not zero. A signed movement (a
    treasury delta, an adjustment) must move something."""
    amount = as_decimal(amount)
    if amount == 0:
        raise ValidationFailed("amount must not be zero", errors={"amount": ["must not be zero"]})
    return amount


def require_two_parties(from_id: str, to_id: str) -> None:
    """A transfer goes to someone else: ValidationFailed (on to_subject_id) when `to_id` is
    `from_id`, the sender (the caller, for a request)."""
    if from_id == to_id:
        raise ValidationFailed("cannot transfer to oneself", errors={"to_subject_id": ["must not be the caller"]})


def transfer(
    from_balance: Decimal, to_balance: Decimal, amount: Decimal
) -> tuple[Decimal, Decimal]:
    """Move `amount` from one balance to another; returns (new_from, new_to).

    Raises ValidationFailed unless amount > 0, InsufficientFunds when `from` cannot cover it.
    """
    amount = positive_amount(amount)
    new_from = apply_delta(from_balance, amount.copy_negate())
    return new_from, apply_delta(to_balance, amount)


def account_totals(
    lifetime_earned: Decimal, lifetime_spent: Decimal, amount: Decimal
) -> tuple[Decimal, Decimal]:
    """Update a time-credit account's lifetime totals for a signed movement `amount`.

    A positive amount adds to earned, a negative one adds its absolute value to spent.
    Returns (earned, spent); raises ValueError when amount is zero, BalanceOutOfRange when a
    total would be beyond what the columns hold.
    """
    earned, spent, amount = (as_decimal(v) for v in (lifetime_earned, lifetime_spent, amount))
    if amount == 0:
        raise ValueError("amount must be non-zero")
    with localcontext(EXACT):
        if amount > 0:
            return _held(earned + amount, "lifetime_earned"), spent
        return earned, _held(spent - amount, "lifetime_spent")
