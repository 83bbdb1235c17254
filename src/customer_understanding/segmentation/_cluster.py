"""Clustering segments: k-means on standardised traits, through scikit-learn (loaded lazily)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from customer_understanding._core import column, floats, one_of, same_array, typed_fields
from customer_understanding._errors import InvalidValueError
from customer_understanding.segmentation._segmentation import Segmentation
from customer_understanding.typing import AsOf, BaseLike, Level, Moment, Trait

__all__ = ["ClusterModel", "ClusterSegmenter"]


def _matrix(
    base: BaseLike, traits: Mapping[str, Trait], as_of: Moment, level: Level
) -> npt.NDArray[np.float64]:
    columns = [trait.evaluate(base.tables, as_of=as_of, level=level) for trait in traits.values()]
    matrix = np.column_stack(columns) if columns else np.zeros((0, 0))
    return np.nan_to_num(matrix, nan=0.0)


def _traits(value: Any) -> dict[str, Trait]:
    """A private copy of a mapping of names to traits (objects with ``evaluate``)."""
    if not isinstance(value, Mapping):
        msg = f"traits={value!r} must be a mapping of names to traits"
        raise InvalidValueError(msg)
    for name, trait in value.items():
        if not isinstance(name, str) or not callable(getattr(trait, "evaluate", None)):
            msg = f"traits[{name!r}]={trait!r} must be a trait (an object with evaluate())"
            raise InvalidValueError(msg)
    return dict(value)


def _centroids(value: Any) -> npt.NDArray[np.float64]:
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        array = np.zeros(0)
    if array.ndim != 2 or not np.isfinite(array).all():
        msg = "centroids must be a matrix of finite numbers (one row per cluster)"
        raise InvalidValueError(msg)
    array.setflags(write=False)
    return array


def _whole(low: int) -> Any:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        whole = isinstance(value, int | np.integer) and not isinstance(value, bool)
        if not whole or value < low:  # type: ignore[operator]
            msg = f"{attribute.name}={value!r} must be an integer >= {low}"
            raise InvalidValueError(msg)

    return check


_SAME: Any = attrs.cmp_using(eq=same_array)


def _mean(value: Any) -> npt.NDArray[np.float64]:
    return column(floats, value, name="mean")


def _scale(value: Any) -> npt.NDArray[np.float64]:
    return column(floats, value, name="scale")


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class ClusterModel:
    """Fitted clusters: the standardisation and the centroids, reusable at another time.

    Examples
    --------
    >>> class Employees:
    ...     def evaluate(self, tables, /, *, as_of, level):
    ...         return tables.accounts.column("employees")
    >>> model = ClusterModel(level="account", traits={"employees": Employees()},
    ...                      mean=[100.0], scale=[50.0], centroids=[[-1.0], [1.0]])
    >>> model.segment_names
    ('cluster_0', 'cluster_1')
    """

    level: Level = attrs.field(validator=one_of("contact", "account"))
    traits: Mapping[str, Trait] = attrs.field(converter=_traits)
    mean: npt.NDArray[np.float64] = attrs.field(converter=_mean, eq=_SAME)
    scale: npt.NDArray[np.float64] = attrs.field(converter=_scale, eq=_SAME)
    centroids: npt.NDArray[np.float64] = attrs.field(converter=_centroids, eq=_SAME)

    def __attrs_post_init__(self) -> None:
        width = self.centroids.shape[1]
        if not len(self.traits) == len(self.mean) == len(self.scale) == width:
            msg = (
                "mean, scale and centroids must have one column per trait: "
                f"{len(self.traits)} traits, {len(self.mean)}, {len(self.scale)}, {width}"
            )
            raise InvalidValueError(msg)
        if (self.scale <= 0).any():
            msg = f"scale={self.scale.tolist()!r} must be > 0 in every column"
            raise InvalidValueError(msg)

    @property
    def segment_names(self) -> tuple[str, ...]:
        """``cluster_0`` … one per centroid."""
        return tuple(f"cluster_{k}" for k in range(len(self.centroids)))

    def assign(self, base: BaseLike, /, *, as_of: AsOf) -> Segmentation:
        """Each entity goes to its nearest centroid in standardised trait space."""
        tables = base.tables
        moment = tables.moment(as_of)
        scaled = (_matrix(base, self.traits, moment, self.level) - self.mean) / self.scale
        distance = ((scaled[:, None, :] - self.centroids[None, :, :]) ** 2).sum(axis=2)
        segment = np.argmin(distance, axis=1) if len(scaled) else np.zeros(0, np.int32)
        entities = tables.accounts if self.level == "account" else tables.contacts
        return Segmentation(
            segmenter="cluster",
            level=self.level,
            as_of=moment,
            ids=entities.column("id"),
            segment=segment,
            segments=self.segment_names,
        )


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class ClusterSegmenter:
    """k-means clusters of entities on standardised point-in-time traits.

    Missing trait values count as 0. scikit-learn is imported only when :meth:`fit` runs.
    The fit depends on the entities, not on their order: rows are clustered in the order
    of their trait values, with a fixed ``seed``, and the clusters are numbered in the
    lexicographic order of their centroids (``cluster_0`` has the lowest first trait).

    Examples
    --------
    >>> from customer_understanding import CustomerBase
    >>> from customer_understanding.datasets import generate_world
    >>> from customer_understanding.traits import InteractionCount
    >>> world = generate_world(accounts=12, interactions=800, defects=False)
    >>> base = CustomerBase.build(world.as_sources())
    >>> segmenter = ClusterSegmenter(clusters=2, traits={
    ...     "web": InteractionCount(types=("page_view",), window_days=60),
    ...     "sales": InteractionCount(disciplines=("sales",), window_days=60)})
    >>> model = segmenter.fit(base, as_of="2026-06-01")
    >>> len(model.assign(base, as_of="2026-06-01").segments)
    2
    """

    traits: Mapping[str, Trait] = attrs.field(converter=_traits)
    clusters: int = attrs.field(default=4, validator=_whole(2))
    seed: int = attrs.field(default=0, validator=_whole(0))
    level: Level = attrs.field(default="account", validator=one_of("contact", "account"))

    def __attrs_post_init__(self) -> None:
        if not self.traits:
            msg = "traits={} must name at least one trait to cluster on"
            raise InvalidValueError(msg)

    @property
    def name(self) -> str:
        """The registry name of this segmenter."""
        return "cluster"

    def fit(self, base: BaseLike, /, *, as_of: AsOf) -> ClusterModel:
        """Standardise the traits and run k-means on them."""
        moment = base.tables.moment(as_of)
        matrix = _matrix(base, self.traits, moment, self.level)
        if len(matrix) < self.clusters:
            msg = f"clusters={self.clusters!r} exceeds the {len(matrix)} {self.level}s to cluster"
            raise InvalidValueError(msg)
        distinct = len(np.unique(matrix, axis=0))
        if distinct < self.clusters:
            msg = (f"clusters={self.clusters!r} exceeds the {distinct} distinct trait "
                   f"profiles of the {self.level}s as of {moment}")  # fmt: skip
            raise InvalidValueError(msg)
        # k-means++ draws its first centres by row and sums in row order: give it the rows
        # in an order of their own values, so the entities' order changes nothing
        matrix = matrix[np.lexsort(matrix.T[::-1])]
        mean = matrix.mean(axis=0)
        scale = matrix.std(axis=0)
        scale = np.where(scale > 0, scale, 1.0)
        centroids = _canonical(_kmeans((matrix - mean) / scale, self.clusters, self.seed))
        return ClusterModel(
            level=self.level, traits=self.traits, mean=mean, scale=scale, centroids=centroids
        )


def _canonical(centroids: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """The centroids in lexicographic order of their coordinates: ``cluster_0`` is the lowest."""
    return centroids[np.lexsort(centroids.T[::-1])]


def _kmeans(matrix: npt.NDArray[np.float64], clusters: int, seed: int) -> npt.NDArray[np.float64]:
    from sklearn.cluster import KMeans

    model: Any = KMeans(n_clusters=clusters, n_init=4, random_state=seed).fit(matrix)
    return np.asarray(model.cluster_centers_, dtype=np.float64)
