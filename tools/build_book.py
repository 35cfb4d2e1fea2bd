"""Build the book strictly: both editions into one site, English first, then their PDFs.

    python tools/build_book.py [--language en|zh_CN ...] [--build DIR] [--no-pdf]
                               [SPHINX-OPTIONS ...]

The English edition goes to ``DIR/html``, the Chinese one to ``DIR/html/zh_CN`` (DIR: the
``LOSSLAB_BUILD_DIR`` environment variable, else ``docs/_build``). Both execute the chapters
through the one cache in ``DIR/jupyter_cache``: the English build executes what changed, and
the Chinese build reuses every result. Each chapter's notebook is written into its edition's
site (``docs/_ext/notebooks.py``). Then ``print_book.py`` prints each edition to
``DIR/pdf`` and into its site, unless ``--no-pdf``, or unless nothing it prints from changed.
Prints each step's time.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from print_book import print_editions
from sphinx_strict import EDITIONS, edition_command, edition_html

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def build(build_dir: Path, languages: list[str], options: list[str]) -> dict[str, float]:
    """Build the editions `languages` into `build_dir`; return the seconds each took."""
    env = {**os.environ, "LOSSLAB_BUILD_DIR": str(build_dir)}
    seconds = {}
    for language in languages:
        start = time.perf_counter()
        subprocess.run(edition_command(DOCS, build_dir, language, *options), env=env, check=True)
        seconds[language] = time.perf_counter() - start
        print(
            f"{language}: built in {seconds[language]:.1f} s, {edition_html(build_dir, language)}"
        )
    return seconds


def main(argv: list[str]) -> int:
    """Build the editions that `argv` asks for; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", action="append", choices=EDITIONS, help="default: both")
    parser.add_argument("--build", type=Path, default=None)
    parser.add_argument("--no-pdf", action="store_true", help="build the sites alone")
    # Any other argument goes to sphinx-build (-q, -E, -j auto, ...).
    args, options = parser.parse_known_args(argv)
    build_dir = args.build or Path(os.environ.get("LOSSLAB_BUILD_DIR", DOCS / "_build"))
    # English first, whatever the order asked: the Chinese build reuses its executions.
    languages = [language for language in EDITIONS if language in (args.language or EDITIONS)]
    try:
        build(build_dir.resolve(), languages, options)
        if not args.no_pdf:
            print_editions(build_dir.resolve(), languages, options)
    except subprocess.CalledProcessError as error:
        return error.returncode or 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
