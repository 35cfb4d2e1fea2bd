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


def test_ex9_the_poisson_deviance_form_is_exact_where_the_sums_of_large_terms_fail():
    sweep = numerics_ex.poisson_sweep()
    pairs = list(zip(sweep.counts.tolist(), sweep.log_rates.tolist(), strict=True))
    # Independent of losslab.reference: the cost as defined, summed with 400 bits (its terms are
    # below 2**56 here, so over 300 bits survive the cancellation), and the condition number from
    # its two partial derivatives.
    with mpmath.workprec(400):
        exact = [mpmath.exp(e) - y * mpmath.mpf(e) + mpmath.loggamma(y + 1) for y, e in pairs]
        condition = np.array(
            [
                float((abs(e * (mpmath.exp(e) - y)) + abs(y * (mpmath.digamma(y + 1) - e))) / j)
                for (y, e), j in zip(pairs, exact, strict=True)
            ]
        )
        ulps = [2 ** (mpmath.floor(mpmath.log(x, 2)) - 52) for x in exact]  # of the exact values
        errors = {
            name: np.array(
                [float(abs(v - x) / u) for v, x, u in zip(values, exact, ulps, strict=True)]
            )
            for name, values in sweep.values.items()
        }
    assert (errors["losslab"] <= numerics_ex.POISSON_ULPS * np.maximum(1.0, condition)).all()
    assert sweep.max("losslab") <= numerics_ex.POISSON_ULPS
    np.testing.assert_allclose(sweep.errors["naive sum"], errors["naive sum"], rtol=1e-9)

    # The sums of large terms: wrong from POISSON_WRONG_FROM on, by a share of the cost at 1e15.
    later = sweep.counts >= numerics_ex.POISSON_WRONG_FROM
    (last,) = np.flatnonzero(sweep.counts == 1e15)
    for name in ("naive sum", "scipy", "torch's formula"):
        assert (errors[name][later] > numerics_ex.WRONG_ULPS).all(), name
        assert sweep.wrong_from(name) <= numerics_ex.POISSON_WRONG_FROM
        share = abs(sweep.values[name][last] - float(exact[last])) / float(exact[last])
        assert share > numerics_ex.POISSON_SHARE_WRONG, name
    # torch's formula also leaves out stirlerr(y), about 1 / (12 y): it is wrong at every count.
    assert (errors["torch's formula"] > numerics_ex.WRONG_ULPS).all()

    # The example of the chapter: at y = 1e16 the sum as written is off by more than the cost.
    headline = numerics_ex.poisson_sweep([1e16])
    with mpmath.workprec(400):
        e = float(np.log(1e16))
        value = float(mpmath.exp(e) - mpmath.mpf(1e16) * e + mpmath.loggamma(mpmath.mpf(1e16) + 1))
    assert headline.values["losslab"][0] == pytest.approx(value, rel=2**-52)
    assert abs(headline.values["naive sum"][0] - value) > value


# --- maximum likelihood and the cost (docs/chapters/maximum-likelihood.md) ---------------------


def test_cs01_the_loss_is_the_mean_of_per_sample_costs():
    result = ml_ex.cost_and_loss(n=120, features=4, seed=3)
    assert result.costs.shape == (120,)
    # Independently, from the data the experiment returns: each cost -log p(y | x) with mpmath,
    # their mean and sum, and each sample's gradient x (sigmoid(z) - y).
    z = result.x @ result.weights
    with mpmath.workprec(120):
        p = [1 / (1 + mpmath.exp(-mpmath.mpf(v))) for v in z]
        exact = [
            -mpmath.log(q) if y == 1 else -mpmath.log(1 - q)
            for q, y in zip(p, result.y, strict=True)
        ]
        mean = float(mpmath.fsum(exact) / len(exact))
        total = float(mpmath.fsum(exact))
        residual = np.array([float(q) for q in p]) - result.y
    np.testing.assert_allclose(result.costs, [float(c) for c in exact], rtol=1e-14)
    assert result.loss == pytest.approx(mean, rel=1e-14)
    assert result.loss_as_sum == pytest.approx(total, rel=1e-14)
    assert result.cost_gap < ml_ex.COST_AGREEMENT
    assert result.loss_gap < ml_ex.COST_AGREEMENT
    # The loss's own gradient (finite differences) is the mean of the per-sample gradients.
    mean_gradient = (result.x * residual[:, None]).mean(axis=0)
    np.testing.assert_allclose(result.mean_of_gradients, mean_gradient, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(
        result.gradient_of_loss, mean_gradient, rtol=0, atol=ml_ex.GRADIENT_AGREEMENT
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
    # The least-squares slope of a line through the origin, in closed form.
    x, y = result.x, result.y
    assert result.least_squares == pytest.approx(float(x @ y / (x @ x)), rel=1e-13)


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
            np.testing.assert_allclose(family.closed_form, expected, rtol=1e-13, atol=1e-14)
            assert family.closed_form_gap < ml_ex.CLOSED_FORM_AGREEMENT
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
    np.testing.assert_array_equal(unit.values, np.minimum(1.0, np.maximum(0.0, unit.logits)))
    # The measured derivative is the unit's derivative worked out by hand: 1 on (0, 1), 0 outside.
    h = unit.step
    away_from_kinks = (np.abs(unit.logits) > h) & (np.abs(unit.logits - 1) > h)
    by_hand = ((unit.logits > 0) & (unit.logits < 1)).astype(float)
    np.testing.assert_allclose(unit.gradients[away_from_kinks], by_hand[away_from_kinks], atol=1e-9)
    assert np.all(unit.gradients[(unit.logits < -h) | (unit.logits > 1 + h)] == 0)
    assert unit.share_flat == pytest.approx(np.mean((unit.logits < -h) | (unit.logits > 1 + h)))


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


def _steps_to_target(features, labels, d_cost, start, target, cap):
    """The first step of plain gradient descent on ``z = features @ w`` (step size 1) at which the
    training accuracy reaches `target`; written apart from losslab, with scipy's sigmoid."""
    w = np.array(start, dtype=float)
    for t in range(cap + 1):
        z = features @ w
        correct = np.argmax(z, axis=1) == labels if z.ndim == 2 else (z > 0) == (labels > 0)
        if np.mean(correct) >= target:
            return t
        w = w - features.T @ d_cost(z) / len(labels)
    return None


def test_cs09_a_flat_cost_slows_training_by_a_large_factor():
    cap = 20_000
    run = cs_ex.saturated_start(
        n=200, steps=cap, step_size=1.0, start=-8.0, seed=6, stop_at=cs_ex.TARGET_ACCURACY
    )
    nll_steps, mse_steps = run.steps_to("negative log-likelihood"), run.steps_to("squared error")
    assert nll_steps is not None
    assert nll_steps < cs_ex.RECOVERY_STEPS
    assert mse_steps is not None
    assert mse_steps < cap  # uncensored: reached before the cap
    assert run.slowdown("squared error", "negative log-likelihood") == mse_steps / nll_steps
    assert mse_steps / nll_steps > cs_ex.SLOWDOWN
    # Each run stopped at its first step on target.
    for name, steps in (("negative log-likelihood", nll_steps), ("squared error", mse_steps)):
        assert run.accuracy[name].size == steps + 1
        assert run.accuracy[name][-1] >= cs_ex.TARGET_ACCURACY > run.accuracy[name][:-1].max()
    # The same two descents, written out here, take the same numbers of steps.
    x, y = run.features, run.labels
    expit = scipy.special.expit
    independent = {
        "negative log-likelihood": lambda z: expit(z) - y,
        "squared error": lambda z: (expit(z) - y) * expit(z) * expit(-z),
    }
    for name, d_cost in independent.items():
        steps = _steps_to_target(x, y, d_cost, [-8.0, 0.0], cs_ex.TARGET_ACCURACY, cap)
        assert steps == run.steps_to(name), name
    # The plateau: thousands of steps at the share of positive labels.
    first, last, level = run.plateau("squared error")
    assert last - first > 1000
    assert level == pytest.approx(np.mean(y))
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


def test_cs12_the_nll_gradient_dominates_and_the_nll_recovers_far_sooner():
    sizes = cs_ex.gradient_sizes(np.linspace(-40.0, 40.0, 161))
    nll = sizes.magnitudes["negative log-likelihood"]
    # |p - 1| >= |p - 1| p (1 - p) and >= p (1 - p) at every logit (p <= 1), strictly where wrong.
    assert np.all(nll >= sizes.magnitudes["squared error"])
    assert np.all(nll >= sizes.magnitudes["absolute error"] * (1 - 1e-15))
    # Where the output is wrong (z < 0) the ratio 1 / (p (1 - p)) = 2 + e^z + e^-z is >= e^|z|.
    wrong = sizes.logits < 0
    ratio = nll[wrong] / sizes.magnitudes["squared error"][wrong]
    assert np.all(ratio >= np.exp(np.abs(sizes.logits[wrong])) * (1 - 1e-14))  # measured: rounding
    # From another confidently wrong start, on other data, the NLL again gets there far sooner.
    run = cs_ex.saturated_start(
        n=150, steps=20_000, step_size=1.0, start=-8.0, seed=13, stop_at=cs_ex.TARGET_ACCURACY
    )
    assert run.steps_to("negative log-likelihood") < cs_ex.RECOVERY_STEPS
    assert run.slowdown("squared error", "negative log-likelihood") > cs_ex.SLOWDOWN
    softmax_run = cs_ex.softmax_saturated_start(
        n=200, steps=20_000, step_size=1.0, scale=8.0, seed=13, stop_at=cs_ex.TARGET_ACCURACY
    )
    assert softmax_run.slowdown("squared error", "cross-entropy") > cs_ex.SLOWDOWN


def test_cs11_the_quadratic_cost_surface_has_plateaus_of_high_cost():
    surfaces = cs_ex.cost_surfaces(points=41, span=10.0, flatness=cs_ex.FLATNESS, seed=8)
    # Spot-check grid points with an independent forward pass written out by hand: the costs,
    # and the gradient norms by central differences in the two scanned weights.
    x, y = surfaces.x, surfaces.y
    (w_in, b_in), (w_out, b_out) = surfaces.network

    def costs_at(first, second):
        a, b = w_in.copy(), w_out.copy()
        a[0, 0], b[0, 0] = first, second
        z = (np.tanh(x @ a + b_in) @ b + b_out)[:, 0]
        cross = np.mean(np.where(y == 1, np.logaddexp(0, -z), np.logaddexp(0, z)))
        return {"cross-entropy": cross, "quadratic": np.mean((scipy.special.expit(z) - y) ** 2)}

    h = 1e-5
    for i, j in [(3, 37), (20, 5), (2, 3), (38, 39)]:
        w1, w2 = surfaces.w1[i], surfaces.w2[j]
        here = costs_at(w1, w2)
        steps = [
            costs_at(w1 + h, w2),
            costs_at(w1 - h, w2),
            costs_at(w1, w2 + h),
            costs_at(w1, w2 - h),
        ]
        for name in ("cross-entropy", "quadratic"):
            assert surfaces.costs[name][i, j] == pytest.approx(here[name], rel=1e-12)
            d1 = (steps[0][name] - steps[1][name]) / (2 * h)
            d2 = (steps[2][name] - steps[3][name]) / (2 * h)
            assert surfaces.gradient_norms[name][i, j] == pytest.approx(
                np.hypot(d1, d2), rel=1e-5, abs=1e-9
            )
    # Flatness on each cost's own scale: the gradient norm over the range per unit of weight.
    for name, cost in surfaces.costs.items():
        mean_slope = (cost.max() - cost.min()) / 20.0
        flat = surfaces.gradient_norms[name] / mean_slope < cs_ex.FLATNESS
        assert surfaces.plateau_share(name) == pytest.approx(np.mean(flat))
    assert surfaces.plateau_share("quadratic") > cs_ex.PLATEAU_RATIO * surfaces.plateau_share(
        "cross-entropy"
    )
    assert surfaces.stuck_share("cross-entropy") == 0
    assert surfaces.stuck_share("quadratic") > cs_ex.STUCK_SHARE
    assert surfaces.least_slope_where_stuck("cross-entropy", "quadratic") > cs_ex.KEPT_SLOPE


def test_cs11_softmax_squared_error_gradient_vanishes_and_training_crawls():
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
    assert grads.squared_error[1] < cs_ex.VANISHED
    assert grads.absolute_error[1] < cs_ex.VANISHED
    run = cs_ex.softmax_saturated_start(
        n=200, steps=20_000, step_size=1.0, scale=8.0, seed=14, stop_at=cs_ex.TARGET_ACCURACY
    )
    assert run.steps_to("cross-entropy") < cs_ex.RECOVERY_STEPS
    assert run.slowdown("squared error", "cross-entropy") > cs_ex.SLOWDOWN
    # The same two descents, written out here with scipy's softmax, from the same start: each
    # class's direction given to the next class, scaled by 8.
    one_hot = np.eye(3)[run.labels]
    angles = np.array([0.0, 2.0, 4.0]) * np.pi / 3
    start = 8.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)[[1, 2, 0]].T

    def squared(z):
        s = scipy.special.softmax(z, axis=1)
        r = s - one_hot
        return s * (r - np.sum(r * s, axis=1, keepdims=True))

    independent = {
        "cross-entropy": lambda z: scipy.special.softmax(z, axis=1) - one_hot,
        "squared error": squared,
    }
    for name, d_cost in independent.items():
        steps = _steps_to_target(
            run.features, run.labels, d_cost, start, cs_ex.TARGET_ACCURACY, 20_000
        )
        assert steps == run.steps_to(name), name


def test_ex7_a_matched_output_unit_gives_the_mean_minus_the_target():
    pairs = {pair.distribution: pair for pair in cs_ex.matched_pairs()}
    assert [(p.unit, d) for d, p in pairs.items()] == [
        ("identity", "Gaussian"),
        ("sigmoid", "Bernoulli"),
        ("softmax", "categorical"),
        ("exp", "Poisson"),
    ]
    for pair in pairs.values():
        assert pair.identity_gap < cs_ex.IDENTITY_TOLERANCE
        assert pair.difference_gap < cs_ex.DIFFERENCE_TOLERANCE
    # Independently, with mpmath at 120 bits: differentiate each distribution's negative
    # log-likelihood, written out, in the pre-activation, and compare with mean - target and
    # with losslab's gradient, at every 17th point of each grid.
    mp = mpmath.mpf
    costs = {
        "Gaussian": lambda e, y: (y - e) ** 2 / 2 + mpmath.log(2 * mpmath.pi) / 2,
        "Bernoulli": lambda e, y: (
            mpmath.log1p(mpmath.exp(-e)) if y == 1 else mpmath.log1p(mpmath.exp(e))
        ),
        "Poisson": lambda e, y: mpmath.exp(e) - y * e + mpmath.loggamma(y + 1),
    }
    means = {
        "Gaussian": lambda e: e,
        "Bernoulli": lambda e: 1 / (1 + mpmath.exp(-e)),
        "Poisson": mpmath.exp,
    }
    with mpmath.workprec(120):
        for name, cost in costs.items():
            pair = pairs[name]
            for e, y, g in list(
                zip(pair.pre_activations, pair.targets, pair.gradients, strict=True)
            )[::17]:
                exact = mpmath.diff(lambda t, y=y, cost=cost: cost(t, mp(y)), mp(e))
                assert float(exact) == pytest.approx(
                    float(means[name](mp(e)) - y), rel=1e-20, abs=1e-30
                )
                assert g == pytest.approx(float(exact), rel=1e-13, abs=1e-300)
        pair = pairs["categorical"]
        rows = zip(pair.pre_activations, pair.targets, pair.gradients, strict=True)
        for row, target, gradient in list(rows)[::9]:
            k = int(np.argmax(target))
            for j in range(3):

                def nll(t, j=j, row=row, k=k):
                    z = [mp(v) for v in row]
                    z[j] = t
                    return mpmath.log(sum(mpmath.exp(v) for v in z)) - z[k]

                exact = mpmath.diff(nll, mp(row[j]))
                softmax = mpmath.exp(mp(row[j])) / sum(mpmath.exp(mp(v)) for v in row)
                assert float(exact) == pytest.approx(
                    float(softmax - target[j]), rel=1e-20, abs=1e-30
                )
                assert gradient[j] == pytest.approx(float(exact), rel=1e-13, abs=1e-17)


def test_ex7_the_errors_starve_only_on_a_saturating_output():
    pairings = cs_ex.output_pairings()
    z = pairings.pre_activations
    for cost in ("squared error", "absolute error"):
        assert pairings.linear_gap(cost) < cs_ex.DIFFERENCE_TOLERANCE
        factor = pairings.saturation(cost)
        assert np.all(factor <= cs_ex.SATURATION_BOUND * np.exp(-np.abs(z)))
    # Independently, with mpmath: the derivative of each error composed with each unit.
    units = {"identity": lambda t: t, "sigmoid": lambda t: 1 / (1 + mpmath.exp(-t))}
    errors = {"squared error": lambda r: r**2 / 2, "absolute error": abs}
    with mpmath.workprec(120):
        for i in range(0, z.size, 13):
            for (cost, unit), values in pairings.gradients.items():
                if unit == "identity" and cost == "absolute error" and abs(z[i] - 1) < 1e-3:
                    continue  # the kink of |z - 1|
                exact = mpmath.diff(
                    lambda t, e=errors[cost], g=units[unit]: e(g(t) - 1), mpmath.mpf(z[i])
                )
                assert values[i] == pytest.approx(float(exact), rel=1e-6, abs=1e-12)
            # On the sigmoid the factor the unit adds is its derivative, p (1 - p) <= e^-|z|.
            p = 1 / (1 + mpmath.exp(-mpmath.mpf(z[i])))
            assert pairings.saturation("squared error")[i] == pytest.approx(
                float(p * (1 - p)), rel=1e-6
            )
    # At z = -10, confidently wrong: the residual -11 on the identity, about e^-10 on the sigmoid.
    at = pairings.at(-10.0)
    assert at["squared error, identity"] == pytest.approx(-11.0, rel=1e-9)
    assert at["absolute error, identity"] == pytest.approx(-1.0, rel=1e-9)
    assert at["squared error, sigmoid"] == pytest.approx(-math.exp(-10), rel=1e-3)


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
    return nc_ex.xor_runs(scales=(0.1, 1.0, 8.0), seeds=64, steps=3000, step_size=0.5, seed=26)


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
    assert result.unit_spread["random"] > nc_ex.RANDOM_UNITS_DIFFER


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


# --- non-convexity: controls, corrections and extensions (NC2, NC6, NC10, EX5, EX6, EX8) ------


def _flat_xor_params(vector):
    """A flat parameter vector of the 2-2-1 network, cut into its layers by hand."""
    return ((vector[:4].reshape(2, 2), vector[4:6]), (vector[6:8].reshape(2, 1), vector[8:9]))


def test_nc02_the_same_search_finds_a_violation_on_a_network():
    checks = nc_ex.convexity_checks(points=12, seed=22)
    search = nc_ex.network_jensen_search(points=12, seed=22)
    # The same budget of pairs, and nothing found on the convex losses ...
    assert search.pairs == checks.pairs == 12 * 11 // 2
    assert not checks.logistic_certificate_found
    assert not checks.hinge_certificate_found
    # ... but a violation on the network's loss, checked with the hand-written network and cost.
    cert = search.certificate
    assert cert is not None
    assert cert.gap > 0
    middle = _xor_cost(_flat_xor_params(cert.t * cert.a + (1 - cert.t) * cert.b))
    chord = cert.t * _xor_cost(_flat_xor_params(cert.a)) + (1 - cert.t) * _xor_cost(
        _flat_xor_params(cert.b)
    )
    assert middle - chord == pytest.approx(cert.gap, rel=1e-10)


def test_nc06_a_solved_xor_network_has_no_minimum_to_reach(xor_runs):
    factors = (1.0, 2.0, 4.0, 8.0, 16.0)
    scaling = nc_ex.output_scaling(xor_runs, factors=factors)
    k, s = np.unravel_index(np.argmin(xor_runs.final), xor_runs.final.shape)
    params = xor_runs.network(int(k), int(s))
    margins = (2 * nc_ex.XOR_LABELS - 1) * _xor_forward(params)
    np.testing.assert_allclose(scaling.margins, margins, rtol=1e-13)
    assert np.all(margins > 0)  # every input on the right side of one half
    # With the output layer scaled by c each cost term is log(1 + exp(-c m)): positive, falling.
    expected = [float(np.mean(np.log1p(np.exp(-c * margins)))) for c in factors]
    np.testing.assert_allclose(scaling.losses, expected, rtol=1e-12)
    assert np.all(scaling.losses > 0)
    assert np.all(np.diff(scaling.losses) < 0)
    assert scaling.losses[-1] < scaling.losses[0] / nc_ex.OUTPUT_SCALING_DROP
    (w1, b1), (w2, b2) = params
    inner, outer = np.sum(w1**2) + np.sum(b1**2), np.sum(w2**2) + np.sum(b2**2)
    np.testing.assert_allclose(
        scaling.norms, [math.sqrt(inner + c**2 * outer) for c in factors], rtol=1e-13
    )


def _dead_share_expected(bias, scale, inputs, n, draws=20_000, seed=133):
    """The chance that a unit with weights N(0, scale^2 I) is off on all of n normal inputs."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, inputs))
    w = rng.normal(0.0, scale, (draws, inputs))
    return float(np.mean(np.all(bias + x @ w.T <= 0, axis=0)))


def test_nc10_a_small_negative_bias_kills_some_units_and_training_goes_on():
    # The shares at the start, in a wide layer, against independent expectations (a quadrature
    # and a simulation of its own).
    wide = nc_ex.relu_bias(biases=(-0.1,), width=1024, steps=0, seed=33)
    expected_active = _active_share_expected(-0.1, 0.01, 16)
    assert wide.active_share[0] == pytest.approx(expected_active, abs=nc_ex.ACTIVE_SHARE_TOLERANCE)
    expected_dead = _dead_share_expected(-0.1, 0.01, 16, 256)
    low, high = nc_ex.SOME_UNITS_DEAD
    assert low < expected_dead < high
    assert wide.dead_share[0] == pytest.approx(expected_dead, abs=0.06)  # 4 sd of 1024 units
    # The layer that trains.
    result = nc_ex.relu_bias(biases=(-0.1, 0.0, 0.1), steps=500, seed=33)
    some, zero, positive = 0, 1, 2
    assert low < result.dead_share[some] < high
    # Training goes on: the first layer moves, and the cost reaches the floor, later.
    assert not result.first_layer_unchanged[some]
    floor = -scipy.stats.norm.logpdf(0.0)  # the Gaussian cost of a perfect fit, unit scale
    near = result.losses - floor < nc_ex.NEAR_FLOOR
    first = [int(np.argmax(column)) if column.any() else math.inf for column in near.T]
    np.testing.assert_array_equal(result.steps_to_floor(), first)
    assert first[zero] < first[some] < math.inf
    # Zero and small positive biases train alike.
    assert max(first[zero], first[positive]) < nc_ex.ALIKE_STEPS * min(first[zero], first[positive])
    assert np.all(np.abs(result.losses[-1, [zero, positive]] - floor) < nc_ex.BEST_FIT_WITHIN)


def test_ex5_a_model_linear_in_its_parameters_is_convex_a_product_of_weights_is_not():
    sources = nc_ex.nonconvexity_sources(points=12, degree=4, seed=34)
    x, y = sources.x, sources.y
    # The polynomial: its Hessian is X^T X / n at every point (eigenvalues by scipy).
    design = np.vander(x, 5, increasing=True)
    smallest = scipy.linalg.eigh(design.T @ design / x.size, eigvals_only=True)[0]
    assert smallest > 0
    np.testing.assert_allclose(sources.polynomial_min_eigenvalues, smallest, rtol=1e-5)
    assert sources.polynomial_certificate is None
    line, ts = sources.polynomial_line, sources.ts
    assert np.all(line <= (1 - ts) * line[0] + ts * line[-1] + 1e-12 * np.max(line))
    # w2 w1 x: at the origin the Hessian is [[0, -m], [-m, 0]] with m the mean of x y.
    m = float(np.mean(x * y))
    np.testing.assert_allclose(sources.saddle_eigenvalues, [-abs(m), abs(m)], rtol=1e-6)
    assert sources.linear_certificate is not None
    assert sources.linear_certificate.gap > 0
    # Its minimisers: w1 w2 equal to the least-squares slope through the origin (scipy).
    slope = scipy.linalg.lstsq(x[:, None], y)[0][0]
    assert sources.twin[0] * sources.twin[1] == pytest.approx(slope, rel=1e-12)
    at_twin, at_origin = np.mean((slope * x - y) ** 2) / 2, np.mean(y**2) / 2
    middle = sources.ts.size // 2
    np.testing.assert_allclose(sources.linear_line[[0, -1]], at_twin, rtol=1e-12)
    assert sources.linear_line[middle] == pytest.approx(at_origin, rel=1e-12)
    assert sources.twin_certificate is not None
    assert sources.twin_certificate.gap == pytest.approx(at_origin - at_twin, rel=1e-9)


def _one_hidden_layer(x, y):
    """The mean Bernoulli cost of a tanh network with one hidden layer, and its gradient."""

    def cost_and_gradient(params):
        (w1, b1), (w2, b2) = params
        hidden = np.tanh(x @ w1 + b1)
        z = (hidden @ w2 + b2)[:, 0]
        cost = float(np.mean(y * np.logaddexp(0.0, -z) + (1 - y) * np.logaddexp(0.0, z)))
        d = (scipy.special.expit(z) - y)[:, None] / len(y)
        d_hidden = (d @ w2.T) * (1 - hidden**2)
        return cost, ((x.T @ d_hidden, d_hidden.sum(0)), (hidden.T @ d, d.sum(0)))

    return cost_and_gradient


def test_ex6_wider_networks_reach_small_costs_from_more_starts_each_its_own():
    x = nc_ex.PARITY_INPUTS
    assert x.shape == (8, 3)
    assert len({tuple(row) for row in x}) == 8
    parity = np.logical_xor(np.logical_xor(x[:, 0] == 1, x[:, 1] == 1), x[:, 2] == 1)
    np.testing.assert_array_equal(nc_ex.PARITY_LABELS, parity.astype(float))
    runs = nc_ex.width_runs(widths=(2, 4, 8), seeds=24, steps=1500, seed=35)
    reached = runs.reached()
    assert np.all(np.diff(reached) > 0)
    assert reached[-1] >= nc_ex.WIDE_REACHED
    spread = runs.spread()
    assert not np.isnan(spread[-1])
    assert np.all(spread[~np.isnan(spread)] > nc_ex.OWN_VALUE_SPREAD)
    # The padding: a run of width 2 keeps its other units at exactly 0 ...
    (w1, b1), (w2, b2) = runs.finals
    assert np.all(w1[:24, :, 2:] == 0)
    assert np.all(b1[:24, 2:] == 0)
    assert np.all(w2[:24, 2:] == 0)
    # ... and ends where the same start, trained alone as a 3-2-1 network, ends.
    objective = _one_hidden_layer(x, nc_ex.PARITY_LABELS)
    (s1, c1), (s2, c2) = runs.starts
    for s in (0, 5):
        start = ((s1[s, :, :2], c1[s, :2]), (s2[s, :2], c2[s]))
        alone = gradient_descent(objective, start, steps=1500, step_size=0.5, keep="final")
        assert alone.losses[-1] == pytest.approx(runs.final[0, s], rel=1e-8)
    # The recorded final costs are the hand-written cost of the final networks.
    for k, s in ((1, 3), (2, 7)):
        i = k * 24 + s
        final = ((w1[i], b1[i]), (w2[i], b2[i]))
        assert objective(final)[0] == pytest.approx(runs.final[k, s], rel=1e-12)


def _deep_tanh_forward(params, x):
    """Every hidden layer's output and the logits of a tanh network, written out by hand."""
    hidden = []
    h = x
    for w, b in params[:-1]:
        h = np.tanh(h @ w + b[..., None, :])
        hidden.append(h)
    w, b = params[-1]
    return hidden, (h @ w + b[..., None, :])[..., 0]


def test_ex8_the_weight_scale_fails_both_ways_around_one_over_root_fan_in():
    gains = (0.1, 0.3, 1.0, 3.0, 10.0)
    result = nc_ex.init_scale(gains=gains, seeds=8, steps=1500, seed=36)
    # The starting weights have standard deviation gain / sqrt(fan-in): rescaled by it, all the
    # layers' weights together are standard normal (about 6000 draws).
    g = np.repeat(gains, 8)[:, None, None]
    pooled = np.concatenate([(w * math.sqrt(w.shape[-2]) / g).ravel() for w, _ in result.starts])
    assert abs(pooled.std() - 1) < 0.05
    assert abs(pooled.mean()) < 0.05
    # The signal and the slope at the start, from a forward pass written here.
    hidden, _ = _deep_tanh_forward(result.starts, nc_ex.XOR_INPUTS)
    signal = np.sqrt(np.mean(hidden[-1].reshape(len(gains), -1) ** 2, axis=1))
    slope = np.mean(np.concatenate([(1 - h**2).reshape(len(gains), -1) for h in hidden], 1), 1)
    np.testing.assert_allclose(result.signal, signal, rtol=1e-12)
    np.testing.assert_allclose(result.slope, slope, rtol=1e-12)
    # The origin is a stationary point at cost ln 2: every unit outputs 0, the output is 1/2.
    zero = tuple((np.zeros_like(w[0]), np.zeros_like(b[0])) for w, b in result.starts)
    _, logits = _deep_tanh_forward(zero, nc_ex.XOR_INPUTS)
    assert np.all(logits == 0)
    d = scipy.special.expit(logits) - nc_ex.XOR_LABELS  # d cost / d logit, times 4
    assert d.sum() == 0  # the output bias's gradient; every other one multiplies a zero
    # ... and a saddle, not a minimum: the starts near it have costs on both sides of ln 2.
    near_origin = result.losses[0, 0]
    assert np.any(near_origin < math.log(2))
    assert np.any(near_origin > math.log(2))
    # The two failures and the window between them.
    solved = result.solved()
    assert solved[2] >= nc_ex.GOOD_SCALE_SOLVED
    assert solved[0] <= nc_ex.BAD_SCALE_SOLVED
    assert solved[-1] <= nc_ex.BAD_SCALE_SOLVED
    at_chance = result.steps_at_chance()
    near = np.abs(result.losses[:-1] - math.log(2)) < nc_ex.CHANCE_WITHIN
    np.testing.assert_array_equal(at_chance, np.median(near.sum(axis=0), axis=-1) * 10)
    assert at_chance[0] > nc_ex.SADDLE_SHARE * 1500
    assert at_chance[0] >= at_chance[1] >= at_chance[2]
    assert slope[-1] < nc_ex.SATURATED_SLOPE < nc_ex.UNSATURATED_SLOPE < slope[0]
