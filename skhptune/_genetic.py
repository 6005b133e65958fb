"""Genetic search: evolutionary operators on the unit cube and :class:`GeneticSearchCV`.

The operators know nothing of scikit-learn. An individual is a unit vector with one
coordinate per search dimension; per coordinate, ``n_levels`` is 0 for a continuous
dimension and ``k > 0`` for ``k`` discrete values (value ``i`` at the bin centre
``(i + 0.5) / k``), and ``is_categorical`` marks levels without order. Fitness is
maximised; NaN and ``-inf`` (failed evaluations) count as the worst.
"""

import numbers

import numpy as np
from sklearn.utils._param_validation import Interval, InvalidParameterError, StrOptions

from ._acquisition import (
    all_tied,
    as_ties,
    failures_as_worst,
    fit_gaussian_process,
    log_expected_improvement,
    repeated_fraction,
    robust_scores,
    snap_to_levels,
)
from ._base import AskTellSearchCV, Batch, single_threaded_blas, warn_out_of_new_configurations
from ._gp import BelieverVariances

# Contestants drawn per individual, at most, in a tournament larger than the
# population (see tournament_select).
_MAX_DRAWS_PER_INDIVIDUAL = 64


def as_fitness(fitness):
    """Fitness as floats where failures (NaN, ``-inf``) are ``-inf``.

    Parameters
    ----------
    fitness : array-like of shape (n,)
        Scores to maximise, possibly with NaN.

    Returns
    -------
    ndarray of shape (n,)
    """
    fitness = np.asarray(fitness, dtype=float)
    return np.where(np.isnan(fitness), -np.inf, fitness)


def population_scores(scores):
    """Best and mean score of a population, failures (NaN, ``-inf``) left out.

    Parameters
    ----------
    scores : array-like of shape (n,)
        Scores to maximise; ``+inf`` counts as a score, as in ``cv_results_``.

    Returns
    -------
    best, mean : float
        NaN when every member failed.
    """
    scores = np.asarray(scores, dtype=float)
    scored = scores[scores > -np.inf]
    if not len(scored):
        return np.nan, np.nan
    return scored.max(), scored.mean()


def _level(u, n_levels):
    return np.minimum(np.floor(u * n_levels), n_levels - 1).astype(int)


def _reflect(x):
    """Fold any real into ``[0, 1]`` by reflecting at the bounds.

    Reflection, unlike clipping, keeps a step near a bound from piling points
    onto the bound itself.
    """
    x = np.abs(x) % 2.0
    return np.where(x > 1.0, 2.0 - x, x)


def tournament_select(fitness, n_select, tournament_size, rng):
    """Pick individuals by tournaments: each winner is the fittest of a random group.

    Larger tournaments select more greedily; a size of 1 is uniform selection.

    Parameters
    ----------
    fitness : array-like of shape (n,)
        Scores to maximise; NaN and ``-inf`` are the worst.
    n_select : int
        Number of winners to draw (with replacement across tournaments).
    tournament_size : int
        Contestants per tournament, drawn without replacement while the
        population is large enough, else with replacement (at most 64 per
        individual, which hold the fittest but for a chance of ``exp(-64)``).
    rng : numpy.random.RandomState
        Source of randomness.

    Returns
    -------
    ndarray of int of shape (n_select,)
        Indices of the winners.
    """
    fitness = as_fitness(fitness)
    n = len(fitness)
    if n == 0:
        raise ValueError("Cannot select from an empty population.")
    replace = tournament_size > n
    # Drawn with replacement, a group this much larger than the population holds
    # its fittest but for a chance of exp(-64): more draws only cost memory (a
    # size of 2**63 could not be drawn at all).
    size = min(tournament_size, _MAX_DRAWS_PER_INDIVIDUAL * n)
    winners = np.empty(n_select, dtype=int)
    for i in range(n_select):
        contestants = rng.choice(n, size=size, replace=replace)
        # Contestants come in random order, so ties go to a random one of them.
        winners[i] = contestants[np.argmax(fitness[contestants])]
    return winners


def select_elites(fitness, n_elites):
    """Indices of the ``n_elites`` fittest individuals, best first.

    Ties keep population order, so the choice is deterministic.

    Parameters
    ----------
    fitness : array-like of shape (n,)
        Scores to maximise; NaN and ``-inf`` are the worst.
    n_elites : int
        How many to keep (at most ``n``).

    Returns
    -------
    ndarray of int of shape (min(n_elites, n),)
    """
    return np.argsort(-as_fitness(fitness), kind="stable")[:n_elites]


def _sbx_pair(a, b, eta, rng):
    """Bounded simulated binary crossover (Deb and Agrawal, 1995) on ``[0, 1]``.

    Children spread around the parents with a density concentrated near them (the
    larger ``eta``, the closer), and never leave the unit interval.
    """
    low, high = np.minimum(a, b), np.maximum(a, b)
    gap = np.maximum(high - low, 1e-12)
    u = rng.uniform(size=a.shape)
    power = 1.0 / (eta + 1.0)

    def spread(distance_to_bound):
        beta = 1.0 + 2.0 * distance_to_bound / gap
        alpha = 2.0 - beta ** -(eta + 1.0)
        inner = u <= 1.0 / alpha
        return np.where(
            inner,
            (u * alpha) ** power,
            (1.0 / np.maximum(2.0 - u * alpha, 1e-12)) ** power,
        )

    mid = 0.5 * (low + high)
    child_low = mid - 0.5 * spread(low) * gap
    child_high = mid + 0.5 * spread(1.0 - high) * gap
    # Either child may go with either parent.
    swap = rng.uniform(size=a.shape) < 0.5
    first = np.where(swap, child_high, child_low)
    second = np.where(swap, child_low, child_high)
    same = high - low < 1e-12
    return np.where(same, a, first), np.where(same, b, second)


def crossover(
    parent_a, parent_b, n_levels, is_categorical, rng, *, eta=10.0, swap_probability=0.5
):
    """Recombine two parents of the same sub-space into two children.

    Each coordinate is recombined with probability ``swap_probability`` and
    otherwise inherited unchanged. Numeric coordinates (continuous, integer and
    ordinal) are recombined by simulated binary crossover, which places children
    around the parents; categorical coordinates swap values.

    Parameters
    ----------
    parent_a, parent_b : array-like of shape (n_dims,)
        Parents in the unit cube.
    n_levels : array-like of int of shape (n_dims,)
        0 for continuous coordinates, else the number of levels.
    is_categorical : array-like of bool of shape (n_dims,)
        Coordinates whose levels have no order.
    rng : numpy.random.RandomState
        Source of randomness.
    eta : float, default=10.0
        Distribution index of the crossover; larger keeps children nearer their
        parents.
    swap_probability : float, default=0.5
        Probability that a coordinate is recombined.

    Returns
    -------
    child_a, child_b : ndarray of shape (n_dims,)
        Children in the unit cube, discrete coordinates at bin centres.
    """
    a = np.asarray(parent_a, dtype=float)
    b = np.asarray(parent_b, dtype=float)
    is_categorical = np.asarray(is_categorical, dtype=bool)
    recombine = rng.uniform(size=a.shape) < swap_probability
    blend_a, blend_b = _sbx_pair(a, b, eta, rng)
    child_a = np.where(is_categorical, b, blend_a)
    child_b = np.where(is_categorical, a, blend_b)
    child_a = np.where(recombine, child_a, a)
    child_b = np.where(recombine, child_b, b)
    return snap_to_levels(child_a, n_levels), snap_to_levels(child_b, n_levels)


def mutate(x, n_levels, is_categorical, scale, probability, rng, *, ensure_change=True):
    """Perturb an individual, coordinate by coordinate.

    A numeric coordinate takes a Gaussian step of standard deviation ``scale``
    (reflected at the bounds); an integer or ordinal one then moves at least one
    level in the step's direction. A categorical coordinate jumps to another level,
    chosen uniformly. Coordinates with a single level never change.

    Parameters
    ----------
    x : array-like of shape (n_dims,)
        The individual, in the unit cube.
    n_levels : array-like of int of shape (n_dims,)
        0 for continuous coordinates, else the number of levels.
    is_categorical : array-like of bool of shape (n_dims,)
        Coordinates whose levels have no order.
    scale : float
        Standard deviation of numeric steps, in unit-cube lengths.
    probability : float
        Probability that each coordinate mutates.
    rng : numpy.random.RandomState
        Source of randomness.
    ensure_change : bool, default=True
        When no coordinate was drawn, mutate one chosen at random, so that the
        result differs from ``x`` whenever some coordinate can change.

    Returns
    -------
    ndarray of shape (n_dims,)
        The mutant, discrete coordinates at bin centres.
    """
    x = snap_to_levels(x, n_levels)
    n_levels = np.asarray(n_levels, dtype=int)
    is_categorical = np.asarray(is_categorical, dtype=bool)
    mutable = n_levels != 1
    chosen = (rng.uniform(size=x.shape) < probability) & mutable
    if ensure_change and not chosen.any() and mutable.any():
        chosen[rng.choice(np.flatnonzero(mutable))] = True
    step = rng.normal(scale=scale, size=x.shape)
    y = x.copy()
    for i in np.flatnonzero(chosen):
        k = n_levels[i]
        if k == 0:
            y[i] = _reflect(x[i] + step[i])
            continue
        old = int(_level(x[i], k))
        if is_categorical[i]:
            new = rng.randint(k - 1)
            new += new >= old  # any level but the current one
        else:
            new = int(_level(_reflect(x[i] + step[i]), k))
            if new == old:
                direction = 1 if step[i] >= 0 else -1
                new = old + direction if 0 <= old + direction < k else old - direction
        y[i] = (new + 0.5) / k
    return y


def mutation_scale(generation, n_generations, initial=0.25, final=0.05):
    """Step size of numeric mutation at a generation, shrinking geometrically.

    Early generations explore with wide steps; later ones refine around the best.

    Parameters
    ----------
    generation, n_generations : int
        As in :func:`evolution_progress`.
    initial, final : float, default=0.25 and 0.05
        Scales at the first and the last offspring generation.

    Returns
    -------
    float
    """
    return float(initial * (final / initial) ** evolution_progress(generation, n_generations))


def evolution_progress(generation, n_generations):
    """How far evolution is: 0 at the first offspring generation, 1 at the last.

    Parameters
    ----------
    generation : int
        Current generation, 1 for the first offspring (0 is the initial population).
    n_generations : int
        Total number of generations, the initial one included.

    Returns
    -------
    float
        In ``[0, 1]``; 0 throughout when there are at most two generations.
    """
    if n_generations <= 2:
        return 0.0
    return min(max((generation - 1) / (n_generations - 2), 0.0), 1.0)


def improvement_margin(generation, n_generations, initial):
    """Margin over the best score that screening asks a child to beat.

    In standard deviations of the scores: ``initial`` at the first offspring
    generation, shrinking linearly to none at the last. Where many
    configurations score exactly the best (a tree's fractional parameters
    often leave the fitted tree unchanged), expected improvement over the best
    itself favours children next to the elites, most of them on the same
    plateau; a margin makes the early generations prefer the children that
    could do clearly better, and the late ones refine. The search raises
    ``initial`` with the share of repeated scores (see
    :meth:`GeneticStrategy._initial_margin`).

    Parameters
    ----------
    generation, n_generations : int
        As in :func:`evolution_progress`.
    initial : float
        Margin at the first offspring generation.

    Returns
    -------
    float
    """
    return initial * (1.0 - evolution_progress(generation, n_generations))


def population_diversity(units, is_categorical):
    """Mean distance between two individuals of one sub-space, in ``[0, 1]``.

    The distance of two individuals averages, over coordinates, the absolute
    difference of numeric coordinates and the mismatch (0 or 1) of categorical ones.

    Parameters
    ----------
    units : array-like of shape (n, n_dims)
        The individuals.
    is_categorical : array-like of bool of shape (n_dims,)
        Coordinates whose levels have no order.

    Returns
    -------
    float
        0 for fewer than two individuals or no coordinates.
    """
    units = np.asarray(units, dtype=float)
    n = len(units)
    if n < 2 or units.ndim != 2 or units.shape[1] == 0:
        return 0.0
    # Summed per coordinate over sorted values, in O(n log n) time and O(n)
    # memory (all pairs at once took gigabytes for a grid of thousands).
    ordered = np.sort(units, axis=0)
    is_categorical = np.asarray(is_categorical, dtype=bool)
    # Over ordered pairs, sum |x_i - x_j| = 2 * sum_k (2k - n + 1) x_(k).
    weights = 2.0 * np.arange(n) - n + 1
    # (The weights sum to 0: shifted by the smallest value, equal values give 0.)
    numeric = 2.0 * (weights @ (ordered - ordered[0])[:, ~is_categorical]).sum()
    mismatched = 0
    for column in ordered[:, is_categorical].T:
        # Ordered pairs of different levels: n**2 minus those of equal levels.
        starts = np.flatnonzero(np.diff(column) > 1e-12) + 1
        counts = np.diff(np.concatenate(([0], starts, [n])))
        mismatched += n * n - int(np.sum(counts**2))
    return float((numeric + mismatched) / units.shape[1] / (n * (n - 1)))


def _space_diversity(space, points):
    """Mean distance between two points of a mixed population.

    Points of different sub-spaces are at distance 1, the largest possible.
    """
    n = len(points)
    if n < 2:
        return 0.0
    subspace = np.array([index for index, _ in points])
    within = 0.0
    for index in np.unique(subspace):
        members = [unit for i, unit in points if i == index]
        m = len(members)
        if m > 1:
            is_categorical = space.subspaces[index].is_categorical
            within += population_diversity(np.array(members), is_categorical) * m * (m - 1)
    same = sum(int(np.sum(subspace == index)) ** 2 for index in np.unique(subspace))
    across = n * n - same
    return float((within + across) / (n * (n - 1)))


class GeneticStrategy:
    """Generational genetic algorithm with elitism, speaking the ask/tell protocol.

    Generation 0 is a space-filling design. Each later generation keeps the
    ``elitism`` best individuals and breeds the rest by tournament selection,
    crossover within a sub-space and mutation whose scale shrinks over generations.
    A child equal to a configuration already evaluated is mutated again (with
    growing steps, then replaced by random points) so that the budget goes to new
    configurations; one that stays a repeat reuses its cached score. With
    ``surrogate``, each generation breeds several candidates per child, adds as
    many random points, and keeps the ones a Gaussian process of the scores so far
    expects to improve most.

    Parameters
    ----------
    space : Space
        The parsed search space.
    rng : numpy.random.RandomState
        Source of randomness.
    population_size, n_generations, crossover_probability, mutation_probability, \
tournament_size, elitism, early_stopping, surrogate
        As in :class:`GeneticSearchCV`.
    """

    # Attempts at turning a repeated child into a new configuration.
    _n_remutations = 8
    _n_random_draws = 32
    # Largest finite space listed to find what random draws could not.
    _max_listed = 10_000
    # Candidates bred per child when screening with the surrogate.
    _n_candidates_per_child = 8
    # Finite scores a sub-space needs before its surrogate is trusted.
    _min_model_points = 3
    # Screening's margin at the first offspring generation, in standard
    # deviations of the scores: a base, plus this much per unit of the fraction
    # of scores that repeat an earlier one (BayesSearchCV's plateau margin).
    _base_margin = 0.5
    _plateau_margin = 2.0

    def __init__(
        self,
        space,
        rng,
        *,
        population_size,
        n_generations,
        crossover_probability,
        mutation_probability,
        tournament_size,
        elitism,
        early_stopping=None,
        surrogate,
    ):
        self.space = space
        self.rng = rng
        self.population_size = population_size
        self.n_generations = n_generations
        self.crossover_probability = crossover_probability
        self.mutation_probability = mutation_probability
        self.tournament_size = int(tournament_size)  # numpy takes no bool as a size
        self.elitism = elitism
        self.early_stopping = early_stopping
        self.surrogate = surrogate
        self.generation = 0
        self.population = []
        self.fitness = np.empty(0)
        self.stats = {
            "generation": [],
            "best_score": [],
            "mean_score": [],
            "diversity": [],
            "n_evaluated": [],
        }
        self._archive = {}  # configuration key -> fitness
        self._evaluated = [[] for _ in space.subspaces]  # (unit, fitness) per sub-space
        self._models = [None] * len(space.subspaces)  # last surrogate per sub-space
        self._best = -np.inf
        self._n_stalled = 0
        self._pending = None
        self._listed = None  # a finite space's configurations in random order
        # Whether some generation found fewer new configurations than it breeds
        # (evolution ends at one that finds none).
        self.exhausted = False

    def ask(self):
        """The next generation's new individuals, or ``None`` when evolution ends."""
        if self.generation >= self.n_generations:
            return None
        if self.early_stopping is not None and self._n_stalled >= self.early_stopping:
            return None
        if self.generation == 0:
            survivors = []
            children = self.space.initial_design(self.population_size, self.rng)
        else:
            elites = select_elites(self.fitness, self.elitism)
            survivors = [self.population[i] for i in elites]
            n_children = self.population_size - len(survivors)
            if self.surrogate:
                bred = self._breed(n_children * self._n_candidates_per_child)
                # As many random points compete with the brood: once the population
                # has settled on a plateau, the model prefers the unexplored regions
                # that breeding near the parents cannot reach.
                drawn = [self.space.random_point(self.rng) for _ in range(len(bred))]
                children = self._screen(bred + drawn, n_children, drawn)
            else:
                children = self._breed(n_children)
            children = self._with_untried_subspaces(children)
        # Breeding falls back on a repeat when re-mutations and random draws find
        # nothing new; a repeat reuses its score, inside a generation too.
        new = self._unseen(children)
        if len(new) < len(children):
            self.exhausted = True
        if not new:
            return None
        self._pending = survivors, children
        return Batch(new, more_results={"generation": [self.generation] * len(new)})

    def tell(self, batch, scores):
        """Record the scores of the points of the last :meth:`ask`."""
        for point, score in zip(batch.points, as_fitness(scores)):
            self._archive[self.space.key(point)] = score
            self._evaluated[point[0]].append((point[1], score))
        survivors, children = self._pending
        self._pending = None
        self.population = survivors + children
        self.fitness = np.array([self._archive[self.space.key(p)] for p in self.population])
        (best,) = as_ties([self.fitness.max()])  # a gain in the last bits is none
        # Generations before any fit succeeded have nothing to improve on.
        if self._best > -np.inf and not best > self._best:
            self._n_stalled += 1
        else:
            self._n_stalled = 0
        self._best = max(self._best, best)
        self._record(len(batch.points))
        self.generation += 1

    def _record(self, n_evaluated):
        best, mean = population_scores(self.fitness)
        self.stats["generation"].append(self.generation)
        self.stats["best_score"].append(best)
        self.stats["mean_score"].append(mean)
        self.stats["diversity"].append(_space_diversity(self.space, self.population))
        self.stats["n_evaluated"].append(n_evaluated)

    def _with_untried_subspaces(self, children):
        """``children`` with the last ones given to sub-spaces never evaluated.

        Up to half of them (at least one) become a random configuration of an
        untried sub-space each. Children stay in their parents' sub-space: one
        that the first generation missed (more sub-spaces than individuals)
        would never be searched, where random search samples every one.
        """
        untried = [i for i, evaluated in enumerate(self._evaluated) if not evaluated]
        if not untried or not children:
            return children
        n = min(len(untried), max(1, len(children) // 2))
        taken = set(self._archive) | {self.space.key(p) for p in children}
        drawn = []
        for index in self.rng.permutation(untried):
            if len(drawn) == n:
                break
            point = int(index), self.space.subspaces[index].sample(1, self.rng)[0]
            if self.space.key(point) not in taken:  # overlapping sub-spaces
                taken.add(self.space.key(point))
                drawn.append(point)
        return children[: len(children) - len(drawn)] + drawn

    def _breed(self, n_children):
        self._listed = None  # the unseen configurations, listed when needed
        scale = mutation_scale(self.generation, self.n_generations)
        taken = set(self._archive)
        subspace = np.array([index for index, _ in self.population])
        children = []
        for a in tournament_select(self.fitness, n_children, self.tournament_size, self.rng):
            index, unit = self.population[a]
            sub = self.space.subspaces[index]
            child = unit
            if self.rng.uniform() < self.crossover_probability:
                # Only parents of one sub-space share coordinates to recombine.
                mates = np.flatnonzero(subspace == index)
                mates = mates[mates != a]
                if len(mates):
                    b = mates[
                        tournament_select(
                            self.fitness[mates], 1, self.tournament_size, self.rng
                        )[0]
                    ]
                    pair = crossover(
                        unit, self.population[b][1], sub.n_levels, sub.is_categorical, self.rng
                    )
                    child = pair[self.rng.randint(2)]
            if self.rng.uniform() < self.mutation_probability:
                child = self._mutate(sub, child, scale)
            point = self._make_new((index, child), scale, taken)
            taken.add(self.space.key(point))
            children.append(point)
        return children

    def _screen(self, candidates, n, drawn=()):
        """The ``n`` candidates to evaluate, most promising first per sub-space.

        Each sub-space keeps as many children as it has among the first ``n``
        candidates (the share breeding alone would give it); within a sub-space,
        :meth:`_pick` chooses among the new configurations. ``drawn``: the random
        candidates among them.
        """
        draft = candidates[:n]
        new = self._unseen(candidates)
        chosen = []
        for index in dict.fromkeys(index for index, _ in draft):
            quota = sum(1 for i, _ in draft if i == index)
            pool = [point for point in new if point[0] == index]
            chosen += [pool[i] for i in self._pick(index, pool, quota, drawn)]
        # Too few new configurations: repeats from the draft reuse their scores.
        taken = {self.space.key(p) for p in chosen}
        chosen += [p for p in draft if self.space.key(p) not in taken][: n - len(chosen)]
        return chosen

    def _unseen(self, points):
        """``points`` not yet evaluated, each configuration once, in order."""
        unseen, keys = [], set(self._archive)
        for point in points:
            key = self.space.key(point)
            if key not in keys:
                keys.add(key)
                unseen.append(point)
        return unseen

    def _pick(self, index, pool, n, drawn=()):
        """Indices of the ``n`` most promising points of ``pool`` (sub-space ``index``).

        Log expected improvement under a Gaussian process of the sub-space's
        scores, over the best score plus :func:`improvement_margin`, picks them
        one at a time, and each pick is believed to score its
        predicted mean (the kriging believer, as in BayesSearchCV's batches), so
        that the next pick is not its near twin. While the sub-space has too few
        scores to model, the bred order is kept; while all its scores are the
        same, the random points (those also in ``drawn``) go first.
        """
        sub = self.space.subspaces[index]
        evaluated = self._evaluated[index]
        n_finite = sum(1 for _, s in evaluated if np.isfinite(s))
        n = min(n, len(pool))
        if len(pool) < 2 or sub.n_dims == 0 or n_finite < self._min_model_points:
            return list(range(n))
        targets = failures_as_worst([s for _, s in evaluated])
        if all_tied(targets):
            # Equal scores teach a model nothing, and its uncertainty, largest far
            # from the data, would pick the candidates at the edges of the space;
            # the parents' neighbourhood is no better. Random points, in order, as
            # BayesSearchCV draws at random until a score differs.
            drawn_keys = {self.space.key(point) for point in drawn}
            return sorted(range(len(pool)), key=lambda i: self.space.key(pool[i]) not in drawn_keys)[:n]
        X = np.array([u for u, _ in evaluated])
        y = robust_scores(targets)
        units = np.array([u for _, u in pool])
        picks = []
        # The last generation's model warm-starts the fit, as in BayesSearchCV;
        # a generation adds few scores, so its hyperparameters are kept until the
        # scores have grown by a quarter (ranking children needs no more).
        with single_threaded_blas():
            model = fit_gaussian_process(
                X, y, sub.n_levels, sub.is_categorical, self._models[index],
                rng=self.rng.randint(2**31), reoptimize_growth=0.25,
            )
            self._models[index] = model
            margin = improvement_margin(
                self.generation, self.n_generations, self._initial_margin()
            )
            best = y.max() + margin * y.std()
            batch = BelieverVariances(model, units)
            while len(picks) < n:
                value = log_expected_improvement(batch.mean, batch.std, best)
                value[picks] = -np.inf
                pick = int(np.argmax(value))
                picks.append(pick)
                if len(picks) < n:
                    batch.add(pick)
                    best = max(best, batch.mean[pick])
        return picks

    def _initial_margin(self):
        """Screening's margin at the first offspring generation.

        The more scores repeat an earlier one, the larger the plateaus that
        children of the elites land on, and the more improvement a child must
        promise. Failed fits are not repeats; a smooth objective keeps the base.
        """
        repeated = repeated_fraction(s for s in self._archive.values() if np.isfinite(s))
        return self._base_margin + self._plateau_margin * repeated

    def _mutate(self, sub, unit, scale):
        rate = 1.0 / max(sub.n_dims, 1)
        return mutate(unit, sub.n_levels, sub.is_categorical, scale, rate, self.rng)

    def _make_new(self, point, scale, taken):
        """A configuration not in ``taken``, as close to ``point`` as found."""
        index, unit = point
        sub = self.space.subspaces[index]
        for attempt in range(self._n_remutations):
            if self.space.key((index, unit)) not in taken:
                return index, unit
            unit = self._mutate(sub, unit, min(scale * 2.0**attempt, 1.0))
        if self.space.key((index, unit)) not in taken:
            return index, unit
        for _ in range(self._n_random_draws):
            candidate = self.space.random_point(self.rng)
            if self.space.key(candidate) not in taken:
                return candidate
        # A nearly exhausted finite space: random draws rarely hit the few
        # configurations left, a listing (once per brood) finds them.
        size = self.space.size
        if size is not None and size <= self._max_listed:
            if self._listed is None:
                grid = self.space.grid()
                self._listed = [grid[i] for i in self.rng.permutation(len(grid))]
            while self._listed:
                candidate = self._listed.pop()
                if self.space.key(candidate) not in taken:
                    return candidate
        return point


class GeneticSearchCV(AskTellSearchCV):
    """Evolutionary search over hyperparameters with cross-validated fitness.

    A population of configurations evolves over generations: the first is spread
    evenly over the space (a scrambled Sobol design), then each generation keeps its
    best members (elitism) and replaces the others with children bred by tournament
    selection, crossover and mutation, the mutation steps shrinking as the search
    narrows. By default the children to evaluate are screened from a larger brood
    by a Gaussian process of the scores so far (``surrogate``). No configuration is
    evaluated twice: a child identical to one already seen is mutated again, so the
    whole budget buys new information. Each generation is a single batch, so its
    ``(population_size - elitism) * n_splits`` fits run in parallel. Use it for
    mixed spaces (real, integer and categorical parameters, conditional
    sub-spaces) when a budget of a few dozen to a few hundred evaluations is
    available; its own cost is milliseconds per generation.

    Parameters
    ----------
    estimator : estimator object
        An object implementing ``fit`` and either a ``score`` method or a
        ``scoring`` given to the search.

    param_distributions : dict or list of dicts, default=None
        Parameter names (``str``) mapped to what to search: ``Real``, ``Integer``
        or ``Categorical`` from :mod:`skhptune.space`, a list of values (numbers are
        ordered, anything else is categorical), a frozen ``scipy.stats``
        distribution or any object with ``rvs`` (searched through the empirical
        distribution of 1000 draws). A list of dicts gives conditional
        sub-spaces: each individual belongs to one, and crossover only
        recombines individuals of the same one.

    population_size : int, default=8
        Individuals per generation, at least 2. The first generation evaluates
        ``population_size`` configurations. Small populations exploit early, which
        pays on small budgets; larger ones keep more cores busy and explore more.

    n_generations : int, default=15
        Generations, the first (space-filling) one included, at least 1. At most
        ``population_size + (n_generations - 1) * (population_size - elitism)``
        configurations are evaluated: 64 with the defaults.

    crossover_probability : float, default=0.7
        Probability that a child is bred from two parents rather than copied from
        one, in ``[0, 1]``.

    mutation_probability : float, default=0.9
        Probability that a child is mutated, in ``[0, 1]``. A mutation changes on
        average one parameter (at least one).

    tournament_size : int, default=3
        Contestants per tournament when choosing a parent, at least 1; larger
        values favour the best individuals more strongly. Contestants are drawn
        without replacement while the population has enough individuals, with
        replacement otherwise (so a size above ``population_size`` is allowed).

    elitism : int or "auto", default="auto"
        Best individuals carried unchanged into the next generation, at least 0
        and smaller than ``population_size``; ``"auto"`` keeps half of the
        population (``population_size // 2``). Carried individuals are not
        evaluated again. Not a switch: ``True`` is an error.

    early_stopping : int, default=None
        Stop after this many generations in a row without improving the best
        score (a gain that rounding to 12 significant digits hides is none;
        generations before the first successful fit do not count), at least
        1; ``None`` runs all generations. Not a switch: ``True`` is an
        error.

    surrogate : bool, default=True
        Screen offspring with a model (surrogate-assisted evolution): each
        generation breeds 8 candidates per child, adds as many random points, and
        evaluates the ones with the highest expected improvement under a Gaussian
        process of the scores so far (early generations ask for improvement by a
        margin, larger the more scores repeat, that shrinks to none by the last,
        so that children on a plateau of the best score do not crowd out the
        ones that could beat it). It
        costs milliseconds per generation and finds better parameters on small
        budgets; ``False`` gives the plain genetic algorithm.

    scoring : str, callable, list, tuple or dict, default=None
        Strategy to evaluate the performance of the cross-validated model on the
        test set, as in :class:`~sklearn.model_selection.GridSearchCV`. The
        evolution maximises the ``refit`` metric (the first one when ``refit`` is
        not a metric name).

    n_jobs : int, default=None
        Number of jobs to run in parallel. ``None`` means 1 unless in a
        :obj:`joblib.parallel_backend` context; ``-1`` means all processors.

    refit : bool, str or callable, default=True
        Refit an estimator with the best parameters on the whole dataset, as in
        :class:`~sklearn.model_selection.GridSearchCV`; a metric name for
        multi-metric scoring.

    cv : int, cross-validation generator or iterable, default=None
        Cross-validation splitting strategy: ``None`` for 5-fold, an int for that
        many folds (stratified for classifiers), a splitter or an iterable of
        ``(train, test)`` index pairs.

    verbose : int, default=0
        ``1`` prints one line per generation (a batch), after scikit-learn's own
        "Fitting ..." line; higher values also make the fits verbose.

    pre_dispatch : int or str, default="2*n_jobs"
        Number of jobs dispatched during parallel execution, as in
        :class:`~sklearn.model_selection.GridSearchCV`.

    random_state : int, RandomState instance or None, default=None
        Seed of the evolution. An int gives the same ``cv_results_`` for any
        ``n_jobs`` and joblib backend.

    error_score : "raise" or numeric, default=np.nan
        Score of a failed fit in ``cv_results_``; ``"raise"`` raises the error.
        Whatever its value, the evolution ranks a failed configuration below
        every one that scored (it is never kept as an elite over one) and the
        surrogate counts it as the worst score (below it while every real score
        is the same).

    return_train_score : bool, default=False
        Whether ``cv_results_`` includes training scores.

    max_time : float, default=None
        Seconds after which no new generation starts; finished ones stand.
        ``None`` or ``np.inf``: no limit. A finite limit runs a grid that fits
        the budget (otherwise one batch) in the same order in growing batches,
        each as large as all before it, so that the limit can end it. With
        ``verbose``, a line says when the limit ended the search.

    param_grid : dict or list of dicts, default=None
        Alias of ``param_distributions``, so that code written for
        :class:`~sklearn.model_selection.GridSearchCV` (``param_grid=grid``) runs
        unchanged; give one of the two. A grid no larger than the budget is
        evaluated whole, without the warning a smaller space given as
        ``param_distributions`` gets.

    Attributes
    ----------
    cv_results_ : dict of numpy (masked) ndarrays
        One row per evaluated configuration, as in
        :class:`~sklearn.model_selection.RandomizedSearchCV`, plus a
        ``generation`` column: the generation in which the configuration was born.

    best_estimator_ : estimator
        Estimator refitted with the best parameters; only with ``refit``.

    best_score_ : float
        Mean cross-validated score of the best configuration.
        Not set when ``refit`` is a callable, nor with several metrics and
        ``refit=False``.

    best_params_ : dict
        Parameters of the best configuration.
        Not set with several metrics and ``refit=False``.

    best_index_ : int
        Row of the best configuration in ``cv_results_``.
        Not set with several metrics and ``refit=False``.

    scorer_ : function or dict
        Scorer(s) used on the held-out data.

    n_splits_ : int
        Number of cross-validation splits.

    refit_time_ : float
        Seconds spent refitting the best model on the whole dataset; only with
        ``refit``.

    multimetric_ : bool
        Whether several metrics were used.

    classes_ : ndarray of shape (n_classes,)
        Class labels; only for a refitted classifier.

    n_features_in_ : int
        Number of features seen during ``fit``; only with ``refit``.

    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names seen during ``fit``, when they are all strings; only with
        ``refit``.

    history_ : dict of ndarrays
        Per evaluation (row of ``cv_results_``): ``"score"``, ``"best_score"``
        (best so far) and ``"elapsed_time"``.

    generation_stats_ : dict of ndarrays
        Per generation: ``"generation"``, ``"best_score"`` and ``"mean_score"``
        of the population (failed configurations left out), ``"diversity"`` (mean
        distance between two individuals in the unit cube, from 0 when all are
        equal to 1) and ``"n_evaluated"`` (new configurations).

    n_generations_ : int
        Generations run; fewer than ``n_generations`` after early stopping, on
        ``max_time`` or when no new configuration is left to breed.

    See Also
    --------
    BayesSearchCV : Model-based search, usually stronger on smooth problems.
    HyperbandSearchCV : Stops unpromising configurations early on a resource.
    sklearn.model_selection.RandomizedSearchCV : Independent random configurations.

    Notes
    -----
    A space with at most as many configurations as the budget is evaluated
    exhaustively, in one batch, as generation 0.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.svm import SVC
    >>> from skhptune import GeneticSearchCV
    >>> from skhptune.space import Real
    >>> X, y = load_iris(return_X_y=True)
    >>> search = GeneticSearchCV(
    ...     SVC(),
    ...     {"C": Real(1e-2, 1e2, prior="log-uniform"), "kernel": ["linear", "rbf"]},
    ...     population_size=6,
    ...     n_generations=3,
    ...     cv=3,
    ...     random_state=0,
    ... ).fit(X, y)
    >>> search.cv_results_["generation"]
    array([0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2])
    >>> search.generation_stats_["n_evaluated"]
    array([6, 3, 3])
    >>> search.best_params_["kernel"]
    'linear'
    """

    # elitism=True (a switch in sklearn-genetic-opt) would keep one individual,
    # early_stopping=True (a switch in scikit-learn's estimators) stop after one
    # stalled generation.
    _counts = {
        "elitism": "individuals kept, or 'auto' for half the population",
        "early_stopping": "generations without improvement, or None",
    }

    _parameter_constraints: dict = {
        **AskTellSearchCV._parameter_constraints,
        "population_size": [Interval(numbers.Integral, 2, None, closed="left")],
        "n_generations": [Interval(numbers.Integral, 1, None, closed="left")],
        "crossover_probability": [Interval(numbers.Real, 0, 1, closed="both")],
        "mutation_probability": [Interval(numbers.Real, 0, 1, closed="both")],
        "tournament_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "elitism": [Interval(numbers.Integral, 0, None, closed="left"), StrOptions({"auto"})],
        "early_stopping": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "surrogate": ["boolean"],
    }

    def __init__(
        self,
        estimator,
        param_distributions=None,
        *,
        population_size=8,
        n_generations=15,
        crossover_probability=0.7,
        mutation_probability=0.9,
        tournament_size=3,
        elitism="auto",
        early_stopping=None,
        surrogate=True,
        scoring=None,
        n_jobs=None,
        refit=True,
        cv=None,
        verbose=0,
        pre_dispatch="2*n_jobs",
        random_state=None,
        error_score=np.nan,
        return_train_score=False,
        max_time=None,
        param_grid=None,
    ):
        self.population_size = population_size
        self.n_generations = n_generations
        self.crossover_probability = crossover_probability
        self.mutation_probability = mutation_probability
        self.tournament_size = tournament_size
        self.elitism = elitism
        self.early_stopping = early_stopping
        self.surrogate = surrogate
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
            param_grid=param_grid,
        )

    def _n_elites(self):
        if self.elitism == "auto":
            return self.population_size // 2
        if self.elitism >= self.population_size:
            raise InvalidParameterError(
                f"The 'elitism' parameter of {type(self).__name__} must be smaller "
                f"than population_size={self.population_size}, got {self.elitism}."
            )
        return self.elitism

    def _evaluation_budget(self):
        n_elites = self._n_elites()
        return self.population_size + (self.n_generations - 1) * (
            self.population_size - n_elites
        )

    def _make_strategy(self, space, rng):
        return GeneticStrategy(
            space,
            rng,
            population_size=self.population_size,
            n_generations=self.n_generations,
            crossover_probability=self.crossover_probability,
            mutation_probability=self.mutation_probability,
            tournament_size=self.tournament_size,
            elitism=self._n_elites(),
            early_stopping=self.early_stopping,
            surrogate=self.surrogate,
        )

    def _grid_columns(self, n_points):
        return {"generation": [0] * n_points}

    def _store_strategy_results(self, strategy, space):
        if strategy is not None:
            stats = strategy.stats
            if strategy.exhausted:
                warn_out_of_new_configurations(
                    self, sum(stats["n_evaluated"]),
                    f"at most {self._evaluation_budget()}", "breeding",
                )
        else:
            # The exhaustive grid is one generation holding every configuration;
            # a failed fit's numeric error_score is not a score.
            scores = np.where(self._row_has_score, self.history_["score"], np.nan)
            best, mean = population_scores(scores)
            stats = {
                "generation": [0],
                "best_score": [best],
                "mean_score": [mean],
                # max_time may have ended the grid early.
                "diversity": [_space_diversity(space, space.grid()[: len(scores)])],
                "n_evaluated": [len(scores)],
            }
        self.generation_stats_ = {
            name: np.asarray(values, dtype=int if name in ("generation", "n_evaluated") else float)
            for name, values in stats.items()
        }
        self.n_generations_ = len(self.generation_stats_["generation"])
