"""Invalid construction of the public classes of domain, tables, ingest, identity and base.

Every one raises an error of the library's root, naming the argument (and so the value).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

import customer_understanding as cu
from customer_understanding import CustomerUnderstandingError, domain, identity, ingest, tables

BAD: list[tuple[str, Callable[[], object]]] = [
    ("employees", lambda: domain.Account(id="a", employees="many")),  # type: ignore[arg-type]
    ("annual_revenue", lambda: domain.Account(id="a", annual_revenue="lots")),  # type: ignore[arg-type]
    ("id", lambda: domain.Account(id="")),
    ("email", lambda: domain.Contact(id="c", email="not-an-email")),
    ("seniority", lambda: domain.Contact(id="c", seniority="emperor")),
    ("purpose", lambda: domain.Consent(purpose="spam", status="granted")),
    ("occurred_at", lambda: domain.Interaction(id="i", occurred_at="soon", type="call")),
    ("type", lambda: domain.Interaction(id="i", occurred_at="2026-01-01", type=5)),  # type: ignore[arg-type]
    ("amount", lambda: domain.Opportunity(id="o", amount="lots")),  # type: ignore[arg-type]
    ("role", lambda: domain.ContactRole(contact_id="c", role="boss")),
    ("changes", lambda: domain.Journey(subject_id="c", changes=5)),  # type: ignore[arg-type]
    ("stage", lambda: domain.StageChange(stage="famous", at="2026-01-01")),
    ("system", lambda: domain.SourceRef(system="", id="1")),
    ("id", lambda: domain.SourceRef(system="crm", id=None)),  # type: ignore[arg-type]
    ("sources", lambda: domain.Account(id="a", sources=5)),  # type: ignore[arg-type]
    ("nope", lambda: tables.AccountTable.from_columns({"nope": [1]})),
    ("kind", lambda: tables.Column(name="x", kind="colour")),
    ("mapping", lambda: ingest.Source(name="s", data=[], mapping="nope.nope")),
    ("target", lambda: ingest.SourceMapping(system="crm", target="planet", fields={})),
    ("sources", lambda: ingest.LoadReport(sources=[5])),  # type: ignore[list-item]
    ("policy", lambda: ingest.load([], policy="careless")),  # type: ignore[arg-type]
    ("kind", lambda: identity.Field(column="x", kind="colour")),
    ("column", lambda: identity.Field(column=3, kind="email")),  # type: ignore[arg-type]
    ("on", lambda: identity.BlockingRule(on=5)),  # type: ignore[arg-type]
    ("link_threshold", lambda: identity.Linker(fields=[], link_threshold=2)),
    ("fields", lambda: identity.Linker(fields=5)),  # type: ignore[arg-type]
    ("name_threshold", lambda: identity.LeadToAccount(name_threshold="high")),  # type: ignore[arg-type]
    ("free_mail", lambda: identity.LeadToAccount(free_mail=5)),  # type: ignore[arg-type]
    ("contact_linker", lambda: identity.ProbabilisticResolver(contact_linker=5)),  # type: ignore[arg-type]
    ("order", lambda: identity.SourcePriority(order=5)),  # type: ignore[arg-type]
    ("function", lambda: identity.Custom(function=5)),  # type: ignore[arg-type]
    ("rules", lambda: identity.Survivorship(rules=5)),  # type: ignore[arg-type]
    ("default", lambda: identity.Survivorship(default="newest")),  # type: ignore[arg-type]
    (
        "account_of_record",
        lambda: identity.Resolution(
            account_of_record=np.array([3]),
            contact_of_record=np.array([], dtype=int),
            account_keys=np.array(["k"], dtype=object),
            contact_keys=np.array([], dtype=object),
        ),
    ),
    ("clusters", lambda: identity.golden_records(pd.DataFrame({"a": [1]}), [0, 1])),
    (
        "survivorship",
        lambda: cu.CustomerBase.build([], survivorship={"nickname": identity.MostRecent()}),
    ),
    ("resolver", lambda: cu.CustomerBase.build([], resolver=5)),  # type: ignore[arg-type]
    ("table", lambda: cu.CustomerBase.build([]).to_pandas("people")),
]


@pytest.mark.parametrize(
    ("argument", "construct"), BAD, ids=[f"{i}-{a}" for i, (a, _) in enumerate(BAD)]
)
def test_invalid_construction_raises_a_library_error_naming_the_argument(
    argument: str, construct: Callable[[], object]
) -> None:
    with pytest.raises(CustomerUnderstandingError, match=argument):
        construct()


def test_errors_show_their_public_module() -> None:
    for error in (cu.CustomerUnderstandingError, cu.InvalidValueError, cu.UnknownNameError,
                  cu.NotFoundError, cu.IngestError):  # fmt: skip
        assert error.__module__ == "customer_understanding"
        assert getattr(cu, error.__name__) is error
