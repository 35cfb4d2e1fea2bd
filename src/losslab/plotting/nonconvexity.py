"""The figures of the chapter *Non-convexity: why the starting point matters*."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from losslab._arrays import finite_positive
from losslab.plotting._style import COLORS, _figure, _shades

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from losslab.experiments.nonconvexity import (
        BornDead,
        InitScale,
        Landscape,
        ManyStarts,
        NonconvexitySources,
        PermutationProbe,
        ReluBias,
        SeparableGrowth,
        WidthRuns,
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

    Raises
    ------
    ValueError, TypeError
        If `scale` is not a positive finite number.

    Examples
    --------
    >>> from losslab.experiments.nonconvexity import xor_runs
    >>> fig = plot_xor_runs(xor_runs(scales=(0.5, 1.0), seeds=8, steps=100))
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['gradient-descent step', 'standard deviation of the initial weights']
    """
    finite_positive(scale, "scale")
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
    # Red for the bias that kills every unit, orange for one that kills some, grey for zero and
    # blue for a positive bias.
    palette = {-2: COLORS["naive"], -1: COLORS["shifted"], 0: "0.35", 1: COLORS["losslab"]}
    steps = np.arange(relu.losses.shape[0])
    for i, bias in enumerate(relu.biases):
        role = int(np.sign(bias)) - int(relu.dead_share[i] == 1.0)
        left.plot(
            steps,
            relu.losses[:, i],
            color=palette[role],
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


def plot_nonconvexity_sources(sources: NonconvexitySources, probe: PermutationProbe) -> Figure:
    """The loss on a segment, and its chord, for three models: where non-convexity comes from.

    Examples
    --------
    >>> from losslab.experiments.nonconvexity import (
    ...     nonconvexity_sources, permutation_probe, xor_runs)
    >>> probe = permutation_probe(xor_runs(scales=(1.0,), seeds=4, steps=500))
    >>> fig = plot_nonconvexity_sources(nonconvexity_sources(points=3), probe)
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['t (two random weight vectors)', 't (w and -w)', 't (hidden units swapped)']
    """
    fig, panels = _figure(3, width=12.0, height=3.4)
    middle = (probe.ts >= 0) & (probe.ts <= 1)
    shown = [
        (
            sources.ts,
            sources.polynomial_line,
            f"polynomial of degree {sources.degree}: linear in w",
            "t (two random weight vectors)",
            "half mean squared error",
        ),
        (
            sources.ts,
            sources.linear_line,
            "deep linear network w2 w1 x",
            "t (w and -w)",
            "half mean squared error",
        ),
        (
            probe.ts[middle],
            probe.line[middle],
            "tanh network on XOR",
            "t (hidden units swapped)",
            "mean cost on XOR",
        ),
    ]
    for ax, (ts, line, title, xlabel, ylabel) in zip(panels, shown, strict=True):
        ax.plot(ts, line, color=COLORS["losslab"], lw=1.8, label="loss on the segment")
        ax.plot(
            [ts[0], ts[-1]],
            [line[0], line[-1]],
            "o--",
            color=COLORS["naive"],
            lw=1.2,
            label="chord",
        )
        ax.set_title(title, fontsize=10)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
    panels[0].legend(fontsize=8)
    return fig


def plot_width_runs(runs: WidthRuns) -> Figure:
    """Left: the final cost of every start, by width. Right: the share reaching a small cost.

    Examples
    --------
    >>> from losslab.experiments.nonconvexity import width_runs
    >>> fig = plot_width_runs(width_runs(widths=(2, 4), seeds=4, steps=100))
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['hidden units', 'hidden units']
    """
    from losslab.experiments.nonconvexity import SMALL_COST

    fig, (left, right) = _figure(2, height=3.4)
    positions = np.arange(runs.widths.size)
    seeds = runs.final.shape[1]
    jitter = np.linspace(-0.3, 0.3, seeds)
    left.axhline(SMALL_COST, color="0.25", ls="--", lw=1, label=f"small cost: {SMALL_COST:g}")
    for k, finals in enumerate(runs.final):
        order = np.argsort(finals)  # spread each width's starts sideways in order of cost
        below = finals[order] < SMALL_COST
        for chosen, color, label in (
            (below, COLORS["losslab"], "below"),
            (~below, "0.45", "above"),
        ):
            left.scatter(
                k + jitter[chosen],
                finals[order][chosen],
                s=10,
                color=color,
                zorder=3,
                label=f"starts ending {label} it" if k == 0 else None,
            )
    left.set_yscale("log")
    left.set_xticks(positions, [f"{w:g}" for w in runs.widths])
    left.set_xlabel("hidden units")
    left.set_ylabel("final mean cost (log scale)")
    left.set_title(f"{seeds} starts per width, one dot each", fontsize=10)
    left.legend(fontsize=8, loc="center right")
    right.bar(positions, runs.reached(), color=COLORS["losslab"])
    right.set_xticks(positions, [f"{w:g}" for w in runs.widths])
    right.set_xlabel("hidden units")
    right.set_ylabel(f"share of starts below {SMALL_COST:g}")
    right.set_ylim(0, 1.02)
    return fig


def plot_init_scale(result: InitScale) -> Figure:
    """Three panels against the weight scale: the start, the final costs, the cost over time.

    Examples
    --------
    >>> from losslab.experiments.nonconvexity import init_scale
    >>> fig = plot_init_scale(init_scale(gains=(0.1, 1.0, 10.0), seeds=2, steps=20))
    >>> fig.axes[0].get_xlabel(), fig.axes[2].get_xlabel()
    ('weight scale (units of 1/sqrt(fan-in))', 'gradient-descent step')
    """
    from losslab.experiments.nonconvexity import SMALL_COST

    fig, (start, finals, curves) = _figure(3, width=12.0, height=3.6)
    scale_label = "weight scale (units of 1/sqrt(fan-in))"
    start.plot(result.gains, result.signal, "o-", color=COLORS["losslab"], lw=1.6, label="signal")
    start.plot(result.gains, result.slope, "s--", color=COLORS["naive"], lw=1.6, label="tanh slope")
    start.set_xscale("log")
    start.set_yscale("log")
    start.set_xlabel(scale_label)
    start.set_ylabel("at the start (log scale)")
    start.set_title("last layer's output size; mean slope", fontsize=10)
    start.legend(fontsize=8)
    seeds = result.losses.shape[2]
    for g, gain in enumerate(result.gains):
        spread = gain * np.exp(np.linspace(-0.12, 0.12, seeds))
        finals.scatter(spread, result.losses[-1, g], s=10, color=COLORS["losslab"], zorder=3)
    finals.axhline(SMALL_COST, color="0.25", ls="--", lw=1, label=f"solved: below {SMALL_COST:g}")
    finals.axhline(np.log(2), color="0.25", ls=":", lw=1, label="ln 2: output 1/2 everywhere")
    finals.set_xscale("log")
    finals.set_yscale("log")
    finals.set_xlabel(scale_label)
    finals.set_ylabel("final mean cost (log scale)")
    finals.set_title(f"{seeds} starts per scale, one dot each", fontsize=10)
    finals.legend(fontsize=7, loc="center right")
    steps = np.arange(result.losses.shape[0]) * result.record
    median = np.median(result.losses, axis=2)
    for g, color in zip(range(result.gains.size), _shades(result.gains.size), strict=True):
        curves.plot(steps, median[:, g], color=color, lw=1.6, label=f"{result.gains[g]:g}")
    curves.set_yscale("log")
    curves.set_xlabel("gradient-descent step")
    curves.set_ylabel("median mean cost (log scale)")
    curves.set_title("median run at each scale", fontsize=10)
    curves.legend(fontsize=7, ncols=2, title="scale g", title_fontsize=7, loc="center right")
    return fig
