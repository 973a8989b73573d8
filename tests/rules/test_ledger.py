"""Ledger arithmetic (SPEC 5.4): balances never go negative."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance.errors import BalanceOutOfRange, InsufficientFunds, ValidationFailed
from governance.ledger import account_totals, apply_delta, non_zero_amount, positive_amount, require_two_parties, transfer

amounts = st.decimals(min_value=0, max_value=10**12, places=8, allow_nan=False, allow_infinity=False)


def test_apply_delta_adds_signed_delta():
    assert apply_delta(D("10"), D("2.5")) == D("12.5")
    assert apply_delta(D("10"), D("-10")) == D(0)


def test_apply_delta_refuses_negative_result_and_zero_delta():
    with pytest.raises(InsufficientFunds):
        apply_delta(D("1"), D("-1.00000001"))
    with pytest.raises(ValueError):
        apply_delta(D("1"), D(0))


def test_transfer_moves_amount():
    assert transfer(D(5), D(1), D("0.1")) == (D("4.9"), D("1.1"))


def test_transfer_refuses_non_positive_amount_and_overdraft():
    for amount in (D(0), D(-1)):
        with pytest.raises(ValidationFailed):
            transfer(D(5), D(0), amount)
    with pytest.raises(InsufficientFunds):
        transfer(D(5), D(0), D("5.00000001"))


def test_account_totals():
    assert account_totals(D(1), D(2), D("0.1")) == (D("1.1"), D(2))
    assert account_totals(D(1), D(2), D("-0.5")) == (D(1), D("2.5"))
    with pytest.raises(ValueError):
        account_totals(D(1), D(2), D(0))


@given(amounts, amounts, amounts)
def test_transfer_conserves_total_and_never_goes_negative(a, b, amount):
    if amount == 0:
        return
    try:
        new_a, new_b = transfer(a, b, amount)
    except InsufficientFunds:
        assert amount > a
        return
    assert new_a >= 0
    assert new_a + new_b == a + b


def test_a_movement_amount_must_be_positive():
    assert positive_amount("0.00000001") == D("0.00000001")
    assert positive_amount(3) == D(3)
    for amount in ("0", D(-1), "-0.1"):
        with pytest.raises(ValidationFailed) as caught:
            positive_amount(amount)
        assert caught.value.errors == {"amount": ["must be greater than 0"]}


def test_a_signed_movement_must_move_something():
    assert non_zero_amount("-0.00000001") == D("-0.00000001")
    assert non_zero_amount(7) == D(7)
    for amount in ("0", D("0.00000000"), "-0"):
        with pytest.raises(ValidationFailed) as caught:
            non_zero_amount(amount)
        assert caught.value.errors == {"amount": ["must not be zero"]}


def test_a_transfer_needs_two_parties():
    require_two_parties("user:a", "user:b")
    with pytest.raises(ValidationFailed) as caught:
        require_two_parties("user:a", "user:a")
    assert set(caught.value.errors) == {"to_subject_id"}


LARGEST = D("9" * 22 + ".99999999")  # the largest value numeric(30,8) holds


def test_a_balance_may_reach_the_largest_value_the_column_holds_but_not_beyond():
    assert apply_delta(D("9" * 22 + ".99999998"), D("0.00000001")) == LARGEST
    with pytest.raises(BalanceOutOfRange, match="the balance would become 10000000000000000000000.00000000"):
        apply_delta(LARGEST, D("0.00000001"))


def test_many_deltas_each_in_range_cannot_sum_beyond_it():
    balance, step = D(0), D("5" + "0" * 21)  # 5 * 10^21, a valid delta
    balance = apply_delta(balance, step)
    with pytest.raises(BalanceOutOfRange):
        apply_delta(apply_delta(balance, step), step)


def test_lifetime_totals_stay_in_range_too():
    with pytest.raises(BalanceOutOfRange, match="lifetime_earned"):
        account_totals(LARGEST, D(0), D(1))
    with pytest.raises(BalanceOutOfRange, match="lifetime_spent"):
        account_totals(D(0), LARGEST, D(-1))


def test_movements_of_thirty_digits_are_exact():
    # Thirty significant digits: more than the default decimal context's 28 (a plain unary minus
    # would round the debit).
    amount = D("1234567890123456789012.12345678")
    assert transfer(amount, D(0), amount) == (D(0), amount)
    assert account_totals(D(0), D(0), amount.copy_negate()) == (D(0), amount)
