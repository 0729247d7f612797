"""The same API for code that is not async (Django views, WSGI apps, scripts, celery tasks):

    from mypos.sync import Gateway

    gateway = Gateway(integration={...}, partner_id="mps-p-…", application_id="mps-app-…")
    client = gateway.create_client(client_id="cli_…", client_secret="sec_…")
    page = client.banking.get_accounts(page=1, size=20)          # no await
    for account in client.banking.iter_accounts():                 # a plain iterator
        ...

Calls run on the SDK's one long-lived runtime in the background, not on a new event loop per
call; the calling thread waits without holding the GIL, so many threads can call at once.
A forked child (gunicorn, celery prefork) gets a runtime and connections of its own.
"""

from __future__ import annotations

import json
from typing import Any

from . import _client
from ._api import encode

__all__ = ["Gateway", "MerchantClient"]


class MerchantClient(_client.MerchantClient):
    """One merchant's view of the gateway, with blocking methods."""

    _blocking = True

    def request(  # type: ignore[override]
        self, method: str, path: str, *, query: dict[str, Any] | None = None, json: Any = None
    ) -> Any:
        """An authenticated request the SDK does not type yet (see the async `request`)."""
        spec = {"method": method, "path": path, "query": query or {}, "json": json}
        return _loads(self._native.raw_blocking(encode(spec)))


class Gateway(_client.Gateway):
    """One partner integration, for any number of merchants; its clients block."""

    _client_class = MerchantClient


_loads = json.loads
