"""The style every figure shares: colours by role, white panels, and the axes of errors in ulp."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

try:
    import matplotlib as mpl
    import matplotlib.figure
    import matplotlib.ticker
except ImportError as error:
    raise ImportError("losslab.plotting needs matplotlib: pip install 'losslab[plot]'") from error

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Colours by role, the same in every figure; losslab.plotting documents the roles.
COLORS = {"naive": "#d62728", "shifted": "#ff7f0e", "losslab": "#1f77b4"}

# Error axes in ulp: exact results are drawn on the floor, inf and nan on the cap.
_FLOOR = 1e-2
_CAP = 1e17


# A log axis spanning more than a decade shows its decades alone: matplotlib labels none of its
# minor ticks there, and laying them out and drawing them takes a quarter of a figure's time.
_MINOR_TICK_DECADES = 1.0


class _BookFigure(mpl.figure.Figure):
    """A Figure laid out once, that drops the unlabelled minor ticks of its wide log axes.

    Saving a figure draws it twice, once to lay it out and once to render it, and the
    constrained layout would run again in the second drawing, to the same result: it runs in
    the first drawing only, and the figure keeps that layout.
    """

    def draw(self, renderer: Any) -> None:
        for ax in self.axes:
            for axis, scale, limits in (
                (ax.xaxis, ax.get_xscale(), ax.get_xlim()),
                (ax.yaxis, ax.get_yscale(), ax.get_ylim()),
            ):
                low, high = sorted(abs(v) for v in limits)
                if scale == "log" and low > 0 and np.log10(high / low) > _MINOR_TICK_DECADES:
                    axis.set_minor_locator(mpl.ticker.NullLocator())
        super().draw(renderer)
        self.set_layout_engine("none")


def _figure(
    ncols: int, width: float = 10.0, height: float = 3.8, grid: bool = True
) -> tuple[Figure, list[Axes]]:
    """A white figure with `ncols` panels side by side, each with a faint grid if `grid`."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(
        1, ncols, figsize=(width, height), layout="constrained", FigureClass=_BookFigure
    )
    fig.set_facecolor("white")
    panels = list(np.atleast_1d(axes))
    if grid:
        for ax in panels:
            ax.grid(True, alpha=0.3)
    return fig, panels


def _shades(count: int) -> list[str]:
    """`count` colours from one sequential palette, dark to light, for curves of one family."""
    cmap = mpl.colormaps["viridis"]
    return [mpl.colors.to_hex(cmap(v)) for v in np.linspace(0.1, 0.75, count)]


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
