"""The myPOS side of a salon booking app, as a FastAPI backend: salons register their own
merchant credentials (`cli_…` / `sec_…`); the app lists their terminals, starts a payment on
one at checkout and polls it, and issues payment links for deposits.

    pip install -r examples/python/requirements.txt   # plus the `mypos` package (README)
    uvicorn booking_app:app --app-dir examples/python

It uses a sandbox started in this process unless MYPOS_CLIENT_ID is set; then MYPOS_CLIENT_ID,
MYPOS_CLIENT_SECRET, MYPOS_PARTNER_ID, MYPOS_APPLICATION_ID (and MYPOS_GATEWAY_URL, the demo
gateway by default) name your partner integration.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Optional

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

import mypos
from mypos.testing import Sandbox
from mypos.types import Payment


def make_gateway() -> tuple[mypos.Gateway, Optional[Sandbox]]:
    """The one Gateway of this process (it owns the connection pool and the partner token),
    and the sandbox behind it when no real gateway is configured."""
    env = os.environ
    if env.get("MYPOS_CLIENT_ID"):
        gateway = mypos.Gateway(
            gateway_url=env.get("MYPOS_GATEWAY_URL", mypos.DEMO_GATEWAY_URL),
            integration={"client_id": env["MYPOS_CLIENT_ID"], "client_secret": env["MYPOS_CLIENT_SECRET"]},
            partner_id=env["MYPOS_PARTNER_ID"],
            application_id=env["MYPOS_APPLICATION_ID"],
        )
        return gateway, None
    sandbox = Sandbox().start()
    return sandbox.gateway(), sandbox


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.gateway, app.state.sandbox = make_gateway()
    app.state.merchants = {}  # merchant id → Merchant; use your database instead
    try:
        yield
    finally:
        if app.state.sandbox is not None:
            app.state.sandbox.stop()


app = FastAPI(title="Salon bookings on myPOS", lifespan=lifespan)


@dataclass
class Merchant:
    id: str
    name: str
    client: mypos.MerchantClient  # holds the secret; it never prints it, and neither do we

    def public(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "client_id": self.client.client_id}


# One place turns SDK errors into HTTP answers; the first class that matches decides. Errors
# about what the caller sent are 400s; the rest mean myPOS could not do it: 502, not 500.
STATUS_OF_ERROR: list[tuple[type[mypos.MyPOSError], int]] = [
    (mypos.ConfigError, 400),  # malformed credentials: `field` names which
    (mypos.InvalidRequestError, 400),  # a bad argument, caught before sending
    (mypos.BadRequestError, 400),  # myPOS refused a value (e.g. a currency the salon lacks)
    (mypos.AuthError, 400),  # myPOS refused the stored credentials
    (mypos.NotFoundError, 404),
    (mypos.ConflictError, 409),  # e.g. the payment is already finished
]


@app.exception_handler(mypos.MyPOSError)
async def mypos_error(request: Request, error: mypos.MyPOSError) -> JSONResponse:
    status = next((s for cls, s in STATUS_OF_ERROR if isinstance(error, cls)), 502)
    body: dict[str, Any] = {"detail": error.message, "code": error.code}
    for extra in ("field", "errors", "reference_number"):  # whichever this error carries
        if getattr(error, extra, None):
            body[extra] = getattr(error, extra)
    # PaymentUnconfirmedError (502): the payment may exist; find it by `reference_number`
    # (epos.payments.list) before charging again.
    return JSONResponse(body, status_code=status)


class NewMerchant(BaseModel):
    name: str
    client_id: str
    client_secret: str


@app.post("/merchants", status_code=201)
async def register_merchant(new: NewMerchant, request: Request) -> dict[str, Any]:
    client = request.app.state.gateway.create_client(client_id=new.client_id, client_secret=new.client_secret)
    # Verify now, with the cheapest authenticated call, so a typo shows at sign-up and not at
    # the first checkout. Wrong credentials raise AuthError → 400 (see above).
    await client.epos.terminals.list(size=1)
    merchant = Merchant(id="m_" + secrets.token_hex(8), name=new.name, client=client)
    request.app.state.merchants[merchant.id] = merchant
    return {**merchant.public(), "verified": True}


def merchant(merchant_id: str, request: Request) -> Merchant:
    """The merchant named in the path (a FastAPI dependency)."""
    found: Optional[Merchant] = request.app.state.merchants.get(merchant_id)
    if found is None:
        raise HTTPException(404, f"no merchant {merchant_id!r}")
    return found


@app.get("/merchants/{merchant_id}")
async def get_merchant(m: Merchant = Depends(merchant)) -> dict[str, Any]:
    return m.public()


@app.get("/merchants/{merchant_id}/devices")
async def list_devices(m: Merchant = Depends(merchant)) -> dict[str, Any]:
    # list_all fetches page after page as the loop consumes them.
    return {"devices": [t async for t in m.client.epos.terminals.list_all(size=100)]}


class NewPayment(BaseModel):
    terminal_id: str
    amount: int = Field(gt=0, description="minor units: 2500 is 25.00")
    currency: str = "EUR"  # the terminal's currency
    description: Optional[str] = None
    booking_id: Optional[str] = Field(None, max_length=50)


# response_model=None: answer the SDK's dict as it is (typed by mypos.types for your editor).
@app.post("/merchants/{merchant_id}/payments", status_code=201, response_model=None)
async def start_payment(new: NewPayment, m: Merchant = Depends(merchant)) -> Payment:
    # The booking id becomes the payment's reference: if the answer is lost, the SDK finds the
    # payment by it instead of charging twice (or raises PaymentUnconfirmedError → 502).
    return await m.client.epos.payments.create(
        terminal_id=new.terminal_id,
        amount={"value": new.amount, "currency_code": new.currency},
        description=new.description,
        reference_number=new.booking_id,
        app_name="Salon bookings",
    )


@app.get("/merchants/{merchant_id}/payments/{payment_id}", response_model=None)
async def get_payment(payment_id: str, m: Merchant = Depends(merchant)) -> Payment:
    # `status` stays `InProgress` until the terminal finishes: `Success`, `Failed`, … Poll
    # every second or two from the front end.
    return await m.client.epos.payments.get(payment_id)


class NewPaymentLink(BaseModel):
    item_name: str
    price: str = Field(description='major units, as myPOS links take them: "25.00"')
    currency: str = "EUR"  # one of the salon's settlement currencies
    quantity: int = Field(1, ge=1)


@app.post("/merchants/{merchant_id}/payment-links", status_code=201)
async def create_payment_link(new: NewPaymentLink, m: Merchant = Depends(merchant)) -> dict[str, Any]:
    # For deposits and no-show fees; answers {"code", "url"}: send the url to the client.
    link = await m.client.ecommerce.payment_links.create(
        item_name=new.item_name, custom_name=new.item_name, item_price=new.price,
        currency=new.currency, quantity=new.quantity,
    )
    return dict(link)


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, port=int(os.environ.get("PORT", "8000")))
