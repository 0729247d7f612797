"""`Gateway` and `MerchantClient`, the entry points."""

from __future__ import annotations

import base64
import json as _json  # `json` is a parameter name below
import platform
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from . import _native
from ._api import Namespace, Operations, encode, raw_request, tree
from .errors import ConfigError

DEMO_GATEWAY_URL: str = _native.DEMO_GATEWAY_URL
PRODUCTION_GATEWAY_URL: str = _native.PRODUCTION_GATEWAY_URL

_GATEWAY_OPERATIONS = tree(_json.loads(_native.gateway_operations()))
_HOST = f"{platform.python_implementation()} {platform.python_version()}"


class RedisTokenStore:
    """A Redis server the processes of a fleet share the partner token and merchant sessions
    through: the fleet fetches one token, and one session per merchant, instead of one per
    process. Pass it to `Gateway(..., token_store=...)`.

    `encryption_key`: 32 bytes, or their base64 text (`openssl rand -base64 32`); tokens and
    sessions are encrypted with it in Redis. Required unless `unencrypted=True`.
    `key_prefix` starts every key the SDK writes. The URL's password never shows in `repr`.
    """

    __slots__ = ("_url", "_encryption_key", "key_prefix", "unencrypted")

    def __init__(
        self,
        url: str,
        *,
        encryption_key: bytes | str | None = None,
        key_prefix: str = "mypos",
        unencrypted: bool = False,
    ) -> None:
        if isinstance(encryption_key, (bytes, bytearray, memoryview)):
            encryption_key = base64.b64encode(bytes(encryption_key)).decode()
        self._url = url
        self._encryption_key = encryption_key
        self.key_prefix = key_prefix
        self.unencrypted = unencrypted

    def _settings(self) -> dict[str, Any]:
        return {
            "url": self._url,
            "encryption_key": self._encryption_key,
            "key_prefix": self.key_prefix,
            "unencrypted": self.unencrypted,
        }

    def __repr__(self) -> str:
        try:
            parts = urlsplit(self._url)
            host = parts.netloc.rpartition("@")[2]
            url = urlunsplit(parts._replace(netloc=f"***@{host}" if "@" in parts.netloc else host))
        except ValueError:
            url = "<unparsable url>"
        encrypted = self._encryption_key is not None
        return f"RedisTokenStore(url={url!r}, key_prefix={self.key_prefix!r}, encrypted={encrypted})"


class Gateway:
    """One partner integration on one myPOS gateway, for any number of merchants.

    Owns the connection pool and the partner's OAuth token; merchant clients share both.
    The configuration is checked here, before any request: a malformed field raises
    `ConfigError` naming it.
    """

    def __init__(
        self,
        *,
        gateway_url: str = DEMO_GATEWAY_URL,
        integration: dict[str, str],
        partner_id: str,
        application_id: str,
        timeout: float = 30.0,
        connect_timeout: float = 10.0,
        max_retries: int = 2,
        max_response_bytes: int = 16_777_216,
        tls: dict[str, str] | None = None,
        token_store: RedisTokenStore | None = None,
    ) -> None:
        if token_store is not None and not isinstance(token_store, RedisTokenStore):
            raise ConfigError("invalid configuration: `token_store` must be a mypos.RedisTokenStore or None", field="token_store")
        config = {
            "gateway_url": gateway_url,
            "integration": integration,
            "partner_id": partner_id,
            "application_id": application_id,
            "timeout": timeout,
            "connect_timeout": connect_timeout,
            "max_retries": max_retries,
            "max_response_bytes": max_response_bytes,
            "host": f"python; {_HOST}",
            # `extra_ca_pem`, `client_cert_pem`, `client_key_pem` (PEM text), as for PSD2.
            "tls": tls,
            # Shared by the processes of a fleet; this process only when None.
            "token_store": None if token_store is None else token_store._settings(),
        }
        self._native = _native.Gateway(encode(config))
        self._partner_id = partner_id

    @property
    def base_url(self) -> str:
        """The base URL calls go to (`url` is the same)."""
        return self._native.url

    @property
    def url(self) -> str:
        return self._native.url

    def close(self) -> None:
        """Closes pooled connections; calls through this gateway's clients then raise
        `ConfigError`. `with Gateway(...) as gateway:` (or `async with`) closes at the end."""
        self._native.close()

    def __enter__(self) -> Gateway:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def __aenter__(self) -> Gateway:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()

    def create_client(self, *, client_id: str, client_secret: str) -> MerchantClient:
        """A client for one merchant (`cli_…` / `sec_…`). Its session is opened on first use."""
        return self._client_class(self._native.create_client(client_id, client_secret))

    _client_class: type[MerchantClient]

    def __repr__(self) -> str:
        return f"Gateway(url={self.url!r}, partner_id={self._partner_id!r})"


class MerchantClient(Operations):
    """One merchant's view of the gateway: `client.banking`, …. Cheap to create."""

    _blocking = False

    def __init__(self, native: Any) -> None:
        self._native = native
        call = native.call_blocking if self._blocking else native.call
        self._root = Namespace(call, _GATEWAY_OPERATIONS, "client", self._blocking)

    @property
    def client_id(self) -> str:
        return self._native.client_id

    def with_options(
        self,
        *,
        timeout: float | None = None,
        max_retries: int | None = None,
        connect_timeout: float | None = None,
    ) -> MerchantClient:
        """The same merchant (same session) with other limits for calls made through it:
        `await client.with_options(timeout=5, max_retries=0).banking.get_accounts()`.
        `timeout` is in seconds and covers every attempt; 0 retries disables retrying;
        `connect_timeout` bounds opening each connection."""
        options = {"timeout": timeout, "max_retries": max_retries, "connect_timeout": connect_timeout}
        return type(self)(self._native.with_options(encode({k: v for k, v in options.items() if v is not None})))

    async def request(
        self, method: str, path: str, *, query: dict[str, Any] | None = None, json: Any = None
    ) -> Any:
        """An authenticated request the SDK does not type yet, e.g.
        `await client.request("GET", "/accounting/v1/accounts", query={"page": 2})`.

        Same tokens, replay and errors as every typed method; `query` and `json` are sent and
        the answer returned as the API spells them (no renaming)."""
        return await raw_request(self._native, method, path, query, json)

    def __repr__(self) -> str:
        return f"MerchantClient(client_id={self.client_id!r})"


Gateway._client_class = MerchantClient
