"""Throughput on one thread, against memory bounds measured in the same process.

An elementwise function of k arrays reads each of them once and writes its result once; a numpy
loop that does only that (a copy for one input, an addition for two, a clip for three) runs at
the speed of memory, so its rate is a ceiling for the function on this machine. The reductions
and categorical_nll are reported against the copy: it is the price of one pass over the logits.
They are timed over rows of 10, 100 and 1000 classes, and compared with torch and with numpy's
exp alone on the same array (:func:`ratios`): torch is the speed to meet, exp the ceiling of any
exact reduction, as each needs one exponential per logit, which makes the second comparison hold
from one machine to the next.
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
#: Lengths of the rows that logsumexp, log_softmax and categorical_nll reduce over (numbers of
#: classes), each timed on its own.
ROWS = (10, 100, 1000)
#: The functions timed at every row length.
REDUCTIONS = ("logsumexp", "log_softmax", "categorical_nll")
#: Standard deviation of the logits, as from a confident classifier: a row of 100 spans margins
#: of about 40, so its smallest probabilities fall below the ulp of the largest.
SIGMA = 8.0
#: The share of the speed of torch, and of np.exp alone, that losslab's reductions aim at.
TARGET_OF_TORCH = {"logsumexp": 1.0, "log_softmax": 0.8, "categorical_nll": 1.0}
TARGET_OF_EXP = {"logsumexp": 0.35, "log_softmax": 0.25}

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
BOUND_OF = {"bernoulli_nll": ADD, "gaussian_nll": CLIP, "poisson_nll": ADD}
#: The mean log rate of the Poisson workload: rates around e**3 = 20, counts from 0 to a few
#: hundred, where the cost's terms cancel as they do near a fitted rate.
POISSON_LOG_RATE = 3.0
# A further reference line: numpy's exponential alone. Every exact elementwise function here needs
# at least one exp per element, so this is their ceiling on the machine at hand (on x86 without
# AVX-512, numpy's float64 exp is glibc's scalar one).
EXP_FUNCTION = "(exp alone)"
EXP_LABEL = "`np.exp(x, out=out)`"


def reduction(function: str, classes: int) -> str:
    """The name of a reduction's lines at one row length: ``logsumexp, 10 classes``."""
    return f"{function}, {classes} classes"


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
    """The inputs of every function: `size` samples, or `size` logits in rows of each of ROWS.

    logits ~ N(0, SIGMA**2), the same for every row length; labels 0 or 1 (float64) for
    bernoulli_nll and 0..classes-1 (int64) for categorical_nll; for gaussian_nll, mean = the
    logits, y = mean + N(0, 1), scale = 10**U(-1, 1); for poisson_nll, log rates ~
    N(POISSON_LOG_RATE, 1) and counts drawn from them (float64).
    """
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, SIGMA, size)
    y = x + rng.standard_normal(size)
    scale = 10.0 ** rng.uniform(-1.0, 1.0, size)
    log_rate = rng.normal(POISSON_LOG_RATE, 1.0, size)
    data: dict[str, Inputs] = {
        "softplus": (x,),
        "log_sigmoid": (x,),
        "bernoulli_nll": (rng.integers(0, 2, size).astype(np.float64), x),
        "gaussian_nll": (y, x, scale),
        "poisson_nll": (rng.poisson(np.exp(log_rate)).astype(np.float64), log_rate),
    }
    for classes in ROWS:
        matrix = x.reshape(-1, classes)
        labels = rng.integers(0, classes, size // classes, dtype=np.int64)
        data[reduction("logsumexp", classes)] = (matrix,)
        data[reduction("log_softmax", classes)] = (matrix,)
        data[reduction("categorical_nll", classes)] = (labels, matrix)
    return data


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
        names = [reduction(function, k) for k in ROWS] if function in REDUCTIONS else [function]
        tasks += [(name, c, data[name], bound) for name in names for c in group if c.timed]

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


@dataclass(frozen=True)
class RatioRow:
    """A reduction at one row length: losslab's rate, torch's, and losslab's as shares of torch's
    and of np.exp's alone on the same array (None without torch)."""

    function: str
    classes: int
    melem_per_s: float
    torch_melem_per_s: float | None
    of_torch: float | None
    of_exp: float


def ratios(lines: list[ThroughputRow]) -> list[RatioRow]:
    """losslab's reductions against torch and against np.exp, from one run's `lines`."""
    rate = {(line.function, line.implementation): line.melem_per_s for line in lines}
    exp = rate[(EXP_FUNCTION, EXP_LABEL)]
    rows = []
    for function in REDUCTIONS:
        for classes in ROWS:
            name = reduction(function, classes)
            ours = rate[(name, "losslab")]
            torch = next(
                (v for (f, label), v in rate.items() if f == name and "torch" in label), None
            )
            rows.append(
                RatioRow(
                    function=function,
                    classes=classes,
                    melem_per_s=ours,
                    torch_melem_per_s=torch,
                    of_torch=None if torch is None else ours / torch,
                    of_exp=ours / exp,
                )
            )
    return rows


#: The elementwise functions, compared with the fastest of their peers (torch, scipy, numpy's
#: own formula) and with np.exp alone.
ELEMENTWISE = ("softplus", "log_sigmoid", "bernoulli_nll", "gaussian_nll", "poisson_nll")


@dataclass(frozen=True)
class PeerRow:
    """An elementwise function: losslab's rate, the fastest peer's, and losslab's as shares of
    that peer's and of np.exp's alone on an array of the same size."""

    function: str
    melem_per_s: float
    peer: str
    peer_melem_per_s: float
    of_peer: float
    of_exp: float


def peers(lines: list[ThroughputRow]) -> list[PeerRow]:
    """losslab's elementwise functions against their fastest peer and np.exp, from one run."""
    exp = next(line.melem_per_s for line in lines if line.function == EXP_FUNCTION)
    rows = []
    for function in ELEMENTWISE:
        ours = next(
            line for line in lines if line.function == function and line.implementation == "losslab"
        )
        others = [
            line for line in lines if line.function == function and line.implementation != "losslab"
        ]
        best = max(others, key=lambda line: line.melem_per_s)
        rows.append(
            PeerRow(
                function=function,
                melem_per_s=ours.melem_per_s,
                peer=best.implementation,
                peer_melem_per_s=best.melem_per_s,
                of_peer=ours.melem_per_s / best.melem_per_s,
                of_exp=ours.melem_per_s / exp,
            )
        )
    return rows
