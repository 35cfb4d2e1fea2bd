"""Experiments of section 2.1: convex baselines, non-convex networks, and initialisation.

Linear regression has a closed form; logistic regression and the linear SVM have convex losses,
so gradient descent reaches the one optimum from any start; and even then, floating point can
spoil a closed form (claims NC1-NC4). A network with a hidden layer is not convex: swapping two
hidden units gives a second minimum, and the path between the two climbs (NC5). Gradient descent
then ends where its start leads it (NC6, NC7), which is why initialisation matters: random
weights break the symmetry, small ones avoid saturation (NC8), and non-negative biases keep ReLU
units alive (NC9, NC10). The straight line from start to solution, and filter-normalised slices
around the solution, show the landscape (EX4).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.special

from losslab.geometry import (
    Gradient,
    JensenCertificate,
    Loss,
    filter_normalized_direction,
    flatten,
    hessian,
    jensen_certificate,
    line_slice,
    plane_slice,
    unflatten,
)
from losslab.likelihoods import (
    bernoulli_nll,
    bernoulli_nll_grad,
    gaussian_nll,
    gaussian_nll_grad,
    sigmoid,
)
from losslab.nets import MLP, Params
from losslab.optim import LossAndGrad, gradient_descent

__all__ = [
    "XOR_INPUTS",
    "XOR_LABELS",
    "XOR_PLATEAUS",
    "XOR_SOLVED",
    "BornDead",
    "ClosedForm",
    "ConvexityChecks",
    "Landscape",
    "ManyStarts",
    "NormalEquations",
    "PermutationProbe",
    "ReluBias",
    "SeparableGrowth",
    "SymmetricInit",
    "XorRuns",
    "born_dead",
    "closed_form",
    "convexity_checks",
    "landscape",
    "many_starts",
    "normal_equations",
    "permutation_probe",
    "relu_bias",
    "separable_growth",
    "symmetric_init",
    "xor_runs",
]

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ClosedForm:
    """Least squares by its closed form and by gradient descent (claim NC1).

    Attributes
    ----------
    exact : numpy.ndarray
        The least-squares weights from ``numpy.linalg.lstsq``.
    descended : numpy.ndarray
        The weights after `steps` steps of gradient descent from zero.
    steps : int
        The number of descent steps.

    Examples
    --------
    >>> closed_form(steps=10).steps
    10
    """

    exact: Array
    descended: Array
    steps: int

    @property
    def gap(self) -> float:
        """Largest coordinate difference between the two solutions.

        Examples
        --------
        >>> closed_form(steps=0).gap > closed_form(steps=2000).gap
        True
        """
        return float(np.max(np.abs(self.exact - self.descended)))


def closed_form(n: int = 500, features: int = 5, steps: int = 2000, seed: int = 0) -> ClosedForm:
    r"""Solve linear regression with ``numpy.linalg.lstsq`` and with gradient descent.

    The descent uses the step :math:`1/L`, with :math:`L` the largest eigenvalue of
    :math:`X^\top X / n`, the best fixed step for a quadratic.

    Examples
    --------
    >>> closed_form().gap < 1e-12
    True
    """
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features))
    y = x @ rng.normal(size=features) + rng.normal(0.0, 0.5, n)
    exact: Array = np.asarray(np.linalg.lstsq(x, y, rcond=None)[0], dtype=np.float64)
    gram = x.T @ x / n
    step = 1.0 / np.linalg.eigvalsh(gram)[-1]
    w = np.zeros(features)
    for _ in range(steps):
        w = w - step * (gram @ w - x.T @ y / n)
    return ClosedForm(exact=exact, descended=w, steps=steps)


@dataclass(frozen=True)
class NormalEquations:
    """Polynomial least squares by the normal equations and by an SVD-based solver (claim NC4).

    Attributes
    ----------
    degree : int
        The degree of the polynomial features.
    condition_design : float
        The condition number of the design matrix X.
    condition_normal : float
        The condition number of X^T X, as computed in float64.
    error_normal : float
        The largest coefficient error of the normal equations.
    error_lstsq : float
        The largest coefficient error of ``numpy.linalg.lstsq``.

    Examples
    --------
    >>> result = normal_equations(degree=3)
    >>> result.condition_normal > result.condition_design
    True
    """

    degree: int
    condition_design: float
    condition_normal: float
    error_normal: float
    error_lstsq: float


def normal_equations(degree: int = 12, n: int = 200, seed: int = 1) -> NormalEquations:
    r"""Fit exact polynomial data by :math:`(X^\top X)^{-1} X^\top y` and by ``lstsq`` (SVD).

    The data are noiseless, so the true coefficients are the exact answer; the errors are the
    largest coordinate errors. Forming :math:`X^\top X` squares the condition number of the
    design matrix, and the normal equations lose accordingly.

    Examples
    --------
    >>> r = normal_equations()
    >>> r.error_normal > 1e6 * r.error_lstsq
    True
    """
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(0.0, 1.0, n))
    design = np.vander(t, degree + 1, increasing=True)
    coefficients = rng.normal(size=degree + 1)
    y = design @ coefficients
    normal = np.linalg.solve(design.T @ design, design.T @ y)
    svd = np.linalg.lstsq(design, y, rcond=None)[0]  # LAPACK gelsd: never forms X^T X
    return NormalEquations(
        degree=degree,
        condition_design=float(np.linalg.cond(design)),
        condition_normal=float(np.linalg.cond(design.T @ design)),
        error_normal=float(np.max(np.abs(normal - coefficients))),
        error_lstsq=float(np.max(np.abs(svd - coefficients))),
    )


@dataclass(frozen=True)
class ConvexityChecks:
    """Convexity probes of the logistic loss and the hinge loss (claim NC2).

    Attributes
    ----------
    min_hessian_eigenvalues : numpy.ndarray
        The smallest eigenvalue of the logistic loss's Hessian at each random point.
    logistic_certificate_found, hinge_certificate_found : bool
        Whether the Jensen search found a violation for that loss.
    pairs : int
        The number of pairs of points searched.

    Examples
    --------
    >>> checks = convexity_checks(points=3)
    >>> len(checks.min_hessian_eigenvalues)
    3
    """

    min_hessian_eigenvalues: Array
    logistic_certificate_found: bool
    hinge_certificate_found: bool
    pairs: int


def convexity_checks(points: int = 20, seed: int = 2) -> ConvexityChecks:
    """Hessian spectra of the logistic loss at random points; Jensen searches on both losses.

    Examples
    --------
    >>> checks = convexity_checks()
    >>> bool(checks.min_hessian_eigenvalues.min() > 0), checks.hinge_certificate_found
    (True, False)
    """
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(100, 3))
    y = (x @ np.array([1.0, -1.0, 0.5]) + rng.normal(0.0, 1.0, 100) > 0).astype(float)
    signs = 2.0 * y - 1.0

    def logistic(w: Array) -> float:
        return float(np.mean(bernoulli_nll(y, x @ w)))

    def logistic_gradient(w: Array) -> Array:
        result: Array = x.T @ (np.asarray(sigmoid(x @ w)) - y) / y.size
        return result

    def hinge(w: Array) -> float:
        return float(np.mean(np.maximum(0.0, 1.0 - signs * (x @ w))))

    starts = [rng.normal(0.0, 3.0, 3) for _ in range(points)]
    eigenvalues = np.array(
        [np.linalg.eigvalsh(hessian(logistic_gradient, w)).min() for w in starts]
    )
    return ConvexityChecks(
        min_hessian_eigenvalues=eigenvalues,
        logistic_certificate_found=jensen_certificate(logistic, starts) is not None,
        hinge_certificate_found=jensen_certificate(hinge, starts) is not None,
        pairs=points * (points - 1) // 2,
    )


@dataclass(frozen=True)
class ManyStarts:
    """Logistic regression from many random starts, on overlapping classes (claim NC3).

    Attributes
    ----------
    finals : numpy.ndarray
        The final weights of every start, one row each.
    optimum : numpy.ndarray
        The minimiser found independently by Newton's method.
    scale : float
        The standard deviation of the starting weights.
    distances : numpy.ndarray
        The distance of every start's weights from the optimum at every step,
        shape (steps + 1, starts).

    Examples
    --------
    >>> many_starts(starts=4, steps=10).finals.shape
    (4, 3)
    """

    finals: Array = field(repr=False)
    optimum: Array
    scale: float
    distances: Array = field(repr=False)

    @property
    def spread(self) -> float:
        """Largest distance of a final point from the common optimum.

        Examples
        --------
        >>> many_starts(starts=5, steps=0).spread > many_starts(starts=5).spread
        True
        """
        return float(np.max(np.linalg.norm(self.finals - self.optimum, axis=1)))


def many_starts(
    starts: int = 50, steps: int = 3000, step_size: float = 2.0, scale: float = 5.0, seed: int = 3
) -> ManyStarts:
    """Run gradient descent from `starts` points drawn from ``N(0, scale**2)``, all at once.

    The classes overlap, so the loss has a unique finite minimiser, found here independently by
    Newton's method; every run ends next to it.

    Examples
    --------
    >>> many_starts().spread < 1e-6
    True
    """
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(200, 3))
    y = (x @ np.array([1.5, -1.0, 0.5]) + rng.logistic(0.0, 1.0, 200) > 0).astype(float)
    w = rng.normal(0.0, scale, (starts, 3))  # one row per start: all descend together
    path = [w]
    for _ in range(steps):
        p = scipy.special.expit(w @ x.T)  # (starts, samples)
        w = w - step_size * (p - y) @ x / y.size
        path.append(w)
    optimum = np.zeros(3)
    for _ in range(50):  # Newton's method: the reference solution
        p = scipy.special.expit(x @ optimum)
        curvature = (x * (p * (1 - p))[:, None]).T @ x
        optimum = optimum - np.linalg.solve(curvature, x.T @ (p - y))
    distances = np.linalg.norm(np.array(path) - optimum, axis=-1)
    return ManyStarts(finals=w, optimum=optimum, scale=scale, distances=distances)


@dataclass(frozen=True)
class SeparableGrowth:
    """Logistic regression on separable classes, where the loss has no minimiser (claim NC3).

    Attributes
    ----------
    checkpoints : numpy.ndarray
        The step counts at which the weights were recorded.
    norms : numpy.ndarray
        The norm of the weights at each checkpoint.
    losses : numpy.ndarray
        The mean cost at each checkpoint.
    path_steps : numpy.ndarray
        About a hundred step counts spread evenly on a log scale, the checkpoints included.
    norm_path, loss_path : numpy.ndarray
        The norm of the weights and the mean cost at those steps.

    Examples
    --------
    >>> separable_growth(checkpoints=(1, 10)).norms.shape
    (2,)
    """

    checkpoints: npt.NDArray[np.int64]
    norms: Array
    losses: Array
    path_steps: npt.NDArray[np.int64] = field(repr=False)
    norm_path: Array = field(repr=False)
    loss_path: Array = field(repr=False)

    @property
    def growth_per_decade(self) -> Array:
        """How much the weight norm grows between consecutive checkpoints.

        Examples
        --------
        >>> separable_growth((10, 100, 1000)).growth_per_decade.round(2).tolist()
        [2.97, 4.06]
        """
        result: Array = np.diff(self.norms)
        return result


def separable_growth(
    checkpoints: tuple[int, ...] = (10, 100, 1000, 10_000),
    n: int = 200,
    step_size: float = 1.0,
    seed: int = 4,
) -> SeparableGrowth:
    """Run gradient descent on data a line separates, recording the weights at `checkpoints`.

    Every separating direction scaled up lowers the loss further, so the infimum 0 is never
    attained: the norm of the weights grows without bound (like the log of the step count)
    while the loss creeps towards 0. Convexity promises the optimum only where one exists.

    Examples
    --------
    >>> result = separable_growth()
    >>> bool(np.all(np.diff(result.norms) > 0) and np.all(np.diff(result.losses) < 0))
    True
    """
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(4 * n, 2))
    x = x[np.abs(x @ np.array([1.0, 1.0])) > 0.5][:n]  # a margin on both sides of the line
    y = (x @ np.array([1.0, 1.0]) > 0).astype(float)
    last = max(checkpoints)
    recorded = np.union1d(np.unique(np.geomspace(1, last, 100).astype(np.int64)), checkpoints)
    w = np.zeros(2)
    norms, losses = [], []
    for step in range(1, last + 1):
        w = w - step_size * x.T @ (np.asarray(sigmoid(x @ w)) - y) / y.size
        if step in recorded:
            norms.append(float(np.linalg.norm(w)))
            losses.append(float(np.mean(bernoulli_nll(y, x @ w))))
    at = np.searchsorted(recorded, sorted(checkpoints))
    return SeparableGrowth(
        checkpoints=recorded[at],
        norms=np.array(norms)[at],
        losses=np.array(losses)[at],
        path_steps=recorded,
        norm_path=np.array(norms),
        loss_path=np.array(losses),
    )


# --- XOR: the smallest problem a linear model cannot solve ----------------------------------

#: The four inputs of XOR.
XOR_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
#: Their labels, 1 where exactly one input is 1.
XOR_LABELS = np.array([0.0, 1.0, 1.0, 0.0])
#: Mean costs at which training on XOR stalls. A 2-2-1 net may fit two points and leave two at
#: probability 1/2 (ln 2 / 2), or fit one and give the other three 2/3 (two of them labelled 1).
XOR_PLATEAUS = {
    "two points at one half": math.log(2) / 2,
    "three points at two thirds": (2 * math.log(1.5) + math.log(3)) / 4,
    "chance": math.log(2),
}


Cost = Callable[[Array, Array], Any]
Objective = Callable[[Params], tuple[Array, Params]]


def _mean_cost(
    net: MLP, x: Array, y: Array, cost: Cost = bernoulli_nll, cost_grad: Cost = bernoulli_nll_grad
) -> Objective:
    """The mean cost of a one-output `net` on ``(x, y)`` and its gradient, one loss per seed."""

    def loss_and_grad(params: Params) -> tuple[Array, Params]:
        output, cache = net.forward(params, x)
        z = output[..., 0]
        loss: Array = np.mean(cost(y, z), axis=-1)
        d_output = np.asarray(cost_grad(y, z))[..., None] / y.size
        return loss, net.backward(params, cache, d_output)

    return loss_and_grad


def _xor_objective(net: MLP) -> Objective:
    """The mean Bernoulli cost of `net` on XOR and its gradient, one loss per seed."""
    return _mean_cost(net, XOR_INPUTS, XOR_LABELS)


def _on_vectors(objective: LossAndGrad, like: Params) -> tuple[Loss, Gradient]:
    """`objective` for one network as a loss and a gradient of flat parameter vectors."""

    def loss(vector: Array) -> float:
        return float(np.asarray(objective(unflatten(vector, like))[0]))

    def gradient(vector: Array) -> Array:
        return flatten(objective(unflatten(vector, like))[1])

    return loss, gradient


def _take(params: Params, index: int | npt.NDArray[np.intp]) -> Params:
    """The network(s) at `index` of the leading seed axis."""
    return tuple((w[index], b[index]) for w, b in params)


#: A run counts as having solved XOR when its mean cost ends below this.
XOR_SOLVED = 0.05

#: The network every XOR experiment trains, with two inputs, two tanh units and one logit.
XOR_NET = MLP((2, 2, 1), hidden="tanh")


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

    scales: Array
    losses: Array = field(repr=False)
    record: int
    saturation: Array
    starts: Params = field(repr=False)
    finals: Params = field(repr=False)

    @property
    def final(self) -> Array:
        """Final mean cost, shape (K, S).

        Examples
        --------
        >>> xor_runs(scales=(0.5, 1.0), seeds=3, steps=5).final.shape
        (2, 3)
        """
        result: Array = self.losses[-1]
        return result

    def solved(self, below: float = XOR_SOLVED) -> Array:
        """Share of the runs at each scale whose final cost is below `below`.

        Examples
        --------
        >>> runs = xor_runs(scales=(0.5, 1.0), seeds=16, steps=1000)
        >>> runs.solved().shape, bool(runs.solved(below=1.0).min() == 1.0)
        ((2,), True)
        """
        result: Array = np.mean(self.final < below, axis=-1)
        return result

    def stalled(self, plateau: str = "two points at one half", within: float = 0.01) -> Array:
        """Share of the runs at each scale that end within `within` of a named plateau.

        Examples
        --------
        >>> runs = xor_runs(scales=(1.0,), seeds=16, steps=1000)
        >>> float(runs.stalled("chance", within=1.0)[0])
        1.0
        """
        result: Array = np.mean(np.abs(self.final - XOR_PLATEAUS[plateau]) < within, axis=-1)
        return result

    def probabilities(self, k: int) -> Array:
        """Each trained run's predicted probability of label 1 on the four inputs, (S, 4).

        Examples
        --------
        >>> runs = xor_runs(scales=(1.0,), seeds=3, steps=5)
        >>> runs.probabilities(0).shape
        (3, 4)
        """
        seeds = self.final.shape[1]
        logits = XOR_NET.forward(
            _take(self.finals, np.arange(k * seeds, (k + 1) * seeds)), XOR_INPUTS
        )[0]
        result: Array = np.asarray(sigmoid(logits[..., 0]), dtype=np.float64)
        return result

    def network(self, k: int, s: int, *, final: bool = True) -> Params:
        """The single network of run `s` at scale index `k`, trained or at its start.

        Examples
        --------
        >>> runs = xor_runs(scales=(1.0, 2.0), seeds=3, steps=5)
        >>> runs.network(1, 2)[0][0].shape
        (2, 2)
        """
        return _take(self.finals if final else self.starts, k * self.final.shape[1] + s)


def xor_runs(
    scales: tuple[float, ...] = (0.1, 0.5, 1.0, 2.0, 4.0, 8.0),
    seeds: int = 128,
    steps: int = 3000,
    step_size: float = 0.5,
    record: int = 10,
    seed: int = 0,
) -> XorRuns:
    """Train ``seeds`` networks per weight scale on XOR, all in one batched descent.

    Weights start ``N(0, scale**2)`` and biases at 0; every run takes the same `steps` steps of
    plain gradient descent. ``saturation`` is the mean derivative of the hidden tanh units over
    the four inputs at the start: near 1 for small weights, near 0 when large weights saturate.

    Examples
    --------
    >>> runs = xor_runs(scales=(1.0,), seeds=32, steps=2000)
    >>> bool(runs.solved()[0] > 0.3 and runs.stalled()[0] > 0.1)
    True
    """
    rng = np.random.default_rng(seed)
    scale_of_run = np.repeat(np.asarray(scales, dtype=np.float64), seeds)
    unit = XOR_NET.init(rng, seeds=scale_of_run.size, scale=1.0)
    starts = tuple((w * scale_of_run[:, None, None], b) for w, b in unit)
    path = gradient_descent(_xor_objective(XOR_NET), starts, steps=steps, step_size=step_size)
    pre = XOR_INPUTS @ starts[0][0] + starts[0][1][:, None, :]
    slope = np.mean(1.0 - np.tanh(pre) ** 2, axis=(1, 2)).reshape(len(scales), seeds)
    return XorRuns(
        scales=np.asarray(scales, dtype=np.float64),
        losses=path.losses[::record].reshape(-1, len(scales), seeds),
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
    >>> probe = permutation_probe(xor_runs(scales=(1.0,), seeds=8, steps=1500))
    >>> abs(probe.loss - probe.swapped_loss) <= 1e-14 * probe.loss
    True
    """

    loss: float
    swapped_loss: float
    ts: Array
    line: Array
    midpoint_loss: float
    midpoint_eigenvalues: Array
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
    >>> probe = permutation_probe(xor_runs(scales=(1.0,), seeds=8, steps=1500))
    >>> bool(probe.midpoint_eigenvalues[0] < 0 and probe.certificate.gap > 0)
    True
    """
    k, s = np.unravel_index(np.argmin(runs.final), runs.final.shape)
    params = runs.network(int(k), int(s))
    loss, gradient = _on_vectors(_xor_objective(XOR_NET), params)

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


def _unit_spread(params: Params) -> Array:
    """Per seed: how far the hidden units' parameters are from being copies of unit 0."""
    (w1, b1), (w2, _) = params
    columns = np.concatenate([w1, b1[:, None, :], np.swapaxes(w2, -1, -2)], axis=-2)
    result: Array = np.max(np.abs(columns - columns[..., :1]), axis=(-2, -1))
    return result


def symmetric_init(
    hidden: int = 4, value: float = 0.5, steps: int = 2000, step_size: float = 0.5, seed: int = 0
) -> SymmetricInit:
    """Train a 2-`hidden`-1 tanh net on XOR from three starts in one batched descent.

    * ``zero``: every weight and bias 0. Every hidden unit outputs tanh(0) = 0 and the output
      weights are 0, so no gradient reaches any weight: nothing but the output bias can move,
      and on XOR's balanced labels its gradient is 0 as well.
    * ``constant``: every weight `value`, biases 0. The units compute the same function, receive
      the same gradient, and so stay copies of each other: the net is a one-unit net.
    * ``random``: weights ``N(0, 1)``, which breaks the tie.

    Examples
    --------
    >>> result = symmetric_init(steps=200)
    >>> result.unit_spread["constant"], result.hidden_moved["zero"]
    (0.0, 0.0)
    """
    names = ("zero", "constant", "random")
    rng = np.random.default_rng(seed)
    net = MLP((2, hidden, 1), hidden="tanh")
    random = net.init(rng, seeds=3, scale=1.0)
    fill = np.array([0.0, value, np.nan])[:, None, None]
    starts = tuple((np.where(np.isnan(fill), w, fill), np.zeros_like(b)) for w, b in random)
    path = gradient_descent(_xor_objective(net), starts, steps=steps, step_size=step_size)
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


# --- ReLU units and their biases ----------------------------------------------------------


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

    biases: Array
    sizes: tuple[int, ...]
    weight_scale: float
    active_share: Array
    dead_share: Array
    max_first_layer_gradient: Array
    first_layer_unchanged: npt.NDArray[np.bool_]
    constant_fit: float
    losses: Array = field(repr=False)


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

    Examples
    --------
    >>> result = relu_bias(steps=50)
    >>> float(result.max_first_layer_gradient[0]), bool(result.first_layer_unchanged[0])
    (0.0, True)
    """
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, inputs))
    y = np.sin(x @ rng.normal(size=inputs) / 2)
    net = MLP((inputs, width, 1), hidden="relu")
    count = len(biases)
    (w1, _), (w2, _) = net.init(rng, seeds=count, scale=weight_scale)
    b1 = np.repeat(np.asarray(biases, dtype=np.float64)[:, None], width, axis=1)
    starts = ((w1, b1), (w2, np.zeros((count, 1))))
    largest = np.zeros(count)

    objective = _mean_cost(net, x, y, gaussian_nll, gaussian_nll_grad)

    def loss_and_grad(params: Params) -> tuple[Array, Params]:
        loss, grads = objective(params)
        first = np.maximum(np.abs(grads[0][0]).max(axis=(-2, -1)), np.abs(grads[0][1]).max(-1))
        np.maximum(largest, first, out=largest)
        return loss, grads

    path = gradient_descent(loss_and_grad, starts, steps=steps, step_size=step_size, momentum=0.9)
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
    dead_networks: Array
    dead_units: Array


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

    Examples
    --------
    >>> result = born_dead()
    >>> bool(np.all(np.diff(result.dead_networks) >= 0) and result.dead_networks[-1] > 0.9)
    True
    """
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


# --- the landscape: straight lines and planes through parameter space (EX4) ----------------


def _moons(n: int, rng: np.random.Generator) -> tuple[Array, Array]:
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
    ts: Array
    lines: Array = field(repr=False)
    alphas: Array
    normalized: Array = field(repr=False)
    raw: Array = field(repr=False)
    twin_factor: float

    def monotone_share(self, slack: float = 1e-12) -> float:
        """Share of the runs whose loss never rises along the line from start to solution.

        Examples
        --------
        >>> landscape(seeds=2, steps=100, alphas=(0.0,)).monotone_share()
        1.0
        """
        rises = np.diff(self.lines, axis=1) > slack * np.maximum(1.0, self.lines[:, :-1])
        return float(np.mean(~rises.any(axis=1)))

    @property
    def normalized_gap(self) -> float:
        """Largest difference between the twins' filter-normalised planes.

        Examples
        --------
        >>> landscape(seeds=1, steps=10, alphas=(-0.5, 0.5), ts=(0.0,)).normalized_gap < 1e-12
        True
        """
        return float(np.max(np.abs(self.normalized[0] - self.normalized[1])))

    @property
    def raw_gap(self) -> float:
        """Largest difference between the twins' raw-direction planes.

        Examples
        --------
        >>> landscape(seeds=1, steps=10, alphas=(-0.5, 0.5), ts=(0.0,)).raw_gap > 1e-3
        True
        """
        return float(np.max(np.abs(self.raw[0] - self.raw[1])))


def landscape(
    seeds: int = 16,
    hidden: int = 16,
    n: int = 200,
    steps: int = 600,
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

    Examples
    --------
    >>> result = landscape(seeds=2, steps=200, alphas=np.linspace(-1.0, 1.0, 5))
    >>> bool(result.normalized_gap < 1e-12 < 1e-2 < result.raw_gap)
    True
    """
    rng = np.random.default_rng(seed)
    x, y = _moons(n, rng)
    net = MLP((2, hidden, 1), hidden="relu")

    objective = _mean_cost(net, x, y)
    start = net.init(rng, seeds=seeds)
    path = gradient_descent(objective, start, steps=steps, step_size=step_size, momentum=0.9)
    loss, _ = _on_vectors(objective, _take(start, 0))

    t_grid = np.linspace(0.0, 1.0, 41) if ts is None else np.asarray(ts, dtype=np.float64)
    lines = np.array(
        [
            line_slice(loss, flatten(_take(start, s)), flatten(_take(path.final, s)), t_grid)
            for s in range(seeds)
        ]
    )
    best = _take(path.final, int(np.argmin(path.losses[-1])))
    twins = (best, _rescaled(best, twin_factor))
    a_grid = np.linspace(-1.0, 1.0, 21) if alphas is None else np.asarray(alphas, dtype=float)
    raw_directions = rng.normal(size=(2, flatten(best).size))
    normalized, raw = [], []
    for twin in twins:
        directions = np.random.default_rng(seed + 1)  # the same draws for both twins
        first, second = (flatten(filter_normalized_direction(twin, directions)) for _ in "12")
        center = flatten(twin)
        normalized.append(plane_slice(loss, center, first, second, a_grid, a_grid))
        raw.append(plane_slice(loss, center, raw_directions[0], raw_directions[1], a_grid, a_grid))
    return Landscape(
        sizes=net.sizes,
        ts=t_grid,
        lines=lines,
        alphas=a_grid,
        normalized=np.array(normalized),
        raw=np.array(raw),
        twin_factor=twin_factor,
    )
