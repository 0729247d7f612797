"""The Django example (examples/django): its views through Django's test client, against the
sandbox of the `mypos_sandbox` fixture, with its database in memory."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import django
import pytest
from django.test import Client, override_settings
from django.test.utils import setup_databases, setup_test_environment, teardown_databases, teardown_test_environment

from mypos.testing import SANDBOX_CREDENTIALS, Sandbox

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "django"
SEEDED = SANDBOX_CREDENTIALS["merchant"]


@pytest.fixture(scope="module")
def django_site() -> Iterator[None]:
    """The example's Django, set up once, with a fresh test database (SQLite in memory)."""
    sys.path.insert(0, str(EXAMPLE))
    os.environ["DJANGO_SETTINGS_MODULE"] = "salon.settings"
    django.setup()
    setup_test_environment()
    databases = setup_databases(verbosity=0, interactive=False)
    yield
    teardown_databases(databases, verbosity=0)
    teardown_test_environment()


@pytest.fixture
def http(django_site: None, mypos_sandbox: Sandbox) -> Iterator[Client]:
    """The test client, the app pointed at this test's sandbox as at a real gateway."""
    from merchants.models import Merchant

    mypos = {
        "GATEWAY_URL": mypos_sandbox.url,
        "CLIENT_ID": SANDBOX_CREDENTIALS["integration"]["client_id"],
        "CLIENT_SECRET": SANDBOX_CREDENTIALS["integration"]["client_secret"],
        "PARTNER_ID": SANDBOX_CREDENTIALS["partner_id"],
        "APPLICATION_ID": SANDBOX_CREDENTIALS["application_id"],
        "TIMEOUT": 10.0,
    }
    with override_settings(MYPOS=mypos):
        yield Client()
    Merchant.objects.all().delete()


def register(http: Client, client_id: str = SEEDED["client_id"], secret: str = SEEDED["client_secret"]) -> Any:
    body = {"name": "Salon Ana", "client_id": client_id, "client_secret": secret}
    return http.post("/merchants", body, content_type="application/json")


def test_registers_a_merchant_and_keeps_its_secret_encrypted(http: Client) -> None:
    from django.db import connection

    answer = register(http)
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["verified"] is True and body["client_id"] == "cli_sandbox"
    assert b"sec_sandbox" not in answer.content
    assert http.get(f"/merchants/{body['id']}").json() == {k: v for k, v in body.items() if k != "verified"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT client_secret FROM merchants_merchant")
        [(stored,)] = cursor.fetchall()
    assert "sec_sandbox" not in stored and stored.startswith("gAAAAA")  # a Fernet token


def test_wrong_or_malformed_credentials_are_400s_and_not_stored(http: Client, mypos_sandbox: Sandbox) -> None:
    from merchants.models import Merchant

    wrong = register(http, secret="sec_typo")
    assert wrong.status_code == 400 and wrong.json()["code"] == "MYPOS_AUTH"
    assert b"sec_typo" not in wrong.content
    malformed = register(http, client_id="salon-ana")
    assert malformed.status_code == 400 and malformed.json()["field"] == "client_id"
    missing = http.post("/merchants", {"name": "Salon Ana"}, content_type="application/json")
    assert missing.status_code == 400 and set(missing.json()["errors"]) == {"client_id", "client_secret"}
    assert Merchant.objects.count() == 0


def test_lists_devices_and_an_unknown_merchant_is_a_404(http: Client) -> None:
    merchant = register(http).json()
    devices = http.get(f"/merchants/{merchant['id']}/devices").json()["devices"]
    assert [d["model"] for d in devices] == ["GO2", "SIGMA", "PRO"]
    assert http.get("/merchants/999999/devices").status_code == 404


def test_takes_a_payment_on_a_terminal_and_polls_it_to_success(http: Client, mypos_sandbox: Sandbox) -> None:
    merchant = register(http).json()
    terminal = http.get(f"/merchants/{merchant['id']}/devices").json()["devices"][0]["terminal_id"]
    started = http.post(
        f"/merchants/{merchant['id']}/payments",
        {"terminal_id": terminal, "amount": 2500, "booking_id": "booking-42"},
        content_type="application/json",
    )
    assert started.status_code == 201, started.content
    payment = started.json()
    assert (payment["status"], payment["amount"]["value"], payment["reference_number"]) == ("InProgress", 2500, "booking-42")
    poll = f"/merchants/{merchant['id']}/payments/{payment['payment_id']}"
    assert http.get(poll).json()["status"] == "InProgress"
    mypos_sandbox.approve_payment(payment["payment_id"])  # the client taps a card
    deadline = time.monotonic() + 10
    while (status := http.get(poll).json()["status"]) == "InProgress" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert status == "Success"
    # One session for the merchant across all those requests: its client is kept.
    assert mypos_sandbox.count("POST", "/api/v1/auth/session") == 1


def test_errors_map_to_http_answers(http: Client, mypos_sandbox: Sandbox) -> None:
    merchant = register(http).json()
    payments = f"/merchants/{merchant['id']}/payments"
    zero = http.post(payments, {"terminal_id": "x", "amount": 0}, content_type="application/json")
    assert zero.status_code == 400 and "amount" in zero.json()["errors"]
    missing = http.get(f"{payments}/000000000000000000000000")
    assert missing.status_code == 404 and missing.json()["code"] == "MYPOS_NOT_FOUND"
    mypos_sandbox.inject_fault("/epos/v1/payments/*", status=503, method="GET", count=10)
    down = http.get(f"{payments}/000000000000000000000000")
    assert down.status_code == 502 and down.json()["code"] == "MYPOS_SERVER_ERROR"


def test_creates_a_payment_link(http: Client) -> None:
    merchant = register(http).json()
    links = f"/merchants/{merchant['id']}/payment-links"
    answer = http.post(links, {"item_name": "Deposit: balayage", "price": "30.00"}, content_type="application/json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["url"].startswith("https://") and answer.json()["code"]
    refused = http.post(links, {"item_name": "Deposit", "price": "30.00", "currency": "USD"}, content_type="application/json")
    assert refused.status_code == 400 and "currency" in refused.json()["errors"]


def test_without_a_partner_integration_it_starts_a_sandbox_of_its_own(django_site: None) -> None:
    from merchants import gateway

    with override_settings(MYPOS={"CLIENT_ID": None, "TIMEOUT": 10.0}):
        answer = register(Client())
        assert answer.status_code == 201, answer.content
        sandbox = gateway._made["sandbox"]
        assert sandbox.count("GET", "/pos/v1/terminals") == 1
    with pytest.raises(RuntimeError):
        sandbox.url  # stopped when the settings changed back
    from merchants.models import Merchant

    Merchant.objects.all().delete()
