"""The service example (examples/service.py): every endpoint, with good and bad input."""

import importlib.util
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd
import pytest

import customer_understanding as cu
from customer_understanding.datasets import generate_world

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
with warnings.catch_warnings():  # newer Starlette prefers httpx2 for its test client
    warnings.filterwarnings("ignore", message=".*httpx2")
    from fastapi.testclient import TestClient

EXAMPLE = Path(__file__).parents[1] / "examples" / "service.py"


def _example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("service_example", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # pydantic resolves the request models through it
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store in which two contacts were joined by a steward, so one id is an alias."""
    world = generate_world(accounts=15, interactions=1_500, seed=2, defects=False)
    path = tmp_path_factory.mktemp("service") / "customers.db"
    base = cu.CustomerBase.build(world.as_sources(), store=path)
    first, second = base.to_pandas("contacts")["contact_id"].iloc[:2]
    base.must_link(first, second, actor="steward", reason="same person")
    cu.CustomerBase.build(world.as_sources(), store=path)
    return path


@pytest.fixture(scope="module")
def client(store: Path) -> Iterator[TestClient]:
    with TestClient(_example().create_app(store)) as client:
        yield client


@pytest.fixture(scope="module")
def known(store: Path) -> pd.Series:
    contacts = cu.CustomerBase.open(store).to_pandas("contacts")
    people = contacts.dropna(subset=["email", "last_name", "account_id"])
    return people[~people["email"].str.startswith(("info@", "team@", "sales@"))].iloc[0]


def _lead(person: pd.Series, **changes: Any) -> dict[str, Any]:
    return {
        "Id": "WEB-1",
        "Email": person["email"].upper(),
        "FirstName": person["first_name"],
        "LastName": person["last_name"],
        **changes,
    }


def test_account_view(client: TestClient, known: pd.Series) -> None:
    answer = client.get(f"/accounts/{known['account_id']}")
    assert answer.status_code == 200
    body = answer.json()
    assert body["account_id"] == known["account_id"]
    assert body["account"]["id"] == known["account_id"]
    assert "score_engagement" in body["summary"]
    assert "note" not in body


def test_contact_scores_with_reasons(client: TestClient, known: pd.Series) -> None:
    body = client.get(f"/contacts/{known['contact_id']}/scores").json()
    assert body["contact_id"] == known["contact_id"]
    assert set(body["scores"]) == {"engagement", "lead"}
    lead = body["scores"]["lead"]
    assert lead["score"] == pytest.approx(sum(r["contribution"] for r in lead["reasons"]))


def test_unknown_ids_are_404_with_the_library_message(client: TestClient) -> None:
    answer = client.get("/accounts/acc_nobody")
    assert answer.status_code == 404
    assert answer.json()["detail"] == "account_id='acc_nobody' is not in the customer base"
    assert client.get("/contacts/con_nobody/scores").status_code == 404


def test_a_merged_id_answers_with_the_survivor_and_a_note(client: TestClient, store: Path) -> None:
    base = cu.CustomerBase.open(store)
    merges = base.events().query("action == 'merge' and level == 'contact'")
    ids = [*merges["entity_id"], *merges["other_id"]]
    merged = next(i for i in ids if isinstance(i, str) and base.survivor(i) != i)
    body = client.get(f"/contacts/{merged}/scores").json()
    assert body["contact_id"] == base.survivor(merged)
    assert body["requested_id"] == merged
    assert "merged into" in body["note"]


def test_bad_input_is_422(client: TestClient, known: pd.Series) -> None:
    assert client.post("/leads/match", json={"record": "nope"}).status_code == 422
    assert client.post("/leads/match", json={}).status_code == 422
    answer = client.post("/leads/match", json={"record": {"Id": "1"}, "mapping": "no.such"})
    assert answer.status_code == 422
    assert "no.such" in answer.json()["detail"]
    answer = client.get(f"/contacts/{known['contact_id']}/scores", params={"as_of": "soonish"})
    assert answer.status_code == 422
    assert "as_of='soonish'" in answer.json()["detail"]


def test_match_names_the_contact_and_account(client: TestClient, known: pd.Series) -> None:
    body = client.post("/leads/match", json={"record": _lead(known)}).json()
    assert body["contact_id"] == known["contact_id"]
    assert body["account"]["account_id"] == known["account_id"]
    assert body["evidence"][0]["comparison"] == "prior"
    assert body["candidates"][0]["band"] == "link"


def test_a_newcomer_at_a_known_domain_gets_the_account(client: TestClient, store: Path) -> None:
    accounts = cu.CustomerBase.open(store).to_pandas("accounts").dropna(subset=["domain"])
    account = accounts.iloc[0]
    domain = account["domain"]
    newcomer = {
        "Id": "WEB-9",
        "Email": f"zed.quorra@{domain}",
        "FirstName": "Zed",
        "LastName": "Quorra",
    }
    body = client.post("/leads/match", json={"record": newcomer}).json()
    assert body["contact_id"] is None
    assert body["account"] == {
        "account_id": account["account_id"],
        "method": "domain",
        "confidence": pytest.approx(body["account"]["confidence"]),
    }


def test_add_writes_the_lead_and_then_matches_it(client: TestClient, store: Path) -> None:
    newcomer = {
        "Id": "WEB-7",
        "Email": "ivo.ranft@nowhere.example",
        "FirstName": "Ivo",
        "LastName": "Ranft",
    }
    added = client.post("/leads", json={"record": newcomer, "actor": "test", "reason": "form"})
    assert added.status_code == 201
    assert added.json()["joined"] is False
    again = client.post("/leads/match", json={"record": newcomer}).json()
    assert again["contact_id"] == added.json()["contact_id"]
    assert cu.CustomerBase.open(store).events()["action"].iloc[-1] == "add"
    twice = client.post("/leads", json={"record": newcomer})
    assert twice.status_code == 422
    assert "already in the customer base" in twice.json()["detail"]


def test_the_example_runs_as_a_script(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    module = _example()
    monkeypatch.setattr(sys, "argv", [str(EXAMPLE)])
    module.main()
    out = capsys.readouterr().out
    for line in ("-> 200", "-> 201", "-> 404", "-> 422"):
        assert line in out
