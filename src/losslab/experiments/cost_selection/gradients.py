"""The gradient each cost sends back, and what a tiny one does (CS8, CS9, CS11, CS12, EX1).

A cost is only as useful as its gradient. These functions measure the gradient that each cost
sends back to the network's last pre-activation (the logit), and what happens to training when
that gradient is tiny; and which summary of the targets (the mean or the median) the squared and
the absolute error pick.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from losslab._arrays import (
    FloatArray,
    finite_positive,
    finite_real,
    integer,
    nonnegative_int,
    positive_int,
)
from losslab.likelihoods import (
    bernoulli_nll,
    bernoulli_nll_grad,
    categorical_nll,
    categorical_nll_grad,
)
from losslab.numerics import log_softmax, sigmoid
from losslab.optim import gradient_descent

#: The training accuracy at which a run counts as recovered.
TARGET_ACCURACY = 0.9
#: From a confidently wrong start, the negative log-likelihood recovers (reaches
#: :data:`TARGET_ACCURACY`) in fewer than this many steps (CS9).
RECOVERY_STEPS = 50
#: From the same start, the squared error needs more than this many times as many steps as the
#: negative log-likelihood to reach :data:`TARGET_ACCURACY`, on a sigmoid and on a softmax
#: output (CS9, CS12).
SLOWDOWN = 30
#: For a confidently wrong sigmoid output, the NLL's gradient is ``e^|z|`` times the squared
#: and the absolute error's, to within this relative tolerance (CS11).
E_FOLD_TOLERANCE = 1e-3
#: Through a softmax whose true class trails by a margin of 20, the squared and the absolute
#: error's gradient norms are below this, while the cross-entropy's stays above 1 (CS11).
VANISHED = 1e-7


@dataclass(frozen=True)
class GradientSizes:
    """``|d cost / d logit|`` of three costs on a sigmoid output with target 1 (claim CS11).

    Attributes
    ----------
    logits : numpy.ndarray
        The grid of logits z.
    magnitudes : dict
        ``|d cost / d z|`` of each cost on the grid, by name, measured by complex-step
        differentiation of the cost.

    Examples
    --------
    >>> sizes = gradient_sizes()
    >>> sorted(sizes.magnitudes)
    ['absolute error', 'negative log-likelihood', 'squared error']
    """

    logits: FloatArray = field(repr=False)
    magnitudes: dict[str, FloatArray] = field(repr=False)

    def at(self, logit: float) -> dict[str, float]:
        """The three magnitudes at the grid point nearest to `logit`.

        Examples
        --------
        >>> round(gradient_sizes().at(-10.0)["negative log-likelihood"], 4)
        1.0
        """
        i = int(np.argmin(np.abs(self.logits - logit)))
        return {name: float(values[i]) for name, values in self.magnitudes.items()}


def gradient_sizes(logits: npt.ArrayLike | None = None) -> GradientSizes:
    r"""Gradient magnitudes with respect to the logit :math:`z`, measured.

    The target is :math:`y = 1` and the output :math:`p = \sigma(z)`. Each cost is written as a
    function of the logit, using :math:`1 - p = \sigma(-z)` (the target is 1 and :math:`p < 1`),
    and differentiated by the complex step, :math:`f'(z) \approx \operatorname{Im} f(z + ih) /
    h` with :math:`h = 10^{-20}`: no difference is taken, so nothing cancels, and the result is
    exact to rounding even where it is tiny. Worked out by hand, the derivatives are

    * negative log-likelihood :math:`-\log p`: :math:`|p - 1| = \sigma(-z)`;
    * squared error :math:`\tfrac12 (p - 1)^2`: :math:`(1 - p)\, p (1 - p)`;
    * absolute error :math:`|p - 1|`: :math:`p (1 - p)`.

    The last two carry the factor :math:`\sigma'(z) = p(1-p)`, about :math:`e^{-|z|}` once the
    sigmoid saturates: for a confidently wrong output (:math:`z \ll 0`) the NLL gradient stays
    near 1 while theirs vanish. The logits must lie in [-700, 700], where :math:`e^{\pm z}` is
    finite.

    Examples
    --------
    >>> at = gradient_sizes().at(-10.0)
    >>> round(at["negative log-likelihood"], 4), f"{at['squared error']:.1e}"
    (1.0, '4.5e-05')
    """
    z = np.linspace(-40.0, 40.0, 801) if logits is None else np.asarray(logits, float)
    costs: dict[str, Callable[[npt.NDArray[Any]], npt.NDArray[Any]]] = {
        "negative log-likelihood": lambda w: np.log1p(np.exp(-w)),  # -log sigmoid(w)
        "squared error": lambda w: 0.5 * (1.0 / (1.0 + np.exp(w))) ** 2,  # (1 - p)**2 / 2
        "absolute error": lambda w: 1.0 / (1.0 + np.exp(w)),  # |p - 1| = 1 - p
    }
    step = 1e-20
    magnitudes = {name: np.abs(cost(z + 1j * step).imag) / step for name, cost in costs.items()}
    return GradientSizes(logits=z, magnitudes=magnitudes)


@dataclass(frozen=True)
class ClippedUnit:
    """The unit max(0, min(1, z)) and its gradient over a grid (claim CS8).

    Attributes
    ----------
    logits : numpy.ndarray
        The grid of logits z.
    values : numpy.ndarray
        The unit's output ``max(0, min(1, z))``.
    gradients : numpy.ndarray
        Its derivative, measured by central differences of the output.
    step : float
        The half-width of the central differences.

    Examples
    --------
    >>> clipped_unit([-1.0, 0.5, 2.0]).values.tolist()
    [0.0, 0.5, 1.0]
    """

    logits: FloatArray = field(repr=False)
    values: FloatArray = field(repr=False)
    gradients: FloatArray = field(repr=False)
    step: float

    @property
    def share_flat(self) -> float:
        """Share of the grid where the gradient is exactly 0.

        Examples
        --------
        >>> clipped_unit([-1.0, 0.5, 2.0, 3.0]).share_flat
        0.75
        """
        return float(np.mean(self.gradients == 0))


def clipped_unit(logits: npt.ArrayLike | None = None, step: float = 1e-6) -> ClippedUnit:
    """Evaluate the clipped output unit, and measure its derivative by central differences.

    The derivative is ``(clip(z + step) - clip(z - step)) / (2 step)``, taken of the unit's
    output and not assumed. Outside [0, 1] the unit is constant, so the differences are exactly
    0 there and no gradient reaches the logit: a sample whose logit has left the interval cannot
    be pulled back by gradient descent. Within `step` of 0 or 1 the differences straddle a kink.

    Raises
    ------
    ValueError, TypeError
        If `step` is not a positive finite number.

    Examples
    --------
    >>> [round(g, 9) for g in clipped_unit([-1.0, 0.5, 2.0]).gradients.tolist()]
    [0.0, 1.0, 0.0]
    """
    finite_positive(step, "step")
    z = np.linspace(-3.0, 4.0, 701) if logits is None else np.asarray(logits, float)
    differences = (np.clip(z + step, 0.0, 1.0) - np.clip(z - step, 0.0, 1.0)) / (2 * step)
    return ClippedUnit(logits=z, values=np.clip(z, 0.0, 1.0), gradients=differences, step=step)


@dataclass(frozen=True)
class SaturatedStart:
    """Logistic regression trained from a confidently wrong start, by two costs (claim CS9).

    Attributes
    ----------
    losses : dict
        The loss at every step, by cost.
    accuracy : dict
        The training accuracy at every step, by cost.
    initial_gradient : dict
        The size of each cost's gradient at the start.
    stop_at : float or None
        The training accuracy at which each run stopped, or None if every run took all its
        steps.
    features : numpy.ndarray
        The inputs of the linear model, one row per sample: the logits are ``features @ w``.
    labels : numpy.ndarray
        The label of each sample.

    Examples
    --------
    >>> run = saturated_start(steps=10)
    >>> sorted(run.losses)
    ['negative log-likelihood', 'squared error']
    """

    losses: dict[str, FloatArray] = field(repr=False)
    accuracy: dict[str, FloatArray] = field(repr=False)
    initial_gradient: dict[str, float]
    stop_at: float | None
    features: FloatArray = field(repr=False)
    labels: npt.NDArray[Any] = field(repr=False)

    def steps_to(self, name: str, accuracy: float = TARGET_ACCURACY) -> int | None:
        """First step at which a run's accuracy reaches `accuracy`, or None if it never does.

        Examples
        --------
        >>> run = saturated_start(steps=5)
        >>> run.steps_to("squared error", accuracy=0.0), run.steps_to("squared error", 1.5)
        (0, None)
        """
        reached = np.flatnonzero(self.accuracy[name] >= accuracy)
        return int(reached[0]) if reached.size else None

    def slowdown(self, slow: str, fast: str) -> float | None:
        """How many times as many steps run `slow` needs as run `fast` to reach the target.

        The target is :attr:`stop_at` if the runs stopped there, else
        :data:`~losslab.experiments.cost_selection.gradients.TARGET_ACCURACY`; None if either run
        never reached it.

        Examples
        --------
        >>> run = saturated_start(steps=20_000, stop_at=TARGET_ACCURACY)
        >>> run.slowdown("squared error", "negative log-likelihood") > SLOWDOWN
        True
        """
        target = TARGET_ACCURACY if self.stop_at is None else self.stop_at
        slow_steps, fast_steps = self.steps_to(slow, target), self.steps_to(fast, target)
        if slow_steps is None or fast_steps is None:
            return None
        return slow_steps / max(fast_steps, 1)

    def plateau(self, name: str) -> tuple[int, int, float]:
        """The longest stretch of steps over which a run's accuracy does not change.

        Returns its first and last step and the accuracy held (the earliest, if two tie).

        Examples
        --------
        >>> run = saturated_start(steps=20_000, stop_at=TARGET_ACCURACY)
        >>> first, last, accuracy = run.plateau("squared error")
        >>> last - first > 1000, accuracy
        (True, 0.57)
        """
        accuracy = self.accuracy[name]
        edges = np.concatenate([[0], np.flatnonzero(np.diff(accuracy)) + 1, [accuracy.size]])
        k = int(np.argmax(np.diff(edges)))
        return int(edges[k]), int(edges[k + 1] - 1), float(accuracy[edges[k]])


def saturated_start(
    n: int = 200,
    steps: int = 300,
    step_size: float = 1.0,
    start: float = -8.0,
    seed: int = 6,
    stop_at: float | None = None,
) -> SaturatedStart:
    """Train ``p = sigmoid(w x + b)`` from weights that make every prediction confidently wrong.

    Both runs start from the same weights with the same step size; one descends the mean
    Bernoulli NLL, the other the mean squared error ``(p - y)**2 / 2``. Each run takes `steps`
    steps or, if `stop_at` is given, stops at the first step where its training accuracy
    reaches `stop_at` (`steps` is then a cap).

    Raises
    ------
    ValueError, TypeError
        If `n` is not an integer >= 1, `steps` or `seed` is not an integer >= 0, `step_size` is not
        a positive finite number, or `start` or `stop_at` is not a finite number (a bool is not an
        integer).

    Examples
    --------
    >>> run = saturated_start(steps=10)
    >>> run.losses["squared error"].shape, run.features.shape
    ((11,), (200, 2))
    >>> run = saturated_start(steps=20_000, stop_at=0.9)
    >>> run.steps_to("negative log-likelihood"), run.losses["negative log-likelihood"].shape
    (16, (17,))
    """
    positive_int(n, "n")
    nonnegative_int(steps, "steps")
    finite_positive(step_size, "step_size")
    finite_real(start, "start")
    nonnegative_int(seed, "seed")
    if stop_at is not None:
        finite_real(stop_at, "stop_at")
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 1.0, n)
    y = (x > 0).astype(float)
    features = np.stack([x, np.ones(n)], axis=1)  # slope and bias

    def nll(z: FloatArray) -> tuple[float, FloatArray]:
        return float(np.mean(bernoulli_nll(y, z))), np.asarray(bernoulli_nll_grad(y, z))

    def squared(z: FloatArray) -> tuple[float, FloatArray]:
        p, q = np.asarray(sigmoid(z)), np.asarray(sigmoid(-z))
        return float(np.mean((p - y) ** 2) / 2), (p - y) * p * q

    return _descend(
        features,
        y,
        np.array([start, 0.0]),  # a large negative slope: every positive example gets p near 0
        {"negative log-likelihood": nll, "squared error": squared},
        lambda z: (z > 0) == (y > 0),
        steps,
        step_size,
        stop_at,
    )


def _descend(
    features: FloatArray,
    labels: npt.NDArray[Any],
    start: FloatArray,
    costs: dict[str, Callable[[FloatArray], tuple[float, FloatArray]]],
    correct: Callable[[FloatArray], npt.NDArray[np.bool_]],
    steps: int,
    step_size: float,
    stop_at: float | None,
) -> SaturatedStart:
    """Gradient descent on a linear model ``z = features @ w``, once per cost, from one start.

    Each cost maps the logits to the mean loss and the per-sample derivative with respect to
    the logits; `correct` marks the samples a model classifies right. With `stop_at`, each run
    stops at the first iterate whose training accuracy reaches it.
    """
    n = features.shape[0]

    def accurate(w: FloatArray) -> float:
        return float(np.mean(correct(features @ w)))

    def reached(w: FloatArray) -> bool:
        return stop_at is not None and accurate(w) >= stop_at

    losses, accuracy, initial = {}, {}, {}
    for name, cost in costs.items():

        def loss_and_grad(
            w: FloatArray, cost: Callable[[FloatArray], tuple[float, FloatArray]] = cost
        ) -> tuple[float, FloatArray]:
            loss, d_z = cost(features @ w)
            return loss, features.T @ d_z / n

        path = gradient_descent(
            loss_and_grad,
            start,
            steps=steps,
            step_size=step_size,
            until=None if stop_at is None else reached,
        )
        losses[name] = path.losses
        accuracy[name] = np.array([accurate(w) for w in path.params])
        initial[name] = float(np.linalg.norm(loss_and_grad(start)[1]))
    return SaturatedStart(
        losses=losses,
        accuracy=accuracy,
        initial_gradient=initial,
        stop_at=stop_at,
        features=features,
        labels=labels,
    )


@dataclass(frozen=True)
class MeanAndMedian:
    """Minimisers of the squared and the absolute error on skewed data (extension EX1).

    Attributes
    ----------
    grid : numpy.ndarray
        The constant predictions scanned.
    mse, mae : numpy.ndarray
        The mean squared and the mean absolute error of each prediction.
    sample_mean, sample_median : float
        The targets' mean and median.
    argmin_squared, argmin_absolute : float
        The grid points where each error is smallest.
    group_means, group_medians : numpy.ndarray
        For each of three inputs, its targets' mean and its two middle values.
    group_argmin_squared, group_argmin_absolute : numpy.ndarray
        For each input, the grid point where each error over its targets is smallest.
    targets : numpy.ndarray
        The skewed targets of the unconditional scan.
    inputs, conditional_targets : numpy.ndarray
        The input (0, 1 or 2) of each conditional target, and those targets.

    Examples
    --------
    >>> result = mean_and_median(n=51)
    >>> result.grid.shape, result.group_means.shape, result.targets.shape
    ((4001,), (3,), (51,))
    """

    grid: FloatArray = field(repr=False)
    mse: FloatArray = field(repr=False)
    mae: FloatArray = field(repr=False)
    sample_mean: float
    sample_median: float
    argmin_squared: float
    argmin_absolute: float
    group_means: FloatArray
    group_medians: FloatArray = field(repr=False)  # per group: the two middle values
    group_argmin_squared: FloatArray
    group_argmin_absolute: FloatArray
    targets: FloatArray = field(repr=False)
    inputs: npt.NDArray[np.int64] = field(repr=False)
    conditional_targets: FloatArray = field(repr=False)


def mean_and_median(n: int = 501, seed: int = 7) -> MeanAndMedian:
    """Scan a constant prediction over a grid for lognormal (right-skewed) targets.

    The squared error is smallest at the sample mean, the absolute error at the sample median:
    the Gaussian model predicts the conditional mean, the Laplace model the conditional median.

    Raises
    ------
    ValueError, TypeError
        If `n` is not an integer >= 1, or `seed` is not an integer >= 0 (a bool is not an integer).

    Examples
    --------
    >>> r = mean_and_median(n=51)
    >>> float(r.grid[0]), float(r.grid[-1]), r.group_medians.shape
    (0.0, 4.0, (3, 2))
    """
    positive_int(n, "n")
    nonnegative_int(seed, "seed")
    rng = np.random.default_rng(seed)
    y = rng.lognormal(0.0, 1.0, n)
    grid = np.linspace(0.0, 4.0, 4001)
    residual = y[None, :] - grid[:, None]
    mse = np.mean(residual**2, axis=1)
    mae = np.mean(np.abs(residual), axis=1)
    # Conditionally: three inputs x, each with its own skewed distribution of y. The best
    # prediction at each x is that group's mean (squared error) or median (absolute error).
    x = rng.integers(0, 3, n)
    y_given_x = rng.lognormal(0.0, 0.4 * (x + 1))
    groups = [y_given_x[x == g] for g in range(3)]
    argmins = [
        (
            grid[np.argmin(np.mean((ys[None] - grid[:, None]) ** 2, axis=1))],
            grid[np.argmin(np.mean(np.abs(ys[None] - grid[:, None]), axis=1))],
        )
        for ys in groups
    ]
    return MeanAndMedian(
        grid=grid,
        mse=mse,
        mae=mae,
        sample_mean=float(np.mean(y)),
        sample_median=float(np.median(y)),
        argmin_squared=float(grid[np.argmin(mse)]),
        argmin_absolute=float(grid[np.argmin(mae)]),
        group_means=np.array([np.mean(ys) for ys in groups]),
        # With an even count every point between the two middle values minimises the absolute
        # error: the median is an interval, and rounding picks some point of it.
        group_medians=np.array([np.sort(ys)[[(ys.size - 1) // 2, ys.size // 2]] for ys in groups]),
        group_argmin_squared=np.array([sq for sq, _ in argmins]),
        group_argmin_absolute=np.array([ab for _, ab in argmins]),
        targets=y,
        inputs=x,
        conditional_targets=y_given_x,
    )


@dataclass(frozen=True)
class SoftmaxGradients:
    """Gradient norms of cross-entropy and squared error for a softmax output (claim CS11).

    The logits are ``[-margin, 0, 0]`` with label 0: the larger the margin, the more
    confidently wrong the output.

    Attributes
    ----------
    margins : numpy.ndarray
        How far the true class's logit trails the others.
    cross_entropy, squared_error, absolute_error : numpy.ndarray
        The size of each cost's gradient with respect to the logits, at each margin.

    Examples
    --------
    >>> grads = softmax_gradients([1.0, 20.0])
    >>> grads.cross_entropy.shape
    (2,)
    """

    margins: FloatArray = field(repr=False)
    cross_entropy: FloatArray = field(repr=False)
    squared_error: FloatArray = field(repr=False)
    absolute_error: FloatArray = field(repr=False)


def softmax_gradients(margins: npt.ArrayLike | None = None, classes: int = 3) -> SoftmaxGradients:
    r"""Norm of d cost / d logits for label 0 when its logit trails the others by `margin`.

    With :math:`s = \operatorname{softmax}(\mathbf z)` and the one-hot target :math:`\mathbf e`,
    the cross-entropy's gradient is :math:`s - \mathbf e`, and the squared error
    :math:`\tfrac12 \lVert s - \mathbf e\rVert^2` has gradient :math:`J^\top (s - \mathbf e)` with
    the softmax Jacobian :math:`J = \operatorname{diag}(s) - s s^\top`, whose entries vanish as
    the softmax saturates; the absolute error :math:`\lVert s - \mathbf e \rVert_1` has gradient
    :math:`J^\top \operatorname{sign}(s - \mathbf e)`, which vanishes the same way.

    Raises
    ------
    ValueError, TypeError
        If `classes` is not an integer >= 2 (a bool is not an integer).

    Examples
    --------
    >>> grads = softmax_gradients([20.0])
    >>> round(float(grads.cross_entropy[0]), 3)  # |s - e| with s near (0, 1/2, 1/2)
    1.225
    """
    integer(classes, "classes", 2)
    m = np.linspace(0.0, 40.0, 401) if margins is None else np.asarray(margins, float)
    z = np.zeros((m.size, classes))
    z[:, 0] = -m
    with np.errstate(under="ignore"):
        s = np.exp(np.asarray(log_softmax(z), dtype=np.float64))
    residual = s.copy()
    residual[:, 0] -= 1.0
    jacobian = np.einsum("ni,ij->nij", s, np.eye(classes)) - s[:, :, None] * s[:, None, :]
    squared = np.einsum("nij,ni->nj", jacobian, residual)
    absolute = np.einsum("nij,ni->nj", jacobian, np.sign(residual))
    ce = np.asarray(categorical_nll_grad(np.zeros(m.size, dtype=int), z))
    return SoftmaxGradients(
        margins=m,
        cross_entropy=np.linalg.norm(ce, axis=1),
        squared_error=np.linalg.norm(squared, axis=1),
        absolute_error=np.linalg.norm(absolute, axis=1),
    )


def softmax_saturated_start(
    n: int = 300,
    steps: int = 300,
    step_size: float = 1.0,
    scale: float = 8.0,
    seed: int = 9,
    stop_at: float | None = None,
) -> SaturatedStart:
    """Softmax regression on three classes from a confidently wrong start, by two costs.

    The starting weights are the true class directions, permuted and scaled by `scale`, so that
    every sample is assigned, confidently, to a wrong class. As in :func:`saturated_start`, with
    `stop_at` each run stops once its training accuracy reaches it.

    Raises
    ------
    ValueError, TypeError
        If `n` is not an integer >= 1, `steps` or `seed` is not an integer >= 0, `step_size` or
        `scale` is not a positive finite number, or `stop_at` is not a finite number (a bool is not
        an integer).

    Examples
    --------
    >>> run = softmax_saturated_start(steps=10)
    >>> sorted(run.accuracy), run.features.shape, run.labels.shape
    (['cross-entropy', 'squared error'], (300, 2), (300,))
    """
    positive_int(n, "n")
    nonnegative_int(steps, "steps")
    finite_positive(step_size, "step_size")
    finite_positive(scale, "scale")
    nonnegative_int(seed, "seed")
    if stop_at is not None:
        finite_real(stop_at, "stop_at")
    rng = np.random.default_rng(seed)
    angles = np.array([0.0, 2.0, 4.0]) * np.pi / 3
    centres = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    y = rng.integers(0, 3, n)
    x = centres[y] + rng.normal(0.0, 0.3, (n, 2))
    one_hot = np.eye(3)[y]

    def cross_entropy(z: FloatArray) -> tuple[float, FloatArray]:
        return float(np.mean(categorical_nll(y, z))), np.asarray(categorical_nll_grad(y, z))

    def squared(z: FloatArray) -> tuple[float, FloatArray]:
        with np.errstate(under="ignore"):
            p = np.exp(np.asarray(log_softmax(z), dtype=np.float64))
        residual = p - one_hot
        # The softmax Jacobian applied to the residual: p * (r - <r, p>).
        d_z = p * (residual - np.sum(residual * p, axis=1, keepdims=True))
        return float(np.mean(np.sum(residual**2, axis=1)) / 2), d_z

    return _descend(
        x,
        y,
        scale * centres[[1, 2, 0]].T,  # each class's direction given to the next class
        {"cross-entropy": cross_entropy, "squared error": squared},
        lambda z: np.argmax(z, axis=1) == y,
        steps,
        step_size,
        stop_at,
    )
