"""The exceptions raised by customer_understanding.

Every error the library raises derives from one root, and each leaf also derives
from the builtin a caller would naturally catch::

    CustomerUnderstandingError
    ├── InvalidValueError (ValueError)        a value fails a domain rule
    ├── UnknownNameError (LookupError)        a vocabulary, preset or strategy name is unknown
    ├── NotFoundError (LookupError)           an id names nothing in the customer base
    ├── IngestError (ValueError)              a source table has problems (lists every one)
    └── MissingDependencyError (ImportError)  an optional package is not installed (names its extra)

Messages name the argument, source, row or column, and show the offending value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

__all__ = [
    "CustomerUnderstandingError",
    "IngestError",
    "InvalidValueError",
    "MissingDependencyError",
    "NotFoundError",
    "UnknownNameError",
]


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
    ...     cu.Contact(id="c1", email="not-an-email")
    ... except ValueError as error:
    ...     print(error)
    email='not-an-email' is not a valid e-mail address
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


# Tracebacks and reprs show where users import the errors from, not the private module.
for _error in (
    CustomerUnderstandingError,
    InvalidValueError,
    UnknownNameError,
    NotFoundError,
    IngestError,
    MissingDependencyError,
):
    _error.__module__ = "customer_understanding"
del _error
