"""What is loaded: a source with its mapping and options, and what loading it gave."""

from __future__ import annotations

from typing import Literal, TypeVar

import attrs

from customer_understanding._core import typed_fields
from customer_understanding._errors import InvalidValueError, UnknownNameError
from customer_understanding.domain import normalize_phone
from customer_understanding.ingest._mapping import SourceMapping
from customer_understanding.ingest._presets import get_preset
from customer_understanding.ingest._read import CsvOptions
from customer_understanding.ingest._report import LoadReport, SourceReport
from customer_understanding.tables import StageHistoryTable, Table

__all__ = ["ErrorPolicy", "Loaded", "LoadedSource", "Source"]

#: How :func:`load` treats a bad row: fail the load (``"strict"``) or reject the row
#: into the report and go on (``"lenient"``).
ErrorPolicy = Literal["strict", "lenient"]
T = TypeVar("T", bound=Table)


def _mapping(value: object) -> SourceMapping:
    if isinstance(value, SourceMapping):
        return value
    if not isinstance(value, str):
        msg = f"mapping={value!r} must be a SourceMapping or the name of a preset"
        raise InvalidValueError(msg)
    try:
        return get_preset(value)
    except UnknownNameError as error:
        raise UnknownNameError(str(error).replace("preset=", "mapping=", 1)) from None


def _region(value: object) -> str | None:
    """An upper-case region code the phone parser knows, or ``None``."""
    if value is None:
        return None
    code = value.strip().upper() if isinstance(value, str) else value
    try:
        normalize_phone("", region=code)  # type: ignore[arg-type]  # refuses a bad code
    except InvalidValueError:
        msg = f"default_region={value!r} is not a region code such as 'US', 'DE' or 'GB'"
        raise InvalidValueError(msg) from None
    return str(code)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Source:
    """One source table to load: its name, its data and how its columns map.

    Parameters
    ----------
    name
        A name for messages and provenance (``"crm contacts"``).
    data
        A pandas DataFrame (or a polars DataFrame, a pyarrow Table), an iterable of
        dicts, or a path to a file: delimited text (CSV, TSV, semicolon-separated …),
        Parquet (``.parquet``) or JSON lines (``.jsonl``, ``.ndjson``).
    mapping
        A :class:`SourceMapping`, or the name of a preset such as ``"salesforce.Contact"``.
    encoding
        The text encoding of a delimited file; ``None`` reads UTF-8 and, when the file
        is not UTF-8, detects its encoding and says so in the report.
    delimiter, quotechar
        The field delimiter and quote character of a delimited file; ``None`` detects
        them from the file (the report says what was detected).
    default_region
        The country (ISO 3166 code such as ``"DE"``) that phone numbers written without
        an international prefix belong to; with it ``030 1234567`` becomes
        ``+49301234567``. ``None`` reads only numbers written with ``+`` or ``00`` as
        international and keeps the digits of the others.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"id": ["7"], "email": ["Ann@Beta.io"]})
    >>> source = Source(name="zendesk users", data=rows, mapping="zendesk.users")
    >>> source.mapping.target
    'contact'
    >>> from customer_understanding.ingest import load_source
    >>> crm = Source(name="crm", data=[{"Id": "1", "Phone": "030 1234567"}],
    ...              mapping="salesforce.Contact", default_region="de")
    >>> load_source(crm).table.column("phone_normalized").tolist()
    ['+49301234567']
    """

    name: str
    data: object = attrs.field(repr=False)
    mapping: SourceMapping = attrs.field(converter=_mapping)
    encoding: str | None = None
    delimiter: str | None = None
    quotechar: str | None = None
    default_region: str | None = attrs.field(default=None, converter=_region)

    def csv_options(self) -> CsvOptions:
        """How to read this source if it is a delimited text file."""
        return CsvOptions(encoding=self.encoding, delimiter=self.delimiter,
                          quotechar=self.quotechar)  # fmt: skip


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class LoadedSource:
    """The loaded rows of one source, as a table of its target kind, plus its report.

    ``stages`` holds the stage changes read from per-stage date columns, if the mapping
    has any (see :attr:`SourceMapping.stage_dates`).

    Examples
    --------
    >>> from customer_understanding.ingest import load_source
    >>> loaded = load_source(Source(name="users", data=[{"id": "1", "name": "Ann Lee"}],
    ...                             mapping="zendesk.users"))
    >>> loaded.table.column("last_name").tolist(), loaded.report.loaded
    (['Lee'], 1)
    """

    source: str
    mapping: SourceMapping
    table: Table
    stages: StageHistoryTable
    report: SourceReport


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Loaded:
    """Everything one :func:`load` call produced: loaded sources and the load report.

    Examples
    --------
    >>> from customer_understanding.ingest import load
    >>> loaded = load([Source(name="users", data=[{"id": "1"}], mapping="zendesk.users")])
    >>> [s.source for s in loaded.sources], loaded.report.rows
    (['users'], 1)
    """

    sources: tuple[LoadedSource, ...]
    report: LoadReport

    def combined(self, kind: type[T]) -> T:
        """All loaded rows of one table class stacked into one table (stage dates included).

        Examples
        --------
        >>> from customer_understanding.ingest import load
        >>> from customer_understanding.tables import ContactRecords
        >>> rows = [{"id": "1", "email": "ann@beta.io"}]
        >>> loaded = load([Source(name="users", data=rows, mapping="zendesk.users")])
        >>> len(loaded.combined(ContactRecords))
        1
        """
        parts = [s.table for s in self.sources if isinstance(s.table, kind)]
        parts += [s.stages for s in self.sources if isinstance(s.stages, kind) and len(s.stages)]
        return kind.concat(parts)
