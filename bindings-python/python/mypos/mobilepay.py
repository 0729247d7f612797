"""`MobilePayPos`: MobilePay at the point of sale (`api/pos/...`), a second API beside the
Gateway, with its own credentials (the merchant's `bio_code` and long-lived `access_token`).

    pos = mypos.MobilePayPos(base_url="https://…", bio_code="1234", access_token="…")
    payment = await pos.flows.pay(terminal_id="1001", order_id="A-17", amount="27.06")

Every method is built from the core's table of operations; the typed signatures are in the
generated `mobilepay.pyi`. Cancelling the task that awaits a flow (`asyncio.timeout`,
`task.cancel()`) cancels its payment on the server.
"""

from __future__ import annotations

import json as _json
import platform
from typing import Any

from . import _native
from ._api import Namespace, Operations, encode, tree

__all__ = ["MobilePayPos"]

_OPERATIONS = tree(_json.loads(_native.mobilepay_operations()))
_HOST = f"{platform.python_implementation()} {platform.python_version()}"


class MobilePayPos(Operations):
    """A MobilePay point-of-sale client for one merchant: `pos.payments`, `pos.refunds`,
    `pos.manage` and `pos.flows`. Its `bio_code` and `access_token` go with every call; the
    token never shows in a repr, a log or a logged URL.

    `access_token` may be left out only to create the first one with
    `pos.manage.create_token()`; `with_access_token` then gives a client that uses it.
    The configuration is checked here: a malformed field raises `ConfigError` naming it.
    """

    _blocking = False

    def __init__(
        self,
        *,
        base_url: str,
        bio_code: str,
        access_token: str | None = None,
        timeout: float = 30.0,
        connect_timeout: float = 10.0,
        max_retries: int = 2,
        max_response_bytes: int = 16_777_216,
    ) -> None:
        config = {
            "base_url": base_url,
            "bio_code": bio_code,
            "access_token": access_token,
            "timeout": timeout,
            "connect_timeout": connect_timeout,
            "max_retries": max_retries,
            "max_response_bytes": max_response_bytes,
            "host": f"python; {_HOST}",
        }
        self._bind(_native.MobilePayPos(encode({k: v for k, v in config.items() if v is not None})))

    def _bind(self, native: Any) -> None:
        self._native = native
        call = native.call_blocking if self._blocking else native.call
        # Sync methods take a `timeout` for the whole call: a flow waits for a customer.
        self._root = Namespace(call, _OPERATIONS, "pos", self._blocking, deadline=self._blocking)

    @classmethod
    def _from_native(cls, native: Any) -> MobilePayPos:
        pos = cls.__new__(cls)
        pos._bind(native)
        return pos

    @property
    def base_url(self) -> str:
        return str(self._native.base_url)

    @property
    def bio_code(self) -> str:
        return str(self._native.bio_code)

    def with_options(
        self, *, timeout: float | None = None, connect_timeout: float | None = None, max_retries: int | None = None
    ) -> MobilePayPos:
        """The same merchant, token and connections with other limits for the calls made
        through it (seconds), as a Gateway merchant client's `with_options`."""
        options = {"timeout": timeout, "connect_timeout": connect_timeout, "max_retries": max_retries}
        return self._from_native(self._native.with_options(encode({k: v for k, v in options.items() if v is not None})))

    def with_access_token(self, access_token: str) -> MobilePayPos:
        """The same merchant and connections with another access token, e.g. the one
        `manage.create_token()` or `manage.reset_token()` answered with (its `message`)."""
        return self._from_native(self._native.with_access_token(access_token))

    def __repr__(self) -> str:
        token = "…" if self._native.has_access_token else None
        return f"MobilePayPos(base_url={self.base_url!r}, bio_code={self.bio_code!r}, access_token={token!r})"

