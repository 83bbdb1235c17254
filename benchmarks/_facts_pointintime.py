"""Point in time: every trait as of T on all the data equals the trait on the exports cut at T.

For a few moments T the world's exports are cut as they would have been exported at T
(``SampleWorld.cut``), loaded and built the way the full base was, and every standard
trait is compared entity by entity (``testing.compare_as_of``: entities standing on the
same footing in both bases). Golden record fields (name, industry, employees, title …)
get a line of their own: they read the golden record as it stood at T, so a record made
after T must not win one.
"""

from __future__ import annotations

from datetime import timedelta

from facts_sample_world import Fact

from customer_understanding import CustomerBase
from customer_understanding.datasets import SampleWorld
from customer_understanding.identity import ProbabilisticResolver
from customer_understanding.ingest import Loaded, load
from customer_understanding.testing import compare_as_of
from customer_understanding.traits import RecordField, standard_traits

_AREA = "pointintime"
_BACK_DAYS = (200, 45)


def _moment(world: SampleWorld, days: int) -> str:
    return (world.end - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _facts_at(world: SampleWorld, base: CustomerBase, moment: str) -> list[Fact]:
    cut = CustomerBase.build(load(world.cut(as_of=moment).as_sources(), policy="lenient"),
                             resolver=ProbabilisticResolver())  # fmt: skip
    table = compare_as_of(base, cut, as_of=moment)
    golden = {name for name, trait in standard_traits().items() if isinstance(trait, RecordField)}
    golden |= {"new_senior_contacts_30d"}  # reads the golden seniority
    differs = table[table["differing"] > 0]
    fields = differs[differs["trait"].isin(golden)]
    day = moment[:10]
    compared = table.groupby("level")["compared"].max()
    facts = [
        Fact(_AREA, f"{day}: accounts / contacts compared", float(compared.get("account", 0)),
             f"contacts {int(compared.get('contact', 0))}", bool(compared.min() > 0)),
        Fact(_AREA, f"{day}: traits differing, as-of vs cut base",
             float(differs["trait"].nunique()), "0", differs.empty),
        Fact(_AREA, f"{day}: of them golden record fields", float(fields["trait"].nunique()),
             "0", fields.empty),
    ]  # fmt: skip
    for row in differs.itertuples():
        share = f"{row.differing}/{row.compared}"
        facts.append(Fact(_AREA, f"  differs: {row.trait} ({row.level}, {share})"[:62],
                          float(row.differing), "0", False))  # fmt: skip
    return facts


def measure(world: SampleWorld, loaded: Loaded, base: CustomerBase) -> list[Fact]:
    facts: list[Fact] = []
    for days in _BACK_DAYS:
        facts += _facts_at(world, base, _moment(world, days))
    return facts
