"""BayesSearchCV: Gaussian-process Bayesian optimisation over the unit cube."""

import numbers

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from ._acquisition import (
    ACQUISITIONS,
    all_tied,
    as_ties,
    failed_fits,
    propose_batch,
    repeated_fraction,
    robust_scores,
    score_below,
)
from ._base import AskTellSearchCV, Batch, single_threaded_blas, warn_out_of_new_configurations
from ._space import n_values

# Enough configurations per batch that a batch holds this many fits: a typical
# workstation's worth of workers stays busy, yet the batch never depends on n_jobs,
# so a seed gives the same results whatever the parallelism.
_FITS_PER_BATCH = 8

# LogEI keeps refining a local optimum once the model is confident about it; after
# this many evaluations without a new best (at least one per dimension), batches use
# the optimistic UCB instead until the best improves again.
_MIN_PATIENCE = 5

# Improvement LogEI asks for beyond the best score, in standard deviations of the
# (warped) scores, per unit of the fraction of scores that repeat an earlier one.
_PLATEAU_MARGIN = 2.0

# Below this many observations the Gaussian process's hyperparameters are fitted
# anew for every batch (a few milliseconds). Beyond it a fit costs tens of
# milliseconds and hardly moves, so the hyperparameters are kept (only the
# posterior takes the new scores) until the data has grown by this fraction.
_REFIT_EVERY_BATCH_BELOW = 200
_REFIT_GROWTH = 0.1

# A configuration handed over by a plateau repeat is one of this many best
# configurations moved on a few coordinates by a Gaussian step of this standard
# deviation (in the unit cube): off the plateau, still where the scores are good.
_N_PLATEAU_BASES = 5
_PLATEAU_STEP = 0.25

# Points a sub-space of a list of dicts gets before the model ranks it with the
# others: a Gaussian process needs two scores to say anything about it.
_MIN_SUBSPACE_POINTS = 2


class BayesStrategy:
    """Space-filling start, then batches proposed by one GP per sub-space.

    Parameters
    ----------
    space : Space
        The parsed search space.
    rng : RandomState
        Source of randomness.
    n_iter : int
        Evaluations to spend.
    n_initial_points : int
        Size of the space-filling design evaluated before any model is used.
    batch_size : int
        Proposals per model-based batch.
    acquisition : str
        Acquisition function name, see :func:`propose_batch`; ``"log_ei"``
        falls back to ``"ucb"`` after ``patience`` evaluations without a new best.
    """

    def __init__(self, space, rng, n_iter, n_initial_points, batch_size, acquisition):
        self.space = space
        self.rng = rng
        self.n_iter = n_iter
        self.n_initial_points = n_initial_points
        self.batch_size = batch_size
        self.acquisition = acquisition
        self.observed = [[] for _ in space.subspaces]  # (unit, score) per sub-space
        # Per sub-space, whether each observation's score stands in for a failed fit.
        self.failed = [[] for _ in space.subspaces]
        self.seen = set()
        self.n_told = 0
        # Scores of the fits that did not fail, for the plateau margin.
        self.real_scores = []
        # Every finite score told, failures' stand-ins included, as_ties.
        self.ties = set()
        self.models = [None] * len(space.subspaces)
        self.patience = max(_MIN_PATIENCE, max(sub.n_dims for sub in space.subspaces))
        self.best_score = -np.inf
        self.n_since_improvement = 0
        # Keys of the last batch's model proposals, and how many of them scored
        # what an earlier configuration scored (as_ties).
        self.modelled = set()
        self.n_repeated = 0
        # Whether the search ended for want of configurations it had not seen.
        self.exhausted = False

    def ask(self):
        remaining = self.n_iter - self.n_told
        if remaining <= 0:
            return None
        if self.n_told == 0:
            return Batch(self.space.initial_design(min(self.n_initial_points, remaining), self.rng))
        n = min(self.batch_size, remaining)
        if self._all_scores_equal():
            # Chance level wherever the search has looked: a model learns nothing
            # from that, and its uncertainty, largest far from the data, would
            # send the batch to the corners of the space. Draw as random search
            # does until a score differs.
            drawn = self._random_unseen(n, [])
            points = [] if drawn else self._propose(n)
        else:
            # A modelled configuration that scored what another did (as_ties) most
            # likely fitted the same model: the Gaussian process, smooth by design,
            # is refining a plateau (a tree's fractional parameters, a coarse
            # accuracy) it cannot see. Each such repeat hands one configuration of
            # the next batch to a random step away from one of the best ones.
            n_stepped = min(self.n_repeated, n)
            points = self._propose(n - n_stepped) if n > n_stepped else []
            drawn = self._steps_from_the_best(n - len(points), points)
            if n_stepped == n and not drawn:
                # Steps and random draws found nothing unseen in a nearly exhausted
                # space; the model's pool, which enumerates a small discrete space,
                # still can.
                points = self._propose(n)
        self.modelled = {self.space.key(point) for point in points}
        points += drawn
        if not points:
            self.exhausted = True  # before n_iter: the search says so
            return None
        return Batch(points)

    def tell(self, batch, scores):
        earlier = {s for obs in self.observed for _, s in obs if np.isfinite(s)}
        # A failed fit (NaN) or a score of -inf counts as the worst score seen
        # so far, so the model steers away from it, and +inf as the best (it
        # ranks first in cv_results_), as failures_as_worst has them; neither is
        # a real score, so neither counts among the repeats.
        worst = min(earlier, default=np.inf)
        scores = np.asarray(scores, dtype=float)
        real = np.isfinite(scores)
        failed = failed_fits(scores)
        seen = earlier.union(scores[real])
        scores = np.where(
            real, scores,
            np.where(scores == np.inf, max(seen, default=np.nan), self._failure_score(seen, scores[real])),
        )
        self.n_repeated = 0
        # Repeats are scores equal to 12 significant digits (as_ties).
        (worst_tie,) = as_ties([worst])
        for point, score, tie, is_real, is_failed in zip(
            batch.points, scores, as_ties(scores), real, failed
        ):
            key = self.space.key(point)
            if key in self.seen:
                continue
            if is_real and key in self.modelled and tie in self.ties and tie > worst_tie:
                self.n_repeated += 1
            if np.isfinite(score):
                self.ties.add(tie)
            self.seen.add(key)
            self.observed[point[0]].append((point[1], score))
            self.failed[point[0]].append(bool(is_failed))
            if is_real:
                self.real_scores.append(score)
            self.n_told += 1
            if tie > self.best_score:  # a gain in the last bits is none
                self.best_score, self.n_since_improvement = tie, 0
            else:
                self.n_since_improvement += 1

    def _failure_score(self, seen, new_real_scores):
        """What a failed fit counts as: the worst score in ``seen``, or NaN if empty.

        While a single real score is known, failures counted as it would leave
        the model nothing to learn (every score equal: random draws) where they
        tell it where fits fail, so they count below it instead
        (:func:`~skhptune._acquisition.score_below`).
        """
        real_scores = [*self.real_scores, *new_real_scores]
        if not real_scores or not all_tied(real_scores):
            return min(seen, default=np.nan)
        return score_below(min(real_scores))

    def _all_scores_equal(self):
        """Whether at least two configurations have a finite score, all the same
        (failures count as the worst score seen, below a lone real score: see
        :meth:`tell`)."""
        scores = [s for obs in self.observed for _, s in obs if np.isfinite(s)]
        return len(scores) >= 2 and all_tied(scores)

    def current_acquisition(self):
        """The acquisition of the next batch: UCB while LogEI has stalled."""
        if self.acquisition == "log_ei" and self.n_since_improvement >= self.patience:
            return "ucb"
        return self.acquisition

    def _propose(self, n):
        """Up to ``n`` unseen points with the best acquisition over all sub-spaces."""
        warped = self._warped_scores()
        acquisition = self.current_acquisition()
        best = max(max(w, default=-np.inf) for w in warped)
        if not np.isfinite(best):
            best = None
        elif acquisition == "log_ei":
            best += self._plateau_margin(warped)
        candidates = []
        for index, sub in enumerate(self.space.subspaces):
            if sub.size is not None and self._n_seen(index) >= sub.size:
                continue
            with single_threaded_blas():
                units, values = self._model_proposals(
                    index, n, warped[index], best, acquisition
                )
            candidates.extend(
                (value, index, unit) for unit, value in zip(units, values)
            )
        candidates.sort(key=lambda c: -c[0])
        points = []
        for _, index, unit in candidates:
            key = self.space.key((index, unit))
            if key not in self.seen and key not in {self.space.key(p) for p in points}:
                points.append((index, unit))
            if len(points) == n:
                break
        return points

    def _plateau_margin(self, warped):
        """How much better than the best score LogEI asks a proposal to be.

        Where many configurations score the same (a tree's fractional
        parameters often leave the fitted tree unchanged), expected improvement
        over the best itself favours the incumbent's neighbours, on the same
        plateau. The margin grows with the fraction of repeated scores, so a
        smooth objective keeps none, and shrinks linearly with the evaluations
        spent after the initial design, to none at ``n_iter``, so that the last
        ones refine. Failed fits, modelled as the worst score, are not repeats.
        """
        if not self.real_scores:
            return 0.0
        repeated = repeated_fraction(self.real_scores)
        span = max(self.n_iter - self.n_initial_points, 1)
        progress = min(max((self.n_told - self.n_initial_points) / span, 0.0), 1.0)
        spread = float(np.std(np.concatenate(warped)))
        return _PLATEAU_MARGIN * repeated * (1.0 - progress) * spread

    def _n_seen(self, index):
        return len(self.observed[index])

    def _warped_scores(self):
        """Per sub-space, its finite scores through :func:`robust_scores` of all
        finite scores, so that the sub-spaces share one scale and incumbent."""
        finite = [[s for _, s in obs if np.isfinite(s)] for obs in self.observed]
        flat = np.concatenate([np.asarray(f, dtype=float) for f in finite])
        if not len(flat):
            return [np.empty(0) for _ in finite]
        bounds = np.cumsum([0] + [len(f) for f in finite])
        warped = robust_scores(flat)
        return [warped[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:])]

    def _model_proposals(self, index, n, y, best, acquisition):
        sub = self.space.subspaces[index]
        finite = [u for u, s in self.observed[index] if np.isfinite(s)]
        if sub.n_dims == 0 or len(finite) < _MIN_SUBSPACE_POINTS:
            # Too little to model: a random point. A sub-space the initial design
            # (shared among sub-spaces) gave fewer than two points goes first, so
            # that none is judged on one point or never tried; one whose points
            # failed ranks below any modelled one.
            value = np.inf if len(self.observed[index]) < _MIN_SUBSPACE_POINTS else -np.inf
            return [self._unseen_unit(index)], [value]
        X = np.array(finite)
        failed = [f for (_, s), f in zip(self.observed[index], self.failed[index]) if np.isfinite(s)]
        # Configurations that failed with no finite score anywhere stay excluded.
        pending = np.array([u for u, s in self.observed[index] if not np.isfinite(s)])
        result = propose_batch(
            X,
            y,
            sub.n_levels,
            sub.is_categorical,
            n,
            self.rng,
            acquisition=acquisition,
            X_pending=pending if len(pending) else None,
            best=best,
            gp_state=self.models[index],
            reoptimize_growth=_REFIT_GROWTH if len(X) >= _REFIT_EVERY_BATCH_BELOW else 0.0,
            failed=failed,
        )
        self.models[index] = result.gp
        return result.proposals, result.acquisition_values

    def _unseen_unit(self, index):
        """A random unit vector of sub-space ``index``, unseen if one is found."""
        sub = self.space.subspaces[index]
        for _ in range(100):
            unit = sub.sample(1, self.rng)[0]
            if self.space.key((index, unit)) not in self.seen:
                break
        return unit

    def _steps_from_the_best(self, n, taken):
        """``n`` unseen points, each a best configuration moved on a few coordinates.

        Each coordinate is picked with probability ``2 / n_dims`` (at least one
        is); a numeric one takes a Gaussian step of ``_PLATEAU_STEP`` (clipped
        to the cube), a categorical one a random level. Ties among the best
        scores go to the earliest configurations. Uniform random draws make up
        any shortfall.
        """
        if n <= 0:
            return []
        scored = [
            (score, index, unit) for index, obs in enumerate(self.observed)
            if self.space.subspaces[index].n_dims
            for unit, score in obs if np.isfinite(score)
        ]
        # A stable sort: equal scores (as_ties) keep their order, earliest first.
        order = np.argsort(-as_ties([score for score, _, _ in scored]), kind="stable")
        ranked = [scored[i] for i in order[:_N_PLATEAU_BASES]]
        if not ranked:
            return self._random_unseen(n, taken)

        def step():
            _, index, base = ranked[self.rng.randint(len(ranked))]
            sub = self.space.subspaces[index]
            moved = self.rng.uniform(size=sub.n_dims) < min(1.0, 2.0 / sub.n_dims)
            moved[self.rng.randint(sub.n_dims)] = True
            shifted = base + _PLATEAU_STEP * self.rng.standard_normal(sub.n_dims)
            unit = np.where(moved, shifted, base)
            redrawn = moved & sub.is_categorical
            unit[redrawn] = self.rng.uniform(size=np.count_nonzero(redrawn))
            return index, sub.snap(unit)

        points = self._unseen(n, taken, step)
        return points + self._random_unseen(n - len(points), list(taken) + points)

    def _random_unseen(self, n, taken):
        return self._unseen(n, taken, lambda: self.space.random_point(self.rng))

    def _unseen(self, n, taken, draw):
        """Up to ``n`` points from ``draw()`` not seen, not in ``taken``, distinct;
        at most ``100 * n`` draws."""
        points, keys = [], {self.space.key(p) for p in taken} | self.seen
        for _ in range(100 * n):
            if len(points) == n:
                break
            point = draw()
            if self.space.key(point) not in keys:
                keys.add(self.space.key(point))
                points.append(point)
        return points


class BayesSearchCV(AskTellSearchCV):
    """Bayesian optimisation of hyperparameters with cross-validation.

    A drop-in replacement for :class:`~sklearn.model_selection.RandomizedSearchCV`:
    after a space-filling start, a Gaussian process models the cross-validated
    score as a function of the parameters and each next batch goes where the
    expected improvement over the best score so far is largest. It usually finds
    better parameters than random search for the same number of evaluations, and
    spends milliseconds of its own per proposal.

    Parameters
    ----------
    estimator : estimator object
        The object to tune; it must implement ``fit`` and be scored by ``scoring``
        or its own ``score`` method.

    param_distributions : dict or list of dicts, default=None
        Parameter names (``step__param`` in a pipeline) mapped to the values to
        search: :class:`~skhptune.space.Real`, :class:`~skhptune.space.Integer`,
        :class:`~skhptune.space.Categorical`, a list (numbers are searched as
        ordered values, anything else as categories), a frozen ``scipy.stats``
        distribution or any object with ``rvs`` (as in
        :class:`~sklearn.model_selection.RandomizedSearchCV`; searched through
        the empirical distribution of 1000 draws). A list of dicts gives
        conditional sub-spaces, one Gaussian process each.

    n_iter : int, default=50
        Number of configurations evaluated. When the space is finite and no
        larger than ``n_iter``, every configuration is evaluated once, in
        :class:`~sklearn.model_selection.GridSearchCV` order.

    n_initial_points : int, default=None
        Configurations of the space-filling design (Sobol; for a space made only
        of lists, draws from its grid without replacement) evaluated before the
        model is used. ``None`` means ``min(max(5, 2 * n_dims), 10)``.

    batch_size : int, default=None
        Configurations proposed per model-based round and evaluated in one
        parallel call. ``None`` means enough configurations for 8 fits
        (``ceil(8 / n_splits)``); it does not depend on ``n_jobs`` so that a
        seed gives the same results with any parallelism.

    acquisition : {"log_ei", "ucb", "pi"}, default="log_ei"
        Acquisition function: log expected improvement, upper confidence bound
        or log probability of improvement. With ``"log_ei"``, once
        ``max(5, n_dims)`` evaluations in a row have not improved the best score,
        batches use the upper confidence bound until one does: expected
        improvement alone keeps refining a local optimum the model is sure of.

    scoring : str, callable, list, tuple or dict, default=None
        Strategy to evaluate the cross-validated model, as in
        :class:`~sklearn.model_selection.GridSearchCV`. With several metrics the
        search optimises the ``refit`` metric (the first one if ``refit`` is not
        a metric name).

    n_jobs : int, default=None
        Number of jobs to run in parallel; ``-1`` means all processors.

    refit : bool, str or callable, default=True
        Refit the best estimator on the whole dataset, as in ``GridSearchCV``.

    cv : int, cross-validation generator or iterable, default=None
        Cross-validation splitting strategy (5-fold by default).

    verbose : int, default=0
        ``1`` prints one line per batch, after scikit-learn's own "Fitting ..."
        line; higher values also make the fits verbose.

    pre_dispatch : int or str, default="2*n_jobs"
        Controls the number of jobs dispatched during parallel execution.

    random_state : int, RandomState instance or None, default=None
        Seed of the design and the acquisition optimisation. An int gives the
        same ``cv_results_`` on every run, for any ``n_jobs``.

    error_score : "raise" or numeric, default=np.nan
        Score of a failed fit in ``cv_results_``; ``"raise"`` raises the error.
        Whatever its value, failed configurations count as the worst score seen
        for the model, so it steers away from them (below the score of the only
        configuration that fitted, if just one has).

    return_train_score : bool, default=False
        Whether ``cv_results_`` includes training scores.

    max_time : float, default=None
        Seconds after which no new batch starts; finished results stand.
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
        One row per evaluated configuration, as in ``GridSearchCV``.
    best_estimator_ : estimator
        Estimator refitted with the best parameters (if ``refit``).
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
        Seconds spent refitting the best model; only with ``refit``.
    multimetric_ : bool
        Whether several metrics were evaluated.
    history_ : dict of ndarrays
        Per evaluation (row of ``cv_results_``): ``"score"``, ``"best_score"``
        (best so far) and ``"elapsed_time"`` (seconds since the search started).
    parameter_importances_ : dict
        Relevance of each parameter of the sub-space with the most evaluations
        (the only one without a list of dicts), from the inverse lengthscales of
        its last Gaussian process, fitted before the last batch (summing to 1);
        0 for a parameter with one value; empty when no model was fitted or
        every score was the same.
    classes_ : ndarray of shape (n_classes,)
        Class labels; only for a refitted classifier.

    n_features_in_ : int
        Number of features seen during ``fit``; only with ``refit``.

    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names seen during ``fit``, when they are all strings; only with
        ``refit``.

    See Also
    --------
    HyperbandSearchCV : Spends more resource on promising configurations.
    GeneticSearchCV : Evolutionary search.
    sklearn.model_selection.RandomizedSearchCV : Random search.

    Notes
    -----
    Each batch is one ``evaluate_candidates`` call, so ``batch_size * n_splits``
    fits run in parallel. A configuration is never evaluated twice. Inputs of the
    Gaussian process are the parameters mapped to ``[0, 1]`` (log scale for log
    priors, bins for integers and choices); its Matern 5/2 kernel has one
    lengthscale per parameter, fitted by maximum a posteriori for every batch
    up to 200 observations (of its sub-space), then whenever the data has grown
    by a tenth.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.svm import SVC
    >>> from skhptune import BayesSearchCV
    >>> from skhptune.space import Real
    >>> X, y = load_iris(return_X_y=True)
    >>> search = BayesSearchCV(
    ...     SVC(), {"C": Real(1e-2, 1e3, prior="log-uniform"), "kernel": ["rbf", "linear"]},
    ...     n_iter=12, random_state=0,
    ... ).fit(X, y)
    >>> len(search.cv_results_["params"])
    12
    >>> bool(search.best_score_ > 0.95)
    True
    """

    # None picks them; True would silently mean 1. (n_iter=True stays accepted,
    # as RandomizedSearchCV accepts it.)
    _counts = {
        "n_initial_points": "random configurations to start with, or None",
        "batch_size": "configurations per batch, or None",
    }

    _parameter_constraints: dict = {
        **AskTellSearchCV._parameter_constraints,
        "n_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_initial_points": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "acquisition": [StrOptions(set(ACQUISITIONS))],
    }

    def __init__(
        self,
        estimator,
        param_distributions=None,
        *,
        n_iter=50,
        n_initial_points=None,
        batch_size=None,
        acquisition="log_ei",
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
        self.n_iter = n_iter
        self.n_initial_points = n_initial_points
        self.batch_size = batch_size
        self.acquisition = acquisition
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

    def _evaluation_budget(self):
        return self.n_iter

    def _budget_description(self):
        # RandomizedSearchCV's words, for filters written for its warnings.
        return f"n_iter={self.n_iter}"

    def _make_strategy(self, space, rng):
        n_dims = max(sub.n_dims for sub in space.subspaces)
        n_initial = self.n_initial_points or min(max(5, 2 * n_dims), 10)
        batch_size = self.batch_size or -(-_FITS_PER_BATCH // (self._n_splits() or _FITS_PER_BATCH))
        return BayesStrategy(space, rng, self.n_iter, n_initial, batch_size, self.acquisition)

    def _store_strategy_results(self, strategy, space):
        self.parameter_importances_ = {}
        if strategy is None:
            return
        if strategy.exhausted:
            warn_out_of_new_configurations(
                self, strategy.n_told, self._budget_description(), "its model"
            )
        largest = max(range(len(strategy.models)), key=lambda i: len(strategy.observed[i]))
        model = strategy.models[largest]
        scores = [score for _, score in strategy.observed[largest] if np.isfinite(score)]
        # Scores that never varied say nothing about any parameter.
        if model is not None and not all_tied(scores):
            subspace = strategy.space.subspaces[largest]
            relevance = 1.0 / np.asarray(model.lengthscales_, dtype=float)
            # A one-value parameter cannot explain anything, whatever its lengthscale.
            relevance[[n_values(d) == 1 for d in subspace.dimensions]] = 0.0
            total = relevance.sum()
            if total > 0:
                relevance = relevance / total
            self.parameter_importances_ = {
                name: float(value) for name, value in zip(subspace.names, relevance)
            }
