"""What a Python user would write instead of the SDK: httpx's async client, the partner token
and one session per merchant cached until shortly before they expire, one refresh at a time,
a 401 answered by fresh credentials and one replay. Plain dicts back.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx


class HandWrittenGateway:
    def __init__(self, url: str, *, integration: dict[str, str], partner_id: str, application_id: str) -> None:
        self.http = httpx.AsyncClient(
            base_url=url,
            timeout=30.0,
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=100),
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
            response = await self.http.post(
                "/api/v1/oauth/token", data={"grant_type": "client_credentials", **self._integration}
            )
            response.raise_for_status()
            answer = response.json()
            self._token = answer["access_token"]
            self._token_expires = time.monotonic() + answer.get("expires_in", 3600) - 60
            return self._token

    def forget_token(self, token: str) -> None:
        if self._token == token:
            self._token = None

    def create_client(self, *, client_id: str, client_secret: str) -> HandWrittenClient:
        return HandWrittenClient(self, client_id, client_secret)

    async def aclose(self) -> None:
        await self.http.aclose()


class HandWrittenClient:
    def __init__(self, gateway: HandWrittenGateway, client_id: str, client_secret: str) -> None:
        self._gateway = gateway
        self._credentials = {"client_id": client_id, "client_secret": client_secret}
        self._session: str | None = None
        self._session_expires = 0.0
        self._lock = asyncio.Lock()

    async def _headers(self) -> dict[str, str]:
        token = await self._gateway.token()
        if not (self._session and time.monotonic() < self._session_expires):
            async with self._lock:
                if not (self._session and time.monotonic() < self._session_expires):
                    response = await self._gateway.http.post(
                        "/api/v1/auth/session", json=self._credentials, headers={"Authorization": f"Bearer {token}"}
                    )
                    response.raise_for_status()
                    answer = response.json()
                    self._session = answer["session"]
                    self._session_expires = time.monotonic() + answer.get("expires_in", 300) - 30
        assert self._session is not None
        return {"Authorization": f"Bearer {token}", "X-Session": self._session}

    async def _get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        headers = await self._headers()
        response = await self._gateway.http.get(path, params=params, headers=headers)
        if response.status_code == 401:
            self._gateway.forget_token(headers["Authorization"].removeprefix("Bearer "))
            self._session = None
            response = await self._gateway.http.get(path, params=params, headers=await self._headers())
        response.raise_for_status()
        return response.json()

    async def get_accounts(self, page: int | None = None, size: int | None = None) -> Any:
        params = {k: v for k, v in {"page": page, "size": size}.items() if v is not None}
        return await self._get("/accounting/v1/accounts", params or None)

    async def get_payment(self, payment_id: str) -> Any:
        return await self._get(f"/epos/v1/payments/{payment_id}")

    async def get_languages(self) -> Any:
        return await self._get("/ecommerce/v1/languages")
