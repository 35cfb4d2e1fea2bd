"""What the chapters show of the library's code is code that is meant to be shown.

A chapter that literal-includes a function of ``src/`` makes that function part of what readers
study, so a maintainer must know not to rename or split it casually: it is public, or its
definition carries a comment (just above it, or in its docstring) saying that the book shows it.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "docs" / "chapters"
INCLUDE = re.compile(r"```\{literalinclude\} (?P<path>\S+)\n(?P<options>(?::[^\n]*\n)*)")


def includes() -> list[tuple[str, Path, str]]:
    """Each ``literalinclude`` with ``:pyobject:`` of a chapter: chapter, file, object name."""
    found = []
    for chapter in sorted(CHAPTERS.glob("*.md")):
        for match in INCLUDE.finditer(chapter.read_text(encoding="utf-8")):
            obj = re.search(r"^:pyobject: (\S+)$", match["options"], flags=re.M)
            if obj:
                path = (chapter.parent / match["path"]).resolve()
                found.append((chapter.stem, path, obj[1]))
    return found


def test_the_chapters_show_code_of_the_library():
    assert len(includes()) >= 3


@pytest.mark.parametrize(("chapter", "path", "name"), includes())
def test_an_included_function_is_public_or_marked_as_shown(chapter, path, name):
    assert path.is_file(), f"{chapter}: {path} does not exist"
    assert ROOT / "src" in path.parents, f"{chapter}: {path} is not in src/"
    source = path.read_text(encoding="utf-8")
    definitions = {
        node.name: node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.ClassDef)
    }
    assert name in definitions, f"{chapter} includes {name}, which {path.name} does not define"
    if not name.startswith("_"):
        return
    node = definitions[name]
    above = source.splitlines()[node.lineno - 2] if node.lineno > 1 else ""
    docstring = ast.get_docstring(node) or ""
    says_shown = re.compile(rf"book.*\b{chapter}\b|\b{chapter}\b.*book", flags=re.I)
    assert says_shown.search(above) or says_shown.search(docstring), (
        f"{chapter} shows the private {name}: say so above its definition or in its docstring, "
        f"naming the chapter"
    )
