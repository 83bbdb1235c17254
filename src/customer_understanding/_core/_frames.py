"""Tables at the library's edges: polars and Arrow in, Arrow and polars out.

The library computes on pandas and numpy. A caller's table may be a pandas DataFrame, a
polars DataFrame or a pyarrow Table (or RecordBatch): :func:`as_frame` turns any of them
into pandas where an entry point receives it, so nothing further in needs to know.
Results go the other way through :class:`TableExport`: ``to_arrow()`` and
``to_polars()`` are made from the result's own ``to_pandas()``, so every result offers
the same columns in every form. pyarrow and polars stay optional; :func:`requires`
names the extra that installs a missing one.
"""

from __future__ import annotations

import importlib
import math
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt

from customer_understanding._core._columns import shown
from customer_understanding._errors import InvalidValueError, MissingDependencyError

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl

__all__ = ["TableExport", "as_frame", "is_missing", "is_table", "object_values", "requires"]


def requires(module: str, *, extra: str, needed_for: str) -> ModuleType:
    """Import an optional package, or raise an error naming the extra that installs it.

    Examples
    --------
    >>> requires("json", extra="none", needed_for="this example").__name__
    'json'
    >>> requires("no_such_package_here", extra="arrow", needed_for="to_arrow()")
    Traceback (most recent call last):
    ...
    customer_understanding.MissingDependencyError: to_arrow() needs no_such_package_here: pip install 'customer-understanding[arrow]'
    """  # noqa: E501 - a doctest shows the message on one line
    try:
        return importlib.import_module(module)
    except ImportError as error:
        msg = f"{needed_for} needs {module}: pip install 'customer-understanding[{extra}]'"
        raise MissingDependencyError(msg) from error


def is_table(data: object) -> bool:
    """Whether ``data`` is a table :func:`as_frame` takes (pandas, polars or Arrow).

    Examples
    --------
    >>> import pandas as pd
    >>> is_table(pd.DataFrame()), is_table([{"a": 1}])
    (True, False)
    """
    import pandas as pd  # lazily: `import customer_understanding` does not load pandas

    return isinstance(data, pd.DataFrame) or callable(getattr(data, "to_pandas", None))


def as_frame(data: object, *, name: str) -> pd.DataFrame:
    """``data`` as a pandas DataFrame: the one conversion of a caller's table.

    A pandas DataFrame is returned as it is; a polars DataFrame or a pyarrow Table or
    RecordBatch is converted with its own ``to_pandas()`` (polars needs pyarrow for it).

    Raises
    ------
    InvalidValueError
        If ``data`` is not a table, naming the argument ``name``.
    MissingDependencyError
        If the conversion needs pyarrow and it is not installed.

    Examples
    --------
    >>> import pyarrow as pa
    >>> as_frame(pa.table({"id": ["a1"]}), name="records")
       id
    0  a1
    >>> as_frame([1, 2], name="records")
    Traceback (most recent call last):
    ...
    customer_understanding.InvalidValueError: records=[1, 2] must be a table: a pandas or polars DataFrame, or a pyarrow Table
    """  # noqa: E501 - a doctest shows the message on one line
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        return data
    if is_table(data):
        kind = type(data).__name__
        try:
            converted = data.to_pandas()  # type: ignore[attr-defined]
        except ImportError as error:  # polars converts through pyarrow
            msg = f"{name}: a {kind} converts to pandas through pyarrow"
            raise MissingDependencyError(
                f"{msg}: pip install 'customer-understanding[arrow]'"
            ) from error
        if isinstance(converted, pd.DataFrame):
            return converted
    msg = f"{name}={shown(data)} must be a table: a pandas or polars DataFrame, or a pyarrow Table"
    raise InvalidValueError(msg)


def object_values(values: pd.Series[Any]) -> npt.NDArray[np.object_]:
    """A new object array of ``values`` with ``None`` for every missing value.

    pandas 3 holds text in a string dtype whose missing value is NaN, where pandas 2's
    object columns held ``None``; code that asks ``value is None`` reads through this.

    Examples
    --------
    >>> import pandas as pd
    >>> object_values(pd.Series(["a", None, float("nan")])).tolist()
    ['a', None, None]
    """
    import pandas as pd

    array: npt.NDArray[np.object_] = values.to_numpy(dtype=object, copy=True)
    array[pd.isna(array)] = None
    return array


class _HasPandas(Protocol):
    def to_pandas(self) -> pd.DataFrame: ...


class TableExport:
    """``to_arrow()`` and ``to_polars()`` for a result, both made from its ``to_pandas()``.

    Every result class of the library derives from it, so every result exports the same
    way. The mixin holds no state (``__slots__ = ()``), so frozen, slotted attrs classes
    stay slotted.

    Examples
    --------
    >>> import pandas as pd
    >>> class Counts(TableExport):
    ...     def to_pandas(self):
    ...         return pd.DataFrame({"account_id": ["a1"], "count": [3]})
    >>> Counts().to_arrow().column_names
    ['account_id', 'count']
    >>> Counts().to_polars().shape
    (1, 2)
    """

    __slots__ = ()

    def to_arrow(self: _HasPandas) -> Any:
        """The result as a new ``pyarrow.Table`` (needs the ``arrow`` extra).

        The columns are those of ``to_pandas()``; a column of mixed Python objects that
        Arrow cannot type is exported as text.
        """
        return _arrow(self.to_pandas())

    def to_polars(self: _HasPandas) -> pl.DataFrame:
        """The result as a new ``polars.DataFrame`` (needs the ``polars`` extra).

        Made from the Arrow table of :meth:`to_arrow`, so the columns and types are the same.
        """
        polars = requires("polars", extra="polars", needed_for="to_polars()")
        frame: pl.DataFrame = polars.from_arrow(_arrow(self.to_pandas()))
        return frame


def _arrow(frame: pd.DataFrame) -> Any:
    pa = requires("pyarrow", extra="arrow", needed_for="to_arrow()")
    failures = (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError)
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except failures:
        pass  # some object column mixes types: type each column, text where none fits
    columns = {}
    for label in frame.columns:
        try:
            columns[str(label)] = pa.array(frame[label], from_pandas=True)
        except failures:
            text = [None if is_missing(value) else str(value) for value in frame[label].tolist()]
            columns[str(label)] = pa.array(text, type=pa.string())
    return pa.table(columns)


def is_missing(value: object) -> bool:
    """Whether one cell is missing: ``None``, ``pd.NA``, ``pd.NaT`` or a float NaN.

    Examples
    --------
    >>> [is_missing(v) for v in (None, float("nan"), "", 0)]
    [True, True, False, False]
    """
    import pandas as pd

    nan = isinstance(value, float) and math.isnan(value)
    return nan or value is None or value is pd.NA or value is pd.NaT
