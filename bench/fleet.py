"""The Redis token store's benchmark: a cold fleet of 8 processes (Python and Node, half each)
× 100 merchants, with and without the store, and the cost the store adds to a call while the
process holds a fresh copy. Prints a Markdown table (BENCHMARKS.md, "Many processes").

    .venv/bin/python bench/fleet.py [--processes 8 --merchants 100 --warm-calls 2000]

Needs the SDK importable by this Python, the Node package built, and redis-server.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import statistics
import sys
import time
from pathlib import Path

import mypos
from mypos.testing import Sandbox

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "fleet"))
from harness import Fleet, RedisServer  # noqa: E402

KEY = base64.b64encode(os.urandom(32)).decode()


def cold(processes: int, merchants: int, with_store: bool) -> dict[str, float]:
    with Sandbox() as sandbox:
        redis = RedisServer() if with_store else None
        try:
            store = {"url": redis.url, "encryption_key": KEY} if redis else None
            ids = [f"cli_bench{i:04d}" for i in range(merchants)]
            with Fleet(sandbox.url, ["python", "node"] * (processes // 2), ids, store) as fleet:
                go = time.time()
                answers = fleet.run({"op": "burst"})
            failed = sum(len(a["failed"]) for a in answers)
            done = sorted(t for a in answers for t in a["done"])
            first_1000 = done[min(999, len(done) - 1)] - go
            return {
                "tokens": sandbox.count("POST", "/api/v1/oauth/token"),
                "sessions": sandbox.count("POST", "/api/v1/auth/session"),
                "first_1000_ms": first_1000 * 1000,
                "all_ms": (done[-1] - go) * 1000,
                "failed": failed,
            }
        finally:
            if redis:
                redis.kill()


async def per_call(client: mypos.MerchantClient, calls: int) -> float:
    """µs per awaited call, one at a time."""
    started = time.perf_counter()
    for _ in range(calls):
        await client.banking.get_accounts()
    return (time.perf_counter() - started) / calls * 1e6


def redis_commands(redis: RedisServer) -> int:
    """Commands the SDK sent since the last reset (`INFO commandstats`, `cmdstat_<name>:calls=N`)."""
    stats = redis.cli("INFO", "commandstats")
    sdk = ("cmdstat_evalsha:", "cmdstat_eval:", "cmdstat_set:", "cmdstat_get:")
    return sum(int(line.split("calls=")[1].split(",")[0]) for line in stats.splitlines() if line.startswith(sdk))


def warm(calls: int, rounds: int) -> dict[str, float]:
    with Sandbox() as sandbox:
        redis = RedisServer()
        try:
            store = mypos.RedisTokenStore(redis.url, encryption_key=KEY)
            plain = sandbox.client(gateway=sandbox.gateway())
            shared = sandbox.client(gateway=sandbox.gateway(token_store=store))

            async def measure() -> tuple[list[float], list[float], int]:
                for client in (plain, shared):  # tokens fetched (and shared), connections open
                    for _ in range(200):
                        await client.banking.get_accounts()
                redis.cli("CONFIG", "RESETSTAT")
                without, with_store = [], []
                # Alternating rounds, so a slower moment of the machine hits both sides alike.
                for _ in range(rounds):
                    without.append(await per_call(plain, calls))
                    with_store.append(await per_call(shared, calls))
                return without, with_store, redis_commands(redis)

            without, with_store, commands = asyncio.run(measure())
            return {
                "without_us": statistics.median(without),
                "with_us": statistics.median(with_store),
                "redis_commands": commands,
            }
        finally:
            redis.kill()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--merchants", type=int, default=100)
    parser.add_argument("--warm-calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    n = f"{args.processes} processes × {args.merchants} merchants"
    rows = [("without the store", cold(args.processes, args.merchants, False)),
            ("Redis token store", cold(args.processes, args.merchants, True))]
    w = warm(args.warm_calls, args.rounds)
    print("| Measure | Token store | Value |")
    print("|---|---|---|")
    for label, r in rows:
        print(f"| cold start, {n}: token / session requests | {label} | {r['tokens']} / {r['sessions']} |")
    for label, r in rows:
        print(f"| cold start, {n}: first 1,000 successful calls | {label} | {r['first_1000_ms']:,.0f} ms |")
    for label, r in rows:
        print(f"| cold start, {n}: failed calls | {label} | {r['failed']} |")
    print(f"| warm call, one at a time (Python, µs/call) | in memory | {w['without_us']:,.1f} |")
    print(f"| warm call, one at a time (Python, µs/call) | Redis token store | {w['with_us']:,.1f} |")
    print(f"| added µs/call with a fresh local copy | Redis token store | {w['with_us'] - w['without_us']:+,.1f} |")
    print(f"| Redis commands during {args.rounds * args.warm_calls:,} warm calls | Redis token store | {w['redis_commands']} |")


if __name__ == "__main__":
    main()
