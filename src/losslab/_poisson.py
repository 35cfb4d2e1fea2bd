"""The Poisson cost in the deviance form of Loader (2000); internal, not part of the API.

The cost of a count ``y`` at the log-rate ``eta`` is ``exp(eta) - y * eta + log(y!)``. Near its
optimum, where the rate ``exp(eta)`` is close to ``y``, the three terms are of size ``y log y``
and their sum is only about ``log(2 pi y) / 2``: at ``y = 1e16`` the terms are near 3.7e17 and the
cost is 19.3, so the rounding of the terms alone (an ulp of 3.7e17 is 64) swamps the answer.
Loader's rearrangement, with ``t = eta - log y`` the log of the rate over the count,

    cost = y phi(t) + stirlerr(y) + log(2 pi y) / 2,    phi(t) = exp(t) - 1 - t,

has three non-negative terms, so their sum cancels nothing; ``y phi(t)`` is Loader's ``bd0``, the
deviance term ``y log(y / rate) + rate - y``. Each term is then computed without a cancellation
of its own:

* ``t`` from ``log y`` split as ``e log 2 + log f`` with ``f`` in [0.707, 1.414), ``log 2`` in
  two pieces: near the optimum ``eta - e LN2_HI`` and the next subtraction are exact, so ``t``
  carries only the rounding of ``log1p(f - 1)``, below 3e-17, instead of an ulp of ``log y``;
* ``phi(t)`` by its Taylor series where ``exp(t) - 1`` and ``t`` would cancel, and elsewhere as a
  sum of two terms of one sign;
* ``stirlerr(y)``, the error of Stirling's formula, from a table of correctly rounded values for
  ``y < 16`` and from its asymptotic series beyond, where it is below 0.0056.

The rate itself is never formed, so the cost of a huge count at a rate beyond the largest float64
stays finite when it is; the gradient ``rate - y`` is ``y expm1(t)``, for the same reason.
"""

from __future__ import annotations

import math

import numpy as np

from losslab._arrays import FloatArray

#: log(2) in two pieces: the first has 32 significant bits, so ``e * LN2_HI`` is exact for every
#: binary exponent ``e`` of a float64; the second is the rest, correctly rounded.
LN2_HI = float.fromhex("0x1.62e42fee00000p-1")
LN2_LO = float.fromhex("0x1.a39ef35793c76p-33")

FLOAT64_MAX = float(np.finfo(np.float64).max)
#: log(2 pi) / 2 in two pieces: correctly rounded (losslab.likelihoods.HALF_LOG_2PI, which this
#: lower module cannot import), and the rest, correctly rounded.
HALF_LOG_2PI_HI = 0.9189385332046728
HALF_LOG_2PI_LO = -3.8782941580672414e-17

#: stirlerr(y) = log(y!) - ((y + 1/2) log y - y + log(2 pi) / 2) for y = 1, ..., 15, correctly
#: rounded (from mpmath at 300 bits). Below 16 the asymptotic series would need too many terms.
STIRLERR_TABLE = (
    0.08106146679532726,
    0.0413406959554093,
    0.02767792568499834,
    0.020790672103765093,
    0.016644691189821193,
    0.013876128823070748,
    0.01189670994589177,
    0.010411265261972096,
    0.009255462182712733,
    0.00833056343336287,
    0.007573675487951841,
    0.00694284010720953,
    0.006408994188004207,
    0.0059513701127588475,
    0.005554733551962801,
)
#: The first count the asymptotic series serves.
SERIES_FROM = len(STIRLERR_TABLE) + 1
#: The asymptotic series of stirlerr(y) is sum_k B_2k / (2k (2k - 1) y^(2k - 1)). Seven terms: at
#: y = 16 the first one left out, 3617 / (122400 y^15), is below 1e-17 of the value.
STIRLERR_SERIES = (1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156)

#: phi(t) = t^2 * sum_k t^k / (k + 2)! on [-1, 1]: the terms left out are below 1e-19 of phi.
PHI_SERIES = tuple(1 / math.factorial(k) for k in range(2, 21))
#: Beyond this |t| the closed forms of phi lose at most 1.3 bits to cancellation.
PHI_SERIES_BOUND = 1.0
#: Above this t, phi(t) > exp(t) / 2 exceeds the largest float64: phi is evaluated at this t
#: instead, which gives inf without an inf - inf.
PHI_OVERFLOWS = 800.0


def _polynomial(coefficients: tuple[float, ...], x: FloatArray) -> FloatArray:
    """Horner's rule for ``sum_k coefficients[k] * x**k``, into a new array (0-d for a 0-d x)."""
    total: FloatArray = np.full_like(x, coefficients[-1])
    for c in coefficients[-2::-1]:
        total *= x
        total += c
    return total


def _two_sum(a: FloatArray, b: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``a + b`` rounded, and its rounding error, exactly (Knuth's branch-free TwoSum)."""
    total = a + b
    b_part = total - a
    error: FloatArray = (a - (total - b_part)) + (b - b_part)
    return total, error


def log_parts(y: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``e`` and ``log f`` with ``log y = e log 2 + log f``, for counts ``y >= 1``.

    ``f = y / 2**e`` lies in [0.707, 1.414), so ``log1p(f - 1)`` is at most 0.35 in size and
    rounded to within 3e-17, where ``log(y)`` itself would be rounded to within half an ulp of
    ``log y``: 3.6e-15 at ``y = 1e15``. A count of 1 gives ``e = 0`` and ``log f = 0``.
    """
    f, e = np.frexp(y)
    low = f < math.sqrt(0.5)
    f = np.where(low, 2.0 * f, f)
    exponent = np.where(low, e - 1, e).astype(np.float64)
    log_f: FloatArray = np.log1p(f - 1.0)  # f - 1 is exact for f in [0.5, 2]
    return exponent, log_f


def log_ratio(eta: FloatArray, exponent: FloatArray, log_f: FloatArray) -> FloatArray:
    """``t = eta - log y`` from the :func:`log_parts` of ``y``.

    Near the optimum ``t`` is tiny, and ``eta - log(y)`` would carry the whole rounding error of
    ``log(y)`` into it. Here ``eta - e * LN2_HI`` is exact there (Sterbenz: the two are within a
    factor 2 of each other), and so is the subtraction of ``log f`` where the two are close: ``t``
    carries only the error of ``log f``.
    """
    t: FloatArray = ((eta - exponent * LN2_HI) - log_f) - exponent * LN2_LO
    return t


def phi(t: FloatArray) -> FloatArray:
    """``exp(t) - 1 - t``, to a few ulp for every ``t``; inf above 709.8, where it overflows.

    On [-1, 1] the Taylor series, whose terms beyond ``t**2 / 2`` are small corrections; below
    -1, ``exp(t) + (-1 - t)``, two non-negative terms; above 1, ``expm1(t) - t``, which loses
    at most 1.3 bits there (at ``t = 1``, 1.72 - 1).
    """
    # The series runs on t clipped to its interval; the closed forms only on the t that need
    # them, few near the optimum.
    middle = np.clip(t, -PHI_SERIES_BOUND, PHI_SERIES_BOUND)
    result = _polynomial(PHI_SERIES, middle)
    with np.errstate(under="ignore"):  # t**2 of a tiny t: the subnormal or 0 is right
        result *= middle
        result *= middle
    # exp(t) underflows below -745 and expm1(t) overflows above 709.8: both results are the
    # correctly rounded ones, and -1 - t or inf dominates the sum.
    with np.errstate(under="ignore", over="ignore"):
        above = t > PHI_SERIES_BOUND
        if above.any():
            head = np.minimum(t[above], PHI_OVERFLOWS)  # not inf - inf at t = inf
            result[above] = np.expm1(head) - head
        below = t < -PHI_SERIES_BOUND
        if below.any():
            tail = t[below]
            result[below] = np.exp(tail) + (-1.0 - tail)
    return result


def stirlerr(y: FloatArray) -> FloatArray:
    """``log(y!) - ((y + 1/2) log y - y + log(2 pi) / 2)`` for counts ``y >= 1``.

    Computing it as that difference would cancel all but ``1 / (12 y)`` of ``log(y!)``.
    """
    table = np.asarray(STIRLERR_TABLE)[np.minimum(y, len(STIRLERR_TABLE)).astype(np.intp) - 1]
    # 1 / y is subnormal above 4.5e307 and its square underflows above 1.3e154: the terms they
    # carry are far below an ulp of the cost.
    with np.errstate(under="ignore"):
        inverse = 1.0 / y
        series = inverse * _polynomial(STIRLERR_SERIES, inverse * inverse)
    result: FloatArray = np.where(y < SERIES_FROM, table, series)
    return result


def poisson_cost(y: FloatArray, eta: FloatArray, out: FloatArray) -> None:
    """Write the Poisson cost of counts `y` at log-rates `eta` into `out` (a blockwise kernel).

    ``y phi(t) + stirlerr(y) + log(2 pi y) / 2`` for ``y >= 1``, summed with the rounding errors
    of its two large additions carried along (TwoSum), so that the result is rounded about once;
    ``exp(eta)`` for ``y = 0``.
    """
    counts = np.maximum(y, 1.0)  # y = 0 is answered by exp(eta) below; 1 keeps the logs finite
    exponent, log_f = log_parts(counts)
    t = log_ratio(eta, exponent, log_f)
    with np.errstate(over="ignore", under="ignore"):
        # Beyond the largest float64 the deviance is inf, correctly; a tiny one is negligible.
        deviance = counts * phi(t)
        # log(2 pi y) / 2 = (HALF_LOG_2PI_HI + e LN2_HI / 2) + the small rest; the first sum's
        # rounding error joins the rest, which is added last.
        half_log_2pi = np.full_like(counts, HALF_LOG_2PI_HI)
        constant, rounding = _two_sum(half_log_2pi, 0.5 * exponent * LN2_HI)
        rest = stirlerr(counts) + 0.5 * (log_f + exponent * LN2_LO) + (rounding + HALF_LOG_2PI_LO)
        # An infinite deviance is the answer; the error term of its sum would be inf - inf.
        total, rounding = _two_sum(constant, np.minimum(deviance, FLOAT64_MAX))
        total += rounding + rest
        out[...] = np.where(deviance == np.inf, np.inf, total)
        if (zero := y == 0).any():
            out[...] = np.where(zero, np.exp(eta), out)


def poisson_gradient(y: FloatArray, eta: FloatArray, out: FloatArray) -> None:
    """Write ``exp(eta) - y``, the derivative of :func:`poisson_cost`, into `out` (a kernel).

    Near the optimum the subtraction in ``exp(eta) - y`` is exact, so the rounding of
    ``exp(eta)``, up to half an ulp of ``y``, is its whole error; ``y expm1(t)`` carries the
    smaller error of ``t`` instead, and does not overflow where ``exp(eta)`` does but the
    difference does not.
    """
    counts = np.maximum(y, 1.0)
    exponent, log_f = log_parts(counts)
    t = log_ratio(eta, exponent, log_f)
    with np.errstate(over="ignore", under="ignore"):
        out[...] = counts * np.expm1(t)
        if (zero := y == 0).any():
            out[...] = np.where(zero, np.exp(eta), out)
