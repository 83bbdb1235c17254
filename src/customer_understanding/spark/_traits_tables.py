"""Which traits run on Spark, and the tables of one trait task rebuilt from its rows."""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np
import pandas as pd

from customer_understanding._errors import InvalidValueError
from customer_understanding.base import Tables
from customer_understanding.spark._scoring_slices import (
    codes,
    empty_tables,
    nanos,
    part,
    texts,
)
from customer_understanding.tables import AccountTable, ContactTable, InteractionTable
from customer_understanding.traits import (
    ActiveUsers,
    Change,
    Complaints,
    DaysSince,
    Earlier,
    FeatureBreadth,
    InteractionCount,
    OpenTickets,
    Ratio,
    Satisfaction,
    TopSubjects,
    VersusBaseline,
)
from customer_understanding.typing import Level, Trait

__all__ = ["OPTIONAL", "check_names", "interaction_only", "reads_tickets", "trait_slice"]

#: Traits that read the interaction table alone, so one entity's rows decide its value.
_ACTIVITY = (ActiveUsers, Complaints, DaysSince, FeatureBreadth, InteractionCount,
             OpenTickets, Satisfaction, TopSubjects, VersusBaseline)  # fmt: skip
#: Those that read a ticket's state, which its audit rows (``ticket_update``) decide.
_TICKETS = (Complaints, OpenTickets, Satisfaction)

#: Interaction columns the traits may read, by kind; absent ones are missing values.
OPTIONAL = {
    "discipline": "text", "channel": "text", "subject": "text", "priority": "text",
    "status": "text", "satisfaction": "float", "thread": "text", "updated_at": "time",
    "system": "text", "source_id": "text",
}  # fmt: skip
#: The order of the rows in a task, as the base orders its interactions.
_ORDER = ["occurred_at", "system", "type", "source_id"]


def _parts(trait: Trait) -> tuple[Trait, ...]:
    if isinstance(trait, Earlier):
        return (trait.trait,)
    if isinstance(trait, Change):
        return (trait.current, trait.previous)
    if isinstance(trait, Ratio):
        return (trait.numerator, trait.denominator)
    return ()


def interaction_only(name: str, trait: Trait) -> Trait:
    """``trait`` when it reads interactions alone (derived traits: all their parts), or an error."""
    parts = _parts(trait)
    if parts:
        for inner in parts:
            interaction_only(name, inner)
        return trait
    if not isinstance(trait, _ACTIVITY):
        kinds = ", ".join(kind.__name__ for kind in _ACTIVITY)
        msg = (
            f"traits: {name!r} ({type(trait).__name__}) reads more than interactions; on "
            f"Spark only interaction traits run ({kinds}, and Earlier, Change, Ratio of them)"
        )
        raise InvalidValueError(msg)
    return trait


def reads_tickets(trait: Trait) -> bool:
    """Whether the trait (or a part of it) reads the state of tickets."""
    return isinstance(trait, _TICKETS) or any(reads_tickets(inner) for inner in _parts(trait))


def trait_slice(
    frame: pd.DataFrame, *, level: Level, span: tuple[int, int]
) -> tuple[Tables, np.ndarray[tuple[int], np.dtype[np.object_]]]:
    """A task's entities and their interactions as tables, and the entities' ids in order."""
    key = f"{level}_id"
    ids = texts(part(frame, "entities", (key,))[key])
    columns = ("contact_id", "account_id", "occurred_at", "type", *OPTIONAL)
    rows = part(frame, "interactions", columns)
    rows = rows.sort_values(_ORDER, kind="stable", na_position="first").reset_index(drop=True)
    people = codes(rows["contact_id"], ids) if level == "contact" else _factorized(rows)
    firms = codes(rows["account_id"], ids) if level == "account" else np.full(len(rows), -1)
    values = {
        "contact": people, "account": firms, "occurred_at": nanos(rows["occurred_at"]),
        "updated_at": nanos(rows["updated_at"]), "type": texts(rows["type"]),
        "satisfaction": pd.to_numeric(rows["satisfaction"]).to_numpy(np.float64),
        **{c: texts(rows[c]) for c, kind in OPTIONAL.items() if kind == "text"},
    }  # fmt: skip
    interactions = InteractionTable.from_columns(values, length=len(rows))
    by_account = level == "account"
    accounts = AccountTable.from_columns({"id": ids}) if by_account else AccountTable.empty()
    contacts = ContactTable.empty() if by_account else ContactTable.from_columns({"id": ids})
    tables = attrs.evolve(empty_tables(), interactions=interactions, accounts=accounts,
                          contacts=contacts, span=span)  # fmt: skip
    return tables, ids


def _factorized(rows: pd.DataFrame) -> np.ndarray[tuple[int], np.dtype[np.int64]]:
    """Contacts numbered within the task (an account trait only tells them apart)."""
    found = pd.factorize(pd.Series(texts(rows["contact_id"]), dtype=object))[0]
    return np.asarray(found, dtype=np.int64)


def check_names(traits: object) -> list[str]:
    """``traits`` as a list of trait names, or an error naming the argument."""
    if isinstance(traits, str) or not isinstance(traits, Sequence):
        msg = f"traits={traits!r} must be a list of trait names"
        raise InvalidValueError(msg)
    wanted = list(traits)
    if not wanted or not all(isinstance(name, str) for name in wanted):
        msg = f"traits={traits!r} must be a non-empty list of trait names"
        raise InvalidValueError(msg)
    return wanted
