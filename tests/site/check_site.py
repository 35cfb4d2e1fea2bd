"""Check the built book in headless Chromium the way a reader would see it.

Usage::

    python tests/site/check_site.py docs/_build/html [--search-term WORD] [--pages-dir DIR]
        [--screenshot-page PAGE] [--screenshot PATH] [--dark-screenshot PATH]
        [--phone-screenshot PATH]

The HTML directory is served on 127.0.0.1 (the search page needs http, not file://) and every
page is opened in Debian's Chromium (``/usr/bin/chromium``, or ``$CHROMIUM``) through Playwright
in four views: a 1280x800 desktop window and a 390x844 phone (touch, at twice the density),
each as a first-time reader on a light system and with the theme switched to dark mode. With
``--pages-dir`` every view is saved there whole, as ``<page>-light.png``, ``<page>-dark.png``,
``<page>-phone-light.png`` and ``<page>-phone-dark.png``. A view fails on

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

The desktop views also fail on

- a display equation wider than its box at all, even in a box that scrolls: equations are
  written to fit the desktop column;
- an image of the main content without alt text, or with a file name for alt text;
- a code-cell output (the ``pre`` text of ``div.cell_output``) that shows a numpy repr
  (``np.float64(``, ``array(``, ``dtype=``) or a number with more than 6 significant digits
  (integers do not count). A cell that exists to show full precision says so with the tag
  ``full-precision``, which exempts its outputs.

The search page must find the search term. ``--screenshot`` and ``--dark-screenshot`` save the
desktop window at ``--screenshot-page``, ``--phone-screenshot`` the light phone screen. One line
is printed per view as it is done, then every failure and a summary; the exit status is 0 when
all passed, 1 when anything failed and 2 when the check could not run.

Throughout, ``browser`` is the running browser and ``origin`` the origin of the local server.
Each ``inspect_*`` function (and ``wait_for_math``) takes a loaded Playwright page and a list
of problems, appends to the list what it finds wrong, and returns a short detail for the report.
Playwright and axe are imported inside the functions that drive the browser: pytest's
``--doctest-modules`` imports this file in sessions that do not install them.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from itertools import product
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote, urlencode, urlsplit

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

DEFAULT_CHROMIUM = "/usr/bin/chromium"
# Root runs need --no-sandbox; the networking switches stop Chromium's own background traffic
# (updates, sync, QUIC probes), which on this closed network only piles up refused connections.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
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

# The src and alt of every image in the main content.
ALT_JS = """
() => Array.from(document.querySelectorAll("article img, main img"),
  (img) => ({src: img.getAttribute("src") || "", alt: img.getAttribute("alt")}))
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


class QuietHandler(SimpleHTTPRequestHandler):
    """Static file handler that does not log each request to stderr."""

    def log_message(self, fmt: str, *args: Any) -> None:
        """Drop the message."""


class QuietServer(ThreadingHTTPServer):
    """Threaded HTTP server that does not print tracebacks of dropped connections."""

    # The browsers open a connection per file, several at once; the default backlog of 5
    # overflows, and a connection refused that way is retried only a second or more later.
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Drop the error.

        The browser drops connections it no longer needs; a real failure shows up as a failed
        request on the page, which is reported there with its URL.
        """


@contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve a directory on 127.0.0.1 from a background thread.

    Parameters
    ----------
    root : Path
        The directory to serve.

    Yields
    ------
    str
        The origin of the server, such as ``http://127.0.0.1:40123``.
    """
    handler = partial(QuietHandler, directory=str(root))
    with QuietServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            thread.join()


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
        ``_sources``, ``_images`` and hidden directories are left out.
    """
    pages = []
    for path in root.rglob("*.html"):
        parts = path.relative_to(root).parts
        if parts[0] in SKIPPED_DIRS or any(part.startswith(".") for part in parts):
            continue
        pages.append("/".join(parts))
    return sorted(pages)


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

    context = browser.new_context(
        viewport=PHONE if phone else VIEWPORT,
        device_scale_factor=PHONE_SCALE if phone else 1,
        is_mobile=phone,
        has_touch=phone,
        color_scheme=mode or "light",
    )
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    if mode is not None:
        # pydata-sphinx-theme (under sphinx-book-theme) applies the stored mode from an inline
        # script in <head>, so it must be in localStorage before that script runs.
        context.add_init_script(
            "if (location.protocol === 'http:') {"
            f" localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}'); }}"
        )
    page = context.new_page()
    problems: list[str] = []
    watch(page, origin, problems)
    detail = ""
    try:
        page.goto(f"{origin}/{name}", wait_until="load")
        page.wait_for_load_state("networkidle")
        detail = inspect(page, problems)
    except PlaywrightError as error:
        problems.append(f"browser error: {error.message.splitlines()[0]}")
    # Requests cancelled by closing the tab are not the page's fault, so copy before closing.
    report = Report(name, detail, list(problems))
    context.close()
    return report


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


def inspect_search(term: str, page: Page, problems: list[str]) -> str:
    """Check that the search page, with `term` already in its query, found it."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    try:
        page.wait_for_function(SEARCH_DONE_JS, timeout=SEARCH_TIMEOUT_MS)
        finished = True
    except PlaywrightTimeoutError:
        finished = False
    results = page.locator(SEARCH_RESULTS).count()
    if results == 0 and finished:
        summary = " ".join(page.locator("#search-results").inner_text().split())
        problems.append(f"search for {term!r} found nothing: {summary!r}")
    elif results == 0:
        seconds = SEARCH_TIMEOUT_MS // 1000
        problems.append(f"search for {term!r} showed no result within {seconds} s")
    return f"results {results}"


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
    page: Page,
    problems: list[str],
) -> str:
    """Run every check of a page on a `phone` or not, then save it whole to `path` if given."""
    details = [inspect_theme(scheme, page, problems)]
    details.append(inspect_layout(page, problems, desktop=not phone))
    if not phone:
        # The markup is the same at every width: check it once per mode.
        details += [inspect_alt(page, problems), inspect_outputs(page, problems)]
    details.append(inspect_axe(page, problems, contrast=not phone))
    if path is not None:
        save_screenshot(page, path, full_page=True)
    return ", ".join(detail for detail in details if detail)


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
    With `pages_dir`, the view is saved there whole as ``<page>-[phone-]<light|dark>.png``.
    """
    scheme: Literal["light", "dark"] = mode or "light"
    view = f"phone {scheme}" if phone else scheme
    path = None
    if pages_dir is not None:
        stem = name.removesuffix(".html").replace("/", "_")
        path = pages_dir / f"{stem}-{view.replace(' ', '-')}.png"
    inspect = partial(inspect_page, scheme, phone, path)
    report = visit(browser, origin, quote(name), inspect, mode, phone=phone)
    report.name = f"{name} [{view}]"
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


def find_chromium() -> str | None:
    """Locate the Chromium binary to drive.

    Returns
    -------
    str or None
        The absolute path of ``$CHROMIUM`` (default ``/usr/bin/chromium``), or None if it is
        not an executable.
    """
    return shutil.which(os.environ.get("CHROMIUM", DEFAULT_CHROMIUM))


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
        help="a word the search must find (default: %(default)s)",
    )
    parser.add_argument(
        "--pages-dir", type=Path, metavar="DIR", help="save a PNG of every page in every view"
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


def main(argv: list[str] | None = None) -> int:
    """Check every page of a built site, its search and optionally take screenshots.

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
    if not (root / "index.html").is_file():
        print(f"{root / 'index.html'} not found: build the book first", file=sys.stderr)
        return 2

    started = time.monotonic()
    with serve(root) as origin:
        check = partial(check_page, origin=origin, pages_dir=args.pages_dir)
        jobs: list[Callable[[Browser], Report]] = [
            partial(check, name=name, mode=mode, phone=phone)
            for name in find_pages(root)
            for phone, mode in product((False, True), (None, "dark"))
        ]
        query = "search.html?" + urlencode({"q": args.search_term}, quote_via=quote)
        search = partial(inspect_search, args.search_term)
        jobs.append(partial(visit, origin=origin, name=query, inspect=search))
        shots: list[tuple[Path, Literal["light", "dark"], bool]] = [
            (args.screenshot, "light", False),
            (args.dark_screenshot, "dark", False),
            (args.phone_screenshot, "light", True),
        ]
        shoot = partial(screenshot, origin=origin, target=args.screenshot_page)
        jobs += [
            partial(shoot, path=path, scheme=scheme, phone=phone)
            for path, scheme, phone in shots
            if path is not None
        ]
        reports = run(chromium, jobs)

    failed = [report for report in reports if report.problems]
    if failed:
        print("\nFailures:")
        for report in failed:
            for problem in report.problems:
                print(f"  {report.name}: {problem}")
    problems = sum(len(report.problems) for report in failed)
    print(
        f"\n{len(reports)} checks in {time.monotonic() - started:.1f} s: "
        f"{len(reports) - len(failed)} passed, {len(failed)} failed ({problems} problems)"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
