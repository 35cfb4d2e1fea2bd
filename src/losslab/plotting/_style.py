"""The style every figure shares: colours by role, white panels, and the axes of errors in ulp."""

from __future__ import annotations

import glob
import io
import logging
import warnings
from typing import TYPE_CHECKING, Any, cast

import numpy as np

try:
    import matplotlib as mpl
    import matplotlib.figure
    import matplotlib.text
    import matplotlib.ticker
except ImportError as error:
    raise ImportError("losslab.plotting needs matplotlib: pip install 'losslab[plot]'") from error

if TYPE_CHECKING:
    from matplotlib.axes import Axes

# Colours by role, the same in every figure; losslab.plotting documents the roles.
COLORS = {"naive": "#d62728", "shifted": "#ff7f0e", "losslab": "#1f77b4"}

# Error axes in ulp: exact results are drawn on the floor, inf and nan on the cap.
_FLOOR = 1e-2
_CAP = 1e17


# A log axis spanning more than a decade shows its decades alone: matplotlib labels none of its
# minor ticks there, and laying them out and drawing them takes a quarter of a figure's time.
_MINOR_TICK_DECADES = 1.0


#: The languages a figure can be drawn in: English, and the Chinese of the book's second edition.
LANGUAGES = ("en", "zh_CN")

#: The picture of a figure shown in a notebook, by language: its MIME type and file format.
PICTURES = {"en": ("image/png", "png"), "zh_CN": ("image/svg+xml", "svg")}

# Pictures whose bytes depend on nothing but the figure: fixed SVG ids, glyphs as paths.
_FILE_SETTINGS: dict[Any, Any] = {"svg.hashsalt": "losslab", "svg.fonttype": "path"}

# The languages in which a figure shown in a notebook is drawn, in order; see show_languages.
_shown_languages: tuple[str, ...] = ("en",)

# Chinese text is set in Noto Sans CJK SC (Debian's fonts-noto-cjk), everything else, Latin
# letters and digits included, in matplotlib's DejaVu Sans as in the English figures.
_CJK_FONT = "Noto Sans CJK SC"
_CJK_FONT_FILES = "/usr/share/fonts/**/NotoSansCJK-Regular.ttc"


def show_languages(*languages: str) -> None:
    """Show every figure of ``losslab.plotting`` once per language of `languages`, in order.

    A figure displayed in a notebook is drawn in English alone unless this is called. The book
    calls ``show_languages("en", "zh_CN")`` before its figures: every figure cell then carries
    an English and a Chinese picture, and each edition of the book shows its own.

    Parameters
    ----------
    languages : str
        Each one of ``LANGUAGES``; at least one.

    Raises
    ------
    ValueError
        If `languages` is empty or names a language not in ``LANGUAGES``.

    Examples
    --------
    >>> from losslab.plotting import show_languages
    >>> show_languages("en", "zh_CN")
    >>> show_languages("fr")
    Traceback (most recent call last):
    ...
    ValueError: languages must be some of ('en', 'zh_CN'), got ('fr',)
    >>> show_languages("en")
    """
    global _shown_languages
    unknown = [language for language in languages if language not in LANGUAGES]
    if not languages or unknown:
        raise ValueError(f"languages must be some of {LANGUAGES}, got {languages}")
    _shown_languages = tuple(languages)


def _cjk_font() -> str:
    """The font family of Chinese figure text, registered with matplotlib if need be."""
    from matplotlib import font_manager

    try:
        font_manager.findfont(_CJK_FONT, fallback_to_default=False)
    except ValueError:
        # Installed after matplotlib cached its list of fonts: register it now.
        for path in glob.glob(_CJK_FONT_FILES, recursive=True):
            font_manager.fontManager.addfont(path)
        try:
            font_manager.findfont(_CJK_FONT, fallback_to_default=False)
        except ValueError:
            raise RuntimeError(
                f"Chinese figure text needs the font {_CJK_FONT}: "
                "apt-get install fonts-noto-cjk (Debian), or install it for matplotlib to find"
            ) from None
    return _CJK_FONT


class _Collected(logging.Handler):
    """The warnings that matplotlib logs while a figure is drawn."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class _BookFigure(mpl.figure.Figure):
    """A Figure that can be drawn in English or Chinese, laid out once per drawing.

    Its text is written in English; ``say`` records the Chinese of a text, and ``png`` draws the
    figure in either language. Saving a figure draws it twice, once to lay it out and once to
    render it, and the constrained layout would run again in the second drawing, to the same
    result: it runs in the first drawing only. The figure also drops the unlabelled minor ticks
    of its wide log axes.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._chinese: dict[str, str] = {}
        self._layout: Any = None

    def say(self, english: str, chinese: str) -> str:
        """Record `chinese` as the Chinese of the figure text `english`, and return `english`."""
        self._chinese[english] = chinese
        return english

    def untranslated(self) -> list[str]:
        """The texts of the figure with no Chinese recorded, empty strings and numbers aside."""
        return [
            text
            for text in self._texts()
            if text not in self._chinese and any(c.isalpha() for c in text)
        ]

    def _texts(self) -> list[str]:
        return [t.get_text() for t in self.findobj(mpl.text.Text) if t.get_text().strip()]

    def png(self, language: str = "en") -> bytes:
        """The figure as PNG bytes, its text in `language`; raises as ``_render`` does."""
        return self._render(language, "png")

    def svg(self, language: str = "en") -> bytes:
        """The figure as SVG bytes, its text in `language`; raises as ``_render`` does.

        The outlines of the glyphs are in the file, so no font is needed to show it; the file has
        no date, and its ids are the same in every run.
        """
        return self._render(language, "svg")

    def _render(self, language: str, file_format: str) -> bytes:
        """The figure as a file of `file_format`, its text in `language`.

        Raises
        ------
        ValueError
            If `language` is not one of ``LANGUAGES``.
        RuntimeError
            In Chinese, if the CJK font is missing or a glyph is missing from it.
        """
        if language not in LANGUAGES:
            raise ValueError(f"language must be one of {LANGUAGES}, got {language!r}")
        if self._layout is not None:
            self.set_layout_engine(self._layout)  # lay out afresh, for this language's text
        swapped: list[tuple[mpl.text.Text, str, Any]] = []
        if language == "zh_CN":
            family = ["DejaVu Sans", _cjk_font()]
            for artist in self.findobj(mpl.text.Text):
                chinese = self._chinese.get(artist.get_text())
                if chinese is not None:
                    swapped.append((artist, artist.get_text(), artist.get_fontfamily()))
                    artist.set_text(chinese)
                    artist.set_fontfamily(family)
        buffer = io.BytesIO()
        # A glyph missing from the fonts would be drawn as a box: matplotlib says so in a
        # warning, or only in its log (mathtext, whose fonts have no Chinese). Either fails.
        logged = _Collected()
        log = logging.getLogger("matplotlib")
        log.addHandler(logged)
        try:
            with warnings.catch_warnings(), mpl.rc_context(_FILE_SETTINGS):
                warnings.simplefilter("error")
                metadata = {"Date": None} if file_format == "svg" else None
                self.savefig(buffer, format=file_format, bbox_inches=None, metadata=metadata)
        finally:
            log.removeHandler(logged)
            for artist, text, old_family in swapped:
                artist.set_text(text)
                artist.set_fontfamily(old_family)
        if logged.messages:
            raise RuntimeError(f"drawing the figure in {language}: {'; '.join(logged.messages)}")
        return buffer.getvalue()

    def _ipython_display_(self) -> None:
        """Show the figure in a notebook, in each language of ``show_languages``.

        A notebook output holds one picture per MIME type: the English picture is a PNG, the
        Chinese one an SVG (``PICTURES``), and the book's Chinese edition shows the SVG.
        """
        from IPython.display import display  # type: ignore[import-not-found, unused-ignore]

        bundle: dict[str, Any] = {
            "text/plain": f"<losslab figure, {' and '.join(_shown_languages)}>"
        }
        for language in _shown_languages:
            mime, file_format = PICTURES[language]
            picture = self._render(language, file_format)
            bundle[mime] = picture.decode() if file_format == "svg" else picture
        display(bundle, raw=True)

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
        if self._layout is None:
            self._layout = self.get_layout_engine()
        self.set_layout_engine("none")


def _figure(
    ncols: int, width: float = 10.0, height: float = 3.8, grid: bool = True
) -> tuple[_BookFigure, list[Axes]]:
    """A white figure with `ncols` panels side by side, each with a faint grid if `grid`."""
    import matplotlib.pyplot as plt

    made, axes = plt.subplots(
        1, ncols, figsize=(width, height), layout="constrained", FigureClass=_BookFigure
    )
    fig = cast(_BookFigure, made)
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
    fig = cast(_BookFigure, ax.figure)  # every figure of the book is made by _figure
    ax.set_yscale("log")
    ax.set_ylim(_FLOOR / 2, _CAP * 20)
    ax.set_ylabel(fig.say("error (ulp of the exact value)", "误差（以精确值的 ulp 计）"))
    ax.axhline(1.5, color="0.4", lw=0.8, ls=":")
    ulp = fig.say(" 1.5 ulp", " 1.5 ulp")
    ax.text(ax.get_xlim()[0], 1.9, ulp, color="0.3", fontsize=8, va="bottom")
    ax.axhline(_CAP, color="0.6", lw=0.8, ls="--")
    ax.text(
        ax.get_xlim()[0], _CAP * 1.6, fig.say(" inf or nan", " inf 或 nan"), color="0.3", fontsize=8
    )
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
