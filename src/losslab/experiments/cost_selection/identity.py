"""One identity behind the gradients of the cost-selection chapter (extension EX7).

Give each output distribution its matching output unit, the identity for a Gaussian mean, the
sigmoid for a Bernoulli probability, the softmax for categorical probabilities and the
exponential for a Poisson rate, and the gradient of the negative log-likelihood with respect to
the unit's input (its pre-activation) is the predicted mean minus the target. The squared and the
absolute error pass a gradient that shrinks like ``e^-|z|`` only when they sit on a saturating
unit; on an identity output the squared error's gradient is the residual itself.

The package :mod:`losslab.experiments.cost_selection` exports its functions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from losslab._arrays import FloatArray, finite_positive, nonnegative_int, positive_int
from losslab.likelihoods import (
    bernoulli_nll,
    bernoulli_nll_grad,
    categorical_nll,
    categorical_nll_grad,
    gaussian_nll,
    gaussian_nll_grad,
    poisson_nll,
    poisson_nll_grad,
)

#: losslab's gradient and the predicted mean minus the target agree to this, relative to the
#: size of the two terms, ``|mean| + |y|`` (EX7).
IDENTITY_TOLERANCE = 1e-13
#: Central differences of each cost agree with its gradient to this, relative to
#: ``1 + |mean| + |y|``: the accuracy of the differences (EX7).
DIFFERENCE_TOLERANCE = 1e-8
#: On a sigmoid output, the gradient of the squared and the absolute error is at most this
#: multiple of ``e^-|z|`` times the same cost's gradient on an identity output (EX7).
SATURATION_BOUND = 1.0

_STEP = 1e-5  # of the central differences; their error is about 1e-10 of the terms here


@dataclass(frozen=True)
class MatchedPair:
    """An output unit and the distribution it matches, with the NLL's gradient (extension EX7).

    Attributes
    ----------
    unit, distribution : str
        The output unit (``"identity"``, ``"sigmoid"``, ``"softmax"``, ``"exp"``) and the
        distribution of the target that it parametrises.
    pre_activations : numpy.ndarray
        The unit's inputs evaluated: one per sample, or one row of logits for the softmax.
    targets : numpy.ndarray
        The target of each sample, one-hot rows for the softmax.
    means : numpy.ndarray
        The predicted mean, the unit applied to the pre-activation, written out with numpy.
    gradients : numpy.ndarray
        losslab's ``*_nll_grad``: d cost / d pre-activation.
    differences : numpy.ndarray
        The same derivative by central differences of losslab's ``*_nll``.

    Examples
    --------
    >>> pair = matched_pairs()[1]
    >>> pair.unit, pair.distribution, pair.gradients.shape == pair.means.shape
    ('sigmoid', 'Bernoulli', True)
    """

    unit: str
    distribution: str
    pre_activations: FloatArray = field(repr=False)
    targets: FloatArray = field(repr=False)
    means: FloatArray = field(repr=False)
    gradients: FloatArray = field(repr=False)
    differences: FloatArray = field(repr=False)

    @property
    def identity_gap(self) -> float:
        """Largest ``|gradient - (mean - y)|``, relative to ``|mean| + |y|``.

        Examples
        --------
        >>> matched_pairs()[0].identity_gap  # identity output: the gradient is mean - y exactly
        0.0
        """
        # Where mean and target are both 0 the gradient must be 0 too: divide by the tiniest
        # normal number there, so that any other value counts as a gap.
        size = np.maximum(np.abs(self.means) + np.abs(self.targets), np.finfo(np.float64).tiny)
        return float(np.max(np.abs(self.gradients - (self.means - self.targets)) / size))

    @property
    def difference_gap(self) -> float:
        """Largest ``|gradient - central difference|``, relative to ``1 + |mean| + |y|``.

        Examples
        --------
        >>> matched_pairs()[3].difference_gap < DIFFERENCE_TOLERANCE
        True
        """
        size = 1.0 + np.abs(self.means) + np.abs(self.targets)
        return float(np.max(np.abs(self.gradients - self.differences) / size))


def _central(cost: Callable[[FloatArray], FloatArray], eta: FloatArray) -> FloatArray:
    """The derivative of `cost` by central differences, each entry of `eta` its own variable."""
    return (cost(eta + _STEP) - cost(eta - _STEP)) / (2 * _STEP)


def _pair(
    unit: str,
    distribution: str,
    eta: FloatArray,
    y: FloatArray,
    mean: FloatArray,
    cost: Callable[[FloatArray], Any],
    grad: Callable[[FloatArray], Any],
) -> MatchedPair:
    return MatchedPair(
        unit=unit,
        distribution=distribution,
        pre_activations=eta,
        targets=y,
        means=mean,
        gradients=np.asarray(grad(eta), dtype=np.float64),
        differences=_central(lambda e: np.asarray(cost(e), dtype=np.float64), eta),
    )


def matched_pairs(seed: int = 15) -> list[MatchedPair]:
    r"""Each output unit with its distribution: losslab's NLL gradient next to mean minus target.

    The grids cover confident and unconfident, right and wrong outputs: Gaussian means in
    [-10, 10] for targets -3, 0, 1 and 4 (unit scale); logits in [-30, 30] for labels 0 and 1;
    100 random rows of three logits of scale 5 for random labels; log-rates in [-5, 5] for counts
    0, 1, 3 and 20. The predicted means are written out with numpy (:math:`\eta`,
    :math:`1 / (1 + e^{-z})`, :math:`e^{z_k} / \sum_j e^{z_j}`, :math:`e^{\eta}`), apart from
    losslab, and the central differences are taken of losslab's costs.

    Raises
    ------
    ValueError, TypeError
        If `seed` is not an integer >= 0 (a bool is not an integer).

    Examples
    --------
    >>> [pair.unit for pair in matched_pairs()]
    ['identity', 'sigmoid', 'softmax', 'exp']
    """
    nonnegative_int(seed, "seed")
    rng = np.random.default_rng(seed)

    def grid(low: float, high: float, targets: list[float]) -> tuple[FloatArray, FloatArray]:
        eta, y = np.meshgrid(np.linspace(low, high, 121), np.array(targets))
        return eta.ravel(), y.ravel()

    mu, y_gauss = grid(-10.0, 10.0, [-3.0, 0.0, 1.0, 4.0])
    z, labels = grid(-30.0, 30.0, [0.0, 1.0])
    log_rate, counts = grid(-5.0, 5.0, [0.0, 1.0, 3.0, 20.0])
    rows = rng.normal(0.0, 5.0, (100, 3))
    classes = rng.integers(0, 3, 100)
    one_hot = np.eye(3)[classes]
    weights = np.exp(rows)

    def moved(k: int) -> Callable[[FloatArray], FloatArray]:
        """The categorical cost of each row as a function of a shift of its logit `k`."""

        def cost(step: FloatArray) -> FloatArray:
            shifted = rows + step[:, None] * np.eye(3)[k]
            return np.asarray(categorical_nll(classes, shifted), dtype=np.float64)

        return cost

    return [
        _pair(
            "identity",
            "Gaussian",
            mu,
            y_gauss,
            mu.copy(),
            lambda m: gaussian_nll(y_gauss, m),
            lambda m: gaussian_nll_grad(y_gauss, m),
        ),
        _pair(
            "sigmoid",
            "Bernoulli",
            z,
            labels,
            1.0 / (1.0 + np.exp(-z)),
            lambda t: bernoulli_nll(labels, t),
            lambda t: bernoulli_nll_grad(labels, t),
        ),
        MatchedPair(
            unit="softmax",
            distribution="categorical",
            pre_activations=rows,
            targets=one_hot,
            means=weights / weights.sum(axis=1, keepdims=True),
            gradients=np.asarray(categorical_nll_grad(classes, rows), dtype=np.float64),
            differences=np.stack([_central(moved(k), np.zeros(100)) for k in range(3)], axis=1),
        ),
        _pair(
            "exp",
            "Poisson",
            log_rate,
            counts,
            np.exp(log_rate),
            lambda e: poisson_nll(counts, e),
            lambda e: poisson_nll_grad(counts, e),
        ),
    ]


@dataclass(frozen=True)
class OutputPairings:
    """The squared and the absolute error on an identity and on a sigmoid output (EX7).

    The target is 1 and the pre-activation runs over a grid; on the identity output the
    prediction is the pre-activation itself, on the sigmoid output it is
    ``1 / (1 + exp(-z))``.

    Attributes
    ----------
    pre_activations : numpy.ndarray
        The grid of pre-activations z.
    residuals : dict
        The prediction minus the target on each output, by unit.
    gradients : dict
        d cost / d z by central differences of each cost composed with each unit, keyed by
        ``(cost, unit)``.

    Examples
    --------
    >>> pairings = output_pairings()
    >>> sorted(pairings.gradients)[0]
    ('absolute error', 'identity')
    """

    pre_activations: FloatArray = field(repr=False)
    residuals: dict[str, FloatArray] = field(repr=False)
    gradients: dict[tuple[str, str], FloatArray] = field(repr=False)

    def at(self, z: float) -> dict[str, float]:
        """Each pairing's gradient at the grid point nearest to `z`, keyed ``"cost, unit"``.

        Examples
        --------
        >>> {key: f"{value:.2g}" for key, value in output_pairings().at(-10.0).items()}
        ... # doctest: +NORMALIZE_WHITESPACE
        {'squared error, identity': '-11', 'squared error, sigmoid': '-4.5e-05',
         'absolute error, identity': '-1', 'absolute error, sigmoid': '-4.5e-05'}
        """
        i = int(np.argmin(np.abs(self.pre_activations - z)))
        return {f"{cost}, {unit}": float(g[i]) for (cost, unit), g in self.gradients.items()}

    def linear_gap(self, cost: str) -> float:
        """How far the gradient of `cost` on the identity output is from its plain form.

        The plain form is the residual for the squared error and its sign for the absolute
        error; the gap is the largest difference relative to ``1 + |residual|``, away from the
        kink of the absolute error at a zero residual.

        Examples
        --------
        >>> output_pairings().linear_gap("squared error") < DIFFERENCE_TOLERANCE
        True
        """
        residual = self.residuals["identity"]
        plain = residual if cost == "squared error" else np.sign(residual)
        away = np.abs(residual) > 10 * _STEP
        gap = np.abs(self.gradients[cost, "identity"] - plain) / (1.0 + np.abs(residual))
        return float(np.max(gap[away]))

    def saturation(self, cost: str) -> FloatArray:
        """``|gradient on the sigmoid| / |gradient on the identity|`` over the grid, for `cost`.

        The sigmoid's residual is used for both: on the identity output the same residual
        would give the identity's gradient, so the quotient is what the unit adds.

        Examples
        --------
        >>> pairings = output_pairings()
        >>> bound = np.exp(-np.abs(pairings.pre_activations))
        >>> bool(np.all(pairings.saturation("squared error") <= bound))
        True
        """
        on_sigmoid = np.abs(self.gradients[cost, "sigmoid"])
        residual = self.residuals["sigmoid"]
        # The identity output's gradient at the sigmoid's residual: the residual, or its sign.
        plain = np.abs(residual) if cost == "squared error" else np.ones_like(residual)
        return np.asarray(on_sigmoid / plain, dtype=np.float64)


def output_pairings(points: int = 201, span: float = 10.0) -> OutputPairings:
    r"""Differentiate the two errors composed with an identity and with a sigmoid output.

    The costs are :math:`\tfrac12 (\hat y - 1)^2` and :math:`|\hat y - 1|` with
    :math:`\hat y = z` or :math:`\hat y = \sigma(z)`, and their derivatives in :math:`z` are
    taken by central differences, with no derivative worked out by hand. On the identity output
    the squared error's gradient is the residual :math:`\hat y - 1`, and the absolute error's is
    its sign; on the sigmoid output both carry the factor :math:`\sigma(z)(1 - \sigma(z)) \le
    e^{-|z|}`.

    Raises
    ------
    ValueError, TypeError
        If `points` is not an integer >= 1, or `span` is not a positive finite number (a bool is not
        an integer).

    Examples
    --------
    >>> pairings = output_pairings(points=5)
    >>> pairings.pre_activations.tolist(), pairings.residuals["identity"].tolist()
    ([-10.0, -5.0, 0.0, 5.0, 10.0], [-11.0, -6.0, -1.0, 4.0, 9.0])
    """
    positive_int(points, "points")
    finite_positive(span, "span")
    z = np.linspace(-span, span, points)
    units: dict[str, Callable[[FloatArray], FloatArray]] = {
        "identity": lambda t: t,
        "sigmoid": lambda t: 1.0 / (1.0 + np.exp(-t)),
    }
    costs: dict[str, Callable[[FloatArray], FloatArray]] = {
        "squared error": lambda r: 0.5 * r**2,
        "absolute error": np.abs,
    }

    def composed(
        cost: Callable[[FloatArray], FloatArray], unit: Callable[[FloatArray], FloatArray]
    ) -> Callable[[FloatArray], FloatArray]:
        return lambda t: cost(unit(t) - 1.0)

    gradients = {
        (name, unit): _central(composed(cost, g), z)
        for name, cost in costs.items()
        for unit, g in units.items()
    }
    return OutputPairings(
        pre_activations=z,
        residuals={unit: g(z) - 1.0 for unit, g in units.items()},
        gradients=gradients,
    )
