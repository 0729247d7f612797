"""Test your integration against a local myPOS sandbox: no credentials, no network.

    from mypos.testing import Sandbox

    async def test_lists_accounts():
        async with Sandbox() as sandbox:
            client = sandbox.client()
            page = await client.banking.get_accounts()
            assert page["items"]

The sandbox runs inside this process (in the SDK's Rust runtime) on 127.0.0.1 and keeps
state: tokens, sessions, accounts, a log of every request. The control methods below drive it.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from types import TracebackType
from typing import Any

from . import _native
from ._client import Gateway, MerchantClient

__all__ = ["Sandbox", "SANDBOX_CREDENTIALS"]

#: The credentials the sandbox accepts. Any merchant `cli_<X>` / `sec_<X>` is accepted too.
SANDBOX_CREDENTIALS: dict[str, Any] = json.loads(_native.SANDBOX_CREDENTIALS)


class Sandbox:
    """A local, stateful myPOS sandbox. Use it as a (sync or async) context manager, or call
    `start()` and `stop()`."""

    def __init__(self, *, port: int = 0) -> None:
        self._port = port
        self._native: Any = None

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> Sandbox:
        if self._native is None:
            self._native = _native.Sandbox(self._port)
        return self

    def stop(self) -> None:
        if self._native is not None:
            self._native.stop()
            self._native = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: tuple[type[BaseException] | None, BaseException | None, TracebackType | None]) -> None:
        self.stop()

    async def __aenter__(self) -> Sandbox:
        return self.start()

    async def __aexit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._native is None:
            raise RuntimeError("the sandbox is not running; call start() or use it as a context manager")
        return str(self._native.url)

    # -- clients ---------------------------------------------------------------------------

    def gateway(self, **overrides: Any) -> Gateway:
        """A `Gateway` on this sandbox with its seeded partner credentials; any argument of
        `Gateway` can be overridden."""
        options: dict[str, Any] = {
            "gateway_url": self.url,
            "integration": dict(SANDBOX_CREDENTIALS["integration"]),
            "partner_id": SANDBOX_CREDENTIALS["partner_id"],
            "application_id": SANDBOX_CREDENTIALS["application_id"],
        }
        options.update(overrides)
        return Gateway(**options)

    def client(self, client_id: str | None = None, *, gateway: Gateway | None = None) -> MerchantClient:
        """A merchant client: the seeded merchant, or `cli_<X>` (its secret is `sec_<X>`)."""
        client_id = client_id or SANDBOX_CREDENTIALS["merchant"]["client_id"]
        secret = "sec_" + client_id.removeprefix("cli_")
        return (gateway or self.gateway()).create_client(client_id=client_id, client_secret=secret)

    # -- control ---------------------------------------------------------------------------

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """Calls the sandbox's control API (`/_sandbox/...`); returns the decoded answer."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}/_sandbox/{path.lstrip('/')}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"} if data is not None else {},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                text = response.read().decode()
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"sandbox control {method} {path} failed: HTTP {e.code} {e.read().decode()}") from None
        return json.loads(text) if text else None

    def requests(self, method: str | None = None, path: str | None = None) -> list[dict[str, Any]]:
        """The request log (identity and business calls; `authorization` and `x-session`
        redacted), optionally only those with this method and path."""
        query = urllib.parse.urlencode({k: v for k, v in {"method": method, "path": path}.items() if v})
        return list(self.control("GET", f"requests?{query}" if query else "requests")["requests"])

    def count(self, method: str, path: str) -> int:
        """How many logged requests had this method and exact path."""
        return len(self.requests(method, path))

    def clear_requests(self) -> None:
        self.control("DELETE", "requests")

    def stats(self) -> dict[str, int]:
        """`oauth_tokens_issued`, `sessions_issued`, `requests`."""
        return dict(self.control("GET", "stats"))

    def expire(self, *, tokens: bool = False, sessions: bool = False) -> None:
        """Expires every partner token and/or merchant session issued so far."""
        self.control("POST", "expire", {"tokens": tokens, "sessions": sessions})

    def set_lifetimes(self, *, token: int | None = None, session: int | None = None) -> None:
        """Lifetimes, in seconds, of tokens and sessions issued from now on."""
        body = {"token_lifetime_secs": token, "session_lifetime_secs": session}
        self.control("PUT", "lifetimes", {k: v for k, v in body.items() if v is not None})

    def inject_fault(
        self, path: str, kind: str = "status", *, method: str | None = None, count: int = 1, **fields: Any
    ) -> int:
        """Makes the next `count` requests to `path` (exact, or a prefix ending in `*`) misbehave;
        returns the fault's id. `kind` is one of `status` (`status=503`, optional `body`,
        `headers`), `delay` (`delay_ms=`), `drop_before_headers` (optional `after_handler=True`),
        `drop_after_headers`, `malformed_json`, `html` (optional `status`), `truncated_body`,
        `expire_session`. See the sandbox README for what each does.

            sandbox.inject_fault("/accounting/v1/accounts", status=503, count=2, headers={"Retry-After": "1"})
        """
        body: dict[str, Any] = {"path": path, "kind": kind, "count": count, **fields}
        if method is not None:
            body["method"] = method
        return int(self.control("POST", "faults", body)["id"])

    def faults(self) -> list[dict[str, Any]]:
        """The pending faults, oldest first, each with its `id` and remaining `count`."""
        return list(self.control("GET", "faults")["faults"])

    def clear_faults(self) -> None:
        """Drops every pending fault."""
        self.control("DELETE", "faults")

    # -- the simulated terminal (ePOS) ------------------------------------------------------
    # A payment waits `InProgress` until one of these finishes it; each returns the payment
    # as `client.epos.payments.get` would. A payment already finished raises RuntimeError (409).

    def approve_payment(self, payment_id: str, *, card_scheme: str | None = None) -> dict[str, Any]:
        """The card is read and approved: `Success`, with card details, a terminal
        transaction and a receipt. `card_scheme`: `VISA` (default), `MASTERCARD` or `MAESTRO`."""
        body = {"card_scheme": card_scheme} if card_scheme else None
        return dict(self.control("POST", f"epos/payments/{payment_id}/approve", body))

    def decline_payment(self, payment_id: str, *, status: str = "Failed") -> dict[str, Any]:
        """The issuer declines (`status="Failed"`) or the terminal refuses (`"Rejected"`)."""
        return dict(self.control("POST", f"epos/payments/{payment_id}/decline", {"status": status}))

    def time_out_payment(self, payment_id: str) -> dict[str, Any]:
        """No card is presented before the terminal gives up: `Failed`."""
        return dict(self.control("POST", f"epos/payments/{payment_id}/timeout"))

    def drive_terminal(self, terminal_id: str, action: str, **body: Any) -> dict[str, Any]:
        """Finishes the payment terminal `terminal_id` is busy with; `action` is `approve`,
        `decline` or `timeout`, `body` as for the payment methods (`status`, `card_scheme`)."""
        return dict(self.control("POST", f"terminals/{terminal_id}/{action}", body or None))

    def __repr__(self) -> str:
        state = self._native.url if self._native is not None else "stopped"
        return f"Sandbox({state})"
