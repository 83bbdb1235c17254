"""Reading job titles: one rule mechanism for buying role, seniority and department.

A :class:`TitleRule` says that titles matching its pattern suggest a role, a seniority,
a department (any of the three) with a confidence. Rules are ordered: each of the three
facts comes from the first rule that matches *and* says something about it, so a list
can hold specific exceptions ("account executive" is an individual contributor) before
the general words ("executive"). The committee's role inference, the customer base's
seniority and department filling and everything that reads them use this one reading.

Patterns are tried on the title as written and on a folded form (lower case, accents
and punctuation removed, dotted abbreviations closed up: ``"V.P."`` reads ``"vp"``,
``"Geschäftsführer"`` reads ``"geschaftsfuhrer"``), so rules can be written plainly.
"""

from __future__ import annotations

import re
import unicodedata

import attrs

from customer_understanding._core import check_probability, shown, typed_fields
from customer_understanding._errors import InvalidValueError
from customer_understanding.domain._vocab import Role, Seniority

__all__ = ["TitleRule", "fold_title"]

_DOTTED = re.compile(r"(?<=\b\w)\.(?=\w\b)")
_PUNCTUATION = re.compile(r"[^\w]+")


def fold_title(title: str) -> str:
    """The form of a title the rules read: lower-case words without accents or punctuation.

    Examples
    --------
    >>> fold_title("Sr. V.P., Sales & Marketing")
    'sr vp sales marketing'
    >>> fold_title("Geschäftsführerin")
    'geschaftsfuhrerin'
    """
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    closed = _DOTTED.sub("", plain.lower())
    return _PUNCTUATION.sub(" ", closed).replace("_", " ").strip()


def _confidence(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    check_probability(instance, attribute, value)
    if value == 0:
        msg = f"confidence={value!r} must be above 0"
        raise InvalidValueError(msg)


def _compiled_pattern(pattern: object) -> re.Pattern[str]:
    if not isinstance(pattern, str):
        msg = f"pattern={shown(pattern)} must be a regular expression (a string)"
        raise InvalidValueError(msg)
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as error:
        msg = f"pattern={pattern!r} is not a regular expression: {error}"
        raise InvalidValueError(msg) from None


def _role_or_none(value: object) -> Role | None:
    return None if value is None else Role.parse(value)


def _seniority_or_none(value: object) -> Seniority | None:
    return None if value is None else Seniority.parse(value)


def _department(instance: object, attribute: attrs.Attribute[str | None], value: object) -> None:
    if value is not None and not (isinstance(value, str) and value.strip()):
        msg = f"department={shown(value)} must be a non-empty string or None"
        raise InvalidValueError(msg)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class TitleRule:
    r"""A keyword rule: titles matching ``pattern`` suggest a role, seniority or department.

    ``pattern`` is a regular expression searched case-insensitively in the title as
    written and in its folded form (:func:`fold_title`). A rule names at least one of
    ``role``, ``seniority`` and ``department``; ``confidence`` says how much a title of
    that kind usually tells (above 0, at most 1).

    Examples
    --------
    >>> rule = TitleRule(pattern=r"\bprocurement\b", role="procurement", confidence=0.9)
    >>> rule.matches("Head of Procurement")
    True
    >>> TitleRule(pattern=r"\bgeschaftsfuhrer", seniority="C-Suite").matches("Geschäftsführer")
    True
    """

    pattern: str
    role: Role | None = attrs.field(default=None, converter=_role_or_none)
    seniority: Seniority | None = attrs.field(default=None, converter=_seniority_or_none)
    department: str | None = attrs.field(default=None, validator=_department)
    confidence: float = attrs.field(default=0.6, validator=_confidence)
    _compiled: re.Pattern[str] = attrs.field(init=False, repr=False, eq=False)

    @_compiled.default
    def _compile(self) -> re.Pattern[str]:
        return _compiled_pattern(self.pattern)

    def __attrs_post_init__(self) -> None:
        if self.role is None and self.seniority is None and self.department is None:
            msg = f"TitleRule(pattern={self.pattern!r}) must name a role, seniority or department"
            raise InvalidValueError(msg)

    def matches(self, title: str, *, folded: str | None = None) -> bool:
        """Whether the rule applies to ``title`` as written or folded.

        ``folded`` is ``fold_title(title)`` when the caller has it already.
        """
        if self._compiled.search(title):
            return True
        return self._compiled.search(fold_title(title) if folded is None else folded) is not None
