"""Check the built book in headless Chromium the way a reader would see it.

Usage::

    python tests/site/check_site.py docs/_build/html [--search-term WORD]
        [--chinese-search WORD[=N] ...] [--pages-dir DIR] [--only PATTERN]
        [--screenshot-page PAGE] [--screenshot PATH] [--dark-screenshot PATH]
        [--phone-screenshot PATH]

The site holds both editions of the book: English at its root, Chinese in ``zh_CN/``; the check
refuses to run on a site without ``zh_CN/index.html``. The HTML directory is served on 127.0.0.1
(the search page needs http, not file://) and every page of both editions is opened in Debian's
Chromium (``/usr/bin/chromium``, or ``$CHROMIUM``) through Playwright in four views: a 1280x800
desktop window and a 390x844 phone (touch, at twice the density), each as a first-time reader on
a light system and with the theme switched to dark mode. Each view is reported with its edition
(``en`` or ``zh_CN``). With ``--pages-dir`` every view is saved there whole, in the site's layout
(the Chinese edition in ``zh_CN/``), as ``<page>-light.png``, ``<page>-dark.png``,
``<page>-phone-light.png`` and ``<page>-phone-dark.png``; ``--only`` checks just the pages whose
path matches a regular expression (and the searches and screenshots of those pages). A view fails
on

- a console error, an uncaught exception, a failed or >= 400 request of its own, or any
  request that leaves the site (it must work offline);
- math that MathJax did not typeset or typeset as an error, an image that did not load, more
  than one visible search field, or a theme other than the one asked for;
- a page wider than the window, so that it scrolls sideways (the document's scroll width
  counts, so a sidebar the theme hides off-canvas does not); the elements furthest out are named;
- a display equation, ``pre``, table or image of the main content wider than its room and
  not scrolled in a box of its own: the first box out from it (itself included) that does not
  let it overflow visibly must have ``overflow-x`` ``auto`` or ``scroll``;
- an axe-core violation of impact serious or critical (moderate and minor ones are counted in
  the report line); colour contrast is checked in both desktop views, every other rule also on
  the phone.

The first view of a page also fails unless its download menu offers the edition's PDF, and on a
chapter the chapter's notebook, each a file the server returns whole.

The light views, desktop and phone, also fail unless the page has exactly one language switch
(``a.losslab-language-switch``), shown and wholly inside the window as the page opens.

The desktop views also fail on

- an ``<html lang>`` other than the edition's: ``en``, or ``zh-CN`` in the Chinese edition;
- a display equation wider than its box at all, even in a box that scrolls: equations are
  written to fit the desktop column;
- an image of the main content without alt text, or with a file name for alt text;
- a code-cell output (the ``pre`` text of ``div.cell_output``) that shows a numpy repr
  (``np.float64(``, ``array(``, ``dtype=``) or a number with more than 6 significant digits
  (integers do not count). A cell that exists to show full precision says so with the tag
  ``full-precision``, which exempts its outputs.

The light desktop view, the page as first served, also fails on

- a language switch whose ``href`` does not resolve to the same page in the other edition (the
  path with or without ``zh_CN/``), whose ``hreflang`` and ``lang`` are not that edition's, or
  that, clicked (into a new tab), does not land there with status 200 and that edition's
  ``<html lang>``;
- a figure of a code-cell output in the wrong edition's drawing: PNG in English, SVG (with
  Chinese labels) in Chinese; and, on a Chinese page, an image whose alt text reads as English;
- on a Chinese page, text left in English (`english_reason`): every text block of the article
  (``p``, ``li``, ``dt``, ``dd``, ``th``, ``td``, ``figcaption``, headings, captions) outside
  code, math, API signatures, the bibliography and the links between editions, once its code,
  math, citations and API names are left out. A glossary term in English beside its Chinese
  name is not left over, nor is a type of the API, and the pages Sphinx writes itself (general
  index, module index, search) are not checked. Up to 10 such blocks are listed per page.

Each edition's search page must find its search terms: ``--search-term`` in English (default
``likelihood``), and ``--chinese-search`` in Chinese (default ``损失函数`` in at least 2 chapters
and ``交叉熵`` in at least 1); the results must stay in the edition and list every chapter of it
that contains the word. The Chinese edition's ``searchindex.js`` must hold Chinese words (jieba
segments them) and each Chinese search term, whole or within a longer word: the search page
looks the query up unsegmented.

``--screenshot`` and ``--dark-screenshot`` save the desktop window at ``--screenshot-page``,
``--phone-screenshot`` the light phone screen. One line is printed per view as it is done, then
every failure and a summary; the exit status is 0 when all passed, 1 when anything failed and 2
when the check could not run.

Throughout, ``browser`` is the running browser, ``origin`` the origin of the local server and a
page's ``name`` its path from the site root. Each ``inspect_*`` function (and ``wait_for_math``)
takes a loaded Playwright page and a list of problems, appends to the list what it finds wrong,
and returns a short detail for the report. Playwright and axe are imported inside the functions
that drive the browser: pytest's ``--doctest-modules`` imports this file in sessions that do not
install them.
"""

from __future__ import annotations

import argparse
import html
import json
import multiprocessing
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import partial
from itertools import product
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote, unquote, urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
from browser import CHROMIUM_ARGS, DEFAULT_CHROMIUM, find_chromium, serve
from print_book import pdf_name

if TYPE_CHECKING:
    from playwright.sync_api import (
        Browser,
        ConsoleMessage,
        Page,
        Request,
        Response,
        Route,
        ViewportSize,
    )

SKIPPED_DIRS = {"_static", "_sources", "_images"}
PAGE_TIMEOUT_MS = 90_000  # capturing the API page whole (200,000 px tall on a phone) is slow
MATH_TIMEOUT_MS = 15_000
IMAGE_TIMEOUT_MS = 10_000
SEARCH_TIMEOUT_MS = 20_000
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}
PHONE_SCALE = 2
# Two browsers at once: a visit mostly waits for its renderer, and each renderer needs a core.
WORKERS = 2
BROWSERS: list[Browser] = []  # in a worker process, the browser it drives
AXE_SERIOUS = {"serious", "critical"}
# Without preload axe fetches the style sheets itself, resolves the theme's @import against the
# wrong directory and requests a /basic.css that does not exist. The phone views leave colour
# contrast, the costliest rule (half a minute on the API page), to the desktop ones.
AXE_OPTIONS: dict[str, Any] = {"resultTypes": ["violations"], "preload": False}
AXE_NO_CONTRAST = {**AXE_OPTIONS, "rules": {"color-contrast": {"enabled": False}}}
MAX_DIGITS = 6
FULL_PRECISION_TAG = "full-precision"
NUMPY_REPR = re.compile(
    r"\bnp\.(?:(?:float|int|uint|complex|bool|str|bytes)\d*\(|True_|False_)|\barray\(|\bdtype="
)
# A decimal literal: with a point or an exponent, not part of a word or of a version like 3.11.2.
DECIMAL = re.compile(r"(?<![\w.])(?:\d+\.\d*|\.\d+|\d+(?=[eE][-+]?\d))(?:[eE][-+]?\d+)?(?!\w|\.\d)")
IMAGE_FILE = re.compile(r"\.(?:png|svg|jpe?g|gif|webp)$", re.IGNORECASE)
SWITCH = "a.losslab-language-switch"
SWITCH_TIMEOUT_MS = 10_000
# Pages Sphinx writes from other pages' terms, the API and its own catalog: nothing to translate.
GENERATED_PAGES = {"genindex.html", "py-modindex.html", "search.html"}
CHINESE_SEARCHES = {
    "损失函数": 2,
    "交叉熵": 1,
}  # the default --chinese-search: word, fewest chapters

# What reads as English on a Chinese page (see `english_reason`). CJK ideographs, with the
# extension A block and the compatibility ones.
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# An English word: two or more Latin letters, with inner hyphens or apostrophes, that is not part
# of a name (losslab.geometry, float64, x_1, NC1). Chinese needs no space before or after it.
ENGLISH_WORD = re.compile(
    r"(?<![A-Za-z0-9_.])[A-Za-z]{2,}(?:['’-][A-Za-z]+)*(?![A-Za-z0-9_]|\.[A-Za-z0-9_])"
)
# A title or quotation in quotation marks, which a translation keeps as it was (a cited paper's).
QUOTED = re.compile(r'“[^”]*”|「[^」]*」|《[^》]*》|"[^"\n]*"')
MIN_ENGLISH_WORDS = 3  # a block without Chinese and this many English words reads as English
MIN_ENGLISH_HEADING_WORDS = 2  # ... and a title (`HEADINGS`) with this many
MAX_ENGLISH_SHARE = 0.6  # a block in which English words make more than this share of the words
MIN_ENGLISH_WORDS_MIXED = 9  # ... and number at least this many, reads as English
CJK_PER_WORD = 2  # Chinese characters per word, to weigh them against English words
ENGLISH_LISTED = 10  # English blocks listed per page; the rest are counted

# Resolves to "" once MathJax has typeset the page, or to what went wrong. MathJax's
# startup.promise settles only after the first typeset, and exists only once tex-chtml.js ran.
MATHJAX_DONE_JS = """
async (ms) => {
  const deadline = Date.now() + ms;
  const sleep = (t) => new Promise((resolve) => setTimeout(resolve, t));
  while (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) {
    if (Date.now() > deadline) return `MathJax did not start within ${ms / 1000} s`;
    await sleep(100);
  }
  const late = sleep(Math.max(0, deadline - Date.now()))
    .then(() => `MathJax did not finish typesetting within ${ms / 1000} s`);
  return Promise.race([MathJax.startup.promise.then(() => ""), late]);
}
"""

# Loads every image, then returns how many there are and the src of those that are broken.
IMAGES_JS = """
async (ms) => {
  const images = Array.from(document.images);
  for (const img of images) {
    // Lazy images outside the viewport would never load in a headless tab.
    if (img.loading === "lazy") img.loading = "eager";
  }
  const settled = Promise.all(images.map((img) => img.decode().catch(() => undefined)));
  await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, ms))]);
  const broken = images.filter((img) => !(img.complete && img.naturalWidth > 0));
  return {count: images.length, broken: broken.map((img) => img.getAttribute("src") || "")};
}
"""

# Sphinx's searchtools fills p.search-summary only when the search has finished; results it
# listed before the wait ran out still count, so a theme without that summary is slow, not wrong.
SEARCH_DONE_JS = """
() => {
  const summary = document.querySelector("#search-results .search-summary");
  return summary !== null && summary.textContent.trim() !== "";
}
"""
SEARCH_RESULTS = "#search-results ul.search > li"

# Measures the page against the window (in CSS px). "wide" names the elements that stick out
# of the window furthest, if the page scrolls sideways; "clipped" the wide content of the main
# column that does not scroll in a box of its own; "wideMath" (desktop only) the display
# equations wider than their box. An element is named by tag, classes and the start of its
# text: the TeX of an equation, the src of an image.
LAYOUT_JS = r"""
(desktop) => {
  const describe = (el) => {
    const tag = el.tagName.toLowerCase();
    const classes = (el.getAttribute("class") || "").split(/\s+/).filter(Boolean).slice(0, 2);
    let text = tag === "img" ? el.getAttribute("src") || "" : el.textContent;
    const item = tag === "mjx-container" && MathJax.startup.document.getMathItemsWithin(el)[0];
    if (item) text = item.math;
    text = text.replace(/\s+/g, " ").trim();
    text = text.length > 60 ? text.slice(0, 57) + "..." : text;
    return `<${[tag, ...classes].join(".")}> ${JSON.stringify(text)}`;
  };
  const html = document.documentElement;
  const width = html.clientWidth;
  const right = (el) => el.getBoundingClientRect().right + window.scrollX;
  const shown = (el) => el.getClientRects().length > 0;
  // An element widens the page if it sticks out of its parent and of the window, and no fixed
  // ancestor (an off-canvas sidebar) or box that clips within the window holds it in.
  const widens = (el) => {
    const parent = el.parentElement;
    if (parent !== document.body && right(el) <= right(parent) + 1) return false;
    for (let box = el; box !== html; box = box.parentElement) {
      const style = getComputedStyle(box);
      if (style.position === "fixed") return false;
      if (box !== el && style.overflowX !== "visible" && right(box) <= width + 1) return false;
    }
    return true;
  };
  const wide = [];
  if (html.scrollWidth > width + 1) {
    for (const el of document.body.querySelectorAll("*")) {
      const empty = !el.textContent.trim() && !el.matches("img, svg, video, canvas, iframe");
      if (shown(el) && !empty && right(el) > width + 1 && widens(el)) {
        wide.push({what: describe(el), right: Math.round(right(el))});
      }
    }
    wide.sort((a, b) => b.right - a.right);
  }
  const clipped = [];
  const content = 'mjx-container[display="true"], pre, table, img';
  for (const el of document.querySelectorAll(content)) {
    const top = el.closest("main") || el.closest("article");
    if (!top || !shown(el)) continue;
    let block = el.parentElement;
    while (block !== top && /^(inline|contents)/.test(getComputedStyle(block).display)) {
      block = block.parentElement;
    }
    const inner = el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1;
    const box = el.getBoundingClientRect().width;
    if (!inner && box <= block.clientWidth + 1) continue;
    // The first box out from the element that does not let it overflow visibly must scroll;
    // the element's own overflow matters only if its content is what overflows.
    let holder = inner ? el : el.parentElement;
    const overflow = () => getComputedStyle(holder).overflowX;
    while (overflow() === "visible" && holder !== top) holder = holder.parentElement;
    if (overflow() === "auto" || overflow() === "scroll") continue;
    const needed = Math.round(Math.max(el.scrollWidth, box));
    const by = overflow() === "visible" ? "" : describe(holder).split(" ")[0];
    const room = inner ? el.clientWidth : block.clientWidth;
    clipped.push({what: describe(el), needed, room, by, overflow: overflow()});
  }
  const wideMath = [];
  for (const el of desktop ? document.querySelectorAll('mjx-container[display="true"]') : []) {
    if (shown(el) && el.scrollWidth > el.clientWidth + 1) {
      wideMath.push({what: describe(el), needed: el.scrollWidth, room: el.clientWidth});
    }
  }
  return {scrollWidth: html.scrollWidth, width, wide: wide.slice(0, 3), clipped, wideMath};
}
"""

# The src and alt of every image in the main content, and whether a code cell drew it.
ALT_JS = """
() => Array.from(document.querySelectorAll("article img, main img"), (img) => ({
  src: img.getAttribute("src") || "",
  alt: img.getAttribute("alt"),
  output: img.closest(".cell_output") !== null,
}))
"""

# The text of every code-cell output, the number of its cell and whether the cell has `tag`.
OUTPUTS_JS = """
(tag) => {
  const cells = Array.from(document.querySelectorAll("div.cell"));
  return Array.from(document.querySelectorAll("div.cell_output pre"), (pre) => {
    const cell = pre.closest("div.cell");
    const exempt = cell !== null && cell.classList.contains(`tag_${tag}`);
    return {text: pre.textContent, cell: cells.indexOf(cell) + 1, exempt};
  });
}
"""


# The language switches of the page: where each leads, its language attributes and its box in
# the window (CSS px), with the size of the window.
SWITCH_JS = """
(selector) => ({
  switches: Array.from(document.querySelectorAll(selector), (a) => {
    const box = a.getBoundingClientRect();
    const shown = a.getClientRects().length > 0 && getComputedStyle(a).visibility !== "hidden";
    return {
      href: a.href, hreflang: a.getAttribute("hreflang"), lang: a.getAttribute("lang"), shown,
      top: box.top, bottom: box.bottom, left: box.left, right: box.right,
    };
  }),
  width: document.documentElement.clientWidth,
  height: window.innerHeight,
})
"""

# Where a tab landed: the HTTP status of its document and its <html lang>.
LANDED_JS = """
() => ({
  status: (performance.getEntriesByType("navigation")[0] || {}).responseStatus,
  lang: document.documentElement.lang,
})
"""

# The blocks of text that the translation of a page rewrites. Inside those left out (`skip`)
# nothing is prose to translate: code, outputs, math, API signatures, the bibliography, the
# footnotes (the references of the API's docstrings) and the links between the editions.
TEXT_BLOCKS = "p, li, dt, dd, th, td, figcaption, caption, h1, h2, h3, h4, h5, h6"
# Titles, in which two English words are English enough: headings, captions, the entries of a
# table of contents. (Not table headers: MyST-NB's table of executions has its own, in English.)
HEADINGS = "h1, h2, h3, h4, h5, h6, caption, p.caption, .toctree-wrapper li"
NOT_PROSE = (
    "pre, .highlight, .cell_output, .output, .math, mjx-container, dt.sig, .sig, .citation,"
    " .citation-list, [role=doc-biblioentry], .bibliography, .footnote, .losslab-language-switch,"
    " .losslab-editions ul"
)
# Text within a block that stays as it is in a translation: code, math, citations, the names of
# the API (links to it, parameter names and types) and the permalinks.
UNTRANSLATED = (
    "code, kbd, samp, .math, mjx-container, .headerlink, .bibtex-citation, a:has(> code),"
    " a[href*='api.html#'], a[href^='#losslab'], dl.field-list dd strong, dl.field-list dd em,"
    " dl.py cite"
)
# The fields of an API entry that hold a type (numpydoc types stay in English), by their label.
TYPE_FIELDS = ["Type", "类型", "Return type", "返回类型"]
# Every text block of the article, each with its text twice: as shown (without math and without
# the blocks nested in it, checked on their own) and as checked (also without `untranslated`).
# A glossary entry names its term in both languages: its English term is not left over; nor is
# the type of an API entry's `typeFields`.
TEXT_BLOCKS_JS = r"""
({blocks, skip, untranslated, headings, typeFields}) => {
  const article = document.querySelector("article.bd-article");
  if (article === null) return [];
  const hasCjk = (text) => /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/.test(text);
  const textOf = (block, leftOut) => {
    let text = "";
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (parent.closest(blocks) === block && !parent.closest(leftOut)) text += node.data;
    }
    return text.replace(/\s+/g, " ").trim();
  };
  const bilingualTerm = (dt) => {
    if (!dt.matches("dl.glossary > dt")) return false;
    let first = dt;
    while (first.previousElementSibling && first.previousElementSibling.tagName === "DT") {
      first = first.previousElementSibling;
    }
    for (let term = first; term && term.tagName === "DT"; term = term.nextElementSibling) {
      if (hasCjk(term.textContent)) return true;
    }
    return false;
  };
  const typeField = (block) => {
    const value = block.closest("dl.field-list > dd");
    const label = value && value.previousElementSibling;
    return label !== null && typeFields.includes(label.textContent.replace(/[:：]/g, "").trim());
  };
  const found = [];
  for (const block of article.querySelectorAll(blocks)) {
    if (block.closest(skip) || bilingualTerm(block) || typeField(block)) continue;
    const text = textOf(block, `${skip}, ${untranslated}`);
    if (!text) continue;
    const tag = block.tagName.toLowerCase();
    const classes = (block.getAttribute("class") || "").split(/\s+/).filter(Boolean).slice(0, 2);
    const section = block.closest("section[id]");
    found.push({
      what: [tag, ...classes].join("."),
      section: section === null ? "" : section.id,
      heading: block.closest(headings) !== null,
      shown: textOf(block, `${skip}, .math, mjx-container, .headerlink`),
      text,
    });
  }
  return found;
}
"""

# The link of every search result.
SEARCH_LINKS_JS = """
(selector) => Array.from(document.querySelectorAll(selector), (li) => {
  const link = li.querySelector("a");
  return link === null ? "" : link.href;
})
"""


@dataclass
class Report:
    """What one visit found.

    Attributes
    ----------
    name : str
        The page (with its query, if any) or the screenshot checked.
    detail : str
        Counts shown after the name, such as ``math 4, img 1``.
    problems : list of str
        Everything that failed; empty when the page passed.
    """

    name: str
    detail: str = ""
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Edition:
    """One edition of the book.

    Attributes
    ----------
    code : str
        Its Sphinx language, which names it in the report: ``en`` or ``zh_CN``.
    folder : str
        Where it is in the site: ``""`` for the root, else the folder with a trailing ``/``.
    lang : str
        The ``lang`` of its pages' ``<html>`` and of the links to it (BCP 47).
    """

    code: str
    folder: str
    lang: str


ENGLISH = Edition("en", "", "en")
CHINESE = Edition("zh_CN", "zh_CN/", "zh-CN")


def edition_of(name: str) -> Edition:
    """Tell which edition the page `name` belongs to.

    Examples
    --------
    >>> edition_of("chapters/numerics.html").code, edition_of("zh_CN/chapters/numerics.html").code
    ('en', 'zh_CN')
    """
    return CHINESE if name.startswith(CHINESE.folder) else ENGLISH


def counterpart(name: str) -> str:
    """Name the same page in the other edition.

    Examples
    --------
    >>> counterpart("chapters/numerics.html"), counterpart("zh_CN/chapters/numerics.html")
    ('zh_CN/chapters/numerics.html', 'chapters/numerics.html')
    """
    if edition_of(name) == CHINESE:
        return name.removeprefix(CHINESE.folder)
    return CHINESE.folder + name


@dataclass(frozen=True)
class Search:
    """A search that an edition's search page must answer.

    Attributes
    ----------
    term : str
        The word searched for.
    edition : Edition
        The edition searched; every result must be one of its pages.
    chapters : tuple of str
        The chapter pages of the edition that contain `term`; the results must list them all.
    minimum : int
        The fewest chapter pages the results must list.
    """

    term: str
    edition: Edition
    chapters: tuple[str, ...]
    minimum: int

    @property
    def chapters_folder(self) -> str:
        """The folder of the edition's chapters, relative to the site root."""
        return f"{self.edition.folder}chapters/"

    @property
    def name(self) -> str:
        """The search page with the query, quoted, relative to the site root."""
        return f"{self.edition.folder}search.html?" + urlencode({"q": self.term}, quote_via=quote)


def find_pages(root: Path) -> list[str]:
    """List the HTML pages of a built site.

    Parameters
    ----------
    root : Path
        The HTML output directory of Sphinx.

    Returns
    -------
    list of str
        Paths relative to `root`, with ``/`` separators, sorted; files under ``_static``,
        ``_sources``, ``_images`` (of either edition: the Chinese one has its own, with the
        theme's HTML templates) and hidden directories are left out.
    """
    pages = []
    for path in root.rglob("*.html"):
        parts = path.relative_to(root).parts
        if any(part in SKIPPED_DIRS or part.startswith(".") for part in parts[:-1]):
            continue
        pages.append("/".join(parts))
    return sorted(pages)


def article_text(path: Path) -> str:
    """Return the text of the article of the HTML page at `path`, without its tags.

    Examples
    --------
    >>> import tempfile
    >>> page = Path(tempfile.mkdtemp()) / "page.html"
    >>> _ = page.write_text('<nav>x</nav><article class="bd-article"><p>交叉&#29109;</p></article>')
    >>> article_text(page)
    '交叉熵'
    """
    text = path.read_text(encoding="utf-8")
    found = re.search(r'<article class="bd-article">(.*?)</article>', text, re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1) if found else ""))


def chapters_containing(root: Path, edition: Edition, term: str) -> tuple[str, ...]:
    """List the chapter pages of `edition` (``chapters/`` of it) whose article contains `term`.

    Case is ignored. The pages are named from the site `root`, sorted.
    """
    chapters = sorted((root / edition.folder / "chapters").glob("*.html"))
    return tuple(
        path.relative_to(root).as_posix()
        for path in chapters
        if term.casefold() in article_text(path).casefold()
    )


def is_offsite(url: str, origin: str) -> bool:
    """Tell whether a request goes over the network to anywhere but the local server.

    Parameters
    ----------
    url : str
        The URL requested.
    origin : str
        The origin of the local server.

    Returns
    -------
    bool
        True for http(s) URLs of another origin; data: and blob: URLs never leave the browser.
    """
    return urlsplit(url).scheme in {"http", "https"} and not url.startswith(origin + "/")


def site_path(url: str, origin: str) -> str | None:
    """Name the page of the local site that `url` leads to, or return None if it leaves the site.

    Examples
    --------
    >>> site_path("http://127.0.0.1:80/zh_CN/chapters/numerics.html?q=a#top", "http://127.0.0.1:80")
    'zh_CN/chapters/numerics.html'
    >>> site_path("https://example.org/index.html", "http://127.0.0.1:80") is None
    True
    """
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return None
    return unquote(parts.path).removeprefix("/")


def watch(page: Page, origin: str, problems: list[str]) -> None:
    """Record every console error, uncaught exception and bad request of a page.

    Requests that leave the site are aborted before they reach the network and reported.

    Parameters
    ----------
    page : Page
        A page that has not navigated yet.
    origin : str
        The origin of the local server.
    problems : list of str
        Where the problems are appended as they happen.
    """
    refused: set[str] = set()

    def on_console(message: ConsoleMessage) -> None:
        # Chromium echoes each failed load as "Failed to load resource"; the request handlers
        # below already report those, with the URL.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            where = message.location.get("url", "")
            problems.append(f"console error: {message.text}" + (f" ({where})" if where else ""))

    def on_response(response: Response) -> None:
        if response.status >= 400 and not is_offsite(response.url, origin):
            refused.add(response.url)
            problems.append(f"HTTP {response.status}: {response.url}")

    def on_failed(request: Request) -> None:
        # Off-site requests fail because they were blocked, and Chromium abandons the body of
        # an error response: both are reported already.
        if not is_offsite(request.url, origin) and request.url not in refused:
            problems.append(f"request failed: {request.url} ({request.failure})")

    def block(route: Route) -> None:
        problems.append(f"off-site request (the site must work offline): {route.request.url}")
        route.abort("blockedbyclient")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"uncaught exception: {error}"))
    page.on("response", on_response)
    page.on("requestfailed", on_failed)
    page.route(lambda url: is_offsite(url, origin), block)


def visit(
    browser: Browser,
    origin: str,
    name: str,
    inspect: Callable[[Page, list[str]], str],
    mode: Literal["light", "dark"] | None = None,
    *,
    phone: bool = False,
) -> Report:
    """Open one page as a reader landing on it, let it settle, and inspect it.

    Each visit gets a fresh browser context, so no page passes only because an earlier one
    left something in the cache or in localStorage.

    Parameters
    ----------
    name : str
        The URL of the page relative to the site root, quoted, with its query if any.
    inspect : callable
        Called with the loaded page and the problem list; returns the detail for the report.
    mode : {"light", "dark"} or None
        A colour mode the reader picked in the theme's switcher, also emulated as the system
        colour scheme; None for a first-time reader whose system is in light mode.
    phone : bool
        Visit on a `PHONE` touch screen rather than in a `VIEWPORT` desktop window.

    Returns
    -------
    Report
        The detail and every problem seen while the page was open.
    """
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    # Once in a while a page that loads fine elsewhere never goes network-idle within the
    # timeout (the whole run fails on it about one time in ten): such a stalled load is tried
    # once more, in a fresh context. A page that stalls twice, or fails otherwise, fails.
    for attempt in (1, 2):
        context = browser.new_context(
            viewport=PHONE if phone else VIEWPORT,
            device_scale_factor=PHONE_SCALE if phone else 1,
            is_mobile=phone,
            has_touch=phone,
            color_scheme=mode or "light",
        )
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        if mode is not None:
            # pydata-sphinx-theme (under sphinx-book-theme) applies the stored mode from an
            # inline script in <head>, so it must be in localStorage before that script runs.
            context.add_init_script(
                "if (location.protocol === 'http:') {"
                f" localStorage.setItem('mode', '{mode}');"
                f" localStorage.setItem('theme', '{mode}'); }}"
            )
        page = context.new_page()
        problems: list[str] = []
        watch(page, origin, problems)
        detail = ""
        try:
            page.goto(f"{origin}/{name}", wait_until="load")
            page.wait_for_load_state("networkidle")
        except PlaywrightTimeoutError as error:
            if attempt == 1:
                context.close()
                continue
            problems.append(f"browser error, twice: {error.message.splitlines()[0]}")
        except PlaywrightError as error:
            problems.append(f"browser error: {error.message.splitlines()[0]}")
        else:
            try:
                detail = inspect(page, problems)
            except PlaywrightError as error:
                problems.append(f"browser error: {error.message.splitlines()[0]}")
        # Requests cancelled by closing the tab are not the page's fault: copy before closing.
        report = Report(name, detail, list(problems))
        context.close()
        return report
    raise AssertionError("unreachable: the second attempt returns")


def wait_for_math(page: Page, problems: list[str]) -> int:
    """Wait for MathJax and check that it typeset every math element without error.

    Returns the number of math elements (class ``math``) on the page.
    """
    count = page.locator(".math").count()
    if count == 0:
        return 0
    late = page.evaluate(MATHJAX_DONE_JS, MATH_TIMEOUT_MS)
    if late:
        problems.append(late)
        return count
    typeset = page.locator("mjx-container").count()
    if typeset < count:
        problems.append(f"MathJax typeset {typeset} of {count} math elements")
    # The assistive MathML copy of an error is an merror too; count each error once.
    errors = page.locator("mjx-merror, merror:not(mjx-assistive-mml *)").all_text_contents()
    problems.extend(f"MathJax error: {error.strip()}" for error in errors)
    return count


def inspect_content(page: Page, problems: list[str]) -> str:
    """Check the math and the images of a page; return their counts."""
    math = wait_for_math(page, problems)
    # Web fonts (MathJax's included) load after layout; a missing one fails as a request.
    page.evaluate("() => document.fonts.ready.then(() => undefined)")
    images = page.evaluate(IMAGES_JS, IMAGE_TIMEOUT_MS)
    problems.extend(f"image did not load: {src or '(no src)'}" for src in images["broken"])
    # One search field per page: a theme upgrade once added a second one in a header bar.
    fields = page.locator("button.search-button-field:visible").count()
    if fields > 1:
        problems.append(f"{fields} search fields are visible; the page should show one")
    return f"math {math}, img {images['count']}"


def inspect_layout(page: Page, problems: list[str], *, desktop: bool) -> str:
    """Check that the page fits the window and that wide content scrolls in a box of its own.

    With `desktop`, every display equation must also fit its box without scrolling. Returns
    the width of the page.
    """
    layout = page.evaluate(LAYOUT_JS, desktop)
    if layout["scrollWidth"] > layout["width"] + 1:
        widest = "; ".join(f"{wide['what']} reaches {wide['right']} px" for wide in layout["wide"])
        problems.append(
            f"page is {layout['scrollWidth']} px wide in a {layout['width']} px window, so it"
            f" scrolls sideways; furthest out: {widest or 'nothing found'}"
        )
    # One problem per kind of element (tag and classes) and what clips it, named by its widest.
    kinds: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for clipped in layout["clipped"]:
        kinds.setdefault((clipped["what"].split(" ")[0], clipped["by"]), []).append(clipped)
    for (_, by), same in kinds.items():
        widest = max(same, key=lambda clipped: clipped["needed"])
        where = f"clipped by {by} (overflow-x {widest['overflow']})" if by else "sticking out"
        more = f" (and {len(same) - 1} more like it)" if len(same) > 1 else ""
        problems.append(
            f"{widest['what']} is {widest['needed']} px wide in {widest['room']} px, {where},"
            f" without a box that scrolls{more}"
        )
    problems.extend(
        f"equation {math['what']} is {math['needed']} px wide in a {math['room']} px column;"
        " rewrite it to fit"
        for math in layout["wideMath"]
    )
    return f"width {layout['scrollWidth']}"


def alt_problem(alt: str | None, src: str) -> str:
    """Tell what is wrong with the `alt` text of the image at `src`, or return "".

    Examples
    --------
    >>> alt_problem("A curve falling to a dashed line.", "../_images/74c1.png")
    ''
    >>> alt_problem("74c1.png", "../_images/74c1.png"), alt_problem("  ", "../_images/74c1.png")
    ('its alt text is a file name', 'it has no alt text')
    """
    text = (alt or "").strip()
    name = PurePosixPath(urlsplit(src).path)
    if not text:
        return "it has no alt text"
    if IMAGE_FILE.search(text) or text in {name.name, name.stem}:
        return "its alt text is a file name"
    return ""


def inspect_alt(page: Page, problems: list[str]) -> str:
    """Check that every image of the main content has alt text that describes it."""
    for image in page.evaluate(ALT_JS):
        problem = alt_problem(image["alt"], image["src"])
        if problem:
            problems.append(f"image {image['src']}: {problem}; say what it shows")
    return ""


def significant_digits(literal: str) -> int:
    """Count the significant digits of a decimal `literal` (without sign).

    Leading zeros do not count, nor do trailing ones: Python prints a float rounded to three
    digits as ``369000000000000.0``.

    Examples
    --------
    >>> [significant_digits(s) for s in ("0.0003523", "1.9197879640345559", "2.5e-07")]
    [4, 17, 2]
    >>> [significant_digits(s) for s in ("369000000000000.0", "1e15", "0.0")]
    [3, 1, 0]
    """
    mantissa = re.split("[eE]", literal)[0]
    return len(mantissa.replace(".", "").strip("0"))


def output_problems(text: str) -> list[str]:
    """List the numpy reprs and the numbers of more than `MAX_DIGITS` digits in `text`.

    Integers (without point or exponent) are never too long. Each problem is listed once.

    Examples
    --------
    >>> output_problems("{'loss': 0.0003523, 'steps': 4008, 'runs': 1,000, 'ulp': 2.5e-07}")
    []
    >>> output_problems("{'nll': 1.9197879640345559, 'sum': np.float64(3.0)}")
    ['numpy repr np.float64(', '1.9197879640345559 has 17 significant digits']
    >>> output_problems("array([0.5, 0.5]), dtype=float32, array(1.0), version 3.11.2")
    ['numpy repr array(', 'numpy repr dtype=']
    """
    found = [f"numpy repr {match.group()}" for match in NUMPY_REPR.finditer(text)]
    for match in DECIMAL.finditer(text):
        digits = significant_digits(match.group())
        if digits > MAX_DIGITS:
            found.append(f"{match.group()} has {digits} significant digits")
    return list(dict.fromkeys(found))


def inspect_outputs(page: Page, problems: list[str]) -> str:
    """Check that code-cell outputs show rounded numbers, not numpy reprs or full precision.

    Outputs of cells tagged `FULL_PRECISION_TAG` are exempt. Returns the number of outputs.
    """
    outputs = page.evaluate(OUTPUTS_JS, FULL_PRECISION_TAG)
    for output in outputs:
        found = [] if output["exempt"] else output_problems(output["text"])
        if found:
            shown = ", ".join(found[:3]) + (f" and {len(found) - 3} more" if len(found) > 3 else "")
            problems.append(
                f"output of cell {output['cell']}: {shown}; round it, or tag the cell"
                f" {FULL_PRECISION_TAG} if it exists to show every digit"
            )
    return f"outputs {len(outputs)}" if outputs else ""


def inspect_axe(page: Page, problems: list[str], *, contrast: bool) -> str:
    """Run axe-core on the page; serious and critical violations are problems.

    Without `contrast`, every rule but colour contrast runs. Returns the count of moderate and
    minor violations, with their rule ids.
    """
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_OPTIONS if contrast else AXE_NO_CONTRAST)
    minor = []
    for violation in results.response["violations"]:
        nodes = violation["nodes"]
        if violation["impact"] not in AXE_SERIOUS:
            minor.append(violation["id"])
            continue
        first = " ".join(map(str, nodes[0]["target"])) if nodes else "?"
        problems.append(
            f"axe {violation['impact']} {violation['id']}: {violation['help']}"
            f" ({len(nodes)} nodes, first {first})"
        )
    return f"axe {len(minor)} moderate/minor" + (f" ({', '.join(minor)})" if minor else "")


def inspect_lang(edition: Edition, page: Page, problems: list[str]) -> str:
    """Check that the page declares the language of its `edition` in ``<html lang>``."""
    lang = page.evaluate("() => document.documentElement.lang")
    if lang != edition.lang:
        problems.append(
            f"<html lang> is {lang!r}, not {edition.lang!r} as in the {edition.code} edition"
        )
    return ""


def inspect_switch_place(page: Page, problems: list[str]) -> str:
    """Check that the page has one language switch, shown and wholly inside the window.

    The page has just opened, at its top, where a reader looks for the link to the other edition.
    """
    found = page.evaluate(SWITCH_JS, SWITCH)
    switches = found["switches"]
    if len(switches) != 1:
        problems.append(f"{len(switches)} language switches ({SWITCH}); a page has one")
        return ""
    switch = switches[0]
    width, height = found["width"], found["height"]
    if not switch["shown"]:
        problems.append("the language switch is not shown")
    elif (
        min(switch["top"], switch["left"]) < -1
        or switch["bottom"] > height + 1
        or switch["right"] > width + 1
    ):
        box = ", ".join(f"{side} {switch[side]:.0f}" for side in ("top", "bottom", "left", "right"))
        problems.append(
            f"the language switch is cut off by the edge of the {width}x{height} window as the"
            f" page opens ({box} px)"
        )
    return ""


def inspect_switch_target(origin: str, other: str, page: Page, problems: list[str]) -> str:
    """Check that the language switch leads to the page `other` of the other edition.

    Its ``href`` must resolve to `other` and its ``hreflang`` and ``lang`` be that edition's;
    clicked to open a new tab (so that this page stays as it is), it must land on `other` with
    status 200 and that edition's ``<html lang>``. Returns the language it leads to.
    """
    from playwright.sync_api import Error as PlaywrightError

    switches = page.evaluate(SWITCH_JS, SWITCH)["switches"]
    if len(switches) != 1:
        return ""  # inspect_switch_place reports it
    switch, lang = switches[0], edition_of(other).lang
    if site_path(switch["href"], origin) != other:
        problems.append(f"the language switch leads to {switch['href']}, not to {other}")
    problems.extend(
        f"the language switch has {attribute}={switch[attribute]!r}, not {lang!r}"
        for attribute in ("hreflang", "lang")
        if switch[attribute] != lang
    )
    try:
        with page.context.expect_page(timeout=SWITCH_TIMEOUT_MS) as opened:
            page.locator(SWITCH).click(modifiers=["ControlOrMeta"], timeout=SWITCH_TIMEOUT_MS)
        tab = opened.value
        try:
            tab.wait_for_load_state("domcontentloaded")
            landed, url = tab.evaluate(LANDED_JS), tab.url
        finally:
            tab.close()
    except PlaywrightError as error:
        problems.append(
            f"the language switch could not be followed: {error.message.splitlines()[0]}"
        )
        return ""
    if site_path(url, origin) != other:
        problems.append(f"the language switch, clicked, lands on {url}, not on {other}")
    if landed["status"] != 200:
        problems.append(f"the language switch, clicked, lands on HTTP {landed['status']}: {url}")
    elif landed["lang"] != lang:
        problems.append(f"the language switch lands on a page of <html lang> {landed['lang']!r}")
    return f"switch -> {lang}"


DOWNLOADS_JS = """() => Array.from(
  document.querySelectorAll('.dropdown-download-buttons a.dropdown-item'), (a) => a.href)"""


def inspect_downloads(origin: str, name: str, page: Page, problems: list[str]) -> str:
    """Check the download menu: the edition's PDF on every page, the chapter's notebook on a
    chapter, each a file that the server returns whole (a PDF, a notebook of cells).

    Returns what the menu offers, such as ``downloads .ipynb .md .pdf``.
    """
    edition = edition_of(name)
    links = {site_path(href, origin): href for href in page.evaluate(DOWNLOADS_JS)}
    pdf = edition.folder + pdf_name(edition.code)
    wanted = [pdf]
    bare = name.removeprefix(edition.folder)
    if bare.startswith("chapters/"):
        wanted.append(f"{edition.folder}_sources/{bare.removesuffix('.html')}.ipynb")
    if not links:
        return ""  # a page Sphinx generates (search, index) has no source to offer
    for path in wanted:
        if path not in links:
            problems.append(f"the download menu lacks {path} (it offers {sorted(links)})")
            continue
        response = page.request.get(links[path])
        body = response.body()
        if response.status != 200:
            problems.append(f"the download {path} is HTTP {response.status}")
        elif path.endswith(".pdf") and not body.startswith(b"%PDF-"):
            problems.append(f"the download {path} is not a PDF")
        elif path.endswith(".ipynb") and '"cells"' not in body.decode("utf-8", "replace"):
            problems.append(f"the download {path} is not a notebook")
    return "downloads " + " ".join(sorted(PurePosixPath(path).suffix for path in links))


def inspect_figures(edition: Edition, page: Page, problems: list[str]) -> str:
    """Check that the images of the main content are those of the page's `edition`.

    ``losslab.plotting`` draws each figure twice: a figure in a code-cell output must be the PNG
    in English and the SVG, labelled in Chinese, in Chinese. On a Chinese page no alt text may
    read as English (`english_reason`; `inspect_alt` checks that there is one). Returns the
    number of figures.
    """
    wanted = ".svg" if edition == CHINESE else ".png"
    figures = 0
    for image in page.evaluate(ALT_JS):
        suffix = PurePosixPath(urlsplit(image["src"]).path).suffix.lower()
        if image["output"]:
            figures += 1
            if suffix != wanted:
                problems.append(
                    f"figure {image['src']} is {suffix or 'no'} file, not {wanted}: the drawing"
                    " for the other edition"
                )
        alt = " ".join((image["alt"] or "").split())
        if edition == CHINESE and english_reason(alt):
            problems.append(
                f"image {image['src']}: its alt text is in English, {shorten(alt)!r}; translate it"
            )
    return f"figures {figures}" if figures else ""


def shorten(text: str, length: int = 80) -> str:
    """Return the first `length` characters of `text`, with ``...`` if there were more.

    Examples
    --------
    >>> shorten("losslab"), shorten("The cost functions of deep feedforward networks", 12)
    ('losslab', 'The cost fun...')
    """
    return text if len(text) <= length else text[:length] + "..."


def english_reason(text: str, *, heading: bool = False) -> str:
    """Tell why `text`, from a page of the Chinese edition, reads as English, or return "".

    The text is that of one block, without its code, math and API names. It reads as English if
    it has no Chinese character and at least `MIN_ENGLISH_WORDS` English words (a `heading`,
    `MIN_ENGLISH_HEADING_WORDS`), or if it has at least `MIN_ENGLISH_WORDS_MIXED` English words
    and they make more than `MAX_ENGLISH_SHARE` of its words, counting `CJK_PER_WORD` Chinese
    characters as one word: an English paragraph with a few Chinese terms in it. Names (losslab),
    units (ulp), symbols and numbers in Chinese prose, English terms glossed in it and titles in
    quotation marks (`QUOTED`) do not make it English. An English word has two letters or more,
    and is not part of a dotted name or an identifier.

    Examples
    --------
    >>> english_reason("The cost functions of deep feedforward networks, as an executable book.")
    '11 English words and no Chinese'
    >>> english_reason("Section 2.2 of the source (代价函数的选取, choosing the cost function)"
    ...                " starts from a modelling decision rather than from a list of formulas.")
    '18 English words to 7 Chinese characters'
    >>> english_reason("在 2000 个点上，losslab 的最大误差为 0.98 ulp（中位数 0.21），"
    ...                "朴素公式在 31% 的点上差了 1000 ulp 以上。")
    ''
    >>> english_reason("对 logistic 回归（logistic regression）和支持向量机（support vector"
    ...                " machine, SVM），损失函数（loss function）是凸的（convex）。")
    ''
    >>> english_reason("Maximum likelihood", heading=True), english_reason("Maximum likelihood")
    ('2 English words and no Chinese', '')
    >>> english_reason("losslab.experiments.cost_selection"), english_reason("Bernoulli, a logit")
    ('', '')
    >>> english_reason("P. Blanchard, D. J. Higham, N. J. Higham，“Accurately computing the"
    ...                " log-sum-exp and softmax functions”，IMA Journal of Numerical Analysis，"
    ...                "第 41 卷第 4 期，2021 年。")
    ''
    """
    text = QUOTED.sub("", text)
    words = len(ENGLISH_WORD.findall(text))
    chinese = len(CJK.findall(text))
    if not chinese:
        least = MIN_ENGLISH_HEADING_WORDS if heading else MIN_ENGLISH_WORDS
        return f"{words} English words and no Chinese" if words >= least else ""
    share = words / (words + chinese / CJK_PER_WORD)
    if words >= MIN_ENGLISH_WORDS_MIXED and share > MAX_ENGLISH_SHARE:
        return f"{words} English words to {chinese} Chinese characters"
    return ""


def inspect_translation(page: Page, problems: list[str]) -> str:
    """Check that no text block of the article of a Chinese page reads as English.

    The blocks are those of `TEXT_BLOCKS_JS`, judged by `english_reason`. The first
    `ENGLISH_LISTED` English ones are listed, by element, section and the start of their text;
    the rest are counted. Returns how many blocks read as English, of how many.
    """
    arguments = {
        "blocks": TEXT_BLOCKS,
        "skip": NOT_PROSE,
        "untranslated": UNTRANSLATED,
        "headings": HEADINGS,
        "typeFields": TYPE_FIELDS,
    }
    blocks = page.evaluate(TEXT_BLOCKS_JS, arguments)
    english = [block for block in blocks if english_reason(block["text"], heading=block["heading"])]
    for block in english[:ENGLISH_LISTED]:
        where = f" in #{block['section']}" if block["section"] else ""
        problems.append(
            f"English left untranslated: <{block['what']}>{where}: {shorten(block['shown'])!r}"
        )
    if len(english) > ENGLISH_LISTED:
        more = len(english) - ENGLISH_LISTED
        problems.append(f"English left untranslated: {more} more blocks on this page")
    return f"English {len(english)} of {len(blocks)} blocks"


def inspect_search(search: Search, origin: str, page: Page, problems: list[str]) -> str:
    """Check that the search page, with the term of `search` in its query, found what it must.

    The results must all be pages of the search's edition, and list at least its `minimum`
    chapters, among them every chapter that contains the term. Returns the number of results
    and of chapters among them.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    term = search.term
    try:
        page.wait_for_function(SEARCH_DONE_JS, timeout=SEARCH_TIMEOUT_MS)
        finished = True
    except PlaywrightTimeoutError:
        finished = False
    links = page.evaluate(SEARCH_LINKS_JS, SEARCH_RESULTS)
    contain = f"; it is in {', '.join(search.chapters)}" if search.chapters else ""
    if not links and finished:
        summary = " ".join(page.locator("#search-results").inner_text().split())
        problems.append(f"search for {term!r} found nothing: {summary!r}{contain}")
        return "results 0"
    if not links:
        seconds = SEARCH_TIMEOUT_MS // 1000
        problems.append(f"search for {term!r} showed no result within {seconds} s{contain}")
        return "results 0"
    names = [site_path(link, origin) for link in links]
    elsewhere = [
        link
        for link, name in zip(links, names, strict=True)
        if name is None or edition_of(name) != search.edition
    ]
    if elsewhere:
        problems.append(
            f"search for {term!r} lists pages outside the {search.edition.code} edition:"
            f" {', '.join(elsewhere[:3])}"
        )
    chapters = {name for name in names if name and name.startswith(search.chapters_folder)}
    missing = [chapter for chapter in search.chapters if chapter not in chapters]
    if missing:
        problems.append(f"search for {term!r} does not list {', '.join(missing)}, where it is")
    if len(chapters) < search.minimum:
        problems.append(
            f"search for {term!r} lists {len(chapters)} chapters, not at least {search.minimum}"
            f"{contain}"
        )
    return f"results {len(links)}, chapters {len(chapters)}"


def load_search_index(path: Path) -> dict[str, Any]:
    """Read the search index that Sphinx writes to `path`, ``Search.setIndex({...})``."""
    text = path.read_text(encoding="utf-8")
    index: dict[str, Any] = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    return index


def index_problems(index: dict[str, Any], terms: list[str]) -> list[str]:
    """List what keeps the search `index` of the Chinese edition from finding `terms`.

    The index must hold Chinese words: Sphinx's Chinese search has jieba segment the text, and
    without jieba it indexes no Chinese at all. It must also hold each term, as a word or (a term
    of more than two characters) within a longer word: the search page looks the words of the
    query up as they are, and a Chinese query is one word, which it does not segment.

    Examples
    --------
    >>> index = {"terms": {"损失": [1], "函数": [1, 2], "交叉熵": 2}, "titleterms": {}}
    >>> index_problems(index, ["交叉熵", "损失函数"])  # doctest: +NORMALIZE_WHITESPACE
    ["the index has no word '损失函数' (jieba split it into 损失 函数), so the search page cannot
      find it: add the word to jieba's dictionary (html_search_options 'dict')"]
    >>> index_problems({"terms": {"likelihood": 1}, "titleterms": {}}, [])
    ['the index has no Chinese word: the Chinese search needs jieba to segment the text']
    """
    words = {word.lower() for key in ("terms", "titleterms") for word in index.get(key, {})}
    problems = []
    if not any(CJK.search(word) for word in words):
        problems.append(
            "the index has no Chinese word: the Chinese search needs jieba to segment the text"
        )
    for term in terms:
        word = term.lower()
        if word in words or (len(word) > 2 and any(word in other for other in words)):
            continue
        parts = sorted((part for part in words if CJK.search(part) and part in word), key=word.find)
        split = f" (jieba split it into {' '.join(parts)})" if parts else ""
        problems.append(
            f"the index has no word {term!r}{split}, so the search page cannot find it: add the"
            " word to jieba's dictionary (html_search_options 'dict')"
        )
    return problems


def check_search_index(root: Path, edition: Edition, terms: list[str]) -> Report:
    """Check the search index of `edition` in the site `root` with `index_problems`."""
    path = root / edition.folder / "searchindex.js"
    name = f"{edition.folder}searchindex.js [{edition.code}]"
    if not path.is_file():
        return Report(name, "", [f"{path} not found"])
    index = load_search_index(path)
    chinese = sum(1 for word in index["terms"] if CJK.search(word))
    return Report(
        name, f"terms {len(index['terms'])}, Chinese {chinese}", index_problems(index, terms)
    )


def save_screenshot(page: Page, path: Path, *, full_page: bool = False) -> None:
    """Save a screenshot of the window, or with `full_page` of the whole page, to `path`.

    A full page is saved at one pixel per CSS pixel: a long page at the phone's density would
    make a PNG of hundreds of megapixels.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=full_page, scale="css" if full_page else "device")


def inspect_screenshot(
    path: Path, scheme: Literal["light", "dark"], page: Page, problems: list[str]
) -> str:
    """Check a page like `inspect_theme`, then save a screenshot of the window to `path`."""
    detail = inspect_theme(scheme, page, problems)
    save_screenshot(page, path)
    return f"{detail}; {scheme} -> {path}"


def screenshot(
    browser: Browser,
    origin: str,
    target: str,
    path: Path,
    scheme: Literal["light", "dark"],
    *,
    phone: bool = False,
) -> Report:
    """Screenshot one page, desktop or `phone`, light or dark; return what the visit found.

    The `target` page, relative to the site root, may have an ``#anchor`` to scroll to; the
    PNG is written to `path` even if the page has problems.
    """
    inspect = partial(inspect_screenshot, path, scheme)
    report = visit(browser, origin, target, inspect, scheme, phone=phone)
    report.name = f"{target} [{'phone ' if phone else ''}{scheme} screenshot]"
    return report


def inspect_page(
    scheme: Literal["light", "dark"],
    phone: bool,
    path: Path | None,
    origin: str,
    name: str,
    page: Page,
    problems: list[str],
) -> str:
    """Run every check of the page `name` in one view, then save it whole to `path` if given.

    The view is on a `phone` or not, in the colour `scheme`. What depends on the markup alone is
    checked in fewer views: the place of the language switch in the light ones (the colour mode
    moves nothing), the language, alt text and outputs in the desktop ones, and the rest in the
    light desktop view only.
    """
    edition = edition_of(name)
    first = scheme == "light" and not phone
    details = [inspect_theme(scheme, page, problems)]
    details.append(inspect_layout(page, problems, desktop=not phone))
    if scheme == "light":
        details.append(inspect_switch_place(page, problems))
    if not phone:
        # The markup is the same at every width: check it once per mode.
        details += [
            inspect_lang(edition, page, problems),
            inspect_alt(page, problems),
            inspect_outputs(page, problems),
        ]
    if first:
        details.append(inspect_figures(edition, page, problems))
        details.append(inspect_downloads(origin, name, page, problems))
        if edition == CHINESE and name.removeprefix(edition.folder) not in GENERATED_PAGES:
            details.append(inspect_translation(page, problems))
    details.append(inspect_axe(page, problems, contrast=not phone))
    if path is not None:
        save_screenshot(page, path, full_page=True)
    if first:
        # Last, though it leaves this page as it is: the click opens the other page in a new tab.
        details.append(inspect_switch_target(origin, counterpart(name), page, problems))
    return ", ".join(detail for detail in details if detail)


VIEWS: list[tuple[bool, Literal["dark"] | None]] = list(product((False, True), (None, "dark")))


def view_name(mode: Literal["dark"] | None, *, phone: bool) -> str:
    """Name a view: ``light``, ``dark``, ``phone light`` or ``phone dark``."""
    scheme = mode or "light"
    return f"phone {scheme}" if phone else scheme


def page_screenshot(pages_dir: Path, name: str, view: str) -> Path:
    """Where the whole page `name` is saved in `view`: in `pages_dir`, laid out like the site.

    Examples
    --------
    >>> [page_screenshot(Path("pages"), name, "phone light").as_posix()
    ...  for name in ("chapters/numerics.html", "zh_CN/chapters/numerics.html")]
    ['pages/chapters_numerics-phone-light.png', 'pages/zh_CN/chapters_numerics-phone-light.png']
    """
    edition = edition_of(name)
    stem = name.removeprefix(edition.folder).removesuffix(".html").replace("/", "_")
    return pages_dir / edition.folder / f"{stem}-{view.replace(' ', '-')}.png"


def check_page(
    browser: Browser,
    origin: str,
    name: str,
    mode: Literal["dark"] | None,
    pages_dir: Path | None,
    *,
    phone: bool = False,
) -> Report:
    """Check one `name`d page in one view; return what the visit found.

    `mode` is None for a first-time reader on a light system, which must get the light theme.
    With `pages_dir`, the view is saved there whole (`page_screenshot`). The report names the
    page, its edition and the view.
    """
    scheme: Literal["light", "dark"] = mode or "light"
    view = view_name(mode, phone=phone)
    path = None if pages_dir is None else page_screenshot(pages_dir, name, view)
    inspect = partial(inspect_page, scheme, phone, path, origin, name)
    report = visit(browser, origin, quote(name), inspect, mode, phone=phone)
    report.name = f"{name} [{edition_of(name).code} {view}]"
    return report


def search_site(browser: Browser, origin: str, search: Search) -> Report:
    """Search the edition of `search` for its term on its search page; return what it found."""
    inspect = partial(inspect_search, search, origin)
    report = visit(browser, origin, search.name, inspect)
    report.name = f"{search.edition.folder}search.html?q={search.term} [{search.edition.code}]"
    return report


def inspect_theme(scheme: Literal["light", "dark"], page: Page, problems: list[str]) -> str:
    """Check a page like `inspect_content`, and that it shows the colour `scheme`."""
    detail = inspect_content(page, problems)
    theme = page.evaluate("() => document.documentElement.dataset.theme")
    if theme != scheme:
        problems.append(f"page shows theme {theme!r}, not {scheme!r}")
    return detail


def start_browser(chromium: str) -> None:
    """Launch the browser of a worker process, which it drives until the process ends."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    BROWSERS.append(playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS))


def run_job(job: Callable[[Browser], Report]) -> Report:
    """Run one job in the browser of this worker process."""
    return job(BROWSERS[0])


def run(chromium: str, jobs: list[Callable[[Browser], Report]]) -> list[Report]:
    """Run `jobs` (each visits in the browser it is given) `WORKERS` at a time.

    Each job runs in a worker process with a browser of its own: Playwright's objects belong
    to one thread, and its maintainers advise processes for running it in parallel (with a
    thread each, a page sometimes stalled for a minute). Every report is printed as soon as it
    is done; they are returned in the order of `jobs`.
    """
    spawn = multiprocessing.get_context("spawn")
    start = partial(start_browser, chromium)
    with ProcessPoolExecutor(WORKERS, mp_context=spawn, initializer=start) as pool:
        futures = {pool.submit(run_job, job): index for index, job in enumerate(jobs)}
        reports = {}
        for future in as_completed(futures):
            reports[futures[future]] = future.result()
            print_report(reports[futures[future]])
    return [reports[index] for index in sorted(reports)]


def print_report(report: Report) -> None:
    """Print the one-line verdict of a visit.

    Parameters
    ----------
    report : Report
        The visit to print.
    """
    status = "FAIL" if report.problems else "ok"
    print(f"{status}  {report.name}  ({report.detail})", flush=True)


def parse_search(value: str) -> tuple[str, int]:
    """Read a ``--chinese-search`` value: a word, optionally with ``=N``, the fewest chapters.

    Examples
    --------
    >>> parse_search("损失函数=2"), parse_search("交叉熵")
    (('损失函数', 2), ('交叉熵', 1))
    """
    word, _, minimum = value.partition("=")
    if not word or (minimum and not minimum.isdigit()):
        raise argparse.ArgumentTypeError(f"{value!r} is neither WORD nor WORD=N")
    return word, int(minimum or 1)


def parse_only(value: str) -> re.Pattern[str]:
    """Compile the ``--only`` regular expression."""
    try:
        return re.compile(value)
    except re.error as error:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a regular expression: {error}"
        ) from None


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Parse the command line.

    Parameters
    ----------
    argv : list of str or None
        The arguments, or None for ``sys.argv[1:]``.

    Returns
    -------
    argparse.Namespace
        The options.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", type=Path, help="the HTML output directory of Sphinx")
    parser.add_argument(
        "--search-term",
        default="likelihood",
        help="a word the English search must find (default: %(default)s)",
    )
    defaults = " ".join(f"{word}={minimum}" for word, minimum in CHINESE_SEARCHES.items())
    parser.add_argument(
        "--chinese-search",
        type=parse_search,
        action="append",
        metavar="WORD[=N]",
        help="a word the Chinese search must find in at least N chapters (default N: 1); may be"
        f" repeated (default: {defaults})",
    )
    parser.add_argument(
        "--pages-dir", type=Path, metavar="DIR", help="save a PNG of every page in every view"
    )
    parser.add_argument(
        "--only",
        type=parse_only,
        metavar="PATTERN",
        help="check only the pages whose path (such as zh_CN/chapters/numerics.html) matches this"
        " regular expression, with the searches and screenshots on them",
    )
    parser.add_argument("--screenshot", type=Path, metavar="PATH", help="PNG of the page, light")
    parser.add_argument(
        "--dark-screenshot", type=Path, metavar="PATH", help="PNG of the page, dark"
    )
    parser.add_argument(
        "--phone-screenshot", type=Path, metavar="PATH", help="PNG of the page on a phone, light"
    )
    parser.add_argument(
        "--screenshot-page",
        default="index.html",
        metavar="PAGE",
        help="the page to screenshot, optionally with #anchor (default: %(default)s)",
    )
    return parser.parse_args(argv)


def plan_searches(root: Path, english: str, chinese: list[tuple[str, int]]) -> list[Search]:
    """List the searches to check in the site `root`.

    The `english` word must be found in at least one chapter of the English edition, each word
    of `chinese` (with the fewest chapters it must be found in) in the Chinese edition.
    """
    wanted = [(english, ENGLISH, 1)] + [(word, CHINESE, least) for word, least in chinese]
    return [
        Search(term, edition, chapters_containing(root, edition, term), least)
        for term, edition, least in wanted
    ]


def site_problem(root: Path) -> str:
    """Tell why the site `root` cannot be checked, or return "": it must hold both editions."""
    if not (root / "index.html").is_file():
        return f"{root / 'index.html'} not found: build the book first"
    if not (root / CHINESE.folder / "index.html").is_file():
        return (
            f"{root / CHINESE.folder / 'index.html'} not found: the site must hold both editions,"
            " the Chinese one in zh_CN/ (python tools/build_book.py builds both)"
        )
    return ""


def colliding_screenshots(pages_dir: Path, pages: list[str]) -> list[Path]:
    """List the screenshots of `pages` in `pages_dir` that two views would write."""
    paths = Counter(
        page_screenshot(pages_dir, name, view_name(mode, phone=phone))
        for name in pages
        for phone, mode in VIEWS
    )
    return sorted(path for path, count in paths.items() if count > 1)


def main(argv: list[str] | None = None) -> int:
    """Check every page of both editions of a built site, their searches, and take screenshots.

    Parameters
    ----------
    argv : list of str or None
        The command-line arguments, or None for ``sys.argv[1:]``.

    Returns
    -------
    int
        0 if everything passed, 1 if anything failed, 2 if the check could not run.
    """
    args = parse_args(argv)
    chromium = find_chromium()
    if chromium is None:
        wanted = os.environ.get("CHROMIUM", DEFAULT_CHROMIUM)
        print(f"{wanted} not found: apt-get install chromium (or set CHROMIUM)", file=sys.stderr)
        return 2
    root = args.html.resolve()
    problem = site_problem(root)
    if problem:
        print(problem, file=sys.stderr)
        return 2

    def chosen(name: str) -> bool:
        return args.only is None or args.only.search(name) is not None

    pages = [name for name in find_pages(root) if chosen(name)]
    colliding = [] if args.pages_dir is None else colliding_screenshots(args.pages_dir, pages)
    if colliding:
        same = ", ".join(map(str, colliding[:3]))
        print(f"two views would be saved to one file: {same}", file=sys.stderr)
        return 2
    chinese_words = args.chinese_search or list(CHINESE_SEARCHES.items())
    searches = [
        search
        for search in plan_searches(root, args.search_term, chinese_words)
        if chosen(f"{search.edition.folder}search.html")
    ]

    started = time.monotonic()
    reports = []
    if chosen(f"{CHINESE.folder}search.html"):
        words = [word for word, _ in chinese_words]
        reports.append(check_search_index(root, CHINESE, words))
        print_report(reports[-1])
    with serve(root) as origin:
        check = partial(check_page, origin=origin, pages_dir=args.pages_dir)
        jobs: list[Callable[[Browser], Report]] = [
            partial(check, name=name, mode=mode, phone=phone)
            for name in pages
            for phone, mode in VIEWS
        ]
        jobs += [partial(search_site, origin=origin, search=search) for search in searches]
        shots: list[tuple[Path, Literal["light", "dark"], bool]] = [
            (args.screenshot, "light", False),
            (args.dark_screenshot, "dark", False),
            (args.phone_screenshot, "light", True),
        ]
        shoot = partial(screenshot, origin=origin, target=args.screenshot_page)
        jobs += [
            partial(shoot, path=path, scheme=scheme, phone=phone)
            for path, scheme, phone in shots
            if path is not None and chosen(args.screenshot_page.partition("#")[0])
        ]
        reports += run(chromium, jobs)

    failed = [report for report in reports if report.problems]
    if failed:
        print("\nFailures:")
        for report in failed:
            for problem in report.problems:
                print(f"  {report.name}: {problem}")
    problems = sum(len(report.problems) for report in failed)
    editions = Counter(edition_of(name).code for name in pages)
    print(
        f"\n{len(pages)} pages ({', '.join(f'{n} {code}' for code, n in editions.items())}) in"
        f" {len(VIEWS)} views, {len(searches)} searches: {len(reports)} checks in"
        f" {time.monotonic() - started:.1f} s: {len(reports) - len(failed)} passed,"
        f" {len(failed)} failed ({problems} problems)"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
