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
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

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
    require_normalised,
)
from losslab.numerics import log_sigmoid, log_softmax, sigmoid, softplus

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
              = w\,|z| + \log\left(1 + e^{-|z|}\right),
              \quad w = 1 - y \text{ if } z \ge 0 \text{ else } y.

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
        If `y` is outside [0, 1] or nan, or the shapes do not broadcast.
    TypeError
        If an argument is not real-valued.

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


def _categorical_target(y: npt.ArrayLike, logits: FloatArray, axis: int) -> tuple[FloatArray, bool]:
    """Validate `y` as labels or as probability vectors; return it and whether it is labels.

    Integer `y`, or float `y` with fewer dimensions than `logits`, is labels: it must broadcast
    to the shape of `logits` without `axis`. Float `y` with as many dimensions is probabilities.
    """
    arr = np.asarray(y)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"y must hold integer labels or probabilities; got dtype {arr.dtype}")
    if arr.dtype.kind == "f" and arr.ndim == logits.ndim:
        probs = broadcast(y=_probability(arr), logits=logits)[0]
        require_normalised(probs, "y", axis, arr.dtype)
        return probs, False
    classes = logits.shape[axis]
    labels, _ = as_real(arr, "y")
    with np.errstate(invalid="ignore"):
        require(labels == np.floor(labels), "y", "integer labels", labels)
        require((labels >= 0) & (labels < classes), "y", f"a label in 0..{classes - 1}", labels)
    batch = logits.shape[:axis] + logits.shape[axis + 1 :]
    try:
        labels = np.broadcast_to(labels, batch)
    except ValueError:
        raise ValueError(
            f"labels y {arr.shape} do not broadcast to logits {logits.shape} without axis {axis}"
        ) from None
    return labels, True


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
        The cost per sample: the shape of `logits` without `axis`.

    Raises
    ------
    ValueError
        Labels out of range or not integers; probabilities outside [0, 1] or not summing to 1
        along `axis` (to within the square root of their dtype's epsilon); shapes that do not
        broadcast; an `axis` out of range.
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

    A confident success still costs a little, not 0:

    >>> float(categorical_nll(0, [50.0, 0.0, 0.0]))
    3.85749969593e-22
    >>> categorical_nll(3, [0.0, 0.0, 0.0])
    Traceback (most recent call last):
    ...
    ValueError: y must be a label in 0..2; got 3.0
    """
    z, dtype = as_real(logits, "logits")
    ax = reduction_axis(z, axis)
    target, is_label = _categorical_target(y, z, ax)
    if is_label:
        out = -np.asarray(log_softmax(z, axis=ax, index=target.astype(np.intp)), dtype=np.float64)
    else:
        log_p = np.asarray(log_softmax(z, axis=ax), dtype=np.float64)
        with np.errstate(invalid="ignore"):  # 0 * -inf: a class the target never takes
            terms = np.where(target > 0, target * log_p, 0.0)
        out = -terms.sum(axis=ax)
    return finish(out, dtype)


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
        d cost / d logits, the shape of `logits`.

    Examples
    --------
    >>> from losslab.likelihoods import categorical_nll_grad
    >>> categorical_nll_grad(1, [0.0, 0.0])
    array([ 0.5, -0.5])
    >>> categorical_nll_grad(1, [1000.0, 0.0])  # confident and wrong: the full push
    array([ 1., -1.])
    >>> categorical_nll_grad(0, [50.0, 0.0, 0.0])  # confident and right: tiny, summing to 0
    array([-3.85749970e-22,  1.92874985e-22,  1.92874985e-22])
    """
    z, dtype = as_real(logits, "logits")
    ax = reduction_axis(z, axis)
    target, is_label = _categorical_target(y, z, ax)
    log_p = np.asarray(log_softmax(z, axis=ax), dtype=np.float64)
    with np.errstate(under="ignore"):
        probs = np.exp(log_p)
        if not is_label:
            return finish(probs - target, dtype)
        index = np.expand_dims(target.astype(np.intp), ax)
        index = np.broadcast_to(index, (*probs.shape[:ax], 1, *probs.shape[ax + 1 :]))
        np.put_along_axis(probs, index, np.expm1(np.take_along_axis(log_p, index, axis=ax)), ax)
    return finish(probs, dtype)


def _standardized(y: FloatArray, loc: FloatArray, scale: FloatArray) -> FloatArray:
    """``(y - loc) / scale``, also where ``y - loc`` alone would overflow."""
    with np.errstate(over="ignore", under="ignore"):
        r = (y - loc) / scale
        overflowed = np.isinf(r) & np.isfinite(y) & np.isfinite(loc)
        if overflowed.any():  # halving is exact outside the subnormal range, where no overflow is
            r = np.where(overflowed, (0.5 * y - 0.5 * loc) / scale * 2.0, r)
    return r


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
        If `scale` is not positive and finite, or the shapes do not broadcast.
    TypeError
        If an argument is not real-valued.

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
    r = _standardized(y, mean, scale)
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
    with np.errstate(over="ignore", under="ignore"):
        return finish(-_standardized(target, mu, s) / s, dtype)


def _log_softplus(raw: FloatArray) -> FloatArray:
    """``log(softplus(raw))``, also where softplus(raw) underflows (raw below about -745)."""
    with np.errstate(under="ignore", divide="ignore"):
        tail = raw - 0.5 * np.exp(raw)  # log(e^r (1 - e^r / 2 + ...)), exact to O(e^{2r})
        direct = np.log(np.asarray(softplus(raw), dtype=np.float64))
    result: FloatArray = np.where(raw < -20.0, tail, direct)
    return result


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

    Examples
    --------
    >>> from losslab.likelihoods import heteroscedastic_gaussian_nll
    >>> float(heteroscedastic_gaussian_nll(0.0, 0.0, 0.5413248546129181))  # softplus(s) = 1
    0.918938533205
    >>> float(heteroscedastic_gaussian_nll(0.0, 0.0, -1000.0))  # perfect fit, sigma = e^-1000
    -999.081061467
    """
    _, log_scale, _, r, dtype = _heteroscedastic_parts(y, mean, raw_scale)
    with np.errstate(over="ignore", under="ignore"):
        quadratic = (0.5 * r) * r
    return finish((HALF_LOG_2PI + log_scale) + quadratic, dtype)


def _heteroscedastic_parts(
    y: npt.ArrayLike, mean: npt.ArrayLike, raw_scale: npt.ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, np.dtype[Any]]:
    """Validated, broadcast ``raw``, ``log sigma``, ``1 / sigma`` and ``r = (y - mean) / sigma``.

    ``r`` is 0 wherever the fit is exact, even where ``1 / sigma`` has overflowed to inf.
    """
    target, _ = as_real(y, "y")
    mu, dtype = as_real(mean, "mean")
    raw, _ = as_real(raw_scale, "raw_scale")
    target, mu, raw = broadcast(y=target, mean=mu, raw_scale=raw)
    log_scale = _log_softplus(raw)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        inverse = np.exp(-log_scale)
        r = np.where(target == mu, 0.0, (target - mu) * inverse)
    return raw, log_scale, inverse, r, dtype


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

    Examples
    --------
    >>> from losslab.likelihoods import heteroscedastic_gaussian_nll_grad
    >>> d_mean, d_raw = heteroscedastic_gaussian_nll_grad(0.0, 0.0, -1000.0)
    >>> float(d_mean), float(d_raw)  # a perfect fit still pushes the scale down, at full rate
    (0.0, 1.0)
    """
    raw, log_scale, inverse, r, dtype = _heteroscedastic_parts(y, mean, raw_scale)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        d_mean = np.where(r == 0, 0.0, -r * inverse)  # 0 * inf at an exact fit: the slope is 0
        # sigmoid(s) / softplus(s) -> 1 as s -> -inf; both factors are computed without overflow.
        ratio = np.exp(np.asarray(log_sigmoid(raw), dtype=np.float64) - log_scale)
        d_raw = (1.0 - r * r) * ratio
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
        If `scale` is not positive and finite, or the shapes do not broadcast.

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
        return finish((np.log(2.0) + np.log(b)) + np.abs(_standardized(target, mu, b)), dtype)


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

    Examples
    --------
    >>> from losslab.likelihoods import laplace_nll_grad
    >>> laplace_nll_grad(0.0, [-3.0, 0.0, 1e-9], scale=2.0)
    array([-0.5,  0. ,  0.5])
    """
    target, mu, b, dtype = _location_scale(y, loc, scale, "loc")
    return finish(np.sign(mu - target) / b, dtype)


def _log_factorial(counts: FloatArray) -> FloatArray:
    """``log(y!)`` by ``math.lgamma`` once per distinct count (counts repeat a lot)."""
    distinct, inverse = np.unique(counts, return_inverse=True)
    values = np.array([math.lgamma(c + 1.0) for c in distinct.tolist()], dtype=np.float64)
    result: FloatArray = values[inverse].reshape(counts.shape)
    return result


def poisson_nll(y: npt.ArrayLike, log_rate: npt.ArrayLike) -> Any:
    r"""Poisson negative log-likelihood of a count given the log-rate :math:`\eta = \log\lambda`.

    .. math:: e^{\eta} - y\,\eta + \log y!

    The :math:`\log y!` term does not depend on the model and is often dropped; here it is kept
    (exactly, through ``lgamma``), so that the cost is a true negative log-probability.

    Parameters
    ----------
    y : array_like
        Counts: non-negative integers (integral floats are accepted).
    log_rate : array_like
        The network output :math:`\eta`.

    Returns
    -------
    numpy.ndarray or numpy.float64
        The cost per sample, >= 0 (it is minus the log of a probability).

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
    >>> poisson_nll(2.5, 0.0)
    Traceback (most recent call last):
    ...
    ValueError: y must be a count 0, 1, 2, ...; got 2.5
    """
    counts = _count(y)
    eta, dtype = as_real(log_rate, "log_rate")
    counts, eta = broadcast(y=counts, log_rate=eta)
    with np.errstate(over="ignore", invalid="ignore"):  # e^eta beyond float64: the cost is inf
        linear = np.where(counts == 0, 0.0, counts * eta)
        # At eta = +inf, e^eta outgrows y eta: the cost is +inf, not inf - inf.
        cost = np.where(np.isposinf(eta), np.inf, np.exp(eta) - linear)
        return finish(cost + _log_factorial(counts), dtype)


def poisson_nll_grad(y: npt.ArrayLike, log_rate: npt.ArrayLike) -> Any:
    r"""Derivative of :func:`poisson_nll` with respect to the log-rate: :math:`e^{\eta} - y`.

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
    >>> import numpy as np
    >>> from losslab.likelihoods import poisson_nll_grad
    >>> poisson_nll_grad([0, 3], np.log(3.0))
    array([3., 0.])
    """
    counts = _count(y)
    eta, dtype = as_real(log_rate, "log_rate")
    counts, eta = broadcast(y=counts, log_rate=eta)
    with np.errstate(over="ignore"):
        return finish(np.exp(eta) - counts, dtype)
