"""Loading source tables through their mappings, with row-level problems and accounting."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import DAY_NS
from customer_understanding._errors import IngestError, InvalidValueError, UnknownNameError
from customer_understanding.domain import INTERACTION_TYPES
from customer_understanding.ingest._columns import REFERENCES, check_columns, check_systems
from customer_understanding.ingest._distinct import distinct_text, expand
from customer_understanding.ingest._mapping import SourceMapping
from customer_understanding.ingest._names import split_full_names
from customer_understanding.ingest._parse import PARSERS, Parsed, normalize_phones, parse_time
from customer_understanding.ingest._read import RawTable, read_source
from customer_understanding.ingest._report import LoadReport, Problem, SourceReport
from customer_understanding.ingest._source import ErrorPolicy, Loaded, LoadedSource, Source
from customer_understanding.tables import NAT, StageHistoryTable, Table

__all__ = ["load", "load_source"]


# Fields whose values identify a person: masked in problem messages by default.
_PERSONAL_KINDS = frozenset({"email", "phone", "full_name"})
_PERSONAL_FIELDS = frozenset({"first_name", "last_name"})


def _objects(series: pd.Series[Any]) -> npt.NDArray[np.object_]:
    """The series as an object array with ``None`` wherever pandas sees a missing value."""
    array: npt.NDArray[np.object_] = series.to_numpy(dtype=object, copy=True)
    array[series.isna().to_numpy()] = None
    return array


def load(sources: Iterable[Source], *, policy: ErrorPolicy = "strict") -> Loaded:
    """Load source tables, checking every row.

    Parameters
    ----------
    sources
        The sources to load.
    policy
        ``"strict"`` raises one :class:`IngestError` per failing source listing every
        problem in it (an ``ExceptionGroup`` of them when several sources fail);
        ``"lenient"`` loads the good rows and reports the rejected ones.

    Returns
    -------
    Loaded
        The loaded tables and a :class:`LoadReport` in which loaded plus rejected rows
        equal the input rows of every source.

    Examples
    --------
    >>> rows = [{"id": "1", "email": "ann@beta.io"}, {"id": "2", "email": "bob@"}]
    >>> loaded = load([Source(name="users", data=rows, mapping="zendesk.users")],
    ...               policy="lenient")
    >>> loaded.report.loaded, loaded.report.rejected
    (2, 0)
    >>> print(loaded.report.problems[0].describe())
    row 1, column 'email', value 'b***@': not a valid e-mail address (loaded as missing)
    """
    _check_policy(policy)
    results: list[LoadedSource] = []
    errors: list[IngestError] = []
    for source in sources:
        try:
            results.append(load_source(source, policy=policy))
        except IngestError as error:
            errors.append(error)
    if not errors:
        results, errors = _checked_systems(results, policy)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        msg = f"{len(errors)} sources failed to load"
        raise ExceptionGroup(msg, errors)
    return Loaded(
        sources=tuple(results), report=LoadReport(sources=tuple(r.report for r in results))
    )


def _checked_systems(
    results: list[LoadedSource], policy: ErrorPolicy
) -> tuple[list[LoadedSource], list[IngestError]]:
    """Report references to a system that no loaded source of that kind uses."""
    refs = [(r.source, r.mapping.system, kind) for r in results
            for column, kind in REFERENCES.items()
            if column in r.table.SCHEMA.names
            and pd.notna(r.table.column(column)).any()]  # fmt: skip
    findings = check_systems(refs, [(r.mapping.system, r.mapping.target) for r in results])
    checked, errors = [], []
    for result in results:
        found = findings.get(result.source, [])
        problems = tuple(Problem(source=result.source, row=None, column=None, value=None,
                                 reason=message) for bad, message in found if bad)  # fmt: skip
        if problems and policy == "strict":
            errors.append(IngestError(result.source, problems))
        notes = tuple(message for bad, message in found if not bad)
        report = attrs.evolve(result.report, problems=(*problems, *result.report.problems),
                              notes=(*result.report.notes, *notes))  # fmt: skip
        checked.append(attrs.evolve(result, report=report))
    return checked, errors


def _check_policy(policy: str) -> None:
    if policy not in ("strict", "lenient"):
        msg = f"policy={policy!r} must be 'strict' or 'lenient'"
        raise InvalidValueError(msg)


def load_source(source: Source, *, policy: ErrorPolicy = "strict") -> LoadedSource:
    """Load one source; see :func:`load`.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"visit_id": ["v1"], "timestamp": ["2026-01-05T10:00:00Z"],
    ...                       "domain": ["https://www.beta.io/"], "page": ["/pricing"]})
    >>> loaded = load_source(Source(name="web", data=frame, mapping="web.visits"))
    >>> loaded.table.labels("domain").tolist(), loaded.table.labels("type").tolist()
    (['beta.io'], ['page_view'])
    """
    _check_policy(policy)
    raw = read_source(source.data, source=source.name, options=source.csv_options())
    return _Loader(source, raw).run(policy)


class _Loader:
    """Parses one frame through one mapping, collecting problems per cell."""

    def __init__(self, source: Source, raw: RawTable) -> None:
        self.source = source
        self.mapping = source.mapping
        self.frame = raw.frame
        self.rows = len(raw.frame)
        self.lines = raw.lines
        self.notes = raw.notes
        self.problems: list[Problem] = list(raw.damaged)
        # A damaged record has no trustworthy cells: its one problem says why.
        self.damaged = frozenset(p.row for p in raw.damaged if p.row is not None)
        self.flagged: set[tuple[int, str | None]] = set()
        self.columns: dict[str, npt.NDArray[Any]] = {}
        self.personal = _personal_columns(self.mapping)
        self.skipped = self._skipped_rows()

    def _skipped_rows(self) -> frozenset[int]:
        """Rows the mapping's ``rows_where`` does not read (damaged rows are not skipped)."""
        read = np.ones(self.rows, dtype=np.bool_)
        for column, values in self.mapping.rows_where.items():
            if column not in self.frame.columns:
                continue  # reported as a missing column by _check_columns
            folded = self.frame[column].astype("string").str.strip().str.lower()
            read &= folded.isin(values).fillna(False).to_numpy(dtype=np.bool_)
        return frozenset(np.flatnonzero(~read).tolist()) - self.damaged

    def run(self, policy: ErrorPolicy) -> LoadedSource:
        self._check_columns()
        for field, kind in self.mapping.spec.fields.items():
            self._field(field, kind)
        self._properties()
        self._derive()
        self._check_required()
        self._check_order()
        self._check_duplicates()
        stages, stage_rows = self._stage_dates()
        rejected = sorted({p.row for p in self.problems if p.row is not None and not p.nulled})
        if self.problems and policy == "strict":
            raise IngestError(self.source.name, self.problems)
        keep = np.ones(self.rows, dtype=bool)
        keep[rejected] = False
        keep[sorted(self.skipped)] = False
        table = self._table().take(keep)
        stages = stages.take(keep[stage_rows])
        report = SourceReport(
            source=self.source.name,
            system=self.mapping.system,
            target=self.mapping.target,
            rows=self.rows,
            loaded=int(keep.sum()),
            problems=tuple(sorted(self.problems, key=lambda p: (p.row or 0, p.column or ""))),
            rejected_rows=tuple(rejected),
            skipped_rows=tuple(sorted(self.skipped)),
            notes=self.notes,
        )
        return LoadedSource(
            source=self.source.name, mapping=self.mapping, table=table, stages=stages, report=report
        )

    # -- problems ---------------------------------------------------------------------

    def _problem(
        self, row: int | None, column: str | None, value: object, reason: str, *,
        nulled: bool = False,
    ) -> None:  # fmt: skip
        if row in self.damaged or (row is not None and (row, column) in self.flagged):
            return  # one problem per cell: the first names the real cause
        if row in self.skipped:
            return  # a row the mapping does not read has no problems
        if row is not None:
            self.flagged.add((row, column))
        line = None if row is None or self.lines is None else int(self.lines[row])
        self.problems.append(
            Problem(
                source=self.source.name,
                row=row,
                column=column,
                value=value,
                reason=reason,
                line=line,
                nulled=nulled,
                personal=column in self.personal,
            )
        )

    def _flag(
        self, column: str, bad: npt.NDArray[np.bool_], reason: str, *, nulled: bool = False
    ) -> None:
        raw = self.frame[column] if column in self.frame.columns else None
        for row in np.flatnonzero(bad).tolist():
            value = None if raw is None else raw.iloc[row]
            if value is not None and pd.api.types.is_scalar(value) and pd.isna(value):
                value = None
            self._problem(row, column, value, reason, nulled=nulled)

    def _flag_parsed(self, column: str, parsed: Parsed, *, nulled: bool) -> None:
        if parsed.reasons is None:
            self._flag(column, parsed.bad, parsed.reason, nulled=nulled)
            return
        for reason in dict.fromkeys(parsed.reasons[parsed.bad].tolist()):
            self._flag(column, parsed.bad & (parsed.reasons == reason), reason, nulled=nulled)

    def _check_columns(self) -> None:
        what = f"{self.mapping.system} {self.mapping.target}"
        check = check_columns(dict(self.mapping.fields), self.mapping.spec.required,
                              self.frame, what=what)  # fmt: skip
        for column, reason in check.problems:
            self._problem(None, column or None, None, reason)
        for column in self.mapping.rows_where:
            if column not in self.frame.columns:
                # Which rows to read cannot be told: none is read.
                self.skipped = frozenset()
                for row in range(self.rows):
                    self._problem(row, column, None, "column that rows_where reads is missing")
        for _, column in check.missing_required:
            # Every row is rejected: the table cannot be read without it.
            for row in range(self.rows):
                self._problem(row, column, None, "required column is missing")
        self.notes = (*self.notes, *check.notes)

    # -- fields -----------------------------------------------------------------------

    def _raw(self, field: str) -> pd.Series[Any] | None:
        column = self.mapping.fields.get(field)
        if field in self.mapping.constants:
            return pd.Series([self.mapping.constants[field]] * self.rows, dtype=object)
        if column is None or column not in self.frame.columns:
            return None
        return self._mapped_values(field, self.frame[column])

    def _mapped_values(self, field: str, raw: pd.Series[Any]) -> pd.Series[Any]:
        table = self.mapping.value_maps.get(field, {})
        default = self.mapping.defaults.get(field)
        if not table and default is None:
            return raw
        codes, texts = distinct_text(raw)
        mapped = [table.get(text.lower(), text if default is None else default) for text in texts]
        return pd.Series(expand(codes, np.array(mapped, dtype=object), None), dtype=object)

    def _field(self, field: str, kind: str) -> None:
        raw = self._raw(field)
        if raw is None:
            return
        column = self.mapping.fields.get(field, field)
        if kind == "time":
            parsed = parse_time(raw, self.mapping.time_formats.get(column))
        else:
            parsed = PARSERS[kind](raw)
        # A bad optional value is loaded as missing; only a bad required one rejects the row.
        optional = field not in self.mapping.spec.required
        self._flag_parsed(column, parsed, nulled=optional)
        self.columns[field] = parsed.array

    def _properties(self) -> None:
        if self.mapping.properties is None:
            return
        column, keys = self.mapping.properties
        if column not in self.frame.columns:
            return
        codes, texts = distinct_text(self.frame[column])
        decoded = [_json_object(text) for text in texts.tolist()]
        broken = np.array([item is None for item in decoded], dtype=bool)
        self._flag(column, expand(codes, broken, False), "not a JSON object")
        for field, key in keys.items():
            per_value = np.array([(item or {}).get(key) for item in decoded], dtype=object)
            series = pd.Series(expand(codes, per_value, None), dtype=object)
            parsed = PARSERS[self.mapping.spec.fields[field]](series)
            optional = field not in self.mapping.spec.required
            self._flag(column, parsed.bad, f"property {key!r}: {parsed.reason}", nulled=optional)
            self.columns[field] = parsed.array

    def _derive(self) -> None:
        target = self.mapping.target
        if "source_id" not in self.columns:
            self.columns["source_id"] = np.array([str(i) for i in range(self.rows)], dtype=object)
        if target == "contact":
            self._split_full_name()
            if "phone" in self.columns:
                self.columns["phone_normalized"] = normalize_phones(
                    self.columns["phone"], region=self.source.default_region
                )
            self.columns.setdefault("record_type", np.full(self.rows, "contact", dtype=object))
        if target == "interaction" and "type" in self.columns:
            self._default_from_type("discipline", "channel")
        if target == "stage_change":
            self.columns.setdefault("subject_kind", np.full(self.rows, "contact", dtype=object))

    def _split_full_name(self) -> None:
        full = self.columns.pop("full_name", None)
        if full is None or "last_name" in self.columns:
            return
        self.columns["first_name"], self.columns["last_name"] = split_full_names(full)

    def _default_from_type(self, *fields: str) -> None:
        types = pd.Series(self.columns["type"], dtype=object)
        for field in fields:
            known = {name: str(getattr(info, field)) for name, info in INTERACTION_TYPES.items()}
            derived = types.map(known)
            given = self.columns.get(field)
            if given is not None:
                derived = pd.Series(given, dtype=object).where(pd.notna(given), derived)
            if field == "channel":
                derived = derived.where(derived.notna() | types.isna(), "other")
            self.columns[field] = _objects(derived)
        unknown = pd.isna(self.columns["discipline"]) & types.notna().to_numpy()
        column = self.mapping.fields.get("type", "type")
        self._flag(column, unknown, "type has no known discipline: map or set 'discipline'")

    def _check_required(self) -> None:
        for field in self.mapping.spec.required:
            values = self.columns.get(field)
            column = self.mapping.fields.get(field, field)
            if values is None:
                if column in self.frame.columns or field in self.mapping.fields:
                    continue  # already reported as a missing column
                reason = f"the mapping gives no column or constant for required field {field!r}"
                raise UnknownNameError(reason)
            kind = self.mapping.spec.fields[field]
            missing = values == NAT if kind == "time" else pd.isna(values)
            self._flag(column, missing, "a required value is missing")

    def _check_order(self) -> None:
        # A deal cannot close before it was opened: one of the two dates is wrong, and
        # nothing says which, so the row is a problem (rejected, or named in strict mode).
        opened, closed = self.columns.get("created_at"), self.columns.get("closed_at")
        if self.mapping.target != "opportunity" or opened is None or closed is None:
            return
        # Days, not instants: a close date without a time of day may fall on the opening day.
        bad = (opened != NAT) & (closed != NAT) & (closed // DAY_NS < opened // DAY_NS)
        column = self.mapping.fields.get("closed_at", "closed_at")
        created = self.frame.get(self.mapping.fields.get("created_at", ""))
        for row in np.flatnonzero(bad).tolist():
            when = None if created is None else created.iloc[row]
            self._problem(row, column, self.frame[column].iloc[row],
                          f"the deal closes before it was created ({when})")  # fmt: skip

    def _check_duplicates(self) -> None:
        # Records must be unique per source; so must interactions that carry their own id
        # (a repeated one would be counted twice).
        if self.mapping.target not in ("account", "contact", "opportunity", "interaction"):
            return
        if self.mapping.target == "interaction" and "source_id" not in self.mapping.fields:
            return
        ids = pd.Series(self.columns["source_id"], dtype=object)
        shared = (ids.duplicated(keep=False) & ids.notna()).to_numpy()
        if not shared.any():
            return
        # Which row of an id stays must not depend on row order: the one whose cells sort
        # first (identical rows are interchangeable), the others are rejected.
        rows = np.flatnonzero(shared)
        cells = self.frame.iloc[rows].astype(object)
        content = ["\x1f".join(map(str, row)) for row in cells.where(cells.notna(), "").to_numpy()]
        order = sorted(range(len(rows)), key=lambda i: (str(ids.iloc[rows[i]]), content[i]))
        kept: dict[object, int] = {}
        column = self.mapping.fields.get("source_id", "source_id")
        for i in order:
            row, value = int(rows[i]), ids.iloc[rows[i]]
            if value not in kept:
                kept[value] = row
                continue
            self._problem(row, column, value, f"duplicate id, the row kept is row {kept[value]}")

    def _stage_dates(self) -> tuple[StageHistoryTable, npt.NDArray[np.intp]]:
        """Stage changes from per-stage date columns, with the source row of each."""
        rows: list[npt.NDArray[np.intp]] = []
        parts: dict[str, list[npt.NDArray[Any]]] = {"at": [], "stage": []}
        for column, stage in self.mapping.stage_dates.items():
            if column not in self.frame.columns:
                continue
            parsed = parse_time(self.frame[column], self.mapping.time_formats.get(column))
            self._flag_parsed(column, parsed, nulled=True)
            present = np.flatnonzero(parsed.array != NAT)
            rows.append(present)
            parts["at"].append(parsed.array[present])
            parts["stage"].append(np.full(len(present), stage, dtype=object))
        if not rows:
            return StageHistoryTable.empty(), np.zeros(0, dtype=np.intp)
        taken = np.concatenate(rows)
        table = StageHistoryTable.from_columns(
            {
                "system": np.full(len(taken), self.mapping.system, dtype=object),
                "source_id": self.columns["source_id"][taken],
                "subject_kind": np.full(len(taken), self.mapping.target, dtype=object),
                "subject_ref": self.columns["source_id"][taken],
                "stage": np.concatenate(parts["stage"]),
                "at": np.concatenate(parts["at"]),
            }
        )
        return table, taken

    def _table(self) -> Table:
        table_cls = self.mapping.spec.table
        columns = {
            name: array for name, array in self.columns.items() if name in table_cls.SCHEMA.names
        }
        columns["system"] = np.full(self.rows, self.mapping.system, dtype=object)
        return table_cls.from_columns(columns, length=self.rows)


def _personal_columns(mapping: SourceMapping) -> frozenset[str]:
    """The source columns that hold e-mail addresses, phone numbers or people's names."""
    kinds = mapping.spec.fields
    personal = {field for field, kind in kinds.items() if kind in _PERSONAL_KINDS}
    if mapping.target == "contact":
        personal |= _PERSONAL_FIELDS
    columns = {column for field, column in mapping.fields.items() if field in personal}
    if mapping.properties and personal & set(mapping.properties[1]):
        columns.add(mapping.properties[0])
    return frozenset(columns)


def _json_object(text: str) -> Mapping[str, Any] | None:
    """The JSON object in ``text``, or ``None`` when it is not one."""
    try:
        decoded = json.loads(text)
    except json.JSONDecodeError:
        return None
    return decoded if isinstance(decoded, dict) else None
