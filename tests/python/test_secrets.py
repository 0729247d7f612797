"""Secrets never show: not in `logging` at its most verbose, not in any repr or message."""

from __future__ import annotations

import re

import pytest

import mypos
from mypos import _handoff
from mypos.testing import SANDBOX_CREDENTIALS, Sandbox

ACCOUNTS = "/accounting/v1/accounts"
TOKEN_PREFIX = "eyJhbGciOiJSUzI1NiIsImtpZCI6InNhbmRib3gi"  # the sandbox's JWT header
SESSION_LIKE = re.compile(r"[A-Za-z0-9]{48}")


async def test_no_secret_reaches_logging_at_the_lowest_level(sandbox: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(1)  # below DEBUG: Rust's TRACE records too, from every crate
    mypos.refresh_logging()  # levels are cached; earlier tests ran with logging quiet
    gateway = sandbox.gateway()
    client = gateway.create_client(client_id="cli_LOGS1", client_secret="sec_LOGS1")
    await client.banking.get_accounts()
    sandbox.expire(tokens=True, sessions=True)
    await client.banking.get_accounts()
    sandbox.inject_fault(ACCOUNTS, status=503)
    await client.banking.get_accounts()
    sandbox.inject_fault(ACCOUNTS, status=400)
    errors: list[BaseException] = []
    with pytest.raises(mypos.BadRequestError) as bad_request:
        await client.banking.get_accounts()
    errors.append(bad_request.value)
    with pytest.raises(mypos.AuthError) as wrong_merchant:
        await gateway.create_client(client_id="cli_LOGS2", client_secret="sec_WRONG2").banking.get_accounts()
    errors.append(wrong_merchant.value)
    wrong_partner = sandbox.gateway(integration={"client_id": "client_sandbox", "client_secret": "secret_WRONG3"})
    with pytest.raises(mypos.AuthError) as refused:
        await wrong_partner.create_client(client_id="cli_x", client_secret="sec_x").banking.get_accounts()
    errors.append(refused.value)
    _handoff.flush()  # records reach `logging` from the SDK's callback thread

    logs = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)
    shown = logs + " ".join(repr(x) + str(x) + repr(vars(x)) for x in [*errors, gateway, client, client.banking])
    for secret in [SANDBOX_CREDENTIALS["integration"]["client_secret"], "sec_LOGS1", "sec_WRONG2", "secret_WRONG3", TOKEN_PREFIX]:
        assert secret not in shown
    assert not SESSION_LIKE.search(shown)
    assert any(r.name.startswith("mypos") for r in caplog.records), "the core logs through `logging`"
    assert ACCOUNTS in logs and "retrying myPOS call" in logs
