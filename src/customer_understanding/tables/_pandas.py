"""Conversions between :class:`Table` and pandas DataFrames."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._errors import InvalidValueError, UnknownNameError
from customer_understanding.tables._table import Column, Table, encode

__all__ = ["table_from_pandas", "table_to_pandas", "times_to_nanos"]

T = TypeVar("T", bound=Table)


def table_to_pandas(table: Table) -> pd.DataFrame:
    """Build a DataFrame from a table; see :meth:`Table.to_pandas`."""
    data: dict[str, Any] = {}
    for column in table.SCHEMA.columns:
        array = table.arrays[column.name]
        if column.kind == "category":
            labels = pd.Index(list(table.categories[column.name]), dtype=object)
            codes = cast("Sequence[int]", array)  # the stubs ask for a list; an array is faster
            data[column.name] = pd.Categorical.from_codes(codes, categories=labels)
        elif column.kind == "time":
            # NAT is the int64 minimum, which numpy reads as NaT.
            data[column.name] = pd.to_datetime(array.view("datetime64[ns]"), utc=True)
        else:
            data[column.name] = array
    return pd.DataFrame(data, copy=False)


def table_from_pandas(cls: type[T], frame: pd.DataFrame) -> T:
    """Build a table of class ``cls`` from a DataFrame; see :meth:`Table.from_pandas`."""
    unknown = [name for name in frame.columns if name not in cls.SCHEMA.names]
    if unknown:
        msg = f"{cls.__name__}.from_pandas: unknown column(s) {unknown}"
        raise UnknownNameError(msg)
    columns: dict[str, Any] = {}
    categories: dict[str, tuple[str, ...]] = {}
    for name in frame.columns:
        column = cls.SCHEMA[str(name)]
        series = frame[name]
        if column.kind == "category":
            columns[column.name], categories[column.name] = _categories(column, series)
        else:
            columns[column.name] = _convert(column, series)
    return cls.from_columns(columns, length=len(frame), categories=categories)


def _categories(column: Column, series: pd.Series[Any]) -> tuple[Any, tuple[str, ...]]:
    if isinstance(series.dtype, pd.CategoricalDtype) and column.labels is None:
        labels = tuple(str(label) for label in series.cat.categories)
        return series.cat.codes.to_numpy(np.int32), labels
    return encode(objects(series), column.labels)


def _convert(column: Column, series: pd.Series[Any]) -> npt.NDArray[Any]:
    try:
        if column.kind == "time":
            return times_to_nanos(series)
        if column.kind == "float":
            return pd.to_numeric(series).to_numpy(np.float64)
        if column.kind == "index":
            return series.fillna(-1).to_numpy(np.int64)
        if column.kind == "bool":
            return series.fillna(value=False).to_numpy(np.bool_)
    except (TypeError, ValueError) as error:
        msg = f"column {column.name!r} cannot be read as {column.kind}: {error}"
        raise InvalidValueError(msg) from None
    return objects(series)


def objects(series: pd.Series[Any]) -> npt.NDArray[np.object_]:
    """The series as an object array with ``None`` wherever pandas sees a missing value."""
    array: npt.NDArray[np.object_] = series.to_numpy(dtype=object, copy=True)
    array[series.isna().to_numpy()] = None
    return array


def times_to_nanos(series: pd.Series[Any]) -> npt.NDArray[np.int64]:
    """Parse a series of datetimes or ISO strings into int64 UTC nanoseconds (``NAT`` if missing).

    Naive values are taken to be UTC. Unparsable values raise ``ValueError``.

    Examples
    --------
    >>> times_to_nanos(pd.Series(["2026-01-01T01:00:00+01:00", None])).tolist()
    [1767225600000000000, -9223372036854775808]
    """
    parsed = pd.to_datetime(series, utc=True, format="ISO8601")
    naive = parsed.dt.tz_localize(None).to_numpy("datetime64[ns]")
    return naive.view(np.int64)  # NaT is the int64 minimum, which is NAT
