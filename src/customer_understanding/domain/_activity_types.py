"""The open vocabularies of interaction types and channels, with their well-known values.

Source systems invent new activity types all the time, so types and channels are plain
snake_case strings rather than enums. The well-known ones below carry the discipline and
channel they belong to, which ingestion uses when a source does not say.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import attrs

from customer_understanding._core import typed_fields
from customer_understanding.domain._vocab import Discipline, normalize_term

__all__ = ["CHANNELS", "INTERACTION_TYPES", "InteractionType"]

#: Well-known channels; any other snake_case name is accepted too.
CHANNELS: tuple[str, ...] = (
    "email",
    "web",
    "event",
    "phone",
    "meeting",
    "chat",
    "social",
    "paid",
    "support_portal",
    "in_app",
    "other",
)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class InteractionType:
    """A well-known interaction type with the discipline and channel it belongs to.

    Parameters
    ----------
    name
        The snake_case type name, such as ``"email_open"``.
    discipline
        The discipline whose system records it.
    channel
        The channel it happens on.
    description
        One line saying what it is.

    Examples
    --------
    >>> INTERACTION_TYPES["webinar"].discipline
    <Discipline.MARKETING: 'marketing'>
    >>> InteractionType.lookup("Page View").channel
    'web'
    """

    name: str
    discipline: Discipline
    channel: str
    description: str

    @classmethod
    def lookup(cls, name: str) -> InteractionType | None:
        """Return the well-known type called ``name`` (loosely written), or ``None``."""
        return INTERACTION_TYPES.get(normalize_term(name))


def _types(*rows: tuple[str, Discipline, str, str]) -> Mapping[str, InteractionType]:
    table = {
        name: InteractionType(name=name, discipline=discipline, channel=channel, description=text)
        for name, discipline, channel, text in rows
    }
    return MappingProxyType(table)


_M, _S, _C, _P = Discipline.MARKETING, Discipline.SALES, Discipline.SERVICE, Discipline.PRODUCT

#: Well-known interaction types keyed by name.
INTERACTION_TYPES: Mapping[str, InteractionType] = _types(
    ("email_send", _M, "email", "a marketing e-mail was sent"),
    ("email_open", _M, "email", "a marketing e-mail was opened"),
    ("email_click", _M, "email", "a link in a marketing e-mail was clicked"),
    ("email_bounce", _M, "email", "a marketing e-mail bounced"),
    ("unsubscribe", _M, "email", "the contact unsubscribed from marketing e-mail"),
    ("spam_report", _M, "email", "the contact reported a marketing e-mail as spam"),
    ("form_fill", _M, "web", "a web form was submitted"),
    ("webinar", _M, "event", "a webinar was attended"),
    ("event_attended", _M, "event", "an in-person event was attended"),
    ("content_download", _M, "web", "a piece of gated content was downloaded"),
    ("page_view", _M, "web", "a page of the company's website was viewed"),
    ("ad_click", _M, "paid", "a paid advertisement was clicked"),
    ("sales_email", _S, "email", "a one-to-one e-mail from or to a sales rep"),
    ("call", _S, "phone", "a sales call"),
    ("meeting", _S, "meeting", "a sales meeting"),
    ("demo", _S, "meeting", "a product demonstration"),
    ("note", _S, "other", "a note logged by a rep"),
    ("task", _S, "other", "a task logged by a rep"),
    ("ticket", _C, "support_portal", "a support ticket was opened"),
    ("ticket_update", _C, "support_portal", "a ticket's status or rating changed (its audit)"),
    ("chat", _C, "chat", "a support chat"),
    ("csat_response", _C, "email", "a satisfaction survey answer"),
    ("login", _P, "in_app", "a user signed in to the product"),
    ("feature_use", _P, "in_app", "a user used a product feature"),
    ("seat_change", _P, "in_app", "the number of licensed or active seats changed"),
)
