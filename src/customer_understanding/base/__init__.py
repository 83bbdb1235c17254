"""The customer base: resolved accounts and contacts, their activity, deals and journeys."""

from customer_understanding.base._build import Tables, TableSource
from customer_understanding.base._customer_base import BaseSummary, CustomerBase
from customer_understanding.base._links import free_mail_domains
from customer_understanding.base._resolution import (
    Resolution,
    Resolver,
    entity_ids,
    resolve_as_given,
    resolve_exact,
)
from customer_understanding.base._survivorship import DEFAULT_PRIORITY

__all__ = [
    "DEFAULT_PRIORITY",
    "BaseSummary",
    "CustomerBase",
    "Resolution",
    "Resolver",
    "TableSource",
    "Tables",
    "entity_ids",
    "free_mail_domains",
    "resolve_as_given",
    "resolve_exact",
]
