"""losslab.plotting: one module of figures per chapter, all exported by the package.

The package needs matplotlib (the ``plot`` extra) and says so when it is missing; importing it
loads no scipy, which losslab itself does not depend on.
"""

import ast
import importlib
import inspect
import pkgutil
import subprocess
import sys
from pathlib import Path

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
