"""RFM on B2B revenue events: renewals and expansions count, scores span 1..bins, every
named segment is reachable."""

import itertools

import numpy as np
import pandas as pd
import pytest

from customer_understanding import CustomerBase, IngestError
from customer_understanding.ingest import Source, load
from customer_understanding.segmentation import RFM_SEGMENTS, RFMModel, RFMSegmenter, rfm_values

AS_OF = "2026-06-30"


@pytest.fixture(scope="module")
def base():
    accounts = pd.DataFrame({"Id": ["001A", "001B", "001C"], "Name": ["Acme", "Bolt", "Cyan"],
                             "Website": ["acme.com", "bolt.io", "cyan.de"]})  # fmt: skip
    deals = pd.DataFrame(
        {
            "Id": ["006A1", "006A2", "006A3", "006B1", "006B2", "006C1"],
            "AccountId": ["001A", "001A", "001A", "001B", "001B", "001C"],
            "Amount": [10_000, 10_500, 4_000, 8_000, 8_000, 5_000],
            "StageName": ["Closed Won", "Closed Won", "Closed Won", "Closed Won",
                          "Closed Lost", "Negotiation"],
            "Type": ["New Customer", "Renewal", "Existing Customer - Upgrade", "New Business",
                     "Renewal", "New Business"],
            "CreatedDate": ["2024-01-01", "2025-01-01", "2026-03-01", "2024-06-01",
                            "2025-04-01", "2026-05-01"],
            "CloseDate": ["2024-03-01", "2025-03-01", "2026-05-01", "2024-07-01",
                          "2025-06-15", "2026-08-01"],
        }
    )  # fmt: skip
    loaded = load(
        [Source(name="salesforce.Account", data=accounts, mapping="salesforce.Account"),
         Source(name="salesforce.Opportunity", data=deals, mapping="salesforce.Opportunity")],
        policy="strict",
    )  # fmt: skip
    return CustomerBase.build(loaded)


def _by_name(base, values):
    names = base.accounts.column("name")
    return {str(name): value for name, value in zip(names, values, strict=True)}


def test_the_salesforce_type_is_the_opportunity_kind(base):
    kinds = dict(zip(base.opportunities.column("source_id"), base.opportunities.labels("kind"),
                     strict=True))  # fmt: skip
    assert kinds == {"006A1": "new", "006A2": "renewal", "006A3": "expansion", "006B1": "new",
                     "006B2": "renewal", "006C1": "new"}  # fmt: skip


def test_renewals_and_expansions_are_revenue_events(base):
    recency, frequency, monetary = rfm_values(base.tables, as_of=AS_OF)
    assert _by_name(base, frequency) == {"Acme": 3.0, "Bolt": 1.0, "Cyan": 0.0}
    assert _by_name(base, monetary)["Acme"] == 24_500.0
    assert _by_name(base, recency)["Acme"] == 60.0  # the expansion closed on 2026-05-01


def test_kinds_keep_some_revenue_events(base):
    _, frequency, _ = rfm_values(base.tables, as_of=AS_OF, kinds=("new", "expansion"))
    assert _by_name(base, frequency) == {"Acme": 2.0, "Bolt": 1.0, "Cyan": 0.0}
    model = RFMSegmenter(bins=3, kinds=["renewal"]).fit(base, as_of=AS_OF)
    assert model.kinds == ("renewal",)
    frame = model.scores(base, as_of=AS_OF).set_index("account_id")
    assert frame["frequency"].notna().sum() == 1


def test_accounts_without_revenue_have_no_segment(base):
    model = RFMSegmenter(bins=3).fit(base, as_of=AS_OF)
    frame = model.scores(base, as_of=AS_OF)
    cyan = frame[frame["frequency"].isna()]
    assert len(cyan) == 1
    assert cyan[["r", "f", "m"]].to_numpy().tolist() == [[0, 0, 0]]
    assert cyan["segment"].isna().tolist() == [True]  # None, or NaN under pandas 3
    assert model.assign(base, as_of=AS_OF).sizes()["champions"] >= 0


def test_scores_reach_the_whole_range_when_most_bought_once():
    rng = np.random.default_rng(3)
    frequency = np.where(rng.random(1_000) < 0.6, 1.0, rng.integers(2, 12, 1_000))
    recency, monetary = rng.uniform(1, 500, 1_000), rng.lognormal(5, 1, 1_000)
    for bins in range(2, 11):
        model = RFMSegmenter(bins=bins).fit_values(
            recency=recency, frequency=frequency, monetary=monetary
        )
        scores = model.score_values(recency=recency, frequency=frequency, monetary=monetary)
        for name in ("r", "f", "m"):
            assert scores[name].min() == 1, (bins, name)
            assert scores[name].max() == bins, (bins, name)
        assert scores.loc[frequency == 1, "f"].eq(1).all()


def test_two_distinct_values_score_one_and_bins():
    model = RFMSegmenter(bins=5).fit_values(
        recency=[1, 2, 3, 4], frequency=[1, 1, 1, 2], monetary=[5, 5, 5, 5]
    )
    scores = model.score_values(recency=[1, 4], frequency=[1, 2], monetary=[5, 5])
    assert scores["f"].tolist() == [1, 5]
    assert scores["m"].tolist() == [3, 3]  # one value only: the middle score


@pytest.mark.parametrize("bins", range(3, 11))
def test_every_named_segment_is_reachable(bins):
    pairs = np.array(list(itertools.product(range(1, bins + 1), repeat=2)), dtype=np.float64)
    model = RFMModel(bins=bins, recency_cutoffs=np.arange(1, bins) + 0.5,
                     frequency_cutoffs=np.arange(1, bins) + 0.5,
                     monetary_cutoffs=np.arange(1, bins) + 0.5)  # fmt: skip
    # recency scores are reversed: a value v scores bins + 1 - v
    scores = model.score_values(recency=pairs[:, 0], frequency=pairs[:, 1],
                                monetary=pairs[:, 1])  # fmt: skip
    assert set(scores["segment"]) == set(RFM_SEGMENTS)
    champions = scores[(scores["r"] == bins) & (scores["f"] == bins)]
    assert champions["segment"].tolist() == ["champions"]
    once_long_ago = scores[(scores["r"] == 1) & (scores["f"] == 1)]
    assert once_long_ago["segment"].tolist() == ["hibernating"]


def test_hubspot_dealtype_is_the_opportunity_kind():
    deals = pd.DataFrame({"hs_object_id": ["1", "2", "3"], "dealstage": ["closedwon"] * 3,
                          "dealtype": ["newbusiness", "existingbusiness", None],
                          "createdate": ["2026-01-01"] * 3,
                          "closedate": ["2026-02-01"] * 3})  # fmt: skip
    loaded = load([Source(name="hubspot.deals", data=deals, mapping="hubspot.deals")],
                  policy="strict")  # fmt: skip
    base = CustomerBase.build(loaded)
    assert base.opportunities.labels("kind").tolist() == ["new", "renewal", None]


def test_an_unknown_deal_type_is_a_problem_naming_row_column_and_value():
    deals = pd.DataFrame({"Id": ["006A", "006B"], "StageName": ["Closed Won"] * 2,
                          "Type": ["New Business", "Lease"], "CreatedDate": ["2025-01-01"] * 2,
                          "CloseDate": ["2025-02-01"] * 2})  # fmt: skip
    source = Source(name="salesforce.Opportunity", data=deals, mapping="salesforce.Opportunity")
    (problem,) = load([source], policy="lenient").report.problems
    assert (problem.row, problem.column, problem.value, problem.nulled) == (
        1,
        "Type",
        "Lease",
        True,
    )
    with pytest.raises(IngestError, match="row 1, column 'Type', value 'Lease'"):
        load([source], policy="strict")
