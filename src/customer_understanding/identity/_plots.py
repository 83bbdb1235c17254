"""Pictures of a linkage run (need matplotlib: the ``plot`` extra).

The four Splink users expect: how one pair's match weight builds up (a waterfall), the
model's m and u per comparison level, the match weights of all candidate pairs with
their bands, and the sizes of the clusters. Each draws on the axes it is given (or a new
figure) and returns them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from customer_understanding._errors import MissingDependencyError
from customer_understanding.identity._model import FellegiSunter
from customer_understanding.identity._result import LinkResult

__all__ = ["plot_cluster_sizes", "plot_match_weights", "plot_parameters", "plot_waterfall"]

_BAND_COLOURS = {"reject": "#b0b0b0", "review": "#e6a23c", "link": "#2e7d32"}


def _axes(ax: Any, name: str, size: tuple[float, float] = (7, 4)) -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        msg = f"{name} needs matplotlib: pip install 'customer-understanding[plot]'"
        raise MissingDependencyError(msg) from error
    return ax if ax is not None else plt.figure(figsize=size).add_subplot()


def plot_waterfall(result: LinkResult, left_id: object, right_id: object, *, ax: Any = None) -> Any:
    """Draw how one pair's match weight builds up from the prior, field by field.

    Examples
    --------
    >>> import pandas as pd
    >>> from customer_understanding import MissingDependencyError
    >>> from customer_understanding.identity import Field, Linker
    >>> frame = pd.DataFrame({"email": ["a@x.com", "a@x.com", "b@y.com"]})
    >>> result = Linker(fields=[Field(column="email", kind="email")]).deduplicate(frame)
    >>> try:
    ...     axes = plot_waterfall(result, 0, 1)
    ... except MissingDependencyError:  # without the plot extra
    ...     pass
    """
    frame = result.waterfall(left_id, right_id)
    axes = _axes(ax, "plot_waterfall")
    starts = (frame["cumulative"] - frame["weight"]).to_numpy()
    colours = ["#1565c0" if w >= 0 else "#c62828" for w in frame["weight"]]
    pairs = zip(frame["comparison"], frame["level"], strict=True)
    labels = [f"{c}\n{lv}" if isinstance(lv, str) else str(c) for c, lv in pairs]
    axes.bar(labels, frame["weight"], bottom=starts, color=colours)
    axes.axhline(0, color="black", linewidth=0.8)
    axes.set_ylabel("match weight (bits)")
    axes.set_title(f"{left_id!r} and {right_id!r}: weight {frame['cumulative'].iloc[-1]:.1f}")
    axes.tick_params(axis="x", labelsize=7)
    return axes


def plot_parameters(model: FellegiSunter, *, ax: Any = None) -> Any:
    """Draw m and u of every comparison level (log scale), one row per level.

    Examples
    --------
    >>> import numpy as np
    >>> from customer_understanding import MissingDependencyError
    >>> model = FellegiSunter(names=("surname",), levels=(("exact", "different"),),
    ...     m=(np.array([0.9, 0.1]),), u=(np.array([0.01, 0.99]),), prior=0.5)
    >>> try:
    ...     axes = plot_parameters(model)
    ... except MissingDependencyError:  # without the plot extra
    ...     pass
    """
    rows = [(f"{name}: {level}", float(m[k]), float(u[k]))
            for name, levels, m, u in zip(model.names, model.levels, model.m, model.u,
                                          strict=True)
            for k, level in enumerate(levels)]  # fmt: skip
    axes = _axes(ax, "plot_parameters", (7, max(3.0, 0.25 * len(rows))))
    place = np.arange(len(rows))[::-1]
    axes.barh(place + 0.2, [m for _, m, _ in rows], height=0.4, label="m", color="#1565c0")
    axes.barh(place - 0.2, [u for _, _, u in rows], height=0.4, label="u", color="#9e9e9e")
    axes.set_yticks(place, [label for label, _, _ in rows], fontsize=7)
    axes.set_xscale("log")
    axes.set_xlabel("probability")
    axes.legend()
    return axes


def plot_match_weights(result: LinkResult, *, bins: int = 50, ax: Any = None) -> Any:
    """Draw the histogram of the candidate pairs' match weights, coloured by band.

    Examples
    --------
    >>> import pandas as pd
    >>> from customer_understanding import MissingDependencyError
    >>> from customer_understanding.identity import Field, Linker
    >>> frame = pd.DataFrame({"email": ["a@x.com", "a@x.com", "b@y.com"]})
    >>> result = Linker(fields=[Field(column="email", kind="email")]).deduplicate(frame)
    >>> try:
    ...     axes = plot_match_weights(result)
    ... except MissingDependencyError:  # without the plot extra
    ...     pass
    """
    axes = _axes(ax, "plot_match_weights")
    weights = result.match_weight
    edges = np.histogram_bin_edges(weights, bins=bins) if len(weights) else bins
    for band, colour in _BAND_COLOURS.items():
        axes.hist(weights[result.bands == band], bins=edges, color=colour, label=band)
    axes.set_yscale("log")
    axes.set_xlabel("match weight (bits)")
    axes.set_ylabel("candidate pairs")
    axes.legend()
    return axes


def plot_cluster_sizes(result: LinkResult, *, ax: Any = None) -> Any:
    """Draw how many clusters there are of each size.

    Examples
    --------
    >>> import pandas as pd
    >>> from customer_understanding import MissingDependencyError
    >>> from customer_understanding.identity import Field, Linker
    >>> frame = pd.DataFrame({"email": ["a@x.com", "a@x.com", "b@y.com"]})
    >>> result = Linker(fields=[Field(column="email", kind="email")]).deduplicate(frame)
    >>> try:
    ...     axes = plot_cluster_sizes(result)
    ... except MissingDependencyError:  # without the plot extra
    ...     pass
    """
    axes = _axes(ax, "plot_cluster_sizes")
    sizes, counts = np.unique(np.bincount(result.clusters), return_counts=True)
    axes.bar(sizes.astype(str), counts, color="#1565c0")
    axes.set_yscale("log")
    axes.set_xlabel("records in the cluster")
    axes.set_ylabel("clusters")
    return axes
