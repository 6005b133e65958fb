import warnings

import numpy as np
import pytest
from scipy.stats import binom, geom
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.datasets import load_iris
from sklearn.exceptions import FitFailedWarning
from sklearn.model_selection import RandomizedSearchCV
from sklearn.svm import SVC

from skhptune import BayesSearchCV, _bayes
from skhptune._bayes import BayesStrategy
from skhptune._space import Space
from skhptune.space import Categorical, Integer, Real

X_iris, y_iris = load_iris(return_X_y=True)
X_toy, y_toy = np.zeros((20, 1)), np.zeros(20)


class ToyObjective(RegressorMixin, BaseEstimator):
    """An "estimator" whose score is a known function of its parameters."""

    def __init__(self, x=0.0, y=0.0, level=1, noise_dim=0.0, kind="a"):
        self.x = x
        self.y = y
        self.level = level
        self.noise_dim = noise_dim
        self.kind = kind

    def fit(self, X, y=None):
        if self.kind == "fail":
            raise ValueError("this kind always fails")
        return self

    def predict(self, X):
        return np.zeros(len(X))

    def score(self, X, y=None):
        # Negative Branin on x in [-5, 10], y in [0, 15]: best -0.398.
        b = 5.1 / (4 * np.pi**2)
        value = (self.y - b * self.x**2 + 5 / np.pi * self.x - 6) ** 2
        value += 10 * (1 - 1 / (8 * np.pi)) * np.cos(self.x) + 10
        return -value - 0.1 * (self.level - 3) ** 2


BRANIN = {"x": Real(-5, 10), "y": Real(0, 15)}


def _counting_calls(search):
    calls = []
    run_search = search._run_search

    def wrapped(evaluate_candidates, callback_ctx=None):
        def counting(candidates, **kwargs):
            calls.append(len(list(candidates)))
            return evaluate_candidates(candidates, **kwargs)

        return run_search(counting, callback_ctx=callback_ctx)

    search._run_search = wrapped
    return calls


def test_beats_random_search_on_branin():
    ours, theirs = [], []
    for seed in range(3):
        ours.append(
            BayesSearchCV(ToyObjective(), BRANIN, n_iter=25, cv=2, random_state=seed)
            .fit(X_toy, y_toy)
            .best_score_
        )
        theirs.append(
            RandomizedSearchCV(ToyObjective(), BRANIN, n_iter=25, cv=2, random_state=seed)
            .fit(X_toy, y_toy)
            .best_score_
        )
    assert np.mean(ours) > np.mean(theirs) + 0.5
    assert np.mean(ours) > -1.5  # optimum is -0.398


def test_initial_design_then_batches_of_batch_size():
    search = BayesSearchCV(
        ToyObjective(), BRANIN, n_iter=13, n_initial_points=5, batch_size=3, cv=2, random_state=0
    )
    calls = _counting_calls(search)
    search.fit(X_toy, y_toy)
    assert calls == [5, 3, 3, 2]
    assert len(search.cv_results_["params"]) == 13


@pytest.mark.parametrize(
    "cv, batches",
    [(4, [4, 2, 2, 2, 2]), (3, [4, 3, 3, 2]), (10, [4] + [1] * 8)],  # ceil(8 / cv) each
)
def test_default_batch_holds_eight_fits_and_ignores_n_jobs(cv, batches):
    calls = []
    for n_jobs in (1, 2):
        search = BayesSearchCV(ToyObjective(), BRANIN, n_iter=12, n_initial_points=4, cv=cv,
                               n_jobs=n_jobs, random_state=0)
        calls.append(_counting_calls(search))
        search.fit(X_toy, y_toy)
    assert calls[0] == calls[1] == batches


class SixKnobs(RegressorMixin, BaseEstimator):
    def __init__(self, a=0.0, b=0.0, c=0.0, d=0.0, e=0.0, f=0.0):
        self.a, self.b, self.c, self.d, self.e, self.f = a, b, c, d, e, f

    def fit(self, X, y=None):
        return self

    def predict(self, X):
        return np.zeros(len(X))

    def score(self, X, y=None):
        return -(self.a - 0.3) ** 2 - (self.f - 0.6) ** 2


@pytest.mark.parametrize("n_dims, n_initial", [(1, 5), (3, 6), (6, 10)])
def test_default_initial_design_grows_with_the_dimensions_up_to_ten(n_dims, n_initial):
    space = {name: Real(0, 1) for name in "abcdef"[:n_dims]}
    search = BayesSearchCV(SixKnobs(), space, n_iter=n_initial + 2, cv=2, random_state=0)
    calls = _counting_calls(search)
    search.fit(X_toy, y_toy)
    assert calls[0] == n_initial


def test_discrete_space_never_repeats_a_configuration():
    space = {"x": Integer(-5, 10), "level": [1, 2, 3, 4, 5], "kind": ["a", "b"]}
    search = BayesSearchCV(ToyObjective(), space, n_iter=40, cv=2, random_state=0)
    search.fit(X_toy, y_toy)
    keys = [tuple(sorted(p.items())) for p in search.cv_results_["params"]]
    assert len(keys) == len(set(keys)) == 40
    assert all(type(p["x"]) is int for p in search.cv_results_["params"])


def test_log_integer_space_never_repeats_a_configuration():
    space = {"level": Integer(1, 30, prior="log-uniform")}
    search = BayesSearchCV(ToyObjective(), space, n_iter=20, cv=2, random_state=0)
    search.fit(X_toy, y_toy)
    levels = [p["level"] for p in search.cv_results_["params"]]
    assert len(levels) == len(set(levels)) == 20
    assert search.best_params_["level"] == 3


def test_running_out_of_unseen_configurations_before_n_iter_warns():
    # A space whose size is not counted (a distribution's unbounded tail) can
    # run out of configurations to draw: fewer rows than n_iter, said aloud.
    space = {"level": geom(0.99)}
    search = BayesSearchCV(ToyObjective(), space, n_iter=6, cv=2, random_state=0)
    with pytest.warns(UserWarning, match="evaluated 3 configurations of n_iter=6"):
        search.fit(X_toy, y_toy)
    assert sorted(p["level"] for p in search.cv_results_["params"]) == [1, 2, 3]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a budget spent in full says nothing
        search.set_params(n_iter=3).fit(X_toy, y_toy)


def test_a_small_log_uniform_integer_space_is_evaluated_whole():
    # Counted as unbounded, it ran out of draws with a warning naming rare tails.
    space = {"level": Integer(1, 3, prior="log-uniform")}
    search = BayesSearchCV(ToyObjective(), space, n_iter=6, cv=2, random_state=0)
    with pytest.warns(UserWarning, match="total space of parameters 3 is smaller than n_iter=6"):
        search.fit(X_toy, y_toy)
    assert [p["level"] for p in search.cv_results_["params"]] == [1, 2, 3]


def test_a_range_too_narrow_to_tell_configurations_apart_warns():
    # Configurations are told apart by 12 significant digits: one row.
    search = BayesSearchCV(
        ToyObjective(), {"x": Real(1.0, 1.0 + 1e-13)}, n_iter=4, cv=2, random_state=0
    )
    with pytest.warns(UserWarning, match="continuous range is narrower"):
        search.fit(X_toy, y_toy)
    assert len(search.cv_results_["params"]) == 1


def test_failed_configurations_are_avoided():
    space = {"x": Real(-5, 10), "kind": ["a", "fail"]}
    search = BayesSearchCV(ToyObjective(), space, n_iter=20, n_initial_points=6, cv=2, random_state=0)
    with pytest.warns(Warning):
        search.fit(X_toy, y_toy)
    kinds = [p["kind"] for p in search.cv_results_["params"]]
    assert kinds.count("fail") <= 4
    assert search.best_params_["kind"] == "a"


def _minus_infinity_beyond_2(estimator, X, y=None):
    return -np.inf if estimator.x > 2 else estimator.score(X, y)


def test_a_region_scoring_minus_infinity_is_avoided_as_failures_are():
    # -inf was left out of the model: most proposals went back to x > 2.
    search = BayesSearchCV(
        ToyObjective(), {"x": Real(-5, 10)}, scoring=_minus_infinity_beyond_2, n_iter=20,
        n_initial_points=5, cv=2, random_state=0,
    ).fit(X_toy, y_toy)
    later = [p["x"] for p in search.cv_results_["params"][5:]]
    assert sum(x > 2 for x in later) <= 4
    assert np.isfinite(search.best_score_)


def _huge_loss_below_9(estimator, X, y=None):
    # Diverged models share one loss whose square overflows a float.
    return -1e160 if estimator.x < 9 else estimator.x


def test_scores_beyond_float_squares_are_modelled_without_warnings():
    # The scores' spread overflowed: NaN predictions, RuntimeWarnings, and the
    # last proposals at the bad end x = -5.
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        search = BayesSearchCV(
            ToyObjective(), {"x": Real(-5, 10)}, scoring=_huge_loss_below_9, n_iter=20,
            n_initial_points=8, cv=2, random_state=0,
        ).fit(X_toy, y_toy)
    last = [p["x"] for p in search.cv_results_["params"][-4:]]
    assert all(x >= 9 for x in last)


def test_conditional_subspaces_use_the_better_one():
    space = [{"kind": ["a"], "x": Real(-5, 10), "y": Real(0, 15)}, {"kind": ["b"], "level": Integer(1, 40)}]
    search = BayesSearchCV(ToyObjective(), space, n_iter=30, cv=2, random_state=0)
    search.fit(X_toy, y_toy)
    kinds = [p["kind"] for p in search.cv_results_["params"]]
    assert {"a", "b"} <= set(kinds)
    # Sub-space "b" leaves x = y = 0, far from Branin's minima: the model moves on.
    assert search.best_params_["kind"] == "a"
    assert kinds[10:].count("a") >= 15


class Branches(RegressorMixin, BaseEstimator):
    """Sub-space ``branch`` scores ``branch / 10`` at best, at ``x = 0.9``."""

    def __init__(self, branch=0, x=0.5):
        self.branch = branch
        self.x = x

    def fit(self, X, y=None):
        return self

    def score(self, X, y=None):
        return self.branch / 10 - (self.x - 0.9) ** 2


class Flat(Branches):
    def score(self, X, y=None):
        return 0.5


class FlatButForTheLastBits(Branches):
    def score(self, X, y=None):
        return 0.3 if self.x < 0.5 else 0.1 + 0.2


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_sub_space_is_tried_before_the_model_ranks_it(seed):
    # Five initial points cannot cover eight sub-spaces; the ones left out (or
    # given one point) used to be ranked below every modelled one, for good.
    space = [{"branch": [b], "x": Real(0, 1)} for b in range(8)]
    search = BayesSearchCV(Branches(), space, n_iter=40, cv=2, random_state=seed).fit(X_toy, y_toy)
    branches = [p["branch"] for p in search.cv_results_["params"]]
    assert all(branches.count(b) >= 2 for b in range(8))
    assert search.best_params_["branch"] == 7
    assert search.best_params_["x"] == pytest.approx(0.9, abs=0.05)


def test_parameter_importances_find_the_relevant_parameter():
    space = {**BRANIN, "noise_dim": Real(0, 1)}
    search = BayesSearchCV(ToyObjective(), space, n_iter=25, cv=2, random_state=0).fit(X_toy, y_toy)
    importances = search.parameter_importances_
    assert set(importances) == {"x", "y", "noise_dim"}
    assert sum(importances.values()) == pytest.approx(1.0)
    assert importances["noise_dim"] < min(importances["x"], importances["y"])


class _AlwaysZero:
    def rvs(self, random_state=None):
        return 0.0


@pytest.mark.parametrize(
    "name, values", [("kind", ["a"]), ("noise_dim", _AlwaysZero()), ("level", binom(5, 0.0))]
)
def test_parameter_importances_give_a_one_value_parameter_nothing(name, values):
    # The last two are continuous coordinates holding one value.
    space = {**BRANIN, name: values}
    search = BayesSearchCV(ToyObjective(), space, n_iter=14, cv=2, random_state=0).fit(X_toy, y_toy)
    importances = search.parameter_importances_
    assert importances[name] == 0.0
    assert importances["x"] + importances["y"] == pytest.approx(1.0)


def test_parameter_importances_explain_the_sub_space_with_the_most_evaluations():
    space = [{"x": Real(-5, 10), "y": Real(0, 15)}, {"kind": ["b"], "x": Real(-5, 10)}]
    search = BayesSearchCV(ToyObjective(), space, n_iter=16, cv=2, random_state=0).fit(X_toy, y_toy)
    kinds = [params.get("kind", "a") for params in search.cv_results_["params"]]
    largest = max(set(kinds), key=kinds.count)
    assert kinds.count("a") != kinds.count("b")
    assert set(search.parameter_importances_) == ({"x", "y"} if largest == "a" else {"kind", "x"})


@pytest.mark.parametrize("estimator", [Flat(), FlatButForTheLastBits()])
def test_parameter_importances_are_empty_when_the_scores_never_vary(estimator):
    # A constant objective used to give a categorical parameter 99.7 %.
    space = {"branch": Categorical([0, 1, 2, 3]), "x": Real(0, 1)}
    search = BayesSearchCV(estimator, space, n_iter=12, cv=2, random_state=0).fit(X_toy, y_toy)
    assert search.parameter_importances_ == {}


class Bump(BaseEstimator):
    """Chance level (0.5) everywhere but in a ball around the centre."""

    def __init__(self, a=0.5, b=0.5, c=0.5, d=0.5):
        self.a, self.b, self.c, self.d = a, b, c, d

    def fit(self, X, y=None):
        return self

    def score(self, X, y=None):
        r2 = sum((v - 0.5) ** 2 for v in (self.a, self.b, self.c, self.d))
        return 0.5 + 4 * max(0.0, 0.09 - r2)


class BumpOnRoundedPlateau(Bump):
    """Bump, its chance level 1 ulp above 0.5 for half the space: as the mean
    of the same fold scores summed in another order can be."""

    def score(self, X, y=None):
        score = super().score(X, y)
        return np.nextafter(score, 1.0) if score == 0.5 and self.a < 0.5 else score


@pytest.mark.parametrize("estimator", [Bump(), BumpOnRoundedPlateau()])
def test_equal_scores_are_followed_by_random_draws_not_corners(estimator):
    # The design all scores 0.5: the model's uncertainty, largest far from the
    # data, sent the next batches to the corners of the cube, also when the
    # scores differed in their last bit.
    space = {name: Real(0, 1) for name in "abcd"}
    search = BayesSearchCV(estimator, space, n_iter=16, n_initial_points=8, cv=2, random_state=0)
    params = search.fit(X_toy).cv_results_["params"]
    scores = search.cv_results_["mean_test_score"]
    assert np.allclose(scores[:8], 0.5, rtol=1e-15, atol=0)
    assert len(set(scores[:8])) == (2 if isinstance(estimator, BumpOnRoundedPlateau) else 1)
    after = np.array([[p[name] for name in "abcd"] for p in params[8:]])
    assert np.mean((after == 0) | (after == 1)) < 0.1


@pytest.mark.parametrize("acquisition", ["log_ei", "ucb", "pi"])
def test_every_acquisition_runs_and_improves_on_the_start(acquisition):
    search = BayesSearchCV(
        ToyObjective(), BRANIN, n_iter=16, n_initial_points=6, acquisition=acquisition, cv=2, random_state=0
    ).fit(X_toy, y_toy)
    scores = search.cv_results_["mean_test_score"]
    assert scores[6:].max() >= scores[:6].max()


def test_same_seed_same_results():
    first = BayesSearchCV(SVC(), {"C": Real(1e-2, 1e2, "log-uniform")}, n_iter=8, cv=3, random_state=4)
    second = BayesSearchCV(SVC(), {"C": Real(1e-2, 1e2, "log-uniform")}, n_iter=8, cv=3, random_state=4)
    assert first.fit(X_iris, y_iris).cv_results_["params"] == second.fit(X_iris, y_iris).cv_results_["params"]


def test_categorical_objects_are_searched():
    space = {"kind": Categorical(["a", "b", None]), "x": Real(-5, 10)}
    search = BayesSearchCV(ToyObjective(), space, n_iter=10, cv=2, random_state=0).fit(X_toy, y_toy)
    assert {p["kind"] for p in search.cv_results_["params"]} <= {"a", "b", None}


@pytest.mark.parametrize(
    "params, match",
    [
        ({"n_iter": 0}, "'n_iter' parameter"),
        ({"n_iter": 2.5}, "'n_iter' parameter"),
        ({"n_initial_points": 0}, "'n_initial_points' parameter"),
        ({"batch_size": 0}, "'batch_size' parameter"),
        # Counts, not switches: True would silently mean 1.
        ({"batch_size": True}, "'batch_size' parameter.*not a switch"),
        ({"n_initial_points": True}, "'n_initial_points' parameter.*not a switch"),
        ({"batch_size": np.True_}, "'batch_size' parameter.*not a switch"),
        ({"acquisition": "ei"}, "'acquisition' parameter.*'ei'"),
        ({"max_time": 0}, "'max_time' parameter"),
    ],
)
def test_invalid_parameters_raise_at_fit(params, match):
    search = BayesSearchCV(ToyObjective(), BRANIN, **params)  # constructing never raises
    with pytest.raises(ValueError, match=match):
        search.fit(X_toy, y_toy)


class RescaledToyObjective(ToyObjective):
    """The toy objective in other units."""

    def score(self, X, y=None):
        return 1000 * super().score(X, y) + 5


def test_proposals_do_not_depend_on_the_units_of_the_score():
    params = [
        BayesSearchCV(Objective(), BRANIN, n_iter=14, cv=2, random_state=0)
        .fit(X_toy, y_toy)
        .cv_results_["params"]
        for Objective in (ToyObjective, RescaledToyObjective)
    ]
    # Equal up to rounding: the rescaled scores differ in their last bits.
    for ours, rescaled in zip(*params):
        assert ours.keys() == rescaled.keys()
        for name in ours:
            assert ours[name] == pytest.approx(rescaled[name], rel=1e-6)


def _strategy(acquisition):
    space = Space({"x": Real(0, 1), "y": Real(0, 1)})
    return BayesStrategy(
        space, np.random.RandomState(0), n_iter=30, n_initial_points=5, batch_size=1,
        acquisition=acquisition,
    )


def test_stalled_log_ei_switches_to_ucb_until_a_new_best(monkeypatch):
    used = []
    original = _bayes.propose_batch

    def spy(*args, acquisition, **kwargs):
        used.append(acquisition)
        return original(*args, acquisition=acquisition, **kwargs)

    monkeypatch.setattr(_bayes, "propose_batch", spy)
    strategy = _strategy("log_ei")
    design = strategy.ask()
    # The best comes first, then patience - 1 (= 4) evaluations without a new best.
    strategy.tell(design, [1.0, 0.0, np.nan, 0.0, 1.0])
    strategy.tell(strategy.ask(), [0.5])
    assert used == ["log_ei"]
    assert strategy.current_acquisition() == "ucb"
    strategy.tell(strategy.ask(), [2.0])
    assert used == ["log_ei", "ucb"]
    assert strategy.current_acquisition() == "log_ei"


def test_a_gain_in_the_last_bits_is_no_new_best_for_the_stall_count():
    strategy = _strategy("log_ei")
    strategy.tell(strategy.ask(), [0.3, 0.0, np.nan, 0.0, 0.0])
    strategy.tell(strategy.ask(), [0.1 + 0.2])  # 0.30000000000000004
    assert strategy.current_acquisition() == "ucb"


@pytest.mark.parametrize("acquisition", ["ucb", "pi"])
def test_an_explicit_acquisition_other_than_log_ei_is_kept(acquisition):
    strategy = _strategy(acquisition)
    strategy.tell(strategy.ask(), [1.0, 0.0, 0.0, 0.0, 0.0])
    strategy.tell(strategy.ask(), [0.0])
    assert strategy.current_acquisition() == acquisition


def _plateau_strategy():
    space = Space({"x": Real(0, 1), "y": Real(0, 1)})
    return BayesStrategy(
        space, np.random.RandomState(0), n_iter=30, n_initial_points=5, batch_size=2,
        acquisition="log_ei",
    )


def _spy_on_model_requests(strategy):
    requested, original = [], strategy._propose

    def propose(n):
        requested.append(n)
        return original(n)

    strategy._propose = propose
    return requested


def test_a_failed_fit_is_modelled_as_the_worst_score_seen_so_far():
    strategy = _strategy("log_ei")
    strategy.tell(strategy.ask(), [0.3, np.nan, 0.5, 0.2, 0.4])
    strategy.tell(strategy.ask(), [np.nan])
    assert [score for _, score in strategy.observed[0]] == [0.3, 0.2, 0.5, 0.2, 0.4, 0.2]


def test_the_model_is_told_which_scores_stand_in_for_failed_fits(monkeypatch):
    # Beyond 256 observations its data keeps them first (model_subset): they
    # alone say where fits fail. +inf is a score, ranked best.
    told = []
    original = _bayes.propose_batch

    def spy(*args, failed, **kwargs):
        told.append(list(failed))
        return original(*args, failed=failed, **kwargs)

    monkeypatch.setattr(_bayes, "propose_batch", spy)
    strategy = _strategy("log_ei")
    strategy.tell(strategy.ask(), [0.3, np.nan, np.inf, -np.inf, 0.4])
    strategy.tell(strategy.ask(), [0.2])
    assert told == [[False, True, False, True, False]]
    strategy.ask()
    assert told[-1] == [False, True, False, True, False, False]


def test_failures_next_to_scores_equal_but_for_their_last_bits_count_below_them():
    strategy = _strategy("log_ei")
    strategy.tell(strategy.ask(), [np.nan, 0.3, 0.1 + 0.2, np.nan, np.nan])
    assert [score for _, score in strategy.observed[0]] == [0.0, 0.3, 0.1 + 0.2, 0.0, 0.0]


@pytest.mark.parametrize("only, failed_as", [(0.3, 0.0), (-0.3, -0.6), (0.0, -1.0)])
def test_failures_next_to_a_lone_real_score_count_below_it(only, failed_as):
    # Counted as the score itself, every score was equal: random draws followed.
    strategy = _strategy("log_ei")
    strategy.tell(strategy.ask(), [np.nan, only, np.nan, -np.inf, np.nan])
    strategy.tell(strategy.ask(), [np.nan])
    assert [score for _, score in strategy.observed[0]] == [failed_as, only, failed_as, failed_as, failed_as, failed_as]
    assert not strategy._all_scores_equal()
    strategy.tell(strategy.ask(), [only - 1.0])
    strategy.tell(strategy.ask(), [np.nan])
    assert strategy.observed[0][-1][1] == min(failed_as, only - 1.0)


class FailsAbove(RegressorMixin, BaseEstimator):
    """Fails to fit for ``a`` above 0.2; scores best at ``a = 0.1``."""

    def __init__(self, a=0.5):
        self.a = a

    def fit(self, X, y=None):
        if self.a > 0.2:
            raise ValueError("a is too large")
        return self

    def predict(self, X):
        return np.zeros(len(X))

    def score(self, X, y=None):
        return -abs(self.a - 0.1)


def test_a_lone_success_among_failures_draws_the_search_to_it():
    # Of the five design points only one fits. Counted as its score, the
    # failures made every score equal: ten random draws, two of which fitted.
    search = BayesSearchCV(FailsAbove(), {"a": Real(0, 1)}, n_iter=15, n_initial_points=5, cv=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FitFailedWarning)
        warnings.filterwarnings("ignore", "One or more of the test scores are non-finite")
        search.fit(X_toy, y_toy)
    fitted = np.isfinite(search.cv_results_["mean_test_score"])
    assert fitted[:5].sum() == 1
    assert fitted[5:].sum() >= 8
    assert abs(search.best_params_["a"] - 0.1) < 0.02


def test_a_modelled_point_repeating_a_score_hands_one_point_to_a_step_from_the_best():
    strategy = _plateau_strategy()
    requested = _spy_on_model_requests(strategy)
    strategy.tell(strategy.ask(), [0.1, 0.2, 0.3, 0.4, 0.5])
    # The worst score is how the search tells a failed fit: not a plateau.
    strategy.tell(strategy.ask(), [0.1, 0.6])
    assert requested == [2]
    batch = strategy.ask()
    assert requested == [2, 2]
    # One modelled point lands on an earlier score (a plateau), one does not.
    strategy.tell(batch, [0.5, 0.7])
    batch = strategy.ask()
    assert requested == [2, 2, 1] and len(batch.points) == 2
    stepped_key = next(
        strategy.space.key(p) for p in batch.points
        if strategy.space.key(p) not in strategy.modelled
    )
    # The stepped point repeating a score says nothing about the model.
    scores = [0.1 if strategy.space.key(p) == stepped_key else 0.65 for p in batch.points]
    strategy.tell(batch, scores)
    strategy.ask()
    assert requested == [2, 2, 1, 2]


@pytest.mark.parametrize("repeats", [[0.5, 0.5], [np.nextafter(0.5, 1.0), np.nextafter(0.5, 0.0)]])
def test_modelled_points_repeating_every_score_make_a_batch_of_steps(repeats):
    # Scores equal but for their last bits repeat too.
    strategy = _plateau_strategy()
    requested = _spy_on_model_requests(strategy)
    stepped, original = [], strategy._steps_from_the_best

    def steps(n, taken):
        points = original(n, taken)
        stepped.extend(strategy.space.key(p) for p in points)
        return points

    strategy._steps_from_the_best = steps
    strategy.tell(strategy.ask(), [0.1, 0.2, 0.3, 0.4, 0.5])
    strategy.tell(strategy.ask(), repeats)
    batch = strategy.ask()
    assert requested == [2] and len(batch.points) == 2 and not strategy.modelled
    assert {strategy.space.key(p) for p in batch.points} == set(stepped)
    keys = {strategy.space.key(p) for p in batch.points}
    assert len(keys) == 2 and not keys & strategy.seen


@pytest.mark.parametrize("sixth", [0.3, 0.1 + 0.2])
def test_steps_start_from_the_earliest_of_equal_best_scores(monkeypatch, sixth):
    # A sixth best equal but for its last bits is no better than the first five.
    monkeypatch.setattr(_bayes, "_PLATEAU_STEP", 0.0)  # a step returns its base
    strategy = _plateau_strategy()
    scores = [0.3] * 5 + [sixth, 0.1]
    strategy.observed[0] = [(np.full(2, i / 10), score) for i, score in enumerate(scores)]
    points = strategy._steps_from_the_best(40, [])
    bases = {round(unit[0] * 10) for _, unit in points if unit[0] == unit[1]}
    assert bases == {0, 1, 2, 3, 4}


def test_steps_that_find_nothing_unseen_fall_back_to_the_model(monkeypatch):
    strategy = _plateau_strategy()
    strategy.tell(strategy.ask(), [0.1, 0.2, 0.3, 0.4, 0.5])
    strategy.tell(strategy.ask(), [0.5, 0.5])
    # As in a nearly exhausted space, where random draws keep hitting seen points.
    monkeypatch.setattr(strategy, "_steps_from_the_best", lambda n, taken: [])
    batch = strategy.ask()
    assert batch is not None and len(batch.points) == 2
    assert {strategy.space.key(p) for p in batch.points} == strategy.modelled


def test_steps_move_a_few_coordinates_of_the_best_configurations():
    n_dims = 6
    space = Space({f"x{i}": Real(0, 1) for i in range(n_dims)})
    strategy = BayesStrategy(
        space, np.random.RandomState(0), n_iter=60, n_initial_points=12, batch_size=2,
        acquisition="log_ei",
    )
    scores = np.linspace(0.0, 1.0, 12)
    strategy.tell(strategy.ask(), scores)
    best = np.array([unit for unit, score in strategy.observed[0] if score >= scores[-5]])
    steps = np.array([unit for _, unit in strategy._steps_from_the_best(40, [])])
    draws = np.array([unit for _, unit in strategy._random_unseen(40, [])])

    def kept_coordinates(points):
        return np.array([np.max(np.sum(best == point, axis=1)) for point in points])

    # Uniform draws share no coordinate with any of the five best configurations.
    assert kept_coordinates(draws).max() == 0
    kept = kept_coordinates(steps)
    assert kept.max() < n_dims and np.median(kept) >= n_dims - 3
    assert np.all((steps >= 0) & (steps <= 1))


def _strategy_with_scores(scores, n_told):
    strategy = _plateau_strategy()
    units = np.random.RandomState(1).random_sample((len(scores), 2))
    strategy.observed[0] = list(zip(units, scores))
    strategy.real_scores = list(scores)
    strategy.n_told = n_told
    return strategy


def test_plateau_margin_grows_with_repeated_scores_and_ends_with_the_search():
    def margin(scores, n_told=5):
        strategy = _strategy_with_scores(scores, n_told)
        return strategy._plateau_margin(strategy._warped_scores())

    assert margin([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]) == 0.0
    some, more = margin([0.1, 0.2, 0.3, 0.4, 0.6, 0.6]), margin([0.1, 0.2, 0.6, 0.6, 0.6, 0.6])
    assert 0.0 < some < more
    # Linearly less after the initial design, none once the budget is spent.
    half_way = margin([0.1, 0.2, 0.6, 0.6, 0.6, 0.6], n_told=5 + 25 // 2)
    assert half_way == pytest.approx(more * (1 - 12 / 25))
    assert margin([0.1, 0.2, 0.6, 0.6, 0.6, 0.6], n_told=30) == 0.0


def _incumbent_given_to_the_model(monkeypatch, scores, acquisition="log_ei"):
    """The ``best`` of the first model-based batch, and the best warped score."""
    bests = []
    original = _bayes.propose_batch

    def spy(X, y, *args, best, **kwargs):
        bests.append((best, max(y)))
        return original(X, y, *args, best=best, **kwargs)

    monkeypatch.setattr(_bayes, "propose_batch", spy)
    strategy = _plateau_strategy()
    strategy.acquisition = acquisition
    strategy.tell(strategy.ask(), scores)
    strategy.ask()
    [(best, top)] = bests
    return best, top


@pytest.mark.parametrize(
    "scores, above_best",
    [
        ([0.1, 0.2, 0.3, 0.4, 0.5], False),
        ([0.1, 0.5, 0.5, 0.5, 0.5], True),
        # Failed fits count as the worst score, but they are not a plateau.
        ([0.1, np.nan, np.nan, 0.4, 0.5], False),
    ],
)
def test_log_ei_asks_for_more_than_the_best_on_a_plateau(monkeypatch, scores, above_best):
    best, top = _incumbent_given_to_the_model(monkeypatch, scores)
    assert bool(best > top) == above_best and best >= top


@pytest.mark.parametrize("acquisition", ["ucb", "pi"])
def test_other_acquisitions_get_no_plateau_margin(monkeypatch, acquisition):
    best, top = _incumbent_given_to_the_model(monkeypatch, [0.1, 0.5, 0.5, 0.5, 0.5], acquisition)
    assert best == top


def test_hyperparameters_are_refitted_every_batch_until_many_observations(monkeypatch):
    monkeypatch.setattr(_bayes, "_REFIT_EVERY_BATCH_BELOW", 12)
    strategy = _strategy("log_ei")
    rng = np.random.RandomState(0)
    optimized_on, observations = [], []
    while (batch := strategy.ask()) is not None:
        if strategy.models[0] is not None:
            optimized_on.append(strategy.models[0].n_optimized_)
            observations.append(strategy.n_told)
            # Every score enters the posterior, refitted or not.
            assert len(strategy.models[0].X_train_) == strategy.n_told
        strategy.tell(batch, rng.uniform(size=len(batch.points)))
    optimized_on, observations = np.array(optimized_on), np.array(observations)
    small = observations < 12
    assert np.array_equal(optimized_on[small], observations[small])
    # Beyond, the hyperparameters are kept until the data has grown by a tenth.
    assert np.any(optimized_on[~small] < observations[~small])
    assert np.all(observations[~small] < 1.1 * optimized_on[~small])
