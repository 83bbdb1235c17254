"""Traits about revenue events: won deals (new business, renewals, expansions) and renewals lost.

A revenue event is a won deal closed at or before ``as_of``; its kind
(:class:`~customer_understanding.OpportunityKind`) comes from the export (Salesforce
``Type``, HubSpot ``dealtype``). Both traits are account facts; a contact reads its
account's.
"""

from __future__ import annotations

import attrs
import numpy as np

from customer_understanding._core import DAY_NS, NAT, Moment, known_by, moment_checked, typed_fields
from customer_understanding.base import Tables
from customer_understanding.traits._scope import Floats, check_level, labels_of, on_level
from customer_understanding.typing import Level

__all__ = ["DaysSinceRevenue", "RenewalLost"]


def _last_closed(tables: Tables, mask: np.ndarray) -> np.ndarray:
    """Per account row: when the last masked deal closed (``NAT`` if none)."""
    deals = tables.opportunities
    account = deals.column("account")
    mask = mask & (account >= 0)
    last = np.full(len(tables.accounts), NAT, dtype=np.int64)
    np.maximum.at(last, account[mask], deals.column("closed_at")[mask])
    return last


def _closed(tables: Tables, as_of: Moment, outcome: str) -> np.ndarray:
    deals = tables.opportunities
    return known_by(deals.column("closed_at"), as_of) & labels_of(deals, "outcome", (outcome,))


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class DaysSinceRevenue:
    """Days since the account's last revenue event (a won deal of any kind), missing if none.

    Examples
    --------
    >>> DaysSinceRevenue().description
    'days since the last won deal (new business, renewal or expansion)'
    """

    @property
    def description(self) -> str:
        """What the trait measures."""
        return "days since the last won deal (new business, renewal or expansion)"

    @moment_checked
    def evaluate(self, tables: Tables, /, *, as_of: Moment, level: Level) -> Floats:
        """Days per entity row."""
        last = _last_closed(tables, _closed(tables, as_of, "won"))
        days = np.where(last == NAT, np.nan, (as_of - last.astype(np.float64)) / DAY_NS)
        return on_level(days, tables, check_level(level), as_of=as_of)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class RenewalLost:
    """1 when the account's latest decided renewal was lost and nothing was won since, else 0.

    Only deals whose kind is ``renewal`` count as renewals: a lost upsell is not a lost
    customer, and exports without a deal type never show a lost renewal.

    Examples
    --------
    >>> RenewalLost().description
    'whether the latest decided renewal was lost, with no deal won since'
    """

    @property
    def description(self) -> str:
        """What the trait measures."""
        return "whether the latest decided renewal was lost, with no deal won since"

    @moment_checked
    def evaluate(self, tables: Tables, /, *, as_of: Moment, level: Level) -> Floats:
        """1.0 or 0.0 per entity row."""
        renewal = labels_of(tables.opportunities, "kind", ("renewal",))
        lost = _last_closed(tables, _closed(tables, as_of, "lost") & renewal)
        won = _last_closed(tables, _closed(tables, as_of, "won"))
        flag = ((lost != NAT) & (lost > won)).astype(np.float64)
        return on_level(flag, tables, check_level(level), as_of=as_of)
