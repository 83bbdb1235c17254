"""The exceptions raised by customer_understanding.

Every error the library raises derives from one root, and each leaf also derives
from the builtin a caller would naturally catch::

    CustomerUnderstandingError
    ├── InvalidValueError (ValueError)        a value fails a domain rule
    ├── UnknownNameError (LookupError)        a vocabulary, preset or strategy name is unknown
    ├── NotFoundError (LookupError)           an id names nothing in the customer base
    ├── IngestError (ValueError)              a source table has problems (lists every one)
    ├── MissingDependencyError (ImportError)  an optional package is not installed (names its extra)
    └── StoreError (OSError)                  a store file is damaged, not a store, newer or busy

Messages name the argument, source, row or column, and show the offending value; a
personal value (an e-mail address, a person's name, a phone number) is masked
(``'a***@a***.com'``) unless :func:`show_personal_values` is in force, so logs and error
trackers do not collect the people in the data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol

__all__ = [
    "CustomerUnderstandingError",
    "IngestError",
    "InvalidValueError",
    "MissingDependencyError",
    "NotFoundError",
    "StoreError",
    "UnknownNameError",
    "personal",
    "scrub",
    "show_personal_values",
]

_SHOWN: ContextVar[bool] = ContextVar("customer_understanding_show_values", default=False)
_ADDRESS = re.compile(r"[^\s@'\"<>(),;:]+@[^\s@'\"<>(),;:]+")


@contextmanager
def show_personal_values(show: bool = True) -> Iterator[None]:
    """Show personal values in error messages and warnings within a ``with`` block.

    By default the library masks e-mail addresses, people's names and phone numbers in
    every message it writes (``'a***@a***.com'``), so that logs and error trackers do not
    collect the people in the data; the values themselves stay available on the objects
    (:attr:`Problem.value <customer_understanding.ingest.Problem.value>`). Inside this
    block messages show them. The setting is a context variable: it holds for the
    current thread or task only.

    Examples
    --------
    >>> import customer_understanding as cu
    >>> try:
    ...     cu.Contact(id="c1", email="ann.lee@acme")
    ... except cu.InvalidValueError as error:
    ...     print(error)  # doctest: +ELLIPSIS
    email='a***@a***' is not a valid e-mail address (...)
    >>> with cu.show_personal_values():
    ...     try:
    ...         cu.Contact(id="c1", email="ann.lee@acme")
    ...     except cu.InvalidValueError as error:
    ...         print(error)  # doctest: +ELLIPSIS
    email='ann.lee@acme' is not a valid e-mail address (...)
    """
    token = _SHOWN.set(bool(show))
    try:
        yield
    finally:
        _SHOWN.reset(token)


def _shown(show: bool | None) -> bool:
    return _SHOWN.get() if show is None else bool(show)


def _masked_address(match: re.Match[str]) -> str:
    return _mask(match.group(0))


def _mask(text: str) -> str:
    local, at, domain = text.rpartition("@")
    if not at:
        return f"{text[:1]}***" if text else text
    host, dot, top = domain.rpartition(".")
    masked_domain = f"{host[:1]}***{dot}{top}" if dot else f"{domain[:1]}***" if domain else ""
    return f"{local[:1]}***@{masked_domain}"


def personal(value: object, *, show: bool | None = None) -> str:
    """The ``repr`` of a personal value for a message: masked unless values are shown.

    Examples
    --------
    >>> personal("Ann.Lee@acme.co.uk"), personal("Ann Lee"), personal(None)
    ("'A***@a***.uk'", "'A***'", 'None')
    >>> personal("Ann Lee", show=True)
    "'Ann Lee'"
    """
    if value is None or _shown(show):
        return repr(value)
    return repr(_mask(str(value)))


def scrub(text: str, *, show: bool | None = None) -> str:
    """Mask every e-mail address found in a message, unless values are shown.

    Examples
    --------
    >>> scrub("duplicate key 'email:ann@acme.com' on row 3")
    "duplicate key 'email:a***@a***.com' on row 3"
    """
    if "@" not in text or _shown(show):
        return text
    return _ADDRESS.sub(_masked_address, text)


class _Problem(Protocol):
    """What an :class:`IngestError` lists: any problem that can describe itself in a line."""

    def describe(self) -> str: ...


class CustomerUnderstandingError(Exception):
    """Root of every exception raised by this library.

    Examples
    --------
    >>> from customer_understanding import InvalidValueError, CustomerUnderstandingError
    >>> issubclass(InvalidValueError, CustomerUnderstandingError)
    True
    """


class InvalidValueError(CustomerUnderstandingError, ValueError):
    """A value breaks a rule of the domain model, such as a malformed e-mail address.

    Examples
    --------
    >>> import customer_understanding as cu
    >>> try:
    ...     cu.Account(id="a1", domain="not a domain")
    ... except ValueError as error:
    ...     print(error)
    domain='not a domain' is not a valid domain name
    """


class UnknownNameError(CustomerUnderstandingError, LookupError):
    """A name was looked up in a vocabulary or registry that does not hold it.

    Examples
    --------
    >>> import customer_understanding as cu
    >>> try:
    ...     cu.Stage.parse("qualified-ish")
    ... except LookupError as error:
    ...     print(error)  # doctest: +ELLIPSIS
    stage='qualified-ish' is not one of: known, engaged, mql, ...
    """


class NotFoundError(CustomerUnderstandingError, LookupError):
    """An id does not name anything in the customer base.

    Examples
    --------
    >>> from customer_understanding import NotFoundError
    >>> issubclass(NotFoundError, KeyError)
    False
    >>> issubclass(NotFoundError, LookupError)
    True
    """


class IngestError(CustomerUnderstandingError, ValueError):
    """A source table could not be loaded; ``problems`` lists every problem found.

    The message names the source and shows each problem with its row, column and value,
    so one run reports everything that must be fixed rather than the first failure.

    Parameters
    ----------
    source
        The name of the source that failed.
    problems
        Every problem found in it, in row order.

    Examples
    --------
    >>> from customer_understanding import IngestError
    >>> from customer_understanding.ingest import Problem
    >>> error = IngestError("crm", [Problem(source="crm", row=2, column="Email",
    ...                                      value="x@", reason="not a valid e-mail address")])
    >>> print(error)
    source 'crm' has 1 problem:
      row 2, column 'Email', value 'x@': not a valid e-mail address

    Personal values are masked in the message (see :func:`show_personal_values`); each
    problem keeps the value as found.
    """

    def __init__(self, source: str, problems: Sequence[_Problem]) -> None:
        self.source = source
        self.problems = tuple(problems)
        super().__init__(self._render())

    def _render(self, limit: int = 50) -> str:
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"source {self.source!r} has {count} {noun}:"]
        lines += [f"  {problem.describe()}" for problem in self.problems[:limit]]
        if count > limit:
            lines.append(f"  ... and {count - limit} more (see .problems)")
        return "\n".join(lines)


class MissingDependencyError(CustomerUnderstandingError, ImportError):
    """An optional package a feature needs is not installed; the message names the extra.

    Examples
    --------
    >>> from customer_understanding import MissingDependencyError
    >>> issubclass(MissingDependencyError, ImportError)
    True
    """


class StoreError(CustomerUnderstandingError, OSError):
    """A store file cannot be used: damaged, not a store, from a newer version, or busy.

    The message names the file and says what is wrong with it.

    Examples
    --------
    >>> from customer_understanding import StoreError
    >>> issubclass(StoreError, OSError)
    True
    """


# Tracebacks and reprs show where users import the errors from, not the private module.
for _error in (
    CustomerUnderstandingError,
    InvalidValueError,
    UnknownNameError,
    NotFoundError,
    IngestError,
    MissingDependencyError,
    StoreError,
):
    _error.__module__ = "customer_understanding"
del _error
