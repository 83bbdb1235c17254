"""Load exports from CSV files, as they come out of each system, and read the load report.

The sample world's exports are written to a temporary folder first, so the example runs
anywhere; point the paths at your own exports to load those instead.
"""

import tempfile
from pathlib import Path

from customer_understanding import CustomerBase
from customer_understanding.datasets import generate_world
from customer_understanding.ingest import Source, load

world = generate_world(accounts=40, interactions=8_000, seed=7)

with tempfile.TemporaryDirectory() as folder:
    sources = []
    for name, frame in world.sources.items():
        path = Path(folder) / f"{name}.csv"
        frame.to_csv(path, index=False)
        sources.append(Source(name=path.name, data=path, mapping=name))
    loaded = load(sources, policy="lenient")

report = loaded.report
print(report.to_pandas().to_string(index=False))
print(f"{report.rows} rows: {report.loaded} loaded + {report.rejected} rejected")
assert report.loaded + report.rejected == report.rows
print(report.problems_to_pandas().head(10).to_string(index=False))

base = CustomerBase.build(loaded)
print(base.summary())
