"""The cost that each output distribution implies, and a learned variance that has no minimum.

Claims CS5 and CS7 and extension EX2 of the chapter on maximum likelihood and the cost.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from losslab._arrays import FloatArray, each, finite_positive, nonnegative_int, positive_int
from losslab.likelihoods import (
    HALF_LOG_2PI,
    bernoulli_nll,
    categorical_nll,
    gaussian_nll,
    heteroscedastic_gaussian_nll,
    heteroscedastic_gaussian_nll_grad,
    laplace_nll,
    poisson_nll,
)
from losslab.optim import gradient_descent

#: The Gaussian NLL minus MSE / (2 sigma^2) equals its constant to this, at every slope (CS5).
CONSTANT_TOLERANCE = 1e-12
#: losslab's costs agree with scipy.stats' negative log-densities to this (CS7).
SCIPY_AGREEMENT = 1e-12
#: losslab's costs agree with each distribution's closed form, written out with ``math``,
#: to this (CS7).
CLOSED_FORM_AGREEMENT = 1e-12
#: At an exact fit the gradient in the raw scale ends within this of its limit 1 (EX2).
LIMIT_GRADIENT_TOLERANCE = 1e-12
#: At an exact fit every step lowers the cost, on average, by more than this share of the step
#: size (EX2).
COLLAPSE_RATE = 0.9


@dataclass(frozen=True)
class GaussianIsMSE:
    """Gaussian NLL and mean squared error of a line's slope, for several noise scales (CS5).

    Attributes
    ----------
    slopes : numpy.ndarray
        The slopes scanned.
    mse : numpy.ndarray
        The mean squared error at each slope.
    nll : dict
        The mean Gaussian negative log-likelihood at each slope, by noise scale.
    constant_gap : dict
        The largest deviation of NLL - MSE / (2 sigma^2) from its constant, by noise scale.
    argmin_mse : float
        The slope with the least squared error.
    argmin_nll : dict
        The slope with the least NLL, by noise scale.
    least_squares : float
        The least-squares slope, from ``numpy.linalg.lstsq``.
    x, y : numpy.ndarray
        The data: inputs and targets.

    Examples
    --------
    >>> result = gaussian_is_mse()
    >>> sorted(result.nll)
    [0.1, 1.0, 10.0]
    """

    slopes: FloatArray = field(repr=False)
    mse: FloatArray = field(repr=False)
    nll: dict[float, FloatArray] = field(repr=False)
    constant_gap: dict[float, float]
    argmin_mse: float
    argmin_nll: dict[float, float]
    least_squares: float
    x: FloatArray = field(repr=False)
    y: FloatArray = field(repr=False)


def gaussian_is_mse(
    sigmas: tuple[float, ...] = (0.1, 1.0, 10.0), n: int = 100, seed: int = 1
) -> GaussianIsMSE:
    r"""Mean Gaussian NLL and MSE of ``y ~ slope * x`` over a grid of slopes, for each sigma.

    For every slope and every sigma, ``NLL - MSE / (2 sigma^2)`` should be the same constant
    :math:`\tfrac12 \log(2\pi\sigma^2)`; ``constant_gap`` is the largest deviation from it, the
    constant computed with ``math``, apart from losslab. All curves then share their
    minimiser, the least-squares slope, which ``numpy.linalg.lstsq`` finds.

    Raises
    ------
    ValueError, TypeError
        If `n` is not an integer >= 1, `seed` is not an integer >= 0, or `sigmas` is not a positive
        finite number (a bool is not an integer; a sequence is checked entry by entry).

    Examples
    --------
    >>> result = gaussian_is_mse(sigmas=(0.5, 2.0), n=10)
    >>> result.slopes.shape, sorted(result.argmin_nll), result.x.shape
    ((801,), [0.5, 2.0], (10,))
    """
    each(sigmas, finite_positive, "sigmas")
    positive_int(n, "n")
    nonnegative_int(seed, "seed")
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, n)
    y = 2.0 * x + rng.normal(0, 0.3, n)
    slopes = np.linspace(0.0, 4.0, 801)
    predictions = slopes[:, None] * x[None, :]
    mse = np.mean((y - predictions) ** 2, axis=1)
    nll, gap, argmin = {}, {}, {}
    for sigma in sigmas:
        curve = np.mean(gaussian_nll(y, predictions, sigma), axis=1)
        nll[sigma] = curve
        predicted = 0.5 * math.log(2.0 * math.pi * sigma**2)
        gap[sigma] = float(np.max(np.abs(curve - mse / (2 * sigma**2) - predicted)))
        argmin[sigma] = float(slopes[np.argmin(curve)])
    return GaussianIsMSE(
        slopes=slopes,
        mse=mse,
        nll=nll,
        constant_gap=gap,
        argmin_mse=float(slopes[np.argmin(mse)]),
        argmin_nll=argmin,
        least_squares=float(np.linalg.lstsq(x[:, None], y, rcond=None)[0][0]),
        x=x,
        y=y,
    )


@dataclass(frozen=True)
class CostFamily:
    """One output distribution and the cost it implies (claim CS7).

    Attributes
    ----------
    distribution : str
        The output distribution.
    output, target : str
        What the network outputs and what the target is.
    classic_name : str
        The name the resulting cost usually goes by.
    grid : numpy.ndarray
        The network outputs evaluated.
    costs, reference : numpy.ndarray
        losslab's cost on the grid, and scipy.stats' negative log-density.
    closed_form : numpy.ndarray
        The negative log-density written out as a formula with ``math``, point by point.

    Examples
    --------
    >>> families = cost_families()
    >>> [family.distribution for family in families]
    ['Bernoulli', 'categorical', 'Gaussian', 'Laplace', 'Poisson']
    """

    distribution: str
    output: str
    target: str
    classic_name: str
    grid: FloatArray = field(repr=False)
    costs: FloatArray = field(repr=False)
    reference: FloatArray = field(repr=False)
    closed_form: FloatArray = field(repr=False)

    @property
    def closed_form_gap(self) -> float:
        """Largest absolute difference between losslab's cost and the closed form.

        Examples
        --------
        >>> cost_families()[2].closed_form_gap < CLOSED_FORM_AGREEMENT
        True
        """
        return float(np.max(np.abs(self.costs - self.closed_form)))

    @property
    def gap(self) -> float:
        """Largest absolute difference between losslab's cost and scipy's ``-logpdf``.

        Examples
        --------
        >>> type(cost_families()[0].gap)
        <class 'float'>
        """
        return float(np.max(np.abs(self.costs - self.reference)))


def cost_families() -> list[CostFamily]:
    r"""For each output distribution, its cost along a grid of outputs, next to scipy.stats.

    The target is fixed per family (label 1, label 0 of three classes, y = 0, y = 0, count 3) and
    the network output runs over a grid. ``reference`` is ``-logpmf`` or ``-logpdf`` from
    scipy.stats, an independent implementation of the same likelihood, and ``closed_form`` the
    textbook formula evaluated with ``math``: :math:`\log(1 + e^{-z})`,
    :math:`\log(e^z + 2) - z`, :math:`\mu^2 / 2 + \tfrac12 \log 2\pi`, :math:`|\mu| + \log 2`
    and :math:`e^\eta - 3\eta + \log 3!`.

    Raises
    ------
    ImportError
        If scipy, which the comparison needs and losslab itself does not, is not installed.

    Examples
    --------
    >>> [family.classic_name for family in cost_families()][:2]
    ['binary cross-entropy', 'softmax cross-entropy']
    """
    try:
        import scipy.special
        import scipy.stats
    except ImportError as error:
        raise ImportError(
            "cost_families compares with scipy.stats: pip install 'losslab[plot]'"
        ) from error

    logits = np.linspace(-8, 8, 161)
    locs = np.linspace(-4, 4, 161)
    log_rates = np.linspace(-2, 4, 161)
    three_class = np.stack([logits, np.zeros_like(logits), np.zeros_like(logits)], axis=-1)

    def closed(formula: Callable[[float], float], grid: FloatArray) -> FloatArray:
        return np.array([formula(float(v)) for v in grid])

    return [
        CostFamily(
            "Bernoulli",
            "logit z",
            "label 1",
            "binary cross-entropy",
            logits,
            np.asarray(bernoulli_nll(1, logits)),
            -scipy.stats.bernoulli.logpmf(1, scipy.special.expit(logits)),
            closed(lambda z: math.log1p(math.exp(-z)), logits),
        ),
        CostFamily(
            "categorical",
            "logit of class 0 (others 0)",
            "label 0 of 3",
            "softmax cross-entropy",
            logits,
            np.asarray(categorical_nll(0, three_class)),
            -np.log(scipy.special.softmax(three_class, axis=-1)[:, 0]),
            closed(lambda z: math.log(math.exp(z) + 2.0) - z, logits),
        ),
        CostFamily(
            "Gaussian",
            "mean",
            "y = 0",
            "squared error",
            locs,
            np.asarray(gaussian_nll(0.0, locs)),
            -scipy.stats.norm.logpdf(0.0, locs),
            closed(lambda m: 0.5 * m * m + 0.5 * math.log(2.0 * math.pi), locs),
        ),
        CostFamily(
            "Laplace",
            "location",
            "y = 0",
            "absolute error",
            locs,
            np.asarray(laplace_nll(0.0, locs)),
            -scipy.stats.laplace.logpdf(0.0, locs),
            closed(lambda m: abs(m) + math.log(2.0), locs),
        ),
        CostFamily(
            "Poisson",
            "log-rate",
            "count 3",
            "Poisson loss",
            log_rates,
            np.asarray(poisson_nll(3, log_rates)),
            -scipy.stats.poisson.logpmf(3, np.exp(log_rates)),
            closed(lambda e: math.exp(e) - 3.0 * e + math.log(math.factorial(3)), log_rates),
        ),
    ]


@dataclass(frozen=True)
class VarianceCollapse:
    """Gradient descent on a learned scale, on a sample the mean fits exactly (extension EX2).

    Attributes
    ----------
    raw_scales : numpy.ndarray
        The raw scale s at every step (the scale is softplus(s)).
    costs : numpy.ndarray
        The cost of the sample at every step.
    gradients : numpy.ndarray
        d cost / d s at every step.
    step_size : float
        The learning rate.

    Examples
    --------
    >>> result = variance_collapse(steps=10)
    >>> result.costs.shape
    (11,)
    """

    raw_scales: FloatArray = field(repr=False)
    costs: FloatArray = field(repr=False)
    gradients: FloatArray = field(repr=False)
    step_size: float

    @property
    def final_log10_scale(self) -> float:
        """``log10`` of the last scale; at an exact fit, cost = log(2 pi) / 2 + log sigma.

        Examples
        --------
        >>> round(variance_collapse(steps=0).final_log10_scale, 4)  # log10 softplus(1)
        0.1184
        """
        return float((self.costs[-1] - HALF_LOG_2PI) / np.log(10.0))


def variance_collapse(steps: int = 2000, step_size: float = 0.5) -> VarianceCollapse:
    r"""Descend the cost of a perfectly fitted sample in its raw scale :math:`s`.

    With the residual 0, the cost is :math:`\tfrac12\log 2\pi + \log\operatorname{softplus}(s)`:
    its gradient in :math:`s` tends to 1 and never vanishes, so each step lowers the cost by about
    ``step_size`` for ever. The likelihood grows without bound; maximum likelihood has no
    solution.

    Raises
    ------
    ValueError, TypeError
        If `steps` is not an integer >= 0, or `step_size` is not a positive finite number (a bool is
        not an integer).

    Examples
    --------
    >>> result = variance_collapse(steps=5)
    >>> float(result.raw_scales[0]), result.gradients.shape
    (1.0, (6,))
    """
    nonnegative_int(steps, "steps")
    finite_positive(step_size, "step_size")

    def gradient(raw: np.float64) -> float:
        return float(heteroscedastic_gaussian_nll_grad(0.0, 0.0, raw)[1])

    def cost_and_gradient(raw: FloatArray) -> tuple[float, FloatArray]:
        return float(heteroscedastic_gaussian_nll(0.0, 0.0, raw[0])), np.array([gradient(raw[0])])

    path = gradient_descent(cost_and_gradient, np.array([1.0]), steps=steps, step_size=step_size)
    raw = np.concatenate(path.params)
    return VarianceCollapse(
        raw_scales=raw,
        costs=path.losses,
        gradients=np.array([gradient(s) for s in raw]),
        step_size=step_size,
    )
