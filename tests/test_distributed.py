"""Every search on a real dask cluster through joblib, reproducibly and without copies.

These tests need the ``dask`` extra (``pip install -e ".[dask,test]"``); without
``distributed`` the module is skipped. They start a real ``distributed.LocalCluster``
with two worker *processes* on the loopback interface (no mock), check that each
search gives the same ``cv_results_`` there as with the default loky backend and
with ``n_jobs=1``, that a worker killed mid-search loses nothing silently, and that
a search on a few hundred MB does not copy ``X`` once per task.
"""

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
import warnings
from concurrent.futures import CancelledError
from pathlib import Path

import numpy as np
import pytest

distributed = pytest.importorskip("distributed")

import cloudpickle  # noqa: E402  (a dependency of distributed)
import dask  # noqa: E402
import joblib  # noqa: E402
from sklearn.datasets import load_iris  # noqa: E402
from sklearn.svm import SVC  # noqa: E402

import skhptune  # noqa: E402
from skhptune import BayesSearchCV, GeneticSearchCV  # noqa: E402
from skhptune.space import Real  # noqa: E402

try:
    from skhptune import HyperbandSearchCV
except ImportError:  # not exported yet
    HyperbandSearchCV = None

from joblib.externals.loky.process_executor import TerminatedWorkerError  # noqa: E402

try:  # joblib < 1.5 ships its own copy of cloudpickle for loky
    from joblib.externals import cloudpickle as joblib_cloudpickle
except ImportError:
    joblib_cloudpickle = cloudpickle

# Workers need not import anything from the tests directory: the estimators defined
# here travel by value (distributed pickles with cloudpickle, loky with joblib's).
for _pickler in {cloudpickle, joblib_cloudpickle}:
    _pickler.register_pickle_by_value(sys.modules[__name__])

N_SPLITS = 3
SPACE = {
    "C": Real(1e-2, 1e3, prior="log-uniform"),
    "gamma": Real(1e-4, 1e1, prior="log-uniform"),
}


def _make_search(name, estimator, **kwargs):
    """A small search of ``name`` with a fixed seed; budgets of a few seconds."""
    common = dict(cv=N_SPLITS, random_state=0, **kwargs)
    if name == "bayes":
        # Two model-based batches after the initial design.
        return BayesSearchCV(estimator, SPACE, n_iter=12, n_initial_points=6, **common)
    if name == "genetic":
        return GeneticSearchCV(estimator, SPACE, population_size=6, n_generations=3, **common)
    if HyperbandSearchCV is None:
        pytest.skip("HyperbandSearchCV is not exported by skhptune yet")
    # Training folds of iris hold 100 samples: 22 rows, at 11, 33 and 100 samples.
    return HyperbandSearchCV(
        estimator, SPACE, resource="n_samples", min_resource=11, eta=3, **common
    )


SEARCHES = ["bayes", "genetic", "hyperband"]


def _assert_same_results(results, expected, label):
    """Every column of ``cv_results_`` except timings is identical."""
    assert sorted(results) == sorted(expected), label
    assert results["params"] == expected["params"], label
    for key in expected:
        if key == "params" or key.endswith("_time"):
            continue
        got, want = results[key], expected[key]
        mask = np.ma.getmaskarray(want)
        np.testing.assert_array_equal(np.ma.getmaskarray(got), mask, err_msg=f"{label}: {key}")
        got, want = np.ma.getdata(got)[~mask], np.ma.getdata(want)[~mask]
        if want.dtype.kind == "f":
            np.testing.assert_array_equal(got, want, err_msg=f"{label}: {key}")
        else:
            assert list(got) == list(want), f"{label}: {key}"


@pytest.fixture(scope="module")
def client():
    """A real cluster: two single-threaded worker processes on 127.0.0.1."""
    # LocalCluster closes a worker's nanny for good when that worker is still
    # missing this long after *a* loss of a worker of the same name; the fault
    # tests kill workers in quick succession on a busy machine.
    with dask.config.set({"distributed.deploy.lost-worker-timeout": "1h"}):
        with warnings.catch_warnings():
            # The scheduler's HTTP endpoint (on 127.0.0.1) moves off a port in use.
            warnings.filterwarnings("ignore", message="Port .* is already in use")
            cluster = distributed.LocalCluster(
                n_workers=2,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
            )
        try:
            client = distributed.Client(cluster)
            try:
                client.wait_for_workers(2, timeout=60)
                yield client
            finally:
                client.close()
        finally:
            cluster.close()


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True)


@pytest.mark.parametrize("name", SEARCHES)
def test_same_results_with_dask_loky_and_sequential(name, client, iris):
    X, y = iris
    sequential = _make_search(name, SVC(), n_jobs=1).fit(X, y)
    loky = _make_search(name, SVC(), n_jobs=2).fit(X, y)
    threading_search = _make_search(name, SVC(), n_jobs=2)
    with joblib.parallel_backend("threading"):
        threading_search.fit(X, y)
    dask_search = _make_search(name, SVC(), n_jobs=-1)
    with distributed.get_task_stream(client) as stream:
        with joblib.parallel_backend("dask"):
            dask_search.fit(X, y)
    # The fits really ran on the cluster's worker processes.
    assert stream.data, "no task ran on the dask cluster"
    workers = set(client.scheduler_info()["workers"])
    assert {task["worker"] for task in stream.data} <= workers

    n_rows = len(sequential.cv_results_["params"])
    assert n_rows >= 6
    assert not np.isnan(sequential.cv_results_["mean_test_score"]).any()
    for search, label in [
        (loky, "loky n_jobs=2"),
        (threading_search, "threading n_jobs=2"),
        (dask_search, "dask"),
    ]:
        _assert_same_results(search.cv_results_, sequential.cv_results_, label)
        assert search.best_params_ == sequential.best_params_, label
        assert search.best_score_ == sequential.best_score_, label
        assert search.best_index_ == sequential.best_index_, label


class SlowSVC(SVC):
    """An SVC whose fit takes long enough for a worker to die in the middle."""

    def fit(self, X, y, sample_weight=None):
        time.sleep(0.2)
        return super().fit(X, y, sample_weight=sample_weight)


def _kill_a_worker(client, killed, stop, holding_data=False, timeout=30):
    """SIGKILL a worker process mid-search.

    Waits until tasks run and a few fits are done, then kills a busy worker, or
    with ``holding_data`` one that holds an array scattered by joblib.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not stop.is_set():
        if any(client.processing().values()):
            break
        time.sleep(0.02)
    else:
        return
    time.sleep(0.5)
    while time.monotonic() < deadline and not stop.is_set():
        candidates = [worker for worker, tasks in client.processing().items() if tasks]
        if holding_data:
            holders = {
                worker
                for key, workers in client.who_has().items()
                if str(key).startswith("ndarray-")
                for worker in workers
            }
            candidates = [worker for worker in candidates if worker in holders] or sorted(
                holders
            )
        if candidates:
            worker = candidates[0]
            pid = client.run(os.getpid, workers=[worker])[worker]
            os.kill(pid, signal.SIGKILL)
            killed.update(worker=worker, pid=pid)
            return
        time.sleep(0.02)


def _fit_while_killing(client, search, X, y, scatter, holding_data):
    killed, stop = {}, threading.Event()
    killer = threading.Thread(
        target=_kill_a_worker, args=(client, killed, stop, holding_data)
    )
    killer.start()
    try:
        with joblib.parallel_backend("dask", **scatter):
            search.fit(X, y)
    finally:
        stop.set()
        killer.join()
        # The nanny restarts the killed worker; later tests get two workers again.
        client.wait_for_workers(2, timeout=60)
        assert killed.get("pid"), "the search finished before a worker could be killed"


@pytest.fixture
def replicas_kept(client):
    """Stop dask's active memory manager, which drops replicas no task waits for."""
    running = client.amm.running()
    client.amm.stop()
    try:
        yield client
    finally:
        if running:
            client.amm.start()


@pytest.mark.parametrize("name", SEARCHES)
def test_killed_worker_with_broadcast_data_loses_nothing(name, replicas_kept, iris):
    """With the data kept on every worker, losing one worker costs only time.

    The scheduler reruns the lost fits on the surviving (or restarted) worker:
    every row is there, with the scores an undisturbed search gets.
    """
    client = replicas_kept
    X, y = iris
    expected = _make_search(name, SVC(), n_jobs=1).fit(X, y).cv_results_
    search = _make_search(name, SlowSVC(), n_jobs=-1)
    _fit_while_killing(client, search, X, y, {"scatter": [X, y]}, holding_data=False)
    assert len(search.cv_results_["params"]) == len(expected["params"])
    assert not np.isnan(search.cv_results_["mean_test_score"]).any()
    _assert_same_results(search.cv_results_, expected, f"{name} after killing a worker")


def test_killed_worker_holding_the_only_copy_raises(client, iris):
    """Without ``scatter``, joblib sends X to one worker per batch; killing that one
    loses the data for good. The search then raises (dask cancels the tasks that
    needed it) rather than leaving rows out: or, if dask kept a replica, completes.
    """
    X, y = iris
    expected = _make_search("bayes", SVC(), n_jobs=1).fit(X, y).cv_results_
    search = _make_search("bayes", SlowSVC(), n_jobs=-1)
    try:
        _fit_while_killing(client, search, X, y, {}, holding_data=True)
    except (CancelledError, distributed.KilledWorker) as error:
        print(f"killing the data holder: fit raised {type(error).__name__}: {error}")
        assert not hasattr(search, "cv_results_")
    else:
        print("killing the data holder: the search completed")
        assert not np.isnan(search.cv_results_["mean_test_score"]).any()
        _assert_same_results(search.cv_results_, expected, "bayes after killing a worker")


class CrashingSVC(SVC):
    """An SVC whose fit kills the process it runs in, unless that is ``parent_pid``."""

    def __init__(self, C=1.0, gamma="scale", parent_pid=None):
        super().__init__(C=C, gamma=gamma)
        self.parent_pid = parent_pid

    def fit(self, X, y, sample_weight=None):
        if self.parent_pid is not None and os.getpid() != self.parent_pid:
            os.kill(os.getpid(), signal.SIGKILL)
        return super().fit(X, y, sample_weight=sample_weight)


def test_loky_worker_crash_raises(iris):
    """A worker lost under loky is an error of the whole fit, not a NaN score."""
    X, y = iris
    search = _make_search("bayes", CrashingSVC(parent_pid=os.getpid()), n_jobs=2)
    with pytest.raises(TerminatedWorkerError):
        search.fit(X, y)
    assert not hasattr(search, "cv_results_")


# Large data: measured in a fresh interpreter, since ru_maxrss is the peak over a
# process's whole life (pytest's own process may already have peaked higher).
_LARGE_DATA_SCRIPT = textwrap.dedent(
    """
    import json, resource, sys
    import joblib
    import numpy as np
    from sklearn.neighbors import NearestCentroid
    from skhptune import BayesSearchCV, HyperbandSearchCV
    from skhptune.space import Real

    def peak_bytes():
        # ru_maxrss is in KiB on Linux
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    backend, search_name = sys.argv[1:]
    rng = np.random.default_rng(0)
    X = rng.standard_normal(size=(125_000, 250))  # 250 MB of float64, no temporary
    y = (X[:, 0] > 0).astype(int)
    space = {"shrink_threshold": Real(0.0, 1.0)}
    common = dict(cv=2, random_state=0, refit=False, n_jobs=2)
    if search_name == "BayesSearchCV":
        search = BayesSearchCV(NearestCentroid(), space, n_iter=4, **common)
    else:  # 3 configurations on 1/3 of a fold, the best on all of it: 8 fits
        search = HyperbandSearchCV(
            NearestCentroid(), space, min_resource=62_500 // 3, n_brackets=1, **common
        )
    if backend == "loky":
        before = peak_bytes()
        search.fit(X, y)  # joblib memmaps X (above max_nbytes) for the workers
    else:
        from distributed import Client, LocalCluster
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None)
        client = Client(cluster)
        before = peak_bytes()
        search.n_jobs = -1
        with joblib.parallel_backend("dask", scatter=[X, y]):  # sent once
            search.fit(X, y)
    growth = peak_bytes() - before
    if backend != "loky":
        client.close()
        cluster.close()
    print(json.dumps({
        "x_nbytes": X.nbytes, "growth": growth,
        "n_tasks": len(search.cv_results_["params"]) * search.n_splits_,
        "n_nan": int(np.isnan(search.cv_results_["mean_test_score"]).sum()),
    }))
    """
)


def _available_memory():
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


_memory = _available_memory()
large_memory = pytest.mark.skipif(
    os.environ.get("SKHPTUNE_SKIP_LARGE_MEMORY_TESTS", "") not in ("", "0")
    or _memory is None
    or _memory < 3 * 2**30,
    reason="needs Linux and 3 GB of free memory "
    "(or SKHPTUNE_SKIP_LARGE_MEMORY_TESTS is set)",
)


@large_memory
@pytest.mark.parametrize("search", ["BayesSearchCV", "HyperbandSearchCV"])
@pytest.mark.parametrize("backend", ["loky", "dask"])
def test_large_data_is_not_copied_per_task(backend, search):
    env = dict(os.environ)
    package_root = str(Path(skhptune.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    process = subprocess.run(
        [sys.executable, "-c", _LARGE_DATA_SCRIPT, backend, search],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert process.returncode == 0, process.stderr[-3000:]
    report = json.loads(process.stdout.strip().splitlines()[-1])
    x_nbytes, growth = report["x_nbytes"], report["growth"]
    print(f"{backend}: X {x_nbytes / 2**20:.0f} MiB, {report['n_tasks']} fits, "
          f"parent peak RSS grew {growth / 2**20:.0f} MiB")
    assert report["n_tasks"] == 8 and report["n_nan"] == 0
    # One copy of X per task would be n_tasks * X.nbytes (8 copies here).
    if backend == "loky":
        # Memmapped: the parent never holds even one extra copy.
        assert growth < x_nbytes, growth
    else:
        # Scattered once; the serialisation may hold one transient copy.
        assert growth < 2 * x_nbytes, growth


def test_docs_example_runs():
    """The runnable example of docs/user_guide/parallel.rst works as written."""
    page = Path(__file__).resolve().parent.parent / "docs" / "user_guide" / "parallel.rst"
    if not page.exists():
        pytest.skip("docs/user_guide/parallel.rst is not in this checkout")
    blocks = re.findall(
        r"^\.\. code-block:: python\n((?:\n|[ ]{3,}.*\n)+)", page.read_text(), re.MULTILINE
    )
    example = [textwrap.dedent(b) for b in blocks if "# runnable example" in b]
    assert len(example) == 1, "expected one code block marked '# runnable example'"
    env = dict(os.environ)
    package_root = str(Path(skhptune.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    process = subprocess.run(
        [sys.executable, "-c", example[0]], capture_output=True, text=True, timeout=120, env=env
    )
    assert process.returncode == 0, process.stderr[-3000:]
    assert "identical results: True" in process.stdout
