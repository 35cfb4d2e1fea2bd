"""Figures of the book, drawn from experiment results in one style.

Every function takes the frozen result of an experiment and returns a matplotlib Figure; nothing
here computes. Figures are light on a white ground (readable on the dark theme too), with
labelled axes, and carry no timestamps, so a rebuild writes the same bytes.

The figures of each chapter live in a module named like the chapter's experiments
(``losslab.plotting.nonconvexity`` draws the results of ``losslab.experiments.nonconvexity``),
all in one shared style; import them from here. Needs matplotlib: ``pip install 'losslab[plot]'``.
"""

from losslab.plotting import _style
from losslab.plotting._style import show_languages
from losslab.plotting.cost_selection import (
    plot_cost_surfaces,
    plot_gradient_sizes,
    plot_mean_and_median,
    plot_saturated_start,
)
from losslab.plotting.maximum_likelihood import (
    plot_cost_families,
    plot_cross_entropy_fit,
    plot_gaussian_is_mse,
    plot_variance_collapse,
)
from losslab.plotting.nonconvexity import (
    plot_convex_baselines,
    plot_dead_units,
    plot_init_scale,
    plot_landscape,
    plot_nonconvexity_sources,
    plot_permutation,
    plot_width_runs,
    plot_xor_runs,
)
from losslab.plotting.numerics import plot_numerics_accuracy, plot_poisson_accuracy

__all__ = [
    "COLORS",
    "LANGUAGES",
    "plot_convex_baselines",
    "plot_cost_families",
    "plot_cost_surfaces",
    "plot_cross_entropy_fit",
    "plot_dead_units",
    "plot_gaussian_is_mse",
    "plot_gradient_sizes",
    "plot_init_scale",
    "plot_landscape",
    "plot_mean_and_median",
    "plot_nonconvexity_sources",
    "plot_numerics_accuracy",
    "plot_permutation",
    "plot_poisson_accuracy",
    "plot_saturated_start",
    "plot_variance_collapse",
    "plot_width_runs",
    "plot_xor_runs",
    "show_languages",
]

# An assignment rather than an import, so that the API reference finds the comment below.
#: Colours by role, the same in every figure. Red is what fails, orange what most libraries do,
#: blue what losslab does.
COLORS = _style.COLORS

#: The languages a figure can be drawn in, ``"en"`` and ``"zh_CN"`` (the Chinese edition).
LANGUAGES = _style.LANGUAGES
