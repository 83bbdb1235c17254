"""The tables of one scoring task, rebuilt from its packed rows, and its rows back out."""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import Moment
from customer_understanding.base import Tables
from customer_understanding.scoring import Reasons, ScoreTable
from customer_understanding.spark._scoring_slices import (
    Slice,
    codes,
    empty_tables,
    for_arrow,
    nanos,
    part,
    texts,
)
from customer_understanding.tables import (
    AccountTable,
    ConsentTable,
    ContactRoleTable,
    ContactTable,
    InteractionTable,
    OpportunityTable,
)

__all__ = ["contact_slice", "reasons_frame", "roll_up_slice"]

Objects = npt.NDArray[np.object_]
_NUMBERS = ("value", "weight", "decay", "contribution")


def contact_slice(
    frame: pd.DataFrame, *, span: tuple[int, int], consents: bool
) -> tuple[Tables, Objects, Objects]:
    """A task's contacts, their interactions (and consents): tables, ids and account ids."""
    people = part(frame, "contacts", ("contact_id", "account_id"))
    ids = texts(people["contact_id"])
    events = part(frame, "interactions", ("contact_id", "occurred_at", "type"))
    interactions = InteractionTable.from_columns(
        {"contact": codes(events["contact_id"], ids), "occurred_at": nanos(events["occurred_at"]),
         "type": texts(events["type"])},
        length=len(events),
    )  # fmt: skip
    tables = attrs.evolve(
        empty_tables(), contacts=ContactTable.from_columns({"id": ids}, length=len(ids)),
        interactions=interactions, span=span,
    )  # fmt: skip
    if consents:
        tables = attrs.evolve(tables, consents=_consents(frame, ids))
    return tables, ids, texts(people["account_id"])


def _consents(frame: pd.DataFrame, ids: Objects) -> ConsentTable:
    rows = part(frame, "consents",
                ("contact_id", "purpose", "channel", "status", "at", "known_at"))  # fmt: skip
    return ConsentTable.from_columns(
        {"contact": codes(rows["contact_id"], ids), "purpose": texts(rows["purpose"]),
         "channel": texts(rows["channel"]), "status": texts(rows["status"]),
         "at": nanos(rows["at"]), "known_at": nanos(rows["known_at"])},
        length=len(rows),
    )  # fmt: skip


def roll_up_slice(
    frame: pd.DataFrame, *, span: tuple[int, int], moment: Moment
) -> tuple[ScoreTable, Slice]:
    """A task's accounts: their contacts' scores and the tables the roll-up reads."""
    firms = texts(part(frame, "accounts", ("account_id",))["account_id"])
    rows = part(frame, "people", ("entity_id", "account_id", "score", "signal", *_NUMBERS))
    people = rows[rows["signal"].isna()]
    ids = texts(people["entity_id"])
    reasons = _contact_reasons(rows[rows["signal"].notna()], ids)
    contacts = ScoreTable(
        scorer="engagement", level="contact", as_of=moment, ids=ids,
        score=people["score"].to_numpy(np.float64), grade=np.full(len(ids), -1), grades=(),
        reasons=reasons,
    )  # fmt: skip
    roles = part(frame, "roles", ("contact_id", "role", "created_at"))
    tables = attrs.evolve(
        empty_tables(),
        accounts=AccountTable.from_columns({"id": firms}, length=len(firms)),
        contacts=ContactTable.from_columns(
            {"id": ids, "account": codes(people["account_id"], firms)}, length=len(ids)),
        contact_roles=ContactRoleTable.from_columns(
            {"role": texts(roles["role"]), "contact": codes(roles["contact_id"], ids),
             "opportunity": np.arange(len(roles))}, length=len(roles)),
        opportunities=OpportunityTable.from_columns(
            {"created_at": nanos(roles["created_at"])}, length=len(roles)),
        span=span,
    )  # fmt: skip
    return contacts, Slice(tables)


def _contact_reasons(rows: pd.DataFrame, ids: Objects) -> Reasons:
    """Stage 1's reason rows as a contact table's reasons, in the kernel's order."""
    names = tuple(sorted(set(rows["signal"])))
    row = codes(rows["entity_id"], ids)
    signal = pd.Index(names).get_indexer(rows["signal"])
    order = np.lexsort((signal, row))
    return Reasons(
        row=row[order], signal=signal[order], signals=names,
        **{name: rows[name].to_numpy(np.float64)[order] for name in _NUMBERS},
    )  # fmt: skip


def reasons_frame(table: ScoreTable, owners: Objects) -> pd.DataFrame:
    """A score table as rows: one per entity (``signal`` missing), then one per reason."""
    reasons = table.reasons
    missing = np.full(len(table), np.nan)
    entities = pd.DataFrame({
        "entity_id": table.ids, "account_id": owners, "score": table.score,
        "grade": table.labels(), "signal": None,
        **dict.fromkeys(_NUMBERS, missing),
    })  # fmt: skip
    found = reasons.to_pandas()
    rows = found.pop("row").to_numpy(np.int64)
    explained = pd.DataFrame({
        "entity_id": table.ids[rows], "account_id": owners[rows],
        "score": np.full(len(rows), np.nan), "grade": None, **found,
    })  # fmt: skip
    return for_arrow(pd.concat([entities, explained], ignore_index=True))
