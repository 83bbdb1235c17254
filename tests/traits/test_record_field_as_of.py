"""Record-field traits read the golden record as it stood at the moment they are evaluated at."""

import pandas as pd
import pytest

from customer_understanding import CustomerBase, InvalidValueError
from customer_understanding.base import golden_as_of
from customer_understanding.datasets import generate_world
from customer_understanding.ingest import Source, load
from customer_understanding.traits import evaluate_traits

BEFORE, AFTER = "2025-06-01", "2026-06-01"  # the later records were created in 2026

# Acme's first CRM account says Banking; a CRM duplicate and a HubSpot company made in
# 2026 agree on Software and outvote it today, but did not exist in mid-2025.
FRAMES = {
    "salesforce.Account": pd.DataFrame({
        "Id": ["001A", "001B", "001C"], "Name": ["Acme Bank", "Acme", "Globex"],
        "Website": ["acme.com", "acme.com", "globex.com"],
        "Industry": ["Banking", "Software", "Retail"], "BillingCountry": ["DE", "FR", "US"],
        "NumberOfEmployees": [40, 900, 12],
        "CreatedDate": ["2025-01-01", "2026-02-01", "2026-03-01"],
    }),
    "hubspot.companies": pd.DataFrame({
        "hs_object_id": ["9"], "name": ["Acme"], "domain": ["acme.com"],
        "industry": ["COMPUTER_SOFTWARE"], "country": ["France"], "numberofemployees": ["900"],
        "createdate": ["2026-02-02"],
    }),
    "salesforce.Contact": pd.DataFrame({
        "Id": ["003A", "003G"], "AccountId": ["001A", "001C"], "FirstName": ["Ann", "Bo"],
        "LastName": ["Lee", "Ng"], "Email": ["ann.lee@acme.com", "bo@globex.com"],
        "Title": ["Analyst", "Buyer"], "CreatedDate": ["2025-01-02", "2025-01-03"],
    }),
    "hubspot.contacts": pd.DataFrame({
        "hs_object_id": ["501"], "email": ["ann.lee@acme.com"], "firstname": ["Ann"],
        "lastname": ["Lee"], "jobtitle": ["VP Marketing"], "createdate": ["2026-02-03"],
    }),
    "web.visits": pd.DataFrame({
        "visit_id": ["v1", "v2"], "timestamp": ["2025-01-01", "2026-06-01"],
        "domain": ["acme.com", "acme.com"], "page": ["/", "/pricing"],
    }),
}  # fmt: skip


@pytest.fixture(scope="module")
def base() -> CustomerBase:
    sources = [Source(name=name, data=frame, mapping=name) for name, frame in FRAMES.items()]
    return CustomerBase.build(sources)


def _traits(base: CustomerBase, level: str, as_of: str) -> pd.DataFrame:
    names = ["name", "industry", "employees", "country"]
    names += ["title", "seniority", "department"] if level == "contact" else []
    frame = evaluate_traits(base, names, as_of=as_of, level=level)  # type: ignore[arg-type]
    return frame.to_pandas().set_index(f"{level}_id")


def _acme(base: CustomerBase) -> str:
    names = base.to_pandas("accounts").set_index("account_id")["domain"]
    return str(names[names == "acme.com"].index[0])


def _ann(base: CustomerBase) -> str:
    emails = base.to_pandas("contacts").set_index("contact_id")["email"]
    return str(emails[emails == "ann.lee@acme.com"].index[0])


def test_a_later_record_does_not_win_an_account_field_before_it_existed(
    base: CustomerBase,
) -> None:
    acme = _acme(base)
    then = _traits(base, "account", BEFORE).loc[acme]
    now = _traits(base, "account", AFTER).loc[acme]
    assert then[["name", "industry", "employees", "country"]].tolist() == [
        "Acme Bank", "Financial Services", 40.0, "Germany"]  # fmt: skip
    assert now[["name", "industry", "employees", "country"]].tolist() == [
        "Acme", "Technology", 900.0, "France"]  # fmt: skip


def test_a_later_record_does_not_win_a_contact_field_before_it_existed(
    base: CustomerBase,
) -> None:
    ann = _ann(base)
    then = _traits(base, "contact", BEFORE).loc[ann]
    now = _traits(base, "contact", AFTER).loc[ann]
    # The title known then, and the seniority read from it, not from today's title.
    assert (then["title"], then["seniority"]) == ("Analyst", "individual")
    assert (now["title"], now["seniority"]) == ("VP Marketing", "vp")


def test_a_contact_reads_its_accounts_fields_as_they_stood_then(base: CustomerBase) -> None:
    ann = _ann(base)
    then = _traits(base, "contact", BEFORE).loc[ann]
    now = _traits(base, "contact", AFTER).loc[ann]
    assert (then["name"], then["industry"], then["employees"]) == (
        "Acme Bank", "Financial Services", 40.0)  # fmt: skip
    assert (now["name"], now["industry"], now["employees"]) == ("Acme", "Technology", 900.0)


def test_an_account_with_no_record_yet_has_no_fields(base: CustomerBase) -> None:
    # Globex's only account record came in 2026; Bo's contact record is from 2025.
    accounts = _traits(base, "account", BEFORE)
    globex = accounts[accounts.index != _acme(base)].iloc[0]
    assert pd.isna(globex["name"])  # None, or NaN under pandas 3
    assert pd.isna(globex["employees"])
    contacts = _traits(base, "contact", BEFORE)
    bo = contacts.loc[contacts.index != _ann(base)].iloc[0]
    assert bo["title"] == "Buyer"
    assert pd.isna(bo["industry"])


def test_the_latest_moment_is_the_bases_own_table(base: CustomerBase) -> None:
    tables = base.tables
    latest = tables.moment(None)
    assert golden_as_of(tables, "account", moment=latest) is tables.accounts
    assert golden_as_of(tables, "contact", moment=latest) is tables.contacts
    earlier = golden_as_of(tables, "account", moment=tables.moment(BEFORE))
    assert earlier.column("id").tolist() == tables.accounts.column("id").tolist()
    assert earlier.column("parent").tolist() == tables.accounts.column("parent").tolist()


def test_a_bad_level_is_refused(base: CustomerBase) -> None:
    with pytest.raises(InvalidValueError, match="level='team'"):
        golden_as_of(base.tables, "team", moment=base.tables.moment(None))  # type: ignore[arg-type]


@pytest.mark.parametrize("moment", ["2025-11-01", "2026-07-15"])
def test_golden_tables_as_of_a_moment_are_the_golden_profiles_then(moment: str) -> None:
    # Only entities whose winners changed are chosen again; the rest must agree too.
    world = generate_world(accounts=30, interactions=2_000, seed=5)
    base = CustomerBase.build(load(world.as_sources(), policy="lenient"))
    for level in ("account", "contact"):
        table = golden_as_of(base.tables, level, moment=base.tables.moment(moment))
        profiles = base.golden(level, as_of=moment).to_pandas()  # type: ignore[arg-type]
        ids = profiles.pop(f"{level}_id")
        ours = table.to_pandas().set_index("id").loc[ids]
        for field in profiles.columns.drop("employee_band", errors="ignore"):
            left = ours[field].astype(object).where(ours[field].notna(), None).tolist()
            right = profiles[field].astype(object).where(profiles[field].notna(), None).tolist()
            assert left == right, (level, field)
