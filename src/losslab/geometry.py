"""The shape of a loss: Hessian spectra, certificates of non-convexity, and 1-D and 2-D slices.

Functions here work on a flat parameter vector and a loss given as a callable, so they serve a
logistic model and a network alike; :func:`flatten` and :func:`unflatten` convert the ``(W, b)``
parameters of ``losslab.nets``.

Points of parameter space must be finite, and the points formed from them (``t a + (1 - t) b``,
``theta + step e``) are ``±inf`` only where their exact value lies beyond float64; no
floating-point flag is raised on the way. What the loss returns is the loss's own business.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from losslab._arrays import (
    FloatArray,
    as_real,
    column_norms,
    combine,
    finite_nonnegative,
    finite_positive,
    finite_real,
    finite_values,
    flag,
    function,
    generator,
    multilinear,
    real_array,
    real_number,
    require,
    top_exponent,
)
from losslab.nets import Params

__all__ = [
    "JensenCertificate",
    "filter_normalized_direction",
    "flatten",
    "hessian",
    "jensen_certificate",
    "line_slice",
    "plane_slice",
    "unflatten",
]

Loss = Callable[[FloatArray], float]
#: A vectorized loss: points as the rows of a 2-D array in, one value per row out.
Losses = Callable[[FloatArray], npt.ArrayLike]
Gradient = Callable[[FloatArray], FloatArray]


def _pairs(params: Any, name: str) -> Params:
    """Check that `params` is a tuple of ``(W, b)`` pairs of real numpy arrays."""
    if not isinstance(params, tuple | list):
        raise TypeError(f"{name} must be a tuple of (W, b) pairs; got {params!r}")
    if not params:
        raise ValueError(f"{name} must hold at least one (W, b) pair")
    for i, pair in enumerate(params):
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise TypeError(f"{name}[{i}] must be a (W, b) pair; got {pair!r}")
        for j, a in enumerate(pair):
            if not isinstance(a, np.ndarray):
                raise TypeError(f"{name}[{i}][{j}] must be a numpy array; got {type(a).__name__}")
            real_array(a, f"{name}[{i}][{j}]")
    return tuple((w, b) for w, b in params)


def _points(*named: tuple[str, Any]) -> list[FloatArray]:
    """Finite float64 vectors of one shape, each named for its errors."""
    arrays = [finite_values(value, name) for name, value in named]
    if any(a.shape != arrays[0].shape for a in arrays):
        shapes = ", ".join(f"{name} {a.shape}" for (name, _), a in zip(named, arrays, strict=True))
        raise ValueError(f"the points must have one shape: {shapes}")
    return arrays


def _mix(*terms: tuple[float, FloatArray], name: str) -> FloatArray:
    """A point ``sum of c x`` of parameter space, ``+-inf`` only where it is beyond float64."""
    point = combine(*terms)
    if not np.isfinite(point).all():
        raise ValueError(f"{name} lies beyond float64")
    return point


def _value(loss: Loss, point: FloatArray, name: str) -> float:
    """The loss at `point`, which must be a real number."""
    return real_number(loss(point), name)


def _values(loss: Loss | Losses, points: list[FloatArray], vectorized: bool) -> FloatArray:
    """The loss at each of `points`: one call per point, or one call on them all as rows."""
    if not vectorized:
        return np.array([_value(cast(Loss, loss), point, "loss") for point in points])
    values, _ = as_real(loss(np.stack(points)), "the result of loss")
    if values.shape != (len(points),):
        raise ValueError(
            f"loss is vectorized: it must return one value per row, shape ({len(points)},); "
            f"got {values.shape}"
        )
    return values


def flatten(params: Params) -> FloatArray:
    """All weights and biases in one vector, layer by layer.

    Parameters
    ----------
    params : tuple
        ``(W, b)`` pairs of real arrays, as from :meth:`losslab.nets.MLP.init`.

    Returns
    -------
    numpy.ndarray
        The entries of every W and b, in order, as one vector.

    Raises
    ------
    TypeError
        If `params` is not a tuple of ``(W, b)`` pairs of real numpy arrays.

    Examples
    --------
    >>> import numpy as np
    >>> params = ((np.ones((2, 3)), np.zeros(3)), (np.ones((3, 1)), np.zeros(1)))
    >>> flatten(params).shape
    (13,)
    """
    return np.concatenate([a.ravel() for pair in _pairs(params, "params") for a in pair])


def unflatten(vector: npt.ArrayLike, like: Params) -> Params:
    """Cut a vector back into ``(W, b)`` pairs shaped like `like`.

    Parameters
    ----------
    vector : array_like
        Real numbers, as many as `like` holds, in the order of :func:`flatten`.
    like : tuple
        ``(W, b)`` pairs of real arrays, whose shapes the result takes.

    Returns
    -------
    tuple
        ``(W, b)`` pairs of float64 views of `vector`.

    Raises
    ------
    ValueError
        If `vector` is not one-dimensional of the number of entries of `like`.
    TypeError
        If `vector` is not real-valued, or `like` is not ``(W, b)`` pairs of real arrays.

    Examples
    --------
    >>> import numpy as np
    >>> like = ((np.ones((2, 3)), np.zeros(3)),)
    >>> unflatten(np.arange(9.0), like)[0][1].tolist()
    [6.0, 7.0, 8.0]
    >>> unflatten(np.arange(8.0), like)
    Traceback (most recent call last):
    ...
    ValueError: vector must have shape (9,), an entry per parameter; got (8,)
    """
    v, _ = as_real(vector, "vector")
    need = sum(a.size for pair in _pairs(like, "like") for a in pair)
    if v.shape != (need,):
        raise ValueError(f"vector must have shape ({need},), an entry per parameter; got {v.shape}")
    out, start = [], 0
    for w, b in like:
        pieces = []
        for a in (w, b):
            pieces.append(v[start : start + a.size].reshape(a.shape))
            start += a.size
        out.append((pieces[0], pieces[1]))
    return tuple(out)


def hessian(gradient: Gradient, theta: npt.ArrayLike, step: float = 1e-5) -> FloatArray:
    """The Hessian at `theta`, by central differences of an exact gradient, symmetrised.

    Each column costs two gradient evaluations; the error is O(step**2) in exact arithmetic.

    Parameters
    ----------
    gradient : callable
        Maps a vector of the shape of `theta` to the gradient there, of the same shape.
    theta : array_like
        The point, a finite vector.
    step : float, optional
        The difference step, positive and finite, and large enough to move every entry of
        `theta` (``theta + step != theta``).

    Returns
    -------
    numpy.ndarray
        The symmetric Hessian, shape ``(n, n)``.

    Raises
    ------
    ValueError
        If `theta` is not a finite vector, `step` is not positive and finite or too small to
        move `theta` (or takes it beyond float64), or a gradient has the wrong shape.
    TypeError
        If `gradient` is not callable, or `theta`, `step` or a gradient is not real.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.array([[2.0, 1.0], [1.0, -3.0]])
    >>> np.round(hessian(lambda t: a @ t, [0.5, 0.5]), 8).tolist()
    [[2.0, 1.0], [1.0, -3.0]]
    """
    function(gradient, "gradient")
    t = finite_values(theta, "theta", ndim=1)
    step = finite_positive(step, "step")
    with np.errstate(over="ignore"):  # beyond float64 is caught by the check
        require((t + step != t) & (t - step != t), "theta", f"moved by step = {step!r}", t)
    # 2 step overflows for a step above 9e307; the difference is halved instead (exactly).
    halve = math.isinf(2.0 * step)
    divisor = step if halve else 2.0 * step
    columns = []
    for i, e in enumerate(np.eye(t.size)):
        ends = [_mix((1.0, t), (sign, e), name=f"theta +- step e_{i}") for sign in (step, -step)]
        up, down = (as_real(gradient(p), "the result of gradient")[0] for p in ends)
        if up.shape != t.shape or down.shape != t.shape:
            raise ValueError(f"gradient must return the shape {t.shape} of theta; got {up.shape}")
        # Linear in the one stacked argument, so that it can be scaled where up - down overflows.
        difference = (lambda g: (g[0] - g[1]) * 0.5) if halve else (lambda g: g[0] - g[1])
        columns.append(multilinear(difference, np.stack([up, down]), divisor=divisor))
    h = np.array(columns).T
    return multilinear(lambda m: m + m.T, h, divisor=2.0)


@dataclass(frozen=True)
class JensenCertificate:
    """Two points and a weight at which the loss lies above its chord: proof of non-convexity.

    Convexity requires ``loss(t a + (1 - t) b) <= t loss(a) + (1 - t) loss(b)``; ``gap`` is the
    left side minus the right, positive here. Built by :func:`jensen_certificate`; built by
    hand, `t` must be in (0, 1) and `gap` positive.

    Attributes
    ----------
    a, b : numpy.ndarray
        The two parameter vectors.
    t : float
        The weight of `a` in the point ``t a + (1 - t) b``.
    gap : float
        The loss at that point minus the chord, positive.

    Examples
    --------
    >>> import numpy as np
    >>> cosine = lambda x: float(np.cos(x[0]))
    >>> cert = jensen_certificate(cosine, [np.array([-1.0]), np.array([1.0])])
    >>> cert is not None and cert.gap > 0
    True
    """

    a: FloatArray
    b: FloatArray
    t: float
    gap: float

    def __post_init__(self) -> None:
        _points(("a", self.a), ("b", self.b))
        if not 0 < finite_real(self.t, "t") < 1:
            raise ValueError(f"t must be in (0, 1); got {self.t!r}")
        if not real_number(self.gap, "gap") > 0:
            raise ValueError(f"gap must be positive; got {self.gap!r}")


def jensen_certificate(
    loss: Loss,
    points: list[FloatArray],
    weights: npt.ArrayLike = (0.25, 0.5, 0.75),
    tolerance: float = 1e-12,
) -> JensenCertificate | None:
    """Search pairs of `points` and `weights` for a violation of Jensen's inequality.

    Returns the largest violation found (above ``tolerance`` times the loss scale, so that
    rounding is not mistaken for one), or None: not a proof of convexity, only a failed search.

    Parameters
    ----------
    loss : callable
        Maps a vector to a finite real number.
    points : sequence of array_like
        At least two finite vectors of one shape.
    weights : array_like, optional
        The weights t of the first point, a 1-D array of numbers in (0, 1).
    tolerance : float, optional
        The relative size of a violation to report, >= 0 and finite.

    Returns
    -------
    JensenCertificate or None

    Raises
    ------
    ValueError
        If fewer than two points are given, they are not finite or not of one shape, a weight
        is outside (0, 1), `tolerance` is negative or not finite, or the loss is not finite.
    TypeError
        If `loss` is not callable, or an argument or a loss value is not real.

    Examples
    --------
    >>> import numpy as np
    >>> square = lambda x: float(x @ x)
    >>> jensen_certificate(square, [np.array([-1.0, 2.0]), np.array([3.0, 0.5])]) is None
    True
    """
    function(loss, "loss")
    if isinstance(points, str) or not hasattr(points, "__len__"):
        raise TypeError(f"points must be a sequence of vectors; got {points!r}")
    if len(points) < 2:
        raise ValueError(f"points must hold at least two points; got {len(points)}")
    points = _points(*((f"points[{i}]", p) for i, p in enumerate(points)))
    ts = finite_values(weights, "weights", ndim=1)
    require((ts > 0) & (ts < 1), "weights", "in (0, 1)", ts)
    tolerance = finite_nonnegative(tolerance, "tolerance")

    def finite_loss(point: FloatArray, name: str) -> float:
        return finite_real(_value(loss, point, name), name)

    values = [finite_loss(p, f"loss(points[{i}])") for i, p in enumerate(points)]
    best: JensenCertificate | None = None
    for i in range(len(points)):
        for j in range(i + 1, len(points)):
            for t in ts.tolist():  # Python floats: an overflowing chord is inf, with no flag
                name = f"the point at t = {t} between points[{i}] and points[{j}]"
                middle = finite_loss(_mix((t, points[i]), (1 - t, points[j]), name=name), name)
                chord = t * values[i] + (1 - t) * values[j]
                gap = middle - chord
                scale = max(1.0, abs(middle), abs(chord))
                if gap > tolerance * scale and (best is None or gap > best.gap):
                    best = JensenCertificate(points[i], points[j], t, gap)
    return best


def line_slice(
    loss: Loss | Losses,
    start: npt.ArrayLike,
    end: npt.ArrayLike,
    ts: npt.ArrayLike,
    *,
    vectorized: bool = False,
) -> FloatArray:
    """The loss along ``(1 - t) start + t end`` for each t (t = 0 is `start`, t = 1 is `end`).

    Parameters
    ----------
    loss : callable
        Maps a vector to a real number; with `vectorized`, maps the points stacked as the rows
        of a 2-D array to one real number per row.
    start, end : array_like
        Finite vectors of one shape.
    ts : array_like
        The positions, a 1-D array of finite numbers (outside [0, 1] the line is extended).
    vectorized : bool, optional
        Call `loss` once on all the points instead of once per point: much faster for a loss
        that evaluates many parameter vectors together, such as a network with a seed axis.

    Returns
    -------
    numpy.ndarray
        The loss at each t, shape ``(len(ts),)``.

    Raises
    ------
    ValueError
        If `start` and `end` are not finite or not of one shape, `ts` is not a 1-D array of
        finite numbers, a point of the line lies beyond float64, or a vectorized `loss` does
        not return one value per point.
    TypeError
        If `loss` is not callable, an argument or a loss value is not real, or `vectorized` is
        not a bool.

    Examples
    --------
    >>> import numpy as np
    >>> line_slice(lambda x: float(x @ x), [0.0, 0.0], [1.0, 1.0], [0.0, 0.5, 1.0]).tolist()
    [0.0, 0.5, 2.0]
    >>> line_slice(lambda xs: (xs * xs).sum(axis=1), [0.0, 0.0], [1.0, 1.0], [0.0, 0.5, 1.0],
    ...            vectorized=True).tolist()
    [0.0, 0.5, 2.0]
    """
    function(loss, "loss")
    vectorized = flag(vectorized, "vectorized")
    a, b = _points(("start", start), ("end", end))
    points = [
        _mix((1 - t, a), (t, b), name=f"the point at t = {t}")
        for t in finite_values(ts, "ts", ndim=1)
    ]
    return _values(loss, points, vectorized)


def filter_normalized_direction(params: Params, rng: np.random.Generator) -> Params:
    """A random direction scaled filter by filter to the norms of `params` (Li et al. 2018).

    Each output unit's incoming weights (a column of ``W``) get a Gaussian direction rescaled
    to the norm of that column; biases get no direction. Two networks that compute the same
    function but whose layers are rescaled against each other then give the same slices.

    Parameters
    ----------
    params : tuple
        ``(W, b)`` pairs of real arrays.
    rng : numpy.random.Generator
        The source of the Gaussian directions.

    Returns
    -------
    tuple
        ``(dW, db)`` pairs shaped like `params`, ``db`` zero.

    Raises
    ------
    TypeError
        If `params` is not ``(W, b)`` pairs of real numpy arrays, or `rng` is not a Generator.

    Examples
    --------
    >>> import numpy as np
    >>> params = ((np.array([[3.0, 0.0], [4.0, 1.0]]), np.zeros(2)),)
    >>> d = filter_normalized_direction(params, np.random.default_rng(0))
    >>> np.round(np.linalg.norm(d[0][0], axis=0), 12).tolist()
    [5.0, 1.0]
    """
    rng = generator(rng)
    direction = []
    for w, b in _pairs(params, "params"):
        d = rng.normal(size=w.shape)
        norms = np.linalg.norm(d, axis=-2, keepdims=True)
        # Column norms of w beyond float64 are taken of w scaled by a power of two, and the
        # direction scaled back: its entries, at most the norms, may well be within range.
        e = top_exponent(w) - 1000 if top_exponent(w) > 1000 else 0
        with np.errstate(over="ignore", under="ignore"):  # correctly rounded, or beyond float64
            d *= column_norms(np.ldexp(w, -e), -2) / np.where(norms == 0, 1.0, norms)
            d = np.ldexp(d, e)
        direction.append((d, np.zeros_like(b)))
    return tuple(direction)


def plane_slice(
    loss: Loss | Losses,
    center: npt.ArrayLike,
    first: npt.ArrayLike,
    second: npt.ArrayLike,
    alphas: npt.ArrayLike,
    betas: npt.ArrayLike,
    *,
    vectorized: bool = False,
) -> FloatArray:
    """The loss over ``center + alpha first + beta second``, shape (len(alphas), len(betas)).

    Parameters
    ----------
    loss : callable
        Maps a vector to a real number; with `vectorized`, maps the points stacked as the rows
        of a 2-D array to one real number per row.
    center, first, second : array_like
        The center and the two directions, finite vectors of one shape.
    alphas, betas : array_like
        The coefficients of `first` and `second`, 1-D arrays of finite numbers.
    vectorized : bool, optional
        Call `loss` once on all the points of the grid instead of once per point.

    Returns
    -------
    numpy.ndarray
        The loss on the grid, shape ``(len(alphas), len(betas))``.

    Raises
    ------
    ValueError
        If the vectors are not finite or not of one shape, `alphas` or `betas` is not a 1-D
        array of finite numbers, a point of the grid lies beyond float64, or a vectorized
        `loss` does not return one value per point.
    TypeError
        If `loss` is not callable, an argument or a loss value is not real, or `vectorized` is
        not a bool.

    Examples
    --------
    >>> import numpy as np
    >>> grid = plane_slice(lambda x: float(x @ x), [0, 0], [1, 0], [0, 1], [-1, 0, 1], [0, 2])
    >>> grid.tolist()
    [[1.0, 5.0], [0.0, 4.0], [1.0, 5.0]]
    >>> bool(np.array_equal(grid, plane_slice(lambda xs: (xs * xs).sum(axis=1), [0, 0], [1, 0],
    ...                                       [0, 1], [-1, 0, 1], [0, 2], vectorized=True)))
    True
    """
    function(loss, "loss")
    vectorized = flag(vectorized, "vectorized")
    c, u, v = _points(("center", center), ("first", first), ("second", second))
    a_values, b_values = finite_values(alphas, "alphas", 1), finite_values(betas, "betas", 1)
    points = [
        _mix((1.0, c), (a, u), (b, v), name=f"the point at alpha = {a}, beta = {b}")
        for a in a_values
        for b in b_values
    ]
    return _values(loss, points, vectorized).reshape(a_values.size, b_values.size)
