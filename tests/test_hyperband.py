"""Hyperband: the integer schedule, subsampling, promotions and HyperbandSearchCV."""

import json
import math
import os
import pickle
import re
import subprocess
import sys
import warnings
from types import SimpleNamespace

import numpy as np
import pytest
import sklearn
from scipy.stats import randint
from sklearn.base import BaseEstimator
from sklearn.calibration import CalibratedClassifierCV
from sklearn.datasets import load_iris, make_blobs, make_classification
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.model_selection import (
    GroupKFold, KFold, ParameterGrid, PredefinedSplit, RandomizedSearchCV, StratifiedKFold,
    check_cv,
)
from sklearn.model_selection._search import BaseSearchCV
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.fixes import parse_version

import skhptune._hyperband
from skhptune._base import SearchRunner
from skhptune._hyperband import (
    HyperbandSearchCV,
    HyperbandStrategy,
    SubsampledCV,
    hyperband_schedule,
    integer_log,
    integer_root,
    resource_levels,
    search_schedule,
    select_promoted,
    splits_by_group,
    subsample_training_fold,
)
from skhptune._space import Space
from skhptune.space import Categorical, Integer, Real

X_iris, y_iris = load_iris(return_X_y=True)


class Toy(BaseEstimator):
    """Instant estimator: scores peak at ``a = 0.7``, grow with ``budget``.

    Fails to fit for ``a < fail_below``; records its training size.
    """

    def __init__(self, a=0.0, budget=1, fail_below=None):
        self.a = a
        self.budget = budget
        self.fail_below = fail_below

    def fit(self, X, y=None):
        if self.fail_below is not None and self.a < self.fail_below:
            raise ValueError("failing on purpose")
        self.n_fit_ = len(X)
        return self

    def predict(self, X):
        return np.zeros(len(X))

    def score(self, X, y=None):
        return -((self.a - 0.7) ** 2) - 1.0 / self.budget


def _fits(estimator, X, y=None):
    return estimator.n_fit_


def _tests(estimator, X, y=None):
    return len(X)


# --- schedule -------------------------------------------------------------------


@pytest.mark.parametrize(
    "n, base, expected",
    [(1, 3, 0), (2, 3, 0), (3, 3, 1), (80, 3, 3), (81, 3, 4), (242, 3, 4), (243, 3, 5),
     (728, 3, 5), (729, 3, 6), (3**40, 3, 40), (3**40 - 1, 3, 39)],
)
def test_integer_log_is_exact(n, base, expected):
    assert integer_log(n, base) == expected


def test_integer_log_where_float_log_is_wrong():
    # The budgets a float schedule gets one bracket short on.
    assert math.log(243, 3) < 5
    assert int(math.log(243, 3)) == 4
    assert integer_log(243, 3) == 5
    for k in range(1, 64):
        assert integer_log(2**k, 2) == k
        assert integer_log(2**k - 1, 2) == k - 1
        assert integer_log(3**k, 3) == k


def test_integer_root_is_exact():
    for k in range(1, 8):
        for r in [1, 2, 3, 10, 99, 3**20]:
            assert integer_root(r**k, k) == r
            assert integer_root(r**k - 1, k) == r - 1
    assert integer_root(0, 3) == 0


@pytest.mark.parametrize(
    "min_resource, max_resource, eta, expected",
    [
        (1, 81, 3, [1, 3, 9, 27, 81]),
        (1, 243, 3, [1, 3, 9, 27, 81, 243]),
        (3, 243, 3, [3, 9, 27, 81, 243]),
        (1, 729, 3, [1, 3, 9, 27, 81, 243, 729]),
        (1, 1024, 2, [2**k for k in range(11)]),
        (5, 640, 2, [5 * 2**k for k in range(8)]),
        (1, 80, 3, [1, 4, 18, 80]),
        (30, 100, 2, [30, 100]),
        (10, 29, 3, [29]),
        (7, 7, 2, [7]),
    ],
)
def test_resource_levels(min_resource, max_resource, eta, expected):
    assert resource_levels(min_resource, max_resource, eta) == expected


@pytest.mark.parametrize(
    "min_resource, max_resource, eta", [(1, 1000, 3), (7, 10**6, 4), (3, 50, 2)]
)
def test_resource_levels_run_from_min_to_max_by_at_least_eta(
    min_resource, max_resource, eta
):
    levels = resource_levels(min_resource, max_resource, eta)
    assert levels[0] == min_resource and levels[-1] == max_resource
    assert all(b >= eta * a for a, b in zip(levels, levels[1:]))
    assert min_resource * eta ** len(levels) > max_resource  # no level missing


def test_textbook_schedule():
    # Li et al. 2018, Table 1: R = 81, eta = 3.
    assert hyperband_schedule(1, 81, 3) == [
        [(81, 1), (27, 3), (9, 9), (3, 27), (1, 81)],
        [(34, 3), (11, 9), (3, 27), (1, 81)],
        [(15, 9), (5, 27), (1, 81)],
        [(8, 27), (2, 81)],
        [(5, 81)],
    ]
    assert sum(bracket[0][0] for bracket in hyperband_schedule(1, 81, 3)) == 143


@pytest.mark.parametrize(
    "max_resource, eta, n_brackets",
    [(243, 3, 6), (729, 3, 7), (2**10, 2, 11), (2**16, 2, 17), (4**5, 4, 6)],
)
def test_schedule_has_every_bracket_for_exact_powers(max_resource, eta, n_brackets):
    schedule = hyperband_schedule(1, max_resource, eta)
    assert len(schedule) == n_brackets
    s_max = n_brackets - 1
    assert schedule[0][0] == (eta**s_max, 1)
    for s, bracket in zip(range(s_max, -1, -1), schedule):
        assert len(bracket) == s + 1
        assert bracket[-1][1] == max_resource
        assert bracket[0][0] == -(-(s_max + 1) * eta**s // (s + 1))
        assert [n for n, _ in bracket] == [bracket[0][0] // eta**i for i in range(s + 1)]


def test_n_brackets_keeps_the_most_aggressive():
    full = hyperband_schedule(1, 81, 3)
    assert hyperband_schedule(1, 81, 3, n_brackets=1) == full[:1]
    assert hyperband_schedule(1, 81, 3, n_brackets=2) == full[:2]
    assert hyperband_schedule(1, 81, 3, n_brackets=10) == full
    halving = hyperband_schedule(16, 1000, 2, n_brackets=1)
    assert halving[0][0][1] == 16 and halving[0][-1][1] == 1000


def test_schedule_never_asks_more_configurations_than_the_space():
    schedule = hyperband_schedule(1, 81, 3, max_configs=6)
    assert schedule[0] == [(6, 1), (2, 3), (1, 9), (1, 27), (1, 81)]
    assert all(n <= 6 for bracket in schedule for n, _ in bracket)


def test_single_level_when_no_room_to_halve():
    assert hyperband_schedule(20, 50, 3) == [[(1, 50)]]


@pytest.mark.parametrize(
    "args, match",
    [((0, 10, 3), "min_resource"), ((5, 4, 3), "must not exceed"), ((1, 10, 1), "eta"),
     ((1.5, 10, 3), "integer")],
)
def test_schedule_rejects_bad_arguments(args, match):
    with pytest.raises((ValueError, TypeError), match=match):
        hyperband_schedule(*args)


def _unbounded(at_most):
    return None


def _sized(n):
    return lambda at_most: n


@pytest.mark.parametrize(
    "args, levels, schedule",
    [
        # An unbounded space: Hyperband's own schedule.
        ((1, 81, 3, None, _unbounded, False), [1, 3, 9, 27, 81],
         hyperband_schedule(1, 81, 3)),
        # One level: the default range's full-resource bracket (5), or the
        # first rung a grid would have had (at most 3**4).
        ((9, 9, 3, None, _unbounded, False), [9], [[(5, 9)]]),
        ((9, 9, 3, None, _sized(100), True), [9], [[(81, 9)]]),
        # A grid starts the most aggressive bracket whole.
        ((1, 9, 3, None, _sized(50), True), [1, 3, 9],
         [[(50, 1), (16, 3), (5, 9)], [(5, 3), (1, 9)], [(3, 9)]]),
        # The whole space at max_resource costs no more than the brackets.
        ((1, 81, 3, None, _sized(4), True), [81], [[(4, 81)]]),
        ((9, 9, 3, None, _sized(30), True), [9], [[(30, 9)]]),
        # Exactly as costly whole (6 configurations at 3) as the brackets.
        ((1, 3, 3, None, _sized(6), True), [3], [[(6, 3)]]),
    ],
)
def test_search_schedule_adapts_hyperband_to_the_space(args, levels, schedule):
    assert search_schedule(*args)[:2] == (levels, schedule)


def test_select_promoted_never_puts_nan_ahead_of_finite():
    scores = [np.nan, 0.2, np.nan, 0.9, -np.inf, 0.2]
    assert list(select_promoted(scores, 2)) == [1, 3]
    assert list(select_promoted(scores, 4)) == [1, 3, 4, 5]  # -inf is a score, NaN is not
    assert list(select_promoted(scores, 5)) == [0, 1, 3, 4, 5]
    assert list(select_promoted([np.nan, np.nan], 1)) == [0]


# --- subsampling ----------------------------------------------------------------


_ON_ANOTHER_DEVICE = """
import json, numpy as np, array_api_strict as xp
from scipy.stats import loguniform
from sklearn import config_context
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.model_selection import GroupKFold
from skhptune import HyperbandSearchCV
rng = np.random.RandomState(0)
X = rng.normal(size=(300, 5))
y = (X[:, 0] + rng.normal(size=300) > 0).astype(int)
groups = np.arange(300) // 10
folds = list(GroupKFold(3).split(X, y, groups))

class GroupFolds:  # GroupKFold's folds; splitters from outside scikit-learn keep groups whole
    def split(self, X, y=None, groups=None):
        return iter(folds)

    def get_n_splits(self, X=None, y=None, groups=None):
        return len(folds)

out = []
for on_device in (True, False):
    arrays = [xp.asarray(a, device=xp.Device("device1")) if on_device else a for a in (X, y, groups)]
    for cv, fit_params in ((3, {}), (GroupFolds(), {"groups": arrays[2]})):
        with config_context(array_api_dispatch=on_device):
            search = HyperbandSearchCV(
                LinearDiscriminantAnalysis(), {"tol": loguniform(1e-6, 1e-1)},
                cv=cv, random_state=0, error_score="raise",
            ).fit(*arrays[:2], **fit_params)
        out.append([search.n_resources_, search.cv_results_["mean_test_score"].tolist()])
print(json.dumps(out))
"""


@pytest.mark.skipif(
    parse_version(sklearn.__version__) < parse_version("1.7"),
    # 1.6's own StratifiedKFold cannot read labels on another device either.
    reason="splitting arrays on another array API device needs scikit-learn >= 1.7",
)
def test_subsampling_reads_labels_on_another_array_api_device():
    # Under array API dispatch, y and groups may sit on a device NumPy cannot
    # read; stratified and grouped subsamples need them as NumPy labels.
    pytest.importorskip("array_api_strict")
    env = {**os.environ, "SCIPY_ARRAY_API": "1"}  # read when scipy is imported
    result = subprocess.run(
        [sys.executable, "-c", _ON_ANOTHER_DEVICE], capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stderr[-3000:]
    stratified, grouped, numpy_stratified, numpy_grouped = json.loads(result.stdout)
    assert len(stratified[0]) > 1 and len(grouped[0]) > 1  # the folds were subsampled
    assert stratified == numpy_stratified and grouped == numpy_grouped


def test_stratified_subsample_keeps_class_proportions_and_is_nested():
    y = np.repeat([0, 1, 2], [60, 30, 10])
    train = np.arange(100)
    previous = np.array([], dtype=int)
    for n in [3, 10, 20, 50, 99]:
        sub = subsample_training_fold(train, n, np.random.RandomState(0), y=y)
        assert len(sub) == n
        counts = np.bincount(y[sub], minlength=3)
        assert np.all(counts >= 1)
        if n * 0.1 >= 5:  # below, the rare class gets five first
            assert np.all(np.abs(counts - n * np.array([0.6, 0.3, 0.1])) <= 1)
        assert set(previous) <= set(sub)
        previous = sub


@pytest.mark.parametrize("counts", [[95, 5], [300, 40, 7], [3, 50], [1000, 12, 6]])
def test_stratified_subsample_holds_five_of_every_class_once_it_has_room(counts):
    # In proportion, a 5% class gets one sample in 20: too few for an estimator
    # with an internal 5-fold cross-validation.
    y = np.repeat(np.arange(len(counts)), counts)
    train = np.arange(len(y))
    need = np.minimum(5, counts)
    previous = np.array([], dtype=int)
    for n in [len(counts), 5 * len(counts), 5 * len(counts) + 7, len(y) // 2]:
        sub = subsample_training_fold(train, n, np.random.RandomState(0), y=y)
        held = np.bincount(y[sub], minlength=len(counts))
        assert np.all(held >= 1)
        if n >= 5 * len(counts):
            assert np.all(held >= need)
        assert set(previous) <= set(sub)
        previous = sub


def test_stratified_subsample_is_proportional_where_every_class_has_five():
    # Moving the first five of each class ahead changes nothing then.
    y = np.repeat([0, 1, 2], [300, 150, 50])
    train = np.arange(500)
    for n in [100, 250]:
        sub = subsample_training_fold(train, n, np.random.RandomState(0), y=y)
        counts = np.bincount(y[sub], minlength=3)
        assert np.all(np.abs(counts - n * np.array([0.6, 0.3, 0.1])) <= 1)


def test_grouped_subsample_keeps_whole_groups():
    groups = np.repeat(np.arange(10), np.arange(1, 11))  # group g has g + 1 samples
    train = np.flatnonzero(groups != 3)
    sub = subsample_training_fold(train, 20, np.random.RandomState(0), groups=groups)
    # Groups are added until 20 samples are in: at most a group less one more.
    assert 20 <= len(sub) <= 20 + 10 - 1 and set(sub) <= set(train)
    for g in np.unique(groups[sub]):
        assert set(np.flatnonzero(groups == g)) <= set(sub)


def test_grouped_subsample_of_a_classifier_starts_with_every_class():
    # One class per group (a diagnosis per patient): the first groups taken
    # must hold every class, and larger subsamples keep the smaller ones.
    groups = np.repeat(np.arange(30), 5)
    y = (np.arange(30) % 3)[groups]
    train = np.arange(150)
    for seed in range(10):
        previous = np.array([], dtype=int)
        for n in [15, 40, 90]:
            sub = subsample_training_fold(train, n, np.random.RandomState(seed), y=y, groups=groups)
            assert set(y[sub]) == {0, 1, 2}
            assert set(previous) <= set(sub)
            previous = sub
        smallest = subsample_training_fold(train, 15, np.random.RandomState(seed), y=y, groups=groups)
        assert len(smallest) == 15  # three groups, one of each class


def test_grouped_subsample_order_is_random_when_every_group_holds_every_class():
    groups = np.repeat(np.arange(10), 6)
    y = np.tile([0, 1, 2], 20)
    train = np.arange(60)
    with_y = subsample_training_fold(train, 20, np.random.RandomState(3), y=y, groups=groups)
    without = subsample_training_fold(train, 20, np.random.RandomState(3), groups=groups)
    np.testing.assert_array_equal(with_y, without)


@pytest.mark.parametrize(
    "group_size, n_groups, n_classes, min_resource",
    [
        # Two groups of one class each made the first level of 20 samples: a
        # fold with one class only, so every fit of the first rung failed.
        (10, 40, 2, 20),
        # Groups of 30, one class each: the default holds one group per class.
        (30, 30, 3, 90),
    ],
)
def test_single_class_groups_give_every_class_to_the_first_rung(
    group_size, n_groups, n_classes, min_resource
):
    rng = np.random.RandomState(0)
    groups = np.repeat(np.arange(n_groups), group_size)
    y = (np.arange(n_groups) % n_classes)[groups]
    X = rng.randn(len(y), 4) + y[:, None]
    search = HyperbandSearchCV(
        LogisticRegression(), {"C": Real(1e-2, 1e2, prior="log-uniform")}, cv=GroupKFold(3),
        random_state=0,
    ).fit(X, y, groups=groups)
    assert search.min_resource_ == min_resource
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))


def test_subsampled_cv_changes_training_folds_only():
    X, y = make_classification(n_samples=90, weights=[0.7], random_state=0)
    inner = StratifiedKFold(3, shuffle=True, random_state=0)
    folds = SubsampledCV(inner, stratify=True, random_state=1)
    full = list(folds.at(None).split(X, y))
    small = list(folds.at(20).split(X, y))
    reference = inner.split(X, y)
    for (train, test), (sub, sub_test), (ref_train, ref_test) in zip(full, small, reference):
        np.testing.assert_array_equal(test, ref_test)
        np.testing.assert_array_equal(sub_test, ref_test)
        np.testing.assert_array_equal(train, ref_train)
        assert len(sub) == 20 and set(sub) <= set(train)
        assert abs(np.mean(y[sub]) - np.mean(y[train])) <= 1 / 20


def test_subsampled_cv_replays_the_folds_of_a_shuffling_splitter():
    folds = SubsampledCV(KFold(3, shuffle=True))  # no seed: each split() would differ
    first = [test for _, test in folds.at(None).split(X_iris)]
    again = [test for _, test in folds.at(30).split(X_iris)]
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)


def test_subsampled_cv_draws_each_fold_apart_and_follows_its_seed():
    X = np.zeros((60, 1))
    small = list(SubsampledCV(KFold(3), random_state=5).at(10).split(X))
    whole = list(KFold(3).split(X))
    # Positions within each (equal-sized) training fold: a draw of its own per fold.
    positions = [np.searchsorted(train, sub) for (sub, _), (train, _) in zip(small, whole)]
    assert not np.array_equal(positions[0], positions[1])
    assert not np.array_equal(positions[1], positions[2])
    # Another seed, other subsamples; the same seed, the same ones.
    again = list(SubsampledCV(KFold(3), random_state=5).at(10).split(X))
    other = list(SubsampledCV(KFold(3), random_state=6).at(10).split(X))
    assert all(np.array_equal(a, b) for (a, _), (b, _) in zip(small, again))
    assert not all(np.array_equal(a, b) for (a, _), (b, _) in zip(small, other))


# --- HyperbandSearchCV ----------------------------------------------------------


def _rung(results, bracket, rung):
    """Rows of one rung of one bracket."""
    return np.flatnonzero((results["bracket"] == bracket) & (results["iter"] == rung))


def _toy_search(**params):
    params = {"random_state": 0, "cv": 3, **params}
    return HyperbandSearchCV(Toy(), {"a": Real(0, 1)}, **params)


def test_numpy_integer_settings_give_python_ints_in_the_fitted_attributes():
    search = _toy_search(resource="budget", max_resource=np.int64(81), eta=np.int64(3))
    search.fit(np.zeros((30, 1)))
    reference = _toy_search(resource="budget", max_resource=81, eta=3).fit(np.zeros((30, 1)))
    assert search.brackets_ == reference.brackets_
    values = [v for bracket in search.brackets_ for rung in bracket for v in rung]
    values += [search.min_resource_, search.max_resource_]
    assert all(type(v) is int for v in values)


def test_best_so_far_is_taken_at_the_largest_resource_like_best_score(capsys):
    def flattered_by_small_budgets(estimator, X, y=None):
        return -((estimator.a - 0.7) ** 2) + 1.0 / estimator.budget

    search = _toy_search(
        resource="budget", min_resource=1, max_resource=9, scoring=flattered_by_small_budgets,
        verbose=1,
    ).fit(X_iris, y_iris)
    assert search.history_["best_score"][-1] == search.best_score_
    assert np.nanmax(search.cv_results_["mean_test_score"]) > search.best_score_
    last_line = [line for line in capsys.readouterr().out.splitlines() if "best score" in line][-1]
    assert f"best score {search.best_score_:.4g}," in last_line


def test_n_samples_resource_subsamples_training_folds_only():
    X = np.zeros((120, 1))
    search = _toy_search(
        min_resource=8, eta=2, scoring={"fits": _fits, "tests": _tests}, refit="fits"
    ).fit(X)
    results = search.cv_results_
    assert search.n_resources_ == [8, 17, 37, 80] and search.max_resource_ == 80
    np.testing.assert_array_equal(results["mean_test_fits"], results["n_resources"])
    np.testing.assert_array_equal(results["mean_test_tests"], 40)
    assert search.best_estimator_.n_fit_ == 120  # refit on all of X


def test_results_columns_follow_the_schedule():
    search = _toy_search(resource="budget", max_resource=27).fit(np.zeros((30, 1)))
    results = search.cv_results_
    assert search.brackets_ == hyperband_schedule(1, 27, 3)
    assert search.n_resources_ == [1, 3, 9, 27]
    assert sum(search.n_candidates_) == len(results["params"])
    # One evaluate_candidates call per level, smallest first.
    assert np.all(np.diff(results["n_resources"]) >= 0)
    for b, bracket in enumerate(search.brackets_):
        for i, (n, resource) in enumerate(bracket):
            rows = _rung(results, b, i)
            assert len(rows) == n
            assert np.all(results["n_resources"][rows] == resource)
            assert all(results["params"][r]["budget"] == resource for r in rows)
            if i:  # promoted: the best of the previous rung
                a = [results["params"][r]["a"] for r in _rung(results, b, i - 1)]
                kept = sorted(a, key=lambda v: (v - 0.7) ** 2)[:n]
                assert sorted(results["params"][r]["a"] for r in rows) == sorted(kept)


@pytest.mark.parametrize("sampler", ["random", "bayes"])
def test_brackets_run_one_after_another_under_a_time_limit(sampler):
    X = np.zeros((30, 1))
    timed = _toy_search(resource="budget", max_resource=27, max_time=60, sampler=sampler).fit(X)
    results = timed.cv_results_
    # Rows follow the evaluation order: bracket 0 (successive halving) reaches
    # max_resource before bracket 1 starts, and so on.
    order = list(zip(results["bracket"], results["iter"]))
    assert order == sorted(order)
    first = sum(n for n, _ in timed.brackets_[0])
    assert np.all(results["bracket"][:first] == 0) and results["n_resources"][first - 1] == 27
    assert timed.n_resources_ == [1, 3, 9, 27]
    assert timed.n_candidates_ == [len(np.flatnonzero(results["n_resources"] == r)) for r in [1, 3, 9, 27]]
    if sampler == "random":
        # Only the order differs from a search without a time limit.
        untimed = _toy_search(resource="budget", max_resource=27).fit(X).cv_results_
        assert not np.all(np.diff(results["n_resources"]) >= 0)
        rows = lambda r: sorted(  # noqa: E731
            (p["a"], n, s) for p, n, s in zip(r["params"], r["n_resources"], r["mean_test_score"])
        )
        assert rows(results) == rows(untimed)
        # Any real number is a limit, even an int beyond int64.
        huge = _toy_search(resource="budget", max_resource=27, max_time=10**30).fit(X)
        assert list(huge.cv_results_["bracket"]) == list(results["bracket"])


def test_best_index_is_among_the_largest_resource():
    search = _toy_search(resource="budget", max_resource=27).fit(np.zeros((30, 1)))
    results = search.cv_results_
    assert results["n_resources"][search.best_index_] == 27
    top = results["n_resources"] == 27
    assert search.best_score_ == results["mean_test_score"][top].max()
    assert search.best_params_["budget"] == 27 and search.best_estimator_.budget == 27
    # A numpy integer, as GridSearchCV and the halving searches give.
    assert isinstance(search.best_index_, np.integer)


def test_a_search_with_scores_at_max_resource_gives_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        search = _toy_search(resource="budget", max_resource=9).fit(np.zeros((10, 1)))
    assert search.cv_results_["n_resources"][search.best_index_] == 9


@pytest.mark.parametrize("n_brackets", [1, None])
def test_halving_attribute_names_describe_the_levels(n_brackets):
    search = _toy_search(
        resource="budget", min_resource=1, max_resource=27, n_brackets=n_brackets
    ).fit(np.zeros((30, 1)))
    results = search.cv_results_
    assert search.n_iterations_ == len(search.n_resources_) == 4
    assert search.n_possible_iterations_ == search.n_required_iterations_ == 4
    assert (search.min_resources_, search.max_resources_) == (1, 27)
    for level, (resource, n) in enumerate(zip(search.n_resources_, search.n_candidates_)):
        assert np.sum(results["n_resources"] == resource) == n
        if n_brackets == 1:  # one bracket: iter is the level, as in the halving searches
            assert np.all(results["n_resources"][results["iter"] == level] == resource)


def test_n_required_iterations_is_what_halving_searches_mean_by_it():
    # Rounds needed to leave fewer than eta candidates: a grid started whole
    # (60 points on 3 levels) needs 4, more than the levels, which code written
    # for the halving searches checks; it was always the number of levels.
    from sklearn.experimental import enable_halving_search_cv  # noqa: F401
    from sklearn.model_selection import HalvingGridSearchCV

    X_, y_ = make_classification(n_samples=300, random_state=0)
    grid = {"C": list(np.logspace(-3, 3, 60))}
    halving = HalvingGridSearchCV(
        LogisticRegression(), grid, factor=3, min_resources=20, max_resources=180, cv=3
    ).fit(X_, y_)
    search = HyperbandSearchCV(
        LogisticRegression(), grid, eta=3, min_resource=20, max_resource=180, n_brackets=1,
        cv=3, random_state=0,
    ).fit(X_, y_)
    assert search.n_resources_ == halving.n_resources_
    assert search.n_candidates_[0] == halving.n_candidates_[0] == 60
    assert search.n_possible_iterations_ == halving.n_possible_iterations_ == 3
    assert search.n_required_iterations_ == halving.n_required_iterations_ == 4


def test_resource_parameter_inside_a_pipeline():
    pipe = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())])
    search = HyperbandSearchCV(
        pipe,
        {"clf__C": Real(1e-2, 1e2, prior="log-uniform")},
        resource="clf__max_iter",
        min_resource=10,
        max_resource=50,
        eta=5,
        cv=3,
        random_state=0,
    )
    with pytest.warns(Warning):  # few iterations do not converge
        search.fit(X_iris, y_iris)
    results = search.cv_results_
    for params, resource in zip(results["params"], results["n_resources"]):
        assert params["clf__max_iter"] == resource
    assert search.best_params_["clf__max_iter"] == 50
    assert search.best_estimator_.named_steps["clf"].max_iter == 50
    assert search.best_score_ > 0.9


def test_resource_under_a_step_the_space_swaps_at_any_depth():
    # The base pipeline's model has no max_iter; every swapped-in one has.
    inner = Pipeline([("scale", StandardScaler()), ("clf", KNeighborsClassifier())])
    swapped = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())])
    search = HyperbandSearchCV(
        Pipeline([("model", inner)]),
        {"model": [swapped], "model__clf__C": Real(1e-2, 1e2, prior="log-uniform")},
        resource="model__clf__max_iter", min_resource=10, max_resource=30, cv=3,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # few iterations do not converge
        search.fit(X_iris, y_iris)
    assert search.best_estimator_.named_steps["model"].named_steps["clf"].max_iter == 30
    # A sub-space that keeps the base step must find the resource there.
    search.set_params(param_distributions=[
        {"model": [swapped]}, {"model__clf__n_neighbors": [3, 5]}
    ])
    with pytest.raises(ValueError, match="neither 'n_samples' nor a parameter"):
        search.fit(X_iris, y_iris)


def test_a_resource_without_its_step_name_gets_the_step_name_suggested():
    search = HyperbandSearchCV(
        make_pipeline(StandardScaler(), SGDClassifier()), {"sgdclassifier__alpha": Real(1e-5, 1)},
        resource="max_iter", max_resource=27,
    )
    with pytest.raises(ValueError, match="Did you mean 'sgdclassifier__max_iter'"):
        search.fit(X_iris, y_iris)


@pytest.mark.parametrize("lacking", [KNeighborsClassifier(), "passthrough", None])
def test_a_swapped_in_step_without_the_resource_is_named(lacking):
    search = HyperbandSearchCV(
        Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())]),
        [{"clf": [LogisticRegression(), lacking]}, {"clf__C": [1.0, 2.0]}],
        resource="clf__max_iter", min_resource=10, max_resource=30, cv=3,
    )
    message = f"resource='clf__max_iter' is not a parameter of {lacking!r}, one of the values"
    with pytest.raises(ValueError, match=re.escape(message)):
        search.fit(X_iris, y_iris)


def test_promotion_follows_the_refit_metric():
    scoring = {
        "near": lambda est, X, y=None: -abs(est.a - 0.7),
        "far": lambda est, X, y=None: abs(est.a - 0.7),
    }
    for refit, sign in [("near", 1), ("far", -1)]:
        search = _toy_search(
            resource="budget", max_resource=9, scoring=scoring, refit=refit
        )
        results = search.fit(np.zeros((30, 1))).cv_results_
        first, second = _rung(results, 0, 0), _rung(results, 0, 1)
        distance = np.array([abs(p["a"] - 0.7) for p in results["params"]])
        cut = np.sort(sign * distance[first])[len(second) - 1]
        assert np.all(sign * distance[second] <= cut)
        assert search.best_score_ == results[f"mean_test_{refit}"][search.best_index_]


def test_failed_configurations_are_never_promoted_over_finite_ones():
    search = HyperbandSearchCV(
        Toy(fail_below=0.2), {"a": Real(0, 1)}, resource="budget", max_resource=81,
        cv=2, random_state=0,
    )
    with pytest.warns(Warning):
        results = search.fit(np.zeros((10, 1))).cv_results_
    scores = results["mean_test_score"]
    assert np.isnan(scores).any()
    for b, bracket in enumerate(search.brackets_):
        for i in range(1, len(bracket)):
            previous = _rung(results, b, i - 1)
            promoted = {results["params"][r]["a"] for r in _rung(results, b, i)}
            kept = np.array([results["params"][r]["a"] in promoted for r in previous])
            if np.isfinite(scores[previous]).sum() >= len(promoted):
                assert np.all(np.isfinite(scores[previous][kept]))
    assert np.isfinite(search.best_score_) and search.best_params_["a"] >= 0.2


class _FailsAtLargeBudgets(Toy):
    """Fails at ``budget >= 9``, only for ``a < fail_below`` when that is set."""

    def fit(self, X, y=None):
        if self.budget >= 9 and (self.fail_below is None or self.a < self.fail_below):
            raise ValueError("failing on purpose")
        self.n_fit_ = len(X)
        return self


@pytest.mark.parametrize("error_score", [np.nan, 0.0])
def test_best_index_passes_over_failed_rows_whatever_error_score(error_score):
    # Every fit at max_resource fails. error_score=0 is above every real score
    # here: a failed row was best_index_, and the refit then failed.
    search = HyperbandSearchCV(
        _FailsAtLargeBudgets(), {"a": Real(0, 1)}, resource="budget", min_resource=1,
        max_resource=9, cv=2, random_state=0, error_score=error_score,
    )
    message = (
        r"no configuration evaluated above n_resources=3 has a score \(fits failed, or "
        r"the score was NaN\); best_index_ is the best row at n_resources=3"
    )
    with pytest.warns(UserWarning, match=message):
        search.fit(np.zeros((10, 1)))
    results = search.cv_results_
    at_3 = results["n_resources"] == 3
    assert results["n_resources"][search.best_index_] == 3
    assert search.best_score_ == results["mean_test_score"][at_3].max() < 0
    assert search.best_estimator_.budget == 3
    assert search.history_["best_score"][-1] == search.best_score_


def test_a_perfect_score_equal_to_error_score_is_the_best_at_max_resource():
    # Separable blobs: neg_brier_score is 0 (perfect) for deep trees, which
    # error_score=0 equals; they were taken for failures and a coin-flip row
    # of a lower rung became best_index_.
    X, y = make_blobs(120, 2, centers=[[0, 0], [10, 10]], random_state=0)
    search = HyperbandSearchCV(
        DecisionTreeClassifier(random_state=0), {"min_samples_leaf": Integer(1, 40)},
        scoring="neg_brier_score", error_score=0, cv=3, random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and no "every configuration failed" warning
        search.fit(X, y)
    results = search.cv_results_
    assert results["n_resources"][search.best_index_] == results["n_resources"].max()
    assert search.best_score_ == 0.0


def _fails_on_the_first_fold_above_half(estimator, X, y=None):
    if estimator.a > 0.5 and X[0, 0] == 0:
        raise ValueError("cannot score the first fold")
    return estimator.score(X, y)


def test_a_configuration_whose_scoring_failed_in_one_split_is_never_promoted():
    # error_score=0 is above every real score (all negative): the mean of a
    # failed split and a real one flattered a >= 0.5, which was promoted and
    # chosen as best. A fit failing in one split was already a failure.
    search = HyperbandSearchCV(
        Toy(), {"a": Real(0, 1)}, resource="budget", min_resource=1, max_resource=9,
        scoring=_fails_on_the_first_fold_above_half, error_score=0, cv=KFold(2),
        random_state=0,
    )
    with pytest.warns(UserWarning, match="Scoring failed"):
        search.fit(np.arange(10.0).reshape(-1, 1))
    results = search.cv_results_
    promoted = results["iter"] > 0
    assert promoted.any()
    assert not any(p["a"] > 0.5 for p, kept in zip(results["params"], promoted) if kept)
    assert search.best_params_["a"] <= 0.5


def test_a_fit_that_fails_before_any_result_leaves_the_earlier_schedule():
    # The schedule is set as the fit starts; with the earlier fit's results kept,
    # it must stay theirs.
    X_, y_ = make_classification(n_samples=240, random_state=0)
    search = HyperbandSearchCV(
        LogisticRegression(), {"C": Real(0.1, 10)}, min_resource=20, max_resource=150, cv=3,
        random_state=0,
    ).fit(X_, y_)
    names = ("brackets_", "min_resource_", "max_resource_", "min_resources_", "max_resources_",
             "n_possible_iterations_", "n_required_iterations_")
    earlier = {name: getattr(search, name) for name in names}
    search.set_params(min_resource=30, max_resource=100, estimator=LogisticRegression(max_iter=-1))
    with pytest.raises(ValueError, match="fits failed"):
        search.fit(X_, y_)
    for name, value in earlier.items():
        assert getattr(search, name) == value
    assert search.n_resources_[-1] == search.max_resource_ == 150


def test_progress_lines_pass_over_failed_rows_as_best_index_does(capsys):
    # error_score=0 is above every real score: the lines printed it as the best.
    search = HyperbandSearchCV(
        _FailsAtLargeBudgets(fail_below=0.7), {"a": Real(0, 1)}, resource="budget",
        min_resource=1, max_resource=9, cv=2, random_state=0, error_score=0.0, verbose=1,
    )
    with pytest.warns(FitFailedWarning):
        search.fit(np.zeros((10, 1)))
    assert (search.cv_results_["mean_test_score"][search.cv_results_["n_resources"] == 9] == 0).any()
    last = [line for line in capsys.readouterr().out.splitlines() if "best score" in line][-1]
    assert f"best score {search.best_score_:.4g}," in last


@pytest.mark.parametrize("sampler", ["random", "bayes"])
def test_a_failed_configuration_is_not_promoted_on_a_tie_with_the_worst_score(sampler):
    # The two failures come first in the rung; the worst finite score must still
    # go ahead of them.
    search = HyperbandSearchCV(
        Toy(fail_below=0.2), {"a": [0.1, 0.15, 0.3, 0.6]}, resource="budget",
        min_resource=1, max_resource=4, eta=2, n_brackets=1, sampler=sampler, cv=2,
        random_state=0,
    )
    with pytest.warns(Warning):
        results = search.fit(np.zeros((10, 1))).cv_results_
    assert [results["params"][r]["a"] for r in _rung(results, 0, 0)] == [0.1, 0.15, 0.3, 0.6]
    assert sorted(results["params"][r]["a"] for r in _rung(results, 0, 1)) == [0.3, 0.6]


def test_model_proposes_a_bounded_number_of_configurations_per_rung(monkeypatch):
    # eta=2 over 1..256: the second bracket starts 144 configurations, two
    # thirds of which the model proposed, each an acquisition optimisation.
    asked = []
    propose_batch = skhptune._hyperband.propose_batch

    def recording(X, y, n_levels, is_categorical, batch_size, *args, **kwargs):
        asked.append(batch_size)
        return propose_batch(X, y, n_levels, is_categorical, batch_size, *args, **kwargs)

    monkeypatch.setattr(skhptune._hyperband, "propose_batch", recording)
    search = HyperbandSearchCV(
        Toy(), {"a": Real(0, 1)}, resource="budget", min_resource=1, max_resource=256, eta=2,
        n_brackets=2, sampler="bayes", cv=2, random_state=0,
    ).fit(np.zeros((10, 1)))
    assert asked and max(asked) == 64
    assert search.n_candidates_[:2] == [256, 128 + 144]


def test_model_sampling_starts_every_bracket_with_configurations_of_its_own():
    # A 40-configuration space: a random draw met a configuration an earlier
    # bracket's model had proposed, and its bracket started one short.
    space = {
        "kernel": Categorical(["linear", "rbf", "poly", "sigmoid"]),
        "C": Categorical([0.01, 0.1, 1, 10, 100]),
        "shrinking": Categorical([True, False]),
    }
    search = HyperbandSearchCV(
        SVC(), space, min_resource=11, eta=2, sampler="bayes", cv=3, random_state=0
    ).fit(X_iris, y_iris)
    results = search.cv_results_
    for b, bracket in enumerate(search.brackets_):
        assert len(_rung(results, b, 0)) == bracket[0][0]


def test_model_proposals_of_the_sub_spaces_compete_on_their_acquisition_values(monkeypatch):
    # Each sub-space's model proposes; the best acquisition values win,
    # whichever sub-space they come from.
    space = Space([{"a": Real(0, 1)}, {"b": Real(0, 1), "c": Real(0, 1)}])
    strategy = HyperbandStrategy(
        space, np.random.RandomState(0), [[(4, 1)]], [1], 3, lambda *args: ({}, None),
        sampler="bayes",
    )
    rng = np.random.RandomState(1)
    for index, sub in enumerate(space.subspaces):
        for unit in rng.uniform(size=(6, sub.n_dims)):
            strategy.observed[0][space.key((index, unit))] = (index, unit), unit.sum()

    def proposing(X, y, n_levels, is_categorical, n, rng, X_pending=None, failed=None):
        value = float(len(n_levels))  # the two-dimensional sub-space's are worth more
        return SimpleNamespace(
            proposals=np.full((n, len(n_levels)), 0.5), acquisition_values=np.full(n, value)
        )

    monkeypatch.setattr(skhptune._hyperband, "propose_batch", proposing)
    assert [index for index, _ in strategy._model_proposals(2, [])] == [1, 1]


def test_model_waits_for_n_dims_plus_two_scores_at_the_largest_level_that_has_them(monkeypatch):
    space = Space({"a": Real(0, 1), "b": Real(0, 1)})
    strategy = HyperbandStrategy(
        space, np.random.RandomState(0), [[(4, 1), (1, 3)]], [1, 3], 3,
        lambda *args: ({}, None), sampler="bayes",
    )
    modelled, failed_told = [], []

    def proposing(X, y, n_levels, is_categorical, n, rng, X_pending=None, failed=None):
        modelled.append(len(X))
        failed_told.append(list(failed))
        return SimpleNamespace(proposals=np.full((n, 2), 0.5), acquisition_values=np.ones(n))

    monkeypatch.setattr(skhptune._hyperband, "propose_batch", proposing)
    rng = np.random.RandomState(1)
    for level, n_scores in ((0, 7), (1, 3)):
        for unit in rng.uniform(size=(n_scores, 2)):
            strategy.observed[level][space.key((0, unit))] = (0, unit), unit.sum()
    # A failed fit: modelled as the worst score, and said to be one.
    key = next(iter(strategy.observed[0]))
    strategy.observed[0][key] = strategy.observed[0][key][0], np.nan
    # Three scores at the top level are too few for two dimensions: the seven below.
    strategy._model_proposals(2, [])
    assert modelled == [7]
    assert failed_told == [[True] + [False] * 6]
    unit = rng.uniform(size=2)
    strategy.observed[1][space.key((0, unit))] = (0, unit), unit.sum()
    strategy._model_proposals(2, [])
    assert modelled == [7, 4]


class _FailsOnMiddleSubsamples(BaseEstimator):
    """Scores grow with ``a``; fits on 20 to 59 samples fail."""

    def __init__(self, a=0.5):
        self.a = a

    def fit(self, X, y=None):
        if 20 <= len(X) < 60:
            raise ValueError("failing on purpose")
        self.n_fit_ = len(X)
        return self

    def score(self, X, y=None):
        return self.a + 0.001 * self.n_fit_


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.FitFailedWarning")
def test_model_proposals_never_repeat_a_configuration_promoted_to_the_same_level():
    # The middle level failed, so the model of the last bracket is fitted on the
    # first level, which does not hold the configuration bracket 1 promoted to the
    # top; proposing it again cost the bracket one of its configurations.
    X, y = make_classification(n_samples=150, random_state=0)
    search = HyperbandSearchCV(
        _FailsOnMiddleSubsamples(), {"a": Real(0, 1)}, sampler="bayes", min_resource=10,
        cv=3, random_state=0,
    ).fit(X, y)
    results = search.cv_results_
    for b, bracket in enumerate(search.brackets_):
        for rung, (n, _) in enumerate(bracket):
            assert len(_rung(results, b, rung)) == n


def test_a_min_resource_below_the_number_of_classes_warns():
    # A subsample of 2 samples misses one of iris's 3 classes, which a model
    # fitted on it never predicts.
    search = HyperbandSearchCV(
        LogisticRegression(), {"C": Real(0.1, 10)}, min_resource=2, n_brackets=1, cv=3,
        random_state=0,
    )
    with pytest.warns(UserWarning, match=r"min_resource=2 is below the number of classes \(3\)"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FitFailedWarning)
            search.fit(X_iris, y_iris)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        search.set_params(min_resource=3).fit(X_iris, y_iris)
    assert not any("number of classes" in str(w.message) for w in caught)


def test_a_level_where_no_fit_has_a_score_below_scored_ones_warns():
    # 10 samples cannot give 12 neighbours: every prediction at the first level
    # fails, and its rungs promote configurations they could not rank.
    search = HyperbandSearchCV(
        KNeighborsClassifier(), {"n_neighbors": Integer(12, 20)}, min_resource=10, cv=3,
        random_state=0,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        search.fit(X_iris, y_iris)
    messages = [str(w.message) for w in caught if "every fit at" in str(w.message)]
    assert len(messages) == 1
    assert re.search(
        r"HyperbandSearchCV: every fit at n_resources=10 failed or scored NaN.*"
        r"SMOTE step needs k_neighbors \+ 1\); raise min_resource \(now 10\)\.$",
        messages[0],
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        search.set_params(min_resource=30).fit(X_iris, y_iris)
    assert not any("every fit at" in str(w.message) for w in caught)
    # A parameter resource: no word about subsamples.
    search = HyperbandSearchCV(
        _FailsBelowBudget(), {"a": Real(0, 1)}, resource="budget", min_resource=1,
        max_resource=9, cv=3, random_state=0,
    )
    with pytest.warns(UserWarning, match=r"n_resources=1 failed.*than that; raise min_resource \(now 1\)\.$"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FitFailedWarning)
            search.fit(X_iris)


class _FailsBelowBudget(Toy):
    def fit(self, X, y=None):
        if self.budget < 3:
            raise ValueError("failing on purpose")
        return super().fit(X, y)


class _NoisyBowl(BaseEstimator):
    """Five parameters, best at 0.3 each; budget-dependent noise shrinking with it."""

    def __init__(self, a=0.0, b=0.0, c=0.0, d=0.0, e=0.0, budget=1):
        self.a, self.b, self.c, self.d, self.e, self.budget = a, b, c, d, e, budget

    def fit(self, X, y=None):
        return self

    def score(self, X, y=None):
        point = np.array([self.a, self.b, self.c, self.d, self.e])
        # Deterministic: Python hashes numbers the same in every process.
        noise = hash((round(self.a, 9), round(self.b, 9), self.budget)) % 1000 / 1000 - 0.5
        return -np.sum((point - 0.3) ** 2) + 0.05 * noise / np.sqrt(self.budget)


def test_the_model_never_restarts_a_configuration_a_bracket_started():
    # Each level's model sees that level only: it proposed again corners that
    # a bracket had started and dropped at another level.
    search = HyperbandSearchCV(
        _NoisyBowl(), {name: Real(0, 1) for name in "abcde"}, resource="budget",
        min_resource=1, max_resource=256, eta=2, sampler="bayes", cv=2, random_state=0,
    ).fit(np.zeros((20, 1)))
    results = search.cv_results_
    starts = [
        tuple(sorted((name, value) for name, value in params.items() if name != "budget"))
        for params, rung in zip(results["params"], results["iter"]) if rung == 0
    ]
    assert len(starts) == len(set(starts))


def test_default_min_resource_holds_the_largest_group():
    # Subsamples keep whole groups: a first level of 20 samples (10 per class)
    # would have fitted 40 to 72 with these groups, against n_resources=20.
    X, y = make_classification(n_samples=300, random_state=0)
    groups = np.repeat(np.arange(12), [40] + [24] * 10 + [20])
    sizes = []

    class RecordingLR(LogisticRegression):
        def fit(self, X, y, sample_weight=None):
            sizes.append(len(X))
            return super().fit(X, y, sample_weight)

    search = HyperbandSearchCV(
        RecordingLR(), {"C": Real(1e-2, 1e2, prior="log-uniform")}, cv=GroupKFold(3),
        random_state=0,
    ).fit(X, y, groups=groups)
    assert search.min_resource_ == 40
    # The first level's fits hold at least its samples, at most one group more.
    first = search.n_resources_[0]
    assert all(first <= size < first + 40 for size in sizes[: 3 * search.brackets_[0][0][0]])


def test_a_scorer_without_sample_weight_is_warned_about_once():
    # As in RandomizedSearchCV: reading the splitter's groups must not route
    # the fit parameters (and warn) a second time.
    X, y = make_classification(n_samples=90, random_state=0)

    def accuracy(estimator, X, y):
        return float(np.mean(estimator.predict(X) == y))

    def n_warnings(search):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            search.fit(X, y, sample_weight=np.ones(len(y)))
        return sum("does not support sample_weight" in str(w.message) for w in caught)

    space = {"C": Real(1e-2, 1e2, prior="log-uniform")}
    search = HyperbandSearchCV(
        LogisticRegression(), space, scoring=accuracy, min_resource=20, cv=3, random_state=0
    )
    reference = RandomizedSearchCV(
        LogisticRegression(), space, n_iter=3, scoring=accuracy, cv=3, random_state=0
    )
    expected = int(hasattr(BaseSearchCV, "_check_scorers_accept_sample_weight"))
    assert n_warnings(search) == n_warnings(reference) == expected  # where it warns, once


@pytest.mark.parametrize("cv", [None, KFold(3, shuffle=True, random_state=0)])
def test_groups_change_nothing_for_a_splitter_that_ignores_them(cv):
    # KFold and StratifiedKFold ignore groups (scikit-learn warns so): large
    # groups must not raise the first level or make subsamples group-wise.
    X, y = make_classification(n_samples=240, random_state=0)
    groups = np.repeat(np.arange(4), 60)
    space = {"C": Real(1e-2, 1e2, prior="log-uniform")}

    def run(**fit_params):
        search = HyperbandSearchCV(LogisticRegression(), space, cv=cv, random_state=0)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "The groups parameter is ignored")
            search.fit(X, y, **fit_params)
        return search

    plain, grouped = run(), run(groups=groups)
    assert len(plain.n_resources_) > 1
    assert grouped.n_resources_ == plain.n_resources_
    assert grouped.cv_results_["params"] == plain.cv_results_["params"]
    np.testing.assert_array_equal(
        grouped.cv_results_["mean_test_score"], plain.cv_results_["mean_test_score"]
    )


def test_splits_by_group():
    class OwnSplitter:  # from outside scikit-learn: trusted to use its groups
        def split(self, X, y=None, groups=None):
            yield np.arange(5), np.arange(5, 10)

        def get_n_splits(self, X=None, y=None, groups=None):
            return 1

    assert splits_by_group(GroupKFold(3))
    assert splits_by_group(OwnSplitter())
    assert not splits_by_group(KFold(3))
    assert not splits_by_group(StratifiedKFold(3))
    assert not splits_by_group(check_cv([(np.arange(5), np.arange(5, 10))]))


def test_same_seed_same_results_for_n_jobs_1_and_2():
    X, y = make_classification(n_samples=150, random_state=0)
    groups = np.repeat(np.arange(15), 10)
    space = {"C": Real(1e-2, 1e2, prior="log-uniform")}

    def run(n_jobs):
        search = HyperbandSearchCV(
            LogisticRegression(), space, min_resource=20, eta=2, cv=GroupKFold(3),
            n_jobs=n_jobs, random_state=0,
        )
        return search.fit(X, y, groups=groups).cv_results_

    one, two = run(1), run(2)
    assert one["params"] == two["params"]
    np.testing.assert_array_equal(one["mean_test_score"], two["mean_test_score"])
    np.testing.assert_array_equal(one["n_resources"], two["n_resources"])


def test_pickled_search_predicts_the_same():
    search = HyperbandSearchCV(
        SVC(), {"C": Real(0.1, 10)}, min_resource=20, cv=3, random_state=0
    )
    search.fit(X_iris, y_iris)
    restored = pickle.loads(pickle.dumps(search))
    np.testing.assert_array_equal(restored.predict(X_iris), search.predict(X_iris))
    assert restored.best_params_ == search.best_params_
    assert restored.brackets_ == search.brackets_


def test_tiny_dataset_degrades_to_the_largest_resource():
    X, y = make_classification(n_samples=10, n_features=4, random_state=0)
    search = HyperbandSearchCV(
        LogisticRegression(), {"C": Real(0.1, 10)}, cv=2, random_state=0
    )
    search.fit(X, y)
    assert search.brackets_ == [[(5, 5)]] and search.n_resources_ == [5]
    assert len(search.cv_results_["params"]) == 5
    search = HyperbandSearchCV(LogisticRegression(), {"C": [0.1, 1.0]}, cv=2).fit(X, y)
    assert search.brackets_ == [[(2, 5)]]
    assert sorted(p["C"] for p in search.cv_results_["params"]) == [0.1, 1.0]
    assert search.predict(X).shape == (10,)
    # A grid is evaluated whole, in GridSearchCV's order, as GridSearchCV would.
    grid = {"C": [0.01, 0.1, 1.0, 10.0], "fit_intercept": [True, False]}
    search = HyperbandSearchCV(LogisticRegression(), grid, cv=2).fit(X, y)
    assert search.cv_results_["params"] == list(ParameterGrid(grid))
    # Up to eta**4 points of a larger one.
    grid = {"C": list(np.logspace(-3, 3, 100))}
    search = HyperbandSearchCV(LogisticRegression(), grid, cv=2, random_state=0).fit(X, y)
    assert search.brackets_ == [[(81, 5)]]
    assert len({p["C"] for p in search.cv_results_["params"]}) == 81


def test_default_min_resource_gives_five_brackets_on_large_folds():
    search = _toy_search(resource="budget", max_resource=243).fit(np.zeros((30, 1)))
    assert search.min_resource_ == 3 and len(search.brackets_) == 5
    search = _toy_search().fit(np.zeros((90, 1)))  # 60 training samples: floor of 20
    assert search.min_resource_ == 20 and search.n_resources_ == [20, 60]
    # A classifier: 10 samples per class of iris's three.
    search = HyperbandSearchCV(SVC(), {"C": Real(0.1, 10)}, random_state=0).fit(X_iris, y_iris)
    assert search.min_resource_ == 30 and search.n_resources_ == [30, 120]


def test_first_rung_fits_hold_five_of_a_rare_class():
    # In proportion, 20 samples would give the 5% class one or two, too few for
    # an estimator with an internal 5-fold CV: every first-rung fit failed.
    X, y = make_classification(n_samples=600, weights=[0.95, 0.05], random_state=0)
    search = HyperbandSearchCV(
        CalibratedClassifierCV(LogisticRegression(), cv=5),
        {"estimator__C": Real(1e-2, 1e2, prior="log-uniform")}, cv=3, random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", FitFailedWarning)
        search.fit(X, y)
    assert search.min_resource_ == 20 and len(search.brackets_) == 3
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


def test_finite_space_gives_distinct_configurations_per_rung():
    values = list(np.linspace(0, 1, 20))
    search = HyperbandSearchCV(
        Toy(), {"a": values}, resource="budget", max_resource=27, cv=2, random_state=0
    ).fit(np.zeros((10, 1)))
    results = search.cv_results_
    assert search.brackets_[0] == [(20, 1), (6, 3), (2, 9), (1, 27)]
    for b, bracket in enumerate(search.brackets_):
        # A configuration shared with a rung of an earlier bracket at the same
        # resource is evaluated once; its row names the earlier bracket.
        rows = _rung(results, b, 0)
        assert len({results["params"][r]["a"] for r in rows}) == len(rows)
        assert len(rows) <= bracket[0][0]
    first = _rung(results, 0, 0)
    assert {results["params"][r]["a"] for r in first} == set(values)


def test_narrow_range_starts_a_grid_whole_in_the_first_bracket():
    # Three levels: the textbook first bracket starts 9 of the 20 values.
    values = list(np.linspace(0, 1, 20))
    search = HyperbandSearchCV(
        Toy(), {"a": values}, resource="budget", max_resource=9, cv=2, random_state=0
    ).fit(np.zeros((10, 1)))
    assert search.brackets_ == [[(20, 1), (6, 3), (2, 9)]] + hyperband_schedule(1, 9, 3)[1:]
    first = _rung(search.cv_results_, 0, 0)
    assert {search.cv_results_["params"][r]["a"] for r in first} == set(values)
    # A larger space: as many as the default range starts (eta**4), not all.
    search.set_params(param_distributions={"a": list(np.linspace(0, 1, 100))}).fit(
        np.zeros((10, 1))
    )
    assert search.brackets_[0] == [(81, 1), (27, 3), (9, 9)]
    # Continuous spaces keep Li et al.'s bracket sizes, and so do finite
    # distributions: they are sampled, as HalvingRandomSearchCV samples them.
    for distribution in (Real(0, 1), randint(0, 100), Integer(0, 99)):
        search.set_params(param_distributions={"a": distribution}).fit(np.zeros((10, 1)))
        assert search.brackets_ == hyperband_schedule(1, 9, 3)


def test_a_rung_of_fewer_than_eta_configurations_still_promotes_one():
    # A grid of 20 starts the bracket whole: 20, 6, 2, then one to each higher level.
    search = HyperbandSearchCV(
        Toy(), {"a": list(np.linspace(0, 1, 20))}, resource="budget", max_resource=81,
        n_brackets=1, cv=2, random_state=0,
    ).fit(np.zeros((10, 1)))
    assert search.brackets_ == [[(20, 1), (6, 3), (2, 9), (1, 27), (1, 81)]]
    assert search.n_resources_ == [1, 3, 9, 27, 81]
    assert search.n_candidates_ == [20, 6, 2, 1, 1]


def test_grid_on_a_small_dataset_finds_grid_search_best():
    from sklearn.model_selection import GridSearchCV

    grid = {"C": [0.01, 0.1, 1, 10, 100], "gamma": [0.001, 0.01, 0.1, 1]}
    expected = GridSearchCV(SVC(), grid).fit(X_iris, y_iris)
    search = HyperbandSearchCV(SVC(), grid, random_state=0).fit(X_iris, y_iris)
    assert search.n_candidates_[0] == 20
    # Five grid points tie for GridSearchCV's best score; any of them will do.
    tied = expected.cv_results_["rank_test_score"] == 1
    assert search.best_params_ in list(np.array(expected.cv_results_["params"])[tied])
    assert search.best_score_ == expected.best_score_


def test_small_finite_space_is_evaluated_whole_at_max_resource():
    # Four configurations at 27 cost less than the Hyperband schedule.
    search = HyperbandSearchCV(
        Toy(), {"a": [0.1, 0.5, 0.7, 0.9]}, resource="budget", max_resource=27, cv=2
    ).fit(np.zeros((10, 1)))
    assert search.brackets_ == [[(4, 27)]] and search.n_resources_ == [27]
    assert [p["a"] for p in search.cv_results_["params"]] == [0.1, 0.5, 0.7, 0.9]
    assert search.best_params_ == {"a": 0.7, "budget": 27}


def test_brackets_count_configurations_of_overlapping_sub_spaces_once():
    # 0.5 is in both sub-spaces: four configurations, as cv_results_ shows.
    space = [{"a": [0.1, 0.5]}, {"a": [0.5, 0.7, 0.9]}]
    search = HyperbandSearchCV(
        Toy(), space, resource="budget", max_resource=27, cv=2, random_state=0
    ).fit(np.zeros((10, 1)))
    assert search.brackets_ == [[(4, 27)]] and search.n_candidates_ == [4]
    assert len(search.cv_results_["params"]) == 4


_SIXTEEN = list(np.linspace(0, 1, 16))
_SIXTEEN_BEST_FIRST = sorted(_SIXTEEN, key=lambda a: abs(a - 0.7))  # Toy's ranking


@pytest.mark.parametrize("max_time", [None, 1e6])  # side by side, one after another
def test_an_exhausted_grid_starts_later_brackets_with_the_best_of_the_rest(max_time):
    # The first bracket starts all 16 values on budget 1 and promotes five to
    # budget 3, where the second bracket starts twelve: the twelve best on
    # budget 1 (the closest to 0.7), five of them sharing the promoted rows,
    # rather than twelve random ones.
    search = HyperbandSearchCV(
        Toy(), {"a": _SIXTEEN}, resource="budget", max_resource=27, cv=2, random_state=0,
        max_time=max_time,
    ).fit(np.zeros((10, 1)))
    results = search.cv_results_
    assert search.brackets_[:2] == [[(16, 1), (5, 3), (1, 9), (1, 27)], [(12, 3), (4, 9), (1, 27)]]
    at_3 = [p["a"] for p, n in zip(results["params"], results["n_resources"]) if n == 3]
    assert sorted(at_3) == sorted(_SIXTEEN_BEST_FIRST[:12])
    # Shared rows keep every column, labelled with the earlier bracket.
    n_rows = len(results["params"])
    assert len(_rung(results, 1, 0)) == 7
    assert n_rows < sum(n for bracket in search.brackets_ for n, _ in bracket)
    for column in ("bracket", "iter", "n_resources"):
        assert len(results[column]) == n_rows
    assert list(results["n_resources"]) == [params["budget"] for params in results["params"]]


def test_an_exhausted_grid_ranks_every_evaluated_configuration(monkeypatch):
    # The random design can hold fewer configurations than a whole-space rung
    # evaluates (overlapping sub-spaces, rare values of a discrete law): every
    # configuration evaluated below the rung is ranked, not only the design's.
    # One of the seven bracket 1 adds to bracket 0's five (its distance to 0.7
    # ties with no other value's).
    missing = _SIXTEEN_BEST_FIRST[10]
    original = Space.initial_design

    def short_design(space, n, rng):
        points = original(space, n, rng)
        return [p for p in points if space.decode(p)["a"] != missing]

    monkeypatch.setattr(Space, "initial_design", short_design)
    search = HyperbandSearchCV(
        Toy(), {"a": _SIXTEEN}, resource="budget", max_resource=27, cv=2, random_state=0
    ).fit(np.zeros((10, 1)))
    results = search.cv_results_
    at_3 = [p["a"] for p, n in zip(results["params"], results["n_resources"]) if n == 3]
    assert sorted(at_3) == sorted(_SIXTEEN_BEST_FIRST[:12])


def test_an_exhausted_grid_takes_failed_configurations_last():
    # Five values fail: the second bracket's twelve places at budget 3 go to
    # the eleven others first.
    search = HyperbandSearchCV(
        Toy(fail_below=0.3), {"a": _SIXTEEN}, resource="budget", max_resource=27, cv=2,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FitFailedWarning)
        warnings.filterwarnings("ignore", "One or more of the test scores are non-finite")
        search.fit(np.zeros((10, 1)))
    results = search.cv_results_
    at_3 = [p["a"] for p, n in zip(results["params"], results["n_resources"]) if n == 3]
    assert len(at_3) == 12
    assert {a for a in _SIXTEEN if a >= 0.3} < set(at_3)


def test_narrow_range_starts_overlapping_sub_spaces_with_their_distinct_configurations():
    # Two levels: the textbook brackets start five configurations, fewer than
    # each sub-space holds. The grid's first rung is its 15 distinct
    # configurations, not the 20 the sub-spaces list between them.
    space = [{"a": list(range(10))}, {"a": list(range(5, 15))}]
    search = HyperbandSearchCV(
        Toy(), space, resource="budget", max_resource=3, cv=2, random_state=0
    ).fit(np.zeros((10, 1)))
    assert search.brackets_[0] == [(15, 1), (5, 3)]
    assert search.n_candidates_[0] == 15


def test_single_level_search_reports_to_callbacks_like_grid_search():
    # One batch is one task, as in GridSearchCV: no extra level task in between.
    callbacks = pytest.importorskip("sklearn.callback.tests._utils")
    from sklearn.model_selection import GridSearchCV

    X, y = load_iris(return_X_y=True)
    grid = {"C": [0.1, 1.0, 10.0]}

    def task_count(search):
        recorder = callbacks.RecordingCallback()
        search.set_callbacks(recorder).fit(X, y)
        return recorder.count_hooks("on_fit_task_begin")

    hyperband = HyperbandSearchCV(LogisticRegression(), grid, cv=2, random_state=0)
    expected = task_count(GridSearchCV(LogisticRegression(), grid, cv=2))
    assert task_count(hyperband) == expected
    assert hyperband.n_resources_ == [hyperband.max_resource_]


def test_bayes_sampler_proposes_near_the_optimum_reproducibly():
    def later_bracket_configurations(sampler):
        search = _toy_search(resource="budget", max_resource=27, sampler=sampler)
        results = search.fit(np.zeros((30, 1))).cv_results_
        rows = np.flatnonzero((results["bracket"] >= 1) & (results["iter"] == 0))
        return np.array([results["params"][r]["a"] for r in rows])

    bayes = later_bracket_configurations("bayes")
    random = later_bracket_configurations("random")
    # Two thirds of the new configurations are the model's, one third random.
    assert np.median(np.abs(bayes - 0.7)) < 0.05 < np.median(np.abs(random - 0.7))
    np.testing.assert_array_equal(later_bracket_configurations("bayes"), bayes)


@pytest.mark.parametrize(
    "scores, modelled", [([0.3, 0.1 + 0.2, 0.3, 0.2 + 0.1], False), ([0.3, 0.4, 0.3, 0.3], True)]
)
def test_bayes_sampler_takes_scores_equal_but_for_their_last_bits_as_equal(scores, modelled):
    space = Space({"a": Real(0, 1)})
    strategy = HyperbandStrategy(
        space, np.random.RandomState(0), [[(4, 1), (1, 3)]], [1, 3], 3,
        lambda *args: ({}, None), sampler="bayes",
    )
    for i, score in enumerate(scores):
        unit = np.array([i / 4])
        strategy.observed[0][space.key((0, unit))] = (0, unit), score
    assert (strategy._model_data(0, 3) is not None) is modelled


def test_bayes_sampler_does_not_model_a_level_of_equal_scores():
    # Equal scores teach a model nothing; its proposals went to the bounds.
    def flat(estimator, X, y=None):
        return 0.5

    search = _toy_search(resource="budget", max_resource=27, sampler="bayes", scoring=flat)
    results = search.fit(np.zeros((30, 1))).cv_results_
    first_rungs = (results["bracket"] >= 1) & (results["iter"] == 0)
    a = np.array([p["a"] for p in results["params"]])[first_rungs]
    assert np.mean((a < 0.01) | (a > 0.99)) < 0.2


def test_bayes_sampler_models_with_one_blas_thread(monkeypatch):
    # Threaded BLAS is slower on a surrogate's small matrices and changes its
    # last bits, and with them the proposals: results would depend on the machine.
    from threadpoolctl import threadpool_info, threadpool_limits

    import skhptune._hyperband as hyperband

    threads = []

    def recording_propose_batch(*args, **kwargs):
        threads.extend(pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas")
        return propose_batch(*args, **kwargs)

    propose_batch = hyperband.propose_batch
    monkeypatch.setattr(hyperband, "propose_batch", recording_propose_batch)
    with threadpool_limits(limits=2, user_api="blas"):
        _toy_search(resource="budget", max_resource=27, sampler="bayes").fit(np.zeros((30, 1)))
    assert threads and set(threads) == {1}


@pytest.mark.parametrize(
    "params, match",
    [
        ({"resource": "budget"}, "max_resource is required"),
        ({"resource": "a", "max_resource": 9}, "'a' must not be in param_distributions"),
        ({"resource": "depth", "max_resource": 9}, "neither 'n_samples' nor a parameter"),
        # A misspelt resource is named as such before max_resource is asked for.
        ({"resource": "depth"}, "neither 'n_samples' nor a parameter"),
        ({"resource": "budget", "min_resource": 10, "max_resource": 9}, "min_resource=10"),
        ({"max_resource": 21}, "exceeds the smallest training fold"),
        # max_resource left to its default: the message says where it came from.
        ({"min_resource": 50}, r"max_resource=20 \(the smallest training fold, 20 samples\)"),
    ],
)
def test_resource_errors_name_the_problem(params, match):
    with pytest.raises(ValueError, match=match):
        _toy_search(**params).fit(np.zeros((30, 1)))


@pytest.mark.parametrize("resource", ["n_samples", "budget"])
@pytest.mark.parametrize("param", ["min_resource", "max_resource", "n_brackets"])
def test_a_switch_as_a_count_is_named(resource, param):
    # True passes scikit-learn's Integral constraint; the error must still name
    # the parameter that holds it, not the other bound it was mixed into.
    params = {"resource": resource, "max_resource": 9, param: True}
    with pytest.raises(InvalidParameterError, match=f"'{param}' parameter.*not a switch"):
        _toy_search(**params).fit(np.zeros((30, 1)))


@pytest.mark.parametrize("value", [0.25, "auto", True])
def test_resource_parameter_holding_no_integer_is_rejected(value):
    # A fraction, a string or a switch is not a budget: say so before any fit.
    search = HyperbandSearchCV(
        Toy(fail_below=value), {"a": Real(0, 1)}, resource="fail_below", max_resource=9
    )
    with pytest.raises(
        ValueError, match=f"'fail_below' must be an integer parameter.*{value!r}"
    ):
        search.fit(np.zeros((30, 1)))


@pytest.mark.parametrize(
    "params, name",
    [({"eta": 1}, "eta"), ({"eta": 2.5}, "eta"), ({"n_brackets": 0}, "n_brackets"),
     ({"min_resource": 0}, "min_resource"), ({"max_resource": -3}, "max_resource"),
     ({"sampler": "tpe"}, "sampler"), ({"resource": 3}, "resource")],
)
def test_invalid_parameters_raise_at_fit(params, name):
    search = _toy_search(**params)  # construction does no validation
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter"):
        search.fit(np.zeros((30, 1)))


def test_cv_given_as_boolean_masks():
    mask = np.arange(90) % 3 > 0
    search = _toy_search(
        cv=[(mask, ~mask), (~mask, mask)],
        min_resource=10,
        scoring={"fits": _fits, "tests": _tests},
        refit="fits",
    ).fit(np.zeros((90, 1)))
    assert search.max_resource_ == 30
    results = search.cv_results_
    np.testing.assert_array_equal(results["split0_test_tests"], 30)
    np.testing.assert_array_equal(results["split1_test_tests"], 60)
    np.testing.assert_array_equal(results["split1_test_fits"], results["n_resources"])


def test_max_time_keeps_the_levels_reached():
    search = _toy_search(resource="budget", max_resource=27, max_time=1e-9)
    # best_estimator_ comes from a low resource: the user is told.
    with pytest.warns(UserWarning, match=r"max_time=1e-09 ended the search at n_resources=1"):
        results = search.fit(np.zeros((30, 1))).cv_results_
    assert search.n_resources_ == [1] and search.n_candidates_ == [27]
    assert np.all(results["n_resources"] == 1)
    assert search.best_params_["budget"] == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        search.set_params(max_time=60).fit(np.zeros((30, 1)))  # reaches max_resource


@pytest.mark.parametrize(
    "space",
    [{"a": np.linspace(0, 1, 8).tolist()}, {"a": Real(0, 1)}],
    ids=["a grid evaluated whole", "one level"],
)
def test_max_time_can_end_a_rung_at_max_resource(space):
    # Results at max_resource are the dearest: under a time limit its rungs run
    # in growing batches (1 configuration first, with 3 folds and one worker),
    # as BayesSearchCV runs a grid, so that the limit can end them.
    params = {"resource": "budget", "min_resource": 3, "max_resource": 9, "cv": 3}
    if isinstance(space["a"], list):
        params["max_resource"] = 1000  # the grid is cheaper whole at max_resource
    else:
        params["min_resource"] = 9  # nothing to halve
    search = HyperbandSearchCV(Toy(), space, max_time=1e-9, random_state=0, **params)
    unlimited = HyperbandSearchCV(Toy(), space, random_state=0, **params).fit(X_iris)
    assert len(unlimited.cv_results_["params"]) > 1
    assert unlimited.n_resources_ == [params["max_resource"]]
    search.fit(X_iris)
    assert search.cv_results_["params"] == unlimited.cv_results_["params"][:1]
    assert search.n_resources_ == [params["max_resource"]] and search.n_candidates_ == [1]
    search.set_params(max_time=1e6).fit(X_iris)  # the same as no limit
    assert search.cv_results_["params"] == unlimited.cv_results_["params"]


@pytest.mark.parametrize(
    "refit, scoring",
    [
        (lambda results: 0, None),
        (False, {"a": _fits, "b": _tests}),
        (False, {"score": _fits}),  # multimetric, though its column is mean_test_score
    ],
)
def test_max_time_warning_names_best_index_only_when_the_search_picks_it(refit, scoring):
    # A callable refit picks its own row; a multimetric search without refit has
    # no best_index_.
    search = _toy_search(
        resource="budget", max_resource=27, max_time=1e-9, refit=refit, scoring=scoring
    )
    with pytest.warns(UserWarning, match=r"before any configuration reached") as record:
        search.fit(np.zeros((30, 1)))
    assert not any("best_index_" in str(warning.message) for warning in record)


def test_max_time_warning_names_best_index_of_a_single_metric_without_refit():
    # Without refit a single-metric search still has its best_index_.
    search = _toy_search(resource="budget", max_resource=27, max_time=1e-9, refit=False)
    with pytest.warns(UserWarning, match=r"best_index_ is the best row at the largest resource with a score"):
        search.fit(np.zeros((30, 1)))
    assert search.cv_results_["n_resources"][search.best_index_] == 1


def test_time_limit_and_failures_at_the_last_level_reached_do_not_contradict_each_other(monkeypatch):
    # The time limit's warning named the last level reached as best_index_'s
    # while every fit there had failed and best_index_ was a level below.
    # A clock that reads one second per batch: the limit ends bracket 0 at 9.
    monkeypatch.setattr(SearchRunner, "elapsed", property(lambda runner: runner.n_batches))
    search = HyperbandSearchCV(
        _FailsAtLargeBudgets(), {"a": Real(0, 1)}, resource="budget", min_resource=1,
        max_resource=27, cv=2, random_state=0, max_time=2.5,
    )
    with pytest.warns(UserWarning) as record:
        search.fit(np.zeros((30, 1)))
    messages = [str(w.message) for w in record if "best_index_" in str(w.message)]
    assert search.n_resources_ == [1, 3, 9]
    assert search.cv_results_["n_resources"][search.best_index_] == 3
    assert not any("at that resource" in m for m in messages)
    assert any("best row at n_resources=3" in m for m in messages)


def test_cv_given_as_splits_or_iterator_is_split_once():
    splits = list(KFold(3, shuffle=True, random_state=0).split(X_iris, y_iris))
    space = {"C": Real(0.01, 10, prior="log-uniform")}
    expected = HyperbandSearchCV(
        LogisticRegression(max_iter=500), space, cv=splits, random_state=0
    ).fit(X_iris, y_iris)
    assert expected.n_splits_ == 3
    iterator = iter(splits)
    search = HyperbandSearchCV(LogisticRegression(max_iter=500), space, cv=iterator, random_state=0)
    # BaseSearchCV consumes the iterator (scikit-learn < 1.5 keeps no copy); the
    # search lists it first and reuses its splits.
    search.fit(X_iris, y_iris)
    np.testing.assert_array_equal(
        search.cv_results_["mean_test_score"], expected.cv_results_["mean_test_score"]
    )
    assert search.cv is iterator  # the parameter is left as given


def test_cv_iterator_consumed_before_fit_is_a_clear_error():
    iterator = iter(list(KFold(3).split(X_iris, y_iris)))
    list(iterator)
    search = HyperbandSearchCV(LogisticRegression(), {"C": Real(0.01, 10)}, cv=iterator)
    with pytest.raises(ValueError, match="yields no splits.*as a list") as raised:
        search.fit(X_iris, y_iris)
    assert f"cv={iterator!r}" in str(raised.value)  # what the user passed


def test_an_empty_list_of_splits_gets_no_advice_about_iterators():
    search = HyperbandSearchCV(LogisticRegression(), {"C": Real(0.01, 10)}, cv=[])
    with pytest.raises(ValueError, match=r"cv=\[\] yields no splits\.$"):
        search.fit(X_iris, y_iris)


def test_an_empty_training_fold_fails_its_fits_as_in_randomized_search():
    # A walk-forward list of splits whose first has no history: the other
    # folds set the range of n_samples, the empty one scores NaN.
    X, y = make_classification(n_samples=60, random_state=0)
    cv = [(np.array([], dtype=int), np.arange(10)), (np.arange(40), np.arange(40, 60))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search = HyperbandSearchCV(
            LogisticRegression(), {"C": Real(0.01, 10)}, cv=cv, random_state=0
        ).fit(X, y)
    assert search.max_resource_ == 40
    assert np.isnan(search.cv_results_["split0_test_score"]).all()
    assert np.isfinite(search.cv_results_["split1_test_score"]).all()


def test_only_empty_training_folds_are_a_clear_error():
    # Every sample in the test fold: a frequent PredefinedSplit slip.
    X, y = make_classification(n_samples=60, random_state=0)
    search = HyperbandSearchCV(
        LogisticRegression(), {"C": Real(0.01, 10)}, cv=PredefinedSplit(np.zeros(60)),
    )
    with pytest.raises(ValueError, match="(?s)every training fold of cv=PredefinedSplit.* is empty"):
        search.fit(X, y)


def test_scikit_learn_checks_come_before_the_data_is_split():
    # Too few samples for 5 folds: BaseSearchCV's own errors are raised first.
    X, y = X_iris[:4], y_iris[:4]
    with pytest.raises(ValueError, match="refit must be set to a scorer key"):
        HyperbandSearchCV(
            LogisticRegression(), {}, scoring={"a": "accuracy", "b": "precision_macro"}
        ).fit(X, y)
    class NoScore(BaseEstimator):
        def fit(self, X, y=None):
            return self

    with pytest.raises(TypeError, match="no scoring"):
        HyperbandSearchCV(NoScore(), {}).fit(X, y)


def test_an_infinite_score_at_the_largest_resource_can_be_the_best():
    # +inf ranks first in rank_test_score, as for RandomizedSearchCV;
    # best_index_ passed over such rows as if they had failed.
    def infinite_for_large_C(estimator, X, y):
        return np.inf if estimator.C > 1 else estimator.score(X, y)

    search = HyperbandSearchCV(
        LogisticRegression(max_iter=300), {"C": Real(1e-3, 1e2, prior="log-uniform")},
        scoring=infinite_for_large_C, cv=3, random_state=0,
    ).fit(X_iris, y_iris)
    results = search.cv_results_
    top = results["n_resources"] == max(results["n_resources"])
    assert np.isinf(results["mean_test_score"][top]).any()
    assert search.best_score_ == np.inf
    assert search.best_params_["C"] > 1


def test_max_resource_may_be_the_smallest_training_fold():
    # cv=3 on 30 samples: training folds of 20; one more is an error (above).
    search = _toy_search(max_resource=20).fit(np.zeros((30, 1)))
    assert search.max_resource_ == 20 and search.n_resources_[-1] == 20


def test_at_max_resource_every_training_fold_is_fitted_whole():
    # KFold(4) on 150 samples: training folds of 112, 112, 113 and 113.
    search = _toy_search(
        cv=KFold(4), min_resource=40, scoring=lambda estimator, X, y=None: estimator.n_fit_
    ).fit(X_iris, y_iris)
    results = search.cv_results_
    top = np.flatnonzero(results["n_resources"] == search.max_resource_)[0]
    assert search.max_resource_ == 112
    assert [results[f"split{i}_test_score"][top] for i in range(4)] == [112, 112, 113, 113]


def test_infinite_max_time_keeps_the_brackets_side_by_side():
    # Only a finite limit runs the brackets one after another.
    params = {"resource": "budget", "max_resource": 27}
    unlimited = _toy_search(**params).fit(np.zeros((30, 1))).cv_results_
    infinite = _toy_search(max_time=np.inf, **params).fit(np.zeros((30, 1))).cv_results_
    assert infinite["params"] == unlimited["params"]
    assert infinite["n_resources"].tolist() == unlimited["n_resources"].tolist()


def test_model_proposes_two_thirds_of_a_brackets_new_configurations(monkeypatch):
    # A third (rounded up) of every rung's new configurations stays random.
    asked = []
    model_proposals = skhptune._hyperband.HyperbandStrategy._model_proposals

    def recording(self, n, pending):
        asked.append(n)
        return model_proposals(self, n, pending)

    monkeypatch.setattr(skhptune._hyperband.HyperbandStrategy, "_model_proposals", recording)
    search = _toy_search(resource="budget", max_resource=27, sampler="bayes").fit(np.zeros((30, 1)))
    starts = [bracket[0][0] for bracket in search.brackets_]
    assert any(n % 3 for n in starts)  # where rounding up and down differ
    assert asked == [n - math.ceil(n / 3) for n in starts]


class _InterruptedAbove(Toy):
    """Ctrl-C landing in a fit above ``budget=1``."""

    def fit(self, X, y=None):
        if self.budget > 1:
            raise KeyboardInterrupt
        return super().fit(X, y)


def test_ctrl_c_under_a_time_limit_does_not_blame_the_limit():
    search = HyperbandSearchCV(
        _InterruptedAbove(), {"a": Real(0, 1)}, resource="budget", max_resource=27,
        max_time=1000, cv=3, random_state=0,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(KeyboardInterrupt):
            search.fit(np.zeros((30, 1)))
    messages = [str(w.message) for w in caught]
    assert any("interrupted after" in m for m in messages)
    assert not any("max_time" in m for m in messages)
    assert search.n_resources_ == [1]


def test_max_time_before_max_resource_warns_without_a_budget_line(capsys):
    # Hyperband has no evaluation budget: the "ended after k of n evaluations"
    # line of the other searches would read "of None".
    with pytest.warns(UserWarning, match="max_time=1e-09 ended the search"):
        _toy_search(resource="budget", max_resource=27, max_time=1e-9, verbose=1).fit(np.zeros((30, 1)))
    assert "ended the search" not in capsys.readouterr().out
