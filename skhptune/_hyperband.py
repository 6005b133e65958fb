"""Hyperband: the bracket/rung schedule (pure functions) and :class:`HyperbandSearchCV`.

The schedule follows Li et al., "Hyperband: a novel bandit-based approach to
hyperparameter optimization" (JMLR 2018), in exact integer arithmetic: no
floating-point logarithm or root is ever taken, so budgets such as 243 = 3**5
get all their brackets (``math.log(243, 3)`` is 4.999...).

A bracket is a run of successive halving: ``n`` configurations at a small
resource, the best ``1/eta`` of them promoted to a resource about ``eta`` times
larger, and so on up to ``max_resource``. Brackets differ in how aggressively
they cut: the first starts at ``min_resource`` with the most configurations, the
last evaluates a few configurations at ``max_resource`` only.
"""

import math
import numbers
import warnings
from collections.abc import Iterator, Mapping

import numpy as np
from sklearn import get_config
from sklearn.base import is_classifier
from sklearn.model_selection import check_cv
from sklearn.model_selection._search import BaseSearchCV
from sklearn.model_selection._split import GroupsConsumerMixin
from sklearn.utils import indexable
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import type_of_target

from ._acquisition import all_tied, failed_fits, failures_as_worst, propose_batch, robust_scores
from ._base import (
    AskTellSearchCV,
    Batch,
    chunk_end,
    owner_paths,
    set_params_accepts,
    single_threaded_blas,
)
from ._warm_start import config_key, continues_fitting

# Default range: at most four halvings (five brackets, the textbook 1-to-81 shape
# for eta=3), so that the most aggressive bracket starts with eta**4 configurations
# rather than thousands of nearly meaningless tiny fits.
_DEFAULT_MAX_HALVINGS = 4
# Default smallest training subsample: enough samples for every class to show up
# several times (classifiers), or for a model to be fitted at all (others). Fewer
# rank configurations on small datasets about at random, and every extra level
# adds a bracket whose fits, overhead-bound there, cost as much as larger ones.
_MIN_SAMPLES_PER_CLASS = 10
_MIN_SAMPLES = 20
# A stratified subsample holds at least this many samples of every class (all of
# a rarer one) once it has room for them, however rare the class: scikit-learn's
# internal 5-fold cross-validations (CalibratedClassifierCV, SVC(probability=True),
# LogisticRegressionCV) need them, and a 5% class would get one in 20 samples.
_MIN_SAMPLES_OF_EACH_CLASS = 5
# BOHB (Falkner et al. 2018) keeps a third of new configurations random, which
# keeps exploring and bounds the loss against plain Hyperband.
_RANDOM_FRACTION = 1 / 3
# Model proposals per new rung, at most; the design supplies the rest. Each is
# an acquisition optimisation on a model of every configuration at its level:
# the hundreds of a long schedule (eta=2, max_resource=1024) took minutes.
_MAX_MODEL_PROPOSALS = 64


def integer_log(n, base):
    """Largest ``s`` with ``base**s <= n``, in exact integer arithmetic.

    Parameters
    ----------
    n : int
        A positive integer.
    base : int
        An integer of at least 2.

    Returns
    -------
    int

    Examples
    --------
    >>> integer_log(243, 3)
    5
    >>> integer_log(242, 3)
    4
    """
    n, base = _as_int(n, "n", 1), _as_int(base, "base", 2)
    s, power = 0, base
    while power <= n:
        s += 1
        power *= base
    return s


def integer_root(n, k):
    """Largest integer ``r`` with ``r**k <= n``, in exact integer arithmetic.

    Parameters
    ----------
    n : int
        A non-negative integer.
    k : int
        A positive integer.

    Returns
    -------
    int
    """
    n, k = _as_int(n, "n", 0), _as_int(k, "k", 1)
    low, high = 0, 1 << (n.bit_length() // k + 1)  # high**k > n
    while high - low > 1:
        middle = (low + high) // 2
        if middle**k <= n:
            low = middle
        else:
            high = middle
    return low


def _as_int(value, name, minimum):
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise TypeError(f"{name} must be an integer, got {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}.")
    return int(value)


def resource_levels(min_resource, max_resource, eta):
    """Resources of the rungs: ``s_max + 1`` levels from min to max resource.

    ``s_max`` is the largest ``s`` with ``min_resource * eta**s <= max_resource``.
    Level ``k`` is ``floor(min_resource * q**k)`` with ``q = (max_resource /
    min_resource) ** (1 / s_max)``, computed as an integer root: the first level is
    exactly ``min_resource``, the last exactly ``max_resource``, and consecutive
    levels grow by a factor of at least ``eta`` (exactly ``eta`` when the ratio is a
    power of ``eta``).

    Parameters
    ----------
    min_resource, max_resource : int
        Smallest and largest resource, ``1 <= min_resource <= max_resource``.
    eta : int
        Ratio between consecutive levels, at least 2.

    Returns
    -------
    list of int
        Increasing levels; ``[max_resource]`` when ``max_resource < eta *
        min_resource`` (no room for a halving).

    Examples
    --------
    >>> resource_levels(1, 81, 3)
    [1, 3, 9, 27, 81]
    >>> resource_levels(1, 80, 3)
    [1, 4, 18, 80]
    """
    min_resource = _as_int(min_resource, "min_resource", 1)
    max_resource = _as_int(max_resource, "max_resource", 1)
    eta = _as_int(eta, "eta", 2)
    if min_resource > max_resource:
        raise ValueError(
            f"min_resource={min_resource} must not exceed max_resource={max_resource}."
        )
    s_max = integer_log(max_resource // min_resource, eta)
    if s_max == 0:
        return [max_resource]
    return [
        integer_root(min_resource ** (s_max - k) * max_resource**k, s_max)
        for k in range(s_max + 1)
    ]


def hyperband_schedule(
    min_resource, max_resource, eta, n_brackets=None, max_configs=None
):
    """Brackets of Hyperband, each a list of rungs ``(n_configs, resource)``.

    With ``s_max + 1`` resource levels (see :func:`resource_levels`), bracket
    ``s`` (``s = s_max, ..., 0``) starts ``n = ceil((s_max + 1) * eta**s / (s +
    1))`` configurations at level ``s_max - s`` and keeps the best
    ``floor(n_i / eta)`` (at least one) at each following level, so its last rung
    is at ``max_resource``.

    Parameters
    ----------
    min_resource, max_resource : int
        Smallest and largest resource, ``1 <= min_resource <= max_resource``.
    eta : int
        Halving rate, at least 2: the best ``1/eta`` of a rung is promoted.
    n_brackets : int, default=None
        Keep only this many brackets, the most aggressive first; ``1`` is plain
        successive halving from ``min_resource``. ``None`` keeps all ``s_max + 1``.
    max_configs : int, default=None
        Number of distinct configurations in the space: no rung asks for more.

    Returns
    -------
    list of list of (int, int)
        Brackets, most aggressive first.

    Examples
    --------
    >>> for bracket in hyperband_schedule(1, 81, 3):
    ...     print(bracket)
    [(81, 1), (27, 3), (9, 9), (3, 27), (1, 81)]
    [(34, 3), (11, 9), (3, 27), (1, 81)]
    [(15, 9), (5, 27), (1, 81)]
    [(8, 27), (2, 81)]
    [(5, 81)]
    """
    levels = resource_levels(min_resource, max_resource, eta)
    s_max = len(levels) - 1
    if n_brackets is not None:
        n_brackets = _as_int(n_brackets, "n_brackets", 1)
    if max_configs is not None:
        max_configs = _as_int(max_configs, "max_configs", 1)
    brackets = []
    for s in range(s_max, -1, -1)[:n_brackets]:
        n = -(-(s_max + 1) * eta**s // (s + 1))  # ceil, in integers
        if max_configs is not None:
            n = min(n, max_configs)
        brackets.append(halving_rungs(n, levels[s_max - s :], eta))
    return brackets


def halving_rungs(n, levels, eta):
    """Rungs ``(n_configs, resource)`` of successive halving over ``levels``.

    ``n`` configurations start at ``levels[0]``; each following level keeps the
    best ``floor(n_i / eta)`` of the previous one, at least one.

    Examples
    --------
    >>> halving_rungs(20, [1, 3, 9], 3)
    [(20, 1), (6, 3), (2, 9)]
    """
    return [(max(1, n // eta**i), level) for i, level in enumerate(levels)]


def search_schedule(min_resource, max_resource, eta, n_brackets, count_configurations, is_grid):
    """Levels and brackets a :class:`HyperbandSearchCV` runs over a space.

    :func:`hyperband_schedule`, with the number of configurations capped at
    the space's, adapted to a grid and to a single level, and replaced by one
    rung of the whole space at ``max_resource`` when that costs no more.

    Parameters
    ----------
    min_resource, max_resource, eta, n_brackets : int
        As in :func:`hyperband_schedule` (``n_brackets`` may be ``None``).
    count_configurations : callable
        ``count_configurations(at_most)``: the distinct configurations of the
        space, counted up to more than ``at_most``, or ``None`` if unbounded.
    is_grid : bool
        Whether the space is a grid of lists.

    Returns
    -------
    levels : list of int
        Resource of each rung.
    schedule : list of list of (int, int)
        ``(n_configs, resource)`` per rung of each bracket.
    n_configs : int or None
        As returned by ``count_configurations``.
    """
    levels = resource_levels(min_resource, max_resource, eta)
    uncapped = hyperband_schedule(min_resource, max_resource, eta, n_brackets)
    default_first_rung = eta**_DEFAULT_MAX_HALVINGS  # of the default range
    # Overlapping sub-spaces of a list of dicts share configurations; count
    # them once, up to more than the brackets could start.
    n_configs = count_configurations(
        max(sum(bracket[0][0] for bracket in uncapped), default_first_rung)
    )
    schedule = hyperband_schedule(
        min_resource, max_resource, eta, n_brackets, max_configs=n_configs
    )
    # A narrow range gives the most aggressive bracket few configurations
    # (three for two levels), so most of a grid would never be seen. Start
    # it, as the default range would, with eta**4 of them or the whole grid,
    # as HalvingGridSearchCV does. Distributions (randint ...) are sampled,
    # as HalvingRandomSearchCV samples them, even when finite.
    n_first = min(n_configs, default_first_rung) if is_grid else 0
    if len(levels) == 1:
        # Nothing to halve (tiny data or a narrow range): rather than the one
        # configuration of Hyperband's formula, as many as the full-resource
        # bracket of the default five-bracket schedule evaluates, or the
        # first rung a grid would have had (a grid that fits in it is then
        # evaluated whole, below).
        schedule = [[(max(_DEFAULT_MAX_HALVINGS + 1, n_first), max_resource)]]
    elif n_first > schedule[0][0][0]:
        schedule[0] = halving_rungs(n_first, levels, eta)
    cost = sum(n * r for bracket in schedule for n, r in bracket)
    if n_configs is not None and n_configs * max_resource <= cost:
        # Evaluating the whole space at max_resource is no dearer: do that.
        levels, schedule = [max_resource], [[(n_configs, max_resource)]]
    return levels, schedule, n_configs


def select_promoted(scores, n_promoted):
    """Indices of the ``n_promoted`` best scores, in their original order.

    NaN (a failed evaluation) ranks below every finite score; ties go to the
    earlier position.

    Parameters
    ----------
    scores : array-like of shape (n,)
        Scores to maximise.
    n_promoted : int
        How many to keep.

    Returns
    -------
    ndarray of int of shape (min(n_promoted, n),)
    """
    scores = np.asarray(scores, dtype=float)
    failed = np.isnan(scores)
    worst_first = np.where(failed, np.inf, -scores)
    order = np.lexsort((np.arange(len(scores)), failed, worst_first))
    return np.sort(order[:n_promoted])


def subsample_training_fold(train, n_samples, rng, y=None, groups=None):
    """A subsample of a training fold: whole groups, or stratified by class.

    With ``groups``, whole groups are taken in random order until at least
    ``n_samples`` samples are in; with ``y`` too, the groups that bring a class
    none before them holds come first, so that few groups hold every class even
    when each holds one (a diagnosis per patient). Otherwise the samples of
    each class are shuffled and interleaved so that any prefix holds the
    classes in their proportions (within one sample), except that the first
    ``_MIN_SAMPLES_OF_EACH_CLASS`` of every class come before all others: every
    class at least once as soon as ``n_samples`` reaches the number of classes,
    five times (or whole) once it reaches five per class. The first
    ``n_samples`` are kept. The same ``rng`` state gives nested subsamples for
    growing ``n_samples``.

    Parameters
    ----------
    train : array-like of int
        Indices of the training fold.
    n_samples : int
        Samples wanted; the whole fold when it has no more.
    rng : RandomState
        Source of randomness, consumed the same way for any ``n_samples``.
    y : array-like of shape (n_total,), default=None
        Class labels of all samples, to stratify on.
    groups : array-like of shape (n_total,), default=None
        Group labels of all samples; with them, ``y`` only orders the groups.

    Returns
    -------
    ndarray of int
        Sorted indices, a subset of ``train``.
    """
    train = np.asarray(train)
    if n_samples >= len(train):
        return train
    if groups is not None:
        _, group_of = np.unique(_as_numpy(groups)[train], return_inverse=True)
        group_of = group_of.reshape(-1)
        order = rng.permutation(group_of.max() + 1)
        if y is not None:
            order = _class_covering_first(order, group_of, _class_labels(y, train))
        cumulative = np.cumsum(np.bincount(group_of)[order])
        n_groups = int(np.searchsorted(cumulative, n_samples)) + 1
        keep = np.isin(group_of, order[:n_groups])
        return np.sort(train[keep])
    label = np.zeros(len(train), dtype=int) if y is None else _class_labels(y, train)
    shuffled = rng.permutation(len(train))
    # A sample's key is its rank within its class over the class size: sorting by
    # key interleaves the classes in proportion, each class's first sample at 0.
    # The first few of each class move ahead (keys below 0, in the same order):
    # where proportions already give a class that many, the prefix is unchanged.
    key = np.empty(len(train))
    for c, count in enumerate(np.bincount(label)):
        members = shuffled[label[shuffled] == c]
        key[members] = np.arange(len(members)) / count
        key[members[:_MIN_SAMPLES_OF_EACH_CLASS]] -= 1.0
    order = np.lexsort((rng.random_sample(len(train)), key))
    return np.sort(train[order[:n_samples]])


def _class_labels(y, train):
    """Class of each sample of ``train``, as integers from 0."""
    _, label = np.unique(_as_numpy(y)[train], return_inverse=True)
    return label.reshape(-1)


def _class_covering_first(order, group_of, label):
    """``order`` of groups with the groups that add a class moved to the front.

    Going through ``order``, a group that holds a class no group before it
    holds is taken first; the others keep their order after them. When every
    group holds every class, ``order`` is unchanged.
    """
    holds = np.zeros((len(order), label.max() + 1), dtype=bool)
    holds[group_of, label] = True
    covered = np.zeros(holds.shape[1], dtype=bool)
    first = []
    for group in order:
        if not covered.all() and (holds[group] & ~covered).any():
            first.append(group)
            covered |= holds[group]
    return np.concatenate([first, order[~np.isin(order, first)]]).astype(order.dtype)


def _as_numpy(labels):
    """``labels`` (targets or groups) as a NumPy array on the CPU.

    Under array API dispatch they may come from another array library, on a
    device NumPy cannot read from directly.
    """
    try:
        return np.asarray(labels)
    except (TypeError, RuntimeError, ValueError):
        # Imported here: these private helpers of scikit-learn may move, and
        # only labels NumPy cannot read need them.
        from sklearn.utils._array_api import _convert_to_numpy, get_namespace

        xp, _ = get_namespace(labels)
        return _convert_to_numpy(labels, xp)


def splits_by_group(cv):
    """Whether splitter ``cv`` makes its folds from the ``groups`` of ``fit``.

    scikit-learn's group splitters do; its other splitters (``KFold``,
    ``StratifiedKFold``, a list of splits ...) ignore ``groups``, so a search
    that uses them must not let ``groups`` change anything either. A splitter
    from elsewhere is assumed to use the ``groups`` it is given.
    """
    if isinstance(cv, GroupsConsumerMixin):
        return True
    return not type(cv).__module__.startswith("sklearn.")


def _as_indices(train):
    """Integer indices of a training fold given as indices or a boolean mask."""
    train = np.asarray(train)
    return np.flatnonzero(train) if train.dtype == bool else train


class SubsampledCV:
    """Folds of a splitter, with training folds subsampled to ``n_samples``.

    The inner splitter is called at most once; later calls replay its folds, so
    every resource level sees the same folds, even for a splitter that shuffles
    without a seed or can only split once. Validation folds are never changed.

    Parameters
    ----------
    cv : cross-validation splitter
        The checked splitter of the search.
    n_samples : int or None, default=None
        Training samples per fold; ``None`` keeps whole folds.
    folds : list of (ndarray, ndarray), default=None
        Folds already computed from ``cv`` (training folds as indices); ``None``
        computes them on the first call to :meth:`split`.
    stratify : bool, default=False
        Keep class proportions of each training fold (classification targets).
    whole_groups : bool, default=False
        Subsample whole groups when ``split`` is given ``groups`` (the splitter
        makes its folds from them); otherwise ``groups`` are ignored.
    random_state : int, default=0
        Seed of the subsampling; fold ``i`` uses ``RandomState([random_state, i])``
        whatever ``n_samples``, so smaller subsamples are nested in larger ones.
    """

    def __init__(
        self, cv, n_samples=None, *, folds=None, stratify=False, whole_groups=False,
        random_state=0,
    ):
        self.cv = cv
        self.n_samples = n_samples
        self.stratify = stratify
        self.whole_groups = whole_groups
        self.random_state = random_state
        self._folds = [] if folds is None else folds  # shared by every level of at()

    def at(self, n_samples):
        """The same folds, subsampled to ``n_samples`` (``None``: whole folds)."""
        return SubsampledCV(
            self.cv,
            n_samples,
            folds=self._folds,
            stratify=self.stratify,
            whole_groups=self.whole_groups,
            random_state=self.random_state,
        )

    # ``params``: other metadata the splitter requests (routing), such as dates.
    def get_n_splits(self, X=None, y=None, groups=None, **params):
        return self.cv.get_n_splits(X, y, groups, **params)

    def split(self, X, y=None, groups=None, **params):
        if not self._folds:
            self._folds.extend(
                (_as_indices(train), test)
                for train, test in self.cv.split(X, y, groups, **params)
            )
        for fold, (train, test) in enumerate(self._folds):
            if self.n_samples is not None:
                rng = np.random.RandomState([self.random_state, fold])
                train = subsample_training_fold(
                    train,
                    self.n_samples,
                    rng,
                    y=y if self.stratify else None,
                    groups=groups if self.whole_groups else None,
                )
            yield train, test


class HyperbandStrategy:
    """Hyperband as an ask/tell strategy: every batch at a single resource level.

    By default there is one batch per level: batch ``k`` holds the new
    configurations of the bracket starting at level ``k`` and the configurations
    promoted to level ``k`` by every bracket started earlier; all their inputs
    are known when it is asked for. With ``sequential=True`` the brackets run one
    after another instead, most aggressive first, one batch per rung, so that
    each bracket's ``max_resource`` results exist before the next bracket starts.

    Parameters
    ----------
    space : Space
        The parsed search space.
    rng : RandomState
        Source of randomness.
    schedule : list of list of (int, int)
        Brackets from :func:`hyperband_schedule`, most aggressive first.
    levels : list of int
        Resource levels from :func:`resource_levels`.
    eta : int
        Halving rate: each rung keeps the best ``1/eta`` (at least one).
    level_args : callable
        ``level_args(resource, oldest_continued, continued)`` gives
        ``(extra_params, cv)`` for a level: the parameters each point gets
        (``{}`` for none) and the splitter. ``oldest_continued`` is the smallest
        resource whose models a batch from this one on may continue (``None``:
        every resource); ``continued`` the points whose models it may continue
        (``None``: any point's).
    sampler : {"random", "bayes"}
        How new configurations are drawn.
    sequential : bool
        Whether the brackets run one after another rather than side by side.
    n_configurations : int, default=None
        Distinct configurations of a finite space (``None``: unbounded).
    first_chunk : int, default=None
        With ``sequential=True``, a rung at the last level (whose models are
        the dearest, and promoted nowhere) is asked for in batches of this many
        configurations, each later one as large as all before it, so that a
        time limit checked between batches can end it (see ``GridInChunks``).
        ``None``: one batch per rung.
    """

    def __init__(
        self,
        space,
        rng,
        schedule,
        levels,
        eta,
        level_args,
        sampler="random",
        sequential=False,
        n_configurations=None,
        first_chunk=None,
    ):
        self.space = space
        self.first_chunk = first_chunk
        self.n_configurations = n_configurations
        self.rng = rng
        self.schedule = schedule
        self.levels = levels
        self.eta = eta
        self.level_args = level_args
        self.sampler = sampler
        self.sequential = sequential
        self.start_level = [len(levels) - len(bracket) for bracket in schedule]
        # (level, brackets advancing) per batch.
        if sequential:
            self.steps = [
                (self.start_level[b] + rung, [b])
                for b, bracket in enumerate(schedule)
                for rung in range(len(bracket))
            ]
        else:
            self.steps = [
                (level, [b for b, start in enumerate(self.start_level) if start <= level])
                for level in range(len(levels))
            ]
        self.n_steps_done = 0
        # The current step's (points, brackets, rungs), how many of its points
        # were asked for, and the scores told so far.
        self._step, self._n_asked, self._step_scores = None, 0, []
        self.members = [[] for _ in schedule]  # points of each bracket's last rung
        self.scores = [np.empty(0) for _ in schedule]
        # Per level: configuration key -> (point, score).
        self.observed = [{} for _ in levels]
        # Distinct, space-filling first-rung configurations for every bracket;
        # shuffled so that the sub-spaces mix in every bracket.
        total = sum(bracket[0][0] for bracket in schedule)
        design = space.initial_design(total, rng)
        self._design = [design[i] for i in rng.permutation(len(design))]
        self._next = 0

    def ask(self):
        if self.n_steps_done >= len(self.steps):
            return None
        level, advancing = self.steps[self.n_steps_done]
        if self._n_asked == 0:
            self._step = self._step_points(level, advancing)
        points, brackets, rungs = self._step
        start, stop = self._n_asked, len(points)
        if self.first_chunk and level == len(self.levels) - 1:
            stop = chunk_end(start, stop, self.first_chunk)
        self._n_asked = stop
        resource = self.levels[level]
        # A rung continues models of the level below it, which an earlier
        # bracket may have fitted when the brackets run one after another.
        lowest = min(step_level for step_level, _ in self.steps[self.n_steps_done :])
        # Side by side, this batch continues models of its own configurations
        # only, and the next continues models of this level only: the other
        # configurations' models are of no further use. (One after another, a
        # later bracket may draw any configuration fitted at a lower level.)
        continued = None if self.sequential else points
        extra, cv = self.level_args(
            resource, self.levels[lowest - 1] if lowest else None, continued
        )
        return Batch(
            points[start:stop],
            extra_params=[dict(extra) for _ in range(stop - start)] if extra else None,
            cv=cv,
            more_results={
                "bracket": brackets[start:stop],
                "iter": rungs[start:stop],
                "n_resources": [resource] * (stop - start),
            },
            resource=resource,
        )

    def _step_points(self, level, advancing):
        """The points of a step, with their brackets and rungs."""
        # Evaluated at this level by an earlier batch (brackets run one after
        # another): new configurations should not repeat them.
        earlier = [point for point, _ in self.observed[level].values()]
        points, brackets, rungs = [], [], []
        for b in advancing:
            bracket = self.schedule[b]
            rung = level - self.start_level[b]
            if rung == 0:
                self.members[b] = self._new_configurations(
                    bracket[0][0], level, promoted=earlier + points
                )
            else:
                n_promoted = max(1, len(self.members[b]) // self.eta)
                keep = select_promoted(self.scores[b], n_promoted)
                self.members[b] = [self.members[b][i] for i in keep]
            points.extend(self.members[b])
            brackets.extend([b] * len(self.members[b]))
            rungs.extend([rung] * len(self.members[b]))
        return points, brackets, rungs

    def tell(self, batch, scores):
        level, advancing = self.steps[self.n_steps_done]
        observed = self.observed[level]
        for point, score in zip(batch.points, scores):
            observed.setdefault(self.space.key(point), (point, float(score)))
        self._step_scores.extend(scores)
        if self._n_asked < len(self._step[0]):
            return  # more of the step to ask for
        scores = np.asarray(self._step_scores, dtype=float)
        self._step, self._n_asked, self._step_scores = None, 0, []
        start = 0
        for b in advancing:
            count = len(self.members[b])
            self.scores[b] = scores[start : start + count]
            start += count
        self.n_steps_done += 1

    @property
    def levels_reached(self):
        """Indices of the resource levels evaluated so far, smallest first."""
        steps = self.steps[: self.n_steps_done + (1 if self._step_scores else 0)]
        return sorted({level for level, _ in steps})

    @property
    def single_batch_size(self):
        """Points of the one batch a single-level search asks for, else ``None``."""
        if len(self.levels) != 1 or self.first_chunk:
            return None
        n = sum(bracket[0][0] for bracket in self.schedule)
        return n if self.n_configurations is None else min(n, self.n_configurations)

    @property
    def n_candidates(self):
        """Distinct configurations evaluated at each level reached."""
        return [len(self.observed[level]) for level in self.levels_reached]

    def _new_configurations(self, n, level, promoted):
        """``n`` distinct configurations for a first rung at ``level`` (fewer if
        the space is smaller).

        ``promoted`` are the configurations earlier brackets evaluate at the same
        level, in this batch or an earlier one. Random draws are distinct, so
        they meet one only once the draws of a finite space are used up (on a
        small grid, every configuration was started); the rung then takes the
        best evaluated ones (``_best_of_the_rest``), which share the rows of
        those among them promoted to ``level``. With the model, which treats
        them as pending, draws pass over them: an earlier bracket's model
        proposal is no draw, and meeting one would cost the bracket a
        configuration of its own. Nor does the model restart a configuration
        evaluated at any other level: it sees one level only, and would propose
        again one a rung dropped below (a corner of the space, often).
        """
        if self.n_configurations is not None and n >= self.n_configurations:
            # The rung holds the whole space: all of it, in GridSearchCV's order;
            # later rungs have nothing new to draw (the random design may lack
            # some of it: _best_of_the_rest ranks what was evaluated).
            self._next = len(self._design)
            return self.space.grid()
        points, keys = [], set()
        if self.sampler == "bayes":
            keys.update(self.space.key(point) for point in promoted)
            keys.update(key for observed in self.observed for key in observed)
            n_model = min(n - int(np.ceil(n * _RANDOM_FRACTION)), _MAX_MODEL_PROPOSALS)
            self._add_distinct(points, keys, self._model_proposals(n_model, promoted), n)
        while len(points) < n and self._next < len(self._design):
            self._add_distinct(points, keys, [self._design[self._next]], n)
            self._next += 1
        if len(points) < n:
            keys = {self.space.key(point) for point in points}
            self._add_distinct(points, keys, self._best_of_the_rest(level), n)
        return points

    def _best_of_the_rest(self, level):
        """Every configuration evaluated below ``level``, best first for a rung there.

        Once a finite space is exhausted a new rung can only revisit evaluated
        configurations: rather than random ones, those that earlier rungs rank
        highest, as promotion would. Those that did not fail at the highest level
        they reached below ``level`` come first, by that level and their score
        there; then the others; ties in order of first evaluation. The best are
        usually promoted to ``level`` already, and share their rows.
        """
        reached = {}  # key -> [point, highest level below, score there, first seen]
        for below in range(level):
            for key, (point, score) in self.observed[below].items():
                entry = reached.setdefault(key, [point, below, score, len(reached)])
                entry[1:3] = below, score

        def rank(entry):
            _, below, score, first = entry
            if np.isnan(score):
                return (True, 0, 0.0, first)
            return (False, -below, -score, first)

        return [entry[0] for entry in sorted(reached.values(), key=rank)]

    def _add_distinct(self, points, keys, candidates, n):
        for point in candidates:
            key = self.space.key(point)
            if len(points) < n and key not in keys:
                keys.add(key)
                points.append(point)

    def _model_proposals(self, n, pending):
        """Up to ``n`` points from one Gaussian process per sub-space (BOHB-style).

        Each sub-space is modelled on the largest level evaluated so far with
        enough observations of it (``n_dims + 2``); candidates of all sub-spaces
        compete on their acquisition values. ``pending`` points (being evaluated
        at this level) are never proposed.
        """
        if n < 1:
            return []
        candidates = []
        for index, sub in enumerate(self.space.subspaces):
            data = self._model_data(index, sub.n_dims + 2)
            if sub.n_dims == 0 or data is None:
                continue
            modelled, X, y, failed = data
            # Those the model was fitted on are never proposed anyway.
            unmodelled = [
                unit
                for i, unit in pending
                if i == index and self.space.key((i, unit)) not in modelled
            ]
            y = robust_scores(y)  # outliers compressed, as in BayesSearchCV
            # One BLAS thread, as in BayesSearchCV: faster on these small
            # matrices, and the proposals do not depend on the thread count.
            with single_threaded_blas():
                result = propose_batch(
                    X, y, sub.n_levels, sub.is_categorical, n, self.rng,
                    X_pending=np.array(unmodelled) if unmodelled else None, failed=failed,
                )
            candidates.extend(
                (value, index, unit)
                for unit, value in zip(result.proposals, result.acquisition_values)
            )
        candidates.sort(key=lambda candidate: -candidate[0])
        return [(index, unit) for _, index, unit in candidates[:n]]

    def _model_data(self, index, n_needed):
        """``(keys, X, y, failed)`` of a sub-space at the largest level with
        ``n_needed`` finite scores that are not all the same to 12 significant
        digits (failures count as the worst of them; ``failed`` marks them), or
        ``None``. Equal scores teach a model nothing, and its uncertainty would
        send the proposals to the corners of the space."""
        for observed in reversed(self.observed):
            rows = {k: (p[1], s) for k, (p, s) in observed.items() if p[0] == index}
            scores = np.array([s for _, s in rows.values()], dtype=float)
            finite = scores[np.isfinite(scores)]
            if len(finite) >= max(n_needed, 3) and not all_tied(finite):
                X = np.array([u for u, _ in rows.values()])
                return set(rows), X, failures_as_worst(scores), failed_fits(scores)
        return None


class HyperbandSearchCV(AskTellSearchCV):
    """Hyperband search: many configurations on a small resource, the best on more.

    Hyperband (Li et al. 2018) runs several brackets of successive halving. A
    bracket evaluates ``n`` random configurations with a small resource (a
    subsample of each training fold, or few iterations/trees), keeps the best
    ``1/eta`` of them and evaluates those with ``eta`` times more, until the
    survivors reach ``max_resource``. Brackets trade breadth for depth: the first
    starts many configurations at ``min_resource``, the last evaluates a few at
    ``max_resource`` only, which hedges against problems where small resources
    mislead. Use it when one full-resource fit is expensive and cheaper fits
    rank configurations roughly right: it usually reaches the score of a random
    search of the same number of configurations in a fraction of the time.

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
        conditional sub-spaces.

    resource : str, default="n_samples"
        What a rung spends. ``"n_samples"`` subsamples each training fold (never
        the validation fold): classes keep their proportions for classifiers, and
        groups stay whole when ``cv`` splits by the ``groups`` passed to ``fit``
        (``GroupKFold`` and scikit-learn's other group splitters, and any
        splitter from outside scikit-learn; scikit-learn's other splitters ignore
        ``groups``). Otherwise the name of a positive integer parameter of the
        estimator, such as ``"max_iter"``, ``"n_estimators"`` or
        ``"clf__max_iter"``; it must not be in ``param_distributions``.

    min_resource : int, default=None
        Resource of the first rung of the most aggressive bracket. ``None``
        means ``max_resource // eta**4`` (five brackets), but at least 1 for a
        parameter, and for ``"n_samples"`` at least 10 samples per class
        (classifiers) or 20 samples (others) and, when ``cv`` splits by group,
        the size of the largest group (subsamples hold whole groups, up to a
        group less one sample more than ``n_resources`` says), times the
        number of classes for a classifier when some group lacks a class.

    max_resource : int, default=None
        Resource of the last rung of every bracket. Required for a parameter
        resource; for ``"n_samples"``, ``None`` means the size of the smallest
        training fold (an empty one fails its fits, as in any search, and is
        passed over), and larger values are an error. At that size every
        training fold is fitted whole: with folds of unequal sizes
        (``TimeSeriesSplit``) the larger ones hold more samples than
        ``n_resources`` says at the last level.

    eta : int, default=3
        Halving rate, at least 2: each rung keeps the best ``1/eta`` of its
        configurations, and resources grow about ``eta``-fold between rungs.

    n_brackets : int, default=None
        Number of brackets, the most aggressive first; ``None`` runs all of them
        (Hyperband), ``1`` runs successive halving from ``min_resource``. A
        number above the ``s_max + 1`` brackets the resource range allows runs
        them all (``brackets_`` lists the ones run).

    sampler : {"random", "bayes"}, default="random"
        How brackets draw new configurations. ``"random"``: a space-filling
        random design (scrambled Sobol points, or sampling without replacement
        for a space of lists). ``"bayes"``: as in BOHB, two thirds of a bracket's
        new configurations (at most 64) are proposed by a Gaussian process with
        log expected improvement, fitted on the scores at the largest resource
        with enough of them (at least ``n_dims + 2``, not all equal); the rest,
        and all while too few scores are known, are random.

    scoring : str, callable, list, tuple or dict, default=None
        Strategy to evaluate the cross-validated model, as in
        :class:`~sklearn.model_selection.GridSearchCV`. Promotions follow the
        ``refit`` metric (the first one when ``refit`` is not a metric name).

    n_jobs : int, default=None
        Number of jobs to run in parallel; ``-1`` means all processors.

    refit : bool, str or callable, default=True
        Refit the best estimator on the whole dataset, as in ``GridSearchCV``,
        with the resource of its row: ``max_resource``, unless ``max_time`` or
        :kbd:`Ctrl-C` ended the search before any configuration reached it (see
        Notes).

    cv : int, cross-validation generator or iterable, default=None
        Cross-validation splitting strategy (5-fold by default, stratified for
        classifiers). The splitter is called once per fit, so a shuffling
        splitter gives every rung the same folds.

    verbose : int, default=0
        ``1`` prints one line per batch, after scikit-learn's own "Fitting ..."
        line; higher values also make the fits verbose.

    pre_dispatch : int or str, default="2*n_jobs"
        Controls the number of jobs dispatched during parallel execution.

    random_state : int, RandomState instance or None, default=None
        Seed of the configurations and of the subsamples. An int gives the same
        ``cv_results_`` on every run, for any ``n_jobs``.

    error_score : "raise" or numeric, default=np.nan
        Score of a failed fit in ``cv_results_``; ``"raise"`` raises the error.
        Whatever its value, a failed configuration is never promoted ahead of
        one that scored.

    return_train_score : bool, default=False
        Whether ``cv_results_`` includes training scores.

    max_time : float, default=None
        Seconds after which no new batch starts; finished results stand.
        ``None`` or ``np.inf``: no limit. A finite limit also changes the
        evaluation order: the brackets run one after another (see Notes).

    param_grid : dict or list of dicts, default=None
        Alias of ``param_distributions``, so that code written for
        :class:`~sklearn.model_selection.GridSearchCV` (``param_grid=grid``) runs
        unchanged; give one of the two.

    Attributes
    ----------
    cv_results_ : dict of numpy (masked) ndarrays
        One row per evaluation, as in ``GridSearchCV``, plus ``bracket`` (index
        into ``brackets_``), ``iter`` (rung within the bracket) and
        ``n_resources``. A promoted configuration gets a new row at each
        resource; for a parameter resource ``params`` holds its value.
    best_estimator_ : estimator
        Estimator refitted with the best parameters (if ``refit``).
    best_score_ : float
        Mean cross-validated score of the best row.
        Not set when ``refit`` is a callable, nor with several metrics and
        ``refit=False``.
    best_params_ : dict
        Parameters of the best row, the resource parameter included.
        Not set with several metrics and ``refit=False``.
    best_index_ : int
        Best row among those at the largest resource with a real score (see
        Notes). ``rank_test_score`` ranks every row, at any resource, so its
        first place can be a row at a small resource instead.
        Not set with several metrics and ``refit=False``.
    scorer_ : function or dict
        Scorer(s) used on the held-out data.
    n_splits_ : int
        Number of cross-validation splits.
    refit_time_ : float
        Seconds spent refitting the best model; only with ``refit``.
    multimetric_ : bool
        Whether several metrics were evaluated.
    min_resource_ : int
        ``min_resource`` after its default.
    max_resource_ : int
        ``max_resource`` after its default. The levels evaluated are
        ``n_resources_``: a range too narrow for one halving
        (``max_resource_ < eta * min_resource_``) evaluates ``max_resource_`` only.
    brackets_ : list of list of (int, int)
        The schedule: per bracket, most aggressive first, its rungs as
        ``(n_configurations, resource)``. A configuration is evaluated once per
        resource: once a finite space is exhausted, a later bracket starts with
        the configurations the levels below rank best, and reuses the rows of
        those an earlier bracket promoted to its resource (labelled with the
        earlier bracket), so ``cv_results_`` can hold fewer rows per bracket.
    n_resources_ : list of int
        Resource of each level evaluated, increasing.
    n_candidates_ : list of int
        Configurations evaluated at each level of ``n_resources_``, over all
        brackets.
    n_iterations_ : int
        Number of levels evaluated, ``len(n_resources_)``.
    n_possible_iterations_ : int
        Number of levels of the schedule, ``s_max + 1``.
    n_required_iterations_ : int
        Number of rounds the most aggressive bracket would need to leave fewer
        than ``eta`` configurations, ``1 + floor(log_eta(n))`` of the ``n`` it
        starts, as in scikit-learn's halving searches: ``s_max + 1`` for Li et
        al.'s bracket sizes, more where the bracket starts more configurations
        (a grid started whole, a single level), fewer for a space smaller than
        the bracket.
    min_resources_ : int
        ``min_resource_`` under the name of scikit-learn's halving searches.
    max_resources_ : int
        ``max_resource_`` under the name of scikit-learn's halving searches.
        With ``n_brackets=1`` the rows with ``iter == i`` are those at
        ``n_resources_[i]``, as there; with several brackets ``iter`` counts
        rungs within a bracket, so group rows by ``n_resources`` instead.
    history_ : dict of ndarrays
        Per evaluation (row of ``cv_results_``): ``"score"``, ``"best_score"``
        and ``"elapsed_time"`` (seconds since the search started).
        ``"best_score"`` is the score ``best_score_`` would have after that row:
        the best at the largest resource with a (non-NaN) score so far, so it
        falls when a larger resource is first reached if lower resources
        flattered (the verbose lines print the same).
    classes_ : ndarray of shape (n_classes,)
        Class labels; only for a refitted classifier.

    n_features_in_ : int
        Number of features seen during ``fit``; only with ``refit``.

    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names seen during ``fit``, when they are all strings; only with
        ``refit``.

    See Also
    --------
    BayesSearchCV : Model-based search at full resource.
    GeneticSearchCV : Evolutionary search.
    sklearn.model_selection.HalvingRandomSearchCV : Successive halving, one bracket.

    Notes
    -----
    The schedule uses exact integer arithmetic. ``s_max`` is the largest ``s``
    with ``min_resource * eta**s <= max_resource``; the ``s_max + 1`` resource
    levels run geometrically from exactly ``min_resource`` to exactly
    ``max_resource`` (``min_resource * eta**k`` when the ratio is a power of
    ``eta``). Bracket ``s`` starts ``ceil((s_max + 1) * eta**s / (s + 1))``
    configurations at level ``s_max - s``. No rung has more configurations than
    the space. On a grid (every parameter a list of values) bracket 0 starts
    at least ``eta**4`` configurations (as many as with the default range), or
    the whole grid if it is smaller: a narrow range would otherwise leave most
    of a grid unseen, where ``HalvingGridSearchCV`` starts every grid point.
    Distributions, finite ones too, are sampled in Li et al.'s numbers. When
    ``max_resource < eta * min_resource`` (for instance on a dataset too small
    for the default ``min_resource``) there is nothing to halve: five
    configurations are evaluated at ``max_resource``, as many as the
    last bracket of the default schedule, or a grid's first rung (``eta**4``
    points or the whole grid). A finite space that costs no more to
    evaluate whole at ``max_resource`` than the schedule (in resource units) is
    evaluated that way, in ``GridSearchCV`` order.

    Evaluation order: one ``evaluate_candidates`` call per resource level, from
    the smallest to the largest. The call for level ``k`` holds the new
    configurations of the bracket that starts at ``k`` together with those
    promoted to ``k`` in every bracket started earlier; each is ready, since
    level ``k - 1`` is done. All brackets thus share ``s_max + 1`` parallel
    calls, and the last one holds every evaluation at ``max_resource``. With a
    finite ``max_time`` the brackets run one after another instead, most
    aggressive first, one call per rung (as in Li et al.): bracket 0 reaches
    ``max_resource`` in about the time of a halving search, and each later
    bracket adds its results at ``max_resource`` before the next starts, so a
    search stopped by the time limit has full-resource results to choose from.
    A rung at ``max_resource`` (a whole grid evaluated there, too) runs in
    growing calls, as a grid does in the other searches, so that the limit
    can end it. Its narrow last rungs can leave workers idle. With
    ``sampler="random"`` the rows are those of the search without a limit,
    in another order; with ``sampler="bayes"`` later brackets are modelled on
    the results of the finished ones.

    Warm starts: when the resource counts members that the estimator's
    ``warm_start`` adds to a fitted model (``n_estimators`` of forests, bagging
    and gradient boosting, ``max_iter`` of histogram gradient boosting, also as
    a ``Pipeline`` step), a promoted configuration continues the model it
    fitted on the same training fold at the previous rung instead of starting
    over. These estimators grow the same model either way, so the results are
    those of fitting from scratch, for less work (early stopping and a
    ``RandomState`` instance as ``random_state`` turn warm starts off). The
    models wait in a temporary directory that is removed when ``fit`` ends;
    ``best_estimator_`` is refitted from scratch.

    Histogram gradient boosting (the estimator or a ``Pipeline``'s last step)
    bins each training set once for the whole search instead of at every fit,
    whatever the resource: a fold, or with ``"n_samples"`` a level's subsample
    of it, shared by every configuration at that level. Binning is most of a
    fit of a few iterations; each fit gets the bins it would have computed.

    ``best_index_`` is chosen among the rows at the largest resource reached
    that has a real score, normally ``max_resource``; a failed fit's numeric
    ``error_score`` is not one, as for promotions. If ``max_time`` stops the
    search before bracket 0 reaches ``max_resource``, or every fit there fails,
    it is a smaller resource (a warning says so), and with a parameter resource
    the refit uses that row's value. A callable ``refit`` sees all rows.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.svm import SVC
    >>> from skhptune import HyperbandSearchCV
    >>> from skhptune.space import Real
    >>> X, y = load_iris(return_X_y=True)
    >>> space = {"C": Real(1e-2, 1e3, prior="log-uniform"),
    ...          "gamma": Real(1e-4, 1e1, prior="log-uniform")}
    >>> search = HyperbandSearchCV(SVC(), space, min_resource=10, random_state=0)
    >>> search.fit(X, y).brackets_  # (configurations, training samples) per rung
    [[(9, 10), (3, 34), (1, 120)], [(5, 34), (1, 120)], [(3, 120)]]
    >>> search.n_resources_, search.n_candidates_
    ([10, 34, 120], [9, 8, 5])
    >>> int(search.cv_results_["n_resources"][search.best_index_])
    120
    """

    # True as a bound would silently mean 1 (and n_brackets=True one bracket).
    _counts = {
        "min_resource": "resource units, or None for the default",
        "max_resource": "resource units, or None for the default",
        "n_brackets": "brackets, or None for all",
    }

    _fit_description = AskTellSearchCV._fit_description + (
        "min_resource_", "max_resource_", "brackets_", "min_resources_", "max_resources_",
        "n_possible_iterations_", "n_required_iterations_",
    )

    _parameter_constraints: dict = {
        **AskTellSearchCV._parameter_constraints,
        "resource": [str],
        "min_resource": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "max_resource": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "eta": [Interval(numbers.Integral, 2, None, closed="left")],
        "n_brackets": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "sampler": [StrOptions({"random", "bayes"})],
    }

    def __init__(
        self,
        estimator,
        param_distributions=None,
        *,
        resource="n_samples",
        min_resource=None,
        max_resource=None,
        eta=3,
        n_brackets=None,
        sampler="random",
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
        self.resource = resource
        self.min_resource = min_resource
        self.max_resource = max_resource
        self.eta = eta
        self.n_brackets = n_brackets
        self.sampler = sampler
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

    def _fit_search(self, X, y, **params):
        # The schedule needs the training folds before the first batch; they are
        # split when the search starts, after BaseSearchCV's own checks.
        cv = self.cv
        self._fit_inputs = X, y, params, cv
        try:
            if isinstance(cv, Iterator) and not hasattr(cv, "split"):
                # BaseSearchCV consumes a one-shot iterable of splits before the
                # schedule reads them (scikit-learn < 1.5 keeps no copy): list it once.
                self.cv = list(cv)
            return super()._fit_search(X, y, **params)
        finally:
            self.cv = cv
            del self._fit_inputs  # only needed while fitting (and left out of pickles)

    def _continued_resource(self, estimator):
        # With resource="n_samples" the wrapper still bins each level's subsample
        # of a fold once for a histogram booster.
        if self.resource == "n_samples":
            return None
        # A step the space swaps in may continue where the base one cannot: each
        # fit checks its own estimator (WarmStartEstimator.fit).
        if continues_fitting(estimator, self.resource) or self._resource_step_is_searched():
            return self.resource, self.max_resource
        return None

    def _resource_step_is_searched(self):
        spec = self._space_spec()
        subspaces = spec if isinstance(spec, (list, tuple)) else [spec]
        searched = {name for sub in subspaces if isinstance(sub, Mapping) for name in sub}
        return any(owner in searched for owner in owner_paths(self.resource))

    def _split(self):
        """``(cv, folds, n_classes, group_floor)`` of the data being fitted.

        ``folds`` lists the ``(train, test)`` indices, replayed at every level;
        ``n_classes`` is ``None`` unless the estimator classifies a binary or
        multiclass target. ``group_floor`` is ``None`` unless the splitter splits
        by group (:func:`splits_by_group`); then it is the largest group, so
        that a subsample (groups taken until it reaches its level) exceeds its
        level by less than the level; for a classifier with a group that lacks
        a class, the number of classes times the largest group, so that the
        first level holds every class (subsamples start with a group per class
        missing so far, see :func:`subsample_training_fold`).
        """
        X, y, params, cv_given = self._fit_inputs
        X, y = indexable(X, y)
        cv = check_cv(self.cv, y, classifier=is_classifier(self.estimator))
        if get_config().get("enable_metadata_routing"):
            split_params = self._get_routed_params_for_fit(params).splitter.split
        else:
            # What BaseSearchCV.fit gives the splitter; routing the rest again
            # would repeat its warning about a scorer without sample_weight.
            split_params = {"groups": params.get("groups")}
        folds = [(_as_indices(train), test) for train, test in cv.split(X, y, **split_params)]
        if not folds:
            hint = (
                "; an iterator may have been consumed already: pass its splits as a list"
                if isinstance(cv_given, Iterator) else ""
            )
            raise ValueError(f"{type(self).__name__}: cv={cv_given!r} yields no splits{hint}.")
        if self.resource == "n_samples" and not any(len(train) for train, _ in folds):
            raise ValueError(
                f"{type(self).__name__}: every training fold of cv={cv_given!r} is "
                "empty, and resource='n_samples' subsamples training folds."
            )
        n_classes = None
        if y is not None and is_classifier(self.estimator):
            if type_of_target(y) in ("binary", "multiclass"):
                n_classes = len(np.unique(_as_numpy(y)))
        groups = split_params.get("groups")
        group_floor = None
        if groups is not None and splits_by_group(cv):
            groups = _as_numpy(groups)
            _, group_of, sizes = np.unique(groups, return_inverse=True, return_counts=True)
            group_floor = int(sizes.max())
            if n_classes is not None:
                label = _class_labels(y, slice(None))
                pairs = np.unique(np.column_stack([group_of.reshape(-1), label]), axis=0)
                if len(pairs) < len(sizes) * n_classes:
                    group_floor *= n_classes
        return cv, folds, n_classes, group_floor

    def _resource_range(self, space, smallest_fold, n_classes, group_floor=None):
        """``(min_resource, max_resource)`` after defaults and checks.

        ``smallest_fold`` is the size of the smallest training fold;
        ``n_classes`` and ``group_floor`` as returned by :meth:`_split`.
        """
        name = type(self).__name__
        if self.resource == "n_samples":
            if self.max_resource is not None and self.max_resource > smallest_fold:
                raise ValueError(
                    f"{name}: max_resource={self.max_resource} exceeds the "
                    f"smallest training fold ({smallest_fold} samples) with "
                    "resource='n_samples'."
                )
            max_resource = self.max_resource or smallest_fold
            if n_classes is not None:
                floor = _MIN_SAMPLES_PER_CLASS * n_classes
            else:
                floor = _MIN_SAMPLES
            # Subsamples hold whole groups: a level smaller than a group would
            # fit more samples than n_resources says, or miss classes.
            floor = max(floor, group_floor or 0)
        else:
            self._check_resource_parameter(space)
            max_resource, floor = self.max_resource, 1
        if self.min_resource is None:
            min_resource = max(floor, max_resource // self.eta**_DEFAULT_MAX_HALVINGS)
            # Too little data for the floor: a single level at max_resource.
            min_resource = min(min_resource, max_resource)
        else:
            min_resource = self.min_resource
            if self.resource == "n_samples" and n_classes is not None and min_resource < n_classes:
                warnings.warn(
                    f"{name}: min_resource={min_resource} is below the number of "
                    f"classes ({n_classes}): subsamples that small miss a class, "
                    "which a model fitted on them never predicts (and many "
                    "classifiers cannot fit on a single class).",
                    UserWarning,
                )
        if min_resource > max_resource:
            # Say where max_resource came from when the user did not set it.
            inferred = (
                f" (the smallest training fold, {smallest_fold} samples)"
                if self.max_resource is None
                else ""
            )
            raise ValueError(
                f"{name}: min_resource={min_resource} must not exceed "
                f"max_resource={max_resource}{inferred}."
            )
        # NumPy integers (max_resource=np.int64(81)) would leak into brackets_.
        return int(min_resource), int(max_resource)

    def _check_resource_parameter(self, space):
        name, resource = type(self).__name__, self.resource
        if resource in space.names:
            raise ValueError(
                f"{name}: the resource parameter {resource!r} must not be in "
                "param_distributions; the search sets it for every rung."
            )
        # Under a step a sub-space swaps (at any depth), its fits set it; the
        # other sub-spaces fit the base estimator's step.
        owners = owner_paths(resource)
        swapped = all(any(owner in sub.names for owner in owners) for sub in space.subspaces)
        for sub in space.subspaces:
            self._check_swapped_steps_have_resource(sub)
        estimator = self._estimator_as_given()
        if hasattr(estimator, "get_params") and not swapped:
            params = estimator.get_params(deep=True)
            if resource not in params:
                # A pipeline's step parameters carry the step's name.
                nested = [p for p in params if p.endswith(f"__{resource}")]
                hint = f" Did you mean {' or '.join(map(repr, nested))}?" if nested else ""
                raise ValueError(
                    f"{name}: resource={resource!r} is neither 'n_samples' nor a "
                    f"parameter of {estimator!r}.{hint}"
                )
            # Rungs set whole numbers; a parameter that holds a fraction (tol,
            # learning_rate), a string (kernel) or a switch is not a budget.
            current = params[resource]
            if current is not None and (
                isinstance(current, bool) or not isinstance(current, numbers.Integral)
            ):
                raise ValueError(
                    f"{name}: resource={resource!r} must be an integer parameter such "
                    f"as max_iter or n_estimators; its value is {current!r}."
                )
        # Checked last, so that a misspelt resource is named before this is asked.
        if self.max_resource is None:
            raise ValueError(
                f"{name}: max_resource is required when resource={resource!r} is a "
                "parameter (it is only inferred for resource='n_samples')."
            )

    def _check_swapped_steps_have_resource(self, sub):
        """Raise if a step the sub-space lists for the resource's owner lacks it:
        every fit of that step would stop the search at ``set_params``."""
        owner = next((o for o in owner_paths(self.resource) if o in sub.names), None)
        if owner is None:
            return
        dimension = sub.dimensions[sub.names.index(owner)]
        steps = dimension.values if dimension.is_categorical else ()
        leaf = self.resource[len(owner) + 2 :]
        for step in steps:
            if hasattr(step, "get_params"):
                if leaf in step.get_params(deep=True) or set_params_accepts(step, leaf):
                    continue
            elif step is not None and not isinstance(step, str):
                continue  # an object of unknown kind: left to its fits
            # None, "passthrough" and "drop" have no parameters at all.
            raise ValueError(
                f"{type(self).__name__}: resource={self.resource!r} is not a "
                f"parameter of {step!r}, one of the values param_distributions "
                f"gives {owner!r}."
            )

    def _make_strategy(self, space, rng):
        subsample_seed = rng.randint(np.iinfo(np.int32).max)
        cv, cv_folds, n_classes, group_floor = self._split()
        # An empty training fold (a walk-forward split without history) fails
        # its fits, as in any search; the others set the resource range.
        smallest = min((len(train) for train, _ in cv_folds if len(train)), default=0)
        min_resource, max_resource = self._resource_range(
            space, smallest, n_classes, group_floor
        )
        eta = int(self.eta)
        levels, schedule, n_configs = search_schedule(
            min_resource, max_resource, eta, self.n_brackets, space.distinct_size, space.is_grid
        )
        folds = SubsampledCV(
            cv,
            folds=cv_folds,
            stratify=n_classes is not None,
            whole_groups=group_floor is not None,
            random_state=subsample_seed,
        )
        resource = self.resource

        store = self._model_store

        def level_args(level, oldest_continued, continued):
            # Models no later batch needs only fill the disk.
            if store is not None and oldest_continued is not None:
                store.discard_below(oldest_continued)
            if store is not None and continued is not None:
                store.discard_configurations_except(
                    {config_key(space.decode(point), resource) for point in continued}
                )
            if resource != "n_samples":
                return {resource: level}, folds
            # Folds are subsampled only below the smallest training fold.
            return {}, folds.at(level if level < smallest else None)

        self.min_resource_, self.max_resource_ = min_resource, max_resource
        self.brackets_ = schedule
        # The names scikit-learn's halving searches use, for code written for them.
        self.min_resources_, self.max_resources_ = min_resource, max_resource
        self.n_possible_iterations_ = len(levels)
        # Rounds the most aggressive bracket needs to leave fewer than eta
        # configurations; more than the levels for a grid started whole.
        self.n_required_iterations_ = 1 + integer_log(schedule[0][0][0], eta)
        # Under a time limit the brackets run one after another, so that a
        # max_resource result exists as early as a halving search would give it;
        # otherwise they share one batch per level, which keeps workers busier.
        sequential = self.max_time is not None and self.max_time < math.inf
        return HyperbandStrategy(
            space, rng, schedule, levels, eta, level_args, self.sampler, sequential,
            n_configs, first_chunk=self._first_chunk_size() if sequential else None,
        )

    def _store_strategy_results(self, strategy, space):
        self.n_resources_ = [strategy.levels[level] for level in strategy.levels_reached]
        self.n_candidates_ = strategy.n_candidates
        self.n_iterations_ = len(self.n_resources_)
        self._warn_about_unscored_levels(strategy)
        stopped_early = self.n_resources_[-1] < self.max_resource_
        # Ctrl-C has warned already; max_time is the other way to stop early.
        if stopped_early and self.max_time is not None and not self.__dict__.get("_interrupted"):
            # A callable refit picks its own row, and without refit a
            # multimetric search has no best_index_: the clause would mislead.
            # multimetric_ is only set once the search has run; the type of the
            # fits' scores tells it now.
            partial = self.__dict__.get("_partial_results")
            fits = partial[1][2] if partial is not None else []
            single_metric = bool(fits) and not isinstance(fits[0]["test_scores"], dict)
            picks_best = not callable(self.refit) and (bool(self.refit) or single_metric)
            warnings.warn(
                f"{type(self).__name__}: max_time={self.max_time} ended the search "
                f"at n_resources={self.n_resources_[-1]}, before any configuration "
                f"reached max_resource={self.max_resource_}"
                + (
                    "; best_index_ is the best row at the largest resource with a score."
                    if picks_best else "."
                ),
                UserWarning,
            )

    def _warn_about_unscored_levels(self, strategy):
        """Warn when no fit at a level had a score though larger levels have:
        its rungs promoted configurations they could not rank."""
        has_score = {
            level: any(not np.isnan(score) for _, score in strategy.observed[level].values())
            for level in strategy.levels_reached
        }
        scored = [level for level, any_score in has_score.items() if any_score]
        unscored = [
            strategy.levels[level] for level, any_score in has_score.items()
            if not any_score and scored and level < max(scored)
        ]
        if not unscored:
            return
        why = (
            " (a stratified subsample holds 5 samples of a rare class, or its "
            "proportion: an imbalanced-learn SMOTE step needs k_neighbors + 1)"
            if self.resource == "n_samples"
            else ""
        )
        levels = ", ".join(str(level) for level in unscored)
        warnings.warn(
            f"{type(self).__name__}: every fit at n_resources={levels} failed or "
            "scored NaN, though fits with more resource have scores: those rungs "
            "promoted configurations they could not rank. The estimator may need "
            f"more resource than that{why}; raise min_resource (now "
            f"{self.min_resource_}).",
            UserWarning,
        )

    def _select_best_index(self, refit, refit_metric, results):
        # Low resources flatter some configurations: the best is taken among the
        # rows at the largest resource reached that has a real score (a numeric
        # error_score of a failed fit is not one, as for promotions).
        if callable(refit):
            return BaseSearchCV._select_best_index(refit, refit_metric, results)
        n_resources = np.asarray(results["n_resources"])
        # The rows the search was told a score of (the refit metric's): not a
        # failed fit's error_score, nor a NaN score.
        scored = self._row_has_score
        pool = n_resources[scored] if scored.any() else n_resources
        if pool.max() < n_resources.max():
            warnings.warn(
                f"{type(self).__name__}: no configuration evaluated above "
                f"n_resources={pool.max()} has a score (fits failed, or the score "
                f"was NaN); best_index_ is the best row at n_resources={pool.max()}.",
                UserWarning,
            )
        rows = np.flatnonzero((n_resources == pool.max()) & (scored | ~scored.any()))
        ranks = np.asarray(results[f"rank_test_{refit_metric}"])[rows]
        return rows[np.argmin(ranks)]  # a numpy integer, as BaseSearchCV's
