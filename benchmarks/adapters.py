"""One small function per search class: build it from a library-neutral problem.

Every builder has the signature ``build(problem, n_evaluations, seed, n_jobs)`` and returns
an unfitted search whose ``fit(problem.X, problem.y)`` spends about ``n_evaluations``
configurations (exactly where the class lets us say so; see each builder). Imports are
lazy: a class whose library is missing, or not written yet, raises :class:`Unavailable`
and the runners skip it with a message. A new peer is one function plus one line in
:data:`ADAPTERS`.

The space converters map the neutral dimensions of :mod:`problems` one to one:
``("real", lo, hi, "log")`` is a log-uniform real everywhere, ``("int", lo, hi, ...)``
an inclusive integer range, ``("cat", choices)`` a categorical.
"""

import math
import random
import warnings

import numpy as np

from problems import scipy_space


class Unavailable(Exception):
    """The search class cannot be imported or cannot run on this problem."""


def _require(import_fn, what):
    try:
        return import_fn()
    except Exception as exc:  # ImportError, or a half-written module raising anything
        raise Unavailable(f"{what} not importable: {type(exc).__name__}: {exc}") from None


# --------------------------------------------------------------------------- spaces
def _prior_space(space, Real, Integer, Categorical):
    """The neutral space with classes that share skopt's ``(low, high, prior=...)``
    signature: skhptune's and scikit-optimize's."""
    out = {}
    for name, dim in space.items():
        if dim[0] == "cat":
            out[name] = Categorical(list(dim[1]))
        else:
            kind, low, high, scale = dim
            prior = "log-uniform" if scale == "log" else "uniform"
            out[name] = (Real if kind == "real" else Integer)(low, high, prior=prior)
    return out


def skhptune_space(space):
    from skhptune.space import Categorical, Integer, Real

    # Normal priors (suite 3) go as scipy.stats laws, which skhptune takes.
    ranges = _prior_space({n: d for n, d in space.items() if d[0] != "norm"}, Real, Integer, Categorical)
    return {name: ranges[name] if name in ranges else scipy_space({name: dim})[name]
            for name, dim in space.items()}


def skopt_space(space):
    from skopt.space import Categorical, Integer, Real

    return _prior_space(space, Real, Integer, Categorical)


def optuna_space(space):
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

    out = {}
    for name, dim in space.items():
        if dim[0] == "cat":
            out[name] = CategoricalDistribution(list(dim[1]))
        else:
            kind, low, high, scale = dim
            cls = FloatDistribution if kind == "real" else IntDistribution
            out[name] = cls(low, high, log=scale == "log")
    return out


def sklearn_genetic_space(space, seed):
    from sklearn_genetic.space import Categorical, Continuous, Integer

    out = {}
    for name, dim in space.items():
        if dim[0] == "cat":
            out[name] = Categorical(list(dim[1]), random_state=seed)
        else:
            kind, low, high, scale = dim
            # sklearn-genetic-opt's Integer has only a uniform distribution.
            if kind == "int":
                out[name] = Integer(low, high, random_state=seed)
            else:
                distribution = "log-uniform" if scale == "log" else "uniform"
                out[name] = Continuous(low, high, distribution=distribution, random_state=seed)
    return out


def grid_space(space, n_evaluations):
    """A grid of at most ``n_evaluations`` points: levels per dimension raised in turn,
    each level at the centre of an equal-probability cell of the dimension's prior."""
    names = list(space)
    sizes = {name: len(space[name][1]) if space[name][0] == "cat" else math.inf for name in names}
    levels = dict.fromkeys(names, 1)
    grew = True
    while grew:
        grew = False
        for name in names:
            trial = math.prod(levels.values()) // levels[name] * (levels[name] + 1)
            if levels[name] < sizes[name] and trial <= n_evaluations:
                levels[name] += 1
                grew = True
    grid = {}
    for name in names:
        dim, k = space[name], levels[name]
        if dim[0] == "cat":
            grid[name] = list(dim[1])[:k]
            continue
        kind, low, high, scale = dim
        units = (np.arange(k) + 0.5) / k
        if scale == "log":
            values = np.exp(np.log(low) + units * (np.log(high) - np.log(low)))
        else:
            values = low + units * (high - low)
        if kind == "int":
            values = sorted(set(int(round(v)) for v in values))
        else:
            values = [float(v) for v in values]
        grid[name] = values
    return grid


# ------------------------------------------------------------------ common arguments
def _common(problem, n_jobs):
    return dict(scoring=problem.scoring, cv=problem.cv, n_jobs=n_jobs, error_score=np.nan)


# ------------------------------------------------------------------------- builders
def build_random(problem, n_evaluations, seed, n_jobs=1):
    from sklearn.model_selection import RandomizedSearchCV

    return RandomizedSearchCV(
        problem.estimator, scipy_space(problem.space), n_iter=n_evaluations,
        random_state=seed, **_common(problem, n_jobs),
    )


def build_grid(problem, n_evaluations, seed, n_jobs=1):
    from sklearn.model_selection import GridSearchCV

    return GridSearchCV(problem.estimator, grid_space(problem.space, n_evaluations), **_common(problem, n_jobs))


def build_skopt(problem, n_evaluations, seed, n_jobs=1):
    BayesSearchCV = _require(lambda: __import__("skopt").BayesSearchCV, "skopt.BayesSearchCV")
    return BayesSearchCV(
        problem.estimator, skopt_space(problem.space), n_iter=n_evaluations,
        random_state=seed, **_common(problem, n_jobs),
    )


def build_optuna(problem, n_evaluations, seed, n_jobs=1):
    def load():
        import optuna
        from optuna_integration import OptunaSearchCV

        return optuna, OptunaSearchCV

    optuna, OptunaSearchCV = _require(load, "optuna_integration.OptunaSearchCV")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    # The default sampler (TPE) with its default settings, seeded.
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed))
    return OptunaSearchCV(
        problem.estimator, optuna_space(problem.space), n_trials=n_evaluations, study=study,
        random_state=seed, **_common(problem, n_jobs),
    )


def build_gasearch(problem, n_evaluations, seed, n_jobs=1):
    """sklearn-genetic-opt: population 10; generations enough for ``n_evaluations``
    distinct configurations (repeats come from its cache and cost nothing); the trace is
    cut at ``n_evaluations`` distinct ones. No ``random_state``: seeded through the global
    ``random``/``numpy`` generators in :func:`fit_search`."""
    GASearchCV = _require(lambda: __import__("sklearn_genetic").GASearchCV, "sklearn_genetic.GASearchCV")
    population = 10
    # eaMuPlusLambda breeds 2*population children a generation; about half are new.
    generations = max(1, math.ceil((n_evaluations - population) / population))
    common = _common(problem, n_jobs)
    return GASearchCV(
        problem.estimator, cv=common["cv"], param_grid=sklearn_genetic_space(problem.space, seed),
        scoring=common["scoring"], population_size=population, generations=generations,
        n_jobs=n_jobs, verbose=False, error_score=np.nan,
    )


def build_skh_bayes(problem, n_evaluations, seed, n_jobs=1):
    BayesSearchCV = _require(lambda: __import__("skhptune").BayesSearchCV, "skhptune.BayesSearchCV")
    return BayesSearchCV(
        problem.estimator, skhptune_space(problem.space), n_iter=n_evaluations,
        random_state=seed, **_common(problem, n_jobs),
    )


def build_skh_genetic(problem, n_evaluations, seed, n_jobs=1):
    """skhptune's defaults (population 8, half kept as elites) with just enough
    generations for ``n_evaluations``: 8 + 4 * (generations - 1)."""
    GeneticSearchCV = _require(lambda: __import__("skhptune").GeneticSearchCV, "skhptune.GeneticSearchCV")
    population = 8
    generations = 1 + max(0, math.ceil((n_evaluations - population) / (population - population // 2)))
    return GeneticSearchCV(
        problem.estimator, skhptune_space(problem.space), population_size=population,
        n_generations=generations, random_state=seed, **_common(problem, n_jobs),
    )


# ------------------------------------------------- resource-based (time-to-quality)
# These ignore ``n_evaluations``: their budget is the resource schedule of the problem
# (``problem.resource``, ``min_resource``, ``max_resource``, ``eta``).
def _resource_space(problem):
    if problem.resource is None:
        raise Unavailable(f"{problem.name} has no resource")
    return {k: v for k, v in problem.space.items() if k != problem.resource}


def build_halving(problem, n_evaluations, seed, n_jobs=1):
    from sklearn.experimental import enable_halving_search_cv  # noqa: F401
    from sklearn.model_selection import HalvingRandomSearchCV

    limits = {}  # none: the problem races the libraries' defaults
    if problem.min_resource is not None or problem.max_resource is not None:
        limits = dict(min_resources=problem.min_resource, max_resources=problem.max_resource)
        if problem.resource == "n_samples":
            # Halving counts samples of X and subsamples every training fold by the
            # fraction resource / len(X); the problem counts samples of a training fold.
            scale = len(problem.y) / problem.max_resource
            limits = dict(min_resources=round(problem.min_resource * scale), max_resources=len(problem.y))
    return HalvingRandomSearchCV(
        problem.estimator, scipy_space(_resource_space(problem)), resource=problem.resource,
        factor=problem.eta, n_candidates="exhaust", random_state=seed, refit=False,
        **limits, **_common(problem, n_jobs),
    )


def _build_hyperband(problem, seed, n_jobs, **options):
    HyperbandSearchCV = _require(lambda: __import__("skhptune").HyperbandSearchCV, "skhptune.HyperbandSearchCV")
    return HyperbandSearchCV(
        problem.estimator, skhptune_space(_resource_space(problem)), resource=problem.resource,
        min_resource=problem.min_resource, max_resource=problem.max_resource, eta=problem.eta,
        random_state=seed, refit=False, **_common(problem, n_jobs), **options,
    )


def build_skh_hyperband(problem, n_evaluations, seed, n_jobs=1):
    return _build_hyperband(problem, seed, n_jobs)


def build_skh_hyperband_bayes(problem, n_evaluations, seed, n_jobs=1):
    return _build_hyperband(problem, seed, n_jobs, sampler="bayes")


def build_skh_halving(problem, n_evaluations, seed, n_jobs=1):
    return _build_hyperband(problem, seed, n_jobs, n_brackets=1)


def build_dask_hyperband(problem, n_evaluations, seed, n_jobs=1):
    """dask-ml's HyperbandSearchCV needs a distributed Client and ``partial_fit``; it is
    run by :func:`fit_search` inside a local cluster. Recorded broken on current dask."""
    HyperbandSearchCV = _require(
        lambda: __import__("dask_ml.model_selection", fromlist=["HyperbandSearchCV"]).HyperbandSearchCV,
        "dask_ml.model_selection.HyperbandSearchCV",
    )
    if not hasattr(problem.estimator, "partial_fit") or problem.resource == "n_samples":
        raise Unavailable("dask-ml Hyperband needs an estimator with partial_fit (resource = calls)")
    return HyperbandSearchCV(
        problem.estimator, scipy_space(_resource_space(problem)), max_iter=problem.max_resource,
        aggressiveness=problem.eta, random_state=seed, scoring=problem.scoring,
    )


# name -> (builder, library label, kind)
ADAPTERS = {
    "random": (build_random, "sklearn RandomizedSearchCV", "evaluations"),
    "grid": (build_grid, "sklearn GridSearchCV", "evaluations"),
    "skopt": (build_skopt, "scikit-optimize BayesSearchCV", "evaluations"),
    "optuna": (build_optuna, "optuna-integration OptunaSearchCV (TPE)", "evaluations"),
    "gasearch": (build_gasearch, "sklearn-genetic-opt GASearchCV", "evaluations"),
    "skh-bayes": (build_skh_bayes, "skhptune BayesSearchCV", "evaluations"),
    "skh-genetic": (build_skh_genetic, "skhptune GeneticSearchCV", "evaluations"),
    "halving": (build_halving, "sklearn HalvingRandomSearchCV", "resource"),
    "skh-hyperband": (build_skh_hyperband, "skhptune HyperbandSearchCV", "resource"),
    "skh-hyperband-bayes": (build_skh_hyperband_bayes, "skhptune HyperbandSearchCV(sampler='bayes')", "resource"),
    "skh-halving": (build_skh_halving, "skhptune HyperbandSearchCV(n_brackets=1)", "resource"),
    # max_time is set by the time suite to HalvingRandomSearchCV's wall time on the
    # same problem and seed: an equal-time race.
    "skh-hyperband-timed": (build_skh_hyperband, "skhptune HyperbandSearchCV(max_time=halving's wall)", "resource"),
    "skh-hyperband-bayes-timed": (
        build_skh_hyperband_bayes, "skhptune HyperbandSearchCV(sampler='bayes', max_time=halving's wall)", "resource"
    ),
    "dask-hyperband": (build_dask_hyperband, "dask-ml HyperbandSearchCV", "resource"),
}
FIXED_EVALUATION_SEARCHES = [k for k, v in ADAPTERS.items() if v[2] == "evaluations"]


def build(name, problem, n_evaluations, seed, n_jobs=1):
    """Build search ``name``; raises :class:`Unavailable` when it cannot run."""
    builder = ADAPTERS[name][0]
    return builder(problem, n_evaluations, seed, n_jobs)


def probe(name):
    """``None`` when search ``name`` can be imported, else the reason why not."""
    from problems import bayesmark_problem

    problem = bayesmark_problem("DT", "iris", "acc")
    if ADAPTERS[name][2] == "resource":
        problem.resource, problem.min_resource, problem.max_resource, problem.eta = "n_samples", 12, 108, 3
    try:
        build(name, problem, 4, 0)
    except Unavailable as exc:
        return str(exc)
    return None


def fit_search(name, search, X, y, seed, **fit_params):
    """Fit with the global generators seeded (for peers without ``random_state``)."""
    random.seed(seed)
    np.random.seed(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if name == "dask-hyperband":
            from distributed import Client, LocalCluster

            with LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                              dashboard_address=None) as cluster, Client(cluster):
                return search.fit(X, y, **fit_params)
        return search.fit(X, y, **fit_params)


def evaluation_trace(search, n_evaluations=None):
    """Distinct configurations in evaluation order: a list of ``(mean_test_score, params)``.

    Rows of ``cv_results_`` repeating an earlier configuration (sklearn-genetic-opt's
    cache) are dropped; the trace is cut at ``n_evaluations``. A failed configuration
    (NaN) stays in the trace and counts against the budget.
    """
    results = search.cv_results_
    if "params" in results:
        rows = zip(results["mean_test_score"], results["params"])
    else:  # OptunaSearchCV: no params column; its trials are in evaluation order
        trials = sorted(search.trials_, key=lambda t: t.number)
        rows = [(t.value if t.value is not None else np.nan, t.params) for t in trials]
    trace, seen = [], set()
    for score, params in rows:
        key = repr(sorted((k, repr(v)) for k, v in params.items()))
        if key in seen:
            continue
        seen.add(key)
        trace.append((float(score), dict(params)))
        if n_evaluations is not None and len(trace) >= n_evaluations:
            break
    return trace
