"""Array plumbing shared by the public modules; internal, not part of the API.

The public modules build on this one instead of on each other's private helpers, so that the
library reads in one direction: ``numerics`` holds the log-domain functions, ``likelihoods``
builds costs from them, ``empirical`` builds information measures, and all three take from here
the code they have in common:

* argument coercion and result finishing (:func:`as_real`, :func:`finish`): every function
  accepts integers, booleans and float16/32/64, computes in float64 and returns the caller's
  floating type, with 0-d results unwrapped to numpy scalars like a ufunc's;
* checks that raise errors naming the argument (:func:`require`, :func:`require_normalised`,
  :func:`reduction_axis`, :func:`broadcast_shape`, :func:`broadcast`);
* cache-sized blocks for elementwise kernels and for reductions (:func:`blockwise`,
  :func:`finite_row_blocks`), and the one rounding from long double to float64 that ends a
  reduction (:func:`round_once`);
* the transcendental core that the softplus family and the Bernoulli cost share
  (:func:`log1p_exp_neg_abs`), kept here so that the cost's kernel runs it block by block without
  the per-call checks of a public function.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

# Elements per block of the elementwise functions: the temporaries of one block stay in the L2
# cache, so the cheap passes (abs, maximum, add) run at cache speed instead of memory speed.
BLOCK = 1 << 13
# Elements per block of rows in the reductions: larger, since a block costs about twenty numpy
# calls whose fixed overhead must be spread over enough elements.
ROW_BLOCK = 1 << 16


def as_real(x: Any, name: str) -> tuple[FloatArray, np.dtype[Any]]:
    """Return `x` as a float64 array and the dtype the result should have.

    Integers and booleans give float64 results; float16 and float32 are computed in float64 and
    rounded back once at the end, which is more accurate than computing in the narrow type.
    Errors name the argument `name`.
    """
    try:
        arr = np.asarray(x)
    except ValueError as exc:  # ragged nested sequences
        raise ValueError(f"{name} must be a rectangular array of real numbers: {exc}") from None
    kind, size = arr.dtype.kind, arr.dtype.itemsize
    if kind not in "biuf" or (kind == "f" and size > 8):
        raise TypeError(
            f"{name} must hold real numbers of at most float64 precision; got dtype {arr.dtype}"
        )
    result_dtype = arr.dtype if kind == "f" else np.dtype(np.float64)
    return arr.astype(np.float64, copy=False), result_dtype


def finish(out: FloatArray, dtype: np.dtype[Any]) -> Any:
    """Cast to the caller's dtype and unwrap 0-d results to numpy scalars, like a ufunc."""
    if out.dtype != dtype:
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
        else np.ascontiguousarray(np.broadcast_to(a, shape)).reshape(-1)
        for a in arrays
    ]
    out = np.empty(shape, dtype=np.float64).reshape(-1)
    for start in range(0, out.size, BLOCK):
        stop = start + BLOCK
        kernel(*(f if f.ndim == 0 else f[start:stop] for f in flats), out=out[start:stop])
    return out.reshape(shape)


def finite_row_blocks(row_max: FloatArray, length: int) -> Iterator[Any]:
    """Index the rows with a finite maximum, a cache-sized block of rows at a time.

    Blocks keep the dozen temporaries of a reduction in cache; rows with a non-finite maximum
    are skipped, as their answers need no arithmetic.
    """
    step = max(1, ROW_BLOCK // length)
    finite = np.isfinite(row_max)
    if finite.all():
        for start in range(0, row_max.size, step):
            yield slice(start, start + step)
    else:
        indices = np.flatnonzero(finite)
        for start in range(0, indices.size, step):
            yield indices[start : start + step]


def round_once(x: Any) -> FloatArray:
    """Round a long double result once to float64.

    Tiny values become subnormals or 0, which is the correct rounding: the underflow flag is
    ignored.
    """
    with np.errstate(under="ignore"):
        return np.asarray(x, dtype=np.float64)


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
