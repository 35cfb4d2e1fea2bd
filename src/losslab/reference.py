"""Exact reference values (mpmath, 256-bit) and the ulp error of float64 results against them.

The tests, the benchmarks and the numerics chapter all measure losslab and its peers with these
functions, so the three cannot disagree on what "exact" means. They are slow (a Python loop over
mpmath numbers, tens of microseconds per value) and meant for a few thousand points at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import mpmath
import numpy as np
import numpy.typing as npt

from losslab._arrays import finite_real, nonnegative_int, positive_int, real_array

__all__ = [
    "CORE",
    "PRECISION",
    "exact",
    "exact_bernoulli_nll",
    "exact_gaussian_nll",
    "exact_log_sigmoid",
    "exact_log_softmax",
    "exact_logsumexp",
    "exact_poisson_nll",
    "exact_softplus",
    "gaussian_nll_condition",
    "logit_rows",
    "logsumexp_condition",
    "near_optimum_counts",
    "poisson_nll_condition",
    "ulp_error",
    "whole_range",
]

#: Working precision in bits. It is far more than the 53 of float64, so that even a result that
#: cancels 100 bits (a logsumexp near 0) is still known to far better than an ulp.
PRECISION = 256

_CTX = mpmath.mp.clone()
_CTX.prec = PRECISION
Mpf = Any  # an mpmath number of _CTX


def _real(value: Any, name: str) -> float:
    """`value` as one real number; errors name the argument `name`."""
    arr = real_array(value, name)
    if arr.size != 1:
        raise ValueError(f"{name} must be one real number; got an array of shape {arr.shape}")
    return float(arr.reshape(()))


def _row(row: Any, name: str = "row") -> list[Mpf]:
    """`row` as a non-empty vector of finite float64 values, each an exact mpmath number."""
    arr = real_array(row, name)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty vector; got an array of shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must hold finite numbers")
    return [_CTX.mpf(v) for v in arr.astype(np.float64).tolist()]


def exact_softplus(x: float) -> Mpf:
    """``log(1 + exp(x))`` of the float64 `x`, to 256 bits.

    Examples
    --------
    The value can lie far below the smallest float64:

    >>> mpmath.nstr(exact_softplus(-800.0), 6)
    '3.7264e-348'
    """
    return _CTX.log1p(_CTX.exp(_CTX.mpf(_real(x, "x"))))


def exact_log_sigmoid(x: float) -> Mpf:
    """``-log(1 + exp(-x))`` of the float64 `x`, to 256 bits.

    Examples
    --------
    >>> float(exact_log_sigmoid(0.0))  # exact: 256 bits, rounded once
    -0.6931471805599453
    """
    return -exact_softplus(-_real(x, "x"))


def exact_bernoulli_nll(y: float, z: float) -> Mpf:
    """``-y log sigmoid(z) - (1 - y) log(1 - sigmoid(z))`` of float64 `y` and `z`, to 256 bits.

    Examples
    --------
    >>> float(exact_bernoulli_nll(1.0, -1000.0))
    1000.0
    """
    y_, z_ = _CTX.mpf(_real(y, "y")), _real(z, "z")
    return y_ * exact_softplus(-z_) + (1 - y_) * exact_softplus(z_)


def exact_gaussian_nll(y: float, mean: float, scale: float) -> Mpf:
    """``log(2 pi) / 2 + log(scale) + (y - mean)**2 / (2 scale**2)``, to 256 bits.

    Examples
    --------
    >>> float(exact_gaussian_nll(0.0, 0.0, 1.0))  # exact: 256 bits, rounded once
    0.9189385332046728
    """
    y_, m_, s_ = (_CTX.mpf(_real(v, n)) for v, n in ((y, "y"), (mean, "mean"), (scale, "scale")))
    return _CTX.log(2 * _CTX.pi) / 2 + _CTX.log(s_) + (y_ - m_) ** 2 / (2 * s_**2)


def gaussian_nll_condition(y: float, mean: float, scale: float) -> float:
    r"""Condition number of the Gaussian cost: :math:`\sum_i |x_i \partial J / \partial x_i| / |J|`.

    Over the inputs :math:`y, \mu, \sigma`, plus the constant term, which is rounded too.

    Examples
    --------
    At a perfect fit with unit scale, the cost is the constant plus log(scale), whose
    relative sensitivity to the scale is 1 / 0.919:

    >>> round(gaussian_nll_condition(0.0, 0.0, 1.0), 4)
    2.0882
    """
    y_, m_, s_ = (_CTX.mpf(_real(v, n)) for v, n in ((y, "y"), (mean, "mean"), (scale, "scale")))
    r = (y_ - m_) / s_
    sensitivity = abs(r / s_) * (abs(y_) + abs(m_)) + abs(1 - r**2) + _CTX.log(2 * _CTX.pi) / 2
    value = exact_gaussian_nll(y, mean, scale)
    return float("inf") if value == 0 else float(sensitivity / abs(value))


def exact_poisson_nll(y: float, log_rate: float) -> Mpf:
    """``exp(log_rate) - y * log_rate + log(y!)`` of a float64 count and log-rate, to 256 bits.

    Near the optimum the three terms cancel down to about ``log(2 pi y) / 2``: the sum is formed
    again with as many more bits as the cancellation took, until 256 of them survive it.

    Examples
    --------
    >>> float(exact_poisson_nll(1e16, 36.841361487904734))  # the naive float64 sum gives 64.0
    19.3396192772
    >>> float(exact_poisson_nll(0.0, float("-inf"))), float(exact_poisson_nll(3.0, float("-inf")))
    (0.0, inf)
    """
    count, eta = _CTX.mpf(_real(y, "y")), _CTX.mpf(_real(log_rate, "log_rate"))
    if count == 0:  # 0 * log_rate is nan at an infinite log_rate, and 0 is meant
        return _CTX.exp(eta)
    if not _CTX.isfinite(eta):  # a positive count is impossible at rate 0, costs inf at rate inf
        return eta if _CTX.isnan(eta) else _CTX.inf
    bits = PRECISION
    while True:
        with _CTX.workprec(bits):
            terms = [_CTX.exp(eta), -count * eta, _CTX.loggamma(count + 1)]
            value = _CTX.fsum(terms)
        lost = max(_CTX.mag(term) for term in terms) - _CTX.mag(value)
        if lost <= bits - PRECISION:
            return value
        bits = PRECISION + lost + 16


def poisson_nll_condition(y: float, log_rate: float) -> float:
    r"""Condition number of the Poisson cost: :math:`(|\eta J_\eta| + |y J_y|) / |J|`.

    Over the log-rate, :math:`J_\eta = e^{\eta} - y`, and the count,
    :math:`J_y = \psi(y + 1) - \eta` (the count taken as a real number, through the Gamma
    function). Near the optimum it is about :math:`|\eta (e^{\eta} - y)| / J`, which grows with
    the distance of the rate from `y`. At ``log_rate = log(y)`` rounded to float64 it is a few
    units for counts up to 1e15, and larger beyond: the rounding of ``log(y)`` alone then moves
    the rate far enough from `y`.

    Examples
    --------
    For ``y = 0`` the cost is :math:`e^{\eta}`, whose condition number is :math:`|\eta|`:

    >>> poisson_nll_condition(0.0, -2.5)
    2.5
    >>> round(poisson_nll_condition(1e6, 13.815510557964274 + 1e-4), 1)  # rate 1e6 (1 + 1e-4)
    189.1
    """
    # 256 bits are plenty here: e**eta - y and psi(y + 1) - eta cancel far less than the cost.
    count, eta = _CTX.mpf(_real(y, "y")), _CTX.mpf(_real(log_rate, "log_rate"))
    by_rate = abs(eta * (_CTX.exp(eta) - count))
    by_count = abs(count * (_CTX.digamma(count + 1) - eta)) if count else 0
    value = exact_poisson_nll(y, log_rate)
    return float("inf") if value == 0 else float((by_rate + by_count) / abs(value))


def _top_and_log_rest(values: list[Mpf]) -> tuple[list[Mpf], Mpf, Mpf]:
    """The entries, the maximum m, and ``log1p(sum of exp(v - m) over all entries but one m)``.

    Splitting off m matters even at 256 bits: in ``log(1 + 1e-150)`` the rest would be lost.
    """
    i_top = max(range(len(values)), key=values.__getitem__)
    top = values[i_top]
    rest = _CTX.fsum(_CTX.exp(v - top) for i, v in enumerate(values) if i != i_top)
    return values, top, _CTX.log1p(rest)


def exact_logsumexp(row: Iterable[float]) -> Mpf:
    """``log(sum(exp(row)))`` of a finite float64 vector, to 256 bits.

    Examples
    --------
    >>> float(exact_logsumexp([0.0, -50.0]))  # exact: 256 bits, rounded once
    1.9287498479639178e-22
    """
    _, top, log_rest = _top_and_log_rest(_row(row))
    return top + log_rest


def exact_log_softmax(row: Iterable[float]) -> list[Mpf]:
    """``row - logsumexp(row)`` of a finite float64 vector, each entry to 256 bits.

    Examples
    --------
    >>> [float(v) for v in exact_log_softmax([50.0, 0.0])]  # exact: 256 bits, rounded once
    [-1.9287498479639178e-22, -50.0]
    >>> float(exact_log_softmax([2000.0, 0.0])[0])
    -0.0
    """
    values, top, log_rest = _top_and_log_rest(_row(row))
    return [(v - top) - log_rest for v in values]


def logsumexp_condition(row: Iterable[float]) -> float:
    r"""Condition number :math:`\kappa = \sum_i |a_i| e^{a_i - \mathrm{lse}} / |\mathrm{lse}|`.

    The relative change of logsumexp per relative change of its inputs (Blanchard, Higham and
    Higham 2021); ``inf`` where logsumexp is 0.

    Examples
    --------
    >>> logsumexp_condition([0.0, 0.0])
    0.0
    >>> round(logsumexp_condition([1.0, 1.0]), 6)
    0.590616
    """
    values = _row(row)
    _, top, log_rest = _top_and_log_rest(values)
    lse = top + log_rest
    weighted = _CTX.fsum(abs(v) * _CTX.exp(v - lse) for v in values)
    return float("inf") if lse == 0 else float(weighted / abs(lse))


def _ulp(y: Mpf) -> Mpf:
    """The ulp of float64 at the real number `y`.

    That is ``2**(e - 53)`` for ``2**(e-1) <= |y| < 2**e``, and the subnormal spacing ``2**-1074``
    below the normal range.
    """
    if y == 0:
        return _CTX.ldexp(1, -1074)
    _, exponent = _CTX.frexp(y)
    return _CTX.ldexp(1, max(int(exponent) - 53, -1074))


def ulp_error(computed: npt.ArrayLike, exact_values: Iterable[Mpf]) -> npt.NDArray[np.float64]:
    """``|computed - exact|`` in ulp of the exact value, elementwise.

    A non-finite `computed` where the exact value is finite counts as an infinite error; an
    infinite exact value matched exactly (as ``-log_sigmoid(-inf)``) counts as 0.

    Examples
    --------
    >>> import numpy as np
    >>> ulp_error([1.0, 1.0 + 2.0**-52, np.inf], [1, 1, 1]).tolist()
    [0.0, 1.0, inf]
    """
    out = []
    values = real_array(computed, "computed").astype(np.float64).ravel()
    for c, e in zip(values, exact_values, strict=True):
        e = _CTX.mpf(e)
        if not np.isfinite(c) or _CTX.isinf(e):
            out.append(0.0 if c == e else float("inf"))
        else:
            out.append(float(abs(_CTX.mpf(float(c)) - e) / _ulp(e)))
    return np.array(out)


def exact(function: Callable[[float], Mpf], x: npt.ArrayLike) -> list[Mpf]:
    """Apply an elementwise ``exact_*`` function to every entry of `x`.

    Examples
    --------
    >>> [float(v) for v in exact(exact_softplus, [0.0, 1000.0])]  # exact: 256 bits, rounded once
    [0.6931471805599453, 1000.0]
    """
    return [function(v) for v in real_array(x, "x").astype(np.float64).ravel().tolist()]


#: Half-width of the dense part of :func:`whole_range`. Beyond it, ``exp(-abs(x))`` is below
#: 2**-57 and the log-domain functions are exact by construction.
CORE = 40.0


def whole_range(n: int, seed: int = 0, core: float = CORE) -> npt.NDArray[np.float64]:
    """`n` float64 test points spanning the whole finite range, sorted.

    Half are uniform over the bit patterns of finite doubles (so every binade, subnormals
    included, is equally represented: this is "the whole float64 range"); half are uniform in
    ``[-core, core]``, where the transcendental part of the log-domain functions lives.

    Examples
    --------
    >>> x = whole_range(1000)
    >>> bool(np.isfinite(x).all()), float(x.min()) < -1e300, float(abs(x[x != 0]).min()) < 1e-300
    (True, True, True)
    """
    positive_int(n, "n")
    nonnegative_int(seed, "seed")
    finite_real(core, "core")
    rng = np.random.default_rng(seed)
    half = n // 2
    bits = rng.integers(0, 0x7FF0_0000_0000_0000, size=half, dtype=np.int64)
    wide = bits.view(np.float64) * rng.choice([-1.0, 1.0], size=half)
    return np.sort(np.concatenate([wide, rng.uniform(-core, core, n - half)]))


def logit_rows(count: int, seed: int = 0) -> list[npt.NDArray[np.float64]]:
    """`count` rows of logits, of random length 2..50, whose margins span tiny to huge.

    Each row is ``offset + spread * N(0, 1)`` with a spread log-uniform in 1e-3..1e3: from
    near-ties, where every entry counts, to margins where all but the top entries underflow. The
    offset moves rows past the overflow threshold of ``exp`` and across logsumexp = 0 (large
    condition numbers). A quarter of the rows get one dominant entry, as from a confident
    classifier, with a margin of 30..800: beyond about 37 the rest is below the ulp of 1 (the
    largest log-softmax entry is then a tiny negative number), beyond about 745 below the
    smallest subnormal.

    Examples
    --------
    >>> rows = logit_rows(100)
    >>> all(2 <= len(row) <= 50 for row in rows), bool(np.isfinite(np.concatenate(rows)).all())
    (True, True)
    """
    nonnegative_int(count, "count")
    nonnegative_int(seed, "seed")
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(count):
        length = int(rng.integers(2, 51))
        spread = 10.0 ** rng.uniform(-3.0, 3.0)
        row = rng.uniform(-100.0, 100.0) + spread * rng.standard_normal(length)
        if rng.random() < 0.25:
            top = int(rng.integers(length))
            row[top] = np.delete(row, top).max() + rng.uniform(30.0, 800.0)
        rows.append(row)
    return rows


def near_optimum_counts(
    n: int, seed: int = 0, largest: float = 1e15
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """`n` counts log-uniform in [1, `largest`], each with a log-rate near its optimum.

    A quarter sit at the optimum itself, ``log(y)`` rounded to float64, where training ends up;
    the others at a rate ``y (1 + s)`` or ``y / (1 + s)``, with ``s`` log-uniform in [1e-8, 10].
    This is where the Poisson cost is the small difference of large terms; its condition number
    runs from a few units at the optimum to over 1e8 a little away from it, for counts near 1e15.

    Examples
    --------
    >>> y, eta = near_optimum_counts(1000)
    >>> bool((y >= 1).all() and (y == np.round(y)).all()), float(y.max()) <= 1e15
    (True, True)
    >>> bool((np.abs(eta - np.log(y)) <= np.log(11.0)).all())
    True
    """
    positive_int(n, "n")
    nonnegative_int(seed, "seed")
    finite_real(largest, "largest")
    rng = np.random.default_rng(seed)
    counts = np.round(10.0 ** rng.uniform(0.0, np.log10(largest), n))
    shift = np.log1p(10.0 ** rng.uniform(-8.0, 1.0, n)) * rng.choice([-1.0, 1.0], n)
    shift[: n // 4] = 0.0
    return counts, np.log(counts) + shift
