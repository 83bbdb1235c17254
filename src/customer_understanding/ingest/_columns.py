"""Checking a mapping against the columns the data really has, before any row is read.

A mapped column the data lacks is the commonest silent failure of an import: a typo
(``"Email "``), a renamed export column, a mapping pointed at the wrong file. Each gets
a clear word here — with the column it probably meant — instead of an empty field.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import Any

import attrs
import pandas as pd

from customer_understanding._core import typed_fields
from customer_understanding.ingest._distinct import FEW_ROWS, missing_value

__all__ = ["ColumnCheck", "check_columns", "near_miss"]

_NOT_ALNUM = re.compile(r"[\W_]+")


def _fold(name: str) -> str:
    return _NOT_ALNUM.sub("", name.casefold())


def near_miss(name: str, candidates: Sequence[str]) -> str | None:
    """The candidate ``name`` was probably meant to be: same letters, or a close spelling.

    Examples
    --------
    >>> near_miss("Email ", ["Id", "email", "Phone"])
    'email'
    >>> near_miss("LastNmae", ["LastName", "FirstName"])
    'LastName'
    >>> near_miss("Fax", ["Id", "Email"]) is None
    True
    """
    folded = {_fold(candidate): candidate for candidate in candidates}
    if _fold(name) in folded:
        return folded[_fold(name)]
    close = difflib.get_close_matches(_fold(name), list(folded), n=1, cutoff=0.8)
    return folded[close[0]] if close else None


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class ColumnCheck:
    """What the columns of a table say about a mapping.

    ``problems`` are faults with the table as a whole (a strict load fails on them);
    ``missing_required`` the required fields whose column is absent (every row is
    rejected); ``notes`` what is worth knowing but loses nothing.
    """

    problems: tuple[tuple[str, str], ...] = ()
    missing_required: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()


def _blank(series: pd.Series[Any]) -> bool:
    if len(series) <= FEW_ROWS:  # one record online: plain Python, as pandas reads it
        return all(str(v).strip() == "" for v in series.tolist() if not missing_value(v))
    present = series[series.notna()]
    head = present.iloc[:256]  # a filled column shows it at once; only then scan it all
    if len(head) and not head.astype(str).str.strip().eq("").all():
        return False
    return bool(present.astype(str).str.strip().eq("").all())


def check_columns(
    fields: dict[str, str], required: frozenset[str], frame: pd.DataFrame, *, what: str
) -> ColumnCheck:
    """Compare the mapped ``fields`` (field → column) with ``frame``'s columns.

    Examples
    --------
    >>> frame = pd.DataFrame({"Id": ["1"], "Email": ["a@b.io"]})
    >>> check = check_columns({"source_id": "Id", "email": "Email "}, frozenset({"source_id"}),
    ...                       frame, what="salesforce contact")
    >>> check.problems[0][1]
    "mapped column 'Email ' (for email) is not in the data; did you mean 'Email'?"
    """
    columns = [str(column) for column in frame.columns]
    unmapped = [column for column in columns if column not in fields.values()]
    problems: list[tuple[str, str]] = []
    missing: list[tuple[str, str]] = []
    notes: list[str] = []
    absent_optional = 0
    for field, column in fields.items():
        if column in columns:
            if len(frame) and _blank(frame[column]):
                notes.append(f"column {column!r} (for {field}) is empty on every row")
            continue
        guess = near_miss(column, unmapped)
        hint = f"; did you mean {guess!r}?" if guess else ""
        if field in required:
            shown = ", ".join(columns) or "none"
            problems.append((column, f"required column {column!r} (for {field}) is missing"
                                     f"{hint}; columns: {shown}"))  # fmt: skip
            missing.append((field, column))
        elif guess:
            problems.append((column, f"mapped column {column!r} (for {field}) is not in the "
                                     f"data{hint}"))  # fmt: skip
        else:
            absent_optional += 1
            notes.append(f"mapped column {column!r} (for {field}) is not in the data; "
                         "the field is left empty")  # fmt: skip
    optional = [field for field in fields if field not in required]
    if len(optional) >= 2 and absent_optional == len(optional) and len(unmapped) >= 2:
        reason = (f"none of the {len(optional)} optional columns the {what} mapping reads is in "
                  f"the data (it has: {', '.join(columns)}); is this the right file?")  # fmt: skip
        problems.append(("", reason))
    return ColumnCheck(problems=tuple(problems), missing_required=tuple(missing),
                       notes=tuple(notes))  # fmt: skip


#: Which kind of record each reference column points at.
REFERENCES = {"account_ref": "account", "parent_ref": "account", "contact_ref": "contact",
              "opportunity_ref": "opportunity"}  # fmt: skip


def check_systems(
    refs: Sequence[tuple[str, str, str]], loaded: Sequence[tuple[str, str]]
) -> dict[str, list[tuple[bool, str]]]:
    """Check references against the systems records were loaded under.

    ``refs`` holds ``(source, system, target kind)`` for every source whose rows point
    at records of that kind; ``loaded`` holds ``(system, target kind)`` of every source.
    References resolve within their own system, so a system spelled differently in two
    mappings silently leaves every link unresolved. Returns, per source, ``(is_problem,
    message)`` pairs: a near-miss spelling is a problem, a system with no such records at
    all a note.

    Examples
    --------
    >>> found = check_systems([("deals", "SalesForce", "account")], [("salesforce", "account")])
    >>> found["deals"][0][1]  # doctest: +ELLIPSIS
    "rows point at accounts of system 'SalesForce', but accounts were loaded under ..."
    """
    found: dict[str, list[tuple[bool, str]]] = {}
    for source, system, kind in refs:
        systems = sorted({name for name, target in loaded if target == kind})
        if system in systems:
            continue
        guess = near_miss(system, systems)
        if guess is not None:
            message = (f"rows point at {kind}s of system {system!r}, but {kind}s were loaded "
                       f"under {guess!r}; spell the system the same in both mappings")  # fmt: skip
            found.setdefault(source, []).append((True, message))
        else:
            message = (f"rows point at {kind}s of system {system!r} by id, and none were "
                       "loaded in this load: those ids cannot be followed (rows still link "
                       "through e-mail addresses or domains where they have them)")  # fmt: skip
            found.setdefault(source, []).append((False, message))
    return found
