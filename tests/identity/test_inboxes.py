"""Shared inboxes, a steward's overrides and the review band, on exports in the presets' shapes."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from customer_understanding import CustomerBase, InvalidValueError
from customer_understanding.datasets import generate_world
from customer_understanding.identity import (
    ROLE_MAILBOXES,
    Linker,
    Overrides,
    ProbabilisticResolver,
    ReviewPairs,
    SharedInboxes,
    resolve_exact,
)
from customer_understanding.identity._resolver import _CONTACT_FIELDS
from customer_understanding.ingest import Source


def _sources() -> list[Source]:
    """Four people of Acme on info@acme.com in HubSpot; Ann also in Salesforce."""
    crm = pd.DataFrame({
        "Id": ["003A", "003B"], "FirstName": ["Ann", "Cy"], "LastName": ["Lee", "Moss"],
        "Email": ["ann.lee@acme.com", "cy@acme.com"], "Phone": ["+1 415 555 0100", None],
        "CreatedDate": ["2025-01-02", "2025-01-03"],
    })  # fmt: skip
    marketing = pd.DataFrame({
        "hs_object_id": ["501", "502", "503", "504"],
        "email": ["info@acme.com", "INFO@acme.com", "info@acme.com", "info@acme.com"],
        "firstname": ["Ann", "Bob", "Dee", "Eve"], "lastname": ["Lee", "Ng", "Kay", "Ray"],
        "phone": ["+1 415 555 0100", "+1 415 555 0101", "+1 415 555 0102", None],
        "createdate": ["2025-02-01"] * 4,
    })  # fmt: skip
    return [Source(name="crm", data=crm, mapping="salesforce.Contact"),
            Source(name="hub", data=marketing, mapping="hubspot.contacts")]  # fmt: skip


def _entity(base: CustomerBase, system: str, source_id: str) -> str:
    records = base.tables.contact_records
    rows = (records.labels("system") == system) & (records.column("source_id") == source_id)
    contact = base.tables.resolution.contact_of_record[rows][0]
    return str(base.tables.resolution.contact_ids[contact])


# -- which addresses are shared ---------------------------------------------------------------


def test_role_mailboxes_are_known_whatever_their_separators_and_tags() -> None:
    emails = ["info@acme.com", "No_Reply@acme.com", "sales+emea@acme.com", "ann@acme.com", None]
    assert SharedInboxes().is_role(emails).tolist() == [True, True, True, False, False]
    assert {"info", "sales", "support", "noreply"} <= ROLE_MAILBOXES


def test_the_list_of_role_mailboxes_can_be_extended() -> None:
    inboxes = SharedInboxes(local_parts=ROLE_MAILBOXES | {"Vertrieb"})
    assert inboxes.is_role(["vertrieb@firma.de"]).tolist() == [True]


def test_an_address_whose_names_clearly_disagree_is_shared() -> None:
    shared, apart = SharedInboxes().find(
        ["acme@acme.com", "acme@acme.com", "ann@acme.com", "ann@acme.com"],
        first=["Ann", "Bob", "Ann", "Anne"],
        last=["Lee", "Ng", "Lee", "Lee"],
    )
    assert shared.tolist() == [True, True, False, False]
    assert apart == [(0, 1)]


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (["Katherine", "Kate"], ["Moss", "Moss"]),  # nickname
        (["Julien", "Julien"], ["Nilsson", "Nilssno"]),  # typo
        (["Michael", "Powell,"], ["Powell", "Michael"]),  # swapped
        (["P.", None], ["Richardson", "Richardson-Smith"]),  # initial, double-barrelled
        (["Lary", "Lawrence", "Lawrence"], ["Carter", "Carter", None]),  # agree through others
        (["Samantha", None], ["Turner", "samanthat"]),  # a help desk's handle is no name
    ],
)
def test_one_person_typed_several_ways_is_not_a_shared_address(
    first: list[str | None], last: list[str | None]
) -> None:
    address = "samanthat@acme.com" if "samanthat" in last else "x@acme.com"
    shared, apart = SharedInboxes().find([address] * len(first), first=first, last=last)
    assert not shared.any()
    assert apart == []


def test_bad_settings_are_refused_naming_the_field() -> None:
    with pytest.raises(InvalidValueError, match="local_parts"):
        SharedInboxes(local_parts="info")
    with pytest.raises(InvalidValueError, match="max_names"):
        SharedInboxes(max_names=0)


# -- the resolver and the base ------------------------------------------------------------------


def test_people_sharing_a_role_inbox_stay_apart_and_join_their_own_records() -> None:
    base = CustomerBase.build(_sources())
    people = {_entity(base, "hubspot", row) for row in ("501", "502", "503", "504")}
    assert len(people) == 4
    assert _entity(base, "hubspot", "501") == _entity(
        base, "salesforce", "003A"
    )  # Ann, by name and phone
    assert len(set(base.contacts.column("id").tolist())) == len(base.contacts)


def test_events_from_a_shared_inbox_count_for_the_company_not_for_one_person() -> None:
    account = pd.DataFrame({"Id": ["001A"], "Name": ["Acme"], "Website": ["acme.com"],
                            "CreatedDate": ["2025-01-01"]})  # fmt: skip
    contact = pd.DataFrame({"Id": ["003A"], "AccountId": ["001A"], "FirstName": ["Ann"],
                            "LastName": ["Lee"], "Email": ["ann.lee@acme.com"]})  # fmt: skip
    events = pd.DataFrame(
        {
            "id": ["e1", "e2"],
            "recipient": ["info@acme.com", "ann.lee@acme.com"],
            "type": ["OPEN", "CLICK"],
            "created": ["2025-03-01", "2025-03-02"],
        }
    )
    base = CustomerBase.build([
        *_sources()[1:],
        Source(name="crm", data=account, mapping="salesforce.Account"),
        Source(name="crm", data=contact, mapping="salesforce.Contact"),
        Source(name="hub", data=events, mapping="hubspot.marketing_events"),
    ])  # fmt: skip
    frame = base.to_pandas("interactions").sort_values("email", ignore_index=True)
    assert frame["contact_id"].isna().tolist() == [False, True]  # ann.lee@, info@
    assert len(set(frame["account_id"])) == 1
    assert frame["account_id"].notna().all()


def test_the_exact_key_resolver_makes_no_key_of_a_shared_inbox() -> None:
    base = CustomerBase.build(_sources(), resolver=resolve_exact)
    assert len({_entity(base, "hubspot", row) for row in ("501", "502", "503", "504")}) == 4


def test_a_size_cap_of_one_keeps_shared_inbox_people_apart_as_well() -> None:
    capped = Linker(fields=_CONTACT_FIELDS, link_threshold=0.5, review_threshold=0.2,
                    exclusive=("work_email",), max_cluster_size=1)  # fmt: skip
    base = CustomerBase.build(_sources(), resolver=ProbabilisticResolver(contact_linker=capped))
    assert len(base.contacts) == 6


def test_without_the_guard_the_shared_address_is_a_must_link_as_before() -> None:
    base = CustomerBase.build(_sources(), resolver=ProbabilisticResolver(shared_inboxes=None))
    assert len({_entity(base, "hubspot", row) for row in ("501", "502", "503", "504")}) == 1


def test_overrides_link_and_separate_records_whatever_the_model_says() -> None:
    overrides = Overrides(
        must_link_contacts=[(("salesforce", "003B"), ("hubspot", "504"))],
        cannot_link_contacts=[(("salesforce", "003A"), ("hubspot", "501"))],
    )
    base = CustomerBase.build(_sources(), overrides=overrides)
    assert _entity(base, "salesforce", "003B") == _entity(base, "hubspot", "504")
    assert _entity(base, "salesforce", "003A") != _entity(base, "hubspot", "501")


def test_a_cannot_link_splits_records_sharing_a_work_address() -> None:
    crm = pd.DataFrame({"Id": ["1", "2"], "FirstName": ["Ann", "Ann"], "LastName": ["Lee", "Lee"],
                        "Email": ["ann@acme.com", "ann@acme.com"]})  # fmt: skip
    source = Source(name="crm", data=crm, mapping="salesforce.Contact")
    assert len(CustomerBase.build([source]).contacts) == 1
    apart = Overrides(cannot_link_contacts=[(("salesforce", "1"), ("salesforce", "2"))])
    base = CustomerBase.build([source], overrides=apart)
    assert len(base.contacts) == 2
    assert len(set(base.contacts.column("id").tolist())) == 2


def test_a_cannot_link_keeps_two_account_records_on_one_domain_apart() -> None:
    firms = pd.DataFrame({"Id": ["001A", "001B"], "Name": ["Acme", "Acme Europe"],
                          "Website": ["acme.com", "acme.com"]})  # fmt: skip
    source = Source(name="crm", data=firms, mapping="salesforce.Account")
    assert len(CustomerBase.build([source]).accounts) == 1
    apart = Overrides(cannot_link_accounts=[(("salesforce", "001A"), ("salesforce", "001B"))])
    assert len(CustomerBase.build([source], overrides=apart).accounts) == 2


def test_a_decided_review_table_is_taken_as_overrides() -> None:
    decided = pd.DataFrame({
        "level": ["contact"], "left_system": ["salesforce"], "left_source_id": ["003B"],
        "right_system": ["hubspot"], "right_source_id": ["503"], "decision": ["same"],
    })  # fmt: skip
    base = CustomerBase.build(_sources(), overrides=decided)
    assert _entity(base, "salesforce", "003B") == _entity(base, "hubspot", "503")
    again = Overrides.from_pandas(Overrides.from_pandas(decided).to_pandas())
    assert again.must_link_contacts == ((("salesforce", "003B"), ("hubspot", "503")),)


_ANN, _BOB = ("salesforce", "003A"), ("hubspot", "502")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (Overrides(must_link_contacts=[(_ANN, ("hubspot", "999"))]), "hubspot', '999'"),
        (Overrides(must_link_contacts=[(_ANN, _BOB)], cannot_link_contacts=[(_ANN, _BOB)]),
         "cannot-link"),
        ("same", "overrides="),
        (pd.DataFrame({"level": ["contact"]}), "lacks the column"),
    ],
)  # fmt: skip
def test_bad_overrides_are_refused_with_what_is_wrong(overrides: object, message: str) -> None:
    with pytest.raises(InvalidValueError, match=message):
        CustomerBase.build(_sources(), overrides=overrides)  # type: ignore[arg-type]


def test_overrides_need_a_resolver_that_takes_them() -> None:
    with pytest.raises(InvalidValueError, match="resolver="):
        CustomerBase.build(_sources(), resolver=resolve_exact, overrides=Overrides())


def test_a_bad_decision_names_its_row() -> None:
    frame = pd.DataFrame(
        {
            "level": ["contact"],
            "left_system": ["a"],
            "left_source_id": ["1"],
            "right_system": ["b"],
            "right_source_id": ["2"],
            "decision": ["maybe"],
        }
    )
    with pytest.raises(InvalidValueError, match="row 0"):
        Overrides.from_pandas(frame)
    with pytest.raises(InvalidValueError, match="must_link_contacts"):
        Overrides(must_link_contacts=[("crm", "1")])


def test_the_review_band_is_a_table_of_records_and_entities() -> None:
    base = CustomerBase.build(_sources())
    review = base.review_pairs()
    assert isinstance(review, ReviewPairs)
    frame = review.to_pandas()
    assert list(frame.columns) == [
        "level", "left_system", "left_source_id", "right_system", "right_source_id",
        "left_entity_id", "right_entity_id", "match_probability", "match_weight", "same_entity",
    ]  # fmt: skip
    assert len(base.review_pairs(level="account")) + len(base.review_pairs(level="contact")) == len(
        review
    )
    with pytest.raises(InvalidValueError, match="level"):
        base.review_pairs(level="person")  # type: ignore[arg-type]


def test_review_pairs_are_read_only_and_checked() -> None:
    review = ReviewPairs(
        level=["contact"],
        left_system=["crm"],
        left_source_id=["1"],
        right_system=["hub"],
        right_source_id=["2"],
        left_entity_id=["con_a"],
        right_entity_id=["con_b"],
        match_probability=[0.4],
        match_weight=[-0.6],
    )
    assert not review.level.flags.writeable
    assert review.to_pandas()["same_entity"].tolist() == [False]
    with pytest.raises(InvalidValueError, match="equally long"):
        ReviewPairs(level=["contact", "contact"])
    with pytest.raises(InvalidValueError, match="level"):
        ReviewPairs(
            level=["person"],
            left_system=["crm"],
            left_source_id=["1"],
            right_system=["hub"],
            right_source_id=["2"],
            left_entity_id=["a"],
            right_entity_id=["b"],
            match_probability=[0.4],
            match_weight=[0.0],
        )


# -- the sample world -----------------------------------------------------------------------------


def test_the_world_lists_people_sharing_team_inboxes() -> None:
    world = generate_world(accounts=60, interactions=1_000, seed=3)
    shared = world.truth.shared_inboxes
    assert list(shared.columns) == ["address", "person_id", "source", "source_id"]
    assert len(shared)
    assert (shared.groupby("address")["person_id"].nunique() >= 2).all()
    for row in shared.itertuples(index=False):
        frame = world.sources[row.source]
        ids = frame["hs_object_id" if row.source.startswith("hubspot") else "id"].astype(str)
        assert frame.loc[ids == str(row.source_id), "email"].tolist() == [row.address]


_ADDRESSES = st.sampled_from(
    ["ann@x.com", " Ann@X.com", "bo@x.com", "info@x.com", "cy@y.com", None]
)
_GIVEN_NAMES = st.sampled_from(["Ann", "Anne", "Bo", "Carl", "ann", None])
_FAMILY_NAMES = st.sampled_from(["Lee", "Moss", "Ng", None])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_ADDRESSES, _GIVEN_NAMES, _FAMILY_NAMES), max_size=14))
def test_shared_inboxes_are_found_address_by_address(
    records: list[tuple[str | None, str | None, str | None]],
) -> None:
    # What the whole list gives each record is what its address's records alone give it.
    emails, first, last = ([r[k] for r in records] for k in range(3))
    shared, apart = SharedInboxes().find(emails, first=first, last=last)
    address = [e.strip().lower() if e else None for e in emails]
    expected, pairs = SharedInboxes().is_role(emails), []
    for one in {a for a in address if a is not None}:
        rows = [i for i, a in enumerate(address) if a == one]
        alone, kept = SharedInboxes().find([emails[i] for i in rows],
                                           first=[first[i] for i in rows],
                                           last=[last[i] for i in rows])  # fmt: skip
        expected[rows] = alone
        pairs += [(rows[a], rows[b]) for a, b in kept]
    assert shared.tolist() == expected.tolist()
    assert apart == sorted(pairs)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_ADDRESSES, _GIVEN_NAMES, _FAMILY_NAMES), max_size=14),
       st.integers(0, 14))  # fmt: skip
def test_records_read_with_carriers_are_told_as_if_every_record_were_given(
    records: list[tuple[str | None, str | None, str | None]], cut: int
) -> None:
    # The first records are linked, the rest only carried along: each linked record's
    # answer is the one the whole list gives it; only pairs among the linked are named.
    emails, first, last = ([r[k] for r in records] for k in range(3))
    cut = min(cut, len(records))
    every, every_apart = SharedInboxes().find(emails, first=first, last=last)
    carriers = {"email": np.array(emails[cut:], dtype=object),
                "first_name": np.array(first[cut:], dtype=object),
                "last_name": np.array(last[cut:], dtype=object)}  # fmt: skip
    shared, apart = SharedInboxes().find(emails[:cut], first=first[:cut], last=last[:cut],
                                         carriers=carriers)  # fmt: skip
    assert shared.tolist() == every[:cut].tolist()
    assert apart == [pair for pair in every_apart if pair[1] < cut]
