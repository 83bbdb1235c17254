"""Account-based journeys: one journey per opportunity, built from its buying committee.

Every contact with a role on a deal is a committee member; each of their interactions
inside the deal's window counts as a touch of that deal's journey. The window opens
``lookback_days`` before the deal is created and closes when it closes (or at ``as_of``
while it is open). A won deal is a conversion worth its amount, at its close date.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._errors import InvalidValueError
from customer_understanding.journeys._paths import NAT, Outcomes, Touches

if TYPE_CHECKING:
    from customer_understanding.base import CustomerBase

__all__ = ["DealJourneys", "channel_codes", "check_channel", "deal_journeys", "influence"]

ChannelColumn = Literal["channel", "type", "campaign", "discipline"]
Ints = npt.NDArray[np.int64]
_DAY_NS = 86_400 * 10**9
_UNKNOWN = "(unknown)"


@attrs.frozen(kw_only=True)
class DealJourneys:
    """Touches and outcomes of every opportunity, ready for any attribution method.

    Attributes
    ----------
    touches
        One touch per (deal, committee interaction in the window); ``journey`` is the
        opportunity row in ``base.tables.opportunities``.
    outcomes
        Per deal: won or not, amount, close time; ``opportunity_at`` is the creation time.
    interaction
        Row in ``base.tables.interactions`` of each touch.
    amount
        Each deal's amount (0.0 when unknown), won or not: the pipeline value.

    Examples
    --------
    >>> deals = DealJourneys(
    ...     touches=Touches(journey=[0], at=[5], channel=[0], channels=("email",)),
    ...     outcomes=Outcomes(converted=[True], value=[900.0]),
    ...     interaction=np.array([17]),
    ...     amount=np.array([900.0]),
    ... )
    >>> len(deals.touches), deals.amount.sum()
    (1, np.float64(900.0))
    """

    touches: Touches
    outcomes: Outcomes
    interaction: Ints
    amount: npt.NDArray[np.float64]


def deal_journeys(
    base: CustomerBase,
    *,
    channel: ChannelColumn = "channel",
    lookback_days: float = 180.0,
    as_of: int | None = None,
) -> DealJourneys:
    """Build the account-based journey of every opportunity in ``base``.

    ``channel`` names the interaction column whose categories become the channels (an
    interaction without one is coded ``(unknown)``).

    Examples
    --------
    >>> import customer_understanding as cu
    >>> from customer_understanding.datasets import generate_world
    >>> from customer_understanding.journeys import Linear
    >>> world = generate_world(accounts=20, interactions=2_000, defects=False)
    >>> deals = deal_journeys(cu.CustomerBase.build(world.as_sources()))
    >>> result = Linear().attribute(deals.touches, deals.outcomes)
    >>> credited = result.by_channel().sum() + result.unattributed_value
    >>> bool(np.isclose(credited, deals.amount[deals.outcomes.converted].sum()))
    True
    """
    check_channel(channel)
    if not lookback_days >= 0:
        msg = f"lookback_days={lookback_days!r} must be >= 0"
        raise InvalidValueError(msg)
    deals, interactions = base.tables.opportunities, base.tables.interactions
    when = interactions.column("occurred_at")
    end_of_data = int(when.max()) if len(when) else 0
    horizon = end_of_data if as_of is None else as_of
    created, closed = deals.column("created_at"), deals.column("closed_at")
    deal, row = _in_window(base, lookback_days=lookback_days, horizon=horizon)
    codes, labels = channel_codes(interactions.column(channel), interactions.categories[channel])
    won = (np.asarray(deals.labels("outcome"), dtype=object) == "won") & (closed <= horizon)
    amount = np.nan_to_num(deals.column("amount"), nan=0.0)
    return DealJourneys(
        touches=Touches(journey=deal, at=when[row], channel=codes[row], channels=labels),
        outcomes=Outcomes(
            converted=won,
            value=np.where(won, amount, 0.0),
            at=np.where(won, closed, NAT),
            opportunity_at=created,
        ),
        interaction=row,
        amount=amount,
    )


def _in_window(base: CustomerBase, *, lookback_days: float, horizon: int) -> tuple[Ints, Ints]:
    """(deal, interaction) pairs of committee touches inside each deal's window."""
    deals = base.tables.opportunities
    when = base.tables.interactions.column("occurred_at")
    created, closed = deals.column("created_at"), deals.column("closed_at")
    opens = np.where(created != NAT, created - int(lookback_days * _DAY_NS), NAT)
    closes = np.where(closed != NAT, np.minimum(closed, horizon), horizon)
    pairs = _committee_touches(base)
    at = when[pairs.interaction]
    inside = (at >= opens[pairs.deal]) & (at <= closes[pairs.deal])
    inside &= created[pairs.deal] != NAT
    return pairs.deal[inside], pairs.interaction[inside]


@attrs.frozen
class _Pairs:
    deal: Ints
    interaction: Ints


def _committee_touches(base: CustomerBase) -> _Pairs:
    """Every (deal, interaction) pair where the interaction's contact is on the deal."""
    roles = base.tables.contact_roles
    members = pd.DataFrame(
        {"deal": roles.column("opportunity"), "contact": roles.column("contact")}
    )
    members = members[(members.deal >= 0) & (members.contact >= 0)].drop_duplicates()
    contact = base.tables.interactions.column("contact")
    rows = np.flatnonzero(contact >= 0)
    activity = pd.DataFrame({"contact": contact[rows], "interaction": rows})
    joined = members.merge(activity, on="contact", how="inner")
    return _Pairs(
        deal=joined["deal"].to_numpy(dtype=np.int64),
        interaction=joined["interaction"].to_numpy(dtype=np.int64),
    )


def check_channel(channel: str) -> None:
    """Reject a ``channel`` that names no categorical interaction column we code from."""
    if channel not in ("channel", "type", "campaign", "discipline"):
        msg = f"channel={channel!r} must be one of: channel, type, campaign, discipline"
        raise InvalidValueError(msg)


def channel_codes(
    raw: npt.NDArray[np.int32], labels: tuple[str, ...]
) -> tuple[Ints, tuple[str, ...]]:
    codes = np.asarray(raw, dtype=np.int64)
    if np.any(codes < 0):
        return np.where(codes < 0, len(labels), codes), (*labels, _UNKNOWN)
    return codes, tuple(labels)


def influence(touches: Touches, value: npt.NDArray[np.float64]) -> pd.DataFrame:
    """Journeys and value each channel touched: pipeline or revenue *influenced*.

    A journey counts once for every channel that touched it, so influenced values
    overlap and add up to more than the total; use an attribution method for shares.

    Examples
    --------
    >>> touches = Touches(journey=[0, 0, 1], at=[1, 2, 1], channel=[0, 1, 0],
    ...                   channels=("email", "event"))
    >>> influence(touches, np.array([100.0, 50.0])).to_dict("list")
    {'channel': ['email', 'event'], 'journeys': [2, 1], 'value': [150.0, 100.0]}
    """
    k = len(touches.channels)
    pairs = np.unique(touches.journey * k + touches.channel)
    journey, channel = pairs // k, pairs % k
    counts = np.bincount(channel, minlength=k)
    totals = np.bincount(channel, weights=np.asarray(value, float)[journey], minlength=k)
    return pd.DataFrame({"channel": list(touches.channels), "journeys": counts, "value": totals})
