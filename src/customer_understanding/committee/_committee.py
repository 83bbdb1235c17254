"""Buying committees as of a moment: for every account at once, or for one account or deal."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import (
    NAT,
    Moment,
    known_by,
    positive,
)
from customer_understanding.base import CustomerBase
from customer_understanding.committee._checks import require
from customer_understanding.committee._coverage import coverage_as_of
from customer_understanding.committee._graph import occasion_edges
from customer_understanding.committee._influence import influence_from_evidence, weighted_degree
from customer_understanding.committee._result import Committee, CommitteeSet
from customer_understanding.committee._roles import roles_as_of
from customer_understanding.committee._stats import engagement
from customer_understanding.committee._template import (
    DEFAULT_TEMPLATE,
    RoleTemplate,
    TemplateByDealSize,
)
from customer_understanding.domain import Discipline
from customer_understanding.typing import AsOf

__all__ = ["buying_committee", "committees"]

_DISCIPLINES = tuple(d.value for d in Discipline)


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
    labels = roles.labels()
    share, evidence = influence_from_evidence(
        account, seniority=contacts.labels("seniority"),
        seniority_confidence=contacts.column("seniority_confidence"),
        declared_role=np.where(roles.declared, labels, np.array(None, dtype=object)),
        degree=weighted_degree(edges, len(contacts)),
    )  # fmt: skip
    ids = contacts.column("id")
    first = pd.Series(contacts.column("first_name")[rows], dtype=object).fillna("")
    last = pd.Series(contacts.column("last_name")[rows], dtype=object).fillna("")
    members = pd.DataFrame({
        "account_id": base.accounts.column("id")[account[rows]],
        "contact_id": ids[rows],
        "name": (first + " " + last).str.strip().replace("", None).to_numpy(dtype=object),
        "title": contacts.column("title")[rows],
        "seniority": contacts.labels("seniority")[rows],
        "role": labels[rows],
        "confidence": roles.confidence[rows],
        "role_source": roles.sources()[rows],
        "last_touch": pd.to_datetime(activity.last_touch[rows].view("datetime64[ns]"), utc=True),
        **{d: activity.by_discipline[rows, i] for i, d in enumerate(_DISCIPLINES)},
        "influence": share[rows],
        "influence_evidence": evidence[rows],
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
    base: CustomerBase, own: CustomerBase, opportunity_id: str, rows: npt.NDArray[np.intp]
) -> npt.NDArray[np.intp]:
    """The ``rows`` of ``own`` (the account's slice of ``base``) who are on the deal."""
    deal = base.opportunity_row(opportunity_id)
    reference = base.opportunities.column("source_id")[deal]
    system = base.opportunities.labels("system")[deal]
    roles = own.tables.contact_roles
    # The slice holds the deal when one of the account's people has a role on it.
    held = own.opportunities.column("source_id") == reference
    held &= own.opportunities.labels("system") == system
    declared = roles.column("contact")[np.isin(roles.column("opportunity"), np.flatnonzero(held))]
    table = own.interactions
    logged = (table.column("opportunity_ref") == reference) & (table.labels("system") == system)
    on_deal = np.union1d(declared, table.column("contact")[logged])
    return np.intersect1d(rows, on_deal[on_deal >= 0])


def _alone(base: CustomerBase, account_id: str) -> bool:
    ids = base.accounts.column("id")
    return len(ids) == 1 and ids[0] == account_id


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
    moment = base.tables.moment(as_of)
    # One customer's rows, for the cost of one customer (a base of that account alone,
    # such as the account view's, is used as it is).
    own = base if _alone(base, account_id) else base.for_accounts([account_id])
    report = coverage_as_of(own, moment, template=template)
    rows = _members_of(own, moment)
    if opportunity_id is not None:
        require("opportunity_id", opportunity_id, str, "a string or None")
        rows = _deal_rows(base, own, opportunity_id, rows)
    members, edges = _frames(own, rows, as_of=moment, half_life_days=half_life_days)
    return Committee(account_id=account_id, opportunity_id=opportunity_id, as_of=moment,
                     members=members.drop(columns="account_id"),
                     edges=edges.drop(columns="account_id"),
                     coverage=report.coverage_of(account_id),
                     gaps=tuple(report.gaps_of(account_id)))  # fmt: skip
