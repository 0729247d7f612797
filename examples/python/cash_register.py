"""A cash register taking MobilePay payments at a till (`mypos.MobilePayPos`).

Runs against a local sandbox, with a simulated customer, unless MOBILEPAY_BASE_URL,
MOBILEPAY_BIO_CODE, MOBILEPAY_ACCESS_TOKEN and MOBILEPAY_TERMINAL_ID name a real service
(then the customer is real: scan the terminal's QR code with the MobilePay app).

    python examples/python/cash_register.py
"""

from __future__ import annotations

import asyncio
import os
from decimal import Decimal

import mypos
from mypos.testing import Sandbox
from mypos.types import MobilePayPaymentDetails

#: How long a customer may take to accept before the register gives up (and the payment is
#: cancelled, so the till is free for the next one).
PATIENCE_SECONDS = 120


class CashRegister:
    def __init__(self, pos: mypos.MobilePayPos, terminal_id: str) -> None:
        self.pos = pos
        self.terminal_id = terminal_id
        self.receipts = 0

    async def open(self) -> None:
        """After a restart: a payment left active on the till would block every new one."""
        recovered = await self.pos.flows.recover(terminal_id=self.terminal_id)
        for payment_id in recovered["cancelled_payment_ids"]:
            print(f"  cancelled payment {payment_id}, left over from before the restart")
        qr = await self.pos.payments.qr_code(terminal_id=self.terminal_id)
        print(f"  till {self.terminal_id} is open; customers check in at {qr['qrcode_imagelink']}")

    def order_id(self) -> str:
        self.receipts += 1
        return f"till{self.terminal_id}-{self.receipts:04d}"

    async def sell(self, items: dict[str, Decimal]) -> MobilePayPaymentDetails | None:
        """Direct flow: the total is known, so start, wait for the customer, capture."""
        total = sum(items.values(), Decimal(0))
        print(f"  {', '.join(items)}: {total} DKK, waiting for the customer's MobilePay …")
        flow = self.pos.flows.pay(terminal_id=self.terminal_id, order_id=self.order_id(), amount=total)
        try:
            payment = await asyncio.wait_for(flow, PATIENCE_SECONDS)
        except mypos.PaymentNotCompletedError as e:
            print(f"  not paid ({e.payment_status}); ask for another way to pay")
            return None
        except asyncio.TimeoutError:
            print("  the customer did not accept in time; the payment is cancelled")
            return None
        print(f"  paid {payment['amount']} {payment['currency_code']} (payment {payment['payment_id']})")
        return payment

    async def sell_while_scanning(self, items: dict[str, Decimal]) -> MobilePayPaymentDetails | None:
        """Prepared flow: the customer checks in while the items are still being scanned."""
        order_id = self.order_id()
        prepared = await self.pos.payments.prepare(terminal_id=self.terminal_id, order_id=order_id)
        total = Decimal(0)
        for name, price in items.items():
            await asyncio.sleep(0.1)  # the beep of the scanner
            total += price
            print(f"  scanned {name} ({price}), total {total}")
        flow = self.pos.flows.pay_prepared(
            payment_id=prepared["payment_id"], order_id=order_id, terminal_id=self.terminal_id, amount=total
        )
        try:
            payment = await asyncio.wait_for(flow, PATIENCE_SECONDS)
        except (mypos.PaymentNotCompletedError, asyncio.TimeoutError) as e:
            print(f"  not paid: {e}")
            return None
        print(f"  paid {payment['amount']} {payment['currency_code']} (payment {payment['payment_id']})")
        return payment

    async def refund(self, payment: MobilePayPaymentDetails, amount: Decimal) -> None:
        """Gives part of a captured payment back: create, wait until reserved, capture."""
        refund_id = (
            await self.pos.refunds.create(payment_id=payment["payment_id"], refund_order_id=self.order_id(), amount=amount)
        )["refund_id"]
        while (details := await self.pos.refunds.details(refund_id=refund_id))["status"] == "Initiated":
            await asyncio.sleep((details["poll_delay_in_ms"] or 1000) / 1000)
        if details["status"] == "Reserved":
            await self.pos.refunds.capture(refund_id=refund_id)
        print(f"  refunded {amount} of payment {payment['payment_id']}")


async def simulated_customer(sandbox: Sandbox, terminal_id: str, *, rejects: set[str]) -> None:
    """In the sandbox: a customer at the till checks in when a payment waits and accepts it,
    unless its order is one they reject."""
    while True:
        for payment in sandbox.mobilepay_payments(terminal_id):
            if payment["status"] in ("Initiated", "Prepared"):
                await asyncio.sleep(0.3)  # walks up, opens the app
                sandbox.mobilepay_checkin(terminal_id)
            elif payment["status"] == "IssuedToUser":
                await asyncio.sleep(0.3)  # reads the amount
                if payment["order_id"] in rejects:
                    sandbox.mobilepay_reject(payment["payment_id"])
                else:
                    sandbox.mobilepay_accept(payment["payment_id"])
        await asyncio.sleep(0.05)


async def business_day(register: CashRegister) -> None:
    await register.open()
    print("Customer 1 buys popcorn and a ticket:")
    first = await register.sell({"ticket": Decimal("95.00"), "popcorn": Decimal("42.50")})
    print("Customer 2 checks in while their order is scanned:")
    await register.sell_while_scanning({"cola": Decimal("29.00"), "nachos": Decimal("39.95")})
    print("Customer 3 changes their mind:")
    await register.sell({"candy": Decimal("19.00")})
    if first is not None:
        print("Customer 1 returns the popcorn:")
        await register.refund(first, Decimal("42.50"))


async def main() -> None:
    if "MOBILEPAY_BASE_URL" in os.environ:
        pos = mypos.MobilePayPos(
            base_url=os.environ["MOBILEPAY_BASE_URL"],
            bio_code=os.environ["MOBILEPAY_BIO_CODE"],
            access_token=os.environ["MOBILEPAY_ACCESS_TOKEN"],
        )
        await business_day(CashRegister(pos, os.environ["MOBILEPAY_TERMINAL_ID"]))
        return
    async with Sandbox() as sandbox:
        print(f"Using a local sandbox at {sandbox.url} with a simulated customer")
        register = CashRegister(sandbox.mobilepay(), "1001")
        # The third order of the day (till1001-0003) is the one the customer rejects.
        customer = asyncio.create_task(simulated_customer(sandbox, "1001", rejects={"till1001-0003"}))
        try:
            await business_day(register)
        finally:
            customer.cancel()


if __name__ == "__main__":
    asyncio.run(main())
