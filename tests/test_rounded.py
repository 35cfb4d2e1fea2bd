"""losslab.experiments.rounded: what the chapters show of a result."""

import dataclasses
import decimal
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from losslab.experiments import rounded


@given(st.floats(allow_nan=False, allow_infinity=False), st.integers(1, 17))
def test_a_float_keeps_its_leading_digits_correctly_rounded(x, digits):
    """Against decimal arithmetic: the exact binary value rounded half-even to `digits` digits."""
    shown = rounded(np.float64(x), digits)
    assert type(shown) is float
    if x == 0:
        assert shown == 0
        return
    exact = decimal.Decimal(x)
    quantum = decimal.Decimal(1).scaleb(exact.adjusted() - digits + 1)
    expected = exact.quantize(quantum, rounding=decimal.ROUND_HALF_EVEN)
    assert shown == float(expected) or (
        # a value that rounds up to the next power of ten gains a digit
        abs(shown) == 10.0 ** (exact.adjusted() + 1)
    )


def test_numbers_keep_their_kind_and_specials_are_kept():
    out = rounded([np.True_, np.int64(7), np.float32(0.1), np.inf, -np.inf, np.nan, "text", None])
    assert out[:2] == [True, 7]
    assert [type(v) for v in out[:3]] == [bool, int, float]
    assert out[2] == 0.1
    assert out[3:5] == [math.inf, -math.inf]
    assert math.isnan(out[5])
    assert out[6:] == ["text", None]


def test_containers_are_rounded_entry_by_entry_and_keep_their_type():
    value = {np.float64(1 / 3): (np.array([[2 / 3, 1.0]]), [np.float64(1e-20 / 3)])}
    assert rounded(value, 3) == {0.333: ([[0.667, 1.0]], [3.33e-21])}
    assert type(rounded((1.0,))) is tuple


def test_a_dataclass_shows_the_fields_of_its_repr():
    @dataclasses.dataclass(frozen=True)
    class Result:
        gap: float
        steps: int
        path: np.ndarray = dataclasses.field(repr=False)

    assert rounded(Result(gap=2 / 3, steps=5, path=np.zeros(3)), 2) == {"gap": 0.67, "steps": 5}
    assert rounded(Result, 2) is Result  # a class is not a result


@pytest.mark.parametrize(
    ("digits", "error"), [(0, ValueError), (2.0, TypeError), (True, TypeError)]
)
def test_digits_must_be_a_positive_integer(digits, error):
    with pytest.raises(error, match="digits"):
        rounded(1.0, digits)
