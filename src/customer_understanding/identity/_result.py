"""What a linkage run returns: scored pairs, clusters, the model and the evidence."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
import networkx as nx
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import (
    TableExport,
    frozen_array,
    html_table,
    positive,
    summary,
    typed_fields,
)
from customer_understanding._errors import NotFoundError
from customer_understanding.identity._labels import informative_pairs
from customer_understanding.identity._model import FellegiSunter
from customer_understanding.identity._records import Prepared

__all__ = ["LinkResult"]


def _frozen(values: npt.ArrayLike) -> npt.NDArray[np.generic]:
    # An array nobody can write to already (the linker hands over its own that way) is
    # kept as it is: at millions of pairs a copy of the partial weights costs hundreds of MB.
    if isinstance(values, np.ndarray) and not values.flags.writeable and values.base is None:
        return frozen_array(values)
    return frozen_array(np.array(values, copy=True))


def _frozen_or_later(values: Any) -> Any:
    """Partial weights as a read-only array, or a callable that weighs them when asked."""
    return values if callable(values) else _frozen(values)


@attrs.frozen(field_transformer=typed_fields, kw_only=True, repr=False)
class LinkResult(TableExport):
    """Scored candidate pairs, the clusters built from the links, and why.

    Parameters
    ----------
    records
        The prepared records (ids, sources, coded fields).
    left, right
        Row positions of each candidate pair (int32 from the linker: half the memory of
        int64 at millions of pairs).
    levels
        The comparison level of each pair on each field (``-1`` missing).
    partials
        Each field's contribution to each pair's match weight (log2 Bayes factor, term
        frequency adjustment included; float32 from the linker), or a callable returning
        them, called on first use of :attr:`partials` (the linker passes one, so a run
        does not hold them).
    model
        The fitted :class:`FellegiSunter` model.
    bands
        ``"link"``, ``"review"`` or ``"reject"`` per pair; a pair the model would link but
        the clustering kept apart (cannot-link, distinct sources, a cut bridge) is ``"review"``.
    clusters
        A cluster label per record (0 … k-1); like every array here, a read-only copy.

    Examples
    --------
    >>> import pandas as pd
    >>> from customer_understanding.identity import Field, Linker
    >>> people = pd.DataFrame({"first": ["Ann", "Anne", "Bob"], "last": ["Lee", "Lee", "Ng"],
    ...                        "dob": ["1990-01-02", "1990-01-02", "1970-05-06"]})
    >>> linker = Linker(fields=[Field(column="first", kind="given_name"),
    ...     Field(column="last", kind="family_name"), Field(column="dob", kind="date")],
    ...     link_threshold=0.7)  # three rows carry little evidence
    >>> result = linker.deduplicate(people)
    >>> result.clusters.tolist()
    [0, 0, 1]
    >>> result
    LinkResult: 3 rows, pairs=1, links=1, clusters=2
    """

    records: Prepared
    left: npt.NDArray[np.signedinteger[Any]] = attrs.field(converter=_frozen)
    right: npt.NDArray[np.signedinteger[Any]] = attrs.field(converter=_frozen)
    levels: npt.NDArray[np.int8] = attrs.field(converter=_frozen)
    _partials: Any = attrs.field(alias="partials", converter=_frozen_or_later, eq=False)
    model: FellegiSunter
    bands: npt.NDArray[np.object_] = attrs.field(converter=_frozen)
    clusters: npt.NDArray[np.int64] = attrs.field(converter=_frozen)
    _weighed: dict[str, Any] = attrs.field(factory=dict, init=False, eq=False)

    @property
    def partials(self) -> npt.NDArray[np.floating[Any]]:
        """Each field's contribution to each pair's match weight (rows: pairs).

        Weighed on first use when the linker left them to be (it does: at millions of
        pairs they would hold 4 bytes per pair and field for the whole run).
        """
        if not callable(self._partials):
            found: npt.NDArray[np.floating[Any]] = self._partials
            return found
        if "partials" not in self._weighed:
            weights = np.asarray(self._partials())
            weights.flags.writeable = False
            self._weighed["partials"] = weights
        kept: npt.NDArray[np.floating[Any]] = self._weighed["partials"]
        return kept

    def __len__(self) -> int:
        """The number of records linked."""
        return len(self.clusters)

    def __repr__(self) -> str:
        n_clusters = len(np.unique(self.clusters))
        links = int((self.bands == "link").sum())
        return summary("LinkResult", len(self), pairs=len(self.left), links=links,
                       clusters=n_clusters)  # fmt: skip

    def _repr_html_(self) -> str:
        return html_table(repr(self), self.to_pandas())

    @property
    def match_weight(self) -> npt.NDArray[np.float64]:
        """Per pair, the prior weight plus every field's contribution (log2 odds)."""
        weight: npt.NDArray[np.float64] = self.model.prior_weight + self.partials.sum(
            axis=1, dtype=np.float64
        )
        return weight

    @property
    def match_probability(self) -> npt.NDArray[np.float64]:
        """Per pair, the probability that both records are the same entity."""
        weight = np.clip(self.match_weight, -1000, 1000)
        probability: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp2(-weight))
        return probability

    def pairs(self) -> pd.DataFrame:
        """Every candidate pair with its weight, probability and band.

        Examples
        --------
        >>> import pandas as pd
        >>> from customer_understanding.identity import Field, Linker
        >>> linker = Linker(fields=[Field(column="email", kind="email")], link_threshold=0.5,
        ...                 review_threshold=0.1)
        >>> frame = pd.DataFrame({"email": ["a@x.com", "A@x.com", "b@y.com"]})
        >>> linker.deduplicate(frame).pairs()[["left_id", "right_id", "band"]]
           left_id  right_id  band
        0        0         1  link
        """
        return pd.DataFrame(
            {
                "left_id": self.records.ids[self.left],
                "right_id": self.records.ids[self.right],
                "match_weight": self.match_weight,
                "match_probability": self.match_probability,
                "band": self.bands,
            }
        )

    def to_label(
        self, count: int = 50, *, labelled: Sequence[tuple[object, object, object]] = ()
    ) -> pd.DataFrame:
        """The ``count`` pairs a label would teach most: those the model is least sure of.

        Pairs whose match weight is nearest zero come first (the review band's middle);
        pairs in ``labelled`` (``(left_id, right_id, ...)`` rows) are left out. Answer them
        and pass the answers back as ``pair_labels``.

        Examples
        --------
        >>> import pandas as pd
        >>> from customer_understanding.identity import Field, Linker
        >>> frame = pd.DataFrame({"email": ["a@x.com", "a@x.com", "b@y.com"]})
        >>> result = Linker(fields=[Field(column="email", kind="email")]).deduplicate(frame)
        >>> result.to_label(5)[["left_id", "right_id"]]
           left_id  right_id
        0        0         1
        """
        positive("count", count)
        done = pd.Index([(a, b) for a, b, *_ in labelled] + [(b, a) for a, b, *_ in labelled],
                        dtype=object, tupleize_cols=False)  # fmt: skip
        ends = pd.Index(list(zip(self.records.ids[self.left].tolist(),
                                 self.records.ids[self.right].tolist(), strict=True)),
                        dtype=object, tupleize_cols=False)  # fmt: skip
        rows = informative_pairs(self.match_weight, count=count, exclude=ends.isin(done))
        return self.pairs().iloc[rows].reset_index(drop=True)

    def to_pandas(self) -> pd.DataFrame:
        """One row per record: ``record_id``, ``source`` and ``cluster`` (a new DataFrame)."""
        return pd.DataFrame(
            {"record_id": self.records.ids, "source": self.records.sources,
             "cluster": self.clusters}
        )  # fmt: skip

    def contributions(self) -> pd.DataFrame:
        """Per pair (rows), each field's contribution to the match weight (columns)."""
        frame = pd.DataFrame(self.partials, columns=list(self.model.names))
        frame.insert(0, "prior", self.model.prior_weight)
        frame.insert(0, "right_id", self.records.ids[self.right])
        frame.insert(0, "left_id", self.records.ids[self.left])
        return frame

    def _pair_row(self, left_id: object, right_id: object) -> int:
        rows = pd.Index(self.records.ids)
        a, b = rows.get_indexer(pd.Index([left_id, right_id], dtype=object, tupleize_cols=False))
        found = np.flatnonzero(
            ((self.left == a) & (self.right == b)) | ((self.left == b) & (self.right == a))
        )
        if a < 0 or b < 0 or not len(found):
            msg = f"pair ({left_id!r}, {right_id!r}) is not a candidate pair"
            raise NotFoundError(msg)
        return int(found[0])

    def waterfall(self, left_id: object, right_id: object) -> pd.DataFrame:
        """How one pair's match weight builds up, field by field.

        Columns: ``comparison``, ``left``, ``right`` (normalised values), ``level``,
        ``m``, ``u``, ``weight`` (log2 Bayes factor with term frequency) and
        ``cumulative``; the first row is the prior, the last the final weight.

        Raises
        ------
        NotFoundError
            If the two ids are not a candidate pair.
        """
        row = self._pair_row(left_id, right_id)
        rows: list[dict[str, object]] = [{"comparison": "prior", "weight": self.model.prior_weight}]
        for k, field in enumerate(self.records.fields):
            level = int(self.levels[row, k])
            codes, uniques = self.records.codes[field.column], self.records.uniques[field.column]
            values = [
                uniques[c] if c >= 0 else None for c in codes[[self.left[row], self.right[row]]]
            ]
            rows.append({
                "comparison": field.column, "left": values[0], "right": values[1],
                "level": self.model.levels[k][level] if level >= 0 else "missing",
                "m": self.model.m[k][level] if level >= 0 else np.nan,
                "u": self.model.u[k][level] if level >= 0 else np.nan,
                "weight": self.partials[row, k],
            })  # fmt: skip
        frame = pd.DataFrame(rows)
        frame["cumulative"] = frame["weight"].cumsum()
        return frame

    def cluster_links(self) -> pd.DataFrame:
        """For every cluster of two or more records, the links that hold it together."""
        keep = (self.bands == "link") & (self.clusters[self.left] == self.clusters[self.right])
        return pd.DataFrame(
            {
                "cluster": self.clusters[self.left[keep]],
                "left_id": self.records.ids[self.left[keep]],
                "right_id": self.records.ids[self.right[keep]],
                "match_probability": self.match_probability[keep],
            }
        ).sort_values(["cluster", "match_probability"], ascending=[True, False], ignore_index=True)

    def graph(self) -> nx.Graph:
        """The records as nodes and the link-band pairs as edges weighted by probability."""
        graph = nx.Graph()
        graph.add_nodes_from(self.records.ids.tolist())
        keep = self.bands == "link"
        ends = self.records.ids[self.left[keep]].tolist(), self.records.ids[self.right[keep]]
        strength = self.match_probability[keep].tolist()
        graph.add_weighted_edges_from(zip(ends[0], ends[1].tolist(), strength, strict=True))
        return graph
