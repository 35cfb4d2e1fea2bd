"""The figures of the chapter *Choosing the cost: gradients that vanish*."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from losslab.plotting._style import COLORS, _figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from losslab.experiments.cost_selection import (
        ClippedUnit,
        CostSurfaces,
        GradientSizes,
        MeanAndMedian,
        SaturatedStart,
    )


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
            label=name,
            zorder=3 if nll else 2,
        )
    left.set_yscale("log")
    left.set_xlabel("logit z (target y = 1, output sigmoid(z))")
    left.set_ylabel("|d cost / d logit| (log scale)")
    left.set_title("confidently wrong on the left, right on the right", fontsize=10)
    left.legend(fontsize=8)
    right.plot(unit.logits, unit.values, color="0.3", lw=1.8, label="max(0, min(1, z))")
    right.plot(
        unit.logits, unit.gradients, color=COLORS["naive"], lw=1.5, ls="--", label="its derivative"
    )
    right.set_xlabel("logit z")
    right.set_ylabel("value")
    right.set_title("a clipped output unit", fontsize=10)
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
        left.plot(steps, losses / losses[0], color=color, lw=1.8, label=name)
        right.plot(steps, run.accuracy[name], color=color, lw=1.8, label=name)
        if run.stop_at is not None and run.steps_to(name, run.stop_at) is not None:
            right.plot(steps[-1], run.accuracy[name][-1], "o", color=color, ms=5)
    if run.stop_at is not None:
        right.axhline(run.stop_at, color="0.4", lw=0.8, ls=":")
        right.text(1, run.stop_at + 0.02, f"target {run.stop_at:.0%}", color="0.3", fontsize=8)
    left.set_ylabel("loss, relative to its start")
    right.set_ylabel("training accuracy")
    right.set_ylim(0, 1.05)
    longest = max(losses.size for losses in run.losses.values())
    for ax in (left, right):
        ax.set_xscale("symlog", linthresh=10)
        ax.set_xlim(0, 1.5 * longest)  # room for the dot at the end of the longest run
        ax.set_xlabel("gradient-descent step (log scale after 10)")
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
    left.axvline(result.sample_mean, color="0.3", ls="--", lw=1, label="sample mean")
    left.set_ylabel("mean squared error")
    right.plot(result.grid, result.mae, color=COLORS["shifted"], lw=1.8)
    right.axvline(result.sample_median, color="0.3", ls=":", lw=1, label="sample median")
    right.set_ylabel("mean absolute error")
    for ax in (left, right):
        ax.set_xlabel("constant prediction")
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
        fig.colorbar(shown, ax=ax, label=f"mean {name} cost")
        ax.set_xlabel("second-layer weight")
        ax.set_ylabel("first-layer weight")
        ax.set_title(
            f"{name}: flat (hatched) {100 * surfaces.plateau_share(name):.0f}%", fontsize=10
        )
    return fig
