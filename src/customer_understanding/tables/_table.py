"""A small columnar table: numpy arrays described by a schema, with pandas at the edges.

Storage by column kind (the missing value in brackets):

- ``time``: int64 nanoseconds since the epoch, UTC (``NAT``, the int64 minimum);
- ``category``: int32 codes into a tuple of labels (``-1``);
- ``text``: object array of ``str`` (``None``);
- ``float``: float64 (``nan``);
- ``index``: int64 positions into another table (``-1``);
- ``bool``: bool (no missing value).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal, Self, get_args

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import (
    NAT,
    LazyArrays,
    from_nanos,
    one_of,
    sorted_codes,
    to_nanos,
    typed_fields,
)
from customer_understanding._errors import InvalidValueError, UnknownNameError

__all__ = ["NAT", "Column", "Schema", "Table", "from_nanos", "to_nanos"]

Kind = Literal["time", "category", "text", "float", "index", "bool"]
_DTYPES: Mapping[str, Any] = {
    "time": np.int64,
    "category": np.int32,
    "text": object,
    "float": np.float64,
    "index": np.int64,
    "bool": np.bool_,
}
_MISSING: Mapping[str, Any] = {
    "time": NAT,
    "category": -1,
    "text": None,
    "float": np.nan,
    "index": -1,
    "bool": False,
}


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Column:
    """One column of a schema: its name, kind and, for closed categories, the labels.

    Examples
    --------
    >>> Column(name="priority", kind="category").missing
    -1
    """

    name: str
    kind: Kind = attrs.field(validator=one_of(*get_args(Kind)))
    labels: tuple[str, ...] | None = None
    doc: str = ""

    @property
    def missing(self) -> Any:
        """The stored value that means 'not known'."""
        return _MISSING[self.kind]

    def unknown(self, length: int) -> npt.NDArray[Any]:
        """A column of ``length`` values not known, in this kind's stored type.

        Examples
        --------
        >>> Column(name="at", kind="time").unknown(2).tolist() == [Column(name="at",
        ...                                                        kind="time").missing] * 2
        True
        """
        return np.full(length, self.missing, dtype=_DTYPES[self.kind])


@attrs.frozen(field_transformer=typed_fields)
class Schema:
    """The ordered columns of a table.

    Examples
    --------
    >>> schema = Schema((Column(name="at", kind="time"), Column(name="who", kind="text")))
    >>> schema.names
    ('at', 'who')
    """

    columns: tuple[Column, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """The column names in order."""
        return tuple(column.name for column in self.columns)

    def __getitem__(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        msg = f"column={name!r} is not one of: {', '.join(self.names)}"
        raise UnknownNameError(msg)


def _frozen_arrays(arrays: Mapping[str, npt.NDArray[Any]]) -> Mapping[str, npt.NDArray[Any]]:
    if isinstance(arrays, LazyArrays):  # a stored table: columns are read on first use
        return arrays
    for array in arrays.values():
        array.setflags(write=False)
    return dict(arrays)


def _lengths(arrays: Mapping[str, npt.NDArray[Any]]) -> Mapping[str, int]:
    if isinstance(arrays, LazyArrays):
        return arrays.lengths
    return {name: len(array) for name, array in arrays.items()}


@attrs.frozen(field_transformer=typed_fields)
class Table:
    """Immutable columns that share one length, described by the class's ``SCHEMA``.

    Subclasses set ``SCHEMA``; build them with :meth:`from_columns`,
    :meth:`from_pandas` or :meth:`empty`, and read them with :meth:`column`,
    :meth:`labels`, :meth:`to_pandas` or by taking rows with :meth:`take`.

    Examples
    --------
    >>> class Visits(Table):
    ...     SCHEMA = Schema((Column(name="page", kind="category"),
    ...                      Column(name="seconds", kind="float")))
    >>> visits = Visits.from_columns({"page": ["/pricing", "/docs"], "seconds": [12.0, 40.5]})
    >>> len(visits), visits.take([1]).labels("page").tolist()
    (2, ['/docs'])
    """

    SCHEMA = Schema(())

    arrays: Mapping[str, npt.NDArray[Any]] = attrs.field(converter=_frozen_arrays, repr=False)
    categories: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict, repr=False)

    def __attrs_post_init__(self) -> None:
        lengths = dict(_lengths(self.arrays))
        if set(lengths) != set(self.SCHEMA.names):
            msg = f"{type(self).__name__} needs columns {self.SCHEMA.names}, got {tuple(lengths)}"
            raise InvalidValueError(msg)
        if len(set(lengths.values())) > 1:
            msg = f"{type(self).__name__} columns differ in length: {lengths}"
            raise InvalidValueError(msg)

    # -- construction -------------------------------------------------------------------

    @classmethod
    def empty(cls) -> Self:
        """A table with no rows."""
        return cls.from_columns({}, length=0)

    @classmethod
    def from_columns(
        cls,
        columns: Mapping[str, Any],
        *,
        length: int | None = None,
        categories: Mapping[str, Sequence[str]] | None = None,
    ) -> Self:
        """Build a table from arrays; omitted columns are filled with their missing value.

        A ``category`` column may be given either as int32 codes together with its labels
        in ``categories``, or as an array of strings (``None`` for missing) that is coded here.
        """
        unknown = set(columns) - set(cls.SCHEMA.names)
        if unknown:
            msg = f"{cls.__name__} has no column(s) {sorted(unknown)}"
            raise UnknownNameError(msg)
        size = length if length is not None else len(next(iter(columns.values()), ()))
        given = dict(categories or {})
        arrays: dict[str, npt.NDArray[Any]] = {}
        labels: dict[str, tuple[str, ...]] = {}
        for column in cls.SCHEMA.columns:
            raw = columns.get(column.name)
            if raw is None:
                arrays[column.name] = column.unknown(size)
                if column.kind == "category":
                    labels[column.name] = column.labels or ()
            elif column.kind == "category" and column.name not in given:
                arrays[column.name], labels[column.name] = encode(raw, column.labels)
            else:
                arrays[column.name] = np.asarray(raw, dtype=_DTYPES[column.kind])
                if column.kind == "category":
                    labels[column.name] = tuple(given[column.name])
        return cls(arrays, labels)

    @classmethod
    def concat(cls, tables: Iterable[Self]) -> Self:
        """Stack tables of this class, merging their category labels."""
        parts = list(tables)
        if not parts:
            return cls.empty()
        arrays: dict[str, npt.NDArray[Any]] = {}
        labels: dict[str, tuple[str, ...]] = {}
        for column in cls.SCHEMA.columns:
            name = column.name
            if column.kind == "category":
                merged = _merge_labels(column, [part.categories[name] for part in parts])
                labels[name] = merged
                arrays[name] = np.concatenate(
                    [recode(part.arrays[name], part.categories[name], merged) for part in parts]
                )
            else:
                arrays[name] = np.concatenate([part.arrays[name] for part in parts])
        return cls(arrays, labels)

    # -- reading ----------------------------------------------------------------------

    def __len__(self) -> int:
        if isinstance(self.arrays, LazyArrays):
            return next(iter(self.arrays.lengths.values()), 0)
        return len(next(iter(self.arrays.values()))) if self.arrays else 0

    def column(self, name: str) -> npt.NDArray[Any]:
        """The stored array of column ``name`` (codes for categories; read-only)."""
        if name not in self.arrays:
            self.SCHEMA[name]  # raises with the list of columns
        return self.arrays[name]

    def labels(self, name: str) -> npt.NDArray[Any]:
        """Column ``name`` decoded to labels: strings for categories, ``None`` when missing."""
        if self.SCHEMA[name].kind != "category":
            return self.column(name)
        return decode(self.arrays[name], self.categories[name])

    def code_of(self, name: str, label: str) -> int:
        """The code of ``label`` in category column ``name``, or ``-1`` if it does not occur."""
        try:
            return self.categories[name].index(label)
        except ValueError:
            return -1

    def take(self, rows: npt.ArrayLike | slice) -> Self:
        """A new table of the given rows (positions, a boolean mask or a slice), labels kept.

        A slice shares the columns' memory instead of copying them.
        """
        selector = rows if isinstance(rows, slice) else np.asarray(rows)
        return type(self)({k: v[selector] for k, v in self.arrays.items()}, dict(self.categories))

    def with_columns(self, **columns: npt.NDArray[Any]) -> Self:
        """A new table with some columns replaced (same length, same kinds)."""
        arrays = dict(self.arrays)
        for name, array in columns.items():
            kind = self.SCHEMA[name].kind
            arrays[name] = np.asarray(array, dtype=_DTYPES[kind])
        return type(self)(arrays, dict(self.categories))

    def rows(self) -> Iterator[dict[str, Any]]:
        """Iterate over rows as dicts of Python values (categories decoded, times as UTC)."""
        decoded = {column.name: self._python_column(column) for column in self.SCHEMA.columns}
        for index in range(len(self)):
            yield {name: values[index] for name, values in decoded.items()}

    def _python_column(self, column: Column) -> list[Any]:
        array = self.labels(column.name)
        if column.kind == "time":
            return [from_nanos(int(value)) for value in array]
        if column.kind == "float":
            return [None if np.isnan(value) else float(value) for value in array]
        if column.kind == "index":
            return [None if value < 0 else int(value) for value in array]
        return array.tolist()  # type: ignore[no-any-return]

    # -- pandas -------------------------------------------------------------------------

    def to_pandas(self) -> pd.DataFrame:
        """The table as a DataFrame: categories as ``Categorical``, times as UTC datetimes."""
        from customer_understanding.tables._pandas import table_to_pandas

        return table_to_pandas(self)

    @classmethod
    def from_pandas(cls, frame: pd.DataFrame) -> Self:
        """Build the table from a DataFrame with the schema's column names.

        Missing optional columns are filled with missing values; unknown columns raise.
        """
        from customer_understanding.tables._pandas import table_from_pandas

        return table_from_pandas(cls, frame)


def encode(
    values: Any, fixed: tuple[str, ...] | None = None
) -> tuple[npt.NDArray[np.int32], tuple[str, ...]]:
    """Code an array of strings (``None`` or ``nan`` for missing) as int32 codes and labels.

    With ``fixed`` labels, every value must be one of them.

    Examples
    --------
    >>> codes, labels = encode(["b", None, "a", "b"])
    >>> codes.tolist(), labels
    ([1, -1, 0, 1], ('a', 'b'))
    """
    raw_codes, uniques = sorted_codes(values)
    found = tuple(str(label) for label in uniques)
    if fixed is None:
        return raw_codes.astype(np.int32), found
    unknown = sorted(set(found) - set(fixed))
    if unknown:
        msg = f"values {unknown} are not among the allowed labels {fixed}"
        raise UnknownNameError(msg)
    return recode(raw_codes, found, fixed), fixed


def decode(codes: npt.NDArray[Any], labels: Sequence[str]) -> npt.NDArray[Any]:
    """Turn codes back into an object array of labels, ``None`` where the code is -1.

    Examples
    --------
    >>> import numpy as np
    >>> decode(np.array([1, -1, 0]), ("a", "b")).tolist()
    ['b', None, 'a']
    """
    lookup = np.array([*labels, None], dtype=object)
    return lookup[np.where(codes < 0, len(labels), codes)]


def recode(
    codes: npt.NDArray[Any], old: Sequence[str], new: Sequence[str]
) -> npt.NDArray[np.int32]:
    """Map codes from the labels ``old`` to the labels ``new`` (which contain them all)."""
    if tuple(old) == tuple(new):  # the usual case when stacking: nothing moves
        return np.asarray(codes, dtype=np.int32)
    position = {label: index for index, label in enumerate(new)}
    mapping = np.array([position[label] for label in old] + [-1], dtype=np.int32)
    return mapping[np.where(codes < 0, len(old), codes)]


def _merge_labels(column: Column, groups: list[tuple[str, ...]]) -> tuple[str, ...]:
    if column.labels is not None:
        return column.labels
    return tuple(sorted(set().union(*groups)))
