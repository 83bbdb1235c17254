"""Records added online, put into the base's tables as a build would put them.

A record added with :meth:`CustomerBase.add` joins an entity (or makes one). The base's
tables then hold it among the source records, and the entities it reached get their
golden values, per-field winners and (for people) their account link again, from the
build's own code run on those entities' records alone: the golden rules
(:func:`~customer_understanding.base._survive.golden_values`), the contact facts (titles
read, consent in force), the account link and an account's parent. So
:meth:`CustomerBase.contact` shows a new e-mail or a better name at once, and a store
reopened later replays the records added since its last build the same way.

What a build derives across entities is left as it is until the next build or update:
interactions that only the new record's e-mail address would tie to the person, other
records whose references name the new record, and customer stages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding.base._build import (
    ACCOUNT_FIELDS,
    CONTACT_FIELDS,
    AccountSide,
    _contact_accounts,
    account_parents,
    contact_facts,
)
from customer_understanding.base._survive import golden_values
from customer_understanding.base._tables import Tables
from customer_understanding.identity import Resolution
from customer_understanding.tables import (
    AccountRecords,
    AccountTable,
    ContactRecords,
    ContactTable,
)
from customer_understanding.typing import Level

__all__ = ["with_records"]

Records = AccountRecords | ContactRecords


def with_records(tables: Tables, level: Level, records: Records, *, entities: Sequence[str],
                 keys: Sequence[str], rows: pd.Index[Any] | None = None,
                 accounts: AccountSide | None = None) -> Tables:  # fmt: skip
    """``tables`` with ``records`` of ``level`` added, each in the entity named in ``entities``.

    An id the tables do not hold yet makes a new entity (``keys`` gives each record the
    key such an entity is known by). ``rows`` is the entities' ids as an index, and
    ``accounts`` the tables' account records read for linking contacts to them
    (:func:`~customer_understanding.base._build.account_side`), when the caller keeps
    them. Only the entities reached are computed again.
    """
    contacts = level == "contact"
    resolution = tables.resolution
    ids = resolution.contact_ids if contacts else resolution.account_ids
    old_keys = resolution.contact_keys if contacts else resolution.account_keys
    of_record = resolution.contact_of_record if contacts else resolution.account_of_record
    n = len(ids)
    found = (pd.Index(ids) if rows is None else rows).get_indexer(pd.Index(list(entities)))
    born: dict[str, int] = {}
    for position, entity in enumerate(entities):
        if found[position] < 0:
            found[position] = born.setdefault(entity, n + len(born))
    extra = sorted(born, key=born.__getitem__)
    new_ids = np.concatenate([ids, np.array(extra, dtype=object)])
    first_key = dict(zip(entities, keys, strict=True))
    extra_keys = np.array([first_key[entity] for entity in extra], dtype=object)
    new_keys = np.concatenate([old_keys, extra_keys])
    old_records = tables.contact_records if contacts else tables.account_records
    all_records: Any = type(old_records).concat([old_records, records])  # type: ignore[list-item]
    assigned = np.concatenate([of_record, found.astype(np.int64)])
    reached = np.unique(found).astype(np.int64)
    if contacts:
        resolution = _evolve(resolution, contact_of_record=assigned, contact_keys=new_keys,
                             contact_ids=new_ids)  # fmt: skip
    else:
        resolution = _evolve(resolution, account_of_record=assigned, account_keys=new_keys,
                             account_ids=new_ids)  # fmt: skip
    part = _Part(records=all_records, assigned=assigned, reached=reached)
    if contacts:
        people, won = _contacts(tables, part, resolution, accounts)
        return _replace(tables, contact_records=all_records, resolution=resolution,
                        contacts=_spliced(tables.contacts, people, reached),
                        contact_winners=_won(tables.contact_winners, won, part))  # fmt: skip
    firms, won = _accounts(tables, part, resolution)
    return _replace(tables, account_records=all_records, resolution=resolution,
                    accounts=_spliced(tables.accounts, firms, reached),
                    account_winners=_won(tables.account_winners, won, part))  # fmt: skip


class _Part:
    """The records of the entities reached: their rows, and each one's place among them.

    ``everything`` is every record of the level, the added ones included.
    """

    def __init__(self, *, records: Records, assigned: npt.NDArray[np.int64],
                 reached: npt.NDArray[np.int64]) -> None:  # fmt: skip
        self.everything = records
        self.reached = reached
        self.rows = np.flatnonzero(np.isin(assigned, reached)).astype(np.int64)
        self.records = records.take(self.rows)
        self.owner = np.searchsorted(reached, assigned[self.rows]).astype(np.int64)


def _evolve(resolution: Resolution, **changes: Any) -> Resolution:
    import attrs

    return attrs.evolve(resolution, **changes)


def _replace(tables: Tables, **changes: Any) -> Tables:
    import attrs

    return attrs.evolve(tables, **changes)


def _contacts(
    tables: Tables, part: _Part, resolution: Resolution, accounts: AccountSide | None
) -> tuple[ContactTable, dict[str, Any]]:
    """The reached contacts' rows, made as the build makes every contact's."""
    m = len(part.reached)
    values, winners, categories = golden_values(part.records, part.owner, m, CONTACT_FIELDS,
                                                tables.survivorship)  # fmt: skip
    consents = tables.consents
    theirs = np.isin(consents.column("contact"), part.reached)
    own = consents.take(theirs)
    own = own.with_columns(contact=np.searchsorted(part.reached, own.column("contact")))
    values, categories = contact_facts(values, categories, title_rules=tables.title_rules,
                                       consents=own)  # fmt: skip
    alone = Resolution(
        account_of_record=resolution.account_of_record, contact_of_record=part.owner,
        account_keys=resolution.account_keys, account_ids=resolution.account_ids,
        contact_keys=resolution.contact_keys[part.reached],
        contact_ids=resolution.contact_ids[part.reached],
    )  # fmt: skip
    account, confidence, method = _contact_accounts(
        part.records,  # type: ignore[arg-type]
        alone,
        tables.account_records,
        side=accounts,
    )
    values.update(id=resolution.contact_ids[part.reached], account=account,
                  account_confidence=confidence, account_method=method)  # fmt: skip
    return ContactTable.from_columns(values, length=m, categories=categories), winners


def _accounts(tables: Tables, part: _Part,
              resolution: Resolution) -> tuple[AccountTable, dict[str, Any]]:  # fmt: skip
    """The reached accounts' rows, made as the build makes every account's."""
    m = len(part.reached)
    values, winners, categories = golden_values(part.records, part.owner, m, ACCOUNT_FIELDS,
                                                tables.survivorship)  # fmt: skip
    values["id"] = resolution.account_ids[part.reached]
    values["parent"] = account_parents(
        part.everything,  # type: ignore[arg-type]
        resolution.account_of_record,
        rows=part.rows,
        owner=part.owner,
        entities=part.reached,
    )
    return AccountTable.from_columns(values, length=m, categories=categories), winners


def _spliced(table: Any, part: Any, reached: npt.NDArray[np.int64]) -> Any:
    """``table`` with the rows of ``reached`` replaced by ``part``'s (new ones appended)."""
    n = len(table)
    joined = type(table).concat([table, part])
    grown = max(n, int(reached.max(initial=-1)) + 1)
    order = np.arange(grown, dtype=np.int64)
    order[reached] = n + np.arange(len(reached), dtype=np.int64)
    return joined.take(order)


def _won(old: Any, winners: dict[str, npt.NDArray[np.int64]], part: _Part) -> dict[str, Any]:
    """The per-field winning records, those of the reached entities made again."""
    grown = max(len(next(iter(old.values()), ())), int(part.reached.max(initial=-1)) + 1)
    kept: dict[str, Any] = {}
    for field, won in winners.items():
        column = np.full(grown, -1, dtype=np.int64)
        before = np.asarray(old[field]) if field in old else np.empty(0, dtype=np.int64)
        column[: len(before)] = before
        column[part.reached] = np.where(won >= 0, part.rows[np.maximum(won, 0)], -1)
        kept[field] = column
    return kept
