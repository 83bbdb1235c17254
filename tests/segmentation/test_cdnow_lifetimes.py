"""The transaction summary matches lifetimes on the CDNOW data it ships (if installed)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from customer_understanding.segmentation import transaction_summary

lifetimes = pytest.importorskip("lifetimes")
utils = pytest.importorskip("lifetimes.utils")


@pytest.fixture(scope="module")
def cdnow():
    path = Path(lifetimes.__file__).parent / "datasets" / "CDNOW_master.txt"
    frame = pd.read_csv(path, sep=r"\s+", skiprows=1, header=None, dtype={0: str, 1: str},
                        names=["customer_id", "date", "number_of_cds", "dollar_value"])  # fmt: skip
    frame["date"] = pd.to_datetime(frame["date"], format="%Y%m%d")
    return frame


@pytest.mark.parametrize("freq", ["D", "W"])
def test_summary_equals_lifetimes_for_every_customer(cdnow, freq):
    theirs = utils.summary_data_from_transaction_data(
        cdnow, "customer_id", "date", monetary_value_col="dollar_value",
        observation_period_end="1998-06-30", freq=freq,
    ).sort_index()  # fmt: skip
    ours = transaction_summary(cdnow, observation_end="1998-06-30", value="dollar_value",
                               freq=freq).sort_index()  # fmt: skip
    assert len(ours) == len(theirs) == 23_570
    assert (ours.index == theirs.index).all()
    for column in ("frequency", "recency", "T", "monetary_value"):
        assert np.allclose(ours[column], theirs[column]), column
