"""Turning the base's tables into a JSON manifest plus typed arrays, and back.

The codec is generic on purpose: it walks attrs instances field by field, so a field
added to :class:`~customer_understanding.base.Tables` (or to a table schema, a
resolution, a rule) later is stored without new code. What it knows:

- numpy arrays become entries of their own (stored as typed blobs by the store):
  numbers as their raw bytes with the dtype's name, text columns as their distinct
  values (UTF-8 joined by a unit separator: one C call splits them on reopening) and
  int32 codes into them (-1 missing), so repeated values cost four bytes each and
  reopening makes no string per row; a text column whose values are mostly distinct
  (ids, e-mail addresses; judged on a sample) is stored as every value joined, with a
  bit per row for the missing ones, which saves hashing every value to find the few
  repeats (kind ``"texts"``, from schema version 2); an int64 array whose values all
  fit in 32 bits (row positions, codes, counts) keeps four bytes per value and is
  widened again on reading (kind ``"<i8:<i4"``, from schema version 4);
- attrs instances become ``{"attrs": "module:Class", "fields": {...}}`` — on decoding
  only classes inside this library are imported, so opening a file never runs code
  the file names from elsewhere (unlike pickle);
- mappings, tuples and lists, enums, and plain JSON scalars.

Anything else (a :class:`~customer_understanding.identity.Custom` rule's function, say)
cannot be stored, and encoding says which field holds it.
"""

from __future__ import annotations

import enum
import importlib
import json
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from customer_understanding._core import LazyArrays, value_codes
from customer_understanding._errors import InvalidValueError
from customer_understanding.tables import Table

__all__ = [
    "Encoded",
    "decode",
    "decode_array",
    "deferred",
    "encode",
    "encode_array",
    "extends",
    "joined",
    "known_arrays",
]

_PACKAGE = "customer_understanding"
_SEPARATOR = "\x1f"

#: A stored array not decoded yet: its length, and how to decode it.
Deferred = tuple[int, Callable[[], npt.NDArray[Any]]]
#: A stored array: (dtype, "text", "texts" or "json"; length or distinct count; bytes;
#: text codes or missing bits).
Encoded = tuple[str, int, bytes, bytes | None]
#: Values of a text column sampled to judge whether they are mostly distinct.
_SAMPLE = 1024
#: The kind of an int64 array stored in 32 bits.
_NARROW = "<i8:<i4"
_INT32 = np.iinfo(np.int32)


def _mostly_distinct(array: npt.NDArray[Any]) -> bool:
    """Whether more than half of an evenly spread sample of the values differ."""
    import pandas as pd

    sample = array[:: max(1, len(array) // _SAMPLE)]
    return len(array) >= _SAMPLE and 2 * len(pd.unique(sample)) > len(sample)


def _every_text(array: npt.NDArray[Any]) -> Encoded | None:
    """Every value joined, and a bit per missing (``None``) one; ``None`` if not all texts."""
    import pandas as pd

    if pd.api.types.infer_dtype(array, skipna=False) == "string":  # no value missing (C speed)
        missing = np.zeros(len(array), dtype=bool)
        values = array.tolist()
    else:
        if pd.api.types.infer_dtype(array, skipna=True) not in ("string", "empty"):
            return None
        missing = np.asarray(pd.isna(array), dtype=bool)
        if any(item is not None for item in array[missing].tolist()):
            return None  # NaN or NA stand for missing: kept as they are, in JSON
        values = np.where(missing, "", array).tolist()
    joined = _SEPARATOR.join(values)
    if joined.count(_SEPARATOR) != len(values) - 1:
        return None
    return "texts", len(values), joined.encode("utf-8"), np.packbits(missing).tobytes()


def _narrow(array: npt.NDArray[Any]) -> bool:
    """Whether an array is of int64 values that all fit in 32 bits."""
    return (
        array.dtype.str == "<i8"
        and len(array) > 0
        and bool(_INT32.min <= array.min() and array.max() <= _INT32.max)
    )


def encode_array(array: npt.NDArray[Any], *, where: str) -> Encoded:
    """One array as bytes: numbers raw, text as its distinct values and codes, else JSON."""
    if array.dtype != object:
        if _narrow(array):  # row positions and the like: half the bytes to write and read
            return _NARROW, len(array), array.astype("<i4").tobytes(), None
        return array.dtype.str, len(array), np.ascontiguousarray(array).tobytes(), None
    import pandas as pd

    plain = _every_text(array) if _mostly_distinct(array) else None
    if plain is not None:
        return plain
    codes, uniques = value_codes(array)  # texts told apart past a NUL, too
    distinct = uniques.tolist() if hasattr(uniques, "tolist") else list(uniques)
    texts = pd.api.types.infer_dtype(uniques, skipna=False) in ("string", "empty")  # C speed
    if texts and not any(
        item is not None and not isinstance(item, str) for item in array[codes < 0]
    ):
        joined = _SEPARATOR.join(distinct)
        if joined.count(_SEPARATOR) == max(len(distinct) - 1, 0):
            packed = codes.astype(np.int32).tobytes()
            return "text", len(distinct), joined.encode("utf-8"), packed
    try:
        text = json.dumps(array.tolist(), allow_nan=True)
    except TypeError:
        msg = f"{where} holds values that cannot be stored: {array[:3]!r}"
        raise InvalidValueError(msg) from None
    return "json", len(array), text.encode("utf-8"), None


def deferred(encoded: Encoded) -> Deferred:
    """The length of a stored array, and how to decode it when it is first needed."""
    kind, length, _, codes = encoded
    if kind == "text":
        length = len(codes or b"") // 4
    return length, partial(decode_array, encoded)


def decode_array(encoded: Encoded) -> npt.NDArray[Any]:
    """The array :func:`encode_array` stored."""
    kind, length, data, codes = encoded
    if kind == "json":
        return np.asarray(json.loads(data.decode("utf-8")) or [], dtype=object)
    if kind == "texts":
        values = np.empty(length, dtype=object)
        if length:
            values[:] = data.decode("utf-8").split(_SEPARATOR)
            missing = np.unpackbits(np.frombuffer(codes or b"", dtype=np.uint8), count=length)
            values[missing.astype(bool)] = None
        return values
    if kind == _NARROW:
        return np.frombuffer(data, dtype="<i4", count=length).astype(np.int64)
    if kind != "text":
        return np.frombuffer(data, dtype=np.dtype(kind), count=length)
    distinct = np.empty(length + 1, dtype=object)  # the last one stands for missing
    if length:
        distinct[:length] = data.decode("utf-8").split(_SEPARATOR)
    result: npt.NDArray[Any] = distinct[np.frombuffer(codes or b"", dtype=np.int32)]
    return result


def encode(value: Any, arrays: dict[str, npt.NDArray[Any]], *, where: str) -> Any:
    """A JSON-ready description of ``value``; its arrays are put in ``arrays`` by path."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, np.ndarray):
        arrays[where] = value
        return {"array": where}
    if isinstance(value, np.generic):
        return value.item()
    return _encode_structure(value, arrays, where=where)


def _encode_structure(value: Any, arrays: dict[str, npt.NDArray[Any]], *, where: str) -> Any:
    if isinstance(value, enum.Enum):
        return {"enum": _path(type(value), where), "value": value.value}
    if attrs.has(type(value)):
        fields = {
            field.alias: encode(getattr(value, field.name), arrays, where=f"{where}.{field.alias}")
            for field in attrs.fields(type(value))
            if field.init
        }
        return {"attrs": _path(type(value), where), "fields": fields}
    if isinstance(value, Mapping):
        items = [
            [encode(k, arrays, where=where), encode(v, arrays, where=f"{where}[{k}]")]
            for k, v in value.items()
        ]
        return {"mapping": items}
    if isinstance(value, tuple | list):
        return {"tuple": [encode(v, arrays, where=f"{where}[{i}]") for i, v in enumerate(value)]}
    msg = f"{where} holds {type(value).__name__} {value!r:.60}, which a store cannot keep"
    raise InvalidValueError(msg)


def known_arrays(value: Any, *, where: str) -> dict[str, npt.NDArray[Any]]:
    """The arrays in ``value`` by the paths :func:`encode` gives them, reading none.

    A stored column not read yet (in a :class:`LazyArrays`) is left out.
    """
    found: dict[str, npt.NDArray[Any]] = {}
    _walk(value, found, where)
    return found


def _walk(value: Any, found: dict[str, npt.NDArray[Any]], where: str) -> None:
    if isinstance(value, np.ndarray):
        found[where] = value
    elif isinstance(value, LazyArrays):
        found.update({f"{where}[{name}]": array for name, array in value.made().items()})
    elif attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            if field.init:
                _walk(getattr(value, field.name), found, f"{where}.{field.alias}")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _walk(item, found, f"{where}[{key}]")
    elif isinstance(value, tuple | list):
        for place, item in enumerate(value):
            _walk(item, found, f"{where}[{place}]")


#: How many rows are compared first, before a whole prefix is.
_GLANCE = 64


def extends(array: npt.NDArray[Any], old: npt.NDArray[Any]) -> bool:
    """Whether ``array`` starts with every row of ``old``, value for value (same dtype)."""
    if array.dtype != old.dtype or len(array) < len(old) or array.ndim != 1 or old.ndim != 1:
        return False
    head = array[: len(old)]
    nan = array.dtype.kind in "fc"  # a missing number is the same missing number
    for part in (slice(0, _GLANCE), slice(-_GLANCE, None)):  # most changes show at once
        if not np.array_equal(head[part], old[part], equal_nan=nan):
            return False
    return bool(np.array_equal(head, old, equal_nan=nan))


def joined(parts: list[Deferred]) -> Deferred:
    """One array stored in parts (appended by later writes): its length, and how to read it."""

    def read() -> npt.NDArray[Any]:
        return np.concatenate([make() for _, make in parts])

    return sum(length for length, _ in parts), read


def decode(value: Any, arrays: Mapping[str, Deferred]) -> Any:
    """The value :func:`encode` described, its arrays taken from ``arrays`` (see :func:`deferred`).

    A mapping of arrays (a table's columns) comes back as :class:`LazyArrays`: each
    column is decoded when first read, so a base opens without decoding every column.
    """
    if not isinstance(value, dict):
        return value
    if "array" in value:
        return arrays[value["array"]][1]()
    if "enum" in value:
        return _class(value["enum"])(value["value"])
    if "attrs" in value:
        fields = {name: decode(item, arrays) for name, item in value["fields"].items()}
        made = _class(value["attrs"])
        return made(**_grown(made, fields))
    if "mapping" in value:
        return _decode_mapping(value["mapping"], arrays)
    return tuple(decode(item, arrays) for item in value["tuple"])


def _grown(made: type, fields: dict[str, Any]) -> dict[str, Any]:
    """A stored table's fields, with the columns its schema gained since it was written.

    Such a column reads as not known on every stored row (a category column gets its
    schema's labels): a file from before it opens, and its next write stores it.
    """
    arrays = fields.get("arrays")
    if not (issubclass(made, Table) and isinstance(arrays, LazyArrays)):
        return fields
    absent = [column for column in made.SCHEMA.columns if column.name not in arrays.lengths]
    if not absent:
        return fields
    length = next(iter(arrays.lengths.values()), 0)
    columns: dict[str, Deferred] = {name: (n, partial(arrays.__getitem__, name))
                                    for name, n in arrays.lengths.items()}  # fmt: skip
    categories = dict(fields.get("categories") or {})
    for column in absent:
        columns[column.name] = (length, partial(column.unknown, length))
        if column.kind == "category":
            categories[column.name] = column.labels or ()
    return {**fields, "arrays": LazyArrays(columns), "categories": categories}


def _decode_mapping(items: list[list[Any]], arrays: Mapping[str, Deferred]) -> Mapping[Any, Any]:
    if items and all(isinstance(v, dict) and "array" in v for _, v in items):
        return LazyArrays({decode(k, arrays): arrays[v["array"]] for k, v in items})
    return {decode(k, arrays): decode(v, arrays) for k, v in items}


def _path(cls: type, where: str) -> str:
    if not cls.__module__.startswith(_PACKAGE) or "<locals>" in cls.__qualname__:
        msg = f"{where} holds a {cls.__qualname__} from {cls.__module__}, which a store cannot keep"
        raise InvalidValueError(msg)
    return f"{cls.__module__}:{cls.__qualname__}"


def _class(path: str) -> Any:
    module, _, name = path.partition(":")
    if module != _PACKAGE and not module.startswith(_PACKAGE + "."):
        msg = f"a stored value names {path!r}, which is not part of {_PACKAGE}"
        raise InvalidValueError(msg)
    found: Any = importlib.import_module(module)
    for part in name.split("."):
        found = getattr(found, part)
    return found
