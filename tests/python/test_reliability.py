"""Faults from the sandbox, and what a Python caller sees: a retry where it is safe, a typed
error with a useful message otherwise, never a hang past the timeout."""

from __future__ import annotations

import time

import pytest

import mypos
from mypos.testing import Sandbox

ACCOUNTS = "/accounting/v1/accounts"


def statuses(sandbox: Sandbox) -> list[int]:
    return [r["status"] for r in sandbox.requests("GET", ACCOUNTS)]


async def test_server_errors_on_reads_are_retried(sandbox: Sandbox, client: mypos.MerchantClient) -> None:
    sandbox.inject_fault(ACCOUNTS, status=503, count=2)
    assert len((await client.banking.get_accounts())["items"]) == 3
    assert statuses(sandbox) == [503, 503, 200]


async def test_retries_stop_at_max_retries(sandbox: Sandbox, client: mypos.MerchantClient) -> None:
    sandbox.inject_fault(ACCOUNTS, status=500, count=10)
    with pytest.raises(mypos.ServerError) as caught:
        await client.banking.get_accounts()
    assert caught.value.status == 500
    assert statuses(sandbox) == [500, 500, 500]
    with pytest.raises(mypos.ServerError):
        await client.with_options(max_retries=0).banking.get_accounts()
    assert len(statuses(sandbox)) == 4


async def test_retry_after_beyond_the_cap_is_a_rate_limit_error(sandbox: Sandbox, client: mypos.MerchantClient) -> None:
    sandbox.inject_fault(ACCOUNTS, status=429, headers={"Retry-After": "3600"})
    with pytest.raises(mypos.RateLimitError) as caught:
        await client.banking.get_accounts()
    assert caught.value.retry_after == 3600
    assert caught.value.code == "MYPOS_RATE_LIMITED"


async def test_problem_details_become_exception_fields(sandbox: Sandbox, client: mypos.MerchantClient) -> None:
    problem = {
        "title": "One or more validation errors occurred.",
        "status": 400,
        "detail": "See errors.",
        "traceId": "00-abc-01",
        "errors": {"item_price": ["The price must be positive."]},
    }
    sandbox.inject_fault(ACCOUNTS, status=400, body=problem)
    with pytest.raises(mypos.BadRequestError) as caught:
        await client.banking.get_accounts()
    error = caught.value
    assert (error.status, error.status_message, error.detail, error.request_id) == (
        400, "One or more validation errors occurred.", "See errors.", "00-abc-01",
    )
    assert error.errors == {"item_price": ["The price must be positive."]}
    sandbox.inject_fault(ACCOUNTS, status=404)
    with pytest.raises(mypos.NotFoundError):
        await client.banking.get_accounts()


async def test_bad_bodies_are_decode_errors(sandbox: Sandbox, client: mypos.MerchantClient) -> None:
    sandbox.inject_fault(ACCOUNTS, "malformed_json")
    with pytest.raises(mypos.APIDecodeError):
        await client.banking.get_accounts()
    sandbox.inject_fault(ACCOUNTS, "truncated_body")
    with pytest.raises(mypos.APIDecodeError) as caught:
        await client.banking.get_accounts()
    assert caught.value.status == 200
    sandbox.inject_fault(ACCOUNTS, "html", status=502, count=3)
    with pytest.raises(mypos.ServerError, match="text/html"):
        await client.banking.get_accounts()


async def test_dropped_connections_on_reads_are_retried(sandbox: Sandbox, client: mypos.MerchantClient) -> None:
    sandbox.inject_fault(ACCOUNTS, "drop_before_headers")
    sandbox.inject_fault(ACCOUNTS, "drop_after_headers")
    assert len((await client.banking.get_accounts())["items"]) == 3


async def test_a_slow_answer_is_a_timeout(sandbox: Sandbox, client: mypos.MerchantClient) -> None:
    sandbox.inject_fault(ACCOUNTS, "delay", delay_ms=5000, count=5)
    started = time.monotonic()
    with pytest.raises(mypos.APITimeoutError) as caught:
        await client.with_options(timeout=0.4).banking.get_accounts()
    assert time.monotonic() - started < 3
    assert isinstance(caught.value, TimeoutError)
    assert caught.value.timeout == pytest.approx(0.4)


async def test_a_session_expiring_mid_flight_is_renewed(sandbox: Sandbox, client: mypos.MerchantClient) -> None:
    await client.banking.get_accounts()
    sandbox.inject_fault(ACCOUNTS, "expire_session")
    await client.banking.get_accounts()
    assert statuses(sandbox) == [200, 401, 200]


async def test_an_unreachable_gateway_is_a_connection_error(sandbox: Sandbox, client: mypos.MerchantClient) -> None:
    sandbox.stop()
    with pytest.raises(mypos.APIConnectionError, match="could not connect"):
        await client.banking.get_accounts()


def test_with_options_checks_its_arguments(client: mypos.MerchantClient) -> None:
    with pytest.raises(mypos.ConfigError) as caught:
        client.with_options(timeout=-1)
    assert caught.value.field == "timeout"


async def test_the_connect_timeout_is_set_per_call_too(client: mypos.MerchantClient) -> None:
    assert (await client.with_options(connect_timeout=0.25).banking.get_accounts())["items"]
    with pytest.raises(mypos.ConfigError) as caught:
        client.with_options(connect_timeout=0)
    assert caught.value.field == "connect_timeout"


async def test_redirects_are_not_followed(sandbox: Sandbox, client: mypos.MerchantClient) -> None:
    port = sandbox.url.rsplit(":", 1)[1]
    sandbox.inject_fault(ACCOUNTS, status=308, headers={"Location": f"http://localhost:{port}{ACCOUNTS}"})
    with pytest.raises(mypos.APIError) as caught:
        await client.banking.get_accounts()
    assert caught.value.status == 308
    assert "localhost" in str(caught.value)
    assert statuses(sandbox) == [308]


@pytest.mark.parametrize("announce_length", [True, False])
async def test_an_answer_past_the_size_limit_is_refused_naming_the_limit(sandbox: Sandbox, announce_length: bool) -> None:
    client = sandbox.client(gateway=sandbox.gateway(max_response_bytes=65536, max_retries=0))
    sandbox.inject_fault(ACCOUNTS, "oversized", bytes=50 * 1024 * 1024, announce_length=announce_length)
    with pytest.raises(mypos.APIDecodeError) as caught:
        await client.banking.get_accounts()
    assert (caught.value.status, caught.value.limit) == (200, 65536)
    assert "max_response_bytes (65536 bytes)" in str(caught.value)
    with pytest.raises(mypos.ConfigError) as refused:
        sandbox.gateway(max_response_bytes=0)
    assert refused.value.field == "max_response_bytes"
