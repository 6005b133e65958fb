"""Drop-in hyperparameter searches for scikit-learn."""

from ._bayes import BayesSearchCV
from ._genetic import GeneticSearchCV
from ._hyperband import HyperbandSearchCV

__all__ = ["BayesSearchCV", "GeneticSearchCV", "HyperbandSearchCV"]
__version__ = "0.1.0.dev0"
