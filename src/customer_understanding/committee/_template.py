"""Which buying roles a committee needs, and how recently they must have been engaged."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from customer_understanding._core import check_positive, frozen_mapping, typed_fields
from customer_understanding._errors import InvalidValueError
from customer_understanding.committee._checks import is_a, shown
from customer_understanding.domain import Role

__all__ = ["DEFAULT_TEMPLATE", "RoleTemplate", "TemplateByDealSize"]


def _required(value: Any) -> Mapping[Role, int]:
    if not isinstance(value, Mapping):
        msg = f"required={shown(value)} must be a mapping of role to number of people"
        raise InvalidValueError(msg)
    required: dict[Role, int] = {}
    for role, count in value.items():
        parsed = Role.parse(role)
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            msg = f"required[{parsed.value!r}]={count!r} must be an integer >= 1"
            raise InvalidValueError(msg)
        required[parsed] = count
    if not required:
        msg = "required={} must name at least one role"
        raise InvalidValueError(msg)
    return frozen_mapping(required)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class RoleTemplate:
    """The roles a buying committee needs, each with how many people should hold it.

    Parameters
    ----------
    required
        Role → number of members needed (role names are parsed loosely).
    engaged_within_days
        A member counts as engaged when touched within this many days before the as-of time.
    name
        A label for reports (``"enterprise"``, ``"smb"`` …).

    Raises
    ------
    UnknownNameError
        For a role name that is not a :class:`~customer_understanding.Role`.
    InvalidValueError
        For a count below one or a window that is not positive.

    Examples
    --------
    >>> template = RoleTemplate(required={"Economic Buyer": 1, "champion": 1}, name="smb")
    >>> sorted(role.value for role in template.required)
    ['champion', 'economic_buyer']
    """

    required: Mapping[Role, int] = attrs.field(converter=_required)
    engaged_within_days: float = attrs.field(default=30.0, validator=check_positive)
    name: str = attrs.field(default="default", validator=is_a(str, "a string"))


#: A committee for a mid-market deal: someone who signs, someone who sells it inside,
#: someone who checks the technology, and someone who will use it.
DEFAULT_TEMPLATE = RoleTemplate(
    required={
        Role.ECONOMIC_BUYER: 1,
        Role.CHAMPION: 1,
        Role.TECHNICAL_EVALUATOR: 1,
        Role.USER: 1,
    }
)


def _tiers(value: Any) -> tuple[tuple[float, RoleTemplate], ...]:
    tiers = tuple(value) if isinstance(value, Iterable) and not isinstance(value, str) else ()
    pairs = all(isinstance(tier, tuple | list) and len(tier) == 2 for tier in tiers)
    if not tiers or not pairs:
        msg = f"tiers={shown(value)} must hold (minimum amount, template) pairs, at least one"
        raise InvalidValueError(msg)
    for minimum, template in tiers:
        if isinstance(minimum, bool) or not isinstance(minimum, int | float | np.number):
            msg = f"tiers holds the minimum {minimum!r}, which is not a number"
            raise InvalidValueError(msg)
        if not isinstance(template, RoleTemplate):
            msg = f"tiers holds {template!r} for {minimum!r}, which is not a RoleTemplate"
            raise InvalidValueError(msg)
    ordered = sorted(
        (
            (float(minimum), template)
            for minimum, template in tiers
            if isinstance(template, RoleTemplate)
        ),
        key=lambda tier: tier[0],
    )
    if ordered[0][0] > 0:
        msg = f"tiers must start at an amount of 0 or less, got {ordered[0][0]!r}"
        raise InvalidValueError(msg)
    return tuple(ordered)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class TemplateByDealSize:
    """Choose each account's template by the size of its largest open deal.

    Parameters
    ----------
    tiers
        ``(minimum amount, template)`` pairs; an account uses the template of the highest
        minimum its largest open deal reaches. Accounts without an open deal use the
        lowest tier. The lowest minimum must be 0 or less.

    Examples
    --------
    >>> small = RoleTemplate(required={"economic_buyer": 1, "champion": 1}, name="smb")
    >>> large = RoleTemplate(required={"economic_buyer": 1, "champion": 1,
    ...                                "technical_evaluator": 2, "procurement": 1},
    ...                      name="enterprise")
    >>> by_size = TemplateByDealSize(tiers=[(0, small), (100_000, large)])
    >>> [template.name for template in by_size.templates]
    ['smb', 'enterprise']
    >>> by_size.tier_of([5_000.0, 250_000.0, float("nan")]).tolist()
    [0, 1, 0]
    """

    tiers: tuple[tuple[float, RoleTemplate], ...] = attrs.field(converter=_tiers)

    @property
    def templates(self) -> tuple[RoleTemplate, ...]:
        """The templates, from the smallest deals to the largest."""
        return tuple(template for _, template in self.tiers)

    def tier_of(self, amounts: object) -> npt.NDArray[np.int64]:
        """The tier of each largest-open-deal amount (``nan`` for no open deal → tier 0)."""
        try:
            values = np.nan_to_num(np.asarray(amounts, dtype=np.float64), nan=-np.inf)
        except (TypeError, ValueError):
            msg = f"amounts={shown(amounts)} must be numbers"
            raise InvalidValueError(msg) from None
        minimums = np.array([minimum for minimum, _ in self.tiers])
        tier = np.searchsorted(minimums, values, side="right") - 1
        return np.maximum(tier, 0).astype(np.int64)
