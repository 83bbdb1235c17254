"""Facts every other area relies on: the sample world loads and builds without losing rows."""

from __future__ import annotations

from facts_sample_world import Fact

from customer_understanding import CustomerBase
from customer_understanding.datasets import SampleWorld
from customer_understanding.ingest import Loaded


def measure(world: SampleWorld, loaded: Loaded, base: CustomerBase) -> list[Fact]:
    report = loaded.report
    balanced = report.loaded + report.rejected == report.rows
    return [
        Fact("baseline", "rows loaded + rejected = rows read", float(balanced), "1", balanced),
    ]
