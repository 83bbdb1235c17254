"""Organisation benchmark on real public data: the Fodor's and Zagat restaurant guides.

Two restaurant guides list 533 and 331 restaurants (name, street address, city, phone,
cuisine); 112 restaurants are in both. The tables and the true matches are the ones
``py_entitymatching`` ships inside its package on PyPI, read from the installed package's
files or, since its 0.4.2 source release no longer builds with current setuptools,
straight from that release's archive as pip downloads it
(``pip download --no-deps py_entitymatching==0.4.2``, then ``--sdist`` the file);
nothing is fetched at run time. They are real
listings: one guide writes "435 s. la cienega blv." where the other has "435 s. la
cienega blvd.", phones as "310/246-1501" or "310-246-1501", cuisines in each guide's own
words ("american" / "american (new)"), and the same name for different branches.

Each engine is run as in ``identity_organisations.py`` (whose runners this reuses): ours
with one generic ``Field`` per column and nothing else (and once more declaring that each
guide lists a restaurant once); Splink as its documentation suggests for such columns;
recordlinkage with multi-pass blocking, string comparisons and its ECM classifier.
Prints pair precision, recall and F1 of the links between the two guides, and the time.

Run with ``python benchmarks/identity_public.py [--sdist py-entitymatching-0.4.2.tar.gz]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import sys
import tarfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from identity_organisations import _ours, _recordlinkage, _scores, _splink

_COLUMNS = {"addr": "address", "type": "category"}


_FOLDER = ("datasets", "end-to-end", "restaurants")
Reader = Callable[[str], pd.DataFrame]


def _installed() -> Reader | None:
    """A reader of the restaurant files inside the installed package (not imported)."""
    spec = importlib.util.find_spec("py_entitymatching")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))).joinpath(*_FOLDER)
    if not (folder / "matches_fodors_zagats.csv").exists():
        return None
    return lambda name: pd.read_csv(folder / name, dtype=str)


def _archived(sdist: Path) -> Reader:
    """A reader of the restaurant files inside the package's source archive."""
    with tarfile.open(sdist) as archive:
        files = {Path(member.name).name: archive.extractfile(member)
                 for member in archive.getmembers()
                 if member.isfile() and "/".join(_FOLDER) in member.name}  # fmt: skip
        contents = {name: handle.read() for name, handle in files.items() if handle}
    return lambda name: pd.read_csv(io.BytesIO(contents[name]), dtype=str)


def guides(read: Reader) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two guides with an ``entity`` column: the Fodor's id of the restaurant."""
    fodors = read("fodors.csv").rename(columns=_COLUMNS)
    zagats = read("zagats.csv").rename(columns=_COLUMNS)
    matches = read("matches_fodors_zagats.csv")
    same = dict(zip(matches["zagats_id"], matches["fodors_id"], strict=True))
    fodors["entity"] = "f" + fodors["id"]
    zagats["entity"] = ["f" + same[i] if i in same else "z" + i for i in zagats["id"]]
    columns = ["name", "address", "city", "phone", "category", "entity"]
    return fodors[columns], zagats[columns]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sdist", type=Path, help="py_entitymatching's source archive")
    args = parser.parse_args()
    read = _archived(args.sdist) if args.sdist else _installed()
    if read is None:
        print("py_entitymatching is not installed and no --sdist given: skipped")
        sys.exit(0)
    left, right = guides(read)
    merged = left.reset_index().merge(right.reset_index(), on="entity")
    truth = set(zip(merged["index_x"].tolist(), merged["index_y"].tolist(), strict=True))
    print(f"Fodor's {len(left)} and Zagat {len(right)} listings, {len(truth)} true links")
    runs = {"ours": _ours(left, right, distinct=False), "splink": _splink(left, right),
            "rl+ECM": _recordlinkage(left, right)}  # fmt: skip
    runs["ours, one listing each"] = _ours(left, right)
    for who, run in runs.items():
        if run is None:
            print(f"{who:<22} not installed (pip install splink) - skipped")
            continue
        found, elapsed = run
        score = _scores(found, truth)
        print(f"{who:<22} pairs P {score.precision:.4f} R {score.recall:.4f} "
              f"F1 {score.f1:.4f} | {elapsed:6.2f} s")  # fmt: skip


if __name__ == "__main__":
    main()
