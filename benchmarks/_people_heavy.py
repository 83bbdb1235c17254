"""A second person generator for the scale benchmark, with heavier corruption.

Written apart from the engine and from ``identity_scale.generate``: its own name pools and
nickname list (some nicknames the engine knows, some it does not), and duplicates with
one to four errors each — one or two typos in a value (keyboard neighbours, dropped,
doubled or swapped letters), given name and surname swapped, several fields missing
(blank, ``None`` or whitespace), nicknames, dates written in three formats (ISO,
day/month/year and "3 Mar 1990"), upper case and stray spaces, a transposed postcode and
a changed digit in the identifier. About 20 % of the records are duplicates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_GIVEN = ["margaret", "richard", "william", "elizabeth", "robert", "john", "henry",
          "edward", "charles", "james", "catherine", "susan", "patricia", "anthony",
          "mary", "george", "frances", "helen", "arthur", "dorothy", "walter", "alice",
          "harold", "ruth", "ernest", "irene", "albert", "florence", "louis", "edith",
          "raymond", "martha", "eugene", "clara", "howard", "agnes", "ralph", "bessie",
          "oscar", "minnie", "leonard", "hazel", "vincent", "gladys", "roy", "pearl"]  # fmt: skip
_NICKNAMES = {"margaret": "peggy", "richard": "dick", "william": "bill", "elizabeth": "betsy",
              "robert": "rob", "john": "jack", "henry": "hank", "edward": "ned",
              "charles": "chuck", "james": "jimmy", "catherine": "cathy", "susan": "sue",
              "patricia": "trish", "anthony": "tony", "dorothy": "dot", "frances": "fran",
              "albert": "bert", "walter": "walt", "leonard": "len", "raymond": "ray"}  # fmt: skip
_ONSETS = ["b", "br", "ch", "d", "f", "g", "gr", "h", "k", "l", "m", "n", "p", "r", "s",
           "st", "t", "th", "v", "w"]  # fmt: skip
_RIMES = ["ack", "ale", "and", "ell", "en", "ett", "ick", "ill", "in", "ing", "ley", "on",
          "ord", "ose", "ow", "urn", "y", "ton", "son", "ham"]  # fmt: skip
_KINDS = ["st", "rd", "ave", "lane", "way", "court", "pde", "tce"]
_NEIGHBOURS = dict(zip("abcdefghijklmnopqrstuvwxyz",
                       ["qs", "vn", "xv", "sf", "wr", "dg", "fh", "gj", "uo", "hk", "jl", "ko",
                        "nk", "bm", "ip", "ol", "wa", "et", "ad", "ry", "yi", "cb", "qe", "zc",
                        "tu", "xa"], strict=True))  # fmt: skip
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _words(rng: np.random.Generator, n: int, syllables: int) -> np.ndarray:
    onsets = rng.choice(_ONSETS, size=(n, syllables))
    rimes = rng.choice(_RIMES, size=(n, syllables))
    return np.array(["".join(o + r for o, r in zip(a, b, strict=True))
                     for a, b in zip(onsets, rimes, strict=True)], dtype=object)  # fmt: skip


def _typo(value: str, rng: np.random.Generator) -> str:
    if len(value) < 4:
        return value
    at = int(rng.integers(1, len(value) - 1))
    kind = int(rng.integers(0, 4))
    if kind == 0:  # swapped neighbours
        return value[:at] + value[at + 1] + value[at] + value[at + 2 :]
    if kind == 1:  # dropped
        return value[:at] + value[at + 1 :]
    if kind == 2:  # doubled
        return value[:at] + value[at] + value[at:]
    near = _NEIGHBOURS.get(value[at], "e")
    return value[:at] + near[int(rng.integers(0, len(near)))] + value[at + 1 :]


def _date(day: np.datetime64, style: int) -> str:
    year, month, dom = str(day).split("-")
    if style == 0:
        return f"{year}-{month}-{dom}"
    if style == 1:
        return f"{dom}/{month}/{year}"
    return f"{int(dom)} {_MONTHS[int(month) - 1]} {year}"


def _corrupt(row: dict[str, object], rng: np.random.Generator) -> dict[str, object]:
    copy = dict(row)
    for _ in range(int(rng.integers(1, 5))):
        error = int(rng.integers(0, 9))
        if error in (0, 1):
            column = str(rng.choice(["given_name", "surname", "address_1", "suburb"]))
            if copy[column]:
                copy[column] = _typo(_typo(str(copy[column]), rng), rng) if error else _typo(
                    str(copy[column]), rng)  # fmt: skip
        elif error == 2:
            copy["given_name"], copy["surname"] = copy["surname"], copy["given_name"]
        elif error == 3:
            for column in rng.choice(
                ["given_name", "address_1", "suburb", "postcode", "date_of_birth", "soc_sec_id"],
                size=2,
                replace=False,
            ):
                copy[str(column)] = [None, "", "  "][int(rng.integers(0, 3))]
        elif error == 4:
            given = str(copy["given_name"] or "")
            copy["given_name"] = _NICKNAMES.get(given, given[:1])
        elif error == 5:
            copy["date_of_birth"] = _date(np.datetime64(row["_dob"]), int(rng.integers(1, 3)))
        elif error == 6:
            copy = {k: f"  {str(v).upper()} " if isinstance(v, str) and k != "_dob" else v
                    for k, v in copy.items()}  # fmt: skip
        elif error == 7 and len(code := str(copy["postcode"] or "").strip()) == 4:
            copy["postcode"] = code[:2] + code[3] + code[2]
        elif error == 8 and len(ssn := str(copy["soc_sec_id"] or "").strip()) == 8:
            copy["soc_sec_id"] = ssn[:3] + str((int(ssn[3]) + 5) % 10) + ssn[4:]
    return copy


def generate_heavy(records: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """``records`` person records, 20 % of them heavily corrupted duplicates, and the truth."""
    rng = np.random.default_rng(seed + 7_919)
    originals = int(records * 0.8)
    days = np.datetime64("1935-01-01") + rng.integers(0, 365 * 75, size=originals)
    styles = rng.integers(0, 3, size=originals)
    frame = pd.DataFrame({
        "given_name": rng.choice(_GIVEN, size=originals).astype(object),
        "surname": _words(rng, originals, 3),
        "street_number": rng.integers(1, 500, size=originals).astype(str).astype(object),
        "address_1": _words(rng, originals, 2) + " " + rng.choice(_KINDS, size=originals),
        "suburb": _words(rng, originals, 2),
        "postcode": rng.integers(1000, 9999, size=originals).astype(str).astype(object),
        "state": rng.choice(["act", "nsw", "nt", "qld", "sa", "tas", "vic", "wa"], size=originals),
        "date_of_birth": [_date(d, s) for d, s in zip(days.astype("datetime64[D]"), styles,
                                                     strict=True)],
        "soc_sec_id": rng.integers(10_000_000, 99_999_999, size=originals).astype(str)
        .astype(object),
        "_dob": days.astype("datetime64[D]").astype(str),
    })  # fmt: skip
    sources = rng.integers(0, originals, size=records - originals)
    rows = frame.iloc[sources].to_dict("records")
    duplicates = pd.DataFrame([_corrupt(row, rng) for row in rows])
    stacked = pd.concat([frame, duplicates], ignore_index=True).drop(columns="_dob")
    truth = np.concatenate([np.arange(originals), sources])
    return stacked, truth
