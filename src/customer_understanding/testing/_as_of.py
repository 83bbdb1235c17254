"""Traits as of a moment on all the data against the same traits on the data of that moment.

A base built from exports cut at ``T`` knows exactly what was known at ``T``. A trait
computed as of ``T`` on the whole data must show the same: where it does not, it reads
something from after ``T`` (a leak from the future).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._errors import InvalidValueError
from customer_understanding.testing._compare import _differs
from customer_understanding.traits import get_trait, standard_traits
from customer_understanding.typing import AsOf, BaseLike, Level, Trait

__all__ = ["compare_as_of"]

_LEVELS: tuple[Level, ...] = ("account", "contact")


def _pairs(full: BaseLike, cut: BaseLike, level: Level) -> tuple[npt.NDArray[Any], ...]:
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
    traits: Mapping[str, Trait | str] | None = None,
) -> pd.DataFrame:
    """Traits as of ``as_of`` on ``full`` against the same traits on ``cut``, entity by entity.

    ``cut`` is a base built from the exports as they stood at ``as_of`` (see
    :meth:`customer_understanding.datasets.SampleWorld.cut`), ``full`` one built from
    all of them. Entities are matched by their source records; an entity whose records
    differ between the two (resolved otherwise, or holding records made after
    ``as_of``) is not compared. A trait that leaks nothing from after ``as_of`` differs
    on no entity.

    Parameters
    ----------
    full, cut
        The two customer bases.
    as_of
        The moment the cut was made at.
    traits
        The traits to compare, by name; every standard trait by default.

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
    >>> cut = CustomerBase.build(world.cut("2026-06-01").as_sources())
    >>> table = compare_as_of(full, cut, as_of="2026-06-01",
    ...                       traits=["open_tickets", "satisfaction", "won_deals"])
    >>> table.groupby("level")["differing"].sum().to_dict()
    {'account': 0, 'contact': 0}
    """
    chosen = {name: name for name in standard_traits()} if traits is None else traits
    if isinstance(chosen, str) or not isinstance(chosen, Mapping | list | tuple):
        msg = f"traits={traits!r} must be trait names or a mapping of names to traits"
        raise InvalidValueError(msg)
    named = chosen if isinstance(chosen, Mapping) else {name: name for name in chosen}
    rows = []
    for level in _LEVELS:
        left, right = _pairs(full, cut, level)
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
