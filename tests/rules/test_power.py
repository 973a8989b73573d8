"""Model weights and the shared decimal helpers."""

from decimal import Decimal as D

import pytest

from governance.power import model_weight, quantize, ratio
from governance.vocabulary import GOVERNANCE_MODELS


def test_models():
    assert GOVERNANCE_MODELS == ("simple", "weighted", "quadratic", "delegated")


@pytest.mark.parametrize(
    "model, power, weight",
    [
        ("simple", "0", "1"),
        ("simple", "123.45", "1"),
        ("weighted", "123.45", "123.45"),
        ("delegated", "0.00000001", "0.00000001"),
        ("quadratic", "2", "1.41421356"),
        ("quadratic", "0.00000002", "0.00014142"),
        ("quadratic", "1000000", "1000"),
        ("quadratic", "10", "3.16227766"),
    ],
)
def test_model_weight(model, power, weight):
    assert model_weight(model, D(power)) == D(weight)


def test_model_weight_refuses_unknown_model_negative_power_and_floats():
    with pytest.raises(ValueError):
        model_weight("plural", D(1))
    with pytest.raises(ValueError):
        model_weight("weighted", D("-0.1"))
    with pytest.raises(TypeError):
        model_weight("weighted", 0.1)


def test_quantize_rounds_half_even_to_8_places():
    assert quantize(D("0.000000005")) == D("0")
    assert quantize(D("0.000000015")) == D("0.00000002")
    assert quantize(D("0.000000025")) == D("0.00000002")
    assert str(quantize(D("12.5"))) == "12.50000000"
    assert quantize(D("9" * 22 + ".123456789")) == D("9" * 22 + ".12345679")


def test_ratio_is_correctly_rounded_and_zero_over_zero():
    assert ratio(D(2), D(3)) == D("0.66666667")
    assert ratio(D(1), D(0)) == 0
    # exact halves at the 8th place round to even
    assert ratio(D(1), D(200_000_000)) == D("0")
    assert ratio(D(3), D(200_000_000)) == D("0.00000002")
    assert ratio(D(5), D(200_000_000)) == D("0.00000002")
