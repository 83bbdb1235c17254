"""How one true value gets written differently in each system: the discrepancies of real exports.

Every function takes the true values (or the rows to look them up for), a generator and
keyword-only rates or style weights, and returns a new object array; nothing is mutated.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from customer_understanding.datasets._firms import Firms
from customer_understanding.datasets._lexicon import NICKNAMES
from customer_understanding.datasets._people import People
from customer_understanding.datasets._text import Ints, Strs, objects

__all__ = [
    "blanks",
    "company_names",
    "emails",
    "initials",
    "misspell",
    "nicknames",
    "phones",
    "websites",
]


def _chosen(count: int, rng: np.random.Generator, *, rate: float) -> Ints:
    return np.flatnonzero(rng.random(count) < rate)


def _styles(count: int, rng: np.random.Generator, *, weights: Sequence[float]) -> Ints:
    share = np.asarray(weights, dtype=np.float64)
    return rng.choice(len(share), size=count, p=share / share.sum())


def typo(text: str, *, kind: int, spot: float) -> str:
    """Swap two neighbouring letters, drop one or double one.

    Examples
    --------
    >>> typo("Katherine", kind=0, spot=0.0), typo("Katherine", kind=1, spot=0.0)
    ('Ktaherine', 'Ktherine')
    """
    if len(text) < 4:
        return text
    at = 1 + int(spot * (len(text) - 2))
    at = min(at, len(text) - 2)
    if kind == 0 and text[at] != text[at + 1]:
        return text[:at] + text[at + 1] + text[at] + text[at + 2 :]
    if kind in (0, 1):
        return text[:at] + text[at + 1 :]
    return text[: at + 1] + text[at:]


def misspell(values: Strs, rng: np.random.Generator, *, rate: float) -> Strs:
    """Put a one-character typo into about ``rate`` of the values."""
    out = values.copy()
    rows = _chosen(len(values), rng, rate=rate)
    kinds, spots = rng.integers(0, 3, len(rows)), rng.random(len(rows))
    for row, kind, spot in zip(rows, kinds, spots, strict=True):
        if out[row] is not None:
            out[row] = typo(str(out[row]), kind=int(kind), spot=float(spot))
    return out


def nicknames(first: Strs, rng: np.random.Generator, *, rate: float) -> Strs:
    """Replace about ``rate`` of the formal first names that have one with a nickname."""
    out = first.copy()
    rows = _chosen(len(first), rng, rate=rate)
    draws = rng.random(len(rows))
    for row, draw in zip(rows, draws, strict=True):
        short = NICKNAMES.get(str(out[row]))
        if short:
            out[row] = short[int(draw * len(short))]
    return out


def initials(first: Strs, rng: np.random.Generator, *, rate: float) -> Strs:
    """Shorten about ``rate`` of the first names to an initial (``"J."``)."""
    out = first.copy()
    for row in _chosen(len(first), rng, rate=rate):
        if out[row]:
            out[row] = f"{str(out[row])[0]}."
    return out


def blanks(values: Strs, rng: np.random.Generator, *, rate: float) -> Strs:
    """Leave about ``rate`` of the values empty (``None``)."""
    out = values.copy()
    out[_chosen(len(values), rng, rate=rate)] = None
    return out


def emails(
    people: People, rng: np.random.Generator, *, rows: Ints, weights: Sequence[float]
) -> Strs:
    """E-mail addresses as a system holds them.

    ``weights`` are the shares of work addresses, personal addresses (gmail.com …),
    work addresses typed in capitals with stray spaces, and missing addresses.
    """
    style = _styles(len(rows), rng, weights=weights)
    out = np.where(style == 1, people.personal[rows], people.email[rows])
    pad = rng.integers(0, 3, len(rows))
    for position in np.flatnonzero(style == 2):
        space = " " * int(pad[position])
        out[position] = f"{space}{str(out[position]).upper()} "
    out[style == 3] = None
    return out


_COMPANY_STYLES = 6


def company_names(
    firms: Firms, rng: np.random.Generator, *, rows: Ints, weights: Sequence[float]
) -> Strs:
    """Company names as typed, in six styles weighted by ``weights``.

    The styles are ``Acme Inc``, ``ACME, INC.``, ``Acme``, ``acme``, a typo such as
    ``Amce``, and ``Acme, Inc.``.
    """
    style = _styles(len(rows), rng, weights=weights[:_COMPANY_STYLES])
    spots = rng.random(len(rows))
    out = []
    for firm, kind, spot in zip(rows, style, spots, strict=True):
        base, suffix = str(firms.base[firm]), str(firms.suffix[firm])
        dotted = suffix if suffix.endswith(".") else f"{suffix}."
        out.append(
            (
                f"{base} {suffix}",
                f"{base}, {dotted}".upper(),
                base,
                base.lower(),
                typo(base, kind=int(spot * 3), spot=spot),
                f"{base}, {dotted}",
            )[kind]
        )
    return objects(out)


def websites(domains: Strs, rng: np.random.Generator, *, weights: Sequence[float]) -> Strs:
    """Websites as typed: ``https://www.``, ``www.``, bare, ``http://…/`` or missing."""
    style = _styles(len(domains), rng, weights=weights)
    forms = ("https://www.{}", "www.{}", "{}", "http://{}/")
    return objects(
        [
            None if kind == 4 else forms[kind].format(domain)
            for domain, kind in zip(domains, style, strict=True)
        ]
    )


def _phone(*, dial: str, area: str, local: str, style: int, extension: int) -> str:
    head, tail = local[:-4], local[-4:]
    if dial == "1":
        return (
            f"+1 {area}-{head}-{tail}",
            f"({area}) {head} {tail}",
            f"{area}.{head}.{tail}",
            f"+1{area}{local}",
            f"{area}-{head}-{tail} x{extension}",
        )[style]
    return (
        f"+{dial} {area} {head} {tail}",
        f"00{dial} {area} {head} {tail}",
        f"+{dial} (0){area} {head} {tail}",
        f"0{area} {head} {tail}",
        f"+{dial}{area}{local}",
    )[style]


def phones(
    cast: tuple[Firms, People], rng: np.random.Generator, *, rows: Ints, missing: float
) -> Strs:
    """Phone numbers of the people at ``rows`` in mixed national and international formats."""
    firms, people = cast
    style = rng.choice(5, size=len(rows), p=(0.3, 0.25, 0.15, 0.15, 0.15))
    extension = rng.integers(100, 999, len(rows))
    firm = people.firm[rows]
    parts = zip(
        firms.dial[firm], firms.area[firm], people.phone[rows], style, extension, strict=True
    )
    out = [
        _phone(dial=str(d), area=str(a), local=str(n), style=int(s), extension=int(e))
        for d, a, n, s, e in parts
    ]
    return blanks(objects(out), rng, rate=missing)
