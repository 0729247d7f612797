"""Every code sample of the `mypos-api-gateway` README, in this SDK's Python names (only the
credentials and the URL are the sandbox's). Each one must reach the sandbox and get its answer:
data, or the API's error for an id the sandbox does not hold. None may be refused before sending:
the API texts make no rule the server would not judge itself. (The Node twin is
`tests/node/seed-samples.test.js`.)"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Union

import pytest

import mypos
from mypos.testing import Sandbox

Call = Callable[[mypos.MerchantClient], Awaitable[Any]]
Expected = Union[str, int]

SAMPLES: list[tuple[str, Call, Expected]] = [
    ("banking.get_accounts", lambda c: c.banking.get_accounts(page=1, size=20), "ok"),
    (
        "banking.generate_statement",
        lambda c: c.banking.generate_statement(account_number="40012345678", document_type="MT940MultiCash", date="2025-03-15"),
        400,  # the sandbox's merchant has no account 40012345678
    ),
    (
        "banking.get_transactions",
        lambda c: c.banking.get_transactions(
            from_date="2025-01-01", to_date="2025-03-31", sign="Credit", order="Descending", page=1, size=50
        ),
        "ok",
    ),
    ("banking.get_transaction", lambda c: c.banking.get_transaction("REF123456"), 404),
    ("banking.get_multiple_transactions", lambda c: c.banking.get_multiple_transactions(["REF123", "REF456", "REF789"]), 404),
    (
        "ecommerce.payment_links.create",
        lambda c: c.ecommerce.payment_links.create(
            item_name="Invoice #1234",
            item_price=29.99,
            quantity=1,
            currency="EUR",
            hide_quantity=False,
            ask_for_customer_name=True,
            ask_for_shipping_address=False,
            ask_for_customer_email=True,
            ask_for_customer_phone_number=False,
            ask_for_customer_id=False,
            send_sms=False,
            send_email=True,
        ),
        "ok",
    ),
    ("ecommerce.payment_links.list", lambda c: c.ecommerce.payment_links.list(page=1, size=20), "ok"),
    ("ecommerce.payment_links.get", lambda c: c.ecommerce.payment_links.get("LINK_CODE"), 404),
    ("ecommerce.payment_links.update", lambda c: c.ecommerce.payment_links.update("LINK_CODE", enable=False), 404),
    ("ecommerce.payment_links.delete", lambda c: c.ecommerce.payment_links.delete("LINK_CODE"), 404),
    (
        "ecommerce.payment_links.get_transactions",
        lambda c: c.ecommerce.payment_links.get_transactions(page=1, size=20, date_from="2025-01-01", date_to="2025-03-31"),
        "ok",
    ),
    (
        "ecommerce.payment_buttons.create",
        lambda c: c.ecommerce.payment_buttons.create(
            button_size="Big",
            item_name="Premium Plan",
            item_price=49.99,
            quantity=1,
            currency="EUR",
            return_url="https://example.com/success",
            cancel_url="https://example.com/cancel",
            ask_for_customer_name=True,
            ask_for_shipping_address=False,
            ask_for_customer_email=True,
            ask_for_customer_phone_number=False,
            ask_for_customer_id=False,
            send_sms=False,
            send_email=True,
        ),
        "ok",
    ),
    ("ecommerce.payment_buttons.list", lambda c: c.ecommerce.payment_buttons.list(page=1, size=20), "ok"),
    (
        "ecommerce.payment_requests.create",
        lambda c: c.ecommerce.payment_requests.create(
            amount=150.00,
            currency="EUR",
            client_name="John Doe",
            reason="Consulting fee",
            booking_text="INV-2025-001",
            qr_generated=True,
        ),
        "ok",
    ),
    ("ecommerce.payment_requests.list", lambda c: c.ecommerce.payment_requests.list(page=1, size=20, status="Pending"), "ok"),
    ("ecommerce.payment_requests.get", lambda c: c.ecommerce.payment_requests.get("PR_CODE"), 404),
    ("ecommerce.payment_requests.send_reminder", lambda c: c.ecommerce.payment_requests.send_reminder("PR_CODE"), 404),
    ("ecommerce.get_languages", lambda c: c.ecommerce.get_languages(page=1, size=50), "ok"),
    ("ecommerce.get_settlement_data", lambda c: c.ecommerce.get_settlement_data(page=1, size=50), "ok"),
    (
        "epos.payments.create",
        lambda c: c.epos.payments.create(
            reference_number="ORD-2025-001",
            amount={"value": 2500, "currency_code": "EUR", "tip": 0},
            description="Order #001",
            terminal_id="T001234",
            app_name="MyShopPOS",
            app_version="1.0.0",
            operator_code="OP01",
        ),
        404,
    ),
    ("epos.payments.get", lambda c: c.epos.payments.get("pay_abc123"), 404),
    ("epos.payments.list", lambda c: c.epos.payments.list(terminal_id="T001234", page=1, size=20), 404),
    ("epos.payments.cancel", lambda c: c.epos.payments.cancel("pay_abc123"), 404),
    (
        "epos.payments.reverse",
        lambda c: c.epos.payments.reverse(
            "pay_abc123", description="Customer returned goods", terminal_id="T001234", app_name="MyShopPOS", app_version="1.0.0"
        ),
        404,
    ),
    (
        "epos.payments.refund",
        lambda c: c.epos.payments.refund(
            amount={"value": 1000, "currency_code": "EUR", "tip": 0},
            description="Partial refund",
            terminal_id="T001234",
            app_name="MyShopPOS",
            app_version="1.0.0",
        ),
        404,
    ),
    ("epos.terminals.list", lambda c: c.epos.terminals.list(page=1, size=20), "ok"),
    ("epos.terminals.get", lambda c: c.epos.terminals.get("T001234"), 404),
    ("epos.terminals.get_transactions", lambda c: c.epos.terminals.get_transactions(from_date="2025-01-01", to_date="2025-03-31"), "ok"),
    (
        "epos.terminals.get_terminal_transactions",
        lambda c: c.epos.terminals.get_terminal_transactions("T001234", from_date="2025-03-01", to_date="2025-03-31"),
        404,
    ),
    ("epos.terminals.get_models", lambda c: c.epos.terminals.get_models(), "ok"),
    ("epos.terminals.get_outlets", lambda c: c.epos.terminals.get_outlets(), "ok"),
    ("epos.terminals.activate", lambda c: c.epos.terminals.activate(), "ok"),
    ("epos.terminals.deactivate", lambda c: c.epos.terminals.deactivate(code="ACT123456"), 404),
    ("epos.terminals.get_receipt", lambda c: c.epos.terminals.get_receipt("REF123456"), 404),
    ("epos.terminals.refund", lambda c: c.epos.terminals.refund("T001234", reference_number="ORD-2025-001", amount=1500), 404),
]


@pytest.mark.parametrize(("name", "call", "expected"), SAMPLES, ids=[name for name, _, _ in SAMPLES])
async def test_sample_runs_as_written_and_gets_the_sandboxs_answer(
    sandbox: Sandbox, client: mypos.MerchantClient, name: str, call: Call, expected: Expected
) -> None:
    sandbox.clear_requests()
    error: Exception | None = None
    try:
        await call(client)
    except mypos.MyPOSError as raised:
        error = raised
    assert not isinstance(error, mypos.InvalidRequestError), f"{name} was refused before sending: {error}"
    sent = sandbox.requests()
    assert sent, f"{name} sent nothing"
    if expected == "ok":
        assert error is None, f"{name}: {error}"
    else:
        assert isinstance(error, mypos.APIError), f"{name}: {error!r}"
        assert error.status == expected
        assert sent[-1]["status"] == expected


async def test_auto_paging_yields_every_payment_link(client: mypos.MerchantClient) -> None:
    codes = [link["code"] async for link in client.ecommerce.payment_links.list_all(size=50)]
    assert codes
