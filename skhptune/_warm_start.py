"""Warm starts for Hyperband: a promoted configuration continues its model.

For some estimators the resource counts members of an ensemble that
``warm_start=True`` adds to the fitted ones: trees of forests and bagging,
stages of gradient boosting (``n_estimators``), iterations of histogram
gradient boosting (``max_iter``). Fitting ``r`` members and then continuing to
``eta * r`` grows exactly the model that fitting ``eta * r`` from scratch grows,
for less work. :class:`WarmStartEstimator` stands in for such an estimator
while a search fits: each fit below ``max_resource`` leaves its model in a
:class:`ModelStore`, and the fit of the same configuration on the same
training data at a larger resource continues from it. The store is a
temporary directory, so models reach the next rung whichever worker process
(joblib's loky backend, a local dask cluster) fits it; a model that cannot be
found is simply fitted from scratch.
"""

import os
import pickle
import shutil
import tempfile

import joblib
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor


def continues_fitting(estimator, resource):
    """Whether ``warm_start`` makes ``resource`` of ``estimator`` grow additively.

    True for ``n_estimators`` of an estimator with a ``warm_start`` parameter
    (forests, bagging, gradient boosting, isolation forest) and for
    ``max_iter`` of the histogram gradient boosting estimators, also as a
    ``Pipeline`` step (``"clf__n_estimators"``). ``warm_start`` of other
    estimators (MLP, SGD, linear models) restarts an optimiser for ``max_iter``
    more iterations, which is not the same model.
    """
    if not hasattr(estimator, "get_params"):
        return False
    owner_name, _, leaf = resource.rpartition("__")
    owner = estimator.get_params(deep=True).get(owner_name) if owner_name else estimator
    if not hasattr(owner, "get_params") or "warm_start" not in owner.get_params(deep=False):
        return False
    if leaf == "n_estimators":
        return True
    hist_gradient_boosting = (HistGradientBoostingClassifier, HistGradientBoostingRegressor)
    return leaf == "max_iter" and isinstance(owner, hist_gradient_boosting)


class ModelStore:
    """Fitted models on disk, by configuration, training data and resource.

    Parameters
    ----------
    directory : str
        Where the models are kept; :meth:`create` makes a temporary one.
    """

    def __init__(self, directory):
        self.directory = directory

    @classmethod
    def create(cls):
        return cls(tempfile.mkdtemp(prefix="skhptune-warm-start-"))

    def _path(self, config_key, data_key, resource):
        return os.path.join(self.directory, f"{config_key}-{data_key}-{resource}.pkl")

    def save(self, model, config_key, data_key, resource):
        """Keep ``model``; a failure to write only costs a later warm start."""
        path = self._path(config_key, data_key, resource)
        partial = f"{path}.{os.getpid()}.tmp"
        try:
            with open(partial, "wb") as file:
                pickle.dump(model, file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(partial, path)  # readers never see a half-written model
        except OSError:
            pass

    def load_latest(self, config_key, data_key, below):
        """The model with the largest resource under ``below``, or ``None``."""
        prefix = f"{config_key}-{data_key}-"
        try:
            names = os.listdir(self.directory)
        except OSError:
            return None
        resources = [
            int(name[len(prefix) : -len(".pkl")])
            for name in names
            if name.startswith(prefix) and name.endswith(".pkl")
        ]
        resources = [resource for resource in resources if resource < below]
        if not resources:
            return None
        try:
            with open(self._path(config_key, data_key, max(resources)), "rb") as file:
                return pickle.load(file)
        except (OSError, EOFError, pickle.UnpicklingError):
            return None

    def discard_below(self, resource):
        """Delete the models fitted with less than ``resource``."""
        try:
            names = os.listdir(self.directory)
        except OSError:
            return
        for name in names:
            if name.endswith(".pkl") and int(name.rsplit("-", 1)[1][: -len(".pkl")]) < resource:
                try:
                    os.remove(os.path.join(self.directory, name))
                except OSError:
                    pass

    def close(self):
        shutil.rmtree(self.directory, ignore_errors=True)


def _hash_or_none(value):
    try:
        return joblib.hash(value)
    except Exception:  # noqa: BLE001 - anything unpicklable just gets no warm start
        return None


class WarmStartEstimator:
    """An estimator that continues the model of its configuration when it can.

    It behaves as the estimator it wraps (parameters, tags, metadata routing,
    fitted attributes and methods are forwarded), except that ``fit`` with a
    resource above one already fitted for the same parameters and training data
    continues that model with ``warm_start=True``.

    Parameters
    ----------
    estimator : estimator object
        The wrapped estimator.
    resource : str
        Name of the resource parameter (see :func:`continues_fitting`).
    max_resource : int
        Models fitted with this resource are final and not stored.
    store : ModelStore
        Where models are kept between rungs.
    """

    def __init__(self, estimator, resource, max_resource, store):
        self.estimator = estimator
        self.resource = resource
        self.max_resource = max_resource
        self.store = store
        self._searched_params = {}

    def __getattr__(self, name):
        # Only reached for names the wrapper does not define. While unpickling,
        # "estimator" is not set yet and nothing may be forwarded.
        estimator = self.__dict__.get("estimator")
        if estimator is None:
            raise AttributeError(name)
        return getattr(estimator, name)

    def __repr__(self):
        return repr(self.estimator)

    def __sklearn_clone__(self):
        return type(self)(clone(self.estimator), self.resource, self.max_resource, self.store)

    def get_params(self, deep=True):
        return self.estimator.get_params(deep=deep)

    def set_params(self, **params):
        self.estimator.set_params(**params)
        self._searched_params.update(
            (name, value) for name, value in params.items() if name != self.resource
        )
        return self

    def fit(self, X, y=None, **fit_params):
        resource = self.estimator.get_params(deep=True)[self.resource]
        config_key = data_key = None
        if continues_fitting(self.estimator, self.resource):
            config_key = _hash_or_none(sorted(self._searched_params.items()))
            data_key = _hash_or_none((X, y, fit_params))
        previous = None
        if config_key is not None and data_key is not None:
            previous = self.store.load_latest(config_key, data_key, below=resource)
        if previous is None:
            self.estimator.fit(X, y, **fit_params)
        else:
            owner = self.resource.rpartition("__")[0]
            warm_start = f"{owner}__warm_start" if owner else "warm_start"
            original = previous.get_params(deep=True)[warm_start]
            previous.set_params(**{warm_start: True, self.resource: resource})
            previous.fit(X, y, **fit_params)
            self.estimator = previous.set_params(**{warm_start: original})
        if config_key is not None and data_key is not None and resource < self.max_resource:
            self.store.save(self.estimator, config_key, data_key, resource)
        return self
