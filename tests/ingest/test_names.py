import numpy as np
import pandas as pd
import pytest

from customer_understanding.ingest import Source, load
from customer_understanding.ingest._names import split_full_names
from customer_understanding.tables import ContactRecords


@pytest.mark.parametrize(
    ("name", "first", "last"),
    [
        ("Ann Lee", "Ann", "Lee"),
        ("Mary Ann  Lee", "Mary Ann", "Lee"),
        ("Lee, Ann", "Ann", "Lee"),
        ("de Vries, Omar", "Omar", "de Vries"),
        ("ann.lee", "ann", "lee"),
        ("jose_laurent", "jose", "laurent"),
        ("drossi38", "drossi38", None),
        ("Ann", "Ann", None),
        ("   ", None, None),
        (None, None, None),
    ],
)
def test_a_name_in_one_field_is_split_into_first_and_last(
    name: object, first: object, last: object
) -> None:
    firsts, lasts = split_full_names(np.array([name], dtype=object))
    assert (firsts[0], lasts[0]) == (first, last)


def test_the_help_desk_preset_splits_last_name_first_names() -> None:
    frame = pd.DataFrame({"id": [1, 2], "name": ["Weber, Charles", "Charles Weber"]})
    loaded = load([Source(name="zendesk.users", mapping="zendesk.users", data=frame)])
    records = loaded.combined(ContactRecords)
    assert records.column("first_name").tolist() == ["Charles", "Charles"]
    assert records.column("last_name").tolist() == ["Weber", "Weber"]
