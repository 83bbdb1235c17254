"""Every public entry point with an ``as_of`` takes every form of a moment, and agrees on it.

The entry points are discovered from the public API: a new one without a recipe here
fails ``test_every_entry_point_with_as_of_is_exercised``.
"""

import importlib
import inspect
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

import customer_understanding as cu
from customer_understanding import (
    committee,
    journeys,
    scoring,
    segmentation,
    signals,
    testing,
    views,
)
from customer_understanding import traits as tr
from customer_understanding.datasets import SampleWorld, generate_world
from tests._packages import PACKAGES

MOMENT = "2026-06-01"
_STAMP = pd.Timestamp(MOMENT, tz="UTC")
#: The same moment in every form the library accepts.
SAME = {
    "iso": "2026-06-01",
    "slashes": "2026/06/01",
    "aware": datetime(2026, 6, 1, tzinfo=UTC),
    "naive": datetime(2026, 6, 1),
    "date": date(2026, 6, 1),
    "nanos": int(_STAMP.value),
    "numpy_int": np.int64(_STAMP.value),
    "timestamp": _STAMP,
    "datetime64": np.datetime64("2026-06-01T00:00"),
}
#: How a refused moment reads (any other library error is about the data, not the moment).
REFUSED_MOMENT = ("is before the first event", "is not a date", "must be a datetime")
#: Protocol methods: their implementations are exercised through the classes below.
PROTOCOLS = {"typing.Scorer.score", "typing.SegmentModel.assign", "typing.Segmenter.fit",
             "typing.Trait.evaluate"}  # fmt: skip


@cache
def _base() -> cu.CustomerBase:
    world = generate_world(accounts=12, interactions=1_500, defects=False, seed=7)
    return cu.CustomerBase.build(world.as_sources())


@cache
def _world() -> SampleWorld:
    return generate_world(accounts=12, interactions=1_500, defects=False, seed=7)


def _fitted(segmenter: Any) -> Any:
    return segmenter.fit(_base(), as_of=MOMENT)


def _account() -> str:
    return str(_base().accounts.column("id")[0])


def _history() -> journeys.StageHistory:
    return journeys.stage_history(_base(), level="contact")


_SCORERS = {
    "EngagementScorer": scoring.EngagementScorer(),
    "FitScorer": scoring.FitScorer(),
    "HealthScorer": scoring.HealthScorer(),
    "LeadScorer": scoring.LeadScorer(),
    "PredictiveScorer": scoring.PredictiveScorer(
        estimator=LogisticRegression(),
        outcome="login",
        level="contact",
        horizon_days=30,
        snapshots=2,
        traits={"logins": tr.InteractionCount(types=("login",), window_days=30)},
    ),
}
_TRAITS = dict(tr.standard_traits())


def _account_level(trait: Any) -> bool:
    try:
        trait.evaluate(_base().tables, as_of=MOMENT, level="account")
    except cu.InvalidValueError:
        return False
    return True


@cache
def _account_traits() -> dict[str, Any]:
    return {name: trait for name, trait in _TRAITS.items() if _account_level(trait)}


def _trait_of(kind: str) -> Any:
    return next(t for t in _account_traits().values() if type(t).__name__ == kind)


def _health(as_of: object) -> Any:
    return scoring.HealthScorer().score(_base(), as_of="2026-05-01")


_DERIVED = {
    "ScoreTrait": lambda: tr.ScoreTrait(scores=_health(MOMENT)),
    "SegmentTrait": lambda: tr.SegmentTrait(
        segmentation=segmentation.LifecycleSegmenter().assign(_base(), as_of="2026-05-01")
    ),
}
_CLUSTER = {"logins": tr.InteractionCount(types=("login",), window_days=30),
            "tickets": tr.OpenTickets()}  # fmt: skip


def _stage_at(moment: object) -> object:
    return _base().journey(str(_base().contacts.column("id")[0])).stage_at(as_of=moment)


def _scores_with(scorer: Any) -> Callable[[object], object]:
    return lambda moment: scorer.score(_base(), as_of=moment)


def _evaluates(kind: str) -> Callable[[object], object]:
    return lambda moment: _trait_of(kind).evaluate(_base().tables, as_of=moment, level="account")


@cache
def _on_spark() -> dict[str, Any]:
    """The base's interactions and contacts as Spark DataFrames (skips without Spark)."""
    pytest.importorskip("pyspark")
    from customer_understanding.spark import java_runtime, local_session

    if java_runtime() is None:
        pytest.skip("no Java runtime: install Java 17+ (e.g. openjdk-17-jre-headless)")
    spark = local_session(cores=2, shuffle_partitions=4)
    frames = {}
    for name, columns in (("interactions", ["contact_id", "account_id", "occurred_at", "type"]),
                          ("contacts", ["contact_id", "account_id"]),
                          ("accounts", ["account_id"])):  # fmt: skip
        frame = _base().to_pandas(name)[columns]
        texts = [c for c in columns if c != "occurred_at"]
        frame[texts] = frame[texts].astype(object).where(frame[texts].notna(), None)
        frames[name] = spark.createDataFrame(frame)
    return frames


#: Spark answers by the moment the call resolved: every form of one moment is parsed by
#: the call, and the (deterministic) Spark job runs once per moment rather than per form.
_SPARK_ANSWERS: dict[tuple[str, int], object] = {}


def _collected(kind: str, result: Any) -> object:
    key = (kind, int(result.as_of))
    if key not in _SPARK_ANSWERS:
        _SPARK_ANSWERS[key] = result.collect()
    return _SPARK_ANSWERS[key]


def _spark_scores(moment: object) -> object:
    from customer_understanding.spark import engagement_scores

    frames = _on_spark()
    return _collected("scores", engagement_scores(
        scoring.EngagementScorer(), frames["interactions"], contacts=frames["contacts"],
        as_of=moment))  # fmt: skip


def _spark_traits(moment: object) -> object:
    from customer_understanding.spark import trait_frame

    frames = _on_spark()
    return _collected("traits", trait_frame(
        frames["interactions"], ["interactions_30d"], entities=frames["accounts"],
        as_of=moment))  # fmt: skip


#: How to call each entry point with a given ``as_of``.
RECIPES: dict[str, Callable[[object], object]] = {
    "domain.Journey.stage_at": _stage_at,
    "Journey.stage_at": _stage_at,
    "base.Tables.moment": lambda m: _base().tables.moment(m, name="as_of"),
    "base.consent_in_force": lambda m: cu.base.consent_in_force(_base().tables, as_of=m),
    "base.CustomerBase.consents": lambda m: _base().consents(as_of=m),
    "CustomerBase.consents": lambda m: _base().consents(as_of=m),
    "base.CustomerBase.golden": lambda m: _base().golden("account", as_of=m),
    "CustomerBase.golden": lambda m: _base().golden("contact", as_of=m),
    "committee.assign_roles": lambda m: committee.assign_roles(
        _base().tables.contacts, roles=_base().tables.contact_roles,
        deals=_base().tables.opportunities, as_of=m),
    "committee.buying_committee": lambda m: committee.buying_committee(
        _base(), _account(), as_of=m),
    "committee.committee_coverage": lambda m: committee.committee_coverage(_base(), as_of=m),
    "committee.committees": lambda m: committee.committees(_base(), as_of=m),
    "journeys.Funnel.measure": lambda m: journeys.Funnel(steps=("mql", "sql")).measure(
        _history(), as_of=m),
    "journeys.deal_funnel": lambda m: journeys.deal_funnel(_base(), as_of=m),
    "journeys.deal_journeys": lambda m: journeys.deal_journeys(_base(), as_of=m),
    "journeys.dormancy": lambda m: journeys.dormancy(
        _base().interactions.column("contact"), _base().interactions.column("occurred_at"),
        subjects=len(_base().contacts), days=30, as_of=m),
    "journeys.kpi_tables": lambda m: journeys.kpi_tables(_base(), as_of=m),
    "scoring.EngagementScorer.contact_scores": lambda m: scoring.EngagementScorer(
        ).contact_scores(_base().tables, as_of=m),
    "scoring.EngagementScorer.person_weights": lambda m: scoring.EngagementScorer(
        ).person_weights(_base().tables, as_of=m),
    "scoring.PredictiveModel.score": lambda m: _SCORERS["PredictiveScorer"].fit(
        _base(), as_of=MOMENT).score(_base(), as_of=m),
    "scoring.PredictiveScorer.backtest": lambda m: _SCORERS["PredictiveScorer"].backtest(
        _base(), as_of=m).auc,
    "scoring.PredictiveScorer.fit": lambda m: _SCORERS["PredictiveScorer"].fit(
        _base(), as_of=m).score(_base(), as_of=MOMENT),
    "scoring.PredictiveScorer.training_set": lambda m: _SCORERS["PredictiveScorer"].training_set(
        _base(), as_of=m),
    "segmentation.ClusterModel.assign": lambda m: _fitted(
        segmentation.ClusterSegmenter(clusters=2, traits=_CLUSTER)).assign(_base(), as_of=m),
    "segmentation.ClusterSegmenter.fit": lambda m: segmentation.ClusterSegmenter(
        clusters=2, traits=_CLUSTER).fit(_base(), as_of=m),
    "segmentation.LifecycleSegmenter.assign": lambda m: segmentation.LifecycleSegmenter(
        ).assign(_base(), as_of=m),
    "segmentation.LifecycleSegmenter.fit": lambda m: segmentation.LifecycleSegmenter().fit(
        _base(), as_of=m),
    "segmentation.RFMModel.assign": lambda m: _fitted(segmentation.RFMSegmenter()).assign(
        _base(), as_of=m),
    "segmentation.RFMModel.scores": lambda m: _fitted(segmentation.RFMSegmenter()).scores(
        _base(), as_of=m),
    "segmentation.RFMSegmenter.fit": lambda m: segmentation.RFMSegmenter().fit(_base(), as_of=m),
    "segmentation.RuleSegmenter.assign": lambda m: _rules().assign(_base(), as_of=m),
    "segmentation.RuleSegmenter.fit": lambda m: _rules().fit(_base(), as_of=m),
    "segmentation.rfm_values": lambda m: segmentation.rfm_values(_base().tables, as_of=m),
    "signals.evaluate_signals": lambda m: signals.evaluate_signals(_base(), as_of=m),
    "testing.check_scorer": lambda m: testing.check_scorer(scoring.FitScorer(), _base(),
                                                           as_of=m),
    "testing.check_segmenter": lambda m: testing.check_segmenter(
        segmentation.LifecycleSegmenter(), _base(), as_of=m),
    "testing.past_view": lambda m: testing.past_view(_base(), as_of=m).tables.interactions,
    "testing.compare_as_of": lambda m: testing.compare_as_of(
        _base(), _base(), as_of=m, traits=["open_tickets", "satisfaction"]),
    "spark.engagement_scores": _spark_scores,
    "spark.trait_frame": _spark_traits,
    "datasets.SampleWorld.cut": lambda m: _world().cut(as_of=m).summary(),
    "traits.TraitSnapshot": lambda m: tr.TraitSnapshot(_base(), as_of=m).frame(
        ["open_tickets", "industry"]),
    "traits.evaluate_traits": lambda m: tr.evaluate_traits(_base(), list(_account_traits()),
                                                           as_of=m),
    "traits.ScoreTrait.evaluate": lambda m: _DERIVED["ScoreTrait"]().evaluate(
        _base().tables, as_of=m, level="account"),
    "traits.SegmentTrait.evaluate": lambda m: _DERIVED["SegmentTrait"]().evaluate(
        _base().tables, as_of=m, level="account"),
    "views.account_view": lambda m: views.account_view(_base(), _account(), as_of=m),
    **{f"scoring.{name}.score": _scores_with(scorer) for name, scorer in _SCORERS.items()},
    **{f"traits.{kind}.evaluate": _evaluates(kind)
       for kind in {type(t).__name__ for t in _TRAITS.values()} - set(_DERIVED)},
}  # fmt: skip


def _rules() -> segmentation.RuleSegmenter:
    condition = tr.Condition(trait="open_tickets", op=">=", value=1)
    return segmentation.RuleSegmenter(
        segments=[segmentation.RuleSegment(name="open", when=condition)]
    )


def _public_members(value: object) -> list[tuple[str, Any]]:
    if not inspect.isclass(value):
        return []
    return [(name, member) for name, member in inspect.getmembers(value)
            if not name.startswith("_") and callable(member)]  # fmt: skip


def _entry_points() -> set[str]:
    found: set[str] = set()
    for package in PACKAGES:
        module = importlib.import_module(package)
        prefix = package.removeprefix("customer_understanding").lstrip(".")
        for name in module.__all__:
            value = getattr(module, name)
            owner = f"{prefix}.{name}" if prefix else name
            callables = [(owner, value)] + [
                (f"{owner}.{attribute}", member) for attribute, member in _public_members(value)
            ]
            for qualified, function in callables:
                try:
                    parameters = inspect.signature(function).parameters
                except (TypeError, ValueError):
                    continue
                if ("as_of" in parameters and not inspect.isclass(function)) or (
                    inspect.isclass(function)
                    and "as_of" in parameters
                    and not hasattr(function, "__attrs_attrs__")
                ):
                    found.add(qualified)
    return found


def test_every_entry_point_with_as_of_is_exercised() -> None:
    found = _entry_points() - PROTOCOLS
    assert found - set(RECIPES) == set(), "add a recipe for these entry points"


def test_every_as_of_is_keyword_only() -> None:
    positional = []
    for package in PACKAGES:
        module = importlib.import_module(package)
        for name in module.__all__:
            value = getattr(module, name)
            members = [value, *(member for _, member in _public_members(value))]
            for function in members:
                try:
                    parameter = inspect.signature(function).parameters.get("as_of")
                except (TypeError, ValueError):
                    continue
                if parameter is not None and parameter.kind is not parameter.KEYWORD_ONLY:
                    positional.append(f"{package}.{name}.{getattr(function, '__name__', '')}")
    assert positional == []


def _digest(result: object) -> object:
    """A comparable summary of any result (missing values compare equal)."""
    if isinstance(result, tuple):
        return tuple(_digest(part) for part in result)
    if isinstance(result, np.ndarray):
        return pd.Series(result.ravel()).to_json()
    if isinstance(result, pd.DataFrame):
        return result.to_json(date_format="iso", default_handler=str)
    to_pandas = getattr(result, "to_pandas", None)
    if callable(to_pandas):
        return to_pandas().to_json(date_format="iso", default_handler=str)
    if hasattr(result, "column") and hasattr(result, "SCHEMA"):
        return len(result)  # type: ignore[arg-type]
    return result


@pytest.mark.parametrize("entry", sorted(RECIPES))
def test_every_form_of_one_moment_gives_the_same_answer(entry: str) -> None:
    call = RECIPES[entry]
    digests = {form: _digest(call(value)) for form, value in SAME.items()}
    reference = digests["iso"]
    assert all(digest == reference for digest in digests.values()), [
        form for form, digest in digests.items() if digest != reference
    ]


@pytest.mark.parametrize("entry", sorted(RECIPES))
def test_none_and_the_first_event_are_accepted(entry: str) -> None:
    call = RECIPES[entry]
    first = int(_base().interactions.column("occurred_at").min())
    for moment in (None, first):
        assert _refusal(call, moment) == []


def _refusal(call: Callable[[object], object], moment: object) -> list[str]:
    """How the call refused the moment itself, if it did (other refusals are about the data)."""
    try:
        call(moment)
    except cu.CustomerUnderstandingError as error:
        return [str(error)] if any(text in str(error) for text in REFUSED_MOMENT) else []
    return []


@pytest.mark.parametrize("entry", sorted(RECIPES))
def test_a_moment_that_is_no_moment_is_a_library_error(entry: str) -> None:
    with pytest.raises(cu.CustomerUnderstandingError, match="as_of"):
        RECIPES[entry]("not a date")
