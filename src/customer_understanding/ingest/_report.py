"""What ingestion found: problems with their row, column and value, and row accounting."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from customer_understanding._core import TableExport, html_table, summary, typed_fields
from customer_understanding._errors import InvalidValueError, scrub
from customer_understanding._errors import personal as personal_repr

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["LoadReport", "Problem", "SourceReport"]


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Problem:
    """One thing wrong with a source table.

    Parameters
    ----------
    source
        The source's name.
    row
        The 0-based position of the row in the source table, or ``None`` for a problem
        with the table as a whole (a missing column, an unreadable file).
    column
        The source column, when the problem is in one.
    value
        The offending value as found.
    reason
        What is wrong with it.
    line
        For files, the line number (the header is line 1).
    nulled
        ``True`` when the row was kept with this cell loaded as missing (a bad value in
        an optional field, in lenient mode); ``False`` when the problem rejects the row.
    personal
        Whether the value is personal (an e-mail address, a person's name, a phone
        number): :meth:`describe` masks it unless asked to show it.

    Examples
    --------
    >>> Problem(source="crm", row=4, column="Amount", value="TBD",
    ...         reason="not a number", line=6).describe()
    "line 6 (row 4), column 'Amount', value 'TBD': not a number"
    >>> bad = Problem(source="crm", row=4, column="Email", value="ann@@acme.com",
    ...               reason="not a valid e-mail address", personal=True)
    >>> bad.describe()
    "row 4, column 'Email', value 'a***@a***.com': not a valid e-mail address"
    >>> bad.describe(show_values=True)
    "row 4, column 'Email', value 'ann@@acme.com': not a valid e-mail address"
    """

    source: str
    row: int | None
    column: str | None
    value: object
    reason: str
    line: int | None = None
    nulled: bool = False
    personal: bool = False

    def describe(self, *, show_values: bool | None = None) -> str:
        """One line naming where the problem is and what is wrong.

        Personal values, and any e-mail address in the line, are masked unless
        ``show_values`` is true; ``None`` follows
        :func:`~customer_understanding.show_personal_values`.
        """
        parts = []
        if self.row is not None:
            parts.append(
                f"row {self.row}" if self.line is None else f"line {self.line} (row {self.row})"
            )
        if self.column is not None:
            parts.append(f"column {self.column!r}")
        if self.row is not None and self.column is not None:
            shown = (
                personal_repr(self.value, show=show_values) if self.personal else repr(self.value)
            )
            parts.append(f"value {shown}")
        where = ", ".join(parts) or "table"
        kept = " (loaded as missing)" if self.nulled else ""
        return scrub(f"{where}: {self.reason}{kept}", show=show_values)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class SourceReport:
    """Row accounting for one source: every input row is loaded, rejected or skipped.

    Parameters
    ----------
    source
        The source's name.
    system, target
        The system it came from and what its rows became (``"contact"``, ``"interaction"`` …).
    rows
        Input rows.
    loaded
        Rows turned into records or interactions.
    problems
        Every problem found, including those of rejected rows.
    rejected_rows
        The 0-based positions of rejected rows.
    skipped_rows
        The 0-based positions of rows the mapping does not read (its ``rows_where``):
        neither loaded nor rejected, and without problems.
    notes
        What was detected or is worth a look but rejected nothing: the encoding or
        delimiter of a file, a mapped column the data does not have, a column that is
        empty on every row.

    Examples
    --------
    >>> report = SourceReport(source="crm", system="salesforce", target="contact", rows=3,
    ...                       loaded=2, rejected_rows=(1,))
    >>> report.rejected, report.balanced
    (1, True)
    """

    source: str
    system: str
    target: str
    rows: int
    loaded: int
    problems: tuple[Problem, ...] = ()
    rejected_rows: tuple[int, ...] = ()
    notes: tuple[str, ...] = ()
    skipped_rows: tuple[int, ...] = ()

    @property
    def rejected(self) -> int:
        """Number of rejected rows."""
        return len(self.rejected_rows)

    @property
    def skipped(self) -> int:
        """Number of rows the mapping does not read."""
        return len(self.skipped_rows)

    @property
    def balanced(self) -> bool:
        """Whether loaded, rejected and skipped rows add up to the input rows."""
        return self.loaded + self.rejected + self.skipped == self.rows


def _reports(value: object) -> tuple[SourceReport, ...]:
    items = tuple(value) if isinstance(value, list | tuple) else (value,)
    for item in items:
        if not isinstance(item, SourceReport):
            msg = f"sources holds {item!r}, which is not a SourceReport"
            raise InvalidValueError(msg)
    return items


@attrs.frozen(field_transformer=typed_fields, kw_only=True, repr=False)
class LoadReport(TableExport):
    """Row accounting and problems for every source of one load.

    Examples
    --------
    >>> report = LoadReport(sources=(SourceReport(source="crm", system="salesforce",
    ...     target="contact", rows=3, loaded=3),))
    >>> report.rows, report.loaded, report.rejected
    (3, 3, 0)
    >>> report
    LoadReport: 1 row, input_rows=3, loaded=3, rejected=0, problems=0
    """

    sources: tuple[SourceReport, ...] = attrs.field(default=(), converter=_reports)

    def __len__(self) -> int:
        """The number of sources (the rows of :meth:`to_pandas`)."""
        return len(self.sources)

    def __repr__(self) -> str:
        skipped = {"skipped": self.skipped} if self.skipped else {}
        return summary("LoadReport", len(self), input_rows=self.rows, loaded=self.loaded,
                       rejected=self.rejected, **skipped, problems=len(self.problems))  # fmt: skip

    def _repr_html_(self) -> str:
        return html_table(repr(self), self.to_pandas())

    @property
    def rows(self) -> int:
        """Input rows across all sources."""
        return sum(source.rows for source in self.sources)

    @property
    def loaded(self) -> int:
        """Loaded rows across all sources."""
        return sum(source.loaded for source in self.sources)

    @property
    def rejected(self) -> int:
        """Rejected rows across all sources."""
        return sum(source.rejected for source in self.sources)

    @property
    def skipped(self) -> int:
        """Rows that no mapping reads (``rows_where``), across all sources."""
        return sum(source.skipped for source in self.sources)

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Every problem of every source."""
        return tuple(problem for source in self.sources for problem in source.problems)

    @property
    def notes(self) -> tuple[str, ...]:
        """Every source's notes, each prefixed with the source's name."""
        return tuple(f"{source.source}: {note}" for source in self.sources for note in source.notes)

    def to_pandas(self) -> pd.DataFrame:
        """One row per source: system, target, rows, loaded, rejected, skipped."""
        import pandas as pd

        columns = ["source", "system", "target", "rows", "loaded", "rejected", "skipped"]
        return pd.DataFrame(
            [
                {
                    "source": s.source,
                    "system": s.system,
                    "target": s.target,
                    "rows": s.rows,
                    "loaded": s.loaded,
                    "rejected": s.rejected,
                    "skipped": s.skipped,
                }
                for s in self.sources
            ],
            columns=columns,
        )

    def problems_to_pandas(self) -> pd.DataFrame:
        """One row per problem: source, row, line, column, value, reason, nulled."""
        import pandas as pd

        columns = ["source", "row", "line", "column", "value", "reason", "nulled"]
        rows = [attrs.asdict(problem) for problem in self.problems]
        return pd.DataFrame(rows, columns=columns)


def merge_reports(reports: Sequence[SourceReport]) -> LoadReport:
    """Collect source reports into one load report."""
    return LoadReport(sources=tuple(reports))
