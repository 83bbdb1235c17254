"""Pictures of a run: they draw with matplotlib, or name the extra without it."""

from __future__ import annotations

import importlib.util

import pytest

from customer_understanding import MissingDependencyError
from customer_understanding.identity import (
    Linker,
    plot_cluster_sizes,
    plot_match_weights,
    plot_parameters,
    plot_waterfall,
)

from .conftest import PEOPLE_FIELDS, make_people

HAS_MATPLOTLIB = importlib.util.find_spec("matplotlib") is not None


def _draw_all() -> list[object]:
    frame, _ = make_people(200, 30, seed=1)
    result = Linker(fields=PEOPLE_FIELDS).deduplicate(frame)
    pair = result.pairs().iloc[0]
    return [plot_waterfall(result, pair["left_id"], pair["right_id"]),
            plot_parameters(result.model), plot_match_weights(result),
            plot_cluster_sizes(result)]  # fmt: skip


@pytest.mark.skipif(not HAS_MATPLOTLIB, reason="matplotlib is the `plot` extra")
def test_each_picture_draws_on_axes() -> None:
    import matplotlib as mpl

    mpl.use("Agg")
    import matplotlib.pyplot as plt

    axes = _draw_all()
    assert all(hasattr(a, "get_title") for a in axes)
    assert axes[2].get_legend() is not None
    plt.close("all")


@pytest.mark.skipif(HAS_MATPLOTLIB, reason="matplotlib is installed")
def test_without_matplotlib_the_error_names_the_extra() -> None:
    with pytest.raises(MissingDependencyError, match=r"customer-understanding\[plot\]"):
        _draw_all()
