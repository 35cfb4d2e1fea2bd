"""Exact log-domain primitives (log_sigmoid, softplus, logsumexp, log_softmax) and the sigmoid.

Every cost in losslab is computed from logits through the four log-domain functions. They are
exact over the whole float64 range, subnormals included: the error stays within about one ulp of
the true value (``losslab.reference`` holds the mpmath reference that tests and benchmarks measure
against). The sigmoid, a probability rather than a log, is here too: gradients and networks need
it, and it shares the first device below.

Two devices do the work:

* Exponentials of non-positive numbers only: ``softplus(x) = max(x, 0) + log1p(exp(-|x|))``, so
  nothing overflows and the small rest is never rounded away inside ``1 + exp(-|x|)``.
* In the reductions, the maximal entry is taken out of the sum, and every rounding error that
  could reach the result is kept from it, in float64 alone and by the same steps on every
  platform: ``a - max(a)`` is split exactly into ``hi + lo`` (TwoSum) and ``exp(hi + lo)`` is
  ``exp(hi) (1 + lo)``; the sum of the exponentials is formed without rounding error but one;
  and a rest in the subnormal range is summed again from scaled exponentials. The plain recipe
  (``a - max(a)``, ``exp``, a sum, ``log1p``) rounds four times, which adds up to about 2 ulp,
  and its first rounding reaches every entry of ``log_softmax`` unscaled.

Non-finite inputs follow ``scipy.special``: nan propagates; in a reduction ``+inf`` dominates and a
row of only ``-inf`` gives ``-inf``; ``log_softmax`` returns nan where the result is ``inf - inf``.
"""

from __future__ import annotations

import decimal
import math
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from losslab._arrays import (
    FloatArray,
    as_real,
    blockwise,
    finish,
    log1p_exp_neg_abs,
    real_array,
    reduction_axis,
    row_blocks,
)

__all__ = ["log_sigmoid", "log_softmax", "logsumexp", "sigmoid", "softplus"]


def _softplus_kernel(x: FloatArray, out: FloatArray) -> None:
    core = log1p_exp_neg_abs(x, np.empty_like(out))
    np.maximum(x, 0.0, out=out)
    out += core


def _log_sigmoid_kernel(x: FloatArray, out: FloatArray) -> None:
    core = log1p_exp_neg_abs(x, np.empty_like(out))
    np.minimum(x, 0.0, out=out)
    out -= core


def softplus(x: npt.ArrayLike) -> Any:
    r"""Softplus, :math:`\log(1 + e^{x})`, exact over the whole float64 range.

    Computed as :math:`\max(x, 0) + \operatorname{log1p}(e^{-|x|})`, so the exponential never
    overflows and the small tail :math:`e^{x}` for very negative `x` is kept to full relative
    precision instead of being rounded away inside :math:`1 + e^{x}`.

    Parameters
    ----------
    x : array_like
        Real numbers (integers, booleans and float16/32/64 are accepted).

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``softplus(x)`` elementwise, of the input's floating dtype (float64 for integer input);
        a scalar for scalar input. ``softplus(-inf) = 0``, ``softplus(inf) = inf``, nan stays nan.

    Raises
    ------
    TypeError
        If `x` is not real-valued (strings, objects, complex), is wider than float64, or is a
        masked array (whose mask would be ignored).
    ValueError
        If `x` is a ragged nested sequence.

    See Also
    --------
    log_sigmoid : ``log_sigmoid(x) = -softplus(-x)``.

    Notes
    -----
    The error is below 1.5 ulp of the exact value for every finite float64 input; the numerics
    chapter of the book shows the measurement against an mpmath reference.

    Examples
    --------
    >>> from losslab import softplus
    >>> softplus([0.0, 1.0, -1.0])
    array([0.69314718, 1.31326169, 0.31326169])

    Far in the tails the naive ``log(1 + exp(x))`` gives ``inf`` or ``0``; this does not:

    >>> float(softplus(1000.0)), float(softplus(-1000.0)), float(softplus(-740.0))
    (1000.0, 0.0, 4.2e-322)
    >>> softplus("1.0")
    Traceback (most recent call last):
    ...
    TypeError: x must hold real numbers of at most float64 precision; got dtype <U3
    """
    arr, dtype = as_real(x, "x")
    return finish(blockwise(_softplus_kernel, arr, shape=arr.shape), dtype)


def log_sigmoid(x: npt.ArrayLike) -> Any:
    r"""The log of the logistic sigmoid, :math:`\log \sigma(x) = -\log(1 + e^{-x})`, exact.

    This is minus the Bernoulli negative log-likelihood of the label 1 given the logit `x`. It is
    computed as :math:`\min(x, 0) - \operatorname{log1p}(e^{-|x|})`, which neither overflows for
    very negative `x` (where ``log(sigmoid(x))`` returns ``-inf``) nor rounds to 0 for large `x`.

    Parameters
    ----------
    x : array_like
        Real numbers (the logits).

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``log(sigmoid(x))`` elementwise, of the input's floating dtype (float64 for integers).
        ``log_sigmoid(-inf) = -inf``, ``log_sigmoid(inf) = 0``, nan stays nan.

    Raises
    ------
    TypeError
        If `x` is not real-valued, is wider than float64, or is a masked array.
    ValueError
        If `x` is a ragged nested sequence.

    See Also
    --------
    softplus : ``log_sigmoid(x) = -softplus(-x)``.

    Examples
    --------
    >>> import numpy as np
    >>> from losslab import log_sigmoid
    >>> log_sigmoid([0.0, 2.0, -2.0])
    array([-0.69314718, -0.12692801, -2.12692801])

    The identity ``log_sigmoid(x) - log_sigmoid(-x) = x`` holds even where sigmoid rounds to 1:

    >>> float(log_sigmoid(-1000.0)), float(log_sigmoid(40.0))
    (-1000.0, -4.24835425529e-18)
    >>> log_sigmoid(np.array([1 + 2j]))
    Traceback (most recent call last):
    ...
    TypeError: x must hold real numbers of at most float64 precision; got dtype complex128
    """
    arr, dtype = as_real(x, "x")
    return finish(blockwise(_log_sigmoid_kernel, arr, shape=arr.shape), dtype)


def sigmoid(logits: npt.ArrayLike) -> Any:
    r"""The logistic sigmoid :math:`\sigma(z) = 1 / (1 + e^{-z})`, without overflow.

    Computed as :math:`1 / (1 + e^{-z})` for :math:`z \ge 0` and as :math:`e^{z} / (1 + e^{z})`
    below, so the exponential never overflows and tiny values keep full relative precision. For
    a cost or its log, use :func:`~losslab.log_sigmoid`, which stays exact where the sigmoid
    underflows.

    Parameters
    ----------
    logits : array_like
        Real numbers.

    Returns
    -------
    numpy.ndarray or numpy.float64
        :math:`\sigma(z)` in [0, 1], elementwise, of the input's floating dtype (float64 for
        integers); a scalar for scalar input. ``sigmoid(-inf) = 0``, ``sigmoid(inf) = 1``, nan
        stays nan.

    Raises
    ------
    TypeError
        If `logits` is not real-valued, is wider than float64, or is a masked array.
    ValueError
        If `logits` is a ragged nested sequence.

    See Also
    --------
    losslab.log_sigmoid : ``log(sigmoid(z))``, finite where ``sigmoid(z)`` underflows to 0.

    Examples
    --------
    >>> from losslab.numerics import sigmoid
    >>> sigmoid([0.0, 2.0])
    array([0.5       , 0.88079708])
    >>> float(sigmoid(-800.0))  # e^-800 underflows; 1/(1 + e^800) would overflow first
    0.0
    >>> float(sigmoid(-700.0))
    9.85967654376e-305
    """
    z, dtype = as_real(logits, "logits")
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(z))
        out = np.where(z >= 0, 1.0, e) / (1.0 + e)
    return finish(out, dtype)


# Rows of at most this many classes are reduced across a block of rows: the block is transposed,
# so that every pass runs, in one numpy call, over one class of all its rows, contiguous in
# memory. Longer rows are reduced along themselves, which spares the transposed copies in (and,
# for log_softmax, out), whose cost grows with the row length.
_SHORT_ROWS = 24
# Below this rest its terms lie near or in the subnormal range, where their relative precision
# is poor; 2**-960 leaves 62 binades of margin above the smallest normal number, 2**-1022.
_TINY_REST = 2.0**-960
# Rows with so tiny a rest are summed again from exponentials scaled by 2**_SCALE, which ldexp
# undoes exactly: exp(x) = exp(x + _SCALE ln 2) 2**-_SCALE. _SCALE ln 2 is split into
# _SCALE * _LN2_HI, whose bits end at 2**-41, so that adding it to x is exact, and
# _SCALE * _LN2_LO, below 2**-34, which is applied as the factor 1 + _SCALE * _LN2_LO.
_SCALE = 1000
_LN2_HI = math.ldexp(math.floor(math.ldexp(math.log(2.0), 44)), -44)
with decimal.localcontext() as _context:
    _context.prec = 40
    _LN2_LO = float(decimal.Decimal(2).ln() - decimal.Decimal(_LN2_HI))
# The exponent bits of a float64: x & _EXPONENT is the power of two at or below a positive x.
_EXPONENT = 0x7FF0_0000_0000_0000


class _Parts(NamedTuple):
    """A block of rows whose maxima `m` are finite, taken apart for logsumexp and log_softmax.

    ``a - m = hi + lo`` exactly, entry by entry (`hi` and `lo` have the block's shape and are
    views of scratch space; `lo` is None where it was not asked for), and ``log_rest =
    log1p(rest)`` with ``rest`` the sum of ``exp(a_j - m)`` over every entry but one maximal one,
    so that ``logsumexp = m + log_rest`` and ``log_softmax = hi + (lo - log_rest)``. The parts of
    a row whose maximum is not `finite` mean nothing.
    """

    hi: FloatArray
    lo: FloatArray | None
    m: FloatArray
    finite: npt.NDArray[np.bool_]
    rest: FloatArray
    log_rest: FloatArray


class _Scratch:
    """The arrays that blocks of up to `rows` rows of `classes` entries are reduced in.

    They are allocated once per call and reused block by block: fresh memory for every block
    would cost more in page faults than the arithmetic.
    """

    def __init__(self, rows: int, classes: int) -> None:
        self.across = classes <= _SHORT_ROWS
        shape = (classes, rows) if self.across else (rows, classes)
        self.terms, self.high, self.hi, self.lo, self.small = (np.empty(shape) for _ in range(5))
        # The terms are split at a power of two above 4 * classes; the high parts then add up
        # exactly, and the rests come to so little that a sum above `enough` takes no rounding
        # error from them (they are below 2**-8 of its ulp; see _rest).
        self.split = 2.0 ** (4 * classes - 1).bit_length()
        self.enough = 2.0 ** (3 * classes.bit_length() - 42)


# Shown in the book (chapters/numerics.md): the split of a - m.
def _two_diff(a: FloatArray, m: Any, hi: FloatArray, lo: FloatArray, spare: FloatArray) -> None:
    """Knuth's TwoSum for ``a - m``: ``hi = fl(a - m)`` and ``lo = (a - m) - hi`` exactly."""
    np.subtract(a, m, out=hi)
    np.subtract(hi, a, out=spare)  # the -m that hi holds
    np.subtract(hi, spare, out=lo)  # the a that hi holds
    np.subtract(a, lo, out=lo)  # the part of a that hi lost
    np.add(spare, m, out=spare)  # minus the part of m that hi lost
    np.subtract(lo, spare, out=lo)


# Shown in the book (chapters/numerics.md): how the reductions stay exact.
def _rest(hi: FloatArray, lo: FloatArray | None, space: _Scratch, axis: int) -> FloatArray:
    """The sum of ``exp(hi + lo)`` along `axis` over all entries but one maximal one (hi = 0).

    As ``|lo| <= 2**-43`` wherever the term is not 0, ``exp(hi + lo) = exp(hi) (1 + lo)`` to a
    relative 2**-87, and the corrections ``exp(hi) lo`` undo the rounding of ``a - m`` (without
    `lo`, that rounding stays: see :func:`_parts`). A plain sum of a few large terms and many
    small ones can be off by 2 ulp, so each term is split at a power of two, ``space.split``,
    into a multiple of its ulp and a rest below half that ulp (Rump's extraction). The high parts
    add up exactly, in any order; the maximal entry and its ties contribute exactly 1 each, and
    taking the 1 of the maximum off leaves every bit of a rest far below the ulp of 1. The low
    parts, with the corrections, are below ``classes**2 2**-50``: their roundings stay below
    2**-8 ulp of a rest above ``space.enough``. The terms, ``exp(hi)``, are left in
    ``space.terms``.
    """
    rows, columns = hi.shape
    terms, high, low = (b[:rows, :columns] for b in (space.terms, space.high, space.small))
    np.exp(hi, out=terms)
    np.add(terms, space.split, out=high)
    high -= space.split
    whole = np.sum(high, axis=axis)
    np.subtract(terms, high, out=high)
    if lo is not None:
        np.multiply(terms, lo, out=low)
        high += low
    rest: FloatArray = (whole - 1.0) + np.sum(high, axis=axis)
    return rest


def _small_rest(
    rest: FloatArray, terms: FloatArray, hi: FloatArray, lo: FloatArray | None = None
) -> FloatArray:
    """The `rest` of rows (along the last axis) below ``space.enough``, split row by row.

    The split of :func:`_rest`, at a power of two above 4 * classes times the largest term of
    each row but its first maximum, which is left out. Rows whose rest is below _TINY_REST
    (their maximum is unique) are summed from exponentials scaled by 2**_SCALE: every other
    entry has ``hi < -665``, whose ulp is at least 2**-43, so adding _SCALE * _LN2_HI is exact.
    """
    shift = np.where(rest < _TINY_REST, _SCALE, 0)[:, None]
    if shift.any():
        terms = np.where(shift > 0, np.exp(hi + shift * _LN2_HI), terms)
    np.put_along_axis(terms, np.argmax(hi, axis=1)[:, None], 0.0, axis=1)
    low = terms * (shift * _LN2_LO if lo is None else lo + shift * _LN2_LO)
    bound = np.max(terms, axis=1, keepdims=True) * (4 * terms.shape[1])
    split = (bound.view(np.int64) & _EXPONENT).view(np.float64) * 2.0
    high = (terms + split) - split
    rest = np.sum(high, axis=1) + np.sum((terms - high) + low, axis=1)
    return np.ldexp(rest, -shift[:, 0])


def _parts(x: FloatArray, space: _Scratch, exact: bool) -> _Parts:
    """The parts of the rows of `x` (rows, classes) for logsumexp and log_softmax.

    With `exact`, ``a - m`` is split into ``hi + lo``; without, for logsumexp, ``lo`` is not
    formed: the rounding of ``a - m`` perturbs an entry by less than 2**-53 of ``|a| + |m|``, which
    moves logsumexp by no more than its condition number allows for (the rest, summed exactly,
    keeps it within 1.5 ulp times the condition number), while it would reach the largest entry
    of log_softmax as an error of many ulp.
    """
    rows = x.shape[0]
    if space.across:
        a = space.terms[:, :rows]
        np.copyto(a, x.T)
        m = m_row = np.max(a, axis=0)
        hi, low, spare = (s[:, :rows] for s in (space.hi, space.lo, space.small))
    else:
        a = x
        m_row = np.max(x, axis=1, keepdims=True)
        m = m_row[:, 0]
        hi, low, spare = (s[:rows] for s in (space.hi, space.lo, space.small))
    axis = 0 if space.across else 1
    lo: FloatArray | None = None
    if exact:
        lo = low
        _two_diff(a, m_row, hi, lo, spare)
    else:
        np.subtract(a, m_row, out=hi)
    rest = _rest(hi, lo, space, axis)
    # Rows whose rest is nan or small (or whose maximum is not finite: nan too).
    finite = np.isfinite(m)
    redo = ~(rest >= space.enough) & finite
    if redo.any():
        # An entry -inf, or an a - m that overflows to -inf (a row spanning more than the float64
        # range), has a term of 0 but a nan for lo, from inf - inf: its lo is 0.
        if lo is not None and np.isnan(rest[redo]).any():
            lo[np.isinf(hi)] = 0.0
            rest = _rest(hi, lo, space, axis)
            redo = ~(rest >= space.enough) & finite
        which = np.flatnonzero(redo)
        if which.size and x.shape[1] > 1:
            terms = space.terms[: hi.shape[0], : hi.shape[1]]
            arrays = (terms, hi) if lo is None else (terms, hi, lo)
            picked = [np.take(b, which, axis=1 - axis) for b in arrays]
            if space.across:
                picked = [b.T for b in picked]
            rest[which] = _small_rest(rest[which], *picked)
    if space.across:
        hi, lo = hi.T, None if lo is None else lo.T
    return _Parts(hi, lo, m, finite, rest, np.log1p(rest))


def _sum_near(m: FloatArray, rest: FloatArray, log_rest: FloatArray) -> FloatArray:
    """``m + log1p(rest)``, rounded once, for rows where it is small next to ``log_rest``.

    There the sum cancels (m < 0) or is no larger than twice log_rest, so the rounding of log1p
    would reach it doubled or more. One Newton step on ``expm1(L) = rest`` gives the part of
    log1p(rest) that the float ``log_rest`` misses (the residual ``rest - expm1(log_rest)`` is
    exact, the two being within a factor 2), and TwoSum the part of ``m + log_rest`` that its
    sum misses: the two are added before the last rounding.
    """
    missed = (rest - np.expm1(log_rest)) / (1.0 + rest)
    total = m + log_rest
    m_held = total - log_rest
    error = (m - m_held) + (log_rest - (total - m_held))
    result: FloatArray = total + (error + missed)
    return result


def _reduce(
    flat: FloatArray, emit: Callable[[slice, FloatArray, _Parts], None], exact: bool = True
) -> None:
    """Take apart the rows of `flat` (rows, classes) a block at a time; `emit` each block.

    exp of a very negative number underflows to a subnormal or 0, the correctly rounded value;
    ``a - m`` overflows to -inf where a row spans more than the float64 range, and an entry -inf
    gives inf - inf inside TwoSum: :func:`_parts` handles each, and no flag is raised.
    """
    blocks = row_blocks(*flat.shape)
    if not blocks:
        return
    space = _Scratch(blocks[0].stop - blocks[0].start, flat.shape[1])
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        for block in blocks:
            x = flat[block]
            emit(block, x, _parts(x, space, exact))


def logsumexp(a: npt.ArrayLike, axis: int = -1) -> Any:
    r"""Log of the sum of exponentials along an axis, :math:`\log \sum_i e^{a_i}`, exact.

    The largest entry :math:`m` is taken out, :math:`\mathrm{lse}(a) = m +
    \operatorname{log1p}\big(\sum_{i \ne i^*} e^{a_i - m}\big)`, with the sum formed without
    rounding error. Nothing overflows, no floating-point flag is raised for finite input however
    far apart its entries are, and a rest far below the ulp of 1 is kept.

    Parameters
    ----------
    a : array_like
        Real numbers, at least one-dimensional.
    axis : int, optional
        The axis to reduce over (default: the last). It must have at least one element.

    Returns
    -------
    numpy.ndarray or numpy.float64
        The reduction, with `axis` removed; a scalar for one-dimensional input. A nan in a row
        gives nan; otherwise a ``+inf`` gives ``+inf``, and a row of only ``-inf`` gives ``-inf``.

    Raises
    ------
    TypeError
        If `a` is not real-valued or `axis` is not an integer.
    ValueError
        If `a` is 0-d, `axis` is out of range, or the axis has no elements (the sum would be
        empty and its log is not a number).

    Notes
    -----
    With :math:`\kappa = \sum_i |a_i| e^{a_i - \mathrm{lse}} / |\mathrm{lse}|` the condition
    number (Blanchard, Higham and Higham [1]_), the error stays below
    :math:`1.5 \max(1, \kappa)` ulp (``nox -s bench`` measures it), in float64 alone and by the
    same steps on every platform: the exponentials are added without rounding error (each is
    split at a power of two, so that the high parts add up exactly), and a rest in the
    subnormal range is summed again from scaled exponentials. The rounding of ``a - max(a)``
    perturbs the input by less than an ulp, which the condition number accounts for.

    References
    ----------
    .. [1] P. Blanchard, D. J. Higham, N. J. Higham, "Accurately computing the log-sum-exp and
       softmax functions", IMA Journal of Numerical Analysis 41(4), 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from losslab import logsumexp
    >>> float(logsumexp([0.0, 0.0]))
    0.69314718056
    >>> logsumexp([[1000.0, 1000.0], [-1000.0, -1000.0]])
    array([1000.69314718, -999.30685282])

    A rest smaller than the ulp of the maximum is not lost (``log(sum(exp(a)))`` gives 0 here):

    >>> float(logsumexp([0.0, -50.0]))
    1.92874984796e-22
    >>> logsumexp(np.zeros((2, 0)))
    Traceback (most recent call last):
    ...
    ValueError: logsumexp over an empty axis: a has shape (2, 0) and axis 1 has no elements
    """
    arr, dtype = as_real(a, "a")
    ax = reduction_axis(arr, axis)
    if arr.shape[ax] == 0:
        raise ValueError(
            f"logsumexp over an empty axis: a has shape {arr.shape} and axis {ax} has no elements"
        )
    rows = np.moveaxis(arr, ax, -1)
    flat = rows.reshape(-1, rows.shape[-1])
    out = np.empty(flat.shape[0])

    def emit(block: slice, x: FloatArray, parts: _Parts) -> None:
        lse = out[block]
        np.add(parts.m, parts.log_rest, out=lse)
        near = np.abs(lse) < 2.0 * parts.log_rest
        if near.any():
            lse[near] = _sum_near(parts.m[near], parts.rest[near], parts.log_rest[near])
        # A row whose maximum is not finite has its answer in m, as in scipy: nan (a nan entry),
        # +inf, or -inf for a row of only -inf.
        if not parts.finite.all():
            np.copyto(lse, parts.m, where=~parts.finite)

    _reduce(flat, emit, exact=False)
    return finish(out.reshape(rows.shape[:-1]), dtype)


def _class_picks(index: Any, batch: tuple[int, ...], classes: int) -> npt.NDArray[np.intp]:
    """Validate the `index` argument of log_softmax; return it as one column of row-major picks."""
    arr = real_array(index, "index", "integers")  # refuses masked and ragged input too
    if arr.dtype.kind not in "iu":
        raise TypeError(f"index must hold integers; got dtype {arr.dtype}")
    outside = (arr < 0) | (arr >= classes)
    if outside.any() and classes == 0:
        raise ValueError("index must be a class along the axis of a, which has length 0")
    if outside.any():
        raise ValueError(
            f"index must be a class in 0..{classes - 1} along the axis of a; "
            f"got {arr[outside].ravel()[0]}"
        )
    try:
        arr = np.broadcast_to(arr, batch)
    except ValueError:
        raise ValueError(
            f"index {arr.shape} does not broadcast to {batch}, the shape of a without its axis"
        ) from None
    return arr.reshape(-1, 1).astype(np.intp, copy=False)


def log_softmax(a: npt.ArrayLike, axis: int = -1, *, index: npt.ArrayLike | None = None) -> Any:
    r"""Logarithm of the softmax along an axis, :math:`a_i - \mathrm{lse}(a)`, exact in every entry.

    The usual ``a - logsumexp(a)`` returns exactly 0 for the largest entry once the margin to the
    others passes about 37, although the true value is a tiny negative number; and it rounds
    ``a - max(a)`` before subtracting. Here the largest entry gets
    :math:`-\operatorname{log1p}(\sum_{i \ne i^*} e^{a_i - m})` and every other entry
    :math:`(a_i - m) - \operatorname{log1p}(\cdot)` with :math:`a_i - m` carried exactly.

    Parameters
    ----------
    a : array_like
        Real numbers (the logits), at least one-dimensional.
    axis : int, optional
        The axis that holds the classes (default: the last).
    index : array_like of int, optional
        One class per row: integers in ``0..n-1``, n the length of `axis`, of the shape of `a`
        without `axis` (or broadcastable to it). Given, only the entries at these classes are
        returned, each bit for bit as in the full result, which is never formed. With integer
        labels, ``-log_softmax(logits, index=labels)`` is the categorical cost.

    Returns
    -------
    numpy.ndarray or numpy.float64
        The log-probabilities, same shape as `a`; ``exp`` of them sums to 1 along `axis`. An
        axis of length 0 gives an empty result. Non-finite entries follow scipy: ``-inf`` logits
        give ``-inf``; entries whose value would be ``inf - inf`` are nan (a row with ``+inf``,
        or a row of only ``-inf``); nan propagates to its row. Given `index`, the entries it
        picks, of the shape of `a` without `axis`: a scalar for one-dimensional `a`.

    Raises
    ------
    TypeError
        If `a` is not real-valued, `axis` is not an integer, or `index` does not hold integers.
    ValueError
        If `a` is 0-d, `axis` is out of range, an entry of `index` is not a class of `axis`, or
        the shape of `index` does not broadcast to that of `a` without `axis`.

    Examples
    --------
    >>> import numpy as np
    >>> from losslab import log_softmax
    >>> log_softmax([0.0, np.log(3.0)])
    array([-1.38629436, -0.28768207])

    With a margin of 50 the largest entry is :math:`-e^{-50}`, not 0:

    >>> log_softmax([50.0, 0.0])
    array([-1.92874985e-22, -5.00000000e+01])

    One entry per row, at the given classes (the cost of labels is its negative):

    >>> log_softmax([[0.0, np.log(3.0)], [50.0, 0.0]], index=[1, 0])
    array([-2.87682072e-01, -1.92874985e-22])
    >>> log_softmax([1.0, 2.0], axis=1)
    Traceback (most recent call last):
    ...
    ValueError: axis 1 is out of range for a of dimension 1
    >>> log_softmax([[1.0, 2.0]], index=[2])
    Traceback (most recent call last):
    ...
    ValueError: index must be a class in 0..1 along the axis of a; got 2
    """
    arr, dtype = as_real(a, "a")
    ax = reduction_axis(arr, axis)
    rows = np.moveaxis(arr, ax, -1)
    picks = None if index is None else _class_picks(index, rows.shape[:-1], rows.shape[-1])
    if rows.shape[-1] == 0:
        return finish(np.empty(arr.shape if picks is None else rows.shape[:-1]), dtype)
    flat = rows.reshape(-1, rows.shape[-1])
    out = np.empty(flat.shape if picks is None else flat.shape[:1])

    def emit(block: slice, x: FloatArray, parts: _Parts) -> None:
        hi, lo, m, finite, _, log_rest = parts
        special = ~finite
        if picks is None:
            assert lo is not None  # _reduce splits a - m exactly unless told not to
            np.subtract(lo, log_rest[:, None], out=lo)
            if lo.strides[0] < lo.strides[1]:  # a transposed block: add in its order, then copy
                np.add(hi, lo, out=lo)
                np.copyto(out[block], lo)
            else:
                np.add(hi, lo, out=out[block])
            # Rows with a nan, a +inf or only -inf: a - max(a) gives scipy's answers (nan for
            # inf - inf and for nan rows, -inf for the other entries of a row holding +inf).
            if special.any():
                out[block][special] = x[special] - m[special, None]
            return
        # The picked entry of each row goes through the very operations of the full result: a - m
        # split by TwoSum, lo 0 where hi is -inf (as in _parts), then hi + (lo - log_rest).
        a = np.take_along_axis(x, picks[block], axis=1)[:, 0]
        hi, lo, spare = np.empty(a.size), np.empty(a.size), np.empty(a.size)
        _two_diff(a, m, hi, lo, spare)
        lo[np.isinf(hi)] = 0.0
        np.add(hi, lo - log_rest, out=out[block])
        if special.any():
            out[block][special] = a[special] - m[special]

    _reduce(flat, emit)
    if picks is not None:
        return finish(out.reshape(rows.shape[:-1]), dtype)
    return finish(np.moveaxis(out.reshape(rows.shape), -1, ax), dtype)
