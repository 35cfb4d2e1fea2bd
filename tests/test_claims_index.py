"""docs/reference/claims.md: every claim has a section, an experiment and a test that exist.

The index is checked against the chapters themselves: the section a row names must hold a hidden
(``remove-cell``) code cell, marked by a comment starting ``# <ID>``, with an ``assert`` statement
on a result of one of the row's experiments (a variable the chapter assigned from
``ex.<experiment>(...)``, directly or through other variables).
"""

import ast
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
INDEX = ROOT / "docs" / "reference" / "claims.md"
CHAPTERS = ROOT / "docs" / "chapters"
SHARED_CLAIMS = ROOT.parent / "shared" / "claims.md"

#: The claim IDs of the source (2.1: NC, 2.2: CS) and of the book's extensions (EX).
IDS = (
    [f"NC{i}" for i in range(1, 11)]
    + [f"CS{i}" for i in range(1, 13)]
    + [f"EX{i}" for i in range(1, 5)]
)


def _rows() -> dict[str, dict[str, list[str]]]:
    """The table's rows by claim ID; the experiment cell must hold nothing but function links."""
    rows = {}
    for line in INDEX.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 6 or not re.fullmatch(r"[A-Z]{2}\d+", cells[0]):
            continue
        leftover = re.sub(r"\{py:func\}`~?[\w.]+`", "", cells[4]).replace(",", "").strip()
        assert not leftover, f"{cells[0]}: the experiment cell holds {leftover!r}, not links"
        rows[cells[0]] = {
            "source": [cells[2]],
            "sections": re.findall(r"\{ref\}`([\w-]+)`", cells[3]),
            "experiments": re.findall(r"\{py:func\}`~?([\w.]+)`", cells[4]),
            "tests": re.findall(r"`(test_\w+)`", cells[5]),
        }
    return rows


ROWS = _rows()


def _sections() -> dict[str, tuple[str, str]]:
    """Each ``(label)=`` of a chapter, with its chapter's name and its text up to the next label."""
    sections = {}
    for chapter in sorted(CHAPTERS.glob("*.md")):
        parts = re.split(r"^\(([\w-]+)\)=\n", chapter.read_text(encoding="utf-8"), flags=re.M)
        for label, body in zip(parts[1::2], parts[2::2], strict=True):
            sections[label] = (chapter.stem, body)
    return sections


SECTIONS = _sections()


def _cells(text: str) -> list[tuple[bool, ast.Module]]:
    """Each code cell of `text`: whether it is hidden, and its parsed source."""
    cells = []
    for body in re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", text, flags=re.S):
        source = "\n".join("" if line.startswith(":") else line for line in body.splitlines())
        cells.append((":tags: [remove-cell]" in body, ast.parse(source)))
    return cells


def _experiments_behind(node: ast.AST, bound: dict[str, set[str]]) -> set[str]:
    """The experiments whose results `node` uses: its ``ex.f(...)`` calls and bound names."""
    found = set()
    for sub in ast.walk(node):
        if (
            isinstance(sub, ast.Call)
            and isinstance(sub.func, ast.Attribute)
            and isinstance(sub.func.value, ast.Name)
            and sub.func.value.id == "ex"
        ):
            found.add(sub.func.attr)
        elif isinstance(sub, ast.Name):
            found |= bound.get(sub.id, set())
    return found


def _bindings(text: str) -> dict[str, set[str]]:
    """For each variable of a chapter, the experiments its value derives from."""
    bound: dict[str, set[str]] = {}
    for _, tree in _cells(text):
        assignments = [n for n in ast.walk(tree) if isinstance(n, ast.Assign | ast.For)]
        for node in sorted(assignments, key=lambda n: n.lineno):
            value = node.value if isinstance(node, ast.Assign) else node.iter
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            behind = _experiments_behind(value, bound)
            for target in targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        bound[name.id] = bound.get(name.id, set()) | behind
    return bound


def _asserts_on(section: str, chapter: str, claim: str, experiments: set[str]) -> bool:
    """Whether a hidden cell of `section` marked for `claim` asserts on one of `experiments`."""
    bound = _bindings((CHAPTERS / f"{chapter}.md").read_text(encoding="utf-8"))
    marker = re.compile(rf"^# (\.\.\. )?[A-Z0-9, and]*\b{claim}\b", flags=re.M)
    bodies = re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", section, flags=re.S)
    for body, (hidden, tree) in zip(bodies, _cells(section), strict=True):
        if not (hidden and marker.search(body)):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Assert) and _experiments_behind(node.test, bound) & experiments:
                return True
    return False


def _test_names() -> set[str]:
    tree = ast.parse((ROOT / "tests" / "test_claims.py").read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


def test_the_index_lists_every_claim_once():
    text = INDEX.read_text(encoding="utf-8")
    assert list(ROWS) == IDS
    for claim in IDS:
        assert len(re.findall(rf"^\| {claim} \|", text, flags=re.M)) == 1


@pytest.mark.skipif(
    not SHARED_CLAIMS.exists(), reason="the shared claims list is not beside the repo"
)
def test_the_index_matches_the_shared_claims_list():
    shared = re.findall(r"^\| ([A-Z]{2}\d+) \|", SHARED_CLAIMS.read_text(encoding="utf-8"), re.M)
    assert sorted(shared) == sorted(IDS)


@pytest.mark.parametrize("claim", IDS)
def test_each_claim_has_a_section_an_experiment_and_a_test(claim):
    row = ROWS[claim]
    expected_source = {"NC": "2.1", "CS": "2.2", "EX": "ext."}[claim[:2]]
    assert row["source"] == [expected_source]
    assert row["sections"], f"{claim}: no section"
    assert row["experiments"], f"{claim}: no experiment"
    assert row["tests"], f"{claim}: no test"

    for label in row["sections"]:
        assert label in SECTIONS, f"{claim}: no section labelled {label}"
        chapter, body = SECTIONS[label]
        names = {dotted.rsplit(".", 1)[1] for dotted in row["experiments"]}
        assert _asserts_on(body, chapter, claim, names), (
            f"{claim}: section {label} of {chapter} has no hidden assertion for it on a result "
            f"of {sorted(names)}"
        )

    for dotted in row["experiments"]:
        module, name = dotted.rsplit(".", 1)
        function = getattr(importlib.import_module(module), name, None)
        assert callable(function), f"{claim}: {dotted} does not exist"
        chapter_texts = {SECTIONS[label][0] for label in row["sections"]}
        used = any(
            f"ex.{name}(" in (CHAPTERS / f"{c}.md").read_text(encoding="utf-8")
            for c in chapter_texts
        )
        assert used, f"{claim}: the chapter never calls {name}"

    number = int(claim[2:])  # two digits for the source's claims, as is for the extensions
    prefix = f"test_{claim[:2].lower()}{number if claim.startswith('EX') else f'{number:02d}'}_"
    names = _test_names()
    for test in row["tests"]:
        assert test.startswith(prefix), f"{claim}: {test} is not named after the claim"
        assert test in names, f"{claim}: tests/test_claims.py has no {test}"


def test_every_claim_test_is_indexed():
    indexed = {t for row in ROWS.values() for t in row["tests"]}
    claim_tests = {n for n in _test_names() if re.match(r"test_(nc|cs|ex)\d+_", n)}
    assert claim_tests == indexed
