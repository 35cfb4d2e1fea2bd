"""Give the bibliography's entries a role that screen readers know.

docutils marks a list of citations ``role="list"`` and each citation ``role="doc-biblioentry"``,
a role ARIA 1.2 deprecates: a list whose children are not list items is an error to an
accessibility audit (axe-core's ``aria-required-children``), and screen readers announce an
empty list. Each citation becomes a ``listitem``, the role the list requires.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

DEPRECATED = 'role="doc-biblioentry"'
LIST_ITEM = 'role="listitem"'


def relabel_citations(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Rewrite the role of every citation in the body of a page about to be written."""
    body = context.get("body")
    if isinstance(body, str) and DEPRECATED in body:
        context["body"] = body.replace(DEPRECATED, LIST_ITEM)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the rewrite."""
    app.connect("html-page-context", relabel_citations)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
