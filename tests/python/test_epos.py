"""ePOS payments and terminals through the Python surface, with the sandbox's simulated terminal."""

from __future__ import annotations

from typing import Any

import pytest

import mypos
from mypos.testing import Sandbox

PAYMENTS = "/epos/v1/payments"


async def terminal_ids(client: mypos.MerchantClient) -> list[str]:
    """The seeded terminals: two take EUR, the third GBP."""
    page = await client.epos.terminals.list()
    return [t["terminal_id"] for t in page["items"]]


async def sell(client: mypos.MerchantClient, terminal_id: str, cents: int, reference: str, **extra: Any) -> str:
    payment = await client.epos.payments.create(
        terminal_id=terminal_id,
        amount={"value": cents, "currency_code": "EUR"},
        reference_number=reference,
        **extra,
    )
    return str(payment["payment_id"])


async def test_sell_approve_fetch_the_receipt_and_reverse(sandbox: Sandbox, client: mypos.MerchantClient) -> None:
    [terminal, *_] = await terminal_ids(client)
    payment = await client.epos.payments.create(
        terminal_id=terminal,
        amount={"value": 2500, "currency_code": "EUR", "tip": 200},
        reference_number="order-1001",
        description="Two coffees",
        app_name="Till",
        app_version="1.0",
    )
    assert payment["status"] == "InProgress"

    approved = sandbox.approve_payment(payment["payment_id"])
    assert approved["status"] == "Success"

    paid = await client.epos.payments.get(payment["payment_id"])
    assert paid["status"] == "Success"
    assert paid["amount"] == {"value": 2500, "currency_code": "EUR", "tip": 200}
    assert (paid["response_code"], paid["status_message"], paid["card_qualifier"]) == ("00", "TRANSACTION_SUCCESS", "VISA")
    assert paid["pan"].startswith("****") and paid["stan"] and paid["auth_code"] and paid["rrn"]

    receipt = await client.epos.terminals.get_receipt(paid["payment_reference"])
    assert (receipt["amount"], receipt["amount_tip"], receipt["amount_total"]) == ("25.00", "2.00", "27.00")
    assert receipt["auth_code"] == paid["auth_code"]

    reversed_ = await client.epos.payments.reverse(payment["payment_id"], description="Changed their mind")
    assert reversed_["status"] == "Reversed"
    assert (await client.epos.payments.get(payment["payment_id"]))["status"] == "Reversed"


async def test_declined_rejected_and_timed_out_payments_fail(sandbox: Sandbox, client: mypos.MerchantClient) -> None:
    [terminal, *_] = await terminal_ids(client)
    declined = sandbox.decline_payment(await sell(client, terminal, 100, "d"))
    assert (declined["status"], declined["response_code"]) == ("Failed", "05")
    rejected = sandbox.decline_payment(await sell(client, terminal, 100, "r"), status="Rejected")
    assert rejected["status"] == "Rejected"
    timed_out = sandbox.time_out_payment(await sell(client, terminal, 100, "t"))
    assert (timed_out["status"], timed_out["status_message"]) == ("Failed", "TRANSACTION_TIMEOUT")
    with pytest.raises(RuntimeError, match="409"):
        sandbox.approve_payment(timed_out["payment_id"])
    # Driving the terminal instead of the payment.
    payment_id = await sell(client, terminal, 100, "via-terminal")
    assert sandbox.drive_terminal(terminal, "approve", card_scheme="MASTERCARD")["card_qualifier"] == "MASTERCARD"
    assert (await client.epos.payments.get(payment_id))["status"] == "Success"


async def test_cancel_a_payment_in_progress(sandbox: Sandbox, client: mypos.MerchantClient) -> None:
    [terminal, *_] = await terminal_ids(client)
    payment_id = await sell(client, terminal, 990, "to-cancel")
    assert await client.epos.payments.cancel(payment_id) == {"id": payment_id}
    assert sandbox.requests("DELETE", f"{PAYMENTS}/{payment_id}")[-1]["status"] == 202
    assert (await client.epos.payments.get(payment_id))["status"] == "Canceled"


async def test_wrong_state_transitions_are_conflicts(sandbox: Sandbox, client: mypos.MerchantClient) -> None:
    [terminal, *_] = await terminal_ids(client)
    payment_id = await sell(client, terminal, 500, "r-1")
    with pytest.raises(mypos.ConflictError) as reverse_in_progress:
        await client.epos.payments.reverse(payment_id)
    assert reverse_in_progress.value.status == 409
    assert "InProgress" in reverse_in_progress.value.detail
    with pytest.raises(mypos.ConflictError, match="busy"):
        await sell(client, terminal, 100, "second")

    sandbox.approve_payment(payment_id)
    with pytest.raises(mypos.ConflictError) as cancel_success:
        await client.epos.payments.cancel(payment_id)
    assert cancel_success.value.code == "MYPOS_CONFLICT"


async def test_what_the_api_refuses_is_a_400_with_field_errors(client: mypos.MerchantClient) -> None:
    terminals = await terminal_ids(client)
    with pytest.raises(mypos.BadRequestError) as zero:
        await client.epos.payments.create(terminal_id=terminals[0], amount={"value": 0, "currency_code": "EUR"})
    assert zero.value.status == 400
    assert list(zero.value.errors) == ["amount.value"]
    with pytest.raises(mypos.BadRequestError) as wrong_currency:
        await client.epos.payments.create(terminal_id=terminals[2], amount={"value": 100, "currency_code": "EUR"})
    assert "GBP" in wrong_currency.value.errors["amount.currency_code"][0]


async def test_unknown_things_are_404(client: mypos.MerchantClient) -> None:
    with pytest.raises(mypos.NotFoundError):
        await client.epos.payments.get("0123456789abcdef01234567")
    with pytest.raises(mypos.NotFoundError):
        await client.epos.terminals.get("00000001")
    with pytest.raises(mypos.NotFoundError):
        await client.epos.terminals.get_receipt("404404404404")


@pytest.mark.parametrize(
    ("amount", "says"),
    [(-5, "negative"), (12.5, "whole number"), ("12", "whole number")],
)
async def test_bad_amounts_are_refused_before_any_request(
    sandbox: Sandbox, client: mypos.MerchantClient, amount: Any, says: str
) -> None:
    [terminal, *_] = await terminal_ids(client)
    sandbox.clear_requests()
    with pytest.raises(mypos.InvalidRequestError, match=says) as raised:
        await client.epos.payments.create(terminal_id=terminal, amount={"value": amount, "currency_code": "EUR"})
    assert raised.value.field == "amount.value"
    assert isinstance(raised.value, ValueError)
    assert sandbox.requests() == []


async def test_ids_of_any_form_are_sent_and_judged_by_the_server(sandbox: Sandbox, client: mypos.MerchantClient) -> None:
    sandbox.clear_requests()
    with pytest.raises(mypos.NotFoundError):
        await client.epos.payments.create(terminal_id="T001234", amount={"value": 100, "currency_code": "EUR"})
    with pytest.raises(mypos.NotFoundError):
        await client.epos.payments.list(terminal_id="12345678", reference_number="x" * 51)
    assert len([r for r in sandbox.requests() if r["path"].startswith("/epos/")]) == 2


async def test_lists_page_and_the_payments_of_a_terminal_come_newest_first(
    sandbox: Sandbox, client: mypos.MerchantClient
) -> None:
    page = await client.epos.terminals.list(size=2)
    assert (len(page["items"]), page["total_count"], page["has_next_page"]) == (2, 3, True)
    terminal = page["items"][0]["terminal_id"]
    ids = []
    for n in range(5):
        ids.append(await sell(client, terminal, 100 + n, f"page-{n}"))
        sandbox.approve_payment(ids[-1])

    seen: list[str] = []
    number = 1
    while True:
        page = await client.epos.payments.list(terminal_id=terminal, page=number, size=2)
        seen += [p["payment_id"] for p in page["items"]]
        if not page["has_next_page"]:
            break
        number += 1
    assert number == 3
    assert seen == ids[::-1]


async def test_auto_paging_iterators_fetch_one_page_at_a_time(sandbox: Sandbox, client: mypos.MerchantClient) -> None:
    sandbox.clear_requests()
    found = [t["terminal_id"] async for t in client.epos.terminals.list_all(size=1)]
    assert len(found) == 3
    assert sandbox.count("GET", "/pos/v1/terminals") == 3

    ids = []
    for n in range(3):
        ids.append(await sell(client, found[0], 100 + n, f"it-{n}"))
        sandbox.approve_payment(ids[-1])
    payments = [p["payment_id"] async for p in client.epos.payments.list_all(terminal_id=found[0], size=2)]
    assert payments == ids[::-1]
    transactions = [t async for t in client.epos.terminals.iter_transactions(size=1)]
    assert len(transactions) == 3
    per_terminal = [t async for t in client.epos.terminals.iter_terminal_transactions(found[0], size=2)]
    assert [t["reference_number"] for t in per_terminal] == ["it-2", "it-1", "it-0"]


async def test_find_a_payment_by_its_reference_number(sandbox: Sandbox, client: mypos.MerchantClient) -> None:
    terminal = (await terminal_ids(client))[1]
    sandbox.approve_payment(await sell(client, terminal, 100, "order-7"))
    wanted = await sell(client, terminal, 200, "order-8")
    page = await client.epos.payments.list(terminal_id=terminal, reference_number="order-8")
    assert [p["payment_id"] for p in page["items"]] == [wanted]


async def test_terminals_models_outlets_and_transactions(sandbox: Sandbox, client: mypos.MerchantClient) -> None:
    terminals = await terminal_ids(client)
    details = await client.epos.terminals.get(terminals[2])
    assert (details["status"], details["device_currency"]) == ("Active", "GBP")
    models = await client.epos.terminals.get_models()
    assert details["model"] in [m["code"] for m in models]
    outlets = await client.epos.terminals.get_outlets()
    assert details["outlet_id"] in [o["outlet_id"] for o in outlets]

    gbp = await client.epos.payments.create(terminal_id=terminals[2], amount={"value": 1234, "currency_code": "GBP"})
    sandbox.approve_payment(gbp["payment_id"])
    sandbox.approve_payment(await sell(client, terminals[0], 99, "small"))

    big = await client.epos.terminals.get_transactions(amount_from="10.00")
    assert [t["amount"] for t in big["items"]] == ["12.34"]  # decimal major units, as text
    small = await client.epos.terminals.get_terminal_transactions(terminals[0], reference_number="small")
    assert [t["reference_number"] for t in small["items"]] == ["small"]


async def test_refunds_standalone_and_referenced(sandbox: Sandbox, client: mypos.MerchantClient) -> None:
    [terminal, *_] = await terminal_ids(client)
    refund = await client.epos.payments.refund(terminal_id=terminal, amount={"value": 700, "currency_code": "EUR", "tip": 0})
    assert refund["status"] == "InProgress"
    assert sandbox.approve_payment(refund["payment_id"])["status"] == "Success"

    sandbox.approve_payment(await sell(client, terminal, 3000, "sale-42"))
    assert (
        await client.epos.terminals.refund(terminal, reference_number="sale-42", amount=1000)
        is None
    )
    assert sandbox.requests("POST", f"/pos/v1/terminals/{terminal}/refund")[-1]["status"] == 204
    with pytest.raises(mypos.BadRequestError) as too_much:
        await client.epos.terminals.refund(terminal, reference_number="sale-42", amount=2001)
    assert "amount" in too_much.value.errors
    transactions = await client.epos.terminals.get_terminal_transactions(terminal)
    assert [t["tran_type"] for t in transactions["items"]] == ["Refund", "Purchase", "Refund"]


async def test_activate_and_deactivate(client: mypos.MerchantClient) -> None:
    activation = await client.epos.terminals.activate(product_code="GO2", currency="EUR")
    assert len(activation["code"]) == 6
    new_terminal = activation["terminal_id"]
    assert new_terminal in await terminal_ids(client)
    deactivation = await client.epos.terminals.deactivate(code=activation["code"])
    assert deactivation["code"]
    assert (await client.epos.terminals.get(new_terminal))["status"] == "Inactive"
    with pytest.raises(mypos.ConflictError):
        await sell(client, new_terminal, 100, "on-an-inactive-terminal")
