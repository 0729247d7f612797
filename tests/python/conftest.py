"""Every test gets a fresh sandbox (they start in milliseconds) and a client on it: the
package's pytest fixtures (`mypos_sandbox`, `mypos_gateway`, `mypos_client`) by short names."""

from __future__ import annotations

import pytest

import mypos
from mypos.testing import Sandbox


@pytest.fixture
def sandbox(mypos_sandbox: Sandbox) -> Sandbox:
    return mypos_sandbox


@pytest.fixture
def gateway(mypos_gateway: mypos.Gateway) -> mypos.Gateway:
    return mypos_gateway


@pytest.fixture
def client(mypos_client: mypos.MerchantClient) -> mypos.MerchantClient:
    return mypos_client
