"""MobilePay at the point of sale through the Python surface, the customer simulated by the
sandbox: every operation, each rule and its error, both flows, cancellation and recovery."""

from __future__ import annotations

import asyncio
import pickle
from decimal import Decimal
from typing import Any

import pytest

import mypos
from mypos.testing import MOBILEPAY_SANDBOX, Sandbox

TERMINAL = "1001"
POS_IDS = {t["terminal_id"]: t["pos_id"] for t in MOBILEPAY_SANDBOX["terminals"]}


@pytest.fixture
def pos(sandbox: Sandbox) -> mypos.MobilePayPos:
    return sandbox.mobilepay()


def statuses(sandbox: Sandbox, terminal: str) -> list[str]:
    return [p["status"] for p in sandbox.mobilepay_payments(terminal)]


async def payment_in(sandbox: Sandbox, terminal: str, status: str) -> str:
    """Waits (briefly) for a payment on `terminal` in `status`; returns its id."""
    for _ in range(300):
        found = [p for p in sandbox.mobilepay_payments(terminal) if p["status"] == status]
        if found:
            return str(found[-1]["payment_id"])
        await asyncio.sleep(0.01)
    raise AssertionError(f"no payment became {status} on {terminal}: {statuses(sandbox, terminal)}")


async def reserved(sandbox: Sandbox, pos: mypos.MobilePayPos, order: str, amount: str, *, partial: bool = True) -> str:
    started = await pos.payments.start(terminal_id=TERMINAL, order_id=order, amount=amount)
    sandbox.mobilepay_checkin(TERMINAL)
    sandbox.mobilepay_accept(started["payment_id"], partial_capture_possible=partial)
    return str(started["payment_id"])


def rule(error: mypos.APIError) -> Any:
    return error.error_type


async def test_payment_operations_in_the_direct_flow(sandbox: Sandbox, pos: mypos.MobilePayPos) -> None:
    qr = await pos.payments.qr_code(terminal_id=TERMINAL)
    assert qr["qrcode_imagelink"].endswith(".png")

    started = await pos.payments.start(terminal_id=TERMINAL, order_id="A-1", amount=Decimal("27.06"))
    payment_id = started["payment_id"]
    state = await pos.payments.status(payment_id=payment_id)
    assert state == {"status": "Initiated", "poll_delay_in_ms": MOBILEPAY_SANDBOX["poll_delay_ms"]}
    assert (await pos.payments.list(terminal_id=TERMINAL))["payments_ids"] == [payment_id]

    checked_in = sandbox.mobilepay_checkin(TERMINAL)
    assert checked_in["payment"]["status"] == "IssuedToUser"
    sandbox.mobilepay_accept(terminal_id=TERMINAL)
    details = await pos.payments.details(payment_id=payment_id)
    assert (details["status"], details["amount"], details["currency_code"]) == ("Reserved", "27.06", "DKK")
    assert details["pos_id"] == POS_IDS[TERMINAL] and details["partial_capture_possible"] is True

    await pos.payments.capture(payment_id=payment_id, amount="27.06")
    assert (await pos.payments.details(payment_id=payment_id))["status"] == "Captured"
    assert (await pos.payments.list(terminal_id=TERMINAL, state="Captured"))["payments_ids"] == [payment_id]
    assert (await pos.payments.list(terminal_id=TERMINAL))["payments_ids"] == []

    found = [
        await pos.payments.recover_id_by_state(order_id="A-1", state="Captured"),
        await pos.payments.recover_id_by_terminal(order_id="A-1", terminal_id=TERMINAL),
        await pos.payments.recover_id_by_pos_id(order_id="A-1", pos_id=POS_IDS[TERMINAL], payment_state="Captured"),
    ]
    assert [f["payment_id"] for f in found] == [payment_id] * 3


async def test_start_by_pos_id_prepare_ready_and_cancel(sandbox: Sandbox, pos: mypos.MobilePayPos) -> None:
    started = await pos.payments.start_by_pos_id(order_id="B-1", amount=10, pos_id=POS_IDS["2001"], currency_code="EUR")
    details = await pos.payments.details(payment_id=started["payment_id"])
    assert (details["terminal_id"], details["currency_code"], details["amount"]) == ("2001", "EUR", "10")
    await pos.payments.cancel(payment_id=started["payment_id"])
    assert statuses(sandbox, "2001") == ["CancelledByClient"]

    prepared = await pos.payments.prepare(order_id="B-2", terminal_id=TERMINAL)
    payment_id = prepared["payment_id"]
    assert (await pos.payments.status(payment_id=payment_id))["status"] == "Prepared"
    sandbox.mobilepay_checkin(TERMINAL)
    assert (await pos.payments.status(payment_id=payment_id))["status"] == "Paired"
    await pos.payments.ready(payment_id=payment_id, order_id="B-2", terminal_id=TERMINAL, amount="99.50")
    assert (await pos.payments.status(payment_id=payment_id))["status"] == "IssuedToUser"


async def test_refunds(sandbox: Sandbox, pos: mypos.MobilePayPos) -> None:
    payment_id = await reserved(sandbox, pos, "C-1", "100")
    await pos.payments.capture(payment_id=payment_id, amount="100")

    first = (await pos.refunds.create(payment_id=payment_id, refund_order_id="R-1", amount="30"))["refund_id"]
    with pytest.raises(mypos.APIError) as caught:
        await pos.refunds.capture(refund_id=first)
    assert rule(caught.value) == "mobilepay:refund_capture_requires_reserved"
    assert (await pos.refunds.details(refund_id=first))["status"] == "Initiated"
    details = await pos.refunds.details(refund_id=first)
    assert (details["status"], details["amount"], details["payment_id"]) == ("Reserved", "30", payment_id)
    await pos.refunds.capture(refund_id=first)
    assert (await pos.refunds.details(refund_id=first))["status"] == "Captured"

    second = (await pos.refunds.create(payment_id=payment_id, refund_order_id="R-2", amount="70"))["refund_id"]
    await pos.refunds.cancel(refund_id=second)
    assert (await pos.refunds.details(refund_id=second))["status"] == "CancelledByClient"
    assert (await pos.refunds.list(payment_id=payment_id))["refunds_ids"] == [first, second]
    with pytest.raises(mypos.APIError) as caught:
        await pos.refunds.cancel(refund_id=first)
    assert rule(caught.value) == "mobilepay:refund_cancel_not_allowed"


async def test_management(sandbox: Sandbox, pos: mypos.MobilePayPos) -> None:
    # A merchant without a token: only create_token works, and only while it has none.
    fresh = sandbox.mobilepay(bio_code=MOBILEPAY_SANDBOX["new_bio_code"], access_token=None)
    with pytest.raises(mypos.ConfigError) as caught:
        await fresh.payments.status(payment_id="x")
    assert caught.value.field == "access_token"
    created = await fresh.manage.create_token()
    with pytest.raises(mypos.APIError, match="already has an accessToken"):
        await fresh.manage.create_token()
    fresh = fresh.with_access_token(created["message"])
    assert (await fresh.manage.store_ids())["store_ids"] == []

    # Reset: a GET with the token being replaced as previousAccessToken (the client's own).
    sandbox.clear_requests()
    reset = await fresh.manage.reset_token()
    assert reset["message"] != created["message"]
    (logged,) = sandbox.requests("GET", "/api/pos/manage/token/reset")
    assert "previousAccessToken=<redacted>" in logged["query"] and "accessToken=" not in logged["query"]
    with pytest.raises(mypos.APIError, match="accessToken"):
        await fresh.manage.store_ids()
    renewed = fresh.with_access_token(reset["message"])
    await renewed.manage.store_ids()
    again = await renewed.manage.reset_token(previous_access_token=reset["message"])
    assert again["message"] != reset["message"]

    pos_id = (await pos.manage.create_pos(terminal_id="2002"))["message"]
    info = await pos.manage.terminal_information(terminal_id="2002")
    assert (info["pos_id"], info["supported_beacon_types"], info["require_payment_before_checkin"]) == (pos_id, ["QR", "NFC"], False)
    await pos.manage.delete_pos(terminal_id="2002")
    assert sandbox.count("DELETE", "/api/pos/manage/delete") == 1
    with pytest.raises(mypos.APIError, match=r"\(1000\)"):
        await pos.payments.start(terminal_id="2002", order_id="D-1", amount=1)

    store_ids = (await pos.manage.store_ids())["store_ids"]
    assert store_ids == MOBILEPAY_SANDBOX["store_ids"]
    store = await pos.manage.store(store_id=store_ids[1])
    assert store["store_city"] == "Aarhus C"

    assert (await pos.manage.check_in_by_pos_id(pos_id=POS_IDS[TERMINAL]))["is_user_checked_in"] is False
    sandbox.mobilepay_checkin(TERMINAL)
    assert (await pos.manage.check_in_by_pos_id(pos_id=POS_IDS[TERMINAL]))["is_user_checked_in"] is True
    assert (await pos.manage.check_in_by_terminal(terminal_id=TERMINAL))["is_user_checked_in"] is True


async def test_each_rule_breach_names_its_rule(sandbox: Sandbox, pos: mypos.MobilePayPos) -> None:
    first = (await pos.payments.start(terminal_id=TERMINAL, order_id="E-1", amount="50"))["payment_id"]

    async def breach(call: Any) -> mypos.APIError:
        with pytest.raises(mypos.APIError) as caught:
            await call
        return caught.value

    error = await breach(pos.payments.start(terminal_id=TERMINAL, order_id="E-2", amount="50"))
    assert rule(error) == "mobilepay:one_active_payment"
    assert "Only one payment may be active" in str(error) and error.errors["request"]
    error = await breach(pos.payments.capture(payment_id=first, amount="50"))
    assert rule(error) == "mobilepay:capture_requires_reserved"
    error = await breach(pos.payments.ready(payment_id=first, order_id="E-1", terminal_id=TERMINAL, amount="50"))
    assert rule(error) == "mobilepay:ready_requires_prepared"

    sandbox.mobilepay_checkin(TERMINAL)
    sandbox.mobilepay_accept(first, partial_capture_possible=False)
    error = await breach(pos.payments.capture(payment_id=first, amount="50.01"))
    assert rule(error) == "mobilepay:capture_above_reserved"
    error = await breach(pos.payments.capture(payment_id=first, amount="20"))
    assert rule(error) == "mobilepay:partial_capture_not_allowed"
    await pos.payments.capture(payment_id=first, amount="50")
    error = await breach(pos.payments.capture(payment_id=first, amount="40"))
    assert rule(error) == "mobilepay:capture_amount_differs"
    error = await breach(pos.payments.cancel(payment_id=first))
    assert rule(error) == "mobilepay:cancel_not_allowed"
    error = await breach(pos.refunds.create(payment_id=first, refund_order_id="R-1", amount="50.01"))
    assert rule(error) == "mobilepay:refund_above_captured"
    error = await breach(pos.refunds.create(payment_id=first, refund_order_id="R-2", amount="1", currency_code="EUR"))
    assert rule(error) == "mobilepay:refund_currency_mismatch"

    other = (await pos.payments.start(terminal_id=TERMINAL, order_id="E-3", amount="5"))["payment_id"]
    error = await breach(pos.refunds.create(payment_id=other, refund_order_id="R-3", amount="1"))
    assert rule(error) == "mobilepay:refund_requires_captured"

    await pos.payments.cancel(payment_id=other)
    partial = await reserved(sandbox, pos, "E-4", "80")
    await pos.payments.capture(payment_id=partial, amount="30")
    # `captured_amount` is the sandbox's addition to the details, kept as an unknown field.
    assert dict(await pos.payments.details(payment_id=partial))["captured_amount"] == 30


async def test_success_false_is_the_api_error_with_the_servers_errors(pos: mypos.MobilePayPos) -> None:
    with pytest.raises(mypos.APIError) as caught:
        await pos.payments.details(payment_id="nope")
    error = caught.value
    assert type(error) is mypos.APIError and error.code == "MYPOS_API_ERROR"
    assert error.errors == {"request": ["Payment nope was not found."]}
    assert error.error_type is None
    assert pickle.loads(pickle.dumps(error)).errors == error.errors


async def test_the_server_judges_values_the_text_does_not_restrict(sandbox: Sandbox, pos: mypos.MobilePayPos) -> None:
    # The API text makes no check of amounts or order ids: the request is sent, the API refuses.
    with pytest.raises(mypos.APIError, match="amount"):
        await pos.payments.start(terminal_id=TERMINAL, order_id="F-1", amount="0")
    assert sandbox.count("POST", "/api/pos/payment/start") == 1
    # A flow needs one place to pay at: the SDK's own rule, checked before sending.
    with pytest.raises(mypos.InvalidRequestError) as caught:
        await pos.flows.pay(terminal_id=TERMINAL, pos_id="x", order_id="F-2", amount="1")
    assert caught.value.field == "terminal_id"
    assert sandbox.count("POST", "/api/pos/payment/start") == 1


async def test_the_texts_forms_go_on_the_wire(sandbox: Sandbox, pos: mypos.MobilePayPos) -> None:
    sandbox.clear_requests()
    started = await pos.payments.start(terminal_id=TERMINAL, order_id="T-1", amount="10")
    # A reserved payment is still active (the text: neither captured, rejected, cancelled or
    # reversed): it is listed, and no other payment starts until it is captured or cancelled.
    sandbox.mobilepay_checkin(TERMINAL)
    sandbox.mobilepay_accept(started["payment_id"])
    assert (await pos.payments.list(terminal_id=TERMINAL))["payments_ids"] == [started["payment_id"]]
    with pytest.raises(mypos.APIError) as caught:
        await pos.payments.start(terminal_id=TERMINAL, order_id="T-2", amount="10")
    assert caught.value.error_type == "mobilepay:one_active_payment"
    await pos.payments.cancel(payment_id=started["payment_id"])
    # start_by_pos_id and ready: their POST forms, so the token stays out of the URL.
    by_pos = await pos.payments.start_by_pos_id(pos_id=POS_IDS["2001"], order_id="T-3", amount="1")
    await pos.payments.cancel(payment_id=by_pos["payment_id"])
    prepared = await pos.payments.prepare(terminal_id=TERMINAL, order_id="T-4")
    await pos.payments.ready(payment_id=prepared["payment_id"], order_id="T-4", terminal_id=TERMINAL, amount="3")
    for path in ["/api/pos/payment/start/byPosId", "/api/pos/payment/ready"]:
        (call,) = sandbox.requests(path=path)
        assert call["method"] == "POST" and call["query"] is None
    # Check-ins at the text's paths.
    assert (await pos.manage.check_in_by_terminal(terminal_id=TERMINAL))["is_user_checked_in"] in (True, False)
    assert sandbox.count("GET", "/api/pos/manage/checkInStatus/byterminalId") == 1


async def test_the_direct_flow_end_to_end(sandbox: Sandbox, pos: mypos.MobilePayPos) -> None:
    flow = asyncio.create_task(pos.flows.pay(terminal_id=TERMINAL, order_id="G-1", amount=Decimal("42.50")))
    payment_id = await payment_in(sandbox, TERMINAL, "Initiated")
    sandbox.mobilepay_checkin(TERMINAL)
    await asyncio.sleep(0.25)
    assert not flow.done()
    sandbox.mobilepay_accept(payment_id)
    payment = await flow
    assert (payment["payment_id"], payment["status"], payment["amount"]) == (payment_id, "Captured", "42.5")


async def test_a_flow_waits_at_most_its_max_wait_then_cancels_its_payment(sandbox: Sandbox) -> None:
    # The customer never answers.
    pos = sandbox.mobilepay(flow_max_wait=0.4)
    began = asyncio.get_running_loop().time()
    with pytest.raises(mypos.APITimeoutError) as caught:
        await pos.flows.pay(terminal_id=TERMINAL, order_id="M-1", amount="3")
    assert asyncio.get_running_loop().time() - began >= 0.39
    [payment] = sandbox.mobilepay_payments(TERMINAL)
    assert (caught.value.code, caught.value.payment_id, caught.value.timeout) == (
        "MYPOS_TIMEOUT",
        payment["payment_id"],
        0.4,
    )
    assert isinstance(caught.value, TimeoutError)
    assert payment["status"] == "CancelledByClient"
    # Per call too, through with_options.
    quick = sandbox.mobilepay().with_options(flow_max_wait=0.2)
    with pytest.raises(mypos.APITimeoutError):
        await quick.flows.pay(terminal_id=TERMINAL, order_id="M-2", amount="3")
    assert statuses(sandbox, TERMINAL) == ["CancelledByClient", "CancelledByClient"]
    with pytest.raises(mypos.ConfigError, match="flow_max_wait"):
        sandbox.mobilepay(flow_max_wait=0)


async def test_the_direct_flow_by_pos_id_rejected(sandbox: Sandbox, pos: mypos.MobilePayPos) -> None:
    sandbox.mobilepay_checkin("2001")
    flow = asyncio.create_task(pos.flows.pay(pos_id=POS_IDS["2001"], order_id="G-2", amount=5))
    payment_id = await payment_in(sandbox, "2001", "IssuedToUser")
    sandbox.mobilepay_reject(payment_id)
    with pytest.raises(mypos.PaymentNotCompletedError) as caught:
        await flow
    assert (caught.value.payment_id, caught.value.payment_status) == (payment_id, "CancelledByUser")
    assert caught.value.code == "MYPOS_PAYMENT_NOT_COMPLETED"


async def test_the_prepared_flow_end_to_end(sandbox: Sandbox, pos: mypos.MobilePayPos) -> None:
    prepared = await pos.payments.prepare(order_id="H-1", terminal_id=TERMINAL)
    # The customer checks in while the order is still being rung up.
    sandbox.mobilepay_checkin(TERMINAL)
    assert statuses(sandbox, TERMINAL) == ["Paired"]
    flow = asyncio.create_task(
        pos.flows.pay_prepared(payment_id=prepared["payment_id"], order_id="H-1", terminal_id=TERMINAL, amount="12.34")
    )
    await payment_in(sandbox, TERMINAL, "IssuedToUser")
    sandbox.mobilepay_accept(prepared["payment_id"])
    payment = await flow
    assert (payment["status"], payment["amount"]) == ("Captured", "12.34")


async def test_a_cancelled_task_cancels_its_payment(sandbox: Sandbox, pos: mypos.MobilePayPos) -> None:
    # The caller's deadline passes while the customer has not accepted.
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(pos.flows.pay(terminal_id=TERMINAL, order_id="I-1", amount="9"), 0.3)
    await payment_in(sandbox, TERMINAL, "CancelledByClient")

    flow = asyncio.create_task(pos.flows.pay(terminal_id=TERMINAL, order_id="I-2", amount="9"))
    await payment_in(sandbox, TERMINAL, "Initiated")
    flow.cancel()
    with pytest.raises(asyncio.CancelledError):
        await flow
    for _ in range(300):
        if statuses(sandbox, TERMINAL) == ["CancelledByClient", "CancelledByClient"]:
            break
        await asyncio.sleep(0.01)
    assert statuses(sandbox, TERMINAL) == ["CancelledByClient", "CancelledByClient"]
    assert (await pos.payments.list(terminal_id=TERMINAL))["payments_ids"] == []


async def test_a_flow_cancelled_while_its_payment_starts_cancels_it(sandbox: Sandbox, pos: mypos.MobilePayPos) -> None:
    # The payment exists on the server but the start's answer is still on the way when the task
    # is cancelled: the answer is waited for, and the payment it names cancelled.
    sandbox.inject_fault("/api/pos/payment/start", "delay", delay_ms=400)
    flow = asyncio.create_task(pos.flows.pay(terminal_id=TERMINAL, order_id="I-4", amount="9"))
    await payment_in(sandbox, TERMINAL, "Initiated")
    flow.cancel()
    with pytest.raises(asyncio.CancelledError):
        await flow
    await payment_in(sandbox, TERMINAL, "CancelledByClient")
    assert statuses(sandbox, TERMINAL) == ["CancelledByClient"]


async def test_a_failed_flow_names_its_payment(sandbox: Sandbox) -> None:
    pos = sandbox.mobilepay(max_retries=0)
    sandbox.inject_fault("/api/pos/payment/status", status=503, count=100)
    with pytest.raises(mypos.ServerError) as caught:
        await pos.flows.pay(terminal_id=TERMINAL, order_id="F-1", amount="1")
    [payment] = sandbox.mobilepay_payments(TERMINAL)
    assert (caught.value.payment_id, payment["status"]) == (payment["payment_id"], "CancelledByClient")
    assert pickle.loads(pickle.dumps(caught.value)).payment_id == payment["payment_id"]


async def test_a_capture_whose_answer_was_lost_is_answered_as_captured(sandbox: Sandbox) -> None:
    pos = sandbox.mobilepay(max_retries=0)
    # The capture takes the money, its answer is lost and the next look fails: the flow's
    # cancel is refused (cancel_not_allowed), so the payment is read again and answered.
    sandbox.inject_fault("/api/pos/payment/capture", "drop_before_headers", after_handler=True)
    sandbox.inject_fault("/api/pos/payment/details", status=503)
    flow = asyncio.create_task(pos.flows.pay(terminal_id=TERMINAL, order_id="F-2", amount="8"))
    payment_id = await payment_in(sandbox, TERMINAL, "Initiated")
    sandbox.mobilepay_checkin(TERMINAL)
    sandbox.mobilepay_accept(payment_id)
    payment = await flow
    assert (payment["payment_id"], payment["status"]) == (payment_id, "Captured")


async def test_recovery_after_a_restart(sandbox: Sandbox) -> None:
    before = sandbox.mobilepay()
    lost = (await before.payments.start(terminal_id=TERMINAL, order_id="J-1", amount="15"))["payment_id"]
    del before

    after = sandbox.mobilepay()
    with pytest.raises(mypos.APIError) as caught:
        await after.payments.start(terminal_id=TERMINAL, order_id="J-2", amount="15")
    assert caught.value.error_type == "mobilepay:one_active_payment"
    assert (await after.flows.recover(terminal_id=TERMINAL)) == {"cancelled_payment_ids": [lost]}
    await after.payments.start(terminal_id=TERMINAL, order_id="J-2", amount="15")


def test_the_token_stays_out_of_reprs_and_config_errors(sandbox: Sandbox) -> None:
    token = MOBILEPAY_SANDBOX["access_token"]
    pos = sandbox.mobilepay()
    assert token not in repr(pos) and "bio_code='sandbox'" in repr(pos)
    with pytest.raises(mypos.ConfigError) as caught:
        sandbox.mobilepay(access_token="SECRET with spaces")
    assert caught.value.field == "access_token" and "SECRET" not in str(caught.value)
    with pytest.raises(mypos.ConfigError) as caught:
        sandbox.mobilepay(base_url="http://example.com")
    assert caught.value.field == "base_url"


async def test_the_token_travels_in_bodies_and_is_redacted_in_logged_queries(
    sandbox: Sandbox, pos: mypos.MobilePayPos
) -> None:
    await pos.payments.start(terminal_id=TERMINAL, order_id="K-1", amount="1")
    await pos.manage.store_ids()
    [start] = sandbox.requests("POST", "/api/pos/payment/start")
    assert start["query"] is None
    [stores] = sandbox.requests("GET", "/api/pos/manage/stores")
    assert "accessToken=<redacted>" in stores["query"]
    assert MOBILEPAY_SANDBOX["access_token"] not in str(sandbox.requests())


async def test_a_state_changing_get_is_sent_once(sandbox: Sandbox, pos: mypos.MobilePayPos) -> None:
    capture = "/api/pos/payment/capture"
    sandbox.inject_fault(capture, status=503, count=3)
    with pytest.raises(mypos.ServerError):
        await pos.payments.capture(payment_id="p-1", amount="1")
    assert len(sandbox.requests("GET", capture)) == 1
    sandbox.clear_faults()
    sandbox.inject_fault(capture, status=401)
    with pytest.raises(mypos.AuthError):
        await pos.payments.capture(payment_id="p-1", amount="1")
    assert len(sandbox.requests("GET", capture)) == 2, "no replay with the same access token"


async def test_with_options_sets_the_limits_of_the_calls_through_it(sandbox: Sandbox, pos: mypos.MobilePayPos) -> None:
    # As a Gateway merchant client's: the same merchant and token, other limits.
    once = pos.with_options(timeout=5, connect_timeout=1, max_retries=0)
    assert type(once) is type(pos) and once.bio_code == pos.bio_code
    before = sandbox.count("GET", "/api/pos/payments")
    sandbox.inject_fault("/api/pos/payments", status=503, count=1)
    with pytest.raises(mypos.ServerError):
        await once.payments.list(terminal_id="1001")
    assert sandbox.count("GET", "/api/pos/payments") == before + 1
    sandbox.inject_fault("/api/pos/payments", status=503, count=1)
    await pos.payments.list(terminal_id="1001")  # the original still retries
    assert sandbox.count("GET", "/api/pos/payments") == before + 3
    with pytest.raises(mypos.ConfigError) as caught:
        pos.with_options(connect_timeout=0)
    assert caught.value.field == "connect_timeout"
