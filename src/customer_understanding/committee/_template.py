"""Which buying roles a committee needs, and how recently they must have been engaged."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from customer_understanding._errors import InvalidValueError
from customer_understanding.domain import Role

__all__ = ["DEFAULT_TEMPLATE", "RoleTemplate"]


def _required(value: Mapping[str | Role, int]) -> dict[Role, int]:
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
    return required


@attrs.frozen(kw_only=True)
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
    engaged_within_days: float = attrs.field(default=30.0)
    name: str = "default"

    @engaged_within_days.validator
    def _positive(self, attribute: attrs.Attribute[float], value: float) -> None:
        if not value > 0:
            msg = f"engaged_within_days={value!r} must be > 0"
            raise InvalidValueError(msg)


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
