"""The key of the book's execution cache: a hash of the library's source.

jupyter-cache keys a notebook on its own code cells only, so an edit of the library would leave
stale outputs in the book. ``conf.py`` names the cache directory after this hash: any edit in
``src/`` starts a fresh cache, and since the path is a Sphinx config value, Sphinx also re-reads
(and so re-executes) every page.
"""

from __future__ import annotations

import hashlib
import pathlib


def source_hash(package: pathlib.Path) -> str:
    """Hash the names and bytes of every Python file under `package`, in a stable order."""
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]
