"""Traits as of a moment on all the data against the same traits on the data of that moment.

A base built from exports cut at ``T`` knows exactly what was known at ``T``. A trait
computed as of ``T`` on the whole data must show the same: where it does not, it reads
something from after ``T`` (a leak from the future).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import Moment, known_by
from customer_understanding._errors import InvalidValueError
from customer_understanding.testing._compare import _differs
from customer_understanding.traits import get_trait, standard_traits
from customer_understanding.typing import AsOf, BaseLike, Level, Trait

__all__ = ["compare_as_of"]

_LEVELS: tuple[Level, ...] = ("account", "contact")
Ints = npt.NDArray[np.int64]
Objects = npt.NDArray[np.object_]


def _pairs(full: BaseLike, cut: BaseLike, level: Level) -> tuple[Ints, Ints]:
    """Rows of the same entity in both bases: made of the same source records.

    A cut entity is matched when all its records sit in one entity of the full base and
    that entity holds no other record the cut data has (nor is matched twice).
    """
    records = "account_records" if level == "account" else "contact_records"
    field = "account_of_record" if level == "account" else "contact_of_record"
    frames = []
    for base in (full, cut):
        table = getattr(base.tables, records)
        frames.append(pd.DataFrame({"system": table.labels("system"),
                                    "id": table.column("source_id"),
                                    "entity": getattr(base.tables.resolution, field)}))  # fmt: skip
    both = frames[1].merge(frames[0], on=["system", "id"], suffixes=("_cut", "_full"))
    both = both[(both["entity_cut"] >= 0) & (both["entity_full"] >= 0)]
    per_cut = both.groupby("entity_cut").agg(full=("entity_full", "min"),
                                              kinds=("entity_full", "nunique"),
                                              size=("id", "size"))  # fmt: skip
    own = frames[1][frames[1]["entity"] >= 0].groupby("entity").size()
    shared = both.groupby("entity_full").size()
    fine = (per_cut["kinds"] == 1) & (per_cut["size"] == own.reindex(per_cut.index).to_numpy())
    fine &= shared.reindex(per_cut["full"]).to_numpy() == per_cut["size"].to_numpy()
    fine &= ~per_cut["full"].duplicated(keep=False)
    matched = per_cut[fine]
    return matched["full"].to_numpy(np.int64), matched.index.to_numpy(np.int64)


def _lookup(pairs: tuple[Ints, Ints], size: int) -> Ints:
    """Full-base row → cut-base row (-2: no counterpart; -1 stays -1, unattached)."""
    lookup = np.full(size + 1, -2, dtype=np.int64)
    lookup[-1] = -1
    lookup[pairs[0]] = pairs[1]
    return lookup


def _footing(base: BaseLike, level: Level, as_of: Moment, maps: dict[str, Ints] | None) -> Objects:
    """Per entity, in the cut base's terms, what is attributed to it up to ``as_of``.

    Interactions (with their contact), deals, its account or its contacts, as one text.
    """
    tables = base.tables
    size = len(tables.accounts if level == "account" else tables.contacts)
    keys: list[pd.DataFrame] = []
    facts = tables.interactions
    mask = known_by(facts.column("occurred_at"), as_of) & (facts.column(level) >= 0)
    contact = facts.column("contact")[mask]
    if maps is not None:
        contact = maps["contact"][contact]
    keys.append(pd.DataFrame({"entity": facts.column(level)[mask], "key": _keys(facts, mask)
                              + ">" + contact.astype(str)}))  # fmt: skip
    deals = tables.opportunities
    if level == "account":
        mask = known_by(deals.column("created_at"), as_of) & (deals.column("account") >= 0)
        keys.append(pd.DataFrame({"entity": deals.column("account")[mask],
                                  "key": "deal " + _keys(deals, mask)}))  # fmt: skip
        people = tables.contacts
        mask = known_by(people.column("created_at"), as_of) & (people.column("account") >= 0)
        rows = np.flatnonzero(mask)
        mapped = rows if maps is None else maps["contact"][rows]
        keys.append(pd.DataFrame({"entity": people.column("account")[mask],
                                  "key": "contact " + mapped.astype(str)}))  # fmt: skip
    else:
        account = tables.contacts.column("account")
        mapped = account if maps is None else maps["account"][account]
        keys.append(pd.DataFrame({"entity": np.arange(size), "key": "account "
                                  + mapped.astype(str)}))  # fmt: skip
    found = pd.concat(keys).sort_values("key").groupby("entity")["key"].agg("|".join)
    out = np.full(size, "", dtype=object)
    out[found.index.to_numpy(np.int64)] = found.to_numpy(dtype=object)
    return out


def _keys(table: Any, mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.object_]:
    system = pd.Series(table.labels("system")[mask], dtype=object).astype(str)
    ids = pd.Series(table.column("source_id")[mask], dtype=object).astype(str)
    return (system + ":" + ids).to_numpy(dtype=object)


def _settled(full: BaseLike, cut: BaseLike, as_of: Moment) -> dict[str, tuple[Ints, Ints]]:
    """Per level, matched entity rows whose footing up to ``as_of`` is the same in both."""
    pairs = {level: _pairs(full, cut, level) for level in _LEVELS}
    maps = {
        "account": _lookup(pairs["account"], len(full.tables.accounts)),
        "contact": _lookup(pairs["contact"], len(full.tables.contacts)),
    }
    settled: dict[str, tuple[Ints, Ints]] = {}
    for level in _LEVELS:
        left, right = pairs[level]
        same = _footing(full, level, as_of, maps)[left] == _footing(cut, level, as_of, None)[right]
        settled[level] = (left[same], right[same])
    return settled


def _values(trait: Trait, base: BaseLike, as_of: AsOf, level: Level) -> npt.NDArray[Any] | None:
    tables = base.tables
    try:
        return np.asarray(trait.evaluate(tables, as_of=tables.moment(as_of), level=level))
    except InvalidValueError:
        return None  # not a trait of this level (a contact field read for accounts …)


def compare_as_of(
    full: BaseLike,
    cut: BaseLike,
    /,
    *,
    as_of: AsOf,
    traits: Mapping[str, Trait | str] | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Traits as of ``as_of`` on ``full`` against the same traits on ``cut``, entity by entity.

    ``cut`` is a base built from the exports as they stood at ``as_of`` (see
    :meth:`customer_understanding.datasets.SampleWorld.cut`), ``full`` one built from
    all of them. An entity is compared when it stands on the same footing in both: made
    of the same source records (those the cut data has; the full base may add later
    ones), with the same interactions up to ``as_of`` attributed to it (and to the same
    contact), the same deals and, for an account, the same contacts known by then; for
    a contact, the same account. Where the two bases resolve or link otherwise (a link
    only a later record makes), the entity is not compared: that is identity, not a
    trait. A trait that leaks nothing from after ``as_of`` then differs on no entity.

    Parameters
    ----------
    full, cut
        The two customer bases.
    as_of
        The moment the cut was made at.
    traits
        The traits to compare: names, or a mapping of names to traits (or names);
        every standard trait by default.

    Returns
    -------
    pandas.DataFrame
        One row per trait and level (``account``, ``contact``) the trait can be read at:
        ``trait``, ``level``, ``compared`` (entities matched), ``differing`` and
        ``example`` (the first differing entity id with both values, or ``None``).

    Examples
    --------
    >>> from customer_understanding import CustomerBase
    >>> from customer_understanding.datasets import generate_world
    >>> world = generate_world(accounts=20, interactions=2_000, defects=False)
    >>> full = CustomerBase.build(world.as_sources())
    >>> cut = CustomerBase.build(world.cut(as_of="2026-06-01").as_sources())
    >>> table = compare_as_of(full, cut, as_of="2026-06-01",
    ...                       traits=["open_tickets", "satisfaction", "won_deals"])
    >>> table.groupby("level")["differing"].sum().to_dict()
    {'account': 0, 'contact': 0}
    """
    chosen = {name: name for name in standard_traits()} if traits is None else traits
    if isinstance(chosen, str) or not isinstance(chosen, Mapping | list | tuple):
        msg = f"traits={traits!r} must be trait names or a mapping of names to traits"
        raise InvalidValueError(msg)
    named: Mapping[str, Trait | str] = (
        chosen if isinstance(chosen, Mapping) else {name: name for name in chosen}
    )
    moment = full.tables.moment(as_of)
    settled = _settled(full, cut, moment)
    rows = []
    for level in _LEVELS:
        left, right = settled[level]
        ids = (full.tables.accounts if level == "account" else full.tables.contacts).column("id")
        for name, given in named.items():
            trait = get_trait(given) if isinstance(given, str) else given
            before, after = _values(trait, full, as_of, level), _values(trait, cut, as_of, level)
            if before is None or after is None:
                continue
            differs = _differs(before[left], after[right])
            example = None
            if differs.any():
                i = int(np.flatnonzero(differs)[0])
                example = f"{ids[left[i]]}: {before[left[i]]!r} (all data) vs {after[right[i]]!r}"
            rows.append((name, level, len(left), int(differs.sum()), example))
    return pd.DataFrame(rows, columns=["trait", "level", "compared", "differing", "example"])
