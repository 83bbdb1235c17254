from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from customer_understanding import InvalidValueError, UnknownNameError
from customer_understanding.tables import (
    NAT,
    ContactRecords,
    InteractionTable,
    encode,
    from_nanos,
    to_nanos,
)


def _interactions() -> InteractionTable:
    return InteractionTable.from_columns(
        {
            "system": ["crm", "web", "crm"],
            "source_id": ["1", "2", "3"],
            "occurred_at": [to_nanos(datetime(2026, 1, d, tzinfo=UTC)) for d in (1, 2, 3)],
            "discipline": ["sales", "marketing", None],
            "type": ["call", "page_view", "call"],
            "satisfaction": [np.nan, 0.5, 1.0],
        }
    )


def test_categories_are_coded_as_int32_with_labels() -> None:
    table = _interactions()
    assert table.column("type").dtype == np.int32
    assert table.categories["type"] == ("call", "page_view")
    assert table.labels("discipline").tolist() == ["sales", "marketing", None]


def test_closed_categories_keep_their_full_vocabulary() -> None:
    table = _interactions()
    assert table.categories["discipline"] == ("marketing", "sales", "service", "product")


def test_closed_category_rejects_unknown_labels() -> None:
    with pytest.raises(UnknownNameError, match="'legal'"):
        InteractionTable.from_columns({"discipline": ["legal"]})


def test_omitted_columns_are_filled_with_missing_values() -> None:
    table = _interactions()
    assert (table.column("contact") == -1).all()
    assert table.labels("campaign").tolist() == [None, None, None]
    assert (ContactRecords.empty().column("created_at") == NAT).all()


def test_arrays_are_read_only() -> None:
    with pytest.raises(ValueError, match="read-only"):
        _interactions().column("quantity")[0] = 1.0


def test_columns_of_different_length_are_rejected() -> None:
    with pytest.raises(InvalidValueError, match="differ in length"):
        InteractionTable.from_columns({"type": ["a"], "source_id": ["1", "2"]})


def test_unknown_column_is_rejected() -> None:
    with pytest.raises(UnknownNameError, match="colour"):
        InteractionTable.from_columns({"colour": ["red"]})


def test_pandas_round_trip_keeps_values() -> None:
    table = _interactions()
    frame = table.to_pandas()
    assert str(frame["occurred_at"].dt.tz) == "UTC"
    assert isinstance(frame["type"].dtype, pd.CategoricalDtype)
    again = InteractionTable.from_pandas(frame)
    for name in InteractionTable.SCHEMA.names:
        np.testing.assert_array_equal(again.labels(name), table.labels(name))


def test_from_pandas_reports_an_unreadable_column() -> None:
    frame = pd.DataFrame({"satisfaction": ["high"]})
    with pytest.raises(InvalidValueError, match="'satisfaction' cannot be read as float"):
        InteractionTable.from_pandas(frame)


def test_concat_merges_category_labels() -> None:
    first = InteractionTable.from_columns({"type": ["call"]})
    second = InteractionTable.from_columns({"type": ["webinar", "call"]})
    both = InteractionTable.concat([first, second])
    assert both.labels("type").tolist() == ["call", "webinar", "call"]


def test_take_and_rows_materialise_python_values() -> None:
    rows = list(_interactions().take([1]).rows())
    assert rows[0]["type"] == "page_view"
    assert rows[0]["occurred_at"] == datetime(2026, 1, 2, tzinfo=UTC)
    assert rows[0]["quantity"] is None
    assert rows[0]["contact"] is None


def test_a_slice_takes_rows_as_positions_do_without_copying() -> None:
    table = _interactions()
    sliced, taken = table.take(slice(1, None)), table.take(np.arange(1, len(table)))
    assert sliced.to_pandas().equals(taken.to_pandas())
    assert np.shares_memory(sliced.column("occurred_at"), table.column("occurred_at"))


@given(st.lists(st.one_of(st.none(), st.sampled_from(["a", "b", "zz"]))))
def test_encode_then_decode_is_identity(values: list[str | None]) -> None:
    codes, labels = encode(values)
    decoded = [None if code < 0 else labels[code] for code in codes]
    assert decoded == values


@given(st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1)))
def test_nanos_round_trip(moment: datetime) -> None:
    aware = moment.replace(tzinfo=UTC)
    assert from_nanos(to_nanos(aware)) == aware
