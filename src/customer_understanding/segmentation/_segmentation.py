"""``Segmentation``: which segment every contact or account is in, as of a time."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import (
    Moment,
    TableExport,
    column,
    frozen_mapping,
    html_table,
    int32s,
    labels,
    objects,
    one_of,
    parse_moment,
    same_array,
    summary,
    text_field,
    typed_fields,
)
from customer_understanding._errors import InvalidValueError, UnknownNameError
from customer_understanding.typing import Level

__all__ = ["Segmentation"]

_SAME: Any = attrs.cmp_using(eq=same_array)


def _ids(value: Any) -> npt.NDArray[np.object_]:
    return column(objects, value, name="ids", what="ids")


def _segment(value: Any) -> npt.NDArray[np.int32]:
    return column(int32s, value, name="segment", what="segment codes")


def _segments(value: Any) -> tuple[str, ...]:
    return labels(value, name="segments")


def _withheld(value: Mapping[str, str]) -> Mapping[str, str]:
    return frozen_mapping(dict(value))


@attrs.frozen(field_transformer=typed_fields, kw_only=True, repr=False)
class Segmentation(TableExport):
    """Exclusive segment membership: each entity is in one segment or in none (code -1).

    Attributes
    ----------
    segmenter
        Name of the segmenter that produced it.
    level
        ``"contact"`` or ``"account"``.
    as_of
        The :class:`~customer_understanding.typing.Moment` it describes (any accepted
        form of a moment is converted on construction).
    ids
        Entity ids.
    segment, segments
        Codes into ``segments``, -1 for entities in no segment.
    withheld
        Contact id → why it was kept out of every segment: a segmentation made for a
        consent purpose leaves out the contacts who had not granted it.

    Examples
    --------
    >>> seg = Segmentation(segmenter="x", level="account", as_of="2026-06-01",
    ...                    ids=["a", "b", "c"], segment=[0, -1, 0], segments=("hot", "cold"))
    >>> seg
    Segmentation: 3 rows, as of 2026-06-01T00:00:00Z, segmenter=x, level=account, segments=2
    >>> seg.sizes()
    {'hot': 2, 'cold': 0}
    >>> seg.members("hot").tolist()
    ['a', 'c']
    >>> seg.to_pandas().columns.tolist()
    ['account_id', 'segment']
    """

    segmenter: str = attrs.field(validator=text_field)
    level: Level = attrs.field(validator=one_of("contact", "account"))
    as_of: Moment = attrs.field(converter=parse_moment)
    ids: npt.NDArray[np.object_] = attrs.field(converter=_ids, eq=_SAME)
    segment: npt.NDArray[np.int32] = attrs.field(converter=_segment, eq=_SAME)
    segments: tuple[str, ...] = attrs.field(converter=_segments)
    withheld: Mapping[str, str] = attrs.field(factory=dict, converter=_withheld)

    def __attrs_post_init__(self) -> None:
        if len(self.ids) != len(self.segment):
            msg = f"ids and segment differ in length: {len(self.ids)}, {len(self.segment)}"
            raise InvalidValueError(msg)
        if len(self.segment) and (
            self.segment.min() < -1 or self.segment.max() >= len(self.segments)
        ):
            msg = f"segment codes must be -1 or index segments={self.segments!r}"
            raise InvalidValueError(msg)

    def __len__(self) -> int:
        return len(self.ids)

    def __repr__(self) -> str:
        return summary(
            "Segmentation", len(self), as_of=self.as_of, segmenter=self.segmenter,
            level=self.level, segments=len(self.segments),
        )  # fmt: skip

    def _repr_html_(self) -> str:
        return html_table(repr(self), self.to_pandas())

    def labels(self) -> npt.NDArray[np.object_]:
        """Each entity's segment name (``None`` when in none)."""
        lookup = np.array([*self.segments, None], dtype=object)
        return np.asarray(lookup[np.where(self.segment < 0, len(self.segments), self.segment)])

    def sizes(self) -> dict[str, int]:
        """Number of entities per segment, in segment order (a new dict each call)."""
        counts = np.bincount(self.segment[self.segment >= 0], minlength=len(self.segments))
        return {name: int(count) for name, count in zip(self.segments, counts, strict=True)}

    def members(self, segment: str) -> npt.NDArray[np.object_]:
        """Ids of the entities in one segment.

        Raises
        ------
        UnknownNameError
            If no segment has that name.
        """
        if segment not in self.segments:
            msg = f"segment={segment!r} is not one of: {', '.join(self.segments)}"
            raise UnknownNameError(msg)
        return np.asarray(self.ids[self.segment == self.segments.index(segment)])

    def to_pandas(self) -> pd.DataFrame:
        """One row per entity: ``account_id`` or ``contact_id``, and ``segment``."""
        return pd.DataFrame({f"{self.level}_id": self.ids, "segment": self.labels()})
