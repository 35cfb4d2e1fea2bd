"""README.md's figures come from tools/readme_figures.py, and its test count is current."""

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location(
    "readme_figures", ROOT / "tools" / "readme_figures.py"
)
readme_figures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(readme_figures)


def test_the_readme_block_is_what_the_script_writes():
    assert readme_figures.main(["check"]) == 0


def test_the_recorded_test_count_is_current():
    figures = json.loads(readme_figures.FIGURES.read_text(encoding="utf-8"))
    assert figures["tests"] == readme_figures.count_tests(), "run: nox -s readme -- --only tests"


def test_the_accuracy_table_lists_losslab_within_the_targets():
    figures = json.loads(readme_figures.FIGURES.read_text(encoding="utf-8"))
    ours = [r for r in figures["accuracy"]["results"] if r["implementation"] == "losslab"]
    assert ours
    assert all(r["non_finite"] == 0 and r["max_ulp"] <= 3.0 for r in ours)
