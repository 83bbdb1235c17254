"""The standard traits by name, traits users register, and the one place names resolve.

A name resolves, in order, to a trait given to the call (``traits=`` of a segmenter,
policy evaluation or :func:`evaluate_traits`), one registered with :func:`register_trait`,
one installed through the ``customer_understanding.traits`` entry-point group, or a
standard trait. Standard names cannot be taken: a fact is defined once.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Mapping
from types import MappingProxyType
from typing import cast

from customer_understanding._errors import InvalidValueError, UnknownNameError
from customer_understanding.plugins import PluginWarning, installed_traits
from customer_understanding.traits._activity import (
    Complaints,
    DaysSince,
    FeatureBreadth,
    InteractionCount,
    Satisfaction,
    TopSubjects,
    VersusBaseline,
)
from customer_understanding.traits._consent import ConsentStatusTrait
from customer_understanding.traits._derived import Change, Earlier, Ratio, RecordField
from customer_understanding.traits._revenue import DaysSinceRevenue, RenewalLost
from customer_understanding.traits._state import (
    ActiveUsers,
    Deals,
    LicensedSeats,
    LifecycleStage,
    NewContacts,
    OpenTickets,
)
from customer_understanding.typing import Trait

__all__ = ["check_trait", "get_trait", "register_trait", "standard_traits", "trait_names"]

_ACTIVE = ActiveUsers(window_days=30.0)
_PRODUCT_USE = InteractionCount(disciplines=("product",), window_days=30.0)
_FIELDS = ("name", "domain", "industry", "employees", "annual_revenue", "country", "city",
           "owner", "title", "department", "seniority")  # fmt: skip

_STANDARD: Mapping[str, Trait] = MappingProxyType({
    # activity in windows, by discipline and type
    "interactions_30d": InteractionCount(window_days=30.0),
    "interactions_90d": InteractionCount(window_days=90.0),
    "marketing_touches_30d": InteractionCount(disciplines=("marketing",), window_days=30.0),
    "sales_touches_30d": InteractionCount(disciplines=("sales",), window_days=30.0),
    "service_touches_30d": InteractionCount(disciplines=("service",), window_days=30.0),
    "product_use_30d": _PRODUCT_USE,
    "email_touches_30d": InteractionCount(channels=("email",), window_days=30.0),
    "meetings_90d": InteractionCount(types=("meeting", "demo"), window_days=90.0),
    "tickets_30d": InteractionCount(types=("ticket",), window_days=30.0),
    "tickets_90d": InteractionCount(types=("ticket",), window_days=90.0),
    "web_visits_14d": InteractionCount(types=("page_view",), window_days=14.0),
    "web_visits_30d": InteractionCount(types=("page_view",), window_days=30.0),
    "downloads_14d": InteractionCount(types=("content_download",), window_days=14.0),
    # service
    "open_tickets": OpenTickets(),
    "open_p1_tickets": OpenTickets(priorities=("p1",)),
    "open_p2_tickets": OpenTickets(priorities=("p2",)),
    "complaints_30d": Complaints(),
    "satisfaction": Satisfaction(),
    # recency
    "days_since_last_touch": DaysSince(),
    "days_since_marketing_touch": DaysSince(disciplines=("marketing",)),
    "days_since_sales_touch": DaysSince(disciplines=("sales",)),
    "days_since_ticket": DaysSince(types=("ticket",)),
    "days_since_product_use": DaysSince(disciplines=("product",)),
    # product adoption: one definition of an active user and of a seat
    "active_users_30d": _ACTIVE,
    "active_users_prev_30d": Earlier(trait=_ACTIVE, days=30.0),
    "active_users_change": Change(current=_ACTIVE, previous=Earlier(trait=_ACTIVE, days=30.0)),
    "seats": LicensedSeats(),
    "seat_utilisation": Ratio(numerator=_ACTIVE, denominator=LicensedSeats()),
    "features_30d": FeatureBreadth(window_days=30.0),
    "product_use_change": Change(current=_PRODUCT_USE,
                                 previous=Earlier(trait=_PRODUCT_USE, days=30.0)),
    # web
    "web_surge_ratio": VersusBaseline(),
    "top_pages_14d": TopSubjects(),
    # deals, people and stage
    "open_deals": Deals(state="open"),
    "won_deals": Deals(state="won"),
    "open_deal_amount": Deals(state="open", measure="amount"),
    "won_deal_amount": Deals(state="won", measure="amount"),
    "days_since_revenue": DaysSinceRevenue(),
    "renewal_lost": RenewalLost(),
    "new_senior_contacts_30d": NewContacts(),
    "lifecycle_stage": LifecycleStage(),
    # consent in force at the moment (latest dated statement across systems)
    "marketing_consent": ConsentStatusTrait(purpose="marketing", channel="email"),
    "sales_outreach_consent": ConsentStatusTrait(purpose="sales_outreach"),
    "tracking_consent": ConsentStatusTrait(purpose="tracking"),
    "references_consent": ConsentStatusTrait(purpose="references"),
    # record fields (of the entity, or of a contact's account)
    **{name: RecordField(name=name) for name in _FIELDS},
})  # fmt: skip

_REGISTERED: dict[str, Trait] = {}


def standard_traits() -> Mapping[str, Trait]:
    """The standard traits by name, read-only; each trait's ``description`` says what it is.

    Examples
    --------
    >>> traits = standard_traits()
    >>> traits["open_p1_tickets"].description
    'open p1 tickets'
    >>> traits["seat_utilisation"].description
    'people using the product in the last 30 days per licensed seats, ...'
    """
    return _STANDARD


def check_trait(name: object, trait: object) -> None:
    """Refuse a name that is not text, or an object that is not a trait."""
    if not isinstance(name, str) or not name:
        msg = f"name={name!r} must be a non-empty text naming the trait"
        raise InvalidValueError(msg)
    if not callable(getattr(trait, "evaluate", None)) or not hasattr(trait, "description"):
        msg = f"trait={trait!r} for {name!r} has no evaluate() and description (see Trait)"
        raise InvalidValueError(msg)


def register_trait(name: str, trait: Trait, *, replace: bool = False) -> None:
    """Make a trait known by name everywhere (segment rules, policies, trait frames).

    Raises
    ------
    InvalidValueError
        If the name is a standard trait's, is taken and ``replace`` is false, or the
        object is not a trait.

    Examples
    --------
    >>> from customer_understanding.traits import InteractionCount
    >>> register_trait("demos_90d", InteractionCount(types=("demo",), window_days=90))
    >>> get_trait("demos_90d").description
    'demo interactions in the last 90 days'
    """
    check_trait(name, trait)
    if not name.isidentifier():
        msg = f"name={name!r} must be made of letters, digits and underscores"
        raise InvalidValueError(msg)
    if name in _STANDARD:
        msg = f"name={name!r} is a standard trait; choose another name"
        raise InvalidValueError(msg)
    if name in _REGISTERED and not replace:
        msg = f"name={name!r} is already registered; pass replace=True to replace it"
        raise InvalidValueError(msg)
    _REGISTERED[name] = trait


def _installed(name: str) -> Trait | None:
    """The installed trait plugin of that name, built (``None`` if it is not usable)."""
    factory = installed_traits().get(name)
    if factory is None:
        return None
    if name in _STANDARD:
        message = f"trait plugin {name!r} is skipped: a standard trait has that name"
        warnings.warn(message, PluginWarning, stacklevel=4)
        return None
    try:
        trait = factory()
        check_trait(name, trait)
    except Exception as error:
        message = f"trait plugin {name!r} could not be built: {error!r}"
        warnings.warn(message, PluginWarning, stacklevel=4)
        return None
    return cast("Trait", trait)


def trait_names() -> list[str]:
    """Every trait name known: standard, registered and installed, sorted.

    Examples
    --------
    >>> {"open_p1_tickets", "seat_utilisation", "industry"} <= set(trait_names())
    True
    """
    return sorted({*_STANDARD, *_REGISTERED, *installed_traits()})


def get_trait(name: str, local: Mapping[str, Trait] | None = None) -> Trait:
    """The trait a name stands for: ``local`` ones first, then registered, standard, installed.

    Raises
    ------
    UnknownNameError
        If no trait has that name; the message suggests close names.

    Examples
    --------
    >>> get_trait("open_p1_tickets").description
    'open p1 tickets'
    >>> try:
    ...     get_trait("open_p1_tikets")
    ... except LookupError as error:
    ...     print(error)  # doctest: +ELLIPSIS
    trait='open_p1_tikets' is not known; did you mean 'open_p1_tickets', ...
    """
    for pool in (local or {}, _REGISTERED):
        if name in pool:
            return pool[name]
    if name in _STANDARD:
        return _STANDARD[name]
    installed = _installed(name)
    if installed is not None:
        return installed
    known = sorted({*(local or {}), *_REGISTERED, *_STANDARD, *installed_traits()})
    close = difflib.get_close_matches(str(name), known, n=3)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    msg = f"trait={name!r} is not known{hint} (see trait_names() for all {len(known)})"
    raise UnknownNameError(msg)
