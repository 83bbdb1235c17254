"""The customer base: resolved accounts and contacts, their activity, deals and journeys.

Resolution itself (resolvers, entity ids, golden-record rules) lives in
:mod:`customer_understanding.identity`; the base runs it and holds the result.
"""

from customer_understanding.base._build import Tables
from customer_understanding.base._customer_base import CustomerBase
from customer_understanding.base._lifecycle import CustomerStageRules
from customer_understanding.base._summary import BaseSummary

__all__ = ["BaseSummary", "CustomerBase", "CustomerStageRules", "Tables"]
