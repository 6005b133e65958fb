"""Warm starts of promoted Hyperband configurations (skhptune._warm_start)."""

import os
import pickle

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, clone, is_classifier
from sklearn.datasets import make_classification
from sklearn.ensemble import (
    GradientBoostingClassifier,
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
)
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

import skhptune._hyperband
from skhptune import HyperbandSearchCV
from skhptune._warm_start import ModelStore, WarmStartEstimator, continues_fitting
from skhptune.space import Integer, Real

X, y = make_classification(n_samples=300, n_features=8, n_informative=4, random_state=0)


class CountingEnsemble(ClassifierMixin, BaseEstimator):
    """Scores minus the members its last ``fit`` added: a warm start shows up."""

    def __init__(self, n_estimators=1, warm_start=False, alpha=0.0):
        self.n_estimators = n_estimators
        self.warm_start = warm_start
        self.alpha = alpha

    def fit(self, X, y):
        already = self.n_fitted_ if self.warm_start and hasattr(self, "n_fitted_") else 0
        self.added_ = self.n_estimators - already
        self.n_fitted_ = self.n_estimators
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])

    def score(self, X, y):
        return -float(self.added_)


@pytest.mark.parametrize(
    "estimator, resource, expected",
    [
        (HistGradientBoostingClassifier(), "max_iter", True),
        (HistGradientBoostingRegressor(), "max_iter", True),
        (RandomForestClassifier(), "n_estimators", True),
        (GradientBoostingClassifier(), "n_estimators", True),
        (make_pipeline(StandardScaler(), RandomForestClassifier()),
         "randomforestclassifier__n_estimators", True),
        # warm_start restarts an optimiser for max_iter more iterations: no.
        (MLPClassifier(), "max_iter", False),
        (SGDClassifier(), "max_iter", False),
        (LogisticRegression(), "max_iter", False),
        (HistGradientBoostingClassifier(), "max_leaf_nodes", False),
        (Pipeline([("clf", None)]), "clf__n_estimators", False),
    ],
)
def test_continues_fitting_only_where_warm_start_adds_members(estimator, resource, expected):
    assert continues_fitting(estimator, resource) is expected


def test_promoted_configurations_only_fit_the_new_members():
    search = HyperbandSearchCV(
        CountingEnsemble(), {"alpha": Real(0, 1)}, resource="n_estimators",
        min_resource=1, max_resource=27, cv=3, n_jobs=2, random_state=0,
    ).fit(X, y)
    results = search.cv_results_
    levels = search.n_resources_
    previous = {level: lower for lower, level in zip(levels, levels[1:])}
    for rung, resource, score in zip(
        results["iter"], results["n_resources"], results["mean_test_score"]
    ):
        added = resource - previous[resource] if rung > 0 else resource
        assert score == -added
    assert isinstance(search.best_estimator_, CountingEnsemble)
    assert search.best_estimator_.added_ == 27  # the refit starts from scratch


@pytest.mark.parametrize(
    "estimator, resource, space",
    [
        (HistGradientBoostingClassifier(random_state=0), "max_iter",
         {"learning_rate": Real(0.01, 1, prior="log-uniform"), "max_leaf_nodes": Integer(4, 32)}),
        (make_pipeline(StandardScaler(), RandomForestClassifier(random_state=0)),
         "randomforestclassifier__n_estimators",
         {"randomforestclassifier__max_features": Real(0.1, 1)}),
    ],
)
def test_warm_started_search_equals_a_search_from_scratch(monkeypatch, estimator, resource, space):
    def search():
        return HyperbandSearchCV(
            estimator, space, resource=resource, min_resource=2, max_resource=18,
            cv=3, n_jobs=2, random_state=0,
        ).fit(X, y)

    warm = search()
    monkeypatch.setattr(skhptune._hyperband, "continues_fitting", lambda *args: False)
    cold = search()
    for key in ("mean_test_score", "split0_test_score", "params"):
        assert list(warm.cv_results_[key]) == list(cold.cv_results_[key])
    assert warm.best_params_ == cold.best_params_
    np.testing.assert_array_equal(warm.predict_proba(X), cold.predict_proba(X))


def test_search_leaves_no_models_and_its_estimator_unwrapped(monkeypatch, tmp_path):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    estimator = RandomForestClassifier(random_state=0)
    search = HyperbandSearchCV(
        estimator, {"max_depth": Integer(1, 5)}, resource="n_estimators",
        max_resource=9, cv=3, random_state=0,
    ).fit(X, y)
    assert os.listdir(tmp_path) == []
    assert search.estimator is estimator
    assert type(search.best_estimator_) is RandomForestClassifier
    assert search.best_estimator_.n_estimators == 9
    assert not search.best_estimator_.warm_start
    restored = pickle.loads(pickle.dumps(search))
    np.testing.assert_array_equal(restored.predict(X), search.predict(X))


def test_failed_search_leaves_no_models_and_its_estimator_unwrapped(monkeypatch, tmp_path):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    estimator = RandomForestClassifier()
    search = HyperbandSearchCV(
        estimator, {"max_depth": [-1, -2]}, resource="n_estimators",
        max_resource=9, cv=3, error_score="raise",
    )
    with pytest.raises(ValueError, match="max_depth"):
        search.fit(X, y)
    assert os.listdir(tmp_path) == []
    assert search.estimator is estimator


def test_model_store_keeps_the_latest_model_below_a_resource(tmp_path):
    store = ModelStore(str(tmp_path))
    for resource in (1, 3, 9):
        store.save({"resource": resource}, "config", "data", resource)
    assert store.load_latest("config", "data", below=9) == {"resource": 3}
    assert store.load_latest("config", "data", below=10) == {"resource": 9}
    assert store.load_latest("config", "data", below=1) is None
    assert store.load_latest("other", "data", below=10) is None
    store.discard_below(9)
    assert store.load_latest("config", "data", below=9) is None
    assert store.load_latest("config", "data", below=10) == {"resource": 9}
    store.close()
    assert not tmp_path.exists()
    # A store that has gone (say, on another machine) only costs the warm start.
    store.save({"resource": 27}, "config", "data", 27)
    assert store.load_latest("config", "data", below=81) is None


def test_wrapper_stands_in_for_the_estimator(tmp_path):
    inner = HistGradientBoostingClassifier(max_iter=5)
    wrapper = WarmStartEstimator(inner, "max_iter", 5, ModelStore(str(tmp_path)))
    assert wrapper.get_params() == inner.get_params()
    assert is_classifier(wrapper)
    twin = clone(wrapper)
    assert isinstance(twin, WarmStartEstimator) and twin.estimator is not inner
    assert twin.store is wrapper.store
    twin.set_params(learning_rate=0.5).fit(X, y)
    assert twin.estimator.learning_rate == 0.5
    assert twin.score(X, y) == twin.estimator.score(X, y)
    restored = pickle.loads(pickle.dumps(twin))
    np.testing.assert_array_equal(restored.predict(X), twin.predict(X))
    assert repr(twin) == repr(twin.estimator)
