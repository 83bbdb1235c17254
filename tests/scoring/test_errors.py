"""Every bad argument of the engagement scorer and the score results is a named library error."""

import pytest

from customer_understanding import CustomerUnderstandingError
from customer_understanding.scoring import EngagementScorer, Reasons, ScoreTable

_REASONS = {"row": [0], "signal": [0], "signals": ("x",), "value": [1], "weight": [1], "decay": [1],
                "contribution": [1]}  # fmt: skip
_TABLE = {"scorer": "x", "level": "account", "as_of": "2026-06-01", "ids": ["a"], "score": [1.0],
              "grade": [-1], "grades": ()}  # fmt: skip

CASES = [
    (EngagementScorer, {"level": "deal"}, "level"),
    (EngagementScorer, {"level": ["account"]}, "level"),
    (EngagementScorer, {"points": "demo"}, "points"),
    (EngagementScorer, {"points": {"demo": "many"}}, "points"),
    (EngagementScorer, {"points": {"demo": float("nan")}}, "points"),
    (EngagementScorer, {"points": {"demo": 0.0}}, "points"),
    (EngagementScorer, {"half_life_days": -1}, "half_life_days"),
    (EngagementScorer, {"half_life_days": "long"}, "half_life_days"),
    (EngagementScorer, {"window_days": 0}, "window_days"),
    (EngagementScorer, {"caps": {"page_view": 0}}, "caps"),
    (EngagementScorer, {"caps": 5}, "caps"),
    (EngagementScorer, {"cap_period_days": None}, "cap_period_days"),
    (EngagementScorer, {"role_weights": {"champion": "x"}}, "role_weights"),
    (EngagementScorer, {"breadth_points": "x"}, "breadth_points"),
    (EngagementScorer, {"breadth_cap": -1}, "breadth_cap"),
    (EngagementScorer, {"breadth_cap": 2.5}, "breadth_cap"),
    (EngagementScorer, {"bands": "high"}, "bands"),
    (EngagementScorer, {"bands": (1, 2, 3)}, "bands"),
    (Reasons, {**_REASONS, "row": ["first"]}, "row"),
    (Reasons, {**_REASONS, "row": [-1]}, "row"),
    (Reasons, {**_REASONS, "signal": [3]}, "signal"),
    (Reasons, {**_REASONS, "signals": "x"}, "signals"),
    (Reasons, {**_REASONS, "value": ["lots"]}, "value"),
    (Reasons, {**_REASONS, "contribution": 1.0}, "contribution"),
    (Reasons, {**_REASONS, "weight": [1, 2]}, "weight"),
    (ScoreTable, {**_TABLE, "scorer": 3}, "scorer"),
    (ScoreTable, {**_TABLE, "level": "deal"}, "level"),
    (ScoreTable, {**_TABLE, "as_of": "soon"}, "as_of"),
    (ScoreTable, {**_TABLE, "ids": "a"}, "ids"),
    (ScoreTable, {**_TABLE, "score": ["high"]}, "score"),
    (ScoreTable, {**_TABLE, "grade": [0]}, "grade"),
    (ScoreTable, {**_TABLE, "grades": [1, 2]}, "grades"),
    (ScoreTable, {**_TABLE, "reasons": "none"}, "reasons"),
    (ScoreTable, {**_TABLE, "score": [1.0, 2.0]}, "score"),
]  # fmt: skip


IDS = [f"{make.__name__}-{name}-{i}" for i, (make, _, name) in enumerate(CASES)]


@pytest.mark.parametrize(("make", "arguments", "name"), CASES, ids=IDS)
def test_bad_argument_is_a_named_library_error(make, arguments, name):
    with pytest.raises(CustomerUnderstandingError, match=name):
        make(**arguments)


def test_table_methods_refuse_bad_arguments():
    table = ScoreTable(**_TABLE)
    with pytest.raises(CustomerUnderstandingError, match="n=0"):
        table.top(0)
    with pytest.raises(CustomerUnderstandingError, match="n='3'"):
        table.top_reasons("a", n="3")
    with pytest.raises(CustomerUnderstandingError, match="entity_id='b'"):
        table.row_of("b")
