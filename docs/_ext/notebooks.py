"""Every chapter as a Jupyter notebook, in its edition's language, downloadable from its page.

A chapter is a MyST notebook; a plain Jupyter can run its code but cannot read its MyST (glued
numbers, cross-references, citations, included source). So the notebook of a chapter is made
from two things Sphinx already has:

- its **code cells** from the chapter's source, read as MyST-NB reads it (the same cells, the
  hidden assertion cells included, each with its tags); two lines that need the book are
  rewritten: ``from myst_nb import glue`` gets a stand-in for when MyST-NB is not installed
  (the notebook's prose already holds the values), and ``show_languages(...)`` draws the
  figures in the edition's language alone;
- its **prose** from the page as built: translated, every glued number in place, every
  reference resolved to the text the page shows (``Fig. 3``, a section's title, a citation),
  written as the Markdown that Jupyter renders, with ``$`` math. Each paragraph goes to the
  markdown cell it came from, by its line in the source.

The notebook goes to ``_sources/<chapter>.ipynb`` in the edition's site, where the book theme's
download menu links it (``ipynb_source``); the same menu links the edition's PDF instead of the
browser's print of the page. A node the Markdown writer does not know fails the build.
"""

from __future__ import annotations

import bisect
import json
import re
from pathlib import Path
from typing import Any

import nbformat
from docutils import nodes
from myst_nb.core.read import read_myst_markdown_notebook
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

CHAPTERS = "chapters/"
GLUE_IMPORT = "from myst_nb import glue"
GLUE_STAND_IN = '''\
try:
    from myst_nb import glue
except ImportError:  # outside the book: its prose already holds the glued values

    def glue(name, value, display=True):
        """Show `value` if asked, as the book's glue would (myst_nb.glue)."""
        if display:
            from IPython.display import display as show

            show(value)
'''
SHOW_LANGUAGES = re.compile(r"show_languages\([^)]*\)")
# Characters Markdown would read as markup in plain text; $ would start math in Jupyter.
MARKUP = re.compile(r"([\\`*_$<>\[\]|])")


def notebook_name(docname: str) -> str:
    """Where the notebook of `docname` goes, under the site's ``_sources``."""
    return f"{docname}.ipynb"


class MarkdownWriter:
    """Docutils nodes of a resolved page as Markdown blocks, each with its source line."""

    def __init__(self, figure_numbers: dict[str, str] | None = None) -> None:
        #: The label of each figure by its id, such as "Fig. 3", as the page numbers it.
        self.figure_numbers = figure_numbers or {}
        self.blocks: list[tuple[int | None, str]] = []
        #: The captions of the figures that each code cell (by its index) draws.
        self.captions: dict[int, list[str]] = {}

    # --- blocks ------------------------------------------------------------------------------

    def walk(self, node: nodes.Element, level: int = 0) -> None:
        """Write the blocks of `node`'s children; `level` is the depth of sections."""
        for child in node.children:
            self.block(child, level)

    def block(self, node: nodes.Node, level: int) -> None:
        """Write one block node."""
        line = node.line if isinstance(node, nodes.Element) else None
        if isinstance(node, nodes.section):
            title = node[0]
            self.blocks.append((title.line or line, "#" * (level + 1) + " " + self.inline(title)))
            self.walk(node, level + 1)
        elif isinstance(node, nodes.title):
            return  # written with its section
        elif isinstance(node, nodes.container) and node.get("nb_element") == "cell_code":
            # The code comes from the source, the outputs from running it; a figure's caption
            # follows the cell.
            for figure in node.findall(nodes.figure):
                caption = figure.next_node(nodes.caption)
                label = next(
                    (
                        self.figure_numbers[id_]
                        for id_ in figure["ids"]
                        if id_ in self.figure_numbers
                    ),
                    "",
                )
                text = f"**{label}** {self.inline(caption)}" if label else self.inline(caption)
                self.captions.setdefault(node["cell_index"], []).append(text)
        elif isinstance(node, nodes.Invisible | nodes.comment | nodes.raw):
            return
        elif isinstance(node, nodes.container | nodes.compound):
            self.walk(node, level)
        else:
            self.blocks.append((line or _first_line(node), self.text(node)))

    def text(self, node: nodes.Node, indent: str = "") -> str:
        """The Markdown of a block node that is not a section."""
        if isinstance(node, nodes.paragraph):
            return self.inline(node)
        if isinstance(node, nodes.math_block):
            return "$$\n" + node.astext().strip() + "\n$$"
        if isinstance(node, nodes.literal_block):
            # Sphinx's "default" is Python's highlighting; the book includes Python alone.
            language = node.get("language", "")
            language = "python" if language in {"default", "ipython3"} else language
            return f"```{language}\n{node.astext().rstrip()}\n```"
        if isinstance(node, nodes.bullet_list | nodes.enumerated_list):
            items = []
            for number, item in enumerate(node.children, start=1):
                marker = "- " if isinstance(node, nodes.bullet_list) else f"{number}. "
                body = "\n\n".join(self.text(child) for child in item.children)
                pad = " " * len(marker)
                items.append(marker + body.replace("\n", "\n" + pad))
            return "\n".join(items)
        if isinstance(node, nodes.definition_list):
            entries = []
            for item in node.children:
                term = self.inline(item.next_node(nodes.term))
                definition = item.next_node(nodes.definition)
                body = "\n\n".join(self.text(child) for child in definition.children)
                entries.append(f"**{term}**\n: " + body.replace("\n", "\n  "))
            return "\n\n".join(entries)
        if isinstance(node, nodes.block_quote | nodes.Admonition):
            body = "\n\n".join(self.text(child) for child in node.children)
            return "> " + body.replace("\n", "\n> ")
        if isinstance(node, nodes.table):
            return self.table(node)
        if isinstance(node, nodes.rubric):
            return f"**{self.inline(node)}**"
        if isinstance(node, nodes.transition):
            return "---"
        if isinstance(node, nodes.container | nodes.compound):
            return "\n\n".join(self.text(child) for child in node.children)
        raise TypeError(f"no Markdown for a {type(node).__name__} node: {node.astext()[:80]!r}")

    def table(self, node: nodes.table) -> str:
        """A GitHub-style table; a cell's paragraphs are joined on one line."""
        rows = [
            [" ".join(self.inline(p) for p in entry.findall(nodes.paragraph)) for entry in row]
            for row in node.findall(nodes.row)
        ]
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * len(rows[0])]
        lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
        return "\n".join(lines)

    # --- inline ------------------------------------------------------------------------------

    def inline(self, node: nodes.Node) -> str:
        """The Markdown of `node`'s inline content."""
        if isinstance(node, nodes.Text):
            return MARKUP.sub(r"\\\1", str(node))
        if isinstance(node, nodes.math):
            return "$" + node.astext().strip() + "$"
        if isinstance(node, nodes.literal):
            code = node.astext()
            fence = "``" if "`" in code else "`"
            return f"{fence}{code}{fence}"
        inner = "".join(self.inline(child) for child in node.children)
        if isinstance(node, nodes.emphasis):
            return f"*{inner}*"
        if isinstance(node, nodes.strong):
            return f"**{inner}**"
        if isinstance(node, nodes.reference):
            refuri = node.get("refuri", "")
            if re.match(r"https?://", refuri):
                return f"[{inner}]({refuri})"
            return inner  # a place in the book: the text the page shows
        if isinstance(node, nodes.footnote_reference | nodes.citation_reference):
            return f"[{inner}]"
        if isinstance(node, nodes.image):
            return ""
        if isinstance(node, nodes.Inline | nodes.TextElement):
            return inner
        raise TypeError(f"no Markdown for a {type(node).__name__} node: {node.astext()[:80]!r}")


def _first_line(node: nodes.Node) -> int | None:
    """The first source line found in `node` or below it."""
    for child in node.findall(nodes.Element):
        if child.line:
            return child.line
    return None


def chapter_notebook(
    source: str,
    doctree: nodes.document,
    language: str,
    figure_numbers: dict[str, str] | None = None,
) -> nbformat.NotebookNode:
    """The notebook of a chapter: the code cells of `source`, the prose of `doctree` (whose
    figures `figure_numbers` labels by id).

    Raises
    ------
    ValueError
        If the chapter lacks the lines that are rewritten (see the module's docstring).
    """
    notebook = read_myst_markdown_notebook(source, add_source_map=True)
    starts = [line + 1 for line in notebook.metadata.pop("source_map")]
    writer = MarkdownWriter(figure_numbers)
    writer.walk(doctree)
    prose: dict[int, list[str]] = {}
    cell = 0
    for line, text in writer.blocks:
        if line is not None:
            cell = max(bisect.bisect_right(starts, line) - 1, 0)
        if text.strip():
            prose.setdefault(cell, []).append(text)
    cells = []
    glue_import = show = False
    for index, old in enumerate(notebook.cells):
        if old.cell_type == "markdown":
            if index in prose:
                cells.append(nbformat.v4.new_markdown_cell("\n\n".join(prose[index])))
            continue
        code = old.source
        if GLUE_IMPORT in code:
            code = code.replace(GLUE_IMPORT, GLUE_STAND_IN.rstrip())
            glue_import = True
        code, count = SHOW_LANGUAGES.subn(f'show_languages("{language}")', code)
        show = show or bool(count)
        tags = old.metadata.get("tags", [])
        cells.append(nbformat.v4.new_code_cell(code, metadata={"tags": tags} if tags else {}))
        if index in writer.captions:
            cells.append(nbformat.v4.new_markdown_cell("\n\n".join(writer.captions[index])))
    if not glue_import or not show:
        raise ValueError("a chapter imports glue from myst_nb and calls show_languages")
    new = nbformat.v4.new_notebook(cells=cells)
    new.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    # Cell ids from the position: the same chapter gives the same file.
    for number, new_cell in enumerate(new.cells):
        new_cell["id"] = f"cell-{number}"
    nbformat.validate(new)
    return new


def _write_notebook(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.name != "html" or not docname.startswith(CHAPTERS):
        return
    source = Path(app.env.doc2path(docname)).read_text(encoding="utf-8")
    try:
        numbers = app.env.toc_fignumbers.get(docname, {}).get("figure", {})
        label = app.config.numfig_format["figure"]
        labels = {id_: label % ".".join(map(str, number)) for id_, number in numbers.items()}
        notebook = chapter_notebook(source, doctree, app.config.language or "en", labels)
    except (TypeError, ValueError) as error:
        logger.warning("no notebook of %s: %s", docname, error, location=docname)
        return
    path = Path(app.outdir) / "_sources" / notebook_name(docname)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    path.write_text(text, encoding="utf-8")


def _offer_notebook(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Have the book theme's download menu list the chapter's notebook."""
    if app.builder.name == "html" and pagename.startswith(CHAPTERS):
        context["ipynb_source"] = notebook_name(pagename)


#: The tooltip of the PDF in the download menu, by edition.
PDF_TITLE = {"en": "Download the whole book as a PDF", "zh_CN": "下载整本书的 PDF"}


def _offer_pdf(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """In the download menu, the edition's PDF instead of the browser's print of the page."""
    language = app.config.language or "en"
    name = "losslab.pdf" if language == "en" else f"losslab-{language}.pdf"
    for group in context.get("header_buttons", []):
        for button in group.get("buttons", []):
            if button.get("label") == "download-pdf-button":
                button.pop("javascript", None)
                button.update(
                    type="link",
                    url=context["pathto"](name, 1),
                    tooltip=PDF_TITLE.get(language, PDF_TITLE["en"]),
                )


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("doctree-resolved", _write_notebook)
    app.connect("html-page-context", _offer_notebook, priority=500)
    # After the book theme (501) has made the menu.
    app.connect("html-page-context", _offer_pdf, priority=502)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
