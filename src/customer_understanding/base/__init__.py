"""The customer base: resolved accounts and contacts, their activity, deals and journeys.

Resolution itself (resolvers, entity ids, golden-record rules) lives in
:mod:`customer_understanding.identity`; the base runs it and holds the result.
"""

from customer_understanding.base._consent import TRACKED, consent_status
from customer_understanding.base._consent_register import ConsentRegister, consent_in_force
from customer_understanding.base._customer_base import CustomerBase
from customer_understanding.base._golden import GoldenProfiles, golden_as_of
from customer_understanding.base._lifecycle import CustomerStageRules
from customer_understanding.base._matches import CandidateMatches
from customer_understanding.base._stored import MergedIdWarning
from customer_understanding.base._summary import BaseSummary
from customer_understanding.base._tables import Tables

__all__ = [
    "TRACKED",
    "BaseSummary",
    "CandidateMatches",
    "ConsentRegister",
    "CustomerBase",
    "CustomerStageRules",
    "GoldenProfiles",
    "MergedIdWarning",
    "Tables",
    "consent_in_force",
    "consent_status",
    "golden_as_of",
]
