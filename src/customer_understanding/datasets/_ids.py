"""Record ids in each system's own style: Salesforce keys, HubSpot numbers, hex tokens."""

from __future__ import annotations

import numpy as np

from customer_understanding.datasets._text import Strs, decode, join, symbols

__all__ = ["hex_ids", "numeric_ids", "salesforce_ids"]


def salesforce_ids(prefix: str, rng: np.random.Generator, *, count: int) -> Strs:
    """Increasing 15-character Salesforce ids with a three-character key prefix.

    Examples
    --------
    >>> ids = salesforce_ids("003", np.random.default_rng(0), count=2)
    >>> [len(value) for value in ids], ids[0][:3], ids[0] < ids[1]
    ([15, 15], '003', True)
    """
    steps = rng.integers(1, 5_000, count)
    values = int(rng.integers(62**5, 62**6)) + np.cumsum(steps)
    return decode(join(f"{prefix}8d000", symbols(values, width=7, base=62), rows=count))


def numeric_ids(rng: np.random.Generator, *, count: int, width: int, step: int = 1_000) -> Strs:
    """Increasing decimal ids of ``width`` digits, as HubSpot and Zendesk number records.

    Examples
    --------
    >>> numeric_ids(np.random.default_rng(0), count=3, width=4, step=1)
    array(['1...', '1...', '1...'], dtype=object)
    """
    start = 10 ** (width - 1) + int(rng.integers(0, 10 ** (width - 1) // 4))
    values = start + np.cumsum(rng.integers(1, step + 1, count))
    return decode(symbols(values, width=width))


def hex_ids(prefix: str, rng: np.random.Generator, *, count: int, width: int) -> Strs:
    """Distinct random-looking hexadecimal ids such as ``u_1a2b3c``.

    Examples
    --------
    >>> ids = hex_ids("u_", np.random.default_rng(0), count=3, width=6)
    >>> len(set(ids)), ids[0][:2], len(ids[0])
    (3, 'u_', 8)
    """
    if not 0 < width <= 15:
        msg = f"width={width!r} must be within [1, 15]"
        raise ValueError(msg)
    modulus = np.uint64(16**width)
    scale = np.uint64(int(rng.integers(16**width // 4, 16**width)) | 1)
    shift = np.uint64(int(rng.integers(0, 16**width)))
    values = (np.arange(count, dtype=np.uint64) * scale + shift) % modulus
    return decode(join(prefix, symbols(values.astype(np.int64), width=width, base=16), rows=count))
