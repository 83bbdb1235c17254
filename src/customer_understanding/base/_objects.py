"""Source tables made from domain objects, for :meth:`CustomerBase.from_objects`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

import attrs

from customer_understanding._core import typed_fields
from customer_understanding.domain import Account, Contact, Interaction, Journey, Opportunity
from customer_understanding.tables import (
    Table,
    from_accounts,
    from_consents,
    from_contacts,
    from_interactions,
    from_journeys,
    from_opportunities,
)

__all__ = ["ObjectTables"]

T = TypeVar("T", bound=Table)


@attrs.frozen(field_transformer=typed_fields)
class ObjectTables:
    """Tables by class, handed to the builder as a load result would hand them."""

    tables: dict[type[Table], Table]

    @classmethod
    def build(
        cls,
        *,
        accounts: Iterable[Account],
        contacts: Iterable[Contact],
        interactions: Iterable[Interaction],
        opportunities: Iterable[Opportunity],
        journeys: Iterable[Journey],
    ) -> ObjectTables:
        """Convert each kind of object into its table."""
        account_list, contact_list = list(accounts), list(contacts)
        kinds: dict[str, str] = {a.id: "account" for a in account_list}
        kinds |= {c.id: "contact" for c in contact_list}
        deals, roles = from_opportunities(opportunities)
        built: list[Table] = [
            from_accounts(account_list),
            from_contacts(contact_list),
            from_consents(contact_list),
            from_interactions(interactions),
            deals,
            roles,
            from_journeys(journeys, kinds),
        ]
        return cls({type(table): table for table in built})

    def combined(self, kind: type[T]) -> T:
        """The table of class ``kind`` (empty when no objects of that kind were given)."""
        table = self.tables.get(kind)
        return table if isinstance(table, kind) else kind.empty()
