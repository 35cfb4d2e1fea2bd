"""Keep the figures in README.md current: measured by a script, never typed.

Usage::

    python tools/readme_figures.py measure [--bench-json PATH] [--only tests|build]
    python tools/readme_figures.py render
    python tools/readme_figures.py check

``measure`` counts the tests and doctests, times a clean build of the book and its PDFs and a
no-op rebuild (with the execution time of each chapter), counts the PDFs' pages and draws one
page to ``.readme/pdf-page.png`` (poppler), runs the accuracy benchmark (or reads the JSON of an
earlier ``nox -s bench -- --json PATH``), and writes everything to ``.readme/figures.json``;
``--only tests`` refreshes just the count, ``--only build`` all but the accuracy table. A
``measure`` that times the build also copies the desktop and the phone
screenshot of the last ``nox -s site`` to ``.readme/site.png`` and ``.readme/site-phone.png``, the
README's pictures, and refuses to run if they are older than the sources of the book.
``render`` rewrites the block of
README.md between the ``figures`` markers from that file, and ``check`` fails if the block
differs from what ``render`` would write. ``nox -s readme`` runs ``measure`` and ``render``.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from build_book import build as build_book
from print_book import pdf_name, print_editions

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
FIGURES = ROOT / ".readme" / "figures.json"
# The README's picture: the screenshot `nox -s site` takes of the numerics chapter.
SCREENSHOT = ROOT / "docs" / "_build" / "screenshots" / "numerics-light.png"
PICTURE = ROOT / ".readme" / "site.png"
# Beside it, the same place of the book on a phone (390 px wide).
PHONE_SCREENSHOT = ROOT / "docs" / "_build" / "screenshots" / "numerics-phone.png"
PHONE_PICTURE = ROOT / ".readme" / "site-phone.png"
# And a page of the printed book: the one with this figure of the numerics chapter.
PDF_PICTURE = ROOT / ".readme" / "pdf-page.png"
PDF_PICTURE_TEXT = "Error in ulp against an mpmath reference"
BEGIN = "<!-- figures: written by tools/readme_figures.py from .readme/figures.json -->"
END = "<!-- figures: end -->"


def count_tests() -> int:
    """The number of tests and doctests pytest collects."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"^(\d+) tests? collected", result.stdout, flags=re.M)
    if found is None:
        sys.exit(f"pytest reported no count:\n{result.stdout[-2000:]}")
    return int(found.group(1))


def pdf_pages(pdf: Path) -> int:
    """The number of pages of `pdf` (poppler's pdfinfo)."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, flags=re.M)[1])


def picture_pdf_page(pdf: Path) -> int:
    """Draw the page of `pdf` that holds ``PDF_PICTURE_TEXT`` to ``PDF_PICTURE``; its number."""
    for page in range(1, pdf_pages(pdf) + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        if PDF_PICTURE_TEXT in " ".join(text.split()):
            stem = PDF_PICTURE.with_suffix("")
            command = ["pdftoppm", "-png", "-r", "60", "-singlefile", "-f", str(page)]
            subprocess.run([*command, "-l", str(page), str(pdf), str(stem)], check=True)
            return page
    sys.exit(f"no page of {pdf} holds {PDF_PICTURE_TEXT!r}")


def time_build() -> dict[str, Any]:
    """Time clean builds of the editions and their PDFs, a no-op rebuild, and each chapter.

    Also counts the PDFs' pages and draws one of them to ``PDF_PICTURE``.
    """
    with tempfile.TemporaryDirectory() as work:
        languages = ["en", "zh_CN"]
        # A clean build, then a rebuild with nothing changed: each builds the sites, then prints.
        (clean, printed), noop = (
            (
                build_book(Path(work), languages, ["-q"]),
                print_editions(Path(work), languages, ["-q"]),
            )
            for _ in range(2)
        )
        status = Path(work, "html", "reference", "status.html").read_text(encoding="utf-8")
        pages = {code: pdf_pages(Path(work, "pdf", pdf_name(code))) for code in languages}
        picture_page = picture_pdf_page(Path(work, "pdf", pdf_name("en")))
    rows = re.findall(
        r'<span class="doc">chapters/([\w-]+)</span>.*?<td><p>[^<]*</p></td>\s*'
        r"<td><p>[^<]*</p></td>\s*<td><p>([\d.]+)</p></td>",
        status,
        flags=re.S,
    )
    return {
        "clean_seconds": round(sum(clean.values()), 1),
        "clean_seconds_by_edition": {name: round(s, 1) for name, s in clean.items()},
        "pdf_seconds_by_edition": {name: round(s, 1) for name, s in printed.items()},
        "everything_seconds": round(sum(clean.values()) + sum(printed.values()), 1),
        "noop_seconds": round(sum(noop[0].values()) + sum(noop[1].values()), 1),
        "pdf_pages": pages,
        "pdf_picture_page": picture_page,
        "chapters": {html.unescape(name): float(run) for name, run in rows},
    }


def run_accuracy(bench_json: Path | None) -> dict[str, Any]:
    """The accuracy section of a benchmark JSON, running the benchmark if none is given."""
    if bench_json is None:
        with tempfile.TemporaryDirectory() as work:
            path = Path(work) / "bench.json"
            subprocess.run(
                [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--json", str(path)],
                check=True,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
            )
            document = json.loads(path.read_text(encoding="utf-8"))
    else:
        document = json.loads(bench_json.read_text(encoding="utf-8"))
    return {
        "environment": document["environment"],
        "points": document["accuracy"]["points"],
        "rows": document["accuracy"]["rows"],
        "results": document["accuracy"]["results"],
    }


def _ulp(value: float | None) -> str:
    if value is None:
        return "no finite result"
    if value >= 1e4:
        return f"{value:.1e}"
    return f"{value:.2f}"


def _cell(result: dict[str, Any] | None) -> str:
    if result is None:
        return "-"
    cell = _ulp(result["max_ulp"])
    if result["non_finite"]:
        cell += f", {result['non_finite']:,} inf/nan"
    return cell


def accuracy_table(accuracy: dict[str, Any]) -> str:
    """One line per function: losslab's largest and median error, scipy's and torch's largest."""
    by_function: dict[str, list[dict[str, Any]]] = {}
    for line in accuracy["results"]:
        by_function.setdefault(line["function"], []).append(line)
    lines = [
        "| function | losslab, max ulp | losslab, median ulp | scipy, max ulp | torch, max ulp |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for function, results in by_function.items():
        ours = next(r for r in results if r["implementation"] == "losslab")
        peers = {
            name: next((r for r in results if name in r["implementation"]), None)
            for name in ("scipy", "torch")
        }
        lines.append(
            f"| {function} | {_ulp(ours['max_ulp'])} | {_ulp(ours['median_ulp'])} "
            f"| {_cell(peers['scipy'])} | {_cell(peers['torch'])} |"
        )
    return "\n".join(lines)


def render_block(figures: dict[str, Any]) -> str:
    """The README block, from the figures file."""
    build = figures["build"]
    chapters = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in build["chapters"].items())
    editions = build["clean_seconds_by_edition"]
    printed, pages = build["pdf_seconds_by_edition"], build["pdf_pages"]
    accuracy = figures["accuracy"]
    env = accuracy["environment"]
    torch = env["torch"] or "not installed"
    return "\n".join(
        [
            BEGIN,
            "",
            f"- Over **{figures['tests'] // 50 * 50:,}** tests and doctests (`nox -s tests`).",
            "- Clean build of everything, both editions with their chapter notebooks and "
            f"their PDFs: **{build['everything_seconds']} s**. The sites took "
            f"{build['clean_seconds']} s, every chapter executed (English {editions['en']} s, "
            f"then the Chinese edition, which executes nothing, {editions['zh_CN']} s), the "
            f"PDFs {printed['en']} s and {printed['zh_CN']} s. A rebuild of everything with "
            f"nothing changed: **{build['noop_seconds']} s**. Chapter execution: {chapters}.",
            f"- The PDFs: **{pages['en']} pages** in English, **{pages['zh_CN']} pages** in "
            f"Chinese (A4; `.readme/pdf-page.png` above is page {build['pdf_picture_page']} "
            "of the English one).",
            f"- Accuracy over the whole float64 range ({accuracy['points']:,} points per "
            f"elementwise function, {accuracy['rows']:,} rows per reduction; logsumexp, "
            "gaussian_nll and poisson_nll in ulp / max(1, condition number)), beside scipy and "
            f"torch {torch} "
            "(inf/nan: results that overflowed or were undefined where the exact value is "
            "finite):",
            "",
            accuracy_table(accuracy),
            "",
            f"Measured on {env['cpu']} ({env['logical_cpus']} logical CPUs), Python "
            f"{env['python']}, numpy {env['numpy']}, scipy {env['scipy']}.",
            "",
            END,
        ]
    )


def replace_block(text: str, block: str) -> str:
    """`text` with the figures block replaced by `block`."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        sys.exit(f"README.md has no block between {BEGIN!r} and {END!r}")
    return text[:start] + block + text[end + len(END) :]


def refresh_picture() -> None:
    """Copy the site check's screenshots to the README's pictures, if they show the current book."""
    sources = [p for d in ("docs", "src") for p in (ROOT / d).rglob("*") if "_build" not in p.parts]
    newest = max(p.stat().st_mtime for p in sources if p.is_file())
    pairs = ((SCREENSHOT, PICTURE), (PHONE_SCREENSHOT, PHONE_PICTURE))
    for shot in (shot for shot, _ in pairs):
        if not shot.is_file() or shot.stat().st_mtime < newest:
            sys.exit(
                f"{shot.relative_to(ROOT)} is missing or older than docs/ or src/: "
                "run nox -s site first"
            )
    for shot, picture in pairs:
        shutil.copyfile(shot, picture)
        print(f"copied {shot.relative_to(ROOT)} to {picture.relative_to(ROOT)}")


def main(argv: list[str] | None = None) -> int:
    """Run one action; the exit status is 1 when ``check`` finds the README out of date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["measure", "render", "check"])
    parser.add_argument("--bench-json", type=Path, help="read accuracy from a bench JSON")
    parser.add_argument("--only", choices=["tests", "build"], help="what to refresh alone")
    args = parser.parse_args(argv)

    if args.action == "measure":
        figures = json.loads(FIGURES.read_text(encoding="utf-8")) if args.only else {}
        figures["tests"] = count_tests()
        if args.only != "tests":
            figures["build"] = time_build()
        if not args.only:
            figures["accuracy"] = run_accuracy(args.bench_json)
        FIGURES.parent.mkdir(exist_ok=True)
        FIGURES.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {FIGURES.relative_to(ROOT)}")
        if args.only != "tests":
            refresh_picture()
        return 0

    figures = json.loads(FIGURES.read_text(encoding="utf-8"))
    text = README.read_text(encoding="utf-8")
    wanted = replace_block(text, render_block(figures))
    if args.action == "render":
        README.write_text(wanted, encoding="utf-8")
        print("README.md figures rewritten")
        return 0
    if wanted != text:
        print("README.md's figures differ from .readme/figures.json: run nox -s readme")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
