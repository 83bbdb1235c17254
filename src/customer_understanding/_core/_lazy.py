"""Columns read on first use: what lets a stored base open without decoding every column."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["LazyArrays"]

#: A column not read yet: its length, and how to read it.
Deferred = tuple[int, Callable[[], npt.NDArray[Any]]]


class LazyArrays(Mapping[str, npt.NDArray[Any]]):
    """A read-only mapping of named arrays, each made on first access and kept.

    The lengths are known up front, so a table can check its shape without reading a
    column. Arrays come out read-only. A copy or a pickle holds the arrays themselves.

    Examples
    --------
    >>> import numpy as np
    >>> lazy = LazyArrays({"n": (2, lambda: np.array([1, 2]))})
    >>> lazy.lengths["n"], lazy["n"].tolist(), lazy["n"].flags.writeable
    (2, [1, 2], False)
    """

    __slots__ = ("_deferred", "_lock", "_made", "lengths")

    def __init__(self, deferred: Mapping[str, Deferred]) -> None:
        self._deferred = dict(deferred)
        self._made: dict[str, npt.NDArray[Any]] = {}
        self._lock = threading.Lock()
        self.lengths: Mapping[str, int] = {name: n for name, (n, _) in deferred.items()}

    def __getitem__(self, name: str) -> npt.NDArray[Any]:
        found = self._made.get(name)
        if found is not None:
            return found
        with self._lock:  # two threads asking at once read the column once
            if name not in self._made:
                array = np.asarray(self._deferred[name][1]())
                array.setflags(write=False)
                self._made[name] = array
            return self._made[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._deferred)

    def made(self) -> dict[str, npt.NDArray[Any]]:
        """The arrays read so far, by name (reading none)."""
        return dict(self._made)

    def __len__(self) -> int:
        return len(self._deferred)

    def __reduce__(self) -> tuple[Any, ...]:
        return dict, (dict(self.items()),)

    def __repr__(self) -> str:
        return f"LazyArrays({', '.join(self._deferred)})"
