"""Check the printed book of each edition with poppler's tools.

Usage: ``python tests/build/check_pdf.py docs/_build/pdf docs/_build/html``

For ``losslab.pdf`` and ``losslab-zh_CN.pdf``, against the site of the same edition:

- ``pdffonts``: every font is embedded, the Chinese edition's included;
- ``pdftotext``: the text holds the title of every chapter and printed reference page as the
  site shows it, and no TeX left untypeset (``\\frac``, ``\\mathbb``, ``$$``, ``\\(``) or MathJax
  error, and no replacement character of a glyph the fonts lacked;
- the outline (``pdftohtml -xml``) has an entry, leading to a page, for every one of them;
- no text runs into the side margins, and the links inside the book (at least one per outline
  entry: the table of contents) lead to pages of the book (that nothing is wider than the text,
  code or equation, ``tools/print_book.py`` requires before it prints);
- ``pdfinfo``: A4 pages, tagged; the page counts are printed.

Exits 1 and lists every failure.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from html import unescape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
from print_book import pdf_name

#: Each edition's folder in the site.
FOLDERS = {"en": "", "zh_CN": "zh_CN/"}
#: The pages of the site that the book prints, besides the landing page.
PRINTED = [
    "chapters/nonconvexity",
    "chapters/maximum-likelihood",
    "chapters/cost-selection",
    "chapters/numerics",
    "reference/claims",
    "reference/glossary",
    "reference/bibliography",
]
RAW_TEX = re.compile(r"\\(frac|mathbb|mathbf|operatorname|begin|end|sum|log)\b|\$\$|\\\(|\\\)")
# The side margin of docs/_static/losslab-print.css (18 mm), in points, less what rounding and
# the glyphs' side bearings may take.
SIDE_MARGIN_PT = 18 / 25.4 * 72 - 3
TEXT = re.compile(r'<text top="-?\d+" left="(-?\d+)" width="(\d+)"[^>]*>(.*?)</text>')
PAGE = re.compile(r'<page number="(\d+)"[^>]*width="(\d+)"[^>]*>(.*?)</page>', re.DOTALL)
MATHJAX_ERRORS = ("Math input error", "Undefined control sequence", "Missing open brace")


def tool(*command: str) -> str:
    """The standard output of a poppler tool."""
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def page_title(page: Path) -> str:
    """The text of the page's first level-1 heading, its permalink sign aside."""
    html = page.read_text(encoding="utf-8")
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.DOTALL)
    if heading is None:
        raise ValueError(f"{page} has no <h1>")
    text = re.sub(r"<a class=\"headerlink\".*?</a>|<[^>]+>", "", heading[1])
    return " ".join(unescape(text).split())


def outline(xml: str) -> list[tuple[str, int]]:
    """The outline entries of a PDF's ``pdftohtml -xml``, as (title, page), in order."""
    return [
        (" ".join(unescape(title).split()), int(page))
        for page, title in re.findall(r'<item page="(\d+)">(.*?)</item>', xml)
    ]


def layout_problems(xml: str, pages: int) -> list[str]:
    """Text in the side margins, and links inside the book that lead off it, in `xml`."""
    problems = []
    for number, width, body in PAGE.findall(xml):
        for left, text_width, text in TEXT.findall(body):
            right = int(left) + int(text_width)
            if int(left) < SIDE_MARGIN_PT or right > int(width) - SIDE_MARGIN_PT:
                words = re.sub(r"<[^>]+>", "", text)[:60]
                problems.append(f"page {number}: text in the margin ({left}-{right} pt): {words!r}")
    inside = [int(page) for page in re.findall(r'<a href="[^"#]*\.html#(\d+)"', xml)]
    if len(inside) < len(outline(xml)):
        problems.append(f"{len(inside)} links inside the book, fewer than the contents' entries")
    problems += [f"a link leads to page {page} of {pages}" for page in inside if page > pages]
    return problems


def check(pdf: Path, site: Path) -> tuple[list[str], int]:
    """The problems of `pdf` against the edition's `site`, and its number of pages."""
    problems = []
    fonts = tool("pdffonts", str(pdf)).splitlines()[2:]
    # The columns end with: emb sub uni object ID (a name may hold spaces, the last five not).
    unembedded = [line for line in fonts if line.split()[-5] != "yes"]
    problems += [f"font not embedded: {line.split()[0]}" for line in unembedded]
    if not fonts:
        problems.append("no fonts at all")
    info = dict(
        line.split(":", 1) for line in tool("pdfinfo", str(pdf)).splitlines() if ":" in line
    )
    pages = int(info["Pages"])
    if "A4" not in info.get("Page size", ""):
        problems.append(f"pages are not A4: {info.get('Page size')}")
    if info.get("Tagged", "").strip() != "yes":
        problems.append("not a tagged PDF")
    text = " ".join(tool("pdftotext", "-enc", "UTF-8", str(pdf), "-").split())
    if match := RAW_TEX.search(text):
        start = max(match.start() - 40, 0)
        problems.append(f"TeX left untypeset: ...{text[start : match.end() + 40]}...")
    problems += [f"MathJax error: {error}" for error in MATHJAX_ERRORS if error in text]
    if "\ufffd" in text:
        problems.append("a replacement character: a glyph missing from the fonts")
    xml = tool("pdftohtml", "-xml", "-i", "-zoom", "1", "-stdout", "-q", str(pdf))
    problems += layout_problems(xml, pages)
    entries = outline(xml)
    titles = {title for title, _ in entries}
    for name in PRINTED:
        title = page_title(site / f"{name}.html")
        if title not in text:
            problems.append(f"the text lacks the title of {name}: {title!r}")
        if title not in titles:
            problems.append(f"the outline lacks {name}: {title!r}")
    problems += [f"outline entry {title!r} leads nowhere" for title, page in entries if page < 1]
    return problems, pages


def main(argv: list[str]) -> int:
    """Check the PDFs that `argv` names; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf_dir", type=Path, help="where the PDFs are, such as docs/_build/pdf")
    parser.add_argument("site", type=Path, help="the built site, such as docs/_build/html")
    args = parser.parse_args(argv)
    failures, counts = [], {}
    for language, folder in FOLDERS.items():
        name = pdf_name(language)
        pdf = args.pdf_dir / name
        if not pdf.is_file():
            failures.append(f"{name}: missing")
            continue
        problems, counts[language] = check(pdf, args.site / folder)
        print(f"{'FAIL' if problems else 'ok'}  {name}: {counts[language]} pages")
        failures += [f"{name}: {problem}" for problem in problems]
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
