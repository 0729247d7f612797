"""A small account-information app: a TPP connects a myPOS account holder's accounts through
PSD2, shows their balances and recent transactions, and pays a bill from them.

It runs the whole journey against a local sandbox, which also plays the account holder (it
approves at the bank's SCA page). With a real bank, `approve_at_the_bank` is the holder's
browser: you redirect them to the URL, and your `redirect_uri` route receives the `code`.

    python examples/python/account_information.py
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from decimal import Decimal
from typing import Any

import mypos
from mypos.testing import Sandbox

#: Your token store: in an app, a database table keyed by your user id.
TOKENS: dict[str, dict[str, Any]] = {}


def save_tokens(holder_id: str, tokens: dict[str, Any]) -> None:
    """Called with every new or rotated token set; keep it quick."""
    TOKENS[holder_id] = tokens


class AccountInformationApp:
    def __init__(self, psd2: mypos.Psd2Client, approve_at_the_bank: Any) -> None:
        self.psd2 = psd2
        self.approve_at_the_bank = approve_at_the_bank
        self.consents: dict[str, str] = {}  # user id → consent id

    async def connect(self, user_id: str, user_ip: str) -> None:
        """The user clicks "connect my myPOS account"."""
        consent = await self.psd2.consents.create(
            access={"all_psd2": "allAccounts"},
            recurring_indicator=True,
            valid_until=(dt.date.today() + dt.timedelta(days=89)).isoformat(),
            frequency_per_day=4,
            psu_ip_address=user_ip,
        )
        url = self.psd2.authorization_url(consent, state=f"csrf-{user_id}")
        code = self.approve_at_the_bank(url)  # …the user comes back to your redirect_uri
        await self.psd2.exchange_code(code, holder_id=user_id)
        self.consents[user_id] = consent["consent_id"]

    def holder(self, user_id: str) -> mypos.Psd2Client:
        """The user's client, from the tokens you stored (any process, any time later)."""
        return self.psd2.account_holder(user_id, TOKENS[user_id])

    async def dashboard(self, user_id: str, user_ip: str) -> list[dict[str, Any]]:
        holder, consent_id = self.holder(user_id), self.consents[user_id]
        since = (dt.date.today() - dt.timedelta(days=30)).isoformat()
        accounts = await holder.accounts.list(consent_id=consent_id, with_balance=True, psu_ip_address=user_ip)
        rows = []
        for account in accounts["accounts"]:
            available = next(b for b in account["balances"] if b["balance_type"] == "interimAvailable")
            spent = Decimal(0)
            async for t in holder.accounts.iter_transactions(
                account["resource_id"], consent_id=consent_id, booking_status="booked", date_from=since, psu_ip_address=user_ip
            ):
                amount = Decimal(t["transaction_amount"]["amount"])
                spent += -amount if amount < 0 else 0
            rows.append({
                "iban": account["iban"],
                "available": f"{available['balance_amount']['amount']} {account['currency']}",
                "spent_last_30_days": f"{spent:.2f} {account['currency']}",
            })
        return rows

    async def pay_bill(self, user_id: str, user_ip: str, iban: str, amount: str) -> str:
        holder, consent_id = self.holder(user_id), self.consents[user_id]
        payment = await holder.payments.initiate(
            "sepa-credit-transfers",
            instructed_amount={"currency": "EUR", "amount": amount},
            creditor_account={"iban": iban},
            creditor_name="Sofia Power Utility",
            remittance_information_unstructured="Invoice 2025-117",
            consent_id=consent_id,
            psu_ip_address=user_ip,
        )
        self.approve_at_the_bank(self.psd2.authorization_url(payment, state=f"pay-{user_id}"))
        status = await holder.payments.get_status("sepa-credit-transfers", payment["payment_id"])
        return str(status["transaction_status"])


async def main() -> None:
    async with Sandbox() as sandbox:
        psd2 = sandbox.psd2(on_tokens=save_tokens)
        app = AccountInformationApp(psd2, approve_at_the_bank=sandbox.psd2_approve)
        await app.connect("user-42", "203.0.113.7")
        print(f"connected; tokens stored for {sorted(TOKENS)}")
        for row in await app.dashboard("user-42", "203.0.113.7"):
            print(json.dumps(row))
        status = await app.pay_bill("user-42", "203.0.113.7", "BG80BNBG96611020345678", "42.10")
        print(f"bill paid: {status}")
        for row in await app.dashboard("user-42", "203.0.113.7"):
            print(json.dumps(row))


if __name__ == "__main__":
    asyncio.run(main())
