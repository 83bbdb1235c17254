import numpy as np
import pandas as pd
import pytest

from customer_understanding import InvalidValueError, NotFoundError, UnknownNameError
from customer_understanding.identity import (
    Custom,
    Earliest,
    MostComplete,
    MostFrequent,
    MostRecent,
    SourcePriority,
    golden_records,
)


@pytest.fixture
def records() -> pd.DataFrame:
    """Two people, each seen in several systems; row order is not time order."""
    return pd.DataFrame(
        {
            "record_id": ["sf-1", "hs-7", "zd-3", "sf-2", "hs-9"],
            "system": ["salesforce", "hubspot", "zendesk", "salesforce", "hubspot"],
            "updated": pd.to_datetime(
                ["2023-01-05", "2024-02-10", "2024-06-01", "2022-11-30", None], utc=True
            ),
            "name": ["Catherine Wood", "Cathy Wood", "Catherine Wood", "Tom Hill", "Thomas Hill"],
            "phone": ["+1 415 555 0100", None, "415-555-0199", "", "+44 20 7946 0000"],
            "title": ["VP Sales", "VP of Sales", "", "CTO", None],
        }
    )


CLUSTERS = np.array([10, 10, 10, 20, 20])


def _golden(records: pd.DataFrame, **options: object) -> pd.DataFrame:
    result = golden_records(
        records,
        CLUSTERS,
        source_column="system",
        time_column="updated",
        id_column="record_id",
        **options,  # type: ignore[arg-type]
    )
    return result.to_pandas()


def test_most_recent_takes_the_newest_record_with_a_value(records: pd.DataFrame) -> None:
    golden = _golden(records, rules={"name": MostRecent()})
    assert golden.loc[10, "name"] == "Catherine Wood"  # zendesk, 2024-06-01
    assert golden.loc[20, "name"] == "Tom Hill"  # the other record has no time


def test_earliest_takes_the_oldest_dated_record_with_a_value(records: pd.DataFrame) -> None:
    golden = _golden(records, rules={"title": Earliest(), "name": Earliest()})
    assert golden.loc[10, "title"] == "VP Sales"  # salesforce, 2023-01-05
    assert golden.loc[20, "name"] == "Tom Hill"  # an undated record proves no age


def test_earliest_without_time_column_is_refused(records: pd.DataFrame) -> None:
    with pytest.raises(InvalidValueError, match="Earliest\\(\\) needs time_column"):
        golden_records(records, CLUSTERS, rules={"name": Earliest()})


def test_empty_strings_never_win(records: pd.DataFrame) -> None:
    golden = _golden(records, rules={"phone": MostRecent()})
    assert golden.loc[20, "phone"] == "+44 20 7946 0000"


def test_most_frequent_counts_agreeing_records(records: pd.DataFrame) -> None:
    records.loc[2, "updated"] = pd.Timestamp("2020-01-01", tz="UTC")
    golden = _golden(records, rules={"name": MostFrequent()})
    assert golden.loc[10, "name"] == "Catherine Wood"


def test_most_frequent_breaks_ties_by_recency(records: pd.DataFrame) -> None:
    golden = _golden(records, rules={"title": MostFrequent()})
    assert golden.loc[10, "title"] == "VP of Sales"  # one vote each; hubspot's is newer


def test_source_priority_prefers_the_first_listed_source(records: pd.DataFrame) -> None:
    golden = _golden(records, rules={"name": SourcePriority(order=["hubspot", "salesforce"])})
    assert golden.loc[10, "name"] == "Cathy Wood"
    assert golden.loc[20, "name"] == "Thomas Hill"


def test_source_priority_falls_through_to_a_source_with_a_value(records: pd.DataFrame) -> None:
    golden = _golden(records, rules={"phone": SourcePriority(order=["hubspot", "zendesk"])})
    assert golden.loc[10, "phone"] == "415-555-0199"


def test_most_complete_takes_the_longest_value(records: pd.DataFrame) -> None:
    golden = _golden(records, rules={"title": MostComplete()})
    assert golden.loc[10, "title"] == "VP of Sales"


def test_custom_rule_is_called_per_cluster(records: pd.DataFrame) -> None:
    seen: list[list[str]] = []

    def shortest(candidates: pd.DataFrame) -> pd.Series:  # type: ignore[type-arg]
        seen.append(candidates.index.tolist())
        return candidates.loc[candidates["value"].str.len().idxmin()]

    golden = _golden(records, rules={"name": Custom(function=shortest, name="shortest")})
    assert golden["name"].tolist() == ["Cathy Wood", "Tom Hill"]
    assert seen == [["hs-7", "sf-1", "zd-3"], ["hs-9", "sf-2"]]  # in the ids' order


def test_provenance_names_record_source_and_rule(records: pd.DataFrame) -> None:
    result = golden_records(
        records,
        CLUSTERS,
        rules={"phone": SourcePriority(order=["salesforce"])},
        source_column="system",
        time_column="updated",
        id_column="record_id",
    )
    phone = result.provenance_of(20).set_index("field").loc["phone"]
    assert (phone["record"], phone["source"], phone["rule"]) == (
        "hs-9",
        "hubspot",
        "source_priority(salesforce)",
    )


def test_default_rule_applies_to_unlisted_fields(records: pd.DataFrame) -> None:
    result = golden_records(
        records, CLUSTERS, default=MostComplete(), source_column="system", time_column="updated"
    )
    assert set(result.provenance()["rule"]) == {"most_complete"}
    assert list(result.to_pandas().columns) == ["record_id", "name", "phone", "title"]


def test_cluster_without_any_value_gets_a_missing_one() -> None:
    records = pd.DataFrame({"name": ["Ann", "Bob"], "fax": [None, "  "]})
    result = golden_records(records, [0, 1])
    assert result.to_pandas()["fax"].isna().all()
    assert result.provenance()["record"].isna().sum() == 2


def test_built_in_rules_scale_without_a_python_loop() -> None:
    rng = np.random.default_rng(3)
    n = 200_000
    records = pd.DataFrame(
        {
            "updated": rng.integers(0, 10**12, n),
            "city": rng.choice(["Leeds", "York", "Hull", None], n),
        }
    )
    result = golden_records(records, rng.integers(0, 50_000, n), time_column="updated")
    assert len(result.to_pandas()) == len(np.unique(result.provenance()["cluster"]))


def test_unknown_field_in_rules_is_refused(records: pd.DataFrame) -> None:
    with pytest.raises(UnknownNameError, match="rules names field 'email'"):
        _golden(records, rules={"email": MostRecent()})


def test_unknown_source_in_priority_warns(records: pd.DataFrame) -> None:
    with pytest.warns(UserWarning, match="names sources that no record has: 'marketo'"):
        _golden(records, rules={"name": SourcePriority(order=["marketo", "salesforce"])})


def test_custom_rule_returning_a_row_outside_the_cluster_is_refused(
    records: pd.DataFrame,
) -> None:
    with pytest.raises(InvalidValueError, match="chose 'sf-2' for the cluster of 'hs-7'"):
        _golden(records, rules={"name": Custom(function=lambda _: "sf-2", name="bad")})


def test_most_recent_without_time_column_is_refused(records: pd.DataFrame) -> None:
    with pytest.raises(InvalidValueError, match="MostRecent\\(\\) needs time_column"):
        golden_records(records, CLUSTERS, rules={"name": MostRecent()})


def test_source_priority_without_source_column_is_refused(records: pd.DataFrame) -> None:
    with pytest.raises(InvalidValueError, match="needs source_column"):
        golden_records(records, CLUSTERS, rules={"name": SourcePriority(order=["hubspot"])})


def test_clusters_of_the_wrong_length_are_refused(records: pd.DataFrame) -> None:
    with pytest.raises(InvalidValueError, match="clusters has 2 labels but records has 5"):
        golden_records(records, [0, 1])


def test_duplicate_record_ids_are_refused(records: pd.DataFrame) -> None:
    records.loc[1, "record_id"] = "sf-1"
    with pytest.raises(InvalidValueError, match=r"id_column='record_id'.*'sf-1' repeats"):
        golden_records(records, CLUSTERS, id_column="record_id")


def test_missing_meta_column_is_named(records: pd.DataFrame) -> None:
    with pytest.raises(UnknownNameError, match="time_column='modified'"):
        golden_records(records, CLUSTERS, time_column="modified")


def test_empty_priority_list_is_refused() -> None:
    with pytest.raises(InvalidValueError, match="order=\\(\\) must name at least one source"):
        SourcePriority(order=[])


def test_provenance_of_unknown_cluster_is_refused(records: pd.DataFrame) -> None:
    result = golden_records(records, CLUSTERS)
    with pytest.raises(NotFoundError, match="cluster=99 holds no records"):
        result.provenance_of(99)


def test_a_rule_that_is_not_a_rule_is_refused(records: pd.DataFrame) -> None:
    with pytest.raises(InvalidValueError, match="rules\\['name'\\]='latest' is not a survivorship"):
        golden_records(records, CLUSTERS, rules={"name": "latest"})  # type: ignore[dict-item]


def test_int64_times_with_the_nat_sentinel_rank_oldest() -> None:
    nat = np.iinfo(np.int64).min
    records = pd.DataFrame({"seen": [nat, 5, 9], "city": ["Leeds", "York", "Hull"]})
    result = golden_records(records, [0, 0, 1], time_column="seen")
    assert result.to_pandas()["city"].tolist() == ["York", "Hull"]


def test_missing_cluster_label_is_refused(records: pd.DataFrame) -> None:
    with pytest.raises(InvalidValueError, match="clusters holds a missing label at row 2"):
        golden_records(records, [0, 0, None, 1, 1])


def test_sample_world_golden_names_match_the_truth() -> None:
    from customer_understanding.datasets import generate_world

    world = generate_world(accounts=20, seed=11)
    sf = world.sources["salesforce.Contact"].rename(
        columns={"Id": "id", "FirstName": "first", "LastName": "last", "CreatedDate": "at"}
    )
    hs = world.sources["hubspot.contacts"].rename(
        columns={"hs_object_id": "id", "firstname": "first", "lastname": "last", "createdate": "at"}
    )
    sf["system"], hs["system"] = "salesforce.Contact", "hubspot.contacts"
    records = pd.concat([sf, hs])[["id", "system", "first", "last", "at"]].astype({"id": str})
    records = records.drop_duplicates(["system", "id"]).reset_index(drop=True)
    truth = world.truth.records.astype({"source_id": str}).drop_duplicates(["source", "source_id"])
    person = records.merge(
        truth, how="left", left_on=["system", "id"], right_on=["source", "source_id"]
    )["entity_id"]
    records["key"] = records["system"] + ":" + records["id"]
    with pytest.warns(UserWarning, match="time_column='at' holds .* not times"):
        result = golden_records(
            records.drop(columns="id"),
            person.to_numpy(),
            rules={"first": MostFrequent(), "last": SourcePriority(order=["salesforce.Contact"])},
            source_column="system",
            time_column="at",
            id_column="key",
        )
    golden = result.to_pandas()
    people = world.truth.people.set_index("person_id").reindex(golden.index)
    same = golden["last"].str.lower() == people["last_name"].str.lower()
    assert same.mean() >= 0.9
