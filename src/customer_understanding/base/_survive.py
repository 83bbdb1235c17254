"""The golden part of the build: each golden field's value per entity, by its rule.

Account industry and country are first written in the survivorship's vocabulary; a phone
that does not parse may win only where no record has one that does. Shared by the build
and by golden profiles as of a moment.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import NAT
from customer_understanding.identity import Survivorship, Vote, survivors, unsettled
from customer_understanding.tables import AccountRecords, Table

__all__ = ["golden_inputs", "golden_values", "record_keys"]


def golden_values(
    records: Table,
    entity: npt.NDArray[np.int64],
    n: int,
    fields: tuple[str, ...],
    policy: Survivorship,
    *,
    known: Mapping[str, npt.NDArray[np.int64]] | None = None,
    before: tuple[Table, npt.NDArray[np.int64]] | None = None,
    seen: dict[str, dict[str, Any]] | None = None,
) -> tuple[dict[str, Any], dict[str, npt.NDArray[np.int64]], dict[str, tuple[str, ...]]]:
    """Each golden field's value per entity, by the field's survivorship rule.

    ``known`` gives, per field, the winning record of the first entities (an update
    keeps those of the entities it did not touch): the rules run on the others only.
    ``before`` holds the records the others had before (an update's entities resolved
    again, as stored, and their stored entity): a first entity whose vote their change
    can turn is voted on again (see :func:`~customer_understanding.identity.unsettled`).
    ``seen``: texts the votes spelled before, filled with those spelled now (see
    :func:`survivors`).
    """
    first = 0 if not known else len(next(iter(known.values())))
    again = np.arange(n) >= first  # the entities the rules run on
    beside = None
    if known:
        beside = _beside(records, entity, first, fields, policy)
        if before is not None:
            again[_unsettled(records, entity, first, beside, before, policy, seen)] = True
            beside = {f: (values[~again[owners]], owners[~again[owners]])
                      for f, (values, owners) in beside.items()}  # fmt: skip
    # An update's rules read only the records of the entities they run on (whole
    # entities: a record's place in its entity is all the rules compare it with).
    rows = np.flatnonzero(again[entity])
    ran = np.flatnonzero(again)
    asked, owner = (records.take(rows), (np.cumsum(again) - 1)[entity[rows]]) if known else (
        records, entity)  # fmt: skip
    readable, categories = golden_inputs(asked, fields, policy)
    winners = survivors(
        readable,
        owner,
        survivorship=policy,
        present=_present(asked, owner, fields),
        n_clusters=len(ran),
        sources=asked.labels("system"),
        times=asked.column("created_at"),
        ids=record_keys(asked),
        beside=beside,
        seen=seen,
    )
    if known:
        for field, won in winners.items():
            full = np.full(n, -1, dtype=np.int64)
            full[:first] = known[field]
            full[ran] = np.where(won >= 0, rows[won], -1)
            winners[field] = full
    values: dict[str, Any] = {}
    for field, won in winners.items():
        column = _stored(records, field, categories, policy)
        value = np.full(n, records.SCHEMA[field].missing, dtype=column.dtype)
        found = won >= 0
        value[found] = column[won[found]]
        values[field] = value
    return values, winners, categories


Pairs = tuple[npt.NDArray[Any], npt.NDArray[np.int64]]


def _beside(
    records: Table,
    entity: npt.NDArray[np.int64],
    first: int,
    fields: tuple[str, ...],
    policy: Survivorship,
) -> dict[str, Pairs]:
    """Per voted field, the values of the entities kept as they were, and their entities.

    A vote ranks a spelling by how many other entities carry it, which the kept entities'
    records count towards as much as the re-resolved ones' (else an update could pick
    another name than a rebuild of the same entities).
    """
    voted = _voted(fields, policy)
    if not voted:
        return {}
    # Read in place (taking the kept rows would copy every column of the table).
    readable = golden_inputs(records, voted, policy)[0]
    present = _present(records, entity, voted)
    kept = entity < first
    return {f: (readable[f][present[f] & kept], entity[present[f] & kept]) for f in voted}


def _voted(fields: tuple[str, ...], policy: Survivorship) -> tuple[str, ...]:
    return tuple(f for f in fields if isinstance(policy.rule_of(f), Vote))


def _unsettled(
    records: Table,
    entity: npt.NDArray[np.int64],
    first: int,
    beside: Mapping[str, Pairs],
    before: tuple[Table, npt.NDArray[np.int64]],
    policy: Survivorship,
    seen: dict[str, dict[str, Any]] | None,
) -> npt.NDArray[np.int64]:
    """The first entities (``beside``) whose vote the others' change from ``before`` can turn.

    The kept entities' winners were voted on beside the others as they were: a spelling
    the others now carry on more or fewer entities ranks otherwise ``elsewhere``.
    """
    voted = tuple(beside)
    if not voted:
        return np.empty(0, dtype=np.int64)
    stored, owner = before
    was, was_present = golden_inputs(stored, voted, policy)[0], _present(stored, owner, voted)
    rows = np.flatnonzero(entity >= first)
    now_records = records.take(rows)
    now, now_present = golden_inputs(now_records, voted, policy)[0], _present(
        now_records, entity[rows], voted)  # fmt: skip
    found = [
        unsettled(
            policy.rule_of(f),  # type: ignore[arg-type]
            before=(was[f][was_present[f]], owner[was_present[f]]),
            after=(now[f][now_present[f]], entity[rows][now_present[f]]),
            beside=beside[f],
            seen=seen,
        )
        for f in voted
    ]
    return np.unique(np.concatenate(found)).astype(np.int64)


#: Account fields written in the survivorship's vocabulary before the rules run.
_VOCABULARY_FIELDS = ("industry", "country")


def golden_inputs(
    records: Table, fields: tuple[str, ...], policy: Survivorship
) -> tuple[dict[str, npt.NDArray[Any]], dict[str, tuple[str, ...]]]:
    """The values the rules read, and each category field's labels.

    Rules read labels, not codes; industry and country are put in the vocabulary's terms.
    """
    categories = {f: records.categories[f] for f in fields if f in records.categories}
    readable = {f: records.labels(f) if f in categories else records.column(f) for f in fields}
    vocabulary = policy.vocabulary
    for field in _VOCABULARY_FIELDS if vocabulary is not None else ():
        if field in readable and isinstance(records, AccountRecords):
            term = getattr(vocabulary, field)
            labels = categories[field]
            terms = np.array([term(label) for label in labels] + [None], dtype=object)
            codes = records.column(field)
            readable[field] = terms[np.where(codes < 0, len(labels), codes)]
            categories[field] = tuple(sorted({t for t in terms.tolist() if t is not None}))
    return readable, categories


def _stored(records: Table, field: str, categories: Mapping[str, tuple[str, ...]],
            policy: Survivorship) -> npt.NDArray[Any]:  # fmt: skip
    """The column golden values are taken from: stored codes, recoded to folded terms."""
    column = records.column(field)
    if field in categories and categories[field] != records.categories.get(field):
        readable = golden_inputs(records, (field,), policy)[0][field]
        position = {label: code for code, label in enumerate(categories[field])}
        recoded = pd.Series(readable, dtype=object).map(position).fillna(-1)
        return np.asarray(recoded.to_numpy(), dtype=column.dtype)
    return column


def _present(
    records: Table, entity: npt.NDArray[np.int64], fields: tuple[str, ...]
) -> dict[str, npt.NDArray[np.bool_]]:
    """Which records may win each field: those with a value.

    A phone that does not parse may win only for a person none of whose records has one
    that does.
    """
    present = {f: ~_missing(records.column(f), records.SCHEMA[f]) for f in fields}
    if "phone" in present and "phone_normalized" in present:
        valid = present["phone_normalized"]
        has_valid = np.zeros(int(entity.max(initial=-1)) + 1, dtype=bool)
        has_valid[entity[valid]] = True
        present["phone"] = present["phone"] & (valid | ~has_valid[entity])
    return present


def record_keys(records: Table) -> npt.NDArray[np.object_]:
    """Each record as ``system:source_id``: the stable key that breaks ties, not its row."""
    ids = records.column("source_id")
    ids = np.where(pd.isna(ids), "", ids).astype(object)
    codes, systems = records.column("system"), records.categories["system"]
    keys = np.empty(len(records), dtype=object)
    # System by system: one prefix joined to many ids in a single numpy loop.
    for code, label in [*enumerate(systems), (-1, "")]:
        rows = codes == code
        if rows.any():
            try:
                keys[rows] = f"{label}:" + ids[rows]
            except TypeError:  # an id that is no text
                keys[rows] = [f"{label}:{value}" for value in ids[rows]]
    return keys


def _missing(array: npt.NDArray[Any], column: Any) -> npt.NDArray[np.bool_]:
    missing: npt.NDArray[np.bool_]
    if column.kind == "text":
        missing = pd.isna(array)
    elif column.kind == "float":
        missing = np.isnan(array)
    elif column.kind == "time":
        missing = array == NAT
    else:
        missing = array < 0  # category codes and row indexes
    return missing
