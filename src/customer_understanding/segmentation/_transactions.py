"""Transaction summaries in the repeat-purchase conventions of buy-till-you-die models."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import DAY_NS, NAT, as_frame, resolve_moment
from customer_understanding._errors import InvalidValueError, UnknownNameError
from customer_understanding.typing import AsOf, TableLike

__all__ = ["transaction_summary"]

Freq = Literal["D", "W"]
_EPOCH_WEEKDAY_OFFSET = 3  # 1970-01-01 was a Thursday; weeks start on Monday


def _periods(nanos: npt.NDArray[np.int64], freq: Freq) -> npt.NDArray[np.int64]:
    days = np.floor_divide(nanos, DAY_NS)
    return days if freq == "D" else np.floor_divide(days + _EPOCH_WEEKDAY_OFFSET, 7)


def _columns(transactions: pd.DataFrame, names: tuple[str, ...]) -> None:
    missing = [name for name in names if name not in transactions.columns]
    if missing:
        known = ", ".join(map(str, transactions.columns))
        msg = f"column(s) {missing!r} not in transactions: {known}"
        raise UnknownNameError(msg)


def transaction_summary(
    transactions: TableLike,
    *,
    observation_end: AsOf,
    customer: str = "customer_id",
    at: str = "date",
    value: str | None = None,
    freq: Freq = "D",
) -> pd.DataFrame:
    """Per customer: repeat-purchase ``frequency``, ``recency``, age ``T`` and ``monetary_value``.

    Times are cut into periods (days, or weeks starting on Monday); purchases in one
    period count once, with their values summed. ``frequency`` is the number of periods
    with a purchase after the first, ``recency`` the periods from the first to the last
    purchase, ``T`` the periods from the first purchase to ``observation_end``, and
    ``monetary_value`` the mean value of the repeat periods (0 without repeats).
    Transactions after ``observation_end`` are ignored; ``None`` means the last transaction.
    The index is named after the ``customer`` column.

    Examples
    --------
    >>> frame = pd.DataFrame({"customer_id": ["a", "a", "a", "b"],
    ...     "date": ["2026-01-01", "2026-01-01", "2026-01-11", "2026-01-05"],
    ...     "amount": [10.0, 5.0, 20.0, 7.0]})
    >>> transaction_summary(frame, observation_end="2026-01-31", value="amount")
                 frequency  recency     T  monetary_value
    customer_id
    a                  1.0     10.0  30.0            20.0
    b                  0.0      0.0  26.0             0.0
    """
    transactions = as_frame(transactions, name="transactions")  # pandas, polars or Arrow
    if freq not in ("D", "W"):
        msg = f"freq={freq!r} must be 'D' (days) or 'W' (weeks)"
        raise InvalidValueError(msg)
    _columns(transactions, (customer, at) if value is None else (customer, at, value))
    nanos = _nanos(transactions, at)
    known = nanos[nanos != NAT]
    moment = resolve_moment(
        observation_end, earliest=int(known.min()) if len(known) else None,
        latest=int(known.max()) if len(known) else None, name="observation_end",
    )  # fmt: skip
    end = _periods(np.array([moment]), freq)[0]
    period = _periods(nanos, freq)
    keep = (nanos != NAT) & (period <= end)
    codes, uniques = pd.factorize(transactions[customer].to_numpy()[keep])
    ids: npt.NDArray[Any] = np.asarray(uniques)
    amounts = np.zeros(int(keep.sum())) if value is None else _amounts(transactions, value)[keep]
    frame = _summarise(codes.astype(np.int64), period[keep], amounts, int(end), ids)
    frame.index.name = customer
    return frame


def _amounts(transactions: pd.DataFrame, value: str) -> npt.NDArray[np.float64]:
    try:
        return np.asarray(transactions[value].to_numpy(np.float64))
    except (TypeError, ValueError):
        msg = f"column {value!r} of transactions must hold numbers"
        raise InvalidValueError(msg) from None


def _nanos(transactions: pd.DataFrame, at: str) -> npt.NDArray[np.int64]:
    try:
        stamps = pd.to_datetime(transactions[at], utc=True)
    except (TypeError, ValueError) as error:
        msg = f"column {at!r} of transactions holds values that are not dates: {error}"
        raise InvalidValueError(msg) from None
    return np.asarray(stamps.to_numpy("datetime64[ns]").view(np.int64))


def _summarise(
    codes: npt.NDArray[np.int64],
    period: npt.NDArray[np.int64],
    amounts: npt.NDArray[np.float64],
    end: int,
    ids: npt.NDArray[Any],
) -> pd.DataFrame:
    size = len(ids)
    span = int(period.max() - period.min() + 1) if len(period) else 1
    key = codes * span + (period - (period.min() if len(period) else 0))
    cells, inverse = np.unique(key, return_inverse=True)
    spent = np.bincount(inverse, weights=amounts, minlength=len(cells))
    who, first_cell = cells // span, np.ones(len(cells), dtype=bool)
    first_cell[1:] = who[1:] != who[:-1]
    first = np.full(size, np.iinfo(np.int64).max)
    last = np.full(size, np.iinfo(np.int64).min)
    np.minimum.at(first, codes, period)
    np.maximum.at(last, codes, period)
    count = np.bincount(who, minlength=size)
    repeat_total = np.bincount(who[~first_cell], weights=spent[~first_cell], minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        monetary = np.where(count > 1, repeat_total / (count - 1), 0.0)
    return pd.DataFrame(
        {"frequency": (count - 1).astype(np.float64), "recency": (last - first).astype(np.float64),
         "T": (end - first).astype(np.float64), "monetary_value": monetary},
        index=pd.Index(ids, name="customer_id"),
    )  # fmt: skip
