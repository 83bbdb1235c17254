"""The per-record candidate budget's arithmetic, shared by every engine.

A record's block under one rule is summarised by a *mark*: the block's size (one more
than the record's candidates in it, at most 255) in the top 8 bits and a hash of its
members' positions in the low 24, so that two rules making the same block give equal
marks and its candidates are counted once. From a record's marks over all rules,
:func:`budget_limits` gives the largest block it may join. The local engine computes the
marks from whole arrays; the Spark engine from per-block sums; both call these.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["block_marks", "budget_limits"]

_CHUNK = 1 << 18  # records per step, so the work arrays stay small


def block_marks(
    sizes: npt.NDArray[np.integer], totals: npt.NDArray[np.uint64], squares: npt.NDArray[np.uint64]
) -> npt.NDArray[np.uint32]:
    """Marks from block sizes and the sums of the members' positions and of their squares.

    The two sums identify a block in practice; any shapes that broadcast.
    """
    members = (totals * np.uint64(0x9E3779B1) + squares) & np.uint64(0xFFFFFF)
    marks: npt.NDArray[np.uint32] = (sizes.astype(np.uint32) << np.uint32(24)) | members.astype(
        np.uint32
    )
    return marks


def budget_limits(marks: npt.NDArray[np.uint32], *, max_candidates: int) -> npt.NDArray[np.uint8]:
    """Per record (a row of ``marks``, one column per rule), the largest block it may join.

    Blocks are taken smallest first; a size is kept while the candidates of every
    distinct block up to it stay within ``max_candidates`` (blocks of one size are kept or
    left together); 255 when every block fits.
    """
    n_records = marks.shape[0]
    limits = np.full(n_records, 255, dtype=np.uint8)
    if not marks.shape[1]:
        return limits
    for start in range(0, n_records, _CHUNK):
        ordered = np.sort(marks[start : start + _CHUNK], axis=1)
        sizes = (ordered >> np.uint32(24)).astype(np.int32)
        fresh = np.ones(ordered.shape, dtype=bool)
        fresh[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
        spent = np.cumsum((sizes - 1) * fresh, axis=1)
        last_of_size = np.ones(ordered.shape, dtype=bool)
        last_of_size[:, :-1] = sizes[:, 1:] != sizes[:, :-1]
        within = (spent <= max_candidates) & last_of_size
        limit = np.where(within, sizes, 1).max(axis=1, initial=1).astype(np.uint8)
        limit[within[:, -1]] = 255  # every block fits, even one counted as 255
        limits[start : start + _CHUNK] = limit
    return limits
