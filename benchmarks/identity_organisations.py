"""Organisation benchmark: link two generated business directories, no labels, defaults.

The generator (below, seeded) makes businesses in nine countries and lists most of them
in two directories, each written its own way. It has the hard cases real directories
have:

- abbreviations: a long name in one directory is its initials in the other
  ("Pacific Marine Engineering" / "PME"), or words are shortened ("Intl", "Svcs", "&");
- legal forms in several languages, present in one listing and absent or different in
  the other ("Müller GmbH" / "Müller GmbH & Co. KG" / "Müller");
- branches: chains with one branch per city; a listing may add the branch's city to
  the name ("Northwind" / "Northwind (Lyon)"), while the other branches are other
  businesses;
- buildings: several businesses in one building share the street address and the
  switchboard phone, and are different businesses;
- renamed companies: one directory has the old name, the other the new one, with the
  same address and phone;
- and the usual noise: typos, missing phones, phone and street types written several
  ways, city typos.

Each engine is run as a new user would: ours with one ``Field`` per column and nothing
else; Splink as its documentation suggests for such columns (Jaro-Winkler on names,
exact matches with term frequency on phone and city, Levenshtein on the address, u by
random sampling, EM on two blocking rules); recordlinkage with multi-pass blocking, its
string comparisons and its ECM classifier. Splink and recordlinkage are given the
values lower-cased, without punctuation and phones as their last ten digits (the
cleaning their tutorials do first). Prints pair precision, recall and F1 of the links
between the two directories, and the time.

Run with ``python benchmarks/identity_organisations.py [--businesses 4000] [--seed 7]``.
"""

from __future__ import annotations

import argparse
import re
import time

import numpy as np
import pandas as pd

from customer_understanding.identity import Field, Linker, LinkResult, Scores

FIELDS = [
    Field(column="name", kind="organisation"),
    Field(column="address", kind="address"),
    Field(column="city", kind="city"),
    Field(column="phone", kind="phone"),
    Field(column="category", kind="category"),
]
_WORDS = [
    "north",
    "wind",
    "blue",
    "river",
    "stone",
    "oak",
    "summit",
    "alpine",
    "harbor",
    "pioneer",
    "eagle",
    "silver",
    "golden",
    "maple",
    "cedar",
    "crown",
    "delta",
    "apex",
    "vertex",
    "nova",
    "orbit",
    "pixel",
    "quantum",
    "atlas",
    "zenith",
    "horizon",
    "granite",
    "falcon",
    "willow",
    "sterling",
    "lumen",
    "aurora",
    "beacon",
    "cobalt",
    "ember",
    "fjord",
    "glacier",
    "hazel",
    "iris",
    "juniper",
    "kestrel",
    "lotus",
    "meridian",
    "nimbus",
    "onyx",
    "prairie",
    "quarry",
    "raven",
    "sable",
    "tundra",
    "umber",
    "velvet",
    "wren",
    "yarrow",
    "zephyr",
    "bright",
    "clear",
    "swift",
    "true",
    "prime",
    "noble",
    "royal",
    "grand",
    "central",
    "united",
    "pacific",
    "atlantic",
    "western",
    "eastern",
    "southern",
    "northern",
    "metro",
    "civic",
    "castle",
    "bridge",
]
_SURNAMES = [
    "muller", "schmidt", "rossi", "garcia", "martin", "dubois", "jansen", "nowak", "svensson",
    "tanaka", "smith", "jones", "bianchi", "lopez", "weber", "moreau", "bakker", "kowalski",
    "lindqvist", "brown",
]  # fmt: skip
_TRADES = {
    "software": "Software", "consulting": "Consulting", "logistics": "Logistics",
    "bakery": "Bakery", "dental": "Dental Care", "motors": "Motors", "foods": "Foods",
    "legal": "Partners", "analytics": "Analytics", "design": "Design", "pharma": "Pharma",
    "textiles": "Textiles", "electric": "Electric", "builders": "Builders",
    "engineering": "Engineering", "marine": "Marine Services",
}  # fmt: skip
_COUNTRIES = {
    "us": (["Inc.", "LLC", "Corp.", "Inc"], ["Boston", "Denver", "Austin", "Seattle"], "+1"),
    "gb": (["Ltd", "Limited", "PLC", "Ltd."], ["Leeds", "Bristol", "London", "York"], "+44"),
    "de": (["GmbH", "AG", "GmbH & Co. KG", "KG"], ["Berlin", "Köln", "München", "Hamburg"],
           "+49"),
    "fr": (["SA", "SAS", "SARL", "S.A."], ["Lyon", "Paris", "Nantes", "Lille"], "+33"),
    "es": (["S.L.", "S.A.", "SL"], ["Madrid", "Sevilla", "Valencia", "Bilbao"], "+34"),
    "it": (["S.r.l.", "S.p.A.", "SRL"], ["Milano", "Torino", "Roma", "Napoli"], "+39"),
    "nl": (["B.V.", "N.V.", "BV"], ["Utrecht", "Leiden", "Delft", "Breda"], "+31"),
    "se": (["AB", "Aktiebolag"], ["Malmö", "Uppsala", "Lund", "Umeå"], "+46"),
    "pl": (["Sp. z o.o.", "S.A.", "sp. z o.o."], ["Kraków", "Gdańsk", "Poznań", "Łódź"], "+48"),
}  # fmt: skip
# Per country, street types, each with the ways people write it.
_STREETS = {
    "us": (("{n} {s} Street", "{n} {s} St.", "{n} {s} St"),
           ("{n} {s} Avenue", "{n} {s} Ave", "{n} {s} Ave.")),
    "gb": (("{n} {s} Road", "{n} {s} Rd", "{n} {s} Rd."), ("{n} {s} Lane", "{n} {s} Ln")),
    "de": (("{s}straße {n}", "{s}str. {n}", "{s}strasse {n}"), ("{s}weg {n}",)),
    "fr": (("{n} rue {s}", "{n}, rue {s}"), ("{n} avenue {s}", "{n} av. {s}", "{n} av {s}")),
}  # fmt: skip
_SHORT = {"international": "intl", "services": "svcs", "brothers": "bros", "and": "&",
          "company": "co", "engineering": "eng", "consulting": "consult"}  # fmt: skip


def _typo(text: str, rng: np.random.Generator) -> str:
    if len(text) < 4:
        return text
    at = int(rng.integers(1, len(text) - 2))
    kind = int(rng.integers(3))
    if kind == 0:
        return text[:at] + text[at + 1] + text[at] + text[at + 2 :]
    if kind == 1:
        return text[:at] + text[at + 1 :]
    return text[:at] + "aeiou"[int(rng.integers(5))] + text[at + 1 :]


def _brand(rng: np.random.Generator) -> str:
    roll = rng.random()
    if roll < 0.3:
        return str(rng.choice(_WORDS)).title() + str(rng.choice(_WORDS))
    if roll < 0.55:
        return f"{str(rng.choice(_SURNAMES)).title()} & {str(rng.choice(_SURNAMES)).title()}"
    return " ".join(str(w).title() for w in rng.choice(_WORDS, size=2, replace=False))


def _phone(country: str, rng: np.random.Generator) -> str:
    digits = "".join(str(d) for d in rng.integers(0, 10, size=9))
    return f"{_COUNTRIES[country][2]} {digits[:3]} {digits[3:6]} {digits[6:]}"


def _address(country: str, rng: np.random.Generator) -> tuple[int, int, str]:
    """(street type, house number, street name)."""
    kinds = len(_STREETS.get(country, _STREETS["gb"]))
    return int(rng.integers(kinds)), int(rng.integers(1, 300)), str(rng.choice(_WORDS)).title()


def _entities(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Businesses with their true attributes (one row per business)."""
    rows: list[dict[str, object]] = []
    while len(rows) < n:
        country = str(rng.choice(list(_COUNTRIES)))
        forms, cities, _ = _COUNTRIES[country]
        trade = str(rng.choice(list(_TRADES)))
        roll = rng.random()
        name = f"{_brand(rng)} {_TRADES[trade]}"
        base = {"country": country, "category": trade, "form": str(rng.choice(forms))}
        if roll < 0.08:  # a chain: one branch per city, each its own business
            rows.extend(
                {**base, "name": name, "city": city, "branch": True,
                 "phone": _phone(country, rng), "street": _address(country, rng)}
                for city in cities[: int(rng.integers(2, 5))]
            )  # fmt: skip
        elif roll < 0.16:  # one building: several tenants share address and switchboard
            city, street, phone = (
                str(rng.choice(cities)),
                _address(country, rng),
                _phone(country, rng),
            )
            for _ in range(int(rng.integers(3, 7))):
                tenant = str(rng.choice(list(_TRADES)))
                rows.append({**base, "name": f"{_brand(rng)} {_TRADES[tenant]}",
                             "category": tenant, "city": city, "branch": False,
                             "phone": phone, "street": street})  # fmt: skip
        else:
            rows.append(
                {
                    **base,
                    "name": name,
                    "city": str(rng.choice(cities)),
                    "branch": False,
                    "phone": _phone(country, rng),
                    "street": _address(country, rng),
                }
            )
    frame = pd.DataFrame(rows[:n])
    frame["entity"] = np.arange(len(frame))
    return frame


def _initials(name: str) -> str:
    return "".join(word[0] for word in name.split() if word[0].isalpha()).upper()


def _listed_name(row: pd.Series, rng: np.random.Generator, *, renamed: bool) -> str:
    name = str(row["name"])
    if renamed:
        return f"{_brand(rng)} {_TRADES[str(row['category'])]}"
    roll = rng.random()
    if roll < 0.08 and len(name.split()) >= 3:
        return _initials(name)
    if roll < 0.16:
        name = " ".join(_SHORT.get(word.lower(), word) for word in name.split())
    elif roll < 0.26:
        name = _typo(name, rng)
    if row["branch"] and rng.random() < 0.5:
        name = f"{name} ({row['city']})"
    if rng.random() < 0.6:
        form = str(rng.choice(_COUNTRIES[str(row["country"])][0]))
        name = f"{name}, {form}" if rng.random() < 0.3 else f"{name} {form}"
    return name.upper() if rng.random() < 0.1 else name


def _listed_phone(row: pd.Series, rng: np.random.Generator) -> str | None:
    if rng.random() < 0.15:
        return None
    phone = str(row["phone"])
    roll = rng.random()
    if roll < 0.3:
        return phone.replace(" ", "-")
    if roll < 0.5:
        return "(" + phone.split(" ", 1)[1].replace(" ", ") ", 1)
    return phone


def _listed_address(row: pd.Series, rng: np.random.Generator) -> str:
    kind, number, street = row["street"]
    variants = _STREETS.get(str(row["country"]), _STREETS["gb"])[kind]
    text = str(rng.choice(variants)).format(n=number, s=street)
    return _typo(text, rng) if rng.random() < 0.08 else text


def _directory(
    entities: pd.DataFrame, rng: np.random.Generator, *, renamed: set[int]
) -> pd.DataFrame:
    listed = entities[rng.random(len(entities)) < 0.85]
    rows = []
    for _, row in listed.iterrows():
        rows.append({
            "name": _listed_name(row, rng, renamed=int(row["entity"]) in renamed),
            "address": _listed_address(row, rng),
            "city": _typo(str(row["city"]), rng) if rng.random() < 0.05 else str(row["city"]),
            "phone": _listed_phone(row, rng),
            "category": str(row["category"]),
            "entity": int(row["entity"]),
        })  # fmt: skip
    frame = pd.DataFrame(rows)
    return frame.sample(frac=1.0, random_state=int(rng.integers(1 << 30))).reset_index(drop=True)


def directories(n: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two directories listing most of ``n`` businesses, with an ``entity`` truth column."""
    rng = np.random.default_rng(seed)
    entities = _entities(n, rng)
    renamed = set(rng.choice(len(entities), size=len(entities) // 40, replace=False).tolist())
    left = _directory(entities, rng, renamed=set())
    right = _directory(entities, rng, renamed=renamed)
    return left, right


def _truth_pairs(left: pd.DataFrame, right: pd.DataFrame) -> set[tuple[int, int]]:
    merged = left.reset_index().merge(right.reset_index(), on="entity")
    return set(zip(merged["index_x"].tolist(), merged["index_y"].tolist(), strict=True))


def _scores(found: set[tuple[int, int]], truth: set[tuple[int, int]]) -> Scores:
    return Scores(true_positives=len(found & truth), predicted=len(found), actual=len(truth))


def _linked_pairs(result: LinkResult) -> set[tuple[int, int]]:
    """The pairs the model bands as links, before any clustering."""
    pairs = result.pairs()
    linked = pairs[pairs["band"] == "link"]
    found = set()
    for one, two in zip(linked["left_id"], linked["right_id"], strict=True):
        (source_one, row_one), (_, row_two) = sorted([one, two])
        if source_one == "a":
            found.add((int(row_one), int(row_two)))
    return found


def _ours(
    left: pd.DataFrame, right: pd.DataFrame, *, distinct: bool = True
) -> tuple[set[tuple[int, int]], float]:
    """The links of the clusters (``distinct``: each directory lists a business once)."""
    started = time.perf_counter()
    columns = [field.column for field in FIELDS]
    # Declared as in the Febrl 4 benchmark; without it, tenants of one building merge.
    linker = Linker(fields=FIELDS, distinct_sources={"a", "b"} if distinct else ())
    result = linker.link({"a": left[columns], "b": right[columns]})
    clusters = pd.DataFrame({"id": list(result.records.ids), "cluster": result.clusters})
    clusters["source"] = [source for source, _ in clusters["id"]]
    clusters["row"] = [row for _, row in clusters["id"]]
    joined = clusters[clusters["source"] == "a"].merge(
        clusters[clusters["source"] == "b"], on="cluster"
    )
    found = set(zip(joined["row_x"].tolist(), joined["row_y"].tolist(), strict=True))
    elapsed = time.perf_counter() - started
    if _linked_pairs(result) - found:
        print("ours: pairs() shows links that the clusters do not hold")
    return found, elapsed


_PUNCTUATION = re.compile(r"[^\w ]+")


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """The cleaning Splink's and recordlinkage's tutorials do before linking."""
    plain = frame.copy()
    for column in ("name", "address", "city", "category"):
        plain[column] = frame[column].str.lower().str.replace(_PUNCTUATION, "", regex=True)
    plain["phone"] = frame["phone"].str.replace(r"\D", "", regex=True).str[-10:]
    return plain.drop(columns="entity")


def _splink(left: pd.DataFrame, right: pd.DataFrame) -> tuple[set[tuple[int, int]], float] | None:
    try:
        import splink.comparison_library as cl
        from splink import DuckDBAPI, SettingsCreator, block_on
        from splink import Linker as SplinkLinker
    except ImportError:
        return None
    started = time.perf_counter()
    frames = [_plain(left).rename_axis("rec_id").reset_index(),
              _plain(right).rename_axis("rec_id").reset_index()]  # fmt: skip
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="link_only",
        comparisons=[
            cl.JaroWinklerAtThresholds("name", [0.9, 0.7]),
            cl.LevenshteinAtThresholds("address", [1, 3]),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
            cl.ExactMatch("phone").configure(term_frequency_adjustments=True),
            cl.ExactMatch("category"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("name"), block_on("phone"), block_on("address"), block_on("city", "category"),
        ],
    )  # fmt: skip
    db_api = DuckDBAPI()
    linker = SplinkLinker([db_api.register(f) for f in frames], settings, log_level="ERROR")
    linker.training.estimate_probability_two_random_records_match(
        [block_on("name"), block_on("phone")], recall=0.7)  # fmt: skip
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("city"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("phone"))
    predictions = linker.inference.predict(threshold_match_probability=0.99).as_pandas_dataframe()
    found = set()
    for row in predictions.itertuples(index=False):
        one, two = (row.source_dataset_l, row.rec_id_l), (row.source_dataset_r, row.rec_id_r)
        a, b = (one, two) if one[0] < two[0] else (two, one)
        found.add((int(a[1]), int(b[1])))
    return found, time.perf_counter() - started


def _recordlinkage(left: pd.DataFrame, right: pd.DataFrame) -> tuple[set[tuple[int, int]], float]:
    import recordlinkage as rl

    started = time.perf_counter()
    one, two = _plain(left), _plain(right)
    indexer = rl.Index()
    for column in ("name", "phone", "address"):
        indexer.block(column)
    indexer.sortedneighbourhood("name", window=5)
    candidates = indexer.index(one, two)
    compare = rl.Compare()
    for column in ("name", "address", "city"):
        compare.string(column, column, method="jarowinkler", threshold=0.85, label=column)
    for column in ("phone", "category"):
        compare.exact(column, column, label=column)
    matches = rl.ECMClassifier(binarize=0.5).fit_predict(compare.compute(candidates, one, two))
    found = set(zip(matches.get_level_values(0).tolist(), matches.get_level_values(1).tolist(),
                    strict=True))  # fmt: skip
    return {(int(a), int(b)) for a, b in found}, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--businesses", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    left, right = directories(args.businesses, args.seed)
    truth = _truth_pairs(left, right)
    print(f"directories of {len(left)} and {len(right)} listings, {len(truth)} true links")
    runs = {"ours": _ours(left, right), "splink": _splink(left, right),
            "rl+ECM": _recordlinkage(left, right)}  # fmt: skip
    runs["ours, undeclared"] = _ours(left, right, distinct=False)
    for who, run in runs.items():
        if run is None:
            print(f"{who:<16} not installed (pip install splink) - skipped")
            continue
        found, elapsed = run
        score = _scores(found, truth)
        print(f"{who:<16} pairs P {score.precision:.4f} R {score.recall:.4f} "
              f"F1 {score.f1:.4f} | {elapsed:6.2f} s")  # fmt: skip


if __name__ == "__main__":
    main()
