"""losslab.numerics against the mpmath reference, scipy's conventions, identities and bad input."""

import math
import warnings

import mpmath
import numpy as np
import pytest
import scipy.special
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import losslab
from losslab import log_sigmoid, log_softmax, logsumexp, numerics, sigmoid, softplus
from losslab.reference import (
    exact,
    exact_log_sigmoid,
    exact_log_softmax,
    exact_logsumexp,
    exact_softplus,
    logit_rows,
    logsumexp_condition,
    ulp_error,
    whole_range,
)

finite_floats = st.floats(allow_nan=False, allow_infinity=False, allow_subnormal=True)


# --- accuracy against mpmath over the whole float64 range ------------------------------------


@pytest.mark.parametrize(
    ("function", "reference"), [(softplus, exact_softplus), (log_sigmoid, exact_log_sigmoid)]
)
def test_elementwise_within_1_5_ulp_over_whole_range(function, reference):
    x = whole_range(6000, seed=11)
    err = ulp_error(function(x), exact(reference, x))
    assert err.max() <= 1.5
    assert np.median(err) <= 0.25


@pytest.mark.parametrize(
    ("function", "reference"), [(softplus, exact_softplus), (log_sigmoid, exact_log_sigmoid)]
)
def test_elementwise_within_1_5_ulp_densely_where_the_exponential_matters(function, reference):
    x = np.random.default_rng(12).uniform(-40.0, 40.0, 10_000)
    assert ulp_error(function(x), exact(reference, x)).max() <= 1.5


# Landmarks: where exp overflows (709.78) and underflows (-745.13), where 1 + e^-x rounds to 1
# (about 37), subnormal inputs, and the extremes.
@pytest.mark.parametrize(
    "x",
    [
        -1e308,
        -745.2,
        -745.0,
        -709.0,
        -40.0,
        -37.0,
        -1e-300,
        -5e-324,
        0.0,
        5e-324,
        1e-300,
        37.0,
        709.8,
        710.0,
        1e308,
    ],
)
def test_elementwise_exact_at_landmarks(x):
    assert ulp_error([softplus(x)], [exact_softplus(x)])[0] <= 1.0
    assert ulp_error([log_sigmoid(x)], [exact_log_sigmoid(x)])[0] <= 1.0


def test_sigmoid_keeps_tiny_values():
    z = np.array([-700.0, -40.0, 0.0, 40.0])
    with mpmath.workprec(200):
        exact_values = [1 / (1 + mpmath.exp(-mpmath.mpf(v))) for v in z]
    assert ulp_error(sigmoid(z), exact_values).max() <= 1.5


def test_logsumexp_within_1_5_ulp_times_condition():
    for row in logit_rows(400, seed=3):
        kappa = logsumexp_condition(row)
        err = ulp_error([logsumexp(row)], [exact_logsumexp(row)])[0]
        assert err <= 1.5 * max(1.0, kappa), (row, err, kappa)


def test_single_entry_rows_are_exact():
    for value in (-1e300, -3.0, 0.0, 5e-324, 7.5, 1e308):
        assert logsumexp([value]) == value
        assert log_softmax([value]).tolist() == [0.0]


def test_log_softmax_within_2_ulp_in_every_entry():
    for row in logit_rows(400, seed=4):
        err = ulp_error(log_softmax(row), exact_log_softmax(row))
        assert err.max() <= 2.0, (row, err)


def test_log_softmax_keeps_the_argmax_entry_that_peers_round_to_zero():
    row = np.array([40.0, 0.0, -3.0])
    assert scipy.special.log_softmax(row)[0] == 0.0  # the peer's failure this guards against
    got = log_softmax(row)[0]
    assert got < 0
    assert ulp_error([got], [exact_log_softmax(row)[0]])[0] <= 0.5


def test_rests_below_the_subnormal_range_are_kept():
    # Each e^-746 rounds to 0 in float64, yet a hundred of them make 43 subnormal ulps.
    row = np.array([0.0] + [-746.0] * 100)
    exact_top = exact_log_softmax(row)[0]
    assert ulp_error([log_softmax(row)[0]], [exact_top])[0] <= 0.5
    assert ulp_error([logsumexp(row)], [exact_logsumexp(row)])[0] <= 0.5
    # A rest made of subnormal terms, 738 below the maximum.
    row = np.array([692.375, -46.188, -45.793])
    assert ulp_error(log_softmax(row), exact_log_softmax(row)).max() <= 1.0


def test_float64_fallback_without_extended_precision(monkeypatch):
    """Where long double is plain double the TwoSum recipe runs; it stays within 3 ulp."""
    monkeypatch.setattr(numerics, "_EXTENDED", False)
    for row in logit_rows(200, seed=5):
        kappa = logsumexp_condition(row)
        assert ulp_error([logsumexp(row)], [exact_logsumexp(row)])[0] <= 3 * max(1.0, kappa)
        assert ulp_error(log_softmax(row), exact_log_softmax(row)).max() <= 3.0


# --- non-finite input, as scipy.special ---------------------------------------------------------


def test_elementwise_non_finite():
    x = np.array([-np.inf, np.inf, np.nan])
    np.testing.assert_array_equal(softplus(x), [0.0, np.inf, np.nan])
    np.testing.assert_array_equal(log_sigmoid(x), [-np.inf, 0.0, np.nan])
    np.testing.assert_array_equal(sigmoid(x), [0.0, 1.0, np.nan])


ROWS_WITH_NON_FINITE = [
    [np.inf, 1.0],
    [-np.inf, -np.inf],
    [np.nan, np.inf],
    [-np.inf, 0.0],
    [np.inf, -np.inf],
    [np.nan, 1.0],
    [np.inf, np.inf],
]


@pytest.mark.parametrize("row", ROWS_WITH_NON_FINITE)
def test_reductions_non_finite_match_scipy(row):
    # scipy warns about inf - inf on its way to the same answers; the warning is not under test.
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        expected_lse = scipy.special.logsumexp(row)
        expected_ls = scipy.special.log_softmax(row)
    np.testing.assert_array_equal(logsumexp(row), expected_lse)
    np.testing.assert_array_equal(log_softmax(row), expected_ls)


def test_non_finite_rows_do_not_disturb_finite_rows():
    a = np.array([[0.0, 0.0], [np.inf, 0.0], [50.0, 0.0]])
    np.testing.assert_array_equal(logsumexp(a)[[0, 2]], [logsumexp(a[0]), logsumexp(a[2])])
    np.testing.assert_array_equal(log_softmax(a)[2], log_softmax(a[2]))


# --- types, shapes and axes ---------------------------------------------------------------------


def test_dtypes_and_scalars():
    assert isinstance(softplus(1.0), np.float64)
    assert softplus(np.float32(1.0)).dtype == np.float32
    assert softplus(np.array([1, 2])).dtype == np.float64
    assert log_sigmoid(np.array([True])).dtype == np.float64
    assert sigmoid(np.float32(1.0)).dtype == np.float32
    assert isinstance(sigmoid(1), np.float64)
    assert log_softmax(np.ones(3, dtype=np.float16)).dtype == np.float16
    assert isinstance(logsumexp([1.0, 2.0]), np.float64)
    assert softplus(np.empty((0, 3))).shape == (0, 3)


def test_axis_is_honoured():
    a = np.random.default_rng(0).normal(size=(3, 4, 5))
    for axis in range(-3, 3):
        np.testing.assert_array_equal(logsumexp(a, axis=axis), logsumexp(np.moveaxis(a, axis, -1)))
        np.testing.assert_array_equal(
            log_softmax(a, axis=axis),
            np.moveaxis(log_softmax(np.moveaxis(a, axis, -1)), -1, axis),
        )


def test_public_api():
    assert numerics.__all__ == ["log_sigmoid", "log_softmax", "logsumexp", "sigmoid", "softplus"]
    assert all(getattr(losslab, name) is getattr(numerics, name) for name in numerics.__all__)


# --- bad input ----------------------------------------------------------------------------------

BAD_TYPES = ["1.0", np.array([1 + 1j]), np.array([object()]), np.array([1.0], dtype=np.longdouble)]


@pytest.mark.parametrize("bad", BAD_TYPES, ids=["str", "complex", "object", "longdouble"])
@pytest.mark.parametrize("function", [softplus, log_sigmoid, sigmoid, logsumexp, log_softmax])
def test_non_real_input_is_a_type_error_naming_the_argument(function, bad):
    name = {softplus: "x", log_sigmoid: "x", sigmoid: "logits"}.get(function, "a")
    with pytest.raises(TypeError, match=rf"^{name} must hold real numbers"):
        function(bad)


@pytest.mark.parametrize("function", [softplus, logsumexp])
def test_ragged_input_is_a_value_error(function):
    with pytest.raises(ValueError, match="rectangular"):
        function([[1.0, 2.0], [3.0]])


@pytest.mark.parametrize("function", [logsumexp, log_softmax])
def test_bad_axis(function):
    with pytest.raises(ValueError, match="axis 2 is out of range for a of dimension 2"):
        function(np.ones((2, 2)), axis=2)
    with pytest.raises(TypeError, match="axis must be an integer"):
        function(np.ones(2), axis=0.0)
    with pytest.raises(TypeError, match="axis must be an integer"):
        function(np.ones(2), axis=True)
    with pytest.raises(ValueError, match="0-d"):
        function(1.0)


def test_logsumexp_empty_axis_is_rejected_but_log_softmax_is_empty():
    with pytest.raises(ValueError, match=r"empty axis: a has shape \(3, 0\)"):
        logsumexp(np.zeros((3, 0)))
    assert log_softmax(np.zeros((3, 0))).shape == (3, 0)
    assert logsumexp(np.zeros((0, 3))).shape == (0,)


# --- log_softmax at one class per row -----------------------------------------------------------


def _with_non_finite_rows(a, rng):
    """`a` with some entries -inf, +inf and nan: rows of every kind scipy has a convention for."""
    a = a.copy()
    where = rng.random(a.shape)
    a[where < 0.05] = -np.inf
    a[(where >= 0.05) & (where < 0.07)] = np.inf
    a[(where >= 0.07) & (where < 0.08)] = np.nan
    return a


@pytest.mark.parametrize(
    "shape", [(4, 5, 6), (70_000, 2), (3, 40_000), (7,)], ids=["3d", "long", "wide", "1d"]
)
def test_log_softmax_at_an_index_is_the_full_result_bit_for_bit(shape):
    rng = np.random.default_rng(9)
    finite = rng.normal(0, 30, shape)
    for a in (finite, _with_non_finite_rows(finite, rng)):
        for axis in range(-a.ndim, a.ndim):
            classes = np.moveaxis(a, axis, -1)
            index = rng.integers(0, classes.shape[-1], classes.shape[:-1])
            full = log_softmax(a, axis=axis)
            picked = np.squeeze(np.take_along_axis(full, np.expand_dims(index, axis), axis), axis)
            got = log_softmax(a, axis=axis, index=index)
            assert np.shape(got) == index.shape
            assert np.asarray(got).tobytes() == picked.tobytes()


def test_log_softmax_at_an_index_within_2_ulp_of_mpmath():
    rng = np.random.default_rng(10)
    for row in logit_rows(200, seed=6):
        exact_row = exact_log_softmax(row)
        k = int(rng.integers(row.size))
        got = log_softmax(row, index=k)
        assert isinstance(got, np.float64)
        assert ulp_error([got], [exact_row[k]])[0] <= 2.0
        every = log_softmax(np.broadcast_to(row, (row.size, row.size)), index=np.arange(row.size))
        assert ulp_error(every, exact_row).max() <= 2.0


def test_log_softmax_index_broadcasts_and_keeps_the_dtype():
    a = np.arange(12.0).reshape(4, 3)
    np.testing.assert_array_equal(log_softmax(a, index=2), log_softmax(a)[:, 2])
    np.testing.assert_array_equal(log_softmax(a, axis=0, index=np.uint8(1)), log_softmax(a, 0)[1])
    assert log_softmax(a.astype(np.float16), index=[0, 1, 2, 0]).dtype == np.float16
    assert log_softmax(np.zeros((0, 3)), index=np.zeros(0, dtype=int)).shape == (0,)
    assert log_softmax(np.zeros((0, 0)), index=np.zeros(0, dtype=int)).shape == (0,)


BAD_INDICES = [
    (np.zeros((2, 3)), [0.0, 1.0], TypeError, r"^index must hold integers; got dtype float64"),
    (np.zeros((2, 3)), [True, False], TypeError, r"^index must hold integers; got dtype bool"),
    (np.zeros((2, 3)), "1", TypeError, r"^index must hold integers; got dtype <U1"),
    (
        np.zeros((2, 3)),
        [0, 3],
        ValueError,
        r"^index must be a class in 0..2 along the axis of a; got 3",
    ),
    (
        np.zeros((2, 3)),
        -1,
        ValueError,
        r"^index must be a class in 0..2 along the axis of a; got -1",
    ),
    (
        np.zeros((2, 0)),
        [0, 0],
        ValueError,
        r"^index must be a class along the axis of a, which has length 0",
    ),
    (np.zeros((2, 3)), [0, 1, 2], ValueError, r"^index \(3,\) does not broadcast to \(2,\)"),
    (np.zeros((2, 3)), [[0], [0, 1]], ValueError, r"^index must be a rectangular array"),
]


@pytest.mark.parametrize(("a", "index", "error", "message"), BAD_INDICES)
def test_bad_index_is_rejected_naming_the_argument(a, index, error, message):
    with pytest.raises(error, match=message):
        log_softmax(a, index=index)


def test_index_is_keyword_only():
    with pytest.raises(TypeError):
        log_softmax(np.zeros((1, 2)), -1, [0])


# --- identities (hypothesis) ------------------------------------------------------------------


@given(finite_floats)
def test_log_sigmoid_difference_is_x(x):
    lhs = float(log_sigmoid(x)) - float(log_sigmoid(-x))
    assert abs(lhs - x) <= 4 * math.ulp(max(abs(x), math.log(2)))


@given(finite_floats)
def test_softplus_is_minus_log_sigmoid_of_minus_x_bitwise(x):
    assert softplus(x) == -log_sigmoid(-x)


@given(finite_floats)
def test_softplus_bounds(x):
    s = softplus(x)
    assert max(x, 0.0) <= s <= max(x, 0.0) + np.log(2) * (1 + 2**-52)


@given(hnp.arrays(np.float64, st.integers(1, 12), elements=st.floats(-1e300, 1e300)))
def test_logsumexp_between_max_and_max_plus_log_n(a):
    lse = logsumexp(a)
    assert a.max() <= lse <= a.max() + np.log(a.size) * (1 + 1e-15) + math.ulp(float(a.max()))


@given(hnp.arrays(np.float64, st.integers(1, 12), elements=st.floats(-700, 700)))
def test_log_softmax_normalises(a):
    ls = log_softmax(a)
    assert (ls <= 0).all()
    assert abs(logsumexp(ls)) <= 4 * 2**-52 * max(1.0, float(np.abs(ls).max()))
    scale = max(1.0, float(np.abs(a).max()))
    np.testing.assert_allclose(ls, a - logsumexp(a), rtol=1e-15, atol=1e-13 * scale)


@given(
    hnp.arrays(np.float64, st.integers(1, 12), elements=st.floats(-100, 100)),
    st.floats(-1e3, 1e3),
)
def test_logsumexp_shift(a, c):
    assert logsumexp(a + c) == pytest.approx(logsumexp(a) + c, rel=1e-14, abs=1e-12)
