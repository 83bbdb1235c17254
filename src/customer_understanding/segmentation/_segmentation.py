"""``Segmentation``: which segment every contact or account is in, as of a time."""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import int32s, names, objects
from customer_understanding._errors import InvalidValueError, UnknownNameError
from customer_understanding.typing import Level

__all__ = ["Segmentation"]


@attrs.frozen(kw_only=True)
class Segmentation:
    """Exclusive segment membership: each entity is in one segment or in none (code -1).

    Attributes
    ----------
    segmenter
        Name of the segmenter that produced it.
    level
        ``"contact"`` or ``"account"``.
    as_of
        The point in time (int64 UTC nanoseconds) it describes.
    ids
        Entity ids.
    segment, segments
        Codes into ``segments``, -1 for entities in no segment.

    Examples
    --------
    >>> seg = Segmentation(segmenter="x", level="account", as_of=0, ids=["a", "b", "c"],
    ...                    segment=[0, -1, 0], segments=("hot", "cold"))
    >>> seg.sizes()
    {'hot': 2, 'cold': 0}
    >>> seg.members("hot").tolist()
    ['a', 'c']
    """

    segmenter: str
    level: Level
    as_of: int
    ids: npt.NDArray[np.object_] = attrs.field(converter=objects)
    segment: npt.NDArray[np.int32] = attrs.field(converter=int32s)
    segments: tuple[str, ...] = attrs.field(converter=names)

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

    def labels(self) -> npt.NDArray[np.object_]:
        """Each entity's segment name (``None`` when in none)."""
        lookup = np.array([*self.segments, None], dtype=object)
        return np.asarray(lookup[np.where(self.segment < 0, len(self.segments), self.segment)])

    def sizes(self) -> dict[str, int]:
        """Number of entities per segment, in segment order."""
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
        """One row per entity: ``id`` and ``segment``."""
        return pd.DataFrame({"id": self.ids, "segment": self.labels()})
