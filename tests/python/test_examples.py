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


def test_a_client_id_in_the_settings_form_shape_is_not_the_gateways_merchant_id(http: TestClient) -> None:
    answer = register(http, client_id="AB-1234-5678", secret="secret")
    assert answer.status_code == 400, answer.text
    body = answer.json()
    assert (body["code"], body["field"]) == ("MYPOS_CONFIG", "client_id")
    assert "cli_" in body["detail"]


def test_enable_api_off_stops_checkout_and_on_lets_it_through(http: TestClient) -> None:
    merchant = register(http).json()
    assert merchant["api_enabled"] is True
    device = http.get(f"/merchants/{merchant['id']}/devices").json()["devices"][0]
    assert http.patch(f"/merchants/{merchant['id']}", json={"enable_api": False}).json()["api_enabled"] is False
    payment = {"terminal_id": device["terminal_id"], "amount": 1500, "booking_id": "booking-7"}
    assert http.post(f"/merchants/{merchant['id']}/payments", json=payment).status_code == 409
    http.patch(f"/merchants/{merchant['id']}", json={"enable_api": True})
    assert http.post(f"/merchants/{merchant['id']}/payments", json=payment).status_code == 201


def test_devices_are_added_disabled_enabled_and_removed(http: TestClient, app: Any) -> None:
    merchant = register(http).json()
    devices = f"/merchants/{merchant['id']}/devices"
    added = http.post(devices)
    assert added.status_code == 201, added.text
    terminal_id = added.json()["terminal_id"]
    assert added.json()["enabled"] is True and len(added.json()["activation_code"]) == 6
    assert terminal_id in [d["terminal_id"] for d in http.get(devices).json()["devices"]]

    assert http.patch(f"{devices}/{terminal_id}", json={"enabled": False}).json() == {"terminal_id": terminal_id, "enabled": False}
    listed = next(d for d in http.get(devices).json()["devices"] if d["terminal_id"] == terminal_id)
    assert listed["enabled"] is False
    payment = {"terminal_id": terminal_id, "amount": 1500, "booking_id": "booking-8"}
    assert http.post(f"/merchants/{merchant['id']}/payments", json=payment).status_code == 409
    http.patch(f"{devices}/{terminal_id}", json={"enabled": True})
    started = http.post(f"/merchants/{merchant['id']}/payments", json=payment)
    assert started.status_code == 201, started.text
    app.state.sandbox.approve_payment(started.json()["payment_id"])  # the device is idle again

    seeded = next(d for d in http.get(devices).json()["devices"] if d["terminal_id"] != terminal_id)
    assert http.delete(f"{devices}/{seeded['terminal_id']}").status_code == 409
    assert http.delete(f"{devices}/{terminal_id}").status_code == 204
    assert http.delete(f"{devices}/{terminal_id}").status_code == 409
    retired = http.post(f"/merchants/{merchant['id']}/payments", json={**payment, "booking_id": "booking-9"})
    assert retired.status_code == 409  # myPOS: the terminal is out of service


def test_monitors_transaction_status(http: TestClient) -> None:
    merchant = register(http).json()
    answer = http.get(f"/merchants/{merchant['id']}/transactions")
    assert answer.status_code == 200, answer.text
    assert isinstance(answer.json()["items"], list)


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
