"""The implementations compared with losslab, and the floating-point policy each one runs under.

Every contender takes a float64 numpy array and returns one; reductions work along the last axis,
so the same callable serves one row (accuracy) and a matrix of rows (throughput). torch is
optional: without it its rows are left out.
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

import losslab

FloatArray = npt.NDArray[np.float64]

#: The functions of one argument; the others reduce along the last axis.
ELEMENTWISE = ("softplus", "log_sigmoid")


@dataclass(frozen=True)
class Contender:
    """One implementation of one function.

    Attributes
    ----------
    label : str
        How the tables name it: the expression a user would write.
    compute : callable
        A float64 array in, its result out.
    is_losslab : bool
        losslab runs with every floating-point flag raising; the others with flags ignored.
    timed : bool
        Whether the throughput table has it (the naive formulas are there for accuracy only).
    """

    label: str
    compute: Callable[[FloatArray], Any]
    is_losslab: bool = False
    timed: bool = True


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


def _torch_contenders(torch: ModuleType) -> dict[str, list[Contender]]:
    """torch's functions on a zero-copy view of the numpy input (float64 stays float64)."""
    functional = torch.nn.functional

    def wrap(fn: Callable[[Any], Any]) -> Callable[[FloatArray], FloatArray]:
        def compute(x: FloatArray) -> FloatArray:
            result: FloatArray = fn(torch.from_numpy(x)).numpy()
            return result

        return compute

    return {
        # Default arguments on purpose: threshold=20 makes softplus return x itself above 20,
        # which is what torch users get.
        "softplus": [Contender("`torch.nn.functional.softplus`", wrap(functional.softplus))],
        "log_sigmoid": [Contender("`torch.nn.functional.logsigmoid`", wrap(functional.logsigmoid))],
        "logsumexp": [Contender("`torch.logsumexp`", wrap(lambda t: torch.logsumexp(t, dim=-1)))],
        "log_softmax": [
            Contender("`torch.log_softmax`", wrap(lambda t: torch.log_softmax(t, dim=-1)))
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
    }
    if torch is not None:
        for function, extra in _torch_contenders(torch).items():
            table[function].extend(extra)
    return table
