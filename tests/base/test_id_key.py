import pandas as pd
import pytest

from customer_understanding import CustomerBase, InvalidValueError
from customer_understanding.ingest import Source, load

SECRET = "our-crm-id-secret-2026"


def _sources(frames: dict[str, pd.DataFrame]) -> list[Source]:
    return [Source(name=name, data=frame, mapping=name) for name, frame in frames.items()]


def test_the_same_data_and_secret_give_the_same_ids(frames: dict[str, pd.DataFrame]) -> None:
    first = CustomerBase.build(_sources(frames), id_key=SECRET)
    again = CustomerBase.build(load(_sources(frames)), id_key=SECRET.encode())
    for table in ("accounts", "contacts"):
        assert (
            getattr(first, table).column("id").tolist()
            == getattr(again, table).column("id").tolist()
        )


def test_another_secret_gives_other_ids_for_the_same_entities(
    frames: dict[str, pd.DataFrame],
) -> None:
    first = CustomerBase.build(_sources(frames), id_key=SECRET)
    other = CustomerBase.build(_sources(frames), id_key="a-different-secret-2026")
    assert set(first.contacts.column("id")).isdisjoint(other.contacts.column("id"))
    assert first.contacts.column("email").tolist() == other.contacts.column("email").tolist()


def test_without_a_secret_ids_agree_within_the_process(
    frames: dict[str, pd.DataFrame], base: CustomerBase
) -> None:
    again = CustomerBase.build(_sources(frames))
    assert again.contacts.column("id").tolist() == base.contacts.column("id").tolist()


def test_ids_do_not_leak_the_addresses(base: CustomerBase) -> None:
    ids = " ".join(base.contacts.column("id").tolist() + base.accounts.column("id").tolist())
    assert "acme" not in ids
    assert "@" not in ids


def test_the_secret_does_not_stay_in_force_after_the_build(
    frames: dict[str, pd.DataFrame], base: CustomerBase
) -> None:
    CustomerBase.build(_sources(frames), id_key=SECRET)
    assert CustomerBase.build(_sources(frames)).contacts.column("id").tolist() == (
        base.contacts.column("id").tolist()
    )


def test_a_short_secret_is_refused() -> None:
    with pytest.raises(InvalidValueError, match="id_key"):
        CustomerBase.build([], id_key="abc")
