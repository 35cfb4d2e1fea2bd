"""Experiments of the chapter on maximum likelihood and the cost (claims CS1, CS3-CS7, EX2).

Each function builds its own small data set from a seed, runs one computation the chapter
describes, and returns the numbers the chapter quotes in a frozen dataclass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from losslab._arrays import FloatArray
from losslab.empirical import (
    empirical,
    empirical_conditional,
    entropy,
    kl_divergence,
)
from losslab.likelihoods import (
    HALF_LOG_2PI,
    bernoulli_nll,
    bernoulli_nll_grad,
    categorical_nll,
    categorical_nll_grad,
    gaussian_nll,
    heteroscedastic_gaussian_nll,
    heteroscedastic_gaussian_nll_grad,
    laplace_nll,
    poisson_nll,
)
from losslab.nets import MLP
from losslab.numerics import log_softmax
from losslab.optim import gradient_descent, mean_cost

__all__ = [
    "COLLAPSE_RATE",
    "CONSTANT_TOLERANCE",
    "DECOMPOSITION_TOLERANCE",
    "EXPECTATION_TOLERANCE",
    "FINAL_KL",
    "FIT_TOLERANCE",
    "FREQUENCY_SDS",
    "GRADIENT_AGREEMENT",
    "LIMIT_GRADIENT_TOLERANCE",
    "NETWORK_ADVANTAGE",
    "SCIPY_AGREEMENT",
    "CostAndLoss",
    "CostFamily",
    "CrossEntropyFit",
    "EmpiricalCheck",
    "GaussianIsMSE",
    "NLLTwoWays",
    "SharedCost",
    "VarianceCollapse",
    "cost_and_loss",
    "cost_families",
    "cross_entropy_fit",
    "empirical_check",
    "gaussian_is_mse",
    "nll_two_ways",
    "shared_cost",
    "variance_collapse",
]


#: The gradient of the loss by central differences and the mean of the per-sample gradients
#: agree to this, the accuracy of the differences (CS1).
GRADIENT_AGREEMENT = 1e-8
#: Trained with the same cost, the network's final loss is less than the best linear model's by
#: at least this factor (CS2).
NETWORK_ADVANTAGE = 10
#: An expectation under the empirical distribution equals the sample mean to this (CS4).
EXPECTATION_TOLERANCE = 1e-14
#: A point's share of the draws from the empirical distribution is within this many binomial
#: standard deviations, at most 0.5 / sqrt(draws) each, of its probability (CS4).
FREQUENCY_SDS = 5
#: The Gaussian NLL minus MSE / (2 sigma^2) equals its constant to this, at every slope (CS5).
CONSTANT_TOLERANCE = 1e-12
#: H(p, q) = H(p) + KL(p || q) holds to this at every step of the fit (CS6).
DECOMPOSITION_TOLERANCE = 1e-12
#: The fitted distribution matches the empirical one to this in every outcome (CS6).
FIT_TOLERANCE = 1e-6
#: The KL divergence left at the end of the fit is below this (CS6).
FINAL_KL = 1e-12
#: losslab's costs agree with scipy.stats' negative log-densities to this (CS7).
SCIPY_AGREEMENT = 1e-12
#: At an exact fit the gradient in the raw scale ends within this of its limit 1 (EX2).
LIMIT_GRADIENT_TOLERANCE = 1e-12
#: At an exact fit every step lowers the cost, on average, by more than this share of the step
#: size (EX2).
COLLAPSE_RATE = 0.9


@dataclass(frozen=True)
class CostAndLoss:
    """Per-sample costs of a logistic model and the loss built from them (claim CS1).

    Attributes
    ----------
    costs : numpy.ndarray
        The cost of every sample.
    loss, loss_as_sum : float
        Their mean and their sum.
    gradient_of_loss, mean_of_gradients : numpy.ndarray
        The loss's gradient by finite differences, and the mean of the per-sample gradients.
    gradient_gap : float
        The largest difference between the two.

    Examples
    --------
    >>> result = cost_and_loss(n=50)
    >>> result.costs.shape, bool(result.loss == result.costs.mean())
    ((50,), True)
    """

    costs: FloatArray = field(repr=False)
    loss: float
    loss_as_sum: float
    gradient_of_loss: FloatArray
    mean_of_gradients: FloatArray
    gradient_gap: float


def cost_and_loss(n: int = 200, features: int = 3, seed: int = 0) -> CostAndLoss:
    """Costs of a logistic model on `n` samples, their mean (the loss) and its gradient.

    The gradient of the loss is taken by central differences of the loss itself, and compared
    with the mean of the per-sample gradients ``x_i (sigmoid(x_i . w) - y_i)``: the loss is an
    average of costs, so its gradient is the average of theirs.

    Examples
    --------
    >>> cost_and_loss(n=20).gradient_of_loss.shape
    (3,)
    """
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features))
    w_true = rng.normal(size=features)
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-x @ w_true))).astype(float)
    w = rng.normal(size=features)

    def loss(weights: FloatArray) -> float:
        return float(np.mean(bernoulli_nll(y, x @ weights)))

    costs = np.asarray(bernoulli_nll(y, x @ w))
    per_sample = x * np.asarray(bernoulli_nll_grad(y, x @ w))[:, None]
    step = 1e-6
    numeric = np.array(
        [(loss(w + step * e) - loss(w - step * e)) / (2 * step) for e in np.eye(features)]
    )
    mean_grad = per_sample.mean(axis=0)
    return CostAndLoss(
        costs=costs,
        loss=loss(w),
        loss_as_sum=float(costs.sum()),
        gradient_of_loss=numeric,
        mean_of_gradients=mean_grad,
        gradient_gap=float(np.max(np.abs(numeric - mean_grad))),
    )


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
        The least-squares slope in closed form.
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
    :math:`\tfrac12 \log(2\pi\sigma^2)`; ``constant_gap`` is the largest deviation from it. All
    curves then share their minimiser, the least-squares slope.

    Examples
    --------
    >>> result = gaussian_is_mse(sigmas=(0.5, 2.0), n=10)
    >>> result.slopes.shape, sorted(result.argmin_nll), result.x.shape
    ((801,), [0.5, 2.0], (10,))
    """
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
        predicted = HALF_LOG_2PI + np.log(sigma)
        gap[sigma] = float(np.max(np.abs(curve - mse / (2 * sigma**2) - predicted)))
        argmin[sigma] = float(slopes[np.argmin(curve)])
    return GaussianIsMSE(
        slopes=slopes,
        mse=mse,
        nll=nll,
        constant_gap=gap,
        argmin_mse=float(slopes[np.argmin(mse)]),
        argmin_nll=argmin,
        least_squares=float(x @ y / (x @ x)),
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
    """For each output distribution, its cost along a grid of outputs, next to scipy.stats.

    The target is fixed per family (label 1, label 0 of three classes, y = 0, y = 0, count 3) and
    the network output runs over a grid. ``reference`` is ``-logpmf`` or ``-logpdf`` from
    scipy.stats, an independent implementation of the same likelihood.

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
        raise ImportError("cost_families compares with scipy.stats: pip install scipy") from error

    logits = np.linspace(-8, 8, 161)
    locs = np.linspace(-4, 4, 161)
    log_rates = np.linspace(-2, 4, 161)
    three_class = np.stack([logits, np.zeros_like(logits), np.zeros_like(logits)], axis=-1)
    return [
        CostFamily(
            "Bernoulli",
            "logit z",
            "label 1",
            "binary cross-entropy",
            logits,
            np.asarray(bernoulli_nll(1, logits)),
            -scipy.stats.bernoulli.logpmf(1, scipy.special.expit(logits)),
        ),
        CostFamily(
            "categorical",
            "logit of class 0 (others 0)",
            "label 0 of 3",
            "softmax cross-entropy",
            logits,
            np.asarray(categorical_nll(0, three_class)),
            -np.log(scipy.special.softmax(three_class, axis=-1)[:, 0]),
        ),
        CostFamily(
            "Gaussian",
            "mean",
            "y = 0",
            "squared error",
            locs,
            np.asarray(gaussian_nll(0.0, locs)),
            -scipy.stats.norm.logpdf(0.0, locs),
        ),
        CostFamily(
            "Laplace",
            "location",
            "y = 0",
            "absolute error",
            locs,
            np.asarray(laplace_nll(0.0, locs)),
            -scipy.stats.laplace.logpdf(0.0, locs),
        ),
        CostFamily(
            "Poisson",
            "log-rate",
            "count 3",
            "Poisson loss",
            log_rates,
            np.asarray(poisson_nll(3, log_rates)),
            -scipy.stats.poisson.logpmf(3, np.exp(log_rates)),
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

    Examples
    --------
    >>> result = variance_collapse(steps=5)
    >>> float(result.raw_scales[0]), result.gradients.shape
    (1.0, (6,))
    """

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


@dataclass(frozen=True)
class EmpiricalCheck:
    """The empirical distribution of a small data set with repeated points (claim CS4).

    Attributes
    ----------
    n : int
        The number of data points.
    support_size : int
        The number of distinct values among them.
    expectation_gap : float
        The largest difference between an expectation under the empirical distribution and the
        sample mean.
    draws : int
        The number of draws from the empirical distribution.
    draws_off_support : int
        How many of them were not training points.
    frequency_gap : float
        The largest difference between a value's share of the draws and its probability.
    data : numpy.ndarray
        The data set, integers with repeats.

    Examples
    --------
    >>> check = empirical_check(n=10, draws=100)
    >>> check.n, check.draws, check.data.shape
    (10, 100, (10,))
    """

    n: int
    support_size: int
    expectation_gap: float
    draws: int
    draws_off_support: int
    frequency_gap: float
    data: npt.NDArray[np.int64] = field(repr=False)


def empirical_check(n: int = 40, draws: int = 100_000, seed: int = 2) -> EmpiricalCheck:
    r"""Expectations under :math:`\hat p_{\text{data}}` and samples drawn from it.

    The data are `n` integers with repeats. ``expectation_gap`` is the largest difference between
    :math:`E_{\hat p}[f]` and the sample mean of :math:`f` over three functions :math:`f`;
    ``draws_off_support`` counts draws that are not training points; ``frequency_gap`` is the
    largest difference between a point's frequency among the draws and its mass count/N.

    Examples
    --------
    >>> empirical_check(n=10, draws=50).draws_off_support  # only training points are drawn
    0
    """
    rng = np.random.default_rng(seed)
    data = rng.poisson(3.0, n)
    p_hat = empirical(data)
    functions: tuple[Callable[[FloatArray], FloatArray], ...] = (np.abs, np.square, np.sin)
    values = data.astype(np.float64)
    gaps = [abs(float(p_hat.expectation(f)) - float(np.mean(f(values)))) for f in functions]
    sample = p_hat.sample(draws, rng)
    off_support = int(np.count_nonzero(~np.isin(sample, data)))
    frequencies = np.array([np.mean(sample == point) for point in p_hat.support])
    return EmpiricalCheck(
        n=n,
        support_size=int(p_hat.support.size),
        expectation_gap=max(gaps),
        draws=draws,
        draws_off_support=off_support,
        frequency_gap=float(np.max(np.abs(frequencies - p_hat.probabilities))),
        data=data,
    )


@dataclass(frozen=True)
class NLLTwoWays:
    """The negative log-likelihood of a classifier on labelled data, computed two ways (CS3).

    Attributes
    ----------
    pairs : int
        The number of labelled pairs.
    distinct_inputs : int
        The number of distinct inputs among them.
    mean_over_pairs : float
        The mean negative log-likelihood over the pairs.
    expectation_under_p_hat : float
        The same cost as an expectation under the empirical joint distribution.
    best_possible : float
        The cost of the empirical conditional distribution itself.
    x, y : numpy.ndarray
        The input and the label of every pair.
    table : numpy.ndarray
        The model: the logits of every class for every input, shape (inputs, classes).

    Examples
    --------
    >>> result = nll_two_ways(n=20)
    >>> result.pairs, result.table.shape
    (20, (6, 3))
    """

    pairs: int
    distinct_inputs: int
    mean_over_pairs: float
    expectation_under_p_hat: float
    best_possible: float
    x: npt.NDArray[np.int64] = field(repr=False)
    y: npt.NDArray[np.int64] = field(repr=False)
    table: FloatArray = field(repr=False)

    @property
    def gap(self) -> float:
        """Difference between the two computations.

        Examples
        --------
        >>> type(nll_two_ways(n=20).gap)
        <class 'float'>
        """
        return abs(self.mean_over_pairs - self.expectation_under_p_hat)


def nll_two_ways(n: int = 300, inputs: int = 6, classes: int = 3, seed: int = 3) -> NLLTwoWays:
    r"""A softmax classifier's cost on labelled pairs, as a mean and as an expectation.

    The inputs are discrete (so that pairs repeat); the model's logits are a fixed random table
    per input. ``mean_over_pairs`` averages ``categorical_nll`` over the pairs;
    ``expectation_under_p_hat`` is :math:`-\sum_{x,y} \hat p(x, y) \log q(y \mid x)` from the
    empirical joint distribution; ``best_possible`` is the same cost for :math:`q = \hat p(y
    \mid x)`, the conditional entropy, below which no model can go.

    Examples
    --------
    >>> result = nll_two_ways(n=50, inputs=4, classes=2)
    >>> result.x.shape, result.y.shape, result.distinct_inputs <= 4
    ((50,), (50,), True)
    """
    rng = np.random.default_rng(seed)
    x = rng.integers(0, inputs, n)
    y = rng.integers(0, classes, n)
    table = rng.normal(0, 1.5, (inputs, classes))  # the model: logits per input
    data = empirical_conditional(x, y, classes=classes)
    log_q = np.asarray(log_softmax(table))
    return NLLTwoWays(
        pairs=n,
        distinct_inputs=int(data.inputs.shape[0]),
        mean_over_pairs=float(np.mean(categorical_nll(y, table[x]))),
        expectation_under_p_hat=float(data.nll(log_q=lambda xs: log_q[xs])),
        best_possible=float(data.nll(q=lambda _: data.conditional)),
        x=x,
        y=y,
        table=table,
    )


@dataclass(frozen=True)
class CrossEntropyFit:
    """Fitting a categorical model to an empirical distribution by its cross-entropy (CS6).

    Attributes
    ----------
    n : int
        The number of samples.
    p_hat : numpy.ndarray
        The empirical distribution of the labels.
    q_final : numpy.ndarray
        The fitted distribution at the end.
    entropy : float
        The entropy of `p_hat`, the least cross-entropy possible.
    cross_entropies, kl : numpy.ndarray
        The cross-entropy and the KL divergence at every step.
    decomposition_gap : float
        The largest violation of H(p, q) = H(p) + KL(p || q) over the steps.

    Examples
    --------
    >>> fit = cross_entropy_fit(steps=10)
    >>> fit.cross_entropies.shape
    (11,)
    """

    n: int
    p_hat: FloatArray
    q_final: FloatArray
    entropy: float
    cross_entropies: FloatArray = field(repr=False)
    kl: FloatArray = field(repr=False)
    decomposition_gap: float


def cross_entropy_fit(
    steps: int = 500, step_size: float = 1.0, n: int = 200, seed: int = 4
) -> CrossEntropyFit:
    r"""Gradient descent on softmax logits to minimise :math:`H(\hat p, q)`.

    At every step :math:`H(\hat p, q) = H(\hat p) + \mathrm{KL}(\hat p \,\|\, q)` is checked,
    the cross-entropy computed as the categorical cost of soft targets and the right-hand side
    from :mod:`losslab.empirical` (``decomposition_gap`` is the largest violation). The descent
    drives the KL to 0 and :math:`q` to :math:`\hat p`, since :math:`H(\hat p)` does not depend on
    :math:`q`.

    Examples
    --------
    >>> fit = cross_entropy_fit(steps=5, n=20)
    >>> fit.p_hat.shape, fit.kl.shape, fit.n
    ((5,), (6,), 20)
    """
    rng = np.random.default_rng(seed)
    data = rng.choice(5, size=n, p=[0.4, 0.3, 0.15, 0.1, 0.05])
    p_hat = np.bincount(data, minlength=5) / n

    def cross_entropy(logits: FloatArray) -> tuple[float, FloatArray]:
        return float(categorical_nll(p_hat, logits)), np.asarray(
            categorical_nll_grad(p_hat, logits)
        )

    path = gradient_descent(cross_entropy, np.zeros(5), steps=steps, step_size=step_size)
    h = float(entropy(p_hat))
    # Two code paths: the cost of soft targets (likelihoods) against entropy + KL (empirical).
    kls = np.array(
        [float(kl_divergence(p_hat, log_q=np.asarray(log_softmax(q)))) for q in path.params]
    )
    return CrossEntropyFit(
        n=n,
        p_hat=p_hat,
        q_final=np.exp(np.asarray(log_softmax(path.final))),
        entropy=h,
        cross_entropies=path.losses,
        kl=kls,
        decomposition_gap=float(np.max(np.abs(path.losses - (h + kls)))),
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

    Examples
    --------
    >>> shared_cost(steps=5).models
    {'linear': (2, 3), 'network': (2, 16, 3)}
    """
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
