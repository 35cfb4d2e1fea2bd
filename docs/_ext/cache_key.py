"""The key of the book's execution cache: a hash of the library's source.

jupyter-cache keys a notebook on its own code cells only, so an edit of the library would leave
stale outputs in the book. ``conf.py`` names the cache directory after this hash: any edit in
``src/`` starts a fresh cache, and since the path is a Sphinx config value, Sphinx also re-reads
(and so re-executes) every page. As a Sphinx extension, this module also removes the caches of
earlier states of ``src/`` when a build starts: they can never be hit again.
"""

from __future__ import annotations

import hashlib
import pathlib
import shutil
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the tests load this module without Sphinx installed
    from sphinx.application import Sphinx


def source_hash(package: pathlib.Path) -> str:
    """Hash the names and bytes of every Python file under `package`, in a stable order."""
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def prune_stale_caches(cache: pathlib.Path) -> list[pathlib.Path]:
    """Remove the siblings of the execution cache `cache`; return what was removed."""
    if not cache.parent.is_dir():
        return []
    stale = [path for path in sorted(cache.parent.iterdir()) if path != cache]
    for path in stale:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return stale


def _on_builder_inited(app: Sphinx) -> None:
    prune_stale_caches(pathlib.Path(app.config.nb_execution_cache_path))


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", _on_builder_inited)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
