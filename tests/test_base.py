"""The shared loop, tested through a small private random strategy."""

import functools
import os
import copy
import pickle
import re
import threading
import time
import warnings
from fractions import Fraction
from types import SimpleNamespace

import numpy as np
import pytest
from sklearn import config_context
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import load_iris, make_classification
from sklearn.exceptions import FitFailedWarning
from sklearn.ensemble import BaggingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, make_scorer
from sklearn.metrics._scorer import _Scorer
from sklearn.model_selection import GridSearchCV, GroupKFold, KFold, RandomizedSearchCV, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from skhptune._base import _FIT_RECORDS, AskTellSearchCV, _taken_parameters, Batch, best_so_far, single_threaded_blas
from skhptune._scoring import SearchScorer
from skhptune.space import Integer, Real

X, y = load_iris(return_X_y=True)


class RandomStrategy:
    """Asks batches of uniformly random points, repeats included."""

    def __init__(self, space, rng, batch_size):
        self.space, self.rng, self.batch_size = space, rng, batch_size
        self.told = []

    def ask(self):
        return Batch([self.space.random_point(self.rng) for _ in range(self.batch_size)])

    def tell(self, batch, scores):
        self.told.append(np.asarray(scores))


class RandomSearch(AskTellSearchCV):
    _parameter_constraints = {**AskTellSearchCV._parameter_constraints}

    def __init__(
        self,
        estimator,
        param_distributions,
        *,
        n_iter=6,
        batch_size=3,
        scoring=None,
        n_jobs=None,
        refit=True,
        cv=3,
        verbose=0,
        pre_dispatch="2*n_jobs",
        random_state=None,
        error_score=np.nan,
        return_train_score=False,
        max_time=None,
    ):
        self.n_iter = n_iter
        self.batch_size = batch_size
        super().__init__(
            estimator,
            param_distributions,
            scoring=scoring,
            n_jobs=n_jobs,
            refit=refit,
            cv=cv,
            verbose=verbose,
            pre_dispatch=pre_dispatch,
            random_state=random_state,
            error_score=error_score,
            return_train_score=return_train_score,
            max_time=max_time,
        )

    def _evaluation_budget(self):
        return self.n_iter

    def _make_strategy(self, space, rng):
        return RandomStrategy(space, rng, self.batch_size)

    def _store_strategy_results(self, strategy, space):
        self.strategy_ = strategy


class CountingEvaluations:
    """Wraps evaluate_candidates to record every call."""

    def __init__(self, search):
        self.calls = []
        original = search._run_search

        def run_search(evaluate_candidates, callback_ctx=None):
            def counting(candidates, **kwargs):
                self.calls.append(list(candidates))
                return evaluate_candidates(candidates, **kwargs)

            return original(counting, callback_ctx=callback_ctx)

        search._run_search = run_search


def test_honours_n_iter_with_one_call_per_batch():
    search = RandomSearch(SVC(), {"C": Real(1e-2, 1e2, "log-uniform")}, n_iter=7, random_state=0)
    counter = CountingEvaluations(search)
    search.fit(X, y)
    assert len(search.cv_results_["params"]) == 7
    assert [len(c) for c in counter.calls] == [3, 3, 1]


def test_never_refits_a_configuration():
    space = {"C": [0.1, 1.0, 10.0], "kernel": ["rbf", "linear"]}  # 6 configurations
    search = RandomSearch(SVC(), space, n_iter=5, batch_size=4, random_state=0)
    counter = CountingEvaluations(search)
    search.fit(X, y)
    evaluated = [tuple(sorted(p.items())) for call in counter.calls for p in call]
    assert len(evaluated) == len(set(evaluated)) == 5
    # Repeated points were told the score of their first evaluation.
    told = np.concatenate(search.strategy_.told)
    assert np.isfinite(told).all()


def test_max_time_stops_new_batches():
    class SlowClassifier(LogisticRegression):
        def fit(self, X, y):
            time.sleep(0.05)
            return super().fit(X, y)

    search = RandomSearch(
        SlowClassifier(max_iter=1000), {"C": Real(0.1, 10)}, n_iter=100, max_time=0.2, random_state=0
    )
    search.fit(X, y)
    # One batch (3 candidates x 3 folds x 50 ms) outlasts max_time: no second one.
    assert len(search.cv_results_["params"]) == 3


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_same_results_for_any_n_jobs(n_jobs):
    space = {"C": Real(1e-2, 1e2, "log-uniform"), "gamma": Real(1e-3, 1, "log-uniform")}
    reference = RandomSearch(SVC(), space, random_state=3).fit(X, y)
    search = RandomSearch(SVC(), space, random_state=3, n_jobs=n_jobs).fit(X, y)
    assert search.cv_results_["params"] == reference.cv_results_["params"]
    np.testing.assert_array_equal(
        search.cv_results_["mean_test_score"], reference.cv_results_["mean_test_score"]
    )


def test_multimetric_refit_name_drives_the_search_and_best_index():
    search = RandomSearch(
        SVC(),
        {"C": Real(1e-3, 1e2, "log-uniform")},
        scoring={"acc": "accuracy", "bal": "balanced_accuracy"},
        refit="bal",
        random_state=0,
    ).fit(X, y)
    results = search.cv_results_
    assert search.best_index_ == np.argmax(results["mean_test_bal"])
    told = np.concatenate(search.strategy_.told)
    np.testing.assert_allclose(told, results["mean_test_bal"])
    assert np.allclose(search.history_["score"], results["mean_test_bal"])


def test_without_a_refit_metric_the_first_metric_drives_the_search():
    # Even when a later metric is named "score", the name single-metric results use.
    search = RandomSearch(
        SVC(),
        {"C": Real(1e-3, 1e2, "log-uniform")},
        scoring={"acc": "accuracy", "score": "balanced_accuracy"},
        refit=False,
        random_state=0,
    ).fit(X, y)
    results = search.cv_results_
    assert not np.allclose(results["mean_test_acc"], results["mean_test_score"])
    np.testing.assert_allclose(np.concatenate(search.strategy_.told), results["mean_test_acc"])


def test_history_tracks_best_score_so_far():
    search = RandomSearch(SVC(), {"C": Real(1e-3, 1e2, "log-uniform")}, random_state=0).fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    np.testing.assert_allclose(search.history_["best_score"], np.maximum.accumulate(scores))
    assert np.all(np.diff(search.history_["elapsed_time"]) >= 0)


def test_best_so_far_counts_the_largest_resource_with_a_score():
    nan, inf = np.nan, np.inf
    scores = [nan, 0.3, -inf, 0.2, inf, nan]
    np.testing.assert_array_equal(best_so_far(scores), np.fmax.accumulate(scores))
    # As best_index_: a larger resource replaces the lower ones once it has a
    # score; lower resources no longer count.
    scores = [0.9, nan, 0.5, 0.95, 0.6, 0.4]
    np.testing.assert_array_equal(
        best_so_far(scores, [1, 3, 3, 1, 3, 9]), [0.9, 0.9, 0.5, 0.5, 0.6, 0.4]
    )
    # An infinite score is one, as rank_test_score ranks it (+inf first).
    np.testing.assert_array_equal(
        best_so_far([0.5, inf, -inf], [1, 3, 9]), [0.5, inf, -inf]
    )


def test_finite_space_within_budget_is_evaluated_as_a_grid():
    space = {"C": [1, 1.001, 0.001]}
    search = RandomSearch(SVC(), space, n_iter=3, random_state=0)
    counter = CountingEvaluations(search)
    search.fit(X, y)
    assert counter.calls == [[{"C": 1}, {"C": 1.001}, {"C": 0.001}]]


def test_finite_space_smaller_than_budget_warns_like_sklearn():
    with pytest.warns(UserWarning, match="The total space of parameters 2 is smaller"):
        RandomSearch(SVC(), {"C": [1, 2]}, n_iter=5).fit(X, y)


def test_empty_space_evaluates_estimator_once():
    search = RandomSearch(SVC(), {}, n_iter=5).fit(X, y)
    assert search.cv_results_["params"] == [{}]


def test_unknown_parameter_lists_valid_names():
    with pytest.raises(ValueError, match=r"Invalid parameter 'Cc'.*Valid parameters are: \[.*'C'"):
        RandomSearch(SVC(), {"Cc": [1, 2]}).fit(X, y)


def test_pipeline_names_and_searched_steps_are_accepted():
    pipe = Pipeline([("scale", StandardScaler()), ("clf", None)])
    space = {"clf": [LogisticRegression()], "clf__C": Real(0.1, 10), "scale__with_mean": [True, False]}
    search = RandomSearch(pipe, space, scoring="accuracy", random_state=0).fit(X, y)
    assert search.best_estimator_.named_steps["clf"].C == search.best_params_["clf__C"]
    with pytest.raises(ValueError, match="Invalid parameter 'clf__D'"):
        RandomSearch(Pipeline([("clf", SVC())]), {"clf__D": [1]}).fit(X, y)


def test_names_under_a_step_the_sub_space_swaps_are_trusted_at_any_depth():
    # The base step's own estimator (a tree) has no C: the swapped-in one has.
    pipe = Pipeline([("clf", BaggingClassifier(DecisionTreeClassifier(), n_estimators=2))])
    space = [
        {"clf__estimator__max_depth": [2, 4]},
        {"clf": [BaggingClassifier(LogisticRegression(max_iter=1000), n_estimators=2)],
         "clf__estimator__C": [0.1, 10.0]},
    ]
    search = RandomSearch(pipe, space, n_iter=4, random_state=0).fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    with pytest.raises(ValueError, match="Invalid parameter 'clf__estimator__C'"):
        RandomSearch(pipe, [space[0], {"clf__estimator__C": [0.1]}]).fit(X, y)


class _DuckStep:
    """A transformer from a library that does not build on BaseEstimator: its
    ``set_params`` takes names ``get_params`` does not list, and checks values."""

    def __init__(self):
        self.params = {}

    def get_params(self, deep=True):
        return {}

    def set_params(self, **params):
        for name, value in params.items():
            if not isinstance(value, int):
                raise ValueError(f"{name} must be an integer, got {value!r}")
        self.params.update(params)
        return self

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return X


def test_names_under_a_step_that_is_no_scikit_learn_estimator_are_trusted():
    pipe = Pipeline([("duck", _DuckStep()), ("clf", SVC())])
    search = RandomSearch(pipe, {"duck__depth": [1, 2]}, n_iter=2, random_state=0).fit(X, y)
    assert [p["duck__depth"] for p in search.cv_results_["params"]] == [1, 2]


@pytest.mark.parametrize(
    "params, match",
    [
        ({"max_time": 0}, "max_time"),
        ({"max_time": -1.0}, "max_time"),
        ({"random_state": "a"}, "random_state"),
        ({"param_distributions": 3}, "param_distributions"),
    ],
)
def test_invalid_shared_parameters_raise_at_fit(params, match):
    search = RandomSearch(SVC(), {"C": [1, 2]}).set_params(**params)
    with pytest.raises(ValueError, match=match):
        search.fit(X, y)


class FailingForLargeC(ClassifierMixin, BaseEstimator):
    def __init__(self, C=1.0):
        self.C = C

    def fit(self, X, y):
        if self.C > 1:
            raise ValueError("C too large")
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


def test_the_strategy_is_told_nan_for_failed_fits():
    # Each strategy ranks failures its own way; an imputed worst score would tie
    # with a real one (Hyperband promoted a failed configuration on that tie).
    search = RandomSearch(FailingForLargeC(), {"C": Real(0, 2)}, n_iter=9, batch_size=9, random_state=1)
    with pytest.warns(FitFailedWarning):
        search.fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert np.isnan(scores).any() and np.isfinite(scores).any()
    np.testing.assert_array_equal(search.strategy_.told[0], scores)


@pytest.mark.parametrize("scoring", [None, ["accuracy", "balanced_accuracy"]])
def test_rows_of_a_batch_where_every_fit_fails_are_kept_as_in_one_batch(scoring):
    # BaseSearchCV raises on such a batch and keeps nothing of it; the search
    # goes on and the rows come back as RandomizedSearchCV's single batch has them.
    params = dict(
        n_iter=6,
        random_state=0,
        scoring=scoring,
        refit="accuracy" if scoring else True,
        return_train_score=True,
    )
    one_by_one = RandomSearch(FailingForLargeC(), {"C": Real(0, 2)}, batch_size=1, **params)
    with pytest.warns(FitFailedWarning, match="fits failed out of a total of 18"):
        one_by_one.fit(X, y)
    together = RandomSearch(FailingForLargeC(), {"C": Real(0, 2)}, batch_size=6, **params)
    with pytest.warns(FitFailedWarning):
        together.fit(X, y)
    kept, expected = one_by_one.cv_results_, together.cv_results_
    assert list(kept) == list(expected)
    assert kept["params"] == expected["params"]
    for key in expected:
        if key != "params" and not key.endswith("_time"):
            np.testing.assert_array_equal(np.ma.getdata(kept[key]), np.ma.getdata(expected[key]))
            np.testing.assert_array_equal(np.ma.getmaskarray(kept[key]), np.ma.getmaskarray(expected[key]))
    metric = "accuracy" if scoring else "score"
    scores = kept[f"mean_test_{metric}"]
    assert np.isnan(scores).any() and np.isfinite(scores).any()
    np.testing.assert_array_equal(one_by_one.history_["score"], scores)
    assert one_by_one.best_index_ == together.best_index_
    assert one_by_one.best_params_["C"] <= 1


@pytest.mark.parametrize("batch_size", [1, 2, 6])
def test_failed_fits_are_reported_once_counting_every_batch(batch_size):
    # RandomizedSearchCV warns once for its one batch; a search of many batches
    # (some failing whole) must give that same single warning, not one per batch.
    search = RandomSearch(
        FailingForLargeC(), {"C": Real(0, 2)}, n_iter=6, batch_size=batch_size, cv=3,
        random_state=0,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        search.fit(X, y)
    failures = [str(w.message) for w in caught if issubclass(w.category, FitFailedWarning)]
    n_failed = 3 * int(np.isnan(search.cv_results_["mean_test_score"]).sum())
    assert 0 < n_failed < 18
    assert len(failures) == 1
    assert f"{n_failed} fits failed out of a total of 18" in failures[0]
    assert f"{n_failed} fits failed with the following error" in failures[0]


@pytest.mark.parametrize(
    "inner, space, summary",
    [
        (
            RandomSearch(
                FailingForLargeC(), {"C": Real(0, 2)}, n_iter=6, batch_size=2, cv=3,
                random_state=0,
            ),
            {"n_iter": [6]},
            "fits failed out of a total of 18",
        ),
        (GridSearchCV(FailingForLargeC(), {"C": [0.5, 1.5]}, cv=3), {"cv": [3]},
         "3 fits failed out of a total of 6"),
    ],
    ids=["skhptune", "scikit-learn"],
)
def test_a_search_fitted_inside_another_search_reports_its_failed_fits(inner, space, summary):
    # The outer search runs its fits in this thread (n_jobs=1) and defers its
    # own "fits failed" warning meanwhile: the inner search's must still show.
    outer = RandomSearch(inner, space, n_iter=1, cv=2, random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        outer.fit(X, y)
    failures = [str(w.message) for w in caught if issubclass(w.category, FitFailedWarning)]
    assert len(failures) == 2 + 1  # each outer fold's inner search, and its refit
    assert all(summary in failure for failure in failures)


class FailingToPredictForLargeC(FailingForLargeC):
    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        if self.C > 1:
            raise ValueError("C too large to predict")
        return super().predict(X)


@pytest.mark.parametrize(
    "estimator, scoring, warning",
    [
        (FailingForLargeC(), None, FitFailedWarning),
        # scikit-learn puts error_score in place of a score it could not compute,
        # with no fit_error to tell.
        (FailingToPredictForLargeC(), None, UserWarning),
        (FailingToPredictForLargeC(), {"acc": "accuracy", "bal": "balanced_accuracy"}, UserWarning),
    ],
)
def test_the_strategy_is_told_nan_for_failures_whatever_error_score(estimator, scoring, warning):
    # A numeric error_score is no score (under a neg_ metric 0 beats them all):
    # the strategy is told NaN, cv_results_ and history_ keep error_score.
    search = RandomSearch(
        estimator, {"C": Real(0, 2)}, n_iter=9, batch_size=9, random_state=1,
        error_score=-1.0, scoring=scoring, refit="acc" if scoring else True,
    )
    with pytest.warns(warning):
        search.fit(X, y)
    scores = search.cv_results_["mean_test_acc" if scoring else "mean_test_score"]
    failed = np.array([params["C"] > 1 for params in search.cv_results_["params"]])
    assert failed.any() and not failed.all()
    np.testing.assert_array_equal(scores[failed], -1.0)
    told = search.strategy_.told[0]
    assert np.isnan(told[failed]).all()
    np.testing.assert_array_equal(told[~failed], scores[~failed])
    np.testing.assert_array_equal(search.history_["score"], scores)


def test_a_real_score_equal_to_error_score_in_some_split_is_a_score():
    # error_score=0 under a neg_ metric: a perfect first fold is a real score,
    # told to the strategy as it is.
    def perfect_on_the_first_fold(estimator, X_test, y_test):
        return 0.0 if np.array_equal(X_test[0], X[0]) else -0.5

    search = RandomSearch(
        LogisticRegression(), {"C": Real(0.1, 2)}, n_iter=4, batch_size=4, random_state=0,
        cv=KFold(3), scoring=perfect_on_the_first_fold, error_score=0.0,
    )
    search.fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    np.testing.assert_allclose(scores, -1 / 3)
    np.testing.assert_array_equal(search.strategy_.told[0], scores)


def _perfect_where_it_predicts(estimator, X_test, y_test):
    estimator.predict(X_test)  # raises for C > 1
    return 0


def _perfect_as_an_array(estimator, X_test, y_test):
    # scikit-learn reads a 0-d array as the number it holds.
    return np.array(_perfect_where_it_predicts(estimator, X_test, y_test), dtype=float)


@pytest.mark.parametrize(
    "scoring, refit, metric",
    [
        (_perfect_where_it_predicts, True, "score"),
        ({"own": _perfect_where_it_predicts, "acc": "accuracy"}, "own", "own"),
        (_perfect_as_an_array, True, "score"),
    ],
    ids=["callable", "dict", "array"],
)
def test_a_real_score_equal_to_error_score_in_every_split_is_a_score(scoring, refit, metric):
    # A perfect score (0 under a neg_ metric) in every split is real, while
    # scikit-learn's error_score=0 in place of a score that raised is a failure.
    search = RandomSearch(
        FailingToPredictForLargeC(), {"C": Real(0, 2)}, n_iter=6, batch_size=6, random_state=1,
        scoring=scoring, refit=refit, error_score=0,
    )
    with pytest.warns(UserWarning, match="Scoring failed"):
        search.fit(X, y)
    scores = search.cv_results_[f"mean_test_{metric}"]
    failed = np.array([params["C"] > 1 for params in search.cv_results_["params"]])
    assert failed.any() and not failed.all()
    np.testing.assert_array_equal(scores, 0.0)
    told = search.strategy_.told[0]
    assert np.isnan(told[failed]).all()
    np.testing.assert_array_equal(told[~failed], 0.0)


def test_a_real_score_equal_to_error_score_from_a_callable_of_several_metrics_is_a_score():
    # (A callable returning a dict cannot fail a split: scikit-learn's
    # error_score in place of the dict breaks its results, GridSearchCV's too.)
    def perfect_and_half(estimator, X_test, y_test):
        return {"own": 0, "two": 0.5}

    search = RandomSearch(
        LogisticRegression(max_iter=1000), {"C": Real(0.1, 2)}, n_iter=4, batch_size=4,
        random_state=0, scoring=perfect_and_half, refit="own", error_score=0,
    ).fit(X, y)
    np.testing.assert_array_equal(search.strategy_.told[0], 0.0)


@pytest.mark.parametrize("error_score", [-(10**20), Fraction(-1, 3)])
def test_any_real_error_score_is_accepted(error_score):
    # Numbers numpy cannot test for NaN, as RandomizedSearchCV accepts them.
    search = RandomSearch(
        FailingToPredictForLargeC(), {"C": Real(0, 2)}, n_iter=4, batch_size=4,
        random_state=1, error_score=error_score,
    )
    with pytest.warns(UserWarning, match="Scoring failed"):
        search.fit(X, y)
    failed = np.array([params["C"] > 1 for params in search.cv_results_["params"]])
    assert failed.any() and not failed.all()
    assert np.isnan(search.strategy_.told[0][failed]).all()


def test_history_of_a_wholly_failed_batch_shows_a_numeric_error_score():
    search = RandomSearch(
        FailingForLargeC(), {"C": Real(0, 2)}, batch_size=1, n_iter=6, random_state=0,
        error_score=-1.0,
    )
    with pytest.warns(FitFailedWarning):
        search.fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert (scores == -1.0).any() and (scores > 0).any()
    np.testing.assert_array_equal(search.history_["score"], scores)
    # No fit ran to completion in those rows: no time, as the docstring says.
    for column in ("mean_fit_time", "mean_score_time"):
        assert (search.cv_results_[column][scores == -1.0] == 0).all()


def test_every_fit_failing_raises_counting_the_fits_of_every_batch():
    # Two batches of two candidates, cv=3: the error reports all 12 fits, as one
    # RandomizedSearchCV batch of the same candidates would.
    search = RandomSearch(FailingForLargeC(), {"C": Real(2, 3)}, n_iter=4, batch_size=2, cv=3)
    message = "All the 12 fits failed.+12 fits failed with the following error"
    with warnings.catch_warnings():
        warnings.simplefilter("error", FitFailedWarning)  # the error says it all
        with pytest.raises(ValueError, match=re.compile(message, re.DOTALL)):
            search.fit(X, y)


class NanEveryFifthScore:
    """A scorer giving NaN on every fifth call, as a flaky metric would."""

    def __init__(self):
        self.calls = 0

    def __call__(self, estimator, X, y):
        self.calls += 1
        return np.nan if self.calls % 5 == 0 else estimator.score(X, y)


@pytest.mark.parametrize("return_train_score", [False, True])
def test_non_finite_scores_warn_once_over_all_rows(return_train_score):
    search = RandomSearch(
        SVC(), {"C": Real(0.1, 10)}, n_iter=12, batch_size=2, scoring=NanEveryFifthScore(),
        return_train_score=return_train_score, random_state=0,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        search.fit(X, y)
    messages = [str(w.message) for w in caught if "non-finite" in str(w.message)]
    # BaseSearchCV alone warns after every batch from the first NaN on.
    assert len(messages) == (2 if return_train_score else 1)
    assert messages[0].startswith("One or more of the test scores are non-finite")
    # ... and the one warning shows the scores of every row.
    assert messages[0].endswith(str(search.cv_results_["mean_test_score"]))
    assert len(search.cv_results_["params"]) == 12


def test_numpy_warnings_of_formatting_come_once_as_in_randomized_search():
    # An error_score of -inf makes scikit-learn's formatting warn "invalid value
    # encountered in subtract" (std of -inf rows): once per search, not per batch.
    from sklearn.model_selection import RandomizedSearchCV

    Cs = [-1.0, 0.01, -3.0, 1.0, 10.0, -2.0, 0.1, 3.0]  # negative C fails to fit

    def numpy_warnings(search):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            search.fit(X, y)
        return [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)
                and "invalid value" in str(w.message)]

    search = RandomSearch(
        LogisticRegression(max_iter=500), {"C": Cs}, n_iter=6, batch_size=2,
        error_score=-np.inf, random_state=0,
    )
    ours = numpy_warnings(search)
    assert len(set(search.history_["elapsed_time"])) > 1  # several batches
    assert np.isinf(search.cv_results_["mean_test_score"]).sum() >= 1
    theirs = numpy_warnings(RandomizedSearchCV(
        LogisticRegression(max_iter=500), {"C": Cs}, n_iter=6, cv=3,
        error_score=-np.inf, random_state=0,
    ))
    assert len(theirs) >= 1
    assert ours == theirs


def test_groups_reach_the_splitter():
    X_, y_ = make_classification(n_samples=60, random_state=0)
    groups = np.repeat(np.arange(6), 10)
    search = RandomSearch(LogisticRegression(), {"C": Real(0.1, 1)}, cv=GroupKFold(3), random_state=0)
    search.fit(X_, y_, groups=groups)
    assert search.n_splits_ == 3


def test_fitted_search_pickles():
    search = RandomSearch(SVC(), {"C": Real(0.1, 10)}, random_state=0).fit(X, y)
    restored = pickle.loads(pickle.dumps(search))
    np.testing.assert_array_equal(restored.predict(X), search.predict(X))
    assert restored.history_["score"].tolist() == search.history_["score"].tolist()


def test_infinite_max_time_means_no_limit():
    search = RandomSearch(SVC(), {"C": Real(0.1, 10)}, n_iter=6, max_time=np.inf, random_state=0)
    unlimited = RandomSearch(SVC(), {"C": Real(0.1, 10)}, n_iter=6, random_state=0)
    assert search.fit(X, y).cv_results_["params"] == unlimited.fit(X, y).cv_results_["params"]


def test_verbose_prints_one_line_per_batch(capsys):
    RandomSearch(SVC(), {"C": Real(0.1, 10)}, verbose=1, random_state=0).fit(X, y)
    lines = re.findall(r"\[RandomSearch\] batch \d+: \d+/6 evaluations, best score", capsys.readouterr().out)
    assert len(lines) == 2


def test_verbose_names_the_metric_it_reports_among_several(capsys):
    RandomSearch(
        SVC(), {"C": Real(0.1, 10)}, scoring=["f1_macro", "accuracy"], refit="accuracy", verbose=1,
        random_state=0,
    ).fit(X, y)
    out = capsys.readouterr().out
    assert re.search(r"batch 1: \d+/6 evaluations, best accuracy", out)
    assert "best score" not in out


class _FailingFirstFits(SVC):
    """Fails its first ``n_failing`` fits in this process (counted on the class)."""

    n_failing = 0

    def fit(self, X, y, **kwargs):
        if type(self).n_failing > 0:
            type(self).n_failing -= 1
            raise ValueError("failing on purpose")
        return super().fit(X, y, **kwargs)


def test_verbose_names_the_metric_before_any_batch_succeeded(capsys):
    _FailingFirstFits.n_failing = 6  # the first batch: 2 configurations, 3 folds
    search = RandomSearch(
        _FailingFirstFits(), {"C": Real(0.1, 10)}, scoring=["f1_macro", "accuracy"],
        refit="accuracy", verbose=1, batch_size=2, n_iter=4, random_state=0,
    )
    with pytest.warns(FitFailedWarning):
        search.fit(X, y)
    out = capsys.readouterr().out
    assert re.search(r"batch 1: 2/4 evaluations, best accuracy nan", out)


def test_verbose_counts_the_grid_that_runs_not_the_budget(capsys):
    # Two configurations against a budget of 6: the grid of 2 is what runs.
    with pytest.warns(UserWarning, match="smaller than"):
        RandomSearch(SVC(), {"C": [1, 2]}, verbose=1, random_state=0).fit(X, y)
    assert re.search(r"batch 1: 2/2 evaluations", capsys.readouterr().out)


def test_verbose_estimates_the_time_left_from_the_evaluations_left(capsys, monkeypatch):
    # A clock that advances 10 s a reading, so that the estimates are not all 0.
    readings = iter(range(0, 10_000, 10))
    monkeypatch.setattr("skhptune._base.time", SimpleNamespace(perf_counter=lambda: next(readings)))
    RandomSearch(SVC(), {"C": Real(0.1, 10)}, verbose=1, random_state=0).fit(X, y)
    lines = re.findall(r"(\d+)/6 evaluations, .*, ([\d.]+) s elapsed, ~(\d+) s left", capsys.readouterr().out)
    (first_done, _, first_left), (last_done, last_elapsed, last_left) = lines
    assert (first_done, last_done) == ("3", "6")
    assert int(first_left) > 0
    # Nothing is left after the last batch, however long the search took.
    assert float(last_elapsed) >= 10 and last_left == "0"


def test_verbose_zero_prints_nothing(capsys):
    RandomSearch(SVC(), {"C": Real(0.1, 10)}, random_state=0).fit(X, y)
    assert capsys.readouterr().out == ""


def test_integer_parameters_are_native_ints_in_results():
    search = RandomSearch(LogisticRegression(), {"max_iter": Integer(50, 200)}, random_state=0).fit(X, y)
    assert all(type(p["max_iter"]) is int for p in search.cv_results_["params"])


def test_keyboard_interrupt_keeps_finished_batches():
    class InterruptingStrategy(RandomStrategy):
        def ask(self):
            if len(self.told) == 2:
                raise KeyboardInterrupt("from ask")
            return super().ask()

    search = RandomSearch(SVC(), {"C": Real(0.1, 10)}, n_iter=30, random_state=0)
    search._make_strategy = lambda space, rng: InterruptingStrategy(space, rng, 3)
    # The search is fitted on what finished, and the interrupt still gets
    # through, as it was raised (its message, its traceback down to ask).
    with pytest.warns(UserWarning, match="interrupted after 6 evaluations"):
        with pytest.raises(KeyboardInterrupt, match="from ask") as interrupt:
            search.fit(X, y)
    assert interrupt.traceback[-1].name == "ask"
    assert len(search.cv_results_["params"]) == 6
    assert search.predict(X).shape == (len(X),)
    assert not hasattr(search, "_interrupted")


class _InterruptAtTaskEnd:
    """A scikit-learn callback raising KeyboardInterrupt as the ``nth`` task
    named ``task_name`` ends (Ctrl-C landing there)."""

    def __init__(self, task_name, nth=1):
        self.task_name, self.nth, self.n_ended = task_name, nth, 0

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context, **kwargs):
        pass

    def on_fit_task_end(self, estimator, context, **kwargs):
        if context.task_name == self.task_name:
            self.n_ended += 1
            if self.n_ended == self.nth:
                raise KeyboardInterrupt


def test_keyboard_interrupt_as_a_batch_ends_keeps_that_batch_in_every_record():
    # A Ctrl-C landing in the callbacks that end a batch comes after
    # evaluate_candidates stored its rows: history_ and the warning count them too.
    pytest.importorskip("sklearn.callback")
    search = RandomSearch(SVC(), {"C": Real(0.1, 10)}, n_iter=9, batch_size=3, random_state=0)
    search.set_callbacks(_InterruptAtTaskEnd("batch", 2))
    with pytest.warns(UserWarning, match="interrupted after 6 evaluations"):
        with pytest.raises(KeyboardInterrupt):
            search.fit(X, y)
    assert len(search.cv_results_["params"]) == 6
    assert len(search.history_["score"]) == 6
    # The strategy is told it too (GeneticSearchCV's generation_stats_).
    np.testing.assert_array_equal(
        np.concatenate(search.strategy_.told), search.cv_results_["mean_test_score"]
    )


@pytest.mark.parametrize("space", [{"C": Real(0.1, 10)}, {"C": [0.1, 1.0, 10.0]}])
def test_keyboard_interrupt_as_the_search_ends_keeps_every_batch(space):
    # A grid that fits the budget is one batch whose end is the search's end.
    pytest.importorskip("sklearn.callback")
    search = RandomSearch(SVC(), space, n_iter=6, batch_size=3, random_state=0)
    search.set_callbacks(_InterruptAtTaskEnd("search"))
    with pytest.warns(UserWarning, match="interrupted after (6|3) evaluations"):
        with pytest.raises(KeyboardInterrupt):
            search.fit(X, y)
    assert len(search.cv_results_["params"]) == (6 if isinstance(space["C"], Real) else 3)
    assert search.predict(X).shape == (len(X),)


class _WeightedAccuracy(_Scorer):
    """A scikit-learn scorer whose class asks for sample_weight."""

    __metadata_request__score = {"sample_weight": True}


def test_a_scorer_class_asking_for_metadata_gets_it_among_several():
    # Routing is the scorer's own, whichever form the search's adapter takes.
    X_, y_ = make_classification(n_samples=80, random_state=0)
    weights = np.random.RandomState(0).uniform(size=80) ** 4
    with config_context(enable_metadata_routing=True):
        weighted = _WeightedAccuracy(accuracy_score, 1, {}, "predict")
        if "sample_weight" not in str(weighted.get_metadata_routing()):
            pytest.skip("this scikit-learn reads no request from a scorer's class")
        unweighted = make_scorer(accuracy_score).set_score_request(sample_weight=False)
        search = RandomSearch(
            LogisticRegression().set_fit_request(sample_weight=False), {"C": Real(0.1, 10)},
            n_iter=2, scoring={"w": weighted, "x": unweighted}, refit="w", cv=KFold(3),
            random_state=0,
        ).fit(X_, y_, sample_weight=weights)
    train, test = next(KFold(3).split(X_))
    model = LogisticRegression(**search.cv_results_["params"][0]).fit(X_[train], y_[train])
    expected = accuracy_score(y_[test], model.predict(X_[test]), sample_weight=weights[test])
    assert search.cv_results_["split0_test_w"][0] == pytest.approx(expected)


def test_the_scorer_adapter_keeps_python_protocols_its_own():
    class Copied:
        def __call__(self, estimator, X, y):
            return 0.0

        def __deepcopy__(self, memo):
            return Copied()

    assert type(copy.deepcopy(SearchScorer(Copied(), 0))) is SearchScorer


class _CountingPredictProba(LogisticRegression):
    calls = 0

    def predict_proba(self, X):
        type(self).calls += 1
        return super().predict_proba(X)


def test_metrics_share_the_predictions_as_in_randomized_search_cv():
    # scikit-learn computes predict_proba once per split for all the metrics
    # that need it (scikit-learn < 1.6 too, where the search's scorers sit in a dict).
    X_, y_ = make_classification(n_samples=60, random_state=0)
    scoring = {"ll": "neg_log_loss", "brier": "neg_brier_score", "auc": "roc_auc"}
    calls = []
    for search_class in (RandomizedSearchCV, RandomSearch):
        _CountingPredictProba.calls = 0
        search_class(
            _CountingPredictProba(), {"C": Real(0.1, 10)}, n_iter=3, scoring=scoring,
            refit=False, cv=3, random_state=0,
        ).fit(X_, y_)
        calls.append(_CountingPredictProba.calls)
    assert calls[0] == calls[1] > 0


def test_keyboard_interrupt_as_the_fit_ends_leaves_the_scoring_given():
    # BaseSearchCV sets scorer_ before the callbacks end the fit.
    pytest.importorskip("sklearn.callback")

    def accuracy(estimator, X_test, y_test):
        return float(np.mean(estimator.predict(X_test) == y_test))

    search = RandomSearch(SVC(), {"C": Real(0.1, 10)}, n_iter=3, scoring=accuracy, random_state=0)
    search.set_callbacks(_InterruptAtTaskEnd("fit"))
    with pytest.raises(KeyboardInterrupt):
        search.fit(X, y)
    assert search.scorer_ is accuracy


def test_error_score_raise_passes_a_nested_searchs_error_on_at_once():
    # The inner search's "All the 6 fits failed" is its own error, not a summary
    # of the outer batch: with error_score="raise" it stops the outer search.
    inner = GridSearchCV(FailingForLargeC(), {"C": [1.5, 2.0]}, cv=3)
    outer = RandomSearch(
        inner, {"estimator__C": Real(0.5, 2)}, n_iter=6, batch_size=1, cv=2,
        error_score="raise", random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FitFailedWarning)
        with pytest.raises(ValueError, match="All the 6 fits failed"):
            outer.fit(X, y)


@pytest.mark.parametrize(
    "inner_grids",
    [
        [{"C": [1.5, 2.0]}, {"C": [0.5, 2.0]}, {"C": [1.2, 3.0]}, {"C": [0.5, 0.8]}],
        [{"C": [1.5, 2.0]}, {"C": [1.2, 3.0]}],
    ],
    ids=["some fail", "all fail"],
)
def test_a_nested_searchs_failures_count_once_in_the_summary(inner_grids):
    # An inner grid of only large C fails whole: its "All the 6 fits failed"
    # message, with its own sections, is the text of one outer failure, and the
    # outer summary counts what GridSearchCV's does.
    inner = GridSearchCV(FailingForLargeC(), {"C": [1.0]}, cv=3)
    space = {"param_grid": inner_grids}
    reference = GridSearchCV(inner, space, cv=2)
    search = RandomSearch(
        inner, space, n_iter=len(inner_grids), batch_size=1, cv=2, random_state=0
    )

    def summary(search):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                search.fit(X, y)
            except ValueError as error:
                return str(error)
        failures = [str(w.message) for w in caught if issubclass(w.category, FitFailedWarning)]
        return failures[-1]

    expected, got = summary(reference), summary(search)
    assert got.splitlines()[1] == expected.splitlines()[1]  # the count of failed fits
    assert got.count("fits failed with the following error") == expected.count(
        "fits failed with the following error"
    )


def test_a_nested_searchs_failure_warning_raised_as_an_error_keeps_its_sections():
    # With warnings turned into errors, an inner search's "1 fits failed out of a
    # total of 2" warning is the error of an outer fit, its sections inside that
    # error's text: the outer summary reads as GridSearchCV's, every outer
    # section kept.
    inner = GridSearchCV(FailingForLargeC(), {"C": [1.0]}, cv=2)
    space = {"param_grid": [{"C": [0.5, 2.0]}, {"C": [1.5, 2.0]}]}

    def summary(search):
        with warnings.catch_warnings():
            warnings.simplefilter("error", FitFailedWarning)
            with pytest.raises(ValueError) as raised:
                search.fit(X, y)
        return str(raised.value)

    expected = summary(GridSearchCV(inner, space, cv=2))
    got = summary(RandomSearch(inner, space, n_iter=2, batch_size=1, cv=2, random_state=0))
    assert "fits failed out of a total of" in expected
    assert got == expected


def test_an_error_quoting_the_all_failed_line_is_no_nested_summary():
    # Only scikit-learn's whole preamble starts a nested summary; an error that
    # quotes its first line keeps the outer sections after it outer.
    from sklearn.model_selection._validation import _warn_or_raise_about_fit_failures

    from skhptune._base import _failed_fits

    errors = ["Traceback\nValueError: saw 'All the 3 fits failed.' earlier\n"] * 2
    errors += ["Traceback\nValueError: one\n", "Traceback\nValueError: two\n"]
    with pytest.raises(ValueError) as raised:
        _warn_or_raise_about_fit_failures([{"fit_error": e} for e in errors], np.nan)
    assert sorted(_failed_fits(str(raised.value))) == sorted(errors)


def test_keyboard_interrupt_stops_the_caller_of_a_nested_search():
    # Inside cross_val_score (or an outer search) Ctrl-C must stop everything, as
    # with GridSearchCV, not leave one fold with a cut-down search.
    fits = []

    class InterruptedSVC(SVC):
        def fit(self, X, y):
            fits.append(1)
            if len(fits) == 20:  # Ctrl-C during the second batch of the first fold
                raise KeyboardInterrupt
            return super().fit(X, y)

    search = RandomSearch(InterruptedSVC(), {"C": Real(0.1, 10)}, n_iter=30, random_state=0)
    with pytest.warns(UserWarning, match="interrupted"), pytest.raises(KeyboardInterrupt):
        cross_val_score(search, X, y, cv=3)
    assert len(fits) == 21  # the refit of the first fold's best, then nothing more


def test_keyboard_interrupt_after_only_failed_fits_stays_an_interrupt():
    # Nothing usable finished: fit raises the interrupt at once, not the
    # all-fits-failed ValueError a caller (cross_val_score) would skip.
    fits = []

    class FailingThenInterruptedSVC(SVC):
        def fit(self, X, y):
            fits.append(1)
            if len(fits) <= 9:  # every fit of the first batch (3 x 3 folds)
                raise ValueError("failing as asked")
            if len(fits) == 12:
                raise KeyboardInterrupt
            return super().fit(X, y)

    search = RandomSearch(FailingThenInterruptedSVC(), {"C": Real(0.1, 10)}, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FitFailedWarning)
        with pytest.raises(KeyboardInterrupt):
            search.fit(X, y)


def test_an_interrupted_flag_left_on_a_copy_does_not_reach_its_next_fit():
    # A callback may pickle the search while an interrupted fit ends.
    search = RandomSearch(SVC(), {"C": Real(0.1, 10)}, random_state=0)
    search._interrupted = KeyboardInterrupt()
    search.fit(X, y)  # raised KeyboardInterrupt before the fix
    assert len(search.cv_results_["params"]) == 6


def test_keyboard_interrupt_then_a_failing_refit_stays_an_interrupt():
    fits = []

    class InterruptedThenFailingSVC(SVC):
        def fit(self, X, y):
            fits.append(1)
            if len(fits) == 12:  # Ctrl-C during the second batch
                raise KeyboardInterrupt
            if len(fits) > 12:  # the refit
                raise RuntimeError("refit fails")
            return super().fit(X, y)

    search = RandomSearch(InterruptedThenFailingSVC(), {"C": Real(0.1, 10)}, random_state=0)
    with pytest.warns(UserWarning, match="interrupted"), pytest.raises(KeyboardInterrupt) as info:
        search.fit(X, y)
    assert isinstance(info.value.__cause__, RuntimeError)


def test_results_of_many_batches_are_formatted_as_gridsearchcv_formats_them():
    # Between batches the parameter columns are left out; the final cv_results_
    # must still be exactly scikit-learn's, masked columns and key order included.
    space = [
        {"kernel": ["rbf"], "C": Real(0.1, 10), "gamma": Real(0.01, 1)},
        {"kernel": ["poly"], "C": Real(0.1, 10), "degree": Integer(2, 3)},
    ]
    seen = {}

    def best_index(results):
        seen.update(results)
        return int(np.argmax(results["mean_test_score"]))

    search = RandomSearch(SVC(), space, n_iter=9, batch_size=2, refit=best_index, random_state=0)
    counting = CountingEvaluations(search)
    search.fit(X, y)
    assert len(counting.calls) == 5
    params = search.cv_results_["params"]
    grid = GridSearchCV(SVC(), [{k: [v] for k, v in p.items()} for p in params], cv=3).fit(X, y)
    ours, theirs = search.cv_results_, grid.cv_results_
    assert list(ours) == list(theirs)
    for key in theirs:
        if key.startswith("param_"):
            assert ours[key].dtype == theirs[key].dtype
            np.testing.assert_array_equal(ours[key].mask, theirs[key].mask)
            assert list(ours[key].compressed()) == list(theirs[key].compressed())
        elif "time" not in key:
            np.testing.assert_array_equal(ours[key], theirs[key])
    # A callable refit reads the finished results too.
    assert set(seen) == set(theirs)


def test_keyboard_interrupt_before_any_result_propagates():
    class InterruptingStrategy(RandomStrategy):
        def ask(self):
            raise KeyboardInterrupt

    search = RandomSearch(SVC(), {"C": Real(0.1, 10)}, random_state=0)
    search._make_strategy = lambda space, rng: InterruptingStrategy(space, rng, 3)
    # Nothing to keep: no "keeping the results so far" warning, no results.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(KeyboardInterrupt):
            search.fit(X, y)
    assert not [w for w in caught if "interrupted" in str(w.message)]
    assert not hasattr(search, "cv_results_")


def blas_threads():
    from threadpoolctl import threadpool_info

    return [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]


@pytest.mark.parametrize("has_controller", [True, False])
def test_single_threaded_blas_limits_blas_and_restores_it(
    monkeypatch, request, has_controller
):
    import threadpoolctl

    from skhptune import _base
    from skhptune._base import _threadpool_controller

    if not has_controller:  # threadpoolctl 2, which scikit-learn 1.4 accepts
        without_controller = SimpleNamespace(threadpool_limits=threadpoolctl.threadpool_limits)
        monkeypatch.setattr(_base, "threadpoolctl", without_controller)
    _threadpool_controller.cache_clear()
    request.addfinalizer(_threadpool_controller.cache_clear)
    assert (_threadpool_controller() is not None) == has_controller

    before = blas_threads()
    assert before, "numpy's BLAS should be found"
    with single_threaded_blas():
        assert all(n == 1 for n in blas_threads())
    assert blas_threads() == before


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX only")
def test_a_process_forked_while_another_thread_limits_blas_can_limit_it():
    # The multiprocessing backend forks its workers from whichever thread runs;
    # a worker fitting a search must not wait for a lock no thread will release.
    holding, forked = threading.Event(), threading.Event()

    def hold_the_limit():
        with single_threaded_blas():
            holding.set()
            forked.wait(10)

    thread = threading.Thread(target=hold_the_limit)
    thread.start()
    holding.wait(10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads, 3.12+
        pid = os.fork()
    if pid == 0:
        status = 1
        try:
            with single_threaded_blas():
                status = 0
        finally:
            os._exit(status)
    forked.set()
    thread.join()
    for _ in range(200):
        ended, status = os.waitpid(pid, os.WNOHANG)
        if ended:
            break
        time.sleep(0.05)
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        pytest.fail("the forked process waited for the BLAS limit's lock")
    assert os.waitstatus_to_exitcode(status) == 0


def test_blas_limits_of_threads_hold_to_their_end_and_restore_blas():
    # Searches in threads of one process (nested cross-validation on the
    # threading backend). The proposals depend on the BLAS thread count, so the
    # second thread's limit must hold to its end although the first's ends
    # before; and lifting a limit from another thread than the one that set
    # it, while that one lives, left OpenBLAS at one thread for good.
    before = blas_threads()
    if not before or max(before) == 1:
        pytest.skip("BLAS runs one thread on this machine")
    first_in, second_entering, first_out, second_out = (threading.Event() for _ in range(4))
    seen = []

    def first():
        with single_threaded_blas():
            first_in.set()
            second_entering.wait(10)
            time.sleep(0.05)  # lets the second thread reach its limit
        first_out.set()
        second_out.wait(10)  # alive until the second ends

    def second():
        first_in.wait(10)
        second_entering.set()
        with single_threaded_blas():
            first_out.wait(10)
            seen.extend(blas_threads())
        second_out.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen and all(n == 1 for n in seen)
    assert blas_threads() == before


class PicklingStrategy(RandomStrategy):
    """Pickles the search before each batch, as a process backend does per task."""

    def __init__(self, search, *args):
        super().__init__(*args)
        self.search, self.pickled = search, []

    def ask(self):
        held = set(vars(self.search))
        self.pickled.append((held, pickle.loads(pickle.dumps(self.search))))
        return super().ask()


class PicklingSearch(RandomSearch):
    def _make_strategy(self, space, rng):
        return PicklingStrategy(self, space, rng, self.batch_size)


def test_a_search_pickled_while_it_fits_leaves_the_fit_records_behind():
    # scikit-learn hands the search to every fit task (the callbacks' caller),
    # so a process backend or dask pickles it once per task: it must not carry
    # the data or every fit so far.
    search = PicklingSearch(LogisticRegression(), {"C": Real(0.1, 10)}, n_iter=6, batch_size=3)
    search.fit(X, y)
    held, restored = search.strategy_.pickled[-1]  # after a batch: records held
    assert {"_partial_results", "_failed_batches"} <= held
    assert not set(_FIT_RECORDS) & set(vars(restored))
    fitted = pickle.loads(pickle.dumps(search))
    np.testing.assert_array_equal(fitted.predict(X), search.predict(X))


def test_taken_parameters_read_every_layer_of_a_decorated_fit():
    def fit(self, X, y=None, *args, sample_weight=None):
        return self

    def named_option(inner):
        @functools.wraps(inner)
        def wrapper(self, X, y=None, log_to=None, sample_weight=None):
            return inner(self, X, y, sample_weight=sample_weight)

        return wrapper

    assert _taken_parameters(fit) == {"self", "X", "y", "sample_weight"}  # not "args"
    assert _taken_parameters(named_option(fit)) == {"self", "X", "y", "sample_weight", "log_to"}

    def passing_anything(inner):
        @functools.wraps(inner)
        def wrapper(self, *args, **kwargs):
            kwargs.pop("verbose_fit", None)
            return inner(self, *args, **kwargs)

        return wrapper

    assert _taken_parameters(passing_anything(fit)) is None
    # scikit-learn's own wrappers (its fit context) pass **kwargs through.
    assert "callback" not in _taken_parameters(LogisticRegression().fit)
