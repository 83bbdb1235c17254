"""A small HTTP service over a stored customer base (FastAPI; ``pip install '.[service]'``).

It opens the store once per process and answers:

- ``GET /accounts/{account_id}``: the account view (profile, traits, engagement score
  with its reasons, buying committee, signals, latest touches);
- ``GET /contacts/{contact_id}/scores``: the contact's engagement and lead scores, each
  with the reasons that add up to it;
- ``POST /leads/match``: which contact and account a new incoming lead belongs to, with
  the match evidence, writing nothing;
- ``POST /leads``: the same lead added to the store (it joins the contact it matches or
  becomes a new one with a new stable id).

An unknown id answers 404 with the library's message, bad input 422, an id merged into
another entity the survivor's data with a note naming both ids.

``python examples/service.py`` builds a small store from the sample data in a temporary
folder, calls every endpoint in-process and prints the answers;
``python examples/service.py --serve STORE`` serves a store you built with uvicorn.
"""

import argparse
import gc
import json
import tempfile
import threading
import warnings
from collections.abc import Iterator
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

import customer_understanding as cu
from customer_understanding.scoring import EngagementScorer, LeadScorer, ScoreTable
from customer_understanding.views import account_view


class Lead(BaseModel):
    """An incoming lead: one record in an export's shape and the preset that reads it."""

    record: dict[str, Any] = Field(description="The lead's fields as the export names them.")
    mapping: str = Field(default="salesforce.Lead", description="The export's preset.")
    source: str = Field(default="web", description="Where the lead came from.")


class NewLead(Lead):
    """A lead to add, with who adds it and why (both go to the store's event log)."""

    actor: str | None = None
    reason: str | None = None


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame as JSON-ready rows (missing values as null, times as ISO 8601 text)."""
    rows: list[dict[str, Any]] = json.loads(frame.to_json(orient="records", date_format="iso"))
    return rows


class Customers:
    """What one process holds: the opened base, and the scores computed from it."""

    def __init__(self, store: Path, *, freeze: bool = False) -> None:
        self.store = store
        self.base = cu.CustomerBase.open(store)
        if freeze:
            # The base lives as long as the process: freeze it out of the collector's
            # full passes, which would otherwise walk all of it now and then, mid-request.
            gc.collect()
            gc.freeze()
        # One writer per store, but a process answers requests on several threads: the
        # base's online index is built on first use and grows with every add.
        self.lock = threading.Lock()

    @cached_property
    def accounts(self) -> cu.identity.PreparedAccounts:
        """The accounts prepared once for matching leads to them (the base is read-only here)."""
        frame = self.base.to_pandas("accounts").rename(columns={"account_id": "id"})
        return cu.identity.LeadToAccount().prepare(frame)

    @lru_cache(maxsize=8)  # noqa: B019 - one Customers per process, kept for its lifetime
    def scores(self, level: str, as_of: str | None) -> dict[str, ScoreTable]:
        """The score tables of one level, computed once per moment and kept."""
        if level == "account":
            return {"engagement": EngagementScorer(level="account").score(self.base, as_of=as_of)}
        return {
            "engagement": EngagementScorer(level="contact").score(self.base, as_of=as_of),
            "lead": LeadScorer().score(self.base, as_of=as_of),
        }

    def current(self, entity_id: str) -> tuple[str, dict[str, Any]]:
        """The id an entity has now, and a note when ``entity_id`` was merged into it."""
        survivor = self.base.survivor(entity_id)
        if survivor == entity_id:
            return entity_id, {}
        return survivor, {
            "requested_id": entity_id,
            "note": f"{entity_id} was merged into {survivor}; keep {survivor}",
        }


def _account(customers: Customers, account_id: str, as_of: str | None) -> dict[str, Any]:
    account_id, note = customers.current(account_id)
    scores = customers.scores("account", as_of)
    view = account_view(customers.base, account_id, as_of=as_of, scores=scores)
    return {
        "account_id": account_id,
        **note,
        "as_of": view.as_of.isoformat(),
        "account": view.account.to_dict(),
        "summary": _records(view.to_pandas())[0],
        "score_reasons": {name: list(why) for name, why in view.score_reasons.items()},
        "committee": _records(view.committee.members),
        "signals": [
            {
                "kind": s.kind,
                "discipline": str(s.discipline),
                "priority": s.priority,
                "reasons": list(s.reasons),
            }
            for s in view.signals
        ],
        "latest_touches": _records(view.timeline.tail(5)),
    }


def _contact_scores(customers: Customers, contact_id: str, as_of: str | None) -> dict[str, Any]:
    contact_id, note = customers.current(contact_id)
    contact = customers.base.contact(contact_id)  # 404 for an unknown id
    answer: dict[str, Any] = {
        "contact_id": contact_id,
        **note,
        "name": contact.name,
        "account_id": contact.account_id,
        "scores": {},
    }
    for name, table in customers.scores("contact", as_of).items():
        row = table.row_of(contact_id)
        answer["as_of"] = table.as_of.isoformat()
        answer["scores"][name] = {
            "score": float(table.score[row]),
            "grade": table.labels()[row],
            "reasons": _records(table.top_reasons(contact_id, n=max(1, len(table.reasons)))),
        }
    return answer


def _account_of_lead(customers: Customers, found: cu.base.CandidateMatches) -> dict[str, Any]:
    """The lead's account: its matched contact's, else the employer its e-mail or company names."""
    if found.best is not None:
        try:
            account_id = customers.base.contact(found.best).account_id
        except cu.NotFoundError:  # merged away or erased since this process opened the store
            account_id = None
        if account_id is not None:
            return {"account_id": account_id, "method": "the matched contact's account"}
    typed = dict(zip(found.comparisons, found.incoming.tolist(), strict=True))
    lead = pd.DataFrame(
        [{"id": "lead", "email": typed.get("email"), "company": typed.get("employer")}]
    )
    with customers.lock:
        accounts = customers.accounts
    matched = cu.identity.LeadToAccount().match(lead, accounts).to_pandas().iloc[0]
    return {
        "account_id": matched["account_id"],
        "method": matched["method"],
        "confidence": float(matched["confidence"]),
    }


def _match(customers: Customers, lead: Lead) -> dict[str, Any]:
    with customers.lock:
        found = customers.base.match(lead.record, mapping=lead.mapping, source=lead.source)
    candidates = _records(found.to_pandas().head(5))
    evidence = [] if found.best is None else _records(found.evidence(found.best))
    return {
        "contact_id": found.best,
        "candidates": candidates,
        "evidence": evidence,
        "account": _account_of_lead(customers, found),
    }


def create_app(store: Path, *, freeze: bool = False) -> FastAPI:
    """The service over one store, opened here once for the life of the process.

    ``freeze`` takes the opened base out of the garbage collector's full passes (for a
    process that serves; a test leaves the collector alone).
    """
    customers = Customers(store, freeze=freeze)
    app = FastAPI(title="customer_understanding service")

    @app.exception_handler(cu.NotFoundError)
    def not_found(request: Request, error: cu.NotFoundError) -> JSONResponse:
        return JSONResponse(status_code=404, content={"detail": str(error)})

    @app.exception_handler(cu.UnknownNameError)  # an unknown preset, scorer or field
    @app.exception_handler(cu.InvalidValueError)
    def invalid(request: Request, error: Exception) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": str(error)})

    @app.exception_handler(cu.StoreError)
    def busy(request: Request, error: cu.StoreError) -> JSONResponse:
        return JSONResponse(status_code=503, content={"detail": str(error)})

    @app.get("/accounts/{account_id}")
    def get_account(account_id: str, as_of: str | None = Query(default=None)) -> dict[str, Any]:
        return _account(customers, account_id, as_of)

    @app.get("/contacts/{contact_id}/scores")
    def get_scores(contact_id: str, as_of: str | None = Query(default=None)) -> dict[str, Any]:
        return _contact_scores(customers, contact_id, as_of)

    @app.post("/leads/match")
    def match_lead(lead: Lead) -> dict[str, Any]:
        return _match(customers, lead)

    @app.post("/leads", status_code=201)
    def add_lead(lead: NewLead) -> dict[str, Any]:
        with customers.lock:
            found = customers.base.match(lead.record, mapping=lead.mapping, source=lead.source)
            contact_id = customers.base.add(
                lead.record,
                mapping=lead.mapping,
                source=lead.source,
                actor=lead.actor,
                reason=lead.reason,
            )
        return {"contact_id": contact_id, "joined": found.best is not None}

    return app


def _sample_store(folder: Path) -> Path:
    """A small store built from the sample data."""
    from customer_understanding.datasets import generate_world

    world = generate_world(accounts=30, interactions=3_000, seed=4)
    path = folder / "customers.db"
    cu.CustomerBase.build(world.as_sources(), policy="lenient", store=path, actor="example")
    return path


def _tour(store: Path) -> Iterator[tuple[str, int, Any]]:
    """Call every endpoint once with good input and once with bad input."""
    with warnings.catch_warnings():  # newer Starlette prefers httpx2 for its test client
        warnings.filterwarnings("ignore", message=".*httpx2")
        from fastapi.testclient import TestClient

    base = cu.CustomerBase.open(store)
    contacts = base.to_pandas("contacts").dropna(subset=["email", "last_name", "account_id"])
    known = contacts[~contacts["email"].str.startswith(("info@", "team@", "sales@"))].iloc[0]
    lead = {
        "Id": "WEB-1",
        "Email": known["email"].upper(),
        "FirstName": known["first_name"],
        "LastName": known["last_name"],
    }
    domain = known["email"].split("@")[1]
    newcomer = {
        "Id": "WEB-2",
        "Email": f"noor.vasquez-lind@{domain}",
        "FirstName": "Noor",
        "LastName": "Vasquez-Lind",
    }
    with TestClient(create_app(store)) as client:
        calls = [
            ("GET", f"/accounts/{known['account_id']}", None),
            ("GET", f"/contacts/{known['contact_id']}/scores", None),
            ("POST", "/leads/match", {"record": lead}),
            ("POST", "/leads/match", {"record": newcomer}),
            ("POST", "/leads", {"record": newcomer, "actor": "example", "reason": "web form"}),
            ("GET", "/accounts/acc_unknown", None),
            ("POST", "/leads/match", {"record": "not a record"}),
            ("GET", f"/contacts/{known['contact_id']}/scores?as_of=yesterday-ish", None),
        ]
        for method, url, body in calls:
            answer = client.request(method, url, json=body)
            yield f"{method} {url}", answer.status_code, answer.json()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", metavar="STORE", type=Path, help="serve this store")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    options = parser.parse_args()
    if options.serve is not None:
        import uvicorn

        uvicorn.run(create_app(options.serve, freeze=True), host=options.host, port=options.port)
        return
    with tempfile.TemporaryDirectory() as folder:
        for call, status, body in _tour(_sample_store(Path(folder))):
            print(f"== {call} -> {status}")
            print(json.dumps(body, indent=2, default=str)[:1_500])


if __name__ == "__main__":
    main()
