"""PSD2 end to end against the sandbox: the journey a TPP makes, token refresh and the
persistence hook, the consent errors, payments, and mTLS."""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
import uuid
from decimal import Decimal
from typing import Any

import pytest

import mypos
from mypos import _handoff
from mypos.testing import Sandbox

IP = "203.0.113.7"


def all_accounts(frequency: int = 10, valid_until: str = "2099-12-31") -> dict[str, Any]:
    return {
        "access": {"all_psd2": "allAccounts"},
        "recurring_indicator": True,
        "valid_until": valid_until,
        "frequency_per_day": frequency,
        "psu_ip_address": IP,
    }


async def approved(sandbox: Sandbox, tpp: mypos.Psd2Client, holder_id: str = "user-42", **consent: Any):
    created = await tpp.consents.create(**{**all_accounts(), **consent})
    code = sandbox.psd2_approve(tpp.authorization_url(created, state="s"))
    holder = await tpp.exchange_code(code, holder_id=holder_id)
    return holder, created["consent_id"]


def available(balances: dict[str, Any]) -> Decimal:
    return next(Decimal(b["balance_amount"]["amount"]) for b in balances["balances"] if b["balance_type"] == "interimAvailable")


async def test_the_whole_journey_of_a_tpp(sandbox: Sandbox) -> None:
    rotations: list[tuple[str, dict[str, Any]]] = []
    tpp = sandbox.psd2(on_tokens=lambda holder, tokens: rotations.append((holder, tokens)))

    consent = await tpp.consents.create(**all_accounts())
    assert consent["consent_status"] == "received"
    assert "scaOAuth" in consent["links"], consent  # link names are data: kept as the API spells them
    url = tpp.authorization_url(consent, state="csrf-1")
    back = sandbox.psd2_decide(url, "approve")
    assert back["location"].startswith("https://tpp.example/psd2/callback?") and back["state"] == "csrf-1"

    holder = await tpp.exchange_code(back["code"], holder_id="user-42")
    assert holder.holder_id == "user-42"
    assert [h for h, _ in rotations] == ["user-42"]
    assert rotations[0][1]["refresh_token"] and rotations[0][1]["expires_at"] > time.time()
    assert (await tpp.consents.get_status(consent["consent_id"]))["consent_status"] == "valid"

    accounts = (await holder.accounts.list(consent_id=consent["consent_id"], with_balance=True))["accounts"]
    assert len(accounts) == 2 and all(len(a["balances"]) == 2 for a in accounts)
    eur = next(a for a in accounts if a["currency"] == "EUR")
    assert isinstance(eur["balances"][0]["balance_amount"]["amount"], str)  # decimals stay text

    items = [t async for t in holder.accounts.iter_transactions(
        eur["resource_id"], consent_id=consent["consent_id"], booking_status="both", date_from="2000-01-01")]
    assert len(items) == 26
    assert {t["booking_status"] for t in items} == {"booked", "pending"}
    assert sandbox.count("GET", f"/v1/accounts/{eur['resource_id']}/transactions") == 3

    balances = await holder.accounts.get_balances(eur["resource_id"], consent_id=consent["consent_id"])
    before = available(balances)

    payment = await holder.payments.initiate(
        "sepa-credit-transfers",
        instructed_amount={"currency": "EUR", "amount": Decimal("12.50")},
        creditor_account={"iban": "DE89370400440532013000"},
        creditor_name="Sofia Coffee Roasters",
        debtor_account={"iban": eur["iban"]},
        consent_id=consent["consent_id"],
        psu_ip_address=IP,
    )
    assert payment["transaction_status"] == "RCVD"
    sandbox.psd2_approve(tpp.authorization_url(payment))
    status = await holder.payments.get_status("sepa-credit-transfers", payment["payment_id"])
    assert status["transaction_status"] == "ACSC"
    after = available(await holder.accounts.get_balances(eur["resource_id"], consent_id=consent["consent_id"]))
    assert before - after == Decimal("12.50")


async def test_headers_and_request_ids(sandbox: Sandbox) -> None:
    tpp = sandbox.psd2(api_key="consumer-key")
    holder, consent = await approved(sandbox, tpp)
    sandbox.clear_requests()
    await holder.accounts.list(consent_id=consent)
    await holder.accounts.list(consent_id=consent, psu_ip_address=IP)
    first, second = sandbox.requests("GET", "/v1/accounts")
    assert first["headers"]["consent-id"] == consent and first["headers"]["api-key"] == "consumer-key"
    assert "psu-ip-address" not in first["headers"] and second["headers"]["psu-ip-address"] == IP
    ids = [uuid.UUID(r["headers"]["x-request-id"]) for r in (first, second)]
    assert ids[0] != ids[1]
    assert first["query"] is None

    with pytest.raises(mypos.PermissionDeniedError) as raised:
        await holder.accounts.list(consent_id="consent-nope")
    assert raised.value.codes == ["CONSENT_UNKNOWN"]
    uuid.UUID(raised.value.request_id)


async def test_tokens_refresh_once_and_reach_the_hook(sandbox: Sandbox) -> None:
    rotations: list[dict[str, Any]] = []
    tpp = sandbox.psd2(on_tokens=lambda holder, tokens: rotations.append(tokens))
    sandbox.psd2_settings(access_token_lifetime=2)
    holder, consent = await approved(sandbox, tpp, frequency_per_day=100)
    await asyncio.sleep(1.1)
    sandbox.clear_requests()
    await asyncio.gather(*(holder.accounts.list(consent_id=consent) for _ in range(5)))
    assert sandbox.count("POST", "/oauth/token") == 1
    assert len(rotations) == 2 and rotations[0]["refresh_token"] != rotations[1]["refresh_token"]
    assert holder.tokens == rotations[1]

    # Restored elsewhere from what the hook persisted; a 401 refreshes and replays.
    other = sandbox.psd2()
    restored = other.account_holder("user-42", rotations[1])
    sandbox.psd2_expire_tokens()
    await restored.accounts.list(consent_id=consent)
    assert sandbox.count("POST", "/oauth/token") == 2


async def test_a_failing_hook_is_logged_not_raised(sandbox: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    def broken(holder: str, tokens: dict[str, Any]) -> None:
        raise RuntimeError("the database is down")

    tpp = sandbox.psd2(on_tokens=broken)
    with caplog.at_level(logging.ERROR, logger="mypos"):
        holder, consent = await approved(sandbox, tpp)
    assert (await holder.accounts.list(consent_id=consent))["accounts"]
    assert any("on_tokens" in r.getMessage() and r.exc_info for r in caplog.records), caplog.records


async def test_token_errors_are_clear(sandbox: Sandbox) -> None:
    tpp = sandbox.psd2()
    with pytest.raises(mypos.AuthError, match="unknown, expired or already used"):
        await tpp.exchange_code("nope", holder_id="u")
    created = await tpp.consents.create(**all_accounts())
    code = sandbox.psd2_approve(tpp.authorization_url(created))
    with pytest.raises(mypos.AuthError, match="redirect_uri does not match"):
        await tpp.exchange_code(code, holder_id="u", redirect_uri="https://elsewhere.example/cb")
    holder, consent = await approved(sandbox, tpp)
    sandbox.psd2_revoke_refresh_tokens()
    sandbox.psd2_expire_tokens()
    with pytest.raises(mypos.AuthError, match="revoked.*approve a new consent"):
        await holder.accounts.list(consent_id=consent)


async def test_consent_errors(sandbox: Sandbox) -> None:
    tpp = sandbox.psd2()
    holder, consent = await approved(sandbox, tpp, frequency_per_day=1)
    await holder.accounts.list(consent_id=consent)
    with pytest.raises(mypos.RateLimitError) as raised:
        await holder.accounts.list(consent_id=consent)
    assert raised.value.codes == ["ACCESS_EXCEEDED"] and raised.value.retry_after > 60

    received = await tpp.consents.create(**all_accounts())
    with pytest.raises(mypos.AuthenticationError) as raised:
        await holder.accounts.list(consent_id=received["consent_id"])
    assert raised.value.codes == ["CONSENT_INVALID"] and "not been approved" in raised.value.detail

    holder2, consent2 = await approved(sandbox, tpp, holder_id="u2", valid_until=sandbox.psd2_today())
    await holder2.accounts.list(consent_id=consent2)
    sandbox.psd2_advance_days(1)
    with pytest.raises(mypos.AuthenticationError) as raised:
        await holder2.accounts.list(consent_id=consent2)
    assert raised.value.codes == ["CONSENT_EXPIRED"]
    assert (await tpp.consents.get(consent2))["consent_status"] == "expired"

    holder3, consent3 = await approved(sandbox, tpp, holder_id="u3")
    sandbox.psd2_revoke_consent(consent3)
    with pytest.raises(mypos.AuthenticationError, match="revoked"):
        await holder3.accounts.list(consent_id=consent3)
    await tpp.consents.delete(consent3)
    assert (await tpp.consents.get_status(consent3))["consent_status"] == "terminatedByTpp"

    sandbox.psd2_settings(error_style="problem")
    with pytest.raises(mypos.AuthenticationError) as raised:
        await holder3.accounts.list(consent_id=consent3)
    assert raised.value.codes == ["CONSENT_INVALID"] and raised.value.error_type


async def test_payments_cancelled_and_rejected(sandbox: Sandbox) -> None:
    tpp = sandbox.psd2()
    holder, consent = await approved(sandbox, tpp)

    def transfer(amount: str) -> dict[str, Any]:
        return {
            "instructed_amount": {"currency": "EUR", "amount": amount},
            "creditor_account": {"iban": "GB29NWBK60161331926819"},
            "creditor_name": "London Supplies Ltd",
            "consent_id": consent,
            "psu_ip_address": IP,
        }

    first = await holder.payments.initiate("cross-border-credit-transfers", **transfer("5.00"))
    await holder.payments.cancel("cross-border-credit-transfers", first["payment_id"])
    assert (await holder.payments.get_status("cross-border-credit-transfers", first["payment_id"]))["transaction_status"] == "CANC"

    big = await holder.payments.initiate("cross-border-credit-transfers", **transfer("1000000.00"))
    sandbox.psd2_approve(tpp.authorization_url(big))
    assert (await holder.payments.get_status("cross-border-credit-transfers", big["payment_id"]))["transaction_status"] == "RJCT"
    with pytest.raises(mypos.APIError) as raised:
        await holder.payments.cancel("cross-border-credit-transfers", big["payment_id"])
    assert raised.value.status == 405 and raised.value.codes == ["CANCELLATION_INVALID"]

    accounts = (await holder.accounts.list(consent_id=consent))["accounts"]
    iban = accounts[0]["iban"]
    confirm = await holder.funds.confirm(
        account={"iban": iban}, instructed_amount={"currency": "EUR", "amount": "10.00"}, consent_id=consent)
    assert confirm == {"funds_available": True}

    # SEPA is EUR: the bank refuses; the SDK sends what it is given (the API text makes no check).
    with pytest.raises(mypos.BadRequestError) as refused:
        await holder.payments.initiate("sepa-credit-transfers", **{**transfer("1.00"), "instructed_amount": {"currency": "GBP", "amount": "1.00"}})
    assert refused.value.codes == ["PARAMETER_NOT_CONSISTENT"]


async def test_the_texts_answers_and_calls_work_as_written(sandbox: Sandbox) -> None:
    tpp = sandbox.psd2()
    # The API text's consent body alone: no PSU-IP-Address header, no validUntil.
    created = await tpp.consents.create(
        access={"accounts": [], "balances": [], "transactions": []},
        recurring_indicator=False,
        frequency_per_day=4,
    )
    # The text's answer field: where the holder approves, used by authorization_url.
    assert created["authorization_url"].startswith(sandbox.url)
    assert "psu-ip-address" not in sandbox.requests("POST", "/v1/consents")[-1]["headers"]
    text_answer = {"consent_id": "c", "authorization_url": created["authorization_url"], "links": {}}
    url = tpp.authorization_url(text_answer, state="t1")
    assert url.startswith(created["authorization_url"]) and "state=t1" in url
    code = sandbox.psd2_approve(url)
    holder = await tpp.exchange_code(code, holder_id="texts")

    # Reads with the holder's token alone: it names its consent.
    eur = next(a for a in (await holder.accounts.list(with_balance=True))["accounts"] if a["currency"] == "EUR")
    page = await holder.accounts.get_transactions(eur["resource_id"])
    assert page["items"]
    assert "consent-id" not in sandbox.requests("GET", "/v1/accounts")[-1]["headers"]

    payment = await holder.payments.initiate(
        "sepa-credit-transfers",
        instructed_amount={"currency": "EUR", "amount": "100.00"},
        creditor_account={"iban": "DE89370400440532013000"},
        creditor_name="Recipient Name",
    )
    assert payment["authorization_url"]
    status = await holder.payments.get_status("sepa-credit-transfers", payment["payment_id"])
    assert status["transaction_status"] == "RCVD"
    assert sandbox.count("GET", f"/v1/payments/sepa-credit-transfers/{payment['payment_id']}/status") == 1

    confirm = await holder.funds.confirm(account={"iban": eur["iban"]}, instructed_amount={"currency": "EUR", "amount": "1.00"})
    assert confirm == {"funds_available": True}
    assert sandbox.count("POST", "/v1/funds-confirmation") == 1


def test_bad_tls_options_name_the_field() -> None:
    with pytest.raises(mypos.ConfigError) as raised:
        mypos.Psd2Client(client_id="tpp", client_secret="s", tls={"client_cert_pem": "nope"})
    assert raised.value.field == "tls.client_cert_pem" or raised.value.field == "tls.client_key_pem"


@pytest.mark.mypos_sandbox(tls=True)
async def test_mtls_refuses_a_call_without_the_certificate(sandbox: Sandbox) -> None:
    pki = sandbox.pki
    without = sandbox.psd2(tls={"extra_ca_pem": pki["ca_pem"]}, max_retries=0)
    with pytest.raises(mypos.APIConnectionError, match="requires a client certificate"):
        await without.consents.create(**all_accounts())
    tpp = sandbox.psd2()
    assert tpp.url.startswith("https://")
    assert tpp.base_url == tpp.url
    created = await tpp.consents.create(**all_accounts())
    assert created["consent_status"] == "received"
    # The Gateway takes the same options.
    gateway = sandbox.gateway(gateway_url=sandbox.tls_url, tls={
        "extra_ca_pem": pki["ca_pem"], "client_cert_pem": pki["client_cert_pem"], "client_key_pem": pki["client_key_pem"]})
    client = sandbox.client(gateway=gateway)
    assert (await client.banking.get_accounts())["items"]


async def test_the_account_information_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "examples" / "python" / "account_information.py"
    spec = importlib.util.spec_from_file_location("account_information", path)
    assert spec is not None and spec.loader is not None
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    await example.main()
    out = capsys.readouterr().out
    assert "tokens stored for ['user-42']" in out and "bill paid: ACSC" in out


async def test_with_options_takes_the_limits_a_merchant_client_takes(sandbox: Sandbox) -> None:
    tpp = sandbox.psd2().with_options(timeout=5, connect_timeout=1, max_retries=0)
    created = await tpp.consents.create(**all_accounts())
    assert created["consent_status"] == "received"
    with pytest.raises(mypos.ConfigError) as caught:
        tpp.with_options(connect_timeout=0)
    assert caught.value.field == "connect_timeout"


async def test_a_slow_on_tokens_holds_no_thread_of_the_runtime(
    sandbox: Sandbox, client: mypos.MerchantClient
) -> None:
    # More holders than the runtime has threads, each `on_tokens` blocked until released: run
    # on the runtime's threads, they would stop every other call; on the SDK's callback thread
    # they wait their turn, in order, while calls go on.
    release = threading.Event()
    seen: list[tuple[str, str]] = []

    def slow(holder: str, tokens: dict[str, Any]) -> None:
        seen.append((holder, threading.current_thread().name))
        release.wait(10)

    tpp = sandbox.psd2(on_tokens=slow)
    holders = [f"user-{i}" for i in range((os.cpu_count() or 2) + 1)]
    consents = [await tpp.consents.create(**all_accounts()) for _ in holders]
    codes = [sandbox.psd2_approve(tpp.authorization_url(c, state="s")) for c in consents]
    exchanges = [asyncio.create_task(tpp.exchange_code(code, holder_id=h)) for code, h in zip(codes, holders)]
    try:
        for _ in range(100):
            if seen:
                break
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.3)  # time for every exchange to reach its callback
        # Other calls complete meanwhile, many at once.
        answers = await asyncio.wait_for(asyncio.gather(*(client.banking.get_accounts() for _ in range(8))), 5)
        assert all(len(a["items"]) == 3 for a in answers)
        # The exchanges wait for their callback (the tokens are persisted when they answer).
        assert not any(e.done() for e in exchanges)
        assert len(seen) == 1
    finally:
        release.set()
    exchanged = await asyncio.wait_for(asyncio.gather(*exchanges), 10)
    assert [h.holder_id for h in exchanged] == holders
    assert sorted(h for h, _ in seen) == sorted(holders)
    assert {name for _, name in seen} == {"mypos-callbacks"}


async def test_a_blocked_logging_handler_holds_up_no_call(client: mypos.MerchantClient) -> None:
    # A handler that blocks (a full disk, a network log sink): run on the runtime's threads,
    # the call that logs would wait for it; on the SDK's callback thread, it does not.
    release = threading.Event()
    records: list[str] = []

    class Blocking(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(threading.current_thread().name)
            release.wait(10)

    logger = logging.getLogger("mypos")
    handler = Blocking(level=logging.DEBUG)
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    mypos.refresh_logging()
    try:
        answers = await asyncio.wait_for(asyncio.gather(*(client.banking.get_accounts() for _ in range(8))), 5)
        assert all(len(a["items"]) == 3 for a in answers)
        for _ in range(100):
            if records:
                break
            await asyncio.sleep(0.02)
        assert records and set(records) == {"mypos-callbacks"}
    finally:
        release.set()
        _handoff.flush()
        logger.removeHandler(handler)
        logger.setLevel(level)
        mypos.refresh_logging()
