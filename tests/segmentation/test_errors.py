"""Every bad argument of the segmenters and their results is a named library error."""

import numpy as np
import pandas as pd
import pytest

from customer_understanding import CustomerBase, CustomerUnderstandingError
from customer_understanding.segmentation import (
    ClusterModel,
    ClusterSegmenter,
    LifecycleSegmenter,
    RFMModel,
    RFMSegmenter,
    Segmentation,
    exclusive,
    rfm_values,
    transaction_summary,
)


class _Trait:
    def evaluate(self, tables, /, *, as_of, level):
        return np.zeros(len(tables.accounts))


_SEG = {"segmenter": "x", "level": "account", "as_of": "2026-06-01", "ids": ["a"], "segment": [0],
            "segments": ("s",)}  # fmt: skip
_RFM = {
    "bins": 3,
    "recency_cutoffs": [1, 2],
    "frequency_cutoffs": [1, 2],
    "monetary_cutoffs": [1, 2],
}
_CLUSTER = {"level": "account", "traits": {"t": _Trait()}, "mean": [0.0], "scale": [1.0],
                "centroids": [[0.0], [1.0]]}  # fmt: skip

CASES = [
    (Segmentation, {**_SEG, "segmenter": ""}, "segmenter"),
    (Segmentation, {**_SEG, "level": "deal"}, "level"),
    (Segmentation, {**_SEG, "as_of": "soon"}, "as_of"),
    (Segmentation, {**_SEG, "ids": 7}, "ids"),
    (Segmentation, {**_SEG, "segment": ["first"]}, "segment"),
    (Segmentation, {**_SEG, "segment": [4]}, "segment"),
    (Segmentation, {**_SEG, "segments": "s"}, "segments"),
    (RFMSegmenter, {"bins": "five"}, "bins"),
    (RFMSegmenter, {"bins": 11}, "bins"),
    (RFMSegmenter, {"level": "contact"}, "level"),
    (RFMModel, {**_RFM, "bins": 1}, "bins"),
    (RFMModel, {**_RFM, "recency_cutoffs": ["soon"]}, "recency_cutoffs"),
    (RFMModel, {**_RFM, "kinds": ("upsell!",)}, "kinds"),
    (RFMModel, {**_RFM, "kinds": 3}, "kinds"),
    (RFMSegmenter, {"kinds": ()}, "kinds"),
    (RFMSegmenter, {"kinds": ["renewal", None]}, "kinds"),
    (LifecycleSegmenter, {"level": "deal"}, "level"),
    (LifecycleSegmenter, {"new_days": "x"}, "new_days"),
    (LifecycleSegmenter, {"active_days": -1}, "active_days"),
    (LifecycleSegmenter, {"active_days": 90, "dormant_days": 30}, "dormant_days"),
    (ClusterSegmenter, {"traits": {"t": _Trait()}, "clusters": 1}, "clusters"),
    (ClusterSegmenter, {"traits": {"t": _Trait()}, "clusters": "4"}, "clusters"),
    (ClusterSegmenter, {"traits": {"t": _Trait()}, "seed": -1}, "seed"),
    (ClusterSegmenter, {"traits": {"t": _Trait()}, "level": "deal"}, "level"),
    (ClusterSegmenter, {"traits": {"t": 3}}, "traits"),
    (ClusterSegmenter, {"traits": ["t"]}, "traits"),
    (ClusterSegmenter, {"traits": {}}, "traits"),
    (ClusterModel, {**_CLUSTER, "level": "deal"}, "level"),
    (ClusterModel, {**_CLUSTER, "mean": ["x"]}, "mean"),
    (ClusterModel, {**_CLUSTER, "centroids": [0.0, 1.0]}, "centroids"),
    (ClusterModel, {**_CLUSTER, "scale": [0.0]}, "scale"),
    (ClusterModel, {**_CLUSTER, "mean": [0.0, 1.0]}, "mean"),
]  # fmt: skip


IDS = [f"{make.__name__}-{name}-{i}" for i, (make, _, name) in enumerate(CASES)]


@pytest.mark.parametrize(("make", "arguments", "name"), CASES, ids=IDS)
def test_bad_argument_is_a_named_library_error(make, arguments, name):
    with pytest.raises(CustomerUnderstandingError, match=name):
        make(**arguments)


def test_exclusive_refuses_what_is_not_a_segmentation():
    with pytest.raises(CustomerUnderstandingError, match=r"segmentations\[0\]"):
        exclusive(["risk"])
    with pytest.raises(CustomerUnderstandingError, match="suppressed='a1'"):
        exclusive([Segmentation(**_SEG)], suppressed="a1")


def test_functions_name_their_bad_arguments():
    tables = CustomerBase.build([]).tables
    with pytest.raises(CustomerUnderstandingError, match="as_of='soon'"):
        rfm_values(tables, as_of="soon")
    with pytest.raises(CustomerUnderstandingError, match="kinds=\\('lease',\\)"):
        rfm_values(tables, as_of=None, kinds=["lease"])
    model = RFMSegmenter()
    with pytest.raises(CustomerUnderstandingError, match="recency"):
        model.fit_values(recency=["x"], frequency=[1], monetary=[1])
    with pytest.raises(CustomerUnderstandingError, match="one length"):
        model.fit_values(recency=[1, 2], frequency=[1], monetary=[1])
    frame = pd.DataFrame({"customer_id": ["a"], "date": ["2026-01-01"], "amount": ["x"]})
    with pytest.raises(CustomerUnderstandingError, match="observation_end='later'"):
        transaction_summary(frame, observation_end="later")
    with pytest.raises(CustomerUnderstandingError, match="'amount'"):
        transaction_summary(frame, observation_end="2026-02-01", value="amount")
    with pytest.raises(CustomerUnderstandingError, match=r"transactions=\[\] must be a table"):
        transaction_summary([], observation_end="2026-02-01")
