"""The typed domain model: value types, vocabularies and their normalisation.

Everything here is an immutable, validated ``attrs`` class or a string enum; nothing
does I/O. Change an object with :func:`attrs.evolve`, which validates again.
"""

from customer_understanding.domain._activity import (
    ContactRole,
    Interaction,
    Journey,
    Opportunity,
    StageChange,
)
from customer_understanding.domain._activity_types import (
    CHANNELS,
    INTERACTION_TYPES,
    InteractionType,
)
from customer_understanding.domain._entities import (
    CONSENT_CAUTION,
    Account,
    Consent,
    Contact,
    latest_consent,
)
from customer_understanding.domain._firmographics import (
    ACCOUNT_VOCABULARY,
    EMPLOYEE_BANDS,
    AccountVocabulary,
    fold_spelling,
    fold_spellings,
)
from customer_understanding.domain._normalize import (
    FREE_MAIL_DOMAINS,
    normalize_domain,
    normalize_email,
    normalize_name,
    normalize_names,
    normalize_organisation,
    normalize_organisations,
    normalize_phone,
    to_utc,
)
from customer_understanding.domain._refs import (
    AccountId,
    ContactId,
    InteractionId,
    OpportunityId,
    SourceRef,
    tuple_of,
)
from customer_understanding.domain._title_reading import TitleReading, read_title, read_titles
from customer_understanding.domain._title_rules import DEFAULT_TITLE_RULES
from customer_understanding.domain._titles import TitleRule, fold_title
from customer_understanding.domain._vocab import (
    ConsentPurpose,
    ConsentStatus,
    Discipline,
    OpportunityKind,
    Outcome,
    Role,
    Seniority,
    Stage,
    normalize_term,
)

__all__ = [
    "ACCOUNT_VOCABULARY",
    "CHANNELS",
    "CONSENT_CAUTION",
    "DEFAULT_TITLE_RULES",
    "EMPLOYEE_BANDS",
    "FREE_MAIL_DOMAINS",
    "INTERACTION_TYPES",
    "Account",
    "AccountId",
    "AccountVocabulary",
    "Consent",
    "ConsentPurpose",
    "ConsentStatus",
    "Contact",
    "ContactId",
    "ContactRole",
    "Discipline",
    "Interaction",
    "InteractionId",
    "InteractionType",
    "Journey",
    "Opportunity",
    "OpportunityId",
    "OpportunityKind",
    "Outcome",
    "Role",
    "Seniority",
    "SourceRef",
    "Stage",
    "StageChange",
    "TitleReading",
    "TitleRule",
    "fold_spelling",
    "fold_spellings",
    "fold_title",
    "latest_consent",
    "normalize_domain",
    "normalize_email",
    "normalize_name",
    "normalize_names",
    "normalize_organisation",
    "normalize_organisations",
    "normalize_phone",
    "normalize_term",
    "read_title",
    "read_titles",
    "to_utc",
    "tuple_of",
]
