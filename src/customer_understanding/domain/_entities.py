"""Accounts (organisations), contacts (people in them) and consent."""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

import attrs

from customer_understanding._core import typed_fields
from customer_understanding._errors import InvalidValueError
from customer_understanding.domain._json import JsonForm
from customer_understanding.domain._normalize import (
    normalize_domain,
    normalize_email,
    normalize_phone,
    to_utc,
)
from customer_understanding.domain._refs import (
    AccountId,
    ContactId,
    SourceRef,
    source_refs,
    tuple_of,
)
from customer_understanding.domain._vocab import (
    ConsentPurpose,
    ConsentStatus,
    Seniority,
    normalize_term,
)

__all__ = ["CONSENT_CAUTION", "Account", "Consent", "Contact", "latest_consent"]


def _seniority_or_none(value: object) -> Seniority | None:
    return None if value is None else Seniority.parse(value)


def _purpose(value: object) -> ConsentPurpose:
    return ConsentPurpose.parse(value)


def _status(value: object) -> ConsentStatus:
    return ConsentStatus.parse(value)


def _channel(value: object) -> str | None:
    text = _text_of("channel", value)
    return None if text is None else normalize_term(text)


def _strip_or_none(value: object) -> str | None:
    # Numbers from exports are text here (an id column read as integers); anything else
    # passes through for the field's type check to refuse, naming the field.
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return value  # type: ignore[return-value]
    text = str(value).strip()
    return text or None


def _text_of(field: str, value: object) -> str | None:
    text: object = _strip_or_none(value)
    if text is not None and not isinstance(text, str):
        msg = f"{field}={value!r} must be text"
        raise InvalidValueError(msg)
    return text


def _email_or_none(value: str | None) -> str | None:
    text = _text_of("email", value)
    return None if text is None else normalize_email(text)


def _domain_or_none(value: str | None) -> str | None:
    text = _text_of("domain", value)
    return None if text is None else normalize_domain(text)


def _utc_or_none(value: object, name: str) -> datetime | None:
    return None if value is None else to_utc(value, name=name)


# One converter per time field, so that an error names the field (``created_at='soon'``).
def _created_at(value: object) -> datetime | None:
    return _utc_or_none(value, "created_at")


def _updated_at(value: object) -> datetime | None:
    return _utc_or_none(value, "updated_at")


def _non_negative(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        msg = f"{attribute.name}={value!r} must be a number"
        raise InvalidValueError(msg)
    if value < 0:
        msg = f"{attribute.name}={value!r} must be >= 0"
        raise InvalidValueError(msg)


def _id(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        msg = f"{attribute.name}={value!r} must be a non-empty string"
        raise InvalidValueError(msg)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Consent(JsonForm):
    """One dated statement of a contact's consent for a purpose, with where it was recorded.

    A contact may carry many statements from many systems; :func:`latest_consent` says
    which one is in force.

    Parameters
    ----------
    purpose
        What the consent covers (:class:`ConsentPurpose`).
    status
        Granted, denied or unknown (:class:`ConsentStatus`).
    channel
        The channel it covers (``"email"``, ``"phone"``, ``"web"`` …); ``None`` for every
        channel of the purpose.
    updated_at
        When the statement was made (UTC); ``None`` when the source does not say (a
        yes/no flag on a record).
    source
        The system and record that hold it.

    Examples
    --------
    >>> Consent(purpose="marketing", status="opted out").status
    <ConsentStatus.DENIED: 'denied'>
    >>> Consent(purpose="case studies", status="granted", channel="E-mail").channel
    'e_mail'
    """

    purpose: ConsentPurpose = attrs.field(converter=_purpose)
    status: ConsentStatus = attrs.field(converter=_status)
    channel: str | None = attrs.field(default=None, converter=_channel)
    updated_at: datetime | None = attrs.field(default=None, converter=_updated_at)
    source: SourceRef | None = None


#: Among statements made at the same moment (or all undated), the more cautious one wins.
CONSENT_CAUTION: Mapping[ConsentStatus, int] = MappingProxyType(
    {ConsentStatus.UNKNOWN: 0, ConsentStatus.GRANTED: 1, ConsentStatus.DENIED: 2}
)


def _precedence(consent: Consent) -> tuple[bool, bool, datetime, int]:
    # A stated answer beats "unknown"; a dated statement beats an undated flag; then the
    # latest wins; then the more cautious. The base applies the same order to its columns.
    floor = datetime.min.replace(tzinfo=UTC)
    return (
        consent.status is not ConsentStatus.UNKNOWN,
        consent.updated_at is not None,
        consent.updated_at or floor,
        CONSENT_CAUTION[consent.status],
    )


def latest_consent(
    consents: Iterable[Consent], purpose: ConsentPurpose | str, *, channel: str | None = None
) -> Consent | None:
    """The statement in force for a purpose (and channel): the latest dated one wins.

    A granted or denied answer beats an ``unknown`` one; a dated statement beats an
    undated one (a flag on a record says nothing of when it was set); among those, the
    latest wins, and at the same time a denial beats a grant. With a ``channel``, only
    statements about that channel or about every channel count; without one, every
    statement of the purpose counts.

    Parameters
    ----------
    consents
        Statements of one contact, from any systems.
    purpose
        The purpose asked about.
    channel
        The channel asked about, or ``None`` for the purpose on any channel.

    Returns
    -------
    Consent or None
        The statement in force, or ``None`` when none is recorded (which is not consent).

    Examples
    --------
    >>> crm = Consent(purpose="marketing", status="granted", updated_at="2025-03-01")
    >>> hubspot = Consent(purpose="marketing", status="denied", updated_at="2026-02-01")
    >>> latest_consent([hubspot, crm], "marketing").status
    <ConsentStatus.DENIED: 'denied'>
    >>> latest_consent([crm], "tracking") is None
    True
    """
    wanted = ConsentPurpose.parse(purpose)
    asked = _channel(channel)
    chosen = [
        c for c in consents
        if c.purpose is wanted and (asked is None or c.channel in (None, asked))
    ]  # fmt: skip
    return max(chosen, key=_precedence) if chosen else None


def _consents(value: Iterable[object]) -> tuple[Consent, ...]:
    return tuple_of(Consent, value, field="consents")


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Account(JsonForm):
    """An organisation that buys, or may buy, from the company.

    Parameters
    ----------
    id
        The account's id in the customer base.
    name
        The company name as the best source spells it.
    domain
        The company's web domain, normalised (``https://www.Acme.com/`` → ``acme.com``).
    industry, employees, annual_revenue, country, city
        Firmographics, each optional.
    parent_id
        The parent account in a hierarchy, if any.
    owner
        The account owner (a sales rep's name or id).
    created_at
        When the account first appeared in any source (UTC).
    sources
        Every source record merged into this account.

    Examples
    --------
    >>> acme = Account(id="acc-1", name="Acme Corp", domain="https://www.ACME.com/")
    >>> acme.domain
    'acme.com'
    >>> Account(id="acc-2", name="Acme Europe", parent_id="acc-1").parent_id
    'acc-1'
    """

    id: AccountId = attrs.field(validator=_id)
    name: str | None = attrs.field(default=None, converter=_strip_or_none)
    domain: str | None = attrs.field(default=None, converter=_domain_or_none)
    industry: str | None = attrs.field(default=None, converter=_strip_or_none)
    employees: int | None = attrs.field(default=None, validator=_non_negative)
    annual_revenue: float | None = attrs.field(default=None, validator=_non_negative)
    country: str | None = attrs.field(default=None, converter=_strip_or_none)
    city: str | None = attrs.field(default=None, converter=_strip_or_none)
    parent_id: AccountId | None = attrs.field(default=None)
    owner: str | None = attrs.field(default=None, converter=_strip_or_none)
    created_at: datetime | None = attrs.field(default=None, converter=_created_at)
    sources: tuple[SourceRef, ...] = attrs.field(default=(), converter=source_refs)

    @parent_id.validator
    def _not_own_parent(self, attribute: attrs.Attribute[object], value: str | None) -> None:
        if value is not None and value == self.id:
            msg = f"parent_id={value!r} must differ from the account's own id"
            raise InvalidValueError(msg)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Contact(JsonForm):
    """A person, usually at an account, known to one or more systems.

    Parameters
    ----------
    id
        The contact's id in the customer base.
    email
        Work or personal e-mail, stripped and lower-cased.
    first_name, last_name
        The person's names as the best source spells them.
    title, department
        Job title and department.
    seniority
        :class:`Seniority`, parsed from loose labels such as ``"VP"``.
    phone
        The phone number exactly as given; :attr:`phone_normalized` holds it in E.164
        (``+`` and digits) when it parses, its digits otherwise.
    account_id
        The account the person works for, if known.
    consents
        Consent per purpose; see :meth:`allows`.
    created_at
        When the person first appeared in any source (UTC).
    sources
        Every source record merged into this contact.

    Examples
    --------
    >>> ada = Contact(id="c-1", email=" Ada@Example.com", first_name="Ada",
    ...               last_name="Lovelace", phone="+44 (20) 7946-0018", seniority="VP")
    >>> ada.email, ada.phone_normalized, ada.name
    ('ada@example.com', '+442079460018', 'Ada Lovelace')
    >>> ada.allows("marketing")
    False
    """

    id: ContactId = attrs.field(validator=_id)
    email: str | None = attrs.field(default=None, converter=_email_or_none)
    first_name: str | None = attrs.field(default=None, converter=_strip_or_none)
    last_name: str | None = attrs.field(default=None, converter=_strip_or_none)
    title: str | None = attrs.field(default=None, converter=_strip_or_none)
    department: str | None = attrs.field(default=None, converter=_strip_or_none)
    seniority: Seniority | None = attrs.field(default=None, converter=_seniority_or_none)
    phone: str | None = attrs.field(default=None, converter=_strip_or_none)
    phone_normalized: str | None = attrs.field(init=False)
    account_id: AccountId | None = None
    consents: tuple[Consent, ...] = attrs.field(default=(), converter=_consents)
    created_at: datetime | None = attrs.field(default=None, converter=_created_at)
    sources: tuple[SourceRef, ...] = attrs.field(default=(), converter=source_refs)

    @phone_normalized.default
    def _normalize_phone(self) -> str | None:
        if not isinstance(self.phone, str):  # a bad phone is refused by its type check
            return None
        return normalize_phone(self.phone) or None

    @property
    def name(self) -> str | None:
        """The full name, or ``None`` when neither name is known."""
        parts = [part for part in (self.first_name, self.last_name) if part]
        return " ".join(parts) or None

    @property
    def email_domain(self) -> str | None:
        """The domain part of the e-mail address."""
        return None if self.email is None else self.email.rpartition("@")[2]

    def consent(
        self, purpose: ConsentPurpose | str, *, channel: str | None = None
    ) -> ConsentStatus:
        """The status in force for ``purpose`` (``UNKNOWN`` if none is recorded).

        The statement in force is chosen by :func:`latest_consent`.
        """
        latest = latest_consent(self.consents, purpose, channel=channel)
        return ConsentStatus.UNKNOWN if latest is None else latest.status

    def allows(self, purpose: ConsentPurpose | str, *, channel: str | None = None) -> bool:
        """Whether the contact has granted ``purpose``; unknown counts as not granted."""
        return self.consent(purpose, channel=channel) is ConsentStatus.GRANTED
