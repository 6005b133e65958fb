"""Plots of a fitted search: convergence, parameters, importances, Hyperband, evolution.

Each display follows scikit-learn's ``*Display`` convention: build it from a fitted
search with ``Display.from_estimator(search)``, which draws it at once, or create it
from arrays and call its ``plot()``. The drawn artists are kept as attributes ending in
``_`` (``ax_``, ``figure_``, ``line_``, ...) for further styling.

The displays read ``cv_results_``, so they also work on scikit-learn's
:class:`~sklearn.model_selection.GridSearchCV` and
:class:`~sklearn.model_selection.RandomizedSearchCV` where the plot makes sense, and
use what the skhptune searches add (``history_``, ``parameter_importances_``,
``generation_stats_``, the Hyperband columns) when it is there.

Matplotlib is an optional dependency (``pip install "skhptune[plot]"``), imported
only when something is drawn.
"""

import numbers
import warnings

import numpy as np
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import validate_parameter_constraints

from ._acquisition import in_safe_units
from ._base import AskTellSearchCV, best_so_far, metric_names, search_metric
from ._space import _is_number

__all__ = [
    "ConvergenceDisplay",
    "EvolutionDisplay",
    "HyperbandDisplay",
    "ParameterImportanceDisplay",
    "ParameterScoreDisplay",
]

# A numeric parameter whose positive values span this ratio gets a log axis.
_LOG_RATIO = 100.0
# What ConvergenceDisplay's x counts: evaluations, or time, a search's own or,
# for a search without history_, its fits'.
_EVALUATIONS = "evaluations"
_WALL_TIME = "elapsed time (s)"
_FIT_TIME = "cumulative fit and score time (s)"
_LABEL_WIDTH = 18


def _pyplot():
    """Import ``matplotlib.pyplot``, or say how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError(
            "skhptune.plot needs matplotlib, which is not installed. Install it with "
            '`pip install "skhptune[plot]"` (or `pip install matplotlib`).'
        ) from error
    return plt


def _check_fitted(search):
    if hasattr(search, "cv_results_"):
        return search.cv_results_
    if any(hasattr(search, name) for name in ("param_distributions", "param_grid")):
        raise NotFittedError(
            f"This {type(search).__name__} instance is not fitted yet: call `fit` "
            "before plotting it."
        )
    raise TypeError(
        "The displays plot a hyperparameter search (an object with cv_results_, "
        f"such as a fitted skhptune or scikit-learn *SearchCV), got {search!r}."
    )


def _check_count(name, value):
    """A positive int (not a bool), or a TypeError/ValueError naming it."""
    if not isinstance(value, numbers.Integral) or isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a positive int, got {value!r}.")
    if value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}.")


def _metrics(search):
    return metric_names(_check_fitted(search))


def _default_metric(search):
    """The metric a skhptune search optimised (the one its ``history_`` and
    ``parameter_importances_`` describe); for another search the refit metric,
    else ``"score"`` or the only metric; ``None`` if ambiguous."""
    if isinstance(search, AskTellSearchCV):
        return search_metric(search, search.cv_results_)
    available = _metrics(search)
    refit = getattr(search, "refit", None)
    if isinstance(refit, str) and refit in available:
        return refit
    if "score" in available:
        return "score"
    return available[0] if len(available) == 1 else None


def _resolve_metric(search, metric):
    """Name of the metric to plot: ``metric``, else :func:`_default_metric`."""
    available = _metrics(search)
    if metric is not None:
        if metric not in available:
            raise ValueError(f"metric={metric!r} is not in cv_results_; choose one of {available}.")
        return metric
    default = _default_metric(search)
    if default is None:
        raise ValueError(
            f"The search evaluated several metrics {available} and none is its refit "
            "metric; pass metric=<name>."
        )
    return default


def _score_label(metric):
    return "mean test score" if metric == "score" else f"mean test {metric}"


def _is_default_metric(search, metric):
    return metric == _default_metric(search)


def _test_scores(search, metric):
    return np.asarray(search.cv_results_[f"mean_test_{metric}"], dtype=float)


def _best_so_far(scores, resources=None):
    """Running best of the scores by :func:`~skhptune._base.best_so_far`'s rule
    (with ``resources``, rows at a larger resource replace the lower ones once
    one has a score, as ``best_index_`` does); an infinite best, which cannot
    be drawn, is left out."""
    best = best_so_far(np.asarray(scores, dtype=float), resources)
    return np.where(np.isfinite(best), best, np.nan)


def _gives_colour(kwargs):
    """Whether scatter keywords set the colour, under either of its names (the
    display's colour must then go: matplotlib refuses two)."""
    return bool({"c", "color"} & kwargs.keys())


def _param_names(results):
    return [key[len("param_") :] for key in results if key.startswith("param_")]


def _param_column(results, name):
    """Values of one parameter and a mask of the rows that have it."""
    column = results[f"param_{name}"]
    present = ~np.ma.getmaskarray(column)
    return np.asarray(np.ma.getdata(column), dtype=object), present


def _declared_log_scale(search, name):
    """Whether the search space declares a log scale for ``name`` (``None``: not known)."""
    spaces = getattr(search, "param_distributions", None)
    if spaces is None:
        spaces = getattr(search, "param_grid", None)
    if spaces is None:
        return None
    for space in spaces if isinstance(spaces, (list, tuple)) else [spaces]:
        dimension = space.get(name) if isinstance(space, dict) else None
        if getattr(dimension, "prior", None) == "log-uniform":
            return True
        dist = getattr(dimension, "dist", None)
        if getattr(dist, "name", None) in ("loguniform", "reciprocal"):
            return True
    return None


def _axis_numbers(values):
    """``values`` as floats when every one is a finite number, which an axis
    can place; else ``None`` (drawn as categories: ``np.inf``, ``np.nan``)."""
    if not all(_is_number(v) for v in values):
        return None
    try:
        floats = np.array([float(v) for v in values])
    except OverflowError:  # an int beyond the float range
        return None
    return floats if np.isfinite(floats).all() else None


# Scatter keywords that take one value per point.
_PER_POINT = ("c", "s", "color", "edgecolors", "facecolors", "linewidths")


def _rows_of(kwargs, rows, n_rows):
    """Scatter keywords with the per-row arrays among them (``c``, ``s``: one
    value per row of ``cv_results_``) cut down to ``rows``; a single colour
    (``color=(1, 0, 0, 1)``, however many rows) stays whole."""
    from matplotlib.colors import is_color_like

    def per_row(key, value):
        return (
            key in _PER_POINT
            and not isinstance(value, str)
            and np.ndim(value) >= 1
            and len(value) == n_rows
            and not is_color_like(value)
        )

    return {
        key: np.asarray(value)[rows] if per_row(key, value) else value
        for key, value in kwargs.items()
    }


def _check_axes(ax):
    """A ``TypeError`` unless ``ax`` is one matplotlib Axes or ``None``."""
    from matplotlib.axes import Axes

    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {ax!r}.")


def _axes_to_draw_on(plt, ax, **figure_kwargs):
    """``ax``, checked, or the axes of a new figure when it is ``None``."""
    _check_axes(ax)
    if ax is None:
        _, ax = plt.subplots(layout="constrained", **figure_kwargs)
    return ax


def _wants_log_scale(values):
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    return bool(len(values) and values.min() > 0 and values.max() / values.min() >= _LOG_RATIO)


def _short_label(value):
    if isinstance(value, str):
        text = value
    elif isinstance(value, float):  # a sampled float beside choices: 0.1370, not 17 digits
        text = f"{value:.4g}"
    elif hasattr(value, "get_params"):
        text = type(value).__name__
    else:
        text = repr(value)
    return text if len(text) <= _LABEL_WIDTH else text[: _LABEL_WIDTH - 1] + "…"


def _tick_labels(values):
    """Short labels of distinct ``values``; those that would read alike (two
    estimators of one class, long reprs sharing a start) are written in full."""
    short = [_short_label(value) for value in values]
    return [
        label if short.count(label) == 1 else repr(value) for label, value in zip(short, values)
    ]


def _category_order(labels, values):
    """Distinct ``labels``: those of numbers in numeric order, then the rest sorted."""
    numeric, other = {}, set()
    for label, value in zip(labels, values):
        if _is_number(value):
            numeric.setdefault(label, value)  # exact: an int may exceed the float range
        else:
            other.add(label)
    return sorted(numeric, key=numeric.get) + sorted(other - set(numeric))


def _same_number(value, number):
    return _is_number(value) and float(value) == float(number)


def _distinct_colors(cmap, n):
    """``n`` colours: the first ``n`` of a qualitative map, else spread over ``cmap``."""
    import matplotlib

    colormap = matplotlib.colormaps[cmap] if isinstance(cmap, str) else cmap
    # Qualitative maps list a few colours (tab20 the most); viridis lists 256
    # shades, whose first few look alike.
    if isinstance(colormap, matplotlib.colors.ListedColormap) and n <= colormap.N <= 20:
        return [colormap(i) for i in range(n)]
    # Short of the ends, which are near white in many sequential maps.
    return [colormap(v) for v in np.linspace(0.15, 0.85, n)] if n > 1 else [colormap(0.5)]


def _params_key(params, drop=()):
    return tuple(sorted((name, repr(value)) for name, value in params.items() if name not in drop))


def _panel_axes(plt, ax, n_panels, n_cols, sharey):
    """A flat list of ``n_panels`` axes: new ones, the given ones, or ``ax`` split up."""
    n_cols = max(1, min(n_cols, n_panels))
    n_rows = -(-n_panels // n_cols)
    if ax is None:
        figure, grid = plt.subplots(
            n_rows,
            n_cols,
            figsize=(3.6 * n_cols, 3.0 * n_rows),
            squeeze=False,
            sharey=sharey,
            layout="constrained",
        )
        axes = list(grid.ravel())
        for unused in axes[n_panels:]:
            unused.set_visible(False)
        return figure, axes[:n_panels]
    if hasattr(ax, "get_subplotspec") and not isinstance(ax, np.ndarray):
        if n_panels == 1:
            return ax.figure, [ax]
        if ax.get_subplotspec() is None:
            raise ValueError(
                f"ax must be an axes of a grid (plt.subplots, Figure.add_subplot) to be "
                f"split into {n_panels} panels, one per parameter, or a list of "
                f"{n_panels} axes; got axes placed by hand ({ax!r})."
            )
        figure = ax.figure
        spec = ax.get_subplotspec().subgridspec(n_rows, n_cols)
        ax.set_axis_off()
        axes = []
        for i in range(n_panels):
            share = axes[0] if sharey and axes else None
            axes.append(figure.add_subplot(spec[i // n_cols, i % n_cols], sharey=share))
        return figure, axes
    if isinstance(ax, str) or np.ndim(ax) == 0:
        raise TypeError(f"ax must be a matplotlib Axes, a list of them or None, got {ax!r}.")
    axes = list(np.ravel(np.asarray(ax, dtype=object)))
    for axis in axes:
        _check_axes(axis)
    if len(axes) != n_panels:
        raise ValueError(f"Expected {n_panels} axes, one per parameter, got {len(axes)}.")
    return axes[0].figure, axes


class ConvergenceDisplay:
    """Best score so far against evaluations or time.

    The staircase shows how quickly a search finds good configurations; draw
    several searches on one axes to compare them at equal budget. Create it with
    :meth:`from_estimator`.

    Parameters
    ----------
    x : array-like of shape (n_evaluations,)
        Evaluation number (from 1) or time in seconds of each evaluation.
    best_score : array-like of shape (n_evaluations,)
        Best score so far after each evaluation. :meth:`from_estimator` leaves
        an infinite best out (NaN): a ``+inf`` score hides the staircase from
        there on, and its points show alone.
    score : array-like of shape (n_evaluations,), default=None
        Score of each evaluation, drawn as points when given.
    x_label : str, default="evaluations"
        Label of the x axis.
    score_label : str, default="mean test score"
        Label of the y axis.
    name : str, default=None
        Name of the search in the legend; ``None`` or ``""`` leaves it out.

    Attributes
    ----------
    line_ : matplotlib.lines.Line2D
        The best-so-far staircase.
    scatter_ : matplotlib.collections.PathCollection or None
        The individual scores, when drawn.
    ax_ : matplotlib.axes.Axes
        Axes with the plot.
    figure_ : matplotlib.figure.Figure
        Figure containing the plot.

    See Also
    --------
    EvolutionDisplay : Scores per generation of a genetic search.
    HyperbandDisplay : Scores per resource level of a Hyperband search.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.model_selection import RandomizedSearchCV
    >>> from sklearn.svm import SVC
    >>> from scipy.stats import loguniform
    >>> from skhptune.plot import ConvergenceDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> search = RandomizedSearchCV(
    ...     SVC(), {"C": loguniform(1e-3, 1e3)}, n_iter=8, random_state=0
    ... ).fit(X, y)
    >>> display = ConvergenceDisplay.from_estimator(search)
    >>> len(display.line_.get_xdata())
    8
    >>> plt.close("all")
    """

    def __init__(
        self,
        x,
        best_score,
        score=None,
        *,
        x_label="evaluations",
        score_label="mean test score",
        name=None,
    ):
        self.x = x
        self.best_score = best_score
        self.score = score
        self.x_label = x_label
        self.score_label = score_label
        self.name = name

    def plot(self, ax=None, *, name=None, show_scores=True, **kwargs):
        """Draw the convergence curve.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, default=None
            Axes to draw on; a new figure when ``None``. Pass the ``ax_`` of an
            earlier display to compare searches.
        name : str, default=None
            Legend entry; ``self.name`` when ``None``; ``""`` leaves the curve out
            of the legend.
        show_scores : bool, default=True
            Also draw each evaluation's score as a faint point.
        **kwargs : dict
            Passed to :meth:`matplotlib.axes.Axes.plot` for the staircase.

        Returns
        -------
        display : ConvergenceDisplay
            The display, with its artists stored.
        """
        plt = _pyplot()
        ax = _axes_to_draw_on(plt, ax)
        name = self.name if name is None else name
        x = np.asarray(self.x, dtype=float)
        line_kwargs = {"drawstyle": "steps-post", **kwargs}
        if len(x) == 1:
            line_kwargs.setdefault("marker", "o")  # a one-point staircase has no line
        if name:
            line_kwargs.setdefault("label", name)
        drawn_against = ax.get_xlabel()
        measures = {_EVALUATIONS, _WALL_TIME, _FIT_TIME}
        if drawn_against in measures and self.x_label in measures - {drawn_against}:
            warnings.warn(
                f"This curve is drawn against {self.x_label!r}, the axes' earlier ones "
                f"against {drawn_against!r}: curves on one axes should count the same "
                "thing (a skhptune search and a scikit-learn one count different "
                "times; compare them with x='evaluations').",
                UserWarning,
            )
        (self.line_,) = ax.plot(x, np.asarray(self.best_score, dtype=float), **line_kwargs)
        self.scatter_ = None
        if show_scores and self.score is not None:
            self.scatter_ = ax.scatter(
                x, np.asarray(self.score, dtype=float), s=12, alpha=0.35,
                color=self.line_.get_color(),
            )
        ax.set_xlabel(self.x_label)
        ax.set_ylabel(self.score_label)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="lower right")
        self.ax_, self.figure_ = ax, ax.figure
        return self

    @classmethod
    def from_estimator(
        cls, search, *, x="evaluations", metric=None, ax=None, name=None, show_scores=True, **kwargs
    ):
        """Plot the convergence of a fitted search.

        Parameters
        ----------
        search : fitted search
            A skhptune search, or any scikit-learn ``*SearchCV`` with
            ``cv_results_``. Rows are taken in evaluation order. With an
            ``n_resources`` column (Hyperband, halving) the staircase is the best
            at the largest resource reached, where ``best_index_`` is chosen.
        x : {"evaluations", "time"}, default="evaluations"
            What the x axis counts. ``"time"`` uses the elapsed wall time of
            ``history_`` (skhptune searches), else the cumulative fit and score
            time of ``cv_results_`` over all splits (the time a single worker
            would need, not the wall time of a parallel search). Drawing both
            kinds on one axes warns.
        metric : str, default=None
            Metric to plot, for multi-metric searches; by default the refit
            metric (the first metric for a skhptune search without one, which it
            optimised).
        ax : matplotlib.axes.Axes, default=None
            Axes to draw on; a new figure when ``None``.
        name : str, default=None
            Legend entry; the class name of the search by default; ``""`` leaves
            the curve out of the legend.
        show_scores : bool, default=True
            Also draw each evaluation's score as a faint point.
        **kwargs : dict
            Passed to :meth:`matplotlib.axes.Axes.plot` for the staircase.

        Returns
        -------
        display : ConvergenceDisplay
            The display, plotted (its artists stored).
        """
        metric = _resolve_metric(search, metric)
        scores = _test_scores(search, metric)
        history = getattr(search, "history_", None)
        if x == "evaluations":
            x_values, x_label = np.arange(1, len(scores) + 1), _EVALUATIONS
        elif x == "time":
            if history is not None and len(history.get("elapsed_time", ())) == len(scores):
                x_values, x_label = np.asarray(history["elapsed_time"]), _WALL_TIME
            else:
                results = search.cv_results_
                per_split = np.asarray(results["mean_fit_time"]) + np.asarray(
                    results["mean_score_time"]
                )
                n_splits = getattr(search, "n_splits_", 1)
                x_values = np.cumsum(per_split * n_splits)
                x_label = _FIT_TIME
        else:
            raise ValueError(f'x must be "evaluations" or "time", got {x!r}.')
        if (
            history is not None
            and _is_default_metric(search, metric)
            and len(history.get("best_score", ())) == len(scores)
        ):
            # The search's own staircase: HyperbandSearchCV's passes over failed
            # fits, whose error_score cv_results_ cannot tell from a score.
            best = np.asarray(history["best_score"], dtype=float)
            best = np.where(np.isfinite(best), best, np.nan)
        else:
            best = _best_so_far(scores, search.cv_results_.get("n_resources"))
        display = cls(
            x_values,
            best,
            scores,
            x_label=x_label,
            score_label=_score_label(metric),
            name=type(search).__name__ if name is None else name,
        )
        return display.plot(ax=ax, show_scores=show_scores, **kwargs)


class ParameterScoreDisplay:
    """Score against the value of each parameter, one panel per parameter.

    Shows where in the space the good configurations lie and how densely the
    search sampled each region. Numeric parameters get a log axis when the space
    declares a log prior, or when their positive values span two decades or more;
    other parameters are drawn as strips, one per value. Points are coloured by
    evaluation order (or by another numeric column such as ``n_resources``); the
    best configuration is marked with a star.

    Parameters
    ----------
    values : dict of str to ndarray of object
        Per parameter, its value in each row (ignored where ``present`` is False).
    present : dict of str to ndarray of bool
        Per parameter, the rows that set it (sub-spaces may not).
    score : ndarray of shape (n_rows,)
        Score of each row.
    log_scale : dict of str to bool, default=None
        Per numeric parameter, whether to use a log axis; inferred when missing.
    color : ndarray of shape (n_rows,), default=None
        Value mapped to the colour of each point; evaluation order when ``None``.
    color_label : str, default="evaluation"
        Label of the colour bar.
    best_index : int, default=None
        Row to mark as the best.
    score_label : str, default="mean test score"
        Label of the y axes.

    Attributes
    ----------
    axes_ : list of matplotlib.axes.Axes
        One axes per parameter, in the order of ``values``.
    scatters_ : list of matplotlib.collections.PathCollection
        The points of each parameter.
    best_markers_ : list of matplotlib.collections.PathCollection or None
        The star of the best row in each panel (``None`` where it does not set
        the parameter, or without ``best_index``).
    colorbar_ : matplotlib.colorbar.Colorbar or None
        The colour scale; ``None`` when a ``c`` or ``color`` passed to
        :meth:`plot` replaces it.
    figure_ : matplotlib.figure.Figure
        Figure containing the plot.

    See Also
    --------
    ParameterImportanceDisplay : Which parameters matter most.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.model_selection import RandomizedSearchCV
    >>> from sklearn.svm import SVC
    >>> from scipy.stats import loguniform
    >>> from skhptune.plot import ParameterScoreDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> search = RandomizedSearchCV(
    ...     SVC(), {"C": loguniform(1e-3, 1e3), "kernel": ["rbf", "linear"]},
    ...     n_iter=8, random_state=0,
    ... ).fit(X, y)
    >>> display = ParameterScoreDisplay.from_estimator(search)
    >>> [ax.get_xscale() for ax in display.axes_]
    ['log', 'linear']
    >>> plt.close("all")
    """

    def __init__(
        self,
        values,
        present,
        score,
        *,
        log_scale=None,
        color=None,
        color_label="evaluation",
        best_index=None,
        score_label="mean test score",
    ):
        self.values = values
        self.present = present
        self.score = score
        self.log_scale = log_scale
        self.color = color
        self.color_label = color_label
        self.best_index = best_index
        self.score_label = score_label

    def plot(self, ax=None, *, n_cols=3, cmap="viridis", **kwargs):
        """Draw one panel per parameter.

        Parameters
        ----------
        ax : matplotlib.axes.Axes or array-like of Axes, default=None
            ``None`` makes a new figure; a single axes is split into one panel
            per parameter; an array gives one axes per parameter.
        n_cols : int, default=3
            Panels per row when the axes are made here.
        cmap : str or Colormap, default="viridis"
            Colour map of the points.
        **kwargs : dict
            Passed to :meth:`matplotlib.axes.Axes.scatter`, in place of the
            display's own settings (``vmin`` and ``vmax`` bound its colour
            scale). A ``c`` or ``color`` replaces the display's colours and its
            colour bar (``cmap`` still maps numbers given as ``c``). An array
            with one value per row (``c``, ``s``) is cut to each panel's rows.

        Returns
        -------
        display : ParameterScoreDisplay
            The display, with its artists stored.
        """
        plt = _pyplot()
        import matplotlib

        _check_count("n_cols", n_cols)
        names = list(self.values)
        if not names:
            raise ValueError("The search has no parameters to plot.")
        self.figure_, self.axes_ = _panel_axes(plt, ax, len(names), n_cols, sharey=True)
        score = np.asarray(self.score, dtype=float)
        color = np.arange(1, len(score) + 1) if self.color is None else np.asarray(self.color)
        low, high = np.nanmin(color), np.nanmax(color)
        # Resources grow geometrically: a log colour scale separates the levels.
        log_color = self.color is not None and low > 0 and high / low >= 10
        # A colour of the user's replaces the colour scale (and its bar); a
        # user's vmin or vmax bounds it (matplotlib takes no norm with them).
        user_colour = _gives_colour(kwargs)
        if not user_colour:
            low, high = kwargs.pop("vmin", low), kwargs.pop("vmax", high)
        norm = (matplotlib.colors.LogNorm if log_color else matplotlib.colors.Normalize)(low, high)
        log_scale = self.log_scale or {}
        rng = np.random.RandomState(0)  # fixed jitter: the same plot every time
        self.scatters_, self.best_markers_ = [], []
        for axis, name in zip(self.axes_, names):
            rows = np.flatnonzero(self.present[name])
            values = self.values[name][rows]
            axis_values = _axis_numbers(values)
            if axis_values is not None:
                x = axis_values
                log = log_scale.get(name)
                if log is None:
                    log = _wants_log_scale(x)
                # A log prior's range next to a 0 of another sub-space: linear,
                # where the 0 can be drawn.
                if log and (x > 0).all():
                    axis.set_xscale("log")
            else:
                # One strip per distinct value (told apart by repr, as everywhere
                # here); the tick only shows a short label.
                keys = [repr(v) for v in values]
                categories = _category_order(keys, values)
                codes = np.array([categories.index(key) for key in keys], dtype=float)
                x = codes + rng.uniform(-0.15, 0.15, size=len(codes))
                ticks = _tick_labels([values[keys.index(key)] for key in categories])
                axis.set_xticks(range(len(categories)))
                axis.set_xticklabels(ticks, rotation=30 if len(categories) > 3 else 0)
                axis.set_xlim(-0.5, len(categories) - 0.5)
            style = {"s": 18, "alpha": 0.8}
            if not user_colour:
                style.update(c=color[rows], cmap=cmap, norm=norm)
            elif not matplotlib.colors.is_color_like(kwargs.get("c", "k")):
                style.update(cmap=cmap)  # the user's numbers, on this colour map
            panel_kwargs = _rows_of(kwargs, rows, len(score))
            self.scatters_.append(axis.scatter(x, score[rows], **{**style, **panel_kwargs}))
            marker = None
            if self.best_index is not None and self.best_index in set(rows):
                where = int(np.flatnonzero(rows == self.best_index)[0])
                marker = axis.scatter(
                    x[where], score[self.best_index], marker="*", s=160, color="tab:red",
                    edgecolor="black", linewidth=0.5, zorder=3, label="best",
                )
            self.best_markers_.append(marker)
            axis.set_xlabel(name)
        for axis in self.axes_:
            if axis.get_subplotspec() is None or axis.get_subplotspec().is_first_col():
                axis.set_ylabel(self.score_label)
        self.colorbar_ = None
        if not user_colour:
            self.colorbar_ = self.figure_.colorbar(
                self.scatters_[0], ax=self.axes_, label=self.color_label
            )
        return self

    @classmethod
    def from_estimator(
        cls, search, *, params=None, metric=None, color_by="auto", ax=None, n_cols=3, **kwargs
    ):
        """Plot score against each parameter of a fitted search.

        Parameters
        ----------
        search : fitted search
            A skhptune search, or any scikit-learn ``*SearchCV``.
        params : str or list of str, default=None
            Parameter(s) to plot, in this order; all those in ``cv_results_`` by
            default.
        metric : str, default=None
            Metric to plot, for multi-metric searches; by default the refit
            metric (the first metric for a skhptune search without one, which it
            optimised).
        color_by : "auto", "evaluation" or str, default="auto"
            What the colour shows: ``"evaluation"`` the evaluation order, or the
            name of a numeric ``cv_results_`` column (e.g. ``"n_resources"``).
            ``"auto"`` uses ``n_resources`` when present (Hyperband and the
            halving searches), else the evaluation order.
        ax : matplotlib.axes.Axes or array-like of Axes, default=None
            See :meth:`plot`.
        n_cols : int, default=3
            Panels per row when the axes are made here.
        **kwargs : dict
            Passed to :meth:`matplotlib.axes.Axes.scatter`.

        Returns
        -------
        display : ParameterScoreDisplay
            The display, plotted (its artists stored).
        """
        metric = _resolve_metric(search, metric)
        results = search.cv_results_
        if params is None:
            names = _param_names(results)
        else:
            names = [params] if isinstance(params, str) else list(params)
        values, present, log_scale = {}, {}, {}
        for name in names:
            if f"param_{name}" not in results:
                raise ValueError(
                    f"Parameter {name!r} is not in cv_results_; choose from {_param_names(results)}."
                )
            values[name], present[name] = _param_column(results, name)
            declared = _declared_log_scale(search, name)
            if declared is not None:
                log_scale[name] = declared
        if color_by == "auto":
            color_by = "n_resources" if "n_resources" in results else "evaluation"
        if color_by == "evaluation":
            color, color_label = None, "evaluation"
        elif color_by in results:
            try:
                color = np.asarray(results[color_by], dtype=float)
            except (TypeError, ValueError):
                raise ValueError(
                    f"color_by={color_by!r} must name a numeric cv_results_ column; "
                    "its values are not numbers."
                ) from None
            color_label = color_by
        else:
            raise ValueError(f'color_by must be "auto", "evaluation" or a cv_results_ column, got {color_by!r}.')
        best_index = getattr(search, "best_index_", None) if _is_default_metric(search, metric) else None
        display = cls(
            values,
            present,
            _test_scores(search, metric),
            log_scale=log_scale,
            color=color,
            color_label=color_label,
            best_index=best_index,
            score_label=_score_label(metric),
        )
        return display.plot(ax=ax, n_cols=n_cols, **kwargs)


def _encode_parameters(search, results, names):
    """One numeric column per parameter, for a tree model: log for log-scaled numbers,
    codes for other values, a value below the range where a row lacks the parameter."""
    columns = []
    for name in names:
        values, present = _param_column(results, name)
        column = np.zeros(len(values))
        axis_values = _axis_numbers(values[present]) if present.any() else None
        if axis_values is not None:
            log = _declared_log_scale(search, name)
            if log is None:
                log = _wants_log_scale(axis_values)
            positive = (axis_values > 0).all()
            column[present] = np.log10(axis_values) if log and positive else axis_values
        else:
            labels = [repr(v) for v in values[present]]
            categories = _category_order(labels, values[present])
            column[present] = [categories.index(label) for label in labels]
        if present.any() and not present.all():
            low, high = column[present].min(), column[present].max()
            column[~present] = low - max(high - low, 1.0)
        columns.append(column)
    return np.column_stack(columns)


def _model_importances(search, metric, n_repeats, random_state):
    from sklearn.ensemble import RandomForestRegressor
    from sklearn.inspection import permutation_importance

    results = search.cv_results_
    names = _param_names(results)
    if not names:
        raise ValueError("The search has no parameters to explain.")
    X = _encode_parameters(search, results, names)
    if "n_resources" in results:
        # Scores at small resources are lower whatever the parameters: give the
        # model the resource, unless a parameter already is the resource.
        if getattr(search, "resource", None) not in names:
            resources = np.asarray(results["n_resources"], dtype=float)
            X, names = np.column_stack([X, resources]), names + ["n_resources"]
    y = _test_scores(search, metric)
    finite = np.isfinite(y)
    if finite.sum() < 3:
        raise ValueError(
            "Estimating parameter importances needs at least 3 evaluations with a "
            f"finite score; the search has {int(finite.sum())}."
        )
    # The forest's squared errors must not overflow; importances are scale-free.
    X, y = X[finite], in_safe_units(y[finite])
    model = RandomForestRegressor(n_estimators=100, min_samples_leaf=2, random_state=random_state)
    model.fit(X, y)
    result = permutation_importance(model, X, y, n_repeats=n_repeats, random_state=random_state)
    importances = np.clip(result.importances_mean, 0, None)
    total = importances.sum()
    if total > 0:
        importances = importances / total
    return dict(zip(names, importances.tolist()))


def _has_subspaces(search):
    """Whether the search's space is a list of more than one dict."""
    space = getattr(search, "param_distributions", None)
    if space is None:
        space = getattr(search, "param_grid", None)
    return isinstance(space, (list, tuple)) and len(space) > 1


class ParameterImportanceDisplay:
    """How much each parameter matters, as a horizontal bar chart.

    For a :class:`~skhptune.BayesSearchCV` the importances come from the fitted
    Gaussian process (its ``parameter_importances_``: inverse lengthscales,
    normalised), unless its space is a list of dicts: that model covers the
    sub-space with the most evaluations only. For any other search a random
    forest is fitted to predict the score from the parameters and its
    permutation importances are shown: the drop in fit when one parameter's
    values are shuffled; for a search over a resource (Hyperband, halving) the
    forest also sees
    ``n_resources``, which gets a bar of its own, since scores at small
    resources are lower whatever the parameters. Both are normalised to sum to
    1, and both describe the evaluated configurations, not the whole space.

    Parameters
    ----------
    importances : dict of str to float
        Importance of each parameter.
    method : str, default=""
        How the importances were computed, for the axis label.

    Attributes
    ----------
    bars_ : matplotlib.container.BarContainer
        The bars, most important at the top.
    ax_ : matplotlib.axes.Axes
        Axes with the plot.
    figure_ : matplotlib.figure.Figure
        Figure containing the plot.

    See Also
    --------
    ParameterScoreDisplay : Score against each parameter.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.model_selection import RandomizedSearchCV
    >>> from sklearn.svm import SVC
    >>> from scipy.stats import loguniform
    >>> from skhptune.plot import ParameterImportanceDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> search = RandomizedSearchCV(
    ...     SVC(), {"C": loguniform(1e-3, 1e3), "gamma": loguniform(1e-4, 1e1)},
    ...     n_iter=12, random_state=0,
    ... ).fit(X, y)
    >>> display = ParameterImportanceDisplay.from_estimator(search, random_state=0)
    >>> len(display.bars_)
    2
    >>> plt.close("all")
    """

    def __init__(self, importances, *, method=""):
        self.importances = importances
        self.method = method

    def plot(self, ax=None, **kwargs):
        """Draw the bar chart.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, default=None
            Axes to draw on; a new figure when ``None``.
        **kwargs : dict
            Passed to :meth:`matplotlib.axes.Axes.barh`.

        Returns
        -------
        display : ParameterImportanceDisplay
            The display, with its artists stored.
        """
        plt = _pyplot()
        ax = _axes_to_draw_on(
            plt, ax, figsize=(6.0, 1.0 + 0.4 * max(len(self.importances), 2))
        )
        ordered = sorted(self.importances.items(), key=lambda item: item[1])
        names = [name for name, _ in ordered]
        self.bars_ = ax.barh(names, [value for _, value in ordered], **kwargs)
        if all(value <= 0 for _, value in ordered):
            # No bar to see (the scores never varied): say so instead.
            ax.text(
                0.5, 0.5, "no parameter explains any change of the score",
                transform=ax.transAxes, ha="center", va="center",
            )
        label = "importance" if not self.method else f"importance ({self.method})"
        ax.set_xlabel(label)
        self.ax_, self.figure_ = ax, ax.figure
        return self

    @classmethod
    def from_estimator(
        cls, search, *, method="auto", metric=None, n_repeats=10, random_state=None, ax=None,
        **kwargs,
    ):
        """Plot the parameter importances of a fitted search.

        Parameters
        ----------
        search : fitted search
            A skhptune search, or any scikit-learn ``*SearchCV``.
        method : {"auto", "search", "permutation"}, default="auto"
            ``"search"`` uses the search's own ``parameter_importances_``
            (:class:`~skhptune.BayesSearchCV`), which explain the metric it
            optimised only; ``"permutation"`` fits a random forest to the evaluated
            configurations; ``"auto"`` uses the first when the search has it for
            the plotted metric and every parameter (not over a list of dicts),
            else the second.
        metric : str, default=None
            Metric to explain, for multi-metric searches; by default the refit
            metric (the first metric for a skhptune search without one, which it
            optimised).
        n_repeats : int, default=10
            Shuffles per parameter for the permutation importances.
        random_state : int, RandomState instance or None, default=None
            Seed of the forest and of the shuffles.
        ax : matplotlib.axes.Axes, default=None
            Axes to draw on; a new figure when ``None``.
        **kwargs : dict
            Passed to :meth:`matplotlib.axes.Axes.barh`.

        Returns
        -------
        display : ParameterImportanceDisplay
            The display, plotted (its artists stored).
        """
        metric = _resolve_metric(search, metric)
        own = getattr(search, "parameter_importances_", None) or None
        _check_count("n_repeats", n_repeats)
        # Checked here, not by the forest, so the message names this method.
        validate_parameter_constraints(
            {"random_state": ["random_state"]}, {"random_state": random_state},
            caller_name="ParameterImportanceDisplay.from_estimator",
        )
        if method not in ("auto", "search", "permutation"):
            raise ValueError(f'method must be "auto", "search" or "permutation", got {method!r}.')
        if method == "search" and own is None:
            raise ValueError(
                f"{type(search).__name__} has no parameter_importances_; use "
                'method="permutation".'
            )
        if method == "search" and not _is_default_metric(search, metric):
            raise ValueError(
                f"parameter_importances_ explain the metric the search optimised, "
                f"{_default_metric(search)!r}, not metric={metric!r}; use "
                'method="permutation".'
            )
        # A list of dicts gets a model per sub-space; the search's importances
        # cover the largest one only, even where the sub-spaces share names.
        covers_all = (
            own is not None
            and not _has_subspaces(search)
            and set(own) == set(_param_names(search.cv_results_))
        )
        if method == "search" or (
            method == "auto" and covers_all and _is_default_metric(search, metric)
        ):
            importances, label = dict(own), "Gaussian process"
        else:
            importances = _model_importances(search, metric, n_repeats, random_state)
            label = "permutation, random forest"
        return cls(importances, method=label).plot(ax=ax, **kwargs)


def _promotion_sources(resources, score, configuration):
    """For each row, the row its line starts from, or -1: the best row of the
    same configuration at the next lower resource it was evaluated at.

    A search that samples with replacement (HalvingRandomSearchCV) may hold
    copies of a configuration at one rung: a row a rung up is linked to the best
    of them, copies never to each other. The row below may carry another
    bracket's label: Hyperband shares a row between brackets that evaluate a
    configuration at the same resource.
    """
    sources = np.full(len(resources), -1)
    # The rows of each configuration, grouped by one sort rather than a scan per
    # configuration (a long search has thousands).
    order = np.argsort(configuration, kind="stable")
    breaks = np.flatnonzero(configuration[order][1:] != configuration[order][:-1]) + 1
    for path in np.split(order, breaks):
        levels = np.unique(resources[path])
        for low, high in zip(levels, levels[1:]):
            below = path[resources[path] == low]
            sources[path[resources[path] == high]] = below[
                np.argmax(np.nan_to_num(score[below], nan=-np.inf))
            ]
    return sources


class HyperbandDisplay:
    """Scores per resource level of a Hyperband search, with promotions.

    Each point is one evaluation: its resource on a log x axis and its score. A
    line links the evaluations of one configuration promoted from rung to rung,
    in the colour of its upper row's bracket; colours tell the brackets apart. The best row (at the largest resource) is marked with a star.

    Parameters
    ----------
    n_resources : ndarray of shape (n_rows,)
        Resource of each evaluation.
    score : ndarray of shape (n_rows,)
        Score of each evaluation.
    bracket : ndarray of shape (n_rows,)
        Bracket of each evaluation.
    configuration : ndarray of shape (n_rows,)
        An id per configuration: rows with the same id are one configuration at
        successive resources, each linked to the best row of that id at the next
        lower resource, whatever its bracket (Hyperband shares a row between
        brackets that evaluate a configuration at the same resource); rows of one
        id at one resource are copies.
    best_index : int, default=None
        Row to mark as the best.
    score_label : str, default="mean test score"
        Label of the y axis.

    Attributes
    ----------
    scatters_ : list of matplotlib.collections.PathCollection
        The points of each bracket, in increasing bracket order.
    promotion_lines_ : list of matplotlib.collections.LineCollection
        The promotion lines of each bracket; one segment per row of the bracket
        whose configuration has a row at a lower resource.
    best_marker_ : matplotlib.collections.PathCollection or None
        The star of the best row.
    ax_ : matplotlib.axes.Axes
        Axes with the plot.
    figure_ : matplotlib.figure.Figure
        Figure containing the plot.

    See Also
    --------
    ConvergenceDisplay : Best score so far.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.svm import SVC
    >>> from skhptune import HyperbandSearchCV
    >>> from skhptune.plot import HyperbandDisplay
    >>> from skhptune.space import Real
    >>> X, y = load_iris(return_X_y=True)
    >>> search = HyperbandSearchCV(
    ...     SVC(), {"C": Real(1e-2, 1e3, prior="log-uniform")},
    ...     min_resource=10, eta=3, random_state=0,
    ... ).fit(X, y)
    >>> display = HyperbandDisplay.from_estimator(search)
    >>> display.ax_.get_xscale()
    'log'
    >>> plt.close("all")
    """

    def __init__(
        self, n_resources, score, bracket, configuration, *, best_index=None,
        score_label="mean test score",
    ):
        self.n_resources = n_resources
        self.score = score
        self.bracket = bracket
        self.configuration = configuration
        self.best_index = best_index
        self.score_label = score_label

    def plot(self, ax=None, *, show_promotions=True, dodge=True, cmap="tab10", **kwargs):
        """Draw the rungs.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, default=None
            Axes to draw on; a new figure when ``None``.
        show_promotions : bool, default=True
            Draw the lines linking a configuration across rungs.
        dodge : bool, default=True
            Shift the brackets slightly apart along x, so that brackets at the same
            resource do not hide one another.
        cmap : str or Colormap, default="tab10"
            Colours of the brackets: the first colours of a qualitative map
            (at most 20 colours, as ``"tab10"``), else colours spread over the
            map short of its ends (``"viridis"``).
        **kwargs : dict
            Passed to :meth:`matplotlib.axes.Axes.scatter`; an array with one
            value per row (``c``, ``s``) is cut to each bracket's rows.

        Returns
        -------
        display : HyperbandDisplay
            The display, with its artists stored.
        """
        plt = _pyplot()
        from matplotlib.collections import LineCollection

        ax = _axes_to_draw_on(plt, ax)
        had_data, earlier_xlim = ax.has_data(), ax.get_xlim()
        resources = np.asarray(self.n_resources, dtype=float)
        score = np.asarray(self.score, dtype=float)
        bracket = np.asarray(self.bracket)
        configuration = np.asarray(self.configuration)
        brackets = np.unique(bracket)
        levels = np.unique(resources[np.isfinite(resources)])
        # Dodge by a fixed fraction of the log range, centred on the true level.
        span = np.log10(levels[-1] / levels[0]) if len(levels) > 1 else 1.0
        step = 0.06 * span / max(len(brackets) - 1, 1) if dodge else 0.0
        position = np.searchsorted(brackets, bracket)
        x = resources * 10 ** (step * (position - (len(brackets) - 1) / 2))
        sources = _promotion_sources(resources, score, configuration)
        self.scatters_, self.promotion_lines_ = [], []
        for b, color in zip(brackets, _distinct_colors(cmap, len(brackets))):
            rows = np.flatnonzero(bracket == b)
            if show_promotions:
                segments = [
                    [(x[sources[row]], score[sources[row]]), (x[row], score[row])]
                    for row in rows if sources[row] >= 0
                ]
                lines = LineCollection(segments, colors=[color], linewidths=0.9, alpha=0.6)
                self.promotion_lines_.append(ax.add_collection(lines))
            style = {"s": 20, "alpha": 0.85, "label": f"bracket {b}"}
            if not _gives_colour(kwargs):
                style.update(color=color)
            bracket_kwargs = _rows_of(kwargs, rows, len(score))
            self.scatters_.append(ax.scatter(x[rows], score[rows], **{**style, **bracket_kwargs}))
        self.best_marker_ = None
        if self.best_index is not None:
            self.best_marker_ = ax.scatter(
                x[self.best_index], score[self.best_index], marker="*", s=220,
                color="gold", edgecolor="black", linewidth=0.6, zorder=3, label="best",
            )
        ax.set_xscale("log")
        # Every level, and the dodged points, in view, with or without a score
        # (and what the axes held before).
        margin = 10 ** (0.08 * span)
        low = min(levels[0], np.nanmin(x)) / margin
        high = max(levels[-1], np.nanmax(x)) * margin
        if had_data:
            earlier_low, earlier_high = earlier_xlim
            low, high = min(low, earlier_low), max(high, earlier_high)
        ax.set_xlim(low, high)
        ax.set_xticks(levels)
        ax.set_xticklabels([f"{level:g}" for level in levels])
        ax.minorticks_off()
        ax.set_xlabel("n_resources")
        ax.set_ylabel(self.score_label)
        ax.legend(loc="lower right", fontsize="small")
        self.ax_, self.figure_ = ax, ax.figure
        return self

    @classmethod
    def from_estimator(cls, search, *, metric=None, ax=None, show_promotions=True, **kwargs):
        """Plot the rungs of a fitted Hyperband search.

        Parameters
        ----------
        search : fitted search
            A search whose ``cv_results_`` has the columns ``bracket``,
            ``n_resources`` and ``params``: :class:`~skhptune.HyperbandSearchCV`.
            scikit-learn's halving searches (one bracket, column ``iter``) work
            too.
        metric : str, default=None
            Metric to plot, for multi-metric searches; by default the refit
            metric (the first metric for a skhptune search without one, which it
            optimised).
        ax : matplotlib.axes.Axes, default=None
            Axes to draw on; a new figure when ``None``.
        show_promotions : bool, default=True
            Draw the lines linking a configuration across rungs.
        **kwargs : dict
            Passed to :meth:`matplotlib.axes.Axes.scatter`.

        Returns
        -------
        display : HyperbandDisplay
            The display, plotted (its artists stored).
        """
        metric = _resolve_metric(search, metric)
        results = search.cv_results_
        if "n_resources" not in results:
            raise ValueError(
                f"{type(search).__name__} has no n_resources column in cv_results_; "
                "HyperbandDisplay needs a Hyperband or successive-halving search."
            )
        resources = np.asarray(results["n_resources"])
        bracket = np.asarray(results["bracket"]) if "bracket" in results else np.zeros(len(resources), int)
        params = list(results["params"])
        # A parameter resource (max_iter, n_estimators, ...) changes between rungs:
        # leave it out when recognising a configuration.
        drop = {getattr(search, "resource", None)}
        if params:
            drop |= {
                name for name in params[0]
                if all(_same_number(p.get(name), r) for p, r in zip(params, resources))
            }
        keys = [_params_key(p, drop) for p in params]
        ids = {key: i for i, key in enumerate(dict.fromkeys(keys))}
        best_index = getattr(search, "best_index_", None) if _is_default_metric(search, metric) else None
        display = cls(
            resources,
            _test_scores(search, metric),
            bracket,
            np.array([ids[key] for key in keys]),
            best_index=best_index,
            score_label=_score_label(metric),
        )
        return display.plot(ax=ax, show_promotions=show_promotions, **kwargs)


class EvolutionDisplay:
    """Best and mean score per generation of a genetic search, and its diversity.

    The best score climbs as the population improves; the gap to the mean and the
    diversity (on a second axis) show how far the population has converged.
    Each new configuration is drawn as a faint point in its generation.

    Parameters
    ----------
    generation : ndarray of shape (n_generations,)
        Generation numbers.
    best_score : ndarray of shape (n_generations,)
        Best score of each generation.
    mean_score : ndarray of shape (n_generations,)
        Mean score of each generation.
    diversity : ndarray of shape (n_generations,), default=None
        Diversity of each generation, drawn on a second y axis when given.
    individual_generation : ndarray of shape (n_rows,), default=None
        Generation of each evaluated configuration.
    individual_score : ndarray of shape (n_rows,), default=None
        Score of each evaluated configuration.
    score_label : str, default="mean test score"
        Label of the y axis.

    Attributes
    ----------
    best_line_ : matplotlib.lines.Line2D
        Best score per generation.
    mean_line_ : matplotlib.lines.Line2D
        Mean score per generation.
    scatter_ : matplotlib.collections.PathCollection or None
        The individual configurations.
    diversity_line_ : matplotlib.lines.Line2D or None
        Diversity per generation.
    diversity_ax_ : matplotlib.axes.Axes or None
        The second y axis of the diversity.
    ax_ : matplotlib.axes.Axes
        Axes with the scores.
    figure_ : matplotlib.figure.Figure
        Figure containing the plot.

    See Also
    --------
    ConvergenceDisplay : Best score so far per evaluation.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.svm import SVC
    >>> from skhptune import GeneticSearchCV
    >>> from skhptune.plot import EvolutionDisplay
    >>> from skhptune.space import Real
    >>> X, y = load_iris(return_X_y=True)
    >>> search = GeneticSearchCV(
    ...     SVC(), {"C": Real(1e-2, 1e2, prior="log-uniform")},
    ...     population_size=6, n_generations=3, cv=3, random_state=0,
    ... ).fit(X, y)
    >>> display = EvolutionDisplay.from_estimator(search)
    >>> len(display.best_line_.get_xdata())
    3
    >>> plt.close("all")
    """

    def __init__(
        self,
        generation,
        best_score,
        mean_score,
        *,
        diversity=None,
        individual_generation=None,
        individual_score=None,
        score_label="mean test score",
    ):
        self.generation = generation
        self.best_score = best_score
        self.mean_score = mean_score
        self.diversity = diversity
        self.individual_generation = individual_generation
        self.individual_score = individual_score
        self.score_label = score_label

    def plot(self, ax=None, *, show_individuals=True, show_diversity=True):
        """Draw the evolution.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, default=None
            Axes to draw on; a new figure when ``None``. The diversity goes on
            its twin y axis.
        show_individuals : bool, default=True
            Draw each evaluated configuration as a point.
        show_diversity : bool, default=True
            Draw the diversity, when known.

        Returns
        -------
        display : EvolutionDisplay
            The display, with its artists stored.
        """
        plt = _pyplot()
        ax = _axes_to_draw_on(plt, ax)
        generation = np.asarray(self.generation)
        self.scatter_ = None
        if show_individuals and self.individual_score is not None:
            self.scatter_ = ax.scatter(
                self.individual_generation, self.individual_score, s=12, alpha=0.3,
                color="grey", label="configurations",
            )
        (self.best_line_,) = ax.plot(generation, self.best_score, marker="o", label="best")
        (self.mean_line_,) = ax.plot(generation, self.mean_score, marker="o", label="mean")
        ax.set_xlabel("generation")
        ax.set_ylabel(self.score_label)
        from matplotlib.ticker import MaxNLocator

        locator = ax.xaxis.get_major_locator()
        if isinstance(locator, MaxNLocator):  # matplotlib's default, not ticks set by hand
            locator.set_params(integer=True)
        handles = [self.best_line_, self.mean_line_]
        if self.scatter_ is not None:
            handles.append(self.scatter_)
        self.diversity_ax_ = self.diversity_line_ = None
        if show_diversity and self.diversity is not None:
            self.diversity_ax_ = ax.twinx()
            (self.diversity_line_,) = self.diversity_ax_.plot(
                generation, self.diversity, linestyle="--", color="tab:green", label="diversity"
            )
            self.diversity_ax_.set_ylabel("diversity")
            self.diversity_ax_.set_ylim(0, 1.05)
            handles.append(self.diversity_line_)
        ax.legend(handles=handles, loc="best", fontsize="small")
        self.ax_, self.figure_ = ax, ax.figure
        return self

    @classmethod
    def from_estimator(
        cls, search, *, metric=None, ax=None, show_individuals=True, show_diversity=True
    ):
        """Plot the evolution of a fitted genetic search.

        Parameters
        ----------
        search : fitted search
            A search whose ``cv_results_`` has a ``generation`` column:
            :class:`~skhptune.GeneticSearchCV`. Its ``generation_stats_`` gives
            the population's best, mean and diversity; without it, each
            generation shows the best score so far and the mean of its new
            configurations.
        metric : str, default=None
            Metric to plot, for multi-metric searches; by default the refit
            metric (the first metric for a skhptune search without one, which it
            optimised).
        ax : matplotlib.axes.Axes, default=None
            Axes to draw on; a new figure when ``None``.
        show_individuals : bool, default=True
            Draw each evaluated configuration as a point.
        show_diversity : bool, default=True
            Draw the diversity, when known.

        Returns
        -------
        display : EvolutionDisplay
            The display, plotted (its artists stored).
        """
        metric = _resolve_metric(search, metric)
        results = search.cv_results_
        if "generation" not in results:
            raise ValueError(
                f"{type(search).__name__} has no generation column in cv_results_; "
                "EvolutionDisplay needs a genetic search."
            )
        individual_generation = np.asarray(results["generation"])
        scores = _test_scores(search, metric)
        stats = getattr(search, "generation_stats_", None)
        if stats is not None and _is_default_metric(search, metric):
            generation = np.asarray(stats["generation"])
            best, mean = np.asarray(stats["best_score"]), np.asarray(stats["mean_score"])
            diversity = stats.get("diversity")
        else:
            generation = np.unique(individual_generation)
            best = _best_so_far([_nanmax(scores[individual_generation == g]) for g in generation])
            mean = np.array([_nanmean(scores[individual_generation == g]) for g in generation])
            diversity = None
            if stats is not None and stats.get("diversity") is not None:
                # The population's diversity is the same whatever the metric.
                by_generation = dict(zip(stats["generation"], stats["diversity"]))
                if all(g in by_generation for g in generation):
                    diversity = [by_generation[g] for g in generation]
        display = cls(
            generation,
            best,
            mean,
            diversity=diversity,
            individual_generation=individual_generation,
            individual_score=scores,
            score_label=_score_label(metric),
        )
        return display.plot(
            ax=ax, show_individuals=show_individuals, show_diversity=show_diversity
        )


def _nanmean(values):
    finite = values[np.isfinite(values)]
    return finite.mean() if len(finite) else np.nan


def _nanmax(values):
    finite = values[np.isfinite(values)]
    return finite.max() if len(finite) else np.nan
