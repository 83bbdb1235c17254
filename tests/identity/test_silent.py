"""Nothing degrades silently: each case that used to give a quiet wrong answer now speaks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from customer_understanding import InvalidValueError
from customer_understanding.identity import BlockingRule, Field, Linker, cluster_scores, normalise

from .conftest import PEOPLE_FIELDS, make_people

EMAIL_FIELDS = [*PEOPLE_FIELDS, Field(column="email", kind="email")]


def _with_emails(share_na: float, seed: int = 5) -> tuple[pd.DataFrame, np.ndarray]:
    frame, truth = make_people(400, 60, seed=seed)
    frame = frame.assign(email=[f"person{t}@mail.example.org" for t in truth])
    rng = np.random.default_rng(seed)
    blank = rng.random(len(frame)) < share_na
    frame.loc[blank, "email"] = "N/A"
    return frame, truth


def test_a_column_missing_from_one_linked_table_is_an_error() -> None:
    crm = pd.DataFrame({"name": ["Ann Lee"], "city": ["Leeds"]})
    shop = pd.DataFrame({"name": ["Ann Lee"], "town": ["Leeds"]})
    linker = Linker(fields=[Field(column="name", kind="person_name"),
                            Field(column="city", kind="city")])  # fmt: skip
    with pytest.raises(InvalidValueError, match="'city' is not in table 'shop'"):
        linker.link({"crm": crm, "shop": shop})


def test_placeholder_emails_are_missing_and_reported() -> None:
    frame, truth = _with_emails(0.10)
    linker = Linker(fields=EMAIL_FIELDS, link_threshold=0.9)
    with pytest.warns(UserWarning, match=r"column 'email': \d+ of 460 values are placeholders"):
        report = linker.report(frame).to_pandas().set_index("rule")
    assert report.loc["email", "placeholders"] == (frame["email"] == "N/A").sum()
    assert report.loc["email", "largest_block"] <= 7  # 'n/a' makes no block
    with pytest.warns(UserWarning, match="placeholders"):
        result = linker.deduplicate(frame)
    assert cluster_scores(result.clusters, truth).recall >= 0.95


def test_built_in_and_declared_placeholders_read_as_missing() -> None:
    values = pd.Series(["None", "nan", "test@test.com", "0000000000", "acme demo", "a@b.org"])
    field = Field(column="email", kind="email", placeholders={"Acme Demo"})
    assert normalise(values, field).tolist() == [None] * 5 + ["a@b.org"]


def test_a_value_far_too_frequent_for_one_entity_is_missing() -> None:
    frame, _ = _with_emails(0.0)
    frame.loc[frame.index[:40], "email"] = "office@acme.example.org"
    with pytest.warns(UserWarning, match=r"1 value\(s\) held by 40 records"):
        report = Linker(fields=EMAIL_FIELDS).report(frame).to_pandas().set_index("rule")
    assert report.loc["email", "placeholders"] == 40


def test_a_capped_default_rule_warns_and_reports_why() -> None:
    frame = pd.DataFrame({"a": ["x"] * 60 + ["y"] * 60, "b": ["p"] * 120})
    linker = Linker(fields=[Field(column="a", kind="category"), Field(column="b", kind="category")])
    with pytest.warns(UserWarning, match=r"no candidate pairs.*120 records.*120 record keys"):
        linker.deduplicate(frame)
    row = linker.report(frame).to_pandas().iloc[0]
    assert (row["rule"], row["pairs"], row["capped_values"], row["capped_records"]) == (
        "a & b", 0, 2, 120)  # fmt: skip
    assert "2 value(s) held by more than max_block=5 records each (120 records)" in row["why"]


def test_no_candidate_pairs_warns() -> None:
    emails = [f"user{i}@x.example.org" for i in range(1_150)] + ["N/A"] * 50
    linker = Linker(fields=[Field(column="email", kind="email")])
    with pytest.warns(UserWarning, match=r"pairs.*1,200 records.*50 read as placeholders"):
        result = linker.deduplicate(pd.DataFrame({"email": emails}))
    assert len(np.unique(result.clusters)) == 1_200


def test_a_declared_rule_dominated_by_one_value_warns() -> None:
    cities = ["london"] * 300 + [f"town{i}" for i in range(100) for _ in range(2)]
    frame = pd.DataFrame({"city": cities, "name": [f"n{i}" for i in range(len(cities))]})
    linker = Linker(fields=[Field(column="city", kind="city"), Field(column="name", kind="text")],
                    blocking=[BlockingRule(on="city")])  # fmt: skip
    with pytest.warns(UserWarning, match=r"'city' is dominated by one value.*300 records"):
        linker.deduplicate(frame)


def test_a_column_read_mostly_as_missing_warns() -> None:
    dates = [f"soon{i}" for i in range(30)] + ["1990-01-02"] * 10
    frame = pd.DataFrame({"dob": dates, "n": [f"n{i}" for i in range(40)]})
    fields = [Field(column="dob", kind="date"), Field(column="n", kind="text")]
    with pytest.warns(UserWarning, match=r"'dob': 30 of 40 values could not be read as date"):
        Linker(fields=fields).report(frame)


@pytest.mark.parametrize(
    "cell", [["Ann"], {"first": "Ann"}, ("Ann", "Lee"), np.array(["Ann"], dtype=object)]
)
def test_a_cell_holding_several_values_is_an_error(cell: object) -> None:
    frame = pd.DataFrame({"name": [cell, "Bob", "Bob"]})
    with pytest.raises(InvalidValueError, match=r"column 'name' holds a .*each cell must be one"):
        Linker(fields=[Field(column="name", kind="given_name")]).deduplicate(frame)


@pytest.mark.parametrize("labels", [{"a": 1}, 7, "abc", [[1], [1], [2]], [1, 2]])
def test_unusual_labels_are_library_errors(labels: object) -> None:
    frame = pd.DataFrame({"name": ["ann", "ann", "bob"]})
    with pytest.raises(InvalidValueError, match="labels"):
        Linker(fields=[Field(column="name", kind="given_name")]).deduplicate(frame, labels=labels)


def test_repeated_or_non_text_column_labels_are_library_errors() -> None:
    frame = pd.DataFrame([["a", "b"], ["a", "b"]], columns=["name", "name"])
    with pytest.raises(InvalidValueError, match="more than one column labelled 'name'"):
        Linker(fields=[Field(column="name", kind="text")]).deduplicate(frame)
    with pytest.raises(InvalidValueError, match="column=0 must be a non-empty string"):
        Field(column=0, kind="text")  # type: ignore[arg-type]
