"""Cost surfaces of a small network, after Glorot and Bengio (2010), figure 5 (claim CS11).

The cross-entropy and the quadratic cost of a network with one tanh hidden layer and a sigmoid
output, as functions of one weight of each layer. The two costs have different scales (the
quadratic cost of a probability stays below 1, the cross-entropy does not), so a single
threshold on the gradient norm would judge them unequally: flatness is measured on each cost's
own scale.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from losslab._arrays import (
    FloatArray,
    finite_positive,
    nonnegative_int,
    positive_int,
    positive_real,
)
from losslab.likelihoods import bernoulli_nll, bernoulli_nll_grad
from losslab.nets import MLP, Params
from losslab.numerics import sigmoid
from losslab.optim import mean_cost

#: A grid point of a cost surface is flat where the gradient norm is below this share of the
#: cost's range over the grid divided by the grid's width: each cost is judged on its own scale.
FLATNESS = 0.1
#: The quadratic cost's share of flat grid points is more than this many times the
#: cross-entropy's (CS11).
PLATEAU_RATIO = 5
#: More than this share of the quadratic cost's grid is flat and costly at once (CS11).
STUCK_SHARE = 0.05
#: The cross-entropy's relative slope stays above this wherever the quadratic cost is stuck, so
#: that there it climbs at least as steeply as its average over the grid (CS11).
KEPT_SLOPE = 1.0


@dataclass(frozen=True)
class CostSurfaces:
    """Two costs over a grid of one first-layer and one second-layer weight (claim CS11).

    After Glorot and Bengio (2010), figure 5: the cross-entropy and the quadratic cost of a
    network with one tanh hidden layer and a sigmoid output, as functions of two weights. The
    two costs have different scales, so flatness is judged on each cost's own: by its relative
    slope, the gradient norm divided by the cost's range over the grid per unit of weight.

    Attributes
    ----------
    w1, w2 : numpy.ndarray
        The grids of the first-layer and the second-layer weight.
    costs : dict
        Each cost's mean over the data, on the grid, by name.
    gradient_norms : dict
        The norm of each cost's gradient in the two weights (by backpropagation), on the grid,
        by name.
    flatness : float
        The relative slope below which a grid point counts as flat.
    x, y : numpy.ndarray
        The data: inputs, one row per sample, and labels 0 or 1.
    network : tuple
        The network at the centre of the scan, ``(W, b)`` pairs: every grid point is this
        network with its weights ``W[0][0, 0]`` and ``W[1][0, 0]`` replaced.

    Examples
    --------
    >>> surfaces = cost_surfaces(points=11)
    >>> surfaces.costs["cross-entropy"].shape
    (11, 11)
    """

    w1: FloatArray = field(repr=False)
    w2: FloatArray = field(repr=False)
    costs: dict[str, FloatArray] = field(repr=False)
    gradient_norms: dict[str, FloatArray] = field(repr=False)
    flatness: float
    x: FloatArray = field(repr=False)
    y: FloatArray = field(repr=False)
    network: Params = field(repr=False)

    def relative_slope(self, name: str) -> FloatArray:
        """The gradient norm over the cost's mean slope across the grid, at every grid point.

        The mean slope is the cost's range (highest minus lowest value on the grid) divided by
        the grid's width: a relative slope of 1 climbs at that rate, whatever the cost's scale.

        Examples
        --------
        >>> slope = cost_surfaces(points=11).relative_slope("quadratic")
        >>> slope.shape, bool(slope.max() > 1)  # somewhere steeper than the mean slope
        ((11, 11), True)
        """
        cost = self.costs[name]
        width = float(self.w1[-1] - self.w1[0])
        return np.asarray(self.gradient_norms[name] * width / np.ptp(cost), dtype=np.float64)

    def flat(self, name: str) -> npt.NDArray[np.bool_]:
        """Where the cost's relative slope is below `flatness`.

        Examples
        --------
        >>> bool(cost_surfaces(points=5, flatness=np.inf).flat("quadratic").all())
        True
        """
        flat: npt.NDArray[np.bool_] = self.relative_slope(name) < self.flatness
        return flat

    def stuck(self, name: str) -> npt.NDArray[np.bool_]:
        """Where the cost is flat *and* costly: above the middle of its range on the grid.

        Examples
        --------
        >>> surfaces = cost_surfaces(points=11)
        >>> bool(np.all(surfaces.flat("quadratic")[surfaces.stuck("quadratic")]))
        True
        """
        cost = self.costs[name]
        costly: npt.NDArray[np.bool_] = cost > (cost.min() + cost.max()) / 2
        return self.flat(name) & costly

    def plateau_share(self, name: str) -> float:
        """Share of the grid where the cost is flat.

        Examples
        --------
        >>> cost_surfaces(points=5, flatness=np.inf).plateau_share("quadratic")
        1.0
        """
        return float(np.mean(self.flat(name)))

    def stuck_share(self, name: str) -> float:
        """Share of the grid that is flat *and* costly: above the middle of the cost's range.

        A flat region near the minimum is harmless; a flat region of high cost is where
        training stalls.

        Examples
        --------
        >>> surfaces = cost_surfaces(points=11)
        >>> surfaces.stuck_share("quadratic") <= surfaces.plateau_share("quadratic")
        True
        """
        return float(np.mean(self.stuck(name)))

    def least_slope_where_stuck(self, name: str, other: str) -> float:
        """The least relative slope of cost `name` over the grid points where `other` is stuck.

        Both costs are compared at the same points, each on its own scale; nan if `other` is
        nowhere stuck.

        Examples
        --------
        >>> surfaces = cost_surfaces()
        >>> surfaces.least_slope_where_stuck("cross-entropy", "quadratic") > KEPT_SLOPE
        True
        """
        where = self.stuck(other)
        return float(self.relative_slope(name)[where].min()) if where.any() else float("nan")


def cost_surfaces(
    points: int = 81, span: float = 10.0, flatness: float = FLATNESS, seed: int = 8
) -> CostSurfaces:
    """Scan one weight of each layer over ``[-span, span]``; the others stay at their start.

    Every grid point is a network of its own, and all of them are evaluated in one batched
    forward and backward pass (the grid is the seed axis of :class:`losslab.nets.MLP`). The
    gradient norms are those of each cost in the two scanned weights, by backpropagation.

    Glorot and Bengio drew their surfaces for random inputs and random targets, which no
    network can learn. Here the labels follow a linear rule of the inputs, so each surface has
    a valley where the network classifies well and high ground where it is confidently wrong.

    Raises
    ------
    ValueError, TypeError
        If `points` is not an integer >= 1, `seed` is not an integer >= 0, `span` is not a positive
        finite number, or `flatness` is not a positive number (inf is; a bool is not an integer).

    Examples
    --------
    >>> surfaces = cost_surfaces(points=21)
    >>> sorted(surfaces.costs), surfaces.gradient_norms["quadratic"].shape
    (['cross-entropy', 'quadratic'], (21, 21))
    """
    positive_int(points, "points")
    finite_positive(span, "span")
    positive_real(flatness, "flatness")
    nonnegative_int(seed, "seed")
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 1.0, (200, 2))
    y = (x @ np.array([1.0, -0.5]) > 0).astype(float)
    net = MLP((2, 2, 1), hidden="tanh")
    network = net.init(rng)
    (w_in, b_in), (w_out, b_out) = network
    axis = np.linspace(-span, span, points)
    g1, g2 = np.meshgrid(axis, axis, indexing="ij")
    grid = g1.size
    first = np.repeat(w_in[None], grid, axis=0)
    second = np.repeat(w_out[None], grid, axis=0)
    first[:, 0, 0] = g1.ravel()  # the weight from input 0 to hidden unit 0
    second[:, 0, 0] = g2.ravel()  # the weight from hidden unit 0 to the output
    params = (
        (first, np.repeat(b_in[None], grid, axis=0)),
        (second, np.repeat(b_out[None], grid, axis=0)),
    )

    def quadratic(targets: FloatArray, z: FloatArray) -> FloatArray:
        return np.asarray((np.asarray(sigmoid(z)) - targets) ** 2, dtype=np.float64)

    def quadratic_grad(targets: FloatArray, z: FloatArray) -> FloatArray:
        p, q = np.asarray(sigmoid(z)), np.asarray(sigmoid(-z))
        return np.asarray(2 * (p - targets) * p * q, dtype=np.float64)

    objectives = {
        "cross-entropy": mean_cost(net, x, y, bernoulli_nll, bernoulli_nll_grad),
        "quadratic": mean_cost(net, x, y, quadratic, quadratic_grad),
    }
    costs, norms = {}, {}
    for name, objective in objectives.items():
        loss, ((d_first, _), (d_second, _)) = objective(params)
        costs[name] = np.asarray(loss).reshape(points, points)
        norms[name] = np.hypot(d_first[:, 0, 0], d_second[:, 0, 0]).reshape(points, points)
    return CostSurfaces(
        w1=axis,
        w2=axis,
        costs=costs,
        gradient_norms=norms,
        flatness=flatness,
        x=x,
        y=y,
        network=network,
    )
