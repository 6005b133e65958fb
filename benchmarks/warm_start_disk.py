"""Peak disk use of HyperbandSearchCV's warm-start model store.

A deep forest on 12,000 samples, searched over ``max_depth`` with
``resource="n_estimators"`` up to 81 trees, cv=3, n_jobs=1, with the brackets side by
side (``max_time=None``) and one after another (a finite ``max_time``). A thread polls
the temporary directory the search alone writes to (a fresh one, set as
``tempfile.tempdir``) every 20 ms and records its largest size (so a peak may be missed
by a file or two); the size of ``best_estimator_`` is given for scale.

Run: ``benchmarks/.venv/bin/python benchmarks/warm_start_disk.py`` (about 2 minutes).
"""

import os
import pickle
import sys
import tempfile
import threading
import time

from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier

from skhptune import HyperbandSearchCV
from skhptune.space import Integer


def directory_size(path):
    total = files = 0
    for root, _, names in os.walk(path):
        for name in names:
            try:
                total += os.path.getsize(os.path.join(root, name))
                files += 1
            except OSError:  # removed while walking
                pass
    return total, files


def peak_store_size(max_time):
    X, y = make_classification(n_samples=12_000, n_features=20, flip_y=0.1, random_state=0)
    search = HyperbandSearchCV(
        RandomForestClassifier(max_features=2, random_state=0),
        {"max_depth": Integer(10, 40)},
        resource="n_estimators", max_resource=81, cv=3, random_state=0, max_time=max_time,
    )
    peak, done = [0, 0], threading.Event()

    def poll():
        while not done.is_set():
            peak[:] = max(peak, list(directory_size(tempfile.gettempdir())))
            time.sleep(0.02)

    poller = threading.Thread(target=poll)
    poller.start()
    try:
        search.fit(X, y)
    finally:
        done.set()
        poller.join()
    return search, peak


def main():
    for max_time in (None, 1e6):
        with tempfile.TemporaryDirectory() as directory:
            tempfile.tempdir = directory
            try:
                search, (size, files) = peak_store_size(max_time)
            finally:
                tempfile.tempdir = None
        best = len(pickle.dumps(search.best_estimator_))
        print(
            f"max_time={max_time}: {len(search.cv_results_['params'])} rows, peak store "
            f"{size / 1e6:.1f} MB in {files} files, best_estimator_ {best / 1e6:.1f} MB",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
