"""Banking through the Python surface: transactions, details, auto-paging and MT940 statements."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

import mypos
from mypos.testing import Sandbox

TRANSACTIONS = "/accounting/v1/transactions"


async def eur_account(client: mypos.MerchantClient) -> dict[str, Any]:
    page = await client.banking.get_accounts()
    return next(a for a in page["items"] if a["currency"] == "EUR")


def mt940_balance(statement: str, tag: str) -> Decimal:
    """The signed balance of a `:60F:` / `:62F:` line such as `C250501EUR1520,35`."""
    line = next(line[len(tag):] for line in statement.splitlines() if line.startswith(tag))
    value = Decimal(line[10:].replace(",", "."))
    return -value if line.startswith("D") else value


async def test_filters_and_order(client: mypos.MerchantClient) -> None:
    account = await eur_account(client)
    page = await client.banking.get_transactions(
        account_number=account["account_number"], sign="C", order="ascending", size=50
    )
    assert page["total_count"] > 0
    items = page["items"]
    assert {t["sign"] for t in items} == {"C"}
    assert {t["account_number"] for t in items} == {account["account_number"]}
    assert [t["date"] for t in items] == sorted(t["date"] for t in items)
    assert isinstance(items[0]["transaction_amount"], str)  # decimals travel as text


async def test_iterates_every_transaction_across_pages(sandbox: Sandbox, client: mypos.MerchantClient) -> None:
    seen = [t["payment_reference"] async for t in client.banking.iter_transactions(size=20)]
    assert len(seen) == len(set(seen)) == 300
    assert sandbox.count("GET", TRANSACTIONS) == 15


async def test_one_and_several_transactions(sandbox: Sandbox, client: mypos.MerchantClient) -> None:
    page = await client.banking.get_transactions(size=3)
    references = [t["payment_reference"] for t in page["items"]]

    one = await client.banking.get_transaction(references[0])
    assert one["reference"] == references[0]
    assert one["general"]["transaction_type"]  # the API's camelCase keys come back snake_case
    assert any(d["title"] == "Amount" for d in one["details"])

    several = await client.banking.get_multiple_transactions(references)
    assert [d["reference"] for d in several] == references
    [logged] = sandbox.requests("GET", "/accounting/v1/transactions/details")
    assert logged["query"] == "payment_references=" + "%2C".join(references)

    with pytest.raises(mypos.NotFoundError):
        await client.banking.get_transaction("000000000000")


@pytest.mark.parametrize(("document_type", "starts"), [("MT940MultiCash", ":20:"), ("MT940SWIFT", "{1:"), (2, ":20:")])
async def test_statement_flavours(client: mypos.MerchantClient, document_type: Any, starts: str) -> None:
    account = await eur_account(client)
    [newest] = (await client.banking.get_transactions(account_number=account["account_number"], size=1))["items"]
    statement = await client.banking.generate_statement(
        account_number=account["account_number"], document_type=document_type, date=newest["date"][:10]
    )
    text = statement["content"]
    assert text.startswith(starts)
    assert all(tag in text for tag in (":25:", ":28C:", ":60F:", ":61:", ":86:", ":62F:"))
    # Nothing was booked after the newest transaction's day, so the day closes on the balance.
    assert mt940_balance(text, ":62F:") == Decimal(account["balance"])


async def test_list_a_month_of_transactions_then_generate_its_statement(client: mypos.MerchantClient) -> None:
    """A user's month end: last month's transactions, and the statement of its last busy day."""
    account = await eur_account(client)
    [newest] = (await client.banking.get_transactions(size=1))["items"]
    this_month = dt.date.fromisoformat(newest["date"][:10]).replace(day=1)
    first = (this_month - dt.timedelta(days=1)).replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])

    month = [
        t
        async for t in client.banking.iter_transactions(
            account_number=account["account_number"], from_date=first, to_date=last, order="ascending", size=50
        )
    ]
    assert len(month) > 20
    assert all(first.isoformat() <= t["date"][:10] <= last.isoformat() for t in month)

    busy_day = month[-1]["date"][:10]
    that_day = [t for t in month if t["date"].startswith(busy_day)]
    statement = (
        await client.banking.generate_statement(
            account_number=account["account_number"], document_type="MT940MultiCash", date=busy_day
        )
    )["content"]
    entries = [line for line in statement.split("\r\n") if line.startswith(":61:")]
    assert [e.rsplit("//", 1)[1] for e in entries] == [t["payment_reference"] for t in that_day]
    net = sum(Decimal(t["transaction_amount"]) * (1 if t["sign"] == "C" else -1) for t in that_day)
    assert mt940_balance(statement, ":62F:") == mt940_balance(statement, ":60F:") + net


async def test_what_only_the_api_can_refuse(client: mypos.MerchantClient) -> None:
    with pytest.raises(mypos.BadRequestError) as raised:
        await client.banking.generate_statement(
            account_number="4099999999", document_type="MT940SWIFT", date="2999-01-01"
        )
    assert raised.value.status == 400
    assert sorted(raised.value.errors) == ["account_number", "date"]


async def test_an_unknown_document_type_fails_before_any_request_and_dates_are_the_servers(
    sandbox: Sandbox, client: mypos.MerchantClient
) -> None:
    with pytest.raises(mypos.InvalidRequestError) as raised:
        await client.banking.generate_statement(account_number="4012345678", document_type="PDF", date="2025-05-01")
    assert raised.value.field == "document_type"
    assert sandbox.requests() == []
    with pytest.raises(mypos.BadRequestError) as judged:
        await client.banking.get_transactions(from_date="01.05.2025")
    assert "from_date" in judged.value.errors
    with pytest.raises(mypos.BadRequestError):
        await client.banking.get_multiple_transactions([])
