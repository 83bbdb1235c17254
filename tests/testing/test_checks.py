"""The conformance kit catches each defect it promises to catch, with a message naming it.

Every bad strategy below differs from a correct one in exactly one way; the value it
scores (or segments on) comes from a plain function of the tables and the moment.
"""

from collections.abc import Callable

import attrs
import numpy as np
import pytest

from customer_understanding._core import known_by
from customer_understanding.journeys import Attribution, Linear
from customer_understanding.scoring import Reasons, ScoreTable
from customer_understanding.segmentation import Segmentation
from customer_understanding.testing import (
    check_attributor,
    check_scorer,
    check_segmenter,
    fingerprint,
    past_view,
    private_copy,
    sample_base,
    shuffled_view,
)

# -- what the strategies read ---------------------------------------------------------------


def known_touches(tables, as_of):
    """Correct: interactions per account up to as_of."""
    interactions = tables.interactions
    account = interactions.column("account")
    mask = known_by(interactions.column("occurred_at"), as_of) & (account >= 0)
    return np.bincount(account[mask], minlength=len(tables.accounts)).astype(float)


def _per_account(tables, account):
    account = account[account >= 0]
    return np.bincount(account, minlength=len(tables.accounts)).astype(float)


def won_deals_ever(tables, as_of):
    """Reads deals won after as_of (their close time is never looked at)."""
    deals = tables.opportunities
    won = deals.column("outcome") == deals.code_of("outcome", "won")
    return known_touches(tables, as_of) + _per_account(tables, deals.column("account")[won])


def deals_ever_opened(tables, as_of):
    """Reads deals created after as_of."""
    return known_touches(tables, as_of) + _per_account(
        tables, tables.opportunities.column("account")
    )


def tickets_ever(tables, as_of):
    """Reads tickets (interactions) opened after as_of."""
    interactions = tables.interactions
    ticket = interactions.column("type") == interactions.code_of("type", "ticket")
    return _per_account(tables, interactions.column("account")[ticket])


def stage_changes_ever(tables, as_of):
    """Reads stage changes after as_of (those of the account's contacts)."""
    stages = tables.stages
    of_contacts = stages.column("subject_kind") == stages.code_of("subject_kind", "contact")
    contact = stages.column("subject")[of_contacts]
    return _per_account(tables, tables.contacts.column("account")[contact[contact >= 0]])


def contacts_ever(tables, as_of):
    """Reads contacts created after as_of (every contact counts)."""
    return known_touches(tables, as_of) + _per_account(tables, tables.contacts.column("account"))


def first_listed_touch(tables, as_of):
    """Depends on row order: the age of the account's first interaction *row*."""
    interactions = tables.interactions
    times, account = interactions.column("occurred_at"), interactions.column("account")
    mask = known_by(times, as_of) & (account >= 0)
    rows = np.flatnonzero(mask)
    _, first = np.unique(account[rows], return_index=True)
    age = np.zeros(len(tables.accounts))
    age[account[rows[first]]] = (as_of - times[rows[first]]) / 86_400e9
    return age


def writes_its_input(tables, as_of):
    """Mutates its input: overwrites a column it was handed read-only."""
    quantity = tables.interactions.column("quantity")
    quantity.setflags(write=True)
    quantity[:] = 1.0
    return known_touches(tables, as_of)


def fails_when_empty(tables, as_of):
    """Fails on an empty base (the maximum of no times)."""
    latest = int(tables.interactions.column("occurred_at").max())
    return known_touches(tables, as_of) * (latest > 0)


def noisy(tables, as_of):
    """Not deterministic: unseeded noise."""
    return known_touches(tables, as_of) + np.random.default_rng().random(len(tables.accounts))


# -- strategies built on them -------------------------------------------------------------


@attrs.frozen
class ValueScorer:
    """Scores accounts by ``value(tables, as_of)``, one reason per account."""

    value: Callable
    level = "account"

    def score(self, base, /, *, as_of):
        tables = base.tables
        moment = tables.moment(as_of)
        value = self.value(tables, moment)
        rows = np.arange(len(value))
        reasons = Reasons(row=rows, signal=np.zeros(len(rows)), signals=("value",), value=value,
                          weight=np.ones(len(rows)), decay=np.ones(len(rows)),
                          contribution=value)  # fmt: skip
        return ScoreTable(scorer="value", level="account", as_of=moment,
                          ids=tables.accounts.column("id"), score=value,
                          grade=np.full(len(value), -1), grades=(), reasons=reasons)  # fmt: skip


_BANDS = tuple(f"quarter_{k}" for k in range(400))


@attrs.frozen
class ValueSegmenter:
    """Segments accounts by ``value`` in quarters (0, 0.25, …, 99.75 and up); its own model."""

    value: Callable
    level = "account"
    segment_names = _BANDS

    def fit(self, base, /, *, as_of):
        base.tables.moment(as_of)
        return self

    def assign(self, base, /, *, as_of):
        tables = base.tables
        moment = tables.moment(as_of)
        band = np.clip(np.floor(self.value(tables, moment) * 4), 0, len(_BANDS) - 1)
        ids = tables.accounts.column("id")
        return Segmentation(segmenter="value", level="account", as_of=moment, ids=ids,
                            segment=band, segments=_BANDS)  # fmt: skip


DEFECTS = [
    (won_deals_ever, "point_in_time", "after as_of"),
    (deals_ever_opened, "point_in_time", "after as_of"),
    (tickets_ever, "point_in_time", "after as_of"),
    (stage_changes_ever, "point_in_time", "after as_of"),
    (contacts_ever, "point_in_time", "after as_of"),
    (first_listed_touch, "row_order", "order of table rows"),
    (writes_its_input, "leaves_input_unchanged", "changed its input: tables.interactions.quantity"),
    (fails_when_empty, "empty_base", "empty base raised ValueError"),
    (noisy, "deterministic", "twice gives different results"),
    (lambda tables, as_of: known_touches(tables, as_of), "pickles", "cannot be pickled"),  # noqa: PLW0108
]  # fmt: skip
IDS = [value.__name__.strip("<>") for value, _, _ in DEFECTS]


def test_correct_strategies_pass():
    check_scorer(ValueScorer(known_touches))
    check_segmenter(ValueSegmenter(known_touches))


@pytest.mark.parametrize(("value", "check", "message"), DEFECTS, ids=IDS)
def test_scorer_defect_is_caught(value, check, message):
    with pytest.raises(AssertionError, match=f"check_scorer_{check} failed") as caught:
        check_scorer(ValueScorer(value))
    assert message in str(caught.value)


@pytest.mark.parametrize(("value", "check", "message"), DEFECTS, ids=IDS)
def test_segmenter_defect_is_caught(value, check, message):
    with pytest.raises(AssertionError, match=f"check_segmenter_{check} failed") as caught:
        check_segmenter(ValueSegmenter(value))
    assert message in str(caught.value)


def test_a_mutating_strategy_leaves_the_sample_base_intact():
    before = fingerprint(sample_base())
    with pytest.raises(AssertionError):
        check_scorer(ValueScorer(writes_its_input))
    assert fingerprint(sample_base()) == before


def test_past_view_cuts_every_time_column():
    base = sample_base()
    as_of = int(np.quantile(base.tables.interactions.column("occurred_at"), 0.6))
    tables = past_view(base, as_of=as_of).tables
    for table, column in [("interactions", "occurred_at"), ("opportunities", "created_at"),
                          ("opportunities", "closed_at"), ("stages", "at")]:  # fmt: skip
        times = getattr(tables, table).column(column)
        assert (times[times != np.iinfo(np.int64).min] <= as_of).all(), (table, column)
    created = tables.contacts.column("created_at")
    assert len(tables.contacts) < len(base.tables.contacts)
    stages = tables.stages
    of_contacts = stages.column("subject_kind") == stages.code_of("subject_kind", "contact")
    referenced = np.concatenate([tables.interactions.column("contact"),
                                 tables.contact_roles.column("contact"),
                                 stages.column("subject")[of_contacts]])  # fmt: skip
    late = np.flatnonzero(created > as_of)
    assert np.isin(late, referenced).all()  # a contact created later stays for earlier events


def test_past_view_keeps_references_consistent():
    base = sample_base()
    as_of = int(np.quantile(base.tables.interactions.column("occurred_at"), 0.6))
    old, new = base.tables, past_view(base, as_of=as_of).tables
    contact_ids = np.append(new.contacts.column("id"), None)[new.interactions.column("contact")]
    kept = known_by(old.interactions.column("occurred_at"), as_of)
    expected = np.append(old.contacts.column("id"), None)[old.interactions.column("contact")[kept]]
    assert contact_ids.tolist() == expected.tolist()


def test_past_view_keeps_consent_statements_on_their_contacts():
    base = sample_base()
    as_of = int(np.quantile(base.tables.interactions.column("occurred_at"), 0.6))
    old, new = base.tables, past_view(base, as_of=as_of).tables
    assert len(new.contacts) < len(old.contacts)
    ids = lambda t: np.append(t.contacts.column("id"), None)[t.consents.column("contact")]  # noqa: E731
    kept = np.isin(ids(old), new.contacts.column("id"))
    assert ids(new).tolist() == ids(old)[kept].tolist()


def test_shuffled_view_keeps_every_fact():
    base = sample_base()
    view = shuffled_view(base, seed=5)
    old, new = base.tables, view.tables
    ids = lambda t: t.interactions.column("source_id")  # noqa: E731
    assert not np.array_equal(ids(old), ids(new))
    assert sorted(ids(old).tolist()) == sorted(ids(new).tolist())
    deal_of_role = lambda t: t.opportunities.column("name")[t.contact_roles.column("opportunity")]  # noqa: E731
    assert sorted(deal_of_role(old).tolist()) == sorted(deal_of_role(new).tolist())


def test_private_copy_is_equal_and_separate():
    base = sample_base()
    copied = private_copy(base)
    assert fingerprint(copied) == fingerprint(base)
    assert copied.tables.interactions.column("quantity") is not base.tables.interactions.column(
        "quantity"
    )


def _credit_one_touch(touches, outcomes, pick):
    """All of each converted journey's value to the touch ``pick`` chooses among candidates."""
    credit = np.zeros(len(touches))
    for journey in np.flatnonzero(outcomes.converted):
        rows = np.flatnonzero(touches.journey == journey)
        if len(rows):
            credit[pick(touches, outcomes, rows)] = outcomes.outcome_values[journey]
    return Attribution(method="bad", channels=touches.channels, credit=credit,
                       journey=touches.journey, channel=touches.channel)  # fmt: skip


def _latest(touches, outcomes, rows):
    """The last touch by time, even when it came after the outcome."""
    return rows[np.argmax(touches.at[rows])]


def _first_listed_in_scope(touches, outcomes, rows):
    """The first *row* before the outcome, whatever its time."""
    end = outcomes.outcome_times[touches.journey[rows[0]]]
    return rows[touches.at[rows] <= end][0]


@attrs.frozen
class OneTouch:
    """A bad attributor: the whole value to one touch chosen by ``pick``."""

    pick: Callable
    name = "one_touch"

    def attribute(self, touches, outcomes, /):
        return _credit_one_touch(touches, outcomes, self.pick)


@pytest.mark.parametrize(("pick", "check"), [(_latest, "point_in_time"),
                                             (_first_listed_in_scope, "row_order")])  # fmt: skip
def test_attributor_defect_is_caught(pick, check):
    with pytest.raises(AssertionError, match=f"check_attributor_{check} failed"):
        check_attributor(OneTouch(pick))


def test_built_in_attributor_passes():
    check_attributor(Linear())


def test_attributor_that_is_not_one_is_refused():
    with pytest.raises(AssertionError, match="check_attributor_protocol"):
        check_attributor(object())
