"""Exact log-domain primitives (log_sigmoid, softplus, logsumexp, log_softmax) and the sigmoid.

Every cost in losslab is computed from logits through the four log-domain functions. They are
exact over the whole float64 range, subnormals included: the error stays within about one ulp of
the true value (``losslab.reference`` holds the mpmath reference that tests and benchmarks measure
against). The sigmoid, a probability rather than a log, is here too: gradients and networks need
it, and it shares the first device below.

Two devices do the work:

* Exponentials of non-positive numbers only: ``softplus(x) = max(x, 0) + log1p(exp(-|x|))``, so
  nothing overflows and the small rest is never rounded away inside ``1 + exp(-|x|)``.
* Error-free subtraction and extended precision in the reductions: ``a - max(a)`` is split
  exactly into ``hi + lo`` (TwoSum), the exponentials are float64 (long double only for rows
  whose remainder lies near the subnormal range), and the sum and its ``log1p`` run in long
  double (64 significand bits on x86). The plain float64 recipe (``a - max(a)``, ``exp``, a sum,
  ``log1p``) rounds four times, which adds up to about 2 ulp, and its first rounding reaches
  every entry of ``log_softmax`` unscaled.

Non-finite inputs follow ``scipy.special``: nan propagates; in a reduction ``+inf`` dominates and a
row of only ``-inf`` gives ``-inf``; ``log_softmax`` returns nan where the result is ``inf - inf``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from losslab._arrays import (
    FloatArray,
    as_real,
    blockwise,
    finish,
    finite_row_blocks,
    log1p_exp_neg_abs,
    reduction_axis,
    round_once,
)

__all__ = ["log_sigmoid", "log_softmax", "logsumexp", "sigmoid", "softplus"]

# Whether long double carries at least 64 significand bits (x87 extended or IEEE quad: Linux and
# BSD on x86 and aarch64). Where it is just double (Windows, macOS on arm64) the reductions fall
# back to float64 sums, about 2.5 ulp instead of 1.
_EXTENDED = np.finfo(np.longdouble).nmant >= 63
# Below this rest a sum of float64 exponentials has terms near or in the subnormal range, whose
# relative precision is poor; 2**-960 leaves 62 binades of margin above 2**-1022.
_TINY_REST = 2.0**-960


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
        If `x` is not real-valued (strings, objects, complex) or is wider than float64.

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
        If `x` is not real-valued or is wider than float64.

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
        If `logits` is not real-valued or is wider than float64.

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


def _two_diff(a: FloatArray, b: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Knuth's TwoSum for ``a - b`` with finite `b`: ``d = fl(a - b)`` and the exact error.

    An entry ``a = -inf`` (a class with probability 0) has ``d = -inf`` and error 0.
    """
    d = a - b
    with np.errstate(invalid="ignore"):  # -inf entries give inf - inf here; fixed below
        b_virtual = a - d
        err = (a - (d + b_virtual)) + (b_virtual - b)
    if np.isneginf(d).any():
        np.copyto(err, 0.0, where=np.isnan(err))
    return d, err


# Shown in the book (chapters/numerics.md): how the reductions stay exact.
def _lse_parts(a: FloatArray, m: FloatArray) -> tuple[FloatArray, FloatArray, Any]:
    """The parts of logsumexp along the last axis of `a`, whose row maxima `m` are finite.

    Returns ``hi``, ``lo`` and ``log_rest`` (keepdims), with ``a - m = hi + lo`` exactly and
    ``log_rest = log1p(sum of exp(a_i - m) over all entries but one maximal one)`` in long double
    where the platform has it, so that ``logsumexp = m + log_rest`` and ``log_softmax = hi + (lo -
    log_rest)``, each rounded once to float64 by the caller.
    """
    # The maximal entry contributes exactly exp(0) = 1. Leaving it out of the sum and adding it
    # back through log1p keeps every bit of a rest far below the ulp of 1.
    top = np.argmax(a, axis=-1)[..., None]
    # exp of a very negative a - m underflows to subnormals or 0, and so do the tiny corrections:
    # those are the correctly rounded values, so the flag carries no information.
    with np.errstate(under="ignore"):
        hi, lo = _two_diff(a, m)
        terms = np.exp(hi)
        terms += terms * lo  # exp(hi + lo) = exp(hi) (1 + lo): undo the rounding of a - m
        np.put_along_axis(terms, top, 0.0, axis=-1)
        if not _EXTENDED:
            return hi, lo, np.log1p(np.sum(terms, axis=-1, keepdims=True))
        # The terms are positive, each within about half an ulp, so their relative errors do
        # not add up in the sum; summing and taking log1p in long double adds rounding errors
        # about 2**-11 times smaller than a float64 ulp.
        rest: npt.NDArray[np.longdouble] = np.sum(
            terms, axis=-1, keepdims=True, dtype=np.longdouble
        )
        # Near the subnormal range float64 terms lose relative precision (and below it they are
        # 0): rows with so small a rest are summed again from long double exponentials.
        tiny = rest[..., 0] < _TINY_REST
        if tiny.any():
            exact = np.exp(hi[tiny].astype(np.longdouble) + lo[tiny])
            np.put_along_axis(exact, top[tiny], 0.0, axis=-1)
            rest[tiny] = np.sum(exact, axis=-1, keepdims=True)
        return hi, lo, np.log1p(rest)


def logsumexp(a: npt.ArrayLike, axis: int = -1) -> Any:
    r"""Log of the sum of exponentials along an axis, :math:`\log \sum_i e^{a_i}`, exact.

    The largest entry :math:`m` is taken out, :math:`\mathrm{lse}(a) = m +
    \operatorname{log1p}\big(\sum_{i \ne i^*} e^{a_i - m}\big)`, with :math:`a_i - m` computed
    without rounding error (TwoSum). Nothing overflows, and a rest far below the ulp of 1 is kept.

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
    number (Blanchard, Higham and Higham, below), the error stays below
    :math:`1.5 \max(1, \kappa)` ulp (``nox -s bench`` measures it): ``a - max(a)`` is carried
    without rounding error, and the sum and its ``log1p`` run in extended precision.

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
    m = np.max(flat, axis=1, keepdims=True)
    # A row whose maximum is not finite already has its answer in m, as in scipy: nan (np.max
    # propagates it), +inf, or -inf for a row of only -inf.
    out = m[:, 0].copy()
    for block in finite_row_blocks(out, flat.shape[1]):
        out[block] = round_once(m[block] + _lse_parts(flat[block], m[block])[2])[:, 0]
    return finish(out.reshape(rows.shape[:-1]), dtype)


def _class_picks(index: Any, batch: tuple[int, ...], classes: int) -> npt.NDArray[np.intp]:
    """Validate the `index` argument of log_softmax; return it as one column of row-major picks."""
    try:
        arr = np.asarray(index)
    except ValueError:  # ragged nested sequences
        raise ValueError("index must be a rectangular array of integers") from None
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
    m = np.max(flat, axis=1, keepdims=True)
    # Rows with a nan, a +inf or only -inf: plain a - max(a) gives scipy's answers (nan for
    # inf - inf and for nan rows, -inf for the other entries of a row holding +inf). The finite
    # rows are overwritten below.
    with np.errstate(invalid="ignore"):
        out = flat - m if picks is None else np.take_along_axis(flat, picks, axis=1) - m
    for block in finite_row_blocks(m[:, 0], flat.shape[1]):
        hi, lo, log_rest = _lse_parts(flat[block], m[block])
        if picks is not None:  # the final rounding runs on the picked entry of each row only
            hi = np.take_along_axis(hi, picks[block], axis=1)
            lo = np.take_along_axis(lo, picks[block], axis=1)
        out[block] = round_once(hi + (lo - log_rest))
    if picks is not None:
        return finish(out.reshape(rows.shape[:-1]), dtype)
    return finish(np.moveaxis(out.reshape(rows.shape), -1, ax), dtype)
