"""A few records (one matched online) get the comparison frame many records get."""

import numpy as np
import pandas as pd

from customer_understanding.datasets import generate_world
from customer_understanding.identity import ProbabilisticResolver, SharedInboxes
from customer_understanding.identity._comparison_frame import _FEW, _frame
from customer_understanding.tables import ContactRecords

_ODD = {
    "system": ["crm"] * 9,
    "source_id": [f"odd{n}" for n in range(9)],
    "email": ["info@acme.com", "Sales+eu@Beta.io", "ann@GMAIL.com", "no-at-sign", None,
              " Bob.Lee@acme.co.uk ", "@acme.com", "first.last@yahoo.com", "x@y"],
    "first_name": [None, "Ann", None, None, "Bo", None, None, "Li", None],
    "last_name": ["Lee, Ann", "Ng", "ann.lee", "Wood , Catherine", None, "O'Neil", "a.b.c",
                  None, ","],
    "company": [None, "Beta GmbH", None, "Acme, Inc.", "Ünïcode AG", None, "", None, "X"],
}  # fmt: skip


def _records() -> ContactRecords:
    world = generate_world(accounts=30, interactions=100, seed=3)  # with defects
    from customer_understanding import CustomerBase

    stored = CustomerBase.build(world.as_sources(), policy="lenient").tables.contact_records
    odd = ContactRecords.from_columns({k: np.array(v, dtype=object) for k, v in _ODD.items()})
    return ContactRecords.concat([odd, stored])


def test_the_frame_of_a_few_records_is_the_frame_of_many() -> None:
    records = _records()
    fields = ProbabilisticResolver().contact_linker.fields
    whole = _frame(records, fields)
    for size in (1, _FEW):
        parts = [_frame(records.take(np.arange(start, min(start + size, len(records)))), fields)
                 for start in range(0, len(records), size)]  # fmt: skip
        joined = pd.concat(parts, ignore_index=True)
        assert _cells(joined) == _cells(whole)
        # what the few-record path makes itself has the dtype the many-record one has
        assert [str(p["work_email"].dtype) for p in parts[:1]] == [str(whole["work_email"].dtype)]


def _cells(frame: pd.DataFrame) -> dict[str, list[object]]:
    """Every cell, missing ones as None (pandas 3 infers text columns chunk by chunk)."""
    return {column: [None if pd.isna(v) else v for v in frame[column].tolist()]
            for column in frame.columns}  # fmt: skip


def test_role_mailboxes_of_a_few_addresses_are_those_of_many() -> None:
    emails = [*_records().column("email").tolist(), np.nan, pd.NA, 7, "  OFFICE@x.org"]
    inboxes = SharedInboxes()
    whole = inboxes.is_role(emails)
    singly = np.concatenate([inboxes.is_role([email]) for email in emails])
    assert whole.tolist() == singly.tolist()
    assert whole[:2].tolist() == [True, True]
