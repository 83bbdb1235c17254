"""Raw cells to their distinct texts: the first step of every parser and of the loader.

Every value has one spelling whatever the column's type, and the work is done once per
distinct value. A column of many rows is factorised by pandas; a few rows (one record
matched or added online) are read in plain Python, with the same answer.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import holds_nul

__all__ = ["FEW_ROWS", "distinct_text", "expand", "missing_value"]


def _text(value: object) -> str:
    """One spelling per value: whole floats lose ``.0``, nested values become JSON."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, dict | list | tuple | set | np.ndarray):
        items = list(value) if isinstance(value, set | np.ndarray) else value
        return json.dumps(items, sort_keys=True, default=str, ensure_ascii=False)
    return str(value).strip()


def _spelled(uniques: npt.NDArray[Any]) -> pd.Series[Any]:
    """Each distinct value's one spelling; plain text takes a vectorised path."""
    if pd.api.types.infer_dtype(uniques, skipna=False) == "string":
        return pd.Series(uniques, dtype=object).str.strip()
    return pd.Series([_text(value) for value in uniques.tolist()], dtype=object)


def _factorize(series: pd.Series[Any]) -> tuple[npt.NDArray[np.intp], npt.NDArray[Any]]:
    try:
        codes, uniques = pd.factorize(series)
    except TypeError:  # unhashable cells (lists, dicts): factorise their JSON text instead
        return _factorize(pd.Series([v if pd.api.types.is_hashable(v) else _text(v)
                                     for v in series.tolist()], dtype=object))  # fmt: skip
    return codes, np.asarray(uniques, dtype=object)


#: Up to this many rows, values are read in plain Python: pandas costs more than the work
#: for one record matched or added online.
FEW_ROWS = 8


def missing_value(value: Any) -> bool:
    """Whether one cell is missing as pandas sees it (None, NaN, NaT, NA; never a list)."""
    return pd.api.types.is_scalar(value) and bool(pd.isna(value))


def _distinct_few(values: list[Any]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.object_]]:
    """:func:`distinct_text` of a few values, without pandas.

    Equal values (as pandas groups them) share one spelling, the first one's; distinct
    spellings are numbered in order of appearance.
    """
    spelling: dict[Any, str] = {}
    numbers: dict[str, int] = {}
    codes = []
    for value in values:
        if missing_value(value):
            codes.append(-1)
            continue
        try:
            text = spelling.setdefault(value, _text(value))
        except TypeError:  # an unhashable cell (a list, a dict): its JSON text
            text = _text(value)
        codes.append(-1 if text == "" else numbers.setdefault(text, len(numbers)))
    return np.array(codes, dtype=np.intp), np.array(list(numbers), dtype=object)


def _holds_nul(series: pd.Series[Any]) -> bool:
    """Whether a text cell holds a NUL this pandas would stop hashing at (:func:`holds_nul`).

    Such a column is read in plain Python instead.
    """
    if not (series.dtype == object or isinstance(series.dtype, pd.StringDtype)):
        return False
    return holds_nul(series.tolist())


def distinct_text(series: pd.Series[Any]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.object_]]:
    """Factorise raw values into codes and their distinct stripped texts.

    Missing and blank cells get code -1. Every value has one spelling whatever the
    column's type: ``1``, ``1.0`` and ``"1"`` are all ``"1"`` (an id column read with
    gaps comes back as floats), and lists or dicts become their JSON text.

    Examples
    --------
    >>> codes, texts = distinct_text(pd.Series([1.0, "1", " 2 ", None, ""], dtype=object))
    >>> codes.tolist(), texts.tolist()
    ([0, 0, 1, -1, -1], ['1', '2'])
    """
    if len(series) <= FEW_ROWS or _holds_nul(series):
        return _distinct_few(series.tolist())
    codes, uniques = _factorize(series)
    merged, distinct = pd.factorize(_spelled(uniques))
    texts = np.asarray(distinct, dtype=object)
    blank = texts == ""
    lookup = np.where(blank[merged], -1, merged) if len(texts) else merged
    remapped = np.append(lookup, -1)[codes] if len(lookup) else np.full(len(codes), -1)
    kept = np.flatnonzero(~blank)
    renumber = np.full(len(texts) + 1, -1, dtype=np.intp)
    renumber[kept] = np.arange(len(kept))
    return renumber[remapped], texts[kept]


def expand(
    codes: npt.NDArray[np.intp], per_value: npt.NDArray[Any], missing: Any
) -> npt.NDArray[Any]:
    """Spread one result per distinct value back over the rows (``missing`` where code is -1)."""
    padded = np.empty(len(per_value) + 1, dtype=per_value.dtype)
    padded[:-1] = per_value
    padded[-1] = missing
    return padded[codes]
