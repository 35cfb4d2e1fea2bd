"""Training many random initialisations: one batched computation against a Python loop.

losslab.nets carries a leading seed axis through every array, so S networks train in one
sequence of numpy calls. The loop trains the same S networks one after the other; both produce
the same parameters, and the table reports the two wall times and their ratio.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from losslab import bernoulli_nll, bernoulli_nll_grad
from losslab.nets import MLP, Params
from losslab.optim import gradient_descent, mean_cost

#: The network, data and schedule of the comparison: XOR-like data, a small tanh network.
SIZES = (2, 8, 1)
SAMPLES = 64
STEPS = 200


@dataclass(frozen=True)
class SeedsRow:
    """One line of the table."""

    seeds: int
    batched_seconds: float
    loop_seconds: float

    @property
    def speedup(self) -> float:
        """How many times faster the batched run is."""
        return self.loop_seconds / self.batched_seconds


def _train(net: MLP, start: Params, x: np.ndarray, y: np.ndarray) -> Params:
    objective = mean_cost(net, x, y, bernoulli_nll, bernoulli_nll_grad)
    return gradient_descent(objective, start, steps=STEPS, step_size=0.5, keep="final").final


def measure(seeds: int, seed: int) -> SeedsRow:
    """Train `seeds` networks batched and in a loop from the same starts; check they agree."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (SAMPLES, 2))
    y = ((x[:, 0] > 0) != (x[:, 1] > 0)).astype(float)
    net = MLP(SIZES, hidden="tanh")
    start = net.init(rng, seeds=seeds)

    began = time.perf_counter()
    batched = _train(net, start, x, y)
    batched_seconds = time.perf_counter() - began

    began = time.perf_counter()
    looped = [_train(net, tuple((w[s], b[s]) for w, b in start), x, y) for s in range(seeds)]
    loop_seconds = time.perf_counter() - began

    for s, params in enumerate(looped):
        for (w, b), (wb, bb) in zip(params, batched, strict=True):
            np.testing.assert_allclose(w, wb[s], rtol=1e-9, atol=1e-12)
            np.testing.assert_allclose(b, bb[s], rtol=1e-9, atol=1e-12)
    return SeedsRow(seeds, batched_seconds, loop_seconds)
