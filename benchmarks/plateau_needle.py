"""Fixed-budget searches on a plateau that hides a small better region.

A synthetic estimator with two parameters in [0, 1] scores 0.5 everywhere except
0.6 in a disc of radius 0.1 around (0.75, 0.3), about 3% of the square: every score
a search sees is the same until one lands in the disc. In the second variant, every
fit with ``a < 0.5`` also fails (half the square). Each search gets 36 evaluations
per seed (seeds 0-39, cv=2, n_jobs=1); the table counts the seeds whose best score
is the disc's. Random search finds it with probability ``1 - 0.97**36``, about 2 in 3.

Run: ``benchmarks/.venv/bin/python benchmarks/plateau_needle.py`` (under a minute).
"""

import warnings

import numpy as np
from scipy.stats import uniform
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.model_selection import RandomizedSearchCV

from skhptune import BayesSearchCV, GeneticSearchCV
from skhptune.space import Real

N_EVALUATIONS = 36
SEEDS = range(40)


class Needle(RegressorMixin, BaseEstimator):
    """Scores 0.6 within 0.1 of (0.75, 0.3), else 0.5; with ``fail_left``, ``fit``
    raises for ``a < 0.5``."""

    def __init__(self, a=0.5, b=0.5, fail_left=False):
        self.a = a
        self.b = b
        self.fail_left = fail_left

    def fit(self, X, y=None):
        if self.fail_left and self.a < 0.5:
            raise ValueError("a below 0.5 cannot be fitted")
        return self

    def predict(self, X):
        return np.zeros(len(X))

    def score(self, X, y=None):
        return 0.6 if (self.a - 0.75) ** 2 + (self.b - 0.3) ** 2 < 0.01 else 0.5


def searches(estimator, seed):
    space = {"a": Real(0, 1), "b": Real(0, 1)}
    common = dict(cv=2, random_state=seed)
    # 8 + 7 * 4 evaluations: half of each generation is kept, not re-evaluated.
    genetic = dict(population_size=8, n_generations=8, **common)
    return {
        "RandomizedSearchCV": RandomizedSearchCV(
            estimator, {"a": uniform(0, 1), "b": uniform(0, 1)}, n_iter=N_EVALUATIONS, **common
        ),
        "BayesSearchCV": BayesSearchCV(estimator, space, n_iter=N_EVALUATIONS, **common),
        "GeneticSearchCV": GeneticSearchCV(estimator, space, **genetic),
        "GeneticSearchCV(surrogate=False)": GeneticSearchCV(estimator, space, surrogate=False, **genetic),
    }


def main():
    X, y = np.arange(20.0).reshape(-1, 1), np.zeros(20)
    print(f"seeds (of {len(SEEDS)}) whose best score is the hidden region's, {N_EVALUATIONS} evaluations")
    print(f"{'search':<34}{'plateau':>9}{'half fails':>12}")
    found = {}
    for fail_left in (False, True):
        for seed in SEEDS:
            for name, search in searches(Needle(fail_left=fail_left), seed).items():
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # the failures' FitFailedWarnings
                    search.fit(X, y)
                found.setdefault(name, [0, 0])[fail_left] += search.best_score_ > 0.55
    for name, (plateau, half_fails) in found.items():
        print(f"{name:<34}{plateau:>9}{half_fails:>12}")


if __name__ == "__main__":
    main()
