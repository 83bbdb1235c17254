"""A contact an update keeps is linked again when a changed account record could take it.

A rebuild matches every contact against every account record; an update keeps the
account links of the contacts it leaves alone unless an account record it adds (or one
of an account it resolves again) could match them.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from customer_understanding import CustomerBase, Source
from customer_understanding.base import _update_plan

_ACCOUNTS = pd.DataFrame({"Id": ["001A"], "Name": ["Northwind Analytics"],
                          "BillingCountry": ["DE"]})  # fmt: skip
# Leads name their company but no CRM account: matched by name (no account has a domain).
_LEADS = pd.DataFrame({
    "Id": ["00Q1", "00Q2", "00Q3"],
    "FirstName": ["Ann", "Bo", "Cy"], "LastName": ["Lind", "Berg", "Holm"],
    "Email": ["ann.lind@northwind-analytics.de", "bo.berg@northwind-analytics.de",
              "cy.holm@elsewhere.io"],
    "Company": ["Northwind Analytic", "Northwind Analytic", "Elsewhere"],
    "CreatedDate": ["2025-01-02", "2025-01-03", "2025-01-04"],
})  # fmt: skip
# Company records from another system: the same firm's name spelled otherwise with the
# leads' work domain, which settles their employer; and the first firm the third lead,
# linked to none so far, can be linked to.
_COMPANIES = pd.DataFrame({"hs_object_id": ["9", "10"], "name": ["NWA Group", "Elsewhere Ltd"],
                           "domain": ["northwind-analytics.de", "elsewhere.io"],
                           "country": ["Germany", "Ireland"]})  # fmt: skip


def _links(base: CustomerBase) -> pd.DataFrame:
    contacts = base.tables.contacts.to_pandas()
    ids = base.tables.accounts.column("name")  # ids differ between stores; names do not
    account = [ids[row] if row >= 0 else None for row in contacts["account"].tolist()]
    frame = pd.DataFrame({"email": contacts["email"], "account": account,
                          "method": contacts["account_method"]})  # fmt: skip
    return frame.sort_values("email").reset_index(drop=True)


def _sources(companies: bool) -> list[Source]:
    found = [Source(name="crm", data=_ACCOUNTS, mapping="salesforce.Account"),
             Source(name="leads", data=_LEADS, mapping="salesforce.Lead")]  # fmt: skip
    if companies:
        found.append(Source(name="hub", data=_COMPANIES, mapping="hubspot.companies"))
    return found


def test_a_new_account_record_with_a_kept_contacts_domain_relinks_it(tmp_path: Path) -> None:
    before = CustomerBase.build(_sources(False), store=tmp_path / "s.db", policy="lenient")
    assert set(_links(before)["method"].dropna()) == {"name"}  # linked by company name
    updated = CustomerBase.open(tmp_path / "s.db").update(_sources(True)[2:], policy="lenient")
    rebuilt = CustomerBase.build(_sources(True), policy="lenient")
    assert len(updated.tables.accounts) == len(rebuilt.tables.accounts) == 3
    links = _links(updated)
    pd.testing.assert_frame_equal(links, _links(rebuilt))
    assert links["method"].tolist().count("domain") == 3  # the new records' domains win
    assert links["account"].tolist().count("Elsewhere Ltd") == 1  # where there was none


def test_without_the_rule_the_kept_links_stay_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nobody = np.empty(0, dtype=np.int64)
    monkeypatch.setattr(_update_plan, "_near_changed_accounts", lambda *args: nobody)
    CustomerBase.build(_sources(False), store=tmp_path / "s.db", policy="lenient")
    updated = CustomerBase.open(tmp_path / "s.db").update(_sources(True)[2:], policy="lenient")
    rebuilt = CustomerBase.build(_sources(True), policy="lenient")
    assert not _links(updated).equals(_links(rebuilt))
