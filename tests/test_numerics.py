"""losslab.numerics against the mpmath reference, scipy's conventions, identities and bad input.

The last section checks the categorical cost where it leans on the reductions: huge spreads,
infinite logits, a single class.
"""

import inspect
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
from losslab import (
    bernoulli_nll,
    bernoulli_nll_grad,
    categorical_nll,
    categorical_nll_grad,
    log_sigmoid,
    log_softmax,
    logsumexp,
    numerics,
    sigmoid,
    softplus,
)
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


def test_reductions_over_rows_drawn_from_the_whole_range():
    # Entries from every binade, subnormals to 1e308: spreads beyond the float64 range, where a
    # log-probability below -1.8e308 is -inf, its correct rounding.
    rng = np.random.default_rng(16)
    x = whole_range(4000, seed=17)
    largest = np.finfo(np.float64).max
    for _ in range(300):
        row = rng.choice(x, int(rng.integers(1, 40)))
        kappa = logsumexp_condition(row)
        assert ulp_error([logsumexp(row)], [exact_logsumexp(row)])[0] <= 1.5 * max(1.0, kappa)
        exact_row = exact_log_softmax(row)
        beyond = np.array([abs(v) > largest for v in exact_row])
        ls = log_softmax(row)
        assert (ls[beyond] == -np.inf).all()
        kept = [v for v, out in zip(exact_row, beyond, strict=True) if not out]
        assert ulp_error(ls[~beyond], kept).max(initial=0.0) <= 2.0


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


def test_rests_just_above_the_subnormal_range_are_kept():
    # Rests between 2**-1022 and 2**-960 are summed again from scaled exponentials; the offset
    # makes a - max(a) round, so that its rounding error must be carried too.
    for margin in (666.0, 690.5, 707.25, 720.0, 744.0):
        row = 0.3 + np.array([0.0, -margin, -margin - 0.5, -margin - 3.0, -margin - 80.0])
        assert ulp_error(log_softmax(row), exact_log_softmax(row)).max() <= 1.0
        assert ulp_error([logsumexp(row - 0.3)], [exact_logsumexp(row - 0.3)])[0] <= 0.5


def test_the_scaling_of_tiny_rests_is_exact():
    # _SCALE * _LN2_HI must add to an entry below -665 without rounding: its bits end at 2**-41.
    assert (numerics._SCALE * numerics._LN2_HI * 2**41).is_integer()
    with mpmath.workprec(200):
        ln2 = numerics._LN2_HI + mpmath.mpf(numerics._LN2_LO)
        assert abs(ln2 - mpmath.log(2)) < 2**-95


@pytest.mark.parametrize(
    "row",
    [
        [0.0, 0.0],
        [3.5, 3.5, 3.5, -1.0],
        [1e300, 1e300],
        [-2.0, 7.25, 7.25],
        [0.1] * 100,
        [5.0] * 700,
    ],
    ids=["pair", "three", "huge", "two of three", "100", "700"],
)
def test_tied_maxima_each_count(row):
    assert ulp_error([logsumexp(row)], [exact_logsumexp(row)])[0] <= 0.5
    assert ulp_error(log_softmax(row), exact_log_softmax(row)).max() <= 1.0


def test_ties_in_a_huge_row_each_count():
    # Rows this long have their rest summed again row by row up to a larger bound, where a
    # maximum's ties must still count once each.
    row = np.full(20_000, -800.0)
    row[[3, 17]], row[100] = 5.0, -3.0
    assert ulp_error([logsumexp(row)], [exact_logsumexp(row)])[0] <= 0.5
    exact_row = exact_log_softmax(row)
    picked = [3, 17, 100, 0]
    assert ulp_error(log_softmax(row)[picked], [exact_row[k] for k in picked]).max() <= 1.0


def test_long_rows_within_the_same_bounds():
    # Rows longer than a few dozen classes are reduced along themselves rather than across a
    # block of rows: another layout of the same steps.
    rng = np.random.default_rng(13)
    for length in (65, 130, 1000):
        for spread in (1e-3, 1.0, 30.0):
            row = rng.uniform(-50.0, 50.0) + spread * rng.standard_normal(length)
            row[rng.integers(length)] += 40.0 * (spread < 1.0)
            kappa = logsumexp_condition(row)
            assert ulp_error([logsumexp(row)], [exact_logsumexp(row)])[0] <= 1.5 * max(1.0, kappa)
            assert ulp_error(log_softmax(row), exact_log_softmax(row)).max() <= 2.0


def test_reductions_compute_in_float64_by_one_algorithm():
    # The same steps on every platform: nothing is computed in long double, whose width varies.
    source = inspect.getsource(numerics)
    assert "longdouble" not in source
    assert "float128" not in source


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


def test_minus_inf_entries_leave_the_others_exact():
    # A logit -inf (a class of probability 0, as from a mask) adds nothing to the sum.
    rng = np.random.default_rng(14)
    for row in logit_rows(150, seed=15):
        masked = np.where(rng.random(row.size) < 0.3, -np.inf, row)
        masked[np.argmax(row)] = row.max()
        kept = np.isfinite(masked)
        kappa = logsumexp_condition(row[kept])
        got = logsumexp(masked)
        assert ulp_error([got], [exact_logsumexp(row[kept])])[0] <= 1.5 * max(1.0, kappa)
        ls = log_softmax(masked)
        assert (ls[~kept] == -np.inf).all()
        assert ulp_error(ls[kept], exact_log_softmax(row[kept])).max() <= 2.0


def test_huge_spreads_raise_no_flag():
    # a - max(a) overflows to -inf in these rows; the conftest turns any flag into an error.
    assert logsumexp([1e308, -1e308]) == 1e308
    row = np.array([1e308, -1e308, 1e308 - 1e293, 1e308 - 3e292])
    assert ulp_error([logsumexp(row)], [exact_logsumexp(row)])[0] <= 0.5
    ls = log_softmax(row)
    assert ls[1] == -np.inf  # -2e308: beyond float64, where -inf is the correct rounding
    assert ulp_error(ls[[0, 2, 3]], [exact_log_softmax(row)[k] for k in (0, 2, 3)]).max() <= 1.0
    assert log_softmax(row, index=1) == ls[1]
    assert log_softmax(np.array([[1.7e308, -1.7e308]]), index=0) == 0.0


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


# --- the categorical cost, built on the reductions ---------------------------------------------


def test_categorical_soft_targets_over_a_huge_spread():
    # The log-probability -2e308 is beyond float64, the cost 1e308 is not.
    for y, z in [([0.5, 0.5], [1e308, -1e308]), ([0.9, 0.1], [1.5e308, -1.5e308])]:
        exact = -sum(mpmath.mpf(p) * v for p, v in zip(y, exact_log_softmax(z), strict=True))
        assert ulp_error([categorical_nll(y, z)], [exact])[0] <= 1.0
    assert categorical_nll([0.25, 0.75], [1.5e308, -1.5e308]) == np.inf  # 2.25e308 is beyond
    np.testing.assert_array_equal(categorical_nll_grad([0.5, 0.5], [1e308, -1e308]), [0.5, -0.5])
    assert categorical_nll([1e-300, 1.0 - 1e-300], [0.0, -1e-20]) == pytest.approx(np.log(2.0))


@pytest.mark.parametrize("z", [-np.inf, np.inf, -1e308, 0.0, 40.0, np.nan])
@pytest.mark.parametrize("label", [0, 1])
def test_categorical_is_two_class_bernoulli_at_any_logit(label, z):
    np.testing.assert_array_equal(categorical_nll(label, [0.0, z]), bernoulli_nll(label, z))
    grad = categorical_nll_grad(label, [0.0, z])
    np.testing.assert_array_equal(grad[1], bernoulli_nll_grad(label, z))
    np.testing.assert_array_equal(grad[0], -grad[1])


@pytest.mark.parametrize("y", [0.0, 0.3, 1.0])
def test_categorical_soft_targets_agree_with_bernoulli_at_infinite_logits(y):
    for z in (-np.inf, np.inf):
        assert categorical_nll([1.0 - y, y], [0.0, z]) == bernoulli_nll(y, z)


def test_categorical_single_class_is_certain():
    logits = [[-np.inf], [np.inf], [3.0], [np.nan]]
    np.testing.assert_array_equal(categorical_nll([0, 0, 0, 0], logits), [0.0, 0.0, 0.0, np.nan])
    np.testing.assert_array_equal(
        categorical_nll_grad([0, 0, 0, 0], logits)[:, 0], [0, 0, 0, np.nan]
    )
    assert categorical_nll([[1.0]], [[-np.inf]]) == 0.0


def test_categorical_keeps_nan_where_no_class_is_certain():
    # Two +inf, only -inf, or a nan: the probabilities are undefined. A finite class beside a
    # +inf has probability 0.
    logits = [[np.inf, np.inf], [0.0, np.inf], [-np.inf, -np.inf], [np.nan, 1.0]]
    np.testing.assert_array_equal(
        categorical_nll([1, 0, 0, 1], logits), [np.nan, np.inf, np.nan, np.nan]
    )


def test_categorical_errors_name_the_logits():
    for function in (categorical_nll, categorical_nll_grad):
        with pytest.raises(ValueError, match=r"^logits must have at least one dimension"):
            function(0, 1.0)
        with pytest.raises(ValueError, match=r"^axis 1 is out of range for logits of dimension 1"):
            function(0, [0.0, 1.0], axis=1)
