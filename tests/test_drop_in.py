"""GridSearchCV scenarios, run against every skhptune search.

Each test is something a ``GridSearchCV`` user does; swapping the class must keep
it working. Budgets are tiny: these tests check behaviour, not search quality.
"""

import functools
import pickle
import warnings

import numpy as np
import pytest
from scipy.stats import loguniform, rv_discrete
from sklearn import config_context
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import load_iris, make_classification, make_regression
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import make_scorer, recall_score
from sklearn.model_selection import (
    BaseCrossValidator, GridSearchCV, GroupKFold, KFold, RandomizedSearchCV, cross_validate,
)
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils import check_random_state

from skhptune import BayesSearchCV, GeneticSearchCV, HyperbandSearchCV
from skhptune.space import Real

X, y = load_iris(return_X_y=True)
BUDGETS = {
    BayesSearchCV: {"n_iter": 6},
    GeneticSearchCV: {"population_size": 4, "n_generations": 2},
    HyperbandSearchCV: {"min_resource": 30, "eta": 2},
}
SEARCHES = list(BUDGETS)


def make(Search, estimator, space, **params):
    return Search(estimator, space, **{**BUDGETS[Search], "random_state": 0, **params})


@pytest.mark.parametrize("Search", SEARCHES)
def test_pipeline_with_nested_names(Search):
    pipe = Pipeline([("scale", StandardScaler()), ("svc", SVC())])
    space = {"svc__C": loguniform(1e-2, 1e2), "svc__kernel": ["rbf", "linear"]}
    search = make(Search, pipe, space, cv=3).fit(X, y)
    assert set(search.best_params_) >= {"svc__C", "svc__kernel"}
    best = search.best_estimator_.named_steps["svc"]
    assert best.C == search.best_params_["svc__C"]
    assert search.predict(X).shape == (150,)
    np.testing.assert_array_equal(search.classes_, [0, 1, 2])
    assert search.n_features_in_ == 4


@pytest.mark.parametrize("Search", SEARCHES)
def test_grid_of_lists_is_accepted(Search):
    search = make(Search, SVC(), {"C": [0.1, 1, 10], "kernel": ["rbf", "linear"]}, cv=3).fit(X, y)
    params = search.cv_results_["params"]
    assert all(p["C"] in (0.1, 1, 10) and p["kernel"] in ("rbf", "linear") for p in params)
    assert search.best_params_ in params


@pytest.mark.parametrize("Search", SEARCHES)
def test_multimetric_with_refit_name(Search):
    search = make(
        Search,
        LogisticRegression(max_iter=500),
        {"C": Real(1e-3, 1e2, prior="log-uniform")},
        scoring={"acc": "accuracy", "recall": make_scorer(recall_score, average="macro")},
        refit="recall",
        cv=3,
    ).fit(X, y)
    results = search.cv_results_
    assert {"mean_test_acc", "mean_test_recall", "rank_test_recall"} <= set(results)
    assert search.best_score_ == results["mean_test_recall"][search.best_index_]
    assert search.multimetric_


@pytest.mark.parametrize("Search", SEARCHES)
def test_refit_callable_picks_the_row(Search):
    def lowest_score(results):
        return int(np.argmin(results["mean_test_score"]))

    search = make(Search, SVC(), {"C": Real(1e-3, 1e2, prior="log-uniform")}, refit=lowest_score, cv=3)
    search.fit(X, y)
    assert search.best_index_ == np.argmin(search.cv_results_["mean_test_score"])
    assert not hasattr(search, "best_score_")


@pytest.mark.parametrize("Search", SEARCHES)
def test_refit_false_keeps_results_but_cannot_predict(Search):
    search = make(Search, SVC(), {"C": Real(0.1, 10)}, refit=False, cv=3).fit(X, y)
    assert hasattr(search, "best_params_") and not hasattr(search, "best_estimator_")
    with pytest.raises(AttributeError, match="predict"):
        search.predict(X)


@pytest.mark.parametrize("Search", SEARCHES)
def test_groups_are_respected(Search):
    X_, y_ = make_classification(n_samples=120, random_state=0)
    groups = np.repeat(np.arange(12), 10)
    search = make(Search, LogisticRegression(), {"C": Real(0.1, 10)}, cv=GroupKFold(3))
    search.fit(X_, y_, groups=groups)
    assert search.n_splits_ == 3


class _SplitByPeriod(BaseCrossValidator):
    """Three folds by ``period % 3``: metadata only this splitter requests."""

    __metadata_request__split = {"period": True}

    def get_n_splits(self, X=None, y=None, groups=None, period=None):
        return 3

    def split(self, X, y=None, groups=None, period=None):
        indices = np.arange(len(X))
        for fold in range(3):
            yield indices[period % 3 != fold], indices[period % 3 == fold]


@pytest.mark.parametrize("Search", SEARCHES)
def test_a_splitter_gets_the_metadata_it_requests(Search):
    X_, y_ = make_classification(n_samples=120, random_state=0)
    period = np.arange(120) // 10
    with config_context(enable_metadata_routing=True):
        search = make(Search, LogisticRegression(), {"C": Real(0.1, 10)}, cv=_SplitByPeriod())
        search.fit(X_, y_, period=period)
    assert search.n_splits_ == 3
    # The best row is fitted on whole folds (Hyperband's largest resource).
    train, test = period % 3 != 0, period % 3 == 0
    best = LogisticRegression(**search.best_params_).fit(X_[train], y_[train])
    expected = best.score(X_[test], y_[test])
    assert search.cv_results_["split0_test_score"][search.best_index_] == expected


@pytest.mark.parametrize("Search", SEARCHES)
def test_error_score_nan_keeps_going_and_raise_raises(Search):
    space = {"C": Real(-1, 1)}  # SVC rejects C <= 0 at fit
    search = make(Search, SVC(), space, cv=3)
    with pytest.warns(FitFailedWarning):
        search.fit(X, y)
    assert search.best_params_["C"] > 0
    with pytest.raises(ValueError, match="C"):
        make(Search, SVC(), {"C": Real(-2, -1)}, cv=3, error_score="raise").fit(X, y)


class _FailsOnAllTheData(ClassifierMixin, BaseEstimator):
    """Fits the training folds of a 3-fold split of iris, not all 150 samples."""

    def __init__(self, C=1.0):
        self.C = C

    def fit(self, X, y):
        if len(X) > 100:
            raise MemoryError("too many samples")
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


@pytest.mark.parametrize("Search", SEARCHES)
def test_a_failing_refit_keeps_the_results_of_the_search(Search):
    search = make(Search, _FailsOnAllTheData(), {"C": Real(0.1, 10)}, cv=3)
    with pytest.raises(MemoryError, match="too many samples"):
        search.fit(X, y)
    results = search.cv_results_
    assert len(results["params"]) > 1 and np.isfinite(results["mean_test_score"]).all()
    assert search.best_params_ == results["params"][search.best_index_]
    assert search.history_["score"].shape == results["mean_test_score"].shape


@pytest.mark.parametrize("Search", SEARCHES)
def test_a_failing_refit_leaves_no_earlier_scorers(Search):
    # The new cv_results_ stand with no fitted model: scorer_ of the fit before
    # would score another metric than theirs.
    search = make(Search, SVC(), {"C": Real(0.1, 10)}, cv=3).fit(X, y)
    search.set_params(estimator=_FailsOnAllTheData(), scoring=["accuracy", "f1_macro"], refit="accuracy")
    with pytest.raises(MemoryError, match="too many samples"):
        search.fit(X, y)
    assert "mean_test_accuracy" in search.cv_results_
    assert not hasattr(search, "scorer_")


@pytest.mark.parametrize("Search", SEARCHES)
def test_a_fit_that_stops_before_any_result_leaves_the_earlier_splits(Search):
    search = make(Search, SVC(), {"C": Real(0.1, 10)}, cv=3).fit(X, y)
    search.set_params(estimator=SVC(C=-1.0), param_distributions={"gamma": Real(0.1, 1)}, cv=5)
    with pytest.raises(ValueError, match="fits failed"):
        search.fit(X, y)
    assert search.n_splits_ == 3 and "split2_test_score" in search.cv_results_
    assert "split3_test_score" not in search.cv_results_


@pytest.mark.parametrize("Search", SEARCHES)
def test_a_refit_callable_that_raises_leaves_no_earlier_best_row(Search):
    # cv_results_ is this fit's: a best_index_ of the fit before would point
    # into it at another configuration.
    search = make(Search, SVC(), {"C": Real(0.1, 10)}, cv=3).fit(X, y)
    earlier = search.best_params_

    def broken(cv_results):
        raise RuntimeError("broken refit callable")

    search.set_params(refit=broken, random_state=1)
    with pytest.raises(RuntimeError, match="broken refit callable"):
        search.fit(X, y)
    for name in ("best_index_", "best_params_", "best_estimator_", "refit_time_"):
        assert not hasattr(search, name)
    assert earlier not in search.cv_results_["params"]


@pytest.mark.parametrize("Search", SEARCHES)
def test_feature_names_are_the_refit_models_only(Search):
    # Documented "only with refit": a later fit without refit (on an array) must
    # not keep the names of an earlier one's DataFrame.
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    search = make(Search, SVC(), {"C": Real(0.1, 10)}, cv=3).fit(frame, y)
    assert list(search.feature_names_in_) == list(frame.columns)
    search.set_params(refit=False).fit(X, y)
    assert not hasattr(search, "feature_names_in_")


@pytest.mark.parametrize("Search", SEARCHES)
def test_return_train_score(Search):
    search = make(Search, SVC(), {"C": Real(0.1, 10)}, cv=3, return_train_score=True).fit(X, y)
    assert "mean_train_score" in search.cv_results_
    search = make(Search, SVC(), {"C": Real(0.1, 10)}, cv=3).fit(X, y)
    assert "mean_train_score" not in search.cv_results_


@pytest.mark.parametrize("Search", SEARCHES)
def test_pickled_search_predicts_the_same(Search):
    # LogisticRegression for predict_proba: SVC's probability is deprecated in
    # scikit-learn 1.9.
    search = make(Search, LogisticRegression(max_iter=1000), {"C": Real(0.1, 10)}, cv=3).fit(X, y)
    restored = pickle.loads(pickle.dumps(search))
    np.testing.assert_array_equal(restored.predict(X), search.predict(X))
    np.testing.assert_allclose(restored.predict_proba(X), search.predict_proba(X))
    assert restored.best_params_ == search.best_params_


@pytest.mark.parametrize("Search", SEARCHES)
def test_same_seed_same_results_for_n_jobs_1_and_2(Search):
    space = {"C": Real(1e-2, 1e2, prior="log-uniform"), "gamma": Real(1e-3, 1, prior="log-uniform")}
    one = make(Search, SVC(), space, cv=3, n_jobs=1).fit(X, y)
    two = make(Search, SVC(), space, cv=3, n_jobs=2).fit(X, y)
    assert one.cv_results_["params"] == two.cv_results_["params"]
    np.testing.assert_array_equal(one.cv_results_["mean_test_score"], two.cv_results_["mean_test_score"])


@pytest.mark.parametrize("Search", SEARCHES)
def test_clone_and_nested_cross_validation(Search):
    search = make(Search, SVC(), {"C": Real(0.1, 10)}, cv=3)
    assert repr(clone(search)) == repr(search)
    scores = cross_validate(search, X, y, cv=KFold(3, shuffle=True, random_state=0))
    assert len(scores["test_score"]) == 3 and np.all(scores["test_score"] > 0.8)


@pytest.mark.parametrize("Search", SEARCHES)
def test_regressor_and_sample_weight(Search):
    X_, y_ = make_regression(n_samples=90, n_features=5, noise=1.0, random_state=0)
    weights = np.random.default_rng(0).uniform(0.1, 3.0, len(y_))
    space = {"alpha": Real(1e-3, 1e2, prior="log-uniform")}
    search = make(Search, Ridge(), space, cv=3).fit(X_, y_, sample_weight=weights)
    unweighted = make(Search, Ridge(), space, cv=3).fit(X_, y_)
    # The weights reach the cross-validation fits (the first configuration does
    # not depend on scores) and the refit.
    assert search.cv_results_["params"][0] == unweighted.cv_results_["params"][0]
    assert search.cv_results_["mean_test_score"][0] != unweighted.cv_results_["mean_test_score"][0]
    expected = Ridge(alpha=search.best_params_["alpha"]).fit(X_, y_, sample_weight=weights)
    np.testing.assert_allclose(search.best_estimator_.coef_, expected.coef_)


class _LogUniformDraws:
    """A distribution as some users write them for RandomizedSearchCV: ``rvs`` only."""

    def rvs(self, random_state=None):
        return float(10 ** check_random_state(random_state).uniform(-2, 2))


@pytest.mark.parametrize("Search", SEARCHES)
def test_distribution_with_only_rvs_is_searched_reproducibly(Search):
    space = {"C": _LogUniformDraws(), "kernel": ["rbf", "linear"]}
    first = make(Search, SVC(), space, cv=3).fit(X, y)
    again = make(Search, SVC(), space, cv=3).fit(X, y)
    assert first.cv_results_["params"] == again.cv_results_["params"]
    values = [params["C"] for params in first.cv_results_["params"]]
    assert all(isinstance(value, float) and 1e-2 <= value <= 1e2 for value in values)
    other = make(Search, SVC(), space, cv=3, random_state=1).fit(X, y)
    assert other.cv_results_["params"] != first.cv_results_["params"]


@pytest.mark.parametrize("Search", SEARCHES)
def test_conditional_subspaces(Search):
    space = [
        {"kernel": ["rbf"], "C": Real(0.1, 10), "gamma": Real(1e-3, 1, prior="log-uniform")},
        {"kernel": ["poly"], "degree": [2, 3]},
    ]
    search = make(Search, SVC(), space, cv=3).fit(X, y)
    assert {params["kernel"] for params in search.cv_results_["params"]} == {"rbf", "poly"}
    for params in search.cv_results_["params"]:
        if params["kernel"] == "poly":
            assert "gamma" not in params and params["degree"] in (2, 3)
        else:
            assert "degree" not in params


@pytest.mark.parametrize("Search", SEARCHES)
def test_unknown_parameter_is_reported_at_fit(Search):
    search = make(Search, SVC(), {"not_a_param": [1, 2]})
    with pytest.raises(ValueError, match="Invalid parameter 'not_a_param'"):
        search.fit(X, y)


class _AnyKeywordClassifier(ClassifierMixin, BaseEstimator):
    """Takes any keyword in ``set_params``, as LightGBM's and XGBoost's wrappers do."""

    def __init__(self, max_depth=None, **kwargs):
        self.max_depth = max_depth
        self._kwargs = dict(kwargs)

    def get_params(self, deep=True):
        return {"max_depth": self.max_depth, **self._kwargs}

    def set_params(self, **params):
        self.max_depth = params.pop("max_depth", self.max_depth)
        self._kwargs.update(params)
        return self

    def fit(self, X, y):
        leaf = self._kwargs.get("min_samples_leaf", 1)
        self.tree_ = DecisionTreeClassifier(max_depth=self.max_depth, min_samples_leaf=leaf)
        self.tree_.fit(X, y)
        self.classes_ = self.tree_.classes_
        return self

    def predict(self, X):
        return self.tree_.predict(X)


@pytest.mark.parametrize("Search", SEARCHES)
def test_parameters_that_set_params_accepts_are_searched(Search):
    space = {"min_samples_leaf": [1, 20, 40], "max_depth": [1, 3]}
    search = make(Search, _AnyKeywordClassifier(), space, cv=3).fit(X, y)
    leaves = {p["min_samples_leaf"] for p in search.cv_results_["params"]}
    assert leaves <= {1, 20, 40}
    best = search.best_estimator_
    assert best.get_params()["min_samples_leaf"] == search.best_params_["min_samples_leaf"]


@pytest.mark.parametrize("Search", SEARCHES)
def test_unseeded_shuffling_cv_scores_every_batch_on_the_same_folds(Search):
    # The scorer reports which samples it was given: equal folds, equal values.
    X_ids = np.column_stack([X, np.arange(len(X))])

    def first_validation_sample(estimator, X, y):
        return float(X[:, -1].min())

    search = make(
        Search, LogisticRegression(max_iter=200), {"C": loguniform(1e-2, 1e2)},
        cv=KFold(3, shuffle=True), scoring=first_validation_sample,
    ).fit(X_ids, y)
    assert len(search.history_["score"]) > 4  # several batches
    for split in range(3):
        assert len(set(search.cv_results_[f"split{split}_test_score"])) == 1


@pytest.mark.parametrize("Search", SEARCHES)
def test_repeated_grid_values_are_evaluated_once(Search):
    grid = {"C": [0.1, 0.1, 1, 10, 100], "kernel": ["rbf", "linear", "rbf"]}
    search = make(Search, SVC(), grid, cv=3).fit(X, y)
    rows = [tuple(sorted(p.items())) for p in search.cv_results_["params"]]
    # Hyperband evaluates a promoted configuration again, at a larger resource.
    resources = search.cv_results_.get("n_resources", [None] * len(rows))
    evaluations = list(zip(rows, resources))
    assert len(set(evaluations)) == len(evaluations)


class _FailsOnRequest(ClassifierMixin, BaseEstimator):
    def __init__(self, parameter=None):
        self.parameter = parameter

    def fit(self, X, y):
        if self.parameter == "fail":
            raise ValueError("failing as asked")
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


@pytest.mark.parametrize("Search", SEARCHES)
def test_a_module_filter_silences_the_non_finite_scores_warning(Search):
    search = Search(
        _FailsOnRequest(), param_grid={"parameter": ["fail", "ok"]}, cv=3, **BUDGETS[Search]
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        search.fit(X, y)
    assert any("non-finite" in str(w.message) for w in caught)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", module="sklearn")  # as for GridSearchCV
        search.fit(X, y)
    assert not caught


@pytest.mark.parametrize("Search", SEARCHES)
def test_set_params_swaps_the_space_under_either_name(Search):
    # GridSearchCV code swaps the grid with set_params(param_grid=...).
    search = make(Search, SVC(), {"C": [1, 10]}, cv=3)
    search.set_params(param_grid={"C": [0.1, 100]}).fit(X, y)
    assert {p["C"] for p in search.cv_results_["params"]} == {0.1, 100}
    assert search.get_params()["param_distributions"] is None
    search.set_params(param_distributions={"C": [0.5, 5]}).fit(X, y)
    assert {p["C"] for p in search.cv_results_["params"]} == {0.5, 5}
    search.set_params(param_grid={"C": [1]}, param_distributions={"C": [2]})
    with pytest.raises(ValueError, match="got both"):
        search.fit(X, y)


class _SplitsOnce:
    """A splitter that can be used once (a one-shot generator behind an object)."""

    def __init__(self):
        self._splits = iter([list(KFold(3).split(X))])

    def get_n_splits(self, X=None, y=None, groups=None):
        return 3

    def split(self, X, y=None, groups=None):
        yield from next(self._splits, [])


@pytest.mark.parametrize("Search", SEARCHES)
def test_splitter_that_splits_once_serves_every_batch(Search):
    search = make(Search, SVC(), {"C": loguniform(1e-2, 1e2)}, cv=_SplitsOnce()).fit(X, y)
    assert len(search.history_["score"]) > 4
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


@pytest.mark.parametrize("Search", SEARCHES)
def test_the_splitters_warning_shows_once_as_in_a_single_batch(Search):
    # StratifiedKFold warns at every split about a class with fewer members
    # than folds; RandomizedSearchCV splits once.
    y_rare = y.copy()
    y_rare[:4] = 3
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        search = make(
            Search, LogisticRegression(max_iter=200), {"C": loguniform(1e-2, 1e2)}, cv=5
        ).fit(X, y_rare)
    assert len(search.history_["score"]) > 4
    assert sum("least populated class" in str(w.message) for w in caught) == 1


@pytest.mark.parametrize("Search", SEARCHES)
def test_a_bad_space_is_reported_by_fit_not_by_the_constructor(Search):
    search = make(Search, SVC(), {"C": []})  # as GridSearchCV, which checks in fit
    with pytest.raises(ValueError, match="'C' need to be a non-empty sequence"):
        search.fit(X, y)


@pytest.mark.parametrize("Search", SEARCHES)
def test_max_time_is_seconds_not_a_switch(Search):
    # True passed as an Integral (one second) where None means no limit.
    with pytest.raises(ValueError, match="'max_time' parameter.*seconds, or None for no limit, not a switch"):
        make(Search, SVC(), {"C": Real(0.1, 10)}, max_time=True).fit(X, y)


@pytest.mark.parametrize("Search", SEARCHES)
def test_param_grid_keyword_is_an_alias(Search):
    # GridSearchCV code passes its grid as param_grid=...; that must run unchanged.
    grid = {"C": [0.1, 1, 10, 100], "kernel": ["rbf", "linear"]}
    by_alias = Search(SVC(), param_grid=grid, **BUDGETS[Search], random_state=0).fit(X, y)
    by_name = make(Search, SVC(), grid).fit(X, y)
    assert by_alias.cv_results_["params"] == by_name.cv_results_["params"]
    assert by_alias.best_params_ == by_name.best_params_
    assert clone(by_alias).get_params()["param_grid"] == grid


@pytest.mark.parametrize("Search", SEARCHES)
@pytest.mark.parametrize("given", ["both", "neither"])
def test_space_must_be_given_exactly_once(Search, given):
    grid = {"C": [0.1, 1]}
    spaces = {"param_distributions": grid, "param_grid": grid} if given == "both" else {}
    search = Search(SVC(), **spaces, **BUDGETS[Search])
    with pytest.raises(ValueError, match=f"param_distributions or as param_grid.*got {given}"):
        search.fit(X, y)


@pytest.mark.parametrize("Search", [BayesSearchCV, GeneticSearchCV])
def test_small_param_grid_is_evaluated_whole_without_warning(Search):
    # A grid within the budget is what GridSearchCV users ask for: no advice to
    # use GridSearchCV (param_distributions still gets RandomizedSearchCV's warning).
    grid = {"C": [0.1, 1, 10]}
    search = Search(SVC(), param_grid=grid, n_jobs=1, cv=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        search.fit(X, y)
    assert [p["C"] for p in search.cv_results_["params"]] == [0.1, 1, 10]
    with pytest.warns(UserWarning, match="smaller than"):
        Search(SVC(), grid, cv=3).fit(X, y)


@pytest.mark.parametrize("Search", [BayesSearchCV, GeneticSearchCV])
def test_max_time_ends_a_grid_between_batches(Search, capsys):
    # A grid within the budget runs in one batch, unless max_time must be able
    # to end it: then in GridSearchCV's order, a batch at a time.
    grid = {"C": [0.1, 1, 10], "kernel": ["linear", "rbf"]}
    whole = Search(SVC(), param_grid=grid, cv=3).fit(X, y)
    timed = Search(SVC(), param_grid=grid, cv=3, max_time=1e-9, verbose=1).fit(X, y)
    rows = len(timed.cv_results_["params"])
    assert 0 < rows < len(whole.cv_results_["params"])
    assert timed.cv_results_["params"] == whole.cv_results_["params"][:rows]
    np.testing.assert_array_equal(
        timed.cv_results_["mean_test_score"], whole.cv_results_["mean_test_score"][:rows]
    )
    assert f"max_time=1e-09 ended the search after {rows} of 6 evaluations" in capsys.readouterr().out
    if Search is GeneticSearchCV:  # the generation is what ran
        assert timed.generation_stats_["n_evaluated"].tolist() == [rows]
        assert rows > 1 or timed.generation_stats_["diversity"][0] == 0
    # A limit that is never reached: batches grow, fewer than the configurations.
    roomy = Search(SVC(), param_grid=grid, cv=3, max_time=600, verbose=1).fit(X, y)
    output = capsys.readouterr().out
    assert output.count("] batch ") < 6 and "ended the search" not in output
    assert roomy.cv_results_["params"] == whole.cv_results_["params"]
    np.testing.assert_array_equal(
        roomy.cv_results_["mean_test_score"], whole.cv_results_["mean_test_score"]
    )
    # No limit at all: one batch, as without max_time.
    Search(SVC(), param_grid=grid, cv=3, max_time=np.inf, verbose=1).fit(X, y)
    assert capsys.readouterr().out.count("] batch ") == 1


def test_small_space_warning_is_randomized_search_cvs_word_for_word():
    # So that filters written for RandomizedSearchCV's warning match ours.
    messages = []
    for Search in (RandomizedSearchCV, BayesSearchCV):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            Search(SVC(), {"C": [1, 2]}, n_iter=5, cv=3, random_state=0).fit(X, y)
        messages.append([str(w.message) for w in caught if "total space" in str(w.message)])
    assert messages[0] == messages[1] and len(messages[0]) == 1


@pytest.mark.parametrize("Search", [BayesSearchCV, GeneticSearchCV])
def test_discrete_distribution_known_by_its_draws_is_evaluated_whole(Search):
    # rv_discrete over floats is searched through its draws: three values, so
    # six configurations, fewer than the budget of eight.
    space = {
        "C": rv_discrete(values=([0.1, 0.5, 2.5], [0.3, 0.4, 0.3])),
        "kernel": ["linear", "rbf"],
    }
    search = make(Search, SVC(), space, cv=3).set_params(
        **({"n_iter": 8} if Search is BayesSearchCV else {"n_generations": 3})
    )
    with pytest.warns(UserWarning, match="total space of parameters 6 is smaller than"):
        search.fit(X, y)
    evaluated = {(p["C"], p["kernel"]) for p in search.cv_results_["params"]}
    assert evaluated == {(c, k) for c in (0.1, 0.5, 2.5) for k in ("linear", "rbf")}


@pytest.mark.parametrize("Search", SEARCHES)
def test_pandas_frame_with_shuffled_index_and_string_labels(Search):
    # Positions, not index labels, select each fold (and Hyperband's subsamples).
    pd = pytest.importorskip("pandas")
    frame, target = load_iris(return_X_y=True, as_frame=True)
    order = check_random_state(0).permutation(len(target))
    frame, target = frame.iloc[order], target.iloc[order].map(dict(enumerate("abc")))
    pipe = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression(max_iter=500))])
    search = make(Search, pipe, {"clf__C": Real(1e-2, 1e2, prior="log-uniform")}, cv=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. "X does not have valid feature names"
        # An older scikit-learn calls a newer SciPy in ways SciPy deprecates.
        warnings.simplefilter("ignore", DeprecationWarning)
        search.fit(frame, target)
        predicted = search.predict(frame.iloc[:10])
    np.testing.assert_array_equal(search.feature_names_in_, frame.columns)
    np.testing.assert_array_equal(search.classes_, ["a", "b", "c"])
    assert set(predicted) <= {"a", "b", "c"}
    results = pd.DataFrame(search.cv_results_)
    assert len(results) == len(search.cv_results_["params"])
    # Scores must not depend on the index labels: the same data with a fresh index
    # gives the same results.
    reindexed = clone(search).fit(frame.reset_index(drop=True), target.reset_index(drop=True))
    np.testing.assert_allclose(
        reindexed.cv_results_["mean_test_score"], search.cv_results_["mean_test_score"]
    )


@pytest.mark.parametrize("target_type", ["numpy", "polars"])
@pytest.mark.parametrize("Search", SEARCHES)
def test_polars_frame_and_polars_transform_output(Search, target_type):
    # scikit-learn takes polars frames and can hand them between Pipeline steps;
    # folds and Hyperband's subsamples must index them as it does.
    pl = pytest.importorskip("polars")
    frame = pl.DataFrame(X, schema=[f"f{i}" for i in range(X.shape[1])])
    target = np.array(["a", "b", "c"])[y]
    if target_type == "polars":
        target = pl.Series("species", target)
    pipe = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression(max_iter=500))])
    search = make(Search, pipe, {"clf__C": Real(1e-2, 1e2, prior="log-uniform")}, cv=3)
    with config_context(transform_output="polars"), warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. "X does not have valid feature names"
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            grid = GridSearchCV(pipe, {"clf__C": [1.0]}, cv=3).fit(frame, target)
        except (TypeError, ValueError):
            if target_type == "numpy":
                raise
            pytest.skip("this scikit-learn cannot index a polars Series (1.4 cannot)")
        search.fit(frame, target)
        assert isinstance(search.best_estimator_[:-1].transform(frame), pl.DataFrame)
        predicted = search.predict(frame[:10])
        unpickled = pickle.loads(pickle.dumps(search))
        assert unpickled.score(frame, target) == search.score(frame, target)
    # Feature names as GridSearchCV keeps them (scikit-learn 1.4 keeps none of polars).
    np.testing.assert_array_equal(
        getattr(search, "feature_names_in_", None), getattr(grid, "feature_names_in_", None)
    )
    np.testing.assert_array_equal(search.classes_, ["a", "b", "c"])
    assert set(predicted) <= {"a", "b", "c"}
    # The same search on the same values as arrays gives the same results.
    from_arrays = clone(search).fit(X, np.asarray(target))
    assert from_arrays.cv_results_["params"] == search.cv_results_["params"]
    np.testing.assert_allclose(
        from_arrays.cv_results_["mean_test_score"], search.cv_results_["mean_test_score"]
    )


@pytest.mark.parametrize("Search", SEARCHES)
def test_a_configuration_in_overlapping_sub_spaces_gets_one_row(Search):
    # C=1 and C=10 with rbf or linear are in both dicts: one configuration each.
    space = [
        {"C": [0.1, 1, 10, 100], "kernel": ["rbf", "linear"]},
        {"C": [1, 10], "kernel": ["rbf", "linear", "poly"]},
    ]
    search = make(Search, SVC(), space, cv=3).fit(X, y)
    results = search.cv_results_
    resources = results.get("n_resources", [None] * len(results["params"]))
    rows = [(tuple(sorted(p.items())), r) for p, r in zip(results["params"], resources)]
    assert len(rows) == len(set(rows))


@pytest.mark.parametrize("Search", [BayesSearchCV, GeneticSearchCV])
def test_the_small_space_warning_counts_overlapping_configurations_once(Search):
    space = [{"kernel": ["rbf"], "C": [1, 10]}, {"kernel": ["rbf", "linear"], "C": [1]}]
    budget = {"n_iter": 6} if Search is BayesSearchCV else {"population_size": 4, "n_generations": 2}
    with pytest.warns(UserWarning, match="space of parameters 3 .* Running 3 iterations"):
        search = Search(SVC(), space, cv=3, random_state=0, **budget).fit(X, y)
    assert len(search.cv_results_["params"]) == 3


def test_overlapping_sub_spaces_that_fit_the_budget_run_as_a_grid():
    # Listed twice they are 8 configurations, more than n_iter; distinct they are 5.
    space = [{"C": [1, 2, 3, 4]}, {"C": [2, 3, 4, 5]}]
    with pytest.warns(UserWarning, match="space of parameters 5 .* Running 5 iterations"):
        search = BayesSearchCV(SVC(), space, n_iter=6, cv=3, random_state=0).fit(X, y)
    assert [p["C"] for p in search.cv_results_["params"]] == [1, 2, 3, 4, 5]


def _logged(fit):
    @functools.wraps(fit)
    def logged_fit(self, X, y, log_to=None, **params):
        if log_to is not None:
            log_to.append(len(X))
        return fit(self, X, y, **params)

    return logged_fit


class _LoggedSVC(SVC):
    @_logged
    def fit(self, X, y, sample_weight=None):
        return super().fit(X, y, sample_weight=sample_weight)


def _quiet(fit):
    @functools.wraps(fit)
    def quiet_fit(self, X, y, **params):
        params.pop("quiet", None)  # an option the wrapper takes through **params
        return fit(self, X, y, **params)

    return quiet_fit


class _QuietSVC(SVC):
    @_quiet
    def fit(self, X, y, sample_weight=None):
        return super().fit(X, y, sample_weight=sample_weight)


class _CallbackSVC(SVC):
    """Takes ``callbacks`` in ``fit``, as LightGBM's estimators do."""

    def fit(self, X, y, sample_weight=None, callbacks=None):
        for callback in callbacks or ():
            callback()
        return super().fit(X, y, sample_weight=sample_weight)


@pytest.mark.parametrize("Search", SEARCHES)
def test_a_step_option_passed_to_a_pipeline_is_named_with_its_step(Search):
    # A step's own callbacks are not scikit-optimize's: the error says where
    # they go, not how to migrate a search callback.
    pipe = Pipeline([("scale", StandardScaler()), ("svc", _CallbackSVC())])
    with pytest.raises(TypeError, match=r"passes callbacks= to Pipeline\.fit") as error:
        make(Search, pipe, {"svc__C": Real(0.1, 10)}, cv=3).fit(X, y, callbacks=[])
    message = str(error.value)
    assert message.endswith("takes only step__parameter names (svc__callbacks=?).")
    assert "max_time" not in message
    calls = []
    make(Search, pipe, {"svc__C": Real(0.1, 10)}, cv=3, n_jobs=1).fit(
        X, y, svc__callbacks=[lambda: calls.append(1)]
    )
    assert calls


@pytest.mark.parametrize("Search", SEARCHES)
def test_a_fit_parameter_the_estimator_cannot_take_is_named_before_any_fit(Search):
    # scikit-optimize's idiom: every fit would fail on it, and the error would
    # come only after the whole budget.
    with pytest.raises(TypeError, match=r"passes callback= to SVC.fit.*max_time"):
        make(Search, SVC(), {"C": Real(0.1, 10)}, cv=3).fit(X, y, callback=print)
    with pytest.raises(TypeError, match=r"passes callbacks= to SVC.fit.*max_time or early_stopping"):
        make(Search, SVC(), {"C": Real(0.1, 10)}, cv=3).fit(X, y, callbacks=[print])
    with pytest.raises(TypeError, match="passes weights= to SVC.fit, which does not take it") as error:
        make(Search, SVC(), {"C": Real(0.1, 10)}, cv=3).fit(X, y, weights=np.ones(len(y)))
    # GridSearchCV raises ValueError once every fit has failed on it: code
    # catching that still catches this.
    assert isinstance(error.value, ValueError)
    # An option a decorator's wrapper names is taken too.
    make(Search, _LoggedSVC(), {"C": Real(0.1, 10)}, cv=3).fit(X, y, log_to=[])
    make(Search, _QuietSVC(), {"C": Real(0.1, 10)}, cv=3).fit(X, y, quiet=True)
    # groups go to the splitter; a fit taking **params takes anything.
    groups = np.arange(len(y)) % 3
    make(Search, SVC(), {"C": Real(0.1, 10)}, cv=GroupKFold(3)).fit(X, y, groups=groups)
    pipe = Pipeline([("scale", StandardScaler()), ("svc", SVC())])
    with pytest.raises(ValueError, match="fits failed"):  # Pipeline.fit takes it, SVC not
        make(Search, pipe, {"svc__C": Real(0.1, 10)}, cv=3).fit(X, y, svc__weights=1)
    # A Pipeline takes step__parameter names only; it takes **params, which
    # hid the callback until every fit had failed on it.
    with pytest.raises(TypeError, match=r"passes callback= to Pipeline.fit.*step__parameter.*max_time"):
        make(Search, pipe, {"svc__C": Real(0.1, 10)}, cv=3).fit(X, y, callback=print)
    # A misspelt step fails every fit as well, unless the search sets the steps.
    weights = np.ones(len(y))
    with pytest.raises(TypeError, match=r"svm__sample_weight= to Pipeline.fit, which has no step 'svm' \(its steps: scale, svc\)"):
        make(Search, pipe, {"svc__C": Real(0.1, 10)}, cv=3).fit(X, y, svm__sample_weight=weights)
    steps = [[("scale", StandardScaler()), ("svm", SVC(C=c))] for c in (0.1, 1.0, 10.0)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a space smaller than the budget
        searched = make(Search, pipe, {"steps": steps}, cv=3).fit(X, y, svm__sample_weight=weights)
    assert np.isfinite(searched.cv_results_["mean_test_score"]).all()


class _TeardownRecorder:
    """A scikit-learn callback counting its teardowns; with ``interrupt``, its
    teardown raises KeyboardInterrupt (Ctrl-C landing there)."""

    def __init__(self, interrupt=False):
        self.interrupt, self.n_teardowns = interrupt, 0

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        self.n_teardowns += 1
        if self.interrupt:
            raise KeyboardInterrupt

    def on_fit_task_begin(self, estimator, context, **kwargs):
        pass

    def on_fit_task_end(self, estimator, context, **kwargs):
        pass


@pytest.mark.parametrize("Search", SEARCHES)
def test_callbacks_are_torn_down_once_per_fit(Search):
    # HyperbandSearchCV wrapped its fit in a second callback context: an
    # interrupted teardown tore every callback down again.
    pytest.importorskip("sklearn.callback")
    recorder, interrupting = _TeardownRecorder(), _TeardownRecorder(interrupt=True)
    search = make(Search, SVC(), {"C": Real(0.1, 10)}, cv=3)
    search.set_callbacks(recorder, interrupting)
    with pytest.raises(KeyboardInterrupt):
        search.fit(X, y)
    assert recorder.n_teardowns == interrupting.n_teardowns == 1


class _LoggedPipeline(Pipeline):
    """A Pipeline whose fit names an option of its own besides step__param."""

    def fit(self, X, y=None, log_to=None, **params):
        return super().fit(X, y, **params)


@pytest.mark.parametrize("Search", SEARCHES)
def test_a_pipeline_subclass_takes_the_options_its_fit_names(Search):
    pipe = _LoggedPipeline([("scale", StandardScaler()), ("svc", SVC())])
    make(Search, pipe, {"svc__C": Real(0.1, 10)}, cv=3).fit(X, y, log_to="log")
    with pytest.raises(TypeError, match="passes callback= to _LoggedPipeline.fit"):
        make(Search, pipe, {"svc__C": Real(0.1, 10)}, cv=3).fit(X, y, callback=print)


@pytest.mark.parametrize(
    "Search, budget",
    [(BayesSearchCV, {"n_iter": 3}), (GeneticSearchCV, {"population_size": 3, "n_generations": 1})],
)
def test_history_ends_at_best_score_when_an_error_score_beats_every_real_score(Search, budget):
    # As rank_test_score and best_index_ do, history_ counts a failed fit's
    # error_score (0 here, above every negative squared error).
    X_reg, y_reg = make_regression(n_samples=60, n_features=3, noise=1.0, random_state=0)
    search = Search(
        Ridge(), {"alpha": [-1.0, 0.1, 1.0]}, cv=3, scoring="neg_mean_squared_error",
        error_score=0, refit=False, random_state=0, **budget,
    )
    with pytest.warns(FitFailedWarning):
        search.fit(X_reg, y_reg)
    assert search.best_score_ == 0
    assert search.history_["best_score"][-1] == search.best_score_


def test_fit_parameters_a_meta_estimator_or_pipeline_subclass_takes_are_passed():
    # VotingClassifier.fit takes **fit_params; a Pipeline subclass its own keyword.
    from sklearn.ensemble import VotingClassifier

    class PipelineWithOption(Pipeline):
        def fit(self, X, y=None, option=None, **params):
            self.option_ = option
            return super().fit(X, y, **params)

    voting = VotingClassifier([("lr", LogisticRegression()), ("dt", DecisionTreeClassifier())])
    search = BayesSearchCV(voting, {"voting": ["hard", "soft"]}, n_iter=2, cv=3, random_state=0)
    search.fit(X, y, sample_weight=np.ones(len(y)))
    pipeline = PipelineWithOption([("dt", DecisionTreeClassifier(random_state=0))])
    search = BayesSearchCV(pipeline, {"dt__max_depth": [1, 2]}, n_iter=2, cv=3, random_state=0)
    assert search.fit(X, y, option=1).best_estimator_.option_ == 1
