"""README.md's figures are what tools/readme_figures.py writes from .readme/figures.json."""

import ast
import importlib.util
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))  # where readme_figures finds its sibling modules
_spec = importlib.util.spec_from_file_location(
    "readme_figures", ROOT / "tools" / "readme_figures.py"
)
readme_figures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(readme_figures)


def test_the_readme_block_is_what_the_script_writes():
    assert readme_figures.main(["check"]) == 0


def test_the_accuracy_table_lists_losslab_within_the_targets():
    figures = json.loads(readme_figures.FIGURES.read_text(encoding="utf-8"))
    ours = [r for r in figures["accuracy"]["results"] if r["implementation"] == "losslab"]
    assert ours
    assert all(r["non_finite"] == 0 and r["max_ulp"] <= 3.0 for r in ours)


def test_the_sessions_table_lists_every_nox_session():
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    sessions = set()
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            if "nox.session" in ast.unparse(decorator):
                named = [
                    k.value.value for k in getattr(decorator, "keywords", []) if k.arg == "name"
                ]
                sessions.add(named[0] if named else node.name)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Sessions", 1)[1].split("\n## ", 1)[0]
    assert set(re.findall(r"^\| `nox -s ([\w-]+)` \|", table, flags=re.M)) == sessions
