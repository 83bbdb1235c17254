"""Everything about one account in one object: people, committee, timeline, traits, signals."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import pandas as pd

from customer_understanding._core import Moment, TableExport, frozen_mapping, summary, typed_fields
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
from customer_understanding.traits import evaluate_traits, standard_traits
from customer_understanding.typing import AsOf
from customer_understanding.views._html import render_html
from customer_understanding.views._text import SHOWN_TRAITS, render_text

__all__ = ["AccountView", "account_view"]

TraitValue = float | str | None


def _traits(values: Mapping[str, TraitValue]) -> Mapping[str, TraitValue]:
    return frozen_mapping(values)


def _scores(values: Mapping[str, float]) -> Mapping[str, float]:
    return frozen_mapping(values)


def _why(values: Mapping[str, tuple[str, ...]]) -> Mapping[str, tuple[str, ...]]:
    return frozen_mapping(values)


def _signals(values: Iterable[Signal]) -> tuple[Signal, ...]:
    return tuple(values)


def _segments(values: Mapping[str, str]) -> Mapping[str, str]:
    return frozen_mapping(values)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class AccountView(TableExport):
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
        Every interaction across marketing, sales, service and product, oldest first
        (a new DataFrame on each access).
    traits
        The account's standard traits (open tickets, seat utilisation, web activity,
        lifecycle stage …) as of the moment, from :mod:`customer_understanding.traits`:
        numbers, or text for category traits; ``nan`` / ``None`` when unknown.
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
    >>> view
    AccountView: 1 row, as of 2026-03-01T00:00:00Z, account_id=a1, signals=3
    >>> print(view.summary().splitlines()[0])
    Acme (a1) — owner Dana, as of 2026-03-01
    >>> [s.kind for s in view.signals]
    ['alert_owner', 'pause_nurture', 'pause_upsell']
    >>> "<table" in view._repr_html_()
    True
    """

    account: Account
    as_of: Moment = attrs.field(converter=Moment)
    committee: Committee = attrs.field(repr=False)
    _timeline: pd.DataFrame = attrs.field(repr=False, eq=False)
    traits: Mapping[str, TraitValue] = attrs.field(repr=False, converter=_traits)
    signals: tuple[Signal, ...] = attrs.field(repr=False, converter=_signals)
    scores: Mapping[str, float] = attrs.field(factory=dict, repr=False, converter=_scores)
    score_reasons: Mapping[str, tuple[str, ...]] = attrs.field(
        factory=dict, repr=False, converter=_why
    )
    segments: Mapping[str, str] = attrs.field(factory=dict, repr=False, converter=_segments)

    @property
    def timeline(self) -> pd.DataFrame:
        """Every interaction of the account up to the moment, oldest first (a new DataFrame)."""
        return self._timeline.copy()

    def __repr__(self) -> str:
        return summary("AccountView", 1, as_of=self.as_of.isoformat(),
                       account_id=self.account.id, signals=len(self.signals))  # fmt: skip

    def to_pandas(self) -> pd.DataFrame:
        """One row: ``account_id``, then the traits, scores and segments by name."""
        row: dict[str, Any] = {"account_id": self.account.id, **self.traits}
        row.update({f"score_{name}": value for name, value in self.scores.items()})
        row.update({f"segment_{name}": value for name, value in self.segments.items()})
        return pd.DataFrame([row])

    def summary(self, *, timeline_rows: int = 10) -> str:
        """A readable text summary: the account, committee, gaps, signals and latest touches."""
        return render_text(self, timeline_rows=timeline_rows)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        return render_html(self, header=repr(self))

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
    as_of: AsOf = None,
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
        The moment to describe (any form); defaults to the latest event in the base.
    template
        The roles the committee needs.
    policies
        The signal policies to evaluate; they may read the score tables and
        segmentations given here by name.
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
    >>> view.timeline["subject"].tolist(), dict(view.scores)
    (['/pricing'], {'fit': 80.0})
    """
    moment = base.tables.moment(as_of)
    own = base.for_accounts([account_id])  # the account's rows alone: one customer's cost
    timeline = own.timeline(account_id)
    timeline = timeline[timeline["occurred_at"] <= pd.Timestamp(moment.datetime)]
    traits = evaluate_traits(own, SHOWN_TRAITS, as_of=moment)
    tables = {n: v for n, v in (scores or {}).items() if isinstance(v, ScoreTable)}
    groups = {n: v for n, v in (segments or {}).items() if isinstance(v, Segmentation)}
    judged = own if _local(policies, {*tables, *groups}) else base
    signals = evaluate_signals(judged, policies, as_of=moment, scores=tables, segments=groups)
    return AccountView(
        account=base.account(account_id),
        as_of=moment,
        committee=buying_committee(own, account_id, as_of=moment, template=template),
        timeline=timeline.reset_index(drop=True),
        traits={name: _plain(traits[name][0]) for name in traits.names},
        signals=signals.live(moment).for_account(account_id),
        scores={name: _score(value, account_id) for name, value in (scores or {}).items()},
        score_reasons={name: _reasons(value, account_id) for name, value in tables.items()},
        segments={name: _segment(value, account_id) for name, value in (segments or {}).items()},
    )


def _local(policies: Sequence[Policy], given: set[str]) -> bool:
    """Whether the policies read only facts of the account itself.

    Standard traits and the scores and segments given (looked up by id) do; a trait of
    the user's own might compare the account with others, so with one the signals are
    judged on the whole base.
    """
    known = set(standard_traits()) | given
    return all(policy.trait_names <= known for policy in policies)


def _plain(value: object) -> TraitValue:
    return value if value is None or isinstance(value, str) else float(value)  # type: ignore[arg-type]


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
