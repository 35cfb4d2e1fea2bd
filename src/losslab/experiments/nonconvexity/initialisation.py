"""ReLU units and their biases at initialisation (claims NC9, NC10).

Non-negative biases keep ReLU units alive (NC9); a negative bias, or a deep narrow stack of
layers, can switch every unit off on every input, and then no gradient ever reaches it (NC10).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from losslab._arrays import (
    FloatArray,
    each,
    finite_positive,
    finite_real,
    nonnegative_int,
    positive_int,
)
from losslab.likelihoods import gaussian_nll, gaussian_nll_grad
from losslab.nets import MLP, Params
from losslab.optim import gradient_descent, mean_cost

#: The measured share of (unit, input) pairs switched on at the start lies within this of its
#: expectation, one half for zero biases (NC9).
ACTIVE_SHARE_TOLERANCE = 0.02
#: With small weights and a small positive bias, more than this share of the (unit, input)
#: pairs is switched on at the start (NC9).
POSITIVE_BIAS_ACTIVE = 0.98
#: The deepest narrow ReLU networks tried are dead at initialisation in more than this share
#: of draws (NC10).
DEAD_DEEP_SHARE = 0.9
#: A small negative bias, a few times the spread of the term w.x of the pre-activation, leaves
#: more than the first and less than the second of these shares of the units off on every input
#: at the start (NC10): some units die, not all.
SOME_UNITS_DEAD = (0.1, 0.9)
#: A run has trained once its cost comes within this of the floor (1/2) ln 2 pi, the Gaussian
#: cost of a perfect fit with unit scale (NC9, NC10).
NEAR_FLOOR = 0.01
#: A run ends at the best cost it can reach (the floor, or the best constant fit for a network
#: whose hidden layer is dead) when it ends within this of it (NC9, NC10).
BEST_FIT_WITHIN = 2e-3
#: Zero and small positive biases train alike, in that the numbers of steps they take to come
#: within NEAR_FLOOR of the floor differ by less than this factor (NC9).
ALIKE_STEPS = 1.25


@dataclass(frozen=True)
class ReluBias:
    """A ReLU layer started with each of several biases, then trained (claims NC9, NC10).

    Shares are over the layer's units and the training inputs at the start.

    Attributes
    ----------
    biases : numpy.ndarray
        The first-layer bias of each run.
    sizes : tuple of int
        The layer widths of the network.
    weight_scale : float
        The standard deviation of the starting weights.
    active_share : numpy.ndarray
        The share of (unit, input) pairs switched on at the start, per bias.
    dead_share : numpy.ndarray
        The share of units off on every input at the start, per bias.
    max_first_layer_gradient : numpy.ndarray
        The largest first-layer gradient entry over all steps, per bias.
    first_layer_unchanged : numpy.ndarray
        Whether the first layer ended bit for bit where it started, per bias.
    constant_fit : float
        The mean cost of the best constant prediction.
    losses : numpy.ndarray
        The mean cost at every step, shape (steps + 1, biases).

    Examples
    --------
    >>> result = relu_bias(steps=3)
    >>> result.losses.shape
    (4, 3)
    """

    biases: FloatArray
    sizes: tuple[int, ...]
    weight_scale: float
    active_share: FloatArray
    dead_share: FloatArray
    max_first_layer_gradient: FloatArray
    first_layer_unchanged: npt.NDArray[np.bool_]
    constant_fit: float
    losses: FloatArray = field(repr=False)

    def steps_to_floor(self, within: float = NEAR_FLOOR) -> FloatArray:
        """The first step at which each run's cost is within `within` of the floor (1/2) ln 2 pi.

        The floor is the Gaussian cost of a perfect fit with unit scale; the result is infinite
        for a run that never gets there.

        Examples
        --------
        >>> relu_bias(biases=(-1.0, 0.0), steps=3).steps_to_floor(within=math.inf).tolist()
        [0.0, 0.0]
        """
        near = self.losses - 0.5 * math.log(2 * math.pi) < within
        first = np.argmax(near, axis=0).astype(np.float64)
        result: FloatArray = np.where(near.any(axis=0), first, np.inf)
        return result


def relu_bias(
    biases: tuple[float, ...] = (-1.0, 0.0, 0.1),
    inputs: int = 16,
    width: int = 64,
    n: int = 256,
    weight_scale: float = 0.01,
    steps: int = 500,
    step_size: float = 0.1,
    seed: int = 0,
) -> ReluBias:
    """Fit a smooth target with an ``inputs``-``width``-1 ReLU net, once per first-layer bias.

    The weights are small, ``N(0, weight_scale**2)``, so a unit's pre-activation is its bias
    plus a small term: a positive bias switches nearly every unit on, zero half of them, and a
    negative bias (larger than the small term) every unit off on every input. An off unit has
    derivative exactly 0, so its incoming weights receive exactly zero gradient, at every step:
    a unit dead at the start stays dead. The output bias starts at 0 in every run; the cost is
    the Gaussian negative log-likelihood with unit scale. ``constant_fit`` is the cost of the best
    constant prediction, the mean of the targets: all that a net with a dead layer can learn.

    Raises
    ------
    ValueError, TypeError
        If `inputs`, `width` or `n` is not an integer >= 1, `steps` or `seed` is not an integer >=
        0, `weight_scale` or `step_size` is not a positive finite number, or `biases` is not a
        finite number (a bool is not an integer; a sequence is checked entry by entry).

    Examples
    --------
    >>> result = relu_bias(biases=(-1.0,), steps=5)  # every unit off: no gradient at all
    >>> float(result.max_first_layer_gradient[0]), bool(result.first_layer_unchanged[0])
    (0.0, True)
    """
    each(biases, finite_real, "biases")
    positive_int(inputs, "inputs")
    positive_int(width, "width")
    positive_int(n, "n")
    finite_positive(weight_scale, "weight_scale")
    nonnegative_int(steps, "steps")
    finite_positive(step_size, "step_size")
    nonnegative_int(seed, "seed")
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, inputs))
    y = np.sin(x @ rng.normal(size=inputs) / 2)
    net = MLP((inputs, width, 1), hidden="relu")
    count = len(biases)
    (w1, _), (w2, _) = net.init(rng, seeds=count, scale=weight_scale)
    b1 = np.repeat(np.asarray(biases, dtype=np.float64)[:, None], width, axis=1)
    starts: Params = ((w1, b1), (w2, np.zeros((count, 1))))
    largest = np.zeros(count)

    objective = mean_cost(net, x, y, gaussian_nll, gaussian_nll_grad)

    def loss_and_grad(params: Params) -> tuple[FloatArray, Params]:
        loss, grads = objective(params)
        first = np.maximum(np.abs(grads[0][0]).max(axis=(-2, -1)), np.abs(grads[0][1]).max(-1))
        np.maximum(largest, first, out=largest)
        return np.asarray(loss, dtype=np.float64), grads

    path = gradient_descent(
        loss_and_grad, starts, steps=steps, step_size=step_size, momentum=0.9, keep="final"
    )
    on = (x @ w1 + b1[:, None, :]) > 0  # (biases, inputs, units)
    return ReluBias(
        biases=np.asarray(biases, dtype=np.float64),
        sizes=net.sizes,
        weight_scale=weight_scale,
        active_share=on.mean(axis=(1, 2)),
        dead_share=(~on.any(axis=1)).mean(axis=1),
        max_first_layer_gradient=largest,
        first_layer_unchanged=(path.final[0][0] == w1).all(axis=(1, 2))
        & (path.final[0][1] == b1).all(axis=1),
        constant_fit=float(np.mean(gaussian_nll(y, np.mean(y)))),
        losses=path.losses,
    )


@dataclass(frozen=True)
class BornDead:
    """How often a random narrow ReLU network is dead at initialisation, by depth (claim NC10).

    Attributes
    ----------
    depths : numpy.ndarray
        The numbers of hidden layers tried.
    width : int
        The width of every hidden layer.
    seeds : int
        The number of random networks per depth.
    inputs : int
        The number of sample inputs each network is evaluated on.
    dead_networks : numpy.ndarray
        The share of networks whose last hidden layer is off on every input, per depth.
    dead_units : numpy.ndarray
        The share of last-layer units off on every input, per depth.

    Examples
    --------
    >>> born_dead(depths=(1, 2), seeds=10).dead_networks.shape
    (2,)
    """

    depths: npt.NDArray[np.int64]
    width: int
    seeds: int
    inputs: int
    dead_networks: FloatArray
    dead_units: FloatArray


def born_dead(
    depths: tuple[int, ...] = (1, 2, 4, 8, 16, 32),
    width: int = 3,
    seeds: int = 1000,
    n: int = 128,
    seed: int = 0,
) -> BornDead:
    """Draw ``seeds`` ReLU networks of each depth and look for layers that are off everywhere.

    Every hidden layer is `width` units wide, with He-scaled weights ``N(0, 2 / width)`` and
    zero biases, on `width`-dimensional standard normal inputs. A network is dead when its last
    hidden layer is 0 on every input: its output is then constant and no gradient reaches any
    layer below. Each layer has a fresh chance to switch everything off, so the share of dead
    networks grows with depth towards 1 (Lu et al. 2020). ``dead_units`` is the share of the
    last hidden layer's units that are off on every input.

    Raises
    ------
    ValueError, TypeError
        If `depths`, `width`, `seeds` or `n` is not an integer >= 1, or `seed` is not an integer >=
        0 (a bool is not an integer; a sequence is checked entry by entry).

    Examples
    --------
    >>> result = born_dead(depths=(1, 4), seeds=100)
    >>> result.depths.tolist(), result.seeds, result.inputs
    ([1, 4], 100, 128)
    """
    each(depths, positive_int, "depths")
    positive_int(width, "width")
    positive_int(seeds, "seeds")
    positive_int(n, "n")
    nonnegative_int(seed, "seed")
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, width))
    networks, units = [], []
    for depth in depths:
        net = MLP((width,) * (depth + 1) + (1,), hidden="relu")
        params = net.init(rng, seeds=seeds, scale=math.sqrt(2.0 / width))
        last = net.forward(params, x)[1][-1]  # (seeds, n, width)
        off = ~np.any(last > 0, axis=1)  # (seeds, width): units off on every input
        networks.append(float(np.mean(np.all(off, axis=1))))
        units.append(float(np.mean(off)))
    return BornDead(
        depths=np.asarray(depths, dtype=np.int64),
        width=width,
        seeds=seeds,
        inputs=n,
        dead_networks=np.array(networks),
        dead_units=np.array(units),
    )
