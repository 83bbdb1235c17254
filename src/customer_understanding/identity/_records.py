"""Checking the input table and turning each declared column into value codes."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import frozen_array, frozen_mapping, sorted_codes, typed_fields
from customer_understanding._errors import InvalidValueError
from customer_understanding.identity._comparisons import compare_codes
from customer_understanding.identity._fields import Cleaned, Field, clean_column, shown
from customer_understanding.identity._placeholders import frequent_junk

__all__ = ["Prepared", "check_tables", "name_key_texts", "name_keys", "prepare"]

# A column read mostly as missing (more than this share of its present values) warns.
_MOSTLY = 0.5
# Placeholders holding at least this share of a column's present values warn.
_MANY_PLACEHOLDERS = 0.05
# Fewer values than this read as missing is no pattern worth a warning.
_FEW = 10
# Pairs compared at once (see Prepared.compare).
_COMPARE_CHUNK = 1 << 21


def _frozen_columns(columns: Mapping[str, Any]) -> Mapping[str, Any]:
    return frozen_mapping({name: frozen_array(values) for name, values in columns.items()})


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Prepared:
    """The records as the engine sees them: ids, sources and one coded column per field.

    Examples
    --------
    >>> import pandas as pd
    >>> prepared = prepare(pd.DataFrame({"surname": ["Ng", "NG", None]}),
    ...                    [Field(column="surname", kind="family_name")])
    >>> prepared.codes["surname"].tolist(), prepared.uniques["surname"].tolist()
    ([0, 0, -1], ['ng'])
    """

    ids: npt.NDArray[np.object_] = attrs.field(converter=frozen_array)
    sources: npt.NDArray[np.object_] = attrs.field(converter=frozen_array)
    fields: tuple[Field, ...]
    codes: Mapping[str, npt.NDArray[np.int64]] = attrs.field(converter=_frozen_columns)
    uniques: Mapping[str, npt.NDArray[np.object_]] = attrs.field(converter=_frozen_columns)
    junk: Mapping[str, npt.NDArray[np.bool_]] = attrs.field(factory=dict, converter=_frozen_columns)

    def __len__(self) -> int:
        return len(self.ids)

    def compare(
        self, left: npt.NDArray[np.int64], right: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.int8]:
        """Comparison levels of the pairs ``(left[i], right[i])``: one column per field.

        Pairs are compared in chunks, so the work arrays stay a few hundred MB however
        many pairs there are; a chunk's distinct value pairs are graded once, and what is
        derived from one value (an address's number and street) once for all the chunks.
        """
        levels = np.empty((len(left), len(self.fields)), dtype=np.int8)
        memos: list[dict[str, Any]] = [{} for _ in self.fields]
        for start in range(0, len(left), _COMPARE_CHUNK):
            part = slice(start, start + _COMPARE_CHUNK)
            for k, field in enumerate(self.fields):
                codes = self.codes[field.column]
                levels[part, k] = compare_codes(codes[left[part]], codes[right[part]],
                                                uniques=self.uniques[field.column],
                                                kind=field.kind, memo=memos[k])  # fmt: skip
        return levels

    def canonical_rank(self) -> npt.NDArray[np.int64]:
        """Each record's place in an order that depends on its values, not on its position.

        Records are ordered by their coded fields (codes follow sorted values), then their
        source, then their id; records equal in all of these are interchangeable. Random
        samples and tie-breaks read this rank, so shuffling the rows changes no answer.
        """
        keys = [_sorted_codes(self.ids), _sorted_codes(self.sources)]
        keys += [self.codes[field.column] for field in reversed(self.fields)]
        order = np.lexsort(_packed(keys))
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        return rank


def _packed(keys: list[npt.NDArray[np.int64]]) -> list[npt.NDArray[np.int64]]:
    """``np.lexsort`` keys giving the same order in fewer arrays: small codes share one.

    Codes (``-1`` and up) are shifted to start at zero and laid side by side in 62 bits,
    the more significant key in the higher bits, as long as they fit.
    """
    packed: list[npt.NDArray[np.int64]] = []
    current, used = None, 0
    for key in reversed(keys):  # the last key is the most significant
        shifted = key.astype(np.int64) - (int(key.min()) if len(key) else 0)
        width = max(int(shifted.max(initial=0)).bit_length(), 1)
        if current is None or used + width > 62:
            if current is not None:
                packed.append(current)
            current, used = shifted, width
        else:
            current, used = (current << np.int64(width)) | shifted, used + width
    if current is not None:
        packed.append(current)
    return packed[::-1]


def _sorted_codes(values: npt.NDArray[np.object_]) -> npt.NDArray[np.int64]:
    """Codes in the sorted order of the values' text (ids may be numbers, text or tuples)."""
    numbers = _text_order_of_numbers(values)
    if numbers is not None:
        return numbers
    text = np.array([str(value) for value in values.tolist()], dtype=object)
    return sorted_codes(text)[0].astype(np.int64)


_POWERS = 10 ** np.arange(19, dtype=np.int64)  # 1 … 10^18


def _text_order_of_numbers(values: npt.NDArray[np.object_]) -> npt.NDArray[np.int64] | None:
    """:func:`_sorted_codes` of whole numbers 0 … 10^18 without writing them as text.

    ``str(n)`` sorts as ``n`` padded with zeros to 18 digits, then by its digit count
    (``"1" < "10" < "100" < "2"``). ``None`` for anything else.
    """
    if not len(values):
        return None
    numbers = np.asarray(values.tolist())
    if numbers.dtype != np.int64 or numbers.ndim != 1:
        return None
    if int(numbers.min()) < 0 or int(numbers.max()) >= 10**18:
        return None
    digits = np.maximum(np.searchsorted(_POWERS, numbers, side="right"), 1)
    padded = numbers * _POWERS[18 - digits]
    order = np.lexsort((digits, padded))
    ordered_pad, ordered_digits = padded[order], digits[order]
    fresh = np.ones(len(order), dtype=bool)
    fresh[1:] = (ordered_pad[1:] != ordered_pad[:-1]) | (ordered_digits[1:] != ordered_digits[:-1])
    codes = np.empty(len(order), dtype=np.int64)
    codes[order] = np.cumsum(fresh) - 1
    return codes


def check_tables(tables: Mapping[str, pd.DataFrame], fields: Sequence[Field]) -> None:
    """Every declared column must be in every table to be linked.

    Examples
    --------
    >>> import pandas as pd
    >>> check_tables({"crm": pd.DataFrame({"name": ["a"]}), "shop": pd.DataFrame({"nme": ["a"]})},
    ...              [Field(column="name", kind="person_name")])
    Traceback (most recent call last):
    ...
    customer_understanding.InvalidValueError: declared column 'name' is not in table 'shop' ...
    """
    for name, table in tables.items():
        missing = [field.column for field in fields if field.column not in table.columns]
        if missing:
            msg = (
                f"declared column {missing[0]!r} is not in table {name!r} "
                f"(columns: {', '.join(map(str, table.columns))})"
            )
            raise InvalidValueError(msg)


def _check_columns(records: pd.DataFrame, fields: Sequence[Field]) -> None:
    if records.columns.has_duplicates:
        twice = records.columns[records.columns.duplicated()][0]
        msg = f"the records have more than one column labelled {twice!r}"
        raise InvalidValueError(msg)
    if not fields:
        msg = "fields=[] must declare at least one column"
        raise InvalidValueError(msg)
    if len(records) == 0:
        msg = "records is empty: there is nothing to resolve"
        raise InvalidValueError(msg)
    columns = [field.column for field in fields]
    repeated = sorted({column for column in columns if columns.count(column) > 1})
    if repeated:
        msg = f"column {repeated[0]!r} is declared more than once"
        raise InvalidValueError(msg)
    missing = [column for column in columns if column not in records.columns]
    if missing:
        msg = (
            f"declared column {missing[0]!r} is not in the records "
            f"(columns: {', '.join(map(str, records.columns))})"
        )
        raise InvalidValueError(msg)


def _ids(records: pd.DataFrame, id_column: str | None) -> npt.NDArray[np.object_]:
    if id_column is None:
        ids = pd.Series(records.index.to_list(), dtype=object)
    elif id_column not in records.columns:
        msg = f"id_column={id_column!r} is not in the records"
        raise InvalidValueError(msg)
    else:
        ids = pd.Series(records[id_column].to_numpy(), dtype=object)
    repeated = ids[ids.duplicated()]
    if len(repeated):
        msg = f"record id {repeated.iloc[0]!r} is used by more than one record"
        raise InvalidValueError(msg)
    return ids.to_numpy(dtype=object)


def prepare(
    records: pd.DataFrame,
    fields: Sequence[Field],
    *,
    id_column: str | None = None,
    sources: npt.NDArray[np.object_] | None = None,
    known: Mapping[str, npt.NDArray[np.object_]] | None = None,
) -> Prepared:
    """Check the records and code each declared column after normalising it.

    ``known`` may give per column each record's value as cleaned before (``None``: not
    known); see :func:`clean_column`.

    Raises
    ------
    InvalidValueError
        For an empty table, a declared column that is missing, a repeated record id or
        column label, or a cell holding a list, dict or array.

    Warns
    -----
    UserWarning
        For a column with no value at all, one read mostly as missing, one with many
        placeholders or values far too frequent, or non-string values in a text column.

    Examples
    --------
    >>> import pandas as pd
    >>> prepare(pd.DataFrame({"email": ["a@x.com"]}), [Field(column="mail", kind="email")])
    Traceback (most recent call last):
    ...
    customer_understanding.InvalidValueError: declared column 'mail' is not in ...
    """
    _check_columns(records, fields)
    ids = _ids(records, id_column)
    codes: dict[str, npt.NDArray[np.int64]] = {}
    uniques: dict[str, npt.NDArray[np.object_]] = {}
    junk: dict[str, npt.NDArray[np.bool_]] = {}
    for field in fields:
        before = None if known is None else known.get(field.column)
        cleaned = clean_column(records[field.column].reset_index(drop=True), field, known=before)
        found, distinct = cleaned.codes()
        found = _without_frequent(found, distinct, field)
        _warn_missing(cleaned, field, found)
        codes[field.column] = found
        uniques[field.column] = np.asarray(distinct, dtype=object)
        junk[field.column] = (found < 0) & pd.notna(records[field.column]).to_numpy()
        if field.kind == "organisation":
            for column, (key, distinct) in _name_keys(field.column, found,
                                                      uniques[field.column]).items():  # fmt: skip
                codes[column], uniques[column] = key, distinct  # kept: an update reads them
    return Prepared(
        ids=ids,
        sources=np.full(len(ids), "", dtype=object) if sources is None else sources,
        fields=tuple(fields),
        codes=codes,
        uniques=uniques,
        junk=junk,
    )


def name_keys(
    column: str, found: npt.NDArray[np.int64], distinct: npt.NDArray[np.object_]
) -> dict[str, npt.NDArray[np.int64]]:
    """Blocking keys derived from organisation names: the first word, and the initials.

    ``"northwind"`` and ``"northwind boston"`` share a first word; ``"ibm"`` and
    ``"international business machines"`` share initials (a one-word name of two to five
    letters is its own initials). Each key is a code column named after the field,
    such as ``"name (first word)"``.

    Examples
    --------
    >>> import numpy as np
    >>> names = np.array(["ibm", "international business machines", "northwind"], dtype=object)
    >>> keys = name_keys("name", np.array([0, 1, 2, -1]), names)
    >>> keys["name (first word)"].tolist(), keys["name (initials)"].tolist()
    ([0, 1, 2, -1], [0, 0, -1, -1])
    """
    return {name: key for name, (key, _) in _name_keys(column, found, distinct).items()}


def _name_keys(column: str, found: npt.NDArray[np.int64], distinct: npt.NDArray[np.object_],
               ) -> dict[str, tuple[npt.NDArray[np.int64], npt.NDArray[np.object_]]]:  # fmt: skip
    """:func:`name_keys`, each with the distinct keys its codes stand for."""
    keys = {}
    for name, derived in name_key_texts(distinct).items():
        code, texts = pd.factorize(np.array(derived, dtype=object), use_na_sentinel=True)
        code = np.append(code, -1).astype(np.int64)  # found == -1 reads the last slot
        keys[f"{column} ({name})"] = (code[np.where(found >= 0, found, len(distinct))],
                                      np.asarray(texts, dtype=object))  # fmt: skip
    return keys


def name_key_texts(names: npt.NDArray[np.object_]) -> dict[str, list[str | None]]:
    """The first word and the initials of each organisation name (``None``: no key)."""
    words = [str(value).split() for value in names]
    first = [w[0] if w and len(w[0]) >= 3 else None for w in words]
    return {"first word": first, "initials": [_initials(w) for w in words]}


def _initials(words: list[str]) -> str | None:
    if len(words) == 1:
        return words[0] if 2 <= len(words[0]) <= 5 else None
    letters = "".join(word[0] for word in words)
    return letters if len(letters) >= 3 else None


def _without_frequent(
    found: npt.NDArray[np.int64], distinct: npt.NDArray[np.object_], field: Field
) -> npt.NDArray[np.int64]:
    """Codes with the values too frequent to be one entity's read as missing."""
    frequent = frequent_junk(found, distinct, kind=field.kind)
    if not len(frequent):
        return found
    counts = np.bincount(found[found >= 0], minlength=len(distinct))[frequent]
    listed = ", ".join(f"{shown(distinct[k], field)} x{n}" for k, n in
                       zip(frequent[:3].tolist(), counts[:3].tolist(), strict=True))  # fmt: skip
    warnings.warn(
        f"column {field.column!r}: {len(frequent)} value(s) held by {int(counts.sum())} "
        f"records, far more than one entity's ({listed}), are treated as missing",
        UserWarning,
        stacklevel=4,
    )
    return np.where(np.isin(found, frequent), -1, found)


def _warn_missing(cleaned: Cleaned, field: Field, found: npt.NDArray[np.int64]) -> None:
    """Warn about a column left without values, read mostly as missing, or full of placeholders."""
    if not (found >= 0).any():
        warnings.warn(
            f"column {field.column!r} has no values ({cleaned.present:,} present, "
            f"{cleaned.unreadable:,} unreadable, {sum(cleaned.placeholders.values()):,} "
            "placeholders); it adds no evidence",
            UserWarning,
            stacklevel=4,
        )
    elif cleaned.unreadable > max(_MOSTLY * cleaned.present, _FEW - 1):
        warnings.warn(
            f"column {field.column!r}: {cleaned.unreadable:,} of {cleaned.present:,} values "
            f"could not be read as {field.kind} and are treated as missing "
            f"(first {shown(cleaned.first, field)})",
            UserWarning,
            stacklevel=4,
        )
    placeholders = sum(cleaned.placeholders.values())
    if placeholders >= max(_MANY_PLACEHOLDERS * cleaned.present, _FEW):
        common = sorted(cleaned.placeholders.items(), key=lambda item: -item[1])[:3]
        listed = ", ".join(f"{value!r} x{count}" for value, count in common)
        warnings.warn(
            f"column {field.column!r}: {placeholders:,} of {cleaned.present:,} values are "
            f"placeholders ({listed}) and are treated as missing",
            UserWarning,
            stacklevel=4,
        )
