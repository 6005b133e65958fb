"""Markdown tables and matplotlib figures from the JSON results."""

import os

import numpy as np

import adapters

COLORS = {
    "random": "#7f7f7f",
    "grid": "#bcbd22",
    "skopt": "#1f77b4",
    "optuna": "#ff7f0e",
    "gasearch": "#9467bd",
    "skh-bayes": "#d62728",
    "skh-genetic": "#2ca02c",
    "halving": "#8c564b",
    "skh-hyperband": "#e377c2",
    "skh-hyperband-bayes": "#17becf",
    "skh-halving": "#aec7e8",
    "dask-hyperband": "#000000",
}


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _order(names):
    return [o for o in adapters.ADAPTERS if o in names]


def bayesmark_figures(scored, base, out_dir):
    """Bars of normalized score per problem and optimizer; mean convergence curves."""
    plt = _plt()
    paths = []
    budgets = sorted({r["budget"] for r in scored})
    for budget in budgets:
        rows = [r for r in scored if r["budget"] == budget]
        problems = sorted({r["problem"] for r in rows})
        optimizers = _order({r["optimizer"] for r in rows})
        width = 0.8 / len(optimizers)
        fig, ax = plt.subplots(figsize=(max(8, 1.1 * len(problems) + 2), 4.5))
        x = np.arange(len(problems))
        for j, o in enumerate(optimizers):
            means = [np.mean([r["norm_score"] for r in rows if r["optimizer"] == o and r["problem"] == p] or [np.nan])
                     for p in problems]
            ax.bar(x + (j - (len(optimizers) - 1) / 2) * width, means, width, label=o, color=COLORS.get(o))
        pred = [base[p].random_score_moments(budget)[0] for p in problems]
        ax.scatter(x, pred, marker="_", s=400, color="k", zorder=5, label="random (pool prediction)")
        ax.set_xticks(x, problems, rotation=35, ha="right", fontsize=8)
        ax.set_ylabel("normalized score (100 = best known)")
        ax.set_ylim(0, 105)
        ax.set_title(f"Bayesmark-style problems, {budget} evaluations (mean over seeds)")
        ax.legend(fontsize=7, ncol=4, loc="lower left")
        fig.tight_layout()
        path = os.path.join(out_dir, f"bayesmark_scores_{budget}.png")
        fig.savefig(path, dpi=110)
        plt.close(fig)
        paths.append(path)

    fig, axes = plt.subplots(1, len(budgets), figsize=(6 * len(budgets), 4.2), squeeze=False)
    for ax, budget in zip(axes[0], budgets):
        rows = [r for r in scored if r["budget"] == budget]
        problems = sorted({r["problem"] for r in rows})
        for o in _order({r["optimizer"] for r in rows}):
            curves = [r["curve"] for r in rows if r["optimizer"] == o]
            n = min(len(c) for c in curves)
            if n == 0:
                continue
            mean = np.mean([c[:n] for c in curves], axis=0)
            ax.plot(np.arange(1, n + 1), mean, label=o, color=COLORS.get(o))
        steps = np.arange(1, budget + 1)
        ax.plot(steps, [np.mean([base[p].random_score_moments(i)[0] for p in problems]) for i in steps],
                "k--", lw=1, label="random (pool prediction)")
        ax.set_xlabel("evaluations")
        ax.set_ylabel("mean normalized score of best so far")
        ax.set_title(f"Convergence, budget {budget}, {len(problems)} problems")
        ax.set_ylim(0, 100)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    path = os.path.join(out_dir, "bayesmark_convergence.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    paths.append(path)
    return paths


def time_figures(records, out_dir):
    """Held-out test score of the incumbent over wall time, one panel per problem."""
    plt = _plt()
    problems = sorted({r["problem"] for r in records if r.get("status") == "ok"})
    if not problems:
        return []
    fig, axes = plt.subplots(1, len(problems), figsize=(6 * len(problems), 4.2), squeeze=False)
    for ax, problem in zip(axes[0], problems):
        rows = [r for r in records if r.get("status") == "ok" and r["problem"] == problem]
        for o in _order({r["optimizer"] for r in rows}):
            for k, r in enumerate(r for r in rows if r["optimizer"] == o):
                t = [0.0] + [p[0] for p in r["incumbent_test"]] + [r["wall_time"]]
                s = [np.nan] + [p[1] for p in r["incumbent_test"]] + [r["incumbent_test"][-1][1] if r["incumbent_test"] else np.nan]
                ax.step(t, s, where="post", color=COLORS.get(o), alpha=0.85,
                        label=o if k == 0 else None, lw=1.3)
        target = [r["final_test"] for r in rows if r["optimizer"] == "random"]
        if target:
            ax.axhline(np.mean(target), color="k", ls=":", lw=1, label="random final (mean)")
        finals = [r["final_test"] for r in rows if r.get("final_test") is not None]
        if finals:
            lo = np.percentile(finals, 5)
            ax.set_ylim(lo - 0.3 * (max(finals) - lo + 1e-4), max(finals) + 0.2 * (max(finals) - lo + 1e-4))
        ax.set_xscale("log")
        ax.ticklabel_format(axis="y", useOffset=False)
        ax.set_xlabel("wall time (s, n_jobs=2)")
        ax.set_ylabel("test score of the incumbent")
        ax.set_title(problem, fontsize=9)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    path = os.path.join(out_dir, "time_to_quality.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return [path]


def overhead_figures(records, out_dir):
    """Own time per proposal against observations, one panel per dimension."""
    plt = _plt()
    rows = [r for r in records if r.get("kind") == "overhead" and r.get("status") == "ok"]
    dims = sorted({r["dim"] for r in rows})
    if not dims:
        return []
    fig, axes = plt.subplots(1, len(dims), figsize=(5 * len(dims), 4), squeeze=False)
    for ax, d in zip(axes[0], dims):
        for o in _order({r["optimizer"] for r in rows if r["dim"] == d}):
            rs = [r for r in rows if r["dim"] == d and r["optimizer"] == o]
            points = sorted({n for r in rs for n in r["overhead_at"]}, key=int)
            xs = [int(n) for n in points]
            ys = [np.median([r["overhead_at"][n] for r in rs if n in r["overhead_at"]]) for n in points]
            ax.plot(xs, np.array(ys) * 1000, "o-", label=o, color=COLORS.get(o))
        ax.set_yscale("log")
        ax.set_xlabel("observations")
        ax.set_ylabel("own time per evaluation (ms, n_jobs=1)")
        ax.set_title(f"{d} dimensions")
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=7)
    fig.tight_layout()
    path = os.path.join(out_dir, "overhead.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return [path]


def write_suite_report(results_dir, name, summarize, figures, log=print):
    """Table ``results/<name>.md`` and the figures of suite ``name`` from its JSON."""
    from store import ResultStore

    path = os.path.join(results_dir, f"{name}.json")
    if not os.path.exists(path):
        return
    records = ResultStore(path).records()
    with open(os.path.join(results_dir, f"{name}.md"), "w") as f:
        f.write(summarize(records) + "\n")
    log(f"wrote results/{name}.md")
    for p in figures(records, results_dir):
        log(f"wrote {os.path.relpath(p, os.path.dirname(results_dir))}")
