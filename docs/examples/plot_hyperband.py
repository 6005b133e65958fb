"""
===================================
How Hyperband spends its budget
===================================

:class:`~skhptune.HyperbandSearchCV` evaluates many configurations on a small
budget, here a subsample of the training folds, and promotes the best third to a
three times larger subsample, until the best few are evaluated on all the data.
Several *brackets* start at different sizes, so that a parameter whose effect only
shows on much data still gets a fair chance.
"""

# %%
# The search
# ----------
# A support vector classifier on the digits dataset; the resource is the number of
# training samples (the default, ``resource="n_samples"``), from 40 up to the
# whole training fold, growing by ``eta=3``.
from sklearn.datasets import load_digits
from sklearn.svm import SVC

from skhptune import HyperbandSearchCV
from skhptune.space import Real

X, y = load_digits(return_X_y=True)
space = {
    "C": Real(1e-2, 1e3, prior="log-uniform"),
    "gamma": Real(1e-5, 1e-1, prior="log-uniform"),
}
search = HyperbandSearchCV(SVC(), space, min_resource=40, eta=3, cv=3, random_state=0)
search.fit(X, y)
print("brackets (configurations, samples) per rung:")
for bracket in search.brackets_:
    print("   ", bracket)
print(f"best score {search.best_score_:.4f} with {search.best_params_}")

# %%
# The rungs
# ---------
# Each point is one evaluation, at its number of samples; colours are brackets,
# and a line follows a configuration promoted to the next rung. Scores rise with
# the number of samples, and the configurations promoted from the small rungs are
# mostly the ones that stay best.
from skhptune.plot import HyperbandDisplay

display = HyperbandDisplay.from_estimator(search)
_ = display.ax_.set_title("HyperbandSearchCV on digits")

# %%
# Parameters, coloured by resource
# --------------------------------
# With a Hyperband search, :class:`~skhptune.plot.ParameterScoreDisplay` colours
# the points by resource: the evaluations on all the data (yellow) are the ones
# to compare.
from skhptune.plot import ParameterScoreDisplay

_ = ParameterScoreDisplay.from_estimator(search)
