"""The canonical row order of event tables: set by the rows' values, not their order."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from customer_understanding.base._order import (
    _sort_key,
    _tied_runs,
    _value_ranks,
    canonical,
    merged_order,
)
from customer_understanding.tables import ConsentTable

_TEXT = st.sampled_from([None, "a", "b", "ann@beta.io", "10", "9", "Ä"])
_ROW = st.fixed_dictionaries({
    "system": st.sampled_from(["hubspot", "salesforce", None]),
    "source_id": _TEXT, "email": _TEXT,
    "status": st.sampled_from(["granted", "denied"]),
    "at": st.sampled_from([None, 0, 5, 10**18]),
})  # fmt: skip


def _table(rows: list[dict[str, object]]) -> ConsentTable:
    at = np.array([np.iinfo(np.int64).min if r["at"] is None else r["at"] for r in rows])
    columns = {name: [r[name] for r in rows] for name in ("system", "source_id", "email")}
    return ConsentTable.from_columns({**columns, "at": at, "purpose": ["marketing"] * len(rows),
                                      "status": [r["status"] for r in rows]})  # fmt: skip


def _texts(table: ConsentTable) -> list[tuple[str, ...]]:
    """Each row's values as text, in the table's order."""
    names = table.SCHEMA.names
    return [tuple(str(table.labels(n)[i]) for n in names) for i in range(len(table))]


@settings(max_examples=60, deadline=None)
@given(st.lists(_ROW, min_size=0, max_size=30), st.randoms(use_true_random=False))
def test_canonical_order_does_not_depend_on_the_input_order(rows, random) -> None:  # type: ignore[no-untyped-def]
    keys = ("at", "system", "status")
    shuffled = list(rows)
    random.shuffle(shuffled)
    first, second = canonical(_table(rows), keys), canonical(_table(shuffled), keys)
    assert _texts(first) == _texts(second)
    # sorted on the keys; rows tied on them are ordered by their values (ids first)
    at = first.column("at")
    assert (at[1:] >= at[:-1]).all()
    ids = first.labels("source_id")
    tied = (at[1:] == at[:-1]) & (first.column("system")[1:] == first.column("system")[:-1])
    tied &= first.column("status")[1:] == first.column("status")[:-1]
    for i in np.flatnonzero(tied):
        if ids[i] is not None and ids[i + 1] is not None:
            assert ids[i] <= ids[i + 1]


def _every_column(table: ConsentTable, keys: tuple[str, ...]) -> ConsentTable:
    """The canonical order as first written: tied rows ranked on every column at once."""
    columns = [_sort_key(table, name) for name in keys]
    order = np.lexsort(columns[::-1])
    runs = _tied_runs(columns, order)
    tied = np.bincount(runs)[runs] > 1
    if tied.any():
        rows = order[tied]
        ranks = [_value_ranks(table, name, rows) for name in table.SCHEMA.names]
        order[tied] = rows[np.lexsort([*ranks[::-1], runs[tied]])]
    return table.take(order)


_FEW = st.fixed_dictionaries({
    "system": st.sampled_from(["hubspot", None]), "source_id": st.sampled_from([None, "a", "b"]),
    "email": _TEXT, "status": st.sampled_from(["granted", "denied"]),
    "at": st.sampled_from([None, 5]),
})  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_ROW, _FEW), min_size=2, max_size=40))
def test_ranking_tied_rows_column_by_column_gives_the_order_of_every_column(rows) -> None:  # type: ignore[no-untyped-def]
    table = _table(rows)
    for keys in (("at", "system", "status"), ("at",), ("status",)):
        mine, plain = canonical(table, keys), _every_column(table, keys)
        assert _texts(mine) == _texts(plain)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_ROW, _FEW), min_size=0, max_size=40),
       st.lists(st.one_of(_ROW, _FEW), min_size=0, max_size=12))  # fmt: skip
def test_new_rows_merged_into_a_canonical_table_give_its_canonical_order(stored, new) -> None:  # type: ignore[no-untyped-def]
    for keys in (("at", "system", "status"), ("at",), ("status",)):
        head = canonical(_table(stored), keys)
        both = ConsentTable.concat([head, _table(new)])
        merged = both.take(merged_order(both, len(head), keys))
        assert _texts(merged) == _texts(canonical(both, keys))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.one_of(_ROW, _FEW), st.booleans()), min_size=0, max_size=40),
       st.lists(st.one_of(_ROW, _FEW), min_size=0, max_size=12))  # fmt: skip
def test_stored_rows_dropped_by_an_update_are_left_out_of_the_merged_order(stored, new) -> None:  # type: ignore[no-untyped-def]
    keys = ("at", "system", "status")
    head = canonical(_table([row for row, _ in stored]), keys)
    dropped = np.array([gone for _, gone in stored], dtype=bool)  # any stored row may go
    both = ConsentTable.concat([head, _table(new)])
    order = merged_order(both, len(head), keys, dropped=dropped)
    kept = np.concatenate([np.flatnonzero(~dropped), np.arange(len(head), len(both))])
    assert sorted(order.tolist()) == kept.tolist()
    assert _texts(both.take(order)) == _texts(canonical(both.take(kept), keys))


def test_rows_merged_on_float_keys_put_missing_numbers_last() -> None:
    from customer_understanding.tables import InteractionTable

    stored = InteractionTable.from_columns({"satisfaction": [3.0, 1.0, np.nan, 2.0],
                                            "source_id": ["c", "a", "d", "b"]})  # fmt: skip
    head = canonical(stored, ("satisfaction",))
    both = InteractionTable.concat([head, InteractionTable.from_columns(
        {"satisfaction": [np.nan, 1.5, 1.0], "source_id": ["e", "f", "0"]})])  # fmt: skip
    order = merged_order(both, len(head), ("satisfaction",))
    assert both.take(order).column("source_id").tolist() == ["0", "a", "f", "b", "c", "d", "e"]


_EVENT = st.fixed_dictionaries({
    "type": st.sampled_from(["email_open", "ticket", None]),
    "subject": _TEXT,
    "satisfaction": st.sampled_from([np.nan, 0.0, 0.5, 1.0]),
    "quantity": st.sampled_from([np.nan, -1.0, 2.0]),
    "occurred_at": st.sampled_from([0, 7]),
})  # fmt: skip


def _events(rows: list[dict[str, object]]):  # type: ignore[no-untyped-def]
    from customer_understanding.tables import InteractionTable

    names = ("type", "subject", "satisfaction", "quantity", "occurred_at")
    return InteractionTable.from_columns(
        {name: np.array([r[name] for r in rows], dtype=object if name in ("type", "subject")
                        else float if name in ("satisfaction", "quantity") else np.int64)
         for name in names}, length=len(rows))  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(_EVENT, min_size=1, max_size=40), st.lists(_EVENT, min_size=1, max_size=12))
def test_new_rows_tied_on_the_keys_are_placed_by_every_column(stored, new) -> None:  # type: ignore[no-untyped-def]
    from customer_understanding.tables import InteractionTable

    keys = ("occurred_at",)  # runs tie on it; the float columns decide among the rest
    head = canonical(_events(stored), keys)
    both = InteractionTable.concat([head, _events(new)])
    merged = both.take(merged_order(both, len(head), keys))
    assert _texts(merged) == _texts(canonical(both, keys))


def test_texts_that_do_not_compare_are_placed_as_a_sort_places_them() -> None:
    from customer_understanding.tables import InteractionTable

    stored = InteractionTable.from_columns(
        {"occurred_at": np.zeros(3, dtype=np.int64),
         "subject": np.array(["b", 3, "a"], dtype=object)})  # fmt: skip
    head = canonical(stored, ("occurred_at",))
    new = {"occurred_at": np.zeros(2, dtype=np.int64), "subject": np.array([2, "ab"], dtype=object)}
    both = InteractionTable.concat([head, InteractionTable.from_columns(new)])
    merged = both.take(merged_order(both, len(head), ("occurred_at",)))
    assert _texts(merged) == _texts(canonical(both, ("occurred_at",)))
