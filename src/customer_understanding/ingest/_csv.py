"""Reading delimited text files with their structure checked record by record.

Nothing is guessed: a record whose field count differs from the header's, a quote that
swallows the lines after it, or a NUL byte makes that record *damaged* — it is kept as
an empty row, so row numbers and accounting stay right, and reported with its line.
What had to be detected (encoding, delimiter, quote character, a trailing delimiter on
every line) is said in plain words in the source's report.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import typed_fields
from customer_understanding._errors import IngestError
from customer_understanding.ingest._dialect import detect_dialect, detect_encoding
from customer_understanding.ingest._report import Problem

__all__ = ["CsvOptions", "RawTable", "read_delimited"]

_SAMPLE_CHARS = 65_536
# Python's csv module refuses fields above 128 KiB by default; exports with long notes
# or descriptions go beyond that.
csv.field_size_limit(2**31 - 1)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class CsvOptions:
    """How to read a delimited text file; ``None`` means detect it from the file."""

    encoding: str | None = None
    delimiter: str | None = None
    quotechar: str | None = None
    escapechar: str | None = None


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class RawTable:
    """A source's rows as text, with where each came from and what was wrong with it.

    ``frame`` holds one row per record (damaged records are rows of missing values);
    ``lines`` the file line each record starts on (``None`` for in-memory data);
    ``damaged`` one problem per damaged record; ``notes`` what was detected.
    """

    frame: pd.DataFrame
    lines: npt.NDArray[np.int64] | None = None
    damaged: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()


def _table_error(source: str, reason: str) -> IngestError:
    return IngestError(source, [Problem(source=source, row=None, column=None, value=None,
                                        reason=reason)])  # fmt: skip


def _decode(raw: bytes, path: Path, source: str, encoding: str | None) -> tuple[str, list[str]]:
    notes: list[str] = []
    if encoding is None:
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            return raw.decode("utf-8"), notes
        except UnicodeDecodeError:
            encoding = detect_encoding(path)
            if encoding is None:
                reason = (f"file {str(path)!r} is not UTF-8 and its encoding could not be "
                          "detected; pass encoding= with the file's real encoding")  # fmt: skip
                raise _table_error(source, reason) from None
            notes.append(f"encoding {encoding!r} detected (the file is not valid UTF-8)")
    try:
        return raw.decode(encoding), notes
    except (UnicodeDecodeError, LookupError) as error:
        line = raw[: getattr(error, "start", 0)].count(b"\n") + 1
        reason = (f"file {str(path)!r} is not valid {encoding} at line {line}; pass "
                  "encoding= with the file's real encoding (for example 'cp1252')")  # fmt: skip
        raise _table_error(source, reason) from None


def _dialect(text: str, options: CsvOptions, notes: list[str]) -> tuple[str, str, str | None]:
    sample = text[:_SAMPLE_CHARS]
    if len(text) > _SAMPLE_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    delimiter, quotechar = options.delimiter, options.quotechar
    if delimiter is None or quotechar is None:
        found_delimiter, found_quote = detect_dialect(sample.replace("\x00", ""))
        if delimiter is None:
            delimiter = found_delimiter or ","
            if delimiter != ",":
                notes.append(f"delimiter {delimiter!r} detected")
        if quotechar is None:
            quotechar = found_quote or '"'
            if quotechar != '"':
                notes.append(f"quote character {quotechar!r} detected")
    return delimiter, quotechar, options.escapechar


@attrs.define
class _Records:
    """Records read from the text: fields, starting line and ending line of each."""

    fields: list[list[str]] = attrs.Factory(list)
    starts: list[int] = attrs.Factory(list)
    ends: list[int] = attrs.Factory(list)


def _records(text: str, dialect: tuple[str, str, str | None], source: str) -> _Records:
    delimiter, quotechar, escapechar = dialect
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter,
                        quotechar=quotechar, escapechar=escapechar, strict=False)  # fmt: skip
    records, previous = _Records(), 0
    try:
        for fields in reader:
            if fields:  # blank lines are skipped, but still counted
                records.fields.append(fields)
                records.starts.append(previous + 1)
                records.ends.append(reader.line_num)
            previous = reader.line_num
    except csv.Error as error:
        reason = f"line {reader.line_num + 1} cannot be read as delimited text: {error}"
        raise _table_error(source, reason) from None
    return records


def _header(fields: list[str], source: str, path: Path) -> list[str]:
    counts = Counter(fields)
    repeated = [name for name, count in counts.items() if count > 1 and name.strip()]
    if repeated:
        positions = {name: [str(i + 1) for i, f in enumerate(fields) if f == name]
                     for name in repeated}  # fmt: skip
        where = "; ".join(f"{name!r} at columns {', '.join(at)}" for name, at in positions.items())
        reason = f"file {str(path)!r} repeats header names ({where}); rename or drop one of each"
        raise _table_error(source, reason)
    return fields


def _damage(record: list[str], start: int, end: int, width: int, delimiter: str) -> str | None:
    if any("\x00" in value for value in record):
        return f"line {start} holds a NUL byte (binary data or a damaged export)"
    spanning = [value for value in record if "\n" in value or "\r" in value]
    for value in spanning:
        rows_inside = [
            part for part in value.splitlines()[1:] if part.count(delimiter) >= max(width - 1, 1)
        ]
        if rows_inside:
            return (f"a quote opened on line {start} is closed only on line {end}: "
                    f"{end - start + 1} lines were read as one record")  # fmt: skip
    if len(record) != width:
        return (f"line {start} has {len(record)} fields where the header has {width} "
                "(a delimiter too many or too few: columns would shift)")  # fmt: skip
    return None


def _trailing_delimiter(header: list[str], records: list[list[str]]) -> bool:
    """Every record (and maybe the header) ends with one empty field too many."""
    if not records:
        return False
    width = len(header) - (1 if header and header[-1] == "" else 0)
    return all(len(r) == width + 1 and r[-1] == "" for r in records) and (
        len(header) == width + 1 or all(len(r) == len(header) + 1 for r in records)
    )


def read_delimited(path: Path, *, source: str, options: CsvOptions) -> RawTable:
    """Read a delimited text file, checking every record against the header.

    Raises
    ------
    IngestError
        For problems with the file as a whole: missing, empty, undecodable, unreadable,
        or repeated header names.
    """
    if not path.is_file():
        raise _table_error(source, f"file {str(path)!r} does not exist")
    raw = path.read_bytes()
    if not raw.strip():
        raise _table_error(source, f"file {str(path)!r} is empty")
    text, notes = _decode(raw, path, source, options.encoding)
    dialect = _dialect(text, options, notes)
    records = _records(text, dialect, source)
    header = _header(records.fields[0], source, path)
    body, starts, ends = records.fields[1:], records.starts[1:], records.ends[1:]
    if _trailing_delimiter(header, body):
        notes.append("every line ends with an extra delimiter; the empty last field was dropped")
        header = header[:-1] if header and header[-1] == "" else header
        body = [record[:-1] for record in body]
    width, problems = len(header), []
    rows: list[list[str | None]] = []
    for row, (record, start, end) in enumerate(zip(body, starts, ends, strict=True)):
        reason = _damage(record, start, end, width, dialect[0])
        if reason is None:
            rows.append([value if value != "" else None for value in record])
            continue
        rows.append([None] * width)
        shown = dialect[0].join(record)
        problems.append(Problem(source=source, row=row, column=None, line=start,
                                value=shown if len(shown) <= 200 else shown[:200] + "…",
                                reason=reason))  # fmt: skip
    frame = (
        pd.DataFrame(rows, columns=header, dtype=object)
        if rows
        else pd.DataFrame({name: pd.Series(dtype=object) for name in header})
    )
    return RawTable(frame=frame, lines=np.asarray(starts, dtype=np.int64), damaged=tuple(problems),
                    notes=tuple(notes))  # fmt: skip
