"""losslab.likelihoods against mpmath, scipy.stats, closed forms, finite differences, identities."""

import mpmath
import numpy as np
import pytest
import scipy.special
import scipy.stats
from hypothesis import given
from hypothesis import strategies as st

import losslab
from losslab import _poisson, likelihoods
from losslab.likelihoods import (
    HALF_LOG_2PI,
    bernoulli_nll,
    bernoulli_nll_grad,
    categorical_nll,
    categorical_nll_grad,
    gaussian_nll,
    gaussian_nll_grad,
    heteroscedastic_gaussian_nll,
    heteroscedastic_gaussian_nll_grad,
    laplace_nll,
    laplace_nll_grad,
    poisson_nll,
    poisson_nll_grad,
)
from losslab.reference import (
    exact_bernoulli_nll,
    exact_gaussian_nll,
    exact_log_softmax,
    exact_poisson_nll,
    gaussian_nll_condition,
    logit_rows,
    near_optimum_counts,
    poisson_nll_condition,
    ulp_error,
    whole_range,
)

finite = st.floats(allow_nan=False, allow_infinity=False)
moderate = st.floats(-50, 50)


def central_difference(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)


# --- Bernoulli ----------------------------------------------------------------------------------


@pytest.mark.parametrize("label", [0.0, 1.0])
def test_bernoulli_labels_within_1_5_ulp_over_whole_range(label):
    z = whole_range(4000, seed=21)
    exact = [exact_bernoulli_nll(label, v) for v in z]
    assert ulp_error(bernoulli_nll(label, z), exact).max() <= 1.5


def test_bernoulli_soft_labels_within_2_ulp():
    rng = np.random.default_rng(22)
    z = whole_range(3000, seed=23)
    y = rng.uniform(0, 1, z.size)
    exact = [exact_bernoulli_nll(a, b) for a, b in zip(y, z, strict=True)]
    assert ulp_error(bernoulli_nll(y, z), exact).max() <= 2.0


def test_bernoulli_beats_the_usual_formula_where_it_cancels():
    y, z = 0.999999999, 123456.789  # the usual max(z, 0) - z y + log1p(e^-|z|) cancels here
    with np.errstate(under="ignore"):
        usual = max(z, 0) - z * y + np.log1p(np.exp(-abs(z)))
    exact = exact_bernoulli_nll(y, z)
    assert ulp_error([bernoulli_nll(y, z)], [exact])[0] <= 1.0
    assert ulp_error([usual], [exact])[0] > 1e3


def test_bernoulli_infinite_logits_give_limits():
    np.testing.assert_array_equal(
        bernoulli_nll([1, 0, 1, 0], [np.inf, -np.inf, -np.inf, np.inf]), [0, 0, np.inf, np.inf]
    )


@given(st.sampled_from([0.0, 1.0]), finite)
def test_bernoulli_is_two_class_categorical(label, z):
    two_class = categorical_nll(int(label), [0.0, z])
    assert bernoulli_nll(label, z) == pytest.approx(two_class, rel=4e-16, abs=1e-300)


@given(st.floats(0, 1), moderate)
def test_bernoulli_grad_matches_finite_differences_and_closed_form(y, z):
    grad = bernoulli_nll_grad(y, z)
    assert grad == pytest.approx(central_difference(lambda t: bernoulli_nll(y, t), z), abs=1e-6)
    assert grad == pytest.approx(scipy.special.expit(z) - y, abs=1e-15)


# --- categorical --------------------------------------------------------------------------------


def test_categorical_labels_within_2_ulp():
    for row in logit_rows(300, seed=31):
        exact = exact_log_softmax(row)
        labels = np.arange(row.size)
        got = categorical_nll(labels, np.broadcast_to(row, (row.size, row.size)))
        assert ulp_error(got, [-v for v in exact]).max() <= 2.0


def test_categorical_soft_targets_match_scipy():
    rng = np.random.default_rng(32)
    logits = rng.normal(0, 3, (50, 6))
    targets = rng.dirichlet(np.ones(6), 50)
    expected = -(targets * scipy.special.log_softmax(logits, axis=1)).sum(axis=1)
    np.testing.assert_allclose(categorical_nll(targets, logits), expected, rtol=1e-13)


def test_categorical_one_hot_equals_labels_and_axis_is_honoured():
    rng = np.random.default_rng(33)
    logits = rng.normal(0, 3, (7, 4))
    labels = rng.integers(0, 4, 7)
    one_hot = np.eye(4)[labels]
    np.testing.assert_allclose(categorical_nll(one_hot, logits), categorical_nll(labels, logits))
    np.testing.assert_array_equal(
        categorical_nll(labels, logits.T, axis=0), categorical_nll(labels, logits)
    )


def test_categorical_zero_probability_classes_are_ignored():
    assert categorical_nll([1.0, 0.0], [0.0, -np.inf]) == 0.0


def test_categorical_grad_is_softmax_minus_target_and_matches_differences():
    rng = np.random.default_rng(34)
    z = rng.normal(0, 2, 5)
    grad = categorical_nll_grad(3, z)
    np.testing.assert_allclose(grad, scipy.special.softmax(z) - np.eye(5)[3], atol=1e-15)
    for k in range(5):
        step = np.eye(5)[k] * 1e-6
        numeric = (categorical_nll(3, z + step) - categorical_nll(3, z - step)) / 2e-6
        assert grad[k] == pytest.approx(numeric, abs=1e-7)
    # The softmax is exp(-log 2), rounded: each entry of the gradient is 0 to within an ulp of 1/2.
    assert np.abs(categorical_nll_grad([0.5, 0.5], [0.0, 0.0])).max() <= 2**-53


# --- Gaussian -----------------------------------------------------------------------------------


def test_gaussian_within_3_ulp_times_condition():
    rng = np.random.default_rng(41)
    n = 3000
    mean = rng.normal(0, 1, n) * 10.0 ** rng.uniform(-3, 6, n)
    y = mean + rng.normal(0, 1, n) * 10.0 ** rng.uniform(-8, 3, n)
    scale = 10.0 ** rng.uniform(-200, 200, n)
    got = gaussian_nll(y, mean, scale)
    largest = np.finfo(np.float64).max
    for args, value in zip(zip(y, mean, scale, strict=True), got, strict=True):
        exact = exact_gaussian_nll(*args)
        if exact > largest:  # beyond float64: inf is the correctly rounded answer
            assert value == np.inf
            continue
        kappa = gaussian_nll_condition(*args)
        assert ulp_error([value], [exact])[0] <= 3 * max(1.0, kappa), args


@pytest.mark.parametrize(
    ("cost", "grad", "density", "expected_grad"),
    [
        (gaussian_nll, gaussian_nll_grad, scipy.stats.norm, lambda y, m, s: (m - y) / s**2),
        (laplace_nll, laplace_nll_grad, scipy.stats.laplace, lambda y, m, s: np.sign(m - y) / s),
    ],
    ids=["gaussian", "laplace"],
)
def test_location_scale_costs_match_scipy_and_their_closed_form_gradients(
    cost, grad, density, expected_grad
):
    rng = np.random.default_rng(42)
    y, loc, scale = rng.normal(size=(3, 100))
    scale = np.abs(scale) + 0.1
    expected = -density.logpdf(y, loc=loc, scale=scale)
    np.testing.assert_allclose(cost(y, loc, scale), expected, rtol=1e-14)
    np.testing.assert_allclose(grad(y, loc, scale), expected_grad(y, loc, scale), rtol=1e-15)
    # Batches broadcast: one scale per column, one location per row.
    grid = cost(y[:5, None], loc[None, :4], scale[:4])
    assert grid.shape == (5, 4)
    np.testing.assert_allclose(grid[2, 3], cost(y[2], loc[3], scale[3]), rtol=1e-15)


def test_gaussian_extreme_inputs_stay_finite():
    # y - mean overflows, the standardised residual does not.
    value = gaussian_nll(1e308, -1e308, scale=1e300)
    assert value == pytest.approx(float(exact_gaussian_nll(1e308, -1e308, 1e300)), rel=1e-15)


@given(moderate, moderate, st.floats(0.01, 100))
def test_gaussian_is_scaled_squared_error_plus_a_constant(y, mean, scale):
    """CS5's identity: NLL - (y - mean)^2 / (2 scale^2) = log(2 pi scale^2) / 2."""
    quadratic = (y - mean) ** 2 / (2 * scale**2)
    difference = gaussian_nll(y, mean, scale) - quadratic
    assert difference == pytest.approx(HALF_LOG_2PI + np.log(scale), abs=1e-14 * max(1, quadratic))


@given(moderate, moderate, st.floats(0.01, 100))
def test_gaussian_grad(y, mean, scale):
    grad = gaussian_nll_grad(y, mean, scale)
    assert grad == pytest.approx((mean - y) / scale**2, rel=1e-14, abs=1e-300)
    numeric = central_difference(lambda m: gaussian_nll(y, m, scale), mean, h=1e-5 * scale)
    assert grad == pytest.approx(numeric, rel=1e-5, abs=1e-5)


def test_heteroscedastic_equals_gaussian_with_softplus_scale():
    rng = np.random.default_rng(43)
    y, mean, raw = rng.normal(0, 2, (3, 200))
    scale = np.log1p(np.exp(raw))
    np.testing.assert_allclose(
        heteroscedastic_gaussian_nll(y, mean, raw), gaussian_nll(y, mean, scale), rtol=1e-13
    )


def test_heteroscedastic_perfect_fit_goes_to_minus_infinity_without_nan():
    raw = np.array([0.0, -10.0, -100.0, -1000.0, -1e6])
    cost = heteroscedastic_gaussian_nll(0.0, 0.0, raw)
    assert np.all(np.isfinite(cost))
    assert np.all(np.diff(cost) < 0)
    with mpmath.workprec(300):
        exact = [
            mpmath.log(2 * mpmath.pi) / 2 + mpmath.log(mpmath.log1p(mpmath.exp(r))) for r in raw
        ]
    assert ulp_error(cost, exact).max() <= 2.0


def test_heteroscedastic_edges_agree_with_the_gaussian_cost():
    # The unused branch of log softplus no longer overflows (conftest turns flags into errors).
    assert heteroscedastic_gaussian_nll(0.0, 0.0, 1000.0) == pytest.approx(
        HALF_LOG_2PI + np.log(1000.0), rel=1e-15
    )
    # y - mean overflows; the residual over sigma does not, as in gaussian_nll.
    raw = 1e308  # softplus(raw) == raw
    assert heteroscedastic_gaussian_nll(1e308, -1e308, raw) == gaussian_nll(1e308, -1e308, raw)
    exact = float(exact_gaussian_nll(1e308, -1e308, raw))  # 712.115...
    assert gaussian_nll(1e308, -1e308, raw) == pytest.approx(exact, rel=1e-15)
    d_mean, _ = heteroscedastic_gaussian_nll_grad(1e308, -1e308, 1.0)
    with mpmath.workprec(200):
        exact = float(-2 * mpmath.mpf(1e308) / mpmath.log1p(mpmath.e) ** 2)
    assert d_mean == pytest.approx(exact, rel=1e-15)
    # A residual far below sigma's own range: sigma = e**-1000 is 0 in float64, r is not.
    with mpmath.workprec(200):
        r = mpmath.mpf(5e-324) / mpmath.exp(-1000)
        exact = mpmath.log(2 * mpmath.pi) / 2 - 1000 + r**2 / 2
    assert heteroscedastic_gaussian_nll(5e-324, 0.0, -1000.0) == pytest.approx(
        float(exact), rel=1e-13
    )


@pytest.mark.parametrize(
    "cost",
    [
        gaussian_nll,
        gaussian_nll_grad,
        laplace_nll,
        laplace_nll_grad,
        heteroscedastic_gaussian_nll,
        lambda y, m, s: heteroscedastic_gaussian_nll_grad(y, m, s)[0],
        lambda y, m, s: heteroscedastic_gaussian_nll_grad(y, m, s)[1],
    ],
)
def test_location_scale_costs_of_an_undefined_residual_are_nan(cost):
    for y, location in ((np.inf, np.inf), (-np.inf, -np.inf), (np.nan, 0.0), (0.0, np.nan)):
        assert np.isnan(cost(y, location, 0.5))  # inf - inf: no residual, and no flag


def test_a_nan_raw_scale_gives_nan_gradients_even_at_an_exact_fit():
    d_mean, d_raw = heteroscedastic_gaussian_nll_grad(0.0, 0.0, np.nan)
    assert np.isnan(d_mean)
    assert np.isnan(d_raw)
    assert np.isnan(heteroscedastic_gaussian_nll(0.0, 0.0, np.nan))


def test_gradients_of_extreme_residuals_do_not_overflow_where_they_are_finite():
    assert laplace_nll_grad(1e308, -1e308) == -1.0
    assert laplace_nll_grad(0.0, 1.0, 1e-320) == np.inf  # 1 / b beyond float64
    assert laplace_nll_grad(0.0, 1.0, 1e308) == 1e-308  # a subnormal, without a flag
    # (y - mean) / scale overflows for a scale just above 1; the gradient does not.
    exact = float(-2 * mpmath.mpf(1e308) / mpmath.mpf(1.1) ** 2)
    assert gaussian_nll_grad(1e308, -1e308, 1.1) == pytest.approx(exact, rel=1e-15)


def test_masked_and_ragged_input_is_refused():
    masked = np.ma.array([1.0, 1e300], mask=[False, True])
    for cost in (bernoulli_nll, gaussian_nll, laplace_nll, heteroscedastic_gaussian_nll):
        with pytest.raises(TypeError, match="must not be a masked array"):
            cost(0.5, masked, 1.0) if cost is not bernoulli_nll else cost(0.5, masked)
    with pytest.raises(ValueError, match=r"^y must be a rectangular array"):
        gaussian_nll([[0.0, 1.0], [2.0]], 0.0)


@pytest.mark.parametrize(("y", "mean", "raw"), np.random.default_rng(44).normal(0, 2, (30, 3)))
def test_heteroscedastic_grad_matches_finite_differences(y, mean, raw):
    d_mean, d_raw = heteroscedastic_gaussian_nll_grad(y, mean, raw)
    cost = heteroscedastic_gaussian_nll
    numeric_mean = central_difference(lambda m: cost(y, m, raw), mean)
    numeric_raw = central_difference(lambda r: cost(y, mean, r), raw)
    assert d_mean == pytest.approx(numeric_mean, rel=1e-5, abs=1e-6)
    assert d_raw == pytest.approx(numeric_raw, rel=1e-5, abs=1e-6)


# --- Poisson ----------------------------------------------------------------------------------


def test_poisson_matches_scipy_and_keeps_the_factorial():
    rng = np.random.default_rng(52)
    counts = rng.poisson(4.0, 300)
    log_rate = rng.normal(1.0, 1.0, 300)
    expected = -scipy.stats.poisson.logpmf(counts, np.exp(log_rate))
    np.testing.assert_allclose(poisson_nll(counts, log_rate), expected, rtol=1e-13)
    # Probabilities of all counts sum to 1 (the cost is a true negative log-probability).
    total = np.exp(-poisson_nll(np.arange(200), np.log(7.5))).sum()
    assert total == pytest.approx(1.0, rel=1e-14)


@given(st.integers(0, 1000), st.floats(-5, 8))
def test_poisson_grad(count, eta):
    grad = poisson_nll_grad(count, eta)
    assert grad == pytest.approx(np.exp(eta) - count, rel=1e-15, abs=1e-12)
    numeric = central_difference(lambda e: poisson_nll(count, e), eta, h=1e-6)
    assert grad == pytest.approx(numeric, rel=1e-5, abs=1e-4)


def _exact_poisson_grad(y, eta):
    """``exp(eta) - y`` to 256 bits past the cancellation, with its condition number."""
    with mpmath.workprec(256 + 1100):
        rate, count = mpmath.exp(mpmath.mpf(eta)), mpmath.mpf(y)
        value = rate - count
        kappa = (abs(eta) * rate + count) / abs(value) if value else mpmath.inf
    return value, float(kappa)


def test_poisson_near_the_optimum_within_a_few_ulp_times_condition():
    y, eta = near_optimum_counts(2000, seed=53)
    exact = [exact_poisson_nll(a, b) for a, b in zip(y, eta, strict=True)]
    kappa = np.array([poisson_nll_condition(a, b) for a, b in zip(y, eta, strict=True)])
    errors = ulp_error(poisson_nll(y, eta), exact)
    assert (errors <= 2.0 * np.maximum(1.0, kappa)).all()
    # At the optimum itself the cost is well conditioned, and within an ulp.
    at_optimum = eta == np.log(y)
    assert at_optimum.sum() >= 400
    assert kappa[at_optimum].max() < 5.0
    assert errors[at_optimum].max() <= 1.0


def test_poisson_far_from_the_optimum_within_a_few_ulp_times_condition():
    rng = np.random.default_rng(54)
    n = 1200
    y = np.floor(10.0 ** rng.uniform(0.0, 308.0, n))  # up to 1e308, where log(y!) overflows
    y[: n // 10] = 0.0
    y[n // 10 : n // 3] = np.floor(10.0 ** rng.uniform(0.0, 3.0, n // 3 - n // 10))
    eta = rng.choice([-1.0, 1.0], n) * 10.0 ** rng.uniform(-10.0, 308.0, n)
    eta[n // 3 : 2 * n // 3] = rng.uniform(-800.0, 800.0, 2 * n // 3 - n // 3)
    largest = np.finfo(np.float64).max
    for args, value in zip(zip(y, eta, strict=True), poisson_nll(y, eta), strict=True):
        exact = exact_poisson_nll(*args)
        if exact > largest:  # beyond float64: inf is the correctly rounded answer
            assert value == np.inf, args
            continue
        assert ulp_error([value], [exact])[0] <= 3.0 * max(1.0, poisson_nll_condition(*args)), args


def test_poisson_grad_within_its_condition_and_below_the_plain_difference():
    y, eta = near_optimum_counts(1500, seed=55)
    exact, kappa = zip(
        *(_exact_poisson_grad(a, b) for a, b in zip(y, eta, strict=True)), strict=True
    )
    ours = ulp_error(poisson_nll_grad(y, eta), exact)
    plain = ulp_error(np.exp(eta) - y, exact)
    assert (ours <= 2.0 * np.maximum(1.0, kappa)).all()
    # exp(eta) - y keeps the rounding of exp(eta); y expm1(t) keeps the much smaller error of t.
    assert np.median(ours) < np.median(plain) / 4


def test_poisson_edges_give_the_limit_with_no_flag_and_no_nan():
    # The conftest turns every floating-point flag into an error: none escapes below.
    assert poisson_nll(3, 1e308) == np.inf  # e**eta - y eta was inf - inf
    # log(y!) overflowed in math.lgamma; the cost, 7e308, is indeed beyond float64.
    assert poisson_nll(1e306, 0.0) == np.inf == -scipy.stats.poisson.logpmf(1e306, 1.0)
    # e**710 overflows; the cost at a count of 1.7e308 does not, and neither does its gradient.
    value, grad = poisson_nll(1.7e308, 710.0), poisson_nll_grad(1.7e308, 710.0)
    assert ulp_error([value], [exact_poisson_nll(1.7e308, 710.0)])[0] <= 2.0
    assert ulp_error([grad], [_exact_poisson_grad(1.7e308, 710.0)[0]])[0] <= 2.0
    infinite = [-np.inf, np.inf, -np.inf, np.inf]
    np.testing.assert_array_equal(poisson_nll([0, 0, 3, 3], infinite), [0, np.inf, np.inf, np.inf])
    np.testing.assert_array_equal(poisson_nll_grad([0, 0, 3, 3], infinite), [0, np.inf, -3, np.inf])
    assert np.isnan(poisson_nll(3, np.nan))
    assert np.isnan(poisson_nll_grad(3, np.nan))
    assert poisson_nll(1, 0.0) == 1.0  # e**0 - 0 + log 1!, every rounding error carried along
    assert poisson_nll(np.float32(3), np.float32(1.0)).dtype == np.float32
    assert poisson_nll(np.arange(3)[:, None], np.zeros((1, 4))).shape == (3, 4)


@given(st.integers(0, 10**15), st.floats(-700, 700))
def test_poisson_is_a_finite_negative_log_probability(count, eta):
    cost = poisson_nll(count, eta)
    assert np.isfinite(cost)
    assert cost >= 0


@given(st.integers(1, 10**15), st.floats(1e-6, 3))
def test_poisson_is_smallest_at_the_optimum(count, step):
    # The difference, about y step**2 / 2 >= 5e-13, is below the rounding error of the naive sum
    # for large counts: only a cost exact near its optimum keeps the order.
    eta = np.log(count)
    at = poisson_nll(count, eta)
    assert poisson_nll(count, eta - step) > at < poisson_nll(count, eta + step)


@given(st.floats(-3, 5))
def test_poisson_probabilities_sum_to_one(eta):
    with np.errstate(under="ignore"):  # e**-cost of a far count is 0, correctly
        total = np.exp(-poisson_nll(np.arange(400), eta)).sum()
    assert total == pytest.approx(1.0, rel=1e-13)


def test_poisson_building_blocks_against_mpmath():
    assert _poisson.HALF_LOG_2PI_HI == HALF_LOG_2PI
    with mpmath.workprec(2200):  # phi(t) ~ t**2 / 2 of a tiny t lies 2**-1000 below t
        half_log_2pi = mpmath.log(2 * mpmath.pi) / 2
        two_pieces = _poisson.HALF_LOG_2PI_HI + mpmath.mpf(_poisson.HALF_LOG_2PI_LO)
        assert abs(two_pieces - half_log_2pi) < 2**-105
        assert abs(_poisson.LN2_HI + mpmath.mpf(_poisson.LN2_LO) - mpmath.log(2)) < 2**-85
        assert (_poisson.LN2_HI * 2**32).is_integer()  # e * LN2_HI is exact for |e| < 2**21

        def stirlerr(c):
            return mpmath.loggamma(c + 1) - ((c + 0.5) * mpmath.log(c) - c + half_log_2pi)

        for n, value in enumerate(_poisson.STIRLERR_TABLE, start=1):
            assert value == float(stirlerr(mpmath.mpf(n))), n  # correctly rounded
        counts = np.unique(np.round(np.geomspace(1.0, 1e300, 500)))
        stirlerr_exact = [stirlerr(c) for c in map(mpmath.mpf, counts.tolist())]
        tiny = np.geomspace(1e-300, 1.0, 200)
        t = np.concatenate([np.linspace(-50.0, 50.0, 2001), tiny, -tiny])
        phi = [mpmath.expm1(v) - v for v in map(mpmath.mpf, t.tolist())]
    with np.errstate(under="ignore"):  # 1 / y**2 of a huge count is 0, correctly
        assert ulp_error(_poisson.stirlerr(counts), stirlerr_exact).max() <= 2.0
        assert ulp_error(_poisson.phi(t), phi).max() <= 2.0


# --- bad input ----------------------------------------------------------------------------------

REJECTIONS = [
    (bernoulli_nll, (-0.1, 0.0), ValueError, r"^y must be in \[0, 1\]; got -0.1"),
    (bernoulli_nll, (np.nan, 0.0), ValueError, r"^y must be in \[0, 1\]; got nan"),
    (bernoulli_nll, ([1, 0], [0.0, 1.0, 2.0]), ValueError, r"^shapes do not broadcast"),
    (bernoulli_nll, (1, "2"), TypeError, r"^logits must hold real numbers"),
    (categorical_nll, (2, [0.0, 1.0]), ValueError, r"^y must be a label in 0..1; got 2.0"),
    (categorical_nll, (-1, [0.0, 1.0]), ValueError, r"^y must be a label in 0..1; got -1.0"),
    (categorical_nll, (0.5, [0.0, 1.0]), ValueError, r"^y must be integer labels; got 0.5"),
    (
        categorical_nll,
        ([0.5, 0.6], [0.0, 1.0]),
        ValueError,
        r"y must be normalised \(sum 1 along axis",
    ),
    (categorical_nll, ([1.5, -0.5], [0.0, 1.0]), ValueError, r"^y must be in \[0, 1\]"),
    (categorical_nll, ([[0, 1]], [0.0, 1.0]), ValueError, r"^labels y \(1, 2\) do not broadcast"),
    (categorical_nll, ([0, 1, 1], [[0.0, 1.0], [1.0, 0.0]]), ValueError, r"do not broadcast"),
    (categorical_nll, ([True], [[0.0, 1.0]]), TypeError, r"^y must hold integer labels"),
    (categorical_nll, (0, [0.0, 1.0], 1), ValueError, r"axis 1 is out of range"),
    (gaussian_nll, (0.0, 0.0, 0.0), ValueError, r"^scale must be positive and finite; got 0.0"),
    (gaussian_nll, (0.0, 0.0, -2.0), ValueError, r"^scale must be positive and finite"),
    (gaussian_nll, (0.0, 0.0, np.inf), ValueError, r"^scale must be positive and finite; got inf"),
    (gaussian_nll, ([0.0, 1.0], [0.0, 1.0, 2.0]), ValueError, r"y \(2,\), mean \(3,\)"),
    (laplace_nll, (0.0, 0.0, 0.0), ValueError, r"^scale must be positive and finite"),
    (poisson_nll, (-1, 0.0), ValueError, r"^y must be a count 0, 1, 2, ...; got -1.0"),
    (poisson_nll, (1.5, 0.0), ValueError, r"^y must be a count"),
    (poisson_nll, (np.inf, 0.0), ValueError, r"^y must be a count"),
    (poisson_nll, ([1, 2], [0.0, 1.0, 2.0]), ValueError, r"y \(2,\), log_rate \(3,\)"),
    (poisson_nll, (1, "2"), TypeError, r"^log_rate must hold real numbers"),
    (poisson_nll, (1j, 0.0), TypeError, r"^y must hold real numbers"),
    (poisson_nll_grad, (-2, 0.0), ValueError, r"^y must be a count 0, 1, 2, ...; got -2.0"),
    (poisson_nll_grad, ([1, 2], [0.0, 1.0, 2.0]), ValueError, r"^shapes do not broadcast"),
]


@pytest.mark.parametrize(("function", "args", "error", "message"), REJECTIONS)
def test_bad_input_is_rejected_with_a_message_naming_the_argument(function, args, error, message):
    with pytest.raises(error, match=message):
        function(*args)


@given(st.floats(allow_nan=True).filter(lambda v: not 0 <= v <= 1))
def test_any_probability_outside_the_unit_interval_is_rejected(y):
    with pytest.raises(ValueError, match="y must be in"):
        bernoulli_nll(y, 0.0)


def test_gradients_keep_the_tail_of_confident_correct_predictions():
    with mpmath.workprec(200):
        exact = -1 / (1 + mpmath.exp(40))
        assert ulp_error([bernoulli_nll_grad(1.0, 40.0)], [exact])[0] <= 2.0
        z = [50.0, 0.0, 0.0]
        lse = mpmath.log(mpmath.exp(50) + 2)
        exact_grad = [
            mpmath.exp(mpmath.mpf(v) - lse) - (1 if k == 0 else 0) for k, v in enumerate(z)
        ]
    grad = categorical_nll_grad(0, z)
    assert ulp_error(grad, exact_grad).max() <= 2.0
    assert abs(grad.sum()) <= 1e-37


def test_extreme_arguments_give_the_limit_not_nan_or_overflow():
    assert poisson_nll(3, np.inf) == np.inf
    assert poisson_nll(0, -np.inf) == 0.0
    with mpmath.workprec(100):
        exact = mpmath.log(2 * mpmath.mpf(1e308))
    assert laplace_nll(0.0, 0.0, 1e308) == pytest.approx(float(exact), rel=1e-15)


# --- the package exports the costs --------------------------------------------------------------


def test_the_package_exports_every_cost_and_gradient_but_not_the_constant():
    functions = set(likelihoods.__all__) - {"HALF_LOG_2PI"}
    assert functions <= set(losslab.__all__)
    assert all(getattr(losslab, name) is getattr(likelihoods, name) for name in functions)
    assert "HALF_LOG_2PI" not in losslab.__all__
    assert "sigmoid" not in likelihoods.__all__  # it lives in losslab.numerics
