"""docs/reference/glossary.md: each entry pairs the English term with the source's Chinese one,
and the chapters link to every entry with Sphinx's ``{term}`` role."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = (ROOT / "docs" / "reference" / "glossary.md").read_text(encoding="utf-8")
CHAPTERS = "\n".join(
    p.read_text(encoding="utf-8") for p in (ROOT / "docs" / "chapters").glob("*.md")
)
CJK = re.compile(r"[\u4e00-\u9fff]")


def _entries() -> dict[str, list[str]]:
    """Each entry's headwords (the unindented lines before its definition)."""
    body = GLOSSARY.split("```{glossary}", 1)[1].split("```", 1)[0]
    entries = {}
    for block in re.split(r"\n\s*\n", body.strip()):
        lines = block.splitlines()
        words = [line for line in lines if line and not line.startswith(" ")]
        entries[words[0]] = words[1:]
    return entries


ENTRIES = _entries()


def test_every_entry_has_english_and_chinese_headwords():
    assert len(ENTRIES) >= 20
    for english, others in ENTRIES.items():
        assert not CJK.search(english), english
        assert any(CJK.search(word) for word in others), f"{english}: no Chinese term"


def test_every_entry_is_linked_from_a_chapter():
    linked = set(re.findall(r"\{term\}`(?:[^`<]*<)?([^`<>]+?)>?`", CHAPTERS))
    assert linked <= set(ENTRIES), linked - set(ENTRIES)
    assert set(ENTRIES) <= linked, set(ENTRIES) - linked


def test_the_source_terms_named_in_the_issue_are_present():
    chinese = {word for others in ENTRIES.values() for word in others}
    for term in ("代价函数", "损失函数", "经验分布", "交叉熵", "最大似然", "非凸"):
        assert term in chinese
