"""The collector's thresholds during bulk steps: raised, restored, never left changed."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

import customer_understanding as cu
from customer_understanding._core import fewer_collections


@pytest.fixture(autouse=True)
def _known_thresholds() -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


def test_raised_inside_and_restored_after_an_error() -> None:
    inside: list[tuple[int, int, int]] = []

    def failing() -> None:
        with fewer_collections():
            inside.append(gc.get_threshold())
            raise RuntimeError

    with pytest.raises(RuntimeError):
        failing()
    assert inside == [(100_000, 50, 100)]
    assert gc.get_threshold() == (700, 10, 10)


def test_nested_blocks_restore_once_the_outer_one_ends() -> None:
    with fewer_collections():
        with fewer_collections():
            pass
        assert gc.get_threshold()[0] == 100_000  # the inner end did not restore early
    assert gc.get_threshold() == (700, 10, 10)


def test_higher_or_disabled_thresholds_are_left_alone() -> None:
    gc.set_threshold(500_000, 5, 5)
    with fewer_collections():
        assert gc.get_threshold() == (500_000, 50, 100)
    assert gc.get_threshold() == (500_000, 5, 5)
    gc.set_threshold(0)
    with fewer_collections():
        assert gc.get_threshold()[0] == 0  # automatic collection stays off
    assert gc.get_threshold()[0] == 0


def test_overlapping_threads_restore_what_was_there_before_the_first() -> None:
    # Thread A enters, then B; A leaves before B. Restoring per block would leave the
    # bulk thresholds behind (B saved A's) or restore while B still works.
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen: list[int] = []

    def first() -> None:
        with fewer_collections():
            a_in.set()
            b_in.wait(5)
        a_out.set()

    def second() -> None:
        a_in.wait(5)
        with fewer_collections():
            b_in.set()
            a_out.wait(5)
            seen.append(gc.get_threshold()[0])

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert seen == [100_000]
    assert gc.get_threshold() == (700, 10, 10)


def test_a_build_and_an_update_run_with_fewer_collections(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from customer_understanding.base import _updating
    from customer_understanding.identity import ProbabilisticResolver

    seen: list[int] = []

    def resolver(accounts: object, contacts: object) -> object:
        seen.append(gc.get_threshold()[0])
        return ProbabilisticResolver()(accounts, contacts)  # type: ignore[arg-type]

    rows = [{"Id": "1", "Email": "ann@acme.com", "LastName": "Lee"}]
    source = cu.Source(name="crm", data=rows, mapping="salesforce.Contact")
    base = cu.CustomerBase.build([source], resolver=resolver)  # type: ignore[arg-type]
    assert seen == [100_000]
    assert gc.get_threshold() == (700, 10, 10)

    apply_update = _updating.apply_update

    def watched(*args: object, **kwargs: object) -> object:
        seen.append(gc.get_threshold()[0])
        return apply_update(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(_updating, "apply_update", watched)
    built = cu.CustomerBase.build([source])
    more = [{"Id": "2", "Email": "bob@acme.com", "LastName": "Bo"}]
    updated = built.update([cu.Source(name="crm", data=more, mapping="salesforce.Contact")])
    assert seen == [100_000, 100_000]
    assert gc.get_threshold() == (700, 10, 10)
    assert len(updated.contacts) == len(base.contacts) + 1
