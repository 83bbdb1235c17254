"""The people of the world: names, jobs, buying-committee roles, e-mail addresses and phones."""

from __future__ import annotations

import unicodedata

import attrs
import numpy as np
import pandas as pd

from customer_understanding._core import typed_fields
from customer_understanding.datasets._catalog import JOBS, SLOT_ROLES
from customer_understanding.datasets._firms import Firms
from customer_understanding.datasets._lexicon import FIRST_NAMES, LAST_NAMES
from customer_understanding.datasets._text import Bools, Ints, Strs, keep, objects, pick

__all__ = ["People", "fold", "make_people"]

_PERSONAL_DOMAINS = ("gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "icloud.com")
_ROLE_KEYS = tuple(JOBS)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class People:
    """Column arrays describing every person, grouped by company."""

    ids: Strs
    firm: Ints
    slot: Ints
    first: Strs
    last: Strs
    email: Strs
    personal: Strs
    phone: Strs
    title: Strs
    department: Strs
    seniority: Strs
    role: Strs
    opted_out: Bools

    @property
    def size(self) -> int:
        """The number of people."""
        return len(self.ids)

    @property
    def in_committee(self) -> Bools:
        """Whether the person plays a role in a buying committee."""
        return np.array([role is not None for role in self.role], dtype=np.bool_)


def fold(text: str) -> str:
    """Lower-case ASCII letters and hyphens only, as names appear in e-mail addresses.

    Examples
    --------
    >>> fold("O'Brien"), fold("Müller"), fold("de Vries")
    ('obrien', 'muller', 'devries')
    """
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(ch for ch in plain.lower() if ch.isalnum() or ch == "-")


def _headcount(firms: Firms, rng: np.random.Generator) -> Ints:
    size = np.log10(firms.employees.astype(np.float64))
    return np.clip(np.round(1.5 + 2.2 * size + rng.normal(0, 1.2, firms.size)), 3, 15).astype(
        np.int64
    )


def _role_keys(slot: Ints, rng: np.random.Generator, *, no_buyer: Bools) -> Ints:
    """Index into ``JOBS`` of the role each position plays (``"none"`` for bystanders)."""
    index = {key: position for position, key in enumerate(_ROLE_KEYS)}
    template = np.array([index[role] for role in SLOT_ROLES])
    keys = template[np.minimum(slot, len(SLOT_ROLES) - 1)]
    draw = rng.random(len(slot))
    keys = np.where((slot == 7) & (draw >= 0.35), index["user"], keys)
    late = np.where(draw < 0.4, index["user"], index["none"])
    keys = np.where(slot >= len(SLOT_ROLES), late, keys)
    return np.where((slot == 0) & no_buyer, index["influencer"], keys)


def _jobs(keys: Ints, rng: np.random.Generator) -> tuple[Strs, Strs, Strs]:
    title, department, seniority = (np.empty(len(keys), dtype=object) for _ in range(3))
    for position, key in enumerate(_ROLE_KEYS):
        rows = np.flatnonzero(keys == position)
        jobs = JOBS[key]
        choice = rng.integers(0, len(jobs), len(rows))
        title[rows] = pick([job[0] for job in jobs], choice)
        department[rows] = pick([job[1] for job in jobs], choice)
        seniority[rows] = pick([job[2] for job in jobs], choice)
    return title, department, seniority


def _work_emails(people: pd.DataFrame, domain: Strs) -> Strs:
    out = []
    for first, last, style, firm in people.itertuples(index=False):
        f, s = fold(first), fold(last)
        local = (f"{f}.{s}", f"{f[0]}{s}", f"{f}", f"{f}_{s}", f"{f}{s[0]}")[style]
        out.append(f"{local}@{domain[firm]}")
    emails = pd.Series(out)
    repeat = emails.groupby(emails).cumcount().to_numpy()
    fixed = [e if r == 0 else e.replace("@", f"{r + 1}@") for e, r in zip(out, repeat, strict=True)]
    return objects(fixed)


def _personal_emails(first: Strs, rng: np.random.Generator, *, last: Strs) -> Strs:
    style = rng.integers(0, 3, len(first))
    number = rng.integers(1, 99, len(first))
    host = rng.integers(0, len(_PERSONAL_DOMAINS), len(first))
    out = []
    for given, family, k, n, h in zip(first, last, style, number, host, strict=True):
        f, s = fold(given), fold(family)
        local = (f"{f}.{s}{n}", f"{f}{s}", f"{f[0]}{s}{n}")[k]
        out.append(f"{local}@{_PERSONAL_DOMAINS[h]}")
    return objects(out)


def _phones(firms: Firms, rng: np.random.Generator, *, firm: Ints) -> Strs:
    """National subscriber numbers: ``555`` numbers in North America, random elsewhere."""
    tail = rng.integers(0, 10_000, len(firm))
    head = rng.integers(200, 1_000, len(firm))
    nanp = firms.dial[firm] == "1"
    return objects(
        [f"555{t:04d}" if n else f"{h}{t:04d}" for t, h, n in zip(tail, head, nanp, strict=True)]
    )


def make_people(firms: Firms, rng: np.random.Generator, *, roles: Bools, no_buyer: Bools) -> People:
    """Draw the people of every company; ``roles`` marks companies with buying committees."""
    counts = _headcount(firms, rng)
    firm = np.repeat(np.arange(firms.size), counts)
    slot = np.arange(len(firm)) - np.repeat(np.cumsum(counts) - counts, counts)
    keys = _role_keys(slot, rng, no_buyer=no_buyer[firm])
    title, department, seniority = _jobs(keys, rng)
    first = pick(FIRST_NAMES, rng.integers(0, len(FIRST_NAMES), len(firm)))
    last = pick(LAST_NAMES, rng.integers(0, len(LAST_NAMES), len(firm)))
    style = rng.choice(5, size=firms.size, p=(0.5, 0.2, 0.1, 0.1, 0.1))
    frame = pd.DataFrame({"first": first, "last": last, "style": style[firm], "firm": firm})
    role_names = pick([*_ROLE_KEYS[:-1], None], keys)
    width = max(6, len(str(len(firm))))
    return People(
        ids=objects([f"p-{i:0{width}d}" for i in range(len(firm))]),
        firm=firm,
        slot=slot,
        first=first,
        last=last,
        email=_work_emails(frame, firms.domain),
        personal=_personal_emails(first, rng, last=last),
        phone=_phones(firms, rng, firm=firm),
        title=title,
        department=department,
        seniority=seniority,
        role=keep(role_names, roles[firm]),
        opted_out=rng.random(len(firm)) < 0.07,
    )
