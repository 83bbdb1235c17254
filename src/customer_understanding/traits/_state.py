"""Traits about the state of a customer at a moment: tickets, users, seats, deals, people, stage."""

from __future__ import annotations

from typing import Literal

import attrs
import numpy as np

from customer_understanding._core import (
    Moment,
    are_names,
    known_by,
    moment_checked,
    names,
    one_of,
    typed_fields,
    within,
)
from customer_understanding.base import Tables, golden_as_of
from customer_understanding.traits._scope import (
    Floats,
    Objects,
    activity,
    check_level,
    count_by,
    distinct_by,
    labels_of,
    last_value_by,
    on_level,
    size_of,
    window,
)
from customer_understanding.traits._tickets import RESOLVED_STATUSES, ticket_state
from customer_understanding.typing import Level

__all__ = [
    "RESOLVED_STATUSES",
    "ActiveUsers",
    "Deals",
    "LicensedSeats",
    "LifecycleStage",
    "NewContacts",
    "OpenTickets",
]


def _span(window_days: float | None) -> str:
    return "" if window_days is None else f" in the last {window_days:g} days"


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class OpenTickets:
    """Tickets opened by ``as_of`` (within a window if given) whose status is not resolved.

    A ticket is open when its status at ``as_of`` is not one of :data:`RESOLVED_STATUSES`
    (a ticket without a status is open). The status at ``as_of`` comes from the ticket's
    audit trail when there is one, else from its update time: a ticket resolved after
    ``as_of`` is still open at ``as_of`` (see :doc:`/explanation/traits-and-conditions`).

    Examples
    --------
    >>> OpenTickets(priorities=("p1",)).description
    'open p1 tickets'
    """

    priorities: tuple[str, ...] = attrs.field(default=(), converter=names, validator=are_names)
    window_days: float | None = attrs.field(default=None, validator=window)

    @property
    def description(self) -> str:
        """What the trait measures."""
        which = " or ".join(self.priorities)
        return f"open {which + ' ' if which else ''}tickets" + _span(self.window_days)

    @moment_checked
    def evaluate(self, tables: Tables, /, *, as_of: Moment, level: Level) -> Floats:
        """Open tickets per entity row."""
        table = tables.interactions
        mask = activity(tables, as_of, self.window_days, types=("ticket",))
        mask &= ~ticket_state(tables, as_of)[0]
        if self.priorities:
            mask &= labels_of(table, "priority", self.priorities)
        return count_by(table.column(check_level(level)), mask, size_of(tables, level))


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class ActiveUsers:
    """People with any product interaction in a window (for a contact: 1 if active, else 0).

    Examples
    --------
    >>> ActiveUsers(window_days=30).description
    'people using the product in the last 30 days'
    """

    window_days: float | None = attrs.field(default=30.0, validator=window)

    @property
    def description(self) -> str:
        """What the trait measures."""
        return "people using the product" + _span(self.window_days)

    @moment_checked
    def evaluate(self, tables: Tables, /, *, as_of: Moment, level: Level) -> Floats:
        """Active people per entity row."""
        table = tables.interactions
        mask = activity(tables, as_of, self.window_days, disciplines=("product",))
        return distinct_by(table.column(check_level(level)), table.column("contact"), mask,
                           size_of(tables, level))  # fmt: skip


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class LicensedSeats:
    """Licensed seats: the quantity of the latest ``seat_change`` by ``as_of`` (missing if none).

    An account trait; a contact reads its account's seats.

    Examples
    --------
    >>> LicensedSeats().description
    'licensed seats, from the latest seat change (missing if none)'
    """

    @property
    def description(self) -> str:
        """What the trait measures."""
        return "licensed seats, from the latest seat change (missing if none)"

    @moment_checked
    def evaluate(self, tables: Tables, /, *, as_of: Moment, level: Level) -> Floats:
        """Seats per entity row."""
        table = tables.interactions
        quantity = table.column("quantity")
        mask = activity(tables, as_of, None, types=("seat_change",)) & ~np.isnan(quantity)
        rows = last_value_by(table.column("account"), table.column("occurred_at"), mask,
                             len(tables.accounts))  # fmt: skip
        seats = np.full(len(rows), np.nan)
        seats[rows >= 0] = quantity[rows[rows >= 0]]
        return on_level(seats, tables, check_level(level), as_of=as_of)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Deals:
    """Deals open or won at ``as_of``: how many, or their total amount.

    A deal is open when it was created by ``as_of`` and had not closed by then; won when
    it closed won by ``as_of``. Amounts add the known amounts (0 when there are no deals).
    An account trait; a contact reads its account's deals.

    Examples
    --------
    >>> Deals(state="won", measure="amount").description
    'total amount of deals won by the moment'
    """

    state: Literal["open", "won", "lost"] = attrs.field(validator=one_of("open", "won", "lost"))
    measure: Literal["count", "amount"] = attrs.field(
        default="count", validator=one_of("count", "amount")
    )

    @property
    def description(self) -> str:
        """What the trait measures."""
        what = "deals open at" if self.state == "open" else f"deals {self.state} by"
        return f"{'total amount of ' if self.measure == 'amount' else ''}{what} the moment"

    @moment_checked
    def evaluate(self, tables: Tables, /, *, as_of: Moment, level: Level) -> Floats:
        """Deals (or their amount) per entity row."""
        deals = tables.opportunities
        closed = known_by(deals.column("closed_at"), as_of)
        if self.state == "open":
            mask = known_by(deals.column("created_at"), as_of) & ~closed
        else:
            mask = closed & labels_of(deals, "outcome", (self.state,))
        account, size = deals.column("account"), len(tables.accounts)
        mask &= account >= 0
        amounts = np.nan_to_num(deals.column("amount")[mask])
        weights = amounts if self.measure == "amount" else None
        values = np.bincount(account[mask], weights=weights, minlength=size).astype(np.float64)
        return on_level(values, tables, check_level(level), as_of=as_of)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class NewContacts:
    """Contacts of the given seniorities who appeared (were created) in a window.

    An account trait; a contact reads its account's count.

    Examples
    --------
    >>> NewContacts().description
    'new vp or c_level contacts in the last 30 days'
    """

    seniorities: tuple[str, ...] = attrs.field(
        default=("vp", "c_level"), converter=names, validator=are_names
    )
    window_days: float | None = attrs.field(default=30.0, validator=window)

    @property
    def description(self) -> str:
        """What the trait measures."""
        return f"new {' or '.join(self.seniorities)} contacts" + _span(self.window_days)

    @moment_checked
    def evaluate(self, tables: Tables, /, *, as_of: Moment, level: Level) -> Floats:
        """New contacts per entity row."""
        contacts = tables.contacts
        mask = within(contacts.column("created_at"), as_of, self.window_days)
        if self.seniorities:  # the seniority read from the title known at the moment
            then = golden_as_of(tables, "contact", moment=as_of)
            mask &= labels_of(then, "seniority", self.seniorities)
        counts = count_by(contacts.column("account"), mask, len(tables.accounts))
        return on_level(counts, tables, check_level(level), as_of=as_of)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class LifecycleStage:
    """The lifecycle stage at ``as_of``, from the stage history (``None`` if none yet).

    Reads the latest stage change of the entity itself (contacts and accounts each have
    their own history) at or before ``as_of``.

    Examples
    --------
    >>> LifecycleStage().description
    'lifecycle stage at the moment, from the stage history'
    """

    @property
    def description(self) -> str:
        """What the trait measures."""
        return "lifecycle stage at the moment, from the stage history"

    @moment_checked
    def evaluate(self, tables: Tables, /, *, as_of: Moment, level: Level) -> Objects:
        """The stage name per entity row."""
        stages = tables.stages
        mask = known_by(stages.column("at"), as_of)
        mask &= labels_of(stages, "subject_kind", (check_level(level),))
        rows = last_value_by(stages.column("subject"), stages.column("at"), mask,
                             size_of(tables, level))  # fmt: skip
        labels = np.append(stages.labels("stage"), np.array([None], dtype=object))
        return np.asarray(labels[rows], dtype=object)
