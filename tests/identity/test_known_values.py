"""Values cleaned before, given again, change nothing in what cleaning a column reads."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from customer_understanding.identity import Field, LinkContext, Linker, SharedInboxes
from customer_understanding.identity._comparison_frame import _employer
from customer_understanding.identity._fields import clean_column
from customer_understanding.tables import ContactRecords

_RAW = st.sampled_from([
    None, "N/A", " none ", "+1 415 555 0100", "001 415 555 0100", "0000000", "Ann.Lee@X.com",
    "ann.lee@x.com", "test@test.com", "José", "JOSE", "Acme Inc.", "ACME GmbH", "12 High Street",
    "n a", "王伟", "x", "",
])  # fmt: skip
_KINDS = st.sampled_from(["phone", "email", "given_name", "organisation", "address", "text"])


@settings(max_examples=200, deadline=None)
@given(st.lists(_RAW, min_size=1, max_size=25), _KINDS, st.data())
def test_known_values_are_what_cleaning_gives(raw: list[str | None], kind: str,
                                               data: st.DataObject) -> None:  # fmt: skip
    field = Field(column="c", kind=kind)
    values = pd.Series(raw, dtype=object)
    plain = clean_column(values, field)
    shown = data.draw(st.lists(st.booleans(), min_size=len(raw), max_size=len(raw)))
    known = plain.texts.copy()
    known[~np.asarray(shown, dtype=bool)] = None
    again = clean_column(values, field, known=known)
    assert again.texts.tolist() == plain.texts.tolist()
    assert [a.tolist() for a in again.codes()] == [p.tolist() for p in plain.codes()]
    assert (again.present, again.placeholders, again.unreadable, again.first) == (
        plain.present, plain.placeholders, plain.unreadable, plain.first)  # fmt: skip


def test_a_linker_given_cleaned_values_takes_them() -> None:
    fields = [Field(column="email", kind="email"), Field(column="phone", kind="phone")]
    frame = pd.DataFrame({"email": ["a@x.com", "A@X.com", "b@y.com"],
                          "phone": ["+1 415 555 0100", "001 415 555 0100", None]})  # fmt: skip
    # the three records are rows 1, 3 and 4 of five; their phones known as cleaned
    codes = {"email": np.array([-1, 0, -1, 0, 1]), "phone": np.array([-1, 0, -1, -1, -1])}
    unknown = LinkContext(codes=codes, rows=np.array([1, 3, 4]))
    plain = Linker(fields=fields, link_threshold=0.5, context=unknown).deduplicate(frame)
    context = LinkContext(codes=codes, uniques={"phone": np.array(["+14155550100"], dtype=object)},
                          rows=np.array([1, 3, 4]))  # fmt: skip
    assert context.cleaned(3) is not None
    assert context.cleaned(3)["phone"].tolist() == ["+14155550100", None, None]  # type: ignore[index]
    assert context.cleaned(2) is None  # not the records of rows: nothing is known
    given = Linker(fields=fields, link_threshold=0.5, context=context).deduplicate(frame)
    assert given.clusters.tolist() == plain.clusters.tolist()
    for column in ("email", "phone"):
        assert given.records.codes[column].tolist() == plain.records.codes[column].tolist()
        assert given.records.uniques[column].tolist() == plain.records.uniques[column].tolist()
    # what is known is taken as it is, not cleaned again
    told = LinkContext(codes=codes, uniques={"phone": np.array(["+19999999999"], dtype=object)},
                       rows=np.array([1, 3, 4]))  # fmt: skip
    taken = Linker(fields=fields, link_threshold=0.5, context=told).deduplicate(frame)
    assert "+19999999999" in taken.records.uniques["phone"].tolist()


_COMPANIES = st.sampled_from([None, "Acme Inc.", "Société Générale S.A.", "N/A", "ACME GmbH",
                              "3M", "  ", "Zeta-Labs", "王氏", "none", "Test"])  # fmt: skip
_EMAILS = st.sampled_from([None, "ann@acme.com", "bo@gmail.com", "info@zeta-labs.io", "x",
                           "Ann@Société.fr", "c@na.org"])  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_COMPANIES, _EMAILS, _RAW, _RAW), min_size=1, max_size=12),
       st.data())  # fmt: skip
def test_known_employers_and_names_are_what_working_them_out_gives(
    rows: list[tuple[str | None, str | None, str | None, str | None]], data: st.DataObject
) -> None:
    records = ContactRecords.from_columns({
        "system": ["crm"] * len(rows), "source_id": [str(k) for k in range(len(rows))],
        "company": [r[0] for r in rows], "email": [r[1] for r in rows],
        "first_name": [r[2] for r in rows], "last_name": [r[3] for r in rows],
    })  # fmt: skip
    plain = _employer(records)
    shown = np.asarray(data.draw(st.lists(st.booleans(), min_size=len(rows),
                                          max_size=len(rows))), dtype=bool)  # fmt: skip
    known = clean_column(pd.Series(plain, dtype=object), Field(column="employer",
                                                               kind="text")).texts  # fmt: skip
    known[~shown] = None
    assert _employer(records, known=known).tolist() == plain.tolist()
    emails = [r[1] for r in rows]
    first, last = pd.Series([r[2] for r in rows]), pd.Series([r[3] for r in rows])
    given_names = clean_column(first, Field(column="first_name", kind="given_name")).texts
    family = clean_column(last, Field(column="last_name", kind="family_name")).texts
    given_names[~shown], family[shown] = None, None
    inboxes = SharedInboxes()
    shared, apart = inboxes.find(emails, first=first, last=last)
    again = inboxes.find(emails, first=first, last=last, cleaned=(given_names, family))
    assert (again[0].tolist(), again[1]) == (shared.tolist(), apart)
