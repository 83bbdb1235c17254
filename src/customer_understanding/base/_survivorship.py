"""Golden records: one value per field and entity, taken from the best source record.

A record's rank comes from its system's place in the priority list (earlier wins), then
from recency (newer wins). For each field the best-ranked record that has a value wins,
so a missing value in the preferred system does not hide a value elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding.tables import NAT, Table

__all__ = ["DEFAULT_PRIORITY", "record_order", "survive"]

#: Systems in the order their values are trusted, CRM first.
DEFAULT_PRIORITY = ("salesforce", "hubspot", "zendesk", "product", "web")


def record_order(
    records: Table, entity: npt.NDArray[np.int64], priority: Sequence[str]
) -> npt.NDArray[np.intp]:
    """Record positions sorted by entity, then system priority, then newest first."""
    systems = records.categories["system"]
    rank_of_system = np.array(
        [priority.index(s) if s in priority else len(priority) for s in systems] + [len(priority)]
    )
    codes = records.column("system")
    rank = rank_of_system[np.where(codes < 0, len(systems), codes)]
    created = records.column("created_at")
    newest_first = np.where(created == NAT, np.iinfo(np.int64).max, -created)
    return np.lexsort((newest_first, rank, entity))


def _missing(array: npt.NDArray[Any], kind: str) -> npt.NDArray[np.bool_]:
    missing: npt.NDArray[np.bool_]
    if kind == "text":
        missing = pd.isna(array)
    elif kind == "float":
        missing = np.isnan(array)
    elif kind == "time":
        missing = array == NAT
    else:
        missing = array < 0  # category codes and row indexes
    return missing


def survive(
    records: Table,
    entity: npt.NDArray[np.int64],
    n_entities: int,
    *,
    fields: Sequence[str],
    order: npt.NDArray[np.intp],
) -> tuple[dict[str, npt.NDArray[Any]], dict[str, npt.NDArray[np.int64]]]:
    """Pick each field's value per entity; also return which record won each field.

    Returns
    -------
    values, winners
        ``values[field]`` has one entry per entity (the field's missing value when no
        record has one); ``winners[field]`` the winning record's position, or -1.
    """
    sorted_entity = entity[order]
    values: dict[str, npt.NDArray[Any]] = {}
    winners: dict[str, npt.NDArray[np.int64]] = {}
    for field in fields:
        column = records.SCHEMA[field]
        array = records.column(field)[order]
        present = ~_missing(array, column.kind)
        first = np.full(n_entities, -1, dtype=np.int64)
        present_rows = np.flatnonzero(present)
        # Rows are sorted by entity, so the first present row of each entity is its best.
        found, first_index = np.unique(sorted_entity[present_rows], return_index=True)
        first[found] = order[present_rows[first_index]]
        result = np.full(n_entities, column.missing, dtype=array.dtype)
        result[found] = records.column(field)[first[found]]
        values[field] = result
        winners[field] = first
    return values, winners
