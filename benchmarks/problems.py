"""Library-neutral tuning problems: an estimator, a search space, data, CV and a metric.

The Bayesmark problems follow the models and search ranges that the Bayesmark project
publishes (``bayesmark/sklearn_funcs.py``) on scikit-learn's bundled datasets, with its
80/20 shuffled split (seed 0) and 5-fold CV on the 80 %. Differences, all forced by
current libraries: Bayesmark's ``logit`` warping becomes a linear range (no peer has a
logit prior); Lasso/Ridge lose the removed ``normalize`` flag; ``LogisticRegression``
is wrapped in ``OneVsRestClassifier`` instead of the removed ``multi_class="ovr"``
(its parameters are named ``estimator__C``...). Every
estimator with randomness gets ``random_state=0`` so the objective is deterministic.

A space is a dict ``{name: dimension}`` with dimensions

- ``("real", low, high, "log" | "linear")``
- ``("int", low, high, "log" | "linear")``   (bounds inclusive)
- ``("cat", [choices])``

The loss of a configuration is ``-mean_test_score`` (the sklearn scorers are "greater is
better"), so accuracy becomes ``-accuracy``, ``neg_log_loss`` becomes the log-loss and
``neg_mean_squared_error`` the MSE.
"""

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import sklearn
from scipy import stats
from sklearn import datasets
from sklearn.base import clone, is_classifier
from sklearn.ensemble import (
    AdaBoostClassifier,
    AdaBoostRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.linear_model import Lasso, LogisticRegression, Ridge
from sklearn.model_selection import KFold, StratifiedKFold, train_test_split
from sklearn.multiclass import OneVsRestClassifier
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.svm import SVC, SVR
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

# ----------------------------------------------------------------------------- spaces
KNN = {"n_neighbors": ("int", 1, 25, "linear"), "p": ("int", 1, 4, "linear")}
SVM = {
    "C": ("real", 1.0, 1e3, "log"),
    "gamma": ("real", 1e-4, 1e-3, "log"),
    "tol": ("real", 1e-5, 1e-1, "log"),
}
DT = {
    "max_depth": ("int", 1, 15, "linear"),
    "min_samples_split": ("real", 0.01, 0.99, "linear"),
    "min_samples_leaf": ("real", 0.01, 0.49, "linear"),
    "min_weight_fraction_leaf": ("real", 0.01, 0.49, "linear"),
    "max_features": ("real", 0.01, 0.99, "linear"),
    "min_impurity_decrease": ("real", 0.0, 0.5, "linear"),
}
RF = dict(DT)
MLP_ADAM = {
    "hidden_layer_sizes": ("int", 50, 200, "linear"),
    "alpha": ("real", 1e-5, 1e1, "log"),
    "batch_size": ("int", 10, 250, "linear"),
    "learning_rate_init": ("real", 1e-5, 1e-1, "log"),
    "tol": ("real", 1e-5, 1e-1, "log"),
    "validation_fraction": ("real", 0.1, 0.9, "linear"),
    "beta_1": ("real", 0.5, 0.99, "linear"),
    "beta_2": ("real", 0.9, 1.0 - 1e-6, "linear"),
    "epsilon": ("real", 1e-9, 1e-6, "log"),
}
MLP_SGD = {
    "hidden_layer_sizes": ("int", 50, 200, "linear"),
    "alpha": ("real", 1e-5, 1e1, "log"),
    "batch_size": ("int", 10, 250, "linear"),
    "learning_rate_init": ("real", 1e-5, 1e-1, "log"),
    "power_t": ("real", 0.1, 0.9, "linear"),
    "tol": ("real", 1e-5, 1e-1, "log"),
    "momentum": ("real", 0.001, 0.999, "linear"),
    "validation_fraction": ("real", 0.1, 0.9, "linear"),
}
ADA = {"n_estimators": ("int", 10, 100, "linear"), "learning_rate": ("real", 1e-4, 1e1, "log")}
LOGREG = {"C": ("real", 1e-2, 1e2, "log"), "intercept_scaling": ("real", 1e-2, 1e2, "log")}
LASSO_REG = {
    "alpha": ("real", 1e-2, 1e2, "log"),
    "fit_intercept": ("cat", [True, False]),
    "max_iter": ("int", 10, 5000, "log"),
    "tol": ("real", 1e-5, 1e-1, "log"),
    "positive": ("cat", [True, False]),
}
RIDGE_REG = {
    "alpha": ("real", 1e-2, 1e2, "log"),
    "fit_intercept": ("cat", [True, False]),
    "max_iter": ("int", 10, 5000, "log"),
    "tol": ("real", 1e-4, 1e-1, "log"),
}

def _ovr_logistic(penalty):
    # liblinear no longer takes multiclass targets itself; OneVsRestClassifier gives the
    # one-vs-rest model Bayesmark's multi_class="ovr" meant, hence the estimator__ names.
    # scikit-learn 1.8 deprecated ``penalty`` for ``l1_ratio`` (the same models), 1.10
    # removes it.
    if tuple(int(part) for part in sklearn.__version__.split(".")[:2]) >= (1, 8):
        regularization = {"l1_ratio": {"l1": 1.0, "l2": 0.0}[penalty]}
    else:
        regularization = {"penalty": penalty}
    return OneVsRestClassifier(LogisticRegression(**regularization, solver="liblinear", random_state=0))


MODELS_CLF = {
    "kNN": (KNeighborsClassifier, {}, KNN),
    "SVM": (SVC, {"kernel": "rbf", "probability": True, "random_state": 0}, SVM),
    "DT": (DecisionTreeClassifier, {"random_state": 0}, DT),
    "RF": (RandomForestClassifier, {"n_estimators": 10, "random_state": 0}, RF),
    "MLP-adam": (MLPClassifier, {"solver": "adam", "early_stopping": True, "random_state": 0}, MLP_ADAM),
    "MLP-sgd": (
        MLPClassifier,
        {
            "solver": "sgd",
            "early_stopping": True,
            "learning_rate": "invscaling",
            "nesterovs_momentum": True,
            "random_state": 0,
        },
        MLP_SGD,
    ),
    "ada": (AdaBoostClassifier, {"random_state": 0}, ADA),
    "lasso": (_ovr_logistic, {"penalty": "l1"}, {f"estimator__{k}": v for k, v in LOGREG.items()}),
    "linear": (_ovr_logistic, {"penalty": "l2"}, {f"estimator__{k}": v for k, v in LOGREG.items()}),
}
MODELS_REG = {
    "kNN": (KNeighborsRegressor, {}, KNN),
    "SVM": (SVR, {"kernel": "rbf"}, SVM),
    "DT": (DecisionTreeRegressor, {"random_state": 0}, DT),
    "RF": (RandomForestRegressor, {"n_estimators": 10, "random_state": 0}, RF),
    "MLP-adam": (MLPRegressor, {"solver": "adam", "early_stopping": True, "random_state": 0}, MLP_ADAM),
    "MLP-sgd": (
        MLPRegressor,
        {
            "activation": "tanh",
            "solver": "sgd",
            "early_stopping": True,
            "learning_rate": "invscaling",
            "nesterovs_momentum": True,
            "random_state": 0,
        },
        MLP_SGD,
    ),
    "ada": (AdaBoostRegressor, {"random_state": 0}, ADA),
    "lasso": (Lasso, {"random_state": 0}, LASSO_REG),
    "linear": (Ridge, {"solver": "auto"}, RIDGE_REG),
}

DATASETS = {
    "breast": (datasets.load_breast_cancer, "clf"),
    "digits": (datasets.load_digits, "clf"),
    "iris": (datasets.load_iris, "clf"),
    "wine": (datasets.load_wine, "clf"),
    "diabetes": (datasets.load_diabetes, "reg"),
}
METRICS = {
    "acc": "accuracy",
    "nll": "neg_log_loss",
    "mae": "neg_mean_absolute_error",
    "mse": "neg_mean_squared_error",
}


@dataclass
class Problem:
    """A tuning problem in library-neutral form; ``loss = -score``."""

    name: str
    estimator: object
    space: dict
    X: np.ndarray
    y: np.ndarray
    scoring: str
    cv: object
    # Resource-based problems (time-to-quality suite) only:
    resource: str = None
    min_resource: int = None
    max_resource: int = None
    eta: int = 3
    X_test: np.ndarray = None
    y_test: np.ndarray = None

    def evaluate(self, params, n_jobs=1):
        """Mean CV score of ``params``, computed exactly as a search would."""
        from sklearn.model_selection import cross_val_score

        estimator = clone(self.estimator).set_params(**params)
        scores = cross_val_score(
            estimator, self.X, self.y, scoring=self.scoring, cv=self.cv, n_jobs=n_jobs,
            error_score=np.nan,
        )
        return float(np.mean(scores))


@lru_cache(maxsize=None)
def load_dataset(name):
    """Bayesmark's data: the bundled dataset, shuffled 80/20 split with seed 0, train part."""
    loader, kind = DATASETS[name]
    X, y = loader(return_X_y=True)
    X_train, _, y_train, _ = train_test_split(X, y, test_size=0.2, random_state=0, shuffle=True)
    return X_train, y_train, kind


def bayesmark_problem(model, dataset, metric):
    """Build the Bayesmark problem ``model-dataset-metric`` (e.g. ``"DT-breast-acc"``)."""
    X, y, kind = load_dataset(dataset)
    models = MODELS_CLF if kind == "clf" else MODELS_REG
    estimator_class, fixed, space = models[model]
    estimator = estimator_class(**fixed)
    cv = StratifiedKFold(5) if is_classifier(estimator) else KFold(5)
    return Problem(
        name=f"{model}-{dataset}-{metric}",
        estimator=estimator,
        space=dict(space),
        X=X,
        y=y,
        scoring=METRICS[metric],
        cv=cv,
    )


def problem_from_name(name):
    model, dataset, metric = name.rsplit("-", 2)
    return bayesmark_problem(model, dataset, metric)


# ------------------------------------------------------------------ random sampling
class LogUniformInt:
    """Integers whose logarithm is uniform on ``[log(low), log(high)]``, rounded."""

    def __init__(self, low, high):
        self.low, self.high = low, high
        self._real = stats.loguniform(low, high)

    def rvs(self, size=None, random_state=None):
        values = np.clip(np.rint(self._real.rvs(size=size, random_state=random_state)), self.low, self.high)
        return int(values) if size is None else values.astype(int)


def scipy_space(space):
    """The neutral space as ``RandomizedSearchCV`` distributions (also used for the pool)."""
    out = {}
    for name, dim in space.items():
        kind = dim[0]
        if kind == "cat":
            out[name] = list(dim[1])
        elif kind == "real":
            _, low, high, scale = dim
            out[name] = stats.loguniform(low, high) if scale == "log" else stats.uniform(low, high - low)
        elif kind == "int":
            _, low, high, scale = dim
            out[name] = LogUniformInt(low, high) if scale == "log" else stats.randint(low, high + 1)
        elif kind == "norm":  # a normal prior (suite 3's scipy.stats row only)
            _, loc, scale = dim
            out[name] = stats.norm(loc, scale)
        else:
            raise ValueError(f"unknown dimension kind {kind!r} for {name!r}")
    return out


def native(value):
    """A JSON-friendly Python scalar (numpy scalars and bools included)."""
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def clean_params(params, space):
    """Cast parameter values to the types the space declares (ints stay ints)."""
    out = {}
    for name, value in params.items():
        value = native(value)
        if name in space and space[name][0] == "int":
            value = int(round(value))
        elif name in space and space[name][0] == "real":
            value = float(value)
        out[name] = value
    return out


# ------------------------------------------------------------------ problem sets
# 14 problems over all nine models, both forms, all five datasets and all four metrics;
# the hard ones (fractional tree parameters, MLP-sgd, log-loss) are included on purpose.
STANDARD = [
    "kNN-breast-nll",
    "SVM-wine-nll",
    "SVM-diabetes-mae",
    "DT-breast-acc",
    "DT-diabetes-mse",
    "RF-iris-nll",
    "RF-wine-acc",
    "MLP-adam-wine-acc",
    "MLP-sgd-breast-nll",
    "MLP-sgd-diabetes-mse",
    "ada-breast-acc",
    "lasso-wine-nll",
    "linear-digits-nll",
    "lasso-diabetes-mse",
]
# kNN-digits (1.6 s an evaluation) is replaced by kNN-breast; the quick subset keeps the
# cheap problems (about 1 s for one evaluation of each).
QUICK = [
    "DT-breast-acc",
    "SVM-wine-nll",
    "RF-iris-nll",
    "kNN-breast-nll",
    "MLP-sgd-breast-nll",
    "lasso-wine-nll",
    "lasso-diabetes-mse",
]
