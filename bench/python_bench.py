"""The Python side of `scripts/bench`: the Python SDK and hand-written aiohttp and httpx clients
under the same loads. Prints one JSON object per line for `bench/run.py`.

    python bench/python_bench.py throughput --impl sdk|aiohttp|httpx --url URL --payment ID
    python bench/python_bench.py coldstart  --impl sdk|aiohttp|httpx --url URL [--clients 100 --calls 1000]
    python bench/python_bench.py memory     --impl sdk|aiohttp|httpx --url URL [--clients 10000]

Both run on the standard asyncio loop, as a Python user's code would.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import statistics
import sys
import time
import urllib.request
from typing import Any, Awaitable, Callable

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


PARTNER = {
    "integration": {"client_id": "client_sandbox", "client_secret": "secret_sandbox"},
    "partner_id": "mps-p-100000",
    "application_id": "mps-app-200000",
}

Call = Callable[[], Awaitable[Any]]


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def clear_log(url: str) -> None:
    """Empties the sandbox's request log so it does not grow across cells."""
    request = urllib.request.Request(f"{url}/_sandbox/requests", method="DELETE")
    urllib.request.urlopen(request).close()


class Side:
    """One implementation: a gateway, merchant clients, and the two operations."""

    def __init__(self, impl: str, url: str) -> None:
        self.impl = impl
        if impl == "sdk":
            import mypos

            self.gateway: Any = mypos.Gateway(gateway_url=url, **PARTNER)  # type: ignore[arg-type]
        elif impl == "aiohttp":
            import handwritten_aiohttp

            self.gateway = handwritten_aiohttp.HandWrittenGateway(url, **PARTNER)
        elif impl == "httpx":
            import handwritten_httpx

            self.gateway = handwritten_httpx.HandWrittenGateway(url, **PARTNER)
        else:
            raise SystemExit(f"unknown --impl {impl}")

    def client(self, client_id: str) -> Any:
        return self.gateway.create_client(client_id=client_id, client_secret=client_id.replace("cli_", "sec_", 1))

    def operation(self, client: Any, name: str, payment_id: str = "") -> Call:
        sdk = self.impl == "sdk"
        if name == "banking.get_accounts":
            return client.banking.get_accounts if sdk else client.get_accounts
        if name == "epos.payments.get":
            get = client.epos.payments.get if sdk else client.get_payment
            return lambda: get(payment_id)
        if name == "ecommerce.get_languages":
            return client.ecommerce.get_languages if sdk else client.get_languages
        raise SystemExit(f"unknown operation {name}")

    async def close(self) -> None:
        if self.impl != "sdk":
            await self.gateway.aclose()


async def run_round(call: Call, concurrency: int, seconds: float) -> tuple[int, int, float, float]:
    """`concurrency` loops calling `call` for `seconds`: (calls, errors, elapsed, cpu)."""
    calls = errors = 0
    cpu = time.process_time()
    started = time.perf_counter()
    stop = started + seconds

    async def loop() -> None:
        nonlocal calls, errors
        while time.perf_counter() < stop:
            try:
                await call()
                calls += 1
            except Exception as e:  # noqa: BLE001 - counted and reported
                errors += 1
                if errors == 1:
                    print(f"python-bench: a call failed: {e!r}", file=sys.stderr)

    await asyncio.gather(*(loop() for _ in range(concurrency)))
    return calls, errors, time.perf_counter() - started, time.process_time() - cpu


async def throughput(args: argparse.Namespace) -> None:
    side = Side(args.impl, args.url)
    client = side.client(args.merchant)
    for name in args.ops.split(","):
        call = side.operation(client, name, args.payment)
        for concurrency in (int(c) for c in args.concurrency.split(",")):
            clear_log(args.url)
            await run_round(call, concurrency, args.warmup)
            rounds = [await run_round(call, concurrency, args.seconds) for _ in range(args.rounds)]
            rates = [c / elapsed for c, _, elapsed, _ in rounds]
            cpu = [cpu * 1e6 / max(c, 1) for c, _, _, cpu in rounds]
            emit(
                task="throughput",
                impl=f"python-{args.impl}",
                op=name,
                concurrency=concurrency,
                calls_per_s=statistics.median(rates),
                rounds=rates,
                cpu_us_per_call=statistics.median(cpu),
                errors=sum(e for _, e, _, _ in rounds),
            )
    await side.close()


async def cold_start(args: argparse.Namespace) -> None:
    side = Side(args.impl, args.url)
    clients = [side.client(f"cli_{args.prefix}_{i:04}") for i in range(args.clients)]
    started = time.perf_counter()
    results = await asyncio.gather(
        *(side.operation(clients[i % args.clients], "banking.get_accounts")() for i in range(args.calls)),
        return_exceptions=True,
    )
    wall = time.perf_counter() - started
    emit(
        task="coldstart",
        impl=f"python-{args.impl}",
        clients=args.clients,
        calls=args.calls,
        wall_ms=wall * 1e3,
        errors=sum(isinstance(r, BaseException) for r in results),
    )
    await side.close()


async def bounded(calls: list[Call], limit: int) -> int:
    """Runs every call, at most `limit` at a time; the number that failed."""
    failed = 0
    queue = iter(calls)

    async def worker() -> None:
        nonlocal failed
        for call in queue:
            try:
                await call()
            except Exception:  # noqa: BLE001 - counted
                failed += 1

    await asyncio.gather(*(worker() for _ in range(limit)))
    return failed


async def memory(args: argparse.Namespace) -> None:
    side = Side(args.impl, args.url)
    # Warm up: the token, 64 pooled connections, the interpreter's free lists.
    warm = [side.client(f"cli_{args.prefix}_warm_{i:02}") for i in range(64)]
    for _ in range(3):
        await bounded([side.operation(c, "ecommerce.get_languages") for c in warm], 64)
    del warm
    gc.collect()
    baseline = rss_bytes()
    clients = [side.client(f"cli_{args.prefix}_{i:05}") for i in range(args.clients)]
    gc.collect()
    created = rss_bytes()
    errors = await bounded([side.operation(c, "ecommerce.get_languages") for c in clients], 64)
    gc.collect()
    with_sessions = rss_bytes()
    emit(
        task="memory",
        impl=f"python-{args.impl}",
        clients=args.clients,
        baseline_bytes=baseline,
        created_bytes_per_client=(created - baseline) / args.clients,
        bytes_per_client=(with_sessions - baseline) / args.clients,
        errors=errors,
    )
    del clients
    await side.close()


def emit(**fields: Any) -> None:
    print(json.dumps(fields), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("task", choices=["throughput", "coldstart", "memory"])
    parser.add_argument("--impl", required=True, choices=["sdk", "aiohttp", "httpx"])
    parser.add_argument("--url", required=True)
    parser.add_argument("--payment", default="")
    parser.add_argument("--merchant", default="cli_bench")
    parser.add_argument("--ops", default="banking.get_accounts,epos.payments.get")
    parser.add_argument("--concurrency", default="1,64")
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=float, default=0.5)
    parser.add_argument("--clients", type=int)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--prefix")
    args = parser.parse_args()
    if args.task == "throughput":
        asyncio.run(throughput(args))
    elif args.task == "coldstart":
        args.clients = args.clients or 100
        args.prefix = args.prefix or f"cold_py{args.impl}"
        asyncio.run(cold_start(args))
    else:
        args.clients = args.clients or 10_000
        args.prefix = args.prefix or "mem"
        asyncio.run(memory(args))


if __name__ == "__main__":
    main()
