"""Helpers that several experiments of the non-convexity chapter share."""

from __future__ import annotations

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
