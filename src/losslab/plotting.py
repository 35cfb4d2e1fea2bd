"""Figures of the book, drawn from experiment results in one style.

Every function takes the frozen result of an experiment and returns a matplotlib Figure; nothing
here computes. Figures are light on a white ground (readable on the dark theme too), with
labelled axes, and carry no timestamps, so a rebuild writes the same bytes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from losslab.experiments.cost_selection import (
        ClippedUnit,
        CostSurfaces,
        GradientSizes,
        MeanAndMedian,
        SaturatedStart,
    )
    from losslab.experiments.maximum_likelihood import (
        CostFamily,
        CrossEntropyFit,
        GaussianIsMSE,
        VarianceCollapse,
    )
    from losslab.experiments.nonconvexity import (
        BornDead,
        Landscape,
        ManyStarts,
        PermutationProbe,
        ReluBias,
        SeparableGrowth,
        XorRuns,
    )
    from losslab.experiments.numerics import AccuracySweep, MarginSweep

__all__ = [
    "COLORS",
    "plot_convex_baselines",
    "plot_cost_families",
    "plot_cost_surfaces",
    "plot_cross_entropy_fit",
    "plot_dead_units",
    "plot_gaussian_is_mse",
    "plot_gradient_sizes",
    "plot_landscape",
    "plot_mean_and_median",
    "plot_numerics_accuracy",
    "plot_permutation",
    "plot_saturated_start",
    "plot_variance_collapse",
    "plot_xor_runs",
]

#: Colours by role, the same in every figure. Red is what fails, orange what most libraries do,
#: blue what losslab does.
COLORS = {"naive": "#d62728", "shifted": "#ff7f0e", "losslab": "#1f77b4"}

# Error axes in ulp: exact results are drawn on the floor, inf and nan on the cap.
_FLOOR = 1e-2
_CAP = 1e17


def _figure(
    ncols: int, width: float = 10.0, height: float = 3.8, grid: bool = True
) -> tuple[Figure, list[Axes]]:
    """A white figure with `ncols` panels side by side, each with a faint grid if `grid`."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, ncols, figsize=(width, height), layout="constrained")
    fig.set_facecolor("white")
    panels = list(np.atleast_1d(axes))
    if grid:
        for ax in panels:
            ax.grid(True, alpha=0.3)
    return fig, panels


def _ulp_axis(ax: Axes) -> None:
    """Log-scale error axis with the floor (exact results) and cap (inf or nan) marked."""
    ax.set_yscale("log")
    ax.set_ylim(_FLOOR / 2, _CAP * 20)
    ax.set_ylabel("error (ulp of the exact value)")
    ax.axhline(1.5, color="0.4", lw=0.8, ls=":")
    ax.text(ax.get_xlim()[0], 1.9, " 1.5 ulp", color="0.3", fontsize=8, va="bottom")
    ax.axhline(_CAP, color="0.6", lw=0.8, ls="--")
    ax.text(ax.get_xlim()[0], _CAP * 1.6, " inf or nan", color="0.3", fontsize=8)
    ax.grid(True, which="major", alpha=0.3)


def _signed_log(x: np.ndarray) -> np.ndarray:
    """Place every binade at equal width: ``sign(x) * (log10|x| + 324)``, 0 at x = 0.

    The smallest subnormal (5e-324) lands near +-0.7 and the largest float near +-632, so a
    single axis shows subnormals, ordinary numbers and huge ones side by side.
    """
    with np.errstate(divide="ignore"):
        magnitude = np.log10(np.abs(x)) + 324.0
    return np.where(x == 0, 0.0, np.sign(x) * magnitude)


def _shown(errors: np.ndarray) -> np.ndarray:
    """Errors as plotted: exact results on the floor, inf and nan on the cap."""
    shown: np.ndarray = np.clip(np.nan_to_num(errors, nan=np.inf), _FLOOR, _CAP)
    return shown


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
    left.scatter(
        x,
        _shown(accuracy.errors["naive log_sigmoid"]),
        s=4,
        color=COLORS["naive"],
        marker="x",
        linewidths=0.8,
        label="log(1 / (1 + exp(-x)))",
        alpha=0.7,
        rasterized=True,
        zorder=3,  # on top: where it is exact, it hides the blue points rather than hiding under
    )
    left.scatter(
        x,
        _shown(accuracy.errors["log_sigmoid"]),
        s=4,
        color=COLORS["losslab"],
        label="losslab.log_sigmoid",
        alpha=0.6,
        rasterized=True,
    )
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


def _shades(count: int) -> list[str]:
    """`count` colours from one sequential palette, dark to light, for curves of one family."""
    import matplotlib as mpl

    cmap = mpl.colormaps["viridis"]
    return [mpl.colors.to_hex(cmap(v)) for v in np.linspace(0.1, 0.75, count)]


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

    Examples
    --------
    >>> from losslab.experiments.cost_selection import saturated_start
    >>> fig = plot_saturated_start(saturated_start(steps=20))
    >>> [ax.get_ylabel() for ax in fig.axes]
    ['loss, relative to its start', 'training accuracy']
    """
    fig, (left, right) = _figure(2, height=3.2)
    colors = {"negative log-likelihood": COLORS["losslab"], "squared error": COLORS["naive"]}
    for name, losses in run.losses.items():
        steps = np.arange(losses.size)
        left.plot(steps, losses / losses[0], color=colors[name], lw=1.8, label=name)
        right.plot(steps, run.accuracy[name], color=colors[name], lw=1.8, label=name)
    left.set_xlabel("gradient-descent step")
    left.set_ylabel("loss, relative to its start")
    right.set_xlabel("gradient-descent step")
    right.set_ylabel("training accuracy")
    right.set_ylim(0, 1.05)
    for ax in (left, right):
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
    """The two cost surfaces over one weight of each layer, plateaus hatched.

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
        flat = (surfaces.gradient_norms[name] < surfaces.threshold).astype(float)
        if flat.any():
            ax.contourf(
                surfaces.w2, surfaces.w1, flat, levels=[0.5, 1.5], colors="none", hatches=["////"]
            )
            ax.contour(surfaces.w2, surfaces.w1, flat, levels=[0.5], colors="white", linewidths=0.8)
        fig.colorbar(shown, ax=ax, label=f"mean {name} cost")
        ax.set_xlabel("second-layer weight")
        ax.set_ylabel("first-layer weight")
        ax.set_title(
            f"{name}: plateau (hatched) {100 * surfaces.plateau_share(name):.0f}%", fontsize=10
        )
    return fig


def plot_permutation(probe: PermutationProbe) -> Figure:
    """The loss on the line through a trained network and its twin with hidden units swapped.

    Examples
    --------
    >>> from losslab.experiments.nonconvexity import permutation_probe, xor_runs
    >>> fig = plot_permutation(permutation_probe(xor_runs(scales=(1.0,), seeds=8, steps=1500)))
    >>> fig.axes[0].get_xlabel()
    't (0: trained network, 1: hidden units swapped)'
    """
    fig, (ax,) = _figure(1, width=6.0, height=3.4)
    ax.plot(probe.ts, probe.line, color=COLORS["losslab"], lw=1.8, label="loss on the line")
    ax.plot(
        [0, 1],
        [probe.loss, probe.swapped_loss],
        "o--",
        color=COLORS["naive"],
        lw=1.2,
        label="chord: what convexity would allow",
    )
    ax.plot([0.5], [probe.midpoint_loss], "s", color="0.2", label="midpoint: both units equal")
    ax.set_xlabel("t (0: trained network, 1: hidden units swapped)")
    ax.set_ylabel("mean cost on XOR")
    ax.legend(fontsize=8)
    return fig


def plot_xor_runs(runs: XorRuns, scale: float = 1.0) -> Figure:
    """Left: every run's cost at one weight scale. Right: how the runs end, by weight scale.

    Examples
    --------
    >>> from losslab.experiments.nonconvexity import xor_runs
    >>> fig = plot_xor_runs(xor_runs(scales=(0.5, 1.0), seeds=8, steps=100))
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['gradient-descent step', 'standard deviation of the initial weights']
    """
    from losslab.experiments.nonconvexity import XOR_PLATEAUS, XOR_SOLVED

    fig, (left, right) = _figure(2, height=3.4)
    k = int(np.argmin(np.abs(runs.scales - scale)))
    steps = np.arange(runs.losses.shape[0]) * runs.record
    left.plot(steps, runs.losses[:, k, :], color=COLORS["losslab"], lw=0.6, alpha=0.35)
    for (name, value), style in zip(XOR_PLATEAUS.items(), (":", "--", "-."), strict=True):
        left.axhline(value, color="0.25", ls=style, lw=1, label=f"{name}: {value:.3f}")
    left.set_yscale("log")
    left.set_xlabel("gradient-descent step")
    left.set_ylabel("mean cost (log scale)")
    left.set_title(f"{runs.losses.shape[2]} starts, weights N(0, {runs.scales[k]:g}²)", fontsize=10)
    left.legend(fontsize=7, loc="lower left")
    solved, stalled = runs.solved(), runs.stalled()
    other = 1.0 - solved - stalled
    positions = np.arange(runs.scales.size)
    right.bar(positions, solved, color=COLORS["losslab"], label=f"solved (cost < {XOR_SOLVED:g})")
    right.bar(positions, stalled, bottom=solved, color=COLORS["shifted"], label="ln 2 / 2 plateau")
    right.bar(positions, other, bottom=solved + stalled, color="0.75", label="elsewhere")
    right.set_xticks(positions, [f"{s:g}" for s in runs.scales])
    right.set_xlabel("standard deviation of the initial weights")
    right.set_ylabel("share of runs")
    right.set_ylim(0, 1)
    right.legend(fontsize=7, loc="upper right")
    return fig


def plot_dead_units(relu: ReluBias, dead: BornDead) -> Figure:
    """Left: training cost for each first-layer bias. Right: networks dead at birth, by depth.

    Examples
    --------
    >>> from losslab.experiments.nonconvexity import born_dead, relu_bias
    >>> fig = plot_dead_units(relu_bias(steps=5), born_dead(depths=(1, 4), seeds=20))
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['gradient-descent step', 'number of hidden layers']
    """
    fig, (left, right) = _figure(2, height=3.4)
    palette = (COLORS["naive"], "0.35", COLORS["losslab"])
    steps = np.arange(relu.losses.shape[0])
    for i, bias in enumerate(relu.biases):
        left.plot(
            steps,
            relu.losses[:, i],
            color=palette[i % 3],
            lw=1.8,
            label=f"b = {bias:g}: {100 * relu.active_share[i]:.0f}% active at start",
        )
    left.set_xlabel("gradient-descent step")
    left.set_ylabel("mean Gaussian cost")
    left.legend(fontsize=8)
    right.plot(
        dead.depths,
        dead.dead_networks,
        "o-",
        color=COLORS["naive"],
        lw=1.8,
        label="networks with a constant output",
    )
    right.plot(
        dead.depths,
        dead.dead_units,
        "s--",
        color="0.35",
        lw=1.2,
        label="units of the last layer off on every input",
    )
    right.set_xscale("log", base=2)
    right.set_xticks(dead.depths, [str(d) for d in dead.depths])
    right.set_xlabel("number of hidden layers")
    right.set_ylabel("share at initialisation")
    right.set_ylim(0, 1.02)
    right.set_title(f"ReLU layers {dead.width} units wide, zero biases", fontsize=10)
    right.legend(fontsize=8)
    return fig


def plot_landscape(result: Landscape) -> Figure:
    """Three panels: start-to-solution lines; a filter-normalised plane; raw and normalised cuts.

    Examples
    --------
    >>> import numpy as np
    >>> from losslab.experiments.nonconvexity import landscape
    >>> fig = plot_landscape(landscape(seeds=2, steps=20, alphas=np.linspace(-1, 1, 5)))
    >>> [ax.get_xlabel() for ax in fig.axes[:3]]
    ['t (0: initialisation, 1: end of training)', 'alpha', 'alpha (beta = 0)']
    """
    fig, (lines, plane, cuts) = _figure(3, width=12.0, height=3.6)
    lines.plot(result.ts, result.lines.T, color=COLORS["losslab"], lw=0.8, alpha=0.6)
    lines.set_yscale("log")
    lines.set_xlabel("t (0: initialisation, 1: end of training)")
    lines.set_ylabel("mean cost (log scale)")
    lines.set_title(f"{result.lines.shape[0]} runs, straight lines", fontsize=10)
    plane.grid(False)
    shown = plane.contourf(
        result.alphas, result.alphas, np.log10(result.normalized[0]).T, levels=20, cmap="viridis"
    )
    fig.colorbar(shown, ax=plane, label="log10 mean cost")
    plane.plot([0], [0], "w+", ms=10)
    plane.set_xlabel("alpha")
    plane.set_ylabel("beta")
    plane.set_title("filter-normalised plane", fontsize=10)
    middle = result.alphas.size // 2
    twin = f"twin (layers scaled by {result.twin_factor:g}, 1/{result.twin_factor:g})"
    cuts.plot(
        result.alphas,
        result.raw[0][:, middle],
        color=COLORS["naive"],
        lw=1.8,
        label="raw direction, network",
    )
    cuts.plot(
        result.alphas,
        result.raw[1][:, middle],
        color=COLORS["shifted"],
        lw=1.8,
        ls="--",
        label=f"raw direction, {twin}",
    )
    cuts.plot(
        result.alphas,
        result.normalized[0][:, middle],
        color=COLORS["losslab"],
        lw=2.6,
        label="normalised, network",
    )
    cuts.plot(
        result.alphas,
        result.normalized[1][:, middle],
        color="0.1",
        lw=1.0,
        ls=":",
        label="normalised, twin",
    )
    cuts.set_yscale("log")
    cuts.set_xlabel("alpha (beta = 0)")
    cuts.set_ylabel("mean cost (log scale)")
    cuts.legend(fontsize=7)
    return fig


def plot_convex_baselines(starts: ManyStarts, separable: SeparableGrowth) -> Figure:
    """Left: every start's distance from the logistic optimum. Right: separable data.

    Examples
    --------
    >>> from losslab.experiments.nonconvexity import many_starts, separable_growth
    >>> fig = plot_convex_baselines(many_starts(starts=3, steps=20), separable_growth((1, 10)))
    >>> [ax.get_xlabel() for ax in fig.axes[:2]]
    ['gradient-descent step', 'gradient-descent step (log scale)']
    """
    fig, (left, right) = _figure(2, height=3.4)
    steps = np.arange(starts.distances.shape[0])
    floor = np.finfo(np.float64).eps  # an exact hit would vanish from a log axis
    left.plot(
        steps, np.maximum(starts.distances, floor), color=COLORS["losslab"], lw=0.7, alpha=0.5
    )
    left.set_yscale("log")
    left.set_xlabel("gradient-descent step")
    left.set_ylabel("distance from the optimum (log scale)")
    left.set_title(
        f"{starts.distances.shape[1]} starts, weights N(0, {starts.scale:g}²)", fontsize=10
    )
    right.plot(
        separable.path_steps,
        separable.norm_path,
        color=COLORS["naive"],
        lw=1.8,
        label="norm of the weights",
    )
    right.set_xscale("log")
    right.set_xlabel("gradient-descent step (log scale)")
    right.set_ylabel("norm of the weights")
    right.set_title("separable classes: no minimiser", fontsize=10)
    cost = right.twinx()
    cost.plot(
        separable.path_steps, separable.loss_path, color="0.35", lw=1.4, ls="--", label="mean cost"
    )
    cost.set_yscale("log")
    cost.set_ylabel("mean cost (log scale, dashed)")
    lines = right.get_lines() + cost.get_lines()
    right.legend(lines, [str(line.get_label()) for line in lines], fontsize=8, loc="center left")
    return fig
