"""A bug inside the core (a Rust panic) reaches Python as `mypos.InternalError`: an ordinary
exception an application's `except Exception` or `except mypos.MyPOSError` handles, never
pyo3's `PanicException` (a `BaseException`) or pyo3-async-runtimes' `RustPanic`. The process,
its runtime and its clients carry on.

`mypos._native._panic_for_tests` panics inside a call that takes the same path as every
operation (the awaitable, or the blocking call of the sync API), or, with `method=True`, inside
a synchronous method the way every constructor, `with_options`, `authorization_url` and call
setup runs."""

from __future__ import annotations

import pickle

import pytest

import mypos
import mypos.sync
from mypos import _native
from mypos.testing import SANDBOX_CREDENTIALS, Sandbox


def sync_client(sandbox: Sandbox) -> mypos.sync.MerchantClient:
    gateway = mypos.sync.Gateway(
        gateway_url=sandbox.url,
        integration=dict(SANDBOX_CREDENTIALS["integration"]),
        partner_id=SANDBOX_CREDENTIALS["partner_id"],
        application_id=SANDBOX_CREDENTIALS["application_id"],
    )
    client = gateway.create_client(client_id="cli_sandbox", client_secret="sec_sandbox")
    assert isinstance(client, mypos.sync.MerchantClient)
    return client


def assert_internal(error: BaseException) -> None:
    assert type(error) is mypos.InternalError
    assert isinstance(error, mypos.MyPOSError)
    assert error.code == "MYPOS_INTERNAL"
    assert "a panic on purpose, for the tests" in str(error)
    assert "please report it" in str(error)


async def test_a_panic_in_an_async_call_is_an_internal_error(client: mypos.MerchantClient) -> None:
    try:
        await _native._panic_for_tests()
    except Exception as error:  # what a web app's error handler catches
        assert_internal(error)
    else:
        pytest.fail("the panic was swallowed")
    # The same process, runtime and client go on working.
    assert len((await client.banking.get_accounts())["items"]) == 3


async def test_panics_do_not_wear_the_runtime_down(client: mypos.MerchantClient) -> None:
    for _ in range(20):
        with pytest.raises(mypos.InternalError):
            await _native._panic_for_tests()
    assert len((await client.banking.get_accounts(size=2))["items"]) == 2


def test_a_panic_in_a_sync_call_is_an_internal_error(sandbox: Sandbox) -> None:
    client = sync_client(sandbox)
    try:
        _native._panic_for_tests(sync=True)
    except Exception as error:
        assert_internal(error)
    else:
        pytest.fail("the panic was swallowed")
    assert len(client.banking.get_accounts()["items"]) == 3


def test_an_internal_error_pickles_like_the_others() -> None:
    with pytest.raises(mypos.InternalError) as caught:
        _native._panic_for_tests(sync=True)
    copy = pickle.loads(pickle.dumps(caught.value))
    assert_internal(copy)


def test_a_panic_in_a_synchronous_method_is_an_internal_error(sandbox: Sandbox) -> None:
    client = sync_client(sandbox)
    try:
        _native._panic_for_tests(method=True)
    except Exception as error:  # pyo3's PanicException is a BaseException: it would pass by
        assert_internal(error)
    else:
        pytest.fail("the panic was swallowed")
    assert len(client.banking.get_accounts()["items"]) == 3
