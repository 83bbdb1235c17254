"""Exclusive assignment across segmentations, by priority, with suppression lists."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from customer_understanding._errors import InvalidValueError
from customer_understanding.segmentation._segmentation import Segmentation

__all__ = ["exclusive", "suppressed_mask"]


def suppressed_mask(
    ids: npt.NDArray[np.object_], suppressed: Iterable[str]
) -> npt.NDArray[np.bool_]:
    """Which ids are on a suppression list.

    Examples
    --------
    >>> suppressed_mask(np.array(["a", "b"], dtype=object), {"b"}).tolist()
    [False, True]
    """
    listed = list(suppressed)
    if not listed:
        return np.zeros(len(ids), dtype=bool)
    return np.asarray(np.isin(ids, np.array(listed, dtype=object)), dtype=np.bool_)


def exclusive(
    segmentations: Sequence[Segmentation], *, suppressed: Iterable[str] = ()
) -> Segmentation:
    """One exclusive segmentation from several, by priority, with a suppression list.

    Each entity keeps its segment from the first segmentation (highest priority) that
    assigns it one; ids on the suppression list get none.

    Segment names become ``"segmenter:segment"``.

    Raises
    ------
    InvalidValueError
        If the segmentations disagree on level, as-of time or entities.

    Examples
    --------
    >>> a = Segmentation(segmenter="risk", level="account", as_of=0, ids=["x", "y", "z"],
    ...                  segment=[0, -1, -1], segments=("p1_open",))
    >>> b = Segmentation(segmenter="growth", level="account", as_of=0, ids=["x", "y", "z"],
    ...                  segment=[0, 0, 0], segments=("surging",))
    >>> exclusive([a, b], suppressed={"z"}).labels().tolist()
    ['risk:p1_open', 'growth:surging', None]
    """
    if isinstance(suppressed, str):
        msg = f"suppressed={suppressed!r} must be a collection of ids, not one string"
        raise InvalidValueError(msg)
    if not segmentations:
        msg = "segmentations=[] must hold at least one segmentation"
        raise InvalidValueError(msg)
    given: Sequence[object] = segmentations  # checked: callers may pass anything
    for position, part in enumerate(given):
        if not isinstance(part, Segmentation):
            msg = f"segmentations[{position}]={part!r} must be a Segmentation"
            raise InvalidValueError(msg)
    first = segmentations[0]
    for other in segmentations[1:]:
        same = (other.level, other.as_of) == (first.level, first.as_of)
        if not same or not np.array_equal(other.ids, first.ids):
            msg = (
                f"segmentation {other.segmenter!r} differs from {first.segmenter!r} "
                "in its entities, level or as_of"
            )
            raise InvalidValueError(msg)
    segment = np.full(len(first), -1, dtype=np.int32)
    names: list[str] = []
    for part in segmentations:
        free = (segment < 0) & (part.segment >= 0)
        segment[free] = part.segment[free] + len(names)
        names += [f"{part.segmenter}:{name}" for name in part.segments]
    segment[suppressed_mask(first.ids, suppressed)] = -1
    return Segmentation(
        segmenter="exclusive",
        level=first.level,
        as_of=first.as_of,
        ids=first.ids,
        segment=segment,
        segments=names,
    )
