"""`Psd2Client`: account information and payment initiation on behalf of a myPOS account
holder (Berlin Group NextGenPSD2 XS2A, `/v1/...`).

    psd2 = mypos.Psd2Client(client_id="…", client_secret="…", redirect_uri="https://tpp.example/cb",
                            tls={"client_cert_pem": qwac, "client_key_pem": key}, on_tokens=save)
    consent = await psd2.consents.create(access={"all_psd2": "allAccounts"}, valid_until="2030-12-31",
                                         frequency_per_day=4, recurring_indicator=True, psu_ip_address=ip)
    url = psd2.authorization_url(consent, state=csrf)      # send the holder there
    holder = await psd2.exchange_code(code, holder_id=user_id)  # when they come back
    accounts = await holder.accounts.list(consent_id=consent["consent_id"], with_balance=True)

Every service method is built from the core's table of operations. Answers are dicts with
snake_case keys; an answer's links stay keyed by the API's names (`consent["links"]["scaOAuth"]`).
"""

from __future__ import annotations

import json as _json
import platform
from collections.abc import Callable, Mapping
from typing import Any

from . import _native
from ._api import Namespace, Operations, encode, raw_request, tree

__all__ = ["Psd2Client"]  # the stub (psd2.pyi) also declares DEFAULT_PSD2_URL and TokenListener

DEFAULT_PSD2_URL: str = _native.DEFAULT_PSD2_URL
_OPERATIONS = tree(_json.loads(_native.psd2_operations()))
_HOST = f"{platform.python_implementation()} {platform.python_version()}"

#: Called as `on_tokens(holder_id, tokens)` with every new or rotated token set
#: (`access_token`, `refresh_token`, `expires_at` in seconds since 1970, `scope`), on the
#: SDK's thread: keep it quick. What it raises is logged, not raised into the API call.
TokenListener = Callable[[str, dict[str, Any]], None]


class Psd2Client(Operations):
    """One TPP on the PSD2 API: `psd2.consents`, and, on a holder's client (from
    `exchange_code` or `account_holder`), `accounts`, `card_accounts`, `payments`, `funds`.

    Tokens are the SDK's to keep fresh: a holder's access token is refreshed before it
    expires, one refresh at a time, and `on_tokens` receives each new set to persist.
    `tls` takes `extra_ca_pem`, `client_cert_pem` and `client_key_pem` (PEM text): the bank
    requires the TPP's certificate (mTLS). A malformed setting raises `ConfigError` naming it.
    """

    _blocking = False

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        base_url: str = DEFAULT_PSD2_URL,
        token_url: str | None = None,
        redirect_uri: str | None = None,
        api_key: str | None = None,
        client_auth: str = "body",
        tls: dict[str, str] | None = None,
        on_tokens: TokenListener | None = None,
        timeout: float = 30.0,
        connect_timeout: float = 10.0,
        max_retries: int = 2,
        max_response_bytes: int = 16_777_216,
    ) -> None:
        config = {
            "base_url": base_url,
            "token_url": token_url,
            "client_id": client_id,
            "client_secret": client_secret,
            "client_auth": client_auth,
            "redirect_uri": redirect_uri,
            "api_key": api_key,
            "tls": tls,
            "timeout": timeout,
            "connect_timeout": connect_timeout,
            "max_retries": max_retries,
            "max_response_bytes": max_response_bytes,
            "host": f"python; {_HOST}",
        }
        native = _native.Psd2Client(encode({k: v for k, v in config.items() if v is not None}), on_tokens)
        self._bind(native)

    def _bind(self, native: Any) -> None:
        self._native = native
        call = native.call_blocking if self._blocking else native.call
        self._root = Namespace(call, _OPERATIONS, "psd2", self._blocking)

    @classmethod
    def _from_native(cls, native: Any) -> Psd2Client:
        client = cls.__new__(cls)
        client._bind(native)
        return client

    @property
    def base_url(self) -> str:
        """The base URL calls go to (`url` is the same)."""
        return str(self._native.url)

    @property
    def url(self) -> str:
        return str(self._native.url)

    @property
    def holder_id(self) -> str | None:
        """The account holder this client acts for; None for the TPP's own client."""
        return self._native.holder_id

    @property
    def tokens(self) -> dict[str, Any] | None:
        """The holder's current tokens (what `on_tokens` was last given)."""
        text = self._native.tokens()
        return None if text is None else _json.loads(text)

    def authorization_url(
        self, target: Mapping[str, Any] | str, *, state: str | None = None, redirect_uri: str | None = None
    ) -> str:
        """Where to send the holder to approve: `target` is a created consent or payment (its
        `scaRedirect` or `scaOAuth` link) or the link itself. `state` comes back with the code."""
        return str(self._native.authorization_url(encode(target if isinstance(target, str) else dict(target)), state, redirect_uri))  # type: ignore[arg-type]

    async def exchange_code(self, code: str, *, holder_id: str, redirect_uri: str | None = None) -> Psd2Client:
        """The holder came back with `code`: their client. `holder_id` is your name for them
        (your user id); `on_tokens` receives their tokens under it."""
        return self._from_native(await self._native.exchange_code(holder_id, code, redirect_uri))

    def account_holder(self, holder_id: str, tokens: dict[str, Any]) -> Psd2Client:
        """A holder's client from tokens you kept (what `on_tokens` gave you)."""
        return self._from_native(self._native.account_holder(holder_id, encode(tokens)))

    def with_options(
        self, *, timeout: float | None = None, connect_timeout: float | None = None, max_retries: int | None = None
    ) -> Psd2Client:
        """The same client (same holder and tokens) with other limits for its calls."""
        options = {"timeout": timeout, "connect_timeout": connect_timeout, "max_retries": max_retries}
        return self._from_native(self._native.with_options(encode({k: v for k, v in options.items() if v is not None})))

    async def request(
        self, method: str, path: str, *, query: dict[str, Any] | None = None, json: Any = None
    ) -> Any:
        """An authenticated request the SDK does not type yet (same tokens and errors)."""
        return await raw_request(self._native, method, path, query, json)

    def __repr__(self) -> str:
        return f"Psd2Client(url={self.url!r}, holder_id={self.holder_id!r})"
