"""Column declarations and the normalisation each kind of column gets.

A :class:`Field` says what a column holds (a person's given name, an e-mail address, a
postcode …). From that kind the engine derives how the values are cleaned, which
comparison levels they are scored on and whether they make a good blocking key.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any, Literal, get_args

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import typed_fields
from customer_understanding._errors import InvalidValueError, UnknownNameError, personal
from customer_understanding.domain import (
    normalize_email,
    normalize_name,
    normalize_organisation,
    normalize_phone,
)

__all__ = ["KINDS", "Field", "FieldKind", "normalise"]

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
        msg = f"column={value!r} must be a non-empty string"
        raise InvalidValueError(msg)


def _check_kind(instance: Field, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in KINDS:
        msg = f"kind={value!r} is not a field kind; choose one of {', '.join(KINDS)}"
        raise UnknownNameError(msg)


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
        Whether exact agreement on a rare value counts more than on a common one. By
        default on for names, organisations, cities and postcodes.
    block
        Whether the column takes part in the default blocking rules (default: every kind
        except ``"state"``, whose few values make blocks too large).

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
        default=attrs.Factory(
            lambda self: (
                self.kind
                in ("person_name", "given_name", "family_name", "organisation", "city", "postcode")
            ),
            takes_self=True,
        )
    )
    block: bool = attrs.field(
        default=attrs.Factory(lambda self: self.kind != "state", takes_self=True)
    )


# Kinds whose values identify a person: masked in warnings unless values are shown.
_PERSONAL = frozenset({"person_name", "given_name", "family_name", "email", "phone", "address"})


def _as_text(values: pd.Series[Any], field: Field) -> list[str]:
    """Distinct present values as lower-case text with single spaces."""
    odd = [value for value in values if not isinstance(value, str)]
    if odd:
        first = personal(odd[0]) if field.kind in _PERSONAL else repr(odd[0])
        warnings.warn(
            f"column {field.column!r} holds {len(odd)} non-string values (first {first}); "
            "they are compared as text",
            UserWarning,
            stacklevel=5,
        )
    return [" ".join(str(value).lower().split()) for value in values]


def _date(values: pd.Series[Any]) -> pd.Series[str]:
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        dated: pd.Series[str] = values.dt.strftime("%Y%m%d").astype("string")
        return dated
    text = values.astype("string").str.strip()
    digits = text.str.replace(r"[^0-9]", "", regex=True)
    return digits.where(digits.str.len() == 8)


def normalise(values: pd.Series[Any], field: Field) -> npt.NDArray[np.object_]:
    """Clean a column the way its kind asks; missing and empty values become ``None``.

    Every kind uses the domain's normaliser: names, cities, addresses and text go through
    :func:`~customer_understanding.domain.normalize_name`, organisations through
    :func:`~customer_understanding.domain.normalize_organisation` (legal suffixes go),
    phones through :func:`~customer_understanding.domain.normalize_phone` (E.164 where
    the number parses, its digits otherwise), e-mails through
    :func:`~customer_understanding.domain.normalize_email` (an address the validator
    refuses is still compared, cleaned and lower-cased); dates become ``YYYYMMDD``.

    Examples
    --------
    >>> import pandas as pd
    >>> names = pd.Series(["Acme, Inc.", "ACME GmbH", "Société Générale S.A."])
    >>> normalise(names, Field(column="name", kind="organisation")).tolist()
    ['acme', 'acme', 'societe generale']
    >>> phones = pd.Series(["+1 (415) 555-0100", "001 415 555 0100", None])
    >>> normalise(phones, Field(column="p", kind="phone")).tolist()
    ['+14155550100', '+14155550100', None]
    """
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    cleaned = _clean(pd.Series(distinct, dtype=object), field)  # each distinct value once
    result = np.full(len(codes), None, dtype=object)
    present = codes >= 0
    result[present] = cleaned[codes[present]]
    return result


# Each kind's cleaning is one of the domain's normalisers, applied per distinct value.
_NORMALISERS: dict[str, Callable[[str], str]] = {
    "organisation": normalize_organisation,
    "phone": normalize_phone,
    "email": lambda text: normalize_email(text, strict=False),
    "identifier": lambda text: text.replace(" ", ""),
    "category": lambda text: text.replace(" ", ""),
    "state": lambda text: text.replace(" ", ""),
}


def _clean(values: pd.Series[Any], field: Field) -> npt.NDArray[np.object_]:
    if field.kind == "date":
        dates = _date(values)
        result: npt.NDArray[np.object_] = dates.to_numpy(dtype=object)
        result[dates.isna().to_numpy()] = None
        return result
    text = _as_text(values, field)
    clean = _NORMALISERS.get(field.kind, normalize_name)
    cleaned = np.empty(len(text), dtype=object)
    cleaned[:] = [clean(value) or None for value in text]
    return cleaned
