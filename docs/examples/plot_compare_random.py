"""
==========================================
Bayesian search against random search
==========================================

This example tunes a pipeline (scaling, PCA, SVM) with three parameters with
:class:`~skhptune.BayesSearchCV` and with
:class:`~sklearn.model_selection.RandomizedSearchCV` at the same budget, and
compares them with :class:`~skhptune.plot.ConvergenceDisplay` over a few seeds.
This problem is easy: both end at about the same best score (the script prints
the averages). How much better the Bayesian search does over many problems and
seeds is measured on the :doc:`benchmarks page </benchmarks>`.
"""

# %%
# The problem
# -----------
# The number of PCA components, ``C`` and ``gamma``. Both searches get the same
# space (``scipy.stats`` distributions are accepted by skhptune as they are), the
# same folds and 30 evaluations.
import matplotlib.pyplot as plt
import numpy as np
from scipy.stats import loguniform, randint
from sklearn.datasets import load_breast_cancer
from sklearn.decomposition import PCA
from sklearn.model_selection import RandomizedSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from skhptune import BayesSearchCV
from skhptune.plot import ConvergenceDisplay

X, y = load_breast_cancer(return_X_y=True)
pipe = make_pipeline(StandardScaler(), PCA(random_state=0), SVC())
space = {
    "pca__n_components": randint(1, 31),
    "svc__C": loguniform(1e-3, 1e3),
    "svc__gamma": loguniform(1e-5, 1e1),
}
cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)


def run(search_class, seed):
    return search_class(pipe, space, n_iter=30, cv=cv, random_state=seed).fit(X, y)


bayes = run(BayesSearchCV, 0)
random = run(RandomizedSearchCV, 0)

# %%
# One run each
# ------------
# Random search keeps sampling the whole space, including configurations that
# are poor; after its first points, the Bayesian search spends most of its
# evaluations where its model expects a good score.
display = ConvergenceDisplay.from_estimator(bayes)
ConvergenceDisplay.from_estimator(random, ax=display.ax_)
display.ax_.set_ylim(0.9, 1.0)
_ = display.ax_.set_title("One seed, 30 evaluations")

# %%
# Over several seeds
# ------------------
# A single run can be lucky. Each curve below is one seed; ``name=""`` keeps all
# but the first curve of each search out of the legend.
runs = {BayesSearchCV: [bayes], RandomizedSearchCV: [random]}
for seed in (1, 2):
    for search_class in runs:
        runs[search_class].append(run(search_class, seed))

fig, ax = plt.subplots(layout="constrained")
for (search_class, searches), color in zip(runs.items(), ["tab:blue", "tab:orange"]):
    for i, search in enumerate(searches):
        name = search_class.__name__ if i == 0 else ""
        ConvergenceDisplay.from_estimator(search, ax=ax, name=name, show_scores=False, color=color)
    mean_best = np.mean([search.best_score_ for search in searches])
    print(f"{search_class.__name__}: best accuracy {mean_best:.4f} on average over 3 seeds")
ax.set_ylim(0.9, 1.0)
_ = ax.set_title("Three seeds each")
