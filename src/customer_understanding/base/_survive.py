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
from customer_understanding.identity import Spelled, Survivorship, Vote, survivors, unsettled
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
        # The voted fields read in place (taking rows would copy every column of the table).
        rules = {f: policy.rule_of(f) for f in fields}
        voted = tuple(f for f, r in rules.items() if isinstance(r, Vote) and Spelled.read(r))
        readable, present = golden_inputs(records, voted, policy)[0], _present(records, entity,
                                                                               voted)  # fmt: skip
        laid = entity >= first
        beside = _beside(readable, present, ~laid, entity, policy, seen)
        if before is not None:
            at = {f: np.flatnonzero(present[f] & laid) for f in voted}
            now = {f: (readable[f][held], entity[held]) for f, held in at.items()}
            voted_again = _unsettled(beside, now, before, policy, seen)
            if len(voted_again):  # they are voted on with the others, no longer beside them
                again[voted_again] = True
                beside = {f: held.take(~again[held.clusters]) for f, held in beside.items()}
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


def _beside(
    readable: Mapping[str, npt.NDArray[Any]],
    present: Mapping[str, npt.NDArray[np.bool_]],
    kept: npt.NDArray[np.bool_],
    entity: npt.NDArray[np.int64],
    policy: Survivorship,
    seen: dict[str, dict[str, Any]] | None,
) -> dict[str, Spelled]:
    """Per voted field, the values of the entities kept as they were, and their entities.

    A vote ranks a spelling by how many other entities carry it, which the kept entities'
    records count towards as much as the re-resolved ones' (else an update could pick
    another name than a rebuild of the same entities).
    """
    spelled = {}
    for f, values in readable.items():
        rows = present[f] & kept
        spelled[f] = Spelled.of(policy.rule_of(f), values[rows], entity[rows], seen)  # type: ignore[arg-type]
    return spelled


def _unsettled(
    beside: Mapping[str, Spelled],
    now: Mapping[str, tuple[npt.NDArray[Any], npt.NDArray[np.int64]]],
    before: tuple[Table, npt.NDArray[np.int64]],
    policy: Survivorship,
    seen: dict[str, dict[str, Any]] | None,
) -> npt.NDArray[np.int64]:
    """The kept entities (``beside``) whose vote the others' change can turn.

    The kept entities' winners were voted on beside the others as they were
    (``before``: their records as stored, and their stored entity), which ``now`` holds
    as they are (each voted field's values and entities): a spelling the others carry
    on more or fewer entities ranks otherwise ``elsewhere``.
    """
    voted = tuple(beside)
    stored, owner = before
    was, was_present = golden_inputs(stored, voted, policy)[0], _present(stored, owner, voted)
    found = [unsettled(policy.rule_of(f),  # type: ignore[arg-type]
                       before=(was[f][was_present[f]], owner[was_present[f]]),
                       after=now[f], beside=beside[f], seen=seen) for f in voted]  # fmt: skip
    return np.unique(np.concatenate([np.empty(0, dtype=np.int64), *found])).astype(np.int64)


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
