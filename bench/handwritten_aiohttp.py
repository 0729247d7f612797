"""The fastest client a Python user would write by hand: one aiohttp session (one keep-alive
pool for every merchant), the partner token and one session per merchant cached until shortly
before they expire, each fetched once however many calls wait for it (single flight), the four
headers built once per credential, a 401 answered by fresh credentials and one replay. Plain
dicts back.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import aiohttp


class HandWrittenGateway:
    def __init__(self, url: str, *, integration: dict[str, str], partner_id: str, application_id: str) -> None:
        self.url = url.rstrip("/")
        self.http = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=100, keepalive_timeout=60),
            timeout=aiohttp.ClientTimeout(total=30),
            headers={"Accept": "application/json", "X-Partner-Id": partner_id, "X-Application-Id": application_id},
        )
        self._integration = integration
        self._token: str | None = None
        self._token_expires = 0.0
        self._lock = asyncio.Lock()

    async def token(self) -> str:
        if self._token and time.monotonic() < self._token_expires:
            return self._token
        async with self._lock:
            if self._token and time.monotonic() < self._token_expires:
                return self._token
            async with self.http.post(
                f"{self.url}/api/v1/oauth/token", data={"grant_type": "client_credentials", **self._integration}
            ) as response:
                response.raise_for_status()
                answer = await response.json()
            self._token = answer["access_token"]
            self._token_expires = time.monotonic() + answer.get("expires_in", 3600) - 60
            return self._token

    def forget_token(self, token: str) -> None:
        if self._token == token:
            self._token = None

    def create_client(self, *, client_id: str, client_secret: str) -> HandWrittenClient:
        return HandWrittenClient(self, client_id, client_secret)

    async def aclose(self) -> None:
        await self.http.close()


class HandWrittenClient:
    def __init__(self, gateway: HandWrittenGateway, client_id: str, client_secret: str) -> None:
        self._gateway = gateway
        self._credentials = {"client_id": client_id, "client_secret": client_secret}
        self._session: str | None = None
        self._session_expires = 0.0
        self._lock = asyncio.Lock()
        # The per-merchant headers, rebuilt only when the token or the session changes.
        self._headers: dict[str, str] = {}
        self._headers_for: tuple[str, str] | None = None

    async def headers(self) -> dict[str, str]:
        gateway = self._gateway
        token = await gateway.token()
        if not (self._session and time.monotonic() < self._session_expires):
            async with self._lock:
                if not (self._session and time.monotonic() < self._session_expires):
                    async with gateway.http.post(
                        f"{gateway.url}/api/v1/auth/session",
                        json=self._credentials,
                        headers={"Authorization": f"Bearer {token}"},
                    ) as response:
                        response.raise_for_status()
                        answer = await response.json()
                    self._session = answer["session"]
                    self._session_expires = time.monotonic() + answer.get("expires_in", 300) - 30
        session = self._session
        assert session is not None
        if self._headers_for != (token, session):
            self._headers = {"Authorization": f"Bearer {token}", "X-Session": session}
            self._headers_for = (token, session)
        return self._headers

    async def _get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        http = self._gateway.http
        url = f"{self._gateway.url}{path}"
        headers = await self.headers()
        async with http.get(url, params=params, headers=headers) as response:
            if response.status != 401:
                response.raise_for_status()
                return json.loads(await response.read())
        self._gateway.forget_token(headers["Authorization"].removeprefix("Bearer "))
        self._session = None
        async with http.get(url, params=params, headers=await self.headers()) as response:
            response.raise_for_status()
            return json.loads(await response.read())

    async def get_accounts(self, page: int | None = None, size: int | None = None) -> Any:
        params = {k: v for k, v in {"page": page, "size": size}.items() if v is not None}
        return await self._get("/accounting/v1/accounts", params or None)

    async def get_payment(self, payment_id: str) -> Any:
        return await self._get(f"/epos/v1/payments/{payment_id}")

    async def get_languages(self) -> Any:
        return await self._get("/ecommerce/v1/languages")
