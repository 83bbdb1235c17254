"""Committee coverage against a role template, and the gaps a rep can act on, for all accounts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import (
    DAY_NS,
    NAT,
    Moment,
    TableExport,
    from_nanos,
    html_table,
    known_by,
    one_of,
    summary,
    typed_fields,
    within,
)
from customer_understanding._errors import NotFoundError
from customer_understanding.base import CustomerBase
from customer_understanding.committee._checks import frame_copy, is_a, moment_of, require
from customer_understanding.committee._roles import RoleAssignment, roles_as_of
from customer_understanding.committee._stats import Engagement, engagement
from customer_understanding.committee._template import (
    DEFAULT_TEMPLATE,
    RoleTemplate,
    TemplateByDealSize,
)
from customer_understanding.domain import Role
from customer_understanding.typing import AsOf

__all__ = ["GAP_KINDS", "CoverageReport", "Gap", "committee_coverage", "coverage_as_of"]

_ROLES = tuple(role.value for role in Role)
_GAP_COLUMNS = ["account_id", "kind", "role", "contact_id", "reason"]
_SILENT_DAYS = 21
_NEW_DAYS = 30
_SINGLE_THREAD_SHARE = 0.8
_SINGLE_THREAD_MIN_TOUCHES = 5
#: The kinds of gap, in the order reports list them.
GAP_KINDS = ("missing_role", "role_not_engaged", "single_threaded", "champion_silent",
             "new_senior_contact")  # fmt: skip
_GAP_KIND = one_of(*GAP_KINDS)
_TEMPLATES = "a RoleTemplate or TemplateByDealSize"
_TEXT = is_a(str, "a string")
_OPTIONAL_TEXT = is_a((str, type(None)), "a string or None")
_FRAME = is_a(pd.DataFrame, "a pandas DataFrame")


def _kind(instance: object, attribute: Any, value: str) -> None:
    _GAP_KIND(instance, attribute, value)


def _role_or_none(value: object) -> Role | None:
    return None if value is None else Role.parse(value)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Gap:
    """Something missing from a committee, with a reason a rep can act on.

    ``kind`` is one of ``missing_role``, ``role_not_engaged``, ``single_threaded``,
    ``champion_silent`` and ``new_senior_contact``.

    Examples
    --------
    >>> Gap(account_id="acc_1", kind="missing_role", role=Role.ECONOMIC_BUYER,
    ...     reason="no economic buyer in the committee").reason
    'no economic buyer in the committee'
    """

    account_id: str = attrs.field(validator=_TEXT)
    kind: str = attrs.field(validator=_kind)
    reason: str = attrs.field(validator=_TEXT)
    role: Role | None = attrs.field(default=None, converter=_role_or_none)
    contact_id: str | None = attrs.field(default=None, validator=_OPTIONAL_TEXT)


@attrs.frozen(field_transformer=typed_fields, kw_only=True, repr=False)
class CoverageReport(TableExport):
    """Coverage of every account's committee as of one moment, and its gaps.

    The tables are kept private: :meth:`to_pandas` and :attr:`accounts` hand out new
    copies of the per-account table, :attr:`gaps` of the gaps.

    Attributes
    ----------
    as_of
        The moment the report describes, a :class:`~customer_understanding.typing.Moment`.
    template
        The roles that were required.
    accounts
        One row per account: ``account_id``, ``template`` (its name), ``members``,
        ``engaged_members``, ``coverage`` in [0, 1], and per required role the number of
        engaged holders and of holders (``<role>_present``).
    gaps
        One row per gap: ``account_id``, ``kind``, ``role``, ``contact_id``, ``reason``.

    Examples
    --------
    >>> report = CoverageReport(as_of="2026-01-01", template=DEFAULT_TEMPLATE,
    ...     accounts=pd.DataFrame({"account_id": ["a"], "coverage": [0.5]}),
    ...     gaps=pd.DataFrame(columns=_GAP_COLUMNS))
    >>> report
    CoverageReport: 1 row, as of 2026-01-01T00:00:00Z, gaps=0
    >>> report.to_pandas()["coverage"].tolist(), report.gaps_of("a")
    ([0.5], [])
    """

    as_of: Moment = attrs.field(converter=moment_of)
    template: RoleTemplate | TemplateByDealSize = attrs.field(
        validator=is_a((RoleTemplate, TemplateByDealSize), _TEMPLATES)
    )
    _accounts: pd.DataFrame = attrs.field(converter=frame_copy, validator=_FRAME, alias="accounts")
    _gaps: pd.DataFrame = attrs.field(converter=frame_copy, validator=_FRAME, alias="gaps")

    @property
    def accounts(self) -> pd.DataFrame:
        """One row per account (a new copy)."""
        return self._accounts.copy()

    @property
    def gaps(self) -> pd.DataFrame:
        """One row per gap (a new copy)."""
        return self._gaps.copy()

    def __len__(self) -> int:
        """The number of accounts."""
        return len(self._accounts)

    def __repr__(self) -> str:
        return summary("CoverageReport", len(self), as_of=self.as_of, gaps=len(self._gaps))

    def _repr_html_(self) -> str:
        return html_table(repr(self), self.to_pandas())

    def to_pandas(self) -> pd.DataFrame:
        """The per-account table, as a new DataFrame."""
        return self._accounts.copy()

    def coverage_of(self, account_id: str) -> float:
        """The coverage of one account's committee, in [0, 1].

        Raises
        ------
        NotFoundError
            If the report has no such account.
        """
        rows = np.flatnonzero(self._accounts["account_id"].to_numpy() == account_id)
        if not len(rows):
            msg = f"account_id={account_id!r} is not in the coverage report"
            raise NotFoundError(msg)
        return float(self._accounts["coverage"].iloc[rows[0]])

    def gaps_of(self, account_id: str) -> list[Gap]:
        """The gaps of one account, as objects."""
        self.coverage_of(account_id)  # raises for an unknown account
        rows = self._gaps[self._gaps["account_id"] == account_id]
        return [_gap({str(k): v for k, v in row.items()}) for row in rows.to_dict("records")]


def _gap(row: dict[str, object]) -> Gap:
    role = row.get("role")
    contact = row.get("contact_id")
    return Gap(
        account_id=str(row["account_id"]),
        kind=str(row["kind"]),
        reason=str(row["reason"]),
        role=None if not isinstance(role, str) else Role.parse(role),
        contact_id=contact if isinstance(contact, str) else None,
    )


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class _Facts:
    """Everything the gap rules read, one entry per contact row."""

    base: CustomerBase
    as_of: int
    members: npt.NDArray[np.bool_]
    roles: RoleAssignment
    activity: Engagement

    @property
    def account(self) -> npt.NDArray[np.int64]:
        return self.base.contacts.column("account")

    def names(self, rows: npt.NDArray[np.intp]) -> list[str]:
        contacts = self.base.contacts
        first, last = contacts.column("first_name")[rows], contacts.column("last_name")[rows]
        return [
            " ".join(p for p in (f, s) if p) or "someone" for f, s in zip(first, last, strict=True)
        ]


def _facts(base: CustomerBase, as_of: Moment) -> _Facts:
    tables = base.tables
    contacts = tables.contacts
    created = contacts.column("created_at")
    members = (contacts.column("account") >= 0) & ((created == NAT) | known_by(created, as_of))
    roles = roles_as_of(
        contacts, roles=tables.contact_roles, deals=tables.opportunities, as_of=as_of
    )
    activity = engagement(tables.interactions, len(contacts), as_of=as_of)
    return _Facts(base=base, as_of=as_of, members=members, roles=roles, activity=activity)


def _engaged(facts: _Facts, template: RoleTemplate) -> npt.NDArray[np.bool_]:
    last = facts.activity.last_touch
    engaged: npt.NDArray[np.bool_] = facts.members & within(
        last, facts.as_of, template.engaged_within_days
    )
    return engaged


def _per_account(facts: _Facts, mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
    return np.bincount(facts.account[mask], minlength=len(facts.base.accounts))


def _role_columns(
    facts: _Facts, template: RoleTemplate, columns: dict[str, npt.NDArray[np.float64]],
    chosen: npt.NDArray[np.bool_],
) -> None:  # fmt: skip
    """Fill, for the ``chosen`` accounts, engaged and present holders per role and coverage."""
    engaged_now = _engaged(facts, template)
    credit = np.zeros(len(facts.base.accounts))
    for role, needed in template.required.items():
        holds = facts.members & (facts.roles.role == _ROLES.index(role.value))
        present = _per_account(facts, holds)
        engaged = _per_account(facts, holds & engaged_now)
        engaged_part = np.minimum(engaged, needed)
        idle_part = np.minimum(needed - engaged_part, present - engaged)
        credit += (engaged_part + 0.5 * idle_part) / needed
        for name, values in ((role.value, engaged), (f"{role.value}_present", present)):
            columns.setdefault(name, np.zeros(len(chosen)))[chosen] = values[chosen]
    columns["coverage"][chosen] = (credit / len(template.required))[chosen]
    columns["engaged_members"][chosen] = _per_account(facts, engaged_now)[chosen]


def _choice(
    base: CustomerBase, as_of: int, template: RoleTemplate | TemplateByDealSize
) -> tuple[tuple[RoleTemplate, ...], npt.NDArray[np.int64]]:
    """The templates in use and the index of each account's template."""
    if isinstance(template, RoleTemplate):
        return (template,), np.zeros(len(base.accounts), dtype=np.int64)
    deals = base.opportunities
    account, created = deals.column("account"), deals.column("created_at")
    closed, outcome = deals.column("closed_at"), deals.labels("outcome")
    still_open = (outcome == "open") | ~known_by(closed, as_of)
    live = (account >= 0) & known_by(created, as_of) & still_open
    largest = np.full(len(base.accounts), np.nan)
    amounts = np.nan_to_num(deals.column("amount"), nan=0.0)
    np.fmax.at(largest, account[live], amounts[live])
    return template.templates, template.tier_of(largest)


def committee_coverage(
    base: CustomerBase,
    *,
    as_of: AsOf = None,
    template: RoleTemplate | TemplateByDealSize = DEFAULT_TEMPLATE,
) -> CoverageReport:
    """Coverage and gaps of every account's buying committee, computed in bulk.

    Parameters
    ----------
    base
        The customer base.
    as_of
        The moment to judge at, in any form (``None``: the latest event in the base);
        only data up to it is used, an event exactly at it included.
    template
        The roles required and how recently they must have been engaged, or a
        :class:`TemplateByDealSize` that picks a template per account.

    Examples
    --------
    >>> import customer_understanding as cu
    >>> base = cu.CustomerBase.from_objects(
    ...     accounts=[cu.Account(id="a1", name="Acme")],
    ...     contacts=[cu.Contact(id="c1", account_id="a1", title="Data Engineer")],
    ...     interactions=[cu.Interaction(id="i1", occurred_at="2026-03-01", type="meeting",
    ...                                  contact_id="c1")])
    >>> report = committee_coverage(base)
    >>> report.to_pandas()["coverage"].tolist()
    [0.25]
    >>> [gap.reason for gap in report.gaps_of("a1")][:2]
    ['no economic buyer in the committee', 'no champion in the committee']
    """
    return coverage_as_of(base, base.tables.moment(as_of), template=template)


def coverage_as_of(
    base: CustomerBase, moment: Moment, *, template: RoleTemplate | TemplateByDealSize
) -> CoverageReport:
    """:func:`committee_coverage` for a moment already checked against the base."""
    require("template", template, (RoleTemplate, TemplateByDealSize), _TEMPLATES)
    facts = _facts(base, moment)
    templates, choice = _choice(base, moment, template)
    size = len(base.accounts)
    columns: dict[str, npt.NDArray[np.float64]] = {
        "coverage": np.zeros(size), "engaged_members": np.zeros(size)}  # fmt: skip
    gap_rows: list[tuple[object, ...]] = []
    for index, chosen_template in enumerate(templates):
        chosen = choice == index
        _role_columns(facts, chosen_template, columns, chosen)
        gap_rows += _role_gaps(facts, chosen_template, chosen)
    gap_rows += [*_single_threaded(facts), *_silent_champions(facts), *_new_seniors(facts)]
    accounts = pd.DataFrame(
        {
            "account_id": base.accounts.column("id"),
            "template": [templates[i].name for i in choice],
            "members": _per_account(facts, facts.members),
            **columns,
        }
    )
    gaps = pd.DataFrame(gap_rows, columns=_GAP_COLUMNS)
    gaps = gaps.sort_values(["account_id", "kind"], kind="stable").reset_index(drop=True)
    return CoverageReport(as_of=moment, template=template, accounts=accounts, gaps=gaps)


def _role_gaps(
    facts: _Facts, template: RoleTemplate, chosen: npt.NDArray[np.bool_]
) -> list[tuple[object, ...]]:
    ids = facts.base.accounts.column("id")
    has_members = chosen & (_per_account(facts, facts.members) > 0)
    engaged_now = _engaged(facts, template)
    days = f"{template.engaged_within_days:g}"
    rows: list[tuple[object, ...]] = []
    for role in template.required:
        label = role.value.replace("_", " ")
        holds = facts.members & (facts.roles.role == _ROLES.index(role.value))
        present = _per_account(facts, holds) > 0
        engaged = _per_account(facts, holds & engaged_now) > 0
        rows += [(ids[row], "missing_role", role.value, None, f"no {label} in the committee")
                 for row in np.flatnonzero(has_members & ~present)]  # fmt: skip
        rows += [(ids[row], "role_not_engaged", role.value, None,
                  f"no {label} engaged in {days} days")
                 for row in np.flatnonzero(has_members & present & ~engaged)]  # fmt: skip
    return rows


def _single_threaded(facts: _Facts) -> Iterator[tuple[object, ...]]:
    touches = np.where(facts.members, facts.activity.sales_recent, 0.0)
    total = np.bincount(facts.account[facts.members], weights=touches[facts.members],
                        minlength=len(facts.base.accounts))  # fmt: skip
    share = touches / np.maximum(total[np.maximum(facts.account, 0)], 1.0)
    members = _per_account(facts, facts.members)[np.maximum(facts.account, 0)]
    flagged = np.flatnonzero(
        facts.members & (share >= _SINGLE_THREAD_SHARE) & (members >= 2)
        & (total[np.maximum(facts.account, 0)] >= _SINGLE_THREAD_MIN_TOUCHES)
    )  # fmt: skip
    ids, contact_ids = facts.base.accounts.column("id"), facts.base.contacts.column("id")
    for row, name in zip(flagged, facts.names(flagged), strict=True):
        reason = f"single-threaded: {name} holds {share[row]:.0%} of sales engagement in 90 days"
        yield ids[facts.account[row]], "single_threaded", None, contact_ids[row], reason


def _last_demo(facts: _Facts) -> npt.NDArray[np.int64]:
    table = facts.base.interactions
    at, account = table.column("occurred_at"), table.column("account")
    demos = (table.column("type") == table.code_of("type", "demo")) & (account >= 0)
    demos &= known_by(at, facts.as_of)
    last = np.full(len(facts.base.accounts), NAT, dtype=np.int64)
    np.maximum.at(last, account[demos], at[demos])
    return last


def _silent_champions(facts: _Facts) -> Iterator[tuple[object, ...]]:
    demo = _last_demo(facts)[np.maximum(facts.account, 0)]
    last = facts.activity.last_touch
    champion = facts.members & (facts.roles.role == _ROLES.index("champion"))
    silent = champion & (demo != NAT) & (last != NAT) & (last <= demo + DAY_NS)
    silent &= ~within(np.maximum(last, demo), facts.as_of, _SILENT_DAYS)
    flagged = np.flatnonzero(silent)
    ids, contact_ids = facts.base.accounts.column("id"), facts.base.contacts.column("id")
    for row, name in zip(flagged, facts.names(flagged), strict=True):
        when = from_nanos(int(demo[row]))
        day = when.date().isoformat() if when else "?"
        reason = f"champion {name} went silent after the demo on {day}"
        yield ids[facts.account[row]], "champion_silent", "champion", contact_ids[row], reason


def _new_seniors(facts: _Facts) -> Iterator[tuple[object, ...]]:
    contacts = facts.base.contacts
    seniority = contacts.labels("seniority")
    created = contacts.column("created_at")
    recent = within(created, facts.as_of, _NEW_DAYS)
    # Seniority is stated by an export or read from the title when the base is built.
    senior = np.isin(seniority, ["vp", "c_level"])
    flagged = np.flatnonzero(facts.members & recent & senior)
    ids, contact_ids = facts.base.accounts.column("id"), contacts.column("id")
    titles = contacts.column("title")
    for row, name in zip(flagged, facts.names(flagged), strict=True):
        reason = (
            f"a new senior contact joined the account: {name}, {titles[row] or 'title unknown'}"
        )
        yield ids[facts.account[row]], "new_senior_contact", None, contact_ids[row], reason
