"""Every preset against the sample world's exports, which follow each system's own shape."""

import numpy as np
import pytest

from customer_understanding.datasets import SampleWorld, generate_world
from customer_understanding.ingest import PRESETS, Source, load, load_source, preset_names


@pytest.fixture(scope="module")
def clean() -> SampleWorld:
    return generate_world(accounts=40, interactions=6_000, seed=11, defects=False)


@pytest.fixture(scope="module")
def messy() -> SampleWorld:
    return generate_world(accounts=40, interactions=6_000, seed=12, defects=True)


def test_the_world_covers_every_preset(clean: SampleWorld) -> None:
    assert set(clean.sources) == set(preset_names())


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_each_clean_export_loads_without_problems(clean: SampleWorld, name: str) -> None:
    loaded = load_source(Source(name=name, data=clean.sources[name], mapping=name))
    assert loaded.report.loaded == len(clean.sources[name])
    assert len(loaded.table) == len(clean.sources[name])


def test_lenient_load_reports_exactly_the_broken_rows(messy: SampleWorld) -> None:
    loaded = load(messy.as_sources(), policy="lenient")
    for report in loaded.report.sources:
        assert report.balanced, report.source
    defects = messy.truth.defects

    # A repeated id is one problem, whichever of its rows is rejected: compare by id.
    def where(source: str, row: int, kind: str, value: object) -> tuple[str, object]:
        return (source, ("id", str(value))) if kind == "duplicate_id" else (source, row)

    expected = {where(s, int(r), k, v) for s, r, k, v in
                zip(defects["source"], defects["row"], defects["kind"], defects["value"],
                    strict=True)}  # fmt: skip
    reported = {where(p.source, p.row, "duplicate_id" if p.reason.startswith("duplicate id")
                      else "", p.value)
                for p in loaded.report.problems if p.row is not None}  # fmt: skip
    assert reported == expected
    assert len(expected) > 0


def test_strict_load_of_a_broken_export_names_every_broken_cell(messy: SampleWorld) -> None:
    defects = messy.truth.defects
    name = str(defects["source"].iloc[0])
    with pytest.raises(Exception) as caught:  # noqa: PT011 - the error type is checked below
        load_source(Source(name=name, data=messy.sources[name], mapping=name))
    error = caught.value
    assert type(error).__name__ == "IngestError"
    mine = defects[defects["source"] == name]
    found = {(p.row, p.column) for p in error.problems}  # type: ignore[attr-defined]
    assert {(int(r), c) for r, c in zip(mine["row"], mine["column"], strict=True)} <= found


def test_interaction_types_land_in_the_right_disciplines(clean: SampleWorld) -> None:
    loaded = load(clean.as_sources())
    for source in loaded.sources:
        if source.mapping.target != "interaction":
            continue
        disciplines = set(source.table.labels("discipline").tolist())
        assert disciplines == {source.mapping.constants["discipline"]}, source.source
        assert not np.any(source.table.column("occurred_at") == np.iinfo(np.int64).min)
