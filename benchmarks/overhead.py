"""Suite 3: the searches' own time, and their parallel efficiency.

Own time = wall time minus the fit and score time of the evaluations (``n_jobs=1``). A
cheap synthetic estimator (:class:`Quadratic`: ``fit`` does nothing, the score is
``-sum((x_i - 0.3)^2)`` over ``d`` real parameters in ``[0, 1]``) makes that almost the
whole wall time. Each search runs up to 200 evaluations in 2, 10 and 30 dimensions; the
scorer logs the end of every fold (as in :mod:`time_to_quality`), so the own time per
evaluation can be read off around 10, 50, 100 and 200 observations (mean over the 10
evaluations ending there, so that batch-wise searches are averaged over their batches).

Long runs: the same in 10 dimensions with 1000 evaluations, read off around 250, 500 and
1000 observations, with the whole run's own time as a ratio to Optuna's TPE (from the
stored TPE record when only other searches are run). skopt is left out: it already
needs seconds per evaluation at 50 observations.

Parallel efficiency = ``t(n_jobs=1) / (2 * t(n_jobs=2))`` of the same search with the
same seed on a moderately expensive problem (1.0 = perfect use of both cores).

Fit time: wall time and mean time per fit of 16 evaluations (``n_jobs=2``) of
histogram gradient boosting at its defaults on 60,000 samples, where binning the
training data is about a quarter of a fit.

Memory: the quadratic in 10 dimensions, 200 and 1000 evaluations (``n_jobs=1``, each run
in a fresh process): the peak of the memory Python and NumPy allocate during ``fit``
(``tracemalloc``; BLAS workspaces are not seen) and the size of the pickled fitted
search, as ratios to RandomizedSearchCV's. skopt runs 200 evaluations only (stopped after
``TIME_LIMIT`` seconds like above).

scipy.stats priors: the quadratic in 10 dimensions with every parameter drawn from
``scipy.stats.norm(0.5, 0.2)``, 100 evaluations, five seeds, for the searches that
take such laws (random search and skhptune's), reported as ratios to random search.
"""

import gc
import inspect
import multiprocessing
import os
import pickle
import tempfile
import time
import tracemalloc
import traceback
from concurrent.futures import ProcessPoolExecutor

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import KFold, StratifiedKFold

import adapters
from problems import Problem
from store import ResultStore

SEARCHES = ["random", "skopt", "optuna", "gasearch", "skh-bayes", "skh-genetic"]
PARALLEL_SEARCHES = ["random", "skopt", "optuna", "gasearch", "skh-bayes", "skh-genetic",
                     "halving", "skh-hyperband", "skh-halving"]
FIT_TIME_SEARCHES = ["random", "skopt", "optuna", "gasearch", "skh-bayes", "skh-genetic"]
DIMS = (2, 10, 30)
OBSERVATIONS = (10, 50, 100, 200)
WINDOW = 10
LONG_SEARCHES = ["random", "optuna", "gasearch", "skh-bayes", "skh-genetic"]
LONG_DIM = 10
LONG_OBSERVATIONS = (250, 500, 1000)
# One long run per search varies by about half from day to day: three seeds, the median.
LONG_SEEDS = (0, 1, 2)
# Spaces of scipy.stats laws, as RandomizedSearchCV users write them: normal priors
# in 10 dimensions, 100 evaluations, for the searches that take such laws.
# Runs take a second or two, so five seeds whatever ``seeds`` the suite is given.
PRIOR_SEARCHES = ["random", "skh-bayes", "skh-genetic"]
PRIOR_OBSERVATIONS = (50, 100)
PRIOR_SEEDS = (0, 1, 2, 3, 4)
MEMORY_SEARCHES = ["random", "skopt", "optuna", "gasearch", "skh-bayes", "skh-genetic"]
MEMORY_EVALUATIONS = (200, 1000)
MEMORY_DIM = 10
MAX_DIM = 30
# A search slower than this (seconds) is stopped where the library allows it (skopt's
# DeadlineStopper); the points it reached are reported.
TIME_LIMIT = 120


class Quadratic(RegressorMixin, BaseEstimator):
    """Synthetic estimator with parameters ``x0`` ... ``x29``; free to fit and score.

    A regressor only because sklearn-genetic-opt accepts nothing else.
    """

    def __init__(self, **params):
        for i in range(MAX_DIM):
            setattr(self, f"x{i}", params.get(f"x{i}", 0.5))

    def fit(self, X, y=None):
        self.fitted_ = True
        return self

    def score(self, X, y=None):
        return -sum((getattr(self, f"x{i}") - 0.3) ** 2 for i in range(MAX_DIM))


# scikit-learn reads the parameter names from the signature.
Quadratic.__init__.__signature__ = inspect.Signature(
    [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    + [inspect.Parameter(f"x{i}", inspect.Parameter.KEYWORD_ONLY, default=0.5) for i in range(MAX_DIM)]
)


class StampScorer:
    """Scores with ``estimator.score`` and appends the wall-clock time to a file."""

    def __init__(self, path):
        self.path = path

    def __call__(self, estimator, X, y=None):
        score = estimator.score(X, y)
        with open(self.path, "a") as f:
            f.write(f"{time.time()}\n")
        return score


def quadratic_problem(dim, scoring, normal_priors=False):
    rng = np.random.RandomState(0)
    X, y = rng.uniform(size=(30, 2)), rng.uniform(size=30)
    dimension = ("norm", 0.5, 0.2) if normal_priors else ("real", 0.0, 1.0, "linear")
    return Problem(
        name=f"quadratic-{dim}d" + ("-normal" if normal_priors else ""),
        estimator=Quadratic(),
        space={f"x{i}": dimension for i in range(dim)},
        X=X, y=y, scoring=scoring, cv=KFold(3),
    )


def _free_fit_search(optimizer, problem, n_evaluations, seed):
    """An unfitted search without refit (``n_jobs=1``) and the fit parameters that
    stop skopt after ``TIME_LIMIT`` seconds; raises ``adapters.Unavailable``."""
    search = adapters.build(optimizer, problem, n_evaluations, seed, n_jobs=1)
    if hasattr(search, "refit"):
        search.set_params(refit=False)
    fit_params = {}
    if optimizer == "skopt":
        from skopt.callbacks import DeadlineStopper

        fit_params["callback"] = DeadlineStopper(TIME_LIMIT)
    return search, fit_params


def run_overhead(optimizer, dim, seed, observations=OBSERVATIONS, kind="overhead"):
    """Own time per evaluation around each of ``observations``, up to the largest."""
    fd, stamps_path = tempfile.mkstemp(prefix="overhead-", suffix=".txt")
    os.close(fd)
    problem = quadratic_problem(dim, StampScorer(stamps_path), normal_priors=kind == "priors")
    n_evaluations = max(observations)
    record = {"kind": kind, "optimizer": optimizer, "dim": dim, "seed": seed}
    try:
        search, fit_params = _free_fit_search(optimizer, problem, n_evaluations, seed)
    except adapters.Unavailable as exc:
        return {**record, "status": "unavailable", "error": str(exc)}
    start = time.time()
    try:
        adapters.fit_search(optimizer, search, problem.X, problem.y, seed, **fit_params)
    except Exception as exc:
        return {**record, "status": "failed", "error": f"{type(exc).__name__}: {exc}",
                "traceback": traceback.format_exc(limit=8)}
    wall = time.time() - start
    with open(stamps_path) as f:
        stamps = np.array([float(line) for line in f])
    os.remove(stamps_path)
    results = search.cv_results_
    n_splits = search.n_splits_
    fit_score = float(np.sum(results["mean_fit_time"]) * n_splits + np.sum(results["mean_score_time"]) * n_splits)
    # End of each evaluation (its last scorer call), in order. Repeats served from a
    # cache (sklearn-genetic-opt) have no fits, hence no stamps; a search that always
    # scores the training folds too (sklearn-genetic-opt) calls the scorer twice a fold.
    n_distinct = len(adapters.evaluation_trace(search))
    calls = max(1, round(len(stamps) / (n_distinct * n_splits))) * n_splits
    ends = np.concatenate([[start], stamps[calls - 1::calls]])
    per_eval = np.diff(ends)  # the fits are free: this is the own time per evaluation
    overhead_at = {}
    for n in observations:
        if len(per_eval) >= n:
            overhead_at[str(n)] = float(np.mean(per_eval[max(0, n - WINDOW):n]))
    record.update(
        status="ok",
        wall_time=wall,
        n_evaluations=int(len(per_eval)),
        n_rows=len(results["mean_test_score"]),
        own_time=wall - fit_score,
        own_time_per_evaluation=(wall - fit_score) / max(len(per_eval), 1),
        overhead_at=overhead_at,
        per_evaluation=per_eval.tolist(),
    )
    return record


def run_memory(optimizer, n_evaluations, seed):
    """Peak memory traced during ``fit`` and the pickled size of the fitted search."""
    record = {"kind": "memory", "optimizer": optimizer, "dim": MEMORY_DIM, "seed": seed,
              "n_asked": n_evaluations}
    problem = quadratic_problem(MEMORY_DIM, None)
    try:
        search, fit_params = _free_fit_search(optimizer, problem, n_evaluations, seed)
    except adapters.Unavailable as exc:
        return {**record, "status": "unavailable", "error": str(exc)}
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    try:
        adapters.fit_search(optimizer, search, problem.X, problem.y, seed, **fit_params)
    except Exception as exc:
        return {**record, "status": "failed", "error": f"{type(exc).__name__}: {exc}"}
    finally:
        peak = tracemalloc.get_traced_memory()[1] - before
        tracemalloc.stop()
    try:
        pickled, pickle_error = len(pickle.dumps(search)), None
    except Exception as exc:
        pickled, pickle_error = None, f"{type(exc).__name__}: {exc}"
    # Distinct configurations: sklearn-genetic-opt lists a repeat once per generation.
    return {**record, "status": "ok", "n_evaluations": len(adapters.evaluation_trace(search)),
            "peak_bytes": peak, "pickle_bytes": pickled, "pickle_error": pickle_error}


def run_memory_in_fresh_process(optimizer, n_evaluations, seed):
    """:func:`run_memory` in a new interpreter, so that no earlier run's caches or
    freed memory change what this one allocates."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(run_memory, optimizer, n_evaluations, seed).result()


HGB_SPACE = {
    "learning_rate": ("real", 0.01, 1.0, "log"),
    "max_leaf_nodes": ("int", 4, 64, "log"),
    "min_samples_leaf": ("int", 2, 100, "log"),
    "l2_regularization": ("real", 1e-4, 10.0, "log"),
}


def parallel_problem():
    X, y = make_classification(n_samples=6000, n_features=20, n_informative=10, random_state=0)
    return Problem(
        name="hgb-parallel",
        estimator=HistGradientBoostingClassifier(max_iter=81, early_stopping=False, random_state=0),
        space=HGB_SPACE,
        X=X, y=y, scoring="accuracy", cv=StratifiedKFold(3),
        resource="max_iter", min_resource=3, max_resource=81, eta=3,
    )


def _fit_without_refit(optimizer, problem, n_evaluations, seed, n_jobs):
    """``(search, wall time)`` of one fit without the refit, or ``(None, record
    fields)`` saying why the search did not run."""
    try:
        search = adapters.build(optimizer, problem, n_evaluations, seed, n_jobs=n_jobs)
    except adapters.Unavailable as exc:
        return None, {"status": "unavailable", "error": str(exc)}
    if hasattr(search, "refit"):
        search.set_params(refit=False)
    start = time.perf_counter()
    try:
        adapters.fit_search(optimizer, search, problem.X, problem.y, seed)
    except Exception as exc:
        return None, {"status": "failed", "error": f"{type(exc).__name__}: {exc}"}
    return search, time.perf_counter() - start


def run_parallel(optimizer, seed, n_evaluations=32):
    record = {"kind": "parallel", "optimizer": optimizer, "seed": seed}
    walls, scores = {}, {}
    for n_jobs in (1, 2):
        search, outcome = _fit_without_refit(optimizer, parallel_problem(), n_evaluations, seed, n_jobs)
        if search is None:
            return {**record, **outcome}
        walls[n_jobs] = outcome
        scores[n_jobs] = [float(s) for s in search.cv_results_["mean_test_score"]]
    record.update(
        status="ok",
        wall_1=walls[1],
        wall_2=walls[2],
        efficiency=walls[1] / (2 * walls[2]),
        speedup=walls[1] / walls[2],
        n_rows=len(scores[1]),
        same_results=bool(np.allclose(scores[1], scores[2], equal_nan=True)),
    )
    return record


def binning_problem():
    X, y = make_classification(n_samples=60000, n_features=40, n_informative=20, random_state=0)
    return Problem(
        name="hgb-binning",
        estimator=HistGradientBoostingClassifier(random_state=0),
        space=HGB_SPACE,
        X=X, y=y, scoring="accuracy", cv=StratifiedKFold(3),
    )


def run_fit_time(optimizer, seed, n_evaluations=16):
    record = {"kind": "fit_time", "optimizer": optimizer, "seed": seed}
    search, outcome = _fit_without_refit(optimizer, binning_problem(), n_evaluations, seed, 2)
    if search is None:
        return {**record, **outcome}
    results = search.cv_results_
    fit_times = results.get("mean_fit_time")
    record.update(
        status="ok",
        wall_2=outcome,
        n_rows=len(results["mean_test_score"]),
        fit_time=None if fit_times is None else float(np.mean(fit_times)),
        best_score=float(np.nanmax(results["mean_test_score"])),
    )
    return record


def run_suite(searches, results_dir, seeds=(0,), log=print):
    store = ResultStore(os.path.join(results_dir, "overhead.json"))
    t0 = time.perf_counter()

    def run_missing(key, run, describe):
        if key in store:
            return
        record = run()
        store.put(key, record)
        if record["status"] == "ok":
            msg = describe(record)
        else:
            msg = f"{record['status']}: " + record.get("error", "").splitlines()[0][:200]
        log(f"  [{time.perf_counter() - t0:.0f}s] {key}: {msg}")

    def own_time(record):
        at = ", ".join(f"{n}: {1000 * v:.1f} ms" for n, v in record["overhead_at"].items())
        return f"{record['n_evaluations']} evals in {record['wall_time']:.0f}s; own time per eval {at}"

    for seed in seeds:
        for dim in DIMS:
            for optimizer in searches:
                run_missing(
                    f"overhead|{optimizer}|{dim}|{seed}",
                    lambda: run_overhead(optimizer, dim, seed),
                    own_time,
                )
    # Long runs, then runs over scipy.stats priors, both in LONG_DIM dimensions.
    for kind, kind_seeds, kind_searches, observations in (
        ("long", LONG_SEEDS, LONG_SEARCHES, LONG_OBSERVATIONS),
        ("priors", PRIOR_SEEDS, PRIOR_SEARCHES, PRIOR_OBSERVATIONS),
    ):
        for seed in kind_seeds:
            for optimizer in [s for s in kind_searches if s in searches]:
                run_missing(
                    f"{kind}|{optimizer}|{LONG_DIM}|{seed}",
                    lambda: run_overhead(optimizer, LONG_DIM, seed, observations, kind=kind),
                    own_time,
                )
    for optimizer in [s for s in MEMORY_SEARCHES if s in searches]:
        for n in MEMORY_EVALUATIONS:
            if optimizer == "skopt" and n > min(MEMORY_EVALUATIONS):
                continue  # stopped after TIME_LIMIT seconds long before
            run_missing(
                f"memory|{optimizer}|{n}|0",
                lambda: run_memory_in_fresh_process(optimizer, n, 0),
                lambda r: (f"{r['n_evaluations']} evals, peak {r['peak_bytes'] / 2**20:.1f} MiB, pickle "
                           + (f"{r['pickle_bytes'] / 2**10:.0f} KiB" if r["pickle_bytes"] else "fails")),
            )
    parallel = [s for s in PARALLEL_SEARCHES if s in searches or s.startswith("skh-") or s == "halving"]
    for seed in seeds:
        for optimizer in parallel:
            if adapters.probe(optimizer) is None:
                run_missing(
                    f"parallel|{optimizer}|{seed}",
                    lambda: run_parallel(optimizer, seed),
                    lambda r: (f"t1 {r['wall_1']:.1f}s t2 {r['wall_2']:.1f}s efficiency "
                               f"{r['efficiency']:.2f}, same results: {r['same_results']}"),
                )
    for seed in seeds:
        for optimizer in [s for s in FIT_TIME_SEARCHES if s in searches]:
            run_missing(
                f"fit_time|{optimizer}|{seed}",
                lambda: run_fit_time(optimizer, seed),
                lambda r: f"wall {r['wall_2']:.1f}s, {r['fit_time']:.3f}s per fit",
            )
    return store


def summarize(records):
    lines = ["## Suite 3: own time per evaluation (n_jobs=1, free synthetic fits)\n"]
    rows = [r for r in records if r.get("kind") == "overhead" and r["status"] == "ok"]
    lines.append("Milliseconds of the search's own time per evaluation, around n observations "
                 "(mean of the 10 evaluations ending at n; median over seeds).\n")
    header = "| search | " + " | ".join(f"d={d}, n={n}" for d in DIMS for n in OBSERVATIONS) + " | own s / eval, whole run (d=10) |"
    lines.append(header)
    lines.append("|---|" + "---:|" * (len(DIMS) * len(OBSERVATIONS) + 1))
    for o in [o for o in adapters.ADAPTERS if any(r["optimizer"] == o for r in rows)]:
        cells = []
        for d in DIMS:
            for n in OBSERVATIONS:
                v = [r["overhead_at"][str(n)] for r in rows if r["optimizer"] == o and r["dim"] == d
                     and str(n) in r["overhead_at"]]
                cells.append(f"{1000 * np.median(v):.1f}" if v else "–")
        whole = [r["own_time_per_evaluation"] for r in rows if r["optimizer"] == o and r["dim"] == 10]
        lines.append(f"| {o} | " + " | ".join(cells) + (f" | {np.median(whole):.3f} |" if whole else " | |"))
    ref = {}
    for r in rows:
        ref.setdefault((r["optimizer"], r["dim"]), []).append(r)
    if any(o == "skopt" for o, _ in ref):
        lines.append("\nRatio of own time per evaluation to skopt's (same d and n; < 1 is faster):\n")
        lines.append("| search | " + " | ".join(f"d={d}, n={n}" for d in DIMS for n in OBSERVATIONS) + " |")
        lines.append("|---|" + "---:|" * (len(DIMS) * len(OBSERVATIONS)))
        for o in [o for o in adapters.ADAPTERS if any(r["optimizer"] == o for r in rows) and o != "skopt"]:
            cells = []
            for d in DIMS:
                for n in OBSERVATIONS:
                    a = [r["overhead_at"].get(str(n)) for r in ref.get((o, d), [])]
                    b = [r["overhead_at"].get(str(n)) for r in ref.get(("skopt", d), [])]
                    a, b = [x for x in a if x is not None], [x for x in b if x is not None]
                    cells.append(f"{np.median(a) / np.median(b):.3f}" if a and b else "–")
            lines.append(f"| {o} | " + " | ".join(cells) + " |")
    lines.extend(_long_run_lines(records))
    lines.extend(_prior_lines(records))
    lines.extend(_memory_lines(records))
    prow = [r for r in records if r.get("kind") == "parallel" and r["status"] == "ok"]
    if prow:
        lines.append("\n## Parallel efficiency: t(n_jobs=1) / (2 t(n_jobs=2))\n")
        lines.append("HistGradientBoostingClassifier(max_iter=81) on make_classification(6000, 20), cv=3, "
                     "32 evaluations (resource searches: max_iter 3..81, eta 3).\n")
        lines.append("| search | t(n_jobs=1) s | t(n_jobs=2) s | speed-up | efficiency | same cv_results_ for n_jobs 1 and 2 |")
        lines.append("|---|---:|---:|---:|---:|---:|")
        for o in [o for o in adapters.ADAPTERS if any(r["optimizer"] == o for r in prow)]:
            rs = [r for r in prow if r["optimizer"] == o]
            lines.append(f"| {o} | {np.mean([r['wall_1'] for r in rs]):.1f} | {np.mean([r['wall_2'] for r in rs]):.1f} "
                         f"| {np.mean([r['speedup'] for r in rs]):.2f} | {np.mean([r['efficiency'] for r in rs]):.2f} "
                         f"| {all(r['same_results'] for r in rs)} |")
    frow = [r for r in records if r.get("kind") == "fit_time" and r["status"] == "ok"]
    if frow:
        lines.append("\n## Fit time: histogram gradient boosting at its defaults (n_jobs=2)\n")
        lines.append("HistGradientBoostingClassifier() on make_classification(60000, 40), cv=3, "
                     "16 evaluations. Fit times differ with the configurations each search picks.\n")
        lines.append("| search | evaluations | wall s | wall / random | mean fit time s | best CV score |")
        lines.append("|---|---:|---:|---:|---:|---:|")
        random_wall = np.mean([r["wall_2"] for r in frow if r["optimizer"] == "random"] or [np.nan])
        for o in [o for o in adapters.ADAPTERS if any(r["optimizer"] == o for r in frow)]:
            rs = [r for r in frow if r["optimizer"] == o]
            wall = np.mean([r["wall_2"] for r in rs])
            fits = [r["fit_time"] for r in rs if r["fit_time"] is not None]
            lines.append(f"| {o} | {rs[0]['n_rows']} | {wall:.1f} | {wall / random_wall:.2f} | "
                         + (f"{np.mean(fits):.2f}" if fits else "–")
                         + f" | {np.mean([r['best_score'] for r in rs]):.4f} |")
    bad = [r for r in records if r["status"] not in ("ok",)]
    if bad:
        lines.append("\nRuns that did not complete:\n")
        for r in bad:
            lines.append(f"- {r.get('kind')} {r['optimizer']} {r.get('dim', '')}: {r['status']}: "
                         f"{r.get('error', '').splitlines()[0][:300]}")
    return "\n".join(lines)


def _own_time_rows(rows, observations, own_key, own_scale, reference):
    """Table rows: own time around each n, the whole run's, and its ratio to ``reference``'s."""
    own = {o: np.median([r[own_key] for r in rows if r["optimizer"] == o])
           for o in {r["optimizer"] for r in rows}}
    lines = []
    for o in [o for o in adapters.ADAPTERS if o in own]:
        cells = []
        for n in observations:
            v = [r["overhead_at"][str(n)] for r in rows if r["optimizer"] == o and str(n) in r["overhead_at"]]
            cells.append(f"{1000 * np.median(v):.1f}" if v else "–")
        ratio = f"{own[o] / own[reference]:.2f}" if reference in own else "–"
        lines.append(f"| {o} | " + " | ".join(cells) + f" | {own_scale * own[o]:.1f} | {ratio} |")
    return lines


def _long_run_lines(records):
    rows = [r for r in records if r.get("kind") == "long" and r["status"] == "ok"]
    if not rows:
        return []
    lines = [f"\n## Long runs: own time per evaluation up to {max(LONG_OBSERVATIONS)} evaluations "
             f"(d={LONG_DIM}, n_jobs=1, free synthetic fits)\n",
             "Milliseconds around n observations (mean of the 10 evaluations ending at n) and the "
             f"whole run's own time, each the median over {len(LONG_SEEDS)} seeds, and the latter's "
             "ratio to Optuna's TPE (< 1 is faster).\n",
             "| search | " + " | ".join(f"n={n}" for n in LONG_OBSERVATIONS)
             + " | own s, whole run | / TPE |",
             "|---|" + "---:|" * (len(LONG_OBSERVATIONS) + 2)]
    return lines + _own_time_rows(rows, LONG_OBSERVATIONS, "own_time", 1, "optuna")


def _memory_lines(records):
    rows = [r for r in records if r.get("kind") == "memory" and r["status"] == "ok"]
    if not rows:
        return []
    reference = {r["n_asked"]: r for r in rows if r["optimizer"] == "random"}
    lines = [f"\n## Memory (d={MEMORY_DIM}, n_jobs=1, free synthetic fits, seed 0, a fresh process per run)\n",
             "Peak of the memory traced (`tracemalloc`: Python objects and NumPy arrays) during `fit`, "
             "and the size of the pickled fitted search, in MiB and KiB, each with its ratio to "
             "RandomizedSearchCV's at the same number of evaluations.\n",
             "| search | " + " | ".join(f"n={n}: peak MiB | / random | pickle KiB | / random"
                                       for n in MEMORY_EVALUATIONS) + " |",
             "|---|" + "---:|" * (4 * len(MEMORY_EVALUATIONS))]

    def ratio(value, ref):
        return f"{value / ref:.2f}" if value is not None and ref else "–"

    for o in [o for o in adapters.ADAPTERS if any(r["optimizer"] == o for r in rows)]:
        cells = []
        for n in MEMORY_EVALUATIONS:
            r = next((r for r in rows if r["optimizer"] == o and r["n_asked"] == n), None)
            ref = reference.get(n)
            if r is None:
                cells += ["–"] * 4
                continue
            short = f" ({r['n_evaluations']} evals)" if r["n_evaluations"] != n else ""
            pickled = r["pickle_bytes"]
            cells += [f"{r['peak_bytes'] / 2**20:.1f}{short}",
                      ratio(r["peak_bytes"], ref and ref["peak_bytes"]),
                      f"{pickled / 2**10:.0f}" if pickled is not None else "not picklable",
                      ratio(pickled, ref and ref["pickle_bytes"])]
        lines.append(f"| {o} | " + " | ".join(cells) + " |")
    return lines


def _prior_lines(records):
    rows = [r for r in records if r.get("kind") == "priors" and r["status"] == "ok"]
    if not rows:
        return []
    lines = [f"\n## scipy.stats priors: own time per evaluation (d={LONG_DIM}, normal priors, "
             "n_jobs=1, free synthetic fits)\n",
             "The same quadratic with every parameter drawn from `scipy.stats.norm(0.5, 0.2)`, as "
             "RandomizedSearchCV users write spaces. Milliseconds around n observations (median over "
             f"{len(PRIOR_SEEDS)} seeds), the whole run's own time per evaluation, and its ratio to "
             "RandomizedSearchCV's.\n",
             "| search | " + " | ".join(f"n={n}" for n in PRIOR_OBSERVATIONS) + " | own ms / eval | / random |",
             "|---|" + "---:|" * (len(PRIOR_OBSERVATIONS) + 2)]
    return lines + _own_time_rows(rows, PRIOR_OBSERVATIONS, "own_time_per_evaluation", 1000, "random")


def report(results_dir, log=print):
    import report as figures

    figures.write_suite_report(results_dir, "overhead", summarize, figures.overhead_figures, log=log)
