"""Point-in-time traits: vectorised features of every contact or account as of a time.

Each trait reads only interactions that occurred strictly before ``as_of``; windows reach
back ``window_days`` from it. They are what scorers and segmenters build on.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import DAY_NS, names, positive
from customer_understanding._errors import InvalidValueError, UnknownNameError
from customer_understanding.base import Tables
from customer_understanding.tables import NAT, Table
from customer_understanding.typing import AsOf, BaseLike, Level, Trait

__all__ = [
    "ActiveSeatShare",
    "DaysSince",
    "FeatureBreadth",
    "Field",
    "InteractionCount",
    "OpenTickets",
    "TraitFrame",
    "evaluate_traits",
]

_RESOLVED = ("solved", "closed")


def _window(instance: object, attribute: attrs.Attribute[Any], value: float | None) -> None:
    if value is not None:
        positive(attribute.name, value)


def _entities(tables: Tables, level: Level) -> tuple[npt.NDArray[np.int64], int]:
    if level not in ("contact", "account"):
        msg = f"level={level!r} must be 'contact' or 'account'"
        raise InvalidValueError(msg)
    size = len(tables.contacts) if level == "contact" else len(tables.accounts)
    return tables.interactions.column(level), size


def _codes(table: Table, column: str, labels: tuple[str, ...]) -> npt.NDArray[np.bool_]:
    wanted = [table.code_of(column, label) for label in labels]
    return np.asarray(np.isin(table.column(column), wanted), dtype=np.bool_)


def _mask(
    tables: Tables, as_of: int, window_days: float | None, types: tuple[str, ...] = ()
) -> npt.NDArray[np.bool_]:
    table = tables.interactions
    times = table.column("occurred_at")
    mask: npt.NDArray[np.bool_] = (times != NAT) & (times < as_of)
    if window_days is not None:
        mask &= times >= as_of - int(window_days * DAY_NS)
    if types:
        mask &= _codes(table, "type", types)
    return mask


@attrs.frozen(kw_only=True)
class InteractionCount:
    """How many interactions of some types (or disciplines) happened in a window.

    Examples
    --------
    >>> from customer_understanding.datasets import generate_world
    >>> from customer_understanding import CustomerBase
    >>> world = generate_world(accounts=5, interactions=400, defects=False)
    >>> base = CustomerBase.build(world.as_sources())
    >>> visits = InteractionCount(types=("page_view",), window_days=14)
    >>> values = visits.evaluate(base.tables, as_of=base.interactions.column("occurred_at").max(),
    ...                          level="account")
    >>> len(values) == len(base.accounts), bool((values >= 0).all())
    (True, True)
    """

    types: tuple[str, ...] = attrs.field(default=(), converter=names)
    disciplines: tuple[str, ...] = attrs.field(default=(), converter=names)
    window_days: float | None = attrs.field(default=None, validator=_window)

    def evaluate(self, tables: Tables, /, *, as_of: int, level: Level) -> npt.NDArray[np.float64]:
        """Counts per entity row."""
        entity, size = _entities(tables, level)
        mask = _mask(tables, as_of, self.window_days, self.types) & (entity >= 0)
        if self.disciplines:
            mask &= _codes(tables.interactions, "discipline", self.disciplines)
        return np.bincount(entity[mask], minlength=size).astype(np.float64)


@attrs.frozen(kw_only=True)
class OpenTickets:
    """Tickets of some priorities opened in a window and not (yet) solved or closed.

    Sources export a ticket's latest status only, so a ticket counts as open when that
    status is not ``solved`` or ``closed``; its opening time respects ``as_of``.

    Examples
    --------
    >>> OpenTickets(priorities=("p1",)).window_days
    90.0
    """

    priorities: tuple[str, ...] = attrs.field(default=("p1",), converter=names)
    window_days: float | None = attrs.field(default=90.0, validator=_window)

    def evaluate(self, tables: Tables, /, *, as_of: int, level: Level) -> npt.NDArray[np.float64]:
        """Open tickets per entity row."""
        entity, size = _entities(tables, level)
        table = tables.interactions
        mask = _mask(tables, as_of, self.window_days, ("ticket",)) & (entity >= 0)
        if self.priorities:
            mask &= _codes(table, "priority", self.priorities)
        mask &= ~_codes(table, "status", _RESOLVED)
        return np.bincount(entity[mask], minlength=size).astype(np.float64)


@attrs.frozen(kw_only=True)
class DaysSince:
    """Days from the last interaction of some types or disciplines to ``as_of`` (nan if none).

    Examples
    --------
    >>> DaysSince(disciplines=("sales",)).disciplines
    ('sales',)
    """

    types: tuple[str, ...] = attrs.field(default=(), converter=names)
    disciplines: tuple[str, ...] = attrs.field(default=(), converter=names)

    def evaluate(self, tables: Tables, /, *, as_of: int, level: Level) -> npt.NDArray[np.float64]:
        """Days since the latest matching interaction per entity row."""
        entity, size = _entities(tables, level)
        mask = _mask(tables, as_of, None, self.types) & (entity >= 0)
        if self.disciplines:
            mask &= _codes(tables.interactions, "discipline", self.disciplines)
        latest = np.full(size, NAT, dtype=np.int64)
        np.maximum.at(latest, entity[mask], tables.interactions.column("occurred_at")[mask])
        days = (as_of - latest.astype(np.float64)) / DAY_NS
        return np.where(latest == NAT, np.nan, days)


@attrs.frozen(kw_only=True)
class ActiveSeatShare:
    """Share of an account's product users who were active in the last ``window_days``.

    A seat is a contact with any product interaction before ``as_of``; it is active when
    one falls in the window. Accounts without seats get ``nan``. Account level only.

    Examples
    --------
    >>> ActiveSeatShare(window_days=14).window_days
    14
    """

    window_days: float = attrs.field(default=30.0, validator=_window)

    def evaluate(self, tables: Tables, /, *, as_of: int, level: Level) -> npt.NDArray[np.float64]:
        """Active share of seats per account row."""
        if level != "account":
            msg = f"level={level!r}: ActiveSeatShare is an account trait"
            raise InvalidValueError(msg)
        table = tables.interactions
        contact, account = table.column("contact"), table.column("account")
        product = _codes(table, "discipline", ("product",)) & (contact >= 0) & (account >= 0)
        seats = _distinct_per_account(contact, account, product & _mask(tables, as_of, None))
        recent = product & _mask(tables, as_of, self.window_days)
        active = _distinct_per_account(contact, account, recent)
        size = len(tables.accounts)
        seat_count = np.bincount(seats, minlength=size).astype(np.float64)
        active_count = np.bincount(active, minlength=size).astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(seat_count > 0, active_count / seat_count, np.nan)


def _distinct_per_account(
    contact: npt.NDArray[np.int64], account: npt.NDArray[np.int64], mask: npt.NDArray[np.bool_]
) -> npt.NDArray[np.int64]:
    pairs = np.unique(np.stack([account[mask], contact[mask]]), axis=1)
    return np.asarray(pairs[0], dtype=np.int64)


@attrs.frozen(kw_only=True)
class FeatureBreadth:
    """How many distinct product features (``feature_use`` subjects) were used in a window.

    Examples
    --------
    >>> FeatureBreadth(window_days=30).types
    ('feature_use',)
    """

    window_days: float | None = attrs.field(default=30.0, validator=_window)
    types: tuple[str, ...] = attrs.field(default=("feature_use",), converter=names)

    def evaluate(self, tables: Tables, /, *, as_of: int, level: Level) -> npt.NDArray[np.float64]:
        """Distinct features per entity row."""
        entity, size = _entities(tables, level)
        mask = _mask(tables, as_of, self.window_days, self.types) & (entity >= 0)
        subjects = tables.interactions.column("subject")[mask]
        codes, _ = pd.factorize(subjects)
        known = codes >= 0
        if not known.any():
            return np.zeros(size)
        pairs = np.unique(np.stack([entity[mask][known], codes[known].astype(np.int64)]), axis=1)
        return np.bincount(pairs[0], minlength=size).astype(np.float64)


@attrs.frozen(kw_only=True)
class Field:
    """A numeric field of the entity (``employees``, ``annual_revenue`` …), or of its account.

    Examples
    --------
    >>> Field(name="employees").name
    'employees'
    """

    name: str

    def evaluate(self, tables: Tables, /, *, as_of: int, level: Level) -> npt.NDArray[np.float64]:
        """The field per entity row (a contact reads its account's field if it has none)."""
        _entities(tables, level)
        own = tables.contacts if level == "contact" else tables.accounts
        if self.name in own.SCHEMA.names and own.SCHEMA[self.name].kind == "float":
            return np.asarray(own.column(self.name), dtype=np.float64)
        accounts = tables.accounts
        if self.name not in accounts.SCHEMA.names or accounts.SCHEMA[self.name].kind != "float":
            msg = f"trait field {self.name!r} is not a numeric column of {level}s or accounts"
            raise UnknownNameError(msg)
        values = np.append(np.asarray(accounts.column(self.name), np.float64), np.nan)
        return values[tables.contacts.column("account")]  # type: ignore[no-any-return]


@attrs.frozen(kw_only=True)
class TraitFrame:
    """Trait values of every entity as of a time: one float column per trait.

    Examples
    --------
    >>> frame = TraitFrame(level="account", as_of=0, ids=np.array(["a"], dtype=object),
    ...                    values={"visits": np.array([3.0])})
    >>> frame.to_pandas().values.tolist()
    [['a', 3.0]]
    """

    level: Level
    as_of: int
    ids: npt.NDArray[np.object_]
    values: Mapping[str, npt.NDArray[np.float64]]

    def __getitem__(self, name: str) -> npt.NDArray[np.float64]:
        if name not in self.values:
            msg = f"trait={name!r} is not one of: {', '.join(self.values)}"
            raise UnknownNameError(msg)
        return self.values[name]

    def to_pandas(self) -> pd.DataFrame:
        """One row per entity: ``id`` then one column per trait."""
        return pd.DataFrame({"id": self.ids, **self.values})


def evaluate_traits(
    base: BaseLike, traits: Mapping[str, Trait], *, as_of: AsOf, level: Level = "account"
) -> TraitFrame:
    """Evaluate named traits for every contact or account as of a time.

    Examples
    --------
    >>> from customer_understanding.datasets import generate_world
    >>> from customer_understanding import CustomerBase
    >>> world = generate_world(accounts=5, interactions=400, defects=False)
    >>> base = CustomerBase.build(world.as_sources())
    >>> frame = evaluate_traits(base, {"web_14d": InteractionCount(types=("page_view",),
    ...     window_days=14), "since_sales": DaysSince(disciplines=("sales",))},
    ...     as_of="2026-06-01")
    >>> list(frame.to_pandas().columns)
    ['id', 'web_14d', 'since_sales']
    """
    tables = base.tables
    moment = tables.moment(as_of)
    _entities(tables, level)
    ids = (tables.contacts if level == "contact" else tables.accounts).column("id")
    values = {
        name: trait.evaluate(tables, as_of=moment, level=level) for name, trait in traits.items()
    }
    return TraitFrame(level=level, as_of=moment, ids=np.asarray(ids, dtype=object), values=values)
