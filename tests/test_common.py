"""scikit-learn's estimator checks on every public search class.

Expected failures are the ones scikit-learn itself lists for ``RandomizedSearchCV``
(the searches delegate to their inner estimator, so they inherit them), plus those
named below with the reason.
"""

import inspect

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.utils.estimator_checks import parametrize_with_checks

from skhptune import BayesSearchCV, GeneticSearchCV, HyperbandSearchCV
from skhptune.space import Real

COMMON_EXPECTED_FAILURES = {
    "check_supervised_y_2d": "DataConversionWarning of the inner estimator not caught",
    "check_requires_y_none": "Inner estimator's error does not fail gracefully",
}
HYPERBAND_EXPECTED_FAILURES = {
    "check_fit2d_1sample": "n_samples resource needs more than one sample",
    "check_sample_weight_equivalence_on_dense_data": (
        "Subsampled rungs differ between weighted and repeated samples"
    ),
    "check_sample_weight_equivalence_on_sparse_data": (
        "Subsampled rungs differ between weighted and repeated samples"
    ),
}


def _searches():
    for Search, params in [
        (BayesSearchCV, {"n_iter": 3}),
        (GeneticSearchCV, {"population_size": 2, "n_generations": 1}),
        (HyperbandSearchCV, {}),
    ]:
        for estimator, space in [
            (Ridge(), {"alpha": Real(0.1, 1.0)}),
            (LogisticRegression(), {"C": Real(0.1, 1.0)}),
        ]:
            yield Search(estimator, space, cv=2, error_score="raise", random_state=0, **params)


def _expected_failed_checks(search):
    failures = dict(COMMON_EXPECTED_FAILURES)
    if isinstance(search, HyperbandSearchCV):
        failures.update(HYPERBAND_EXPECTED_FAILURES)
    return failures


_kwargs = {}
if "expected_failed_checks" in inspect.signature(parametrize_with_checks).parameters:
    _kwargs["expected_failed_checks"] = _expected_failed_checks


@parametrize_with_checks(list(_searches()), **_kwargs)
def test_sklearn_compatible_estimator(estimator, check):
    if not _kwargs and check.func.__name__ in _expected_failed_checks(estimator):
        pytest.xfail(_expected_failed_checks(estimator)[check.func.__name__])
    check(estimator)


@pytest.mark.parametrize("Search", [BayesSearchCV, GeneticSearchCV, HyperbandSearchCV])
def test_first_arguments_match_randomized_search_cv(Search):
    parameters = list(inspect.signature(Search).parameters)
    assert parameters[:2] == ["estimator", "param_distributions"]
    shared = [
        "scoring",
        "n_jobs",
        "refit",
        "cv",
        "verbose",
        "pre_dispatch",
        "random_state",
        "error_score",
        "return_train_score",
        "max_time",
    ]
    assert set(shared) <= set(parameters)
    assert inspect.signature(Search).parameters["error_score"].default is np.nan
    assert inspect.signature(Search).parameters["return_train_score"].default is False
