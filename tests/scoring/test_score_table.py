"""Score tables follow the result contract."""

import pickle

import numpy as np
import pytest

from customer_understanding.scoring import EngagementScorer, ScoreTable
from customer_understanding.typing import Moment, Result


@pytest.fixture(scope="module")
def table(world_base):
    return EngagementScorer(level="account").score(world_base, as_of="2026-06-01")


def test_repr_is_one_compact_line(table):
    assert repr(table) == (f"ScoreTable: {len(table)} rows, as of 2026-06-01T00:00:00Z, "
                           "scorer=engagement, level=account")  # fmt: skip
    assert repr(table.reasons).startswith(f"Reasons: {len(table.reasons)} rows")


def test_html_has_the_header_and_a_few_rows(table):
    html = table._repr_html_()
    assert html.startswith(f"<div><strong>{table!r}</strong>")
    assert len(html) < 5_000
    assert isinstance(table, Result)


def test_as_of_is_a_moment(table):
    assert isinstance(table.as_of, Moment)
    assert table.as_of.isoformat() == "2026-06-01T00:00:00Z"


def test_frames_name_ids_by_level(table, world_base):
    assert table.to_pandas().columns.tolist() == ["account_id", "score", "grade"]
    assert table.reasons_frame().columns[0] == "account_id"
    contacts = EngagementScorer().score(world_base, as_of="2026-06-01")
    assert contacts.to_pandas().columns[0] == "contact_id"


def test_arrays_are_read_only_and_frames_are_copies(table):
    for array in (table.ids, table.score, table.grade, table.reasons.row,
                  table.reasons.contribution):  # fmt: skip
        with pytest.raises(ValueError, match="read-only"):
            array[:1] = array[:1]
    frame = table.to_pandas()
    frame.loc[0, "score"] = -1e9
    assert table.score[0] != -1e9


def test_equal_tables_compare_equal_and_survive_pickling(table):
    assert pickle.loads(pickle.dumps(table)) == table
    other = ScoreTable(scorer=table.scorer, level=table.level, as_of=table.as_of, ids=table.ids,
                       score=table.score + 1, grade=table.grade, grades=table.grades,
                       reasons=table.reasons)  # fmt: skip
    assert other != table
    assert np.array_equal(table.score + 1, other.score)
