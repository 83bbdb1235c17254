"""Rule segments: boolean conditions over point-in-time traits, first match wins."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import attrs
import numpy as np
import numpy.typing as npt

from customer_understanding._errors import InvalidValueError, UnknownNameError
from customer_understanding.base import Tables
from customer_understanding.segmentation._exclusive import suppressed_mask
from customer_understanding.segmentation._segmentation import Segmentation
from customer_understanding.typing import AsOf, BaseLike, Level, Trait

__all__ = ["Condition", "ContactsCondition", "RuleSegment", "RuleSegmenter"]

Op = Literal["==", "!=", ">=", ">", "<=", "<", "missing", "present"]
_COMPARE = {"==": np.equal, "!=": np.not_equal, ">=": np.greater_equal, ">": np.greater,
            "<=": np.less_equal, "<": np.less}  # fmt: skip


@attrs.frozen(kw_only=True)
class Condition:
    """``trait op value`` over one named trait (``nan`` never satisfies a comparison).

    Examples
    --------
    >>> Condition(trait="web_14d", op=">=", value=3).test(np.array([5.0, 1.0, np.nan])).tolist()
    [True, False, False]
    """

    trait: str
    op: Op = attrs.field(validator=attrs.validators.in_((*_COMPARE, "missing", "present")))
    value: float = 0.0

    def test(self, values: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
        """Which entities satisfy the condition."""
        if self.op in ("missing", "present"):
            missing = np.isnan(values)
            return missing if self.op == "missing" else ~missing
        with np.errstate(invalid="ignore"):
            return np.asarray(_COMPARE[self.op](values, self.value) & ~np.isnan(values))


@attrs.frozen(kw_only=True)
class ContactsCondition:
    """An account condition over its contacts: ``any``, ``all`` or ``none`` satisfy ``condition``.

    ``condition.trait`` names a contact trait. An account with no contacts satisfies
    ``none`` but neither ``any`` nor ``all``.

    Examples
    --------
    >>> ContactsCondition(quantifier="any", condition=Condition(trait="x", op=">", value=0))
    ... # doctest: +ELLIPSIS
    ContactsCondition(quantifier='any', ...)
    """

    quantifier: Literal["any", "all", "none"] = attrs.field(
        validator=attrs.validators.in_(("any", "all", "none"))
    )
    condition: Condition

    @property
    def trait(self) -> str:
        """The contact trait the condition reads."""
        return self.condition.trait

    def test_accounts(
        self, values: npt.NDArray[np.float64], account: npt.NDArray[np.int64], size: int
    ) -> npt.NDArray[np.bool_]:
        """Per account row, whether its contacts satisfy the quantified condition."""
        hit = self.condition.test(values)
        linked = account >= 0
        hits = np.bincount(account[linked & hit], minlength=size)
        people = np.bincount(account[linked], minlength=size)
        if self.quantifier == "any":
            return np.asarray(hits > 0)
        if self.quantifier == "all":
            return np.asarray((hits == people) & (people > 0))
        return np.asarray(hits == 0)


@attrs.frozen(kw_only=True)
class RuleSegment:
    """A named segment: an entity is in it when every condition holds.

    Examples
    --------
    >>> RuleSegment(name="surging", all_of=[Condition(trait="web_14d", op=">=", value=5)]).name
    'surging'
    """

    name: str
    all_of: tuple[Condition | ContactsCondition, ...] = attrs.field(converter=tuple)


def _check_traits(
    segments: tuple[RuleSegment, ...], traits: Mapping[str, Any], contact_traits: Mapping[str, Any]
) -> None:
    for segment in segments:
        for condition in segment.all_of:
            pool, kind = (
                (contact_traits, "contact_traits")
                if isinstance(condition, ContactsCondition)
                else (traits, "traits")
            )
            if condition.trait not in pool:
                msg = (f"segment {segment.name!r} uses trait {condition.trait!r}, not one of "
                       f"{kind}: {', '.join(pool) or '(none)'}")  # fmt: skip
                raise UnknownNameError(msg)


@attrs.frozen(kw_only=True)
class RuleSegmenter:
    """Rule segments over traits, assigned exclusively in priority order.

    Segments are tried in order; an entity joins the first whose conditions all hold.
    ``suppressed`` ids are never assigned. Rule segmenters learn nothing: :meth:`fit`
    returns the segmenter itself, which is also its own segment model.

    Examples
    --------
    >>> from customer_understanding import CustomerBase
    >>> from customer_understanding.datasets import generate_world
    >>> from customer_understanding.scoring import InteractionCount, OpenTickets
    >>> world = generate_world(accounts=8, interactions=800, defects=False)
    >>> base = CustomerBase.build(world.as_sources())
    >>> web = InteractionCount(types=("page_view",), window_days=30)
    >>> segmenter = RuleSegmenter(
    ...     traits={"p1": OpenTickets(), "web": web},
    ...     segments=[
    ...         RuleSegment(name="escalated", all_of=[Condition(trait="p1", op=">=", value=1)]),
    ...         RuleSegment(name="surging", all_of=[Condition(trait="web", op=">=", value=5)]),
    ...     ])
    >>> result = segmenter.fit(base, as_of="2026-06-01").assign(base, as_of="2026-06-01")
    >>> list(result.sizes())
    ['escalated', 'surging']
    """

    level: Level = attrs.field(
        default="account", validator=attrs.validators.in_(("contact", "account"))
    )
    traits: Mapping[str, Trait] = attrs.field(factory=dict)
    contact_traits: Mapping[str, Trait] = attrs.field(factory=dict)
    segments: tuple[RuleSegment, ...] = attrs.field(converter=tuple)
    suppressed: frozenset[str] = attrs.field(default=frozenset(), converter=frozenset)

    def __attrs_post_init__(self) -> None:
        if not self.segments:
            msg = "segments=() must hold at least one segment"
            raise InvalidValueError(msg)
        if self.level == "contact" and any(
            isinstance(c, ContactsCondition) for s in self.segments for c in s.all_of
        ):
            msg = "level='contact' cannot use ContactsCondition (an account rule)"
            raise InvalidValueError(msg)
        _check_traits(self.segments, self.traits, self.contact_traits)

    @property
    def name(self) -> str:
        """The registry name of this segmenter."""
        return "rules"

    def fit(self, base: BaseLike, /, *, as_of: AsOf) -> RuleSegmenter:
        """Nothing to learn: the segmenter is its own model."""
        base.tables.moment(as_of)
        return self

    def assign(self, base: BaseLike, /, *, as_of: AsOf) -> Segmentation:
        """Evaluate the traits as of ``as_of`` and assign each entity its first matching segment."""
        tables = base.tables
        moment = tables.moment(as_of)
        entities = tables.accounts if self.level == "account" else tables.contacts
        size = len(entities)
        segment = np.full(size, -1, dtype=np.int32)
        cache: dict[tuple[str, str], npt.NDArray[np.float64]] = {}
        for code, rule in enumerate(self.segments):
            hit = np.ones(size, dtype=bool)
            for condition in rule.all_of:
                hit &= self._test(tables, condition, moment, cache)
            segment[(segment < 0) & hit] = code
        segment[suppressed_mask(entities.column("id"), self.suppressed)] = -1
        return Segmentation(
            segmenter=self.name,
            level=self.level,
            as_of=moment,
            ids=entities.column("id"),
            segment=segment,
            segments=[s.name for s in self.segments],
        )

    def _test(
        self,
        tables: Tables,
        condition: Condition | ContactsCondition,
        as_of: int,
        cache: dict[tuple[str, str], npt.NDArray[np.float64]],
    ) -> npt.NDArray[np.bool_]:
        if isinstance(condition, ContactsCondition):
            key = ("contact", condition.trait)
            if key not in cache:
                cache[key] = self.contact_traits[condition.trait].evaluate(
                    tables, as_of=as_of, level="contact"
                )
            return condition.test_accounts(
                cache[key], tables.contacts.column("account"), len(tables.accounts)
            )
        key = (self.level, condition.trait)
        if key not in cache:
            cache[key] = self.traits[condition.trait].evaluate(
                tables, as_of=as_of, level=self.level
            )
        return condition.test(cache[key])

    @property
    def segment_names(self) -> tuple[str, ...]:
        """The segment names in priority order."""
        return tuple(s.name for s in self.segments)
