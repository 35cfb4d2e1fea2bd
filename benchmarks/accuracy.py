"""Accuracy: the error of every contender in ulp of the exact (mpmath) value.

The mpmath reference costs tens of microseconds per value, so each exact value is computed once
and shared by all contenders of a function (and by log_softmax and categorical_nll, whose costs
are its entries negated); only the cheap ulp comparison is repeated.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from contenders import Contender, FloatArray, Inputs, floating_point_policy

from losslab.reference import (
    exact_bernoulli_nll,
    exact_gaussian_nll,
    exact_log_sigmoid,
    exact_log_softmax,
    exact_logsumexp,
    exact_poisson_nll,
    exact_softplus,
    gaussian_nll_condition,
    logit_rows,
    logsumexp_condition,
    near_optimum_counts,
    poisson_nll_condition,
    ulp_error,
    whole_range,
)

EXACT_ELEMENTWISE: dict[str, Callable[[float], Any]] = {
    "softplus": exact_softplus,
    "log_sigmoid": exact_log_sigmoid,
}

BERNOULLI_LABELS = "bernoulli_nll, y in {0, 1}"
BERNOULLI_SOFT = "bernoulli_nll, y in [0, 1]"
CATEGORICAL = "categorical_nll, every label"
POISSON = "poisson_nll, y near the rate"

FLOAT64_MAX = float(np.finfo(np.float64).max)


@dataclass(frozen=True)
class AccuracyRow:
    """One line of the accuracy table.

    `max_ulp` and `median_ulp` are taken over the finite results (nan if there are none); the
    `non_finite` results, whose exact value is always finite here, are counted separately so that
    one overflow does not hide how accurate the rest is.
    """

    function: str
    implementation: str
    max_ulp: float
    median_ulp: float
    non_finite: int
    points: int


def _summarize(function: str, label: str, computed: FloatArray, errors: FloatArray) -> AccuracyRow:
    """Reduce per-point errors to the numbers of one table line."""
    finite = np.isfinite(computed)
    kept = errors[finite]
    return AccuracyRow(
        function=function,
        implementation=label,
        max_ulp=float(kept.max()) if kept.size else math.nan,
        median_ulp=float(np.median(kept)) if kept.size else math.nan,
        non_finite=int(np.count_nonzero(~finite)),
        points=int(computed.size),
    )


def _run(contender: Contender, calls: Sequence[Inputs]) -> FloatArray:
    """The results of `contender` on each tuple of inputs in turn, flattened end to end."""
    with floating_point_policy(contender):
        return np.concatenate(
            [np.asarray(contender.compute(inputs), dtype=np.float64).ravel() for inputs in calls]
        )


def _exact_pointwise(function: Callable[..., Any], inputs: Inputs) -> list[Any]:
    """`function` of the float64 values at each index of the equally long 1-D arrays `inputs`."""
    return [function(*point) for point in zip(*(a.tolist() for a in inputs), strict=True)]


def compare(
    function: str,
    group: Sequence[Contender],
    calls: Sequence[Inputs],
    reference: Sequence[Any],
    divisor: FloatArray | float = 1.0,
) -> list[AccuracyRow]:
    """One line per contender: its error in ulp of `reference` over `calls`, over `divisor`."""
    lines = []
    for contender in group:
        computed = _run(contender, calls)
        errors = ulp_error(computed, reference) / divisor
        lines.append(_summarize(function, contender.label, computed, errors))
    return lines


def bernoulli(
    group: Sequence[Contender], z: FloatArray, rng: np.random.Generator
) -> list[AccuracyRow]:
    """bernoulli_nll at the logits `z`, with random labels 0 or 1, then with y uniform in [0, 1]."""
    lines = []
    for function, y in (
        (BERNOULLI_LABELS, rng.integers(0, 2, z.size).astype(np.float64)),
        (BERNOULLI_SOFT, rng.uniform(0.0, 1.0, z.size)),
    ):
        inputs = (y, z)
        lines += compare(function, group, [inputs], _exact_pointwise(exact_bernoulli_nll, inputs))
    return lines


def reductions(table: dict[str, list[Contender]], rows: Sequence[FloatArray]) -> list[AccuracyRow]:
    """Error of logsumexp (relative to its conditioning), of every log_softmax entry and of the
    categorical cost of every label."""
    # logsumexp is ill-conditioned where its value nears 0: even exact arithmetic on inputs
    # perturbed by half an ulp moves it by kappa ulp. Dividing by max(1, kappa) measures the
    # algorithm, not the conditioning of the problem.
    one_row = [(row,) for row in rows]
    condition = np.maximum(1.0, [logsumexp_condition(row) for row in rows])
    reference = [exact_logsumexp(row) for row in rows]
    lines = compare("logsumexp", table["logsumexp"], one_row, reference, condition)

    # Every entry, the argmax included: that is where the peers return 0 for a tiny negative.
    reference = [value for row in rows for value in exact_log_softmax(row)]
    lines += compare("log_softmax", table["log_softmax"], one_row, reference)

    # Each row stacked once per label, with labels 0, 1, ...: the cost of label k is
    # -log_softmax_k, so the results come in the order of the log_softmax reference.
    every_label = [
        (np.arange(row.size, dtype=np.int64), np.tile(row, (row.size, 1))) for row in rows
    ]
    costs = [-value for value in reference]
    lines += compare(CATEGORICAL, table["categorical_nll"], every_label, costs)
    return lines


def gaussian(
    group: Sequence[Contender], points: int, rng: np.random.Generator
) -> list[AccuracyRow]:
    """Error of gaussian_nll relative to its conditioning, over `points` draws of (y, mean, scale)
    spanning wide magnitudes, less those whose exact cost exceeds the largest float64."""
    mean = rng.standard_normal(points) * 10.0 ** rng.uniform(-3.0, 6.0, points)
    y = mean + rng.standard_normal(points) * 10.0 ** rng.uniform(-8.0, 3.0, points)
    scale = 10.0 ** rng.uniform(-200.0, 200.0, points)
    # The cost is at least log(scale) > -461 here: only its quadratic term can leave the range,
    # where the right result is inf.
    reference = _exact_pointwise(exact_gaussian_nll, (y, mean, scale))
    kept = np.array([value <= FLOAT64_MAX for value in reference], dtype=bool)
    inputs = (y[kept], mean[kept], scale[kept])
    reference = [value for value, keep in zip(reference, kept, strict=True) if keep]
    # The cost cancels where log(scale) offsets the rest; kappa is then large, and exact
    # arithmetic on inputs rounded to float64 is already off by kappa ulp.
    condition = np.maximum(1.0, _exact_pointwise(gaussian_nll_condition, inputs))
    return compare("gaussian_nll", group, [inputs], reference, condition)


def poisson(group: Sequence[Contender], points: int, seed: int) -> list[AccuracyRow]:
    """Error of poisson_nll relative to its conditioning, over `points` counts up to 1e15 each at
    a rate near it (losslab.reference.near_optimum_counts), where the terms of the cost cancel."""
    inputs = near_optimum_counts(points, seed)
    reference = _exact_pointwise(exact_poisson_nll, inputs)
    # A little away from the optimum the cost is ill-conditioned (kappa up to 1e8): a rounding of
    # the log-rate alone moves it by kappa ulp.
    condition = np.maximum(1.0, _exact_pointwise(poisson_nll_condition, inputs))
    return compare(POISSON, group, [inputs], reference, condition)


def measure(
    table: dict[str, list[Contender]], points: int, rows: int, seed: int
) -> list[AccuracyRow]:
    """The whole accuracy table.

    `points` whole-range inputs for the elementwise functions, as many draws for gaussian_nll and
    counts for poisson_nll, and `rows` rows of logits for the reductions and categorical_nll.
    """
    x = whole_range(points, seed)
    # A stream of its own: default_rng(seed) would repeat the bits of whole_range's draw.
    rng = np.random.default_rng([seed, 1])
    lines = []
    for function, exact_function in EXACT_ELEMENTWISE.items():
        reference = _exact_pointwise(exact_function, (x,))
        lines += compare(function, table[function], [(x,)], reference)
    lines += bernoulli(table["bernoulli_nll"], x, rng)
    lines += reductions(table, logit_rows(rows, seed))
    lines += gaussian(table["gaussian_nll"], points, rng)
    lines += poisson(table["poisson_nll"], points, seed)
    return lines
