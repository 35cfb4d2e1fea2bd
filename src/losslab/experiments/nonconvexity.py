"""Experiments on the convex baselines of section 2.1 (claims NC1-NC4).

Linear regression has a closed form; logistic regression and the linear SVM have convex losses,
so gradient descent reaches the one optimum from any start; and even then, floating point can
spoil a closed form. The network side of the section (NC5-NC10) builds on these.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import scipy.special

from losslab.geometry import hessian, jensen_certificate
from losslab.likelihoods import bernoulli_nll, sigmoid

__all__ = [
    "ClosedForm",
    "ConvexityChecks",
    "ManyStarts",
    "NormalEquations",
    "closed_form",
    "convexity_checks",
    "many_starts",
    "normal_equations",
]

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ClosedForm:
    """Least squares by its closed form and by gradient descent (claim NC1).

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
        """Largest coordinate difference between the two solutions."""
        return float(np.max(np.abs(self.exact - self.descended)))


def closed_form(n: int = 500, features: int = 5, steps: int = 2000, seed: int = 0) -> ClosedForm:
    r"""Solve linear regression with ``numpy.linalg.lstsq`` and with gradient descent.

    The descent uses the step :math:`1/L`, with :math:`L` the largest eigenvalue of
    :math:`X^\\top X / n`, the best fixed step for a quadratic.

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
    """Polynomial least squares by the normal equations and by QR (claim NC4).

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
    r"""Fit exact polynomial data by :math:`(X^\\top X)^{-1} X^\\top y` and by ``lstsq`` (QR/SVD).

    The data are noiseless, so the true coefficients are the exact answer; the errors are the
    largest coordinate errors. Forming :math:`X^\\top X` squares the condition number of the
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
    qr = np.linalg.lstsq(design, y, rcond=None)[0]
    return NormalEquations(
        degree=degree,
        condition_design=float(np.linalg.cond(design)),
        condition_normal=float(np.linalg.cond(design.T @ design)),
        error_normal=float(np.max(np.abs(normal - coefficients))),
        error_lstsq=float(np.max(np.abs(qr - coefficients))),
    )


@dataclass(frozen=True)
class ConvexityChecks:
    """Convexity probes of the logistic loss and the hinge loss (claim NC2).

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

    Examples
    --------
    >>> many_starts(starts=4, steps=10).finals.shape
    (4, 3)
    """

    finals: Array = field(repr=False)
    optimum: Array

    @property
    def spread(self) -> float:
        """Largest distance of a final point from the common optimum."""
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
    for _ in range(steps):
        p = scipy.special.expit(w @ x.T)  # (starts, samples)
        w = w - step_size * (p - y) @ x / y.size
    optimum = np.zeros(3)
    for _ in range(50):  # Newton's method: the reference solution
        p = scipy.special.expit(x @ optimum)
        curvature = (x * (p * (1 - p))[:, None]).T @ x
        optimum = optimum - np.linalg.solve(curvature, x.T @ (p - y))
    return ManyStarts(finals=w, optimum=optimum)
