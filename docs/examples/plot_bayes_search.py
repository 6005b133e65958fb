"""
=================================
Tuning an SVM with BayesSearchCV
=================================

:class:`~skhptune.BayesSearchCV` replaces a grid of hand-picked values by ranges,
and spends its budget where a Gaussian process predicts good scores. Here it tunes
the regularisation ``C``, the kernel width ``gamma`` and the kernel of a support
vector classifier in a pipeline, with 30 evaluations of 5-fold cross-validation.
"""

# %%
# The search
# ----------
# ``C`` and ``gamma`` are scale parameters, so they get log-uniform priors; the
# kernel is a plain list of choices, as in ``GridSearchCV``.
from sklearn.datasets import load_breast_cancer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from skhptune import BayesSearchCV
from skhptune.space import Categorical, Real

X, y = load_breast_cancer(return_X_y=True)
pipe = make_pipeline(StandardScaler(), SVC())
space = {
    "svc__C": Real(1e-3, 1e3, prior="log-uniform"),
    "svc__gamma": Real(1e-5, 1e1, prior="log-uniform"),
    "svc__kernel": Categorical(["rbf", "sigmoid"]),  # or a plain list
}
search = BayesSearchCV(pipe, space, n_iter=30, cv=5, random_state=0)
search.fit(X, y)
print(f"best score {search.best_score_:.4f} with {search.best_params_}")

# %%
# Convergence
# -----------
# The staircase is the best cross-validated accuracy so far; the points are the
# individual evaluations. After the space-filling start (the first six), most
# proposals score close to the best: the model has found the good region.
from skhptune.plot import ConvergenceDisplay

display = ConvergenceDisplay.from_estimator(search)
_ = display.ax_.set_title("BayesSearchCV on breast cancer")

# %%
# Where the good configurations are
# ---------------------------------
# One panel per parameter. The colour is the evaluation order: later evaluations
# (yellow) cluster where the score is high, and the star marks the best
# configuration.
from skhptune.plot import ParameterScoreDisplay

_ = ParameterScoreDisplay.from_estimator(search)

# %%
# Which parameters matter
# -----------------------
# The Gaussian process has one lengthscale per parameter: a short one means the
# score changes quickly with that parameter. ``parameter_importances_`` holds the
# normalised inverse lengthscales.
from skhptune.plot import ParameterImportanceDisplay

print(search.parameter_importances_)
_ = ParameterImportanceDisplay.from_estimator(search)
