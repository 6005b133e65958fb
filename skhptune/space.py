"""Search-space dimensions: :class:`Real`, :class:`Integer` and :class:`Categorical`.

The classes only store their arguments; they are checked when a search parses its
``param_distributions`` at ``fit``. Each also offers ``rvs`` so that the same space
can be handed to scikit-learn's :class:`~sklearn.model_selection.RandomizedSearchCV`.
"""

import numpy as np
from sklearn.utils import check_random_state

__all__ = ["Real", "Integer", "Categorical"]

_PRIORS = ("uniform", "log-uniform")


class _Dimension:
    """Shared repr, equality and sampling for the public dimension classes."""

    _fields: tuple = ()

    def _values(self):
        return tuple(getattr(self, name) for name in self._fields)

    def __repr__(self):
        args = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({args})"

    def __eq__(self, other):
        return type(self) is type(other) and self._values() == other._values()

    def __hash__(self):
        # Equal dimensions hash alike: Real(1, 2) == Real(1.0, 2.0).
        try:
            return hash((type(self).__name__, self._values()))
        except TypeError:  # unhashable arguments
            return hash(type(self).__name__)

    def rvs(self, size=None, random_state=None):
        """Draw values from the dimension's prior.

        Parameters
        ----------
        size : int or None, default=None
            Number of values; ``None`` returns a single value.
        random_state : int, RandomState instance or None, default=None
            Seed or generator for the draw.

        Returns
        -------
        value or list
            One value when ``size`` is ``None``, else a list of them: Python
            floats for :class:`Real`, ints for :class:`Integer`, the choices
            themselves for :class:`Categorical`.

        Examples
        --------
        The same space serves scikit-learn's ``RandomizedSearchCV``, which draws
        from ``rvs``:

        >>> from sklearn.datasets import load_iris
        >>> from sklearn.model_selection import RandomizedSearchCV
        >>> from sklearn.svm import SVC
        >>> from skhptune.space import Categorical, Real
        >>> space = {"C": Real(1e-2, 1e2, prior="log-uniform"),
        ...          "kernel": Categorical(["rbf", "linear"])}
        >>> search = RandomizedSearchCV(SVC(), space, n_iter=3, random_state=0)
        >>> sorted(search.fit(*load_iris(return_X_y=True)).best_params_)
        ['C', 'kernel']
        >>> Categorical(["rbf", "linear"]).rvs(size=4, random_state=1)
        ['rbf', 'linear', 'rbf', 'rbf']
        >>> from skhptune.space import Integer
        >>> Integer(1, 10).rvs(size=3, random_state=0)
        [6, 8, 7]
        """
        from ._space import parse_dimension

        dimension = parse_dimension("value", self)
        rng = check_random_state(random_state)
        units = rng.uniform(size=1 if size is None else size)
        values = [dimension.decode(u) for u in units]
        return values[0] if size is None else values


class Real(_Dimension):
    """A real-valued hyperparameter in ``[low, high]``.

    Values come from the whole closed interval, spread uniformly or, under
    ``"log-uniform"``, uniformly in ``log(value)``.

    Parameters
    ----------
    low : float
        Lower bound (inclusive).
    high : float
        Upper bound (inclusive); must be greater than ``low``.
    prior : {"uniform", "log-uniform"}, default="uniform"
        ``"log-uniform"`` searches ``log(value)`` uniformly, for scale parameters
        such as a regularisation strength; it needs ``low > 0``.

    See Also
    --------
    Integer : An integer hyperparameter.
    Categorical : A hyperparameter taking one of unordered choices.
    scipy.stats.loguniform : A distribution ``param_distributions`` also takes.

    Examples
    --------
    >>> from skhptune.space import Real
    >>> Real(1e-3, 1e3, prior="log-uniform")
    Real(low=0.001, high=1000.0, prior='log-uniform')
    """

    _fields = ("low", "high", "prior")

    def __init__(self, low, high, prior="uniform"):
        self.low = low
        self.high = high
        self.prior = prior


class Integer(_Dimension):
    """An integer hyperparameter in ``[low, high]``, both ends included.

    Every integer of the range can be drawn: as often as any other under
    ``"uniform"``; under ``"log-uniform"``, an integer ``v`` in proportion to
    the width of ``[log(v - 0.5), log(v + 0.5)]``.

    Parameters
    ----------
    low : int
        Lower bound (inclusive).
    high : int
        Upper bound (inclusive); must be greater than ``low``.
    prior : {"uniform", "log-uniform"}, default="uniform"
        ``"log-uniform"`` spreads the search evenly over orders of magnitude,
        e.g. for ``n_estimators`` in ``[10, 1000]``; it needs ``low > 0``.

    See Also
    --------
    Real : A real-valued hyperparameter.
    Categorical : A hyperparameter taking one of unordered choices.
    scipy.stats.randint : A distribution ``param_distributions`` also takes.

    Examples
    --------
    >>> from skhptune.space import Integer
    >>> Integer(1, 10)
    Integer(low=1, high=10, prior='uniform')
    """

    _fields = ("low", "high", "prior")

    def __init__(self, low, high, prior="uniform"):
        self.low = low
        self.high = high
        self.prior = prior


class Categorical(_Dimension):
    """A hyperparameter taking one of unordered ``choices``.

    Choices may be any objects: strings, ``None``, tuples or estimators. Numbers in a
    plain list are treated as ordered instead; wrap them in ``Categorical`` to search
    them without order.

    Parameters
    ----------
    choices : sequence
        The candidate values, at least one.

    See Also
    --------
    Real : A real-valued hyperparameter.
    Integer : An integer hyperparameter.

    Examples
    --------
    >>> from skhptune.space import Categorical
    >>> Categorical(["rbf", "poly"])
    Categorical(choices=['rbf', 'poly'])
    """

    _fields = ("choices",)

    def __init__(self, choices):
        self.choices = choices

    def __eq__(self, other):
        if type(self) is not type(other):
            return False
        mine, theirs = list(self.choices), list(other.choices)
        return len(mine) == len(theirs) and all(
            _same_choice(a, b) for a, b in zip(mine, theirs)
        )

    def __hash__(self):
        return hash((type(self).__name__, len(list(self.choices))))


def _as_python(value):
    """A numpy scalar as its Python counterpart; any other value as it is."""
    return value.item() if isinstance(value, np.generic) else value


def _same_choice(a, b):
    """Whether two choices are the same, for objects whose ``==`` is unusual.

    Choices reach the estimator as they are, so equal values of other types
    differ: ``max_features=1`` is one feature, ``1.0`` all of them.
    """
    if a is b:
        return True
    # Parsed spaces key a NumPy scalar as the Python value it holds.
    if type(_as_python(a)) is not type(_as_python(b)):
        return False
    try:
        return bool(a == b)
    except Exception:  # e.g. arrays, whose == is elementwise
        return False
