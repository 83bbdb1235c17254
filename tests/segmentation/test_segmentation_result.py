"""Segmentations follow the result contract."""

import pickle

import pytest

from customer_understanding.segmentation import LifecycleSegmenter
from customer_understanding.testing import sample_base
from customer_understanding.typing import Moment, Result


@pytest.fixture(scope="module")
def result():
    base = sample_base()
    return LifecycleSegmenter(level="contact").fit(base, as_of="2026-06-01").assign(
        base, as_of="2026-06-01")  # fmt: skip


def test_repr_is_one_line_with_the_moment_as_a_date(result):
    assert repr(result) == (f"Segmentation: {len(result)} rows, as of 2026-06-01T00:00:00Z, "
                            "segmenter=lifecycle, level=contact, segments=5")  # fmt: skip
    assert isinstance(result.as_of, Moment)


def test_html_and_frame(result):
    assert result._repr_html_().startswith(f"<div><strong>{result!r}</strong>")
    assert result.to_pandas().columns.tolist() == ["contact_id", "segment"]
    assert isinstance(result, Result)


def test_arrays_are_read_only(result):
    with pytest.raises(ValueError, match="read-only"):
        result.segment[0] = 1
    sizes = result.sizes()
    sizes["new"] = -1
    assert result.sizes()["new"] != -1


def test_survives_pickling(result):
    assert pickle.loads(pickle.dumps(result)) == result
