import pickle
import warnings

import numpy as np
import pytest
from scipy.stats import geom
from sklearn.base import BaseEstimator, clone
from sklearn.datasets import load_iris
from sklearn.dummy import DummyClassifier
from sklearn.exceptions import FitFailedWarning
from sklearn.model_selection import cross_validate
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils._param_validation import InvalidParameterError

from skhptune._acquisition import log_expected_improvement, robust_scores, snap_to_levels
from skhptune._genetic import (
    GeneticSearchCV,
    GeneticStrategy,
    crossover,
    evolution_progress,
    improvement_margin,
    mutate,
    mutation_scale,
    population_diversity,
    select_elites,
    tournament_select,
)
from skhptune._space import Space
from skhptune.space import Categorical, Integer, Real

# A mixed individual: continuous, 5 ordered levels, 3 categories, a single level.
N_LEVELS = np.array([0, 5, 3, 1])
IS_CATEGORICAL = np.array([False, False, True, False])


def _random_individual(rng):
    return snap_to_levels(rng.uniform(size=len(N_LEVELS)), N_LEVELS)


def _assert_valid(x):
    assert x.shape == (len(N_LEVELS),)
    assert np.all((x >= 0) & (x <= 1))
    discrete = N_LEVELS > 0
    levels = x[discrete] * N_LEVELS[discrete] - 0.5
    np.testing.assert_allclose(levels, np.round(levels), atol=1e-9)


def _levels(x):
    return np.floor(x * np.maximum(N_LEVELS, 1)).astype(int)


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True)


# Operators ---------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_crossover_keeps_bounds_and_levels(seed):
    rng = np.random.RandomState(seed)
    for _ in range(50):
        a, b = _random_individual(rng), _random_individual(rng)
        for child in crossover(a, b, N_LEVELS, IS_CATEGORICAL, rng):
            _assert_valid(child)
            # A categorical value is always one of the parents'.
            assert child[2] in (a[2], b[2])


def test_crossover_of_identical_parents_returns_them():
    rng = np.random.RandomState(0)
    a = _random_individual(rng)
    for child in crossover(a, a.copy(), N_LEVELS, IS_CATEGORICAL, rng):
        np.testing.assert_allclose(child, a)


def test_crossover_children_stay_near_parents():
    rng = np.random.RandomState(0)
    a, b = np.array([0.4]), np.array([0.6])
    children = [crossover(a, b, [0], [False], rng, swap_probability=1)[0][0] for _ in range(500)]
    assert 0.4 < np.median(children) < 0.6
    assert np.mean(np.abs(np.array(children) - 0.5) < 0.2) > 0.9


def test_crossover_swaps_categorical_values_between_the_children():
    a, b = np.array([0.25, 0.1]), np.array([0.75, 0.9])
    child_a, child_b = crossover(a, b, [2, 0], [True, False], np.random.RandomState(0), swap_probability=1)
    assert (child_a[0], child_b[0]) == (0.75, 0.25)


def test_crossover_children_near_a_bound_are_spread_inside_it_not_clipped_onto_it():
    # Bounded SBX narrows its spread near a bound: no child lands on 0 or 1.
    rng = np.random.RandomState(0)
    for a, b in ((0.95, 0.99), (0.05, 0.01)):
        children = np.concatenate([
            np.concatenate(crossover(np.array([a]), np.array([b]), [0], [False], rng, swap_probability=1))
            for _ in range(1000)
        ])
        assert np.all((children > 0) & (children < 1))


def test_crossover_without_recombination_returns_the_parents():
    a, b = np.array([0.1, 0.5, 0.9]), np.array([0.8, 5 / 6, 0.3])
    child_a, child_b = crossover(a, b, [0, 3, 0], [False, True, False], np.random.RandomState(0), swap_probability=0)
    np.testing.assert_allclose(child_a, a)
    np.testing.assert_allclose(child_b, b)


@pytest.mark.parametrize("seed", range(5))
def test_mutate_keeps_bounds_and_levels(seed):
    rng = np.random.RandomState(seed)
    for scale in (0.01, 0.3, 5.0):
        for _ in range(30):
            _assert_valid(mutate(_random_individual(rng), N_LEVELS, IS_CATEGORICAL, scale, 1, rng))


def test_mutate_categorical_resamples_to_another_level():
    rng = np.random.RandomState(0)
    x = snap_to_levels([0.5, 0.5, 0.5, 0.5], N_LEVELS)
    new_levels = set()
    for _ in range(100):
        y = mutate(x, N_LEVELS, IS_CATEGORICAL, 0.1, 1, rng)
        assert _levels(y)[2] != _levels(x)[2]
        new_levels.add(_levels(y)[2])
    assert new_levels == {0, 2}


@pytest.mark.parametrize("start", [0.1, 0.5, 0.9])
def test_mutate_ordinal_moves_at_least_one_level(start):
    rng = np.random.RandomState(0)
    x = snap_to_levels([0.5, start, 0.5, 0.5], N_LEVELS)
    for _ in range(50):
        y = mutate(x, N_LEVELS, IS_CATEGORICAL, 1e-6, 1, rng)
        assert abs(_levels(y)[1] - _levels(x)[1]) >= 1


def test_mutate_never_changes_a_single_level():
    rng = np.random.RandomState(0)
    for _ in range(50):
        x = _random_individual(rng)
        assert mutate(x, N_LEVELS, IS_CATEGORICAL, 0.5, 1, rng)[3] == x[3]


def test_mutate_changes_one_coordinate_when_none_drawn():
    rng = np.random.RandomState(0)
    for _ in range(50):
        x = _random_individual(rng)
        y = mutate(x, N_LEVELS, IS_CATEGORICAL, 0.2, 0, rng)
        assert np.sum(np.abs(y - x) > 1e-12) == 1
        unchanged = mutate(x, N_LEVELS, IS_CATEGORICAL, 0.2, 0, rng, ensure_change=False)
        np.testing.assert_array_equal(unchanged, x)


def test_mutate_returns_an_individual_with_nothing_to_change_as_it_is():
    # Only single-level coordinates (a sub-space of one configuration).
    x = np.array([0.5, 0.5])
    y = mutate(x, [1, 1], [False, True], 0.2, 0, np.random.RandomState(0))
    np.testing.assert_array_equal(y, x)


def test_mutate_ordinal_moves_one_level_in_the_direction_of_the_step():
    rng = np.random.RandomState(0)
    x = snap_to_levels([0.5, 0.5, 0.5, 0.5], N_LEVELS)
    moves = set()
    for _ in range(50):
        y = mutate(x, N_LEVELS, IS_CATEGORICAL, 1e-6, 1, rng)
        moves.add(_levels(y)[1] - _levels(x)[1])
    assert moves == {-1, 1}


def test_mutation_scale_shrinks_over_generations():
    scales = [mutation_scale(g, 10) for g in range(1, 10)]
    assert scales[0] == pytest.approx(0.25)
    assert scales[-1] == pytest.approx(0.05)
    assert np.all(np.diff(scales) < 0)


def test_evolution_progress_runs_from_first_to_last_offspring_generation():
    progress = [evolution_progress(g, 10) for g in range(0, 11)]
    assert progress[0] == progress[1] == 0.0
    assert progress[9] == progress[10] == 1.0
    assert np.all(np.diff(progress[1:10]) > 0)
    assert evolution_progress(1, 2) == evolution_progress(5, 1) == 0.0


def test_improvement_margin_shrinks_to_none_by_the_last_generation():
    margins = [improvement_margin(g, 10, 0.5) for g in range(1, 10)]
    assert margins[0] == pytest.approx(0.5)
    assert margins[-1] == 0.0
    assert np.all(np.diff(margins) < 0)
    assert improvement_margin(1, 2, 0.3) == pytest.approx(0.3)


def test_operators_are_deterministic_with_a_seed():
    def run(seed):
        rng = np.random.RandomState(seed)
        a, b = _random_individual(rng), _random_individual(rng)
        children = crossover(a, b, N_LEVELS, IS_CATEGORICAL, rng)
        mutant = mutate(children[0], N_LEVELS, IS_CATEGORICAL, 0.2, 0.5, rng)
        winners = tournament_select(rng.uniform(size=10), 5, 3, rng)
        return np.concatenate([*children, mutant, winners])

    np.testing.assert_array_equal(run(3), run(3))
    assert not np.array_equal(run(3), run(4))


def test_tournament_select_prefers_fitter_individuals():
    rng = np.random.RandomState(0)
    fitness = np.arange(20, dtype=float)
    winners = tournament_select(fitness, 4000, 3, rng)
    counts = np.bincount(winners, minlength=20)
    assert fitness[winners].mean() > fitness.mean() + 3
    assert counts[-5:].sum() > 3 * counts[:5].sum()
    # Size 1 is uniform selection.
    uniform = tournament_select(fitness, 4000, 1, rng)
    assert abs(fitness[uniform].mean() - fitness.mean()) < 0.5


def test_tournament_select_needs_a_population():
    with pytest.raises(ValueError, match="empty population"):
        tournament_select([], 2, 3, np.random.RandomState(0))


@pytest.mark.parametrize("failure", [np.nan, -np.inf])
def test_tournament_select_treats_failures_as_worst(failure):
    rng = np.random.RandomState(0)
    fitness = np.array([failure, -5.0, failure, -7.0])
    # Every individual enters each tournament, so the best always wins.
    assert set(tournament_select(fitness, 50, 4, rng)) == {1}


def test_a_tournament_far_larger_than_the_population_picks_the_fittest():
    rng = np.random.RandomState(0)
    fitness = np.array([0.1, 0.9, np.nan, 0.5])
    # More contestants than could ever be drawn (an array of 2**63 integers).
    assert set(tournament_select(fitness, 20, 2**63, rng)) == {1}


def test_a_huge_tournament_size_searches(iris):
    search = _search(tournament_size=2**63).fit(*iris)
    assert search.n_generations_ == search.n_generations


def test_select_elites_keeps_the_best_first():
    fitness = [0.5, np.nan, 0.9, -np.inf, 0.7, 0.9]
    np.testing.assert_array_equal(select_elites(fitness, 3), [2, 5, 4])
    assert set(select_elites(fitness, 6)[-2:]) == {1, 3}


def test_population_diversity_is_the_mean_distance_over_pairs():
    # Against the definition, pair by pair: numeric coordinates by absolute
    # difference, categorical ones (bin centres, some equal) by mismatch.
    rng = np.random.RandomState(0)
    units = np.column_stack([rng.uniform(size=30), (rng.randint(3, size=30) + 0.5) / 3, rng.uniform(size=30)])
    is_categorical = np.array([False, True, False])
    distances = [
        np.mean([abs(a - b) if not cat else float(a != b) for a, b, cat in zip(u, v, is_categorical)])
        for i, u in enumerate(units) for j, v in enumerate(units) if i != j
    ]
    assert population_diversity(units, is_categorical) == pytest.approx(np.mean(distances))


def test_individuals_of_different_sub_spaces_are_wholly_diverse():
    from skhptune._genetic import _space_diversity

    space = Space([{"a": [1, 2]}, {"b": ["x", "y"]}])
    assert _space_diversity(space, [(0, np.array([0.25])), (1, np.array([0.25]))]) == 1.0


def test_population_diversity_ranges_from_zero_to_one():
    assert population_diversity(np.full((4, 2), 0.3), [False, True]) == 0
    assert population_diversity([[0.0, 0.25], [1.0, 0.75]], [False, True]) == 1
    assert population_diversity([[0.5]], [False]) == 0


# Strategy on a toy problem ----------------------------------------------------------


def _run_strategy(space, objective, seed, **params):
    params = {
        "population_size": 6,
        "n_generations": 8,
        "crossover_probability": 0.7,
        "mutation_probability": 0.9,
        "tournament_size": 3,
        "elitism": 2,
        "surrogate": False,
        **params,
    }
    strategy = GeneticStrategy(space, np.random.RandomState(seed), **params)
    evaluated = []
    while (batch := strategy.ask()) is not None:
        scores = [objective(space.decode(p)) for p in batch.points]
        evaluated.extend(space.key(p) for p in batch.points)
        strategy.tell(batch, scores)
    return strategy, evaluated


def _toy_objective(params):
    return -((params["x"] - 0.3) ** 2) - abs(params["n"] - 7) / 10 + (params["c"] == "b")


TOY_SPACE = {"x": Real(0, 1), "n": Integer(0, 20), "c": Categorical(["a", "b", "c"])}


def test_strategy_elitism_keeps_the_best():
    strategy, _ = _run_strategy(Space(TOY_SPACE), _toy_objective, 0)
    best = np.array(strategy.stats["best_score"])
    assert len(best) == 8
    assert np.all(np.diff(best) >= 0)
    assert best[-1] > best[0]


@pytest.mark.parametrize("surrogate", [False, True])
def test_strategy_never_evaluates_a_configuration_twice(surrogate):
    # 24 configurations, a budget of 6 + 7 * 4 = 34: the strategy must find new ones.
    space = Space({"a": [1, 2, 3, 4], "b": ["x", "y", "z"], "c": [True, False]})
    strategy, evaluated = _run_strategy(space, lambda p: p["a"], 0, surrogate=surrogate)
    assert len(evaluated) == len(set(evaluated))
    assert len(evaluated) <= 24


@pytest.mark.parametrize("surrogate", [False, True])
def test_strategy_failures_count_as_worst(surrogate):
    def objective(params):
        return np.nan if params["x"] > 0.5 else params["x"]

    strategy, _ = _run_strategy(Space({"x": Real(0, 1)}), objective, 0, surrogate=surrogate)
    assert 0.4 < strategy.stats["best_score"][-1] <= 0.5


@pytest.mark.parametrize("surrogate", [False, True])
def test_strategy_stays_in_subspaces(surrogate):
    space = Space([{"x": Real(0, 1), "k": ["a", "b"]}, {"y": Integer(0, 9)}])
    strategy, _ = _run_strategy(
        space, lambda p: p.get("x", 0.5) + p.get("y", 0) / 10, 1, surrogate=surrogate
    )
    for index, unit in strategy.population:
        assert len(unit) == space.subspaces[index].n_dims


def _small_strategy(space, n_generations=3, seed=0, surrogate=True):
    """A strategy breeding 4 children a generation from a population of 8."""
    return GeneticStrategy(
        space, np.random.RandomState(seed), population_size=8,
        n_generations=n_generations, crossover_probability=0.7,
        mutation_probability=0.9, tournament_size=3, elitism=4, surrogate=surrogate,
    )


def _strategy_after_its_design(surrogate, seed):
    """A strategy on the unit square told its design's scores, which fall with x."""
    space = Space({"x": Real(0, 1), "y": Real(0, 1)})
    strategy = _small_strategy(space, seed=seed, surrogate=surrogate)
    design = strategy.ask()
    strategy.tell(design, [-space.decode(p)["x"] for p in design.points])
    return strategy


def _children_after_one_generation(surrogate, seed):
    strategy = _strategy_after_its_design(surrogate, seed)
    return [strategy.space.decode(p)["x"] for p in strategy.ask().points]


@pytest.mark.parametrize("seed", range(3))
def test_surrogate_breeds_the_children_the_model_expects_to_be_best(seed):
    # The score falls with x: the screened children sit at smaller x.
    plain = _children_after_one_generation(False, seed)
    screened = _children_after_one_generation(True, seed)
    assert len(screened) == len(plain) == 4
    assert np.mean(screened) < np.mean(plain)


def test_surrogate_picks_no_near_twin_of_a_child_already_picked():
    # Two peaks of almost equal height at x = 0.25 and 0.75, both unexplored.
    space = Space({"x": Real(0, 1)})
    strategy = _small_strategy(space)
    design = strategy.ask()
    peaks = lambda x: -min((x - 0.25) ** 2, 1.1 * (x - 0.75) ** 2)  # noqa: E731
    strategy.tell(design, [peaks(space.decode(p)["x"]) for p in design.points])
    pool = [(0, np.array([0.75])), (0, np.array([0.7501])), (0, np.array([0.25]))]
    assert strategy._pick(0, pool, 1) == [0]
    # Ranked independently, the twin of the first pick comes second ...
    mean, std = strategy._models[0].predict(np.array([unit for _, unit in pool]))
    scores = robust_scores([score for _, score in strategy._evaluated[0]])
    assert list(np.argsort(-log_expected_improvement(mean, std, scores.max()))) == [0, 1, 2]
    # ... but once the first pick is believed, the other peak is worth more.
    assert strategy._pick(0, pool, 2) == [0, 2]
    assert strategy._pick(0, pool, 5) == [0, 2, 1]


@pytest.mark.parametrize("plateau", [[0.5] * 4, [0.1 + 0.2, 0.3, 0.3, 0.2 + 0.1]])
def test_surrogate_takes_the_random_candidates_while_every_score_is_the_same(plateau):
    # A model of equal scores ranked candidates by their distance from the data:
    # on a plateau hiding a small better region, worse than random search. Scores
    # equal but for their last bits are the same.
    strategy = _small_strategy(Space({"x": Real(0, 1)}))
    strategy._evaluated[0] = [(np.array([x]), s) for x, s in zip((0.1, 0.3, 0.5, 0.7), plateau)]
    pool = [(0, np.array([x])) for x in (0.31, 0.99, 0.29, 0.42)]
    drawn = [(0, np.array([x])) for x in (0.29, 0.42)]
    assert strategy._pick(0, pool, 2, drawn) == [2, 3]
    assert strategy._pick(0, pool, 3, drawn) == [2, 3, 0]
    assert strategy._models[0] is None


def test_surrogate_looks_beyond_a_plateau_early_and_refines_on_it_late():
    # The best score is a plateau over x >= 0.6, sampled densely; below it the
    # score rises with x and the gap between 0.1 and 0.6 is unexplored.
    strategy = _small_strategy(Space({"x": Real(0, 1)}), n_generations=10)
    xs = [*np.linspace(0.6, 1.0, 9), 0.0, 0.1]
    strategy._evaluated[0] = [(np.array([x]), 1.0 if x >= 0.6 else x) for x in xs]
    on_plateau, in_gap = (0, np.array([0.775])), (0, np.array([0.35]))
    picks = []
    for generation in (1, 9):
        strategy.generation = generation
        picks.append(strategy._pick(0, [on_plateau, in_gap], 1))
    assert picks == [[1], [0]]


def test_screening_margin_grows_with_repeated_scores_not_failures():
    strategy = _small_strategy(Space({"x": Real(0, 1)}))
    base = GeneticStrategy._base_margin
    strategy._archive = {i: float(i) for i in range(4)}
    assert strategy._initial_margin() == pytest.approx(base)
    strategy._archive = {0: 1.0, 1: 1.0, 2: 1.0, 3: 2.0}
    assert strategy._initial_margin() == pytest.approx(base + GeneticStrategy._plateau_margin / 2)
    strategy._archive = {0: 1.0, 1: -np.inf, 2: -np.inf}
    assert strategy._initial_margin() == pytest.approx(base)


def test_surrogate_looks_beyond_a_plateau_longer_the_more_scores_repeat():
    # The plateau of the test above, with a candidate low in the gap (x = 0.15):
    # half-way through evolution, the base margin prefers refining the plateau;
    # where most scores repeat, screening still asks for enough improvement to
    # try the gap. The last generation refines either way.
    xs = [*np.linspace(0.6, 1.0, 9), 0.0, 0.1]
    evaluated = [(np.array([x]), 1.0 if x >= 0.6 else x) for x in xs]
    archives = {
        "distinct": {i: float(i) for i in range(len(xs))},
        "repeated": {i: score for i, (_, score) in enumerate(evaluated)},
    }
    picks = {}
    for name, archive in archives.items():
        strategy = _small_strategy(Space({"x": Real(0, 1)}), n_generations=10)
        strategy._evaluated[0], strategy._archive = list(evaluated), archive
        for generation in (4, 9):
            strategy.generation = generation
            pool = [(0, np.array([0.775])), (0, np.array([0.15]))]
            picks[name, generation] = strategy._pick(0, pool, 1)
    assert picks["distinct", 4] == [0] and picks["repeated", 4] == [1]
    assert picks["distinct", 9] == picks["repeated", 9] == [0]


def test_surrogate_screens_as_many_random_points_as_bred_candidates():
    strategy = _strategy_after_its_design(True, 0)
    screened = []
    screen = strategy._screen
    strategy._screen = lambda candidates, n, drawn: screened.append(candidates) or screen(candidates, n, drawn)
    children = strategy.ask().points
    n_bred = 4 * GeneticStrategy._n_candidates_per_child
    assert len(screened[0]) == 2 * n_bred
    # The random half spreads over the whole square, beyond the brood's reach.
    random_x = np.array([unit[0] for _, unit in screened[0][n_bred:]])
    assert random_x.min() < 0.2 and random_x.max() > 0.8
    assert len(children) == 4


# GeneticSearchCV ---------------------------------------------------------------------

SVC_SPACE = {
    "C": Real(1e-2, 1e2, prior="log-uniform"),
    "gamma": Real(1e-3, 1e1, prior="log-uniform"),
}


def _search(estimator=None, space=None, **params):
    params = {"population_size": 6, "n_generations": 4, "cv": 3, "random_state": 0, **params}
    return GeneticSearchCV(estimator or SVC(), space or SVC_SPACE, **params)


def test_cv_results_has_generation_column_and_a_row_per_configuration(iris):
    search = _search(elitism=2).fit(*iris)
    results = search.cv_results_
    # 6 initial individuals, then 4 children in each of 3 generations.
    assert len(results["params"]) == 6 + 3 * 4
    np.testing.assert_array_equal(results["generation"], [0] * 6 + [1] * 4 + [2] * 4 + [3] * 4)
    assert search.n_generations_ == 4
    np.testing.assert_array_equal(search.generation_stats_["n_evaluated"], [6, 4, 4, 4])
    assert len(search.history_["score"]) == 18
    assert search.best_score_ == pytest.approx(search.generation_stats_["best_score"][-1])


def test_no_configuration_is_evaluated_twice(iris):
    # 30 configurations, a budget of 6 + 7 * 3 = 27.
    space = {"max_depth": [1, 2, 3, 4, 5], "min_samples_leaf": [1, 2, 4, 8, 16, 32]}
    search = _search(DecisionTreeClassifier(random_state=0), space, n_generations=8, elitism=3)
    search.fit(*iris)
    params = [tuple(sorted(p.items())) for p in search.cv_results_["params"]]
    assert len(params) == len(set(params))
    assert len(params) <= 27


def test_elitism_keeps_the_best(iris):
    search = _search(n_generations=5, elitism=1).fit(*iris)
    best = search.generation_stats_["best_score"]
    assert np.all(np.diff(best) >= 0)


def test_early_stopping_stops_after_generations_without_improvement(iris):
    # The score does not depend on the parameter, so nothing ever improves.
    search = _search(
        DummyClassifier(strategy="most_frequent"),
        {"random_state": Integer(0, 10_000)},
        n_generations=10,
        early_stopping=2,
    ).fit(*iris)
    assert search.n_generations_ == 3
    assert set(search.cv_results_["generation"]) == {0, 1, 2}


def _stopping_after_two_stalls():
    """A small plain strategy with early_stopping=2, told scores by hand."""
    return GeneticStrategy(
        Space({"x": Real(0, 1)}), np.random.RandomState(0), population_size=4,
        n_generations=10, crossover_probability=0.7, mutation_probability=0.9,
        tournament_size=2, elitism=0, early_stopping=2, surrogate=False,
    )


def test_early_stopping_counts_from_the_best_score_of_any_generation():
    # Without elitism a generation can score below an earlier one; a later
    # rise that stays below the best so far is no improvement.
    strategy = _stopping_after_two_stalls()
    for score in (0.9, 0.5, 0.7):
        batch = strategy.ask()
        strategy.tell(batch, [score] * len(batch.points))
    assert strategy.ask() is None


def test_early_stopping_takes_a_gain_in_the_last_bits_for_none():
    # 0.1 + 0.2 is 0.3 summed in another order, not a better score.
    strategy = _stopping_after_two_stalls()
    for score in (0.3, 0.3, 0.1 + 0.2):
        batch = strategy.ask()
        strategy.tell(batch, [score] * len(batch.points))
    assert strategy.ask() is None


def test_early_stopping_waits_for_a_first_score():
    # Generations in which every fit failed are no stall: there is no score
    # to improve on yet.
    strategy = _stopping_after_two_stalls()
    for score in (np.nan, np.nan, np.nan, 0.5, 0.5):
        batch = strategy.ask()
        strategy.tell(batch, [score] * len(batch.points))
    batch = strategy.ask()  # one generation without a gain so far, of two
    assert batch is not None
    strategy.tell(batch, [0.5] * len(batch.points))
    assert strategy.ask() is None


def test_early_stopping_counts_from_an_infinite_best():
    # +inf is a score (population_scores): nothing beats it.
    strategy = _stopping_after_two_stalls()
    for _ in range(3):
        batch = strategy.ask()
        strategy.tell(batch, [np.inf] * len(batch.points))
    assert strategy.ask() is None


@pytest.mark.parametrize("surrogate", [True, False])
def test_a_search_that_runs_out_of_new_configurations_says_so(iris, surrogate):
    # geom(0.5) reaches its tail (up to 20) too rarely for breeding or random
    # draws to find a value not yet evaluated, long before 8 + 14 * 4 = 64.
    with pytest.warns(UserWarning, match=r"GeneticSearchCV evaluated \d+ configurations of at most 64"):
        search = _search(
            DecisionTreeClassifier(random_state=0), {"max_depth": geom(0.5)},
            population_size=8, n_generations=15, surrogate=surrogate,
        ).fit(*iris)
    assert len(search.cv_results_["params"]) < 64


class _Kinds(BaseEstimator):
    def __init__(self, kind="k0", a=0.0, b=0):
        self.kind, self.a, self.b = kind, a, b

    def fit(self, X, y=None):
        return self

    def score(self, X, y=None):
        return (self.kind == "k9") - (self.a - 0.5) ** 2 - 0.1 * (self.b - 3) ** 2


def test_sub_spaces_the_first_generation_misses_are_searched():
    # Children stay in their parents' sub-space: with more sub-spaces than
    # individuals, the missed ones (here possibly the best) were never tried.
    space = [{"kind": [f"k{i}"], "a": Real(0, 1)} for i in range(10)]
    search = _search(_Kinds(), space, population_size=6, n_generations=6, refit=False)
    results = search.fit(np.zeros((20, 1))).cv_results_
    assert {p["kind"] for p in results["params"]} == {f"k{i}" for i in range(10)}
    assert search.best_params_["kind"] == "k9"


def test_untried_sub_spaces_replace_the_last_children():
    # Screened children come most promising first: the last ones make room.
    space = Space([{"x": Real(0, 1)}, {"y": Real(0, 1)}])
    strategy = _small_strategy(space)
    strategy._evaluated[0].append((np.array([0.5]), 1.0))  # sub-space 1 never tried
    children = [(0, np.array([u])) for u in (0.1, 0.2, 0.3, 0.4)]
    kept = strategy._with_untried_subspaces(children)
    assert [p[0] for p in kept] == [0, 0, 0, 1]
    assert [p[1][0] for p in kept[:3]] == [0.1, 0.2, 0.3]


def test_strategy_mutation_changes_about_one_parameter():
    space = Space({name: Real(0, 1) for name in "abcdefghij"})
    strategy = _small_strategy(space)
    rng = np.random.RandomState(0)
    changed = [
        np.sum(strategy._mutate(space.subspaces[0], unit, 0.1) != unit)
        for unit in rng.uniform(size=(200, 10))
    ]
    assert 1 <= np.mean(changed) < 2


def test_a_missed_sub_space_is_searched_when_one_child_is_bred_a_generation():
    space = [{"kind": [f"k{i}"], "a": Real(0, 1)} for i in range(3)]
    search = _search(_Kinds(), space, population_size=2, elitism=1, n_generations=3, refit=False)
    results = search.fit(np.zeros((20, 1))).cv_results_
    assert {p["kind"] for p in results["params"]} == {"k0", "k1", "k2"}


@pytest.mark.parametrize("population_size, n_evaluated", [(5, [5, 3, 3]), (6, [6, 3, 3])])
def test_automatic_elitism_keeps_half_the_population_rounded_down(population_size, n_evaluated):
    search = _search(
        _Kinds(), {"a": Real(0, 1)}, population_size=population_size, n_generations=3, refit=False,
    ).fit(np.zeros((20, 1)))
    assert search.generation_stats_["n_evaluated"].tolist() == n_evaluated


def test_untried_overlapping_sub_spaces_give_one_child_each_configuration():
    # Two untried sub-spaces holding the same configurations drew one twice:
    # the generation ran one short and warned that the space had run out.
    space = [{"kind": [f"k{i}"], "a": Real(0, 1)} for i in range(6)] + [{"b": [0, 1]}] * 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        search = _search(
            _Kinds(), space, population_size=6, n_generations=2, elitism=1,
            surrogate=False, refit=False, random_state=47,
        ).fit(np.zeros((20, 1)))
    np.testing.assert_array_equal(search.generation_stats_["n_evaluated"], [6, 5])


def test_overlapping_grids_start_with_a_whole_population():
    # Each of the three sub-spaces lists every configuration: drawn from the
    # grid with copies, the first generation held fewer distinct ones and the
    # search ended short with a warning that it had run out.
    space = [{"a": list(range(10)), "b": [0, 1, 2]}] * 3
    for seed in range(5):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            search = _search(
                _Kinds(), space, population_size=8, n_generations=3, random_state=seed
            ).fit(np.zeros((20, 1)))
        np.testing.assert_array_equal(search.generation_stats_["n_evaluated"], [8, 4, 4])


def test_a_nearly_exhausted_list_space_spends_the_whole_budget():
    # 56 configurations, a budget of 55: random draws missed the last few.
    space = {"a": list(range(8)), "b": list(range(7))}
    for seed in range(6):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            search = _search(
                _Kinds(), space, population_size=10, n_generations=6, elitism=1,
                surrogate=False, random_state=seed,
            ).fit(np.zeros((20, 1)))
        assert len(search.cv_results_["params"]) == 55


def test_grid_generation_stats_leave_failed_fits_out(iris):
    # A grid that fits the budget runs as generation 0; error_score=0 must not
    # pull its mean down (the failures are not scores, as in a bred generation).
    space = {"C": [-1.0, -0.5, 1.0, 2.0]}  # SVC rejects C <= 0 at fit
    with pytest.warns(FitFailedWarning):
        search = _search(SVC(), space, population_size=4, error_score=0.0).fit(*iris)
    scores = search.cv_results_["mean_test_score"]
    assert search.generation_stats_["mean_score"][0] == pytest.approx(scores[2:].mean())
    assert search.generation_stats_["best_score"][0] == scores.max()


def test_a_bool_tournament_size_counts_as_the_integer(iris):
    # As n_iter=True is one iteration to RandomizedSearchCV; numpy took no bool.
    as_bool = _search(tournament_size=True).fit(*iris)
    as_int = _search(tournament_size=1).fit(*iris)
    assert as_bool.cv_results_["params"] == as_int.cv_results_["params"]


@pytest.mark.parametrize("surrogate", [True, False])
def test_a_search_short_of_its_budget_says_so_and_counts_what_it_evaluated(iris, surrogate):
    # Generations that find only some new children (repeats reuse their scores)
    # end short of 6 + 3 * 3 = 15 without one that finds none.
    space = {"max_depth": geom(0.7), "criterion": ["gini", "entropy"]}
    for seed in range(5):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            search = _search(
                DecisionTreeClassifier(random_state=0), space, population_size=6,
                n_generations=4, surrogate=surrogate, random_state=seed,
            ).fit(*iris)
        rows = np.bincount(search.cv_results_["generation"].astype(int))
        np.testing.assert_array_equal(search.generation_stats_["n_evaluated"], rows)
        short = rows.sum() < 15
        assert short == any("configurations of at most 15" in str(w.message) for w in caught)
        if short and search.n_generations_ == 4:
            return
    pytest.fail("no seed ran short through every generation")


def test_early_stopping_is_no_reason_to_warn(iris):
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        search = _search(
            DummyClassifier(strategy="most_frequent"),
            {"random_state": Integer(0, 10_000)},
            n_generations=10,
            early_stopping=2,
        ).fit(*iris)
    assert search.n_generations_ < 10


def test_max_time_starts_no_new_generation(iris):
    search = _search(n_generations=10, max_time=1e-9).fit(*iris)
    assert search.n_generations_ == 1
    assert len(search.cv_results_["params"]) == 6


def _rows(search):
    results = search.cv_results_
    return [tuple(sorted(p.items())) for p in results["params"]], list(results["mean_test_score"])


def test_same_random_state_gives_same_results(iris):
    first, second = _search().fit(*iris), _search().fit(*iris)
    assert _rows(first) == _rows(second)
    assert _rows(_search(random_state=1).fit(*iris)) != _rows(first)


def test_results_do_not_depend_on_n_jobs(iris):
    assert _rows(_search(n_jobs=1).fit(*iris)) == _rows(_search(n_jobs=2).fit(*iris))


def test_clone_and_nested_cross_validation(iris):
    search = _search(n_generations=2)
    cloned = clone(search)
    assert cloned.get_params()["population_size"] == 6
    scores = cross_validate(search, *iris, cv=2)["test_score"]
    assert len(scores) == 2 and np.all(scores > 0.8)


def test_pipeline_step_parameters(iris):
    pipe = Pipeline([("scale", StandardScaler()), ("svc", SVC())])
    space = {"svc__C": Real(1e-2, 1e2, prior="log-uniform"), "svc__kernel": ["linear", "rbf"]}
    search = _search(pipe, space).fit(*iris)
    assert set(search.best_params_) == {"svc__C", "svc__kernel"}
    assert search.best_estimator_.named_steps["svc"].C == search.best_params_["svc__C"]


def test_multimetric_evolves_the_refit_metric(iris):
    scoring = {"acc": "accuracy", "bacc": "balanced_accuracy"}
    search = _search(scoring=scoring, refit="bacc").fit(*iris)
    results = search.cv_results_
    assert search.best_index_ == np.argmax(results["mean_test_bacc"])
    assert search.best_score_ == pytest.approx(search.generation_stats_["best_score"][-1])
    assert "generation" in results and "mean_test_acc" in results


def test_conditional_subspaces_are_never_mixed(iris):
    space = [
        {"kernel": ["linear"], "C": Real(1e-2, 1e2, prior="log-uniform")},
        {"kernel": ["rbf"], "gamma": Real(1e-3, 1e1, prior="log-uniform")},
    ]
    search = _search(space=space, n_generations=5).fit(*iris)
    for params in search.cv_results_["params"]:
        assert set(params) in ({"kernel", "C"}, {"kernel", "gamma"})
        assert (params["kernel"] == "linear") == ("C" in params)


@pytest.mark.filterwarnings("ignore:One or more of the test scores are non-finite")
def test_failed_fits_count_as_worst(iris):
    # max_depth below 1 is invalid: those fits fail and score NaN.
    space = {"max_depth": Integer(-8, 17)}
    search = _search(DecisionTreeClassifier(random_state=0), space, error_score=np.nan)
    with pytest.warns(FitFailedWarning):
        search.fit(*iris)
    depths = np.array([p["max_depth"] for p in search.cv_results_["params"]])
    scores = search.cv_results_["mean_test_score"]
    assert np.any(depths < 1)
    np.testing.assert_array_equal(np.isnan(scores), depths < 1)
    assert search.best_params_["max_depth"] >= 1
    assert np.isfinite(search.generation_stats_["best_score"]).all()


class _ScoreIsA(BaseEstimator):
    """Scores its parameter ``a``; fails to fit for ``a > 0.5``."""

    def __init__(self, a=0.5):
        self.a = a

    def fit(self, X, y=None):
        if self.a > 0.5:
            raise ValueError("a too large")
        return self

    def score(self, X, y=None):
        return self.a


@pytest.mark.filterwarnings("ignore:One or more of the test scores are non-finite")
def test_failed_configurations_rank_below_every_score_and_stay_out_of_the_stats(iris):
    search = _search(_ScoreIsA(), {"a": Real(0, 1)}, population_size=4, n_generations=3, elitism=2)
    with pytest.warns(FitFailedWarning):
        search.fit(*iris)
    results = search.cv_results_
    first = results["mean_test_score"][results["generation"] == 0]
    assert np.isnan(first).any() and np.isfinite(first).any()
    # Generation 0's population is its rows: failures are left out of its mean.
    assert search.generation_stats_["mean_score"][0] == pytest.approx(np.nanmean(first))
    assert search.generation_stats_["best_score"][0] == np.nanmax(first)


class _UnboundedAboveHalf(_ScoreIsA):
    """Scores ``+inf`` for ``a > 0.5`` instead of failing."""

    def fit(self, X, y=None):
        return self

    def score(self, X, y=None):
        return np.inf if self.a > 0.5 else self.a


@pytest.mark.filterwarnings("ignore:One or more of the test scores are non-finite")
def test_infinite_scores_count_as_the_best_in_the_stats(iris):
    search = _search(_UnboundedAboveHalf(), {"a": Real(0, 1)}, population_size=4, n_generations=3)
    search.fit(*iris)
    assert search.best_score_ == np.inf
    np.testing.assert_array_equal(search.generation_stats_["best_score"], np.inf)
    # The same for a space small enough to be evaluated as one grid.
    with pytest.warns(UserWarning, match="smaller than"):
        grid = _search(_UnboundedAboveHalf(), {"a": [0.2, 0.9]}).fit(*iris)
    np.testing.assert_array_equal(grid.generation_stats_["best_score"], [np.inf])
    np.testing.assert_array_equal(grid.generation_stats_["mean_score"], [np.inf])


def test_small_finite_space_is_evaluated_exhaustively(iris):
    with pytest.warns(UserWarning, match="smaller than"):
        search = _search(space={"C": [0.1, 1, 10], "kernel": ["linear", "rbf"]}).fit(*iris)
    assert len(search.cv_results_["params"]) == 6
    np.testing.assert_array_equal(search.cv_results_["generation"], [0] * 6)
    assert search.n_generations_ == 1


def test_pickle_round_trip(iris):
    X, y = iris
    search = _search(n_generations=2).fit(X, y)
    restored = pickle.loads(pickle.dumps(search))
    np.testing.assert_array_equal(restored.predict(X), search.predict(X))
    np.testing.assert_array_equal(
        restored.generation_stats_["best_score"], search.generation_stats_["best_score"]
    )


@pytest.mark.parametrize(
    "params, name",
    [
        ({"population_size": 1}, "population_size"),
        ({"population_size": 2.5}, "population_size"),
        ({"n_generations": 0}, "n_generations"),
        ({"crossover_probability": 1.5}, "crossover_probability"),
        ({"mutation_probability": -0.1}, "mutation_probability"),
        ({"tournament_size": 0}, "tournament_size"),
        ({"elitism": -1}, "elitism"),
        ({"elitism": "all"}, "elitism"),
        ({"elitism": 6}, "elitism"),
        ({"early_stopping": 0}, "early_stopping"),
        # Counts, not switches: True would silently mean 1.
        ({"elitism": True}, "elitism"),
        ({"early_stopping": True}, "early_stopping"),
        ({"early_stopping": np.bool_(False)}, "early_stopping"),
        ({"surrogate": "yes"}, "surrogate"),
    ],
)
def test_invalid_parameters_raise_at_fit(iris, params, name):
    search = _search(**params)  # __init__ accepts anything
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter"):
        search.fit(*iris)


def test_elitism_must_leave_room_for_children(iris):
    with pytest.raises(InvalidParameterError, match=r"'elitism'.*smaller than population_size=6, got 6"):
        _search(population_size=6, elitism=6).fit(*iris)
