"""Array plumbing shared by the public modules; internal, not part of the API.

The public modules build on this one instead of on each other's private helpers, so that the
library reads in one direction: ``numerics`` holds the log-domain functions, ``likelihoods``
builds costs from them, ``empirical`` builds information measures, and all three take from here
the code they have in common:

* argument coercion and result finishing (:func:`as_real`, :func:`finish`), which hold the
  dtype policy of every numerical function: integers, booleans and float16/32/64 are accepted
  (complex numbers, objects, masked arrays and ragged sequences are not), the computation runs in
  float64, and the result is rounded once, without a floating-point flag, to the caller's
  floating type (float64 for integers and booleans), 0-d results unwrapped to numpy scalars
  like a ufunc's;
* checks that raise errors naming the argument (:func:`require`, :func:`require_normalised`,
  :func:`reduction_axis`, :func:`broadcast_shape`, :func:`broadcast`), and the validators of
  settings and arrays that every public module shares, so that their messages read alike
  (:func:`integer`, :func:`finite_real`, :func:`finite_positive`, :func:`real_array`, ...);
* sums and products whose result is ``±inf`` only where the exact value lies beyond float64,
  for the arithmetic of networks, descents and slices (:func:`combine`, :func:`matmul`,
  :func:`multilinear`, :func:`column_norms`);
* cache-sized blocks for elementwise kernels and for reductions (:func:`blockwise`,
  :func:`row_blocks`);
* the transcendental core that the softplus family and the Bernoulli cost share
  (:func:`log1p_exp_neg_abs`), kept here so that the cost's kernel runs it block by block without
  the per-call checks of a public function.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

# Elements per block of the elementwise functions: the temporaries of one block stay in the L2
# cache, so the cheap passes (abs, maximum, add) run at cache speed instead of memory speed.
BLOCK = 1 << 13
# Elements per block of rows in the reductions: larger, since a block costs about forty numpy
# calls whose fixed overhead must be spread over enough elements.
ROW_BLOCK = 1 << 17


def _array(x: Any, name: str) -> npt.NDArray[Any]:
    """``np.asarray(x)``, refusing what it would silently get wrong; errors name `name`."""
    # np.asarray returns the data of a masked array without its mask: the masked entries would
    # be computed with as if they were data.
    if isinstance(x, np.ma.MaskedArray):
        raise TypeError(
            f"{name} must not be a masked array: its mask would be ignored; pass "
            f"{name}.filled(value) or {name}.compressed() instead"
        )
    try:
        return np.asarray(x)
    except ValueError:  # ragged nested sequences
        raise ValueError(
            f"{name} must be a rectangular array of real numbers; got a ragged nested sequence"
        ) from None


def real_array(x: Any, name: str, what: str = "real numbers") -> npt.NDArray[Any]:
    """`x` as an array of booleans, integers or floats, in its own dtype; errors name `name`.

    `what` says what the array must hold, for the message of a wrong dtype.
    """
    arr = _array(x, name)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold {what}; got dtype {arr.dtype}")
    return arr


def as_real(x: Any, name: str) -> tuple[FloatArray, np.dtype[Any]]:
    """Return `x` as a float64 array and the dtype the result should have.

    Integers and booleans give float64 results; float16 and float32 are computed in float64 and
    rounded back once at the end (:func:`finish`), which is more accurate than computing in the
    narrow type. Errors name the argument `name`.
    """
    arr = _array(x, name)
    kind, size = arr.dtype.kind, arr.dtype.itemsize
    if kind not in "biuf" or (kind == "f" and size > 8):
        raise TypeError(
            f"{name} must hold real numbers of at most float64 precision; got dtype {arr.dtype}"
        )
    result_dtype = arr.dtype if kind == "f" else np.dtype(np.float64)
    return arr.astype(np.float64, copy=False), result_dtype


def finish(out: FloatArray, dtype: np.dtype[Any]) -> Any:
    """Round once to the caller's dtype and unwrap 0-d results to numpy scalars, like a ufunc.

    The cast is IEEE rounding to nearest: a value beyond the range of a narrow type becomes
    ``±inf`` and one below half its smallest subnormal ``±0``. Those are the correctly rounded
    results the dtype policy promises, so the overflow and underflow flags of the cast, which
    would only repeat them, are not raised.
    """
    if out.dtype != dtype:
        with np.errstate(over="ignore", under="ignore"):
            out = out.astype(dtype)
    return out[()] if out.ndim == 0 else out


def reduction_axis(arr: npt.NDArray[Any], axis: Any, name: str = "a") -> int:
    """Validate `axis` of the array argument `name` for a reduction; make it non-negative."""
    if isinstance(axis, bool) or not isinstance(axis, int | np.integer):
        raise TypeError(f"axis must be an integer; got {axis!r}")
    if arr.ndim == 0:
        raise ValueError(f"{name} must have at least one dimension to reduce over; got a 0-d array")
    if not -arr.ndim <= axis < arr.ndim:
        raise ValueError(f"axis {axis} is out of range for {name} of dimension {arr.ndim}")
    return int(axis) % arr.ndim


def require(ok: Any, name: str, expected: str, values: npt.NDArray[Any]) -> None:
    """Raise ValueError naming `name` and the first offending value unless `ok` holds everywhere."""
    if bool(np.all(ok)):
        return
    ok = np.broadcast_to(ok, np.shape(values))
    if not ok.all():
        raise ValueError(f"{name} must be {expected}; got {float(values[~ok].ravel()[0])!r}")


def require_normalised(probs: npt.NDArray[Any], name: str, axis: int, dtype: np.dtype[Any]) -> None:
    """Raise ValueError unless `probs` sums to 1 along `axis`.

    Probabilities normalised in their own precision are off by a few of its ulps, so the
    tolerance is the square root of the epsilon of `dtype`, the caller's floating type.
    """
    total = probs.sum(axis=axis)
    tolerance = math.sqrt(np.finfo(dtype).eps)
    require(abs(total - 1) <= tolerance, name, f"normalised (sum 1 along axis {axis})", total)


def broadcast_shape(**arrays: npt.NDArray[Any]) -> tuple[int, ...]:
    """The broadcast shape of the named arrays, or say which shapes clash."""
    try:
        return np.broadcast_shapes(*(a.shape for a in arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{name} {a.shape}" for name, a in arrays.items())
        raise ValueError(f"shapes do not broadcast: {shapes}") from None


def broadcast(**arrays: FloatArray) -> list[FloatArray]:
    """Broadcast the named arrays together (read-only views), or say which shapes clash."""
    shape = broadcast_shape(**arrays)
    return [np.broadcast_to(a, shape) for a in arrays.values()]


# --- validators of settings and arrays, shared so that every module's messages read alike ------


def _is_integer(value: Any) -> bool:
    # bool is an int to Python, but True steps or seeds are a mistake, never an intent.
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def integer(value: Any, name: str, minimum: int = 0) -> int:
    """`value` as an int: an integer (not a bool, not an integral float) of at least `minimum`."""
    if not _is_integer(value):
        raise TypeError(f"{name} must be an integer >= {minimum}; got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def positive_int(value: Any, name: str) -> int:
    """`value` as an int >= 1 (a count of steps, samples, seeds, units)."""
    return integer(value, name, 1)


def nonnegative_int(value: Any, name: str) -> int:
    """`value` as an int >= 0 (a size that may be empty, a seed)."""
    return integer(value, name, 0)


def each(values: Any, check: Callable[[Any, str], Any], name: str) -> tuple[Any, ...]:
    """A non-empty sequence, every entry passing ``check(entry, "name[i]")``."""
    if isinstance(values, str) or not hasattr(values, "__len__"):
        raise TypeError(f"{name} must be a sequence; got {values!r}")
    if len(values) == 0:
        raise ValueError(f"{name} must not be empty")
    return tuple(check(value, f"{name}[{i}]") for i, value in enumerate(values))


def real_number(value: Any, name: str) -> float:
    """`value` as a float: a real scalar (int, float, numpy scalar or 0-d array), not a bool."""
    if isinstance(value, np.ndarray) and value.ndim == 0 and not np.ma.isMaskedArray(value):
        value = value[()]
    if isinstance(value, bool | np.bool_) or not isinstance(
        value, int | float | np.integer | np.floating
    ):
        raise TypeError(f"{name} must be a real number; got {value!r}")
    try:
        return float(value)
    except OverflowError:  # an int beyond float64
        raise ValueError(f"{name} must be finite; got {value!r}") from None


def finite_real(value: Any, name: str) -> float:
    """`value` as a finite float."""
    number = real_number(value, name)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite; got {number!r}")
    return number


def finite_positive(value: Any, name: str) -> float:
    """`value` as a finite float > 0 (a scale, a step size)."""
    number = real_number(value, name)
    if not (math.isfinite(number) and number > 0):
        raise ValueError(f"{name} must be positive and finite; got {number!r}")
    return number


def positive_real(value: Any, name: str) -> float:
    """`value` as a float > 0, +inf included (a threshold that may admit everything)."""
    number = real_number(value, name)
    if not number > 0:
        raise ValueError(f"{name} must be positive; got {number!r}")
    return number


def finite_nonnegative(value: Any, name: str) -> float:
    """`value` as a finite float >= 0 (a tolerance)."""
    number = real_number(value, name)
    if not (math.isfinite(number) and number >= 0):
        raise ValueError(f"{name} must be >= 0 and finite; got {number!r}")
    return number


def finite_values(x: Any, name: str, ndim: int | None = None) -> FloatArray:
    """`x` as a float64 array of finite numbers, of `ndim` dimensions if given (grid points)."""
    arr, _ = as_real(x, name)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s); got shape {arr.shape}")
    require(np.isfinite(arr), name, "finite", arr)
    return arr


def flag(value: Any, name: str) -> bool:
    """`value` as a bool: True or False (numpy's too), not a number that happens to be 0 or 1."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False; got {value!r}")
    return bool(value)


def one_of(value: Any, name: str, options: tuple[str, ...]) -> str:
    """`value`, one of the strings `options`."""
    if not isinstance(value, str) or value not in options:
        listed = ", ".join(repr(o) for o in options[:-1]) + f" or {options[-1]!r}"
        error = ValueError if isinstance(value, str) else TypeError
        raise error(f"{name} must be {listed}; got {value!r}")
    return value


def function(value: Any, name: str) -> Any:
    """`value`, which must be callable."""
    if not callable(value):
        raise TypeError(f"{name} must be callable; got {value!r}")
    return value


def generator(rng: Any, name: str = "rng", *, seeds: bool = False) -> np.random.Generator:
    """`rng` as a numpy Generator; with `seeds`, also None or an integer seed >= 0."""
    if isinstance(rng, np.random.Generator):
        return rng
    if seeds and (rng is None or (_is_integer(rng) and rng >= 0)):
        return np.random.default_rng(rng)
    expected = "a numpy.random.Generator" + (", an integer seed >= 0 or None" if seeds else "")
    raise TypeError(f"{name} must be {expected}; got {rng!r}")


# --- sums and products without spurious overflow -----------------------------------------------
#
# Plain float64 arithmetic overflows in an intermediate product or partial sum even where the
# exact result is within range (1e308 + 1e308 - 1e308), and then gives inf or, from inf - inf,
# nan. The functions below compute as written, which keeps every finite result bit for bit, and
# redo only the entries that came out non-finite from finite inputs, with the inputs scaled by
# powers of two (exact) so that nothing can overflow before the one final scaling back: those
# entries are then inf only where the exact value lies beyond float64. Underflow to subnormals
# and 0 is the correct rounding and raises no flag. Non-finite inputs get plain IEEE arithmetic,
# whose invalid flag (a nan from inf - inf or 0 * inf) is the caller's to see.


def top_exponent(x: Any) -> int:
    """The binary exponent e of the largest magnitude in `x`: max |x| < 2**e (0 for zeros)."""
    return math.frexp(float(np.max(np.abs(x), initial=0.0)))[1]


def all_finite(*arrays: Any) -> bool:
    """Whether every entry of every array is finite."""
    return all(bool(np.isfinite(a).all()) for a in arrays)


def combine(*terms: tuple[float, npt.ArrayLike]) -> FloatArray:
    """``c0 * x0 + c1 * x1 + ...``, left to right, broadcast; ``±inf`` only beyond float64."""
    arrays = [np.asarray(x, dtype=np.float64) for _, x in terms]
    coefficients = [float(c) for c, _ in terms]

    def evaluate() -> Any:
        out = coefficients[0] * arrays[0]
        for c, x in zip(coefficients[1:], arrays[1:], strict=True):
            out = out + c * x
        return out

    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        out = evaluate()
    if np.isfinite(out).all():  # the common case: one check, and no flag could have been raised
        return np.asarray(out, dtype=np.float64)
    if not all_finite(coefficients, *arrays):
        with np.errstate(over="ignore", under="ignore"):  # inf - inf: the caller sees the flag
            return np.asarray(evaluate(), dtype=np.float64)
    bad = ~np.isfinite(out)
    e = max(math.frexp(c)[1] + top_exponent(x) for c, x in zip(coefficients, arrays, strict=True))
    with np.errstate(over="ignore", under="ignore"):
        scaled = sum(c * np.ldexp(x, -e) for c, x in zip(coefficients, arrays, strict=True))
        out = np.where(bad, np.ldexp(scaled, e), out)
    return np.asarray(out, dtype=np.float64)


def matmul(a: FloatArray, b: FloatArray, bias: FloatArray | None = None) -> FloatArray:
    """``a @ b + bias`` (bias optional, broadcast); ``±inf`` only beyond float64."""

    def evaluate() -> FloatArray:
        product: FloatArray = a @ b if bias is None else a @ b + bias
        return product

    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        out = evaluate()
    if np.isfinite(out).all():  # the common case: one check, and no flag could have been raised
        return out
    if not all_finite(a, b, *([] if bias is None else [bias])):
        with np.errstate(over="ignore", under="ignore"):  # inf - inf: the caller sees the flag
            return evaluate()
    bad = ~np.isfinite(out)
    e_a, e_b = top_exponent(a), top_exponent(b)
    e = max(e_a + e_b, top_exponent(bias) if bias is not None else e_a + e_b)
    with np.errstate(over="ignore", under="ignore"):
        scaled = np.ldexp(np.ldexp(a, -e_a) @ np.ldexp(b, -e_b), e_a + e_b - e)
        if bias is not None:
            scaled = scaled + np.ldexp(bias, -e)
        out = np.where(bad, np.ldexp(scaled, e), out)
    return out


def multilinear(fn: Callable[..., Any], *arrays: npt.ArrayLike, divisor: float = 1.0) -> FloatArray:
    """``fn(*arrays) / divisor`` for `fn` linear in each array apart (a sum, a matrix product).

    Each array is scaled by its own power of two: ``a - b`` is linear in ``a`` and ``b``
    together, not apart, and must be given as one stacked array.

    ``±inf`` only where the exact value is beyond float64: a mean of finite numbers, for one, is
    always finite, although their sum may not be.
    """

    def evaluate() -> FloatArray:
        out = np.asarray(fn(*arrays), dtype=np.float64)
        return out / divisor if divisor != 1.0 else out

    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        out = evaluate()
    if np.isfinite(out).all():  # the common case: one check, and no flag could have been raised
        return out
    if not all_finite(*arrays):
        with np.errstate(over="ignore", under="ignore"):  # inf - inf: the caller sees the flag
            return evaluate()
    bad = ~np.isfinite(out)
    exponents = [top_exponent(a) for a in arrays]
    with np.errstate(over="ignore", under="ignore"):
        scaled = fn(*(np.ldexp(a, -e) for a, e in zip(arrays, exponents, strict=True)))
        out = np.where(bad, np.ldexp(scaled / divisor, sum(exponents)), out)
    return out


def column_norms(x: FloatArray, axis: int) -> FloatArray:
    """Euclidean norms along `axis` (kept, of length 1), also where squares leave float64.

    The plain ``sqrt(sum(x**2))`` is kept where the largest entry lies within ``2**±500``;
    beyond, its squares overflow or underflow, and the entries are scaled by a power of two
    first.
    """
    with np.errstate(over="ignore", under="ignore"):
        out: FloatArray = np.linalg.norm(x, axis=axis, keepdims=True)
    top = np.max(np.abs(x), axis=axis, keepdims=True, initial=0.0)
    scale = (top > 2.0**500) | ((top < 2.0**-500) & (top > 0))
    if scale.any():
        e = np.frexp(np.where(scale, top, 1.0))[1]
        with np.errstate(over="ignore", under="ignore"):
            scaled = np.linalg.norm(np.ldexp(x, -e), axis=axis, keepdims=True)
            out = np.where(scale, np.ldexp(scaled, e), out)
    return out


def blockwise(
    kernel: Callable[..., None], *arrays: npt.NDArray[Any], shape: tuple[int, ...] | None = None
) -> FloatArray:
    """Evaluate an elementwise `kernel` over cache-sized blocks of its broadcast arguments.

    ``kernel(*blocks, out=...)`` writes into `out`; its arguments are flat blocks of the arrays,
    or the arrays themselves where they hold one element (a scalar scale stays a scalar). The
    temporaries of one block stay in cache, so a kernel of a dozen numpy passes costs little
    more than its transcendental functions.
    """
    shape = np.broadcast_shapes(*(a.shape for a in arrays)) if shape is None else shape
    flats = [
        a.reshape(())
        if a.size == 1
        else a.reshape(-1)
        if a.shape == shape and a.flags.c_contiguous
        else np.ascontiguousarray(np.broadcast_to(a, shape)).reshape(-1)
        for a in arrays
    ]
    for flat in flats:  # views of the caller's arrays: a kernel only reads them
        flat.flags.writeable = False
    out = np.empty(shape, dtype=np.float64).reshape(-1)
    if out.size <= BLOCK:  # one block: no slicing
        kernel(*flats, out=out)
        return out.reshape(shape)
    for start in range(0, out.size, BLOCK):
        stop = start + BLOCK
        kernel(*(f if f.ndim == 0 else f[start:stop] for f in flats), out=out[start:stop])
    return out.reshape(shape)


def row_blocks(rows: int, length: int) -> list[slice]:
    """Consecutive blocks of `rows` rows of `length` elements, about ROW_BLOCK elements each.

    A reduction works through its rows a block at a time, so that its temporaries, a few arrays
    of one block each, stay in cache and are reused from block to block.
    """
    step = max(1, ROW_BLOCK // max(1, length))
    return [slice(start, min(start + step, rows)) for start in range(0, rows, step)]


# Shown in the book (chapters/numerics.md): the core of the sigmoid costs.
def log1p_exp_neg_abs(x: FloatArray, out: FloatArray) -> FloatArray:
    """Write ``log1p(exp(-|x|))`` into `out`: the one transcendental core of softplus.

    The exponent ``-|x|`` is never positive, so nothing overflows; and ``log1p`` takes ``u`` without
    forming ``1 + u``, which would round away every digit of ``u`` below 1.1e-16. No branch is
    needed anywhere in the float64 range: beyond ``|x| = 37``, ``log1p(u)`` simply returns ``u``.
    """
    np.abs(x, out=out)
    np.negative(out, out=out)
    # exp(-|x|) underflows to subnormals and then to 0 below -708; that *is* the correctly
    # rounded result, so the underflow flag carries no information here.
    with np.errstate(under="ignore"):
        np.exp(out, out=out)
        np.log1p(out, out=out)
    return out
