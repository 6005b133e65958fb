"""
===================================
Watching a genetic search evolve
===================================

:class:`~skhptune.GeneticSearchCV` keeps a population of configurations and
breeds each generation from the best of the previous one. This example searches a
conditional space, one sub-space per kernel of a support vector classifier, and
follows the population with :class:`~skhptune.plot.EvolutionDisplay`.
"""

# %%
# The search
# ----------
# ``gamma`` only matters for the RBF kernel and ``degree`` for the polynomial
# one, so each kernel gets its own sub-space (a list of dicts, as in
# ``GridSearchCV``). Children are only bred from parents of the same sub-space.
from sklearn.datasets import load_breast_cancer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from skhptune import GeneticSearchCV
from skhptune.space import Integer, Real

X, y = load_breast_cancer(return_X_y=True)
pipe = make_pipeline(StandardScaler(), SVC())
C = Real(1e-3, 1e3, prior="log-uniform")
space = [
    {"svc__kernel": ["linear"], "svc__C": C},
    {"svc__kernel": ["rbf"], "svc__C": C, "svc__gamma": Real(1e-5, 1e1, prior="log-uniform")},
    {"svc__kernel": ["poly"], "svc__C": C, "svc__degree": Integer(2, 4)},
]
search = GeneticSearchCV(
    pipe, space, population_size=10, n_generations=8, cv=5, random_state=0
)
search.fit(X, y)
print(f"{len(search.cv_results_['params'])} configurations in {search.n_generations_} generations")
print(f"best score {search.best_score_:.4f} with {search.best_params_}")

# %%
# Evolution
# ---------
# The best score of the population, its mean, and every new configuration (grey)
# per generation. The diversity (dashed, right axis) is the mean distance between
# two individuals: it falls as the population converges on the good region.
from skhptune.plot import EvolutionDisplay

display = EvolutionDisplay.from_estimator(search)
_ = display.ax_.set_title("GeneticSearchCV on breast cancer")

# %%
# Where the population went
# -------------------------
# Colour is the evaluation order: later generations (yellow) concentrate on the
# kernels and values that scored well. Parameters of other sub-spaces are simply
# absent from a row, so each panel only shows the rows that set its parameter.
from skhptune.plot import ParameterScoreDisplay

_ = ParameterScoreDisplay.from_estimator(search)
