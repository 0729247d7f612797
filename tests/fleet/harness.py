"""A fleet of SDK processes (Python and Node) sharing one Redis, for the token store's tests
and benchmark: `RedisServer` runs Debian's `redis-server` on a free loopback port; `Fleet`
starts `worker.py` / `worker.js` processes and drives them together."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RedisServer:
    """`redis-server` on a free loopback port, without persistence."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed: apt-get install -y redis-server")
        self.binary = binary
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [self.binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.02)

    def kill(self) -> None:
        """Stops the server at once, as a crash would (SIGKILL)."""
        process, self.process = self.process, None
        if process is not None:
            process.kill()
            process.wait()

    def cli(self, *args: str) -> str:
        """A `redis-cli` command's output."""
        command = ["redis-cli", "-p", str(self.port), *args]
        return subprocess.run(command, check=True, capture_output=True, text=True).stdout


class Worker:
    def __init__(self, language: str, config: dict[str, Any]) -> None:
        self.language = language
        self.log = tempfile.TemporaryFile(mode="w+")
        if language == "python":
            command = [sys.executable, str(HERE / "worker.py")]
        else:
            command = [shutil.which("node") or "node", str(HERE / "worker.js")]
        env = {**os.environ, "MYPOS_LOG": "warn"}
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True, env=env
        )
        self.send(config)

    def send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()

    def answer(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the {self.language} worker stopped:\n{self.stderr()}")
        return dict(json.loads(line))

    def stderr(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self.send({"op": "quit"})
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()


def gateway_options(sandbox_url: str, language: str, store: dict[str, Any] | None) -> dict[str, Any]:
    """The `Gateway` arguments of the sandbox's seeded partner, spelled for `language`."""
    from mypos.testing import SANDBOX_CREDENTIALS as seed

    integration = seed["integration"]
    if language == "python":
        options: dict[str, Any] = {
            "gateway_url": sandbox_url,
            "integration": dict(integration),
            "partner_id": seed["partner_id"],
            "application_id": seed["application_id"],
        }
        if store is not None:
            options["token_store"] = dict(store)
        return options
    options = {
        "gatewayUrl": sandbox_url,
        "integration": {"clientId": integration["client_id"], "clientSecret": integration["client_secret"]},
        "partnerId": seed["partner_id"],
        "applicationId": seed["application_id"],
    }
    if store is not None:
        names = {"url": "url", "encryption_key": "encryptionKey", "key_prefix": "keyPrefix", "unencrypted": "unencrypted"}
        options["tokenStore"] = {names[k]: v for k, v in store.items()}
    return options


class Fleet:
    """`languages` processes (e.g. `["python", "node"] * 4`), each serving `merchants`, with
    `store` (`RedisTokenStore` arguments: `url`, `encryption_key`, …) or without (None)."""

    def __init__(
        self, sandbox_url: str, languages: list[str], merchants: list[str], store: dict[str, Any] | None
    ) -> None:
        self.workers = [
            Worker(language, {"gateway": gateway_options(sandbox_url, language, store), "merchants": merchants})
            for language in languages
        ]
        for worker in self.workers:
            ready = worker.answer()
            assert ready == {"ready": True}, ready

    def run(self, command: dict[str, Any], workers: list[Worker] | None = None) -> list[dict[str, Any]]:
        """Sends `command` to every worker (or those given) at once; their answers."""
        chosen = self.workers if workers is None else workers
        for worker in chosen:
            worker.send(command)
        return [worker.answer() for worker in chosen]

    def close(self) -> None:
        for worker in self.workers:
            worker.close()

    def __enter__(self) -> Fleet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
