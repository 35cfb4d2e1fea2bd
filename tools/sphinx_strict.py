"""The one definition of a strict build of the book, shared by nox and the scripts that build it.

``-W`` turns every warning into an error, ``-n`` (nitpicky) warns about every reference that does
not resolve, and ``--keep-going`` reports all of them before failing instead of the first only.
"""

from __future__ import annotations

import sys

STRICT_FLAGS = ("-W", "-n", "--keep-going", "-b", "html")


def sphinx_command(*arguments: str) -> list[str]:
    """The command of a strict HTML build with this Python's Sphinx, then `arguments`."""
    return [sys.executable, "-m", "sphinx", *STRICT_FLAGS, *arguments]
