"""Column declarations and the normalisation each kind of column gets.

A :class:`Field` says what a column holds (a person's given name, an e-mail address, a
postcode …). From that kind the engine derives how the values are cleaned, which
comparison levels they are scored on and whether they make a good blocking key.
"""

from __future__ import annotations

import re
import warnings
from typing import Any, Literal, get_args

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._errors import UnknownNameError

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

_LEGAL_SUFFIXES = (
    "inc", "incorporated", "ltd", "limited", "llc", "llp", "lp", "plc", "corp", "corporation",
    "co", "company", "gmbh", "ag", "kg", "sa", "sas", "sarl", "srl", "spa", "sl", "bv", "nv",
    "ab", "as", "asa", "oy", "aps", "dac", "pty", "pte", "kk", "se", "group", "holdings",
)  # fmt: skip
_SUFFIX_PATTERN = re.compile(r"(?:\s+(?:" + "|".join(_LEGAL_SUFFIXES) + r"))+$")


def _check_kind(instance: Field, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in KINDS:
        msg = f"kind={value!r} is not a field kind; choose one of {', '.join(KINDS)}"
        raise UnknownNameError(msg)


@attrs.frozen(kw_only=True)
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

    column: str
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


def _as_text(values: pd.Series[Any], column: str) -> pd.Series[str]:
    present = values.dropna()
    odd = present[~present.map(lambda value: isinstance(value, str))]
    if len(odd):
        warnings.warn(
            f"column {column!r} holds {len(odd)} non-string values (first {odd.iloc[0]!r}); "
            "they are compared as text",
            UserWarning,
            stacklevel=5,
        )
    text = values.astype("string").str.lower().str.strip()
    return text.str.replace(r"\s+", " ", regex=True)


def _letters(text: pd.Series[str]) -> pd.Series[str]:
    cleaned = text.str.normalize("NFKD").str.encode("ascii", "ignore").str.decode("ascii")
    return cleaned.str.replace(r"[^a-z0-9 ]+", " ", regex=True).str.replace(r"\s+", " ", regex=True)


def _organisation(text: pd.Series[str]) -> pd.Series[str]:
    flat = _letters(text.str.replace(r"(?<=\b\w)\.(?=\w\.)", "", regex=True).str.replace(".", ""))
    return flat.str.strip().str.replace(_SUFFIX_PATTERN, "", regex=True).str.strip()


def _date(values: pd.Series[Any]) -> pd.Series[str]:
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        dated: pd.Series[str] = values.dt.strftime("%Y%m%d").astype("string")
        return dated
    text = values.astype("string").str.strip()
    digits = text.str.replace(r"[^0-9]", "", regex=True)
    return digits.where(digits.str.len() == 8)


def normalise(values: pd.Series[Any], field: Field) -> npt.NDArray[np.object_]:
    """Clean a column the way its kind asks; missing and empty values become ``None``.

    Names lose accents and punctuation, organisations their legal suffixes, phones keep
    their digits, e-mails are lower-cased, dates become ``YYYYMMDD``.

    Examples
    --------
    >>> import pandas as pd
    >>> names = pd.Series(["Acme, Inc.", "ACME GmbH", "Société Générale S.A."])
    >>> normalise(names, Field(column="name", kind="organisation")).tolist()
    ['acme', 'acme', 'societe generale']
    >>> normalise(pd.Series(["+1 (415) 555-0100", None]), Field(column="p", kind="phone")).tolist()
    ['14155550100', None]
    """
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    cleaned = _clean(pd.Series(distinct, dtype=object), field)  # each distinct value once
    result = np.full(len(codes), None, dtype=object)
    present = codes >= 0
    result[present] = cleaned[codes[present]]
    return result


def _clean(values: pd.Series[Any], field: Field) -> npt.NDArray[np.object_]:
    if field.kind == "date":
        cleaned = _date(values)
    else:
        text = _as_text(values, field.column)
        if field.kind == "organisation":
            cleaned = _organisation(text)
        elif field.kind == "phone":
            bare = text.str.replace(r"\s*(?:x|ext\.?|extension)\s*\d+$", "", regex=True)
            cleaned = bare.str.replace(r"[^0-9]", "", regex=True)
        elif field.kind in ("email", "identifier", "category", "state"):
            cleaned = text.str.replace(" ", "", regex=False)
        else:
            cleaned = _letters(text).str.strip()
    cleaned = cleaned.mask(cleaned.str.len() == 0)
    result: npt.NDArray[np.object_] = cleaned.to_numpy(dtype=object)
    result[cleaned.isna().to_numpy()] = None
    return result
