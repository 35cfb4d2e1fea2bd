"""The book as one printable page per edition, for ``tools/print_book.py`` to print to PDF.

Sphinx's ``singlehtml`` builder already inlines every document of the table of contents into
the root one. This extension turns that page into a book when the builder is ``singlehtml``:

- **Parts.** The chapters and the reference pages leave the landing page's last section, where
  the table of contents inlined them, and become parts of their own: each one's title is a
  level-1 heading (the PDF's outline follows the headings) and starts a new page.
- **What is printed.** The pages of ``losslab_print_exclude`` (the API reference, the build
  status with its measured times) stay on the site only; a link to them becomes plain text.
  Links between the editions are left out: a printed book has no other edition to switch to.
- **Unique ids.** Each document numbers its own footnotes and citations (``id1``, ``id2``, ...);
  in one page the second ``id1`` is renamed, with the links to it, so that every internal link
  leads to its own target. A link to an id the page lacks is a warning, which fails the build.
- **Front matter.** The ``print.html`` template puts a title page (the landing page's title and
  subtitle, the version, the date of the last commit, never the clock) and a table of contents
  before the parts, with ``losslab-print.css`` for the styles: printed pages, not the site's.
"""

from __future__ import annotations

import datetime
import os
import re
from collections import Counter
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.locale import get_translation
from sphinx.util import logging

logger = logging.getLogger(__name__)
sphinx_text = get_translation("sphinx")

#: The site's styles a printed page keeps: code colours and the layout of cells.
KEPT_STYLES = re.compile(r"(pygments|mystnb)[^/]*\.css$")


def source_date() -> datetime.date:
    """The date of the book's sources, from ``SOURCE_DATE_EPOCH``, which ``tools/print_book.py``
    sets to the time of the last commit.

    Raises
    ------
    RuntimeError
        If ``SOURCE_DATE_EPOCH`` is unset: the printed book is never dated by the clock.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        raise RuntimeError(
            "the printed book is dated by SOURCE_DATE_EPOCH: print it with tools/print_book.py"
        )
    return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date()


def _parts(doctree: nodes.document, exclude: set[str]) -> list[addnodes.start_of_file]:
    """Take every inlined document out of the tree; return those to print, in reading order."""
    parts = []
    for part in list(doctree.findall(addnodes.start_of_file)):
        part.parent.remove(part)
        if part["docname"] not in exclude:
            parts.append(part)
    # The table of contents wrappers are empty now.
    for wrapper in list(doctree.findall(nodes.compound)):
        if "toctree-wrapper" in wrapper["classes"] and not wrapper.children:
            wrapper.parent.remove(wrapper)
    return parts


def _ids(unit: nodes.Element) -> set[str]:
    """Every id in `unit`."""
    return {id_ for node in unit.findall(nodes.Element) for id_ in node["ids"]}


def _target(reference: nodes.Element, docname: str) -> tuple[str, str] | None:
    """The (document, id) a link inside `docname` leads to; None for a link out of the book.

    Sphinx 9's singlehtml writes a link to a section of another document as
    ``#document-NAME#ID`` (and to a whole document as ``#document-NAME``).
    """
    if reference.get("refid"):
        return docname, reference["refid"]
    refuri = reference.get("refuri", "")
    if not refuri.startswith("#"):
        return None
    anchor, _, id_ = refuri[1:].partition("#")
    if id_:
        return anchor.removeprefix("document-"), id_
    if anchor.startswith("document-"):
        return anchor.removeprefix("document-"), anchor
    return docname, anchor


def _link_up(units: dict[str, nodes.Element], left_out: set[str], root: str) -> None:
    """Give every id one owner, point every internal link at its target's id, and make plain
    text of the links to the documents `left_out`; warn about a link to nothing."""
    owners: Counter[str] = Counter()
    for unit in units.values():
        owners.update(_ids(unit))
    # The first unit keeps its ids; in the others, an id that another unit has gets a prefix.
    rename = {
        (name, id_): f"p{number}-{id_}"
        for number, (name, unit) in enumerate(units.items())
        if number
        for id_ in _ids(unit)
        if owners[id_] > 1
    }
    for name, unit in units.items():
        for node in unit.findall(nodes.Element):
            node["ids"] = [rename.get((name, id_), id_) for id_ in node["ids"]]
            if "backrefs" in node:
                node["backrefs"] = [rename.get((name, id_), id_) for id_ in node["backrefs"]]
    ids = set().union(*(_ids(unit) for unit in units.values()))
    ids |= {f"document-{name}" for name in units}
    for name, unit in units.items():
        for reference in list(unit.findall(nodes.reference)):
            target = _target(reference, name)
            if target is None:
                continue
            document, id_ = target
            if document in left_out:
                reference.replace_self(reference.children)  # its text stays
                continue
            new = rename.get((document, id_), id_)
            if new not in ids:
                logger.warning(
                    "no target %r of %s in the printed book", id_, document, location=root
                )
            if "refid" in reference:
                reference["refid"] = new
            else:
                reference["refuri"] = f"#{new}"


def assemble(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Make the assembled single page a book (see the module's docstring)."""
    if app.builder.name != "singlehtml" or docname != app.config.root_doc:
        return
    exclude = set(app.config.losslab_print_exclude)
    for editions in list(doctree.findall(nodes.container)):
        if "losslab-editions" in editions["classes"]:
            editions.parent.remove(editions)
    parts = _parts(doctree, exclude)
    front = doctree.next_node(nodes.section)
    # The landing page's title and subtitle go to the title page; the rest of it opens the book.
    title = front.next_node(nodes.title)
    subtitle = title.next_node(nodes.paragraph, descend=False, siblings=True)
    app.env.losslab_print_front = {
        "title": title.astext(),
        "subtitle": subtitle.astext() if subtitle is not None else "",
    }
    front.remove(title)
    if subtitle is not None:
        front.remove(subtitle)
    units: dict[str, nodes.Element] = {docname: front}
    for part in parts:
        box = nodes.container(classes=["losslab-print-part"])
        box += part
        doctree += box
        units[part["docname"]] = part
    _link_up(units, exclude, docname)
    app.env.losslab_print_toc = [_sections(part) for part in parts]


def _sections(part: addnodes.start_of_file) -> list[tuple[int, str, str]]:
    """The part's title and its sections, as (level, title, id): level 0 and 1 only."""
    entries = []

    def visit(node: nodes.Element, level: int) -> None:
        for child in node.children:
            if isinstance(child, nodes.section):
                entries.append((level, child[0].astext(), child["ids"][0]))
                if level == 0:
                    visit(child, level + 1)
            elif isinstance(child, nodes.Element) and level == 0:
                visit(child, level)

    visit(part, 0)
    return entries


def page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> str | None:
    """Render the printed book with ``print.html`` and its own styles and scripts."""
    if app.builder.name != "singlehtml" or pagename != app.config.root_doc:
        return None
    date = source_date()
    context["losslab_print"] = {
        **app.env.losslab_print_front,
        "version": app.config.release,
        "date": date.isoformat(),
        "contents": sphinx_text("Table of Contents"),
        "toc": app.env.losslab_print_toc,
        "styles": [
            css for css in context["css_files"] if KEPT_STYLES.search(css.filename.split("?")[0])
        ],
        "scripts": [
            script
            for script in context["script_files"]
            if "mathjax" in script.filename.lower()
            or "MathJax" in script.attributes.get("body", "")
        ],
    }
    return "print.html"


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value(
        "losslab_print_exclude", ["reference/api", "reference/status"], "html", types=[list]
    )
    app.connect("doctree-resolved", assemble)
    app.connect("html-page-context", page_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
