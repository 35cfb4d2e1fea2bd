"""Check that the two editions of a built site agree: same pages, same numbers, linked.

Usage: ``python tests/build/check_editions.py docs/_build/html``

- Every page of the English edition has its counterpart in ``zh_CN/``, and the other way round.
- Every page links to its counterpart in the header (the language switch), and nowhere else is
  the switch broken.
- Each page shows the same glued numbers in both editions: the texts of its ``pasted-text``
  spans, as a multiset (a Chinese sentence may order them differently), are equal.
- Each page has as many figures in both editions.

Exits 1 and lists every disagreement.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

CHINESE = "zh_CN"
# Pages that Sphinx writes for its own use (search, index of names) compare by existence only.
GENERATED = {"search.html", "genindex.html", "py-modindex.html"}


class Page(HTMLParser):
    """What a built page shows that the editions must share."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.glued: Counter[str] = Counter()
        self.figures = 0
        self.switch: list[str] = []
        self._depth = 0  # > 0 inside a pasted-text span
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "span" and ("pasted-text" in classes or self._depth):
            self._depth += 1
        if tag == "figure":
            self.figures += 1
        if tag == "a" and "losslab-language-switch" in classes:
            self.switch.append(attributes.get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self._depth:
            self._depth -= 1
            if not self._depth:
                self.glued["".join(self._text).strip()] += 1
                self._text = []

    def handle_data(self, data: str) -> None:
        if self._depth:
            self._text.append(data)


def read(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def pages(site: Path) -> set[str]:
    """The pages of one edition, relative to its root."""
    return {
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if not p.relative_to(site).as_posix().startswith((f"{CHINESE}/", "_"))
    }


def disagreements(html: Path) -> list[str]:
    """Every way in which the editions under `html` disagree."""
    found = []
    english, chinese = pages(html), pages(html / CHINESE)
    found += [f"{name}: no Chinese counterpart" for name in sorted(english - chinese)]
    found += [f"{CHINESE}/{name}: no English counterpart" for name in sorted(chinese - english)]
    for name in sorted(english & chinese):
        en, zh = read(html / name), read(html / CHINESE / name)
        for page, path, other in (
            (en, html / name, html / CHINESE / name),
            (zh, html / CHINESE / name, html / name),
        ):
            if len(page.switch) != 1:
                found.append(f"{path.relative_to(html)}: {len(page.switch)} language switches")
            elif (path.parent / page.switch[0]).resolve() != other.resolve():
                found.append(f"{path.relative_to(html)}: the switch leads to {page.switch[0]}")
        if name in GENERATED:
            continue
        if en.glued != zh.glued:
            missing, extra = en.glued - zh.glued, zh.glued - en.glued
            found.append(
                f"{name}: glued numbers differ, English only {dict(missing)}, "
                f"Chinese only {dict(extra)}"
            )
        if en.figures != zh.figures:
            found.append(f"{name}: {en.figures} figures in English, {zh.figures} in Chinese")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", type=Path, help="the built site, the English edition's root")
    html = parser.parse_args().html
    if not (html / CHINESE / "index.html").is_file():
        print(f"{html / CHINESE / 'index.html'} not found: build both editions", file=sys.stderr)
        return 1
    found = disagreements(html)
    for line in found:
        print(line, file=sys.stderr)
    if found:
        return 1
    glued = sum(sum(read(html / n).glued.values()) for n in pages(html))
    print(f"editions agree: {len(pages(html))} pages each, {glued} glued numbers identical")
    return 0


if __name__ == "__main__":
    sys.exit(main())
