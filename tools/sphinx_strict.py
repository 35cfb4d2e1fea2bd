"""The one definition of a strict build of the book, shared by nox and the scripts that build it.

``-W`` turns every warning into an error, ``-n`` (nitpicky) warns about every reference that does
not resolve, and ``--keep-going`` reports all of them before failing instead of the first only.

The book has two editions, English and Chinese, built from the same sources into one site: the
English one at ``<build>/html``, the Chinese one at ``<build>/html/zh_CN``. Both execute their
notebooks through the one cache under ``<build>/jupyter_cache`` (``LOSSLAB_BUILD_DIR`` names
``<build>``; by default ``docs/_build``), so the second edition executes nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

STRICT_FLAGS = ("-W", "-n", "--keep-going")

#: The editions, English first: it is the one the other's catalogs translate.
EDITIONS = ("en", "zh_CN")


def edition_html(build: Path, language: str) -> Path:
    """Where the `language` edition's site goes in the build folder `build`."""
    return build / "html" if language == "en" else build / "html" / language


def edition_folders(build: Path, language: str, builder: str = "html") -> tuple[Path, Path]:
    """Where `builder` keeps the `language` edition's environment, and where it writes it.

    The site (``html``) is at `edition_html`; another builder (``singlehtml``, for the printed
    book) writes to ``<build>/<builder>/<language>``, from an environment of its own.
    """
    if builder == "html":
        return build / "doctrees" / language, edition_html(build, language)
    return build / "doctrees" / f"{builder}-{language}", build / builder / language


def edition_arguments(docs: Path, build: Path, language: str, builder: str = "html") -> list[str]:
    """The arguments of Sphinx for a strict build of the `language` edition of `docs`."""
    if language not in EDITIONS:
        raise ValueError(f"no edition {language!r}: the editions are {', '.join(EDITIONS)}")
    doctrees, out = edition_folders(build, language, builder)
    return [
        *STRICT_FLAGS,
        "-b",
        builder,
        "-D",
        f"language={language}",
        "-d",
        str(doctrees),
        str(docs),
        str(out),
    ]


def edition_command(
    docs: Path, build: Path, language: str, *options: str, builder: str = "html"
) -> list[str]:
    """The command that builds the `language` edition strictly with `builder`."""
    arguments = edition_arguments(docs, build, language, builder)
    return [sys.executable, "-m", "sphinx", *options, *arguments]
