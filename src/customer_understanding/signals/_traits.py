"""Account traits as of a moment, computed in bulk: the facts that signal policies read."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding.base import CustomerBase
from customer_understanding.tables import NAT

__all__ = ["TRAITS", "account_traits"]

DAY = 86_400 * 10**9
_OPEN_STATUSES = ("new", "open", "pending", "hold")


@attrs.frozen
class _Scope:
    """The interactions and deals up to ``as_of``, with per-row account and age in days."""

    base: CustomerBase
    as_of: int
    rows: npt.NDArray[np.intp]
    account: npt.NDArray[np.int64]
    age: npt.NDArray[np.float64]

    @property
    def size(self) -> int:
        return len(self.base.accounts)

    def typed(self, *types: str) -> npt.NDArray[np.bool_]:
        table = self.base.interactions
        codes = [table.code_of("type", name) for name in types]
        return np.isin(table.column("type")[self.rows], codes)

    def labels(self, column: str) -> npt.NDArray[np.object_]:
        return self.base.interactions.labels(column)[self.rows]

    def values(self, column: str) -> npt.NDArray[np.generic]:
        return self.base.interactions.column(column)[self.rows]

    def count(self, mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.float64]:
        return np.bincount(self.account[mask], minlength=self.size).astype(np.float64)

    def distinct(self, mask: npt.NDArray[np.bool_], column: str) -> npt.NDArray[np.float64]:
        values = self.values(column)[mask]
        known = np.greater_equal(values, 0) if values.dtype.kind == "i" else pd.notna(values)
        frame = pd.DataFrame({"account": self.account[mask][known], "value": values[known]})
        return self.count_rows(frame.drop_duplicates()["account"].to_numpy(dtype=np.int64))

    def count_rows(self, accounts: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        return np.bincount(accounts, minlength=self.size).astype(np.float64)

    def days_since(self, mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.float64]:
        youngest = np.full(self.size, np.inf)
        np.minimum.at(youngest, self.account[mask], self.age[mask])
        return youngest


def _scope(base: CustomerBase, as_of: int) -> _Scope:
    table = base.interactions
    at, account = table.column("occurred_at"), table.column("account")
    rows = np.flatnonzero((account >= 0) & (at != NAT) & (at <= as_of))
    return _Scope(base=base, as_of=as_of, rows=rows, account=account[rows],
                  age=(as_of - at[rows]) / DAY)  # fmt: skip


def _open_tickets(scope: _Scope, *priorities: str) -> npt.NDArray[np.float64]:
    tickets = scope.typed("ticket") & np.isin(scope.labels("status"), _OPEN_STATUSES)
    if priorities:
        tickets &= np.isin(scope.labels("priority"), priorities)
    return scope.count(tickets)


def _complaints(scope: _Scope) -> npt.NDArray[np.float64]:
    satisfaction = scope.values("satisfaction").astype(np.float64)
    bad_rating = scope.typed("ticket", "csat_response") & (satisfaction <= 0.2)
    return scope.count((scope.typed("spam_report") | bad_rating) & (scope.age <= 30))


def _satisfaction(scope: _Scope) -> npt.NDArray[np.float64]:
    rated = scope.values("satisfaction").astype(np.float64)
    mask = ~np.isnan(rated) & (scope.age <= 180)
    total = np.bincount(scope.account[mask], weights=rated[mask], minlength=scope.size)
    count = scope.count(mask)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _product(scope: _Scope) -> npt.NDArray[np.bool_]:
    return scope.typed("login", "feature_use", "seat_change")


def _active_users(scope: _Scope, start: float, end: float) -> npt.NDArray[np.float64]:
    window = _product(scope) & (scope.age >= start) & (scope.age < end)
    return scope.distinct(window, "contact")


def _seats(scope: _Scope) -> npt.NDArray[np.float64]:
    changes = scope.typed("seat_change") & ~np.isnan(scope.values("quantity").astype(float))
    order = np.argsort(-scope.age[changes], kind="stable")  # oldest first, newest last wins
    seats = np.full(scope.size, np.nan)
    seats[scope.account[changes][order]] = scope.values("quantity")[changes][order]
    return seats


def _web_baseline(scope: _Scope) -> npt.NDArray[np.float64]:
    earlier = scope.typed("page_view") & (scope.age >= 14) & (scope.age < 104)
    return scope.count(earlier) / (90 / 14)


def _deals(scope: _Scope, *, won: bool) -> npt.NDArray[np.float64]:
    deals = scope.base.opportunities
    account, created = deals.column("account"), deals.column("created_at")
    closed, outcome = deals.column("closed_at"), deals.labels("outcome")
    if won:
        mask = (outcome == "won") & (closed != NAT) & (closed <= scope.as_of)
    else:
        still_open = (outcome == "open") | (closed == NAT) | (closed > scope.as_of)
        mask = (created != NAT) & (created <= scope.as_of) & still_open
    return np.bincount(account[mask & (account >= 0)], minlength=scope.size).astype(np.float64)


def _new_seniors(scope: _Scope) -> npt.NDArray[np.float64]:
    contacts = scope.base.contacts
    created, account = contacts.column("created_at"), contacts.column("account")
    senior = np.isin(contacts.labels("seniority"), ["vp", "c_level"])
    recent = (created != NAT) & (created <= scope.as_of) & (created > scope.as_of - 30 * DAY)
    return scope.count_rows(account[senior & recent & (account >= 0)])


_Trait = Callable[[_Scope], npt.NDArray[np.float64]]

_DEFINITIONS: dict[str, tuple[str, _Trait]] = {
    "open_p1_tickets": ("open tickets of priority p1", lambda s: _open_tickets(s, "p1")),
    "open_tickets": ("open tickets of any priority", _open_tickets),
    "complaints_30d": ("spam reports and badly rated tickets in 30 days", _complaints),
    "tickets_90d": ("tickets opened in 90 days",
                    lambda s: s.count(s.typed("ticket") & (s.age <= 90))),
    "satisfaction": ("mean satisfaction rating in 180 days, in [0, 1]", _satisfaction),
    "features_30d": ("distinct product features used in 30 days",
                     lambda s: s.distinct(s.typed("feature_use") & (s.age <= 30), "subject")),
    "active_users_30d": ("people using the product in 30 days",
                         lambda s: _active_users(s, 0, 30)),
    "active_users_prev_30d": ("people using the product 30 to 60 days ago",
                              lambda s: _active_users(s, 30, 60)),
    "seats": ("licensed seats, from the latest seat change", _seats),
    "days_since_product_use": ("days since anyone used the product",
                               lambda s: s.days_since(_product(s))),
    "days_since_sales_touch": ("days since the last sales interaction",
                               lambda s: s.days_since(s.labels("discipline") == "sales")),
    "web_visits_14d": ("page views from the account in 14 days",
                       lambda s: s.count(s.typed("page_view") & (s.age <= 14))),
    "web_visits_baseline": ("page views per 14 days over the 90 days before", _web_baseline),
    "downloads_14d": ("content downloads in 14 days",
                      lambda s: s.count(s.typed("content_download") & (s.age <= 14))),
    "won_deals": ("deals won by the as-of time", lambda s: _deals(s, won=True)),
    "open_deals": ("deals open at the as-of time", lambda s: _deals(s, won=False)),
    "new_senior_contacts_30d": ("VPs and C-level people who appeared in 30 days", _new_seniors),
}  # fmt: skip


def _ratio(top: pd.Series[float], bottom: pd.Series[float]) -> npt.NDArray[np.float64]:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(bottom > 0, top / bottom, np.nan)


_DERIVED: dict[str, tuple[str, Callable[[pd.DataFrame], npt.NDArray[np.float64]]]] = {
    "web_surge_ratio": ("page views in 14 days over the usual 14 days (at least 1 view)",
                        lambda t: t["web_visits_14d"] / np.maximum(t["web_visits_baseline"], 1.0)),
    "seat_utilisation": ("active users in 30 days per licensed seat",
                         lambda t: _ratio(t["active_users_30d"], t["seats"])),
    "active_users_change": ("relative change of active users against the 30 days before",
                            lambda t: _ratio(t["active_users_30d"],
                                             t["active_users_prev_30d"]) - 1),
}  # fmt: skip

#: Every trait a policy may use, with what it measures.
TRAITS: Mapping[str, str] = MappingProxyType(
    {name: text for name, (text, _) in [*_DEFINITIONS.items(), *_DERIVED.items()]}
)


def account_traits(base: CustomerBase, as_of: int) -> pd.DataFrame:
    """Every trait for every account (one row per account row), using data up to ``as_of``.

    Examples
    --------
    >>> import customer_understanding as cu
    >>> base = cu.CustomerBase.from_objects(accounts=[cu.Account(id="a1")], interactions=[
    ...     cu.Interaction(id="t1", occurred_at="2026-03-01", type="ticket", priority="p1",
    ...                    status="open", account_id="a1")])
    >>> from customer_understanding.tables import to_nanos
    >>> from datetime import datetime, UTC
    >>> traits = account_traits(base, to_nanos(datetime(2026, 3, 2, tzinfo=UTC)))
    >>> traits.loc[0, ["open_p1_tickets", "open_tickets", "tickets_90d"]].tolist()
    [1.0, 1.0, 1.0]
    """
    scope = _scope(base, as_of)
    traits = pd.DataFrame({name: compute(scope) for name, (_, compute) in _DEFINITIONS.items()})
    for name, (_, derive) in _DERIVED.items():
        traits[name] = derive(traits)
    return traits
