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
    for key, code, style in shown:
        label = fig.say(code, code)  # code reads the same in every language
        left.scatter(x, _shown(accuracy.errors[key]), s=4, label=label, rasterized=True, **style)
    ticks = [-1e300, -1e100, -1.0, -1e-100, 1e-100, 1.0, 1e100, 1e300]
    tick_labels = [f"{t:.0e}".replace("e+00", "") for t in ticks]
    left.set_xticks(_signed_log(np.array(ticks)), [fig.say(t, t) for t in tick_labels])
    left.tick_params(axis="x", labelsize=7, labelrotation=45)
    left.set_xlabel(
        fig.say(
            "logit x (each side: |x| from the smallest subnormal to the largest float)",
            "logit x（每侧：|x| 从最小的次正规数到最大的浮点数）",
        )
    )
    left.set_title(
        fig.say(
            "log sigmoid(x) over every binade of float64", "float64 各指数区间上的 log sigmoid(x)"
        ),
        fontsize=10,
    )
    _ulp_axis(left)
    left.legend(loc="center right", fontsize=8, markerscale=3)

    m = margins.margins
    for key, code, color in (
        ("naive", "log(softmax(a))", COLORS["naive"]),
        ("shifted", "(a - max) - log(sum(exp(a - max)))", COLORS["shifted"]),
        ("log_softmax", "losslab.log_softmax", COLORS["losslab"]),
    ):
        label = fig.say(code, code)
        right.plot(m, _shown(margins.errors[key]), color=color, lw=1.5, label=label)
    right.set_xscale("log")
    right.set_xlabel(
        fig.say("margin of the largest logit over the other", "最大 logit 与另一个 logit 之差")
    )
    right.set_title(
        fig.say("largest entry of log softmax([margin, 0])", "log softmax([margin, 0]) 的最大分量"),
        fontsize=10,
    )
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
    # The labels are code, the same in every language, but for torch's formula.
    shown: list[tuple[str, str, str, dict[str, Any]]] = [
        ("naive sum", "exp(eta) - y eta + lgamma(y + 1)", "", {"color": COLORS["naive"]}),
        ("scipy", "-scipy.stats.poisson.logpmf", "", {"color": COLORS["shifted"]}),
        (
            "torch's formula",
            "torch's formula (full=True)",
            "torch 的公式（full=True）",
            {"color": COLORS["shifted"], "ls": "-."},
        ),
        ("losslab", "losslab.poisson_nll", "", {"color": COLORS["losslab"]}),
    ]
    for key, english, chinese, style in shown:
        label = fig.say(english, chinese or english)
        ax.plot(sweep.counts, _shown(sweep.errors[key]), lw=1.5, marker=".", label=label, **style)
    ax.set_xscale("log")
    ax.set_xlabel(
        fig.say("count y (the log-rate at its optimum, log y)", "计数 y（对数速率取最优值 log y）")
    )
    ax.set_title(fig.say("Poisson cost at the optimum", "最优处的泊松代价"), fontsize=10)
    _ulp_axis(ax)
    ax.legend(loc="upper center", fontsize=8)
    return fig
