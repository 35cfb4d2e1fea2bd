"""Print the book: each edition as one PDF, by headless Chromium after MathJax has typeset it.

``tools/build_book.py`` calls `print_editions` once it has built the sites, whose environments
it reuses, so that nothing is read or executed again: for each edition, Sphinx's
``singlehtml`` builder writes the whole book as one page (``DIR/singlehtml/<language>``, made
a book by ``docs/_ext/print_edition.py``), and Chromium prints that page to
``DIR/pdf/losslab.pdf`` and ``DIR/pdf/losslab-zh_CN.pdf``. A copy goes into the edition's
site, where every page's download menu links it.

The PDF has an outline of the headings, page numbers, links inside the book and every font
embedded. Chromium writes the time of printing into it, and numbers its tagged structure by
the browser's node counter; both are rewritten (`fixed_pdf`), so that two prints of one commit
are the same bytes. ``DIR`` is the build folder of ``build_book.py``.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

from browser import CHROMIUM_ARGS, find_chromium, serve
from sphinx_strict import EDITIONS, edition_command, edition_folders, edition_html

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
MATH_TIMEOUT_MS = 60_000
# The width of the text on an A4 page with the side margins of losslab-print.css (18 mm), in
# CSS pixels: the page is laid out at this width to find what would not fit.
TEXT_WIDTH_PX = round((210 - 2 * 18) / 25.4 * 96)
# What is wider than its room in print, where nothing scrolls: a code block not wrapped, a
# display equation, a table or a picture wider than the text.
TOO_WIDE_JS = """(width) => Array.from(
  document.querySelectorAll('main pre, main mjx-container[display="true"], main table, main img'),
  (e) => [e.tagName.toLowerCase(), Math.max(e.scrollWidth, e.getBoundingClientRect().width),
          (e.textContent || e.getAttribute('alt') || '').trim().slice(0, 60)],
).filter(([, w]) => w > width + 1)"""
#: What the printed book is made of besides the edition's site.
PRINT_INPUTS = (
    DOCS / "_templates" / "print.html",
    DOCS / "_static" / "losslab-print.css",
    DOCS / "_ext" / "print_edition.py",
    Path(__file__),
)
# Files of a site that the printed book does not show: the measured build status, and what
# Sphinx generates for the site alone (which a first rebuild after a clean build rewrites).
NOT_PRINTED = {"status.html", "genindex.html", "py-modindex.html", "search.html", "searchindex.js"}
# Chromium writes the time of printing, and numbers the tagged structure by its DOM's node
# counter, which depends on what the browser did before; both are rewritten (same length).
PRINT_DATES = re.compile(rb"/(CreationDate|ModDate) \(D:[0-9]{14}[^)]*\)")
NODE_IDS = re.compile(rb"\(node([0-9]{8})\)")


def pdf_name(language: str) -> str:
    """The file name of the `language` edition's PDF."""
    return "losslab.pdf" if language == "en" else f"losslab-{language}.pdf"


def source_epoch() -> int:
    """The time of the sources: ``SOURCE_DATE_EPOCH`` if set, else the last commit's.

    Raises
    ------
    SystemExit
        If neither is known: the book is not printed with the date of the clock.
    """
    if "SOURCE_DATE_EPOCH" in os.environ:
        return int(os.environ["SOURCE_DATE_EPOCH"])
    try:
        result = subprocess.run(
            ["git", "log", "-1", "--format=%ct"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError) as error:
        raise SystemExit(
            "the book is dated by its last commit: print it in a git checkout, or set "
            "SOURCE_DATE_EPOCH"
        ) from error
    return int(result.stdout)


def fixed_pdf(data: bytes, epoch: int) -> bytes:
    """`data` with its dates set to `epoch` and its structure ids numbered from 1.

    Every replacement has the length of what it replaces, so the offsets in the file's cross
    reference table stay right.

    Raises
    ------
    ValueError
        If `data` has no creation date: Chromium's PDFs changed, and this must be looked at.
    """
    stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(epoch)).encode()

    def date(match: re.Match[bytes]) -> bytes:
        new = b"/%s (D:%s+00'00')" % (match[1], stamp)
        if len(new) != len(match[0]):
            raise ValueError(f"unexpected date in the PDF: {match[0]!r}")
        return new

    fixed, dates = PRINT_DATES.subn(date, data)
    if not dates:
        raise ValueError("Chromium's PDF has no /CreationDate: check what else it writes")
    numbers: dict[bytes, int] = {}

    def node(match: re.Match[bytes]) -> bytes:
        number = numbers.setdefault(match[1], len(numbers) + 1)
        return b"(node%08d)" % number

    return NODE_IDS.sub(node, fixed)


def inputs_digest(build_dir: Path, language: str) -> str:
    """A digest of what the `language` edition's PDF is printed from.

    That is its site's pages, images, scripts and styles (``NOT_PRINTED`` aside),
    ``PRINT_INPUTS`` and the time of the sources.
    """
    site = edition_html(build_dir, language)
    digest = hashlib.sha256()
    # The English site holds the other editions' folders; they are not its inputs.
    others = [edition_html(build_dir, code) for code in EDITIONS if code != language]
    others = [other for other in others if site in other.parents]
    for path in sorted(site.rglob("*")):
        if (
            not path.is_file()
            or path.suffix not in {".html", ".png", ".svg", ".js", ".css"}
            or path.name in NOT_PRINTED
            or any(other in path.parents for other in others)
        ):
            continue
        digest.update(path.relative_to(site).as_posix().encode() + b"\0" + path.read_bytes())
    for path in PRINT_INPUTS:
        digest.update(path.read_bytes())
    digest.update(str(source_epoch()).encode())
    return digest.hexdigest()


def single_page(build_dir: Path, language: str, options: list[str]) -> Path:
    """Write the `language` edition as one page; return its folder.

    The builder starts from a copy of the edition's environment (left by the HTML build), so
    it reads and executes nothing, and the HTML build's own environment stays untouched.
    """
    doctrees, _ = edition_folders(build_dir, language)
    if not (doctrees / "environment.pickle").exists():
        raise SystemExit(f"no build of the {language} edition in {build_dir}: run build_book.py")
    copy, out = edition_folders(build_dir, language, "singlehtml")
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(doctrees, copy)
    command = edition_command(DOCS, build_dir, language, *options, builder="singlehtml")
    env = {
        **os.environ,
        "LOSSLAB_BUILD_DIR": str(build_dir),
        "SOURCE_DATE_EPOCH": str(source_epoch()),
    }
    subprocess.run(command, env=env, check=True)
    return out


def print_page(page_dir: Path, pdf: Path, chromium: str) -> None:
    """Print ``page_dir/index.html`` to `pdf` once MathJax, the fonts and the images are ready.

    Raises
    ------
    RuntimeError
        If the page logs an error, fails to load a file, holds a formula MathJax cannot typeset,
        or something wider than the printed text (which in print can be cut, never scrolled).
    """
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with serve(page_dir) as origin, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": TEXT_WIDTH_PX, "height": 1000})
        page.emulate_media(media="print")
        page.on("console", lambda m: m.type == "error" and problems.append(m.text))
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
        page.on(
            "response",
            lambda response: response.status >= 400 and problems.append(f"{response.url}"),
        )
        page.goto(f"{origin}/index.html", wait_until="load")
        page.wait_for_function(
            "() => window.MathJax && MathJax.startup && MathJax.startup.promise",
            timeout=MATH_TIMEOUT_MS,
        )
        page.evaluate(
            "async () => { await MathJax.startup.promise; await document.fonts.ready;"
            " await Promise.all([...document.images].map((image) => image.decode())); }"
        )
        problems += [
            f"a {tag} {width:.0f} px wide, wider than the text ({TEXT_WIDTH_PX} px): {text!r}"
            for tag, width, text in page.evaluate(TOO_WIDE_JS, TEXT_WIDTH_PX)
        ]
        errors = page.evaluate("() => document.querySelectorAll('mjx-merror').length")
        if errors:
            problems.append(f"MathJax could not typeset {errors} formula(s)")
        if problems:
            browser.close()
            raise RuntimeError(f"{page_dir / 'index.html'}: " + "; ".join(problems))
        data = page.pdf(
            prefer_css_page_size=True,
            print_background=True,
            outline=True,
            tagged=True,
        )
        browser.close()
    pdf.parent.mkdir(parents=True, exist_ok=True)
    pdf.write_bytes(fixed_pdf(data, source_epoch()))


def print_editions(build_dir: Path, languages: list[str], options: list[str]) -> dict[str, float]:
    """Print the editions `languages` built in `build_dir`; return the seconds each took.

    An edition whose site and print inputs are those of its last print is not printed again.
    """
    chromium = find_chromium()
    if chromium is None:
        raise SystemExit("chromium not found: apt-get install chromium (or set CHROMIUM)")
    seconds = {}
    for language in languages:
        start = time.perf_counter()
        pdf = build_dir / "pdf" / pdf_name(language)
        stamp = pdf.with_suffix(".inputs")
        digest = inputs_digest(build_dir, language)
        done = "up to date"
        if not pdf.exists() or not stamp.exists() or stamp.read_text() != digest:
            print_page(single_page(build_dir, language, options), pdf, chromium)
            stamp.write_text(digest)
            done = "printed"
        shutil.copyfile(pdf, edition_html(build_dir, language) / pdf_name(language))
        seconds[language] = time.perf_counter() - start
        print(f"{language}: {done} in {seconds[language]:.1f} s, {pdf}")
    return seconds
