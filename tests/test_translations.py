"""The Chinese edition's message catalogs are complete, faithful to their markup, and our own.

Whether each catalog is current against the English sources is checked where the messages are
known, by the Chinese build itself (docs/_ext/editions.py): a message changed in English, and so
missing or fuzzy in its catalog, fails the strict build.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
_spec = importlib.util.spec_from_file_location("translations", ROOT / "tools" / "translations.py")
assert _spec is not None
assert _spec.loader is not None
translations = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(translations)

CATALOGS = translations.catalogs()
DOCS = ROOT / "docs"
TERM = re.compile(r"\{term\}`(?P<text>[^`<]*?)\s*(?:<(?P<target>[^>]+)>)?`")


def _name(path: Path) -> str:
    return path.relative_to(translations.CATALOGS).with_suffix("").as_posix()


def glossary() -> dict[str, str]:
    """The glossary's English terms (lower case) and their Chinese."""
    return {english.lower(): chinese for english, chinese in translations.glossary().items()}


def test_every_page_has_a_catalog_and_every_catalog_a_page() -> None:
    pages = {
        p.relative_to(DOCS).with_suffix("").as_posix()
        for p in DOCS.rglob("*")
        if p.suffix in {".md", ".rst"} and not p.relative_to(DOCS).as_posix().startswith("_")
    }
    assert {_name(path) for path in CATALOGS} == pages


@pytest.mark.parametrize("path", CATALOGS, ids=_name)
def test_every_message_is_translated_keeping_its_markup(path: Path) -> None:
    catalog = translations.read(path)
    english = translations.glossary_terms()
    found = [
        f"{problem}: {str(message.id)[:80]!r}"
        for message in translations.messages(catalog)
        for problem in translations.problems(message, english)
    ]
    assert not found, "\n".join(found)
    assert not catalog.obsolete, f"obsolete messages left: {list(catalog.obsolete)[:3]}"


@pytest.mark.parametrize("path", CATALOGS, ids=_name)
def test_glossary_links_use_the_glossary_s_chinese_term(path: Path) -> None:
    chinese_of = glossary()
    wrong = []
    for message in translations.messages(translations.read(path)):
        for link in TERM.finditer(str(message.string)):
            target = (link["target"] or link["text"]).strip().lower()
            if target not in chinese_of:
                wrong.append(f"{link.group(0)}: no glossary term {target!r}")
            elif not re.search(r"[\u4e00-\u9fff]", link["text"]):
                wrong.append(f"{link.group(0)}: the link's text is not Chinese")
    assert not wrong, "\n".join(wrong)


def test_glossary_knows_the_source_s_terms() -> None:
    """The terms the Chinese edition must use as the source does are the glossary's."""
    chinese = set(glossary().values())
    for term in ("代价函数", "损失函数", "经验分布", "最大似然", "交叉熵", "负的对数似然", "非凸"):
        assert term in chinese


def test_no_catalog_copies_a_run_of_the_source() -> None:
    source = set(translations.SOURCE_WINDOWS.read_text(encoding="ascii").split())
    copied = [
        f"{_name(path)}: {str(message.string)[:60]!r}"
        for path in CATALOGS
        for message in translations.messages(translations.read(path))
        if translations.windows(str(message.string)) & source
    ]
    assert not copied, "\n".join(copied)


def test_the_source_s_hashes_are_there_and_well_formed() -> None:
    hashes = translations.SOURCE_WINDOWS.read_text(encoding="ascii").split()
    assert len(hashes) > 100
    assert all(re.fullmatch(r"[0-9a-f]{16}", h) for h in hashes)
    assert hashes == sorted(set(hashes))


def test_windows_are_runs_of_cjk_characters_and_their_punctuation() -> None:
    windows = translations.windows
    run = "一二三四五六七八九十甲乙丙丁戊"  # 15 characters: two windows of 14
    assert len(windows(run)) == 2
    assert windows(run[:13]) == set()
    assert windows(run[:7] + "，" + run[7:13]) == windows(run[:7] + "，" + run[7:13] + "x")
    assert len(windows(run[:7] + "，" + run[7:13])) == 1  # punctuation belongs to the run
    assert windows(run[:7] + "a" + run[7:]) == set()  # a Latin letter breaks it
    assert windows(run) & windows("前言" + run) == windows(run)


@pytest.mark.parametrize(
    ("source", "target", "problem"),
    [
        ("The cost is {glue:text}`a:.2f`.", "代价为 {glue:text}`a:.3f`。", "markup differs"),
        ("See $x^2$ and `f()`.", "见 $x^3$ 和 `f()`。", "markup differs"),
        ("See {numref}`fig-a`.", "见图。", "markup differs"),
        ("A {term}`cost function` here.", "这里的{term}`代价函数 <cost function>`。", None),
        ("A {term}`cost function` here.", "这里的代价函数。", "markup differs"),
        ("Several English words stay here.", "Several English words stay here.", "left in English"),
        ("losslab", "losslab", None),
        ("Some words.", "", "untranslated"),
    ],
)
def test_problems_finds_what_a_translation_lost(
    source: str, target: str, problem: str | None
) -> None:
    from babel.messages.catalog import Message

    found = translations.problems(Message(source, target))
    assert (problem is None and not found) or any(f.startswith(str(problem)) for f in found)
    fuzzy = translations.problems(Message(source, target or "某", flags=["fuzzy"]))
    assert any(f.startswith("fuzzy") for f in fuzzy)


@pytest.mark.parametrize(
    ("target", "undone"),
    [
        ("见``x``处。", ["``x``"]),  # a Chinese character on either side
        ("见 ``x``（注）。", ["``x``"]),  # an opening parenthesis after a literal
        ("见 ``x`` 处，以及 :func:`f`。", []),
        ("（:class:`A`）与 *强调*，", []),  # punctuation may surround markup
    ],
)
def test_restructuredtext_markup_needs_room_around_it(target: str, undone: list[str]) -> None:
    assert translations.touching(target) == undone
    assert translations.touching(translations.spaced(target)) == []
