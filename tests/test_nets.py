"""losslab.nets: backpropagation against finite differences, and batched seeds against a loop."""

import numpy as np
import pytest

from losslab import categorical_nll, categorical_nll_grad
from losslab.nets import MLP
from losslab.optim import mean_cost


def loss_and_grads(net, params, x, labels):
    return mean_cost(net, x, labels, categorical_nll, categorical_nll_grad)(params)


@pytest.mark.parametrize("hidden", ["tanh", "sigmoid", "relu"])
@pytest.mark.parametrize("sizes", [(3, 4), (3, 5, 4), (3, 6, 5, 4)])
def test_backpropagation_matches_central_differences(hidden, sizes):
    rng = np.random.default_rng(0)
    net = MLP(sizes, hidden=hidden)
    params = net.init(rng, bias=0.1)
    x = rng.normal(size=(7, 3))
    labels = rng.integers(0, sizes[-1], 7)
    _, grads = loss_and_grads(net, params, x, labels)
    h = 1e-6
    for layer, (w, b) in enumerate(params):
        for array, grad in ((w, grads[layer][0]), (b, grads[layer][1])):
            for index in np.ndindex(array.shape):
                saved = array[index]
                array[index] = saved + h
                up = loss_and_grads(net, params, x, labels)[0]
                array[index] = saved - h
                down = loss_and_grads(net, params, x, labels)[0]
                array[index] = saved
                assert grad[index] == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-8)


def test_seed_axis_equals_a_loop_over_seeds():
    rng = np.random.default_rng(1)
    net = MLP((2, 8, 3), hidden="tanh")
    stacked = net.init(rng, seeds=5)
    x = rng.normal(size=(11, 2))
    labels = rng.integers(0, 3, 11)
    loss, grads = loss_and_grads(net, stacked, x, labels)
    assert loss.shape == (5,)
    for s in range(5):
        single = tuple((w[s], b[s]) for w, b in stacked)
        loss_s, grads_s = loss_and_grads(net, single, x, labels)
        assert loss[s] == pytest.approx(loss_s, rel=1e-14)
        for (gw, gb), (gw_s, gb_s) in zip(grads, grads_s, strict=True):
            np.testing.assert_allclose(gw[s], gw_s, rtol=1e-13, atol=1e-15)
            np.testing.assert_allclose(gb[s], gb_s, rtol=1e-13, atol=1e-15)


def test_a_network_without_hidden_layer_is_linear():
    rng = np.random.default_rng(2)
    params = MLP((4, 2)).init(rng)
    x = rng.normal(size=(6, 4))
    ((w, b),) = params
    np.testing.assert_allclose(MLP((4, 2)).forward(params, x)[0], x @ w + b, rtol=1e-15)


def test_relu_units_that_are_off_pass_no_gradient():
    net = MLP((1, 2, 1), hidden="relu")
    params = ((np.array([[1.0, -1.0]]), np.array([0.0, -5.0])), (np.ones((2, 1)), np.zeros(1)))
    x = np.array([[1.0], [2.0]])
    out, cache = net.forward(params, x)
    grads = net.backward(params, cache, np.ones_like(out))
    # The second unit is dead on both inputs: its incoming weight and bias get no gradient.
    assert grads[0][0][0, 1] == 0.0
    assert grads[0][1][1] == 0.0


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"sizes": (3,)}, ValueError, "sizes must list at least inputs and outputs"),
        ({"sizes": (3, 0, 2)}, ValueError, r"sizes\[1\] must be an integer >= 1; got 0"),
        ({"sizes": (2.5, 3)}, TypeError, r"sizes\[0\] must be an integer >= 1; got 2.5"),
        ({"sizes": (True, 3)}, TypeError, r"sizes\[0\] must be an integer >= 1; got True"),
        ({"sizes": 3}, TypeError, "sizes must be a sequence of integers"),
        ({"sizes": "23"}, TypeError, "sizes must be a sequence of integers"),
        ({"sizes": (3, 2), "hidden": "gelu"}, ValueError, "hidden must be"),
        ({"sizes": (3, 2), "hidden": None}, TypeError, "hidden must be"),
    ],
)
def test_bad_networks_are_rejected(kwargs, error, message):
    with pytest.raises(error, match=message):
        MLP(**kwargs)


def test_sizes_are_kept_as_a_tuple_of_ints():
    net = MLP([np.int64(2), 3])
    assert net.sizes == (2, 3)
    assert all(type(n) is int for n in net.sizes)
    assert hash(net) == hash(MLP((2, 3)))


NET = MLP((2, 3, 1))
PARAMS = NET.init(np.random.default_rng(0))
X = np.ones((4, 2))
OUT, CACHE = NET.forward(PARAMS, X)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: NET.init(0), TypeError, "rng must be a numpy.random.Generator; got 0"),
        (lambda: NET.init(np.random.default_rng(0), seeds=2.5), TypeError, "seeds must be an int"),
        (lambda: NET.init(np.random.default_rng(0), seeds=0), ValueError, "seeds must be an int"),
        (lambda: NET.init(np.random.default_rng(0), seeds=True), TypeError, "seeds must be an"),
        (lambda: NET.init(np.random.default_rng(0), scale=0.0), ValueError, "scale must be posi"),
        (lambda: NET.init(np.random.default_rng(0), scale=np.nan), ValueError, "scale must be"),
        (lambda: NET.init(np.random.default_rng(0), scale=1j), TypeError, "scale must be a real"),
        (lambda: NET.init(np.random.default_rng(0), bias=np.nan), ValueError, "bias must be fin"),
        (lambda: NET.init(np.random.default_rng(0), bias="0"), TypeError, "bias must be a real"),
        (lambda: NET.forward(PARAMS, X + 1j), TypeError, "x must hold real numbers"),
        (lambda: NET.forward(PARAMS, np.ma.array(X)), TypeError, "x must not be a masked array"),
        (lambda: NET.forward(PARAMS, [[1.0, 2.0], [1.0]]), ValueError, "x must be a rectangular"),
        (lambda: NET.forward(PARAMS[:1], X), TypeError, r"params must be a tuple of 2 \(W, b\)"),
        (lambda: NET.forward(((PARAMS[0][0],), PARAMS[1]), X), TypeError, r"params\[0\] must be"),
        (
            lambda: NET.forward(((PARAMS[0][0] + 1j, PARAMS[0][1]), PARAMS[1]), X),
            TypeError,
            r"params\[0\]\[0\] must hold real numbers",
        ),
        (
            lambda: NET.forward(((PARAMS[0][0].T, PARAMS[0][1]), PARAMS[1]), X),
            ValueError,
            r"params\[0\] must be W of shape \(\[S,\] 2, 3\)",
        ),
        (
            lambda: NET.forward(NET.init(np.random.default_rng(0), seeds=3), np.ones((2, 4, 2))),
            ValueError,
            "the seed axes of x",
        ),
        (lambda: NET.backward(PARAMS, CACHE, np.ones((4, 2))), ValueError, "d_output must have"),
        (lambda: NET.backward(PARAMS, CACHE[:1], np.ones((4, 1))), TypeError, "cache must be"),
        (lambda: NET.backward(PARAMS, CACHE, OUT + 1j), TypeError, "d_output must hold real"),
    ],
)
def test_bad_arguments_are_rejected_naming_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_extreme_weights_raise_no_flag_and_overflow_only_beyond_float64():
    # x @ W overflows in its partial sums, but the pre-activation, 0, is well within range.
    net = MLP((2, 1))
    params = ((np.array([[1.5e308], [-1.5e308]]), np.zeros(1)),)
    out, _ = net.forward(params, np.array([[1.0, 1.0], [2.0, 2.0]]))
    np.testing.assert_array_equal(out, [[0.0], [0.0]])
    # A sum beyond float64 is inf; a gradient below the subnormal range is 0.
    out, _ = net.forward(params, np.array([[2.0, -2.0]]))
    assert out[0, 0] == np.inf
    grads = net.backward(
        ((np.full((2, 1), 1e-300), np.zeros(1)),), [np.full((1, 2), 1e-300)], [[1.0]]
    )
    np.testing.assert_array_equal(grads[0][0], [[1e-300], [1e-300]])
    tiny = net.backward(params, [np.full((1, 2), 1e-300)], [[1e-300]])
    np.testing.assert_array_equal(tiny[0][0], [[0.0], [0.0]])
