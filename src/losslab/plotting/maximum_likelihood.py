"""The figures of the chapter *Maximum likelihood and the cost*."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from losslab.plotting._style import COLORS, _figure, _shades

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from losslab.experiments.maximum_likelihood import (
        CostFamily,
        CrossEntropyFit,
        GaussianIsMSE,
        VarianceCollapse,
    )


def plot_gaussian_is_mse(result: GaussianIsMSE) -> Figure:
    """Mean squared error and Gaussian NLL of a slope, for each noise scale, with their minima.

    Examples
    --------
    >>> from losslab.experiments.maximum_likelihood import gaussian_is_mse
    >>> fig = plot_gaussian_is_mse(gaussian_is_mse())
    >>> [ax.get_ylabel() for ax in fig.axes]
    ['mean squared error', 'mean Gaussian NLL (log scale)']
    """
    fig, (left, right) = _figure(2, height=3.4)
    left.plot(result.slopes, result.mse, color="0.2", lw=1.8)
    left.axvline(result.argmin_mse, color="0.5", ls=":", lw=1)
    left.set_xlabel("slope of the model y = slope * x")
    left.set_ylabel("mean squared error")
    left.set_title("least squares", fontsize=10)
    shades = _shades(len(result.nll))
    for (sigma, curve), color in zip(result.nll.items(), shades, strict=True):
        right.plot(result.slopes, curve, color=color, lw=1.8, label=f"sigma = {sigma:g}")
        best = int(np.argmin(curve))
        right.plot(result.slopes[best], curve[best], "o", color=color, ms=5)
    right.axvline(result.argmin_mse, color="0.5", ls=":", lw=1)
    right.set_yscale("log")
    right.set_xlabel("slope of the model y = slope * x")
    right.set_ylabel("mean Gaussian NLL (log scale)")
    right.set_title("maximum likelihood, three noise scales", fontsize=10)
    right.legend(fontsize=8)
    return fig


def plot_cost_families(families: list[CostFamily]) -> Figure:
    """One small panel per output distribution: its cost against the network output.

    Examples
    --------
    >>> from losslab.experiments.maximum_likelihood import cost_families
    >>> fig = plot_cost_families(cost_families())
    >>> len(fig.axes), fig.axes[0].get_ylabel()
    (5, 'cost  -log p(y | output)')
    """
    fig, axes = _figure(len(families), width=12.0, height=2.9)
    for ax, family in zip(axes, families, strict=True):
        ax.plot(family.grid, family.costs, color=COLORS["losslab"], lw=1.8, label="losslab")
        ax.plot(
            family.grid[::10], family.reference[::10], "o", color="0.25", ms=3, label="scipy.stats"
        )
        ax.set_title(f"{family.distribution}, {family.target}\n{family.classic_name}", fontsize=9)
        ax.set_xlabel(family.output, fontsize=9)
    axes[0].set_ylabel("cost  -log p(y | output)")
    axes[0].legend(fontsize=7)
    return fig


def plot_variance_collapse(result: VarianceCollapse) -> Figure:
    """The cost of a perfectly fitted sample and its learned scale, along gradient descent.

    Examples
    --------
    >>> from losslab.experiments.maximum_likelihood import variance_collapse
    >>> fig = plot_variance_collapse(variance_collapse(steps=50))
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['gradient-descent step', 'gradient-descent step']
    """
    fig, (left, right) = _figure(2, height=3.2)
    steps = np.arange(result.costs.size)
    left.plot(steps, result.costs, color=COLORS["naive"], lw=1.8)
    left.set_xlabel("gradient-descent step")
    left.set_ylabel("cost of the sample (NLL)")
    left.set_title("the cost falls without bound", fontsize=10)
    right.plot(steps, result.gradients, color=COLORS["losslab"], lw=1.8)
    right.set_xlabel("gradient-descent step")
    right.set_ylabel("d cost / d raw scale")
    right.set_ylim(0, 1.1)
    right.set_title("its gradient tends to 1, never to 0", fontsize=10)
    return fig


def plot_cross_entropy_fit(fit: CrossEntropyFit) -> Figure:
    """Cross-entropy along the descent, down to the entropy; and the fitted q next to p-hat.

    Examples
    --------
    >>> from losslab.experiments.maximum_likelihood import cross_entropy_fit
    >>> fig = plot_cross_entropy_fit(cross_entropy_fit(steps=20))
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['gradient-descent step', 'outcome']
    """
    fig, (left, right) = _figure(2, height=3.2)
    steps = np.arange(fit.cross_entropies.size)
    left.plot(steps, fit.cross_entropies, color=COLORS["losslab"], lw=1.8, label=r"$H(\hat p, q)$")
    left.axhline(fit.entropy, color="0.3", ls="--", lw=1, label=r"$H(\hat p)$")
    left.set_xscale("symlog", linthresh=10)
    left.set_xlim(left=0)
    left.set_xlabel("gradient-descent step")
    left.set_ylabel("nats")
    left.set_title("cross-entropy falls to the entropy", fontsize=10)
    left.legend(fontsize=8)
    outcomes = np.arange(fit.p_hat.size)
    right.bar(outcomes - 0.2, fit.p_hat, width=0.4, color="0.55", label=r"$\hat p$ (data)")
    right.bar(outcomes + 0.2, fit.q_final, width=0.4, color=COLORS["losslab"], label="q (fitted)")
    right.set_xticks(outcomes)
    right.set_xlabel("outcome")
    right.set_ylabel("probability")
    right.set_title("the minimiser is the empirical distribution", fontsize=10)
    right.legend(fontsize=8)
    return fig
