"""The SDK in the hosts Python code runs in: sync code, threads, forked workers, pickling."""

from __future__ import annotations

import asyncio
import gc
import os
import pickle
import subprocess
import sys
import threading
import time
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


@pytest.mark.skipif(sys.platform == "win32", reason="fork is POSIX")
def test_a_forked_child_runs_on_tokens_on_a_callback_thread_of_its_own(sandbox: Sandbox) -> None:
    seen: list[str] = []
    tpp = sandbox.psd2(on_tokens=lambda holder, tokens: seen.append(threading.current_thread().name))
    pid = os.fork()
    if pid == 0:  # the child: its exchange answers once its own thread ran the callback
        try:

            async def exchange() -> bool:
                consent = await tpp.consents.create(
                    access={"all_psd2": "allAccounts"},
                    recurring_indicator=True,
                    valid_until="2099-12-31",
                    frequency_per_day=4,
                    psu_ip_address="203.0.113.7",
                )
                code = sandbox.psd2_approve(tpp.authorization_url(consent, state="s"))
                began = time.monotonic()
                await tpp.exchange_code(code, holder_id="forked")
                return seen == ["mypos-callbacks"] and time.monotonic() - began < 5

            os._exit(0 if asyncio.run(exchange()) else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


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


# Calls finishing steadily until the moment the script ends, as in a worker or a CLI tool.
EXIT_RIGHT_AFTER_CALLS = """
import asyncio, sys, time, mypos

async def main():
    gateway = mypos.Gateway(gateway_url=sys.argv[1], integration={"client_id": "client_sandbox",
        "client_secret": "secret_sandbox"}, partner_id="mps-p-100000", application_id="mps-app-200000")
    client = gateway.create_client(client_id="cli_sandbox", client_secret="sec_sandbox")
    stop = time.monotonic() + 0.5

    async def caller():
        while time.monotonic() < stop:
            await client.banking.get_accounts()

    await asyncio.gather(*(caller() for _ in range(64)))

asyncio.run(main())
"""


@pytest.mark.parametrize("run", range(6))
def test_the_process_exits_cleanly_right_after_its_last_calls(sandbox: Sandbox, run: int) -> None:
    # An SDK thread still handing over a result while the interpreter shuts down must not
    # abort the process (Python 3.11 ends such a thread mid-stack).
    script = [sys.executable, "-c", EXIT_RIGHT_AFTER_CALLS, sandbox.url]
    done = subprocess.run(script, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (0, "")


class LoopWithoutReaders(asyncio.SelectorEventLoop):
    """A loop that cannot watch a descriptor, as Windows' proactor loop cannot."""

    def add_reader(self, *args: object) -> None:  # type: ignore[override]
        raise NotImplementedError


def test_a_loop_that_cannot_watch_a_pipe_still_gets_results_errors_and_cancels(sandbox: Sandbox) -> None:
    sandbox.inject_fault(ACCOUNTS, status=404, count=1)

    async def main() -> None:
        client = sandbox.client()
        with pytest.raises(mypos.NotFoundError):
            await client.banking.get_accounts()
        results = await asyncio.gather(*(client.banking.get_accounts() for _ in range(10)))
        assert all(r["items"] for r in results)
        sandbox.inject_fault(ACCOUNTS, "delay", delay_ms=5000, count=1)
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(client.banking.get_accounts(), 0.2)

    loop = LoopWithoutReaders()
    try:
        loop.run_until_complete(main())
    finally:
        loop.close()


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts descriptors through /proc")
def test_each_event_loop_releases_what_it_used(sandbox: Sandbox) -> None:
    # pytest-asyncio, and servers reloading, make a loop per test or per worker.
    def open_descriptors() -> int:
        gc.collect()
        return len(os.listdir("/proc/self/fd"))

    asyncio.run(sandbox.client().banking.get_accounts())
    before = open_descriptors()
    for _ in range(30):
        assert asyncio.run(sandbox.client().banking.get_accounts())["items"]
    assert open_descriptors() <= before + 2


async def test_a_cancelled_call_stops_and_the_next_one_answers(sandbox: Sandbox, client: mypos.MerchantClient) -> None:
    sandbox.inject_fault(ACCOUNTS, "delay", delay_ms=5000, count=1)
    call = asyncio.ensure_future(client.banking.get_accounts())
    await asyncio.sleep(0.2)
    call.cancel()
    with pytest.raises(asyncio.CancelledError):
        await call
    assert (await client.banking.get_accounts())["items"]


# A loop closed and dropped while its call is still running, in a program that restored the
# default SIGPIPE action (as command-line tools do): the late answer goes nowhere, quietly, and
# what the loop used is released once it has.
LOOP_DROPPED_MID_CALL = """
import asyncio, gc, os, signal, sys, time, mypos

signal.signal(signal.SIGPIPE, signal.SIG_DFL)
gateway = mypos.Gateway(gateway_url=sys.argv[1], integration={"client_id": "client_sandbox",
    "client_secret": "secret_sandbox"}, partner_id="mps-p-100000", application_id="mps-app-200000")
client = gateway.create_client(client_id="cli_sandbox", client_secret="sec_sandbox")
descriptors = lambda: len(os.listdir("/proc/self/fd"))
asyncio.run(client.banking.get_accounts())  # the session and a pooled connection
gc.collect()
before = descriptors()
loop = asyncio.new_event_loop()
call = loop.create_task(client.banking.get_accounts())
loop.run_until_complete(asyncio.sleep(0.1))  # the slow call is on its way
loop.close()
del call, loop
gc.collect()
time.sleep(1.0)  # the answer arrives with nobody waiting
gc.collect()
print(descriptors() - before)
"""


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="SIGPIPE is POSIX; counts descriptors through /proc")
def test_a_loop_dropped_mid_call_does_not_take_the_process_down(sandbox: Sandbox) -> None:
    sandbox.inject_fault(ACCOUNTS, "delay", delay_ms=500, count=2)
    script = [sys.executable, "-c", LOOP_DROPPED_MID_CALL, sandbox.url]
    done = subprocess.run(script, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (0, "0\n"), done.stderr


def test_event_loops_in_many_threads_each_get_their_own_answers(sandbox: Sandbox) -> None:
    client = sandbox.client()

    def worker(n: int) -> list[str]:
        async def main() -> list[str]:
            pages = await asyncio.gather(*(client.banking.get_accounts() for _ in range(n)))
            return [page["items"][0]["account_number"] for page in pages]

        return asyncio.run(main())

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(worker, [5, 10, 15, 20]))
    first = answers[0][0]
    assert [len(a) for a in answers] == [5, 10, 15, 20]
    assert all(number == first for a in answers for number in a)
