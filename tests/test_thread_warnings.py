import sys
import threading
import warnings

import pytest
from sklearn.exceptions import FitFailedWarning

from skhptune._thread_warnings import ignored_in_this_thread

PARTIAL = r"\s*\d+ fits failed out of a total of"


def _warn_partial_failure():
    warnings.warn("3 fits failed out of a total of 6.", FitFailedWarning)


def _shown(function):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", append=True)  # behind the filters in force
        function()
    return [str(warning.message) for warning in caught]


def test_ignores_the_matching_warnings_of_the_category_in_this_thread():
    def warn_all():
        with ignored_in_this_thread(FitFailedWarning, PARTIAL):
            _warn_partial_failure()
            warnings.warn("3 fits failed out of a total of 6.", UserWarning)
            warnings.warn("Another failure.", FitFailedWarning)

    assert _shown(warn_all) == ["3 fits failed out of a total of 6.", "Another failure."]


def test_warnings_from_an_exempt_call_inside_the_block_are_heard():
    def fit():
        _warn_partial_failure()

    def warn_from_both():
        fit()  # outside the block: the exemption plays no part
        with ignored_in_this_thread(FitFailedWarning, PARTIAL, except_inside=fit.__code__):
            fit()
            _warn_partial_failure()  # the block's own warning: ignored

    assert _shown(warn_from_both) == ["3 fits failed out of a total of 6."] * 2


def test_an_exempt_call_around_the_block_does_not_exempt_it():
    def fit():
        with ignored_in_this_thread(FitFailedWarning, PARTIAL, except_inside=fit.__code__):
            _warn_partial_failure()

    assert _shown(fit) == []


def test_other_threads_still_see_the_warning():
    inside, warned = threading.Event(), threading.Event()

    def other_thread():
        inside.wait(10)
        _warn_partial_failure()
        warned.set()

    def warn_in_both():
        thread = threading.Thread(target=other_thread)
        thread.start()
        with ignored_in_this_thread(FitFailedWarning, PARTIAL):
            inside.set()
            warned.wait(10)
            _warn_partial_failure()
        thread.join()

    assert _shown(warn_in_both) == ["3 fits failed out of a total of 6."]


@pytest.mark.skipif(
    getattr(sys.flags, "context_aware_warnings", False),
    reason="catch_warnings is thread-local with context-aware warnings",
)
def test_a_filter_another_thread_puts_back_silences_nothing():
    # Searches in threads of one process: a thread that saved the filters while
    # the first ignored its warning puts them back after it has ended. With a
    # plain catch_warnings filter, every later FitFailedWarning was lost.
    first_in, second_saved, first_out = threading.Event(), threading.Event(), threading.Event()

    def first():
        with ignored_in_this_thread(FitFailedWarning, PARTIAL):
            first_in.set()
            second_saved.wait(10)
        first_out.set()

    def second():
        first_in.wait(10)
        with warnings.catch_warnings():  # as scikit-learn's Parallel tasks do
            second_saved.set()
            first_out.wait(10)

    filters = list(warnings.filters)
    try:
        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(warnings.filters) == len(filters) + 1  # the first's filter is back
        assert _shown(_warn_partial_failure) == ["3 fits failed out of a total of 6."]
    finally:
        warnings.filters[:] = filters
