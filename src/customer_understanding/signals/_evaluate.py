"""Evaluating policies over every account: fire, address, respect consent and precedence."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import (
    Moment,
    TableExport,
    html_table,
    known_by,
    parse_moment,
    summary,
    typed_fields,
)
from customer_understanding._errors import InvalidValueError, UnknownNameError
from customer_understanding.base import consent_status
from customer_understanding.domain import ConsentPurpose
from customer_understanding.signals._builtins import DEFAULT_POLICIES
from customer_understanding.signals._policy import Emit, Policy, Signal, check_unique_names
from customer_understanding.traits import Condition, ScoreTrait, SegmentTrait, TraitSnapshot
from customer_understanding.typing import AsOf, BaseLike, Trait

__all__ = ["SignalSet", "evaluate_signals"]

_COLUMNS = ["kind", "discipline", "priority", "account_id", "owner", "contact_id", "policy",
            "reasons", "created_at", "expires_at"]  # fmt: skip
_SENIOR = Condition(trait="seniority", op="in", value=("vp", "c_level"))


@attrs.frozen(field_transformer=typed_fields, kw_only=True, repr=False)
class SignalSet(TableExport):
    """The signals raised as of one moment, and those held back with the reason why.

    Read-only: :meth:`to_pandas` and :attr:`suppressed` hand out new DataFrames.

    Examples
    --------
    >>> import customer_understanding as cu
    >>> base = cu.CustomerBase.from_objects(accounts=[cu.Account(id="a1", owner="Dana")],
    ...     interactions=[cu.Interaction(id="t1", occurred_at="2026-03-01", type="ticket",
    ...                                  priority="p1", status="open", account_id="a1")])
    >>> signals = evaluate_signals(base)
    >>> signals
    SignalSet: 3 rows, as of 2026-03-01T00:00:00Z, held_back=0
    >>> sorted(signals.to_pandas()["kind"])
    ['alert_owner', 'pause_nurture', 'pause_upsell']
    >>> signals.for_account("a1")[0].reasons
    ('open_p1_tickets = 1 (open_p1_tickets >= 1)',)
    """

    as_of: Moment = attrs.field(converter=Moment)
    _signals: pd.DataFrame = attrs.field(eq=False)
    _held: pd.DataFrame = attrs.field(eq=False)

    def __len__(self) -> int:
        return len(self._signals)

    def __repr__(self) -> str:
        return summary("SignalSet", len(self), as_of=self.as_of.isoformat(),
                       held_back=len(self._held))  # fmt: skip

    def _repr_html_(self) -> str:
        return html_table(repr(self), self.to_pandas())

    @property
    def suppressed(self) -> pd.DataFrame:
        """The signals held back, with ``held_back_because`` (a new DataFrame)."""
        return self._held.copy()

    def to_pandas(self) -> pd.DataFrame:
        """One row per signal (a new DataFrame)."""
        return self._signals.copy()

    def for_account(self, account_id: str) -> list[Signal]:
        """The signals of one account, most urgent first."""
        rows = self._signals[self._signals["account_id"] == account_id]
        rows = rows.sort_values(["priority", "kind"], kind="stable")
        return [Signal(**{str(k): _cell(v) for k, v in row.items()})
                for row in rows.to_dict("records")]  # fmt: skip

    def live(self, at: AsOf) -> SignalSet:
        """Only the signals still live at ``at`` (any form of a moment)."""
        when = pd.Timestamp(parse_moment(at, name="at").datetime)
        live = (self._signals["created_at"] <= when) & (self._signals["expires_at"] > when)
        return attrs.evolve(self, signals=self._signals[live].reset_index(drop=True))


def _inputs(
    scores: Mapping[str, Any] | None,
    segments: Mapping[str, Any] | None,
    traits: Mapping[str, Trait] | None,
) -> dict[str, Trait]:
    given: dict[str, Trait] = {}
    wrapped: list[tuple[str, Trait]] = [
        *((name, ScoreTrait(scores=table)) for name, table in (scores or {}).items()),
        *((name, SegmentTrait(segmentation=seg)) for name, seg in (segments or {}).items()),
        *(traits or {}).items(),
    ]
    for name, trait in wrapped:
        if name in given:
            msg = f"name={name!r} is given twice among scores, segments and traits"
            raise InvalidValueError(msg)
        given[name] = trait
    return given


def evaluate_signals(
    base: BaseLike,
    policies: Sequence[Policy] = DEFAULT_POLICIES,
    *,
    as_of: AsOf = None,
    scores: Mapping[str, Any] | None = None,
    segments: Mapping[str, Any] | None = None,
    traits: Mapping[str, Trait] | None = None,
    accounts: Iterable[str] | None = None,
) -> SignalSet:
    """Evaluate policies over every account and return the signals they raise.

    Policies run from the highest precedence down; a firing policy holds back the kinds it
    suppresses from lower-precedence policies on the same account. A signal for a contact
    goes only to a contact who granted its consent purpose as of the moment (marketing
    consent for a marketing signal; see :attr:`Emit.purpose`). Everything held back
    is kept in :attr:`SignalSet.suppressed` with the reason.

    Parameters
    ----------
    base
        The customer base.
    policies
        The policies to evaluate (:data:`DEFAULT_POLICIES` unless given).
    as_of
        The moment to judge at (any form); only data up to it counts. Defaults to the
        latest event in the base.
    scores
        Account score tables by the name conditions use (``{"health": table}`` makes
        ``health < 40`` a condition); each must be computed as of ``as_of`` or before.
    segments
        Account segmentations by the name conditions use (the value is the segment name).
    traits
        Further traits by name (see :class:`customer_understanding.typing.Trait`).
    accounts
        Only these account ids, judged on their rows alone (see
        :func:`~customer_understanding.traits.evaluate_traits`): the signals of one
        customer at the cost of one customer, the same as the whole base's for it.

    Raises
    ------
    InvalidValueError
        If two policies share a name, a name is given twice, or ``as_of`` is before any
        data.
    NotFoundError
        If an account in ``accounts`` is not in the base.
    UnknownNameError
        If a policy reads a trait that is not known (the message names the policy).

    Examples
    --------
    >>> import customer_understanding as cu
    >>> from customer_understanding.scoring import HealthScorer
    >>> from customer_understanding.traits import Condition
    >>> base = cu.CustomerBase.from_objects(accounts=[cu.Account(id="a1")], interactions=[
    ...     cu.Interaction(id=f"t{n}", occurred_at=f"2026-03-{n + 1:02d}", type="ticket",
    ...                    priority="p2", status="open", account_id="a1") for n in range(4)],
    ...     opportunities=[cu.Opportunity(id="o1", account_id="a1", outcome="won",
    ...                                   closed_at="2026-01-15")])
    >>> at_risk = Policy(name="at_risk", when=Condition(trait="health", op="<", value=40),
    ...                  emit=[Emit(kind="alert_csm", discipline="service")])
    >>> health = HealthScorer().score(base, as_of=None)
    >>> signals = evaluate_signals(base, [at_risk], scores={"health": health})
    >>> signals.for_account("a1")[0].reasons
    ('health = 14 (health < 40)',)
    >>> len(evaluate_signals(base, [at_risk], scores={"health": health}, accounts=["a1"]))
    1
    """
    check_unique_names(policies)
    facts = TraitSnapshot(base, as_of=as_of, traits=_inputs(scores, segments, traits),
                          accounts=accounts)  # fmt: skip
    for policy in policies:
        _check_traits(policy, facts)
    run = _Run(facts=facts)
    for policy in sorted(policies, key=lambda p: -p.precedence):
        run.apply(policy)
    columns = [*_COLUMNS, "held_back_because"]
    signals = pd.DataFrame(run.kept, columns=columns).drop(columns="held_back_because")
    return SignalSet(as_of=facts.as_of, signals=signals,
                     held=pd.DataFrame(run.held, columns=columns))  # fmt: skip


def _check_traits(policy: Policy, facts: TraitSnapshot) -> None:
    for name in sorted(policy.trait_names):
        try:
            facts.trait(name)
        except UnknownNameError as error:
            msg = f"policy {policy.name!r}: {error}"
            raise UnknownNameError(msg) from None


def _pick(facts: TraitSnapshot, score: npt.NDArray[np.float64], allowed: npt.NDArray[np.bool_],
          ) -> npt.NDArray[np.int64]:  # fmt: skip
    """Per account row, the allowed contact row with the highest score (-1 if none)."""
    account = facts.tables.contacts.column("account")
    rows = np.flatnonzero(allowed & (account >= 0))
    order = rows[np.lexsort((-score[rows], account[rows]))]
    chosen = np.full(facts.size("account"), -1, dtype=np.int64)
    first = np.unique(account[order], return_index=True)
    chosen[first[0]] = order[first[1]]
    return chosen


def _addressees(facts: TraitSnapshot, emit: Emit) -> npt.NDArray[np.int64]:
    allowed = np.ones(facts.size("contact"), dtype=bool)
    if emit.consent is not None:
        tables = facts.tables
        allowed = consent_status(tables.consents, len(tables.contacts), purpose=emit.consent,
                                 moment=facts.as_of) == "granted"  # fmt: skip
    if emit.to == "most_engaged_contact":
        return _pick(facts, facts.values("interactions_90d", level="contact"), allowed)
    created = facts.tables.contacts.column("created_at")
    appeared = known_by(created, facts.as_of) & facts.holds(_SENIOR, level="contact")
    return _pick(facts, created.astype(np.float64), allowed & appeared)


def _reasons(policy: Policy, facts: TraitSnapshot, row: int) -> tuple[str, ...]:
    context = [(name, facts.values(name)[row]) for name in policy.context]
    shown = [f"{name} = {value:g}" if isinstance(value, float) else f"{name} = {value}"
             for name, value in context if not pd.isna(value)]  # fmt: skip
    return (*policy.when.explain(facts, row), *shown)


@attrs.define
class _Run:
    """One evaluation: the facts, what was raised, what was held back, and why."""

    facts: TraitSnapshot
    kept: list[dict[str, object]] = attrs.field(factory=list)
    held: list[dict[str, object]] = attrs.field(factory=list)
    silenced: dict[int, tuple[str, frozenset[str]]] = attrs.field(factory=dict)
    _addressees: dict[tuple[str, ConsentPurpose | None], npt.NDArray[np.int64]] = attrs.field(
        factory=dict
    )

    @property
    def created(self) -> datetime:
        return self.facts.as_of.datetime

    def apply(self, policy: Policy) -> None:
        accounts = self.facts.tables.accounts
        ids, owners = accounts.column("id"), accounts.labels("owner")
        created = self.created
        for row in np.flatnonzero(self.facts.holds(policy.when)).tolist():
            reasons = _reasons(policy, self.facts, row)
            for emit in policy.emit:
                signal = {
                    "kind": emit.kind, "discipline": emit.discipline, "priority": emit.priority,
                    "account_id": ids[row], "owner": owners[row], "contact_id": None,
                    "policy": policy.name, "reasons": reasons, "created_at": created,
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
        key = (emit.to, emit.consent)
        if key not in self._addressees:
            self._addressees[key] = _addressees(self.facts, emit)
        contact = self._addressees[key][row]
        if contact < 0:
            if emit.consent is not None:
                return f"no contact at the account has granted {emit.consent.value} consent"
            return "no contact to address"
        signal["contact_id"] = self.facts.tables.contacts.column("id")[contact]
        return None


def _cell(value: Any) -> Any:
    # Missing text is NaN in pandas 3's string columns (None in pandas 2's object ones).
    return None if value is pd.NA or (isinstance(value, float) and math.isnan(value)) else value
