"""The resolved tables a customer base holds, and the moment every area reads them at."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from customer_understanding._core import (
    NAT,
    Moment,
    frozen_array,
    frozen_mapping,
    resolve_moment,
    typed_fields,
)
from customer_understanding.domain import DEFAULT_TITLE_RULES, Outcome, TitleRule
from customer_understanding.identity import Resolution, Survivorship
from customer_understanding.tables import (
    AccountRecords,
    AccountTable,
    ConsentTable,
    ContactRecords,
    ContactRoleTable,
    ContactTable,
    InteractionTable,
    OpportunityTable,
    StageHistoryTable,
)

__all__ = ["Tables"]


def _winners(value: Mapping[str, Any]) -> Mapping[str, npt.NDArray[np.int64]]:
    return frozen_mapping({field: frozen_array(rows, np.int64) for field, rows in value.items()})


def _span(times: npt.NDArray[np.int64]) -> tuple[int, int] | None:
    """First and last known time, without copying the column (``None`` when none is known)."""
    if not len(times):
        return None
    last = int(times.max())
    if last == NAT:  # NAT is the int64 minimum: the largest value is missing only if all are
        return None
    first = int(times.min())
    if first == NAT:
        first = int(times.min(where=times != NAT, initial=last))
    return first, last


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Tables:
    """The resolved tables a :class:`CustomerBase` holds.

    ``consents`` holds every consent statement, each on its contact (see
    :meth:`CustomerBase.consents <customer_understanding.base.CustomerBase.consents>`).
    ``account_winners`` and ``contact_winners`` name, per golden field and entity, the
    source record whose value won (-1 when no record had one): the per-field provenance,
    as read-only arrays in read-only mappings. ``survivorship`` holds the rules that
    chose them. ``span`` is set on the tables of a few accounts (:meth:`for_accounts`):
    the first and last event of the whole base they come from, so that a moment means
    the same in both.

    Examples
    --------
    >>> from customer_understanding import CustomerBase
    >>> tables = CustomerBase.build([]).tables
    >>> len(tables.accounts), len(tables.interactions)
    (0, 0)
    """

    accounts: AccountTable
    contacts: ContactTable
    account_records: AccountRecords
    contact_records: ContactRecords
    interactions: InteractionTable
    opportunities: OpportunityTable
    contact_roles: ContactRoleTable
    stages: StageHistoryTable
    resolution: Resolution
    account_winners: Mapping[str, npt.NDArray[np.int64]] = attrs.field(converter=_winners)
    contact_winners: Mapping[str, npt.NDArray[np.int64]] = attrs.field(converter=_winners)
    survivorship: Survivorship = attrs.field(factory=Survivorship)
    consents: ConsentTable = attrs.field(factory=ConsentTable.empty)
    title_rules: tuple[TitleRule, ...] = attrs.field(default=DEFAULT_TITLE_RULES, repr=False)
    span: tuple[int | None, int | None] | None = attrs.field(default=None, repr=False)

    def for_accounts(self, account_ids: Iterable[str]) -> Tables:
        """The tables of these accounts only: what a per-customer call reads.

        The slice holds the accounts (in table order), their contacts, every interaction
        of theirs, their deals and contact roles, their stage history and source
        records, with row indexes re-based and rows in their original order, so that a
        trait, signal or committee of one of these accounts comes out as in the whole
        base at a fraction of the cost. Contacts of other accounts met on these
        accounts' interactions or deal roles, and other deals these contacts hold roles
        on, are kept unattached (account -1). Moments resolve against the whole base.

        Raises
        ------
        NotFoundError
            If an account is not in the tables.

        Examples
        --------
        >>> import customer_understanding as cu
        >>> base = cu.CustomerBase.from_objects(
        ...     accounts=[cu.Account(id="a1"), cu.Account(id="a2")],
        ...     contacts=[cu.Contact(id="c1", account_id="a1"),
        ...               cu.Contact(id="c2", account_id="a2")],
        ...     interactions=[cu.Interaction(id="i1", occurred_at="2026-03-01", type="call",
        ...                                  contact_id="c2")])
        >>> own = base.tables.for_accounts(["a1"])
        >>> own.accounts.column("id").tolist(), own.contacts.column("id").tolist()
        (['a1'], ['c1'])
        >>> own.moment(None) == base.tables.moment(None)
        True
        """
        from customer_understanding.base._slice import account_rows, account_slice

        return account_slice(self, account_rows(self.accounts.column("id"), account_ids))

    def event_span(self) -> tuple[int | None, int | None]:
        """The first and last event times (ns): interactions, deals opened and decided, stages.

        An open deal's close date is the date it is expected to close, not an event: it
        would put "the latest event" (``as_of=None``) in the future.

        Examples
        --------
        >>> from customer_understanding import CustomerBase
        >>> CustomerBase.build([]).tables.event_span()
        (None, None)
        """
        if self.span is not None:
            return self.span
        columns = (
            self.interactions.column("occurred_at"),
            self.opportunities.column("created_at"),
            self.opportunities.column("closed_at")[self._decided()],
            self.stages.column("at"),
            self.consents.column("at"),
        )
        spans = [span for span in map(_span, columns) if span is not None]
        if not spans:
            return None, None
        return min(first for first, _ in spans), max(last for _, last in spans)

    def _decided(self) -> npt.NDArray[np.bool_]:
        """Deals won or lost, or of unknown outcome (only an open deal's date is a plan)."""
        outcome = self.opportunities.labels("outcome")
        return np.asarray(outcome != Outcome.OPEN.value, dtype=np.bool_)

    def moment(self, value: object, /, *, name: str = "as_of") -> Moment:
        """A moment parsed and checked against these tables; ``None`` is the latest event.

        This is the one place every area turns a caller's ``as_of`` into a
        :class:`~customer_understanding.typing.Moment`: any supported form is accepted,
        and a moment before the first event in the data is refused.

        Examples
        --------
        >>> import customer_understanding as cu
        >>> base = cu.CustomerBase.from_objects(interactions=[
        ...     cu.Interaction(id="i1", occurred_at="2026-03-01", type="webinar")])
        >>> base.tables.moment(None)
        Moment('2026-03-01T00:00:00Z')
        >>> base.tables.moment("2026/03/02")
        Moment('2026-03-02T00:00:00Z')
        """
        earliest, latest = self.event_span()
        return resolve_moment(value, earliest=earliest, latest=latest, name=name)
