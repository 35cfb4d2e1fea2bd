"""Check the built book in headless Chromium the way a reader would see it.

Usage::

    python tests/site/check_site.py docs/_build/html [--search-term WORD] [--pages-dir DIR]
        [--screenshot PATH] [--dark-screenshot PATH]

The HTML directory is served on 127.0.0.1 (the search page needs http, not file://) and every
page is opened in Debian's Chromium (``/usr/bin/chromium``, or ``$CHROMIUM``) through Playwright,
twice: as a first-time reader on a light system, and with the theme switched to dark mode (then
the page must show the dark theme). With ``--pages-dir`` both views of every page are saved as
screenshots there.
A page fails on a console error, an uncaught exception, a failed or >= 400 request of its own,
any request that leaves the site (it must work offline), math that MathJax did not typeset or
typeset as an error, or an image that did not load. The search page must find the search term.
One line is printed per page, then every failure and a summary; the exit status is 0 when all
passed, 1 when anything failed and 2 when the check could not run.

Throughout, ``browser`` is the running browser and ``origin`` the origin of the local server.
Each ``inspect_*`` function (and ``wait_for_math``) takes a loaded Playwright page and a list
of problems, appends to the list what it finds wrong, and returns a short detail for the report.

Playwright is imported inside the functions that drive the browser: pytest's
``--doctest-modules`` imports this file in sessions that do not install Playwright.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
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
PAGE_TIMEOUT_MS = 30_000
MATH_TIMEOUT_MS = 15_000
IMAGE_TIMEOUT_MS = 10_000
SEARCH_TIMEOUT_MS = 20_000
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}

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

    Returns
    -------
    Report
        The detail and every problem seen while the page was open.
    """
    from playwright.sync_api import Error as PlaywrightError

    context = browser.new_context(viewport=VIEWPORT, color_scheme=mode or "light")
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


def inspect_screenshot(
    path: Path,
    scheme: Literal["light", "dark"],
    page: Page,
    problems: list[str],
    *,
    full_page: bool = False,
) -> str:
    """Check a page like `inspect_theme`, then save a screenshot of it to `path`.

    With `full_page` the whole page is captured rather than the 1280x800 viewport.
    """
    detail = inspect_theme(scheme, page, problems)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=full_page)
    return f"{detail}; {scheme} -> {path}"


def screenshot(
    browser: Browser, origin: str, target: str, path: Path, scheme: Literal["light", "dark"]
) -> Report:
    """Screenshot one page at 1280x800 in a light or dark colour scheme.

    Parameters
    ----------
    target : str
        The page, relative to the site root, with an optional ``#anchor`` to scroll to.
    path : Path
        Where to write the PNG.
    scheme : {"light", "dark"}
        The colour scheme.

    Returns
    -------
    Report
        The problems seen on the page; the screenshot is taken even if there are some.
    """
    report = visit(browser, origin, target, partial(inspect_screenshot, path, scheme), scheme)
    report.name = f"{target} [{scheme} screenshot]"
    return report


def check_page(
    browser: Browser,
    origin: str,
    name: str,
    mode: Literal["dark"] | None,
    pages_dir: Path | None,
) -> Report:
    """Check one page as a first-time reader (light) or in dark mode, saving a screenshot.

    Parameters
    ----------
    name : str
        The page, relative to the site root.
    mode : {"dark"} or None
        None for a first-time reader on a light system, which must get the light theme.
    pages_dir : Path or None
        Where to save a full-page ``<page>-light.png`` or ``<page>-dark.png``; None for none.

    Returns
    -------
    Report
        What the visit found, named after the page and the mode.
    """
    scheme: Literal["light", "dark"] = mode or "light"
    if pages_dir is None:
        inspect: Callable[[Page, list[str]], str] = partial(inspect_theme, scheme)
    else:
        stem = name.removesuffix(".html").replace("/", "_")
        path = pages_dir / f"{stem}-{scheme}.png"
        inspect = partial(inspect_screenshot, path, scheme, full_page=True)
    report = visit(browser, origin, quote(name), inspect, mode)
    report.name = f"{name} [{scheme}]"
    return report


def inspect_theme(scheme: Literal["light", "dark"], page: Page, problems: list[str]) -> str:
    """Check a page like `inspect_content`, and that it shows the colour `scheme`."""
    detail = inspect_content(page, problems)
    theme = page.evaluate("() => document.documentElement.dataset.theme")
    if theme != scheme:
        problems.append(f"page shows theme {theme!r}, not {scheme!r}")
    return detail


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
        "--pages-dir", type=Path, metavar="DIR", help="save a light and a dark PNG of every page"
    )
    parser.add_argument("--screenshot", type=Path, metavar="PATH", help="PNG of the page, light")
    parser.add_argument(
        "--dark-screenshot", type=Path, metavar="PATH", help="PNG of the page, dark"
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

    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    reports: list[Report] = []
    with serve(root) as origin, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for name in find_pages(root):
            for mode in (None, "dark"):
                reports.append(check_page(browser, origin, name, mode, args.pages_dir))
                print_report(reports[-1])
        query = "search.html?" + urlencode({"q": args.search_term}, quote_via=quote)
        reports.append(visit(browser, origin, query, partial(inspect_search, args.search_term)))
        print_report(reports[-1])
        shots: list[tuple[Path, Literal["light", "dark"]]] = [
            (args.screenshot, "light"),
            (args.dark_screenshot, "dark"),
        ]
        for path, scheme in shots:
            if path is not None:
                reports.append(screenshot(browser, origin, args.screenshot_page, path, scheme))
                print_report(reports[-1])
        browser.close()

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
