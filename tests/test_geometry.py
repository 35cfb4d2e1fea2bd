"""losslab.geometry: Hessians against closed forms, Jensen certificates, and slices."""

import mpmath
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


def test_a_vectorized_loss_gives_the_slices_of_one_call_per_point():
    """The rows handed to a vectorized loss are the points, in order: alpha-major on a plane."""
    rng = np.random.default_rng(5)
    weights = rng.normal(size=4)
    calls = []

    def loss(v):
        return float(np.sin(v @ weights) + v @ v)

    def losses(rows):
        calls.append(rows.shape)
        return np.sin(rows @ weights) + (rows * rows).sum(axis=1)

    start, end, third = (rng.normal(size=4) for _ in range(3))
    ts, alphas, betas = np.linspace(-0.5, 1.5, 7), np.linspace(-1, 1, 3), np.linspace(0, 2, 5)
    np.testing.assert_allclose(
        line_slice(losses, start, end, ts, vectorized=True),
        line_slice(loss, start, end, ts),
        rtol=1e-15,
        atol=1e-15,
    )
    np.testing.assert_allclose(
        plane_slice(losses, start, end, third, alphas, betas, vectorized=True),
        plane_slice(loss, start, end, third, alphas, betas),
        rtol=1e-15,
        atol=1e-15,
    )
    assert calls == [(7, 4), (15, 4)]


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


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: hessian(lambda t: t, [1.0, 2.0], step=0.0), ValueError, "step must be positive"),
        (lambda: hessian(lambda t: t, [1.0, 2.0], step=np.nan), ValueError, "step must be"),
        (lambda: hessian(lambda t: t, [1e20, 2.0]), ValueError, "theta must be moved by step"),
        (lambda: hessian(lambda t: t[:1], [1.0, 2.0]), ValueError, "gradient must return the"),
        (lambda: hessian(lambda t: t, [[1.0, 2.0]]), ValueError, "theta must have 1 dim"),
        (lambda: hessian(lambda t: t, [1.0 + 1j]), TypeError, "theta must hold real numbers"),
        (lambda: hessian(None, [1.0]), TypeError, "gradient must be callable"),
        (
            lambda: jensen_certificate(
                lambda x: float(x @ x), [np.zeros(1), np.ones(1)], tolerance=-1
            ),
            ValueError,
            "tolerance must be >= 0",
        ),
        (
            lambda: jensen_certificate(
                lambda x: float(x[0]), [np.zeros(1), np.ones(1)], weights=[1.5]
            ),
            ValueError,
            r"weights must be in \(0, 1\)",
        ),
        (lambda: jensen_certificate(lambda x: 0.0, [np.zeros(1)]), ValueError, "at least two"),
        (
            lambda: jensen_certificate(lambda x: np.nan, [np.zeros(1), np.ones(1)]),
            ValueError,
            r"loss\(points\[0\]\) must be finite",
        ),
        (
            lambda: line_slice(lambda x: 0.0, [0.0, 0.0], [1.0, 1.0, 1.0], [0.5]),
            ValueError,
            r"the points must have one shape: start \(2,\), end \(3,\)",
        ),
        (
            lambda: line_slice(lambda x: 0.0, [0.0], [1.0], [np.inf]),
            ValueError,
            "ts must be finite",
        ),
        (lambda: line_slice(lambda x: 0.0, [1e308], [-1e308], [3.0]), ValueError, "beyond float64"),
        (
            lambda: plane_slice(lambda x: 0.0, [0, 0], [1, 0], [0, 1, 2], [0], [0]),
            ValueError,
            r"second \(3,\)",
        ),
        (
            lambda: line_slice(lambda x: 0.0, [0.0], [1.0], [0.5], vectorized=1),
            TypeError,
            "vectorized must be True or False",
        ),
        (
            lambda: line_slice(lambda xs: xs.sum(), [0.0], [1.0], [0.0, 1.0], vectorized=True),
            ValueError,
            r"one value per row, shape \(2,\)",
        ),
        (
            lambda: plane_slice(
                lambda xs: np.zeros((4, 1)), [0], [1], [2], [0, 1], [0, 1], vectorized=True
            ),
            ValueError,
            r"one value per row, shape \(4,\); got \(4, 1\)",
        ),
        (
            lambda: plane_slice(
                lambda xs: np.zeros(4, complex), [0], [1], [2], [0, 1], [0, 1], vectorized=True
            ),
            TypeError,
            "the result of loss must hold real numbers",
        ),
        (
            lambda: unflatten(np.zeros(3), ((np.ones((1, 1)), np.ones(1)),)),
            ValueError,
            "vector must",
        ),
        (lambda: flatten([(1.0, 2.0)]), TypeError, r"params\[0\]\[0\] must be a numpy array"),
        (
            lambda: filter_normalized_direction(((np.ones((2, 1)), np.ones(1)),), 0),
            TypeError,
            "rng must be a numpy.random.Generator",
        ),
    ],
)
def test_bad_arguments_are_rejected_naming_them(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_a_convex_loss_is_not_proved_non_convex_by_a_negative_tolerance():
    # A negative tolerance used to count rounding below the chord as a violation for x @ x.
    with pytest.raises(ValueError, match="tolerance"):
        jensen_certificate(lambda x: float(x @ x), [np.array([0.1]), np.array([0.7])], tolerance=-1)
    assert (
        jensen_certificate(lambda x: float(x @ x), [np.array([0.1]), np.array([0.7])], tolerance=0)
        is None
    )


def test_huge_parameters_keep_their_filter_norms():
    w = np.array([[1e308, 3e307], [1e308, -4e307]])
    ((d, _),) = filter_normalized_direction(((w, np.zeros(2)),), np.random.default_rng(0))
    assert np.isfinite(d).all()
    norms = [float(mpmath.sqrt(sum(mpmath.mpf(v) ** 2 for v in column))) for column in d.T]
    expected = [float(mpmath.sqrt(sum(mpmath.mpf(v) ** 2 for v in column))) for column in w.T]
    np.testing.assert_allclose(norms, expected, rtol=1e-14)
