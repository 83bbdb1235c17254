"""Evaluating policies over every account: fire, address, respect consent and precedence."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding.base import CustomerBase
from customer_understanding.domain import Discipline
from customer_understanding.signals._builtins import DEFAULT_POLICIES
from customer_understanding.signals._policy import Emit, Policy, Signal, check_unique_names
from customer_understanding.signals._traits import DAY, account_traits
from customer_understanding.tables import NAT, from_nanos

__all__ = ["SignalSet", "evaluate_signals"]

_COLUMNS = ["kind", "discipline", "priority", "account_id", "owner", "contact_id", "policy",
            "reasons", "created_at", "expires_at"]  # fmt: skip


@attrs.frozen(kw_only=True)
class SignalSet:
    """The signals raised as of one moment, and those held back with the reason why.

    Examples
    --------
    >>> import customer_understanding as cu
    >>> base = cu.CustomerBase.from_objects(accounts=[cu.Account(id="a1", owner="Dana")],
    ...     interactions=[cu.Interaction(id="t1", occurred_at="2026-03-01", type="ticket",
    ...                                  priority="p1", status="open", account_id="a1")])
    >>> signals = evaluate_signals(base)
    >>> sorted(signals.to_pandas()["kind"])
    ['alert_owner', 'pause_nurture', 'pause_upsell']
    >>> signals.for_account("a1")[0].reasons
    ('open_p1_tickets = 1 (open_p1_tickets >= 1)',)
    """

    as_of: datetime
    signals: pd.DataFrame = attrs.field(repr=False)
    suppressed: pd.DataFrame = attrs.field(repr=False)

    def __len__(self) -> int:
        return len(self.signals)

    def to_pandas(self) -> pd.DataFrame:
        """One row per signal."""
        return self.signals.copy()

    def for_account(self, account_id: str) -> list[Signal]:
        """The signals of one account, most urgent first."""
        rows = self.signals[self.signals["account_id"] == account_id]
        rows = rows.sort_values(["priority", "kind"], kind="stable")
        return [Signal(**{str(k): v for k, v in row.items()}) for row in rows.to_dict("records")]

    def live(self, at: datetime) -> SignalSet:
        """Only the signals still live at ``at``."""
        live = (self.signals["created_at"] <= at) & (self.signals["expires_at"] > at)
        return attrs.evolve(self, signals=self.signals[live].reset_index(drop=True))


def _activity_by_contact(base: CustomerBase, as_of: int) -> npt.NDArray[np.float64]:
    table = base.interactions
    at, contact = table.column("occurred_at"), table.column("contact")
    recent = (contact >= 0) & (at != NAT) & (at <= as_of) & (at > as_of - 90 * DAY)
    return np.bincount(contact[recent], minlength=len(base.contacts)).astype(np.float64)


def _pick(base: CustomerBase, score: npt.NDArray[np.float64], allowed: npt.NDArray[np.bool_],
          ) -> npt.NDArray[np.int64]:  # fmt: skip
    """Per account row, the allowed contact row with the highest score (-1 if none)."""
    account = base.contacts.column("account")
    rows = np.flatnonzero(allowed & (account >= 0))
    order = rows[np.lexsort((-score[rows], account[rows]))]
    chosen = np.full(len(base.accounts), -1, dtype=np.int64)
    first = np.unique(account[order], return_index=True)
    chosen[first[0]] = order[first[1]]
    return chosen


def _addressees(base: CustomerBase, as_of: int, emit: Emit) -> npt.NDArray[np.int64]:
    contacts = base.contacts
    allowed = np.ones(len(contacts), dtype=bool)
    if emit.discipline is Discipline.MARKETING:
        allowed = contacts.labels("marketing_consent") == "granted"
    if emit.to == "most_engaged_contact":
        return _pick(base, _activity_by_contact(base, as_of), allowed)
    created = contacts.column("created_at")
    senior = np.isin(contacts.labels("seniority"), ["vp", "c_level"]) & (created != NAT)
    return _pick(base, created.astype(np.float64), allowed & senior & (created <= as_of))


def _reasons(policy: Policy, traits: pd.DataFrame, row: int) -> tuple[str, ...]:
    return tuple(f"{c.trait} = {traits[c.trait].iloc[row]:g} ({c})" for c in policy.when)


def _fired(policy: Policy, traits: pd.DataFrame) -> npt.NDArray[np.intp]:
    mask = np.ones(len(traits), dtype=bool)
    for condition in policy.when:
        values = traits[condition.trait].to_numpy(dtype=np.float64)
        with np.errstate(invalid="ignore"):
            mask &= np.asarray(condition.holds(values), dtype=np.bool_) & ~np.isnan(values)
    return np.flatnonzero(mask)


def evaluate_signals(
    base: CustomerBase,
    *,
    policies: Sequence[Policy] = DEFAULT_POLICIES,
    as_of: datetime | str | None = None,
) -> SignalSet:
    """Evaluate policies over every account and return the signals they raise.

    Policies run from the highest precedence down; a firing policy holds back the kinds it
    suppresses from lower-precedence policies on the same account. A marketing signal for
    a contact goes only to a contact who granted marketing consent. Everything held back
    is kept in :attr:`SignalSet.suppressed` with the reason.

    Parameters
    ----------
    base
        The customer base.
    policies
        The policies to evaluate (:data:`DEFAULT_POLICIES` unless given).
    as_of
        The moment to judge at; only data up to it counts. Defaults to the latest
        interaction in the base.

    Raises
    ------
    InvalidValueError
        If two policies share a name or ``as_of`` is before any data.

    Examples
    --------
    >>> import customer_understanding as cu
    >>> base = cu.CustomerBase.from_objects(accounts=[cu.Account(id="a1")], interactions=[
    ...     cu.Interaction(id=f"v{n}", occurred_at=f"2026-03-{n + 1:02d}", type="page_view",
    ...                    account_id="a1", subject="/pricing") for n in range(12)])
    >>> [s.kind for s in evaluate_signals(base).for_account("a1")]
    ['web_surge']
    """
    check_unique_names(policies)
    moment = base.tables.moment(as_of)
    run = _Run(base=base, moment=moment, traits=account_traits(base, moment))
    for policy in sorted(policies, key=lambda p: -p.precedence):
        run.apply(policy)
    columns = [*_COLUMNS, "held_back_because"]
    signals = pd.DataFrame(run.kept, columns=columns).drop(columns="held_back_because")
    return SignalSet(
        as_of=run.created,
        signals=_with_top_pages(base, signals, moment),
        suppressed=pd.DataFrame(run.held, columns=columns),
    )


@attrs.define
class _Run:
    """One evaluation: the facts, what was raised, what was held back, and why."""

    base: CustomerBase
    moment: int
    traits: pd.DataFrame
    kept: list[dict[str, object]] = attrs.field(factory=list)
    held: list[dict[str, object]] = attrs.field(factory=list)
    silenced: dict[int, tuple[str, frozenset[str]]] = attrs.field(factory=dict)
    _addressees: dict[tuple[str, bool], npt.NDArray[np.int64]] = attrs.field(factory=dict)

    @property
    def created(self) -> datetime:
        created = from_nanos(self.moment)
        assert created is not None  # as_of_nanos never returns NAT
        return created

    def apply(self, policy: Policy) -> None:
        ids, owners = self.base.accounts.column("id"), self.base.accounts.labels("owner")
        created = self.created
        for row in _fired(policy, self.traits).tolist():
            for emit in policy.emit:
                signal = {
                    "kind": emit.kind, "discipline": emit.discipline, "priority": emit.priority,
                    "account_id": ids[row], "owner": owners[row], "contact_id": None,
                    "policy": policy.name, "reasons": _reasons(policy, self.traits, row),
                    "created_at": created,
                    "expires_at": created + timedelta(days=emit.expires_in_days),
                }  # fmt: skip
                reason = self._held_back(signal, emit, row)
                (self.held if reason else self.kept).append({**signal, "held_back_because": reason})
            if policy.suppresses:
                name, kinds = self.silenced.get(row, (policy.name, frozenset()))
                self.silenced[row] = (name, kinds | policy.suppresses)

    def _held_back(self, signal: dict[str, object], emit: Emit, row: int) -> str | None:
        if row in self.silenced and emit.kind in self.silenced[row][1]:
            return f"suppressed by policy {self.silenced[row][0]!r}"
        if emit.to == "account":
            return None
        key = (emit.to, emit.discipline is Discipline.MARKETING)
        if key not in self._addressees:
            self._addressees[key] = _addressees(self.base, self.moment, emit)
        contact = self._addressees[key][row]
        if contact < 0:
            if emit.discipline is Discipline.MARKETING:
                return "no contact at the account has granted marketing consent"
            return "no contact to address"
        signal["contact_id"] = self.base.contacts.column("id")[contact]
        return None


def _with_top_pages(base: CustomerBase, signals: pd.DataFrame, moment: int) -> pd.DataFrame:
    """Add the three most viewed pages of the last 14 days to each web surge's reasons."""
    surges = signals.index[signals["kind"] == "web_surge"]
    if not len(surges):
        return signals
    rows = [base.account_row(str(a)) for a in signals.loc[surges, "account_id"]]
    table = base.interactions
    at, account = table.column("occurred_at"), table.column("account")
    recent = (at != NAT) & (at <= moment) & (at > moment - 14 * DAY) & np.isin(account, rows)
    frame = pd.DataFrame({"account": account[recent], "page": table.column("subject")[recent]})
    counts = frame.dropna().value_counts().reset_index(name="views")
    counts = counts.sort_values(["account", "views", "page"], ascending=[True, False, True])
    top = counts.groupby("account")["page"].agg(lambda pages: ", ".join(pages.iloc[:3]))
    reasons = signals["reasons"].tolist()
    for index, row in zip(surges, rows, strict=True):
        if row in top.index:
            reasons[index] = (*reasons[index], f"top pages: {top[row]}")
    return signals.assign(reasons=reasons)
