"""The cost of one sample and the loss of many; one cost for a linear model and a network.

Claims CS1 and CS2 of the chapter on maximum likelihood and the cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from losslab._arrays import FloatArray, finite_positive, nonnegative_int, positive_int
from losslab.empirical import entropy
from losslab.likelihoods import (
    bernoulli_nll,
    bernoulli_nll_grad,
    categorical_nll,
    categorical_nll_grad,
)
from losslab.nets import MLP
from losslab.optim import gradient_descent, mean_cost

#: losslab's per-sample costs agree with the Bernoulli NLL written out, and the loss with their
#: mean, to this (CS1).
COST_AGREEMENT = 1e-12
#: The gradient of the loss by central differences and the mean of the per-sample gradients
#: agree to this, the accuracy of the differences (CS1).
GRADIENT_AGREEMENT = 1e-8
#: Trained with the same cost, the network's final loss is less than the best linear model's by
#: at least this factor (CS2).
NETWORK_ADVANTAGE = 10
#: Trained with the same cost, the linear model ends within this of the loss of predicting the
#: label frequencies: no line separates the rings (CS2).
CHANCE_MARGIN = 1e-3


@dataclass(frozen=True)
class CostAndLoss:
    """Per-sample costs of a logistic model and the loss built from them (claim CS1).

    Attributes
    ----------
    costs : numpy.ndarray
        The cost of every sample, from :func:`losslab.bernoulli_nll`.
    reference_costs : numpy.ndarray
        The same costs from the Bernoulli NLL written out with numpy,
        ``y log(1 + e^-z) + (1 - y) log(1 + e^z)``.
    loss : float
        The loss that training descends, from :func:`losslab.optim.mean_cost`.
    loss_as_sum : float
        The sum of the costs.
    gradient_of_loss, mean_of_gradients : numpy.ndarray
        The loss's gradient by central differences, and the mean of the per-sample gradients
        ``x_i (1 / (1 + e^-z_i) - y_i)`` written out with numpy.
    gradient_gap : float
        The largest difference between the two.
    x, y, weights : numpy.ndarray
        The data, inputs one row per sample and labels 0 or 1, and the model's weights.

    Examples
    --------
    >>> result = cost_and_loss(n=50)
    >>> result.costs.shape, result.cost_gap < COST_AGREEMENT, result.loss_gap < COST_AGREEMENT
    ((50,), True, True)
    """

    costs: FloatArray = field(repr=False)
    reference_costs: FloatArray = field(repr=False)
    loss: float
    loss_as_sum: float
    gradient_of_loss: FloatArray
    mean_of_gradients: FloatArray
    gradient_gap: float
    x: FloatArray = field(repr=False)
    y: FloatArray = field(repr=False)
    weights: FloatArray = field(repr=False)

    @property
    def cost_gap(self) -> float:
        """Largest difference between losslab's costs and the formula written out.

        Examples
        --------
        >>> cost_and_loss(n=20).cost_gap < 1e-12
        True
        """
        return float(np.max(np.abs(self.costs - self.reference_costs)))

    @property
    def loss_gap(self) -> float:
        """Difference between the loss and the mean of the written-out costs.

        Examples
        --------
        >>> cost_and_loss(n=20).loss_gap < 1e-12
        True
        """
        return abs(self.loss - float(np.mean(self.reference_costs)))


def cost_and_loss(n: int = 200, features: int = 3, seed: int = 0) -> CostAndLoss:
    """Costs of a logistic model on `n` samples, their mean (the loss) and its gradient.

    The loss is the objective that training descends, :func:`losslab.optim.mean_cost` of the
    linear model ``MLP((features, 1))`` with a zero bias; the costs come from
    :func:`losslab.bernoulli_nll`. Both are compared with the Bernoulli NLL written out. The
    gradient of the loss is taken by central differences of the loss itself, and compared with
    the mean of the per-sample gradients ``x_i (sigmoid(x_i . w) - y_i)``, written out: the loss
    is an average of costs, so its gradient is the average of theirs.

    Raises
    ------
    ValueError, TypeError
        If `n` or `features` is not an integer >= 1, or `seed` is not an integer >= 0 (a bool is not
        an integer).

    Examples
    --------
    >>> cost_and_loss(n=20).gradient_of_loss.shape
    (3,)
    """
    positive_int(n, "n")
    positive_int(features, "features")
    nonnegative_int(seed, "seed")
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features))
    w_true = rng.normal(size=features)
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-x @ w_true))).astype(float)
    w = rng.normal(size=features)
    objective = mean_cost(MLP((features, 1)), x, y, bernoulli_nll, bernoulli_nll_grad)

    def loss(weights: FloatArray) -> float:
        return float(np.asarray(objective(((weights[:, None], np.zeros(1)),))[0]))

    z = x @ w
    costs = np.asarray(bernoulli_nll(y, z))
    # Written out, apart from losslab: -log sigmoid(z) = log(1 + e^-z), -log(1 - sigmoid(z)) =
    # log(1 + e^z), and the derivative of the cost in w is x (sigmoid(z) - y).
    reference = y * np.logaddexp(0.0, -z) + (1.0 - y) * np.logaddexp(0.0, z)
    mean_grad = (x * (1.0 / (1.0 + np.exp(-z)) - y)[:, None]).mean(axis=0)
    step = 1e-6
    numeric = np.array(
        [(loss(w + step * e) - loss(w - step * e)) / (2 * step) for e in np.eye(features)]
    )
    return CostAndLoss(
        costs=costs,
        reference_costs=reference,
        loss=loss(w),
        loss_as_sum=float(costs.sum()),
        gradient_of_loss=numeric,
        mean_of_gradients=mean_grad,
        gradient_gap=float(np.max(np.abs(numeric - mean_grad))),
        x=x,
        y=y,
        weights=w,
    )


@dataclass(frozen=True)
class SharedCost:
    """A linear model and a network trained with one and the same cost function (claim CS2).

    Attributes
    ----------
    models : dict
        The layer sizes of each model, by name.
    losses : dict
        Each model's loss at every step.
    final_loss, accuracy : dict
        Each model's final loss and training accuracy.
    chance_loss : float
        The loss of predicting the label frequencies.
    x, y : numpy.ndarray
        The data: points in the plane, one row each, and their labels 0, 1 or 2.

    Examples
    --------
    >>> result = shared_cost(steps=5)
    >>> sorted(result.final_loss)
    ['linear', 'network']
    """

    models: dict[str, tuple[int, ...]]
    losses: dict[str, FloatArray] = field(repr=False)
    final_loss: dict[str, float]
    accuracy: dict[str, float]
    chance_loss: float
    x: FloatArray = field(repr=False)
    y: npt.NDArray[np.intp] = field(repr=False)


def _rings(n: int, rng: np.random.Generator) -> tuple[FloatArray, npt.NDArray[np.intp]]:
    """Points in the plane labelled 0, 1, 2 by their distance from the origin."""
    radius = rng.uniform(0.0, 3.0, n)
    angle = rng.uniform(0.0, 2 * np.pi, n)
    x = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    return x, np.minimum(radius.astype(np.intp), 2)


def shared_cost(
    n: int = 300, hidden: int = 16, steps: int = 1000, step_size: float = 0.5, seed: int = 5
) -> SharedCost:
    """Train ``MLP((2, 3))`` and ``MLP((2, hidden, 3))`` with the same categorical cost.

    The labels are three rings around the origin, which no linear boundary separates. The loss
    and its gradient come from one function, built on :func:`losslab.categorical_nll` and its
    gradient; only the model that produces the logits differs.

    Raises
    ------
    ValueError, TypeError
        If `n` or `hidden` is not an integer >= 1, `steps` or `seed` is not an integer >= 0, or
        `step_size` is not a positive finite number (a bool is not an integer).

    Examples
    --------
    >>> shared_cost(steps=5).models
    {'linear': (2, 3), 'network': (2, 16, 3)}
    """
    positive_int(n, "n")
    positive_int(hidden, "hidden")
    nonnegative_int(steps, "steps")
    finite_positive(step_size, "step_size")
    nonnegative_int(seed, "seed")
    rng = np.random.default_rng(seed)
    x, y = _rings(n, rng)
    models = {"linear": MLP((2, 3)), "network": MLP((2, hidden, 3), hidden="tanh")}
    losses, final, accuracy = {}, {}, {}
    for name, net in models.items():
        path = gradient_descent(
            mean_cost(net, x, y, categorical_nll, categorical_nll_grad),
            net.init(rng),
            steps=steps,
            step_size=step_size,
            momentum=0.9,
            keep="final",
        )
        losses[name] = path.losses
        final[name] = float(path.losses[-1])
        accuracy[name] = float(np.mean(np.argmax(net.forward(path.final, x)[0], axis=1) == y))
    return SharedCost(
        models={name: net.sizes for name, net in models.items()},
        losses=losses,
        final_loss=final,
        accuracy=accuracy,
        chance_loss=float(entropy(np.bincount(y, minlength=3) / n)),
        x=x,
        y=y,
    )
