"""Customer-side lifecycle stages of accounts, derived from deals, product use and service.

An account is a *customer as of T* once a deal of its closed won at or before T. From
its first won deal on, its customer-side stage is decided every ``step_days`` (a
checkpoint) from what was known by then, and every change becomes an entry of the
account's stage history (``system="derived"``, written into ``tables.stages``):

- ``churned``: a renewal of its contract was lost (a deal of kind ``renewal``, closed
  after it became a customer), no deal was won since, at least ``churn_days`` have
  passed since that loss, and nobody used the product in the last ``churn_days`` (a
  customer who stopped buying and stopped using; use winding down after the loss, as a
  contract runs out, only delays the churn until the product has been quiet for
  ``churn_days``). A lost upsell is no lost customer, and a lost deal of no recorded
  kind is not read as one: this is the rule of the ``renewal_lost`` trait the health
  score reads, so the two never disagree about who was lost;
- ``dormant``: nobody at it used the product in the last ``dormant_days`` (at least
  that long after its first won deal), while the product was being tracked (the data
  holds product events from before that window): a customer who stopped using the
  product, or never started;
- ``at_risk``: entered when, in the last ``risk_days``, it had at least
  ``urgent_tickets`` urgent (P1) tickets, or at least ``bad_ratings`` bad satisfaction
  ratings making up at least half of its ratings, or a lost deal; left only once the
  last ``risk_days`` hold none of these at all (so a count hovering at a threshold does
  not flap in and out);
- ``advocate``: one of its contacts is an advocate (a marketing "evangelist") by then;
- ``adopting``: ``onboarding_days`` have passed since the first won deal and it has
  used the product since;
- ``onboarding``: otherwise, from the first won deal's close.

The first stage that holds, in this order, is the stage at a checkpoint. Each entry is
dated at the checkpoint where the evidence was first known (onboarding: at the close),
so the stage as of any T reads only what was known by T.
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

from customer_understanding._core import DAY_NS, NAT, check_positive, typed_fields
from customer_understanding.tables import InteractionTable, OpportunityTable, StageHistoryTable

__all__ = ["CustomerStageRules", "derive_customer_stages"]

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
_ORDER = ("churned", "dormant", "at_risk", "advocate", "adopting", "onboarding")
#: About how many checkpoints are decided at once (bounds memory on large bases).
_CHUNK = 1_000_000


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class CustomerStageRules:
    """How customer-side stages are decided from deals, product use and service facts.

    See the module notes (and the lifecycle explanation page) for the rule of each
    stage; every threshold is in days or counts and applies to any company's data.

    Examples
    --------
    >>> CustomerStageRules().dormant_days
    60.0
    >>> CustomerStageRules(dormant_days=0)
    Traceback (most recent call last):
    ...
    customer_understanding.InvalidValueError: dormant_days=0 must be > 0
    """

    step_days: float = attrs.field(default=7.0, validator=check_positive)
    onboarding_days: float = attrs.field(default=60.0, validator=check_positive)
    dormant_days: float = attrs.field(default=60.0, validator=check_positive)
    churn_days: float = attrs.field(default=30.0, validator=check_positive)
    risk_days: float = attrs.field(default=90.0, validator=check_positive)
    urgent_tickets: int = attrs.field(default=2, validator=check_positive)
    bad_ratings: int = attrs.field(default=2, validator=check_positive)


@attrs.frozen(kw_only=True)
class _Events:
    """One kind of dated account event, sorted by account then time, as search keys."""

    keys: Ints

    @classmethod
    def of(cls, account: Ints, at: Ints, mask: Bools) -> _Events:
        keep = mask & (account >= 0) & (at != NAT)
        keys = _key(account[keep], at[keep])
        return cls(keys=np.sort(keys))

    def count(self, account: Ints, low: Ints, high: Ints) -> Ints:
        """Events of each ``account`` in ``(low, high]``."""
        upper = np.searchsorted(self.keys, _key(account, high), side="right")
        lower = np.searchsorted(self.keys, _key(account, low), side="right")
        return np.asarray(upper - lower, dtype=np.int64)


def _key(account: Ints, at: Ints) -> Ints:
    """Account then time in one sortable int64 (seconds; 2**32 s is over a century)."""
    seconds = np.clip(at // 10**9 + 2**31, 0, 2**32 - 1)
    return np.asarray((account.astype(np.int64) << 32) | seconds, dtype=np.int64)


def _won_and_lost(deals: OpportunityTable) -> tuple[Ints, Ints, Bools]:
    account, closed = deals.column("account"), deals.column("closed_at")
    outcome = np.asarray(deals.labels("outcome"), dtype=object)
    keep = (account >= 0) & (closed != NAT) & np.isin(outcome, ["won", "lost"])
    return account[keep], closed[keep], outcome[keep] == "won"


def _lost_renewals(deals: OpportunityTable) -> tuple[Ints, Ints, Bools]:
    """The lost renewals alone, in the shape of :func:`_won_and_lost`."""
    account, closed = deals.column("account"), deals.column("closed_at")
    lost = (np.asarray(deals.labels("outcome"), dtype=object) == "lost") & (
        np.asarray(deals.labels("kind"), dtype=object) == "renewal"
    )
    keep = (account >= 0) & (closed != NAT) & lost
    return account[keep], closed[keep], np.zeros(int(keep.sum()), dtype=np.bool_)


def _checkpoints(
    first_win: Ints, customers: Ints, *, latest: int, step: int
) -> tuple[Ints, Ints, Ints]:
    """(account, time, first win) of each checkpoint of ``customers``.

    A customer's checkpoints are its first win, then every ``step`` up to ``latest``.
    """
    counts = (latest - first_win[customers]) // step + 1
    account = np.repeat(customers, counts).astype(np.int64)
    offset = np.arange(len(account)) - np.repeat(np.cumsum(counts) - counts, counts)
    return account, first_win[account] + offset * step, first_win[account]


def _last_close(
    deals: tuple[Ints, Ints, Bools], account: Ints, at: Ints, *, won: bool | None
) -> Ints:
    """The latest close (of won, lost or any deals) of each account at or before ``at``."""
    who, closed, is_won = deals
    mask = np.ones(len(who), dtype=np.bool_) if won is None else is_won == won
    keys = np.sort(_key(who[mask], closed[mask]))
    if not len(keys):
        return np.full(len(account), NAT, dtype=np.int64)
    position = np.searchsorted(keys, _key(account, at), side="right") - 1
    found = (position >= 0) & ((keys[np.maximum(position, 0)] >> 32) == account)
    seconds = (keys[np.maximum(position, 0)] & (2**32 - 1)) - 2**31
    return np.where(found, seconds * 10**9, NAT)


@attrs.frozen(kw_only=True)
class _Signals:
    """The dated facts the stages are decided from, indexed once for every checkpoint."""

    product: _Events
    urgent: _Events
    bad: _Events
    rated: _Events
    closes: tuple[Ints, Ints, Bools]
    lost_renewals: tuple[Ints, Ints, Bools]
    tracked_from: int
    advocate_at: Ints

    @classmethod
    def of(cls, interactions: InteractionTable, deals: OpportunityTable, *,
           advocate_at: Ints) -> _Signals:  # fmt: skip
        who, when = interactions.column("account"), interactions.column("occurred_at")
        is_product = interactions.labels("discipline") == "product"
        is_ticket = interactions.labels("type") == "ticket"
        rating = interactions.column("satisfaction")
        times = when[is_product & (when != NAT)]
        return cls(
            product=_Events.of(who, when, is_product),
            urgent=_Events.of(who, when, is_ticket & (interactions.labels("priority") == "p1")),
            bad=_Events.of(who, when, rating == 0.0),
            rated=_Events.of(who, when, ~np.isnan(rating)),
            closes=_won_and_lost(deals),
            lost_renewals=_lost_renewals(deals),
            tracked_from=int(times.min()) if len(times) else NAT,
            advocate_at=advocate_at,
        )


def _state(signals: _Signals, points: tuple[Ints, Ints, Ints], rules: CustomerStageRules) -> Ints:
    """The customer-side stage code (into ``_ORDER``) of every checkpoint."""
    account, at, first_win = points
    product = signals.product
    last_lost = _last_close(signals.closes, account, at, won=False)
    last_won = _last_close(signals.closes, account, at, won=True)
    renewal_lost = _last_close(signals.lost_renewals, account, at, won=False)
    churn_span = _span(rules.churn_days)
    churned = (
        (renewal_lost != NAT) & (renewal_lost > first_win) & (last_won < renewal_lost)
        & (renewal_lost + churn_span <= at)
        & (product.count(account, at - churn_span, at) == 0)
    )  # fmt: skip
    # Dormant: nobody used the product for dormant_days while it was being tracked
    # (product events exist from before that window), whether or not anyone ever had.
    dormant_span = _span(rules.dormant_days)
    tracked = (signals.tracked_from != NAT) & (signals.tracked_from <= at - dormant_span)
    dormant = (
        tracked & (at - first_win >= dormant_span)
        & (product.count(account, at - dormant_span, at) == 0)
    )  # fmt: skip
    used = product.count(account, first_win, at) > 0
    lost_lately = (last_lost > first_win) & (last_lost > at - _span(rules.risk_days))
    advocate_at = signals.advocate_at[account]
    conditions = (
        churned,
        dormant,
        _at_risk(signals, (account, at), lost_lately=lost_lately, rules=rules),
        (advocate_at != NAT) & (advocate_at <= at),
        used & (at - first_win >= _span(rules.onboarding_days)),
    )
    return np.asarray(np.select(conditions, np.arange(5), default=5), dtype=np.int64)


def _span(days: float) -> int:
    return round(days * DAY_NS)


def _at_risk(
    signals: _Signals, points: tuple[Ints, Ints], *, lost_lately: Bools, rules: CustomerStageRules
) -> Bools:
    """At risk at each checkpoint: entered on strong evidence, held while any is left."""
    account, at = points
    since = at - _span(rules.risk_days)
    urgent_count = signals.urgent.count(account, since, at)
    bad_count = signals.bad.count(account, since, at)
    mostly_bad = 2 * bad_count >= signals.rated.count(account, since, at)
    enter = (
        (urgent_count >= rules.urgent_tickets)
        | ((bad_count >= rules.bad_ratings) & mostly_bad)
        | lost_lately
    )  # fmt: skip
    hold = (urgent_count > 0) | (bad_count > 0) | lost_lately
    return _latched(account, enter=enter, hold=hold)


def _latched(account: Ints, *, enter: Bools, hold: Bools) -> Bools:
    """True from a checkpoint where ``enter`` holds for as long as ``hold`` keeps holding.

    A risk is entered on strong evidence and left only once no evidence at all is left
    in the window, so a count wavering around a threshold does not flap in and out.
    """
    start = np.concatenate([[True], account[1:] != account[:-1]]) | ~hold
    segment = np.cumsum(start).astype(np.int64)
    entered = np.maximum.accumulate(segment * 2 + (enter & hold)) - segment * 2
    return np.asarray(hold & (entered > 0), dtype=np.bool_)


def derive_customer_stages(
    tables: tuple[InteractionTable, OpportunityTable, StageHistoryTable, Ints],
    *,
    accounts: int,
    rules: CustomerStageRules,
) -> StageHistoryTable:
    """The customer-side stage entries of every account, as a stage-history table.

    ``tables`` holds the interactions, deals and stage entries (resolved) and each
    contact's account row; ``accounts`` is the number of accounts.
    """
    interactions, deals, stages, account_of_contact = tables
    who, closed, is_won = _won_and_lost(deals)
    first_win = np.full(accounts, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_win, who[is_won], closed[is_won])
    first_win = np.where(first_win == np.iinfo(np.int64).max, NAT, first_win)
    times = [interactions.column("occurred_at"), deals.column("created_at"), closed]
    known = np.concatenate([t[t != NAT] for t in times])
    if not len(known) or not np.any(first_win != NAT):
        return StageHistoryTable.empty()
    latest = int(known.max())
    step = _span(rules.step_days)
    signals = _Signals.of(
        interactions, deals, advocate_at=_advocate_at(stages, account_of_contact, accounts=accounts)
    )
    parts = [
        _entries(signals, _checkpoints(first_win, group, latest=latest, step=step), rules)
        for group in _groups(first_win, latest=latest, step=step)
    ]
    return StageHistoryTable.concat(parts) if parts else StageHistoryTable.empty()


def _groups(first_win: Ints, *, latest: int, step: int) -> list[Ints]:
    """The customers in groups of about ``_CHUNK`` checkpoints (memory stays bounded)."""
    customers = np.flatnonzero((first_win != NAT) & (first_win <= latest))
    counts = (latest - first_win[customers]) // step + 1
    group = (np.cumsum(counts) - counts) // _CHUNK
    return [customers[group == number] for number in np.unique(group)]


def _entries(
    signals: _Signals, points: tuple[Ints, Ints, Ints], rules: CustomerStageRules
) -> StageHistoryTable:
    """The stage changes among one group's checkpoints."""
    account, at, _ = points
    code = _state(signals, points, rules)
    change = np.concatenate([[True], (account[1:] != account[:-1]) | (code[1:] != code[:-1])])
    rows = np.flatnonzero(change)
    names = np.asarray(_ORDER, dtype=object)[code[rows]]
    return StageHistoryTable.from_columns(
        {
            "system": np.full(len(rows), "derived", dtype=object),
            "subject_kind": np.full(len(rows), "account", dtype=object),
            "stage": names,
            "at": at[rows],
            "detail": names,
            "subject": account[rows],
        }
    )


def _advocate_at(stages: StageHistoryTable, account_of_contact: Ints, *, accounts: int) -> Ints:
    """When each account first had a contact who is an advocate (``NAT`` if never)."""
    subject = stages.column("subject")
    rows = np.flatnonzero(
        (stages.labels("subject_kind") == "contact")
        & (stages.labels("stage") == "advocate")
        & (subject >= 0)
        & (stages.column("at") != NAT)
    )
    account = account_of_contact[subject[rows]]
    keep = account >= 0
    first = np.full(accounts, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, account[keep], stages.column("at")[rows][keep])
    return np.where(first == np.iinfo(np.int64).max, NAT, first)
