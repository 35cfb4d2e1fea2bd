"""The API reference documents every public object, and every public function has doctests.

Public means listed in a module's ``__all__``. Each such function and class, and each public
method and property, needs a numpydoc "Examples" section with at least one doctest;
docs/reference/api.rst must document the object and, in the same section, link to a chapter that
explains it. Every field of a public dataclass must be described.
"""

import dataclasses
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import losslab

API = (Path(__file__).resolve().parents[1] / "docs" / "reference" / "api.rst").read_text(
    encoding="utf-8"
)


MODULES = [losslab] + [
    importlib.import_module(m.name)
    for m in pkgutil.walk_packages(losslab.__path__, prefix="losslab.")
]


def _public_objects():
    """Functions and classes of every ``__all__``, each once, under the module defining it."""
    seen = {}
    for module in MODULES:
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if inspect.isfunction(obj) or inspect.isclass(obj):
                home = f"{obj.__module__}.{obj.__qualname__}"
                seen.setdefault(home, (module.__name__, name, obj))
    return sorted(seen.values(), key=lambda item: (item[0], item[1]))


def _public_names():
    """Every name of every ``__all__``, constants, aliases and re-exports included."""
    return [
        (module.__name__, name) for module in MODULES for name in getattr(module, "__all__", ())
    ]


PUBLIC = _public_objects()
NAMES = _public_names()


def _callables(obj):
    """The object itself and, for a class, its public methods and properties."""
    yield obj.__qualname__, obj
    if inspect.isclass(obj):
        for name, member in vars(obj).items():
            if name.startswith("_"):
                continue
            if isinstance(member, property):
                yield f"{obj.__qualname__}.{name}", member.fget
            elif inspect.isfunction(member):
                yield f"{obj.__qualname__}.{name}", member


@pytest.mark.parametrize(("module", "name", "obj"), PUBLIC, ids=[f"{m}.{n}" for m, n, _ in PUBLIC])
def test_public_functions_have_doctest_examples(module, name, obj):
    for qualname, member in _callables(obj):
        doc = inspect.getdoc(member) or ""
        assert re.search(r"^Examples\n-{8}\n", doc, flags=re.M), f"{qualname}: no Examples section"
        examples = doc.split("Examples\n--------", 1)[1]
        assert ">>> " in examples, f"{qualname}: its Examples section has no doctest"


def _sections():
    # Sections are titles underlined with "-" (the page's title is underlined with "=").
    return re.split(r"^.+\n-+$", API, flags=re.M)[1:]


def _documented(module, name):
    for section in _sections():
        if re.search(rf"auto(function|class|data):: {re.escape(module)}\.{name}\b", section):
            return section
        block = re.search(rf"automodule:: {re.escape(module)}\n((?:   :.*\n)*)", section)
        if block:
            members = re.search(r":members:(.*)", block.group(1))
            listed = {m.strip() for m in members.group(1).split(",")} if members else set()
            if members and (listed == {""} or name in listed):
                return section
    return None


@pytest.mark.parametrize(("module", "name"), NAMES, ids=[f"{m}.{n}" for m, n in NAMES])
def test_public_objects_are_in_the_api_reference_next_to_a_chapter_link(module, name):
    obj = getattr(importlib.import_module(module), name)
    home = (
        getattr(obj, "__module__", module)
        if inspect.isfunction(obj) or inspect.isclass(obj)
        else module
    )
    # A function re-exported by the package may be documented under its shorter name.
    places = [module, home] + (["losslab"] if getattr(losslab, name, None) is obj else [])
    section = next(filter(None, (_documented(place, name) for place in places)), None)
    assert section is not None, f"{module}.{name} is not in docs/reference/api.rst"
    assert ":ref:`chapter-" in section, f"the API section for {module}.{name} links no chapter"


DATACLASSES = [(m, n, o) for m, n, o in PUBLIC if dataclasses.is_dataclass(o)]


@pytest.mark.parametrize(
    ("module", "name", "obj"), DATACLASSES, ids=[f"{m}.{n}" for m, n, _ in DATACLASSES]
)
def test_public_dataclasses_describe_every_field(module, name, obj):
    doc = inspect.getdoc(obj) or ""
    found = re.search(
        r"^(Attributes|Parameters)\n-+\n(.*?)(?:\n\n[A-Z]\w+\n-+\n|\Z)", doc, re.M | re.S
    )
    assert found, f"{name}: no Attributes section"
    described = set()
    for line in found.group(2).splitlines():
        if line and not line.startswith(" "):
            described |= {word.strip() for word in line.split(" : ")[0].split(",")}
    missing = {f.name for f in dataclasses.fields(obj)} - described
    assert not missing, f"{name}: fields without a description: {sorted(missing)}"
