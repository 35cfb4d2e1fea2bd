"""Every public function at its edges: rejections naming the argument, no flag on finite input.

Three promises, checked with hypothesis for every public function and method of the library:

1. Bad input (a wrong type, complex numbers, a masked array, a ragged sequence, a wrong shape, a
   value out of range) raises ValueError or TypeError, and the message names the argument.
2. Finite float64 input, extreme magnitudes and subnormals included, raises no floating-point
   flag (the conftest turns every flag into an error), and the result holds no nan, and no inf
   unless an mpmath or exact rational reference says the exact value lies beyond float64.
3. The dtype policy: float16 and float32 input give a result of that dtype, the float64 result
   rounded once; integers and booleans give float64.

``test_every_public_function_is_covered`` fails when a module gains a public function or method
that the tables below do not cover. The sizes, seeds, steps and scales of every public experiment
and figure are checked for the first promise too.
"""

import importlib
import inspect
import math
import pkgutil
import re
from fractions import Fraction
from functools import partial

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from losslab import empirical, geometry, likelihoods, nets, numerics, optim, reference
from losslab.empirical import Empirical, EmpiricalConditional
from losslab.geometry import JensenCertificate
from losslab.nets import MLP
from losslab.optim import Trajectory

MODULES = [numerics, likelihoods, empirical, nets, optim, geometry, reference]
MAX = np.finfo(np.float64).max

# --- what is public ----------------------------------------------------------------------------


def public_callables():
    """``module.name`` of every public function and class, and ``module.Class.member`` of every
    public method and property (those take no argument)."""
    functions, properties = set(), set()
    for module in MODULES:
        short = module.__name__.rsplit(".", 1)[1]
        for name in module.__all__:
            obj = getattr(module, name)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue  # constants and type aliases
            functions.add(f"{short}.{name}")
            for attr, member in vars(obj).items() if inspect.isclass(obj) else ():
                if attr.startswith("_"):
                    continue
                if isinstance(member, property):
                    properties.add(f"{short}.{name}.{attr}")
                elif inspect.isfunction(member):
                    functions.add(f"{short}.{name}.{attr}")
    return functions, properties


# --- strategies --------------------------------------------------------------------------------

EDGES = [
    *(0.0, 5e-324, 1e-320, 2.2250738585072014e-308, 1e-300, 1e-150, 1e-20, 0.5, 1.0, 2.0),
    *(19.0, 37.0, 40.0, 700.0, 709.78, 710.0, 745.0, 746.0, 1e154, 1e300),
    *(8.98846567431158e307, 1.7976931348623157e308),
]
edge = st.sampled_from(EDGES + [-v for v in EDGES])
finite = st.one_of(edge, st.floats(-50, 50), st.floats(allow_nan=False, allow_infinity=False))
positive = st.one_of(
    st.sampled_from([v for v in EDGES if v > 0]),
    st.floats(min_value=5e-324, allow_nan=False, allow_infinity=False),
)


def vectors(elements, size=None):
    sizes = {"min_size": 1, "max_size": 3} if size is None else {"min_size": size, "max_size": size}
    return st.lists(elements, **sizes).map(lambda v: np.array(v, dtype=np.float64))


def normalised(weights):
    w = np.asarray(weights, dtype=np.float64)
    with np.errstate(under="ignore"):  # tiny weights over the total round to subnormals
        return w / w.sum()


# Probability vectors with exact zeros, subnormals and weights over 300 decades.
weights = st.one_of(st.just(0.0), st.floats(0.0, 1.0), st.floats(1e-300, 1e-10), edge.map(abs))


def probability_vectors(k):
    return (
        st.lists(weights, min_size=k, max_size=k)
        .filter(lambda w: 0 < sum(w) < math.inf)
        .map(normalised)
    )


probabilities = st.integers(1, 4).flatmap(probability_vectors)

# Values that are not arrays of real numbers, for any array argument.
not_real = st.one_of(
    vectors(st.floats(-2, 2)).map(lambda v: v + 1j),
    vectors(st.floats(0, 1), size=2).map(lambda v: np.ma.array(v, mask=[False, True])),
    st.just([[0.0, 1.0], [0.5]]),
    st.lists(st.text(max_size=2), min_size=1, max_size=2).map(np.array),
    st.just(np.array([None, 1.0], dtype=object)),
)
# Values that are not real numbers, for a scalar setting.
not_a_number = st.one_of(
    st.text(max_size=2),
    st.none(),
    st.just([1.0]),
    st.complex_numbers(max_magnitude=10).filter(lambda z: z.imag != 0),
    st.booleans(),
)
not_finite = st.sampled_from([math.nan, math.inf, -math.inf])


def bad_count(minimum):
    """Not an integer >= minimum: smaller integers, floats (integral ones too), bools, text."""
    return st.one_of(st.integers(max_value=minimum - 1), st.floats(), not_a_number)


bad_positive = st.one_of(st.floats(max_value=0.0), not_finite, not_a_number)
bad_nonnegative = st.one_of(st.floats(max_value=-5e-324), not_finite, not_a_number)
bad_finite = st.one_of(not_finite, not_a_number)
bad_generator = st.one_of(
    st.integers(), st.none(), st.text(max_size=2), st.just(np.random.RandomState(0))
)
bad_seed = st.one_of(
    st.integers(max_value=-1), st.floats(), st.text(max_size=2), st.just(np.random.RandomState(0))
)
outside_unit = st.one_of(st.floats(allow_nan=True).filter(lambda v: not 0 <= v <= 1))
bad_scale = vectors(st.one_of(st.floats(max_value=0.0), not_finite))
not_callable = st.one_of(st.integers(), st.text(max_size=2), st.none())
bad_axis = st.one_of(st.integers().filter(lambda a: not -2 <= a < 2), st.floats(), st.booleans())

# --- 1. rejections -----------------------------------------------------------------------------


def _call(function, valid, argument, value):
    return function(**{**valid, argument: value})


def cases(name, function, valid, **bad):
    """One case per argument of `bad`: `function(**valid)` with that argument replaced.

    `bad` holds strategies of bad values.
    """
    return [
        pytest.param(
            name,
            argument,
            partial(_call, function, valid, argument),
            strategy,
            id=f"{name}-{argument}",
        )
        for argument, strategy in bad.items()
    ]


def _names(message, argument):
    return re.search(rf"(?<![\w.]){re.escape(argument)}(?![\w])", message) is not None


ROW = np.array([[0.0, 1.0], [2.0, -1.0]])
HALF = np.array([0.5, 0.5])
NET = MLP((2, 3, 1))
PARAMS = NET.init(np.random.default_rng(0))
X = np.ones((4, 2))
OUTPUT, CACHE = NET.forward(PARAMS, X)
VALUES = empirical.empirical([1.0, 2.0, 2.0])
VECTORS = empirical.empirical([[0.0, 1.0], [2.0, 3.0]])
LABELLED = empirical.empirical_conditional([0, 0, 1], [0, 1, 1])


def _square(w):
    return 0.0, 2 * w


REJECTIONS = [
    # numerics
    *cases("numerics.softplus", numerics.softplus, {"x": 1.0}, x=not_real),
    *cases("numerics.log_sigmoid", numerics.log_sigmoid, {"x": 1.0}, x=not_real),
    *cases("numerics.sigmoid", numerics.sigmoid, {"logits": 1.0}, logits=not_real),
    *cases(
        "numerics.logsumexp",
        numerics.logsumexp,
        {"a": ROW, "axis": -1},
        a=st.one_of(not_real, st.just(np.zeros((2, 0))), st.just(1.0)),
        axis=bad_axis,
    ),
    *cases(
        "numerics.log_softmax",
        numerics.log_softmax,
        {"a": ROW, "axis": -1, "index": None},
        a=st.one_of(not_real, st.just(2.0)),
        axis=bad_axis,
        index=st.one_of(
            st.integers().filter(lambda k: not 0 <= k < 2),
            st.floats(),
            st.just([0, 1, 1]),
            st.just([[0], [1, 0]]),
        ),
    ),
    *cases(
        "numerics.log_softmax",
        numerics.log_softmax,
        {"a": ROW, "index": [0, 1]},
        index=st.just(np.ma.array([0, 1], mask=[False, True])),
    ),
    # likelihoods
    *cases(
        "likelihoods.bernoulli_nll",
        likelihoods.bernoulli_nll,
        {"y": [0.0, 1.0], "logits": [0.0, 1.0]},
        y=st.one_of(not_real, vectors(outside_unit)),
        logits=st.one_of(not_real, st.just(np.zeros(3))),
    ),
    *cases(
        "likelihoods.bernoulli_nll_grad",
        likelihoods.bernoulli_nll_grad,
        {"y": [0.0, 1.0], "logits": [0.0, 1.0]},
        y=st.one_of(not_real, vectors(outside_unit)),
        logits=st.one_of(not_real, st.just(np.zeros(3))),
    ),
    *[
        case
        for name in ("categorical_nll", "categorical_nll_grad")
        for case in (
            *cases(
                f"likelihoods.{name}",
                getattr(likelihoods, name),
                {"y": [0, 1], "logits": ROW, "axis": -1},
                y=st.one_of(
                    st.lists(st.text(max_size=2), min_size=2, max_size=2).map(np.array),
                    st.just([0, 1 + 1j]),
                    st.just([0.5, 1.0]),
                    st.just([0, 2]),
                    st.just([[0, 1, 1]]),
                ),
                logits=st.one_of(not_real, st.just(np.zeros((3, 2)))),
                axis=bad_axis,
            ),
            *cases(
                f"likelihoods.{name}",
                getattr(likelihoods, name),
                {"y": [0, 1], "logits": ROW},
                y=st.just(np.ma.array([0, 1], mask=[False, True])),
            ),
        )
    ],
    *[
        case
        for name, location in (
            ("gaussian_nll", "mean"),
            ("gaussian_nll_grad", "mean"),
            ("laplace_nll", "loc"),
            ("laplace_nll_grad", "loc"),
        )
        for case in cases(
            f"likelihoods.{name}",
            getattr(likelihoods, name),
            {"y": [0.0, 1.0], location: [0.0, 1.0], "scale": 1.0},
            y=st.one_of(not_real, st.just(np.zeros(3))),
            **{location: not_real},
            scale=st.one_of(not_real, bad_scale),
        )
    ],
    *[
        case
        for name in ("heteroscedastic_gaussian_nll", "heteroscedastic_gaussian_nll_grad")
        for case in cases(
            f"likelihoods.{name}",
            getattr(likelihoods, name),
            {"y": [0.0, 1.0], "mean": [0.0, 1.0], "raw_scale": 0.0},
            y=not_real,
            mean=st.one_of(not_real, st.just(np.zeros(3))),
            raw_scale=not_real,
        )
    ],
    *[
        case
        for name in ("poisson_nll", "poisson_nll_grad")
        for case in cases(
            f"likelihoods.{name}",
            getattr(likelihoods, name),
            {"y": [0, 3], "log_rate": [0.0, 1.0]},
            y=st.one_of(
                not_real,
                vectors(st.one_of(st.floats(max_value=-1e-300), not_finite)),
                vectors(st.floats(0, 1e15).filter(lambda v: v != math.floor(v))),
            ),
            log_rate=st.one_of(not_real, st.just(np.zeros(3))),
        )
    ],
    # empirical
    *cases(
        "empirical.entropy",
        empirical.entropy,
        {"p": HALF, "axis": -1},
        p=st.one_of(not_real, vectors(outside_unit), st.just([0.5, 0.4]), st.just(0.5)),
        axis=bad_axis,
    ),
    *[
        case
        for name in ("cross_entropy", "kl_divergence")
        for case in (
            *cases(
                f"empirical.{name}",
                getattr(empirical, name),
                {"p": HALF, "q": HALF, "axis": -1},
                p=st.one_of(not_real, vectors(outside_unit), st.just([0.5, 0.4])),
                q=st.one_of(not_real, vectors(outside_unit), st.just(np.full(3, 1 / 3)), st.none()),
                axis=bad_axis,
            ),
            *cases(
                f"empirical.{name}",
                getattr(empirical, name),
                {"p": HALF, "log_q": np.log(HALF)},
                log_q=st.one_of(not_real, vectors(st.floats(min_value=1e-300)), st.just([-1, -1])),
            ),
        )
    ],
    *cases(
        "empirical.empirical",
        empirical.empirical,
        {"samples": [1.0, 2.0]},
        samples=st.one_of(
            not_real, st.just([1.0, math.nan]), st.just([]), st.just(np.zeros((1,) * 3))
        ),
    ),
    *cases(
        "empirical.empirical_conditional",
        empirical.empirical_conditional,
        {"x": [0, 1], "y": [0, 1], "classes": None},
        x=st.one_of(not_real, st.just([0.0, math.nan])),
        y=st.one_of(
            not_real,
            vectors(st.floats(max_value=-1e-300), size=2),
            vectors(st.floats(0, 10).filter(lambda v: v != math.floor(v)), size=2),
            st.just([0, 1, 1]),
            st.integers(2**27, 2**62).map(lambda k: [0, k]),
        ),
        classes=st.one_of(bad_count(2).filter(lambda v: v is not None), st.integers(2**27, 2**62)),
    ),
    *cases(
        "empirical.Empirical",
        Empirical,
        {"support": [1.0, 2.0], "counts": [1, 2]},
        support=st.one_of(not_real, st.just([1.0])),
        counts=st.one_of(not_real, st.just([1.0, 2.0]), st.just([1, 0]), st.just([[1, 2]])),
    ),
    *cases(
        "empirical.Empirical.expectation",
        VALUES.expectation,
        {"f": lambda s: s},
        f=st.one_of(
            not_callable, not_real.map(lambda bad: lambda s: bad), st.just(lambda s: s[:1])
        ),
    ),
    *cases(
        "empirical.Empirical.sample",
        VALUES.sample,
        {"size": 2, "rng": 0},
        size=bad_count(0),
        rng=bad_seed,
    ),
    *cases(
        "empirical.Empirical.pmf",
        VECTORS.pmf,
        {"points": [0.0, 1.0]},
        points=st.one_of(not_real, st.just([1.0, 2.0, 3.0]), st.just(1.0)),
    ),
    *cases(
        "empirical.EmpiricalConditional",
        EmpiricalConditional,
        {"inputs": [0, 1], "counts": [[1, 0], [0, 1]], "index": [0, 1]},
        inputs=st.one_of(not_real, st.just([0])),
        counts=st.one_of(not_real, st.just([[1.0, 0.0], [0.0, 1.0]]), st.just([[1, 0], [0, 2]])),
        index=st.one_of(not_real, st.just([0, 0]), st.just([-1, 1])),
    ),
    *cases(
        "empirical.EmpiricalConditional.nll",
        LABELLED.nll,
        {"q": np.full((3, 2), 0.5), "log_q": None},
        q=st.one_of(not_real, st.just(np.ones((3, 2))), st.just(HALF), st.none()),
        log_q=st.one_of(not_real, st.just(np.zeros((3, 2))), st.just(np.log(np.full((3, 2), 0.5)))),
    ),
    # nets
    *cases(
        "nets.MLP",
        MLP,
        {"sizes": (2, 1), "hidden": "tanh"},
        sizes=st.one_of(
            st.lists(bad_count(1), min_size=2, max_size=2).map(tuple),
            st.just((2,)),
            st.integers(),
            st.text(max_size=3),
        ),
        hidden=st.one_of(st.text(max_size=4), st.none(), st.integers()),
    ),
    *cases(
        "nets.MLP.init",
        NET.init,
        {"rng": np.random.default_rng(0), "seeds": None, "scale": None, "bias": 0.0},
        rng=bad_generator,
        seeds=bad_count(1).filter(lambda v: v is not None),
        scale=bad_positive.filter(lambda v: v is not None),
        bias=bad_finite,
    ),
    *cases(
        "nets.MLP.forward",
        NET.forward,
        {"params": PARAMS, "x": X},
        params=st.one_of(
            st.just(PARAMS[:1]),
            st.just(((PARAMS[0][0],), PARAMS[1])),
            st.just(((PARAMS[0][0].T, PARAMS[0][1]), PARAMS[1])),
            st.just(((PARAMS[0][0] + 1j, PARAMS[0][1]), PARAMS[1])),
            st.just(((PARAMS[0][0].tolist(), PARAMS[0][1]), PARAMS[1])),
            st.just(((np.ma.array(PARAMS[0][0]), PARAMS[0][1]), PARAMS[1])),
        ),
        x=st.one_of(not_real, st.just(np.ones((4, 3))), st.just(np.ones(2))),
    ),
    *cases(
        "nets.MLP.backward",
        NET.backward,
        {"params": PARAMS, "cache": CACHE, "d_output": OUTPUT},
        params=st.just(PARAMS[1:]),
        cache=st.one_of(st.just(CACHE[:1]), st.just(None), st.just([*CACHE[:2], CACHE[2] + 1j])),
        d_output=st.one_of(not_real, st.just(np.ones((4, 2))), st.just(np.ones(4))),
    ),
    # optim
    *cases(
        "optim.gradient_descent",
        optim.gradient_descent,
        {
            "loss_and_grad": _square,
            "start": np.ones(2),
            "steps": 2,
            "step_size": 0.1,
            "momentum": 0.0,
            "record_every": 1,
            "keep": "all",
            "until": None,
        },
        loss_and_grad=st.one_of(
            not_callable,
            st.just(lambda w: (0.0, np.ones(3))),
            st.just(lambda w: (1j, w)),
            st.just(lambda w: 0.0),
            st.just(lambda w: (0.0, (w,))),
        ),
        start=st.one_of(not_real, st.just((np.ones(2), [1.0])), st.just(1.0)),
        steps=bad_count(0),
        step_size=bad_positive,
        momentum=st.one_of(bad_finite, st.floats(min_value=1.0), st.floats(max_value=-5e-324)),
        record_every=bad_count(1),
        keep=st.one_of(st.text(max_size=4), st.none()),
        until=st.one_of(st.integers(), st.text(max_size=2), st.just(lambda w: w)),
    ),
    *cases(
        "optim.mean_cost",
        lambda **kw: optim.mean_cost(**kw)(PARAMS),
        {
            "net": NET,
            "x": X,
            "y": np.zeros(4),
            "cost": likelihoods.gaussian_nll,
            "cost_grad": likelihoods.gaussian_nll_grad,
        },
        net=st.one_of(st.just((2, 3, 1)), st.none()),
        x=st.one_of(not_real, st.just(np.ones((4, 3))), st.just(np.ones((0, 2)))),
        y=st.one_of(not_real, st.just(np.zeros(3))),
        cost=st.one_of(not_callable, st.just(lambda y, z: z.sum()), st.just(lambda y, z: z + 1j)),
        cost_grad=st.one_of(not_callable, st.just(lambda y, z: z[:2])),
    ),
    *cases(
        "optim.Trajectory",
        Trajectory,
        {"steps": np.arange(2), "losses": np.zeros(2), "params": (np.zeros(1),)},
        steps=st.one_of(not_real, st.just(np.zeros(2)), st.just(np.arange(3))),
        losses=st.one_of(not_real, st.just(np.zeros(3))),
        params=st.one_of(st.just(()), st.just([np.zeros(1)])),
    ),
    # geometry
    *cases(
        "geometry.flatten",
        geometry.flatten,
        {"params": PARAMS},
        params=st.one_of(
            st.just(()),
            st.just(((1.0, 2.0),)),
            st.just(((PARAMS[0][0] + 1j, PARAMS[0][1]),)),
            st.none(),
        ),
    ),
    *cases(
        "geometry.unflatten",
        geometry.unflatten,
        {"vector": np.zeros(13), "like": PARAMS},
        vector=st.one_of(not_real, st.just(np.zeros(12)), st.just(np.zeros((13, 1)))),
        like=st.one_of(st.just(()), st.just(((1.0, 2.0),)), st.none()),
    ),
    *cases(
        "geometry.hessian",
        geometry.hessian,
        {"gradient": lambda t: t.copy(), "theta": np.ones(2), "step": 1e-5},
        gradient=st.one_of(not_callable, st.just(lambda t: t[:1]), st.just(lambda t: t + 1j)),
        theta=st.one_of(
            not_real, st.just(np.ones((2, 2))), vectors(not_finite), st.just([1e20, 1.0])
        ),
        step=bad_positive,
    ),
    *cases(
        "geometry.jensen_certificate",
        geometry.jensen_certificate,
        {
            "loss": lambda v: float(v[0]),
            "points": [np.zeros(2), np.ones(2)],
            "weights": (0.25, 0.5),
            "tolerance": 1e-12,
        },
        loss=st.one_of(not_callable, st.just(lambda v: math.nan), st.just(lambda v: "0")),
        points=st.one_of(
            st.just([np.zeros(2)]),
            st.just([np.zeros(2), np.ones(3)]),
            st.just([np.zeros(2), np.array([1.0, math.inf])]),
            st.just([np.zeros(2), np.ones(2) + 1j]),
            st.integers(),
        ),
        weights=st.one_of(
            not_real, vectors(st.one_of(st.floats(max_value=0.0), st.floats(min_value=1.0)))
        ),
        tolerance=bad_nonnegative,
    ),
    *cases(
        "geometry.JensenCertificate",
        JensenCertificate,
        {"a": np.zeros(2), "b": np.ones(2), "t": 0.5, "gap": 1.0},
        a=st.one_of(not_real, st.just(np.zeros(3))),
        b=st.one_of(not_real, vectors(not_finite, size=2)),
        t=st.one_of(bad_finite, st.floats(max_value=0.0), st.floats(min_value=1.0)),
        gap=st.one_of(st.floats(max_value=0.0), st.just(math.nan), not_a_number),
    ),
    *cases(
        "geometry.line_slice",
        geometry.line_slice,
        {"loss": lambda v: float(v[0]), "start": np.zeros(2), "end": np.ones(2), "ts": [0.0, 1.0]},
        loss=st.one_of(not_callable, st.just(lambda v: "0")),
        start=st.one_of(not_real, st.just(np.zeros(3))),
        end=st.one_of(not_real, vectors(not_finite, size=2)),
        ts=st.one_of(not_real, vectors(not_finite), st.just(0.5), st.just([[0.5]])),
    ),
    *cases(
        "geometry.plane_slice",
        geometry.plane_slice,
        {
            "loss": lambda v: float(v[0]),
            "center": np.zeros(2),
            "first": np.ones(2),
            "second": np.array([0.0, 1.0]),
            "alphas": [0.0, 1.0],
            "betas": [1.0],
        },
        loss=st.one_of(not_callable, st.just(lambda v: [1.0])),
        center=st.one_of(not_real, st.just(np.zeros(3))),
        first=st.one_of(not_real, vectors(not_finite, size=2)),
        second=st.one_of(not_real, st.just(np.zeros((2, 1)))),
        alphas=st.one_of(not_real, vectors(not_finite)),
        betas=st.one_of(not_real, st.just(1.0)),
    ),
    *cases(
        "geometry.filter_normalized_direction",
        geometry.filter_normalized_direction,
        {"params": PARAMS, "rng": np.random.default_rng(0)},
        params=st.one_of(st.just(()), st.just(((1.0, 2.0),)), st.none()),
        rng=bad_generator,
    ),
    # reference: the mpmath reference of the tests and benchmarks
    *[
        case
        for name, valid, argument in (
            ("exact_softplus", {"x": 1.0}, "x"),
            ("exact_log_sigmoid", {"x": 1.0}, "x"),
            ("exact_bernoulli_nll", {"y": 1.0, "z": 0.0}, "y"),
            ("exact_gaussian_nll", {"y": 0.0, "mean": 0.0, "scale": 1.0}, "scale"),
            ("exact_poisson_nll", {"y": 1.0, "log_rate": 0.0}, "y"),
            ("exact_logsumexp", {"row": [0.0, 1.0]}, "row"),
            ("exact_log_softmax", {"row": [0.0, 1.0]}, "row"),
            ("gaussian_nll_condition", {"y": 0.0, "mean": 0.0, "scale": 1.0}, "scale"),
            ("poisson_nll_condition", {"y": 1.0, "log_rate": 0.0}, "y"),
            ("logsumexp_condition", {"row": [0.0, 1.0]}, "row"),
            ("ulp_error", {"computed": [1.0], "exact_values": [1]}, "computed"),
            ("exact", {"function": reference.exact_softplus, "x": [1.0]}, "x"),
            ("whole_range", {"n": 4, "seed": 0}, "n"),
            ("logit_rows", {"count": 2, "seed": 0}, "count"),
            ("near_optimum_counts", {"n": 4, "seed": 0}, "n"),
        )
        for case in cases(
            f"reference.{name}",
            getattr(reference, name),
            valid,
            **{argument: st.just(np.array([1 + 1j]) if argument not in {"n", "count"} else -1)},
        )
    ],
]


def _rejects(name, argument, call, value):
    with pytest.raises((TypeError, ValueError)) as info:
        call(value)
    assert _names(str(info.value), argument), (
        f"{name} rejected a bad {argument} with a message that does not name it: {info.value}"
    )


@pytest.mark.parametrize(("name", "argument", "call", "bad"), REJECTIONS)
@settings(max_examples=10)
@given(data=st.data())
def test_bad_input_is_rejected_naming_the_argument(name, argument, call, bad, data):
    _rejects(name, argument, call, data.draw(bad, label=argument))


# --- 2. finite input: no flag, no nan, inf only beyond float64 ----------------------------------

CTX = mpmath.mp.clone()
CTX.prec = 300
BIG = CTX.mpf(float(MAX))
SLACK = CTX.mpf(2) ** -40
COVERED: set[str] = set()


def covers(*names):
    """Record that the decorated test checks these public callables on finite input."""

    def record(test):
        COVERED.update(names)
        return test

    return record


def _first(vector):
    return float(vector[0])


def attempt(call):
    """The result of ``call()`` and None, or None and the ValueError it raised."""
    try:
        return call(), None
    except ValueError as error:
        return None, error


def M(x):
    return CTX.mpf(float(x))


def check(computed, exact, size, what):
    """`computed` is not nan, is inf only where `exact` lies beyond float64, and is otherwise
    within 2**-30 of `size` (the magnitude of the terms) of `exact`: not silently wrong."""
    c = float(computed)
    shown = mpmath.nstr(exact, 10)
    assert not math.isnan(c), f"{what}: nan, where the exact value is {shown}"
    if math.isinf(c):
        beyond = CTX.isinf(exact) or abs(exact) > BIG * (1 - SLACK)
        assert beyond, f"{what}: {c}, where the exact value is {shown}"
        assert (c > 0) == (exact > 0), f"{what}: {c}, where the exact value is {shown}"
        return
    assert not CTX.isinf(exact), f"{what}: {c}, where the exact value is infinite"
    assert abs(exact) <= BIG * (1 + SLACK), (
        f"{what}: {c}, where the exact value {shown} is beyond float64"
    )
    error = abs(CTX.mpf(c) - exact)
    assert error <= CTX.mpf(2) ** -30 * size + CTX.mpf(2) ** -1070, f"{what}: {c}, exact {shown}"


def softplus_mp(x):
    return CTX.log1p(CTX.exp(M(x)))


def sigmoid_mp(x):
    return 1 / (1 + CTX.exp(-M(x)))


@covers("numerics.softplus", "numerics.log_sigmoid", "numerics.sigmoid")
@settings(max_examples=60)
@given(x=vectors(finite))
def test_the_softplus_family_on_finite_input(x):
    for name, function, exact in (
        ("softplus", numerics.softplus, softplus_mp),
        ("log_sigmoid", numerics.log_sigmoid, lambda v: -softplus_mp(-v)),
        ("sigmoid", numerics.sigmoid, sigmoid_mp),
    ):
        for c, v in zip(function(x), x, strict=True):
            value = exact(v)
            check(c, value, abs(value), f"{name}({v!r})")


@covers("numerics.logsumexp", "numerics.log_softmax")
@settings(max_examples=60)
@given(
    rows=st.integers(1, 2).flatmap(lambda n: st.lists(vectors(finite, 3), min_size=n, max_size=n))
)
def test_the_reductions_on_finite_input(rows):
    a = np.array(rows)
    lse, log_p = numerics.logsumexp(a), numerics.log_softmax(a)
    picked = numerics.log_softmax(a, index=np.zeros(len(a), dtype=int))
    for i, row in enumerate(a):
        size = max(abs(M(v)) for v in row) + 2
        check(lse[i], reference.exact_logsumexp(row), size, f"logsumexp({row!r})")
        exact = reference.exact_log_softmax(row)
        for k, value in enumerate(exact):
            check(log_p[i, k], value, abs(M(row[k])) + size, f"log_softmax({row!r})[{k}]")
        check(picked[i], exact[0], abs(M(row[0])) + size, f"log_softmax({row!r}, index=0)")


labels01 = st.one_of(st.sampled_from([0.0, 1.0, 5e-324, 1e-300, 0.5]), st.floats(0, 1))


@covers("likelihoods.bernoulli_nll", "likelihoods.bernoulli_nll_grad")
@settings(max_examples=60)
@given(y=labels01, z=vectors(finite))
def test_the_bernoulli_cost_on_finite_input(y, z):
    cost, grad = likelihoods.bernoulli_nll(y, z), likelihoods.bernoulli_nll_grad(y, z)
    for c, g, v in zip(cost, grad, z, strict=True):
        exact = reference.exact_bernoulli_nll(y, v)
        check(c, exact, exact, f"bernoulli_nll({y!r}, {v!r})")
        up, down = (1 - M(y)) * sigmoid_mp(v), M(y) * sigmoid_mp(-v)
        check(g, up - down, up + down, f"bernoulli_nll_grad({y!r}, {v!r})")


@covers("likelihoods.categorical_nll", "likelihoods.categorical_nll_grad")
@settings(max_examples=60)
@given(data=st.data(), z=vectors(finite, 3))
def test_the_categorical_cost_on_finite_input(data, z):
    exact = reference.exact_log_softmax(z)
    size = max(abs(M(v)) for v in z) * 2 + 2
    label = data.draw(st.integers(0, 2), label="label")
    check(likelihoods.categorical_nll(label, z), -exact[label], size, f"categorical({label}, {z})")
    grad = likelihoods.categorical_nll_grad(label, z)
    for k in range(3):
        check(grad[k], CTX.exp(exact[k]) - (k == label), 1, f"categorical_grad({label}, {z})")


@settings(max_examples=60)
@given(data=st.data(), z=vectors(finite, 3))
def test_the_categorical_cost_of_soft_targets_on_finite_input(data, z):
    exact = reference.exact_log_softmax(z)
    size = max(abs(M(v)) for v in z) * 2 + 2
    target = data.draw(probability_vectors(3), label="target")
    cost = likelihoods.categorical_nll(target, z)
    terms = [-M(t) * e for t, e in zip(target, exact, strict=True) if t > 0]
    check(cost, CTX.fsum(terms), sum(abs(t) for t in terms) + size, f"categorical({target}, {z})")
    grad = likelihoods.categorical_nll_grad(target, z)
    for k in range(3):
        check(grad[k], CTX.exp(exact[k]) - M(target[k]), 1, f"categorical_grad({target}, {z})")


H = CTX.log(2 * CTX.pi) / 2


@covers(
    "likelihoods.gaussian_nll",
    "likelihoods.gaussian_nll_grad",
    "likelihoods.laplace_nll",
    "likelihoods.laplace_nll_grad",
)
@settings(max_examples=100)
@given(y=finite, loc=finite, scale=positive)
def test_the_location_scale_costs_on_finite_input(y, loc, scale):
    d, s = M(y) - M(loc), M(scale)
    where = f"({y!r}, {loc!r}, {scale!r})"
    value = H + CTX.log(s) + d**2 / (2 * s**2)
    check(likelihoods.gaussian_nll(y, loc, scale), value, value + 2 * abs(CTX.log(s)), where)
    check(likelihoods.gaussian_nll_grad(y, loc, scale), -d / s**2, abs(d) / s**2, where)
    value = CTX.log(2 * s) + abs(d) / s
    check(likelihoods.laplace_nll(y, loc, scale), value, value + 2 * abs(CTX.log(s)), where)
    check(likelihoods.laplace_nll_grad(y, loc, scale), -CTX.sign(d) / s, 1 / s, where)


@covers("likelihoods.heteroscedastic_gaussian_nll", "likelihoods.heteroscedastic_gaussian_nll_grad")
@settings(max_examples=100)
@given(y=finite, mean=finite, raw=finite)
def test_the_heteroscedastic_cost_on_finite_input(y, mean, raw):
    sigma, d = softplus_mp(raw), M(y) - M(mean)
    where = f"({y!r}, {mean!r}, {raw!r})"
    squared = d**2 / sigma**2
    value = H + CTX.log(sigma) + squared / 2
    size = H + abs(CTX.log(sigma)) + squared / 2
    check(likelihoods.heteroscedastic_gaussian_nll(y, mean, raw), value, size, where)
    d_mean, d_raw = likelihoods.heteroscedastic_gaussian_nll_grad(y, mean, raw)
    check(d_mean, -d / sigma**2, abs(d) / sigma**2, where)
    ratio = sigmoid_mp(raw) / sigma
    check(d_raw, (1 - squared) * ratio, (1 + squared) * ratio, where)


counts = st.one_of(
    st.integers(0, 1000).map(float),
    st.floats(0, 1.7e308).map(lambda v: float(math.floor(v))),
    st.sampled_from([2.0**53, 1e15, 1e300]),
)


@covers("likelihoods.poisson_nll", "likelihoods.poisson_nll_grad")
@settings(max_examples=60)
@given(y=counts, eta=finite)
def test_the_poisson_cost_on_finite_input(y, eta):
    where = f"({y!r}, {eta!r})"
    rate = CTX.exp(M(eta))
    size = rate + abs(M(y) * M(eta)) + CTX.loggamma(M(y) + 1)
    exact = reference.exact_poisson_nll(y, eta)
    check(likelihoods.poisson_nll(y, eta), exact, size, where)
    check(likelihoods.poisson_nll_grad(y, eta), rate - M(y), rate + M(y), where)


def _logs(p):
    with np.errstate(divide="ignore"):  # log 0 = -inf: a class of probability 0
        return np.log(p)


def _minus_sum_p_log(p, logs):
    terms = [-M(a) * b for a, b in zip(p, logs, strict=True) if a > 0]
    return CTX.fsum(terms), sum(abs(t) for t in terms) + 1


@covers("empirical.entropy", "empirical.cross_entropy", "empirical.kl_divergence")
@settings(max_examples=60)
@given(
    pair=st.integers(1, 4).flatmap(
        lambda k: st.tuples(probability_vectors(k), probability_vectors(k))
    )
)
def test_the_information_measures_on_finite_input(pair):
    p, q = pair
    where = f"(p={p!r}, q={q!r})"
    log_p = [CTX.log(M(v)) if v > 0 else -CTX.inf for v in p]
    log_q = [CTX.log(M(v)) if v > 0 else -CTX.inf for v in q]
    check(empirical.entropy(p), *_minus_sum_p_log(p, log_p), f"entropy{where}")
    value, size = _minus_sum_p_log(p, log_q)
    check(empirical.cross_entropy(p, q), value, size, f"cross_entropy{where}")
    value, size = _minus_sum_p_log(p, [M(v) for v in _logs(q)])
    check(empirical.cross_entropy(p, log_q=_logs(q)), value, size, f"cross_entropy log_q{where}")
    ratio = [a - b for a, b in zip(log_p, log_q, strict=True)]
    value, size = _minus_sum_p_log(p, ratio)
    check(empirical.kl_divergence(p, q), max(-value, 0), size, f"kl_divergence{where}")
    value, size = _minus_sum_p_log(p, [a - M(b) for a, b in zip(log_p, _logs(q), strict=True)])
    check(empirical.kl_divergence(p, log_q=_logs(q)), max(-value, 0), size, f"kl log_q{where}")


@covers(
    "empirical.empirical",
    "empirical.Empirical",
    "empirical.Empirical.n",
    "empirical.Empirical.probabilities",
    "empirical.Empirical.expectation",
    "empirical.Empirical.sample",
    "empirical.Empirical.pmf",
)
@settings(max_examples=60)
@given(
    samples=st.one_of(
        vectors(finite), st.lists(vectors(finite, 2), min_size=1, max_size=3).map(np.array)
    )
)
def test_the_empirical_distribution_of_finite_samples(samples):
    data = empirical.empirical(samples)
    rows = samples.reshape(len(samples), -1)
    assert data.n == len(samples)
    assert data.counts.sum() == len(samples)
    assert np.all(data.probabilities == data.counts / data.n)
    mean = data.expectation(lambda s: s)
    for j in range(rows.shape[1]):
        exact = sum(Fraction(float(v)) for v in rows[:, j]) / len(rows)
        size = sum(abs(Fraction(float(v))) for v in rows[:, j]) / len(rows)
        check(np.ravel(mean)[j], CTX.mpf(exact), CTX.mpf(size), f"expectation of {samples!r}")
    draws = data.sample(4, rng=0).reshape(4, -1)
    assert all(
        (row == data.support.reshape(len(data.support), -1)).all(axis=1).any() for row in draws
    )
    found = data.pmf(samples)
    assert np.all((found > 0) & (found <= 1))


@covers(
    "empirical.empirical_conditional",
    "empirical.EmpiricalConditional",
    "empirical.EmpiricalConditional.n",
    "empirical.EmpiricalConditional.classes",
    "empirical.EmpiricalConditional.joint",
    "empirical.EmpiricalConditional.conditional",
    "empirical.EmpiricalConditional.nll",
)
@settings(max_examples=60)
@given(data=st.data(), x=vectors(finite))
def test_the_empirical_conditional_of_finite_inputs(data, x):
    y = data.draw(st.lists(st.integers(0, 2), min_size=len(x), max_size=len(x)), label="y")
    table = empirical.empirical_conditional(x, y)
    assert table.n == len(x)
    assert table.classes == max(y) + 1
    assert np.all(np.isfinite(table.joint))
    assert np.all(np.isfinite(table.conditional))
    k = table.classes
    rows = data.draw(
        st.lists(probability_vectors(k), min_size=len(table.inputs), max_size=len(table.inputs)),
        label="q",
    )
    q = np.array(rows)
    value = table.nll(q=lambda inputs: q)
    terms = [
        -CTX.mpf(Fraction(int(table.counts[s, j]), table.n)) * CTX.log(M(q[s, j]))
        for s in range(len(q))
        for j in range(k)
        if table.counts[s, j] > 0
    ]
    exact = (
        CTX.fsum(terms)
        if all(q[s, j] > 0 for s in range(len(q)) for j in range(k) if table.counts[s, j])
        else CTX.inf
    )
    check(value, exact, sum(abs(t) for t in terms) + 1, f"nll of {x!r}, {y!r} under {q!r}")
    check(
        table.nll(log_q=_logs(q)[table.index]), exact, sum(abs(t) for t in terms) + 1, "nll log_q"
    )


# A network in mpmath, with a bound S on the error of each float64 quantity: the float64 value is
# within a few ulp of S from the exact one (S is |value| for an input). Cancellation in a sum of
# products, or a tanh of an uncertain argument, makes S large; the checks then allow for it.
EPS = CTX.mpf(2) ** -52
# Each product may underflow, an absolute error of up to 2**-1075: in units of EPS, 2**-1023 per
# term, and a little more for the sum of a few.
UNDERFLOW = CTX.mpf(2) ** -1020


def _layer(h, s_h, w, b):
    pre = [
        [CTX.fsum(r[j] * M(w[j, k]) for j in range(len(r))) + M(b[k]) for k in range(w.shape[1])]
        for r in h
    ]
    size = [
        [
            sum((abs(r[j]) + s[j]) * abs(M(w[j, k])) for j in range(len(r)))
            + abs(M(b[k]))
            + UNDERFLOW
            for k in range(w.shape[1])
        ]
        for r, s in zip(h, s_h, strict=True)
    ]
    return pre, size


def _activation(kind, pre, size):
    if kind == "relu":
        return [[max(p, 0) for p in r] for r in pre], size
    if kind == "tanh":
        return [[CTX.tanh(p) for p in r] for r in pre], [
            [1 + min(s, 2 / EPS) for s in r] for r in size
        ]
    return [[sigmoid_mp(p) for p in r] for r in pre], [
        [1 + min(s / 4, 1 / EPS) for s in r] for r in size
    ]


def _derivative(kind, pre, s_pre, h, s_h):
    if kind == "relu":
        value = 1 if pre > 0 else 0
        return value, (1 / EPS if abs(pre) <= CTX.mpf(2) ** -30 * s_pre else 0)
    if kind == "tanh":
        return 1 - h * h, 1 + 2 * min(s_h, 2 / EPS)
    return h * (1 - h), 1 + min(s_h, 1 / EPS)


def _beyond(value, size):
    return abs(value) + CTX.mpf(2) ** -30 * size > BIG * (1 - SLACK)


def check_bounded(computed, exact, size, what):
    """As `check`, with `size` bounding the error of float64 arithmetic on uncertain inputs."""
    c = float(computed)
    assert not math.isnan(c), f"{what}: nan, where the exact value is {mpmath.nstr(exact, 10)}"
    if math.isinf(c):
        assert _beyond(exact, size), (
            f"{what}: {c}, where the exact value is {mpmath.nstr(exact, 10)}"
        )
    else:
        check(c, exact, size, what) if not _beyond(exact, size) else None


@covers("nets.MLP", "nets.MLP.init", "nets.MLP.forward", "nets.MLP.backward")
@settings(max_examples=80)
@given(
    hidden=st.sampled_from(["tanh", "sigmoid", "relu"]),
    values=st.lists(finite, min_size=15, max_size=15),
)
def test_networks_on_finite_input(hidden, values):
    net = MLP((2, 2, 1), hidden=hidden)
    assert all(np.isfinite(a).all() for pair in net.init(np.random.default_rng(0)) for a in pair)
    v = np.array(values)
    params = ((v[0:4].reshape(2, 2), v[4:6]), (v[6:8].reshape(2, 1), v[8:9]))
    x, d_output = v[9:13].reshape(2, 2), v[13:15].reshape(2, 1)
    xs = [[M(a) for a in row] for row in x]
    pre, s_pre = _layer(xs, [[abs(a) for a in row] for row in xs], *params[0])
    h, s_h = _activation(hidden, pre, s_pre)
    out, s_out = _layer(h, s_h, *params[1])
    computed, error = attempt(lambda: net.forward(params, x))
    if error is not None:  # a ReLU pre-activation beyond float64
        assert "beyond float64" in str(error)
        assert hidden == "relu"
        assert any(
            _beyond(p, s)
            for r, t in zip(pre, s_pre, strict=True)
            for p, s in zip(r, t, strict=True)
        )
        return
    computed, cache = computed
    for n in range(2):
        check_bounded(computed[n, 0], out[n][0], s_out[n][0], f"forward {hidden} {values}")
    ds = [M(d) for d in d_output[:, 0]]
    w2 = [M(w) for w in params[1][0][:, 0]]
    back = [[ds[n] * w2[j] for j in range(2)] for n in range(2)]
    s_back = [[abs(b) for b in r] for r in back]
    grads, error = attempt(lambda: net.backward(params, cache, d_output))
    if error is not None:  # the gradient reaching the hidden layer is beyond float64
        assert "beyond float64" in str(error)
        assert any(
            _beyond(b, s)
            for r, t in zip(back, s_back, strict=True)
            for b, s in zip(r, t, strict=True)
        )
        return
    (dw1, db1), (dw2, db2) = grads
    for j in range(2):
        exact = CTX.fsum(h[n][j] * ds[n] for n in range(2))
        size = sum((abs(h[n][j]) + s_h[n][j]) * abs(ds[n]) for n in range(2))
        check_bounded(dw2[j, 0], exact, size, f"dW2 {hidden} {values}")
    check_bounded(db2[0], CTX.fsum(ds), sum(abs(d) for d in ds), f"db2 {hidden} {values}")
    delta, s_delta = [[0, 0], [0, 0]], [[0, 0], [0, 0]]
    for n in range(2):
        for j in range(2):
            value, s_value = _derivative(hidden, pre[n][j], s_pre[n][j], h[n][j], s_h[n][j])
            delta[n][j] = back[n][j] * value
            s_delta[n][j] = abs(back[n][j]) * (abs(value) + s_value)
    for i in range(2):
        for j in range(2):
            exact = CTX.fsum(xs[n][i] * delta[n][j] for n in range(2))
            size = sum(abs(xs[n][i]) * (abs(delta[n][j]) + s_delta[n][j]) for n in range(2))
            check_bounded(dw1[i, j], exact, size, f"dW1 {hidden} {values}")
    for j in range(2):
        exact = CTX.fsum(delta[n][j] for n in range(2))
        size = sum(abs(delta[n][j]) + s_delta[n][j] for n in range(2))
        check_bounded(db1[j], exact, size, f"db1 {hidden} {values}")


def _exact_descent(start, gradient, step_size, momentum, steps):
    """The iterates and velocities of heavy-ball descent with a constant gradient, exactly."""
    w, g = [Fraction(float(a)) for a in start], [Fraction(float(a)) for a in gradient]
    v = [Fraction(0)] * len(start)
    eta, mu = Fraction(step_size), Fraction(momentum)
    path, velocities = [list(w)], []
    for _ in range(steps):
        v = [mu * a - eta * b for a, b in zip(v, g, strict=True)]
        w = [a + b for a, b in zip(w, v, strict=True)]
        path.append(list(w))
        velocities.extend(v)
    return path, velocities


@covers("optim.gradient_descent", "optim.Trajectory", "optim.Trajectory.final")
@settings(max_examples=60)
@given(
    start=vectors(finite, 2),
    gradient=vectors(finite, 2),
    step_size=positive,
    momentum=st.sampled_from([0.0, 0.5, 0.9]),
)
def test_descents_on_finite_input(start, gradient, step_size, momentum):
    exact, velocities = _exact_descent(start, gradient, step_size, momentum, 3)
    path, error = attempt(
        lambda: optim.gradient_descent(
            lambda w: (0.0, gradient), start, steps=3, step_size=step_size, momentum=momentum
        )
    )
    if error is not None:  # a velocity beyond float64
        assert "velocity" in str(error)
        assert momentum > 0
        assert any(abs(v) > Fraction(float(MAX)) * (1 - Fraction(1, 2**40)) for v in velocities)
        return
    assert path.final is path.params[-1]
    assert path.losses.shape == (4,)
    for t, (iterate, values) in enumerate(zip(path.params, exact, strict=True)):
        for c, e in zip(iterate, values, strict=True):
            # Each step rounds; with up to three steps the error is a few ulp of the terms.
            size = abs(e) + 4 * (
                abs(Fraction(float(step_size)))
                * max(abs(Fraction(float(g))) for g in gradient)
                * (t + 1)
                + max(abs(Fraction(float(s))) for s in start)
            )
            check_bounded(
                c,
                CTX.mpf(e),
                CTX.mpf(size) * 2**-20,
                f"iterate {t} of {start}, {gradient}, {step_size}, {momentum}",
            )


@covers("optim.mean_cost")
@settings(max_examples=40)
@given(x=vectors(finite, 3), y=vectors(finite, 3), w=finite, b=finite)
def test_the_mean_cost_on_finite_input(x, y, w, b):
    objective = optim.mean_cost(
        MLP((1, 1)), x[:, None], y, likelihoods.laplace_nll, likelihoods.laplace_nll_grad
    )
    loss, ((dw, db),) = objective(((np.array([[w]]), np.array([b])),))
    outputs = [M(xi) * M(w) + M(b) for xi in x]
    terms = [CTX.log(2) + abs(M(yi) - z) for yi, z in zip(y, outputs, strict=True)]
    size = sum(abs(M(yi)) + abs(M(xi) * M(w)) + abs(M(b)) + 1 for xi, yi in zip(x, y, strict=True))
    check_bounded(loss, CTX.fsum(terms) / 3, size / 3, f"mean laplace cost {x}, {y}, {w}, {b}")
    assert np.isfinite(dw).all()  # |slopes| <= max |x|
    assert np.isfinite(db).all()


@covers(
    "geometry.flatten",
    "geometry.unflatten",
    "geometry.hessian",
    "geometry.jensen_certificate",
    "geometry.JensenCertificate",
    "geometry.line_slice",
    "geometry.plane_slice",
    "geometry.filter_normalized_direction",
)
@settings(max_examples=60)
@given(a=vectors(finite, 2), b=vectors(finite, 2), step=positive, t=st.floats(-2, 3))
def test_the_geometry_of_finite_points(a, b, step, t):
    params = ((a.reshape(2, 1), b[:1]), (b.reshape(1, 2), a))
    back = geometry.unflatten(geometry.flatten(params), params)
    assert all(
        np.array_equal(u, v)
        for p, q in zip(params, back, strict=True)
        for u, v in zip(p, q, strict=True)
    )
    h, error = attempt(lambda: geometry.hessian(lambda theta: theta.copy(), a, step=step))
    if error is not None:  # a step too small to move theta, or one taking it beyond float64
        assert "theta" in str(error)
    else:
        assert np.isfinite(h).all()
        assert np.array_equal(h, h.T)
    certificate = geometry.jensen_certificate(lambda v: float(v[0]), [a, b])
    assert certificate is None or (0 < certificate.gap < math.inf and 0 < certificate.t < 1)
    ra, rb, rt = (Fraction(float(v)) for v in a), (Fraction(float(v)) for v in b), Fraction(t)
    ra, rb = list(ra), list(rb)
    for name, function, arguments, point in (
        (
            "line_slice",
            geometry.line_slice,
            (a, b, [t]),
            [(1 - rt) * u + rt * v for u, v in zip(ra, rb, strict=True)],
        ),
        (
            "plane_slice",
            geometry.plane_slice,
            (a, b, a, [t], [0.5]),
            [u * Fraction(3, 2) + rt * v for u, v in zip(ra, rb, strict=True)],
        ),
    ):
        sizes = [4 * (abs(rt) + 2) * (abs(u) + abs(v)) for u, v in zip(ra, rb, strict=True)]
        value, error = attempt(partial(function, _first, *arguments))
        if error is not None:  # a point beyond float64
            assert "beyond float64" in str(error)
            assert any(_beyond(CTX.mpf(e), CTX.mpf(s)) for e, s in zip(point, sizes, strict=True))
        else:
            where = f"{name}({a}, {b}, {t})"
            check_bounded(np.ravel(value)[0], CTX.mpf(point[0]), CTX.mpf(sizes[0]), where)
    direction = geometry.filter_normalized_direction(params, np.random.default_rng(0))
    rng = np.random.default_rng(0)
    for (w, _), (d, db) in zip(params, direction, strict=True):
        draws = rng.normal(size=w.shape)
        assert not db.any()
        for j in range(w.shape[1]):
            norm_w = CTX.sqrt(CTX.fsum(M(v) ** 2 for v in w[:, j]))
            norm_d = CTX.sqrt(CTX.fsum(M(v) ** 2 for v in draws[:, j]))
            for i in range(w.shape[0]):
                exact = M(draws[i, j]) * norm_w / norm_d
                check(d[i, j], exact, abs(exact), f"direction of {w}")


@covers(*(f"reference.{name}" for name in reference.__all__ if callable(getattr(reference, name))))
@settings(max_examples=30)
@given(x=finite, y=finite, scale=positive, count=counts)
def test_the_reference_on_finite_input(x, y, scale, count):
    values = [
        reference.exact_softplus(x),
        reference.exact_log_sigmoid(x),
        reference.exact_bernoulli_nll(0.5, x),
        reference.exact_gaussian_nll(x, y, scale),
        reference.exact_poisson_nll(count, x),
        reference.exact_logsumexp([x, y]),
        *reference.exact_log_softmax([x, y]),
        *reference.exact(reference.exact_softplus, [x, y]),
    ]
    assert not any(mpmath.isnan(v) for v in values)
    conditions = [
        reference.gaussian_nll_condition(x, y, scale),
        reference.poisson_nll_condition(count, x),
        reference.logsumexp_condition([x, y]),
    ]
    assert not any(math.isnan(c) for c in conditions)
    errors = reference.ulp_error([x, y], [M(x), M(y) * 2])
    assert errors[0] == 0
    assert not np.isnan(errors).any()
    for points in (
        reference.whole_range(8, seed=1),
        *reference.logit_rows(2, seed=1),
        *reference.near_optimum_counts(4, seed=1),
    ):
        assert np.isfinite(points).all()


# --- 3. the dtype policy -----------------------------------------------------------------------

NARROW = [np.float16, np.float32]


# Drawn as bit patterns, every binade of the narrow type as likely as any other, subnormals too.
_TYPES = {16: (np.float16, np.uint16), 32: (np.float32, np.uint32), 64: (np.float64, np.uint64)}


def _magnitudes(width, low=0, high=None):
    floating, bits = _TYPES[width]
    top = int(np.array(np.finfo(floating).max, floating).view(bits)) if high is None else high
    return st.integers(low, top).map(lambda b: float(np.array(b, bits).view(floating)))


def _real(width):
    return st.tuples(_magnitudes(width), st.booleans()).map(lambda m: -m[0] if m[1] else m[0])


def _positive(width):
    return _magnitudes(width, low=1)


def _unit(width):
    floating, bits = _TYPES[width]
    return _magnitudes(width, high=int(np.array(1.0, floating).view(bits)))


def _vector(elements, size=2):
    return st.lists(elements, min_size=size, max_size=size)


# name: (function, {argument: strategy of float64 values exact in the width}, argument names
# that are not floating point and stay as drawn)
DTYPE_CASES = {
    "numerics.softplus": (numerics.softplus, lambda w: {"x": _vector(_real(w))}),
    "numerics.log_sigmoid": (numerics.log_sigmoid, lambda w: {"x": _vector(_real(w))}),
    "numerics.sigmoid": (numerics.sigmoid, lambda w: {"logits": _vector(_real(w))}),
    "numerics.logsumexp": (numerics.logsumexp, lambda w: {"a": _vector(_real(w))}),
    "numerics.log_softmax": (numerics.log_softmax, lambda w: {"a": _vector(_real(w))}),
    **{
        f"likelihoods.{name}": (
            getattr(likelihoods, name),
            lambda w: {"y": _vector(_unit(w)), "logits": _vector(_real(w))},
        )
        for name in ("bernoulli_nll", "bernoulli_nll_grad")
    },
    **{
        f"likelihoods.{name}": (
            getattr(likelihoods, name),
            lambda w: {"y": st.integers(0, 1), "logits": _vector(_real(w))},
        )
        for name in ("categorical_nll", "categorical_nll_grad")
    },
    **{
        f"likelihoods.{name}": (
            getattr(likelihoods, name),
            lambda w, loc=loc: {
                "y": _vector(_real(w)),
                loc: _vector(_real(w)),
                "scale": _vector(_positive(w)),
            },
        )
        for name, loc in (
            ("gaussian_nll", "mean"),
            ("gaussian_nll_grad", "mean"),
            ("laplace_nll", "loc"),
            ("laplace_nll_grad", "loc"),
        )
    },
    **{
        f"likelihoods.{name}": (
            getattr(likelihoods, name),
            lambda w: {
                "y": _vector(_real(w)),
                "mean": _vector(_real(w)),
                "raw_scale": _vector(_real(w)),
            },
        )
        for name in ("heteroscedastic_gaussian_nll", "heteroscedastic_gaussian_nll_grad")
    },
    **{
        f"likelihoods.{name}": (
            getattr(likelihoods, name),
            lambda w: {
                "y": _vector(st.integers(0, 2048).map(float)),
                "log_rate": _vector(_real(w)),
            },
        )
        for name in ("poisson_nll", "poisson_nll_grad")
    },
    # float64 probabilities rounded to a narrow type stay normalised to its tolerance.
    "empirical.entropy": (empirical.entropy, lambda w: {"p": probability_vectors(2)}),
    **{
        f"empirical.{name}": (
            getattr(empirical, name),
            lambda w: {"p": probability_vectors(2), "q": probability_vectors(2)},
        )
        for name in ("cross_entropy", "kl_divergence")
    },
}


def _exact_measure(name, p, q):
    """Entropy, cross-entropy or KL divergence of the float vectors p and q, in mpmath."""
    terms = []
    for a, b in zip(p.tolist(), q.tolist(), strict=True):
        if a == 0:
            continue
        if b == 0 and name != "empirical.entropy":
            return CTX.inf
        log_p, log_q = CTX.log(M(a)), CTX.log(M(b))
        terms.append(
            {"empirical.entropy": -log_p, "empirical.cross_entropy": -log_q}.get(
                name, log_p - log_q
            )
            * M(a)
        )
    return max(CTX.fsum(terms), 0) if name == "empirical.kl_divergence" else CTX.fsum(terms)


def _narrow(value, dtype):
    if isinstance(value, int):
        return value
    with np.errstate(under="ignore"):  # probabilities below the narrow type round to 0
        return np.asarray(value, dtype=np.float64).astype(dtype)


def _same(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return (
        a.dtype == b.dtype
        and np.array_equal(a, b, equal_nan=True)
        and np.array_equal(np.signbit(a), np.signbit(b))
    )


@pytest.mark.parametrize("name", sorted(DTYPE_CASES))
@pytest.mark.parametrize("dtype", NARROW, ids=["float16", "float32"])
@settings(max_examples=12)
@given(data=st.data())
def test_narrow_floats_are_computed_in_float64_and_rounded_once(name, dtype, data):
    function, strategies = DTYPE_CASES[name]
    width = np.finfo(dtype).bits
    drawn = {k: data.draw(s, label=k) for k, s in strategies(width).items()}
    narrow = {k: _narrow(v, dtype) for k, v in drawn.items()}
    wide = {
        k: v if isinstance(v, int) else np.asarray(v, dtype=np.float64) for k, v in narrow.items()
    }
    results = function(**narrow)
    if name.startswith("empirical."):
        # The float64 call would hold the narrow probabilities to float64's normalisation
        # tolerance: the reference is mpmath instead, and the narrow result is checked to an ulp
        # of it (the float64 result is within an ulp of its own of the exact value).
        exact = _exact_measure(name, narrow["p"], narrow.get("q", narrow["p"]))
        assert results.dtype == dtype
        if CTX.isinf(exact):
            assert results == np.inf, f"{name}{narrow}: {results!r}, not inf"
            return
        want = np.asarray(float(exact)).astype(dtype)
        assert abs(float(results) - float(want)) <= float(np.spacing(want)), (
            f"{name}{narrow}: {results!r}"
        )
        return
    expected = function(**wide)
    for got, want in zip(
        *(r if isinstance(r, tuple) else (r,) for r in (results, expected)), strict=True
    ):
        with np.errstate(over="ignore", under="ignore"):  # the rounding the policy promises
            rounded = np.asarray(want).astype(dtype)
        assert _same(got, rounded), f"{name}{narrow}: {got!r}, not {rounded!r}"


@pytest.mark.parametrize("name", sorted(DTYPE_CASES))
def test_integers_and_booleans_give_float64(name):
    function, strategies = DTYPE_CASES[name]
    integers = {
        "x": [-3, 2],
        "logits": [True, False],
        "a": [1, 3],
        "y": [0, 1],
        "mean": [0, 2],
        "loc": [0, 2],
        "scale": [1, 2],
        "raw_scale": [-1, 1],
        "log_rate": [0, 2],
        "p": [1, 0],
        "q": [0, 1],
    }
    arguments = {
        k: integers[k] if k != "y" or "categorical" not in name else 1 for k in strategies(64)
    }
    for result in (
        np.atleast_1d(function(**arguments))
        if not name.endswith("heteroscedastic_gaussian_nll_grad")
        else function(**arguments)
    ):
        assert np.asarray(result).dtype == np.float64


def test_networks_descents_and_slices_compute_in_float64():
    x = np.ones((3, 2), dtype=np.float32)
    params = tuple((w.astype(np.float32), b.astype(np.float16)) for w, b in PARAMS)
    output, cache = NET.forward(params, x)
    assert output.dtype == np.float64
    assert all(g.dtype == np.float64 for pair in NET.backward(params, cache, output) for g in pair)
    path = optim.gradient_descent(
        lambda w: (np.float32(0.0), w), np.ones(2, np.float32), steps=2, step_size=0.5
    )
    assert all(p.dtype == np.float64 for p in path.params)
    assert path.losses.dtype == np.float64
    assert geometry.hessian(lambda t: t.copy(), np.ones(2, np.float32)).dtype == np.float64
    assert (
        geometry.line_slice(lambda v: v[0], np.zeros(2, np.float16), np.ones(2), [0.5]).dtype
        == np.float64
    )
    assert VALUES.expectation(lambda s: s.astype(np.float16)).dtype == np.float64


def test_rounding_to_a_narrow_type_raises_no_flag():
    # e**-200 is below float32's smallest subnormal: 0, correctly rounded, with no underflow flag;
    # a cost of 500000 is beyond float16: inf, with no overflow flag (nor warning).
    assert numerics.softplus(np.float32(-200)) == 0
    assert numerics.softplus(np.float32(-200)).dtype == np.float32
    assert likelihoods.gaussian_nll(np.float16(0), np.float16(1000)) == np.inf
    assert numerics.log_sigmoid(np.float16(20.0)) == -0.0
    assert np.signbit(numerics.log_sigmoid(np.float16(20.0)))


def test_a_masked_array_is_refused_rather_than_unmasked():
    with pytest.raises(TypeError, match="x must not be a masked array"):
        numerics.softplus(np.ma.array([1.0, 1e300], mask=[0, 1]))
    with pytest.raises(TypeError, match="must not be a masked array"):
        numerics.softplus(np.ma.masked)


def _settings():
    """Every int, float or tuple-of-numbers parameter of the public experiments and figures."""
    import losslab.experiments
    import losslab.plotting

    found, seen = [], set()
    for package in (losslab.experiments, losslab.plotting):
        modules = [package] + [
            importlib.import_module(info.name)
            for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")
        ]
        for module in modules:
            for name in getattr(module, "__all__", ()):
                function = getattr(module, name)
                if not inspect.isfunction(function) or function in seen:
                    continue
                seen.add(function)
                parameters = inspect.signature(function).parameters
                for parameter in parameters.values():
                    default = parameter.default
                    numbers = (
                        isinstance(default, tuple)
                        and default
                        and all(isinstance(v, int | float) for v in default)
                    )
                    if isinstance(default, bool) or not (
                        isinstance(default, int | float) or numbers
                    ):
                        continue
                    bad = ("x",) if numbers else 2.5 if isinstance(default, int) else math.nan
                    required = {p.name: None for p in parameters.values() if p.default is p.empty}
                    found.append(
                        pytest.param(
                            function,
                            {**required, parameter.name: bad},
                            parameter.name,
                            id=f"{name}-{parameter.name}",
                        )
                    )
    return found


@pytest.mark.parametrize(("function", "arguments", "argument"), _settings())
def test_experiments_and_figures_reject_bad_sizes_seeds_and_steps(function, arguments, argument):
    with pytest.raises((TypeError, ValueError)) as info:
        function(**arguments)
    assert _names(str(info.value), argument), str(info.value)


# --- coverage ----------------------------------------------------------------------------------


def test_every_public_function_is_covered():
    functions, properties = public_callables()
    rejected = {param.values[0] for param in REJECTIONS}
    assert functions - rejected == set(), "public functions without rejection cases"
    assert (functions | properties) - COVERED == set(), "public functions not run on finite input"
    numerical = {
        f"{module.__name__.rsplit('.', 1)[1]}.{name}"
        for module in (numerics, likelihoods)
        for name in module.__all__
        if inspect.isfunction(getattr(module, name))
    } | {"empirical.entropy", "empirical.cross_entropy", "empirical.kl_divergence"}
    assert numerical - set(DTYPE_CASES) == set(), "numerical functions without dtype cases"
