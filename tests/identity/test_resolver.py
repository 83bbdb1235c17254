import numpy as np
import pandas as pd
import pytest

from customer_understanding import CustomerBase
from customer_understanding.datasets import generate_world
from customer_understanding.identity import ProbabilisticResolver, SharedInboxes, cluster_scores
from customer_understanding.ingest import load
from customer_understanding.tables import AccountRecords, ContactRecords
from customer_understanding.typing import Resolver


def _truth(records: AccountRecords | ContactRecords, truth: pd.DataFrame) -> np.ndarray:
    table = pd.DataFrame({"system": truth["source"].str.split(".").str[0],
                          "source_id": truth["source_id"].astype(str),
                          "entity": truth["entity_id"]})  # fmt: skip
    table = table.drop_duplicates(["system", "source_id"])
    keys = pd.DataFrame({"system": records.labels("system").astype(str),
                         "source_id": records.column("source_id").astype(str)})  # fmt: skip
    found = keys.merge(table, how="left", on=["system", "source_id"])["entity"]
    return found.fillna(pd.Series([f"unknown-{i}" for i in range(len(found))])).to_numpy()


@pytest.fixture(scope="module")
def world_records() -> tuple[AccountRecords, ContactRecords, pd.DataFrame]:
    world = generate_world(accounts=60, interactions=2_000, seed=5)
    loaded = load(world.as_sources(), policy="lenient")
    return loaded.combined(AccountRecords), loaded.combined(ContactRecords), world.truth.records


def test_resolver_satisfies_the_protocol() -> None:
    resolver: Resolver = ProbabilisticResolver()
    assert callable(resolver)


def test_accounts_and_contacts_match_the_ground_truth(
    world_records: tuple[AccountRecords, ContactRecords, pd.DataFrame],
) -> None:
    accounts, contacts, truth = world_records
    resolution = ProbabilisticResolver()(accounts, contacts)
    assert cluster_scores(resolution.account_of_record, _truth(accounts, truth)).f1 >= 0.97
    assert cluster_scores(resolution.contact_of_record, _truth(contacts, truth)).f1 >= 0.97


def test_exact_email_is_kept_as_a_first_pass_except_on_shared_inboxes(
    world_records: tuple[AccountRecords, ContactRecords, pd.DataFrame],
) -> None:
    _, contacts, _ = world_records
    resolution = ProbabilisticResolver()(AccountRecords.empty(), contacts)
    email = pd.Series(contacts.column("email"), dtype="string").str.lower()
    role = SharedInboxes().is_role(email)
    kept = (email.notna() & ~role).to_numpy()
    entities = pd.Series(resolution.contact_of_record)[kept]
    same = entities.groupby(email[kept].to_numpy()).agg(lambda s: s.min() == s.max())
    # The world's other shared addresses are named after the company; names tell them apart.
    split = same[~same].index
    assert all(value.split("@")[0] in value.split("@")[1].replace("-", "") for value in split)
    assert same.mean() > 0.98


def test_entity_keys_name_an_email_or_domain_when_there_is_one() -> None:
    contacts = ContactRecords.from_columns({"system": ["crm", "desk"], "source_id": ["1", "2"],
                                            "email": [None, "ann@acme.com"]})  # fmt: skip
    accounts = AccountRecords.from_columns({"system": ["crm"], "source_id": ["9"]})
    resolution = ProbabilisticResolver()(accounts, contacts)
    assert sorted(resolution.contact_keys.tolist()) == ["email:ann@acme.com", "record:crm:1"]
    assert resolution.account_keys.tolist() == ["record:crm:9"]


def test_customer_base_builds_with_it() -> None:
    world = generate_world(accounts=20, interactions=1_000, seed=1)
    base = CustomerBase.build(load(world.as_sources(), policy="lenient"),
                              resolver=ProbabilisticResolver())  # fmt: skip
    assert 0 < len(base.accounts) <= len(world.truth.companies) + 5


def test_contacts_without_any_e_mail_resolve() -> None:
    import pandas as pd

    import customer_understanding as cu
    from customer_understanding.ingest import Source, load

    people = pd.DataFrame({"Id": ["1", "2", "3"], "LastName": ["Lee", "Ray", "Moe"]})
    base = cu.CustomerBase.build(load([Source(name="crm", data=people,
                                              mapping="salesforce.Contact")]))  # fmt: skip
    assert len(base.contacts) == 3
