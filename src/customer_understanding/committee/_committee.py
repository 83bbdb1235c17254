"""Buying committees as of a moment: for every account at once, or for one account or deal."""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import (
    NAT,
    Moment,
    check_probability,
    html_table,
    known_by,
    positive,
    summary,
)
from customer_understanding._errors import InvalidValueError
from customer_understanding.base import CustomerBase
from customer_understanding.committee._checks import frame_copy, is_a, moment_of, require
from customer_understanding.committee._coverage import CoverageReport, Gap, coverage_as_of
from customer_understanding.committee._graph import (
    committee_graph,
    influence_shares,
    occasion_edges,
)
from customer_understanding.committee._roles import roles_as_of
from customer_understanding.committee._stats import engagement
from customer_understanding.committee._template import (
    DEFAULT_TEMPLATE,
    RoleTemplate,
    TemplateByDealSize,
)
from customer_understanding.domain import Discipline
from customer_understanding.typing import AsOf

__all__ = ["Committee", "CommitteeSet", "buying_committee", "committees"]

_DISCIPLINES = tuple(d.value for d in Discipline)
_FRAME = is_a(pd.DataFrame, "a pandas DataFrame")
_EDGE_COLUMNS = ["source", "target", "weight"]


def _probability(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    check_probability(instance, attribute, value)


def _gaps(value: Any) -> tuple[Gap, ...]:
    gaps = tuple(value) if isinstance(value, list | tuple) else value
    bad = not isinstance(gaps, tuple) or not all(isinstance(gap, Gap) for gap in gaps)
    if bad:
        msg = f"gaps={value!r} must be a sequence of Gap"
        raise InvalidValueError(msg)
    return gaps


def _edges(value: Any) -> pd.DataFrame:
    return frame_copy(pd.DataFrame(columns=_EDGE_COLUMNS) if value is None else value)


@attrs.frozen(kw_only=True, repr=False)
class Committee:
    """One account's (or opportunity's) buying committee as of a moment.

    The tables are kept private; :attr:`members`, :attr:`edges`, :attr:`graph` and
    :meth:`to_pandas` hand out new copies, so a committee never changes.

    Attributes
    ----------
    account_id
        The account.
    opportunity_id
        The opportunity, for a deal's committee; ``None`` for the account's.
    as_of
        The moment it describes (a :class:`~customer_understanding.typing.Moment`): only
        data up to then was used, an event exactly at it included.
    members
        One row per member, most influential first (``contact_id`` and attributes).
    edges
        ``source``, ``target`` (contact ids) and recency ``weight`` of shared occasions.
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
    >>> committee
    Committee: 2 rows, as of 2026-03-01T00:00:00Z, account_id=a1, coverage=0.50, gaps=2
    >>> sorted(committee.members["role"])
    ['economic_buyer', 'technical_evaluator']
    >>> committee.graph.has_edge("c1", "c2"), committee.coverage
    (True, 0.5)
    """

    account_id: str = attrs.field(validator=is_a(str, "a string"))
    opportunity_id: str | None = attrs.field(
        default=None, validator=is_a((str, type(None)), "a string or None")
    )
    as_of: Moment = attrs.field(converter=moment_of)
    _members: pd.DataFrame = attrs.field(converter=frame_copy, validator=_FRAME, alias="members")
    _edges: pd.DataFrame = attrs.field(
        default=None, converter=_edges, validator=_FRAME, alias="edges"
    )
    coverage: float = attrs.field(validator=_probability)
    gaps: tuple[Gap, ...] = attrs.field(default=(), converter=_gaps)

    def __attrs_post_init__(self) -> None:
        for name, frame, needed in (("members", self._members, ["contact_id"]),
                                    ("edges", self._edges, _EDGE_COLUMNS)):  # fmt: skip
            missing = [column for column in needed if column not in frame.columns]
            if missing:
                msg = f"{name} lacks the columns {missing}"
                raise InvalidValueError(msg)

    @property
    def members(self) -> pd.DataFrame:
        """One row per member, most influential first (a new copy)."""
        return self._members.copy()

    @property
    def edges(self) -> pd.DataFrame:
        """The committee's edges: ``source``, ``target``, ``weight`` (a new copy)."""
        return self._edges.copy()

    @property
    def graph(self) -> Any:
        """A new :class:`networkx.Graph` of the committee.

        Contact ids are the nodes, with ``role``, ``confidence``, ``role_source``,
        ``name``, ``title``, ``seniority``, ``last_touch``, per-discipline engagement and
        ``influence``; edges from shared occasions carry a recency ``weight``.
        """
        return committee_graph(self._members, self._edges)

    def __len__(self) -> int:
        """The number of members."""
        return len(self._members)

    def __repr__(self) -> str:
        facts: dict[str, object] = {"account_id": self.account_id}
        if self.opportunity_id is not None:
            facts["opportunity_id"] = self.opportunity_id
        return summary("Committee", len(self), as_of=self.as_of, **facts,
                       coverage=f"{self.coverage:.2f}", gaps=len(self.gaps))  # fmt: skip

    def _repr_html_(self) -> str:
        return html_table(repr(self), self.to_pandas())

    def to_pandas(self) -> pd.DataFrame:
        """One row per member, as a new DataFrame.

        ``account_id`` (and ``opportunity_id`` for a deal's committee) come first.
        """
        frame = self._members.copy()
        if self.opportunity_id is not None:
            frame.insert(0, "opportunity_id", self.opportunity_id)
        frame.insert(0, "account_id", self.account_id)
        return frame

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
        require("earlier", earlier, Committee, "a Committee")
        old = earlier._members.set_index("contact_id")["role"]
        new = self._members.set_index("contact_id")["role"]
        rows = [(c, "joined", None, new[c]) for c in new.index.difference(old.index)]
        rows += [(c, "left", old[c], None) for c in old.index.difference(new.index)]
        both = new.index.intersection(old.index)
        rows += [(c, "role_changed", old[c], new[c]) for c in both if old[c] != new[c]]
        return pd.DataFrame(rows, columns=["contact_id", "change", "role_before", "role_after"])


@attrs.frozen(kw_only=True, repr=False)
class CommitteeSet:
    """The committees of every account as of one moment, computed in bulk.

    The tables are kept private; :attr:`members`, :attr:`edges` and :meth:`to_pandas`
    hand out new copies.

    Attributes
    ----------
    as_of
        The moment, a :class:`~customer_understanding.typing.Moment`.
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
    >>> everyone
    CommitteeSet: 1 row, as of 2026-03-01T00:00:00Z, accounts=1
    >>> everyone.members["role"].tolist(), everyone.committee("a1").coverage
    (['economic_buyer'], 0.25)
    """

    as_of: Moment = attrs.field(converter=moment_of)
    _members: pd.DataFrame = attrs.field(converter=frame_copy, validator=_FRAME, alias="members")
    _edges: pd.DataFrame = attrs.field(converter=frame_copy, validator=_FRAME, alias="edges")
    coverage: CoverageReport = attrs.field(validator=is_a(CoverageReport, "a CoverageReport"))

    @property
    def members(self) -> pd.DataFrame:
        """Every member of every committee (a new copy)."""
        return self._members.copy()

    @property
    def edges(self) -> pd.DataFrame:
        """Every edge of every committee (a new copy)."""
        return self._edges.copy()

    def __len__(self) -> int:
        """The number of members over all committees."""
        return len(self._members)

    def __repr__(self) -> str:
        return summary("CommitteeSet", len(self), as_of=self.as_of, accounts=len(self.coverage))

    def _repr_html_(self) -> str:
        return html_table(repr(self), self.to_pandas())

    def to_pandas(self) -> pd.DataFrame:
        """Every member of every committee, as a new DataFrame."""
        return self._members.copy()

    def committee(self, account_id: str) -> Committee:
        """One account's committee, with its graph.

        Raises
        ------
        NotFoundError
            If the account is not in the set.
        """
        gaps = tuple(self.coverage.gaps_of(account_id))  # raises for unknown accounts
        members = self._members[self._members["account_id"] == account_id]
        edges = self._edges[self._edges["account_id"] == account_id]
        return Committee(account_id=account_id, as_of=self.as_of,
                         members=members.drop(columns="account_id").reset_index(drop=True),
                         edges=edges.drop(columns="account_id").reset_index(drop=True),
                         coverage=self.coverage.coverage_of(account_id), gaps=gaps)  # fmt: skip


def _frames(
    base: CustomerBase, rows: npt.NDArray[np.intp], *, as_of: Moment, half_life_days: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Members and edges of the committees formed by the contact ``rows``."""
    tables = base.tables
    contacts = tables.contacts
    roles = roles_as_of(contacts, roles=tables.contact_roles, deals=tables.opportunities,
                        as_of=as_of)  # fmt: skip
    activity = engagement(tables.interactions, len(contacts), as_of=as_of,
                          half_life_days=half_life_days)  # fmt: skip
    table = tables.interactions
    at = table.column("occurred_at")
    mine = np.flatnonzero(np.isin(table.column("contact"), rows) & known_by(at, as_of))
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


def _members_of(base: CustomerBase, as_of: Moment) -> npt.NDArray[np.intp]:
    contacts = base.contacts
    created = contacts.column("created_at")
    present = (created == NAT) | known_by(created, as_of)
    return np.flatnonzero((contacts.column("account") >= 0) & present)


def committees(
    base: CustomerBase,
    *,
    as_of: AsOf = None,
    template: RoleTemplate | TemplateByDealSize = DEFAULT_TEMPLATE,
    half_life_days: float = 30.0,
) -> CommitteeSet:
    """The buying committee of every account, with coverage and gaps, in one pass.

    Parameters
    ----------
    base
        The customer base.
    as_of
        Judge as of this moment, in any form (``None``: the latest event in the base);
        an event exactly at it counts.
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
    positive("half_life_days", half_life_days)
    moment = base.tables.moment(as_of)
    coverage = coverage_as_of(base, moment, template=template)
    members, edges = _frames(base, _members_of(base, moment), as_of=moment,
                             half_life_days=half_life_days)  # fmt: skip
    return CommitteeSet(as_of=moment, members=members, edges=edges, coverage=coverage)


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
    as_of: AsOf = None,
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
        Judge as of this moment, in any form (``None``: the latest event in the base);
        an event exactly at it counts.
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
    positive("half_life_days", half_life_days)
    require("account_id", account_id, str, "a string")
    account = base.account_row(account_id)
    moment = base.tables.moment(as_of)
    report = coverage_as_of(base, moment, template=template)
    rows = _members_of(base, moment)
    rows = rows[base.contacts.column("account")[rows] == account]
    if opportunity_id is not None:
        require("opportunity_id", opportunity_id, str, "a string or None")
        rows = _deal_rows(base, opportunity_id, rows)
    members, edges = _frames(base, rows, as_of=moment, half_life_days=half_life_days)
    return Committee(account_id=account_id, opportunity_id=opportunity_id, as_of=moment,
                     members=members.drop(columns="account_id"),
                     edges=edges.drop(columns="account_id"),
                     coverage=report.coverage_of(account_id),
                     gaps=tuple(report.gaps_of(account_id)))  # fmt: skip
