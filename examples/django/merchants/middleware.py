"""One place turns errors into JSON answers. Errors about what the caller sent are 400s; the
rest mean myPOS could not do it: 502, not 500."""

from __future__ import annotations

from typing import Any, Callable

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse

import mypos

# The first class that matches decides.
STATUS_OF_ERROR: list[tuple[type[mypos.MyPOSError], int]] = [
    (mypos.ConfigError, 400),  # malformed credentials: `field` names which
    (mypos.InvalidRequestError, 400),  # a bad argument, caught before sending
    (mypos.BadRequestError, 400),  # myPOS refused a value (e.g. a currency the salon lacks)
    (mypos.AuthError, 400),  # myPOS refused the stored credentials
    (mypos.NotFoundError, 404),
    (mypos.ConflictError, 409),  # e.g. the payment is already finished
]


class JsonErrors:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, error: Exception) -> HttpResponse | None:
        if isinstance(error, Http404):
            return JsonResponse({"detail": str(error) or "not found"}, status=404)
        if not isinstance(error, mypos.MyPOSError):
            return None  # Django's own handling (a 500)
        status = next((s for cls, s in STATUS_OF_ERROR if isinstance(error, cls)), 502)
        body: dict[str, Any] = {"detail": error.message, "code": error.code}
        for extra in ("field", "errors", "reference_number"):  # whichever this error carries
            if getattr(error, extra, None):
                body[extra] = getattr(error, extra)
        # PaymentUnconfirmedError (502): the payment may exist; find it by `reference_number`
        # (epos.payments.list) before charging again.
        return JsonResponse(body, status=status)
