"""Golden records on the sample world: names, e-mail, industry and country against the truth.

Each golden contact is matched to the true person most of its source records describe,
each golden account to the true company; then its golden values are compared with the
truth. Names compare case-insensitively (a golden ``NILSSON`` is the right name); nicknames
and initials count as wrong first names, since the formal name is what the truth holds.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from facts_sample_world import Fact

from customer_understanding import CustomerBase
from customer_understanding.datasets import SampleWorld
from customer_understanding.domain import ACCOUNT_VOCABULARY, FREE_MAIL_DOMAINS
from customer_understanding.identity import ROLE_MAILBOXES
from customer_understanding.ingest import Loaded


def _fact(name: str, value: float, target: str = "report", ok: bool = True) -> Fact:
    return Fact("golden", name, float(value), target, bool(ok))


def _true_entities(world: SampleWorld, records: Any, entity_of_record: Any, n: int) -> Any:
    """For each entity, the true entity most of its records describe (None when unknown)."""
    truth = world.truth.records
    system = truth["source"].str.split(".", n=1).str[0]
    key = dict(zip(system + ":" + truth["source_id"].astype(str), truth["entity_id"], strict=True))
    keys = pd.Series(records.labels("system"), dtype=object).astype(str) + ":"
    keys = keys + pd.Series(records.column("source_id"), dtype=object).astype(str)
    frame = pd.DataFrame({"entity": entity_of_record, "truth": keys.map(key)}).dropna()
    best = frame.groupby(["entity", "truth"]).size().reset_index(name="n")
    best = best.sort_values(["entity", "n", "truth"], ascending=[True, False, True])
    chosen = best.drop_duplicates("entity").set_index("entity")["truth"]
    return chosen.reindex(range(n)).to_numpy(dtype=object)


def _same(golden: Any, true: Any) -> Any:
    left = pd.Series(golden, dtype="string").str.strip().str.casefold()
    right = pd.Series(true, dtype="string").str.strip().str.casefold()
    return (left == right).fillna(False).to_numpy(dtype=bool)


def _contact_facts(world: SampleWorld, base: CustomerBase) -> list[Fact]:
    tables = base.tables
    people = world.truth.people.set_index("person_id")
    person = _true_entities(
        world, tables.contact_records, tables.resolution.contact_of_record, len(base.contacts)
    )
    known = np.array([p in people.index for p in person], dtype=bool)
    rows = people.reindex(person[known])
    contacts = base.contacts
    last = _same(contacts.column("last_name")[known], rows["last_name"].to_numpy())
    first = _same(contacts.column("first_name")[known], rows["first_name"].to_numpy())
    # A person has a work address when any of their records carries their true address.
    records = tables.contact_records
    email = pd.Series(records.column("email"), dtype="string")
    entity = tables.resolution.contact_of_record
    true_email = pd.Series(
        people["email"].reindex(person[entity]).to_numpy(), dtype="string"
    ).str.casefold()
    has_work = pd.Series(email.str.casefold() == true_email).fillna(False)
    with_work = np.zeros(len(contacts), dtype=bool)
    with_work[entity[has_work.to_numpy(dtype=bool)]] = True
    golden = pd.Series(contacts.column("email"), dtype="string")
    free = golden.str.rsplit("@", n=1).str[-1].isin(FREE_MAIL_DOMAINS).to_numpy(dtype=bool)
    free_with_work = int((free & with_work).sum())
    # The golden address is the person's own where any of their records carries it; a team
    # address (info@, one many people write from) standing in for it is the worst miss.
    right = _same(golden.to_numpy()[known], people["email"].reindex(person[known]).to_numpy())
    reachable_email = with_work[known]
    local = golden.str.rsplit("@", n=1).str[0].str.casefold()
    role = local.isin(ROLE_MAILBOXES).to_numpy(dtype=bool)
    role_with_work = int((role & with_work).sum())
    # The ceiling of a choice among records: people some record of whom spells the name right.
    spelled = pd.Series(records.column("last_name"), dtype="string").str.casefold()
    true_last = pd.Series(
        people["last_name"].reindex(person[entity]).to_numpy(), dtype="string"
    ).str.casefold()
    somewhere = np.zeros(len(contacts), dtype=bool)
    somewhere[entity[(spelled == true_last).fillna(False).to_numpy(dtype=bool)]] = True
    reachable = last[somewhere[known]]
    return [
        _fact("golden last names right (%)", 100 * last.mean(), ">= 99.5", last.mean() >= 0.995),
        _fact("golden last names right where a record spells it right (%)",
              100 * reachable.mean(), "report"),
        _fact("golden first names right (%)", 100 * first.mean()),
        _fact("golden e-mail free-mail while a work address exists", free_with_work, "0",
              free_with_work == 0),
        _fact("golden e-mail a team inbox while the person's own address exists",
              role_with_work, "0", role_with_work == 0),
        _fact("golden e-mail right where a record carries it (%)",
              100 * right[reachable_email].mean(), "report"),
    ]  # fmt: skip


def _account_facts(world: SampleWorld, base: CustomerBase) -> list[Fact]:
    tables = base.tables
    companies = world.truth.companies.set_index("company_id")
    company = _true_entities(
        world, tables.account_records, tables.resolution.account_of_record, len(base.accounts)
    )
    known = np.array([c in companies.index for c in company], dtype=bool)
    rows = companies.reindex(company[known])
    accounts = base.accounts
    industry = accounts.labels("industry")
    country = accounts.labels("country")
    vocabulary = ACCOUNT_VOCABULARY
    raw_industry = {v for v in industry if v is not None and v not in vocabulary.industry_terms}
    raw_country = {v for v in country if v is not None and v not in vocabulary.country_terms}
    true_industry = [vocabulary.industry(v) for v in rows["industry"]]
    true_country = [vocabulary.country(v) for v in rows["country"]]
    industry_right = _same(industry[known], true_industry)
    country_right = _same(country[known], true_country)
    return [
        _fact("distinct raw industry spellings left", len(raw_industry), "0", not raw_industry),
        _fact("distinct raw country spellings left", len(raw_country), "0", not raw_country),
        _fact("golden industry right (% of accounts)", 100 * industry_right.mean()),
        _fact("golden country right (% of accounts)", 100 * country_right.mean()),
    ]


def measure(world: SampleWorld, loaded: Loaded, base: CustomerBase) -> list[Fact]:
    return [*_contact_facts(world, base), *_account_facts(world, base)]
