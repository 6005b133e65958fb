"""Suite 4: a GridSearchCV user's ``param_grid``, handed unchanged to every search.

The one-line change the library promises: the same estimator and the same
``param_grid`` (lists of values) given to ``GridSearchCV``, to scikit-learn's
``HalvingGridSearchCV`` and to skhptune's searches, every other argument left at the
library's default (5-fold CV, ``refit=True``) except ``n_jobs=2`` (one thread per
fit, set by ``run.py``) and the seed. Recorded per run: wall time including the refit,
rows of ``cv_results_``, ``best_score_`` and the held-out score of
``best_estimator_``.

``BayesSearchCV`` and ``GeneticSearchCV`` evaluate a grid no larger than their budget
in full, exactly as ``GridSearchCV`` does; here they get a third of the grid
(``n_iter``, or the generations that make that budget) to show what they find with it.
"""

import math
import os
import time
import traceback

import numpy as np
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, make_classification
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, SVR

from store import ResultStore

SEARCHES = ["grid", "halving-grid", "skh-hyperband", "skh-halving", "skh-bayes-third", "skh-genetic-third"]


def _digits_svc():
    grid = {"C": [0.1, 1, 10, 100, 1000], "gamma": [1e-4, 1e-3, 1e-2, 1e-1]}
    return load_digits(return_X_y=True), SVC(), grid


def _cancer_forest():
    grid = {"max_depth": [2, 4, 8, None], "min_samples_leaf": [1, 2, 4, 8],
            "max_features": ["sqrt", 0.5, 1.0]}
    return load_breast_cancer(return_X_y=True), RandomForestClassifier(random_state=0), grid


def _synthetic_hgb():
    data = make_classification(n_samples=6000, n_features=20, n_informative=10, random_state=0)
    grid = {"learning_rate": [0.03, 0.1, 0.3], "max_leaf_nodes": [7, 31, 127],
            "min_samples_leaf": [5, 50], "l2_regularization": [0.0, 1.0]}
    return data, HistGradientBoostingClassifier(random_state=0), grid


def _diabetes_svr():
    grid = {"svr__C": [0.1, 1, 10, 100, 1000], "svr__gamma": [1e-3, 1e-2, 1e-1, 1],
            "svr__epsilon": [0.1, 1, 10]}
    return load_diabetes(return_X_y=True), make_pipeline(StandardScaler(), SVR()), grid


PROBLEMS = {
    "digits-svc": _digits_svc,
    "cancer-forest": _cancer_forest,
    "synthetic-hgb": _synthetic_hgb,
    "diabetes-svr": _diabetes_svr,
}


def grid_size(grid):
    return math.prod(len(values) for values in grid.values())


def build(search, estimator, grid, seed):
    """The search ``search`` over ``grid``, with the library's defaults."""
    import skhptune
    from sklearn.experimental import enable_halving_search_cv  # noqa: F401
    from sklearn.model_selection import GridSearchCV, HalvingGridSearchCV

    third = math.ceil(grid_size(grid) / 3)
    if search == "grid":
        return GridSearchCV(estimator, grid, n_jobs=2)
    if search == "halving-grid":
        return HalvingGridSearchCV(estimator, grid, n_jobs=2, random_state=seed)
    if search == "skh-hyperband":
        return skhptune.HyperbandSearchCV(estimator, grid, n_jobs=2, random_state=seed)
    if search == "skh-halving":
        return skhptune.HyperbandSearchCV(estimator, grid, n_brackets=1, n_jobs=2, random_state=seed)
    if search == "skh-bayes-third":
        return skhptune.BayesSearchCV(estimator, grid, n_iter=third, n_jobs=2, random_state=seed)
    if search == "skh-genetic-third":
        # The default population of 8 keeps 4 elites: 8 + 4 * (generations - 1) evaluations.
        generations = 1 + math.ceil(max(third - 8, 0) / 4)
        return skhptune.GeneticSearchCV(estimator, grid, n_generations=generations, n_jobs=2,
                                        random_state=seed)
    raise ValueError(f"unknown search {search!r}")


def run_one(problem_name, search_name, seed):
    (X, y), estimator, grid = PROBLEMS[problem_name]()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
    record = {"problem": problem_name, "optimizer": search_name, "seed": seed, "grid_size": grid_size(grid)}
    search = build(search_name, estimator, grid, seed)
    start = time.perf_counter()
    try:
        search.fit(X_train, y_train)
    except Exception as exc:
        return {**record, "status": "failed", "error": f"{type(exc).__name__}: {exc}",
                "traceback": traceback.format_exc(limit=8)}
    record.update(
        status="ok",
        wall_time=time.perf_counter() - start,
        n_rows=len(search.cv_results_["params"]),
        best_cv_score=float(search.best_score_),
        test_score=float(search.score(X_test, y_test)),
        best_params={k: repr(v) for k, v in search.best_params_.items()},
    )
    return record


def run_suite(problems, searches, seeds, results_dir, log=print):
    store = ResultStore(os.path.join(results_dir, "grid_race.json"))
    t0 = time.perf_counter()
    for problem_name in problems:
        for seed in seeds:
            for search_name in searches:
                key = f"{problem_name}|{search_name}|{seed}"
                if key in store:
                    continue
                record = run_one(problem_name, search_name, seed)
                store.put(key, record)
                msg = record["status"]
                if msg == "ok":
                    msg = (f"{record['wall_time']:.1f}s, {record['n_rows']} rows, "
                           f"best CV {record['best_cv_score']:.4f}, test {record['test_score']:.4f}")
                else:
                    msg += ": " + record["error"].splitlines()[0][:200]
                log(f"  [{time.perf_counter() - t0:.0f}s] {key}: {msg}")
    return store


def summarize(records):
    lines = ["## Suite 4: a GridSearchCV param_grid given to every search (n_jobs=2, defaults)\n"]
    for problem in [p for p in PROBLEMS if any(r["problem"] == p for r in records)]:
        rows = [r for r in records if r["problem"] == problem and r["status"] == "ok"]
        by = {}
        for r in rows:
            by.setdefault(r["optimizer"], {})[r["seed"]] = r
        grid, halving = by.get("grid", {}), by.get("halving-grid", {})
        seeds = sorted({r["seed"] for r in rows})
        lines.append(f"\n### {problem} ({rows[0]['grid_size']} grid points; seeds {seeds})\n")
        lines.append("| search | wall s | wall / grid | wall / halving | rows | best CV score "
                     "| test score | test - grid |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|")
        for name in [s for s in SEARCHES if s in by]:
            runs = by[name]

            def ratio(reference):
                values = [runs[s]["wall_time"] / reference[s]["wall_time"] for s in runs if s in reference]
                return f"{np.mean(values):.2f}" if values else ""

            test = np.mean([r["test_score"] for r in runs.values()])
            grid_test = np.mean([r["test_score"] for r in grid.values()]) if grid else np.nan
            lines.append(
                f"| {name} | {np.mean([r['wall_time'] for r in runs.values()]):.1f} | {ratio(grid)} "
                f"| {ratio(halving)} | {np.mean([r['n_rows'] for r in runs.values()]):.0f} "
                f"| {np.mean([r['best_cv_score'] for r in runs.values()]):.4f} | {test:.4f} "
                f"| {test - grid_test:+.4f} |"
            )
    failed = [r for r in records if r["status"] != "ok"]
    if failed:
        lines.append("\nRuns that did not complete:\n")
        lines += [f"- {r['problem']} {r['optimizer']} seed {r['seed']}: {r['error'].splitlines()[0][:300]}"
                  for r in failed]
    lines.append(
        "\n`rows`: rows of `cv_results_` (for the resource-based searches, every resource level counts). "
        "Wall times include the refit of the best configuration on the whole training set."
    )
    return "\n".join(lines)


def report(results_dir, log=print):
    import report as figures

    figures.write_suite_report(results_dir, "grid_race", summarize, lambda records, results_dir: [], log=log)
