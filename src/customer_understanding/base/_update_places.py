"""What an update leaves where the store holds it: the rows each written table keeps.

The store keeps a stored row's values in place when they cannot have changed (see
:mod:`customer_understanding.base._in_place`). An update knows where each row it lays
out came from: the stored rows it kept lead each table in their stored order (records,
entities left alone, review pairs) or are merged into the canonical order (event rows),
and a row it made is new. Of each table only the columns a stored row keeps are named:
what was loaded, and an entity's id, key and golden values — not what the build looks
up or derives again (an event's entity, a contact's consent and account link), and not
a category column whose labels changed (its codes may be renumbered).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from customer_understanding.base._build import ACCOUNT_FIELDS, CONTACT_FIELDS
from customer_understanding.base._in_place import Placed
from customer_understanding.base._tables import Tables
from customer_understanding.base._update_plan import Plan
from customer_understanding.tables import (
    ConsentTable,
    ContactRoleTable,
    InteractionTable,
    OpportunityTable,
    StageHistoryTable,
    Table,
)

__all__ = ["update_places"]

Ints = npt.NDArray[np.int64]

#: Where the tables hold each event table, and the columns a build looks up or derives.
_EVENT_FIELDS = {InteractionTable: "interactions", OpportunityTable: "opportunities",
                 ContactRoleTable: "contact_roles", StageHistoryTable: "stages",
                 ConsentTable: "consents"}  # fmt: skip
_LOOKED_UP = {InteractionTable: ("contact", "account"), OpportunityTable: ("account",),
              ContactRoleTable: ("opportunity", "contact"), StageHistoryTable: ("subject",),
              ConsentTable: ("contact", "known_at")}  # fmt: skip


def _kept(name: str, before: Table, after: Table, columns: Iterable[str]) -> tuple[str, ...]:
    """The paths of ``columns`` of table ``name`` whose stored codes still hold."""
    return tuple(f"tables.{name}.arrays[{column}]" for column in columns
                 if column not in after.categories
                 or before.categories[column] == after.categories[column])  # fmt: skip


def _leading(stored: Ints, total: int) -> Ints:
    """Rows ``stored`` first, then ``total - len(stored)`` new ones."""
    return np.concatenate([stored, np.full(total - len(stored), -1)]).astype(np.int64)


def _voted_again(source: Ints, built: Tables, level: str, kept: Mapping[str, Ints]) -> Ints:
    """``source`` of an entity table, a kept entity whose winners the update changed made anew.

    An entity left alone may be voted on again (a spelling other entities carry more or
    less often, see :func:`golden_values`): its golden values are then written again.
    ``kept`` are the winners the entities left alone had (see :func:`kept_entities`).
    """
    won = built.contact_winners if level == "contact" else built.account_winners
    changed = np.zeros(len(next(iter(kept.values()), ())), dtype=bool)
    for field, stored in kept.items():
        changed |= np.asarray(won[field])[: len(changed)] != stored
    if not changed.any():
        return source
    source = source.copy()
    source[np.flatnonzero(changed)] = -1
    return source


def update_places(tables: Tables, built: Tables, plans: Mapping[str, Plan], *,
                  events: Mapping[type[Table], Ints],
                  replaced: Mapping[type[Table], npt.NDArray[np.bool_]],
                  pairs_kept: Ints, alone: Mapping[str, Any]) -> dict[str, Placed]:  # fmt: skip
    """Per table path, where the update's rows came from (see the module).

    ``events`` is what :func:`build_tables` gave per event table (a row among the stored
    rows kept, in order; among all the stored ones for consent statements), ``replaced``
    the stored event rows a new row replaced, ``pairs_kept`` the stored review pairs kept,
    ``alone`` what the entities left alone kept (see :func:`kept_entities`).
    """
    placed: dict[str, Placed] = {}
    for kind, rows in events.items():
        name, source = _EVENT_FIELDS[kind], rows
        if kind is not ConsentTable:
            kept = np.append(np.flatnonzero(~replaced[kind]), -1)
            source = kept[np.where(rows >= 0, rows, -1)]
        before, after = getattr(tables, name), getattr(built, name)
        columns = [c for c in kind.SCHEMA.names if c not in _LOOKED_UP[kind]]
        placed[f"tables.{name}"] = Placed(source=source, stored_rows=len(before),
                                          columns=_kept(name, before, after, columns))  # fmt: skip
    for level, plan in plans.items():
        name = "contact_records" if level == "contact" else "account_records"
        before, after = getattr(tables, name), getattr(built, name)
        placed[f"tables.{name}"] = Placed(
            source=_leading(np.flatnonzero(~plan.replaced), len(after)), stored_rows=len(before),
            columns=_kept(name, before, after, after.SCHEMA.names),
        )  # fmt: skip
        name = "contacts" if level == "contact" else "accounts"
        before, after = getattr(tables, name), getattr(built, name)
        source = _leading(np.flatnonzero(~plan.entities), len(after))
        golden = CONTACT_FIELDS if level == "contact" else ACCOUNT_FIELDS
        columns = [f for f in ("id", *golden) if f != "marketing_consent"]  # a fact, not a vote
        placed[f"tables.{name}"] = Placed(source=_voted_again(source, built, level, alone[level]),
                                          stored_rows=len(before),
                                          columns=_kept(name, before, after, columns))  # fmt: skip
        placed[f"tables.resolution.{level}"] = Placed(
            source=source,
            stored_rows=len(before),
            columns=(f"tables.resolution.{level}_ids", f"tables.resolution.{level}_keys"),
        )
    review, stored_review = built.resolution.review, tables.resolution.review
    placed["tables.resolution.review"] = Placed(
        source=_leading(pairs_kept, len(review)), stored_rows=len(stored_review),
        columns=tuple(f"tables.resolution.review.{name}"
                      for name in attrs.fields_dict(type(review))),
    )  # fmt: skip
    return placed
