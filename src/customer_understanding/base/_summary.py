"""The counts that describe a customer base at a glance."""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import pandas as pd

from customer_understanding._core import TableExport, frozen_mapping, html_table, typed_fields

__all__ = ["BaseSummary"]


def _counts(value: Mapping[str, int]) -> Mapping[str, int]:
    return frozen_mapping(value)


@attrs.frozen(field_transformer=typed_fields, kw_only=True, repr=False)
class BaseSummary(TableExport):
    """Counts that describe a customer base at a glance.

    Attributes
    ----------
    account_records, contact_records
        Source records loaded.
    accounts, contacts
        Entities they resolved into; the difference is the records merged.
    contacts_in_several_systems
        People found in two or more systems.
    interactions, unattributed_interactions
        Interactions, and those matched to neither a contact nor an account.
    interactions_by_discipline
        Interactions per discipline.
    opportunities
        Deals loaded.

    Examples
    --------
    >>> from customer_understanding import CustomerBase
    >>> summary = CustomerBase.build([]).summary()
    >>> summary.accounts, summary.merged_records
    (0, 0)
    >>> summary
    BaseSummary: 0 accounts, 0 contacts, 0 interactions, 0 opportunities
    """

    account_records: int
    contact_records: int
    accounts: int
    contacts: int
    contacts_in_several_systems: int
    interactions: int
    unattributed_interactions: int
    interactions_by_discipline: Mapping[str, int] = attrs.field(converter=_counts)
    opportunities: int

    def __repr__(self) -> str:
        return (
            f"BaseSummary: {self.accounts} accounts, {self.contacts} contacts, "
            f"{self.interactions} interactions, {self.opportunities} opportunities"
        )

    def _repr_html_(self) -> str:
        return html_table(repr(self), self.to_pandas())

    def to_pandas(self) -> pd.DataFrame:
        """The counts as one row per measure (``measure``, ``value``), in a new DataFrame."""
        counts = {field.name: getattr(self, field.name) for field in attrs.fields(BaseSummary)}
        by_discipline = counts.pop("interactions_by_discipline")
        counts |= {f"interactions_{name}": n for name, n in sorted(by_discipline.items())}
        counts["merged_records"] = self.merged_records
        return pd.DataFrame({"measure": list(counts), "value": list(counts.values())})

    @property
    def merged_records(self) -> int:
        """Records that joined an entity another record had already started."""
        return self.account_records - self.accounts + self.contact_records - self.contacts
