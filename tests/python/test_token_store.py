"""The Redis token store across processes: a fleet of Python and Node processes sharing one
Redis fetches one partner token, and one session per merchant, whatever its size; a 401, a
Redis crash or a wrong key never fails a call."""

from __future__ import annotations

import base64
import os
import sys
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

import mypos
import mypos.sync
from mypos.testing import Sandbox

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fleet"))
from harness import Fleet, RedisServer  # noqa: E402

TOKEN = "/api/v1/oauth/token"
SESSION = "/api/v1/auth/session"
MIXED = ["python", "node"] * 4


@pytest.fixture
def redis() -> Iterator[RedisServer]:
    server = RedisServer()
    yield server
    server.kill()


def store(redis: RedisServer, key: bytes | None = None, **options: Any) -> dict[str, Any]:
    encryption_key = base64.b64encode(key or b"k" * 32).decode()
    return {"url": redis.url, "encryption_key": encryption_key, **options}


def merchants(n: int) -> list[str]:
    return [f"cli_fleet{i:03d}" for i in range(n)]


def issued(sandbox: Sandbox) -> tuple[int, int]:
    return sandbox.count("POST", TOKEN), sandbox.count("POST", SESSION)


def assert_all_ok(answers: list[dict[str, Any]], calls_each: int | None = None) -> None:
    for answer in answers:
        assert answer["failed"] == [], answer["failed"][:3]
        if calls_each is not None:
            assert answer["ok"] == calls_each


def test_a_cold_fleet_fetches_one_token_and_one_session_per_merchant(sandbox: Sandbox, redis: RedisServer) -> None:
    with Fleet(sandbox.url, MIXED, merchants(100), store(redis)) as fleet:
        assert_all_ok(fleet.run({"op": "burst"}), calls_each=100)
        assert issued(sandbox) == (1, 100)
        # Warm: every process has its copies, and calls reach the store no more.
        before = int(redis.cli("INFO", "stats").split("total_commands_processed:")[1].split()[0])
        assert_all_ok(fleet.run({"op": "burst"}), calls_each=100)
        after = int(redis.cli("INFO", "stats").split("total_commands_processed:")[1].split()[0])
    assert issued(sandbox) == (1, 100)
    assert after - before <= 2  # the INFO command itself


def test_without_the_store_each_process_fetches_its_own(sandbox: Sandbox) -> None:
    with Fleet(sandbox.url, ["python", "node"], merchants(10), None) as fleet:
        assert_all_ok(fleet.run({"op": "burst"}), calls_each=10)
    assert issued(sandbox) == (2, 20)


def test_a_401_in_one_process_refreshes_once_for_the_fleet(sandbox: Sandbox, redis: RedisServer) -> None:
    with Fleet(sandbox.url, MIXED, merchants(5), store(redis)) as fleet:
        assert_all_ok(fleet.run({"op": "burst"}))
        assert issued(sandbox) == (1, 5)
        sandbox.expire(tokens=True)
        # One process meets the 401 first and refreshes; the others, refused with the same
        # old token, find the new one in the store.
        assert_all_ok(fleet.run({"op": "burst"}, fleet.workers[:1]))
        assert_all_ok(fleet.run({"op": "burst"}, fleet.workers[1:]))
        # The 401 drops the token and session used; each is fetched once more for the fleet.
        assert issued(sandbox) == (2, 10)
        # All at once this time.
        sandbox.expire(tokens=True)
        assert_all_ok(fleet.run({"op": "burst"}))
        assert issued(sandbox) == (3, 15)


def test_redis_killed_mid_run_fails_no_call(sandbox: Sandbox, redis: RedisServer) -> None:
    # Short lifetimes: tokens and sessions are renewed every second, during the outage too.
    sandbox.set_lifetimes(token=2, session=2)
    with Fleet(sandbox.url, ["python", "node"] * 2, merchants(10), store(redis)) as fleet:
        for worker in fleet.workers:
            worker.send({"op": "loop", "seconds": 5})
        time.sleep(1.5)
        redis.kill()
        time.sleep(2)
        redis.start()
        answers = [worker.answer() for worker in fleet.workers]
        assert_all_ok(answers)
        assert all(a["ok"] > 50 for a in answers), [a["ok"] for a in answers]
        # Once back, the store is used again: a fresh round shares what one process fetched.
        time.sleep(2.5)
        tokens = sandbox.count("POST", TOKEN)
        assert_all_ok(fleet.run({"op": "burst"}))
        assert sandbox.count("POST", TOKEN) - tokens <= 1
        for worker in fleet.workers:
            warnings = worker.stderr().count("token store cannot be reached")
            assert warnings == 1, worker.stderr()[-2000:]


def test_a_wrong_key_reads_no_token(sandbox: Sandbox, redis: RedisServer) -> None:
    with Fleet(sandbox.url, ["python"], merchants(3), store(redis, key=b"a" * 32)) as fleet:
        assert_all_ok(fleet.run({"op": "burst"}))
    assert issued(sandbox) == (1, 3)
    with Fleet(sandbox.url, ["node"], merchants(3), store(redis, key=b"b" * 32)) as fleet:
        assert_all_ok(fleet.run({"op": "burst"}))
    # The second key could open nothing the first wrote: it fetched its own.
    assert issued(sandbox) == (2, 6)


def test_what_redis_holds_names_no_client_and_shows_no_token(sandbox: Sandbox, redis: RedisServer) -> None:
    with Fleet(sandbox.url, ["python"], merchants(2), store(redis, key_prefix="shop")) as fleet:
        assert_all_ok(fleet.run({"op": "burst"}))
    keys = sorted(redis.cli("--scan").split())
    assert len(keys) == 3, keys
    assert all(k.startswith("shop:") for k in keys)
    assert not any("cli_" in k or "client_" in k or "fleet" in k for k in keys)
    for key in keys:
        assert 0 < int(redis.cli("PTTL", key)) <= 3600_000
        value = redis.cli("--no-raw", "GET", key)
        assert value.startswith('"\\x01'), value  # sealed, not plain text
        assert "Bearer" not in value


def test_a_redis_store_needs_a_key_unless_opted_out() -> None:
    options: dict[str, Any] = {
        "integration": {"client_id": "client_x", "client_secret": "secret_x"},
        "partner_id": "mps-p-1",
        "application_id": "mps-app-1",
    }
    with pytest.raises(mypos.ConfigError) as e:
        mypos.Gateway(**options, token_store=mypos.RedisTokenStore("redis://127.0.0.1:1/0"))
    assert e.value.field == "token_store.encryption_key"
    with pytest.raises(mypos.ConfigError) as e:
        mypos.Gateway(**options, token_store=mypos.RedisTokenStore("redis://h/0", encryption_key=b"short"))
    assert e.value.field == "token_store.encryption_key"
    with pytest.raises(mypos.ConfigError) as e:
        mypos.Gateway(**options, token_store="redis://h/0")  # type: ignore[arg-type]
    assert e.value.field == "token_store"
    # Nothing is sent until the first call: an unreachable store is fine here.
    mypos.Gateway(**options, token_store=mypos.RedisTokenStore("redis://127.0.0.1:1/0", unencrypted=True))
    mypos.sync.Gateway(**options, token_store=mypos.RedisTokenStore("redis://h/0", encryption_key=os.urandom(32)))


def test_the_redis_password_never_shows() -> None:
    store = mypos.RedisTokenStore("redis://user:TOPSECRET@cache.internal:6379/2", encryption_key=b"K" * 32)
    assert repr(store) == "RedisTokenStore(url='redis://***@cache.internal:6379/2', key_prefix='mypos', encrypted=True)"
    with pytest.raises(mypos.ConfigError) as e:
        mypos.Gateway(
            integration={"client_id": "client_x", "client_secret": "secret_x"},
            partner_id="mps-p-1",
            application_id="mps-app-1",
            token_store=mypos.RedisTokenStore("rediss://:TOPSECRET@h/0", encryption_key=b"K" * 32),
        )
    assert "TOPSECRET" not in f"{e.value} {e.value!r}"
