"""A small adapter to recordlinkage: its indexers and its ECM classifier as parts.

Three pieces meet the engine's data halfway:

- :func:`candidate_pairs` runs recordlinkage's indexers (blocking and sorted
  neighbourhood, several passes) over a table and returns candidate pairs as row
  positions, the form the engine's evaluation helpers take;
- :func:`compare_pairs` scores any pairs on the engine's comparison levels and returns
  them as recordlinkage comparison vectors (a DataFrame on a pair MultiIndex);
- :func:`ecm_links` fits recordlinkage's ``ECMClassifier`` on a :class:`LinkResult`'s
  comparison levels, an unsupervised second opinion beside the engine's own model.

recordlinkage is optional (the ``recordlinkage`` extra; it requires pandas below 3) and
untyped: it is imported here only, when :func:`candidate_pairs` or :func:`ecm_links` runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import (
    TableExport,
    as_frame,
    frozen_array,
    html_table,
    requires,
    summary,
    typed_fields,
)
from customer_understanding._errors import InvalidValueError, UnknownNameError
from customer_understanding.identity._fields import Field
from customer_understanding.identity._records import prepare
from customer_understanding.identity._result import LinkResult

if TYPE_CHECKING:
    from customer_understanding.typing import TableLike

__all__ = ["EcmLinks", "candidate_pairs", "compare_pairs", "ecm_links"]

Pairs = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]


def _toolkit(needed_for: str) -> Any:
    return requires("recordlinkage", extra="recordlinkage", needed_for=needed_for)


def _columns(on: str | Sequence[str]) -> list[str]:
    return [on] if isinstance(on, str) else list(on)


def _check(records: pd.DataFrame, columns: Sequence[str], argument: str) -> None:
    for column in columns:
        if column not in records.columns:
            msg = f"{argument} names column {column!r}, which records does not have"
            raise UnknownNameError(msg)


def candidate_pairs(
    records: TableLike,
    *,
    block: Sequence[str | Sequence[str]] = (),
    sorted_neighbourhood: Sequence[str] = (),
    window: int = 5,
) -> Pairs:
    """Candidate pairs of one table from recordlinkage's indexers, one pass per rule.

    Parameters
    ----------
    records
        The table to deduplicate.
    block
        Blocking passes: a column, or several that must all agree.
    sorted_neighbourhood
        Columns to sort on; records within ``window`` places of each other pair up.
    window
        The sorted-neighbourhood window (odd, at least 3).

    Returns
    -------
    tuple of numpy arrays
        ``(left, right)`` row positions with ``left < right``, each pair once.

    Raises
    ------
    MissingDependencyError
        If recordlinkage is not installed (the ``recordlinkage`` extra).

    Examples
    --------
    >>> import pandas as pd
    >>> people = pd.DataFrame({"surname": ["Lee", "Lee", "Ng", "Nguyen"],
    ...                        "postcode": ["2000", "2001", "3000", "3000"]})
    >>> left, right = candidate_pairs(people, block=["surname", "postcode"])
    >>> list(zip(left.tolist(), right.tolist()))
    [(0, 1), (2, 3)]
    """
    if not block and not sorted_neighbourhood:
        msg = "block=() and sorted_neighbourhood=() name no pass; give at least one"
        raise InvalidValueError(msg)
    if window < 3 or window % 2 == 0:
        msg = f"window={window!r} must be an odd number >= 3"
        raise InvalidValueError(msg)
    frame = as_frame(records, name="records").reset_index(drop=True)
    for on in block:
        _check(frame, _columns(on), "block")
    _check(frame, list(sorted_neighbourhood), "sorted_neighbourhood")
    toolkit = _toolkit("candidate_pairs")
    indexer = toolkit.Index()
    for on in block:
        indexer.block(_columns(on))
    for column in sorted_neighbourhood:
        indexer.sortedneighbourhood(column, window=window)
    found = indexer.index(frame)
    first = found.get_level_values(0).to_numpy(dtype=np.int64)
    second = found.get_level_values(1).to_numpy(dtype=np.int64)
    left, right = np.minimum(first, second), np.maximum(first, second)
    unique = np.unique(np.stack([left, right], axis=1), axis=0).reshape(-1, 2)
    return unique[:, 0].copy(), unique[:, 1].copy()


def compare_pairs(records: TableLike, pairs: Pairs, *, fields: Sequence[Field]) -> pd.DataFrame:
    """The engine's comparison levels for given pairs, as recordlinkage feature vectors.

    Each column is a declared field; each value the pair's comparison level on it (0 is
    the closest agreement, higher is weaker, ``-1`` a missing value). The index is a
    MultiIndex of row positions, as recordlinkage's classifiers expect.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> people = pd.DataFrame({"surname": ["Lee", "Lea", "Ng"]})
    >>> compare_pairs(people, (np.array([0, 0]), np.array([1, 2])),
    ...               fields=[Field(column="surname", kind="family_name")])["surname"].tolist()
    [2, 3]
    """
    frame = as_frame(records, name="records")
    left, right = (np.asarray(side, dtype=np.int64) for side in pairs)
    if len(left) != len(right):
        msg = f"pairs has {len(left)} left rows but {len(right)} right rows"
        raise InvalidValueError(msg)
    if len(left) and (
        min(left.min(), right.min()) < 0 or max(left.max(), right.max()) >= len(frame)
    ):
        msg = f"pairs holds a row position outside 0..{len(frame) - 1}"
        raise InvalidValueError(msg)
    prepared = prepare(frame, fields)
    levels = prepared.compare(left, right)
    index = pd.MultiIndex.from_arrays([left, right], names=["left", "right"])
    return pd.DataFrame(levels, index=index, columns=[field.column for field in fields])


@attrs.frozen(field_transformer=typed_fields, kw_only=True, repr=False)
class EcmLinks(TableExport):
    """recordlinkage's ECM decision for each of a :class:`LinkResult`'s pairs.

    Parameters
    ----------
    left, right
        Row positions of each pair, as in the result.
    probability
        The ECM model's match probability per pair.
    match
        Whether ECM calls the pair a match (probability above the threshold).

    Examples
    --------
    >>> import numpy as np
    >>> links = EcmLinks(left=np.array([0]), right=np.array([1]),
    ...                  probability=np.array([0.9]), match=np.array([True]))
    >>> links.to_pandas().columns.tolist()
    ['left', 'right', 'probability', 'match']
    >>> links
    EcmLinks: 1 row, matches=1
    """

    left: npt.NDArray[np.int64] = attrs.field(converter=frozen_array)
    right: npt.NDArray[np.int64] = attrs.field(converter=frozen_array)
    probability: npt.NDArray[np.float64] = attrs.field(converter=frozen_array)
    match: npt.NDArray[np.bool_] = attrs.field(converter=frozen_array)

    def __len__(self) -> int:
        return len(self.left)

    def __repr__(self) -> str:
        return summary("EcmLinks", len(self), matches=int(np.count_nonzero(self.match)))

    def _repr_html_(self) -> str:
        return html_table(repr(self), self.to_pandas())

    @property
    def links(self) -> Pairs:
        """The pairs ECM calls matches, as ``(left, right)`` positions."""
        return self.left[self.match], self.right[self.match]

    def to_pandas(self) -> pd.DataFrame:
        """One row per pair: positions, probability and decision."""
        return pd.DataFrame(
            {"left": self.left, "right": self.right, "probability": self.probability,
             "match": self.match}
        )  # fmt: skip


def _agreement(result: LinkResult) -> pd.DataFrame:
    """Binary ECM features: per field, 1 for agreement at any level but "different"."""
    last = np.array([len(names) - 1 for names in result.model.levels], dtype=np.int8)
    agree = (result.levels >= 0) & (result.levels < last)
    index = pd.MultiIndex.from_arrays([result.left, result.right], names=["left", "right"])
    return pd.DataFrame(agree.astype(np.int8), index=index, columns=list(result.model.names))


def ecm_links(result: LinkResult, *, threshold: float = 0.5) -> EcmLinks:
    """Fit recordlinkage's ECM classifier on a result's comparison levels, without labels.

    Each field becomes one binary feature, agreement at any level short of "different"
    (ECM's model takes binary, conditionally independent features); the pairs are the
    result's candidate pairs. Compare its links with the result's own to check the
    engine's model against a second, independent fit.

    Raises
    ------
    InvalidValueError
        When ``threshold`` is not in (0, 1) or the result has fewer than two pairs.
    MissingDependencyError
        If recordlinkage is not installed (the ``recordlinkage`` extra).

    Examples
    --------
    >>> import pandas as pd
    >>> from customer_understanding.identity import Linker
    >>> people = pd.DataFrame({"first": ["Ann", "Ann", "Bob", "Bob", "Cy"],
    ...     "last": ["Lee", "Lee", "Ng", "Ng", "Ng"]})
    >>> result = Linker(fields=[Field(column="first", kind="given_name"),
    ...     Field(column="last", kind="family_name")], link_threshold=0.5).deduplicate(people)
    >>> ecm_links(result).to_pandas().shape[1]
    4
    """
    if not 0.0 < threshold < 1.0:
        msg = f"threshold={threshold!r} must be in (0, 1)"
        raise InvalidValueError(msg)
    if len(result.left) < 2:
        msg = f"result has {len(result.left)} candidate pairs; ECM needs at least 2"
        raise InvalidValueError(msg)
    toolkit = _toolkit("ecm_links")
    features = _agreement(result)
    classifier = toolkit.ECMClassifier(binarize=None)
    classifier.fit(features)
    probability = np.asarray(classifier.prob(features), dtype=np.float64)
    return EcmLinks(
        left=result.left.copy(),
        right=result.right.copy(),
        probability=probability,
        match=probability > threshold,
    )
