"""The same API for code that is not async (Django views, WSGI apps, scripts, celery tasks):

    from mypos.sync import Gateway, MobilePayPos, Psd2Client

    gateway = Gateway(integration={...}, partner_id="mps-p-…", application_id="mps-app-…")
    client = gateway.create_client(client_id="cli_…", client_secret="sec_…")
    page = client.banking.get_accounts(page=1, size=20)          # no await
    for account in client.banking.iter_accounts():                 # a plain iterator
        ...
    pos = MobilePayPos(base_url="https://…", bio_code="1234", access_token="…")
    payment = pos.flows.pay(terminal_id="1001", order_id="A-17", amount="27.06", timeout=120)

Calls run on the SDK's one long-lived runtime in the background, not on a new event loop per
call; the calling thread waits without holding the GIL, so many threads can call at once.
A forked child (gunicorn, celery prefork) gets a runtime and connections of its own.

A waiting call can be interrupted: Ctrl-C (KeyboardInterrupt), a signal handler's exception
(celery's soft time limit) or an exception raised into the thread (a threaded worker's time
limit) ends it, and `MobilePayPos` methods take a `timeout` in seconds for the whole call
(`APITimeoutError` past it). Either way the call is dropped as a cancelled asyncio task is,
and a payment flow cancels its payment on the server before the exception goes on.
"""

from __future__ import annotations

from typing import Any

from . import _client, mobilepay, psd2
from ._api import raw_request_blocking, wait

__all__ = ["Gateway", "MerchantClient", "MobilePayPos", "Psd2Client"]


class MerchantClient(_client.MerchantClient):
    """One merchant's view of the gateway, with blocking methods."""

    _blocking = True

    def request(  # type: ignore[override]
        self, method: str, path: str, *, query: dict[str, Any] | None = None, json: Any = None
    ) -> Any:
        """An authenticated request the SDK does not type yet (see the async `request`)."""
        return raw_request_blocking(self._native, method, path, query, json)


class Gateway(_client.Gateway):
    """One partner integration, for any number of merchants; its clients block."""

    _client_class = MerchantClient


class MobilePayPos(mobilepay.MobilePayPos):
    """A MobilePay point-of-sale client with blocking methods; each takes a `timeout` in
    seconds for the whole call (`flows.pay(..., timeout=120)`)."""

    _blocking = True


class Psd2Client(psd2.Psd2Client):
    """A PSD2 client with blocking methods; the holders' clients it makes block too."""

    _blocking = True

    def exchange_code(  # type: ignore[override]
        self, code: str, *, holder_id: str, redirect_uri: str | None = None
    ) -> Psd2Client:
        """The holder came back with `code`: their client (see the async `exchange_code`)."""
        return self._from_native(wait(self._native.exchange_code_blocking(holder_id, code, redirect_uri)))

    def request(  # type: ignore[override]
        self, method: str, path: str, *, query: dict[str, Any] | None = None, json: Any = None
    ) -> Any:
        """An authenticated request the SDK does not type yet (same tokens and errors)."""
        return raw_request_blocking(self._native, method, path, query, json)
