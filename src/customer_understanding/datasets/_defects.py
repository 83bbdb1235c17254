"""Deliberately broken cells, as real exports have them, each one recorded in the truth."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
import pandas as pd

from customer_understanding.datasets._text import Strs

__all__ = ["DEFECT_COLUMNS", "inject_defects", "no_defects"]

#: The exports that get defects, and the (column, kind) pairs that can break in each.
#: Only cells the ingestion presets read are broken, and ids are repeated only in record
#: and deal exports, where ids must be unique, so a loader can detect every defect.
DEFECT_COLUMNS: Mapping[str, tuple[tuple[str, str], ...]] = MappingProxyType({
    "salesforce.Contact": (
        ("Id", "duplicate_id"), ("Email", "invalid_email"), ("CreatedDate", "unparsable_date"),
    ),
    "salesforce.Lead": (
        ("Id", "duplicate_id"), ("Email", "invalid_email"), ("CreatedDate", "unparsable_date"),
    ),
    "salesforce.Opportunity": (
        ("Id", "duplicate_id"), ("Amount", "non_numeric_amount"), ("CloseDate", "unparsable_date"),
    ),
    "hubspot.contacts": (
        ("hs_object_id", "duplicate_id"), ("email", "invalid_email"),
        ("createdate", "unparsable_date"),
    ),
    "zendesk.tickets": (("created_at", "unparsable_date"),),
    "product.events": (("email", "invalid_email"), ("timestamp", "unparsable_date")),
})  # fmt: skip

_RATE = 0.001
_FEWEST, _MOST = 3, 33
_DATES = ("31/02/2026", "not a date", "2026-13-45", "00/00/0000", "N/A", "yesterday")
_AMOUNTS = ("TBD", "n/a", "see notes", "ask finance", "12k?")
_COLUMNS = ("source", "row", "column", "value", "kind")


def no_defects() -> pd.DataFrame:
    """An empty ``truth.defects`` table."""
    return pd.DataFrame({name: pd.Series([], dtype=object) for name in _COLUMNS}).astype(
        {"row": np.int64}
    )


def _bad_email(value: object, rng: np.random.Generator) -> str:
    text = value.strip().lower() if isinstance(value, str) and "@" in value else "jane.doe@acme.com"
    local, domain = text.split("@", 1)
    forms = (
        f"{local}@",
        f"{local} at {domain}",
        f"{local}@{domain.split('.')[0]}",
        f"{local}@@{domain}",
    )
    return forms[int(rng.integers(0, len(forms)))]


def _broken(values: Strs, rng: np.random.Generator, *, row: int, kind: str) -> str:
    if kind == "duplicate_id":
        return str(values[int(rng.integers(0, row))])
    if kind == "invalid_email":
        return _bad_email(values[row], rng)
    options = _AMOUNTS if kind == "non_numeric_amount" else _DATES
    return options[int(rng.integers(0, len(options)))]


def _break_export(
    frame: pd.DataFrame, rng: np.random.Generator, *, source: str
) -> list[tuple[str, int, str, str, str]]:
    targets = DEFECT_COLUMNS[source]
    rows = len(frame)
    count = min(max(round(rows * _RATE), _FEWEST), _MOST, rows - 1)
    if count <= 0:
        return []
    chosen = np.sort(rng.choice(np.arange(1, rows), size=count, replace=False))
    columns: dict[str, Strs] = {}
    found = []
    for position, row in enumerate(chosen.tolist()):
        column, kind = targets[position % len(targets)]
        if column not in columns:
            columns[column] = frame[column].to_numpy(dtype=object, copy=True)
        value = _broken(columns[column], rng, row=row, kind=kind)
        columns[column][row] = value
        found.append((source, row, column, value, kind))
    for column, values in columns.items():
        frame[column] = values
    return found


def inject_defects(frames: dict[str, pd.DataFrame], rng: np.random.Generator) -> pd.DataFrame:
    """Break a few cells of the exports in :data:`DEFECT_COLUMNS`, in place; list them.

    About 0.1% of rows get a defect, at least three per export and at most 33, so a
    world never has more than about 200.
    """
    found = []
    for source in DEFECT_COLUMNS:
        frames[source] = frames[source].copy()
        found += _break_export(frames[source], rng, source=source)
    if not found:
        return no_defects()
    table = pd.DataFrame(found, columns=list(_COLUMNS))
    return table.astype({"row": np.int64})
