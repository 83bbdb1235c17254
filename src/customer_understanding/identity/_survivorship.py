"""Golden records: survivorship rules per field, with the provenance of every value.

After linkage every cluster holds several records of one entity. For each field a rule
picks the record whose value survives into the golden record: the most recent, the most
frequent, the one from the most trusted source, the most complete, or one chosen by a
function of your own. Empty values never win, so a gap in one record does not hide a
value in another. The built-in rules run as one sort over all clusters; a user function
is called once per cluster.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, ClassVar, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._errors import InvalidValueError, NotFoundError, UnknownNameError

__all__ = [
    "Custom",
    "GoldenRecords",
    "MostComplete",
    "MostFrequent",
    "MostRecent",
    "Rule",
    "SourcePriority",
    "golden_records",
]

_OLDEST = np.iinfo(np.int64).min


@attrs.frozen(kw_only=True)
class MostRecent:
    """The value of the newest record (needs ``time_column``).

    Examples
    --------
    >>> MostRecent().label
    'most_recent'
    """

    label: ClassVar[str] = "most_recent"


@attrs.frozen(kw_only=True)
class MostFrequent:
    """The value most records agree on; ties go to the newest record, then the first.

    Examples
    --------
    >>> MostFrequent().label
    'most_frequent'
    """

    label: ClassVar[str] = "most_frequent"


def _order_tuple(order: Sequence[str]) -> tuple[str, ...]:
    if isinstance(order, str):
        return (order,)
    return tuple(order)


def _check_order(instance: SourcePriority, attribute: Any, value: tuple[str, ...]) -> None:
    if not value:
        msg = "order=() must name at least one source"
        raise InvalidValueError(msg)
    if len(set(value)) != len(value):
        msg = f"order={value!r} names a source twice"
        raise InvalidValueError(msg)


@attrs.frozen(kw_only=True)
class SourcePriority:
    """The value from the most trusted source; among equals the newest, then the first.

    Parameters
    ----------
    order
        Sources from most to least trusted; sources not listed come last.

    Examples
    --------
    >>> SourcePriority(order=["salesforce", "hubspot"]).label
    'source_priority(salesforce>hubspot)'
    """

    order: tuple[str, ...] = attrs.field(converter=_order_tuple, validator=_check_order)

    @property
    def label(self) -> str:
        """The rule as it is written in the provenance table."""
        return f"source_priority({'>'.join(self.order)})"


@attrs.frozen(kw_only=True)
class MostComplete:
    """The longest value (as text); ties go to the newest record, then the first.

    Examples
    --------
    >>> MostComplete().label
    'most_complete'
    """

    label: ClassVar[str] = "most_complete"


@attrs.frozen(kw_only=True)
class Custom:
    """A rule of your own, called once per cluster with the cluster's candidates.

    Parameters
    ----------
    function
        Takes a DataFrame of the cluster's candidate records (only those with a value),
        indexed by record id, with the columns ``value``, ``source`` and ``time``;
        returns the chosen row (a row of that frame or its index label).
    name
        How the rule is named in the provenance table.

    Examples
    --------
    >>> shortest = Custom(function=lambda c: c["value"].str.len().idxmin(), name="shortest")
    >>> shortest.label
    'custom(shortest)'
    """

    function: Callable[[pd.DataFrame], Any]
    name: str = "function"

    @property
    def label(self) -> str:
        """The rule as it is written in the provenance table."""
        return f"custom({self.name})"


#: A survivorship rule, as :func:`golden_records` takes them per field.
Rule: TypeAlias = MostRecent | MostFrequent | SourcePriority | MostComplete | Custom


@attrs.frozen(kw_only=True)
class GoldenRecords:
    """One golden record per cluster, and which record gave each of its values.

    Parameters
    ----------
    golden
        One row per cluster (indexed by the cluster label), one column per field.
    provenance
        One row per cluster and field: ``cluster``, ``field``, ``record`` (the winning
        record's id, missing when no record had a value), ``source``, ``value`` and
        ``rule``.

    Examples
    --------
    >>> import pandas as pd
    >>> records = pd.DataFrame({"name": ["Ann Lee", "Ann  Lee-Smith"]})
    >>> result = golden_records(records, [7, 7], default=MostComplete())
    >>> result.to_pandas()
                   name
    cluster
    7        Ann  Lee-Smith
    >>> result.provenance_of(7)[["field", "record", "rule"]].to_dict("records")
    [{'field': 'name', 'record': 1, 'rule': 'most_complete'}]
    """

    golden: pd.DataFrame
    provenance: pd.DataFrame

    def to_pandas(self) -> pd.DataFrame:
        """The golden records, one row per cluster."""
        return self.golden.copy()

    def provenance_of(self, cluster: Hashable) -> pd.DataFrame:
        """Where each field of one cluster's golden record comes from.

        Raises
        ------
        NotFoundError
            When no record belongs to ``cluster``.
        """
        if cluster not in self.golden.index:
            msg = f"cluster={cluster!r} holds no records"
            raise NotFoundError(msg)
        rows = self.provenance[self.provenance["cluster"] == cluster]
        return rows.reset_index(drop=True)


def _present(values: pd.Series[Any]) -> npt.NDArray[np.bool_]:
    present = values.notna().to_numpy()
    if values.dtype == object or isinstance(values.dtype, pd.StringDtype):
        text = values.astype("string").str.strip()
        present &= (text.str.len() > 0).fillna(False).to_numpy()
    return np.asarray(present, dtype=bool)


def _times(values: pd.Series[Any]) -> npt.NDArray[np.int64]:
    """Recency as int64 (nanoseconds for dates); missing times rank as the oldest."""
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values):
        return values.fillna(_OLDEST).to_numpy(dtype=np.int64)
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


@attrs.frozen(kw_only=True)
class _Context:
    records: pd.DataFrame
    clusters: npt.NDArray[Any]
    ids: npt.NDArray[Any]
    sources: npt.NDArray[Any] | None
    times: npt.NDArray[np.int64] | None


def _candidates(context: _Context, field: str) -> pd.DataFrame:
    values = context.records[field]
    keep = _present(values)
    sources = context.sources if context.sources is not None else np.full(len(keep), None)
    times = context.times if context.times is not None else np.zeros(len(keep), dtype=np.int64)
    return pd.DataFrame(
        {
            "cluster": context.clusters[keep],
            "row": np.flatnonzero(keep),
            "value": values.to_numpy()[keep],
            "source": sources[keep],
            "time": times[keep],
        },
        index=pd.Index(context.ids[keep], name="record"),
    )


def _ranked(candidates: pd.DataFrame, rule: Rule) -> pd.DataFrame:
    """Sort keys for a built-in rule: smaller wins, ties to the newest, then the first row."""
    keys = pd.DataFrame({"cluster": candidates["cluster"].to_numpy()})
    if isinstance(rule, MostFrequent):
        counted = candidates.groupby(["cluster", "value"], sort=False)["row"].transform("size")
        keys["key"] = -counted.to_numpy()
    elif isinstance(rule, SourcePriority):
        rank = {source: place for place, source in enumerate(rule.order)}
        ranks = candidates["source"].map(rank).fillna(len(rule.order))
        keys["key"] = ranks.to_numpy(dtype=np.int64)
    elif isinstance(rule, MostComplete):
        keys["key"] = -candidates["value"].astype("string").str.strip().str.len().to_numpy()
    else:
        keys["key"] = 0
    times = candidates["time"].to_numpy(dtype=np.int64)
    keys["newest"] = -np.maximum(times, _OLDEST + 1)  # missing times sort last
    keys["row"] = candidates["row"].to_numpy()
    return keys


def _winners_builtin(candidates: pd.DataFrame, rule: Rule) -> npt.NDArray[np.int64]:
    keys = _ranked(candidates, rule)
    order = np.lexsort((keys["row"], keys["newest"], keys["key"], pd.factorize(keys["cluster"])[0]))
    first = ~keys["cluster"].iloc[order].duplicated().to_numpy()
    return np.asarray(keys["row"].to_numpy()[order][first], dtype=np.int64)


def _winners_custom(candidates: pd.DataFrame, rule: Custom, field: str) -> npt.NDArray[np.int64]:
    winners: list[int] = []
    for cluster, group in candidates.groupby("cluster", sort=False):
        chosen = rule.function(group[["value", "source", "time"]])
        label = chosen.name if isinstance(chosen, pd.Series) else chosen
        if label not in group.index:
            msg = (
                f"rules[{field!r}]={rule.label} chose {label!r} for cluster {cluster!r}, "
                f"which is not one of its records {group.index.tolist()!r}"
            )
            raise InvalidValueError(msg)
        winners.append(int(group["row"].to_numpy()[group.index.get_loc(label)]))
    return np.asarray(winners, dtype=np.int64)


def _survive(context: _Context, field: str, rule: Rule) -> npt.NDArray[np.int64]:
    candidates = _candidates(context, field)
    if isinstance(rule, Custom):
        return _winners_custom(candidates, rule, field)
    return _winners_builtin(candidates, rule)


def _check_rules(
    fields: Sequence[str], rules: Mapping[str, Rule], context: _Context, default: Rule
) -> None:
    for field in rules:
        if field not in fields:
            msg = f"rules names field {field!r}, which is not a column of records: {fields!r}"
            raise UnknownNameError(msg)
    given: list[tuple[str, object]] = [*rules.items(), ("default", default)]
    for field, rule in given:
        if not isinstance(rule, Rule):
            msg = f"rules[{field!r}]={rule!r} is not a survivorship rule"
            raise InvalidValueError(msg)
        if isinstance(rule, MostRecent) and context.times is None:
            msg = f"rules[{field!r}]=MostRecent() needs time_column"
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
    records: pd.DataFrame,
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
        The linked records, one row each.
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
    context = _context(records, clusters, (source_column, time_column, id_column))
    meta = {source_column, time_column, id_column}
    fields = [column for column in records.columns if column not in meta]
    chosen_default: Rule = default or (MostRecent() if time_column else MostFrequent())
    rules = dict(rules or {})
    _check_rules(fields, rules, context, chosen_default)
    index = pd.Index(pd.unique(context.clusters), name="cluster")
    index = index.sort_values() if _sortable(index) else index
    golden: dict[str, pd.Series[Any]] = {}
    provenance: list[pd.DataFrame] = []
    for field in fields:
        rule = rules.get(field, chosen_default)
        rows = _survive(context, field, rule)
        winners = pd.Series(rows, index=context.clusters[rows]).reindex(index)
        golden[field] = _take(records[field], winners)
        provenance.append(_provenance(context, field, rule, winners))
    table = pd.DataFrame(golden, index=index)
    if not provenance:
        return GoldenRecords(golden=table, provenance=pd.DataFrame(columns=list(_PROVENANCE)))
    return GoldenRecords(golden=table, provenance=pd.concat(provenance, ignore_index=True))


_PROVENANCE = ("cluster", "field", "record", "source", "value", "rule")


def _sortable(index: pd.Index[Any]) -> bool:
    try:
        index.sort_values()
    except TypeError:
        return False
    return True


def _take(values: pd.Series[Any], winners: pd.Series[Any]) -> pd.Series[Any]:
    """Each cluster's winning value; clusters without any value get a missing one."""
    found = winners.notna().to_numpy()
    rows = winners.to_numpy()[found].astype(np.int64)
    taken = pd.Series(values.to_numpy()[rows], index=winners.index[found], dtype=values.dtype)
    return taken.reindex(winners.index)


def _provenance(context: _Context, field: str, rule: Rule, winners: pd.Series[Any]) -> pd.DataFrame:
    found = winners.notna().to_numpy()
    rows = winners.to_numpy()[found].astype(np.int64)
    n = len(winners)

    def pick(column: npt.NDArray[Any] | None) -> npt.NDArray[np.object_]:
        picked = np.full(n, None, dtype=object)
        if column is not None:
            picked[found] = column[rows]
        return picked

    return pd.DataFrame(
        {
            "cluster": winners.index.to_numpy(),
            "field": field,
            "record": pick(context.ids),
            "source": pick(context.sources),
            "value": pick(context.records[field].to_numpy()),
            "rule": rule.label,
        }
    )
