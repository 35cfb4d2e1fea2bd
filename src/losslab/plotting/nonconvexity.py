"""The figures of the chapter *Non-convexity: why the starting point matters*."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from losslab.plotting._style import COLORS, _figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from losslab.experiments.nonconvexity import (
        BornDead,
        Landscape,
        ManyStarts,
        PermutationProbe,
        ReluBias,
        SeparableGrowth,
        XorRuns,
    )


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
    # Imported when drawn, not with the module: importing the figures loads no experiment code.
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
    # The two raw cuts differ; the two normalised ones coincide, so the twin's is drawn thin and
    # dotted on top of the network's.
    cuts_shown: list[tuple[np.ndarray, str, dict[str, Any]]] = [
        (result.raw[0], "raw direction, network", {"color": COLORS["naive"], "lw": 1.8}),
        (
            result.raw[1],
            f"raw direction, {twin}",
            {"color": COLORS["shifted"], "lw": 1.8, "ls": "--"},
        ),
        (result.normalized[0], "normalised, network", {"color": COLORS["losslab"], "lw": 2.6}),
        (result.normalized[1], "normalised, twin", {"color": "0.1", "lw": 1.0, "ls": ":"}),
    ]
    for costs, label, style in cuts_shown:
        cuts.plot(result.alphas, costs[:, middle], label=label, **style)
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
