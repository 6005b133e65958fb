"""scikit-learn's own search tests, with ``RandomizedSearchCV`` replaced by ours.

The installed scikit-learn ships ``model_selection/tests/test_search.py``; every
test in it that uses ``RandomizedSearchCV`` must pass with ``BayesSearchCV`` in its
place: that is what drop-in means. The file is rewritten into a temporary
directory at test time and run in a subprocess.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import sklearn

SKLEARN_TESTS = Path(sklearn.__file__).parent / "model_selection" / "tests" / "test_search.py"


@pytest.mark.skipif(not SKLEARN_TESTS.exists(), reason="scikit-learn installed without tests")
def test_sklearn_search_tests_pass_with_bayes_search_cv(tmp_path):
    source = SKLEARN_TESTS.read_text()
    source = re.sub(r"^(\s*)RandomizedSearchCV,\n", "", source, count=1, flags=re.MULTILINE)
    source = "from skhptune import BayesSearchCV\n" + source.replace(
        "RandomizedSearchCV", "BayesSearchCV"
    )
    assert source.count("BayesSearchCV") > 10
    test_file = tmp_path / "test_search_bayes.py"
    test_file.write_text(source)
    # The fixtures scikit-learn's tests expect (e.g. metadata-routing switches).
    (tmp_path / "conftest.py").write_text("from sklearn.conftest import *  # noqa: F403\n")
    # The whole file runs: tests parametrized over the search classes use
    # RandomizedSearchCV without naming it in their id.
    result = subprocess.run(
        [sys.executable, "-m", "pytest", str(test_file), "-q", "-x", "-p", "no:cacheprovider",
         "-W", "ignore::DeprecationWarning"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    summary = result.stdout.strip().splitlines()[-1] if result.stdout else ""
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    assert " passed" in summary
