"""`mypos.sync.MobilePayPos` and `mypos.sync.Psd2Client` against the sandbox: the async
surface without `await`, and a payment flow that is given up on (a timeout, Ctrl-C in a
script, an exception raised into a worker thread) cancelling its payment before it raises."""

from __future__ import annotations

import ctypes
import inspect
import signal
import subprocess
import sys
import threading
import time
from decimal import Decimal
from typing import Any, Callable

import pytest

import mypos
import mypos.sync
from mypos.testing import MOBILEPAY_SANDBOX, PSD2_SANDBOX, Sandbox

TERMINAL = "1001"
IP = "203.0.113.7"


@pytest.fixture
def pos(mypos_sandbox: Sandbox) -> mypos.sync.MobilePayPos:
    return mypos.sync.MobilePayPos(
        base_url=mypos_sandbox.url,
        bio_code=MOBILEPAY_SANDBOX["bio_code"],
        access_token=MOBILEPAY_SANDBOX["access_token"],
    )


@pytest.fixture
def tpp(mypos_sandbox: Sandbox) -> mypos.sync.Psd2Client:
    return mypos.sync.Psd2Client(
        base_url=mypos_sandbox.url,
        client_id=PSD2_SANDBOX["client_id"],
        client_secret=PSD2_SANDBOX["client_secret"],
        redirect_uri="https://tpp.example/psd2/callback",
    )


def statuses(sandbox: Sandbox) -> list[str]:
    return [p["status"] for p in sandbox.mobilepay_payments(TERMINAL)]


def payment_in(sandbox: Sandbox, status: str) -> str:
    """Waits (briefly) for a payment on the terminal in `status`; returns its id."""
    for _ in range(500):
        found = [p for p in sandbox.mobilepay_payments(TERMINAL) if p["status"] == status]
        if found:
            return str(found[-1]["payment_id"])
        time.sleep(0.01)
    raise AssertionError(f"no payment became {status}: {statuses(sandbox)}")


def in_thread(target: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    """Runs `target` on a thread; its result or exception lands in the dict."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = target()
        except BaseException as error:  # noqa: BLE001 - the test looks at what it was
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def public(obj: Any) -> dict[str, Any]:
    """Every public attribute of a client or namespace, recursively: name → callable kind."""
    members: dict[str, Any] = {}
    for name in dir(obj):
        if name.startswith("_"):
            continue
        value = getattr(obj, name)
        if callable(value) and not isinstance(value, type):
            members[name] = "method"
        elif type(value).__name__ == "Namespace":
            members[name] = public(value)
        else:
            members[name] = "value"
    return members


def test_the_sync_clients_have_the_async_surface(pos: mypos.sync.MobilePayPos, tpp: mypos.sync.Psd2Client) -> None:
    sandbox_pos = mypos.MobilePayPos(base_url=pos.base_url, bio_code="x", access_token="y")
    assert public(pos) == public(sandbox_pos)
    assert public(tpp) == public(mypos.Psd2Client(base_url=tpp.url, client_id="a", client_secret="b"))
    assert not inspect.iscoroutinefunction(pos.flows.pay) and inspect.iscoroutinefunction(sandbox_pos.flows.pay)
    assert not inspect.iscoroutinefunction(tpp.consents.create)
    assert isinstance(pos.with_access_token("other"), mypos.sync.MobilePayPos)
    assert isinstance(tpp.with_options(timeout=5), mypos.sync.Psd2Client)
    assert "access_token='…'" in repr(pos) and MOBILEPAY_SANDBOX["access_token"] not in repr(pos)


def test_the_direct_flow_without_await(mypos_sandbox: Sandbox, pos: mypos.sync.MobilePayPos) -> None:
    def customer() -> None:
        payment_id = payment_in(mypos_sandbox, "Initiated")
        mypos_sandbox.mobilepay_checkin(TERMINAL)
        mypos_sandbox.mobilepay_accept(payment_id)

    helper, _ = in_thread(customer)
    payment = pos.flows.pay(terminal_id=TERMINAL, order_id="S-1", amount=Decimal("42.50"), timeout=20)
    helper.join(5)
    assert (payment["status"], payment["amount"]) == ("Captured", "42.5")
    assert pos.payments.list(terminal_id=TERMINAL)["payments_ids"] == []
    with pytest.raises(mypos.APIError) as caught:
        pos.payments.details(payment_id="nope")
    assert caught.value.errors == {"request": ["Payment nope was not found."]}
    with pytest.raises(mypos.InvalidRequestError):
        pos.flows.pay(terminal_id=TERMINAL, order_id="S-2", amount="-1")


def test_a_timeout_cancels_the_payment_before_raising(mypos_sandbox: Sandbox, pos: mypos.sync.MobilePayPos) -> None:
    started = time.monotonic()
    with pytest.raises(mypos.APITimeoutError) as caught:
        pos.flows.pay(terminal_id=TERMINAL, order_id="T-1", amount="9", timeout=0.4)
    assert 0.4 <= time.monotonic() - started < 5
    assert isinstance(caught.value, TimeoutError) and caught.value.timeout == pytest.approx(0.4)
    assert statuses(mypos_sandbox) == ["CancelledByClient"]  # already, not eventually
    assert pos.flows.recover(terminal_id=TERMINAL) == {"cancelled_payment_ids": []}
    with pytest.raises(mypos.ConfigError) as bad:
        pos.manage.store_ids(timeout=-1)
    assert bad.value.field == "timeout"


def test_an_exception_raised_into_a_worker_thread_cancels_its_payment(
    mypos_sandbox: Sandbox, pos: mypos.sync.MobilePayPos
) -> None:
    # What a threaded worker's time limit does (dramatiq's, for one): raise into the thread.
    class TimeLimitExceeded(Exception):
        pass

    def work() -> Any:
        try:
            return pos.flows.pay(terminal_id=TERMINAL, order_id="W-1", amount="9")
        except TimeLimitExceeded:
            seen["statuses"] = statuses(mypos_sandbox)
            raise

    seen: dict[str, Any] = {}
    worker, outcome = in_thread(work)
    payment_in(mypos_sandbox, "Initiated")
    time.sleep(0.2)  # the worker is waiting in the SDK, not starting the payment
    raised = ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(worker.ident or 0), ctypes.py_object(TimeLimitExceeded))
    assert raised == 1
    worker.join(10)
    assert not worker.is_alive()
    assert isinstance(outcome.get("error"), TimeLimitExceeded), outcome
    assert seen["statuses"] == ["CancelledByClient"]


SCRIPT = """
import sys
import mypos.sync

pos = mypos.sync.MobilePayPos(base_url=sys.argv[1], bio_code=sys.argv[2], access_token=sys.argv[3])
print("paying", flush=True)
pos.flows.pay(terminal_id="1001", order_id="C-1", amount="9")
print("paid", flush=True)
"""


def test_ctrl_c_in_a_script_cancels_its_payment(mypos_sandbox: Sandbox) -> None:
    # The sandbox lives in this process; the script is a register waiting for a customer who
    # never comes, until someone presses Ctrl-C.
    args = [mypos_sandbox.url, MOBILEPAY_SANDBOX["bio_code"], MOBILEPAY_SANDBOX["access_token"]]
    script = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        payment_in(mypos_sandbox, "Initiated")
        time.sleep(0.3)
        assert script.poll() is None
        # The first cancel meets a broken connection; the second, 200 ms later, is waited for.
        mypos_sandbox.inject_fault("/api/pos/payment/cancel", "drop_before_headers")
        script.send_signal(signal.SIGINT)
        out, err = script.communicate(timeout=20)
    finally:
        script.kill()
    assert script.returncode == -signal.SIGINT, err
    assert out == "paying\n" and "KeyboardInterrupt" in err
    # The script exited only after the cancel was done.
    assert statuses(mypos_sandbox) == ["CancelledByClient"]
    assert mypos_sandbox.count("GET", "/api/pos/payment/cancel") == 2


def test_the_psd2_journey_without_await(mypos_sandbox: Sandbox, tpp: mypos.sync.Psd2Client) -> None:
    rotations: list[str] = []
    tpp = mypos.sync.Psd2Client(
        base_url=mypos_sandbox.url,
        client_id=PSD2_SANDBOX["client_id"],
        client_secret=PSD2_SANDBOX["client_secret"],
        redirect_uri="https://tpp.example/psd2/callback",
        on_tokens=lambda holder_id, tokens: rotations.append(holder_id),
    )
    consent = tpp.consents.create(
        access={"all_psd2": "allAccounts"},
        recurring_indicator=True,
        valid_until="2099-12-31",
        frequency_per_day=10,
        psu_ip_address=IP,
    )
    code = mypos_sandbox.psd2_approve(tpp.authorization_url(consent, state="s"))
    holder = tpp.exchange_code(code, holder_id="user-7")
    assert isinstance(holder, mypos.sync.Psd2Client) and holder.holder_id == "user-7"
    assert rotations == ["user-7"]
    consent_id = consent["consent_id"]
    accounts = holder.accounts.list(consent_id=consent_id, with_balance=True)["accounts"]
    eur = next(a for a in accounts if a["currency"] == "EUR")
    items = list(
        holder.accounts.iter_transactions(
            eur["resource_id"], consent_id=consent_id, booking_status="both", date_from="2000-01-01"
        )
    )
    assert len(items) == 26
    assert tpp.request("GET", f"/v1/consents/{consent_id}/status")["consentStatus"] == "valid"
    with pytest.raises(mypos.AuthError):
        tpp.exchange_code(code, holder_id="user-7")  # a code works once
    again = tpp.account_holder("user-7", holder.tokens or {})
    assert isinstance(again, mypos.sync.Psd2Client)
    assert again.consents.get_status(consent_id)["consent_status"] == "valid"


def test_the_plugins_sync_client(mypos_sync_client: mypos.sync.MerchantClient, mypos_sandbox: Sandbox) -> None:
    assert isinstance(mypos_sync_client, mypos.sync.MerchantClient)
    assert mypos_sync_client.banking.get_accounts()["items"]
    assert mypos_sandbox.count("GET", "/accounting/v1/accounts") == 1


async def test_the_plugins_fixtures_in_an_async_test(mypos_client: mypos.MerchantClient, mypos_sandbox: Sandbox) -> None:
    assert (await mypos_client.banking.get_accounts())["items"]
    assert mypos_sandbox.count("GET", "/accounting/v1/accounts") == 1


@pytest.mark.mypos_sandbox(tls=True)
def test_the_plugins_marker_passes_options(mypos_sandbox: Sandbox) -> None:
    assert mypos_sandbox.tls_url.startswith("https://")
