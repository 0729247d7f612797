"""Methods on clients, built from the core's table of operations.

Nothing here knows an endpoint: every method is `name` + positional path parameters, turned
into one call to the native client. The typed signatures live in the generated `_client.pyi`.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import json
import math
from typing import Any, AsyncIterator, Callable, Iterator

from .errors import InvalidRequestError


def _plain(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a value the API takes")


def _finite(value: Any) -> Any:
    """NaN and infinities as text, so the core can say which field holds one."""
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


# Made once: `json.dumps` with options builds an encoder on every call.
_encode = json.JSONEncoder(default=_plain, allow_nan=False).encode


def encode(params: dict[str, Any]) -> str:
    if not params:
        return "{}"
    try:
        try:
            return _encode(params)
        except ValueError:
            return _encode(_finite(params))
    except TypeError as e:
        raise InvalidRequestError(f"invalid request: {e}", field="request") from e


class Operation:
    __slots__ = ("name", "path", "positional", "doc")

    def __init__(self, spec: dict[str, Any]) -> None:
        self.name: str = spec["name"]
        self.path: str = spec["path"]
        self.positional: list[str] = spec["positional"]
        self.doc: str = spec["doc"]

    def bind(self, call: Callable[..., Any], blocking: bool = False, deadline: bool = False) -> Callable[..., Any]:
        """A method calling this operation through `call`: a coroutine function, or, for the
        sync API (`blocking`), a plain function; with `deadline`, one that also takes a
        `timeout` in seconds for the whole call."""
        operation = self

        if blocking:

            def method(*args: Any, **kwargs: Any) -> Any:
                timeout = kwargs.pop("timeout", None) if deadline else None
                return json.loads(wait(call(operation.name, encode(operation.arguments(args, kwargs)), timeout)))

        else:

            async def method(*args: Any, **kwargs: Any) -> Any:  # type: ignore[misc]
                return json.loads(await call(operation.name, encode(operation.arguments(args, kwargs))))

        method.__name__ = self.path.rsplit(".", 1)[-1]
        method.__qualname__ = self.path
        method.__doc__ = self.doc
        return method

    def bind_iterator(self, call: Callable[..., Any], blocking: bool = False) -> Callable[..., Any]:
        """Every item of a paged list, one page fetched at a time, when the items before it
        have been consumed: `async for item in client.….list_all(size=50)` (a plain `for`
        in the sync API)."""
        operation = self

        def pages(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Iterator[dict[str, Any]]:
            params = operation.arguments(args, kwargs)
            page = params.pop("page", 1)
            while True:
                yield {**params, "page": page}
                page += 1

        if blocking:

            def iterate(*args: Any, **kwargs: Any) -> Iterator[Any]:
                for params in pages(args, kwargs):
                    answer = json.loads(wait(call(operation.name, encode(params))))
                    yield from answer["items"]
                    if not answer["has_next_page"]:
                        return

            return iterate

        async def iterate_async(*args: Any, **kwargs: Any) -> AsyncIterator[Any]:
            for params in pages(args, kwargs):
                answer = json.loads(await call(operation.name, encode(params)))
                for item in answer["items"]:
                    yield item
                if not answer["has_next_page"]:
                    return

        return iterate_async

    def arguments(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        if len(args) > len(self.positional):
            raise TypeError(
                f"{self.path}() takes {len(self.positional)} positional argument(s)"
                f" ({', '.join(self.positional) or 'none'}), {len(args)} given"
            )
        params = dict(zip(self.positional, args))
        for key, value in kwargs.items():
            if key in params:
                raise TypeError(f"{self.path}() got two values for {key!r}")
            if value is not None:
                params[key] = value
        return params


class Pager:
    """The auto-paging twin of a paged `Operation`."""

    __slots__ = ("operation",)

    def __init__(self, operation: Operation) -> None:
        self.operation = operation

    def bind(self, call: Callable[..., Any], blocking: bool = False, deadline: bool = False) -> Callable[..., Any]:
        return self.operation.bind_iterator(call, blocking)


def tree(specs: list[dict[str, Any]]) -> dict[str, Any]:
    """`banking.get_accounts` → {"banking": {"get_accounts": Operation, "iter_accounts": Pager}}."""
    root: dict[str, Any] = {}

    def place(path: str, entry: Any) -> None:
        *namespaces, method = path.split(".")
        node = root
        for name in namespaces:
            node = node.setdefault(name, {})
        node[method] = entry

    for spec in specs:
        operation = Operation(spec)
        place(spec["path"], operation)
        if spec.get("iterator"):
            place(spec["iterator"], Pager(operation))
    return root


class Namespace:
    """A group of methods (`client.banking`, `client.ecommerce.payment_links`); `blocking`
    for the sync API, `deadline` for sync methods that take a `timeout`."""

    def __init__(
        self, call: Callable[..., Any], node: dict[str, Any], path: str, blocking: bool = False, deadline: bool = False
    ) -> None:
        self._call = call
        self._node = node
        self._path = path
        self._blocking = blocking
        self._deadline = deadline

    def __getattr__(self, name: str) -> Any:
        entry = self._node.get(name)
        if entry is None:
            raise AttributeError(f"{self._path} has no attribute {name!r}")
        if isinstance(entry, (Operation, Pager)):
            member = entry.bind(self._call, self._blocking, self._deadline)
        else:
            member = Namespace(self._call, entry, f"{self._path}.{name}", self._blocking, self._deadline)
        setattr(self, name, member)  # looked up once per client
        return member

    def __dir__(self) -> list[str]:
        return sorted(self._node)

    def __repr__(self) -> str:
        return f"<mypos namespace {self._path}: {', '.join(sorted(self._node))}>"


class Operations:
    """A client's operations as attributes, found on its root namespace (`self._root`) on
    first use and kept on the client."""

    _root: Namespace

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        member = getattr(self._root, name)
        setattr(self, name, member)
        return member

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *dir(self._root)})


#: How long a sync call waits at a time before Python runs again: how soon Ctrl-C or an
#: exception raised into the waiting thread takes effect.
_WAIT_SLICE = 0.05


def wait(call: Any) -> Any:
    """The answer of a sync call (a native `BlockingCall`), waited for in short slices without
    the GIL. Between slices Python runs, so Ctrl-C (KeyboardInterrupt), a signal handler's
    exception (a worker's soft time limit) or an exception raised into this thread (a threaded
    worker's time limit) interrupts the wait. The call is then dropped, and what that starts is
    waited for before the exception goes on: a payment flow cancels its payment on the server.
    (A second Ctrl-C stops that wait too.)"""
    try:
        while not call.wait(_WAIT_SLICE):
            pass
    except BaseException:
        call.cancel()
        while not call.wait(_WAIT_SLICE):
            pass
        raise
    return call.result()


def raw_request_blocking(native: Any, method: str, path: str, query: dict[str, Any] | None, body: Any) -> Any:
    """The raw authenticated request every sync client offers as `request`."""
    spec = {"method": method, "path": path, "query": query or {}, "json": body}
    return json.loads(wait(native.raw_blocking(encode(spec))))


async def raw_request(native: Any, method: str, path: str, query: dict[str, Any] | None, body: Any) -> Any:
    """The raw authenticated request every async client offers as `request`."""
    spec = {"method": method, "path": path, "query": query or {}, "json": body}
    return json.loads(await native.raw(encode(spec)))

