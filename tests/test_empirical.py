"""losslab.empirical against scipy.stats, closed forms, mpmath, plain-Python counts, identities."""

import math
import warnings
from collections import Counter

import mpmath
import numpy as np
import pytest
import scipy.special
import scipy.stats
from hypothesis import assume, given
from hypothesis import strategies as st

from losslab import categorical_nll, log_softmax
from losslab.empirical import (
    cross_entropy,
    empirical,
    empirical_conditional,
    entropy,
    kl_divergence,
)


def normalised(weights):
    w = np.asarray(weights, dtype=np.float64)
    with np.errstate(under="ignore"):  # tiny weights over the total may round to subnormals
        return w / w.sum()


def weight_lists(size):
    # Exact zeros, subnormals and weights spanning 300 decades, as well as ordinary ones.
    entry = st.one_of(st.just(0.0), st.floats(0.0, 1.0), st.floats(1e-300, 1e-10))
    return st.lists(entry, min_size=size, max_size=size).filter(lambda w: sum(w) > 0)


distribution_pairs = (
    st.integers(1, 8)
    .flatmap(lambda k: st.tuples(weight_lists(k), weight_lists(k)))
    .map(lambda pair: (normalised(pair[0]), normalised(pair[1])))
)


def random_distributions(rng, rows, k, zeros=True):
    p = rng.dirichlet(np.ones(k), rows)
    if zeros:  # some exact zeros: the conventions 0 log 0 = 0 and 0 log q = 0 are exercised
        p[rng.random(p.shape) < 0.2] = 0.0
        p[:, 0] += 0.1
        p /= p.sum(axis=1, keepdims=True)
    return p


# --- entropy, cross-entropy and KL against scipy, closed forms and mpmath -----------------------


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_entropy_and_kl_match_scipy_stats_along_any_axis(axis):
    rng = np.random.default_rng(1)
    p = np.moveaxis(random_distributions(rng, 60, 7).reshape(6, 10, 7), -1, axis)
    q = np.moveaxis(random_distributions(rng, 60, 7, zeros=False).reshape(6, 10, 7), -1, axis)
    np.testing.assert_allclose(entropy(p, axis=axis), scipy.stats.entropy(p, axis=axis), rtol=1e-13)
    np.testing.assert_allclose(
        kl_divergence(p, q, axis=axis), scipy.stats.entropy(p, q, axis=axis), rtol=1e-12
    )


@pytest.mark.parametrize("theta", [0.5, 0.1, 0.9, 1e-3, 1e-12, 0.75])
def test_bernoulli_entropy_has_its_closed_form(theta):
    expected = -theta * math.log(theta) - (1 - theta) * math.log1p(-theta)
    assert entropy([theta, 1 - theta]) == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize(("theta", "phi"), [(0.5, 0.25), (0.1, 0.9), (0.99, 0.01), (0.3, 0.31)])
def test_bernoulli_cross_entropy_and_kl_have_their_closed_forms(theta, phi):
    cross = -theta * math.log(phi) - (1 - theta) * math.log(1 - phi)
    kl = theta * math.log(theta / phi) + (1 - theta) * math.log((1 - theta) / (1 - phi))
    assert cross_entropy([theta, 1 - theta], [phi, 1 - phi]) == pytest.approx(cross, rel=1e-14)
    assert kl_divergence([theta, 1 - theta], [phi, 1 - phi]) == pytest.approx(kl, rel=1e-12)


@pytest.mark.parametrize("k", [1, 2, 3, 10, 1000])
def test_uniform_entropy_is_log_k_and_certainty_is_zero(k):
    assert entropy(np.full(k, 1.0 / k)) == pytest.approx(math.log(k), rel=1e-14, abs=0)
    certain = np.zeros(k)
    certain[-1] = 1.0
    value = entropy(certain)
    assert value == 0.0
    assert math.copysign(1.0, value) == 1.0  # +0, not -0


def test_float32_input_gives_float32_output():
    p = np.array([0.25, 0.75], dtype=np.float32)
    assert entropy(p).dtype == np.float32
    assert kl_divergence(p, np.array([0.5, 0.5])).dtype == np.float64


def _mp_sum_p_log_ratio(p, q):
    with mpmath.workprec(300):
        return float(
            mpmath.fsum(
                mpmath.mpf(a) * mpmath.log(mpmath.mpf(a) / mpmath.mpf(b))
                for a, b in zip(p, q, strict=True)
                if a > 0
            )
        )


def test_against_mpmath_at_300_bits():
    with mpmath.workprec(300):
        p = [1e-300, 1.0]  # sums to 1 in float64; the tiny entry carries all of the entropy
        exact = -mpmath.fsum(mpmath.mpf(v) * mpmath.log(mpmath.mpf(v)) for v in p)
        assert entropy(p) == pytest.approx(float(exact), rel=1e-15)

        # A class of probability e^-800, given as log-probabilities: q itself underflows to 0.
        z = [0.0, -800.0]
        log_norm = mpmath.log(mpmath.fsum(mpmath.exp(v) for v in z))
        weights = [0.3, 0.7]
        exact = -mpmath.fsum(w * (v - log_norm) for w, v in zip(weights, z, strict=True))
        assert cross_entropy(weights, log_q=log_softmax(z)) == pytest.approx(
            float(exact), rel=1e-15
        )

    rng = np.random.default_rng(2)
    for _ in range(20):
        p, q = random_distributions(rng, 2, 6)
        q = normalised(q + 0.01)
        assert kl_divergence(p, q) == pytest.approx(_mp_sum_p_log_ratio(p, q), rel=1e-13)


@pytest.mark.parametrize("delta", [1e-4, 1e-6, 1e-8, 1e-10])
def test_kl_of_nearby_distributions_keeps_its_digits_where_the_difference_of_entropies_fails(delta):
    # p and q sum to exactly 1 (1 - t is exact for t in [0.5, 1]), so the exact KL is >= 0.
    p = [0.6, 1 - 0.6]
    q = [0.6 + delta, 1 - (0.6 + delta)]
    exact = _mp_sum_p_log_ratio(p, q)  # about delta**2 / 0.48
    error = abs(kl_divergence(p, q) - exact) / exact
    assert error <= 1e-6
    difference_error = abs(cross_entropy(p, q) - entropy(p) - exact) / exact
    assert difference_error > 1e3 * error


def test_kl_is_never_negative_where_rounding_could_make_it_so():
    rng = np.random.default_rng(3)
    p = random_distributions(rng, 2000, 5, zeros=False)
    q = normalised(p * (1 + 1e-15 * rng.standard_normal(p.shape)))
    q /= q.sum(axis=1, keepdims=True)
    assert (kl_divergence(p, q) >= 0).all()


def test_zero_log_zero_conventions_and_infinite_cross_entropy_without_warnings():
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        # p = 0 where q = 0: the outcome does not count.
        assert cross_entropy([1.0, 0.0], [1.0, 0.0]) == 0.0
        assert kl_divergence([0.5, 0.5, 0.0], [0.5, 0.5, 0.0]) == 0.0
        assert cross_entropy([1.0, 0.0], log_q=[0.0, -np.inf]) == 0.0
        # p > 0 where q = 0: the exact value is +inf.
        assert cross_entropy([0.5, 0.5], [1.0, 0.0]) == np.inf
        assert kl_divergence([0.5, 0.5], [1.0, 0.0]) == np.inf
        assert kl_divergence([0.5, 0.5], log_q=[0.0, -np.inf]) == np.inf
        np.testing.assert_array_equal(
            kl_divergence([[0.5, 0.5], [1.0, 0.0]], [1.0, 0.0]), [np.inf, 0.0]
        )


def test_log_q_equals_q_and_survives_where_q_underflows():
    rng = np.random.default_rng(4)
    logits = rng.normal(0, 3, (50, 6))
    p = random_distributions(rng, 50, 6)
    q = scipy.special.softmax(logits, axis=1)
    log_q = scipy.special.log_softmax(logits, axis=1)
    np.testing.assert_allclose(cross_entropy(p, log_q=log_q), cross_entropy(p, q), rtol=1e-13)
    np.testing.assert_allclose(kl_divergence(p, log_q=log_q), kl_divergence(p, q), rtol=1e-10)
    # e^-1000 is 0 in float64: from q the cost is inf; from log q it is exactly 1000, as the true
    # value 1000 + e^-1000 lies far closer to 1000 than half an ulp.
    assert cross_entropy([0.0, 1.0], log_q=log_softmax([0.0, -1000.0])) == 1000.0
    with np.errstate(under="ignore"):
        assert cross_entropy([0.0, 1.0], scipy.special.softmax([0.0, -1000.0])) == np.inf


# --- the identities of the book, as properties --------------------------------------------------


@given(distribution_pairs)
def test_cross_entropy_is_entropy_plus_kl(pair):
    p, q = pair
    cross, h, kl = cross_entropy(p, q), entropy(p), kl_divergence(p, q)
    if np.isinf(cross):
        assert kl == np.inf
    else:
        assert h + kl == pytest.approx(cross, rel=1e-12, abs=1e-300)


@given(distribution_pairs)
def test_kl_is_nonnegative_and_zero_exactly_at_equality(pair):
    p, q = pair
    assert kl_divergence(p, p) == 0.0
    with np.errstate(divide="ignore"):  # log 0 = -inf is the log-probability of an impossible class
        log_p = np.log(p)
    assert kl_divergence(p, log_q=log_p) == 0.0
    kl = kl_divergence(p, q)
    assert kl >= 0.0
    l1 = np.abs(p - q).sum()
    assume(l1 > 1e-6)  # a resolvable difference: the divergence is then positive
    assert kl > 0.0
    assert kl >= 0.99 * l1**2 / 2  # and at least Pinsker's bound


@given(distribution_pairs)
def test_cross_entropy_over_q_is_smallest_at_q_equals_p(pair):
    p, q = pair
    assume(np.abs(p - q).sum() > 1e-6)
    assert cross_entropy(p, q) > cross_entropy(p, p)


def test_perturbing_q_away_from_p_raises_the_cross_entropy_on_random_data():
    rng = np.random.default_rng(5)
    p = random_distributions(rng, 200, 8, zeros=False)
    best = cross_entropy(p, p)
    np.testing.assert_allclose(best, entropy(p), rtol=1e-15)
    for scale in (1e-3, 1e-2, 1e-1, 1.0):
        q = p * np.exp(scale * rng.standard_normal(p.shape))
        q /= q.sum(axis=1, keepdims=True)
        assert (cross_entropy(p, q) > best).all()


# --- the empirical distribution of samples -----------------------------------------------------


@given(st.lists(st.integers(-5, 5), min_size=1, max_size=60))
def test_support_and_probabilities_match_plain_counting(values):
    data = empirical(values)
    counts = Counter(values)
    assert data.support.tolist() == sorted(counts)
    assert data.counts.tolist() == [counts[v] for v in sorted(counts)]
    assert data.probabilities.tolist() == [counts[v] / len(values) for v in sorted(counts)]
    assert data.n == len(values)


def test_vectors_are_points_sorted_lexicographically_and_duplicates_merge():
    rng = np.random.default_rng(6)
    x = rng.integers(0, 3, (400, 3)).astype(float)
    x[rng.random(400) < 0.1, 0] = -0.0  # the same point as 0.0
    data = empirical(x)
    counts = Counter(tuple(float(v) + 0.0 for v in row) for row in x)
    assert [tuple(row) for row in data.support.tolist()] == sorted(counts)
    assert data.counts.tolist() == [counts[key] for key in sorted(counts)]
    assert data.probabilities.sum() == pytest.approx(1.0, abs=1e-15)
    assert not np.signbit(data.support).any()


pool = st.sampled_from([-3.5, 0.0, 1.0, 2.25, 1e3, -7e5])


@given(st.lists(pool, min_size=1, max_size=50))
def test_expectation_under_the_empirical_distribution_is_the_sample_mean(values):
    data = empirical(values)
    for f in (lambda x: x, lambda x: x**2, np.cos):
        mean = math.fsum(f(np.float64(v)) for v in values) / len(values)
        scale = math.fsum(abs(f(np.float64(v))) for v in values) / len(values)
        assert abs(data.expectation(f) - mean) <= 1e-14 * scale


def test_expectation_of_vectors_is_the_mean_vector():
    rng = np.random.default_rng(7)
    x = rng.integers(-4, 5, (1000, 3)) * 0.1
    data = empirical(x)
    np.testing.assert_allclose(data.expectation(lambda s: s), x.mean(axis=0), rtol=1e-13)
    norms = data.expectation(lambda s: (s**2).sum(axis=1))
    assert norms == pytest.approx((x**2).sum(axis=1).mean(), rel=1e-13)


def test_sampling_draws_training_points_with_their_empirical_frequencies():
    counts = {-2: 1, 0: 2, 3: 3, 7: 10, 11: 84}
    values = [v for v, c in counts.items() for _ in range(c)]
    n_draws = 200_000
    draws = empirical(values).sample(n_draws, rng=np.random.default_rng(8))
    assert draws.shape == (n_draws,)
    assert set(draws.tolist()) <= set(counts)
    for value, count in counts.items():
        p = count / len(values)
        sd = math.sqrt(p * (1 - p) / n_draws)  # binomial standard deviation of the frequency
        assert abs(np.mean(draws == value) - p) <= 5 * sd


def test_sampling_vectors_and_seeds():
    x = np.array([[0.0, 1.0], [0.0, 1.0], [2.0, 3.0]])
    data = empirical(x)
    draws = data.sample(1000, rng=9)
    assert draws.shape == (1000, 2)
    assert {tuple(row) for row in draws.tolist()} == {(0.0, 1.0), (2.0, 3.0)}
    np.testing.assert_array_equal(data.sample(50, rng=10), data.sample(50, rng=10))
    assert data.sample(0).shape == (0, 2)


def test_pmf_is_count_over_n_on_the_support_and_zero_elsewhere():
    values = [4, 4, 1, 9, 4, 1]
    data = empirical(values)
    queries = np.array([[1, 2], [4, 9], [-4, 100]])
    expected = [[values.count(int(v)) / 6 for v in row] for row in queries]
    np.testing.assert_array_equal(data.pmf(queries), expected)
    assert data.pmf(4.0) == 0.5
    assert data.pmf(np.nan) == 0.0
    vectors = empirical([[0, 1], [0, 1], [1, 0], [5, 5]])
    assert vectors.pmf([[0, 1], [1, 1], [5, 5]]).tolist() == [0.5, 0.0, 0.25]
    assert vectors.pmf(np.zeros((2, 0, 2))).shape == (2, 0)


def test_the_arrays_are_frozen():
    data = empirical([1, 2, 2])
    with pytest.raises(ValueError, match="read-only"):
        data.counts[0] = 5


def test_maximum_likelihood_without_inputs_is_cross_entropy_with_the_empirical_distribution():
    rng = np.random.default_rng(11)
    samples = rng.integers(0, 6, 300)
    model = normalised(rng.random(6) + 0.1)
    data = empirical(samples)
    mean_nll = -np.mean(np.log(model[samples]))
    cost = cross_entropy(data.probabilities, model[data.support])
    assert cost == pytest.approx(mean_nll, rel=1e-12)
    # ... and the best model is the empirical distribution itself.
    assert cross_entropy(data.probabilities, data.probabilities) < cost


# --- labelled data: the joint and conditional empirical distributions and the NLL ---------------


def test_joint_and_conditional_tables_by_hand():
    data = empirical_conditional([2, 2, 2, 5], [0, 1, 1, 2], classes=4)
    assert data.inputs.tolist() == [2, 5]
    assert data.n == 4
    assert data.classes == 4
    assert data.joint.tolist() == [[0.25, 0.5, 0.0, 0.0], [0.0, 0.0, 0.25, 0.0]]
    np.testing.assert_allclose(data.conditional, [[1 / 3, 2 / 3, 0, 0], [0, 0, 1, 0]], rtol=1e-15)


def test_joint_and_conditional_match_plain_counting_for_vector_inputs():
    rng = np.random.default_rng(12)
    x = rng.integers(0, 3, (300, 2))
    y = rng.integers(0, 4, 300)
    data = empirical_conditional(x, y)
    pairs = Counter((tuple(row), int(label)) for row, label in zip(x.tolist(), y, strict=True))
    inputs = Counter(tuple(row) for row in x.tolist())
    assert [tuple(row) for row in data.inputs.tolist()] == sorted(inputs)
    for s, key in enumerate(sorted(inputs)):
        for k in range(4):
            assert data.joint[s, k] == pairs[key, k] / 300
            assert data.conditional[s, k] == pytest.approx(pairs[key, k] / inputs[key], rel=1e-15)
    np.testing.assert_array_equal(data.inputs[data.index], x)


def _grid_data(seed, n=500, classes=4):
    rng = np.random.default_rng(seed)
    x = rng.integers(-2, 3, (n, 2)) * 0.5  # 25 distinct inputs, each repeated
    y = rng.integers(0, classes, n)
    weights, bias = rng.normal(0, 2, (2, classes)), rng.normal(0, 1, classes)
    return x, y, (lambda inputs: inputs @ weights + bias)


def test_nll_two_ways_mean_over_samples_equals_expectation_under_the_empirical_distribution():
    x, y, logits = _grid_data(13)
    data = empirical_conditional(x, y)
    per_sample = scipy.special.log_softmax(logits(x), axis=1)
    mean_over_samples = -np.mean(per_sample[np.arange(len(y)), y])
    assert categorical_nll(y, logits(x)).mean() == pytest.approx(mean_over_samples, rel=1e-13)
    ways = [
        data.nll(log_q=lambda s: scipy.special.log_softmax(logits(s), axis=1)),
        data.nll(q=lambda s: scipy.special.softmax(logits(s), axis=1)),
        data.nll(log_q=per_sample),
        data.nll(q=scipy.special.softmax(logits(x), axis=1)),
    ]
    for value in ways:
        assert value == pytest.approx(mean_over_samples, rel=1e-12)


@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2)), min_size=1, max_size=40),
    st.lists(st.floats(0.01, 1.0), min_size=12, max_size=12),
)
def test_nll_two_ways_on_arbitrary_small_data_sets(pairs, weights):
    table = np.array(weights).reshape(4, 3)
    table /= table.sum(axis=1, keepdims=True)
    x, y = (np.array(column) for column in zip(*pairs, strict=True))
    mean_over_samples = math.fsum(-math.log(table[a, b]) for a, b in pairs) / len(pairs)
    data = empirical_conditional(x, y, classes=3)
    assert data.nll(q=lambda inputs: table[inputs]) == pytest.approx(mean_over_samples, rel=1e-12)
    assert data.nll(q=table[x]) == pytest.approx(mean_over_samples, rel=1e-12)


def test_nll_is_smallest_at_the_empirical_conditional_and_the_gap_is_the_expected_kl():
    x, y, logits = _grid_data(14)
    data = empirical_conditional(x, y)
    best = data.nll(q=lambda s: data.conditional)
    # The conditional entropy of the data, counted in plain Python.
    pairs = Counter(zip(map(tuple, x.tolist()), y.tolist(), strict=True))
    inputs = Counter(map(tuple, x.tolist()))
    entropy_of_data = -math.fsum(c / len(y) * math.log(c / inputs[k[0]]) for k, c in pairs.items())
    assert best == pytest.approx(entropy_of_data, rel=1e-12)
    model = scipy.special.softmax(logits(data.inputs), axis=1)
    marginal = data.counts.sum(axis=1) / data.n
    gap = marginal @ kl_divergence(data.conditional, model)
    assert data.nll(q=lambda s: model) == pytest.approx(best + gap, rel=1e-12)
    rng = np.random.default_rng(15)
    for _ in range(20):
        nearby = data.conditional + 1e-3 * rng.random(data.conditional.shape)
        nearby /= nearby.sum(axis=1, keepdims=True)
        assert data.nll(q=lambda s, q=nearby: q) > best


def test_nll_is_infinite_only_where_the_model_excludes_an_observed_pair():
    data = empirical_conditional([0, 0, 1], [0, 0, 1], classes=2)
    assert data.nll(q=lambda s: np.array([[1.0, 0.0], [0.0, 1.0]])) == 0.0
    assert data.nll(q=lambda s: np.array([[0.5, 0.5], [1.0, 0.0]])) == np.inf
    assert data.nll(log_q=lambda s: np.array([[0.0, -np.inf], [-np.inf, 0.0]])) == 0.0


# --- rejections -------------------------------------------------------------------------------

half = [0.5, 0.5]
vectors = empirical([[0, 1], [2, 3]])
values = empirical([1, 2, 2])
labelled = empirical_conditional([0, 0, 1], [0, 1, 1])


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: entropy([0.5, 1.5]), ValueError, r"p must be probabilities in \[0, 1\]; got 1.5"),
        (
            lambda: entropy([-0.5, 1.5]),
            ValueError,
            r"p must be probabilities in \[0, 1\]; got -0.5",
        ),
        (lambda: entropy([np.nan, 1.0]), ValueError, r"p must be probabilities .*got nan"),
        (lambda: entropy([0.5, 0.4]), ValueError, r"p must be normalised \(sum 1 along axis 0\)"),
        (lambda: entropy(np.zeros(0)), ValueError, "p must be normalised"),
        (lambda: entropy(0.5), ValueError, "p must have at least one dimension to reduce over"),
        (lambda: entropy(["a", "b"]), TypeError, "p must hold real numbers"),
        (lambda: entropy([1 + 0j]), TypeError, "p must hold real numbers"),
        (lambda: entropy(half, axis=1), ValueError, "axis 1 is out of range for p"),
        (lambda: entropy(half, axis=0.0), TypeError, "axis must be an integer"),
        (lambda: cross_entropy(half, [0.2, 0.3, 0.5]), ValueError, r"p \(2,\), q \(3,\)"),
        (lambda: cross_entropy(half, [1.5, -0.5]), ValueError, "q must be probabilities"),
        (lambda: cross_entropy(half, [0.5, 0.6]), ValueError, "q must be normalised"),
        (lambda: cross_entropy(half, log_q=[0.1, -3]), ValueError, "log_q must be log-prob"),
        (lambda: cross_entropy(half, log_q=[np.nan, 0]), ValueError, "log_q must be log-prob"),
        (lambda: cross_entropy(half, log_q=[-1, -1]), ValueError, "log_q must be normalised"),
        (lambda: cross_entropy([[1.0, 0.0]], half, axis=2), ValueError, "axis 2 is out of range"),
        (lambda: cross_entropy(half), TypeError, "exactly one of q and log_q"),
        (lambda: kl_divergence(half, half, log_q=half), TypeError, "exactly one of q and log_q"),
        (lambda: kl_divergence(half, ["a", "b"]), TypeError, "q must hold real numbers"),
        (lambda: kl_divergence([0.5, 0.6], half), ValueError, "p must be normalised"),
        (lambda: empirical([]), ValueError, r"samples must be N >= 1 .*got shape \(0,\)"),
        (lambda: empirical(np.zeros((0, 2))), ValueError, "samples must be N >= 1"),
        (lambda: empirical(np.zeros((3, 0))), ValueError, "samples must be N >= 1"),
        (lambda: empirical(np.zeros((2, 2, 2))), ValueError, "samples must be N >= 1"),
        (lambda: empirical(5), ValueError, r"samples must be N >= 1 .*got shape \(\)"),
        (lambda: empirical([1.0, np.nan]), ValueError, "samples must be numbers, not nan"),
        (lambda: empirical(["a"]), TypeError, "samples must hold real numbers"),
        (lambda: empirical([[1], [1, 2]]), ValueError, "samples must be a rectangular array"),
        (lambda: values.sample(-1), ValueError, "size must be an integer >= 0; got -1"),
        (lambda: values.sample(2.0), TypeError, "size must be an integer"),
        (lambda: values.sample(True), TypeError, "size must be an integer"),
        (lambda: values.sample(2, rng=-1), TypeError, "rng must be a numpy.random.Generator"),
        (lambda: values.sample(2, rng=1.5), TypeError, "rng must be a numpy.random.Generator"),
        (lambda: values.pmf(["a"]), TypeError, "points must hold real numbers"),
        (lambda: vectors.pmf([1, 2, 3]), ValueError, r"points must be vectors of 2 entries"),
        (lambda: vectors.pmf(1), ValueError, r"points must be vectors of 2 entries"),
        (lambda: values.expectation(lambda x: 1.0), ValueError, "f must return one value per"),
        (lambda: values.expectation(lambda x: x[:1]), ValueError, "f must return one value per"),
        (lambda: values.expectation(lambda x: x.astype(str)), TypeError, "result of f must hold"),
        (lambda: values.expectation("x"), TypeError, "f must be callable"),
        (lambda: values.pmf(np.ma.array([1.0])), TypeError, "points must not be a masked array"),
        (lambda: empirical(np.ma.array([1.0, 2.0])), TypeError, "samples must not be a masked"),
        (lambda: entropy(np.ma.array(half)), TypeError, "p must not be a masked array"),
        (lambda: empirical_conditional([0, 1], [[0], [0, 1]]), ValueError, "y must be a rectang"),
        (lambda: empirical_conditional([0, 1], [0, 10**12]), ValueError, "y gives K = 10000000"),
        (lambda: empirical_conditional([0, 1], [0, 1e300]), ValueError, "y gives K = "),
        (
            lambda: empirical_conditional([0, 1], [0, 1], 2**40),
            ValueError,
            r"classes gives K = 1099511627776 classes for 2 distinct inputs",
        ),
        (lambda: empirical_conditional([0, 1], [0, 1], True), TypeError, "classes must be an int"),
        (lambda: type(values)([1, 2], [1, 0]), ValueError, r"counts must be >= 1"),
        (lambda: type(values)([1, 2], [1.0, 1.0]), TypeError, "counts must hold integer counts"),
        (lambda: type(values)([1, 2], [1]), ValueError, r"support \(2,\) and counts \(1,\)"),
        (lambda: type(values)([1], np.ma.array([1])), TypeError, "counts must not be a masked"),
        (
            lambda: type(labelled)([0, 1], [[1, 0]], [0]),
            ValueError,
            r"inputs \(2,\), counts and index",
        ),
        (lambda: type(labelled)([0], [[1, 0]], [0, 0]), ValueError, "index must hold the row"),
        (lambda: type(labelled)([0], [[1, 0]], [-1]), ValueError, "index must be counts >= 0"),
        (lambda: empirical_conditional([0, 1], [0, -1]), ValueError, "y must be integer labels"),
        (lambda: empirical_conditional([0, 1], [0, 0.5]), ValueError, "y must be integer labels"),
        (lambda: empirical_conditional([0, 1], [0, np.nan]), ValueError, "y must be integer"),
        (lambda: empirical_conditional([0, 1], [0, np.inf]), ValueError, "y must be integer"),
        (lambda: empirical_conditional([0, 1], [0]), ValueError, "y must hold one label per"),
        (lambda: empirical_conditional([0, 1], ["a", "b"]), TypeError, "y must hold integer"),
        (lambda: empirical_conditional([], []), ValueError, "x must be N >= 1"),
        (lambda: empirical_conditional([0, 1], [0, 3], 2), ValueError, r"classes must be .*>= 4"),
        (lambda: empirical_conditional([0, 1], [0, 1], 2.0), TypeError, "classes must be an int"),
        (lambda: labelled.nll(q=np.full((2, 2), 0.5)), ValueError, r"q must have shape \(3, 2\)"),
        (lambda: labelled.nll(q=lambda s: half), ValueError, r"q must have shape \(2, 2\)"),
        (lambda: labelled.nll(q=lambda s: np.ones((2, 2))), ValueError, "q must be normalised"),
        (lambda: labelled.nll(log_q=np.ones((3, 2))), ValueError, "log_q must be log-prob"),
        (
            lambda: labelled.nll(q=[[0.5, 0.5], [0.4, 0.6], [0.5, 0.5]]),
            ValueError,
            "q must be a function of x: pairs 0 and 1 have equal inputs",
        ),
        (lambda: labelled.nll(), TypeError, "exactly one of q and log_q"),
        (lambda: labelled.nll(q=half, log_q=half), TypeError, "exactly one of q and log_q"),
        (lambda: labelled.nll(log_q=lambda s: "ab"), TypeError, "log_q must hold real numbers"),
    ],
)
def test_bad_input_is_rejected_with_a_message_naming_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_the_normalisation_tolerance_is_the_square_root_of_the_dtypes_epsilon():
    off = [0.5, 0.5 + 1e-5]  # 1e-5 is within sqrt(eps) of float32 (3.5e-4), not of float64 (1.5e-8)
    assert entropy(np.array(off, dtype=np.float32)) == pytest.approx(math.log(2), rel=1e-4)
    with pytest.raises(ValueError, match="p must be normalised"):
        entropy(np.array(off))
    entropy([0.5, 0.5 + 1e-9])  # within float64's tolerance


@given(st.floats(allow_nan=True, allow_infinity=True).filter(lambda v: not 0 <= v <= 1))
def test_any_probability_outside_the_unit_interval_is_rejected(value):
    with pytest.raises(ValueError, match="p must be probabilities"):
        entropy([value, 1.0])
    with pytest.raises(ValueError, match="q must be probabilities"):
        kl_divergence([0.0, 1.0], [value, 1.0])
