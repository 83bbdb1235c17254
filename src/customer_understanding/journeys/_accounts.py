"""Account-based journeys: one journey per opportunity, built from its buying committee.

Every contact with a role on a deal is a committee member; each of their interactions
inside the deal's window counts as a touch of that deal's journey. The window opens
``lookback_days`` before the deal is created and closes when it closes (or at ``as_of``
while it is open): like every window of the library it holds the touches after its start
up to and including its end. A won deal is a conversion worth its amount, at its close
date, when that is not after ``as_of``. Renewals are left out unless asked for: a
renewal is earned by the product and the account team over a contract's year, not by
the touches in the months before it, and counting it would credit the channels that
happen to touch existing customers with recurring revenue.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import (
    DAY_NS,
    NAT,
    Moment,
    TableExport,
    html_table,
    known_by,
    summary,
    typed_fields,
)
from customer_understanding._errors import InvalidValueError
from customer_understanding.journeys._columns import (
    checked,
    column,
    floats,
    ints,
    is_a,
    moment_of,
    non_negative,
    objects,
    require,
)
from customer_understanding.journeys._paths import Outcomes, Touches, times
from customer_understanding.typing import AsOf

if TYPE_CHECKING:
    from customer_understanding.base import CustomerBase

__all__ = [
    "DealJourneys",
    "channel_codes",
    "check_channel",
    "deal_journeys",
    "follow_deals",
    "influence",
]

ChannelColumn = Literal["channel", "type", "campaign", "discipline"]
Ints = npt.NDArray[np.int64]
_UNKNOWN = "(unknown)"


@attrs.frozen(field_transformer=typed_fields, kw_only=True, repr=False)
class DealJourneys(TableExport):
    """Touches and outcomes of every opportunity as of a moment, ready for attribution.

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
    as_of
        The moment the journeys were followed up to.
    opportunity_id
        The id of each deal (``None`` when built by hand without ids).

    Examples
    --------
    >>> deals = DealJourneys(
    ...     touches=Touches(journey=[0], at=[5], channel=[0], channels=("email",)),
    ...     outcomes=Outcomes(converted=[True], value=[900.0]),
    ...     interaction=np.array([17]),
    ...     amount=np.array([900.0]),
    ...     as_of="2026-06-01",
    ...     opportunity_id=["o1"],
    ... )
    >>> deals
    DealJourneys: 1 row, as of 2026-06-01T00:00:00Z, won=1, touches=1
    >>> deals.to_pandas()[["opportunity_id", "won", "value", "touches"]].values.tolist()
    [['o1', True, 900.0, 1]]
    """

    touches: Touches = attrs.field(validator=is_a(Touches, "Touches"))
    outcomes: Outcomes = attrs.field(validator=is_a(Outcomes, "Outcomes"))
    interaction: Ints = attrs.field(converter=ints, validator=checked)
    amount: npt.NDArray[np.float64] = attrs.field(converter=floats, validator=checked)
    as_of: Moment = attrs.field(converter=moment_of)
    opportunity_id: npt.NDArray[np.object_] | None = attrs.field(
        default=None, converter=objects, validator=checked
    )

    def __attrs_post_init__(self) -> None:
        deals = len(self.outcomes)
        checks = (("interaction", len(self.interaction), len(self.touches), "touches"),
                  ("amount", len(self.amount), deals, "deals"),
                  ("opportunity_id", deals if self.opportunity_id is None
                   else len(self.opportunity_id), deals, "deals"))  # fmt: skip
        for name, size, expected, what in checks:
            if size != expected:
                msg = f"{name} has {size} values but there are {expected} {what}"
                raise InvalidValueError(msg)

    def __len__(self) -> int:
        """The number of deals."""
        return len(self.outcomes)

    def __repr__(self) -> str:
        won = int(self.outcomes.converted.sum())
        return summary("DealJourneys", len(self), as_of=self.as_of, won=won,
                       touches=len(self.touches))  # fmt: skip

    def _repr_html_(self) -> str:
        return html_table(repr(self), self.to_pandas())

    def to_pandas(self) -> pd.DataFrame:
        """One row per deal, as a new DataFrame.

        Columns: ``opportunity_id`` (``journey``, the deal's row, without ids),
        ``created_at``, ``won``, ``closed_at`` of a win, ``value`` (the won amount),
        ``amount`` and its number of ``touches``.
        """
        outcomes, size = self.outcomes, len(self)
        created = outcomes.opportunity_at
        who = ("journey", np.arange(size)) if self.opportunity_id is None else (
            "opportunity_id", self.opportunity_id)  # fmt: skip
        return pd.DataFrame({
            who[0]: who[1],
            "created_at": times(created if created is not None else np.full(size, NAT)),
            "won": outcomes.converted,
            "closed_at": times(outcomes.outcome_times),
            "value": outcomes.outcome_values,
            "amount": self.amount,
            "touches": np.bincount(self.touches.journey, minlength=size),
        })  # fmt: skip


def deal_journeys(
    base: CustomerBase,
    *,
    channel: ChannelColumn = "channel",
    lookback_days: float = 180.0,
    renewals: bool = False,
    as_of: AsOf = None,
) -> DealJourneys:
    """Build the account-based journey of every opportunity in ``base``, as of ``as_of``.

    ``channel`` names the interaction column whose categories become the channels (an
    interaction without one is coded ``(unknown)``). ``as_of`` takes any form of a
    moment (``None``: the latest event in ``base``); touches and wins after it are left
    out, one exactly at it counts. Deals of kind ``renewal`` have no journey unless
    ``renewals=True`` (new business, expansions and deals of no recorded kind always
    do).

    Raises
    ------
    InvalidValueError
        For an unknown ``channel``, a negative ``lookback_days``, a ``renewals`` that is
        not a bool, or an ``as_of`` that is no moment or before the first event.

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
    lookback = non_negative("lookback_days", lookback_days)
    given: object = renewals
    if not isinstance(given, bool):
        msg = f"renewals={given!r} must be True or False"
        raise InvalidValueError(msg)
    horizon = base.tables.moment(as_of)
    return follow_deals(base, channel=channel, lookback_days=lookback, horizon=horizon,
                        renewals=renewals)  # fmt: skip


def follow_deals(
    base: CustomerBase,
    *,
    channel: ChannelColumn,
    lookback_days: float,
    horizon: Moment,
    renewals: bool = False,
) -> DealJourneys:
    deals, interactions = base.tables.opportunities, base.tables.interactions
    when = interactions.column("occurred_at")
    followed = np.ones(len(deals), dtype=np.bool_)
    if not renewals:
        followed = np.asarray(deals.labels("kind"), dtype=object) != "renewal"
    kept = np.flatnonzero(followed)
    # Journeys are numbered over the followed deals alone.
    journey_of = np.full(len(deals), -1, dtype=np.int64)
    journey_of[kept] = np.arange(len(kept))
    created, closed = deals.column("created_at")[kept], deals.column("closed_at")[kept]
    deal, row = _in_window(base, lookback_days=lookback_days, horizon=horizon)
    deal = journey_of[deal]
    row, deal = row[deal >= 0], deal[deal >= 0]
    codes, labels = channel_codes(interactions.column(channel), interactions.categories[channel])
    outcome = np.asarray(deals.labels("outcome"), dtype=object)[kept]
    won = (outcome == "won") & known_by(closed, horizon)
    amount = np.nan_to_num(deals.column("amount"), nan=0.0)[kept]
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
        as_of=horizon,
        opportunity_id=_opportunity_ids(base)[kept],
    )


def _opportunity_ids(base: CustomerBase) -> npt.NDArray[np.object_]:
    """Every deal's id as the customer base spells it: ``<system>:<id there>``."""
    deals = base.tables.opportunities
    systems = pd.Series(deals.labels("system"), dtype=object)
    ids = systems + ":" + pd.Series(deals.column("source_id"), dtype=object)
    return ids.to_numpy(dtype=object)


def _in_window(base: CustomerBase, *, lookback_days: float, horizon: int) -> tuple[Ints, Ints]:
    """(deal, interaction) pairs of committee touches inside each deal's window."""
    deals = base.tables.opportunities
    when = base.tables.interactions.column("occurred_at")
    created, closed = deals.column("created_at"), deals.column("closed_at")
    opens = np.where(created != NAT, created - round(lookback_days * DAY_NS), NAT)
    closes = np.where(closed != NAT, np.minimum(closed, horizon), horizon)
    pairs = _committee_touches(base)
    at = when[pairs.interaction]
    # The boundary rule of every window (``_core.within``), with one window per deal:
    # after its start, up to and including its end.
    inside = (at > opens[pairs.deal]) & (at <= closes[pairs.deal])
    inside &= created[pairs.deal] != NAT
    return pairs.deal[inside], pairs.interaction[inside]


@attrs.frozen(field_transformer=typed_fields)
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
    if not isinstance(channel, str) or channel not in ("channel", "type", "campaign", "discipline"):
        msg = f"channel={channel!r} is not one of: 'channel', 'type', 'campaign', 'discipline'"
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
    require("touches", touches, Touches, "Touches")
    value = column("value", value, np.float64, "numbers")
    if len(touches) and len(value) <= int(touches.journey.max()):
        msg = (
            f"value has {len(value)} numbers but the touches reach journey {touches.journey.max()}"
        )
        raise InvalidValueError(msg)
    k = len(touches.channels)
    pairs = np.unique(touches.journey * k + touches.channel)
    journey, channel = pairs // k, pairs % k
    counts = np.bincount(channel, minlength=k)
    totals = np.bincount(channel, weights=value[journey], minlength=k)
    return pd.DataFrame({"channel": list(touches.channels), "journeys": counts, "value": totals})
