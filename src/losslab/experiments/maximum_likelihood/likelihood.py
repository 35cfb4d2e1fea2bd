"""Maximum likelihood with the empirical distribution, and the cross-entropy it minimises.

Claims CS3, CS4 and CS6 of the chapter on maximum likelihood and the cost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from losslab._arrays import FloatArray, finite_positive, integer, nonnegative_int, positive_int
from losslab.empirical import (
    empirical,
    empirical_conditional,
    entropy,
    kl_divergence,
)
from losslab.likelihoods import categorical_nll, categorical_nll_grad
from losslab.numerics import log_softmax
from losslab.optim import gradient_descent

#: The mean cost over the pairs and the expected cost under the empirical joint distribution
#: agree to this (CS3).
TWO_WAYS_AGREEMENT = 1e-12
#: An expectation under the empirical distribution equals the sample mean to this (CS4).
EXPECTATION_TOLERANCE = 1e-14
#: A point's share of the draws from the empirical distribution is within this many binomial
#: standard deviations, at most 0.5 / sqrt(draws) each, of its probability (CS4).
FREQUENCY_SDS = 5
#: H(p, q) = H(p) + KL(p || q) holds to this at every step of the fit (CS6).
DECOMPOSITION_TOLERANCE = 1e-12
#: The fitted distribution matches the empirical one to this in every outcome (CS6).
FIT_TOLERANCE = 1e-6
#: The KL divergence left at the end of the fit is below this (CS6).
FINAL_KL = 1e-12


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

    Raises
    ------
    ValueError, TypeError
        If `n` or `draws` is not an integer >= 1, or `seed` is not an integer >= 0 (a bool is not an
        integer).

    Examples
    --------
    >>> empirical_check(n=10, draws=50).draws_off_support  # only training points are drawn
    0
    """
    positive_int(n, "n")
    positive_int(draws, "draws")
    nonnegative_int(seed, "seed")
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

    Raises
    ------
    ValueError, TypeError
        If `n` or `inputs` is not an integer >= 1, `classes` is not an integer >= 2, or `seed` is
        not an integer >= 0 (a bool is not an integer).

    Examples
    --------
    >>> result = nll_two_ways(n=50, inputs=4, classes=2)
    >>> result.x.shape, result.y.shape, result.distinct_inputs <= 4
    ((50,), (50,), True)
    """
    positive_int(n, "n")
    positive_int(inputs, "inputs")
    integer(classes, "classes", 2)
    nonnegative_int(seed, "seed")
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

    Raises
    ------
    ValueError, TypeError
        If `n` is not an integer >= 1, `steps` or `seed` is not an integer >= 0, or `step_size` is
        not a positive finite number (a bool is not an integer).

    Examples
    --------
    >>> fit = cross_entropy_fit(steps=5, n=20)
    >>> fit.p_hat.shape, fit.kl.shape, fit.n
    ((5,), (6,), 20)
    """
    nonnegative_int(steps, "steps")
    finite_positive(step_size, "step_size")
    positive_int(n, "n")
    nonnegative_int(seed, "seed")
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
