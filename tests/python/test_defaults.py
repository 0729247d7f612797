"""The defaults the Python classes show in their signatures are the core's, which a client
left without the option uses (the Node package leaves them to the core)."""

from __future__ import annotations

import inspect

import pytest

import mypos
import mypos.sync
from mypos import _native
from mypos.mobilepay import MobilePayPos
from mypos.psd2 import Psd2Client

CORE_DEFAULTS = {
    "timeout": _native.DEFAULT_TIMEOUT,
    "connect_timeout": _native.DEFAULT_CONNECT_TIMEOUT,
    "max_retries": _native.DEFAULT_MAX_RETRIES,
    "max_response_bytes": _native.DEFAULT_MAX_RESPONSE_BYTES,
}


@pytest.mark.parametrize(
    "cls",
    [mypos.Gateway, MobilePayPos, Psd2Client, mypos.sync.Gateway, mypos.sync.MobilePayPos, mypos.sync.Psd2Client],
)
def test_a_classs_defaults_are_the_cores(cls: type) -> None:
    parameters = inspect.signature(cls.__init__).parameters
    shown = {name: parameters[name].default for name in CORE_DEFAULTS}
    assert shown == CORE_DEFAULTS

