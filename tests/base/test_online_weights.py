"""Online weights equal batch weights: the same model, the same term-frequency adjustment."""

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from customer_understanding import CustomerBase
from customer_understanding.base._online import OnlineIndex
from customer_understanding.datasets import generate_world
from customer_understanding.identity import Field, Linker, ProbabilisticResolver, RecordScorer


def test_record_scorer_weighs_each_pair_as_the_batch_run() -> None:
    people = pd.DataFrame({
        "email": ["ann@acme.com", "ann@acme.com", "bo@beta.io", "bo@beta.io", "cy@acme.com",
                  None, "dee@delta.org", "ann@acme.co"],
        "surname": ["Lee", "Lee", "Ng", "Ng", "Lee", "Lee", "Ray", "Lee"],
    })  # fmt: skip
    linker = Linker(fields=[Field(column="email", kind="email"),
                            Field(column="surname", kind="family_name")])  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        batch = linker.deduplicate(people)
    scorer = RecordScorer(people, linker=linker, model=batch.model)
    assert len(scorer) == len(people)
    for pair, (left, right) in enumerate(zip(batch.left, batch.right, strict=True)):
        incoming = scorer.clean(people.iloc[[int(right)]])
        levels, partials = scorer.score(incoming, [int(left)])
        assert levels[0].tolist() == batch.levels[pair].tolist()
        np.testing.assert_array_equal(partials[0], batch.partials[pair])


def test_a_value_the_table_lacks_and_a_missing_value() -> None:
    people = pd.DataFrame({"surname": ["Lee", "Lee", "Ng"]})
    linker = Linker(fields=[Field(column="surname", kind="family_name")])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = linker.deduplicate(people).model
    scorer = RecordScorer(people, linker=linker, model=model)
    levels, partials = scorer.score(scorer.clean({"surname": "Leeh"}), [0, 2])
    assert levels[:, 0].tolist()[1] > 0  # Ng is far from Leeh
    assert levels[0, 0] > 0  # near, not exact
    levels, partials = scorer.score(scorer.clean({}), [0])
    assert levels.tolist() == [[-1]]
    assert partials.tolist() == [[0.0]]
    row = scorer.append({"surname": "Leeh"})
    assert row == 3
    assert scorer.score(scorer.clean({"surname": "LEEH"}), [row])[0].tolist() == [[0]]
    assert scorer.values([row]) == {"surname": ["leeh"]}


@pytest.mark.parametrize("level", ["contact", "account"])
def test_online_pairs_weigh_what_the_build_weighed(tmp_path: Path, level: str) -> None:
    world = generate_world(accounts=25, interactions=500, seed=4)
    base = CustomerBase.build(world.as_sources(), policy="lenient", store=tmp_path / "c.db")
    resolver = ProbabilisticResolver()
    tables = base.tables
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        accounts, contacts = resolver.explain(tables.account_records, tables.contact_records)
    result = contacts if level == "contact" else accounts
    assert result is not None
    index = OnlineIndex.build(tables, level, resolver=resolver, model=result.model)  # type: ignore[arg-type]
    pairs = result.pairs()
    assert len(pairs) > 10
    for record in pairs.head(200).to_dict("records"):
        query = index.query(index.frame.iloc[[int(record["right_id"])]].reset_index(drop=True))
        _, partials = index.scorer.score(query, [int(record["left_id"])])
        weight = result.model.prior_weight + partials.sum(axis=1, dtype=np.float64)[0]
        assert weight == pytest.approx(record["match_weight"], abs=1e-9)


def _append_by_copy(scorer: RecordScorer, record: dict[str, object]) -> None:
    """``RecordScorer.append`` as it was written before: every column copied per row."""
    values = scorer.clean(record)
    for field in scorer.fields:
        column, value = field.column, values[field.column]
        code = -1 if value is None else scorer._lookup[column].get(value, -1)
        if value is not None and code < 0:
            code = len(scorer._uniques[column])
            scorer._lookup[column][value] = code
            scorer._uniques[column] = np.append(scorer._uniques[column],
                                                np.array([value], dtype=object))  # fmt: skip
        scorer._codes[column] = np.append(scorer._codes[column], np.int64(code))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["Lee", "Ng", "Leeh", "Ray", None]),
                          st.sampled_from(["ann@acme.com", "bo@beta.io", "x@y.z", None])),
                min_size=1, max_size=40))  # fmt: skip
def test_rows_appended_in_spare_room_equal_rows_appended_by_copy(
    rows: list[tuple[str | None, str | None]],
) -> None:
    emails = ["ann@acme.com", None, "bo@beta.io", "cy@acme.com"]
    people = pd.DataFrame({"surname": ["Lee", "Lee", "Ng", None], "email": emails})
    linker = Linker(fields=[Field(column="surname", kind="family_name", term_frequency=True),
                            Field(column="email", kind="email")])  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = linker.deduplicate(people).model
    grown, copied = (RecordScorer(people, linker=linker, model=model) for _ in range(2))
    for surname, email in rows:
        grown.append({"surname": surname, "email": email})
        _append_by_copy(copied, {"surname": surname, "email": email})
    for part in ("_codes", "_uniques"):
        mine, theirs = getattr(grown, part), getattr(copied, part)
        assert mine.keys() == theirs.keys()
        assert all(mine[k].tolist() == theirs[k].tolist() for k in mine)
    probe = grown.clean({"surname": "Lee", "email": "ann@acme.com"})
    everyone = list(range(len(grown)))
    for got, expected in zip(grown.score(probe, everyone), copied.score(probe, everyone),
                             strict=True):  # fmt: skip
        np.testing.assert_array_equal(got, expected)
