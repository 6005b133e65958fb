"""The README's main job, ``python -m skhptune.demo``, runs and prints its table."""

import re
import subprocess
import sys

from skhptune import demo


def test_demo_prints_one_row_per_search_with_scores_and_budgets():
    result = subprocess.run(
        [sys.executable, "-m", "skhptune.demo"], capture_output=True, text=True, check=True
    )
    # name, evaluations, best CV accuracy, test accuracy, seconds
    row = re.compile(r"^(.+?)\s+(\d+)\s+(0\.\d{4}|1\.0000)\s+(0\.\d{4}|1\.0000)\s+(\d+\.\d)$")
    rows = {m[1]: m.groups()[1:] for m in map(row.match, result.stdout.splitlines()) if m}
    assert list(rows) == [
        "RandomizedSearchCV (sklearn)", "BayesSearchCV", "GeneticSearchCV", "HyperbandSearchCV"
    ]
    for name in ["RandomizedSearchCV (sklearn)", "BayesSearchCV", "GeneticSearchCV"]:
        assert int(rows[name][0]) == demo.N_EVALUATIONS
    # Digits is easy: every search must find a configuration far above chance.
    assert all(float(cv) > 0.9 and float(test) > 0.9 for _, cv, test, _ in rows.values())
    assert "warning" not in result.stderr.lower()
