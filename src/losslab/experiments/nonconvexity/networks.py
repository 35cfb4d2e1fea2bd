"""Networks on XOR: non-convexity, plateaus, the start and its scale (claims NC5-NC8).

A network with a hidden layer is not convex: swapping two hidden units gives a second minimum,
and the path between the two climbs (NC5). Gradient descent then ends where its start leads it
(NC6, NC7); random weights break the symmetry of the hidden units, and small ones avoid
saturating them (NC8).
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
from losslab.experiments.nonconvexity._common import networks_at, on_vectors
from losslab.geometry import JensenCertificate, flatten, hessian, jensen_certificate, line_slice
from losslab.likelihoods import bernoulli_nll, bernoulli_nll_grad
from losslab.nets import MLP, Params
from losslab.numerics import sigmoid
from losslab.optim import LossAndGrad, gradient_descent, mean_cost

#: The four inputs of XOR.
XOR_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
#: Their labels, 1 where exactly one input is 1.
XOR_LABELS = np.array([0.0, 1.0, 1.0, 0.0])
#: Mean costs at which training on XOR stalls. A 2-2-1 net may fit two points and leave two at
#: probability 1/2 (ln 2 / 2), or fit one and give the other three 2/3 (two of them labelled 1).
#: The second is also the least cost a net with one hidden unit can approach.
XOR_PLATEAUS = {
    "two points at one half": math.log(2) / 2,
    "three points at two thirds": (2 * math.log(1.5) + math.log(3)) / 4,
    "chance": math.log(2),
}
#: A run counts as having solved XOR when its mean cost ends below this.
XOR_SOLVED = 0.05
#: A run counts as stalled on a plateau when its final mean cost is within this of the plateau.
PLATEAU_WITHIN = 0.01
#: How far each predicted probability of a stalled network may lie from its plateau's pattern
#: (0 or 1 on the fitted points, 1/2 or 2/3 on the others).
PLATEAU_PROBABILITY_TOLERANCE = 0.05
#: The share of runs at weight scale 1 that at least solve XOR, and at least stall at ln 2 / 2,
#: each: gradient descent both succeeds and stalls (NC6).
XOR_OUTCOME_SHARE = 0.25
#: A trained network and its twin with swapped hidden units have the same cost (NC5), up to
#: this relative difference: the same terms, summed in another order.
TWIN_AGREEMENT = 1e-14
#: Halfway between a trained network and its twin the cost is at least this many times the
#: cost at the two ends (NC5).
MIDPOINT_RISE = 100
#: The final costs of runs that differ only in their random start span at least this factor
#: (NC7).
FINAL_SPREAD = 100
#: The mean slope of the tanh units on XOR's inputs at the start is above this with small
#: starting weights, which leave the units unsaturated (NC7, NC8).
UNSATURATED_SLOPE = 0.95
#: The mean slope of the tanh units is below this with large, saturating weights (NC7, NC8).
SATURATED_SLOPE = 0.5
#: From a constant start the first-layer weights still move, by more than this; only the
#: symmetry between the hidden units never breaks (NC8).
CONSTANT_START_MOVES = 0.1
#: From a random start the hidden units drift apart during training by more than this, so the
#: measure that stays exactly 0 for the zero and constant starts does see a difference (NC8).
RANDOM_UNITS_DIFFER = 1.0

#: The network every XOR experiment trains, with two inputs, two tanh units and one logit.
XOR_NET = MLP((2, 2, 1), hidden="tanh")


def xor_objective(net: MLP) -> LossAndGrad:
    """The mean Bernoulli cost of `net` on XOR and its gradient, one loss per seed.

    Shared by the XOR experiments of this package, so that they all train on the same objective.

    Examples
    --------
    >>> zero = tuple((np.zeros_like(w), np.zeros_like(b)) for w, b in XOR_NET.init(
    ...     np.random.default_rng(0)))
    >>> loss, _ = xor_objective(XOR_NET)(zero)
    >>> bool(np.isclose(loss, math.log(2)))  # a network that answers one half everywhere
    True
    """
    return mean_cost(net, XOR_INPUTS, XOR_LABELS, bernoulli_nll, bernoulli_nll_grad)


@dataclass(frozen=True)
class XorRuns:
    """XOR learned by the 2-2-1 tanh network from many random starts, at several weight scales.

    Axis conventions: ``losses[t, k, s]`` is the mean cost at step ``t * record`` of start ``s``
    drawn at ``scales[k]``; ``starts`` and ``finals`` stack the K * S networks scale-major.

    Attributes
    ----------
    scales : numpy.ndarray
        The standard deviations of the starting weights, shape (K,).
    losses : numpy.ndarray
        The mean cost every `record` steps, shape (T, K, S).
    record : int
        The step interval between recorded costs.
    saturation : numpy.ndarray
        The mean derivative of the hidden units at the start, one per scale.
    starts, finals : tuple
        The K * S networks at the start and at the end, stacked scale-major.

    Examples
    --------
    >>> runs = xor_runs(scales=(1.0,), seeds=4, steps=20)
    >>> runs.losses.shape, runs.finals[0][0].shape
    ((3, 1, 4), (4, 2, 2))
    """

    scales: FloatArray
    losses: FloatArray = field(repr=False)
    record: int
    saturation: FloatArray
    starts: Params = field(repr=False)
    finals: Params = field(repr=False)

    @property
    def final(self) -> FloatArray:
        """Final mean cost, shape (K, S).

        Examples
        --------
        >>> xor_runs(scales=(0.5, 1.0), seeds=3, steps=10).final.shape
        (2, 3)
        """
        result: FloatArray = self.losses[-1]
        return result

    def solved(self, below: float = XOR_SOLVED) -> FloatArray:
        """Share of the runs at each scale whose final cost is below `below`.

        Examples
        --------
        >>> runs = xor_runs(scales=(0.5, 1.0), seeds=4, steps=10)
        >>> runs.solved().shape, runs.solved(below=math.inf).tolist()
        ((2,), [1.0, 1.0])
        """
        result: FloatArray = np.mean(self.final < below, axis=-1)
        return result

    def stalled(
        self, plateau: str = "two points at one half", within: float = PLATEAU_WITHIN
    ) -> FloatArray:
        """Share of the runs at each scale that end within `within` of a named plateau.

        Examples
        --------
        >>> runs = xor_runs(scales=(1.0,), seeds=4, steps=10)
        >>> runs.stalled("chance", within=math.inf).tolist()
        [1.0]
        """
        result: FloatArray = np.mean(np.abs(self.final - XOR_PLATEAUS[plateau]) < within, axis=-1)
        return result

    def probabilities(self, k: int) -> FloatArray:
        """Each trained run's predicted probability of label 1 on the four inputs, (S, 4).

        Examples
        --------
        >>> runs = xor_runs(scales=(1.0,), seeds=3, steps=10)
        >>> runs.probabilities(0).shape
        (3, 4)
        """
        seeds = self.final.shape[1]
        logits = XOR_NET.forward(
            networks_at(self.finals, np.arange(k * seeds, (k + 1) * seeds)), XOR_INPUTS
        )[0]
        result: FloatArray = np.asarray(sigmoid(logits[..., 0]), dtype=np.float64)
        return result

    def network(self, k: int, s: int, *, final: bool = True) -> Params:
        """The single network of run `s` at scale index `k`, trained or at its start.

        Examples
        --------
        >>> runs = xor_runs(scales=(1.0, 2.0), seeds=3, steps=10)
        >>> runs.network(1, 2)[0][0].shape
        (2, 2)
        """
        return networks_at(self.finals if final else self.starts, k * self.final.shape[1] + s)


def xor_runs(
    scales: tuple[float, ...] = (0.1, 0.5, 1.0, 2.0, 4.0, 8.0),
    seeds: int = 128,
    steps: int = 1500,
    step_size: float = 1.0,
    record: int = 10,
    seed: int = 0,
) -> XorRuns:
    """Train ``seeds`` networks per weight scale on XOR, all in one batched descent.

    Weights start ``N(0, scale**2)`` and biases at 0; every run takes the same `steps` steps of
    plain gradient descent, the cost recorded every `record` steps. ``saturation`` is the mean
    derivative of the hidden tanh units over the four inputs at the start: near 1 for small
    weights, near 0 when large weights saturate.

    Raises
    ------
    ValueError, TypeError
        If `steps` is not a multiple of `record`, `seeds` or `record` is not an integer >= 1,
        `steps` or `seed` is not an integer >= 0, or `scales` or `step_size` is not a positive
        finite number (a bool is not an integer; a sequence is checked entry by entry).

    Examples
    --------
    >>> runs = xor_runs(scales=(0.5, 4.0), seeds=8, steps=100)
    >>> runs.final.shape, runs.saturation.shape
    ((2, 8), (2,))
    >>> xor_runs(steps=15)
    Traceback (most recent call last):
    ...
    ValueError: steps must be a multiple of record = 10; got 15
    """
    each(scales, finite_positive, "scales")
    positive_int(seeds, "seeds")
    nonnegative_int(steps, "steps")
    finite_positive(step_size, "step_size")
    positive_int(record, "record")
    nonnegative_int(seed, "seed")
    if steps % record:
        raise ValueError(f"steps must be a multiple of record = {record}; got {steps}")
    rng = np.random.default_rng(seed)
    scale_of_run = np.repeat(np.asarray(scales, dtype=np.float64), seeds)
    unit = XOR_NET.init(rng, seeds=scale_of_run.size, scale=1.0)
    starts = tuple((w * scale_of_run[:, None, None], b) for w, b in unit)
    path = gradient_descent(
        xor_objective(XOR_NET),
        starts,
        steps=steps,
        step_size=step_size,
        record_every=record,
        keep="final",
    )
    pre = XOR_INPUTS @ starts[0][0] + starts[0][1][:, None, :]
    slope = np.mean(1.0 - np.tanh(pre) ** 2, axis=(1, 2)).reshape(len(scales), seeds)
    return XorRuns(
        scales=np.asarray(scales, dtype=np.float64),
        losses=path.losses.reshape(-1, len(scales), seeds),
        record=record,
        saturation=slope.mean(axis=1),
        starts=starts,
        finals=path.final,
    )


def _swap_hidden(params: Params, i: int, j: int) -> Params:
    """The same network with hidden units `i` and `j` exchanged: an equal function."""
    (w1, b1), (w2, b2) = params
    order = np.arange(b1.shape[-1])
    order[[i, j]] = order[[j, i]]
    return ((w1[..., order], b1[..., order]), (w2[..., order, :], b2))


@dataclass(frozen=True)
class PermutationProbe:
    """A trained XOR network, its twin with the hidden units swapped, and the path between.

    Attributes
    ----------
    loss, swapped_loss : float
        The mean cost of the trained network and of its twin.
    ts : numpy.ndarray
        Positions on the line through both (0: the network, 1: the twin).
    line : numpy.ndarray
        The mean cost at each position.
    midpoint_loss : float
        The mean cost halfway, where both hidden units are the same.
    midpoint_eigenvalues : numpy.ndarray
        The Hessian's eigenvalues at the midpoint, ascending.
    certificate : JensenCertificate or None
        The violation of Jensen's inequality found on the pair.

    Examples
    --------
    >>> probe = permutation_probe(xor_runs(scales=(1.0,), seeds=2, steps=10), ts=(0.0, 1.0))
    >>> probe.line.shape, probe.midpoint_eigenvalues.shape
    ((2,), (9,))
    """

    loss: float
    swapped_loss: float
    ts: FloatArray
    line: FloatArray
    midpoint_loss: float
    midpoint_eigenvalues: FloatArray
    certificate: JensenCertificate | None


def permutation_probe(runs: XorRuns, ts: npt.ArrayLike | None = None) -> PermutationProbe:
    """Probe the best-trained network of `runs` for non-convexity three ways (claim NC5).

    1. Swapping its two hidden units gives a second parameter vector with the same loss; the
       loss along the line through both (``ts``: 0 at the network, 1 at its twin) rises
       between them.
    2. The Hessian at the midpoint, where both hidden units are the same unit, has a negative
       eigenvalue: no convex function has one anywhere.
    3. :func:`losslab.geometry.jensen_certificate` on the pair returns the violation itself.

    Examples
    --------
    >>> probe = permutation_probe(xor_runs(scales=(1.0,), seeds=2, steps=10))
    >>> probe.ts.shape, type(probe.midpoint_loss)
    ((81,), <class 'float'>)
    """
    k, s = np.unravel_index(np.argmin(runs.final), runs.final.shape)
    params = runs.network(int(k), int(s))
    loss, gradient = on_vectors(xor_objective(XOR_NET), params)

    theta, twin = flatten(params), flatten(_swap_hidden(params, 0, 1))
    grid = np.linspace(-0.5, 1.5, 81) if ts is None else np.asarray(ts, dtype=np.float64)
    midpoint = (theta + twin) / 2
    return PermutationProbe(
        loss=loss(theta),
        swapped_loss=loss(twin),
        ts=grid,
        line=line_slice(loss, theta, twin, grid),
        midpoint_loss=loss(midpoint),
        midpoint_eigenvalues=np.asarray(
            np.linalg.eigvalsh(hessian(gradient, midpoint)), np.float64
        ),
        certificate=jensen_certificate(loss, [theta, twin], weights=(0.5,)),
    )


@dataclass(frozen=True)
class SymmetricInit:
    """XOR trained from a zero, a constant and a random start (claim NC8).

    ``unit_spread[name]`` is the largest difference, over the whole descent, between the
    parameters of any hidden unit (incoming weights, bias, outgoing weight) and those of unit 0.

    Attributes
    ----------
    names : tuple of str
        The three starts: ``zero``, ``constant``, ``random``.
    hidden : int
        The number of hidden units.
    value : float
        The weight of the constant start.
    final_loss : dict
        The final mean cost of each start.
    unit_spread : dict
        The largest difference between hidden units during the descent, per start.
    hidden_moved : dict
        How far the first-layer weights moved, per start.

    Examples
    --------
    >>> symmetric_init(steps=5).unit_spread["zero"]
    0.0
    """

    names: tuple[str, ...]
    hidden: int
    value: float
    final_loss: dict[str, float]
    unit_spread: dict[str, float]
    hidden_moved: dict[str, float]


def _unit_spread(params: Params) -> FloatArray:
    """Per seed: how far the hidden units' parameters are from being copies of unit 0."""
    (w1, b1), (w2, _) = params
    columns = np.concatenate([w1, b1[:, None, :], np.swapaxes(w2, -1, -2)], axis=-2)
    result: FloatArray = np.max(np.abs(columns - columns[..., :1]), axis=(-2, -1))
    return result


def symmetric_init(
    hidden: int = 4, value: float = 0.5, steps: int = 1000, step_size: float = 0.5, seed: int = 0
) -> SymmetricInit:
    """Train a 2-`hidden`-1 tanh net on XOR from three starts in one batched descent.

    * ``zero``: every weight and bias 0. Every hidden unit outputs tanh(0) = 0 and the output
      weights are 0, so no gradient reaches any weight: nothing but the output bias can move,
      and on XOR's balanced labels its gradient is 0 as well.
    * ``constant``: every weight `value`, biases 0. The units compute the same function, receive
      the same gradient, and so stay copies of each other: the net is a one-unit net.
    * ``random``: weights ``N(0, 1)``, which breaks the tie.

    Raises
    ------
    ValueError, TypeError
        If `hidden` is not an integer >= 1, `steps` or `seed` is not an integer >= 0, `step_size` is
        not a positive finite number, or `value` is not a finite number (a bool is not an integer).

    Examples
    --------
    >>> result = symmetric_init(steps=20)
    >>> result.names, result.unit_spread["constant"], result.hidden_moved["zero"]
    (('zero', 'constant', 'random'), 0.0, 0.0)
    """
    positive_int(hidden, "hidden")
    finite_real(value, "value")
    nonnegative_int(steps, "steps")
    finite_positive(step_size, "step_size")
    nonnegative_int(seed, "seed")
    names = ("zero", "constant", "random")
    rng = np.random.default_rng(seed)
    net = MLP((2, hidden, 1), hidden="tanh")
    random = net.init(rng, seeds=3, scale=1.0)
    fill = np.array([0.0, value, np.nan])[:, None, None]
    starts = tuple((np.where(np.isnan(fill), w, fill), np.zeros_like(b)) for w, b in random)
    path = gradient_descent(xor_objective(net), starts, steps=steps, step_size=step_size)
    spread = np.max([_unit_spread(p) for p in path.params], axis=0)
    moved = np.max(np.abs(path.final[0][0] - starts[0][0]), axis=(-2, -1))
    return SymmetricInit(
        names=names,
        hidden=hidden,
        value=value,
        final_loss={n: float(v) for n, v in zip(names, path.losses[-1], strict=True)},
        unit_spread={n: float(v) for n, v in zip(names, spread, strict=True)},
        hidden_moved={n: float(v) for n, v in zip(names, moved, strict=True)},
    )
