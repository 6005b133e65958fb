"""The scorers a search runs: the user's, told apart from what fills in for them.

``BaseSearchCV`` scores the estimator it fitted. While a search shares work
between fits, that is a :class:`~skhptune._warm_start.WarmStartEstimator`
standing in for the estimator; a scorer that takes ``type(estimator)``, clones
or keeps the model must see the estimator itself, as in any other search.

When scoring raises, scikit-learn puts a numeric ``error_score`` in place of the
score and leaves no other trace in the results, so a score equal to
``error_score`` would have to be taken for a failure, even where it is real (0
is perfect under a ``neg_`` metric). The scorers here mark a real
score equal to ``error_score`` as a :class:`RealScore`, so that only the ones
scikit-learn substituted count as failures.
"""

import contextlib
import inspect
import numbers

from sklearn.metrics._scorer import _BaseScorer, _MultimetricScorer

from ._warm_start import unwrapped


class RealScore(float):
    """A score a scorer returned that equals the search's ``error_score``."""


def _marked(score, error_score):
    """``score`` (or each value of a dict of them), as a :class:`RealScore` if it
    equals a numeric ``error_score``."""
    if isinstance(score, dict):
        return {name: _marked(value, error_score) for name, value in score.items()}
    value = score
    if hasattr(value, "item"):  # numpy scalars and arrays of one, as scikit-learn reads them
        with contextlib.suppress(ValueError):
            value = value.item()
    if isinstance(value, numbers.Real) and isinstance(error_score, numbers.Real) and value == error_score:
        try:
            return RealScore(value)
        except OverflowError:  # an int beyond float range stays as it is
            return score
    return score


class SearchScorer:
    """A scorer as a search runs it (see the module's docstring).

    Everything but the call reaches ``scorer`` unchanged (metadata routing,
    ``repr``, its signature).

    Parameters
    ----------
    scorer : callable
        A scorer ``scorer(estimator, X, y, **kwargs)``.
    error_score : "raise" or numeric
        The search's ``error_score``.
    """

    def __init__(self, scorer, error_score):
        self.scorer = scorer
        self.error_score = error_score

    def __call__(self, estimator, *args, **kwargs):
        return _marked(self.scorer(unwrapped(estimator), *args, **kwargs), self.error_score)

    def __getattr__(self, name):
        # Only reached for names not defined here. Python's own protocols
        # (__getstate__ for pickling) stay this object's, and while unpickling
        # nothing is set yet and nothing may be forwarded.
        scorer = self.__dict__.get("scorer")
        if scorer is None or (name.startswith("__") and name.endswith("__")):
            raise AttributeError(name)
        return getattr(scorer, name)

    @property
    def __signature__(self):
        # scikit-learn reads a function scorer's parameters (sample_weight).
        return inspect.signature(self.scorer)

    def __repr__(self):
        return repr(self.scorer)


class _MultimetricSearchScorer(_MultimetricScorer):
    """:class:`SearchScorer` for scikit-learn's multi-metric scorer, which stays
    one (predictions computed once for all metrics, a score per metric for a
    failed fit)."""

    def __init__(self, *, scorers, raise_exc, error_score):
        super().__init__(scorers=scorers, raise_exc=raise_exc)
        self.error_score = error_score

    def __call__(self, estimator, *args, **kwargs):
        # A scorer that raised leaves its message (a str, left unmarked), which
        # scikit-learn replaces with error_score.
        return _marked(super().__call__(unwrapped(estimator), *args, **kwargs), self.error_score)


class _BaseSearchScorer(SearchScorer, _BaseScorer):
    """:class:`SearchScorer` of a scikit-learn scorer in a dict of them, which
    scikit-learn < 1.6 keeps until it scores: it then calls ``_score`` with the
    predictions it shares among the metrics."""

    def _score(self, method_caller, estimator, *args, **kwargs):
        score = self.scorer._score(method_caller, unwrapped(estimator), *args, **kwargs)
        return _marked(score, self.error_score)

    # _BaseScorer defines these, so they would not reach the scorer by __getattr__.
    def get_metadata_routing(self):
        return self.scorer.get_metadata_routing()

    def set_score_request(self, **kwargs):
        self.scorer.set_score_request(**kwargs)
        return self


# Metadata routing's messages name the scorer's class: scikit-learn's name, as
# with any other search (pickles use the qualified name, left as it is).
_MultimetricSearchScorer.__name__ = _MultimetricScorer.__name__


def search_scorers(scorers, error_score):
    """``scorers`` as ``BaseSearchCV._get_scorers`` returns them (a callable, a
    dict of them or a ``_MultimetricScorer``), each as a search runs it."""
    if isinstance(scorers, _MultimetricScorer):
        return _MultimetricSearchScorer(
            scorers=scorers._scorers, raise_exc=scorers._raise_exc, error_score=error_score
        )
    if isinstance(scorers, dict):
        return {
            name: (_BaseSearchScorer if isinstance(s, _BaseScorer) else SearchScorer)(s, error_score)
            for name, s in scorers.items()
        }
    return SearchScorer(scorers, error_score)


def scorers_as_given(scorers):
    """The scorers that :func:`search_scorers` adapted (a search's ``scorer_``:
    one scorer or a dict of them)."""
    if isinstance(scorers, dict):
        return {name: scorers_as_given(s) for name, s in scorers.items()}
    return scorers.scorer if isinstance(scorers, SearchScorer) else scorers
