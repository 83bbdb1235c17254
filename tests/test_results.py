"""Every result follows one contract (``customer_understanding.typing.Result``).

Results are found in the public API (classes with ``to_pandas``); each must be produced
by a recipe below, so a new result class without one fails
``test_every_result_class_is_checked``. Tables (the columnar layer) and the customer
base hold data rather than answers and are left out.
"""

import importlib
import inspect
import pickle
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

import attrs
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

import customer_understanding as cu
from customer_understanding import (
    committee,
    identity,
    journeys,
    scoring,
    segmentation,
    signals,
    views,
)
from customer_understanding import traits as tr
from customer_understanding.datasets import generate_world
from customer_understanding.ingest import load
from customer_understanding.tables import Table
from customer_understanding.typing import Result
from tests._packages import PACKAGES

AS_OF = "2026-06-01"
# SparkLinks holds live Spark DataFrames (they do not pickle): tests/spark checks its contract.
NOT_RESULTS = {"CustomerBase", "Result", "SparkLinks"}
ID_COLUMNS_REFUSED = {"id", "contact", "account", "customer_id", "opportunity"}


@cache
def _world() -> Any:
    return generate_world(accounts=12, interactions=1_500, defects=False, seed=7)


@cache
def _base() -> cu.CustomerBase:
    return cu.CustomerBase.build(_world().as_sources())


def _account() -> str:
    return str(_base().accounts.column("id")[0])


_FIELDS = [identity.Field(column="email", kind="email"),
           identity.Field(column="last_name", kind="family_name")]  # fmt: skip


def _records() -> pd.DataFrame:
    return _base().tables.contact_records.to_pandas().rename(columns={"source_id": "id"})


def _needs(package: str) -> None:
    # recordlinkage is an optional extra that requires pandas < 3: skip where it is absent.
    pytest.importorskip(package, reason=f"{package} is not installed (an optional extra)")


@cache
def _link() -> identity.LinkResult:
    return identity.Linker(fields=_FIELDS).deduplicate(_records())


def _kpi() -> journeys.KpiTables:
    return journeys.kpi_tables(_base(), as_of=AS_OF)


def _touches() -> tuple[journeys.Touches, journeys.Outcomes]:
    journeys_ = journeys.deal_journeys(_base(), as_of=AS_OF)
    return journeys_.touches, journeys_.outcomes


def _backtest() -> scoring.Backtest:
    logins = tr.InteractionCount(types=("login",), window_days=30)
    scorer = scoring.PredictiveScorer(estimator=LogisticRegression(), outcome="login",
                                      level="contact", horizon_days=30, snapshots=2,
                                      traits={"logins": logins})  # fmt: skip
    return scorer.backtest(_base(), as_of=AS_OF)


#: One way to get an instance of each result class.
RECIPES: dict[str, Callable[[], object]] = {
    "AccountMatches": lambda: identity.LeadToAccount().match(
        _records(), _base().tables.account_records.to_pandas().rename(columns={"source_id": "id"})),
    "AccountView": lambda: views.account_view(_base(), _account(), as_of=AS_OF),
    "Attribution": lambda: journeys.LastTouch().attribute(*_touches()),
    "Backtest": _backtest,
    "BaseSummary": lambda: _base().summary(),
    "CandidateMatches": lambda: _base().match(
        {"Id": "W1", "Email": str(_base().contacts.column("email")[0]), "LastName": "Lee"},
        mapping="salesforce.Lead"),
    "ConsentRegister": lambda: _base().consents(as_of=AS_OF),
    "BlockingReport": lambda: identity.Linker(fields=_FIELDS).report(_records()),
    "Committee": lambda: committee.buying_committee(_base(), _account(), as_of=AS_OF),
    "CommitteeSet": lambda: committee.committees(_base(), as_of=AS_OF),
    "CoverageReport": lambda: committee.committee_coverage(_base(), as_of=AS_OF),
    "DealJourneys": lambda: journeys.deal_journeys(_base(), as_of=AS_OF),
    "DormancySpells": lambda: journeys.dormancy(
        _base().interactions.column("contact"), _base().interactions.column("occurred_at"),
        subjects=len(_base().contacts), days=30, as_of=AS_OF),
    "EcmLinks": lambda: identity.ecm_links(_needs("recordlinkage") or _link()),
    "FunnelTable": lambda: journeys.Funnel(steps=("mql", "sql")).measure(
        journeys.stage_history(_base(), level="contact"), as_of=AS_OF),
    "GoldenProfiles": lambda: _base().golden("contact", as_of=AS_OF),
    "FunnelTable (deals)": lambda: journeys.deal_funnel(_base(), as_of=AS_OF),
    "GoldenRecords": lambda: identity.golden_records(
        _records().rename(columns={"id": "record"}), _link().clusters),
    "KpiTables": _kpi,
    "LinkResult": _link,
    "LoadReport": lambda: load(_world().as_sources()).report,
    "Outcomes": lambda: _touches()[1],
    "Paths": lambda: journeys.prepare(*_touches()),
    "Reasons": lambda: scoring.EngagementScorer().score(_base(), as_of=AS_OF).reasons,
    "RemovalEffects": lambda: journeys.MarkovRemovalEffect().fit(*_touches()),
    "Overrides": lambda: identity.Overrides(
        cannot_link_contacts=[(("hubspot", "1"), ("zendesk", "2"))]),
    "Resolution": lambda: _base().tables.resolution,
    "ReviewPairs": lambda: _base().review_pairs(),
    "RoleAssignment": lambda: committee.assign_roles(
        _base().tables.contacts, roles=_base().tables.contact_roles,
        deals=_base().tables.opportunities, as_of=AS_OF),
    "ScoreTable": lambda: scoring.EngagementScorer().score(_base(), as_of=AS_OF),
    "Segmentation": lambda: segmentation.LifecycleSegmenter().assign(_base(), as_of=AS_OF),
    "SignalSet": lambda: signals.evaluate_signals(_base(), as_of=AS_OF),
    "StageHistory": lambda: journeys.stage_history(_base(), level="contact"),
    "StageHistory (deals)": lambda: journeys.stage_history(_base(), level="opportunity"),
    "SurvivalCurve": lambda: journeys.survival_curve(np.array([3.0, 5.0, 8.0]),
                                                     np.array([1, 0, 1])),
    "Touches": lambda: _touches()[0],
    "TraitFrame": lambda: tr.evaluate_traits(_base(), ["open_tickets", "industry"], as_of=AS_OF),
}  # fmt: skip


def _result_classes() -> dict[str, type]:
    found: dict[str, type] = {}
    for package in PACKAGES:
        module = importlib.import_module(package)
        for name in module.__all__:
            value = getattr(module, name)
            if (inspect.isclass(value) and callable(getattr(value, "to_pandas", None))
                    and not issubclass(value, Table) and name not in NOT_RESULTS):  # fmt: skip
                found[value.__name__] = value
    return found


def test_every_result_class_is_checked() -> None:
    assert set(_result_classes()) - set(RECIPES) == set(), "add a recipe for these results"


def _class(name: str) -> str:
    """The class a recipe makes ("Class (variant)" names a second recipe of a class)."""
    return name.split(" ", 1)[0]


@cache
def _made(name: str) -> object:
    result = RECIPES[name]()
    assert type(result).__name__ == _class(name)
    return result


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_a_result_shows_a_one_line_header(name: str) -> None:
    result = _made(name)
    text = repr(result)
    assert "\n" not in text, text
    assert len(text) < 300, text
    assert text.startswith(_class(name)), text
    html = result._repr_html_()  # type: ignore[attr-defined]
    assert html.startswith("<div>")
    assert len(html) < 20_000
    assert isinstance(result, Result)


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_to_pandas_is_a_new_frame_with_standard_id_columns(name: str) -> None:
    result = _made(name)
    frame = result.to_pandas()  # type: ignore[attr-defined]
    assert isinstance(frame, pd.DataFrame)
    assert not set(map(str, frame.columns)) & ID_COLUMNS_REFUSED, list(frame.columns)
    if len(frame):
        frame.iloc[0, 0] = None
    again = result.to_pandas()  # type: ignore[attr-defined]
    assert again is not frame
    if len(again) and len(frame):
        assert not (again.iloc[:1, :1].isna().all().all() and not _first_cell_missing(result))


def _first_cell_missing(result: object) -> bool:
    frame = result.to_pandas()  # type: ignore[attr-defined]
    return bool(pd.isna(frame.iloc[0, 0]))


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_collections_have_a_length(name: str) -> None:
    result = _made(name)
    if hasattr(result, "__len__"):
        assert len(result) >= 0  # type: ignore[arg-type]
        assert len(result) == len(result.to_pandas()) or name in {  # type: ignore[arg-type, attr-defined]
            "LinkResult",
            "KpiTables",
            "LoadReport",
            "GoldenRecords",
            "Resolution",
        }


def _writable(value: object, path: str, seen: set[int]) -> list[str]:
    if id(value) in seen:
        return []
    seen.add(id(value))
    if isinstance(value, np.ndarray):
        return [path] if value.flags.writeable and value.size else []
    if isinstance(value, dict | list | set | pd.DataFrame | pd.Series) and not path.endswith("._"):
        return [path]
    if isinstance(value, Mapping | tuple | frozenset):
        items = value.items() if isinstance(value, Mapping) else enumerate(value)
        return [hit for key, item in items for hit in _writable(item, f"{path}[{key!r}]", seen)]
    if attrs.has(type(value)):
        public = [f.name for f in attrs.fields(type(value)) if not f.name.startswith("_")]
        return [hit for name in public
                for hit in _writable(getattr(value, name), f"{path}.{name}", seen)]  # fmt: skip
    return []


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_a_result_is_deeply_read_only(name: str) -> None:
    result = _made(name)
    assert _writable(result, name, set()) == []


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_a_result_survives_pickling(name: str) -> None:
    result = _made(name)
    again = pickle.loads(pickle.dumps(result))
    pd.testing.assert_frame_equal(again.to_pandas(), result.to_pandas())  # type: ignore[attr-defined]
