"""Reading a source's data — a table in memory or a file — as rows of raw values."""

from __future__ import annotations

import importlib.util
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from customer_understanding._core import as_frame, is_table
from customer_understanding._errors import IngestError
from customer_understanding.ingest._csv import CsvOptions, RawTable, read_delimited
from customer_understanding.ingest._report import Problem

__all__ = ["CsvOptions", "RawTable", "is_file", "read_source"]

_PARQUET = (".parquet", ".pq")
_JSON_LINES = (".jsonl", ".ndjson")


def is_file(data: object) -> bool:
    """Whether ``data`` names a file (a path or a string)."""
    return isinstance(data, str | os.PathLike)


def read_source(data: object, *, source: str, options: CsvOptions) -> RawTable:
    """Read ``data`` into rows of raw values with a fresh 0-based index.

    ``data`` may be a pandas DataFrame, anything with a ``to_pandas()`` method that returns
    one (a polars DataFrame, a pyarrow Table), an iterable of dicts, or a path to a
    delimited text file (CSV, TSV, semicolon-separated …), a Parquet file (``.parquet``)
    or a JSON-lines file (``.jsonl``, ``.ndjson``).

    Raises
    ------
    IngestError
        If the data cannot be read as a table at all (the problem names the file).
    """
    if is_table(data):  # pandas, polars, pyarrow: the library's one conversion
        frame = as_frame(data, name="data")
        return RawTable(frame=_checked_labels(frame.reset_index(drop=True), source))
    if is_file(data):
        path = Path(cast("str | os.PathLike[str]", data))
        suffix = path.suffix.lower()
        if suffix in _PARQUET:
            return RawTable(frame=_checked_labels(_read_parquet(path, source), source))
        if suffix in _JSON_LINES:
            return _read_json_lines(path, source)
        return read_delimited(path, source=source, options=options)
    if isinstance(data, Iterable) and not isinstance(data, str | bytes | Mapping):
        return RawTable(frame=_read_records(data, source=source))
    kind = type(data).__name__
    raise IngestError(source, [_table_problem(source, f"cannot read data of type {kind}")])


def _table_problem(source: str, reason: str) -> Problem:
    return Problem(source=source, row=None, column=None, value=None, reason=reason)


def _checked_labels(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    labels = [str(label) for label in frame.columns]
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    if repeated:
        reason = f"the table repeats column labels {repeated}; rename or drop one of each"
        raise IngestError(source, [_table_problem(source, reason)])
    return frame.set_axis(labels, axis=1)


def _missing(path: Path, source: str) -> None:
    if not path.is_file():
        raise IngestError(source, [_table_problem(source, f"file {str(path)!r} does not exist")])


def _read_parquet(path: Path, source: str) -> pd.DataFrame:
    _missing(path, source)
    if importlib.util.find_spec("pyarrow") is None:
        reason = (f"reading the Parquet file {str(path)!r} needs pyarrow: "
                  "pip install 'customer-understanding[arrow]'")  # fmt: skip
        raise IngestError(source, [_table_problem(source, reason)])
    try:
        return pd.read_parquet(path)
    except Exception as error:  # pyarrow raises several unrelated types for bad files
        reason = f"file {str(path)!r} is not a readable Parquet file: {error}"
        raise IngestError(source, [_table_problem(source, reason)]) from None


def _json_line(text: str, number: int) -> tuple[dict[str, Any], str | None]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        return {}, f"line {number} is not JSON: {error.msg}"
    if not isinstance(value, dict):
        return {}, f"line {number} is not a JSON object"
    return value, None


def _read_json_lines(path: Path, source: str) -> RawTable:
    _missing(path, source)
    rows: list[dict[str, Any]] = []
    lines: list[int] = []
    damaged: list[Problem] = []
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        message = f"file {str(path)!r} is not valid UTF-8 (JSON lines must be UTF-8)"
        raise IngestError(source, [_table_problem(source, message)]) from None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        value, reason = _json_line(line, number)
        if reason is not None:
            shown = line.strip()[:200]
            damaged.append(Problem(source=source, row=len(rows), column=None, value=shown,
                                   reason=reason, line=number))  # fmt: skip
        rows.append(value)
        lines.append(number)
    frame = pd.DataFrame.from_records(rows) if rows else pd.DataFrame()
    return RawTable(frame=frame, lines=np.asarray(lines, dtype=np.int64), damaged=tuple(damaged))


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
