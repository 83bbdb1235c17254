"""A column with spare room after its end, for arrays that grow by a few items at a time.

Appending to a numpy array copies it: for a table of a million rows that grows by one
row at a time (records added online, a scorer told of them), each step would copy
every row. A :class:`Buffer` keeps its values in a store twice as long as needed,
hands out read-only views of the used part, and writes new items past their end
(doubling the store when full), so a view handed out earlier never changes length and
never sees the later items.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["Buffer"]

Ints = npt.NDArray[np.int64]


def _capacity(needed: int) -> int:
    return max(16, 2 * needed)


class Buffer:
    """One growing column: ``view`` is its first ``length`` values, read-only.

    Only the holder of a buffer writes it, and rows before the end (:meth:`put`) only
    where every view handed out may show the new value.

    Examples
    --------
    >>> import numpy as np
    >>> column = Buffer(np.array([1, 2]))
    >>> before = column.view
    >>> column.append(3).tolist(), before.tolist()
    ([1, 2, 3], [1, 2])
    """

    def __init__(self, values: npt.NDArray[Any], *, extra: int = 1) -> None:
        values = np.asarray(values)
        self.length = len(values)
        self.store = np.empty(_capacity(self.length + extra), dtype=values.dtype)
        self.store[: self.length] = values
        if values.dtype == object:
            self.store[self.length :] = None
        self.view = self._viewed()

    def _viewed(self) -> npt.NDArray[Any]:
        view = self.store[: self.length]
        view.flags.writeable = False
        return view

    def put(self, rows: Ints, values: npt.ArrayLike) -> npt.NDArray[Any]:
        """The column with ``values`` at ``rows``: rows before the end, or the next ones."""
        end = max(self.length, int(rows.max(initial=-1)) + 1)
        if end > len(self.store):
            self._grow(end)
        self.store[rows] = values
        self.length = end
        self.view = self._viewed()
        return self.view

    def append(self, value: Any) -> npt.NDArray[Any]:
        """The column with one more item, ``value``, after its end."""
        if self.length == len(self.store):
            self._grow(self.length + 1)
        self.store[self.length] = value
        self.length += 1
        self.view = self._viewed()
        return self.view

    def _grow(self, needed: int) -> None:
        grown = np.empty(_capacity(needed), dtype=self.store.dtype)
        grown[: self.length] = self.store[: self.length]
        if grown.dtype == object:
            grown[self.length :] = None
        self.store = grown

    def replace(self, values: npt.NDArray[Any]) -> None:
        """Hold ``values`` (as long as the column) in a new store: old views keep the old one."""
        fresh = Buffer(values, extra=len(self.store) - len(values))
        self.store, self.view = fresh.store, fresh.view
