"""The base fills seniority and department from titles where no export states them."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import customer_understanding as cu
from customer_understanding import CustomerBase, Seniority
from customer_understanding.base._titles import FACT_COLUMNS, fill_from_titles
from customer_understanding.domain import DEFAULT_TITLE_RULES, TitleRule
from customer_understanding.ingest import Source


@pytest.fixture(scope="module")
def base() -> CustomerBase:
    frames = {
        "salesforce.Account": pd.DataFrame({
            "Id": ["001A"], "Name": ["Acme GmbH"], "Website": ["acme.de"],
            "CreatedDate": ["2025-01-01"],
        }),
        "salesforce.Contact": pd.DataFrame({
            "Id": ["003A", "003B", "003C"], "AccountId": ["001A"] * 3,
            "FirstName": ["Ann", "Bob", "Cy"], "LastName": ["Lee", "Ray", "Oh"],
            "Email": ["ann@acme.de", "bob@acme.de", "cy@acme.de"],
            "Title": ["Leiterin Vertrieb", "VP Sales", None],
            "Department": [None, "Finance", None],
            "CreatedDate": ["2025-01-02", "2025-01-03", "2025-01-04"],
        }),
        "hubspot.contacts": pd.DataFrame({
            "hs_object_id": ["501"], "email": ["dee@acme.de"], "firstname": ["Dee"],
            "lastname": ["Kay"], "jobtitle": ["Sr. Mgr, Sales Ops"], "createdate": ["2025-02-01"],
        }),
    }  # fmt: skip
    return CustomerBase.build([Source(name=n, data=f, mapping=n) for n, f in frames.items()])


def _row(base: CustomerBase, email: str) -> int:
    return base.contacts.column("email").tolist().index(email)


def test_seniority_and_department_are_read_from_the_title(base: CustomerBase) -> None:
    row, contacts = _row(base, "ann@acme.de"), base.contacts
    assert contacts.labels("seniority")[row] == "director"
    assert contacts.labels("department")[row] == "Sales"
    assert contacts.column("seniority_confidence")[row] == pytest.approx(0.85)


def test_a_department_the_export_states_wins_with_full_confidence(base: CustomerBase) -> None:
    row, contacts = _row(base, "bob@acme.de"), base.contacts
    assert contacts.labels("department")[row] == "Finance"
    assert contacts.column("department_confidence")[row] == 1.0
    assert contacts.labels("seniority")[row] == "vp"


def test_a_hubspot_job_title_is_read_too(base: CustomerBase) -> None:
    row = _row(base, "dee@acme.de")
    assert base.contacts.labels("seniority")[row] == "manager"


def test_no_title_means_unknown_not_a_guess(base: CustomerBase) -> None:
    row, contacts = _row(base, "cy@acme.de"), base.contacts
    assert contacts.labels("seniority")[row] is None
    assert math.isnan(contacts.column("seniority_confidence")[row])


def test_contact_objects_carry_the_filled_seniority(base: CustomerBase) -> None:
    contact_id = base.contacts.column("id")[_row(base, "ann@acme.de")]
    assert base.contact(contact_id).seniority is Seniority.DIRECTOR


def test_a_stated_seniority_is_kept() -> None:
    built = cu.CustomerBase.from_objects(
        contacts=[cu.Contact(id="c1", title="Data Engineer", seniority="manager")]
    )
    assert built.contacts.labels("seniority").tolist() == ["manager"]
    assert built.contacts.column("seniority_confidence").tolist() == [1.0]


def test_users_extend_the_title_rules_the_base_reads() -> None:
    rows = [{"Id": "1", "Email": "ann@acme.it", "Title": "Responsabile Vendite"}]
    source = cu.Source(name="crm", data=rows, mapping="salesforce.Contact")
    plain = CustomerBase.build([source])
    assert plain.contacts.column("seniority_confidence").tolist() == [0.3]  # the weak prior
    rules = [TitleRule(pattern=r"\bresponsabile\b", seniority="manager", confidence=0.7),
             TitleRule(pattern=r"\bvendite\b", department="Sales", confidence=0.8),
             *DEFAULT_TITLE_RULES]  # fmt: skip
    extended = CustomerBase.build([source], title_rules=rules)
    assert extended.contacts.labels("seniority").tolist() == ["manager"]
    assert extended.contacts.labels("department").tolist() == ["Sales"]


def test_title_rules_of_another_kind_are_refused() -> None:
    source = cu.Source(name="crm", data=[{"Id": "1"}], mapping="salesforce.Contact")
    with pytest.raises(cu.InvalidValueError, match="title_rules holds 'vp'"):
        CustomerBase.build([source], title_rules=["vp"])


_TITLES = st.sampled_from(["CFO", "VP Sales", "Leiterin Vertrieb", "Sr. Mgr, Sales Ops",
                           "Engineer", "", None])  # fmt: skip
_STATED = st.sampled_from([None, "Finance", "Sales"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_TITLES, _STATED, st.sampled_from([None, "vp", "c_level"])),
                max_size=20), st.data())  # fmt: skip
def test_facts_kept_for_the_first_contacts_are_what_reading_them_gives(rows, data) -> None:  # type: ignore[no-untyped-def]
    # An update keeps the facts of the contacts it left alone and reads the others' titles.
    titles = np.array([title for title, _, _ in rows], dtype=object)
    departments, seniorities = ("Finance", "Sales"), ("c_level", "vp")
    values = {
        "title": titles,
        "department": np.array(
            [-1 if d is None else departments.index(d) for _, d, _ in rows], dtype=np.int32
        ),
        "seniority": np.array(
            [-1 if s is None else seniorities.index(s) for _, _, s in rows], dtype=np.int32
        ),
    }
    categories = {"department": departments, "seniority": seniorities}
    whole, labels = fill_from_titles(values, categories, n=len(rows))
    first = data.draw(st.integers(0, len(rows)))
    known = {name: whole[name][:first] for name in FACT_COLUMNS}
    part, part_labels = fill_from_titles(values, categories, n=len(rows), known=known)
    assert part_labels == labels
    for name in FACT_COLUMNS:
        assert pd.Series(part[name]).equals(pd.Series(whole[name])), name
