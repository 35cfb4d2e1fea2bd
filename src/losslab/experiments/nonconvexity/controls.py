"""Controls for two claims of the chapter: a search that can fail, a minimum that is not there.

A random-pair search for violations of Jensen's inequality that finds nothing on a convex loss
is evidence only if the same search, with the same budget, finds one on a loss that is not
convex (NC2). And a network that solves XOR has no minimum to stop at: scaling up its output
layer lowers its cost further, toward 0, without end (NC6).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from losslab._arrays import FloatArray, each, finite_positive, integer, nonnegative_int
from losslab.experiments.nonconvexity._common import on_vectors
from losslab.experiments.nonconvexity.networks import (
    XOR_INPUTS,
    XOR_LABELS,
    XOR_NET,
    XorRuns,
    xor_objective,
)
from losslab.geometry import JensenCertificate, flatten, jensen_certificate
from losslab.nets import Params

#: Scaling the output layer of a network that solves XOR by the largest factor tried lowers its
#: cost at least this many times (NC6): the cost keeps falling as the weights grow.
OUTPUT_SCALING_DROP = 100.0


@dataclass(frozen=True)
class NetworkJensenSearch:
    """The random-pair Jensen search of the convex losses, run on the XOR network (NC2).

    Attributes
    ----------
    points : int
        The number of random parameter vectors drawn.
    pairs : int
        The number of pairs of them searched.
    parameters : int
        The number of parameters of the network, the dimension of each point.
    certificate : JensenCertificate or None
        The largest violation of Jensen's inequality found, or None.

    Examples
    --------
    >>> search = network_jensen_search(points=4)
    >>> search.pairs, search.parameters
    (6, 9)
    """

    points: int
    pairs: int
    parameters: int
    certificate: JensenCertificate | None


def network_jensen_search(
    points: int = 20, scale: float = 3.0, seed: int = 2
) -> NetworkJensenSearch:
    """Search random pairs of XOR network parameters for a violation of Jensen's inequality.

    The search is the one that :func:`convexity_checks` runs on the logistic and hinge losses,
    with the same budget: `points` vectors drawn ``N(0, scale**2)`` coordinate by coordinate, every
    pair of them, and :func:`losslab.geometry.jensen_certificate`'s default weights. The loss is
    the mean Bernoulli cost of the 2-2-1 tanh network on XOR. That this search finds a violation
    at once is what gives weight to its finding none on the convex losses.

    Raises
    ------
    ValueError, TypeError
        If `points` is not an integer >= 2, `seed` is not an integer >= 0, or `scale` is not a
        positive finite number (a bool is not an integer).

    Examples
    --------
    >>> search = network_jensen_search(points=6)
    >>> search.certificate is not None and search.certificate.gap > 0
    True
    """
    integer(points, "points", 2)
    finite_positive(scale, "scale")
    nonnegative_int(seed, "seed")
    rng = np.random.default_rng(seed)
    like = XOR_NET.init(rng)
    loss, _ = on_vectors(xor_objective(XOR_NET), like)
    size = flatten(like).size
    draws = [rng.normal(0.0, scale, size) for _ in range(points)]
    return NetworkJensenSearch(
        points=points,
        pairs=points * (points - 1) // 2,
        parameters=size,
        certificate=jensen_certificate(loss, draws),
    )


@dataclass(frozen=True)
class OutputScaling:
    """The best-trained XOR network with its output layer scaled up (NC6).

    Attributes
    ----------
    factors : numpy.ndarray
        The factors the output layer's weights and bias are multiplied by.
    losses : numpy.ndarray
        The mean cost at each factor.
    norms : numpy.ndarray
        The norm of all the network's parameters at each factor.
    margins : numpy.ndarray
        The trained network's signed logits ``(2 y - 1) z`` on the four inputs: all positive
        when it classifies every input correctly.

    Examples
    --------
    >>> from losslab.experiments.nonconvexity import xor_runs
    >>> scaling = output_scaling(xor_runs(scales=(1.0,), seeds=2, steps=10), factors=(1.0, 2.0))
    >>> scaling.losses.shape, scaling.margins.shape
    ((2,), (4,))
    """

    factors: FloatArray
    losses: FloatArray
    norms: FloatArray
    margins: FloatArray


def _scaled_output(params: Params, factor: float) -> Params:
    """The network with its output layer, weights and bias, multiplied by `factor`."""
    (w1, b1), (w2, b2) = params
    return ((w1, b1), (w2 * factor, b2 * factor))


def output_scaling(
    runs: XorRuns, factors: npt.ArrayLike = (1.0, 2.0, 4.0, 8.0, 16.0)
) -> OutputScaling:
    """Multiply the output layer of the best-trained network of `runs` by each of `factors`.

    The output is the logit, so a factor c multiplies every logit by c. If the network
    classifies all four inputs correctly (every margin positive), each cost term
    ``log(1 + exp(-c m))`` falls as c grows and tends to 0 without reaching it: the cost has an
    infimum, 0, but no minimum, and so no point for gradient descent to converge to.

    Raises
    ------
    ValueError, TypeError
        If `factors` is not a positive finite number (a sequence is checked entry by entry).

    Examples
    --------
    >>> from losslab.experiments.nonconvexity import xor_runs
    >>> scaling = output_scaling(xor_runs(scales=(1.0,), seeds=4, steps=200), factors=(1.0, 4.0))
    >>> bool(scaling.norms[1] > scaling.norms[0])
    True
    """
    each(factors, finite_positive, "factors")
    k, s = np.unravel_index(np.argmin(runs.final), runs.final.shape)
    params = runs.network(int(k), int(s))
    loss, _ = on_vectors(xor_objective(XOR_NET), params)
    grid = np.asarray(factors, dtype=np.float64)
    scaled = [flatten(_scaled_output(params, float(c))) for c in grid]
    logits = XOR_NET.forward(params, XOR_INPUTS)[0][:, 0]
    return OutputScaling(
        factors=grid,
        losses=np.array([loss(theta) for theta in scaled]),
        norms=np.array([float(np.linalg.norm(theta)) for theta in scaled]),
        margins=(2 * XOR_LABELS - 1) * logits,
    )
