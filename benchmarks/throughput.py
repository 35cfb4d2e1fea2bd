"""Throughput on one thread, against the memory bound measured in the same process.

Every function reads its input once and writes a result; a plain copy of the same array does
only that, so its rate is the ceiling that no implementation of a one-in, one-out function can
pass on this machine. The table reports each contender as a share of it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
from contenders import ELEMENTWISE, Contender, floating_point_policy

#: Timed repetitions per contender; the best one is kept, since noise only ever adds time.
REPEATS = 5
#: Length of the rows that logsumexp and log_softmax reduce over (the number of classes).
ROW = 100
#: Standard deviation of the logits: wide enough that both branches of softplus and the
#: underflowing tail of softmax are exercised, as with the logits of a trained classifier.
SIGMA = 8.0

BOUND_FUNCTION = "(bound)"
BOUND_LABEL = "`np.copyto(out, x)`"


@dataclass(frozen=True)
class ThroughputRow:
    """One line of the throughput table (rates count input elements)."""

    function: str
    implementation: str
    seconds: float
    melem_per_s: float
    percent_of_bound: float


def best_time(run: Callable[[], object]) -> float:
    """Best wall time of `run` over `REPEATS` calls, after one untimed warm-up call.

    The warm-up takes the one-off costs (lazy imports, first-touch page faults of scratch
    buffers, caches) out of the measurement. The result is freed outside the timed span.
    """
    run()
    best = math.inf
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
        del result
    return best


def measure(table: dict[str, list[Contender]], size: int, seed: int) -> list[ThroughputRow]:
    """Time every timed contender on `size` logits ~ N(0, SIGMA**2), reductions on rows of ROW."""
    x = np.random.default_rng(seed).normal(0.0, SIGMA, size)
    matrix = x.reshape(-1, ROW)
    out = np.empty_like(x)
    bound = best_time(lambda: np.copyto(out, x))

    def line(function: str, label: str, seconds: float) -> ThroughputRow:
        return ThroughputRow(
            function, label, seconds, size / seconds / 1e6, 100.0 * bound / seconds
        )

    lines = [line(BOUND_FUNCTION, BOUND_LABEL, bound)]
    for function, group in table.items():
        data = x if function in ELEMENTWISE else matrix
        for contender in group:
            if not contender.timed:
                continue
            with floating_point_policy(contender):
                seconds = best_time(partial(contender.compute, data))
            lines.append(line(function, contender.label, seconds))
    return lines
