"""How results show themselves: one header line, a compact repr, a small HTML table.

Every result class of the library renders through these helpers, so a notebook shows
every result the same way: what it is, how many rows, as of when.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FrozenMapping", "frozen_array", "frozen_mapping", "html_table", "summary"]

_K = TypeVar("_K")
_V = TypeVar("_V")
_A = TypeVar("_A", bound=np.generic)


def summary(what: str, count: int | None = None, *, as_of: object = None, **facts: object) -> str:
    """The one-line header of a result: what, how many, as of when, and a few facts.

    Examples
    --------
    >>> summary("ScoreTable", 3, as_of="2026-06-01", scorer="engagement")
    'ScoreTable: 3 rows, as of 2026-06-01, scorer=engagement'
    """
    parts = [what if count is None else f"{what}: {count} {'row' if count == 1 else 'rows'}"]
    if as_of is not None:
        parts.append(f"as of {as_of}")
    parts += [f"{key}={value}" for key, value in facts.items()]
    return ", ".join(parts)


def html_table(header: str, frame: pd.DataFrame, *, max_rows: int = 10) -> str:
    """A compact HTML rendering: the header line, then the first ``max_rows`` rows.

    Examples
    --------
    >>> import pandas as pd
    >>> text = html_table("Things: 1 row", pd.DataFrame({"a": [1]}))
    >>> text.startswith("<div><strong>Things: 1 row</strong>")
    True
    """
    shown = frame.head(max_rows).to_html(index=False, border=0, max_cols=12)
    more = len(frame) - min(len(frame), max_rows)
    tail = f"<p>… {more} more rows</p>" if more > 0 else ""
    return f"<div><strong>{html.escape(header)}</strong>{shown}{tail}</div>"


def frozen_array(values: Any, dtype: Any = None) -> npt.NDArray[Any]:
    """A read-only copy-free view of ``values`` as an array (copied when not an array).

    Examples
    --------
    >>> frozen_array([1, 2]).flags.writeable
    False
    """
    array = np.array(values, dtype=dtype, copy=True) if dtype is not None else np.asarray(values)
    view = array.view()
    view.flags.writeable = False
    return view


class FrozenMapping(Mapping[_K, _V]):
    """A read-only mapping that, unlike ``MappingProxyType``, pickles and deep-copies.

    Examples
    --------
    >>> import pickle
    >>> frozen = FrozenMapping({"a": 1})
    >>> pickle.loads(pickle.dumps(frozen)) == frozen, dict(frozen)
    (True, {'a': 1})
    """

    __slots__ = ("_data",)

    def __init__(self, values: Mapping[_K, _V]) -> None:
        self._data = dict(values)

    def __getitem__(self, key: _K) -> _V:
        return self._data[key]

    def __iter__(self) -> Iterator[_K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return repr(self._data)

    def __reduce__(self) -> tuple[type[FrozenMapping[_K, _V]], tuple[dict[_K, _V]]]:
        return (type(self), (self._data,))


def frozen_mapping(values: Mapping[_K, _V]) -> Mapping[_K, _V]:
    """A read-only mapping over a private copy of ``values`` (it pickles).

    Examples
    --------
    >>> frozen = frozen_mapping({"a": 1})
    >>> frozen["a"]
    1
    """
    return FrozenMapping(values)
