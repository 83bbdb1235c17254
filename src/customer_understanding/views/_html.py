"""The notebook (HTML) rendering of an account view."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from customer_understanding.views._text import influence_text, shown_traits

if TYPE_CHECKING:
    from customer_understanding.views._account_view import AccountView

__all__ = ["render_html"]


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(view: AccountView, *, header: str = "") -> str:
    """Render the view as an HTML fragment for notebooks, below an optional ``header``."""
    account = view.account
    committee = view.committee
    members = [[str(m.name or m.contact_id), str(m.title or ""), str(m.role or ""),
                str(m.role_source or ""),
                influence_text(m.influence)]
               for m in committee.members.itertuples(index=False)]  # fmt: skip
    signals = [[f"P{s.priority}", s.kind, s.discipline.value, s.contact_id or "",
                "; ".join(s.reasons)] for s in view.signals]  # fmt: skip
    timeline = view.timeline
    latest = timeline.tail(15)
    touches = [[str(r.occurred_at)[:16], str(r.discipline), str(r.type),
                str(r.contact_name or ""), str(r.subject or "")]
               for r in latest.itertuples(index=False)]  # fmt: skip
    gaps = "".join(f"<li>{escape(gap.reason)}</li>" for gap in committee.gaps) or "<li>none</li>"
    traits = _table(["trait", "value"], [[name, text] for name, text in shown_traits(view)])
    judged = [[name, f"{score:g}", "; ".join(view.score_reasons.get(name, ()))]
              for name, score in view.scores.items()]  # fmt: skip
    judged += [[name, segment, "segment"] for name, segment in view.segments.items()]
    return "".join([
        f"<div><strong>{escape(header)}</strong></div>" if header else "",
        f"<div class='cu-account'><h3>{escape(account.name or account.id)}</h3>",
        f"<p>{escape(account.id)} · owner {escape(account.owner or 'none')} · as of "
        f"{view.as_of.datetime.date().isoformat()}</p>",
        traits,
        _table(["score or segmentation", "value", "why"], judged) if judged else "",
        f"<h4>Buying committee — coverage {committee.coverage:.0%}</h4>",
        _table(["name", "title", "role", "source", "influence"], members),
        f"<h4>Gaps</h4><ul>{gaps}</ul>",
        f"<h4>Live signals ({len(view.signals)})</h4>",
        _table(["priority", "kind", "to", "contact", "why"], signals),
        f"<h4>Latest interactions (of {len(timeline)})</h4>",
        _table(["when", "discipline", "type", "who", "subject"], touches),
        "</div>",
    ])  # fmt: skip
