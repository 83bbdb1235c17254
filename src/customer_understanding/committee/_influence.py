"""Committee influence from the evidence the exports carry, with the evidence named.

Three kinds of evidence, each worth at most 1 point per member:

- **seniority** (stated by an export, or read from the title at build): C-level 1, VP
  0.8, director 0.6, manager 0.4, individual contributor 0.2, times its confidence;
- **a declared deal role** (an opportunity contact role in the CRM): economic buyer 1,
  decision maker 0.9, champion 0.8, blocker 0.6, technical evaluator, procurement and
  influencer 0.5, user 0.2. Roles inferred from titles add nothing here: they come from
  the same title as the seniority and would count it twice;
- **links**: the member's recency-weighted shared occasions (threads, meetings, demos,
  calls and webinars) relative to the best-linked member of the same committee.

A member's influence is its points as a share of its committee's points, so the shares
of a committee add up to 1. A committee where nobody has any evidence gets no influence
(NaN) rather than an equal split that would look like a finding.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["ROLE_WEIGHTS", "SENIORITY_WEIGHTS", "influence_from_evidence", "weighted_degree"]

SENIORITY_WEIGHTS = {"c_level": 1.0, "vp": 0.8, "director": 0.6, "manager": 0.4,
                     "individual": 0.2}  # fmt: skip
ROLE_WEIGHTS = {"economic_buyer": 1.0, "decision_maker": 0.9, "champion": 0.8, "blocker": 0.6,
                "technical_evaluator": 0.5, "procurement": 0.5, "influencer": 0.5,
                "user": 0.2}  # fmt: skip

Floats = npt.NDArray[np.float64]
Objects = npt.NDArray[np.object_]


def weighted_degree(edges: pd.DataFrame, contacts: int) -> Floats:
    """Each contact row's summed link weight.

    Examples
    --------
    >>> edges = pd.DataFrame({"a": [0.0, 1.0], "b": [1.0, 2.0], "weight": [1.0, 0.5]})
    >>> weighted_degree(edges, 3).tolist()
    [1.0, 1.5, 0.5]
    """
    degree = np.zeros(contacts)
    if len(edges):
        ends = np.concatenate([edges["a"].to_numpy(), edges["b"].to_numpy()]).astype(np.int64)
        np.add.at(degree, ends, np.concatenate([edges["weight"].to_numpy()] * 2))
    return degree


def _per_account_max(values: Floats, account: npt.NDArray[np.int64]) -> Floats:
    member = account >= 0
    slot = np.maximum(account, 0)
    best = np.zeros(slot.max(initial=0) + 1)
    np.maximum.at(best, slot[member], values[member])
    return best[slot]


def _points(table: dict[str, float], labels: Objects) -> Floats:
    return np.array([table.get(label, 0.0) if label else 0.0 for label in labels], dtype=float)


def _evidence(parts: tuple[Objects, Objects, Floats, Floats, Floats]) -> Objects:
    seniority, role, s, r, link = parts
    out = []
    for level, declared, s_pts, r_pts, l_pts in zip(seniority, role, s, r, link, strict=True):
        said = [f"seniority {level} {s_pts:.2f}"] if s_pts > 0 else []
        said += [f"declared {declared} {r_pts:.2f}"] if r_pts > 0 else []
        said += [f"links {l_pts:.2f}"] if l_pts > 0 else []
        out.append("; ".join(said) or None)
    return np.array(out, dtype=object)


def influence_from_evidence(
    account: npt.NDArray[np.int64],
    *,
    seniority: Objects,
    seniority_confidence: Floats,
    declared_role: Objects,
    degree: Floats,
) -> tuple[Floats, Objects]:
    """Each contact row's influence in its committee, and the evidence behind it.

    ``account`` holds the committee (account row) of every contact row, ``-1`` outside
    any committee (influence NaN there). ``declared_role`` is ``None`` where no role
    was declared on a deal.

    Examples
    --------
    >>> share, why = influence_from_evidence(
    ...     np.array([0, 0, 1]), seniority=np.array(["c_level", "individual", None]),
    ...     seniority_confidence=np.array([0.9, 0.75, np.nan]),
    ...     declared_role=np.array([None, "champion", None]), degree=np.zeros(3))
    >>> share.round(2).tolist()
    [0.49, 0.51, nan]
    >>> why[1]
    'seniority individual 0.15; declared champion 0.80'
    """
    s = _points(SENIORITY_WEIGHTS, seniority) * np.nan_to_num(seniority_confidence)
    r = _points(ROLE_WEIGHTS, declared_role)
    best = _per_account_max(degree, account)
    with np.errstate(invalid="ignore", divide="ignore"):
        link = np.where(best > 0, degree / best, 0.0)
    member = account >= 0
    points = np.where(member, s + r + link, 0.0)
    slot = np.maximum(account, 0)
    total = np.bincount(slot[member], weights=points[member], minlength=slot.max(initial=0) + 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(member & (total[slot] > 0), points / total[slot], np.nan)
    return share, _evidence((seniority, declared_role, s, r, link))
