"""RFM on CDNOW: the transaction summary against lifetimes, and RFM scores on one-time buyers.

Reads the CDNOW master file shipped inside the ``lifetimes`` package (69,659 transactions of
23,570 customers), computes the repeat-purchase summary (frequency, recency, T, mean repeat
value) in days and in weeks with ``transaction_summary`` and with lifetimes in the same run,
checks that every customer's four numbers agree, and prints both times and the ratio.
Then scores every customer with ``RFMSegmenter(bins=5)`` (recency in days since the last
purchase day, frequency in purchase days, monetary in dollars spent) and prints which
scores each of R, F and M reaches (the documented range is 1 to 5) and the segment sizes:
about half of CDNOW's customers bought on one day only, the case of B2B accounts with one
won deal.

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

from customer_understanding.segmentation import RFMSegmenter, transaction_summary

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


def rfm(frame: pd.DataFrame) -> None:
    """Print the RFM scores reached and the segment sizes on CDNOW."""
    summary = transaction_summary(frame, observation_end=END, value="dollar_value")
    spent = frame.groupby("customer_id")["dollar_value"].sum().reindex(summary.index)
    values = {
        "recency": (summary["T"] - summary["recency"]).to_numpy(),
        "frequency": (summary["frequency"] + 1).to_numpy(),
        "monetary": spent.to_numpy(),
    }
    once = float(np.mean(values["frequency"] == 1))
    model = RFMSegmenter(bins=5).fit_values(**values)
    scores = model.score_values(**values)
    print(f"\nRFM (bins=5) on {len(scores):,} customers, {once:.0%} bought on one day only")
    for name in ("r", "f", "m"):
        counts = scores[name].value_counts().sort_index()
        reached = ", ".join(f"{score}: {count:,}" for score, count in counts.items())
        print(f"  {name} scores reached {counts.index.min()}..{counts.index.max()} ({reached})")
    sizes = scores["segment"].value_counts()
    print("  segments: " + ", ".join(f"{name} {int(sizes.get(name, 0)):,}"
                                     for name in model.segment_names))  # fmt: skip


if __name__ == "__main__":
    main()
    rfm(load())
