"""Records added online go into growing columns: the same tables as made afresh each time."""

from functools import cache
from typing import Any
from unittest import mock

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from customer_understanding import CustomerBase
from customer_understanding._core import Buffer
from customer_understanding.base._added import Rooms, with_records
from customer_understanding.base._growing import Members, Room, RowLookup
from customer_understanding.base._tables import Tables
from customer_understanding.base._titles import FEW_TITLES, _readings
from customer_understanding.datasets import generate_world
from customer_understanding.domain import DEFAULT_TITLE_RULES
from customer_understanding.tables import AccountRecords, ContactRecords, ContactTable

_SYSTEMS = ("salesforce", "hubspot", "web-form")  # the last one is new to the base
_DEPARTMENTS = ("Sales", "Finance", "Zymurgy", None)  # Zymurgy: a label new to the base


@cache
def _tables() -> Tables:
    world = generate_world(accounts=6, interactions=60, defects=False, seed=5)
    return CustomerBase.build(world.as_sources()).tables


def _record(level: str, n: int, draw: dict[str, Any]) -> ContactRecords | AccountRecords:
    if level == "account":
        return AccountRecords.from_columns({
            "system": [draw["system"]], "source_id": [f"A{n}"], "name": [f"Firm {draw['word']}"],
            "domain": [f"{draw['word']}.example"], "employees": [float(n)]})  # fmt: skip
    return ContactRecords.from_columns({
        "system": [draw["system"]], "source_id": [f"C{n}"], "first_name": [draw["word"]],
        "email": [f"{draw['word']}{n}@{draw['domain']}"], "department": [draw["department"]],
        "last_name": ["Lee"], "company": [draw["company"]]})  # fmt: skip


_STEPS = st.lists(
    st.fixed_dictionaries(
        {
            "level": st.sampled_from(["contact", "contact", "account"]),
            "join": st.one_of(st.none(), st.integers(0, 10_000)),
            "system": st.sampled_from(_SYSTEMS),
            "word": st.sampled_from(["ann", "bo", "cy"]),
            "domain": st.sampled_from(["gmail.com", "ann.example", "acme.example"]),
            "department": st.sampled_from(_DEPARTMENTS),
            "company": st.sampled_from([None, "Firm ann", "Acme"]),
        }
    ),
    min_size=1,
    max_size=7,
)


def _frame(table: Any) -> pd.DataFrame:
    return table.to_pandas().astype(object)


def _same(left: Tables, right: Tables) -> None:
    for name in ("accounts", "contacts", "account_records", "contact_records"):
        pd.testing.assert_frame_equal(_frame(getattr(left, name)), _frame(getattr(right, name)))
        assert getattr(left, name).categories == getattr(right, name).categories
    for name in ("account_of_record", "contact_of_record", "account_ids", "contact_ids",
                 "account_keys", "contact_keys"):  # fmt: skip
        assert getattr(left.resolution, name).tolist() == getattr(right.resolution, name).tolist()
    for name in ("account_winners", "contact_winners"):
        mine, theirs = getattr(left, name), getattr(right, name)
        assert mine.keys() == theirs.keys()
        assert all(mine[k].tolist() == theirs[k].tolist() for k in mine)


@settings(max_examples=25, deadline=None)
@given(steps=_STEPS)
def test_adds_into_growing_columns_equal_tables_made_afresh(steps: list[dict[str, Any]]) -> None:
    start = _tables()
    rooms, grown, fresh = Rooms(), start, start
    records_at_start = _frame(start.contact_records)
    snapshot = None
    for n, step in enumerate(steps):
        level = step["level"]
        ids = (grown.resolution.contact_ids if level == "contact"
               else grown.resolution.account_ids)  # fmt: skip
        entity = f"new-{level}-{n}" if step["join"] is None else ids[step["join"] % len(ids)]
        record = _record(level, n, step)
        options = {"entities": [entity], "keys": [f"record:{n}"]}
        grown = with_records(grown, level, record, rooms=rooms, **options)  # type: ignore[arg-type]
        fresh = with_records(fresh, level, record, **options)  # type: ignore[arg-type]
        _same(grown, fresh)
        snapshot = snapshot or (grown, len(grown.contact_records), _frame(grown.contact_records))
    # The records are the tables' records stacked, labels merged as concatenation merges them.
    added = [_record(s["level"], n, s) for n, s in enumerate(steps) if s["level"] == "contact"]
    stacked = ContactRecords.concat([start.contact_records, *added])  # type: ignore[list-item]
    pd.testing.assert_frame_equal(_frame(grown.contact_records), _frame(stacked))
    # Tables handed out before keep their records: rows are written after their end only.
    pd.testing.assert_frame_equal(_frame(start.contact_records), records_at_start)
    assert snapshot is not None
    table, length, frame = snapshot
    assert len(table.contact_records) == length
    pd.testing.assert_frame_equal(_frame(table.contact_records), frame)


@settings(max_examples=50, deadline=None)
@given(
    size=st.integers(0, 12),
    writes=st.lists(
        st.tuples(st.integers(0, 30), st.sampled_from(["Sales", "Zymurgy", None])), max_size=8
    ),
)
def test_a_room_writes_rows_as_concatenation_and_taking_them_would(
    size: int, writes: list[tuple[int, str | None]]
) -> None:
    labels = ["Sales", "Finance", None]
    table = ContactTable.from_columns({
        "id": [f"c{k}" for k in range(size)],
        "department": [labels[k % 3] for k in range(size)]})  # fmt: skip
    room, expected = Room(table), table
    for wanted, department in writes:
        row = min(wanted, len(expected))  # a row held, or the next one
        part = ContactTable.from_columns({"id": [f"w{row}"], "department": [department]})
        got = room.put(np.array([row]), part)
        joined = ContactTable.concat([expected, part])
        order = np.arange(max(len(expected), row + 1))
        order[row] = len(expected)
        expected = joined.take(order)
        pd.testing.assert_frame_equal(_frame(got), _frame(expected))
        assert got.categories == expected.categories


@given(st.lists(st.integers(0, 6), max_size=30), st.lists(st.integers(0, 9), max_size=10))
def test_members_are_the_records_of_each_entity(start: list[int], added: list[int]) -> None:
    members = Members(np.array(start, dtype=np.int64))
    assignment = list(start)
    for entity in added:
        members.add(len(assignment), entity)
        assignment.append(entity)
    for wanted in (np.array([e]) for e in range(11)):
        expected = [row for row, entity in enumerate(assignment) if entity == wanted[0]]
        assert members.of(wanted).tolist() == expected


def test_a_buffer_hands_out_views_that_later_items_do_not_change() -> None:
    buffer = Buffer(np.array(["a"], dtype=object))
    views = [buffer.view]
    views += [buffer.append(item) for item in "bcdefghijklmnopqrstuvwxyz0123456789"]
    assert [len(view) for view in views] == list(range(1, 37))
    assert views[5].tolist() == list("abcdef")
    assert not views[-1].flags.writeable


def test_a_row_lookup_grows_with_new_ids_at_the_end() -> None:
    ids = np.array(["a", "b"], dtype=object)
    lookup = RowLookup(ids).grown(np.array(["a", "b", "c"], dtype=object))
    assert lookup.get_indexer(pd.Index(["c", "a", "z"])).tolist() == [2, 0, -1]
    assert "c" in lookup
    assert "z" not in lookup
    assert len(lookup) == 3
    again = lookup.grown(np.array(["x", "y"], dtype=object))  # not grown at the end
    assert again is not lookup
    assert again.get_indexer(pd.Index(["y"])).tolist() == [1]


_TITLES = ["VP Sales", "CFO", "Sr. Software Engineer", "Leiterin Vertrieb", "Intern", "",
           "  ", None, float("nan"), "Head of People", "Directrice Générale", "Owner"]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_TITLES), max_size=FEW_TITLES))
def test_the_titles_of_one_entity_read_one_by_one_as_in_a_frame(titles: list[object]) -> None:
    array = np.array(titles, dtype=object)
    few = _readings(array, DEFAULT_TITLE_RULES)
    with mock.patch("customer_understanding.base._titles.FEW_TITLES", -1):
        many = _readings(array, DEFAULT_TITLE_RULES)
    assert few.keys() == many.keys()
    for name, values in few.items():
        assert values.dtype == many[name].dtype
        np.testing.assert_array_equal(values, many[name])
