"""Demo: tune an SVM pipeline on scikit-learn's digits data with every search.

Run ``python -m skhptune.demo``. Every search gets the same seed; random, Bayesian
and genetic search the same budget of 24 configurations (each scored by 5-fold
cross-validation), and Hyperband its default schedule, which fits most of its
configurations on subsamples of the training folds. The table shows the best
cross-validated accuracy, the accuracy on a held-out test set and the time.
"""

import time

from scipy.stats import loguniform
from sklearn.datasets import load_digits
from sklearn.model_selection import RandomizedSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from skhptune import BayesSearchCV, GeneticSearchCV, HyperbandSearchCV

N_EVALUATIONS = 24
SEED = 0


def _searches(pipeline, space):
    common = dict(cv=5, n_jobs=-1, random_state=SEED)
    return {
        "RandomizedSearchCV (sklearn)": RandomizedSearchCV(
            pipeline, space, n_iter=N_EVALUATIONS, **common
        ),
        "BayesSearchCV": BayesSearchCV(pipeline, space, n_iter=N_EVALUATIONS, **common),
        "GeneticSearchCV": GeneticSearchCV(
            pipeline, space, population_size=8, n_generations=5, **common
        ),
        "HyperbandSearchCV": HyperbandSearchCV(pipeline, space, **common),
    }


def main():
    """Run every search on the digits data and print the comparison table."""
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=SEED
    )
    pipeline = make_pipeline(StandardScaler(), SVC())
    space = {
        "svc__C": loguniform(1e-3, 1e3),
        "svc__gamma": loguniform(1e-5, 1e0),
        "svc__kernel": ["rbf", "sigmoid"],
    }
    header = f"{'search':<30}{'evals':>8}{'best CV acc':>13}{'test acc':>10}{'time (s)':>10}"
    print(f"Tuning SVC on digits ({len(X_train)} training samples), seed {SEED}\n")
    print(header)
    print("-" * len(header))
    for name, search in _searches(pipeline, space).items():
        start = time.perf_counter()
        search.fit(X_train, y_train)
        elapsed = time.perf_counter() - start
        n_configs = len(search.cv_results_["params"])
        print(
            f"{name:<30}{n_configs:>8}{search.best_score_:>13.4f}"
            f"{search.score(X_test, y_test):>10.4f}{elapsed:>10.1f}"
        )
    print(
        "\nHyperbandSearchCV evaluates many configurations on subsets of the training "
        "data\nand only the best on all of it; its rows count every resource level."
    )


if __name__ == "__main__":
    main()
