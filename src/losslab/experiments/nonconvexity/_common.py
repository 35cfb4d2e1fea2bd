"""Helpers that several experiments of the non-convexity chapter share."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from losslab._arrays import FloatArray
from losslab.geometry import Gradient, Loss, flatten, unflatten
from losslab.nets import Params
from losslab.optim import LossAndGrad


def networks_at(params: Params, index: int | npt.NDArray[np.intp]) -> Params:
    """The network(s) at `index` of the leading seed axis."""
    return tuple((w[index], b[index]) for w, b in params)


def on_vectors(objective: LossAndGrad, like: Params) -> tuple[Loss, Gradient]:
    """`objective` for one network as a loss and a gradient of flat parameter vectors."""

    def loss(vector: FloatArray) -> float:
        return float(np.asarray(objective(unflatten(vector, like))[0]))

    def gradient(vector: FloatArray) -> FloatArray:
        return flatten(objective(unflatten(vector, like))[1])

    return loss, gradient


def on_stacked_vectors(objective: LossAndGrad, like: Params) -> Callable[[FloatArray], FloatArray]:
    """`objective` as a vectorized loss: flat parameter vectors as rows in, one loss per row out.

    The rows become networks stacked on a seed axis, evaluated by one call of `objective`.
    """
    sizes = [a.size for pair in like for a in pair]
    offsets = np.cumsum([0, *sizes])

    def losses(vectors: FloatArray) -> FloatArray:
        count = vectors.shape[0]
        pieces = [
            vectors[:, offsets[i] : offsets[i + 1]].reshape(count, *a.shape)
            for i, a in enumerate(a for pair in like for a in pair)
        ]
        params = tuple(zip(pieces[0::2], pieces[1::2], strict=True))
        return np.asarray(objective(params)[0], dtype=np.float64)

    return losses
