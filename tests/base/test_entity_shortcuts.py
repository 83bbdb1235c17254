"""Shortcuts in building the entity tables give what the plain reading gives."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from customer_understanding.base._contact_accounts import _work_email
from customer_understanding.domain import FREE_MAIL_DOMAINS

_ADDRESS = st.one_of(
    st.none(),
    st.sampled_from(["ann@acme.com", "bo@gmail.com", "a@b@gmail.com", "gmail.com", "", "@",
                     "x@", "cy@Acme.com", "dee@yahoo.com"]),
)  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(st.lists(_ADDRESS, max_size=15))
def test_work_addresses_read_once_each_are_the_string_methods_reading(addresses) -> None:  # type: ignore[no-untyped-def]
    emails = np.empty(len(addresses), dtype=object)
    emails[:] = addresses
    series = pd.Series(emails.copy(), dtype="string")
    plain = ~series.str.rsplit("@", n=1).str[-1].isin(FREE_MAIL_DOMAINS) & series.notna()
    assert _work_email(emails).tolist() == plain.to_numpy(dtype=bool).tolist()
