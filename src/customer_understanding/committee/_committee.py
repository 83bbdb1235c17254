"""The buying committee of one account or one opportunity, as of a moment."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs
import networkx as nx
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._errors import InvalidValueError
from customer_understanding.base import CustomerBase
from customer_understanding.committee._coverage import Gap, committee_coverage
from customer_understanding.committee._graph import influence, shared_interaction_edges
from customer_understanding.base import as_of_nanos
from customer_understanding.committee._roles import assign_roles
from customer_understanding.committee._stats import engagement
from customer_understanding.committee._template import DEFAULT_TEMPLATE, RoleTemplate
from customer_understanding.domain import Discipline
from customer_understanding.tables import NAT, from_nanos

__all__ = ["Committee", "buying_committee"]

_DISCIPLINES = tuple(d.value for d in Discipline)
_MEMBER_COLUMNS = ["contact_id", "name", "title", "seniority", "role", "confidence",
                   "role_source", "last_touch", *_DISCIPLINES, "influence"]  # fmt: skip


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
        ``role_source``, ``name``, ``title`` and per-discipline engagement; edges from shared
        interactions with a recency-weighted ``weight``.
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
    >>> committee.members[["contact_id", "role"]].values.tolist()
    [['c1', 'economic_buyer'], ['c2', 'technical_evaluator']]
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


def _member_rows(
    base: CustomerBase, account: int, opportunity: str | None, as_of: int
) -> npt.NDArray[np.intp]:
    contacts = base.contacts
    created = contacts.column("created_at")
    rows = (contacts.column("account") == account) & ((created == NAT) | (created <= as_of))
    if opportunity is not None:
        deal = base.tables.opportunities
        row = base.opportunity_row(opportunity)
        roles = base.tables.contact_roles
        on_deal = roles.column("contact")[(roles.column("opportunity") == row)]
        touched = base.interactions.column("opportunity_ref") == deal.column("source_id")[row]
        on_deal = np.union1d(on_deal[on_deal >= 0], base.interactions.column("contact")[touched])
        keep = np.zeros(len(contacts), dtype=bool)
        keep[on_deal[on_deal >= 0]] = True
        rows &= keep
    return np.flatnonzero(rows)


def buying_committee(
    base: CustomerBase,
    account_id: str,
    *,
    as_of: datetime | str | None = None,
    opportunity_id: str | None = None,
    template: RoleTemplate = DEFAULT_TEMPLATE,
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
        How fast shared interactions and engagement lose weight with age.

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
    if not half_life_days > 0:
        msg = f"half_life_days={half_life_days!r} must be > 0"
        raise InvalidValueError(msg)
    account = base.account_row(account_id)
    moment = as_of_nanos(base, as_of)
    rows = _member_rows(base, account, opportunity_id, moment)
    graph = _graph(base, rows, as_of=moment, half_life_days=half_life_days)
    members = _members(graph)
    report = committee_coverage(base, as_of=from_nanos(moment), template=template)
    coverage = float(report.accounts["coverage"].iloc[account])
    when = from_nanos(moment)
    assert when is not None
    return Committee(account_id=account_id, opportunity_id=opportunity_id, as_of=when,
                     graph=graph, members=members, coverage=coverage,
                     gaps=tuple(report.gaps_of(account_id)))  # fmt: skip


def _graph(
    base: CustomerBase, rows: npt.NDArray[np.intp], *, as_of: int, half_life_days: float
) -> Any:
    tables = base.tables
    contacts = tables.contacts
    roles = assign_roles(contacts, roles=tables.contact_roles, deals=tables.opportunities,
                         as_of=as_of)  # fmt: skip
    activity = engagement(tables.interactions, len(contacts), as_of=as_of,
                          half_life_days=half_life_days)  # fmt: skip
    graph = nx.Graph()
    ids, labels, sources = contacts.column("id"), roles.labels(), roles.sources()
    names = base.tables.contacts.column("first_name"), base.tables.contacts.column("last_name")
    for row in rows.tolist():
        name = " ".join(p for p in (names[0][row], names[1][row]) if p) or None
        per_discipline = dict(zip(_DISCIPLINES, activity.by_discipline[row].tolist(), strict=True))
        graph.add_node(
            ids[row],
            role=labels[row],
            confidence=float(roles.confidence[row]),
            role_source=sources[row],
            name=name,
            title=contacts.column("title")[row],
            seniority=contacts.labels("seniority")[row],
            last_touch=from_nanos(int(activity.last_touch[row])),
            **per_discipline,
        )
    table = tables.interactions
    at = table.column("occurred_at")
    mine = np.flatnonzero(np.isin(table.column("contact"), rows) & (at != NAT) & (at <= as_of))
    edges = shared_interaction_edges(table, mine, as_of=as_of, half_life_days=half_life_days)
    for (a, b), weight in edges.items():
        graph.add_edge(ids[a], ids[b], weight=weight)
    return graph


def _members(graph: Any) -> pd.DataFrame:
    scores = influence(graph)
    rows = [{"contact_id": node, **data, "influence": scores.get(node, 0.0)}
            for node, data in graph.nodes(data=True)]  # fmt: skip
    frame = pd.DataFrame(rows, columns=_MEMBER_COLUMNS)
    return frame.sort_values(["influence", "contact_id"], ascending=[False, True],
                             ignore_index=True)  # fmt: skip
