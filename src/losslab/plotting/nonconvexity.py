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

# The Chinese of the plateaus' names in XOR_PLATEAUS. A name missing here stays English, and
# the figure's untranslated() lists it.
_PLATEAUS = {
    "two points at one half": "两点预测为 1/2",
    "three points at two thirds": "三点预测为 2/3",
    "chance": "随机猜测",
}


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
    line = fig.say("loss on the line", "直线上的损失")
    ax.plot(probe.ts, probe.line, color=COLORS["losslab"], lw=1.8, label=line)
    ax.plot(
        [0, 1],
        [probe.loss, probe.swapped_loss],
        "o--",
        color=COLORS["naive"],
        lw=1.2,
        label=fig.say("chord: what convexity would allow", "弦：凸性所允许的上限"),
    )
    midpoint = fig.say("midpoint: both units equal", "中点：两个单元相同")
    ax.plot([0.5], [probe.midpoint_loss], "s", color="0.2", label=midpoint)
    ax.set_xlabel(
        fig.say(
            "t (0: trained network, 1: hidden units swapped)",
            "t（0：训练好的网络，1：交换隐藏单元）",
        )
    )
    ax.set_ylabel(fig.say("mean cost on XOR", "XOR 上的平均代价"))
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
        label = f"{name}: {value:.3f}"
        if name in _PLATEAUS:
            fig.say(label, f"{_PLATEAUS[name]}：{value:.3f}")
        left.axhline(value, color="0.25", ls=style, lw=1, label=label)
    left.set_yscale("log")
    left.set_xlabel(fig.say("gradient-descent step", "梯度下降步数"))
    left.set_ylabel(fig.say("mean cost (log scale)", "平均代价（对数坐标）"))
    starts, sd = runs.losses.shape[2], runs.scales[k]
    left.set_title(
        fig.say(f"{starts} starts, weights N(0, {sd:g}²)", f"{starts} 个起点，权重 N(0, {sd:g}²)"),
        fontsize=10,
    )
    left.legend(fontsize=7, loc="lower left")
    solved, stalled = runs.solved(), runs.stalled()
    other = 1.0 - solved - stalled
    positions = np.arange(runs.scales.size)
    solved_label = fig.say(f"solved (cost < {XOR_SOLVED:g})", f"解出（代价 < {XOR_SOLVED:g}）")
    right.bar(positions, solved, color=COLORS["losslab"], label=solved_label)
    plateau = fig.say("ln 2 / 2 plateau", "ln 2 / 2 平台")
    right.bar(positions, stalled, bottom=solved, color=COLORS["shifted"], label=plateau)
    elsewhere = fig.say("elsewhere", "其他")
    right.bar(positions, other, bottom=solved + stalled, color="0.75", label=elsewhere)
    right.set_xticks(positions, [fig.say(f"{s:g}", f"{s:g}") for s in runs.scales])
    right.set_xlabel(fig.say("standard deviation of the initial weights", "初始权重的标准差"))
    right.set_ylabel(fig.say("share of runs", "运行占比"))
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
        active = 100 * relu.active_share[i]
        left.plot(
            steps,
            relu.losses[:, i],
            color=palette[role],
            lw=1.8,
            label=fig.say(
                f"b = {bias:g}: {active:.0f}% active at start",
                f"b = {bias:g}：初始时 {active:.0f}% 激活",
            ),
        )
    left.set_xlabel(fig.say("gradient-descent step", "梯度下降步数"))
    left.set_ylabel(fig.say("mean Gaussian cost", "平均高斯代价"))
    left.legend(fontsize=8)
    right.plot(
        dead.depths,
        dead.dead_networks,
        "o-",
        color=COLORS["naive"],
        lw=1.8,
        label=fig.say("networks with a constant output", "输出为常数的网络"),
    )
    right.plot(
        dead.depths,
        dead.dead_units,
        "s--",
        color="0.35",
        lw=1.2,
        label=fig.say("units of the last layer off on every input", "末层对任何输入都不激活的单元"),
    )
    right.set_xscale("log", base=2)
    right.set_xticks(dead.depths, [str(d) for d in dead.depths])
    right.set_xlabel(fig.say("number of hidden layers", "隐藏层数"))
    right.set_ylabel(fig.say("share at initialisation", "初始化时的占比"))
    right.set_ylim(0, 1.02)
    right.set_title(
        fig.say(
            f"ReLU layers {dead.width} units wide, zero biases",
            f"ReLU 层宽 {dead.width} 个单元，偏置为零",
        ),
        fontsize=10,
    )
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
    mean_cost = fig.say("mean cost (log scale)", "平均代价（对数坐标）")
    lines.plot(result.ts, result.lines.T, color=COLORS["losslab"], lw=0.8, alpha=0.6)
    lines.set_yscale("log")
    lines.set_xlabel(
        fig.say("t (0: initialisation, 1: end of training)", "t（0：初始化，1：训练结束）")
    )
    lines.set_ylabel(mean_cost)
    runs = result.lines.shape[0]
    lines.set_title(
        fig.say(f"{runs} runs, straight lines", f"{runs} 次运行，直线路径"), fontsize=10
    )
    plane.grid(False)
    shown = plane.contourf(
        result.alphas, result.alphas, np.log10(result.normalized[0]).T, levels=20, cmap="viridis"
    )
    fig.colorbar(shown, ax=plane, label=fig.say("log10 mean cost", "log10 平均代价"))
    plane.plot([0], [0], "w+", ms=10)
    plane.set_xlabel(fig.say("alpha", "alpha"))
    plane.set_ylabel(fig.say("beta", "beta"))
    plane.set_title(fig.say("filter-normalised plane", "滤波器归一化的平面"), fontsize=10)
    middle = result.alphas.size // 2
    factor = result.twin_factor
    twin = f"twin (layers scaled by {factor:g}, 1/{factor:g})"
    twin_zh = f"孪生网络（两层分别乘 {factor:g} 与 1/{factor:g}）"
    # The two raw cuts differ; the two normalised ones coincide, so the twin's is drawn thin and
    # dotted on top of the network's.
    cuts_shown: list[tuple[np.ndarray, str, str, dict[str, Any]]] = [
        (
            result.raw[0],
            "raw direction, network",
            "原始方向，原网络",
            {"color": COLORS["naive"], "lw": 1.8},
        ),
        (
            result.raw[1],
            f"raw direction, {twin}",
            f"原始方向，{twin_zh}",
            {"color": COLORS["shifted"], "lw": 1.8, "ls": "--"},
        ),
        (
            result.normalized[0],
            "normalised, network",
            "归一化，原网络",
            {"color": COLORS["losslab"], "lw": 2.6},
        ),
        (
            result.normalized[1],
            "normalised, twin",
            "归一化，孪生网络",
            {"color": "0.1", "lw": 1.0, "ls": ":"},
        ),
    ]
    for costs, english, chinese, style in cuts_shown:
        cuts.plot(result.alphas, costs[:, middle], label=fig.say(english, chinese), **style)
    cuts.set_yscale("log")
    cuts.set_xlabel(fig.say("alpha (beta = 0)", "alpha (beta = 0)"))
    cuts.set_ylabel(mean_cost)
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
    left.set_xlabel(fig.say("gradient-descent step", "梯度下降步数"))
    left.set_ylabel(fig.say("distance from the optimum (log scale)", "到最优解的距离（对数坐标）"))
    count, scale = starts.distances.shape[1], starts.scale
    left.set_title(
        fig.say(
            f"{count} starts, weights N(0, {scale:g}²)", f"{count} 个起点，权重 N(0, {scale:g}²)"
        ),
        fontsize=10,
    )
    norm = fig.say("norm of the weights", "权重的范数")
    right.plot(separable.path_steps, separable.norm_path, color=COLORS["naive"], lw=1.8, label=norm)
    right.set_xscale("log")
    right.set_xlabel(fig.say("gradient-descent step (log scale)", "梯度下降步数（对数坐标）"))
    right.set_ylabel(norm)
    right.set_title(
        fig.say("separable classes: no minimiser", "类别可分：不存在极小点"), fontsize=10
    )
    cost = right.twinx()
    mean_cost = fig.say("mean cost", "平均代价")
    cost.plot(
        separable.path_steps, separable.loss_path, color="0.35", lw=1.4, ls="--", label=mean_cost
    )
    cost.set_yscale("log")
    cost.set_ylabel(fig.say("mean cost (log scale, dashed)", "平均代价（对数坐标，虚线）"))
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
    half_mse = fig.say("half mean squared error", "均方误差的一半")
    degree = sources.degree
    shown = [
        (
            sources.ts,
            sources.polynomial_line,
            fig.say(f"polynomial of degree {degree}: linear in w", f"{degree} 次多项式：对 w 线性"),
            fig.say("t (two random weight vectors)", "t（两个随机权重向量）"),
            half_mse,
        ),
        (
            sources.ts,
            sources.linear_line,
            fig.say("deep linear network w2 w1 x", "深度线性网络 w2 w1 x"),
            fig.say("t (w and -w)", "t（w 与 -w）"),
            half_mse,
        ),
        (
            probe.ts[middle],
            probe.line[middle],
            fig.say("tanh network on XOR", "XOR 上的 tanh 网络"),
            fig.say("t (hidden units swapped)", "t（交换隐藏单元）"),
            fig.say("mean cost on XOR", "XOR 上的平均代价"),
        ),
    ]
    segment = fig.say("loss on the segment", "线段上的损失")
    for ax, (ts, line, title, xlabel, ylabel) in zip(panels, shown, strict=True):
        ax.plot(ts, line, color=COLORS["losslab"], lw=1.8, label=segment)
        ax.plot(
            [ts[0], ts[-1]],
            [line[0], line[-1]],
            "o--",
            color=COLORS["naive"],
            lw=1.2,
            label=fig.say("chord", "弦"),
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
    widths = [fig.say(f"{w:g}", f"{w:g}") for w in runs.widths]
    hidden = fig.say("hidden units", "隐藏单元数")
    seeds = runs.final.shape[1]
    jitter = np.linspace(-0.3, 0.3, seeds)
    small = fig.say(f"small cost: {SMALL_COST:g}", f"小代价阈值：{SMALL_COST:g}")
    left.axhline(SMALL_COST, color="0.25", ls="--", lw=1, label=small)
    ending = {"below": "最终低于阈值的起点", "above": "最终高于阈值的起点"}
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
                label=fig.say(f"starts ending {label} it", ending[label]) if k == 0 else None,
            )
    left.set_yscale("log")
    left.set_xticks(positions, widths)
    left.set_xlabel(hidden)
    left.set_ylabel(fig.say("final mean cost (log scale)", "最终平均代价（对数坐标）"))
    left.set_title(
        fig.say(f"{seeds} starts per width, one dot each", f"每种宽度 {seeds} 个起点，各画一点"),
        fontsize=10,
    )
    left.legend(fontsize=8, loc="center right")
    right.bar(positions, runs.reached(), color=COLORS["losslab"])
    right.set_xticks(positions, widths)
    right.set_xlabel(hidden)
    right.set_ylabel(
        fig.say(f"share of starts below {SMALL_COST:g}", f"最终代价低于 {SMALL_COST:g} 的比例")
    )
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
    scale_label = fig.say(
        "weight scale (units of 1/sqrt(fan-in))", "权重尺度（以 1/sqrt(fan-in) 为单位）"
    )
    signal = fig.say("signal", "信号")
    start.plot(result.gains, result.signal, "o-", color=COLORS["losslab"], lw=1.6, label=signal)
    slope = fig.say("tanh slope", "tanh 斜率")
    start.plot(result.gains, result.slope, "s--", color=COLORS["naive"], lw=1.6, label=slope)
    start.set_xscale("log")
    start.set_yscale("log")
    start.set_xlabel(scale_label)
    start.set_ylabel(fig.say("at the start (log scale)", "初始时（对数坐标）"))
    start.set_title(
        fig.say("last layer's output size; mean slope", "末层输出的大小；平均斜率"), fontsize=10
    )
    start.legend(fontsize=8)
    seeds = result.losses.shape[2]
    for g, gain in enumerate(result.gains):
        spread = gain * np.exp(np.linspace(-0.12, 0.12, seeds))
        finals.scatter(spread, result.losses[-1, g], s=10, color=COLORS["losslab"], zorder=3)
    solved = fig.say(f"solved: below {SMALL_COST:g}", f"解出：低于 {SMALL_COST:g}")
    finals.axhline(SMALL_COST, color="0.25", ls="--", lw=1, label=solved)
    chance = fig.say("ln 2: output 1/2 everywhere", "ln 2：处处输出 1/2")
    finals.axhline(np.log(2), color="0.25", ls=":", lw=1, label=chance)
    finals.set_xscale("log")
    finals.set_yscale("log")
    finals.set_xlabel(scale_label)
    finals.set_ylabel(fig.say("final mean cost (log scale)", "最终平均代价（对数坐标）"))
    finals.set_title(
        fig.say(f"{seeds} starts per scale, one dot each", f"每个尺度 {seeds} 个起点，各画一点"),
        fontsize=10,
    )
    finals.legend(fontsize=7, loc="center right")
    steps = np.arange(result.losses.shape[0]) * result.record
    median = np.median(result.losses, axis=2)
    for g, color in zip(range(result.gains.size), _shades(result.gains.size), strict=True):
        gain = fig.say(f"{result.gains[g]:g}", f"{result.gains[g]:g}")
        curves.plot(steps, median[:, g], color=color, lw=1.6, label=gain)
    curves.set_yscale("log")
    curves.set_xlabel(fig.say("gradient-descent step", "梯度下降步数"))
    curves.set_ylabel(fig.say("median mean cost (log scale)", "平均代价的中位数（对数坐标）"))
    curves.set_title(fig.say("median run at each scale", "各尺度下的中位数曲线"), fontsize=10)
    curves.legend(
        fontsize=7,
        ncols=2,
        title=fig.say("scale g", "尺度 g"),
        title_fontsize=7,
        loc="center right",
    )
    return fig
