"""Property: for random small customer bases, every built-in scorer's reasons add up."""

from datetime import UTC, datetime, timedelta

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import customer_understanding as cu
from customer_understanding.scoring import (
    EngagementScorer,
    FitScorer,
    HealthScorer,
    LeadScorer,
)

AS_OF = datetime(2026, 6, 1, tzinfo=UTC)
TYPES = ["page_view", "email_open", "demo", "webinar", "unsubscribe", "email_bounce",
         "login", "feature_use", "ticket", "call", "note"]  # fmt: skip


@st.composite
def bases(draw):
    accounts = draw(st.integers(1, 4))
    people = draw(st.integers(1, 8))
    owners = draw(st.lists(st.integers(0, accounts - 1), min_size=people, max_size=people))
    touches = draw(st.lists(st.tuples(st.integers(0, people - 1), st.sampled_from(TYPES),
                                      st.floats(-20, 400), st.sampled_from([None, "p1", "p2"])),
                            min_size=1, max_size=40))  # fmt: skip
    return cu.CustomerBase.from_objects(
        accounts=[cu.Account(id=f"a{i}", name=f"A{i}", domain=f"a{i}.com",
                             employees=draw(st.sampled_from([None, 10, 500])))
                  for i in range(accounts)],
        contacts=[cu.Contact(id=f"c{i}", email=f"c{i}@a{owner}.com", account_id=f"a{owner}",
                             seniority=draw(st.sampled_from([None, "vp", "individual"])))
                  for i, owner in enumerate(owners)],
        interactions=[cu.Interaction(id=f"i{n}", occurred_at=AS_OF - timedelta(days=days),
                                     type=kind, contact_id=f"c{who}", priority=priority)
                      for n, (who, kind, days, priority) in enumerate(touches)],
    )  # fmt: skip


SCORERS = [EngagementScorer(), EngagementScorer(level="account", window_days=60), FitScorer(),
           LeadScorer(), HealthScorer()]  # fmt: skip


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bases())
def test_every_scorer_reasons_add_up_to_its_scores(base):
    times = base.interactions.column("occurred_at")
    if times.min() >= cu.tables.to_nanos(AS_OF):
        return  # nothing happened before as_of: the scorers rightly refuse it
    for scorer in SCORERS:
        table = scorer.score(base, as_of=AS_OF)
        known = ~np.isnan(table.score)  # health leaves prospects unscored
        assert np.allclose(table.reasons.total(len(table))[known], table.score[known]), scorer
