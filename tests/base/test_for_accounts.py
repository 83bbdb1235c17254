"""A base of a few accounts answers for them exactly as the whole base does."""

import numpy as np
import pandas as pd
import pytest

import customer_understanding as cu
from customer_understanding import InvalidValueError, NotFoundError
from customer_understanding.committee import committees
from customer_understanding.datasets import generate_world
from customer_understanding.signals import evaluate_signals
from customer_understanding.traits import evaluate_traits, standard_traits

MOMENTS = (None, "2026-04-15")


@pytest.fixture(scope="module")
def base() -> cu.CustomerBase:
    world = generate_world(accounts=80, interactions=12_000, seed=3)
    return cu.CustomerBase.build(world.as_sources(), policy="lenient")


@pytest.fixture(scope="module")
def chosen(base: cu.CustomerBase) -> list[str]:
    """Busy accounts, accounts with deals, and a quiet one."""
    ids = base.accounts.column("id")
    busy = np.bincount(base.interactions.column("account") + 1, minlength=len(ids) + 1)[1:]
    deals = np.bincount(base.opportunities.column("account") + 1, minlength=len(ids) + 1)[1:]
    rows = {*np.argsort(-busy, kind="stable")[:4], *np.flatnonzero(deals)[:3], int(np.argmin(busy))}
    return [str(ids[row]) for row in sorted(rows)]


def _names(base: cu.CustomerBase, level: str) -> list[str]:
    """The standard traits that apply at ``level`` (some fields are a contact's only)."""
    names = []
    for name in sorted(standard_traits()):
        try:
            evaluate_traits(base, [name], level=level)  # type: ignore[arg-type]
        except InvalidValueError:
            continue
        names.append(name)
    return names


def _same(whole: object, part: object) -> None:
    left, right = np.asarray(whole, dtype=object), np.asarray(part, dtype=object)
    assert pd.isna(left).tolist() == pd.isna(right).tolist()
    known = ~pd.isna(left)
    assert left[known].tolist() == pytest.approx(right[known].tolist()) or (
        left[known].tolist() == right[known].tolist()
    )


@pytest.mark.parametrize("as_of", MOMENTS)
def test_account_traits_equal_the_whole_base(
    base: cu.CustomerBase, chosen: list[str], as_of: str | None
) -> None:
    names = _names(base, "account")
    whole = evaluate_traits(base, names, as_of=as_of).to_pandas().set_index("account_id")
    for account_id in chosen:
        part = evaluate_traits(base, names, as_of=as_of, accounts=[account_id])
        assert part.to_pandas()["account_id"].tolist() == [account_id]
        for name in names:
            _same(whole.loc[[account_id], name], part[name])


@pytest.mark.parametrize("as_of", MOMENTS)
def test_contact_traits_equal_the_whole_base(
    base: cu.CustomerBase, chosen: list[str], as_of: str | None
) -> None:
    names = _names(base, "contact")
    whole = evaluate_traits(base, names, as_of=as_of, level="contact").to_pandas()
    whole = whole.set_index("contact_id")
    for account_id in chosen:
        part = evaluate_traits(base, names, as_of=as_of, level="contact", accounts=[account_id])
        part = part.to_pandas().set_index("contact_id")
        assert len(part) == len(base.contacts_of(account_id))
        for name in names:
            _same(whole.loc[part.index, name], part[name])


@pytest.mark.parametrize("as_of", MOMENTS)
def test_signals_equal_the_whole_base(
    base: cu.CustomerBase, chosen: list[str], as_of: str | None
) -> None:
    whole = evaluate_signals(base, as_of=as_of)
    held = whole.suppressed
    for account_id in chosen:
        part = evaluate_signals(base, as_of=as_of, accounts=[account_id])
        assert part.for_account(account_id) == whole.for_account(account_id)
        mine = held[held["account_id"] == account_id].reset_index(drop=True)
        # No rows: a frame made from none has object columns, a filtered one keeps its types.
        pd.testing.assert_frame_equal(part.suppressed, mine, check_dtype=not mine.empty)


@pytest.mark.parametrize("as_of", MOMENTS)
def test_committee_equals_the_whole_base(
    base: cu.CustomerBase, chosen: list[str], as_of: str | None
) -> None:
    everyone = committees(base, as_of=as_of)
    for account_id in chosen:
        expected = everyone.committee(account_id)
        found = cu.committee.buying_committee(base, account_id, as_of=as_of)
        # Under pandas 3 an empty text column of one frame may be inferred as object,
        # the other's as string: the values must agree, the inferred dtype may not.
        pd.testing.assert_frame_equal(found.members, expected.members, check_dtype=False)
        pd.testing.assert_frame_equal(found.edges, expected.edges, check_dtype=False)
        assert found.coverage == expected.coverage
        assert found.gaps == expected.gaps


def test_slice_keeps_the_timeline_and_moment(base: cu.CustomerBase, chosen: list[str]) -> None:
    for account_id in chosen:
        own = base.for_accounts([account_id])
        pd.testing.assert_frame_equal(own.timeline(account_id), base.timeline(account_id))
        assert own.tables.event_span() == base.tables.event_span()
        assert own.account(account_id).name == base.account(account_id).name


def test_slice_of_several_accounts_keeps_their_order(base: cu.CustomerBase) -> None:
    ids = base.accounts.column("id")
    own = base.for_accounts([ids[5], ids[2], ids[5]])
    assert own.accounts.column("id").tolist() == [ids[2], ids[5]]


def test_unknown_account_is_refused(base: cu.CustomerBase) -> None:
    with pytest.raises(NotFoundError, match="nobody"):
        base.for_accounts(["nobody"])
    with pytest.raises(NotFoundError, match="nobody"):
        base.tables.for_accounts([base.accounts.column("id")[0], "nobody"])


def test_one_id_or_none(base: cu.CustomerBase) -> None:
    first = base.accounts.column("id")[0]
    assert base.for_accounts(first).accounts.column("id").tolist() == [first]
    assert len(base.for_accounts([]).accounts) == 0
