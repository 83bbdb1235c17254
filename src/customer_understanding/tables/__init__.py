"""Columnar tables behind the domain model, with pandas interop.

Bulk paths work on these numpy columns; domain objects are built from rows on demand.

Examples
--------
>>> from customer_understanding.tables import InteractionTable
>>> table = InteractionTable.from_columns({"type": ["webinar", "ticket"], "discipline":
...     ["marketing", "service"]})
>>> len(table), table.labels("type").tolist()
(2, ['webinar', 'ticket'])
>>> table.to_pandas()["discipline"].tolist()
['marketing', 'service']
"""

from customer_understanding.tables._consent import ConsentTable
from customer_understanding.tables._objects import (
    from_accounts,
    from_consents,
    from_contacts,
    from_interactions,
    from_journeys,
    from_opportunities,
)
from customer_understanding.tables._pandas import times_to_nanos
from customer_understanding.tables._schemas import (
    AccountRecords,
    AccountTable,
    ContactRecords,
    ContactRoleTable,
    ContactTable,
    InteractionTable,
    OpportunityTable,
    StageHistoryTable,
)
from customer_understanding.tables._table import (
    NAT,
    Column,
    Schema,
    Table,
    decode,
    encode,
    from_nanos,
    to_nanos,
)

__all__ = [
    "NAT",
    "AccountRecords",
    "AccountTable",
    "Column",
    "ConsentTable",
    "ContactRecords",
    "ContactRoleTable",
    "ContactTable",
    "InteractionTable",
    "OpportunityTable",
    "Schema",
    "StageHistoryTable",
    "Table",
    "decode",
    "encode",
    "from_accounts",
    "from_consents",
    "from_contacts",
    "from_interactions",
    "from_journeys",
    "from_nanos",
    "from_opportunities",
    "times_to_nanos",
    "to_nanos",
]
