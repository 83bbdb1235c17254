import numpy as np
import pandas as pd
import pytest

from customer_understanding.identity import Field

PEOPLE_FIELDS = [
    Field(column="given", kind="given_name"),
    Field(column="family", kind="family_name"),
    Field(column="dob", kind="date"),
    Field(column="postcode", kind="postcode"),
]
_GIVEN = [
    "katherine",
    "thomas",
    "william",
    "elizabeth",
    "robert",
    "james",
    "olivia",
    "noah",
    "emma",
    "liam",
    "ava",
    "lucas",
    "mia",
    "ethan",
    "sofia",
    "mateo",
    "chloe",
    "leo",
    "grace",
    "oscar",
    "isla",
    "jack",
    "ruby",
    "henry",
    "zoe",
    "samuel",
    "nora",
    "felix",
]
_FAMILY = [
    "moss",
    "hill",
    "silva",
    "brown",
    "jones",
    "smith",
    "garcia",
    "miller",
    "davis",
    "wilson",
    "moore",
    "taylor",
    "anderson",
    "thomas",
    "jackson",
    "white",
    "harris",
    "martin",
    "thompson",
    "young",
    "allen",
    "king",
    "wright",
    "scott",
    "green",
    "baker",
    "adams",
    "nelson",
    "carter",
    "mitchell",
    "perez",
    "roberts",
    "turner",
    "phillips",
]
_NICK = {"katherine": "kate", "thomas": "tom", "william": "bill", "elizabeth": "liz",
         "robert": "bob", "james": "jim", "samuel": "sam"}  # fmt: skip


def _typo(value: str, rng: np.random.Generator) -> str:
    at = int(rng.integers(1, len(value) - 1))
    return value[:at] + value[at + 1] + value[at] + value[at + 2 :]


def _duplicate(row: dict[str, str], rng: np.random.Generator) -> dict[str, str]:
    copy = dict(row)
    error = int(rng.integers(0, 4))
    if error == 0:
        copy["given"] = _NICK.get(row["given"], row["given"][0])
    elif error == 1:
        copy["family"] = _typo(row["family"], rng)
    elif error == 2:
        copy["dob"] = row["dob"][:5] + row["dob"][8:] + "-" + row["dob"][5:7]
    else:
        copy["postcode"] = row["postcode"][:3] + str((int(row["postcode"][3]) + 1) % 10)
    return copy


def make_people(n: int, duplicates: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """``n`` distinct people plus ``duplicates`` copies with one typical error each."""
    rng = np.random.default_rng(seed)
    rows = [{"given": str(rng.choice(_GIVEN)), "family": str(rng.choice(_FAMILY)),
             "dob": f"{rng.integers(1950, 2000)}-{rng.integers(1, 13):02d}-"
                    f"{rng.integers(13, 29):02d}",
             "postcode": str(rng.integers(2000, 2400))} for _ in range(n)]  # fmt: skip
    truth = list(range(n))
    for original in rng.choice(n, size=duplicates, replace=False).tolist():
        rows.append(_duplicate(rows[original], rng))
        truth.append(original)
    frame = pd.DataFrame(rows, index=[f"r{i}" for i in range(len(rows))])
    return frame, np.array(truth)


@pytest.fixture
def people() -> pd.DataFrame:
    return make_people(400, 60, seed=3)[0]


@pytest.fixture
def truth() -> np.ndarray:
    return make_people(400, 60, seed=3)[1]
