"""The decimal grammar and range (governance.decimals): what numeric(30,8) holds, decided once."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance.decimals import (
    LIMIT, NOT_A_DECIMAL, TOO_LARGE, TOO_PRECISE, DecimalOutOfRange, parse_decimal, range_problem,
    require_in_range,
)
from governance.power import decimal_text

LARGEST = D("9" * 22 + ".99999999")  # the largest value numeric(30,8) holds


@pytest.mark.parametrize("text, value", [
    ("0", D(0)), ("-0", D(0)), ("12.5", D("12.5")), ("-0.00000001", D("-0.00000001")),
    ("9" * 22 + ".99999999", D("9" * 22 + ".99999999")), ("100", D(100)),
])
def test_strings_of_the_grammar_are_decimals(text, value):
    assert parse_decimal(text) == value


@pytest.mark.parametrize("text", [
    " 5", "5 ", "+5", "5.", ".5", "05", "1e3", "1E+3", "\u0661\u0662", "\uff15", "NaN", "Infinity", "-",
    "", "1,5", "1_000", "0x10", "5\n", "--5", "1e1000000",
])
def test_anything_else_is_not_a_decimal(text):
    with pytest.raises(ValueError) as refused:
        parse_decimal(text)
    assert str(refused.value) == NOT_A_DECIMAL


@pytest.mark.parametrize("text, message", [
    ("1" + "0" * 22, TOO_LARGE), ("-" + "9" * 23, TOO_LARGE), ("1." + "1" * 9, TOO_PRECISE),
    ("1" * 5000, TOO_LARGE),
])
def test_digits_beyond_the_range_say_so(text, message):
    with pytest.raises(ValueError) as refused:
        parse_decimal(text)
    assert str(refused.value) == message


@pytest.mark.parametrize("number", [D("1E+1000000"), D("-1E+22"), D("1E-9"), D("1.000000000"), 10**22, D("NaN"),
                                    D("Infinity")])
def test_json_numbers_out_of_the_range_are_refused_without_arithmetic(number):
    with pytest.raises(ValueError):
        parse_decimal(number)


@pytest.mark.parametrize("number", [True, 1.5, None, [], {}])
def test_other_types_are_refused(number):
    with pytest.raises(ValueError):
        parse_decimal(number)


def test_json_numbers_in_the_range_are_kept_as_they_are():
    assert parse_decimal(D("1E+3")) == 1000 and parse_decimal(12) == 12 and parse_decimal(D("0E+999999")) == 0


def test_require_in_range_names_what_is_out_of_it():
    assert require_in_range(LARGEST) == LARGEST
    assert require_in_range(LARGEST.copy_negate()) == LARGEST.copy_negate()
    with pytest.raises(DecimalOutOfRange, match="the balance"):
        require_in_range(LIMIT, "the balance")


@given(st.integers(-(10**30 - 1), 10**30 - 1).map(lambda units: D(f"{units}e-8")))
def test_every_value_in_the_range_round_trips_through_its_text(value):
    assert range_problem(value) is None
    text = decimal_text(value)
    assert D(text) == value and parse_decimal(text) == value
