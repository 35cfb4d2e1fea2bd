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

# The Chinese of the words in cost_families' results. A word missing here leaves its texts
# English, and the figure's untranslated() lists them.
_FAMILY_WORDS = {
    # distributions
    "Bernoulli": "伯努利分布",
    "categorical": "类别分布",
    "Gaussian": "高斯分布",
    "Laplace": "拉普拉斯分布",
    "Poisson": "泊松分布",
    # network outputs
    "logit z": "logit z",
    "logit of class 0 (others 0)": "类别 0 的 logit（其余为 0）",
    "mean": "均值",
    "location": "位置参数",
    "log-rate": "对数速率",
    # targets
    "label 1": "标签 1",
    "label 0 of 3": "3 类中的标签 0",
    "y = 0": "y = 0",
    "count 3": "计数 3",
    # the costs' classic names
    "binary cross-entropy": "二元交叉熵",
    "softmax cross-entropy": "softmax 交叉熵",
    "squared error": "平方误差",
    "absolute error": "绝对误差",
    "Poisson loss": "泊松损失",
}


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
    slope = fig.say("slope of the model y = slope * x", "模型 y = slope * x 的斜率")
    left.plot(result.slopes, result.mse, color="0.2", lw=1.8)
    left.axvline(result.argmin_mse, color="0.5", ls=":", lw=1)
    left.set_xlabel(slope)
    left.set_ylabel(fig.say("mean squared error", "均方误差"))
    left.set_title(fig.say("least squares", "最小二乘"), fontsize=10)
    shades = _shades(len(result.nll))
    for (sigma, curve), color in zip(result.nll.items(), shades, strict=True):
        label = fig.say(f"sigma = {sigma:g}", f"sigma = {sigma:g}")
        right.plot(result.slopes, curve, color=color, lw=1.8, label=label)
        best = int(np.argmin(curve))
        right.plot(result.slopes[best], curve[best], "o", color=color, ms=5)
    right.axvline(result.argmin_mse, color="0.5", ls=":", lw=1)
    right.set_yscale("log")
    right.set_xlabel(slope)
    right.set_ylabel(fig.say("mean Gaussian NLL (log scale)", "平均高斯 NLL（对数坐标）"))
    right.set_title(
        fig.say("maximum likelihood, three noise scales", "最大似然，三种噪声尺度"), fontsize=10
    )
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
    ours, theirs = fig.say("losslab", "losslab"), fig.say("scipy.stats", "scipy.stats")
    words = _FAMILY_WORDS
    for ax, family in zip(axes, families, strict=True):
        ax.plot(family.grid, family.costs, color=COLORS["losslab"], lw=1.8, label=ours)
        ax.plot(family.grid[::10], family.reference[::10], "o", color="0.25", ms=3, label=theirs)
        title = f"{family.distribution}, {family.target}\n{family.classic_name}"
        parts = (family.distribution, family.target, family.classic_name)
        if all(part in words for part in parts):
            distribution, target, classic_name = (words[part] for part in parts)
            fig.say(title, f"{distribution}，{target}\n{classic_name}")
        ax.set_title(title, fontsize=9)
        if family.output in words:
            fig.say(family.output, words[family.output])
        ax.set_xlabel(family.output, fontsize=9)
    axes[0].set_ylabel(fig.say("cost  -log p(y | output)", "代价  -log p(y | 输出)"))
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
    step = fig.say("gradient-descent step", "梯度下降步数")
    steps = np.arange(result.costs.size)
    left.plot(steps, result.costs, color=COLORS["naive"], lw=1.8)
    left.set_xlabel(step)
    left.set_ylabel(fig.say("cost of the sample (NLL)", "该样本的代价（NLL）"))
    left.set_title(fig.say("the cost falls without bound", "代价无下界地下降"), fontsize=10)
    right.plot(steps, result.gradients, color=COLORS["losslab"], lw=1.8)
    right.set_xlabel(step)
    right.set_ylabel(fig.say("d cost / d raw scale", "d 代价 / d 原始尺度"))
    right.set_ylim(0, 1.1)
    right.set_title(
        fig.say("its gradient tends to 1, never to 0", "其梯度趋于 1，而不是 0"), fontsize=10
    )
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
    cross_entropy = fig.say(r"$H(\hat p, q)$", r"$H(\hat p, q)$")
    left.plot(steps, fit.cross_entropies, color=COLORS["losslab"], lw=1.8, label=cross_entropy)
    entropy = fig.say(r"$H(\hat p)$", r"$H(\hat p)$")
    left.axhline(fit.entropy, color="0.3", ls="--", lw=1, label=entropy)
    left.set_xscale("symlog", linthresh=10)
    left.set_xlim(left=0)
    left.set_xlabel(fig.say("gradient-descent step", "梯度下降步数"))
    left.set_ylabel(fig.say("nats", "奈特"))
    left.set_title(fig.say("cross-entropy falls to the entropy", "交叉熵降至熵"), fontsize=10)
    left.legend(fontsize=8)
    outcomes = np.arange(fit.p_hat.size)
    # Mathtext sets its text in its own fonts, which have no Chinese: p-hat in plain text there.
    data = fig.say(r"$\hat p$ (data)", "p\u0302（数据）")
    right.bar(outcomes - 0.2, fit.p_hat, width=0.4, color="0.55", label=data)
    fitted = fig.say("q (fitted)", "q（拟合）")
    right.bar(outcomes + 0.2, fit.q_final, width=0.4, color=COLORS["losslab"], label=fitted)
    right.set_xticks(outcomes)
    right.set_xlabel(fig.say("outcome", "结果"))
    right.set_ylabel(fig.say("probability", "概率"))
    right.set_title(
        fig.say("the minimiser is the empirical distribution", "极小点即经验分布"), fontsize=10
    )
    right.legend(fontsize=8)
    return fig
