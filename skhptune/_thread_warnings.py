"""Warning filters that apply in the calling thread only.

``warnings.catch_warnings`` saves the process-wide list of filters and puts it
back on exit. Unless Python's warnings are context-aware (an option of Python
3.14), threads of one process put back one another's lists: searches running
at once in threads (nested cross-validation on joblib's threading backend), or
the tasks of scikit-learn's ``Parallel``, which copy the caller's filters, can
leave a temporary filter in place for good. A search's filter deferring
``FitFailedWarning`` to its end then silenced every later search's.

The filters made here have the category :class:`InThisThread`, which holds
only in a thread inside :func:`ignored_in_this_thread`, for the categories it
ignores there: a list put back with such a filter silences nothing in other
threads or later but what they ignore themselves. (A list put back without it
while it is in force lets its warning through: shown early, never lost.)
"""

import contextlib
import sys
import threading
import warnings

_silencing = threading.local()


def _categories_silenced_here():
    """This thread's ``(category, block frame, exempt code)`` entries."""
    if not hasattr(_silencing, "categories"):
        _silencing.categories = []
    return _silencing.categories


def _raised_inside(code, block_frame):
    """Whether the warning being filtered comes from a call of ``code`` made
    inside the block whose frame is ``block_frame``."""
    frame = sys._getframe()
    while frame is not None and frame is not block_frame:
        if frame.f_code is code:
            return True
        frame = frame.f_back
    return False


class _SilencedHereMeta(type):
    def __subclasscheck__(cls, subclass):
        return any(
            issubclass(subclass, category)
            and (exempt is None or not _raised_inside(exempt, block_frame))
            for category, block_frame, exempt in _categories_silenced_here()
        )


class InThisThread(Warning, metaclass=_SilencedHereMeta):
    """Filter category matching the categories silenced in the running thread.

    Never raised: ``issubclass(category, InThisThread)``, which a filter checks,
    holds for a category while the running thread ignores it (and the warning
    does not come from a call it exempts).
    """


@contextlib.contextmanager
def ignored_in_this_thread(category, message, *, except_inside=None):
    """Ignore the warnings raised in this thread whose text starts with the
    regular expression ``message``, as ``warnings.filterwarnings("ignore",
    message, category)`` inside ``warnings.catch_warnings()`` does in every
    thread.

    The filters are process-wide: a message given here is also ignored in any
    thread, this one or another, that is ignoring another category meanwhile.
    Give messages specific enough never to meet another call's category.

    ``except_inside``, a code object, exempts the warnings raised from a call of
    that function made inside the block: a search deferring its own summary of
    failed fits lets through the summaries of searches fitted by the fits it
    runs in this thread. The exemption is bounded by the frame of the ``with``
    statement, so the manager must be entered by one (not by an ``ExitStack``).
    """
    categories = _categories_silenced_here()
    # Frames: 0 this generator, 1 contextlib's __enter__, 2 the with statement.
    block_frame = sys._getframe(2) if except_inside is not None else None
    categories.append((category, block_frame, except_inside))
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=message, category=InThisThread)
            yield
    finally:
        categories.pop()
