"""Warm starts of promoted Hyperband configurations (skhptune._warm_start)."""

import os
import pickle
import shutil
import subprocess
import sys
import threading

import numpy as np
import pytest
from sklearn.base import clone, is_classifier
from sklearn.datasets import make_classification
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import (
    BaggingClassifier,
    GradientBoostingClassifier,
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
    RandomTreesEmbedding,
)
from sklearn.compose import TransformedTargetRegressor
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.random_projection import GaussianRandomProjection
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils.validation import check_is_fitted
from sklearn.preprocessing import FunctionTransformer, StandardScaler

import skhptune._base
import skhptune._hyperband
import skhptune._warm_start
from skhptune import BayesSearchCV, GeneticSearchCV, HyperbandSearchCV
from skhptune._warm_start import (
    _MAX_BINS,
    ModelStore,
    WarmStartEstimator,
    _namespace_tag,
    continues_fitting,
    histogram_booster,
)
from skhptune.space import Integer, Real

N_SAMPLES = 300
X, y = make_classification(n_samples=N_SAMPLES, n_features=8, n_informative=4, random_state=0)
_REAL_HAS_ROOM = ModelStore._has_room


@pytest.fixture(autouse=True)
def room_on_disk(monkeypatch):
    # The store keeps nothing on a nearly full disk; what these tests count needs
    # it (in this process: loky workers still ask the disk). Tested on its own.
    monkeypatch.setattr(ModelStore, "_has_room", lambda self: True)


class CountingEnsemble(BaggingClassifier):
    """Bagged constant models scoring minus the members its last ``fit`` added:
    a warm start shows up. Its ``fit`` is scikit-learn's own, as the searches
    continue no other; ``_fit`` counts."""

    def __init__(self, n_estimators=1, warm_start=False, alpha=0.0):
        super().__init__(DummyClassifier(), n_estimators=n_estimators, warm_start=warm_start)
        self.alpha = alpha

    def _fit(self, X, y, *args, **kwargs):
        already = len(getattr(self, "estimators_", [])) if self.warm_start else 0
        self.added_ = self.n_estimators - already
        return super()._fit(X, y, *args, **kwargs)

    def score(self, X, y):
        return -float(self.added_)


class OwnFitForest(RandomForestClassifier):
    """A forest whose ``fit`` is not scikit-learn's, as another library's
    subclass (imbalanced-learn's BalancedRandomForestClassifier) has."""

    def fit(self, X, y, sample_weight=None):
        return super().fit(X, y, sample_weight=sample_weight)


@pytest.mark.parametrize(
    "estimator, resource, expected",
    [
        (HistGradientBoostingClassifier(), "max_iter", True),
        (OwnFitForest(), "n_estimators", False),
        (make_pipeline(StandardScaler(), OwnFitForest()), "ownfitforest__n_estimators", False),
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
        # Early stopping restarts its history; a RandomState instance has advanced.
        (HistGradientBoostingClassifier(early_stopping=True), "max_iter", False),
        (GradientBoostingClassifier(n_iter_no_change=3), "n_estimators", False),
        (RandomForestClassifier(random_state=np.random.RandomState(0)), "n_estimators", False),
        # Another step drawing from a RandomState instance is refitted with it advanced.
        (
            Pipeline([
                ("proj", GaussianRandomProjection(random_state=np.random.RandomState(0))),
                ("clf", RandomForestClassifier()),
            ]),
            "clf__n_estimators",
            False,
        ),
        (
            Pipeline([("proj", GaussianRandomProjection(random_state=0)), ("clf", RandomForestClassifier())]),
            "clf__n_estimators",
            True,
        ),
        # An unseeded step draws other features at each refit; the grown
        # estimator's own None only makes its new members fresh draws.
        (
            Pipeline([("proj", GaussianRandomProjection()), ("clf", RandomForestClassifier())]),
            "clf__n_estimators",
            False,
        ),
        (
            Pipeline([
                ("proj", GaussianRandomProjection(random_state=0)),
                ("clf", BaggingClassifier(DecisionTreeClassifier(random_state=None))),
            ]),
            "clf__n_estimators",
            True,
        ),
        # Only a Pipeline fits its steps themselves; other meta-estimators fit
        # clones, which start from scratch whatever model was stored.
        (
            Pipeline([("inner", make_pipeline(StandardScaler(), RandomForestClassifier()))]),
            "inner__randomforestclassifier__n_estimators",
            True,
        ),
        (BaggingClassifier(HistGradientBoostingClassifier()), "estimator__max_iter", False),
        (
            TransformedTargetRegressor(RandomForestRegressor(random_state=0)),
            "regressor__n_estimators",
            False,
        ),
        (
            make_pipeline(BaggingClassifier(HistGradientBoostingClassifier())),
            "baggingclassifier__estimator__max_iter",
            False,
        ),
        # With memory, a Pipeline fits clones of its transformers, not of its last step.
        (
            Pipeline([
                ("emb", RandomTreesEmbedding(random_state=0)),
                ("clf", LogisticRegression(random_state=0)),
            ]),
            "emb__n_estimators",
            True,
        ),
        (
            Pipeline(
                [("emb", RandomTreesEmbedding(random_state=0)), ("clf", LogisticRegression(random_state=0))],
                memory="cache",
            ),
            "emb__n_estimators",
            False,
        ),
        (
            Pipeline([("scale", StandardScaler()), ("clf", RandomForestClassifier())], memory="cache"),
            "clf__n_estimators",
            True,
        ),
    ],
)
def test_continues_fitting_only_where_warm_start_adds_members(estimator, resource, expected):
    assert continues_fitting(estimator, resource) is expected


def test_automatic_early_stopping_depends_on_the_training_size():
    estimator = HistGradientBoostingClassifier()  # early_stopping="auto"
    assert continues_fitting(estimator, "max_iter", n_samples=10_000)
    assert not continues_fitting(estimator, "max_iter", n_samples=10_001)


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


@pytest.mark.parametrize("max_time", [None, 1e6])
def test_a_configuration_met_again_continues_the_model_of_the_level_below(max_time):
    # 30 values: later brackets draw configurations that earlier brackets fitted;
    # those models must still be stored when the brackets run one after another.
    search = HyperbandSearchCV(
        CountingEnsemble(), {"alpha": np.linspace(0, 1, 30).tolist()},
        resource="n_estimators", min_resource=1, max_resource=27, cv=3,
        random_state=0, max_time=max_time,
    ).fit(X, y)
    results = search.cv_results_
    levels = search.n_resources_
    below = {level: lower for lower, level in zip(levels, levels[1:])}
    fitted_by = {}  # (alpha, resource) -> bracket that fitted it
    from_another_bracket = 0
    for params, resource, bracket, score in zip(
        results["params"], results["n_resources"], results["bracket"], results["mean_test_score"]
    ):
        earlier = fitted_by.get((params["alpha"], below.get(resource)))
        assert score == -(resource if earlier is None else resource - below[resource])
        from_another_bracket += earlier is not None and earlier != bracket
        fitted_by[params["alpha"], resource] = bracket
    assert from_another_bracket > 0


def _assert_promotions_add_only_new_members(search, eta=3):
    promoted = np.asarray(search.cv_results_["iter"]) > 0
    assert promoted.any()
    added = -np.asarray(search.cv_results_["mean_test_score"])[promoted]
    resources = np.asarray(search.cv_results_["n_resources"])[promoted]
    np.testing.assert_array_equal(added, resources - resources // eta)


@pytest.mark.parametrize(
    "base, choices",
    [
        (CountingEnsemble(), [CountingEnsemble(), CountingEnsemble(warm_start=True)]),
        # No n_estimators in the base step: each fit checks the step it was given.
        (DecisionTreeClassifier(), [CountingEnsemble()]),
    ],
    ids=["own-model", "base-step-cannot"],
)
def test_searched_step_continues_its_own_model(base, choices):
    search = HyperbandSearchCV(
        Pipeline([("clf", base)]), {"clf": choices, "clf__alpha": Real(0, 1)},
        resource="clf__n_estimators", min_resource=1, max_resource=9, cv=3, random_state=0,
    ).fit(X, y)
    _assert_promotions_add_only_new_members(search)


def test_searched_values_that_cloning_changes_still_continue():
    # scikit-learn clones each value before set_params (a fitted step comes
    # unfitted); the models the search keeps must be found under that key.
    fitted = StandardScaler().fit(X)
    search = HyperbandSearchCV(
        Pipeline([("prep", StandardScaler()), ("clf", CountingEnsemble())]),
        {"prep": [fitted, "passthrough"], "clf__alpha": Real(0, 1)},
        resource="clf__n_estimators", min_resource=1, max_resource=27, cv=3, random_state=0,
    ).fit(X, y)
    _assert_promotions_add_only_new_members(search)


@pytest.mark.parametrize(
    "estimator, resource, space",
    [
        # A model that cannot be pickled is fitted from scratch at every level.
        (make_pipeline(FunctionTransformer(lambda X: X), RandomForestClassifier(random_state=0)),
         "randomforestclassifier__n_estimators",
         {"randomforestclassifier__max_features": Real(0.1, 1)}),
        # Bagging refuses warm_start with oob_score: fitted from scratch too.
        (BaggingClassifier(oob_score=True, random_state=0), "n_estimators",
         {"max_samples": Real(0.3, 1)}),
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
    assert not np.isnan(warm.cv_results_["mean_test_score"]).any()
    np.testing.assert_array_equal(warm.predict_proba(X), cold.predict_proba(X))


class FailingToContinue(CountingEnsemble):
    """Runs out of memory when it continues (a fit from scratch would pass)."""

    def _fit(self, X, y, *args, **kwargs):
        if self.warm_start and getattr(self, "estimators_", None):
            raise MemoryError("continuing")
        return super()._fit(X, y, *args, **kwargs)


def test_an_error_while_continuing_is_the_fits_error():
    # Only scikit-learn's refusal (a ValueError) falls back on a fit from
    # scratch; any other error fails the fit, once, as it would then.
    search = HyperbandSearchCV(
        FailingToContinue(), {"alpha": Real(0, 1)}, resource="n_estimators", min_resource=1,
        max_resource=9, n_brackets=1, cv=3, error_score="raise", random_state=0,
    )
    with pytest.raises(MemoryError, match="continuing"):
        search.fit(X, y)


def _count_binnings(monkeypatch):
    from sklearn.ensemble._hist_gradient_boosting.binning import _BinMapper

    calls = []
    fit_transform = _BinMapper.fit_transform

    def counting(self, X, *args, **kwargs):
        calls.append(len(X))
        return fit_transform(self, X, *args, **kwargs)

    monkeypatch.setattr(_BinMapper, "fit_transform", counting)
    return calls


def _assert_same_results(search, other):
    for key in ("mean_test_score", "split1_test_score", "params"):
        assert list(search.cv_results_[key]) == list(other.cv_results_[key])
    np.testing.assert_array_equal(search.predict(X), other.predict(X))


@pytest.mark.parametrize("classifier", [True, False])
def test_histogram_boosting_bins_each_training_fold_once(monkeypatch, classifier):
    # A Pipeline step with sample weights: the bins also depend on the weights
    # (scikit-learn >= 1.7) and on the step's input.
    model = HistGradientBoostingClassifier if classifier else HistGradientBoostingRegressor
    estimator = make_pipeline(StandardScaler(), model(random_state=0))
    space = {"standardscaler__with_mean": [True, False],
             "histgradientboosting" + ("classifier" if classifier else "regressor")
             + "__learning_rate": Real(0.05, 1, prior="log-uniform")}
    resource = estimator.steps[-1][0] + "__max_iter"
    weights = np.linspace(0.5, 2.0, len(y))
    binnings = _count_binnings(monkeypatch)

    def search():
        del binnings[:]
        return HyperbandSearchCV(
            estimator, space, resource=resource, min_resource=2, max_resource=18,
            cv=3, random_state=0,
        ).fit(X, y, **{estimator.steps[-1][0] + "__sample_weight": weights})

    reused = search()
    # Per fold, once for each input the scaler can give; and once for the refit.
    n_fits = len(reused.cv_results_["params"]) * 3 + 1
    assert len(binnings) == 2 * 3 + 1 < n_fits
    monkeypatch.setattr(skhptune._hyperband, "continues_fitting", lambda *args: False)
    monkeypatch.setattr(skhptune._base, "histogram_booster", lambda estimator: None)
    from_scratch = search()
    assert len(binnings) == n_fits
    _assert_same_results(reused, from_scratch)


@pytest.mark.parametrize(
    "make_search",
    [
        lambda estimator, space: BayesSearchCV(estimator, space, n_iter=5, cv=3, random_state=0),
        lambda estimator, space: GeneticSearchCV(
            estimator, space, population_size=4, n_generations=2, cv=3, random_state=0
        ),
    ],
    ids=["bayes", "genetic"],
)
def test_every_search_bins_each_training_fold_once(monkeypatch, make_search):
    estimator = HistGradientBoostingClassifier(max_iter=5, random_state=0)
    space = {"learning_rate": Real(0.05, 1, prior="log-uniform"), "max_leaf_nodes": Integer(4, 16)}
    binnings = _count_binnings(monkeypatch)

    def search():
        del binnings[:]
        return make_search(estimator, space).fit(X, y)

    reused = search()
    n_fits = len(reused.cv_results_["params"]) * 3 + 1
    assert len(binnings) == 3 + 1 < n_fits  # each fold, and the refit
    assert type(reused.best_estimator_) is HistGradientBoostingClassifier
    assert reused.estimator is estimator
    monkeypatch.setattr(skhptune._base, "histogram_booster", lambda estimator: None)
    from_scratch = search()
    assert len(binnings) == n_fits
    _assert_same_results(reused, from_scratch)


@pytest.mark.parametrize("resource", ["n_samples", "max_iter"])
def test_bins_are_reused_without_warm_starts(monkeypatch, resource):
    # n_samples: every configuration of a level shares the level's subsample of
    # each fold. max_iter with early stopping: nothing is continued.
    estimator = HistGradientBoostingClassifier(
        early_stopping=resource == "max_iter", validation_fraction=0.2, n_iter_no_change=2,
        random_state=0,
    )
    space = {"learning_rate": Real(0.05, 1, prior="log-uniform")}
    binnings = _count_binnings(monkeypatch)

    def search():
        del binnings[:]
        return HyperbandSearchCV(
            estimator, space, resource=resource, min_resource=20 if resource == "n_samples" else 2,
            max_resource=None if resource == "n_samples" else 18, cv=3, random_state=0,
        ).fit(X, y)

    reused = search()
    n_fits = len(reused.cv_results_["params"]) * 3 + 1
    n_sets = len(reused.n_resources_) * 3 + 1 if resource == "n_samples" else 3 + 1
    assert len(binnings) == n_sets < n_fits
    monkeypatch.setattr(skhptune._base, "histogram_booster", lambda estimator: None)
    from_scratch = search()
    assert len(binnings) == n_fits
    _assert_same_results(reused, from_scratch)


def test_bins_are_reused_where_automatic_early_stopping_stops_warm_starts(monkeypatch):
    # early_stopping="auto" turns on above 10,000 training samples, which only
    # each fit knows: those fits continue no model but still share their bins.
    X_large, y_large = make_classification(n_samples=10_200, n_features=3, n_informative=2,
                                           n_redundant=0, random_state=0)
    folds = [(np.arange(10_100), np.arange(10_100, 10_200))]
    binnings = _count_binnings(monkeypatch)
    search = HyperbandSearchCV(
        HistGradientBoostingClassifier(n_iter_no_change=2, random_state=0),
        {"learning_rate": [0.05, 0.1, 0.2]}, resource="max_iter", min_resource=2,
        max_resource=6, n_brackets=1, cv=folds, refit=False, random_state=0,
    ).fit(X_large, y_large)
    assert len(search.cv_results_["params"]) > 1
    # The training fold's early-stopping split is binned once for every fit.
    assert binnings == [binnings[0]]


def test_automatic_early_stopping_on_a_large_training_fold_turns_warm_starts_off(monkeypatch):
    # Only the fit knows its training size: above 10,000 samples early
    # stopping is on, and continuing would not grow the same model.
    X_large, y_large = make_classification(n_samples=10_200, n_features=3, n_informative=2,
                                           n_redundant=0, random_state=0)
    continued = []
    real_continue = skhptune._warm_start._continue
    monkeypatch.setattr(skhptune._warm_start, "_continue",
                        lambda *args: continued.append(len(args[4])) or real_continue(*args))
    for n_train in (10_100, 9_000):
        HyperbandSearchCV(
            HistGradientBoostingClassifier(random_state=0), {"learning_rate": [0.05, 0.1, 0.2]},
            resource="max_iter", min_resource=2, max_resource=6, n_brackets=1,
            cv=[(np.arange(n_train), np.arange(10_100, 10_200))], refit=False, random_state=0,
        ).fit(X_large, y_large)
    assert continued == [9_000]


def test_verbose_fits_report_binning_also_when_reused(capsys):
    search = BayesSearchCV(
        HistGradientBoostingClassifier(max_iter=2, verbose=1, random_state=0),
        {"learning_rate": Real(0.05, 1, prior="log-uniform")}, n_iter=3, cv=3, random_state=0,
    ).fit(X, y)
    n_fits = len(search.cv_results_["params"]) * 3 + 1
    lines = capsys.readouterr().out.splitlines()
    assert sum(line.startswith("Binning") and "training data" in line for line in lines) == n_fits
    # Every fit but the first on each of the 3 folds and the refit is handed kept bins.
    assert sum(line.endswith("training data: reused") for line in lines) == n_fits - 4


def test_histogram_booster_is_found_in_nested_pipelines():
    booster = HistGradientBoostingClassifier()
    nested = Pipeline([("prep", StandardScaler()), ("model", make_pipeline(booster))])
    assert histogram_booster(nested) is booster
    assert histogram_booster(make_pipeline(StandardScaler(), LogisticRegression())) is None


def test_scorers_see_the_estimator_itself():
    seen = []

    def scorer(estimator, X, y):
        check_is_fitted(estimator)
        seen.append((isinstance(estimator, Pipeline), type(estimator[-1]).__name__))
        return estimator.score(X, y)

    pipe = make_pipeline(StandardScaler(), RandomForestClassifier(random_state=0))
    search = HyperbandSearchCV(
        pipe, {"randomforestclassifier__max_depth": Integer(1, 5)},
        resource="randomforestclassifier__n_estimators", max_resource=9, cv=3,
        scoring=scorer, random_state=0,
    ).fit(X, y)
    assert set(seen) == {(True, "RandomForestClassifier")}
    assert not np.isnan(search.cv_results_["mean_test_score"]).any()


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
    assert type(search.scorer_._estimator) is RandomForestClassifier  # scoring=None
    assert search.best_estimator_.n_estimators == 9
    assert not search.best_estimator_.warm_start
    restored = pickle.loads(pickle.dumps(search))
    np.testing.assert_array_equal(restored.predict(X), search.predict(X))


@pytest.mark.parametrize(
    "make_search",
    [
        lambda: HyperbandSearchCV(
            RandomForestClassifier(random_state=0), {"max_depth": Integer(1, 5)},
            resource="n_estimators", max_resource=9, cv=3, random_state=0,
        ),
        lambda: BayesSearchCV(
            HistGradientBoostingClassifier(max_iter=10), {"max_depth": Integer(2, 5)},
            n_iter=3, cv=3, random_state=0,
        ),
    ],
    ids=["hyperband-forest", "bayes-histogram-boosting"],
)
def test_search_without_a_temporary_directory_fits_from_scratch(monkeypatch, tmp_path, make_search):
    expected = make_search().fit(X, y)
    # tempfile cannot make a directory inside a regular file (a read-only or
    # full file system fails the same way).
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("")
    monkeypatch.setattr("tempfile.tempdir", str(not_a_directory))
    with pytest.warns(UserWarning, match="temporary directory.*fitted from scratch"):
        search = make_search().fit(X, y)
    for key in ("mean_test_score", "params"):
        assert list(search.cv_results_[key]) == list(expected.cv_results_[key])
    assert type(search.best_estimator_) is type(expected.best_estimator_)


def test_a_copy_taken_while_fitting_searches_the_estimator_it_wraps():
    # A callback may pickle the search mid-fit, wrapper and all; fitting that
    # copy must neither wrap the wrapper nor hand it back as best_estimator_.
    store = ModelStore.create()
    wrapped = WarmStartEstimator(
        WarmStartEstimator(RandomForestClassifier(random_state=0), "n_estimators", 9, store),
        "n_estimators", 9, store,
    )
    store.close()
    search = HyperbandSearchCV(
        wrapped, {"max_depth": Integer(1, 5)}, resource="n_estimators",
        max_resource=9, cv=3, random_state=0,
    ).fit(X, y)
    assert type(search.estimator) is RandomForestClassifier
    assert type(search.best_estimator_) is RandomForestClassifier


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


class _FailsOnAllTheData(RandomForestClassifier):
    def fit(self, X, y, sample_weight=None):
        if len(X) == N_SAMPLES:  # only the refit has them all
            raise MemoryError("too many samples")
        return super().fit(X, y, sample_weight)


def test_a_failing_refit_leaves_its_best_estimator_unwrapped(monkeypatch, tmp_path):
    # The refit's estimator was the search's wrapper, of a store since closed.
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    search = HyperbandSearchCV(
        _FailsOnAllTheData(random_state=0), {"max_depth": [2, 3]}, resource="n_estimators",
        max_resource=9, cv=3, random_state=0,
    )
    with pytest.raises(MemoryError):
        search.fit(X, y)
    assert type(search.best_estimator_) is _FailsOnAllTheData
    assert len(search.cv_results_["params"]) == 2
    assert os.listdir(tmp_path) == []


@pytest.mark.skipif(os.name != "posix", reason="orphans are only detected on POSIX")
def test_store_removes_directories_of_processes_that_ended(monkeypatch, tmp_path):
    # A search killed by a signal cannot remove its models; the next one does.
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    ours = f"skhptune-warm-start-{_namespace_tag()}"
    orphan = tmp_path / f"{ours}-{ended.pid}-abc"
    running = tmp_path / f"{ours}-{os.getpid()}-def"
    # Another container sharing the directory: its PIDs mean nothing here.
    other_tag = "h00000000" if _namespace_tag() != "h00000000" else "h11111111"
    elsewhere = tmp_path / f"skhptune-warm-start-{other_tag}-{ended.pid}-ghi"
    unrelated = tmp_path / f"{ours}-notapid"
    for directory in (orphan, running, elsewhere, unrelated):
        directory.mkdir()
        (directory / "model.pkl").write_bytes(b"x")
    store = ModelStore.create()
    assert not orphan.exists()
    assert running.exists() and elsewhere.exists() and unrelated.exists()
    assert os.path.basename(store.directory).startswith(f"{ours}-{os.getpid()}-")
    store.close()


def test_namespace_tag_depends_on_the_host(monkeypatch):
    tag = _namespace_tag()
    assert tag == _namespace_tag() and not tag.isdigit()
    monkeypatch.setattr("socket.gethostname", lambda: "another-host")
    assert _namespace_tag() != tag


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


def test_model_store_discards_the_models_of_other_configurations(tmp_path):
    store = ModelStore(str(tmp_path))
    for config in ("kept", "dropped"):
        for resource in (1, 3):
            store.save({"config": config}, config, "data", resource)
    store.save_bins("bins", ("mapper", np.zeros(3)))
    store.discard_configurations_except({"kept"})
    assert store.load_latest("kept", "data", below=9) == {"config": "kept"}
    assert store.load_latest("kept", "data", below=3) == {"config": "kept"}
    assert store.load_latest("dropped", "data", below=9) is None
    assert store.load_bins("bins") is not None


@pytest.mark.parametrize("total, free", [(2**32, 2**30 - 1), (10 * 2**37, 2**37 - 1)])
def test_model_store_leaves_free_space_on_its_disk(monkeypatch, tmp_path, total, free):
    # At least 1 GiB and a tenth of the disk stay free.
    monkeypatch.setattr(ModelStore, "_has_room", _REAL_HAS_ROOM)
    store = ModelStore(str(tmp_path))
    disk = shutil.disk_usage(tmp_path)._replace(total=total)
    monkeypatch.setattr(shutil, "disk_usage", lambda path: disk._replace(free=free))
    store.save("model", "config", "data", 1)
    store.save_bins("bins", ("mapper", np.zeros(3)))
    assert store.load_latest("config", "data", below=9) is None
    assert store.load_bins("bins") is None
    monkeypatch.setattr(shutil, "disk_usage", lambda path: disk._replace(free=free + 1))
    store.save("model", "config", "data", 1)
    store.save_bins("bins", ("mapper", np.zeros(3)))
    assert store.load_latest("config", "data", below=9) == "model"
    assert store.load_bins("bins") is not None


def test_side_by_side_brackets_keep_only_the_models_of_the_batch(monkeypatch):
    # A batch continues its own configurations' models, the next batch those of
    # this level: no other model need stay on disk.
    stored_configurations, save = {}, ModelStore.save

    def recording_save(store, model, config_key, data_key, resource):
        save(store, model, config_key, data_key, resource)
        stored = {name.split("-")[0] for name in os.listdir(store.directory) if name.endswith(".pkl")}
        stored_configurations[resource] = max(stored_configurations.get(resource, 0), len(stored))

    monkeypatch.setattr(ModelStore, "save", recording_save)
    search = HyperbandSearchCV(
        CountingEnsemble(), {"alpha": Real(0, 1)}, resource="n_estimators",
        min_resource=1, max_resource=27, cv=3, random_state=0,
    ).fit(X, y)
    levels, batch_sizes = np.unique(search.cv_results_["n_resources"], return_counts=True)
    # Every level below the largest saves models; each holds its batch's alone.
    assert stored_configurations == dict(zip(levels[:-1].tolist(), batch_sizes[:-1].tolist()))
    # Promoted configurations still continue their models (see
    # test_promoted_configurations_only_fit_the_new_members).
    promoted = np.asarray(search.cv_results_["iter"]) > 0
    added = -np.asarray(search.cv_results_["mean_test_score"])[promoted]
    assert (added < np.asarray(search.cv_results_["n_resources"])[promoted]).all()


def test_model_store_closes_while_other_threads_still_write(monkeypatch, tmp_path):
    # A search that raises closes its store while fits of other threads
    # (joblib's threading backend) go on saving into it.
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    for _ in range(20):
        store, closed = ModelStore.create(), threading.Event()

        def save_until_closed():
            resource = 0
            while not closed.is_set():
                resource += 1
                store.save({"resource": resource}, "config", "data", resource)

        writer = threading.Thread(target=save_until_closed)
        writer.start()
        while not os.listdir(store.directory):
            pass
        store.close()
        closed.set()
        writer.join()
        assert os.listdir(tmp_path) == []


def test_model_store_removes_a_file_written_while_it_was_being_removed(monkeypatch, tmp_path):
    # A write that found the directory just before it was renamed lands in the
    # renamed directory after the removal has listed it.
    store, rmtree, calls = ModelStore(str(tmp_path / "store")), shutil.rmtree, []
    os.mkdir(store.directory)

    def rmtree_missing_a_late_file(path, **kwargs):
        calls.append(path)
        rmtree(path, **kwargs)
        if len(calls) == 1:
            os.mkdir(path)
            with open(os.path.join(path, "late.pkl.tmp"), "wb"):
                pass

    monkeypatch.setattr(skhptune._warm_start.shutil, "rmtree", rmtree_missing_a_late_file)
    store.close()
    assert len(calls) == 2
    assert os.listdir(tmp_path) == []


def test_threads_saving_one_key_write_files_of_their_own(monkeypatch, tmp_path):
    # Sharing one temporary file, the second thread would rewrite the file the
    # first has already put in place, under a reader's feet.
    store, both_writing, partial_names = ModelStore(str(tmp_path)), threading.Barrier(2), []
    dump = pickle.dump

    def dump_together(value, file, **kwargs):
        partial_names.append(file.name)
        both_writing.wait(timeout=10)
        dump(value, file, **kwargs)

    monkeypatch.setattr(skhptune._warm_start.pickle, "dump", dump_together)
    bins = ("mapper", np.arange(5))
    writers = [threading.Thread(target=store.save_bins, args=("key", bins)) for _ in range(2)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    assert len(set(partial_names)) == 2
    np.testing.assert_array_equal(store.load_bins("key")[1], bins[1])
    assert os.listdir(tmp_path) == ["key.bins"]


def test_model_store_keeps_a_bounded_number_of_bins(tmp_path):
    store = ModelStore(str(tmp_path))
    for key in range(_MAX_BINS + 5):
        store.save_bins(str(key), ("mapper", np.full(3, key)))
    assert len(list(tmp_path.glob("*.bins"))) == _MAX_BINS
    assert store.load_bins("0")[0] == "mapper"
    assert store.load_bins(str(_MAX_BINS)) is None
    # Bins are not models: discarding models below a resource keeps them.
    store.discard_below(10**9)
    np.testing.assert_array_equal(store.load_bins("1")[1], [1, 1, 1])


def test_model_store_keeps_a_bounded_size_of_bins(monkeypatch, tmp_path):
    monkeypatch.setattr(skhptune._warm_start, "_MAX_BINS_BYTES", 3000)
    store = ModelStore(str(tmp_path))
    for key in range(3):
        store.save_bins(str(key), ("mapper", np.zeros(1001, dtype=np.uint8)))
    assert store.load_bins("1") is not None
    assert store.load_bins("2") is None  # a third would exceed the bound


@pytest.mark.parametrize(
    "params",
    [
        dict(random_state=None, early_stopping=True, n_iter_no_change=2),
        dict(random_state=np.random.RandomState(0), early_stopping=True, n_iter_no_change=2),
    ],
    ids=["None", "RandomState"],
)
def test_bins_a_fresh_seed_would_redraw_are_not_kept(monkeypatch, params):
    # Every fit splits off another early-stopping set: its bins serve no other fit.
    saved = []
    monkeypatch.setattr(ModelStore, "save_bins", lambda self, key, bins: saved.append(key))
    space = {"learning_rate": Real(0.05, 1, prior="log-uniform")}
    BayesSearchCV(
        HistGradientBoostingClassifier(max_iter=5, **params), space, n_iter=3, cv=3, random_state=0
    ).fit(X, y)
    assert saved == []
    BayesSearchCV(
        HistGradientBoostingClassifier(max_iter=5, random_state=0, early_stopping=True,
                                       n_iter_no_change=2),
        space, n_iter=3, cv=3, random_state=0,
    ).fit(X, y)
    assert len(set(saved)) == 3 + 1  # each fold, and the refit


def test_wrapper_stands_in_for_the_estimator(tmp_path):
    inner = HistGradientBoostingClassifier(max_iter=5)
    wrapper = WarmStartEstimator(inner, "max_iter", 5, ModelStore(str(tmp_path)))
    assert wrapper.get_params() == inner.get_params()
    assert is_classifier(wrapper)
    twin = clone(wrapper)
    assert isinstance(twin, WarmStartEstimator) and twin.wrapped_estimator is not inner
    assert twin._skhptune_store is wrapper._skhptune_store
    twin.set_params(learning_rate=0.5).fit(X, y)
    assert twin.wrapped_estimator.learning_rate == 0.5
    assert twin.score(X, y) == twin.wrapped_estimator.score(X, y)
    restored = pickle.loads(pickle.dumps(twin))
    np.testing.assert_array_equal(restored.predict(X), twin.predict(X))
    assert repr(twin) == repr(twin.wrapped_estimator)


def _searches_that_wrap(estimator, **kwargs):
    """The three searches over one parameter, each with the wrapper standing in."""
    space = {"max_leaf_nodes": [4, 8, 16]}
    return [
        BayesSearchCV(estimator, space, n_iter=3, cv=3, random_state=0, **kwargs),
        GeneticSearchCV(
            estimator, space, population_size=3, n_generations=1, cv=3, random_state=0, **kwargs
        ),
        HyperbandSearchCV(
            estimator, space, resource="max_iter", min_resource=3, max_resource=9, eta=3, cv=3,
            random_state=0, **kwargs
        ),
    ]


@pytest.mark.parametrize("multimetric", [False, True])
def test_scorers_see_the_estimator_not_the_wrapper(multimetric):
    # A scorer that builds a fresh copy from type(estimator), as some do, failed
    # on the wrapper (every score NaN), and a model a scorer kept was the wrapper.
    X, y = make_classification(n_samples=120, random_state=0)
    kept = []

    def fresh_copy_scorer(estimator, X, y):
        kept.append(estimator)
        type(estimator)(**estimator.get_params())
        return estimator.score(X, y)

    scoring = {"own": fresh_copy_scorer, "acc": "accuracy"} if multimetric else fresh_copy_scorer
    refit = "own" if multimetric else True
    key = "mean_test_own" if multimetric else "mean_test_score"
    estimator = HistGradientBoostingClassifier(max_iter=5, random_state=0)
    for search in _searches_that_wrap(estimator, scoring=scoring, refit=refit):
        kept.clear()
        search.fit(X, y)
        assert not np.isnan(search.cv_results_[key]).any()
        assert kept and {type(model) for model in kept} == {HistGradientBoostingClassifier}
        # scorer_ is what the user gave, as for RandomizedSearchCV.
        if multimetric:
            assert search.scorer_["own"] is fresh_copy_scorer
        else:
            assert search.scorer_ is fresh_copy_scorer


def test_scorers_of_the_wrapped_estimator_reach_worker_processes():
    X, y = make_classification(n_samples=120, random_state=0)

    def type_name_length(estimator, X, y):
        return float(len(type(estimator).__name__))

    estimator = HistGradientBoostingClassifier(max_iter=5, random_state=0)
    for search in _searches_that_wrap(estimator, scoring=type_name_length, n_jobs=2):
        search.fit(X, y)
        expected = len("HistGradientBoostingClassifier")
        np.testing.assert_array_equal(search.cv_results_["mean_test_score"], expected)
