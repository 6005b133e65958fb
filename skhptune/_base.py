"""The ask/tell loop shared by every search, on top of scikit-learn's ``BaseSearchCV``.

A strategy proposes a :class:`Batch` of points with ``ask()`` and learns their scores
with ``tell(batch, scores)``; :class:`SearchRunner` turns each batch into a single
``evaluate_candidates`` call (so joblib runs ``len(batch) * n_splits`` fits at once),
reads the refit metric back, never refits a configuration it has already seen, and
stops when the strategy is done, the evaluation budget is spent or ``max_time`` has
passed.
"""

import contextlib
import functools
import inspect
import numbers
import os
import re
import threading
import time
import warnings
from abc import abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from joblib import effective_n_jobs
import numpy as np
import sklearn
from sklearn import get_config
from sklearn.base import BaseEstimator, clone, is_classifier
from sklearn.exceptions import FitFailedWarning
from sklearn.model_selection._search import BaseSearchCV
from sklearn.model_selection import check_cv
from sklearn.model_selection._validation import (
    _fit_and_score,
    _warn_or_raise_about_fit_failures,
)
from sklearn.pipeline import Pipeline
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, InvalidParameterError, Options
import threadpoolctl

from ._space import Space
from ._thread_warnings import ignored_in_this_thread
from ._scoring import RealScore, scorers_as_given, search_scorers
from ._warm_start import ModelStore, WarmStartEstimator, histogram_booster, unwrapped


@functools.cache
def _threadpool_controller():
    # Finding the loaded BLAS libraries takes milliseconds: do it once. The
    # threadpoolctl 2 that scikit-learn 1.4 accepts has no controller.
    if not hasattr(threadpoolctl, "ThreadpoolController"):
        return None
    return threadpoolctl.ThreadpoolController()


_blas_limit_lock = threading.RLock()


def _unlock_blas_limit_in_child():
    # A process forked while another thread held the lock would wait on it for good.
    global _blas_limit_lock
    _blas_limit_lock = threading.RLock()


if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_unlock_blas_limit_in_child)


@contextlib.contextmanager
def single_threaded_blas():
    """Context manager limiting BLAS to one thread.

    A surrogate's matrices are small: threaded BLAS only adds contention with the
    fits running beside it (measured 10x slower on a busy machine), and the
    proposals depend on the thread count in their last bits. The limit is
    process-wide, so searches running in threads of one process (nested
    cross-validation on the threading backend) take it one at a time, each
    lifting it from its own thread: OpenBLAS ignores a thread count raised
    from another thread while the one that lowered it lives, which left BLAS
    at one thread for good when overlapping limits were lifted by the last.
    """
    with _blas_limit_lock:
        controller = _threadpool_controller()
        if controller is None:
            limiter = threadpoolctl.threadpool_limits(limits=1, user_api="blas")
        else:
            limiter = controller.limit(limits=1, user_api="blas")
        with limiter:
            yield


@dataclass
class Batch:
    """Points a strategy wants evaluated together.

    Parameters
    ----------
    points : list of (int, ndarray)
        ``(subspace index, unit vector)`` pairs.
    extra_params : list of dict, optional
        Parameters merged into each point's decoded dict (e.g. a resource).
    cv : cross-validation splitter, optional
        Splitter for this batch; the search's ``cv`` when ``None``.
    more_results : dict of str to list, optional
        Extra ``cv_results_`` columns, one value per point.
    resource : int, optional
        Resource level of the points (Hyperband). The same point at another
        level is a new evaluation, and the best score so far counts only the
        rows at the largest level with a (non-NaN) score, as ``best_index_`` does.
    """

    points: list
    extra_params: list = None
    cv: object = None
    more_results: dict = field(default_factory=dict)
    resource: int | None = None


def owner_paths(name):
    """The parameter paths of the estimators above ``name``, deepest first:
    ``"a__b__c"`` gives ``["a__b", "a"]``."""
    parts = name.split("__")
    return ["__".join(parts[:i]) for i in range(len(parts) - 1, 0, -1)]


def check_parameter_names(estimator, space):
    """Raise if the space names a parameter the estimator does not have.

    Names are checked against the deepest estimator that owns them. A name under
    an estimator the same sub-space searches (a step it swaps, at any depth)
    cannot be checked and is trusted, as is one whose owner is not a
    scikit-learn ``BaseEstimator`` or still ``None`` (a ``Pipeline`` step the
    search fills), and one that the owner's own ``set_params`` accepts
    (wrappers such as LightGBM's take any keyword), as in ``GridSearchCV``.
    """
    if not isinstance(estimator, BaseEstimator):
        return
    valid = estimator.get_params(deep=True)
    for sub in space.subspaces:
        for name in sub.names:
            if name in valid:
                continue
            owners = owner_paths(name)
            if any(owner in sub.names for owner in owners):
                continue
            owner = next((o for o in owners if o in valid), None)
            if owner is not None and not isinstance(valid[owner], BaseEstimator):
                continue
            target = estimator if owner is None else valid[owner]
            leaf = name if owner is None else name[len(owner) + 2 :]
            if set_params_accepts(target, leaf):
                continue
            raise ValueError(
                f"Invalid parameter {name!r} in param_distributions for estimator "
                f"{estimator!r}. Valid parameters are: {sorted(valid)!r}."
            )


def set_params_accepts(estimator, name):
    """Whether ``estimator`` overrides ``set_params`` and takes ``name`` in it."""
    if type(estimator).set_params is BaseEstimator.set_params:
        return False  # the stock method accepts exactly the get_params names
    try:
        clone(estimator).set_params(**{name: None})
    except ValueError:
        return False
    except Exception:  # noqa: BLE001 - an unusual set_params: leave it to the fits
        return True
    return True


def metric_names(results):
    """Names of the metrics in ``cv_results_``, in its order."""
    return [key[len("mean_test_") :] for key in results if key.startswith("mean_test_")]


def search_metric(search, results):
    """Name of the metric a search optimises: the refit metric, else the first one."""
    metrics = metric_names(results)
    if isinstance(search.refit, str) and search.refit in metrics:
        return search.refit
    return metrics[0]


def _metric_before_results(search):
    """The name :func:`search_metric` will give, as far as ``scoring`` tells it
    before any result (a callable returning a dict tells nothing)."""
    if not isinstance(search.scoring, (list, tuple, dict)) or not search.scoring:
        return "score"
    if isinstance(search.refit, str) and search.refit in search.scoring:
        return search.refit
    return next(iter(search.scoring))


def best_so_far(scores, resources=None):
    """After each row, the best score ``best_index_`` would pick among the rows so far.

    That is the best non-NaN score among the rows at the largest resource with a
    non-NaN score (every row, while none has one; an infinite score counts, as
    ``rank_test_score`` ranks it); rows whose resource is ``None`` share one
    level.

    Parameters
    ----------
    scores : array-like of float
        Mean test scores, in evaluation order.
    resources : sequence of int or None, default=None
        The resource of each row; ``None`` puts every row at one level.

    Returns
    -------
    ndarray of float
        NaN until a row has a score.
    """
    best = np.full(len(scores), np.nan)
    if resources is None:
        resources = [None] * len(scores)
    level, top = None, np.nan
    for i, (score, resource) in enumerate(zip(scores, resources)):
        resource = 0 if resource is None else resource
        if not np.isnan(score) and level is not None and resource > level:
            level, top = resource, score  # lower resources no longer count
        elif level is None or resource == level:
            top = np.fmax(top, score)
            if not np.isnan(score):
                level = resource
        best[i] = top
    return best


def warn_out_of_new_configurations(search, n_evaluated, budget, proposer):
    """Warn that ``search`` ended short of its ``budget``: ``proposer`` and random
    draws found no configuration it had not evaluated."""
    warnings.warn(
        f"{type(search).__name__} evaluated {n_evaluated} configurations of "
        f"{budget}: neither {proposer} nor random draws found one it had not "
        "evaluated. A discrete distribution reaches the values of its tail too "
        "rarely to be drawn (list the values to search them all), or a "
        "continuous range is narrower than the 12 significant digits that tell "
        "configurations apart.",
        UserWarning,
    )


def _lacks_a_score(fits, metric, error_score):
    """Whether a configuration's fits (one per split) give no real score of ``metric``.

    A fit failed, or scoring raised in some split: scikit-learn then puts a
    numeric ``error_score`` in place of that score with no ``fit_error`` to
    tell, and the mean mixes it with real scores (as NaN, the default, would
    not). A real score equal to ``error_score`` (0 is perfect under a ``neg_``
    metric) comes marked as a :class:`~skhptune._scoring.RealScore` by the
    search's scorers.
    """
    if any(fit["fit_error"] is not None for fit in fits):
        return True
    # ``x != x`` tells NaN without converting (an int too large for a float).
    if not isinstance(error_score, numbers.Real) or error_score != error_score:
        return False
    scores = (
        fit["test_scores"][metric] if isinstance(fit["test_scores"], dict) else fit["test_scores"]
        for fit in fits
    )
    return any(score == error_score and not isinstance(score, RealScore) for score in scores)


def _is_all_fits_failed(error):
    return isinstance(error, ValueError) and "fits failed" in str(error)


# scikit-learn's all-fits-failed message: its preamble (the whole of it, so that
# an error merely quoting the first line is not taken for one), then per distinct
# error a section "<count> fits failed with the following error:" after a line of
# 80 dashes. An error may itself be such a summary, with sections of its own
# inside the outer section's text: a nested search's all-fits-failed error, or
# its some-fits-failed warning raised as an error (warnings filtered to errors).
_ALL_FAILED = re.compile(
    r"All the (\d+) fits failed\.\nIt is very likely that your model is misconfigured\.\n"
    r"You can try to debug the error by setting error_score='raise'\.\n\n"
    r"Below are more details about the failures:\n"
)
_NESTED_SUMMARY = re.compile(
    rf"{_ALL_FAILED.pattern}|(\d+) fits failed out of a total of \d+\.\n"
    r"The score on these train-test partitions for these parameters will be set to [^\n]*\.\n"
    r"If these failures are not expected, you can try to debug them by setting "
    r"error_score='raise'\.\n\nBelow are more details about the failures:\n"
)
_SECTION = re.compile(r"-{80}\n(\d+) fits failed with the following error:\n")


# The warning scikit-learn gives after each batch in which some fits failed;
# the searches give one for all batches when they end.
_PARTIAL_FAILURES = r"\s*\d+ fits failed out of a total of"
_NON_FINITE_SCORES = r"One or more of the \w+ scores are non-finite"


def _failed_fits(error):
    """The fit errors that an "All the N fits failed" message summarises."""
    header = _ALL_FAILED.search(error)
    if header is None:
        return []
    sections, _ = _read_sections(error, header.end(), int(header.group(1)))
    return [text for count, text in sections for _ in range(count)]


def _read_sections(message, start, n_fits):
    """The ``(count, text)`` sections from ``start`` that add up to ``n_fits``
    fits, and where the last one ends."""
    sections, end = [], len(message)
    section = _SECTION.search(message, start)
    while section is not None and sum(count for count, _ in sections) < n_fits:
        text_start = position = section.end()
        following = _SECTION.search(message, position)
        # Skip the sections of a nested message, so that they stay in this text.
        while (
            nested := _NESTED_SUMMARY.search(
                message, position, following.start() if following else len(message)
            )
        ) is not None:
            n_nested = int(nested.group(1) or nested.group(2))
            _, position = _read_sections(message, nested.end(), n_nested)
            following = _SECTION.search(message, position)
        # Sections are joined by a newline, which is not part of the error.
        end = following.start() - 1 if following else len(message)
        sections.append((int(section.group(1)), message[text_start:end]))
        section = following
    return sections, end


def _all_fits_failed_error(batch_errors, error_score):
    """The error of a search whose every batch failed, counting all their fits.

    Each batch's error counts the fits of that batch only; the user should read
    what one ``RandomizedSearchCV`` batch of the same fits would report.
    """
    fit_errors = [text for error in batch_errors for text in _failed_fits(error)]
    try:
        _warn_or_raise_about_fit_failures([{"fit_error": e} for e in fit_errors], error_score)
    except ValueError as combined:
        return combined
    return ValueError(batch_errors[-1])  # a message in an unknown format stays as it was


def _with_failed_rows(candidate_params, n_splits, out, more_results, failed, error_score):
    """The arguments of ``_format_results`` with the rows of wholly failed batches.

    ``BaseSearchCV`` raises on a batch whose every fit failed and keeps nothing
    of it. Each of its fits is rebuilt as ``_fit_and_score`` reports a failed
    fit (``error_score``, the error, no time), in the format of a successful fit
    of the same split, and inserted where the batch ran.
    """
    successful = [fit for fit in out if fit["fit_error"] is None] or out
    templates = [
        next((fit for fit in out[split::n_splits] if fit["fit_error"] is None), successful[0])
        for split in range(n_splits)
    ]
    params, out = list(candidate_params), list(out)
    more = {name: list(values) for name, values in (more_results or {}).items()}
    for row, candidates, batch_more, error in failed:
        rows = []
        for _ in candidates:
            for template in templates:
                fit = dict(template, fit_error=error, fit_time=0.0, score_time=0.0)
                for key in ("test_scores", "train_scores"):
                    if key in template:
                        scores = template[key]
                        fit[key] = (
                            dict.fromkeys(scores, error_score)
                            if isinstance(scores, dict)
                            else error_score
                        )
                rows.append(fit)
        params[row:row] = candidates
        out[row * n_splits : row * n_splits] = rows
        for name, values in more.items():
            values[row:row] = (batch_more or {}).get(name, [None] * len(candidates))
    return params, out, more or more_results


class ReplayedFolds:
    """A splitter whose folds are computed on the first ``split`` and replayed.

    ``BaseSearchCV`` splits again for every batch. A splitter that shuffles
    without a seed (``KFold(shuffle=True)``) or can split only once would give
    each batch other folds, and scores of different batches would not compare;
    ``GridSearchCV``, with one batch, never meets this. Splitting once also
    shows the splitter's warnings (a class with fewer members than folds) once,
    as ``GridSearchCV`` does.

    Parameters
    ----------
    cv : int, None or cross-validation splitter
        The search's ``cv``.
    classifier : bool
        Whether the estimator is a classifier: an int or None then means
        stratified folds for a binary or multiclass target, as in ``check_cv``.
    """

    def __init__(self, cv, classifier):
        self.cv = cv
        self.classifier = classifier
        self._folds = None

    def get_n_splits(self, X=None, y=None, **params):
        # Stratified or not, an int's splitter makes as many folds.
        return check_cv(self.cv).get_n_splits(X, y, **params)

    def split(self, X, y=None, **params):
        if self._folds is None:
            splitter = check_cv(self.cv, y, classifier=self.classifier)
            self._folds = list(splitter.split(X, y, **params))
        return iter(self._folds)


class SearchRunner:
    """Runs batches through ``evaluate_candidates`` and keeps the search's record.

    Parameters
    ----------
    search : AskTellSearchCV
        The search being fitted: the runner reads its ``refit``, ``verbose``,
        ``max_time`` and ``error_score`` and the fits of its last batch, and
        records wholly failed batches in its ``_failed_batches`` (filled in
        when the search ends).
    space : Space
        The parsed search space.
    evaluate_candidates : callable
        The callback ``BaseSearchCV.fit`` hands to ``_run_search``.
    callback_ctx : CallbackContext or None
        scikit-learn's callback context, where the installed version has one.
    max_evaluations : int or None
        Budget in evaluated configurations.
    """

    def __init__(self, search, space, evaluate_candidates, callback_ctx, max_evaluations):
        self.search = search
        self.space = space
        self.max_evaluations = max_evaluations
        self._evaluate_candidates = evaluate_candidates
        # Every batch without folds of its own is scored on the same folds. An
        # iterable of splits is listed once by BaseSearchCV already.
        cv = search.cv
        replayed = cv is None or isinstance(cv, numbers.Integral) or hasattr(cv, "split")
        self._folds = ReplayedFolds(cv, is_classifier(search.estimator)) if replayed else None
        self._callback_ctx = callback_ctx
        self._search_ctx = None
        self._start = time.perf_counter()
        self._known = {}  # de-duplication key -> mean test score
        self._row_scores = []
        self._row_has_score = []  # False where a fit failed (see _lacks_a_score)
        self._row_times = []
        self._row_resources = []
        self._any_success = False
        self._metric = _metric_before_results(search)  # named by the verbose lines
        self.n_batches = 0
        self.ended_by_time = False

    @property
    def n_evaluated(self):
        """Configurations evaluated so far (including failed batches)."""
        return len(self._known)

    @property
    def elapsed(self):
        return time.perf_counter() - self._start

    @property
    def best_score(self):
        if not self._row_scores:
            return np.nan
        return self._best_so_far(np.array(self._row_scores, dtype=float))[-1]

    def _best_so_far(self, scores):
        """:func:`best_so_far` of the rows' ``scores``, as ``best_index_`` picks."""
        if any(resource is not None for resource in self._row_resources):
            # HyperbandSearchCV's best_index_ passes over failed rows, as its
            # promotions do, whatever error_score says.
            scores = np.where(self.row_has_score, scores, np.nan)
        return best_so_far(scores, self._row_resources)

    def out_of_budget(self):
        """Whether no further batch may start."""
        if self.max_evaluations is not None and self.n_evaluated >= self.max_evaluations:
            return True
        max_time = self.search.max_time
        self.ended_by_time = (
            self.n_batches > 0 and max_time is not None and self.elapsed >= max_time
        )
        return self.ended_by_time

    def run(self, strategy):
        """Ask and tell until the strategy or the budget is exhausted."""
        # A strategy that knows it asks for one batch only reports like a grid.
        self._begin_search(n_points=getattr(strategy, "single_batch_size", None))
        with self._keeping_finished_batches():
            while not self.out_of_budget():
                batch = strategy.ask()
                if batch is None or not batch.points:
                    break
                try:
                    scores = self.evaluate(batch)
                except KeyboardInterrupt:
                    # A callback interrupted a recorded batch: the strategy's
                    # records (generation_stats_) keep it, as cv_results_ does.
                    if all(key in self._known for key in self._keys(batch)):
                        strategy.tell(batch, self._known_scores(batch))
                    raise
                strategy.tell(batch, scores)
        with self._keeping_finished_batches():
            self._end_search()

    def run_once(self, batch):
        """Evaluate a single batch (an exhaustive grid), reported as one task as
        GridSearchCV reports its grid."""
        self._begin_search(n_points=len(batch.points))
        with self._keeping_finished_batches():
            self.evaluate(batch)
        with self._keeping_finished_batches():
            self._end_search()

    @contextlib.contextmanager
    def _keeping_finished_batches(self):
        """Turn Ctrl-C inside the block into the end of the search.

        The finished batches stand and the best of them is refitted, so a long
        search is never lost; fit then raises the interrupt again, so that a
        caller (cross_val_score, an outer search) stops too. The same holds for
        an interrupt as the search ends (a callback's at the end of its
        "search" task).
        """
        try:
            yield
        except KeyboardInterrupt as interrupt:
            if not self._any_success:  # nothing usable finished
                raise
            if not self.search.__dict__.get("_interrupted"):
                self.search._interrupted = interrupt  # fit raises it when done
                warnings.warn(
                    f"Search interrupted after {len(self._row_scores)} evaluations; "
                    "keeping the results so far.",
                    UserWarning,
                )

    def evaluate(self, batch):
        """Evaluate the batch's new configurations; return a score per point.

        A configuration that failed to fit or to score in some fold scores NaN
        whatever ``error_score`` put in ``cv_results_`` (see
        :func:`_lacks_a_score`); each strategy decides how a failure ranks.
        """
        keys = self._keys(batch)
        new = []
        for i, key in enumerate(keys):
            if key not in self._known and key not in (keys[j] for j in new):
                new.append(i)
        if self.max_evaluations is not None:
            new = new[: max(self.max_evaluations - self.n_evaluated, 0)]
        if new:
            self._evaluate_new(batch, new, [keys[i] for i in new])
        return self._known_scores(batch)

    def _known_scores(self, batch):
        return np.array([self._known.get(key, np.nan) for key in self._keys(batch)])

    def _keys(self, batch):
        return [self._key(batch, i) for i in range(len(batch.points))]

    def _key(self, batch, i):
        extra = batch.extra_params[i] if batch.extra_params else {}
        return (self.space.key(batch.points[i]), batch.resource, tuple(sorted(extra.items())))

    def _evaluate_new(self, batch, new, keys):
        candidates = []
        for i in new:
            params = self.space.decode(batch.points[i])
            if batch.extra_params:
                params.update(batch.extra_params[i])
            candidates.append(params)
        more_results = {name: [values[i] for i in new] for name, values in batch.more_results.items()}
        cv = batch.cv if batch.cv is not None else self._folds
        kwargs = {"cv": cv, "more_results": more_results or None}
        batch_ctx = self._batch_context(len(candidates))
        if batch_ctx is not None:
            kwargs["callback_ctx"] = batch_ctx
        try:
            scores, told = self._scores_of(candidates, more_results, kwargs)
            # Recorded before the callbacks end the batch: an interrupt raised
            # there leaves the rows in cv_results_, which the records must match.
            self._row_scores.extend(scores)
            self._row_has_score.extend(~np.isnan(told))  # +-inf are scores, as ranked
            self._row_times.extend([self.elapsed] * len(candidates))
            self._row_resources.extend([batch.resource] * len(candidates))
            self._known.update(zip(keys, told))
            self.n_batches += 1
        finally:
            if batch_ctx is not None and batch_ctx is not self._search_ctx:
                batch_ctx.call_on_fit_task_end(estimator=self.search)
        self._report_progress()

    def _scores_of(self, candidates, more_results, kwargs):
        """Evaluate one batch: the refit metric's mean test score per candidate,
        as in ``cv_results_`` and as the strategy is told (NaN where a fit
        failed, whatever ``error_score`` put in ``cv_results_``)."""
        try:
            # Counted over every batch when the search ends
            # (AskTellSearchCV._warn_about_fit_failures), as in the one batch of
            # RandomizedSearchCV. A search fitted by a fit running in this thread
            # (n_jobs=1) warns about its own failures as it would alone.
            with ignored_in_this_thread(
                FitFailedWarning, _PARTIAL_FAILURES, except_inside=_fit_and_score.__code__
            ):
                results = self._evaluate_candidates(candidates, **kwargs)
        except ValueError as error:
            # With error_score="raise" the message is not scikit-learn's summary
            # of a batch but an estimator's own (a nested search's): as it says.
            if self.search.error_score == "raise" or not _is_all_fits_failed(error):
                raise
            # BaseSearchCV drops such a batch; its rows get error_score when the
            # search ends (AskTellSearchCV._complete_results), as they would in
            # one big RandomizedSearchCV batch. The search goes on unless nothing
            # at all succeeds (checked at the end).
            self.search._failed_batches.append(
                (len(self._row_scores), candidates, more_results, str(error))
            )
            return np.full(len(candidates), np.nan), np.full(len(candidates), np.nan)
        self._any_success = True
        metric = self._metric = search_metric(self.search, results)
        scores = np.asarray(results[f"mean_test_{metric}"][-len(candidates) :], dtype=float)
        # A numeric error_score (0 under a neg_ metric) must not pass for a score.
        _, n_splits, out, _ = self.search._partial_results[1]  # n_splits_ is set later
        fits = out[-len(candidates) * n_splits :]
        failed = [
            _lacks_a_score(
                fits[i * n_splits : (i + 1) * n_splits], metric, self.search.error_score
            )
            for i in range(len(candidates))
        ]
        return scores, np.where(failed, np.nan, scores)

    def _begin_search(self, n_points):
        if self._callback_ctx is None:
            return
        n_splits = self.search.n_splits_
        self._single_batch = n_points is not None
        self._search_ctx = self._callback_ctx.subcontext(
            task_name="search",
            max_subtasks=n_points * n_splits if n_points else None,
            sequential_subtasks=not self._single_batch,
        ).call_on_fit_task_begin(estimator=self.search)

    def _batch_context(self, n_candidates):
        if self._search_ctx is None:
            return None
        if self._single_batch:
            return self._search_ctx
        return self._search_ctx.subcontext(
            task_name="batch",
            max_subtasks=n_candidates * self.search.n_splits_,
            sequential_subtasks=False,
        ).call_on_fit_task_begin(estimator=self.search)

    def _end_search(self):
        if self._search_ctx is not None:
            self._search_ctx.call_on_fit_task_end(estimator=self.search)
        # Only a budget tells that evaluations were left (Hyperband warns itself
        # when the limit stops it before max_resource).
        budget_left = self.max_evaluations is not None and self.n_evaluated < self.max_evaluations
        if self.ended_by_time and budget_left and self.search.verbose:
            print(
                f"[{type(self.search).__name__}] max_time={self.search.max_time} ended "
                f"the search after {len(self._row_scores)} of {self.max_evaluations} "
                "evaluations",
                flush=True,
            )
        failures = [error for *_, error in self.search._failed_batches]
        if not self._any_success and failures:
            raise _all_fits_failed_error(failures, self.search.error_score)

    def _report_progress(self):
        if not self.search.verbose:
            return
        done, total = len(self._row_scores), self.max_evaluations
        line = f"[{type(self.search).__name__}] batch {self.n_batches}: {done}"
        line += f"/{total} evaluations" if total else " evaluations"
        line += f", best {self._metric} {self.best_score:.4g}, {self.elapsed:.1f} s elapsed"
        if total and done:
            line += f", ~{self.elapsed / done * (total - done):.0f} s left"
        print(line, flush=True)

    @property
    def row_has_score(self):
        """Per row of ``cv_results_``, whether its configuration got a real score:
        False where a fit failed, whatever ``error_score`` put in its place."""
        return np.array(self._row_has_score, dtype=bool)

    def history(self):
        """Per evaluation (row of ``cv_results_``): score, best so far, elapsed time."""
        scores = np.array(self._row_scores, dtype=float)
        # Rows of wholly failed batches score error_score in cv_results_; the
        # strategy was told NaN instead.
        for row, candidates, *_ in self.search._failed_batches:
            scores[row : row + len(candidates)] = self.search.error_score
        best = self._best_so_far(scores)
        return {"score": scores, "best_score": best, "elapsed_time": np.array(self._row_times)}


def chunk_end(start, total, first):
    """Where a batch of growing batches ends: the first holds ``first`` points,
    each later one as many as all before it, up to ``total``."""
    return min(total, start + max(first, start))


class GridInChunks:
    """Asks for the points of a grid in order, under a time limit.

    The first batch holds ``size`` points, each later one as many as all the
    batches before it: a limit that is never reached costs a few batch
    boundaries (the logarithm of the grid's size), and a batch started before
    the limit holds no more points than the search has done. (Guessing from
    the time per point so far whether the rest fits is no safer: grids often
    list their dearest configurations last, ``n_estimators=[10, 100, 1000]``.)

    Parameters
    ----------
    grid : list
        The points, in the order they are evaluated.
    columns : dict of lists
        Extra ``cv_results_`` columns, one value per point.
    size : int
        Points of the first batch.
    """

    def __init__(self, grid, columns, size):
        self.grid, self.columns, self.size = grid, columns, size
        self._next = 0

    def ask(self):
        start, left = self._next, len(self.grid) - self._next
        if left <= 0:
            return None
        self._next = chunk_end(start, len(self.grid), self.size)
        more = {name: values[start : self._next] for name, values in self.columns.items()}
        return Batch(self.grid[start : self._next], more_results=more)

    def tell(self, batch, scores):
        pass


_SKLEARN_DIR = os.path.dirname(os.path.abspath(sklearn.__file__)) + os.sep


def _fit_refusal(estimator, name, steps_searched=False):
    """Why ``estimator.fit`` cannot take the parameter ``name`` (metadata routing
    off), or ``None`` when it may.

    A ``Pipeline`` takes ``**params`` but only ``step__parameter`` names of its
    steps besides those its ``fit`` names (a subclass may add some); the step
    itself may be one the search swaps, so what follows the step's name is left
    to it, and when the search sets ``steps`` (``steps_searched``) so are the
    step names.
    """
    if isinstance(estimator, Pipeline):
        if name in _named_parameters(estimator.fit):
            return None
        if "__" not in name:
            takers = _steps_taking(estimator, name)
            meant = " (" + " or ".join(f"{step}__{name}=" for step in takers) + "?)" if takers else ""
            return f"{type(estimator).__name__}.fit, which takes only step__parameter names{meant}"
        step = name.split("__")[0]
        if steps_searched or step in estimator.named_steps:
            return None
        return (
            f"{type(estimator).__name__}.fit, which has no step {step!r} "
            f"(its steps: {', '.join(estimator.named_steps)})"
        )
    fit = getattr(estimator, "fit", None)
    taken = _taken_parameters(fit) if callable(fit) else None
    if taken is None or name in taken:
        return None
    return f"{type(estimator).__name__}.fit, which does not take it"


def _steps_taking(pipeline, name):
    """Names of the steps of ``pipeline`` whose ``fit`` names ``name``."""
    return [
        step for step, estimator in pipeline.steps
        if callable(getattr(estimator, "fit", None)) and name in (_taken_parameters(estimator.fit) or ())
    ]


def _named_parameters(function):
    """The names ``function`` takes as keywords, ``**kwargs`` aside."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):  # a builtin
        return set()
    keywords = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    return {parameter.name for parameter in parameters if parameter.kind in keywords}


def _taken_parameters(fit):
    """Names ``fit`` takes as keywords, through its decorators; ``None`` when it
    may take any (``**kwargs`` in the function itself, or in a wrapper that is
    not scikit-learn's: scikit-learn's pass them through) or has no signature."""
    layers = [fit]
    while hasattr(layers[-1], "__wrapped__") and len(layers) < 100:  # as inspect.unwrap
        layers.append(layers[-1].__wrapped__)
    taken = set()
    for depth, layer in enumerate(layers):
        try:
            parameters = inspect.signature(layer, follow_wrapped=False).parameters
        except (TypeError, ValueError):  # a builtin
            return None
        for name, parameter in parameters.items():
            if parameter.kind is inspect.Parameter.VAR_KEYWORD:
                code = getattr(getattr(layer, "__func__", layer), "__code__", None)
                passes_through = code is not None and code.co_filename.startswith(_SKLEARN_DIR)
                if depth == len(layers) - 1 or not passes_through:
                    return None
            elif parameter.kind in (
                inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY
            ):
                taken.add(name)
    return taken


# What BaseSearchCV sets from the search's results: the best row, its refit and
# the scorers.
_BEST = (
    "best_index_", "best_params_", "best_score_", "best_estimator_", "refit_time_",
    "feature_names_in_", "scorer_",
)

# What a search keeps while it fits only (the data, every fit so far), left out
# of its pickles.
_FIT_RECORDS = (
    "_fit_inputs", "_partial_results", "_failed_batches", "_searched_results", "_row_has_score",
)


class AskTellSearchCV(BaseSearchCV):
    """Base class of the skhptune searches: parameters and loop shared by all three.

    Subclasses provide ``_make_strategy(space, rng)`` and, when they have one, a
    budget in evaluations through ``_evaluation_budget()``. Optional hooks:
    ``_budget_description()`` (the budget as warnings name it),
    ``_grid_columns(n_points)`` (extra ``cv_results_`` columns of an exhaustive
    grid), ``_continued_resource(estimator)`` (a resource later fits continue)
    and ``_store_strategy_results(strategy, space)`` (fitted attributes), with
    the ``_counts`` parameters a bool must not stand for and the
    ``_fit_description`` attributes ``_make_strategy`` sets.
    """

    # Number parameters a bool would pass as (True is 1) but that are not
    # switches: True could be read as "on" where None means "off". Name -> what
    # the number counts; subclasses list theirs, which add to these.
    _counts: dict = {"max_time": "seconds, or None for no limit"}

    # Fitted attributes set as a fit starts, describing the fit under way
    # (subclasses add theirs): like the best row, an earlier fit's stand when a
    # fit stops before it has results.
    _fit_description: tuple = ("n_splits_",)

    # Read by the estimator checks of scikit-learn < 1.6.
    _required_parameters = ["estimator", "param_distributions"]

    # The "?" link and parameter tooltips of the HTML repr (scikit-learn >= 1.4)
    # point at this project's API pages, as they do for scikit-learn's searches.
    _doc_link_module = "skhptune"
    _doc_link_template = (
        "https://skhptune.readthedocs.io/en/latest/generated/"
        "{estimator_module}.{estimator_name}.html"
    )

    _parameter_constraints: dict = {
        **BaseSearchCV._parameter_constraints,
        "param_distributions": [dict, list, None],
        "param_grid": [dict, list, None],
        "random_state": ["random_state"],
        # np.inf, like None, means no limit.
        "max_time": [Interval(numbers.Real, 0, None, closed="neither"), Options(numbers.Real, {np.inf}), None],
    }

    @abstractmethod
    def __init__(
        self,
        estimator,
        param_distributions=None,
        *,
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
        self.param_distributions = param_distributions
        self.random_state = random_state
        self.max_time = max_time
        self.param_grid = param_grid
        super().__init__(
            estimator=estimator,
            scoring=scoring,
            n_jobs=n_jobs,
            refit=refit,
            cv=cv,
            verbose=verbose,
            pre_dispatch=pre_dispatch,
            error_score=error_score,
            return_train_score=return_train_score,
        )

    def set_params(self, **params):
        """Set the parameters of this search.

        ``param_grid`` and ``param_distributions`` name the same search space:
        setting one of them alone clears the other, so that code written for
        ``GridSearchCV`` can swap the grid with ``set_params(param_grid=...)``.

        Parameters
        ----------
        **params : dict
            Search parameters, and ``estimator__<name>`` for the estimator's.

        Returns
        -------
        self : object
            The search.
        """
        own = self.get_params(deep=False)
        for name, alias in (("param_grid", "param_distributions"), ("param_distributions", "param_grid")):
            if params.get(name) is not None and alias in own and alias not in params:
                params[alias] = None
        return super().set_params(**params)

    def __getstate__(self):
        # scikit-learn hands the search to every fit task (as the callbacks'
        # caller): a process backend pickles it each time, and dask sends it
        # along with each task, so what the fit in progress holds stays behind.
        state = dict(super().__getstate__())
        for name in _FIT_RECORDS:
            state.pop(name, None)
        return state

    def _space_spec(self):
        """The search space as given: ``param_distributions`` or its alias ``param_grid``."""
        given = [
            name
            for name in ("param_distributions", "param_grid")
            if getattr(self, name) is not None
        ]
        if len(given) != 1:
            problem = "got both" if given else "got neither"
            raise ValueError(
                f"{type(self).__name__} needs the search space as param_distributions "
                f"or as param_grid (an alias for code written for GridSearchCV); "
                f"{problem}."
            )
        return getattr(self, given[0])

    @abstractmethod
    def _make_strategy(self, space, rng):
        """The strategy object (with ``ask``/``tell``) for one fit."""

    def _estimator_as_given(self):
        """``estimator`` as the user passed it, not the wrapper that stands in
        for it while the search fits."""
        return unwrapped(self.estimator)

    def _get_scorers(self, *args, **kwargs):
        # While the search fits (_model_store exists only then), its fits are
        # scored by the scorers as a search runs them (skhptune._scoring).
        scorers, refit_metric = super()._get_scorers(*args, **kwargs)
        if "_model_store" in self.__dict__:
            scorers = search_scorers(scorers, self.error_score)
        return scorers, refit_metric

    def _continued_resource(self, estimator):
        """``(parameter, max_resource)`` whose fitted models later fits continue,
        or ``None`` (see :class:`WarmStartEstimator`)."""
        return None

    def _evaluation_budget(self):
        """Evaluations the search may spend, or ``None`` when it sets its own end."""
        return None

    def _budget_description(self):
        """The budget, as the warning about a smaller space names it."""
        return f"the {type(self).__name__} budget of {self._evaluation_budget()} evaluations"

    def _first_chunk_size(self):
        """Configurations of the first of growing batches under a time limit (a
        grid, Hyperband's rungs at max_resource): every worker busy twice."""
        return -(-2 * effective_n_jobs(self.n_jobs) // (self._n_splits() or 1))

    def _n_splits(self):
        """Number of CV splits, known to a strategy before the first evaluation.

        scikit-learn sets ``n_splits_`` before ``_run_search`` from 1.5 on; with
        older versions it is computed from ``cv`` (``None`` if that needs the data).
        """
        if hasattr(self, "n_splits_"):
            return self.n_splits_
        try:
            return check_cv(self.cv).get_n_splits()
        except (TypeError, ValueError):
            return None

    def _grid_columns(self, n_points):
        """Extra ``cv_results_`` columns for an exhaustive grid of ``n_points``."""
        return {}

    def fit(self, X, y=None, **params):
        """Run the search: fit a model per configuration and fold, refit the best.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
            Target; ``None`` for unsupervised learning.

        **params : dict of str -> object
            Parameters of the estimator's ``fit``, the scorer and the splitter
            (such as ``groups``), as in scikit-learn's
            :meth:`GridSearchCV.fit <sklearn.model_selection.GridSearchCV.fit>`.

        Returns
        -------
        self : object
            The fitted search.

        Raises
        ------
        ValueError
            Before any fit, when a parameter is invalid, when both or neither of
            ``param_distributions`` and ``param_grid`` are given, or when the
            space names a parameter the estimator does not have; after the
            search, when every fit failed (as in ``GridSearchCV``).
        TypeError
            Before any fit, when a fit parameter is one the estimator's ``fit``
            cannot take (without metadata routing, which checks it itself). The
            error is also a ``ValueError``, which ``GridSearchCV`` raises once
            every fit has failed on such a parameter.
        KeyboardInterrupt
            After :kbd:`Ctrl-C` once a fit has succeeded: the search is fitted on
            the batches that finished (best refitted), and the same interrupt
            still reaches the caller; if that refit fails, with its error as
            cause.

        Notes
        -----
        When the refit of the best configuration fails, its error reaches the
        caller as in ``GridSearchCV``, but ``cv_results_``, ``best_index_``,
        ``best_score_``, ``best_params_``, ``history_`` and the search's own
        fitted attributes keep what the search found (a ``refit`` callable that
        raises leaves no ``best_index_``, rather than the previous fit's).
        ``best_estimator_`` is then the estimator whose fit failed, unfitted, and
        ``scorer_``, ``refit_time_``, ``classes_`` and ``n_features_in_`` are
        not set: ``predict`` and ``score`` fail until a ``fit`` succeeds.
        """
        # A copy pickled by a callback while an interrupted fit ended holds the flag.
        self.__dict__.pop("_interrupted", None)
        self._check_counts_are_not_switches()
        if not get_config().get("skip_parameter_validation"):
            # The search reads its parameters before BaseSearchCV.fit checks them
            # (again; it costs microseconds).
            self._validate_params()
        self._check_fit_params_are_taken(params)
        try:
            self._fit_search(X, y, **params)
        except BaseException as error:
            interrupt = self.__dict__.pop("_interrupted", None)
            if interrupt is not None and isinstance(error, Exception):
                # A refit failing after Ctrl-C must not pass for a failed fit,
                # which a caller (cross_val_score) would skip to go on.
                raise interrupt from error
            raise
        interrupt = self.__dict__.pop("_interrupted", None)
        if interrupt is not None:
            raise interrupt  # with the traceback of where it came
        return self

    def _check_fit_params_are_taken(self, params):
        """Name a parameter the estimator's ``fit`` cannot take now, rather than
        after every fit of the search has failed on it."""
        if not params or get_config().get("enable_metadata_routing"):
            return  # with routing, scikit-learn checks the parameters itself
        spec = self._space_spec()
        subspaces = spec if isinstance(spec, Sequence) and not isinstance(spec, str) else [spec]
        steps_searched = any(
            isinstance(subspace, Mapping) and "steps" in subspace for subspace in subspaces
        )
        estimator = self._estimator_as_given()
        for name in params:
            if name == "groups":  # groups go to the splitter
                continue
            refusal = _fit_refusal(estimator, name, steps_searched)
            if refusal is not None:
                # A step's own callbacks (LightGBM's) are not the peers' search callbacks.
                peers_callbacks = name in ("callback", "callbacks") and not (
                    isinstance(estimator, Pipeline) and _steps_taking(estimator, name)
                )
                hint = (
                    "; scikit-optimize's and sklearn-genetic-opt's fit callbacks "
                    "become max_time or early_stopping (see the migration guide)"
                    if peers_callbacks
                    else ""
                )
                # Both a TypeError and a ValueError: scikit-learn's searches
                # raise ValueError once every fit has failed on it.
                raise InvalidParameterError(
                    f"{type(self).__name__}.fit passes {name}= to {refusal}{hint}."
                )

    def _create_model_store(self):
        """A :class:`ModelStore`, or ``None`` (with a warning) when no temporary
        directory can be made: the store only saves work, fits do without it."""
        try:
            return ModelStore.create()
        except OSError as exc:
            warnings.warn(
                f"{type(self).__name__} could not create a temporary directory for "
                f"the models it continues or the data it bins ({exc}); every "
                "configuration is fitted from scratch.",
                UserWarning,
            )
            return None

    def _fit_search(self, X, y, **params):
        """``BaseSearchCV.fit``, with the estimator wrapped while it runs when
        fits can share work (subclasses set up what else they need around it)."""
        # A copy of this search taken while it fitted (a callback's pickle, a
        # clone) holds that fit's wrapper: search the estimator it wraps.
        estimator, self._model_store = self._estimator_as_given(), None
        try:
            self.estimator = estimator
            continued = self._continued_resource(estimator)
            if continued is not None or histogram_booster(estimator) is not None:
                # BaseSearchCV clones self.estimator for every fit: the wrapper must
                # stand in for it until the search is over. Without a resource to
                # continue it only bins each training set of a histogram booster once.
                self._model_store = self._create_model_store()
            if self._model_store is not None:
                self.estimator = WarmStartEstimator(
                    estimator, *(continued or (None, None)), self._model_store
                )
            # An earlier fit's best row (or model) must not pass for this one's.
            kept = _BEST + self._fit_description
            earlier = {name: self.__dict__.pop(name) for name in kept if name in self.__dict__}
            try:
                super().fit(X, y, **params)
            except BaseException:
                # BaseSearchCV sets cv_results_ after the refit: a refit (or a
                # refit callable) that fails must not lose what the search found.
                if "_searched_results" in self.__dict__:
                    self.cv_results_ = self._searched_results
                else:  # stopped before the results: the earlier fit stands
                    for name in self._fit_description:
                        self.__dict__.pop(name, None)
                    self.__dict__.update(earlier)
                raise
        finally:
            self.__dict__.pop("_searched_results", None)
            self.estimator = estimator
            if self._model_store is not None:
                self._model_store.close()
            del self._model_store  # only needed while fitting
            self.__dict__.pop("_row_has_score", None)
            if isinstance(getattr(self, "best_estimator_", None), WarmStartEstimator):
                self.best_estimator_ = self.best_estimator_.wrapped_estimator
            # Also when a callback stops the fit after BaseSearchCV has set it.
            if "scorer_" in self.__dict__:
                self.scorer_ = scorers_as_given(self.scorer_)
                # With scoring=None the scorer calls the estimator's own score method.
                if isinstance(getattr(self.scorer_, "_estimator", None), WarmStartEstimator):
                    self.scorer_._estimator = estimator
        return self

    def _run_search(self, evaluate_candidates, callback_ctx=None):
        self._failed_batches = []  # (row, candidates, more_results, error)
        try:
            self._search(evaluate_candidates, callback_ctx)
            self._complete_results()
        finally:
            self.__dict__.pop("_partial_results", None)
            self.__dict__.pop("_failed_batches", None)

    def _check_counts_are_not_switches(self):
        counts = {}
        for klass in reversed(type(self).__mro__):
            counts.update(vars(klass).get("_counts", {}))
        for name, meaning in counts.items():
            value = getattr(self, name)
            if isinstance(value, (bool, np.bool_)):
                raise InvalidParameterError(
                    f"The {name!r} parameter of {type(self).__name__} is a number of "
                    f"{meaning}, not a switch. Got {value!r} instead."
                )

    def _search(self, evaluate_candidates, callback_ctx):
        rng = check_random_state(self.random_state)
        space = Space(self._space_spec(), rng)
        check_parameter_names(self._estimator_as_given(), space)
        budget = self._evaluation_budget()
        strategy = None
        exhaustive = budget is not None and space.fits_in(budget)
        grid = space.grid() if exhaustive else None
        # With a grid that fits the budget, the grid is what runs (and is reported).
        runner = SearchRunner(
            self, space, evaluate_candidates, callback_ctx, len(grid) if exhaustive else budget
        )
        if exhaustive:
            # Modelling cannot beat trying everything: evaluate the whole grid in
            # GridSearchCV's order, in one parallel batch (what a param_grid asks for).
            if len(grid) < budget and self.param_grid is None:
                warnings.warn(
                    f"The total space of parameters {len(grid)} is smaller than "
                    f"{self._budget_description()}. Running {len(grid)} iterations. "
                    "For exhaustive searches, use GridSearchCV.",
                    UserWarning,
                )
            columns = self._grid_columns(len(grid))
            if self.max_time is None or self.max_time == np.inf:
                runner.run_once(Batch(grid, more_results=columns))
            else:
                # A time budget is checked between batches: the grid runs in the
                # same order in growing batches (see GridInChunks).
                runner.run(GridInChunks(grid, columns, self._first_chunk_size()))
        else:
            strategy = self._make_strategy(space, rng)
            runner.run(strategy)
        self.history_ = runner.history()
        # For _select_best_index, which BaseSearchCV.fit calls next.
        self._row_has_score = runner.row_has_score
        self._store_strategy_results(strategy, space)

    def _format_results(self, candidate_params, n_splits, out, more_results=None):
        # BaseSearchCV formats every row so far after each batch. Between batches
        # the search reads scores only, so the parameter columns, which are built
        # value by value and would cost time quadratic in the number of batches,
        # wait until the search ends (``_complete_results``).
        # Each formatting warns again about the same non-finite scores, and
        # NumPy about their arithmetic (an error_score of -inf): only the last
        # one, which covers every row, may (``_complete_results``).
        with ignored_in_this_thread(UserWarning, _NON_FINITE_SCORES), np.errstate(all="ignore"):
            results = super()._format_results(
                [{}] * len(candidate_params), n_splits, out, more_results
            )
        results["params"] = candidate_params
        self._partial_results = results, (candidate_params, n_splits, out, more_results)
        return results

    def _complete_results(self):
        """Give the results of the last batch every column, in scikit-learn's order.

        ``BaseSearchCV.fit`` keeps the dict the last ``evaluate_candidates`` call
        returned, so it is completed in place.
        """
        partial = self.__dict__.get("_partial_results")
        if partial is None:
            return
        results, (candidate_params, n_splits, out, more_results) = partial
        self._warn_about_fit_failures(out)
        if self._failed_batches:
            candidate_params, out, more_results = _with_failed_rows(
                candidate_params, n_splits, out, more_results, self._failed_batches,
                self.error_score,
            )
        complete = super()._format_results(candidate_params, n_splits, out, more_results)
        results.clear()
        results.update(complete)
        self._searched_results = results

    def _warn_about_fit_failures(self, out):
        """One ``FitFailedWarning`` counting the failed fits of every batch.

        ``out`` holds the fits of the batches ``BaseSearchCV`` kept; those of
        wholly failed batches are read from their errors.
        """
        fits = [{"fit_error": fit["fit_error"]} for fit in out]
        for *_, error in self._failed_batches:
            fits += [{"fit_error": text} for text in _failed_fits(error)]
        if any(fit["fit_error"] is not None for fit in fits):
            _warn_or_raise_about_fit_failures(fits, self.error_score)

    def _store_strategy_results(self, strategy, space):
        """Hook for fitted attributes taken from the strategy (``None`` for a grid)."""
