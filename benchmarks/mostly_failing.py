"""Fixed-budget searches over a space where most configurations fail to fit.

``PCA`` then ``LogisticRegression`` on ``make_classification(90, 20)``, cv=3, with
``pca__n_components`` drawn from 1-100: beyond 20 components (the number of
features) every fit fails, so about four configurations in five fail. Each search
gets 20 evaluations per seed (seeds 0-7, n_jobs=1); the table gives, averaged over
the seeds, how many configurations fitted and the best cross-validated accuracy.
A search that learns from its failures should fit many more than random search.

Run: ``benchmarks/.venv/bin/python benchmarks/mostly_failing.py`` (under a minute).
"""

import warnings

import numpy as np
from sklearn.datasets import make_classification
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RandomizedSearchCV
from sklearn.pipeline import make_pipeline

from skhptune import BayesSearchCV, GeneticSearchCV
from skhptune.space import Integer, Real

N_EVALUATIONS = 20
SEEDS = range(8)


def searches(pipeline, space, seed):
    common = dict(cv=3, random_state=seed)
    return {
        "RandomizedSearchCV": RandomizedSearchCV(pipeline, space, n_iter=N_EVALUATIONS, **common),
        "BayesSearchCV": BayesSearchCV(pipeline, space, n_iter=N_EVALUATIONS, **common),
        # 8 + 3 * 4 evaluations: half of each generation is kept, not re-evaluated.
        "GeneticSearchCV": GeneticSearchCV(pipeline, space, population_size=8, n_generations=4, **common),
    }


def main():
    X, y = make_classification(n_samples=90, n_features=20, n_informative=5, random_state=0)
    pipeline = make_pipeline(PCA(random_state=0), LogisticRegression())
    space = {
        "pca__n_components": Integer(1, 100),
        "logisticregression__C": Real(1e-3, 1e3, prior="log-uniform"),
    }
    rows, fitted, best = {}, {}, {}
    for seed in SEEDS:
        for name, search in searches(pipeline, space, seed).items():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the failures' FitFailedWarnings
                search.fit(X, y)
            scores = search.cv_results_["mean_test_score"]
            rows.setdefault(name, []).append(len(scores))
            fitted.setdefault(name, []).append(np.isfinite(scores).sum())
            best.setdefault(name, []).append(search.best_score_)
    print(f"{'search':<20}{'evaluations':>12}{'fitted':>8}{'best CV accuracy':>18}")
    for name in rows:
        print(f"{name:<20}{np.mean(rows[name]):>12.1f}{np.mean(fitted[name]):>8.1f}{np.mean(best[name]):>18.4f}")


if __name__ == "__main__":
    main()
