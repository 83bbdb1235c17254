"""The committee results: one account's or deal's committee, and every account's at once."""

from __future__ import annotations

from typing import Any

import attrs
import pandas as pd

from customer_understanding._core import (
    Moment,
    TableExport,
    check_probability,
    html_table,
    summary,
    typed_fields,
)
from customer_understanding._errors import InvalidValueError
from customer_understanding.committee._checks import frame_copy, is_a, moment_of, require
from customer_understanding.committee._coverage import CoverageReport, Gap
from customer_understanding.committee._graph import committee_graph

__all__ = ["Committee", "CommitteeSet"]

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


@attrs.frozen(field_transformer=typed_fields, kw_only=True, repr=False)
class Committee(TableExport):
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
    >>> from customer_understanding.committee import buying_committee
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
        ``influence`` with its ``influence_evidence`` (see the committee explanation:
        seniority, declared deal roles and shared occasions; NaN without evidence);
        edges from shared occasions carry a recency ``weight``.
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
        >>> from customer_understanding.committee import buying_committee
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


@attrs.frozen(field_transformer=typed_fields, kw_only=True, repr=False)
class CommitteeSet(TableExport):
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
    >>> from customer_understanding.committee import committees
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
