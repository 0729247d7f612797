"""Fixtures for testing an integration against the local sandbox. pytest loads this module
on its own wherever `mypos` is installed (the package's `pytest11` entry point).

    async def test_lists_accounts(mypos_client, mypos_sandbox):
        page = await mypos_client.banking.get_accounts()
        assert mypos_sandbox.count("GET", "/accounting/v1/accounts") == 1

    def test_a_django_view(mypos_sandbox, settings):       # sync tests use the same sandbox
        settings.MYPOS_GATEWAY_URL = mypos_sandbox.url

- `mypos_sandbox`: a running `mypos.testing.Sandbox`, fresh for each test and stopped after
  it. A plain fixture, so sync tests and async ones (pytest-asyncio, anyio) both take it.
  `@pytest.mark.mypos_sandbox(tls=True)` passes options to `Sandbox`.
- `mypos_gateway`: a `mypos.Gateway` on it with the seeded partner credentials.
- `mypos_client`: the seeded merchant's `mypos.MerchantClient`, on `mypos_gateway`.
- `mypos_sync_client`: the same merchant's `mypos.sync.MerchantClient`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # the native module loads only when a test asks for a fixture
    import mypos
    import mypos.sync
    from mypos.testing import Sandbox

__all__ = ["mypos_sandbox", "mypos_gateway", "mypos_client", "mypos_sync_client"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "mypos_sandbox(**options): options of the `mypos_sandbox` fixture's Sandbox (e.g. tls=True)"
    )


@pytest.fixture
def mypos_sandbox(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    """A running sandbox, fresh for this test: `url`, clients (`client()`, `mobilepay()`,
    `psd2()`) and its control methods (`count`, `inject_fault`, `approve_payment`, …)."""
    from mypos.testing import Sandbox

    marker = request.node.get_closest_marker("mypos_sandbox")
    options: dict[str, Any] = dict(marker.kwargs) if marker else {}
    with Sandbox(**options) as sandbox:
        yield sandbox


@pytest.fixture
def mypos_gateway(mypos_sandbox: Sandbox) -> Iterator[mypos.Gateway]:
    """A `Gateway` on the sandbox with its seeded partner credentials; closed after the test."""
    with mypos_sandbox.gateway() as gateway:
        yield gateway


@pytest.fixture
def mypos_client(mypos_sandbox: Sandbox, mypos_gateway: mypos.Gateway) -> mypos.MerchantClient:
    """The seeded merchant's client, on `mypos_gateway`."""
    return mypos_sandbox.client(gateway=mypos_gateway)


@pytest.fixture
def mypos_sync_client(mypos_sandbox: Sandbox) -> Iterator[mypos.sync.MerchantClient]:
    """The seeded merchant's client of the sync API (`mypos.sync`), on a gateway of its own."""
    import mypos.sync
    from mypos.testing import SANDBOX_CREDENTIALS

    gateway = mypos.sync.Gateway(
        gateway_url=mypos_sandbox.url,
        integration=dict(SANDBOX_CREDENTIALS["integration"]),
        partner_id=SANDBOX_CREDENTIALS["partner_id"],
        application_id=SANDBOX_CREDENTIALS["application_id"],
    )
    with gateway:
        merchant = SANDBOX_CREDENTIALS["merchant"]
        yield gateway.create_client(client_id=merchant["client_id"], client_secret=merchant["client_secret"])
