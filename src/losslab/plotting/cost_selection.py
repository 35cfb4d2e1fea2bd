"""The figures of the chapter *Choosing the cost: gradients that vanish*."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from losslab.plotting._style import COLORS, _BookFigure, _figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from losslab.experiments.cost_selection import (
        ClippedUnit,
        CostSurfaces,
        GradientSizes,
        MeanAndMedian,
        SaturatedStart,
    )

# The Chinese of the costs' names, as the experiments spell them. A name missing here stays
# English and is listed by the figure's untranslated().
_COST_NAMES = {
    "negative log-likelihood": "负的对数似然",
    "cross-entropy": "交叉熵",
    "squared error": "平方误差",
    "absolute error": "绝对误差",
    "quadratic": "二次代价",
}


def _cost_name(fig: _BookFigure, name: str) -> str:
    """`name`, with its Chinese recorded in `fig` if ``_COST_NAMES`` has it."""
    return fig.say(name, _COST_NAMES[name]) if name in _COST_NAMES else name


def plot_gradient_sizes(sizes: GradientSizes, unit: ClippedUnit) -> Figure:
    """Left: gradient magnitude against the logit for three costs. Right: the clipped unit.

    Examples
    --------
    >>> from losslab.experiments.cost_selection import clipped_unit, gradient_sizes
    >>> fig = plot_gradient_sizes(gradient_sizes(), clipped_unit())
    >>> fig.axes[0].get_ylabel()
    '|d cost / d logit| (log scale)'
    """
    fig, (left, right) = _figure(2, height=3.4)
    colors = {
        "negative log-likelihood": COLORS["losslab"],
        "squared error": COLORS["naive"],
        "absolute error": COLORS["shifted"],
    }
    for name, values in sizes.magnitudes.items():
        nll = name == "negative log-likelihood"  # drawn on top: right of 0 it meets another curve
        left.plot(
            sizes.logits,
            values,
            color=colors[name],
            lw=1.8,
            ls="--" if nll else "-",
            label=_cost_name(fig, name),
            zorder=3 if nll else 2,
        )
    left.set_yscale("log")
    left.set_xlabel(
        fig.say(
            "logit z (target y = 1, output sigmoid(z))", "logit z（目标 y = 1，输出 sigmoid(z)）"
        )
    )
    left.set_ylabel(fig.say("|d cost / d logit| (log scale)", "|d 代价 / d logit|（对数坐标）"))
    left.set_title(
        fig.say(
            "confidently wrong on the left, right on the right", "左侧：高置信度的错误；右侧：正确"
        ),
        fontsize=10,
    )
    left.legend(fontsize=8)
    unit_label = fig.say("max(0, min(1, z))", "max(0, min(1, z))")
    right.plot(unit.logits, unit.values, color="0.3", lw=1.8, label=unit_label)
    derivative = fig.say("its derivative", "其导数")
    right.plot(
        unit.logits, unit.gradients, color=COLORS["naive"], lw=1.5, ls="--", label=derivative
    )
    right.set_xlabel(fig.say("logit z", "logit z"))
    right.set_ylabel(fig.say("value", "函数值"))
    right.set_title(fig.say("a clipped output unit", "截断的输出单元"), fontsize=10)
    right.legend(fontsize=8)
    return fig


def plot_saturated_start(run: SaturatedStart) -> Figure:
    """Loss and accuracy along gradient descent from a saturated start, for two costs.

    The step axis is logarithmic after the first ten steps, so that a run of a few dozen steps
    and one of thousands show side by side; a dot marks where each run reaches its target.

    Examples
    --------
    >>> from losslab.experiments.cost_selection import saturated_start
    >>> fig = plot_saturated_start(saturated_start(steps=20))
    >>> [ax.get_ylabel() for ax in fig.axes]
    ['loss, relative to its start', 'training accuracy']
    """
    fig, (left, right) = _figure(2, height=3.2)
    nll_first = ("negative log-likelihood", "cross-entropy")
    for name, losses in run.losses.items():
        color = COLORS["losslab"] if name in nll_first else COLORS["naive"]
        steps = np.arange(losses.size)
        label = _cost_name(fig, name)
        left.plot(steps, losses / losses[0], color=color, lw=1.8, label=label)
        right.plot(steps, run.accuracy[name], color=color, lw=1.8, label=label)
        if run.stop_at is not None and run.steps_to(name, run.stop_at) is not None:
            right.plot(steps[-1], run.accuracy[name][-1], "o", color=color, ms=5)
    if run.stop_at is not None:
        right.axhline(run.stop_at, color="0.4", lw=0.8, ls=":")
        target = fig.say(f"target {run.stop_at:.0%}", f"目标 {run.stop_at:.0%}")
        right.text(1, run.stop_at + 0.02, target, color="0.3", fontsize=8)
    left.set_ylabel(fig.say("loss, relative to its start", "损失（相对于初始值）"))
    right.set_ylabel(fig.say("training accuracy", "训练准确率"))
    right.set_ylim(0, 1.05)
    longest = max(losses.size for losses in run.losses.values())
    for ax in (left, right):
        ax.set_xscale("symlog", linthresh=10)
        ax.set_xlim(0, 1.5 * longest)  # room for the dot at the end of the longest run
        ax.set_xlabel(
            fig.say(
                "gradient-descent step (log scale after 10)", "梯度下降步数（10 步后为对数坐标）"
            )
        )
        ax.legend(fontsize=8)
    return fig


def plot_mean_and_median(result: MeanAndMedian) -> Figure:
    """Squared and absolute error of a constant prediction, with the sample mean and median.

    Examples
    --------
    >>> from losslab.experiments.cost_selection import mean_and_median
    >>> fig = plot_mean_and_median(mean_and_median())
    >>> fig.axes[0].get_xlabel()
    'constant prediction'
    """
    fig, (left, right) = _figure(2, height=3.2)
    left.plot(result.grid, result.mse, color=COLORS["naive"], lw=1.8)
    mean = fig.say("sample mean", "样本均值")
    left.axvline(result.sample_mean, color="0.3", ls="--", lw=1, label=mean)
    left.set_ylabel(fig.say("mean squared error", "均方误差"))
    right.plot(result.grid, result.mae, color=COLORS["shifted"], lw=1.8)
    median = fig.say("sample median", "样本中位数")
    right.axvline(result.sample_median, color="0.3", ls=":", lw=1, label=median)
    right.set_ylabel(fig.say("mean absolute error", "平均绝对误差"))
    for ax in (left, right):
        ax.set_xlabel(fig.say("constant prediction", "常数预测值"))
        ax.legend(fontsize=8)
    return fig


def plot_cost_surfaces(surfaces: CostSurfaces) -> Figure:
    """The two cost surfaces over one weight of each layer, flat regions hatched.

    Flat means a relative slope below the surfaces' `flatness`, each cost on its own scale.

    Examples
    --------
    >>> from losslab.experiments.cost_selection import cost_surfaces
    >>> fig = plot_cost_surfaces(cost_surfaces(points=21))
    >>> [ax.get_xlabel() for ax in fig.axes[:2]]
    ['second-layer weight', 'second-layer weight']
    """
    fig, axes = _figure(2, height=3.8, grid=False)
    for ax, (name, cost) in zip(axes, surfaces.costs.items(), strict=True):
        shown = ax.contourf(surfaces.w2, surfaces.w1, cost, levels=20, cmap="viridis")
        flat = surfaces.flat(name).astype(float)
        if flat.any():
            ax.contourf(
                surfaces.w2, surfaces.w1, flat, levels=[0.5, 1.5], colors="none", hatches=["////"]
            )
            ax.contour(surfaces.w2, surfaces.w1, flat, levels=[0.5], colors="white", linewidths=0.8)
        share = 100 * surfaces.plateau_share(name)
        colorbar, title = f"mean {name} cost", f"{name}: flat (hatched) {share:.0f}%"
        if name in _COST_NAMES:
            chinese = _COST_NAMES[name]
            fig.say(colorbar, f"平均{chinese.removesuffix('代价')}代价")
            fig.say(title, f"{chinese}：平坦区（阴影）占 {share:.0f}%")
        fig.colorbar(shown, ax=ax, label=colorbar)
        ax.set_xlabel(fig.say("second-layer weight", "第二层权重"))
        ax.set_ylabel(fig.say("first-layer weight", "第一层权重"))
        ax.set_title(title, fontsize=10)
    return fig
