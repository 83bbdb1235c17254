"""Everything about one account in one object: people, committee, timeline, traits, signals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import attrs
import pandas as pd

from customer_understanding._errors import NotFoundError
from customer_understanding.base import CustomerBase
from customer_understanding.committee import (
    DEFAULT_TEMPLATE,
    Committee,
    RoleTemplate,
    buying_committee,
)
from customer_understanding.domain import Account
from customer_understanding.scoring import ScoreTable
from customer_understanding.segmentation import Segmentation
from customer_understanding.signals import DEFAULT_POLICIES, Policy, Signal, evaluate_signals
from customer_understanding.signals import account_traits as all_traits
from customer_understanding.tables import from_nanos
from customer_understanding.views._html import render_html
from customer_understanding.views._text import render_text

__all__ = ["AccountView", "account_view"]


@attrs.frozen(kw_only=True)
class AccountView:
    """One account as every discipline sees it, as of a moment.

    Attributes
    ----------
    account
        The golden account record with its provenance.
    as_of
        The moment the view describes.
    committee
        The buying committee with roles, graph, coverage and gaps.
    timeline
        Every interaction across marketing, sales, service and product, oldest first.
    traits
        The account's traits (open tickets, adoption, web activity …) as of the moment.
    signals
        Live signals for the account, most urgent first.
    scores, score_reasons, segments
        Scores (with their top reasons when a score table was given) and segment names,
        by name.

    Examples
    --------
    >>> import customer_understanding as cu
    >>> base = cu.CustomerBase.from_objects(
    ...     accounts=[cu.Account(id="a1", name="Acme", owner="Dana")],
    ...     contacts=[cu.Contact(id="c1", account_id="a1", first_name="Fay", title="CFO")],
    ...     interactions=[cu.Interaction(id="t1", occurred_at="2026-03-01", type="ticket",
    ...                                  priority="p1", status="open", contact_id="c1")])
    >>> view = account_view(base, "a1")
    >>> print(view.summary().splitlines()[0])
    Acme (a1) — owner Dana, as of 2026-03-01
    >>> [s.kind for s in view.signals]
    ['alert_owner', 'pause_nurture', 'pause_upsell']
    >>> "<table" in view._repr_html_()
    True
    """

    account: Account
    as_of: datetime
    committee: Committee = attrs.field(repr=False)
    timeline: pd.DataFrame = attrs.field(repr=False)
    traits: Mapping[str, float] = attrs.field(repr=False)
    signals: tuple[Signal, ...] = attrs.field(repr=False)
    scores: Mapping[str, float] = attrs.field(factory=dict, repr=False)
    score_reasons: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict, repr=False)
    segments: Mapping[str, str] = attrs.field(factory=dict, repr=False)

    def summary(self, *, timeline_rows: int = 10) -> str:
        """A readable text summary: the account, committee, gaps, signals and latest touches."""
        return render_text(self, timeline_rows=timeline_rows)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        return render_html(self)

    def plot_committee(self, ax: Any = None) -> Any:
        """Draw the committee graph with matplotlib (the ``plot`` extra); returns the axes.

        Raises
        ------
        ImportError
            If matplotlib is not installed, naming the extra that installs it.
        """
        from customer_understanding.views._plot import plot_committee

        return plot_committee(self.committee, ax=ax)


def account_view(
    base: CustomerBase,
    account_id: str,
    *,
    as_of: datetime | str | None = None,
    template: RoleTemplate = DEFAULT_TEMPLATE,
    policies: Sequence[Policy] = DEFAULT_POLICIES,
    scores: Mapping[str, float | ScoreTable] | None = None,
    segments: Mapping[str, str | Segmentation] | None = None,
) -> AccountView:
    """Build the :class:`AccountView` of one account.

    Parameters
    ----------
    base
        The customer base.
    account_id
        The account.
    as_of
        The moment to describe; defaults to the latest interaction in the base.
    template
        The roles the committee needs.
    policies
        The signal policies to evaluate.
    scores
        Scores by name: a number, or an account-level
        :class:`~customer_understanding.scoring.ScoreTable` whose row for this account (and
        its top three reasons) is shown.
    segments
        Segments by name: a segment name, or an account-level
        :class:`~customer_understanding.segmentation.Segmentation`.

    Raises
    ------
    NotFoundError
        If the account does not exist.
    InvalidValueError
        If ``as_of`` is before any data.

    Examples
    --------
    >>> import customer_understanding as cu
    >>> base = cu.CustomerBase.from_objects(accounts=[cu.Account(id="a1", name="Acme")],
    ...     interactions=[cu.Interaction(id="w1", occurred_at="2026-03-01", type="page_view",
    ...                                  account_id="a1", subject="/pricing")])
    >>> view = account_view(base, "a1", scores={"fit": 80.0})
    >>> view.timeline["subject"].tolist(), view.scores
    (['/pricing'], {'fit': 80.0})
    """
    row = base.account_row(account_id)
    moment = base.tables.moment(as_of)
    when = from_nanos(moment)
    assert when is not None
    timeline = base.timeline(account_id)
    timeline = timeline[timeline["occurred_at"] <= pd.Timestamp(when)].reset_index(drop=True)
    traits = all_traits(base, moment).iloc[row].to_dict()
    signals = evaluate_signals(base, policies=policies, as_of=when)
    return AccountView(
        account=base.account(account_id),
        as_of=when,
        committee=buying_committee(base, account_id, as_of=when, template=template),
        timeline=timeline,
        traits={str(k): float(v) for k, v in traits.items()},
        signals=tuple(signals.live(when).for_account(account_id)),
        scores={name: _score(value, account_id) for name, value in (scores or {}).items()},
        score_reasons={
            name: _reasons(value, account_id)
            for name, value in (scores or {}).items()
            if isinstance(value, ScoreTable)
        },
        segments={name: _segment(value, account_id) for name, value in (segments or {}).items()},
    )


def _score(value: float | ScoreTable, account_id: str) -> float:
    if isinstance(value, ScoreTable):
        return float(value.score[value.row_of(account_id)])
    return float(value)


def _reasons(table: ScoreTable, account_id: str) -> tuple[str, ...]:
    top = table.top_reasons(account_id, n=3)
    return tuple(
        f"{signal} {contribution:+.1f}"
        for signal, contribution in zip(top["signal"], top["contribution"], strict=True)
    )


def _segment(value: str | Segmentation, account_id: str) -> str:
    if isinstance(value, Segmentation):
        labels = dict(zip(value.ids, value.labels(), strict=True))
        if account_id not in labels:
            msg = f"account_id={account_id!r} is not in segmentation {value.segmenter!r}"
            raise NotFoundError(msg)
        return str(labels[account_id] or "(none)")
    return value
