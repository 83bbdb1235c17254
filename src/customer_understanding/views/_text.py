"""The plain-text rendering of an account view."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from customer_understanding.views._account_view import AccountView

__all__ = ["SHOWN_TRAITS", "influence_text", "render_text", "shown_traits"]

#: The standard traits an account view shows, in order.
SHOWN_TRAITS = (
    "lifecycle_stage", "open_tickets", "open_p1_tickets", "satisfaction",
    "days_since_sales_touch", "active_users_30d", "seats", "seat_utilisation", "features_30d",
    "web_visits_14d", "open_deals", "won_deals",
)  # fmt: skip


def influence_text(value: Any) -> str:
    """A member's influence to two decimals, ``-`` when the exports hold no evidence (NaN)."""
    number = float(value)
    return "-" if math.isnan(number) else f"{number:.2f}"


def shown_traits(view: AccountView) -> list[tuple[str, str]]:
    """The traits worth showing, formatted (``-`` for unknown)."""
    shown = []
    for name in SHOWN_TRAITS:
        value = view.traits.get(name)
        if isinstance(value, float) and not math.isnan(value):
            text = f"{value:.2g}" if name == "seat_utilisation" else f"{value:g}"
        else:
            text = value if isinstance(value, str) else "-"
        shown.append((name, text))
    return shown


def _text(value: object, missing: str) -> str:
    return value if isinstance(value, str) and value else missing


def render_text(view: AccountView, *, timeline_rows: int) -> str:
    """Render the view as lines of text."""
    account = view.account
    lines = [
        f"{account.name or account.id} ({account.id}) — owner {account.owner or 'none'}, "
        f"as of {view.as_of.datetime.date().isoformat()}",
        f"domain {account.domain or '-'}; industry {account.industry or '-'}; "
        f"{len(account.sources)} source records",
        "traits: " + ", ".join(f"{name} {text}" for name, text in shown_traits(view)),
    ]
    for name, score in view.scores.items():
        why = view.score_reasons.get(name, ())
        lines.append(f"score {name}: {score:g}" + (f" ({', '.join(why)})" if why else ""))
    if view.segments:
        lines.append("segments: " + ", ".join(f"{k}: {v}" for k, v in view.segments.items()))
    lines += _committee_lines(view)
    lines += ["", f"live signals ({len(view.signals)}):"]
    lines += [f"  P{s.priority} {s.kind} -> {s.discipline.value}"
              f"{' (' + s.contact_id + ')' if s.contact_id else ''}: {'; '.join(s.reasons)}"
              for s in view.signals] or ["  none"]  # fmt: skip
    lines += ["", f"latest of {len(view.timeline)} interactions:"]
    for row in view.timeline.tail(timeline_rows).to_dict("records"):
        when = pd.Timestamp(str(row["occurred_at"])).strftime("%Y-%m-%d")
        who = _text(row["contact_name"], "-")
        lines.append(f"  {when} {row['discipline']!s:<9} {row['type']!s:<16} {who:<22} "
                     f"{_text(row['subject'], '')}")  # fmt: skip
    return "\n".join(lines)


def _committee_lines(view: AccountView) -> list[str]:
    committee = view.committee
    lines = ["", f"buying committee: {len(committee.members)} people, coverage "
                 f"{committee.coverage:.0%}"]  # fmt: skip
    for member in committee.members.head(12).to_dict("records"):
        name = _text(member["name"], str(member["contact_id"]))
        role = _text(member["role"], "(no role)")
        title, source = _text(member["title"], "-"), _text(member["role_source"], "")
        shown = influence_text(member["influence"])
        lines.append(f"  {name:<24} {title:<34} {role:<20} {source:<9} influence {shown}")
    lines.append("gaps:")
    lines += [f"  - {gap.reason}" for gap in committee.gaps] or ["  none"]
    return lines
