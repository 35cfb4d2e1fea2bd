"""Three extensions of the chapter: where non-convexity comes from, width, and the weight scale.

A model that is nonlinear in its input but linear in its parameters keeps a convex squared
error, while a model as simple as a product of two weights loses it (EX5). With more hidden
units, gradient descent reaches a small cost from more of its starts, and each start still ends
at a value of its own (EX6). And "small" initial weights means small relative to the fan-in:
too large saturates the units, too small leaves the network near the saddle at the origin,
where it can sit for a long time (EX8).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np

from losslab._arrays import (
    FloatArray,
    each,
    finite_positive,
    integer,
    nonnegative_int,
    positive_int,
)
from losslab.experiments.nonconvexity.networks import XOR_INPUTS, XOR_LABELS, XOR_SOLVED
from losslab.geometry import JensenCertificate, hessian, jensen_certificate, line_slice
from losslab.likelihoods import bernoulli_nll, bernoulli_nll_grad
from losslab.nets import MLP, Params
from losslab.optim import gradient_descent, mean_cost

#: Below this mean cost a run counts as having reached a small cost (EX6, EX8).
SMALL_COST = XOR_SOLVED
#: The share of starts that reach a small cost at the widest width is at least this (EX6).
WIDE_REACHED = 0.9
#: The largest final cost among the starts that reach a small cost is at least this many times
#: the smallest, at every width where two or more do (EX6): each start ends at its own value,
#: where the starts of a convex problem end within rounding of each other.
OWN_VALUE_SPREAD = 1.3
#: With weights of about 1 / sqrt(fan-in) at least this share of the starts solve the task
#: (EX8).
GOOD_SCALE_SOLVED = 0.9
#: At the smallest and at the largest weight scale tried, at most this share of the starts
#: solves the task within the budget (EX8).
BAD_SCALE_SOLVED = 0.5
#: A run is on the plateau at chance while its cost is within this of ln 2, the cost of a
#: network that outputs 1/2 for every input, as it does at the origin (EX8).
CHANCE_WITHIN = 1e-3
#: From the smallest weight scale tried, the runs spend more than this share of their steps on
#: the plateau at chance, near the saddle at the origin (EX8).
SADDLE_SHARE = 0.5


@dataclass(frozen=True)
class NonconvexitySources:
    """A polynomial regression and a deep linear network on the same data (extension EX5).

    Both models fit the targets ``y`` from the inputs ``x`` by half the mean squared error. The
    polynomial ``w_0 + w_1 x + ... + w_d x^d`` is nonlinear in x and linear in its weights; the
    deep linear network ``w_2 w_1 x`` is linear in x and a product of its two weights. The
    minimisers of the network are the hyperbola ``w_1 w_2 = c``, with ``c`` the least-squares
    slope; ``twin`` is the one with ``w_1 = w_2``, and ``-twin`` computes the same function.

    Attributes
    ----------
    degree : int
        The degree of the polynomial.
    pairs : int
        The number of pairs of random points the Jensen search tried on each model.
    polynomial_min_eigenvalues : numpy.ndarray
        The smallest Hessian eigenvalue of the polynomial's loss at each random point.
    polynomial_certificate, linear_certificate : JensenCertificate or None
        The violation of Jensen's inequality the random-pair search found on each model.
    saddle_eigenvalues : numpy.ndarray
        The Hessian eigenvalues of the network's loss at the origin, ascending.
    twin : numpy.ndarray
        A minimiser ``(w_1, w_2)`` of the network's loss.
    twin_certificate : JensenCertificate or None
        The violation found on the pair ``twin`` and ``-twin`` alone.
    ts : numpy.ndarray
        Positions on the two lines below, 0 at the first point and 1 at the second.
    polynomial_line : numpy.ndarray
        The polynomial's loss on the line between the first two random points.
    linear_line : numpy.ndarray
        The network's loss on the line from ``twin`` to ``-twin``.
    x, y : numpy.ndarray
        The data.

    Examples
    --------
    >>> sources = nonconvexity_sources(points=4)
    >>> sources.pairs, sources.polynomial_min_eigenvalues.shape, sources.saddle_eigenvalues.shape
    (6, (4,), (2,))
    """

    degree: int
    pairs: int
    polynomial_min_eigenvalues: FloatArray
    polynomial_certificate: JensenCertificate | None
    linear_certificate: JensenCertificate | None
    saddle_eigenvalues: FloatArray
    twin: FloatArray
    twin_certificate: JensenCertificate | None
    ts: FloatArray
    polynomial_line: FloatArray = field(repr=False)
    linear_line: FloatArray = field(repr=False)
    x: FloatArray = field(repr=False)
    y: FloatArray = field(repr=False)


def nonconvexity_sources(
    points: int = 20, degree: int = 3, n: int = 100, scale: float = 2.0, seed: int = 5
) -> NonconvexitySources:
    """Probe a polynomial regression and a deep linear network for convexity, side by side.

    Each model gets the probes of the convex baselines: Hessian spectra (of an exact gradient,
    differentiated numerically by :func:`losslab.geometry.hessian`) and the random-pair search
    of :func:`losslab.geometry.jensen_certificate` over `points` parameter vectors drawn
    ``N(0, scale**2)``. The polynomial's Hessian is ``X^T X / n`` everywhere, positive
    semidefinite; the network's Hessian at the origin is ``[[0, -m], [-m, 0]]`` with ``m`` the
    mean of ``x y``, whose eigenvalue ``-|m|`` is negative: the origin is a saddle, and it is
    the midpoint of the two minimisers ``twin`` and ``-twin``.

    Raises
    ------
    ValueError, TypeError
        If `degree` or `n` is not an integer >= 1, `points` is not an integer >= 2, `seed` is not an
        integer >= 0, or `scale` is not a positive finite number (a bool is not an integer).

    Examples
    --------
    >>> sources = nonconvexity_sources(points=5, degree=2)
    >>> sources.linear_certificate is not None, sources.ts.shape
    (True, (41,))
    """
    integer(points, "points", 2)
    positive_int(degree, "degree")
    positive_int(n, "n")
    finite_positive(scale, "scale")
    nonnegative_int(seed, "seed")
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, n)
    y = np.sin(3.0 * x) + rng.normal(0.0, 0.1, n)
    design = np.vander(x, degree + 1, increasing=True)

    def polynomial(w: FloatArray) -> float:
        return float(np.mean((design @ w - y) ** 2) / 2)

    def polynomial_gradient(w: FloatArray) -> FloatArray:
        result: FloatArray = design.T @ (design @ w - y) / n
        return result

    def linear(w: FloatArray) -> float:
        return float(np.mean((w[0] * w[1] * x - y) ** 2) / 2)

    def linear_gradient(w: FloatArray) -> FloatArray:
        residual = w[0] * w[1] * x - y
        return np.array([np.mean(residual * w[1] * x), np.mean(residual * w[0] * x)])

    polynomial_points = [rng.normal(0.0, scale, degree + 1) for _ in range(points)]
    linear_points = [rng.normal(0.0, scale, 2) for _ in range(points)]
    slope = float(np.mean(x * y) / np.mean(x * x))  # the least-squares c of y = c x
    root = math.sqrt(abs(slope))
    twin = np.array([root, math.copysign(root, slope)])
    ts = np.linspace(0.0, 1.0, 41)
    return NonconvexitySources(
        degree=degree,
        pairs=points * (points - 1) // 2,
        polynomial_min_eigenvalues=np.array(
            [np.linalg.eigvalsh(hessian(polynomial_gradient, w))[0] for w in polynomial_points]
        ),
        polynomial_certificate=jensen_certificate(polynomial, polynomial_points),
        linear_certificate=jensen_certificate(linear, linear_points),
        saddle_eigenvalues=np.asarray(
            np.linalg.eigvalsh(hessian(linear_gradient, np.zeros(2))), dtype=np.float64
        ),
        twin=twin,
        twin_certificate=jensen_certificate(linear, [twin, -twin], weights=(0.5,)),
        ts=ts,
        polynomial_line=line_slice(polynomial, polynomial_points[0], polynomial_points[1], ts),
        linear_line=line_slice(linear, twin, -twin, ts),
        x=x,
        y=y,
    )


#: The eight inputs of three-bit parity, every vector of three bits.
PARITY_INPUTS = np.array(list(itertools.product((0.0, 1.0), repeat=3)))
#: Their labels, 1 where an odd number of bits is 1 (the XOR of the three bits).
PARITY_LABELS = PARITY_INPUTS.sum(axis=1) % 2


@dataclass(frozen=True)
class WidthRuns:
    """Three-bit parity learned by one-hidden-layer tanh networks of several widths (EX6).

    Axis conventions: ``losses[t, k, s]`` is the mean cost at step ``t * record`` of start ``s``
    of the network with ``widths[k]`` hidden units; ``starts`` and ``finals`` stack the K * S
    networks width-major, each padded to the largest width with units that are all 0.

    Attributes
    ----------
    widths : numpy.ndarray
        The numbers of hidden units, shape (K,).
    scale : float
        The standard deviation of the starting weights.
    losses : numpy.ndarray
        The mean cost every `record` steps, shape (T, K, S).
    record : int
        The step interval between recorded costs.
    starts, finals : tuple
        The K * S networks at the start and at the end, stacked width-major.

    Examples
    --------
    >>> runs = width_runs(widths=(2, 4), seeds=3, steps=20)
    >>> runs.losses.shape, runs.finals[0][0].shape
    ((3, 2, 3), (6, 3, 4))
    """

    widths: FloatArray
    scale: float
    losses: FloatArray = field(repr=False)
    record: int
    starts: Params = field(repr=False)
    finals: Params = field(repr=False)

    @property
    def final(self) -> FloatArray:
        """Final mean cost, shape (K, S).

        Examples
        --------
        >>> width_runs(widths=(2, 3), seeds=4, steps=10).final.shape
        (2, 4)
        """
        result: FloatArray = self.losses[-1]
        return result

    def reached(self, below: float = SMALL_COST) -> FloatArray:
        """Share of the starts at each width whose final cost is below `below`.

        Examples
        --------
        >>> width_runs(widths=(2, 3), seeds=4, steps=10).reached(below=math.inf).tolist()
        [1.0, 1.0]
        """
        result: FloatArray = np.mean(self.final < below, axis=-1)
        return result

    def spread(self, below: float = SMALL_COST) -> FloatArray:
        """Per width, the largest over the smallest final cost of the starts below `below`.

        NaN where fewer than two starts get there.

        Examples
        --------
        >>> runs = width_runs(widths=(2, 3), seeds=4, steps=10)
        >>> runs.spread(below=0.0).tolist()  # no start below 0: nothing to compare
        [nan, nan]
        """
        ratios = []
        for row in self.final:
            small = row[row < below]
            ratios.append(float(small.max() / small.min()) if small.size > 1 else math.nan)
        return np.array(ratios)


def width_runs(
    widths: tuple[int, ...] = (2, 3, 4, 8),
    seeds: int = 32,
    steps: int = 1000,
    scale: float = 1.0,
    step_size: float = 0.5,
    record: int = 10,
    seed: int = 0,
) -> WidthRuns:
    """Train `seeds` tanh networks of each width on three-bit parity, all in one descent.

    Every network has 3 inputs, one hidden layer and one logit, weights ``N(0, scale**2)``,
    biases 0, and takes the same `steps` steps of plain gradient descent on the mean Bernoulli
    cost. A network with k hidden units is computed as one of the largest width whose other
    units start with every parameter 0: such a unit outputs tanh(0) = 0 and sends it on with
    weight 0, so every gradient it receives is exactly 0 and it stays 0, contributing nothing.

    Raises
    ------
    ValueError, TypeError
        If `steps` is not a multiple of `record`, `widths`, `seeds` or `record` is not an integer >=
        1, `steps` or `seed` is not an integer >= 0, or `scale` or `step_size` is not a positive
        finite number (a bool is not an integer; a sequence is checked entry by entry).

    Examples
    --------
    >>> runs = width_runs(widths=(2, 8), seeds=4, steps=100)
    >>> runs.widths.tolist(), runs.final.shape
    ([2.0, 8.0], (2, 4))
    """
    each(widths, positive_int, "widths")
    positive_int(seeds, "seeds")
    nonnegative_int(steps, "steps")
    finite_positive(scale, "scale")
    finite_positive(step_size, "step_size")
    positive_int(record, "record")
    nonnegative_int(seed, "seed")
    if steps % record:
        raise ValueError(f"steps must be a multiple of record = {record}; got {steps}")
    rng = np.random.default_rng(seed)
    largest = max(widths)
    net = MLP((3, largest, 1), hidden="tanh")
    (w1, b1), (w2, b2) = net.init(rng, seeds=len(widths) * seeds, scale=scale)
    used = np.repeat(np.arange(largest)[None, :] < np.array(widths)[:, None], seeds, axis=0)
    starts: Params = (
        (np.where(used[:, None, :], w1, 0.0), b1),
        (np.where(used[:, :, None], w2, 0.0), b2),
    )
    path = gradient_descent(
        mean_cost(net, PARITY_INPUTS, PARITY_LABELS, bernoulli_nll, bernoulli_nll_grad),
        starts,
        steps=steps,
        step_size=step_size,
        record_every=record,
        keep="final",
    )
    return WidthRuns(
        widths=np.asarray(widths, dtype=np.float64),
        scale=scale,
        losses=path.losses.reshape(-1, len(widths), seeds),
        record=record,
        starts=starts,
        finals=path.final,
    )


@dataclass(frozen=True)
class InitScale:
    """XOR learned by a deep tanh network from weights of several scales (extension EX8).

    The weights of a layer with fan-in ``n`` start ``N(0, gain**2 / n)``: ``gains`` measures the
    scale in units of ``1 / sqrt(n)``. Axis conventions: ``losses[t, g, s]`` is the mean cost at
    step ``t * record`` of start ``s`` at ``gains[g]``.

    Attributes
    ----------
    gains : numpy.ndarray
        The weight scales in units of 1 / sqrt(fan-in), shape (G,).
    sizes : tuple of int
        The layer widths of the network.
    losses : numpy.ndarray
        The mean cost every `record` steps, shape (T, G, S).
    record : int
        The step interval between recorded costs.
    signal : numpy.ndarray
        The root mean square of the last hidden layer's outputs at the start, per gain.
    slope : numpy.ndarray
        The mean derivative of the hidden units on the inputs at the start, per gain.
    starts : tuple
        The G * S starting networks, stacked gain-major.

    Examples
    --------
    >>> result = init_scale(gains=(0.5, 2.0), seeds=3, steps=20)
    >>> result.losses.shape, result.sizes
    ((3, 2, 3), (2, 8, 8, 8, 1))
    """

    gains: FloatArray
    sizes: tuple[int, ...]
    losses: FloatArray = field(repr=False)
    record: int
    signal: FloatArray
    slope: FloatArray
    starts: Params = field(repr=False)

    def solved(self, below: float = SMALL_COST) -> FloatArray:
        """Share of the starts at each gain whose final cost is below `below`.

        Examples
        --------
        >>> init_scale(gains=(1.0,), seeds=2, steps=10).solved(below=math.inf).tolist()
        [1.0]
        """
        result: FloatArray = np.mean(self.losses[-1] < below, axis=-1)
        return result

    def steps_to(self, below: float = SMALL_COST) -> FloatArray:
        """The first recorded step at which each run's cost is below `below`, shape (G, S).

        Infinite for a run that never gets there within the budget.

        Examples
        --------
        >>> init_scale(gains=(1.0,), seeds=2, steps=10).steps_to(below=math.inf).tolist()
        [[0.0, 0.0]]
        """
        under = self.losses < below
        first = np.argmax(under, axis=0).astype(np.float64) * self.record
        result: FloatArray = np.where(under.any(axis=0), first, np.inf)
        return result

    def median_steps_to(self, below: float = SMALL_COST) -> FloatArray:
        """Per gain, the median of :meth:`steps_to` over its runs (inf if most never get there).

        Examples
        --------
        >>> init_scale(gains=(1.0,), seeds=3, steps=10).median_steps_to(below=math.inf).tolist()
        [0.0]
        """
        result: FloatArray = np.median(self.steps_to(below), axis=-1)
        return result

    def steps_at_chance(self, within: float = CHANCE_WITHIN) -> FloatArray:
        """Per gain, the median number of steps its runs spend with cost within `within` of ln 2.

        Each recorded cost but the last stands for the `record` steps that follow it, so a run
        that never leaves the plateau spends all its steps there.

        Examples
        --------
        >>> init_scale(gains=(0.01,), seeds=2, steps=20).steps_at_chance().tolist()
        [20.0]
        """
        near = np.abs(self.losses[:-1] - math.log(2)) < within
        result: FloatArray = np.median(near.sum(axis=0), axis=-1) * self.record
        return result


def init_scale(
    gains: tuple[float, ...] = (0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0),
    hidden: tuple[int, ...] = (8, 8, 8),
    seeds: int = 12,
    steps: int = 1500,
    step_size: float = 0.5,
    record: int = 10,
    seed: int = 0,
) -> InitScale:
    """Train a tanh network with hidden layers `hidden` on XOR from starts of several scales.

    Each layer's weights start ``N(0, gain**2 / fan_in)`` and the biases at 0; all runs take the
    same `steps` steps of plain gradient descent on the mean Bernoulli cost, in one batch.

    Two things can go wrong. With a large gain the hidden units start in the flat tails of
    tanh (``slope`` near 0) and learn slowly or not at all. With a small gain the network starts
    next to the origin, where all weights are 0: there every hidden unit outputs 0, the network
    outputs 1/2 for every input, the cost is ln 2 and the gradient is exactly 0, a saddle. A
    start near it has a tiny gradient (``signal`` shrinks by about the gain at every layer), and
    the cost stays on a plateau at ln 2 before the descent takes off, the longer the smaller the
    gain.

    Raises
    ------
    ValueError, TypeError
        If `steps` is not a multiple of `record`, `hidden`, `seeds` or `record` is not an integer >=
        1, `steps` or `seed` is not an integer >= 0, or `gains` or `step_size` is not a positive
        finite number (a bool is not an integer; a sequence is checked entry by entry).

    Examples
    --------
    >>> result = init_scale(gains=(0.1, 1.0, 10.0), seeds=2, steps=10)
    >>> bool(result.signal[0] < result.signal[1]), bool(result.slope[2] < result.slope[1])
    (True, True)
    """
    each(gains, finite_positive, "gains")
    each(hidden, positive_int, "hidden")
    positive_int(seeds, "seeds")
    nonnegative_int(steps, "steps")
    finite_positive(step_size, "step_size")
    positive_int(record, "record")
    nonnegative_int(seed, "seed")
    if steps % record:
        raise ValueError(f"steps must be a multiple of record = {record}; got {steps}")
    rng = np.random.default_rng(seed)
    net = MLP((2, *hidden, 1), hidden="tanh")
    gain_of_run = np.repeat(np.asarray(gains, dtype=np.float64), seeds)
    unit = net.init(rng, seeds=gain_of_run.size, scale=1.0)
    starts = tuple((w * gain_of_run[:, None, None] / math.sqrt(w.shape[-2]), b) for w, b in unit)
    cache = net.forward(starts, XOR_INPUTS)[1]
    outputs = [a.reshape(len(gains), -1) for a in cache[2::2]]  # each hidden layer's tanh
    path = gradient_descent(
        mean_cost(net, XOR_INPUTS, XOR_LABELS, bernoulli_nll, bernoulli_nll_grad),
        starts,
        steps=steps,
        step_size=step_size,
        record_every=record,
        keep="final",
    )
    return InitScale(
        gains=np.asarray(gains, dtype=np.float64),
        sizes=net.sizes,
        losses=path.losses.reshape(-1, len(gains), seeds),
        record=record,
        signal=np.sqrt(np.mean(outputs[-1] ** 2, axis=1)),
        slope=np.mean(np.concatenate([1.0 - a**2 for a in outputs], axis=1), axis=1),
        starts=starts,
    )
