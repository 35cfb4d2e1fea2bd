"""The claim registry, docs/reference/claims.toml, against the chapters and the claim tests.

Every written claim names sections, experiments and tests that exist. The section must hold a
hidden (``remove-cell``) code cell, marked by a comment starting ``# <ID>``, with an ``assert``
statement on a result of one of the claim's experiments (a variable the chapter assigned from
``ex.<experiment>(...)``, directly or through other variables). The index page is generated
from the registry (docs/_ext/claims_index.py), so checking the registry checks the page.
"""

import ast
import importlib
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REGISTRY = ROOT / "docs" / "reference" / "claims.toml"
CHAPTERS = ROOT / "docs" / "chapters"

with REGISTRY.open("rb") as _file:
    CLAIMS = tomllib.load(_file)["claim"]
BY_ID = {claim["id"]: claim for claim in CLAIMS}
WRITTEN = [claim["id"] for claim in CLAIMS if claim["status"] == "written"]
#: The source's sections by the prefix of a claim ID; EX marks the book's extensions.
SOURCES = {"NC": "2.1", "CS": "2.2", "EX": "ext."}


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
    """Each code cell of `text`: whether it is hidden, and its parsed source.

    Cell options (``:tags: ...``) and IPython line magics (``%config ...``) are not Python: they
    parse as blank lines.
    """
    cells = []
    for body in re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", text, flags=re.S):
        source = "\n".join(
            "" if line.startswith((":", "%")) else line for line in body.splitlines()
        )
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


def test_the_registry_lists_each_claim_once_in_order():
    ids = [claim["id"] for claim in CLAIMS]
    assert len(set(ids)) == len(ids)
    for prefix in SOURCES:
        numbers = [int(i[2:]) for i in ids if i.startswith(prefix)]
        assert numbers == list(range(1, len(numbers) + 1)), f"{prefix}: gaps or disorder"
    assert [i[:2] for i in ids] == sorted((i[:2] for i in ids), key=list(SOURCES).index)


@pytest.mark.parametrize("claim", CLAIMS, ids=[claim["id"] for claim in CLAIMS])
def test_each_claim_has_its_fields(claim):
    written = {"id", "source", "statement", "status", "chapter", "sections", "experiments", "tests"}
    assert claim["status"] in {"written", "planned"}
    assert set(claim) == (
        written if claim["status"] == "written" else written - {"sections", "experiments", "tests"}
    )
    assert claim["source"] == SOURCES[claim["id"][:2]]
    assert claim["statement"].strip()
    assert "|" not in claim["statement"]  # it is a cell of the index's table
    assert (CHAPTERS / f"{claim['chapter']}.md").is_file()


@pytest.mark.parametrize("claim", WRITTEN)
def test_each_claim_has_a_section_an_experiment_and_a_test(claim):
    row = BY_ID[claim]
    assert row["sections"], f"{claim}: no section"
    assert row["experiments"], f"{claim}: no experiment"
    assert row["tests"], f"{claim}: no test"

    for label in row["sections"]:
        assert label in SECTIONS, f"{claim}: no section labelled {label}"
        chapter, body = SECTIONS[label]
        assert chapter == row["chapter"], f"{claim}: {label} is in {chapter}, not {row['chapter']}"
        names = {dotted.rsplit(".", 1)[1] for dotted in row["experiments"]}
        assert _asserts_on(body, chapter, claim, names), (
            f"{claim}: section {label} of {chapter} has no hidden assertion for it on a result "
            f"of {sorted(names)}"
        )

    chapter_text = (CHAPTERS / f"{row['chapter']}.md").read_text(encoding="utf-8")
    for dotted in row["experiments"]:
        module, name = dotted.rsplit(".", 1)
        function = getattr(importlib.import_module(module), name, None)
        assert callable(function), f"{claim}: {dotted} does not exist"
        assert f"ex.{name}(" in chapter_text, f"{claim}: the chapter never calls {name}"

    number = int(claim[2:])  # two digits for the source's claims, as is for the extensions
    prefix = f"test_{claim[:2].lower()}{number if claim.startswith('EX') else f'{number:02d}'}_"
    names = _test_names()
    for test in row["tests"]:
        assert test.startswith(prefix), f"{claim}: {test} is not named after the claim"
        assert test in names, f"{claim}: tests/test_claims.py has no {test}"


def test_every_claim_a_chapter_asserts_is_registered_as_written_there():
    # A claim the book states must be in the registry, as written, with that chapter; a planned
    # claim is one no chapter asserts yet.
    asserted = set()
    for chapter in sorted(CHAPTERS.glob("*.md")):
        for body in re.findall(
            r"```\{code-cell\}[^\n]*\n(.*?)```", chapter.read_text("utf-8"), re.S
        ):
            if ":tags: [remove-cell]" not in body:
                continue
            for line in re.findall(r"^# (?:\.\.\. )?([A-Z0-9, and]+?)\b[:,. ]", body, flags=re.M):
                for claim in re.findall(r"\b(?:NC|CS|EX)\d+\b", line):
                    asserted.add((claim, chapter.stem))
    assert asserted
    for claim, chapter in sorted(asserted):
        assert claim in BY_ID, f"{chapter} asserts {claim}, which the registry does not list"
        assert BY_ID[claim]["status"] == "written", f"{chapter} asserts the planned {claim}"
        assert BY_ID[claim]["chapter"] == chapter, f"{claim} is asserted in {chapter}"


def test_every_claim_test_is_registered():
    registered = {t for claim in CLAIMS for t in claim.get("tests", [])}
    claim_tests = {n for n in _test_names() if re.match(r"test_(nc|cs|ex)\d+_", n)}
    assert claim_tests == registered


def test_no_file_of_the_repository_reads_outside_it():
    tracked = [
        p
        for p in ROOT.rglob("*")
        if p.is_file()
        and p.suffix in {".py", ".md", ".toml", ".cfg", ".txt", ".yml", ".yaml", ""}
        and not {".git", ".nox", "_build", ".venv", "node_modules"} & set(p.relative_to(ROOT).parts)
    ]
    assert tracked
    outside = "../" + "shared"  # spelled in two parts so that this test does not find itself
    assert [p for p in tracked if outside in p.read_text(encoding="utf-8", errors="ignore")] == []
