"""The exceptions the SDK raises. Each carries structured fields and survives pickling."""

from __future__ import annotations

from typing import Any

__all__ = [
    "MyPOSError",
    "ConfigError",
    "InvalidRequestError",
    "AuthError",
    "APIError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "RateLimitError",
    "ServerError",
    "APIConnectionError",
    "APITimeoutError",
    "APIDecodeError",
    "PaymentUnconfirmedError",
    "PaymentNotCompletedError",
    "InternalError",
]


class MyPOSError(Exception):
    """Base class of every error the SDK raises."""

    code: str = "MYPOS_ERROR"
    _fields: tuple[str, ...] = ()
    #: On an error of a MobilePay payment flow once its payment exists: the payment, to look
    #: it up (the flow cancelled it first where it could).
    payment_id: str | None = None

    def __init__(self, message: str, *, code: str | None = None, **fields: Any) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        for name in self._fields:
            setattr(self, name, fields.pop(name, None))
        # Fields a newer core sends are kept rather than dropped.
        for name, value in fields.items():
            setattr(self, name, value)

    def _state(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if k != "message"}

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, self._state()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


def _rebuild(cls: type[MyPOSError], message: str, state: dict[str, Any]) -> MyPOSError:
    return cls(message, **state)


class ConfigError(MyPOSError, ValueError):
    """The configuration or credentials are malformed; `field` names which. Nothing was sent."""

    code = "MYPOS_CONFIG"
    _fields = ("field",)
    field: str


class InvalidRequestError(MyPOSError, ValueError):
    """A request argument is malformed; `field` names which. Nothing was sent."""

    code = "MYPOS_INVALID_REQUEST"
    _fields = ("field",)
    field: str


class AuthError(MyPOSError):
    """A token or session could not be obtained, or fresh ones were refused."""

    code = "MYPOS_AUTH"
    _fields = ("status",)
    status: int | None


class APIError(MyPOSError):
    """The API answered with an error."""

    code = "MYPOS_API_ERROR"
    _fields = ("status", "status_message", "detail", "errors", "request_id", "error_type", "retry_after", "codes")
    status: int
    status_message: str
    detail: str | None
    errors: dict[str, list[str]]
    request_id: str | None
    error_type: str | None
    retry_after: float | None
    #: The API's message codes, in order (PSD2: "CONSENT_EXPIRED", "ACCESS_EXCEEDED", …).
    codes: list[str]


class BadRequestError(APIError):
    """HTTP 400 / 422: the API rejected the request; `errors` holds per-field messages."""

    code = "MYPOS_BAD_REQUEST"


class AuthenticationError(APIError):
    """HTTP 401."""

    code = "MYPOS_UNAUTHENTICATED"


class PermissionDeniedError(APIError):
    """HTTP 403: the integration or merchant may not use this API."""

    code = "MYPOS_PERMISSION_DENIED"


class NotFoundError(APIError):
    """HTTP 404."""

    code = "MYPOS_NOT_FOUND"


class ConflictError(APIError):
    """HTTP 409: the object is not in a state that allows this."""

    code = "MYPOS_CONFLICT"


class RateLimitError(APIError):
    """HTTP 429; `retry_after` says when to try again, in seconds."""

    code = "MYPOS_RATE_LIMITED"


class ServerError(APIError):
    """HTTP 5xx."""

    code = "MYPOS_SERVER_ERROR"


class APIConnectionError(MyPOSError):
    """The request could not be sent, or the connection broke before a full answer."""

    code = "MYPOS_CONNECTION"


class APITimeoutError(APIConnectionError, TimeoutError):
    """No full answer within the timeout (`timeout`, in seconds)."""

    code = "MYPOS_TIMEOUT"
    _fields = ("timeout",)
    timeout: float


class APIDecodeError(MyPOSError):
    """The API answered with a body the SDK cannot read: not what the answer should be, or
    longer than `max_response_bytes` (then `limit` is that limit, in bytes)."""

    code = "MYPOS_DECODE"
    _fields = ("status", "limit")
    status: int
    limit: int | None


class PaymentUnconfirmedError(MyPOSError):
    """A payment request may or may not have reached the terminal and could not be found by its
    `reference_number`. It was not sent twice: look the payment up by that reference (for
    example with `client.epos.payments.list(terminal_id=…, reference_number=…)`) before trying
    again."""

    code = "MYPOS_PAYMENT_UNCONFIRMED"
    _fields = ("reference_number",)
    reference_number: str


class PaymentNotCompletedError(MyPOSError):
    """A payment flow ended without taking the money: the customer rejected the payment, it
    was cancelled or it expired. `payment_status` says where it ended (e.g. `CancelledByUser`)."""

    code = "MYPOS_PAYMENT_NOT_COMPLETED"
    _fields = ("payment_id", "payment_status")
    payment_id: str
    payment_status: str


class InternalError(MyPOSError):
    """A bug inside the SDK: it panicked. The call failed and the process goes on; whether the
    request reached the API is unknown. Please report it with the message."""

    code = "MYPOS_INTERNAL"
