"""The library reads in one direction, in modules of a readable size, with no reaching-in.

The layers, lowest first: the internal ``_arrays``; ``numerics``, the mpmath ``reference`` and
the internal ``_poisson`` and ``_categorical`` (the arithmetic of the Poisson cost, the target and
limits of the categorical one); the costs (``likelihoods``) and the information measures
(``empirical``); the networks (``nets``, which needs only ``numerics`` and ``_arrays``);
``optim``; ``geometry``; the ``experiments``; the ``plotting`` of their results. A module imports
only from lower layers, or from its own package; every import counts, those inside functions too.
Names with a leading underscore may be imported only from a private module (``losslab._arrays``,
``losslab.plotting._style``, ...). No module is over 750 lines.
"""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
LAYERS = {
    "losslab._arrays": 0,
    "losslab.numerics": 1,
    "losslab.reference": 1,
    "losslab._poisson": 1,
    "losslab._categorical": 1,
    "losslab.likelihoods": 2,
    "losslab.empirical": 2,
    "losslab.nets": 3,
    "losslab.optim": 4,
    "losslab.geometry": 5,
    "losslab.experiments": 6,
    "losslab.plotting": 7,
}
#: Narrower than the layers allow: a network is a function of its parameters, whatever the cost.
ONLY = {"losslab.nets": {"losslab.numerics", "losslab._arrays"}}


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def layer_of(name: str) -> str | None:
    """The entry of LAYERS that `name` belongs to (the longest matching prefix)."""
    matches = [layer for layer in LAYERS if name == layer or name.startswith(layer + ".")]
    return max(matches, key=len) if matches else None


def imports(path: Path) -> list[tuple[str, list[str]]]:
    """Every ``from losslab... import names`` and ``import losslab...`` of a file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("losslab"):
            found.append((node.module, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            found.extend((a.name, []) for a in node.names if a.name.startswith("losslab"))
    return found


def is_private(module: str) -> bool:
    return any(part.startswith("_") for part in module.split("."))


def test_every_module_has_a_layer():
    assert "losslab.experiments.nonconvexity.networks" in MODULES
    unplaced = [m for m in MODULES if m != "losslab" and layer_of(m) is None]
    assert unplaced == []


@pytest.mark.parametrize("module", [m for m in MODULES if m != "losslab"])
def test_imports_point_down_and_take_no_private_names(module):
    own = layer_of(module)
    for imported, names in imports(MODULES[module]):
        target = layer_of(imported)
        if imported == "losslab":  # a package importing its own submodules by name
            target = layer_of(f"losslab.{names[0]}") if names else None
        assert target is not None, f"{module} imports {imported}, which has no layer"
        if target != own:
            assert LAYERS[target] < LAYERS[own], f"{module} ({own}) imports up: {imported}"
        if own in ONLY:
            assert target in ONLY[own] | {own}, f"{module} may import only {sorted(ONLY[own])}"
        # A private submodule (``from losslab.plotting import _style``) is a private module.
        private = [n for n in names if n.startswith("_") and f"{imported}.{n}" not in MODULES]
        assert not private or is_private(imported), (
            f"{module} imports the private {private} of the public module {imported}"
        )


def test_the_checks_see_what_they_should(tmp_path):
    # The walk finds imports inside functions, and the layer lookup prefers the longest prefix.
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from losslab.numerics import _x\n", encoding="utf-8")
    assert imports(probe) == [("losslab.numerics", ["_x"])]
    assert layer_of("losslab.experiments.nonconvexity._common") == "losslab.experiments"
    assert layer_of("losslab._arrays") == "losslab._arrays"
    assert is_private("losslab.plotting._style")
    assert not is_private("losslab.numerics")


@pytest.mark.parametrize("module", list(MODULES))
def test_no_module_is_longer_than_a_reader_can_hold(module):
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= 750, f"{module} has {lines} lines: split it along its sections"
