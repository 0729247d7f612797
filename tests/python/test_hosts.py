"""The SDK in the hosts Python code runs in: sync code, threads, forked workers, pickling."""

from __future__ import annotations

import asyncio
import os
import pickle
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

import mypos
import mypos.sync
from mypos.testing import SANDBOX_CREDENTIALS, Sandbox

ACCOUNTS = "/accounting/v1/accounts"


def sync_gateway(sandbox: Sandbox, **overrides: object) -> mypos.sync.Gateway:
    options: dict[str, object] = {
        "gateway_url": sandbox.url,
        "integration": dict(SANDBOX_CREDENTIALS["integration"]),
        "partner_id": SANDBOX_CREDENTIALS["partner_id"],
        "application_id": SANDBOX_CREDENTIALS["application_id"],
    }
    options.update(overrides)
    return mypos.sync.Gateway(**options)  # type: ignore[arg-type]


def sync_client(sandbox: Sandbox) -> mypos.sync.MerchantClient:
    client = sync_gateway(sandbox).create_client(client_id="cli_sandbox", client_secret="sec_sandbox")
    assert isinstance(client, mypos.sync.MerchantClient)
    return client


def test_the_sync_api_has_the_same_surface_without_await(sandbox: Sandbox) -> None:
    client = sync_client(sandbox)
    page = client.banking.get_accounts(page=1, size=2)
    assert len(page["items"]) == 2
    assert [a["account_number"] for a in client.banking.iter_accounts(size=1)] == [
        a["account_number"] for a in client.banking.get_accounts(size=3)["items"]
    ]
    assert client.request("GET", ACCOUNTS, query={"size": 1})["items"]
    with pytest.raises(mypos.InvalidRequestError):
        client.banking.get_accounts(size=0)
    with pytest.raises(mypos.AuthError):
        sync_gateway(sandbox).create_client(client_id="cli_a", client_secret="sec_b").banking.get_accounts()
    assert isinstance(client.with_options(timeout=5), mypos.sync.MerchantClient)


def test_the_sync_api_works_inside_a_running_event_loop(sandbox: Sandbox) -> None:
    # Django's async-unsafe code paths and Jupyter call sync code with a loop running.
    async def handler() -> int:
        return len(sync_client(sandbox).banking.get_accounts()["items"])

    assert asyncio.run(handler()) == 3


def test_many_threads_share_one_gateway(sandbox: Sandbox) -> None:
    gateway = sync_gateway(sandbox)
    clients = [gateway.create_client(client_id=f"cli_t{i}", client_secret=f"sec_t{i}") for i in range(8)]
    with ThreadPoolExecutor(max_workers=16) as pool:
        pages = list(pool.map(lambda i: clients[i % 8].banking.get_accounts(size=1), range(64)))
    assert all(len(p["items"]) == 1 for p in pages)
    assert sandbox.count("POST", "/api/v1/oauth/token") == 1
    assert sandbox.count("POST", "/api/v1/auth/session") == 8


def test_threads_wait_without_holding_the_gil(sandbox: Sandbox) -> None:
    sandbox.inject_fault(ACCOUNTS, "delay", delay_ms=300)
    client = sync_client(sandbox)
    ticks = 0
    done = threading.Event()

    def count() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1

    counter = threading.Thread(target=count)
    counter.start()
    client.banking.get_accounts()
    done.set()
    counter.join()
    assert ticks > 1000, "the other thread kept running while this one waited"


@pytest.mark.skipif(sys.platform == "win32", reason="fork is POSIX")
@pytest.mark.parametrize("api", ["sync", "async"])
def test_a_forked_child_can_call(sandbox: Sandbox, api: str) -> None:
    gateway = sync_gateway(sandbox)
    client = gateway.create_client(client_id="cli_sandbox", client_secret="sec_sandbox")
    client.banking.get_accounts()  # the parent has a runtime, a pool and a session
    pid = os.fork()
    if pid == 0:  # the child: exit status says whether the call worked
        try:
            if api == "sync":
                ok = len(client.banking.get_accounts()["items"]) == 3
            else:
                async_client = sandbox.client()
                ok = asyncio.run(async_client.banking.get_accounts())["items"] != []
            os._exit(0 if ok else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert len(client.banking.get_accounts()["items"]) == 3, "the parent still works"


def test_exceptions_from_real_failures_pickle(sandbox: Sandbox) -> None:
    sandbox.inject_fault(ACCOUNTS, status=404)
    with pytest.raises(mypos.NotFoundError) as caught:
        sync_client(sandbox).banking.get_accounts()
    copy = pickle.loads(pickle.dumps(caught.value))
    assert (type(copy), copy.status, copy.code, str(copy)) == (
        mypos.NotFoundError, 404, "MYPOS_NOT_FOUND", str(caught.value),
    )


async def test_a_closed_gateway_refuses_calls(sandbox: Sandbox) -> None:
    async with sandbox.gateway() as gateway:
        client = gateway.create_client(client_id="cli_sandbox", client_secret="sec_sandbox")
        assert (await client.banking.get_accounts())["items"]
    with pytest.raises(mypos.ConfigError, match="closed") as caught:
        await client.banking.get_accounts()
    assert caught.value.field == "gateway"
    with sync_gateway(sandbox) as blocking:
        blocking.create_client(client_id="cli_sandbox", client_secret="sec_sandbox").banking.get_accounts()
