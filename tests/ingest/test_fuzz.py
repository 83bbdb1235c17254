"""Fuzzing ingestion over every preset: only the library's errors, and every row accounted for.

The default run tries a few hundred tables; ``make fuzz`` runs thousands (it sets
``CU_FUZZ_EXAMPLES``).
"""

import math
import os
from pathlib import Path

import hypothesis.strategies as st
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

from customer_understanding import CustomerBase, CustomerUnderstandingError, IngestError
from customer_understanding.ingest import Source, get_preset, load, load_source, preset_names

EXAMPLES = int(os.environ.get("CU_FUZZ_EXAMPLES", "12"))
SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=SLOW)

_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
_LIKELY = st.sampled_from([
    "ann@beta.io", "Bob@Acme.COM", "not-an-email", "2026-01-05", "2026-01-05T10:00:00Z",
    "31/02/2026", "yesterday", "12000", "-5", "1e309", "TBD", "true", "no", "p1", "solved",
    "Closed Won", "Prospecting", "Decision Maker", "VP Sales", "page_view", "ticket",
    "https://www.beta.io/", "beta.io", "+1 415 555 0100", "0", "1.0", "", " ", "N/A",
    '{"plan": "pro"}', "{not json", "001A", "003B",
])  # fmt: skip
_ODD = st.one_of(
    st.none(), st.just(float("nan")), st.just(math.inf), st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(),
                                                         max_size=2),
)  # fmt: skip
_CELL = st.one_of(_LIKELY, _TEXT, _ODD)
_TEXT_CELL = st.one_of(_LIKELY, _TEXT.filter(lambda t: "\x00" not in t and "\r" not in t))


def _columns(preset: str) -> list[str]:
    return list(get_preset(preset).columns())


@st.composite
def _table(draw: st.DrawFn, preset: str, cell: st.SearchStrategy[object]) -> pd.DataFrame:
    columns = _columns(preset)
    kept = draw(st.lists(st.sampled_from(columns), unique=True, min_size=0,
                         max_size=len(columns)))  # fmt: skip
    extra = draw(st.lists(st.sampled_from(["Notes", "x", "Owner"]), unique=True, max_size=2))
    rows = draw(st.integers(min_value=0, max_value=6))
    data = {name: [draw(cell) for _ in range(rows)] for name in [*kept, *extra]}
    return pd.DataFrame(data, dtype=object)


def _check_report(loaded_report: object, rows: int) -> None:
    report = loaded_report
    assert report.balanced  # type: ignore[attr-defined]
    assert report.rows == rows  # type: ignore[attr-defined]


@pytest.mark.parametrize("preset", preset_names())
@FUZZ
@given(data=st.data())
def test_any_table_loads_or_fails_with_a_library_error(preset: str, data: st.DataObject) -> None:
    frame = data.draw(_table(preset, _CELL))
    for policy in ("strict", "lenient"):
        try:
            loaded = load_source(Source(name="fuzz", data=frame, mapping=preset), policy=policy)
        except IngestError:
            continue
        _check_report(loaded.report, len(frame))


@pytest.mark.parametrize("preset", preset_names())
@FUZZ
@given(data=st.data())
def test_csv_and_dataframe_paths_agree(preset: str, data: st.DataObject, tmp_path_factory:
                                       pytest.TempPathFactory) -> None:  # fmt: skip
    frame = data.draw(_table(preset, _TEXT_CELL))
    if frame.shape[1] == 0:
        return
    path = Path(tmp_path_factory.mktemp("fuzz")) / "table.csv"
    frame.to_csv(path, index=False)
    outcomes = []
    for source_data in (frame.astype(object).where(frame.map(lambda v: str(v).strip() != ""),
                                                   None), path):  # fmt: skip
        try:
            loaded = load_source(Source(name="fuzz", data=source_data, mapping=preset,
                                        delimiter=","), policy="lenient")  # fmt: skip
        except IngestError as error:
            outcomes.append(("error", sorted(p.reason for p in error.problems)))
            continue
        table = loaded.table.to_pandas()
        outcomes.append(("loaded", loaded.report.rejected_rows, table.to_dict("list")))
    assert _same(outcomes[0], outcomes[1])


def _same(left: object, right: object) -> bool:
    if isinstance(left, float) and isinstance(right, float):
        return (math.isnan(left) and math.isnan(right)) or left == right
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_same(left[k], right[k]) for k in left)
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return len(left) == len(right) and all(
            _same(a, b) for a, b in zip(left, right, strict=True)
        )
    if left is pd.NaT and right is pd.NaT:
        return True
    return bool(left == right)


_PEOPLE = ["salesforce.Contact", "hubspot.contacts", "zendesk.users", "salesforce.Lead"]
_FIRMS = ["salesforce.Account", "hubspot.companies", "zendesk.organizations"]
_ACTIVITY = ["salesforce.Task", "zendesk.tickets", "product.events", "web.visits",
             "salesforce.Opportunity", "salesforce.OpportunityContactRole"]  # fmt: skip


@FUZZ
@given(data=st.data())
def test_any_lenient_load_builds_a_customer_base(data: st.DataObject) -> None:
    presets = data.draw(st.lists(st.sampled_from(_PEOPLE + _FIRMS + _ACTIVITY), min_size=1,
                                 max_size=4, unique=True))  # fmt: skip
    sources = [Source(name=name, data=data.draw(_table(name, _CELL)), mapping=name)
               for name in presets]  # fmt: skip
    try:
        loaded = load(sources, policy="lenient")
    except (IngestError, ExceptionGroup):
        return
    try:
        base = CustomerBase.build(loaded)
    except CustomerUnderstandingError:
        return
    assert len(base.contacts) <= sum(len(s.table) for s in loaded.sources)
    assert np.all(base.tables.interactions.column("occurred_at") != np.iinfo(np.int64).min)
