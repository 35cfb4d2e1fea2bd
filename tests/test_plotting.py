"""losslab.plotting: one module of figures per chapter, all exported by the package.

The package needs matplotlib (the ``plot`` extra) and says so when it is missing; importing it
loads no scipy, which losslab itself does not depend on. Every figure draws in English and in
Chinese, every text of it with its Chinese.
"""

import ast
import functools
import importlib
import inspect
import logging
import pkgutil
import subprocess
import sys
import types
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import matplotlib.text
import numpy as np
import pytest

import losslab.plotting

CHAPTERS = sorted(
    m.name for m in pkgutil.iter_modules(losslab.plotting.__path__) if not m.name.startswith("_")
)


def _fresh_interpreter(code):
    """Run `code` in a new Python, where nothing is imported yet; return its standard output."""
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_one_module_per_chapter():
    experiments = Path(losslab.plotting.__file__).parents[1] / "experiments"
    chapters = {m.name for m in pkgutil.iter_modules([str(experiments)]) if m.name[0] != "_"}
    assert sorted(chapters) == CHAPTERS


def test_without_matplotlib_the_import_fails_naming_the_extra():
    # None in sys.modules makes `import matplotlib` fail as it does where it is not installed.
    lines = _fresh_interpreter(
        "import sys\n"
        "sys.modules['matplotlib'] = None\n"
        "try:\n"
        "    import losslab.plotting\n"
        "except ImportError as error:\n"
        "    print(error)\n"
        "    print(type(error.__cause__).__name__)\n"
    )
    assert lines == [
        "losslab.plotting needs matplotlib: pip install 'losslab[plot]'",
        "ModuleNotFoundError",
    ]


def test_importing_the_figures_loads_no_scipy():
    lines = _fresh_interpreter("import sys, losslab.plotting; print('scipy' in sys.modules)")
    assert lines == ["False"]


def test_the_package_exports_every_figure_of_every_chapter():
    figures = {}
    for chapter in CHAPTERS:
        module = importlib.import_module(f"losslab.plotting.{chapter}")
        for name, obj in vars(module).items():
            public = not name.startswith("_")
            if public and inspect.isfunction(obj) and obj.__module__ == module.__name__:
                figures[name] = obj
    exported = {name: getattr(losslab.plotting, name) for name in losslab.plotting.__all__}
    assert exported.pop("COLORS") is losslab.plotting.COLORS
    assert exported.pop("LANGUAGES") == ("en", "zh_CN")
    assert exported.pop("show_languages") is losslab.plotting._style.show_languages
    assert exported == figures


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_a_chapters_figures_import_only_that_chapters_experiments(chapter):
    # From the chapter's module itself, never from modules inside it, which may move.
    source = Path(losslab.plotting.__file__).with_name(f"{chapter}.py").read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
    experiments = {name for name in imported if name.startswith("losslab.experiments")}
    assert experiments == {f"losslab.experiments.{chapter}"}


# Every figure, drawn from small experiment results: the id, the plotting function's name and the
# results it draws. The results are computed once; each test draws its own figure from them.


@functools.cache
def _probe():
    from losslab.experiments import nonconvexity as nc

    return nc.permutation_probe(nc.xor_runs(scales=(1.0,), seeds=4, steps=500))


def _cost_selection(name):
    from losslab.experiments import cost_selection as ex

    return {
        "gradient_sizes": lambda: (ex.gradient_sizes(), ex.clipped_unit()),
        "saturated_start": lambda: (ex.saturated_start(steps=20),),
        "softmax_saturated_start": lambda: (ex.softmax_saturated_start(steps=20),),
        "mean_and_median": lambda: (ex.mean_and_median(),),
        "cost_surfaces": lambda: (ex.cost_surfaces(points=21),),
    }[name]()


def _maximum_likelihood(name):
    from losslab.experiments import maximum_likelihood as ex

    return {
        "gaussian_is_mse": lambda: (ex.gaussian_is_mse(),),
        "cost_families": lambda: (ex.cost_families(),),
        "variance_collapse": lambda: (ex.variance_collapse(steps=50),),
        "cross_entropy_fit": lambda: (ex.cross_entropy_fit(steps=20),),
    }[name]()


def _nonconvexity(name):
    from losslab.experiments import nonconvexity as ex

    return {
        "permutation": lambda: (_probe(),),
        "xor_runs": lambda: (ex.xor_runs(scales=(0.5, 1.0), seeds=8, steps=100),),
        "dead_units": lambda: (ex.relu_bias(steps=5), ex.born_dead(depths=(1, 4), seeds=20)),
        "landscape": lambda: (ex.landscape(seeds=2, steps=20, alphas=np.linspace(-1, 1, 5)),),
        "convex_baselines": lambda: (
            ex.many_starts(starts=3, steps=20),
            ex.separable_growth((1, 10)),
        ),
        "nonconvexity_sources": lambda: (ex.nonconvexity_sources(points=3), _probe()),
        "width_runs": lambda: (ex.width_runs(widths=(2, 4), seeds=4, steps=100),),
        "init_scale": lambda: (ex.init_scale(gains=(0.1, 1.0, 10.0), seeds=2, steps=20),),
    }[name]()


def _numerics(name):
    from losslab.experiments import numerics as ex

    return {
        "numerics_accuracy": lambda: (ex.accuracy_sweep(100), ex.margin_sweep([1.0, 100.0])),
        "poisson_accuracy": lambda: (ex.poisson_sweep([1e2, 1e6]),),
    }[name]()


FIGURES = {
    "gradient_sizes": ("plot_gradient_sizes", _cost_selection),
    "saturated_start": ("plot_saturated_start", _cost_selection),
    "softmax_saturated_start": ("plot_saturated_start", _cost_selection),
    "mean_and_median": ("plot_mean_and_median", _cost_selection),
    "cost_surfaces": ("plot_cost_surfaces", _cost_selection),
    "gaussian_is_mse": ("plot_gaussian_is_mse", _maximum_likelihood),
    "cost_families": ("plot_cost_families", _maximum_likelihood),
    "variance_collapse": ("plot_variance_collapse", _maximum_likelihood),
    "cross_entropy_fit": ("plot_cross_entropy_fit", _maximum_likelihood),
    "permutation": ("plot_permutation", _nonconvexity),
    "xor_runs": ("plot_xor_runs", _nonconvexity),
    "dead_units": ("plot_dead_units", _nonconvexity),
    "landscape": ("plot_landscape", _nonconvexity),
    "convex_baselines": ("plot_convex_baselines", _nonconvexity),
    "nonconvexity_sources": ("plot_nonconvexity_sources", _nonconvexity),
    "width_runs": ("plot_width_runs", _nonconvexity),
    "init_scale": ("plot_init_scale", _nonconvexity),
    "numerics_accuracy": ("plot_numerics_accuracy", _numerics),
    "poisson_accuracy": ("plot_poisson_accuracy", _numerics),
}


@functools.cache
def _results(name):
    _, experiments = FIGURES[name]
    return experiments(name)


def _draw(name):
    function, _ = FIGURES[name]
    return getattr(losslab.plotting, function)(*_results(name))


@pytest.fixture(params=sorted(FIGURES))
def figure(request):
    fig = _draw(request.param)
    yield fig
    plt.close(fig)


@pytest.fixture
def shown_languages():
    """``show_languages``, the languages shown set back to English alone afterwards."""
    yield losslab.plotting.show_languages
    losslab.plotting.show_languages("en")


def _texts(fig):
    return [(t.get_text(), t.get_fontfamily()) for t in fig.findobj(matplotlib.text.Text)]


def _has_chinese(text):
    return any("\u4e00" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef" for c in text)


def test_every_figure_of_the_package_is_drawn_here():
    plotted = {function for function, _ in FIGURES.values()}
    assert plotted == {name for name in losslab.plotting.__all__ if name.startswith("plot_")}


def test_every_text_of_a_figure_has_its_chinese(figure):
    assert figure.untranslated() == []


def test_a_figure_draws_in_chinese_and_is_left_in_english(figure, caplog):
    english = figure.png("en")
    texts = _texts(figure)
    assert not any(_has_chinese(text) for text, _ in texts)
    # Mathtext reports a glyph missing from its fonts in the log, not as a warning.
    with warnings.catch_warnings(), caplog.at_level(logging.WARNING, logger="matplotlib"):
        warnings.simplefilter("error")
        chinese = figure.png("zh_CN")
        chinese_svg = figure.svg("zh_CN")  # the picture the Chinese edition shows
    assert caplog.records == []
    assert english.startswith(b"\x89PNG")
    assert chinese.startswith(b"\x89PNG")
    assert chinese != english
    assert chinese_svg.startswith(b"<?xml")
    assert _texts(figure) == texts


def test_a_figure_draws_in_no_other_language():
    fig = _draw("mean_and_median")
    try:
        with pytest.raises(ValueError, match="language must be one of"):
            fig.png("fr")
    finally:
        plt.close(fig)


@pytest.mark.parametrize("languages", [(), ("fr",), ("en", "fr")])
def test_show_languages_takes_one_or_more_known_languages(shown_languages, languages):
    with pytest.raises(ValueError, match="languages must be some of"):
        shown_languages(*languages)


def test_a_notebook_shows_a_figure_in_each_language(shown_languages, monkeypatch):
    shown = []

    def display(*objects, raw=False):
        shown.append((objects, raw))

    fig = _draw("mean_and_median")
    try:
        import IPython.display as ipython_display
    except ImportError:  # the tests need no IPython: stand in for the one function used
        ipython_display = types.ModuleType("IPython.display")
        ipython = types.ModuleType("IPython")
        ipython.display = ipython_display
        ipython.version_info = (9, 0)  # matplotlib asks, making a canvas
        monkeypatch.setitem(sys.modules, "IPython", ipython)
        monkeypatch.setitem(sys.modules, "IPython.display", ipython_display)
    monkeypatch.setattr(ipython_display, "display", display, raising=False)
    try:
        shown_languages("en", "zh_CN")
        fig._ipython_display_()
        shown_languages("en")
        fig._ipython_display_()
    finally:
        plt.close(fig)
    assert [raw for _, raw in shown] == [True, True]
    (both,), (english,) = (objects for objects, _ in shown)
    png, svg = (losslab.plotting._style.PICTURES[language][0] for language in ("en", "zh_CN"))
    assert sorted(both) == sorted(["text/plain", png, svg])
    assert both["text/plain"] == "<losslab figure, en and zh_CN>"
    assert both[png].startswith(b"\x89PNG")
    assert both[svg].startswith("<?xml")
    assert sorted(english) == sorted(["text/plain", png])
    assert english["text/plain"] == "<losslab figure, en>"
    assert english[png].startswith(b"\x89PNG")
