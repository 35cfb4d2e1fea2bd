"""losslab.optim: gradient descent against loops written here, and the mean cost of a network
against finite differences and closed forms."""

from fractions import Fraction

import numpy as np
import pytest
import scipy.special

from losslab import (
    bernoulli_nll,
    bernoulli_nll_grad,
    categorical_nll,
    categorical_nll_grad,
    gaussian_nll,
    gaussian_nll_grad,
)
from losslab.nets import MLP
from losslab.optim import gradient_descent, mean_cost


def quadratic(w):
    """J(w) = |A w - c|^2 / 2 on a plain vector, with its gradient."""
    a = np.array([[2.0, 1.0], [0.5, 3.0]])
    c = np.array([1.0, -2.0])
    residual = a @ w - c
    return float(residual @ residual / 2), a.T @ residual


def hand_descent(w, steps, step_size):
    """Plain gradient descent written out: every iterate and its loss."""
    iterates, losses = [w], [quadratic(w)[0]]
    for _ in range(steps):
        w = w - step_size * quadratic(w)[1]
        iterates.append(w)
        losses.append(quadratic(w)[0])
    return iterates, losses


def test_plain_descent_on_a_vector_matches_a_loop_bit_for_bit():
    start = np.array([3.0, -1.0])
    path = gradient_descent(quadratic, start, steps=25, step_size=0.05)
    iterates, losses = hand_descent(start, 25, 0.05)
    assert path.steps.tolist() == list(range(26))
    assert path.losses.tolist() == losses
    for got, expected in zip(path.params, iterates, strict=True):
        np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(start, [3.0, -1.0])  # the start is not modified


def test_nested_parameters_keep_their_structure():
    def loss_and_grad(params):
        (w, b), (v,) = params  # any nesting of tuples of arrays
        return float(np.sum(w**2) + b @ b + v @ v), ((2 * w, 2 * b), (2 * v,))

    start = ((np.ones((2, 2)), np.ones(2)), (np.full(3, 2.0),))
    path = gradient_descent(loss_and_grad, start, steps=2, step_size=0.25)
    (w, b), (v,) = path.final
    # Each step halves every parameter: the gradient is twice the parameter, the step 1/4.
    np.testing.assert_array_equal(w, np.full((2, 2), 0.25))
    np.testing.assert_array_equal(b, np.full(2, 0.25))
    np.testing.assert_array_equal(v, np.full(3, 0.5))
    assert path.losses.tolist() == [18.0, 4.5, 1.125]


def test_momentum_follows_the_heavy_ball_recursion():
    def loss_and_grad(params):
        ((w, b),) = params
        return float(w[0, 0] ** 2 / 2), ((w.copy(), np.zeros_like(b)),)

    start = ((np.array([[1.0]]), np.zeros(1)),)
    path = gradient_descent(loss_and_grad, start, steps=3, step_size=0.1, momentum=0.5)
    w, v, expected = 1.0, 0.0, [1.0]
    for _ in range(3):
        v = 0.5 * v - 0.1 * w
        w = w + v
        expected.append(w)
    assert [p[0][0][0, 0] for p in path.params] == pytest.approx(expected, rel=1e-15)
    assert start[0][0][0, 0] == 1.0  # the start is not modified


@pytest.mark.parametrize(("steps", "every"), [(20, 5), (23, 5), (7, 1), (4, 10), (0, 3)])
def test_recording_every_kth_step_keeps_those_steps_and_the_last(steps, every):
    start = np.array([3.0, -1.0])
    iterates, losses = hand_descent(start, steps, 0.05)
    path = gradient_descent(quadratic, start, steps=steps, step_size=0.05, record_every=every)
    expected = sorted(set(range(0, steps + 1, every)) | {steps})
    assert path.steps.tolist() == expected
    assert path.losses.tolist() == [losses[t] for t in expected]
    for got, t in zip(path.params, expected, strict=True):
        np.testing.assert_array_equal(got, iterates[t])


def test_keeping_only_the_final_iterate_records_every_loss():
    start = np.array([3.0, -1.0])
    full = gradient_descent(quadratic, start, steps=30, step_size=0.05)
    final = gradient_descent(quadratic, start, steps=30, step_size=0.05, keep="final")
    assert len(final.params) == 1
    np.testing.assert_array_equal(final.final, full.final)
    np.testing.assert_array_equal(final.losses, full.losses)
    np.testing.assert_array_equal(final.steps, full.steps)


def test_until_stops_at_the_first_iterate_where_it_holds():
    start = np.array([3.0, -1.0])
    iterates, losses = hand_descent(start, 200, 0.05)
    first = next(t for t, loss in enumerate(losses) if loss < 1e-3)
    seen = []

    def small(w):
        seen.append(w)
        return quadratic(w)[0] < 1e-3

    path = gradient_descent(
        quadratic, start, steps=200, step_size=0.05, record_every=50, until=small
    )
    assert 0 < first < 200
    assert path.steps.tolist() == [*range(0, first, 50), first]
    np.testing.assert_array_equal(path.final, iterates[first])
    assert path.losses[-1] == losses[first]
    assert len(seen) == first + 1  # asked once per iterate, the start included
    # A predicate true at the start takes no step; one never true runs to the cap.
    at_start = gradient_descent(quadratic, start, steps=10, step_size=0.05, until=lambda w: True)
    assert at_start.steps.tolist() == [0]
    np.testing.assert_array_equal(at_start.final, start)
    never = gradient_descent(quadratic, start, steps=10, step_size=0.05, until=lambda w: False)
    assert never.steps[-1] == 10


def test_until_may_decide_on_a_seed_axis():
    # Two seeds descend together; the predicate asks for both to be small.
    start = np.array([[4.0], [1.0]])

    def halving(w):
        return np.sum(w**2, axis=-1), 2 * w

    path = gradient_descent(
        halving, start, steps=50, step_size=0.25, until=lambda w: bool(np.all(np.abs(w) < 0.1))
    )
    # 4 / 2**6 = 0.0625 is the first value of the larger seed below 0.1.
    assert int(path.steps[-1]) == 6
    np.testing.assert_array_equal(path.final, [[0.0625], [0.015625]])
    assert path.losses.shape == (7, 2)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"steps": -1, "step_size": 0.1}, ValueError, "steps must be an integer >= 0; got -1"),
        ({"steps": True, "step_size": 0.1}, TypeError, "steps must be an integer >= 0; got True"),
        ({"steps": 2.0, "step_size": 0.1}, TypeError, "steps must be an integer"),
        ({"steps": 1, "step_size": -0.1}, ValueError, "step_size must be positive and finite"),
        ({"steps": 1, "step_size": np.inf}, ValueError, "step_size must be positive and finite"),
        ({"steps": 1, "step_size": np.nan}, ValueError, "step_size must be positive and finite"),
        ({"steps": 1, "step_size": "0.1"}, TypeError, "step_size must be a real number"),
        (
            {"steps": 1, "step_size": 0.1, "momentum": 1.0},
            ValueError,
            r"momentum must be in \[0, 1\)",
        ),
        ({"steps": 1, "step_size": 0.1, "momentum": np.nan}, ValueError, "momentum must be finite"),
        ({"steps": 1, "step_size": 0.1, "record_every": 0}, ValueError, "record_every must be an"),
        ({"steps": 1, "step_size": 0.1, "record_every": 2.0}, TypeError, "record_every must be an"),
        ({"steps": 1, "step_size": 0.1, "keep": "last"}, ValueError, "keep must be 'all' or 'fin"),
        ({"steps": 1, "step_size": 0.1, "until": True}, TypeError, "until must be callable"),
    ],
)
def test_bad_descent_settings_are_rejected(kwargs, error, message):
    with pytest.raises(error, match=message):
        gradient_descent(lambda p: (0.0, p), (), **kwargs)


def _constant_gradient(g):
    return lambda w: (0.0, g)


@pytest.mark.parametrize(
    ("loss_and_grad", "start", "error", "message"),
    [
        (None, np.zeros(2), TypeError, "loss_and_grad must be callable"),
        (_constant_gradient(np.zeros(2)), [0.0, 1.0], TypeError, "start must be an array"),
        (_constant_gradient(np.zeros(2)), np.zeros(2) + 0j, TypeError, "start must hold real"),
        (_constant_gradient(np.zeros(2)), np.ma.zeros(2), TypeError, "start must not be a masked"),
        (_constant_gradient(np.zeros(2)), (np.zeros(2), [1.0]), TypeError, r"start\[1\] must be"),
        (
            _constant_gradient(np.zeros(3)),
            np.zeros(2),
            ValueError,
            "gradient of loss_and_grad at step 0 must have",
        ),
        (
            _constant_gradient((np.zeros(2),)),
            np.zeros(2),
            ValueError,
            "gradient of loss_and_grad at step 0 must have the shape",
        ),
        (
            _constant_gradient(np.zeros(2) + 1j),
            np.zeros(2),
            TypeError,
            "gradient of loss_and_grad at step 0 must",
        ),
        (lambda w: 0.0, np.zeros(2), TypeError, r"loss_and_grad must return a pair"),
        (
            lambda w: (1j, w),
            np.zeros(2),
            TypeError,
            "the loss of loss_and_grad at step 0 must hold real",
        ),
    ],
)
def test_bad_objectives_and_starts_are_rejected(loss_and_grad, start, error, message):
    with pytest.raises(error, match=message):
        gradient_descent(loss_and_grad, start, steps=2, step_size=0.1)


def test_until_must_answer_with_a_bool():
    with pytest.raises(TypeError, match="until must return a bool"):
        gradient_descent(quadratic, np.zeros(2), steps=3, step_size=0.1, until=lambda w: w)


def test_steps_of_extreme_size_overflow_only_beyond_float64():
    # w - step_size * g overflows in the product, but the iterate, 1.7e308 - 2e308, does not.
    start = np.array([1.7e308, 0.0, 1e-300])
    g = np.array([1e308, 1e308, 1e-300])
    path = gradient_descent(_constant_gradient(g), start, steps=2, step_size=2.0)
    exact = float(Fraction(1.7e308) - 2 * Fraction(1e308))  # -3e307, within float64
    np.testing.assert_array_equal(path.params[1], [exact, -np.inf, -1e-300])
    np.testing.assert_array_equal(path.params[2], [-np.inf, -np.inf, -3e-300])


# --- mean_cost ---------------------------------------------------------------------------------


def central_differences(objective, params, h=1e-6):
    """The gradient of the (summed over seeds) loss by central differences, entry by entry."""
    grads = []
    for w, b in params:
        pair = []
        for array in (w, b):
            grad = np.zeros_like(array)
            for index in np.ndindex(array.shape):
                saved = array[index]
                array[index] = saved + h
                up = np.sum(objective(params)[0])
                array[index] = saved - h
                down = np.sum(objective(params)[0])
                array[index] = saved
                grad[index] = (up - down) / (2 * h)
            pair.append(grad)
        grads.append(tuple(pair))
    return grads


@pytest.mark.parametrize(
    ("sizes", "cost", "cost_grad", "labels"),
    [
        ((3, 4, 1), bernoulli_nll, bernoulli_nll_grad, lambda rng: rng.integers(0, 2, 9) * 1.0),
        ((3, 4, 1), gaussian_nll, gaussian_nll_grad, lambda rng: rng.normal(size=9)),
        ((3, 5, 4), categorical_nll, categorical_nll_grad, lambda rng: rng.integers(0, 4, 9)),
    ],
)
@pytest.mark.parametrize("seeds", [None, 3])
def test_mean_cost_gradient_matches_central_differences(sizes, cost, cost_grad, labels, seeds):
    rng = np.random.default_rng(0)
    net = MLP(sizes, hidden="tanh")
    params = net.init(rng, seeds=seeds, bias=0.1)
    x = rng.normal(size=(9, 3))
    objective = mean_cost(net, x, labels(rng), cost, cost_grad)
    loss, grads = objective(params)
    assert np.shape(loss) == (() if seeds is None else (seeds,))
    numeric = central_differences(objective, params)
    for (gw, gb), (nw, nb) in zip(grads, numeric, strict=True):
        np.testing.assert_allclose(gw, nw, rtol=1e-5, atol=1e-8)
        np.testing.assert_allclose(gb, nb, rtol=1e-5, atol=1e-8)


def test_mean_cost_of_a_logistic_model_is_its_closed_form():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(20, 3))
    y = (rng.uniform(size=20) < 0.5).astype(float)
    w, b = rng.normal(size=(3, 1)), rng.normal(size=1)
    loss, ((dw, db),) = mean_cost(MLP((3, 1)), x, y, bernoulli_nll, bernoulli_nll_grad)(((w, b),))
    z = (x @ w + b)[:, 0]
    # -log p(y | z) from scipy's log-sigmoid, and the gradient X^T (sigmoid(z) - y) / N.
    expected = -np.mean(y * scipy.special.log_expit(z) + (1 - y) * scipy.special.log_expit(-z))
    assert float(loss) == pytest.approx(expected, rel=1e-14)
    residual = scipy.special.expit(z) - y
    np.testing.assert_allclose(dw[:, 0], x.T @ residual / 20, rtol=1e-13, atol=1e-16)
    np.testing.assert_allclose(db, [residual.mean()], rtol=1e-13, atol=1e-16)


def test_mean_cost_trains_a_network_with_gradient_descent():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(40, 2))
    y = (x[:, 0] * x[:, 1] > 0).astype(float)
    net = MLP((2, 8, 1), hidden="tanh")
    objective = mean_cost(net, x, y, bernoulli_nll, bernoulli_nll_grad)
    path = gradient_descent(objective, net.init(rng), steps=300, step_size=0.5, momentum=0.9)
    assert path.losses[-1] < 0.5 * path.losses[0]


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        (np.zeros((4, 3)), np.zeros(4), r"x must have shape \(N, 2\) with N >= 1; got \(4, 3\)"),
        (np.zeros(2), np.zeros(1), r"x must have shape \(N, 2\) with N >= 1; got \(2,\)"),
        (np.zeros((0, 2)), np.zeros(0), r"x must have shape \(N, 2\) with N >= 1; got \(0, 2\)"),
        (np.zeros((4, 2)), np.zeros(3), r"y must have one target per sample, 4; got shape \(3,\)"),
        (np.zeros((4, 2)), 0.0, r"y must have one target per sample, 4; got shape \(\)"),
    ],
)
def test_mean_cost_rejects_data_that_do_not_fit_the_network(x, y, message):
    with pytest.raises(ValueError, match=message):
        mean_cost(MLP((2, 3, 1)), x, y, bernoulli_nll, bernoulli_nll_grad)


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (("net", np.zeros((4, 2)), np.zeros(4)), TypeError, "net must be a losslab.nets.MLP"),
        ((None, np.zeros((4, 2)) + 1j, np.zeros(4)), TypeError, "x must hold real numbers"),
        ((None, np.zeros((4, 2)), np.ma.zeros(4)), TypeError, "y must not be a masked array"),
        ((None, np.zeros((2, 2)), [[0.0], [1.0, 2.0]]), ValueError, "y must be a rectangular"),
    ],
)
def test_mean_cost_rejects_arguments_of_the_wrong_kind(args, error, message):
    net, x, y = args
    with pytest.raises(error, match=message):
        mean_cost(MLP((2, 3, 1)) if net is None else net, x, y, bernoulli_nll, bernoulli_nll_grad)
    with pytest.raises(TypeError, match="cost_grad must be callable"):
        mean_cost(MLP((2, 3, 1)), np.zeros((4, 2)), np.zeros(4), bernoulli_nll, None)


def test_mean_cost_checks_what_the_cost_returns():
    net = MLP((2, 1))
    params = net.init(np.random.default_rng(0))
    summed = mean_cost(
        net, np.zeros((4, 2)), np.zeros(4), lambda y, z: np.sum(z), gaussian_nll_grad
    )
    with pytest.raises(ValueError, match=r"cost must return one value per sample, shape \(4,\)"):
        summed(params)
    wrong = mean_cost(net, np.zeros((4, 2)), np.zeros(4), gaussian_nll, lambda y, z: z[:2])
    with pytest.raises(ValueError, match=r"cost_grad must return the outputs' shape \(4,\)"):
        wrong(params)


def test_the_mean_cost_is_finite_where_the_sum_of_costs_overflows():
    net = MLP((1, 1))
    params = ((np.ones((1, 1)), np.zeros(1)),)
    # Each cost is 1e308 / 2 and the sum of three overflows; their mean does not.
    objective = mean_cost(net, np.full((3, 1), 1e154), np.zeros(3), gaussian_nll, gaussian_nll_grad)
    loss, _ = objective(params)
    assert loss == pytest.approx(0.5e308 + 0.9189385332046728, rel=1e-15)
