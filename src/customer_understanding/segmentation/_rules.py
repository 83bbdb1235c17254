"""Rule segments: conditions over point-in-time traits, first match wins.

The conditions are those of :mod:`customer_understanding.traits`, the same language the
signal policies use, so a rule and a policy written alike select the same entities.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs
import numpy as np
import numpy.typing as npt

from customer_understanding._core import one_of, typed_fields
from customer_understanding._errors import InvalidValueError, UnknownNameError
from customer_understanding.base import consent_status
from customer_understanding.domain import ConsentPurpose
from customer_understanding.segmentation._exclusive import suppressed_mask
from customer_understanding.segmentation._segmentation import Segmentation
from customer_understanding.traits import AllOf, AnyCondition, TraitSnapshot, get_trait
from customer_understanding.typing import AsOf, BaseLike, Level, Trait

__all__ = ["RuleSegment", "RuleSegmenter"]


def _when(value: object) -> AnyCondition:
    if isinstance(value, AnyCondition):
        return value
    if isinstance(value, str) or not isinstance(value, Iterable):
        msg = f"when={value!r} must be a condition or a list of conditions"
        raise InvalidValueError(msg)
    return AllOf(value)


def _purpose(value: object) -> ConsentPurpose | None:
    return None if value is None else ConsentPurpose.parse(value)


def _traits(value: Mapping[str, Trait]) -> Mapping[str, Trait]:
    return dict(value)  # a private copy (a dict, so the segmenter pickles)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class RuleSegment:
    """A named segment: an entity is in it when ``when`` holds (a list means all of them).

    Examples
    --------
    >>> from customer_understanding.traits import Condition
    >>> segment = RuleSegment(name="surging",
    ...     when=[Condition(trait="web_visits_14d", op=">=", value=5)])
    >>> str(segment.when)
    'all of (web_visits_14d >= 5)'
    """

    name: str
    when: AnyCondition = attrs.field(converter=_when)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class RuleSegmenter:
    """Rule segments over traits, assigned exclusively in priority order.

    Segments are tried in order; an entity joins the first whose condition holds.
    Conditions name standard or registered traits, or the ones given in ``traits`` (a
    :class:`~customer_understanding.traits.ScoreTrait` there puts a score in a rule).
    ``suppressed`` ids are never assigned. A contact segmentation made for a consent
    ``purpose`` (``"marketing"`` …) leaves out every contact who had not granted it as
    of the moment (unknown is not consent) and keeps why in
    :attr:`Segmentation.withheld`. Rule segmenters learn nothing: :meth:`fit`
    returns the segmenter itself, which is also its own segment model.

    Raises
    ------
    UnknownNameError
        If a condition names a trait that is not known (the message names the segment).

    Examples
    --------
    >>> from customer_understanding import CustomerBase
    >>> from customer_understanding.datasets import generate_world
    >>> from customer_understanding.traits import Condition, InteractionCount
    >>> world = generate_world(accounts=8, interactions=800, defects=False)
    >>> base = CustomerBase.build(world.as_sources())
    >>> segmenter = RuleSegmenter(
    ...     traits={"web_30d": InteractionCount(types=("page_view",), window_days=30)},
    ...     segments=[
    ...         RuleSegment(name="escalated",
    ...                     when=Condition(trait="open_p1_tickets", op=">=", value=1)),
    ...         RuleSegment(name="surging", when=Condition(trait="web_30d", op=">=", value=5)),
    ...     ])
    >>> result = segmenter.fit(base, as_of="2026-06-01").assign(base, as_of="2026-06-01")
    >>> list(result.sizes())
    ['escalated', 'surging']
    """

    level: Level = attrs.field(default="account", validator=one_of("contact", "account"))
    traits: Mapping[str, Trait] = attrs.field(factory=dict, converter=_traits)
    segments: tuple[RuleSegment, ...] = attrs.field(converter=tuple)
    suppressed: frozenset[str] = attrs.field(default=frozenset(), converter=frozenset)
    purpose: ConsentPurpose | None = attrs.field(default=None, converter=_purpose)

    def __attrs_post_init__(self) -> None:
        if not self.segments:
            msg = "segments=() must hold at least one segment"
            raise InvalidValueError(msg)
        for segment in self.segments:
            for name in sorted(segment.when.trait_names):
                try:
                    get_trait(name, self.traits)
                except UnknownNameError as error:
                    msg = f"segment {segment.name!r}: {error}"
                    raise UnknownNameError(msg) from None

    @property
    def name(self) -> str:
        """The registry name of this segmenter."""
        return "rules"

    def fit(self, base: BaseLike, /, *, as_of: AsOf) -> RuleSegmenter:
        """Nothing to learn: the segmenter is its own model."""
        base.tables.moment(as_of)
        return self

    def assign(self, base: BaseLike, /, *, as_of: AsOf) -> Segmentation:
        """Evaluate the conditions as of ``as_of``; each entity joins its first matching segment."""
        facts = TraitSnapshot(base, as_of=as_of, traits=self.traits)
        segment = np.full(facts.size(self.level), -1, dtype=np.int32)
        for code, rule in enumerate(self.segments):
            segment[(segment < 0) & facts.holds(rule.when, level=self.level)] = code
        ids = facts.ids(self.level)
        segment[suppressed_mask(ids, self.suppressed)] = -1
        withheld = self._withheld(facts, segment)
        return Segmentation(
            segmenter=self.name,
            level=self.level,
            as_of=facts.as_of,
            ids=ids,
            segment=segment,
            segments=[s.name for s in self.segments],
            withheld=withheld,
        )

    def _withheld(self, facts: TraitSnapshot, segment: npt.NDArray[np.int32]) -> dict[str, str]:
        """Leave out (in place) the contacts who had not granted the purpose; say why."""
        if self.purpose is None or self.level != "contact":
            return {}
        tables = facts.tables
        status = consent_status(tables.consents, len(tables.contacts), purpose=self.purpose,
                                moment=facts.as_of)  # fmt: skip
        out = (segment >= 0) & (status != "granted")
        segment[out] = -1
        ids, why = facts.ids("contact")[out], status[out]
        return {i: f"{self.purpose.value} consent {s}" for i, s in zip(ids, why, strict=True)}

    @property
    def segment_names(self) -> tuple[str, ...]:
        """The segment names in priority order."""
        return tuple(s.name for s in self.segments)
