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
    reason = _expected_failed_checks(estimator).get(check.func.__name__)
    if _kwargs or reason is None:
        check(estimator)
        return
    # scikit-learn < 1.6 cannot mark expected failures itself: run the check and
    # mark it here only if it fails, as newer versions do.
    try:
        check(estimator)
    except Exception:
        pytest.xfail(reason)


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


@pytest.mark.parametrize("Search", [BayesSearchCV, GeneticSearchCV, HyperbandSearchCV])
def test_html_repr_links_to_the_api_page_sphinx_builds(Search):
    # In a notebook the "?" link and parameter tooltips lead to the class's page,
    # which docs/api.rst has autosummary write to generated/skhptune.<Name>.html.
    from pathlib import Path

    from sklearn.utils import estimator_html_repr

    from sklearn.model_selection import RandomizedSearchCV

    api = (Path(__file__).parents[1] / "docs" / "api.rst").read_text()
    assert ":toctree: generated/" in api and f"   {Search.__name__}\n" in api
    html = estimator_html_repr(Search(LogisticRegression(), {"C": Real(0.1, 1.0)}))
    theirs = estimator_html_repr(RandomizedSearchCV(LogisticRegression(), {"C": [0.1, 1.0]}))
    # Whatever the installed scikit-learn shows for its own search, ours shows too.
    if "generated/sklearn.model_selection.RandomizedSearchCV.html" in theirs:
        assert f"/generated/skhptune.{Search.__name__}.html" in html
    if "param-doc-description" in theirs:  # tooltips, scikit-learn >= 1.7
        assert html.count("param-doc-description") > theirs.count("param-doc-description")


@pytest.mark.parametrize("Search", [BayesSearchCV, GeneticSearchCV, HyperbandSearchCV])
def test_every_fitted_attribute_has_its_own_docstring_entry(Search):
    # scikit-learn's HTML repr looks each fitted attribute up by its name alone:
    # an entry naming two ("a_, b_ : int") gives neither a description.
    import re

    from sklearn.datasets import load_iris

    # inspect.getdoc: Python 3.13 strips the docstring's indentation, earlier ones do not.
    doc = inspect.getdoc(Search)
    section = doc.split("Attributes\n----------\n", 1)[1].split("\nSee Also", 1)[0]
    documented = set(re.findall(r"^(\w+) : ", section, flags=re.MULTILINE))
    search = Search(LogisticRegression(), {"C": Real(0.1, 1.0)}, cv=2, random_state=0)
    budgets = {BayesSearchCV: {"n_iter": 2}, GeneticSearchCV: {"population_size": 2, "n_generations": 1}}
    search.set_params(**budgets.get(Search, {}))
    fitted = {name for name in vars(search.fit(*load_iris(return_X_y=True))) if name.endswith("_")}
    assert fitted and not {name for name in fitted if not name.startswith("_")} - documented
