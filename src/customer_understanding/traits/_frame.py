"""Traits of a whole base as of one moment: the lazy snapshot and the read-only frame.

A :class:`TraitSnapshot` computes each distinct trait once per level, on first use, and
caches what conditions find, so segment rules and signal policies that share traits
share the work. :class:`TraitFrame` is the result users hold: one column per trait.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import (
    Moment,
    TableExport,
    frozen_array,
    frozen_mapping,
    html_table,
    objects,
    summary,
    typed_fields,
)
from customer_understanding._errors import InvalidValueError
from customer_understanding.base import Tables
from customer_understanding.traits._catalogue import check_trait, get_trait
from customer_understanding.traits._scope import check_level, size_of
from customer_understanding.typing import AsOf, BaseLike, Level, Trait

if TYPE_CHECKING:
    from customer_understanding.traits._conditions import AnyCondition

__all__ = ["TraitFrame", "TraitSnapshot", "evaluate_traits"]


def _frozen_values(values: Mapping[str, npt.NDArray[Any]]) -> Mapping[str, npt.NDArray[Any]]:
    return frozen_mapping({name: frozen_array(array) for name, array in values.items()})


def _frozen_texts(values: Mapping[str, str]) -> Mapping[str, str]:
    return frozen_mapping(values)


@attrs.frozen(field_transformer=typed_fields, kw_only=True, repr=False)
class TraitFrame(TableExport):
    """Trait values of every contact or account as of a moment: one column per trait.

    Numeric traits are float64 (``nan`` when unknown), category and text traits object
    arrays of ``str`` (``None`` when unknown). Read-only.

    Examples
    --------
    >>> frame = TraitFrame(level="account", as_of=Moment(0), ids=["a1"],
    ...                    values={"visits": np.array([3.0])},
    ...                    descriptions={"visits": "page views"})
    >>> frame
    TraitFrame: 1 row, as of 1970-01-01T00:00:00Z, level=account, traits=visits
    >>> frame.to_pandas().to_dict("records")
    [{'account_id': 'a1', 'visits': 3.0}]
    """

    level: Level
    as_of: Moment = attrs.field(converter=Moment)
    ids: npt.NDArray[np.object_] = attrs.field(converter=objects)
    values: Mapping[str, npt.NDArray[Any]] = attrs.field(converter=_frozen_values)
    descriptions: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_texts)

    def __attrs_post_init__(self) -> None:
        check_level(self.level)
        for name, array in self.values.items():
            if len(array) != len(self.ids):
                msg = f"trait {name!r} has {len(array)} values for {len(self.ids)} ids"
                raise InvalidValueError(msg)

    @property
    def names(self) -> tuple[str, ...]:
        """The trait names, in column order."""
        return tuple(self.values)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, name: str) -> npt.NDArray[Any]:
        if name not in self.values:
            msg = f"trait={name!r} is not one of: {', '.join(self.values)}"
            raise InvalidValueError(msg)
        return self.values[name]

    def to_pandas(self) -> pd.DataFrame:
        """One row per entity: ``account_id`` or ``contact_id``, then one column per trait."""
        return pd.DataFrame({f"{self.level}_id": self.ids, **self.values})

    def __repr__(self) -> str:
        return summary("TraitFrame", len(self), as_of=self.as_of.isoformat(), level=self.level,
                       traits=", ".join(self.values) or "(none)")  # fmt: skip

    def _repr_html_(self) -> str:
        return html_table(repr(self), self.to_pandas())


def _key(trait: Trait) -> object:
    try:
        hash(trait)
    except TypeError:
        return id(trait)
    return trait


class TraitSnapshot:
    """The traits of a customer base as of one moment, each computed once, on first use.

    Names resolve through :func:`get_trait`, with ``traits`` (name to trait) tried first.
    Segment rules and signal policies evaluate their conditions here: :meth:`holds`
    caches each condition's answer, :meth:`values` each trait's values per level.
    With ``accounts`` (account ids), only those accounts and their contacts are
    evaluated, on their slice of the tables (:meth:`Tables.for_accounts
    <customer_understanding.base.Tables.for_accounts>`): the cost of those accounts,
    not of the base. Every standard trait reads only its entity's own rows, so the
    values are the whole base's.

    Examples
    --------
    >>> import customer_understanding as cu
    >>> base = cu.CustomerBase.from_objects(accounts=[cu.Account(id="a1")], interactions=[
    ...     cu.Interaction(id="t1", occurred_at="2026-03-01", type="ticket", priority="p1",
    ...                    status="escalated", account_id="a1")])
    >>> snapshot = TraitSnapshot(base, as_of="2026-03-01")
    >>> snapshot.values("open_p1_tickets").tolist()
    [1.0]
    >>> TraitSnapshot(base, accounts=["a1"]).values("open_p1_tickets").tolist()
    [1.0]
    """

    __slots__ = ("_as_of", "_local", "_masks", "_sliced", "_tables", "_traits", "_values")

    def __init__(
        self,
        base: BaseLike,
        /,
        *,
        as_of: AsOf = None,
        traits: Mapping[str, Trait] | None = None,
        accounts: Iterable[str] | None = None,
    ) -> None:
        self._tables: Tables = base.tables
        self._sliced = accounts is not None
        if accounts is not None:
            self._tables = self._tables.for_accounts(accounts)
        self._as_of: Moment = self._tables.moment(as_of)
        self._local: dict[str, Trait] = {}
        for name, trait in (traits or {}).items():
            check_trait(name, trait)
            self._local[name] = trait
        self._traits: dict[str, Trait] = {}
        self._values: dict[tuple[object, Level], npt.NDArray[Any]] = {}
        self._masks: dict[tuple[object, Level], npt.NDArray[np.bool_]] = {}

    @property
    def tables(self) -> Tables:
        """The tables the traits are read from."""
        return self._tables

    @property
    def as_of(self) -> Moment:
        """The moment every trait is evaluated at."""
        return self._as_of

    def __repr__(self) -> str:
        return summary("TraitSnapshot", None, as_of=self._as_of.isoformat(),
                       computed=len(self._values))  # fmt: skip

    def trait(self, name: str) -> Trait:
        """The trait a name stands for here (raises ``UnknownNameError`` with suggestions)."""
        if name not in self._traits:
            self._traits[name] = get_trait(name, self._local)
        return self._traits[name]

    def ids(self, level: Level = "account") -> npt.NDArray[np.object_]:
        """The entity ids of a level, in row order."""
        table = self._tables.contacts if check_level(level) == "contact" else self._tables.accounts
        return np.asarray(table.column("id"), dtype=object)

    def shown(self, level: Level = "account") -> npt.NDArray[np.bool_]:
        """The entity rows a frame reports: every row, or, for a few accounts, their own.

        A slice of a few accounts also holds other accounts' contacts met on their
        interactions (unattached, account -1), whose facts it only partly knows.
        """
        if check_level(level) == "account" or not self._sliced:
            return np.ones(self.size(level), dtype=bool)
        shown: npt.NDArray[np.bool_] = self._tables.contacts.column("account") >= 0
        return shown

    def values(self, trait: str | Trait, *, level: Level = "account") -> npt.NDArray[Any]:
        """One trait's values per entity row of ``level`` (read-only), computed once."""
        found = self.trait(trait) if isinstance(trait, str) else trait
        key = (_key(found), check_level(level))
        if key not in self._values:
            self._values[key] = _checked(
                found, trait, self._evaluate(found, level), self.size(level)
            )
        return self._values[key]

    def _evaluate(self, trait: Trait, level: Level) -> npt.NDArray[Any]:
        return np.asarray(trait.evaluate(self._tables, as_of=self._as_of, level=level))

    def size(self, level: Level = "account") -> int:
        """How many entity rows a level has."""
        return size_of(self._tables, check_level(level))

    def holds(self, condition: AnyCondition, *, level: Level = "account") -> npt.NDArray[np.bool_]:
        """Which entity rows satisfy ``condition`` (read-only), computed once."""
        key = (_key(condition), check_level(level))  # type: ignore[arg-type]
        if key not in self._masks:
            self._masks[key] = frozen_array(condition.test(self, level=level), dtype=np.bool_)
        return self._masks[key]

    def frame(
        self, traits: Iterable[str | Trait] | Mapping[str, str | Trait], *, level: Level = "account"
    ) -> TraitFrame:
        """The traits as a :class:`TraitFrame` (a trait object is named by its description)."""
        pairs = traits.items() if isinstance(traits, Mapping) else (
            (item if isinstance(item, str) else item.description, item) for item in traits
        )  # fmt: skip
        values: dict[str, npt.NDArray[Any]] = {}
        descriptions: dict[str, str] = {}
        for name, item in pairs:
            found = self.trait(item) if isinstance(item, str) else item
            if not isinstance(item, str):
                check_trait(name, found)
            values[name] = self.values(found, level=level)
            descriptions[name] = found.description
        shown = self.shown(level)
        if not shown.all():
            values = {name: array[shown] for name, array in values.items()}
        return TraitFrame(level=level, as_of=self._as_of, ids=self.ids(level)[shown],
                          values=values, descriptions=descriptions)  # fmt: skip


def _checked(
    trait: Trait, name: str | Trait, values: npt.NDArray[Any], size: int
) -> npt.NDArray[Any]:
    label = name if isinstance(name, str) else trait.description
    if values.ndim != 1 or len(values) != size:
        msg = f"trait {label!r} returned {values.shape} values for {size} entities"
        raise InvalidValueError(msg)
    if values.dtype.kind in "biuf":
        values = values.astype(np.float64)
        if np.isinf(values).any():
            msg = f"trait {label!r} returned inf; a value that cannot be known must be nan"
            raise InvalidValueError(msg)
    elif values.dtype.kind != "O":
        values = values.astype(object)
    return frozen_array(values)


def evaluate_traits(
    base: BaseLike,
    traits: Iterable[str | Trait] | Mapping[str, str | Trait],
    *,
    as_of: AsOf = None,
    level: Level = "account",
    accounts: Iterable[str] | None = None,
) -> TraitFrame:
    """Evaluate traits (by name or as objects) for every contact or account as of a moment.

    Parameters
    ----------
    base
        The customer base.
    traits
        Trait names (see :func:`trait_names`) or trait objects, or a mapping from the
        column names wanted to names or objects. Each distinct trait is computed once.
    as_of
        The moment (any form; ``None`` for the latest event).
    level
        ``"account"`` or ``"contact"``.
    accounts
        Only these account ids (and, at the contact level, their contacts), computed
        on their rows alone: a call about one customer costs one customer. A trait of
        your own must then read only its entity's rows, as every standard trait does.

    Raises
    ------
    UnknownNameError
        If a name is not a known trait (the message suggests close names).
    NotFoundError
        If an account in ``accounts`` is not in the base.

    Examples
    --------
    >>> import customer_understanding as cu
    >>> base = cu.CustomerBase.from_objects(
    ...     accounts=[cu.Account(id="a1", industry="Software")],
    ...     interactions=[cu.Interaction(id="v1", occurred_at="2026-03-01", type="page_view",
    ...                                  account_id="a1", subject="/pricing")])
    >>> frame = evaluate_traits(base, ["web_visits_14d", "industry", "top_pages_14d"])
    >>> frame.to_pandas().to_dict("records")[0]["top_pages_14d"]
    '/pricing'
    >>> frame["web_visits_14d"].tolist(), frame["industry"].tolist()
    ([1.0], ['Software'])
    >>> evaluate_traits(base, ["web_visits_14d"], accounts=["a1"])["web_visits_14d"].tolist()
    [1.0]
    """
    return TraitSnapshot(base, as_of=as_of, accounts=accounts).frame(traits, level=level)
