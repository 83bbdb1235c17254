"""Buying committees as of a moment: for every account at once, or for one account or deal."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._errors import InvalidValueError, NotFoundError
from customer_understanding.base import CustomerBase
from customer_understanding.committee._coverage import CoverageReport, Gap, committee_coverage
from customer_understanding.committee._graph import (
    committee_graph,
    influence_shares,
    occasion_edges,
)
from customer_understanding.committee._roles import assign_roles
from customer_understanding.committee._stats import engagement
from customer_understanding.committee._template import (
    DEFAULT_TEMPLATE,
    RoleTemplate,
    TemplateByDealSize,
)
from customer_understanding.domain import Discipline
from customer_understanding.tables import NAT, from_nanos

__all__ = ["Committee", "CommitteeSet", "buying_committee", "committees"]

_DISCIPLINES = tuple(d.value for d in Discipline)


@attrs.frozen(kw_only=True)
class Committee:
    """One account's (or opportunity's) buying committee as of a moment.

    Attributes
    ----------
    account_id
        The account.
    opportunity_id
        The opportunity, for a deal's committee; ``None`` for the account's.
    as_of
        The moment it describes: only data up to then was used.
    graph
        A :class:`networkx.Graph`: contact ids as nodes with ``role``, ``confidence``,
        ``role_source``, ``name``, ``title``, ``seniority``, ``last_touch``, per-discipline
        engagement and ``influence``; edges from shared occasions with a recency ``weight``.
    members
        One row per member, most influential first.
    coverage
        Coverage of the template in [0, 1].
    gaps
        What is missing, with reasons.

    Examples
    --------
    >>> import customer_understanding as cu
    >>> base = cu.CustomerBase.from_objects(
    ...     accounts=[cu.Account(id="a1", name="Acme")],
    ...     contacts=[cu.Contact(id="c1", account_id="a1", title="CFO"),
    ...               cu.Contact(id="c2", account_id="a1", title="Solutions Architect")],
    ...     interactions=[cu.Interaction(id=f"i{n}", occurred_at="2026-03-01", type="meeting",
    ...                                  contact_id=c, opportunity_id="o1")
    ...                   for n, c in enumerate(["c1", "c2"])])
    >>> committee = buying_committee(base, "a1")
    >>> sorted(committee.members["role"])
    ['economic_buyer', 'technical_evaluator']
    >>> committee.graph.has_edge("c1", "c2"), committee.coverage
    (True, 0.5)
    """

    account_id: str
    opportunity_id: str | None
    as_of: datetime
    graph: Any = attrs.field(repr=False)
    members: pd.DataFrame = attrs.field(repr=False)
    coverage: float
    gaps: tuple[Gap, ...]

    def changes_since(self, earlier: Committee) -> pd.DataFrame:
        """Who joined, left or changed role between ``earlier`` and this committee.

        Examples
        --------
        >>> import customer_understanding as cu
        >>> base = cu.CustomerBase.from_objects(
        ...     accounts=[cu.Account(id="a1")],
        ...     contacts=[cu.Contact(id="c1", account_id="a1", title="CFO"),
        ...               cu.Contact(id="c2", account_id="a1", title="VP Sales",
        ...                          created_at="2026-03-01")],
        ...     interactions=[cu.Interaction(id="i1", occurred_at="2026-01-01", type="call",
        ...                                  contact_id="c1")])
        >>> before = buying_committee(base, "a1", as_of="2026-02-01")
        >>> after = buying_committee(base, "a1", as_of="2026-04-01")
        >>> after.changes_since(before)[["contact_id", "change"]].values.tolist()
        [['c2', 'joined']]
        """
        old = earlier.members.set_index("contact_id")["role"]
        new = self.members.set_index("contact_id")["role"]
        rows = [(c, "joined", None, new[c]) for c in new.index.difference(old.index)]
        rows += [(c, "left", old[c], None) for c in old.index.difference(new.index)]
        both = new.index.intersection(old.index)
        rows += [(c, "role_changed", old[c], new[c]) for c in both if old[c] != new[c]]
        return pd.DataFrame(rows, columns=["contact_id", "change", "role_before", "role_after"])


@attrs.frozen(kw_only=True)
class CommitteeSet:
    """The committees of every account as of one moment, computed in bulk.

    Attributes
    ----------
    members
        One row per member of any committee, with ``account_id``.
    edges
        One row per edge: ``account_id``, ``source``, ``target``, ``weight``.
    coverage
        Coverage and gaps per account.

    Examples
    --------
    >>> import customer_understanding as cu
    >>> base = cu.CustomerBase.from_objects(accounts=[cu.Account(id="a1")],
    ...     contacts=[cu.Contact(id="c1", account_id="a1", title="CFO")],
    ...     interactions=[cu.Interaction(id="i1", occurred_at="2026-03-01", type="call",
    ...                                  contact_id="c1")])
    >>> everyone = committees(base)
    >>> everyone.members["role"].tolist(), everyone.committee("a1").coverage
    (['economic_buyer'], 0.25)
    """

    as_of: datetime
    members: pd.DataFrame = attrs.field(repr=False)
    edges: pd.DataFrame = attrs.field(repr=False)
    coverage: CoverageReport = attrs.field(repr=False)

    def to_pandas(self) -> pd.DataFrame:
        """Every member of every committee."""
        return self.members.copy()

    def committee(self, account_id: str) -> Committee:
        """One account's committee, with its graph."""
        gaps = tuple(self.coverage.gaps_of(account_id))  # raises for unknown accounts
        members = self.members[self.members["account_id"] == account_id].drop(columns="account_id")
        edges = self.edges[self.edges["account_id"] == account_id]
        frame = self.coverage.accounts
        score = frame.loc[frame["account_id"] == account_id, "coverage"]
        return Committee(account_id=account_id, opportunity_id=None, as_of=self.as_of,
                         graph=committee_graph(members, edges),
                         members=members.reset_index(drop=True), coverage=float(score.iloc[0]),
                         gaps=gaps)  # fmt: skip


def _check(half_life_days: float) -> None:
    if not half_life_days > 0:
        msg = f"half_life_days={half_life_days!r} must be > 0"
        raise InvalidValueError(msg)


def _frames(
    base: CustomerBase, rows: npt.NDArray[np.intp], *, as_of: int, half_life_days: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Members and edges of the committees formed by the contact ``rows``."""
    tables = base.tables
    contacts = tables.contacts
    roles = assign_roles(contacts, roles=tables.contact_roles, deals=tables.opportunities,
                         as_of=as_of)  # fmt: skip
    activity = engagement(tables.interactions, len(contacts), as_of=as_of,
                          half_life_days=half_life_days)  # fmt: skip
    table = tables.interactions
    at = table.column("occurred_at")
    mine = np.flatnonzero(np.isin(table.column("contact"), rows) & (at != NAT) & (at <= as_of))
    edges = occasion_edges(table, mine, as_of=as_of, half_life_days=half_life_days)
    account = np.full(len(contacts), -1, dtype=np.int64)
    account[rows] = contacts.column("account")[rows]
    # A committee links its own members only: people of two accounts can meet on one deal.
    same = account[edges["a"].to_numpy(np.int64)] == account[edges["b"].to_numpy(np.int64)]
    edges = edges[same].reset_index(drop=True)
    share = influence_shares(edges, account)
    ids = contacts.column("id")
    first = pd.Series(contacts.column("first_name")[rows], dtype=object).fillna("")
    last = pd.Series(contacts.column("last_name")[rows], dtype=object).fillna("")
    members = pd.DataFrame({
        "account_id": base.accounts.column("id")[account[rows]],
        "contact_id": ids[rows],
        "name": (first + " " + last).str.strip().replace("", None).to_numpy(dtype=object),
        "title": contacts.column("title")[rows],
        "seniority": contacts.labels("seniority")[rows],
        "role": roles.labels()[rows],
        "confidence": roles.confidence[rows],
        "role_source": roles.sources()[rows],
        "last_touch": pd.to_datetime(activity.last_touch[rows].view("datetime64[ns]"), utc=True),
        **{d: activity.by_discipline[rows, i] for i, d in enumerate(_DISCIPLINES)},
        "influence": share[rows],
    })  # fmt: skip
    members = members.sort_values(["account_id", "influence", "contact_id"],
                                  ascending=[True, False, True], ignore_index=True)  # fmt: skip
    a, b = edges["a"].to_numpy(dtype=np.int64), edges["b"].to_numpy(dtype=np.int64)
    named = pd.DataFrame({"account_id": base.accounts.column("id")[account[a]],
                          "source": ids[a], "target": ids[b],
                          "weight": edges["weight"].to_numpy(dtype=np.float64)})  # fmt: skip
    return members, named


def _members_of(base: CustomerBase, as_of: int) -> npt.NDArray[np.intp]:
    contacts = base.contacts
    created = contacts.column("created_at")
    present = (created == NAT) | (created <= as_of)
    return np.flatnonzero((contacts.column("account") >= 0) & present)


def committees(
    base: CustomerBase,
    *,
    as_of: datetime | str | None = None,
    template: RoleTemplate | TemplateByDealSize = DEFAULT_TEMPLATE,
    half_life_days: float = 30.0,
) -> CommitteeSet:
    """The buying committee of every account, with coverage and gaps, in one pass.

    Parameters
    ----------
    base
        The customer base.
    as_of
        Judge as of this moment; defaults to the latest interaction in the base.
    template
        The roles required for coverage and gaps.
    half_life_days
        How fast shared occasions and engagement lose weight with age.

    Examples
    --------
    >>> import customer_understanding as cu
    >>> base = cu.CustomerBase.from_objects(
    ...     accounts=[cu.Account(id="a1"), cu.Account(id="a2")],
    ...     contacts=[cu.Contact(id="c1", account_id="a1", title="CFO"),
    ...               cu.Contact(id="c2", account_id="a2", title="Business Analyst")],
    ...     interactions=[cu.Interaction(id="i1", occurred_at="2026-03-01", type="call",
    ...                                  contact_id="c1")])
    >>> found = committees(base)
    >>> found.members[["account_id", "role"]].values.tolist()
    [['a1', 'economic_buyer'], ['a2', 'user']]
    >>> found.coverage.to_pandas()["coverage"].tolist()
    [0.25, 0.125]
    """
    _check(half_life_days)
    moment = base.tables.moment(as_of)
    members, edges = _frames(base, _members_of(base, moment), as_of=moment,
                             half_life_days=half_life_days)  # fmt: skip
    when = from_nanos(moment)
    assert when is not None
    coverage = committee_coverage(base, as_of=when, template=template)
    return CommitteeSet(as_of=when, members=members, edges=edges, coverage=coverage)


def _deal_rows(
    base: CustomerBase, opportunity_id: str, rows: npt.NDArray[np.intp]
) -> npt.NDArray[np.intp]:
    deal = base.opportunity_row(opportunity_id)
    roles = base.tables.contact_roles
    declared = roles.column("contact")[roles.column("opportunity") == deal]
    reference = base.opportunities.column("source_id")[deal]
    system = base.opportunities.labels("system")[deal]
    table = base.interactions
    logged = (table.column("opportunity_ref") == reference) & (table.labels("system") == system)
    on_deal = np.union1d(declared, table.column("contact")[logged])
    return np.intersect1d(rows, on_deal[on_deal >= 0])


def buying_committee(
    base: CustomerBase,
    account_id: str,
    *,
    as_of: datetime | str | None = None,
    opportunity_id: str | None = None,
    template: RoleTemplate | TemplateByDealSize = DEFAULT_TEMPLATE,
    half_life_days: float = 30.0,
) -> Committee:
    """The buying committee of an account, or of one of its opportunities.

    Parameters
    ----------
    base
        The customer base.
    account_id
        The account.
    as_of
        Judge as of this moment; defaults to the latest interaction in the base.
    opportunity_id
        Restrict to the people on one deal: its declared contact roles and the contacts
        of interactions logged against it.
    template
        The roles required for coverage and gaps.
    half_life_days
        How fast shared occasions and engagement lose weight with age.

    Raises
    ------
    NotFoundError
        If the account or opportunity does not exist.
    InvalidValueError
        If ``as_of`` is before any data or ``half_life_days`` is not positive.

    Examples
    --------
    >>> import customer_understanding as cu
    >>> base = cu.CustomerBase.from_objects(
    ...     accounts=[cu.Account(id="a1")],
    ...     contacts=[cu.Contact(id="c1", account_id="a1", title="VP Finance")],
    ...     interactions=[cu.Interaction(id="i1", occurred_at="2026-03-01", type="call",
    ...                                  contact_id="c1")])
    >>> committee = buying_committee(base, "a1", as_of="2026-03-15")
    >>> committee.members.loc[0, "role"], [gap.kind for gap in committee.gaps][:1]
    ('economic_buyer', ['missing_role'])
    """
    _check(half_life_days)
    account = base.account_row(account_id)
    moment = base.tables.moment(as_of)
    rows = _members_of(base, moment)
    rows = rows[base.contacts.column("account")[rows] == account]
    if opportunity_id is not None:
        rows = _deal_rows(base, opportunity_id, rows)
    members, edges = _frames(base, rows, as_of=moment, half_life_days=half_life_days)
    members = members.drop(columns="account_id")
    when = from_nanos(moment)
    assert when is not None
    report = committee_coverage(base, as_of=when, template=template)
    if account_id not in set(report.accounts["account_id"]):
        msg = f"account_id={account_id!r} is not in the coverage report"
        raise NotFoundError(msg)
    return Committee(account_id=account_id, opportunity_id=opportunity_id, as_of=when,
                     graph=committee_graph(members, edges), members=members,
                     coverage=float(report.accounts["coverage"].iloc[account]),
                     gaps=tuple(report.gaps_of(account_id)))  # fmt: skip
