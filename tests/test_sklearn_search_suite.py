"""scikit-learn's own search tests, with its searches replaced by ours.

The installed scikit-learn ships ``model_selection/tests/test_search.py``; every
test in it that uses ``RandomizedSearchCV`` must pass with ``BayesSearchCV`` in its
place: that is what drop-in means. Its ``GridSearchCV`` tests must pass with each of
our searches in its place, but for the few that check what a GridSearchCV is or
that expect a value listed twice to be fitted twice (listed below, each with its
reason). The file is rewritten into a temporary directory at test time and run
in a subprocess.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sklearn

SKLEARN_TESTS = Path(sklearn.__file__).parent / "model_selection" / "tests" / "test_search.py"
SEARCHES = ["BayesSearchCV", "GeneticSearchCV", "HyperbandSearchCV"]

# GridSearchCV tests that check what a GridSearchCV is rather than what it does,
# so no other search can pass them as written.
NOT_GRID_BEHAVIOUR = {
    # Expects ParameterSampler's message to recommend the substituted class.
    "test_parameters_sampler_replacement": SEARCHES,
    # Compares every fitted attribute with a bare BaseSearchCV's (history_ is extra).
    "test_custom_run_search": SEARCHES,
    # List a value more than once ([2, 2, 2]) and expect a row, or a count of
    # fits, per listing: here a configuration is evaluated once (DESIGN.md).
    "test_grid_search_classifier_all_fits_fail": SEARCHES,
    "test_callable_multimetric_clf_all_fits_fail": SEARCHES,
    "test_grid_search_cv_splits_consistency": SEARCHES,
    # Lists the exact cv_results_ keys (generation; bracket, iter, n_resources).
    "test_grid_search_cv_results": ["GeneticSearchCV", "HyperbandSearchCV"],
    # Hyperband fits lower rungs on subsamples, so rows differ from full-data
    # fits, and without random_state two runs sample different configurations.
    "test_grid_search_with_multioutput_data": ["HyperbandSearchCV"],
    "test_grid_search_cv_results_multimetric": ["HyperbandSearchCV"],
}

pytestmark = pytest.mark.skipif(
    not SKLEARN_TESTS.exists(), reason="scikit-learn installed without tests"
)


def _run_rewritten(tmp_path, source, name, deselect=()):
    """Run a rewritten copy of scikit-learn's test_search.py; fail on any failure."""
    test_file = tmp_path / f"{name}.py"
    test_file.write_text(source)
    # The fixtures scikit-learn's tests expect (e.g. metadata-routing switches).
    (tmp_path / "conftest.py").write_text("from sklearn.conftest import *  # noqa: F403\n")
    # The whole file runs: tests parametrized over the search classes use the
    # substituted class without naming it in their id.
    command = [sys.executable, "-m", "pytest", str(test_file), "-q", "-p", "no:cacheprovider",
               "-W", "ignore::DeprecationWarning"]
    for test in deselect:
        command += ["--deselect", f"{test_file.name}::{test}"]
    # Its array API tests run where array_api_strict is installed; scipy reads
    # this switch when first imported.
    env = {**os.environ, "SCIPY_ARRAY_API": "1"}
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, env=env)
    summary = result.stdout.strip().splitlines()[-1] if result.stdout else ""
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    assert " passed" in summary


def test_sklearn_search_tests_pass_with_bayes_search_cv(tmp_path):
    source = SKLEARN_TESTS.read_text()
    source = re.sub(r"^(\s*)RandomizedSearchCV,\n", "", source, count=1, flags=re.MULTILINE)
    source = "from skhptune import BayesSearchCV\n" + source.replace(
        "RandomizedSearchCV", "BayesSearchCV"
    )
    assert source.count("BayesSearchCV") > 10
    _run_rewritten(tmp_path, source, "test_search_bayes")


@pytest.mark.parametrize("name", SEARCHES)
def test_sklearn_grid_search_tests_pass_with_each_search(tmp_path, name):
    source = SKLEARN_TESTS.read_text()
    source = re.sub(r"^(\s*)GridSearchCV,\n", "", source, count=1, flags=re.MULTILINE)
    source = f"from skhptune import {name}\n" + re.sub(r"\bGridSearchCV\b", name, source)
    assert source.count(name) > 10
    deselect = [test for test, searches in NOT_GRID_BEHAVIOUR.items() if name in searches]
    _run_rewritten(tmp_path, source, f"test_search_grid_{name}", deselect)
