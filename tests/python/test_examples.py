"""The FastAPI booking-app example (examples/python/booking_app.py), driven over HTTP."""

from __future__ import annotations

import importlib.util
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mypos.testing import SANDBOX_CREDENTIALS, Sandbox

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "python" / "booking_app.py"
SEEDED = SANDBOX_CREDENTIALS["merchant"]


def load_example() -> ModuleType:
    """A fresh copy of the example module: its own FastAPI app and state."""
    spec = importlib.util.spec_from_file_location("booking_app", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses and pydantic look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.delenv("MYPOS_CLIENT_ID", raising=False)  # → the in-process sandbox
    yield load_example().app


@pytest.fixture
def http(app: Any) -> Iterator[TestClient]:
    with TestClient(app) as client:  # runs the lifespan: gateway and sandbox up, then down
        yield client


def register(http: TestClient, client_id: str = SEEDED["client_id"], secret: str = SEEDED["client_secret"]) -> Any:
    return http.post("/merchants", json={"name": "Salon Ana", "client_id": client_id, "client_secret": secret})


def test_registers_and_verifies_a_merchant_without_echoing_its_secret(http: TestClient) -> None:
    answer = register(http)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["verified"] is True
    assert body["client_id"] == "cli_sandbox"
    assert body["id"].startswith("m_")
    assert "sec_sandbox" not in answer.text
    assert http.get(f"/merchants/{body['id']}").json() == {k: v for k, v in body.items() if k != "verified"}


def test_wrong_credentials_are_a_400_with_the_sdk_message(http: TestClient, app: Any) -> None:
    answer = register(http, secret="sec_typo")
    assert answer.status_code == 400, answer.text
    body = answer.json()
    assert body["code"] == "MYPOS_AUTH"
    assert "check the client id and secret" in body["detail"]
    assert "sec_typo" not in answer.text
    assert app.state.merchants == {}  # not stored


def test_malformed_credentials_name_the_field(http: TestClient) -> None:
    answer = register(http, client_id="salon-ana")
    assert answer.status_code == 400, answer.text
    assert answer.json()["code"] == "MYPOS_CONFIG"
    assert answer.json()["field"] == "client_id"


def test_unknown_merchant_is_a_404(http: TestClient) -> None:
    assert http.get("/merchants/m_nobody/devices").status_code == 404


def test_lists_devices(http: TestClient, app: Any) -> None:
    merchant = register(http).json()
    answer = http.get(f"/merchants/{merchant['id']}/devices")
    assert answer.status_code == 200, answer.text
    devices = answer.json()["devices"]
    assert [d["model"] for d in devices] == ["GO2", "SIGMA", "PRO"]
    assert all(len(d["terminal_id"]) == 8 for d in devices)


def test_takes_a_payment_on_a_terminal_and_polls_it_to_success(http: TestClient, app: Any) -> None:
    merchant = register(http).json()
    terminal = http.get(f"/merchants/{merchant['id']}/devices").json()["devices"][0]["terminal_id"]
    started = http.post(
        f"/merchants/{merchant['id']}/payments",
        json={"terminal_id": terminal, "amount": 2500, "currency": "EUR", "booking_id": "booking-42"},
    )
    assert started.status_code == 201, started.text
    payment = started.json()
    assert payment["status"] == "InProgress"
    assert payment["amount"]["value"] == 2500
    assert payment["reference_number"] == "booking-42"

    poll = f"/merchants/{merchant['id']}/payments/{payment['payment_id']}"
    assert http.get(poll).json()["status"] == "InProgress"
    app.state.sandbox.approve_payment(payment["payment_id"])  # the client taps a card
    deadline = time.monotonic() + 10
    while (status := http.get(poll).json()["status"]) == "InProgress" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert status == "Success"


def test_payment_errors_map_to_http_answers(http: TestClient, app: Any) -> None:
    merchant = register(http).json()
    payments = f"/merchants/{merchant['id']}/payments"
    assert http.post(payments, json={"terminal_id": "x", "amount": 0}).status_code == 422  # FastAPI's own check
    missing = http.get(f"{payments}/000000000000000000000000")
    assert missing.status_code == 404 and missing.json()["code"] == "MYPOS_NOT_FOUND"
    app.state.sandbox.inject_fault("/epos/v1/payments/*", status=503, method="GET", count=10)
    down = http.get(f"{payments}/000000000000000000000000")
    assert down.status_code == 502 and down.json()["code"] == "MYPOS_SERVER_ERROR"


def test_creates_a_payment_link(http: TestClient) -> None:
    merchant = register(http).json()
    links = f"/merchants/{merchant['id']}/payment-links"
    answer = http.post(links, json={"item_name": "Deposit: balayage", "price": "30.00", "currency": "EUR"})
    assert answer.status_code == 201, answer.text
    assert answer.json()["url"].startswith("https://")
    assert answer.json()["code"]
    refused = http.post(links, json={"item_name": "Deposit", "price": "30.00", "currency": "USD"})
    assert refused.status_code == 400 and "currency" in refused.json()["errors"]


def test_stops_its_sandbox_at_shutdown(app: Any) -> None:
    with TestClient(app):
        sandbox = app.state.sandbox
        assert sandbox.url.startswith("http://127.0.0.1:")
    with pytest.raises(RuntimeError):
        sandbox.url  # noqa: B018


def test_uses_the_gateway_the_environment_names(monkeypatch: pytest.MonkeyPatch, mypos_sandbox: Sandbox) -> None:
    external = mypos_sandbox  # stands in for the real gateway
    monkeypatch.setenv("MYPOS_GATEWAY_URL", external.url)
    monkeypatch.setenv("MYPOS_CLIENT_ID", SANDBOX_CREDENTIALS["integration"]["client_id"])
    monkeypatch.setenv("MYPOS_CLIENT_SECRET", SANDBOX_CREDENTIALS["integration"]["client_secret"])
    monkeypatch.setenv("MYPOS_PARTNER_ID", SANDBOX_CREDENTIALS["partner_id"])
    monkeypatch.setenv("MYPOS_APPLICATION_ID", SANDBOX_CREDENTIALS["application_id"])
    app = load_example().app
    with TestClient(app) as http:
        assert register(http).status_code == 201
        assert app.state.sandbox is None
    assert external.count("GET", "/pos/v1/terminals") == 1
