"""The implementations compared with losslab, and the floating-point policy each one runs under.

A function's inputs are a tuple of numpy arrays in the order of losslab's arguments: ``(x,)`` for
softplus and log_sigmoid, ``(a,)`` for the reductions, ``(y, logits)`` for bernoulli_nll and
categorical_nll (labels as int64), ``(y, mean, scale)`` for gaussian_nll, ``(y, log_rate)`` for
poisson_nll. Every contender takes that tuple and returns a float64 array; reductions work along
the last axis, so the same contender serves one row (accuracy) and a matrix of rows (throughput).
torch is optional: without it its rows are left out.
"""

from __future__ import annotations

import contextlib
import importlib
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.special
import scipy.stats

import losslab

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
#: The input arrays of one call of a function, in the order of its arguments.
Inputs = tuple[npt.NDArray[Any], ...]


@dataclass(frozen=True)
class Contender:
    """One implementation of one function.

    Attributes
    ----------
    label : str
        How the tables name it: the expression a user would write.
    function : callable
        The implementation, called with the input arrays as positional arguments.
    is_losslab : bool
        losslab runs with every floating-point flag raising; the others with flags ignored.
    timed : bool
        Whether the throughput table has it (the naive formulas are there for accuracy only).
    """

    label: str
    function: Callable[..., Any]
    is_losslab: bool = False
    timed: bool = True

    def compute(self, inputs: Inputs) -> Any:
        """The result on one tuple of input arrays."""
        return self.function(*inputs)


def load_torch() -> ModuleType | None:
    """Import torch pinned to one thread, or return None where it is not installed."""
    try:
        torch = importlib.import_module("torch")
    except ImportError:
        return None
    torch.set_num_threads(1)
    return torch


@contextlib.contextmanager
def floating_point_policy(contender: Contender) -> Iterator[None]:
    """Run losslab with floating-point flags as errors and the peers with flags silenced.

    losslab promises not to raise any flag over the whole float64 range, so any flag is a bug
    that should stop the benchmark. The peers overflow and divide by zero on these inputs by
    design; their inf and nan results are counted instead of aborting the run.
    """
    if contender.is_losslab:
        with np.errstate(all="raise"):
            yield
    else:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield


def _naive_log_softmax(a: FloatArray) -> FloatArray:
    """The textbook ``a - log(sum(exp(a)))``, without the shift by the maximum."""
    result: FloatArray = a - np.log(np.sum(np.exp(a), axis=-1, keepdims=True))
    return result


def _usual_bernoulli_nll(y: FloatArray, z: FloatArray) -> FloatArray:
    """The binary cross-entropy as most code writes it (TensorFlow's formula)."""
    result: FloatArray = np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))
    return result


def _naive_bernoulli_nll(y: FloatArray, z: FloatArray) -> FloatArray:
    """The definition on probabilities: ``-(y log s + (1 - y) log(1 - s))``, s the sigmoid."""
    s = 1.0 / (1.0 + np.exp(-z))
    result: FloatArray = -(y * np.log(s) + (1.0 - y) * np.log(1.0 - s))
    return result


def _scipy_categorical_nll(y: IntArray, logits: FloatArray) -> FloatArray:
    """``-scipy.special.log_softmax`` at the label of each row."""
    log_p = scipy.special.log_softmax(logits, axis=-1)
    result: FloatArray = -np.take_along_axis(log_p, y[..., np.newaxis], axis=-1)[..., 0]
    return result


def _scipy_gaussian_nll(y: FloatArray, mean: FloatArray, scale: FloatArray) -> FloatArray:
    """Minus scipy's log-density of the normal distribution."""
    result: FloatArray = -scipy.stats.norm.logpdf(y, mean, scale)
    return result


def _scipy_poisson_nll(y: FloatArray, log_rate: FloatArray) -> FloatArray:
    """Minus scipy's log-probability of the Poisson distribution, at the rate ``exp(log_rate)``."""
    result: FloatArray = -scipy.stats.poisson.logpmf(y, np.exp(log_rate))
    return result


def _torch_contenders(torch: ModuleType) -> dict[str, list[Contender]]:
    """torch's functions on zero-copy views of the numpy inputs (float64 stays float64)."""
    functional = torch.nn.functional

    def wrap(fn: Callable[..., Any]) -> Callable[..., FloatArray]:
        def compute(*arrays: npt.NDArray[Any]) -> FloatArray:
            result: FloatArray = fn(*(torch.from_numpy(a) for a in arrays)).numpy()
            return result

        return compute

    def bernoulli_nll(y: Any, z: Any) -> Any:
        return functional.binary_cross_entropy_with_logits(z, y, reduction="none")

    def categorical_nll(y: Any, logits: Any) -> Any:
        return functional.cross_entropy(logits, y, reduction="none")

    def gaussian_nll(y: Any, mean: Any, scale: Any) -> Any:
        # The default eps=1e-6 clamps the variance from below: what torch users get.
        return functional.gaussian_nll_loss(mean, y, scale**2, full=True, reduction="none")

    def poisson_nll(y: Any, log_rate: Any) -> Any:
        # full=True adds Stirling's approximation of log(y!) for y > 1: a negative log-probability.
        return functional.poisson_nll_loss(log_rate, y, log_input=True, full=True, reduction="none")

    return {
        # Default arguments on purpose: threshold=20 makes softplus return x itself above 20,
        # which is what torch users get.
        "softplus": [Contender("`torch.nn.functional.softplus`", wrap(functional.softplus))],
        "log_sigmoid": [Contender("`torch.nn.functional.logsigmoid`", wrap(functional.logsigmoid))],
        "logsumexp": [Contender("`torch.logsumexp`", wrap(lambda t: torch.logsumexp(t, dim=-1)))],
        "log_softmax": [
            Contender("`torch.log_softmax`", wrap(lambda t: torch.log_softmax(t, dim=-1)))
        ],
        "bernoulli_nll": [
            Contender("`torch.nn.functional.binary_cross_entropy_with_logits`", wrap(bernoulli_nll))
        ],
        "categorical_nll": [
            Contender("`torch.nn.functional.cross_entropy`", wrap(categorical_nll))
        ],
        "gaussian_nll": [Contender("`torch.nn.functional.gaussian_nll_loss`", wrap(gaussian_nll))],
        "poisson_nll": [
            Contender("`torch.nn.functional.poisson_nll_loss(full=True)`", wrap(poisson_nll))
        ],
    }


def contenders(torch: ModuleType | None) -> dict[str, list[Contender]]:
    """Every contender of every function, losslab first, in the order of the tables."""
    softplus = [
        Contender("losslab", losslab.softplus, is_losslab=True),
        Contender("`np.logaddexp(0, x)`", lambda x: np.logaddexp(0.0, x)),
    ]
    # scipy.special.softplus appeared in scipy 1.15.
    if hasattr(scipy.special, "softplus"):
        softplus.append(Contender("`scipy.special.softplus`", scipy.special.softplus))
    softplus.append(
        Contender("`np.log1p(np.exp(x))` (naive)", lambda x: np.log1p(np.exp(x)), timed=False)
    )
    table = {
        "softplus": softplus,
        "log_sigmoid": [
            Contender("losslab", losslab.log_sigmoid, is_losslab=True),
            Contender("`-np.logaddexp(0, -x)`", lambda x: -np.logaddexp(0.0, -x)),
            Contender("`scipy.special.log_expit`", scipy.special.log_expit),
            Contender(
                "`np.log(1 / (1 + np.exp(-x)))` (naive)",
                lambda x: np.log(1.0 / (1.0 + np.exp(-x))),
                timed=False,
            ),
        ],
        "logsumexp": [
            Contender("losslab", losslab.logsumexp, is_losslab=True),
            Contender("`scipy.special.logsumexp`", lambda a: scipy.special.logsumexp(a, axis=-1)),
            Contender(
                "`np.log(np.sum(np.exp(a)))` (naive)",
                lambda a: np.log(np.sum(np.exp(a), axis=-1)),
                timed=False,
            ),
        ],
        "log_softmax": [
            Contender("losslab", losslab.log_softmax, is_losslab=True),
            Contender(
                "`scipy.special.log_softmax`", lambda a: scipy.special.log_softmax(a, axis=-1)
            ),
            Contender("`a - np.log(np.sum(np.exp(a)))` (naive)", _naive_log_softmax, timed=False),
        ],
        "bernoulli_nll": [
            Contender("losslab", losslab.bernoulli_nll, is_losslab=True),
            Contender(
                "`np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))`", _usual_bernoulli_nll
            ),
            Contender(
                "`-(y * np.log(s) + (1 - y) * np.log(1 - s))` (naive)",
                _naive_bernoulli_nll,
                timed=False,
            ),
        ],
        "categorical_nll": [
            Contender("losslab", losslab.categorical_nll, is_losslab=True),
            Contender("`-scipy.special.log_softmax`, picked", _scipy_categorical_nll),
        ],
        "gaussian_nll": [
            Contender("losslab", losslab.gaussian_nll, is_losslab=True),
            Contender("`-scipy.stats.norm.logpdf(y, mean, scale)`", _scipy_gaussian_nll),
        ],
        "poisson_nll": [
            Contender("losslab", losslab.poisson_nll, is_losslab=True),
            Contender("`-scipy.stats.poisson.logpmf(y, np.exp(log_rate))`", _scipy_poisson_nll),
        ],
    }
    if torch is not None:
        for function, extra in _torch_contenders(torch).items():
            table[function].extend(extra)
    return table
