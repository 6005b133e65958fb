"""Parsing of ``param_distributions`` and the unit-cube encoding the strategies use.

Every search dimension becomes one coordinate in ``[0, 1]``. Strategies see only
arrays and two per-coordinate facts:

- ``n_levels``: 0 for a continuous coordinate; ``k > 0`` for a dimension with ``k``
  values, value ``i`` sitting at the bin centre ``(i + 0.5) / k``;
- ``is_categorical``: the levels have no order (categorical choices).

A list of dicts is a list of conditional sub-spaces, as in ``GridSearchCV``; a point
of the search is a pair ``(subspace index, unit vector)``.
"""

import bisect
import itertools
import math
import numbers
from collections.abc import Mapping, Sequence, Set as AbstractSet

import numpy as np
from scipy.stats import qmc, rv_discrete
from sklearn.model_selection import ParameterGrid
from sklearn.utils import check_random_state
from sklearn.utils.random import sample_without_replacement

from ._acquisition import round_significant, snap_to_levels
from .space import _PRIORS, Categorical, Integer, Real, _as_python

# Keeps ppf away from the infinite tails of unbounded distributions such as norm.
_TAIL = 1e-6
# Bound on the decoded keys a sub-space remembers: a generation's brood fits, while
# a long search's screened-out candidates (about 1.6 KB each in 10 dimensions)
# do not pile up.
_MAX_CACHED_KEYS = 4096
# Draws from a distribution that offers only ``rvs``; its empirical quantiles
# stand in for the ppf it lacks.
_N_EMPIRICAL_DRAWS = 1000
# Bins of [0, 1] stay apart only while a float holds their centres (i + 0.5) / n.
_MAX_BINNED_LEVELS = 2**52
# Values of a bounded discrete scipy law listed as a finite space; wider
# supports are searched through their quantiles only.
_MAX_LISTED_VALUES = 10_000


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


class _Binned:
    """A dimension with finitely many values, each owning an equal bin of [0, 1]."""

    is_categorical = False

    def __init__(self, name, values, order):
        self.name = name
        self.values = list(values)  # in the user's order, for grids
        self._order = np.asarray(order)  # bin of each value
        self._value_at_bin = np.argsort(self._order, kind="stable")
        self.n_levels = len(self.values)

    def decode(self, u):
        return self.values[self._value_at_bin[self.level(u)]]

    def level(self, u):
        return int(min(max(np.floor(u * self.n_levels), 0), self.n_levels - 1))

    def encode(self, value):
        """Centre of the bin of ``value``: one of ``values``, the object itself
        (grids list them as they are)."""
        for index, candidate in enumerate(self.values):
            if candidate is value:
                return (self._order[index] + 0.5) / self.n_levels
        raise ValueError(f"{value!r} is not one of the values of parameter {self.name!r}.")

    def key(self, u):
        return _value_key(self.decode(u))


def _value_key(value):
    """Hashable identity of a value, the same in every sub-space listing it.

    Types stay apart, as in :func:`_distinct`, except that a numpy scalar is its
    Python counterpart (scikit-learn reads ``np.float64(1.0)`` as ``1.0``); an
    unhashable value (a dict) is known by its contents.
    """
    value = _as_python(value)
    if isinstance(value, float) and value != value:
        return float, "nan"  # each NaN object hashes apart (Python >= 3.10)
    try:
        hash(value)
    except TypeError:
        return type(value), _unhashable_key(value)
    return type(value), value


def _unhashable_key(value):
    """Equal dicts, sets, sequences and arrays key alike, by their contents (each
    sub-space lists its own copy); any other unhashable value, and one that
    holds itself, is known by the object itself."""
    try:
        if isinstance(value, np.ndarray):
            if value.dtype == object:
                return value.shape, tuple(_value_key(item) for item in value.ravel())
            return value.dtype, value.shape, value.tobytes()
        if isinstance(value, Mapping):
            return frozenset((_value_key(k), _value_key(v)) for k, v in value.items())
        if isinstance(value, AbstractSet):
            return frozenset(_value_key(item) for item in value)
        if isinstance(value, Sequence):
            return tuple(_value_key(item) for item in value)
    except RecursionError:
        pass
    return id(value)


class _CategoricalDim(_Binned):
    is_categorical = True

    def __init__(self, name, choices):
        super().__init__(name, choices, np.arange(len(choices)))


class _OrdinalDim(_Binned):
    """Numbers from a plain list: bins follow the numeric order."""

    def __init__(self, name, values):
        # Python compares ints and floats exactly (a float conversion would tie
        # or overflow integers beyond 2**53); NaN goes last.
        order = sorted(range(len(values)), key=lambda i: _numeric_order(values[i]))
        super().__init__(name, values, np.argsort(order))


def _numeric_order(value):
    """Sort key of a number: by value, NaN last."""
    is_nan = value != value
    return (True, 0) if is_nan else (False, _as_python(value))


class _IntegerDim(_Binned):
    """A uniform integer range; values are built on demand, never listed."""

    def __init__(self, name, low, high):
        self.name = name
        self.low, self.high = int(low), int(high)
        self.n_levels = self.high - self.low + 1

    @property
    def values(self):
        return list(range(self.low, self.high + 1))

    def decode(self, u):
        return self.low + self.level(u)

    def encode(self, value):
        return (int(value) - self.low + 0.5) / self.n_levels


class _ContinuousDim:
    """A coordinate mapped to values through a monotone, picklable transform.

    ``values``, when given, are the finitely many values it decodes to (the
    integers of a narrow log-uniform ``Integer``, those a bounded discrete
    scipy law reaches, or the distinct draws of a distribution known only by
    its ``rvs``): the space can then be counted and listed, though the
    coordinate stays continuous for the strategies.
    """

    n_levels = 0
    is_categorical = False

    def __init__(self, name, transform, integer=False, values=None):
        self.name = name
        self.transform = transform
        self._integer = integer
        self.values = values

    def decode(self, u):
        value = self.transform.to_value(float(min(max(u, 0.0), 1.0)))
        return int(value) if self._integer else float(value)

    def encode(self, value):
        return float(min(max(self.transform.to_unit(value), 0.0), 1.0))

    def key(self, u):
        value = self.decode(u)
        return _value_key(value if self._integer else self.float_key(value))

    @staticmethod
    def float_key(value):
        """A float to 12 significant digits: nearer values are one configuration."""
        return round_significant(value)


class _ExactDrawsDim(_ContinuousDim):
    """Draws that must come out exactly as drawn: the coordinate steps through
    them. Integers stay integers (through a float, those above 2**53 would
    round to values never drawn), and draws mixing integers and floats keep
    each draw's type (``max_features=1`` is one feature, ``1.0`` all)."""

    def __init__(self, name, draws):
        # Python compares ints and floats exactly; an int goes before an equal
        # float, so that each owns a share of the coordinate of its own.
        self._draws = sorted(map(_as_python, draws), key=_exact_order)
        self._order = [_exact_order(value) for value in self._draws]
        super().__init__(
            name, _EmpiricalMap(self._draws, discrete=True), values=_distinct(self._draws)
        )

    def decode(self, u):
        index = int(min(max(u, 0.0), 1.0) * len(self._draws))
        return self._draws[min(index, len(self._draws) - 1)]

    def encode(self, value):
        """Middle of the share of ``value``, one of the draws."""
        order = _exact_order(_as_python(value))
        left = bisect.bisect_left(self._order, order)
        right = bisect.bisect_right(self._order, order)
        return 0.5 * (left + right) / len(self._draws)

    def key(self, u):
        return _value_key(self.decode(u))


def _exact_order(number):
    return number, isinstance(number, float)


class _RangeMap:
    """A monotone map of ``[0, 1]`` onto ``[low, high]``.

    The ends give the bounds themselves (``low + (high - low)`` or
    ``exp(log(high))`` can miss ``high`` by an ulp); with a ``margin``, ``u`` stays
    that far from 0 and 1, so the bounds are never reached.
    """

    def __init__(self, low, high, margin=0.0):
        self.low, self.high, self.margin = low, high, margin

    def to_value(self, u):
        u = min(max(u, self.margin), 1.0 - self.margin)
        if u <= 0.0 or u >= 1.0:
            return self.low if u <= 0.0 else self.high
        return float(min(max(self._interpolate(u), self.low), self.high))


class _LinearMap(_RangeMap):
    def _interpolate(self, u):
        return self.low + u * (self.high - self.low)

    def to_unit(self, value):
        return (value - self.low) / (self.high - self.low)


class _LogMap(_RangeMap):
    """Uniform in ``log``."""

    def __init__(self, low, high, margin=0.0):
        super().__init__(low, high, margin)
        self._log_low, self._log_high = np.log(low), np.log(high)

    def _interpolate(self, u):
        return np.exp(self._log_low + u * (self._log_high - self._log_low))

    def to_unit(self, value):
        return (np.log(value) - self._log_low) / (self._log_high - self._log_low)


class _LogIntegerMap(_LogMap):
    """Each integer owns the log-width of ``[v - 0.5, v + 0.5]``, so the prior is
    log-uniform over the values and every value stays reachable."""

    def __init__(self, low, high):
        super().__init__(low - 0.5, high + 0.5)
        self.int_low, self.int_high = low, high

    def to_value(self, u):
        return min(max(round(super().to_value(u)), self.int_low), self.int_high)


class _WideIntegerMap:
    """An integer range too wide for bins: value ``low + floor(u * n)``."""

    def __init__(self, low, high):
        self.low, self.n_values = low, high - low + 1

    def to_value(self, u):
        if u >= 1.0:  # u * n_values is a float: it can fall short of the last value
            return self.low + self.n_values - 1
        return self.low + min(int(u * self.n_values), self.n_values - 1)

    def to_unit(self, value):
        return (int(value) - self.low + 0.5) / self.n_values


def _integer_range(name, low, high):
    """A uniform integer range: binned, unless it has too many values for bins."""
    if high - low + 1 <= _MAX_BINNED_LEVELS:
        return _IntegerDim(name, low, high)
    return _ContinuousDim(name, _WideIntegerMap(low, high), integer=True)


class _QuantileMap:
    """A scipy.stats distribution: values are quantiles of the coordinate.

    Both directions also map arrays, element by element.
    """

    def __init__(self, dist, discrete):
        self.dist, self.discrete = dist, discrete
        self._direct = None if discrete else _direct_quantiles(dist)

    def to_value(self, u):
        # Two ufuncs: np.clip of a scalar costs more than the quantile below.
        u = np.minimum(np.maximum(u, _TAIL), 1 - _TAIL)
        if self._direct is None:
            return self.dist.ppf(u)
        return _quantiles(self._direct, u)

    def to_unit(self, value):
        if self.discrete:
            # A value owns the cdf mass between its predecessor and itself.
            return 0.5 * (self.dist.cdf(value - 1) + self.dist.cdf(value))
        return self.dist.cdf(value)


# Where the direct quantiles must equal ppf's before they replace it: the tails,
# and a spread of points between them.
_QUANTILE_PROBES = np.concatenate([[_TAIL, 1 - _TAIL], np.linspace(0.01, 0.99, 41)])


def _direct_quantiles(dist):
    """The law, shapes, loc and scale whose ``_ppf`` gives ``dist.ppf`` exactly.

    A frozen continuous law's public ``ppf`` checks its arguments and masks
    invalid ones at every call, for about forty times the cost of the quantile
    itself; searches decode the same dimension thousands of times a run (a
    genetic search computes the values of every child it breeds). For ``u``
    strictly inside ``(0, 1)`` scipy returns ``_ppf(u, *shapes) * scale + loc``
    of its valid arguments, all as one-dimensional arrays (NumPy may round a
    scalar's operations differently: 1 ulp for ``pareto``), which
    :func:`_quantiles` repeats. It is kept only where it gives ``ppf``'s values
    at every probe bit for bit; ``None`` means ``ppf``.
    """
    law = getattr(dist, "dist", None)
    try:
        shapes, loc, scale = law._parse_args(*dist.args, **dist.kwds)
        direct = law, tuple(np.atleast_1d(s) for s in shapes), np.atleast_1d(loc), np.atleast_1d(scale)
        for u in _QUANTILE_PROBES:
            if not _quantiles(direct, u) == dist.ppf(u):
                return None
    except Exception:  # not a frozen scipy law, or a private API that moved
        return None
    return direct


def _quantiles(direct, u):
    """``ppf(u)`` of :func:`_direct_quantiles`'s law, for ``u`` inside ``(0, 1)``."""
    law, shapes, loc, scale = direct
    q = np.asarray(u, dtype=float)
    values = law._ppf(q.reshape(-1), *shapes) * scale + loc
    return values[0] if q.ndim == 0 else values.reshape(q.shape)


class _TabulatedMap:
    """A bounded discrete distribution through its cdf, tabulated once.

    Maps as :class:`_QuantileMap` does (a value owns the cdf mass between its
    predecessor and itself; a coordinate gives the smallest value whose cdf
    reaches it), without calling scipy at every value: the generic cdf and ppf
    of a law defined by its pmf alone (``betabinom``) sum the pmf from the
    start of the support at every call, so listing ``betabinom(5000, 2, 3)``
    took seconds.
    """

    def __init__(self, dist, low, high):
        self.values = np.arange(low, high + 1, dtype=float)
        # padded_cdf[i + 1] is the cdf at values[i]; padded_cdf[0] = 0 below them.
        self.padded_cdf = np.concatenate([[0.0], np.cumsum(dist.pmf(self.values))])

    def _cdf(self, value):
        index = np.floor(np.asarray(value, dtype=float) - self.values[0])
        index = np.clip(index, -1, len(self.values) - 1).astype(int)
        return self.padded_cdf[index + 1]

    def to_value(self, u):
        u = np.clip(u, _TAIL, 1 - _TAIL)
        index = np.searchsorted(self.padded_cdf[1:], u, side="left")
        return self.values[np.minimum(index, len(self.values) - 1)]

    def to_unit(self, value):
        return 0.5 * (self._cdf(np.asarray(value) - 1) + self._cdf(value))


class _EmpiricalMap:
    """Values are empirical quantiles of draws from a distribution.

    With ``discrete``, the coordinate steps through the sorted draws, so only
    drawn values come out, each as often as it was drawn; otherwise it
    interpolates between consecutive (distinct) draws.
    """

    def __init__(self, draws, discrete):
        self.draws = np.sort(np.asarray(draws, dtype=float))
        self.discrete = discrete
        n = len(self.draws)
        self._quantiles = (np.arange(n) + 0.5) / n

    def to_value(self, u):
        if self.discrete:
            return self.draws[min(int(u * len(self.draws)), len(self.draws) - 1)]
        return np.interp(u, self._quantiles, self.draws)

    def to_unit(self, value):
        if self.discrete:
            # A value owns the share of the draws equal to it.
            left = np.searchsorted(self.draws, value, side="left")
            right = np.searchsorted(self.draws, value, side="right")
            return 0.5 * (left + right) / len(self.draws)
        return np.interp(value, self.draws, self._quantiles)


def _describe(dist):
    """``loguniform(2, 1)`` for a frozen scipy.stats law, else its repr."""
    law = getattr(dist, "dist", None)
    if not isinstance(getattr(law, "name", None), str):
        return repr(dist)
    # 1.0, not np.float64(1.0).
    arguments = [repr(_as_python(arg)) for arg in getattr(dist, "args", ())]
    arguments += [
        f"{key}={_as_python(value)!r}" for key, value in getattr(dist, "kwds", {}).items()
    ]
    return f"{law.name}({', '.join(arguments)})"


def _draw(name, dist, rng):
    """``_N_EMPIRICAL_DRAWS`` values of ``dist.rvs``, as RandomizedSearchCV draws them."""
    random_state = np.random.RandomState(check_random_state(rng).randint(np.iinfo(np.int32).max))
    try:
        return [dist.rvs(random_state=random_state) for _ in range(_N_EMPIRICAL_DRAWS)]
    except Exception as error:
        # A ValueError (scipy's for invalid arguments) stays one, as
        # RandomizedSearchCV lets it through; anything else means the object
        # is no usable distribution (TypeError).
        kind = ValueError if isinstance(error, ValueError) else TypeError
        raise kind(
            f"Parameter {name!r}: drawing values with {_describe(dist)}.rvs(random_state=...) "
            f"failed ({type(error).__name__}: {error})."
        ) from error


def n_values(dim):
    """How many values ``dim`` takes: its levels, or its values when a
    continuous coordinate has finitely many; 0 for a continuum (and for an
    integer range too wide to list)."""
    if dim.n_levels:
        return dim.n_levels
    return 0 if dim.values is None else len(dim.values)


def _distinct(values):
    """The distinct values, in order of first appearance (unhashable ones too).

    Values of different types stay apart even when equal, as scikit-learn can
    read them differently (``max_features=1`` is one feature, ``1.0`` all); a
    numpy scalar counts as its Python counterpart.
    """
    distinct, seen, kept = [], set(), set()
    for value in values:
        key = _value_key(value)  # the key grids and de-duplication use
        if key not in seen and id(value) not in kept:
            seen.add(key)
            kept.add(id(value))
            distinct.append(value)
    return distinct


def _parse_sampled(name, dist, rng):
    """A distribution with ``rvs`` only: its empirical distribution over many draws.

    Numbers give a quantile coordinate, stepping through the draws when they
    are integers or repeat (a discrete distribution) and interpolating between
    them otherwise; NaN and infinite draws are left out. Anything else gives a
    categorical of the values drawn.
    """
    # A 0-d array (what some rvs return for one draw) stands for its scalar.
    draws = [
        value.item() if isinstance(value, np.ndarray) and value.ndim == 0 else value
        for value in _draw(name, dist, rng)
    ]
    if not all(_is_number(value) for value in draws):
        return _CategoricalDim(name, _distinct(draws))
    # An int is finite, and may be too large for np.isfinite's float.
    draws = [v for v in draws if isinstance(v, numbers.Integral) or np.isfinite(v)]
    if not draws:
        raise ValueError(
            f"Parameter {name!r}: every value drawn from {_describe(dist)} is NaN or infinite."
        )
    if any(isinstance(value, numbers.Integral) for value in draws):
        return _ExactDrawsDim(name, draws)
    # One value per key: floats equal to 12 significant digits are one configuration.
    distinct = sorted({_ContinuousDim.float_key(v): float(v) for v in draws}.values())
    if len(distinct) < len(draws):  # repeats: a discrete distribution
        return _ContinuousDim(name, _EmpiricalMap(draws, discrete=True), values=distinct)
    return _ContinuousDim(name, _EmpiricalMap(draws, discrete=False))


def _is_finite_float(number):
    try:
        return math.isfinite(number)
    except OverflowError:  # an int beyond the float range
        return False


def _check_bounds(name, low, high, prior):
    if prior not in _PRIORS:
        raise ValueError(
            f"Parameter {name!r}: prior must be 'uniform' or 'log-uniform', "
            f"got {prior!r}."
        )
    if not (_is_number(low) and _is_number(high)):
        raise TypeError(
            f"Parameter {name!r}: low and high must be numbers, got "
            f"low={low!r}, high={high!r}."
        )
    if not all(_is_finite_float(bound) for bound in (low, high)):
        raise ValueError(
            f"Parameter {name!r}: low and high must be finite (and within float "
            f"range), got low={low!r}, high={high!r}."
        )
    if not low < high:
        raise ValueError(
            f"Parameter {name!r}: low must be smaller than high, got "
            f"low={low!r}, high={high!r}."
        )
    if prior == "log-uniform" and low <= 0:
        raise ValueError(
            f"Parameter {name!r}: a log-uniform prior needs low > 0, got low={low!r}."
        )


def _parse_real(name, dim):
    _check_bounds(name, dim.low, dim.high, dim.prior)
    low, high = float(dim.low), float(dim.high)
    if not np.isfinite(high - low):
        raise ValueError(
            f"Parameter {name!r}: the range high - low must be a finite float, got "
            f"low={dim.low!r}, high={dim.high!r}."
        )
    transform = _LogMap if dim.prior == "log-uniform" else _LinearMap
    return _ContinuousDim(name, transform(low, high))


def _float_logs_merge_integers(low, high):
    """Whether float logs may give neighbouring integers of a range one value.

    Only for a range narrow for its size, on which a log prior is uniform to
    within ``1e-6`` anyway: near ``2**53`` its integers all had one log, and the
    unit cube no width. Logs of neighbours ``v`` and ``v + 1`` differ by about
    ``1 / v``, which must span many float steps (a thousand) to be told apart.
    """
    narrow = (high - low) * 10**6 < low
    return narrow and 1.0 / (high + 0.5) < 1e3 * np.spacing(np.log(high + 0.5))


def _parse_integer(name, dim):
    _check_bounds(name, dim.low, dim.high, dim.prior)
    for bound in (dim.low, dim.high):
        if not (isinstance(bound, numbers.Integral) or float(bound).is_integer()):
            raise TypeError(
                f"Parameter {name!r}: Integer bounds must be integers, got "
                f"low={dim.low!r}, high={dim.high!r}."
            )
    low, high = int(dim.low), int(dim.high)
    if dim.prior == "uniform" or _float_logs_merge_integers(low, high):
        return _integer_range(name, low, high)
    # Its values can be counted and listed (a range builds them on demand), so a
    # space of few of them is finite, as with a uniform prior.
    values = range(low, high + 1) if high - low + 1 <= _MAX_BINNED_LEVELS else None
    return _ContinuousDim(name, _LogIntegerMap(low, high), integer=True, values=values)


def _pandas_as_array(values):
    """A pandas Series or Index of values as its array (RandomizedSearchCV
    samples from one too); anything else as it is."""
    if not isinstance(values, np.ndarray) and hasattr(values, "to_numpy"):
        return values.to_numpy()
    return values


def _has_integer_values(dist):
    """Whether a discrete scipy distribution takes only integer values.

    ``rv_discrete(values=...)`` lists its values (shifted by ``loc``), and
    draws them with their type: listed floats stay floats, as 1.0 and 1 mean
    other things to scikit-learn (``max_features``). scipy's other discrete
    laws take integers shifted by ``loc``, so one value tells.
    """
    if getattr(getattr(dist, "dist", dist), "xk", None) is not None:
        # Listed floats, or listed integers shifted by a float loc, draw floats.
        drawn = dist.rvs(random_state=np.random.RandomState(0))
        return bool(np.issubdtype(np.asarray(drawn).dtype, np.integer))
    low = float(dist.support()[0])
    value = low if np.isfinite(low) else dist.ppf(0.5)
    return bool(value == np.round(value))


def _has_slow_quantiles(dist):
    """Whether ``ppf`` is scipy's generic discrete one on an unbounded support.

    That ppf steps through the values one by one: in a heavy tail (``zipf(1.5)``)
    a quantile near 1 takes minutes.
    """
    law = getattr(dist, "dist", dist)
    return type(law)._ppf is rv_discrete._ppf and not np.isfinite(dist.support()[1])


def _is_log_uniform(dist, low, high):
    """Whether ``dist`` is log-uniform on its support (a ``loc`` shift breaks it)."""
    return low > 0 and np.isclose(dist.ppf(0.5), np.sqrt(low * high), rtol=1e-9, atol=0)


def _parse_distribution(name, dist, rng):
    if not all(hasattr(dist, method) for method in ("ppf", "cdf", "support")):
        return _parse_sampled(name, dist, rng)
    try:
        support = dist.support()
        low, high = (float(bound) for bound in support)
    except (TypeError, ValueError, OverflowError) as error:  # randint(0, 2**70)
        raise ValueError(
            f"Parameter {name!r}: cannot compute the support of "
            f"{_describe(dist)} ({type(error).__name__}: {error})."
        ) from error
    family = getattr(getattr(dist, "dist", None), "name", "")
    discrete = hasattr(dist, "pmf")
    # Arguments scipy deems invalid (uniform(0, 0)) leave a NaN support and ppf
    # while rvs still draws; rv_discrete(values=...) may hold any numbers, and
    # some laws have no usable ppf: search the values drawn.
    if np.isnan(low) or np.isnan(high):
        return _parse_sampled(name, dist, rng)
    bounded = np.isfinite(low) and np.isfinite(high)
    if family == "randint" and not bounded:  # its rvs would overflow
        raise ValueError(f"Parameter {name!r}: {_describe(dist)} has an infinite bound.")
    if discrete and (not _has_integer_values(dist) or _has_slow_quantiles(dist)):
        return _parse_sampled(name, dist, rng)
    # An infinite scale (norm(0, inf)) leaves no finite quartile on an
    # unbounded support: its draws are infinite or NaN (or, for lognorm(inf),
    # half of them 0).
    if not bounded:
        with np.errstate(invalid="ignore"):
            quartiles = [float(dist.ppf(q)) for q in (0.25, 0.5, 0.75)]
        if not np.isfinite(quartiles).all():
            raise ValueError(
                f"Parameter {name!r}: {_describe(dist)} has no finite quartiles "
                f"(ppf at 0.25, 0.5 and 0.75 gives {quartiles})."
            )
    # Like their rvs, scipy's distributions are kept off the exact ends of their
    # support (uniform(0, 1) all but never gives 0 in RandomizedSearchCV either).
    if family in ("loguniform", "reciprocal") and _is_log_uniform(dist, low, high):
        return _ContinuousDim(name, _LogMap(low, high, margin=_TAIL))
    if family == "uniform":
        return _ContinuousDim(name, _LinearMap(low, high, margin=_TAIL))
    if family == "randint":
        # Bounds past 2**53 would be rounded as floats.
        return _integer_range(name, int(support[0]), int(support[1]))
    if discrete and bounded and high - low < _MAX_LISTED_VALUES:
        # A bounded discrete law (binom, hypergeom ...) is a finite space, like
        # randint: list the values its quantiles reach, so that a budget that
        # covers them evaluates them all at once.
        transform = _TabulatedMap(dist, int(low), int(high))
        values = _reached_values(transform, int(low), int(high))
        return _ContinuousDim(name, transform, integer=True, values=values)
    return _ContinuousDim(name, _QuantileMap(dist, discrete), integer=discrete)


def _reached_values(quantile_map, low, high):
    """The integers of ``[low, high]`` that ``quantile_map`` maps back to themselves.

    A value whose mass lies within ``_TAIL`` of either end of the coordinate, or
    that has none, is never decoded.
    """
    values = np.arange(low, high + 1)
    reached = quantile_map.to_value(quantile_map.to_unit(values))
    return [int(value) for value in values[reached == values]]


def parse_dimension(name, spec, rng=None):
    """Turn one value of ``param_distributions`` into a parsed dimension.

    Parameters
    ----------
    name : str
        Parameter name, used in error messages.
    spec : Real, Integer, Categorical, object with ``rvs``, or sequence
        The user's description of the values: a frozen scipy.stats
        distribution maps through its ppf, any other object with ``rvs``
        through the empirical quantiles of draws from it.
    rng : int, RandomState instance or None, default=None
        Source of the seed of those draws.

    Returns
    -------
    dimension
        An object with ``n_levels``, ``is_categorical``, ``values`` (finite
        dimensions, in the user's order, else ``None``), ``decode(u)``,
        ``encode(value)`` and ``key(u)``.
    """
    spec = _from_peer_libraries(name, spec)
    if isinstance(spec, Real):
        return _parse_real(name, spec)
    if isinstance(spec, Integer):
        return _parse_integer(name, spec)
    if isinstance(spec, Categorical):
        choices = _pandas_as_array(spec.choices)
        if isinstance(choices, str) or not isinstance(choices, (Sequence, np.ndarray)):
            # A string would be searched letter by letter, a set in an order that
            # changes between runs, an iterator only once.
            raise TypeError(
                f"Parameter {name!r}: Categorical needs a list, tuple or array of "
                f"choices, got {choices!r} (of type {type(choices).__name__}); a "
                "single value is Categorical([value])."
            )
        choices = _distinct(choices)
        if not choices:
            raise ValueError(f"Parameter {name!r}: Categorical needs at least one choice.")
        return _CategoricalDim(name, choices)
    if hasattr(spec, "rvs"):
        return _parse_distribution(name, spec, rng)
    spec = _pandas_as_array(spec)
    if isinstance(spec, np.ndarray):
        if spec.ndim != 1:
            raise ValueError(
                f"Parameter {name!r}: an array of values must be one-dimensional, "
                f"got shape {spec.shape}."
            )
        spec = list(spec)
    if isinstance(spec, str) or not isinstance(spec, Sequence):
        # GridSearchCV's wording, so that code matching its messages keeps working.
        raise TypeError(
            f"Parameter grid for parameter {name!r} needs to be a list or a numpy "
            f"array, but got {spec!r} (of type {type(spec).__name__}) instead. "
            "Single values need to be wrapped in a list with one element. A "
            "scipy.stats distribution or a Real, Integer or Categorical dimension "
            "works too."
        )
    # A repeated value would be a second configuration to evaluate; it is one.
    values = _distinct(spec)
    if not values:
        raise ValueError(
            f"Parameter grid for parameter {name!r} need to be a non-empty "
            f"sequence, got: {spec!r}"
        )
    if all(_is_number(value) for value in values):
        return _OrdinalDim(name, values)
    return _CategoricalDim(name, values)


def _from_peer_libraries(name, spec):
    """scikit-optimize's and sklearn-genetic-opt's dimensions, for code moved from them.

    Their ``Real``/``Continuous``, ``Integer`` and ``Categorical`` objects become
    skhptune's (scikit-optimize's ``rvs`` returns lists, which would be searched
    as values; sklearn-genetic-opt's is a scipy law's unbound ``rvs``, which
    draws from ``[0, 1]`` whatever the bounds). scikit-optimize's tuples
    ``(low, high, prior)`` and ``(low, high, prior, base)`` are an error:
    scikit-learn's searches, and ours, read a tuple as choices, and a prior's
    name is never one.
    """
    module, kind = type(spec).__module__, type(spec).__name__
    if module.startswith("skopt.space"):
        if kind in ("Real", "Integer"):
            ours = Real if kind == "Real" else Integer
            return ours(spec.low, spec.high, prior=spec.prior)
        if kind == "Categorical" and spec.prior is None:
            return Categorical(list(spec.categories))
        raise TypeError(
            f"Parameter {name!r}: scikit-optimize's {spec!r} has no counterpart in "
            "skhptune.space (whose Categorical draws its choices with equal weight)."
        )
    if module.startswith("sklearn_genetic.space"):
        if kind == "Continuous":
            prior = "log-uniform" if spec.distribution == "log-uniform" else "uniform"
            return Real(spec.lower, spec.upper, prior=prior)
        if kind == "Integer":
            return Integer(spec.lower, spec.upper)
        if kind == "Categorical" and spec.priors is None:
            return Categorical(list(spec.choices))
        described = f"{kind} with priors {spec.priors!r}" if kind == "Categorical" else kind
        raise TypeError(
            f"Parameter {name!r}: sklearn-genetic-opt's {described} has no "
            "counterpart in skhptune.space (whose Categorical draws its choices "
            "with equal weight)."
        )
    if (
        isinstance(spec, tuple)
        and len(spec) in (3, 4)
        and all(_is_number(bound) for bound in spec[:2])
        and isinstance(spec[2], str)
        and spec[2] in _PRIORS
        and all(_is_number(base) for base in spec[3:])
    ):
        low, high, prior = spec[:3]
        integers = all(isinstance(bound, numbers.Integral) for bound in (low, high))
        kind = "Integer" if integers else "Real"
        raise ValueError(
            f"Parameter {name!r}: {spec!r} is a scikit-optimize range, but a tuple "
            "is a list of choices here, as in scikit-learn's searches. Write "
            f"{kind}({low!r}, {high!r}, prior={prior!r}) (from skhptune.space)."
        )
    return spec


class SubSpace:
    """One dict of ``param_distributions``: named dimensions and their unit cube.

    Parameters
    ----------
    distributions : dict
        Parameter name to its description.
    rng : RandomState instance or None, default=None
        Source of the draws from distributions that offer only ``rvs``.
    """

    def __init__(self, distributions, rng=None):
        if not isinstance(distributions, Mapping):
            raise TypeError(
                "param_distributions must be a dict or a list of dicts, got "
                f"{distributions!r} (of type {type(distributions).__name__})."
            )
        for name in distributions:
            if not isinstance(name, str):
                raise TypeError(f"Parameter names must be strings, got {name!r}.")
        self.names = sorted(distributions)
        self.dimensions = [parse_dimension(n, distributions[n], rng) for n in self.names]
        self.n_dims = len(self.dimensions)
        self.n_levels = np.array([d.n_levels for d in self.dimensions], dtype=int)
        self.is_categorical = np.array(
            [d.is_categorical for d in self.dimensions], dtype=bool
        )
        self._keys = {}

    @property
    def size(self):
        """Number of distinct configurations, or ``None`` when unbounded."""
        counts = [n_values(d) for d in self.dimensions]
        if 0 in counts:
            return None
        return int(np.prod(counts, dtype=object))

    def snap(self, units):
        """Clip to the cube and move discrete coordinates to their bin centres."""
        return snap_to_levels(units, self.n_levels)

    def sample(self, n, rng, method="random"):
        """Draw ``n`` points of the unit cube, snapped.

        Parameters
        ----------
        n : int
            Number of points.
        rng : RandomState
            Source of randomness.
        method : {"random", "sobol"}, default="random"
            ``"sobol"`` gives a scrambled Sobol sequence, spreading points evenly.

        Returns
        -------
        ndarray of shape (n, n_dims)
        """
        if method == "sobol" and self.n_dims > 0 and n > 1:
            sobol = qmc.Sobol(self.n_dims, scramble=True, seed=rng.randint(2**31))
            # A power of two keeps Sobol balanced (and silent); extra rows are dropped.
            units = sobol.random_base2(int(np.ceil(np.log2(n))))[:n]
        else:
            units = rng.uniform(size=(n, self.n_dims))
        return self.snap(units)

    def decode(self, unit):
        """Parameter dict of native values for one unit vector."""
        return {
            name: dim.decode(u) for name, dim, u in zip(self.names, self.dimensions, unit)
        }

    def encode(self, params):
        """Unit vector of a parameter dict of this sub-space."""
        return np.array([dim.encode(params[n]) for n, dim in zip(self.names, self.dimensions)])

    def key(self, unit):
        """Hashable identity of the configuration a unit vector decodes to."""
        # Searches ask for the keys of the same points many times (breeding,
        # de-duplication, bookkeeping); decoding is the costly part.
        unit = np.asarray(unit, dtype=float)
        raw = unit.tobytes()
        key = self._keys.get(raw)
        if key is None:
            if len(self._keys) >= _MAX_CACHED_KEYS:
                # Forget the older half: recent points are the ones asked again.
                for stale in list(itertools.islice(self._keys, _MAX_CACHED_KEYS // 2)):
                    del self._keys[stale]
            # Python floats: clamping a numpy scalar costs several times more.
            key = tuple(
                (name, dim.key(u))
                for name, dim, u in zip(self.names, self.dimensions, unit.tolist())
            )
            self._keys[raw] = key
        return key

    def grid_dict(self):
        """The finite sub-space as a ``ParameterGrid`` dict of value lists."""
        return {name: dim.values for name, dim in zip(self.names, self.dimensions)}


class Space:
    """Parsed ``param_distributions``: one or more conditional sub-spaces.

    Parameters
    ----------
    param_distributions : dict or list of dict
        As accepted by the ``*SearchCV`` classes.
    rng : RandomState instance or None, default=None
        Source of the draws from distributions that offer only ``rvs`` (it is
        not used otherwise).

    Attributes
    ----------
    is_grid : bool
        Whether every parameter is given as a list of values, as in the
        ``param_grid`` of ``GridSearchCV``, rather than as a distribution.
    """

    def __init__(self, param_distributions, rng=None):
        if isinstance(param_distributions, Mapping):
            param_distributions = [param_distributions]
        if not isinstance(param_distributions, Sequence) or isinstance(
            param_distributions, str
        ):
            raise TypeError(
                "param_distributions must be a dict or a list of dicts, got "
                f"{param_distributions!r}."
            )
        if len(param_distributions) == 0:
            raise ValueError("param_distributions is an empty list; give at least one dict.")
        self.subspaces = [SubSpace(d, rng) for d in param_distributions]
        self.is_grid = all(
            not hasattr(v, "rvs") for d in param_distributions for v in d.values()
        )

    @property
    def names(self):
        """All parameter names, sorted."""
        return sorted({name for sub in self.subspaces for name in sub.names})

    @property
    def size(self):
        """Number of configurations the sub-spaces hold, or ``None`` when unbounded.

        A configuration that overlapping sub-spaces both hold counts once per
        sub-space, as in ``len(ParameterGrid(...))``; :meth:`grid` lists it once.
        """
        sizes = [sub.size for sub in self.subspaces]
        return None if None in sizes else sum(sizes)

    def distinct_size(self, at_most):
        """Number of distinct configurations, or ``None`` when unbounded.

        Unlike :attr:`size`, a configuration that overlapping sub-spaces both
        hold counts once. Only sub-spaces with the same parameters can share
        one; those are counted from the grid, unless one of them alone holds
        more than ``at_most``: then :attr:`size`, also more than ``at_most``,
        stands in for the count.
        """
        size = self.size
        if size is None:
            return None
        names = [tuple(sub.names) for sub in self.subspaces]
        if len(set(names)) == len(names) or any(sub.size > at_most for sub in self.subspaces):
            return size
        return len(self.grid())

    def fits_in(self, budget):
        """Whether the space is finite with at most ``budget`` distinct configurations."""
        size = self.size
        if size is not None and size <= budget:
            return True  # no need to list the grid for the exact count
        n_distinct = self.distinct_size(budget)
        return n_distinct is not None and n_distinct <= budget

    def key(self, point):
        """Hashable identity of a point ``(subspace index, unit vector)``.

        It names the parameters and their values, not the sub-space: a
        configuration that overlapping sub-spaces both hold is one.
        """
        index, unit = point
        return self.subspaces[index].key(unit)

    def decode(self, point):
        """Parameter dict of a point ``(subspace index, unit vector)``."""
        index, unit = point
        return self.subspaces[index].decode(unit)

    def grid(self):
        """Every configuration of a finite space, in ``ParameterGrid`` order.

        A configuration that overlapping sub-spaces both hold is listed once.

        Returns
        -------
        list of (int, ndarray)
            Points ``(subspace index, unit vector)``.
        """
        points = {}
        for index, sub in enumerate(self.subspaces):
            for params in ParameterGrid(sub.grid_dict()):
                point = index, sub.encode(params)
                points.setdefault(self.key(point), point)
        return list(points.values())

    def _grid_point(self, index):
        """Point ``index`` of :meth:`grid`, found without listing the grid."""
        for sub_index, sub in enumerate(self.subspaces):
            if index < sub.size:
                params = ParameterGrid(sub.grid_dict())[index]
                return sub_index, sub.encode(params)
            index -= sub.size
        raise IndexError("grid point index out of range")

    def initial_design(self, n, rng):
        """Distinct, space-filling starting points.

        A space made only of lists is sampled without replacement from its grid,
        exactly as ``RandomizedSearchCV`` does with the same ``rng`` (up to
        ``2**63 - 1`` points, where ``RandomizedSearchCV`` fails), but for the
        copies of a configuration that overlapping sub-spaces share, which
        further draws replace; other spaces get a scrambled Sobol design, the
        points shared out among sub-spaces.

        Parameters
        ----------
        n : int
            Number of points wanted; fewer come back when the space is smaller.
        rng : RandomState
            Source of randomness.

        Returns
        -------
        list of (int, ndarray)
        """
        size = self.size
        # scikit-learn's sampler takes grids of up to 2**63 - 1 points; a larger
        # one (twenty lists of ten values) gets the Sobol design.
        if self.is_grid and size <= np.iinfo(np.int64).max:
            indices = sample_without_replacement(size, min(n, size), random_state=rng)
            points, seen = [], set()
            for i in indices:
                _add_if_new(points, seen, self, self._grid_point(i))
            # Overlapping sub-spaces list a configuration once each: more draws
            # replace the copies, up to the distinct configurations there are.
            if len(points) < n:
                n = min(n, self.distinct_size(n))
            for _ in range(100 * max(n - len(points), 0)):
                if len(points) >= n:
                    break
                _add_if_new(points, seen, self, self._grid_point(rng.randint(size)))
            return points
        n = n if size is None else min(n, size)
        counts = self._share_out(n, rng)
        points, seen = [], set()
        for index, (sub, count) in enumerate(zip(self.subspaces, counts)):
            for unit in sub.sample(count, rng, method="sobol"):
                _add_if_new(points, seen, self, (index, unit))
            # Snapping can merge Sobol points of a small discrete sub-space.
            for _ in range(50 * count):
                if sum(1 for p in points if p[0] == index) >= count:
                    break
                _add_if_new(points, seen, self, (index, sub.sample(1, rng)[0]))
        return points

    def _share_out(self, n, rng):
        """Split ``n`` points among sub-spaces evenly, within their sizes."""
        capacity = [sub.size if sub.size is not None else n for sub in self.subspaces]
        counts = [0] * len(self.subspaces)
        order = list(rng.permutation(len(self.subspaces)))
        while sum(counts) < n:
            open_ = [i for i in order if counts[i] < capacity[i]]
            if not open_:
                break
            for i in open_:
                if sum(counts) == n:
                    break
                counts[i] += 1
        return counts

    def random_point(self, rng):
        """One point drawn uniformly: a random sub-space, then a random unit vector."""
        index = rng.randint(len(self.subspaces))
        return index, self.subspaces[index].sample(1, rng)[0]


def _add_if_new(points, seen, space, point):
    key = space.key(point)
    if key not in seen:
        seen.add(key)
        points.append(point)
