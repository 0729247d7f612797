"""Runs every side of the benchmark against one sandbox and prints the one table.

Started by `scripts/bench`, which builds everything in release mode first. Each side runs in
its own process and prints JSON lines; this script starts them one after another (never two at
once), so they share the machine equally, and compares them. Throughput is measured in rounds:
each round runs every side once, so a burst of load from elsewhere lands on one round of
every side rather than on every round of one side, and each figure is the best of its rounds.

    python bench/run.py --sandbox PATH --rust-bench PATH --python PATH [--seconds 2 --rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import urllib.request
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OPS = ["banking.get_accounts", "epos.payments.get"]
CONCURRENCY = [1, 64]

LABELS = {
    "rust-raw": "raw reqwest loop (ceiling)",
    "rust-sdk": "Rust SDK",
    "rust-host": "Rust core, host bridge (diagnostic)",
    "python-sdk": "Python SDK",
    "python-aiohttp": "Python aiohttp, hand-written",
    "python-httpx": "Python httpx, hand-written",
    "node-sdk": "Node SDK",
    "node-undici": "Node undici Pool, hand-written",
    "node-fetch": "Node fetch, hand-written",
}
# The hand-written clients each SDK is compared with; its ratio is to the fastest of them.
PEERS = {"python-sdk": ["python-aiohttp", "python-httpx"], "node-sdk": ["node-undici", "node-fetch"]}
SDKS = ["rust-sdk", "python-sdk", "node-sdk"]
# Throughput targets: (implementation, concurrency) → minimum ratio to the best peer (to raw
# for Rust).
TARGETS = {
    ("rust-sdk", 1): 0.9,
    ("rust-sdk", 64): 0.9,
    ("python-sdk", 1): 1.2,
    ("python-sdk", 64): 3.0,
    ("node-sdk", 1): 1.1,
    ("node-sdk", 64): 1.5,
}


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# -- the sandbox ---------------------------------------------------------------------------


class Sandbox:
    def __init__(self, binary: str) -> None:
        self.process = subprocess.Popen([binary], stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if "listening on" not in line:
            self.process.kill()
            raise SystemExit(f"the sandbox did not start: {line!r}")
        self.url = line.strip().rsplit(" ", 1)[-1]

    def request(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
                form: dict[str, str] | None = None) -> Any:
        data = None
        headers = dict(headers or {})
        if form is not None:
            data = "&".join(f"{k}={v}" for k, v in form.items()).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        with urllib.request.urlopen(request) as response:
            text = response.read()
        return json.loads(text) if text else None

    def stats(self) -> dict[str, int]:
        return self.request("GET", "/_sandbox/stats")

    def rss_bytes(self) -> int:
        with open(f"/proc/{self.process.pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def payment(self, merchant: str) -> str:
        """An approved ePOS payment of `merchant`, for `epos.payments.get` to read."""
        token = self.request("POST", "/api/v1/oauth/token", form={
            "grant_type": "client_credentials", "client_id": "client_sandbox", "client_secret": "secret_sandbox",
        })["access_token"]
        session = self.request("POST", "/api/v1/auth/session", body={
            "client_id": merchant, "client_secret": merchant.replace("cli_", "sec_", 1),
        }, headers={"Authorization": f"Bearer {token}"})["session"]
        headers = {
            "Authorization": f"Bearer {token}", "X-Session": session,
            "X-Partner-Id": "mps-p-100000", "X-Application-Id": "mps-app-200000",
        }
        terminals = self.request("GET", "/pos/v1/terminals", headers=headers)["terminals"]
        for summary in terminals:
            terminal = self.request("GET", f"/pos/v1/terminals/{summary['terminal_id']}", headers=headers)
            if terminal.get("device_currency") == "EUR":
                break
        else:
            raise SystemExit("the sandbox merchant has no EUR terminal")
        payment = self.request("POST", "/epos/v1/payments", headers=headers, body={
            "terminal_id": summary["terminal_id"],
            "amount": {"value": 2500, "currency_code": "EUR"},
            "reference_number": "bench-0001",
            "description": "benchmark",
        })
        self.request("POST", f"/_sandbox/epos/payments/{payment['payment_id']}/approve", body={})
        self.request("DELETE", "/_sandbox/requests")
        return payment["payment_id"]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


# -- running the sides -----------------------------------------------------------------------


# Problems worth a line under the table (a side that crashed after printing its results).
WARNINGS: list[str] = []


def run_side(command: list[str], env: dict[str, str] | None = None) -> list[dict[str, Any]]:
    shown = " ".join(os.path.basename(c) if os.path.isabs(c) else c for c in command)
    log(shown)
    completed = subprocess.run(command, stdout=subprocess.PIPE, text=True, env={**os.environ, **(env or {})},
                               cwd=ROOT)
    results = [json.loads(line) for line in completed.stdout.splitlines() if line.startswith("{")]
    if completed.returncode != 0:
        if not results:
            raise SystemExit(f"{shown}: failed with exit code {completed.returncode}")
        # Its figures are complete; the crash itself is a finding, so it is reported, not hidden.
        WARNINGS.append(f"`{shown.split(' --url')[0]}` exited with code {completed.returncode} after printing "
                        f"its results")
        log(f"WARNING: {WARNINGS[-1]}")
    return results


class Sides:
    """The command line of each implementation's process."""

    def __init__(self, args: argparse.Namespace, url: str) -> None:
        self.args = args
        self.url = url
        self.node_env = {"NAPI_RS_NATIVE_LIBRARY_PATH": args.node_addon} if args.node_addon else {}

    def command(self, impl: str, task: str, extra: list[str]) -> tuple[list[str], dict[str, str]]:
        language, flavour = impl.split("-", 1)
        common = ["--url", self.url, *extra]
        if language == "rust":
            return [self.args.rust_bench, task, "--impl", flavour, *common], {}
        if language == "python":
            return [self.args.python, os.path.join(HERE, "python_bench.py"), task, "--impl", flavour, *common], {}
        node = [self.args.node, "--expose-gc", os.path.join(HERE, "node_bench.js"), task, "--impl", flavour]
        return [*node, *common], self.node_env

    def run(self, impl: str, task: str, extra: list[str]) -> list[dict[str, Any]]:
        command, env = self.command(impl, task, extra)
        return run_side(command, env)


def best_of(rounds: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """One figure per implementation, operation and concurrency: its best round (with the CPU
    per call of that round), every round's rate kept beside it."""
    best: dict[tuple[str, str, int], dict[str, Any]] = {}
    for results in rounds:
        for r in results:
            key = (r["impl"], r["op"], r["concurrency"])
            kept = best.setdefault(key, {**r, "rounds": [], "errors": 0})
            kept["rounds"].append(r["calls_per_s"])
            kept["errors"] += r.get("errors", 0)
            if r["calls_per_s"] >= max(kept["rounds"]):
                kept.update(calls_per_s=r["calls_per_s"], cpu_us_per_call=r.get("cpu_us_per_call"))
    return list(best.values())


def startup(command: list[str], env: dict[str, str], runs: int) -> float:
    """Median milliseconds of `runs` fresh processes (after one unmeasured run: disk cache)."""
    times = []
    for i in range(runs + 1):
        out = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True, cwd=ROOT,
                             env={**os.environ, **env}).stdout
        if i:
            times.append(float(out.strip().splitlines()[-1]))
    return statistics.median(times)


# -- the table -------------------------------------------------------------------------------


def fmt(value: float | None, digits: int = 0) -> str:
    if value is None:
        return ""
    return f"{value:,.{digits}f}"


def ratio(a: float | None, b: float | None) -> str:
    if a is None or not b:
        return ""
    return f"{a / b:.2f}×"


def met(ok: bool | None) -> str:
    return "" if ok is None else ("yes" if ok else "**no**")


def table(results: dict[str, Any]) -> str:
    rows: list[list[str]] = []
    header = ["Measure", "Implementation", "Value", "÷ raw", "÷ best hand-written", "Client CPU µs/call", "Target",
              "Met"]
    tp = {(r["impl"], r["op"], r["concurrency"]): r for r in results["throughput"]}

    def rate(impl: str, op: str, c: int) -> float | None:
        r = tp.get((impl, op, c))
        return r["calls_per_s"] if r else None

    def best_peer(impl: str, op: str, c: int) -> tuple[str, float] | None:
        rates = [(peer, rate(peer, op, c)) for peer in PEERS.get(impl, [])]
        measured = [(peer, r) for peer, r in rates if r]
        return max(measured, key=lambda pr: pr[1]) if measured else None

    for op in OPS:
        for c in CONCURRENCY:
            raw = rate("rust-raw", op, c)
            for impl in LABELS:
                r = tp.get((impl, op, c))
                if r is None:
                    continue
                value = r["calls_per_s"]
                peer = best_peer(impl, op, c)
                versus = f"{ratio(value, peer[1])} {peer[0].split('-', 1)[1]}" if peer else ""
                target, ok = "", None
                minimum = TARGETS.get((impl, c))
                if minimum is not None and impl == "rust-sdk":
                    target, ok = f"≥ {minimum:.2f}× raw", raw is not None and value >= minimum * raw
                elif minimum is not None:
                    target, ok = f"≥ {minimum:.1f}× best", peer is not None and value >= minimum * peer[1]
                errors = f" ({r['errors']} errors)" if r.get("errors") else ""
                rows.append([
                    f"{op} c={c} calls/s", LABELS[impl], fmt(value) + errors, ratio(value, raw), versus,
                    fmt(r.get("cpu_us_per_call"), 1), target, met(ok),
                ])
    for op in OPS:
        raw = rate("rust-raw", op, 1)
        for impl in LABELS:
            value = rate(impl, op, 1)
            if impl == "rust-raw" or value is None or raw is None:
                continue
            added = 1e6 / value - 1e6 / raw
            sdk = impl in SDKS
            rows.append([
                f"{op} added µs/call (c=1)", LABELS[impl], fmt(added, 1), "", "", "",
                "≤ 30 µs" if sdk else "", met(added <= 30) if sdk else "",
            ])
    for r in results["handoff"]:
        rows.append(["floor under a host SDK's added µs/call", "runtime hand-off, no HTTP (diagnostic)",
                     fmt(r["us_per_round_trip"], 1), "", "", "", "", ""])
    for r in results["coldstart"]:
        impl = r["impl"]
        tokens, sessions = r["oauth_requests"], r["session_requests"]
        sdk = impl in SDKS
        errors = f", {r['errors']} errors" if r.get("errors") else ""
        rows.append([
            f"cold start: {r['calls']} calls / {r['clients']} merchants", LABELS[impl],
            f"{tokens} + {sessions} requests, {fmt(r['wall_ms'])} ms{errors}", "", "", "",
            "1 + 100" if sdk else "", met(tokens == 1 and sessions == r["clients"]) if sdk else "",
        ])
    for r in results["memory"]:
        impl = r["impl"]
        sdk = impl in SDKS
        kb = r["bytes_per_client"] / 1024
        errors = f", {r['errors']} errors" if r.get("errors") else ""
        rows.append([
            f"memory per client ({r['clients']:,} with sessions)", LABELS[impl],
            f"{kb:.2f} KB (idle, no session: {r['created_bytes_per_client'] / 1024:.2f} KB){errors}", "", "", "",
            "≤ 4 KB" if sdk else "", met(kb <= 4) if sdk else "",
        ])
    for name, impl, ms in results["startup"]:
        sdk = impl in SDKS
        rows.append([f"start-up: {name}", LABELS[impl], f"{ms:.1f} ms", "", "", "",
                     "≤ 50 ms" if sdk else "", met(ms <= 50) if sdk else ""])

    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    lines += ["| " + " | ".join(str(v).ljust(w) for v, w in zip(row, widths)) + " |" for row in rows]
    return "\n".join(lines)


def cpu_seconds() -> tuple[float, float]:
    """(CPU time every process has used, CPU time this benchmark and its children have used)."""
    with open("/proc/stat") as f:
        # user, nice, system, steal: irq time is left out, as loopback traffic lands there.
        user, nice, system, _idle, _iowait, _irq, _softirq, steal = map(int, f.readline().split()[1:9])
    everyone = (user + nice + system + steal) / os.sysconf("SC_CLK_TCK")
    own = sum(getattr(resource.getrusage(who), field) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
              for field in ("ru_utime", "ru_stime"))
    return everyone, own


def machine() -> dict[str, Any]:
    def read(path: str) -> str:
        try:
            with open(path) as f:
                return f.read()
        except OSError:
            return ""

    cpu = next((line.split(":", 1)[1].strip() for line in read("/proc/cpuinfo").splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kb = next((int(line.split()[1]) for line in read("/proc/meminfo").splitlines()
                   if line.startswith("MemTotal")), 0)

    def version(command: list[str]) -> str:
        try:
            return subprocess.run(command, stdout=subprocess.PIPE, text=True).stdout.strip().splitlines()[0]
        except (OSError, IndexError):
            return "?"

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "rustc": version(["rustc", "--version"]),
        "python": platform.python_version(),
        "node": version(["node", "--version"]),
    }


# -- main ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sandbox", required=True, help="the release mypos-sandbox binary")
    parser.add_argument("--rust-bench", required=True, help="the release mypos-bench binary")
    parser.add_argument("--python", default=sys.executable, help="a Python with the release SDK, aiohttp and httpx")
    parser.add_argument("--node", default="node")
    parser.add_argument("--node-addon", default="", help="a release build of the Node addon")
    parser.add_argument("--seconds", default="1.5")
    parser.add_argument("--rounds", default="3", help="interleaved rounds; each figure is the best of them")
    parser.add_argument("--warmup", default="0.5")
    parser.add_argument("--memory-clients", default="10000")
    parser.add_argument("--startup-runs", type=int, default=10)
    parser.add_argument("--impls", default=",".join(LABELS), help="comma-separated subset")
    parser.add_argument("--tasks", default="throughput,coldstart,memory,startup")
    parser.add_argument("--json", help="also write every result here")
    args = parser.parse_args()
    impls = [i for i in args.impls.split(",") if i]
    tasks = args.tasks.split(",")

    cpu_before = cpu_seconds()
    load_before = os.getloadavg()
    started = time.time()
    sandbox = Sandbox(args.sandbox)
    log(f"sandbox at {sandbox.url}")
    results: dict[str, Any] = {"throughput": [], "handoff": [], "coldstart": [], "memory": [], "startup": []}
    try:
        sides = Sides(args, sandbox.url)
        if "throughput" in tasks:
            payment = sandbox.payment("cli_bench")
            timing = ["--seconds", args.seconds, "--rounds", "1", "--warmup", args.warmup]
            rounds: list[list[dict[str, Any]]] = []
            for n in range(int(args.rounds)):
                log(f"round {n + 1} of {args.rounds} (load average {os.getloadavg()[0]:.2f})")
                for impl in impls:
                    rounds.append(sides.run(impl, "throughput", ["--payment", payment, *timing]))
            results["throughput"] = best_of(rounds)
            if any(impl in SDKS[1:] for impl in impls):
                results["handoff"] = run_side([args.rust_bench, "handoff"])
        if "coldstart" in tasks:
            for impl in impls:
                if impl in ("rust-raw", "rust-host"):
                    continue
                before = sandbox.stats()
                [r] = sides.run(impl, "coldstart", ["--clients", "100", "--calls", "1000"])
                after = sandbox.stats()
                r["oauth_requests"] = after["oauth_tokens_issued"] - before["oauth_tokens_issued"]
                r["session_requests"] = after["sessions_issued"] - before["sessions_issued"]
                results["coldstart"].append(r)
        if "memory" in tasks:
            for impl in impls:
                if impl in ("rust-raw", "rust-host"):
                    continue
                results["memory"] += sides.run(impl, "memory", ["--clients", args.memory_clients])
                sandbox.request("DELETE", "/_sandbox/requests")
        results["sandbox_rss_mb"] = sandbox.rss_bytes() / 2**20
    finally:
        sandbox.stop()
    if "startup" in tasks:
        runs = args.startup_runs
        measure = "import time; t = time.perf_counter(); import {0}; print((time.perf_counter() - t) * 1e3)"
        if "python-sdk" in impls:
            ms = startup([args.python, "-c", measure.format("mypos")], {}, runs)
            results["startup"].append(("import mypos", "python-sdk", ms))
        if "python-aiohttp" in impls:
            ms = startup([args.python, "-c", measure.format("aiohttp")], {}, runs)
            results["startup"].append(("import aiohttp", "python-aiohttp", ms))
        if "python-httpx" in impls:
            ms = startup([args.python, "-c", measure.format("httpx")], {}, runs)
            results["startup"].append(("import httpx", "python-httpx", ms))
        if "node-sdk" in impls:
            env = {"NAPI_RS_NATIVE_LIBRARY_PATH": args.node_addon} if args.node_addon else {}
            ms = startup([args.node, os.path.join(HERE, "startup.js"), "mypos"], env, runs)
            results["startup"].append(("require('mypos')", "node-sdk", ms))
        if "node-undici" in impls:
            ms = startup([args.node, os.path.join(HERE, "startup.js"), "undici"], {}, runs)
            results["startup"].append(("require('undici')", "node-undici", ms))

    results["machine"] = machine()
    results["duration_s"] = time.time() - started
    cpu_after = cpu_seconds()
    # What other processes took from this run: they skew every figure.
    others = (cpu_after[0] - cpu_before[0]) - (cpu_after[1] - cpu_before[1])
    results["other_processes_cpu_share"] = max(others, 0) / (results["duration_s"] * (os.cpu_count() or 1))
    results["settings"] = {"seconds": args.seconds, "rounds": args.rounds, "warmup": args.warmup}
    results["load_average"] = {"before": load_before, "after": os.getloadavg()}

    m = results["machine"]
    print(f"\nmyPOS SDK benchmark: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB, Linux {m['kernel']}; "
          f"{m['rustc']}, Python {m['python']}, Node {m['node']}")
    load = results["load_average"]
    print(f"Throughput: best of {args.rounds} interleaved rounds of {args.seconds} s, each after {args.warmup} s "
          f"of warm-up; other processes used {results['other_processes_cpu_share']:.1%} of the CPU meanwhile; "
          f"load average {load['before'][0]:.2f} before, {load['after'][0]:.2f} after; "
          f"took {results['duration_s']:.0f} s.\n")
    print(table(results))
    results["warnings"] = WARNINGS
    for warning in WARNINGS:
        print(f"\nWarning: {warning}.")
    if results["other_processes_cpu_share"] > 0.05:
        print("\nNote: other processes used more than 5% of the CPU during the run, which skews the figures; "
              "run `scripts/bench` again at a quiet moment.")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
        log(f"results written to {args.json}")


if __name__ == "__main__":
    main()
