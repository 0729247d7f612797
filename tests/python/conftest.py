"""Every test gets a fresh sandbox (they start in milliseconds) and a client on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import mypos
from mypos.testing import Sandbox


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as running:
        yield running


@pytest.fixture
def gateway(sandbox: Sandbox) -> mypos.Gateway:
    return sandbox.gateway()


@pytest.fixture
def client(sandbox: Sandbox, gateway: mypos.Gateway) -> mypos.MerchantClient:
    return sandbox.client(gateway=gateway)
