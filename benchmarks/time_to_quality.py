"""Suite 2: wall time and time to quality for searches that use a resource.

Problems where one fit costs seconds and a resource matters. Every search runs with
``n_jobs=2`` (one thread per fit, set by ``run.py``) and the same seed; recorded per run:
wall time, number of fits, best CV score at the largest resource, held-out test score of
the final incumbent, and the incumbent's test score over wall time.

How the timeline is measured without touching any library: the scorer is wrapped
(:class:`TimedScorer`) so that every scored fold appends ``(time, params, score)`` to a
log file (works across joblib's worker processes). A configuration's CV score is known
when its last fold is scored; its rows in ``cv_results_`` are matched to the log by
parameters, the k-th group of ``n_splits`` log lines of a configuration being its k-th
resource level. The incumbent at time t is the best configuration at the largest
resource whose score was known by t; its test score comes from refitting it at the
largest resource on the whole training set (cached per configuration).

Reported: time to reach the mean final test score of ``RandomizedSearchCV(n_iter=81)``,
and wall-time ratios to ``RandomizedSearchCV`` and ``HalvingRandomSearchCV``.
"""

import json
import os
import tempfile
import time
import traceback

import numpy as np
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_digits, make_classification
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.metrics import get_scorer
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.svm import SVC

import adapters
from problems import Problem, native
from store import ResultStore

SEARCHES = [
    "random",
    "halving",
    "skh-hyperband",
    "skh-hyperband-bayes",
    "skh-halving",
    "skh-hyperband-timed",
    "skh-hyperband-bayes-timed",
    "dask-hyperband",
]
# Searches whose max_time is HalvingRandomSearchCV's wall time on the same problem and
# seed (so halving runs before them).
TIMED_SUFFIX = "-timed"
RANDOM_N_ITER = 81


def _split(n_samples, n_features, seed=0, **kw):
    X, y = make_classification(n_samples=n_samples, n_features=n_features, random_state=seed, **kw)
    return _split_data(X, y, seed)


def _split_data(X, y, seed=0):
    return train_test_split(X, y, test_size=0.25, random_state=seed, stratify=y)


def hgb_max_iter():
    X, X_test, y, y_test = _split(20000, 40)
    return Problem(
        name="hgb-max_iter",
        estimator=HistGradientBoostingClassifier(max_iter=243, early_stopping=False, random_state=0),
        space={
            "learning_rate": ("real", 0.01, 1.0, "log"),
            "max_leaf_nodes": ("int", 4, 128, "log"),
            "min_samples_leaf": ("int", 2, 200, "log"),
            "l2_regularization": ("real", 1e-4, 10.0, "log"),
            "max_features": ("real", 0.2, 1.0, "linear"),
        },
        X=X, y=y, X_test=X_test, y_test=y_test, scoring="accuracy", cv=StratifiedKFold(3),
        resource="max_iter", min_resource=3, max_resource=243, eta=3,
    )


def mlp_max_iter():
    X, X_test, y, y_test = _split(8000, 40, n_informative=20)
    return Problem(
        name="mlp-max_iter",
        estimator=MLPClassifier(max_iter=27, random_state=0),
        space={
            "hidden_layer_sizes": ("int", 16, 256, "log"),
            "alpha": ("real", 1e-6, 1e-1, "log"),
            "learning_rate_init": ("real", 1e-4, 1e-1, "log"),
            "batch_size": ("int", 32, 512, "log"),
        },
        X=X, y=y, X_test=X_test, y_test=y_test, scoring="accuracy", cv=StratifiedKFold(3),
        resource="max_iter", min_resource=1, max_resource=27, eta=3,
    )


FOREST_SPACE = {
    "max_features": ("real", 0.05, 1.0, "linear"),
    "min_samples_leaf": ("int", 1, 50, "log"),
    "max_depth": ("int", 3, 40, "log"),
    "criterion": ("cat", ["gini", "entropy"]),
    "bootstrap": ("cat", [True, False]),
}


def forest_n_samples():
    X, X_test, y, y_test = _split(20000, 40)
    fold = len(y) * 2 // 3  # a training fold of 3-fold CV
    return Problem(
        name="forest-n_samples",
        estimator=RandomForestClassifier(n_estimators=50, random_state=0),
        space=FOREST_SPACE,
        X=X, y=y, X_test=X_test, y_test=y_test, scoring="accuracy", cv=StratifiedKFold(3),
        resource="n_samples", min_resource=fold // 81, max_resource=fold, eta=3,
    )


def forest_n_estimators():
    """Trees as the resource: Hyperband continues promoted forests (warm start),
    scikit-learn's halving search refits them."""
    X, X_test, y, y_test = _split(6000, 20, n_informative=8)
    return Problem(
        name="forest-n_estimators",
        estimator=RandomForestClassifier(n_estimators=81, random_state=0),
        space=FOREST_SPACE,
        X=X, y=y, X_test=X_test, y_test=y_test, scoring="accuracy", cv=StratifiedKFold(3),
        resource="n_estimators", min_resource=1, max_resource=81, eta=3,
    )


def hgb_n_samples_defaults():
    """The race a user runs first: every search with its own defaults for the
    resource range (``resource="n_samples"``, no ``min_resource``/``max_resource``)."""
    X, X_test, y, y_test = _split(12000, 30, n_informative=10)
    return Problem(
        name="hgb-n_samples-defaults",
        estimator=HistGradientBoostingClassifier(early_stopping=False, random_state=0),
        space={
            "learning_rate": ("real", 0.01, 1.0, "log"),
            "max_leaf_nodes": ("int", 4, 64, "log"),
            "l2_regularization": ("real", 1e-4, 10.0, "log"),
        },
        X=X, y=y, X_test=X_test, y_test=y_test, scoring="accuracy", cv=StratifiedKFold(5),
        resource="n_samples", min_resource=None, max_resource=None, eta=3,
    )


def forest_cancer_defaults():
    """A dataset that ships with scikit-learn, a forest over integer ranges and a
    categorical (a finite space, not a grid), every search at its defaults for the
    resource range."""
    X, X_test, y, y_test = _split_data(*load_breast_cancer(return_X_y=True))
    return Problem(
        name="forest-cancer-defaults",
        estimator=RandomForestClassifier(n_estimators=50, random_state=0),
        space={
            "max_depth": ("int", 1, 16, "linear"),
            "min_samples_leaf": ("int", 1, 16, "linear"),
            "max_features": ("int", 1, 30, "linear"),
            "criterion": ("cat", ["gini", "entropy"]),
        },
        X=X, y=y, X_test=X_test, y_test=y_test, scoring="accuracy", cv=StratifiedKFold(5),
        resource="n_samples", min_resource=None, max_resource=None, eta=3,
    )


def svc_digits_defaults():
    """Like ``forest-cancer-defaults``, with a kernel SVM, whose fit time grows faster
    than the number of samples, on ten classes."""
    X, X_test, y, y_test = _split_data(*load_digits(return_X_y=True))
    return Problem(
        name="svc-digits-defaults",
        estimator=SVC(),
        space={"C": ("real", 1e-2, 1e3, "log"), "gamma": ("real", 1e-5, 1e-1, "log")},
        X=X, y=y, X_test=X_test, y_test=y_test, scoring="accuracy", cv=StratifiedKFold(5),
        resource="n_samples", min_resource=None, max_resource=None, eta=3,
    )


PROBLEMS = {
    "hgb-max_iter": hgb_max_iter,
    "mlp-max_iter": mlp_max_iter,
    "forest-n_samples": forest_n_samples,
    "forest-n_estimators": forest_n_estimators,
    "hgb-n_samples-defaults": hgb_n_samples_defaults,
    "forest-cancer-defaults": forest_cancer_defaults,
    "svc-digits-defaults": svc_digits_defaults,
}


# ------------------------------------------------------------------ timeline logging
def param_key(params, names):
    """Canonical, JSON-stable key of the parameters ``names`` of a configuration."""
    out = []
    for k in sorted(names):
        v = native(params[k])
        out.append((k, repr(float(v)) if isinstance(v, float) else repr(v)))
    return repr(out)


class TimedScorer:
    """A scorer that also appends ``(time, params key, score)`` of every call to a file."""

    def __init__(self, scoring, path, names):
        self.scoring = scoring
        self.path = path
        self.names = names

    def __call__(self, estimator, X, y, **kwargs):
        score = get_scorer(self.scoring)(estimator, X, y, **kwargs)
        params = estimator.get_params()
        line = json.dumps({"t": time.time(), "key": param_key(params, self.names), "score": float(score)})
        with open(self.path, "a") as f:
            f.write(line + "\n")
        return score


def row_times(search, log_path, names, start):
    """Completion time (seconds after ``start``) of every row of ``cv_results_``."""
    groups = {}
    with open(log_path) as f:
        for line in f:
            entry = json.loads(line)
            groups.setdefault(entry["key"], []).append(entry["t"] - start)
    n_splits = search.n_splits_
    results = search.cv_results_
    resources = results.get("n_resources", np.zeros(len(results["params"])))
    order = sorted(range(len(results["params"])), key=lambda i: resources[i])
    seen = {}
    times = np.full(len(results["params"]), np.nan)
    for i in order:
        key = param_key(results["params"][i], names)
        k = seen.get(key, 0)
        seen[key] = k + 1
        stamps = sorted(groups.get(key, []))[k * n_splits:(k + 1) * n_splits]
        if len(stamps) == n_splits:
            times[i] = max(stamps)
    return times


# ------------------------------------------------------------------ test scores
def test_score(problem, params, cache):
    """Held-out score of ``params`` refitted on all training data at the largest
    resource, or at the resource of its row for a search that a time limit stopped
    below it (what the search's own refit would give)."""
    key = param_key(params, [k for k in params if k != problem.resource])
    resource = problem.max_resource
    if problem.resource != "n_samples" and params.get(problem.resource, resource) != resource:
        resource = params[problem.resource]
        key += f" at {problem.resource}={resource}"
    if key not in cache:
        estimator = clone(problem.estimator).set_params(
            **{k: v for k, v in params.items() if k != problem.resource})
        if problem.resource != "n_samples":
            estimator.set_params(**{problem.resource: resource})
        estimator.fit(problem.X, problem.y)
        cache[key] = float(get_scorer(problem.scoring)(estimator, problem.X_test, problem.y_test))
    return cache[key]


def run_one(problem_name, optimizer, seed, results_dir, max_time=None):
    problem = PROBLEMS[problem_name]()
    names = [k for k in problem.space if k != problem.resource]
    record = {"problem": problem_name, "optimizer": optimizer, "seed": seed}
    if optimizer.endswith(TIMED_SUFFIX):
        if max_time is None:
            return {**record, "status": "unavailable", "error": "needs halving's run on the same seed"}
        record["max_time"] = max_time
    fd, log_path = tempfile.mkstemp(prefix="ttq-", suffix=".jsonl")
    os.close(fd)
    problem.scoring, scoring = TimedScorer(problem.scoring, log_path, names), problem.scoring
    try:
        search = adapters.build(optimizer, problem, RANDOM_N_ITER, seed, n_jobs=2)
    except adapters.Unavailable as exc:
        return {**record, "status": "unavailable", "error": str(exc)}
    if hasattr(search, "refit"):
        search.set_params(refit=False)
    if max_time is not None:
        search.set_params(max_time=max_time)
    start = time.time()
    try:
        adapters.fit_search(optimizer, search, problem.X, problem.y, seed)
    except Exception as exc:
        return {**record, "status": "failed", "error": f"{type(exc).__name__}: {exc}",
                "traceback": traceback.format_exc(limit=8)}
    wall = time.time() - start
    problem.scoring = scoring
    results = search.cv_results_
    times = row_times(search, log_path, names, start)
    os.remove(log_path)
    n_rows = len(results["params"])
    # Searches without a resource column ran every row at the full resource
    # (recorded as 0 when the problem leaves it to the libraries' defaults).
    resources = np.asarray(results.get("n_resources", [problem.max_resource or 0] * n_rows))
    top = resources.max()
    at_top = [i for i in range(n_rows) if resources[i] == top and np.isfinite(results["mean_test_score"][i])]
    at_top.sort(key=lambda i: (times[i] if np.isfinite(times[i]) else wall))
    incumbents, best = [], -np.inf
    for i in at_top:
        if results["mean_test_score"][i] > best:
            best = results["mean_test_score"][i]
            incumbents.append(i)
    record.update(
        status="ok",
        wall_time=wall,
        n_fits=int(n_rows * search.n_splits_),
        n_configurations=len({param_key(p, names) for p in results["params"]}),
        largest_resource=native(top),
        best_cv_score=float(best),
        incumbents=[
            {"time": float(times[i]) if np.isfinite(times[i]) else wall, "cv_score": float(results["mean_test_score"][i]),
             "params": {k: native(v) for k, v in results["params"][i].items()}}
            for i in incumbents
        ],
        fit_score_time=float(np.sum(results["mean_fit_time"]) * search.n_splits_
                             + np.sum(results["mean_score_time"]) * search.n_splits_),
    )
    return record


def attach_test_scores(store, problem_name, log=print):
    """Test scores of the incumbents: all of random search's (it sets the target), then for
    the others in time order until the target is reached, plus the final incumbent."""
    problem = PROBLEMS[problem_name]()
    cache_path = os.path.join(os.path.dirname(store.path), "pools", f"test-{problem_name}.json")
    cache = {}
    if os.path.exists(cache_path):
        with open(cache_path) as f:
            cache = json.load(f)
    records = [(k, r) for k, r in store.data.items() if r["problem"] == problem_name and r["status"] == "ok"]
    random_runs = [r for _, r in records if r["optimizer"] == "random"]
    for r in random_runs:
        r["final_test"] = test_score(problem, r["incumbents"][-1]["params"], cache)
    target = float(np.mean([r["final_test"] for r in random_runs])) if random_runs else None
    for key, r in records:
        tested = []
        for j, inc in enumerate(r["incumbents"]):
            final = j == len(r["incumbents"]) - 1
            if r["optimizer"] == "random" or final or target is None or not any(s >= target for _, s in tested):
                tested.append((inc["time"], test_score(problem, inc["params"], cache)))
        r["incumbent_test"] = tested
        r["final_test"] = tested[-1][1] if tested else None
        r["target_test"] = target
        reach = [t for t, s in tested if target is not None and s >= target]
        r["time_to_target"] = min(reach) if reach else None
        store.put(key, r)
        os.makedirs(os.path.dirname(cache_path), exist_ok=True)
        with open(cache_path, "w") as f:
            json.dump(cache, f)
    return target


def run_suite(problems, searches, seeds, results_dir, log=print):
    store = ResultStore(os.path.join(results_dir, "time_to_quality.json"))
    # Random search first: its final test score is every other run's target; then
    # halving, whose wall time is the timed searches' max_time.
    order = sorted(searches, key=lambda s: (s != "random", s != "halving"))
    t0 = time.perf_counter()
    for problem_name in problems:
        for seed in seeds:
            for optimizer in order:
                key = f"{problem_name}|{optimizer}|{seed}"
                if key in store:
                    continue
                halving = store.data.get(f"{problem_name}|halving|{seed}", {})
                record = run_one(problem_name, optimizer, seed, results_dir,
                                 max_time=halving.get("wall_time") if optimizer.endswith(TIMED_SUFFIX) else None)
                store.put(key, record)
                msg = record["status"]
                if msg == "ok":
                    msg = (f"{record['wall_time']:.0f}s, {record['n_fits']} fits, "
                           f"best CV {record['best_cv_score']:.4f}")
                else:
                    msg += ": " + record.get("error", "").splitlines()[0][:200]
                log(f"  [{time.perf_counter() - t0:.0f}s] {key}: {msg}")
        log(f"  [{time.perf_counter() - t0:.0f}s] {problem_name}: test scores of the incumbents")
        attach_test_scores(store, problem_name, log=log)
    return store


def summarize(records):
    lines = ["## Suite 2: time to quality (n_jobs=2, one thread per fit)\n"]
    problems = [p for p in PROBLEMS if any(r["problem"] == p for r in records)]
    for problem in problems:
        rows = [r for r in records if r["problem"] == problem and r["status"] == "ok"]
        if not rows:
            continue
        seeds = sorted({r["seed"] for r in rows})
        by = {}
        for r in rows:
            by.setdefault(r["optimizer"], {})[r["seed"]] = r
        rand, halv = by.get("random", {}), by.get("halving", {})
        target = next((r["target_test"] for r in rows if r.get("target_test") is not None), None)
        lines.append(f"\n### {problem} (seeds {seeds}; target = random search's mean test score"
                     f" {target:.4f})\n" if target is not None else f"\n### {problem}\n")
        lines.append("| search | runs | wall s | wall / random | wall / halving | fits | best CV score | test score "
                     "| test - random | test - halving | reached target | time to target / random wall |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for o in [o for o in adapters.ADAPTERS if o in by]:
            rs = list(by[o].values())

            def ratio(ref):
                v = [by[o][s]["wall_time"] / ref[s]["wall_time"] for s in by[o] if s in ref]
                return f"{np.mean(v):.2f}" if v else ""

            def test_gain(ref):  # paired over the seeds both ran
                v = [by[o][s]["final_test"] - ref[s]["final_test"] for s in by[o]
                     if s in ref and by[o][s].get("final_test") is not None
                     and ref[s].get("final_test") is not None]
                return f"{np.mean(v):+.4f}" if v else "–"

            tests = [r["final_test"] for r in rs if r.get("final_test") is not None]
            if not tests:
                lines.append(f"| {o} |" + " |" * 11)
                continue
            reached = [r for r in rs if r.get("time_to_target") is not None]
            ttt = [r["time_to_target"] / rand[r["seed"]]["wall_time"] for r in reached if r["seed"] in rand]
            versus_target = f"{np.mean(tests) - target:+.4f}" if target is not None else "–"
            lines.append(
                f"| {o} | {len(rs)} | {np.mean([r['wall_time'] for r in rs]):.0f} | {ratio(rand)} | {ratio(halv)} "
                f"| {np.mean([r['n_fits'] for r in rs]):.0f} | {np.mean([r['best_cv_score'] for r in rs]):.4f} "
                f"| {np.mean(tests):.4f} | {versus_target} | {test_gain(halv)} "
                f"| {f'{len(reached)}/{len(rs)}' if target is not None else '–'} "
                f"| {f'{np.mean(ttt):.2f}' if ttt else '–'} |"
            )
    bad = [r for r in records if r["status"] not in ("ok",)]
    if bad:
        lines.append("\nRuns that did not complete:\n")
        for r in bad:
            lines.append(f"- {r['problem']} {r['optimizer']} seed {r['seed']}: {r['status']}: "
                         f"{r.get('error', '').splitlines()[0][:300]}")
    lines.append(
        "\n`time to target / random wall`: when the incumbent's test score first reached the target, as a fraction "
        "of random search's wall time (mean over the seeds that reached it). `test - random`: mean test score minus "
        "the target; `test - halving`: paired over the seeds both ran. `fits`: CV fits at any resource. `runs`: "
        "seeds of that search; wall-time ratios pair each run with the reference's run on the same seed."
    )
    return "\n".join(lines)


def report(results_dir, log=print):
    import report as figures

    figures.write_suite_report(results_dir, "time_to_quality", summarize, figures.time_figures, log=log)
