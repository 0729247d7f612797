"""The myPOS SDK for Python: the API Gateway, typed and async, on a Rust core.

    gateway = mypos.Gateway(integration={...}, partner_id="mps-p-…", application_id="mps-app-…")
    client = gateway.create_client(client_id="cli_…", client_secret="sec_…")
    accounts = await client.banking.get_accounts(page=1, size=20)
"""

from . import errors
from ._client import DEMO_GATEWAY_URL, PRODUCTION_GATEWAY_URL, Gateway, MerchantClient, RedisTokenStore
from ._native import VERSION as __version__
from ._native import refresh_logging
from .errors import *  # noqa: F403
from .mobilepay import MobilePayPos
from .psd2 import DEFAULT_PSD2_URL, Psd2Client

__all__ = [
    "DEMO_GATEWAY_URL",
    "PRODUCTION_GATEWAY_URL",
    "Gateway",
    "MerchantClient",
    "RedisTokenStore",
    "MobilePayPos",
    "Psd2Client",
    "DEFAULT_PSD2_URL",
    "errors",
    "refresh_logging",
    "__version__",
    *errors.__all__,
]
