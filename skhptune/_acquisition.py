"""Acquisition functions and batch proposals for Bayesian optimisation.

Private and free of scikit-learn: arrays in, arrays out, on the unit cube
encoding of :mod:`skhptune._space` (see :mod:`skhptune._gp`). Scores are
maximised.

:func:`propose_batch` fits a :class:`~skhptune._gp.GaussianProcess`, then
maximises the acquisition over valid configurations only: discrete coordinates
are snapped to their bin centres before any evaluation. The maximiser is a
scrambled Sobol sweep plus perturbations of the best observations, refined by
L-BFGS-B on the continuous coordinates alternating with moves to neighbouring
levels of the discrete ones. Batches come from the kriging believer: each
proposal is added to the posterior at its predicted mean (without refitting the
hyperparameters) before the next one is chosen.
"""

import dataclasses

import numpy as np
from scipy.optimize import Bounds, minimize
from scipy.special import erfcx, log_ndtr, ndtr
from scipy.stats import qmc

from ._gp import GaussianProcess

ACQUISITIONS = ("log_ei", "ucb", "pi")

_LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)
_LOG_SQRT_HALF_PI = 0.5 * np.log(0.5 * np.pi)
_INV_SQRT_EPS = 1.0 / np.sqrt(np.finfo(float).eps)
# Keeps z = (mean - best) / std finite where the posterior is (nearly) certain.
_STD_FLOOR = 1e-12
# Scores beyond this magnitude are rescaled before they are squared.
_LARGEST_SAFE_SCORE = 1e150
_UCB_KAPPA = 2.0
_DUPLICATE_TOL = 1e-9
# Perturbations of the best observations: how many, and their scale range.
_N_INCUMBENTS = 5
_LOCAL_SCALES = (0.01, 0.2)
# Rounds of continuous refinement alternating with discrete neighbour moves.
_MAX_ALTERNATIONS = 2
# Measured: LogEI gains under 0.01 nats from further iterations.
_LBFGS_MAXITER = 15
# Other levels of a categorical coordinate a discrete move tries, drawn at random
# when there are more: each is a one-hot row as wide as the levels, so trying
# all of thousands (seeds, identifiers) cost memory quadratic in their number.
_MAX_CATEGORY_MOVES = 32
# Floats equal to this many significant digits are one value (round_significant).
_SIGNIFICANT_DIGITS = 12
# Beyond this many observations the Gaussian process is fitted on this many of
# them (model_subset): each of its predictions costs O(n^2), and a long search's
# own time per evaluation would keep growing for little gain.
_MAX_MODEL_POINTS = 256


def _log_h(z):
    """``log(phi(z) + z * Phi(z))``, stable for every ``z`` (Ament et al. 2023)."""
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    upper = z > -1.0
    zu = z[upper]
    out[upper] = np.log(np.exp(-0.5 * zu**2 - _LOG_SQRT_2PI) + zu * ndtr(zu))
    # phi(z) + z Phi(z) = phi(z) * (1 - |z| erfcx(-z / sqrt 2) sqrt(pi / 2)).
    middle = ~upper & (z > -_INV_SQRT_EPS)
    zm = z[middle]
    x = np.log(erfcx(-zm / np.sqrt(2.0)) * -zm) + _LOG_SQRT_HALF_PI
    out[middle] = -0.5 * zm**2 - _LOG_SQRT_2PI + _log1mexp(x)
    # Far tail: phi(z) + z Phi(z) ~ phi(z) / z^2.
    lower = ~upper & ~middle
    zl = z[lower]
    out[lower] = -0.5 * zl**2 - _LOG_SQRT_2PI - 2.0 * np.log(-zl)
    return out


def _log1mexp(x):
    """``log(1 - exp(x))`` for ``x < 0``, accurate at both ends."""
    return np.where(
        x > -np.log(2.0),
        np.log(-np.expm1(np.minimum(x, -1e-300))),
        np.log1p(-np.exp(np.minimum(x, -np.log(2.0)))),
    )


def failures_as_worst(y):
    """Scores where failures (NaN, ``-inf``) count as the worst finite score.

    A model fitted to the other scores only would not learn that a region fails
    and would propose it again. While every finite score is the same
    (:func:`all_tied`), failures count below it (:func:`score_below`): equal to
    it, they would teach the model nothing. A score of ``+inf`` counts as the
    best finite one: it ranks first, as in ``cv_results_``, so its region is
    sought.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Scores, higher is better, with at least one finite.

    Returns
    -------
    ndarray of shape (n_samples,)
    """
    y = np.asarray(y, dtype=float)
    finite = np.isfinite(y)
    worst, best = y[finite].min(), y[finite].max()
    failed_as = score_below(worst) if all_tied(y[finite]) else worst
    return np.where(finite, y, np.where(y == np.inf, best, failed_as))


def failed_fits(y):
    """Where scores are a failed fit's (NaN) or ``-inf``: the scores
    :func:`failures_as_worst` counts as the worst."""
    y = np.asarray(y, dtype=float)
    return np.isnan(y) | (y == -np.inf)


def score_below(score):
    """A score below ``score`` by its magnitude (1 below 0): what failures count
    as next to one real score, 0 for an accuracy, twice a negative loss."""
    below = 2.0 * score if score < 0 else (0.0 if score > 0 else -1.0)
    return max(below, -np.finfo(float).max)


def repeated_fraction(scores):
    """Fraction of ``scores`` that repeat an earlier one (:func:`as_ties`); 0 when empty.

    Configurations that fit the same model (a tree's fractional parameters, a
    forest's leaf sizes) score exactly alike: the searches read many repeats as
    plateaus that a smooth model cannot see.

    Parameters
    ----------
    scores : sequence of float
        Scores of distinct configurations.

    Returns
    -------
    float
    """
    scores = as_ties(list(scores))
    return 1.0 - len(set(scores)) / len(scores) if len(scores) else 0.0


def round_significant(value):
    """``value`` rounded to 12 significant digits, as a float.

    Floats that differ only beyond are one value: scores (:func:`as_ties`), and
    configurations' parameter values (``_space``).
    """
    return float(f"{value:.{_SIGNIFICANT_DIGITS}g}")


def as_ties(scores):
    """Scores rounded to 12 significant digits, so that equal ones compare equal.

    The mean of the same fold scores can differ in its last bits with the
    order they are summed in (``0.1 + 0.2`` is not ``0.3``), from one
    configuration or one platform to another; the searches' plateau rules
    compare scores rounded. NaN and infinities are kept.

    Parameters
    ----------
    scores : array-like of shape (n,)

    Returns
    -------
    ndarray of shape (n,)
    """
    scores = np.asarray(scores, dtype=float).ravel().tolist()
    return np.array([round_significant(score) for score in scores])


def all_tied(scores):
    """Whether every one of ``scores`` is the same to 12 significant digits
    (:func:`as_ties`); True when there are none."""
    scores = np.asarray(scores, dtype=float).ravel()
    if scores.size == 0:
        return True
    low, high = scores.min(), scores.max()
    if low == high:
        return True
    # Rounding keeps the order: the extremes tell (NaN is never tied).
    rounded_low, rounded_high = as_ties([low, high])
    return rounded_low == rounded_high


def in_safe_units(y):
    """Finite scores, divided by the largest magnitude if it is beyond 1e150.

    Differences and squares of such scores (a standard deviation, a squared
    error) would overflow; in units of the largest score they cannot. Smaller
    scores are returned unchanged, as floats.
    """
    y = np.asarray(y, dtype=float)
    largest = np.max(np.abs(y), initial=0.0)
    return y / largest if largest > _LARGEST_SAFE_SCORE else y


def robust_scores(y):
    """Scores centred and scaled robustly, with the tail of bad scores compressed.

    Cross-validated scores are heavy-tailed on the bad side: one diverging model
    gives a log-loss many times the others. A Gaussian process fitted to the raw
    values spends its variance on those outliers and smooths away the differences
    between good configurations. Here scores are centred on their median, scaled
    by their interquartile range, and the ones below the median are compressed
    logarithmically (``-log1p(-z)``); the good side keeps its shape, so smooth
    objectives are modelled as before. The map is increasing.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Finite scores, higher is better.

    Returns
    -------
    ndarray of shape (n_samples,)
        The transformed scores, in the order of ``y``.
    """
    # The map is unchanged by a positive factor.
    y = in_safe_units(y)
    q1, median, q3 = np.percentile(y, [25, 50, 75])
    # 1.349 interquartile ranges make one standard deviation of a normal law.
    scale = (q3 - q1) / 1.349
    if scale <= 0:
        scale = float(np.std(y))
        if scale == 0:
            scale = 1.0
    z = (y - median) / scale
    return np.where(z < 0, -np.log1p(np.abs(z)), z)


def log_expected_improvement(mean, std, best):
    """Logarithm of the expected improvement over ``best`` (LogEI).

    Numerically stable everywhere: where plain EI underflows to 0 (``z`` far
    below 0) LogEI stays finite, very negative and monotone, so that the
    acquisition still ranks candidates (Ament et al., "Unexpected improvements
    to expected improvement for Bayesian optimization", NeurIPS 2023).

    Parameters
    ----------
    mean, std : array-like
        Posterior mean and standard deviation of the score.
    best : float
        The incumbent (largest score seen).

    Returns
    -------
    ndarray
        ``log E[max(f - best, 0)]``, in the log of the score's units.
    """
    std = np.maximum(np.asarray(std, dtype=float), _STD_FLOOR)
    z = (np.asarray(mean, dtype=float) - best) / std
    return _log_h(z) + np.log(std)


def log_probability_of_improvement(mean, std, best):
    """Logarithm of the probability that the score exceeds ``best``.

    Parameters
    ----------
    mean, std : array-like
        Posterior mean and standard deviation of the score.
    best : float
        The incumbent (largest score seen).

    Returns
    -------
    ndarray
        ``log P(f > best)``, finite also far in the tail.
    """
    std = np.maximum(np.asarray(std, dtype=float), _STD_FLOOR)
    return log_ndtr((np.asarray(mean, dtype=float) - best) / std)


def upper_confidence_bound(mean, std, kappa=_UCB_KAPPA):
    """Optimistic score ``mean + kappa * std``.

    Parameters
    ----------
    mean, std : array-like
        Posterior mean and standard deviation of the score.
    kappa : float, default=2.0
        Weight of exploration.

    Returns
    -------
    ndarray
        In the score's units.
    """
    return np.asarray(mean, dtype=float) + kappa * np.asarray(std, dtype=float)


def _acquisition(model, U, name, best, with_grad=False):
    """Acquisition values at ``U``, with gradients along the coordinates if asked."""
    if not with_grad:
        mean, std = model.predict(U)
        if name == "log_ei":
            return log_expected_improvement(mean, std, best)
        if name == "pi":
            return log_probability_of_improvement(mean, std, best)
        return upper_confidence_bound(mean, std)
    mean, std, mean_grad, std_grad = model.predict(U, return_grad=True)
    if name == "ucb":
        return upper_confidence_bound(mean, std), mean_grad + _UCB_KAPPA * std_grad
    std = np.maximum(std, _STD_FLOOR)
    z = (mean - best) / std
    z_grad = (mean_grad - z[:, None] * std_grad) / std[:, None]
    if name == "log_ei":
        log_h = _log_h(z)
        # d log h / dz = Phi(z) / h(z).
        slope = np.exp(log_ndtr(z) - log_h)
        return log_h + np.log(std), slope[:, None] * z_grad + std_grad / std[:, None]
    log_pi = log_ndtr(z)
    slope = np.exp(-0.5 * z**2 - _LOG_SQRT_2PI - log_pi)
    return log_pi, slope[:, None] * z_grad


def snap_to_levels(U, n_levels):
    """Move discrete coordinates to the centre of their bin.

    Parameters
    ----------
    U : array-like of shape (n, n_dims)
        Points in the unit cube.
    n_levels : array-like of int, shape (n_dims,)
        0 for a continuous coordinate, ``k`` for ``k`` levels.

    Returns
    -------
    ndarray of shape (n, n_dims)
        Continuous coordinates clipped to ``[0, 1]``, discrete ones at
        ``(min(floor(u * k), k - 1) + 0.5) / k``.
    """
    U = np.clip(np.asarray(U, dtype=float), 0.0, 1.0)
    k = np.asarray(n_levels)
    safe_k = np.maximum(k, 1)  # continuous coordinates (k = 0) stay as they are
    level = np.minimum(np.floor(U * safe_k), safe_k - 1)
    return np.where(k > 0, (level + 0.5) / safe_k, U)


def _is_taken(U, taken):
    """Whether each row of ``U`` equals (within 1e-9) some row of ``taken``.

    Rows are first matched on a projection (sorted once, searched in
    ``O(log n)``); only the few rows whose projections are close are compared
    coordinate by coordinate.
    """
    out = np.zeros(len(U), dtype=bool)
    if len(taken) == 0 or len(U) == 0:
        return out
    # Distinct, irrationally related weights (a Weyl sequence): different
    # configurations rarely share a projection, which only costs an extra check.
    weights = 1.0 + (np.arange(1, U.shape[1] + 1) * 0.6180339887498949) % 1.0
    window = _DUPLICATE_TOL * np.sum(weights)
    order = np.argsort(taken @ weights)
    projected = (taken @ weights)[order]
    u_projected = U @ weights
    low = np.searchsorted(projected, u_projected - window, side="left")
    high = np.searchsorted(projected, u_projected + window, side="right")
    for i in np.flatnonzero(high > low):
        near = taken[order[low[i] : high[i]]]
        out[i] = np.any(np.all(np.abs(near - U[i]) <= _DUPLICATE_TOL, axis=1))
    return out


def _as_generator(rng):
    """A Generator seeded by one draw from ``rng`` (Generator, RandomState, int)."""
    if isinstance(rng, np.random.RandomState):
        return np.random.default_rng(rng.randint(np.iinfo(np.int32).max))
    if isinstance(rng, np.random.Generator):
        return np.random.default_rng(rng.integers(np.iinfo(np.int64).max))
    return np.random.default_rng(rng)


@dataclasses.dataclass(frozen=True)
class BatchProposal:
    """What :func:`propose_batch` returns.

    Attributes
    ----------
    proposals : ndarray of shape (m, n_dims)
        New configurations in the unit cube, best first, ``m <= batch_size``.
    acquisition_values : ndarray of shape (m,)
        The acquisition of each proposal when it was chosen (later ones under
        the posterior that believes the earlier ones). LogEI and UCB are in
        (the log of) the original score units, so values from models of
        different sub-spaces that share ``best`` can be compared.
    gp : GaussianProcess
        The model fitted on ``(X, y)``: ``gp.lengthscales_`` measures relevance,
        and passing it back as ``gp_state`` warm-starts the next fit.
    """

    proposals: np.ndarray
    acquisition_values: np.ndarray
    gp: GaussianProcess


class _Maximiser:
    """Maximises an acquisition over the valid points of one mixed space."""

    def __init__(self, n_levels, is_categorical, name, n_restarts, gen):
        self.n_levels = n_levels
        self.is_categorical = is_categorical
        self.name = name
        self.n_restarts = n_restarts
        self.gen = gen
        self.continuous = n_levels == 0
        self.discrete = ~self.continuous

    def initial_pool(self, X, y, n_sweep):
        """Snapped, distinct candidates; the whole space when it is small.

        Returns the pool and whether it enumerates the whole space.
        """
        d = len(self.n_levels)
        if self.discrete.all() and np.prod(self.n_levels.astype(float)) <= n_sweep:
            levels = np.meshgrid(*[np.arange(k) for k in self.n_levels], indexing="ij")
            grid = np.column_stack([g.ravel() for g in levels])
            return (grid + 0.5) / self.n_levels, True
        sobol = qmc.Sobol(d, scramble=True, seed=self.gen)
        sweep = sobol.random_base2(int(np.ceil(np.log2(n_sweep))))
        pool = np.vstack([sweep, self._around_incumbents(X, y, len(sweep) // 4)])
        return np.unique(snap_to_levels(pool, self.n_levels), axis=0), False

    def _around_incumbents(self, X, y, n):
        """Perturbations of the best observations, on a few coordinates each.

        Maxima of the acquisition are often near the incumbents and a sweep is
        too coarse to hit them in several dimensions.
        """
        d = len(self.n_levels)
        top = X[np.argsort(-y, kind="stable")[:_N_INCUMBENTS]]
        base = top[np.arange(n) % len(top)]
        low, high = np.log(_LOCAL_SCALES)
        scale = np.exp(self.gen.uniform(low, high, size=(n, 1)))
        moved = self.gen.random((n, d)) < min(1.0, 2.0 / d)
        moved[np.arange(n), self.gen.integers(d, size=n)] = True
        U = np.where(moved, base + scale * self.gen.standard_normal((n, d)), base)
        resampled = moved & self.is_categorical
        U[resampled] = self.gen.random(np.count_nonzero(resampled))
        return U

    def random_pool(self, n):
        return np.unique(
            snap_to_levels(self.gen.random((n, len(self.n_levels))), self.n_levels),
            axis=0,
        )

    def best_untaken(self, model, pool, exhaustive, taken, best):
        """The best valid point not in ``taken``, its value and new pool points.

        Returns ``(None, None, ...)`` when every candidate is taken.
        """
        values = _acquisition(model, pool, self.name, best)
        free = ~_is_taken(pool, taken)
        if not free.any():
            return None, None, pool[:0]
        candidates, values = pool[free], values[free]
        if exhaustive:
            index = np.argmax(values)
            return candidates[index], values[index], pool[:0]
        starts = np.argsort(-values, kind="stable")[: self.n_restarts]
        refined, refined_values = self._refine(
            model, candidates[starts], values[starts], taken, best
        )
        candidates = np.vstack([candidates, refined])
        values = np.concatenate([values, refined_values])
        index = np.argmax(values)
        return candidates[index], values[index], refined

    def _refine(self, model, points, values, taken, best):
        for _ in range(_MAX_ALTERNATIONS):
            if self.continuous.any():
                points, values = self._refine_continuous(
                    model, points, values, taken, best
                )
            if not self.discrete.any():
                break
            points, values, moved = self._move_discrete(
                model, points, values, taken, best
            )
            if not moved.any():
                break
        return points, values

    def _refine_continuous(self, model, points, values, taken, best):
        """L-BFGS-B on the continuous coordinates of all points at once.

        The points do not interact, so one problem on their sum is solved with
        a single vectorised model call per iteration.
        """
        m, cols = len(points), np.flatnonzero(self.continuous)

        def negative_total(flat):
            U = points.copy()
            U[:, cols] = flat.reshape(m, len(cols))
            acq, grad = _acquisition(model, U, self.name, best, with_grad=True)
            return -acq.sum(), -grad[:, cols].ravel()

        result = minimize(
            negative_total,
            points[:, cols].ravel(),
            jac=True,
            method="L-BFGS-B",
            bounds=Bounds(np.zeros(m * len(cols)), np.ones(m * len(cols))),
            options={"maxiter": _LBFGS_MAXITER},
        )
        new = points.copy()
        new[:, cols] = np.clip(result.x.reshape(m, len(cols)), 0.0, 1.0)
        new_values = _acquisition(model, new, self.name, best)
        better = (new_values > values) & ~_is_taken(new, taken)
        points = np.where(better[:, None], new, points)
        return points, np.where(better, new_values, values)

    def _neighbours(self, point):
        """One level up or down on ordinal coordinates, any other category."""
        rows = []
        for j in np.flatnonzero(self.discrete):
            k = self.n_levels[j]
            level = min(int(point[j] * k), k - 1)
            if self.is_categorical[j]:
                others = [i for i in range(k) if i != level]
                if len(others) > _MAX_CATEGORY_MOVES:
                    others = self.gen.choice(others, _MAX_CATEGORY_MOVES, replace=False)
            else:
                others = [i for i in (level - 1, level + 1) if 0 <= i < k]
            for i in others:
                row = point.copy()
                row[j] = (i + 0.5) / k
                rows.append(row)
        return rows

    def _move_discrete(self, model, points, values, taken, best):
        """Move each point to its best untaken neighbour if that one is better."""
        neighbours = [self._neighbours(p) for p in points]
        counts = [len(n) for n in neighbours]
        moved = np.zeros(len(points), dtype=bool)
        if sum(counts) == 0:
            return points, values, moved
        flat = np.array([row for rows in neighbours for row in rows])
        flat_values = _acquisition(model, flat, self.name, best)
        flat_values[_is_taken(flat, taken)] = -np.inf
        points, values = points.copy(), values.copy()
        start = 0
        for i, count in enumerate(counts):
            if count:
                j = start + np.argmax(flat_values[start : start + count])
                if flat_values[j] > values[i]:
                    points[i], values[i], moved[i] = flat[j], flat_values[j], True
            start += count
        return points, values, moved


def model_subset(y, failed=None, max_points=_MAX_MODEL_POINTS):
    """Indices, in order, of the observations a Gaussian process is fitted on.

    All of them up to ``max_points``. Beyond, the ``max_points // 2`` best
    (ties to the earliest), around which the search refines; failed fits,
    up to a quarter of ``max_points`` (evenly spread over their order when
    there are more), since they alone tell the model where fits fail and
    thinned out it would send the search back there; and the others evenly
    spaced in rank among the rest, so that the model still sees every level of
    the scores across the space.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Scores, higher is better (failures as stand-in scores).
    failed : array-like of bool, shape (n_samples,), default=None
        Which of them are failed fits' stand-ins.
    max_points : int, default=256

    Returns
    -------
    ndarray of int, sorted
    """
    y = np.asarray(y, dtype=float)
    n = len(y)
    if n <= max_points:
        return np.arange(n)
    order = np.argsort(-y, kind="stable")
    n_best = max_points // 2
    best = order[:n_best]
    failed = np.zeros(n, dtype=bool) if failed is None else np.array(failed, dtype=bool)
    failed[best] = False  # a copy: among the best already
    kept = _evenly_spaced(np.flatnonzero(failed), max_points // 4)
    rest = order[n_best:][~failed[order[n_best:]]]
    spread = _evenly_spaced(rest, max_points - n_best - len(kept))
    return np.sort(np.concatenate([best, kept, spread]))


def _evenly_spaced(items, k):
    """``k`` of ``items`` evenly spaced from first to last (all if no more)."""
    if len(items) <= k:
        return items
    # Integer arithmetic: strictly increasing positions, first and last included.
    return items[np.arange(k) * (len(items) - 1) // max(k - 1, 1)]


def fit_gaussian_process(
    X, y, n_levels, is_categorical, gp_state=None, rng=None, reoptimize_growth=0.0,
    failed=None,
):
    """A :class:`GaussianProcess` fitted on ``(X, y)``, warm-started if possible.

    Beyond 256 observations it is fitted on 256 of them (:func:`model_subset`).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_dims)
        Inputs in the unit cube.
    y : ndarray of shape (n_samples,)
        Finite outputs.
    n_levels, is_categorical : ndarray of shape (n_dims,)
        The encoding of the dimensions, see :class:`GaussianProcess`.
    gp_state : GaussianProcess, default=None
        An earlier fit: when it has the same dimensions, its hyperparameters
        start the fit, which then skips restarts.
    rng : numpy.random.Generator or int, default=None
        Source of randomness for the restarts.
    reoptimize_growth : float, default=0.0
        With a warm start, the hyperparameters of ``gp_state`` are kept as they
        are (only the posterior takes the new data) until the number of samples
        exceeds the number they were optimised on by this fraction; 0 optimises
        them on every call.
    failed : array-like of bool, shape (n_samples,), default=None
        Which rows are failed fits' stand-in scores (:func:`model_subset`).

    Returns
    -------
    GaussianProcess
        ``n_optimized_`` is the number of samples (all of ``X``, modelled
        or not) when its hyperparameters were last optimised.
    """
    # The growth rule counts every observation, modelled or not.
    n_observed = len(X)
    rows = model_subset(y, failed)
    X, y = np.asarray(X, dtype=float)[rows], np.asarray(y, dtype=float)[rows]
    gp = GaussianProcess(n_levels, is_categorical)
    warm = None
    if (
        isinstance(gp_state, GaussianProcess)
        and np.array_equal(gp_state.n_levels, n_levels)
        and np.array_equal(gp_state.is_categorical, is_categorical)
    ):
        warm = gp_state.hyperparameters_
    n_optimized = getattr(gp_state, "n_optimized_", 0)
    if warm is not None and n_observed < n_optimized * (1.0 + reoptimize_growth):
        gp.fit(X, y, hyperparameters=warm, optimize=False)
        gp.n_optimized_ = n_optimized
        return gp
    # A warm start is already near the optimum; a cold fit gets one restart.
    gp.fit(X, y, hyperparameters=warm, n_restarts=int(warm is None), rng=rng)
    gp.n_optimized_ = n_observed
    return gp


def propose_batch(
    X,
    y,
    n_levels,
    is_categorical,
    batch_size,
    rng,
    *,
    acquisition="log_ei",
    X_pending=None,
    best=None,
    gp_state=None,
    n_sweep=512,
    n_restarts=5,
    reoptimize_growth=0.0,
    failed=None,
):
    """Propose up to ``batch_size`` new configurations by Bayesian optimisation.

    Fits a Gaussian process on ``(X, y)`` (beyond 256 rows, on 256 of them:
    :func:`model_subset`) and maximises the acquisition over valid
    configurations (discrete coordinates at bin centres); further points
    of the batch are chosen after adding the earlier ones to the posterior at
    their predicted mean (kriging believer). No proposal repeats a row of
    ``X``, of ``X_pending`` or another proposal.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_dims)
        Evaluated configurations in the unit cube.
    y : array-like of shape (n_samples,)
        Their finite scores (higher is better).
    n_levels : array-like of int, shape (n_dims,)
        0 for a continuous coordinate, ``k`` for ``k`` levels at bin centres.
    is_categorical : array-like of bool, shape (n_dims,)
        Whether a discrete coordinate is unordered.
    batch_size : int
        Number of configurations wanted.
    rng : numpy.random.Generator, numpy.random.RandomState, int or None
        Source of randomness; a Generator or RandomState is advanced by exactly
        one draw, so that the result is deterministic given its state.
    acquisition : {"log_ei", "ucb", "pi"}, default="log_ei"
        Log expected improvement, upper confidence bound (``mean + 2 std``) or
        log probability of improvement.
    X_pending : array-like of shape (n_pending, n_dims), default=None
        Configurations under evaluation or otherwise excluded: believed at
        their predicted mean and never proposed.
    best : float, default=None
        Incumbent for ``"log_ei"`` and ``"pi"``; ``None`` means ``max(y)``.
    gp_state : GaussianProcess, default=None
        The ``gp`` of an earlier result for the same dimensions: its
        hyperparameters warm-start the fit, which then skips restarts.
    n_sweep : int, default=512
        Size of the Sobol sweep (rounded up to a power of two); a fully discrete
        space with at most this many configurations is enumerated instead.
    n_restarts : int, default=5
        Best sweep points refined by local optimisation, per proposal.
    reoptimize_growth : float, default=0.0
        Passed to :func:`fit_gaussian_process`: with ``gp_state``, its
        hyperparameters are kept until the data has grown by this fraction.
    failed : array-like of bool, shape (n_samples,), default=None
        Which rows of ``y`` are failed fits' stand-in scores: beyond 256 rows
        the model keeps them first (:func:`model_subset`).

    Returns
    -------
    BatchProposal
        ``proposals`` of shape (m, n_dims) with ``m <= batch_size`` (fewer when
        a discrete space runs out of new configurations), their
        ``acquisition_values`` and the fitted ``gp``.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n_levels = np.asarray(n_levels, dtype=int)
    is_categorical = np.asarray(is_categorical, dtype=bool)
    if acquisition not in ACQUISITIONS:
        raise ValueError(
            f"acquisition must be one of {ACQUISITIONS}, got {acquisition!r}."
        )
    if int(batch_size) < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}.")
    gen = _as_generator(rng)

    gp = fit_gaussian_process(
        X, y, n_levels, is_categorical, gp_state, gen, reoptimize_growth, failed
    )

    best = float(np.max(y)) if best is None else float(best)
    taken = snap_to_levels(X, n_levels)
    model = gp
    if X_pending is not None and len(X_pending):
        pending = snap_to_levels(np.atleast_2d(X_pending), n_levels)
        model = model.condition_on(pending, model.predict(pending)[0])
        taken = np.vstack([taken, pending])

    maximiser = _Maximiser(n_levels, is_categorical, acquisition, n_restarts, gen)
    pool, exhaustive = maximiser.initial_pool(X, y, n_sweep)
    proposals, values = [], []
    while len(proposals) < batch_size:
        point, value, refined = maximiser.best_untaken(
            model, pool, exhaustive, taken, best
        )
        if point is None and not exhaustive:
            # Every pooled candidate was taken: one fresh random draw, then give up.
            pool = maximiser.random_pool(len(pool))
            point, value, refined = maximiser.best_untaken(
                model, pool, exhaustive, taken, best
            )
        if point is None:
            break
        proposals.append(point)
        values.append(value)
        taken = np.vstack([taken, point])
        pool = np.vstack([pool, refined])
        if len(proposals) < batch_size:
            believed = model.predict(point[None])[0]
            model = model.condition_on(point[None], believed)
            best = max(best, float(believed[0]))
    return BatchProposal(
        proposals=np.array(proposals).reshape(-1, len(n_levels)),
        acquisition_values=np.array(values, dtype=float),
        gp=gp,
    )
