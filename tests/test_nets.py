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
    ("kwargs", "message"),
    [
        ({"sizes": (3,)}, "sizes must list at least inputs and outputs"),
        ({"sizes": (3, 0, 2)}, "sizes must list"),
        ({"sizes": (2.5, 3)}, "sizes must list"),
        ({"sizes": (3, 2), "hidden": "gelu"}, "hidden must be"),
    ],
)
def test_bad_networks_are_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MLP(**kwargs)
