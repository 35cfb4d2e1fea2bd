"""Experiments of the chapter "Computing costs from logits" (claims CS10 and EX3).

The naive formulas evaluate a probability first and take its log afterwards; the stable ones stay
in the log domain throughout. These functions run both on the same inputs and measure them
against the mpmath reference of :mod:`losslab.reference`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from losslab._arrays import FloatArray
from losslab.numerics import log_sigmoid, log_softmax, softplus
from losslab.reference import (
    exact,
    exact_log_sigmoid,
    exact_log_softmax,
    exact_softplus,
    ulp_error,
    whole_range,
)

__all__ = [
    "LOG_SOFTMAX_ULPS",
    "MEDIAN_ULPS",
    "NAIVE_WRONG_SHARE",
    "OVERFLOW_LIMIT",
    "TARGET_ULPS",
    "VALUE_SIZED_ULPS",
    "WRONG_ULPS",
    "AccuracySweep",
    "MarginSweep",
    "OverflowDemo",
    "accuracy_sweep",
    "margin_sweep",
    "naive_log_sigmoid",
    "naive_log_softmax",
    "naive_softmax",
    "overflow_demo",
    "shifted_log_softmax",
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

    Examples
    --------
    >>> demo = overflow_demo()
    >>> demo.naive_cost, demo.stable_cost, demo.naive_cost_flags
    (inf, 1000.0, ('overflow', 'divide'))
    >>> demo.naive_softmax, demo.stable_softmax
    ((nan, 0.0), (1.0, 0.0))
    """
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

    Examples
    --------
    >>> sweep = accuracy_sweep(200)
    >>> sweep.x.shape, sweep.errors["log_sigmoid"].shape
    ((200,), (200,))
    """
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
