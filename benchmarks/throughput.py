"""Throughput on one thread, against the memory bound measured in the same process.

An elementwise function reads its input once and writes its result once; a plain copy of the same
array does only that, so the copy's rate is a ceiling for softplus and log_sigmoid on this machine.
The reductions are reported against the same copy: it is the price of one pass over the data.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from functools import partial

import numpy as np
from contenders import ELEMENTWISE, Contender, FloatArray, floating_point_policy

#: Timed calls per contender, after one untimed warm-up call.
REPEATS = 5
#: Length of the rows that logsumexp and log_softmax reduce over (the number of classes).
ROW = 100
#: Standard deviation of the logits, as from a confident classifier: a row of 100 spans margins
#: of about 40, so its smallest probabilities fall below the ulp of the largest.
SIGMA = 8.0

BOUND_FUNCTION = "(bound)"
BOUND_LABEL = "`np.copyto(out, x)`"
# A second reference line: numpy's exponential alone. Every exact elementwise function here needs
# at least one exp per element, so this is their ceiling on the machine at hand (on x86 without
# AVX-512, numpy's float64 exp is glibc's scalar one).
EXP_FUNCTION = "(exp alone)"
EXP_LABEL = "`np.exp(x, out=out)`"


@dataclass(frozen=True)
class ThroughputRow:
    """One line of the throughput table (rates count input elements)."""

    function: str
    implementation: str
    seconds: float
    melem_per_s: float
    percent_of_bound: float


def _time_once(contender: Contender, data: FloatArray) -> float:
    """Wall time of one call; freeing the result is left outside the timed span."""
    with floating_point_policy(contender):
        start = time.perf_counter()
        result = contender.compute(data)
        elapsed = time.perf_counter() - start
    del result
    return elapsed


def measure(table: dict[str, list[Contender]], size: int, seed: int) -> list[ThroughputRow]:
    """Time every timed contender on `size` logits ~ N(0, SIGMA**2), reductions on rows of ROW."""
    x = np.random.default_rng(seed).normal(0.0, SIGMA, size)
    matrix = x.reshape(-1, ROW)
    out = np.empty_like(x)
    tasks = [
        (BOUND_FUNCTION, Contender(BOUND_LABEL, partial(np.copyto, out)), x),
        (EXP_FUNCTION, Contender(EXP_LABEL, partial(np.exp, out=out)), x),
    ]
    for function, group in table.items():
        data = x if function in ELEMENTWISE else matrix
        tasks += [(function, contender, data) for contender in group if contender.timed]

    # The warm-up takes the one-off costs out of the measurement: lazy imports, first-touch page
    # faults of scratch buffers and of the bound's output array.
    for _, contender, data in tasks:
        _time_once(contender, data)
    # Rounds over all tasks rather than REPEATS calls in a row: a burst of load from elsewhere
    # on the machine then slows one call of every task instead of all calls of one. The best
    # time is kept, since noise only ever adds time.
    best = [math.inf] * len(tasks)
    for _ in range(REPEATS):
        for i, (_, contender, data) in enumerate(tasks):
            best[i] = min(best[i], _time_once(contender, data))

    bound = best[0]
    return [
        ThroughputRow(
            function=function,
            implementation=contender.label,
            seconds=seconds,
            melem_per_s=size / seconds / 1e6,
            percent_of_bound=100.0 * bound / seconds,
        )
        for (function, contender, _), seconds in zip(tasks, best, strict=True)
    ]
