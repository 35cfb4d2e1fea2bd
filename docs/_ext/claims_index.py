"""The ``claims-index`` directive: the claims index table, generated from the claim registry.

The registry (``reference/claims.toml``) is the one hand-kept list of claim IDs; this directive
renders it as a MyST table, one row per claim, so the page cannot drift from the list that the
tests check. A written claim links its sections, experiments and tests; a planned one says so.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

WORD = re.compile(r"[a-z]{3}")
REGISTRY = Path(__file__).resolve().parents[1] / "reference" / "claims.toml"
HEADER = (
    "| ID | claim, in short | source | stated in | experiment | test |",
    "| --- | --- | --- | --- | --- | --- |",
)


def load_claims(path: Path = REGISTRY) -> list[dict[str, Any]]:
    """The claims of the registry at `path`, in its order."""
    with path.open("rb") as registry:
        claims: list[dict[str, Any]] = tomllib.load(registry)["claim"]
    return claims


def table_row(claim: dict[str, Any]) -> str:
    """One MyST table row for `claim`."""
    if claim["status"] == "planned":
        cells = [f"planned, in {{doc}}`/chapters/{claim['chapter']}`", "-", "-"]
    else:
        cells = [
            ", ".join(f"{{ref}}`{label}`" for label in claim["sections"]),
            ", ".join(f"{{py:func}}`~{name}`" for name in claim["experiments"]),
            ", ".join(f"`{test}`" for test in claim["tests"]),
        ]
    return "| " + " | ".join([claim["id"], claim["statement"], claim["source"], *cells]) + " |"


class ClaimsIndex(SphinxDirective):
    """Render the claim registry as a table."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(str(REGISTRY))
        text = "\n".join([*HEADER, *(table_row(claim) for claim in load_claims())])
        container = nodes.container()
        self.state.nested_parse(StringList(text.splitlines(), str(REGISTRY)), 0, container)
        # Placed at the directive, so that the cells of words go to the page's message catalog;
        # a cell of IDs, references and test names is the same in every language.
        for cell in container.findall(nodes.TextElement):
            cell.source, cell.line = self.state.document["source"], self.lineno
            words = (WORD.search(part) for part in cell.children if isinstance(part, nodes.Text))
            if not any(words):
                cell["translatable"] = False

        return container.children


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("claims-index", ClaimsIndex)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
