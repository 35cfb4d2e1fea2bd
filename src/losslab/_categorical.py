"""The categorical cost around log_softmax; internal, not part of the API.

``likelihoods.categorical_nll`` and its gradient take the log-probabilities of the classes from
``numerics.log_softmax``, exact in every entry. What remains is kept here:

* the target, labels or probability vectors, checked with messages naming ``y`` and ``logits``;
* the limits where log_softmax, following scipy, gives nan for ``inf - inf``: the class whose
  logit is the only +inf of its row, and the only class of a row, are certain (log-probability
  0), as ``bernoulli_nll(y, inf)`` has it for two classes;
* the cost of probability targets, whose terms ``y_k log p_k`` are all of one sign, so that their
  sum cancels nothing, and whose log-probabilities beyond float64 (below -1.8e308, in a row that
  spans more than its range) are -inf where their share of the cost need not be.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from losslab._arrays import (
    FloatArray,
    as_real,
    broadcast,
    real_array,
    require,
    require_normalised,
)


def target(y: npt.ArrayLike, logits: FloatArray, axis: int) -> tuple[npt.NDArray[Any], bool]:
    """Validate `y` as labels or as probability vectors; return it and whether it is labels.

    Integer `y`, or float `y` with fewer dimensions than `logits`, is labels: it must broadcast
    to the shape of `logits` without `axis`. Float `y` with as many dimensions is probabilities.
    """
    arr = real_array(y, "y", "integer labels or probabilities")  # refuses masked and ragged input
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"y must hold integer labels or probabilities; got dtype {arr.dtype}")
    classes = logits.shape[axis]
    if arr.dtype.kind in "iu":  # labels as they usually come: checked as integers, not copied
        values = arr
        require((arr >= 0) & (arr < classes), "y", f"a label in 0..{classes - 1}", arr)
    else:
        values, _ = as_real(arr, "y")
        with np.errstate(invalid="ignore"):
            if arr.ndim == logits.ndim:
                require((values >= 0) & (values <= 1), "y", "in [0, 1]", values)
                probs = broadcast(y=values, logits=logits)[0]
                require_normalised(probs, "y", axis, arr.dtype)
                return probs, False
            require(values == np.floor(values), "y", "integer labels", values)
            require((values >= 0) & (values < classes), "y", f"a label in 0..{classes - 1}", values)
    batch = logits.shape[:axis] + logits.shape[axis + 1 :]
    try:
        labels = np.broadcast_to(values, batch)
    except ValueError:
        raise ValueError(
            f"labels y {arr.shape} do not broadcast to logits {logits.shape} without axis {axis}"
        ) from None
    return labels, True


def certain_classes(
    z: FloatArray, axis: int, log_p: FloatArray, labels: npt.NDArray[np.intp] | None
) -> None:
    """Set to 0 the log-probabilities, nan in `log_p`, of the classes that are certain.

    `log_p` holds every class of the logits `z` (`labels` None), or the class `labels` of each
    row; it is changed in place. A row with a nan keeps its nan, and so does a row whose +inf is
    not unique: no class of it is certain.
    """
    undefined = np.isnan(log_p)
    if not undefined.any():
        return
    rows = np.moveaxis(z, axis, -1)
    top = np.isposinf(rows) | (rows.shape[-1] == 1)
    certain = (np.count_nonzero(top, axis=-1) == 1) & ~np.isnan(rows).any(axis=-1)
    if labels is None:
        certain = np.moveaxis(top & certain[..., None], -1, axis)
    else:
        certain &= np.take_along_axis(top, labels[..., None], axis=-1)[..., 0]
    log_p[undefined & certain] = 0.0


def soft_cost(
    probs: FloatArray,
    log_p: FloatArray,
    z: FloatArray,
    axis: int,
    logsumexp: Callable[..., Any],
) -> FloatArray:
    """``-sum(probs * log_p)`` along `axis`, 0 log 0 = 0, finite wherever the exact cost is.

    A tiny target times a small log-probability underflows (the correct rounding), and 0 * -inf,
    a class the target never takes, counts 0. The terms are <= 0, so their sum overflows only
    where the cost is beyond float64. A log-probability below -1.8e308 is -inf, but its term is
    2 (y (z/2 - lse/2)), finite where the cost is: the halves cannot overflow.
    """
    with np.errstate(invalid="ignore", under="ignore", over="ignore"):
        terms = np.where(probs > 0, probs * log_p, 0.0)
        beyond = np.isneginf(terms) & np.isfinite(z)
        if beyond.any():
            lse = np.expand_dims(np.asarray(logsumexp(z, axis=axis), dtype=np.float64), axis)
            terms = np.where(beyond, 2.0 * (probs * (0.5 * z - 0.5 * lse)), terms)
        cost: FloatArray = 0.0 - terms.sum(axis=axis)  # 0 - 0 is 0, where -0 would be -0.0
    return cost
