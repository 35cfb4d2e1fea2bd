"""Throughput on one thread, against memory bounds measured in the same process.

An elementwise function of k arrays reads each of them once and writes its result once; a numpy
loop that does only that (a copy for one input, an addition for two, a clip for three) runs at
the speed of memory, so its rate is a ceiling for the function on this machine. The reductions
and categorical_nll are reported against the copy: it is the price of one pass over the logits.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from functools import partial

import numpy as np
from contenders import Contender, Inputs, floating_point_policy

#: Timed calls per contender, after one untimed warm-up call.
REPEATS = 5
#: Length of the rows that logsumexp, log_softmax and categorical_nll reduce over (the number of
#: classes).
ROW = 100
#: Standard deviation of the logits, as from a confident classifier: a row of 100 spans margins
#: of about 40, so its smallest probabilities fall below the ulp of the largest.
SIGMA = 8.0

#: The bounds: the function column of their rows, and the loop they time.
COPY = "(bound, 1 in)"
ADD = "(bound, 2 in)"
CLIP = "(bound, 3 in)"
BOUND_LABELS = {
    COPY: "`np.copyto(out, x)`",
    ADD: "`np.add(a, b, out=out)`",
    CLIP: "`np.clip(a, b, c, out=out)`",
}
#: The bound of each function with more than one float64 input; the others have COPY.
BOUND_OF = {"bernoulli_nll": ADD, "gaussian_nll": CLIP}
# A further reference line: numpy's exponential alone. Every exact elementwise function here needs
# at least one exp per element, so this is their ceiling on the machine at hand (on x86 without
# AVX-512, numpy's float64 exp is glibc's scalar one).
EXP_FUNCTION = "(exp alone)"
EXP_LABEL = "`np.exp(x, out=out)`"


@dataclass(frozen=True)
class ThroughputRow:
    """One line of the throughput table (rates count the elements of one input array: samples,
    or logits for the functions that reduce rows); `bound` is the function of the bound row."""

    function: str
    implementation: str
    seconds: float
    melem_per_s: float
    percent_of_bound: float
    bound: str


def workloads(size: int, seed: int) -> dict[str, Inputs]:
    """The inputs of every function: `size` samples, or `size` logits in rows of ROW.

    logits ~ N(0, SIGMA**2); labels 0 or 1 (float64) for bernoulli_nll and 0..ROW-1 (int64) for
    categorical_nll; for gaussian_nll, mean = the logits, y = mean + N(0, 1), scale = 10**U(-1, 1).
    """
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, SIGMA, size)
    matrix = x.reshape(-1, ROW)
    y = x + rng.standard_normal(size)
    scale = 10.0 ** rng.uniform(-1.0, 1.0, size)
    return {
        "softplus": (x,),
        "log_sigmoid": (x,),
        "logsumexp": (matrix,),
        "log_softmax": (matrix,),
        "bernoulli_nll": (rng.integers(0, 2, size).astype(np.float64), x),
        "categorical_nll": (rng.integers(0, ROW, size // ROW, dtype=np.int64), matrix),
        "gaussian_nll": (y, x, scale),
    }


def _time_once(contender: Contender, inputs: Inputs) -> float:
    """Wall time of one call; freeing the result is left outside the timed span."""
    with floating_point_policy(contender):
        start = time.perf_counter()
        result = contender.compute(inputs)
        elapsed = time.perf_counter() - start
    del result
    return elapsed


def measure(table: dict[str, list[Contender]], size: int, seed: int) -> list[ThroughputRow]:
    """Time every timed contender and the bounds on the `workloads` of `size` elements."""
    data = workloads(size, seed)
    out = np.empty(size)
    # Each bound reads the very arrays of the function it bounds.
    bounds = {
        COPY: (partial(np.copyto, out), data["softplus"]),
        ADD: (partial(np.add, out=out), data["bernoulli_nll"]),
        CLIP: (partial(np.clip, out=out), data["gaussian_nll"]),
    }
    tasks = [
        (name, Contender(BOUND_LABELS[name], fn), inputs, name)
        for name, (fn, inputs) in bounds.items()
    ]
    tasks.append(
        (EXP_FUNCTION, Contender(EXP_LABEL, partial(np.exp, out=out)), data["softplus"], COPY)
    )
    for function, group in table.items():
        bound = BOUND_OF.get(function, COPY)
        tasks += [(function, c, data[function], bound) for c in group if c.timed]

    # The warm-up takes the one-off costs out of the measurement: lazy imports, first-touch page
    # faults of scratch buffers and of the bounds' output array.
    for _, contender, inputs, _ in tasks:
        _time_once(contender, inputs)
    # Rounds over all tasks rather than REPEATS calls in a row: a burst of load from elsewhere
    # on the machine then slows one call of every task instead of all calls of one. The best
    # time is kept, since noise only ever adds time.
    best = [math.inf] * len(tasks)
    for _ in range(REPEATS):
        for i, (_, contender, inputs, _) in enumerate(tasks):
            best[i] = min(best[i], _time_once(contender, inputs))

    bound_seconds = {name: best[i] for i, name in enumerate(bounds)}  # the first tasks
    return [
        ThroughputRow(
            function=function,
            implementation=contender.label,
            seconds=seconds,
            melem_per_s=size / seconds / 1e6,
            percent_of_bound=100.0 * bound_seconds[bound] / seconds,
            bound=bound,
        )
        for (function, contender, _, bound), seconds in zip(tasks, best, strict=True)
    ]
