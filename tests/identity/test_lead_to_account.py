import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from customer_understanding import InvalidValueError, UnknownNameError
from customer_understanding.datasets import generate_world
from customer_understanding.identity import Field, LeadToAccount, normalise
from customer_understanding.identity._prepared_accounts import _sortable, _trimmed, text


@pytest.fixture
def accounts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["001A", "001B", "001C"],
            "name": ["Ember Energy B.V.", "Pinnacle Data SAS", "Cypress Financial Pty Ltd"],
            "domain": ["https://www.emberenergy.com", "pinnacledata.fr", None],
            "city": ["Utrecht", "Toulouse", "Sydney"],
            "country": ["Netherlands", "France", "AU"],
        }
    )


def _match(contacts: dict[str, list[object]], accounts: pd.DataFrame) -> pd.DataFrame:
    return LeadToAccount().match(pd.DataFrame(contacts), accounts).to_pandas()


def test_work_email_domain_assigns_with_high_confidence(accounts: pd.DataFrame) -> None:
    row = _match({"id": ["L1"], "email": ["Chiara.Lee@EmberEnergy.com"]}, accounts).iloc[0]
    assert (row["account_id"], row["method"]) == ("001A", "domain")
    assert row["confidence"] >= 0.95


def test_free_mail_domain_is_never_used(accounts: pd.DataFrame) -> None:
    accounts.loc[0, "domain"] = "gmail.com"
    row = _match({"id": ["L1"], "email": ["ann@gmail.com"]}, accounts).iloc[0]
    assert (row["account_id"], row["method"], row["confidence"]) == (None, "none", 0.0)


def test_typed_company_matches_after_suffix_stripping(accounts: pd.DataFrame) -> None:
    row = _match(
        {"id": ["L1"], "email": ["pcarter3@icloud.com"], "company": ["PinnacleData"]}, accounts
    ).iloc[0]
    assert (row["account_id"], row["method"]) == ("001B", "name")
    assert "account name 'Pinnacle Data SAS'" in row["evidence"]


def test_agreeing_city_and_country_raise_name_confidence(accounts: pd.DataFrame) -> None:
    matches = _match(
        {
            "id": ["L1", "L2"],
            "email": [None, None],
            "company": ["Ember Energy", "Ember Energy"],
            "city": ["Utrecht", None],
            "country": ["NL", None],
        },
        accounts,
    )
    assert matches.loc[0, "confidence"] > matches.loc[1, "confidence"]
    assert "city agrees; country agrees" in matches.loc[0, "evidence"]


def test_different_country_lowers_name_confidence(accounts: pd.DataFrame) -> None:
    matches = _match(
        {"id": ["L1", "L2"], "email": [None, None], "company": ["Ember Energy"] * 2,
         "country": ["United States", None]},
        accounts,
    )  # fmt: skip
    assert matches.loc[0, "confidence"] < matches.loc[1, "confidence"] - 0.2
    assert "country differs" in matches.loc[0, "evidence"]


def test_work_domain_stands_in_for_a_missing_company_name(accounts: pd.DataFrame) -> None:
    row = _match({"id": ["L1"], "email": ["d.dubois@cypressfinancial.com"]}, accounts).iloc[0]
    assert (row["account_id"], row["method"]) == ("001C", "name")
    assert row["evidence"].startswith("e-mail domain 'cypressfinancial.com'")


def test_lead_website_matches_the_account_domain(accounts: pd.DataFrame) -> None:
    row = _match(
        {"id": ["L1"], "email": ["x@icloud.com"], "website": ["https://www.pinnacledata.fr/"]},
        accounts,
    ).iloc[0]
    assert (row["account_id"], row["method"]) == ("001B", "domain")


def test_unrelated_company_stays_unassigned(accounts: pd.DataFrame) -> None:
    row = _match({"id": ["L1"], "email": ["a@yahoo.com"], "company": ["Initech"]}, accounts)
    assert row.loc[0, "account_id"] is None


def test_confidence_stays_in_unit_interval(accounts: pd.DataFrame) -> None:
    matches = _match(
        {"id": ["a", "b", "c"], "email": ["x@emberenergy.com", None, "z@gmail.com"],
         "company": ["Globex", "Pinnacle Data", None], "country": ["FR", "FR", None]},
        accounts,
    )  # fmt: skip
    assert matches["confidence"].between(0.0, 1.0).all()
    assert "typed company name differs" in matches.loc[0, "evidence"]


def test_sample_world_leads_are_assigned_to_their_company() -> None:
    world = generate_world(accounts=40, seed=5)
    leads = world.sources["salesforce.Lead"].drop_duplicates("Id")
    contacts = leads.rename(columns={"Id": "id", "Email": "email", "Company": "company"})
    firms = world.sources["salesforce.Account"].rename(
        columns={"Id": "id", "Name": "name", "Website": "domain"}
    )
    matches = LeadToAccount().match(contacts[["id", "email", "company"]], firms)
    truth = world.truth.records.drop_duplicates(["source", "source_id"]).set_index("source_id")
    company = truth["entity_id"].map(world.truth.people.set_index("person_id")["company_id"])
    table = matches.to_pandas()
    predicted = table["account_id"].map(truth["entity_id"])
    expected = table["contact_id"].map(company.fillna(truth["entity_id"]))
    has_account = expected.isin(firms["id"].map(truth["entity_id"]))  # others are elsewhere
    assert has_account.mean() > 0.5
    assert (predicted == expected)[has_account].mean() >= 0.97


def test_missing_required_column_is_named(accounts: pd.DataFrame) -> None:
    with pytest.raises(UnknownNameError, match="contacts has no column 'email'"):
        LeadToAccount().match(pd.DataFrame({"id": [1]}), accounts)


def test_repeated_account_id_is_refused(accounts: pd.DataFrame) -> None:
    accounts.loc[1, "id"] = "001A"
    with pytest.raises(InvalidValueError, match="accounts column 'id' repeats '001A'"):
        LeadToAccount().match(pd.DataFrame({"id": [1], "email": ["a@b.com"]}), accounts)


def test_threshold_outside_unit_interval_is_refused() -> None:
    with pytest.raises(InvalidValueError, match=r"name_threshold=1.5 must be in \(0, 1\]"):
        LeadToAccount(name_threshold=1.5)


def test_no_contacts_gives_an_empty_table(accounts: pd.DataFrame) -> None:
    matches = LeadToAccount().match(pd.DataFrame({"id": [], "email": []}), accounts)
    assert matches.to_pandas().empty
    assert matches.coverage == 0.0


# -- accounts prepared once ------------------------------------------------------------

_NAMES = ["Acme Inc.", "ACME GmbH", "Globex", "Globex Corp", "Initech", "Umbrella Ltd", ""]
_DOMAINS = ["acme.com", "https://www.acme.com", "globex.de", "initech.io", "gmail.com", None]
_EMAILS = ["ann@acme.com", "bo@globex.de", "cy@gmail.com", "di@initech.io", "ed@other.org",
           "fay@", None]  # fmt: skip
_COMPANIES = ["Acme", "acme labs", "Globx", "Initech LLC", "Umbrella", "", None]
_PLACES = ["Utrecht", "Paris", None]


@st.composite
def _tables(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame]:
    n = draw(st.integers(0, 6))
    accounts = pd.DataFrame({
        "id": [f"A{k}" for k in range(n)],
        "name": draw(st.lists(st.sampled_from(_NAMES), min_size=n, max_size=n)),
        "domain": draw(st.lists(st.sampled_from(_DOMAINS), min_size=n, max_size=n)),
        "city": draw(st.lists(st.sampled_from(_PLACES), min_size=n, max_size=n)),
        "country": draw(st.lists(st.sampled_from(["NL", "France", None]), min_size=n,
                                 max_size=n)),
    })  # fmt: skip
    m = draw(st.integers(1, 8))
    contacts = pd.DataFrame({
        "id": list(range(m)),
        "email": draw(st.lists(st.sampled_from(_EMAILS), min_size=m, max_size=m)),
        "company": draw(st.lists(st.sampled_from(_COMPANIES), min_size=m, max_size=m)),
        "website": draw(st.lists(st.sampled_from(_DOMAINS), min_size=m, max_size=m)),
        "city": draw(st.lists(st.sampled_from(_PLACES), min_size=m, max_size=m)),
        "country": draw(st.lists(st.sampled_from(["Netherlands", "FR", None]), min_size=m,
                                 max_size=m)),
    })  # fmt: skip
    return contacts, accounts


def _plain(frame: pd.DataFrame) -> list[tuple[object, ...]]:
    """The rows as plain values (dtypes aside: a one-row batch may infer other ones)."""
    return [tuple(None if pd.isna(v) else v for v in row)
            for row in frame.astype(object).itertuples(index=False)]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(_tables())
def test_prepared_accounts_give_the_answers_of_the_table(
    tables: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    """Accounts prepared once and matched one contact at a time answer as a whole batch."""
    contacts, accounts = tables
    linker = LeadToAccount()
    whole = linker.match(contacts, accounts).to_pandas()
    prepared = linker.prepare(accounts)
    assert len(prepared) == len(accounts)
    pd.testing.assert_frame_equal(linker.match(contacts, prepared).to_pandas(), whole)
    one_by_one = [linker.match(contacts.iloc[[k]], prepared).to_pandas()
                  for k in range(len(contacts))]  # fmt: skip
    assert _plain(pd.concat(one_by_one, ignore_index=True)) == _plain(whole)


@settings(max_examples=40, deadline=None)
@given(_tables())
def test_names_cleaned_already_give_the_same_answers(
    tables: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    """Names a linker cleaned as organisations are taken as they are, answers unchanged."""
    contacts, accounts = tables
    linker = LeadToAccount()
    field = Field(column="name", kind="organisation")
    cleaned = normalise(accounts["name"].reset_index(drop=True), field)
    given = linker.prepare(accounts, cleaned_names=cleaned)
    pd.testing.assert_frame_equal(linker.match(contacts, given).to_pandas(),
                                  linker.match(contacts, accounts).to_pandas())  # fmt: skip
    with pytest.raises(InvalidValueError, match=f"holds {len(accounts) + 1} names for"):
        linker.prepare(accounts, cleaned_names=[*cleaned.tolist(), None])


def test_prepared_accounts_are_read_only(accounts: pd.DataFrame) -> None:
    prepared = LeadToAccount().prepare(accounts)
    with pytest.raises(AttributeError):
        prepared.names = None  # type: ignore[misc]
    assert not prepared.names.choices.flags.writeable
    taken = prepared.take(np.array([0]))
    taken.loc[0, "account"] = "changed"  # a copy: the prepared accounts keep theirs
    assert prepared.take(np.array([0])).loc[0, "account"] == "001A"
    assert repr(prepared) == "PreparedAccounts: 3 rows, domains=2, names=3"


def test_preparing_refuses_what_matching_refuses(accounts: pd.DataFrame) -> None:
    with pytest.raises(UnknownNameError, match="no column 'name'"):
        LeadToAccount().prepare(accounts.drop(columns="name"))
    with pytest.raises(InvalidValueError, match="repeats '001A'"):
        LeadToAccount().prepare(pd.concat([accounts, accounts.iloc[:1]]))
    with pytest.raises(InvalidValueError):
        LeadToAccount().prepare("accounts.csv")  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError):
        LeadToAccount().match(pd.DataFrame({"id": [1], "email": ["a@b.c"]}), 42)  # type: ignore[arg-type]


def test_an_account_without_a_name_is_still_ranked(accounts: pd.DataFrame) -> None:
    """A missing name sorts as the same text under pandas 2 and 3 (it crashed under 3)."""
    accounts.loc[2, ["name", "domain"]] = [None, "emberenergy.com"]
    row = _match({"id": ["L1"], "email": ["ann@emberenergy.com"]}, accounts).iloc[0]
    assert (row["account_id"], row["method"]) == ("001A", "domain")


_CELL = st.one_of(st.none(), st.just(float("nan")), st.just(pd.NA), st.integers(-5, 50),
                  st.sampled_from(["Acme ", " acme", "", "  ", "Zeta", "éclair", "b"]))  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(st.lists(_CELL, max_size=12))
def test_account_columns_read_at_once_read_as_one_by_one(cells) -> None:  # type: ignore[no-untyped-def]
    # The ranks and names prepared accounts hold are read distinct value by distinct
    # value, or all at once, where the column allows: the same as reading each cell.
    values = np.empty(len(cells), dtype=object)
    values[:] = cells
    missing = [v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) for v in cells]
    texts = [None if gone else str(v) for v, gone in zip(cells, missing, strict=True)]
    sortable = _sortable(pd.Series(values, dtype=object))
    assert sortable.tolist() == ["None" if t is None else t for t in texts]
    assert _trimmed(values).tolist() == [None if t is None else (t.strip() or None)
                                         for t in texts]  # fmt: skip
    read = text(pd.DataFrame({"c": values}), "c").tolist()
    assert read == [None if t is None else (t.strip().lower() or None) for t in texts]
