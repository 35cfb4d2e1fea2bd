"""Accuracy: the error of every contender in ulp of the exact (mpmath) value.

The mpmath reference costs tens of microseconds per value, so each exact value is computed once
and shared by all contenders of a function; only the cheap ulp comparison is repeated.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from contenders import Contender, FloatArray, floating_point_policy

from losslab.reference import (
    exact,
    exact_log_sigmoid,
    exact_log_softmax,
    exact_logsumexp,
    exact_softplus,
    logit_rows,
    logsumexp_condition,
    ulp_error,
    whole_range,
)

EXACT_ELEMENTWISE: dict[str, Callable[[float], Any]] = {
    "softplus": exact_softplus,
    "log_sigmoid": exact_log_sigmoid,
}


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


def _run(contender: Contender, inputs: Sequence[FloatArray] | FloatArray) -> FloatArray:
    """The results of `contender` on one array, or on each row of a list, flattened."""
    with floating_point_policy(contender):
        if isinstance(inputs, np.ndarray):
            return np.asarray(contender.compute(inputs), dtype=np.float64).ravel()
        return np.concatenate(
            [np.asarray(contender.compute(row), dtype=np.float64).ravel() for row in inputs]
        )


def elementwise(function: str, group: Sequence[Contender], x: FloatArray) -> list[AccuracyRow]:
    """Error of softplus or log_sigmoid over the points `x`."""
    reference = exact(EXACT_ELEMENTWISE[function], x)
    lines = []
    for contender in group:
        computed = _run(contender, x)
        lines.append(
            _summarize(function, contender.label, computed, ulp_error(computed, reference))
        )
    return lines


def reductions(
    lse_group: Sequence[Contender], lsm_group: Sequence[Contender], rows: Sequence[FloatArray]
) -> list[AccuracyRow]:
    """Error of logsumexp (relative to its conditioning) and of every log_softmax entry."""
    # logsumexp is ill-conditioned where its value nears 0: even exact arithmetic on inputs
    # perturbed by half an ulp moves it by kappa ulp. Dividing by max(1, kappa) measures the
    # algorithm, not the conditioning of the problem.
    scale = np.maximum(1.0, [logsumexp_condition(row) for row in rows])
    reference = [exact_logsumexp(row) for row in rows]
    lines = []
    for contender in lse_group:
        computed = _run(contender, rows)
        errors = ulp_error(computed, reference) / scale
        lines.append(_summarize("logsumexp", contender.label, computed, errors))

    # Every entry, the argmax included: that is where the peers return 0 for a tiny negative.
    reference = [value for row in rows for value in exact_log_softmax(row)]
    for contender in lsm_group:
        computed = _run(contender, rows)
        lines.append(
            _summarize("log_softmax", contender.label, computed, ulp_error(computed, reference))
        )
    return lines


def measure(
    table: dict[str, list[Contender]], points: int, rows: int, seed: int
) -> list[AccuracyRow]:
    """The whole accuracy table: `points` whole-range inputs and `rows` rows of logits."""
    x = whole_range(points, seed)
    lines = []
    for function in EXACT_ELEMENTWISE:
        lines += elementwise(function, table[function], x)
    lines += reductions(table["logsumexp"], table["log_softmax"], logit_rows(rows, seed))
    return lines
