"""Suite 1: quality per evaluation on Bayesmark-style problems.

Each run fits one search on one problem with a budget of ``n`` evaluations and one seed;
its trace (CV score of every distinct configuration, in evaluation order) is stored.
Scores follow Bayesmark:

- ``best_known`` = lowest loss ever seen on the problem (all runs + the random pool);
- ``median`` = median loss of one random configuration (from the pool);
- normalized score = ``100 * (median - loss) / (median - best_known)``, the loss clipped
  at ``median`` (so 0 = a median random draw, 100 = best known);
- loss ratio to random = ``(loss - best_known) / (E[min of n random] - best_known)`` with
  the expectation computed exactly from the pool (< 1: better than random search at the
  same budget).

The random pool (``results/pools/<problem>.json``) is a few hundred configurations drawn
from exactly the distributions that ``RandomizedSearchCV`` gets; it is computed once and
reused. The verification re-evaluates every reported ``best_params_`` with
``cross_val_score`` and compares with the reported ``best_score_``.
"""

import json
import os
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed

import numpy as np

import adapters
from problems import clean_params, native, problem_from_name, scipy_space
from store import ResultStore

POOL_SIZE = 512
POOL_SEED = 20240601


# ------------------------------------------------------------------------ the pool
def _pool_path(results_dir, problem_name):
    return os.path.join(results_dir, "pools", f"{problem_name}.json")


def _evaluate_one(problem_name, params):
    import warnings

    problem = problem_from_name(problem_name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        score = problem.evaluate(params)
    return score, time.perf_counter() - t0


def random_pool(problem_name, results_dir, n_workers=2, size=POOL_SIZE, log=print):
    """Losses of ``size`` random configurations of the problem, cached on disk."""
    from sklearn.model_selection import ParameterSampler

    path = _pool_path(results_dir, problem_name)
    if os.path.exists(path):
        with open(path) as f:
            pool = json.load(f)
        if len(pool["scores"]) >= size:
            return pool
    problem = problem_from_name(problem_name)
    draws = list(ParameterSampler(scipy_space(problem.space), size, random_state=POOL_SEED))
    draws = [clean_params(p, problem.space) for p in draws]
    log(f"  pool {problem_name}: evaluating {size} random configurations")
    t0 = time.perf_counter()
    with ProcessPoolExecutor(n_workers) as executor:
        out = list(executor.map(_evaluate_one, [problem_name] * size, draws, chunksize=4))
    pool = {
        "problem": problem_name,
        "seed": POOL_SEED,
        "params": draws,
        "scores": [s for s, _ in out],
        "seconds": [t for _, t in out],
    }
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w") as f:
        json.dump(pool, f)
    os.replace(path + ".tmp", path)
    log(f"  pool {problem_name}: done in {time.perf_counter() - t0:.0f}s")
    return pool


# ------------------------------------------------------------------------ one run
def run_key(problem_name, optimizer, budget, seed):
    return f"{problem_name}|{optimizer}|{budget}|{seed}"


def run_one(problem_name, optimizer, budget, seed, verify=True):
    """Fit one search; return a JSON-ready record (``status`` says whether it ran)."""
    import warnings

    warnings.simplefilter("ignore")
    problem = problem_from_name(problem_name)
    record = {"problem": problem_name, "optimizer": optimizer, "budget": budget, "seed": seed}
    try:
        search = adapters.build(optimizer, problem, budget, seed, n_jobs=1)
    except adapters.Unavailable as exc:
        return {**record, "status": "unavailable", "error": str(exc)}
    t0 = time.perf_counter()
    try:
        adapters.fit_search(optimizer, search, problem.X, problem.y, seed)
    except Exception as exc:
        return {**record, "status": "failed", "error": f"{type(exc).__name__}: {exc}",
                "traceback": traceback.format_exc(limit=6)}
    wall = time.perf_counter() - t0
    results = search.cv_results_
    n_splits = getattr(search, "n_splits_", 5)
    fit_score = float(np.nansum(results["mean_fit_time"]) * n_splits + np.nansum(results["mean_score_time"]) * n_splits)
    trace = adapters.evaluation_trace(search, budget)
    best_params = clean_params(search.best_params_, problem.space)
    record.update(
        status="ok",
        wall_time=wall,
        fit_score_time=fit_score,
        n_rows=len(results["mean_test_score"]),
        scores=[native(s) for s, _ in trace],
        trace_params=[clean_params(p, problem.space) for _, p in trace],
        best_score=float(search.best_score_),
        best_params=best_params,
    )
    if verify:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            record["verified_score"] = problem.evaluate(search.best_params_)
    return record


def run_suite(problems, optimizers, budgets, seeds, results_dir, n_workers=2, log=print):
    """Run every (problem, optimizer, budget, seed) not yet in the results file."""
    store = ResultStore(os.path.join(results_dir, "bayesmark.json"))
    for name in problems:
        random_pool(name, results_dir, n_workers=n_workers, log=log)
    todo = [
        (p, o, b, s)
        for b in budgets
        for s in seeds
        for p in problems
        for o in optimizers
        if run_key(p, o, b, s) not in store
    ]
    log(f"bayesmark: {len(todo)} runs to do, {len(store)} stored")
    t0 = time.perf_counter()
    with ProcessPoolExecutor(n_workers) as executor:
        futures = {executor.submit(run_one, *job): job for job in todo}
        for i, future in enumerate(as_completed(futures), 1):
            job = futures[future]
            try:
                record = future.result()
            except Exception as exc:  # a crashed worker: record, keep going
                record = dict(zip(("problem", "optimizer", "budget", "seed"), job),
                              status="failed", error=f"{type(exc).__name__}: {exc}")
            store.put(run_key(*job), record)
            msg = record["status"]
            if record["status"] == "ok":
                msg = f"best {record['best_score']:.5g} in {record['wall_time']:.1f}s"
            elif record.get("error"):
                msg += ": " + record["error"].splitlines()[0][:150]
            log(f"  [{i}/{len(todo)} {time.perf_counter() - t0:.0f}s] {run_key(*job)}: {msg}")
    return store


# ------------------------------------------------------------------------ scoring
class Baseline:
    """Median and best-known loss of a problem, and random search's distribution."""

    def __init__(self, pool_scores, best_known):
        losses = -np.asarray(pool_scores, dtype=float)
        losses = losses[np.isfinite(losses)]
        self.median = float(np.median(losses))
        self.best_known = float(min(best_known, losses.min()))
        self.sorted_losses = np.sort(np.minimum(losses, self.median))

    def score(self, loss):
        """Normalized score of a loss: 0 = median random draw, 100 = best known."""
        loss = np.minimum(np.where(np.isfinite(loss), loss, self.median), self.median)
        span = self.median - self.best_known
        if span <= 0:
            return np.full(np.shape(loss), 100.0)
        return 100.0 * (self.median - loss) / span

    def min_distribution(self, n):
        """Probabilities that the min of ``n`` random draws is each sorted pool loss."""
        N = len(self.sorted_losses)
        i = np.arange(N)
        return ((N - i) / N) ** n - ((N - i - 1) / N) ** n

    def random_expected_loss(self, n):
        return float(self.min_distribution(n) @ self.sorted_losses)

    def random_score_moments(self, n):
        """Mean and variance of random search's normalized score at budget ``n``."""
        p = self.min_distribution(n)
        s = self.score(self.sorted_losses)
        mean = float(p @ s)
        return mean, float(p @ (s - mean) ** 2)

    def ratio(self, loss, n):
        loss = min(loss if np.isfinite(loss) else self.median, self.median)
        denominator = self.random_expected_loss(n) - self.best_known
        return (loss - self.best_known) / denominator if denominator > 0 else 1.0


def baselines(records, results_dir):
    """One :class:`Baseline` per problem, best known over all runs and the pool."""
    best = {}
    for r in records:
        if r.get("status") == "ok" and r["scores"]:
            finite = [-s for s in r["scores"] if s is not None and np.isfinite(s)]
            if finite:
                best[r["problem"]] = min(best.get(r["problem"], np.inf), min(finite))
    out = {}
    for name in {r["problem"] for r in records}:
        path = _pool_path(results_dir, name)
        if not os.path.exists(path):
            continue
        with open(path) as f:
            pool = json.load(f)
        out[name] = Baseline(pool["scores"], best.get(name, np.inf))
    return out


def scored_records(records, results_dir):
    """Add ``norm_score``, ``ratio``, ``curve`` (normalized best-so-far) and the
    verification outcome to every successful record."""
    base = baselines(records, results_dir)
    out = []
    for r in records:
        if r.get("status") != "ok" or r["problem"] not in base:
            continue
        b = base[r["problem"]]
        losses = np.array([-s if s is not None else np.nan for s in r["scores"]], dtype=float)
        losses = np.where(np.isfinite(losses), losses, np.inf)
        best_so_far = np.minimum.accumulate(losses)
        final = float(best_so_far[-1]) if len(best_so_far) else np.inf
        verified = None
        if "verified_score" in r:
            verified = bool(np.isclose(r["verified_score"], r["best_score"], rtol=1e-7, atol=1e-9))
        out.append({
            **r,
            "n_evaluated": len(losses),
            "best_loss": final,
            "norm_score": float(b.score(final)),
            "ratio": float(b.ratio(final, r["budget"])),
            "curve": b.score(best_so_far).tolist(),
            "verified": verified,
        })
    return out, base


def _paired_differences(rows, optimizers):
    """Markdown table: each skhptune search's normalized score minus each peer's,
    paired by (problem, seed), as mean ± one standard error of the differences."""
    by_run = {(r["optimizer"], r["problem"], r["seed"]): r["norm_score"] for r in rows}
    ours = [o for o in optimizers if o.startswith("skh-")]
    peers = [o for o in optimizers if not o.startswith("skh-")]
    if not ours or not peers:
        return []
    lines = [
        "\nPaired differences of normalized score (row minus column, over the runs "
        "both have: mean ± one standard error):\n",
        "| search | " + " | ".join(peers) + " |",
        "|---|" + "---:|" * len(peers),
    ]
    for o in ours:
        cells = []
        for peer in peers:
            diffs = [
                score - by_run[(peer, problem, seed)]
                for (name, problem, seed), score in by_run.items()
                if name == o and (peer, problem, seed) in by_run
            ]
            if len(diffs) < 2:
                cells.append("")
                continue
            se = np.std(diffs, ddof=1) / np.sqrt(len(diffs))
            cells.append(f"{np.mean(diffs):+.1f} ± {se:.1f} ({len(diffs)})")
        lines.append(f"| {o} | " + " | ".join(cells) + " |")
    return lines


def summarize(records, results_dir):
    """Tables (markdown strings) and the random-search sanity check."""
    scored, base = scored_records(records, results_dir)
    lines = []
    budgets = sorted({r["budget"] for r in scored})
    optimizers = [o for o in adapters.ADAPTERS if any(r["optimizer"] == o for r in scored)]
    problems = sorted({r["problem"] for r in scored})
    check = {}
    for budget in budgets:
        rows = [r for r in scored if r["budget"] == budget]
        seeds = sorted({r["seed"] for r in rows})
        lines.append(f"\n### Budget {budget} evaluations ({len(problems)} problems, seeds {seeds})\n")
        lines.append(
            "| search | mean normalized score | loss / random | runs | best_score_ verified | "
            "distinct evals / run | wall s / run | own time s / run |"
        )
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|")
        for o in optimizers:
            rs = [r for r in rows if r["optimizer"] == o]
            if not rs:
                continue
            ver = [r["verified"] for r in rs if r["verified"] is not None]
            own = [max(r["wall_time"] - r["fit_score_time"], 0) for r in rs]
            lines.append(
                f"| {o} | {np.mean([r['norm_score'] for r in rs]):.1f} "
                f"| {np.mean([r['ratio'] for r in rs]):.3f} | {len(rs)} "
                f"| {sum(ver)}/{len(ver)} | {np.mean([r['n_evaluated'] for r in rs]):.1f} "
                f"| {np.mean([r['wall_time'] for r in rs]):.1f} | {np.mean(own):.1f} |"
            )
        mean_pred = [base[p].random_score_moments(budget)[0] for p in problems]
        lines.append(f"| *random, predicted from pool* | {np.mean(mean_pred):.1f} | 1.000 | | | | | |")
        lines.extend(_paired_differences(rows, optimizers))
        # per-problem table
        lines.append("\nNormalized score per problem (mean over seeds):\n")
        lines.append("| problem | " + " | ".join(optimizers) + " | random predicted |")
        lines.append("|---|" + "---:|" * (len(optimizers) + 1))
        for p in problems:
            cells = []
            for o in optimizers:
                rs = [r["norm_score"] for r in rows if r["optimizer"] == o and r["problem"] == p]
                cells.append(f"{np.mean(rs):.1f}" if rs else "")
            lines.append(f"| {p} | " + " | ".join(cells) + f" | {base[p].random_score_moments(budget)[0]:.1f} |")
        # sanity check: random search vs the pool's prediction
        rs = [r for r in rows if r["optimizer"] == "random"]
        if rs:
            observed = np.mean([r["norm_score"] for r in rs])
            moments = [base[r["problem"]].random_score_moments(budget) for r in rs]
            predicted = np.mean([m for m, _ in moments])
            se = np.sqrt(np.sum([v for _, v in moments])) / len(rs)
            ok = abs(observed - predicted) <= 2.5 * se
            check[budget] = dict(observed=observed, predicted=predicted, se=se, ok=bool(ok), n=len(rs))
            lines.append(
                f"\nSanity check, budget {budget}: RandomizedSearchCV scored {observed:.1f}, the pool "
                f"predicts {predicted:.1f} ± {se:.1f} (one standard error over {len(rs)} runs): "
                f"{'PASS' if ok else 'FAIL'} (|difference| <= 2.5 SE)."
            )
    failures = [r for r in records if r.get("status") not in ("ok", "unavailable")]
    if failures:
        lines.append("\nFailed runs:\n")
        for r in failures:
            lines.append(f"- {r['problem']} {r['optimizer']} budget {r['budget']} seed {r['seed']}: "
                         f"{r.get('error', '').splitlines()[0][:200] if r.get('error') else ''}")
    unavailable = sorted({(r["optimizer"], r.get("error", "")) for r in records if r.get("status") == "unavailable"})
    if unavailable:
        lines.append("\nSkipped (not importable):\n")
        for o, e in unavailable:
            lines.append(f"- {o}: {e[:200]}")
    return "\n".join(lines), scored, base, check
