"""Closed vocabularies (disciplines, stages, roles, seniority, consent) as string enums.

Each enum parses loosely written input (``"Economic Buyer"``, ``"MQL"``) through
``parse``, which raises :class:`~customer_understanding.UnknownNameError` naming the
vocabulary and listing the accepted values.
"""

from __future__ import annotations

import enum
import re
from typing import Self

from customer_understanding._errors import UnknownNameError

__all__ = [
    "ConsentPurpose",
    "ConsentStatus",
    "Discipline",
    "OpportunityKind",
    "Outcome",
    "Role",
    "Seniority",
    "Stage",
    "normalize_term",
]

_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalize_term(text: str) -> str:
    """Fold a label into the snake_case form vocabularies use.

    Parameters
    ----------
    text
        Any label, such as ``"Economic Buyer"`` or ``"page-view"``.

    Returns
    -------
    str
        Lower-case words joined by underscores.

    Examples
    --------
    >>> normalize_term("  Economic Buyer ")
    'economic_buyer'
    >>> normalize_term("page-view")
    'page_view'
    """
    return _NON_WORD.sub("_", text.strip().lower()).strip("_")


class _Vocabulary(enum.StrEnum):
    """A closed vocabulary whose members parse from loosely written labels."""

    @classmethod
    def _aliases(cls) -> dict[str, str]:
        return {}

    @classmethod
    def _label(cls) -> str:
        return normalize_term(re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__))

    @classmethod
    def parse(cls, value: object) -> Self:
        """Return the member named by ``value``, accepting case, spaces and known aliases.

        Raises
        ------
        UnknownNameError
            If ``value`` names no member; the message lists the accepted values.
        """
        if isinstance(value, cls):
            return value
        if not isinstance(value, str):
            msg = f"{cls._label()}={value!r} must be a string"
            raise UnknownNameError(msg)
        term = normalize_term(value)
        term = cls._aliases().get(term, term)
        try:
            return cls(term)
        except ValueError:
            allowed = ", ".join(member.value for member in cls)
            msg = f"{cls._label()}={value!r} is not one of: {allowed}"
            raise UnknownNameError(msg) from None


class Discipline(_Vocabulary):
    """The four disciplines that each see a slice of the customer.

    Examples
    --------
    >>> Discipline.parse("Customer Service")
    <Discipline.SERVICE: 'service'>
    >>> [d.value for d in Discipline]
    ['marketing', 'sales', 'service', 'product']
    """

    MARKETING = "marketing"
    SALES = "sales"
    SERVICE = "service"
    PRODUCT = "product"

    @classmethod
    def _aliases(cls) -> dict[str, str]:
        return {"customer_service": "service", "support": "service", "success": "service"}


class Stage(_Vocabulary):
    """Lifecycle stages: the lead-to-cash waterfall, then the customer side.

    The waterfall runs known → engaged → MQL → SAL → SQL → opportunity → won or
    lost (``recycled`` sends a lead back to nurture); the customer side runs
    onboarding → adopting, and from there to at risk, dormant or advocate, and ends in
    ``churned`` when the customer leaves (a lost deal is a lost *deal*; a churned
    customer is a customer who stopped buying).

    Examples
    --------
    >>> Stage.parse("MQL")
    <Stage.MQL: 'mql'>
    >>> Stage.parse("Marketing Qualified Lead")
    <Stage.MQL: 'mql'>
    >>> Stage.SQL.rank > Stage.MQL.rank
    True
    >>> Stage.ADOPTING.is_customer_side
    True
    """

    KNOWN = "known"
    ENGAGED = "engaged"
    MQL = "mql"
    SAL = "sal"
    SQL = "sql"
    OPPORTUNITY = "opportunity"
    WON = "won"
    LOST = "lost"
    RECYCLED = "recycled"
    ONBOARDING = "onboarding"
    ADOPTING = "adopting"
    AT_RISK = "at_risk"
    DORMANT = "dormant"
    ADVOCATE = "advocate"
    CHURNED = "churned"

    @classmethod
    def _aliases(cls) -> dict[str, str]:
        return {
            "marketing_qualified_lead": "mql",
            "marketingqualifiedlead": "mql",
            "sales_accepted_lead": "sal",
            "sales_qualified_lead": "sql",
            "salesqualifiedlead": "sql",
            "closed_won": "won",
            "closed_lost": "lost",
            "risk": "at_risk",
            "churn_risk": "at_risk",
            "churn": "churned",
            "former_customer": "churned",
            "evangelist": "advocate",
        }

    @property
    def rank(self) -> int:
        """Position of the stage in the default order (the waterfall, then the customer side)."""
        return list(Stage).index(self)

    @property
    def is_customer_side(self) -> bool:
        """Whether the stage belongs to a customer (after a won deal)."""
        return self in _CUSTOMER_SIDE


_CUSTOMER_SIDE = frozenset(
    {Stage.ONBOARDING, Stage.ADOPTING, Stage.AT_RISK, Stage.DORMANT, Stage.ADVOCATE, Stage.CHURNED}
)


class Role(_Vocabulary):
    """Roles a contact plays in a buying committee.

    Examples
    --------
    >>> Role.parse("Economic Buyer")
    <Role.ECONOMIC_BUYER: 'economic_buyer'>
    >>> Role.parse("Technical Buyer")
    <Role.TECHNICAL_EVALUATOR: 'technical_evaluator'>
    """

    ECONOMIC_BUYER = "economic_buyer"
    DECISION_MAKER = "decision_maker"
    CHAMPION = "champion"
    INFLUENCER = "influencer"
    TECHNICAL_EVALUATOR = "technical_evaluator"
    USER = "user"
    PROCUREMENT = "procurement"
    BLOCKER = "blocker"

    @classmethod
    def _aliases(cls) -> dict[str, str]:
        return {
            "economic_decision_maker": "economic_buyer",
            "executive_sponsor": "champion",
            "technical_buyer": "technical_evaluator",
            "evaluator": "technical_evaluator",
            "business_user": "user",
            "end_user": "user",
            "purchasing": "procurement",
            "detractor": "blocker",
        }


class Seniority(_Vocabulary):
    """How senior a contact is, from the C-suite down to individual contributors.

    Examples
    --------
    >>> Seniority.parse("VP")
    <Seniority.VP: 'vp'>
    """

    C_LEVEL = "c_level"
    VP = "vp"
    DIRECTOR = "director"
    MANAGER = "manager"
    INDIVIDUAL = "individual"

    @classmethod
    def _aliases(cls) -> dict[str, str]:
        return {
            "c_suite": "c_level",
            "executive": "c_level",
            "vice_president": "vp",
            "head": "director",
            "ic": "individual",
            "individual_contributor": "individual",
            "staff": "individual",
        }


class Outcome(_Vocabulary):
    """The state of an opportunity: still open, won or lost.

    Examples
    --------
    >>> Outcome.parse("Closed Won")
    <Outcome.WON: 'won'>
    """

    OPEN = "open"
    WON = "won"
    LOST = "lost"

    @classmethod
    def _aliases(cls) -> dict[str, str]:
        return {"closed_won": "won", "closed_lost": "lost"}


class OpportunityKind(_Vocabulary):
    """What an opportunity sells: a first purchase, a renewal or an expansion.

    Each is a revenue event of the account it is with. The aliases cover Salesforce's
    standard ``Type`` picklist (``"New Customer"``, ``"Existing Customer - Upgrade"`` …)
    and common custom labels; an export's own labels go through a value map.

    Examples
    --------
    >>> OpportunityKind.parse("Existing Customer - Upgrade")
    <OpportunityKind.EXPANSION: 'expansion'>
    >>> [kind.value for kind in OpportunityKind]
    ['new', 'renewal', 'expansion']
    """

    NEW = "new"
    RENEWAL = "renewal"
    EXPANSION = "expansion"

    @classmethod
    def _aliases(cls) -> dict[str, str]:
        return {
            **dict.fromkeys(("new_business", "new_customer", "newbusiness", "new_logo"), "new"),
            **dict.fromkeys(
                ("existing_customer_replacement", "existing_customer_downgrade", "renew"),
                "renewal",
            ),
            **dict.fromkeys(
                ("existing_customer_upgrade", "upgrade", "upsell", "up_sell", "cross_sell",
                 "add_on", "expand"),
                "expansion",
            ),
        }  # fmt: skip


class ConsentPurpose(_Vocabulary):
    """What a contact may or may not be contacted, tracked or named for.

    ``marketing`` covers marketing messages (e-mail, phone, post …), ``sales_outreach``
    a sales rep calling or writing, ``tracking`` web and product analytics tied to the
    person, and ``references`` naming them in case studies or as a reference customer.

    Examples
    --------
    >>> ConsentPurpose.parse("marketing")
    <ConsentPurpose.MARKETING: 'marketing'>
    >>> ConsentPurpose.parse("Case studies"), ConsentPurpose.parse("product analytics")
    (<ConsentPurpose.REFERENCES: 'references'>, <ConsentPurpose.TRACKING: 'tracking'>)
    """

    MARKETING = "marketing"
    SALES_OUTREACH = "sales_outreach"
    TRACKING = "tracking"
    REFERENCES = "references"

    @classmethod
    def _aliases(cls) -> dict[str, str]:
        return {
            "marketing_email": "marketing", "marketing_e_mail": "marketing",
            "email_marketing": "marketing",
            "sales": "sales_outreach", "sales_calls": "sales_outreach",
            "analytics": "tracking", "product_analytics": "tracking",
            "web_tracking": "tracking", "cookies": "tracking",
            "case_study": "references", "case_studies": "references",
            "reference": "references", "testimonials": "references",
        }  # fmt: skip


class ConsentStatus(_Vocabulary):
    """Whether a purpose is granted, denied (opted out) or not known.

    Examples
    --------
    >>> ConsentStatus.parse("opted out")
    <ConsentStatus.DENIED: 'denied'>
    """

    GRANTED = "granted"
    DENIED = "denied"
    UNKNOWN = "unknown"

    @classmethod
    def _aliases(cls) -> dict[str, str]:
        return {
            "opted_in": "granted", "opt_in": "granted", "subscribed": "granted",
            "opted_out": "denied", "opt_out": "denied", "unsubscribed": "denied",
            "not_subscribed": "denied",
        }  # fmt: skip
