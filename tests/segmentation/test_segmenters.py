from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

import customer_understanding as cu
from customer_understanding import InvalidValueError, UnknownNameError
from customer_understanding.segmentation import (
    ClusterSegmenter,
    LifecycleSegmenter,
    RFMModel,
    RFMSegmenter,
    RuleSegment,
    RuleSegmenter,
    Segmentation,
    exclusive,
    transaction_summary,
)
from customer_understanding.testing import sample_base
from customer_understanding.traits import Condition, InteractionCount, OpenTickets, OverContacts

AS_OF = datetime(2026, 5, 1, tzinfo=UTC)


def _at(days):
    return AS_OF - timedelta(days=days)


@pytest.fixture(scope="module")
def base():
    accounts = [cu.Account(id=f"a{i}", name=f"Firm {i}", domain=f"f{i}.com") for i in range(5)]
    people = [
        cu.Contact(id="a0-x", email="x@f0.com", account_id="a0"),
        cu.Contact(id="a0-y", email="y@f0.com", account_id="a0"),
        cu.Contact(id="a1-x", email="x@f1.com", account_id="a1"),
        cu.Contact(id="a2-x", email="x@f2.com", account_id="a2"),
        cu.Contact(id="a3-x", email="x@f3.com", account_id="a3"),
    ]
    touches = [  # (contact, type, days before as_of, extra)
        ("a0-x", "page_view", 2, {}), ("a0-y", "page_view", 3, {}), ("a0-x", "page_view", 300, {}),
        ("a1-x", "ticket", 4, {"priority": "p1", "status": "open"}), ("a1-x", "login", 400, {}),
        ("a2-x", "login", 100, {}), ("a2-x", "login", 500, {}), ("a3-x", "login", 250, {}),
        ("a3-x", "login", 600, {}),
    ]  # fmt: skip
    interactions = [
        cu.Interaction(id=f"i{n}", occurred_at=_at(days), type=kind, contact_id=who,
                       account_id=who[:2], **extra)
        for n, (who, kind, days, extra) in enumerate(touches)
    ]  # fmt: skip
    deals = [
        cu.Opportunity(id=f"o{n}", account_id=acc, name="deal", amount=amount, outcome="won",
                       created_at=_at(days + 30), closed_at=_at(days))
        for n, (acc, amount, days) in enumerate([("a0", 1000, 10), ("a0", 3000, 50),
                                                 ("a1", 500, 300), ("a2", 9000, 20)])
    ]  # fmt: skip
    return cu.CustomerBase.from_objects(
        accounts=accounts, contacts=people, interactions=interactions, opportunities=deals
    )


def _assigned(segmenter, base, as_of=AS_OF):
    result = segmenter.fit(base, as_of=as_of).assign(base, as_of=as_of)
    return dict(zip(result.ids, result.labels(), strict=True))


WEB = InteractionCount(types=("page_view",), window_days=14)


def test_rules_assign_first_matching_segment(base):
    segmenter = RuleSegmenter(
        traits={"p1": OpenTickets(), "web": WEB},
        segments=[RuleSegment(name="escalated", when=[Condition(trait="p1", op=">=", value=1)]),
                  RuleSegment(name="surging", when=[Condition(trait="web", op=">=", value=2)])],
    )  # fmt: skip
    assigned = _assigned(segmenter, base)
    assert (assigned["a0"], assigned["a1"], assigned["a2"]) == ("surging", "escalated", None)


def _contacts_rule(quantifier):
    return RuleSegmenter(
        traits={"web": WEB},
        segments=[RuleSegment(name="hit", when=[OverContacts(
            quantifier=quantifier, condition=Condition(trait="web", op=">=", value=1))])],
    )  # fmt: skip


@pytest.mark.parametrize(
    ("quantifier", "members"),
    [("any", ["a0"]), ("all", ["a0"]), ("none", ["a1", "a2", "a3", "a4"])],
)
def test_account_rule_over_its_contacts(base, quantifier, members):
    result = _contacts_rule(quantifier).fit(base, as_of=AS_OF).assign(base, as_of=AS_OF)
    assert sorted(result.members("hit")) == members


def test_suppressed_ids_are_never_assigned(base):
    segmenter = RuleSegmenter(
        traits={"web": WEB}, suppressed={"a0"},
        segments=[RuleSegment(name="surging", when=[Condition(trait="web", op=">=", value=1)])],
    )  # fmt: skip
    assert _assigned(segmenter, base)["a0"] is None


def test_rule_on_a_trait_that_is_not_defined_is_refused():
    with pytest.raises(UnknownNameError, match="'visits'"):
        RuleSegmenter(segments=[RuleSegment(
            name="x", when=[Condition(trait="visits", op=">", value=0)])])  # fmt: skip


def test_exclusive_keeps_the_higher_priority_segment():
    make = lambda name, codes: Segmentation(  # noqa: E731
        segmenter=name, level="account", as_of=0, ids=["a", "b"], segment=codes, segments=("s",)
    )
    combined = exclusive([make("risk", [-1, 0]), make("growth", [0, 0])])
    assert combined.labels().tolist() == ["growth:s", "risk:s"]


def test_exclusive_refuses_mismatched_segmentations():
    one = Segmentation(segmenter="a", level="account", as_of=0, ids=["x"], segment=[0],
                       segments=("s",))  # fmt: skip
    other = Segmentation(segmenter="b", level="account", as_of=1, ids=["x"], segment=[0],
                         segments=("s",))  # fmt: skip
    with pytest.raises(InvalidValueError, match="as_of"):
        exclusive([one, other])


def test_lifecycle_segments(base):
    assigned = _assigned(LifecycleSegmenter(new_days=60, active_days=30, dormant_days=180), base)
    # a3 has been silent for longer than dormant_days, but it never bought: it has
    # lapsed, it has not churned (only a customer churns, by the customer-stage rule).
    assert assigned == {"a0": "active", "a1": "active", "a2": "dormant", "a3": "lapsed",
                        "a4": None}  # fmt: skip


def test_lifecycle_marks_recent_first_activity_as_new(base):
    earlier = AS_OF - timedelta(days=290)
    assert _assigned(LifecycleSegmenter(new_days=30), base, as_of=earlier)["a0"] == "new"


def test_lifecycle_refuses_inverted_windows():
    with pytest.raises(InvalidValueError, match="dormant_days"):
        LifecycleSegmenter(active_days=90, dormant_days=30)


def test_rfm_scores_use_won_deals_before_as_of(base):
    frame = RFMSegmenter(bins=2).fit(base, as_of=AS_OF).scores(base, as_of=AS_OF)
    a0 = frame.set_index("account_id").loc["a0"]
    assert (a0["recency"], a0["frequency"], a0["monetary"]) == (10.0, 2.0, 4000.0)
    assert np.isnan(frame.set_index("account_id").loc["a3", "recency"])


def test_rfm_ties_share_a_score():
    model = RFMModel(bins=3, recency_cutoffs=[10, 20], frequency_cutoffs=[1, 2],
                     monetary_cutoffs=[5, 6])  # fmt: skip
    from customer_understanding.segmentation._rfm import _score

    scores = _score(np.array([1.0, 1.0, 2.0, 3.0]), model.frequency_cutoffs, reverse=False, bins=3)
    assert scores.tolist() == [1, 1, 2, 3]


def test_rfm_model_keeps_cutoffs_for_a_later_period(base):
    model = RFMSegmenter(bins=2).fit(base, as_of=AS_OF)
    later = model.scores(base, as_of=AS_OF + timedelta(days=400))
    assert model.recency_cutoffs.tolist() == RFMSegmenter(bins=2).fit(
        base, as_of=AS_OF).recency_cutoffs.tolist()  # fmt: skip
    assert (later["r"][later["recency"].notna()] >= 1).all()


def test_rfm_refuses_bins_out_of_range():
    with pytest.raises(InvalidValueError, match="bins=1"):
        RFMSegmenter(bins=1)


def test_clusters_reuse_fitted_centroids():
    world = sample_base()
    times = world.interactions.column("occurred_at")
    as_of = int(np.quantile(times, 0.7))
    segmenter = ClusterSegmenter(clusters=3, traits={
        "web": InteractionCount(types=("page_view",), window_days=60),
        "sales": InteractionCount(disciplines=("sales",), window_days=60)})  # fmt: skip
    model = segmenter.fit(world, as_of=as_of)
    result = model.assign(world, as_of=as_of)
    assert sum(result.sizes().values()) == len(world.accounts)
    assert model.centroids.shape == (3, 2)


def test_cluster_refuses_more_clusters_than_entities(base):
    segmenter = ClusterSegmenter(clusters=9, traits={"web": WEB})
    with pytest.raises(InvalidValueError, match="clusters=9"):
        segmenter.fit(base, as_of=AS_OF)


def test_unknown_segment_name_is_refused():
    seg = Segmentation(segmenter="x", level="account", as_of=0, ids=["a"], segment=[0],
                       segments=("s",))  # fmt: skip
    with pytest.raises(UnknownNameError, match="segment='t'"):
        seg.members("t")


TRANSACTIONS = pd.DataFrame({"customer_id": ["a", "a", "b"], "date": ["2026-01-01", "2026-01-20",
                             "2026-01-02"], "amount": [1.0, 2.0, 3.0]})  # fmt: skip


def test_transaction_summary_counts_repeat_weeks():
    summary = transaction_summary(TRANSACTIONS, observation_end="2026-02-01", freq="W")
    assert summary.loc["a", ["frequency", "recency", "T"]].tolist() == [1.0, 3.0, 4.0]


def test_transaction_summary_names_a_missing_column():
    with pytest.raises(UnknownNameError, match="'value'"):
        transaction_summary(TRANSACTIONS, observation_end="2026-02-01", value="value")


def test_transaction_summary_refuses_unknown_frequency():
    with pytest.raises(InvalidValueError, match="freq='M'"):
        transaction_summary(TRANSACTIONS, observation_end="2026-02-01", freq="M")
