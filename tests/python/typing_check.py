"""Checks the generated typings (`mypos/_client.pyi`, `mypos/types.py`) with mypy; never run.

    python -m mypy --strict tests/python/typing_check.py

Not a pytest module (pytest collects `test_*.py` only). `--strict` warns about unused
`# type: ignore`, so each ignore below asserts that mypy rejects that line.
"""

from __future__ import annotations

from decimal import Decimal

from typing_extensions import assert_type

import mypos
import mypos.sync
from mypos.types import Account, Page, Payment, PaymentStatus, TerminalTransaction
from mypos.types import MobilePayPaymentDetails, Psd2ConsentStatusResponse


def gateway() -> mypos.Gateway:
    return mypos.Gateway(
        gateway_url=mypos.DEMO_GATEWAY_URL,
        integration={"client_id": "client_…", "client_secret": "secret_…"},
        partner_id="mps-p-…",
        application_id="mps-app-…",
        timeout=10.0,
    )


async def banking(client: mypos.MerchantClient) -> None:
    assert_type(client.client_id, str)
    page = await client.banking.get_accounts(page=1, size=20)
    assert_type(page, Page[Account])
    account = page["items"][0]
    assert_type(account["account_number"], str)
    assert_type(account["balance"], "str | None")  # decimals come back as text
    assert_type(page["total_count"], "int | None")
    async for each in client.banking.iter_accounts(size=100):
        assert_type(each, Account)

    await client.banking.get_accounts(pgae=1)  # type: ignore[call-arg]
    await client.banking.get_accounts(page="1")  # type: ignore[arg-type]
    account["acount_number"]  # type: ignore[typeddict-item]
    client.bankin  # type: ignore[attr-defined]


async def epos(client: mypos.MerchantClient) -> None:
    payment = await client.epos.payments.create(
        terminal_id="12345678", amount={"value": 2500, "currency_code": "EUR"}
    )
    assert_type(payment, Payment)
    assert_type(payment["status"], "PaymentStatus | None")
    status: PaymentStatus = "Success"
    unknown: PaymentStatus = "SomethingNew"  # open enums take new values too
    assert_type(await client.epos.payments.get("6a8e…"), Payment)
    async for tx in client.epos.terminals.iter_transactions(amount_from=Decimal("10.00"), amount_to=12):
        assert_type(tx, TerminalTransaction)
        assert_type(tx["amount"], "str | None")

    await client.epos.payments.create(amount={"value": 2500, "currency_code": "EUR"})  # type: ignore[call-arg]
    await client.epos.payments.get()  # type: ignore[call-arg]
    del status, unknown


def errors(error: Exception) -> None:
    if isinstance(error, mypos.RateLimitError):
        assert_type(error.retry_after, "float | None")
        assert_type(error.errors, "dict[str, list[str]]")
    if isinstance(error, mypos.ConfigError):
        assert_type(error.field, str)


def construction() -> None:
    mypos.Gateway(integration={}, partner_id="p")  # type: ignore[call-arg]
    client = gateway().create_client(client_id="cli_…", client_secret="sec_…")
    assert_type(client, mypos.MerchantClient)


def sync_api(gateway: mypos.sync.Gateway) -> None:
    """The sync API has the same surface, without `await`."""
    client = gateway.create_client(client_id="cli_x", client_secret="sec_x")
    assert_type(client.banking.get_accounts(page=1), Page[Account])
    for account in client.banking.iter_accounts(size=50):
        assert_type(account, Account)
    client.banking.get_accounts(pgae=1)  # type: ignore[call-arg]


def sync_mobilepay_and_psd2(pos: mypos.sync.MobilePayPos, tpp: mypos.sync.Psd2Client) -> None:
    """MobilePay and PSD2 without `await`; a MobilePay call takes a `timeout` in seconds."""
    payment = pos.flows.pay(terminal_id="1001", order_id="A-1", amount="27.06", timeout=120)
    assert_type(payment, MobilePayPaymentDetails)
    assert_type(pos.with_access_token("t"), mypos.sync.MobilePayPos)
    holder = tpp.exchange_code("code", holder_id="user-1")
    assert_type(holder, mypos.sync.Psd2Client)
    assert_type(holder.consents.get_status("c"), Psd2ConsentStatusResponse)
    tpp.consents.create(access={}, timeout=1)  # type: ignore[call-arg]
