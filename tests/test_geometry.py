"""losslab.geometry: Hessians against closed forms, Jensen certificates, and slices."""

import numpy as np
import pytest
import scipy.special

from losslab import bernoulli_nll
from losslab.geometry import (
    filter_normalized_direction,
    flatten,
    hessian,
    jensen_certificate,
    line_slice,
    plane_slice,
    unflatten,
)
from losslab.nets import MLP


def logistic_problem(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(60, 3))
    y = (rng.uniform(size=60) < scipy.special.expit(x @ np.array([1.0, -2.0, 0.5]))).astype(float)

    def loss(w):
        return float(np.mean(bernoulli_nll(y, x @ w)))

    def gradient(w):
        return x.T @ (scipy.special.expit(x @ w) - y) / 60

    return x, loss, gradient


def test_hessian_of_logistic_loss_matches_closed_form_and_is_psd():
    x, _, gradient = logistic_problem()
    w = np.array([0.3, -0.2, 0.9])
    p = scipy.special.expit(x @ w)
    exact = (x * (p * (1 - p))[:, None]).T @ x / 60
    h = hessian(gradient, w)
    np.testing.assert_allclose(h, exact, atol=1e-9)
    assert np.all(np.linalg.eigvalsh(h) > 0)


def test_jensen_finds_no_violation_for_a_convex_loss_and_one_for_a_network():
    _, loss, _ = logistic_problem()
    rng = np.random.default_rng(1)
    points = [rng.normal(0, 3, 3) for _ in range(8)]
    assert jensen_certificate(loss, points) is None
    # A network's loss: two hidden units swapped give the same function but not the midpoint.
    net = MLP((2, 2, 1), hidden="tanh")
    params = net.init(np.random.default_rng(2), scale=2.0)
    x = rng.normal(size=(50, 2))
    y = (x[:, 0] * x[:, 1] > 0).astype(float)
    (w1, b1), (w2, b2) = params
    swapped = ((w1[:, ::-1], b1[::-1]), (w2[::-1], b2))

    def net_loss(theta):
        z = net.forward(unflatten(theta, params), x)[0][:, 0]
        return float(np.mean(bernoulli_nll(y, z)))

    a, b = flatten(params), flatten(swapped)
    assert net_loss(a) == pytest.approx(net_loss(b), rel=1e-14)
    certificate = jensen_certificate(net_loss, [a, b], weights=[0.5])
    assert certificate is not None
    assert certificate.gap == pytest.approx(net_loss((a + b) / 2) - net_loss(a), rel=1e-12)


def test_flatten_and_unflatten_are_inverse():
    params = MLP((3, 4, 2)).init(np.random.default_rng(3))
    back = unflatten(flatten(params), params)
    for (w, b), (w2, b2) in zip(params, back, strict=True):
        np.testing.assert_array_equal(w, w2)
        np.testing.assert_array_equal(b, b2)


def test_line_and_plane_slices_of_a_quadratic():
    a = np.array([[2.0, 0.5], [0.5, 1.0]])

    def quadratic(t):
        return float(t @ a @ t)

    ts = np.linspace(0, 1, 5)
    np.testing.assert_allclose(
        line_slice(quadratic, [0, 0], [1, 2], ts), ts**2 * quadratic(np.array([1.0, 2.0]))
    )
    grid = plane_slice(quadratic, [0, 0], [1, 0], [0, 1], [-1, 1], [-1, 1])
    np.testing.assert_allclose(grid, [[4.0, 2.0], [2.0, 4.0]])


def test_filter_normalized_slices_do_not_see_a_rescaling_of_relu_layers():
    """Scaling a ReLU layer by c and the next by 1/c leaves the function unchanged; raw random
    directions then give different slices, filter-normalised ones the same."""
    net = MLP((2, 5, 1), hidden="relu")
    params = net.init(np.random.default_rng(4))
    (w1, b1), (w2, b2) = params
    c = 10.0
    rescaled = ((w1 * c, b1 * c), (w2 / c, b2))
    rng = np.random.default_rng(5)
    x = rng.normal(size=(40, 2))
    y = (x[:, 0] > 0).astype(float)

    def loss_at(like):
        def loss(theta):
            z = net.forward(unflatten(theta, like), x)[0][:, 0]
            return float(np.mean(bernoulli_nll(y, z)))

        return loss

    assert loss_at(params)(flatten(params)) == pytest.approx(
        loss_at(rescaled)(flatten(rescaled)), rel=1e-13
    )
    alphas = np.linspace(-1, 1, 7)
    slices = []
    for like in (params, rescaled):
        d = flatten(filter_normalized_direction(like, np.random.default_rng(6)))
        slices.append(
            line_slice(loss_at(like), flatten(like) - d, flatten(like) + d, (alphas + 1) / 2)
        )
    np.testing.assert_allclose(slices[0], slices[1], rtol=1e-12)
    raw = [np.random.default_rng(6).normal(size=flatten(like).size) for like in (params, rescaled)]
    raw_slices = [
        line_slice(loss_at(like), flatten(like) - r, flatten(like) + r, (alphas + 1) / 2)
        for like, r in zip((params, rescaled), raw, strict=True)
    ]
    assert np.max(np.abs(raw_slices[0] - raw_slices[1])) > 1e-3
