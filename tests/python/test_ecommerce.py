"""Ecommerce through the Python surface: payment links, buttons and requests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

import mypos
from mypos.testing import Sandbox


async def test_languages_and_settlement_accounts(client: mypos.MerchantClient) -> None:
    languages = await client.ecommerce.get_languages()
    assert {"code": "EN", "name": "English"} in languages
    accounts = await client.ecommerce.get_settlement_data()
    assert [a["currency"] for a in accounts] == ["EUR", "GBP", "BGN"]


async def test_create_a_payment_link_list_it_disable_it_delete_it(client: mypos.MerchantClient) -> None:
    """A user's payment link, from creation to deletion."""
    links = client.ecommerce.payment_links
    created = await links.create(
        item_name="Yoga mat", item_price=Decimal("34.90"), currency="EUR", custom_name="Spring yoga", quantity=2
    )
    code = created["code"]
    assert created["url"].endswith(code)

    [listed] = [link async for link in links.list_all() if link["code"] == code]
    assert (listed["item_price"], listed["quantity"], listed["status"]) == ("34.90", 2, "Active")

    disabled = await links.update(code, enable=False)
    assert (disabled["enable"], disabled["status"]) == (False, "Disabled")
    assert (await links.get(code))["enable"] is False
    page = await links.list()
    assert next(link for link in page["items"] if link["code"] == code)["status"] == "Disabled"

    await links.delete(code)
    with pytest.raises(mypos.NotFoundError):
        await links.get(code)
    assert all(link["code"] != code for link in (await links.list())["items"])


async def test_link_and_button_payments(sandbox: Sandbox, client: mypos.MerchantClient) -> None:
    payments = [p async for p in client.ecommerce.payment_links.iter_transactions(size=5)]
    assert len(payments) == 24
    assert sandbox.count("GET", "/ecommerce/v1/links/transactions") == 5
    code = payments[0]["code"]
    page = await client.ecommerce.payment_buttons.get_transactions()
    assert page["items"] and all(p["code"] != code for p in page["items"])
    only = await client.ecommerce.payment_links.get_transactions(code=code)
    assert {p["code"] for p in only["items"]} == {code}


async def test_payment_buttons(client: mypos.MerchantClient) -> None:
    buttons = client.ecommerce.payment_buttons
    created = await buttons.create(
        item_name="Gift card", item_price=50, currency="GBP", custom_name="Gifts", button_size="big"
    )
    code = created["code"]
    button = await buttons.get(code)
    assert (button["button_size"], button["currency"], button["item_price"]) == (1, "GBP", "50")
    page = await buttons.list(size=2)
    assert page["items"][0]["code"] == code and page["has_next_page"]

    updated = await buttons.update(code, button_size="small", ask_for_customer_phone_number=True)
    assert (updated["button_size"], updated["ask_for_customer_phone_number"]) == (0, True)
    await buttons.delete(code)
    with pytest.raises(mypos.NotFoundError):
        await buttons.delete(code)


async def test_payment_requests_and_reminders(client: mypos.MerchantClient) -> None:
    requests = client.ecommerce.payment_requests
    created = await requests.create(
        amount=Decimal("120.00"),
        currency="EUR",
        client_name="Ana Petrova",
        payment_request_lang="BG",
        reason="Invoice 2001",
    )
    code = created["code"]
    assert created["payment_request_url"].endswith(code)
    qr = await requests.create(amount="9.99", currency="EUR", qr_generated=True)
    assert qr["code"] != code

    pending = [r async for r in requests.list_all(status="Pending")]
    assert code in [r["code"] for r in pending]
    assert {r["status"] for r in pending} == {"Pending"}

    fetched = await requests.get(code)
    assert (fetched["amount"], fetched["client_name"]) == ("120.00", "Ana Petrova")
    reminded = await requests.send_reminder(code, email="ana@example.com")
    assert (reminded["reminders_sent"], reminded["notify_email"]) == (1, "ana@example.com")

    [paid, *_] = (await requests.list(status="Paid"))["items"]
    with pytest.raises(mypos.ConflictError):
        await requests.send_reminder(paid["code"], gsm="+359888123456")
    with pytest.raises(mypos.NotFoundError):
        await requests.get("NOSUCHCODE000")


async def test_what_only_the_api_can_refuse(client: mypos.MerchantClient) -> None:
    with pytest.raises(mypos.BadRequestError) as raised:
        await client.ecommerce.payment_links.create(
            item_name="Mug", item_price="8.50", currency="USD", custom_name="Mugs", pref_language="XX"
        )
    assert raised.value.status == 400
    assert sorted(raised.value.errors) == ["currency", "pref_language"]
    assert "EUR" in raised.value.errors["currency"][0]
    with pytest.raises(mypos.BadRequestError) as raised:
        await client.ecommerce.payment_requests.create(
            amount=5, currency="EUR", client_name="Ana", payment_request_lang="EN", notify_email="not-an-address"
        )
    assert list(raised.value.errors) == ["notify_email"]


@pytest.mark.parametrize(
    ("price", "says"),
    [
        (-5, "negative"),
        (float("nan"), "decimal amount"),
        ("NaN", "decimal amount"),
        (Decimal("12.345"), "2 decimal places"),
    ],
)
async def test_bad_prices_fail_before_any_request(
    sandbox: Sandbox, client: mypos.MerchantClient, price: Any, says: str
) -> None:
    with pytest.raises(mypos.InvalidRequestError, match=says) as raised:
        await client.ecommerce.payment_links.create(
            item_name="Mug", item_price=price, currency="EUR", custom_name="Mugs"
        )
    assert raised.value.field == "item_price"
    assert sandbox.requests() == []


async def test_rules_the_texts_do_not_state_are_the_servers(sandbox: Sandbox, client: mypos.MerchantClient) -> None:
    sandbox.clear_requests()
    with pytest.raises(mypos.BadRequestError) as zero:
        await client.ecommerce.payment_links.create(item_name="Mug", item_price=0, currency="EUR")
    assert list(zero.value.errors) == ["item_price"]
    with pytest.raises(mypos.BadRequestError) as nobody:
        await client.ecommerce.payment_requests.create(amount=5, currency="EUR")
    assert "client_name" in nobody.value.errors
    with pytest.raises(mypos.NotFoundError):
        await client.ecommerce.payment_requests.send_reminder("ABC")
    assert len([r for r in sandbox.requests() if r["path"].startswith("/ecommerce/")]) == 3


async def test_dot_segment_ids_are_refused(sandbox: Sandbox, client: mypos.MerchantClient) -> None:
    for code in (".", ".."):
        with pytest.raises(mypos.InvalidRequestError) as caught:
            await client.ecommerce.payment_links.delete(code=code)
        assert caught.value.field == "code"
    assert not sandbox.requests("DELETE")
