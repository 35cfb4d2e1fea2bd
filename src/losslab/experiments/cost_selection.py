"""Experiments on choosing the cost: gradient sizes, flat costs, saturation (CS8, CS9, CS11, EX1).

A cost is only as useful as its gradient. These functions measure the gradient that each cost
sends back to the network's last pre-activation (the logit), and what happens to training when
that gradient is tiny.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from losslab.likelihoods import bernoulli_nll, bernoulli_nll_grad, sigmoid

__all__ = [
    "TARGET_ACCURACY",
    "ClippedUnit",
    "GradientSizes",
    "MeanAndMedian",
    "SaturatedStart",
    "clipped_unit",
    "gradient_sizes",
    "mean_and_median",
    "saturated_start",
]

Array = npt.NDArray[np.float64]

#: The training accuracy at which a run counts as recovered.
TARGET_ACCURACY = 0.9


@dataclass(frozen=True)
class GradientSizes:
    """|d cost / d logit| of three costs on a sigmoid output with target 1 (claim CS11).

    Examples
    --------
    >>> sizes = gradient_sizes()
    >>> sorted(sizes.magnitudes)
    ['absolute error', 'negative log-likelihood', 'squared error']
    """

    logits: Array = field(repr=False)
    magnitudes: dict[str, Array] = field(repr=False)

    def at(self, logit: float) -> dict[str, float]:
        """The three magnitudes at the grid point nearest to `logit`."""
        i = int(np.argmin(np.abs(self.logits - logit)))
        return {name: float(values[i]) for name, values in self.magnitudes.items()}


def gradient_sizes(logits: npt.ArrayLike | None = None) -> GradientSizes:
    r"""Gradient magnitudes with respect to the logit :math:`z`.

    The target is :math:`y = 1` and the output :math:`p = \sigma(z)`:

    * negative log-likelihood :math:`-\log p`: :math:`|p - 1| = \sigma(-z)`;
    * squared error :math:`\tfrac12 (p - 1)^2`: :math:`(1 - p)\, p (1 - p)`;
    * absolute error :math:`|p - 1|`: :math:`p (1 - p)`.

    The last two carry the factor :math:`\sigma'(z) = p(1-p)`, about :math:`e^{-|z|}` once the
    sigmoid saturates: for a confidently wrong output (:math:`z \ll 0`) the NLL gradient stays
    near 1 while theirs vanish.

    Examples
    --------
    >>> at = gradient_sizes().at(-10.0)
    >>> round(at["negative log-likelihood"], 4), f"{at['squared error']:.1e}"
    (1.0, '4.5e-05')
    """
    z = np.linspace(-40.0, 40.0, 801) if logits is None else np.asarray(logits, float)
    p = np.asarray(sigmoid(z), dtype=np.float64)
    q = np.asarray(sigmoid(-z), dtype=np.float64)  # 1 - p, without cancellation
    slope = p * q  # the sigmoid's derivative
    magnitudes = {
        "negative log-likelihood": np.abs(np.asarray(bernoulli_nll_grad(1.0, z))),
        "squared error": q * slope,
        "absolute error": slope,
    }
    return GradientSizes(logits=z, magnitudes=magnitudes)


@dataclass(frozen=True)
class ClippedUnit:
    """The unit max(0, min(1, z)) and its gradient over a grid (claim CS8).

    Examples
    --------
    >>> unit = clipped_unit()
    >>> unit.share_flat > 0.5
    True
    """

    logits: Array = field(repr=False)
    values: Array = field(repr=False)
    gradients: Array = field(repr=False)

    @property
    def share_flat(self) -> float:
        """Share of the grid where the gradient is exactly 0."""
        return float(np.mean(self.gradients == 0))


def clipped_unit(logits: npt.ArrayLike | None = None) -> ClippedUnit:
    """Evaluate the clipped output unit and its derivative.

    Outside [0, 1] the unit is constant, so no gradient reaches the logit: a sample whose logit
    has left the interval cannot be pulled back by gradient descent.

    Examples
    --------
    >>> clipped_unit([-1.0, 0.5, 2.0]).gradients.tolist()
    [0.0, 1.0, 0.0]
    """
    z = np.linspace(-3.0, 4.0, 701) if logits is None else np.asarray(logits, float)
    return ClippedUnit(
        logits=z, values=np.clip(z, 0.0, 1.0), gradients=((z > 0) & (z < 1)).astype(float)
    )


@dataclass(frozen=True)
class SaturatedStart:
    """Logistic regression trained from a confidently wrong start, by two costs (claim CS9).

    Examples
    --------
    >>> run = saturated_start(steps=10)
    >>> sorted(run.losses)
    ['negative log-likelihood', 'squared error']
    """

    losses: dict[str, Array] = field(repr=False)
    accuracy: dict[str, Array] = field(repr=False)
    initial_gradient: dict[str, float]

    def steps_to(self, name: str, accuracy: float = TARGET_ACCURACY) -> int | None:
        """First step at which a run's accuracy reaches `accuracy`, or None if it never does."""
        reached = np.flatnonzero(self.accuracy[name] >= accuracy)
        return int(reached[0]) if reached.size else None


def saturated_start(
    n: int = 200, steps: int = 300, step_size: float = 1.0, start: float = -8.0, seed: int = 6
) -> SaturatedStart:
    """Train ``p = sigmoid(w x + b)`` from weights that make every prediction confidently wrong.

    Both runs start from the same weights and take the same steps; one descends the mean
    Bernoulli NLL, the other the mean squared error ``(p - y)**2 / 2``.

    Examples
    --------
    >>> run = saturated_start()
    >>> run.steps_to("negative log-likelihood") is not None, run.steps_to("squared error")
    (True, None)
    """
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 1.0, n)
    y = (x > 0).astype(float)
    losses: dict[str, list[float]] = {"negative log-likelihood": [], "squared error": []}
    accuracy: dict[str, list[float]] = {name: [] for name in losses}
    initial = {}
    for name in losses:
        w, b = start, 0.0  # a large negative slope: every positive example gets p near 0
        for t in range(steps + 1):
            z = w * x + b
            p = np.asarray(sigmoid(z), dtype=np.float64)
            if name == "negative log-likelihood":
                loss = float(np.mean(bernoulli_nll(y, z)))
                d_z = np.asarray(bernoulli_nll_grad(y, z))
            else:
                loss = float(np.mean((p - y) ** 2) / 2)
                d_z = (p - y) * p * np.asarray(sigmoid(-z))
            losses[name].append(loss)
            accuracy[name].append(float(np.mean((z > 0) == (y > 0))))
            grad_w, grad_b = float(np.mean(d_z * x)), float(np.mean(d_z))
            if t == 0:
                initial[name] = float(np.hypot(grad_w, grad_b))
            w, b = w - step_size * grad_w, b - step_size * grad_b
    return SaturatedStart(
        losses={k: np.array(v) for k, v in losses.items()},
        accuracy={k: np.array(v) for k, v in accuracy.items()},
        initial_gradient=initial,
    )


@dataclass(frozen=True)
class MeanAndMedian:
    """Minimisers of the squared and the absolute error on skewed data (extension EX1).

    Examples
    --------
    >>> result = mean_and_median()
    >>> result.argmin_squared > result.argmin_absolute  # skewed right: mean above median
    True
    """

    grid: Array = field(repr=False)
    mse: Array = field(repr=False)
    mae: Array = field(repr=False)
    sample_mean: float
    sample_median: float
    argmin_squared: float
    argmin_absolute: float


def mean_and_median(n: int = 501, seed: int = 7) -> MeanAndMedian:
    """Scan a constant prediction over a grid for lognormal (right-skewed) targets.

    The squared error is smallest at the sample mean, the absolute error at the sample median:
    the Gaussian model predicts the conditional mean, the Laplace model the conditional median.

    Examples
    --------
    >>> r = mean_and_median()
    >>> step = r.grid[1] - r.grid[0]
    >>> bool(abs(r.argmin_squared - r.sample_mean) <= step)
    True
    >>> bool(abs(r.argmin_absolute - r.sample_median) <= step)
    True
    """
    y = np.random.default_rng(seed).lognormal(0.0, 1.0, n)
    grid = np.linspace(0.0, 4.0, 4001)
    residual = y[None, :] - grid[:, None]
    mse = np.mean(residual**2, axis=1)
    mae = np.mean(np.abs(residual), axis=1)
    return MeanAndMedian(
        grid=grid,
        mse=mse,
        mae=mae,
        sample_mean=float(np.mean(y)),
        sample_median=float(np.median(y)),
        argmin_squared=float(grid[np.argmin(mse)]),
        argmin_absolute=float(grid[np.argmin(mae)]),
    )
