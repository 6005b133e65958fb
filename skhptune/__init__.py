"""Drop-in hyperparameter searches for scikit-learn."""

from ._bayes import BayesSearchCV
from ._genetic import GeneticSearchCV

__all__ = ["BayesSearchCV", "GeneticSearchCV"]
__version__ = "0.1.0.dev0"
