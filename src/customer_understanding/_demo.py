"""The demo pipeline: sample exports in, one shared customer view out, printed as a report."""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO, TypeVar

import pandas as pd

from customer_understanding.base import CustomerBase
from customer_understanding.committee import CommitteeSet, committees
from customer_understanding.datasets import SampleWorld, generate_world
from customer_understanding.identity import ProbabilisticResolver, resolve_exact
from customer_understanding.ingest import LoadReport, load
from customer_understanding.journeys import kpi_tables
from customer_understanding.plugins import get_scorer, get_segmenter
from customer_understanding.scoring import ScoreTable
from customer_understanding.segmentation import Segmentation
from customer_understanding.signals import evaluate_signals
from customer_understanding.views import account_view

__all__ = ["run_demo"]

T = TypeVar("T")
_WIDTH = 100


class _Printer:
    def __init__(self, out: TextIO) -> None:
        self.out = out

    def line(self, text: str = "") -> None:
        print(text, file=self.out)

    def heading(self, text: str) -> None:
        self.line()
        self.line(text)
        self.line("=" * len(text))

    def frame(self, frame: pd.DataFrame) -> None:
        blank = frame.astype(object).where(frame.notna(), "")  # show missing as empty
        with pd.option_context("display.width", _WIDTH, "display.max_colwidth", 40):
            self.line(blank.to_string(index=False))

    @contextmanager
    def step(self, label: str) -> Iterator[None]:
        self.out.write(f"{label} ... ")
        self.out.flush()
        started = time.perf_counter()
        yield
        self.line(f"done in {time.perf_counter() - started:.1f} s")


def _timed(printer: _Printer, label: str, work: Callable[[], T]) -> T:
    with printer.step(label):
        return work()


def run_demo(
    *, accounts: int = 300, interactions: int = 100_000, seed: int = 0, out: TextIO | None = None
) -> CustomerBase:
    """Generate the sample world, load it like real exports, build the base and report on it.

    Parameters
    ----------
    accounts, interactions, seed
        Size and seed of the sample world.
    out
        Where to print; standard output by default.

    Returns
    -------
    CustomerBase
        The customer base the report describes, as reopened from its store. The store
        lives in a temporary folder removed before the demo returns, so the base answers
        from memory; its online matching and event log need a store of your own.

    Examples
    --------
    >>> import io
    >>> base = run_demo(accounts=20, interactions=2_000, out=io.StringIO())
    >>> len(base.accounts) > 0
    True
    """
    printer = _Printer(out or sys.stdout)
    printer.line("customer_understanding demo: one shared view of every customer")
    world = _timed(
        printer,
        f"Generating a sample world ({accounts:,} accounts, {interactions:,} interactions)",
        lambda: generate_world(accounts=accounts, interactions=interactions, seed=seed),
    )
    loaded = _timed(
        printer,
        f"Loading {len(world.sources)} exports through their presets",
        lambda: load(world.as_sources(), policy="lenient"),
    )
    resolver = ProbabilisticResolver()
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as folder:
        store = Path(folder) / "customers.db"
        _timed(printer, "Resolving identities and building the customer base into a store",
               lambda: CustomerBase.build(loaded, resolver=resolver, store=store))  # fmt: skip
        base = _timed(printer, "Reopening the store", lambda: CustomerBase.open(store))
        _report_load(printer, loaded.report)
        _report_base(printer, base, world)
        _report_merges(printer, base, resolver)
        _report_online(printer, base)
    if len(base.interactions):
        found = _timed(
            printer, "Finding every account's buying committee", lambda: committees(base)
        )
        judged = _timed(printer, "Scoring engagement and segmenting", lambda: _judge(base))
        _report_account(printer, base, found, judged)
        _report_signals(printer, base, found)
        _report_scores(printer, base, judged)
        _report_journeys(printer, base)
    return base


def _report_load(printer: _Printer, report: LoadReport) -> None:
    printer.heading("Rows per source")
    printer.frame(report.to_pandas())
    printer.line(
        f"\n{report.rows:,} rows in, {report.loaded:,} loaded, {report.rejected:,} rejected, "
        f"{report.skipped:,} skipped "
        f"({'balanced' if all(s.balanced for s in report.sources) else 'UNBALANCED'})"
    )
    problems = report.problems_to_pandas()
    if len(problems):
        problems["outcome"] = problems["nulled"].map({True: "loaded as missing",
                                                      False: "row rejected"})  # fmt: skip
        printer.heading(f"Problems found (first 8 of {len(problems)})")
        printer.frame(problems[["source", "row", "column", "value", "reason", "outcome"]].head(8))


def _report_base(printer: _Printer, base: CustomerBase, world: SampleWorld) -> None:
    summary = base.summary()
    printer.heading("The customer base")
    true_people = world.truth.people["person_id"].nunique()
    true_companies = world.truth.companies["company_id"].nunique()
    exact = resolve_exact(base.tables.account_records, base.tables.contact_records)
    rows = [
        ("account records -> accounts", f"{summary.account_records:,} -> {summary.accounts:,}",
         f"{true_companies:,} true companies; exact keys alone: {exact.n_accounts:,}"),
        ("contact records -> contacts", f"{summary.contact_records:,} -> {summary.contacts:,}",
         f"{true_people:,} true people; exact keys alone: {exact.n_contacts:,}"),
        ("people in several systems", f"{summary.contacts_in_several_systems:,}", ""),
        ("opportunities", f"{summary.opportunities:,}", ""),
        ("interactions", f"{summary.interactions:,}",
         f"{summary.unattributed_interactions:,} matched to nobody"),
    ]  # fmt: skip
    printer.frame(pd.DataFrame(rows, columns=["", "count", "note"]))
    printer.line()
    by_discipline = pd.Series(summary.interactions_by_discipline, name="interactions")
    printer.frame(by_discipline.rename_axis("discipline").reset_index())
    printer.line(
        "\nExact e-mail and domain agreement is the first pass; the probabilistic engine then"
        "\nlinks records that share no key, on names, phone, company, city and country."
    )


def _report_merges(printer: _Printer, base: CustomerBase, resolver: ProbabilisticResolver) -> None:
    """Show a few people merged without a shared e-mail address, and the evidence."""
    records = base.tables.contact_records
    _, people = resolver.explain(base.tables.account_records, records)
    if people is None:
        return
    pairs = people.pairs()
    left, right = pairs["left_id"].to_numpy(dtype=int), pairs["right_id"].to_numpy(dtype=int)
    email = pd.Series(records.column("email"), dtype=object)
    differs = email.iloc[left].to_numpy() != email.iloc[right].to_numpy()
    systems = records.labels("system")
    shown = pairs[(pairs["band"] == "link") & differs & (systems[left] != systems[right])]
    shown = shown.sort_values("match_weight", ascending=False).head(3)
    printer.heading("Merged without a shared e-mail address, and why")
    for record in shown.to_dict("records"):
        a, b = int(record["left_id"]), int(record["right_id"])
        for row in (a, b):
            name = " ".join(p for p in (records.column("first_name")[row],
                                        records.column("last_name")[row]) if p)  # fmt: skip
            printer.line(f"  {systems[row]:<11} {name or '-':<24} {email.iloc[row] or '-'}")
        steps = people.waterfall(a, b)
        why = ", ".join(f"{c} {w:+.1f}" for c, w in zip(steps["comparison"], steps["weight"],
                                                        strict=True) if w)  # fmt: skip
        printer.line(f"  match weight {record['match_weight']:.1f} "
                     f"(probability {record['match_probability']:.3f}): {why}\n")  # fmt: skip


def _report_online(printer: _Printer, base: CustomerBase) -> None:
    """Match a known person's new lead against the stored graph, then add a newcomer."""
    people = base.to_pandas("contacts").dropna(subset=["email", "first_name", "last_name"])
    people = people[~people["email"].str.startswith(("info@", "team@", "sales@"))]
    if not len(people):
        return
    known = people.iloc[len(people) // 2]
    printer.heading("One new lead, matched online against the stored graph")
    lead = {"Id": "WEB-1", "Email": known["email"].upper(), "FirstName": known["first_name"],
            "LastName": known["last_name"]}  # fmt: skip
    started = time.perf_counter()
    found = base.match(lead, mapping="salesforce.Lead", source="web")
    took = (time.perf_counter() - started) * 1000
    printer.line(f"lead {lead['FirstName']} {lead['LastName']} <{lead['Email']}>: "
                 f"{len(found)} candidate(s) in {took:.0f} ms (index built)")  # fmt: skip
    if found.best is not None:
        steps = found.evidence(found.best)
        why = ", ".join(f"{c} {lv} {w:+.1f}" for c, lv, w in zip(
            steps["comparison"], steps["level"], steps["weight"], strict=True) if w)  # fmt: skip
        printer.line(f"belongs to {found.best} (band {found.bands[0]}, "
                     f"probability {found.match_probability[0]:.4f})\n  {why}")  # fmt: skip
    newcomer = {"Id": "WEB-2", "Email": "noor.vasquez-lind@example.org", "FirstName": "Noor",
                "LastName": "Vasquez-Lind"}  # fmt: skip
    started = time.perf_counter()
    added = base.add(newcomer, mapping="salesforce.Lead", source="web", actor="demo",
                     reason="web form")  # fmt: skip
    took = (time.perf_counter() - started) * 1000
    again = base.match(newcomer, mapping="salesforce.Lead", source="web").best
    printer.line(f"a newcomer, added as {added} in {took:.0f} ms (one transaction);\n"
                 f"  matched again: {again}; the event log's last action: "
                 f"{base.events()['action'].iloc[-1]!r}")  # fmt: skip


def _showcase_account(base: CustomerBase, found: CommitteeSet) -> int:
    """A broadly seen account with the most linked committee, to show everything at once."""
    table = base.interactions
    known = table.column("account") >= 0
    frame = pd.DataFrame(
        {"account": table.column("account")[known], "discipline": table.column("discipline")[known]}
    )
    breadth = frame.drop_duplicates().groupby("account").size()
    volume = frame.groupby("account").size()
    rows = pd.Series(range(len(base.accounts)), index=base.accounts.column("id"))
    links = found.edges.groupby("account_id").size()
    links.index = rows.reindex(links.index).to_numpy()
    ranked = pd.DataFrame({"breadth": breadth, "links": links, "volume": volume}).fillna(0)
    ranked["broad"] = ranked["breadth"] >= 3  # seen by at least three of the four disciplines
    ranked = ranked.sort_values(["broad", "links", "breadth", "volume"], ascending=False)
    return int(ranked.index[0])


def _report_account(
    printer: _Printer, base: CustomerBase, found: CommitteeSet, judged: _Judged
) -> None:
    if not len(base.interactions) or (base.interactions.column("account") < 0).all():
        return
    account_id = str(base.accounts.column("id")[_showcase_account(base, found)])
    scores, segments = judged
    view = account_view(base, account_id, scores={"engagement": scores}, segments=segments)
    printer.heading(f"One account across all four disciplines: {view.account.name}")
    printer.line(view.summary(timeline_rows=12))
    contacts = base.contacts_of(account_id)
    people = pd.DataFrame(
        [(c.name, c.email, ", ".join(sorted({s.system for s in c.sources}))) for c in contacts],
        columns=["name", "email", "systems"],
    )
    printer.line(f"\nIts {len(contacts)} contacts and the systems that know them (first 8):")
    printer.frame(people.head(8))
    counts = view.timeline.groupby("discipline", observed=True).size()
    printer.line(
        "\nInteractions per discipline: " + ", ".join(f"{k} {v}" for k, v in counts.items())
    )


def _report_signals(printer: _Printer, base: CustomerBase, found: CommitteeSet) -> None:
    signals = evaluate_signals(base)
    printer.heading("Committees and signals across all accounts")
    coverage = found.coverage.to_pandas()
    with_members = coverage[coverage["members"] > 0]
    printer.line(f"{len(with_members):,} accounts with known people; median committee coverage "
                 f"{with_members['coverage'].median():.0%}")  # fmt: skip
    gaps = found.coverage.gaps["kind"].value_counts().rename_axis("gap").reset_index()
    printer.frame(gaps)
    printer.line()
    kinds = signals.to_pandas().groupby(["kind", "discipline"], observed=True).size()
    printer.frame(kinds.rename("signals").reset_index())
    printer.line(f"{len(signals.suppressed):,} signals held back by precedence or consent")


def _report_journeys(printer: _Printer, base: CustomerBase) -> None:
    tables = kpi_tables(base)
    printer.heading("The waterfall, lead to won (censoring-aware conversion)")
    columns = ["stage", "next_stage", "entered", "converted", "failed", "open",
               "conversion_naive", "conversion_cif", "median_days_to_convert"]  # fmt: skip
    waterfall = tables.waterfall[columns].copy()
    for column in ("conversion_naive", "conversion_cif"):
        waterfall[column] = waterfall[column].map("{:.1%}".format)
    waterfall["median_days_to_convert"] = waterfall["median_days_to_convert"].round(1)
    printer.frame(waterfall)
    printer.heading("Won revenue attributed to channels, by method")
    printer.frame(tables.attribution.round(0).reset_index())
    printer.line(
        f"unattributed won revenue (deals without touches): {tables.unattributed_revenue:,.0f}"
    )


_Judged = tuple[ScoreTable, dict[str, Segmentation]]


def _judge(base: CustomerBase) -> _Judged:
    as_of = int(base.interactions.column("occurred_at").max()) + 1
    scores = get_scorer("engagement", level="account").score(base, as_of=as_of)
    segments = {
        name: get_segmenter(name).fit(base, as_of=as_of).assign(base, as_of=as_of)
        for name in ("lifecycle", "rfm")
    }
    return scores, segments


def _report_scores(printer: _Printer, base: CustomerBase, judged: _Judged) -> None:
    scores, segments = judged
    names = dict(zip(base.accounts.column("id"), base.accounts.column("name"), strict=True))
    printer.heading("Most engaged accounts, and why")
    for record in scores.top(5).to_dict("records"):
        account_id, score = str(record["account_id"]), float(record["score"])
        reasons = scores.top_reasons(account_id, n=3)
        why = ", ".join(
            f"{signal} {contribution:+.0f}"
            for signal, contribution in zip(reasons.signal, reasons.contribution, strict=True)
        )
        printer.line(f"{names[account_id] or account_id:<32} {score:7.1f}  {why}")
    printer.heading("Segment sizes")
    for name, segmentation in segments.items():
        sizes = ", ".join(f"{segment} {size}" for segment, size in segmentation.sizes().items())
        printer.line(f"{name}: {sizes}")
