r"""The empirical distribution of a data set, and entropy, cross-entropy and KL divergence.

Maximum likelihood is cross-entropy with the data. A training set of N pairs defines the empirical
distribution :math:`\hat p(x, y) = \frac1N \sum_i \delta(x - x_i, y - y_i)`: mass 1/N on each
pair, merged where pairs repeat. An expectation under it is a sample mean, so the cost

.. math:: J(\theta) = -\mathbb E_{(x, y) \sim \hat p} \log p_\text{model}(y \mid x; \theta)
          = -\frac1N \sum_i \log p_\text{model}(y_i \mid x_i; \theta)

is a cross-entropy; and as :math:`H(\hat p, q) = H(\hat p) + D_\text{KL}(\hat p \,\|\, q)` with
:math:`D_\text{KL} \ge 0`, the cross-entropy over all :math:`q` is smallest at :math:`q = \hat p`.

* :func:`empirical` builds :math:`\hat p` of samples (an :class:`Empirical`), and
  :func:`empirical_conditional` the joint and conditional :math:`\hat p` of labelled pairs (an
  :class:`EmpiricalConditional`), whose :meth:`~EmpiricalConditional.nll` is :math:`J(\theta)`
  written as the expectation under :math:`\hat p`.
* :func:`entropy`, :func:`cross_entropy` and :func:`kl_divergence` take probability vectors along
  an axis; ``log_q=`` takes log-probabilities instead, such as a log-softmax output.

Conventions: an outcome with :math:`p = 0` contributes nothing, :math:`0 \log q = 0` even where
:math:`q = 0` (so :math:`0 \log 0 = 0`); a positive :math:`p` where :math:`q = 0` makes the
cross-entropy and the KL divergence ``inf``, which is their exact value, with no warning.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import numpy.typing as npt

from losslab._arrays import (
    FloatArray,
    as_real,
    broadcast,
    finish,
    function,
    generator,
    integer,
    multilinear,
    nonnegative_int,
    real_array,
    reduction_axis,
    require,
    require_normalised,
)

__all__ = [
    "Empirical",
    "EmpiricalConditional",
    "cross_entropy",
    "empirical",
    "empirical_conditional",
    "entropy",
    "kl_divergence",
]

IntArray = npt.NDArray[np.int64]
Model = npt.ArrayLike | Callable[[npt.NDArray[Any]], npt.ArrayLike]

_FLOAT64 = np.dtype(np.float64)
# The largest table of counts, S inputs by K classes, empirical_conditional builds: 1 GiB of int64.
_MAX_TABLE = 1 << 27


def _log_distribution(
    arr: FloatArray, name: str, axis: int, dtype: np.dtype[Any], is_log: bool
) -> FloatArray:
    """Check that `arr` holds probability vectors along `axis` (or their logs); return the logs."""
    with np.errstate(invalid="ignore"):  # nan fails the comparison, and so the check
        ok = arr <= 0 if is_log else (arr >= 0) & (arr <= 1)
    require(ok, name, "log-probabilities (<= 0)" if is_log else "probabilities in [0, 1]", arr)
    # exp of a very negative log-probability underflows to its correctly rounded value, and the
    # log of a probability 0 is -inf: neither flag carries information.
    with np.errstate(under="ignore", divide="ignore"):
        probs, logs = (np.exp(arr), arr) if is_log else (arr, np.log(arr))
    require_normalised(probs, name, axis, dtype)
    return logs


def _prepare(
    p: npt.ArrayLike, q: npt.ArrayLike | None, log_q: npt.ArrayLike | None, axis: int
) -> tuple[FloatArray, FloatArray | None, FloatArray, int, np.dtype[Any]]:
    """Validate `p` and the one of `q`, `log_q` given: p, q (None if given as logs), log q."""
    if (q is None) == (log_q is None):
        raise TypeError("give exactly one of q and log_q")
    name = "q" if log_q is None else "log_q"
    p_arr, p_dtype = as_real(p, "p")
    other, other_dtype = as_real(q if log_q is None else log_q, name)
    p_arr, other = broadcast(p=p_arr, **{name: other})
    ax = reduction_axis(p_arr, axis, "p")
    _log_distribution(p_arr, "p", ax, p_dtype, is_log=False)
    logs = _log_distribution(other, name, ax, other_dtype, is_log=log_q is not None)
    return p_arr, (other if log_q is None else None), logs, ax, np.result_type(p_dtype, other_dtype)


def _minus_sum_p_log(p: FloatArray, log_q: FloatArray, axis: int | None) -> Any:
    """``-sum(p * log_q)`` along `axis`, with ``0 * log_q = 0`` also where ``log_q = -inf``."""
    # Where p = 0 the product may be 0 * -inf = nan: the convention replaces it by 0. A tiny p
    # times a log underflows to its correctly rounded value; a sum beyond float64 is inf.
    with np.errstate(invalid="ignore", under="ignore", over="ignore"):
        terms = np.where(p > 0, p * log_q, 0.0)
        return 0.0 - terms.sum(axis=axis)  # 0.0 - 0.0 is +0.0: a certain outcome has entropy +0


def entropy(p: npt.ArrayLike, axis: int = -1) -> Any:
    r"""Shannon entropy in nats, :math:`H(p) = -\sum_k p_k \log p_k`, with :math:`0 \log 0 = 0`.

    Parameters
    ----------
    p : array_like
        Probability vectors along `axis`: entries in [0, 1] summing to 1 (to within the square root
        of the epsilon of their float dtype, float64 for integers).
    axis : int, optional
        The axis of outcomes (default: the last).

    Returns
    -------
    numpy.ndarray or numpy.float64
        The entropy per vector, >= 0: the shape of `p` without `axis`; a scalar for 1-D `p`.

    Raises
    ------
    ValueError
        If an entry of `p` is outside [0, 1] or nan, a vector does not sum to 1, `p` is 0-d, or
        `axis` is out of range.
    TypeError
        If `p` is not real-valued or is a masked array, or `axis` is not an integer.

    Examples
    --------
    >>> from losslab.empirical import entropy
    >>> entropy([[0.5, 0.5], [0.25, 0.75]])
    array([0.69314718, 0.56233514])
    >>> float(entropy([1.0, 0.0]))  # a certain outcome: 0 log 0 = 0
    0.0
    >>> entropy([0.5, 0.25])
    Traceback (most recent call last):
    ...
    ValueError: p must be normalised (sum 1 along axis 0); got 0.75
    """
    arr, dtype = as_real(p, "p")
    ax = reduction_axis(arr, axis, "p")
    log_p = _log_distribution(arr, "p", ax, dtype, is_log=False)
    return finish(np.asarray(_minus_sum_p_log(arr, log_p, ax)), dtype)


def cross_entropy(
    p: npt.ArrayLike,
    q: npt.ArrayLike | None = None,
    *,
    log_q: npt.ArrayLike | None = None,
    axis: int = -1,
) -> Any:
    r"""Cross-entropy in nats, :math:`H(p, q) = -\sum_k p_k \log q_k`.

    Parameters
    ----------
    p : array_like
        Probability vectors along `axis` (the data; see :func:`entropy`).
    q : array_like, optional
        Probability vectors (the model), broadcastable with `p`.
    log_q : array_like, optional
        The log of `q` instead, such as :func:`losslab.log_softmax` of logits: never exponentiated
        for the sum, so probabilities below the float64 range keep their cost. Give exactly one of
        `q` and `log_q`.
    axis : int, optional
        The axis of outcomes, of the broadcast shape (default: the last).

    Returns
    -------
    numpy.ndarray or numpy.float64
        :math:`H(p, q) \ge H(p)`, per vector; ``inf`` where :math:`p_k > 0 = q_k` for some k.
        Outcomes with :math:`p_k = 0` contribute 0 whatever :math:`q_k`.

    Raises
    ------
    ValueError
        As for :func:`entropy`, for `p` and for `q` (or `log_q` positive, nan, or not summing to 1
        once exponentiated); or shapes that do not broadcast.
    TypeError
        If an argument is not real-valued or is a masked array, or not exactly one of `q` and
        `log_q` is given.

    Examples
    --------
    >>> from losslab import log_softmax
    >>> from losslab.empirical import cross_entropy
    >>> float(cross_entropy([0.5, 0.5], [0.25, 0.75]))  # (log 4 + log 4/3) / 2
    0.836988216786
    >>> float(cross_entropy([0.0, 1.0], log_q=log_softmax([0.0, -800.0])))  # q_1 = e^-800
    800.0
    >>> float(cross_entropy([0.5, 0.5], [1.0, 0.0]))
    inf
    """
    p_arr, _, log_q_arr, ax, dtype = _prepare(p, q, log_q, axis)
    return finish(np.asarray(_minus_sum_p_log(p_arr, log_q_arr, ax)), dtype)


def kl_divergence(
    p: npt.ArrayLike,
    q: npt.ArrayLike | None = None,
    *,
    log_q: npt.ArrayLike | None = None,
    axis: int = -1,
) -> Any:
    r"""Kullback-Leibler divergence in nats, :math:`\sum_k p_k \log(p_k / q_k)`.

    Summed term by term, not as :math:`H(p, q) - H(p)`, which loses every digit of a divergence
    far below the entropy. Where :math:`q_k/2 \le p_k \le 2 q_k` the log-ratio is computed as
    :math:`\operatorname{log1p}((p_k - q_k)/q_k)` with :math:`p_k - q_k` exact, so that nearby
    distributions keep the digits of their small divergence (given `log_q`, the ratio is
    :math:`\log p_k - \log q_k`, accurate to the ulp of :math:`\log p_k`).

    Parameters
    ----------
    p, q, log_q, axis
        As for :func:`cross_entropy`.

    Returns
    -------
    numpy.ndarray or numpy.float64
        The divergence per vector, >= 0 always and exactly 0 where ``q == p``; ``inf`` where
        :math:`p_k > 0 = q_k` for some k. The terms of a sum close to 0 cancel, and rounding can
        leave it a few ulps below 0: it is returned as 0, as Gibbs' inequality requires.

    Raises
    ------
    ValueError, TypeError
        As for :func:`cross_entropy`.

    Examples
    --------
    >>> from losslab.empirical import kl_divergence
    >>> float(kl_divergence([0.5, 0.5], [0.25, 0.75]))  # log(4/3) / 2 + log(2/3) / 2
    0.143841036226
    >>> float(kl_divergence([0.3, 0.7], [0.3, 0.7])), float(kl_divergence([0.5, 0.5], [1.0, 0.0]))
    (0.0, inf)
    >>> kl_divergence([0.5, 0.5], [0.5, 0.5], log_q=[-0.7, -0.7])
    Traceback (most recent call last):
    ...
    TypeError: give exactly one of q and log_q
    """
    p_arr, q_arr, log_q_arr, ax, dtype = _prepare(p, q, log_q, axis)
    # Every flag here belongs to an entry that is masked out: log 0 and (p - q)/q with q = 0 only
    # matter where p = 0 (dropped by the sum) or outside the near-ratio range.
    with np.errstate(all="ignore"):
        log_ratio = np.log(p_arr) - log_q_arr  # +inf where p > 0 = q: the exact divergence
        if q_arr is not None:
            near = (p_arr <= 2 * q_arr) & (q_arr <= 2 * p_arr)  # p - q exact here (Sterbenz)
            log_ratio = np.where(near, np.log1p((p_arr - q_arr) / q_arr), log_ratio)
    divergence = -_minus_sum_p_log(p_arr, log_ratio, ax)
    return finish(np.maximum(divergence, 0.0), dtype)


def _points(data: npt.ArrayLike, name: str) -> tuple[npt.NDArray[Any], bool]:
    """Validate N data points, values (N,) or vectors (N, d); return them as (N, d), and which."""
    arr = real_array(data, name)
    if arr.ndim not in (1, 2) or arr.size == 0:
        raise ValueError(
            f"{name} must be N >= 1 values, shape (N,), or vectors, shape (N, d); "
            f"got shape {arr.shape}"
        )
    if arr.dtype.kind == "f":
        require(~np.isnan(arr), name, "numbers, not nan", arr)
        arr = arr + 0.0  # -0.0 + 0.0 is +0.0: the two zeros are one point, stored one way
    return arr.reshape(len(arr), -1), arr.ndim == 2


@dataclass(frozen=True, eq=False)
class Empirical:
    r"""The empirical distribution :math:`\hat p = \frac1N \sum_i \delta(x - x_i)` of N samples.

    Build it with :func:`empirical`. The arrays are read-only, like the dataclass.

    Attributes
    ----------
    support : numpy.ndarray
        The distinct sample points, sorted (lexicographically for vectors): shape (S,) for
        values, (S, d) for vectors.
    counts : numpy.ndarray
        How many samples equal each support point, shape (S,); they sum to N.

    Examples
    --------
    >>> p_hat = empirical([3, 1, 3, 3])
    >>> p_hat.support.tolist(), p_hat.probabilities.tolist()
    ([1, 3], [0.25, 0.75])
    """

    support: npt.NDArray[Any]
    counts: IntArray

    def __post_init__(self) -> None:
        # Built by hand, the arrays must be what empirical builds: the methods rely on them.
        counts, support = _counts(self.counts, "counts", 1), real_array(self.support, "support")
        if support.ndim not in (1, 2) or len(support) != len(counts):
            raise ValueError(f"support {support.shape} and counts {counts.shape} must pair up")
        if not counts.all():
            raise ValueError(f"counts must be >= 1, one per support point; got {counts}")
        for name, value in {"support": support, "counts": counts}.items():
            object.__setattr__(self, name, _frozen(value))

    @property
    def n(self) -> int:
        """The number of samples N.

        Examples
        --------
        >>> empirical([3, 1, 3, 3]).n
        4
        """
        return int(self.counts.sum())

    @property
    def probabilities(self) -> FloatArray:
        r"""The probability :math:`\hat p` of each support point, its count over N.

        Examples
        --------
        >>> empirical([3, 1, 3, 3]).probabilities.tolist()
        [0.25, 0.75]
        """
        return self.counts / self.n

    def expectation(self, f: Callable[[npt.NDArray[Any]], npt.ArrayLike]) -> Any:
        r""":math:`\mathbb E_{\hat p}[f] = \sum_s \hat p(s) f(s)`, which is the sample mean of `f`.

        Parameters
        ----------
        f : callable
            Called once with `support`; returns one value (or array) per support point, along
            the first axis.

        Returns
        -------
        numpy.ndarray or numpy.float64
            The expectation, of the shape of one value of `f`.

        Raises
        ------
        ValueError
            If `f` does not return one value per support point.
        TypeError
            If `f` is not callable, or does not return real numbers (not a masked array).

        Examples
        --------
        >>> from losslab.empirical import empirical
        >>> data = empirical([1, 2, 2, 5])
        >>> float(data.expectation(lambda x: x)), float(data.expectation(lambda x: x**2))
        (2.5, 8.5)
        >>> data.expectation(lambda x: 1.0)
        Traceback (most recent call last):
        ...
        ValueError: f must return one value per support point (3 along the first axis); got shape ()
        """
        values = real_array(function(f, "f")(self.support), "the result of f")
        if values.ndim == 0 or len(values) != len(self.support):
            raise ValueError(
                f"f must return one value per support point ({len(self.support)} along the first "
                f"axis); got shape {values.shape}"
            )
        # sum_s count_s f(s) / N is the sum of f over the samples, repeats grouped, over N: a
        # mean, finite for finite values, although the sum may overflow.
        floats = values.astype(np.float64)
        mean = multilinear(partial(np.tensordot, axes=1), self.counts, floats, divisor=self.n)
        return finish(mean, _FLOAT64)

    def sample(self, size: int, rng: np.random.Generator | int | None = None) -> npt.NDArray[Any]:
        r"""Draw `size` points from :math:`\hat p`: training points, with replacement.

        Parameters
        ----------
        size : int
            How many points to draw, >= 0.
        rng : numpy.random.Generator or int, optional
            The generator, or a seed (an integer >= 0) for :func:`numpy.random.default_rng`.

        Returns
        -------
        numpy.ndarray
            Shape (size,) for values, (size, d) for vectors.

        Raises
        ------
        ValueError
            If `size` is negative.
        TypeError
            If `size` is not an integer (or is a bool), or `rng` is neither a Generator, a seed
            nor None.

        Examples
        --------
        >>> from losslab.empirical import empirical
        >>> draws = empirical([0, 1, 1, 1]).sample(100_000, rng=0)
        >>> sorted(set(draws.tolist())), float((draws == 1).mean())  # p(1) = 3/4
        ([0, 1], 0.75)
        >>> empirical([[0.5, 1.0]]).sample(0, rng=0).shape
        (0, 2)
        """
        size = nonnegative_int(size, "size")
        rng = generator(rng, "rng", seeds=True)
        # One of the N samples, drawn uniformly, then mapped to its support point: probability
        # count/N exactly, in integer arithmetic, with no rounded probabilities to sum.
        draws = rng.integers(0, self.n, size=size)
        return self.support[np.searchsorted(np.cumsum(self.counts), draws, side="right")]

    def pmf(self, points: npt.ArrayLike) -> Any:
        r""":math:`\hat p` at `points`: count/N on the support, 0 elsewhere.

        Parameters
        ----------
        points : array_like
            Values of any shape, or for vectors an array of shape (..., d).

        Returns
        -------
        numpy.ndarray or numpy.float64
            The probabilities: the shape of `points` (without its last axis for vectors).

        Raises
        ------
        ValueError
            If vector points do not have d entries along the last axis.
        TypeError
            If `points` are not real numbers, or are a masked array.

        Examples
        --------
        >>> from losslab.empirical import empirical
        >>> empirical([3, 1, 3, 3]).pmf([1, 2, 3, 3.5])
        array([0.25, 0.  , 0.75, 0.  ])
        >>> float(empirical([[0.0, 1.0], [2.0, 3.0]]).pmf([-0.0, 1.0]))  # -0.0 == 0.0
        0.5
        """
        arr = real_array(points, "points")
        rows = self.support.reshape(len(self.support), -1)
        if self.support.ndim == 2 and (arr.ndim == 0 or arr.shape[-1] != rows.shape[1]):
            raise ValueError(
                f"points must be vectors of {rows.shape[1]} entries (shape (..., "
                f"{rows.shape[1]})); got shape {arr.shape}"
            )
        shape = arr.shape[:-1] if self.support.ndim == 2 else arr.shape
        # One code per distinct point of support and queries together: a query whose code is that
        # of a support point is that point (np.unique compares -0.0 == 0.0; nan matches nothing).
        _, codes = np.unique(
            np.concatenate([rows, arr.reshape(-1, rows.shape[1])]), axis=0, return_inverse=True
        )
        codes = codes.reshape(-1)
        position = np.full(len(codes), -1)
        position[codes[: len(rows)]] = np.arange(len(rows))
        found = position[codes[len(rows) :]]
        probs = np.where(found >= 0, self.probabilities[found], 0.0)
        return finish(probs.reshape(shape), _FLOAT64)


def _frozen(arr: npt.NDArray[Any]) -> npt.NDArray[Any]:
    arr = np.array(arr)  # a copy: the dataclass is frozen, and so are its arrays
    arr.flags.writeable = False
    return arr


def _counts(value: Any, name: str, ndim: int) -> IntArray:
    """`value` as an integer array of counts >= 0 with `ndim` dimensions, or an error."""
    arr = real_array(value, name, "integer counts")
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{name} must hold integer counts; got dtype {arr.dtype}")
    if arr.ndim != ndim or arr.size == 0:
        raise ValueError(f"{name} must be counts of {ndim} dimension(s); got shape {arr.shape}")
    if (arr < 0).any():
        raise ValueError(f"{name} must be counts >= 0; got {int(arr.min())}")
    return arr.astype(np.int64, copy=False)


def empirical(samples: npt.ArrayLike) -> Empirical:
    r"""The empirical distribution of `samples`: mass 1/N on each, merged where they repeat.

    Parameters
    ----------
    samples : array_like
        N >= 1 samples: a 1-D array of values, or an (N, d) array of vectors (points of
        :math:`\mathbb R^d`). Integers keep their dtype in the support.

    Returns
    -------
    Empirical

    Raises
    ------
    ValueError
        If `samples` is empty, holds nan, or is neither 1-D nor 2-D.
    TypeError
        If `samples` are not real numbers, or are a masked array.

    Examples
    --------
    >>> from losslab.empirical import empirical
    >>> data = empirical([3, 1, 3, 2, 3])
    >>> data.support, data.probabilities, data.n
    (array([1, 2, 3]), array([0.2, 0.2, 0.6]), 5)
    >>> empirical([])
    Traceback (most recent call last):
    ...
    ValueError: samples must be N >= 1 values, shape (N,), or vectors, shape (N, d); got shape (0,)
    """
    rows, is_vector = _points(samples, "samples")
    support, counts = np.unique(rows, axis=0, return_counts=True)
    support = support if is_vector else support[:, 0]
    return Empirical(support, counts.astype(np.int64))


@dataclass(frozen=True, eq=False)
class EmpiricalConditional:
    r"""The empirical :math:`\hat p(x, y)` of N labelled pairs, and :math:`\hat p(y \mid x)`.

    Build it with :func:`empirical_conditional`.

    Attributes
    ----------
    inputs : numpy.ndarray
        The distinct inputs :math:`x`, sorted: shape (S,) for values, (S, d) for vectors.
    counts : numpy.ndarray
        ``counts[s, k]``: how many pairs have input ``inputs[s]`` and label k; shape (S, K).
    index : numpy.ndarray
        The row of `inputs` of each pair, in the order of the data, shape (N,).

    Examples
    --------
    >>> data = empirical_conditional(x=[0, 0, 1, 1, 1], y=[0, 1, 1, 1, 0])
    >>> data.counts.tolist(), data.conditional.tolist()  # exact: one division, count / row total
    ([[1, 1], [1, 2]], [[0.5, 0.5], [0.3333333333333333, 0.6666666666666666]])
    """

    inputs: npt.NDArray[Any]
    counts: IntArray
    index: npt.NDArray[np.intp]

    def __post_init__(self) -> None:
        # Built by hand, the arrays must be what empirical_conditional builds (see Empirical).
        counts, index = _counts(self.counts, "counts", 2), _counts(self.index, "index", 1)
        inputs = real_array(self.inputs, "inputs")
        pairs = np.bincount(index, minlength=len(counts))
        if inputs.ndim not in (1, 2) or len(inputs) != len(counts) or len(pairs) != len(counts):
            raise ValueError(f"inputs {inputs.shape}, counts and index must have a row per input")
        if not (np.array_equal(pairs, counts.sum(axis=1)) and pairs.all()):
            raise ValueError("index must hold the row of each pair, as many per row as in counts")
        for name, value in {"inputs": inputs, "counts": counts, "index": index}.items():
            object.__setattr__(self, name, _frozen(value))

    @property
    def n(self) -> int:
        """The number of pairs N.

        Examples
        --------
        >>> empirical_conditional([[0.0], [0.0], [1.0]], [0, 1, 1]).n
        3
        """
        return len(self.index)

    @property
    def classes(self) -> int:
        """The number of classes K; the labels are 0..K-1.

        Examples
        --------
        >>> empirical_conditional([[0.0], [1.0]], [0, 2]).classes
        3
        """
        return int(self.counts.shape[1])

    @property
    def joint(self) -> FloatArray:
        r"""The joint probabilities :math:`\hat p(x, y)`, ``counts / N``, of shape (S, K).

        Examples
        --------
        >>> data = empirical_conditional([[0.0], [0.0], [1.0]], [0, 1, 1])
        >>> data.joint.tolist()  # exact: each entry is one correctly rounded division, count / N
        [[0.3333333333333333, 0.3333333333333333], [0.0, 0.3333333333333333]]
        """
        return self.counts / self.n

    @property
    def conditional(self) -> FloatArray:
        r"""The conditionals :math:`\hat p(y \mid x)`, each row of `counts` over its sum, (S, K).

        Examples
        --------
        >>> empirical_conditional([[0.0], [0.0], [1.0]], [0, 1, 1]).conditional.tolist()
        [[0.5, 0.5], [0.0, 1.0]]
        """
        out: FloatArray = self.counts / self.counts.sum(axis=1, keepdims=True)
        return out

    def nll(self, q: Model | None = None, *, log_q: Model | None = None) -> float:
        r"""The cost :math:`-\sum_{x, y} \hat p(x, y) \log q(y \mid x)`: the NLL of the model `q`.

        This is the mean of :math:`-\log q(y_i \mid x_i)` over the pairs, written as an expectation
        under :math:`\hat p`; as :math:`\sum_x \hat p(x) H(\hat p(\cdot \mid x), q(\cdot \mid x))`
        it is smallest at :math:`q = \hat p(y \mid x)` (the rows of :attr:`conditional`).

        Parameters
        ----------
        q : callable or array_like, optional
            The model :math:`q(y \mid x)`: a callable, called once with `inputs`, that returns
            class probabilities of shape (S, K); or an (N, K) array of them, one row per pair in
            the order of the data (for instance the model's output on the training batch).
        log_q : callable or array_like, optional
            The same as log-probabilities, such as :func:`losslab.log_softmax` of logits. Give
            exactly one of `q` and `log_q`.

        Returns
        -------
        float
            The cost, >= 0; ``inf`` if the model gives probability 0 to an observed pair.

        Raises
        ------
        ValueError
            If the model output has the wrong shape or its rows are not probability vectors
            (as in :func:`cross_entropy`); or, given per pair, if pairs with equal inputs get
            different rows (to within the square root of epsilon): :math:`q(y \mid x)` must be a
            function of :math:`x`.
        TypeError
            If not exactly one of `q` and `log_q` is given, or the output is not real-valued or
            is a masked array.

        Examples
        --------
        >>> import numpy as np
        >>> from losslab.empirical import empirical_conditional
        >>> data = empirical_conditional(x=[0, 0, 1, 1, 1], y=[0, 1, 1, 1, 0])
        >>> table = np.array([[0.5, 0.5], [0.25, 0.75]])  # q(y | x) for x = 0 and x = 1
        >>> rows = table[[0, 0, 1, 1, 1]]  # the model's output on each pair
        >>> float(-np.mean(np.log(rows[np.arange(5), [0, 1, 1, 1, 0]])))  # the mean over pairs
        0.669590573429
        >>> data.nll(q=rows), data.nll(q=lambda x: table[x])
        (0.669590573429, 0.669590573429)
        >>> data.nll(q=lambda x: np.array([[1.0, 0.0], [0.5, 0.5]]))  # q(1 | 0) = 0
        inf
        """
        name, model = ("q", q) if log_q is None else ("log_q", log_q)
        if model is None or (q is not None and log_q is not None):
            raise TypeError("give exactly one of q and log_q")
        per_pair = not callable(model)
        arr, dtype = as_real(model(self.inputs) if callable(model) else model, name)
        shape = (self.n if per_pair else len(self.inputs), self.classes)
        if arr.shape != shape:
            what = "pair" if per_pair else "distinct input"
            raise ValueError(f"{name} must have shape {shape}, one row per {what}; got {arr.shape}")
        logs = _log_distribution(arr, name, 1, dtype, is_log=log_q is not None)
        if per_pair:
            # q(y | x) is a function of x: pairs with equal inputs must get equal rows (up to the
            # rounding of a batched evaluation), and the first pair of each input stands for it.
            first = np.unique(self.index, return_index=True)[1]
            tolerance = math.sqrt(np.finfo(dtype).eps)
            same = np.isclose(logs, logs[first][self.index], rtol=tolerance, atol=tolerance)
            if not same.all():
                i = int(np.flatnonzero(~same.all(axis=1))[0])
                j = int(first[self.index[i]])
                raise ValueError(
                    f"{name} must be a function of x: pairs {j} and {i} have equal inputs but "
                    "different rows"
                )
            logs = logs[first]
        return float(_minus_sum_p_log(self.joint, logs, None))


def empirical_conditional(
    x: npt.ArrayLike, y: npt.ArrayLike, classes: int | None = None
) -> EmpiricalConditional:
    r"""The empirical joint :math:`\hat p(x, y)` and conditional :math:`\hat p(y \mid x)` of pairs.

    Parameters
    ----------
    x : array_like
        N >= 1 inputs: a 1-D array of values, or an (N, d) array of vectors.
    y : array_like
        N integer labels, >= 0 (integral floats are accepted).
    classes : int, optional
        The number of classes K, above every label (default: the largest label plus 1).

    Returns
    -------
    EmpiricalConditional

    Raises
    ------
    ValueError
        If `x` is invalid as in :func:`empirical`; a label is negative, not an integer, or not
        below `classes`; `y` does not hold one label per input; or the table of counts, S inputs
        by K classes, would exceed 2**27 entries (number sparse labels 0..K-1 first).
    TypeError
        If `x` or `y` are not real numbers or are masked arrays, or `classes` is not an integer.

    Examples
    --------
    >>> from losslab.empirical import empirical_conditional
    >>> data = empirical_conditional(x=[0, 0, 1, 1, 1], y=[0, 1, 1, 1, 0])
    >>> data.inputs, data.joint
    (array([0, 1]), array([[0.2, 0.2],
           [0.2, 0.4]]))
    >>> data.conditional
    array([[0.5       , 0.5       ],
           [0.33333333, 0.66666667]])
    >>> empirical_conditional(x=[0, 1], y=[0, -1])
    Traceback (most recent call last):
    ...
    ValueError: y must be integer labels >= 0; got -1.0
    """
    rows, is_vector = _points(x, "x")
    labels = real_array(y, "y", "integer labels")
    if labels.shape != (len(rows),):
        raise ValueError(
            f"y must hold one label per input, N = {len(rows)}; got shape {labels.shape}"
        )
    values = labels.astype(np.float64)
    with np.errstate(invalid="ignore"):  # nan fails the comparisons, and so the check
        ok = (values >= 0) & (values == np.floor(values)) & np.isfinite(values)
    require(ok, "y", "integer labels >= 0", values)
    k = int(values.max()) + 1
    if classes is not None:
        if integer(classes, "classes", 1) < k:
            raise ValueError(f"classes must be above every label (>= {k}); got {classes}")
        k = int(classes)
    inputs, index = np.unique(rows, axis=0, return_inverse=True)
    index = index.reshape(-1)
    if len(inputs) * k > _MAX_TABLE:  # a dense table this size is a mistake, not a data set
        name = "y" if classes is None else "classes"
        raise ValueError(
            f"{name} gives K = {k} classes for {len(inputs)} distinct inputs, a table of "
            f"{len(inputs) * k} counts, above 2**27: number the labels 0..K-1 without gaps "
            "(numpy.unique(y, return_inverse=True))"
        )
    counts = np.bincount(index * k + values.astype(np.intp), minlength=len(inputs) * k)
    return EmpiricalConditional(
        inputs if is_vector else inputs[:, 0],
        counts.reshape(len(inputs), k).astype(np.int64),
        index.astype(np.intp),
    )
