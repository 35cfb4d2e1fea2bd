"""Experiments of the chapter "Computing costs from logits" (claims CS10, EX3 and EX9).

The naive formulas evaluate a probability first and take its log afterwards; the stable ones stay
in the log domain throughout. These functions run both on the same inputs and measure them
against the mpmath reference of :mod:`losslab.reference`. The last of them does the same for a
cost whose terms cancel instead: the Poisson cost at its optimum, summed as written, by scipy and
by torch's formula, next to losslab's deviance form.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from losslab._arrays import FloatArray, each, finite_real, nonnegative_int, positive_int
from losslab.likelihoods import poisson_nll
from losslab.numerics import log_sigmoid, log_softmax, softplus
from losslab.reference import (
    exact,
    exact_log_sigmoid,
    exact_log_softmax,
    exact_poisson_nll,
    exact_softplus,
    poisson_nll_condition,
    ulp_error,
    whole_range,
)

__all__ = [
    "LOG_SOFTMAX_ULPS",
    "MEDIAN_ULPS",
    "NAIVE_WRONG_SHARE",
    "OVERFLOW_LIMIT",
    "POISSON_SHARE_WRONG",
    "POISSON_ULPS",
    "POISSON_WRONG_FROM",
    "TARGET_ULPS",
    "VALUE_SIZED_ULPS",
    "WRONG_ULPS",
    "AccuracySweep",
    "MarginSweep",
    "OverflowDemo",
    "PoissonSweep",
    "accuracy_sweep",
    "margin_sweep",
    "naive_log_sigmoid",
    "naive_log_softmax",
    "naive_poisson_nll",
    "naive_softmax",
    "overflow_demo",
    "poisson_sweep",
    "shifted_log_softmax",
    "torch_formula_poisson_nll",
]


#: An error above this many ulp counts as wrong. That is far beyond any rounding and well below
#: the size of the value.
WRONG_ULPS = 1e3

#: The log of the largest float64; e**x overflows beyond it.
OVERFLOW_LIMIT = float(np.log(np.finfo(np.float64).max))
#: losslab's log_sigmoid and softplus are within this many ulp of the exact value everywhere
#: (EX3).
TARGET_ULPS = 1.5
#: ... and their median error is at most this many ulp (EX3).
MEDIAN_ULPS = 0.25
#: The probability-first log_sigmoid and softplus are wrong (off by more than
#: :data:`WRONG_ULPS`) on more than this share of the float64 range (EX3).
NAIVE_WRONG_SHARE = 0.2
#: losslab's log_softmax is within this many ulp of the exact value at every margin (EX3).
LOG_SOFTMAX_ULPS = 2.0
#: An error of at least this many ulp is as large as the value itself (a binade holds 2**52
#: ulp); the max-shifted log_softmax reaches it at large margins (EX3).
VALUE_SIZED_ULPS = 2.0**51
#: losslab's Poisson cost is within this many ulp times max(1, kappa) of the exact value at every
#: count of :func:`poisson_sweep`, kappa its condition number (EX9).
POISSON_ULPS = 1.0
#: From this count on, the naive sum, scipy's ``-poisson.logpmf`` and torch's formula are each off
#: by more than :data:`WRONG_ULPS` at every count of :func:`poisson_sweep` (EX9).
POISSON_WRONG_FROM = 1e5
#: At a count of 1e15 the naive sum, scipy and torch's formula are each off by more than this
#: share of the cost itself (EX9).
POISSON_SHARE_WRONG = 0.01
T = TypeVar("T")
R = TypeVar("R")


def naive_log_sigmoid(z: npt.ArrayLike) -> FloatArray:
    """``log(1 / (1 + exp(-z)))``: the textbook formula, probability first.

    Run under ``np.errstate(all="ignore")``: it overflows by design, which is the point.

    Examples
    --------
    >>> with np.errstate(all="ignore"):
    ...     naive_log_sigmoid([0.0, -1000.0])
    array([-0.69314718,        -inf])
    """
    z = np.asarray(z, dtype=np.float64)
    result: FloatArray = np.log(1.0 / (1.0 + np.exp(-z)))
    return result


def naive_softmax(a: npt.ArrayLike) -> FloatArray:
    """``exp(a) / sum(exp(a))`` along the last axis, as the formula reads.

    Examples
    --------
    >>> with np.errstate(all="ignore"):
    ...     naive_softmax([1000.0, 0.0])
    array([nan,  0.])
    """
    e = np.exp(np.asarray(a, dtype=np.float64))
    result: FloatArray = e / e.sum(axis=-1, keepdims=True)
    return result


def naive_log_softmax(a: npt.ArrayLike) -> FloatArray:
    """``log(softmax(a))`` with the naive softmax: probability first.

    Examples
    --------
    >>> with np.errstate(all="ignore"):
    ...     naive_log_softmax([1000.0, 0.0])
    array([ nan, -inf])
    """
    result: FloatArray = np.log(naive_softmax(a))
    return result


def shifted_log_softmax(a: npt.ArrayLike) -> FloatArray:
    """``(a - m) - log(sum(exp(a - m)))`` with ``m = max(a)``: what most libraries compute.

    It never overflows, but the largest entry comes out as exactly 0 once the others trail it by
    more than about 37, because ``sum(exp(a - m))`` has rounded to 1.

    Examples
    --------
    >>> shifted_log_softmax([40.0, 0.0])
    array([  0., -40.])
    """
    a = np.asarray(a, dtype=np.float64)
    shifted = a - a.max(axis=-1, keepdims=True)
    with np.errstate(under="ignore"):
        total = np.exp(shifted).sum(axis=-1, keepdims=True)
    result: FloatArray = shifted - np.log(total)
    return result


def _flags_raised(function: Callable[[T], R], argument: T) -> tuple[R, tuple[str, ...]]:
    """Call `function` and return its result with the floating-point flags it raised."""
    raised: list[str] = []

    def record(kind: str, _flag: int) -> None:
        word = kind.split()[0]  # "overflow encountered in exp" -> "overflow"
        if word not in raised:
            raised.append(word)

    with np.errstate(all="call", call=record):
        result = function(argument)
    return result, tuple(raised)


@dataclass(frozen=True)
class OverflowDemo:
    """The naive and the stable cost at one extreme logit each (claim CS10).

    Attributes
    ----------
    logit : float
        The logit of the Bernoulli cost.
    naive_cost, stable_cost : float
        The cost computed through the probability, and from the logit.
    naive_cost_flags : tuple of str
        The floating-point flags the naive cost raised.
    logits : tuple of float
        The logits of the softmax.
    naive_softmax, naive_softmax_flags : tuple
        The softmax computed directly, and the flags it raised.
    stable_log_softmax, stable_softmax : tuple of float
        The log-softmax from ``losslab.log_softmax``, and its exponential.

    Examples
    --------
    >>> overflow_demo(logit=-10.0).naive_cost_flags  # nothing overflows at a mild logit
    ()
    """

    logit: float
    naive_cost: float
    stable_cost: float
    naive_cost_flags: tuple[str, ...]
    logits: tuple[float, ...]
    naive_softmax: tuple[float, ...]
    naive_softmax_flags: tuple[str, ...]
    stable_log_softmax: tuple[float, ...]
    stable_softmax: tuple[float, ...]


def overflow_demo(
    logit: float = -1000.0, logits: tuple[float, ...] = (1000.0, 0.0)
) -> OverflowDemo:
    """Evaluate ``-log sigmoid(logit)`` and ``softmax(logits)`` naively and stably.

    Raises
    ------
    ValueError, TypeError
        If `logit` or `logits` is not a finite number (a sequence is checked entry by entry).

    Examples
    --------
    >>> demo = overflow_demo()
    >>> demo.naive_cost, demo.stable_cost, demo.naive_cost_flags
    (inf, 1000.0, ('overflow', 'divide'))
    >>> demo.naive_softmax, demo.stable_softmax
    ((nan, 0.0), (1.0, 0.0))
    """
    finite_real(logit, "logit")
    each(logits, finite_real, "logits")
    naive_cost, cost_flags = _flags_raised(lambda z: -naive_log_sigmoid(z), logit)
    a = np.array(logits, dtype=np.float64)

    soft, soft_flags = _flags_raised(naive_softmax, a)
    stable = log_softmax(a)
    with np.errstate(under="ignore"):  # exp(-1000) is 0 in float64, correctly
        stable_softmax = np.exp(stable)
    return OverflowDemo(
        logit=float(logit),
        naive_cost=float(naive_cost),
        stable_cost=float(-log_sigmoid(logit)),
        naive_cost_flags=cost_flags,
        logits=tuple(float(v) for v in a),
        naive_softmax=tuple(float(v) for v in soft),
        naive_softmax_flags=soft_flags,
        stable_log_softmax=tuple(float(v) for v in stable),
        stable_softmax=tuple(float(v) for v in stable_softmax),
    )


@dataclass(frozen=True)
class AccuracySweep:
    """Error in ulp of log_sigmoid and softplus, naive and stable, over the float64 range (EX3).

    Attributes
    ----------
    x : numpy.ndarray
        The points, spread over the whole float64 range.
    errors : dict
        The error in ulp of each implementation at each point, by name.

    Examples
    --------
    >>> sweep = accuracy_sweep(100)
    >>> sorted(sweep.errors)
    ['log_sigmoid', 'naive log_sigmoid', 'naive softplus', 'softplus']
    >>> sweep.x.shape
    (100,)
    """

    x: FloatArray = field(repr=False)
    errors: dict[str, FloatArray] = field(repr=False)

    def max(self, name: str) -> float:
        """Largest error of one implementation, in ulp (``inf`` if it returned inf or nan).

        Examples
        --------
        >>> accuracy_sweep(100).max("naive softplus")  # log(1 + e**x) overflows for large x
        inf
        """
        return float(self.errors[name].max())

    def median(self, name: str) -> float:
        """Median error of one implementation, in ulp.

        Examples
        --------
        >>> type(accuracy_sweep(100).median("softplus"))
        <class 'float'>
        """
        return float(np.median(self.errors[name]))

    def share_wrong(self, name: str, ulps: float = WRONG_ULPS) -> float:
        """Share of the points where an implementation is off by more than `ulps`.

        Examples
        --------
        >>> accuracy_sweep(100).share_wrong("naive log_sigmoid", ulps=-1.0)  # every error >= 0
        1.0
        """
        return float(np.mean(self.errors[name] > ulps))


def accuracy_sweep(n: int = 2000, seed: int = 0) -> AccuracySweep:
    """Measure naive and stable log_sigmoid and softplus against mpmath on `n` points.

    The points come from :func:`losslab.reference.whole_range`: half spread over every binade of
    float64, half in [-40, 40].

    Raises
    ------
    ValueError, TypeError
        If `n` is not an integer >= 1, or `seed` is not an integer >= 0 (a bool is not an integer).

    Examples
    --------
    >>> sweep = accuracy_sweep(200)
    >>> sweep.x.shape, sweep.errors["log_sigmoid"].shape
    ((200,), (200,))
    """
    positive_int(n, "n")
    nonnegative_int(seed, "seed")
    x = whole_range(n, seed=seed)
    with np.errstate(all="ignore"):
        naive_ls = naive_log_sigmoid(x)
        naive_sp = np.log(1.0 + np.exp(x))
    ls_exact = exact(exact_log_sigmoid, x)
    sp_exact = exact(exact_softplus, x)
    errors = {
        "naive log_sigmoid": ulp_error(naive_ls, ls_exact),
        "log_sigmoid": ulp_error(log_sigmoid(x), ls_exact),
        "naive softplus": ulp_error(naive_sp, sp_exact),
        "softplus": ulp_error(softplus(x), sp_exact),
    }
    return AccuracySweep(x=x, errors=errors)


@dataclass(frozen=True)
class MarginSweep:
    """Error of the largest log_softmax entry of ``[margin, 0]`` as the margin grows (EX3).

    Attributes
    ----------
    margins : numpy.ndarray
        The margins of the largest logit over the other.
    errors : dict
        The error in ulp of the largest entry, by implementation.

    Examples
    --------
    >>> margin_sweep([1.0, 40.0, 800.0]).first_margin_wrong("shifted")
    40.0
    """

    margins: FloatArray = field(repr=False)
    errors: dict[str, FloatArray] = field(repr=False)

    def first_margin_wrong(self, name: str, ulps: float = WRONG_ULPS) -> float:
        """Smallest margin at which an implementation is off by more than `ulps`.

        Examples
        --------
        >>> margin_sweep([1.0, 40.0]).first_margin_wrong("naive", ulps=np.inf)  # none beyond inf
        inf
        """
        wrong = self.errors[name] > ulps
        return float(self.margins[wrong][0]) if wrong.any() else float("inf")

    def max(self, name: str) -> float:
        """Largest error of one implementation over all margins, in ulp.

        Examples
        --------
        >>> type(margin_sweep([1.0, 40.0]).max("log_softmax"))
        <class 'float'>
        """
        return float(self.errors[name].max())


def margin_sweep(margins: npt.ArrayLike | None = None) -> MarginSweep:
    """Measure the top entry of log_softmax of ``[margin, 0]`` for three implementations.

    Examples
    --------
    >>> sweep = margin_sweep([1.0, 50.0])
    >>> sorted(sweep.errors), sweep.margins.tolist()
    (['log_softmax', 'naive', 'shifted'], [1.0, 50.0])
    """
    m = np.geomspace(1e-3, 800.0, 400) if margins is None else np.asarray(margins, float)
    rows = np.stack([m, np.zeros_like(m)], axis=-1)
    exact_top = [exact_log_softmax(row)[0] for row in rows]
    with np.errstate(all="ignore"):
        naive = naive_log_softmax(rows)[:, 0]
    errors = {
        "naive": ulp_error(naive, exact_top),
        "shifted": ulp_error(shifted_log_softmax(rows)[:, 0], exact_top),
        "log_softmax": ulp_error(log_softmax(rows)[:, 0], exact_top),
    }
    return MarginSweep(margins=m, errors=errors)


def naive_poisson_nll(y: npt.ArrayLike, log_rate: npt.ArrayLike) -> FloatArray:
    """``exp(log_rate) - y * log_rate + log(y!)``, summed as written (``log(y!)`` by lgamma).

    This is the formula ``losslab.poisson_nll`` used before its deviance form. Near the optimum
    its three terms are of size ``y log y`` and its result keeps only their rounding errors.

    Examples
    --------
    >>> naive_poisson_nll([0.0, 3.0], np.log(3.0))
    array([3.       , 1.4959226])
    >>> bool(abs(naive_poisson_nll(1e16, np.log(1e16)) - 19.34) > 1)  # the cost is 19.34
    True
    """
    counts = np.asarray(y, dtype=np.float64)
    eta = np.asarray(log_rate, dtype=np.float64)
    log_factorial = np.array([math.lgamma(v + 1.0) for v in counts.ravel().tolist()])
    result: FloatArray = np.exp(eta) - counts * eta + log_factorial.reshape(counts.shape)
    return result


def torch_formula_poisson_nll(y: npt.ArrayLike, log_rate: npt.ArrayLike) -> FloatArray:
    """The formula of torch's ``poisson_nll_loss(log_rate, y, full=True)``, in numpy, not torch.

    ``exp(log_rate) - y * log_rate``, plus Stirling's approximation of ``log(y!)``,
    ``y log y - y + log(2 pi y) / 2``, for ``y > 1``. It leaves out the error of that
    approximation, about ``1 / (12 y)``, and its terms cancel like those of the naive sum.

    Examples
    --------
    >>> torch_formula_poisson_nll([0.0, 1.0, 100.0], 0.0)  # the third cost is 364.73937556
    array([  1.        ,   1.        , 364.73854223])
    """
    counts = np.asarray(y, dtype=np.float64)
    eta = np.asarray(log_rate, dtype=np.float64)
    positive = np.where(counts > 1, counts, 1.0)  # y log y is nan at y = 0; y <= 1 adds nothing
    stirling = positive * np.log(positive) - positive + 0.5 * np.log(2 * np.pi * positive)
    result: FloatArray = np.exp(eta) - counts * eta + np.where(counts > 1, stirling, 0.0)
    return result


@dataclass(frozen=True)
class PoissonSweep:
    """The Poisson cost at the optimum of each count, computed four ways, against mpmath (EX9).

    Attributes
    ----------
    counts : numpy.ndarray
        The counts y.
    log_rates : numpy.ndarray
        The log-rate at each count: ``log(y)`` rounded to float64, the optimum training nears.
    exact : numpy.ndarray
        The exact cost, rounded once to float64.
    values : dict
        The cost from each implementation at each count, by name.
    errors : dict
        The error in ulp of each implementation at each count, by name.
    condition : numpy.ndarray
        The condition number of the cost at each point (its relative change per relative change
        of y and of the log-rate, :func:`losslab.reference.poisson_nll_condition`).

    Examples
    --------
    >>> sweep = poisson_sweep([1e2, 1e6])
    >>> sorted(sweep.errors)
    ['losslab', 'naive sum', 'scipy', "torch's formula"]
    """

    counts: FloatArray = field(repr=False)
    log_rates: FloatArray = field(repr=False)
    exact: FloatArray = field(repr=False)
    values: dict[str, FloatArray] = field(repr=False)
    errors: dict[str, FloatArray] = field(repr=False)
    condition: FloatArray = field(repr=False)

    def max(self, name: str) -> float:
        """Largest error of one implementation over the counts, in ulp over ``max(1, kappa)``.

        Examples
        --------
        >>> poisson_sweep([1e2, 1e6]).max("losslab") <= POISSON_ULPS
        True
        """
        return float((self.errors[name] / np.maximum(1.0, self.condition)).max())

    def error_at(self, name: str, count: float) -> float:
        """Error in ulp of one implementation at `count`, which must be one of the counts.

        Examples
        --------
        >>> poisson_sweep([1e2, 1e6]).error_at("naive sum", 1e6) > WRONG_ULPS
        True
        """
        return float(self.errors[name][self._index(count)])

    def share_wrong_at(self, name: str, count: float) -> float:
        """``|value - exact| / exact`` of one implementation at `count`, one of the counts.

        Examples
        --------
        >>> poisson_sweep([1e2, 1e15]).share_wrong_at("scipy", 1e15) > POISSON_SHARE_WRONG
        True
        """
        i = self._index(count)
        return float(abs(self.values[name][i] - self.exact[i]) / self.exact[i])

    def wrong_from(self, name: str, ulps: float = WRONG_ULPS) -> float:
        """Smallest count from which on an implementation is off by more than `ulps` everywhere.

        ``inf`` if it is within `ulps` at the largest count.

        Examples
        --------
        >>> poisson_sweep([1e2, 1e6, 1e10]).wrong_from("naive sum")
        1000000.0
        """
        right = np.flatnonzero(self.errors[name] <= ulps)
        if right.size and right[-1] == self.counts.size - 1:
            return float("inf")
        return float(self.counts[right[-1] + 1 if right.size else 0])

    def _index(self, count: float) -> int:
        (found,) = np.flatnonzero(self.counts == count)
        return int(found)


def poisson_sweep(counts: npt.ArrayLike | None = None) -> PoissonSweep:
    """The Poisson cost at ``log_rate = log(y)`` for each count, four ways, measured in ulp.

    The implementations are the naive sum, scipy's ``-scipy.stats.poisson.logpmf``, torch's
    formula (reimplemented in numpy) and ``losslab.poisson_nll``. The counts default to 53
    integers log-spaced from 1e2 to 1e15.

    Raises
    ------
    ImportError
        If scipy, which the comparison needs and losslab itself does not, is not installed.

    Examples
    --------
    >>> sweep = poisson_sweep([1e2, 1e6])
    >>> sweep.counts.tolist(), sweep.error_at("losslab", 1e6) <= POISSON_ULPS
    ([100.0, 1000000.0], True)
    """
    try:
        import scipy.stats
    except ImportError as error:
        raise ImportError(
            "poisson_sweep compares with scipy.stats: pip install 'losslab[plot]'"
        ) from error

    y = np.round(np.geomspace(1e2, 1e15, 53)) if counts is None else np.asarray(counts, float)
    eta = np.log(y)
    exact_values = [exact_poisson_nll(a, b) for a, b in zip(y.tolist(), eta.tolist(), strict=True)]
    with np.errstate(all="ignore"):
        values = {
            "naive sum": naive_poisson_nll(y, eta),
            "scipy": -scipy.stats.poisson.logpmf(y, np.exp(eta)),
            "torch's formula": torch_formula_poisson_nll(y, eta),
        }
    values["losslab"] = np.asarray(poisson_nll(y, eta), dtype=np.float64)
    return PoissonSweep(
        counts=y,
        log_rates=eta,
        exact=np.array([float(v) for v in exact_values]),
        values=values,
        errors={name: ulp_error(v, exact_values) for name, v in values.items()},
        condition=np.array([poisson_nll_condition(a, b) for a, b in zip(y, eta, strict=True)]),
    )
