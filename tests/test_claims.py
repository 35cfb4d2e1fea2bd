"""One test per claim of the source and of the book's extensions (docs/reference/claims.toml).

Each test calls the same experiment function as the chapter that states the claim, and checks its
result against a reference that does not share its code: mpmath at 256 bits, scipy, or a closed
form, computed from the data the experiment returns. A claim's threshold is a constant of its
experiment module, which the chapter's hidden assertion uses too.
"""

import math

import mpmath
import numpy as np
import pytest
import scipy.integrate
import scipy.linalg
import scipy.optimize
import scipy.special
import scipy.stats

from losslab import bernoulli_nll, log_sigmoid, log_softmax
from losslab.empirical import cross_entropy, empirical, kl_divergence
from losslab.experiments import cost_selection as cs_ex
from losslab.experiments import maximum_likelihood as ml_ex
from losslab.experiments import nonconvexity as nc_ex
from losslab.experiments import numerics as numerics_ex
from losslab.optim import gradient_descent


def test_cs10_overflowing_cost_breaks_and_the_log_undoes_the_exp():
    demo = numerics_ex.overflow_demo(logit=-1000.0, logits=(1000.0, 0.0))
    # The probability-first forms leave the float64 range.
    assert demo.naive_cost == math.inf
    assert "overflow" in demo.naive_cost_flags
    assert math.isnan(demo.naive_softmax[0])
    assert "invalid" in demo.naive_softmax_flags
    # The log-domain forms return the exact values: log(1 + e^1000) and softmax [1, e^-1000].
    with mpmath.workprec(200):
        assert demo.stable_cost == float(mpmath.log1p(mpmath.exp(1000)))
        assert demo.stable_log_softmax[1] == float(-mpmath.log1p(mpmath.exp(-1000)) - 1000)
    assert demo.stable_softmax == (1.0, 0.0)


def test_ex3_costs_from_logits_are_exact_where_probability_first_forms_fail():
    accuracy = numerics_ex.accuracy_sweep(n=1500, seed=7)
    for name in ("log_sigmoid", "softplus"):
        assert accuracy.max(name) <= numerics_ex.TARGET_ULPS
        assert accuracy.median(name) <= numerics_ex.MEDIAN_ULPS
    # The naive forms are off by more than WRONG_ULPS on a large share of the range.
    assert accuracy.share_wrong("naive log_sigmoid") > numerics_ex.NAIVE_WRONG_SHARE
    assert accuracy.share_wrong("naive softplus") > numerics_ex.NAIVE_WRONG_SHARE

    # Spot checks with mpmath directly, independent of losslab.reference.
    with mpmath.workprec(300):
        for x in (-745.5, -40.0, -1e-300, 0.5, 36.9, 700.0):
            exact = -mpmath.log1p(mpmath.exp(-mpmath.mpf(x)))
            assert float(log_sigmoid(x)) == pytest.approx(float(exact), rel=2**-52, abs=0)
        top = -mpmath.log1p(mpmath.exp(-50))  # the top entry of log_softmax([50, 0])
        assert float(log_softmax([50.0, 0.0])[0]) == pytest.approx(float(top), rel=2**-52)

    margins = numerics_ex.margin_sweep(np.geomspace(1e-2, 800.0, 120))
    assert margins.max("log_softmax") <= numerics_ex.LOG_SOFTMAX_ULPS
    # The max-shifted form returns exactly 0 for the top entry beyond a margin of about 37:
    # an error the size of the value, ~2**52 ulp.
    assert margins.max("shifted") > numerics_ex.VALUE_SIZED_ULPS
    # The naive softmax fails exactly where exp(margin) overflows, past ln of the largest float.
    assert abs(numerics_ex.OVERFLOW_LIMIT - 709.78) < 0.01
    beyond = margins.margins[margins.margins > numerics_ex.OVERFLOW_LIMIT]
    assert margins.first_margin_wrong("naive", ulps=1e300) == beyond[0]


# --- maximum likelihood and the cost (docs/chapters/maximum-likelihood.md) ---------------------


def test_cs01_the_loss_is_the_mean_of_per_sample_costs():
    result = ml_ex.cost_and_loss(n=120, features=4, seed=3)
    assert result.costs.shape == (120,)
    assert result.loss == pytest.approx(result.costs.mean(), rel=1e-15)
    assert result.loss_as_sum == pytest.approx(result.costs.sum(), rel=1e-15)
    # The loss's own gradient (finite differences) is the mean of the per-sample gradients.
    np.testing.assert_allclose(
        result.gradient_of_loss, result.mean_of_gradients, rtol=0, atol=ml_ex.GRADIENT_AGREEMENT
    )


def test_cs01_costs_are_the_bernoulli_negative_log_likelihoods():
    rng = np.random.default_rng(4)
    y = rng.integers(0, 2, 50).astype(float)
    z = rng.normal(0, 3, 50)
    expected = -scipy.stats.bernoulli.logpmf(y, scipy.special.expit(z))
    np.testing.assert_allclose(bernoulli_nll(y, z), expected, rtol=1e-12)


def test_cs05_gaussian_nll_is_mse_plus_a_constant_with_the_same_argmin():
    result = ml_ex.gaussian_is_mse(sigmas=(0.05, 1.0, 20.0), n=80, seed=5)
    for sigma, curve in result.nll.items():
        # The constant is log(2 pi sigma^2) / 2, computed here with mpmath.
        with mpmath.workprec(100):
            constant = float(mpmath.log(2 * mpmath.pi * mpmath.mpf(sigma) ** 2) / 2)
        np.testing.assert_allclose(
            curve - result.mse / (2 * sigma**2), constant, rtol=0, atol=ml_ex.CONSTANT_TOLERANCE
        )
        assert result.argmin_nll[sigma] == result.argmin_mse
    step = result.slopes[1] - result.slopes[0]
    assert abs(result.argmin_mse - result.least_squares) <= step / 2


def test_cs05_curves_match_scipy_norm():
    result = ml_ex.gaussian_is_mse(sigmas=(1.0,), n=100, seed=1)
    x, y = result.x, result.y
    expected = -scipy.stats.norm.logpdf(y, result.slopes[:, None] * x).mean(axis=1)
    np.testing.assert_allclose(result.nll[1.0], expected, rtol=1e-13)


def test_cs07_each_distribution_gives_its_classic_cost():
    families = {f.distribution: f for f in ml_ex.cost_families()}
    assert list(families) == ["Bernoulli", "categorical", "Gaussian", "Laplace", "Poisson"]
    with mpmath.workprec(120):
        mp = mpmath.mpf
        closed_forms = {
            "Bernoulli": lambda z: mpmath.log1p(mpmath.exp(-mp(z))),
            "categorical": lambda z: -mp(z) + mpmath.log(mpmath.exp(mp(z)) + 2),
            "Gaussian": lambda m: mp(m) ** 2 / 2 + mpmath.log(2 * mpmath.pi) / 2,
            "Laplace": lambda m: abs(mp(m)) + mpmath.log(2),
            "Poisson": lambda e: mpmath.exp(mp(e)) - 3 * mp(e) + mpmath.log(6),
        }
        for name, family in families.items():
            expected = [float(closed_forms[name](v)) for v in family.grid]
            np.testing.assert_allclose(family.costs, expected, rtol=1e-14, atol=1e-15)
            assert family.gap < ml_ex.SCIPY_AGREEMENT


def test_ex2_a_learned_variance_drives_the_cost_to_minus_infinity():
    result = ml_ex.variance_collapse(steps=1500, step_size=0.5)
    assert np.all(np.diff(result.costs) < 0)
    assert np.all(np.isfinite(result.costs))
    assert result.gradients[-1] == pytest.approx(1.0, abs=ml_ex.LIMIT_GRADIENT_TOLERANCE)
    with mpmath.workprec(200):
        for s, cost in zip(result.raw_scales[::300], result.costs[::300], strict=True):
            exact = mpmath.log(2 * mpmath.pi) / 2 + mpmath.log(mpmath.log1p(mpmath.exp(s)))
            assert cost == pytest.approx(float(exact), rel=1e-14)
    # Each step lowers the cost by about the step size, for ever.
    steps = result.costs.size - 1
    assert result.costs[-1] < result.costs[0] - ml_ex.COLLAPSE_RATE * result.step_size * steps


def test_cs03_the_loss_is_the_expected_nll_under_the_empirical_distribution():
    result = ml_ex.nll_two_ways(n=250, inputs=5, classes=4, seed=8)
    x, y, table = result.x, result.y, result.table
    log_q = scipy.special.log_softmax(table, axis=1)
    joint = np.zeros((5, 4))
    np.add.at(joint, (x, y), 1 / 250)
    expected = -np.sum(joint * log_q)
    assert result.mean_over_pairs == pytest.approx(expected, rel=1e-13)
    assert result.expectation_under_p_hat == pytest.approx(expected, rel=1e-13)
    conditional = joint / joint.sum(axis=1, keepdims=True)
    best = -np.sum(joint[joint > 0] * np.log(conditional[joint > 0]))
    assert result.best_possible == pytest.approx(best, rel=1e-13)


def test_cs04_the_empirical_distribution_is_one_over_n_at_each_point():
    data = np.random.default_rng(9).integers(0, 7, 60)
    p_hat = empirical(data)
    np.testing.assert_array_equal(p_hat.probabilities, np.bincount(data)[p_hat.support] / 60)
    assert p_hat.expectation(np.square) == pytest.approx(np.mean(data.astype(float) ** 2))
    check = ml_ex.empirical_check(n=60, draws=200_000, seed=9)
    assert check.expectation_gap < ml_ex.EXPECTATION_TOLERANCE
    assert check.draws_off_support == 0
    assert check.frequency_gap < ml_ex.FREQUENCY_SDS * 0.5 / np.sqrt(check.draws)
    assert check.data.size == check.n
    assert check.support_size == len(set(check.data.tolist()))


def test_cs06_the_cost_is_the_cross_entropy_and_its_minimiser_the_data():
    fit = ml_ex.cross_entropy_fit(steps=400, step_size=1.0, n=150, seed=10)
    assert fit.decomposition_gap < ml_ex.DECOMPOSITION_TOLERANCE
    assert fit.entropy == pytest.approx(scipy.stats.entropy(fit.p_hat), rel=1e-14)
    # The identity with scipy's entropy and KL and a plain numpy cross-entropy, at a q off p_hat.
    q = np.array([0.3, 0.3, 0.2, 0.1, 0.1])
    cross = -np.sum(fit.p_hat * np.log(q))
    expected = scipy.stats.entropy(fit.p_hat) + scipy.stats.entropy(fit.p_hat, q)
    assert cross == pytest.approx(expected, rel=1e-13)
    assert cross_entropy(fit.p_hat, q) == pytest.approx(cross, rel=1e-14)
    assert kl_divergence(fit.p_hat, q) == pytest.approx(
        scipy.stats.entropy(fit.p_hat, q), rel=1e-12
    )
    np.testing.assert_allclose(fit.q_final, fit.p_hat, rtol=0, atol=ml_ex.FIT_TOLERANCE)
    assert np.all(np.diff(fit.cross_entropies) <= 1e-15)
    # What is left of the KL divergence, independently: the cross-entropy minus scipy's entropy.
    assert abs(fit.cross_entropies[-1] - scipy.stats.entropy(fit.p_hat)) < ml_ex.FINAL_KL


def test_cs02_one_cost_trains_a_linear_model_and_a_network():
    result = ml_ex.shared_cost(n=200, hidden=12, steps=800, step_size=0.5, seed=11)
    assert result.models == {"linear": (2, 3), "network": (2, 12, 3)}
    # The linear model reaches the optimum of multinomial logistic regression, found here
    # independently by scipy's L-BFGS on scipy's log-softmax.
    x, y = result.x, result.y
    assert x.shape == (200, 2)

    def nll(theta):
        logits = x @ theta[:6].reshape(2, 3) + theta[6:]
        return -scipy.special.log_softmax(logits, axis=1)[np.arange(200), y].mean()

    optimum = scipy.optimize.minimize(nll, np.zeros(9), method="L-BFGS-B").fun
    assert result.final_loss["linear"] == pytest.approx(optimum, abs=2e-3)
    # The network, trained by the same cost, fits far better than any linear model can.
    assert result.final_loss["network"] < optimum / ml_ex.NETWORK_ADVANTAGE
    assert result.accuracy["network"] > 0.95


# --- choosing the cost (experiments for the cost-selection chapter) ----------------------------


def test_cs08_the_clipped_unit_passes_no_gradient_outside_the_unit_interval():
    unit = cs_ex.clipped_unit()
    h = 1e-7
    numeric = (np.clip(unit.logits + h, 0, 1) - np.clip(unit.logits - h, 0, 1)) / (2 * h)
    away_from_kinks = (np.abs(unit.logits) > 2 * h) & (np.abs(unit.logits - 1) > 2 * h)
    np.testing.assert_allclose(unit.gradients[away_from_kinks], numeric[away_from_kinks], atol=1e-6)
    outside = (unit.logits < 0) | (unit.logits > 1)
    assert np.all(unit.gradients[outside] == 0)
    # Flat: outside the interval and at its two ends, where the derivative is taken as 0.
    assert unit.share_flat == pytest.approx(np.mean((unit.logits <= 0) | (unit.logits >= 1)))


def test_cs11_squared_and_absolute_error_gradients_vanish_where_the_nll_does_not():
    sizes = cs_ex.gradient_sizes(np.array([-10.0, -20.0, -40.0]))
    with mpmath.workprec(200):
        for i, z in enumerate([-10.0, -20.0, -40.0]):
            p = 1 / (1 + mpmath.exp(-z))
            exact = {
                "negative log-likelihood": 1 - p,
                "squared error": (1 - p) * p * (1 - p),
                "absolute error": p * (1 - p),
            }
            for name, value in exact.items():
                assert sizes.magnitudes[name][i] == pytest.approx(float(value), rel=1e-13)
            # The ratio of the NLL gradient to the others grows like e^|z|.
            ratio = (
                sizes.magnitudes["negative log-likelihood"][i]
                / sizes.magnitudes["squared error"][i]
            )
            assert ratio == pytest.approx(float(1 / (p * (1 - p))), rel=1e-12)
    assert sizes.at(-10.0)["squared error"] == pytest.approx(4.54e-5, rel=1e-2)


def test_cs09_a_flat_cost_stalls_training_that_the_nll_completes():
    run = cs_ex.saturated_start(n=200, steps=300, step_size=1.0, start=-8.0, seed=6)
    assert run.steps_to("negative log-likelihood") is not None
    assert run.steps_to("negative log-likelihood") < cs_ex.RECOVERY_STEPS
    assert run.steps_to("squared error") is None
    assert (
        run.initial_gradient["negative log-likelihood"] > 50 * run.initial_gradient["squared error"]
    )
    # The initial gradients, independently by central differences of the two mean losses.
    y = run.labels

    def losses(w, b):
        z = run.features @ np.array([w, b])
        # -log p and -log(1 - p) through numpy's logaddexp, exact where scipy's logpmf rounds.
        nll = np.mean(np.where(y == 1, np.logaddexp(0, -z), np.logaddexp(0, z)))
        return nll, np.mean((scipy.special.expit(z) - y) ** 2) / 2

    h = 1e-6
    for k, name in enumerate(["negative log-likelihood", "squared error"]):
        gw = (losses(-8.0 + h, 0.0)[k] - losses(-8.0 - h, 0.0)[k]) / (2 * h)
        gb = (losses(-8.0, h)[k] - losses(-8.0, -h)[k]) / (2 * h)
        assert run.initial_gradient[name] == pytest.approx(np.hypot(gw, gb), rel=1e-5)


def test_ex1_squared_error_is_minimised_by_the_mean_absolute_error_by_the_median():
    result = cs_ex.mean_and_median(n=401, seed=12)
    y = result.targets
    step = result.grid[1] - result.grid[0]
    assert abs(result.argmin_squared - np.mean(y)) <= step
    assert abs(result.argmin_absolute - np.median(y)) <= step
    assert np.mean(y) - np.median(y) > 10 * step  # skewed enough for the two to differ
    # Conditionally, group by group, against numpy's mean and median of the same draws.
    x, y_given_x = result.inputs, result.conditional_targets
    assert set(x.tolist()) == {0, 1, 2}
    for g in range(3):
        assert abs(result.group_argmin_squared[g] - np.mean(y_given_x[x == g])) <= step
        ys = np.sort(y_given_x[x == g])  # any point between the two middle values minimises
        assert ys[(ys.size - 1) // 2] - step <= result.group_argmin_absolute[g]
        assert result.group_argmin_absolute[g] <= ys[ys.size // 2] + step


def test_cs12_the_nll_gradient_dominates_and_only_the_nll_recovers():
    sizes = cs_ex.gradient_sizes(np.linspace(-40.0, 40.0, 161))
    nll = sizes.magnitudes["negative log-likelihood"]
    # |p - 1| >= |p - 1| p (1 - p) and >= p (1 - p) at every logit (p <= 1), strictly where wrong.
    assert np.all(nll >= sizes.magnitudes["squared error"])
    assert np.all(nll >= sizes.magnitudes["absolute error"] * (1 - 1e-15))
    # Where the output is wrong (z < 0) the ratio 1 / (p (1 - p)) = 2 + e^z + e^-z is >= e^|z|.
    wrong = sizes.logits < 0
    ratio = nll[wrong] / sizes.magnitudes["squared error"][wrong]
    assert np.all(ratio >= np.exp(np.abs(sizes.logits[wrong])))
    run = cs_ex.saturated_start(n=150, steps=200, step_size=1.0, start=-6.0, seed=13)
    assert run.steps_to("negative log-likelihood") is not None
    assert run.steps_to("squared error") is None


def test_cs11_the_quadratic_cost_surface_has_plateaus_of_high_cost():
    surfaces = cs_ex.cost_surfaces(points=41, span=10.0, threshold=1e-2, seed=8)
    # Spot-check two grid points with an independent forward pass written out by hand.
    x, y = surfaces.x, surfaces.y
    (w_in, b_in), (w_out, b_out) = surfaces.network
    for i, j in [(3, 37), (20, 5)]:
        a, b = w_in.copy(), w_out.copy()
        a[0, 0], b[0, 0] = surfaces.w1[i], surfaces.w2[j]
        z = (np.tanh(x @ a + b_in) @ b + b_out)[:, 0]
        p = scipy.special.expit(z)
        quadratic = np.mean((p - y) ** 2)
        cross = np.mean(np.where(y == 1, np.logaddexp(0, -z), np.logaddexp(0, z)))
        assert surfaces.costs["quadratic"][i, j] == pytest.approx(quadratic, rel=1e-12)
        assert surfaces.costs["cross-entropy"][i, j] == pytest.approx(cross, rel=1e-12)
    assert surfaces.plateau_share("quadratic") > cs_ex.PLATEAU_RATIO * surfaces.plateau_share(
        "cross-entropy"
    )
    assert surfaces.stuck_share("cross-entropy") == 0
    assert surfaces.stuck_share("quadratic") > cs_ex.STUCK_SHARE


def test_cs11_softmax_squared_error_gradient_vanishes_and_training_stalls():
    grads = cs_ex.softmax_gradients([5.0, 20.0])
    for k, m in enumerate([5.0, 20.0]):
        z = np.array([-m, 0.0, 0.0])
        target = np.array([1.0, 0.0, 0.0])
        # Independently: scipy's softmax, and central differences of the squared error.
        s = scipy.special.softmax(z)
        assert grads.cross_entropy[k] == pytest.approx(np.linalg.norm(s - target), rel=1e-12)
        h = 1e-6
        numeric = [
            (
                np.sum((scipy.special.softmax(z + h * e) - target) ** 2) / 2
                - np.sum((scipy.special.softmax(z - h * e) - target) ** 2) / 2
            )
            / (2 * h)
            for e in np.eye(3)
        ]
        # Finite differences resolve the gradient only to about 1e-10 absolute.
        assert grads.squared_error[k] == pytest.approx(np.linalg.norm(numeric), abs=1e-9)
        jacobian = np.diag(s) - np.outer(s, s)
        exact = np.linalg.norm(jacobian.T @ (s - target))
        assert grads.squared_error[k] == pytest.approx(exact, rel=1e-10)
        absolute = np.linalg.norm(jacobian.T @ np.sign(s - target))
        assert grads.absolute_error[k] == pytest.approx(absolute, rel=1e-10)
    run = cs_ex.softmax_saturated_start(n=200, steps=250, step_size=1.0, scale=8.0, seed=14)
    assert run.steps_to("cross-entropy") is not None
    assert run.steps_to("squared error") is None


# --- non-convexity: the convex baselines (experiments for the 2.1 chapter) --------------------


def test_nc01_linear_regression_has_a_closed_form_that_descent_reaches():
    result = nc_ex.closed_form(n=300, features=4, steps=2000, seed=21)
    assert result.x.shape == (300, 4)
    # The same data, solved independently by scipy's QR-based driver.
    reference = scipy.linalg.lstsq(result.x, result.y, lapack_driver="gelsy")[0]
    np.testing.assert_allclose(result.exact, reference, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(
        result.descended, reference, rtol=0, atol=nc_ex.CLOSED_FORM_TOLERANCE
    )
    assert result.gap < nc_ex.CLOSED_FORM_TOLERANCE


def test_nc02_logistic_and_hinge_losses_are_convex():
    checks = nc_ex.convexity_checks(points=12, seed=22)
    assert checks.min_hessian_eigenvalues.min() > 0
    assert not checks.logistic_certificate_found
    assert not checks.hinge_certificate_found
    # The logistic Hessian in closed form, X^T diag(p (1 - p)) X / n, is positive definite
    # at a point of the test's own choosing.
    x = checks.x
    w = np.random.default_rng(22).normal(0.0, 3.0, 3)
    p = scipy.special.expit(x @ w)
    assert np.linalg.eigvalsh((x * (p * (1 - p))[:, None]).T @ x / len(x)).min() > 0


def test_nc03_convex_descent_reaches_one_optimum_from_every_start():
    result = nc_ex.many_starts(starts=20, steps=3000, seed=23)
    assert result.spread < nc_ex.SAME_OPTIMUM
    x, y = result.x, result.y  # the data again, minimised by scipy's BFGS

    def loss(w):
        z = x @ w
        return np.mean(np.where(y == 1, np.logaddexp(0, -z), np.logaddexp(0, z)))

    reference = scipy.optimize.minimize(loss, np.zeros(3), method="BFGS", tol=1e-12).x
    np.testing.assert_allclose(result.optimum, reference, atol=1e-5)


def test_nc04_the_normal_equations_lose_what_lstsq_keeps():
    result = nc_ex.normal_equations(degree=12, n=200, seed=24)
    # Forming X^T X squares the condition number: with X's above 1e8, that of X^T X passes what
    # float64 can measure (1 / eps, about 4.5e15), and X^T X is numerically singular.
    assert result.condition_design > 1e8
    assert nc_ex.SINGULAR_CONDITION == 2.0**52  # 1 / eps, a power of two
    assert result.condition_normal > nc_ex.SINGULAR_CONDITION
    assert result.error_normal > nc_ex.ACCURACY_LOST * result.error_lstsq
    assert result.error_lstsq < 1e-6


def test_nc03_on_separable_data_the_weights_grow_without_bound():
    result = nc_ex.separable_growth(checkpoints=(10, 100, 1000, 10_000), seed=25)
    assert np.all(np.diff(result.norms) > 0)
    assert np.all(np.diff(result.losses) < 0)
    assert result.losses[-1] > 0
    # Past the first steps each decade adds about as much as the one before: log-like growth,
    # not convergence, which would add less and less.
    assert result.growth_per_decade.min() > nc_ex.MIN_DECADE_GROWTH


# --- non-convexity: networks (NC5-NC10, EX4) ------------------------------------------------


def _xor_forward(params, x=nc_ex.XOR_INPUTS):
    """A 2-2-1 tanh network written out by hand, independent of losslab.nets."""
    (w1, b1), (w2, b2) = params
    return (np.tanh(x @ w1 + b1) @ w2 + b2)[..., 0]


def _xor_cost(params):
    """Mean Bernoulli cost on XOR from the logits, by numpy's logaddexp."""
    z = _xor_forward(params)
    y = nc_ex.XOR_LABELS
    return float(np.mean(y * np.logaddexp(0.0, -z) + (1 - y) * np.logaddexp(0.0, z)))


def _start_slopes(runs):
    """Mean tanh slope of the hidden units on the XOR inputs at the start, per weight scale."""
    w1 = runs.starts[0][0].reshape(*runs.final.shape, 2, 2)  # biases start at 0
    pre = np.einsum("nd,ksdh->ksnh", nc_ex.XOR_INPUTS, w1)
    return np.mean(1 - np.tanh(pre) ** 2, axis=(1, 2, 3))


@pytest.fixture(scope="module")
def xor_runs():
    return nc_ex.xor_runs(scales=(0.1, 1.0, 8.0), seeds=64, steps=3000, seed=26)


def test_nc05_a_network_loss_is_non_convex(xor_runs):
    probe = nc_ex.permutation_probe(xor_runs)
    k, s = np.unravel_index(np.argmin(xor_runs.final), xor_runs.final.shape)
    params = xor_runs.network(int(k), int(s))
    (w1, b1), (w2, b2) = params
    swapped = ((w1[:, ::-1], b1[::-1]), (w2[::-1], b2))
    # The twin computes the same function, so it has the same cost.
    np.testing.assert_allclose(_xor_forward(swapped), _xor_forward(params), rtol=1e-14)
    assert probe.loss == pytest.approx(_xor_cost(params), rel=1e-13)
    assert probe.swapped_loss == pytest.approx(probe.loss, rel=nc_ex.TWIN_AGREEMENT)
    # The midpoint, evaluated independently, lies far above the chord.
    middle = tuple(
        ((wa + wb) / 2, (ba + bb) / 2) for (wa, ba), (wb, bb) in zip(params, swapped, strict=True)
    )
    assert probe.midpoint_loss == pytest.approx(_xor_cost(middle), rel=1e-12)
    assert _xor_cost(middle) > nc_ex.MIDPOINT_RISE * max(probe.loss, probe.swapped_loss)
    # Negative curvature along the line at the midpoint (a second difference of the hand-written
    # cost) bounds the smallest Hessian eigenvalue from above: the Rayleigh quotient.
    direction = np.concatenate(
        [
            (b - a).ravel()
            for pa, pb in zip(swapped, params, strict=True)
            for a, b in zip(pa, pb, strict=True)
        ]
    )
    h = 1e-4

    def along(t):
        return _xor_cost(
            tuple(
                ((wm + t * (wb - wa) / 2), (bm + t * (bb - ba) / 2))
                for (wm, bm), (wa, ba), (wb, bb) in zip(middle, swapped, params, strict=True)
            )
        )

    curvature = (along(2 * h) - 2 * along(0.0) + along(-2 * h)) / (2 * h) ** 2
    rayleigh = curvature / (direction @ direction / 4)
    assert rayleigh < 0
    assert probe.midpoint_eigenvalues[0] <= rayleigh * (1 - 1e-3)
    assert probe.certificate is not None
    assert probe.certificate.t == 0.5
    assert probe.certificate.gap == pytest.approx(
        _xor_cost(middle) - (probe.loss + probe.swapped_loss) / 2, rel=1e-10
    )


def test_nc06_gradient_descent_stalls_at_a_plateau_on_many_starts(xor_runs):
    k = 1  # weights N(0, 1)
    finals = xor_runs.final[k]
    # The batched losses agree with the hand-written cost of each final network.
    for s in range(0, 64, 9):
        assert finals[s] == pytest.approx(_xor_cost(xor_runs.network(k, s)), rel=1e-12)
    stalled = np.flatnonzero(np.abs(finals - math.log(2) / 2) < nc_ex.PLATEAU_WITHIN)
    solved = np.flatnonzero(finals < nc_ex.XOR_SOLVED)
    assert len(stalled) / 64 > nc_ex.XOR_OUTCOME_SHARE
    assert len(solved) / 64 > nc_ex.XOR_OUTCOME_SHARE
    assert xor_runs.stalled()[k] == pytest.approx(len(stalled) / 64)
    assert xor_runs.solved()[k] == pytest.approx(len(solved) / 64)
    # What the plateau is: two points fitted, the other two predicted at one half.
    for s in stalled:
        p = scipy.special.expit(_xor_forward(xor_runs.network(k, s)))
        error = np.sort(np.abs(p - nc_ex.XOR_LABELS))
        np.testing.assert_allclose(
            error, [0.0, 0.0, 0.5, 0.5], rtol=0, atol=nc_ex.PLATEAU_PROBABILITY_TOLERANCE
        )
    # Solved runs classify all four points.
    for s in solved:
        p = scipy.special.expit(_xor_forward(xor_runs.network(k, s)))
        assert np.all((p > 0.5) == (nc_ex.XOR_LABELS == 1))


def test_nc07_the_outcome_depends_on_the_start_and_its_scale(xor_runs):
    # One run trained alone, with backpropagation written out here, ends where the batched
    # descent put it: the spread of final losses is a property of the starts, not of batching.
    k, s = 1, 3
    x, y = nc_ex.XOR_INPUTS, nc_ex.XOR_LABELS

    def cost_and_gradient(params):
        (w1, b1), (w2, b2) = params
        hidden = np.tanh(x @ w1 + b1)
        d = (scipy.special.expit(hidden @ w2 + b2)[:, 0] - y)[:, None] / 4
        d_hidden = (d @ w2.T) * (1 - hidden**2)
        gradient = ((x.T @ d_hidden, d_hidden.sum(0)), (hidden.T @ d, d.sum(0)))
        return _xor_cost(params), gradient

    alone = gradient_descent(
        cost_and_gradient, xor_runs.network(k, s, final=False), steps=3000, step_size=0.5
    )
    assert alone.losses[-1] == pytest.approx(xor_runs.final[k, s], rel=1e-8)
    finals = xor_runs.final[k]
    assert finals.max() > nc_ex.FINAL_SPREAD * finals.min()
    # Larger initial weights: saturated units, fewer solved runs.
    slope = _start_slopes(xor_runs)
    np.testing.assert_allclose(xor_runs.saturation, slope, rtol=1e-12)
    assert slope[0] > nc_ex.UNSATURATED_SLOPE
    assert slope[-1] < nc_ex.SATURATED_SLOPE
    assert xor_runs.solved()[0] > xor_runs.solved()[1] > xor_runs.solved()[2]


def test_nc08_constant_starts_never_break_the_symmetry(xor_runs):
    # Too large a weight scale saturates the tanh units: their mean slope at the start, computed
    # here from the starting weights, falls far below 1.
    slope = _start_slopes(xor_runs)
    assert slope[0] > nc_ex.UNSATURATED_SLOPE
    assert slope[-1] < nc_ex.SATURATED_SLOPE
    result = nc_ex.symmetric_init(hidden=3, value=0.3, steps=1500, seed=28)
    assert result.unit_spread["zero"] == 0.0
    assert result.hidden_moved["zero"] == 0.0
    assert result.final_loss["zero"] == math.log(2)
    assert result.unit_spread["constant"] == 0.0
    assert result.hidden_moved["constant"] > nc_ex.CONSTANT_START_MOVES
    # A net whose hidden units are copies is a one-unit net. The best a 2-1-1 tanh net does on
    # XOR, found by scipy from many starts, is the plateau of one point fitted and three at 2/3,
    # an infimum it only approaches; the constant run stays above it.
    x, y = nc_ex.XOR_INPUTS, nc_ex.XOR_LABELS

    def one_unit(theta):
        z = np.tanh(x @ theta[:2] + theta[2]) * theta[3] + theta[4]
        return np.mean(y * np.logaddexp(0.0, -z) + (1 - y) * np.logaddexp(0.0, z))

    rng = np.random.default_rng(0)
    best = min(scipy.optimize.minimize(one_unit, rng.normal(0, 2, 5)).fun for _ in range(30))
    one_unit_floor = nc_ex.XOR_PLATEAUS["three points at two thirds"]
    assert best == pytest.approx(one_unit_floor, abs=1e-6)
    assert best > one_unit_floor - 1e-12  # approached, never passed (to rounding)
    assert result.final_loss["constant"] > one_unit_floor
    assert result.final_loss["random"] < nc_ex.XOR_SOLVED
    assert result.unit_spread["random"] > 1.0


def _active_share_expected(bias, scale, inputs):
    """E over x ~ N(0, I) of P(bias + w.x > 0) for w ~ N(0, scale^2 I).

    Given x, w.x ~ N(0, scale^2 |x|^2), and |x| follows the chi distribution.
    """
    chi = scipy.stats.chi(inputs)
    value, _ = scipy.integrate.quad(
        lambda r: scipy.stats.norm.cdf(bias / (scale * r)) * chi.pdf(r), 0.0, 12.0
    )  # the chi(16) mass beyond 12 is below 1e-20
    return value


def test_nc09_zero_and_small_positive_biases_start_units_active():
    result = nc_ex.relu_bias(biases=(0.0, 0.1, 0.05), weight_scale=0.01, steps=100, seed=29)
    for bias, share in zip(result.biases, result.active_share, strict=True):
        expected = _active_share_expected(bias, 0.01, 16)
        assert share == pytest.approx(expected, abs=nc_ex.ACTIVE_SHARE_TOLERANCE)
    assert _active_share_expected(0.0, 0.01, 16) == pytest.approx(0.5, abs=1e-12)
    assert result.active_share[1] > nc_ex.POSITIVE_BIAS_ACTIVE
    assert np.all(result.dead_share == 0)
    assert np.all(result.losses[-1] < result.losses[0])


def test_nc10_negative_biases_kill_units_and_depth_kills_networks():
    result = nc_ex.relu_bias(biases=(-1.0, -0.05, 0.0), weight_scale=0.01, steps=100, seed=30)
    assert _active_share_expected(-1.0, 0.01, 16) < 1e-12
    assert result.active_share[0] == 0.0
    assert result.dead_share[0] == 1.0
    assert result.max_first_layer_gradient[0] == 0.0
    assert result.first_layer_unchanged[0]
    assert result.max_first_layer_gradient[2] > 0
    assert not result.first_layer_unchanged[2]
    # The born-dead share against a forward pass written here, with other random numbers.
    dead = nc_ex.born_dead(depths=(1, 8, 32), width=3, seeds=2000, seed=31)
    rng = np.random.default_rng(131)
    x = rng.normal(size=(128, 3))
    for depth, share in zip(dead.depths, dead.dead_networks, strict=True):
        count = 0
        for _ in range(1000):
            h = x
            for _ in range(depth):
                h = np.maximum(h @ rng.normal(0.0, math.sqrt(2 / 3), (3, 3)), 0.0)
            count += not np.any(h > 0)
        sigma = math.sqrt(max(share * (1 - share), 1e-3) * (1 / 1000 + 1 / 2000))
        assert abs(count / 1000 - share) < 4 * sigma + 1e-3
    assert dead.dead_networks[0] == 0.0
    assert dead.dead_networks[-1] > nc_ex.DEAD_DEEP_SHARE


def test_ex4_straight_lines_fall_and_normalised_slices_are_scale_invariant():
    land = nc_ex.landscape(seeds=8, steps=600, alphas=np.linspace(-1.0, 1.0, 9), seed=32)
    assert land.monotone_share() >= nc_ex.MONOTONE_SHARE
    assert np.all(land.lines[:, -1] < land.lines[:, 0])
    # The twins agree to rounding along normalised directions and disagree along raw ones.
    assert land.normalized_gap < nc_ex.NORMALIZED_GAP
    assert land.raw_gap > nc_ex.RAW_GAP
    centre = land.alphas.size // 2
    np.testing.assert_allclose(
        land.normalized[0, centre, centre], land.normalized[1, centre, centre], rtol=1e-13
    )
    np.testing.assert_allclose(
        land.raw[0, centre, centre], land.normalized[0, centre, centre], rtol=1e-13
    )
    # A ReLU layer scaled by c and the next by 1/c compute the same function (hand-written).
    rng = np.random.default_rng(0)
    w1, b1, w2 = rng.normal(size=(2, 5)), rng.normal(size=5), rng.normal(size=(5, 1))
    x = rng.normal(size=(7, 2))
    np.testing.assert_allclose(
        np.maximum(x @ (10 * w1) + 10 * b1, 0) @ (w2 / 10),
        np.maximum(x @ w1 + b1, 0) @ w2,
        rtol=1e-13,
    )
