"""The landscape: straight lines and planes through parameter space (extension EX4).

The straight line from start to solution shows whether training had obstacles to pass, and
filter-normalised slices around the solution show its surroundings in a way that does not depend
on how the network's layers happen to be scaled.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from losslab._arrays import FloatArray, finite_positive, nonnegative_int, positive_int
from losslab.experiments.nonconvexity._common import networks_at, on_stacked_vectors
from losslab.geometry import filter_normalized_direction, flatten, line_slice, plane_slice
from losslab.likelihoods import bernoulli_nll, bernoulli_nll_grad
from losslab.nets import MLP, Params
from losslab.optim import gradient_descent, mean_cost

#: The cost falls monotonically along the straight line from start to solution in at least
#: this share of the runs (EX4).
MONOTONE_SHARE = 0.75
#: Along filter-normalised directions a network and its rescaled twin give the same plane, to
#: rounding: the two differ by less than this anywhere (EX4).
NORMALIZED_GAP = 1e-12
#: Along raw Gaussian directions the same two give planes that differ by more than this (EX4).
RAW_GAP = 1.0


def _moons(n: int, rng: np.random.Generator) -> tuple[FloatArray, FloatArray]:
    """Two interleaved half circles with a little noise, labelled 0 and 1."""
    angle = rng.uniform(0.0, np.pi, n)
    label = rng.integers(0, 2, n).astype(np.float64)
    x = np.stack([np.cos(angle) + label, np.sin(angle) * (1 - 2 * label) + 0.5 * label], axis=1)
    return x + rng.normal(0.0, 0.1, x.shape), label


def _rescaled(params: Params, factor: float) -> Params:
    """Multiply the first layer by `factor` and divide the second by it.

    ReLU is positively homogeneous, relu(c z) = c relu(z) for c > 0, so for a one-hidden-layer
    ReLU network the result computes exactly the same function.
    """
    (w1, b1), (w2, b2) = params
    return ((w1 * factor, b1 * factor), (w2 / factor, b2))


@dataclass(frozen=True)
class Landscape:
    """Slices of the loss of a small ReLU classifier (extension EX4).

    ``lines[s]`` is the loss along the straight line from run s's start (t = 0) to where
    training ended (t = 1). ``normalized`` and ``raw`` hold two planes each, through the
    best-trained network (index 0) and through its rescaled twin (index 1), spanned by
    filter-normalised or by raw Gaussian directions; both axes run over ``alphas``.

    Attributes
    ----------
    sizes : tuple of int
        The layer widths of the classifier.
    ts : numpy.ndarray
        Positions on each start-to-solution line.
    lines : numpy.ndarray
        The mean cost along each run's line, shape (S, len(ts)).
    alphas : numpy.ndarray
        The coordinates along both directions of the planes.
    normalized, raw : numpy.ndarray
        The planes of the network (index 0) and of its twin (index 1).
    twin_factor : float
        The factor the twin's first layer is multiplied by.

    Examples
    --------
    >>> result = landscape(seeds=2, steps=10, alphas=(-1.0, 0.0, 1.0), ts=(0.0, 1.0))
    >>> result.lines.shape, result.normalized.shape
    ((2, 2), (2, 3, 3))
    """

    sizes: tuple[int, ...]
    ts: FloatArray
    lines: FloatArray = field(repr=False)
    alphas: FloatArray
    normalized: FloatArray = field(repr=False)
    raw: FloatArray = field(repr=False)
    twin_factor: float

    def monotone_share(self, slack: float = 1e-12) -> float:
        """Share of the runs whose loss never rises along the line from start to solution.

        Examples
        --------
        >>> result = landscape(seeds=2, steps=10, alphas=(0.0,), ts=(0.0,))
        >>> result.monotone_share()  # a line of one point cannot rise
        1.0
        """
        rises = np.diff(self.lines, axis=1) > slack * np.maximum(1.0, self.lines[:, :-1])
        return float(np.mean(~rises.any(axis=1)))

    @property
    def normalized_gap(self) -> float:
        """Largest difference between the twins' filter-normalised planes.

        Examples
        --------
        >>> result = landscape(seeds=1, steps=10, alphas=(-0.5, 0.5), ts=(0.0,))
        >>> type(result.normalized_gap)
        <class 'float'>
        """
        return float(np.max(np.abs(self.normalized[0] - self.normalized[1])))

    @property
    def raw_gap(self) -> float:
        """Largest difference between the twins' raw-direction planes.

        Examples
        --------
        >>> result = landscape(seeds=1, steps=10, alphas=(-0.5, 0.5), ts=(0.0,))
        >>> type(result.raw_gap)
        <class 'float'>
        """
        return float(np.max(np.abs(self.raw[0] - self.raw[1])))


def landscape(
    seeds: int = 16,
    hidden: int = 16,
    n: int = 200,
    steps: int = 300,
    step_size: float = 0.5,
    twin_factor: float = 10.0,
    alphas: npt.ArrayLike | None = None,
    ts: npt.ArrayLike | None = None,
    seed: int = 0,
) -> Landscape:
    """Train `seeds` 2-`hidden`-1 ReLU nets on two moons, then slice their loss.

    The 1-D slices test the observation of Goodfellow, Vinyals and Saxe (2015) that the loss
    often falls monotonically along the straight line from initialisation to solution. The 2-D
    slices test the point of Li et al. (2018): plotted along raw random directions, a network
    and its rescaled twin (the same function) give different pictures, so such plots compare
    nothing; along filter-normalised directions they give the same one.

    Raises
    ------
    ValueError, TypeError
        If `seeds`, `hidden` or `n` is not an integer >= 1, `steps` or `seed` is not an integer >=
        0, or `step_size` or `twin_factor` is not a positive finite number (a bool is not an
        integer).

    Examples
    --------
    >>> result = landscape(seeds=2, steps=20, alphas=np.linspace(-1.0, 1.0, 5))
    >>> result.sizes, result.ts.shape, result.raw.shape
    ((2, 16, 1), (41,), (2, 5, 5))
    """
    positive_int(seeds, "seeds")
    positive_int(hidden, "hidden")
    positive_int(n, "n")
    nonnegative_int(steps, "steps")
    finite_positive(step_size, "step_size")
    finite_positive(twin_factor, "twin_factor")
    nonnegative_int(seed, "seed")
    rng = np.random.default_rng(seed)
    x, y = _moons(n, rng)
    net = MLP((2, hidden, 1), hidden="relu")

    objective = mean_cost(net, x, y, bernoulli_nll, bernoulli_nll_grad)
    start = net.init(rng, seeds=seeds)
    path = gradient_descent(
        objective, start, steps=steps, step_size=step_size, momentum=0.9, keep="final"
    )
    loss = on_stacked_vectors(objective, networks_at(start, 0))

    t_grid = np.linspace(0.0, 1.0, 41) if ts is None else np.asarray(ts, dtype=np.float64)
    lines = np.array(
        [
            line_slice(
                loss,
                flatten(networks_at(start, s)),
                flatten(networks_at(path.final, s)),
                t_grid,
                vectorized=True,
            )
            for s in range(seeds)
        ]
    )
    best = networks_at(path.final, int(np.argmin(path.losses[-1])))
    twins = (best, _rescaled(best, twin_factor))
    a_grid = np.linspace(-1.0, 1.0, 21) if alphas is None else np.asarray(alphas, dtype=float)
    raw_directions = rng.normal(size=(2, flatten(best).size))
    normalized, raw = [], []
    for twin in twins:
        directions = np.random.default_rng(seed + 1)  # the same draws for both twins
        first, second = (flatten(filter_normalized_direction(twin, directions)) for _ in "12")
        center = flatten(twin)
        normalized.append(plane_slice(loss, center, first, second, a_grid, a_grid, vectorized=True))
        u, v = raw_directions
        raw.append(plane_slice(loss, center, u, v, a_grid, a_grid, vectorized=True))
    return Landscape(
        sizes=net.sizes,
        ts=t_grid,
        lines=lines,
        alphas=a_grid,
        normalized=np.array(normalized),
        raw=np.array(raw),
        twin_factor=twin_factor,
    )
