"""The one `mypos.sync.Gateway` of this process (it owns the connection pool and the partner
token), made on first use from settings.MYPOS, and one client per merchant, kept while its
credentials stay the same (a client keeps the merchant's session between requests)."""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

import mypos
import mypos.sync
from mypos.testing import SANDBOX_CREDENTIALS, Sandbox

_lock = threading.Lock()
_made: dict[str, Any] = {}  # "gateway", and "sandbox" in development


def gateway() -> mypos.sync.Gateway:
    with _lock:
        if "gateway" not in _made:
            _made["gateway"] = _make()
        return _made["gateway"]


def _make() -> mypos.sync.Gateway:
    config = settings.MYPOS
    if not config["CLIENT_ID"]:  # development: a sandbox in this process, its seeded partner
        sandbox = _made["sandbox"] = Sandbox().start()
        config = {
            **config,
            "GATEWAY_URL": sandbox.url,
            "CLIENT_ID": SANDBOX_CREDENTIALS["integration"]["client_id"],
            "CLIENT_SECRET": SANDBOX_CREDENTIALS["integration"]["client_secret"],
            "PARTNER_ID": SANDBOX_CREDENTIALS["partner_id"],
            "APPLICATION_ID": SANDBOX_CREDENTIALS["application_id"],
        }
    return mypos.sync.Gateway(
        gateway_url=config["GATEWAY_URL"],
        integration={"client_id": config["CLIENT_ID"], "client_secret": config["CLIENT_SECRET"]},
        partner_id=config["PARTNER_ID"],
        application_id=config["APPLICATION_ID"],
        timeout=config["TIMEOUT"],
        # Shared by every worker process (gunicorn, celery) when a Redis is configured.
        token_store=(
            mypos.RedisTokenStore(config["REDIS_URL"], encryption_key=config["TOKEN_KEY"])
            if config.get("REDIS_URL")
            else None
        ),
    )


@lru_cache(maxsize=1024)
def merchant_client(client_id: str, client_secret: str) -> mypos.sync.MerchantClient:
    """A merchant's client; malformed credentials raise ConfigError (and are not kept)."""
    return gateway().create_client(client_id=client_id, client_secret=client_secret)


def reset() -> None:
    """Closes the gateway (and stops the development sandbox); the next call makes them anew."""
    merchant_client.cache_clear()
    with _lock:
        if "gateway" in _made:
            _made.pop("gateway").close()
        if "sandbox" in _made:
            _made.pop("sandbox").stop()


@receiver(setting_changed)
def _settings_changed(setting: str, **kwargs: Any) -> None:
    if setting == "MYPOS":  # tests point the app at their own sandbox
        reset()
