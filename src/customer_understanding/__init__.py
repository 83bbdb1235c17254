"""One shared, explainable understanding of each B2B customer.

``import customer_understanding as cu`` gives the domain model and the errors at once;
the heavier parts (ingestion, the customer base, the sample world) load on first use.

Examples
--------
>>> import customer_understanding as cu
>>> cu.Contact(id="c-1", email="Ada@Example.com").email
'ada@example.com'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from customer_understanding._core import load_module
from customer_understanding._errors import (
    CustomerUnderstandingError,
    IngestError,
    InvalidValueError,
    MissingDependencyError,
    NotFoundError,
    StoreError,
    UnknownNameError,
    show_personal_values,
)
from customer_understanding._version import __version__
from customer_understanding.domain import (
    Account,
    Consent,
    ConsentPurpose,
    ConsentStatus,
    Contact,
    ContactRole,
    Discipline,
    Interaction,
    Journey,
    Opportunity,
    OpportunityKind,
    Outcome,
    Role,
    Seniority,
    SourceRef,
    Stage,
    StageChange,
)

if TYPE_CHECKING:
    from customer_understanding.base import CustomerBase
    from customer_understanding.ingest import LoadReport, Source, load
    from customer_understanding.plugins import get_scorer, get_segmenter

# Names whose modules pull in pandas and friends: imported on first attribute access.
_LAZY = {
    "CustomerBase": "customer_understanding.base",
    "get_scorer": "customer_understanding.plugins",
    "get_segmenter": "customer_understanding.plugins",
    "LoadReport": "customer_understanding.ingest",
    "Source": "customer_understanding.ingest",
    "load": "customer_understanding.ingest",
}
_SUBMODULES = frozenset(
    {
        "base",
        "committee",
        "datasets",
        "domain",
        "identity",
        "ingest",
        "journeys",
        "plugins",
        "scoring",
        "segmentation",
        "signals",
        "spark",
        "tables",
        "testing",
        "traits",
        "typing",
        "views",
    }
)

__all__ = [
    "Account",
    "Consent",
    "ConsentPurpose",
    "ConsentStatus",
    "Contact",
    "ContactRole",
    "CustomerBase",
    "CustomerUnderstandingError",
    "Discipline",
    "IngestError",
    "Interaction",
    "InvalidValueError",
    "Journey",
    "LoadReport",
    "MissingDependencyError",
    "NotFoundError",
    "Opportunity",
    "OpportunityKind",
    "Outcome",
    "Role",
    "Seniority",
    "Source",
    "SourceRef",
    "Stage",
    "StageChange",
    "StoreError",
    "UnknownNameError",
    "__version__",
    "get_scorer",
    "get_segmenter",
    "load",
    "show_personal_values",
]


def __getattr__(name: str) -> Any:
    # load_module serialises first loads: sixteen threads asking at once never deadlock
    if name in _LAZY:
        value = getattr(load_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return load_module(f"{__name__}.{name}")
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | _SUBMODULES)
