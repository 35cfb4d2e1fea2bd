"""Convex baselines: least squares, logistic regression and the hinge loss (claims NC1-NC4).

Linear regression has a closed form; logistic regression and the linear SVM have convex losses,
so gradient descent reaches the one optimum from any start, where one exists; and even then,
floating point can spoil a closed form.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from losslab._arrays import (
    FloatArray,
    each,
    finite_positive,
    integer,
    nonnegative_int,
    positive_int,
)
from losslab.geometry import hessian, jensen_certificate
from losslab.likelihoods import bernoulli_nll
from losslab.numerics import sigmoid
from losslab.optim import gradient_descent

#: Gradient descent has reached the closed form of least squares (NC1) when no coordinate of
#: its weights is farther than this from the least-squares solution.
CLOSED_FORM_TOLERANCE = 1e-12
#: Runs of a convex descent end at one and the same optimum (NC3) when every final point lies
#: within this distance of it.
SAME_OPTIMUM = 1e-8
#: How much each tenfold increase of the step count adds at least to the weight norm on
#: separable data (NC3), where a converging descent would add less and less.
MIN_DECADE_GROWTH = 1.0
#: A matrix is numerically singular in float64 when its condition number exceeds the reciprocal
#: of the machine epsilon (NC4).
SINGULAR_CONDITION = float(1 / np.finfo(np.float64).eps)
#: The coefficient error of the normal equations is at least this many times that of
#: ``lstsq``, which keeps what they lose (NC4).
ACCURACY_LOST = 1e6


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
    x, y : numpy.ndarray
        The data: inputs, one row per sample, and targets.

    Examples
    --------
    >>> fit = closed_form(n=50, steps=10)
    >>> fit.steps, fit.exact.shape, fit.x.shape
    (10, (5,), (50, 5))
    """

    exact: FloatArray
    descended: FloatArray
    steps: int
    x: FloatArray = field(repr=False)
    y: FloatArray = field(repr=False)

    @property
    def gap(self) -> float:
        """Largest coordinate difference between the two solutions.

        Examples
        --------
        >>> fit = closed_form(steps=0)  # no step taken: the descent is still at zero
        >>> fit.gap == float(np.max(np.abs(fit.exact)))
        True
        """
        return float(np.max(np.abs(self.exact - self.descended)))


def closed_form(n: int = 500, features: int = 5, steps: int = 2000, seed: int = 0) -> ClosedForm:
    r"""Solve linear regression with ``numpy.linalg.lstsq`` and with gradient descent.

    The descent minimises half the mean squared error with the step :math:`1/L`, with :math:`L`
    the largest eigenvalue of :math:`X^\top X / n`, the best fixed step for a quadratic.

    Raises
    ------
    ValueError, TypeError
        If `n` or `features` is not an integer >= 1, or `steps` or `seed` is not an integer >= 0 (a
        bool is not an integer).

    Examples
    --------
    >>> fit = closed_form(n=50, features=3, steps=20)
    >>> fit.descended.shape == fit.exact.shape == (3,)
    True
    """
    positive_int(n, "n")
    positive_int(features, "features")
    nonnegative_int(steps, "steps")
    nonnegative_int(seed, "seed")
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features))
    y = x @ rng.normal(size=features) + rng.normal(0.0, 0.5, n)
    exact: FloatArray = np.asarray(np.linalg.lstsq(x, y, rcond=None)[0], dtype=np.float64)
    gram = x.T @ x / n
    moment = x.T @ y / n

    def half_mean_squared_error(w: FloatArray) -> tuple[float, FloatArray]:
        return float(np.mean((x @ w - y) ** 2) / 2), gram @ w - moment

    path = gradient_descent(
        half_mean_squared_error,
        np.zeros(features),
        steps=steps,
        step_size=float(1.0 / np.linalg.eigvalsh(gram)[-1]),
        keep="final",
    )
    return ClosedForm(exact=exact, descended=path.final, steps=steps, x=x, y=y)


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
    >>> normal_equations(degree=3).degree
    3
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

    Raises
    ------
    ValueError, TypeError
        If `degree` or `n` is not an integer >= 1, or `seed` is not an integer >= 0 (a bool is not
        an integer).

    Examples
    --------
    >>> result = normal_equations(degree=2)
    >>> type(result.error_normal), type(result.condition_design)
    (<class 'float'>, <class 'float'>)
    """
    positive_int(degree, "degree")
    positive_int(n, "n")
    nonnegative_int(seed, "seed")
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
    x, y : numpy.ndarray
        The data: inputs, one row per sample, and labels 0 or 1.

    Examples
    --------
    >>> checks = convexity_checks(points=3)
    >>> len(checks.min_hessian_eigenvalues), checks.pairs
    (3, 3)
    """

    min_hessian_eigenvalues: FloatArray
    logistic_certificate_found: bool
    hinge_certificate_found: bool
    pairs: int
    x: FloatArray = field(repr=False)
    y: FloatArray = field(repr=False)


def convexity_checks(points: int = 20, seed: int = 2) -> ConvexityChecks:
    """Hessian spectra of the logistic loss at random points; Jensen searches on both losses.

    Raises
    ------
    ValueError, TypeError
        If `points` is not an integer >= 2, or `seed` is not an integer >= 0 (a bool is not an
        integer).

    Examples
    --------
    >>> checks = convexity_checks(points=4)
    >>> checks.min_hessian_eigenvalues.shape, checks.x.shape
    ((4,), (100, 3))
    """
    integer(points, "points", 2)
    nonnegative_int(seed, "seed")
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(100, 3))
    y = (x @ np.array([1.0, -1.0, 0.5]) + rng.normal(0.0, 1.0, 100) > 0).astype(float)
    signs = 2.0 * y - 1.0

    def logistic(w: FloatArray) -> float:
        return float(np.mean(bernoulli_nll(y, x @ w)))

    def logistic_gradient(w: FloatArray) -> FloatArray:
        result: FloatArray = x.T @ (np.asarray(sigmoid(x @ w)) - y) / y.size
        return result

    def hinge(w: FloatArray) -> float:
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
        x=x,
        y=y,
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
    x, y : numpy.ndarray
        The data: inputs, one row per sample, and labels 0 or 1.

    Examples
    --------
    >>> many_starts(starts=4, steps=10).finals.shape
    (4, 3)
    """

    finals: FloatArray = field(repr=False)
    optimum: FloatArray
    scale: float
    distances: FloatArray = field(repr=False)
    x: FloatArray = field(repr=False)
    y: FloatArray = field(repr=False)

    @property
    def spread(self) -> float:
        """Largest distance of a final point from the common optimum.

        Examples
        --------
        >>> result = many_starts(starts=5, steps=10)
        >>> result.spread == float(result.distances[-1].max())
        True
        """
        return float(np.max(np.linalg.norm(self.finals - self.optimum, axis=1)))


def many_starts(
    starts: int = 50, steps: int = 600, step_size: float = 2.0, scale: float = 5.0, seed: int = 3
) -> ManyStarts:
    """Run gradient descent from `starts` points drawn from ``N(0, scale**2)``, all at once.

    The classes overlap, so the loss has a unique finite minimiser, found here independently by
    Newton's method; every run ends next to it.

    Raises
    ------
    ValueError, TypeError
        If `starts` is not an integer >= 1, `steps` or `seed` is not an integer >= 0, or `step_size`
        or `scale` is not a positive finite number (a bool is not an integer).

    Examples
    --------
    >>> many_starts(starts=3, steps=20).distances.shape
    (21, 3)
    """
    positive_int(starts, "starts")
    nonnegative_int(steps, "steps")
    finite_positive(step_size, "step_size")
    finite_positive(scale, "scale")
    nonnegative_int(seed, "seed")
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(200, 3))
    y = (x @ np.array([1.5, -1.0, 0.5]) + rng.logistic(0.0, 1.0, 200) > 0).astype(float)

    def mean_logistic_cost(w: FloatArray) -> tuple[FloatArray, FloatArray]:
        z = w @ x.T  # (starts, samples): one row of weights per start
        loss: FloatArray = np.mean(bernoulli_nll(y, z), axis=-1)
        return loss, (np.asarray(sigmoid(z)) - y) @ x / y.size

    start = rng.normal(0.0, scale, (starts, 3))
    path = gradient_descent(mean_logistic_cost, start, steps=steps, step_size=step_size)
    optimum = np.zeros(3)
    for _ in range(50):  # Newton's method: the reference solution
        p = np.asarray(sigmoid(x @ optimum))
        curvature = (x * (p * (1 - p))[:, None]).T @ x
        optimum = optimum - np.linalg.solve(curvature, x.T @ (p - y))
    distances = np.linalg.norm(np.array(path.params) - optimum, axis=-1)
    return ManyStarts(
        finals=path.final, optimum=optimum, scale=scale, distances=distances, x=x, y=y
    )


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
    norms: FloatArray
    losses: FloatArray
    path_steps: npt.NDArray[np.int64] = field(repr=False)
    norm_path: FloatArray = field(repr=False)
    loss_path: FloatArray = field(repr=False)

    @property
    def growth_per_decade(self) -> FloatArray:
        """How much the weight norm grows between consecutive checkpoints.

        Examples
        --------
        >>> separable_growth((1, 10, 100)).growth_per_decade.shape
        (2,)
        """
        result: FloatArray = np.diff(self.norms)
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

    Raises
    ------
    ValueError, TypeError
        If `checkpoints` or `n` is not an integer >= 1, `seed` is not an integer >= 0, or
        `step_size` is not a positive finite number (a bool is not an integer; a sequence is checked
        entry by entry).

    Examples
    --------
    >>> result = separable_growth((5, 50))
    >>> result.checkpoints.tolist(), bool(result.path_steps[-1] == 50)
    ([5, 50], True)
    """
    each(checkpoints, positive_int, "checkpoints")
    positive_int(n, "n")
    finite_positive(step_size, "step_size")
    nonnegative_int(seed, "seed")
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(4 * n, 2))
    x = x[np.abs(x @ np.array([1.0, 1.0])) > 0.5][:n]  # a margin on both sides of the line
    y = (x @ np.array([1.0, 1.0]) > 0).astype(float)

    def mean_logistic_cost(w: FloatArray) -> tuple[float, FloatArray]:
        z = x @ w
        return float(np.mean(bernoulli_nll(y, z))), x.T @ (np.asarray(sigmoid(z)) - y) / y.size

    last = max(checkpoints)
    path = gradient_descent(mean_logistic_cost, np.zeros(2), steps=last, step_size=step_size)
    recorded = np.union1d(np.unique(np.geomspace(1, last, 100).astype(np.int64)), checkpoints)
    norms = np.array([float(np.linalg.norm(path.params[step])) for step in recorded])
    losses = path.losses[recorded]
    at = np.searchsorted(recorded, sorted(checkpoints))
    return SeparableGrowth(
        checkpoints=recorded[at],
        norms=norms[at],
        losses=losses[at],
        path_steps=recorded,
        norm_path=norms,
        loss_path=losses,
    )
