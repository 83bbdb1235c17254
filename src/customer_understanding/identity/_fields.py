"""Column declarations and the normalisation each kind of column gets.

A :class:`Field` says what a column holds (a person's given name, an e-mail address, a
postcode …). From that kind the engine derives how the values are cleaned, which
comparison levels they are scored on and whether they make a good blocking key.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from typing import Any, Literal, get_args

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import sorted_codes, typed_fields
from customer_understanding._errors import InvalidValueError, UnknownNameError, personal
from customer_understanding.domain import normalize_email, normalize_phone
from customer_understanding.identity._dates import parse_dates
from customer_understanding.identity._organisations import addresses, organisation
from customer_understanding.identity._placeholders import placeholder_mask
from customer_understanding.identity._scripts import fold, fold_all

__all__ = ["KINDS", "Cleaned", "Field", "FieldKind", "clean_column", "normalise", "shown"]

FieldKind = Literal[
    "person_name",
    "given_name",
    "family_name",
    "organisation",
    "email",
    "phone",
    "address",
    "postcode",
    "city",
    "state",
    "date",
    "category",
    "identifier",
    "text",
]
KINDS: tuple[str, ...] = get_args(FieldKind)


def _check_column(instance: Field, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value:
        msg = f"column={value!r} must be a non-empty string (rename other column labels first)"
        raise InvalidValueError(msg)


def _check_kind(instance: Field, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in KINDS:
        msg = f"kind={value!r} is not a field kind; choose one of {', '.join(KINDS)}"
        raise UnknownNameError(msg)


def _texts(values: object) -> frozenset[str]:
    if isinstance(values, str) or not isinstance(values, Iterable):
        msg = f"placeholders={values!r} must be a collection of strings"
        raise InvalidValueError(msg)
    found = list(values)
    if not all(isinstance(value, str) for value in found):
        msg = f"placeholders={found!r} must hold strings only"
        raise InvalidValueError(msg)
    return frozenset(found)


def _check_format(instance: Field, attribute: attrs.Attribute[str | None], value: object) -> None:
    if value is not None and (not isinstance(value, str) or "%" not in value):
        msg = f"date_format={value!r} must be a strftime format such as '%d/%m/%Y'"
        raise InvalidValueError(msg)


# Exact agreement on these kinds says little about identity: no term-frequency weighting.
_NO_TERM_FREQUENCY = ("category", "state", "date", "text")


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Field:
    """One column of the records and what it holds.

    Parameters
    ----------
    column
        The column's name in the input DataFrame.
    kind
        What the column holds, one of :data:`KINDS`: ``"given_name"``, ``"family_name"``,
        ``"person_name"``, ``"organisation"``, ``"email"``, ``"phone"``, ``"address"``,
        ``"postcode"``, ``"city"``, ``"state"``, ``"date"``, ``"category"``,
        ``"identifier"`` or ``"text"``.
    term_frequency
        Whether exact agreement on a rare value counts more than on a common one (and on a
        common one, such as a switchboard phone shared by a building, less). By default on
        for every kind except ``"category"``, ``"state"``, ``"date"`` and ``"text"``.
    block
        Whether the column takes part in the default blocking rules (default: every kind
        except ``"state"``, whose few values make blocks too large).
    placeholders
        Values of this column that mean "no value", beyond the built-in
        :data:`PLACEHOLDERS` (``"n/a"``, ``"test@test.com"``, ``"0000000"`` …); compared
        after the column's cleaning. They are treated as missing.
    date_format
        For ``"date"`` columns, the ``strftime`` format of the values (default: detected
        per value, the day/month order decided from the column).

    Examples
    --------
    >>> Field(column="surname", kind="family_name").term_frequency
    True
    >>> Field(column="state", kind="state").block
    False
    """

    column: str = attrs.field(validator=_check_column)
    kind: str = attrs.field(validator=_check_kind)
    term_frequency: bool = attrs.field(
        default=attrs.Factory(lambda self: self.kind not in _NO_TERM_FREQUENCY, takes_self=True)
    )
    block: bool = attrs.field(
        default=attrs.Factory(lambda self: self.kind != "state", takes_self=True)
    )
    placeholders: frozenset[str] = attrs.field(default=frozenset(), converter=_texts)
    date_format: str | None = attrs.field(default=None, validator=_check_format)


# Kinds whose values identify a person: masked in warnings unless values are shown.
_PERSONAL = frozenset({"person_name", "given_name", "family_name", "email", "phone", "address"})
_NON_SCALAR = (list, tuple, dict, set, frozenset, np.ndarray, pd.Series, pd.DataFrame)
# What pandas infers for a column of plain values only (no cell to look at one by one).
_SCALAR_KINDS = frozenset({"string", "integer", "floating", "mixed-integer-float", "boolean"})


def shown(value: object, field: Field) -> str:
    """A value for a message: masked when the column's kind is personal."""
    return personal(value) if field.kind in _PERSONAL else repr(value)


@attrs.frozen(kw_only=True)
class Cleaned:
    """One column after cleaning, with what was read as missing and why.

    ``raw_codes`` numbers each row's raw value (``-1`` when missing) and ``values`` holds
    the cleaned form of each raw value (``None`` when nothing real was left), so each
    distinct value is cleaned and coded once; ``texts`` is the cleaned value per row.
    ``present`` counts the rows that held something; ``placeholders`` maps each
    placeholder (as cleaned) to its rows; ``unreadable`` counts rows whose value cleaned
    to nothing, ``first`` is one.
    """

    raw_codes: npt.NDArray[np.intp]
    values: npt.NDArray[np.object_]
    present: int
    placeholders: dict[str, int]
    unreadable: int
    first: object = None

    @property
    def texts(self) -> npt.NDArray[np.object_]:
        """The cleaned value of each row (``None`` when missing)."""
        result = np.full(len(self.raw_codes), None, dtype=object)
        present = self.raw_codes >= 0
        result[present] = self.values[self.raw_codes[present]]
        return result

    def codes(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.object_]]:
        """Each row's code among the sorted distinct cleaned values (``-1``: missing), and those."""
        value_codes, uniques = sorted_codes(self.values)
        codes = np.append(value_codes, -1).astype(np.int64)  # a missing row reads the last slot
        return codes[np.where(self.raw_codes >= 0, self.raw_codes, len(self.values))], uniques


def _inferred(values: list[Any]) -> str:
    """What pandas infers the values to be (``"string"`` when all are text), in one C pass."""
    return str(pd.api.types.infer_dtype(values, skipna=True))


def _factorize(values: pd.Series[Any], field: Field) -> tuple[npt.NDArray[np.intp], list[Any]]:
    """Codes and distinct values; a cell holding a list, dict or array is refused."""
    distinct: list[Any]
    try:
        codes, found = pd.factorize(values, use_na_sentinel=True)
        distinct = list(found)
    except TypeError:  # unhashable cells: lists, dicts, sets, arrays
        codes, distinct = np.empty(0, dtype=np.intp), list(values)
    plain = bool(distinct) and _inferred(distinct) in _SCALAR_KINDS
    odd = [] if plain else [value for value in distinct if isinstance(value, _NON_SCALAR)]
    if odd:
        msg = (
            f"column {field.column!r} holds a {type(odd[0]).__name__} "
            f"({shown(odd[0], field)}); each cell must be one value"
        )
        raise InvalidValueError(msg)
    return codes.astype(np.intp, copy=False), distinct


def _known_values(codes: npt.NDArray[np.intp], distinct: list[Any], field: Field,
                  known: npt.NDArray[np.object_] | None) -> npt.NDArray[np.object_]:  # fmt: skip
    """Each distinct value's cleaned form as some row's ``known`` gives it (``None``: not).

    Only text is taken (anything else is cleaned, and warned about, as it always is), and
    no date: a column's dates are read in one format, which depends on all of them.
    """
    given = np.full(len(distinct), None, dtype=object)
    if known is None or field.kind == "date" or not len(distinct):
        return given
    rows = np.flatnonzero((codes >= 0) & np.asarray(pd.notna(known), dtype=bool))
    given[codes[rows]] = known[rows]
    text = np.fromiter((isinstance(v, str) for v in distinct), dtype=bool, count=len(distinct))
    given[~text] = None
    return given


def clean_column(values: pd.Series[Any], field: Field, *,
                 known: npt.NDArray[np.object_] | None = None) -> Cleaned:  # fmt: skip
    """Clean a column as :func:`normalise` does and say what it read as missing.

    ``known`` may give, per row, the value as cleaned before (``None``: not known), for
    instance kept from an earlier run: a raw value some row's cleaned value is known for
    is not cleaned again. The answer is the same as without it, when those are right.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> cleaned = clean_column(pd.Series(["a@x.com", "N/A", "n/a", None, "test@test.com"]),
    ...                        Field(column="email", kind="email"))
    >>> cleaned.texts.tolist(), cleaned.present, sorted(cleaned.placeholders.items())
    (['a@x.com', None, None, None, None], 4, [('n/a', 2), ('test@test.com', 1)])
    >>> phone = Field(column="phone", kind="phone")
    >>> clean_column(pd.Series(["+1 415 555 0100", "+1 415 555 0100", "+44 20 7946 0000"]),
    ...              phone, known=np.array([None, "+14155550100", None])).texts.tolist()
    ['+14155550100', '+14155550100', '+442079460000']
    """
    codes, distinct = _factorize(values, field)
    raw = pd.Series(distinct, dtype=object)
    cleaned = _known_values(codes, distinct, field, known)
    todo = np.flatnonzero(pd.isna(cleaned))
    rest = raw if len(todo) == len(raw) else raw.iloc[todo].reset_index(drop=True)
    junk = np.zeros(len(distinct), dtype=bool)
    extra = {str(v) for v in _clean(pd.Series(sorted(field.placeholders), dtype=object), field)
             if v is not None} | {fold(v) for v in field.placeholders}  # fmt: skip
    if len(todo):  # a value cleaned before was no placeholder: only the others are looked at
        cleaned[todo] = _clean(rest, field)
        junk[todo] = placeholder_mask(rest, pd.Series(cleaned[todo], dtype=object),
                                      kind=field.kind, extra=extra)  # fmt: skip
    counts = np.bincount(codes[codes >= 0], minlength=len(distinct))
    placeholders: dict[str, int] = {}
    for k in np.flatnonzero(junk).tolist():
        shown_as = cleaned[k] if cleaned[k] is not None else str(raw[k]).strip().lower()
        placeholders[shown_as] = placeholders.get(shown_as, 0) + int(counts[k])
        cleaned[k] = None
    empty = np.flatnonzero(pd.isna(cleaned) & ~junk)
    unreadable = int(counts[empty].sum())
    first = raw[int(empty[0])] if len(empty) else None
    return Cleaned(raw_codes=codes, values=cleaned, present=int((codes >= 0).sum()),
                   placeholders=placeholders, unreadable=unreadable, first=first)  # fmt: skip


def _as_text(values: pd.Series[Any], field: Field) -> list[str]:
    """Distinct present values as text."""
    odd = [value for value in values if not isinstance(value, str)]
    if odd:
        warnings.warn(
            f"column {field.column!r} holds {len(odd)} non-string values (first "
            f"{shown(odd[0], field)}); they are compared as text",
            UserWarning,
            stacklevel=6,
        )
    return [str(value) for value in values]


def normalise(values: pd.Series[Any], field: Field) -> npt.NDArray[np.object_]:
    """Clean a column the way its kind asks; missing, empty and placeholder values become ``None``.

    Names, cities and text are case-folded in their own script (Latin letters lose their
    accents; Han, Cyrillic, Arabic … are kept), addresses also write street types one way
    (``street`` → ``st``), organisations lose legal forms in many languages and stop
    words (:func:`organisation`), phones go through
    :func:`~customer_understanding.domain.normalize_phone` (E.164 where the number parses,
    its digits otherwise), e-mails through
    :func:`~customer_understanding.domain.normalize_email` (an address the validator
    refuses is still compared, cleaned and lower-cased); dates become ``YYYYMMDD``
    (:func:`parse_dates`). Placeholders (:data:`PLACEHOLDERS`, ``Field.placeholders``)
    become ``None``.

    Examples
    --------
    >>> import pandas as pd
    >>> names = pd.Series(["Acme, Inc.", "ACME GmbH", "Société Générale S.A."])
    >>> normalise(names, Field(column="name", kind="organisation")).tolist()
    ['acme', 'acme', 'societe generale']
    >>> phones = pd.Series(["+1 (415) 555-0100", "001 415 555 0100", "0000000000"])
    >>> normalise(phones, Field(column="p", kind="phone")).tolist()
    ['+14155550100', '+14155550100', None]
    >>> normalise(pd.Series(["王伟", "Ива́нов"]), Field(column="n", kind="family_name")).tolist()
    ['王伟', 'иванов']
    """
    return clean_column(values, field).texts


def _each(clean: Callable[[str], str]) -> Callable[[list[str]], list[str]]:
    return lambda texts: [clean(text) for text in texts]


def _unspaced(texts: list[str]) -> list[str]:
    return [text.replace(" ", "") for text in fold_all(texts)]


# Each kind's cleaning, applied to the distinct values at once.
_NORMALISERS: dict[str, Callable[[list[str]], list[str]]] = {
    "organisation": _each(organisation),
    "address": addresses,
    "phone": _each(normalize_phone),
    "email": _each(lambda text: normalize_email(text, strict=False)),
    "identifier": _unspaced,
    "category": _unspaced,
    "state": _unspaced,
}


def _clean(values: pd.Series[Any], field: Field) -> npt.NDArray[np.object_]:
    if field.kind == "date":
        return parse_dates(values, column=field.column, date_format=field.date_format)
    text = _as_text(values, field)
    clean = _NORMALISERS.get(field.kind, fold_all)
    cleaned = np.empty(len(text), dtype=object)
    cleaned[:] = [value or None for value in clean(text)]
    return cleaned
