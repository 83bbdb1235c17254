"""Python's cyclic garbage collector run less often while a bulk step works.

A build or an update makes millions of short-lived containers (tuples, lists, dicts).
With the default thresholds the collector runs every 700 of them, and each older
collection walks every object still alive, the loaded base included: at a million
records that is about an eighth of an update's time. Reference counting still frees
what is not in a cycle, so the step only runs the collector far less often, rather
than not at all: memory held by cycles stays bounded.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["fewer_collections"]

#: Thresholds during a bulk step: a young collection per 100,000 new containers.
_BULK = (100_000, 50, 100)

_lock = threading.Lock()
_depth = 0  # bulk steps running now, in any thread
_saved: tuple[int, int, int] | None = None  # the thresholds to restore after the last


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Raise the collector's thresholds for the block; restore them after the last one.

    Safe to nest and to enter from several threads at once: the thresholds found before
    the first block are the ones restored when the last block ends. Thresholds a caller
    set higher than the bulk ones, and a collector turned off, are left alone.

    Examples
    --------
    >>> import gc
    >>> before = gc.get_threshold()
    >>> with fewer_collections():
    ...     gc.get_threshold()[0] >= 100_000
    True
    >>> gc.get_threshold() == before
    True
    """
    global _depth, _saved  # noqa: PLW0603 - one process-wide setting, guarded by the lock
    with _lock:
        if _depth == 0:
            _saved = gc.get_threshold()
            if _saved[0]:  # a first threshold of 0 turns automatic collection off: kept so
                gc.set_threshold(*(max(a, b) for a, b in zip(_saved, _BULK, strict=True)))
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _saved is not None:
                gc.set_threshold(*_saved)
                _saved = None
