"""The figures of the chapter *Computing costs from logits*: errors in ulp against mpmath."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from losslab.plotting._style import COLORS, _figure, _shown, _signed_log, _ulp_axis

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from losslab.experiments.numerics import AccuracySweep, MarginSweep, PoissonSweep


def plot_numerics_accuracy(accuracy: AccuracySweep, margins: MarginSweep) -> Figure:
    """Two panels: log_sigmoid over the float64 range, and the top log_softmax entry by margin.

    Examples
    --------
    >>> from losslab.experiments.numerics import accuracy_sweep, margin_sweep
    >>> fig = plot_numerics_accuracy(accuracy_sweep(100), margin_sweep([1.0, 100.0]))
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['logit x (each side: |x| from the smallest subnormal to the largest float)',
     'margin of the largest logit over the other']
    """
    fig, (left, right) = _figure(2)

    x = _signed_log(accuracy.x)
    # The naive points go on top: where they are exact, they hide the blue points rather than
    # hiding under them.
    naive: dict[str, Any] = {
        "color": COLORS["naive"],
        "marker": "x",
        "linewidths": 0.8,
        "alpha": 0.7,
        "zorder": 3,
    }
    shown: list[tuple[str, str, dict[str, Any]]] = [
        ("naive log_sigmoid", "log(1 / (1 + exp(-x)))", naive),
        ("log_sigmoid", "losslab.log_sigmoid", {"color": COLORS["losslab"], "alpha": 0.6}),
    ]
    for key, label, style in shown:
        left.scatter(x, _shown(accuracy.errors[key]), s=4, label=label, rasterized=True, **style)
    ticks = [-1e300, -1e100, -1.0, -1e-100, 1e-100, 1.0, 1e100, 1e300]
    left.set_xticks(_signed_log(np.array(ticks)), [f"{t:.0e}".replace("e+00", "") for t in ticks])
    left.tick_params(axis="x", labelsize=7, labelrotation=45)
    left.set_xlabel("logit x (each side: |x| from the smallest subnormal to the largest float)")
    left.set_title("log sigmoid(x) over every binade of float64", fontsize=10)
    _ulp_axis(left)
    left.legend(loc="center right", fontsize=8, markerscale=3)

    m = margins.margins
    right.plot(
        m, _shown(margins.errors["naive"]), color=COLORS["naive"], lw=1.5, label="log(softmax(a))"
    )
    right.plot(
        m,
        _shown(margins.errors["shifted"]),
        color=COLORS["shifted"],
        lw=1.5,
        label="(a - max) - log(sum(exp(a - max)))",
    )
    right.plot(
        m,
        _shown(margins.errors["log_softmax"]),
        color=COLORS["losslab"],
        lw=1.5,
        label="losslab.log_softmax",
    )
    right.set_xscale("log")
    right.set_xlabel("margin of the largest logit over the other")
    right.set_title("largest entry of log softmax([margin, 0])", fontsize=10)
    _ulp_axis(right)
    right.legend(loc="center left", fontsize=8)
    return fig


def plot_poisson_accuracy(sweep: PoissonSweep) -> Figure:
    """Error of four Poisson costs at the optimum of each count (EX9).

    Drawn from the result of :func:`losslab.experiments.numerics.poisson_sweep`.

    Examples
    --------
    >>> from losslab.experiments.numerics import poisson_sweep
    >>> fig = plot_poisson_accuracy(poisson_sweep([1e2, 1e6]))
    >>> fig.axes[0].get_xlabel()
    'count y (the log-rate at its optimum, log y)'
    """
    fig, (ax,) = _figure(1, width=7.0)
    shown: list[tuple[str, str, dict[str, Any]]] = [
        ("naive sum", "exp(eta) - y eta + lgamma(y + 1)", {"color": COLORS["naive"]}),
        ("scipy", "-scipy.stats.poisson.logpmf", {"color": COLORS["shifted"]}),
        (
            "torch's formula",
            "torch's formula (full=True)",
            {"color": COLORS["shifted"], "ls": "-."},
        ),
        ("losslab", "losslab.poisson_nll", {"color": COLORS["losslab"]}),
    ]
    for key, label, style in shown:
        ax.plot(sweep.counts, _shown(sweep.errors[key]), lw=1.5, marker=".", label=label, **style)
    ax.set_xscale("log")
    ax.set_xlabel("count y (the log-rate at its optimum, log y)")
    ax.set_title("Poisson cost at the optimum", fontsize=10)
    _ulp_axis(ax)
    ax.legend(loc="upper center", fontsize=8)
    return fig
