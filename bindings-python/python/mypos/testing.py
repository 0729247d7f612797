"""Test your integration against a local myPOS sandbox: no credentials, no network.

    from mypos.testing import Sandbox

    async def test_lists_accounts():
        async with Sandbox() as sandbox:
            client = sandbox.client()
            page = await client.banking.get_accounts()
            assert page["items"]

The sandbox is the `mypos-sandbox` program (`pip install "mypos[testing]"`), started on
127.0.0.1 for each `Sandbox` and stopped with it (also when the test process dies). It keeps
state: tokens, sessions, accounts, a log of every request. The control methods below drive it.
`python -m mypos.testing serve --port 8080` runs one in the foreground.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import urllib.error
import urllib.parse
import urllib.request
from types import TracebackType
from typing import Any

from ._client import Gateway, MerchantClient
from .mobilepay import MobilePayPos
from .psd2 import Psd2Client

__all__ = ["Sandbox", "SandboxNotInstalledError", "sandbox_binary", "SANDBOX_CREDENTIALS", "MOBILEPAY_SANDBOX", "PSD2_SANDBOX"]

_PROGRAM = "mypos-sandbox"

# The seeds, read from the program on first use (module `__getattr__` below).
SANDBOX_CREDENTIALS: dict[str, Any]
MOBILEPAY_SANDBOX: dict[str, Any]
PSD2_SANDBOX: dict[str, Any]


class SandboxNotInstalledError(RuntimeError):
    """The `mypos-sandbox` program is not installed where this Python can find it."""


def sandbox_binary() -> str:
    """The path of the `mypos-sandbox` program: `$MYPOS_SANDBOX_BIN`, else the one installed
    beside this Python (by `pip install "mypos[testing]"`), else the first on `PATH`."""
    configured = os.environ.get("MYPOS_SANDBOX_BIN")
    if configured:
        return configured
    for folder in (sysconfig.get_path("scripts"), os.path.dirname(sys.executable)):
        candidate = os.path.join(folder, _PROGRAM)
        if os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which(_PROGRAM)
    if found:
        return found
    raise SandboxNotInstalledError(
        f"the {_PROGRAM} program is not installed: pip install 'mypos[testing]' "
        "(or set MYPOS_SANDBOX_BIN to its path)"
    )


_seeds: dict[str, Any] = {}


def _seed() -> dict[str, Any]:
    """The seeds, asked of the program once."""
    if not _seeds:
        output = subprocess.run([sandbox_binary(), "seed"], check=True, capture_output=True, text=True).stdout
        _seeds.update(json.loads(output))
    return _seeds


def __getattr__(name: str) -> Any:
    # The seeds come from the program itself, read on first use: importing this module needs
    # no sandbox installed.
    #   SANDBOX_CREDENTIALS: what the sandbox accepts. Any merchant `cli_<X>` / `sec_<X>` too.
    #   MOBILEPAY_SANDBOX: `bio_code`, `access_token`, `new_bio_code` (a merchant without a token
    #     yet), `poll_delay_ms`, `store_ids` and
    #     `terminals` (each with `terminal_id`, `pos_id` (None for a terminal without a point
    #     of sale), `store_id`, `beacon_id`, `require_payment_before_checkin`).
    #   PSD2_SANDBOX: the TPP's `client_id` and `client_secret`, and the `psu_id` the SCA page
    #     proposes (any other account holder id works too, with accounts seeded from it).
    part = {"SANDBOX_CREDENTIALS": "gateway", "MOBILEPAY_SANDBOX": "mobilepay", "PSD2_SANDBOX": "psd2"}.get(name)
    if part is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return _seed()[part]


class Sandbox:
    """A local, stateful myPOS sandbox. Use it as a (sync or async) context manager, or call
    `start()` and `stop()`."""

    def __init__(self, *, port: int = 0, tls: bool = False) -> None:
        self._port = port
        # `tls=True`: the API is also served over mTLS (`tls_url`) with a throwaway PKI
        # (`pki`); the control API and the SCA page stay on the plain `url`.
        self._tls = tls
        self._process: subprocess.Popen[str] | None = None
        self._ready: dict[str, Any] = {}

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> Sandbox:
        if self._process is not None:
            return self
        command = [sandbox_binary(), "--json", "--stop-on-eof", "--port", str(self._port)]
        if self._tls:
            command.append("--tls")
        # Its standard input is our pipe: when this process dies, the sandbox stops too.
        try:
            process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        except OSError as e:
            raise SandboxNotInstalledError(f"cannot run the sandbox program {command[0]}: {e.strerror}") from None
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line:
            code = process.wait()
            raise RuntimeError(f"the sandbox did not start (exit code {code}); its error is above")
        self._ready = json.loads(line)
        self._process = process
        return self

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        assert process.stdin is not None and process.stdout is not None
        process.stdin.close()  # the sandbox stops when its input closes
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()

    def __del__(self) -> None:
        if getattr(self, "_process", None) is not None:
            self.stop()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: tuple[type[BaseException] | None, BaseException | None, TracebackType | None]) -> None:
        self.stop()

    async def __aenter__(self) -> Sandbox:
        return self.start()

    async def __aexit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._process is None:
            raise RuntimeError("the sandbox is not running; call start() or use it as a context manager")
        return str(self._ready["url"])

    # -- clients ---------------------------------------------------------------------------

    def gateway(self, **overrides: Any) -> Gateway:
        """A `Gateway` on this sandbox with its seeded partner credentials; any argument of
        `Gateway` can be overridden."""
        options: dict[str, Any] = {
            "gateway_url": self.url,
            "integration": dict(_seed()["gateway"]["integration"]),
            "partner_id": _seed()["gateway"]["partner_id"],
            "application_id": _seed()["gateway"]["application_id"],
        }
        options.update(overrides)
        return Gateway(**options)

    def client(self, client_id: str | None = None, *, gateway: Gateway | None = None) -> MerchantClient:
        """A merchant client: the seeded merchant, or `cli_<X>` (its secret is `sec_<X>`)."""
        client_id = client_id or _seed()["gateway"]["merchant"]["client_id"]
        secret = "sec_" + client_id.removeprefix("cli_")
        return (gateway or self.gateway()).create_client(client_id=client_id, client_secret=secret)

    # -- control ---------------------------------------------------------------------------

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """Calls the sandbox's control API (`/_sandbox/...`); returns the decoded answer."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}/_sandbox/{path.lstrip('/')}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"} if data is not None else {},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                text = response.read().decode()
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"sandbox control {method} {path} failed: HTTP {e.code} {e.read().decode()}") from None
        return json.loads(text) if text else None

    def requests(self, method: str | None = None, path: str | None = None) -> list[dict[str, Any]]:
        """The request log (identity and business calls; `authorization` and `x-session`
        redacted), optionally only those with this method and path."""
        query = urllib.parse.urlencode({k: v for k, v in {"method": method, "path": path}.items() if v})
        return list(self.control("GET", f"requests?{query}" if query else "requests")["requests"])

    def count(self, method: str, path: str) -> int:
        """How many logged requests had this method and exact path."""
        return len(self.requests(method, path))

    def clear_requests(self) -> None:
        self.control("DELETE", "requests")

    def stats(self) -> dict[str, int]:
        """`oauth_tokens_issued`, `sessions_issued`, `requests`."""
        return dict(self.control("GET", "stats"))

    def expire(self, *, tokens: bool = False, sessions: bool = False) -> None:
        """Expires every partner token and/or merchant session issued so far."""
        self.control("POST", "expire", {"tokens": tokens, "sessions": sessions})

    def set_lifetimes(self, *, token: int | None = None, session: int | None = None) -> None:
        """Lifetimes, in seconds, of tokens and sessions issued from now on."""
        body = {"token_lifetime_secs": token, "session_lifetime_secs": session}
        self.control("PUT", "lifetimes", {k: v for k, v in body.items() if v is not None})

    def inject_fault(
        self, path: str, kind: str = "status", *, method: str | None = None, count: int = 1, **fields: Any
    ) -> int:
        """Makes the next `count` requests to `path` (exact, or a prefix ending in `*`) misbehave;
        returns the fault's id. `kind` is one of `status` (`status=503`, optional `body`,
        `headers`), `delay` (`delay_ms=`), `drop_before_headers` (optional `after_handler=True`),
        `drop_after_headers`, `malformed_json`, `html` (optional `status`), `truncated_body`,
        `expire_session`, `oversized` (`bytes=`, optional `announce_length=True`). See the
        sandbox README for what each does.

            sandbox.inject_fault("/accounting/v1/accounts", status=503, count=2, headers={"Retry-After": "1"})
        """
        body: dict[str, Any] = {"path": path, "kind": kind, "count": count, **fields}
        if method is not None:
            body["method"] = method
        return int(self.control("POST", "faults", body)["id"])

    def faults(self) -> list[dict[str, Any]]:
        """The pending faults, oldest first, each with its `id` and remaining `count`."""
        return list(self.control("GET", "faults")["faults"])

    def clear_faults(self) -> None:
        """Drops every pending fault."""
        self.control("DELETE", "faults")

    # -- the simulated terminal (ePOS) ------------------------------------------------------
    # A payment waits `InProgress` until one of these finishes it; each returns the payment
    # as `client.epos.payments.get` would. A payment already finished raises RuntimeError (409).

    def approve_payment(self, payment_id: str, *, card_scheme: str | None = None) -> dict[str, Any]:
        """The card is read and approved: `Success`, with card details, a terminal
        transaction and a receipt. `card_scheme`: `VISA` (default), `MASTERCARD` or `MAESTRO`."""
        body = {"card_scheme": card_scheme} if card_scheme else None
        return dict(self.control("POST", f"epos/payments/{payment_id}/approve", body))

    def decline_payment(self, payment_id: str, *, status: str = "Failed") -> dict[str, Any]:
        """The issuer declines (`status="Failed"`) or the terminal refuses (`"Rejected"`)."""
        return dict(self.control("POST", f"epos/payments/{payment_id}/decline", {"status": status}))

    def time_out_payment(self, payment_id: str) -> dict[str, Any]:
        """No card is presented before the terminal gives up: `Failed`."""
        return dict(self.control("POST", f"epos/payments/{payment_id}/timeout"))

    def drive_terminal(self, terminal_id: str, action: str, **body: Any) -> dict[str, Any]:
        """Finishes the payment terminal `terminal_id` is busy with; `action` is `approve`,
        `decline` or `timeout`, `body` as for the payment methods (`status`, `card_scheme`)."""
        return dict(self.control("POST", f"terminals/{terminal_id}/{action}", body or None))

    # -- MobilePay: the customer's side -----------------------------------------------------
    # Each returns the payment as `pos.payments.details` would (snake_case keys). An action
    # the payment's state does not allow raises RuntimeError (409); an unknown id, 404.

    def mobilepay(self, **overrides: Any) -> MobilePayPos:
        """A `MobilePayPos` on this sandbox with the seeded `bio_code` and `access_token`; any
        argument of `MobilePayPos` can be overridden."""
        options: dict[str, Any] = {
            "base_url": self.url,
            "bio_code": _seed()["mobilepay"]["bio_code"],
            "access_token": _seed()["mobilepay"]["access_token"],
        }
        options.update(overrides)
        return MobilePayPos(**options)

    def mobilepay_checkin(self, terminal_id: str | None = None, *, pos_id: str | None = None) -> dict[str, Any]:
        """A customer checks in at a terminal (or a point of sale, by MobilePay's `pos_id`): a
        waiting payment goes to them (`Initiated` → `IssuedToUser`, `Prepared` → `Paired`);
        with none, the next one does. Returns `{"checked_in": True, "payment": … or None}`."""
        where = f"pos/{pos_id}" if pos_id else f"terminals/{terminal_id}"
        return dict(_snake_keys(self.control("POST", f"mobilepay/{where}/checkin")))

    def mobilepay_accept(
        self, payment_id: str | None = None, *, terminal_id: str | None = None, partial_capture_possible: bool = True
    ) -> dict[str, Any]:
        """The customer accepts (`IssuedToUser` → `Reserved`): payment `payment_id`, or the one
        at `terminal_id`. `partial_capture_possible=False` forbids capturing less."""
        body = {"partial_capture_possible": partial_capture_possible}
        return self._mobilepay_act("accept", payment_id, terminal_id, body)

    def mobilepay_reject(self, payment_id: str | None = None, *, terminal_id: str | None = None) -> dict[str, Any]:
        """The customer rejects (`IssuedToUser` or `Paired` → `CancelledByUser`)."""
        return self._mobilepay_act("reject", payment_id, terminal_id)

    def mobilepay_expire(self, payment_id: str | None = None, *, terminal_id: str | None = None) -> dict[str, Any]:
        """Time runs out: an active payment → `CancelledByMobilePay`, a reserved one →
        `ExpiredAndCancelled`."""
        return self._mobilepay_act("expire", payment_id, terminal_id)

    def mobilepay_expire_refund(self, refund_id: str) -> dict[str, Any]:
        """A reserved refund is not captured in time (`ExpiredAndCaptured`); an initiated one
        fails (`CancelledByMobilePay`). Returns the refund."""
        return dict(_snake_keys(self.control("POST", f"mobilepay/refunds/{refund_id}/expire")))

    def mobilepay_payments(self, terminal_id: str | None = None) -> list[dict[str, Any]]:
        """Every MobilePay payment in the sandbox (or a terminal's), oldest first."""
        query = f"?terminal_id={urllib.parse.quote(terminal_id)}" if terminal_id else ""
        return list(_snake_keys(self.control("GET", f"mobilepay/payments{query}")["payments"]))

    def _mobilepay_act(
        self, action: str, payment_id: str | None, terminal_id: str | None, body: Any = None
    ) -> dict[str, Any]:
        if (payment_id is None) == (terminal_id is None):
            raise TypeError("give either payment_id or terminal_id")
        where = f"payments/{payment_id}" if payment_id else f"terminals/{terminal_id}"
        return dict(_snake_keys(self.control("POST", f"mobilepay/{where}/{action}", body)))

    # -- PSD2: the account holder's side and the bank's -------------------------------------

    @property
    def tls_url(self) -> str:
        """The mTLS URL (`Sandbox(tls=True)` only): a client certificate from `pki` is required."""
        if not self._tls:
            raise RuntimeError("start the sandbox with Sandbox(tls=True) to serve it over mTLS")
        self.url  # raises when stopped
        return str(self._ready["tls_url"])

    @property
    def pki(self) -> dict[str, str]:
        """The throwaway PKI of `Sandbox(tls=True)`: `ca_pem`, `client_cert_pem`,
        `client_key_pem` (and the server's), as PEM text."""
        if not self._tls:
            raise RuntimeError("start the sandbox with Sandbox(tls=True) to get a PKI")
        self.url  # raises when stopped
        return dict(self._ready["pki"])

    def psd2(self, **overrides: Any) -> Psd2Client:
        """A `Psd2Client` for the seeded TPP with `redirect_uri` https://tpp.example/psd2/callback;
        over mTLS with the sandbox's client certificate when started with `tls=True`. Any
        argument of `Psd2Client` can be overridden."""
        options: dict[str, Any] = {
            "base_url": self.url,
            "client_id": _seed()["psd2"]["client_id"],
            "client_secret": _seed()["psd2"]["client_secret"],
            "redirect_uri": "https://tpp.example/psd2/callback",
        }
        if self._tls:
            pki = self.pki
            options["base_url"] = self.tls_url
            options["tls"] = {k: pki[k] for k in ("ca_pem", "client_cert_pem", "client_key_pem")}
            options["tls"]["extra_ca_pem"] = options["tls"].pop("ca_pem")
        options.update(overrides)
        return Psd2Client(**options)

    def psd2_decide(self, url: str, decision: str = "approve", *, psu_id: str | None = None) -> dict[str, Any]:
        """The account holder at the SCA page `url` (from `authorization_url`): posts its form
        as a browser would (`decision` is `approve` or `deny`) and returns where they are sent
        back: `location`, and its `code`, `state` or `error`."""
        form = {"decision": decision}
        if psu_id is not None:
            form["psu_id"] = psu_id
        request = urllib.request.Request(url, data=urllib.parse.urlencode(form).encode(), method="POST")

        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=10) as response:
                raise RuntimeError(f"the SCA page answered {response.status}, not a redirect: {response.read().decode()}")
        except urllib.error.HTTPError as e:
            if e.code != 303:
                raise RuntimeError(f"the SCA page refused: HTTP {e.code} {e.read().decode()}") from None
            location = e.headers["Location"]
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
        return {"location": location, **{k: query.get(k) for k in ("code", "state", "error")}}

    def psd2_approve(self, url: str, *, psu_id: str | None = None) -> str:
        """The holder approves at `url`; returns the `code` they come back with."""
        code = self.psd2_decide(url, "approve", psu_id=psu_id)["code"]
        if code is None:
            raise RuntimeError("the approval did not produce a code")
        return str(code)

    def psd2_settings(
        self,
        *,
        access_token_lifetime: int | None = None,
        execution_delay_ms: int | None = None,
        error_style: str | None = None,
    ) -> None:
        """Access-token lifetime (seconds) for tokens issued from now on; the delay between a
        payment's approval (`ACTC`) and its execution (`ACSC`); `error_style` `problem` for
        RFC 7807 errors, `tpp_messages` (default) for the Berlin Group's."""
        body = {
            "access_token_lifetime_secs": access_token_lifetime,
            "execution_delay_ms": execution_delay_ms,
            "error_style": error_style,
        }
        self.control("PUT", "psd2/settings", {k: v for k, v in body.items() if v is not None})

    def psd2_advance_days(self, days: int) -> str:
        """Moves the PSD2 date forward (consents expire after `valid_until`); returns it."""
        return str(self.control("POST", "psd2/clock", {"advance_days": days})["today"])

    def psd2_today(self) -> str:
        return str(self.control("GET", "psd2")["today"])

    def psd2_revoke_consent(self, consent_id: str) -> None:
        """The holder revokes the consent at the bank: `revokedByPsu`, its refresh tokens revoked."""
        self.control("POST", f"psd2/consents/{consent_id}/revoke")

    def psd2_expire_tokens(self) -> None:
        """Every PSD2 access token issued so far expires (the next call refreshes)."""
        self.control("POST", "psd2/tokens/expire")

    def psd2_revoke_refresh_tokens(self, psu_id: str | None = None) -> int:
        """Revokes the refresh tokens of one account holder, or all; returns how many."""
        body = {"psu_id": psu_id} if psu_id else {}
        return int(self.control("POST", "psd2/tokens/revoke", body)["revoked"])

    def __repr__(self) -> str:
        state = self._ready["url"] if self._process is not None else "stopped"
        return f"Sandbox({state})"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """The SCA page answers with a redirect back to the TPP: read it, do not follow it."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _snake_keys(value: Any) -> Any:
    """camelCase keys (MobilePay's wire) to snake_case, as the client's answers have them."""
    if isinstance(value, list):
        return [_snake_keys(v) for v in value]
    if isinstance(value, dict):
        return {re.sub(r"(?<!^)(?=[A-Z])", "_", k).lower(): _snake_keys(v) for k, v in value.items()}
    return value


def main(argv: list[str] | None = None) -> None:
    """`python -m mypos.testing serve [--port N] [--host H] [--tls]`: the sandbox in the
    foreground, printing its URL and seeded credentials, until Ctrl-C or SIGTERM."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] != "serve":
        sys.exit("usage: python -m mypos.testing serve [--port N] [--host ADDRESS] [--tls]")
    try:
        program = sandbox_binary()
    except SandboxNotInstalledError as e:
        sys.exit(f"mypos-sandbox: {e}")
    # The program takes the signals itself: become it rather than stand between.
    os.execv(program, [program, *args[1:]])


if __name__ == "__main__":
    main()
