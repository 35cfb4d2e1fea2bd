"""No doctest of src/ shows more digits than its function promises.

The last bits of ``exp``, ``log`` and their kin come from the C library and from numpy's own
SIMD code paths, and differ from one CPU to the next. A doctest that prints 16 or 17 significant
digits of such a value is a specification that holds on one machine only, and no single machine
can show that by running it. So the rule is checked on the text: an expected float with more than
``MAX_DIGITS`` significant digits is allowed only in an example whose source says, in a comment
containing the word "exact", why that value is exact by construction (a correctly rounded
constant, an identity, an integer-valued result). pytest compares doctests with the ``NUMBER``
option, so an expected value written to fewer digits is checked to exactly that precision.
"""

import doctest
import importlib
import pkgutil
import re

import pytest

import losslab

MAX_DIGITS = 12
# A decimal literal, with its exponent if any; the look-arounds keep it from starting or ending
# inside a name (``float64``) or a longer number.
FLOAT = re.compile(r"(?<![\w.])[-+]?(\d+\.\d*|\.\d+)([eE][-+]?\d+)?(?![\w.])")


def significant_digits(literal: str) -> int:
    """The number of significant digits a float literal shows (``"0.1250"`` shows 4)."""
    mantissa = re.split(r"[eE]", literal.lstrip("+-"))[0].replace(".", "")
    return len(mantissa.lstrip("0")) or 1


def too_precise(want: str) -> list[str]:
    """The float literals of a doctest's expected output that show more than MAX_DIGITS."""
    return [m.group(0) for m in FLOAT.finditer(want) if significant_digits(m.group(0)) > MAX_DIGITS]


def says_exact(source: str) -> bool:
    """Whether an example's source carries a comment that calls its value exact."""
    return any("exact" in line.split("#", 1)[1] for line in source.splitlines() if "#" in line)


def modules() -> list[str]:
    names = ["losslab"]
    for info in pkgutil.walk_packages(losslab.__path__, "losslab."):
        names.append(info.name)
    return names


def examples() -> list[tuple[str, doctest.Example]]:
    found = []
    finder = doctest.DocTestFinder()
    for name in modules():
        for test in finder.find(importlib.import_module(name)):
            found.extend((f"{test.name}:{e.lineno}", e) for e in test.examples)
    return found


@pytest.mark.parametrize(
    ("literal", "digits"),
    [
        ("0.14384103622589045", 17),
        ("4.248354255291589e-18", 16),
        ("-0.0001250", 4),
        ("1000.0", 5),
        ("1.", 1),
        ("0.", 1),
        ("9.85967654375977e-305", 15),
    ],
)
def test_significant_digits_are_counted_as_printed(literal, digits):
    assert significant_digits(literal) == digits


def test_the_rule_finds_long_floats_and_ignores_names_and_short_numbers():
    assert too_precise("array([0.69314718, 0.12692801])") == []
    assert too_precise("(1000.0, 4.248354255291589e-18)") == ["4.248354255291589e-18"]
    assert too_precise("np.float64(0.14384103622589045)") == ["0.14384103622589045"]
    assert too_precise("float64 int32 x1234567890123.5y") == []
    assert says_exact(">>> f(2.0)  # exact: a power of two")
    assert not says_exact(">>> f('exact')")


def test_the_library_has_doctests_to_check():
    assert len(examples()) > 100


def test_no_doctest_shows_digits_its_function_does_not_promise():
    offenders = [
        f"{where}: {', '.join(too_precise(e.want))}"
        for where, e in examples()
        if too_precise(e.want) and not says_exact(e.source)
    ]
    assert offenders == [], (
        f"these doctests show more than {MAX_DIGITS} significant digits without a comment "
        "saying why the value is exact by construction:\n" + "\n".join(offenders)
    )
