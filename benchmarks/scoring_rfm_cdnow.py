"""RFM transaction summary on CDNOW against lifetimes' ``summary_data_from_transaction_data``.

Reads the CDNOW master file shipped inside the ``lifetimes`` package (69,659 transactions of
23,570 customers), computes the repeat-purchase summary (frequency, recency, T, mean repeat
value) in days and in weeks with ``transaction_summary`` and with lifetimes in the same run,
checks that every customer's four numbers agree, and prints both times and the ratio.

Needs the benchmark-only dependency ``lifetimes``.
Run: ``python benchmarks/scoring_rfm_cdnow.py``.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import lifetimes
import numpy as np
import pandas as pd
from lifetimes.utils import summary_data_from_transaction_data

from customer_understanding.segmentation import transaction_summary

END = "1998-06-30"


def load() -> pd.DataFrame:
    path = Path(lifetimes.__file__).parent / "datasets" / "CDNOW_master.txt"
    frame = pd.read_csv(path, sep=r"\s+", skiprows=1, header=None, dtype={0: str, 1: str},
                        names=["customer_id", "date", "number_of_cds", "dollar_value"])  # fmt: skip
    frame["date"] = pd.to_datetime(frame["date"], format="%Y%m%d")
    return frame


def _best_of(work, repeat: int = 5):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return result, min(times)


def main() -> None:
    warnings.simplefilter("ignore")
    frame = load()
    print(f"CDNOW: {len(frame):,} transactions, {frame['customer_id'].nunique():,} customers")
    for freq in ("D", "W"):
        ours, mine = _best_of(lambda freq=freq: transaction_summary(
            frame, observation_end=END, value="dollar_value", freq=freq))  # fmt: skip
        theirs, reference = _best_of(lambda freq=freq: summary_data_from_transaction_data(
            frame, "customer_id", "date", monetary_value_col="dollar_value",
            observation_period_end=END, freq=freq))  # fmt: skip
        ours, theirs = ours.sort_index(), theirs.sort_index()
        same = bool((ours.index == theirs.index).all()) and all(
            np.allclose(ours[c], theirs[c]) for c in ("frequency", "recency", "T", "monetary_value")
        )
        print(f"freq={freq}: identical for all {len(ours):,} customers: {same}; "
              f"transaction_summary {mine * 1000:6.1f} ms, lifetimes {reference * 1000:6.1f} ms "
              f"(best of 5), speed-up {reference / mine:4.1f}x")  # fmt: skip


if __name__ == "__main__":
    main()
