"""Entities an update resolves again and finds as they were are kept as they were.

Keeping them (their row, id, golden winners, account link) must give what taking the
run's answer for them gives: the same tables, compared by id, as an update that lays
every entity it resolved again out afresh.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from customer_understanding import CustomerBase, Source
from customer_understanding.base import _update_resolve
from customer_understanding.datasets import generate_world

from .test_update import _KEY


def _cut(share: float, seed: int, defects: bool) -> tuple[list[Source], list[Source]]:
    """Each export's rows, shuffled, cut at ``share``: the first part and the rest."""
    world = generate_world(accounts=60, interactions=600, defects=defects, seed=seed)
    rng = np.random.default_rng(seed)
    first, rest = [], []
    for source in world.as_sources():
        frame = source.data
        assert isinstance(frame, pd.DataFrame)
        frame = frame.iloc[rng.permutation(len(frame))]
        cut = int(len(frame) * share)
        for into, part in ((first, frame.iloc[:cut]), (rest, frame.iloc[cut:])):
            if len(part):
                into.append(Source(name=source.name, data=part, mapping=source.mapping))
    return first, rest


def _content(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``frame`` in an order of their own values (entity rows may differ)."""
    text = frame.astype(str)
    return text.sort_values(list(text.columns), kind="stable").reset_index(drop=True)


def _by_id(frame: pd.DataFrame, base: CustomerBase) -> pd.DataFrame:
    """``frame`` with the entity rows it names (contact, account, subject) as ids."""
    resolution = base.tables.resolution
    ids = {"contact": np.append(np.asarray(resolution.contact_ids, dtype=object), None),
           "account": np.append(np.asarray(resolution.account_ids, dtype=object),
                                None)}  # fmt: skip
    frame = frame.copy()
    for column, level in (("contact", "contact"), ("account", "account"), ("parent", "account")):
        if column in frame.columns:
            frame[column] = ids[level][frame[column].to_numpy(dtype=np.int64)]
    if "subject" in frame.columns:
        rows = frame["subject"].to_numpy(dtype=np.int64)
        named = frame["subject"].astype(object)
        for level, found in ids.items():
            mine = (frame["subject_kind"] == level).to_numpy()
            named[mine] = found[rows[mine]]
        frame["subject"] = named
    return frame


def _same_by_id(first: CustomerBase, second: CustomerBase) -> None:
    for name in ("accounts", "contacts", "interactions", "opportunities"):
        pd.testing.assert_frame_equal(_content(first.to_pandas(name)),
                                      _content(second.to_pandas(name)))  # fmt: skip
    for name in ("contact_records", "account_records", "consents", "stages"):
        pd.testing.assert_frame_equal(
            _content(_by_id(getattr(first.tables, name).to_pandas(), first)),
            _content(_by_id(getattr(second.tables, name).to_pandas(), second)))  # fmt: skip
    both = (first.tables.resolution, second.tables.resolution)
    pd.testing.assert_frame_equal(_content(both[0].review.to_pandas()),
                                  _content(both[1].review.to_pandas()))  # fmt: skip
    for level in ("contact", "account"):
        ids = [np.asarray(getattr(r, f"{level}_ids"), dtype=object) for r in both]
        of = [getattr(r, f"{level}_of_record") for r in both]
        assert ids[0][of[0]].tolist() == ids[1][of[1]].tolist()  # each record's entity id
        keys = [dict(zip(i.tolist(), getattr(r, f"{level}_keys").tolist(), strict=True))
                for i, r in zip(ids, both, strict=True)]  # fmt: skip
        assert keys[0] == keys[1]


def _resolving_all_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make updates take the run's answer for every entity they resolved again."""
    monkeypatch.setattr(_update_resolve, "_reproduced",
                        lambda plan, *_: np.zeros(len(plan.entities), dtype=bool))  # fmt: skip


_CUTS = [(0.9, 3, False), (0.97, 5, True), (0.8, 8, False), (0.95, 13, True)]


def _affected(base: CustomerBase) -> int:
    detail = base.events().query("action == 'update'").iloc[-1]["detail"]
    return int(detail["contact"]["entities_affected"] + detail["account"]["entities_affected"])


@pytest.mark.parametrize(("share", "seed", "defects"), _CUTS)
def test_entities_found_as_they_were_are_kept_as_resolving_them_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, share: float, seed: int, defects: bool
) -> None:
    first, rest = _cut(share, seed, defects)
    for name in ("a.db", "b.db"):
        CustomerBase.build(first, store=tmp_path / name, id_key=_KEY, policy="lenient")
    narrowed = CustomerBase.open(tmp_path / "a.db").update(rest, policy="lenient")
    with monkeypatch.context() as patched:
        _resolving_all_again(patched)
        plain = CustomerBase.open(tmp_path / "b.db").update(rest, policy="lenient")
    _same_by_id(narrowed, plain)
    _same_by_id(CustomerBase.open(tmp_path / "a.db"), plain)
    assert _affected(narrowed) < _affected(plain)  # some were found as they were


def test_an_entity_that_lost_a_changed_record_is_laid_out_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = [{"Id": f"{i}{copy}", "Email": f"p{i}@firm{i}.com", "FirstName": f"Ann{i}",
               "LastName": f"Lee{i}", "Title": "CTO" if copy == "a" else "VP Sales"}
              for i in range(12) for copy in ("a", "b")]  # fmt: skip
    # 3a leaves person 3 for person 4: person 3 keeps only 3b, found alone as it was kept
    moved = [{**people[6], "Email": "p4@firm4.com", "FirstName": "Ann4", "LastName": "Lee4"}]
    for name in ("a.db", "b.db"):
        CustomerBase.build([Source(name="crm", data=people, mapping="salesforce.Contact")],
                           store=tmp_path / name, id_key=_KEY)  # fmt: skip
    rows = [Source(name="crm", data=moved, mapping="salesforce.Contact")]
    narrowed = CustomerBase.open(tmp_path / "a.db").update(rows)
    with monkeypatch.context() as patched:
        _resolving_all_again(patched)
        plain = CustomerBase.open(tmp_path / "b.db").update(rows)
    _same_by_id(narrowed, plain)
    assert len(narrowed.contacts) == 12
