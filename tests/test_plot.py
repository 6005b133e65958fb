import re
import sys
import warnings

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from scipy.stats import loguniform, randint  # noqa: E402
from sklearn.datasets import load_iris  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV  # noqa: E402
from sklearn.svm import SVC  # noqa: E402
from sklearn.utils import Bunch  # noqa: E402

import skhptune  # noqa: E402
from skhptune.plot import (  # noqa: E402
    ConvergenceDisplay,
    EvolutionDisplay,
    HyperbandDisplay,
    ParameterImportanceDisplay,
    ParameterScoreDisplay,
)
from skhptune.space import Real  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True)


@pytest.fixture(scope="module")
def random_search(iris):
    space = {"C": loguniform(1e-3, 1e3), "gamma": loguniform(1e-4, 1e1), "kernel": ["rbf", "linear"]}
    return RandomizedSearchCV(SVC(), space, n_iter=12, cv=3, random_state=0).fit(*iris)


@pytest.fixture(scope="module")
def conditional_grid(iris):
    # Two sub-spaces: gamma is masked in the rows of the linear kernel.
    grid = [
        {"kernel": ["linear"], "C": [0.01, 1.0, 100.0]},
        {"kernel": ["rbf"], "C": [0.01, 1.0, 100.0], "gamma": [0.001, 0.1]},
    ]
    return GridSearchCV(SVC(), grid, cv=3).fit(*iris)


class FittedSearch:
    """A stand-in for a fitted search: only the attributes a test sets."""

    refit = True

    def __init__(self, **attributes):
        for name, value in attributes.items():
            setattr(self, name, value)


def masked(values):
    column = np.ma.MaskedArray(np.empty(len(values), dtype=object), mask=False)
    column[:] = values
    return column


def fake_hyperband(resource_param=False):
    """Three brackets over resources 1, 3, 9 (eta=3): 9-3-1, 3-1 and 3 configurations."""
    rng = np.random.RandomState(0)
    rows = []  # (bracket, iter, n_resources, configuration id)
    rows += [(0, 0, 1, c) for c in range(9)] + [(0, 1, 3, c) for c in range(3)] + [(0, 2, 9, 0)]
    rows += [(1, 0, 3, c) for c in range(9, 12)] + [(1, 1, 9, 9)]
    rows += [(2, 0, 9, c) for c in range(12, 15)]
    bracket, it, resources, ids = map(np.array, zip(*rows))
    alpha = np.logspace(-3, 2, 15)[ids]
    params = [{"alpha": float(a)} for a in alpha]
    if resource_param:
        for p, r in zip(params, resources):
            p["max_iter"] = int(r)
    scores = 0.5 + 0.04 * resources + rng.uniform(0, 0.01, len(rows))
    best = int(np.flatnonzero(resources == 9)[np.argmax(scores[resources == 9])])
    results = {
        "params": params,
        "param_alpha": masked(list(alpha)),
        "mean_test_score": scores,
        "bracket": bracket,
        "iter": it,
        "n_resources": resources,
    }
    return FittedSearch(cv_results_=results, best_index_=best)


def fake_genetic(with_stats=True):
    generation = np.array([0, 0, 0, 0, 1, 1, 2, 2])
    scores = np.array([0.5, 0.6, np.nan, 0.7, 0.65, 0.8, 0.75, 0.78])
    results = {
        "params": [{"C": c} for c in range(8)],
        "param_C": masked(list(range(8))),
        "mean_test_score": scores,
        "generation": generation,
    }
    search = FittedSearch(cv_results_=results)
    if with_stats:
        search.generation_stats_ = {
            "generation": np.array([0, 1, 2]),
            "best_score": np.array([0.7, 0.8, 0.8]),
            "mean_score": np.array([0.6, 0.7, 0.77]),
            "diversity": np.array([0.6, 0.4, 0.2]),
            "n_evaluated": np.array([4, 2, 2]),
        }
    return search


# ---------------------------------------------------------------- optional matplotlib


def test_missing_matplotlib_error_names_the_extra(monkeypatch, random_search):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"pip install \"skhptune\[plot\]\""):
        ConvergenceDisplay.from_estimator(random_search)


def test_importing_the_module_does_not_need_matplotlib(monkeypatch):
    import importlib

    import skhptune.plot

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    importlib.reload(skhptune.plot)


@pytest.mark.parametrize(
    "display",
    [
        ConvergenceDisplay,
        ParameterScoreDisplay,
        ParameterImportanceDisplay,
        HyperbandDisplay,
        EvolutionDisplay,
    ],
)
def test_unfitted_search_raises(display):
    with pytest.raises(NotFittedError, match="not fitted"):
        display.from_estimator(RandomizedSearchCV(SVC(), {"C": [1, 2]}))


@pytest.mark.parametrize(
    "display",
    [ConvergenceDisplay, ParameterScoreDisplay, ParameterImportanceDisplay, HyperbandDisplay, EvolutionDisplay],
)
def test_fitted_estimator_that_is_not_a_search_raises(display, iris):
    # A fitted SVC is not "not fitted": the message says what the displays need.
    with pytest.raises(TypeError, match=r"hyperparameter search.*got SVC\(\)"):
        display.from_estimator(SVC().fit(*iris))


# ---------------------------------------------------------------- metric choice


def test_multimetric_search_plots_the_refit_metric(iris):
    search = GridSearchCV(
        SVC(), {"C": [0.1, 1, 10]}, scoring=["accuracy", "f1_macro"], refit="f1_macro", cv=3
    ).fit(*iris)
    display = ConvergenceDisplay.from_estimator(search)
    best = np.maximum.accumulate(search.cv_results_["mean_test_f1_macro"])
    np.testing.assert_allclose(display.line_.get_ydata(), best)
    assert display.ax_.get_ylabel() == "mean test f1_macro"
    other = ConvergenceDisplay.from_estimator(search, metric="accuracy")
    assert other.ax_.get_ylabel() == "mean test accuracy"


def test_multimetric_search_without_refit_metric_asks_for_one(iris):
    search = GridSearchCV(
        SVC(), {"C": [0.1, 1]}, scoring=["accuracy", "f1_macro"], refit=False, cv=3
    ).fit(*iris)
    with pytest.raises(ValueError, match="pass metric="):
        ConvergenceDisplay.from_estimator(search)
    with pytest.raises(ValueError, match="metric='recall' is not in cv_results_"):
        ConvergenceDisplay.from_estimator(search, metric="recall")


# ---------------------------------------------------------------- ConvergenceDisplay


def test_convergence_of_a_search_without_refit_metric_follows_its_first_metric(iris):
    # A metric named "score" that the search did not optimise is not the default:
    # history_ holds the best of the first metric, the one optimised.
    def far_from_100(estimator, X, y):
        return -abs(np.log10(estimator.C) - 2)

    def far_from_1e_3(estimator, X, y):
        return -abs(np.log10(estimator.C) + 3)

    search = skhptune.BayesSearchCV(
        SVC(), {"C": Real(1e-4, 1e4, prior="log-uniform")}, n_iter=8, cv=3, random_state=0,
        scoring={"x": far_from_100, "score": far_from_1e_3}, refit=False,
    ).fit(*iris)
    display = ConvergenceDisplay.from_estimator(search)
    assert display.ax_.get_ylabel() == "mean test x"
    scores = search.cv_results_["mean_test_x"]
    np.testing.assert_allclose(display.line_.get_ydata(), np.maximum.accumulate(scores))
    other = ConvergenceDisplay.from_estimator(search, metric="score")
    np.testing.assert_allclose(
        other.line_.get_ydata(), np.maximum.accumulate(search.cv_results_["mean_test_score"])
    )


def test_convergence_draws_best_so_far_staircase(random_search):
    display = ConvergenceDisplay.from_estimator(random_search)
    scores = random_search.cv_results_["mean_test_score"]
    np.testing.assert_array_equal(display.line_.get_xdata(), np.arange(1, 13))
    np.testing.assert_allclose(display.line_.get_ydata(), np.maximum.accumulate(scores))
    assert display.line_.get_drawstyle() == "steps-post"
    assert len(display.scatter_.get_offsets()) == 12
    assert display.ax_.get_xlabel() == "evaluations"
    assert display.ax_.get_ylabel() == "mean test score"
    assert display.figure_ is display.ax_.figure
    assert [t.get_text() for t in display.ax_.get_legend().get_texts()] == ["RandomizedSearchCV"]


def test_convergence_of_two_searches_on_one_axes(random_search, conditional_grid):
    first = ConvergenceDisplay.from_estimator(random_search, show_scores=False)
    second = ConvergenceDisplay.from_estimator(conditional_grid, ax=first.ax_, name="grid")
    assert second.ax_ is first.ax_
    assert len(first.ax_.get_lines()) == 2
    assert first.scatter_ is None
    legend = [t.get_text() for t in first.ax_.get_legend().get_texts()]
    assert legend == ["RandomizedSearchCV", "grid"]


def test_convergence_skips_failed_evaluations():
    results = {"mean_test_score": np.array([np.nan, 0.5, np.nan, 0.4, 0.7]), "params": [{}] * 5}
    display = ConvergenceDisplay.from_estimator(FittedSearch(cv_results_=results))
    np.testing.assert_allclose(display.line_.get_ydata(), [np.nan, 0.5, 0.5, 0.5, 0.7])


def test_convergence_follows_the_largest_resource_like_best_index():
    # Small resources flatter the first rows; the staircase falls to the best
    # at the largest resource reached, the row best_index_ would pick.
    results = {
        "mean_test_score": np.array([0.9, 0.8, 0.6, 0.95, 0.7]),
        "n_resources": np.array([1, 1, 3, 1, 3]),
        "params": [{}] * 5,
    }
    display = ConvergenceDisplay.from_estimator(FittedSearch(cv_results_=results))
    np.testing.assert_allclose(display.line_.get_ydata(), [0.9, 0.9, 0.6, 0.6, 0.7])


class _FailsOnLargeSubsamples(SVC):
    def fit(self, X, y, sample_weight=None):
        if len(X) > 60:
            raise ValueError("too many samples")
        return super().fit(X, y, sample_weight)


def test_convergence_of_hyperband_passes_over_failed_fits_like_best_score(iris):
    # cv_results_ holds error_score=0 for the fits that failed at the largest
    # resources; the staircase fell to it.
    search = skhptune.HyperbandSearchCV(
        _FailsOnLargeSubsamples(), {"C": Real(1e-3, 1e3, prior="log-uniform")},
        min_resource=10, cv=3, random_state=0, error_score=0.0, refit=False,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the failed fits, and best_index_'s fallback
        search.fit(*iris)
    assert 0.0 in search.cv_results_["mean_test_score"]
    display = ConvergenceDisplay.from_estimator(search)
    assert display.line_.get_ydata()[-1] == search.best_score_ > 0


def test_convergence_against_time_uses_history():
    results = {"mean_test_score": np.array([0.5, 0.7, 0.6]), "params": [{}] * 3}
    history = {
        "score": results["mean_test_score"],
        "best_score": np.array([0.5, 0.7, 0.7]),
        "elapsed_time": np.array([1.0, 1.0, 2.5]),
    }
    display = ConvergenceDisplay.from_estimator(
        FittedSearch(cv_results_=results, history_=history), x="time"
    )
    np.testing.assert_allclose(display.line_.get_xdata(), [1.0, 1.0, 2.5])
    assert display.ax_.get_xlabel() == "elapsed time (s)"


def test_convergence_against_time_of_sklearn_search_sums_fit_times(random_search):
    display = ConvergenceDisplay.from_estimator(random_search, x="time")
    results = random_search.cv_results_
    expected = np.cumsum((results["mean_fit_time"] + results["mean_score_time"]) * 3)
    np.testing.assert_allclose(display.line_.get_xdata(), expected)
    assert display.ax_.get_xlabel() == "cumulative fit and score time (s)"


def test_convergence_rejects_unknown_x(random_search):
    with pytest.raises(ValueError, match='x must be "evaluations" or "time"'):
        ConvergenceDisplay.from_estimator(random_search, x="rows")


# ---------------------------------------------------------------- ParameterScoreDisplay


def test_parameter_scores_one_panel_per_parameter(random_search):
    display = ParameterScoreDisplay.from_estimator(random_search)
    assert [ax.get_xlabel() for ax in display.axes_] == ["C", "gamma", "kernel"]
    assert [len(s.get_offsets()) for s in display.scatters_] == [12, 12, 12]
    # loguniform spaces spanning decades get log axes; strings become strips.
    assert [ax.get_xscale() for ax in display.axes_] == ["log", "log", "linear"]
    kernel_ax = display.axes_[2]
    assert [t.get_text() for t in kernel_ax.get_xticklabels()] == ["linear", "rbf"]
    strip_x = display.scatters_[2].get_offsets()[:, 0]
    assert np.all(np.abs(strip_x - np.round(strip_x)) <= 0.15)
    assert display.axes_[0].get_ylabel() == "mean test score"
    assert display.colorbar_.ax.get_ylabel() == "evaluation"


@pytest.mark.parametrize("name", ["c", "color"])
def test_a_colour_given_to_the_scatter_displays_replaces_theirs(random_search, name):
    # The displays colour the points themselves: a user's colour under either
    # name crashed with matplotlib's "multiple values" or "c and color" errors.
    display = ParameterScoreDisplay.from_estimator(random_search, **{name: "black"})
    assert display.colorbar_ is None
    for scatter in display.scatters_:
        np.testing.assert_allclose(scatter.get_facecolor()[:, :3], 0.0)
    display = HyperbandDisplay.from_estimator(fake_hyperband(), **{name: "black"})
    for scatter in display.scatters_:
        np.testing.assert_allclose(scatter.get_facecolor()[:, :3], 0.0)


def test_parameter_scores_keep_a_norm_of_the_users(random_search):
    norm = matplotlib.colors.LogNorm(1, 12)
    display = ParameterScoreDisplay.from_estimator(random_search, norm=norm)
    assert all(scatter.norm is norm for scatter in display.scatters_)


def test_parameter_scores_take_the_users_colour_bounds_and_numbers(random_search):
    # vmin and vmax crashed next to the display's norm; a cmap was dropped for
    # numbers given as c.
    display = ParameterScoreDisplay.from_estimator(random_search, vmin=2, vmax=5)
    assert (display.scatters_[0].norm.vmin, display.scatters_[0].norm.vmax) == (2, 5)
    c = np.linspace(0, 1, len(random_search.cv_results_["params"]))
    display = ParameterScoreDisplay.from_estimator(random_search, c=c, cmap="magma")
    assert all(scatter.get_cmap().name == "magma" for scatter in display.scatters_)


@pytest.mark.parametrize("color, Norm", [([1.0, 2.0, 3.0], "Normalize"), ([1.0, 10.0, 100.0], "LogNorm")])
def test_parameter_scores_colour_a_column_over_its_range_logarithmic_from_a_decade(color, Norm):
    values = {"a": np.array([1.0, 2.0, 3.0], dtype=object)}
    display = ParameterScoreDisplay(
        values, {"a": np.ones(3, bool)}, np.array([0.1, 0.2, 0.3]), color=np.array(color),
        color_label="n_resources",
    ).plot()
    norm = display.scatters_[0].norm
    assert type(norm).__name__ == Norm
    assert (norm.vmin, norm.vmax) == (min(color), max(color))


def test_parameter_scores_marks_the_best_row(random_search):
    display = ParameterScoreDisplay.from_estimator(random_search)
    best = random_search.best_index_
    for marker in display.best_markers_:
        assert marker.get_offsets()[0][1] == pytest.approx(random_search.cv_results_["mean_test_score"][best])


def test_parameter_scores_leave_out_rows_without_the_parameter(conditional_grid):
    display = ParameterScoreDisplay.from_estimator(conditional_grid, params=["C", "gamma"])
    assert [len(s.get_offsets()) for s in display.scatters_] == [9, 6]
    # C in [0.01, 100] spans four decades; gamma [0.001, 0.1] two.
    assert [ax.get_xscale() for ax in display.axes_] == ["log", "log"]


def test_parameter_scores_linear_axis_for_narrow_range(iris):
    search = GridSearchCV(SVC(), {"C": [1.0, 2.0, 5.0]}, cv=3).fit(*iris)
    display = ParameterScoreDisplay.from_estimator(search)
    assert display.axes_[0].get_xscale() == "linear"


def test_parameter_scores_follow_declared_log_prior():
    # Values spanning less than two decades, but the space says log-uniform.
    results = {
        "params": [{"C": c} for c in (1.0, 2.0, 5.0)],
        "param_C": masked([1.0, 2.0, 5.0]),
        "mean_test_score": np.array([0.1, 0.2, 0.3]),
    }
    search = FittedSearch(
        cv_results_=results, param_distributions={"C": Real(1.0, 5.0, prior="log-uniform")}
    )
    display = ParameterScoreDisplay.from_estimator(search)
    assert display.axes_[0].get_xscale() == "log"


def test_parameter_scores_split_a_given_axes(random_search):
    _, ax = plt.subplots()
    display = ParameterScoreDisplay.from_estimator(random_search, ax=ax, n_cols=2)
    assert len(display.axes_) == 3
    assert not ax.axison
    assert display.figure_ is ax.figure


def test_parameter_scores_on_given_axes_array(random_search):
    _, axes = plt.subplots(1, 2)
    display = ParameterScoreDisplay.from_estimator(random_search, params=["C", "kernel"], ax=axes)
    assert list(display.axes_) == list(axes)
    with pytest.raises(ValueError, match="Expected 3 axes"):
        ParameterScoreDisplay.from_estimator(random_search, ax=axes)


def test_parameter_scores_color_by_resource():
    search = fake_hyperband()
    display = ParameterScoreDisplay.from_estimator(search)
    assert display.colorbar_.ax.get_ylabel() == "n_resources"
    np.testing.assert_array_equal(display.scatters_[0].get_array(), search.cv_results_["n_resources"])
    with pytest.raises(ValueError, match="color_by must be \"auto\", \"evaluation\" or a cv_results_ column, got 'nonexistent'"):
        ParameterScoreDisplay.from_estimator(search, color_by="nonexistent")


def test_parameter_scores_order_number_choices_numerically(iris):
    from sklearn.tree import DecisionTreeClassifier

    grid = {"max_depth": [10, 2, 20, 5, None], "criterion": ["gini", "entropy"]}
    search = GridSearchCV(DecisionTreeClassifier(random_state=0), grid, cv=3).fit(*iris)
    display = ParameterScoreDisplay.from_estimator(search, params=["max_depth"])
    labels = [t.get_text() for t in display.axes_[0].get_xticklabels()]
    assert labels == ["2", "5", "10", "20", "None"]
    # Each point sits on the strip of its own value.
    strip = np.round(display.scatters_[0].get_offsets()[:, 0]).astype(int)
    depths = [labels[i] for i in strip]
    assert depths == [repr(p["max_depth"]) for p in search.cv_results_["params"]]


def test_parameter_scores_one_strip_per_distinct_value(iris):
    # Three PCAs shorten to one label, "PCA": they were drawn on one strip.
    from sklearn.decomposition import PCA
    from sklearn.pipeline import Pipeline

    pipe = Pipeline([("reduce", "passthrough"), ("svc", SVC())])
    grid = {"reduce": [PCA(1), PCA(2), PCA(3), "passthrough"]}
    search = GridSearchCV(pipe, grid, cv=3).fit(*iris)
    display = ParameterScoreDisplay.from_estimator(search, params="reduce")
    labels = [t.get_text() for t in display.axes_[0].get_xticklabels()]
    assert len(labels) == len(set(labels)) == 4
    strip = np.round(display.scatters_[0].get_offsets()[:, 0]).astype(int)
    assert [labels[i] for i in strip] == [
        "passthrough" if p["reduce"] == "passthrough" else repr(p["reduce"])
        for p in search.cv_results_["params"]
    ]


def test_parameter_scores_argument_errors_name_the_argument(random_search):
    with pytest.raises(ValueError, match="color_by='param_kernel' must name a numeric"):
        ParameterScoreDisplay.from_estimator(random_search, color_by="param_kernel")
    figure = plt.figure()
    with pytest.raises(ValueError, match="ax must be an axes of a grid"):
        ParameterScoreDisplay.from_estimator(random_search, ax=figure.add_axes([0, 0, 1, 1]))


@pytest.mark.parametrize(
    "n_cols, error", [(0, ValueError), (-2, ValueError), (1.5, TypeError), ("2", TypeError), (True, TypeError)]
)
def test_parameter_scores_n_cols_must_be_a_positive_int(random_search, n_cols, error):
    # 0 gave one column, 1.5 matplotlib's error about rows, "2" a comparison error.
    with pytest.raises(error, match=f"n_cols must be a positive int, got {re.escape(repr(n_cols))}"):
        ParameterScoreDisplay.from_estimator(random_search, n_cols=n_cols)


@pytest.mark.parametrize("method", ["permutation", "search"])
def test_importances_n_repeats_must_be_a_positive_int(random_search, method):
    # Checked whatever the method, before a forest is fitted.
    search = FittedSearch(
        cv_results_=random_search.cv_results_,
        parameter_importances_={"C": 0.6, "gamma": 0.3, "kernel": 0.1},
    )
    with pytest.raises(ValueError, match="n_repeats must be a positive int, got 0"):
        ParameterImportanceDisplay.from_estimator(search, method=method, n_repeats=0)


@pytest.mark.parametrize("random_state", ["0", -1, 1.5])
@pytest.mark.parametrize("method", ["permutation", "search"])
def test_importances_random_state_is_checked_by_the_display(random_search, method, random_state):
    # The forest checked it before, in a message naming RandomForestRegressor.
    search = FittedSearch(
        cv_results_=random_search.cv_results_,
        parameter_importances_={"C": 0.6, "gamma": 0.3, "kernel": 0.1},
    )
    with pytest.raises(
        ValueError, match="'random_state' parameter of ParameterImportanceDisplay.from_estimator"
    ):
        ParameterImportanceDisplay.from_estimator(search, method=method, random_state=random_state)


def test_parameter_scores_unknown_parameter(random_search):
    with pytest.raises(ValueError, match="'degree' is not in cv_results_"):
        ParameterScoreDisplay.from_estimator(random_search, params=["degree"])


# ---------------------------------------------------------------- ParameterImportanceDisplay


def test_importances_from_a_model_for_sklearn_search(random_search):
    display = ParameterImportanceDisplay.from_estimator(random_search, random_state=0)
    widths = [bar.get_width() for bar in display.bars_]
    assert len(widths) == 3
    assert sum(widths) == pytest.approx(1.0)
    assert widths == sorted(widths)  # most important at the top
    assert set(display.importances) == {"C", "gamma", "kernel"}
    assert "permutation" in display.ax_.get_xlabel()


def test_a_negative_permutation_importance_counts_as_none(random_search, monkeypatch):
    # Shuffling a parameter the forest barely uses can improve its fit by
    # chance: such a parameter gets no bar, and the others still sum to 1.
    import sklearn.inspection

    def permutation_importance(model, X, y, **kwargs):
        return Bunch(importances_mean=np.array([0.6, -0.2, 0.2]))

    monkeypatch.setattr(sklearn.inspection, "permutation_importance", permutation_importance)
    display = ParameterImportanceDisplay.from_estimator(random_search, random_state=0)
    assert list(display.importances.values()) == pytest.approx([0.75, 0.0, 0.25])


def test_importances_of_huge_scores_are_those_of_the_same_scores_scaled_down(random_search):
    # A diverged regressor's squared errors: the forest's own squared errors
    # of such scores overflowed.
    results = dict(random_search.cv_results_)
    results["mean_test_score"] = -1e160 * (2.0 - results["mean_test_score"])
    small = dict(results, mean_test_score=results["mean_test_score"] / 1e160)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        huge = ParameterImportanceDisplay.from_estimator(FittedSearch(cv_results_=results), random_state=0)
    plain = ParameterImportanceDisplay.from_estimator(FittedSearch(cv_results_=small), random_state=0)
    assert huge.importances == pytest.approx(plain.importances, abs=1e-3)  # rounding apart
    assert sum(huge.importances.values()) == pytest.approx(1.0)


def test_importances_from_the_search_when_it_has_them(random_search):
    search = FittedSearch(
        cv_results_=random_search.cv_results_,
        parameter_importances_={"C": 0.6, "gamma": 0.3, "kernel": 0.1},
    )
    display = ParameterImportanceDisplay.from_estimator(search)
    labels = [t.get_text() for t in display.ax_.get_yticklabels()]
    assert labels == ["kernel", "gamma", "C"]
    assert [bar.get_width() for bar in display.bars_] == [0.1, 0.3, 0.6]
    assert "Gaussian process" in display.ax_.get_xlabel()
    forced = ParameterImportanceDisplay.from_estimator(search, method="permutation", random_state=0)
    assert "permutation" in forced.ax_.get_xlabel()


def test_importances_of_a_list_of_dicts_come_from_a_model_of_every_parameter(conditional_grid):
    # The search's own importances cover its largest sub-space only (here the
    # linear kernel's, without gamma).
    search = FittedSearch(
        cv_results_=conditional_grid.cv_results_,
        parameter_importances_={"C": 1.0, "kernel": 0.0},
    )
    display = ParameterImportanceDisplay.from_estimator(search, random_state=0)
    assert "permutation" in display.ax_.get_xlabel()
    assert set(display.importances) == {"C", "gamma", "kernel"}
    forced = ParameterImportanceDisplay.from_estimator(search, method="search")
    assert forced.importances == search.parameter_importances_


def test_importances_of_sub_spaces_with_the_same_names_come_from_a_model(iris):
    # Both sub-spaces name C and kernel, but the search's own model covers one
    # sub-space only, in which kernel has a single value.
    grid = [{"kernel": ["linear"], "C": [0.01, 1.0, 100.0]}, {"kernel": ["rbf"], "C": [0.1, 10.0]}]
    search = FittedSearch(
        cv_results_=GridSearchCV(SVC(), grid, cv=3).fit(*iris).cv_results_,
        param_distributions=grid,
        parameter_importances_={"C": 1.0, "kernel": 0.0},
    )
    display = ParameterImportanceDisplay.from_estimator(search, random_state=0)
    assert "permutation" in display.ax_.get_xlabel()
    assert display.importances["kernel"] > 0


def test_importances_of_the_search_explain_its_refit_metric_only(iris):
    search = skhptune.BayesSearchCV(
        SVC(), {"C": Real(1e-2, 1e2, prior="log-uniform"), "gamma": Real(1e-3, 1, prior="log-uniform")},
        n_iter=8, scoring={"acc": "accuracy", "bal": "balanced_accuracy"}, refit="acc", cv=3,
        random_state=0,
    ).fit(*iris)
    with pytest.raises(ValueError, match="explain the metric the search optimised, 'acc', not metric='bal'"):
        ParameterImportanceDisplay.from_estimator(search, metric="bal", method="search")
    display = ParameterImportanceDisplay.from_estimator(search, metric="bal", random_state=0)
    assert "permutation" in display.ax_.get_xlabel()


def test_importances_of_a_search_without_refit_metric_explain_its_first_metric(iris):
    # With refit=False the search optimises its first metric, which
    # parameter_importances_ then explain.
    search = skhptune.BayesSearchCV(
        SVC(), {"C": Real(1e-2, 1e2, prior="log-uniform"), "gamma": Real(1e-3, 1, prior="log-uniform")},
        n_iter=8, scoring=["accuracy", "balanced_accuracy"], refit=False, cv=3, random_state=0,
    ).fit(*iris)
    display = ParameterImportanceDisplay.from_estimator(search, metric="accuracy", method="search")
    assert display.importances == search.parameter_importances_
    auto = ParameterImportanceDisplay.from_estimator(search)
    assert "Gaussian process" in auto.ax_.get_xlabel()
    with pytest.raises(ValueError, match="optimised, 'accuracy', not metric='balanced_accuracy'"):
        ParameterImportanceDisplay.from_estimator(search, metric="balanced_accuracy", method="search")


def test_importances_method_search_needs_the_attribute(random_search):
    with pytest.raises(ValueError, match="has no parameter_importances_"):
        ParameterImportanceDisplay.from_estimator(random_search, method="search")
    with pytest.raises(ValueError, match="method must be"):
        ParameterImportanceDisplay.from_estimator(random_search, method="gini")


def test_importances_see_the_resource_of_hyperband():
    display = ParameterImportanceDisplay.from_estimator(fake_hyperband(), random_state=0)
    assert set(display.importances) == {"alpha", "n_resources"}
    # The scores are driven by the resource only.
    assert display.importances["n_resources"] > display.importances["alpha"]


def test_importances_count_a_resource_parameter_once_on_a_log_range():
    # Resources spanning decades are encoded in log10: the resource parameter
    # must still be recognised as the n_resources column.
    search = fake_hyperband(resource_param=True)
    wider = {1: 1, 3: 30, 9: 900}
    results = search.cv_results_
    results["n_resources"] = np.array([wider[r] for r in results["n_resources"]])
    for params in results["params"]:
        params["max_iter"] = wider[params["max_iter"]]
    results["param_max_iter"] = masked([p["max_iter"] for p in results["params"]])
    search.resource = "max_iter"
    display = ParameterImportanceDisplay.from_estimator(search, random_state=0)
    assert set(display.importances) == {"alpha", "max_iter"}


@pytest.mark.parametrize("refit", [False, lambda results: 0])
def test_a_metric_passed_is_plotted_when_the_search_has_no_refit_metric(iris, refit):
    search = GridSearchCV(
        SVC(), {"C": [0.1, 1, 10, 100]}, scoring=["accuracy", "f1_macro"], refit=refit, cv=3
    ).fit(*iris)
    for display in (ConvergenceDisplay, ParameterScoreDisplay):
        shown = display.from_estimator(search, metric="f1_macro")
        assert shown.score_label == "mean test f1_macro"
    importances = ParameterImportanceDisplay.from_estimator(search, metric="f1_macro", random_state=0)
    assert set(importances.importances) == {"C"}


def test_importances_all_zero_say_so_instead_of_an_empty_chart(random_search):
    results = dict(random_search.cv_results_)
    results["mean_test_score"] = np.full(len(results["params"]), 0.5)  # never varied
    display = ParameterImportanceDisplay.from_estimator(
        FittedSearch(cv_results_=results), random_state=0
    )
    assert all(bar.get_width() == 0 for bar in display.bars_)
    assert [t.get_text() for t in display.ax_.texts] == [
        "no parameter explains any change of the score"
    ]
    varied = ParameterImportanceDisplay.from_estimator(random_search, random_state=0)
    assert len(varied.ax_.texts) == 0


def test_displays_of_a_search_without_parameters_say_so(iris):
    search = GridSearchCV(SVC(), {}, cv=3).fit(*iris)
    with pytest.raises(ValueError, match="no parameters to explain"):
        ParameterImportanceDisplay.from_estimator(search)
    with pytest.raises(ValueError, match="no parameters to plot"):
        ParameterScoreDisplay.from_estimator(search)


def test_importances_need_a_few_finite_scores():
    results = {
        "params": [{"C": 1}, {"C": 2}],
        "param_C": masked([1, 2]),
        "mean_test_score": np.array([0.5, np.nan]),
    }
    with pytest.raises(ValueError, match="at least 3 evaluations"):
        ParameterImportanceDisplay.from_estimator(FittedSearch(cv_results_=results))


# ---------------------------------------------------------------- HyperbandDisplay


@pytest.mark.parametrize("resource_param", [False, True])
def test_hyperband_rungs_and_promotions(resource_param):
    search = fake_hyperband(resource_param=resource_param)
    display = HyperbandDisplay.from_estimator(search)
    assert [len(s.get_offsets()) for s in display.scatters_] == [13, 4, 3]
    # Bracket 0 promotes 3 then 1 configurations, bracket 1 one, bracket 2 none.
    assert [len(lines.get_segments()) for lines in display.promotion_lines_] == [4, 1, 0]
    assert display.ax_.get_xscale() == "log"
    assert display.ax_.get_xlabel() == "n_resources"
    assert display.ax_.get_ylabel() == "mean test score"
    assert [t.get_text() for t in display.ax_.get_xticklabels()] == ["1", "3", "9"]
    legend = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert legend == ["bracket 0", "bracket 1", "bracket 2", "best"]
    best_y = display.best_marker_.get_offsets()[0][1]
    assert best_y == search.cv_results_["mean_test_score"][search.best_index_]


def test_hyperband_promotion_lines_join_the_same_configuration():
    search = fake_hyperband()
    display = HyperbandDisplay.from_estimator(search, dodge=False)
    scores = search.cv_results_["mean_test_score"]
    # The top configuration of bracket 0 goes 1 -> 3 -> 9: rows 0, 9 and 12.
    segments = [tuple(map(tuple, s)) for s in display.promotion_lines_[0].get_segments()]
    assert ((1.0, scores[0]), (3.0, scores[9])) in segments
    assert ((3.0, scores[9]), (9.0, scores[12])) in segments


def test_hyperband_promotion_line_starts_at_the_best_copy_below():
    # A halving search drawing with replacement evaluates a configuration twice
    # at the lowest rung: the line starts from the copy that was promoted.
    display = HyperbandDisplay(
        np.array([1, 1, 3]), np.array([0.2, 0.8, 0.9]), np.zeros(3, int), np.array([0, 0, 0])
    ).plot()
    assert [segment[0][1] for segment in display.promotion_lines_[0].get_segments()] == [0.8]


def test_rows_without_a_parameter_are_encoded_below_its_values():
    from skhptune.plot import _encode_parameters

    column = np.ma.MaskedArray(np.array([1.0, 5.0, 9.0, 0], dtype=object), mask=[False, False, False, True])
    encoded = _encode_parameters(FittedSearch(param_distributions=None), {"param_a": column}, ["a"]).ravel()
    assert encoded[:3].tolist() == [1.0, 5.0, 9.0] and encoded[3] < 1.0


def test_hyperband_dodge_keeps_points_near_their_level():
    display = HyperbandDisplay.from_estimator(fake_hyperband())
    for scatter in display.scatters_:
        x = scatter.get_offsets()[:, 0]
        nearest = np.array([1, 3, 9])[np.abs(np.log(x)[:, None] - np.log([1, 3, 9])).argmin(axis=1)]
        np.testing.assert_allclose(x, nearest, rtol=0.1)
    plain = HyperbandDisplay.from_estimator(fake_hyperband(), dodge=False, show_promotions=False)
    assert plain.promotion_lines_ == []
    assert set(plain.scatters_[1].get_offsets()[:, 0]) == {3.0, 9.0}


def test_hyperband_display_reads_sklearn_halving_search(iris):
    from sklearn.experimental import enable_halving_search_cv  # noqa: F401
    from sklearn.model_selection import HalvingGridSearchCV

    search = HalvingGridSearchCV(
        SVC(), {"C": [0.01, 0.1, 1, 10, 100, 1000]}, factor=3, cv=3, random_state=0
    ).fit(*iris)
    display = HyperbandDisplay.from_estimator(search)
    assert len(display.scatters_) == 1
    assert len(display.scatters_[0].get_offsets()) == len(search.cv_results_["params"])
    assert len(display.promotion_lines_[0].get_segments()) == sum(search.n_candidates_[1:])


def test_hyperband_display_links_copies_of_a_configuration_once(iris):
    # HalvingRandomSearchCV samples with replacement: a configuration drawn twice
    # has two rows at a rung, which must not be linked to each other.
    from sklearn.experimental import enable_halving_search_cv  # noqa: F401
    from sklearn.model_selection import HalvingRandomSearchCV
    from sklearn.tree import DecisionTreeClassifier

    search = HalvingRandomSearchCV(
        DecisionTreeClassifier(random_state=0), {"max_depth": randint(1, 8)},
        min_resources=30, factor=2, cv=3, random_state=0,
    ).fit(*iris)
    depths = [params["max_depth"] for params in search.cv_results_["params"]]
    assert len(set(depths)) < search.n_candidates_[0]  # copies were drawn
    display = HyperbandDisplay.from_estimator(search, dodge=False)
    segments = display.promotion_lines_[0].get_segments()
    assert len(segments) == sum(search.n_candidates_[1:])
    assert all(start[0] < end[0] for start, end in segments)


def test_hyperband_promotion_line_can_start_at_a_row_of_an_earlier_bracket():
    # Bracket 1 starts configuration 0 at resource 3, where bracket 0 evaluated
    # it already: the shared row keeps bracket 0's label, and bracket 1's
    # promotion of it to 9 starts from that row.
    display = HyperbandDisplay(
        np.array([1, 1, 3, 9]), np.array([0.5, 0.4, 0.6, 0.7]), np.array([0, 0, 0, 1]),
        np.array([0, 1, 0, 0]),
    ).plot(dodge=False)
    first, second = (lines.get_segments() for lines in display.promotion_lines_)
    assert [tuple(map(tuple, s)) for s in second] == [((3.0, 0.6), (9.0, 0.7))]
    assert [tuple(map(tuple, s)) for s in first] == [((1.0, 0.5), (3.0, 0.6))]


def test_hyperband_display_links_every_later_evaluation_on_an_exhausted_grid(iris):
    # A 16-point grid over three levels: bracket 0 starts it whole, and bracket
    # 1 starts the best of it at the next level, sharing the rows of bracket 0's
    # promotions there, then promotes some of those.
    cls = _search_class("HyperbandSearchCV")
    grid = {"C": list(np.logspace(-2, 3, 8)), "kernel": ["linear", "rbf"]}
    search = cls(SVC(), grid, min_resource=10, cv=3, random_state=0).fit(*iris)
    display = HyperbandDisplay.from_estimator(search)
    n_rows = len(search.cv_results_["params"])
    n_lines = sum(len(lines.get_segments()) for lines in display.promotion_lines_)
    # One row per configuration and resource: every row but a configuration's
    # first has a line.
    assert n_lines == n_rows - len(grid["C"]) * len(grid["kernel"]) > 0


def test_hyperband_display_needs_resources(random_search):
    with pytest.raises(ValueError, match="no n_resources column"):
        HyperbandDisplay.from_estimator(random_search)


# ---------------------------------------------------------------- EvolutionDisplay


def test_evolution_from_generation_stats():
    search = fake_genetic()
    display = EvolutionDisplay.from_estimator(search)
    np.testing.assert_array_equal(display.best_line_.get_xdata(), [0, 1, 2])
    np.testing.assert_allclose(display.best_line_.get_ydata(), [0.7, 0.8, 0.8])
    np.testing.assert_allclose(display.mean_line_.get_ydata(), [0.6, 0.7, 0.77])
    np.testing.assert_allclose(display.diversity_line_.get_ydata(), [0.6, 0.4, 0.2])
    assert display.diversity_ax_.get_ylabel() == "diversity"
    assert len(display.scatter_.get_offsets()) == 8
    assert display.ax_.get_xlabel() == "generation"
    legend = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert legend == ["best", "mean", "configurations", "diversity"]


def test_evolution_from_cv_results_only():
    display = EvolutionDisplay.from_estimator(fake_genetic(with_stats=False), show_individuals=False)
    np.testing.assert_allclose(display.best_line_.get_ydata(), [0.7, 0.8, 0.8])
    np.testing.assert_allclose(display.mean_line_.get_ydata(), [0.6, 0.725, 0.765])
    assert display.diversity_ax_ is None
    assert display.scatter_ is None
    assert len(display.figure_.axes) == 1


def test_evolution_needs_generations(random_search):
    with pytest.raises(ValueError, match="no generation column"):
        EvolutionDisplay.from_estimator(random_search)


# ---------------------------------------------------------------- the skhptune searches


def _search_class(name):
    cls = getattr(skhptune, name, None)
    if cls is None:
        pytest.skip(f"skhptune.{name} is not available yet")
    return cls


SPACE = {"C": Real(1e-2, 1e3, prior="log-uniform"), "kernel": ["rbf", "linear"]}


def test_bayes_search_plots(iris):
    search = _search_class("BayesSearchCV")(SVC(), SPACE, n_iter=8, cv=3, random_state=0).fit(*iris)
    convergence = ConvergenceDisplay.from_estimator(search, x="time")
    np.testing.assert_allclose(convergence.line_.get_xdata(), search.history_["elapsed_time"])
    np.testing.assert_allclose(convergence.line_.get_ydata(), search.history_["best_score"])
    importance = ParameterImportanceDisplay.from_estimator(search)
    if search.parameter_importances_:
        assert "Gaussian process" in importance.ax_.get_xlabel()
    scores = ParameterScoreDisplay.from_estimator(search)
    assert [ax.get_xscale() for ax in scores.axes_] == ["log", "linear"]


def test_hyperband_search_plots(iris):
    cls = _search_class("HyperbandSearchCV")
    search = cls(SVC(), SPACE, min_resource=10, eta=3, cv=3, random_state=0).fit(*iris)
    display = HyperbandDisplay.from_estimator(search)
    n_rows = len(search.cv_results_["params"])
    assert sum(len(s.get_offsets()) for s in display.scatters_) == n_rows
    n_promotions = sum(len(lines.get_segments()) for lines in display.promotion_lines_)
    n_first_rungs = int(np.sum(search.cv_results_["iter"] == 0))
    assert n_promotions == n_rows - n_first_rungs


def test_genetic_search_plots(iris):
    cls = _search_class("GeneticSearchCV")
    search = cls(SVC(), SPACE, population_size=6, n_generations=3, cv=3, random_state=0).fit(*iris)
    display = EvolutionDisplay.from_estimator(search)
    assert len(display.best_line_.get_xdata()) == search.n_generations_
    assert display.diversity_line_ is not None


def test_convergence_moves_to_a_larger_resource_reached_with_an_infinite_score():
    # As best_index_: an infinite score counts at its level; being infinite,
    # that best is not drawn (it was kept at the lower level's 0.5, then 0.7).
    from skhptune.plot import _best_so_far

    best = _best_so_far([0.5, np.inf, 0.7], resources=[1, 3, 3])
    np.testing.assert_array_equal(best, [0.5, np.nan, np.nan])


# ---------------------------------------------------------------- session 53's hunt


def test_a_sequential_colour_map_gives_brackets_colours_far_apart():
    # viridis lists 256 shades: its first four are four near-identical purples.
    display = HyperbandDisplay.from_estimator(fake_hyperband(), cmap="viridis")
    colours = np.array([scatter.get_facecolor()[0][:3] for scatter in display.scatters_])
    gaps = np.abs(np.diff(colours, axis=0)).sum(axis=1)
    assert gaps.min() > 0.2
    tab10 = HyperbandDisplay.from_estimator(fake_hyperband(), cmap="tab10")
    first = matplotlib.colors.to_rgba(matplotlib.colormaps["tab10"](0))
    assert tuple(tab10.scatters_[0].get_facecolor()[0][:3]) == pytest.approx(first[:3], abs=1e-6)


def test_infinite_parameter_values_are_categories_and_keep_the_best(iris):
    # KNeighborsClassifier's p=np.inf (Chebyshev) is a value a user searches.
    from sklearn.neighbors import KNeighborsClassifier

    search = GridSearchCV(KNeighborsClassifier(), {"p": [1, 2, np.inf]}, cv=3).fit(*iris)
    search.cv_results_["mean_test_score"][2] += 1  # make p=inf the best row
    search.best_index_ = 2
    display = ParameterScoreDisplay.from_estimator(search)
    assert len(display.scatters_[0].get_offsets()) == 3
    assert display.best_markers_[0] is not None
    ticks = [tick.get_text() for tick in display.axes_[0].get_xticklabels()]
    assert len(ticks) == 3 and ticks[-1] == "inf"
    importances = ParameterImportanceDisplay.from_estimator(search).importances
    assert set(importances) == {"p"}


def test_zero_next_to_a_log_prior_is_drawn_on_a_linear_axis(iris):
    space = [{"C": loguniform(1e-2, 1e2)}, {"C": [0.0], "kernel": ["linear"]}]

    class ZeroIsLinearSVC(SVC):
        def fit(self, X, y):
            self.C = self.C or 1.0
            return super().fit(X, y)

    search = skhptune.BayesSearchCV(ZeroIsLinearSVC(), space, n_iter=6, cv=3, random_state=0)
    search.fit(*iris)
    display = ParameterScoreDisplay.from_estimator(search, params=["C"])
    assert display.axes_[0].get_xscale() == "linear"
    x = display.scatters_[0].get_offsets()[:, 0]
    assert len(x) == 6 and (x == 0).any()


def test_per_row_colour_and_size_arrays_are_cut_to_each_panel(conditional_grid):
    # gamma is in 6 of the 9 rows: its panel takes those rows' c and s.
    n_rows = len(conditional_grid.cv_results_["params"])
    c, s = np.arange(n_rows, dtype=float), 5.0 + np.arange(n_rows)
    display = ParameterScoreDisplay.from_estimator(conditional_grid, c=c, s=s)
    gamma = display.axes_.index(next(a for a in display.axes_ if a.get_xlabel() == "gamma"))
    rows = np.flatnonzero(~np.ma.getmaskarray(conditional_grid.cv_results_["param_gamma"]))
    np.testing.assert_array_equal(display.scatters_[gamma].get_array(), c[rows])
    np.testing.assert_array_equal(display.scatters_[gamma].get_sizes(), s[rows])
    bracketed = HyperbandDisplay.from_estimator(fake_hyperband(), s=np.arange(20.0))
    np.testing.assert_array_equal(bracketed.scatters_[2].get_sizes(), np.arange(17.0, 20.0))


def test_evolution_display_leaves_ticks_set_by_hand():
    _, ax = plt.subplots()
    ax.set_xticks([0, 1, 2])
    display = EvolutionDisplay.from_estimator(fake_genetic(), ax=ax)
    assert list(display.ax_.get_xticks()) == [0, 1, 2]


def test_evolution_display_of_another_metric_keeps_the_diversity():
    search = fake_genetic()
    search.cv_results_["mean_test_other"] = search.cv_results_["mean_test_score"] / 2
    display = EvolutionDisplay.from_estimator(search, metric="other")
    np.testing.assert_array_equal(display.diversity_line_.get_ydata(), [0.6, 0.4, 0.2])


def test_hyperband_display_shows_a_level_without_a_score():
    # Every fit failed at 20: autoscaling saw the points at 100 only.
    display = HyperbandDisplay(
        [20, 20, 20, 100, 100, 100], [np.nan] * 3 + [0.2, 0.3, 0.4], [0, 0, 0, 1, 1, 1],
        [0, 1, 2, 3, 4, 5], best_index=5,
    ).plot()
    display.figure_.canvas.draw()
    low, high = display.ax_.get_xlim()
    assert 10 < low < 20 and 100 < high < 200


def test_convergence_warns_when_two_curves_count_different_times(random_search):
    bayes = skhptune.BayesSearchCV(SVC(), {"C": Real(0.1, 10)}, n_iter=4, cv=3, random_state=0)
    bayes.fit(*load_iris(return_X_y=True))
    display = ConvergenceDisplay.from_estimator(bayes, x="time")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ConvergenceDisplay.from_estimator(bayes, x="time", ax=display.ax_, name="again")
    with pytest.warns(UserWarning, match="count different times"):
        ConvergenceDisplay.from_estimator(random_search, x="time", ax=display.ax_)
    evaluations = ConvergenceDisplay.from_estimator(bayes)
    with pytest.warns(UserWarning, match="against 'elapsed time.*against 'evaluations'"):
        ConvergenceDisplay.from_estimator(bayes, x="time", ax=evaluations.ax_)


def test_a_single_evaluation_is_drawn_as_a_point():
    display = ConvergenceDisplay([1], [0.5], score=[0.5]).plot(show_scores=False)
    assert display.line_.get_marker() == "o"


@pytest.mark.parametrize(
    "display, ax",
    [
        (lambda ax: ConvergenceDisplay([1, 2], [0.5, 0.6]).plot(ax=ax), "array"),
        (lambda ax: HyperbandDisplay.from_estimator(fake_hyperband(), ax=ax), "array"),
        (lambda ax: EvolutionDisplay.from_estimator(fake_genetic(), ax=ax), "array"),
        (lambda ax: ParameterScoreDisplay.from_estimator(fake_hyperband(), ax=ax), [1]),
        (lambda ax: ParameterScoreDisplay.from_estimator(fake_hyperband(), ax=ax), "foo"),
    ],
)
def test_ax_that_is_no_axes_is_a_type_error(display, ax):
    if isinstance(ax, str) and ax == "array":
        ax = plt.subplots(1, 2)[1]
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        display(ax)


def test_sampled_floats_beside_choices_get_short_labels(iris):
    # A range in one sub-space, a string in another: the panel is strips, whose
    # float labels read at four digits (in full where two agree there).
    class StringCIsOne(SVC):
        def fit(self, X, y):
            self.C = 1.0 if isinstance(self.C, str) else self.C
            return super().fit(X, y)

    space = [{"C": loguniform(1e-2, 1e2)}, {"C": ["one"], "kernel": ["linear"]}]
    search = skhptune.BayesSearchCV(StringCIsOne(), space, n_iter=6, cv=3, random_state=0)
    display = ParameterScoreDisplay.from_estimator(search.fit(*iris), params=["C"])
    labels = [tick.get_text() for tick in display.axes_[0].get_xticklabels()]
    assert "one" in labels and len(labels) > 2
    assert all(len(label) <= 6 for label in labels if label != "one")
    from skhptune.plot import _tick_labels

    assert _tick_labels([0.123451, 0.123452]) == ["0.123451", "0.123452"]


def test_a_single_colour_is_not_cut_per_bracket():
    # (1, 0, 0, 1) has as many entries as the display has rows: still one colour.
    display = HyperbandDisplay(
        [1, 1, 3, 3], [0.2, 0.3, 0.4, 0.5], [0, 0, 1, 1], [0, 1, 2, 3]
    ).plot(color=(1, 0, 0, 1), edgecolor=(0, 0, 0, 1))
    assert tuple(display.scatters_[0].get_facecolor()[0][:3]) == (1, 0, 0)


def test_hyperband_display_over_another_keeps_it_in_view():
    first = HyperbandDisplay([100, 1000], [0.2, 0.3], [0, 0], [0, 0]).plot()
    HyperbandDisplay([1, 10], [0.4, 0.5], [0, 0], [1, 1]).plot(ax=first.ax_)
    low, high = first.ax_.get_xlim()
    assert low < 1 and high > 1000


def test_an_integer_beyond_the_float_range_is_a_category(iris):
    from skhptune.plot import _category_order

    assert _category_order(["1", "2", "big"], [1, 2, 10**400]) == ["1", "2", "big"]
    results = {"param_k": masked([1, 2, 10**400]), "mean_test_score": np.array([0.1, 0.2, 0.3])}
    search = FittedSearch(cv_results_=results, best_index_=2)
    display = ParameterScoreDisplay.from_estimator(search)
    assert len(display.scatters_[0].get_offsets()) == 3
