"""Declarative mappings from a source table's columns to the library's record fields."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Literal

import attrs

from customer_understanding._core import typed_fields
from customer_understanding._errors import InvalidValueError, UnknownNameError
from customer_understanding.ingest._parse import check_time_format
from customer_understanding.tables import (
    AccountRecords,
    ConsentTable,
    ContactRecords,
    ContactRoleTable,
    InteractionTable,
    OpportunityTable,
    StageHistoryTable,
    Table,
)

__all__ = ["TARGETS", "SourceMapping", "Target", "TargetSpec"]

Target = Literal[
    "account", "contact", "interaction", "opportunity", "contact_role", "stage_change", "consent"
]

#: How each kind of field is parsed; see :mod:`customer_understanding.ingest._parse`.
FieldKind = Literal[
    "id", "text", "email", "domain", "phone", "time", "number", "amount", "bool", "term",
    "stage", "role", "seniority", "outcome", "opportunity_kind", "consent", "discipline", "unit",
    "full_name", "purpose",
]  # fmt: skip


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class TargetSpec:
    """What a target needs: its table, its fields with their kinds, and which are required.

    Examples
    --------
    >>> spec = TARGETS["interaction"]
    >>> sorted(spec.required), spec.fields["occurred_at"]
    (['occurred_at', 'type'], 'time')
    """

    table: type[Table]
    fields: Mapping[str, FieldKind]
    required: frozenset[str]


def _spec(table: type[Table], required: set[str], **fields: FieldKind) -> TargetSpec:
    return TargetSpec(table=table, fields=MappingProxyType(fields), required=frozenset(required))


#: The targets a source's rows can become, with the fields each accepts.
TARGETS: Mapping[str, TargetSpec] = MappingProxyType(
    {
        "account": _spec(
            AccountRecords, {"source_id"}, source_id="id", name="text", domain="domain",
            industry="text", employees="amount", annual_revenue="amount", country="text",
            city="text", owner="text", created_at="time", parent_ref="text",
        ),
        "contact": _spec(
            ContactRecords, {"source_id"}, source_id="id", record_type="text", email="email",
            first_name="text", last_name="text", full_name="full_name", title="text",
            department="text", seniority="seniority", phone="phone", lifecycle_stage="stage",
            marketing_consent="consent", account_ref="text", company="text", created_at="time",
        ),
        "interaction": _spec(
            InteractionTable, {"occurred_at", "type"}, source_id="id", occurred_at="time",
            type="term", discipline="discipline", channel="term", contact_ref="text",
            email="email", account_ref="text", domain="domain", opportunity_ref="text",
            subject="text", campaign="text", priority="term", status="term",
            satisfaction="unit", quantity="number", thread="text", updated_at="time",
        ),
        "opportunity": _spec(
            OpportunityTable, {"source_id"}, source_id="id", account_ref="text", name="text",
            amount="amount", currency="text", sales_stage="text", outcome="outcome",
            kind="opportunity_kind", created_at="time", closed_at="time", owner="text",
        ),
        "contact_role": _spec(
            ContactRoleTable, {"opportunity_ref", "contact_ref"}, source_id="id",
            opportunity_ref="text", contact_ref="text", role="role", is_primary="bool",
        ),
        "stage_change": _spec(
            StageHistoryTable, {"subject_ref", "stage", "at"}, source_id="id",
            subject_kind="text", subject_ref="text", stage="stage", at="time", detail="text",
        ),
        "consent": _spec(
            ConsentTable, {"purpose", "status"}, source_id="id", contact_ref="text",
            email="email", purpose="purpose", channel="term", status="consent", at="time",
        ),
    }
)  # fmt: skip


def _target(value: str) -> Target:
    if value not in TARGETS:
        msg = f"target={value!r} is not one of: {', '.join(TARGETS)}"
        raise UnknownNameError(msg)
    return value  # type: ignore[return-value]


def _dict(value: Mapping[str, str]) -> dict[str, str]:
    return dict(value)


def _kept_values(value: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    """``rows_where`` with each column's values folded (stripped, lower case), one a text."""
    kept = {}
    for column, values in dict(value).items():
        given = (values,) if isinstance(values, str) else tuple(values)
        if not given or not all(isinstance(v, str) for v in given):
            msg = f"rows_where[{column!r}]={values!r} must be one text or a non-empty list of texts"
            raise InvalidValueError(msg)
        kept[column] = tuple(v.strip().lower() for v in given)
    return kept


def _lower_keys(maps: Mapping[str, Mapping[str, str]]) -> Mapping[str, Mapping[str, str]]:
    return {
        field: {str(k).strip().lower(): v for k, v in table.items()}
        for field, table in maps.items()
    }


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class SourceMapping:
    """How one source table maps onto records or interactions of the library.

    Parameters
    ----------
    system
        The source system (``"salesforce"``, ``"zendesk"`` …), kept as provenance.
    target
        What each row becomes: ``"account"``, ``"contact"``, ``"interaction"``,
        ``"opportunity"``, ``"contact_role"``, ``"stage_change"`` or ``"consent"``.
    fields
        Target field → source column.
    constants
        Target field → a value every row gets (``{"discipline": "service"}``).
    value_maps
        Target field → {source value → target value}, applied before parsing; keys
        match case-insensitively after stripping.
    defaults
        Target field → the value for source values that ``value_maps`` does not list.
    stage_dates
        Source column → stage: each filled date becomes a stage change of the record
        (for exports that keep one date column per lifecycle stage).
    properties
        ``(column, {target field → key})``: fields read from a JSON object column.
    time_formats
        Source column → how its times are written: a strftime pattern such as
        ``"%d/%m/%Y %H:%M"``, or ``"epoch_s"``, ``"epoch_ms"``, ``"epoch_us"``,
        ``"epoch_ns"`` for numbers since 1970-01-01 UTC. Columns not listed are read as
        ISO 8601.
    rows_where
        Source column → the values a row must hold there to be read (compared after
        stripping, in any case): the other rows are *skipped*, counted in the load
        report with their positions, neither loaded nor problems. For exports that mix
        kinds of rows, such as a field history with one row per changed field
        (``{"Field": "Status"}``). A row that holds none of the values is skipped even
        when other cells are damaged; a row that cannot be read at all is rejected.

    Examples
    --------
    >>> mapping = SourceMapping(system="helpdesk", target="interaction",
    ...     fields={"source_id": "id", "occurred_at": "opened", "email": "requester"},
    ...     constants={"type": "ticket"})
    >>> mapping.columns()
    ('id', 'opened', 'requester')
    """

    system: str
    target: Target = attrs.field(converter=_target)
    fields: Mapping[str, str] = attrs.field(factory=dict, converter=_dict)
    constants: Mapping[str, str] = attrs.field(factory=dict, converter=_dict)
    value_maps: Mapping[str, Mapping[str, str]] = attrs.field(factory=dict, converter=_lower_keys)
    defaults: Mapping[str, str] = attrs.field(factory=dict, converter=_dict)
    stage_dates: Mapping[str, str] = attrs.field(factory=dict, converter=_dict)
    properties: tuple[str, Mapping[str, str]] | None = None
    time_formats: Mapping[str, str] = attrs.field(factory=dict, converter=_dict)
    rows_where: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict, converter=_kept_values)

    def __attrs_post_init__(self) -> None:
        spec = TARGETS[self.target]
        named = [*self.fields, *self.constants, *(self.properties[1] if self.properties else ())]
        unknown = sorted(set(named) - set(spec.fields))
        if unknown:
            allowed = ", ".join(spec.fields)
            msg = f"{self.target} mapping names unknown field(s) {unknown}; allowed: {allowed}"
            raise UnknownNameError(msg)
        for column, fmt in self.time_formats.items():
            if column not in self.columns():
                msg = (f"time_formats names column {column!r}, which the mapping does not "
                       f"read; it reads: {', '.join(self.columns())}")  # fmt: skip
                raise UnknownNameError(msg)
            check_time_format(column, fmt)
        if not self.system.strip():
            msg = f"system={self.system!r} must be a non-empty name"
            raise InvalidValueError(msg)

    @property
    def spec(self) -> TargetSpec:
        """The target's fields and requirements."""
        return TARGETS[self.target]

    def columns(self) -> tuple[str, ...]:
        """The source columns the mapping reads, in first-use order."""
        names = [*self.fields.values(), *self.stage_dates]
        if self.properties:
            names.append(self.properties[0])
        names += list(self.rows_where)
        return tuple(dict.fromkeys(names))
