"""One process of a fleet, driven over its standard input by `harness.py`.

The first line is the configuration (JSON): `gateway` (the `Gateway` arguments, with an
optional `token_store` of `RedisTokenStore` arguments) and `merchants` (client ids; the
secret of `cli_X` is `sec_X`). The worker builds its gateway and clients, answers
`{"ready": true}`, then runs one command per line and answers each with one JSON line:

- `{"op": "burst"}`: one call per merchant, all at once;
- `{"op": "loop", "seconds": S}`: every merchant called again and again for S seconds;
- `{"op": "quit"}`.

An answer holds `ok`, `failed` (error texts) and `done` (wall-clock seconds at which each
successful call finished).
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time

import mypos


async def call(client: mypos.MerchantClient, done: list[float], failed: list[str]) -> None:
    try:
        await client.banking.get_accounts()
        done.append(time.time())
    except mypos.MyPOSError as e:
        failed.append(f"{type(e).__name__}: {e}")


async def burst(clients: list[mypos.MerchantClient]) -> dict:
    done: list[float] = []
    failed: list[str] = []
    await asyncio.gather(*(call(c, done, failed) for c in clients))
    return {"ok": len(done), "failed": failed, "done": done}


async def loop(clients: list[mypos.MerchantClient], seconds: float) -> dict:
    done: list[float] = []
    failed: list[str] = []
    until = time.monotonic() + seconds

    async def one(client: mypos.MerchantClient) -> None:
        while time.monotonic() < until:
            await call(client, done, failed)
            await asyncio.sleep(0.01)

    await asyncio.gather(*(one(c) for c in clients))
    return {"ok": len(done), "failed": failed, "done": []}


async def main() -> None:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s %(message)s")
    config = json.loads(sys.stdin.readline())
    options = dict(config["gateway"])
    store = options.pop("token_store", None)
    if store is not None:
        options["token_store"] = mypos.RedisTokenStore(store.pop("url"), **store)
    gateway = mypos.Gateway(**options)
    clients = [gateway.create_client(client_id=m, client_secret="sec_" + m.removeprefix("cli_")) for m in config["merchants"]]
    print(json.dumps({"ready": True}), flush=True)
    loop_ = asyncio.get_running_loop()
    while True:
        line = await loop_.run_in_executor(None, sys.stdin.readline)
        if not line:
            return
        command = json.loads(line)
        if command["op"] == "quit":
            return
        if command["op"] == "burst":
            answer = await burst(clients)
        else:
            answer = await loop(clients, command["seconds"])
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
