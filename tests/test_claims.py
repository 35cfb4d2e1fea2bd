"""One test per claim of the source (see docs/reference and ../shared/claims.md for the IDs).

Each test calls the same experiment function as the chapter that states the claim, and checks its
result against a reference that does not share its code: mpmath at 256 bits, scipy, or a closed
form.
"""

import math

import mpmath
import numpy as np

from losslab.experiments import numerics as numerics_ex


def test_cs10_overflowing_cost_breaks_and_the_log_undoes_the_exp():
    demo = numerics_ex.overflow_demo(logit=-1000.0, logits=(1000.0, 0.0))
    # The probability-first forms leave the float64 range.
    assert demo.naive_cost == math.inf
    assert "overflow" in demo.naive_cost_flags
    assert math.isnan(demo.naive_softmax[0])
    assert "invalid" in demo.naive_softmax_flags
    # The log-domain forms return the exact values: log(1 + e^1000) and softmax [1, e^-1000].
    with mpmath.workprec(200):
        assert demo.stable_cost == float(mpmath.log1p(mpmath.exp(1000)))
        assert demo.stable_log_softmax[1] == float(-mpmath.log1p(mpmath.exp(-1000)) - 1000)
    assert demo.stable_softmax == (1.0, 0.0)


def test_ex3_costs_from_logits_are_exact_where_probability_first_forms_fail():
    accuracy = numerics_ex.accuracy_sweep(n=1500, seed=7)
    for name in ("log_sigmoid", "softplus"):
        assert accuracy.max(name) <= 1.5
        assert accuracy.median(name) <= 0.25
    # The naive forms are off by more than 1000 ulp on a large share of the range.
    assert accuracy.share_wrong("naive log_sigmoid") > 0.2
    assert accuracy.share_wrong("naive softplus") > 0.2

    margins = numerics_ex.margin_sweep(np.geomspace(1e-2, 800.0, 120))
    assert margins.max("log_softmax") <= 2.0
    # The max-shifted form returns exactly 0 for the top entry beyond a margin of about 37:
    # an error the size of the value, ~2**52 ulp.
    assert margins.max("shifted") > 2.0**51
    assert margins.first_margin_wrong("naive", ulps=1e300) > 700  # e^709 is the overflow limit
