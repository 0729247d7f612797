"""`mypos.testing` runs the sandbox as its own program: it stops with its owner, and
`python -m mypos.testing serve` serves in the foreground."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

import mypos.testing
from mypos.testing import Sandbox, SandboxNotInstalledError, sandbox_binary


def refuses(url: str) -> bool:
    try:
        urllib.request.urlopen(f"{url}/_sandbox/health", timeout=2).close()
        return False
    except (urllib.error.URLError, ConnectionError):
        return True


def wait_until_refused(url: str) -> None:
    deadline = time.monotonic() + 5
    while not refuses(url):
        assert time.monotonic() < deadline, f"the sandbox at {url} is still serving"
        time.sleep(0.05)


def test_seeds_come_from_the_program() -> None:
    seed = json.loads(subprocess.run([sandbox_binary(), "seed"], check=True, capture_output=True).stdout)
    assert mypos.testing.SANDBOX_CREDENTIALS == seed["gateway"]
    assert mypos.testing.MOBILEPAY_SANDBOX == seed["mobilepay"]
    assert mypos.testing.PSD2_SANDBOX == seed["psd2"]
    with pytest.raises(AttributeError):
        mypos.testing.NOT_A_SEED  # noqa: B018


def test_stop_ends_the_program_and_frees_the_port() -> None:
    sandbox = Sandbox().start()
    url = sandbox.url
    assert not refuses(url)
    sandbox.stop()
    assert refuses(url)
    sandbox.stop()  # twice is harmless
    with pytest.raises(RuntimeError, match="not running"):
        sandbox.url  # noqa: B018


def test_tls_sandbox_reports_its_pki() -> None:
    with Sandbox(tls=True) as sandbox:
        assert sandbox.tls_url.startswith("https://127.0.0.1:")
        assert sandbox.pki["client_cert_pem"].startswith("-----BEGIN CERTIFICATE-----")


def test_a_sandbox_left_running_stops_when_its_owner_exits() -> None:
    script = "from mypos.testing import Sandbox; print(Sandbox().start().url, flush=True); import os; os._exit(0)"
    owner = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True, timeout=30)
    wait_until_refused(owner.stdout.strip())


@pytest.mark.parametrize("stop_with", [signal.SIGTERM, signal.SIGINT])
def test_serve_runs_in_the_foreground_until_a_signal(stop_with: signal.Signals) -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "mypos.testing", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        assert first.startswith("mypos sandbox listening on http://127.0.0.1:"), first
        url = first.split()[-1]
        assert not refuses(url)
        server.send_signal(stop_with)
        assert server.wait(timeout=10) == 0
        printed = server.stdout.read()
        assert json.loads(printed[printed.index("{") :])["gateway"]["partner_id"]
    finally:
        if server.poll() is None:
            server.kill()


def test_serve_warns_before_binding_beyond_loopback() -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "mypos.testing", "serve", "--host", "0.0.0.0", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None and server.stderr is not None
        assert server.stdout.readline().startswith("mypos sandbox listening on http://0.0.0.0:")
        server.terminate()
        server.wait(timeout=10)
        assert "warning: listening on 0.0.0.0" in server.stderr.read()
    finally:
        if server.poll() is None:
            server.kill()


def test_serve_without_a_command_says_how() -> None:
    done = subprocess.run([sys.executable, "-m", "mypos.testing"], capture_output=True, text=True, timeout=30)
    assert done.returncode != 0
    assert "usage: python -m mypos.testing serve" in done.stderr


def test_a_missing_program_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MYPOS_SANDBOX_BIN", "/nonexistent/mypos-sandbox")
    with pytest.raises(SandboxNotInstalledError, match="cannot run the sandbox program /nonexistent/mypos-sandbox"):
        Sandbox().start()
