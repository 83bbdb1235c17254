"""Reading a source's data — a DataFrame, a CSV file or an iterable of dicts — as a DataFrame."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, cast

import pandas as pd

from customer_understanding._errors import IngestError
from customer_understanding.ingest._report import Problem

__all__ = ["is_file", "read_frame"]


def is_file(data: object) -> bool:
    """Whether ``data`` names a file (a path or a string)."""
    return isinstance(data, str | os.PathLike)


def read_frame(data: object, *, source: str, encoding: str = "utf-8") -> pd.DataFrame:
    """Read ``data`` into a DataFrame with a fresh 0-based index.

    ``data`` may be a pandas DataFrame, anything with a ``to_pandas()`` method that returns
    one (a polars DataFrame, a pyarrow Table), a path to a CSV file, or an iterable of dicts.

    Raises
    ------
    IngestError
        If the file is missing, empty, not in ``encoding`` or not CSV, or if an item of
        an iterable is not a mapping.
    """
    if isinstance(data, pd.DataFrame):
        return data.reset_index(drop=True)
    if callable(getattr(data, "to_pandas", None)):  # polars DataFrames, pyarrow Tables
        converted = data.to_pandas()  # type: ignore[attr-defined]
        if isinstance(converted, pd.DataFrame):
            return converted.reset_index(drop=True)
    if is_file(data):
        return _read_csv(Path(data), source=source, encoding=encoding)  # type: ignore[arg-type]
    if isinstance(data, Iterable) and not isinstance(data, str | bytes | Mapping):
        return _read_records(data, source=source)
    kind = type(data).__name__
    raise IngestError(source, [_table_problem(source, f"cannot read data of type {kind}")])


def _table_problem(source: str, reason: str) -> Problem:
    return Problem(source=source, row=None, column=None, value=None, reason=reason)


def _read_csv(path: Path, *, source: str, encoding: str) -> pd.DataFrame:
    if not path.is_file():
        raise IngestError(source, [_table_problem(source, f"file {str(path)!r} does not exist")])
    if path.stat().st_size == 0:
        raise IngestError(source, [_table_problem(source, f"file {str(path)!r} is empty")])
    try:
        return pd.read_csv(
            path, dtype=str, keep_default_na=False, na_values=[""], encoding=encoding
        )
    except UnicodeDecodeError:
        line = _first_undecodable_line(path, encoding)
        reason = (
            f"file {str(path)!r} is not valid {encoding} at line {line}; "
            "pass encoding= with the file's real encoding (for example 'cp1252')"
        )
        raise IngestError(source, [_table_problem(source, reason)]) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        reason = f"file {str(path)!r} is not readable as CSV: {error}"
        raise IngestError(source, [_table_problem(source, reason)]) from None


def _first_undecodable_line(path: Path, encoding: str) -> int:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                raw.decode(encoding)
            except UnicodeDecodeError:
                return number
    return 0


def _read_records(data: Iterable[object], *, source: str) -> pd.DataFrame:
    rows = list(data)
    problems = [
        Problem(source=source, row=index, column=None, value=row, reason="not a mapping")
        for index, row in enumerate(rows)
        if not isinstance(row, Mapping)
    ]
    if problems:
        raise IngestError(source, problems)
    return pd.DataFrame.from_records(cast("list[Mapping[str, Any]]", rows))
