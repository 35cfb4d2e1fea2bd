"""The shape of a loss: Hessian spectra, certificates of non-convexity, and 1-D and 2-D slices.

Functions here work on a flat parameter vector and a loss given as a callable, so they serve a
logistic model and a network alike; :func:`flatten` and :func:`unflatten` convert the ``(W, b)``
parameters of ``losslab.nets``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from losslab._arrays import FloatArray
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
Gradient = Callable[[FloatArray], FloatArray]


def flatten(params: Params) -> FloatArray:
    """All weights and biases in one vector, layer by layer.

    Examples
    --------
    >>> import numpy as np
    >>> params = ((np.ones((2, 3)), np.zeros(3)), (np.ones((3, 1)), np.zeros(1)))
    >>> flatten(params).shape
    (13,)
    """
    return np.concatenate([a.ravel() for pair in params for a in pair])


def unflatten(vector: npt.ArrayLike, like: Params) -> Params:
    """Cut a vector back into ``(W, b)`` pairs shaped like `like`.

    Examples
    --------
    >>> import numpy as np
    >>> like = ((np.ones((2, 3)), np.zeros(3)),)
    >>> unflatten(np.arange(9.0), like)[0][1].tolist()
    [6.0, 7.0, 8.0]
    >>> unflatten(np.arange(8.0), like)
    Traceback (most recent call last):
    ...
    ValueError: vector has 8 entries; the parameters need 9
    """
    v = np.asarray(vector, dtype=np.float64)
    need = sum(a.size for pair in like for a in pair)
    if v.shape != (need,):
        raise ValueError(f"vector has {v.size} entries; the parameters need {need}")
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

    Examples
    --------
    >>> import numpy as np
    >>> a = np.array([[2.0, 1.0], [1.0, -3.0]])
    >>> np.round(hessian(lambda t: a @ t, [0.5, 0.5]), 8).tolist()
    [[2.0, 1.0], [1.0, -3.0]]
    """
    t = np.asarray(theta, dtype=np.float64)
    columns = []
    for e in np.eye(t.size):
        columns.append((gradient(t + step * e) - gradient(t - step * e)) / (2 * step))
    h = np.array(columns).T
    result: FloatArray = (h + h.T) / 2
    return result


@dataclass(frozen=True)
class JensenCertificate:
    """Two points and a weight at which the loss lies above its chord: proof of non-convexity.

    Convexity requires ``loss(t a + (1 - t) b) <= t loss(a) + (1 - t) loss(b)``; ``gap`` is the
    left side minus the right, positive here.

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


def jensen_certificate(
    loss: Loss,
    points: list[FloatArray],
    weights: npt.ArrayLike = (0.25, 0.5, 0.75),
    tolerance: float = 1e-12,
) -> JensenCertificate | None:
    """Search pairs of `points` and `weights` for a violation of Jensen's inequality.

    Returns the largest violation found (above ``tolerance`` times the loss scale, so that
    rounding is not mistaken for one), or None: not a proof of convexity, only a failed search.

    Examples
    --------
    >>> import numpy as np
    >>> square = lambda x: float(x @ x)
    >>> jensen_certificate(square, [np.array([-1.0, 2.0]), np.array([3.0, 0.5])]) is None
    True
    """
    values = [loss(p) for p in points]
    best: JensenCertificate | None = None
    for i in range(len(points)):
        for j in range(i + 1, len(points)):
            for t in np.asarray(weights, dtype=np.float64):
                middle = loss(t * points[i] + (1 - t) * points[j])
                chord = t * values[i] + (1 - t) * values[j]
                gap = middle - chord
                scale = max(1.0, abs(middle), abs(chord))
                if gap > tolerance * scale and (best is None or gap > best.gap):
                    best = JensenCertificate(points[i], points[j], float(t), float(gap))
    return best


def line_slice(
    loss: Loss, start: npt.ArrayLike, end: npt.ArrayLike, ts: npt.ArrayLike
) -> FloatArray:
    """The loss along ``(1 - t) start + t end`` for each t (t = 0 is `start`, t = 1 is `end`).

    Examples
    --------
    >>> import numpy as np
    >>> line_slice(lambda x: float(x @ x), [0.0, 0.0], [1.0, 1.0], [0.0, 0.5, 1.0]).tolist()
    [0.0, 0.5, 2.0]
    """
    a, b = np.asarray(start, dtype=np.float64), np.asarray(end, dtype=np.float64)
    return np.array([loss((1 - t) * a + t * b) for t in np.asarray(ts, dtype=np.float64)])


def filter_normalized_direction(params: Params, rng: np.random.Generator) -> Params:
    """A random direction scaled filter by filter to the norms of `params` (Li et al. 2018).

    Each output unit's incoming weights (a column of ``W``) get a Gaussian direction rescaled
    to the norm of that column; biases get no direction. Two networks that compute the same
    function but whose layers are rescaled against each other then give the same slices.

    Examples
    --------
    >>> import numpy as np
    >>> params = ((np.array([[3.0, 0.0], [4.0, 1.0]]), np.zeros(2)),)
    >>> d = filter_normalized_direction(params, np.random.default_rng(0))
    >>> np.round(np.linalg.norm(d[0][0], axis=0), 12).tolist()
    [5.0, 1.0]
    """
    direction = []
    for w, b in params:
        d = rng.normal(size=w.shape)
        norms = np.linalg.norm(d, axis=-2, keepdims=True)
        d *= np.linalg.norm(w, axis=-2, keepdims=True) / np.where(norms == 0, 1.0, norms)
        direction.append((d, np.zeros_like(b)))
    return tuple(direction)


def plane_slice(
    loss: Loss,
    center: npt.ArrayLike,
    first: npt.ArrayLike,
    second: npt.ArrayLike,
    alphas: npt.ArrayLike,
    betas: npt.ArrayLike,
) -> FloatArray:
    """The loss over ``center + alpha first + beta second``, shape (len(alphas), len(betas)).

    Examples
    --------
    >>> import numpy as np
    >>> grid = plane_slice(lambda x: float(x @ x), [0, 0], [1, 0], [0, 1], [-1, 0, 1], [0, 2])
    >>> grid.tolist()
    [[1.0, 5.0], [0.0, 4.0], [1.0, 5.0]]
    """
    c = np.asarray(center, dtype=np.float64)
    u, v = np.asarray(first, dtype=np.float64), np.asarray(second, dtype=np.float64)
    a_values, b_values = np.asarray(alphas, dtype=float), np.asarray(betas, dtype=float)
    return np.array([[loss(c + a * u + b * v) for b in b_values] for a in a_values])
