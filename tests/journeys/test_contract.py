"""Every journeys result follows the result contract; every bad argument is a library error."""

import html
from typing import Any

import numpy as np
import pandas as pd
import pytest

import customer_understanding as cu
from customer_understanding import CustomerUnderstandingError
from customer_understanding.journeys import (
    Attribution,
    DealJourneys,
    DormancySpells,
    FirstTouch,
    FullPath,
    Funnel,
    FunnelTable,
    KpiTables,
    LastTouch,
    Linear,
    MarkovRemovalEffect,
    Outcomes,
    Paths,
    PositionBased,
    RemovalEffects,
    ShapleyValue,
    StageHistory,
    StageModel,
    SurvivalCurve,
    TimeDecay,
    Touches,
    WShaped,
    deal_journeys,
    dormancy,
    entry_month_cohorts,
    influence,
    kpi_tables,
    prepare,
    stage_history,
    stage_journeys,
    survival_curve,
)
from customer_understanding.typing import Result
from tests.journeys.test_as_of import BASE

TOUCHES = Touches(journey=[0, 0, 1], at=[1, 2, 3], channel=[0, 1, 1], channels=("ads", "web"))
OUTCOMES = Outcomes(converted=[True, False], value=[10.0, 0.0])
HISTORY = stage_history(BASE)


def _results() -> dict[str, Any]:
    return {
        "Touches": TOUCHES,
        "Outcomes": OUTCOMES,
        "Paths": prepare(TOUCHES, OUTCOMES),
        "Attribution": Linear().attribute(TOUCHES, OUTCOMES),
        "RemovalEffects": MarkovRemovalEffect().fit(TOUCHES, OUTCOMES),
        "SurvivalCurve": survival_curve(np.array([1.0, 2.0]), np.array([1, 0])),
        "StageHistory": HISTORY,
        "FunnelTable": Funnel().measure(HISTORY),
        "DormancySpells": dormancy([0, 0], [0, 90 * 86_400 * 10**9], subjects=1, days=30),
        "DealJourneys": deal_journeys(BASE),
        "KpiTables": kpi_tables(BASE),
    }


RESULTS = _results()
FORBIDDEN = {"id", "contact", "account", "customer_id", "opportunity"}


@pytest.mark.parametrize("name", sorted(RESULTS))
def test_result_contract(name: str) -> None:
    result = RESULTS[name]
    assert isinstance(result, Result)
    frame = result.to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert not FORBIDDEN & set(frame.columns)
    frame["intruder"] = 0  # a caller's change in place never reaches the result
    assert "intruder" not in result.to_pandas().columns
    text = repr(result)
    assert text.startswith(name)
    assert "\n" not in text
    assert len(text) < 200
    assert result._repr_html_().startswith(f"<div><strong>{html.escape(text)}")
    assert len(result) == len(result.to_pandas())


@pytest.mark.parametrize("name", sorted(RESULTS))
def test_results_are_deeply_read_only(name: str) -> None:
    result = RESULTS[name]
    for field in type(result).__attrs_attrs__:
        value = getattr(result, field.name)
        if isinstance(value, np.ndarray):
            assert not value.flags.writeable, field.name
            with pytest.raises(ValueError, match="read-only"):
                value[:1] = 0
        assert not isinstance(value, dict | list), field.name
    for attribute in ("waterfall", "attribution", "influenced"):
        if hasattr(result, attribute):
            table = getattr(result, attribute)
            table["intruder"] = 0  # changed in place
            assert "intruder" not in getattr(result, attribute).columns


def test_ids_name_the_subjects() -> None:
    assert list(RESULTS["StageHistory"].to_pandas().columns[:1]) == ["contact_id"]
    assert RESULTS["DealJourneys"].to_pandas()["opportunity_id"].tolist() == ["objects:o1"]
    accounts = stage_history(BASE, level="account").to_pandas()
    assert accounts["account_id"].tolist()[:1] == ["a1"]


# -- every bad argument is a library error naming the argument -----------------------

BAD_CONSTRUCTIONS = [
    (Touches, {"journey": "x", "at": [1], "channel": [0], "channels": ("a",)}, "journey="),
    (Touches, {"journey": [0], "at": [1], "channel": [0], "channels": "ab"}, "channels="),
    (Touches, {"journey": [0], "at": [1], "channel": [5], "channels": ("a",)}, "channel"),
    (Outcomes, {"converted": 5}, "converted="),
    (Outcomes, {"converted": [True], "value": ["a"]}, "value="),
    (Outcomes, {"converted": [True], "at": [1, 2]}, "at has 2 rows"),
    (
        Paths,
        {
            "rows": "x",
            "journey": [],
            "at": [],
            "channel": [],
            "position": [],
            "length": [],
            "first": [0],
            "channels": (),
            "excluded": 0,
        },
        "rows=",
    ),
    (
        Paths,
        {
            "rows": [],
            "journey": [],
            "at": [],
            "channel": [],
            "position": [],
            "length": [],
            "first": [0],
            "channels": (),
            "excluded": -1,
        },
        "excluded=-1",
    ),
    (
        Attribution,
        {"method": "m", "channels": ("a",), "credit": ["x"], "journey": [0], "channel": [0]},
        "credit=",
    ),
    (
        Attribution,
        {
            "method": "m",
            "channels": ("a",),
            "credit": [1.0],
            "journey": [0],
            "channel": [0],
            "unattributed_value": "lots",
        },
        "unattributed_value=",
    ),
    (
        RemovalEffects,
        {
            "channels": ("a",),
            "counts": [1, 2],
            "conversion_probability": 0.5,
            "removal_effects": [1.0],
        },
        "counts=",
    ),
    (
        RemovalEffects,
        {
            "channels": ("a",),
            "counts": np.zeros((4, 4)),
            "conversion_probability": 2.0,
            "removal_effects": [1.0],
        },
        "conversion_probability=2.0",
    ),
    (
        SurvivalCurve,
        {"times": [1.0], "survival": "x", "km_event": [0.0], "incidence": [0.0]},
        "survival=",
    ),
    (StageModel, {"stages": 5, "waterfall": ()}, "stages=5"),
    (StageModel, {"stages": ("a",), "waterfall": ("b",)}, "stage='b'"),
    (StageHistory, {"subject": [0], "stage": [0], "at": [0], "subjects": "many"}, "subjects="),
    (
        StageHistory,
        {"subject": [0], "stage": [0], "at": [0], "subjects": 1, "level": "deal"},
        "level='deal'",
    ),
    (StageHistory, {"subject": [3], "stage": [0], "at": [0], "subjects": 1}, "subject[0]=3"),
    (FunnelTable, {"frame": [1, 2], "as_of": "2026-06-01"}, "frame="),
    (FunnelTable, {"frame": pd.DataFrame(), "as_of": "soon"}, "as_of='soon'"),
    (
        DormancySpells,
        {"subject": [0], "dormant_at": [0], "reactivated_at": [0], "as_of": "x"},
        "as_of='x'",
    ),
    (
        DealJourneys,
        {"touches": 5, "outcomes": OUTCOMES, "interaction": [], "amount": [], "as_of": 0},
        "touches",
    ),
    (
        DealJourneys,
        {
            "touches": TOUCHES,
            "outcomes": OUTCOMES,
            "interaction": [1, 2, 3],
            "amount": [1.0],
            "as_of": 0,
        },
        "amount has 1 values",
    ),
    (
        KpiTables,
        {
            "waterfall": {},
            "attribution": pd.DataFrame(),
            "influenced": pd.DataFrame(),
            "unattributed_revenue": 0.0,
            "as_of": 0,
        },
        "waterfall=",
    ),
    (Funnel, {"steps": ("mql",)}, "steps="),
    (Funnel, {"horizon_days": "long"}, "horizon_days='long'"),
    (FirstTouch, {"after_outcome": "keep"}, "after_outcome='keep'"),
    (LastTouch, {"after_outcome": None}, "after_outcome=None"),
    (Linear, {"after_outcome": "x"}, "after_outcome='x'"),
    (TimeDecay, {"half_life_days": "week"}, "half_life_days='week'"),
    (TimeDecay, {"half_life_days": 0}, "half_life_days=0"),
    (PositionBased, {"first": "x"}, "first='x'"),
    (PositionBased, {"first": 0.7, "last": 0.7}, "add up to at most 1"),
    (WShaped, {"milestone_share": 2}, "milestone_share=2"),
    (FullPath, {"milestone_share": -0.1}, "milestone_share=-0.1"),
    (MarkovRemovalEffect, {"order": "2"}, "order='2'"),
    (ShapleyValue, {"max_channels": "many"}, "max_channels='many'"),
]


@pytest.mark.parametrize(("cls", "arguments", "named"), BAD_CONSTRUCTIONS)
def test_bad_construction_is_a_library_error(
    cls: Any, arguments: dict[str, Any], named: str
) -> None:
    with pytest.raises(CustomerUnderstandingError, match=named.replace("[", r"\[")):
        cls(**arguments)


BAD_CALLS = [
    (lambda: kpi_tables(BASE, as_of="soon"), "as_of='soon'"),
    (lambda: kpi_tables(BASE, as_of="2020-01-01"), "before the first event"),
    (lambda: kpi_tables(BASE, channel="medium"), "channel='medium'"),  # type: ignore[arg-type]
    (lambda: kpi_tables(BASE, funnel="all"), "funnel='all'"),  # type: ignore[arg-type]
    (lambda: kpi_tables(BASE, methods=[5]), "methods"),  # type: ignore[list-item]
    (lambda: deal_journeys(BASE, as_of=3.5), "as_of=3.5"),  # type: ignore[arg-type]
    (lambda: deal_journeys(BASE, lookback_days="long"), "lookback_days='long'"),  # type: ignore[arg-type]
    (lambda: deal_journeys(BASE, lookback_days=-1), "lookback_days=-1"),
    (lambda: stage_history(BASE, level="deal"), "level='deal'"),  # type: ignore[arg-type]
    (lambda: stage_history(BASE, on_backwards="keep"), "on_backwards='keep'"),  # type: ignore[arg-type]
    (lambda: stage_history(BASE, model="default"), "model='default'"),  # type: ignore[arg-type]
    (lambda: stage_journeys(BASE, HISTORY, lookback_days=0), "lookback_days=0"),
    (lambda: stage_journeys(BASE, HISTORY, stage="nope"), "stage='nope'"),
    (lambda: stage_journeys(BASE, "history"), "history='history'"),  # type: ignore[arg-type]
    (lambda: entry_month_cohorts(HISTORY, stage="nope"), "stage='nope'"),
    (lambda: Funnel().measure(HISTORY, as_of="soon"), "as_of='soon'"),
    (lambda: Funnel().measure(HISTORY, as_of="2020-01-01"), "before the first event"),
    (lambda: Funnel().measure(HISTORY, value=[1.0, 2.0, 3.0]), "value has 3"),
    (lambda: Funnel().measure(HISTORY, cohort=5), "cohort=5"),
    (lambda: dormancy([0], [0], subjects=1, days="x"), "days='x'"),  # type: ignore[arg-type]
    (lambda: dormancy([0], [0], subjects=-1, days=1), "subjects=-1"),
    (lambda: dormancy([0], [5], subjects=1, days=1, as_of=1), "before the first event"),
    (lambda: dormancy([0], [0], subjects=1, days=1, as_of=[1]), "as_of=[1]"),  # type: ignore[arg-type]
    (lambda: dormancy("x", [0], subjects=1, days=1), "subject='x'"),
    (lambda: influence(TOUCHES, np.array([1.0])), "value has 1"),
    (lambda: survival_curve(np.array(["a"]), np.array([1])), "duration="),
    (lambda: survival_curve(np.array([1.0]), np.array([7])), "cause"),
    (lambda: prepare(TOUCHES, OUTCOMES, after_outcome="x"), "after_outcome='x'"),  # type: ignore[arg-type]
    (lambda: HISTORY.first_entry("nope"), "stage='nope'"),
    (lambda: HISTORY.journey("0", subject_id="c"), "subject='0'"),  # type: ignore[arg-type]
    (lambda: RESULTS["DormancySpells"].currently_dormant("x"), "subjects='x'"),
]


@pytest.mark.parametrize(("call", "named"), BAD_CALLS)
def test_bad_call_is_a_library_error(call: Any, named: str) -> None:
    with pytest.raises(CustomerUnderstandingError, match=named.replace("[", r"\[")):
        call()


def test_attributors_keep_their_method() -> None:
    for method in (
        FirstTouch(),
        LastTouch(),
        Linear(),
        TimeDecay(),
        PositionBased(),
        WShaped(),
        FullPath(),
        MarkovRemovalEffect(),
        ShapleyValue(),
    ):
        result = method.attribute(TOUCHES, OUTCOMES)
        assert isinstance(result, Attribution)
        assert result.method == method.name
    assert cu.InvalidValueError  # the errors are the library's own
