"""Golden records: survivorship rules per field, with the provenance of every value.

After linkage every cluster holds several records of one entity. For each field a rule
picks the record whose value survives into the golden record: the most recent, the most
frequent, the one from the most trusted source, the most complete, or one chosen by a
function of your own. Empty values never win, so a gap in one record does not hide a
value in another. The rules run in the engine the customer base uses as well
(:func:`survivors`); a user function is called once per cluster.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import (
    NAT,
    TableExport,
    as_frame,
    html_table,
    summary,
    typed_fields,
)
from customer_understanding._errors import InvalidValueError, NotFoundError, UnknownNameError
from customer_understanding.identity._rules import (
    Earliest,
    MostFrequent,
    MostRecent,
    Rule,
    SourcePriority,
    Survivorship,
)
from customer_understanding.identity._survive import survivors

if TYPE_CHECKING:
    from customer_understanding.typing import TableLike

__all__ = ["GoldenRecords", "golden_records"]

_PROVENANCE = ("cluster", "field", "record", "source", "value", "rule")


@attrs.frozen(field_transformer=typed_fields, kw_only=True, repr=False)
class GoldenRecords(TableExport):
    """One golden record per cluster, and which record gave each of its values.

    Parameters
    ----------
    golden
        One row per cluster (indexed by the cluster label), one column per field.
    provenance
        One row per cluster and field: ``cluster``, ``field``, ``record`` (the winning
        record's id, missing when no record had a value), ``source``, ``value`` and
        ``rule``. Both frames are kept private: :meth:`to_pandas` and
        :meth:`provenance` hand out copies.

    Examples
    --------
    >>> import pandas as pd
    >>> from customer_understanding.identity import MostComplete
    >>> records = pd.DataFrame({"name": ["Ann Lee", "Ann  Lee-Smith"]})
    >>> result = golden_records(records, [7, 7], default=MostComplete())
    >>> result
    GoldenRecords: 1 row, fields=1
    >>> result.to_pandas()
                   name
    cluster
    7        Ann  Lee-Smith
    >>> result.provenance_of(7)[["field", "record", "rule"]].to_dict("records")
    [{'field': 'name', 'record': 1, 'rule': 'most_complete'}]
    """

    _golden: pd.DataFrame = attrs.field(alias="golden")
    _provenance: pd.DataFrame = attrs.field(alias="provenance")

    def __len__(self) -> int:
        return len(self._golden)

    def __repr__(self) -> str:
        return summary("GoldenRecords", len(self), fields=len(self._golden.columns))

    def _repr_html_(self) -> str:
        return html_table(repr(self), self.to_pandas().reset_index())

    def to_pandas(self) -> pd.DataFrame:
        """The golden records, one row per cluster (a new DataFrame)."""
        return self._golden.copy()

    def provenance(self) -> pd.DataFrame:
        """Per cluster and field, the record whose value won (a new DataFrame)."""
        return self._provenance.copy()

    def provenance_of(self, cluster: Hashable) -> pd.DataFrame:
        """Where each field of one cluster's golden record comes from.

        Raises
        ------
        NotFoundError
            When no record belongs to ``cluster``.
        """
        if cluster not in self._golden.index:
            msg = f"cluster={cluster!r} holds no records"
            raise NotFoundError(msg)
        rows = self._provenance[self._provenance["cluster"] == cluster]
        return rows.reset_index(drop=True)


def _present(values: pd.Series[Any]) -> npt.NDArray[np.bool_]:
    present = values.notna().to_numpy(copy=True)  # updated in place below
    if values.dtype == object or isinstance(values.dtype, pd.StringDtype):
        text = values.astype("string").str.strip()
        present &= (text.str.len() > 0).fillna(False).to_numpy()
    return np.asarray(present, dtype=bool)


def _times(values: pd.Series[Any]) -> npt.NDArray[np.int64]:
    """Recency as int64 (nanoseconds for dates); missing times rank as the oldest."""
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values):
        return values.fillna(NAT).to_numpy(dtype=np.int64)
    stamps = pd.to_datetime(values, utc=True, errors="coerce")
    bad = values[stamps.isna().to_numpy() & values.notna().to_numpy()]
    if len(bad):
        warnings.warn(
            f"time_column={values.name!r} holds {len(bad)} values that are not times "
            f"(first {bad.iloc[0]!r}); they rank as the oldest",
            UserWarning,
            stacklevel=4,
        )
    nanoseconds: npt.NDArray[np.int64] = stamps.to_numpy(dtype="datetime64[ns]").view(np.int64)
    return nanoseconds


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class _Context:
    records: pd.DataFrame
    clusters: npt.NDArray[Any]
    ids: npt.NDArray[Any]
    sources: npt.NDArray[Any] | None
    times: npt.NDArray[np.int64] | None


def _check_rules(fields: Sequence[str], policy: Survivorship, context: _Context) -> None:
    rules, default = policy.rules, policy.default
    for field in rules:
        if field not in fields:
            msg = f"rules names field {field!r}, which is not a column of records: {fields!r}"
            raise UnknownNameError(msg)
    given: list[tuple[str, Rule]] = [*rules.items(), ("default", default)]
    for field, rule in given:
        if isinstance(rule, MostRecent | Earliest) and context.times is None:
            msg = f"rules[{field!r}]={type(rule).__name__}() needs time_column"
            raise InvalidValueError(msg)
        if isinstance(rule, SourcePriority):
            if context.sources is None:
                msg = f"rules[{field!r}]={rule.label} needs source_column"
                raise InvalidValueError(msg)
            unknown = sorted(set(rule.order) - set(pd.unique(context.sources)))
            if unknown:
                warnings.warn(
                    f"rules[{field!r}]={rule.label} names sources that no record has: "
                    f"{', '.join(map(repr, unknown))}",
                    UserWarning,
                    stacklevel=4,
                )


def _column(records: pd.DataFrame, name: str | None, argument: str) -> pd.Series[Any] | None:
    if name is None:
        return None
    if name not in records.columns:
        msg = f"{argument}={name!r} is not a column of records: {list(records.columns)!r}"
        raise UnknownNameError(msg)
    return records[name]


def _context(
    records: pd.DataFrame,
    clusters: npt.ArrayLike,
    columns: tuple[str | None, str | None, str | None],
) -> _Context:
    labels = np.asarray(clusters)
    if labels.ndim != 1 or len(labels) != len(records):
        msg = f"clusters has {labels.size} labels but records has {len(records)} rows"
        raise InvalidValueError(msg)
    if len(labels) and pd.isna(labels).any():
        msg = f"clusters holds a missing label at row {int(np.flatnonzero(pd.isna(labels))[0])}"
        raise InvalidValueError(msg)
    source, time, ids = (
        _column(records, columns[0], "source_column"),
        _column(records, columns[1], "time_column"),
        _column(records, columns[2], "id_column"),
    )
    id_values = records.index.to_numpy() if ids is None else ids.to_numpy()
    repeated = pd.Series(id_values)[pd.Series(id_values).duplicated()]
    if len(repeated):
        name = "the index" if ids is None else f"id_column={columns[2]!r}"
        msg = f"record ids in {name} are not unique: {repeated.iloc[0]!r} repeats"
        raise InvalidValueError(msg)
    return _Context(
        records=records,
        clusters=labels,
        ids=id_values,
        sources=None if source is None else source.to_numpy(dtype=object),
        times=None if time is None else _times(time),
    )


def golden_records(
    records: TableLike,
    clusters: npt.ArrayLike,
    *,
    rules: Mapping[str, Rule] | None = None,
    default: Rule | None = None,
    source_column: str | None = None,
    time_column: str | None = None,
    id_column: str | None = None,
) -> GoldenRecords:
    """Build one golden record per cluster, choosing each field's value by a rule.

    Parameters
    ----------
    records
        The linked records, one row each (a pandas or polars DataFrame, or a pyarrow Table).
    clusters
        The cluster label of each record (for example :attr:`LinkResult.clusters`).
    rules
        The rule for each field that should not follow ``default``.
    default
        The rule for every other field: :class:`MostRecent` when ``time_column`` is
        given, else :class:`MostFrequent`.
    source_column, time_column, id_column
        The columns naming each record's source, its last update and its id (default:
        the index). They are not fields of the golden record.

    Returns
    -------
    GoldenRecords
        The golden records and, per cluster and field, the record that won.

    Raises
    ------
    UnknownNameError
        When ``rules`` or a ``*_column`` names a column ``records`` does not have.
    InvalidValueError
        When a rule cannot run (no time or source column), ``clusters`` does not fit
        ``records``, record ids repeat, or a :class:`Custom` rule picks a row outside
        the cluster.

    Examples
    --------
    >>> import pandas as pd
    >>> from customer_understanding.identity import MostFrequent, SourcePriority
    >>> records = pd.DataFrame({
    ...     "system": ["hubspot", "salesforce", "zendesk"],
    ...     "updated": pd.to_datetime(["2024-03-01", "2023-01-01", "2024-06-01"]),
    ...     "name": ["Ann Lee", "Ann Lee", "A. Lee"],
    ...     "phone": [None, "555-0100", "555 0199"]})
    >>> result = golden_records(records, [0, 0, 0], source_column="system",
    ...     time_column="updated", rules={"name": MostFrequent(),
    ...     "phone": SourcePriority(order=["salesforce", "hubspot"])})
    >>> result.to_pandas().iloc[0].tolist()
    ['Ann Lee', '555-0100']
    >>> result.provenance_of(0)[["field", "record", "source"]].values.tolist()
    [['name', 0, 'hubspot'], ['phone', 1, 'salesforce']]
    """
    records = as_frame(records, name="records")
    context = _context(records, clusters, (source_column, time_column, id_column))
    meta = {source_column, time_column, id_column}
    fields = [column for column in records.columns if column not in meta]
    chosen_default: Rule = default or (MostRecent() if time_column else MostFrequent())
    policy = Survivorship(rules=rules or {}, default=chosen_default)
    _check_rules(fields, policy, context)
    codes, labels = pd.factorize(context.clusters)
    winners = survivors(
        {field: records[field].to_numpy() for field in fields},
        codes.astype(np.int64),
        survivorship=policy,
        present={field: _present(records[field]) for field in fields},
        n_clusters=len(labels),
        sources=context.sources,
        times=context.times,
        ids=context.ids,
    )
    index = pd.Index(labels, name="cluster")
    shown = np.argsort(index, kind="stable") if _sortable(index) else np.arange(len(index))
    golden: dict[str, pd.Series[Any]] = {}
    provenance: list[pd.DataFrame] = []
    for field in fields:
        rows = winners[field][shown]
        golden[field] = _take(records[field], rows, index[shown])
        provenance.append(_provenance(context, field, policy.rule_of(field), rows, index[shown]))
    table = pd.DataFrame(golden, index=index[shown])
    if not provenance:
        return GoldenRecords(golden=table, provenance=pd.DataFrame(columns=list(_PROVENANCE)))
    return GoldenRecords(golden=table, provenance=pd.concat(provenance, ignore_index=True))


def _sortable(index: pd.Index[Any]) -> bool:
    try:
        index.sort_values()
    except TypeError:
        return False
    return True


def _take(
    values: pd.Series[Any], rows: npt.NDArray[np.int64], index: pd.Index[Any]
) -> pd.Series[Any]:
    """Each cluster's winning value; clusters without any value get a missing one."""
    found = rows >= 0
    taken = pd.Series(values.to_numpy()[rows[found]], index=index[found], dtype=values.dtype)
    return taken.reindex(index)


def _provenance(
    context: _Context, field: str, rule: Rule, rows: npt.NDArray[np.int64], index: pd.Index[Any]
) -> pd.DataFrame:
    found = rows >= 0

    def pick(column: npt.NDArray[Any] | None) -> npt.NDArray[np.object_]:
        picked = np.full(len(rows), None, dtype=object)
        if column is not None:
            picked[found] = column[rows[found]]
        return picked

    return pd.DataFrame(
        {
            "cluster": index.to_numpy(),
            "field": field,
            "record": pick(context.ids),
            "source": pick(context.sources),
            "value": pick(context.records[field].to_numpy()),
            "rule": rule.label,
        }
    )
