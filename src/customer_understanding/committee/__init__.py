"""Buying committees: who decides, who champions, who is missing, and how that changes.

Roles come from the CRM's contact roles when declared, else from job titles; the
committee graph links people who shared meetings, threads or webinars; coverage is
measured against a :class:`RoleTemplate`, and gaps carry reasons a rep can act on.
"""

from customer_understanding.committee._committee import buying_committee, committees
from customer_understanding.committee._coverage import CoverageReport, Gap, committee_coverage
from customer_understanding.committee._result import Committee, CommitteeSet
from customer_understanding.committee._roles import (
    DEFAULT_TITLE_RULES,
    RoleAssignment,
    TitleRule,
    assign_roles,
    infer_role,
)
from customer_understanding.committee._template import (
    DEFAULT_TEMPLATE,
    RoleTemplate,
    TemplateByDealSize,
)

__all__ = [
    "DEFAULT_TEMPLATE",
    "DEFAULT_TITLE_RULES",
    "Committee",
    "CommitteeSet",
    "CoverageReport",
    "Gap",
    "RoleAssignment",
    "RoleTemplate",
    "TemplateByDealSize",
    "TitleRule",
    "assign_roles",
    "buying_committee",
    "committee_coverage",
    "committees",
    "infer_role",
]
