"""One module per chapter of the book; one function per claim or figure.

Each function returns a frozen dataclass holding every number the chapter quotes, so the chapter
cells (which glue those numbers into the prose) and ``tests/test_claims.py`` (which asserts them)
read the same values from the same code.

:func:`rounded` turns a result into the plain, rounded data a chapter shows.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

from losslab._arrays import integer

__all__ = ["rounded"]


def rounded(value: Any, digits: int = 4) -> Any:
    """`value` as plain Python data, its floats rounded to `digits` significant digits, to show.

    The chapters show results with this: numbers as a reader writes them (``0.0003523``, not
    ``np.float64(0.00035231870923)``), and no digit that depends on the CPU. Floats and numpy
    floating scalars are rounded (inf, nan and 0 are kept); integers and bools stay exact;
    arrays become lists; lists, tuples and dict keys and values are rounded entry by entry; a
    dataclass becomes the dict of its fields shown in its repr.

    Parameters
    ----------
    value : object
        A number, array, list, tuple, dict or dataclass instance, nested in any way; other
        values (strings, None) are returned as they are.
    digits : int, optional
        Significant digits kept, >= 1.

    Returns
    -------
    object
        The rounded copy.

    Raises
    ------
    ValueError, TypeError
        If `digits` is not an integer >= 1 (a bool is not an integer).

    Examples
    --------
    >>> import numpy as np
    >>> rounded({np.float64(0.1): np.float64(2.0 / 3.0), "steps": np.int64(70)})
    {0.1: 0.6667, 'steps': 70}
    >>> rounded((np.array([1e-17, np.inf]), 123456.0), digits=2)
    ([1e-17, inf], 120000.0)
    """
    digits = integer(digits, "digits", 1)
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        return float(f"{number:.{digits}g}") if math.isfinite(number) else number
    if isinstance(value, np.ndarray):
        return rounded(value.tolist(), digits)
    if isinstance(value, dict):
        return {rounded(k, digits): rounded(v, digits) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(rounded(v, digits) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: rounded(getattr(value, f.name), digits)
            for f in dataclasses.fields(value)
            if f.repr
        }
    return value
