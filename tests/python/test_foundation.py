"""The foundation through the Python surface, against the sandbox over loopback HTTP."""

from __future__ import annotations

import asyncio
import pickle
from urllib.parse import parse_qsl
from typing import Any

import pytest

import mypos
from mypos.testing import SANDBOX_CREDENTIALS, Sandbox

TOKEN = "/api/v1/oauth/token"
SESSION = "/api/v1/auth/session"
ACCOUNTS = "/accounting/v1/accounts"


def gateway_args(sandbox: Sandbox, **overrides: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "gateway_url": sandbox.url,
        "integration": dict(SANDBOX_CREDENTIALS["integration"]),
        "partner_id": SANDBOX_CREDENTIALS["partner_id"],
        "application_id": SANDBOX_CREDENTIALS["application_id"],
    }
    args.update(overrides)
    return args


async def test_lists_accounts_as_plain_dicts(client: mypos.MerchantClient) -> None:
    page = await client.banking.get_accounts(page=1, size=2)
    assert isinstance(page, dict)
    assert [len(page["items"]), page["page"], page["page_size"], page["total_count"]] == [2, 1, 2, 3]
    assert page["has_next_page"] is True
    account = page["items"][0]
    assert set(account) >= {"account_number", "iban", "currency", "name", "balance"}
    assert isinstance(account["balance"], str)  # decimals travel as text, never as floats


async def test_business_calls_carry_the_gateway_headers(sandbox: Sandbox, client: mypos.MerchantClient) -> None:
    await client.banking.get_accounts()
    [logged] = sandbox.requests("GET", ACCOUNTS)
    headers = logged["headers"]
    assert headers["authorization"] == headers["x-session"] == "<redacted>"
    assert headers["x-partner-id"] == SANDBOX_CREDENTIALS["partner_id"]
    assert headers["x-application-id"] == SANDBOX_CREDENTIALS["application_id"]
    assert headers["accept"] == "application/json"
    assert headers["user-agent"].startswith(f"mypos-sdk/{mypos.__version__} (python; ")


async def test_cold_start_shares_one_token_and_one_session_per_merchant(sandbox: Sandbox) -> None:
    gateway = sandbox.gateway()
    merchants = [sandbox.client(f"cli_m{i}", gateway=gateway) for i in range(20)]
    pages = await asyncio.gather(*(merchants[i % 20].banking.get_accounts(size=1) for i in range(200)))
    assert all(len(p["items"]) == 1 for p in pages)
    assert sandbox.count("POST", TOKEN) == 1
    assert sandbox.count("POST", SESSION) == 20
    assert sandbox.count("GET", ACCOUNTS) == 200


async def test_refreshes_before_expiry(sandbox: Sandbox, client: mypos.MerchantClient) -> None:
    sandbox.set_lifetimes(token=2, session=2)
    await client.banking.get_accounts()
    await client.banking.get_accounts()
    assert (sandbox.count("POST", TOKEN), sandbox.count("POST", SESSION)) == (1, 1)
    await asyncio.sleep(1.2)
    await client.banking.get_accounts()
    assert (sandbox.count("POST", TOKEN), sandbox.count("POST", SESSION)) == (2, 2)
    assert all(r["status"] != 401 for r in sandbox.requests())


async def test_a_401_refreshes_and_replays_once(sandbox: Sandbox, client: mypos.MerchantClient) -> None:
    await client.banking.get_accounts()
    sandbox.expire(tokens=True, sessions=True)
    page = await client.banking.get_accounts()
    assert page["items"]
    assert [r["status"] for r in sandbox.requests("GET", ACCOUNTS)] == [200, 401, 200]


async def test_a_second_401_raises_auth_error(sandbox: Sandbox, client: mypos.MerchantClient) -> None:
    sandbox.set_lifetimes(session=0)
    with pytest.raises(mypos.AuthError) as caught:
        await client.banking.get_accounts()
    assert caught.value.status == 401
    assert sandbox.count("GET", ACCOUNTS) == 2


async def test_wrong_merchant_credentials(sandbox: Sandbox, gateway: mypos.Gateway) -> None:
    client = gateway.create_client(client_id="cli_a", client_secret="sec_b")
    with pytest.raises(mypos.AuthError) as caught:
        await client.banking.get_accounts()
    assert caught.value.status == 400
    assert "merchant session" in str(caught.value)
    assert caught.value.code == "MYPOS_AUTH"


async def test_wrong_partner_credentials(sandbox: Sandbox) -> None:
    gateway = mypos.Gateway(**gateway_args(sandbox, integration={"client_id": "client_x", "client_secret": "secret_x"}))
    assert gateway.base_url == gateway.url
    with pytest.raises(mypos.AuthError) as caught:
        await sandbox.client(gateway=gateway).banking.get_accounts()
    assert caught.value.status == 401
    assert sandbox.count("GET", ACCOUNTS) == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"integration": {"client_id": "cli_x", "client_secret": "secret_x"}}, "integration.client_id"),
        ({"integration": {"client_id": "client_x", "client_secret": "sec_x"}}, "integration.client_secret"),
        ({"integration": {"client_id": "client_x", "client_secret": ""}}, "integration.client_secret"),
        ({"integration": {"client_id": "client_x"}}, "integration.client_secret"),
        ({"partner_id": "12345"}, "partner_id"),
        ({"partner_id": ""}, "partner_id"),
        ({"application_id": "app-1"}, "application_id"),
        ({"gateway_url": "http://example.com"}, "gateway_url"),
        ({"gateway_url": "not a url"}, "gateway_url"),
        ({"timeout": 0}, "timeout"),
        ({"timeout": -1.5}, "timeout"),
        ({"timeout": float("nan")}, "timeout"),
    ],
)
def test_config_errors_name_the_field(sandbox: Sandbox, overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(mypos.ConfigError) as caught:
        mypos.Gateway(**gateway_args(sandbox, **overrides))
    assert caught.value.field == field
    assert isinstance(caught.value, ValueError)
    assert f"`{field}`" in str(caught.value)


@pytest.mark.parametrize(
    ("client_id", "client_secret", "field"),
    [("client_x", "sec_x", "client_id"), ("cli_x", "secret_x", "client_secret"), ("", "sec_x", "client_id")],
)
def test_merchant_credential_errors(gateway: mypos.Gateway, client_id: str, client_secret: str, field: str) -> None:
    with pytest.raises(mypos.ConfigError) as caught:
        gateway.create_client(client_id=client_id, client_secret=client_secret)
    assert caught.value.field == field


async def test_bad_arguments_fail_before_any_request(sandbox: Sandbox, client: mypos.MerchantClient) -> None:
    with pytest.raises(mypos.InvalidRequestError) as caught:
        await client.banking.get_accounts(size=500)
    assert caught.value.field == "size"
    with pytest.raises(mypos.InvalidRequestError, match="expected one of: page, size"):
        await client.banking.get_accounts(pagesize=5)
    with pytest.raises(mypos.InvalidRequestError):
        await client.banking.get_accounts(page=float("nan"))
    with pytest.raises(TypeError):
        await client.banking.get_accounts(1)
    assert sandbox.requests() == []


def test_exceptions_pickle_with_their_fields() -> None:
    error = mypos.BadRequestError(
        "HTTP 400 Bad Request", code="MYPOS_BAD_REQUEST", status=400, status_message="Bad Request",
        errors={"item_price": ["must be positive"]}, request_id="r-1",
    )
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is mypos.BadRequestError
    assert (copy.status, copy.errors, copy.request_id, copy.code, str(copy)) == (
        400, {"item_price": ["must be positive"]}, "r-1", "MYPOS_BAD_REQUEST", "HTTP 400 Bad Request",
    )
    assert isinstance(copy, mypos.APIError) and isinstance(copy, mypos.MyPOSError)


def test_exception_tree() -> None:
    assert issubclass(mypos.APITimeoutError, mypos.APIConnectionError)
    assert issubclass(mypos.APITimeoutError, TimeoutError)
    assert issubclass(mypos.ConfigError, ValueError)
    for cls in (mypos.NotFoundError, mypos.RateLimitError, mypos.ServerError, mypos.BadRequestError):
        assert issubclass(cls, mypos.APIError)


async def test_secrets_never_show(sandbox: Sandbox) -> None:
    secret = "secret_TOPSECRET1"
    gateway = mypos.Gateway(**gateway_args(sandbox, integration={"client_id": "client_sandbox", "client_secret": secret}))
    client = gateway.create_client(client_id="cli_sandbox", client_secret="sec_TOPSECRET2")
    with pytest.raises(mypos.AuthError) as caught:
        await client.banking.get_accounts()
    shown = " ".join([repr(gateway), str(gateway), repr(client), repr(caught.value), str(caught.value), repr(client.banking)])
    assert "TOPSECRET" not in shown
    with pytest.raises(mypos.ConfigError) as bad:
        mypos.Gateway(**gateway_args(sandbox, integration={"client_id": "client_x", "client_secret": "oops_TOPSECRET3"}))
    assert "TOPSECRET" not in str(bad.value) + repr(bad.value)


def test_sync_and_async_context_managers() -> None:
    with Sandbox() as sandbox:
        assert sandbox.url.startswith("http://127.0.0.1:")
    with pytest.raises(RuntimeError):
        sandbox.url

    async def run() -> None:
        async with Sandbox() as running:
            page = await running.client().banking.get_accounts()
            assert page["items"]

    asyncio.run(run())


def test_constants() -> None:
    assert mypos.DEMO_GATEWAY_URL == "https://demo-api-gateway.mypos.com"
    assert mypos.PRODUCTION_GATEWAY_URL == "https://api-gateway.mypos.com"
    assert mypos.__version__


async def test_raw_requests_share_tokens_and_errors(sandbox: Sandbox, client: mypos.MerchantClient) -> None:
    answer = await client.request("GET", ACCOUNTS, query={"size": 1})
    assert len(answer["items"]) == 1
    assert "account_number" in answer["items"][0]
    with pytest.raises(mypos.NotFoundError) as caught:
        await client.request("GET", "/accounting/v1/nowhere")
    assert caught.value.status == 404
    with pytest.raises(mypos.InvalidRequestError):
        await client.request("GET", "https://example.com/steal")
    assert (sandbox.count("POST", TOKEN), sandbox.count("POST", SESSION)) == (1, 1)


async def test_paged_lists_iterate_lazily_page_by_page(sandbox: Sandbox, client: mypos.MerchantClient) -> None:
    items = client.banking.iter_accounts(size=1)
    first = await items.__anext__()
    assert sandbox.count("GET", ACCOUNTS) == 1, "only the first page so far"
    rest = [account async for account in items]
    assert [a["account_number"] for a in [first, *rest]] == [
        a["account_number"] for a in (await client.banking.get_accounts(size=3))["items"]
    ]
    queries = [dict(parse_qsl(r["query"])) for r in sandbox.requests("GET", ACCOUNTS)][:3]
    assert queries == [{"size": "1", "page": str(n)} for n in (1, 2, 3)]
