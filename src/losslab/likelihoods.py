"""Per-sample negative log-likelihoods, the costs of maximum likelihood, and their gradients.

Once a model of ``p(y | x)`` is chosen, its cost is ``-log p(y | x)``: a Bernoulli output gives
binary cross-entropy, a categorical one softmax cross-entropy, a Gaussian the squared error (plus
constants), a Laplace the absolute error, a Poisson half the Poisson deviance (up to terms in y).

Conventions, the same for every family:

* ``<family>_nll(y, output, ...)`` is elementwise (per sample, no reduction) and broadcasts; the
  loss is its sum or mean, taken by the caller.
* The output argument is what the network produces: logits, never probabilities (see
  :mod:`losslab.numerics` for why); a mean; a log-rate.
* ``<family>_nll_grad`` returns the derivative of the cost with respect to that output, with
  the broadcast shape; for a family with two outputs, a tuple in the order of the arguments.
* Bad input raises ``ValueError`` (or ``TypeError`` for a wrong type) naming the argument.
* Finite input raises no floating-point flag, and gives inf only where the exact value is beyond
  float64; nan propagates, and ``y - output = inf - inf`` gives nan.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from losslab import _categorical as categorical
from losslab._arrays import (
    FloatArray,
    as_real,
    blockwise,
    broadcast,
    broadcast_shape,
    finish,
    log1p_exp_neg_abs,
    reduction_axis,
    require,
)
from losslab._poisson import poisson_cost, poisson_gradient
from losslab.numerics import log_sigmoid, log_softmax, logsumexp, sigmoid, softplus

__all__ = [
    "HALF_LOG_2PI",
    "bernoulli_nll",
    "bernoulli_nll_grad",
    "categorical_nll",
    "categorical_nll_grad",
    "gaussian_nll",
    "gaussian_nll_grad",
    "heteroscedastic_gaussian_nll",
    "heteroscedastic_gaussian_nll_grad",
    "laplace_nll",
    "laplace_nll_grad",
    "poisson_nll",
    "poisson_nll_grad",
]

#: The constant of every Gaussian cost, :math:`\tfrac12 \log 2\pi`, correctly rounded.
HALF_LOG_2PI = 0.9189385332046728


def _probability(y: npt.ArrayLike, name: str = "y") -> FloatArray:
    arr, _ = as_real(y, name)
    with np.errstate(invalid="ignore"):
        require((arr >= 0) & (arr <= 1), name, "in [0, 1]", arr)
    return arr


def _location_scale(
    y: npt.ArrayLike, loc: npt.ArrayLike, scale: npt.ArrayLike, loc_name: str
) -> tuple[FloatArray, FloatArray, FloatArray, np.dtype[Any]]:
    """Check the arguments of a location-scale cost: target, location, scale, result dtype.

    The three are returned unbroadcast; ``broadcast_shape`` of them has already succeeded.
    """
    arr, _ = as_real(scale, "scale")
    with np.errstate(invalid="ignore"):
        # No silent clamp: a scale of 0 is a model that cannot be evaluated, not a tiny scale.
        require((arr > 0) & np.isfinite(arr), "scale", "positive and finite", arr)
    target, _ = as_real(y, "y")
    location, dtype = as_real(loc, loc_name)
    broadcast_shape(y=target, **{loc_name: location}, scale=arr)
    return target, location, arr, dtype


def _count(y: npt.ArrayLike) -> FloatArray:
    arr, _ = as_real(y, "y")
    with np.errstate(invalid="ignore"):
        require(
            (arr >= 0) & (arr == np.floor(arr)) & np.isfinite(arr), "y", "a count 0, 1, 2, ...", arr
        )
    return arr


def bernoulli_nll(y: npt.ArrayLike, logits: npt.ArrayLike) -> Any:
    r"""Bernoulli negative log-likelihood of `y` given logits: the binary cross-entropy.

    .. math:: -y \log \sigma(z) - (1 - y) \log(1 - \sigma(z))
              &= w\,|z| + \log\left(1 + e^{-|z|}\right), \\
              w &= 1 - y \text{ if } z \ge 0 \text{ else } y.

    Both terms of the right-hand side are non-negative, so the sum has no cancellation; the usual
    ``max(z, 0) - z * y + log1p(exp(-|z|))`` cancels when ``y`` is near 1 and ``z`` is large.

    Parameters
    ----------
    y : array_like
        Targets in [0, 1]: labels 0 or 1, or soft labels.
    logits : array_like
        The network output :math:`z`, broadcastable with `y`.

    Returns
    -------
    numpy.ndarray or numpy.float64
        The cost per sample, >= 0 for labels 0 and 1. Infinite logits give the limit (0 for a
        correct infinite logit, inf for a wrong one).

    Raises
    ------
    ValueError
        If `y` is outside [0, 1] or nan, an argument is ragged, or the shapes do not broadcast.
    TypeError
        If an argument is not real-valued or is a masked array.

    See Also
    --------
    bernoulli_nll_grad : :math:`\sigma(z) - y`.
    categorical_nll : ``bernoulli_nll(y, z) == categorical_nll(y, [0, z])`` for labels.

    Examples
    --------
    >>> from losslab import bernoulli_nll
    >>> bernoulli_nll([1, 0, 1], [0.0, 0.0, 2.0])
    array([0.69314718, 0.69314718, 0.12692801])

    A confident mistake costs its logit, a confident success almost nothing, and neither is 0:

    >>> float(bernoulli_nll(1, -1000.0)), float(bernoulli_nll(1, 40.0))
    (1000.0, 4.24835425529e-18)
    >>> bernoulli_nll(1.5, 0.0)
    Traceback (most recent call last):
    ...
    ValueError: y must be in [0, 1]; got 1.5
    """
    p = _probability(y)
    z, dtype = as_real(logits, "logits")
    shape = broadcast_shape(y=p, logits=z)
    return finish(blockwise(_bernoulli_kernel, p, z, shape=shape), dtype)


def _bernoulli_kernel(p: FloatArray, z: FloatArray, out: FloatArray) -> None:
    """``w |z| + log1p(exp(-|z|))`` with ``w = 1 - p`` where ``z >= 0``, else ``p``."""
    log1p_exp_neg_abs(z, out)
    weight = np.where(z >= 0, 1.0 - p, p)
    # A tiny soft label times a small logit underflows to a subnormal or 0: the correctly
    # rounded product. 0 * inf (a correct infinite logit) is nan here, and 0 is the cost.
    with np.errstate(invalid="ignore", under="ignore"):
        weight *= np.abs(z)
    if not np.isfinite(weight).all():
        np.copyto(weight, 0.0, where=np.isnan(weight) & ~np.isnan(z))
    out += weight


def bernoulli_nll_grad(y: npt.ArrayLike, logits: npt.ArrayLike) -> Any:
    r"""Derivative of :func:`bernoulli_nll` with respect to the logit: :math:`\sigma(z) - y`.

    Computed as :math:`(1 - y)\,\sigma(z) - y\,\sigma(-z)`, which equals :math:`\sigma(z) - y`
    but keeps the tiny gradient of a confident, correct prediction instead of rounding it to 0.

    Parameters
    ----------
    y : array_like
        Targets in [0, 1].
    logits : array_like
        The network output, broadcastable with `y`.

    Returns
    -------
    numpy.ndarray or numpy.float64
        d cost / d logit, of the broadcast shape.

    Raises
    ------
    ValueError, TypeError
        As for :func:`bernoulli_nll`.

    Examples
    --------
    >>> from losslab.likelihoods import bernoulli_nll_grad
    >>> bernoulli_nll_grad([1, 0], [0.0, 0.0])
    array([-0.5,  0.5])

    Saturated and right, the gradient is tiny but not 0; saturated and wrong, it is full size:

    >>> bernoulli_nll_grad([1, 1], [40.0, -40.0])
    array([-4.24835426e-18, -1.00000000e+00])
    >>> bernoulli_nll_grad([1, 0], [0.0, 0.0, 0.0])
    Traceback (most recent call last):
    ...
    ValueError: shapes do not broadcast: y (2,), logits (3,)
    """
    p = _probability(y)
    z, dtype = as_real(logits, "logits")
    p, z = broadcast(y=p, logits=z)
    up, down = np.asarray(sigmoid(z)), np.asarray(sigmoid(-z))
    with np.errstate(under="ignore"):  # tiny label times tiny sigmoid: a subnormal or 0
        return finish((1.0 - p) * up - p * down, dtype)


def categorical_nll(y: npt.ArrayLike, logits: npt.ArrayLike, axis: int = -1) -> Any:
    r"""Categorical negative log-likelihood given logits: the softmax cross-entropy.

    For a label :math:`k`, :math:`-\log \operatorname{softmax}(\mathbf z)_k`; for a probability
    vector :math:`\mathbf y`, :math:`-\sum_k y_k \log \operatorname{softmax}(\mathbf z)_k` (with
    :math:`0 \log 0 = 0`). Computed from :func:`losslab.log_softmax`, exact in every entry.

    Parameters
    ----------
    y : array_like
        Either labels, broadcastable to the shape of `logits` without `axis` (integers, or
        integral floats with fewer dimensions than `logits`), or probability vectors: floats
        with as many dimensions as `logits`, broadcastable to it.
    logits : array_like
        The network output, classes along `axis`.
    axis : int, optional
        The class axis (default: the last).

    Returns
    -------
    numpy.ndarray or numpy.float64
        The cost per sample: the shape of `logits` without `axis`; inf only where it lies beyond
        float64. Infinite logits give the limit, as in :func:`bernoulli_nll`: the class whose
        logit is the only +inf of its row has probability 1, every other class of that row 0,
        and the only class of a row is certain. A nan logit gives nan, and so does a row whose
        probabilities are undefined (two +inf, or only -inf).

    Raises
    ------
    ValueError
        Labels out of range or not integers; probabilities outside [0, 1] or not summing to 1
        along `axis` (to within the square root of their dtype's epsilon); shapes that do not
        broadcast; `logits` 0-d or `axis` out of range.
    TypeError
        If an argument is not real-valued.

    Examples
    --------
    >>> import numpy as np
    >>> from losslab import categorical_nll
    >>> categorical_nll([0, 2], [[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]])
    array([1.09861229, 0.40760596])
    >>> float(categorical_nll([0.5, 0.5], [0.0, np.log(3.0)]))  # soft targets: log(16/3) / 2
    0.836988216786

    A confident success still costs a little, not 0; infinite logits give the limit; a cost is
    finite wherever it lies within float64, even where a log-probability does not:

    >>> float(categorical_nll(0, [50.0, 0.0, 0.0]))
    3.85749969593e-22
    >>> float(categorical_nll(1, [0.0, np.inf])), float(categorical_nll(0, [0.0, np.inf]))
    (0.0, inf)
    >>> float(categorical_nll([0.5, 0.5], [1e308, -1e308]))  # 0.5 * 0 + 0.5 * 2e308
    1e+308
    >>> categorical_nll(3, [0.0, 0.0, 0.0])
    Traceback (most recent call last):
    ...
    ValueError: y must be a label in 0..2; got 3.0
    >>> categorical_nll(0, 1.0)
    Traceback (most recent call last):
    ...
    ValueError: logits must have at least one dimension to reduce over; got a 0-d array
    """
    z, dtype = as_real(logits, "logits")
    ax = reduction_axis(z, axis, "logits")
    target, is_label = categorical.target(y, z, ax)
    if is_label:
        labels = target.astype(np.intp, copy=False)
        log_p = np.asarray(log_softmax(z, axis=ax, index=labels), dtype=np.float64)
        categorical.certain_classes(z, ax, log_p, labels)
        return finish(0.0 - log_p, dtype)  # 0 - 0 is 0, where -0 would be -0.0
    log_p = np.asarray(log_softmax(z, axis=ax), dtype=np.float64)
    categorical.certain_classes(z, ax, log_p, None)
    return finish(categorical.soft_cost(target, log_p, z, ax, logsumexp), dtype)


def categorical_nll_grad(y: npt.ArrayLike, logits: npt.ArrayLike, axis: int = -1) -> Any:
    r"""Derivative of :func:`categorical_nll` with respect to the logits: softmax minus target.

    For labels, the labelled entry :math:`\operatorname{softmax}_k - 1` is computed as
    :math:`\operatorname{expm1}(\log\operatorname{softmax}_k)`, so that a confident, correct
    prediction keeps its tiny gradient and the entries still sum to 0.

    Parameters
    ----------
    y : array_like
        Labels or probability vectors, as for :func:`categorical_nll`.
    logits : array_like
        The network output, classes along `axis`.
    axis : int, optional
        The class axis (default: the last).

    Returns
    -------
    numpy.ndarray
        d cost / d logits, the shape of `logits`; at infinite logits the limit, as for the cost.

    Raises
    ------
    ValueError, TypeError
        As for :func:`categorical_nll`.

    Examples
    --------
    >>> from losslab.likelihoods import categorical_nll_grad
    >>> categorical_nll_grad(1, [0.0, 0.0])
    array([ 0.5, -0.5])
    >>> categorical_nll_grad(1, [1000.0, 0.0])  # confident and wrong: the full push
    array([ 1., -1.])
    >>> categorical_nll_grad(0, [50.0, 0.0, 0.0])  # confident and right: tiny, summing to 0
    array([-3.85749970e-22,  1.92874985e-22,  1.92874985e-22])
    >>> categorical_nll_grad(1, [0.0, np.inf])  # certain and right: no push
    array([0., 0.])
    """
    z, dtype = as_real(logits, "logits")
    ax = reduction_axis(z, axis, "logits")
    target, is_label = categorical.target(y, z, ax)
    log_p = np.asarray(log_softmax(z, axis=ax), dtype=np.float64)
    categorical.certain_classes(z, ax, log_p, None)
    with np.errstate(under="ignore"):
        probs = np.exp(log_p)
        if not is_label:
            return finish(probs - target, dtype)
        index = np.expand_dims(target.astype(np.intp), ax)
        index = np.broadcast_to(index, (*probs.shape[:ax], 1, *probs.shape[ax + 1 :]))
        np.put_along_axis(probs, index, np.expm1(np.take_along_axis(log_p, index, axis=ax)), ax)
    return finish(probs, dtype)


def _standardized(
    y: FloatArray, loc: FloatArray, over: Callable[[FloatArray], FloatArray], times: int = 1
) -> FloatArray:
    """``y - loc`` divided `times` times by the scale (``over``), also where ``y - loc`` overflows.

    An infinite `y` at an infinite `loc` of the same sign has no residual: nan, with no flag
    (the nan says it). A quotient beyond float64 is +-inf, one below its range rounds to 0.
    """
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        difference = y - loc
        overflowed = np.isinf(difference) & np.isfinite(y) & np.isfinite(loc)
        if overflowed.any():  # halving is exact outside the subnormal range, where no overflow is
            difference = np.where(overflowed, 0.5 * y - 0.5 * loc, difference)
        r = over(difference)
        r = over(r) if times == 2 else r
        return np.where(overflowed, 2.0 * r, r) if overflowed.any() else r


def gaussian_nll(y: npt.ArrayLike, mean: npt.ArrayLike, scale: npt.ArrayLike = 1.0) -> Any:
    r"""Gaussian negative log-likelihood, the full constant included.

    .. math:: \tfrac12 \log 2\pi + \log \sigma + \frac{(y - \mu)^2}{2 \sigma^2}

    With a fixed :math:`\sigma` this is the squared error up to a constant and a factor, which is
    why maximum likelihood under Gaussian noise is least squares.

    Parameters
    ----------
    y : array_like
        Targets.
    mean : array_like
        The network output :math:`\mu`.
    scale : array_like, optional
        The standard deviation :math:`\sigma`, positive and finite (default 1). Never clamped: a
        model with :math:`\sigma = 0` has no density to evaluate.

    Returns
    -------
    numpy.ndarray or numpy.float64
        The cost per sample (broadcast shape).

    Raises
    ------
    ValueError
        If `scale` is not positive and finite, an argument is ragged, or the shapes do not
        broadcast.
    TypeError
        If an argument is not real-valued or is a masked array.

    Examples
    --------
    >>> from losslab import gaussian_nll
    >>> gaussian_nll([0.0, 1.0], 0.0)
    array([0.91893853, 1.41893853])

    A perfect fit with a tiny scale gives a large negative cost (the likelihood is a density):

    >>> float(gaussian_nll(0.0, 0.0, scale=1e-300))
    -689.856589365
    >>> gaussian_nll(0.0, 0.0, scale=0.0)
    Traceback (most recent call last):
    ...
    ValueError: scale must be positive and finite; got 0.0
    """
    target, mu, s, dtype = _location_scale(y, mean, scale, "mean")
    return finish(blockwise(_gaussian_kernel, target, mu, s), dtype)


def _gaussian_kernel(y: FloatArray, mean: FloatArray, scale: FloatArray, out: FloatArray) -> None:
    r = _standardized(y, mean, lambda v: v / scale)
    with np.errstate(over="ignore", under="ignore"):  # a cost beyond float64 is inf, correctly
        np.multiply(0.5 * r, r, out=out)
    out += HALF_LOG_2PI + np.log(scale)


def gaussian_nll_grad(y: npt.ArrayLike, mean: npt.ArrayLike, scale: npt.ArrayLike = 1.0) -> Any:
    r"""Derivative of :func:`gaussian_nll` with respect to the mean: :math:`(\mu - y)/\sigma^2`.

    Parameters
    ----------
    y, mean, scale : array_like
        As for :func:`gaussian_nll`.

    Returns
    -------
    numpy.ndarray or numpy.float64
        d cost / d mean, of the broadcast shape.

    Raises
    ------
    ValueError, TypeError
        As for :func:`gaussian_nll`.

    Examples
    --------
    >>> from losslab.likelihoods import gaussian_nll_grad
    >>> gaussian_nll_grad(1.0, [0.0, 3.0], scale=2.0)
    array([-0.25,  0.5 ])
    >>> gaussian_nll_grad(1.0, 0.0, scale=-1.0)
    Traceback (most recent call last):
    ...
    ValueError: scale must be positive and finite; got -1.0
    """
    target, mu, s, dtype = _location_scale(y, mean, scale, "mean")
    # Divided twice by the scale: (y - mean) / scale overflows where the gradient need not.
    return finish(-_standardized(target, mu, lambda v: v / s, times=2), dtype)


# Below this raw scale s, sigma = softplus(s) = e^s (to 1e-304) nears the subnormal range (from
# s = -708.4); a value is then divided by two factors e^(-s/2), finite down to s = -1419.
_TINY_RAW = -700.0


def _log_softplus(raw: FloatArray, sigma: FloatArray) -> FloatArray:
    """``log(sigma)``, sigma = softplus(raw), also where sigma underflows (raw below -745)."""
    out = np.empty(raw.shape)
    tail = raw < -20.0  # each branch is evaluated only where it is used: e^raw overflows above
    with np.errstate(under="ignore"):
        out[tail] = raw[tail] - 0.5 * np.exp(raw[tail])  # log(e^r (1 - e^r/2 ...)), to O(e^2r)
    out[~tail] = np.log(sigma[~tail])
    return out


def _over_scale(value: FloatArray, raw: FloatArray, sigma: FloatArray) -> FloatArray:
    """``value / sigma``, sigma = softplus(raw), also where sigma is subnormal or 0."""
    with np.errstate(all="ignore"):  # +-inf beyond float64; a sigma of 0 is redone below
        out: FloatArray = np.array(value / sigma, dtype=np.float64)
        tiny = raw < _TINY_RAW
        half = np.exp(-0.5 * raw[tiny])
        out[tiny] = (value[tiny] * half) * half
    return out


def heteroscedastic_gaussian_nll(
    y: npt.ArrayLike, mean: npt.ArrayLike, raw_scale: npt.ArrayLike
) -> Any:
    r"""Gaussian negative log-likelihood whose scale is a network output.

    The scale is :math:`\sigma = \operatorname{softplus}(s)` of a raw output :math:`s`: the
    network learns its own uncertainty. Nothing bounds the cost from below: on a sample it fits
    exactly, driving :math:`s \to -\infty` sends :math:`\log \sigma`, and the cost, to
    :math:`-\infty` (maximum likelihood then has no minimum).

    Parameters
    ----------
    y : array_like
        Targets.
    mean : array_like
        The network's mean output.
    raw_scale : array_like
        The network's scale output :math:`s`, any real number.

    Returns
    -------
    numpy.ndarray or numpy.float64
        The cost per sample. Computed with :math:`\log \operatorname{softplus}(s)` kept finite for
        every finite :math:`s`, so a perfect fit gives a finite, very negative cost rather than
        ``nan`` or ``-inf``.

    Raises
    ------
    ValueError, TypeError
        As for :func:`gaussian_nll`; every real `raw_scale` is valid.

    Examples
    --------
    >>> from losslab.likelihoods import heteroscedastic_gaussian_nll
    >>> float(heteroscedastic_gaussian_nll(0.0, 0.0, 0.5413248546129181))  # softplus(s) = 1
    0.918938533205
    >>> float(heteroscedastic_gaussian_nll(0.0, 0.0, -1000.0))  # perfect fit, sigma = e^-1000
    -999.081061467
    """
    _, log_scale, r, _, dtype = _heteroscedastic_parts(y, mean, raw_scale)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        quadratic = (0.5 * r) * r
        cost = (HALF_LOG_2PI + log_scale) + quadratic
    # At s = -inf with y != mean the quadratic term outgrows log sigma: the limit is +inf.
    return finish(np.where(quadratic == np.inf, np.inf, cost), dtype)


def _heteroscedastic_parts(
    y: npt.ArrayLike, mean: npt.ArrayLike, raw_scale: npt.ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, np.dtype[Any]]:
    """Validated, broadcast ``raw``, ``log sigma``, ``r = (y - mean) / sigma``, ``-r / sigma``.

    Both are 0 at an exact fit (finite ``y == mean``), also where ``1 / sigma`` is beyond float64.
    """
    target, _ = as_real(y, "y")
    mu, dtype = as_real(mean, "mean")
    raw, _ = as_real(raw_scale, "raw_scale")
    target, mu, raw = broadcast(y=target, mean=mu, raw_scale=raw)
    sigma = np.asarray(softplus(raw), dtype=np.float64)
    r, q = (_standardized(target, mu, lambda v: _over_scale(v, raw, sigma), k) for k in (1, 2))
    exact = (target == mu) & np.isfinite(mu)
    slope = np.where(exact & ~np.isnan(raw), 0.0, -q)
    return raw, _log_softplus(raw, sigma), np.where(exact, 0.0, r), slope, dtype


def heteroscedastic_gaussian_nll_grad(
    y: npt.ArrayLike, mean: npt.ArrayLike, raw_scale: npt.ArrayLike
) -> tuple[Any, Any]:
    r"""Derivatives of :func:`heteroscedastic_gaussian_nll` with respect to mean and raw scale.

    .. math:: \frac{\partial J}{\partial \mu} = \frac{\mu - y}{\sigma^2}, \qquad
              \frac{\partial J}{\partial s} = \left(1 - \frac{(y - \mu)^2}{\sigma^2}\right)
              \frac{\sigma'(s)}{\sigma(s)}, \quad \sigma'(s) = \operatorname{sigmoid}(s).

    Parameters
    ----------
    y, mean, raw_scale : array_like
        As for :func:`heteroscedastic_gaussian_nll`.

    Returns
    -------
    tuple of numpy.ndarray
        d cost / d mean and d cost / d raw_scale, each of the broadcast shape.

    Raises
    ------
    ValueError, TypeError
        As for :func:`heteroscedastic_gaussian_nll`.

    Examples
    --------
    >>> from losslab.likelihoods import heteroscedastic_gaussian_nll_grad
    >>> d_mean, d_raw = heteroscedastic_gaussian_nll_grad(0.0, 0.0, -1000.0)
    >>> float(d_mean), float(d_raw)  # a perfect fit still pushes the scale down, at full rate
    (0.0, 1.0)
    """
    raw, log_scale, r, d_mean, dtype = _heteroscedastic_parts(y, mean, raw_scale)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        # sigmoid(s) / softplus(s) -> 1 as s -> -inf; both factors are computed without overflow.
        ratio = np.exp(np.asarray(log_sigmoid(raw), dtype=np.float64) - log_scale)
        ratio = np.where(raw == -np.inf, 1.0, ratio)
        squared = r * r  # it overflows where r**2 * ratio, ratio near 1 / sigma, need not
        late = np.isinf(squared) & np.isfinite(r)
        d_raw = np.where(late, ratio - (r * ratio) * r, (1.0 - squared) * ratio)
    return finish(d_mean, dtype), finish(d_raw, dtype)


def laplace_nll(y: npt.ArrayLike, loc: npt.ArrayLike, scale: npt.ArrayLike = 1.0) -> Any:
    r"""Laplace negative log-likelihood: :math:`\log 2b + |y - \mu| / b`.

    With a fixed scale :math:`b` this is the absolute error up to a constant: maximum likelihood
    under Laplace noise is least absolute deviations, whose minimiser is the median.

    Parameters
    ----------
    y : array_like
        Targets.
    loc : array_like
        The network output :math:`\mu`.
    scale : array_like, optional
        The scale :math:`b > 0`, finite (default 1).

    Returns
    -------
    numpy.ndarray or numpy.float64
        The cost per sample (broadcast shape).

    Raises
    ------
    ValueError
        If `scale` is not positive and finite, an argument is ragged, or the shapes do not
        broadcast.
    TypeError
        If an argument is not real-valued or is a masked array.

    Examples
    --------
    >>> from losslab import laplace_nll
    >>> laplace_nll([0.0, 2.0], 0.0)
    array([0.69314718, 2.69314718])
    >>> laplace_nll(0.0, 0.0, scale=[1.0, float("nan")])
    Traceback (most recent call last):
    ...
    ValueError: scale must be positive and finite; got nan
    """
    target, mu, b, dtype = _location_scale(y, loc, scale, "loc")
    with np.errstate(over="ignore"):
        # log 2 + log b, not log(2 b): 2 b overflows for b above 9e307.
        return finish(
            (np.log(2.0) + np.log(b)) + np.abs(_standardized(target, mu, lambda v: v / b)), dtype
        )


def laplace_nll_grad(y: npt.ArrayLike, loc: npt.ArrayLike, scale: npt.ArrayLike = 1.0) -> Any:
    r"""Derivative of :func:`laplace_nll` with respect to the location.

    That is :math:`\mathrm{sign}(\mu - y) / b`, and 0 where :math:`\mu = y` (the middle of the
    subgradient).

    Parameters
    ----------
    y, loc, scale : array_like
        As for :func:`laplace_nll`.

    Returns
    -------
    numpy.ndarray or numpy.float64
        d cost / d location, of the broadcast shape.

    Raises
    ------
    ValueError, TypeError
        As for :func:`laplace_nll`.

    Examples
    --------
    >>> from losslab.likelihoods import laplace_nll_grad
    >>> laplace_nll_grad(0.0, [-3.0, 0.0, 1e-9], scale=2.0)
    array([-0.5,  0. ,  0.5])
    """
    target, mu, b, dtype = _location_scale(y, loc, scale, "loc")
    # mu - y may overflow to +-inf, which keeps its sign; inf - inf is nan, an undefined residual
    # (as in the cost). 1 / b beyond float64, or below its normal range, is correctly rounded.
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        return finish(np.sign(mu - target) / b, dtype)


def poisson_nll(y: npt.ArrayLike, log_rate: npt.ArrayLike) -> Any:
    r"""Poisson negative log-likelihood of a count given the log-rate :math:`\eta = \log\lambda`.

    .. math:: e^{\eta} - y\,\eta + \log y!
              &= y\,\varphi(\eta - \log y) + \operatorname{stirlerr}(y) + \tfrac12 \log 2\pi y, \\
              \varphi(t) &= e^t - 1 - t.

    The :math:`\log y!` term, often dropped, is kept: the cost is a true negative log-probability.
    Near the optimum, :math:`\lambda \approx y`, the terms on the left cancel (at
    :math:`y = 10^{16}` their float64 sum has no correct digit); the right-hand side, the deviance
    form of Loader (2000), has three non-negative terms, each computed without cancellation.

    Parameters
    ----------
    y : array_like
        Counts: non-negative integers (integral floats are accepted).
    log_rate : array_like
        The network output :math:`\eta`.

    Returns
    -------
    numpy.ndarray or numpy.float64
        The cost per sample, >= 0, within a few ulp times ``max(1, kappa)`` of the exact value
        (kappa: :func:`losslab.reference.poisson_nll_condition`); inf only beyond float64.

    Raises
    ------
    ValueError
        If `y` is negative, not integral or not finite, or the shapes do not broadcast.

    Examples
    --------
    >>> import numpy as np
    >>> from losslab import poisson_nll
    >>> poisson_nll([0, 3], np.log(3.0))
    array([3.       , 1.4959226])
    >>> float(poisson_nll(1e16, np.log(1e16)))  # the sum as written gives 64.0
    19.3396192772
    >>> float(poisson_nll(1.7e308, 710.0)), float(poisson_nll(3, 1e308))  # e**710 overflows
    (6.96174846497e+306, inf)
    >>> poisson_nll(2.5, 0.0)
    Traceback (most recent call last):
    ...
    ValueError: y must be a count 0, 1, 2, ...; got 2.5
    """
    counts = _count(y)
    eta, dtype = as_real(log_rate, "log_rate")
    shape = broadcast_shape(y=counts, log_rate=eta)
    return finish(blockwise(poisson_cost, counts, eta, shape=shape), dtype)


def poisson_nll_grad(y: npt.ArrayLike, log_rate: npt.ArrayLike) -> Any:
    r"""Derivative of :func:`poisson_nll` with respect to the log-rate: :math:`e^{\eta} - y`.

    Computed as :math:`y \operatorname{expm1}(\eta - \log y)`. Near the optimum the error of
    :math:`e^{\eta} - y` is the rounding of :math:`e^{\eta}`, half an ulp of the rate, which is
    large next to the gradient; this form's error is several times smaller, and it stays finite
    where :math:`e^{\eta}` overflows but the difference does not.

    Parameters
    ----------
    y, log_rate : array_like
        As for :func:`poisson_nll`.

    Returns
    -------
    numpy.ndarray or numpy.float64
        d cost / d log-rate, of the broadcast shape.

    Examples
    --------
    >>> from losslab.likelihoods import poisson_nll_grad
    >>> poisson_nll_grad([0, 3], 0.0)
    array([ 1., -2.])
    >>> float(poisson_nll_grad(1.7e308, 710.0))  # e**710 overflows; e**710 - 1.7e308 does not
    5.33994766162e+307
    """
    counts = _count(y)
    eta, dtype = as_real(log_rate, "log_rate")
    shape = broadcast_shape(y=counts, log_rate=eta)
    return finish(blockwise(poisson_gradient, counts, eta, shape=shape), dtype)
