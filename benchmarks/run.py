"""Entry point of the benchmarks: ``python benchmarks/run.py --suite quick``.

Suites:

- ``quick``: suite 1 (fixed evaluations) on 7 cheap Bayesmark problems, 2 seeds,
  budget 32, every installed search; under 15 minutes on 2 cores.
- ``full``: suite 1 on 14 problems, 5 seeds, budgets 32 and 64 (hours).
- ``time``: suite 2, time to quality with resource-based searches (n_jobs=2).
- ``overhead``: suite 3, the searches' own time per evaluation and parallel efficiency.
- ``grid``: suite 4, a ``GridSearchCV`` ``param_grid`` given unchanged to every search.
- ``report``: only rebuild tables and figures from the stored JSON.

Results go to ``benchmarks/results/`` (JSON written after every run; a rerun skips what
is stored, so an interrupted suite resumes), tables to ``results/*.md``, figures to
``results/*.png``.
"""

import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# One thread per fit (and per GP): parallelism comes from n_jobs and the worker pools.
# Set before numpy is imported, here and for every child process.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[var] = "1"
os.environ["PYTHONPATH"] = HERE + os.pathsep + os.environ.get("PYTHONPATH", "")
os.environ.setdefault("PYTHONWARNINGS", "ignore")
sys.path.insert(0, HERE)

import adapters  # noqa: E402
import problems as problem_sets  # noqa: E402

RESULTS = os.path.join(HERE, "results")


def log(msg):
    print(msg, flush=True)


def available_searches(names):
    out = []
    for name in names:
        reason = adapters.probe(name)
        if reason is None:
            out.append(name)
        else:
            log(f"skipping {name}: {reason}")
    return out


def write(path, text):
    with open(path, "w") as f:
        f.write(text.rstrip() + "\n")
    log(f"wrote {os.path.relpath(path, HERE)}")


def report_bayesmark(results_dir, label="bayesmark"):
    import bayesmark_suite
    import report
    from store import ResultStore

    store = ResultStore(os.path.join(results_dir, "bayesmark.json"))
    if not len(store):
        return None
    text, scored, base, check = bayesmark_suite.summarize(store.records(), results_dir)
    write(os.path.join(results_dir, f"{label}.md"), "## Suite 1: fixed evaluations\n" + text)
    for path in report.bayesmark_figures(scored, base, results_dir):
        log(f"wrote {os.path.relpath(path, HERE)}")
    return check


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--suite", required=True, choices=["quick", "full", "time", "overhead", "grid", "report"])
    parser.add_argument("--problems", nargs="*", help="problem names (default: the suite's set)")
    parser.add_argument("--searches", nargs="*", help="search names (default: every installed one); "
                        f"known: {', '.join(adapters.ADAPTERS)}")
    parser.add_argument("--budgets", nargs="*", type=int)
    parser.add_argument("--seeds", nargs="*", type=int)
    parser.add_argument("--workers", type=int, default=2, help="runs in parallel (suite 1)")
    parser.add_argument("--results", default=RESULTS, help="results folder")
    args = parser.parse_args(argv)
    os.makedirs(args.results, exist_ok=True)
    t0 = time.perf_counter()

    if args.suite in ("quick", "full"):
        import bayesmark_suite

        quick = args.suite == "quick"
        problems = args.problems or (problem_sets.QUICK if quick else problem_sets.STANDARD)
        budgets = args.budgets or ([32] if quick else [32, 64])
        seeds = args.seeds if args.seeds is not None else ([0, 1] if quick else [0, 1, 2, 3, 4])
        searches = available_searches(args.searches or adapters.FIXED_EVALUATION_SEARCHES)
        log(f"suite {args.suite}: {len(problems)} problems x {searches} x budgets {budgets} x seeds {seeds}")
        bayesmark_suite.run_suite(problems, searches, budgets, seeds, args.results, n_workers=args.workers, log=log)
        check = report_bayesmark(args.results)
        if check:
            for budget, c in check.items():
                log(f"sanity check budget {budget}: random {c['observed']:.1f} vs pool {c['predicted']:.1f} "
                    f"± {c['se']:.1f}: {'PASS' if c['ok'] else 'FAIL'}")
    elif args.suite == "time":
        import time_to_quality

        searches = available_searches(args.searches or time_to_quality.SEARCHES)
        time_to_quality.run_suite(args.problems or list(time_to_quality.PROBLEMS), searches,
                                  args.seeds if args.seeds is not None else [0, 1], args.results, log=log)
        time_to_quality.report(args.results, log=log)
    elif args.suite == "overhead":
        import overhead

        searches = available_searches(args.searches or overhead.SEARCHES)
        overhead.run_suite(searches, args.results, seeds=args.seeds if args.seeds is not None else [0], log=log)
        overhead.report(args.results, log=log)
    elif args.suite == "grid":
        import grid_race

        grid_race.run_suite(args.problems or list(grid_race.PROBLEMS), args.searches or grid_race.SEARCHES,
                            args.seeds if args.seeds is not None else [0, 1, 2], args.results, log=log)
        grid_race.report(args.results, log=log)
    else:
        report_bayesmark(args.results)
        for name in ("time_to_quality", "overhead", "grid_race"):
            module = __import__(name)
            module.report(args.results, log=log)
    log(f"suite {args.suite} finished in {time.perf_counter() - t0:.0f}s")


if __name__ == "__main__":
    main()
