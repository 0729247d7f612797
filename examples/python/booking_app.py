"""The myPOS side of a salon booking app, as a FastAPI backend, following a booking app's myPOS
settings page: salons enter their Client ID and Client Secret (the merchant credentials
`cli_…` / `sec_…`; verified on the spot) and enable or disable the API; they add devices,
enable or disable them for checkout and remove them; the app starts a payment on a device at
checkout and follows its status, lists transactions, and issues payment links for deposits.

    pip install -r examples/python/requirements.txt   # plus the `mypos` package (README)
    uvicorn booking_app:app --app-dir examples/python

It starts a local sandbox (the mypos-sandbox program) unless MYPOS_CLIENT_ID is set; then MYPOS_CLIENT_ID,
MYPOS_CLIENT_SECRET, MYPOS_PARTNER_ID, MYPOS_APPLICATION_ID (and MYPOS_GATEWAY_URL, the demo
gateway by default) name your partner integration.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
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
class Device:
    """The app's own settings of one device."""

    enabled: bool = True
    #: The code its activation answered, for a device added here (it names it for removal).
    activation_code: Optional[str] = None


@dataclass
class Merchant:
    id: str
    name: str
    client: mypos.MerchantClient  # holds the secret; it never prints it, and neither do we
    api_enabled: bool = True
    devices: dict[str, Device] = field(default_factory=dict)  # terminal id → settings

    def public(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "client_id": self.client.client_id, "api_enabled": self.api_enabled}

    def device(self, terminal_id: str) -> Device:
        return self.devices.get(terminal_id, Device())


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
    enable_api: bool = True


# Settings → API Keys → MyPOS: "Client ID" and "Client Secret" are the merchant credentials
# (`cli_…` / `sec_…`, from Partner Portal → Merchants); the partner's own credentials stay in
# this server's environment. An id of another form (a merchant account's `XX-0000-0000` API
# id) is refused by the SDK with ConfigError naming `client_id` → 400.
@app.post("/merchants", status_code=201)
async def register_merchant(new: NewMerchant, request: Request) -> dict[str, Any]:
    client = request.app.state.gateway.create_client(client_id=new.client_id, client_secret=new.client_secret)
    # "Verify your Client ID and Client Secret": the cheapest authenticated call, so a typo
    # shows now and not at the first checkout. Wrong credentials raise AuthError → 400.
    await client.epos.terminals.list(size=1)
    merchant = Merchant(id="m_" + secrets.token_hex(8), name=new.name, client=client, api_enabled=new.enable_api)
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


class Settings(BaseModel):
    enable_api: Optional[bool] = None


@app.patch("/merchants/{merchant_id}")
async def change_settings(settings: Settings, m: Merchant = Depends(merchant)) -> dict[str, Any]:
    # "Enable API": payments need it on; the credentials were verified when they were saved.
    if settings.enable_api is not None:
        m.api_enabled = settings.enable_api
    return m.public()


@app.get("/merchants/{merchant_id}/devices")
async def list_devices(m: Merchant = Depends(merchant)) -> dict[str, Any]:
    # list_all fetches page after page as the loop consumes them.
    return {
        "devices": [
            {**t, "enabled": m.device(t["terminal_id"]).enabled} async for t in m.client.epos.terminals.list_all(size=100)
        ]
    }


@app.post("/merchants/{merchant_id}/devices", status_code=201)
async def add_device(m: Merchant = Depends(merchant)) -> dict[str, Any]:
    # "Add Device": myPOS provisions a terminal and answers the code to enter on the device.
    activation = await m.client.epos.terminals.activate()
    terminal_id = activation["terminal_id"]
    m.devices[terminal_id] = Device(activation_code=activation["code"])
    return {"terminal_id": terminal_id, "activation_code": activation["code"], "enabled": True}


class DeviceChange(BaseModel):
    enabled: bool


@app.patch("/merchants/{merchant_id}/devices/{terminal_id}")
async def change_device(terminal_id: str, change: DeviceChange, m: Merchant = Depends(merchant)) -> dict[str, Any]:
    # "Enable/Disable": whether checkout may use the device (the app's setting; myPOS keeps it).
    device = m.devices.setdefault(terminal_id, Device())
    device.enabled = change.enabled
    return {"terminal_id": terminal_id, "enabled": device.enabled}


@app.delete("/merchants/{merchant_id}/devices/{terminal_id}", status_code=204)
async def remove_device(terminal_id: str, m: Merchant = Depends(merchant)) -> None:
    # "Remove Device": takes it out of service at myPOS (named by the code its activation
    # answered) and forgets it. A device added elsewhere is removed in the myPOS account.
    device = m.devices.get(terminal_id)
    if device is None or device.activation_code is None:
        raise HTTPException(409, "this device was not added here; remove it in the myPOS account")
    await m.client.epos.terminals.deactivate(code=device.activation_code)
    del m.devices[terminal_id]


@app.get("/merchants/{merchant_id}/transactions")
async def list_transactions(
    from_date: Optional[str] = None, to_date: Optional[str] = None, m: Merchant = Depends(merchant)
) -> dict[str, Any]:
    # "Transaction status can be monitored": the card transactions of the salon's terminals.
    return dict(await m.client.epos.terminals.get_transactions(from_date=from_date, to_date=to_date, size=100))


class NewPayment(BaseModel):
    terminal_id: str
    amount: int = Field(gt=0, description="minor units: 2500 is 25.00")
    currency: str = "EUR"  # the terminal's currency
    description: Optional[str] = None
    booking_id: Optional[str] = Field(None, max_length=50)


# response_model=None: answer the SDK's dict as it is (typed by mypos.types for your editor).
@app.post("/merchants/{merchant_id}/payments", status_code=201, response_model=None)
async def start_payment(new: NewPayment, m: Merchant = Depends(merchant)) -> Payment:
    if not m.api_enabled:
        raise HTTPException(409, "the MyPOS API is disabled in the settings")
    if not m.device(new.terminal_id).enabled:
        raise HTTPException(409, f"device {new.terminal_id} is disabled in the settings")
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
        item_name=new.item_name, item_price=new.price,
        currency=new.currency, quantity=new.quantity,
    )
    return dict(link)


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, port=int(os.environ.get("PORT", "8000")))
