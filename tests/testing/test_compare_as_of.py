"""Every trait as of a moment on all the data equals the trait on the exports cut then."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from customer_understanding import CustomerBase, InvalidValueError
from customer_understanding.datasets import generate_world
from customer_understanding.ingest import Source, load
from customer_understanding.testing import compare_as_of
from customer_understanding.traits import NewContacts, standard_traits


@pytest.fixture(scope="module")
def world():
    return generate_world(accounts=60, interactions=8_000, seed=11)


@pytest.fixture(scope="module")
def full(world):
    return CustomerBase.build(load(world.as_sources(), policy="lenient"))


@pytest.mark.parametrize("moment", ["2025-12-15", "2026-05-01", "2026-09-20T12:00:00Z"])
def test_no_trait_reads_the_future(world, full, moment):
    cut = CustomerBase.build(load(world.cut(as_of=moment).as_sources(), policy="lenient"))
    table = compare_as_of(full, cut, as_of=moment)
    assert set(table["trait"]) == set(standard_traits())
    assert (table["compared"] > 0).all()
    leaks = table[table["differing"] > 0]
    assert leaks.empty, leaks.to_string()
    appeared = compare_as_of(full, cut, as_of=moment,
                             traits={"new_contacts_30d": NewContacts(seniorities=())})  # fmt: skip
    assert (appeared["compared"] > 0).all()
    assert (appeared["differing"] == 0).all(), appeared.to_string()


# A hand-made export in the Zendesk shape: one ticket solved after the moment.
ORGS = pd.DataFrame({"id": ["900"], "name": ["Acme"], "domain_names": ["acme.com"],
                     "created_at": ["2026-01-01T00:00:00Z"]})  # fmt: skip
USERS = pd.DataFrame({"id": ["500"], "name": ["Ann Lee"], "email": ["ann@acme.com"],
                      "organization_id": ["900"],
                      "created_at": ["2026-01-02T00:00:00Z"]})  # fmt: skip
TICKET = {"id": ["1"], "requester_id": ["500"], "organization_id": ["900"],
          "subject": ["Login"], "priority": ["high"],
          "created_at": ["2026-03-01T09:00:00Z"]}  # fmt: skip


def _base(status: str, rating: str, updated: str) -> CustomerBase:
    tickets = pd.DataFrame({**TICKET, "status": [status], "satisfaction_rating": [rating],
                            "updated_at": [updated]})  # fmt: skip
    frames = {"zendesk.organizations": ORGS, "zendesk.users": USERS, "zendesk.tickets": tickets}
    return CustomerBase.build(load([Source(name=n, data=f, mapping=n) for n, f in frames.items()]))


class _FinalStatus:
    """A leaky trait: reads the exported (final) ticket status, whatever the moment."""

    description = "open tickets by their final status"

    def evaluate(self, tables, /, *, as_of, level):
        table = tables.interactions
        is_open = table.labels("status") != "solved"
        rows = table.column(level)
        mask = (table.column("occurred_at") <= as_of) & is_open & (rows >= 0)
        size = len(tables.accounts if level == "account" else tables.contacts)
        return np.bincount(rows[mask], minlength=size).astype(float)


def test_a_leaky_trait_is_caught_and_the_standard_one_is_not():
    full = _base("solved", "good", "2026-03-09T00:00:00Z")
    cut = _base("open", "unoffered", "2026-03-02T00:00:00Z")  # as exported on 5 March
    table = compare_as_of(full, cut, as_of="2026-03-05",
                          traits={"open_tickets": "open_tickets", "leaky": _FinalStatus(),
                                  "satisfaction": "satisfaction"})  # fmt: skip
    found = table.set_index(["trait", "level"])
    assert found.loc[("open_tickets", "account"), "differing"] == 0
    assert found.loc[("satisfaction", "contact"), "differing"] == 0
    assert found.loc[("leaky", "account"), "differing"] == 1
    assert "(all data) vs" in found.loc[("leaky", "account"), "example"]


def test_a_trait_not_readable_at_a_level_is_left_out():
    base = _base("open", "unoffered", "2026-03-02T00:00:00Z")
    table = compare_as_of(base, base, as_of="2026-03-05", traits=["title", "industry"])
    assert table[["trait", "level"]].to_numpy().tolist() == [
        ["industry", "account"],
        ["title", "contact"],
        ["industry", "contact"],
    ]
    assert table["differing"].eq(0).all()


@pytest.mark.parametrize("bad", ["open_tickets", 3, None.__class__])
def test_traits_must_be_names_or_a_mapping(bad):
    base = _base("open", "unoffered", "2026-03-02T00:00:00Z")
    with pytest.raises(InvalidValueError, match="traits="):
        compare_as_of(base, base, as_of="2026-03-05", traits=bad)
