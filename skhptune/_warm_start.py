"""Work that fits of one search share: continued models and binned data.

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
found, cannot be stored, or that the estimator refuses to continue is simply
fitted from scratch.

Histogram gradient boosting also bins its training data at every fit, which
is most of the cost of a fit with few iterations (a Hyperband first rung) and
a tenth to a third of a default fit on 10,000 to 100,000 samples. Binning
depends only on the training data and the binning parameters, so while any
skhptune search fits, each binned training set is kept in the store and
reused by every fit on it: see :func:`_bins_reused`. The wrapper does only
that when no model can be continued (``resource=None``).
"""

import contextlib
import copy
import math
import numbers
import os
import pickle
import shutil
import socket
import tempfile
import threading
import time
import zlib

import joblib
import numpy as np
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import _num_samples, check_is_fitted

from ._thread_warnings import ignored_in_this_thread

_HIST_GRADIENT_BOOSTING = (HistGradientBoostingClassifier, HistGradientBoostingRegressor)


def continues_fitting(estimator, resource, n_samples=None):
    """Whether ``warm_start`` makes ``resource`` of ``estimator`` grow additively.

    True for ``n_estimators`` of an estimator with a ``warm_start`` parameter
    (forests, bagging, gradient boosting, isolation forest) and for
    ``max_iter`` of the histogram gradient boosting estimators, also as a
    ``Pipeline`` step (``"clf__n_estimators"``; other meta-estimators fit
    clones, see :func:`_fitted_in_place`), unless continuing would not
    grow the same model: early stopping (its history restarts with each
    ``fit``), a ``RandomState`` instance as a ``random_state`` of the estimator
    or of any step around it (a stored model carries it advanced, and the other
    steps are refitted with it), or ``random_state=None`` in a step around it
    (refitted with fresh randomness, such a step would feed the kept members
    other features). ``n_samples``, the training size when known, decides
    whether ``early_stopping="auto"`` is on. ``warm_start`` of other
    estimators (MLP, SGD, linear models) restarts an optimiser for ``max_iter``
    more iterations, which is not the same model either. Only scikit-learn's
    own ``fit`` is trusted to grow additively: another library's estimator,
    even a subclass of a forest, may draw its new members' seeds differently
    when continued (imbalanced-learn's ``BalancedRandomForestClassifier``
    does), so it is fitted from scratch.
    """
    if not hasattr(estimator, "get_params"):
        return False
    owner_name, _, leaf = resource.rpartition("__")
    every_param = estimator.get_params(deep=True)
    owner = every_param.get(owner_name) if owner_name else estimator
    if not hasattr(owner, "get_params"):
        return False
    params = owner.get_params(deep=False)
    if not _fits_as_scikit_learn(owner) or not _fitted_in_place(estimator, owner_name):
        return False
    if "warm_start" not in params or any(
        _refits_differently(name, value, owner_name)
        for name, value in every_param.items()
        if name.rpartition("__")[2] == "random_state"
    ):
        return False
    if isinstance(owner, _HIST_GRADIENT_BOOSTING):
        early_stopping = params["early_stopping"]
        if early_stopping == "auto":
            # scikit-learn turns it on above this many samples.
            early_stopping = n_samples is not None and n_samples > 10_000
        return leaf == "max_iter" and not early_stopping
    return leaf == "n_estimators" and params.get("n_iter_no_change") is None


def _fits_as_scikit_learn(estimator):
    """Whether ``estimator``'s ``fit`` is scikit-learn's own (not overridden
    by another library or a user's subclass)."""
    fit = getattr(type(estimator), "fit", None)
    return getattr(fit, "__module__", "").startswith("sklearn.")


def _fitted_in_place(estimator, owner_name):
    """Whether fitting ``estimator`` fits its part ``owner_name`` itself.

    Only a ``Pipeline`` does; other meta-estimators (bagging, stacking,
    ``TransformedTargetRegressor``, ``MultiOutputRegressor`` ...) fit clones,
    which would start from scratch however the stored model was grown. A
    ``Pipeline`` with ``memory`` clones its transformers too, not its last step.
    """
    parent = estimator
    for name in owner_name.split("__") if owner_name else ():
        if not isinstance(parent, Pipeline):
            return False
        last = name == parent.steps[-1][0]
        if parent.memory is not None and not last:
            return False
        parent = parent.named_steps[name]
    return True


def _refits_differently(name, random_state, owner_name):
    """Whether a ``random_state`` parameter changes the model at each refit.

    A ``RandomState`` instance anywhere has advanced since the last fit. ``None``
    matters only outside the estimator that grows: inside it, new members are
    fresh draws either way, as they would be when fitting from scratch.
    """
    if isinstance(random_state, np.random.RandomState):
        return True
    inside_owner = not owner_name or name.startswith(owner_name + "__")
    return random_state is None and not inside_owner


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
        """A store in a new temporary directory named after this process.

        Directories left by processes that no longer run (a search killed by a
        signal cannot clean up) are removed first.
        """
        tag = _namespace_tag()
        _remove_orphans(tempfile.gettempdir(), tag)
        return cls(tempfile.mkdtemp(prefix=f"{_PREFIX}{tag}-{os.getpid()}-"))

    def _path(self, config_key, data_key, resource):
        return os.path.join(self.directory, f"{config_key}-{data_key}-{resource}.pkl")

    def save(self, model, config_key, data_key, resource):
        """Keep ``model``; a failure to write only costs a later warm start."""
        if self._has_room():
            self._write(model, self._path(config_key, data_key, resource))

    def _has_room(self):
        """Whether the disk holding the store has ``_MIN_FREE_BYTES`` and
        ``_MIN_FREE_FRACTION`` of its size free: deep forests on large data take
        hundreds of megabytes a rung, and a temporary directory in memory
        (tmpfs) takes them from RAM."""
        try:
            disk = shutil.disk_usage(self.directory)
        except OSError:
            return False
        return disk.free >= max(_MIN_FREE_BYTES, _MIN_FREE_FRACTION * disk.total)

    @staticmethod
    def _write(value, path):
        # Threads of one process (joblib's threading backend, dask without
        # processes) may write the same key at once: each needs a file of its own.
        partial = f"{path}.{os.getpid()}-{threading.get_ident()}.tmp"
        try:
            with open(partial, "wb") as file:
                pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(partial, path)  # readers never see a half-written file
        except Exception:  # noqa: BLE001 - an unpicklable model is fitted from scratch
            try:
                os.remove(partial)
            except OSError:
                pass

    @staticmethod
    def _read(path):
        try:
            with open(path, "rb") as file:
                return pickle.load(file)
        except Exception:  # noqa: BLE001 - missing, or a class this process cannot import
            return None

    def load_latest(self, config_key, data_key, below):
        """The model with the largest resource under ``below``, or ``None``."""
        prefix = f"{config_key}-{data_key}-"
        try:
            names = os.listdir(self.directory)
        except OSError:
            return None
        resources = [
            _stored_resource(name)
            for name in names
            if name.startswith(prefix) and name.endswith(".pkl")
        ]
        resources = [resource for resource in resources if resource < below]
        if not resources:
            return None
        return self._read(self._path(config_key, data_key, max(resources)))

    def save_bins(self, key, bins):
        """Keep ``(fitted bin mapper, binned data)`` under ``key``.

        At most ``_MAX_BINS`` sets and ``_MAX_BINS_BYTES`` bytes are kept: a
        search's folds need a few, while a searched step before the model (a
        scaler, a projection) gives every fit other training data, whose bins
        only fill the disk.
        """
        try:
            kept = [
                os.path.getsize(os.path.join(self.directory, name))
                for name in os.listdir(self.directory)
                if name.endswith(".bins")
            ]
        except OSError:
            return
        if (
            len(kept) < _MAX_BINS
            and sum(kept) + bins[1].nbytes <= _MAX_BINS_BYTES
            and self._has_room()
        ):
            self._write(bins, os.path.join(self.directory, f"{key}.bins"))

    def load_bins(self, key):
        """What :meth:`save_bins` kept under ``key``, or ``None``."""
        return self._read(os.path.join(self.directory, f"{key}.bins"))

    def discard_below(self, resource):
        """Delete the models fitted with less than ``resource``."""
        self._discard_models(lambda name: _stored_resource(name) < resource)

    def discard_configurations_except(self, config_keys):
        """Delete the models of every configuration not in ``config_keys``."""
        kept = {f"{key}-" for key in config_keys}
        self._discard_models(lambda name: name[: name.index("-") + 1] not in kept)

    def _discard_models(self, doomed):
        """Delete the models whose file name ``doomed`` picks."""
        try:
            names = os.listdir(self.directory)
        except OSError:
            return
        for name in names:
            if name.endswith(".pkl") and doomed(name):
                try:
                    os.remove(os.path.join(self.directory, name))
                except OSError:
                    pass

    def close(self):
        """Delete the store and everything in it.

        A search that raises does not wait for the fits still running in other
        threads. Renamed first, the directory is out of their reach: a file
        they wrote while it was being removed would keep it on disk. A write
        that found the directory under its old name just before the rename can
        still add one file, so the removal is repeated until nothing is left.
        """
        closing = f"{self.directory}-closing"
        try:
            os.rename(self.directory, closing)
        except OSError:  # already gone, or held open on Windows
            closing = self.directory
        for _ in range(_CLOSE_ATTEMPTS):
            shutil.rmtree(closing, ignore_errors=True)
            if not os.path.lexists(closing):
                return
            time.sleep(0.01)


_PREFIX = "skhptune-warm-start-"
_MAX_BINS = 32
_MAX_BINS_BYTES = 2**30
_MIN_FREE_BYTES = 2**30
_MIN_FREE_FRACTION = 0.1
_CLOSE_ATTEMPTS = 10


def _namespace_tag():
    """A short tag of the host and PID namespace this process sees its PIDs in.

    Containers sharing one temporary directory number their processes
    separately: a PID is only meaningful next to this tag. It starts with a
    letter, so that it is never read as a PID.
    """
    try:
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:  # not Linux, or /proc is not mounted
        namespace = ""
    return f"h{zlib.crc32(f'{socket.gethostname()} {namespace}'.encode()):08x}"


def _remove_orphans(parent, tag):
    """Delete this user's store directories whose process has ended (POSIX only).

    Only directories with this :func:`_namespace_tag` are considered: the
    process of another host or PID namespace cannot be looked up from here.
    """
    if os.name != "posix":  # os.kill(pid, 0) would signal the process on Windows
        return
    try:
        names = os.listdir(parent)
    except OSError:
        return
    ours = f"{_PREFIX}{tag}-"
    for name in names:
        pid = name[len(ours) :].split("-", 1)[0]
        if not name.startswith(ours) or not pid.isdigit():
            continue
        path = os.path.join(parent, name)
        try:
            if os.stat(path).st_uid != os.getuid():
                continue
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(path, ignore_errors=True)
        except OSError:  # running under another user, or the path vanished
            continue


def _stored_resource(name):
    """The resource in a model's file name ``<config>-<data>-<resource>.pkl``."""
    return int(name.rsplit("-", 1)[1][: -len(".pkl")])


def config_key(params, resource):
    """The key the models of the configuration ``params`` are stored under.

    ``resource`` is left out: it grows as the configuration is promoted.
    ``None`` when the parameters cannot be hashed (nothing is stored then).
    The values are cloned as scikit-learn clones them before ``set_params``
    (a fitted estimator comes unfitted, an object shared by two values as
    two copies), so that the search and the fit find the same key.
    """
    searched = sorted(
        (name, clone(value, safe=False)) for name, value in params.items() if name != resource
    )
    return _hash_or_none(searched)


def _hash_or_none(value):
    # SHA-1 rather than joblib's default MD5: the training fold is hashed at every
    # fit, and SHA-1 runs about 2.5x faster where the CPU accelerates it.
    try:
        return joblib.hash(value, hash_name="sha1")
    except Exception:  # noqa: BLE001 - anything unpicklable just gets no warm start
        return None


# Callback state of scikit-learn >= 1.9 belongs to the fit in progress, not to the
# stored model (and may hold objects that cannot be pickled).
_CALLBACK_ATTRIBUTES = ("_skl_callbacks", "_parent_callback_ctx", "_skl_callbacks_to_teardown")


class WarmStartEstimator:
    """An estimator that continues the model of its configuration when it can.

    It stands in for the estimator it wraps: parameters, tags, metadata
    routing, fitted attributes, methods, indexing and ``isinstance`` checks all
    reach the wrapped estimator (``type`` cannot: the searches hand scorers the
    wrapped estimator, see :mod:`skhptune._scoring`). Only ``fit`` differs:
    with a resource above one already fitted for
    the same parameters and training data, it continues that model with
    ``warm_start=True``.

    Parameters
    ----------
    estimator : estimator object
        The wrapped estimator.
    resource : str or None
        Name of the resource parameter (see :func:`continues_fitting`), or
        ``None`` when no model is continued and only the bins of
        :func:`histogram_booster` are reused.
    max_resource : int or None
        Models fitted with this resource are final and not stored (``None``
        with ``resource=None``).
    store : ModelStore
        Where models are kept between rungs.
    """

    # Own attributes carry a prefix so that the wrapped estimator's (such as a
    # forest's ``estimator`` parameter) are reached unchanged.
    def __init__(self, estimator, resource, max_resource, store):
        own = {
            "_skhptune_estimator": estimator,
            "_skhptune_resource": resource,
            "_skhptune_max_resource": max_resource,
            "_skhptune_store": store,
            "_skhptune_config_key": None,
        }
        self.__dict__.update(own)

    @property
    def wrapped_estimator(self):
        return self.__dict__["_skhptune_estimator"]

    def __getattr__(self, name):
        # Only reached for names the wrapper does not define. While unpickling,
        # nothing is set yet and nothing may be forwarded.
        estimator = self.__dict__.get("_skhptune_estimator")
        if estimator is None:
            raise AttributeError(name)
        return getattr(estimator, name)

    def __setattr__(self, name, value):
        setattr(self.wrapped_estimator, name, value)

    def __delattr__(self, name):
        delattr(self.wrapped_estimator, name)

    @property
    def __class__(self):
        # isinstance(wrapper, RandomForestClassifier) holds, as for the estimator.
        return type(self.wrapped_estimator)

    def __getitem__(self, key):
        return self.wrapped_estimator[key]

    def __len__(self):
        return len(self.wrapped_estimator)

    def __repr__(self):
        return repr(self.wrapped_estimator)

    def __reduce__(self):
        return _rebuild, (dict(self.__dict__),)

    def __sklearn_clone__(self):
        own = self.__dict__
        return type(self)(
            clone(own["_skhptune_estimator"]),
            own["_skhptune_resource"],
            own["_skhptune_max_resource"],
            own["_skhptune_store"],
        )

    def __sklearn_is_fitted__(self):
        try:
            check_is_fitted(self.wrapped_estimator)
        except NotFittedError:
            return False
        return True

    def get_params(self, deep=True):
        return self.wrapped_estimator.get_params(deep=deep)

    def set_params(self, **params):
        # Hashed before set_params, which sets the resource inside a searched step.
        own = self.__dict__
        own["_skhptune_config_key"] = config_key(params, own["_skhptune_resource"])
        self.wrapped_estimator.set_params(**params)
        return self

    def fit(self, X, y=None, **fit_params):
        own = self.__dict__
        estimator, store = own["_skhptune_estimator"], own["_skhptune_store"]
        resource_name, config_key = own["_skhptune_resource"], own["_skhptune_config_key"]
        data_key = None
        if (
            resource_name is not None
            and config_key is not None
            # The training size decides whether early_stopping="auto" is on.
            and continues_fitting(estimator, resource_name, _num_samples(X))
        ):
            data_key = _hash_or_none((X, y, fit_params))
        if data_key is None:
            # Nothing to continue: only the bins of a histogram booster are reused.
            with _bins_reused(histogram_booster(estimator), store):
                estimator.fit(X, y, **fit_params)
            return self
        resource = estimator.get_params(deep=True)[resource_name]
        previous = store.load_latest(config_key, data_key, below=resource)
        continued = previous is not None and _continue(
            previous, estimator, resource_name, resource, X, y, fit_params, store
        )
        if continued:
            own["_skhptune_estimator"] = estimator = previous
        else:
            with _bins_reused(histogram_booster(estimator), store):
                estimator.fit(X, y, **fit_params)
        if resource < own["_skhptune_max_resource"]:
            stored = copy.copy(estimator)
            for name in _CALLBACK_ATTRIBUTES:
                stored.__dict__.pop(name, None)
            store.save(stored, config_key, data_key, resource)
        return self


def _continue(previous, estimator, resource_name, resource, X, y, fit_params, store):
    """Grow ``previous`` to ``resource``; ``False`` if the estimator refuses."""
    owner = resource_name.rpartition("__")[0]
    warm_start = f"{owner}__warm_start" if owner else "warm_start"
    original = previous.get_params(deep=True)[warm_start]
    for name in _CALLBACK_ATTRIBUTES:
        if name in estimator.__dict__:
            previous.__dict__[name] = estimator.__dict__[name]
    previous.set_params(**{warm_start: True, resource_name: resource})
    try:
        # Forests warn that class_weight presets suit warm starts only on the
        # same data: it is the same training fold.
        with ignored_in_this_thread(UserWarning, "class_weight presets"):
            with _bins_reused(histogram_booster(previous), store):
                previous.fit(X, y, **fit_params)
    except ValueError:
        # How scikit-learn refuses a warm start (bagging with oob_score): fit
        # from scratch. Any other error is the fit's own, as it would be then.
        return False
    previous.set_params(**{warm_start: original})
    return True


def histogram_booster(estimator):
    """The ``HistGradientBoosting*`` that fitting ``estimator`` fits, or ``None``.

    The estimator itself or the last step of a ``Pipeline`` (nested or not):
    other meta-estimators fit clones, which would not see the reused bins.
    """
    while isinstance(estimator, Pipeline):
        estimator = estimator.steps[-1][1]
    return estimator if isinstance(estimator, _HIST_GRADIENT_BOOSTING) else None


@contextlib.contextmanager
def _bins_reused(estimator, store):
    """While fitting, ``estimator`` bins each training set once per search.

    Histogram gradient boosting fits a bin mapper to its training data and bins
    it at every ``fit``, through its ``_bin_data`` method. For the duration of
    the block, an instance attribute of that name stands in for it: the fitted
    mapper and the binned data are stored under a hash of everything the
    mapper sees (its parameters and the data), and a later fit given the same
    is handed both, exactly as it would have computed them. Other estimators,
    and a scikit-learn without that method, fit as usual.
    """
    bin_data = getattr(type(estimator), "_bin_data", None)
    if not isinstance(estimator, _HIST_GRADIENT_BOOSTING) or bin_data is None:
        yield
        return

    def reusing_bin_data(X, *args, **kwargs):
        key = _bins_key(estimator, X, args, kwargs)
        stored = store.load_bins(key) if key is not None else None
        if stored is not None:
            if estimator.verbose:  # the line binning prints, so a verbose fit reads as usual
                print(f"Binning {X.nbytes / 1e9:.3f} GB of training data: reused")
            fitted, X_binned = stored
            fitted.n_threads = estimator._bin_mapper.n_threads
            estimator._bin_mapper = fitted
            return X_binned
        X_binned = bin_data(estimator, X, *args, **kwargs)
        if key is not None:
            store.save_bins(key, (estimator._bin_mapper, X_binned))
        return X_binned

    estimator.__dict__["_bin_data"] = reusing_bin_data
    try:
        yield
    finally:
        estimator.__dict__.pop("_bin_data", None)


def _bins_key(estimator, X, args, kwargs):
    """Hash of what the bin mapper about to bin training data ``X`` sees.

    ``None`` for validation data, which an early-stopping fit bins with the
    mapper fitted on the training data, and for anything unexpected.
    """
    # scikit-learn >= 1.7 passes sample_weight before is_training_data.
    if not kwargs.get("is_training_data", args[-1] if args else False):
        return None
    try:
        params = estimator._bin_mapper.get_params()
        del params["n_threads"]  # the same bins for any thread count
        subsampled = X.shape[0] > (params.get("subsample") or math.inf)
        if not subsampled:
            # The quantiles use every sample: the seed draws nothing.
            params.pop("random_state", None)
        if not isinstance(estimator.random_state, numbers.Integral) and (
            subsampled
            or (estimator.do_early_stopping_ and estimator.validation_fraction is not None)
        ):
            # A fresh seed at every fit draws another subsample to bin, or
            # another early-stopping split: no later fit would reuse these bins.
            return None
    except (AttributeError, KeyError):
        return None
    return _hash_or_none((params, X, args, kwargs))


def _rebuild(state):
    wrapper = object.__new__(WarmStartEstimator)
    wrapper.__dict__.update(state)
    return wrapper


def unwrapped(estimator):
    """The estimator that ``estimator`` wraps, if it is a :class:`WarmStartEstimator`."""
    while isinstance(estimator, WarmStartEstimator):
        estimator = estimator.wrapped_estimator
    return estimator
