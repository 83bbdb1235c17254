"""Which kept clusters' votes a change of other clusters can turn (``unsettled``)."""

from typing import Any

import numpy as np
import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st

from customer_understanding.identity import EVIDENCE_RULES, Survivorship, Vote, survivors, unsettled

_FIELDS = ("first_name", "email", "department")
_RULES = Survivorship(rules={field: EVIDENCE_RULES.get(field, Vote()) for field in _FIELDS})
_VALUES = {
    "first_name": ["Kate", "kate", "Kathy", "KATHY", "K", "Bo", None],
    "email": ["kate@acme.com", "kathy@acme.com", "info@acme.com", "k@gmail.com", None],
    "department": ["Sales", "sales", "Marketing", None],
}
Row = tuple[int, str | None, str | None, str | None, str]


def _rows(clusters: int) -> st.SearchStrategy[list[Row]]:
    return st.lists(st.tuples(st.integers(0, clusters - 1),
                              *(st.sampled_from(_VALUES[f]) for f in _FIELDS),
                              st.sampled_from(["crm", "desk"])), max_size=12)  # fmt: skip


def _winners(kept: list[Row], other: list[Row]) -> dict[str, list[Any]]:
    """Each kept cluster's winning record (its place among ``kept``), beside ``other``."""
    rows = kept + [(8 + r[0], *r[1:]) for r in other]
    clusters = np.array([r[0] for r in rows], dtype=np.int64)
    columns = {f: np.array([r[1 + i] for r in rows], dtype=object) for i, f in enumerate(_FIELDS)}
    won = survivors(columns, clusters, survivorship=_RULES, n_clusters=16,
                    present={f: pd.notna(v) for f, v in columns.items()},
                    sources=np.array([r[-1] for r in rows], dtype=object),
                    ids=np.array([f"r{i:02d}" for i in range(len(kept))]
                                 + [f"o{i:02d}" for i in range(len(other))], dtype=object),
                    )  # fmt: skip
    return {field: w[:8].tolist() for field, w in won.items()}


def _pairs(rows: list[Row], field: str) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    i = 1 + _FIELDS.index(field)
    held = [r for r in rows if r[i] is not None]
    return (np.array([r[i] for r in held], dtype=object),
            np.array([r[0] for r in held], dtype=np.int64))  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(_rows(8), _rows(4), _rows(4))
@example(kept=[(0, "Kate", None, None, "crm"), (0, "Kathy", None, None, "desk"),
               (1, "Kate", None, None, "crm")],
         before=[], after=[(0, "Kathy", None, None, "crm")])  # fmt: skip
@example(kept=[(0, "Kate", None, None, "crm"), (0, "Kathy", None, None, "desk"),
               (1, "Kate", None, None, "crm")],
         before=[(0, "Kate", None, None, "crm"), (1, "Kate", None, None, "crm")],
         after=[(0, "Kate", None, None, "crm")])  # fmt: skip
def test_a_kept_cluster_whose_vote_turns_is_unsettled(
    kept: list[Row], before: list[Row], after: list[Row]
) -> None:
    """Kept clusters voted beside other clusters ``before`` and again beside them ``after``:
    any whose winner differs is one ``unsettled`` names."""
    then, now = _winners(kept, before), _winners(kept, after)
    for field in _FIELDS:
        turned = {c for c in range(8) if then[field][c] != now[field][c]}
        found = unsettled(_RULES.rule_of(field),  # type: ignore[arg-type]
                          before=_pairs(before, field), after=_pairs(after, field),
                          beside=_pairs(kept, field))  # fmt: skip
        assert turned <= set(found.tolist()), field


def test_a_count_moving_far_from_a_tie_turns_nothing() -> None:
    """Kate on five other clusters, Kathy on one: a second Kathy leaves Kate ahead."""
    names = np.array(["Kate", "Kathy"] + ["Kate"] * 5 + ["Kathy"], dtype=object)
    clusters = np.array([0, 0, 1, 2, 3, 4, 5, 6], dtype=np.int64)
    one = (np.array(["Kathy"], dtype=object), np.array([9], dtype=np.int64))
    none = (np.array([], dtype=object), np.array([], dtype=np.int64))
    rule = Vote(spelling="name")
    assert unsettled(rule, before=none, after=one, beside=(names, clusters)).tolist() == []
    assert unsettled(rule, before=none, after=one, beside=(names[:2], clusters[:2])).tolist() == [0]
    assert unsettled(Vote(spelling="email"), before=none, after=one,
                     beside=(names[:2], clusters[:2])).tolist() == []  # fmt: skip
