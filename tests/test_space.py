import itertools
import math
import pickle
import re

import numpy as np
import pytest
from scipy.stats import (
    betabinom,
    bernoulli,
    binom,
    beta,
    expon,
    gamma,
    hypergeom,
    loguniform,
    lognorm,
    mielke,
    norm,
    pareto,
    poisson,
    powerlaw,
    randint,
    rv_continuous,
    rv_discrete,
    truncnorm,
    uniform,
    zipf,
)
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import ParameterGrid, ParameterSampler, RandomizedSearchCV
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils import check_random_state

from skhptune import BayesSearchCV
from skhptune._space import Space, parse_dimension
from skhptune.space import Categorical, Integer, Real


def _decode_many(dim, units):
    return [dim.decode(u) for u in units]


UNITS = np.linspace(0, 1, 101)


def test_real_uniform_roundtrip_and_bounds():
    dim = parse_dimension("C", Real(-2.0, 3.0))
    values = _decode_many(dim, UNITS)
    assert min(values) == -2.0 and max(values) == 3.0
    assert all(type(v) is float for v in values)
    for u in (0.1, 0.5, 0.93):
        assert dim.encode(dim.decode(u)) == pytest.approx(u)


def test_real_log_uniform_is_uniform_in_log():
    dim = parse_dimension("C", Real(1e-3, 1e3, prior="log-uniform"))
    assert dim.decode(0.5) == pytest.approx(1.0)
    assert dim.decode(0.0) == pytest.approx(1e-3)
    assert dim.decode(1.0) == pytest.approx(1e3)
    assert dim.encode(10.0) == pytest.approx(4 / 6)


@pytest.mark.parametrize(
    "dimension",
    [Real(1e-3, 1e3, prior="log-uniform"), Real(0.1, 0.3), Real(-0.3, -0.1), Real(1e-7, 0.3, prior="log-uniform")],
)
def test_real_ends_decode_to_the_bounds_exactly(dimension):
    # exp(log(1e3)) is 999.9999999999998, and 0.1 + (0.3 - 0.1) is past 0.3.
    dim = parse_dimension("C", dimension)
    assert dim.decode(0.0) == dimension.low and dim.decode(1.0) == dimension.high
    values = _decode_many(dim, np.linspace(0, 1, 1001))
    assert min(values) >= dimension.low and max(values) <= dimension.high


def test_integer_uniform_levels_types_and_roundtrip():
    dim = parse_dimension("n", Integer(2, 6))
    assert dim.n_levels == 5 and not dim.is_categorical
    values = _decode_many(dim, UNITS)
    assert set(values) == {2, 3, 4, 5, 6}
    assert all(type(v) is int for v in values)
    for value in range(2, 7):
        assert dim.decode(dim.encode(value)) == value


@pytest.mark.parametrize("high", [2**53 - 1, 10**20, 10**20 + 1, 2**64])
def test_integer_range_wider_than_a_float_can_bin(high):
    space = Space({"seed": Integer(0, high)})
    dim = space.subspaces[0].dimensions[0]
    values = _decode_many(dim, UNITS)
    assert all(type(v) is int and 0 <= v <= high for v in values)
    assert values[0] == 0 and values[-1] == high
    assert len(set(values)) == len(values)
    # In the middle and near the top, where bin centres (i + 0.5) / n would no
    # longer be exact floats.
    for value in (high // 3, high - 3):
        assert dim.decode(dim.encode(value)) == pytest.approx(value, rel=1e-12)


def test_integer_log_uniform_reaches_every_value():
    dim = parse_dimension("n", Integer(1, 1000, prior="log-uniform"))
    values = _decode_many(dim, np.linspace(0, 1, 20001))
    assert min(values) == 1 and max(values) == 1000
    assert all(type(v) is int for v in values)
    assert set(range(1, 10)) <= set(values)
    # Each value owns [v - 0.5, v + 0.5] in log space, so the median is the
    # geometric mean of the outer edges.
    assert np.median(values) == pytest.approx(np.sqrt(0.5 * 1000.5), rel=0.05)
    for value in (1, 7, 250, 1000):
        assert dim.decode(dim.encode(value)) == value


def test_integer_range_grid_decodes_every_value_once():
    # A value encoded off its bin centre can fall into the bin below (15 / 22 * 22 < 15).
    for high in (21, 22, 38, 42, 99):
        space = Space({"x": Integer(0, high)})
        assert [space.decode(point)["x"] for point in space.grid()] == list(range(high + 1))


def test_log_uniform_integer_range_is_a_finite_space():
    space = Space({"x": Integer(1, 10, prior="log-uniform")})
    assert space.size == 10 and space.fits_in(10)
    assert sorted(space.decode(point)["x"] for point in space.grid()) == list(range(1, 11))


@pytest.mark.parametrize("prior", ["uniform", "log-uniform"])
def test_real_values_never_leave_their_bounds(prior):
    # exp(log(low)) can fall an ulp below low: decoded values are clipped.
    for low, high in [(1e-5, 1.0), (0.03, 300.0), (2e-4, 5.0), (0.1, 0.7)]:
        dim = Space({"p": Real(low, high, prior=prior)}).subspaces[0].dimensions[0]
        for u in (5e-324, 1e-300, 1e-17, 1 - 1e-16, 1 - 2**-53):
            assert low <= dim.decode(u) <= high


@pytest.mark.parametrize("low", [2**53, 10**12])
def test_a_log_uniform_integer_range_too_narrow_for_float_logs_reaches_every_value(low):
    # Float logs near 2**53 give every integer of this range the same value.
    space = Space({"n": Integer(low, low + 10, prior="log-uniform")})
    assert space.size == 11
    values = [space.decode(point)["n"] for point in space.grid()]
    assert values == list(range(low, low + 11))
    assert all(type(v) is int for v in values)
    # Where float logs tell the integers apart, the log prior stays as it was.
    assert parse_dimension("n", Integer(10**7, 10**7 + 5, prior="log-uniform")).n_levels == 0


def test_a_wider_log_uniform_integer_range_near_float_limits_keeps_every_integer():
    dim = parse_dimension("n", Integer(10**15, 10**15 + 10**7, prior="log-uniform"))
    for offset in range(1, 6):
        assert dim.decode(dim.encode(10**15 + offset)) == 10**15 + offset


def test_categorical_keeps_original_objects():
    estimator = LogisticRegression()
    choices = [None, "rbf", (1, 2), estimator]
    dim = parse_dimension("p", Categorical(choices))
    assert dim.is_categorical and dim.n_levels == 4
    decoded = _decode_many(dim, (np.arange(4) + 0.5) / 4)
    assert decoded[0] is None and decoded[2] == (1, 2) and decoded[3] is estimator
    assert dim.decode(dim.encode(estimator)) is estimator


def test_list_of_numbers_is_ordinal_in_numeric_order():
    dim = parse_dimension("alpha", [10, 0.1, 1])
    assert not dim.is_categorical and dim.n_levels == 3
    assert _decode_many(dim, [0.1, 0.5, 0.9]) == [0.1, 1, 10]
    assert dim.values == [10, 0.1, 1]


def test_integers_beyond_floats_are_ordered_exactly():
    # GridSearchCV takes them; a float conversion overflowed, or tied 2**53 + 1
    # with 2**53.
    dim = parse_dimension("seed", [10**400, 1, np.nan, 10**400 + 1, 2.5])
    assert not dim.is_categorical
    assert _decode_many(dim, (np.arange(5) + 0.5) / 5)[:4] == [1, 2.5, 10**400, 10**400 + 1]
    assert np.isnan(dim.decode(0.9))
    dim = parse_dimension("seed", [2**53 + 1, np.int64(2**53)])
    assert _decode_many(dim, [0.25, 0.75]) == [2**53, 2**53 + 1]


def test_a_law_of_its_own_with_a_scalar_ppf_is_decoded_through_it():
    class Exponential:
        def ppf(self, q):
            return -math.log(1 - q)

        def cdf(self, x):
            return 1 - math.exp(-x)

        def support(self):
            return 0.0, math.inf

        def rvs(self, size=None, random_state=None):
            return check_random_state(random_state).exponential(size=size)

    dim = parse_dimension("p", Exponential())
    assert dim.decode(0.5) == pytest.approx(math.log(2))


@pytest.mark.parametrize("values", [["a", "b"], [True, False], [1, "a"], [None, 1]])
def test_list_of_non_numbers_is_categorical(values):
    dim = parse_dimension("p", values)
    assert dim.is_categorical
    assert _decode_many(dim, (np.arange(len(values)) + 0.5) / len(values)) == values


@pytest.mark.parametrize(
    "values, distinct",
    [
        ([0.1, 0.1, 1, 10], [0.1, 1, 10]),
        (["rbf", "linear", "rbf"], ["rbf", "linear"]),
        ([{"a": 1}, {"a": 1}, {"a": 2}], [{"a": 1}, {"a": 2}]),
        # Equal but of another type: max_features=1 (one feature) is not 1.0 (all).
        ([1, 1.0, True, 1], [1, 1.0, True]),
    ],
)
def test_repeated_values_are_one_level(values, distinct):
    dim = parse_dimension("p", values)
    assert dim.values == distinct and dim.n_levels == len(distinct)
    assert parse_dimension("p", Categorical(values)).values == distinct


def test_repeated_values_count_once_in_the_space_size():
    assert Space({"C": [0.1, 0.1, 1, 10], "kernel": ["rbf", "linear", "rbf"]}).size == 6


def test_numpy_array_and_tuple_are_lists():
    assert parse_dimension("C", np.logspace(-4, 1, 3)).n_levels == 3
    assert parse_dimension("r", ((1, 1), (1, 2))).decode(0.9) == (1, 2)


def test_parameter_names_must_be_strings():
    X, y = make_classification(30, 4, random_state=0)
    with pytest.raises(TypeError, match="Parameter names must be strings, got 1"):
        BayesSearchCV(LogisticRegression(), {1: [1, 2]}, n_iter=2, cv=2).fit(X, y)


@pytest.mark.parametrize(
    "choices",
    [
        "rbf",  # searched letter by letter
        {"rbf", "linear", "poly"},  # in an order that changes between runs
        (kernel for kernel in ["rbf", "linear"]),  # choices for one fit only
        5,
    ],
)
def test_categorical_needs_a_sequence_of_choices(choices):
    with pytest.raises(TypeError, match="Parameter 'kernel': Categorical needs a list"):
        parse_dimension("kernel", Categorical(choices))


def test_pandas_series_and_index_are_lists():
    # RandomizedSearchCV samples from them next to a distribution.
    pd = pytest.importorskip("pandas")
    kernels = pd.Series(["rbf", "linear", "rbf"], index=[3, 5, 8])  # after drop_duplicates
    assert parse_dimension("kernel", kernels).values == ["rbf", "linear"]
    assert parse_dimension("C", pd.Index([0.1, 1.0, 10.0])).n_levels == 3
    with pytest.raises(ValueError, match="must be one-dimensional"):
        parse_dimension("C", pd.DataFrame({"a": [1, 2], "b": [3, 4]}))


@pytest.mark.parametrize(
    "dist, low, high",
    [
        (uniform(1, 3), 1, 4),
        (loguniform(1e-3, 1e2), 1e-3, 1e2),
        (loguniform(1e-3, 1e2, scale=10), 1e-2, 1e3),
        # Shifted, a loguniform is no longer log-uniform on its support (at loc=-1
        # its support starts at 0: the log map gave NaN).
        (loguniform(1, 100, loc=5), 6, 105),
        (loguniform(1, 100, loc=-1), 0, 99),
        (loguniform(1e-12, 1e-10, loc=1e-11), 1.1e-11, 1.1e-10),  # tiny, still shifted
        (expon(scale=10), 0, np.inf),
    ],
)
def test_continuous_distributions_map_through_their_quantiles(dist, low, high):
    dim = parse_dimension("x", dist)
    values = _decode_many(dim, UNITS)
    assert all(low <= v <= high for v in values)
    assert all(type(v) is float for v in values)
    assert dim.decode(0.5) == pytest.approx(dist.median())


@pytest.mark.parametrize(
    "dist",
    [norm(0.5, 0.2), expon(scale=10), gamma(2.5, loc=1), beta(2, 3, scale=4), truncnorm(-1, 2),
     # On scalars instead of ppf's one-element arrays these were 1 ulp off.
     pareto(2.62, loc=0.3, scale=2), powerlaw(1.66, loc=0.3, scale=2),
     mielke(10.4, 4.6, loc=0.3, scale=2)],
)
def test_continuous_distributions_decode_to_ppf_without_calling_it(dist):
    # Decoding takes the law's quantile directly: the frozen law's ppf checks
    # its arguments at every call, forty times the quantile's own cost.
    dim = parse_dimension("x", dist)
    units = np.random.default_rng(0).uniform(size=200)
    expected = [float(dist.ppf(np.clip(u, 1e-6, 1 - 1e-6))) for u in units]
    dist.ppf = None  # a call would raise TypeError
    assert _decode_many(dim, units) == expected


class _PpfOnlyLaw(rv_continuous):
    """A law whose quantile overrides the public ppf, not ``_ppf``."""

    def _cdf(self, x):
        return np.clip(x, 0.0, 1.0)

    def ppf(self, q, *args, **kwds):
        return 2.0 * np.asarray(q)


def test_distribution_whose_ppf_is_not_its_private_quantile_decodes_through_ppf():
    dim = parse_dimension("x", _PpfOnlyLaw(a=0.0, b=1.0)())
    assert dim.decode(0.25) == 0.5


def test_distribution_with_invalid_arguments_is_searched_through_draws():
    # scipy gives uniform(0, 0) a NaN support and ppf, but its rvs draws 0.0, as
    # RandomizedSearchCV does.
    _, values = _decoded(uniform(0, 0))
    assert set(values) == {0.0}


def test_randint_beyond_float_precision_keeps_its_exact_bounds():
    low = 10**17  # floats round 10**17 + 9 to 10**17 + 16
    dim = parse_dimension("seed", randint(low, low + 10))
    assert dim.n_levels == 10
    assert set(_decode_many(dim, UNITS)) <= set(range(low, low + 10))
    assert dim.decode(1.0) == low + 9


def test_loguniform_is_log_scaled():
    dim = parse_dimension("x", loguniform(1e-2, 1e2))
    assert dim.decode(0.5) == pytest.approx(1.0)


def test_unbounded_distribution_is_clipped_away_from_infinity():
    dim = parse_dimension("x", norm(0, 1))
    assert np.isfinite(dim.decode(0.0)) and np.isfinite(dim.decode(1.0))
    assert dim.decode(0.0) < -4 and dim.decode(1.0) > 4


def test_discrete_distributions_give_integers():
    dim = parse_dimension("k", randint(1, 4))
    assert dim.n_levels == 3
    assert set(_decode_many(dim, UNITS)) == {1, 2, 3}
    dim = parse_dimension("k", poisson(3))
    values = _decode_many(dim, UNITS)
    assert all(type(v) is int and v >= 0 for v in values)
    for value in (1, 3, 6):
        assert dim.decode(dim.encode(value)) == value


@pytest.mark.parametrize(
    "dist, expected",
    [
        # Shifted by loc: the listed integers become 1.5, 2.5, 3.5.
        (rv_discrete(values=([1, 2, 3], [0.3, 0.4, 0.3]))(loc=0.5), {1.5, 2.5, 3.5}),
        # Not frozen: the values are on the distribution itself.
        (rv_discrete(values=([1, 1.5, 2], [0.3, 0.4, 0.3])), {1, 1.5, 2}),
    ],
)
def test_shifted_or_unfrozen_discrete_distributions_keep_their_values(dist, expected):
    _, values = _decoded(dist)
    assert set(values) == expected


def test_discrete_distribution_without_a_fast_ppf_is_searched_through_draws(monkeypatch):
    # scipy's generic discrete ppf: zipf(1.5).ppf(1 - 1e-6) runs for minutes.
    dist = zipf(1.5)
    monkeypatch.setattr(dist, "ppf", lambda q: pytest.fail(f"ppf({q}) called"))
    dim = parse_dimension("n", dist, np.random.RandomState(0))
    values = _decode_many(dim, UNITS)
    assert all(type(v) is int and v >= 1 for v in values)
    assert values[0] == 1 and max(values) > 10


def test_discrete_distribution_of_non_integers_keeps_its_values():
    # rv_discrete takes any numbers; casting them to int gave C = 0 and 2.
    dist = rv_discrete(values=([0.1, 0.5, 2.5], [0.3, 0.4, 0.3]))
    dim, values = _decoded(dist)
    assert set(values) == {0.1, 0.5, 2.5}
    assert 0.3 < values.count(0.5) / len(values) < 0.5
    assert dim.decode(dim.encode(2.5)) == 2.5


@pytest.mark.parametrize(
    "dist, expected",
    [
        (rv_discrete(values=([1.0, 2.0], [0.5, 0.5])), {1.0, 2.0}),
        # Listed integers shifted by a float loc are drawn as floats too.
        (rv_discrete(values=([1, 2], [0.5, 0.5]))(loc=1.0), {2.0, 3.0}),
    ],
)
def test_discrete_distribution_of_whole_floats_keeps_them_floats(dist, expected):
    # rv_discrete draws its listed floats as floats; 1.0 and 1 mean other
    # things to scikit-learn (max_features=1.0 is every feature, 1 is one).
    _, values = _decoded(dist)
    assert set(values) == expected
    assert all(isinstance(v, float) for v in values)


@pytest.mark.parametrize("dist", [uniform(0, 1), loguniform(1e-3, 1e3)])
def test_scipy_ranges_stay_off_their_exact_ends_as_rvs_does(dist):
    # uniform(0, 1) for max_features: RandomizedSearchCV all but never draws 0.
    dim = parse_dimension("x", dist)
    low, high = dist.support()
    assert 0 < dim.decode(0.0) - low < 1e-4 * high
    assert 0 < high - dim.decode(1.0) < 1e-4 * high


@pytest.mark.parametrize(
    "spec, error, match",
    [
        (Real(1, 1), ValueError, r"'p'.*low must be smaller than high.*low=1, high=1"),
        (Real(2, 1), ValueError, r"'p'.*low=2, high=1"),
        (Integer(5, 3), ValueError, r"'p'.*low=5, high=3"),
        (Real(0, 1, prior="log-uniform"), ValueError, r"'p'.*log-uniform prior needs low > 0, got low=0"),
        (Integer(-1, 3, prior="log-uniform"), ValueError, r"low > 0, got low=-1"),
        (Real(0, 1, prior="normal"), ValueError, r"'p'.*prior must be.*'normal'"),
        (Real("a", 1), TypeError, r"'p'.*must be numbers.*low='a'"),
        (Integer(0.5, 3), TypeError, r"'p'.*Integer bounds must be integers.*low=0.5"),
        (Real(0, np.inf), ValueError, r"'p'.*low and high must be finite.*high=inf"),
        (Real(np.nan, 1), ValueError, r"'p'.*low and high must be finite.*low=nan"),
        (Integer(0, float("inf")), ValueError, r"'p'.*must be finite.*high=inf"),
        (Real(-1e308, 1e308), ValueError, r"'p'.*high - low must be a finite float"),
        (Real(0, 10**400), ValueError, r"'p'.*within float range"),
        (Integer(0, 10**400), ValueError, r"'p'.*within float range"),
        (Categorical([]), ValueError, r"'p'.*at least one choice"),
        ([], ValueError, r"'p' need to be a non-empty sequence, got: \[\]"),
        ("rbf", TypeError, r"'p'.*got 'rbf' \(of type str\)"),
        (3, TypeError, r"'p'.*got 3 \(of type int\)"),
        (np.ones((2, 2)), ValueError, r"'p'.*one-dimensional"),
    ],
)
def test_bad_dimension_errors_name_parameter_and_value(spec, error, match):
    with pytest.raises(error, match=match):
        Space({"p": spec})


class _Draws:
    """An object with ``rvs`` only, as RandomizedSearchCV accepts: draws from ``choose``."""

    def __init__(self, choose):
        self.choose = choose

    def rvs(self, random_state=None):
        return self.choose(check_random_state(random_state))


def _decoded(spec, seed=0):
    dim = Space({"p": spec}, np.random.RandomState(seed)).subspaces[0].dimensions[0]
    return dim, [dim.decode(u) for u in UNITS]


def test_rvs_only_continuous_distribution_maps_through_empirical_quantiles():
    dim, values = _decoded(_Draws(lambda rng: float(rng.exponential(2.0))))
    assert dim.n_levels == 0
    assert all(type(v) is float for v in values)
    assert np.all(np.diff(values) > 0)  # monotone in the unit coordinate
    # The median of exponential(2) is 2 ln 2; 1000 draws land close to it.
    assert dim.decode(0.5) == pytest.approx(2 * np.log(2), rel=0.15)
    for u in (0.1, 0.5, 0.93):
        assert dim.encode(dim.decode(u)) == pytest.approx(u)


def test_rvs_only_integer_distribution_gives_only_drawn_integers():
    dim, values = _decoded(_Draws(lambda rng: int(rng.randint(3, 7))))
    assert set(values) == {3, 4, 5, 6}
    assert all(type(v) is int for v in values)
    assert all(dim.decode(dim.encode(v)) == v for v in (3, 4, 5, 6))


def test_rvs_only_integers_beyond_float_precision_stay_exact():
    # Odd integers above 2**60 (a seed range, say): a float would round them
    # to multiples of 256, values never drawn.
    dim, values = _decoded(_Draws(lambda rng: int(rng.randint(2**59, 2**60, dtype=np.int64)) * 2 + 1))
    assert all(type(v) is int and v % 2 == 1 for v in values)
    assert all(dim.decode(dim.encode(v)) == v for v in values)
    assert len({dim.key(u) for u in UNITS}) == len(set(values))


def test_rvs_only_repeated_floats_stay_the_values_drawn():
    dim, values = _decoded(_Draws(lambda rng: float(rng.choice([0.01, 0.1, 1.0]))))
    assert set(values) == {0.01, 0.1, 1.0}


def test_rvs_only_integers_mixed_with_floats_come_out_as_drawn():
    # max_features=1 is one feature and 1.0 all: a draw's type must survive.
    choices = [1, 2, 0.5, 0.9]
    dim, values = _decoded(_Draws(lambda rng: choices[rng.randint(len(choices))]))
    assert {(type(v), v) for v in values} == {(type(c), c) for c in choices}
    assert [dim.decode(dim.encode(c)) for c in choices] == choices
    assert len({dim.key(u) for u in UNITS}) == len(choices)


def test_rvs_only_values_equal_across_types_keep_apart():
    # 1 (one feature) and 1.0 (all features) are equal numbers: each keeps its
    # own share of the coordinate and of the grid.
    choices = [1, 1.0, 2, 0.5]
    space = Space({"p": _Draws(lambda rng: choices[rng.randint(len(choices))])}, np.random.RandomState(0))
    dim = space.subspaces[0].dimensions[0]
    for value in choices:
        decoded = dim.decode(dim.encode(value))
        assert (type(decoded), decoded) == (type(value), value)
    assert space.size == 4
    grid = [space.decode(point)["p"] for point in space.grid()]
    assert sorted((type(v).__name__, v) for v in grid) == sorted(
        (type(v).__name__, v) for v in choices
    )


def test_rvs_only_values_of_two_types_each_own_one_interval():
    # 1 and 1.0 sort as equals: each must still own one stretch of the coordinate.
    choices = [1, 1.0, 2, 0.5]
    for seed in range(3):
        dim, _ = _decoded(_Draws(lambda rng: choices[rng.randint(len(choices))]), seed)
        keys = [dim.key(u) for u in np.linspace(0, 1, 4001)]
        runs = [key for key, _ in itertools.groupby(keys)]
        assert len(runs) == len(set(runs)) == 4


def test_rvs_only_draws_decode_from_their_encoding_when_non_finite_draws_are_left_out():
    # 999 finite draws: a value starting at position 63 encoded at 63 / 999
    # would decode to the one before it.
    draws = iter([float("nan")] + [0] * 63 + [1] * 936)
    dim = Space({"p": _Draws(lambda rng: next(draws))}).subspaces[0].dimensions[0]
    assert [dim.decode(dim.encode(v)) for v in (0, 1)] == [0, 1]


@pytest.mark.parametrize(
    "spec, expected",
    [
        # Floats that repeat, and integers: the distinct draws are the values.
        (_Draws(lambda rng: float(rng.choice([0.01, 0.1, 1.0]))), [0.01, 0.1, 1.0]),
        (rv_discrete(values=([0.1, 0.5, 2.5], [0.3, 0.4, 0.3])), [0.1, 0.5, 2.5]),
        (_Draws(lambda rng: int(rng.randint(3, 7))), [3, 4, 5, 6]),
    ],
)
def test_rvs_only_discrete_draws_make_a_finite_space(spec, expected):
    space = Space({"p": spec, "q": ["a", "b"]}, np.random.RandomState(0))
    assert space.size == 2 * len(expected)
    grid = [space.decode(point) for point in space.grid()]
    assert sorted(params["p"] for params in grid if params["q"] == "a") == expected


@pytest.mark.parametrize(
    "dist, expected",
    [
        (binom(4, 0.5, loc=1), [1, 2, 3, 4, 5]),
        (bernoulli(0.3), [0, 1]),
        (hypergeom(20, 7, 12), list(range(8))),
        (rv_discrete(values=([1, 3, 7], [0.2, 0.5, 0.3])), [1, 3, 7]),
        # Values whose mass lies in the clipped tails are never drawn.
        (binom(100, 0.5), list(range(27, 74))),
    ],
)
def test_bounded_discrete_distributions_make_a_finite_space(dist, expected):
    space = Space({"k": dist, "q": ["a", "b"]})
    assert space.size == 2 * len(expected)
    grid = [space.decode(point) for point in space.grid()]
    assert sorted(params["k"] for params in grid if params["q"] == "a") == expected
    # Every coordinate decodes to a listed value.
    dim = space.subspaces[0].dimensions[0]
    assert set(_decode_many(dim, UNITS)) <= set(expected)


class _PmfOnlyLaw(rv_discrete):
    """A law scipy knows by its pmf alone, so its cdf and ppf sum the pmf."""

    pmf_calls = 0

    def _pmf(self, k):
        type(self).pmf_calls += 1
        return np.full(np.shape(k), 1 / 5001)


def test_a_wide_bounded_law_by_its_pmf_is_tabulated_once():
    # scipy's generic cdf and ppf sum the pmf at every value: listing the values
    # of betabinom(5000, ...) that way took 15 s.
    law = _PmfOnlyLaw(a=0, b=5000)()
    dim = parse_dimension("k", law)
    assert _PmfOnlyLaw.pmf_calls <= 2
    assert dim.values == list(range(5001))
    # The tabulated map decodes and encodes as scipy's ppf and cdf do.
    small = betabinom(40, 2, 3)
    dim = parse_dimension("k", small)
    expected = small.ppf(np.clip(UNITS, 1e-6, 1 - 1e-6)).astype(int)
    np.testing.assert_array_equal(_decode_many(dim, UNITS), expected)
    for value in dim.values:
        assert dim.encode(value) == pytest.approx(0.5 * (small.cdf(value - 1) + small.cdf(value)))


def test_bounded_discrete_distribution_within_budget_is_evaluated_as_a_grid():
    # A small bounded law is a grid like randint: evaluated in full, with the
    # usual warning, rather than one value at a time ending on a false
    # "values too rare to draw".
    X, y = make_classification(n_samples=60, random_state=0)
    search = BayesSearchCV(
        DecisionTreeClassifier(random_state=0), {"max_depth": binom(4, 0.5, loc=1)},
        n_iter=10, cv=3, random_state=0,
    )
    with pytest.warns(UserWarning, match="total space of parameters 5 is smaller"):
        search.fit(X, y)
    assert sorted(p["max_depth"] for p in search.cv_results_["params"]) == [1, 2, 3, 4, 5]


def test_rvs_only_draws_count_as_the_configurations_they_decode_to():
    # Floats equal to 12 significant digits are one configuration; integers
    # beyond any float (2**70) are finite numbers like any other.
    near = _Draws(lambda rng: float(rng.choice([0.1, 0.1 + 1e-15, 0.5])))
    space = Space({"p": near}, np.random.RandomState(0))
    assert space.size == len(space.grid()) == 2
    huge = _Draws(lambda rng: 2**70 + int(rng.randint(3)))
    space = Space({"p": huge}, np.random.RandomState(0))
    assert sorted(space.decode(point)["p"] for point in space.grid()) == [2**70, 2**70 + 1, 2**70 + 2]


def test_rvs_only_continuous_draws_leave_the_space_unbounded():
    space = Space({"p": _Draws(lambda rng: float(rng.uniform()))}, np.random.RandomState(0))
    assert space.size is None


def test_rvs_only_non_numbers_become_a_categorical_of_the_values_drawn():
    dim, values = _decoded(_Draws(lambda rng: ("a", "b", "c")[rng.randint(3)]))
    assert dim.is_categorical and sorted(dim.values) == ["a", "b", "c"]
    unhashable, _ = _decoded(_Draws(lambda rng: [int(rng.randint(2))]))
    assert sorted(unhashable.values) == [[0], [1]]


def test_rvs_only_zero_dimensional_arrays_and_non_finite_draws():
    dim, values = _decoded(_Draws(lambda rng: np.array(rng.uniform(1, 2))))
    assert dim.n_levels == 0 and all(type(v) is float and 1 <= v <= 2 for v in values)
    dim, values = _decoded(
        _Draws(lambda rng: float(rng.uniform()) if rng.uniform() < 0.9 else np.inf)
    )
    assert all(0 <= v <= 1 for v in values)
    with pytest.raises(ValueError, match=r"'p'.*every value drawn.*NaN or infinite"):
        _decoded(_Draws(lambda rng: np.nan))


def test_rvs_only_draws_follow_the_seed():
    spec = _Draws(lambda rng: float(rng.uniform()))
    assert _decoded(spec, seed=1)[1] == _decoded(spec, seed=1)[1]
    assert _decoded(spec, seed=1)[1] != _decoded(spec, seed=2)[1]


def test_rvs_that_fails_names_the_parameter():
    class NoRandomState:
        def rvs(self):
            return 1.0

    with pytest.raises(TypeError, match=r"'p'.*rvs\(random_state=\.\.\.\) failed"):
        Space({"p": NoRandomState()})


def test_rvs_rejecting_its_arguments_raises_value_error_naming_the_parameter():
    # scipy's ValueError for invalid arguments, which RandomizedSearchCV lets
    # through: code catching ValueError must still catch it.
    class InvalidArguments:
        def rvs(self, random_state=None):
            raise ValueError("scale must be positive")

    with pytest.raises(ValueError, match=r"'p'.*failed \(ValueError: scale must be positive"):
        Space({"p": InvalidArguments()})


@pytest.mark.parametrize(
    "law, match",
    [
        # scipy's own rvs overflows or fails on these.
        (randint(0, np.inf), r"randint\(0, inf\) has an infinite bound"),
        (randint(0, 2**70), r"cannot compute the support of randint\(0, 1180591620717411303424\)"),
        # Searched as +-inf and NaN values, or as 0 alone, without a word.
        (norm(0, np.inf), r"norm\(0, inf\) has no finite quartiles"),
        (lognorm(np.inf), r"lognorm\(inf\) has no finite quartiles"),
        # Named as written, not as an object at an address.
        (loguniform(2, 1), r"drawing values with loguniform\(2, 1\)\.rvs"),
        (uniform(loc=0, scale=-1), r"uniform\(loc=0, scale=-1\)\.rvs"),
    ],
)
def test_unusable_scipy_laws_are_value_errors_naming_the_law(law, match):
    with pytest.raises(ValueError, match=r"Parameter 'p': .*" + match):
        Space({"p": law})


@pytest.mark.parametrize("bad", [[], "abc", 3, [{"a": [1]}, 3]])
def test_bad_param_distributions_container(bad):
    with pytest.raises((ValueError, TypeError), match="param_distributions|empty list"):
        Space(bad)


def test_empty_dict_is_one_configuration():
    space = Space({})
    assert space.size == 1
    assert [space.decode(p) for p in space.grid()] == [{}]
    assert [space.decode(p) for p in space.initial_design(5, np.random.RandomState(0))] == [{}]


def test_space_size_of_finite_and_infinite_spaces():
    assert Space({"a": [1, 2, 3], "b": ["x", "y"]}).size == 6
    assert Space([{"a": [1, 2]}, {"b": Integer(1, 10)}]).size == 12
    assert Space({"a": [1, 2], "c": Real(0, 1)}).size is None


def test_size_of_a_wide_integer_range_is_not_listed(monkeypatch):
    # randint(0, 10**8) is a common seed-like range; listing it took gigabytes.
    space = Space({"seed": randint(0, 10**8), "depth": Integer(1, 10**7)})
    monkeypatch.setattr(type(space.subspaces[0].dimensions[0]), "values", property(
        lambda self: pytest.fail("the integer range was listed")))
    assert space.size == 10**8 * 10**7


def test_grid_matches_parameter_grid_order():
    distributions = [{"kernel": ["rbf"], "C": [10, 1, 0.1]}, {"kernel": ["poly"], "degree": [2, 3]}]
    space = Space(distributions)
    decoded = [space.decode(p) for p in space.grid()]
    assert decoded == list(ParameterGrid(distributions))


def test_is_grid_only_when_every_parameter_is_a_list():
    assert Space([{"a": [1, 2]}, {"b": np.array(["x", "y"])}]).is_grid
    for distribution in (randint(0, 3), Integer(0, 2), Categorical(["x", "y"])):
        assert not Space([{"a": [1, 2]}, {"b": distribution}]).is_grid


@pytest.mark.parametrize("n", [1, 3, 5])
def test_initial_design_of_lists_matches_parameter_sampler(n):
    distributions = {"vect__ngram_range": ((1, 1), (1, 2)), "vect__norm": ("l1", "l2"), "a": [1, 2]}
    space = Space(distributions)
    ours = [space.decode(p) for p in space.initial_design(n, np.random.RandomState(0))]
    theirs = list(ParameterSampler(distributions, n, random_state=0))
    assert ours == theirs


def test_initial_design_of_a_grid_beyond_int64_is_space_filling():
    # 10**20 points: scikit-learn's sampler (and RandomizedSearchCV) overflows.
    space = Space({f"p{i}": list(range(10)) for i in range(20)})
    points = [space.decode(p) for p in space.initial_design(8, np.random.RandomState(0))]
    assert len({tuple(sorted(p.items())) for p in points}) == 8
    assert all(set(p) == {f"p{i}" for i in range(20)} for p in points)
    assert all(type(v) is int and 0 <= v < 10 for p in points for v in p.values())


def test_initial_design_of_a_huge_grid_matches_parameter_sampler(monkeypatch):
    # 10**12 configurations: the design must index the grid, never list it.
    distributions = [
        {f"p{i}": list(range(10)) for i in range(12)},
        {"q": ["a", "b"]},
    ]
    space = Space(distributions)
    monkeypatch.setattr(Space, "grid", lambda self: pytest.fail("the grid was listed"))
    ours = [space.decode(p) for p in space.initial_design(6, np.random.RandomState(0))]
    theirs = list(ParameterSampler(distributions, 6, random_state=0))
    assert ours == theirs


def test_keys_name_parameters_and_values_not_sub_spaces():
    weights = {0: 1, 1: 5}
    space = Space(
        [
            {"C": [1, 10], "kernel": ["rbf"], "class_weight": [weights]},
            {"C": Integer(1, 10), "kernel": ["rbf", "poly"], "class_weight": [weights]},
            {"C": [1.0], "kernel": ["rbf"], "class_weight": [weights]},
            {"C": [1], "kernel": ["rbf"]},
        ]
    )

    def key(index, params):
        return space.key((index, space.subspaces[index].encode(params)))

    params = {"C": 1, "kernel": "rbf", "class_weight": weights}
    assert key(0, params) == key(1, params)  # the same configuration twice
    assert key(0, params) != key(2, {**params, "C": 1.0})  # 1.0 is not 1 to sklearn
    assert key(0, params) != key(3, {"C": 1, "kernel": "rbf"})  # fewer parameters


def test_initial_design_is_distinct_spread_and_covers_subspaces():
    space = Space(
        [{"kernel": ["rbf"], "C": Real(1e-3, 1e3, "log-uniform")}, {"kernel": ["poly"], "degree": [2, 3]}]
    )
    points = space.initial_design(10, np.random.RandomState(0))
    keys = [space.key(p) for p in points]
    assert len(points) == 10 and len(set(keys)) == 10
    assert sum(p[0] == 1 for p in points) == 2  # the small sub-space is exhausted
    logs = sorted(np.log10(space.decode(p)["C"]) for p in points if p[0] == 0)
    assert logs[0] < -1.5 and logs[-1] > 1.5  # Sobol spreads over the range


def test_initial_design_of_overlapping_grids_replaces_the_shared_copies():
    # Six grid points, five distinct configurations (3 is in both sub-spaces).
    space = Space([{"a": [1, 2, 3]}, {"a": [3, 4, 5]}])
    for seed in range(10):
        points = space.initial_design(5, np.random.RandomState(seed))
        assert sorted(space.decode(p)["a"] for p in points) == [1, 2, 3, 4, 5]


def test_initial_design_of_a_small_discrete_space_refills_merged_sobol_points():
    space = Space({"a": Categorical(["x", "y", "z"]), "b": Categorical([1, 2])})
    for seed in range(10):
        points = space.initial_design(6, np.random.RandomState(seed))
        assert len({space.key(p) for p in points}) == 6


def test_initial_design_shares_the_odd_points_among_sub_spaces_at_random():
    # Four points, three sub-spaces: which one gets two changes with the seed.
    space = Space([{"a": Real(0, 1)}, {"b": Real(0, 1)}, {"c": Real(0, 1)}])
    favoured = set()
    for seed in range(10):
        counts = np.bincount(
            [i for i, _ in space.initial_design(4, np.random.RandomState(seed))], minlength=3
        )
        assert sorted(counts) == [1, 1, 2]
        favoured.add(int(np.argmax(counts)))
    assert len(favoured) > 1


def test_initial_design_is_reproducible():
    space = Space({"a": Real(0, 1), "b": Integer(1, 5), "c": ["x", "y"]})
    first = space.initial_design(8, np.random.RandomState(3))
    second = space.initial_design(8, np.random.RandomState(3))
    assert [space.key(p) for p in first] == [space.key(p) for p in second]


def test_sample_snaps_discrete_coordinates_and_stays_in_cube():
    sub = Space({"a": Real(0, 1), "b": Integer(1, 4), "c": ["x", "y", "z"]}).subspaces[0]
    units = sub.sample(64, np.random.RandomState(0), method="sobol")
    assert units.shape == (64, 3) and units.min() >= 0 and units.max() <= 1
    assert set(np.round(units[:, 1] * 4 - 0.5, 9)) <= {0, 1, 2, 3}  # names sort: a, b, c
    assert set(np.round(units[:, 2] * 3 - 0.5, 9)) <= {0, 1, 2}


def test_keys_identify_configurations():
    space = Space({"a": Integer(1, 4), "b": ["x", "y"]})
    point = (0, np.array([0.30, 0.2]))
    same = (0, np.array([0.26, 0.4]))  # same bins
    other = (0, np.array([0.55, 0.2]))
    assert space.key(point) == space.key(same) != space.key(other)
    hash(space.key(point))


def test_real_values_are_one_configuration_to_twelve_significant_digits():
    space = Space({"x": Real(1.0, 1.0 + 1e-11)})
    assert space.key((0, [0.0])) != space.key((0, [1.0]))  # 1.0 and 1.00000000001
    close = Space({"x": Real(1.0, 1.0 + 1e-13)})
    assert close.key((0, [0.0])) == close.key((0, [1.0]))


def test_random_points_come_from_every_sub_space():
    space = Space([{"a": Real(0, 1)}, {"b": Real(0, 1)}, {"c": Real(0, 1)}])
    rng = np.random.RandomState(0)
    counts = np.bincount([space.random_point(rng)[0] for _ in range(300)], minlength=3)
    assert counts.min() > 60


def test_categoricals_with_more_choices_are_not_equal():
    assert Categorical([1, 2]) != Categorical([1, 2, 3])


def test_keys_stay_right_when_the_key_cache_is_full(monkeypatch):
    import skhptune._space as space_module

    monkeypatch.setattr(space_module, "_MAX_CACHED_KEYS", 3)
    space = Space({"a": Real(0, 1), "b": ["x", "y"]})
    rng = np.random.RandomState(0)
    points = [space.random_point(rng) for _ in range(10)]
    first = [space.key(p) for p in points]
    assert len(space.subspaces[0]._keys) <= 3
    # Asked again (cached or not), every key is the same as the first time.
    assert [space.key(p) for p in points] == first
    fresh = Space({"a": Real(0, 1), "b": ["x", "y"]})
    assert first == [fresh.key(p) for p in points]
    assert len(set(first)) == 10


def test_a_full_key_cache_forgets_its_older_half(monkeypatch):
    # A long search asks for the keys of many points it never sees again
    # (screened-out children): the cache stays bounded, recent points stay in it.
    import skhptune._space as space_module

    monkeypatch.setattr(space_module, "_MAX_CACHED_KEYS", 4)
    space = Space({"a": Real(0, 1), "b": Real(0, 1)})
    points = [space.random_point(np.random.RandomState(seed)) for seed in range(5)]
    for point in points:
        space.key(point)
    cached = space.subspaces[0]._keys
    assert list(cached) == [np.asarray(unit, dtype=float).tobytes() for _, unit in points[2:]]


def test_dimensions_repr_equality_pickle_and_clone():
    dims = [Real(0.1, 1, prior="log-uniform"), Integer(1, 5), Categorical(["a", None])]
    assert repr(dims[0]) == "Real(low=0.1, high=1, prior='log-uniform')"
    for dim in dims:
        assert pickle.loads(pickle.dumps(dim)) == dim
    assert Real(0, 1) != Real(0, 2) and Real(0, 1) != Integer(0, 1)
    # Equal dimensions hash alike, so sets and dict keys treat them as one.
    assert Real(1, 2) == Real(1.0, 2.0) and hash(Real(1, 2)) == hash(Real(1.0, 2.0))
    assert len({Integer(1, 5), Integer(1.0, 5.0), Integer(1, 6)}) == 2
    # Choices are passed on as they are: 1 and 1.0 are different max_features.
    assert Categorical([1, "a"]) == Categorical([1, "a"])
    assert Categorical([1, 2]) != Categorical([1.0, 2.0])
    assert Categorical([True]) != Categorical([1])
    assert Categorical([1, 2.0]) == Categorical(np.array([1, 2.0], dtype=object))
    assert Categorical([1.0]) == Categorical([np.float64(1.0)])
    search = RandomizedSearchCV(SVC(), {"C": dims[0]})
    assert clone(search).get_params()["param_distributions"]["C"] == dims[0]


def test_dimensions_work_in_randomized_search_cv():
    """The public dimensions have rvs, so sklearn's own searches accept them."""
    sampler = ParameterSampler(
        {"C": Real(1e-2, 1e2, "log-uniform"), "n": Integer(1, 3), "k": Categorical(["a", "b"])},
        n_iter=20,
        random_state=0,
    )
    samples = list(sampler)
    assert all(1e-2 <= s["C"] <= 1e2 and s["n"] in (1, 2, 3) and s["k"] in "ab" for s in samples)
    assert Real(0, 1).rvs(5, random_state=0) == Real(0, 1).rvs(5, random_state=0)


def test_grid_lists_a_configuration_of_overlapping_sub_spaces_once():
    space = Space([{"kernel": ["rbf"], "C": [1, 10]}, {"kernel": ["rbf", "linear"], "C": [1]}])
    params = [space.decode(point) for point in space.grid()]
    assert params == [
        {"C": 1, "kernel": "rbf"}, {"C": 10, "kernel": "rbf"}, {"C": 1, "kernel": "linear"}
    ]
    assert space.size == 4  # counted as ParameterGrid counts it


@pytest.mark.parametrize(
    "value, copy",
    [
        ({0: 1, 1: 2}, {1: 2, 0: 1}),  # dicts equal in any order
        ([0.3, 0.7], [0.3, 0.7]),  # priors
        (np.array([0.3, 0.7]), np.array([0.3, 0.7])),
        ([{0, 1}, {2}], [{1, 0}, {2}]),  # interaction_cst
        (np.array(["a", "b"], dtype=object), np.array(["a", "b"], dtype=object)),
    ],
)
def test_equal_unhashable_values_of_overlapping_sub_spaces_are_one_configuration(value, copy):
    space = Space([{"C": [1], "w": [value]}, {"C": [1, 2], "w": [copy]}])
    assert len(space.grid()) == 2
    assert space.fits_in(2) and not space.fits_in(1)
    other = copy.copy()
    other[1] = {3} if isinstance(other[1], set) else 3
    assert len(Space([{"C": [1], "w": [value]}, {"C": [1], "w": [other]}]).grid()) == 2
    # Within one list too: the count and the grid agree.
    merged = Space({"w": [value, copy]})
    assert merged.size == len(merged.grid()) == 1


def test_nan_is_one_value_wherever_it_appears():
    # Each NaN object hashes apart: a key per object would count one value
    # twice, and never recognise a configuration evaluated before.
    assert parse_dimension("m", [np.nan, float("nan"), np.float64("nan")]).n_levels == 1
    listed = [np.float64("nan")]
    space = Space({"w": [listed, listed], "C": [1]})
    assert space.size == len(space.grid()) == 1
    point = space.grid()[0]
    assert space.key(point) == space.key(point)


def test_a_value_that_holds_itself_is_known_by_the_object():
    looped = [1]
    looped.append(looped)
    assert len(Space({"w": [looped, [1, 2]]}).grid()) == 2


def test_numpy_scalars_are_the_python_values_they_hold():
    # np.logspace in one sub-space, a plain list in the other: same values.
    space = Space([{"C": np.array([1.0, 10.0])}, {"C": [1.0, 10.0, 100.0]}])
    assert [space.decode(point) for point in space.grid()] == [
        {"C": 1.0}, {"C": 10.0}, {"C": 100.0}
    ]
    assert space.fits_in(3) and not space.fits_in(2)
    assert parse_dimension("C", [np.float64(1.0), 1.0, np.int64(1)]).values == [1.0, 1]


def test_fits_in_counts_configurations_of_overlapping_sub_spaces_once():
    overlapping = Space([{"C": [1, 2, 3, 4]}, {"C": [2, 3, 4, 5]}])
    assert overlapping.fits_in(5) and not overlapping.fits_in(4)
    apart = Space([{"C": [1, 2, 3, 4]}, {"gamma": [2, 3, 4, 5]}])
    assert apart.fits_in(8) and not apart.fits_in(7)
    assert not Space({"C": Real(0, 1)}).fits_in(10**6)


def test_distinct_size_counts_shared_configurations_once_up_to_its_bound():
    overlapping = Space([{"C": [1, 2, 3, 4]}, {"C": [2, 3, 4, 5]}])
    assert overlapping.size == 8 and overlapping.distinct_size(10) == 5
    # A sub-space larger than the bound is not listed: the size stands in.
    assert overlapping.distinct_size(3) == 8
    assert Space([{"C": [1, 2]}, {"gamma": [1, 2]}]).distinct_size(10) == 4
    assert Space({"C": Real(0, 1)}).distinct_size(10) is None


def _skopt_dimension(kind, **attributes):
    """An object of scikit-optimize's class ``kind`` (not a dependency): its
    ``rvs`` returns lists, as scikit-optimize's do."""
    cls = type(kind, (), {
        "__module__": "skopt.space.space",
        "rvs": lambda self, n_samples=1, random_state=None: [0.5] * n_samples,
        "__repr__": lambda self: f"{kind}(...)",
    })
    dimension = cls()
    dimension.__dict__.update(attributes)
    return dimension


def test_scikit_optimize_dimensions_are_read_as_ours():
    # Code moved from scikit-optimize may keep its imports of skopt.space.
    theirs = {
        "C": _skopt_dimension("Real", low=1e-3, high=1e3, prior="log-uniform"),
        "max_iter": _skopt_dimension("Integer", low=50, high=200, prior="uniform"),
        "fit_intercept": _skopt_dimension("Categorical", categories=(True, False), prior=None),
    }
    ours = {
        "C": Real(1e-3, 1e3, prior="log-uniform"),
        "max_iter": Integer(50, 200),
        "fit_intercept": Categorical([True, False]),
    }
    assert _searched(theirs) == _searched(ours)


def _searched(space):
    """The configurations a short BayesSearchCV evaluates over ``space``."""
    X, y = make_classification(60, 4, random_state=0)
    search = BayesSearchCV(LogisticRegression(), space, n_iter=6, cv=2, random_state=0)
    return search.fit(X, y).cv_results_["params"]


@pytest.mark.parametrize(
    "dimension",
    [
        _skopt_dimension("Categorical", categories=("a", "b"), prior=[0.9, 0.1]),
        _skopt_dimension("Space"),
    ],
)
def test_scikit_optimize_dimensions_without_counterpart_are_named(dimension):
    with pytest.raises(TypeError, match="scikit-optimize's .* has no counterpart"):
        parse_dimension("p", dimension)


@pytest.mark.parametrize(
    "spec, replacement",
    [
        ((1e-6, 10.0, "log-uniform"), "Real(1e-06, 10.0, prior='log-uniform')"),
        ((1, 5, "uniform"), "Integer(1, 5, prior='uniform')"),
        # With the base of the log, as scikit-optimize also reads them.
        ((1e-3, 1e3, "log-uniform", 10), "Real(0.001, 1000.0, prior='log-uniform')"),
    ],
)
def test_scikit_optimize_range_tuples_name_the_dimension_to_write(spec, replacement):
    with pytest.raises(ValueError, match=re.escape(replacement)):
        parse_dimension("p", spec)
    # Any other tuple is a list of choices, as in scikit-learn's searches.
    assert parse_dimension("p", (1, 5, "auto")).n_levels == 3


def _genetic_opt_dimension(kind, **attributes):
    """An object of sklearn-genetic-opt's class ``kind`` (not a dependency): its
    ``rvs`` is a scipy law's unbound one, which draws from [0, 1] unless given
    the bounds, as sklearn-genetic-opt's are."""
    cls = type(kind, (), {"__module__": "sklearn_genetic.space.space", "rvs": uniform.rvs})
    dimension = cls()
    dimension.__dict__.update(attributes)
    return dimension


def test_sklearn_genetic_opt_dimensions_are_read_as_ours():
    # Their rvs ignored the bounds: C was searched in [0, 1], not [10, 100].
    theirs = {
        "C": _genetic_opt_dimension("Continuous", lower=10, upper=100, distribution="uniform"),
        "tol": _genetic_opt_dimension(
            "Continuous", lower=1e-5, upper=1e-2, distribution="log-uniform"
        ),
        "max_iter": _genetic_opt_dimension("Integer", lower=50, upper=200, distribution="uniform"),
        "fit_intercept": _genetic_opt_dimension("Categorical", choices=[True, False], priors=None),
    }
    ours = {
        "C": Real(10, 100),
        "tol": Real(1e-5, 1e-2, prior="log-uniform"),
        "max_iter": Integer(50, 200),
        "fit_intercept": Categorical([True, False]),
    }
    assert _searched(theirs) == _searched(ours)


def test_sklearn_genetic_opt_categorical_with_priors_is_named():
    weighted = _genetic_opt_dimension("Categorical", choices=["a", "b"], priors=[0.9, 0.1])
    with pytest.raises(TypeError, match=r"sklearn-genetic-opt's Categorical with priors \[0.9"):
        parse_dimension("p", weighted)
