"""A card payment is never created twice: after a fault on its request the caller gets the
payment that exists or an error carrying its reference, and the terminal has at most one."""

from __future__ import annotations

import time

import pytest

import mypos
from mypos.testing import Sandbox

PAYMENTS = "/epos/v1/payments"


async def terminal_of(client: mypos.MerchantClient) -> str:
    return str((await client.epos.terminals.list())["items"][0]["terminal_id"])


async def payments_with(client: mypos.MerchantClient, terminal: str, reference: str) -> int:
    page = await client.epos.payments.list(terminal_id=terminal, size=100)
    return sum(1 for p in page["items"] if p["reference_number"] == reference)


def sale(terminal: str, reference: str | None = None) -> dict[str, object]:
    request: dict[str, object] = {"terminal_id": terminal, "amount": {"value": 2500, "currency_code": "EUR"}}
    if reference is not None:
        request["reference_number"] = reference
    return request


async def test_a_payment_whose_answer_was_lost_is_returned(sandbox: Sandbox, client: mypos.MerchantClient) -> None:
    terminal = await terminal_of(client)
    sandbox.inject_fault(PAYMENTS, "drop_before_headers", method="POST", after_handler=True)
    payment = await client.epos.payments.create(**sale(terminal, "order-1"))
    assert payment["reference_number"] == "order-1"
    assert sandbox.count("POST", PAYMENTS) == 1
    assert await payments_with(client, terminal, "order-1") == 1


async def test_a_slow_answer_past_the_timeout_raises_with_its_reference_by_the_timeout(
    sandbox: Sandbox, client: mypos.MerchantClient
) -> None:
    terminal = await terminal_of(client)
    sandbox.inject_fault(PAYMENTS, "delay", method="POST", delay_ms=3000)
    began = time.monotonic()
    with pytest.raises(mypos.PaymentUnconfirmedError) as caught:
        await client.with_options(timeout=0.5).epos.payments.create(**sale(terminal))
    assert time.monotonic() - began < 0.9, "nothing is looked up past the caller's timeout"
    reference = caught.value.reference_number
    assert reference.startswith("mypos-")
    assert sandbox.count("POST", PAYMENTS) == 1
    assert await payments_with(client, terminal, reference) == 1


async def test_an_empty_reference_is_refused_before_sending(sandbox: Sandbox, client: mypos.MerchantClient) -> None:
    terminal = await terminal_of(client)
    with pytest.raises(mypos.InvalidRequestError) as caught:
        await client.epos.payments.create(**sale(terminal, " "))
    assert caught.value.field == "reference_number"
    assert sandbox.count("POST", PAYMENTS) == 0


@pytest.mark.parametrize("kind", ["drop_before_headers", "malformed_json", "status"])
async def test_an_unsettled_payment_raises_with_its_reference(sandbox: Sandbox, client: mypos.MerchantClient, kind: str) -> None:
    terminal = await terminal_of(client)
    fields = {"status": 503} if kind == "status" else {}
    sandbox.inject_fault(PAYMENTS, kind, method="POST", **fields)
    with pytest.raises(mypos.PaymentUnconfirmedError) as caught:
        await client.with_options(timeout=1).epos.payments.create(**sale(terminal, "order-2"))
    assert caught.value.reference_number == "order-2"
    assert caught.value.code == "MYPOS_PAYMENT_UNCONFIRMED"
    assert "order-2" in str(caught.value)
    assert sandbox.count("POST", PAYMENTS) == 1
    assert await payments_with(client, terminal, "order-2") == 0
